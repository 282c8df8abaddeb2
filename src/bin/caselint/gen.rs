//! `caselint gen`: synthetic cn-criminal case files, for benchmarks.

use crate::common::{default_pack, load_pack};
use caselint::r#gen::generate;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

/// Generate synthetic but valid case files (deterministic for a seed).
///
/// The cases follow the shapes of real files: several defendants, each with
/// a procedural chain, charges, evidence and sentences; a few acts late,
/// missing or contradictory.
#[derive(Args)]
#[command(
    after_help = "Examples:\n  caselint gen --nodes 10000 --seed 7 -o case-10k.json\n  caselint gen --nodes 100000 -o case-100k.json && caselint review case-100k.json\n  caselint gen --nodes 100 --ndjson 10000 -o batch.ndjson && caselint review batch.ndjson"
)]
pub struct GenArgs {
    /// Nodes per case (exact from 100 on).
    #[arg(long, default_value_t = 1000)]
    nodes: usize,
    /// Seed of the generator; with `--ndjson`, case i uses seed + i.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Write here instead of standard output.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Write N cases, one per line (NDJSON), for batch reviews.
    #[arg(long, value_name = "N")]
    ndjson: Option<usize>,
    /// The rule pack whose schema the cases follow (default: the shipped rules/cn-criminal).
    #[arg(long)]
    rules: Option<PathBuf>,
}

pub fn run(a: GenArgs) -> u8 {
    let pack = match load_pack(&a.rules.unwrap_or_else(default_pack)) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let mut out: Box<dyn Write> = match &a.output {
        Some(p) => match std::fs::File::create(p) {
            Ok(f) => Box::new(std::io::BufWriter::new(f)),
            Err(e) => {
                eprintln!("error: cannot write `{}`: {e}", p.display());
                return 2;
            }
        },
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let result = match a.ndjson {
        None => out.write_all(generate(pack.schema(), a.nodes, a.seed).as_bytes()),
        Some(n) => (0..n as u64).try_for_each(|i| {
            let case = generate(pack.schema(), a.nodes, a.seed.wrapping_add(i));
            // The generator puts line breaks only between tokens.
            let line: String = case.chars().filter(|c| *c != '\n').collect();
            writeln!(out, "{line}")
        }),
    };
    match result.and_then(|()| out.flush()) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: cannot write the cases: {e}");
            2
        }
    }
}

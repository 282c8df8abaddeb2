//! `caselint test PACK`: run a pack's tests, with coverage.

use crate::common::{color_stderr, color_stdout, default_pack, load_pack, print_write_error};
use caselint::pack_test::{self, describe};
use clap::Args;
use std::path::PathBuf;

/// Run a rule pack's tests (`tests/*.test.json` in the pack's folder).
///
/// Exit codes: 0 all passed (and coverage met), 1 some failed or coverage
/// below the minimum, 2 bad input (no pack, a malformed test file, a filter
/// that matches no test).
#[derive(Args)]
#[command(
    after_help = "Examples:\n  caselint test rules/cn-criminal\n  caselint test rules/cn-criminal --filter 085\n  caselint test rules/cn-criminal --coverage --min-coverage 100\n  caselint test rules/cn-criminal --junit results.xml"
)]
pub struct TestArgs {
    /// The pack's folder (default: the shipped rules/cn-criminal).
    pack: Option<PathBuf>,
    /// Run only tests whose name or file contains this text.
    #[arg(long)]
    filter: Option<String>,
    /// Report, per rule, whether a test made it fire and one made it stay silent,
    /// and the conditions no test exercised both ways.
    #[arg(long)]
    coverage: bool,
    /// Fail when fewer than this percentage of rules both fired and stayed silent.
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent)]
    min_coverage: Option<f64>,
    /// Write JUnit XML results to this file.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
}

fn parse_percent(s: &str) -> Result<f64, String> {
    match s.trim_end_matches('%').parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        _ => Err(format!("`{s}` is not a percentage from 0 to 100, e.g. 90")),
    }
}

pub fn run(a: TestArgs) -> u8 {
    let dir = a.pack.clone().unwrap_or_else(default_pack);
    let pack = match load_pack(&dir) {
        Ok(p) => p,
        Err(c) => return c,
    };
    let files = pack_test::discover(&dir);
    if files.is_empty() {
        eprintln!(
            "error: no test files (`*.test.json`) under `{}`",
            dir.display()
        );
        eprintln!(
            "  help: write tests as `{}`; docs/pack-tests.md describes the format",
            dir.join("tests").join("NAME.test.json").display()
        );
        return 2;
    }
    let run = pack_test::run(&pack, &files, a.filter.as_deref());
    if let Some(f) = &a.filter
        && run.results.is_empty()
        && run.file_errors.is_empty()
    {
        eprintln!("error: `--filter {f}` matches no test");
        eprintln!(
            "  help: the filter is matched against test names and file paths; drop it to run every test"
        );
        return 2;
    }
    let color = color_stdout();
    let paint = |c: &str, s: &str| {
        if color {
            format!("\x1b[{c}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let error = if color_stderr() {
        "\x1b[31;1merror:\x1b[0m"
    } else {
        "error:"
    };
    for e in &run.file_errors {
        // serde_json ends its messages with the place, which is already in front.
        let place = format!(" at line {} column {}", e.line, e.column);
        eprintln!(
            "{}:{}:{}: {error} {}",
            e.file.display(),
            e.line,
            e.column,
            e.message.strip_suffix(&place).unwrap_or(&e.message)
        );
        eprintln!("  help: fix the test file; docs/pack-tests.md describes the format");
    }
    for r in &run.results {
        if r.passed() {
            println!(
                "{} {} :: {}",
                paint("32", "ok  "),
                r.file.file_name().and_then(|n| n.to_str()).unwrap_or(""),
                r.name
            );
            continue;
        }
        println!(
            "{} {} :: {}",
            paint("31;1", "FAIL"),
            r.file.display(),
            r.name
        );
        for f in &r.failures {
            println!("       {f}");
        }
        println!("       expected:");
        if r.expected.is_empty() {
            println!("         (nothing)");
        }
        for e in &r.expected {
            // (Two lists under their headings, not a diff: no `+` or `-`.)
            println!("         {}", paint("32", &describe(e)));
        }
        println!("       actual:");
        if r.actual.is_empty() {
            println!("         (nothing)");
        }
        for f in &r.actual {
            println!(
                "         {}",
                paint(
                    "31",
                    &format!("{} [{}] {}", f.rule, f.nodes.join(", "), f.message.as_str())
                )
            );
        }
    }
    let failed = run.failed();
    let passed = run.results.len() - failed;
    if a.coverage || a.min_coverage.is_some() {
        println!("\ncoverage (fired / stayed silent):");
        for (id, c) in &run.rules {
            let mark = |b: bool| if b { "yes" } else { "NO " };
            println!("  {} {}  {id}", mark(c.fired), mark(c.silent));
        }
        if !run.unexercised.is_empty() {
            println!("\nconditions not exercised both ways:");
            for (loc, rule, what) in &run.unexercised {
                println!("  {loc}: {rule}: {what}");
            }
        }
        println!("\nrule coverage: {:.1}%", run.coverage_percent());
    }
    if let Some(path) = &a.junit
        && let Err(e) = std::fs::write(path, pack_test::junit(&run, &dir.display().to_string()))
    {
        print_write_error(path, "--junit", &e);
        return 2;
    }
    println!("\n{passed} passed, {failed} failed");
    if !run.file_errors.is_empty() {
        return 2;
    }
    if failed > 0 {
        return 1;
    }
    if let Some(min) = a.min_coverage
        && run.coverage_percent() < min
    {
        eprintln!(
            "error: rule coverage {:.1}% is below `--min-coverage {min}`",
            run.coverage_percent()
        );
        eprintln!(
            "  help: add tests that make each rule marked NO above fire, and tests (with `only`) where it stays silent"
        );
        return 1;
    }
    0
}

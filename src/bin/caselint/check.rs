//! `caselint check PACK`: parse and type-check a pack.

use crate::common::{
    check_pack_dir, color_stderr, color_stdout, default_pack, is_io_failure, render_all,
};
use caselint::RulePack;
use caselint::diag::Level;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Parse and type-check a rule pack; print every diagnostic.
///
/// Exit codes: 0 no errors (warnings allowed), 1 some errors, 2 no pack to check.
#[derive(Args)]
#[command(
    after_help = "Examples:\n  caselint check rules/cn-criminal\n  caselint check --format json my-pack/"
)]
pub struct CheckArgs {
    /// The pack's folder (default: the shipped rules/cn-criminal).
    pack: Option<PathBuf>,
    /// Output format: `text` (underlined source) or `json` (for editors and CI).
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

pub fn run(a: CheckArgs) -> u8 {
    let dir = a.pack.unwrap_or_else(default_pack);
    if let Err(code) = check_pack_dir(&dir) {
        return code;
    }
    let (diags, sources, nrules) = match RulePack::load(&dir) {
        Ok(p) => (
            p.warnings().to_vec(),
            p.sources().clone(),
            p.rule_ids().len(),
        ),
        // Nothing to check: the folder has no readable `.rules` files.
        Err(e) if is_io_failure(&e) => {
            eprint!("{}", render_all(&e.diagnostics, &e.sources, color_stderr()));
            eprintln!(
                "  help: a rule pack is a folder of `.rules` files, such as the shipped `rules/cn-criminal`"
            );
            return 2;
        }
        Err(e) => (e.diagnostics, e.sources, 0),
    };
    let errors = diags.iter().filter(|d| d.level == Level::Error).count();
    let warnings = diags.len() - errors;
    match a.format {
        Format::Text => {
            print!("{}", render_all(&diags, &sources, color_stdout()));
            if errors == 0 {
                println!("{}: {nrules} rules, {warnings} warning(s)", dir.display());
            } else {
                println!(
                    "{}: {errors} error(s), {warnings} warning(s)",
                    dir.display()
                );
            }
        }
        Format::Json => {
            let items: Vec<serde_json::Value> = diags
                .iter()
                .map(|d| {
                    let loc = sources.location(d.span);
                    serde_json::json!({
                        "level": d.level, "code": d.code, "message": d.message,
                        "file": loc.file, "line": loc.line, "column": loc.column,
                        "label": d.label, "help": d.help,
                    })
                })
                .collect();
            println!(
                "{}",
                serde_json::json!({ "errors": errors, "warnings": warnings, "diagnostics": items })
            );
        }
    }
    u8::from(errors > 0)
}

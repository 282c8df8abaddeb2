//! `caselint report CASE -o FILE`: the case as one self-contained HTML page.

use crate::common::{default_pack, load_pack};
use crate::review::{lang_of, parse_day, read_case};
use caselint::Lang;
use caselint::report::html::{HtmlOptions, render_case_html};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

/// Write a case's review as one HTML page: timeline, findings, worksheet, parties and evidence.
#[derive(Args)]
#[command(
    after_help = "The page is self-contained (no scripts, fonts or images from the network) and prints on A4.\n\nExamples:\n  caselint report examples/cases/robbery-juvenile-defects.json -o review.html\n  caselint report case.json --lang en -o review.en.html\n  caselint report case.json --as-of 2024-06-20 -o docket.html\n  caselint report case.json -o - > review.html"
)]
pub struct ReportArgs {
    /// The case file (`-` reads standard input).
    case: PathBuf,
    /// Where to write the page (`-`: standard output).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: PathBuf,
    /// The rule pack's folder (default: the shipped rules/cn-criminal).
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Review as of this day (YYYY-MM-DD): acts not yet due are listed as pending obligations.
    #[arg(long, value_parser = parse_day)]
    as_of: Option<jiff::civil::Date>,
    /// Language of the page: one of the pack's (zh, en); default: the pack's default.
    #[arg(long)]
    lang: Option<String>,
}

pub fn run(a: ReportArgs) -> u8 {
    let pack = match load_pack(&a.rules.clone().unwrap_or_else(default_pack)) {
        Ok(p) => p,
        Err(c) => return c,
    };
    let lang = match lang_of(&pack, a.lang.as_deref()) {
        Ok(Lang::All) => {
            eprintln!("error: `--lang all`: a page is written in one language");
            eprintln!(
                "  help: use one of {}, and write one page per language",
                pack.program().languages.join(", ")
            );
            return 2;
        }
        Ok(Lang::One(l)) => Some(l),
        Ok(Lang::Default) => None,
        Err(c) => return c,
    };
    let case = match read_case(&pack, &a.case) {
        Ok(c) => c,
        Err(c) => return c,
    };
    let opts = HtmlOptions {
        lang,
        as_of: a.as_of,
    };
    let page = match render_case_html(&pack, &case, &opts) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let written = if a.output.as_os_str() == "-" {
        std::io::stdout().lock().write_all(page.as_bytes())
    } else {
        std::fs::write(&a.output, page.as_bytes())
    };
    match written {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: cannot write `{}`: {e}", a.output.display());
            2
        }
    }
}

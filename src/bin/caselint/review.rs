//! `caselint review` and `caselint due`.

use crate::common::{color_stdout, default_pack, load_pack};
use caselint::report::render_text;
use caselint::{Lang, ReviewOptions, RulePack};
use clap::{Args, ValueEnum};
use std::io::{BufRead, Write};
use std::path::PathBuf;

#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub enum Format {
    Text,
    Json,
}

/// Review case files against a rule pack.
///
/// Exit codes: 0 no error findings, 1 some error findings, 2 bad input.
#[derive(Args)]
#[command(
    after_help = "Examples:\n  caselint review examples/cases/robbery-juvenile-defects.json\n  caselint review --format json --lang en case.json\n  caselint review --as-of 2024-03-05 case.json\n  caselint review cases.ndjson > reports.ndjson\n  cat cases.ndjson | caselint review -"
)]
pub struct ReviewArgs {
    /// Case files (v1 JSON); `*.ndjson`/`*.jsonl` or `-` read one case per line.
    #[arg(required = true)]
    cases: Vec<PathBuf>,
    /// The rule pack's folder (default: the shipped rules/cn-criminal).
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Review as of this day (YYYY-MM-DD): acts not yet due are pending, not breaches.
    #[arg(long, value_parser = parse_day)]
    as_of: Option<jiff::civil::Date>,
    /// Language of titles, messages and citations: a language of the pack, or `all`.
    #[arg(long)]
    lang: Option<String>,
    /// Also show the pack's views: the sentencing worksheet per defendant and charge.
    #[arg(long)]
    worksheet: bool,
}

/// List a case's obligations still pending as of a day: the clerk's docket.
#[derive(Args)]
#[command(
    after_help = "Examples:\n  caselint due examples/cases/robbery-juvenile-defects.json --as-of 2024-03-06\n  caselint due case.json --as-of 2024-06-01 --format json --lang en"
)]
pub struct DueArgs {
    /// The case file.
    case: PathBuf,
    /// The day to review as of (YYYY-MM-DD).
    #[arg(long, value_parser = parse_day)]
    as_of: jiff::civil::Date,
    /// The rule pack's folder (default: the shipped rules/cn-criminal).
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Language: a language of the pack, or `all`.
    #[arg(long)]
    lang: Option<String>,
}

pub fn parse_day(s: &str) -> Result<jiff::civil::Date, String> {
    if let Some(d) = s
        .parse::<jiff::civil::Date>()
        .ok()
        .filter(|d| d.to_string() == s)
    {
        return Ok(d);
    }
    // `2024-02-30`: the right form, but no such day.
    let parts: Vec<&str> = s.split('-').collect();
    if let [y, m, d] = parts.as_slice()
        && y.len() == 4
        && m.len() == 2
        && d.len() == 2
        && let (Ok(y), Ok(m), Ok(_)) = (y.parse::<i16>(), m.parse::<i8>(), d.parse::<i8>())
    {
        if let Ok(first) = jiff::civil::Date::new(y, m, 1) {
            return Err(format!(
                "there is no day `{s}`: {y:04}-{m:02} has {} days",
                first.days_in_month()
            ));
        }
        return Err(format!("there is no day `{s}`: a month is 01 to 12"));
    }
    Err(format!(
        "`{s}` is not a day: write it as YYYY-MM-DD, e.g. 2024-03-05"
    ))
}

pub fn lang_of(pack: &RulePack, lang: Option<&str>) -> Result<Lang, u8> {
    match lang {
        None => Ok(Lang::Default),
        Some("all") => Ok(Lang::All),
        Some(l) if pack.program().languages.iter().any(|x| x == l) => Ok(Lang::One(l.to_string())),
        Some(l) => {
            eprintln!("error: `--lang {l}`: the pack has no language `{l}`");
            eprintln!(
                "  help: use one of {}, or `all` for every language",
                pack.program().languages.join(", ")
            );
            Err(2)
        }
    }
}

fn read_input(path: &PathBuf) -> Result<String, u8> {
    let r = if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s).map(|_| s)
    } else if path.is_dir() {
        Err(std::io::Error::from(std::io::ErrorKind::IsADirectory))
    } else {
        std::fs::read(path).and_then(|b| {
            String::from_utf8(b).map_err(|e| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("invalid byte at offset {}", e.utf8_error().valid_up_to()),
                )
            })
        })
    };
    r.map_err(|e| {
        print_read_error(path, &e);
        2
    })
}

#[allow(dead_code)]
fn read_input_old(path: &PathBuf) -> Result<String, u8> {
    let r = if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s).map(|_| s)
    } else {
        std::fs::read(path).and_then(|b| {
            String::from_utf8(b).map_err(|e| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("not UTF-8 at byte {}", e.utf8_error().valid_up_to()),
                )
            })
        })
    };
    r.map_err(|e| {
        eprintln!("error: cannot read `{}`: {e}", path.display());
        2
    })
}

/// Reads and loads one case file, printing load errors with their place.
pub fn read_case(pack: &RulePack, path: &PathBuf) -> Result<caselint::CaseGraph, u8> {
    let text = read_input(path)?;
    pack.load_case(&text).map_err(|errs| {
        print_load_errors(path, &errs);
        2
    })
}

fn print_load_errors(path: &PathBuf, errs: &caselint::LoadErrors) {
    for e in &errs.errors {
        let at = if e.path.is_empty() {
            "$"
        } else {
            e.path.as_str()
        };
        eprintln!(
            "{}:{}:{}: error: {} (at `{at}`)",
            path.display(),
            e.line,
            e.column,
            e.message
        );
        if let Some(h) = &e.help {
            eprintln!("  help: {h}");
        }
    }
    if errs.truncated {
        eprintln!(
            "{}: more errors were found; only the first {} are shown",
            path.display(),
            errs.errors.len()
        );
    }
}

fn is_lines(path: &PathBuf) -> bool {
    path.as_os_str() == "-"
        || path
            .extension()
            .is_some_and(|e| e == "ndjson" || e == "jsonl")
}

pub fn run(a: ReviewArgs) -> u8 {
    let pack = match load_pack(&a.rules.clone().unwrap_or_else(default_pack)) {
        Ok(p) => p,
        Err(c) => return c,
    };
    let lang = match lang_of(&pack, a.lang.as_deref()) {
        Ok(l) => l,
        Err(c) => return c,
    };
    let opts = ReviewOptions {
        as_of: a.as_of,
        lang,
        views: a.worksheet,
        ..ReviewOptions::default()
    };
    let mut worst = 0u8;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for path in &a.cases {
        if is_lines(path) {
            worst = worst.max(review_lines(&pack, path, &opts, a.format, &mut out));
            continue;
        }
        let text = match read_input(path) {
            Ok(t) => t,
            Err(c) => {
                worst = worst.max(c);
                continue;
            }
        };
        let case = match pack.load_case(&text) {
            Ok(c) => c,
            Err(errs) => {
                for e in &errs.errors {
                    eprintln!(
                        "{}:{}:{}: error: {} (at `{}`)",
                        path.display(),
                        e.line,
                        e.column,
                        e.message,
                        if e.path.is_empty() { "$" } else { &e.path }
                    );
                    if let Some(h) = &e.help {
                        eprintln!("  help: {h}");
                    }
                }
                if errs.truncated {
                    eprintln!(
                        "{}: more errors were found; only the first {} are shown",
                        path.display(),
                        errs.errors.len()
                    );
                }
                worst = worst.max(2);
                continue;
            }
        };
        match pack.review_with(&case, &opts) {
            Ok(r) => {
                let _ = match a.format {
                    Format::Json => writeln!(out, "{}", r.to_json()),
                    Format::Text => write!(out, "{}", render_text(&r, Some(&case), color_stdout())),
                };
                if r.has_errors() {
                    worst = worst.max(1);
                }
            }
            Err(e) => {
                eprintln!("{}: error: {e}", path.display());
                worst = worst.max(2);
            }
        }
    }
    worst
}

/// One result per input line, in order; a bad line gets an error record with its number.
fn review_lines(
    pack: &RulePack,
    path: &PathBuf,
    opts: &ReviewOptions,
    format: Format,
    out: &mut dyn Write,
) -> u8 {
    let reader: Box<dyn BufRead> = if path.as_os_str() == "-" {
        Box::new(std::io::BufReader::new(std::io::stdin()))
    } else {
        match std::fs::File::open(path) {
            Ok(f) => Box::new(std::io::BufReader::new(f)),
            Err(e) => {
                eprintln!("error: cannot read `{}`: {e}", path.display());
                return 2;
            }
        }
    };
    let mut worst = 0u8;
    let mut batch: Vec<(usize, Result<String, String>)> = vec![];
    let flush =
        |batch: &mut Vec<(usize, Result<String, String>)>, out: &mut dyn Write, worst: &mut u8| {
            let inputs: Vec<String> = batch
                .iter()
                .map(|(_, l)| l.clone().unwrap_or_default())
                .collect();
            let results = pack.review_batch(&inputs, opts);
            for ((line, input), result) in batch.drain(..).zip(results) {
                let record = match (input, result) {
                    (Err(e), _) => {
                        *worst = (*worst).max(2);
                        serde_json::json!({ "line": line, "error": e })
                    }
                    (Ok(_), Ok(r)) => {
                        if r.has_errors() {
                            *worst = (*worst).max(1);
                        }
                        if format == Format::Text {
                            let _ = write!(out, "{}", render_text(&r, None, false));
                            continue;
                        }
                        match serde_json::to_value(&r) {
                            Ok(v) => v,
                            Err(e) => serde_json::json!({ "line": line, "error": e.to_string() }),
                        }
                    }
                    (Ok(_), Err(e)) => {
                        *worst = (*worst).max(2);
                        serde_json::json!({ "line": line, "error": e.to_string() })
                    }
                };
                let _ = writeln!(out, "{record}");
            }
        };
    for (i, line) in reader.split(b'\n').enumerate() {
        let line_no = i + 1;
        let item = match line {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(s) if s.trim().is_empty() => {
                    Err("empty line: expected one case as JSON".to_string())
                }
                Ok(s) => Ok(s),
                Err(e) => Err(format!(
                    "line is not UTF-8 (byte {})",
                    e.utf8_error().valid_up_to()
                )),
            },
            Err(e) => Err(format!("cannot read the line: {e}")),
        };
        batch.push((line_no, item));
        if batch.len() >= 256 {
            flush(&mut batch, out, &mut worst);
        }
    }
    flush(&mut batch, out, &mut worst);
    worst
}

pub fn run_due(a: DueArgs) -> u8 {
    let pack = match load_pack(&a.rules.clone().unwrap_or_else(default_pack)) {
        Ok(p) => p,
        Err(c) => return c,
    };
    let lang = match lang_of(&pack, a.lang.as_deref()) {
        Ok(l) => l,
        Err(c) => return c,
    };
    let text = match read_input(&a.case) {
        Ok(t) => t,
        Err(c) => return c,
    };
    let case = match pack.load_case(&text) {
        Ok(c) => c,
        Err(errs) => {
            for e in &errs.errors {
                eprintln!(
                    "{}:{}:{}: error: {} (at `{}`)",
                    a.case.display(),
                    e.line,
                    e.column,
                    e.message,
                    e.path
                );
            }
            return 2;
        }
    };
    match pack.due(&case, a.as_of, lang) {
        Ok(r) => {
            match a.format {
                Format::Json => println!("{}", r.to_json()),
                Format::Text => {
                    println!("case {}: obligations pending as of {}", r.case, a.as_of);
                    if r.findings.is_empty() {
                        println!("  nothing pending");
                    }
                    for f in &r.findings {
                        println!(
                            "  due {}  [{}] {}",
                            f.due.as_deref().unwrap_or("?"),
                            f.rule,
                            f.message.as_str()
                        );
                    }
                }
            }
            0
        }
        Err(e) => {
            eprintln!("{}: error: {e}", a.case.display());
            2
        }
    }
}

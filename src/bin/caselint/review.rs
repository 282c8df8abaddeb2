//! `caselint review` and `caselint due`.

use crate::common::{Progress, color_stdout, default_pack, load_pack, print_read_error, shown};
use caselint::report::{one_line_safe, render_text};
use caselint::{Lang, ReviewOptions, RulePack};
use clap::{Args, ValueEnum};
use rayon::prelude::*;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub enum Format {
    Text,
    Json,
}

/// Review case files against a rule pack.
///
/// Exit codes: 0 no error findings, 1 some error findings, 2 bad input (or a
/// review stopped by a limit).
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

/// Why a case file gave no case.
enum CaseFailure {
    /// It could not be read.
    Read(std::io::Error),
    /// It was read but does not load (bytes that are not UTF-8 included,
    /// reported at their line and column).
    Load(caselint::LoadErrors),
}

impl CaseFailure {
    fn print(&self, path: &Path) {
        match self {
            CaseFailure::Read(e) => print_read_error(path, e),
            CaseFailure::Load(errs) => print_load_errors(path, errs),
        }
    }
}

/// Reads and loads one case file (`-`: standard input).
fn load_file(pack: &RulePack, path: &Path) -> Result<caselint::CaseGraph, CaseFailure> {
    let bytes = if path.as_os_str() == "-" {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut b).map(|_| b)
    } else if path.is_dir() {
        Err(std::io::Error::from(std::io::ErrorKind::IsADirectory))
    } else {
        std::fs::read(path)
    }
    .map_err(CaseFailure::Read)?;
    match String::from_utf8(bytes) {
        Ok(text) => pack.load_case(&text),
        // The loader names the first byte that is not UTF-8 by line and column.
        Err(e) => caselint::CaseGraph::from_reader(pack.schema().clone(), e.as_bytes()),
    }
    .map_err(CaseFailure::Load)
}

/// Reads and loads one case file, printing why when it gives no case.
pub fn read_case(pack: &RulePack, path: &Path) -> Result<caselint::CaseGraph, u8> {
    load_file(pack, path).map_err(|f| {
        f.print(path);
        2
    })
}

fn print_load_errors(path: &Path, errs: &caselint::LoadErrors) {
    print_load_errors_at(&shown(path), 0, errs);
}

/// Prints load errors as `FILE:LINE:COLUMN: error: …`; `line_offset` is the
/// line of an NDJSON file the case was on, less one.
fn print_load_errors_at(file: &str, line_offset: usize, errs: &caselint::LoadErrors) {
    for e in &errs.errors {
        let at = if e.path.is_empty() {
            "$"
        } else {
            e.path.as_str()
        };
        eprintln!(
            "{file}:{}:{}: error: {} (at `{at}`)",
            e.line as usize + line_offset,
            e.column,
            e.message
        );
        if let Some(h) = &e.help {
            eprintln!("  help: {h}");
        }
    }
    if errs.truncated {
        eprintln!(
            "{file}: more errors were found; only the first {} are shown",
            errs.errors.len()
        );
    }
}

fn is_lines(path: &Path) -> bool {
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
    let mut w = Writer {
        out: std::io::stdout().lock(),
        format: a.format,
        color: color_stdout(),
        reports: 0,
        failed: None,
    };
    // A bar over the files, or a counter when some input holds many cases.
    let counted = !a.cases.iter().any(|p| is_lines(p.as_path()));
    let progress = Progress::new(counted.then_some(a.cases.len() as u64));
    let mut worst = 0u8;
    for path in &a.cases {
        if w.failed.is_some() {
            break;
        }
        if is_lines(path) {
            worst = worst.max(review_lines(&pack, path, &opts, &progress, &mut w));
            continue;
        }
        let case = load_file(&pack, path).map_err(|f| progress.suspend(|| f.print(path)));
        progress.inc(1);
        let Ok(case) = case else {
            worst = worst.max(2);
            continue;
        };
        match pack.review_with(&case, &opts) {
            Ok(r) => {
                progress.suspend(|| w.report(&r, Some(&case)));
                if r.has_errors() {
                    worst = worst.max(1);
                }
            }
            Err(e) => {
                progress.suspend(|| print_eval_error(&shown(path), &e));
                worst = worst.max(2);
            }
        }
    }
    drop(progress);
    w.finish().unwrap_or(worst)
}

/// Writes reports to standard output, text ones a blank line apart.
struct Writer<W: Write> {
    out: W,
    format: Format,
    color: bool,
    reports: usize,
    /// The first write that failed; nothing more is written after it.
    failed: Option<std::io::Error>,
}

impl<W: Write> Writer<W> {
    fn report(&mut self, r: &caselint::Report, case: Option<&caselint::CaseGraph>) {
        let text = match self.format {
            Format::Json => r.to_json() + "\n",
            Format::Text => render_text(r, case, self.color),
        };
        self.write(&text);
    }

    /// Writes a rendered report (text, or one JSON line).
    fn write(&mut self, text: &str) {
        if self.failed.is_some() {
            return;
        }
        let sep = if self.format == Format::Text && self.reports > 0 {
            "\n"
        } else {
            ""
        };
        self.reports += 1;
        if let Err(e) = self
            .out
            .write_all(sep.as_bytes())
            .and_then(|()| self.out.write_all(text.as_bytes()))
        {
            self.failed = Some(e);
        }
    }

    /// After the last report: the exit code of a failed write (141, as for
    /// SIGPIPE, when the reader went away), with the reason on stderr.
    fn finish(&mut self) -> Option<u8> {
        let e = match self.failed.take() {
            Some(e) => e,
            None => match self.out.flush() {
                Ok(()) => return None,
                Err(e) => e,
            },
        };
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Some(141);
        }
        eprintln!("error: cannot write the reports to standard output: {e}");
        eprintln!("  help: check that the disk the output goes to has room");
        Some(2)
    }
}

fn print_eval_error(file: &str, e: &caselint::EvalError) {
    eprintln!("{file}: error: the review stopped: {e}");
    eprintln!(
        "  help: this is a limit of the review, not an error in the case file; report it to the pack's authors with the case"
    );
}

/// The outcome of one line of an NDJSON input.
enum LineOutcome {
    /// A rendered report (text, or one JSON line), and whether it has error findings.
    Report(String, bool),
    /// The line could not be reviewed.
    Bad {
        message: String,
        load: Option<caselint::LoadErrors>,
    },
}

/// Lines of NDJSON input reviewed together, on all cores.
const LINES_PER_BATCH: usize = 256;

/// One result per input line, in order. With `--format json` a bad line gets
/// an error record with its number; with text, its errors go to standard error.
fn review_lines(
    pack: &RulePack,
    path: &Path,
    opts: &ReviewOptions,
    progress: &Progress,
    w: &mut Writer<impl Write>,
) -> u8 {
    let reader: Box<dyn BufRead> = if path.as_os_str() == "-" {
        Box::new(std::io::BufReader::new(std::io::stdin()))
    } else {
        let file = if path.is_dir() {
            Err(std::io::Error::from(std::io::ErrorKind::IsADirectory))
        } else {
            std::fs::File::open(path)
        };
        match file {
            Ok(f) => Box::new(std::io::BufReader::new(f)),
            Err(e) => {
                progress.suspend(|| print_read_error(path, &e));
                return 2;
            }
        }
    };
    let file = shown(path);
    let (format, color) = (w.format, w.color);
    let mut worst = 0u8;
    let mut batch: Vec<(usize, Result<String, String>)> = Vec::with_capacity(LINES_PER_BATCH);
    let mut pretty = false;
    let mut flush = |batch: &mut Vec<(usize, Result<String, String>)>| {
        let outcomes: Vec<LineOutcome> = batch
            .par_iter()
            .map(|(_, item)| {
                let o = review_line(pack, item, opts, format, color);
                progress.inc(1);
                o
            })
            .collect();
        progress.suspend(|| {
            for ((line, _), outcome) in batch.drain(..).zip(outcomes) {
                match outcome {
                    LineOutcome::Report(text, errors) => {
                        if errors {
                            worst = worst.max(1);
                        }
                        w.write(&text);
                    }
                    LineOutcome::Bad { message, load } => {
                        worst = worst.max(2);
                        match (format, load) {
                            (Format::Json, Some(errs)) => {
                                let record = load_error_record(line, &errs);
                                w.write(&format!("{record}\n"));
                            }
                            (Format::Json, None) => {
                                let record = serde_json::json!({ "line": line, "error": message });
                                w.write(&format!("{record}\n"));
                            }
                            (Format::Text, Some(errs)) => {
                                print_load_errors_at(&file, line - 1, &errs)
                            }
                            (Format::Text, None) => eprintln!("{file}:{line}: error: {message}"),
                        }
                    }
                }
            }
        });
        w.failed.is_none()
    };
    for (i, line) in reader.split(b'\n').enumerate() {
        let item = match line {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(s) if s.trim().is_empty() => {
                    Err("the line is empty: each line must hold one case as JSON".to_string())
                }
                Ok(s) => Ok(s),
                Err(e) => Err(not_utf8(e.as_bytes(), e.utf8_error().valid_up_to())),
            },
            Err(e) => Err(format!("cannot read the line: {e}")),
        };
        // A lone `{`: a pretty-printed case file given where one case per line is read.
        pretty |= i == 0 && item.as_ref().is_ok_and(|s| s.trim() == "{");
        batch.push((i + 1, item));
        if batch.len() >= LINES_PER_BATCH {
            // Stop reading when the output is gone.
            if !flush(&mut batch) {
                break;
            }
        }
    }
    if !batch.is_empty() {
        flush(&mut batch);
    }
    if pretty {
        progress.suspend(|| {
            eprintln!(
                "note: `{file}` is read as one case per line (NDJSON), but its first line is a lone `{{`"
            );
            eprintln!(
                "  help: pass a pretty-printed case file by its path, or put each case on one line (`jq -c . case.json`)"
            );
        });
    }
    worst
}

/// The JSON record of a line that does not load: `error` says how many
/// errors, `errors` gives each where the file has it (`line` and `column` in
/// the input file, `path` in the case), with its message and help.
fn load_error_record(line: usize, errs: &caselint::LoadErrors) -> serde_json::Value {
    let n = errs.errors.len();
    let summary = if errs.truncated {
        format!("the line has more than {n} errors; the first {n} are listed")
    } else if n == 1 {
        "the line has 1 error".to_string()
    } else {
        format!("the line has {n} errors")
    };
    let list: Vec<serde_json::Value> = errs
        .errors
        .iter()
        .map(|e| {
            let mut v = serde_json::json!({
                "kind": e.kind.code(),
                // (An error without a place in the text is the line's.)
                "line": line - 1 + (e.line as usize).max(1),
                "column": e.column,
                "path": e.path,
                "message": e.message,
            });
            if let (Some(h), Some(o)) = (&e.help, v.as_object_mut()) {
                o.insert("help".into(), serde_json::Value::String(h.clone()));
            }
            v
        })
        .collect();
    serde_json::json!({ "line": line, "error": summary, "errors": list })
}

/// Loads and reviews one line of NDJSON input.
fn review_line(
    pack: &RulePack,
    item: &Result<String, String>,
    opts: &ReviewOptions,
    format: Format,
    color: bool,
) -> LineOutcome {
    let text = match item {
        Ok(t) => t,
        Err(message) => {
            return LineOutcome::Bad {
                message: message.clone(),
                load: None,
            };
        }
    };
    let case = match pack.load_case(text) {
        Ok(c) => c,
        Err(errs) => {
            return LineOutcome::Bad {
                message: errs.to_string(),
                load: Some(errs),
            };
        }
    };
    match pack.review_with(&case, opts) {
        Ok(r) => {
            let text = match format {
                Format::Json => r.to_json() + "\n",
                Format::Text => render_text(&r, Some(&case), color),
            };
            LineOutcome::Report(text, r.has_errors())
        }
        Err(e) => LineOutcome::Bad {
            message: format!("the review stopped: {e}"),
            load: None,
        },
    }
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
    let case = match read_case(&pack, &a.case) {
        Ok(c) => c,
        Err(c) => return c,
    };
    match pack.due(&case, a.as_of, lang) {
        Ok(r) => {
            match a.format {
                Format::Json => println!("{}", r.to_json()),
                Format::Text => {
                    println!(
                        "case {}: obligations pending as of {}",
                        one_line_safe(&r.case),
                        a.as_of
                    );
                    if r.findings.is_empty() {
                        println!("  nothing pending");
                    }
                    for f in &r.findings {
                        println!(
                            "  due {}  [{}] {}",
                            f.due.as_deref().unwrap_or("?"),
                            f.rule,
                            one_line_safe(f.message.as_str())
                        );
                    }
                }
            }
            0
        }
        Err(e) => {
            print_eval_error(&shown(&a.case), &e);
            2
        }
    }
}

/// Where in a line of NDJSON its bytes stop being UTF-8, and which bytes.
fn not_utf8(line: &[u8], at: usize) -> String {
    let column = std::str::from_utf8(line.get(..at).unwrap_or_default())
        .map_or(at, |p| p.chars().count())
        + 1;
    let shown: Vec<String> = line
        .get(at..)
        .unwrap_or_default()
        .iter()
        .take(4)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!(
        "expected UTF-8 text, found the bytes `{}` at column {column} (byte {at} of the line)",
        shown.join(" ")
    )
}

//! What every command shares: loading the pack, reading files, rendering
//! diagnostics, colour and the progress bar.

use caselint::diag::{Diagnostic, Level, SourceMap};
use caselint::{PackError, RulePack};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report,
};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// The shipped pack, next to the executable's crate or in the working directory.
pub fn default_pack() -> PathBuf {
    let here = PathBuf::from("rules/cn-criminal");
    if here.is_dir() {
        return here;
    }
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules/cn-criminal");
    if manifest.is_dir() { manifest } else { here }
}

/// Whether `NO_COLOR` asks for no colour (set and not empty, as no-color.org says).
fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Colour on standard output: only on a terminal, and not under `NO_COLOR`.
pub fn color_stdout() -> bool {
    std::io::stdout().is_terminal() && !no_color()
}

/// Colour on standard error: only on a terminal, and not under `NO_COLOR`.
pub fn color_stderr() -> bool {
    std::io::stderr().is_terminal() && !no_color()
}

/// What a path is called in messages: `-` is standard input.
pub fn shown(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

/// The help printed after a pack that cannot be found.
const PACK_HELP: &str =
    "  help: a rule pack is a folder of `.rules` files, such as the shipped `rules/cn-criminal`";

/// Checks that `dir` is a folder before a pack is loaded from it, printing why not.
pub fn check_pack_dir(dir: &Path) -> Result<(), u8> {
    if !dir.exists() {
        eprintln!("error: rule pack `{}` does not exist", dir.display());
        eprintln!("{PACK_HELP}");
        return Err(2);
    }
    if !dir.is_dir() {
        eprintln!(
            "error: rule pack `{}` is a file, not a folder",
            dir.display()
        );
        let parent = dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        eprintln!(
            "  help: pass the folder that holds the pack's `.rules` files, e.g. `{}`",
            parent.display()
        );
        return Err(2);
    }
    Ok(())
}

/// Whether a failed pack failed only because its files could not be read
/// (no `.rules` files, an unreadable file), not because of what they say.
pub fn is_io_failure(e: &PackError) -> bool {
    e.errors().all(|d| d.code == caselint::diag::Code::Io)
}

/// Loads a pack, printing its diagnostics on failure.
pub fn load_pack(dir: &Path) -> Result<RulePack, u8> {
    check_pack_dir(dir)?;
    RulePack::load(dir).map_err(|e: PackError| {
        eprint!("{}", render_all(&e.diagnostics, &e.sources, color_stderr()));
        if is_io_failure(&e) {
            eprintln!("{PACK_HELP}");
        } else {
            eprintln!(
                "error: the rule pack `{}` has {} error(s)",
                dir.display(),
                e.errors().count()
            );
            eprintln!(
                "  help: fix the rule files (`caselint check {}` checks them), or pass another pack",
                dir.display()
            );
        }
        2
    })
}

/// Prints why a case file could not be read, and what to do about it.
pub fn print_read_error(path: &Path, e: &std::io::Error) {
    use std::io::ErrorKind;
    let p = shown(path);
    match e.kind() {
        ErrorKind::NotFound => {
            eprintln!("error: case file `{p}` does not exist");
            eprintln!(
                "  help: check the path (it is relative to the current folder); `-` reads standard input"
            );
        }
        ErrorKind::IsADirectory => {
            eprintln!("error: `{p}` is a folder, not a case file");
            eprintln!(
                "  help: pass the case files inside it, e.g. `{}`",
                path.join("*.json").display()
            );
        }
        ErrorKind::PermissionDenied => {
            eprintln!("error: cannot read case file `{p}`: permission denied");
            eprintln!("  help: check the file's permissions (`ls -l {p}`)");
        }
        _ => eprintln!("error: cannot read case file `{p}`: {e}"),
    }
}

/// Prints why an output file could not be written; `flag` is the option that named it.
pub fn print_write_error(path: &Path, flag: &str, e: &std::io::Error) {
    use std::io::ErrorKind;
    let p = path.display();
    match e.kind() {
        ErrorKind::IsADirectory => {
            eprintln!("error: `{flag} {p}`: `{p}` is a folder");
            eprintln!(
                "  help: give a file name, e.g. `{flag} {}`",
                path.join("results.xml").display()
            );
        }
        ErrorKind::NotFound => {
            eprintln!("error: `{flag} {p}`: cannot create `{p}`: its folder does not exist");
            eprintln!("  help: create the folder first, or write the file elsewhere");
        }
        ErrorKind::PermissionDenied => {
            eprintln!("error: `{flag} {p}`: cannot write `{p}`: permission denied");
            eprintln!("  help: write the file to a folder you may write to");
        }
        _ => eprintln!("error: `{flag} {p}`: cannot write `{p}`: {e}"),
    }
}

/// Ends the process quietly, with the shell's code for SIGPIPE (141), when
/// standard output is closed early (`caselint test | head`): `println!`
/// would otherwise panic with "failed printing to stdout".
pub fn exit_quietly_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}

/// How long a batch runs before its progress bar appears.
const SHOW_PROGRESS_AFTER: Duration = Duration::from_secs(2);

/// A progress bar on standard error counting cases reviewed. It is drawn only
/// when standard error is a terminal, and only once the work has taken more
/// than two seconds, so quick runs and redirected output never see it; it is
/// cleared when dropped. Standard output is never touched.
pub struct Progress {
    bar: indicatif::ProgressBar,
    stop: Option<mpsc::Sender<()>>,
    timer: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    /// A bar for `len` cases, or a counter when the number is not known (NDJSON, stdin).
    pub fn new(len: Option<u64>) -> Progress {
        use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
        let template = match len {
            Some(_) => "{bar:30} {pos}/{len} cases reviewed  {elapsed} (about {eta} left)",
            None => "{spinner} {human_pos} cases reviewed  {rate}  {elapsed}",
        };
        let style = ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_spinner())
            .with_key(
                "rate",
                |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.0}/s", s.per_sec());
                },
            )
            .progress_chars("=> ");
        let bar =
            ProgressBar::with_draw_target(len, ProgressDrawTarget::hidden()).with_style(style);
        if !std::io::stderr().is_terminal() {
            return Progress {
                bar,
                stop: None,
                timer: None,
            };
        }
        let (stop, stopped) = mpsc::channel::<()>();
        let shown = bar.clone();
        let timer = std::thread::spawn(move || {
            if let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(SHOW_PROGRESS_AFTER)
            {
                shown.set_draw_target(ProgressDrawTarget::stderr());
                shown.enable_steady_tick(Duration::from_millis(200));
            }
        });
        Progress {
            bar,
            stop: Some(stop),
            timer: Some(timer),
        }
    }

    /// Counts `n` more cases reviewed.
    pub fn inc(&self, n: u64) {
        self.bar.inc(n);
    }

    /// Runs `f` (which writes output) with the bar taken off the screen meanwhile.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.bar.suspend(f)
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.timer.take() {
            let _ = t.join();
        }
        self.bar.finish_and_clear();
    }
}

/// Renders diagnostics rustc-style, with the source underlined.
pub fn render_all(diags: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    diags.iter().map(|d| render(d, sources, color)).collect()
}

pub fn render(d: &Diagnostic, sources: &SourceMap, color: bool) -> String {
    let Some(file) = sources
        .file(d.span.file)
        .filter(|_| !(d.span.start == 0 && d.span.end == 0 && d.code == caselint::diag::Code::Io))
    else {
        let lvl = if d.level == Level::Error {
            "error"
        } else {
            "warning"
        };
        return format!("{lvl}: {}\n", d.message);
    };
    let loc = sources.location(d.span);
    // Very long lines (a generated or hostile file) are shown without the source:
    // the underline would be unreadable, and the renderer cannot place it.
    let line_len = file.text.get(..d.span.start as usize).map_or(0, |before| {
        before.len() - before.rfind('\n').map_or(0, |i| i + 1)
    }) + file
        .text
        .get(d.span.start as usize..)
        .map_or(0, |after| after.find('\n').unwrap_or(after.len()));
    if line_len > 2000 {
        let lvl = if d.level == Level::Error {
            "error"
        } else {
            "warning"
        };
        let mut out = format!("{lvl}: {} ({loc})\n", d.message);
        if let Some(l) = &d.label {
            out.push_str(&format!("  {l}\n"));
        }
        if let Some(h) = &d.help {
            out.push_str(&format!("  help: {h}\n"));
        }
        return out;
    }
    let severity = if d.level == Level::Error {
        miette::Severity::Error
    } else {
        miette::Severity::Warning
    };
    // The code as the JSON output spells it (`unknown_name`).
    let code = serde_json::to_value(d.code)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| format!("{:?}", d.code).to_lowercase());
    let mut md = MietteDiagnostic::new(format!("{} ({loc})", d.message))
        .with_severity(severity)
        .with_code(code);
    let len = (d.span.end.saturating_sub(d.span.start)).max(1) as usize;
    let len = len
        .min(file.text.len().saturating_sub(d.span.start as usize))
        .max(usize::from(file.text.len() > d.span.start as usize));
    md = md.with_label(LabeledSpan::new(
        d.label.clone(),
        d.span.start as usize,
        len,
    ));
    if let Some(h) = &d.help {
        md = md.with_help(h.clone());
    }
    let report =
        Report::new(md).with_source_code(NamedSource::new(file.name.clone(), file.text.clone()));
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // (The snippet's header names the file only: miette counts its column
    // in bytes, and the message already gives `file:line:column` counted
    // in characters, as every other location of caselint is.)
    // (Lines are not wrapped: a wrapped message could split its
    // `file:line:column`, which editors and grep read whole.)
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_wrap_lines(false)
        .without_primary_span_start();
    let mut out = String::new();
    if handler.render_report(&mut out, report.as_ref()).is_err() {
        return format!(
            "{}: {} ({loc})\n",
            if d.level == Level::Error {
                "error"
            } else {
                "warning"
            },
            d.message
        );
    }
    out
}

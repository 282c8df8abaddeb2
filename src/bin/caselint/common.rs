//! What every command shares: loading the pack, rendering diagnostics, colour.

use caselint::diag::{Diagnostic, Level, SourceMap};
use caselint::{PackError, RulePack};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report,
};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// The shipped pack, next to the executable's crate or in the working directory.
pub fn default_pack() -> PathBuf {
    let here = PathBuf::from("rules/cn-criminal");
    if here.is_dir() {
        return here;
    }
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules/cn-criminal");
    if manifest.is_dir() { manifest } else { here }
}

pub fn color_stdout() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

pub fn color_stderr() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Loads a pack, printing its diagnostics on failure.
pub fn load_pack(dir: &Path) -> Result<RulePack, u8> {
    if !dir.exists() {
        eprintln!("error: rule pack `{}` does not exist", dir.display());
        eprintln!(
            "  help: pass the folder of a pack's `.rules` files, e.g. `--rules rules/cn-criminal`"
        );
        return Err(2);
    }
    RulePack::load(dir).map_err(|e: PackError| {
        eprint!("{}", render_all(&e.diagnostics, &e.sources, color_stderr()));
        eprintln!(
            "error: the rule pack `{}` has {} error(s)",
            dir.display(),
            e.errors().count()
        );
        2
    })
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
    let severity = if d.level == Level::Error {
        miette::Severity::Error
    } else {
        miette::Severity::Warning
    };
    let code = format!("{:?}", d.code).to_lowercase();
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
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
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

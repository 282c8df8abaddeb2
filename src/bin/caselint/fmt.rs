//! `caselint fmt PACK`: lay every rule file of a pack out the one canonical way.

use crate::common::{color_stderr, color_stdout, render_all};
use caselint::diag::{SourceFile, SourceMap};
use caselint::syntax::format_source;
use clap::Args;
use std::path::{Path, PathBuf};

/// Format a rule pack's `.rules` files in place, in the canonical layout
/// (comments kept, meaning unchanged).
///
/// Exit codes: 0 done (with --check: nothing to change), 1 with --check:
/// some file would change, 2 a file has syntax errors or cannot be read or written.
#[derive(Args)]
#[command(
    after_help = "Examples:\n  caselint fmt rules/cn-criminal\n  caselint fmt --check rules/cn-criminal\n  caselint fmt rules/cn-criminal/procedure.rules"
)]
pub struct FmtArgs {
    /// The pack's folder (every `.rules` file under it, subfolders included), or one `.rules` file.
    pack: PathBuf,
    /// Write nothing: list the files that would change, with their first
    /// changed lines, and exit 1 if there are any (for CI).
    #[arg(long)]
    check: bool,
}

/// Lines of context around a changed block, and changed lines shown per side.
const CONTEXT: usize = 3;
const SHOWN: usize = 12;

pub fn run(a: FmtArgs) -> u8 {
    let files = match rule_files(&a.pack) {
        Ok(f) => f,
        Err(()) => return 2,
    };
    let (mut changed, mut same, mut broken) = (0usize, 0usize, 0usize);
    for path in &files {
        let shown = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: cannot read `{shown}`: {e}");
                broken += 1;
                continue;
            }
        };
        let out = match format_source(&text) {
            Ok(out) => out,
            Err(diags) => {
                let mut sources = SourceMap::new();
                sources.add(SourceFile::new(shown.clone(), text));
                eprint!("{}", render_all(&diags, &sources, color_stderr()));
                // (The formatter's own check refused its output.)
                let refused =
                    |d: &caselint::diag::Diagnostic| d.message == caselint::syntax::REFUSED;
                if diags.iter().all(refused) {
                    eprintln!("error: `{shown}` was left as it is");
                } else {
                    eprintln!("error: `{shown}` was not formatted: fix its syntax errors first");
                }
                broken += 1;
                continue;
            }
        };
        if out == text {
            same += 1;
            continue;
        }
        changed += 1;
        if a.check {
            print!("{}", first_change(&shown, &text, &out, color_stdout()));
        } else if let Err(e) = std::fs::write(path, &out) {
            eprintln!("error: cannot write `{shown}`: {e}");
            changed -= 1;
            broken += 1;
        } else {
            println!("formatted {shown}");
        }
    }
    let errors = if broken > 0 {
        format!(", {broken} with errors")
    } else {
        String::new()
    };
    if a.check {
        println!("{changed} file(s) would be reformatted, {same} already formatted{errors}");
    } else {
        println!("{changed} file(s) reformatted, {same} unchanged{errors}");
    }
    if broken > 0 {
        2
    } else {
        u8::from(a.check && changed > 0)
    }
}

/// The `.rules` files to format, in path order; prints why there are none.
fn rule_files(path: &Path) -> Result<Vec<PathBuf>, ()> {
    const HELP: &str = "  help: pass a rule pack's folder, e.g. `caselint fmt rules/cn-criminal`, or one `.rules` file";
    if !path.exists() {
        eprintln!("error: `{}` does not exist", path.display());
        eprintln!("{HELP}");
        return Err(());
    }
    if path.is_file() {
        if path.extension().is_some_and(|e| e == "rules") {
            return Ok(vec![path.to_path_buf()]);
        }
        eprintln!("error: `{}` is not a `.rules` file", path.display());
        eprintln!("{HELP}");
        return Err(());
    }
    let mut files = vec![];
    if let Err(e) = collect(path, &mut files, 0) {
        eprintln!("error: cannot read the folder `{}`: {e}", path.display());
        return Err(());
    }
    if files.is_empty() {
        eprintln!("error: no `.rules` files under `{}`", path.display());
        eprintln!("{HELP}");
        return Err(());
    }
    files.sort();
    Ok(files)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) -> std::io::Result<()> {
    if depth > 16 {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out, depth + 1)?;
        } else if path.extension().is_some_and(|e| e == "rules") {
            out.push(path);
        }
    }
    Ok(())
}

/// A unified diff of the first block of lines that formatting changes.
fn first_change(name: &str, old: &str, new: &str, color: bool) -> String {
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let mut out = format!(
        "{}\n{}\n",
        paint("1", &format!("--- {name}")),
        paint("1", &format!("+++ {name} (formatted)"))
    );
    let start = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if start == a.len() && start == b.len() {
        out.push_str("  (only line endings, the final line break or a byte-order mark change)\n");
        return out;
    }
    let (del, add) = resync(&a, &b, start);
    let before = start.saturating_sub(CONTEXT);
    let after = (a.len() - (start + del)).min(CONTEXT);
    out.push_str(&paint(
        "36",
        &format!(
            "@@ -{},{} +{},{} @@",
            before + 1,
            start - before + del + after,
            before + 1,
            start - before + add + after
        ),
    ));
    out.push('\n');
    for l in a.iter().take(start).skip(before) {
        out.push_str(&format!(" {l}\n"));
    }
    for (sign, lines, code) in [("-", &a, "31"), ("+", &b, "32")] {
        let n = if sign == "-" { del } else { add };
        for l in lines.iter().skip(start).take(n.min(SHOWN)) {
            out.push_str(&paint(code, &format!("{sign}{l}")));
            out.push('\n');
        }
        if n > SHOWN {
            out.push_str(&format!("{sign}… ({} more lines)\n", n - SHOWN));
        }
    }
    for l in a.iter().skip(start + del).take(after) {
        out.push_str(&format!(" {l}\n"));
    }
    if a.get(start + del..) != b.get(start + add..) {
        out.push_str("  … and more changes further down\n");
    }
    out
}

/// How many lines of `a` and of `b` from `start` differ before both agree
/// again for a few lines (or to the end).
fn resync(a: &[&str], b: &[&str], start: usize) -> (usize, usize) {
    const WINDOW: usize = 400;
    let agree = |i: usize, j: usize| {
        for t in 0..CONTEXT {
            match (a.get(i + t), b.get(j + t)) {
                (Some(x), Some(y)) if x == y => {}
                (None, None) => return true,
                _ => return false,
            }
        }
        true
    };
    for d in 0..=2 * WINDOW {
        for i in 0..=d.min(WINDOW) {
            let j = d - i;
            if j <= WINDOW
                && start + i <= a.len()
                && start + j <= b.len()
                && agree(start + i, start + j)
            {
                return (i, j);
            }
        }
    }
    (a.len() - start, b.len() - start)
}

//! The `caselint` command-line tool: thin commands over the library.

/// `eprintln!` and `eprint!` that do not panic when standard error is
/// closed (`caselint review … 2>&1 | head`): a message nobody reads is dropped.
macro_rules! eprintln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}
macro_rules! eprint {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($t)*);
    }};
}

mod check;
mod common;
mod explain;
mod fmt;
mod r#gen;
mod report;
mod review;
mod test;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Review criminal case files against a rule pack, and write and test rule packs.
#[derive(Parser)]
#[command(name = "caselint", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Review(review::ReviewArgs),
    Due(review::DueArgs),
    Check(check::CheckArgs),
    Explain(explain::ExplainArgs),
    Fmt(fmt::FmtArgs),
    Test(test::TestArgs),
    Gen(r#gen::GenArgs),
    Report(report::ReportArgs),
}

fn main() -> ExitCode {
    common::exit_quietly_on_broken_pipe();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let code = match cli.command {
        Command::Review(a) => review::run(a),
        Command::Due(a) => review::run_due(a),
        Command::Check(a) => check::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Fmt(a) => fmt::run(a),
        Command::Test(a) => test::run(a),
        Command::Gen(a) => r#gen::run(a),
        Command::Report(a) => report::run(a),
    };
    ExitCode::from(code)
}

//! The shipped pack's own tests (rules/cn-criminal/tests) run inside `cargo test`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use caselint::RulePack;
use caselint::pack_test;
use std::path::Path;

#[test]
fn shipped_pack_tests_pass_with_full_rule_coverage() {
    let dir = Path::new("rules/cn-criminal");
    let pack =
        RulePack::load(dir).unwrap_or_else(|e| panic!("pack does not load: {:?}", e.diagnostics));
    let files = pack_test::discover(dir);
    assert!(!files.is_empty(), "no pack tests found");
    let run = pack_test::run(&pack, &files, None);
    let mut problems: Vec<String> = run
        .file_errors
        .iter()
        .map(|e| format!("{}:{}: {}", e.file.display(), e.line, e.message))
        .collect();
    for r in run.results.iter().filter(|r| !r.passed()) {
        problems.push(format!(
            "{} :: {}: {}",
            r.file.display(),
            r.name,
            r.failures.join("; ")
        ));
    }
    assert!(
        problems.is_empty(),
        "{} failing pack tests:\n{}",
        problems.len(),
        problems.join("\n")
    );
    let uncovered: Vec<String> = run
        .rules
        .iter()
        .filter(|(_, c)| !(c.fired && c.silent))
        .map(|(id, c)| format!("{id} (fired: {}, silent: {})", c.fired, c.silent))
        .collect();
    assert!(
        uncovered.is_empty(),
        "rules without a firing and a silent test:\n{}",
        uncovered.join("\n")
    );
}

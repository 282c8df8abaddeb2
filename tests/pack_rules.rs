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

/// Every message the shipped pack gives on its own test cases names the facts
/// it speaks of: no `?` (an absent value rendered) in any language. A rule
/// whose message reads a fact the case may lack has a variant without it.
#[test]
fn shipped_pack_messages_render_every_value_they_name() {
    use caselint::{Lang, LocalText, ReviewOptions};
    let dir = Path::new("rules/cn-criminal");
    let pack =
        RulePack::load(dir).unwrap_or_else(|e| panic!("pack does not load: {:?}", e.diagnostics));
    let opts = ReviewOptions {
        lang: Lang::All,
        ..ReviewOptions::default()
    };
    let mut bad = vec![];
    let mut seen = 0;
    for file in pack_test::discover(dir) {
        let text = std::fs::read_to_string(&file).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        for t in doc["tests"].as_array().unwrap() {
            let case = serde_json::to_string(&t["case"]).unwrap();
            let Ok(g) = pack.load_case(&case) else {
                continue;
            };
            for f in pack.review_with(&g, &opts).unwrap().findings {
                let LocalText::All(texts) = &f.message else {
                    panic!("one language under Lang::All");
                };
                for (lang, m) in texts {
                    seen += 1;
                    if m.contains('?') {
                        bad.push(format!("{} :: {} [{lang}]: {m}", t["name"], f.rule));
                    }
                }
            }
        }
    }
    assert!(seen > 500, "too few messages checked: {seen}");
    assert!(
        bad.is_empty(),
        "{} messages with `?`:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

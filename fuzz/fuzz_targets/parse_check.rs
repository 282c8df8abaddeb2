//! Fuzz target: arbitrary bytes as a rule file → formatter, parser and
//! checker (formatting is idempotent where it succeeds). An
//! input without a `pack` header is checked together with the shipped
//! cn-criminal schema and common definitions, so that fuzzed rule blocks
//! reach the checker's type rules; a pack that checks is then run over two
//! example cases (with a small step budget), so the evaluator meets the
//! rules the fuzzer invents.
#![no_main]

use caselint::{ReviewOptions, RulePack};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const PACK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../rules/cn-criminal");

fn base() -> &'static [(String, String)] {
    static BASE: OnceLock<Vec<(String, String)>> = OnceLock::new();
    BASE.get_or_init(|| {
        ["schema.rules", "common.rules"]
            .iter()
            .filter_map(|f| {
                let text = std::fs::read_to_string(format!("{PACK}/{f}")).ok()?;
                Some((f.to_string(), text))
            })
            .collect()
    })
}

fn examples() -> &'static [String] {
    static CASES: OnceLock<Vec<String>> = OnceLock::new();
    CASES.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/cases");
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map(|rd| rd.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        paths.sort();
        paths
            .iter()
            .filter(|p| {
                let n = p.to_string_lossy();
                n.ends_with(".json") && !n.ends_with(".expected.json")
            })
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .take(2)
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // `caselint fmt`: text it formats formats to itself.
    if let Ok(out) = caselint::syntax::format_source(text) {
        assert_eq!(caselint::syntax::format_source(&out).ok(), Some(out));
    }
    let mut files: Vec<(String, String)> = vec![];
    if !text.contains("pack ") {
        files.extend(base().iter().cloned());
    }
    files.push(("fuzz.rules".to_string(), text.to_string()));
    let Ok(pack) = RulePack::from_sources(files) else {
        return;
    };
    let opts = ReviewOptions {
        step_budget: 200_000,
        max_findings_per_rule: 1_000,
        ..ReviewOptions::default()
    };
    for json in examples() {
        if let Ok(case) = pack.load_case(json) {
            let _ = pack.review_with(&case, &opts);
        }
    }
});

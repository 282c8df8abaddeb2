//! Fuzz target: arbitrary bytes as a rule file → parser and checker; a pack
//! that checks is then run over the example cases (with a small step budget),
//! so the evaluator meets the rules the fuzzer invents.
#![no_main]

use caselint::{ReviewOptions, RulePack};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn examples() -> &'static [String] {
    static CASES: OnceLock<Vec<String>> = OnceLock::new();
    CASES.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/cases");
        let mut out = vec![];
        if let Ok(rd) = std::fs::read_dir(dir) {
            let mut paths: Vec<_> = rd.flatten().map(|e| e.path()).collect();
            paths.sort();
            for p in paths {
                let name = p.to_string_lossy().to_string();
                if name.ends_with(".json") && !name.ends_with(".expected.json") {
                    if let Ok(t) = std::fs::read_to_string(&p) {
                        out.push(t);
                    }
                }
            }
        }
        out
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(pack) = RulePack::from_sources([("fuzz.rules", text)]) else {
        return;
    };
    let opts = ReviewOptions {
        step_budget: 200_000,
        max_findings_per_rule: 1_000,
        ..ReviewOptions::default()
    };
    for json in examples().iter().take(2) {
        if let Ok(case) = pack.load_case(json) {
            let _ = pack.review_with(&case, &opts);
        }
    }
});

//! Every sample case in examples/cases has its expected report beside it
//! (`NAME.expected.json`), checked byte for byte. Regenerate after a
//! deliberate change with `CASELINT_BLESS=1 cargo test --test examples`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use caselint::{Lang, ReviewOptions, RulePack};
use std::path::Path;

#[test]
fn sample_cases_give_their_expected_reports() {
    let pack = RulePack::load("rules/cn-criminal").unwrap();
    let bless = std::env::var_os("CASELINT_BLESS").is_some();
    let mut cases: Vec<_> = std::fs::read_dir("examples/cases")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "json")
                && !p.to_string_lossy().ends_with(".expected.json")
        })
        .collect();
    cases.sort();
    assert!(cases.len() >= 3);
    let mut mismatches = vec![];
    for path in cases {
        let text = std::fs::read_to_string(&path).unwrap();
        let case = pack
            .load_case(&text)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let opts = ReviewOptions {
            lang: Lang::All,
            ..ReviewOptions::default()
        };
        let report = pack.review_with(&case, &opts).unwrap();
        let got = report.to_json_pretty() + "\n";
        let expected_path = path.with_extension("expected.json");
        if bless {
            std::fs::write(&expected_path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if want != got {
            mismatches.push(format!("{}:\n{got}", Path::new(&expected_path).display()));
        }
    }
    assert!(
        mismatches.is_empty(),
        "reports differ (CASELINT_BLESS=1 to accept):\n{}",
        mismatches.join("\n")
    );
}

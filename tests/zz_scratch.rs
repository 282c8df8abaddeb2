//! scratch
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#[test]
fn scratch() {
    let Ok(path) = std::env::var("SCR") else {
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let schema = std::fs::read_to_string("tests/snippets/_schema.rules").unwrap();
    match caselint::RulePack::from_sources([("s", schema), ("x", text.clone())]) {
        Err(e) => {
            for d in e.diagnostics {
                eprintln!("{:?} {} {}", d.code, e.sources.location(d.span), d.message);
            }
        }
        Ok(p) => {
            for d in p.warnings() {
                eprintln!(
                    "W {:?} {} {}",
                    d.code,
                    p.sources().location(d.span),
                    d.message
                );
            }
            let case = std::fs::read_to_string(format!("{path}.json")).unwrap();
            let g = p.load_case(&case).unwrap();
            let r = p
                .review_with(&g, &caselint::ReviewOptions::default())
                .unwrap();
            for f in r.findings {
                eprintln!("{} {:?} {:?}", f.rule, f.nodes, f.message);
            }
        }
    }
}

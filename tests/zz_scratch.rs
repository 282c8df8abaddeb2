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
    let text = std::fs::read_to_string(path).unwrap();
    let r = caselint::RulePack::from_sources([("x", text.clone())]);
    for d in r.err().unwrap().diagnostics {
        eprintln!(
            "{:?} {:?} {:?}",
            d.code,
            d.span,
            &text[d.span.start as usize..d.span.end as usize]
        );
    }
}

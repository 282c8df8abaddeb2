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
    let stage = std::env::var("STAGE").unwrap_or_default();
    let t = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            eprintln!("parsing");
            let (ast, diags) = caselint::syntax::parse_file(1, &text);
            eprintln!(
                "parsed: {} items {:?}",
                ast.items.len(),
                diags.iter().map(|d| d.code).collect::<Vec<_>>()
            );
            if stage == "check" {
                let schema = std::fs::read_to_string("tests/snippets/_schema.rules").unwrap();
                let r = caselint::RulePack::from_sources([("s", schema), ("x", text)]);
                eprintln!(
                    "checked: {:?}",
                    r.err()
                        .map(|e| e.diagnostics.iter().map(|d| d.code).collect::<Vec<_>>())
                );
            }
        })
        .unwrap();
    t.join().unwrap();
}

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
use caselint::*;
#[test]
fn scratch() {
    let Ok(dir) = std::env::var("SCR") else {
        return;
    };
    let prelude = std::fs::read_to_string(format!("{dir}/prelude.rules")).unwrap_or_default();
    let snip = std::fs::read_to_string(format!("{dir}/snip.rules")).unwrap();
    let mut files = vec![];
    if !prelude.is_empty() {
        files.push(("_schema.rules".to_string(), prelude));
    }
    files.push(("snip.rules".to_string(), snip));
    match RulePack::from_sources(files) {
        Ok(p) => {
            for d in p.warnings() {
                println!(
                    "W {:?} {:?} {} | {} | {:?} | {:?}",
                    d.level,
                    d.code,
                    p.sources().location(d.span),
                    d.message,
                    d.label,
                    d.help
                );
            }
            if let Ok(case) = std::fs::read_to_string(format!("{dir}/case.json")) {
                let g = p.load_case(&case).unwrap();
                let as_of = std::env::var("ASOF").ok().map(|s| s.parse().unwrap());
                let r = p
                    .review_with(
                        &g,
                        &ReviewOptions {
                            as_of,
                            lang: Lang::All,
                            ..Default::default()
                        },
                    )
                    .unwrap();
                println!("{}", r.to_json_pretty());
            }
        }
        Err(e) => {
            for d in &e.diagnostics {
                println!(
                    "E {:?} {:?} {} | {} | {:?} | {:?}",
                    d.level,
                    d.code,
                    e.sources.location(d.span),
                    d.message,
                    d.label,
                    d.help
                );
            }
        }
    }
}

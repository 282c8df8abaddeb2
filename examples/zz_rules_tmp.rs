#![allow(missing_docs, clippy::unwrap_used)]
#[path = "../benches/common/handwritten.rs"]
mod handwritten;
use caselint::{ReviewOptions, RulePack};
fn main() {
    let full = RulePack::load("rules/cn-criminal").unwrap();
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10000);
    let json = caselint::r#gen::generate(full.schema(), n, 7);
    let opts = ReviewOptions {
        step_budget: u64::MAX,
        ..Default::default()
    };
    let mut rows = vec![];
    for id in full.rule_ids() {
        let pack =
            RulePack::from_sources(handwritten::single_rule_sources("rules/cn-criminal", id))
                .unwrap();
        let case = pack.load_case(&json).unwrap();
        let t = std::time::Instant::now();
        let mut k = 0;
        while t.elapsed().as_millis() < 200 {
            pack.review_with(&case, &opts).unwrap();
            k += 1;
        }
        rows.push((t.elapsed().as_secs_f64() / k as f64, id.to_string()));
    }
    rows.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap());
    let total: f64 = rows.iter().map(|r| r.0).sum();
    println!("total {:.1} ms", total * 1e3);
    for (t, id) in rows.iter().take(25) {
        println!("{:8.2} ms  {id}", t * 1e3);
    }
}

#![allow(clippy::unwrap_used)]
use caselint::{ReviewOptions, RulePack};
#[test]
fn probe() {
    let p = RulePack::load("rules/cn-criminal").unwrap();
    for nodes in [10_000usize, 100_000] {
        let json = caselint::r#gen::generate(p.schema(), nodes, 7);
        let g = p.load_case(&json).unwrap();
        let mut lo = 1u64; let mut hi = 1_000_000_000u64;
        while lo < hi { let mid = (lo + hi) / 2; let ok = p.review_with(&g, &ReviewOptions { step_budget: mid, ..Default::default() }).is_ok(); if ok { hi = mid } else { lo = mid + 1 } }
        let t = std::time::Instant::now();
        p.review_with(&g, &ReviewOptions { step_budget: lo, ..Default::default() }).unwrap();
        eprintln!("STEPS {nodes}: {lo} in {:?}", t.elapsed());
    }
}

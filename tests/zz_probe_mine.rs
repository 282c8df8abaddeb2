#![allow(clippy::unwrap_used)]
use caselint::{ReviewOptions, RulePack};
#[test]
fn probe() {
    let p = RulePack::load("rules/cn-criminal").unwrap();
    for f in std::fs::read_dir("examples/cases").unwrap() {
        let path = f.unwrap().path();
        let s = path.to_string_lossy().to_string();
        if !s.ends_with(".json") || s.ends_with(".expected.json") {
            continue;
        }
        let g = p
            .load_case(&std::fs::read_to_string(&path).unwrap())
            .unwrap();
        let mut lo = 1u64;
        let mut hi = 100_000_000u64;
        while lo < hi {
            let mid = (lo + hi) / 2;
            let ok = p
                .review_with(
                    &g,
                    &ReviewOptions {
                        step_budget: mid,
                        ..Default::default()
                    },
                )
                .is_ok();
            if ok { hi = mid } else { lo = mid + 1 }
        }
        let t = std::time::Instant::now();
        p.review(&g).unwrap();
        eprintln!(
            "STEPS {s}: {lo} nodes {} in {:?}",
            g.node_count(),
            t.elapsed()
        );
    }
}

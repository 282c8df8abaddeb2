//! A fixed workload to profile one rule (or the full pack) under `perf` or
//! callgrind, outside criterion's timing loop:
//!
//! ```sh
//! cargo bench --no-run --bench profile
//! RULE=cn.evidence.amount_conflict NODES=10000 REPS=5 \
//!   valgrind --tool=callgrind \
//!   --toggle-collect='caselint::pack::RulePack::review_with' \
//!   target/release/deps/profile-<hash> --bench
//! ```
//!
//! `RULE` unset or `all` reviews with the full pack (`PACK`: another pack folder); `HAND=1` runs the
//! hand-written version of `RULE` instead (toggle on `*Hand::run*`).
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "common/handwritten.rs"]
mod handwritten;

use caselint::RulePack;
use caselint::r#gen::generate;
use std::hint::black_box;

fn main() {
    let var = |k: &str, d: &str| std::env::var(k).unwrap_or_else(|_| d.to_string());
    let rule = var("RULE", "all");
    let nodes: usize = var("NODES", "10000").parse().unwrap();
    let reps: usize = var("REPS", "5").parse().unwrap();
    let dir = var("PACK", "rules/cn-criminal");
    let pack = if rule == "all" {
        RulePack::load(&dir).unwrap()
    } else {
        RulePack::from_sources(handwritten::single_rule_sources(&dir, &rule)).unwrap()
    };
    let case = pack.load_case(&generate(pack.schema(), nodes, 7)).unwrap();
    let mut findings = 0;
    let mut t = std::time::Instant::now();
    if std::env::var_os("HAND").is_some() {
        // The hand-written rule instead (callgrind: --toggle-collect='*Hand::run*').
        let hand = handwritten::Hand::new(&RulePack::load(&dir).unwrap());
        t = std::time::Instant::now();
        for _ in 0..reps {
            findings = black_box(hand.run(&rule, black_box(&case))).len();
        }
    } else {
        for _ in 0..reps {
            findings = black_box(pack.review(black_box(&case)).unwrap())
                .findings
                .len();
        }
    }
    eprintln!(
        "{rule} at {nodes} nodes: {findings} findings, {:?} per review",
        t.elapsed() / reps as u32
    );
}

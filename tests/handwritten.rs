//! The hand-written rules of `benches/common/handwritten.rs` give the engine's
//! findings (rule, nodes) on generated cases, so the benchmark compares
//! equal work.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../benches/common/handwritten.rs"]
mod handwritten;

use caselint::RulePack;
use caselint::r#gen::generate;
use handwritten::{Hand, RULES, single_rule_sources};

fn engine_findings(pack: &RulePack, json: &str) -> Vec<(String, Vec<String>)> {
    engine_texts(pack, json)
        .into_iter()
        .map(|(rule, nodes, _)| (rule, nodes))
        .collect()
}

/// Each finding's rule, nodes and (in the pack's default language, as the
/// hand-written rules render them) title, citation and message.
fn engine_texts(pack: &RulePack, json: &str) -> Vec<(String, Vec<String>, [String; 3])> {
    let case = pack.load_case(json).unwrap();
    let report = pack.review(&case).unwrap();
    report
        .findings
        .into_iter()
        .map(|f| {
            let texts = [
                f.title.as_str().to_string(),
                f.citation.as_str().to_string(),
                f.message.as_str().to_string(),
            ];
            (f.rule, f.nodes, texts)
        })
        .collect()
}

#[test]
fn single_rule_packs_hold_exactly_their_rule() {
    for rule in RULES {
        let pack = RulePack::from_sources(single_rule_sources("rules/cn-criminal", rule)).unwrap();
        assert_eq!(pack.rule_ids(), vec![rule]);
    }
}

#[test]
fn hand_written_rules_give_the_engines_findings() {
    let full = RulePack::load("rules/cn-criminal").unwrap();
    let packs: Vec<(&str, RulePack)> = RULES
        .iter()
        .map(|r| {
            (
                *r,
                RulePack::from_sources(single_rule_sources("rules/cn-criminal", r)).unwrap(),
            )
        })
        .collect();
    let hand = Hand::new(&full);
    let mut cases: Vec<(usize, u64)> = (0..40).map(|s| (100, s)).collect();
    cases.extend([(1_000, 7), (1_000, 8), (10_000, 7)]);
    let mut seen = [0usize; 5];
    for (nodes, seed) in cases {
        let json = generate(full.schema(), nodes, seed);
        let case = full.load_case(&json).unwrap();
        let all = engine_findings(&full, &json);
        for (i, (rule, pack)) in packs.iter().enumerate() {
            let engine = engine_findings(pack, &json);
            // The single-rule pack finds what the full pack finds for that rule.
            let from_full: Vec<_> = all.iter().filter(|(r, _)| r == rule).cloned().collect();
            assert_eq!(
                engine, from_full,
                "{rule}: single-rule pack vs full pack, {nodes} nodes, seed {seed}"
            );
            let mut mine: Vec<(String, Vec<String>)> = hand
                .run(rule, &case)
                .into_iter()
                .map(|f| (f.rule.to_string(), f.nodes))
                .collect();
            mine.sort();
            mine.dedup();
            let mut theirs = engine.clone();
            theirs.dedup();
            assert_eq!(
                mine, theirs,
                "{rule}: hand-written vs engine, {nodes} nodes, seed {seed}"
            );
            // The same texts too: the benchmark renders what the engine renders.
            let mut mine: Vec<(String, Vec<String>, [String; 3])> = hand
                .run(rule, &case)
                .into_iter()
                .map(|f| {
                    (
                        f.rule.to_string(),
                        f.nodes,
                        [f.title, f.citation, f.message],
                    )
                })
                .collect();
            mine.sort();
            mine.dedup();
            let mut theirs = engine_texts(pack, &json);
            theirs.sort();
            theirs.dedup();
            for (m, t) in mine.iter().zip(&theirs) {
                assert_eq!(
                    m, t,
                    "{rule}: hand-written vs engine texts, {nodes} nodes, seed {seed}"
                );
            }
            seen[i] += engine.len();
        }
    }
    for (rule, n) in RULES.iter().zip(seen) {
        assert!(n > 0, "{rule}: the generated cases never raise it");
    }
}

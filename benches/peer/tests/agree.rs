//! The Rego rules give caselint's findings (rule, nodes) on generated cases,
//! in both of regorus's evaluators.
#![allow(missing_docs, clippy::unwrap_used, clippy::indexing_slicing)]

use caselint::RulePack;
use caselint::r#gen::generate;
use caselint_peer::{all_rules, findings, run_vm};
use regorus::Value;

#[test]
fn rego_rules_give_caselints_findings() {
    let pack = RulePack::load(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../rules/cn-criminal"
    ))
    .unwrap();
    let mut rules = all_rules();
    let mut vms: Vec<_> = rules.iter().map(|r| r.new_vm()).collect();
    let mut seen = vec![0usize; rules.len()];
    let mut cases: Vec<(usize, u64)> = (0..25).map(|s| (100, s)).collect();
    cases.push((1_000, 7));
    for (nodes, seed) in cases {
        let json = generate(pack.schema(), nodes, seed);
        let case = pack.load_case(&json).unwrap();
        let report = pack.review(&case).unwrap();
        let input = Value::from_json_str(&json).unwrap();
        for (i, r) in rules.iter_mut().enumerate() {
            let mut want: Vec<(String, Vec<String>)> = report
                .findings
                .iter()
                .filter(|f| f.rule == r.id)
                .map(|f| (f.rule.clone(), f.nodes.clone()))
                .collect();
            want.dedup();
            let got = findings(&r.interpret(&input));
            assert_eq!(
                got, want,
                "interpreter, {}: {nodes} nodes, seed {seed}",
                r.id
            );
            let got = findings(&run_vm(&mut vms[i], &input));
            assert_eq!(got, want, "vm, {}: {nodes} nodes, seed {seed}", r.id);
            seen[i] += want.len();
        }
    }
    assert!(seen.iter().all(|n| *n > 0), "{seen:?}");
}

//! Regression tests for bugs found by the differential test
//! (`tests/differential.rs`) and the fuzz targets (`fuzz/`). Each test names
//! what found it; inputs that crashed a fuzz target are kept in
//! `tests/regressions/` and replayed here.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use caselint::{ReviewOptions, RulePack};

const SCHEMA: &str = r#"
pack t {
  languages en
  default en
}
node case (exactly one) {
  flag: bool
}
node person {
  score: int
}
node event {
  type: enum(detention, notice, hearing) required
  date: date
  qty: int
}
edge subject: event -> person
edge concerns: event -> event {
  weight: int
}
"#;

fn pack(rules: &str) -> RulePack {
    match RulePack::from_sources([("schema.rules", SCHEMA), ("r.rules", rules)]) {
        Ok(p) => p,
        Err(e) => {
            let msgs: Vec<String> = e.errors().map(|d| d.message.clone()).collect();
            panic!("pack does not check: {msgs:?}\n{rules}")
        }
    }
}

/// The `(rule, nodes)` of every finding.
fn findings(p: &RulePack, case: &str) -> Vec<(String, Vec<String>)> {
    let g = p.load_case(case).unwrap();
    p.review_with(&g, &ReviewOptions::default())
        .unwrap()
        .findings
        .into_iter()
        .map(|f| (f.rule, f.nodes))
        .collect()
}

fn rule(body: &str) -> String {
    format!(
        "rule t.r {{\n  severity error\n  title \"t\"\n  cite \"c\"\n{body}\n  message \"m\"\n}}\n"
    )
}

/// Found by the differential test: `in force` after a clause that ends in an
/// expression (`where x.qty > 1`) was parsed as `x.qty > 1 in force` and
/// failed with "unexpected `from`". Fixed in the grammar (`in_op` does not
/// match before `force from|until|on`).
#[test]
fn in_force_after_an_expression_clause_parses() {
    let p = pack(&rule(
        "  for x: event\n  where x.qty > 1\n  in force from 2024-03-01 until 2024-03-10 on x.date\n  require x.qty > 5",
    ));
    let case = r#"{"id": "c", "nodes": [
        {"id": "k", "kind": "case"},
        {"id": "e1", "kind": "event", "type": "hearing", "date": "2024-03-02", "qty": 2},
        {"id": "e2", "kind": "event", "type": "hearing", "date": "2024-02-02", "qty": 2},
        {"id": "e3", "kind": "event", "type": "hearing", "date": "2024-03-05", "qty": 9}]}"#;
    assert_eq!(
        findings(&p, case),
        vec![("t.r".to_string(), vec!["e1".to_string()])]
    );
    // After `let`, `unless` and a value binding too.
    for body in [
        "  for x: event\n  let n = x.qty\n  in force from 2024-03-01 on x.date",
        "  for x: event\n  unless x.qty in [1, 2]\n  in force until 2024-03-10 on x.date",
        "  for x: event, d = x.date\n  in force from 2024-03-01 on d",
    ] {
        pack(&rule(body));
    }
}

/// Found by the differential test: `x in [a, b]` was false when no element
/// was equal even if one was unknown, so `0 in [1, e.qty]` with `qty`
/// absent raised a finding (and `not in` excused one) on no evidence.
/// Membership is now `x = a or x = b` under three-valued logic.
#[test]
fn membership_with_an_unknown_element_is_unknown() {
    let case = r#"{"id": "c", "nodes": [
        {"id": "k", "kind": "case"},
        {"id": "e1", "kind": "event", "type": "hearing"},
        {"id": "e2", "kind": "event", "type": "hearing", "qty": 0}]}"#;
    // `require` fires only on false: unknown for e1, true for e2.
    let p = pack(&rule("  for x: event\n  require 0 in [1, x.qty]"));
    assert_eq!(findings(&p, case), vec![]);
    let p = pack(&rule("  for x: event\n  require not (0 not in [1, x.qty])"));
    assert_eq!(findings(&p, case), vec![]);
    // `where` acts only on true: unknown for e1, false for e2.
    let p = pack(&rule("  for x: event\n  where 0 not in [1, x.qty]"));
    assert_eq!(findings(&p, case), vec![]);
    // A known answer stays known: 1 is in the list whatever `qty` is.
    let p = pack(&rule("  for x: event\n  where 1 in [1, x.qty]"));
    assert_eq!(findings(&p, case).len(), 2);
}

/// Found while writing the reference evaluator: a path with edge conditions,
/// `-concerns*(weight > 0)->`, checked but never matched anything (the
/// engine tested the conditions on a missing edge), a silent wrong answer.
/// A path now follows only edges that pass the conditions.
#[test]
fn path_with_edge_conditions_follows_passing_edges() {
    let p = pack(&rule("  for a: event -concerns*(weight > 0)-> b: event"));
    let case = r#"{"id": "c", "nodes": [
        {"id": "k", "kind": "case"},
        {"id": "e1", "kind": "event", "type": "hearing"},
        {"id": "e2", "kind": "event", "type": "hearing"},
        {"id": "e3", "kind": "event", "type": "hearing"},
        {"id": "e4", "kind": "event", "type": "hearing"}],
      "edges": [
        {"kind": "concerns", "from": "e1", "to": "e2", "weight": 1},
        {"kind": "concerns", "from": "e2", "to": "e3", "weight": 2},
        {"kind": "concerns", "from": "e3", "to": "e4", "weight": 0}]}"#;
    let pair = |a: &str, b: &str| ("t.r".to_string(), vec![a.to_string(), b.to_string()]);
    assert_eq!(
        findings(&p, case),
        vec![pair("e1", "e2"), pair("e1", "e3"), pair("e2", "e3")]
    );
    // Against the arrow, from the other end.
    let p = pack(&rule(
        "  for b: event(type = hearing) <-concerns*(weight >= 1)- a: event",
    ));
    assert_eq!(
        findings(&p, case),
        vec![pair("e2", "e1"), pair("e3", "e1"), pair("e3", "e2")]
    );
}

/// Found by the differential test: a quantifier or aggregate whose pattern
/// refers to a node variable that is absent (`notified(first_hearing)` when
/// there is no hearing, `exists n -concerns-> h` with `let h = earliest …`
/// absent) counted as "nothing matches": `exists` was false, so `require
/// exists …` raised a finding on no evidence, and `no …` was true. Such a
/// pattern is now unknown (and `count` of it absent).
#[test]
fn pattern_anchored_at_an_absent_node_is_unknown() {
    let case = r#"{"id": "c", "nodes": [
        {"id": "k", "kind": "case"},
        {"id": "e1", "kind": "event", "type": "notice", "date": "2024-03-01"}],
      "edges": [{"kind": "concerns", "from": "e1", "to": "e1"}]}"#;
    for body in [
        // No hearing: `h` is absent.
        "  for k: case\n  let h = earliest x: event(type = hearing)\n  require exists n: event(type = notice) -concerns-> h",
        "  for k: case\n  let h = earliest x: event(type = hearing)\n  require not (no n: event -concerns-> h)",
        "  for k: case\n  let h = earliest x: event(type = hearing)\n  require (count n: event -concerns-> h) > 0",
        "  for k: case\n  let h = earliest x: event(type = hearing)\n  require (every n: event -concerns-> h satisfies false)",
    ] {
        let p = pack(&rule(body));
        assert_eq!(findings(&p, case), vec![], "{body}");
    }
    // With the node present the same rules decide.
    let p = pack(&rule(
        "  for k: case\n  let h = earliest x: event(type = notice)\n  require exists n: event(type = hearing) -concerns-> h",
    ));
    assert_eq!(
        findings(&p, case),
        vec![("t.r".to_string(), vec!["k".to_string(), "e1".to_string()])]
    );
}

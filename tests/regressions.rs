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

/// Found by the differential test (a long run): the checker moves each
/// `where` to just after the binding of the last variable it reads, but it
/// did not count a variable that a quantifier's or aggregate's pattern names
/// only as a node (`earliest x`, the far end of `a -e-> f -e-> b`). Such a
/// `where` ran before the variable was bound, was never true, and the rule
/// stayed silent.
#[test]
fn where_reading_a_variable_only_through_a_pattern_waits_for_it() {
    let case = r#"{"id": "c", "nodes": [
        {"id": "k", "kind": "case"},
        {"id": "e1", "kind": "event", "type": "hearing", "date": "2024-03-01"},
        {"id": "e2", "kind": "event", "type": "notice", "date": "2024-03-02"},
        {"id": "e3", "kind": "event", "type": "notice"}],
      "edges": [
        {"kind": "concerns", "from": "e1", "to": "e2"},
        {"kind": "concerns", "from": "e2", "to": "e3"}]}"#;
    let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let p = pack(&rule(
        "  for x: event\n  where (earliest x).date is present",
    ));
    let got: Vec<Vec<String>> = findings(&p, case).into_iter().map(|(_, n)| n).collect();
    assert_eq!(got, vec![ids(&["e1"]), ids(&["e2"])]);
    let p = pack(&rule(
        "  for a: event, b: event\n  where exists a -concerns-> f: event -concerns-> b",
    ));
    let got: Vec<Vec<String>> = findings(&p, case).into_iter().map(|(_, n)| n).collect();
    assert_eq!(got, vec![ids(&["e1", "e3"])]);
    let p = pack(&rule(
        "  for a: event, b: event\n  where (count b) = 1 and a < b",
    ));
    assert_eq!(findings(&p, case).len(), 3);
}

/// Found by the differential test (a long run): in a pattern that names a
/// variable twice, `v: event(type = notice) -concerns-> w: event(type =
/// hearing) <-concerns- v`, the planner may start elsewhere (at the indexed
/// `w`) and bind `v` at its second, bare mention; the shape's conditions,
/// attached to the first mention, were then never tested, and events that
/// are not notices matched.
#[test]
fn shape_of_a_variable_named_twice_is_tested() {
    let case = r#"{"id": "c", "nodes": [
        {"id": "k", "kind": "case"},
        {"id": "h", "kind": "event", "type": "hearing"},
        {"id": "n1", "kind": "event", "type": "notice", "qty": 1},
        {"id": "n2", "kind": "event", "type": "notice", "qty": 2},
        {"id": "d1", "kind": "event", "type": "detention", "qty": 1}],
      "edges": [
        {"kind": "concerns", "from": "n1", "to": "h"},
        {"kind": "concerns", "from": "n2", "to": "h"},
        {"kind": "concerns", "from": "d1", "to": "h"}]}"#;
    let p = pack(&rule(
        "  for v: event(qty = 1) -concerns-> w: event(type = hearing) <-concerns- v",
    ));
    let got: Vec<Vec<String>> = findings(&p, case).into_iter().map(|(_, n)| n).collect();
    assert_eq!(
        got,
        vec![
            vec!["d1".to_string(), "h".to_string()],
            vec!["n1".to_string(), "h".to_string()]
        ]
    );
    let p = pack(&rule(
        "  for v: event(type = notice, qty > 1) -concerns-> w: event(type = hearing) <-concerns- v",
    ));
    let got: Vec<Vec<String>> = findings(&p, case).into_iter().map(|(_, n)| n).collect();
    assert_eq!(got, vec![vec!["n2".to_string(), "h".to_string()]]);
}

// ------------------------------------------------- kept fuzz inputs

/// The files kept under `tests/regressions/<target>/`, sorted.
fn kept(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new("tests/regressions").join(target);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(e.path()).unwrap())
        })
        .collect();
    out.sort();
    out
}

fn cn() -> &'static RulePack {
    static PACK: std::sync::OnceLock<RulePack> = std::sync::OnceLock::new();
    PACK.get_or_init(|| RulePack::load("rules/cn-criminal").unwrap())
}

/// Replays the inputs kept for the `parse_check` fuzz target through the
/// same harness (with the shipped schema and common definitions when the
/// input has no `pack` header, then a review of two example cases). An
/// input named `ok-…` must check.
#[test]
fn kept_parse_check_inputs() {
    let base: Vec<(String, String)> = ["schema.rules", "common.rules"]
        .iter()
        .map(|f| {
            (
                f.to_string(),
                std::fs::read_to_string(format!("rules/cn-criminal/{f}")).unwrap(),
            )
        })
        .collect();
    let cases: Vec<String> = ["robbery-juvenile-defects", "theft-ordinary-clean"]
        .iter()
        .map(|c| std::fs::read_to_string(format!("examples/cases/{c}.json")).unwrap())
        .collect();
    for (name, bytes) in kept("parse_check") {
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        let mut files = vec![];
        if !text.contains("pack ") {
            files.extend(base.iter().cloned());
        }
        files.push(("fuzz.rules".to_string(), text.to_string()));
        match RulePack::from_sources(files) {
            Ok(p) => {
                let opts = ReviewOptions {
                    step_budget: 200_000,
                    ..ReviewOptions::default()
                };
                for c in &cases {
                    let g = p.load_case(c).unwrap();
                    let _ = p.review_with(&g, &opts);
                }
            }
            Err(e) => {
                let msgs: Vec<String> = e.errors().map(|d| d.message.clone()).collect();
                assert!(!name.starts_with("ok-"), "{name} must check: {msgs:?}");
            }
        }
    }
}

/// Replays the inputs kept for the `load_case` and `review` fuzz targets:
/// `ok-…` must load (and review), `err-…` must be a load error whose
/// rendering stays short.
#[test]
fn kept_case_inputs() {
    for target in ["load_case", "review"] {
        for (name, bytes) in kept(target) {
            let loaded = caselint::CaseGraph::from_reader(cn().schema().clone(), &bytes[..]);
            match loaded {
                Ok(g) => {
                    assert!(!name.starts_with("err-"), "{target}/{name} must not load");
                    let a = cn().review(&g).unwrap();
                    let b = cn().review(&g).unwrap();
                    assert_eq!(a.to_json(), b.to_json());
                }
                Err(e) => {
                    assert!(!name.starts_with("ok-"), "{target}/{name} must load: {e}");
                    assert!(
                        e.to_string().len() < 4000,
                        "{target}/{name}: error too long"
                    );
                }
            }
        }
    }
}

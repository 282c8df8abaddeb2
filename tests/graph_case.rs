//! The case graph's queries (lookups, kind and enum indexes, edge order),
//! the `CaseBuilder`, and the graph's heap size per node and edge.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "common/cn_case.rs"]
mod cn_case;
#[path = "common/cn_schema.rs"]
mod cn_schema;

use std::str::FromStr;
use std::sync::Arc;

use caselint::graph::{CaseBuilder, CaseGraph, LoadErrorKind, LoadErrors, NodeIx, Schema, Value};
use cn_case::case_with;
use rust_decimal::Decimal;

fn schema() -> Arc<Schema> {
    cn_schema::cn_schema_arc()
}

fn load(text: &str) -> Result<CaseGraph, LoadErrors> {
    CaseGraph::from_json(schema(), text)
}

#[test]
fn loads_a_valid_case() {
    let text = case_with(
        &[
            r#"{"id": "s1", "kind": "sentence", "penalty": "fixed_term", "scope": "single", "fine": "5000.00"}"#,
        ],
        &[
            r#"{"kind": "subject", "from": "e1", "to": "d1"}"#,
            r#"{"kind": "charged_with", "from": "d1", "to": "ch1", "role": "principal"}"#,
            r#"{"kind": "supports", "from": "x1", "to": "ch1", "amount": 52000.50}"#,
            r#"{"kind": "imposed_on", "from": "s1", "to": "d1"}"#,
            r#"{"kind": "for", "from": "s1", "to": "ch1"}"#,
        ],
    );
    let g = load(&text).unwrap();
    let s = g.schema();
    assert_eq!(g.case_id(), "(2024)沪0104刑初1234号");
    assert_eq!((g.node_count(), g.edge_count()), (6, 5));

    // Nodes are numbered in id order.
    let ids: Vec<&str> = g.nodes().map(|n| g.node_id(n)).collect();
    assert_eq!(ids, ["c", "ch1", "d1", "e1", "s1", "x1"]);
    let d1 = g.node_by_id("d1").unwrap();
    assert_eq!(g.node_id(d1), "d1");
    assert_eq!(g.node_by_id("nobody"), None);

    let person = s.node_kind("person").unwrap();
    assert_eq!(g.node_kind(d1), person);
    assert_eq!(g.nodes_of_kind(person), [d1]);
    let name = s.field(person, "name").unwrap();
    assert_eq!(g.field(d1, name), Some(&Value::text("张三")));
    let birth = s.field(person, "birth_date").unwrap();
    assert_eq!(
        g.field(d1, birth),
        Some(&Value::Date(jiff::civil::date(2007, 3, 2)))
    );
    assert_eq!(g.field(d1, s.field(person, "sex").unwrap()), None);

    // Enum index.
    let role = s.field(person, "role").unwrap();
    let role_enum = s.enum_by_name("person.role").unwrap();
    let defendant = s.enum_value(role_enum, "defendant").unwrap();
    let victim = s.enum_value(role_enum, "victim").unwrap();
    assert_eq!(g.nodes_with_enum(person, role, defendant), [d1]);
    assert!(g.nodes_with_enum(person, role, victim).is_empty());
    assert!(g.nodes_with_enum(person, name, 0).is_empty()); // not an enum field

    // Singleton.
    let case = s.node_kind("case").unwrap();
    assert_eq!(g.singleton(case), g.node_by_id("c"));
    assert_eq!(g.singleton(person), None);

    // Edges.
    let subject = s.edge_kind("subject").unwrap();
    let e1 = g.node_by_id("e1").unwrap();
    let out = g.out_edges(e1, subject);
    assert_eq!(out.len(), 1);
    assert_eq!(g.edge_source(out[0]), e1);
    assert_eq!(g.edge_target(out[0]), d1);
    assert_eq!(g.edge_kind(out[0]), subject);
    assert_eq!(g.in_edges(d1, subject), out);
    assert!(g.out_edges(d1, subject).is_empty());
    let imposed = s.edge_kind("imposed_on").unwrap();
    assert_eq!(g.in_edges(d1, imposed).len(), 1);

    let supports = s.edge_kind("supports").unwrap();
    let x1 = g.node_by_id("x1").unwrap();
    let e = g.out_edges(x1, supports)[0];
    let amount = s.edge_field(supports, "amount").unwrap();
    assert_eq!(
        g.edge_field(e, amount),
        Some(&Value::Decimal(Decimal::from_str("52000.50").unwrap()))
    );
    assert!(g.heap_bytes() > 0);
}

#[test]
fn loads_generated_cases_of_every_kind() {
    let text = cn_case::generate_case(1_000, 7);
    let g = load(&text).unwrap();
    assert_eq!(g.node_count(), 1 + 83 * cn_case::NODES_PER_UNIT);
    let s = g.schema();
    for (k, def) in s.node_kinds() {
        if def.name != "prior_conviction" {
            assert!(!g.nodes_of_kind(k).is_empty(), "{}", def.name);
        }
        // Sorted by id.
        let ids: Vec<&str> = g.nodes_of_kind(k).iter().map(|n| g.node_id(*n)).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
    }
    // The victims' `disabilities` list is indexed by value.
    let person = s.node_kind("person").unwrap();
    let dis = s.field(person, "disabilities").unwrap();
    let deaf = s
        .enum_value(s.enum_by_name("person.disabilities").unwrap(), "deaf")
        .unwrap();
    assert_eq!(g.nodes_with_enum(person, dis, deaf).len(), 83);
}

#[test]
fn edges_are_sorted_by_target_then_fields() {
    let text = case_with(
        &[
            r#"{"id": "ch0", "kind": "charge", "crime": "fraud"}"#,
            r#"{"id": "ch2", "kind": "charge", "crime": "fraud"}"#,
        ],
        &[
            r#"{"kind": "charged_with", "from": "d1", "to": "ch2"}"#,
            r#"{"kind": "charged_with", "from": "d1", "to": "ch1", "role": "principal"}"#,
            r#"{"kind": "charged_with", "from": "d1", "to": "ch1", "role": "accessory"}"#,
            r#"{"kind": "charged_with", "from": "d1", "to": "ch1"}"#,
            r#"{"kind": "charged_with", "from": "d1", "to": "ch0", "role": "principal"}"#,
        ],
    );
    let g = load(&text).unwrap();
    let s = g.schema();
    let cw = s.edge_kind("charged_with").unwrap();
    let role = s.edge_field(cw, "role").unwrap();
    let d1 = g.node_by_id("d1").unwrap();
    let got: Vec<(&str, Option<u16>)> = g
        .out_edges(d1, cw)
        .iter()
        .map(|e| {
            (
                g.node_id(g.edge_target(*e)),
                g.edge_field(*e, role).and_then(Value::as_enum),
            )
        })
        .collect();
    // principal = 0, accessory = 1; absent sorts first.
    assert_eq!(
        got,
        [
            ("ch0", Some(0)),
            ("ch1", None),
            ("ch1", Some(0)),
            ("ch1", Some(1)),
            ("ch2", None)
        ]
    );
}

#[test]
fn builder_equals_json() {
    let text = case_with(
        &[
            r#"{"id": "v", "kind": "person", "role": "victim", "disabilities": ["deaf", "mute"], "pregnant": false}"#,
        ],
        &[
            r#"{"kind": "subject", "from": "e1", "to": "d1"}"#,
            r#"{"kind": "supports", "from": "x1", "to": "ch1", "amount": "52000.50", "offense_date": "2024-01-02"}"#,
            r#"{"kind": "charged_with", "from": "d1", "to": "ch1", "role": "principal"}"#,
        ],
    );
    let from_json = load(&text).unwrap();
    let s = schema();
    let en = |e: &str, v: &str| Value::Enum(s.enum_value(s.enum_by_name(e).unwrap(), v).unwrap());
    let mut b = CaseBuilder::new(Arc::clone(&s), "(2024)沪0104刑初1234号");
    // In another order than the JSON, on purpose.
    b.edge(
        "charged_with",
        "d1",
        "ch1",
        &[("role", en("charged_with.role", "principal"))],
    )
    .node(
        "x1",
        "evidence",
        &[("type", en("evidence.type", "confession"))],
    )
    .node("ch1", "charge", &[("crime", en("charge.crime", "theft"))])
    .node(
        "v",
        "person",
        &[
            ("pregnant", Value::Bool(false)),
            ("role", en("person.role", "victim")),
            (
                "disabilities",
                Value::List(
                    vec![
                        en("person.disabilities", "deaf"),
                        en("person.disabilities", "mute"),
                    ]
                    .into(),
                ),
            ),
        ],
    )
    .node(
        "c",
        "case",
        &[("procedure", en("case.procedure", "ordinary"))],
    )
    .node(
        "d1",
        "person",
        &[
            ("role", en("person.role", "defendant")),
            ("name", Value::text("张三")),
            ("birth_date", Value::Date(jiff::civil::date(2007, 3, 2))),
        ],
    )
    .node(
        "e1",
        "event",
        &[
            ("type", en("event.type", "detention")),
            ("date", Value::Date(jiff::civil::date(2024, 3, 1))),
        ],
    )
    .edge(
        "supports",
        "x1",
        "ch1",
        &[
            ("offense_date", Value::Date(jiff::civil::date(2024, 1, 2))),
            (
                "amount",
                Value::Decimal(Decimal::from_str("52000.50").unwrap()),
            ),
        ],
    )
    .edge("subject", "e1", "d1", &[]);
    let built = b.build().unwrap();
    assert_eq!(built, from_json);
    assert_eq!(
        format!("{:?}", built.fields(NodeIx(0)).collect::<Vec<_>>()),
        format!("{:?}", from_json.fields(NodeIx(0)).collect::<Vec<_>>())
    );
}

#[test]
fn builder_reports_errors_with_paths() {
    let s = schema();
    let mut b = CaseBuilder::new(Arc::clone(&s), "k");
    b.node("c", "case", &[("procedure", Value::Int(1))])
        .node("p", "persn", &[])
        .node("q", "person", &[("role", Value::Enum(999))])
        .edge("subject", "c", "q", &[]);
    let errs = b.build().unwrap_err().errors;
    let got: Vec<(LoadErrorKind, &str)> = errs.iter().map(|e| (e.kind, e.path.as_str())).collect();
    assert_eq!(
        got,
        [
            (LoadErrorKind::WrongType, "nodes[0].procedure"),
            (LoadErrorKind::UnknownNodeKind, "nodes[1].kind"),
            (LoadErrorKind::InvalidEnumValue, "nodes[2].role"),
            (LoadErrorKind::EdgeKindMismatch, "edges[0].from"),
        ]
    );
    assert!(errs.iter().all(|e| e.line == 0 && e.column == 0));
}

#[test]
fn heap_bytes_per_node_and_edge_of_a_100k_case() {
    let text = cn_case::generate_case(100_000, 1);
    let g = load(&text).unwrap();
    let (n, e, bytes) = (g.node_count(), g.edge_count(), g.heap_bytes());
    // Edge-only cost: the same nodes without edges.
    let no_edges = {
        let cut = text.find("\"edges\"").unwrap();
        format!("{}\"edges\": []}}", &text[..cut])
    };
    let g0 = load(&no_edges).unwrap();
    let node_bytes = g0.heap_bytes();
    let per_node = node_bytes as f64 / n as f64;
    let per_edge = (bytes - node_bytes) as f64 / e as f64;
    println!(
        "100k case: {n} nodes, {e} edges, {} input bytes, heap {bytes} bytes: {per_node:.1} bytes/node (fields included), {per_edge:.1} bytes/edge",
        text.len()
    );
    assert!(per_node < 256.0, "{per_node} bytes/node");
    assert!(per_edge < 64.0, "{per_edge} bytes/edge");
}

/// A kind with more fields than a node's field places cover (16 slots, 15
/// values): every field reads back what was loaded, whether the case's
/// nodes all fit the places (read by place; slots 16 and up scanned) or one
/// in the middle does not (every read scanned, of the nodes loaded before
/// it and after it).
#[test]
fn fields_read_back_on_a_kind_with_many_fields() {
    let names: Vec<String> = (0..20).map(|i| format!("f{i:02}")).collect();
    let decl: String = names.iter().map(|n| format!("  {n}: int\n")).collect();
    let pack = caselint::RulePack::from_sources([(
        "schema.rules",
        format!("pack wide {{\n  languages en\n  default en\n}}\nnode case (exactly one) {{\n  region: text\n}}\nnode wide {{\n{decl}}}\n"),
    )])
    .unwrap_or_else(|e| panic!("{e:?}"));
    let schema = pack.schema().clone();
    let wide = schema.node_kind("wide").unwrap();
    let ids: Vec<_> = names
        .iter()
        .map(|n| schema.field(wide, n).unwrap())
        .collect();
    // Which fields node `i` has: a spread of patterns, and (in the second
    // case) node 20 with all twenty.
    let present = |i: usize, f: usize| (i * 7 + f * 3) % 5 < 2 + i % 3 || f == i % 20;
    for full in [false, true] {
        let mut nodes = vec![r#"{"id": "c", "kind": "case"}"#.to_string()];
        for i in 0..40 {
            let fields: String = (0..20)
                .filter(|&f| (full && i == 20) || present(i, f))
                .map(|f| format!(r#", "{}": {}"#, names[f], i * 100 + f))
                .collect();
            nodes.push(format!(r#"{{"id": "w{i:02}", "kind": "wide"{fields}}}"#));
        }
        let text = format!(
            r#"{{"format": "caselint/case@1", "id": "x", "nodes": [{}], "edges": []}}"#,
            nodes.join(", ")
        );
        let g = CaseGraph::from_json(schema.clone(), &text).unwrap_or_else(|e| panic!("{e:?}"));
        for i in 0..40 {
            let n = g.node_by_id(&format!("w{i:02}")).unwrap();
            for (f, &id) in ids.iter().enumerate() {
                let want =
                    ((full && i == 20) || present(i, f)).then(|| Value::Int((i * 100 + f) as i64));
                assert_eq!(
                    g.field(n, id),
                    want.as_ref(),
                    "full {full}, node {i}, field {f}"
                );
            }
        }
    }
}

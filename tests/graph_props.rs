//! Properties of the case loader: shuffled input gives an equal graph, and
//! no input (bytes, JSON values, mutated cases) makes it panic.
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

use std::fmt::Write as _;
use std::sync::{Arc, LazyLock};

use caselint::graph::{CaseGraph, LoadErrors, Schema};
use cn_case::{Rng, generate_case};
use proptest::prelude::*;
use serde_json::{Map, Value as J};

static SCHEMA: LazyLock<Arc<Schema>> = LazyLock::new(cn_schema::cn_schema_arc);

fn schema() -> Arc<Schema> {
    Arc::clone(&SCHEMA)
}

/// Writes JSON with object keys in a random order when `rng` is given.
fn write(v: &J, rng: &mut Option<Rng>, out: &mut String) {
    match v {
        J::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            if let Some(r) = rng {
                shuffle(&mut keys, r);
            }
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&serde_json::to_string(k).unwrap());
                out.push_str(": ");
                write(&m[*k], rng, out);
            }
            out.push('}');
        }
        J::Array(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(",\n");
                }
                write(x, rng, out);
            }
            out.push(']');
        }
        other => out.push_str(&serde_json::to_string(other).unwrap()),
    }
}

fn shuffle<T>(items: &mut [T], rng: &mut Rng) {
    for i in (1..items.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        items.swap(i, j);
    }
}

/// Everything the public API shows of a graph, as text.
fn dump(g: &CaseGraph) -> String {
    let s = g.schema();
    let mut out = format!(
        "case {} nodes {} edges {}\n",
        g.case_id(),
        g.node_count(),
        g.edge_count()
    );
    for n in g.nodes() {
        let _ = writeln!(
            out,
            "{:?} {} {:?} {:?}",
            n,
            g.node_id(n),
            g.node_kind(n),
            g.fields(n).collect::<Vec<_>>()
        );
        for (k, _) in s.edge_kinds() {
            for e in g.out_edges(n, k) {
                let _ = writeln!(
                    out,
                    "  out {e:?} {:?} -> {} {:?}",
                    k,
                    g.node_id(g.edge_target(*e)),
                    g.edge_fields(*e).collect::<Vec<_>>()
                );
            }
            let _ = writeln!(out, "  in {:?} {:?}", k, g.in_edges(n, k));
        }
    }
    for (k, def) in s.node_kinds() {
        let _ = writeln!(out, "kind {k:?} {:?}", g.nodes_of_kind(k));
        for (i, f) in def.fields.iter().enumerate() {
            if let Some(e) = f.ty.enum_id() {
                let count = s.enum_def(e).unwrap().values.len();
                for v in 0..count as u16 {
                    let f = caselint::graph::FieldId(i as u16);
                    let _ = writeln!(out, "enum {k:?} {f:?} {v} {:?}", g.nodes_with_enum(k, f, v));
                }
            }
        }
    }
    out
}

/// A generated case plus parallel edges that differ only in fields (and
/// some exact duplicates), to exercise the edge order.
fn case_tree(size: usize, seed: u64, extra: &[(u8, u8, u8)]) -> J {
    let mut tree: J = serde_json::from_str(&generate_case(size, seed)).unwrap();
    let nodes = tree["nodes"].as_array().unwrap();
    let of = |kind: &str, role: Option<&str>| -> Vec<String> {
        nodes
            .iter()
            .filter(|n| n["kind"] == kind && role.is_none_or(|r| n["role"] == r))
            .map(|n| n["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let defendants = of("person", Some("defendant"));
    let charges = of("charge", None);
    let evidence = of("evidence", None);
    let roles = ["principal", "accessory", "coerced"];
    let amounts = ["1.0", "1.00", "1", "2.5"];
    let mut more = Vec::new();
    for &(a, b, c) in extra {
        let d = &defendants[a as usize % defendants.len()];
        let ch = &charges[b as usize % charges.len()];
        let x = &evidence[a as usize % evidence.len()];
        let mut edge = Map::new();
        if c % 2 == 0 {
            edge.insert("kind".into(), "charged_with".into());
            edge.insert("from".into(), d.clone().into());
            edge.insert("to".into(), ch.clone().into());
            if c % 4 != 0 {
                edge.insert("role".into(), roles[(c as usize / 4) % 3].into());
            }
        } else {
            edge.insert("kind".into(), "supports".into());
            edge.insert("from".into(), x.clone().into());
            edge.insert("to".into(), ch.clone().into());
            edge.insert("amount".into(), amounts[(c as usize / 2) % 4].into());
        }
        more.push(J::Object(edge));
    }
    tree["edges"].as_array_mut().unwrap().extend(more);
    tree
}

fn check_errors(errs: &LoadErrors, positioned: bool) {
    assert!(!errs.errors.is_empty());
    assert!(errs.errors.len() <= caselint::graph::MAX_ERRORS);
    if positioned {
        for e in &errs.errors {
            assert!(e.line >= 1 && e.column >= 1, "{e:?}");
        }
        let positions: Vec<(u32, u32)> = errs.errors.iter().map(|e| (e.line, e.column)).collect();
        assert!(positions.windows(2).all(|w| w[0] <= w[1]), "{positions:?}");
    }
    // Display never panics either.
    let _ = errs.to_string();
}

fn load_any(text: &str) {
    if let Err(errs) = CaseGraph::from_json(schema(), text) {
        check_errors(&errs, true);
    }
}

/// Arbitrary JSON, with keys and strings often drawn from the case
/// vocabulary so that values reach the deeper checks.
fn arb_json() -> impl Strategy<Value = J> {
    let words = prop::sample::select(vec![
        "id",
        "kind",
        "nodes",
        "edges",
        "format",
        "from",
        "to",
        "case",
        "person",
        "event",
        "charge",
        "role",
        "defendant",
        "victim",
        "type",
        "date",
        "time",
        "amount",
        "subject",
        "procedure",
        "ordinary",
        "birth_date",
        "2024-02-30",
        "2024-03-01",
        "12:30",
        "caselint/case@1",
        "disabilities",
        "deaf",
        "d1",
        "c",
        "52000.50",
        "imposed_on",
        "sentence",
    ]);
    let key = prop_oneof![3 => words.clone().prop_map(str::to_owned), 1 => ".{0,6}"];
    let leaf = prop_oneof![
        Just(J::Null),
        any::<bool>().prop_map(J::Bool),
        any::<i64>().prop_map(J::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(J::Null, J::Number)),
        words.prop_map(|w| J::String(w.to_owned())),
        ".{0,8}".prop_map(J::String),
    ];
    leaf.prop_recursive(5, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(J::Array),
            prop::collection::vec((key.clone(), inner), 0..8)
                .prop_map(|kv| J::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn shuffled_input_gives_an_equal_graph(
        size in 13usize..80,
        seed in any::<u64>(),
        perm in any::<u64>(),
        extra in prop::collection::vec((any::<u8>(), any::<u8>(), any::<u8>()), 0..12),
    ) {
        let tree = case_tree(size, seed, &extra);
        let mut plain = String::new();
        write(&tree, &mut None, &mut plain);
        let mut shuffled_tree = tree.clone();
        let mut rng = Rng::new(perm);
        for list in ["nodes", "edges"] {
            shuffle(shuffled_tree[list].as_array_mut().unwrap(), &mut rng);
        }
        let mut shuffled = String::new();
        write(&shuffled_tree, &mut Some(rng), &mut shuffled);
        prop_assume!(plain != shuffled);

        let a = CaseGraph::from_json(schema(), &plain).unwrap();
        let b = CaseGraph::from_json(schema(), &shuffled).unwrap();
        prop_assert!(a == b);
        prop_assert_eq!(dump(&a), dump(&b));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..1024)) {
        if let Err(errs) = CaseGraph::from_reader(schema(), bytes.as_slice()) {
            check_errors(&errs, true);
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,256}") {
        load_any(&text);
    }

    #[test]
    fn arbitrary_json_never_panics(v in arb_json()) {
        load_any(&v.to_string());
    }

    #[test]
    fn arbitrary_nodes_and_edges_never_panic(
        nodes in prop::collection::vec(arb_json(), 0..6),
        edges in prop::collection::vec(arb_json(), 0..6),
    ) {
        let doc = serde_json::json!({"id": "k", "nodes": nodes, "edges": edges});
        load_any(&doc.to_string());
    }

    #[test]
    fn mutated_cases_never_panic(
        seed in any::<u64>(),
        edits in prop::collection::vec((any::<u16>(), 0u8..4, any::<u8>()), 1..6),
    ) {
        let mut bytes = generate_case(40, seed).into_bytes();
        for (at, op, b) in edits {
            let at = at as usize % (bytes.len() + 1);
            match op {
                0 => { bytes.insert(at, b); }
                1 if at < bytes.len() => { bytes.remove(at); }
                2 if at < bytes.len() => { bytes[at] = b; }
                _ => {
                    let end = (at + b as usize).min(bytes.len());
                    bytes.drain(at..end);
                }
            }
        }
        if let Err(errs) = CaseGraph::from_reader(schema(), bytes.as_slice()) {
            check_errors(&errs, true);
        }
    }

    #[test]
    fn cases_with_a_value_replaced_never_panic(
        seed in any::<u64>(),
        which in any::<u16>(),
        key in prop::sample::select(vec!["id", "kind", "role", "date", "type", "from", "to", "amount", "birth_date", "disabilities", "months", "time"]),
        v in arb_json(),
    ) {
        let mut tree: J = serde_json::from_str(&generate_case(40, seed)).unwrap();
        let list = if which % 2 == 0 { "nodes" } else { "edges" };
        let items = tree[list].as_array_mut().unwrap();
        let n = items.len();
        if let Some(obj) = items[which as usize % n].as_object_mut() {
            if which % 3 == 0 {
                obj.remove(key);
            } else {
                obj.insert(key.to_owned(), v);
            }
        }
        load_any(&tree.to_string());
    }
}

//! Loading case files: one test per load error kind (asserting kind, path
//! and position), several errors at once, exact decimals, null. The graph's
//! queries and the builder are tested in `graph_case.rs`.
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

use caselint::graph::{CaseGraph, LoadError, LoadErrorKind, LoadErrors, Schema, Value};
use rust_decimal::Decimal;

use cn_case::case_with;
use cn_schema::cn_schema_arc;

fn schema() -> Arc<Schema> {
    cn_schema_arc()
}

fn load(text: &str) -> Result<CaseGraph, LoadErrors> {
    CaseGraph::from_json(schema(), text)
}

fn errors(text: &str) -> Vec<LoadError> {
    match load(text) {
        Ok(_) => panic!("expected load errors"),
        Err(e) => e.errors,
    }
}

/// The only error of a document.
fn only_error(text: &str) -> LoadError {
    let errs = errors(text);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    errs.into_iter().next().unwrap()
}

/// 1-based line and column (in characters) of the `nth` occurrence of
/// `needle` in `text`, computed independently of the loader.
fn pos_nth(text: &str, needle: &str, nth: usize) -> (u32, u32) {
    let at = text.match_indices(needle).nth(nth).expect("needle").0;
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap().chars().count() + 1;
    (line as u32, col as u32)
}

fn pos(text: &str, needle: &str) -> (u32, u32) {
    pos_nth(text, needle, 0)
}

fn at(e: &LoadError) -> (u32, u32) {
    (e.line, e.column)
}

// ------------------------------------------------- values, null, envelope

#[test]
fn decimals_are_exact_from_numbers_and_strings() {
    let text = case_with(
        &[
            r#"{"id": "ch2", "kind": "charge", "crime": "fraud", "amount": "52000.50", "drug_grams": 0.1}"#,
            r#"{"id": "ch3", "kind": "charge", "crime": "fraud", "amount": 52000.50, "drug_grams": "0.1"}"#,
            r#"{"id": "ch4", "kind": "charge", "crime": "fraud", "amount": 1.5e3, "drug_grams": 0.30000000000000004}"#,
        ],
        &[],
    );
    let g = load(&text).unwrap();
    let s = g.schema();
    let charge = s.node_kind("charge").unwrap();
    let amount = s.field(charge, "amount").unwrap();
    let grams = s.field(charge, "drug_grams").unwrap();
    let dec = |t: &str| Value::Decimal(Decimal::from_str(t).unwrap());
    let get = |id: &str, f| g.field(g.node_by_id(id).unwrap(), f).cloned().unwrap();
    assert_eq!(get("ch2", amount), dec("52000.50"));
    assert_eq!(get("ch3", amount), dec("52000.50"));
    assert!(get("ch2", amount).same_repr(&get("ch3", amount)));
    assert_eq!(get("ch2", amount).as_decimal().unwrap().scale(), 2);
    assert_eq!(get("ch2", grams), dec("0.1"));
    assert_eq!(get("ch3", grams), dec("0.1"));
    assert_eq!(get("ch4", amount), dec("1500"));
    // Not rounded to the nearest f64 either.
    assert_eq!(get("ch4", grams), dec("0.30000000000000004"));
    assert_ne!(get("ch4", grams), dec("0.3"));
}

#[test]
fn null_means_absent() {
    let text = case_with(
        &[r#"{"id": "d2", "kind": "person", "role": "victim", "name": null, "birth_date": null}"#],
        &[r#"{"kind": "charged_with", "from": "d1", "to": "ch1", "role": null}"#],
    );
    let g = load(&text).unwrap();
    let s = g.schema();
    let person = s.node_kind("person").unwrap();
    let d2 = g.node_by_id("d2").unwrap();
    assert_eq!(g.field(d2, s.field(person, "name").unwrap()), None);
    assert_eq!(g.fields(d2).count(), 1); // only `role`
    let without_nulls = case_with(
        &[r#"{"id": "d2", "kind": "person", "role": "victim"}"#],
        &[r#"{"kind": "charged_with", "from": "d1", "to": "ch1"}"#],
    );
    assert_eq!(g, load(&without_nulls).unwrap());

    // A required field set to null is missing.
    let e = only_error(&case_with(
        &[r#"{"id": "d2", "kind": "person", "role": null}"#],
        &[],
    ));
    assert_eq!(e.kind, LoadErrorKind::MissingRequiredField);
    assert_eq!(e.path, "nodes[5].role");
}

#[test]
fn edges_may_be_omitted_and_format_is_optional() {
    let text = r#"{"id": "k", "nodes": [{"id": "c", "kind": "case", "procedure": "simplified"}]}"#;
    let g = load(text).unwrap();
    assert_eq!((g.node_count(), g.edge_count()), (1, 0));
}

// ------------------------------------------------------- one test per error

#[test]
fn syntax_error_has_line_and_column() {
    let text =
        "{\n  \"id\": \"k\",\n  \"nodes\": [\n    {\"id\": \"c\", \"kind\": \"case\",}\n  ]\n}";
    let e = only_error(text);
    assert_eq!(e.kind, LoadErrorKind::Syntax);
    // At the `}` after the trailing comma: line 4, column 32.
    assert_eq!(at(&e), (4, 32));
    assert_eq!(e.path, "nodes[0]");
    assert_eq!(e.help.as_deref(), Some("remove the trailing comma"));

    let e = only_error("{\"id\": \"k\", \"nodes\": [1, 2,, 3]}");
    assert_eq!(
        (e.kind, e.path.as_str(), at(&e)),
        (LoadErrorKind::Syntax, "nodes[2]", (1, 28))
    );

    let e = only_error("");
    assert_eq!((e.kind, at(&e)), (LoadErrorKind::Syntax, (1, 1)));
}

#[test]
fn not_utf8_reports_the_byte_offset() {
    let mut bytes = b"{\"id\": \"k\",\n \"nodes\": [\"".to_vec();
    bytes.extend_from_slice(&[0xD5, 0xC5, 0xC8, 0xFD]); // 张三 in GBK
    bytes.extend_from_slice(b"\"]}");
    let errs = CaseGraph::from_reader(schema(), bytes.as_slice()).unwrap_err();
    let e = &errs.errors[0];
    assert_eq!(errs.errors.len(), 1);
    assert_eq!(e.kind, LoadErrorKind::NotUtf8);
    assert_eq!(e.path, "");
    assert_eq!(at(e), (2, 13));
    assert!(e.message.contains("byte offset 24"), "{}", e.message);
}

#[test]
fn from_reader_loads_utf8() {
    let text = case_with(&[], &[]);
    let g = CaseGraph::from_reader(schema(), text.as_bytes()).unwrap();
    assert_eq!(g, load(&text).unwrap());
}

#[test]
fn io_error_is_reported() {
    struct Failing;
    impl std::io::Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk on fire"))
        }
    }
    let errs = CaseGraph::from_reader(schema(), Failing).unwrap_err();
    assert_eq!(errs.errors[0].kind, LoadErrorKind::Io);
}

#[test]
fn unknown_top_level_key() {
    let text = "{\"id\": \"k\", \"nodes\": [{\"id\": \"c\", \"kind\": \"case\", \"procedure\": \"ordinary\"}],\n \"edgse\": []}";
    let e = only_error(text);
    assert_eq!(e.kind, LoadErrorKind::UnknownTopLevelKey);
    assert_eq!(e.path, "edgse");
    assert_eq!(at(&e), (2, 2));
    assert_eq!(e.help.as_deref(), Some("did you mean `edges`?"));
}

#[test]
fn bad_format() {
    let text = case_with(&[], &[]).replace("caselint/case@1", "caselint/case@2");
    let e = only_error(&text);
    assert_eq!(e.kind, LoadErrorKind::BadFormat);
    assert_eq!(e.path, "format");
    assert_eq!(at(&e), pos(&text, "\"caselint/case@2\""));

    let e = only_error(&case_with(&[], &[]).replace("\"caselint/case@1\"", "1"));
    assert_eq!(
        (e.kind, e.path.as_str()),
        (LoadErrorKind::BadFormat, "format")
    );
}

#[test]
fn missing_keys() {
    let e = only_error(r#"{"nodes": [{"id": "c", "kind": "case", "procedure": "ordinary"}]}"#);
    assert_eq!(
        (e.kind, e.path.as_str(), at(&e)),
        (LoadErrorKind::MissingKey, "id", (1, 1))
    );

    let e = only_error(r#"{"id": "k"}"#);
    assert_eq!(
        (e.kind, e.path.as_str()),
        (LoadErrorKind::MissingKey, "nodes")
    );

    let text = case_with(&[r#"{"kind": "person", "role": "victim"}"#], &[]);
    let e = only_error(&text);
    assert_eq!(e.kind, LoadErrorKind::MissingKey);
    assert_eq!(e.path, "nodes[5].id");
    assert_eq!(at(&e), pos(&text, r#"{"kind": "person""#));

    let text = case_with(&[], &[r#"{"kind": "subject", "from": "e1"}"#]);
    let e = only_error(&text);
    assert_eq!(
        (e.kind, e.path.as_str()),
        (LoadErrorKind::MissingKey, "edges[0].to")
    );
    assert_eq!(at(&e), pos(&text, r#"{"kind": "subject""#));
}

#[test]
fn wrong_types() {
    let text = case_with(
        &[
            r#"{"id": "e2", "kind": "event", "type": "custody_extension", "date": "2024-03-05", "days": 1.5}"#,
        ],
        &[],
    );
    let e = only_error(&text);
    assert_eq!(e.kind, LoadErrorKind::WrongType);
    assert_eq!(e.path, "nodes[5].days");
    assert_eq!(at(&e), pos(&text, "1.5"));

    for (value, why) in [
        ("\"3\"", "a string for an int"),
        ("1e2", "an exponent for an int"),
        ("9223372036854775808", "beyond i64"),
        ("true", "a bool for an int"),
        ("[3]", "an array for an int"),
    ] {
        let text = case_with(
            &[&format!(
                r#"{{"id": "e2", "kind": "event", "type": "custody_extension", "date": "2024-03-05", "days": {value}}}"#
            )],
            &[],
        );
        let e = only_error(&text);
        assert_eq!(
            (e.kind, e.path.as_str()),
            (LoadErrorKind::WrongType, "nodes[5].days"),
            "{why}"
        );
    }
    let ok = case_with(
        &[
            r#"{"id": "e2", "kind": "event", "type": "custody_extension", "date": "2024-03-05", "days": -9223372036854775808}"#,
        ],
        &[],
    );
    assert!(load(&ok).is_ok());

    // Envelope and list elements.
    let e =
        only_error(r#"{"id": 7, "nodes": [{"id": "c", "kind": "case", "procedure": "ordinary"}]}"#);
    assert_eq!(
        (e.kind, e.path.as_str(), at(&e)),
        (LoadErrorKind::WrongType, "id", (1, 8))
    );
    let e = only_error(&case_with(&[r#""d9""#], &[]));
    assert_eq!(
        (e.kind, e.path.as_str()),
        (LoadErrorKind::WrongType, "nodes[5]")
    );
    let e = only_error(&case_with(
        &[r#"{"id": "v", "kind": "person", "role": "victim", "disabilities": ["deaf", 3]}"#],
        &[],
    ));
    assert_eq!(
        (e.kind, e.path.as_str()),
        (LoadErrorKind::WrongType, "nodes[5].disabilities[1]")
    );
    let e = only_error("[]");
    assert_eq!((e.kind, e.path.as_str()), (LoadErrorKind::WrongType, ""));
}

#[test]
fn unknown_node_kind() {
    let text = case_with(&[r#"{"id": "p2", "kind": "persn", "role": "victim"}"#], &[]);
    let e = only_error(&text);
    assert_eq!(e.kind, LoadErrorKind::UnknownNodeKind);
    assert_eq!(e.path, "nodes[5].kind");
    assert_eq!(at(&e), pos(&text, "\"persn\""));
    assert_eq!(e.help.as_deref(), Some("did you mean `person`?"));
}

#[test]
fn unknown_edge_kind() {
    let text = case_with(&[], &[r#"{"kind": "subjcet", "from": "e1", "to": "d1"}"#]);
    let e = only_error(&text);
    assert_eq!(e.kind, LoadErrorKind::UnknownEdgeKind);
    assert_eq!(e.path, "edges[0].kind");
    assert_eq!(at(&e), pos(&text, "\"subjcet\""));
    assert_eq!(e.help.as_deref(), Some("did you mean `subject`?"));
}

#[test]
fn unknown_field() {
    let text = case_with(
        &[r#"{"id": "p2", "kind": "person", "role": "victim", "brith_date": "2001-01-01"}"#],
        &[r#"{"kind": "subject", "from": "e1", "to": "d1", "role": "x"}"#],
    );
    let errs = errors(&text);
    assert_eq!(errs.len(), 2);
    let e = &errs[0];
    assert_eq!(e.kind, LoadErrorKind::UnknownField);
    assert_eq!(e.path, "nodes[5].brith_date");
    assert_eq!(at(e), pos(&text, "\"brith_date\""));
    assert_eq!(e.help.as_deref(), Some("did you mean `birth_date`?"));
    let e = &errs[1];
    assert_eq!(
        (e.kind, e.path.as_str()),
        (LoadErrorKind::UnknownField, "edges[0].role")
    );
}

#[test]
fn invalid_date() {
    let text = case_with(
        &[r#"{"id": "p2", "kind": "person", "role": "victim", "birth_date": "2024-02-30"}"#],
        &[],
    );
    let e = only_error(&text);
    assert_eq!(e.kind, LoadErrorKind::InvalidDate);
    assert_eq!(e.path, "nodes[5].birth_date");
    assert_eq!(at(&e), pos(&text, "\"2024-02-30\""));
    for bad in [
        "2024-2-3",
        "2024/02/03",
        "20240203",
        "2023-02-29",
        "2024-13-01",
    ] {
        let text = case_with(
            &[&format!(
                r#"{{"id": "p2", "kind": "person", "role": "victim", "birth_date": "{bad}"}}"#
            )],
            &[],
        );
        assert_eq!(only_error(&text).kind, LoadErrorKind::InvalidDate, "{bad}");
    }
}

#[test]
fn invalid_time() {
    let text = case_with(
        &[
            r#"{"id": "e2", "kind": "event", "type": "arrest", "date": "2024-03-05", "time": "24:00"}"#,
        ],
        &[],
    );
    let e = only_error(&text);
    assert_eq!(e.kind, LoadErrorKind::InvalidTime);
    assert_eq!(e.path, "nodes[5].time");
    assert_eq!(at(&e), pos(&text, "\"24:00\""));
}

#[test]
fn invalid_enum_value() {
    let text = case_with(
        &[r#"{"id": "p2", "kind": "person", "role": "defendent"}"#],
        &[],
    );
    let e = only_error(&text);
    assert_eq!(e.kind, LoadErrorKind::InvalidEnumValue);
    assert_eq!(e.path, "nodes[5].role");
    assert_eq!(at(&e), pos(&text, "\"defendent\""));
    assert_eq!(e.help.as_deref(), Some("did you mean `defendant`?"));

    let e = only_error(&case_with(
        &[r#"{"id": "p2", "kind": "person", "role": "zzzzzz"}"#],
        &[],
    ));
    assert_eq!((e.kind, e.help), (LoadErrorKind::InvalidEnumValue, None));

    // In a list, and on an edge.
    let e = only_error(&case_with(
        &[r#"{"id": "p2", "kind": "person", "role": "victim", "disabilities": ["blnd"]}"#],
        &[],
    ));
    assert_eq!(e.path, "nodes[5].disabilities[0]");
    assert_eq!(e.help.as_deref(), Some("did you mean `blind`?"));
    let e = only_error(&case_with(
        &[],
        &[r#"{"kind": "charged_with", "from": "d1", "to": "ch1", "role": "pincipal"}"#],
    ));
    assert_eq!(
        (e.kind, e.path.as_str()),
        (LoadErrorKind::InvalidEnumValue, "edges[0].role")
    );
}

#[test]
fn invalid_decimal() {
    let text = case_with(
        &[r#"{"id": "ch2", "kind": "charge", "crime": "theft", "amount": "12,000"}"#],
        &[],
    );
    let e = only_error(&text);
    assert_eq!(
        (e.kind, e.path.as_str()),
        (LoadErrorKind::InvalidDecimal, "nodes[5].amount")
    );
    assert_eq!(at(&e), pos(&text, "\"12,000\""));
    let e = only_error(&case_with(
        &[r#"{"id": "ch2", "kind": "charge", "crime": "theft", "amount": 1e40}"#],
        &[],
    ));
    assert_eq!(e.kind, LoadErrorKind::InvalidDecimal);
    // A sign is one sign: `"+-20"` and `"++20"` are not decimals.
    for bad in ["+-20", "++20", "+", "+ 20"] {
        let e = only_error(&case_with(
            &[&format!(
                r#"{{"id": "r1", "kind": "circumstance", "type": "surrender", "adjustment_pct": "{bad}"}}"#
            )],
            &[],
        ));
        assert_eq!(e.kind, LoadErrorKind::InvalidDecimal, "{bad}");
    }
}

/// case-format.md: `+20` increases by 20 %. As text a decimal may say so.
#[test]
fn decimal_text_may_carry_a_plus_sign() {
    let text = case_with(
        &[
            r#"{"id": "r1", "kind": "circumstance", "type": "recidivism", "adjustment_pct": "+20"}"#,
            r#"{"id": "r2", "kind": "circumstance", "type": "surrender", "adjustment_pct": "-20.5"}"#,
            r#"{"id": "r3", "kind": "circumstance", "type": "confession", "adjustment_pct": "+0.5e1"}"#,
        ],
        &[],
    );
    let g = load(&text).unwrap();
    let s = g.schema();
    let kind = s.node_kind("circumstance").unwrap();
    let pct = s.field(kind, "adjustment_pct").unwrap();
    let get = |id: &str| g.field(g.node_by_id(id).unwrap(), pct).cloned().unwrap();
    let dec = |t: &str| Value::Decimal(Decimal::from_str(t).unwrap());
    assert_eq!(get("r1"), dec("20"));
    assert_eq!(get("r2"), dec("-20.5"));
    assert_eq!(get("r3"), dec("5"));
    // Too large to fit: the error quotes the value as written, sign and all.
    let e = only_error(&case_with(
        &[
            r#"{"id": "r1", "kind": "circumstance", "type": "surrender", "adjustment_pct": "+1e999"}"#,
        ],
        &[],
    ));
    assert_eq!(e.kind, LoadErrorKind::InvalidDecimal);
    assert!(e.message.contains("found `\"+1e999\"`"), "{}", e.message);
}

#[test]
fn duplicate_key() {
    let text = case_with(
        &[r#"{"id": "p2", "kind": "person", "role": "victim", "role": "witness"}"#],
        &[],
    );
    let e = only_error(&text);
    assert_eq!(
        (e.kind, e.path.as_str()),
        (LoadErrorKind::DuplicateKey, "nodes[5].role")
    );
    // The second `"role"` of that node (the first one in the text is d1's).
    assert_eq!(at(&e), pos_nth(&text, "\"role\"", 2));
}

#[test]
fn duplicate_node_id() {
    let text = case_with(
        &[r#"{"id": "d1", "kind": "person", "role": "victim"}"#],
        &[],
    );
    let e = only_error(&text);
    assert_eq!(e.kind, LoadErrorKind::DuplicateNodeId);
    assert_eq!(e.path, "nodes[5].id");
    assert_eq!(at(&e), pos_nth(&text, "\"d1\"", 1));
    assert_eq!(e.help.as_deref(), Some("`nodes[1]` has the same id"));
}

#[test]
fn edge_to_missing_node() {
    let text = case_with(&[], &[r#"{"kind": "subject", "from": "e1", "to": "d2"}"#]);
    let e = only_error(&text);
    assert_eq!(e.kind, LoadErrorKind::MissingNode);
    assert_eq!(e.path, "edges[0].to");
    assert_eq!(at(&e), pos(&text, "\"d2\""));
    assert_eq!(e.help.as_deref(), Some("did you mean `d1`?"));
}

#[test]
fn edge_between_forbidden_kinds() {
    // `subject` runs event → person; this one runs person → event.
    let text = case_with(&[], &[r#"{"kind": "subject", "from": "d1", "to": "e1"}"#]);
    let errs = errors(&text);
    assert_eq!(errs.len(), 2);
    assert_eq!(
        (errs[0].kind, errs[0].path.as_str()),
        (LoadErrorKind::EdgeKindMismatch, "edges[0].from")
    );
    assert_eq!(at(&errs[0]), pos(&text, r#""d1", "to""#));
    assert_eq!(
        (errs[1].kind, errs[1].path.as_str()),
        (LoadErrorKind::EdgeKindMismatch, "edges[0].to")
    );

    // `imposed_on` accepts a sentence or a prior conviction, not a charge.
    let text = case_with(
        &[r#"{"id": "pc", "kind": "prior_conviction", "penalty": "life"}"#],
        &[
            r#"{"kind": "imposed_on", "from": "pc", "to": "d1"}"#,
            r#"{"kind": "imposed_on", "from": "ch1", "to": "d1"}"#,
        ],
    );
    let e = only_error(&text);
    assert_eq!(
        (e.kind, e.path.as_str()),
        (LoadErrorKind::EdgeKindMismatch, "edges[1].from")
    );
}

#[test]
fn missing_required_field() {
    let text = case_with(&[r#"{"id": "e2", "kind": "event", "type": "arrest"}"#], &[]);
    let e = only_error(&text);
    assert_eq!(e.kind, LoadErrorKind::MissingRequiredField);
    assert_eq!(e.path, "nodes[5].date");
    assert_eq!(at(&e), pos(&text, r#"{"id": "e2""#));
}

#[test]
fn two_case_nodes() {
    let text = case_with(
        &[r#"{"id": "c2", "kind": "case", "procedure": "ordinary"}"#],
        &[],
    );
    let e = only_error(&text);
    assert_eq!(e.kind, LoadErrorKind::SingletonCount);
    assert_eq!(e.path, "nodes[5]");
    assert_eq!(at(&e), pos(&text, r#"{"id": "c2""#));
}

#[test]
fn no_case_node() {
    let text = "{\"id\": \"k\",\n \"nodes\": [{\"id\": \"p\", \"kind\": \"person\", \"role\": \"victim\"}]}";
    let e = only_error(text);
    assert_eq!(
        (e.kind, e.path.as_str(), at(&e)),
        (LoadErrorKind::SingletonCount, "nodes", (2, 11))
    );
}

#[test]
fn too_large() {
    let big = " ".repeat(caselint::graph::MAX_INPUT_BYTES + 1);
    let e = only_error(&big);
    assert_eq!((e.kind, e.path.as_str()), (LoadErrorKind::TooLarge, ""));
    let errs = CaseGraph::from_reader(schema(), big.as_bytes()).unwrap_err();
    assert_eq!(errs.errors[0].kind, LoadErrorKind::TooLarge);
}

#[test]
fn too_deep() {
    let deep = format!(
        "{{\"id\": \"k\", \"nodes\": [{{\"id\": \"p\", \"kind\": \"person\", \"role\": \"victim\", \"name\": {}{}}}]}}",
        "[".repeat(200),
        "]".repeat(200)
    );
    let e = only_error(&deep);
    assert_eq!(e.kind, LoadErrorKind::TooDeep);
    assert!(e.path.starts_with("nodes[0].name[0][0]"), "{}", e.path);
    // 128 levels: the envelope, `nodes`, the node, then 125 arrays.
    assert_eq!(at(&e), pos_nth(&deep, "[", 126));
}

// ------------------------------------------------------------- many errors

#[test]
fn reports_every_error_in_one_pass() {
    let text = "{\n\
        \"id\": \"k\",\n\
        \"nodez\": 1,\n\
        \"nodes\": [\n\
        {\"id\": \"c\", \"kind\": \"case\", \"procedure\": \"ordinary\"},\n\
        {\"id\": \"d1\", \"kind\": \"person\", \"role\": \"defendent\", \"birth_date\": \"2024-02-30\"},\n\
        {\"id\": \"e1\", \"kind\": \"evnt\", \"type\": \"arrest\"},\n\
        {\"id\": \"d1\", \"kind\": \"person\", \"role\": \"victim\", \"nam\": \"x\"},\n\
        {\"id\": \"e2\", \"kind\": \"event\", \"date\": \"2024-01-01\", \"time\": \"9:00\"}\n\
        ],\n\
        \"edges\": [\n\
        {\"kind\": \"subject\", \"from\": \"e2\", \"to\": \"nobody\"},\n\
        {\"kind\": \"subject\", \"from\": \"d1\", \"to\": \"e2\"}\n\
        ]\n}";
    let errs = errors(text);
    let got: Vec<(LoadErrorKind, &str, u32)> = errs
        .iter()
        .map(|e| (e.kind, e.path.as_str(), e.line))
        .collect();
    use LoadErrorKind as K;
    assert_eq!(
        got,
        [
            (K::UnknownTopLevelKey, "nodez", 3),
            (K::InvalidEnumValue, "nodes[1].role", 6),
            (K::InvalidDate, "nodes[1].birth_date", 6),
            (K::UnknownNodeKind, "nodes[2].kind", 7),
            (K::DuplicateNodeId, "nodes[3].id", 8),
            (K::UnknownField, "nodes[3].nam", 8),
            (K::MissingRequiredField, "nodes[4].type", 9),
            (K::InvalidTime, "nodes[4].time", 9),
            (K::MissingNode, "edges[0].to", 12),
            (K::EdgeKindMismatch, "edges[1].from", 13),
            (K::EdgeKindMismatch, "edges[1].to", 13),
        ]
    );
}

#[test]
fn errors_are_capped_at_100() {
    let nodes: Vec<String> = (0..150)
        .map(|i| format!(r#"{{"id": "p{i}", "kind": "person", "role": "nobody"}}"#))
        .collect();
    let text = format!(
        r#"{{"id": "k", "nodes": [{{"id": "c", "kind": "case", "procedure": "ordinary"}}, {}]}}"#,
        nodes.join(", ")
    );
    let errs = load(&text).unwrap_err();
    assert_eq!(errs.errors.len(), caselint::graph::MAX_ERRORS);
    assert!(errs.truncated);
    assert!(
        errs.errors
            .iter()
            .all(|e| e.kind == LoadErrorKind::InvalidEnumValue)
    );
}

#[test]
fn error_display_is_readable() {
    let text = case_with(
        &[r#"{"id": "p2", "kind": "person", "role": "defendent"}"#],
        &[],
    );
    let errs = load(&text).unwrap_err();
    assert_eq!(
        errs.to_string(),
        "the case file has 1 error\n  10:40: nodes[5].role: expected a value of enum `person.role`, found `\"defendent\"` (help: did you mean `defendant`?)"
    );
}

/// An edge written twice is one relation; the same ends with another field
/// value (a second role) or another representation stay two edges.
#[test]
fn an_edge_written_twice_is_one_edge() {
    let text = case_with(
        &[
            r#"{"id": "s1", "kind": "sentence", "penalty": "fixed_term", "scope": "single", "months": 12}"#,
            r#"{"id": "x2", "kind": "evidence", "type": "witness_statement"}"#,
        ],
        &[
            r#"{"kind": "imposed_on", "from": "s1", "to": "d1"}"#,
            r#"{"kind": "charged_with", "from": "d1", "to": "ch1", "role": "principal"}"#,
            r#"{"kind": "imposed_on", "from": "s1", "to": "d1"}"#,
            r#"{"kind": "charged_with", "from": "d1", "to": "ch1", "role": "ringleader"}"#,
            r#"{"kind": "supports", "from": "x2", "to": "ch1", "amount": "500.5"}"#,
            r#"{"kind": "supports", "from": "x2", "to": "ch1", "amount": 500.50}"#,
            r#"{"kind": "supports", "from": "x2", "to": "ch1", "amount": "500.5"}"#,
        ],
    );
    let g = load(&text).unwrap();
    let s = g.schema();
    let d1 = g.node_by_id("d1").unwrap();
    let imposed = s.edge_kind("imposed_on").unwrap();
    let charged = s.edge_kind("charged_with").unwrap();
    let supports = s.edge_kind("supports").unwrap();
    assert_eq!(g.in_edges(d1, imposed).len(), 1);
    assert_eq!(g.out_edges(d1, charged).len(), 2);
    let x2 = g.node_by_id("x2").unwrap();
    assert_eq!(g.out_edges(x2, supports).len(), 2);
    assert_eq!(g.edge_count(), 5);
}

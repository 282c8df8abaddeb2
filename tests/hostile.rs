//! Hostile input: every kind of input a court system or an attacker might
//! send gets a clear error (what, where) or a correct answer, never a panic,
//! a hang or a wrong answer. One test per kind, against the shipped
//! cn-criminal schema (case files) or a small pack (rule arithmetic).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use caselint::graph::{LoadErrorKind, MAX_DEPTH};
use caselint::{CaseGraph, LoadErrors, RulePack};
use std::sync::OnceLock;

fn cn() -> &'static RulePack {
    static PACK: OnceLock<RulePack> = OnceLock::new();
    PACK.get_or_init(|| RulePack::load("rules/cn-criminal").unwrap())
}

/// A case file with the `case` node and these extra nodes (JSON text, comma-separated).
fn case_with(nodes: &str) -> String {
    let sep = if nodes.is_empty() { "" } else { ", " };
    format!(
        r#"{{"id": "(2024)沪0104刑初1号", "nodes": [{{"id": "k", "kind": "case", "procedure": "ordinary"}}{sep}{nodes}]}}"#
    )
}

fn load_err(json: &str) -> LoadErrors {
    match cn().load_case(json) {
        Ok(_) => panic!("expected a load error for {}", &json[..json.len().min(200)]),
        Err(e) => e,
    }
}

/// The only error, of the kind expected, at the path expected, with a short message.
fn one_error(e: &LoadErrors, kind: LoadErrorKind, path: &str) -> String {
    let hits: Vec<_> = e.of_kind(kind).collect();
    assert!(!hits.is_empty(), "expected a {kind} error, got {e}");
    let err = hits[0];
    assert_eq!(err.path, path, "{e}");
    assert!(
        err.message.len() < 400,
        "message too long: {} bytes",
        err.message.len()
    );
    assert!(e.to_string().len() < 2000, "rendered errors too long");
    err.message.clone()
}

// ------------------------------------------------------------ deep JSON

#[test]
fn deeply_nested_json_is_an_error_not_a_stack_overflow() {
    // At the root, as arrays and as objects, far past the limit.
    for deep in [
        "[".repeat(100_000),
        "{\"a\":".repeat(100_000),
        format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
    ] {
        let e = load_err(&deep);
        let m = one_error(&e, LoadErrorKind::TooDeep, e.errors[0].path.as_str());
        assert!(m.contains(&MAX_DEPTH.to_string()), "{m}");
    }
    // Inside a field value: the error names the field.
    let value = format!(
        "{}1{}",
        "[".repeat(MAX_DEPTH + 5),
        "]".repeat(MAX_DEPTH + 5)
    );
    let e = load_err(&case_with(&format!(
        r#"{{"id": "d1", "kind": "person", "role": "defendant", "disabilities": {value}}}"#
    )));
    assert!(e.of_kind(LoadErrorKind::TooDeep).next().is_some(), "{e}");
    // Exactly at the limit the nesting is accepted (and the type is then checked).
    let ok_depth = MAX_DEPTH - 3; // envelope, nodes array, node object
    let value = format!("{}\"deaf\"{}", "[".repeat(ok_depth), "]".repeat(ok_depth));
    let e = load_err(&case_with(&format!(
        r#"{{"id": "d1", "kind": "person", "role": "defendant", "disabilities": {value}}}"#
    )));
    assert!(e.of_kind(LoadErrorKind::TooDeep).next().is_none(), "{e}");
    assert!(e.of_kind(LoadErrorKind::WrongType).next().is_some(), "{e}");
}

// ------------------------------------------------------ 10 MB strings

#[test]
fn ten_megabyte_strings_load_or_fail_with_short_messages() {
    let big = "张".repeat((10 << 20) / 3 + 1);
    assert!(big.len() >= 10 << 20);
    // A legitimate (if absurd) name: loads, is kept whole, and reviews.
    let json = case_with(&format!(
        r#"{{"id": "d1", "kind": "person", "role": "defendant", "name": "{big}"}}"#
    ));
    let g = cn().load_case(&json).unwrap();
    let d1 = g.node_by_id("d1").unwrap();
    let name_f = g.schema().field(g.node_kind(d1), "name").unwrap();
    assert_eq!(
        g.field(d1, name_f).and_then(|v| v.as_text()).map(str::len),
        Some(big.len())
    );
    cn().review(&g).unwrap();
    // In a date: an error whose message quotes an excerpt, not 10 MB.
    let e = load_err(&case_with(&format!(
        r#"{{"id": "d1", "kind": "person", "role": "defendant", "birth_date": "{big}"}}"#
    )));
    one_error(&e, LoadErrorKind::InvalidDate, "nodes[1].birth_date");
    // As an unknown key, an enum value, and a duplicated id.
    let e = load_err(&case_with(&format!(
        r#"{{"id": "d1", "kind": "person", "role": "defendant", "{big}": 1}}"#
    )));
    assert!(
        e.of_kind(LoadErrorKind::UnknownField).next().is_some(),
        "{}",
        &e.to_string()[..200]
    );
    assert!(e.to_string().len() < 2000);
    let e = load_err(&case_with(&format!(
        r#"{{"id": "d1", "kind": "person", "role": "{big}"}}"#
    )));
    one_error(&e, LoadErrorKind::InvalidEnumValue, "nodes[1].role");
    let e = load_err(&case_with(&format!(
        r#"{{"id": "{big}", "kind": "person", "role": "victim"}}, {{"id": "{big}", "kind": "person", "role": "victim"}}"#
    )));
    one_error(&e, LoadErrorKind::DuplicateNodeId, "nodes[2].id");
    // As the case id: echoed in the report whole (it is the case's number).
    let json = format!(
        r#"{{"id": "{big}", "nodes": [{{"id": "k", "kind": "case", "procedure": "ordinary"}}]}}"#
    );
    let g = cn().load_case(&json).unwrap();
    assert_eq!(cn().review(&g).unwrap().case.len(), big.len());
}

// ------------------------------------------------------- non-UTF-8

#[test]
fn non_utf8_bytes_are_an_error_with_the_offset() {
    // "张三" in GBK, the usual culprit.
    let mut bytes = br#"{"id": "c", "nodes": [{"id": "k", "kind": "case", "procedure": "ordinary"}, {"id": "d1", "kind": "person", "role": "defendant", "name": ""#.to_vec();
    let at = bytes.len();
    bytes.extend_from_slice(&[0xd5, 0xc5, 0xc8, 0xfd]);
    bytes.extend_from_slice(br#""}]}"#);
    let e = CaseGraph::from_reader(cn().schema().clone(), &bytes[..]).unwrap_err();
    assert_eq!(e.errors.len(), 1);
    let err = &e.errors[0];
    assert_eq!(err.kind, LoadErrorKind::NotUtf8);
    assert!(
        err.message.contains(&format!("byte offset {at}")),
        "{}",
        err.message
    );
    assert!(err.message.contains("d5 c5"), "{}", err.message);
    assert!(err.help.as_deref().unwrap_or("").contains("UTF-8"));
    // A lone continuation byte, a truncated sequence at the end, an overlong encoding, a surrogate.
    for bad in [
        &[0x80u8][..],
        &[0xe5, 0xbc],
        &[0xc0, 0xaf],
        &[0xed, 0xa0, 0x80],
    ] {
        let mut b = b"{\"id\": \"".to_vec();
        b.extend_from_slice(bad);
        let e = CaseGraph::from_reader(cn().schema().clone(), &b[..]).unwrap_err();
        assert_eq!(e.errors[0].kind, LoadErrorKind::NotUtf8, "{e}");
    }
    // A rule file that is not UTF-8: the pack does not load, and says which file.
    let dir = std::env::temp_dir().join(format!("caselint-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("bad.rules"), [b'#', b' ', 0xd5, 0xc5, b'\n']).unwrap();
    let err = RulePack::load(&dir).unwrap_err();
    let msgs: Vec<String> = err.errors().map(|d| d.message.clone()).collect();
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        msgs.iter()
            .any(|m| m.contains("bad.rules") && m.contains("not UTF-8")),
        "{msgs:?}"
    );
}

// --------------------------------------------------------- NaN-like numbers

#[test]
fn nan_and_infinity_are_errors() {
    // Not JSON at all.
    for bare in [
        "NaN",
        "Infinity",
        "-Infinity",
        "nan",
        "inf",
        "+1",
        "0x10",
        ".5",
        "1.",
        "01",
    ] {
        let e = load_err(&case_with(&format!(
            r#"{{"id": "s1", "kind": "sentence", "penalty": "fixed_term", "scope": "single", "fine": {bare}}}"#
        )));
        assert_eq!(e.errors[0].kind, LoadErrorKind::Syntax, "{bare}: {e}");
        assert!(
            e.errors[0].line == 1 && e.errors[0].column > 1,
            "{bare}: {e}"
        );
    }
    // As strings in a decimal field, and a number too large for a decimal.
    for s in [
        "\"NaN\"",
        "\"Infinity\"",
        "\"-inf\"",
        "\"1e999\"",
        "1e999",
        "-1e999",
        "\"\"",
        "\"1,000\"",
    ] {
        let e = load_err(&case_with(&format!(
            r#"{{"id": "s1", "kind": "sentence", "penalty": "fixed_term", "scope": "single", "fine": {s}}}"#
        )));
        one_error(&e, LoadErrorKind::InvalidDecimal, "nodes[1].fine");
    }
    // In an int field: a fraction or exponent is not an int, even when whole.
    for s in ["1.0", "1e2", "1E2", "-0.0", "\"12\""] {
        let e = load_err(&case_with(&format!(
            r#"{{"id": "s1", "kind": "sentence", "penalty": "fixed_term", "scope": "single", "months": {s}}}"#
        )));
        one_error(&e, LoadErrorKind::WrongType, "nodes[1].months");
    }
}

// ---------------------------------------------- numbers beyond range

#[test]
fn integers_beyond_i64_are_errors_not_wrapped() {
    let months = |n: &str| {
        case_with(&format!(
            r#"{{"id": "s1", "kind": "sentence", "penalty": "fixed_term", "scope": "single", "months": {n}}}"#
        ))
    };
    for ok in ["9223372036854775807", "-9223372036854775808", "-0", "0"] {
        cn().load_case(&months(ok)).unwrap();
    }
    for bad in [
        "9223372036854775808",
        "-9223372036854775809",
        "18446744073709551616",
        "99999999999999999999999999999999999999999",
    ] {
        let e = load_err(&months(bad));
        let m = one_error(&e, LoadErrorKind::WrongType, "nodes[1].months");
        assert!(
            e.errors[0].help.as_deref().unwrap_or("").contains("64-bit"),
            "{m}"
        );
    }
}

#[test]
fn decimals_beyond_precision_are_errors_not_rounded() {
    let fine = |n: &str| {
        case_with(&format!(
            r#"{{"id": "s1", "kind": "sentence", "penalty": "fixed_term", "scope": "single", "fine": {n}}}"#
        ))
    };
    // 28 fractional digits and 2^96 - 1 are exact; one digit more is not.
    for ok in [
        "0.1234567890123456789012345678",
        "79228162514264337593543950335",
        "\"-79228162514264337593543950335\"",
        "52000.50",
        "1e3",
    ] {
        cn().load_case(&fine(ok))
            .unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
    for bad in [
        "0.12345678901234567890123456789",
        "79228162514264337593543950336",
        "\"-79228162514264337593543950336\"",
        "1e29",
        "1e-29",
    ] {
        let e = load_err(&fine(bad));
        one_error(&e, LoadErrorKind::InvalidDecimal, "nodes[1].fine");
    }
    // A value that loads keeps every digit.
    let g = cn()
        .load_case(&fine("\"0.1000000000000000000000000001\""))
        .unwrap();
    let s1 = g.node_by_id("s1").unwrap();
    let f = g.schema().field(g.node_kind(s1), "fine").unwrap();
    assert_eq!(
        g.field(s1, f)
            .and_then(|v| v.as_decimal())
            .map(|d| d.to_string())
            .as_deref(),
        Some("0.1000000000000000000000000001")
    );
}

/// Arithmetic in rules on the extreme values the loader accepts: overflow is
/// unknown (no finding, no panic), never a wrapped number.
#[test]
fn arithmetic_overflow_in_rules_is_unknown() {
    let schema = "pack t {\n  languages en\n  default en\n}\nnode case (exactly one) {\n}\nnode x {\n  n: int\n  d: decimal\n  day: date\n}\n";
    // Each rule raises a finding exactly when its expression is known.
    let rule = |id: &str, filter: &str, expr: &str| {
        format!(
            "rule t.{id} {{\n  severity error\n  title \"t\"\n  cite \"c\"\n  for a: x\n  where {filter}\n  require ({expr}) is absent\n  message \"m {{a.n}}\"\n}}\n"
        )
    };
    let big = "(a.n > 1000 or a.n < -1000)";
    let rules = [
        rule("mul", big, "a.n * a.n"),
        rule("add", big, "a.n + a.n"),
        rule("sub", big, "a.n - (0 - a.n)"),
        rule("neg", "a.n < -1000", "-a.n"),
        rule("abs", "a.n < -1000", "abs(a.n)"),
        rule("dmul", big, "a.d * a.d"),
        rule("dadd", big, "a.d + a.d"),
        rule("ddiv", "true", "a.d / 0"),
        rule("idiv", "true", "a.n / 0"),
        rule("days", big, "a.day + a.n days"),
        rule("months", big, "a.day + a.n months"),
        rule("years", big, "a.day - a.n years"),
        rule("sum", "a.n > 1000", "sum b.n for b: x where b.n > 0"),
        rule(
            "product",
            "a.n > 1000",
            "product b.n for b: x where b.n != 0",
        ),
        rule("dsum", "a.n > 1000", "sum b.d for b: x where b.d > 0"),
    ]
    .concat();
    let p = RulePack::from_sources([("s.rules", schema.to_string()), ("r.rules", rules)]).unwrap();
    let case = r#"{"id": "c", "nodes": [{"id": "k", "kind": "case"},
        {"id": "x1", "kind": "x", "n": 9223372036854775807, "d": "79228162514264337593543950335", "day": "9999-12-31"},
        {"id": "x2", "kind": "x", "n": -9223372036854775808, "d": "-79228162514264337593543950335", "day": "0001-01-01"},
        {"id": "x3", "kind": "x", "n": 1, "d": "1", "day": "2024-03-01"}]}"#;
    let g = p.load_case(case).unwrap();
    let r = p.review(&g).unwrap();
    assert_eq!(
        r.findings,
        vec![],
        "overflow must be unknown, not a finding"
    );
}

// --------------------------------------------- Unicode-normalised ids

#[test]
fn ids_equal_after_nfc_normalisation_are_different_ids() {
    // The format asks ids to be unique strings: `é` precomposed (U+00E9)
    // and decomposed (e + U+0301) are two strings, so two nodes, and an
    // edge finds the one written as it is.
    let g = cn()
        .load_case(&case_with(
            "{\"id\": \"caf\u{e9}\", \"kind\": \"person\", \"role\": \"victim\"}, {\"id\": \"cafe\u{301}\", \"kind\": \"person\", \"role\": \"victim\"}",
        ))
        .unwrap();
    assert_eq!(g.node_count(), 3);
    assert!(g.node_by_id("caf\u{e9}").is_some() && g.node_by_id("cafe\u{301}").is_some());
    assert_ne!(g.node_by_id("caf\u{e9}"), g.node_by_id("cafe\u{301}"));
    // Hangul: a precomposed syllable and its jamo.
    let g = cn()
        .load_case(&case_with(
            "{\"id\": \"\u{d55c}\", \"kind\": \"person\", \"role\": \"victim\"}, {\"id\": \"\u{1112}\u{1161}\u{11ab}\", \"kind\": \"person\", \"role\": \"victim\"}",
        ))
        .unwrap();
    assert_eq!(g.node_count(), 3);
    // Compatibility forms likewise: full-width `Ａ` and `A`, the ligature
    // `ﬁ` and `fi`.
    let g = cn()
        .load_case(&case_with(
            "{\"id\": \"\u{ff21}\", \"kind\": \"person\", \"role\": \"victim\"}, {\"id\": \"A\", \"kind\": \"person\", \"role\": \"victim\"}, {\"id\": \"\u{fb01}\", \"kind\": \"person\", \"role\": \"victim\"}, {\"id\": \"fi\", \"kind\": \"person\", \"role\": \"victim\"}",
        ))
        .unwrap();
    assert_eq!(g.node_count(), 5);
    // Distinct Chinese ids load as distinct nodes.
    let g = cn()
        .load_case(&case_with(
            r#"{"id": "张三", "kind": "person", "role": "defendant"}, {"id": "張三", "kind": "person", "role": "defendant"}"#,
        ))
        .unwrap();
    assert_eq!(g.node_count(), 3);
}

// ---------------------------------------------------- labels for values

#[test]
fn a_label_written_for_an_enum_value_is_named() {
    // The schema's Chinese label of `defendant`, and of the event type `detention`.
    let e = load_err(&case_with(
        r#"{"id": "d1", "kind": "person", "role": "被告人"}, {"id": "x1", "kind": "event", "type": "刑事拘留", "date": "2024-03-01"}"#,
    ));
    let helps: Vec<&str> = e.errors.iter().filter_map(|e| e.help.as_deref()).collect();
    assert_eq!(
        helps,
        [
            "`被告人` is the label of `defendant`: write `defendant`",
            "`刑事拘留` is the label of `detention`: write `detention`"
        ],
        "{e}"
    );
}

#[test]
fn labels_two_values_share_give_no_hint() {
    use caselint::graph::{FieldDef, Type};
    let mut b = caselint::Schema::builder();
    let role = b
        .add_enum("person.role", &["defendant", "victim", "x"])
        .unwrap();
    b.label_enum_value(role, "defendant", "当事人");
    b.label_enum_value(role, "victim", "当事人");
    b.label_enum_value(role, "victim", "被害人");
    // A label that is another value's name is that value, not a hint.
    b.label_enum_value(role, "defendant", "x");
    b.add_node_kind("case", true, vec![]).unwrap();
    b.add_node_kind(
        "person",
        false,
        vec![FieldDef::new("role", Type::Enum(role), true)],
    )
    .unwrap();
    let schema = std::sync::Arc::new(b.build().unwrap());
    // The labels are hints only: the same vocabulary without them is the
    // same schema (a case loaded with one pack is reviewed by the other).
    let mut plain = caselint::Schema::builder();
    let r = plain
        .add_enum("person.role", &["defendant", "victim", "x"])
        .unwrap();
    plain.add_node_kind("case", true, vec![]).unwrap();
    plain
        .add_node_kind(
            "person",
            false,
            vec![FieldDef::new("role", Type::Enum(r), true)],
        )
        .unwrap();
    assert_eq!(*schema, plain.build().unwrap());
    assert_eq!(schema.enum_value_by_label(role, "当事人"), None);
    assert_eq!(schema.enum_value_by_label(role, "被害人"), Some(1));
    assert_eq!(schema.enum_value_by_label(role, "x"), None);
    let text = r#"{"id": "c", "nodes": [{"id": "k", "kind": "case"}, {"id": "p", "kind": "person", "role": "被害人"}]}"#;
    let e = caselint::CaseGraph::from_json(schema, text).unwrap_err();
    assert_eq!(
        e.errors[0].help.as_deref(),
        Some("`被害人` is the label of `victim`: write `victim`")
    );
}

#[test]
fn hints_escape_control_characters_and_articles_agree() {
    // An id with an escape sequence and a right-to-left override: the
    // message and the did-you-mean hint show them escaped, not raw.
    let e = load_err(
        "{\"id\": \"T\", \"nodes\": [{\"id\": \"k\", \"kind\": \"case\", \"procedure\": \"ordinary\"}, {\"id\": \"p\\u001b[2J\", \"kind\": \"person\", \"role\": \"defendant\"}, {\"id\": \"x\", \"kind\": \"event\", \"type\": \"detention\", \"date\": \"2024-03-01\"}], \"edges\": [{\"kind\": \"subject\", \"from\": \"x\", \"to\": \"q\\u001b[2J\\u202e\"}, {\"kind\": \"subject\", \"from\": \"x\", \"to\": \"x\"}]}",
    );
    let text = e.to_string();
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}'),
        "{text:?}"
    );
    assert!(text.contains("found `q\\u{1b}[2J\\u{202e}`"), "{text}");
    assert!(text.contains("did you mean `p\\u{1b}[2J`?"), "{text}");
    // "an `event`", not "a `event`".
    assert!(
        text.contains(
            "expected a `subject` edge's `to` to be a `person` node, found `x`, an `event`"
        ),
        "{text}"
    );
}

// ------------------------------------------------- no follow-on errors

#[test]
fn one_mistake_is_one_error() {
    // `nodes` missing or not an array: that error alone, not one per edge end
    // and not "no `case` node".
    for nodes in ["", r#""nodes": {"a": 1}, "#] {
        let text = format!(
            r#"{{"id": "T", {nodes}"edges": [{{"kind": "subject", "from": "x1", "to": "d1"}}, {{"kind": "subject", "from": "x2", "to": "d1"}}]}}"#
        );
        let e = load_err(&text);
        assert_eq!(e.errors.len(), 1, "{e}");
        assert_eq!(e.errors[0].path, "nodes", "{e}");
    }
    // The case node's kind misspelt: the kind error, not also "no `case` node".
    let e =
        load_err(r#"{"id": "T", "nodes": [{"id": "k", "kind": "Case", "procedure": "ordinary"}]}"#);
    assert_eq!(e.errors.len(), 1, "{e}");
    assert_eq!(e.errors[0].help.as_deref(), Some("did you mean `case`?"));
    // A node without an id: each edge to it still fails, but the hint names
    // that node rather than a close id of another one.
    let e = load_err(&case_with(
        r#"{"kind": "person", "role": "defendant"}, {"id": "c1", "kind": "charge", "crime": "theft"}, {"id": "x1", "kind": "event", "type": "detention", "date": "2024-03-01"}], "edges": [{"kind": "subject", "from": "x1", "to": "d1"}"#,
    ));
    let missing: Vec<_> = e.of_kind(LoadErrorKind::MissingNode).collect();
    assert_eq!(missing.len(), 1, "{e}");
    assert_eq!(
        missing[0].help.as_deref(),
        Some("`nodes[1]` has no usable id: if this edge means it, give it `\"id\": \"d1\"`")
    );
    // A close id of a kind the end takes comes first; a node without an id
    // of a kind the end does not take is not offered.
    let e = load_err(&case_with(
        r#"{"id": "d1", "kind": "person", "role": "defendant"}, {"kind": "charge", "crime": "theft"}, {"id": "x1", "kind": "event", "type": "detention", "date": "2024-03-01"}], "edges": [{"kind": "subject", "from": "x1", "to": "dl"}, {"kind": "subject", "from": "x1", "to": "zz"}"#,
    ));
    let helps: Vec<Option<&str>> = e
        .of_kind(LoadErrorKind::MissingNode)
        .map(|e| e.help.as_deref())
        .collect();
    assert_eq!(helps, [Some("did you mean `d1`?"), None], "{e}");
    // A misspelt kind that is not close to `case` still leaves the missing
    // `case` node reported.
    let e =
        load_err(r#"{"id": "T", "nodes": [{"id": "d1", "kind": "persn", "role": "defendant"}]}"#);
    assert_eq!(e.errors.len(), 2, "{e}");
    assert!(e.to_string().contains("exactly one `case` node"), "{e}");
}

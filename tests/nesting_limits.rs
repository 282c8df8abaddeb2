//! Deep nesting in a rule file is an error with a place, never a stack overflow.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use caselint::diag::Code;
use caselint::syntax::parse_file;

fn nested(open: &str, n: usize, close: &str) -> String {
    let mut s = String::from("def x = ");
    for _ in 0..n {
        s.push_str(open);
    }
    s.push_str("true");
    s.push_str(close);
    s
}

#[test]
fn nested_ifs_within_the_limit_parse() {
    let (_, d) = parse_file(0, &nested("if true then true else ", 100, ""));
    assert!(d.is_empty(), "{d:?}");
}

#[test]
fn nested_ifs_beyond_the_expression_depth_are_an_error() {
    let (_, d) = parse_file(0, &nested("if true then true else ", 400, ""));
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, Code::TooDeep);
}

#[test]
fn many_nested_keywords_are_rejected_before_parsing() {
    let (_, d) = parse_file(0, &nested("exists a: k where ", 5000, ""));
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, Code::TooDeep);
}

#[test]
fn nested_quantifiers_count_towards_the_depth() {
    let (_, d) = parse_file(0, &nested("exists a: k where ", 300, ""));
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].code, Code::TooDeep);
}

#[test]
fn deep_brackets_are_an_error() {
    let (_, d) = parse_file(0, &nested("(", 100, &")".repeat(100)));
    assert_eq!(d[0].code, Code::TooDeep);
}

#[test]
fn a_long_chain_of_definitions_is_an_error() {
    let mut src = String::from("pack t { languages en }\nnode k (exactly one) { n: int }\n");
    src.push_str("def d0 = 1\n");
    for i in 1..300 {
        src.push_str(&format!("def d{i} = d{} + 1\n", i - 1));
    }
    src.push_str("rule r.x { severity error title \"t\" cite \"c\" for x = k where d299 > 0 message \"m\" }\n");
    let err = caselint::RulePack::from_sources([("t.rules", src)]).unwrap_err();
    assert!(
        err.errors().any(|d| d.code == Code::TooDeep),
        "{:?}",
        err.diagnostics
    );
}

#[test]
fn the_shipped_pack_is_within_the_limits() {
    caselint::RulePack::load("rules/cn-criminal").unwrap();
}

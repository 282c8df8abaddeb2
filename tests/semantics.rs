//! The semantics of every construct of the rule language (docs/language.md),
//! checked on small case graphs through the public API.
//!
//! Every test writes a few rules against the small schema below, builds a
//! case in JSON and looks at the findings: `run` gives `(rule id, nodes)`,
//! `truth` the three-valued truth of one condition, `show` the text a value
//! interpolates to in a message.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use caselint::{Lang, LocalText, Report, ReviewOptions, RulePack};
use serde_json::{Value, json};

const SCHEMA: &str = r#"
pack sem {
  languages en, zh
  default en
}

enum penalty (en "principal penalty", zh "主刑") {
  fixed_term (en "fixed-term imprisonment", zh "有期徒刑"),
  life (en "life imprisonment", zh "无期徒刑"),
  exempt (en "exempt from punishment", zh "免予刑事处罚"),
}

node case (exactly one) {
  procedure: enum(ordinary, simplified) required
  region: text
  national_security: bool
}

node person {
  role: enum(defendant (en "defendant", zh "被告人"), victim (en "victim", zh "被害人"),
             defender (en "defender", zh "辩护人")) required
  name: text
  birth_date: date
  disabilities: list(enum(blind, deaf, mute))
  minor: bool
}

node event {
  type: enum(hearing, detention, family_notice, judgment, extension, notice) required
  date: date required
  time: time
  decision: enum(approved, refused)
  public: bool
  days: int
  months: int
  notice_impossible: bool
}

node charge {
  crime: enum(theft, fraud, robbery) required
  amount: decimal
  offense_date: date
}

node sentence {
  penalty: penalty required
  months: int
  fine: decimal
}

node flag {
  a: bool
  b: bool
  n: int
  m: int
  x: decimal
  d: date
  t: time
}

edge subject: event -> person
edge concerns: event -> event {
  how: enum(answers, extends)
}
edge represents: person -> person
edge charged_with: person -> charge {
  role: enum(principal, accessory)
}
edge supports: event -> charge {
  amount: decimal
}
edge imposed_on: sentence -> person
"#;

/// A rule with the given clauses; severity, title and citation filled in, and a
/// message unless the clauses give one.
fn rule(id: &str, clauses: &str) -> String {
    let message = if clauses.contains("message") {
        ""
    } else {
        "  message en \"m\" zh \"m\"\n"
    };
    format!(
        "rule {id} {{\n  severity error\n  title en \"t\" zh \"标题\"\n  cite en \"c\" zh \"条\"\n{clauses}\n{message}}}\n"
    )
}

fn pack(rules: &str) -> RulePack {
    match RulePack::from_sources([("schema.rules", SCHEMA), ("rules.rules", rules)]) {
        Ok(p) => p,
        Err(e) => {
            let shown: Vec<String> = e
                .diagnostics
                .iter()
                .map(|d| {
                    format!(
                        "{} {:?}: {} {:?}",
                        e.sources.location(d.span),
                        d.code,
                        d.message,
                        d.help
                    )
                })
                .collect();
            panic!("pack does not check:\n{}\n{rules}", shown.join("\n"));
        }
    }
}

/// A case document: the nodes (a `case` node is added when none is given) and edges.
fn case(nodes: Value, edges: Value) -> Value {
    let mut nodes = nodes.as_array().cloned().unwrap_or_default();
    if !nodes.iter().any(|n| n["kind"] == "case") {
        nodes.insert(
            0,
            json!({"id": "k", "kind": "case", "procedure": "ordinary"}),
        );
    }
    json!({"format": "caselint/case@1", "id": "T-1", "nodes": nodes, "edges": edges})
}

fn review(rules: &str, case: &Value, opts: &ReviewOptions) -> Report {
    let p = pack(rules);
    let g = p
        .load_case(&case.to_string())
        .unwrap_or_else(|e| panic!("case does not load: {e}"));
    p.review_with(&g, opts).unwrap()
}

/// `(rule id, nodes)` of every finding, in report order.
fn run(rules: &str, case: Value) -> Vec<(String, Vec<String>)> {
    run_with(rules, case, &ReviewOptions::default())
}

fn run_with(rules: &str, case: Value, opts: &ReviewOptions) -> Vec<(String, Vec<String>)> {
    review(rules, &case, opts)
        .findings
        .into_iter()
        .map(|f| (f.rule, f.nodes))
        .collect()
}

/// The nodes of each finding of one rule.
fn nodes_of(found: &[(String, Vec<String>)], id: &str) -> Vec<Vec<String>> {
    found
        .iter()
        .filter(|(r, _)| r == id)
        .map(|(_, n)| n.clone())
        .collect()
}

fn ids(list: &[&[&str]]) -> Vec<Vec<String>> {
    list.iter()
        .map(|l| l.iter().map(|s| s.to_string()).collect())
        .collect()
}

fn text(t: &LocalText) -> String {
    t.as_str().to_string()
}

/// `for f: flag(…)` binding the flag node `f` when the case has one, else `for c = case`.
fn binding(case: &Value) -> &'static str {
    let has_f = case["nodes"]
        .as_array()
        .is_some_and(|ns| ns.iter().any(|n| n["id"] == "f" && n["kind"] == "flag"));
    if has_f {
        "  for f: flag where id(f) = \"f\""
    } else {
        "  for c = case"
    }
}

/// The three-valued truth of `cond` on a case: `Some(true)`, `Some(false)` or `None` (unknown).
/// `defs` are extra declarations; `f` is bound to the flag node `f` when the case has one.
fn truth_in(defs: &str, cond: &str, case: &Value) -> Option<bool> {
    let binding = binding(case);
    let rules = format!(
        "{defs}\n{}{}",
        rule("t.true", &format!("{binding}\n  where ({cond}) is true")),
        rule("t.false", &format!("{binding}\n  where ({cond}) is false")),
    );
    let found = run(&rules, case.clone());
    let t = found.iter().any(|(r, _)| r == "t.true");
    let f = found.iter().any(|(r, _)| r == "t.false");
    assert!(!(t && f), "`{cond}` is both true and false");
    if t {
        Some(true)
    } else if f {
        Some(false)
    } else {
        None
    }
}

fn truth(cond: &str) -> Option<bool> {
    truth_in("", cond, &case(json!([]), json!([])))
}

/// A flag node with the given fields.
fn flag(fields: Value) -> Value {
    let mut n = json!({"id": "f", "kind": "flag"});
    for (k, v) in fields.as_object().cloned().unwrap_or_default() {
        n[k] = v;
    }
    case(json!([n]), json!([]))
}

/// The text `expr` interpolates to, in a message in the default language (en).
fn show_in(defs: &str, expr: &str, case: &Value) -> String {
    let rules = format!(
        "{defs}\n{}",
        rule(
            "t.show",
            &format!(
                "{}\n  message en \"<{{{expr}}}>\" zh \"<{{{expr}}}>\"",
                binding(case)
            )
        )
    );
    let r = review(&rules, case, &ReviewOptions::default());
    assert_eq!(r.findings.len(), 1, "{r:?}");
    text(&r.findings[0].message)
}

fn show(expr: &str) -> String {
    show_in("", expr, &case(json!([]), json!([])))
}

// ------------------------------------------------------------------ bindings

#[test]
fn empty_graph_only_the_case_node() {
    let rules = [
        rule("t.persons", "  for d: person"),
        rule("t.case", "  for c = case"),
        rule("t.nobody", "  require exists p: person"),
        rule("t.counts", "  for c = case\n  where count p: person = 0"),
        rule(
            "t.every",
            "  for c = case\n  require every p: person satisfies p.name is present",
        ),
    ]
    .concat();
    let found = run(&rules, case(json!([]), json!([])));
    assert_eq!(
        found,
        vec![
            ("t.case".to_string(), vec!["k".to_string()]),
            ("t.counts".to_string(), vec!["k".to_string()]),
            ("t.nobody".to_string(), vec![]),
        ]
    );
}

#[test]
fn absent_optional_fields_are_not_false() {
    let c = case(
        json!([
            {"id": "p0", "kind": "person", "role": "defendant"},
            {"id": "pf", "kind": "person", "role": "defendant", "minor": false},
            {"id": "pn", "kind": "person", "role": "defendant", "minor": null},
            {"id": "pt", "kind": "person", "role": "defendant", "minor": true},
        ]),
        json!([]),
    );
    let cases: [(&str, &[&str]); 10] = [
        ("where p.minor is true", &["pt"]),
        ("where p.minor is false", &["pf"]),
        ("where p.minor = false", &["pf"]),
        ("where p.minor != true", &["pf"]),
        ("where not p.minor", &["pf"]),
        ("where p.minor is not true", &["p0", "pf", "pn"]),
        ("where p.minor is not false", &["p0", "pn", "pt"]),
        ("where p.minor is absent", &["p0", "pn"]),
        // `require` fires only on false; `is` tests are never unknown.
        ("require p.minor", &["pf"]),
        ("require p.minor is true", &["p0", "pf", "pn"]),
    ];
    for (clause, want) in cases {
        let found = run(
            &rule("t.r", &format!("  for p: person\n  {clause}")),
            c.clone(),
        );
        let got: Vec<String> = found.into_iter().flat_map(|(_, n)| n).collect();
        assert_eq!(got, *want, "{clause}");
    }
    let found = run(&rule("t.r", "  for p: person\n  require not p.minor"), c);
    assert_eq!(nodes_of(&found, "t.r"), ids(&[&["pt"]]));
}

#[test]
fn three_valued_and_or_not() {
    let vals = [Some(true), Some(false), None];
    let as_json = |v: Option<bool>| v.map_or(Value::Null, Value::Bool);
    for a in vals {
        assert_eq!(
            truth_in("", "not f.a", &flag(json!({"a": as_json(a)}))),
            a.map(|x| !x)
        );
        for b in vals {
            let c = flag(json!({"a": as_json(a), "b": as_json(b)}));
            let and = match (a, b) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            };
            let or = match (a, b) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            };
            assert_eq!(truth_in("", "f.a and f.b", &c), and, "{a:?} and {b:?}");
            assert_eq!(truth_in("", "f.a or f.b", &c), or, "{a:?} or {b:?}");
            let ite = match a {
                Some(true) => b,
                Some(false) => Some(true),
                None => None,
            };
            assert_eq!(
                truth_in("", "if f.a then f.b else true", &c),
                ite,
                "if {a:?} then {b:?}"
            );
        }
    }
}

#[test]
fn where_unless_and_require_on_unknown() {
    let c = case(
        json!([
            {"id": "p0", "kind": "person", "role": "defendant"},
            {"id": "pf", "kind": "person", "role": "defendant", "minor": false},
            {"id": "pt", "kind": "person", "role": "defendant", "minor": true},
        ]),
        json!([]),
    );
    let rules = [
        // `where` keeps only true bindings.
        rule("t.where", "  for p: person\n  where p.minor"),
        // `unless` excuses only on true: unknown is not an excuse.
        rule("t.unless", "  for p: person\n  unless p.minor"),
        // `require` raises only on false: unknown is not a breach.
        rule("t.require", "  for p: person\n  require p.minor"),
        // Several `unless`: any one true excuses.
        rule(
            "t.unless2",
            "  for p: person\n  unless p.minor\n  unless p.minor is absent",
        ),
        // `unless` is checked before `require`.
        rule(
            "t.excused",
            "  for p: person\n  unless p.minor is true\n  require p.minor is true",
        ),
    ]
    .concat();
    let found = run(&rules, c);
    assert_eq!(nodes_of(&found, "t.where"), ids(&[&["pt"]]));
    assert_eq!(nodes_of(&found, "t.unless"), ids(&[&["p0"], &["pf"]]));
    assert_eq!(nodes_of(&found, "t.require"), ids(&[&["pf"]]));
    assert_eq!(nodes_of(&found, "t.unless2"), ids(&[&["pf"]]));
    assert_eq!(nodes_of(&found, "t.excused"), ids(&[&["p0"], &["pf"]]));
}

#[test]
fn otherwise_fills_in_only_absent_values() {
    let c = flag(json!({"n": 5}));
    assert_eq!(truth_in("", "(f.n otherwise 0) = 5", &c), Some(true));
    assert_eq!(truth_in("", "(f.m otherwise 7) = 7", &c), Some(true));
    assert_eq!(
        show_in("", "f.m otherwise f.n otherwise 1", &flag(json!({}))),
        "<1>"
    );
    assert_eq!(show_in("", "f.m otherwise f.n otherwise 1", &c), "<5>");
    // A present `false` is not replaced.
    assert_eq!(
        truth_in("", "f.a otherwise true", &flag(json!({"a": false}))),
        Some(false)
    );
    assert_eq!(
        truth_in("", "f.a otherwise true", &flag(json!({}))),
        Some(true)
    );
    assert_eq!(
        show_in(
            "",
            "(sum x.n otherwise 0 for x: flag)",
            &flag(json!({"n": null}))
        ),
        "<0>"
    );
}

#[test]
fn chained_comparisons() {
    assert_eq!(truth("1 < 2 < 3"), Some(true));
    assert_eq!(truth("1 < 3 < 2"), Some(false));
    assert_eq!(truth("3 > 2 >= 2 > 1"), Some(true));
    assert_eq!(truth("1 <= 1 = 1 != 2"), Some(true));
    let c = |d: Value| flag(json!({"d": d}));
    let range = "2024-03-01 <= f.d <= 2024-03-01 + 1 day";
    assert_eq!(truth_in("", range, &c(json!("2024-03-01"))), Some(true));
    assert_eq!(truth_in("", range, &c(json!("2024-03-02"))), Some(true));
    assert_eq!(truth_in("", range, &c(json!("2024-03-03"))), Some(false));
    assert_eq!(truth_in("", range, &c(json!("2024-02-29"))), Some(false));
    assert_eq!(truth_in("", range, &c(Value::Null)), None);
    // An unknown link and a false one: false, whatever the order.
    assert_eq!(
        truth_in("", "1 < f.n < 0 < -1", &c(Value::Null)),
        Some(false)
    );
    assert_eq!(truth_in("", "2 < 1 < f.n", &c(Value::Null)), Some(false));
    assert_eq!(truth_in("", "0 < 1 < f.n", &c(Value::Null)), None);
}

#[test]
fn membership_in_not_in_contains_contains_any() {
    let c = case(
        json!([
            {"id": "c1", "kind": "charge", "crime": "theft"},
            {"id": "c2", "kind": "charge", "crime": "robbery"},
        ]),
        json!([]),
    );
    let rules = [
        rule("t.in", "  for c: charge where c.crime in [theft, fraud]"),
        rule(
            "t.notin",
            "  for c: charge where c.crime not in [theft, fraud]",
        ),
        rule("t.empty", "  for c: charge where c.crime in []"),
        rule("t.notempty", "  for c: charge where c.crime not in []"),
    ]
    .concat();
    let found = run(&rules, c);
    assert_eq!(nodes_of(&found, "t.in"), ids(&[&["c1"]]));
    assert_eq!(nodes_of(&found, "t.notin"), ids(&[&["c2"]]));
    assert_eq!(nodes_of(&found, "t.empty"), ids(&[]));
    assert_eq!(nodes_of(&found, "t.notempty"), ids(&[&["c1"], &["c2"]]));

    let p = |dis: Value| {
        case(
            json!([{"id": "p", "kind": "person", "role": "defendant", "disabilities": dis}]),
            json!([]),
        )
    };
    let t =
        |cond: &str, dis: Value| truth_in("", &format!("exists p: person where {cond}"), &p(dis));
    assert_eq!(
        t("p.disabilities contains deaf", json!(["deaf", "mute"])),
        Some(true)
    );
    assert_eq!(
        t("p.disabilities contains blind", json!(["deaf", "mute"])),
        Some(false)
    );
    assert_eq!(t("p.disabilities contains blind", json!([])), Some(false));
    assert_eq!(t("p.disabilities contains blind", Value::Null), None);
    assert_eq!(
        t("p.disabilities contains any [blind, mute]", json!(["mute"])),
        Some(true)
    );
    assert_eq!(
        t("p.disabilities contains any [blind, deaf]", json!(["mute"])),
        Some(false)
    );
    assert_eq!(
        t("p.disabilities contains any []", json!(["mute"])),
        Some(false)
    );
    assert_eq!(t("p.disabilities contains any [blind]", Value::Null), None);
    // An unknown value is neither in nor not in a list.
    let absent = flag(json!({}));
    assert_eq!(truth_in("", "f.n in [1, 2]", &absent), None);
    assert_eq!(truth_in("", "f.n not in [1, 2]", &absent), None);
    assert_eq!(
        truth_in("", "f.n in [1, 2]", &flag(json!({"n": 2}))),
        Some(true)
    );
    assert_eq!(
        truth_in("", "f.n not in [1, 2]", &flag(json!({"n": 3}))),
        Some(true)
    );
}

// ---------------------------------------------------------------- arithmetic

#[test]
fn exact_int_and_decimal_arithmetic() {
    assert_eq!(truth("0.1 + 0.2 = 0.3"), Some(true));
    assert_eq!(truth("1.1 * 3 = 3.3"), Some(true));
    assert_eq!(truth("1 + 0.5 = 1.5"), Some(true));
    assert_eq!(truth("7 / 2 = 3.5"), Some(true));
    assert_eq!(truth("6 / 3 = 2"), Some(true));
    assert_eq!(truth("10 - 12 = -2"), Some(true));
    assert_eq!(truth("2 + 3 * 4 = 14"), Some(true));
    assert_eq!(truth("(2 + 3) * 4 = 20"), Some(true));
    assert_eq!(show("0.1 + 0.2"), "<0.3>");
    assert_eq!(show("7 / 2"), "<3.5>");
    assert_eq!(show("2 * 21"), "<42>");
    // Division by zero and overflow are unknown, not an error.
    assert_eq!(truth("1 / 0 = 1"), None);
    assert_eq!(truth("1 / 0 != 1"), None);
    assert_eq!(truth("9223372036854775807 + 1 > 0"), None);
    let c = flag(json!({"x": "52000.50", "n": 3}));
    assert_eq!(truth_in("", "f.x * 2 = 104001", &c), Some(true));
    assert_eq!(truth_in("", "f.x + f.n = 52003.5", &c), Some(true));
    assert_eq!(truth_in("", "f.x / f.n > 17333", &c), Some(true));
    assert_eq!(truth_in("", "f.x + f.m > 0", &c), None);
}

#[test]
fn trim_removes_white_space_at_either_end() {
    assert_eq!(show("trim(\"  张三 \")"), "<张三>");
    assert_eq!(truth("trim(\"   \") = \"\""), Some(true));
    assert_eq!(truth("trim(\" a b \") = \"a b\""), Some(true));
    // An absent text stays unknown.
    assert_eq!(truth("trim(case.region) = \"\""), None);
}

#[test]
fn round_to_places_halves_away_from_zero() {
    assert_eq!(show("round(16.3296, 1)"), "<16.3>");
    assert_eq!(show("round(81.648, 1)"), "<81.6>");
    assert_eq!(show("round(2.25, 1)"), "<2.3>");
    assert_eq!(show("round(-2.25, 1)"), "<-2.3>");
    assert_eq!(show("round(7 / 2, 0)"), "<4>");
    assert_eq!(show("round(42, 2)"), "<42>");
    assert_eq!(truth("round(0.125, 2) = 0.13"), Some(true));
    let c = flag(json!({"x": "52000.55"}));
    assert_eq!(truth_in("", "round(f.x, 1) = 52000.6", &c), Some(true));
    // An absent value stays unknown.
    assert_eq!(truth_in("", "round(f.m, 1) = 0", &c), None);
}

#[test]
fn calendar_arithmetic_on_dates() {
    for (expr, want) in [
        ("2024-01-31 + 1 month", "2024-02-29"),
        ("2023-01-31 + 1 month", "2023-02-28"),
        ("2024-03-31 - 1 month", "2024-02-29"),
        ("2024-03-31 + 2 months", "2024-05-31"),
        ("2024-02-29 + 1 year", "2025-02-28"),
        ("2024-02-29 + 4 years", "2028-02-29"),
        ("2024-02-28 + 1 day", "2024-02-29"),
        ("2023-02-28 + 1 day", "2023-03-01"),
        ("2023-12-31 + 1 day", "2024-01-01"),
        ("2024-03-01 - 1 day", "2024-02-29"),
        ("2024-03-01 + (3 + 2) days", "2024-03-06"),
        ("2024-03-01 + 0 days", "2024-03-01"),
    ] {
        assert_eq!(show(expr), format!("<{want}>"), "{expr}");
    }
    assert_eq!(truth("2024-01-31 + 1 month = 2024-02-29"), Some(true));
    // A duration of unknown length gives an unknown date.
    assert_eq!(
        truth_in(
            "",
            "f.d + f.n days = f.d",
            &flag(json!({"d": "2024-03-01"}))
        ),
        None
    );
    assert_eq!(
        show_in(
            "",
            "f.d + f.n days",
            &flag(json!({"d": "2024-03-01", "n": 10}))
        ),
        "<2024-03-11>"
    );
}

#[test]
fn years_and_days_between() {
    for (birth, day, want) in [
        ("2007-03-02", "2023-03-01", 15),
        ("2007-03-02", "2023-03-02", 16),
        ("2007-03-02", "2025-03-02", 18),
        ("2007-03-02", "2025-03-01", 17),
        // Born on 29 February: the birthday in other years is 1 March.
        ("2008-02-29", "2026-02-28", 17),
        ("2008-02-29", "2026-03-01", 18),
        ("2008-02-29", "2024-02-29", 16),
        ("2008-02-29", "2024-02-28", 15),
        ("2024-05-01", "2024-05-01", 0),
    ] {
        assert_eq!(
            show(&format!("years_between({birth}, {day})")),
            format!("<{want}>"),
            "{birth} → {day}"
        );
    }
    for (a, b, want) in [
        ("2024-04-05", "2024-04-11", "6"),
        ("2024-04-11", "2024-04-05", "-6"),
        ("2024-02-28", "2024-03-01", "2"),
        ("2023-02-28", "2023-03-01", "1"),
        ("2023-12-31", "2024-03-01", "61"),
        ("2024-01-01", "2025-01-01", "366"),
        ("2024-01-01", "2024-01-01", "0"),
    ] {
        assert_eq!(
            show(&format!("days_between({a}, {b})")),
            format!("<{want}>"),
            "{a} → {b}"
        );
    }
    assert_eq!(
        show_in("", "years_between(f.d, 2024-01-01)", &flag(json!({}))),
        "<?>"
    );
}

/// CPL 85's 24-hour rule, as the shipped pack writes it.
const TWENTY_FOUR_HOURS: &str = r#"
def moment(e: event) = datetime(e.date, e.time otherwise 00:00)
def within_24h(x: event, a: event): bool =
  if x.time is present and a.time is present
  then moment(x) <= moment(a) and moment(a) <= moment(x) + 24 hours
  else x.date <= a.date and a.date <= x.date + 1 day
"#;

#[test]
fn datetimes_and_the_24_hour_rule() {
    assert_eq!(
        show("datetime(2024-03-01, 23:30) + 1 hour"),
        "<2024-03-02 00:30>"
    );
    assert_eq!(
        show("datetime(2024-02-28, 12:00) + 24 hours"),
        "<2024-02-29 12:00>"
    );
    assert_eq!(
        show("datetime(2024-03-01, 00:30) - 1 hour"),
        "<2024-02-29 23:30>"
    );
    assert_eq!(
        show("date_of(datetime(2024-03-01, 23:30) + 1 hour)"),
        "<2024-03-02>"
    );
    assert_eq!(show("datetime(2024-03-01, 08:05)"), "<2024-03-01 08:05>");
    assert_eq!(
        truth("datetime(2024-03-01, 10:00) + 24 hours = datetime(2024-03-02, 10:00)"),
        Some(true)
    );

    let rules = format!(
        "{TWENTY_FOUR_HOURS}\n{}",
        rule(
            "t.notice",
            "  for x: event(type = detention)\n  require exists f: event(type = family_notice) -concerns-> x where within_24h(x, f)",
        )
    );
    let notice = |xd: &str, xt: Option<&str>, fd: &str, ft: Option<&str>| {
        let mut x = json!({"id": "x", "kind": "event", "type": "detention", "date": xd});
        let mut f = json!({"id": "f", "kind": "event", "type": "family_notice", "date": fd});
        if let Some(t) = xt {
            x["time"] = json!(t);
        }
        if let Some(t) = ft {
            f["time"] = json!(t);
        }
        let found = run(
            &rules,
            case(
                json!([x, f]),
                json!([{"kind": "concerns", "from": "f", "to": "x"}]),
            ),
        );
        found.is_empty()
    };
    // With times: exactly 24 hours is in time, one minute more is late.
    assert!(notice(
        "2024-03-01",
        Some("10:00"),
        "2024-03-02",
        Some("10:00")
    ));
    assert!(!notice(
        "2024-03-01",
        Some("10:00"),
        "2024-03-02",
        Some("10:01")
    ));
    assert!(notice(
        "2024-02-28",
        Some("23:59"),
        "2024-02-29",
        Some("23:59")
    ));
    assert!(!notice(
        "2024-02-28",
        Some("23:59"),
        "2024-03-01",
        Some("00:00")
    ));
    // Before the detention is not within 24 hours of it.
    assert!(!notice(
        "2024-03-01",
        Some("10:00"),
        "2024-03-01",
        Some("09:59")
    ));
    // By date when either time is missing: the next day is in time, the day after late.
    assert!(notice("2024-03-01", None, "2024-03-02", None));
    assert!(!notice("2024-03-01", None, "2024-03-03", None));
    assert!(notice("2024-03-01", Some("08:00"), "2024-03-02", None));
    assert!(notice("2024-03-01", None, "2024-03-02", Some("23:00")));
    assert!(!notice("2024-03-01", Some("08:00"), "2024-03-03", None));
    assert!(notice("2024-02-29", None, "2024-03-01", None));
}

// ----------------------------------------------------- quantifiers, aggregates

#[test]
fn quantifiers_including_over_empty_sets() {
    let empty = case(json!([]), json!([]));
    assert_eq!(truth_in("", "exists e: event", &empty), Some(false));
    assert_eq!(truth_in("", "no e: event", &empty), Some(true));
    assert_eq!(
        truth_in("", "every e: event satisfies e.public is true", &empty),
        Some(true)
    );
    let c = case(
        json!([
            {"id": "h1", "kind": "event", "type": "hearing", "date": "2024-03-01", "public": true},
            {"id": "h2", "kind": "event", "type": "hearing", "date": "2024-03-02"},
            {"id": "j", "kind": "event", "type": "judgment", "date": "2024-03-03", "public": false},
        ]),
        json!([]),
    );
    let t = |cond: &str| truth_in("", cond, &c);
    assert_eq!(t("exists e: event where e.public is true"), Some(true));
    assert_eq!(
        t("exists e: event(type = judgment) where e.public"),
        Some(false)
    );
    // h2's `public` is unknown: `exists` cannot say no, `no` cannot say yes.
    assert_eq!(
        t("exists e: event(type = hearing) where e.public = false"),
        None
    );
    assert_eq!(
        t("no e: event(type = hearing) where e.public = false"),
        None
    );
    assert_eq!(t("no e: event where e.date > 2024-12-31"), Some(true));
    assert_eq!(
        t("every e: event satisfies e.date >= 2024-03-01"),
        Some(true)
    );
    assert_eq!(
        t("every e: event where e.type = hearing satisfies e.public"),
        None
    );
    assert_eq!(t("every e: event satisfies e.public"), Some(false));
    assert_eq!(
        t("every e: event where e.type = judgment satisfies e.public is false"),
        Some(true)
    );
    // The filter limits what `every` looks at; nothing passing it: vacuously true.
    assert_eq!(
        t("every e: event where e.type = detention satisfies e.public"),
        Some(true)
    );
    // `where` extends to the right; parentheses end it.
    assert_eq!(
        t("(exists e: event where e.public is true) and 1 = 2"),
        Some(false)
    );
}

#[test]
fn aggregates_including_empty() {
    let empty = case(json!([]), json!([]));
    let s = |e: &str| show_in("", e, &empty);
    assert_eq!(s("count e: event"), "<0>");
    assert_eq!(s("sum x.n for x: flag"), "<0>");
    assert_eq!(s("min x.n for x: flag"), "<?>");
    assert_eq!(s("max x.d for x: flag"), "<?>");
    assert_eq!(
        truth_in("", "(min x.n for x: flag) is absent", &empty),
        Some(true)
    );

    let c = case(
        json!([
            {"id": "a", "kind": "flag", "n": 3, "x": "0.1", "d": "2024-03-05"},
            {"id": "b", "kind": "flag", "x": "0.2", "d": "2024-01-31"},
            {"id": "c", "kind": "flag", "n": 5, "m": 1},
            {"id": "d", "kind": "flag", "n": -2, "d": "2024-02-29"},
        ]),
        json!([]),
    );
    let s = |e: &str| show_in("", e, &c);
    assert_eq!(s("count x: flag"), "<4>");
    assert_eq!(s("count x: flag where x.n > 0"), "<2>");
    // Absent values are skipped.
    assert_eq!(s("sum x.n for x: flag"), "<6>");
    assert_eq!(s("sum x.x for x: flag"), "<0.3>");
    assert_eq!(s("sum x.m for x: flag where x.n > 0"), "<1>");
    assert_eq!(s("min x.n for x: flag"), "<-2>");
    assert_eq!(s("max x.n for x: flag"), "<5>");
    assert_eq!(s("min x.d for x: flag"), "<2024-01-31>");
    assert_eq!(s("max x.d for x: flag"), "<2024-03-05>");
    assert_eq!(s("sum x.n * 2 for x: flag"), "<12>");
    assert_eq!(s("max x.n for x: flag where x.n < 0"), "<-2>");
    assert_eq!(s("sum x.n for x: flag where x.n > 100"), "<0>");
}

#[test]
fn earliest_and_latest_break_ties_by_time_then_id() {
    let c = case(
        json!([
            {"id": "e2", "kind": "event", "type": "hearing", "date": "2024-03-01"},
            {"id": "e1", "kind": "event", "type": "hearing", "date": "2024-03-01", "time": "10:00"},
            {"id": "e3", "kind": "event", "type": "hearing", "date": "2024-03-01", "time": "09:00"},
            {"id": "e4", "kind": "event", "type": "hearing", "date": "2024-02-29", "time": "23:00"},
            {"id": "e5", "kind": "event", "type": "hearing", "date": "2024-03-02"},
            {"id": "e0", "kind": "event", "type": "hearing", "date": "2024-03-02"},
            {"id": "x1", "kind": "event", "type": "judgment", "date": "2024-03-01", "time": "08:00"},
            {"id": "x2", "kind": "event", "type": "judgment", "date": "2024-03-01", "time": "08:00"},
        ]),
        json!([]),
    );
    let s = |e: &str| show_in("", &format!("id({e})"), &c);
    assert_eq!(s("earliest e: event(type = hearing)"), "<e4>");
    // Same date: `e0` before `e5` by id (neither has a time).
    assert_eq!(s("latest e: event(type = hearing)"), "<e5>");
    // On 2024-03-01: 09:00, then 10:00, then the one without a time.
    assert_eq!(
        s("earliest e: event(type = hearing) where e.date = 2024-03-01"),
        "<e3>"
    );
    assert_eq!(
        s("latest e: event(type = hearing) where e.date = 2024-03-01"),
        "<e2>"
    );
    assert_eq!(
        s("earliest e: event(type = hearing) where e.date = 2024-03-01 and e.time is absent"),
        "<e2>"
    );
    // Same date and time: by id.
    assert_eq!(s("earliest e: event(type = judgment)"), "<x1>");
    assert_eq!(s("latest e: event(type = judgment)"), "<x2>");
    // Nothing matches: absent.
    assert_eq!(
        show_in("", "earliest e: event(type = detention)", &c),
        "<?>"
    );
    assert_eq!(
        truth_in("", "(latest e: event(type = detention)) is absent", &c),
        Some(true)
    );
}

// ----------------------------------------------------------------- patterns

fn people_and_events() -> Value {
    case(
        json!([
            {"id": "d1", "kind": "person", "role": "defendant", "name": "张三"},
            {"id": "d2", "kind": "person", "role": "defendant", "name": "李四"},
            {"id": "v1", "kind": "person", "role": "defender", "name": "王五"},
            {"id": "h1", "kind": "event", "type": "hearing", "date": "2024-03-01"},
            {"id": "h2", "kind": "event", "type": "hearing", "date": "2024-03-02"},
            {"id": "x1", "kind": "event", "type": "detention", "date": "2024-01-01"},
            {"id": "n1", "kind": "event", "type": "notice", "date": "2024-01-02"},
            {"id": "n2", "kind": "event", "type": "notice", "date": "2024-01-03"},
        ]),
        json!([
            {"kind": "subject", "from": "h2", "to": "d2"},
            {"kind": "subject", "from": "x1", "to": "d1"},
            {"kind": "represents", "from": "v1", "to": "d1"},
            {"kind": "concerns", "from": "n1", "to": "x1"},
            {"kind": "concerns", "from": "n2", "to": "n1"},
        ]),
    )
}

#[test]
fn edges_outgoing_incoming_and_multi_hop() {
    let rules = [
        rule("t.out", "  for e: event -subject-> d: person"),
        rule("t.in", "  for d: person <-subject- e: event"),
        rule(
            "t.hops",
            "  for v: person -represents-> d: person <-subject- x: event <-concerns- n: event",
        ),
        rule(
            "t.bound",
            "  for d: person(role = defendant), x: event -subject-> d",
        ),
        rule(
            "t.none",
            "  for d: person(role = defendant)\n  require exists e: event -subject-> d",
        ),
    ]
    .concat();
    let found = run(&rules, people_and_events());
    assert_eq!(
        nodes_of(&found, "t.out"),
        ids(&[&["h2", "d2"], &["x1", "d1"]])
    );
    assert_eq!(
        nodes_of(&found, "t.in"),
        ids(&[&["d1", "x1"], &["d2", "h2"]])
    );
    assert_eq!(
        nodes_of(&found, "t.hops"),
        ids(&[&["v1", "d1", "x1", "n1"]])
    );
    assert_eq!(
        nodes_of(&found, "t.bound"),
        ids(&[&["d1", "x1"], &["d2", "h2"]])
    );
    assert_eq!(nodes_of(&found, "t.none"), ids(&[]));
}

#[test]
fn the_open_edge_concerns_every_person_when_no_subject_is_named() {
    let rules = [
        // From the act to the person.
        rule(
            "t.fwd",
            "  for h: event(type = hearing), d: person(role = defendant) <-subject?- h",
        ),
        // From the person to the act.
        rule(
            "t.back",
            "  for d: person(role = defendant), h: event(type = hearing) -subject?-> d",
        ),
        // In a quantifier.
        rule(
            "t.q",
            "  for d: person(role = defendant)\n  require no h: event(type = hearing) -subject?-> d",
        ),
    ]
    .concat();
    let found = run(&rules, people_and_events());
    // h1 names no subject: it concerns d1 and d2; h2 names d2 only.
    let want = ids(&[&["h1", "d1"], &["h1", "d2"], &["h2", "d2"]]);
    assert_eq!(nodes_of(&found, "t.fwd"), want);
    assert_eq!(
        nodes_of(&found, "t.back"),
        ids(&[&["d1", "h1"], &["d2", "h1"], &["d2", "h2"]])
    );
    assert_eq!(nodes_of(&found, "t.q"), ids(&[&["d1"], &["d2"]]));
    // The open edge still respects the other end's kind and conditions: the
    // defender is not a defendant, whatever h1 names.
    let found = run(
        &rule(
            "t.kinds",
            "  for h: event(type = hearing), d: person(role = defender) <-subject?- h",
        ),
        people_and_events(),
    );
    assert_eq!(found.len(), 1);
    assert_eq!(nodes_of(&found, "t.kinds"), ids(&[&["h1", "v1"]]));
}

#[test]
fn paths_are_transitive_and_terminate_on_cycles() {
    let rules = rule("t.path", "  for a: event -concerns*-> b: event");
    let found = run(&rules, people_and_events());
    assert_eq!(
        nodes_of(&found, "t.path"),
        ids(&[&["n1", "x1"], &["n2", "n1"], &["n2", "x1"]])
    );
    let cyc = case(
        json!([
            {"id": "a", "kind": "event", "type": "notice", "date": "2024-01-01"},
            {"id": "b", "kind": "event", "type": "notice", "date": "2024-01-02"},
            {"id": "c", "kind": "event", "type": "notice", "date": "2024-01-03"},
        ]),
        json!([
            {"kind": "concerns", "from": "a", "to": "b"},
            {"kind": "concerns", "from": "b", "to": "a"},
            {"kind": "concerns", "from": "b", "to": "c"},
        ]),
    );
    let found = run(&rules, cyc.clone());
    // One or more edges: `a` reaches itself through `b`.
    assert_eq!(
        nodes_of(&found, "t.path"),
        ids(&[
            &["a", "a"],
            &["a", "b"],
            &["a", "c"],
            &["b", "a"],
            &["b", "b"],
            &["b", "c"]
        ])
    );
    let back = run(
        &rule(
            "t.back",
            "  for c: event(date = 2024-01-03) <-concerns*- x: event",
        ),
        cyc,
    );
    assert_eq!(nodes_of(&back, "t.back"), ids(&[&["c", "a"], &["c", "b"]]));
}

#[test]
fn edge_variables_edge_fields_and_field_conditions() {
    let c = case(
        json!([
            {"id": "d1", "kind": "person", "role": "defendant"},
            {"id": "d2", "kind": "person", "role": "defendant"},
            {"id": "c1", "kind": "charge", "crime": "theft", "amount": "3000"},
            {"id": "c2", "kind": "charge", "crime": "fraud"},
            {"id": "ev", "kind": "event", "type": "notice", "date": "2024-01-01"},
        ]),
        json!([
            {"kind": "charged_with", "from": "d1", "to": "c1", "role": "principal"},
            {"kind": "charged_with", "from": "d2", "to": "c1", "role": "accessory"},
            {"kind": "charged_with", "from": "d2", "to": "c2"},
            {"kind": "supports", "from": "ev", "to": "c1", "amount": "2999.99"},
        ]),
    );
    let rules = [
        rule(
            "t.var",
            "  for d: person -w: charged_with-> c: charge\n  where w.role = principal",
        ),
        rule(
            "t.cond",
            "  for d: person -charged_with(role = accessory)-> c: charge",
        ),
        rule(
            "t.condin",
            "  for d: person -charged_with(role in [principal, accessory])-> c: charge",
        ),
        // An edge field that is absent fails an edge condition and is unknown in `where`.
        rule(
            "t.noRole",
            "  for d: person -w: charged_with-> c: charge\n  where w.role is absent",
        ),
        rule(
            "t.amount",
            "  for e: event -s: supports-> c: charge\n  where s.amount < c.amount",
        ),
        rule("t.in", "  for c: charge(crime in [theft, robbery])"),
        rule("t.cmp", "  for c: charge(amount >= 3000)"),
        rule("t.ne", "  for c: charge(crime != theft)"),
    ]
    .concat();
    let found = run(&rules, c);
    assert_eq!(nodes_of(&found, "t.var"), ids(&[&["d1", "c1"]]));
    assert_eq!(nodes_of(&found, "t.cond"), ids(&[&["d2", "c1"]]));
    assert_eq!(
        nodes_of(&found, "t.condin"),
        ids(&[&["d1", "c1"], &["d2", "c1"]])
    );
    assert_eq!(nodes_of(&found, "t.noRole"), ids(&[&["d2", "c2"]]));
    assert_eq!(nodes_of(&found, "t.amount"), ids(&[&["ev", "c1"]]));
    assert_eq!(nodes_of(&found, "t.in"), ids(&[&["c1"]]));
    // c2 has no amount: the condition is unknown and the node does not match.
    assert_eq!(nodes_of(&found, "t.cmp"), ids(&[&["c1"]]));
    assert_eq!(nodes_of(&found, "t.ne"), ids(&[&["c2"]]));
}

#[test]
fn named_patterns() {
    let rules = format!(
        "pattern defendant = person(role = defendant)\n{}{}",
        rule("t.all", "  for d: defendant"),
        rule("t.more", "  for d: defendant(name = \"李四\")"),
    );
    let found = run(&rules, people_and_events());
    assert_eq!(nodes_of(&found, "t.all"), ids(&[&["d1"], &["d2"]]));
    assert_eq!(nodes_of(&found, "t.more"), ids(&[&["d2"]]));
}

// ------------------------------------------------------- definitions, tables

#[test]
fn definitions_with_and_without_parameters() {
    let defs = r#"
def first_hearing = earliest e: event(type = hearing)
def hearings = count e: event(type = hearing)
def named(p: person, n: text): bool = p.name = n
def plus(a: int, b: int): int = a + b
def twice(a: int) = plus(a, a)
"#;
    let rules = format!(
        "{defs}\n{}{}{}",
        rule("t.a", "  for h = first_hearing"),
        rule(
            "t.b",
            "  for d: person where named(d, \"张三\") and hearings = 2"
        ),
        rule(
            "t.c",
            "  for d: person where twice(3) = 6 and plus(1, 2) = 3 and named(d, \"王五\")\n  let h = first_hearing",
        ),
    );
    let found = run(&rules, people_and_events());
    // A constant definition is one value shared by every rule.
    assert_eq!(nodes_of(&found, "t.a"), ids(&[&["h1"]]));
    assert_eq!(nodes_of(&found, "t.b"), ids(&[&["d1"]]));
    assert_eq!(nodes_of(&found, "t.c"), ids(&[&["v1", "h1"]]));
    // Without a hearing the constant is absent, and `for h = …` binds nothing.
    let found = run(&rules, case(json!([]), json!([])));
    assert!(found.is_empty(), "{found:?}");
}

/// A definition whose body runs a query is computed once per argument tuple
/// and case: each tuple gets its own value, whatever was asked before
/// (nodes, enum values and dates as arguments, one or two of them, and a
/// text, which is keyed another way).
#[test]
fn definitions_are_remembered_per_argument_tuple() {
    let defs = r#"
def heard(p: person): bool = exists e: event(type = hearing) -subject-> p
def heard_on(p: person, d: date): bool = exists e: event(type = hearing, date = d) -subject-> p
def held(p: person, t: event.type): bool = exists e: event -subject-> p where e.type = t
def named_heard(p: person, n: text): bool = p.name = n and heard(p)
"#;
    let rules = format!(
        "{defs}\n{}{}{}{}",
        rule("t.a", "  for p: person\n  where heard(p)"),
        rule(
            "t.b",
            "  for p: person, e: event(type = hearing)\n  where heard_on(p, e.date)"
        ),
        rule("t.c", "  for p: person, e: event\n  where held(p, e.type)"),
        rule(
            "t.d",
            "  for p: person, q: person\n  where named_heard(p, q.name)"
        ),
    );
    let found = run(&rules, people_and_events());
    // Only d2 has a hearing (h2, on 2024-03-02); d1 has a detention.
    assert_eq!(nodes_of(&found, "t.a"), ids(&[&["d2"]]));
    assert_eq!(nodes_of(&found, "t.b"), ids(&[&["d2", "h2"]]));
    assert_eq!(
        nodes_of(&found, "t.c"),
        ids(&[&["d1", "x1"], &["d2", "h1"], &["d2", "h2"]])
    );
    assert_eq!(nodes_of(&found, "t.d"), ids(&[&["d2", "d2"]]));
}

#[test]
fn tables_with_default_rows_and_dates_of_force() {
    let defs = r#"
table limit(region: text) {
  columns low: decimal, high: decimal
  row default: 1000, 30000
  row "CN-SH": 2000, 60000.50
  row "CN-BJ": 3000, 90000
}
table rate(region: text) {
  columns pct: int
  row "CN-SH": 5
  row default in force until 2019-12-31: 10
  row default in force from 2020-01-01: 20
}
"#;
    let with_region = |r: Value| {
        case(
            json!([{"id": "k", "kind": "case", "procedure": "ordinary", "region": r}]),
            json!([]),
        )
    };
    let s = |e: &str, r: Value| show_in(defs, e, &with_region(r));
    assert_eq!(s("limit(case.region).low", json!("CN-SH")), "<2000>");
    assert_eq!(s("limit(case.region).high", json!("CN-BJ")), "<90000>");
    // No row for the key: the default row; an absent key: the default row too.
    assert_eq!(s("limit(case.region).low", json!("CN-GD")), "<1000>");
    assert_eq!(s("limit(case.region).low", Value::Null), "<1000>");
    assert_eq!(
        s("limit(\"CN-SH\").high - limit(\"CN-SH\").low", Value::Null),
        "<58000.5>"
    );
    // Dated rows: the row in force on the date given as the last argument.
    assert_eq!(
        s("rate(case.region, 2019-12-31).pct", json!("CN-GD")),
        "<10>"
    );
    assert_eq!(
        s("rate(case.region, 2020-01-01).pct", json!("CN-GD")),
        "<20>"
    );
    assert_eq!(
        s("rate(case.region, 2020-01-01).pct", json!("CN-SH")),
        "<5>"
    );
    // No date: no dated row applies; an undated row still does.
    let no_date = "rate(case.region, (earliest e: event).date).pct";
    assert_eq!(s(no_date, json!("CN-GD")), "<?>");
    assert_eq!(s(no_date, json!("CN-SH")), "<5>");
}

/// Tables keyed by enum values, integers or one text are looked up through
/// an index (a text with another key is compared as written):
/// the first row of a key wins, an unknown key or one with no row finds the
/// default row (or nothing).
#[test]
fn tables_keyed_by_enums_and_integers() {
    let defs = r#"
table range(p: penalty, tier: int) {
  columns low: int
  row fixed_term, 1: 6
  row fixed_term, 2: 36
  row life, 1: 999
  row fixed_term, 1: 7
}
table rank(p: penalty) {
  columns n: int
  row life: 2
  row default: 0
  row fixed_term: 1
  row life: 3
}
table quota(region: text, tier: int) {
  columns n: int
  row "CN-SH", 1: 10
  row "CN-SH", 2: 20
  row default: 0
}
"#;
    let e = case(
        json!([
            {"id": "k", "kind": "case", "procedure": "ordinary"},
            {"id": "h", "kind": "event", "type": "hearing", "date": "2024-03-01", "days": 2},
        ]),
        json!([]),
    );
    let s = |x: &str| show_in(defs, x, &e);
    let h = "(earliest e: event)";
    assert_eq!(s("range(fixed_term, 1).low"), "<6>");
    assert_eq!(s(&format!("range(fixed_term, {h}.days).low")), "<36>");
    assert_eq!(s("range(life, 1).low"), "<999>");
    // No row and no default row, or an unknown key: nothing.
    assert_eq!(s("range(exempt, 1).low"), "<?>");
    assert_eq!(s(&format!("range(fixed_term, {h}.months).low")), "<?>");
    assert_eq!(s("rank(life).n"), "<2>");
    assert_eq!(s("rank(fixed_term).n"), "<1>");
    assert_eq!(s("rank(exempt).n"), "<0>");
    assert_eq!(
        s(&format!("rank(if {h}.public then life else fixed_term).n")),
        "<0>"
    );
    // A text and an integer: both keys count (an index keyed by the text
    // alone would give the first row).
    assert_eq!(s("quota(\"CN-SH\", 2).n"), "<20>");
    assert_eq!(s(&format!("quota(\"CN-SH\", {h}.days).n")), "<20>");
    assert_eq!(s(&format!("quota(\"CN-SH\", {h}.months).n")), "<0>");
}

#[test]
fn calendar_working_days() {
    let cal = r#"
calendar {
  holidays 2024-10-01 to 2024-10-07
  workdays 2024-09-29, 2024-10-12
}
"#;
    let e = case(json!([]), json!([]));
    let s = |x: &str| show_in(cal, x, &e);
    // A holiday, a weekend working day, an ordinary weekend day, an ordinary weekday.
    assert_eq!(s("is_working_day(2024-10-01)"), "<false>");
    assert_eq!(s("is_working_day(2024-10-07)"), "<false>");
    assert_eq!(s("is_working_day(2024-09-29)"), "<true>");
    assert_eq!(s("is_working_day(2024-10-12)"), "<true>");
    assert_eq!(s("is_working_day(2024-10-13)"), "<false>");
    assert_eq!(s("is_working_day(2024-10-08)"), "<true>");
    // The first working day after the day.
    assert_eq!(s("next_working_day(2024-09-30)"), "<2024-10-08>");
    assert_eq!(s("next_working_day(2024-09-27)"), "<2024-09-29>");
    assert_eq!(s("next_working_day(2024-10-11)"), "<2024-10-12>");
    assert_eq!(s("next_working_day(2024-10-12)"), "<2024-10-14>");
    // The day itself when it is a working day, else the next one.
    assert_eq!(s("working_deadline(2024-10-03)"), "<2024-10-08>");
    assert_eq!(s("working_deadline(2024-10-08)"), "<2024-10-08>");
    assert_eq!(s("working_deadline(2024-10-12)"), "<2024-10-12>");
    assert_eq!(s("working_deadline(2024-10-13)"), "<2024-10-14>");
    // Without a calendar: weekends only.
    let plain = |x: &str| show_in("", x, &e);
    assert_eq!(plain("is_working_day(2024-10-01)"), "<true>");
    assert_eq!(plain("next_working_day(2024-10-04)"), "<2024-10-07>");
}

// ------------------------------------------------------ bindings and findings

#[test]
fn for_value_bindings_skip_absent_values() {
    let c = case(
        json!([
            {"id": "p1", "kind": "person", "role": "defendant", "birth_date": "2007-03-02"},
            {"id": "p2", "kind": "person", "role": "defendant"},
        ]),
        json!([]),
    );
    let rules = [
        rule("t.born", "  for p: person, b = p.birth_date"),
        rule("t.hearing", "  for h = earliest e: event(type = hearing)"),
    ]
    .concat();
    let found = run(&rules, c);
    // A value that is not a node is not among the finding's nodes.
    assert_eq!(nodes_of(&found, "t.born"), ids(&[&["p1"]]));
    assert_eq!(nodes_of(&found, "t.hearing"), ids(&[]));
}

#[test]
fn for_each_element_of_a_list() {
    let c = case(
        json!([
            {"id": "d", "kind": "person", "role": "defendant"},
            {"id": "s", "kind": "sentence", "penalty": "life"},
        ]),
        json!([{"kind": "imposed_on", "from": "s", "to": "d"}]),
    );
    let rules = [
        rule(
            "t.k",
            "  for d: person, k in [fixed_term, life, exempt]\n  require no s: sentence(penalty = k) -imposed_on-> d\n  message en \"{k}\" zh \"{k}\"",
        ),
        rule("t.n", "  for n in [1, 2, 3], m in [10, 20]\n  where n * m >= 40\n  message en \"{n}x{m}\" zh \"{n}x{m}\""),
        rule("t.empty", "  for n in []"),
    ]
    .concat();
    let r = review(&rules, &c, &ReviewOptions::default());
    let msgs = |id: &str| -> Vec<String> {
        r.findings
            .iter()
            .filter(|f| f.rule == id)
            .map(|f| text(&f.message))
            .collect()
    };
    let mut k = msgs("t.k");
    k.sort();
    assert_eq!(k, vec!["life imprisonment"]);
    let mut n = msgs("t.n");
    n.sort();
    assert_eq!(n, vec!["2x20", "3x20"]);
    assert!(msgs("t.empty").is_empty());
}

#[test]
fn let_of_an_absent_node_drops_out_of_the_nodes() {
    let rules = rule(
        "t.let",
        "  for x: event(type = detention)\n  let n = earliest f: event(type = notice) -concerns-> x\n  let d = earliest y: event(type = judgment)",
    );
    let found = run(&rules, people_and_events());
    assert_eq!(nodes_of(&found, "t.let"), ids(&[&["x1", "n1"]]));
}

#[test]
fn finding_nodes_follow_the_binding_order() {
    let rules = [
        rule("t.hd", "  for h: event(type = hearing), d: person(role = defendant)\n  where h.date = 2024-03-02"),
        rule("t.dh", "  for d: person(role = defendant), h: event(type = hearing)\n  where h.date = 2024-03-02"),
        rule(
            "t.let",
            "  let h = earliest e: event(type = hearing)\n  for d: person(role = defendant)\n  where d.name = \"张三\"",
        ),
        rule(
            "t.where",
            "  for d: person(role = defendant)\n  where d.name = \"张三\"\n  for x: event -subject-> d",
        ),
        // A pattern's nodes in the order written, even when the walk starts elsewhere.
        rule(
            "t.pat",
            "  for n: event(type = notice) -concerns-> x: event -subject-> d: person(name = \"张三\")",
        ),
    ]
    .concat();
    let found = run(&rules, people_and_events());
    assert_eq!(
        nodes_of(&found, "t.hd"),
        ids(&[&["h2", "d1"], &["h2", "d2"]])
    );
    assert_eq!(
        nodes_of(&found, "t.dh"),
        ids(&[&["d1", "h2"], &["d2", "h2"]])
    );
    assert_eq!(nodes_of(&found, "t.let"), ids(&[&["h1", "d1"]]));
    assert_eq!(nodes_of(&found, "t.where"), ids(&[&["d1", "x1"]]));
    assert_eq!(nodes_of(&found, "t.pat"), ids(&[&["n1", "x1", "d1"]]));
}

#[test]
fn findings_are_sorted_by_rule_then_nodes() {
    let rules = [
        rule("t.b", "  for p: person"),
        rule("t.a", "  for e: event(type = notice)"),
    ]
    .concat();
    let found = run(&rules, people_and_events());
    assert_eq!(
        found,
        vec![
            ("t.a".to_string(), vec!["n1".to_string()]),
            ("t.a".to_string(), vec!["n2".to_string()]),
            ("t.b".to_string(), vec!["d1".to_string()]),
            ("t.b".to_string(), vec!["d2".to_string()]),
            ("t.b".to_string(), vec!["v1".to_string()]),
        ]
    );
}

#[test]
fn parts_report_one_rule_id() {
    let rules = [
        rule(
            "t.split part defendants",
            "  for d: person(role = defendant)",
        ),
        rule("t.split part defenders", "  for d: person(role = defender)"),
    ]
    .concat();
    let p = pack(&rules);
    assert_eq!(p.rule_ids(), vec!["t.split"]);
    let found = run(&rules, people_and_events());
    assert_eq!(
        nodes_of(&found, "t.split"),
        ids(&[&["d1"], &["d2"], &["v1"]])
    );
    assert_eq!(found.len(), 3);
}

// ------------------------------------------------------------------ messages

#[test]
fn the_first_message_whose_when_holds() {
    let rules = rule(
        "t.msg",
        "  for d: person
  message when d.role = defender en \"defender {d.name}\" zh \"辩护人{d.name}\"
  message when d.name = \"张三\" en \"first {d.name}\" zh \"第一{d.name}\"
  message when d.name is present en \"named {d.name}\" zh \"有名{d.name}\"
  message en \"other\" zh \"其他\"",
    );
    let c = case(
        json!([
            {"id": "a", "kind": "person", "role": "defendant", "name": "张三"},
            {"id": "b", "kind": "person", "role": "defendant", "name": "李四"},
            {"id": "c", "kind": "person", "role": "defendant"},
            {"id": "e", "kind": "person", "role": "defender", "name": "张三"},
        ]),
        json!([]),
    );
    let r = review(&rules, &c, &ReviewOptions::default());
    let msgs: Vec<String> = r.findings.iter().map(|f| text(&f.message)).collect();
    assert_eq!(
        msgs,
        vec!["first 张三", "named 李四", "other", "defender 张三"]
    );
}

#[test]
fn interpolation_in_each_language() {
    let rules = rule(
        "t.i",
        "  for s: sentence -imposed_on-> d: person
  message en \"{d.name}: {s.penalty} on {d.birth_date}, fine {s.fine}, {s.months} months, {label(d.role)}, {{literal}}\"
          zh \"{d.name}：{s.penalty}，{d.birth_date}，罚金{s.fine}元，{s.months}个月，{label(d.role)}\"",
    );
    let c = case(
        json!([
            {"id": "d", "kind": "person", "role": "defendant", "name": "张三", "birth_date": "2007-03-02"},
            {"id": "s", "kind": "sentence", "penalty": "fixed_term", "months": 36, "fine": "5000.25"},
        ]),
        json!([{"kind": "imposed_on", "from": "s", "to": "d"}]),
    );
    let default = review(&rules, &c, &ReviewOptions::default());
    let en = "张三: fixed-term imprisonment on 2007-03-02, fine 5000.25, 36 months, defendant, {literal}";
    let zh = "张三：有期徒刑，2007-03-02，罚金5000.25元，36个月，被告人";
    assert_eq!(default.findings[0].message, LocalText::One(en.into()));
    assert_eq!(default.findings[0].title, LocalText::One("t".into()));
    let one = review(
        &rules,
        &c,
        &ReviewOptions {
            lang: Lang::One("zh".into()),
            ..ReviewOptions::default()
        },
    );
    assert_eq!(one.findings[0].message, LocalText::One(zh.into()));
    assert_eq!(one.findings[0].title, LocalText::One("标题".into()));
    assert_eq!(one.findings[0].citation, LocalText::One("条".into()));
    let all = review(
        &rules,
        &c,
        &ReviewOptions {
            lang: Lang::All,
            ..ReviewOptions::default()
        },
    );
    let LocalText::All(m) = &all.findings[0].message else {
        panic!("{:?}", all.findings[0].message)
    };
    assert_eq!(m.get("en").map(String::as_str), Some(en));
    assert_eq!(m.get("zh").map(String::as_str), Some(zh));
    assert_eq!(m.len(), 2);
    // The JSON form: one string per language.
    let v: Value = serde_json::from_str(&all.to_json()).unwrap();
    assert_eq!(v["findings"][0]["message"]["zh"], zh);
    assert_eq!(v["findings"][0]["title"]["en"], "t");
    // An absent value shows as `?`.
    let c2 = case(
        json!([
            {"id": "d", "kind": "person", "role": "defendant"},
            {"id": "s", "kind": "sentence", "penalty": "life"},
        ]),
        json!([{"kind": "imposed_on", "from": "s", "to": "d"}]),
    );
    let r = review(&rules, &c2, &ReviewOptions::default());
    assert_eq!(
        text(&r.findings[0].message),
        "?: life imprisonment on ?, fine ?, ? months, defendant, {literal}"
    );
}

// --------------------------------------------------------- deadlines, force

fn due_rules() -> String {
    rule(
        "t.due",
        "  for h: event(type = hearing)
  require exists n: event(type = notice) where n.date <= h.date - 10 days
  due h.date - 10 days",
    )
}

fn hearing(date: &str, notice: Option<&str>) -> Value {
    let mut nodes = vec![json!({"id": "h", "kind": "event", "type": "hearing", "date": date})];
    if let Some(n) = notice {
        nodes.push(json!({"id": "n", "kind": "event", "type": "notice", "date": n}));
    }
    case(Value::Array(nodes), json!([]))
}

fn as_of(day: &str) -> ReviewOptions {
    ReviewOptions {
        as_of: Some(day.parse().unwrap()),
        ..ReviewOptions::default()
    }
}

#[test]
fn due_with_and_without_as_of() {
    let rules = due_rules();
    let c = hearing("2024-03-15", None);
    // No as-of day: the file is complete and the deadline passed.
    let r = review(&rules, &c, &ReviewOptions::default());
    assert_eq!(r.findings.len(), 1);
    assert_eq!(
        caselint::report::severity_name(r.findings[0].severity),
        "error"
    );
    assert_eq!(r.findings[0].due, None);
    assert!(!r.findings[0].is_pending());
    // As of a day on or before the due day: pending, severity info, with the due day.
    for day in ["2024-03-01", "2024-03-05"] {
        let r = review(&rules, &c, &as_of(day));
        assert_eq!(r.findings.len(), 1, "{day}");
        assert_eq!(
            caselint::report::severity_name(r.findings[0].severity),
            "info"
        );
        assert_eq!(r.findings[0].due.as_deref(), Some("2024-03-05"));
        assert!(r.findings[0].is_pending());
        let v: Value = serde_json::from_str(&r.to_json()).unwrap();
        assert_eq!(v["findings"][0]["due"], "2024-03-05");
        assert_eq!(v["findings"][0]["severity"], "info");
    }
    // The day after: a breach.
    let r = review(&rules, &c, &as_of("2024-03-06"));
    assert_eq!(
        caselint::report::severity_name(r.findings[0].severity),
        "error"
    );
    assert_eq!(r.findings[0].due, None);
    // Met in time: nothing, as of any day.
    let met = hearing("2024-03-15", Some("2024-03-05"));
    assert!(
        review(&rules, &met, &as_of("2024-03-01"))
            .findings
            .is_empty()
    );
    assert!(
        review(&rules, &met, &ReviewOptions::default())
            .findings
            .is_empty()
    );
    // The docket: only the pending obligations.
    let p = pack(&rules);
    let g = p.load_case(&c.to_string()).unwrap();
    let docket = p
        .due(&g, "2024-03-05".parse().unwrap(), Lang::Default)
        .unwrap();
    assert_eq!(docket.findings.len(), 1);
    let docket = p
        .due(&g, "2024-03-06".parse().unwrap(), Lang::Default)
        .unwrap();
    assert!(docket.findings.is_empty());
}

#[test]
fn due_as_a_datetime() {
    let rules = format!(
        "{TWENTY_FOUR_HOURS}\n{}",
        rule(
            "t.due",
            "  for x: event(type = detention)
  require exists f: event(type = family_notice) -concerns-> x where within_24h(x, f)
  due moment(x) + 24 hours",
        )
    );
    let c = case(
        json!([{"id": "x", "kind": "event", "type": "detention", "date": "2024-03-01", "time": "10:30"}]),
        json!([]),
    );
    for (day, pending) in [
        ("2024-03-01", true),
        ("2024-03-02", true),
        ("2024-03-03", false),
    ] {
        let r = review(&rules, &c, &as_of(day));
        assert_eq!(r.findings.len(), 1);
        assert_eq!(r.findings[0].is_pending(), pending, "{day}");
        if pending {
            assert_eq!(r.findings[0].due.as_deref(), Some("2024-03-02 10:30"));
        }
    }
}

#[test]
fn in_force_boundaries() {
    let rules = [
        rule(
            "t.from",
            "  in force from 2021-07-01 on j.date\n  for j: event(type = judgment)",
        ),
        rule(
            "t.until",
            "  in force until 2021-12-31 on j.date\n  for j: event(type = judgment)",
        ),
        rule(
            "t.both",
            "  for j: event(type = judgment)\n  in force from 2021-07-01 until 2021-07-31 on j.date",
        ),
    ]
    .concat();
    let on = |date: &str| {
        let found = run(
            &rules,
            case(
                json!([{"id": "j", "kind": "event", "type": "judgment", "date": date}]),
                json!([]),
            ),
        );
        let mut r: Vec<String> = found.into_iter().map(|(r, _)| r).collect();
        r.sort();
        r
    };
    assert_eq!(on("2021-06-30"), vec!["t.until"]);
    assert_eq!(on("2021-07-01"), vec!["t.both", "t.from", "t.until"]);
    assert_eq!(on("2021-07-31"), vec!["t.both", "t.from", "t.until"]);
    assert_eq!(on("2021-08-01"), vec!["t.from", "t.until"]);
    assert_eq!(on("2021-12-31"), vec!["t.from", "t.until"]);
    assert_eq!(on("2022-01-01"), vec!["t.from"]);
    // The date after `on` unknown: the rule does not apply.
    let rules = rule(
        "t.unknown",
        "  in force from 2021-07-01 on (earliest h: event(type = hearing)).date\n  for j: event(type = judgment)",
    );
    let found = run(
        &rules,
        case(
            json!([{"id": "j", "kind": "event", "type": "judgment", "date": "2022-01-01"}]),
            json!([]),
        ),
    );
    assert!(found.is_empty());
}

// ------------------------------------------------------------------ the rest

#[test]
fn enum_tests_and_qualified_values() {
    let c = case(
        json!([
            {"id": "a", "kind": "event", "type": "extension", "date": "2024-01-01", "decision": "refused"},
            {"id": "b", "kind": "event", "type": "extension", "date": "2024-01-02", "decision": "approved"},
            {"id": "c", "kind": "event", "type": "extension", "date": "2024-01-03"},
            {"id": "s", "kind": "sentence", "penalty": "life"},
        ]),
        json!([]),
    );
    let rules = [
        rule("t.is", "  for e: event where e.decision is refused"),
        // Absent is simply not the value.
        rule("t.isnot", "  for e: event where e.decision is not refused"),
        rule("t.eq", "  for e: event where e.decision != refused"),
        rule(
            "t.q",
            "  for s: sentence where s.penalty = penalty.life and s.penalty is life",
        ),
    ]
    .concat();
    let found = run(&rules, c);
    assert_eq!(nodes_of(&found, "t.is"), ids(&[&["a"]]));
    assert_eq!(nodes_of(&found, "t.isnot"), ids(&[&["b"], &["c"]]));
    assert_eq!(nodes_of(&found, "t.eq"), ids(&[&["b"]]));
    assert_eq!(nodes_of(&found, "t.q"), ids(&[&["s"]]));
}

#[test]
fn built_in_functions() {
    assert_eq!(show("min(3, 2)"), "<2>");
    assert_eq!(show("max(3, 2.5)"), "<3>");
    assert_eq!(show("min(1, 2.5) + 0"), "<1>");
    assert_eq!(show("max(2024-02-29, 2024-03-01)"), "<2024-03-01>");
    assert_eq!(show("abs(-3)"), "<3>");
    assert_eq!(show("abs(2 - 2.75)"), "<0.75>");
    assert_eq!(show("len([1, 2, 3])"), "<3>");
    assert_eq!(show("len([])"), "<0>");
    assert_eq!(
        show("label(penalty.fixed_term)"),
        "<fixed-term imprisonment>"
    );
    assert_eq!(show("id(case)"), "<k>");
    let absent = flag(json!({}));
    assert_eq!(show_in("", "min(f.n, 1)", &absent), "<?>");
    assert_eq!(show_in("", "abs(f.n)", &absent), "<?>");
    let p = case(
        json!([{"id": "p", "kind": "person", "role": "victim", "disabilities": ["deaf", "mute"]}]),
        json!([]),
    );
    let rules = rule(
        "t.len",
        "  for d: person\n  message en \"{len(d.disabilities)} {label(d.role)}\" zh \"{len(d.disabilities)} {label(d.role)}\"",
    );
    let r = review(&rules, &p, &ReviewOptions::default());
    assert_eq!(text(&r.findings[0].message), "2 victim");
    let r = review(
        &rules,
        &p,
        &ReviewOptions {
            lang: Lang::One("zh".into()),
            ..ReviewOptions::default()
        },
    );
    assert_eq!(text(&r.findings[0].message), "2 被害人");
}

#[test]
fn nodes_compare_by_id_and_text_by_code_points() {
    let rules = [
        rule(
            "t.pairs",
            "  for a: event(type = notice), b: event(type = notice)\n  where a < b",
        ),
        rule(
            "t.text",
            "  for p: person where p.name < \"李\" and p.name != \"\"",
        ),
    ]
    .concat();
    let found = run(&rules, people_and_events());
    // Each unordered pair once.
    assert_eq!(nodes_of(&found, "t.pairs"), ids(&[&["n1", "n2"]]));
    // 张 (U+5F20) < 李 (U+674E); 王 (U+738B) is not.
    assert_eq!(nodes_of(&found, "t.text"), ids(&[&["d1"]]));
}

#[test]
fn a_finding_whose_whens_all_fail_shows_the_last_message() {
    let rules = rule(
        "t.last",
        "  for d: person
  message when d.name = \"x\" en \"x\" zh \"x\"
  message when d.name = \"y\" en \"y\" zh \"y\"",
    );
    let c = case(
        json!([{"id": "d", "kind": "person", "role": "victim"}]),
        json!([]),
    );
    let p = RulePack::from_sources([("schema.rules", SCHEMA), ("rules.rules", rules.as_str())])
        .unwrap();
    // The pack warns about it, and loads.
    assert_eq!(p.warnings().len(), 1);
    let g = p.load_case(&c.to_string()).unwrap();
    let r = p.review(&g).unwrap();
    assert_eq!(text(&r.findings[0].message), "y");
}

#[test]
fn a_pattern_may_close_a_cycle_on_its_own_variable() {
    let cyc = case(
        json!([
            {"id": "a", "kind": "event", "type": "notice", "date": "2024-01-01"},
            {"id": "b", "kind": "event", "type": "notice", "date": "2024-01-02"},
            {"id": "c", "kind": "event", "type": "notice", "date": "2024-01-03"},
        ]),
        json!([
            {"kind": "concerns", "from": "a", "to": "b"},
            {"kind": "concerns", "from": "b", "to": "a"},
            {"kind": "concerns", "from": "b", "to": "c"},
        ]),
    );
    let rules = [
        rule("t.loop", "  for x: event -concerns-> y: event -concerns-> x"),
        // A path to a node bound earlier.
        rule(
            "t.reach",
            "  for x: event(date = 2024-01-03)\n  require no n: event -concerns*-> x where n.date = 2024-01-01",
        ),
    ]
    .concat();
    let found = run(&rules, cyc);
    assert_eq!(nodes_of(&found, "t.loop"), ids(&[&["a", "b"], &["b", "a"]]));
    assert_eq!(nodes_of(&found, "t.reach"), ids(&[&["c"]]));
}

#[test]
fn tables_keyed_by_enum_values() {
    let defs = r#"
table months(p: penalty) {
  columns low: int, high: int
  row fixed_term: 6, 180
  row life: 0, 0
}
"#;
    let c = case(
        json!([
            {"id": "s1", "kind": "sentence", "penalty": "fixed_term", "months": 200},
            {"id": "s2", "kind": "sentence", "penalty": "fixed_term", "months": 12},
            {"id": "s3", "kind": "sentence", "penalty": "exempt", "months": 1},
        ]),
        json!([]),
    );
    let rules = format!(
        "{defs}\n{}",
        rule(
            "t.range",
            "  for s: sentence\n  require months(s.penalty).low <= s.months <= months(s.penalty).high",
        )
    );
    // s3: no row and no default row: the lookup is absent and the requirement unknown.
    let found = run(&rules, c);
    assert_eq!(nodes_of(&found, "t.range"), ids(&[&["s1"]]));
}

#[test]
fn product_lang_and_text_expressions() {
    let c = case(
        json!([
            {"id": "a", "kind": "flag", "n": 3, "x": "0.5"},
            {"id": "b", "kind": "flag", "n": 4},
            {"id": "c", "kind": "flag"},
        ]),
        json!([]),
    );
    let s = |e: &str| show_in("", e, &c);
    // Absent values are skipped; the product of nothing is 1.
    assert_eq!(s("product x.n for x: flag"), "<12>");
    assert_eq!(s("product x.x for x: flag"), "<0.5>");
    assert_eq!(s("product x.n for x: flag where x.n > 100"), "<1>");
    // A text with holes is an expression.
    assert_eq!(truth_in("", "\"{1 + 1}x\" = \"2x\"", &c), Some(true));
    // `lang()`: the language the review is shown in.
    let rules = rule(
        "t.lang",
        "  for c = case\n  message en \"{lang()}: {label(penalty.life)}\" zh \"{lang()}：{label(penalty.life)}\"",
    );
    let e = case(json!([]), json!([]));
    let msg = |lang: Lang| {
        review(
            &rules,
            &e,
            &ReviewOptions {
                lang,
                ..ReviewOptions::default()
            },
        )
        .findings[0]
            .message
            .clone()
    };
    assert_eq!(
        msg(Lang::Default),
        LocalText::One("en: life imprisonment".into())
    );
    assert_eq!(
        msg(Lang::One("zh".into())),
        LocalText::One("zh：无期徒刑".into())
    );
    let LocalText::All(m) = msg(Lang::All) else {
        panic!()
    };
    assert_eq!(m["en"], "en: life imprisonment");
    assert_eq!(m["zh"], "zh：无期徒刑");
}

#[test]
fn tables_keyed_by_an_enum_declared_in_place() {
    let defs = r#"
table weight(r: person.role) {
  columns w: int
  row defendant: 3
  row default: 1
}
"#;
    let c = case(
        json!([
            {"id": "d", "kind": "person", "role": "defendant"},
            {"id": "v", "kind": "person", "role": "victim"},
        ]),
        json!([]),
    );
    assert_eq!(
        show_in(defs, "sum weight(p.role).w for p: person", &c),
        "<4>"
    );
}

#[test]
fn views_list_computed_values_per_binding() {
    let rules = r#"
view sheet {
  title en "sheet" zh "表"
  for d: person(role = defendant)
  let n = count e: event -subject-> d
  column name en "name" zh "姓名" = d.name
  column events en "events" zh "次数" = n
  column half en "half" zh "半" = n / 2
  column born en "born" zh "出生" = d.birth_date
}
"#;
    let c = people_and_events();
    let plain = review(rules, &c, &ReviewOptions::default());
    assert!(plain.views.is_empty());
    assert!(!plain.to_json().contains("views"));
    let r = review(
        rules,
        &c,
        &ReviewOptions {
            views: true,
            ..ReviewOptions::default()
        },
    );
    assert_eq!(r.views.len(), 1);
    let v = &r.views[0];
    assert_eq!(v.name, "sheet");
    assert_eq!(v.title, LocalText::One("sheet".into()));
    let cols: Vec<&str> = v.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(cols, ["name", "events", "half", "born"]);
    let rows: Vec<(Vec<String>, Vec<String>, Vec<Value>)> = v
        .rows
        .iter()
        .map(|r| (r.nodes.clone(), r.text.clone(), r.values.clone()))
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                vec!["d1".to_string()],
                vec!["张三".into(), "1".into(), "0.5".into(), "?".into()],
                vec![json!("张三"), json!(1), json!(0.5), Value::Null],
            ),
            (
                vec!["d2".to_string()],
                vec!["李四".into(), "1".into(), "0.5".into(), "?".into()],
                vec![json!("李四"), json!(1), json!(0.5), Value::Null],
            ),
        ]
    );
}

#[test]
fn paths_with_edge_conditions_follow_only_matching_edges() {
    let c = case(
        json!([
            {"id": "a", "kind": "event", "type": "extension", "date": "2024-01-01"},
            {"id": "b", "kind": "event", "type": "extension", "date": "2024-01-02"},
            {"id": "c", "kind": "event", "type": "extension", "date": "2024-01-03"},
            {"id": "d", "kind": "event", "type": "extension", "date": "2024-01-04"},
        ]),
        json!([
            {"kind": "concerns", "from": "b", "to": "a", "how": "extends"},
            {"kind": "concerns", "from": "c", "to": "b", "how": "extends"},
            {"kind": "concerns", "from": "d", "to": "c", "how": "answers"},
        ]),
    );
    let found = run(
        &rule(
            "t.chain",
            "  for x: event -concerns*(how = extends)-> y: event",
        ),
        c,
    );
    assert_eq!(
        nodes_of(&found, "t.chain"),
        ids(&[&["b", "a"], &["c", "a"], &["c", "b"]])
    );
}

/// A definition whose body is a query over its parameters alone binds no
/// variable of its own; it must still be called, not written in place (its
/// pattern's slots are the definition's, not the rule's).
#[test]
fn definition_with_a_query_over_its_parameters_is_not_inlined() {
    let rules = format!(
        "def linked(a: event, b: event): bool = exists a -concerns-> b\n{}",
        rule(
            "x.unlinked",
            "  for x: event, y: event\n  where x < y and not linked(y, x)"
        )
    );
    let c = case(
        json!([
            {"id": "a", "kind": "event", "type": "notice", "date": "2024-01-01"},
            {"id": "b", "kind": "event", "type": "notice", "date": "2024-01-02"},
        ]),
        json!([{"from": "b", "to": "a", "kind": "concerns"}]),
    );
    assert_eq!(run(&rules, c.clone()), vec![]);
    // Without the edge, the pair is reported.
    let c = case(
        json!([
            {"id": "a", "kind": "event", "type": "notice", "date": "2024-01-01"},
            {"id": "b", "kind": "event", "type": "notice", "date": "2024-01-02"},
        ]),
        json!([]),
    );
    assert_eq!(
        run(&rules, c),
        vec![(
            "x.unlinked".to_string(),
            vec!["a".to_string(), "b".to_string()]
        )]
    );
}

/// `explain` shows every block, a block without conditions too (each of its
/// bindings raises a finding), and says so when `--node` keeps some
/// bindings only; as of a day, a breach of a rule with `due` shows when it
/// fell due.
#[test]
fn explain_shows_blocks_without_conditions_and_the_node_filter() {
    let p = pack(&format!(
        "{}{}{}",
        rule("t.bare", "  for p: person"),
        rule("t.two part a", "  for p: person"),
        rule("t.two part b", "  for p: person\n  where p.name is present"),
    ));
    let c = case(
        json!([
            {"id": "p1", "kind": "person", "role": "defendant", "name": "甲"},
            {"id": "p2", "kind": "person", "role": "defendant"}
        ]),
        json!([]),
    );
    let g = p.load_case(&c.to_string()).unwrap();
    let opts = ReviewOptions::default();
    let bare = p.explain(&g, "t.bare", None, &opts).unwrap().to_text();
    assert_eq!(bare.matches("\nFIRED: p = ").count(), 2, "{bare}");
    let two = p.explain(&g, "t.two", None, &opts).unwrap();
    let parts: Vec<Option<&str>> = two.blocks.iter().map(|b| b.part.as_deref()).collect();
    assert_eq!(parts, [Some("a"), Some("b")]);
    let text = two.to_text();
    assert!(
        text.starts_with(
            "rule t.two: 3 binding(s) reached the requirement, 3 raised a finding; 1 stopped"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "\npart a: 2 binding(s) reached the requirement, 2 raised a finding; 0 stopped"
        ),
        "{text}"
    );
    let one = p.explain(&g, "t.two", Some("p2"), &opts).unwrap().to_text();
    assert!(
        one.starts_with("rule t.two (only the bindings of p2): 1 binding(s)"),
        "{one}"
    );

    let p = pack(&rule(
        "t.due",
        "  for p: person\n  require p.name is absent\n  due 2024-03-01",
    ));
    let g = p.load_case(&c.to_string()).unwrap();
    let as_of = |day: &str| ReviewOptions {
        as_of: Some(day.parse().unwrap()),
        ..ReviewOptions::default()
    };
    let late = p.explain(&g, "t.due", None, &as_of("2024-03-05")).unwrap();
    assert!(
        late.to_text().contains(
            "\nFIRED: p = p1 (person defendant 甲)\n  due 2024-03-01, before the as-of day\n"
        ),
        "{}",
        late.to_text()
    );
    // What the requirement read, with its value.
    assert!(
        late.to_text()
            .contains("\n  require  false    with p1.name = 甲\n"),
        "{}",
        late.to_text()
    );
    let early = p.explain(&g, "t.due", None, &as_of("2024-02-05")).unwrap();
    assert!(
        early
            .to_text()
            .contains("\nPENDING: p = p1 (person defendant 甲)\n  due 2024-03-01\n"),
        "{}",
        early.to_text()
    );
}

//! The shipped pack's own tests (rules/cn-criminal/tests) run inside `cargo test`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use caselint::RulePack;
use caselint::pack_test;
use std::path::Path;

/// The shipped pack.
fn shipped() -> RulePack {
    RulePack::load(Path::new("rules/cn-criminal")).unwrap()
}

#[test]
fn shipped_pack_tests_pass_with_full_rule_coverage() {
    let dir = Path::new("rules/cn-criminal");
    let pack =
        RulePack::load(dir).unwrap_or_else(|e| panic!("pack does not load: {:?}", e.diagnostics));
    let files = pack_test::discover(dir);
    assert!(!files.is_empty(), "no pack tests found");
    let run = pack_test::run(&pack, &files, None);
    let mut problems: Vec<String> = run
        .file_errors
        .iter()
        .map(|e| format!("{}:{}: {}", e.file.display(), e.line, e.message))
        .collect();
    for r in run.results.iter().filter(|r| !r.passed()) {
        problems.push(format!(
            "{} :: {}: {}",
            r.file.display(),
            r.name,
            r.failures.join("; ")
        ));
    }
    assert!(
        problems.is_empty(),
        "{} failing pack tests:\n{}",
        problems.len(),
        problems.join("\n")
    );
    let uncovered: Vec<String> = run
        .rules
        .iter()
        .filter(|(_, c)| !(c.fired && c.silent))
        .map(|(id, c)| format!("{id} (fired: {}, silent: {})", c.fired, c.silent))
        .collect();
    assert!(
        uncovered.is_empty(),
        "rules without a firing and a silent test:\n{}",
        uncovered.join("\n")
    );
}

/// Every message the shipped pack gives on its own test cases names the facts
/// it speaks of: no `?` (an absent value rendered) in any language. A rule
/// whose message reads a fact the case may lack has a variant without it.
#[test]
fn shipped_pack_messages_render_every_value_they_name() {
    use caselint::{Lang, LocalText, ReviewOptions};
    let dir = Path::new("rules/cn-criminal");
    let pack =
        RulePack::load(dir).unwrap_or_else(|e| panic!("pack does not load: {:?}", e.diagnostics));
    let opts = ReviewOptions {
        lang: Lang::All,
        ..ReviewOptions::default()
    };
    let mut bad = vec![];
    let mut seen = 0;
    for file in pack_test::discover(dir) {
        let text = std::fs::read_to_string(&file).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        for t in doc["tests"].as_array().unwrap() {
            let case = serde_json::to_string(&t["case"]).unwrap();
            let Ok(g) = pack.load_case(&case) else {
                continue;
            };
            for f in pack.review_with(&g, &opts).unwrap().findings {
                let LocalText::All(texts) = &f.message else {
                    panic!("one language under Lang::All");
                };
                for (lang, m) in texts {
                    seen += 1;
                    if m.contains('?') {
                        bad.push(format!("{} :: {} [{lang}]: {m}", t["name"], f.rule));
                    }
                }
            }
        }
    }
    assert!(seen > 500, "too few messages checked: {seen}");
    assert!(
        bad.is_empty(),
        "{} messages with `?`:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

/// A time with seconds is shown with them (20:00:30 is not 20:00); one
/// without, to the minute.
#[test]
fn messages_show_seconds_when_the_file_gives_them() {
    use caselint::{Lang, ReviewOptions};
    let pack = shipped();
    let case = |x: &str, n: &str| {
        format!(
            r#"{{"id": "T", "nodes": [
              {{"id": "k", "kind": "case", "procedure": "ordinary"}},
              {{"id": "d1", "kind": "person", "role": "defendant", "name": "张三"}},
              {{"id": "x", "kind": "event", "type": "detention", "date": "2024-01-15", "time": "{x}"}},
              {{"id": "n", "kind": "event", "type": "family_notice", "date": "2024-01-16", "time": "{n}"}}],
             "edges": [
              {{"kind": "subject", "from": "x", "to": "d1"}},
              {{"kind": "concerns", "from": "n", "to": "x"}}]}}"#
        )
    };
    let opts = ReviewOptions {
        lang: Lang::One("en".into()),
        ..ReviewOptions::default()
    };
    let message = |text: &str| {
        let g = pack.load_case(text).unwrap();
        let r = pack.review_with(&g, &opts).unwrap();
        let f = r
            .findings
            .iter()
            .find(|f| f.rule == "cn.cpl.085.detention_family_notice")
            .expect("the notice is late");
        f.message.as_str().to_string()
    };
    let m = message(&case("20:00:30", "20:00:45"));
    assert!(
        m.contains("at 20:00:30;") && m.contains("at 20:00:45,"),
        "{m}"
    );
    let m = message(&case("20:00", "20:01"));
    assert!(m.contains("at 20:00;") && m.contains("at 20:01,"), "{m}");
}

/// English messages count in the singular for one: "1 month", "1 day".
#[test]
fn english_messages_say_one_month_not_one_months() {
    use caselint::{Lang, ReviewOptions};
    let pack = shipped();
    let opts = ReviewOptions {
        lang: Lang::One("en".into()),
        ..ReviewOptions::default()
    };
    let text = r#"{"id": "T", "nodes": [
      {"id": "k", "kind": "case", "procedure": "ordinary"},
      {"id": "d1", "kind": "person", "role": "defendant", "name": "张三"},
      {"id": "s1", "kind": "sentence", "penalty": "criminal_detention", "scope": "single",
       "months": 1, "probation": true, "probation_months": 1},
      {"id": "s2", "kind": "sentence", "penalty": "criminal_detention", "scope": "single",
       "months": 2, "probation": true, "probation_months": 13}],
     "edges": [
      {"kind": "imposed_on", "from": "s1", "to": "d1"},
      {"kind": "imposed_on", "from": "s2", "to": "d1"}]}"#;
    let g = pack.load_case(text).unwrap();
    let r = pack.review_with(&g, &opts).unwrap();
    let messages: Vec<String> = r
        .findings
        .iter()
        .filter(|f| f.rule == "cn.cl.073.probation_term")
        .map(|f| f.message.as_str().to_string())
        .collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("of 1 month with a probation term of 1 month;")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("of 2 months with a probation term of 13 months;")),
        "{messages:?}"
    );
    assert!(
        messages.iter().all(|m| !m.contains(" 1 months")),
        "{messages:?}"
    );
}

/// A pack test may require texts in a finding's message, by language: it
/// passes when each language's message contains its text, fails naming the
/// text otherwise, and names a language the pack does not have.
#[test]
fn pack_tests_check_message_texts_by_language() {
    let pack = shipped();
    let dir = std::env::temp_dir().join(format!("caselint-msg-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let case = r#"{"id": "T", "nodes": [
        {"id": "k", "kind": "case", "procedure": "ordinary"},
        {"id": "d1", "kind": "person", "role": "defendant", "name": "张三"},
        {"id": "i1", "kind": "event", "type": "interrogation", "date": "2024-03-02", "investigators": 1}],
       "edges": [{"kind": "subject", "from": "i1", "to": "d1"}]}"#;
    let test = |name: &str, message: &str| {
        format!(
            r#"{{"name": "{name}", "case": {case}, "expect": [{{"rule": "cn.cpl.118.two_investigators", "nodes": ["i1"], "message": {message}}}]}}"#
        )
    };
    let file = dir.join("m.test.json");
    std::fs::write(
        &file,
        format!(
            r#"{{"tests": [{}, {}, {}]}}"#,
            test(
                "both languages",
                r#"{"en": "only one investigator", "zh": "只有一名侦查人员"}"#
            ),
            test(
                "wrong English",
                r#"{"en": "two investigators were present"}"#
            ),
            test("no such language", r#"{"fr": "un seul enquêteur"}"#),
        ),
    )
    .unwrap();
    let run = pack_test::run(&pack, &[file], None);
    let failures: Vec<Vec<String>> = run.results.iter().map(|r| r.failures.clone()).collect();
    assert_eq!(failures.len(), 3, "{failures:?}");
    assert!(failures[0].is_empty(), "{failures:?}");
    assert_eq!(
        failures[1],
        vec![
            "missing: cn.cpl.118.two_investigators [i1] en: \"…two investigators were present…\""
                .to_string()
        ]
    );
    assert!(
        failures[2]
            .iter()
            .any(|f| f == "the pack has no language `fr` (it has en, zh)"),
        "{failures:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A name that is an empty or blank text is no name: messages, the text
/// report's heading and the HTML page name the person by id.
#[test]
fn a_blank_name_is_no_name() {
    use caselint::report::html::{HtmlOptions, render_case_html};
    use caselint::report::render_text;
    let pack = shipped();
    let text = r#"{"id": "T", "nodes": [
      {"id": "k", "kind": "case", "procedure": "ordinary"},
      {"id": "d1", "kind": "person", "role": "defendant", "name": ""},
      {"id": "d2", "kind": "person", "role": "defendant", "name": "  "},
      {"id": "x1", "kind": "event", "type": "detention", "date": "2024-03-01", "time": "10:00"},
      {"id": "x2", "kind": "event", "type": "detention", "date": "2024-03-01", "time": "10:00"}],
     "edges": [
      {"kind": "subject", "from": "x1", "to": "d1"},
      {"kind": "subject", "from": "x2", "to": "d2"}]}"#;
    let g = pack.load_case(text).unwrap();
    let r = pack.review(&g).unwrap();
    let notice: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.rule == "cn.cpl.085.detention_family_notice")
        .map(|f| f.message.as_str())
        .collect();
    assert!(notice.iter().any(|m| m.starts_with("d1于")), "{notice:?}");
    assert!(notice.iter().any(|m| m.starts_with("d2于")), "{notice:?}");
    let out = render_text(&r, Some(&g), false);
    assert!(out.lines().any(|l| l == "d1"), "{out}");
    assert!(out.lines().any(|l| l == "d2"), "{out}");
    assert!(!out.contains(" (d1)") && !out.contains(" (d2)"), "{out}");
    let html = render_case_html(&pack, &g, &HtmlOptions::default()).unwrap();
    assert!(
        !html.contains(">  <") && !html.contains("> (d1)"),
        "a blank name shown"
    );
}

/// Names from the case are shown escaped in the text report: a file cannot
/// send the terminal control sequences or reorder its lines.
#[test]
fn the_text_report_escapes_control_characters_from_the_case() {
    use caselint::report::render_text;
    let pack = shipped();
    let text = "{\"id\": \"T\\u001b[2J\", \"nodes\": [{\"id\": \"k\", \"kind\": \"case\", \"procedure\": \"ordinary\"}, {\"id\": \"d1\", \"kind\": \"person\", \"role\": \"defendant\", \"name\": \"张\\u001b[31m三\\u202e\"}, {\"id\": \"x1\", \"kind\": \"event\", \"type\": \"detention\", \"date\": \"2024-03-01\"}], \"edges\": [{\"kind\": \"subject\", \"from\": \"x1\", \"to\": \"d1\"}]}";
    let g = pack.load_case(text).unwrap();
    let r = pack.review(&g).unwrap();
    assert!(!r.findings.is_empty());
    let out = render_text(&r, Some(&g), false);
    assert!(
        !out.contains('\u{1b}') && !out.contains('\u{202e}'),
        "{out:?}"
    );
    assert!(out.contains("张\\u{1b}[31m三\\u{202e}"), "{out}");
}

/// `explain` lists the rule's own variables for each binding, not those of a
/// quantifier that stopped at an example (`every e: … satisfies …`), nor an
/// aggregate's edge.
#[test]
fn explain_lists_only_the_rules_own_variables() {
    let pack = shipped();
    let text = r#"{"id": "T", "nodes": [
      {"id": "k", "kind": "case", "procedure": "ordinary"},
      {"id": "d1", "kind": "person", "role": "defendant", "name": "张三"},
      {"id": "j1", "kind": "event", "type": "judgment", "date": "2024-06-01", "in_court": false}],
     "edges": []}"#;
    let g = pack.load_case(text).unwrap();
    let x = pack
        .explain(
            &g,
            "cn.cpl.202.judgment_service",
            None,
            &caselint::ReviewOptions::default(),
        )
        .unwrap();
    let names: Vec<&str> = x
        .stopped
        .iter()
        .flat_map(|b| b.values.iter().map(|(k, _)| k.as_str()))
        .collect();
    assert_eq!(names, ["j"], "{}", x.to_text());
}

/// A `for x = value` whose value is absent is named as what bound nothing,
/// and a clause is shown without the comments written after it.
#[test]
fn explain_names_an_absent_value_binding_and_shows_clauses_without_comments() {
    let pack = shipped();
    let text = r#"{"id": "T", "nodes": [
      {"id": "k", "kind": "case", "procedure": "fast_track"},
      {"id": "d1", "kind": "person", "role": "defendant", "name": "张三"}],
     "edges": []}"#;
    let g = pack.load_case(text).unwrap();
    let x = pack
        .explain(
            &g,
            "cn.cpl.225.fasttrack_period",
            None,
            &caselint::ReviewOptions::default(),
        )
        .unwrap();
    let block = &x.blocks[0];
    assert_eq!(block.unmatched.as_deref(), Some("a = acceptance"));
    assert!(block.unmatched_value);
    let text = x.to_text();
    assert!(
        text.contains("\nno binding: `a = acceptance` has no value on file\n"),
        "{text}"
    );
    // (The pack's rule has a comment right after this `where`.)
    let clauses: Vec<(&str, &str)> = block
        .clauses
        .iter()
        .map(|c| (c.clause.as_str(), c.text.as_str()))
        .collect();
    assert_eq!(clauses[0], ("where", "case.procedure = fast_track"));
}

/// When a condition is unknown, `explain` names the facts the file lacks,
/// through the `let`s and definitions the condition uses.
#[test]
fn explain_names_the_missing_facts_of_an_unknown_condition() {
    let pack = shipped();
    let text = r#"{"id": "T", "nodes": [
      {"id": "k", "kind": "case", "procedure": "ordinary"},
      {"id": "d1", "kind": "person", "role": "defendant", "name": "张三"},
      {"id": "a1", "kind": "event", "type": "court_acceptance", "date": "2024-06-12"},
      {"id": "c1", "kind": "charge", "crime": "theft"}],
     "edges": [{"kind": "charged_with", "from": "d1", "to": "c1"}]}"#;
    let g = pack.load_case(text).unwrap();
    let opts = caselint::ReviewOptions::default();
    // `where minor_on(d, a.date)`: through the definition, D's birth date.
    let x = pack
        .explain(&g, "cn.cpl.278.legal_aid_minor", None, &opts)
        .unwrap();
    assert_eq!(x.stopped[0].missing, ["d1.birth_date"], "{}", x.to_text());
    assert!(x.to_text().contains("not on file: d1.birth_date"));
    // `let a = age(d, c.offense_date)` then `where a < 16`: through the `let`.
    let x = pack
        .explain(&g, "cn.cl.017.age_of_responsibility", None, &opts)
        .unwrap();
    assert_eq!(
        x.stopped[0].missing,
        ["c1.offense_date", "d1.birth_date"],
        "{}",
        x.to_text()
    );
}

/// A test that names a rule the pack does not have is told the closest id.
#[test]
fn pack_tests_suggest_a_misspelt_rule_id() {
    let pack = shipped();
    let dir = std::env::temp_dir().join(format!("caselint-typo-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("t.test.json");
    std::fs::write(
        &file,
        r#"{"tests": [{"name": "typo", "case": {"id": "T", "nodes": [{"id": "k", "kind": "case", "procedure": "ordinary"}]}, "expect": [], "only": ["cn.cpl.118.two_investigator"]}]}"#,
    )
    .unwrap();
    let run = pack_test::run(&pack, &[file], None);
    assert_eq!(
        run.results[0].failures,
        [
            "the pack has no rule `cn.cpl.118.two_investigator` (did you mean `cn.cpl.118.two_investigators`?)"
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The missing facts are those that leave the condition unknown, not every
/// absent field it could read (an `is` test, a branch not taken, a known
/// side of an `and`); and a search's nearest candidate is measured from the
/// act it answers even when the pattern starts at the defendant.
#[test]
fn explain_names_only_the_facts_that_matter_and_the_right_nearest_act() {
    let pack = shipped();
    let opts = caselint::ReviewOptions::default();
    let text = r#"{"id": "T", "nodes": [
      {"id": "k", "kind": "case", "procedure": "ordinary"},
      {"id": "d1", "kind": "person", "role": "defendant", "name": "张三", "birth_date": "1990-01-01"},
      {"id": "c1", "kind": "charge", "crime": "theft", "offense_date": "2023-01-01", "amount": 5000},
      {"id": "s1", "kind": "sentence", "penalty": "fixed_term", "scope": "single"}],
     "edges": [{"kind": "charged_with", "from": "d1", "to": "c1"},
       {"kind": "imposed_on", "from": "s1", "to": "d1"}, {"kind": "for", "from": "s1", "to": "c1"}]}"#;
    let g = pack.load_case(text).unwrap();
    let x = pack
        .explain(&g, "cn.cl.264.theft_range", None, &opts)
        .unwrap();
    let missing: Vec<&String> = x
        .bindings
        .iter()
        .flat_map(|b| b.conditions.iter().flat_map(|c| &c.missing))
        .collect();
    assert_eq!(missing, ["s1.months"], "{}", x.to_text());
    // Interrogated 10 minutes before the detention, then 3 days after it:
    // the nearest answer to the detention is the later one.
    let text = r#"{"id": "T", "nodes": [
      {"id": "k", "kind": "case", "procedure": "ordinary"},
      {"id": "d1", "kind": "person", "role": "defendant", "name": "张三"},
      {"id": "i0", "kind": "event", "type": "interrogation", "date": "2024-03-01", "time": "09:50"},
      {"id": "x1", "kind": "event", "type": "detention", "date": "2024-03-01", "time": "10:00"},
      {"id": "i1", "kind": "event", "type": "interrogation", "date": "2024-03-04", "time": "10:00"}],
     "edges": [{"kind": "subject", "from": "i0", "to": "d1"}, {"kind": "subject", "from": "x1", "to": "d1"},
       {"kind": "subject", "from": "i1", "to": "d1"}]}"#;
    let g = pack.load_case(text).unwrap();
    let x = pack
        .explain(&g, "cn.cpl.086.detention_interrogation", None, &opts)
        .unwrap();
    let nearest = x.bindings[0].searches[0]
        .nearest
        .clone()
        .unwrap_or_default();
    assert_eq!(nearest, "i1, 3 days later", "{}", x.to_text());
}

/// `explain` on a rule of many bindings: the clauses are printed once, met
/// bindings on one line each after the ones that fired or are unknown, and
/// each block of a rule of several is counted apart; `explain_part` keeps
/// one block, and names the pattern nothing on file matched.
#[test]
fn explain_groups_bindings_by_outcome_and_block() {
    let pack = shipped();
    let opts = caselint::ReviewOptions::default();
    let json = std::fs::read_to_string("examples/cases/robbery-juvenile-defects.json").unwrap();
    let g = pack.load_case(&json).unwrap();
    let x = pack
        .explain(&g, "cn.order.step_order", None, &opts)
        .unwrap();
    let text = x.to_text();
    let met = x.bindings.iter().filter(|b| b.outcome == "met").count();
    assert!(met > 50, "{met}");
    // The requirement's text once, in the clause list, not once per binding.
    assert_eq!(text.matches("a.date < b.date or").count(), 1, "{text}");
    assert!(text.contains(&format!("\nMET ({met}):\n")), "{text}");
    assert!(
        text.contains(&format!("  … and {} more", met - 50)),
        "{text}"
    );
    let unknown_at = text.find("\nUNKNOWN: ").unwrap();
    assert!(unknown_at < text.find("\nMET (").unwrap());
    // Every unknown binding names what it lacks (the first 50 are looked
    // for; met bindings do not use them up).
    let unknowns = x.bindings.iter().filter(|b| b.outcome == "unknown");
    assert!(unknowns.clone().count() > 5);
    for b in unknowns {
        assert!(
            b.conditions.iter().any(|c| !c.missing.is_empty()),
            "{:?}",
            b.values
        );
    }

    // Two blocks: each has its clauses and counts; only part `missing` binds.
    let json = std::fs::read_to_string("examples/cases/fraud-recidivist.json").unwrap();
    let g = pack.load_case(&json).unwrap();
    let id = "cn.cl.069.combined_punishment";
    let x = pack.explain(&g, id, None, &opts).unwrap();
    let text = x.to_text();
    assert!(
        text.contains("\npart missing: 0 binding(s) reached the requirement, 0 raised a finding; 3 stopped by a `where`\n"),
        "{text}"
    );
    assert!(
        text.contains("\npart bounds: 0 binding(s) reached the requirement, 0 raised a finding; 0 stopped by a `where`\n"),
        "{text}"
    );
    let blocks: Vec<(Option<&str>, Option<&str>)> = x
        .blocks
        .iter()
        .map(|b| (b.part.as_deref(), b.unmatched.as_deref()))
        .collect();
    assert_eq!(
        blocks,
        [
            (
                Some("bounds"),
                Some("cs: sentence(scope = combined) -imposed_on-> d")
            ),
            (Some("missing"), None)
        ]
    );
    let bounds = pack
        .explain_part(&g, id, Some("bounds"), None, &opts)
        .unwrap();
    assert_eq!(bounds.blocks.len(), 1);
    assert_eq!(bounds.blocks[0].part.as_deref(), Some("bounds"));
    assert!(bounds.blocks[0].location.contains("sentencing.rules:"));
    assert_eq!(bounds.stopped_total, 0);
    assert!(
        bounds
            .to_text()
            .starts_with(&format!("rule {id} part bounds: "))
    );
    let missing = pack
        .explain_part(&g, id, Some("missing"), None, &opts)
        .unwrap();
    assert_eq!(missing.stopped_total, 3);
    assert_eq!(missing.blocks[0].stopped, 3);
    assert!(missing.blocks[0].unmatched.is_none());
    assert_eq!(pack.rule_parts(id).len(), 2);
    assert!(pack.rule_parts("cn.order.step_order").is_empty());
}

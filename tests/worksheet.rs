//! The sentencing worksheet: the computation behind the SO2021 findings, as data.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use caselint::{Lang, ReviewOptions, RulePack};

fn worksheet(case_file: &str, lang: &str) -> caselint::Report {
    let pack = RulePack::load("rules/cn-criminal").unwrap();
    let text = std::fs::read_to_string(case_file).unwrap();
    let case = pack.load_case(&text).unwrap();
    let opts = ReviewOptions {
        views: true,
        lang: Lang::One(lang.into()),
        ..ReviewOptions::default()
    };
    pack.review_with(&case, &opts).unwrap()
}

fn cell<'a>(r: &'a caselint::Report, view: &str, row: usize, col: &str) -> &'a str {
    let v = r.views.iter().find(|v| v.name == view).unwrap();
    let i = v.columns.iter().position(|c| c.name == col).unwrap();
    &v.rows[row].text[i]
}

#[test]
fn fraud_worksheet_shows_range_multiplier_and_band() {
    let r = worksheet("examples/cases/fraud-recidivist.json", "en");
    let v = r
        .views
        .iter()
        .find(|v| v.name == "sentencing_worksheet")
        .unwrap();
    assert_eq!(v.rows.len(), 1);
    assert_eq!(v.rows[0].nodes, ["d1", "c1", "s1"]);
    assert_eq!(cell(&r, "sentencing_worksheet", 0, "tier"), "2");
    assert_eq!(
        cell(&r, "sentencing_worksheet", 0, "range"),
        "fixed-term 36 to 120 months"
    );
    assert_eq!(cell(&r, "sentencing_worksheet", 0, "m"), "0.7");
    assert_eq!(cell(&r, "sentencing_worksheet", 0, "band_low"), "20.16");
    assert_eq!(cell(&r, "sentencing_worksheet", 0, "band_high"), "100.8");
    assert_eq!(
        cell(&r, "sentencing_worksheet", 0, "position"),
        "within the band"
    );
    let c = r
        .views
        .iter()
        .find(|v| v.name == "sentencing_circumstances")
        .unwrap();
    assert_eq!(c.rows.len(), 2);
    // Numbers are numbers in the JSON form.
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(
        json["views"][0]["rows"][0]["values"][12],
        serde_json::json!(20.16)
    );
}

#[test]
fn worksheet_in_chinese() {
    let r = worksheet("examples/cases/theft-ordinary-clean.json", "zh");
    assert_eq!(
        cell(&r, "sentencing_worksheet", 0, "position"),
        "在参考区间内"
    );
    assert_eq!(cell(&r, "sentencing_worksheet", 0, "crime"), "盗窃罪");
}

#[test]
fn views_are_left_out_unless_asked() {
    let pack = RulePack::load("rules/cn-criminal").unwrap();
    let case = pack
        .load_case(&std::fs::read_to_string("examples/cases/fraud-recidivist.json").unwrap())
        .unwrap();
    let r = pack.review(&case).unwrap();
    assert!(r.views.is_empty());
    assert!(!r.to_json().contains("\"views\""));
}

/// A view without rows says so in the review's language.
#[test]
fn an_empty_view_says_so_in_the_reviews_language() {
    let pack = RulePack::load("rules/cn-criminal").unwrap();
    let case = pack
        .load_case(
            r#"{"id": "T", "nodes": [{"id": "k", "kind": "case", "procedure": "ordinary"}]}"#,
        )
        .unwrap();
    for (lang, none) in [("zh", "  （无）\n"), ("en", "  (no rows)\n")] {
        let opts = ReviewOptions {
            views: true,
            lang: Lang::One(lang.into()),
            ..ReviewOptions::default()
        };
        let r = pack.review_with(&case, &opts).unwrap();
        let text = caselint::report::render_text(&r, Some(&case), false);
        assert!(text.contains(none), "{lang}: {text}");
        let other = if lang == "zh" {
            "(no rows)"
        } else {
            "（无）"
        };
        assert!(!text.contains(other), "{lang}: {text}");
    }
}

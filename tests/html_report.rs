//! `caselint report`: the case as one self-contained HTML page.
//!
//! - the page's structure (tags, ids, classes; no text) is a snapshot;
//! - for every sample case, the page has one `.finding` per finding, one
//!   `.timeline` per defendant and one worksheet row per view row;
//! - in headless Chromium (`/usr/bin/chromium`, installed by `.ci/run`) every
//!   sample page loads without a console error, its script runs, and the DOM
//!   the browser built has the same counts; a screenshot of each is kept in
//!   `target/html-screenshots/` as an artifact;
//! - `examples/reports/*.html` are the pages of the sample cases, byte for
//!   byte (regenerate with `CASELINT_BLESS=1 cargo test --test html_report`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use caselint::report::html::{HtmlOptions, explanations_for, render_case_html, render_html};
use caselint::{CaseGraph, Report, RulePack};
use std::path::{Path, PathBuf};
use std::process::Command;

fn pack() -> RulePack {
    RulePack::load("rules/cn-criminal").unwrap()
}

fn sample_cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir("examples/cases")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "json")
                && !p.to_string_lossy().ends_with(".expected.json")
        })
        .collect();
    cases.sort();
    assert!(cases.len() >= 5, "the sample cases are missing");
    cases
}

fn stem(p: &Path) -> String {
    p.file_stem().unwrap().to_string_lossy().into_owned()
}

fn load(pack: &RulePack, path: &Path) -> CaseGraph {
    pack.load_case(&std::fs::read_to_string(path).unwrap())
        .unwrap()
}

/// The page and the review it shows.
fn page(pack: &RulePack, case: &CaseGraph, opts: &HtmlOptions) -> (String, Report) {
    let ropts = opts.review_options(pack);
    let report = pack.review_with(case, &ropts).unwrap();
    let expl = explanations_for(pack, case, &report, &ropts).unwrap();
    let html = render_html(pack, case, &report, &expl, opts);
    assert_eq!(
        html,
        render_case_html(pack, case, opts).unwrap(),
        "render_case_html is render_html over the same review"
    );
    (html, report)
}

fn classes<'a>(n: roxmltree::Node<'a, 'a>) -> Vec<&'a str> {
    n.attribute("class")
        .map(|c| c.split_whitespace().collect())
        .unwrap_or_default()
}

fn count_class(doc: &roxmltree::Document<'_>, class: &str) -> usize {
    doc.descendants()
        .filter(|n| n.is_element() && classes(*n).contains(&class))
        .count()
}

fn view_rows(report: &Report, name: &str) -> usize {
    report
        .views
        .iter()
        .find(|v| v.name == name)
        .map_or(0, |v| v.rows.len())
}

fn defendants(case: &CaseGraph) -> usize {
    let schema = case.schema();
    let person = schema.node_kind("person").unwrap();
    let role = schema.field(person, "role").unwrap();
    case.nodes_of_kind(person)
        .iter()
        .filter(|n| {
            let e = schema
                .field_def(person, role)
                .unwrap()
                .ty
                .enum_id()
                .unwrap();
            case.field(**n, role).and_then(|v| v.as_enum()) == schema.enum_value(e, "defendant")
        })
        .count()
}

/// The page's skeleton: one line per element (tag, id, classes), indented by
/// depth, text and other attributes left out; runs of equal lines folded.
fn skeleton(html: &str) -> String {
    let doc = roxmltree::Document::parse_with_options(
        html,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .unwrap();
    let mut lines: Vec<String> = vec![];
    fn walk(n: roxmltree::Node<'_, '_>, depth: usize, out: &mut Vec<String>) {
        for c in n.children().filter(|c| c.is_element()) {
            let mut s = format!("{}{}", "  ".repeat(depth), c.tag_name().name());
            if let Some(id) = c.attribute("id") {
                s.push_str(&format!("#{id}"));
            }
            for cl in classes(c) {
                s.push_str(&format!(".{cl}"));
            }
            out.push(s);
            walk(c, depth + 1, out);
        }
    }
    walk(doc.root(), 0, &mut lines);
    let mut folded: Vec<(String, usize)> = vec![];
    for l in lines {
        match folded.last_mut() {
            Some((prev, n)) if *prev == l => *n += 1,
            _ => folded.push((l, 1)),
        }
    }
    folded
        .into_iter()
        .map(|(l, n)| if n > 1 { format!("{l} ×{n}") } else { l })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn page_structure_snapshot() {
    let pack = pack();
    let case = load(
        &pack,
        Path::new("examples/cases/robbery-juvenile-defects.json"),
    );
    let (html, _) = page(&pack, &case, &HtmlOptions::default());
    insta::assert_snapshot!("robbery_structure", skeleton(&html));
}

#[test]
fn every_sample_page_has_the_right_counts() {
    let pack = pack();
    for path in sample_cases() {
        let case = load(&pack, &path);
        for lang in ["zh", "en"] {
            for as_of in [None, Some("2024-06-20".parse().unwrap())] {
                let opts = HtmlOptions {
                    lang: Some(lang.into()),
                    as_of,
                };
                let (html, report) = page(&pack, &case, &opts);
                let what = format!("{} ({lang}, as of {as_of:?})", path.display());
                let doc = roxmltree::Document::parse_with_options(
                    &html,
                    roxmltree::ParsingOptions {
                        allow_dtd: true,
                        ..Default::default()
                    },
                )
                .unwrap_or_else(|e| panic!("{what}: not well-formed: {e}"));
                let root = doc.root_element();
                assert_eq!(
                    root.attribute("lang").map(|l| &l[..2]),
                    Some(lang),
                    "{what}"
                );
                assert_eq!(
                    count_class(&doc, "finding"),
                    report.findings.len(),
                    "{what}: findings"
                );
                assert_eq!(
                    count_class(&doc, "timeline"),
                    defendants(&case),
                    "{what}: timelines"
                );
                assert_eq!(
                    count_class(&doc, "ws-row"),
                    view_rows(&report, "sentencing_worksheet"),
                    "{what}: worksheet rows"
                );
                assert_eq!(
                    count_class(&doc, "circ-row"),
                    view_rows(&report, "sentencing_circumstances"),
                    "{what}: circumstance rows"
                );
                let pending = report.findings.iter().filter(|f| f.is_pending()).count();
                assert_eq!(
                    doc.descendants()
                        .filter(|n| classes(*n).contains(&"finding")
                            && classes(*n).contains(&"sev-pending"))
                        .count(),
                    pending,
                    "{what}: pending"
                );
                assert_eq!(
                    doc.descendants()
                        .any(|n| n.attribute("id") == Some("pending")),
                    as_of.is_some(),
                    "{what}: the pending section is there exactly when as of a day"
                );
                // Each pin and chip points at a finding of the page.
                for n in doc
                    .descendants()
                    .filter(|n| n.has_attribute("data-finding"))
                {
                    let id = n.attribute("data-finding").unwrap();
                    assert!(
                        doc.descendants()
                            .any(|m| m.attribute("id") == Some(id)
                                && classes(m).contains(&"finding")),
                        "{what}: `{id}` names no finding"
                    );
                }
                // Self-contained: nothing is loaded from anywhere.
                for n in doc.descendants().filter(|n| n.is_element()) {
                    for a in ["src", "href"] {
                        if let Some(v) = n.attribute(a) {
                            assert!(v.starts_with('#'), "{what}: external `{a}={v}`");
                        }
                    }
                    assert_ne!(n.tag_name().name(), "link", "{what}");
                }
                assert!(!html.contains("http://") || !html.contains("src=\"http"));
                assert!(html.contains("@page") && html.contains("size: A4"));
            }
        }
    }
}

#[test]
fn robbery_page_shows_the_late_and_the_missing() {
    let pack = pack();
    let case = load(
        &pack,
        Path::new("examples/cases/robbery-juvenile-defects.json"),
    );
    let (html, report) = page(&pack, &case, &HtmlOptions::default());
    let doc = roxmltree::Document::parse_with_options(
        &html,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .unwrap();
    let d1 = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("tl-d1"))
        .unwrap();
    let in_d1 = |class: &str| {
        d1.descendants()
            .filter(|n| classes(*n).contains(&class))
            .collect::<Vec<_>>()
    };
    // The family notice 8 h 20 min after its 24-hour window, and the
    // indictment served 4 days after its deadline: both hatched past the end.
    let overruns = in_d1("overrun");
    assert_eq!(overruns.len(), 2, "{html}");
    let texts: String = overruns
        .iter()
        .flat_map(|n| n.descendants())
        .filter_map(|n| n.text())
        .collect();
    assert!(texts.contains("8小时20分"), "{texts}");
    assert!(texts.contains("4日"), "{texts}");
    // Every finding about d1 is pinned on its timeline or listed under it.
    let pinned: std::collections::BTreeSet<&str> = d1
        .descendants()
        .filter_map(|n| n.attribute("data-finding"))
        .collect();
    let d1_findings = report
        .findings
        .iter()
        .filter(|f| f.nodes.iter().any(|n| n == "d1"))
        .count();
    assert_eq!(pinned.len(), d1_findings);
    // d2's acts are all in time: no overrun on d2's timeline.
    let d2 = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("tl-d2"))
        .unwrap();
    assert!(
        !d2.descendants()
            .any(|n| classes(n).contains(&"overrun") || classes(n).contains(&"missing"))
    );
    // Names are escaped, never markup.
    let mut json = std::fs::read_to_string("examples/cases/robbery-juvenile-defects.json").unwrap();
    json = json.replace("何俊杰", "<script>alert(1)</script>&\\\"'");
    let evil = pack.load_case(&json).unwrap();
    let (html, _) = page(&pack, &evil, &HtmlOptions::default());
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;"));
}

#[test]
fn pending_obligations_as_of_a_day() {
    let pack = pack();
    let case = load(
        &pack,
        Path::new("examples/cases/robbery-juvenile-defects.json"),
    );
    let opts = HtmlOptions {
        lang: Some("en".into()),
        as_of: Some("2024-03-06".parse().unwrap()),
    };
    let (html, report) = page(&pack, &case, &opts);
    let due = pack
        .due(
            &case,
            "2024-03-06".parse().unwrap(),
            caselint::Lang::One("en".into()),
        )
        .unwrap();
    assert!(!due.findings.is_empty());
    for f in &due.findings {
        let d = f.due.as_deref().unwrap();
        assert!(html.contains(d), "due {d} is shown");
    }
    assert_eq!(
        report.findings.iter().filter(|f| f.is_pending()).count(),
        due.findings.len()
    );
    assert!(html.contains("Pending obligations"));
    assert!(html.contains("class=\"asof\""));
}

/// The committed pages: each sample case in Chinese, the robbery case also in English.
fn committed_pages() -> Vec<(PathBuf, PathBuf, HtmlOptions)> {
    let mut out = vec![];
    for case in sample_cases() {
        let name = stem(&case);
        out.push((
            case.clone(),
            PathBuf::from(format!("examples/reports/{name}.html")),
            HtmlOptions::default(),
        ));
        if name == "robbery-juvenile-defects" {
            out.push((
                case.clone(),
                PathBuf::from(format!("examples/reports/{name}.en.html")),
                HtmlOptions {
                    lang: Some("en".into()),
                    as_of: None,
                },
            ));
        }
    }
    out
}

#[test]
fn committed_example_reports_are_current() {
    let pack = pack();
    let bless = std::env::var_os("CASELINT_BLESS").is_some();
    let mut stale = vec![];
    for (case, file, opts) in committed_pages() {
        let html = render_case_html(&pack, &load(&pack, &case), &opts).unwrap();
        let old = std::fs::read_to_string(&file).unwrap_or_default();
        if old != html {
            if bless {
                std::fs::create_dir_all(file.parent().unwrap()).unwrap();
                std::fs::write(&file, &html).unwrap();
            } else {
                stale.push(file.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "out of date: {stale:?}; regenerate with `CASELINT_BLESS=1 cargo test --test html_report` \
         (or `caselint report CASE -o FILE`)"
    );
}

// ------------------------------------------------------------- Chromium

const CHROMIUM: &str = "/usr/bin/chromium";

fn chromium(args: &[&str], page: &Path) -> (String, String) {
    let profile = tempdir("profile");
    let out = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=2000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {CHROMIUM}: {e}"));
    let _ = std::fs::remove_dir_all(&profile);
    assert!(
        out.status.success(),
        "chromium failed on {}: {}",
        page.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn tempdir(what: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "caselint-html-{what}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// An attribute of the `<body>` start tag of a dumped DOM.
fn body_attr<'a>(dom: &'a str, name: &str) -> Option<&'a str> {
    let start = dom.find("<body")?;
    let tag = &dom[start..start + dom[start..].find('>')?];
    let key = format!(" {name}=\"");
    let i = tag.find(&key)? + key.len();
    let j = tag[i..].find('"')?;
    Some(&tag[i..i + j])
}

#[test]
fn sample_pages_load_in_headless_chromium() {
    if !Path::new(CHROMIUM).exists() {
        panic!(
            "{CHROMIUM} is missing: install it with `apt-get update && apt-get install -y chromium` \
             (.ci/run does)"
        );
    }
    let pack = pack();
    let dir = tempdir("pages");
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/html-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let mut pages = vec![];
    for case in sample_cases() {
        pages.push((case.clone(), stem(&case), HtmlOptions::default()));
    }
    let robbery = PathBuf::from("examples/cases/robbery-juvenile-defects.json");
    pages.push((
        robbery.clone(),
        "robbery-juvenile-defects.en".into(),
        HtmlOptions {
            lang: Some("en".into()),
            as_of: None,
        },
    ));
    pages.push((
        robbery,
        "robbery-juvenile-defects.as-of".into(),
        HtmlOptions {
            lang: None,
            as_of: Some("2024-06-20".parse().unwrap()),
        },
    ));
    for (case, name, opts) in pages {
        let graph = load(&pack, &case);
        let (html, report) = page(&pack, &graph, &opts);
        let file = dir.join(format!("{name}.html"));
        std::fs::write(&file, &html).unwrap();

        let (dom, log) = chromium(&["--dump-dom"], &file);
        assert_eq!(
            body_attr(&dom, "data-ready"),
            Some("1"),
            "{name}: the script did not finish\n{log}"
        );
        assert_eq!(
            body_attr(&dom, "data-errors"),
            Some(""),
            "{name}: errors on the page"
        );
        for line in log.lines() {
            assert!(
                !line.contains(":CONSOLE") && !line.contains("Uncaught"),
                "{name}: console message from the page: {line}"
            );
            assert!(
                !line.contains("Content Security Policy") && !line.contains("net::ERR"),
                "{name}: the page tried to load something: {line}"
            );
        }
        let want = [
            ("data-findings", report.findings.len()),
            ("data-timelines", defendants(&graph)),
            ("data-ws-rows", view_rows(&report, "sentencing_worksheet")),
            (
                "data-circ-rows",
                view_rows(&report, "sentencing_circumstances"),
            ),
        ];
        for (attr, n) in want {
            assert_eq!(
                body_attr(&dom, attr),
                Some(n.to_string().as_str()),
                "{name}: {attr} in the browser's DOM"
            );
        }
        assert!(dom.contains("class=\"tl\""), "{name}: no timeline SVG");

        let png = shots.join(format!("{name}.png"));
        let _ = std::fs::remove_file(&png);
        let shot = format!("--screenshot={}", png.display());
        chromium(&[shot.as_str(), "--window-size=1200,2000"], &file);
        let size = std::fs::metadata(&png).map(|m| m.len()).unwrap_or(0);
        assert!(size > 10_000, "{name}: no screenshot at {}", png.display());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

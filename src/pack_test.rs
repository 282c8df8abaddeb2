//! Rule-pack tests: cases with the findings they must (and must not) raise,
//! in the pack's `tests/*.test.json` files (docs/pack-tests.md), and the
//! coverage they give each rule.

use crate::RulePack;
use crate::eval::{Coverage, Lang, ReviewOptions};
use crate::report::Finding;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One test file, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestFile {
    tests: Vec<TestSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestSpec {
    name: String,
    #[serde(default)]
    case: Option<serde_json::Value>,
    #[serde(default)]
    case_file: Option<String>,
    #[serde(default)]
    as_of: Option<String>,
    #[serde(default)]
    expect: Vec<Expected>,
    #[serde(default)]
    only: Only,
}

/// A finding a test requires.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    /// The rule id.
    pub rule: String,
    /// The nodes, exactly and in order, when given.
    #[serde(default)]
    pub nodes: Option<Vec<String>>,
    /// The severity, when given.
    #[serde(default)]
    pub severity: Option<String>,
    /// Whether it must be a pending obligation, when given.
    #[serde(default)]
    pub pending: Option<bool>,
    /// Texts the message must contain, by language (`{"en": "5 months"}`).
    #[serde(default)]
    pub message: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(untagged)]
enum Only {
    #[default]
    None,
    All(String),
    Rules(Vec<String>),
}

/// The outcome of one test.
#[derive(Clone, Debug)]
pub struct TestResult {
    /// The test file.
    pub file: PathBuf,
    /// The test's name.
    pub name: String,
    /// Empty when the test passed; otherwise what went wrong.
    pub failures: Vec<String>,
    /// Expected findings, for the diff.
    pub expected: Vec<Expected>,
    /// Actual findings of the rules the test is about.
    pub actual: Vec<Finding>,
}

impl TestResult {
    /// Whether the test passed.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// A malformed test file.
#[derive(Clone, Debug)]
pub struct TestFileError {
    /// The file.
    pub file: PathBuf,
    /// 1-based line (0 when unknown).
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// Per rule: did some test make it fire, and some test make it stay silent?
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleCoverage {
    /// Some test raised a finding of the rule.
    pub fired: bool,
    /// Some test that is about the rule (`only`) raised none.
    pub silent: bool,
}

/// The result of a test run.
#[derive(Clone, Debug, Default)]
pub struct TestRun {
    /// Every test, in file order.
    pub results: Vec<TestResult>,
    /// Test files that could not be read.
    pub file_errors: Vec<TestFileError>,
    /// Rule id → coverage.
    pub rules: BTreeMap<String, RuleCoverage>,
    /// Conditions never seen both true and false: `(location, rule id, what)`.
    pub unexercised: Vec<(String, String, String)>,
}

impl TestRun {
    /// Number of failed tests.
    pub fn failed(&self) -> usize {
        self.results.iter().filter(|r| !r.passed()).count()
    }

    /// Percentage of rules that both fired and stayed silent in some test.
    pub fn coverage_percent(&self) -> f64 {
        if self.rules.is_empty() {
            return 100.0;
        }
        let full = self.rules.values().filter(|c| c.fired && c.silent).count();
        (full as f64) * 100.0 / (self.rules.len() as f64)
    }
}

/// The test files of a pack: `*.test.json` anywhere under its folder, in path order.
pub fn discover(pack_dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    walk(pack_dir, &mut out, 0);
    out.sort();
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() && depth < 16 {
            walk(&p, out, depth + 1);
        } else if p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.ends_with(".test.json"))
        {
            out.push(p);
        }
    }
}

/// Runs a pack's tests. `filter`: only tests whose name or file contains it.
pub fn run(pack: &RulePack, files: &[PathBuf], filter: Option<&str>) -> TestRun {
    let mut run = TestRun::default();
    for id in pack.rule_ids() {
        run.rules.insert(id.to_string(), RuleCoverage::default());
    }
    let mut cov = Coverage::new(pack.program());
    for file in files {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                run.file_errors.push(TestFileError {
                    file: file.clone(),
                    line: 0,
                    column: 0,
                    message: format!("cannot read: {e}"),
                });
                continue;
            }
        };
        let spec: TestFile = match serde_json::from_str(&text) {
            Ok(s) => s,
            Err(e) => {
                run.file_errors.push(TestFileError {
                    file: file.clone(),
                    line: e.line(),
                    column: e.column(),
                    message: e.to_string(),
                });
                continue;
            }
        };
        for t in spec.tests {
            let file_str = file.display().to_string();
            if filter.is_some_and(|f| !t.name.contains(f) && !file_str.contains(f)) {
                continue;
            }
            let result = run_one(pack, file, &t, &mut run.rules, &mut cov);
            run.results.push(result);
        }
    }
    run.unexercised = cov.unexercised(pack);
    run
}

fn run_one(
    pack: &RulePack,
    file: &Path,
    t: &TestSpec,
    rules: &mut BTreeMap<String, RuleCoverage>,
    cov: &mut Coverage,
) -> TestResult {
    let mut result = TestResult {
        file: file.to_path_buf(),
        name: t.name.clone(),
        failures: vec![],
        expected: t.expect.clone(),
        actual: vec![],
    };
    let case_text = match (&t.case, &t.case_file) {
        (Some(c), None) => c.to_string(),
        (None, Some(f)) => {
            let p = file.parent().unwrap_or(Path::new(".")).join(f);
            match std::fs::read_to_string(&p) {
                Ok(s) => s,
                Err(e) => {
                    result
                        .failures
                        .push(format!("cannot read case file `{}`: {e}", p.display()));
                    return result;
                }
            }
        }
        _ => {
            result
                .failures
                .push("a test gives exactly one of `case` and `case_file`".to_string());
            return result;
        }
    };
    let as_of = match &t.as_of {
        None => None,
        Some(s) => match s.parse::<jiff::civil::Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                result
                    .failures
                    .push(format!("`as_of` `{s}` is not a day YYYY-MM-DD"));
                return result;
            }
        },
    };
    let case = match pack.load_case(&case_text) {
        Ok(c) => c,
        Err(errs) => {
            for e in errs.errors {
                result.failures.push(format!(
                    "case does not load: {} (at `{}`)",
                    e.message, e.path
                ));
            }
            return result;
        }
    };
    // (Every language when a message is tested: it may be in any of them.)
    let lang = if t.expect.iter().any(|e| e.message.is_some()) {
        Lang::All
    } else {
        Lang::Default
    };
    let opts = ReviewOptions {
        as_of,
        lang,
        ..ReviewOptions::default()
    };
    let report = match pack.review_covered(&case, &opts, cov) {
        Ok(r) => r,
        Err(e) => {
            result.failures.push(format!("review failed: {e}"));
            return result;
        }
    };
    for f in &report.findings {
        if let Some(c) = rules.get_mut(&f.rule) {
            c.fired = true;
        }
    }
    let about: BTreeSet<String> = match &t.only {
        Only::None => t.expect.iter().map(|e| e.rule.clone()).collect(),
        Only::All(s) if s == "*" => rules.keys().cloned().collect(),
        Only::All(s) => std::iter::once(s.clone()).collect(),
        Only::Rules(r) => r
            .iter()
            .cloned()
            .chain(t.expect.iter().map(|e| e.rule.clone()))
            .collect(),
    };
    let strict: BTreeSet<String> = match &t.only {
        Only::None => BTreeSet::new(),
        _ => about.clone(),
    };
    for r in &about {
        if !rules.contains_key(r) {
            let hint = crate::diag::did_you_mean(r, rules.keys().map(String::as_str))
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            result
                .failures
                .push(format!("the pack has no rule `{r}`{hint}"));
        }
    }
    for r in &strict {
        if !report.findings.iter().any(|f| &f.rule == r)
            && let Some(c) = rules.get_mut(r)
        {
            c.silent = true;
        }
    }
    // A message tested in a language the pack does not have.
    let langs: BTreeSet<&str> = report
        .findings
        .iter()
        .flat_map(|f| match &f.message {
            crate::report::LocalText::All(by) => by.keys().map(String::as_str).collect(),
            crate::report::LocalText::One(_) => vec![],
        })
        .collect();
    for e in &t.expect {
        for lang in e.message.iter().flat_map(|m| m.keys()) {
            if !langs.is_empty() && !langs.contains(lang.as_str()) {
                let known: Vec<&str> = langs.iter().copied().collect();
                result.failures.push(format!(
                    "the pack has no language `{lang}` (it has {})",
                    known.join(", ")
                ));
            }
        }
    }
    let mut matched = vec![false; report.findings.len()];
    for e in &t.expect {
        let hit = report
            .findings
            .iter()
            .enumerate()
            .position(|(i, f)| !matched.get(i).copied().unwrap_or(true) && matches(e, f));
        match hit {
            Some(i) => {
                if let Some(m) = matched.get_mut(i) {
                    *m = true;
                }
            }
            None => result.failures.push(format!("missing: {}", describe(e))),
        }
    }
    for (f, m) in report.findings.iter().zip(&matched) {
        if !m && strict.contains(&f.rule) {
            result.failures.push(format!(
                "unexpected: {} [{}] {}",
                f.rule,
                f.nodes.join(", "),
                f.message.as_str()
            ));
        }
    }
    result.actual = report
        .findings
        .into_iter()
        .filter(|f| about.contains(&f.rule))
        .collect();
    result
}

fn matches(e: &Expected, f: &Finding) -> bool {
    e.rule == f.rule
        && e.nodes.as_ref().is_none_or(|n| *n == f.nodes)
        && e.severity
            .as_deref()
            .is_none_or(|s| s == crate::report::severity_name(f.severity))
        && e.pending.is_none_or(|p| p == f.is_pending())
        && e.message.as_ref().is_none_or(|m| {
            m.iter().all(|(lang, want)| match &f.message {
                crate::report::LocalText::All(by) => by.get(lang).is_some_and(|t| t.contains(want)),
                crate::report::LocalText::One(t) => t.contains(want),
            })
        })
}

/// `rule [nodes]` as the diff shows it.
pub fn describe(e: &Expected) -> String {
    let mut s = e.rule.clone();
    if let Some(n) = &e.nodes {
        s.push_str(&format!(" [{}]", n.join(", ")));
    }
    if let Some(sev) = &e.severity {
        s.push_str(&format!(" ({sev})"));
    }
    if e.pending == Some(true) {
        s.push_str(" (pending)");
    }
    for (lang, want) in e.message.iter().flatten() {
        s.push_str(&format!(" {lang}: \"…{want}…\""));
    }
    s
}

/// JUnit XML for court CI systems.
pub fn junit(run: &TestRun, suite: &str) -> String {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&apos;")
    };
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites><testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n",
        esc(suite),
        run.results.len(),
        run.failed(),
        run.file_errors.len()
    ));
    for r in &run.results {
        let class = r
            .file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("tests");
        out.push_str(&format!(
            "  <testcase classname=\"{}\" name=\"{}\"",
            esc(class),
            esc(&r.name)
        ));
        if r.passed() {
            out.push_str("/>\n");
        } else {
            out.push_str(&format!(
                ">\n    <failure message=\"{}\">{}</failure>\n  </testcase>\n",
                esc(r.failures.first().map_or("", String::as_str)),
                esc(&r.failures.join("\n"))
            ));
        }
    }
    for e in &run.file_errors {
        out.push_str(&format!(
            "  <testcase classname=\"{}\" name=\"(file)\">\n    <error message=\"{}\"/>\n  </testcase>\n",
            esc(&e.file.display().to_string()),
            esc(&e.message)
        ));
    }
    out.push_str("</testsuite></testsuites>\n");
    out
}

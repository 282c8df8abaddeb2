//! Rule-pack tests: cases with the findings they must (and must not) raise,
//! in the pack's `tests/*.test.json` files (docs/pack-tests.md), and the
//! coverage they give each rule.

use crate::RulePack;
use crate::eval::{Coverage, Lang, ReviewOptions};
use crate::report::Finding;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One test file, as written: each test is read on its own, so that a
/// mistake in one leaves the others to run.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestFile<'a> {
    #[serde(borrow)]
    tests: Vec<&'a RawValue>,
}

/// The keys a test may have.
const TEST_KEYS: [&str; 6] = ["name", "case", "case_file", "as_of", "expect", "only"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestSpec<'a> {
    name: String,
    /// The case as written in the file (its errors are placed in the file).
    #[serde(default, borrow)]
    case: Option<&'a RawValue>,
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
        let file_str = file.display().to_string();
        for (i, raw) in spec.tests.iter().enumerate() {
            let t: TestSpec<'_> = match serde_json::from_str(raw.get()) {
                Ok(t) => t,
                Err(e) => {
                    // (Its name, when it has one, for the filter and the report.)
                    #[derive(Deserialize)]
                    struct Named {
                        name: Option<String>,
                    }
                    let name = serde_json::from_str::<Named>(raw.get())
                        .ok()
                        .and_then(|n| n.name)
                        .unwrap_or_else(|| format!("test {}", i + 1));
                    if filter.is_some_and(|f| !name.contains(f) && !file_str.contains(f)) {
                        continue;
                    }
                    let (line, column) = place(&text, raw.get(), (e.line(), e.column()), true);
                    // (serde_json's own "at line … column …" counts from the test's start.)
                    let mut message = format!("{e}");
                    if let Some(i) = message.rfind(" at line ") {
                        message.truncate(i);
                    }
                    if let Some(key) = message
                        .strip_prefix("unknown field `")
                        .and_then(|r| r.split('`').next())
                        && let Some(h) = crate::diag::did_you_mean(key, TEST_KEYS)
                    {
                        message = format!("unknown key `{key}` ({h})");
                    }
                    run.results.push(TestResult {
                        file: file.clone(),
                        name,
                        failures: vec![format!("{message} ({file_str}:{line}:{column})")],
                        expected: vec![],
                        actual: vec![],
                    });
                    continue;
                }
            };
            if filter.is_some_and(|f| !t.name.contains(f) && !file_str.contains(f)) {
                continue;
            }
            let result = run_one(pack, file, &text, &t, &mut run.rules, &mut cov);
            run.results.push(result);
        }
    }
    run.unexercised = cov.unexercised(pack);
    run
}

/// The line and column (from 1; columns in characters, as every location
/// caselint gives) in `text` of the place at line `line`, column `column` of
/// `part`, a slice of `text`; `column` counts bytes when `bytes` (as
/// serde_json's do), characters otherwise (as the case loader's do).
fn place(text: &str, part: &str, (line, column): (usize, usize), bytes: bool) -> (usize, usize) {
    let start = (part.as_ptr() as usize)
        .checked_sub(text.as_ptr() as usize)
        .filter(|o| *o <= text.len())
        .unwrap_or(0);
    // The place's byte offset in `part`: its line's start, then the column.
    let line_start: usize = part
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = part.get(line_start..).unwrap_or_default();
    let in_line = if bytes {
        column.saturating_sub(1).min(rest.len())
    } else {
        rest.char_indices()
            .nth(column.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i)
    };
    let mut at = (start + line_start + in_line).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = text.get(..at).unwrap_or_default();
    let col = before
        .rsplit('\n')
        .next()
        .unwrap_or_default()
        .chars()
        .count();
    (before.matches('\n').count() + 1, col + 1)
}

fn run_one(
    pack: &RulePack,
    file: &Path,
    text: &str,
    t: &TestSpec<'_>,
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
    // The case's text, and where its lines and columns are counted from.
    let (case_text, case_file): (String, Option<String>) = match (&t.case, &t.case_file) {
        (Some(c), None) => (c.get().to_string(), None),
        (None, Some(f)) => {
            let p = file.parent().unwrap_or(Path::new(".")).join(f);
            match std::fs::read_to_string(&p) {
                Ok(s) => (s, Some(p.display().to_string())),
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
                let (line, column) = match (&case_file, &t.case) {
                    (None, Some(c)) => {
                        place(text, c.get(), (e.line as usize, e.column as usize), false)
                    }
                    _ => (e.line as usize, e.column as usize),
                };
                let at = case_file
                    .clone()
                    .unwrap_or_else(|| file.display().to_string());
                let help = e.help.map(|h| format!("; {h}")).unwrap_or_default();
                result.failures.push(format!(
                    "case does not load: {} (at `{}`, {at}:{line}:{column}){help}",
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn pack() -> RulePack {
        RulePack::from_sources([(
            "p.rules",
            "pack t { languages en }\n\
             node person { role: enum(defendant) required\n name: text }\n\
             rule t.named { severity error title \"t\" cite \"c\"\n\
             for d: person require d.name is present message \"m\" }\n",
        )])
        .unwrap()
    }

    /// A test with a misspelt key fails alone (the others run), and a case
    /// that does not load is placed in the test file, with the loader's hint.
    #[test]
    fn one_bad_test_leaves_the_others_and_errors_point_into_the_file() {
        let dir = std::env::temp_dir().join(format!("caselint-pt-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("t.test.json");
        let text = r#"{"tests": [
 {"name": "拼错", "expct": [],
  "case": {"id": "T", "nodes": [{"id": "d1", "kind": "person", "role": "defendant"}]}},
 {"name": "fires",
  "case": {"id": "T", "nodes": [{"id": "d1", "kind": "person", "role": "defendant"}]},
  "expect": [{"rule": "t.named", "nodes": ["d1"]}]},
 {"name": "bad case",
  "case": {"id": "T", "nodes": [
    {"id": "d1", "kind": "person", "role": "defendant", "nme": "x"}]},
  "expect": []},
 {"name": "典型", "as_of": 5,
  "case": {"id": "T", "nodes": []}}
]}
"#;
        std::fs::write(&file, text).unwrap();
        let run = run(&pack(), std::slice::from_ref(&file), None);
        std::fs::remove_dir_all(&dir).ok();
        assert!(run.file_errors.is_empty(), "{:?}", run.file_errors);
        let by_name = |n: &str| run.results.iter().find(|r| r.name == n).unwrap();
        assert_eq!(run.results.len(), 4);
        let typed = &by_name("典型").failures;
        assert_eq!(typed.len(), 1, "{typed:?}");
        assert!(
            !typed[0].contains(" at line ") && typed[0].ends_with("t.test.json:11:26)"),
            "{typed:?}"
        );
        let misspelt = &by_name("拼错").failures;
        assert_eq!(misspelt.len(), 1, "{misspelt:?}");
        assert!(
            misspelt[0].starts_with("unknown key `expct` (did you mean `expect`?)")
                && misspelt[0].ends_with("t.test.json:2:23)"),
            "{misspelt:?}"
        );
        assert!(by_name("fires").passed(), "{:?}", by_name("fires").failures);
        let bad = &by_name("bad case").failures;
        assert_eq!(bad.len(), 1, "{bad:?}");
        assert!(
            bad[0].contains("(at `nodes[0].nme`, ")
                && bad[0].contains("t.test.json:9:57)")
                && bad[0].ends_with("; did you mean `name`?"),
            "{bad:?}"
        );
    }
}

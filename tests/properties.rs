//! Properties that must hold for every input, checked with proptest.
//!
//! (a) A review is deterministic and does not depend on the order of a case
//!     file's nodes, edges or object keys: the sample cases of
//!     `examples/cases`, shuffled, give byte-identical JSON reports under the
//!     shipped pack `rules/cn-criminal`.
//! (b) `review_batch` gives what `load_case` + `review_with` give one case at
//!     a time, in input order, malformed cases included.
//! (c) The parser and the checker never panic: on arbitrary text, on token
//!     soup of the language's own words, and on the shipped pack's files with
//!     bytes or tokens deleted, duplicated or swapped. A mutated pack that
//!     still loads reviews a sample case without panicking.
//!
//! Failures print the shrunk input; `PROPTEST_CASES=1000 cargo test --test
//! properties` runs longer.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use caselint::{Lang, ReviewError, ReviewOptions, RulePack};
use proptest::prelude::*;
use serde_json::Value;
use std::path::Path;
use std::sync::OnceLock;

const PACK_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/rules/cn-criminal");
const CASES_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/cases");

fn shipped_pack() -> &'static RulePack {
    static P: OnceLock<RulePack> = OnceLock::new();
    P.get_or_init(|| {
        RulePack::load(PACK_DIR)
            .unwrap_or_else(|e| panic!("the shipped pack does not load: {:?}", e.diagnostics))
    })
}

/// The shipped pack's files, `(name, text)`, in path order.
fn pack_files() -> &'static [(String, String)] {
    static F: OnceLock<Vec<(String, String)>> = OnceLock::new();
    F.get_or_init(|| {
        let mut paths: Vec<_> = std::fs::read_dir(PACK_DIR)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "rules"))
            .collect();
        paths.sort();
        assert!(!paths.is_empty());
        paths
            .into_iter()
            .map(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read_to_string(&p).unwrap())
            })
            .collect()
    })
}

/// The sample case files (not their expected reports), in name order.
fn sample_cases() -> &'static [String] {
    static C: OnceLock<Vec<String>> = OnceLock::new();
    C.get_or_init(|| {
        let mut paths: Vec<_> = std::fs::read_dir(CASES_DIR)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.extension().is_some_and(|e| e == "json")
                    && !p.to_string_lossy().ends_with(".expected.json")
            })
            .collect();
        paths.sort();
        assert!(paths.len() >= 3, "too few sample cases in {CASES_DIR}");
        paths
            .iter()
            .map(|p| std::fs::read_to_string(Path::new(p)).unwrap())
            .collect()
    })
}

/// `caselint fmt` on any text: no panic, and text it formats formats to itself.
fn formats_to_a_fixed_point(text: &str) -> Result<(), TestCaseError> {
    if let Ok(out) = caselint::syntax::format_source(text) {
        prop_assert_eq!(
            caselint::syntax::format_source(&out).ok(),
            Some(out.clone())
        );
    }
    Ok(())
}

/// A small deterministic generator for shuffling (the seed comes from proptest).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }

    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
}

/// Writes JSON with every object's keys in a random order (serde_json's own
/// map would sort them), and the `nodes` and `edges` arrays shuffled.
fn write_shuffled(v: &Value, rng: &mut Rng, out: &mut String, shuffle_arrays: bool) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            rng.shuffle(&mut keys);
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(if rng.below(2) == 0 { "," } else { " ,\n " });
                }
                out.push_str(&serde_json::to_string(k).unwrap());
                out.push(':');
                let arrays = k == "nodes" || k == "edges";
                write_shuffled(&m[k], rng, out, arrays);
            }
            out.push('}');
        }
        Value::Array(items) => {
            let mut items: Vec<&Value> = items.iter().collect();
            if shuffle_arrays {
                rng.shuffle(&mut items);
            }
            out.push('[');
            for (i, x) in items.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_shuffled(x, rng, out, false);
            }
            out.push(']');
        }
        other => out.push_str(&serde_json::to_string(other).unwrap()),
    }
}

fn shuffled(json: &str, seed: u64) -> String {
    let v: Value = serde_json::from_str(json).unwrap();
    let mut out = String::new();
    write_shuffled(&v, &mut Rng(seed | 1), &mut out, false);
    out
}

fn options(which: u8) -> ReviewOptions {
    match which % 4 {
        0 => ReviewOptions::default(),
        1 => ReviewOptions {
            lang: Lang::All,
            ..ReviewOptions::default()
        },
        2 => ReviewOptions {
            lang: Lang::One("en".into()),
            as_of: Some(jiff::civil::date(2024, 3, 1)),
            ..ReviewOptions::default()
        },
        _ => ReviewOptions {
            as_of: Some(jiff::civil::date(2023, 6, 15)),
            views: true,
            ..ReviewOptions::default()
        },
    }
}

fn report_json(pack: &RulePack, json: &str, opts: &ReviewOptions) -> String {
    let g = pack.load_case(json).unwrap();
    pack.review_with(&g, opts).unwrap().to_json()
}

fn outcome(r: Result<caselint::Report, ReviewError>) -> String {
    match r {
        Ok(report) => report.to_json(),
        Err(e) => format!("error: {e:?}"),
    }
}

/// Cases that do not load, for the batch.
const MALFORMED: [&str; 5] = [
    "{",
    "not json at all",
    r#"{"id": "x", "nodes": [{"id": "k", "kind": "case", "procedure": "ordinary"}, {"id": "p", "kind": "planet"}]}"#,
    r#"{"nodes": []}"#,
    r#"{"id": "x", "nodes": [{"id": "k", "kind": "case", "procedure": "ordinary"}, {"id": "e", "kind": "event", "type": "hearing", "date": "2024-02-30"}]}"#,
];

#[test]
fn a_review_is_deterministic() {
    let pack = shipped_pack();
    for json in sample_cases() {
        for which in 0..4 {
            let opts = options(which);
            let first = report_json(pack, json, &opts);
            assert_eq!(first, report_json(pack, json, &opts));
        }
    }
}

// ----------------------------------------------------------- mutations

/// A token: a run of word characters, a run of whitespace, or one other character.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = vec![];
    let mut start = 0;
    let class = |c: char| {
        if c.is_alphanumeric() || c == '_' {
            0
        } else if c.is_whitespace() {
            1
        } else {
            2
        }
    };
    let mut prev: Option<u8> = None;
    for (i, c) in text.char_indices() {
        let k = class(c);
        if prev.is_some_and(|p| p != k || k == 2) {
            out.push(&text[start..i]);
            start = i;
        }
        prev = Some(k);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// One edit of a text. Positions are taken modulo the length.
#[derive(Clone, Debug)]
enum Edit {
    DeleteBytes(usize, usize),
    DuplicateBytes(usize, usize),
    SwapBytes(usize, usize, usize),
    DeleteToken(usize),
    DuplicateToken(usize),
    SwapTokens(usize, usize),
    ReplaceToken(usize, usize),
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    let n = 1usize << 20;
    prop_oneof![
        (0..n, 0..64usize).prop_map(|(a, l)| Edit::DeleteBytes(a, l)),
        (0..n, 0..64usize).prop_map(|(a, l)| Edit::DuplicateBytes(a, l)),
        (0..n, 0..n, 1..32usize).prop_map(|(a, b, l)| Edit::SwapBytes(a, b, l)),
        (0..n).prop_map(Edit::DeleteToken),
        (0..n).prop_map(Edit::DuplicateToken),
        (0..n, 0..n).prop_map(|(a, b)| Edit::SwapTokens(a, b)),
        (0..n, 0..n).prop_map(|(a, b)| Edit::ReplaceToken(a, b)),
    ]
}

/// The char boundary at or before byte `i`.
fn floor(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &str, e: &Edit) -> String {
    let len = text.len().max(1);
    let range = |a: usize, l: usize| {
        let s = floor(text, a % len);
        let t = floor(text, s + l);
        (s, t)
    };
    match *e {
        Edit::DeleteBytes(a, l) => {
            let (s, t) = range(a, l);
            format!("{}{}", &text[..s], &text[t..])
        }
        Edit::DuplicateBytes(a, l) => {
            let (s, t) = range(a, l);
            format!("{}{}{}", &text[..t], &text[s..t], &text[t..])
        }
        Edit::SwapBytes(a, b, l) => {
            let (mut s1, mut t1) = range(a, l);
            let (mut s2, mut t2) = range(b, l);
            if s2 < s1 {
                std::mem::swap(&mut s1, &mut s2);
                std::mem::swap(&mut t1, &mut t2);
            }
            if t1 > s2 {
                return text.to_string();
            }
            format!(
                "{}{}{}{}{}",
                &text[..s1],
                &text[s2..t2],
                &text[t1..s2],
                &text[s1..t1],
                &text[t2..]
            )
        }
        Edit::DeleteToken(i)
        | Edit::DuplicateToken(i)
        | Edit::SwapTokens(i, _)
        | Edit::ReplaceToken(i, _) => {
            let mut toks = tokens(text);
            if toks.is_empty() {
                return text.to_string();
            }
            let n = toks.len();
            let i = i % n;
            match *e {
                Edit::DeleteToken(_) => {
                    toks.remove(i);
                }
                Edit::DuplicateToken(_) => toks.insert(i, toks[i]),
                Edit::SwapTokens(_, j) => toks.swap(i, j % n),
                Edit::ReplaceToken(_, j) => toks[i] = toks[j % n],
                _ => {}
            }
            toks.concat()
        }
    }
}

/// Checks a pack made of `files` and, when it loads, reviews a sample case with it.
fn check_and_maybe_review(files: Vec<(String, String)>, case_index: usize) {
    if let Ok(pack) = RulePack::from_sources(files) {
        let cases = sample_cases();
        let json = &cases[case_index % cases.len()];
        if let Ok(g) = pack.load_case(json) {
            let opts = ReviewOptions {
                step_budget: 2_000_000,
                ..options(case_index as u8)
            };
            let _ = pack.review_with(&g, &opts);
        }
    }
}

/// Words and symbols of the rule language, for token soup.
const VOCAB: &[&str] = &[
    "rule",
    "pack",
    "node",
    "edge",
    "enum",
    "def",
    "table",
    "calendar",
    "pattern",
    "view",
    "part",
    "severity",
    "error",
    "title",
    "cite",
    "message",
    "when",
    "for",
    "let",
    "where",
    "unless",
    "require",
    "due",
    "in",
    "force",
    "from",
    "until",
    "on",
    "and",
    "or",
    "not",
    "is",
    "absent",
    "present",
    "true",
    "false",
    "if",
    "then",
    "else",
    "exists",
    "no",
    "every",
    "satisfies",
    "count",
    "sum",
    "min",
    "max",
    "earliest",
    "latest",
    "otherwise",
    "contains",
    "any",
    "days",
    "hours",
    "month",
    "years",
    "row",
    "default",
    "columns",
    "holidays",
    "workdays",
    "to",
    "languages",
    "exactly",
    "one",
    "required",
    "list",
    "x",
    "d",
    "e",
    "person",
    "event",
    "case",
    "date",
    "hearing",
    "defendant",
    "subject",
    "concerns",
    "years_between",
    "datetime",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ",",
    ":",
    ".",
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "/",
    "->",
    "<-",
    "-subject->",
    "-concerns*->",
    "-subject?->",
    "|",
    "?",
    "\"",
    "\"t\"",
    "\"{d}\"",
    "en",
    "zh",
    "2024-02-30",
    "2024-03-01",
    "25:00",
    "14:30",
    "0",
    "1",
    "99999999999999999999",
    "0.1",
    "#",
    "\n",
];

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// (a) Shuffled nodes, edges and keys: the same report, byte for byte.
    #[test]
    fn shuffling_a_case_file_does_not_change_its_report(
        case_index in 0usize..64,
        seed in any::<u64>(),
        which in 0u8..4,
    ) {
        let pack = shipped_pack();
        let cases = sample_cases();
        let json = &cases[case_index % cases.len()];
        let opts = options(which);
        let want = report_json(pack, json, &opts);
        let got = report_json(pack, &shuffled(json, seed), &opts);
        prop_assert_eq!(want, got);
    }

    /// (b) The batch gives the sequential results, in input order.
    #[test]
    fn review_batch_equals_one_at_a_time(
        picks in prop::collection::vec(0usize..64, 0..8),
        which in 0u8..4,
    ) {
        let pack = shipped_pack();
        let cases = sample_cases();
        let all: Vec<&str> = cases.iter().map(String::as_str).chain(MALFORMED).collect();
        let batch: Vec<&str> = picks.iter().map(|i| all[i % all.len()]).collect();
        let opts = options(which);
        let got: Vec<String> = pack.review_batch(&batch, &opts).into_iter().map(outcome).collect();
        let want: Vec<String> = batch
            .iter()
            .map(|json| {
                outcome(match pack.load_case(json) {
                    Ok(g) => pack.review_with(&g, &opts).map_err(ReviewError::from),
                    Err(e) => Err(ReviewError::from(e)),
                })
            })
            .collect();
        prop_assert_eq!(got, want);
    }

    /// (c) Arbitrary text, alone and beside the shipped schema.
    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        formats_to_a_fixed_point(&text)?;
        let _ = RulePack::from_sources([("x.rules", text.as_str())]);
        let schema = &pack_files().iter().find(|(n, _)| n == "schema.rules").unwrap().1;
        let _ = RulePack::from_sources([("schema.rules", schema.as_str()), ("x.rules", text.as_str())]);
    }

    /// (c) Token soup of the language's own words reaches deeper into the grammar.
    #[test]
    fn token_soup_never_panics(
        words in prop::collection::vec(prop::sample::select(VOCAB), 0..120),
        case_index in 0usize..64,
    ) {
        let soup = words.join(" ");
        formats_to_a_fixed_point(&soup)?;
        let _ = RulePack::from_sources([("x.rules", soup.as_str())]);
        // Beside the schema and the shared definitions only: the whole pack is slow to check.
        let mut files: Vec<(String, String)> = pack_files()
            .iter()
            .filter(|(n, _)| n == "schema.rules" || n == "common.rules")
            .cloned()
            .collect();
        files.push(("soup.rules".into(), soup));
        check_and_maybe_review(files, case_index);
    }

}

proptest! {
    // Checking the whole pack is the slow part (about half a second in debug).
    #![proptest_config(ProptestConfig {
        cases: 16,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// (c) The shipped pack with a few edits to one file.
    #[test]
    fn mutated_pack_files_never_panic(
        file in 0usize..64,
        edits in prop::collection::vec(edit_strategy(), 1..5),
        case_index in 0usize..64,
    ) {
        let mut files = pack_files().to_vec();
        let i = file % files.len();
        let mut text = files[i].1.clone();
        for e in &edits {
            text = apply(&text, e);
        }
        files[i].1 = text;
        check_and_maybe_review(files, case_index);
    }
}

#[test]
fn the_mutations_are_sound() {
    // The helpers themselves: tokens cover the text, edits keep UTF-8 and stay in bounds.
    let text = "rule t.a { title zh \"拘留\" en \"x\" }\n";
    assert_eq!(tokens(text).concat(), text);
    for e in [
        Edit::DeleteBytes(12, 5),
        Edit::DuplicateBytes(21, 3),
        Edit::SwapBytes(0, 20, 4),
        Edit::DeleteToken(3),
        Edit::DuplicateToken(100),
        Edit::SwapTokens(1, 7),
        Edit::ReplaceToken(2, 9),
    ] {
        let out = apply(text, &e);
        assert!(out.len() < 2 * text.len(), "{e:?}");
    }
    // A shuffled case file is still the same case.
    let json = &sample_cases()[0];
    let a: Value = serde_json::from_str(json).unwrap();
    let b: Value = serde_json::from_str(&shuffled(json, 42)).unwrap();
    assert_eq!(a["id"], b["id"]);
    assert_eq!(
        a["nodes"].as_array().unwrap().len(),
        b["nodes"].as_array().unwrap().len()
    );
    assert_ne!(json.as_str(), shuffled(json, 42));
}

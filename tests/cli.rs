//! Golden tests of the `caselint` command line: the real binary, every
//! command, success and failure. Each golden file in `tests/cli/golden/`
//! holds the transcript of one or more invocations: the command, its exit
//! code, its standard output and its standard error, with machine-specific
//! paths replaced by `[TMP]` and `[ROOT]`.
//!
//! After a deliberate change, regenerate the golden files with
//! `CASELINT_BLESS=1 cargo test --test cli` and review the diff.
//!
//! Outputs that grow with the shipped pack (the number of its rules and
//! tests) are checked by shape, not by golden file.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const GOLDEN: &str = "tests/cli/golden";
/// A sample case with error findings (exit 1) and a pending obligation in March 2024.
const ROBBERY: &str = "examples/cases/robbery-juvenile-defects.json";
/// A sample case without findings (exit 0).
const THEFT: &str = "examples/cases/theft-ordinary-clean.json";
/// A case whose one defendant has no combined sentence.
const FRAUD: &str = "examples/cases/fraud-recidivist.json";
/// A pack with one passing and one failing test, and a rule no test covers.
const MINI: &str = "tests/cli/packs/mini";
/// A pack with two errors and a warning.
const BROKEN: &str = "tests/cli/packs/broken";

/// What one run of the binary did.
struct Run {
    args: Vec<String>,
    stdin: Option<String>,
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `caselint ARGS` in the crate root, without colour, with `stdin`
/// (a file of the crate) as standard input, or none.
fn caselint(args: &[&str], stdin: Option<&str>) -> Run {
    caselint_with(args, stdin, Some("1"))
}

/// Runs `caselint ARGS` with `NO_COLOR` set to `no_color`, or unset.
fn caselint_with(args: &[&str], stdin: Option<&str>, no_color: Option<&str>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_caselint"));
    match no_color {
        Some(v) => cmd.env("NO_COLOR", v),
        None => cmd.env_remove("NO_COLOR"),
    };
    cmd.args(args)
        .current_dir(ROOT)
        .env_remove("CLICOLOR_FORCE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
    let mut child = cmd.spawn().expect("the caselint binary runs");
    if let Some(file) = stdin {
        let input = std::fs::read(Path::new(ROOT).join(file)).unwrap();
        let mut pipe = child.stdin.take().unwrap();
        // A command that stops reading early closes the pipe: not an error here.
        let _ = pipe.write_all(&input);
    }
    let out = child.wait_with_output().unwrap();
    Run {
        args: args.iter().map(|s| s.to_string()).collect(),
        stdin: stdin.map(str::to_string),
        code: out
            .status
            .code()
            .expect("caselint exits with a code, not a signal"),
        stdout: normalise(&String::from_utf8(out.stdout).expect("stdout is UTF-8")),
        stderr: normalise(&String::from_utf8(out.stderr).expect("stderr is UTF-8")),
    }
}

/// The folder tests write into (removed and made anew), under Cargo's temp folder.
fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Replaces machine-specific paths: Cargo's temp folder and the crate root.
fn normalise(s: &str) -> String {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli");
    s.replace(&tmp.display().to_string(), "[TMP]")
        .replace(ROOT, "[ROOT]")
}

/// An argument as a shell would need it.
fn quote(a: &str) -> String {
    if !a.is_empty()
        && a.chars()
            .all(|c| c.is_alphanumeric() || "-_./=:[]".contains(c))
    {
        a.to_string()
    } else {
        format!("'{}'", a.replace('\'', "'\\''"))
    }
}

fn path_arg(p: &Path) -> String {
    p.display().to_string()
}

impl Run {
    /// The transcript kept in a golden file.
    fn transcript(&self) -> String {
        let args: Vec<String> = self.args.iter().map(|a| quote(a)).collect();
        let mut t = format!("$ caselint {}", args.join(" "));
        if let Some(f) = &self.stdin {
            t.push_str(&format!(" < {f}"));
        }
        t.push_str(&format!("\n[exit {}]\n", self.code));
        for (name, text) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            t.push_str(&format!("--- {name}\n"));
            t.push_str(text);
            if !text.is_empty() && !text.ends_with('\n') {
                t.push_str("\n[no newline at the end]\n");
            }
        }
        normalise(&t)
    }

    fn expect_code(self, code: i32) -> Self {
        assert_eq!(self.code, code, "exit code of:\n{}", self.transcript());
        self
    }
}

/// Compares the transcripts of `runs` with `tests/cli/golden/NAME.txt`, or
/// writes it under `CASELINT_BLESS=1`.
fn golden(name: &str, runs: &[Run]) {
    let got: String = runs
        .iter()
        .map(Run::transcript)
        .collect::<Vec<_>>()
        .join("\n");
    let path = Path::new(ROOT).join(GOLDEN).join(format!("{name}.txt"));
    if std::env::var_os("CASELINT_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &got).unwrap();
        return;
    }
    let Ok(want) = std::fs::read_to_string(&path) else {
        panic!(
            "no golden file {GOLDEN}/{name}.txt: run `CASELINT_BLESS=1 cargo test --test cli` to write it. Got:\n{got}"
        );
    };
    if want != got {
        panic!(
            "{GOLDEN}/{name}.txt differs (CASELINT_BLESS=1 cargo test --test cli accepts the new output):\n{}",
            diff(&want, &got)
        );
    }
}

/// A line diff of two texts: the common start and end are cut to 3 lines of context.
fn diff(want: &str, got: &str) -> String {
    let w: Vec<&str> = want.lines().collect();
    let g: Vec<&str> = got.lines().collect();
    let start = w.iter().zip(&g).take_while(|(a, b)| a == b).count();
    let end = w[start..]
        .iter()
        .rev()
        .zip(g[start..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = String::new();
    let from = start.saturating_sub(3);
    for l in &w[from..start] {
        out.push_str(&format!("  {l}\n"));
    }
    for l in &w[start..w.len() - end] {
        out.push_str(&format!("- {l}\n"));
    }
    for l in &g[start..g.len() - end] {
        out.push_str(&format!("+ {l}\n"));
    }
    for l in g[g.len() - end..].iter().take(3) {
        out.push_str(&format!("  {l}\n"));
    }
    out
}

/// The sample cases of examples/cases, sorted.
fn sample_cases() -> Vec<String> {
    let mut cases: Vec<String> = std::fs::read_dir(Path::new(ROOT).join("examples/cases"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json") && !n.ends_with(".expected.json"))
        .map(|n| format!("examples/cases/{n}"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 3, "sample cases: {cases:?}");
    cases
}

// ---------------------------------------------------------------- review

/// Every sample case, as text and as JSON: exit 0 when clean, 1 with error findings.
#[test]
fn review_each_sample_case() {
    for case in sample_cases() {
        let stem = Path::new(&case)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let text = caselint(&["review", &case], None);
        let json = caselint(&["review", "--format", "json", &case], None);
        let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
        let has_errors = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["severity"] == "error");
        let expected = i32::from(has_errors);
        let text = text.expect_code(expected);
        let json = json.expect_code(expected);
        assert!(
            text.stderr.is_empty() && json.stderr.is_empty(),
            "{}",
            text.transcript()
        );
        golden(&format!("review-{stem}"), &[text, json]);
    }
}

/// `--format json --lang all` is the report the sample case's `.expected.json` holds.
#[test]
fn review_json_agrees_with_the_expected_reports() {
    for case in sample_cases() {
        let run = caselint(
            &["review", "--format", "json", "--lang", "all", &case],
            None,
        );
        let got: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let expected_path = Path::new(ROOT).join(case.replace(".json", ".expected.json"));
        let want: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(expected_path).unwrap()).unwrap();
        assert_eq!(got, want, "{case}");
        assert_eq!(run.stdout.lines().count(), 1, "one line of JSON per case");
    }
}

#[test]
fn review_languages() {
    golden(
        "review-lang",
        &[
            caselint(&["review", "--lang", "en", ROBBERY], None),
            caselint(&["review", "--lang", "zh", ROBBERY], None),
            caselint(&["review", "--lang", "all", ROBBERY], None),
            caselint(
                &["review", "--lang", "all", "--format", "json", ROBBERY],
                None,
            ),
        ],
    );
}

/// As of a day between the detention and the family notice: the notice is pending.
#[test]
fn review_as_of_a_day_shows_pending_obligations() {
    let text = caselint(
        &["review", "--as-of", "2024-03-06", "--lang", "en", ROBBERY],
        None,
    );
    assert!(
        text.stdout
            .contains("info[cn.cpl.085.detention_family_notice]"),
        "{}",
        text.transcript()
    );
    assert!(text.stdout.contains("due: 2024-03-07 01:20"));
    let json = caselint(
        &[
            "review",
            "--as-of",
            "2024-03-06",
            "--format",
            "json",
            "--lang",
            "en",
            ROBBERY,
        ],
        None,
    );
    golden("review-as-of", &[text, json]);
}

/// Several files: one report each, a blank line apart, the worst exit code.
#[test]
fn review_several_files() {
    let both = caselint(&["review", "--lang", "en", THEFT, ROBBERY], None);
    let both = both.expect_code(1);
    let missing = caselint(
        &[
            "review",
            "--lang",
            "en",
            "tests/cli/no-such-case.json",
            THEFT,
        ],
        None,
    );
    let missing = missing.expect_code(2);
    golden("review-several-files", &[both, missing]);
}

/// NDJSON: one output record per input line, in order; bad lines get error records.
#[test]
fn review_ndjson() {
    let json = caselint(
        &[
            "review",
            "--format",
            "json",
            "--lang",
            "en",
            "tests/cli/batch.ndjson",
        ],
        None,
    );
    let json = json.expect_code(2);
    let records: Vec<serde_json::Value> = json
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let input_lines = std::fs::read_to_string(Path::new(ROOT).join("tests/cli/batch.ndjson"))
        .unwrap()
        .lines()
        .count();
    assert_eq!(records.len(), input_lines, "one record per input line");
    assert!(records[0]["case"].is_string() && records[0]["findings"].is_array());
    assert_eq!(records[1]["line"], 2, "malformed line");
    assert!(records[1]["error"].is_string());
    assert_eq!(records[2]["line"], 3, "empty line");
    assert!(records[3]["findings"].is_array());
    assert_eq!(records[4]["line"], 5, "bad enum value");
    // Each error where the input file has it, not where the line has it.
    assert_eq!(records[4]["errors"][0]["line"], 5);
    assert_eq!(records[4]["errors"][0]["path"], "nodes[0].procedure");
    assert_eq!(records[1]["errors"][0]["line"], 2);
    let text = caselint(&["review", "--lang", "en", "tests/cli/batch.ndjson"], None);
    let text = text.expect_code(2);
    golden("review-ndjson", &[json, text]);
}

/// `-` reads NDJSON from standard input.
#[test]
fn review_stdin() {
    let run = caselint(
        &["review", "--format", "json", "--lang", "en", "-"],
        Some("tests/cli/batch.ndjson"),
    );
    let run = run.expect_code(2);
    let file = caselint(
        &[
            "review",
            "--format",
            "json",
            "--lang",
            "en",
            "tests/cli/batch.ndjson",
        ],
        None,
    );
    assert_eq!(
        run.stdout, file.stdout,
        "stdin and a file give the same records"
    );
    let text = caselint(
        &["review", "--lang", "en", "-"],
        Some("tests/cli/batch.ndjson"),
    );
    // A pretty-printed case on stdin: every line fails, and the help says why.
    let pretty = caselint(&["review", "-"], Some("tests/cli/pretty-case.json")).expect_code(2);
    assert!(
        pretty
            .stderr
            .contains("note: `<stdin>` is read as one case per line")
    );
    let pretty_file = caselint(&["review", "tests/cli/pretty-case.json"], None).expect_code(0);
    golden("review-stdin", &[run, text, pretty, pretty_file]);
}

/// Load errors go to standard error; when whoever reads it has gone
/// (`caselint review bad.json 2>&1 | head -1`), the run still ends with its
/// own exit code, not a panic.
#[test]
fn closed_stderr_is_not_a_panic() {
    use std::process::Stdio;
    for _ in 0..5 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_caselint"))
            .args(["review", "tests/cli/bad-case.json"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stderr.take());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(2), "{status:?}");
    }
}

/// A line of NDJSON that is not UTF-8 names its column and the bytes found.
#[test]
fn ndjson_line_not_utf8_names_its_column() {
    let dir = tmp("ndjson_not_utf8");
    let f = dir.join("cases.ndjson");
    std::fs::write(&f, b"{\"id\": \"caf\xe9\"}\n").unwrap();
    let r = caselint(&["review", &path_arg(&f)], None).expect_code(2);
    assert!(
        r.stderr
            .contains(":1: error: expected UTF-8 text, found the bytes `e9 22 7d` at column 12"),
        "{}",
        r.transcript()
    );
}

/// Exit 2 for input that cannot be reviewed; every message names the file or flag.
#[test]
fn review_bad_input() {
    let dir = tmp("review_bad_input");
    let latin1 = dir.join("latin1.json");
    std::fs::write(&latin1, b"{\"id\": \"caf\xe9\"}").unwrap();
    let runs = vec![
        caselint(&["review", "tests/cli/bad-case.json"], None),
        caselint(&["review", "tests/cli/truncated.json"], None),
        caselint(&["review", "tests/cli/no-such-case.json"], None),
        caselint(&["review", "examples/cases"], None),
        caselint(&["review", &path_arg(&latin1)], None),
        caselint(&["review", "tests/cli/no-such-cases.ndjson"], None),
        caselint(&["review", "--bogus", THEFT], None),
        caselint(&["review", "--as-of", "2024-02-30", THEFT], None),
        caselint(&["review", "--as-of", "5.3.2024", THEFT], None),
        caselint(&["review", "--lang", "xx", THEFT], None),
        caselint(&["review", "--format", "yaml", THEFT], None),
        caselint(&["review"], None),
        caselint(
            &["review", "--rules", "tests/cli/no-such-pack", THEFT],
            None,
        ),
        caselint(&["review", "--rules", BROKEN, THEFT], None),
    ];
    let runs: Vec<Run> = runs.into_iter().map(|r| r.expect_code(2)).collect();
    for r in &runs {
        assert!(
            r.stdout.is_empty(),
            "nothing on stdout:\n{}",
            r.transcript()
        );
        assert!(
            !r.stderr.is_empty(),
            "a message on stderr:\n{}",
            r.transcript()
        );
    }
    golden("review-bad-input", &runs);
}

// ---------------------------------------------------------------- due

#[test]
fn due() {
    let pending = caselint(
        &["due", ROBBERY, "--as-of", "2024-03-06", "--lang", "en"],
        None,
    );
    let pending = pending.expect_code(0);
    assert!(
        pending.stdout.contains("due 2024-03-07 01:20"),
        "{}",
        pending.transcript()
    );
    let runs = vec![
        pending,
        caselint(
            &[
                "due",
                ROBBERY,
                "--as-of",
                "2024-03-06",
                "--format",
                "json",
                "--lang",
                "en",
            ],
            None,
        ),
        caselint(&["due", THEFT, "--as-of", "2024-12-31"], None).expect_code(0),
    ];
    golden("due", &runs);
}

#[test]
fn due_bad_input() {
    let runs = vec![
        caselint(&["due", ROBBERY], None),
        caselint(
            &[
                "due",
                "tests/cli/no-such-case.json",
                "--as-of",
                "2024-03-06",
            ],
            None,
        ),
        caselint(
            &["due", "tests/cli/bad-case.json", "--as-of", "2024-03-06"],
            None,
        ),
        caselint(&["due", ROBBERY, "--as-of", "2024-02-30"], None),
        caselint(
            &["due", ROBBERY, "--as-of", "2024-03-06", "--lang", "fr"],
            None,
        ),
    ];
    let runs: Vec<Run> = runs.into_iter().map(|r| r.expect_code(2)).collect();
    golden("due-bad-input", &runs);
}

// ---------------------------------------------------------------- check

/// The shipped pack checks clean; its size grows, so only the shape is checked.
#[test]
fn check_shipped_pack() {
    let text = caselint(&["check"], None);
    let text = text.expect_code(0);
    let last = text.stdout.lines().last().unwrap_or("");
    let (dir, counts) = last.split_once(": ").unwrap_or(("", ""));
    assert_eq!(dir, "rules/cn-criminal", "{}", text.transcript());
    let words: Vec<&str> = counts.split(' ').collect();
    assert!(
        matches!(words.as_slice(), [n, "rules,", w, "warning(s)"] if n.parse::<u32>().is_ok() && w.parse::<u32>().is_ok()),
        "summary line: {last}"
    );
    let json = caselint(&["check", "rules/cn-criminal", "--format", "json"], None);
    let json = json.expect_code(0);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["errors"], 0);
}

#[test]
fn check_pack_with_errors() {
    let text = caselint(&["check", BROKEN], None);
    let text = text.expect_code(1);
    let json = caselint(&["check", BROKEN, "--format", "json"], None);
    let json = json.expect_code(1);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["errors"], 2);
    assert_eq!(v["warnings"], 1);
    golden("check-errors", &[text, json]);
}

#[test]
fn check_no_pack() {
    let empty = tmp("check_no_pack");
    let runs = vec![
        caselint(&["check", "tests/cli/no-such-pack"], None),
        caselint(&["check", "tests/cli/packs/mini/mini.rules"], None),
        caselint(&["check", &path_arg(&empty)], None),
        caselint(&["check", "--format", "xml", MINI], None),
    ];
    let runs: Vec<Run> = runs.into_iter().map(|r| r.expect_code(2)).collect();
    golden("check-no-pack", &runs);
}

// ---------------------------------------------------------------- test

/// The shipped pack's tests pass; their number grows, so only the summary's shape is checked.
#[test]
fn test_shipped_pack() {
    let run = caselint(&["test"], None);
    let run = run.expect_code(0);
    let last = run.stdout.lines().last().unwrap_or("");
    let words: Vec<&str> = last.split(' ').collect();
    assert!(
        matches!(words.as_slice(), [n, "passed,", "0", "failed"] if n.parse::<u32>().is_ok()),
        "summary line: {last}"
    );
}

#[test]
fn test_pack_with_a_failing_test() {
    let dir = tmp("test_pack_with_a_failing_test");
    let junit = dir.join("results.xml");
    let all = caselint(&["test", MINI, "--junit", &path_arg(&junit)], None);
    let all = all.expect_code(1);
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("the JUnit file is well-formed XML");
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    assert_eq!(suite.attribute("tests"), Some("2"));
    assert_eq!(suite.attribute("failures"), Some("1"));
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 2);
    assert!(cases[1].children().any(|c| c.has_tag_name("failure")));
    golden(
        "test-mini",
        &[
            all,
            caselint(&["test", MINI, "--filter", "with a defender"], None).expect_code(0),
            caselint(&["test", MINI, "--filter", "no-such-test"], None).expect_code(2),
            caselint(&["test", MINI, "--coverage"], None).expect_code(1),
            // Every test passes, but one rule of two is never exercised.
            caselint(
                &[
                    "test",
                    MINI,
                    "--filter",
                    "with a defender",
                    "--coverage",
                    "--min-coverage",
                    "100",
                ],
                None,
            )
            .expect_code(1),
        ],
    );
}

#[test]
fn test_bad_input() {
    let dir = tmp("test_bad_input");
    let pack = dir.join("pack");
    std::fs::create_dir_all(pack.join("tests")).unwrap();
    std::fs::copy(
        Path::new(ROOT).join(MINI).join("mini.rules"),
        pack.join("mini.rules"),
    )
    .unwrap();
    std::fs::write(
        pack.join("tests/malformed.test.json"),
        "{\n  \"tests\": [\n    { \"name\": \"a\", \"expect\": [] },\n    { \"name\": \"b\" \"case\": {} }\n  ]\n}\n",
    )
    .unwrap();
    let no_tests = dir.join("no-tests");
    std::fs::create_dir_all(&no_tests).unwrap();
    std::fs::copy(
        Path::new(ROOT).join(MINI).join("mini.rules"),
        no_tests.join("mini.rules"),
    )
    .unwrap();
    let runs = vec![
        caselint(&["test", &path_arg(&pack)], None),
        caselint(&["test", &path_arg(&no_tests)], None),
        caselint(&["test", "tests/cli/no-such-pack"], None),
        caselint(&["test", BROKEN], None),
        caselint(&["test", MINI, "--junit", &path_arg(&dir)], None),
        caselint(&["test", MINI, "--min-coverage", "150"], None),
    ];
    let runs: Vec<Run> = runs.into_iter().map(|r| r.expect_code(2)).collect();
    assert!(
        runs[0].stderr.contains("malformed.test.json:4:19: error:"),
        "file:line:column of the malformed test file:\n{}",
        runs[0].transcript()
    );
    golden("test-bad-input", &runs);
}

// ---------------------------------------------------------------- explain

#[test]
fn explain() {
    let fired = caselint(
        &[
            "explain",
            "cn.cpl.085.detention_family_notice",
            ROBBERY,
            "--node",
            "d1",
            "--lang",
            "en",
        ],
        None,
    );
    let fired = fired.expect_code(0);
    assert!(fired.stdout.contains("FIRED"), "{}", fired.transcript());
    let silent = caselint(
        &[
            "explain",
            "cn.cpl.085.detention_family_notice",
            THEFT,
            "--lang",
            "en",
        ],
        None,
    );
    let silent = silent.expect_code(0);
    assert!(silent.stdout.contains("MET"), "{}", silent.transcript());
    // One block of a rule of two, which nothing on file binds.
    let part = caselint(
        &[
            "explain",
            "cn.cl.069.combined_punishment",
            FRAUD,
            "--part",
            "bounds",
        ],
        None,
    );
    let part = part.expect_code(0);
    assert!(
        part.stdout
            .contains("no binding: nothing on file matches `cs: sentence(scope = combined)")
            && !part.stdout.contains("part missing"),
        "{}",
        part.transcript()
    );
    // (Where each block is written changes with every edit above it: the
    // golden file keeps the file name only.)
    let runs: Vec<Run> = [fired, silent, part]
        .into_iter()
        .map(|mut r| {
            r.stdout = r
                .stdout
                .lines()
                .map(|l| match l.strip_prefix("  at       ") {
                    Some(at) => format!("  at       {}:…\n", at.split(':').next().unwrap_or("")),
                    None => format!("{l}\n"),
                })
                .collect();
            r
        })
        .collect();
    golden("explain", &runs);
}

#[test]
fn explain_bad_input() {
    let runs = vec![
        caselint(
            &["explain", "cn.cpl.085.detention_family_notic", ROBBERY],
            None,
        ),
        caselint(&["explain", "family_notice", ROBBERY], None),
        caselint(
            &[
                "explain",
                "cn.cpl.085.detention_family_notice",
                ROBBERY,
                "--node",
                "d3",
            ],
            None,
        ),
        caselint(
            &[
                "explain",
                "cn.cpl.085.detention_family_notice",
                ROBBERY,
                "--node",
                "nobody",
            ],
            None,
        ),
        caselint(
            &[
                "explain",
                "cn.cpl.085.detention_family_notice",
                "tests/cli/no-such-case.json",
            ],
            None,
        ),
        caselint(&["explain", "cn.cpl.085.detention_family_notice"], None),
        caselint(
            &[
                "explain",
                "cn.cl.069.combined_punishment",
                ROBBERY,
                "--part",
                "bound",
            ],
            None,
        ),
        caselint(
            &[
                "explain",
                "cn.cpl.085.detention_family_notice",
                ROBBERY,
                "--part",
                "bounds",
            ],
            None,
        ),
    ];
    let runs: Vec<Run> = runs.into_iter().map(|r| r.expect_code(2)).collect();
    // A rule id nothing resembles: the help names a rule of the pack, which changes as the pack grows.
    let far = caselint(&["explain", "zzz", ROBBERY], None);
    let far = far.expect_code(2);
    assert!(
        far.stderr
            .starts_with("error: the pack has no rule `zzz`\n  help: "),
        "{}",
        far.transcript()
    );
    golden("explain-bad-input", &runs);
}

// ---------------------------------------------------------------- help and usage

/// The subcommands `caselint --help` lists (but `help`).
fn subcommands() -> Vec<String> {
    let help = caselint(&["--help"], None);
    let help = help.expect_code(0);
    let commands = help
        .stdout
        .split("Commands:\n")
        .nth(1)
        .expect("a Commands: section")
        .split("\n\n")
        .next()
        .unwrap_or("");
    commands
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn every_command_has_examples_in_its_help() {
    let commands = subcommands();
    for known in ["review", "due", "check", "test", "explain", "gen"] {
        assert!(
            commands.iter().any(|c| c == known),
            "`{known}` in {commands:?}"
        );
    }
    for c in &commands {
        let run = caselint(&[c, "--help"], None);
        let run = run.expect_code(0);
        let examples = run.stdout.split("Examples:\n").nth(1);
        assert!(
            examples.is_some_and(|e| e
                .lines()
                .next()
                .is_some_and(|l| l.starts_with("  caselint "))),
            "`caselint {c} --help` has an Examples: section:\n{}",
            run.stdout
        );
    }
}

/// An unknown flag is named, on every command.
#[test]
fn every_command_rejects_an_unknown_flag() {
    for c in subcommands() {
        let run = caselint(&[&c, "--no-such-flag"], None);
        let run = run.expect_code(2);
        assert!(
            run.stderr
                .starts_with("error: unexpected argument '--no-such-flag' found"),
            "{}",
            run.transcript()
        );
        assert!(
            run.stderr.contains(&format!("Usage: caselint {c}")),
            "{}",
            run.transcript()
        );
    }
}

#[test]
fn no_command_or_an_unknown_one() {
    let none = caselint(&[], None);
    let none = none.expect_code(2);
    assert!(none.stdout.is_empty());
    assert!(
        none.stderr.contains("Usage: caselint <COMMAND>"),
        "{}",
        none.transcript()
    );
    assert!(
        none.stderr.contains("Commands:\n  review"),
        "{}",
        none.transcript()
    );
    let unknown = caselint(&["frobnicate"], None);
    let unknown = unknown.expect_code(2);
    let typo = caselint(&["reveiw", THEFT], None);
    let typo = typo.expect_code(2);
    golden("usage", &[unknown, typo]);
}

// ---------------------------------------------------------------- colour

/// Colour only on a terminal: piped output has no escape codes even when
/// `NO_COLOR` is unset or empty, whatever the command and the stream.
#[test]
fn no_colour_when_not_a_terminal() {
    for no_color in [None, Some("")] {
        for args in [
            &["review", ROBBERY][..],
            &["review", "--lang", "en", "tests/cli/batch.ndjson"],
            &["review", "tests/cli/bad-case.json"],
            &["review", "--bogus"],
            &["due", ROBBERY, "--as-of", "2024-03-06"],
            &["check", BROKEN],
            &["test", MINI, "--coverage"],
            &["explain", "cn.cpl.085.detention_family_notice", ROBBERY],
            &["explain", "cn.cpl.085.detention_family_notic", ROBBERY],
            &["--help"],
        ] {
            let run = caselint_with(args, None, no_color);
            assert!(
                !run.stdout.contains('\x1b') && !run.stderr.contains('\x1b'),
                "escape codes with NO_COLOR={no_color:?}:\n{}",
                run.transcript()
            );
        }
    }
}

// ---------------------------------------------------------------- progress

/// A batch that takes more than two seconds shows a progress bar on a
/// terminal's stderr, and nothing when stderr is not a terminal; stdout is
/// the same either way. The terminal is `script`'s pseudo-terminal; without
/// `script` only the second half is checked.
#[test]
fn progress_bar_only_on_a_terminal_and_stdout_unaffected() {
    let dir = tmp("progress");
    let batch = dir.join("batch.ndjson");
    let generated = caselint(
        &[
            "gen",
            "--nodes",
            "1000",
            "--ndjson",
            "40",
            "-o",
            &path_arg(&batch),
        ],
        None,
    )
    .expect_code(0);
    assert!(generated.stderr.is_empty(), "{}", generated.transcript());
    let piped = caselint(&["review", "--format", "json", &path_arg(&batch)], None);
    assert_eq!(piped.stdout.lines().count(), 40, "one record per case");
    assert!(
        piped.stderr.is_empty(),
        "no bar off a terminal:\n{}",
        piped.stderr
    );
    let out = dir.join("out.ndjson");
    let shell = format!(
        "{} review --format json {} > {}",
        env!("CARGO_BIN_EXE_caselint"),
        batch.display(),
        out.display()
    );
    // (The terminal run's own time decides whether a bar was due: the piped
    // run's may differ on a busy machine.)
    let started = std::time::Instant::now();
    let Ok(tty) = Command::new("script")
        .args(["-qec", &shell, "/dev/null"])
        .current_dir(ROOT)
        .stdin(Stdio::null())
        .output()
    else {
        eprintln!("no `script`: the terminal half of the test is skipped");
        return;
    };
    let took = started.elapsed();
    let stdout = std::fs::read_to_string(&out).unwrap();
    assert_eq!(
        stdout, piped.stdout,
        "stdout is the same with a bar on stderr"
    );
    let screen = String::from_utf8_lossy(&tty.stdout);
    if took > std::time::Duration::from_secs(3) {
        assert!(
            screen.contains("cases reviewed"),
            "a bar after 2 s on a terminal:\n{screen}"
        );
    }
    assert!(
        screen.trim_end().is_empty() || screen.contains("cases reviewed"),
        "only the bar on the terminal:\n{screen}"
    );
}

/// `due` and `explain` show text from the case safely too: a name or id
/// with control or bidirectional characters cannot drive the terminal.
#[test]
fn due_and_explain_escape_control_characters_from_the_case() {
    let dir = tmp("due_and_explain_escape");
    let case = dir.join("case.json");
    std::fs::write(
        &case,
        "{\"id\": \"T\\u001b[2J\", \"nodes\": [{\"id\": \"k\", \"kind\": \"case\", \"procedure\": \"ordinary\"}, {\"id\": \"d\\u202e1\", \"kind\": \"person\", \"role\": \"defendant\", \"name\": \"张\\u001b[31m三\"}, {\"id\": \"x1\", \"kind\": \"event\", \"type\": \"detention\", \"date\": \"2024-03-01\", \"time\": \"10:00\"}], \"edges\": [{\"kind\": \"subject\", \"from\": \"x1\", \"to\": \"d\\u202e1\"}]}",
    )
    .unwrap();
    let case = path_arg(&case);
    for run in [
        caselint(&["due", &case, "--as-of", "2024-03-01"], None).expect_code(0),
        caselint(
            &["explain", "cn.cpl.085.detention_family_notice", &case],
            None,
        )
        .expect_code(0),
    ] {
        assert!(
            !run.stdout.contains('\u{1b}') && !run.stdout.contains('\u{202e}'),
            "{:?}",
            run.stdout
        );
        assert!(run.stdout.contains("\\u{1b}"), "{}", run.stdout);
    }
}

//! Nothing lost: a batch review gives exactly one result per input line, in
//! input order, whatever the line holds (a valid case, nothing, garbage, a
//! huge case, bytes that are not UTF-8), both through the library
//! (`RulePack::review_batch`) and through the CLI (`caselint review
//! cases.ndjson --format json`), where a bad line is an error record
//! carrying its line number.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use caselint::{ReviewError, ReviewOptions, RulePack};
use std::io::Write;
use std::process::{Command, Stdio};

/// One input line, and what its result must be.
#[derive(Clone)]
struct Line {
    bytes: Vec<u8>,
    /// `Some(case id)`: a report for that case; `None`: an error.
    case: Option<String>,
}

fn compact(path: &str) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v.to_string()
}

/// A valid one-line case with this id (and optionally a huge name).
fn small_case(id: &str, name_len: usize) -> String {
    serde_json::json!({
        "id": id,
        "nodes": [
            {"id": "k", "kind": "case", "procedure": "ordinary"},
            {"id": "d1", "kind": "person", "role": "defendant", "name": "张".repeat(name_len)},
        ]
    })
    .to_string()
}

/// The mixed input: valid, empty, blank, malformed, not-a-case, huge valid,
/// huge malformed, invalid against the schema, CRLF-terminated, non-UTF-8.
fn lines(repeat: usize) -> Vec<Line> {
    let ok = |s: String, id: &str| Line {
        bytes: s.into_bytes(),
        case: Some(id.to_string()),
    };
    let bad = |b: &[u8]| Line {
        bytes: b.to_vec(),
        case: None,
    };
    let robbery = compact("examples/cases/robbery-juvenile-defects.json");
    let robbery_id = serde_json::from_str::<serde_json::Value>(&robbery).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let theft = compact("examples/cases/theft-ordinary-clean.json");
    let theft_id = serde_json::from_str::<serde_json::Value>(&theft).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut out = vec![];
    for r in 0..repeat {
        out.push(ok(robbery.clone(), &robbery_id));
        out.push(bad(b""));
        out.push(bad(b"   \t "));
        out.push(bad(br#"{"id": "x", "nodes": ["#));
        out.push(ok(
            small_case(&format!("small-{r}"), 1),
            &format!("small-{r}"),
        ));
        out.push(bad(b"null"));
        out.push(bad(b"[1, 2, 3]"));
        out.push(bad(br#"{"id": "no-case-node", "nodes": []}"#));
        out.push(ok(theft.clone(), &theft_id));
        out.push(bad(br#"{"id": "typo", "nodes": [{"id": "k", "kind": "case", "procedure": "ordinary"}], "edgse": []}"#));
        let mut crlf = small_case(&format!("crlf-{r}"), 1).into_bytes();
        crlf.push(b'\r');
        out.push(Line {
            bytes: crlf,
            case: Some(format!("crlf-{r}")),
        });
        if r == 0 {
            // Huge lines, once: a 3 MB valid case and 2 MB of brackets.
            out.push(ok(small_case("huge", 1 << 20), "huge"));
            out.push(bad(&vec![b'['; 2 << 20]));
        }
    }
    out
}

fn as_text(l: &Line) -> String {
    String::from_utf8_lossy(&l.bytes).into_owned()
}

#[test]
fn review_batch_gives_one_result_per_input_in_order() {
    let pack = RulePack::load("rules/cn-criminal").unwrap();
    let input = lines(30); // > 256 lines: several of the CLI's batches
    let texts: Vec<String> = input.iter().map(as_text).collect();
    let results = pack.review_batch(&texts, &ReviewOptions::default());
    assert_eq!(results.len(), input.len());
    for (i, (line, result)) in input.iter().zip(&results).enumerate() {
        match (&line.case, result) {
            (Some(id), Ok(report)) => assert_eq!(&report.case, id, "line {}", i + 1),
            (None, Err(ReviewError::Load(e))) => assert!(!e.errors.is_empty(), "line {}", i + 1),
            (want, got) => panic!(
                "line {}: wanted {want:?}, got {:?}",
                i + 1,
                got.as_ref().map(|r| &r.case)
            ),
        }
    }
    // The same cases reviewed one by one give the same reports.
    for (line, result) in input.iter().zip(&results).take(13) {
        if let (Some(_), Ok(report)) = (&line.case, result) {
            let g = pack.load_case(&as_text(line)).unwrap();
            assert_eq!(&pack.review(&g).unwrap(), report);
        }
    }
}

fn check_cli_output(input: &[Line], stdout: &[u8]) {
    let text = std::str::from_utf8(stdout).unwrap();
    let out: Vec<&str> = text.lines().collect();
    assert_eq!(out.len(), input.len(), "one output line per input line");
    for (i, (line, record)) in input.iter().zip(&out).enumerate() {
        let n = i + 1;
        let v: serde_json::Value =
            serde_json::from_str(record).unwrap_or_else(|e| panic!("line {n}: not JSON ({e})"));
        match &line.case {
            Some(id) => {
                assert_eq!(
                    v["case"].as_str(),
                    Some(id.as_str()),
                    "line {n}: {}",
                    &record[..record.len().min(300)]
                );
                assert!(v["findings"].is_array(), "line {n}");
            }
            None => {
                assert_eq!(v["line"].as_u64(), Some(n as u64), "line {n}: {record}");
                let msg = v["error"]
                    .as_str()
                    .unwrap_or_else(|| panic!("line {n}: no error message: {record}"));
                assert!(!msg.is_empty() && msg.len() < 4000, "line {n}: {msg}");
            }
        }
    }
}

fn ndjson(input: &[Line]) -> Vec<u8> {
    let mut bytes = vec![];
    for l in input {
        bytes.extend_from_slice(&l.bytes);
        bytes.push(b'\n');
    }
    bytes
}

fn cli_input() -> Vec<Line> {
    let mut input = lines(25);
    // Bytes that are not UTF-8 (GBK), only the CLI can be given them.
    input.insert(
        3,
        Line {
            bytes: vec![b'{', 0xd5, 0xc5, 0xc8, 0xfd, b'}'],
            case: None,
        },
    );
    input.push(Line {
        bytes: vec![0xff, 0xfe],
        case: None,
    });
    input
}

#[test]
fn cli_review_ndjson_gives_one_record_per_line_in_order() {
    let input = cli_input();
    let dir = std::env::temp_dir().join(format!("caselint-batch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("cases.ndjson");
    std::fs::write(&path, ndjson(&input)).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_caselint"))
        .args(["review", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    // Bad lines make the exit code 2, but every line is answered.
    assert_eq!(
        out.status.code(),
        Some(2),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    check_cli_output(&input, &out.stdout);
}

#[test]
fn cli_review_stdin_without_final_newline() {
    let input = cli_input();
    let mut bytes = ndjson(&input);
    bytes.pop(); // the last line has no newline: still a line
    let mut child = Command::new(env!("CARGO_BIN_EXE_caselint"))
        .args(["review", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&bytes));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    check_cli_output(&input, &out.stdout);
}

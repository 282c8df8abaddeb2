//! The peer: the five rules in Rego under regorus (interpreter and compiled
//! RVM) against caselint (a pack of that one rule), on the same generated
//! cases given to regorus as JSON input.
//!
//! Per rule and size: `caselint` (graph preloaded), `caselint_json` (JSON →
//! graph → review), `interp` / `vm` (input already a regorus `Value`) and
//! `interp_json` / `vm_json` (from the JSON text). Sizes 10², 10³, 10⁴;
//! set PEER_MAX=100000 to add 10⁵. The VM runs up to PEER_VM_MAX nodes
//! (default 1000: its quadratic indexes take ~9 s per evaluation at 10⁴;
//! PEER_VM_MAX=10000 measures it there too, adding ~15 minutes). A markdown
//! summary of the medians and the ratios regorus / caselint follows
//! criterion's output.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use caselint::RulePack;
use caselint::r#gen::generate;
use caselint_peer::{RULES, RegoRule, findings, run_vm};
use criterion::{BenchmarkId, Criterion};
use regorus::Value;
use std::hint::black_box;
use std::path::PathBuf;

const SEED: u64 = 7;

fn pack_dir() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../rules/cn-criminal").to_string()
}

/// The shipped pack with every rule block but `keep`'s removed.
fn single_rule_pack(keep: &str) -> RulePack {
    let mut files: Vec<(String, String)> = std::fs::read_dir(pack_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rules"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p.display().to_string(), strip_rules(&text, keep))
        })
        .collect();
    files.sort();
    let pack = RulePack::from_sources(files).unwrap();
    assert_eq!(pack.rule_ids(), vec![keep]);
    pack
}

/// As `benches/common/handwritten.rs`: blank out other rules' blocks.
fn strip_rules(text: &str, keep: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut depth, mut dropping) = (0i32, false);
    for line in text.split_inclusive('\n') {
        if depth == 0 && line.starts_with("rule ") {
            dropping = line["rule ".len()..].split_whitespace().next() != Some(keep);
        }
        let before = depth;
        let mut in_str = false;
        for ch in line.chars() {
            match ch {
                '"' => in_str = !in_str,
                '#' if !in_str => break,
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
        }
        if dropping && (before > 0 || depth > 0 || line.starts_with("rule ")) {
            out.push('\n');
        } else {
            out.push_str(line);
        }
        if depth == 0 {
            dropping = false;
        }
    }
    out
}

fn sizes() -> Vec<usize> {
    let max: usize = std::env::var("PEER_MAX")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    [100usize, 1_000, 10_000, 100_000]
        .into_iter()
        .filter(|n| *n <= max)
        .collect()
}

fn vm_max() -> usize {
    std::env::var("PEER_VM_MAX")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000)
}

fn peer(c: &mut Criterion) {
    for (id, package) in RULES {
        let pack = single_rule_pack(id);
        let mut rule = RegoRule::load(id, package);
        let mut vm = rule.new_vm();
        let mut g = c.benchmark_group(format!("peer_{package}"));
        g.sample_size(10);
        for n in sizes() {
            let json = generate(pack.schema(), n, SEED);
            let case = pack.load_case(&json).unwrap();
            let input = Value::from_json_str(&json).unwrap();
            // Equal work: the same findings from all three.
            let mut want: Vec<(String, Vec<String>)> = pack
                .review(&case)
                .unwrap()
                .findings
                .into_iter()
                .map(|f| (f.rule, f.nodes))
                .collect();
            want.dedup();
            assert_eq!(
                findings(&rule.interpret(&input)),
                want,
                "{id} interpreter, {n} nodes"
            );
            let with_vm = n <= vm_max();
            if with_vm {
                assert_eq!(
                    findings(&run_vm(&mut vm, &input)),
                    want,
                    "{id} vm, {n} nodes"
                );
            }
            println!("{id} at {n} nodes: {} findings", want.len());
            g.bench_with_input(BenchmarkId::new("caselint", n), &case, |b, case| {
                b.iter(|| pack.review(black_box(case)).unwrap())
            });
            g.bench_with_input(BenchmarkId::new("caselint_json", n), &json, |b, json| {
                b.iter(|| {
                    pack.review(&pack.load_case(black_box(json)).unwrap())
                        .unwrap()
                })
            });
            g.bench_with_input(BenchmarkId::new("interp", n), &input, |b, input| {
                b.iter(|| rule.interpret(black_box(input)))
            });
            g.bench_with_input(BenchmarkId::new("interp_json", n), &json, |b, json| {
                b.iter(|| rule.interpret(&Value::from_json_str(black_box(json)).unwrap()))
            });
            if !with_vm {
                continue;
            }
            g.bench_with_input(BenchmarkId::new("vm", n), &input, |b, input| {
                b.iter(|| run_vm(&mut vm, black_box(input)))
            });
            g.bench_with_input(BenchmarkId::new("vm_json", n), &json, |b, json| {
                b.iter(|| run_vm(&mut vm, &Value::from_json_str(black_box(json)).unwrap()))
            });
        }
        g.finish();
    }
}

fn median(path: &str) -> Option<f64> {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let exe = std::env::current_exe().unwrap();
            exe.ancestors()
                .nth(3)
                .map_or_else(|| PathBuf::from("target"), PathBuf::from)
        });
    let text = std::fs::read_to_string(dir.join("criterion").join(path).join("new/estimates.json"))
        .ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v["median"]["point_estimate"].as_f64().map(|ns| ns / 1e9)
}

fn fmt_t(s: f64) -> String {
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        format!("{:.2} ms", s * 1e3)
    } else {
        format!("{:.1} µs", s * 1e6)
    }
}

fn summary() {
    println!("\n## Peer summary (criterion medians of this run)\n");
    println!(
        "| rule | nodes | caselint | caselint+JSON | interp | interp+JSON | vm | vm+JSON | interp/caselint | vm/caselint | interp+JSON / caselint+JSON | vm+JSON / caselint+JSON |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (_, p) in RULES {
        for n in sizes() {
            let m = |k: &str| median(&format!("peer_{p}/{k}/{n}"));
            let (Some(c), Some(cj), Some(i), Some(ij)) = (
                m("caselint"),
                m("caselint_json"),
                m("interp"),
                m("interp_json"),
            ) else {
                continue;
            };
            // The VM only up to PEER_VM_MAX (older results of larger sizes are not this run's).
            let (v, vj) = if n <= vm_max() {
                (m("vm"), m("vm_json"))
            } else {
                (None, None)
            };
            let t = |x: Option<f64>| x.map_or("–".to_string(), fmt_t);
            let r =
                |x: Option<f64>, y: f64| x.map_or("–".to_string(), |x| format!("{:.0}×", x / y));
            println!(
                "| {p} | {n} | {} | {} | {} | {} | {} | {} | {:.0}× | {} | {:.0}× | {} |",
                fmt_t(c),
                fmt_t(cj),
                fmt_t(i),
                fmt_t(ij),
                t(v),
                t(vj),
                i / c,
                r(v, c),
                ij / cj,
                r(vj, cj)
            );
        }
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    peer(&mut c);
    c.final_summary();
    summary();
}

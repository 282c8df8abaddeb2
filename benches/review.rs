//! Review benchmarks on generated cn-criminal cases (`caselint::r#gen`):
//!
//! - `compile`: checking the shipped pack from its sources;
//! - `review/N`: one case of N nodes against the full pack (graph preloaded);
//!   `load_review/N`: the same from JSON text (throughput in bytes/s);
//! - `batch`: 10,000 cases of ~100 nodes through `review_batch` on all cores;
//! - `rule_<name>/engine/N` and `rule_<name>/hand/N`: one catalog rule run by
//!   the engine (a pack holding only that rule) and by hand-written Rust
//!   (`benches/common/handwritten.rs`), at N = 10², 10³, 10⁴, 10⁵ nodes.
//!
//! After criterion's runs the bench prints, from criterion's estimates of
//! this run, a markdown table of medians, engine / hand ratios and the
//! fitted scaling exponents (docs/performance.md).
//!
//! `cargo bench --bench review -- --warm-up-time 1 --measurement-time 3`
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "common/handwritten.rs"]
mod handwritten;

use caselint::r#gen::generate;
use caselint::{ReviewOptions, RulePack};
use criterion::{BenchmarkId, Criterion, Throughput};
use handwritten::{Hand, RULES, single_rule_sources};
use std::hint::black_box;
use std::path::PathBuf;

const PACK: &str = "rules/cn-criminal";
const SIZES: [usize; 4] = [100, 1_000, 10_000, 100_000];
const SEED: u64 = 7;
const BATCH: usize = 10_000;

fn short(rule: &str) -> &'static str {
    match rule {
        handwritten::FAMILY_NOTICE => "family_notice",
        handwritten::INDICTMENT_SERVICE => "indictment_service",
        handwritten::AMOUNT_CONFLICT => "amount_conflict",
        handwritten::COMBINED => "combined_punishment",
        handwritten::AGE => "age_of_responsibility",
        _ => "other",
    }
}

fn compile(c: &mut Criterion) {
    let mut sources: Vec<(String, String)> = std::fs::read_dir(PACK)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rules"))
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    sources.sort();
    let mut g = c.benchmark_group("compile");
    g.bench_function("pack", |b| {
        b.iter(|| RulePack::from_sources(black_box(sources.clone())).unwrap())
    });
    g.finish();
}

fn review(c: &mut Criterion) {
    let pack = RulePack::load(PACK).unwrap();
    let mut g = c.benchmark_group("review");
    for n in SIZES {
        let json = generate(pack.schema(), n, SEED);
        let case = pack.load_case(&json).unwrap();
        let report = pack.review(&case).unwrap();
        println!(
            "{n} nodes: {} edges, {} bytes, {} findings",
            case.edge_count(),
            json.len(),
            report.findings.len()
        );
        if n >= 100_000 {
            g.sample_size(10);
        }
        g.bench_with_input(BenchmarkId::from_parameter(n), &case, |b, case| {
            b.iter(|| pack.review(black_box(case)).unwrap())
        });
    }
    g.finish();
    let mut g = c.benchmark_group("load_review");
    for n in SIZES {
        let json = generate(pack.schema(), n, SEED);
        g.throughput(Throughput::Bytes(json.len() as u64));
        if n >= 100_000 {
            g.sample_size(10);
        }
        g.bench_with_input(BenchmarkId::from_parameter(n), &json, |b, json| {
            b.iter(|| {
                let case = pack.load_case(black_box(json)).unwrap();
                pack.review(&case).unwrap()
            })
        });
    }
    g.finish();
}

fn batch(c: &mut Criterion) {
    let pack = RulePack::load(PACK).unwrap();
    let cases: Vec<String> = (0..BATCH as u64)
        .map(|i| generate(pack.schema(), 100, SEED + i))
        .collect();
    let bytes: usize = cases.iter().map(String::len).sum();
    println!(
        "batch: {BATCH} cases, {bytes} bytes, {} threads",
        rayon::current_num_threads()
    );
    let opts = ReviewOptions::default();
    let mut g = c.benchmark_group("batch");
    g.sample_size(10);
    g.throughput(Throughput::Elements(BATCH as u64));
    g.bench_function("10000x100", |b| {
        b.iter(|| {
            let r = pack.review_batch(black_box(&cases), &opts);
            assert!(r.iter().all(Result::is_ok));
            r
        })
    });
    g.finish();
}

fn rules(c: &mut Criterion) {
    let full = RulePack::load(PACK).unwrap();
    let hand = Hand::new(&full);
    for rule in RULES {
        let pack = RulePack::from_sources(single_rule_sources(PACK, rule)).unwrap();
        let mut g = c.benchmark_group(format!("rule_{}", short(rule)));
        for n in SIZES {
            let json = generate(pack.schema(), n, SEED);
            let case = pack.load_case(&json).unwrap();
            let engine = pack.review(&case).unwrap().findings.len();
            let mine = hand.run(rule, &case).len();
            assert_eq!(
                engine, mine,
                "{rule} at {n} nodes: engine and hand-written disagree"
            );
            if n >= 100_000 {
                g.sample_size(10);
            }
            g.bench_with_input(BenchmarkId::new("engine", n), &case, |b, case| {
                b.iter(|| pack.review(black_box(case)).unwrap())
            });
            g.bench_with_input(BenchmarkId::new("hand", n), &case, |b, case| {
                b.iter(|| hand.run(rule, black_box(case)))
            });
        }
        g.finish();
    }
}

// ------------------------------------------------------------ the summary table

fn criterion_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(d).join("criterion");
    }
    // target/release/deps/review-… → target/criterion
    let exe = std::env::current_exe().unwrap();
    exe.ancestors()
        .nth(3)
        .map_or_else(|| PathBuf::from("target"), PathBuf::from)
        .join("criterion")
}

/// Criterion's median of this run, in seconds.
fn median(path: &str) -> Option<f64> {
    let p = criterion_dir().join(path).join("new/estimates.json");
    let text = std::fs::read_to_string(p).ok()?;
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

/// Least-squares slope of log(time) on log(n) over 10³..10⁵.
fn exponent(times: &[(usize, f64)]) -> Option<f64> {
    let pts: Vec<(f64, f64)> = times
        .iter()
        .filter(|(n, _)| *n >= 1_000)
        .map(|(n, t)| ((*n as f64).ln(), t.ln()))
        .collect();
    if pts.len() < 2 {
        return None;
    }
    let k = pts.len() as f64;
    let mx = pts.iter().map(|p| p.0).sum::<f64>() / k;
    let my = pts.iter().map(|p| p.1).sum::<f64>() / k;
    let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let sxx: f64 = pts.iter().map(|p| (p.0 - mx) * (p.0 - mx)).sum();
    Some(sxy / sxx)
}

fn summary() {
    println!("\n## Summary (criterion medians of this run)\n");
    if let Some(t) = median("compile/pack") {
        println!("pack compile: {}\n", fmt_t(t));
    }
    println!("| nodes | review | load+review | exponent 10³→10⁵ |");
    println!("|---:|---:|---:|---:|");
    let rv: Vec<(usize, f64)> = SIZES
        .iter()
        .filter_map(|n| median(&format!("review/{n}")).map(|t| (*n, t)))
        .collect();
    let e = exponent(&rv).map_or("–".into(), |e| format!("{e:.2}"));
    for n in SIZES {
        let a = median(&format!("review/{n}")).map_or("–".into(), fmt_t);
        let b = median(&format!("load_review/{n}")).map_or("–".into(), fmt_t);
        println!("| {n} | {a} | {b} | {e} |");
    }
    if let Some(t) = median("batch/10000x100") {
        println!(
            "\nbatch: {BATCH} cases of ~100 nodes in {} = {:.0} cases/s\n",
            fmt_t(t),
            BATCH as f64 / t
        );
    }
    println!("| rule | nodes | engine | hand-written | engine / hand |");
    println!("|---|---:|---:|---:|---:|");
    let mut exps = vec![];
    for rule in RULES {
        let s = short(rule);
        let mut eng = vec![];
        let mut hw = vec![];
        for n in SIZES {
            let e = median(&format!("rule_{s}/engine/{n}"));
            let h = median(&format!("rule_{s}/hand/{n}"));
            if let (Some(e), Some(h)) = (e, h) {
                println!(
                    "| {s} | {n} | {} | {} | {:.1}× |",
                    fmt_t(e),
                    fmt_t(h),
                    e / h
                );
                eng.push((n, e));
                hw.push((n, h));
            }
        }
        exps.push((s, exponent(&eng), exponent(&hw)));
    }
    println!("\n| rule | exponent engine | exponent hand |");
    println!("|---|---:|---:|");
    for (s, e, h) in exps {
        let f = |x: Option<f64>| x.map_or("–".into(), |x| format!("{x:.2}"));
        println!("| {s} | {} | {} |", f(e), f(h));
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    compile(&mut c);
    review(&mut c);
    batch(&mut c);
    rules(&mut c);
    c.final_summary();
    summary();
}

//! Engine / hand-written time ratios, measured in interleaved pairs.
//!
//! `benches/review.rs` times the engine and the hand-written rule one after
//! the other, a few seconds each; on a shared machine whose speed drifts by
//! 10–50 % within minutes, the ratio of two such medians moves with the
//! drift. Here each round times a batch of engine reviews and a batch of
//! hand-written runs back to back (in alternating order), so both halves of
//! a round see the same machine, and the ratio reported is the median of
//! the rounds' ratios, with its 10th and 90th percentiles. Every round
//! visits every size too, so the fitted exponent of time in nodes (printed
//! when there are two sizes or more) compares times taken side by side.
//!
//! ```sh
//! cargo bench --bench paired                      # 10² … 10⁴ nodes
//! PAIRED_SIZES=1000,10000,100000 cargo bench --bench paired   # and the scaling
//! ```
//!
//! Environment: `PAIRED_SIZES` (comma-separated node counts), `PAIRED_ROUNDS`
//! (default 101), `PAIRED_MS` (the length of each half-round, default 10).
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "common/handwritten.rs"]
mod handwritten;

use caselint::RulePack;
use caselint::r#gen::generate;
use handwritten::{Hand, RULES, single_rule_sources};
use std::hint::black_box;
use std::time::{Duration, Instant};

const PACK: &str = "rules/cn-criminal";
const SEED: u64 = 7;

fn var<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// How many runs of `f` take about `target`.
fn calibrate(target: Duration, mut f: impl FnMut()) -> u32 {
    let mut n = 1u32;
    loop {
        let t = Instant::now();
        for _ in 0..n {
            f();
        }
        let took = t.elapsed();
        if took >= target / 2 || n >= 1 << 20 {
            let per = took.as_secs_f64() / f64::from(n);
            return ((target.as_secs_f64() / per).ceil() as u32).max(1);
        }
        n *= 2;
    }
}

/// Seconds per run of `f`, over `n` runs.
fn per_run(n: u32, mut f: impl FnMut()) -> f64 {
    let t = Instant::now();
    for _ in 0..n {
        f();
    }
    t.elapsed().as_secs_f64() / f64::from(n)
}

/// The slope of log(time) on log(nodes), least squares.
fn exponent(points: &[(f64, f64)]) -> f64 {
    let xy: Vec<(f64, f64)> = points.iter().map(|(n, t)| (n.ln(), t.ln())).collect();
    let k = xy.len() as f64;
    let (mx, my) = (
        xy.iter().map(|p| p.0).sum::<f64>() / k,
        xy.iter().map(|p| p.1).sum::<f64>() / k,
    );
    let sxy: f64 = xy.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = xy.iter().map(|(x, _)| (x - mx) * (x - mx)).sum();
    sxy / sxx
}

/// The value at quantile `q` of sorted `xs` (nearest rank).
fn quantile(xs: &[f64], q: f64) -> f64 {
    let i = ((xs.len() - 1) as f64 * q).round() as usize;
    xs[i]
}

fn main() {
    // (`cargo bench` passes `--bench`; a filter, if any, selects rules by name.)
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let sizes: Vec<usize> = std::env::var("PAIRED_SIZES")
        .unwrap_or_else(|_| "100,1000,10000".into())
        .split(',')
        .map(|s| s.trim().parse().expect("PAIRED_SIZES: node counts"))
        .collect();
    let rounds: usize = var("PAIRED_ROUNDS", 101);
    let half = Duration::from_millis(var("PAIRED_MS", 10));
    let full = RulePack::load(PACK).unwrap();
    let hand = Hand::new(&full);
    let mut rows = vec![];
    let mut fits = vec![];
    for rule in RULES {
        if filter.as_deref().is_some_and(|f| !rule.contains(f)) {
            continue;
        }
        let pack = RulePack::from_sources(single_rule_sources(PACK, rule)).unwrap();
        let cases: Vec<_> = sizes
            .iter()
            .map(|&n| pack.load_case(&generate(pack.schema(), n, SEED)).unwrap())
            .collect();
        for (case, n) in cases.iter().zip(&sizes) {
            assert_eq!(
                pack.review(case).unwrap().findings.len(),
                hand.run(rule, case).len(),
                "{rule} at {n} nodes: engine and hand-written disagree"
            );
        }
        let engine = |i: usize| {
            black_box(pack.review(black_box(&cases[i])).unwrap());
        };
        let written = |i: usize| {
            black_box(hand.run(rule, black_box(&cases[i])));
        };
        // Runs per half-round, for each size (calibrating warms up too).
        let k: Vec<(u32, u32)> = (0..sizes.len())
            .map(|i| {
                (
                    calibrate(half, || engine(i)),
                    calibrate(half, || written(i)),
                )
            })
            .collect();
        // Per size: the rounds' times and ratios. Every round visits every
        // size, so a drift of the machine's speed touches all of them alike.
        let mut es = vec![vec![]; sizes.len()];
        let mut hs = vec![vec![]; sizes.len()];
        let mut ratios = vec![vec![]; sizes.len()];
        for r in 0..rounds {
            for (i, &(ke, kh)) in k.iter().enumerate() {
                let (e, h) = if r % 2 == 0 {
                    let e = per_run(ke, || engine(i));
                    (e, per_run(kh, || written(i)))
                } else {
                    let h = per_run(kh, || written(i));
                    (per_run(ke, || engine(i)), h)
                };
                es[i].push(e);
                hs[i].push(h);
                ratios[i].push(e / h);
            }
        }
        let mut medians = vec![];
        for (i, n) in sizes.iter().enumerate() {
            for xs in [&mut es[i], &mut hs[i], &mut ratios[i]] {
                xs.sort_by(f64::total_cmp);
            }
            let (e, h) = (quantile(&es[i], 0.5), quantile(&hs[i], 0.5));
            medians.push((*n as f64, e, h));
            rows.push(format!(
                "| {rule} | {n} | {:.1} µs | {:.1} µs | **{:.2}×** | {:.2}–{:.2}× |",
                e * 1e6,
                h * 1e6,
                quantile(&ratios[i], 0.5),
                quantile(&ratios[i], 0.1),
                quantile(&ratios[i], 0.9),
            ));
        }
        if sizes.len() >= 2 {
            let fit = |pick: fn(&(f64, f64, f64)) -> f64| {
                exponent(&medians.iter().map(|m| (m.0, pick(m))).collect::<Vec<_>>())
            };
            fits.push(format!(
                "| {rule} | {:.2} | {:.2} |",
                fit(|m| m.1),
                fit(|m| m.2)
            ));
        }
    }
    println!(
        "| rule | nodes | engine (median) | hand-written (median) | engine / hand (median of {rounds} rounds) | 10th–90th percentile |"
    );
    println!("|---|---:|---:|---:|---:|---|");
    for r in rows {
        println!("{r}");
    }
    if !fits.is_empty() {
        let (lo, hi) = (sizes.first().unwrap(), sizes.last().unwrap());
        println!(
            "\nFitted exponent of the median time in nodes ({lo} to {hi}, least squares on log–log):\n"
        );
        println!("| rule | engine | hand-written |");
        println!("|---|---:|---:|");
        for f in fits {
            println!("{f}");
        }
    }
}

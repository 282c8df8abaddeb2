//! Review plans (`src/check/plan.rs`, `src/check/inline.rs`): what the planner
//! does to the shipped rules of the five shapes measured in
//! docs/performance.md, and that a plan finds what the clauses as written find.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use caselint::RulePack;
use caselint::check::ir::{CondOf, Expr, Op, QStep, Rule, Stage, Test};
use caselint::r#gen::generate;

fn pack() -> RulePack {
    RulePack::load("rules/cn-criminal").unwrap()
}

fn rule<'p>(pack: &'p RulePack, id: &str, nth: usize) -> &'p Rule {
    pack.program()
        .rules
        .iter()
        .filter(|r| r.id == id)
        .nth(nth)
        .unwrap_or_else(|| panic!("no rule {id}"))
}

fn part<'p>(pack: &'p RulePack, id: &str, part: &str) -> &'p Rule {
    pack.program()
        .rules
        .iter()
        .find(|r| r.id == id && r.part.as_deref() == Some(part))
        .unwrap_or_else(|| panic!("no rule {id} part {part}"))
}

fn slot(rule: &Rule, name: &str) -> u32 {
    rule.slot_names
        .iter()
        .position(|n| n == name)
        .unwrap_or_else(|| panic!("no variable {name}")) as u32
}

/// The pair join: `e2`'s step starts above `e1`, `admissible(e1)` is tested
/// before the loop over `e2`, and `e1 < e2` is no longer tested per pair.
#[test]
fn pair_join_starts_the_inner_loop_after_the_outer_node() {
    let p = pack();
    let r = rule(&p, "cn.evidence.amount_conflict", 0);
    let (e1, e2) = (slot(r, "e1"), slot(r, "e2"));
    let matches: Vec<&caselint::check::ir::Query> = r
        .plan
        .iter()
        .filter_map(|op| match op {
            Op::Match(q) => Some(q),
            _ => None,
        })
        .collect();
    assert_eq!(matches.len(), 3);
    let inner = matches.last().unwrap();
    assert!(inner.steps.iter().any(|s| matches!(s,
        QStep::Expand { to, above: Some(a), .. } if to.0 == e2 && a.0 == e1)));
    // Between the second and the third `Match`: `admissible(e1)`, a
    // condition on e1 alone (after the presence test of `s1.amount`, which
    // `fields_the_requirement_needs_are_tested_when_bound` checks).
    let second = r
        .plan
        .iter()
        .position(|op| matches!(op, Op::Match(q) if q.head.0 == e1))
        .unwrap();
    let between: Vec<&Expr> = r.plan[second + 1..]
        .iter()
        .take_while(|op| !matches!(op, Op::Match(_)))
        .filter_map(|op| match op {
            Op::Cond(e, of) if of.clause != CondOf::IMPLIED => Some(e),
            _ => None,
        })
        .collect();
    let reads_e1_only = |e: &Expr| {
        let mut only = true;
        let mut seen = false;
        fn walk(e: &Expr, e1: u32, only: &mut bool, seen: &mut bool) {
            if let Expr::Local(s) = e {
                *seen |= s.0 == e1;
                *only &= s.0 == e1;
            }
            for c in e.children() {
                walk(c, e1, only, seen);
            }
        }
        walk(e, e1, &mut only, &mut seen);
        only && seen
    };
    assert!(
        between.len() == 1 && between.iter().all(|e| reads_e1_only(e)),
        "admissible(e1) right after e1 is bound: {between:?}"
    );
    let compares = r
        .plan
        .iter()
        .filter(|op| matches!(op, Op::Cond(Expr::Compare(..), _)))
        .count();
    assert_eq!(compares, 0, "e1 < e2 is served by the step");
    // The clauses as written keep the condition whole.
    assert!(r.ops.iter().any(|op| matches!(op, Op::Where(..))));
}

/// The fields a requirement cannot be decided without are tested present as
/// soon as their variable is bound, before the `where` conjuncts there.
#[test]
fn fields_the_requirement_needs_are_tested_when_bound() {
    let p = pack();
    let implied = |r: &Rule| -> Vec<(usize, Expr)> {
        r.plan
            .iter()
            .enumerate()
            .filter_map(|(i, op)| match op {
                Op::Cond(Expr::Is(x, false, Test::Present), of) if of.clause == CondOf::IMPLIED => {
                    Some((i, (**x).clone()))
                }
                _ => None,
            })
            .collect()
    };
    let local = |e: &Expr| match e {
        Expr::Field(b, ..) | Expr::EdgeField(b, ..) => match **b {
            Expr::Local(s) => Some(s.0),
            _ => None,
        },
        _ => None,
    };

    // `require s1.amount = s2.amount`: each edge's amount, right after the
    // step that binds the edge.
    let r = rule(&p, "cn.evidence.amount_conflict", 0);
    let tests = implied(r);
    assert_eq!(tests.len(), 2, "{tests:?}");
    for name in ["s1", "s2"] {
        let s = slot(r, name);
        let (at, _) = tests
            .iter()
            .find(|(_, x)| matches!(x, Expr::EdgeField(..)) && local(x) == Some(s))
            .unwrap_or_else(|| panic!("{name}.amount: {tests:?}"));
        let binder = r
            .plan
            .iter()
            .position(|op| {
                matches!(op, Op::Match(q) if q.steps.iter().any(|st| matches!(st,
                    QStep::Expand { edge_slot: Some(x), .. } if x.0 == s)))
            })
            .unwrap();
        assert_eq!(*at, binder + 1, "{name}");
    }

    // `top <= cs.months and cs.months <= …`: both sides need `cs.months`
    // (`top` is a `let`, not a field).
    let b = part(&p, "cn.cl.069.combined_punishment", "bounds");
    let tests = implied(b);
    let cs = slot(b, "cs");
    assert_eq!(tests.len(), 1, "{tests:?}");
    assert!(tests.iter().all(|(_, x)| local(x) == Some(cs)));

    // `(a >= 14 and …) or (a >= 12 and …)`: `a` is a `let`; nothing implied.
    assert!(implied(rule(&p, "cn.cl.017.age_of_responsibility", 0)).is_empty());
}

/// A `let` only the messages read is computed for findings only; one the
/// requirement reads, just before it.
#[test]
fn lets_are_computed_where_first_read() {
    let p = pack();
    let r = rule(&p, "cn.cpl.085.detention_family_notice", 0);
    let n = slot(r, "n");
    assert!(
        r.late
            .iter()
            .any(|(s, _, stage)| s.0 == n && *stage == Stage::Finding)
    );
    assert!(
        !r.plan
            .iter()
            .any(|op| matches!(op, Op::Let(s, _) if s.0 == n))
    );

    let b = part(&p, "cn.cl.069.combined_punishment", "bounds");
    for name in ["top", "total"] {
        let s = slot(b, name);
        assert!(
            b.late
                .iter()
                .any(|(x, _, stage)| x.0 == s && *stage == Stage::Require),
            "{name}"
        );
    }

    // `a` is read by a `where`: it stays a binding step.
    let age = rule(&p, "cn.cl.017.age_of_responsibility", 0);
    let a = slot(age, "a");
    assert!(
        age.plan
            .iter()
            .any(|op| matches!(op, Op::Let(s, _) if s.0 == a))
    );
    assert!(age.late.is_empty());
}

/// Small definitions without queries are inlined into plans; a definition
/// that runs one stays a call (it is memoised per argument tuple).
#[test]
fn small_definitions_are_inlined() {
    let p = pack();
    let prog = p.program();
    let def = |name: &str| {
        prog.defs
            .iter()
            .position(|d| d.name == name)
            .unwrap_or_else(|| panic!("no def {name}")) as u32
    };
    fn calls(e: &Expr, out: &mut Vec<u32>) {
        if let Expr::Call(d, _) = e {
            out.push(d.0);
        }
        for c in e.children() {
            calls(c, out);
        }
    }
    let mut found = vec![];
    let r = rule(&p, "cn.cpl.085.detention_family_notice", 0);
    for (e, _) in r.require.iter() {
        calls(e, &mut found);
    }
    assert!(!found.contains(&def("within_24h")), "within_24h inlined");
    assert!(!found.contains(&def("moment")), "moment inlined");

    let mut found = vec![];
    let r = rule(&p, "cn.cl.017.age_of_responsibility", 0);
    for (e, _) in r.require.iter() {
        calls(e, &mut found);
    }
    assert!(found.contains(&def("liable_from_12")), "runs a query: kept");
}

/// Plans find what the clauses as written find: every finding of `review`
/// (plans) is one `explain` (clauses in written order) reports as fired, on
/// generated cases, for the five measured rules.
#[test]
fn plans_agree_with_the_clauses_as_written() {
    let p = pack();
    for seed in [3, 7, 11] {
        let case = p.load_case(&generate(p.schema(), 2_000, seed)).unwrap();
        let report = p.review(&case).unwrap();
        for id in [
            "cn.cpl.085.detention_family_notice",
            "cn.cpl.187.indictment_service",
            "cn.evidence.amount_conflict",
            "cn.cl.069.combined_punishment",
            "cn.cl.017.age_of_responsibility",
        ] {
            let reviewed = report.findings.iter().filter(|f| f.rule == id).count();
            let explained = p
                .explain(&case, id, None, &caselint::ReviewOptions::default())
                .unwrap();
            let fired = explained
                .bindings
                .iter()
                .filter(|b| b.outcome == "fired")
                .count();
            assert_eq!(reviewed, fired, "{id}, seed {seed}");
        }
    }
}

/// The queries of the quantifiers and aggregates a review of `r` evaluates
/// before the finding.
fn queries(r: &Rule) -> Vec<&caselint::check::ir::Query> {
    fn walk<'r>(e: &'r Expr, out: &mut Vec<&'r caselint::check::ir::Query>) {
        for c in e.children() {
            walk(c, out);
        }
        if let Expr::Quant(_, q, _) | Expr::Agg(_, _, q) = e {
            out.push(q);
        }
    }
    let mut out = vec![];
    for op in &r.plan {
        match op {
            Op::Match(q) => q.exprs().into_iter().for_each(|x| walk(x, &mut out)),
            Op::Value(_, e) | Op::Each(_, e) | Op::Let(_, e) | Op::Where(e, _) | Op::Cond(e, _) => {
                walk(e, &mut out)
            }
        }
    }
    for (_, e, _) in &r.late {
        walk(e, &mut out);
    }
    for (e, _) in &r.unless {
        walk(e, &mut out);
    }
    if let Some((e, _)) = &r.require {
        walk(e, &mut out);
    }
    out
}

fn grouped(r: &Rule) -> Vec<&caselint::check::ir::Grouped> {
    queries(r)
        .into_iter()
        .filter_map(|q| q.grouped.as_deref())
        .collect()
}

fn families(r: &Rule) -> Vec<&caselint::check::ir::Family> {
    queries(r)
        .into_iter()
        .filter_map(|q| q.family.as_deref())
        .collect()
}

/// `count s: sentence(scope = single, penalty = k) -imposed_on-> d` inside
/// `for … k in [public_surveillance, criminal_detention, fixed_term]` is read
/// from a table by defendant and penalty. Part `bounds` asks its count, max,
/// sum and `exists … where s.months is absent` of the same sentences once
/// per combined sentence: one walk computes the four. Nothing else of the
/// five measured rules is either.
#[test]
fn combined_punishment_reads_a_table_and_walks_the_sentences_once() {
    let p = pack();
    let missing = grouped(part(&p, "cn.cl.069.combined_punishment", "missing"));
    let bounds = grouped(part(&p, "cn.cl.069.combined_punishment", "bounds"));
    assert_eq!(missing.len(), 1, "{missing:?}");
    let m = missing[0];
    let r = part(&p, "cn.cl.069.combined_punishment", "missing");
    assert_eq!(r.slot_names[m.anchor.0 as usize], "d");
    // The table's query has no `penalty = …` test left: the group replaces it.
    let QStep::Expand { node_tests, .. } = &m.query.steps[0] else {
        panic!("{:?}", m.query.steps);
    };
    assert_eq!(node_tests.len(), 1);
    // The `where` right after `k in [...]`: a review reads the table for
    // each `k` before binding it, and binds only those that may pass.
    let each = r
        .plan
        .iter()
        .position(|op| matches!(op, Op::Each(..)))
        .expect("k in [...]");
    assert!(
        matches!(&r.plan[each + 1], Op::Cond(Expr::Compare(first, _), _)
            if matches!(&**first, Expr::Agg(_, _, q) if q.grouped.is_some())),
        "{:?}",
        r.plan
    );
    assert!(bounds.is_empty(), "{bounds:?}");
    let fam = families(part(&p, "cn.cl.069.combined_punishment", "bounds"));
    assert_eq!(fam.len(), 4, "{fam:?}");
    assert!(
        fam.iter()
            .all(|f| f.id == fam[0].id && f.members.len() == 4)
    );
    let b = part(&p, "cn.cl.069.combined_punishment", "bounds");
    let key: Vec<&str> = fam[0]
        .key
        .iter()
        .map(|s| b.slot_names[s.0 as usize].as_str())
        .collect();
    assert_eq!(key, ["d", "cs"]);
    assert!(families(part(&p, "cn.cl.069.combined_punishment", "missing")).is_empty());
    for id in [
        "cn.cpl.085.detention_family_notice",
        "cn.cpl.187.indictment_service",
        "cn.evidence.amount_conflict",
        "cn.cl.017.age_of_responsibility",
    ] {
        assert!(grouped(rule(&p, id, 0)).is_empty(), "{id}");
        assert!(families(rule(&p, id, 0)).is_empty(), "{id}");
    }
}

/// The one-step quantifiers and aggregates of CL 69 run as kernels: the
/// `unless` of part `missing` reads `s.penalty in [life, death_reprieve,
/// death]` on the stored field, and the family of part `bounds` runs as one
/// loop whose `penalty = cs.penalty` test reads `cs.penalty` once per walk,
/// with `s.months` and `s.months is absent` read in place.
#[test]
fn combined_punishment_runs_its_one_step_queries_as_kernels() {
    use caselint::check::ir::{FastCond, FastValue, TestValue};
    let p = pack();
    let missing = part(&p, "cn.cl.069.combined_punishment", "missing");
    let ks: Vec<_> = queries(missing)
        .into_iter()
        .filter_map(|q| q.kernel.as_deref())
        .collect();
    // The count in the `where` (which also has its table), the `unless` and
    // the `require`.
    assert_eq!(ks.len(), 3, "{ks:?}");
    assert!(ks.iter().all(|k| k.members.len() == 1 && !k.forward));
    assert!(ks.iter().any(|k| matches!(
        &k.members[0].1.filter,
        FastCond::In(_, items, false) if items.len() == 3
    )));
    let bounds = part(&p, "cn.cl.069.combined_punishment", "bounds");
    let fam = families(bounds);
    let k = fam[0].kernel.as_ref().expect("the family's kernel");
    assert_eq!(k.members.len(), 4);
    let outer: Vec<_> = k
        .tests
        .iter()
        .filter(|(_, from)| *from == TestValue::Outer)
        .collect();
    assert_eq!(outer.len(), 1, "{:?}", k.tests);
    assert!(
        k.members
            .iter()
            .any(|(_, f)| matches!(f.filter, FastCond::Is(..)))
    );
    assert_eq!(
        k.members
            .iter()
            .filter(|(_, f)| matches!(f.value, FastValue::Field(..)))
            .count(),
        2,
        "max s.months and sum s.months"
    );
    // A pattern of two steps has none.
    let amount = rule(&p, "cn.evidence.amount_conflict", 0);
    for q in queries(amount) {
        if q.steps.len() > 1 {
            assert!(q.kernel.is_none());
        }
    }
}

/// The `exists s: sentence(scope = single) -imposed_on-> d where s.penalty in
/// [life, death_reprieve, death]` of both parts of CL 69 depends on `d`
/// alone: a review computes it once per defendant, under one id for the two
/// parts. The count with `penalty = k` depends on `k` too, and the family of
/// part `bounds` has four members: neither is remembered by its anchor.
#[test]
fn combined_punishment_remembers_its_anchor_only_quantifier_across_parts() {
    let p = pack();
    let memos = |r: &Rule| -> Vec<(Option<u32>, usize)> {
        queries(r)
            .into_iter()
            .filter_map(|q| q.kernel.as_deref())
            .map(|k| (k.memo, k.tests.len()))
            .collect()
    };
    let missing = memos(part(&p, "cn.cl.069.combined_punishment", "missing"));
    let bounds = memos(part(&p, "cn.cl.069.combined_punishment", "bounds"));
    let remembered = |ks: &[(Option<u32>, usize)]| -> Vec<u32> {
        let mut ids: Vec<u32> = ks.iter().filter_map(|(m, _)| *m).collect();
        ids.sort();
        ids.dedup();
        ids
    };
    // Part missing: the `unless` and the `require` (`exists c:
    // sentence(scope = combined) -imposed_on-> d`), not the count.
    assert_eq!(remembered(&missing).len(), 2, "{missing:?}");
    let shared: Vec<u32> = remembered(&bounds)
        .into_iter()
        .filter(|id| remembered(&missing).contains(id))
        .collect();
    assert_eq!(shared.len(), 1, "{missing:?} {bounds:?}");
    for f in families(part(&p, "cn.cl.069.combined_punishment", "bounds")) {
        assert!(f.kernel.as_ref().is_some_and(|k| k.memo.is_none()));
    }
}

/// `for d: defendant, cs: sentence(scope = combined) -imposed_on-> d` may
/// start at the combined sentences (the enum index of `scope`), then reach
/// `d` and test it a defendant; the one-node second patterns of the
/// probation and death-penalty rules have no `field = value` index and keep
/// their plan.
#[test]
fn combined_bounds_may_start_at_the_combined_sentences() {
    let p = pack();
    let b = part(&p, "cn.cl.069.combined_punishment", "bounds");
    let s = b.swap.as_ref().expect("a second start");
    let (cs, d) = (slot(b, "cs"), slot(b, "d"));
    let [Op::Match(first), Op::Match(second), ..] = s.plan.as_slice() else {
        panic!("{:?}", s.plan);
    };
    assert!(matches!(
        first.steps.as_slice(),
        [caselint::check::ir::QStep::Scan { slot, index: Some(_), .. }] if slot.0 == cs
    ));
    assert!(matches!(
        second.steps.as_slice(),
        [caselint::check::ir::QStep::Expand { to, forward: true, node_tests, .. }]
            if to.0 == d && node_tests.len() == 1
    ));
    // The same conditions follow, in the same order.
    assert_eq!(s.plan.get(2..), b.plan.get(2..));
    assert!(rule(&p, "cn.cl.074.probation_excluded", 0).swap.is_none());
    assert!(rule(&p, "cn.cl.049.death_excluded", 0).swap.is_none());
}

/// `cn.order.step_order`: the two loops over the steps, and the comparison
/// of their ranks, come before the scan of the defendants; the scan runs
/// once per ordered pair of steps, not the comparison once per defendant.
#[test]
fn step_order_tests_the_pairs_of_steps_before_the_defendants() {
    let p = pack();
    let r = rule(&p, "cn.order.step_order", 0);
    let (d, ta, tb) = (slot(r, "d"), slot(r, "ta"), slot(r, "tb"));
    let kinds: Vec<String> = r
        .plan
        .iter()
        .map(|op| match op {
            Op::Each(s, _) if s.0 == ta => "each ta".into(),
            Op::Each(s, _) if s.0 == tb => "each tb".into(),
            Op::Cond(..) => "cond".into(),
            Op::Match(q)
                if q.steps
                    .iter()
                    .any(|s| matches!(s, QStep::Scan { slot, .. } if slot.0 == d)) =>
            {
                "scan d".into()
            }
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(kinds, ["each ta", "each tb", "cond", "scan d"]);
}

//! Stage 2, the review plan of a rule: what runs, in which order.
//!
//! A rule's clauses ([`Rule::ops`](super::ir::Rule::ops)) say what holds; the
//! plan says how to find it cheaply, with the same findings:
//!
//! - each `where` is split at `and` and every conjunct is tested as soon as the
//!   variables it reads are bound (`admissible(e1)` before the loop over `e2`,
//!   not once per pair);
//! - a conjunct `a < b` where `b` is the node an edge step reaches also starts
//!   that step after `a` (the edges are sorted by the other end's id), so a
//!   pair join enumerates each unordered pair once (the conjunct is then not
//!   tested again, unless it is its clause's last);
//! - a `let` that no binding step reads is computed only for the bindings that
//!   get to the first clause reading it (`unless`, `require`, `due`, or the
//!   finding's messages), not for every binding;
//! - a field of a bound variable without which the `require` is unknown
//!   (`s1.amount` in `require s1.amount = s2.amount`) is tested present as soon
//!   as the variable is bound: a binding that lacks it can yield no finding
//!   (an unknown requirement is neither met nor breached), so the join skips
//!   it, as a database skips the rows a null-rejecting condition drops;
//! - loops over lists, values and `let`s that read no pattern's variable run
//!   before the patterns when a `where` conjunct tests them alone (`for d:
//!   defendant, ta in steps, tb in steps where chain(ta).rank <
//!   chain(tb).rank` compares the pairs once, then scans the defendants for
//!   each pair that passes);
//! - a rule that starts `for a: A(…), x: B(f = v, …) -e-> a` gets a second
//!   plan that starts at `x`, from B's enum index, and reaches `a` over the
//!   edge ([`Swap`]): each review takes the one with fewer nodes and edges
//!   to walk in its case (`for d: defendant, cs: sentence(scope = combined)
//!   -imposed_on-> d` starts at the few combined sentences, not at every
//!   defendant's sentences).
//!
//! A review with coverage on, `explain` and the reference evaluator of the
//! tests run the clauses as written instead.

use super::ir::*;
use super::rule::{binds, place, query_slots, slots_used};
use crate::syntax::ast::{CmpOp, EdgeMod};
use std::collections::BTreeSet;

/// The clauses evaluated once a binding is complete, in order.
pub(super) struct Consumers<'e> {
    pub in_force: Option<&'e Expr>,
    pub unless: Vec<&'e Expr>,
    pub require: Option<&'e Expr>,
    pub due: Option<&'e Expr>,
}

/// The plan of a rule's `ops`, and its late `let`s.
pub(super) fn plan(ops: &[Op], after: Consumers<'_>) -> (Vec<Op>, Vec<(Slot, Expr, Stage)>) {
    // 1. The `let`s no later step reads (backwards, so a `let` read only by a
    //    late `let` is late too).
    let mut needed = BTreeSet::new();
    let mut late_at = vec![false; ops.len()];
    for (i, op) in ops.iter().enumerate().rev() {
        if let Op::Let(slot, _) = op
            && !needed.contains(slot)
        {
            if let Some(l) = late_at.get_mut(i) {
                *l = true;
            }
            continue;
        }
        reads(op, &mut needed);
    }
    let late = late_lets(ops, &late_at, &after);

    // 2. Every other step in order, with each conjunct right after the step
    //    that binds the last variable it reads.
    let mut binders: Vec<Op> = vec![];
    let mut conds: Vec<(Expr, u32, usize)> = vec![];
    for (i, op) in ops.iter().enumerate() {
        match op {
            Op::Where(e, _) => {
                let mut parts = vec![];
                conjuncts(e, &mut parts);
                for c in parts {
                    let pos = place(&binders, c);
                    // (Beyond u32 clauses, the index saturates below `IMPLIED`.)
                    let clause = u32::try_from(i).unwrap_or(CondOf::IMPLIED - 1);
                    conds.push((c.clone(), clause.min(CondOf::IMPLIED - 1), pos));
                }
            }
            _ if late_at.get(i).copied().unwrap_or(false) => {}
            other => binders.push(other.clone()),
        }
    }
    // 2b. Loops over lists (and values and `let`s) that read no pattern's
    //     variable go before the patterns when a conjunct tests them alone:
    //     `for d: defendant, ta in steps, tb in steps where chain(ta).rank <
    //     chain(tb).rank` then tests the pairs once, not once per defendant.
    if let Some(order) = hoisted(&binders, &conds) {
        binders = order;
        for (c, _, pos) in &mut conds {
            *pos = place(&binders, c);
        }
    }
    // The presence tests the requirement implies, first at their position
    // (a field test is cheap, and may spare the `where` conjuncts there).
    // Only variables a binding step binds: a late `let` is not yet bound.
    if let Some(req) = after.require {
        let mut reads = vec![];
        null_rejecting_reads(req, &mut reads);
        let mut implied = vec![];
        for (s, r) in reads {
            if !binders.iter().any(|op| binds(op).contains(&s)) {
                continue;
            }
            let test = Expr::Is(Box::new(r), false, Test::Present);
            let pos = place(&binders, &test);
            implied.push((test, CondOf::IMPLIED, pos));
        }
        implied.append(&mut conds);
        conds = implied;
    }
    let mut out: Vec<Op> = vec![];
    for pos in 0..=binders.len() {
        if pos > 0
            && let Some(b) = binders.get(pos - 1)
        {
            out.push(b.clone());
        }
        for (c, clause, _) in conds.iter().filter(|(_, _, p)| *p == pos) {
            out.push(Op::Cond(
                c.clone(),
                CondOf {
                    clause: *clause,
                    last: false,
                },
            ));
        }
    }
    // The last conjunct tested of each clause.
    let mut seen = BTreeSet::new();
    for op in out.iter_mut().rev() {
        if let Op::Cond(_, of) = op
            && seen.insert(of.clause)
        {
            of.last = true;
        }
    }

    // 3. `a < b` as the start of the step that reaches `b`.
    bound_steps(&mut out);
    (out, late)
}

/// `binders` with every loop, value and `let` that reads no pattern's
/// variable (directly or through another such) moved before the rest, in
/// their order, when that tests some conjunct earlier: one that reads some
/// of their variables and no other. The bindings are the same, in another
/// order (a review sorts its findings); a pattern after them is matched
/// once per combination of their values that passes the conjunct.
///
/// Not when a conjunct tests the patterns' variables alone: `for e: event,
/// k in [...] where e.qty > 1000 and k > 0` would scan the events and test
/// them once per `k` instead of once. (A rule so reordered keeps its
/// written start: [`swap`] only takes a plan that starts with a pattern.)
fn hoisted(binders: &[Op], conds: &[(Expr, u32, usize)]) -> Option<Vec<Op>> {
    let (mut front, mut rest): (Vec<Op>, Vec<Op>) = (vec![], vec![]);
    let (mut front_slots, mut rest_slots) = (BTreeSet::new(), BTreeSet::new());
    for op in binders {
        let mut read = BTreeSet::new();
        reads(op, &mut read);
        if matches!(op, Op::Each(..) | Op::Value(..) | Op::Let(..)) && read.is_disjoint(&rest_slots)
        {
            front_slots.extend(binds(op));
            front.push(op.clone());
        } else {
            rest_slots.extend(binds(op));
            rest.push(op.clone());
        }
    }
    if front.is_empty() || rest.is_empty() {
        return None;
    }
    let order: Vec<Op> = front.into_iter().chain(rest).collect();
    let used = |c: &Expr| {
        let mut used = BTreeSet::new();
        slots_used(c, &mut used);
        used
    };
    let pattern_only = conds.iter().any(|(c, _, _)| {
        let u = used(c);
        !u.is_empty() && u.is_subset(&rest_slots)
    });
    let earlier = conds.iter().any(|(c, _, pos)| {
        let u = used(c);
        !u.is_empty() && u.is_subset(&front_slots) && place(&order, c) < *pos
    });
    (earlier && !pattern_only).then_some(order)
}

/// The slots an operation reads.
fn reads(op: &Op, out: &mut BTreeSet<Slot>) {
    match op {
        Op::Match(q) => query_slots(q, out),
        Op::Value(_, e) | Op::Each(_, e) | Op::Let(_, e) | Op::Where(e, _) | Op::Cond(e, _) => {
            slots_used(e, out)
        }
    }
}

fn uses(e: &Expr, slot: Slot) -> bool {
    let mut used = BTreeSet::new();
    slots_used(e, &mut used);
    used.contains(&slot)
}

/// The late `let`s in written order, each at the first stage that reads it
/// (directly, or through a later late `let`).
fn late_lets(ops: &[Op], late_at: &[bool], after: &Consumers<'_>) -> Vec<(Slot, Expr, Stage)> {
    let mut late: Vec<(Slot, Expr, Stage)> = ops
        .iter()
        .zip(late_at)
        .filter_map(|(op, l)| match op {
            Op::Let(slot, e) if *l => Some((*slot, e.clone(), Stage::Finding)),
            _ => None,
        })
        .collect();
    let mut consumers: Vec<(Stage, &Expr)> = vec![];
    consumers.extend(after.in_force.map(|e| (Stage::InForce, e)));
    for (k, e) in after.unless.iter().enumerate() {
        consumers.push((Stage::Unless(u32::try_from(k).unwrap_or(u32::MAX)), *e));
    }
    consumers.extend(after.require.map(|e| (Stage::Require, e)));
    consumers.extend(after.due.map(|e| (Stage::Due, e)));
    for (slot, _, stage) in &mut late {
        if let Some((s, _)) = consumers.iter().find(|(_, e)| uses(e, *slot)) {
            *stage = (*stage).min(*s);
        }
    }
    for j in (0..late.len()).rev() {
        let Some((_, e, s)) = late.get(j).cloned() else {
            continue;
        };
        let mut used = BTreeSet::new();
        slots_used(&e, &mut used);
        for (slot, _, stage) in late.iter_mut().take(j) {
            if used.contains(slot) {
                *stage = (*stage).min(s);
            }
        }
    }
    late
}

/// Collects the reads of a variable's field (`x.f`, or an edge's `s.amount`),
/// with the variable, whose absence makes `e` absent whatever the rest is:
/// a single comparison (not a chain: `a < b < c` is false when `a < b` is,
/// whatever `c`) or arithmetic with an absent operand, membership of an
/// absent value in a written-out list, `years_between`/`days_between` of an
/// absent date, and what both sides of an `and` or an `or` need (unknown and
/// unknown is unknown). Conservative: other constructs add nothing.
fn null_rejecting_reads(e: &Expr, out: &mut Vec<(Slot, Expr)>) {
    let mut add = |s: Slot, x: Expr| {
        if !out.iter().any(|(_, y)| *y == x) {
            out.push((s, x));
        }
    };
    match e {
        Expr::Field(b, ..) | Expr::EdgeField(b, ..) => {
            if let Expr::Local(s) = **b {
                add(s, e.clone());
            }
        }
        Expr::Compare(a, rest) if rest.len() == 1 => {
            null_rejecting_reads(a, out);
            for (_, b) in rest {
                null_rejecting_reads(b, out);
            }
        }
        Expr::Arith(_, a, b) => {
            null_rejecting_reads(a, out);
            null_rejecting_reads(b, out);
        }
        Expr::Builtin(Builtin::YearsBetween | Builtin::DaysBetween, args) => {
            for a in args {
                null_rejecting_reads(a, out);
            }
        }
        Expr::Neg(x) | Expr::Not(x) | Expr::Duration(x, _) => null_rejecting_reads(x, out),
        Expr::In(x, list, _) if matches!(**list, Expr::List(_)) => null_rejecting_reads(x, out),
        Expr::And(a, b) | Expr::Or(a, b) => {
            let (mut l, mut r) = (vec![], vec![]);
            null_rejecting_reads(a, &mut l);
            null_rejecting_reads(b, &mut r);
            for (s, x) in l {
                if r.iter().any(|(_, y)| *y == x) {
                    add(s, x);
                }
            }
        }
        _ => {}
    }
}

/// `a and b and c` → `[a, b, c]`.
fn conjuncts<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match e {
        Expr::And(a, b) => {
            conjuncts(a, out);
            conjuncts(b, out);
        }
        other => out.push(other),
    }
}

/// For a `Cond` `a < b` (or `b > a`) right after the `Match` whose edge step
/// reaches `b`, with `a` bound before it: that step starts above `a`.
fn bound_steps(plan: &mut Vec<Op>) {
    let mut i = 0;
    while i < plan.len() {
        let mut bounds: Vec<(Slot, Slot)> = vec![];
        if let Some(Op::Match(q)) = plan.get(i) {
            let own: Vec<Slot> = plan.get(i).map(binds).unwrap_or_default();
            for op in plan.iter().skip(i + 1) {
                let Op::Cond(e, _) = op else { break };
                if let Some((lo, hi)) = less_than(e)
                    && !own.contains(&lo)
                    && q.steps.iter().any(|s| reaches(s, hi))
                {
                    bounds.push((lo, hi));
                }
            }
        }
        let mut served = vec![];
        if let Some(Op::Match(q)) = plan.get_mut(i) {
            for (lo, hi) in bounds {
                for s in &mut q.steps {
                    if reaches(s, hi)
                        && let QStep::Expand { above, .. } = s
                        && above.is_none()
                    {
                        *above = Some(lo);
                        served.push((lo, hi));
                    }
                }
            }
        }
        // The step now yields only nodes above `a`: `a < b` holds for every
        // binding it makes, so it need not be tested again — unless it is its
        // clause's last conjunct (which tells coverage the clause held).
        let mut j = i + 1;
        while let Some(Op::Cond(e, of)) = plan.get(j) {
            if !of.last && less_than(e).is_some_and(|p| served.contains(&p)) {
                plan.remove(j);
            } else {
                j += 1;
            }
        }
        i += 1;
    }
}

/// `a < b` or `b > a` between two variables: `(a, b)`.
fn less_than(e: &Expr) -> Option<(Slot, Slot)> {
    let Expr::Compare(first, rest) = e else {
        return None;
    };
    let [(op, second)] = rest.as_slice() else {
        return None;
    };
    let (Expr::Local(a), Expr::Local(b)) = (&**first, second) else {
        return None;
    };
    match op {
        CmpOp::Lt => Some((*a, *b)),
        CmpOp::Gt => Some((*b, *a)),
        _ => None,
    }
}

/// Whether the step binds `slot` by following single edges.
fn reaches(s: &QStep, slot: Slot) -> bool {
    matches!(
        s,
        QStep::Expand {
            to,
            to_bound: false,
            modifier: EdgeMod::One,
            ..
        } if *to == slot
    )
}

/// The [`Swap`] of a plan that starts with a scan of `a` and, after tests
/// of `a` alone, a single edge step from `a` to a new `x` with an enum
/// `field = value` test: the same bindings, started at `x`'s index.
pub(super) fn swap(plan: &[Op], schema: &crate::graph::Schema) -> Option<Swap> {
    let Some(Op::Match(q1)) = plan.first() else {
        return None;
    };
    let rest = plan.get(1..)?;
    let [
        QStep::Scan {
            slot: a,
            kind: ka,
            index: ia,
            tests: ta,
        },
    ] = q1.steps.as_slice()
    else {
        return None;
    };
    // (The conjuncts of `a` alone, tested before the step, come after it.)
    let j = rest.iter().position(|op| !matches!(op, Op::Cond(..)))?;
    let Some(Op::Match(q2)) = rest.get(j) else {
        return None;
    };
    let [
        QStep::Expand {
            from,
            edge,
            forward,
            modifier: EdgeMod::One,
            arrow_from_start,
            to: x,
            to_bound: false,
            kind: Some(kb),
            node_tests,
            edge_slot,
            above: None,
            edge_tests,
        },
    ] = q2.steps.as_slice()
    else {
        return None;
    };
    let plain = |q: &Query| {
        q.filter.is_none() && q.grouped.is_none() && q.family.is_none() && q.kernel.is_none()
    };
    if from != a || !plain(q1) || !plain(q2) {
        return None;
    }
    // The swapped plan tests `x` and the edge before `a` is bound: a test
    // that reads `a` (`event(rank = p.rank) -subject-> p`) keeps the plan.
    if node_tests
        .iter()
        .chain(edge_tests)
        .any(|t| uses(&t.value, *a))
    {
        return None;
    }
    // `x`'s index: its first `field = enum value` test (as the pattern's own).
    let enum_eq = |t: &FieldTest| {
        t.op == Some(CmpOp::Eq)
            && matches!(t.ty, Ty::Enum(_))
            && matches!(t.value, Expr::Const(Const::Enum(..)))
    };
    let mut tb = node_tests.clone();
    let p = tb.iter().position(enum_eq)?;
    let t = tb.remove(p);
    let Expr::Const(Const::Enum(_, vb)) = t.value else {
        return None;
    };
    // `a`'s index becomes a test of the node the step reaches.
    let mut tests_a = vec![];
    if let Some((f, v)) = *ia {
        let ty = schema
            .field_def(*ka, f)
            .map(|d| super::expr::field_ty(&d.ty))?;
        let Ty::Enum(e) = ty else {
            return None;
        };
        tests_a.push(FieldTest {
            field: f,
            ty,
            op: Some(CmpOp::Eq),
            value: Expr::Const(Const::Enum(e, v)),
        });
    }
    tests_a.extend(ta.iter().cloned());
    let start = vec![QStep::Scan {
        slot: *x,
        kind: *kb,
        index: Some((t.field, vb)),
        tests: tb,
    }];
    let step = vec![QStep::Expand {
        from: *x,
        edge: *edge,
        forward: !*forward,
        modifier: EdgeMod::One,
        arrow_from_start: !*arrow_from_start,
        to: *a,
        to_bound: false,
        kind: Some(*ka),
        node_tests: tests_a,
        edge_slot: *edge_slot,
        above: None,
        edge_tests: edge_tests.clone(),
    }];
    let query = |steps: Vec<QStep>, head: Slot, head_kind, span| Query {
        anchors: Query::anchors_of(&steps),
        steps,
        filter: None,
        head,
        head_kind,
        span,
        grouped: None,
        family: None,
        kernel: None,
    };
    let mut out = vec![
        Op::Match(query(start, *x, *kb, q2.span)),
        Op::Match(query(step, *a, *ka, q1.span)),
    ];
    out.extend(rest.get(..j)?.iter().cloned());
    out.extend(rest.get(j + 1..)?.iter().cloned());
    Some(Swap {
        plan: out,
        first: (*ka, *ia),
        second: (*kb, (t.field, vb)),
        edge: *edge,
    })
}

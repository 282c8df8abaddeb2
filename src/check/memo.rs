//! Stage 2, which quantifiers and aggregates a review computes for all
//! their anchors at once ([`Memo`]).
//!
//! In `for d: defendant, k in [public_surveillance, criminal_detention,
//! fixed_term] where (count s: sentence(scope = single, penalty = k)
//! -imposed_on-> d) >= 2`, the count walks `d`'s edges once for each `k`. A
//! review instead fills a table once, by one pass over the single sentences
//! and their `imposed_on` edges: a row per defendant with a value per
//! penalty, each gathered in the order the walk from the defendant would
//! have found them. Each `k` then reads a row.
//!
//! A query qualifies when it is one edge step from a bound node to a node of
//! a kind, its tests, filter and body or value read only its own variables
//! and constants, but for one test of an enum field against a value that
//! reads a variable of a `for v in [...]` loop (`penalty = k`): the table's
//! [`Group`]. Without such a loop a table does not pay: building it costs
//! about as much as walking from every anchor once (measured in
//! `docs/performance.md`). Occurrences that are the same computation up to the
//! names of their variables share one table, across rules.
//!
//! The clauses as written ([`Rule::ops`](super::ir::Rule::ops), which
//! coverage and `explain` run) are left alone.

use super::ir::*;
use crate::graph::FieldId;
use std::collections::{BTreeSet, HashMap};

/// Gives a [`Memo`] to the quantifiers and aggregates of the rules' plans and
/// later clauses that qualify; returns how many tables there are.
pub(super) fn assign(rules: &mut [Rule]) -> u32 {
    let mut forms: Vec<(Expr, Option<FieldId>)> = vec![];
    for r in rules.iter_mut() {
        // The variables bound by `for k in [..]`.
        let each: BTreeSet<Slot> = r
            .plan
            .iter()
            .filter_map(|op| match op {
                Op::Each(s, _) => Some(*s),
                _ => None,
            })
            .collect();
        sites(r, &mut |e| {
            let Some((memo_query, anchor, group, form)) = qualify(e) else {
                return;
            };
            // Only where a loop asks for the same anchor's rows again.
            let Some(g) = &group else {
                return;
            };
            let mut used = BTreeSet::new();
            super::rule::slots_used(&g.value, &mut used);
            if used.is_disjoint(&each) {
                return;
            }
            let id = match forms.iter().position(|f| *f == form) {
                Some(i) => i,
                None => {
                    forms.push(form);
                    forms.len() - 1
                }
            };
            if let Expr::Quant(_, q, _) | Expr::Agg(_, _, q) = e {
                q.memo = Some(Box::new(Memo {
                    id: id as u32,
                    anchor,
                    query: memo_query,
                    group,
                }));
            }
        });
    }
    forms.len() as u32
}

/// For a qualifying occurrence: the table's query, the anchor, the group,
/// and the form that identifies the computation.
#[allow(clippy::type_complexity)]
fn qualify(e: &Expr) -> Option<(Query, Slot, Option<Group>, (Expr, Option<FieldId>))> {
    let (Expr::Quant(_, q, _) | Expr::Agg(_, _, q)) = e else {
        return None;
    };
    let [
        QStep::Expand {
            from,
            modifier: crate::syntax::ast::EdgeMod::One,
            to,
            to_bound: false,
            kind: Some(_),
            node_tests,
            edge_slot,
            above: None,
            edge_tests,
            ..
        },
    ] = q.steps.as_slice()
    else {
        return None;
    };
    if q.head != *to || from == to || Some(*from) == *edge_slot {
        return None;
    }
    let own: BTreeSet<Slot> = std::iter::once(*to).chain(*edge_slot).collect();
    let reads_only = |x: &Expr, allowed: &BTreeSet<Slot>| {
        let mut used = BTreeSet::new();
        super::rule::slots_used(x, &mut used);
        used.is_subset(allowed) && !has_query(x) && !reads_lang(x)
    };
    let none = BTreeSet::new();
    if !edge_tests.iter().all(|t| reads_only(&t.value, &none)) {
        return None;
    }
    // At most one node test reads outer variables: an enum field's `=`.
    let mut group_at = None;
    for (i, t) in node_tests.iter().enumerate() {
        if reads_only(&t.value, &none) {
            continue;
        }
        let mut used = BTreeSet::new();
        super::rule::slots_used(&t.value, &mut used);
        let groupable = group_at.is_none()
            && matches!(t.ty, Ty::Enum(_))
            && t.op == Some(crate::syntax::ast::CmpOp::Eq)
            && used.is_disjoint(&own)
            && !has_query(&t.value)
            && !reads_lang(&t.value);
        if !groupable {
            return None;
        }
        group_at = Some(i);
    }
    let (body, value) = match e {
        Expr::Quant(_, _, b) => (b.as_deref(), None),
        Expr::Agg(_, v, _) => (None, v.as_deref()),
        _ => (None, None),
    };
    if !q
        .filter
        .iter()
        .chain(body)
        .chain(value)
        .all(|x| reads_only(x, &own))
    {
        return None;
    }
    let mut stripped = e.clone();
    let mut group = None;
    if let (Some(i), Expr::Quant(_, sq, _) | Expr::Agg(_, _, sq)) = (group_at, &mut stripped)
        && let Some(QStep::Expand { node_tests, .. }) = sq.steps.first_mut()
        && i < node_tests.len()
    {
        let t = node_tests.remove(i);
        group = Some(Group {
            field: t.field,
            value: t.value,
        });
    }
    let (Expr::Quant(_, sq, _) | Expr::Agg(_, _, sq)) = &stripped else {
        return None;
    };
    let mut query = (**sq).clone();
    query.memo = None;
    let canon = canonical(&stripped);
    let field = group.as_ref().map(|g| g.field);
    Some((query, *from, group, (canon, field)))
}

/// Calls `f` on every quantifier and aggregate a review of `r` evaluates,
/// innermost first.
fn sites(r: &mut Rule, f: &mut dyn FnMut(&mut Expr)) {
    for op in &mut r.plan {
        match op {
            Op::Match(q) => {
                for x in q.exprs_mut() {
                    expr_sites(x, f);
                }
            }
            Op::Value(_, e) | Op::Each(_, e) | Op::Let(_, e) | Op::Where(e, _) | Op::Cond(e, _) => {
                expr_sites(e, f)
            }
        }
    }
    for (_, e, _) in &mut r.late {
        expr_sites(e, f);
    }
    if let Some((_, _, e)) = &mut r.in_force {
        expr_sites(e, f);
    }
    for (e, _) in &mut r.unless {
        expr_sites(e, f);
    }
    if let Some((e, _)) = &mut r.require {
        expr_sites(e, f);
    }
    if let Some(e) = &mut r.due {
        expr_sites(e, f);
    }
    for (cond, texts) in &mut r.messages {
        if let Some(c) = cond {
            expr_sites(c, f);
        }
        for pieces in texts.by_lang.values_mut() {
            for p in pieces {
                if let Piece::Hole(e) = p {
                    expr_sites(e, f);
                }
            }
        }
    }
}

fn expr_sites(e: &mut Expr, f: &mut dyn FnMut(&mut Expr)) {
    for x in e.children_mut() {
        expr_sites(x, f);
    }
    if matches!(e, Expr::Quant(..) | Expr::Agg(..)) {
        f(e);
    }
}

fn has_query(e: &Expr) -> bool {
    matches!(e, Expr::Quant(..) | Expr::Agg(..)) || e.children().into_iter().any(has_query)
}

/// `lang()` (a table is built in one language).
fn reads_lang(e: &Expr) -> bool {
    matches!(e, Expr::Builtin(Builtin::Lang, _)) || e.children().into_iter().any(reads_lang)
}

/// `e` with every variable renumbered in order of appearance (queries' spans
/// are never compared).
fn canonical(e: &Expr) -> Expr {
    let mut c = e.clone();
    let mut renamed: HashMap<Slot, Slot> = HashMap::new();
    slots_mut(&mut c, &mut |s: &mut Slot| {
        let next = Slot(renamed.len() as u32);
        *s = *renamed.entry(*s).or_insert(next);
    });
    c
}

/// Calls `f` on every slot of `e` in a fixed order, queries' included.
fn slots_mut(e: &mut Expr, f: &mut dyn FnMut(&mut Slot)) {
    match e {
        Expr::Local(s) => f(s),
        Expr::Quant(_, q, body) => {
            query_slots_mut(q, f);
            if let Some(b) = body {
                slots_mut(b, f);
            }
        }
        Expr::Agg(_, value, q) => {
            query_slots_mut(q, f);
            if let Some(v) = value {
                slots_mut(v, f);
            }
        }
        _ => {
            for x in e.children_mut() {
                slots_mut(x, f);
            }
        }
    }
}

fn query_slots_mut(q: &mut Query, f: &mut dyn FnMut(&mut Slot)) {
    for s in &mut q.steps {
        match s {
            QStep::Scan { slot, tests, .. } | QStep::Check { slot, tests } => {
                f(slot);
                for t in tests {
                    slots_mut(&mut t.value, f);
                }
            }
            QStep::Expand {
                from,
                to,
                edge_slot,
                above,
                node_tests,
                edge_tests,
                ..
            } => {
                f(from);
                f(to);
                if let Some(x) = edge_slot {
                    f(x);
                }
                if let Some(x) = above {
                    f(x);
                }
                for t in node_tests.iter_mut().chain(edge_tests.iter_mut()) {
                    slots_mut(&mut t.value, f);
                }
            }
        }
    }
    f(&mut q.head);
    for a in &mut q.anchors {
        f(a);
    }
    if let Some(x) = &mut q.filter {
        slots_mut(x, f);
    }
}

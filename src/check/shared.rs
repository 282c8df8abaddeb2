//! Stage 2, which quantifiers and aggregates a review computes together:
//! for all their anchors at once ([`Grouped`]), or with the others of the
//! rule over the same pattern ([`Family`]); and which run as a plain loop
//! ([`Kernel`]). All three give the values the
//! clauses as written give (`tests/differential.rs` checks them against the
//! reference evaluator); what changes is how many steps a review takes, so a
//! rule near its step budget may stop sooner or later than before.
//!
//! ## Grouped tables
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
//! a kind, and its tests, filter and body or value read only its own
//! variables and constants, but for one test of an enum field against a
//! value that reads a variable of a `for v in [...]` loop (`penalty = k`).
//! Without such a loop a table does not pay: building one costs about as
//! much as walking from every anchor once, and most anchors may never be
//! asked (docs/performance.md, fourth round). Occurrences that are the same
//! computation up to the names of their variables share one table, across
//! rules.
//!
//! A definition's query qualifies the same way when its grouped test reads
//! a parameter: step order asks `def first_act(d: person, t: event.type) =
//! earliest e: event(type = t) -subject?-> d` of every defendant and step.
//!
//! In a rule or a definition, the step may be an open edge taken against
//! its arrow, without an edge variable or edge tests: the events without
//! any `subject` edge then match from every defendant, after the
//! defendant's own. Such a table keeps each entry's accumulator open, and a
//! read adds those events to it, in the order a walk would. A rule's
//! `where` does not skip a loop's values by such a table before binding
//! them (`Ctx::table_test`): its entries alone leave those events out.
//!
//! ## Families
//!
//! Part `bounds` of CL 69 asks, for each combined sentence `cs` of `d`, the
//! count, the longest term, the sum of the terms and whether a term is
//! missing, all of `s: sentence(scope = single, penalty = cs.penalty)
//! -imposed_on-> d`. The first of them evaluated walks the sentences once and
//! computes the four; the others read theirs while `d` and `cs` are the same.
//!
//! A family is formed of the occurrences of one rule with the same pattern
//! that are evaluated at most once per binding and may be needed by every
//! binding (so not those in messages, in the `let`s only a finding reads, or
//! in another pattern's filter), when at least one of them is an aggregate:
//! `exists` alone stops at its first example, an aggregate walks every match
//! anyway.
//!
//! ## Kernels
//!
//! A quantifier or aggregate (or family) over one edge step from a bound
//! node to a new variable, without an edge variable or edge tests, and
//! whose node tests compare with constants, outer variables or their
//! fields, gets a [`Kernel`]: the loop `src/eval/kernel.rs` runs over the
//! node's edges, with the outer values its tests compare with read once
//! and the commonest filters and values read on the stored field. Unlike
//! tables and families, kernels are given in messages and definitions too:
//! they change how a query's value is computed, not how often. A kernel
//! holds its own copy of its members' filters, bodies and values, so
//! [`kernels`] runs after every pass that rewrites expressions.
//!
//! A kernel of one quantifier without a body, whose tests compare with
//! constants and whose filter is read in place, depends on its anchor
//! alone: a review remembers its value per anchor node
//! ([`Kernel::memo`]), under an id that equal kernels share across rules
//! and definitions. Both parts of CL 69 ask `exists s: sentence(scope =
//! single) -imposed_on-> d where s.penalty in [life, death_reprieve,
//! death]` of the same defendants: the second part reads the first's.
//!
//! The clauses as written ([`Rule::ops`](super::ir::Rule::ops)), which
//! `explain` and a review with coverage run to bind variables, carry none
//! of these (the definitions they call do: a kernel or a table changes how
//! a definition's value is computed, not the value); the later clauses
//! (`unless`, `require`, the late `let`s) carry them in every review.

use super::ir::*;
use crate::graph::FieldId;
use crate::syntax::ast::{Agg, EdgeMod};
use std::collections::{BTreeSet, HashMap};

/// The index of `form` in `forms`, added at the end if new.
fn intern<T: PartialEq>(forms: &mut Vec<T>, form: T) -> u32 {
    let i = match forms.iter().position(|f| *f == form) {
        Some(i) => i,
        None => {
            forms.push(form);
            forms.len() - 1
        }
    };
    i as u32
}

/// Makes [`Grouped`] the quantifiers and aggregates of the rules' plans and
/// later clauses that qualify, and those of the definitions whose grouped
/// test compares with a parameter; returns how many tables there are.
pub(super) fn grouped(rules: &mut [Rule], defs: &mut [Def]) -> u32 {
    let mut forms: Vec<(Expr, FieldId)> = vec![];
    for d in defs.iter_mut() {
        // A definition is asked again with other arguments: its parameters
        // play the part of a rule's loop variables.
        let params: BTreeSet<Slot> = (0..d.params.len() as u32).map(Slot).collect();
        expr_sites(&mut d.body, false, &mut |e, _| {
            give_table(e, &params, &mut forms)
        });
    }
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
        sites(r, &mut |e, _| give_table(e, &each, &mut forms));
    }
    forms.len() as u32
}

/// Gives `e` its table when it qualifies and its grouped test reads one of
/// `asked` (variables that take several values for the same anchor: only
/// then is a row read again).
fn give_table(e: &mut Expr, asked: &BTreeSet<Slot>, forms: &mut Vec<(Expr, FieldId)>) {
    let Some((table, form)) = qualify(e) else {
        return;
    };
    let mut used = BTreeSet::new();
    super::rule::slots_used(&table.value, &mut used);
    if used.is_disjoint(asked) {
        return;
    }
    let id = intern(forms, form);
    if let Expr::Quant(_, q, _) | Expr::Agg(_, _, q) = e {
        q.grouped = Some(Box::new(Grouped { id, ..table }));
    }
}

/// Gives a [`Family`] to the quantifiers and aggregates of each rule that
/// walk the same pattern as another of the rule (and have no table);
/// returns how many families there are.
pub(super) fn families(rules: &mut [Rule]) -> u32 {
    let mut next = 0u32;
    for r in rules.iter_mut() {
        // 1. Each occurrence's pattern, its own variables renamed, and what it computes.
        let mut seen: Vec<Option<Shape>> = vec![];
        // (Only where every binding may need it: a message's count is not
        // worth computing for the bindings that yield no finding.)
        sites(r, &mut |e, hot| seen.push(shape(e).filter(|_| hot)));
        // 2. Occurrences with equal patterns.
        let mut groups: Vec<Vec<usize>> = vec![];
        for (i, s) in seen.iter().enumerate() {
            let Some(s) = s else { continue };
            let same = groups.iter_mut().find(|g| {
                g.first()
                    .and_then(|&j| seen.get(j))
                    .and_then(|x| x.as_ref())
                    .is_some_and(|x| x.canon == s.canon)
            });
            match same {
                Some(g) => g.push(i),
                None => groups.push(vec![i]),
            }
        }
        // 3. A family for each group of two or more, when its key is short enough.
        let mut given: Vec<Option<Family>> = vec![None; seen.len()];
        // `exists`, `no` and `every` alone stop at the first example: only
        // where an aggregate walks every match anyway do they join it.
        let has_agg = |g: &&Vec<usize>| {
            g.iter().any(|&i| {
                matches!(seen.get(i), Some(Some(s)) if matches!(s.member.of, MemberOf::Agg(_)))
            })
        };
        for g in groups.iter().filter(|g| g.len() >= 2).filter(has_agg) {
            let Some(Some(rep)) = g.first().and_then(|&j| seen.get(j)) else {
                continue;
            };
            let mut members = vec![];
            let mut key = BTreeSet::new();
            for &i in g {
                let Some(Some(s)) = seen.get(i) else {
                    continue;
                };
                let mut m = s.member.clone();
                let mine: BTreeSet<Slot> = s.own.iter().copied().collect();
                for x in m.filter.iter().chain(m.expr.as_ref()) {
                    let mut used = BTreeSet::new();
                    super::rule::slots_used(x, &mut used);
                    let inner = own_slots_deep(x);
                    key.extend(
                        used.into_iter()
                            .filter(|s| !mine.contains(s) && !inner.contains(s)),
                    );
                }
                // The member's own variables become the walk's (no slot is
                // used by two variables of a rule, so nothing else is renamed).
                let to_walk: HashMap<Slot, Slot> =
                    s.own.iter().copied().zip(rep.own.iter().copied()).collect();
                let mut rename = |x: &mut Slot| {
                    if let Some(w) = to_walk.get(x) {
                        *x = *w;
                    }
                };
                for x in m.filter.iter_mut().chain(m.expr.as_mut()) {
                    slots_mut(x, &mut rename);
                }
                rename(&mut m.head);
                members.push(m);
            }
            // The walk: the first member's query, without its filter.
            let walk = rep.query.clone();
            let mut outer = BTreeSet::new();
            super::rule::query_slots(&walk, &mut outer);
            key.extend(outer.into_iter().filter(|s| !rep.own.contains(s)));
            if key.len() > Family::MAX_KEY {
                continue;
            }
            for (n, &i) in g.iter().enumerate() {
                if let Some(slot) = given.get_mut(i) {
                    *slot = Some(Family {
                        id: next,
                        key: key.iter().copied().collect(),
                        index: n as u32,
                        walk: walk.clone(),
                        members: members.clone(),
                        kernel: None,
                    });
                }
            }
            next += 1;
        }
        // 4. The same walk again, handing them out.
        let mut i = 0usize;
        sites(r, &mut |e, _| {
            if let (Some(Some(f)), Expr::Quant(_, q, _) | Expr::Agg(_, _, q)) =
                (given.get_mut(i).map(Option::take), e)
            {
                q.family = Some(Box::new(f));
            }
            i += 1;
        });
    }
    next
}

/// An occurrence of a quantifier or an aggregate, as [`families`] compares
/// them.
struct Shape {
    /// Its query without its filter, its own variables renamed: equal for
    /// occurrences over the same pattern.
    canon: Query,
    /// Its query without its filter.
    query: Query,
    /// Its own variables (nodes and edges), in the order of its steps.
    own: Vec<Slot>,
    /// What it computes.
    member: Member,
}

/// An occurrence without a grouped table, as a [`Shape`].
fn shape(e: &Expr) -> Option<Shape> {
    let (of, q, expr) = match e {
        Expr::Quant(k, q, b) => (MemberOf::Quant(*k), q, b.as_deref()),
        Expr::Agg(k, v, q) => (MemberOf::Agg(*k), q, v.as_deref()),
        _ => return None,
    };
    if q.grouped.is_some() {
        return None;
    }
    let own = q.own_slots_with_edges();
    let query = bare(q);
    let mut canon = query.clone();
    let renamed: HashMap<Slot, Slot> = own
        .iter()
        .enumerate()
        .map(|(i, s)| (*s, Slot(u32::MAX - i as u32)))
        .collect();
    query_slots_mut(&mut canon, &mut |s: &mut Slot| {
        if let Some(r) = renamed.get(s) {
            *s = *r;
        }
    });
    let member = Member {
        of,
        filter: q.filter.clone(),
        expr: expr.cloned(),
        head: q.head,
    };
    Some(Shape {
        canon,
        query,
        own,
        member,
    })
}

/// For a qualifying occurrence: its table (id 0), and the form that
/// identifies the computation.
fn qualify(e: &Expr) -> Option<(Grouped, (Expr, FieldId))> {
    let (Expr::Quant(_, q, _) | Expr::Agg(_, _, q)) = e else {
        return None;
    };
    let [
        QStep::Expand {
            from,
            forward,
            modifier,
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
    // An open edge only against its arrow, without an edge variable or
    // edge tests: its "no edge" case is then the nodes without such an edge.
    let open = match modifier {
        EdgeMod::One => false,
        EdgeMod::Open if !forward && edge_slot.is_none() && edge_tests.is_empty() => true,
        _ => return None,
    };
    let own: BTreeSet<Slot> = std::iter::once(*to).chain(*edge_slot).collect();
    let reads_only = |x: &Expr, allowed: &BTreeSet<Slot>| {
        let mut used = BTreeSet::new();
        super::rule::slots_used(x, &mut used);
        used.is_subset(allowed) && !x.has_query()
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
            && !t.value.has_query();
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
    let (Expr::Quant(_, sq, _) | Expr::Agg(_, _, sq)) = &mut stripped else {
        return None;
    };
    let Some(QStep::Expand { node_tests, .. }) = sq.steps.first_mut() else {
        return None;
    };
    let test = node_tests.remove(group_at.filter(|&i| i < node_tests.len())?);
    // (Its filter kept: the table is built with it.)
    let mut query = (**sq).clone();
    query.grouped = None;
    query.family = None;
    query.kernel = None;
    let canon = canonical(&stripped);
    Some((
        Grouped {
            id: 0,
            anchor: *from,
            query,
            field: test.field,
            value: test.value,
            open,
        },
        (canon, test.field),
    ))
}

/// A query without its filter and what this module gave it.
fn bare(q: &Query) -> Query {
    let mut w = q.clone();
    w.filter = None;
    w.grouped = None;
    w.family = None;
    w.kernel = None;
    w
}

/// Calls `f` on every quantifier and aggregate a review of `r` evaluates,
/// innermost first, with whether it is evaluated once per binding and every
/// binding may need it (`false` inside a pattern's filter or body, in
/// messages and in the `let`s only a finding reads).
fn sites(r: &mut Rule, f: &mut dyn FnMut(&mut Expr, bool)) {
    for op in &mut r.plan {
        match op {
            Op::Match(q) => {
                for x in q.exprs_mut() {
                    expr_sites(x, false, f);
                }
            }
            Op::Value(_, e) | Op::Each(_, e) | Op::Let(_, e) | Op::Where(e, _) | Op::Cond(e, _) => {
                expr_sites(e, true, f)
            }
        }
    }
    for (_, e, stage) in &mut r.late {
        expr_sites(e, *stage != Stage::Finding, f);
    }
    if let Some((_, _, e)) = &mut r.in_force {
        expr_sites(e, true, f);
    }
    for (e, _) in &mut r.unless {
        expr_sites(e, true, f);
    }
    if let Some((e, _)) = &mut r.require {
        expr_sites(e, true, f);
    }
    if let Some(e) = &mut r.due {
        expr_sites(e, true, f);
    }
    for (cond, texts) in &mut r.messages {
        if let Some(c) = cond {
            expr_sites(c, false, f);
        }
        for pieces in texts.by_lang.values_mut() {
            for p in pieces {
                if let Piece::Hole(e) = p {
                    expr_sites(e, false, f);
                }
            }
        }
    }
}

fn expr_sites(e: &mut Expr, hot: bool, f: &mut dyn FnMut(&mut Expr, bool)) {
    // What a query's filter or body evaluates runs once per match, not per binding.
    let inner = hot && !matches!(e, Expr::Quant(..) | Expr::Agg(..));
    for x in e.children_mut() {
        expr_sites(x, inner, f);
    }
    if matches!(e, Expr::Quant(..) | Expr::Agg(..)) {
        f(e, hot);
    }
}

/// The variables bound by `e`'s queries, nested ones included.
fn own_slots_deep(e: &Expr) -> BTreeSet<Slot> {
    fn walk(e: &Expr, out: &mut BTreeSet<Slot>) {
        if let Expr::Quant(_, q, _) | Expr::Agg(_, _, q) = e {
            out.extend(q.own_slots_with_edges());
        }
        for x in e.children() {
            walk(x, out);
        }
    }
    let mut out = BTreeSet::new();
    walk(e, &mut out);
    out
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

/// Gives a [`Kernel`] to every quantifier and aggregate of the rules' plans,
/// later clauses and messages, and of the definitions, whose query is one
/// edge step from a bound node to a new variable; and to every [`Family`]
/// whose walk is such a step.
pub(super) fn kernels(rules: &mut [Rule], defs: &mut [Def]) {
    for r in rules.iter_mut() {
        sites(r, &mut |e, _| give_kernel(e));
    }
    for d in defs.iter_mut() {
        expr_sites(&mut d.body, false, &mut |e, _| give_kernel(e));
    }
}

/// Gives a [`Kernel::memo`] id to the kernels whose value depends on their
/// anchor alone; equal ones, up to the names of their variables, share one.
/// Returns how many ids there are.
pub(super) fn kernel_memos(rules: &mut [Rule], defs: &mut [Def]) -> u32 {
    let mut forms: Vec<Kernel> = vec![];
    let mut give = |e: &mut Expr, _: bool| {
        let Expr::Quant(_, q, None) = e else {
            return;
        };
        let Some(k) = q.kernel.as_deref_mut() else {
            return;
        };
        let Some(form) = memo_form(k) else {
            return;
        };
        k.memo = Some(intern(&mut forms, form));
    };
    for r in rules.iter_mut() {
        sites(r, &mut give);
    }
    for d in defs.iter_mut() {
        expr_sites(&mut d.body, false, &mut give);
    }
    forms.len() as u32
}

/// A kernel with its variables renamed, when its value depends on its
/// anchor alone: one quantifier without a body, whose tests compare with
/// constants and whose filter, if any, is read in place (and, where that
/// read falls back to the filter as written, reads the node reached only).
fn memo_form(k: &Kernel) -> Option<Kernel> {
    let [(m, fast)] = k.members.as_slice() else {
        return None;
    };
    let in_place = match (&m.filter, &fast.filter) {
        (None, _) => true,
        (Some(_), FastCond::Is(..) | FastCond::In(..)) => true,
        (Some(_), FastCond::General) => false,
    };
    if !matches!(m.of, MemberOf::Quant(_))
        || m.expr.is_some()
        || !in_place
        || k.tests.iter().any(|(_, from)| *from != TestValue::Const)
    {
        return None;
    }
    let (from, to) = (k.from, k.to);
    let mut form = k.clone();
    let mut rename = |s: &mut Slot| {
        *s = if *s == from {
            Slot(0)
        } else if *s == to {
            Slot(1)
        } else {
            Slot(2)
        }
    };
    rename(&mut form.from);
    rename(&mut form.to);
    for (m, _) in &mut form.members {
        rename(&mut m.head);
        if let Some(f) = &mut m.filter {
            slots_mut(f, &mut rename);
        }
    }
    Some(form)
}

fn give_kernel(e: &mut Expr) {
    let (of, q, x) = match e {
        Expr::Quant(k, q, b) => (MemberOf::Quant(*k), q, b.as_deref()),
        Expr::Agg(k, v, q) => (MemberOf::Agg(*k), q, v.as_deref()),
        _ => return,
    };
    let member = Member {
        of,
        filter: q.filter.clone(),
        expr: x.cloned(),
        head: q.head,
    };
    q.kernel = kernel_of(q, vec![member]).map(Box::new);
    if let Some(f) = &mut q.family {
        f.kernel = kernel_of(&f.walk, f.members.clone());
    }
}

/// The kernel of `members` over `q`'s pattern (its filter is the members'),
/// when the pattern is one edge step from a bound node to a new variable,
/// without edge tests or an edge variable, whose node tests compare with
/// constants or with an outer variable or its field.
fn kernel_of(q: &Query, members: Vec<Member>) -> Option<Kernel> {
    let [
        QStep::Expand {
            from,
            edge,
            forward,
            modifier: crate::syntax::ast::EdgeMod::One,
            to,
            to_bound: false,
            kind,
            node_tests,
            edge_slot: None,
            above: None,
            edge_tests,
            ..
        },
    ] = q.steps.as_slice()
    else {
        return None;
    };
    if from == to || !edge_tests.is_empty() || !q.anchors.contains(from) {
        return None;
    }
    let outer = |s: &Slot| s != to;
    let mut tests = vec![];
    for t in node_tests {
        let from_where = match &t.value {
            Expr::Const(_) => TestValue::Const,
            Expr::List(items) if items.iter().all(|i| matches!(i, Expr::Const(_))) => {
                TestValue::Const
            }
            Expr::Local(s) if outer(s) => TestValue::Outer,
            Expr::Field(b, ..) if matches!(&**b, Expr::Local(s) if outer(s)) => TestValue::Outer,
            _ => return None,
        };
        tests.push((t.clone(), from_where));
    }
    let on_head = |x: &Expr| match x {
        Expr::Field(b, f, ty) if matches!(&**b, Expr::Local(s) if s == to) => {
            Some((*f, ty.clone()))
        }
        _ => None,
    };
    let members = members
        .into_iter()
        .map(|m| {
            let filter = match &m.filter {
                Some(Expr::Is(x, negated, test)) => on_head(x)
                    .map_or(FastCond::General, |(f, _)| {
                        FastCond::Is(f, *negated, test.clone())
                    }),
                Some(Expr::In(x, list, negated)) => match (on_head(x), &**list) {
                    (Some((f, _)), Expr::List(items)) => {
                        let consts: Option<Vec<Const>> = items
                            .iter()
                            .map(|i| match i {
                                Expr::Const(c) => Some(c.clone()),
                                _ => None,
                            })
                            .collect();
                        consts.map_or(FastCond::General, |c| FastCond::In(f, c, *negated))
                    }
                    _ => FastCond::General,
                },
                _ => FastCond::General,
            };
            let value = match (&m.of, &m.expr) {
                (MemberOf::Agg(_), Some(x)) => {
                    on_head(x).map_or(FastValue::General, |(f, ty)| FastValue::Field(f, ty))
                }
                _ => FastValue::General,
            };
            let plain = match (&m.of, &m.filter, &value) {
                (MemberOf::Agg(Agg::Count), None, _) => Some(PlainAgg::Count),
                (
                    MemberOf::Agg(a @ (Agg::Sum | Agg::Product | Agg::Min | Agg::Max)),
                    None,
                    FastValue::Field(f, ty),
                ) => Some(PlainAgg::Fold(*a, *f, ty.clone())),
                _ => None,
            };
            (
                m,
                Fast {
                    filter,
                    value,
                    plain,
                },
            )
        })
        .collect();
    Some(Kernel {
        from: *from,
        edge: *edge,
        forward: *forward,
        kind: *kind,
        to: *to,
        head_kind: q.head_kind,
        tests,
        members,
        memo: None,
    })
}

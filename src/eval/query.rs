//! Stage 3, patterns: runs a [`Query`] plan over the case's kind and edge indexes.

use super::expr::R;
use super::value::*;
use super::{Ctx, set};
use crate::check::ir::*;
use crate::graph::{EdgeIx, EdgeKindId, FieldId, KindId, NodeIx, Value};
use crate::syntax::ast::EdgeMod;

/// Called for every match with the frame bound; returns `false` to stop.
pub(crate) type Visit<'v, 'c> = dyn FnMut(&mut Ctx<'c>, &mut [V]) -> R<bool> + 'v;

/// Called for every node an edge step reaches, with the edge (none for the open edge's "no edge" case).
type Reach<'v, 'c> = dyn FnMut(&mut Ctx<'c>, &mut [V], NodeIx, Option<EdgeIx>) -> R<bool> + 'v;

impl<'c> Ctx<'c> {
    /// Runs `q.steps[step..]`, calling `k` for every complete match (the filter is the caller's).
    /// Returns `false` when `k` asked to stop.
    pub(crate) fn each_match(
        &mut self,
        q: &Query,
        step: usize,
        frame: &mut [V],
        k: &mut Visit<'_, 'c>,
    ) -> R<bool> {
        let Some(s) = q.steps.get(step) else {
            return k(self, frame);
        };
        match s {
            QStep::Scan {
                slot,
                kind,
                index,
                tests,
            } => {
                let g = self.g;
                let nodes: &[NodeIx] = match index {
                    Some((f, v)) => g.nodes_with_enum(*kind, *f, *v),
                    None => g.nodes_of_kind(*kind),
                };
                for &n in nodes {
                    self.tick()?;
                    if !self.node_passes(n, tests, frame)? {
                        continue;
                    }
                    set(frame, *slot, V::Node(n));
                    if !self.each_match(q, step + 1, frame, k)? {
                        return Ok(false);
                    }
                }
                set(frame, *slot, V::Absent);
                Ok(true)
            }
            QStep::Check { slot, tests } => {
                let Some(V::Node(n)) = frame.get(slot.0 as usize).cloned() else {
                    return Ok(true);
                };
                if self.node_passes(n, tests, frame)? {
                    self.each_match(q, step + 1, frame, k)
                } else {
                    Ok(true)
                }
            }
            QStep::Expand {
                from,
                edge,
                forward,
                modifier,
                to,
                to_bound,
                kind,
                node_tests,
                edge_slot,
                edge_tests,
                above,
                ..
            } => {
                let Some(V::Node(start)) = frame.get(from.0 as usize).cloned() else {
                    return Ok(true);
                };
                // `where a < b` as the step's start: only nodes above `a`.
                let above = match above {
                    None => None,
                    Some(a) => match frame.get(a.0 as usize) {
                        Some(V::Node(a)) => Some(*a),
                        _ => return Ok(true),
                    },
                };
                let target_kind = *kind;
                if *modifier == EdgeMod::One && !*to_bound {
                    // The common step, as a plain loop: no visitor closure.
                    return self.expand_one(
                        q,
                        step,
                        frame,
                        k,
                        ExpandOne {
                            start,
                            edge: *edge,
                            forward: *forward,
                            above,
                            to: *to,
                            kind: target_kind,
                            node_tests,
                            edge_slot: *edge_slot,
                            edge_tests,
                        },
                    );
                }
                let mut visit = |cx: &mut Ctx<'c>,
                                 frame: &mut [V],
                                 other: NodeIx,
                                 via: Option<EdgeIx>|
                 -> R<bool> {
                    cx.tick()?;
                    if target_kind.is_some_and(|kd| cx.g.node_kind(other) != kd) {
                        return Ok(true);
                    }
                    if let Some(e) = via
                        && !cx.edge_passes(e, edge_tests, frame)?
                    {
                        return Ok(true);
                    }
                    if via.is_none() && !edge_tests.is_empty() && *modifier != EdgeMod::Path {
                        // The open edge's "no edge" case has no fields to test
                        // (a path's edges were tested as it was followed).
                        return Ok(true);
                    }
                    if *to_bound {
                        // A variable the pattern names twice may be bound at
                        // its second mention (`v: item(…) -e-> p <-e- v`, planned
                        // from `p`); its shape's tests apply where it is reached.
                        if frame.get(to.0 as usize) != Some(&V::Node(other))
                            || !cx.node_passes(other, node_tests, frame)?
                        {
                            return Ok(true);
                        }
                    } else {
                        if !cx.node_passes(other, node_tests, frame)? {
                            return Ok(true);
                        }
                        set(frame, *to, V::Node(other));
                    }
                    if let Some(es) = edge_slot {
                        set(frame, *es, via.map_or(V::Absent, V::Edge));
                    }
                    let go_on = cx.each_match(q, step + 1, frame, k)?;
                    if !*to_bound {
                        set(frame, *to, V::Absent);
                    }
                    Ok(go_on)
                };
                match modifier {
                    // (`above` is only ever set on a step to a new variable: `expand_one`.)
                    EdgeMod::One => self.follow(start, *edge, *forward, frame, &mut visit),
                    EdgeMod::Open => {
                        let g = self.g;
                        if *forward {
                            // From the arrow's source: its edges, or, when it has none, every node.
                            if g.out_edges(start, *edge).is_empty() {
                                if *to_bound {
                                    let Some(V::Node(n)) = frame.get(to.0 as usize).cloned() else {
                                        return Ok(true);
                                    };
                                    return visit(self, frame, n, None);
                                }
                                let Some(kd) = target_kind else {
                                    return Ok(true);
                                };
                                for &n in g.nodes_of_kind(kd) {
                                    if !visit(self, frame, n, None)? {
                                        return Ok(false);
                                    }
                                }
                                Ok(true)
                            } else {
                                self.follow(start, *edge, true, frame, &mut visit)
                            }
                        } else {
                            // From the arrow's target: sources with an edge to it, and sources with no edge at all.
                            let Some(kd) = target_kind else {
                                return self.follow(start, *edge, false, frame, &mut visit);
                            };
                            let walk = self.g.in_edges(start, *edge).len();
                            // (A short walk costs less than looking its start up.)
                            let lookup = walk >= INDEX_STEP_MIN && edge_slot.is_none();
                            let indexed = match enum_test_value(node_tests, frame) {
                                Some((f, v)) if lookup => {
                                    self.index_step(start, *edge, false, kd, f, v, walk)
                                }
                                _ => None,
                            };
                            // `type in [release, bail, …]`: the values' lists together.
                            let any = match enum_test_list(node_tests) {
                                Some((f, values)) if lookup && indexed.is_none() => {
                                    self.index_step_any(start, *edge, kd, f, &values, walk)
                                }
                                _ => None,
                            };
                            match (indexed, any) {
                                (Some((list, at)), _) => {
                                    for &(_, n, e) in list.get(at).unwrap_or_default() {
                                        if !visit(self, frame, n, Some(e))? {
                                            return Ok(false);
                                        }
                                    }
                                }
                                (None, Some(entries)) => {
                                    for (n, e) in entries {
                                        if !visit(self, frame, n, Some(e))? {
                                            return Ok(false);
                                        }
                                    }
                                }
                                (None, None) => {
                                    if !self.follow(start, *edge, false, frame, &mut visit)? {
                                        return Ok(false);
                                    }
                                }
                            }
                            let free = self.edgeless(kd, *edge, enum_index(node_tests));
                            for n in free.iter() {
                                if !visit(self, frame, *n, None)? {
                                    return Ok(false);
                                }
                            }
                            Ok(true)
                        }
                    }
                    EdgeMod::Path => {
                        let reach = self.reachable(start, *edge, *forward, edge_tests, frame)?;
                        for n in reach {
                            if !visit(self, frame, n, None)? {
                                return Ok(false);
                            }
                        }
                        Ok(true)
                    }
                }
            }
        }
    }

    /// One edge step to a new variable (`-e->` from a bound node).
    fn expand_one(
        &mut self,
        q: &Query,
        step: usize,
        frame: &mut [V],
        k: &mut Visit<'_, 'c>,
        x: ExpandOne<'_>,
    ) -> R<bool> {
        let g = self.g;
        let edges = if x.forward {
            g.out_edges(x.start, x.edge)
        } else {
            g.in_edges(x.start, x.edge)
        };
        let other = |e: EdgeIx| {
            if x.forward {
                g.edge_target(e)
            } else {
                g.edge_source(e)
            }
        };
        // The edges are sorted by the other end's id, that is by its index.
        let edges = match x.above {
            Some(a) => edges
                .get(edges.partition_point(|&e| other(e) <= a)..)
                .unwrap_or_default(),
            None => edges,
        };
        let last = step + 1 == q.steps.len();
        if edges.len() >= INDEX_STEP_MIN
            && x.above.is_none()
            && x.edge_slot.is_none()
            && let Some(kd) = x.kind
            && let Some((f, v)) = enum_test_value(x.node_tests, frame)
            && let Some((list, at)) =
                self.index_step(x.start, x.edge, x.forward, kd, f, v, edges.len())
        {
            // (The walk's loop body again: one loop over both sources,
            // chained, cost amount conflict 1.4 % more instructions.)
            for &(_, n, e) in list.get(at).unwrap_or_default() {
                self.tick()?;
                if !self.edge_passes(e, x.edge_tests, frame)?
                    || !self.node_passes(n, x.node_tests, frame)?
                {
                    continue;
                }
                set(frame, x.to, V::Node(n));
                let go_on = if last {
                    k(self, frame)?
                } else {
                    self.each_match(q, step + 1, frame, k)?
                };
                set(frame, x.to, V::Absent);
                if !go_on {
                    return Ok(false);
                }
            }
            return Ok(true);
        }
        for &e in edges {
            self.tick()?;
            let n = other(e);
            if x.kind.is_some_and(|kd| g.node_kind(n) != kd)
                || !self.edge_passes(e, x.edge_tests, frame)?
                || !self.node_passes(n, x.node_tests, frame)?
            {
                continue;
            }
            set(frame, x.to, V::Node(n));
            if let Some(es) = x.edge_slot {
                set(frame, es, V::Edge(e));
            }
            let go_on = if last {
                k(self, frame)?
            } else {
                self.each_match(q, step + 1, frame, k)?
            };
            set(frame, x.to, V::Absent);
            if !go_on {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn follow(
        &mut self,
        start: NodeIx,
        edge: EdgeKindId,
        forward: bool,
        frame: &mut [V],
        visit: &mut Reach<'_, 'c>,
    ) -> R<bool> {
        let g = self.g;
        let edges = if forward {
            g.out_edges(start, edge)
        } else {
            g.in_edges(start, edge)
        };
        for &e in edges {
            let other = if forward {
                g.edge_target(e)
            } else {
                g.edge_source(e)
            };
            if !visit(self, frame, other, Some(e))? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Nodes of `kind` with no outgoing edge of `edge`, cached per case;
    /// with `index`, only those whose enum field has that value (the rest
    /// would fail the step's tests).
    pub(super) fn edgeless(
        &mut self,
        kind: KindId,
        edge: EdgeKindId,
        index: Option<(FieldId, u16)>,
    ) -> std::sync::Arc<[NodeIx]> {
        if let Some(v) = self.edgeless.get(&(kind, edge, index)) {
            return v.clone();
        }
        let g = self.g;
        let nodes = match index {
            Some((f, x)) => g.nodes_with_enum(kind, f, x),
            None => g.nodes_of_kind(kind),
        };
        let v: std::sync::Arc<[NodeIx]> = nodes
            .iter()
            .copied()
            .filter(|n| g.out_edges(*n, edge).is_empty())
            .collect();
        self.edgeless.insert((kind, edge, index), v.clone());
        v
    }

    /// The edges of kind `edge` at `start` (leaving it when `forward`)
    /// whose other end is a node of `kind` with `f = v`, as the index's
    /// entries `list[at]`: once walks from their starts have taken more
    /// edges than a pass over the index costs, a review inverts the index
    /// (each of its nodes' edges of the kind, by the node at the other end)
    /// and a step reads its start's entries instead of testing every edge
    /// of the start. `None`: walk the start's `walk` edges.
    ///
    /// The entries come in the walk's order (by the node reached, then the
    /// edge's fields), and the nodes left out fail the step's enum test, so
    /// the step's matches are the walk's, parallel edges included (one
    /// entry per edge). Which path a step takes depends on the walks before
    /// it in the review, so the steps a rule counts against its budget may
    /// differ with the rules reviewed before it (as with grouped tables).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn index_step(
        &mut self,
        start: NodeIx,
        edge: EdgeKindId,
        forward: bool,
        kind: KindId,
        f: FieldId,
        v: u16,
        walk: usize,
    ) -> Option<(IndexList, std::ops::Range<usize>)> {
        use super::IndexStep;
        let g = self.g;
        let key = (edge, forward, kind, f, v);
        // The edges at the index's nodes (read when a key is first met, and
        // when the index is inverted).
        let back = |h: NodeIx| {
            if forward {
                g.in_edges(h, edge)
            } else {
                g.out_edges(h, edge)
            }
        };
        let entry = self
            .index_steps
            .entry(key)
            .or_insert_with(|| IndexStep::Walked {
                walked: 0,
                cost: g
                    .nodes_with_enum(kind, f, v)
                    .iter()
                    .map(|&h| 1 + back(h).len())
                    .sum(),
            });
        let list = match entry {
            IndexStep::Built(list) => list.clone(),
            IndexStep::Walked { walked, cost } => {
                *walked += walk;
                // A pass costs about one step per node of the index and edge
                // of theirs, and sorting them; until the walks cost twice
                // that, walk.
                if *walked <= 2 * *cost + 16 {
                    return None;
                }
                let mut list: Vec<(NodeIx, NodeIx, crate::graph::EdgeIx)> = vec![];
                for &h in g.nodes_with_enum(kind, f, v) {
                    // The step leaves its start (`forward`) to `h`: `h`'s incoming edges.
                    for &e in back(h) {
                        let s = if forward {
                            g.edge_source(e)
                        } else {
                            g.edge_target(e)
                        };
                        list.push((s, h, e));
                    }
                }
                // (Stable: by start; within one, the heads in index order,
                // which is id order, and each head's edges in field order.)
                list.sort_by_key(|t| t.0);
                let list: IndexList = list.into();
                *entry = IndexStep::Built(list.clone());
                list
            }
        };
        let lo = list.partition_point(|t| t.0 < start);
        let hi = lo + list.get(lo..)?.partition_point(|t| t.0 == start);
        Some((list, lo..hi))
    }

    /// [`Ctx::index_step`] against its arrow for a test of an enum field
    /// against a list of values (`type in [release, bail]`): the entries of
    /// every value's inverted list at `start`, in the order a walk meets
    /// them (by the node reached, whose edges keep their order: one node
    /// has one value). `None` while any value's list is still walked. Each
    /// value's walk count grows as for a step testing that value alone
    /// (a step testing `type = x` and `type in [x, …]` counts `x` twice).
    fn index_step_any(
        &mut self,
        start: NodeIx,
        edge: EdgeKindId,
        kind: KindId,
        f: FieldId,
        values: &[u16],
        walk: usize,
    ) -> Option<smallvec::SmallVec<[(NodeIx, crate::graph::EdgeIx); 8]>> {
        // (Every value is asked, built or not: each one's walk count grows.)
        let mut lists: smallvec::SmallVec<[_; 8]> = smallvec::SmallVec::new();
        let mut all = true;
        for &v in values {
            match self.index_step(start, edge, false, kind, f, v, walk) {
                Some(found) => lists.push(found),
                None => all = false,
            }
        }
        if !all {
            return None;
        }
        let mut out: smallvec::SmallVec<[(NodeIx, crate::graph::EdgeIx); 8]> =
            smallvec::SmallVec::new();
        for (list, at) in &lists {
            let entries = list.get(at.clone()).unwrap_or_default();
            out.extend(entries.iter().map(|&(_, n, e)| (n, e)));
        }
        // (Stable: a node's edges stay in their order.)
        out.sort_by_key(|&(n, _)| n);
        Some(out)
    }

    /// Nodes reachable by one or more edges of a kind, in a fixed order.
    /// Only edges that pass `tests` are followed: `-concerns*(weight > 0)->`
    /// is a path of edges that each have a positive weight.
    fn reachable(
        &mut self,
        start: NodeIx,
        edge: EdgeKindId,
        forward: bool,
        tests: &[FieldTest],
        frame: &mut [V],
    ) -> R<Vec<NodeIx>> {
        let g = self.g;
        let mut seen = std::collections::HashSet::new();
        let mut out = vec![];
        let mut queue = std::collections::VecDeque::from([start]);
        while let Some(n) = queue.pop_front() {
            let edges = if forward {
                g.out_edges(n, edge)
            } else {
                g.in_edges(n, edge)
            };
            for &e in edges {
                self.tick()?;
                if !tests.is_empty() && !self.edge_passes(e, tests, frame)? {
                    continue;
                }
                let m = if forward {
                    g.edge_target(e)
                } else {
                    g.edge_source(e)
                };
                if seen.insert(m) {
                    out.push(m);
                    queue.push_back(m);
                }
            }
        }
        Ok(out)
    }

    // `node_passes` and `edge_passes` keep the constant test in their own loop:
    // moving it into `test_passes` cost 7–10 % more instructions on three of
    // the measured rules (this runs for every node and edge a step reaches).
    pub(crate) fn node_passes(
        &mut self,
        n: NodeIx,
        tests: &[FieldTest],
        frame: &mut [V],
    ) -> R<bool> {
        for t in tests {
            let stored = self.g.field(n, t.field);
            if let Some(r) = const_test(stored, t) {
                if !r {
                    return Ok(false);
                }
                continue;
            }
            if !self.test_passes(stored, t, frame)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    pub(crate) fn edge_passes(
        &mut self,
        e: EdgeIx,
        tests: &[FieldTest],
        frame: &mut [V],
    ) -> R<bool> {
        for t in tests {
            let stored = self.g.edge_field(e, t.field);
            if let Some(r) = const_test(stored, t) {
                if !r {
                    return Ok(false);
                }
                continue;
            }
            if !self.test_passes(stored, t, frame)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    pub(super) fn test_passes(
        &mut self,
        stored: Option<&Value>,
        t: &FieldTest,
        frame: &mut [V],
    ) -> R<bool> {
        use crate::syntax::ast::CmpOp;
        // `penalty = k`, `k` a bound variable: compared in place.
        if let (Expr::Local(s), Some(op @ (CmpOp::Eq | CmpOp::Ne))) = (&t.value, t.op)
            && let Some(want) = frame.get(s.0 as usize)
        {
            let Some(stored) = stored else {
                return Ok(false);
            };
            if let Some(eq) = stored_equals(stored, want) {
                return Ok(eq == (op == CmpOp::Eq));
            }
        }
        let want = self.eval(&t.value, frame)?;
        Ok(test_against(stored, t, &want))
    }
}

/// Whether a stored field (`None`: absent) passes a test against the value
/// `want` of the test's expression.
pub(super) fn test_against(stored: Option<&Value>, t: &FieldTest, want: &V) -> bool {
    use crate::syntax::ast::CmpOp;
    // An absent field, or an unknown value compared with, makes the test unknown.
    let Some(stored) = stored else {
        return false;
    };
    if let (Some(op), Some(eq)) = (t.op, stored_equals(stored, want)) {
        match op {
            CmpOp::Eq => return eq,
            CmpOp::Ne => return !eq,
            _ => {}
        }
    }
    let v = V::from_stored(stored, &t.ty);
    let v = &v;
    let r = match t.op {
        Some(op) => compare(op, v, want),
        None => match want {
            V::List(items) if v.is_present() => {
                V::Bool(items.iter().any(|i| equal(v, i) == Some(true)))
            }
            _ => V::Absent,
        },
    };
    matches!(r, V::Bool(true))
}

/// The fewest edges at a step's start for which [`Ctx::index_step`] is
/// asked: a shorter walk costs less than looking its start up.
const INDEX_STEP_MIN: usize = 8;

/// An inverted index step's entries: [`Ctx::index_step`].
pub(crate) type IndexList = std::sync::Arc<[(NodeIx, NodeIx, EdgeIx)]>;

/// An edge step to a new variable, resolved for one start node.
struct ExpandOne<'q> {
    start: NodeIx,
    edge: EdgeKindId,
    forward: bool,
    above: Option<NodeIx>,
    to: Slot,
    kind: Option<KindId>,
    node_tests: &'q [FieldTest],
    edge_slot: Option<Slot>,
    edge_tests: &'q [FieldTest],
}

/// Whether the pattern refers to a variable bound outside it (`-concerns-> n`)
/// whose value is not a node (absent): such a pattern's matches are unknown.
pub(crate) fn anchored_at_unknown(q: &Query, frame: &[V]) -> bool {
    q.anchors
        .iter()
        .any(|s| !matches!(frame.get(s.0 as usize), Some(V::Node(_))))
}

/// The first `field = value` test on a (single) enum field, which the enum
/// index serves.
pub(crate) fn enum_index(tests: &[FieldTest]) -> Option<(FieldId, u16)> {
    enum_index_at(tests).map(|(_, f, v)| (f, v))
}

/// The first `field = value` test on an enum field whose value is a
/// constant ([`enum_index`]), else one whose value is a bound variable
/// holding an enum value (`type = t` in
/// `def first_act(d: person, t: event.type)`), with that value: the nodes
/// the enum index gives for it are the only ones that can pass the test.
fn enum_test_value(tests: &[FieldTest], frame: &[V]) -> Option<(FieldId, u16)> {
    enum_index(tests).or_else(|| {
        tests.iter().find_map(|t| match (&t.ty, t.op, &t.value) {
            (Ty::Enum(_), Some(crate::syntax::ast::CmpOp::Eq), Expr::Local(s)) => {
                match frame.get(s.0 as usize) {
                    Some(V::Enum(_, v)) => Some((t.field, *v)),
                    _ => None,
                }
            }
            _ => None,
        })
    })
}

/// The first test of an enum field against a list of constants (`type in
/// [release, bail, residential_surveillance]`), with the values, sorted
/// and each once: the nodes of those values' indexes are the only ones that
/// can pass it.
fn enum_test_list(tests: &[FieldTest]) -> Option<(FieldId, smallvec::SmallVec<[u16; 8]>)> {
    tests.iter().find_map(|t| match (&t.ty, t.op, &t.value) {
        (Ty::Enum(_), None, Expr::List(items)) => {
            let mut values: smallvec::SmallVec<[u16; 8]> = items
                .iter()
                .map(|i| match i {
                    Expr::Const(Const::Enum(_, v)) => Some(*v),
                    _ => None,
                })
                .collect::<Option<_>>()?;
            values.sort_unstable();
            values.dedup();
            Some((t.field, values))
        }
        _ => None,
    })
}

/// [`enum_index`], with the test's position among `tests`.
pub(crate) fn enum_index_at(tests: &[FieldTest]) -> Option<(usize, FieldId, u16)> {
    tests
        .iter()
        .enumerate()
        .find_map(|(i, t)| match (&t.ty, t.op, &t.value) {
            (Ty::Enum(_), Some(crate::syntax::ast::CmpOp::Eq), Expr::Const(Const::Enum(_, v))) => {
                Some((i, t.field, *v))
            }
            _ => None,
        })
}

/// A field test against a constant (`type = detention`, `penalty in [life, death]`)
/// decided on the stored value, without building values: `None` when the test
/// is not of that shape and must be evaluated.
pub(super) fn const_test(stored: Option<&Value>, t: &FieldTest) -> Option<bool> {
    use crate::syntax::ast::CmpOp;
    // Against a constant without building its value: this runs for every
    // node an indexed scan or an edge step reaches.
    let same = |c: &Const| stored_equals_const(stored?, c);
    match (&t.value, t.op) {
        (Expr::Const(c), Some(op @ (CmpOp::Eq | CmpOp::Ne))) => {
            // An absent field makes the comparison unknown: the test fails.
            if stored.is_none() {
                return Some(false);
            }
            let eq = same(c)?;
            Some(if op == CmpOp::Eq { eq } else { !eq })
        }
        (Expr::List(items), None) => {
            if stored.is_none() {
                return Some(false);
            }
            let mut any = false;
            for i in items {
                let Expr::Const(c) = i else {
                    return None;
                };
                any |= same(c)?;
            }
            Some(any)
        }
        _ => None,
    }
}

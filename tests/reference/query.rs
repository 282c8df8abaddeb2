//! Patterns, naively: nested loops over every node, edges found by scanning every edge.

use super::{Reference, Val};
use caselint::check::ir::{FieldTest, QStep, Query, Slot};
use caselint::graph::{EdgeIx, NodeIx};
use caselint::syntax::ast::EdgeMod;

/// The node slots a query binds itself (its new variables), in the order the
/// pattern writes them (slots are allocated in that order).
pub fn fresh_node_slots(q: &Query, _frame: &[Val]) -> Vec<Slot> {
    let mut out: Vec<Slot> = vec![];
    for st in &q.steps {
        let s = match st {
            QStep::Scan { slot, .. } => *slot,
            QStep::Expand {
                to,
                to_bound: false,
                ..
            } => *to,
            _ => continue,
        };
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out.sort();
    out
}

/// Whether the pattern refers to an outer variable that holds no node: its
/// matches are then unknown.
pub fn anchored_unknown(q: &Query, frame: &[Val]) -> bool {
    let own = fresh_node_slots(q, frame);
    let mut refs = vec![];
    for st in &q.steps {
        match st {
            QStep::Scan { .. } => {}
            QStep::Check { slot, .. } => refs.push(*slot),
            QStep::Expand { from, to, .. } => {
                refs.push(*from);
                refs.push(*to);
            }
        }
    }
    refs.iter()
        .any(|s| !own.contains(s) && !matches!(frame.get(s.0 as usize), Some(Val::Node(_))))
}

impl Reference<'_> {
    /// Every match of the query's pattern (its filter is the caller's), as
    /// the values of the new slots (nodes and named edges).
    pub fn matches(&self, q: &Query, frame: &[Val]) -> Vec<Vec<(Slot, Val)>> {
        let fresh = fresh_node_slots(q, frame);
        let all: Vec<NodeIx> = self.g.nodes().collect();
        let mut out = vec![];
        if anchored_unknown(q, frame) {
            return out;
        }
        let mut work = frame.to_vec();
        let mut choice = vec![0usize; fresh.len()];
        if fresh.iter().any(|_| all.is_empty()) {
            return out;
        }
        // Odometer over all nodes for every fresh slot.
        loop {
            for (s, c) in fresh.iter().zip(&choice) {
                work[s.0 as usize] = Val::Node(all[*c]);
            }
            self.edge_choices(q, &mut work, 0, &fresh, &mut vec![], &mut out);
            let mut k = fresh.len();
            loop {
                if k == 0 {
                    return out;
                }
                k -= 1;
                choice[k] += 1;
                if choice[k] < all.len() {
                    break;
                }
                choice[k] = 0;
            }
        }
    }

    /// With every node slot assigned: checks each step's constraints; for each
    /// edge step, every edge (or "no edge", or path) that satisfies it is a
    /// separate match.
    fn edge_choices(
        &self,
        q: &Query,
        work: &mut Vec<Val>,
        step: usize,
        fresh: &[Slot],
        edges: &mut Vec<(Slot, Val)>,
        out: &mut Vec<Vec<(Slot, Val)>>,
    ) {
        let Some(st) = q.steps.get(step) else {
            let mut m: Vec<(Slot, Val)> = fresh
                .iter()
                .map(|s| (*s, work[s.0 as usize].clone()))
                .collect();
            m.extend(edges.iter().cloned());
            out.push(m);
            return;
        };
        let node_of = |work: &[Val], s: Slot| match work.get(s.0 as usize) {
            Some(Val::Node(n)) => Some(*n),
            _ => None,
        };
        match st {
            QStep::Scan {
                slot,
                kind,
                index,
                tests,
            } => {
                let Some(n) = node_of(work, *slot) else {
                    return;
                };
                if self.g.node_kind(n) != *kind {
                    return;
                }
                if let Some((f, v)) = index
                    && self.g.field(n, *f).and_then(|x| x.as_enum()) != Some(*v)
                {
                    return;
                }
                if !self.node_tests(n, tests, work) {
                    return;
                }
                self.edge_choices(q, work, step + 1, fresh, edges, out);
            }
            QStep::Check { slot, tests } => {
                let Some(n) = node_of(work, *slot) else {
                    return;
                };
                if self.node_tests(n, tests, work) {
                    self.edge_choices(q, work, step + 1, fresh, edges, out);
                }
            }
            QStep::Expand {
                from,
                edge,
                forward,
                modifier,
                to,
                kind,
                node_tests,
                edge_slot,
                edge_tests,
                ..
            } => {
                let (Some(a), Some(b)) = (node_of(work, *from), node_of(work, *to)) else {
                    return;
                };
                if kind.is_some_and(|k| self.g.node_kind(b) != k) {
                    return;
                }
                if !self.node_tests(b, node_tests, work) {
                    return;
                }
                // The arrow as written: from its source to its target.
                let (src, dst) = if *forward { (a, b) } else { (b, a) };
                let all_edges: Vec<EdgeIx> = self.g.edges().collect();
                let is_edge = |e: &EdgeIx| self.g.edge_kind(*e) == *edge;
                let mut picks: Vec<Val> = vec![];
                match modifier {
                    EdgeMod::One | EdgeMod::Open => {
                        for e in all_edges.iter().filter(|e| is_edge(e)) {
                            if self.g.edge_source(*e) == src
                                && self.g.edge_target(*e) == dst
                                && self.edge_tests(*e, edge_tests, work)
                            {
                                picks.push(Val::Edge(*e));
                            }
                        }
                        if *modifier == EdgeMod::Open {
                            // The source names no edge of this kind at all: it concerns every node.
                            let none = !all_edges
                                .iter()
                                .any(|e| is_edge(e) && self.g.edge_source(*e) == src);
                            // An edge condition on the missing edge is unknown: not a match.
                            if none && edge_tests.is_empty() {
                                picks.push(Val::Absent);
                            }
                        }
                    }
                    EdgeMod::Path => {
                        // One or more edges of the kind, each passing the edge conditions.
                        let mut reached: Vec<NodeIx> = vec![];
                        let mut frontier = vec![src];
                        while let Some(n) = frontier.pop() {
                            for e in all_edges.iter().filter(|e| is_edge(e)) {
                                if self.g.edge_source(*e) == n
                                    && self.edge_tests(*e, edge_tests, work)
                                {
                                    let m = self.g.edge_target(*e);
                                    if !reached.contains(&m) {
                                        reached.push(m);
                                        frontier.push(m);
                                    }
                                }
                            }
                        }
                        if reached.contains(&dst) {
                            picks.push(Val::Absent);
                        }
                    }
                }
                for p in picks {
                    let pushed = if let Some(es) = edge_slot {
                        work[es.0 as usize] = p.clone();
                        edges.push((*es, p));
                        true
                    } else {
                        false
                    };
                    self.edge_choices(q, work, step + 1, fresh, edges, out);
                    if pushed {
                        edges.pop();
                        if let Some(es) = edge_slot {
                            work[es.0 as usize] = Val::Absent;
                        }
                    }
                }
            }
        }
    }

    fn node_tests(&self, n: NodeIx, tests: &[FieldTest], work: &[Val]) -> bool {
        tests.iter().all(|t| {
            let v = self
                .g
                .field(n, t.field)
                .map_or(Val::Absent, |x| self.stored(x, &t.ty));
            self.field_test(&v, t, work)
        })
    }

    fn edge_tests(&self, e: EdgeIx, tests: &[FieldTest], work: &[Val]) -> bool {
        tests.iter().all(|t| {
            let v = self
                .g
                .edge_field(e, t.field)
                .map_or(Val::Absent, |x| self.stored(x, &t.ty));
            self.field_test(&v, t, work)
        })
    }

    /// `field op value`, or `field in list`: passes only when true.
    fn field_test(&self, v: &Val, t: &FieldTest, work: &[Val]) -> bool {
        let mut frame = work.to_vec();
        let want = self.eval(&t.value, &mut frame);
        let r = match t.op {
            Some(op) => self.cmp(op, v, &want),
            None => self.member(v, &want),
        };
        r == Val::Bool(true)
    }
}

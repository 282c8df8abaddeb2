//! [`Kernel`]s: a quantifier or an aggregate (or a family of them) over one
//! edge step, run as one loop over the anchor's edges with the accumulators
//! inline. What each match adds is [`Acc::add`]'s, with the filters and
//! values of the commonest shapes read on the stored field; the rest is
//! evaluated as written with the variable bound, so a kernel's values are
//! the walk's (`tests/differential.rs` checks them against the reference
//! evaluator).

use super::expr::{Acc, R, fold, stored_in, stored_is, what};
use super::query::{const_test, test_against};
use super::value::V;
use super::{Ctx, set};
use crate::check::ir::*;
use crate::graph::NodeIx;
use smallvec::SmallVec;

/// The values of a kernel's members, in order.
pub(crate) type Values = SmallVec<[V; 4]>;

impl Ctx<'_> {
    /// The value of a kernel's first (only) member.
    pub(super) fn kernel_one(&mut self, k: &Kernel, frame: &mut [V]) -> R<V> {
        let Some((m, _)) = k.members.first() else {
            return Ok(V::Absent);
        };
        let mut accs = [(Acc::new(what(m)), false)];
        self.kernel_run(k, &mut accs, frame)?;
        let [(acc, _)] = accs;
        Ok(acc.finish(what(m)))
    }

    /// The value of a [`Kernel::memo`] kernel: computed once per review and
    /// anchor node.
    pub(super) fn kernel_remembered(&mut self, k: &Kernel, id: u32, frame: &mut [V]) -> R<V> {
        let Some(V::Node(a)) = frame.get(k.from.0 as usize) else {
            return self.kernel_one(k, frame);
        };
        let a = a.index();
        if let Some(Some(memo)) = self.kernel_memos.get(id as usize)
            && let Some(v) = memo.get(a).and_then(|c| memo_value(*c))
        {
            return Ok(v);
        }
        let v = self.kernel_one(k, frame)?;
        let nodes = self.g.node_count();
        if let Some(code) = memo_code(&v)
            && let Some(slot) = self.kernel_memos.get_mut(id as usize)
            && let Some(c) = slot.get_or_insert_with(|| vec![0; nodes]).get_mut(a)
        {
            *c = code;
        }
        Ok(v)
    }

    /// The values of a kernel's members, in order.
    pub(super) fn kernel_all(&mut self, k: &Kernel, frame: &mut [V]) -> R<Values> {
        let mut accs: SmallVec<[(Acc, bool); 4]> = k
            .members
            .iter()
            .map(|(m, _)| (Acc::new(what(m)), false))
            .collect();
        self.kernel_run(k, &mut accs, frame)?;
        Ok(k.members
            .iter()
            .zip(accs)
            .map(|((m, _), (acc, _))| acc.finish(what(m)))
            .collect())
    }

    /// Adds the matches from the node in the kernel's `from` slot (not a
    /// node: none) to `accs`, one per member.
    #[inline(always)]
    fn kernel_run(&mut self, k: &Kernel, accs: &mut [(Acc, bool)], frame: &mut [V]) -> R<()> {
        let g = self.g;
        let Some(V::Node(start)) = frame.get(k.from.0 as usize) else {
            return Ok(());
        };
        let start = *start;
        // The outer values the tests compare with, read once.
        let mut wants: SmallVec<[V; 2]> = SmallVec::new();
        for (t, from) in &k.tests {
            if *from == TestValue::Outer {
                wants.push(self.eval(&t.value, frame)?);
            }
        }
        let dates = self.date_fields(k.head_kind);
        let edges = if k.forward {
            g.out_edges(start, k.edge)
        } else {
            g.in_edges(start, k.edge)
        };
        'edges: for &e in edges {
            self.tick()?;
            let n = if k.forward {
                g.edge_target(e)
            } else {
                g.edge_source(e)
            };
            if k.kind.is_some_and(|kd| g.node_kind(n) != kd) {
                continue;
            }
            let mut want = wants.iter();
            for (t, from) in &k.tests {
                let stored = g.field(n, t.field);
                let pass = match from {
                    TestValue::Const => match const_test(stored, t) {
                        Some(r) => r,
                        None => self.test_passes(stored, t, frame)?,
                    },
                    TestValue::Outer => match want.next() {
                        Some(w) => test_against(stored, t, w),
                        None => false,
                    },
                };
                if !pass {
                    continue 'edges;
                }
            }
            // (Left bound until the next match: no node test reads `to`.)
            set(frame, k.to, V::Node(n));
            let mut all = true;
            for ((m, fast), (acc, decided)) in k.members.iter().zip(accs.iter_mut()) {
                if *decided {
                    continue;
                }
                // (What `Acc::add` does for these, without its dispatch.)
                match (&fast.plain, &mut *acc) {
                    (Some(PlainAgg::Count), Acc::Count(c)) => {
                        *c += 1;
                        all = false;
                        continue;
                    }
                    (Some(PlainAgg::Fold(agg, f, ty)), Acc::Fold(a)) => {
                        let v = g.field(n, *f).map_or(V::Absent, |v| V::from_stored(v, ty));
                        fold(*agg, a, v);
                        all = false;
                        continue;
                    }
                    _ => {}
                }
                *decided = acc.add(
                    self,
                    what(m),
                    (m.filter.as_ref(), m.head),
                    dates,
                    Some((fast, n)),
                    frame,
                )?;
                all &= *decided;
            }
            if all {
                break;
            }
        }
        set(frame, k.to, V::Absent);
        Ok(())
    }

    /// A quantifier's or an aggregate's filter (from [`Acc::add`]): read on
    /// the node reached when `fast` (a kernel's shape of it, and that node)
    /// allows; otherwise, and outside kernels (`None`), evaluated.
    #[inline(always)]
    pub(super) fn member_filter(
        &mut self,
        f: &Expr,
        fast: Option<(&Fast, NodeIx)>,
        frame: &mut [V],
    ) -> R<Option<bool>> {
        match fast {
            Some((
                Fast {
                    filter: FastCond::Is(field, negated, test),
                    ..
                },
                n,
            )) => Ok(Some(stored_is(self.g.field(n, *field), test) != *negated)),
            Some((
                Fast {
                    filter: FastCond::In(field, items, negated),
                    ..
                },
                n,
            )) => {
                if let Some(a) = self.g.field(n, *field)
                    && let Some(r) = stored_in(a, items.iter().map(Some))
                {
                    return Ok(Some(r != *negated));
                }
                self.cond(f, frame)
            }
            _ => self.cond(f, frame),
        }
    }
}

/// A quantifier's value as one byte of a [`Kernel::memo`] (never 0, which
/// marks a value not computed yet); `None` for another value.
fn memo_code(v: &V) -> Option<u8> {
    match v {
        V::Bool(false) => Some(1),
        V::Bool(true) => Some(2),
        V::Absent => Some(3),
        _ => None,
    }
}

/// The value a [`memo_code`] stands for; `None` for 0.
fn memo_value(c: u8) -> Option<V> {
    match c {
        1 => Some(V::Bool(false)),
        2 => Some(V::Bool(true)),
        3 => Some(V::Absent),
        _ => None,
    }
}

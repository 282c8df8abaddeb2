//! Stage 3, expressions: three-valued evaluation of the typed IR over one case.

use super::value::*;
use super::{Ctx, set};
use crate::check::ir::*;
use crate::graph::Value;
use crate::syntax::ast::{Agg, Quant, Unit};
use rust_decimal::Decimal;
use std::sync::Arc;

/// What evaluation can stop on: a limit, never bad input. Boxed, so a
/// result is no larger than its value (every expression returns one).
pub type R<T> = Result<T, Box<super::EvalError>>;

fn truth(v: &V) -> Option<bool> {
    v.truth()
}

fn kleene_not(v: V) -> V {
    match v {
        V::Bool(b) => V::Bool(!b),
        _ => V::Absent,
    }
}

impl<'c> Ctx<'c> {
    /// Evaluates an expression in a frame.
    ///
    /// The commonest leaves, single comparisons, `is` tests, the date
    /// differences, quantifiers and aggregates are answered here, without
    /// entering the large `eval_full` (whose prologue and frame cost more
    /// than they do).
    #[inline]
    pub(crate) fn eval(&mut self, e: &Expr, frame: &mut [V]) -> R<V> {
        match e {
            Expr::Const(c) => Ok(V::from_const(c)),
            Expr::Local(s) => Ok(frame.get(s.0 as usize).cloned().unwrap_or(V::Absent)),
            Expr::Field(base, f, ty) => Ok(match self.node_of(base, frame)? {
                Some(n) => self
                    .g
                    .field(n, *f)
                    .map_or(V::Absent, |v| V::from_stored(v, ty)),
                None => V::Absent,
            }),
            Expr::EdgeField(base, f, ty) => Ok(match self.edge_of(base, frame)? {
                Some(x) => self
                    .g
                    .edge_field(x, *f)
                    .map_or(V::Absent, |v| V::from_stored(v, ty)),
                None => V::Absent,
            }),
            Expr::Compare(first, rest) if rest.len() == 1 => {
                let Some((op, second)) = rest.first() else {
                    return Ok(V::Absent);
                };
                // Two scalars of one type read in place (bound variables,
                // their stored fields, constants): compared without values.
                match (self.scalar(first, frame), self.scalar(second, frame)) {
                    (Read::Scalar(a), Read::Scalar(b)) => {
                        if let Some(o) = a.order(b) {
                            return Ok(V::Bool(holds(*op, o)));
                        }
                    }
                    // An absent side makes any comparison unknown. (Against an
                    // `Other` side, the general path runs: that side may hold
                    // a query, whose steps count against the budget.)
                    (Read::Absent, Read::Scalar(_) | Read::Absent)
                    | (Read::Scalar(_), Read::Absent) => return Ok(V::Absent),
                    // `count … >= 2`: the count against the constant in place.
                    (Read::Other, Read::Scalar(Scalar::Int(b))) => {
                        let a = self.eval(first, frame)?;
                        if let V::Int(a) = a {
                            return Ok(V::Bool(holds(*op, a.cmp(&b))));
                        }
                        let b = self.eval(second, frame)?;
                        return Ok(compare(*op, &a, &b));
                    }
                    _ => {}
                }
                let a = self.eval(first, frame)?;
                let b = self.eval(second, frame)?;
                Ok(compare(*op, &a, &b))
            }
            Expr::Is(x, negated, test) => {
                // `v.f is …` on the stored field, without building its value.
                if let Expr::Field(base, f, _) | Expr::EdgeField(base, f, _) = &**x
                    && let Expr::Local(s) = &**base
                {
                    let stored = match frame.get(s.0 as usize) {
                        Some(V::Node(n)) if matches!(**x, Expr::Field(..)) => self.g.field(*n, *f),
                        Some(V::Edge(e)) if matches!(**x, Expr::EdgeField(..)) => {
                            self.g.edge_field(*e, *f)
                        }
                        _ => None,
                    };
                    return Ok(V::Bool(stored_is(stored, test) != *negated));
                }
                let v = self.eval(x, frame)?;
                Ok(V::Bool(is(&v, test) != *negated))
            }
            Expr::Builtin(b @ (Builtin::YearsBetween | Builtin::DaysBetween), args)
                if args.len() == 2 =>
            {
                let [x, y] = args.as_slice() else {
                    return self.eval_full(e, frame);
                };
                match (self.scalar(x, frame), self.scalar(y, frame)) {
                    (Read::Scalar(Scalar::Date(x)), Read::Scalar(Scalar::Date(y))) => {
                        Ok(if *b == Builtin::YearsBetween {
                            V::Int(years_between(x, y))
                        } else {
                            days_between(x, y).map_or(V::Absent, V::Int)
                        })
                    }
                    (Read::Absent, Read::Scalar(_) | Read::Absent)
                    | (Read::Scalar(_), Read::Absent) => Ok(V::Absent),
                    _ => self.eval_full(e, frame),
                }
            }
            // (Straight to the query, past `eval_full`'s prologue.)
            Expr::Agg(agg, value, query) => self.agg(*agg, value.as_deref(), query, frame),
            Expr::Quant(q, query, body) => self.quant(*q, query, body.as_deref(), frame),
            // A value remembered for these arguments: found here, without
            // building the definition's frame.
            Expr::Call(def, args) => match self.remembered(*def, args, frame) {
                Some(v) => Ok(v),
                None => self.eval_full(e, frame),
            },
            _ => self.eval_full(e, frame),
        }
    }

    /// The value [`Ctx::call`] remembered for a definition whose arguments
    /// are bound variables or constants with codes (nodes, enum values,
    /// integers …), read by their codes; `None` when there is none (not
    /// computed yet, not remembered, or other arguments).
    #[inline]
    fn remembered(&self, id: DefId, args: &[Expr], frame: &[V]) -> Option<V> {
        let arity = u8::try_from(args.len()).ok()?;
        if self.prog.remembered.get(id.0 as usize).copied() != Some(arity) {
            return None;
        }
        let code_of = |a: &Expr| match a {
            Expr::Local(s) => frame.get(s.0 as usize).and_then(code),
            Expr::Const(c) => code(&V::from_const(c)),
            _ => None,
        };
        let key = match args {
            [a] => (id.0, code_of(a)?, 0),
            [a, b] => (id.0, code_of(a)?, code_of(b)?),
            _ => return None,
        };
        self.memo_coded.get(&key).cloned()
    }

    /// An integer, date or decimal read in place: a bound variable, a
    /// stored field of one, or a constant. [`Read::Absent`] when such a read
    /// finds nothing; [`Read::Other`] for any other expression or value.
    #[inline(always)]
    fn scalar<'e>(&self, e: &'e Expr, frame: &'e [V]) -> Read<'e>
    where
        'c: 'e,
    {
        let stored = |v: Option<&'e Value>| match v {
            Some(Value::Int(i)) => Read::Scalar(Scalar::Int(*i)),
            Some(Value::Date(d)) => Read::Scalar(Scalar::Date(*d)),
            Some(Value::Decimal(d)) => Read::Scalar(Scalar::Dec(d)),
            Some(_) => Read::Other,
            None => Read::Absent,
        };
        let local = |base: &Expr| match base {
            Expr::Local(s) => frame.get(s.0 as usize),
            _ => None,
        };
        match e {
            Expr::Local(s) => match frame.get(s.0 as usize) {
                Some(V::Int(i)) => Read::Scalar(Scalar::Int(*i)),
                Some(V::Date(d)) => Read::Scalar(Scalar::Date(*d)),
                Some(V::Dec(d)) => Read::Scalar(Scalar::Dec(d)),
                Some(V::Absent) => Read::Absent,
                _ => Read::Other,
            },
            // The field of an absent variable is absent too.
            Expr::Field(base, f, _) => match local(base) {
                Some(V::Node(n)) => stored(self.g.field(*n, *f)),
                Some(V::Absent) => Read::Absent,
                _ => Read::Other,
            },
            Expr::EdgeField(base, f, _) => match local(base) {
                Some(V::Edge(x)) => stored(self.g.edge_field(*x, *f)),
                Some(V::Absent) => Read::Absent,
                _ => Read::Other,
            },
            Expr::Const(Const::Int(i)) => Read::Scalar(Scalar::Int(*i)),
            Expr::Const(Const::Date(d)) => Read::Scalar(Scalar::Date(*d)),
            Expr::Const(Const::Decimal(d)) => Read::Scalar(Scalar::Dec(d)),
            _ => Read::Other,
        }
    }

    /// Evaluates a condition to its Kleene truth: `Some(b)` for a boolean,
    /// `None` for unknown (absent, or not a boolean).
    ///
    /// The same answer as [`Ctx::eval`] followed by [`V::truth`], but `and`,
    /// `or`, `not`, `if` and membership in a written-out list of constants are
    /// answered without building values.
    #[inline]
    pub(crate) fn cond(&mut self, e: &Expr, frame: &mut [V]) -> R<Option<bool>> {
        match e {
            Expr::And(..) | Expr::Or(..) | Expr::Not(_) | Expr::In(..) | Expr::If(..) => {
                self.cond_full(e, frame)
            }
            _ => Ok(self.eval(e, frame)?.truth()),
        }
    }

    #[inline(never)]
    fn cond_full(&mut self, e: &Expr, frame: &mut [V]) -> R<Option<bool>> {
        match e {
            Expr::And(a, b) => {
                let x = self.cond(a, frame)?;
                if x == Some(false) {
                    return Ok(Some(false));
                }
                Ok(match (x, self.cond(b, frame)?) {
                    (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                })
            }
            Expr::Or(a, b) => {
                let x = self.cond(a, frame)?;
                if x == Some(true) {
                    return Ok(Some(true));
                }
                Ok(match (x, self.cond(b, frame)?) {
                    (_, Some(true)) => Some(true),
                    (Some(false), Some(false)) => Some(false),
                    _ => None,
                })
            }
            Expr::Not(x) => Ok(self.cond(x, frame)?.map(|b| !b)),
            // A condition's branches as conditions (`before(a, b)` inlined):
            // an unknown test gives unknown, as `eval_full` does.
            Expr::If(c, a, b) => match self.cond(c, frame)? {
                Some(true) => self.cond(a, frame),
                Some(false) => self.cond(b, frame),
                None => Ok(None),
            },
            Expr::In(x, list, negated) => {
                // `v.f in [c1, c2, …]` on the stored field, without building its value.
                if let Expr::List(items) = &**list
                    && let Some(a) = self.stored(x, frame)
                    && let Some(f) = stored_in(
                        a,
                        items.iter().map(|i| match i {
                            Expr::Const(c) => Some(c),
                            _ => None,
                        }),
                    )
                {
                    return Ok(Some(f != *negated));
                }
                Ok(self.eval(e, frame)?.truth())
            }
            _ => Ok(self.eval(e, frame)?.truth()),
        }
    }

    /// The stored value of `x.f`, `x` a bound node or edge variable; `None`
    /// for any other expression or an absent field.
    #[inline]
    fn stored(&self, e: &Expr, frame: &[V]) -> Option<&'c Value> {
        match e {
            Expr::Field(base, f, _) => match &**base {
                Expr::Local(s) => match frame.get(s.0 as usize) {
                    Some(V::Node(n)) => self.g.field(*n, *f),
                    _ => None,
                },
                _ => None,
            },
            Expr::EdgeField(base, f, _) => match &**base {
                Expr::Local(s) => match frame.get(s.0 as usize) {
                    Some(V::Edge(x)) => self.g.edge_field(*x, *f),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        }
    }

    /// The edge an expression denotes, if it is one; a variable is read in place.
    #[inline]
    fn edge_of(&mut self, e: &Expr, frame: &mut [V]) -> R<Option<crate::graph::EdgeIx>> {
        Ok(match e {
            Expr::Local(s) => match frame.get(s.0 as usize) {
                Some(V::Edge(x)) => Some(*x),
                _ => None,
            },
            other => match self.eval_full(other, frame)? {
                V::Edge(x) => Some(x),
                _ => None,
            },
        })
    }

    /// The node an expression denotes, if it is one; a variable is read in place.
    #[inline]
    fn node_of(&mut self, e: &Expr, frame: &mut [V]) -> R<Option<crate::graph::NodeIx>> {
        Ok(match e {
            Expr::Local(s) => match frame.get(s.0 as usize) {
                Some(V::Node(n)) => Some(*n),
                _ => None,
            },
            other => match self.eval_full(other, frame)? {
                V::Node(n) => Some(n),
                _ => None,
            },
        })
    }

    #[inline(never)]
    fn eval_full(&mut self, e: &Expr, frame: &mut [V]) -> R<V> {
        Ok(match e {
            Expr::Const(c) => V::from_const(c),
            Expr::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for x in items {
                    out.push(self.eval(x, frame)?);
                }
                V::List(Arc::from(out))
            }
            Expr::Format(pieces) => {
                let mut out = String::new();
                for p in pieces {
                    match p {
                        Piece::Lit(s) => out.push_str(s),
                        Piece::Hole(x) => {
                            let v = self.eval(x, frame)?;
                            let (prog, lang) = (self.prog, self.lang.clone());
                            out.push_str(&render(&v, self.g, &|e, x| {
                                super::label_in(prog, e, x, &lang)
                            }));
                        }
                    }
                }
                V::Text(Arc::from(out.as_str()))
            }
            Expr::Local(s) => frame.get(s.0 as usize).cloned().unwrap_or(V::Absent),
            Expr::Field(base, f, ty) => match self.eval(base, frame)? {
                V::Node(n) => self
                    .g
                    .field(n, *f)
                    .map_or(V::Absent, |v| V::from_stored(v, ty)),
                _ => V::Absent,
            },
            Expr::EdgeField(base, f, ty) => match self.eval(base, frame)? {
                V::Edge(x) => self
                    .g
                    .edge_field(x, *f)
                    .map_or(V::Absent, |v| V::from_stored(v, ty)),
                _ => V::Absent,
            },
            Expr::Column(base, i) => match self.eval(base, frame)? {
                V::Row(t, r) => self
                    .prog
                    .table(t)
                    .and_then(|t| t.rows.get(r as usize))
                    .and_then(|row| row.values.get(*i as usize))
                    .map_or(V::Absent, V::from_const),
                _ => V::Absent,
            },
            Expr::Singleton(k) => self.g.singleton(*k).map_or(V::Absent, V::Node),
            Expr::Call(def, args) => self.call(*def, args, frame)?,
            Expr::Lookup(t, args) => {
                // Arguments on the stack: no allocation per call in the inner loop.
                let mut vals: smallvec::SmallVec<[V; 4]> = smallvec::SmallVec::new();
                for a in args {
                    vals.push(self.eval(a, frame)?);
                }
                self.lookup(*t, &vals)
            }
            Expr::Builtin(b, args) => {
                let mut vals: smallvec::SmallVec<[V; 4]> = smallvec::SmallVec::new();
                for a in args {
                    vals.push(self.eval(a, frame)?);
                }
                self.builtin(*b, &vals)
            }
            // Three-valued logic, in one place: `cond`.
            Expr::Not(_) | Expr::And(..) | Expr::Or(..) => {
                self.cond_full(e, frame)?.map_or(V::Absent, V::Bool)
            }
            Expr::Neg(x) => match self.eval(x, frame)? {
                V::Int(i) => i.checked_neg().map_or(V::Absent, V::Int),
                V::Dec(d) => V::Dec(-d),
                _ => V::Absent,
            },
            Expr::Arith(op, a, b) => {
                let x = self.eval(a, frame)?;
                let y = self.eval(b, frame)?;
                arith(*op, &x, &y)
            }
            Expr::Compare(first, rest) => {
                let mut prev = self.eval(first, frame)?;
                let mut result = V::Bool(true);
                for (op, next) in rest {
                    let cur = self.eval(next, frame)?;
                    match compare(*op, &prev, &cur) {
                        V::Bool(false) => return Ok(V::Bool(false)),
                        V::Bool(true) => {}
                        _ => result = V::Absent,
                    }
                    prev = cur;
                }
                result
            }
            Expr::In(x, list, negated) => {
                let x = self.eval(x, frame)?;
                let r = if let Expr::List(items) = &**list {
                    // A list written out: compared item by item, never built.
                    if !x.is_present() {
                        V::Absent
                    } else {
                        let mut out = V::Bool(false);
                        for i in items {
                            match equal(&x, &self.eval(i, frame)?) {
                                Some(true) => {
                                    out = V::Bool(true);
                                    break;
                                }
                                Some(false) => {}
                                None => out = V::Absent,
                            }
                        }
                        out
                    }
                } else {
                    let l = self.eval(list, frame)?;
                    member(&x, &l)
                };
                if *negated { kleene_not(r) } else { r }
            }
            Expr::Contains(list, x) => {
                let l = self.eval(list, frame)?;
                let x = self.eval(x, frame)?;
                member(&x, &l)
            }
            Expr::ContainsAny(list, xs) => {
                let l = self.eval(list, frame)?;
                let xs = self.eval(xs, frame)?;
                match (&l, &xs) {
                    (V::List(_), V::List(items)) => {
                        let mut out = V::Bool(false);
                        for x in items.iter() {
                            match member(x, &l) {
                                V::Bool(true) => return Ok(V::Bool(true)),
                                V::Bool(false) => {}
                                _ => out = V::Absent,
                            }
                        }
                        out
                    }
                    _ => V::Absent,
                }
            }
            Expr::Otherwise(a, b) => match self.eval(a, frame)? {
                V::Absent => self.eval(b, frame)?,
                v => v,
            },
            Expr::Is(x, negated, test) => {
                let v = self.eval(x, frame)?;
                V::Bool(is(&v, test) != *negated)
            }
            Expr::Duration(x, unit) => match self.eval(x, frame)? {
                V::Int(n) => V::Dur(*unit, n),
                _ => V::Absent,
            },
            Expr::If(c, a, b) => match truth(&self.eval(c, frame)?) {
                Some(true) => self.eval(a, frame)?,
                Some(false) => self.eval(b, frame)?,
                None => V::Absent,
            },
            Expr::Quant(q, query, body) => self.quant(*q, query, body.as_deref(), frame)?,
            Expr::Agg(agg, value, query) => self.agg(*agg, value.as_deref(), query, frame)?,
        })
    }

    fn call(&mut self, id: DefId, args: &[Expr], frame: &mut [V]) -> R<V> {
        let prog = self.prog;
        let Some(def) = prog.def(id) else {
            return Ok(V::Absent);
        };
        if def.constant
            && let Some(Some(v)) = self.consts.get(id.0 as usize)
        {
            return Ok(v.clone());
        }
        // The definition's frame, on the stack for the usual few slots.
        let mut inner: smallvec::SmallVec<[V; 8]> =
            smallvec::smallvec![V::Absent; def.nslots as usize];
        for (slot, a) in inner.iter_mut().zip(args) {
            *slot = self.eval(a, frame)?;
        }
        // A definition is a function of its arguments and the case: computed once per
        // argument tuple (when the arguments are simple values). Only one that runs a
        // query is worth it: for the rest, hashing the key costs more than the body.
        let memo = !def.constant && self.memo_worthy(id);
        let args = inner.get(..def.params.len()).unwrap_or_default();
        // Up to two arguments that are nodes, enum values, integers … : keyed
        // by their codes (cheaper to build and hash); the others as values.
        let coded = match args {
            _ if !memo => None,
            [] => Some((id.0, 0, 0)),
            [a] => code(a).map(|a| (id.0, a, 0)),
            [a, b] => code(a).zip(code(b)).map(|(a, b)| (id.0, a, b)),
            _ => None,
        };
        if let Some(k) = &coded
            && let Some(v) = self.memo_coded.get(k)
        {
            return Ok(v.clone());
        }
        let key = if memo && coded.is_none() {
            args.iter()
                .map(MemoKey::of)
                .collect::<Option<MemoArgs>>()
                .map(|k| (id, k))
        } else {
            None
        };
        if let Some(k) = &key
            && let Some(v) = self.memo.get(k)
        {
            return Ok(v.clone());
        }
        let v = self.eval(&def.body, &mut inner)?;
        if def.constant
            && let Some(c) = self.consts.get_mut(id.0 as usize)
        {
            *c = Some(v.clone());
        }
        if let Some(k) = coded {
            self.memo_coded.insert(k, v.clone());
        }
        if let Some(k) = key {
            self.memo.insert(k, v.clone());
        }
        Ok(v)
    }

    /// Whether a definition runs a query, and so is worth a memo entry.
    fn memo_worthy(&self, id: DefId) -> bool {
        self.prog
            .runs_query
            .get(id.0 as usize)
            .copied()
            .unwrap_or(true)
    }

    fn lookup(&self, t: TableId, args: &[V]) -> V {
        let Some(table) = self.prog.table(t) else {
            return V::Absent;
        };
        let nkeys = table.keys.len();
        if let Some(index) = &table.index
            && let Some(key) = TableIndex::key(args.iter().take(nkeys).map(key_part))
        {
            // (No dates of force: every row is in force.)
            return index
                .rows
                .get(&key)
                .copied()
                .or(index.default)
                .map_or(V::Absent, |i| V::Row(t, i));
        }
        let on = if table.dated {
            match args.get(nkeys) {
                Some(V::Date(d)) => Some(*d),
                _ => None,
            }
        } else {
            None
        };
        let in_force = |row: &TableRow| match (row.from, row.until) {
            (None, None) => true,
            (from, until) => {
                on.is_some_and(|d| from.is_none_or(|f| f <= d) && until.is_none_or(|u| d <= u))
            }
        };
        let keys_match = |keys: &[Const]| {
            keys.iter()
                .zip(args)
                .all(|(k, a)| equal(&V::from_const(k), a) == Some(true))
        };
        let hit = table
            .rows
            .iter()
            .position(|r| r.keys.as_deref().is_some_and(keys_match) && in_force(r))
            .or_else(|| {
                table
                    .rows
                    .iter()
                    .position(|r| r.keys.is_none() && in_force(r))
            });
        hit.map_or(V::Absent, |i| V::Row(t, i as u32))
    }

    pub(crate) fn builtin(&self, b: Builtin, args: &[V]) -> V {
        let a0 = args.first().unwrap_or(&V::Absent);
        let a1 = args.get(1).unwrap_or(&V::Absent);
        match (b, a0, a1) {
            (Builtin::YearsBetween, V::Date(x), V::Date(y)) => V::Int(years_between(*x, *y)),
            (Builtin::DaysBetween, V::Date(x), V::Date(y)) => {
                days_between(*x, *y).map_or(V::Absent, V::Int)
            }
            (Builtin::DateTime, V::Date(d), V::Time(t)) => V::DateTime(d.to_datetime(*t)),
            (Builtin::DateOf, V::DateTime(dt), _) => V::Date(dt.date()),
            (Builtin::IsWorkingDay, V::Date(d), _) => {
                V::Bool(is_working_day(&self.prog.calendar, *d))
            }
            (Builtin::NextWorkingDay, V::Date(d), _) => {
                next_working_day(&self.prog.calendar, *d).map_or(V::Absent, V::Date)
            }
            (Builtin::WorkingDeadline, V::Date(d), _) => {
                if is_working_day(&self.prog.calendar, *d) {
                    V::Date(*d)
                } else {
                    next_working_day(&self.prog.calendar, *d).map_or(V::Absent, V::Date)
                }
            }
            (Builtin::Min | Builtin::Max, x, y) => match order(x, y) {
                Some(o) => {
                    let first = (b == Builtin::Min) == (o != std::cmp::Ordering::Greater);
                    let pick = if first { x } else { y };
                    match (pick, x, y) {
                        (V::Int(i), V::Dec(_), _) | (V::Int(i), _, V::Dec(_)) => {
                            V::Dec(Decimal::from(*i))
                        }
                        _ => pick.clone(),
                    }
                }
                None => V::Absent,
            },
            (Builtin::Abs, V::Int(i), _) => i.checked_abs().map_or(V::Absent, V::Int),
            (Builtin::Abs, V::Dec(d), _) => V::Dec(d.abs()),
            (Builtin::Round, x, V::Int(places)) => match (x, u32::try_from(*places)) {
                (V::Dec(d), Ok(p)) => V::Dec(round(*d, p)),
                (V::Int(i), Ok(p)) => V::Dec(round(Decimal::from(*i), p)),
                _ => V::Absent,
            },
            (Builtin::Len, V::List(l), _) => V::Int(l.len() as i64),
            (Builtin::Label, V::Enum(e, v), _) => V::Text(Arc::from(self.label(*e, *v).as_str())),
            (Builtin::Id, V::Node(n), _) => V::Text(Arc::from(self.g.node_id(*n))),
            (Builtin::Trim, V::Text(t), _) => match t.trim() {
                s if s.len() == t.len() => V::Text(t.clone()),
                s => V::Text(Arc::from(s)),
            },
            (Builtin::Lang, _, _) => V::Text(Arc::from(self.lang.as_str())),
            _ => V::Absent,
        }
    }

    /// A quantifier's or an aggregate's value when it needs no walk of its
    /// own: unknown at an unknown anchor, read from its table or its
    /// family, or computed by its kernel. `None`: walk the pattern.
    #[inline(always)]
    fn without_walk(&mut self, what: What<'_>, query: &Query, frame: &mut [V]) -> R<Option<V>> {
        // A pattern anchored at an unknown node (`-concerns-> n` with `n`
        // absent) cannot be matched either way: unknown, not "nothing matches".
        if super::query::anchored_at_unknown(query, frame) {
            return Ok(Some(V::Absent));
        }
        if let Some(m) = query.grouped.as_deref()
            && let Some(v) = self.read_grouped(what, m, frame)?
        {
            return Ok(Some(v));
        }
        if let Some(f) = query.family.as_deref()
            && let Some(v) = self.read_family(f, frame)?
        {
            return Ok(Some(v));
        }
        match query.kernel.as_deref() {
            Some(k @ Kernel { memo: Some(id), .. }) => {
                Ok(Some(self.kernel_remembered(k, *id, frame)?))
            }
            Some(k) => Ok(Some(self.kernel_one(k, frame)?)),
            None => Ok(None),
        }
    }

    fn quant(&mut self, q: Quant, query: &Query, body: Option<&Expr>, frame: &mut [V]) -> R<V> {
        if let Some(v) = self.without_walk(What::Quant(q, body), query, frame)? {
            return Ok(v);
        }
        let what = What::Quant(q, body);
        let mut acc = Acc::new(what);
        self.each_match(query, 0, frame, &mut |cx, frame| {
            Ok(!acc.add(
                cx,
                what,
                (query.filter.as_ref(), query.head),
                (None, None),
                None,
                frame,
            )?)
        })?;
        Ok(acc.finish(what))
    }

    /// (Its own loop rather than [`Acc`]'s, which grouped tables and families
    /// use: through `Acc` the measured rules took 0.3–3 % more instructions.
    /// The folds themselves are shared: [`keep_best`], [`fold`].)
    fn agg(&mut self, agg: Agg, value: Option<&Expr>, query: &Query, frame: &mut [V]) -> R<V> {
        if let Some(v) = self.without_walk(What::Agg(agg, value), query, frame)? {
            return Ok(v);
        }
        let mut acc: Option<V> = None;
        let mut count: i64 = 0;
        let mut best: Option<BestKey> = None;
        let (date_f, time_f) = self.date_fields(query.head_kind);
        let head = query.head;
        self.each_match(query, 0, frame, &mut |cx, frame| {
            if let Some(f) = &query.filter
                && cx.cond(f, frame)? != Some(true)
            {
                return Ok(true);
            }
            match agg {
                Agg::Count => count += 1,
                Agg::Earliest | Agg::Latest => {
                    if let Some(V::Node(n)) = frame.get(head.0 as usize) {
                        keep_best(agg, &mut best, cx.g, *n, (date_f, time_f));
                    }
                }
                Agg::Sum | Agg::Product | Agg::Min | Agg::Max => {
                    let v = match value {
                        Some(v) => cx.eval(v, frame)?,
                        None => V::Absent,
                    };
                    fold(agg, &mut acc, v);
                }
            }
            Ok(true)
        })?;
        Ok(match agg {
            Agg::Count => V::Int(count),
            Agg::Earliest | Agg::Latest => best.map_or(V::Absent, |(_, _, n)| V::Node(n)),
            Agg::Sum => acc.unwrap_or(V::Int(0)),
            Agg::Product => acc.unwrap_or(V::Int(1)),
            Agg::Min | Agg::Max => acc.unwrap_or(V::Absent),
        })
    }

    /// The value of a quantifier or an aggregate of a [`Family`]: computed
    /// with the others in one walk, or read from the last such walk when the
    /// outer variables still have the values it had. `None`: evaluate it
    /// directly (a key value not compared: a text, a decimal, a list).
    fn read_family(&mut self, f: &Family, frame: &mut [V]) -> R<Option<V>> {
        let Some(key) = key_codes(&f.key, frame) else {
            return Ok(None);
        };
        let id = f.id as usize;
        let index = f.index as usize;
        // (Element by element: the codes past the key's length are zeros.)
        if let Some(Some((k, values))) = self.families.get(id)
            && k.iter().zip(&key).take(f.key.len()).all(|(a, b)| a == b)
        {
            return Ok(values.get(index).cloned());
        }
        if let Some(k) = &f.kernel {
            let values = self.kernel_all(k, frame)?;
            let v = values.get(index).cloned();
            if let Some(slot) = self.families.get_mut(id) {
                *slot = Some((key, values));
            }
            return Ok(v);
        }
        let dates = self.date_fields(f.walk.head_kind);
        let mut accs: smallvec::SmallVec<[(Acc, bool); 4]> = f
            .members
            .iter()
            .map(|m| (Acc::new(what(m)), false))
            .collect();
        self.each_match(&f.walk, 0, frame, &mut |cx, frame| {
            let mut all = true;
            for (m, (acc, decided)) in f.members.iter().zip(accs.iter_mut()) {
                if *decided {
                    continue;
                }
                *decided = acc.add(cx, what(m), (m.filter.as_ref(), m.head), dates, None, frame)?;
                all &= *decided;
            }
            Ok(!all)
        })?;
        let values: super::kernel::Values = f
            .members
            .iter()
            .zip(accs)
            .map(|(m, (acc, _))| acc.finish(what(m)))
            .collect();
        let v = values.get(index).cloned();
        if let Some(slot) = self.families.get_mut(id) {
            *slot = Some((key, values));
        }
        Ok(v)
    }

    /// The value of a [`Grouped`] quantifier or aggregate, read from its
    /// table (built on the first use past a threshold: a table costs a pass
    /// over every node the step reaches). `None`: evaluate it directly.
    fn read_grouped(&mut self, what: What<'_>, m: &Grouped, frame: &mut [V]) -> R<Option<V>> {
        let Some(V::Node(a)) = frame.get(m.anchor.0 as usize) else {
            return Ok(None);
        };
        let a = *a;
        let value = match &m.value {
            Expr::Local(s) => frame.get(s.0 as usize).cloned().unwrap_or(V::Absent),
            e => self.eval(e, frame)?,
        };
        let V::Enum(_, x) = value else {
            // Compared with an unknown value the test fails: evaluated as written.
            return Ok(None);
        };
        let id = m.id as usize;
        if !matches!(self.grouped.get(id), Some(Some(_))) {
            // (None in another language than the review's: see `text_in`.)
            let Some(uses) = self.grouped_uses.get_mut(id) else {
                return Ok(None);
            };
            *uses += 1;
            let heads = match &m.query.steps.first() {
                Some(QStep::Expand { kind: Some(k), .. }) => self.g.nodes_of_kind(*k).len(),
                _ => return Ok(None),
            };
            // A pass over the heads costs about a tenth of a walk each.
            if (*uses as usize) * 10 < heads {
                return Ok(None);
            }
            let Some(t) = self.build_grouped(what, m, frame)? else {
                return Ok(None);
            };
            if let Some(slot) = self.grouped.get_mut(id) {
                *slot = Some(t);
            }
        }
        let Some(Some(t)) = self.grouped.get(id) else {
            return Ok(None);
        };
        let Some(open) = &t.open else {
            return Ok(Some(t.get(a, x).clone()));
        };
        // The anchor's own matches, then the nodes without such an edge.
        let (mut acc, decided) = match t.entry(a, x).and_then(|j| open.get(j)) {
            Some(entry) => entry.clone(),
            None => (Acc::new(what), false),
        };
        if !decided {
            self.add_edgeless(what, m, x, &mut acc, frame)?;
        }
        Ok(Some(acc.finish(what)))
    }

    /// Adds to `acc` the matches of an open [`Grouped`] step's "no edge"
    /// case for the field value `x`: the nodes of the kind with that value
    /// and without any edge of the step's kind, in id order, as a walk
    /// visits them after the anchor's own.
    fn add_edgeless(
        &mut self,
        what: What<'_>,
        m: &Grouped,
        x: u16,
        acc: &mut Acc,
        frame: &mut [V],
    ) -> R<()> {
        let Some(QStep::Expand {
            edge,
            kind: Some(kind),
            node_tests,
            to,
            ..
        }) = m.query.steps.first()
        else {
            return Ok(());
        };
        let dates = self.date_fields(m.query.head_kind);
        let free = self.edgeless(*kind, *edge, Some((m.field, x)));
        for &n in free.iter() {
            self.tick()?;
            if !self.node_passes(n, node_tests, frame)? {
                continue;
            }
            set(frame, *to, V::Node(n));
            let decided = acc.add(
                self,
                what,
                (m.query.filter.as_ref(), m.query.head),
                dates,
                None,
                frame,
            )?;
            if decided {
                break;
            }
        }
        set(frame, *to, V::Absent);
        Ok(())
    }

    /// The `where` test `next` that follows `for x in [...]`, when a table
    /// can tell it fails for a value of `x` before `x` is bound: a
    /// [`Grouped`] aggregate over `x` compared with an integer (`(count s:
    /// sentence(penalty = x) -imposed_on-> d) >= 2`), or a grouped
    /// quantifier.
    pub(crate) fn table_test(next: Option<&Op>, x: Slot) -> Option<TableTest<'_>> {
        let Some(Op::Cond(test, _)) = next else {
            return None;
        };
        let (query, bound) = match test {
            Expr::Compare(first, rest) => match (&**first, rest.as_slice()) {
                (Expr::Agg(_, _, q), [(op, Expr::Const(Const::Int(c)))]) => (q, Some((*op, *c))),
                _ => return None,
            },
            Expr::Quant(_, q, _) => (q, None),
            _ => return None,
        };
        // (Not an open step's table: its entries leave out the nodes
        // without an edge, which a read adds.)
        let grouped = query.grouped.as_deref().filter(|g| !g.open)?;
        matches!(grouped.value, Expr::Local(s) if s == x).then_some(TableTest { grouped, bound })
    }

    /// Whether the test passes for the value `value` of the list, read from
    /// a table already built: what the test, run as written, would give.
    /// `None` when it cannot be told without evaluating it (no table yet, an
    /// unknown anchor, a value not an integer): the test then runs.
    pub(crate) fn table_decides(
        &self,
        test: &TableTest<'_>,
        value: u16,
        frame: &[V],
    ) -> Option<bool> {
        let g = test.grouped;
        let (Some(V::Node(a)), Some(Some(t))) = (
            frame.get(g.anchor.0 as usize),
            self.grouped.get(g.id as usize),
        ) else {
            return None;
        };
        match (t.get(*a, value), test.bound) {
            (V::Int(n), Some((op, c))) => Some(holds(op, n.cmp(&c))),
            // A quantifier passes only when true.
            (v, None) => Some(*v == V::Bool(true)),
            _ => None,
        }
    }

    /// One pass over the nodes the step reaches and their edges back to
    /// the anchors: each anchor's matches come in the order a walk from it
    /// finds them (by the reached node's id, then the edge's fields).
    fn build_grouped(
        &mut self,
        what: What<'_>,
        m: &Grouped,
        frame: &mut [V],
    ) -> R<Option<GroupedTable>> {
        let Some(QStep::Expand {
            edge,
            forward,
            kind: Some(kind),
            node_tests,
            edge_tests,
            to,
            edge_slot,
            ..
        }) = m.query.steps.first()
        else {
            return Ok(None);
        };
        let g = self.g;
        let dates = self.date_fields(m.query.head_kind);
        // The nodes the enum index gives pass the test it serves: the others are run.
        let (heads, before, after) = match super::query::enum_index_at(node_tests) {
            Some((i, f, v)) => (
                g.nodes_with_enum(*kind, f, v),
                node_tests.get(..i).unwrap_or_default(),
                node_tests.get(i + 1..).unwrap_or_default(),
            ),
            None => (g.nodes_of_kind(*kind), node_tests.as_slice(), &[][..]),
        };
        // `row_of[anchor]`: 1 + the anchor's last entry; each entry links to
        // the anchor's previous one (another group).
        let mut row_of = vec![0u32; g.node_count()];
        let mut entries: Vec<(u16, u32, Acc, bool)> = Vec::with_capacity(heads.len());
        for &h in heads {
            self.tick()?;
            if !self.node_passes(h, before, frame)? || !self.node_passes(h, after, frame)? {
                continue;
            }
            let Some(Value::Enum(x)) = g.field(h, m.field) else {
                // Without the field the test fails, whatever it is compared with.
                continue;
            };
            let x = *x;
            // The step follows edges leaving the anchor (`forward`) to `h`: `h`'s incoming ones.
            let edges = if *forward {
                g.in_edges(h, *edge)
            } else {
                g.out_edges(h, *edge)
            };
            for &e in edges {
                self.tick()?;
                if !self.edge_passes(e, edge_tests, frame)? {
                    continue;
                }
                let a = if *forward {
                    g.edge_source(e)
                } else {
                    g.edge_target(e)
                };
                let Some(last) = row_of.get_mut(a.index()) else {
                    continue;
                };
                let mut i = find_entry(*last, x, |j| entries.get(j).map(|(y, p, ..)| (*y, *p)));
                if i == 0 {
                    entries.push((x, *last, Acc::new(what), false));
                    i = entries.len() as u32;
                    *last = i;
                }
                if let Some((_, _, acc, decided)) = entries.get_mut(i as usize - 1)
                    && !*decided
                {
                    set(frame, *to, V::Node(h));
                    if let Some(es) = edge_slot {
                        set(frame, *es, V::Edge(e));
                    }
                    *decided = acc.add(
                        self,
                        what,
                        (m.query.filter.as_ref(), m.query.head),
                        dates,
                        None,
                        frame,
                    )?;
                }
            }
        }
        set(frame, *to, V::Absent);
        if let Some(es) = edge_slot {
            set(frame, *es, V::Absent);
        }
        // An open step's entries stay open: a read adds the nodes without an edge.
        let open = m.open.then(|| {
            entries
                .iter()
                .map(|(_, _, acc, d)| (acc.clone(), *d))
                .collect()
        });
        Ok(Some(GroupedTable {
            row_of,
            entries: entries
                .into_iter()
                .map(|(x, prev, acc, _)| (x, prev, acc.finish(what)))
                .collect(),
            none: Acc::new(what).finish(what),
            open,
        }))
    }
}

/// A `where` test a grouped table can decide before the loop's variable
/// is bound: [`Ctx::table_test`].
pub(crate) struct TableTest<'e> {
    grouped: &'e Grouped,
    /// The comparison with an integer; `None` for a quantifier.
    bound: Option<(crate::syntax::ast::CmpOp, i64)>,
}

/// The values of a [`Grouped`] quantifier or aggregate, by anchor and value
/// of the grouped field.
pub(crate) struct GroupedTable {
    /// By node index: 1 + the anchor's last entry, 0 for none.
    row_of: Vec<u32>,
    /// (value of the field, 1 + the anchor's previous entry or 0, value).
    entries: Vec<(u16, u32, V)>,
    /// The value for an anchor and a field value without a match (for an
    /// open step: without a match of its own).
    none: V,
    /// For an open step ([`Grouped::open`]): each entry's accumulator, not
    /// finished, and whether its value is decided.
    open: Option<Vec<(Acc, bool)>>,
}

impl GroupedTable {
    /// The value for the anchor and the field value `x`. Not for an open
    /// step's table, whose values are its entries' accumulators and the
    /// nodes without an edge together ([`Ctx::read_grouped`]).
    fn get(&self, anchor: crate::graph::NodeIx, x: u16) -> &V {
        self.entry(anchor, x)
            .and_then(|j| self.entries.get(j))
            .map_or(&self.none, |(_, _, v)| v)
    }

    /// The index of the anchor's entry for `x`, if it has one.
    fn entry(&self, anchor: crate::graph::NodeIx, x: u16) -> Option<usize> {
        let last = self.row_of.get(anchor.index()).copied().unwrap_or(0);
        let at = find_entry(last, x, |j| self.entries.get(j).map(|(y, p, _)| (*y, *p)));
        at.checked_sub(1).map(|j| j as usize)
    }
}

/// Follows an anchor's entries from `last` (1 + index, 0 for none) back to
/// the one of field value `x`: 1 + its index, or 0. `at(j)`: entry j's field
/// value and link.
fn find_entry(last: u32, x: u16, at: impl Fn(usize) -> Option<(u16, u32)>) -> u32 {
    let mut i = last;
    while let Some((y, prev)) = i.checked_sub(1).and_then(|j| at(j as usize)) {
        if y == x {
            return i;
        }
        i = prev;
    }
    0
}

/// What a [`Member`] computes, with its body or value.
pub(super) fn what(m: &Member) -> What<'_> {
    match m.of {
        MemberOf::Quant(q) => What::Quant(q, m.expr.as_ref()),
        MemberOf::Agg(a) => What::Agg(a, m.expr.as_ref()),
    }
}

/// A quantifier or an aggregate, with its body or value.
#[derive(Clone, Copy)]
pub(super) enum What<'e> {
    Quant(Quant, Option<&'e Expr>),
    Agg(Agg, Option<&'e Expr>),
}

/// The values of a [`Family`]'s key, as the review compares them.
pub(crate) type KeyCodes = [u128; Family::MAX_KEY];

/// The key's values, each one a number; `None` for a value not worth
/// comparing (a text, a decimal, a list), or a key too long.
fn key_codes(key: &[Slot], frame: &[V]) -> Option<KeyCodes> {
    let mut out = [0u128; Family::MAX_KEY];
    if key.len() > Family::MAX_KEY {
        return None;
    }
    for (o, s) in out.iter_mut().zip(key) {
        *o = code(frame.get(s.0 as usize)?)?;
    }
    Some(out)
}

/// A value as a number, distinct for distinct values of the kinds it
/// covers (absent, node, edge, enum value, integer, boolean, date); `None`
/// for the others (a text, a decimal, a list …).
fn code(v: &V) -> Option<u128> {
    let tagged = |tag: u128, x: u64| tag << 64 | u128::from(x);
    Some(match v {
        V::Absent => 0,
        V::Node(n) => tagged(1, u64::from(n.0)),
        V::Edge(e) => tagged(2, u64::from(e.0)),
        V::Enum(e, x) => tagged(3, u64::from(e.0) << 16 | u64::from(*x)),
        V::Int(i) => tagged(4, *i as u64),
        V::Bool(b) => tagged(5, u64::from(*b)),
        V::Date(d) => tagged(
            6,
            (i64::from(d.year()) as u64) << 16 | (d.month() as u64) << 8 | d.day() as u64,
        ),
        _ => return None,
    })
}

/// What a quantifier or an aggregate has gathered from the matches so far.
#[derive(Clone)]
pub(super) enum Acc {
    /// Exists, no, every: a (counter)example found, an unknown one seen.
    Quant {
        found: bool,
        unknown: bool,
    },
    Count(i64),
    /// Sum, product, min, max.
    Fold(Option<V>),
    /// Earliest, latest: (date, time, node) of the best so far.
    Best(Option<BestKey>),
}

impl Acc {
    pub(super) fn new(what: What<'_>) -> Acc {
        match what {
            What::Quant(..) => Acc::Quant {
                found: false,
                unknown: false,
            },
            What::Agg(Agg::Count, _) => Acc::Count(0),
            What::Agg(Agg::Earliest | Agg::Latest, _) => Acc::Best(None),
            What::Agg(..) => Acc::Fold(None),
        }
    }

    /// Adds the match bound in `frame`; `true` when the value is decided
    /// (an example found: no later match changes it).
    #[inline(always)]
    pub(super) fn add(
        &mut self,
        cx: &mut Ctx<'_>,
        what: What<'_>,
        (filter, head): (Option<&Expr>, Slot),
        (date_f, time_f): (Option<crate::graph::FieldId>, Option<crate::graph::FieldId>),
        fast: Option<(&Fast, crate::graph::NodeIx)>,
        frame: &mut [V],
    ) -> R<bool> {
        match (self, what) {
            // Kleene: exists is true on a true filter, false when every filter is false.
            (Acc::Quant { found, unknown }, What::Quant(q, body)) => {
                let f = match filter {
                    Some(f) => cx.member_filter(f, fast, frame)?,
                    None => Some(true),
                };
                match q {
                    Quant::Exists | Quant::No => match f {
                        Some(true) => {
                            *found = true;
                            return Ok(true);
                        }
                        Some(false) => {}
                        None => *unknown = true,
                    },
                    Quant::Every => {
                        if f != Some(true) {
                            return Ok(false);
                        }
                        let b = match body {
                            Some(b) => cx.cond(b, frame)?,
                            None => Some(true),
                        };
                        match b {
                            Some(false) => {
                                *found = true;
                                return Ok(true);
                            }
                            Some(true) => {}
                            None => *unknown = true,
                        }
                    }
                }
                Ok(false)
            }
            (acc, What::Agg(agg, value)) => {
                if let Some(f) = filter
                    && cx.member_filter(f, fast, frame)? != Some(true)
                {
                    return Ok(false);
                }
                match acc {
                    Acc::Count(n) => *n += 1,
                    Acc::Best(best) => {
                        if let Some(V::Node(n)) = frame.get(head.0 as usize) {
                            keep_best(agg, best, cx.g, *n, (date_f, time_f));
                        }
                    }
                    Acc::Fold(acc) => {
                        let v = match (value, fast) {
                            (
                                Some(_),
                                Some((
                                    Fast {
                                        value: FastValue::Field(f, ty),
                                        ..
                                    },
                                    n,
                                )),
                            ) => {
                                cx.g.field(n, *f)
                                    .map_or(V::Absent, |v| V::from_stored(v, ty))
                            }
                            (Some(v), _) => cx.eval(v, frame)?,
                            (None, _) => V::Absent,
                        };
                        fold(agg, acc, v);
                    }
                    Acc::Quant { .. } => {}
                }
                Ok(false)
            }
            (Acc::Count(_) | Acc::Fold(_) | Acc::Best(_), What::Quant(..)) => Ok(false),
        }
    }

    pub(super) fn finish(self, what: What<'_>) -> V {
        match (self, what) {
            (Acc::Quant { found, unknown }, What::Quant(q, _)) => {
                let exists = if found {
                    V::Bool(true)
                } else if unknown {
                    V::Absent
                } else {
                    V::Bool(false)
                };
                match q {
                    Quant::Exists => exists,
                    // `found` for `every` means a counterexample was found.
                    Quant::No | Quant::Every => kleene_not(exists),
                }
            }
            (Acc::Count(n), _) => V::Int(n),
            (Acc::Best(b), _) => b.map_or(V::Absent, |(_, _, n)| V::Node(n)),
            (Acc::Fold(acc), What::Agg(Agg::Sum, _)) => acc.unwrap_or(V::Int(0)),
            (Acc::Fold(acc), What::Agg(Agg::Product, _)) => acc.unwrap_or(V::Int(1)),
            (Acc::Fold(acc), _) => acc.unwrap_or(V::Absent),
            (Acc::Quant { .. }, What::Agg(..)) => V::Absent,
        }
    }
}

/// The key `earliest` and `latest` compare: date, time, node.
type BestKey = (
    jiff::civil::Date,
    Option<jiff::civil::Time>,
    crate::graph::NodeIx,
);

/// `earliest`/`latest`: keeps `n` if it is dated and better than `best`.
#[inline]
fn keep_best(
    agg: Agg,
    best: &mut Option<BestKey>,
    g: &crate::graph::CaseGraph,
    n: crate::graph::NodeIx,
    (date_f, time_f): (Option<crate::graph::FieldId>, Option<crate::graph::FieldId>),
) {
    let date = date_f.and_then(|f| g.field(n, f)).and_then(|v| v.as_date());
    let time = time_f.and_then(|f| g.field(n, f)).and_then(|v| v.as_time());
    let Some(d) = date else {
        return;
    };
    let key = (d, time, n);
    let better = match best {
        None => true,
        Some(b) => {
            let o = cmp_key(&key, b);
            if agg == Agg::Earliest {
                o.is_lt()
            } else {
                o.is_gt()
            }
        }
    };
    if better {
        *best = Some(key);
    }
}

/// `sum`, `product`, `min`, `max`: combines a present value into `acc`.
#[inline]
pub(super) fn fold(agg: Agg, acc: &mut Option<V>, v: V) {
    // Whole numbers, the commonest values (terms in months, amounts in
    // yuan): without the general arithmetic, as the arms below would.
    if let (Some(V::Int(a)), V::Int(b)) = (acc.as_mut(), &v) {
        match agg {
            Agg::Sum => {
                *acc = Some(a.checked_add(*b).map_or(V::Absent, V::Int));
                return;
            }
            Agg::Max => {
                *a = (*a).max(*b);
                return;
            }
            Agg::Min => {
                *a = (*a).min(*b);
                return;
            }
            _ => {}
        }
    }
    if !v.is_present() {
        return;
    }
    *acc = Some(match (acc.take(), agg) {
        (None, _) => v,
        (Some(a), Agg::Sum) => arith(Arith::Add, &a, &v),
        (Some(a), Agg::Product) => arith(Arith::Mul, &a, &v),
        (Some(a), _) => {
            let o = order(&v, &a);
            let take = match (o, agg) {
                (Some(o), Agg::Min) => o.is_lt(),
                (Some(o), _) => o.is_gt(),
                (None, _) => false,
            };
            if take { v } else { a }
        }
    });
}

/// Date, then time (a known time before an unknown one), then node id.
fn cmp_key(a: &BestKey, b: &BestKey) -> std::cmp::Ordering {
    a.0.cmp(&b.0)
        .then_with(|| match (a.1, b.1) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        })
        // Node indices follow sorted ids.
        .then_with(|| a.2.cmp(&b.2))
}

/// What [`Ctx::scalar`] read.
enum Read<'a> {
    Scalar(Scalar<'a>),
    Absent,
    Other,
}

/// A scalar read in place by [`Ctx::scalar`].
#[derive(Clone, Copy)]
enum Scalar<'a> {
    Int(i64),
    Date(jiff::civil::Date),
    Dec(&'a Decimal),
}

impl Scalar<'_> {
    /// The order of two scalars of one type (`None`: compare them as values,
    /// which also orders an integer against a decimal).
    #[inline]
    fn order(self, other: Scalar<'_>) -> Option<std::cmp::Ordering> {
        Some(match (self, other) {
            (Scalar::Int(x), Scalar::Int(y)) => x.cmp(&y),
            (Scalar::Date(x), Scalar::Date(y)) => x.cmp(&y),
            (Scalar::Dec(x), Scalar::Dec(y)) => x.cmp(y),
            _ => return None,
        })
    }
}

fn holds(op: crate::syntax::ast::CmpOp, o: std::cmp::Ordering) -> bool {
    use crate::syntax::ast::CmpOp;
    use std::cmp::Ordering::*;
    match op {
        CmpOp::Eq => o == Equal,
        CmpOp::Ne => o != Equal,
        CmpOp::Lt => o == Less,
        CmpOp::Le => o != Greater,
        CmpOp::Gt => o == Greater,
        CmpOp::Ge => o != Less,
    }
}

/// A lookup argument's part of a [`TableIndex`] key: `None` for a value
/// that no key of an index equals, or that must be compared as written (a
/// decimal against an integer key).
fn key_part(v: &V) -> Option<KeyPart> {
    match v {
        V::Enum(_, x) => Some(KeyPart::enum_value(*x)),
        V::Int(i) => Some(KeyPart::int(*i)),
        V::Text(s) => Some(KeyPart::Text(s.clone())),
        _ => None,
    }
}

/// `v.f is …` on the stored field (`None`: absent).
pub(super) fn stored_is(stored: Option<&Value>, test: &Test) -> bool {
    match test {
        Test::Absent => stored.is_none(),
        Test::Present => stored.is_some(),
        Test::True => matches!(stored, Some(Value::Bool(true))),
        Test::False => matches!(stored, Some(Value::Bool(false))),
        Test::Equals(c) => {
            matches!((stored, c), (Some(Value::Enum(a)), Const::Enum(_, b)) if a == b)
        }
    }
}

/// `v.f in [c1, c2, …]` on the present stored field `a`: `None` when an
/// item is not a constant (`None`) or not comparable with it, unless an
/// earlier one is equal.
pub(super) fn stored_in<'a>(
    a: &Value,
    items: impl Iterator<Item = Option<&'a Const>>,
) -> Option<bool> {
    for c in items {
        if stored_equals_const(a, c?)? {
            return Some(true);
        }
    }
    Some(false)
}

/// `v is …` (never unknown).
fn is(v: &V, test: &Test) -> bool {
    match test {
        Test::Absent => !v.is_present(),
        Test::Present => v.is_present(),
        Test::True => *v == V::Bool(true),
        Test::False => *v == V::Bool(false),
        Test::Equals(c) => matches!((v, c), (V::Enum(_, a), Const::Enum(_, b)) if a == b),
    }
}

/// `x in list` under three-valued logic.
fn member(x: &V, list: &V) -> V {
    let V::List(items) = list else {
        return V::Absent;
    };
    if !x.is_present() {
        return V::Absent;
    }
    // `x in [a, b]` is `x = a or x = b`: unknown when no element is equal
    // and some element is unknown (an absent field in a list literal).
    let mut out = V::Bool(false);
    for i in items.iter() {
        match equal(x, i) {
            Some(true) => return V::Bool(true),
            Some(false) => {}
            None => out = V::Absent,
        }
    }
    out
}

/// Arithmetic; overflow and division by zero give unknown.
pub(crate) fn arith(op: Arith, a: &V, b: &V) -> V {
    let dec = |v: &V| match v {
        V::Int(i) => Some(Decimal::from(*i)),
        V::Dec(d) => Some(*d),
        _ => None,
    };
    match (a, b) {
        (V::Int(x), V::Int(y)) => match op {
            Arith::Add => x.checked_add(*y).map_or(V::Absent, V::Int),
            Arith::Sub => x.checked_sub(*y).map_or(V::Absent, V::Int),
            Arith::Mul => x.checked_mul(*y).map_or(V::Absent, V::Int),
            Arith::Div => Decimal::from(*x)
                .checked_div(Decimal::from(*y))
                .map_or(V::Absent, V::Dec),
        },
        (V::Date(d), V::Dur(u, n)) => {
            let n = if op == Arith::Sub {
                n.checked_neg()
            } else {
                Some(*n)
            };
            match (op, n) {
                (Arith::Add | Arith::Sub, Some(n)) => {
                    add_to_date(*d, *u, n).map_or(V::Absent, V::Date)
                }
                _ => V::Absent,
            }
        }
        (V::DateTime(d), V::Dur(u, n)) => {
            let n = if op == Arith::Sub {
                n.checked_neg()
            } else {
                Some(*n)
            };
            match (op, n) {
                (Arith::Add | Arith::Sub, Some(n)) => {
                    add_to_datetime(*d, *u, n).map_or(V::Absent, V::DateTime)
                }
                _ => V::Absent,
            }
        }
        _ => match (dec(a), dec(b)) {
            (Some(x), Some(y)) => {
                let r = match op {
                    Arith::Add => x.checked_add(y),
                    Arith::Sub => x.checked_sub(y),
                    Arith::Mul => x.checked_mul(y),
                    Arith::Div => x.checked_div(y),
                };
                r.map_or(V::Absent, V::Dec)
            }
            _ => V::Absent,
        },
    }
}

#[allow(dead_code)]
fn unit_name(u: Unit) -> &'static str {
    match u {
        Unit::Hours => "hours",
        Unit::Days => "days",
        Unit::Months => "months",
        Unit::Years => "years",
    }
}

/// The arguments of a memoised call: on the stack for up to two.
pub(crate) type MemoArgs = smallvec::SmallVec<[MemoKey; 2]>;

/// A definition argument that can key the per-case memo.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum MemoKey {
    Absent,
    Bool(bool),
    Int(i64),
    Dec(Decimal),
    Text(Arc<str>),
    Date(jiff::civil::Date),
    Time(jiff::civil::Time),
    DateTime(jiff::civil::DateTime),
    Enum(u16, u16),
    Node(u32),
    Edge(u32),
}

impl MemoKey {
    fn of(v: &V) -> Option<MemoKey> {
        Some(match v {
            V::Absent => MemoKey::Absent,
            V::Bool(b) => MemoKey::Bool(*b),
            V::Int(i) => MemoKey::Int(*i),
            V::Dec(d) => MemoKey::Dec(d.normalize()),
            V::Text(t) => MemoKey::Text(t.clone()),
            V::Date(d) => MemoKey::Date(*d),
            V::Time(t) => MemoKey::Time(*t),
            V::DateTime(d) => MemoKey::DateTime(*d),
            V::Enum(e, x) => MemoKey::Enum(e.0, *x),
            V::Node(n) => MemoKey::Node(n.0),
            V::Edge(e) => MemoKey::Edge(e.0),
            V::Dur(..) | V::List(_) | V::Row(..) => return None,
        })
    }
}

/// `round(x, places)`: halves away from zero (2.25 → 2.3, −2.25 → −2.3).
pub(crate) fn round(d: Decimal, places: u32) -> Decimal {
    d.round_dp_with_strategy(
        places.min(28),
        rust_decimal::RoundingStrategy::MidpointAwayFromZero,
    )
}

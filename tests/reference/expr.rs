//! Expressions under the doc's three-valued logic, written from `docs/language.md` §5–6.

use super::{Reference, Val};
use caselint::check::ir::{Arith, Builtin, Const, DefId, Expr, Piece, Query, Test, Texts, Ty};
use caselint::graph::Value;
use caselint::syntax::ast::{Agg, CmpOp, Quant, Unit};
use jiff::civil::{Date, Weekday};
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::sync::Arc;

fn not3(v: Val) -> Val {
    match v {
        Val::Bool(b) => Val::Bool(!b),
        _ => Val::Absent,
    }
}

fn dec(v: &Val) -> Option<Decimal> {
    match v {
        Val::Int(i) => Some(Decimal::from(*i)),
        Val::Dec(d) => Some(*d),
        _ => None,
    }
}

fn days_in_month(y: i16, m: i8) -> i8 {
    Date::new(y, m, 1).map(|d| d.days_in_month()).unwrap_or(28)
}

/// Calendar arithmetic by hand: months move the month and clamp the day to the month's end.
pub fn add_months(d: Date, n: i64) -> Option<Date> {
    let total = i64::from(d.year()) * 12 + i64::from(d.month() - 1) + n;
    let y = i16::try_from(total.div_euclid(12)).ok()?;
    let m = i8::try_from(total.rem_euclid(12) + 1).ok()?;
    let day = d.day().min(days_in_month(y, m));
    Date::new(y, m, day).ok()
}

pub fn add_days(d: Date, n: i64) -> Option<Date> {
    let n = i32::try_from(n).ok()?;
    d.checked_add(jiff::Span::new().try_days(n).ok()?).ok()
}

fn add_date(d: Date, u: Unit, n: i64) -> Option<Date> {
    match u {
        Unit::Days => add_days(d, n),
        Unit::Months => add_months(d, n),
        Unit::Years => add_months(d, n.checked_mul(12)?),
        Unit::Hours => None,
    }
}

fn add_datetime(dt: jiff::civil::DateTime, u: Unit, n: i64) -> Option<jiff::civil::DateTime> {
    match u {
        Unit::Hours => dt.checked_add(jiff::Span::new().try_hours(n).ok()?).ok(),
        _ => Some(add_date(dt.date(), u, n)?.to_datetime(dt.time())),
    }
}

/// Whole years completed; someone born on 29 February completes a year on 1 March.
fn years_between(birth: Date, day: Date) -> i64 {
    let mut y = i64::from(day.year()) - i64::from(birth.year());
    let (bm, bd) = (birth.month(), birth.day());
    // The birthday in `day`'s year (29 February becomes 1 March in common years).
    let birthday_passed = if bm == 2 && bd == 29 && !day.in_leap_year() {
        (day.month(), day.day()) >= (3, 1)
    } else {
        (day.month(), day.day()) >= (bm, bd)
    };
    if !birthday_passed {
        y -= 1;
    }
    y
}

impl Reference<'_> {
    /// A stored field value, read as the IR's type says.
    pub fn stored(&self, v: &Value, ty: &Ty) -> Val {
        match (v, ty) {
            (Value::Text(t), _) => Val::Text(t.clone()),
            (Value::Int(i), Ty::Decimal) => Val::Dec(Decimal::from(*i)),
            (Value::Int(i), _) => Val::Int(*i),
            (Value::Decimal(d), _) => Val::Dec(*d),
            (Value::Bool(b), _) => Val::Bool(*b),
            (Value::Date(d), _) => Val::Date(*d),
            (Value::Time(t), _) => Val::Time(*t),
            (Value::Enum(x), Ty::Enum(e)) => Val::Enum(*e, *x),
            (Value::Enum(x), _) => Val::Enum(caselint::graph::EnumId(u16::MAX), *x),
            (Value::List(items), Ty::List(inner)) => {
                Val::List(items.iter().map(|x| self.stored(x, inner)).collect())
            }
            (Value::List(items), _) => {
                Val::List(items.iter().map(|x| self.stored(x, &Ty::Any)).collect())
            }
        }
    }

    fn konst(&self, c: &Const) -> Val {
        match c {
            Const::Bool(b) => Val::Bool(*b),
            Const::Int(i) => Val::Int(*i),
            Const::Decimal(d) => Val::Dec(*d),
            Const::Text(t) => Val::Text(t.clone()),
            Const::Date(d) => Val::Date(*d),
            Const::Time(t) => Val::Time(*t),
            Const::Enum(e, v) => Val::Enum(*e, *v),
        }
    }

    /// Order of two known values of one type; nodes by id.
    pub fn order(&self, a: &Val, b: &Val) -> Option<Ordering> {
        Some(match (a, b) {
            (Val::Int(x), Val::Int(y)) => x.cmp(y),
            (Val::Int(_) | Val::Dec(_), Val::Int(_) | Val::Dec(_)) => dec(a)?.cmp(&dec(b)?),
            (Val::Text(x), Val::Text(y)) => x.cmp(y),
            (Val::Date(x), Val::Date(y)) => x.cmp(y),
            (Val::Time(x), Val::Time(y)) => x.cmp(y),
            (Val::DateTime(x), Val::DateTime(y)) => x.cmp(y),
            (Val::Bool(x), Val::Bool(y)) => x.cmp(y),
            (Val::Enum(_, x), Val::Enum(_, y)) => x.cmp(y),
            (Val::Node(x), Val::Node(y)) => self.g.node_id(*x).cmp(self.g.node_id(*y)),
            (Val::Edge(x), Val::Edge(y)) => x.cmp(y),
            _ => return None,
        })
    }

    /// Equality under three-valued logic (`None`: unknown).
    pub fn equal(&self, a: &Val, b: &Val) -> Option<bool> {
        match (a, b) {
            (Val::Absent, _) | (_, Val::Absent) => None,
            (Val::List(x), Val::List(y)) => {
                if x.len() != y.len() {
                    return Some(false);
                }
                let mut all = Some(true);
                for (p, q) in x.iter().zip(y) {
                    match self.equal(p, q) {
                        Some(false) => return Some(false),
                        None => all = None,
                        Some(true) => {}
                    }
                }
                all
            }
            _ => self.order(a, b).map(|o| o == Ordering::Equal),
        }
    }

    pub fn cmp(&self, op: CmpOp, a: &Val, b: &Val) -> Val {
        let r = match op {
            CmpOp::Eq => self.equal(a, b),
            CmpOp::Ne => self.equal(a, b).map(|x| !x),
            CmpOp::Lt => self.order(a, b).map(|o| o.is_lt()),
            CmpOp::Le => self.order(a, b).map(|o| o.is_le()),
            CmpOp::Gt => self.order(a, b).map(|o| o.is_gt()),
            CmpOp::Ge => self.order(a, b).map(|o| o.is_ge()),
        };
        r.map_or(Val::Absent, Val::Bool)
    }

    /// `x in list`: the disjunction `x = l1 or x = l2 or …` (unknown when
    /// no element is equal and some comparison is unknown).
    pub fn member(&self, x: &Val, list: &Val) -> Val {
        let Val::List(items) = list else {
            return Val::Absent;
        };
        let mut out = Val::Bool(false);
        for i in items {
            match self.equal(x, i) {
                Some(true) => return Val::Bool(true),
                Some(false) => {}
                None => out = Val::Absent,
            }
        }
        out
    }

    fn arith(&self, op: Arith, a: &Val, b: &Val) -> Val {
        match (a, b) {
            (Val::Int(x), Val::Int(y)) => match op {
                Arith::Add => x.checked_add(*y).map_or(Val::Absent, Val::Int),
                Arith::Sub => x.checked_sub(*y).map_or(Val::Absent, Val::Int),
                Arith::Mul => x.checked_mul(*y).map_or(Val::Absent, Val::Int),
                Arith::Div => Decimal::from(*x)
                    .checked_div(Decimal::from(*y))
                    .map_or(Val::Absent, Val::Dec),
            },
            (Val::Date(d), Val::Dur(u, n)) => {
                let n = if op == Arith::Sub {
                    n.checked_neg()
                } else {
                    Some(*n)
                };
                match (op, n) {
                    (Arith::Add | Arith::Sub, Some(n)) => {
                        add_date(*d, *u, n).map_or(Val::Absent, Val::Date)
                    }
                    _ => Val::Absent,
                }
            }
            (Val::DateTime(d), Val::Dur(u, n)) => {
                let n = if op == Arith::Sub {
                    n.checked_neg()
                } else {
                    Some(*n)
                };
                match (op, n) {
                    (Arith::Add | Arith::Sub, Some(n)) => {
                        add_datetime(*d, *u, n).map_or(Val::Absent, Val::DateTime)
                    }
                    _ => Val::Absent,
                }
            }
            _ => match (dec(a), dec(b)) {
                (Some(x), Some(y)) => match op {
                    Arith::Add => x.checked_add(y),
                    Arith::Sub => x.checked_sub(y),
                    Arith::Mul => x.checked_mul(y),
                    Arith::Div => x.checked_div(y),
                }
                .map_or(Val::Absent, Val::Dec),
                _ => Val::Absent,
            },
        }
    }

    fn working(&self, d: Date) -> bool {
        let cal = &self.prog.calendar;
        if cal.workdays.contains(&d) {
            true
        } else if cal.holidays.contains(&d) {
            false
        } else {
            !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
        }
    }

    fn next_working(&self, d: Date) -> Option<Date> {
        let mut x = add_days(d, 1)?;
        for _ in 0..400 {
            if self.working(x) {
                return Some(x);
            }
            x = add_days(x, 1)?;
        }
        None
    }

    fn label(&self, e: caselint::graph::EnumId, v: u16) -> String {
        self.prog
            .labels
            .enum_values
            .get(&(e, v))
            .and_then(|m| m.get(&self.lang))
            .cloned()
            .or_else(|| self.prog.schema.enum_value_name(e, v).map(str::to_string))
            .unwrap_or_else(|| v.to_string())
    }

    /// A value in a message.
    pub fn render(&self, v: &Val) -> String {
        match v {
            Val::Absent => "?".into(),
            Val::Enum(e, x) => self.label(*e, *x),
            Val::List(items) => items
                .iter()
                .map(|x| self.render(x))
                .collect::<Vec<_>>()
                .join(", "),
            other => self.render_plain(other),
        }
    }

    /// A value as text, enum values by name index (for due dates).
    pub fn render_plain(&self, v: &Val) -> String {
        match v {
            Val::Absent => "?".into(),
            Val::Bool(b) => b.to_string(),
            Val::Int(i) => i.to_string(),
            Val::Dec(d) => d.normalize().to_string(),
            Val::Text(t) => t.to_string(),
            Val::Date(d) => d.to_string(),
            Val::Time(t) => t.strftime("%H:%M").to_string(),
            Val::DateTime(dt) => dt.strftime("%Y-%m-%d %H:%M").to_string(),
            Val::Dur(u, n) => format!(
                "{n} {}",
                match u {
                    Unit::Hours => "hours",
                    Unit::Days => "days",
                    Unit::Months => "months",
                    Unit::Years => "years",
                }
            ),
            Val::Enum(_, x) => x.to_string(),
            Val::List(items) => items
                .iter()
                .map(|x| self.render_plain(x))
                .collect::<Vec<_>>()
                .join(", "),
            Val::Node(n) => self.g.node_id(*n).to_string(),
            Val::Edge(e) => format!(
                "{}→{}",
                self.g.node_id(self.g.edge_source(*e)),
                self.g.node_id(self.g.edge_target(*e))
            ),
            Val::Row(..) => "row".into(),
        }
    }

    fn pieces(&self, pieces: &[Piece], frame: &mut [Val]) -> String {
        let mut s = String::new();
        for p in pieces {
            match p {
                Piece::Lit(t) => s.push_str(t),
                Piece::Hole(e) => {
                    let v = self.eval(e, frame);
                    s.push_str(&self.render(&v));
                }
            }
        }
        s
    }

    /// A rule's text in the review's language.
    pub fn text(&self, t: &Texts, frame: &mut [Val]) -> String {
        let p = t
            .by_lang
            .get(&self.lang)
            .or_else(|| t.by_lang.get(&self.prog.default_lang))
            .or_else(|| t.by_lang.values().next());
        p.map_or(String::new(), |p| self.pieces(p, frame))
    }

    fn call(&self, id: DefId, args: &[Expr], frame: &mut [Val]) -> Val {
        let Some(def) = self.prog.defs.get(id.0 as usize) else {
            return Val::Absent;
        };
        let mut inner = vec![Val::Absent; def.nslots as usize];
        for (slot, a) in inner.iter_mut().zip(args) {
            *slot = self.eval(a, frame);
        }
        self.eval(&def.body, &mut inner)
    }

    fn lookup(&self, t: u32, args: &[Val]) -> Val {
        let Some(table) = self.prog.tables.get(t as usize) else {
            return Val::Absent;
        };
        let on = if table.dated {
            match args.get(table.keys.len()) {
                Some(Val::Date(d)) => Some(*d),
                _ => None,
            }
        } else {
            None
        };
        let in_force = |from: Option<Date>, until: Option<Date>| {
            (from.is_none() && until.is_none())
                || on.is_some_and(|d| from.is_none_or(|f| f <= d) && until.is_none_or(|u| d <= u))
        };
        for (i, row) in table.rows.iter().enumerate() {
            if let Some(keys) = &row.keys
                && keys
                    .iter()
                    .zip(args)
                    .all(|(k, a)| self.equal(&self.konst(k), a) == Some(true))
                && in_force(row.from, row.until)
            {
                return Val::Row(t, i as u32);
            }
        }
        for (i, row) in table.rows.iter().enumerate() {
            if row.keys.is_none() && in_force(row.from, row.until) {
                return Val::Row(t, i as u32);
            }
        }
        Val::Absent
    }

    fn builtin(&self, b: Builtin, args: &[Val]) -> Val {
        let a = args.first().cloned().unwrap_or(Val::Absent);
        let c = args.get(1).cloned().unwrap_or(Val::Absent);
        match (b, &a, &c) {
            (Builtin::YearsBetween, Val::Date(x), Val::Date(y)) => Val::Int(years_between(*x, *y)),
            (Builtin::DaysBetween, Val::Date(x), Val::Date(y)) => {
                Val::Int(i64::from((*y - *x).get_days()))
            }
            (Builtin::DateTime, Val::Date(d), Val::Time(t)) => Val::DateTime(d.to_datetime(*t)),
            (Builtin::DateOf, Val::DateTime(dt), _) => Val::Date(dt.date()),
            (Builtin::IsWorkingDay, Val::Date(d), _) => Val::Bool(self.working(*d)),
            (Builtin::NextWorkingDay, Val::Date(d), _) => {
                self.next_working(*d).map_or(Val::Absent, Val::Date)
            }
            (Builtin::WorkingDeadline, Val::Date(d), _) => {
                if self.working(*d) {
                    Val::Date(*d)
                } else {
                    self.next_working(*d).map_or(Val::Absent, Val::Date)
                }
            }
            (Builtin::Min | Builtin::Max, x, y) => match self.order(x, y) {
                None => Val::Absent,
                Some(o) => {
                    let pick_x = if b == Builtin::Min {
                        o.is_le()
                    } else {
                        o.is_ge()
                    };
                    let v = if pick_x { x.clone() } else { y.clone() };
                    // An int meeting a decimal is a decimal.
                    match (&v, x, y) {
                        (Val::Int(i), Val::Dec(_), _) | (Val::Int(i), _, Val::Dec(_)) => {
                            Val::Dec(Decimal::from(*i))
                        }
                        _ => v,
                    }
                }
            },
            (Builtin::Abs, Val::Int(i), _) => i.checked_abs().map_or(Val::Absent, Val::Int),
            (Builtin::Abs, Val::Dec(d), _) => Val::Dec(d.abs()),
            (Builtin::Round, x, Val::Int(places)) => {
                let strategy = rust_decimal::RoundingStrategy::MidpointAwayFromZero;
                match (x, u32::try_from(*places)) {
                    (Val::Dec(d), Ok(p)) => Val::Dec(d.round_dp_with_strategy(p.min(28), strategy)),
                    (Val::Int(i), Ok(p)) => {
                        Val::Dec(Decimal::from(*i).round_dp_with_strategy(p.min(28), strategy))
                    }
                    _ => Val::Absent,
                }
            }
            (Builtin::Len, Val::List(l), _) => Val::Int(l.len() as i64),
            (Builtin::Label, Val::Enum(e, v), _) => {
                Val::Text(Arc::from(self.label(*e, *v).as_str()))
            }
            (Builtin::Id, Val::Node(n), _) => Val::Text(Arc::from(self.g.node_id(*n))),
            (Builtin::Trim, Val::Text(t), _) => Val::Text(Arc::from(t.trim())),
            (Builtin::Lang, _, _) => Val::Text(Arc::from(self.lang.as_str())),
            _ => Val::Absent,
        }
    }

    /// The matches of a query whose filter is true, each as a frame.
    fn passing(&self, q: &Query, frame: &[Val]) -> Vec<(Vec<Val>, Val)> {
        let mut out = vec![];
        for m in self.matches(q, frame) {
            let mut f = frame.to_vec();
            for (s, v) in m {
                f[s.0 as usize] = v;
            }
            let cond = match &q.filter {
                Some(e) => self.eval(e, &mut f),
                None => Val::Bool(true),
            };
            out.push((f, cond));
        }
        out
    }

    fn quant(&self, quant: Quant, q: &Query, body: Option<&Expr>, frame: &[Val]) -> Val {
        if super::query::anchored_unknown(q, frame) {
            return Val::Absent;
        }
        let matches = self.passing(q, frame);
        match quant {
            Quant::Exists | Quant::No => {
                let conds: Vec<Val> = matches.into_iter().map(|(_, c)| c).collect();
                let exists = if conds.contains(&Val::Bool(true)) {
                    Val::Bool(true)
                } else if conds.iter().all(|c| *c == Val::Bool(false)) {
                    Val::Bool(false)
                } else {
                    Val::Absent
                };
                if quant == Quant::Exists {
                    exists
                } else {
                    not3(exists)
                }
            }
            Quant::Every => {
                let mut results = vec![];
                for (mut f, c) in matches {
                    if c == Val::Bool(true) {
                        results.push(match body {
                            Some(b) => self.eval(b, &mut f),
                            None => Val::Bool(true),
                        });
                    }
                }
                if results.contains(&Val::Bool(false)) {
                    Val::Bool(false)
                } else if results.iter().all(|r| *r == Val::Bool(true)) {
                    Val::Bool(true)
                } else {
                    Val::Absent
                }
            }
        }
    }

    fn agg(&self, agg: Agg, value: Option<&Expr>, q: &Query, frame: &[Val]) -> Val {
        if super::query::anchored_unknown(q, frame) {
            return Val::Absent;
        }
        let matches: Vec<Vec<Val>> = self
            .passing(q, frame)
            .into_iter()
            .filter(|(_, c)| *c == Val::Bool(true))
            .map(|(f, _)| f)
            .collect();
        match agg {
            Agg::Count => Val::Int(matches.len() as i64),
            Agg::Earliest | Agg::Latest => {
                let kind = q.head_kind;
                let date_f = self.prog.schema.field(kind, "date");
                let time_f = self.prog.schema.field(kind, "time");
                let mut cands = vec![];
                for f in &matches {
                    let Val::Node(n) = f[q.head.0 as usize] else {
                        continue;
                    };
                    let Some(d) = date_f
                        .and_then(|x| self.g.field(n, x))
                        .and_then(|v| v.as_date())
                    else {
                        continue;
                    };
                    let t = time_f
                        .and_then(|x| self.g.field(n, x))
                        .and_then(|v| v.as_time());
                    cands.push((d, t, n));
                }
                let key = |a: &(Date, Option<jiff::civil::Time>, caselint::graph::NodeIx),
                           b: &(Date, Option<jiff::civil::Time>, caselint::graph::NodeIx)| {
                    a.0.cmp(&b.0)
                        .then_with(|| match (a.1, b.1) {
                            (Some(x), Some(y)) => x.cmp(&y),
                            (Some(_), None) => Ordering::Less,
                            (None, Some(_)) => Ordering::Greater,
                            (None, None) => Ordering::Equal,
                        })
                        .then_with(|| self.g.node_id(a.2).cmp(self.g.node_id(b.2)))
                };
                cands.sort_by(key);
                let pick = if agg == Agg::Earliest {
                    cands.first()
                } else {
                    cands.last()
                };
                pick.map_or(Val::Absent, |c| Val::Node(c.2))
            }
            Agg::Sum | Agg::Product | Agg::Min | Agg::Max => {
                let mut vals = vec![];
                for mut f in matches {
                    let v = value.map_or(Val::Absent, |e| self.eval(e, &mut f));
                    if v != Val::Absent {
                        vals.push(v);
                    }
                }
                match agg {
                    Agg::Sum | Agg::Product => {
                        let (op, unit) = if agg == Agg::Sum {
                            (Arith::Add, 0)
                        } else {
                            (Arith::Mul, 1)
                        };
                        let mut it = vals.into_iter();
                        let Some(mut acc) = it.next() else {
                            return Val::Int(unit);
                        };
                        for v in it {
                            acc = self.arith(op, &acc, &v);
                        }
                        acc
                    }
                    _ => {
                        let mut best: Option<Val> = None;
                        for v in vals {
                            best = Some(match best {
                                None => v,
                                Some(b) => {
                                    let better = match self.order(&v, &b) {
                                        Some(o) if agg == Agg::Min => o.is_lt(),
                                        Some(o) => o.is_gt(),
                                        None => false,
                                    };
                                    if better { v } else { b }
                                }
                            });
                        }
                        best.unwrap_or(Val::Absent)
                    }
                }
            }
        }
    }

    /// Evaluates an expression.
    pub fn eval(&self, e: &Expr, frame: &mut [Val]) -> Val {
        match e {
            Expr::Const(c) => self.konst(c),
            Expr::List(items) => Val::List(items.iter().map(|x| self.eval(x, frame)).collect()),
            Expr::Format(p) => Val::Text(Arc::from(self.pieces(p, frame).as_str())),
            Expr::Local(s) => frame.get(s.0 as usize).cloned().unwrap_or(Val::Absent),
            Expr::Field(base, f, ty) => match self.eval(base, frame) {
                Val::Node(n) => self
                    .g
                    .field(n, *f)
                    .map_or(Val::Absent, |v| self.stored(v, ty)),
                _ => Val::Absent,
            },
            Expr::EdgeField(base, f, ty) => match self.eval(base, frame) {
                Val::Edge(x) => self
                    .g
                    .edge_field(x, *f)
                    .map_or(Val::Absent, |v| self.stored(v, ty)),
                _ => Val::Absent,
            },
            Expr::Column(base, i) => match self.eval(base, frame) {
                Val::Row(t, r) => self
                    .prog
                    .tables
                    .get(t as usize)
                    .and_then(|t| t.rows.get(r as usize))
                    .and_then(|row| row.values.get(*i as usize))
                    .map_or(Val::Absent, |c| self.konst(c)),
                _ => Val::Absent,
            },
            Expr::Singleton(k) => self
                .g
                .nodes()
                .find(|n| self.g.node_kind(*n) == *k)
                .map_or(Val::Absent, Val::Node),
            Expr::Call(d, args) => self.call(*d, args, frame),
            Expr::Lookup(t, args) => {
                let vals: Vec<Val> = args.iter().map(|a| self.eval(a, frame)).collect();
                self.lookup(t.0, &vals)
            }
            Expr::Builtin(b, args) => {
                let vals: Vec<Val> = args.iter().map(|a| self.eval(a, frame)).collect();
                self.builtin(*b, &vals)
            }
            Expr::Not(x) => not3(self.eval(x, frame)),
            Expr::Neg(x) => match self.eval(x, frame) {
                Val::Int(i) => i.checked_neg().map_or(Val::Absent, Val::Int),
                Val::Dec(d) => Val::Dec(-d),
                _ => Val::Absent,
            },
            Expr::And(a, b) => {
                let (x, y) = (self.eval(a, frame), self.eval(b, frame));
                if x == Val::Bool(false) || y == Val::Bool(false) {
                    Val::Bool(false)
                } else if x == Val::Bool(true) && y == Val::Bool(true) {
                    Val::Bool(true)
                } else {
                    Val::Absent
                }
            }
            Expr::Or(a, b) => {
                let (x, y) = (self.eval(a, frame), self.eval(b, frame));
                if x == Val::Bool(true) || y == Val::Bool(true) {
                    Val::Bool(true)
                } else if x == Val::Bool(false) && y == Val::Bool(false) {
                    Val::Bool(false)
                } else {
                    Val::Absent
                }
            }
            Expr::Arith(op, a, b) => {
                let (x, y) = (self.eval(a, frame), self.eval(b, frame));
                self.arith(*op, &x, &y)
            }
            Expr::Compare(first, rest) => {
                let mut vals = vec![self.eval(first, frame)];
                for (_, x) in rest {
                    vals.push(self.eval(x, frame));
                }
                let results: Vec<Val> = rest
                    .iter()
                    .enumerate()
                    .map(|(i, (op, _))| self.cmp(*op, &vals[i], &vals[i + 1]))
                    .collect();
                if results.contains(&Val::Bool(false)) {
                    Val::Bool(false)
                } else if results.iter().all(|r| *r == Val::Bool(true)) {
                    Val::Bool(true)
                } else {
                    Val::Absent
                }
            }
            Expr::In(x, l, negated) => {
                let (x, l) = (self.eval(x, frame), self.eval(l, frame));
                let r = if x == Val::Absent {
                    Val::Absent
                } else {
                    self.member(&x, &l)
                };
                if *negated { not3(r) } else { r }
            }
            Expr::Contains(l, x) => {
                let (l, x) = (self.eval(l, frame), self.eval(x, frame));
                if x == Val::Absent {
                    Val::Absent
                } else {
                    self.member(&x, &l)
                }
            }
            Expr::ContainsAny(l, xs) => {
                let (l, xs) = (self.eval(l, frame), self.eval(xs, frame));
                let (Val::List(_), Val::List(items)) = (&l, &xs) else {
                    return Val::Absent;
                };
                let mut out = Val::Bool(false);
                for x in items {
                    let r = if *x == Val::Absent {
                        Val::Absent
                    } else {
                        self.member(x, &l)
                    };
                    match r {
                        Val::Bool(true) => return Val::Bool(true),
                        Val::Bool(false) => {}
                        _ => out = Val::Absent,
                    }
                }
                out
            }
            Expr::Otherwise(a, b) => match self.eval(a, frame) {
                Val::Absent => self.eval(b, frame),
                v => v,
            },
            Expr::Is(x, negated, test) => {
                let v = self.eval(x, frame);
                let r = match test {
                    Test::Absent => v == Val::Absent,
                    Test::Present => v != Val::Absent,
                    Test::True => v == Val::Bool(true),
                    Test::False => v == Val::Bool(false),
                    Test::Equals(c) => {
                        matches!((&v, c), (Val::Enum(_, a), Const::Enum(_, b)) if a == b)
                    }
                };
                Val::Bool(r != *negated)
            }
            Expr::Duration(x, u) => match self.eval(x, frame) {
                Val::Int(n) => Val::Dur(*u, n),
                _ => Val::Absent,
            },
            Expr::If(c, a, b) => match self.eval(c, frame) {
                Val::Bool(true) => self.eval(a, frame),
                Val::Bool(false) => self.eval(b, frame),
                _ => Val::Absent,
            },
            Expr::Quant(quant, q, body) => self.quant(*quant, q, body.as_deref(), frame),
            Expr::Agg(agg, value, q) => self.agg(*agg, value.as_deref(), q, frame),
        }
    }
}

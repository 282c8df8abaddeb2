//! Stage 3: runtime values, their three-valued comparisons, and calendar arithmetic.

use crate::check::ir::{Calendar, Const, TableId, Ty};
use crate::graph::{CaseGraph, EdgeIx, EnumId, NodeIx, Value};
use crate::syntax::ast::{CmpOp, Unit};
use jiff::civil::{Date, DateTime, Time, Weekday};
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::sync::Arc;

/// A value during evaluation. `Absent` is "unknown": a field the case does not give.
#[derive(Clone, Debug, PartialEq)]
pub enum V {
    /// Unknown.
    Absent,
    /// A truth value.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// An exact decimal.
    Dec(Decimal),
    /// Text.
    Text(Arc<str>),
    /// A day.
    Date(Date),
    /// A time of day.
    Time(Time),
    /// A day and time.
    DateTime(DateTime),
    /// A duration in one unit.
    Dur(Unit, i64),
    /// An enum value.
    Enum(EnumId, u16),
    /// A list.
    List(Arc<[V]>),
    /// A node of the case.
    Node(NodeIx),
    /// An edge of the case.
    Edge(EdgeIx),
    /// A row of a table.
    Row(TableId, u32),
}

impl V {
    /// `Some(b)` for a known truth value.
    pub fn truth(&self) -> Option<bool> {
        match self {
            V::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// Whether the value is known.
    pub fn is_present(&self) -> bool {
        !matches!(self, V::Absent)
    }

    /// A stored field value, typed by the schema.
    pub fn from_stored(v: &Value, ty: &Ty) -> V {
        match (v, ty) {
            (Value::Text(t), _) => V::Text(t.clone()),
            (Value::Int(i), Ty::Decimal) => V::Dec(Decimal::from(*i)),
            (Value::Int(i), _) => V::Int(*i),
            (Value::Decimal(d), _) => V::Dec(*d),
            (Value::Bool(b), _) => V::Bool(*b),
            (Value::Date(d), _) => V::Date(*d),
            (Value::Time(t), _) => V::Time(*t),
            (Value::Enum(u), Ty::Enum(e)) => V::Enum(*e, *u),
            (Value::Enum(u), _) => V::Enum(EnumId(u16::MAX), *u),
            (Value::List(items), Ty::List(inner)) => {
                V::List(items.iter().map(|x| V::from_stored(x, inner)).collect())
            }
            (Value::List(items), _) => {
                V::List(items.iter().map(|x| V::from_stored(x, &Ty::Any)).collect())
            }
        }
    }

    /// A constant of the program.
    pub fn from_const(c: &Const) -> V {
        match c {
            Const::Bool(b) => V::Bool(*b),
            Const::Int(i) => V::Int(*i),
            Const::Decimal(d) => V::Dec(*d),
            Const::Text(t) => V::Text(t.clone()),
            Const::Date(d) => V::Date(*d),
            Const::Time(t) => V::Time(*t),
            Const::Enum(e, v) => V::Enum(*e, *v),
        }
    }
}

/// Equality, or `None` when either side is unknown.
pub fn equal(a: &V, b: &V) -> Option<bool> {
    match (a, b) {
        (V::Absent, _) | (_, V::Absent) => None,
        (V::Enum(_, x), V::Enum(_, y)) => Some(x == y),
        (V::List(x), V::List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            let mut all = Some(true);
            for (p, q) in x.iter().zip(y.iter()) {
                match equal(p, q) {
                    Some(false) => return Some(false),
                    None => all = None,
                    Some(true) => {}
                }
            }
            all
        }
        _ => order(a, b).map(|o| o == Ordering::Equal),
    }
}

/// Order of two values of one type, or `None` when unknown or not ordered.
pub fn order(a: &V, b: &V) -> Option<Ordering> {
    Some(match (a, b) {
        (V::Int(x), V::Int(y)) => x.cmp(y),
        (V::Int(x), V::Dec(y)) => Decimal::from(*x).cmp(y),
        (V::Dec(x), V::Int(y)) => x.cmp(&Decimal::from(*y)),
        (V::Dec(x), V::Dec(y)) => x.cmp(y),
        (V::Text(x), V::Text(y)) => x.cmp(y),
        (V::Date(x), V::Date(y)) => x.cmp(y),
        (V::Time(x), V::Time(y)) => x.cmp(y),
        (V::DateTime(x), V::DateTime(y)) => x.cmp(y),
        (V::Bool(x), V::Bool(y)) => x.cmp(y),
        (V::Enum(_, x), V::Enum(_, y)) => x.cmp(y),
        // Node indices follow sorted ids (`CaseGraph`): index order is id order.
        (V::Node(x), V::Node(y)) => x.cmp(y),
        (V::Edge(x), V::Edge(y)) => x.cmp(y),
        _ => return None,
    })
}

/// A comparison under three-valued logic.
pub fn compare(op: CmpOp, a: &V, b: &V) -> V {
    let r = match op {
        CmpOp::Eq => equal(a, b),
        CmpOp::Ne => equal(a, b).map(|x| !x),
        CmpOp::Lt => order(a, b).map(|o| o == Ordering::Less),
        CmpOp::Le => order(a, b).map(|o| o != Ordering::Greater),
        CmpOp::Gt => order(a, b).map(|o| o == Ordering::Greater),
        CmpOp::Ge => order(a, b).map(|o| o != Ordering::Less),
    };
    r.map_or(V::Absent, V::Bool)
}

/// `date + n unit` with calendar months: a day that does not exist becomes the month's last day.
pub fn add_to_date(d: Date, unit: Unit, n: i64) -> Option<Date> {
    let span = match unit {
        Unit::Days => jiff::Span::new().try_days(n).ok()?,
        Unit::Months => jiff::Span::new().try_months(n).ok()?,
        Unit::Years => jiff::Span::new().try_years(n).ok()?,
        Unit::Hours => return None,
    };
    d.checked_add(span).ok()
}

/// `datetime + n unit`.
pub fn add_to_datetime(d: DateTime, unit: Unit, n: i64) -> Option<DateTime> {
    let span = match unit {
        Unit::Hours => jiff::Span::new().try_hours(n).ok()?,
        Unit::Days => jiff::Span::new().try_days(n).ok()?,
        Unit::Months => jiff::Span::new().try_months(n).ok()?,
        Unit::Years => jiff::Span::new().try_years(n).ok()?,
    };
    d.checked_add(span).ok()
}

/// Whole years completed from `birth` to `day` (negative when `day` is earlier).
/// Someone born on 29 February completes a year on 1 March in other years.
pub fn years_between(birth: Date, day: Date) -> i64 {
    let mut years = i64::from(day.year()) - i64::from(birth.year());
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

/// `b - a` in days.
pub fn days_between(a: Date, b: Date) -> Option<i64> {
    let span = a.until(b).ok()?;
    Some(i64::from(span.get_days()))
}

/// Whether a day is a working day under the pack's calendar.
pub fn is_working_day(cal: &Calendar, d: Date) -> bool {
    if cal.workdays.contains(&d) {
        return true;
    }
    if cal.holidays.contains(&d) {
        return false;
    }
    !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// The first working day after `d`.
pub fn next_working_day(cal: &Calendar, d: Date) -> Option<Date> {
    let mut x = d.tomorrow().ok()?;
    for _ in 0..400 {
        if is_working_day(cal, x) {
            return Some(x);
        }
        x = x.tomorrow().ok()?;
    }
    None
}

/// The value as text, for messages.
pub fn render(v: &V, g: &CaseGraph, label: &dyn Fn(EnumId, u16) -> String) -> String {
    let mut out = String::new();
    render_to(&mut out, v, g, label);
    out
}

/// [`render`], appended to `out`.
pub fn render_to(out: &mut String, v: &V, g: &CaseGraph, label: &dyn Fn(EnumId, u16) -> String) {
    use std::fmt::Write;
    // Writing to a `String` cannot fail.
    let _ = match v {
        V::Int(i) => write!(out, "{i}"),
        V::Text(t) => {
            out.push_str(t);
            Ok(())
        }
        V::Date(d) => write!(out, "{d}"),
        V::Dec(d) => {
            write_decimal(out, d);
            Ok(())
        }
        V::Node(n) => {
            out.push_str(g.node_id(*n));
            Ok(())
        }
        other => {
            out.push_str(&render_owned(other, g, label));
            Ok(())
        }
    };
}

/// Appends a decimal in its shortest exact form (`52000.5`, `-0.25`, `3`),
/// as `Decimal::normalize` displays it, without building a string for it.
pub(crate) fn write_decimal(out: &mut String, d: &Decimal) {
    use std::fmt::Write;
    let d = d.normalize();
    let (m, scale) = (d.mantissa(), d.scale());
    // Writing to a `String` cannot fail.
    if scale == 0 {
        let _ = write!(out, "{m}");
        return;
    }
    let Some(p) = 10i128.checked_pow(scale) else {
        let _ = write!(out, "{d}");
        return;
    };
    if m < 0 {
        out.push('-');
    }
    let m = m.unsigned_abs();
    let p = p.unsigned_abs();
    let _ = write!(out, "{}.{:0w$}", m / p, m % p, w = scale as usize);
}

fn render_owned(v: &V, g: &CaseGraph, label: &dyn Fn(EnumId, u16) -> String) -> String {
    match v {
        V::Absent => "?".to_string(),
        V::Bool(b) => b.to_string(),
        V::Int(i) => i.to_string(),
        V::Dec(d) => {
            let mut s = String::new();
            write_decimal(&mut s, d);
            s
        }
        V::Text(t) => t.to_string(),
        V::Date(d) => d.to_string(),
        // Seconds only when they are not zero: 20:00:30 is not 20:00, and the
        // last moment of a day (a 24-hour deadline without a time) is 23:59:59.
        V::Time(t) if t.second() != 0 => t.strftime("%H:%M:%S").to_string(),
        V::Time(t) => t.strftime("%H:%M").to_string(),
        V::DateTime(dt) if dt.second() != 0 => dt.strftime("%Y-%m-%d %H:%M:%S").to_string(),
        V::DateTime(dt) => dt.strftime("%Y-%m-%d %H:%M").to_string(),
        V::Dur(u, n) => format!(
            "{n} {}",
            match u {
                Unit::Hours => "hours",
                Unit::Days => "days",
                Unit::Months => "months",
                Unit::Years => "years",
            }
        ),
        V::Enum(e, x) => label(*e, *x),
        V::List(items) => items
            .iter()
            .map(|x| render(x, g, label))
            .collect::<Vec<_>>()
            .join(", "),
        V::Node(n) => g.node_id(*n).to_string(),
        V::Edge(e) => format!(
            "{}→{}",
            g.node_id(g.edge_source(*e)),
            g.node_id(g.edge_target(*e))
        ),
        V::Row(..) => "row".to_string(),
    }
}

/// The value as JSON: numbers as numbers, enum values by label, unknown as null.
pub fn to_json(v: &V, g: &CaseGraph, label: &dyn Fn(EnumId, u16) -> String) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        V::Absent => J::Null,
        V::Bool(b) => J::Bool(*b),
        V::Int(i) => J::from(*i),
        V::Dec(d) => {
            let mut s = String::new();
            write_decimal(&mut s, d);
            let f: Option<f64> = s.parse().ok();
            f.and_then(serde_json::Number::from_f64)
                .map_or(J::Null, J::Number)
        }
        V::List(items) => J::Array(items.iter().map(|x| to_json(x, g, label)).collect()),
        other => J::String(render(other, g, label)),
    }
}

/// Whether a stored value equals a computed one, for the common scalar types
/// (`None`: compare them as values).
pub(crate) fn stored_equals(stored: &Value, want: &V) -> Option<bool> {
    Some(match (stored, want) {
        (Value::Enum(x), V::Enum(_, y)) => x == y,
        (Value::Bool(x), V::Bool(y)) => x == y,
        (Value::Int(x), V::Int(y)) => x == y,
        (Value::Date(x), V::Date(y)) => x == y,
        _ => return None,
    })
}

/// Whether a stored value equals a constant, for the common scalar types
/// (`None`: compare them as values). The checker has made their types agree.
#[inline]
pub(crate) fn stored_equals_const(stored: &Value, c: &Const) -> Option<bool> {
    Some(match (stored, c) {
        (Value::Enum(x), Const::Enum(_, y)) => x == y,
        (Value::Bool(x), Const::Bool(y)) => x == y,
        (Value::Int(x), Const::Int(y)) => x == y,
        (Value::Date(x), Const::Date(y)) => x == y,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_written_as_normalize_displays_them() {
        use proptest::prelude::*;
        let check = |m: i64, scale: u32| {
            let Ok(d) = Decimal::try_from_i128_with_scale(i128::from(m), scale) else {
                return;
            };
            let mut s = String::new();
            write_decimal(&mut s, &d);
            assert_eq!(s, d.normalize().to_string(), "{m} scale {scale}");
        };
        for (m, sc) in [
            (0, 0),
            (0, 3),
            (-5, 1),
            (5, 1),
            (-50, 2),
            (1200, 2),
            (-1, 28),
            (i64::MIN, 28),
            (i64::MAX, 0),
            (i64::MIN, 5),
            (5_200_050, 2),
        ] {
            check(m, sc);
        }
        proptest!(|(m: i64, scale in 0u32..=28)| check(m, scale));
    }

    use jiff::civil::date;

    #[test]
    fn calendar_months_clamp_to_month_end() {
        assert_eq!(
            add_to_date(date(2024, 1, 31), Unit::Months, 1),
            Some(date(2024, 2, 29))
        );
        assert_eq!(
            add_to_date(date(2023, 1, 31), Unit::Months, 1),
            Some(date(2023, 2, 28))
        );
        assert_eq!(
            add_to_date(date(2024, 3, 31), Unit::Months, 2),
            Some(date(2024, 5, 31))
        );
        assert_eq!(
            add_to_date(date(2024, 2, 29), Unit::Years, 1),
            Some(date(2025, 2, 28))
        );
        assert_eq!(
            add_to_date(date(2024, 2, 28), Unit::Days, 1),
            Some(date(2024, 2, 29))
        );
        assert_eq!(add_to_date(date(2024, 2, 28), Unit::Hours, 1), None);
    }

    #[test]
    fn whole_years() {
        assert_eq!(years_between(date(2007, 3, 2), date(2023, 3, 1)), 15);
        assert_eq!(years_between(date(2007, 3, 2), date(2023, 3, 2)), 16);
        assert_eq!(years_between(date(2008, 2, 29), date(2026, 2, 28)), 17);
        assert_eq!(years_between(date(2008, 2, 29), date(2026, 3, 1)), 18);
        assert_eq!(years_between(date(2008, 2, 29), date(2024, 2, 29)), 16);
    }

    #[test]
    fn days() {
        assert_eq!(days_between(date(2024, 4, 5), date(2024, 4, 11)), Some(6));
        assert_eq!(days_between(date(2024, 4, 11), date(2024, 4, 5)), Some(-6));
        assert_eq!(days_between(date(2023, 12, 31), date(2024, 3, 1)), Some(61));
    }

    #[test]
    fn working_days() {
        let mut cal = Calendar::default();
        cal.holidays.insert(date(2024, 10, 1));
        cal.workdays.insert(date(2024, 10, 12));
        assert!(!is_working_day(&cal, date(2024, 10, 1)));
        assert!(is_working_day(&cal, date(2024, 10, 12)));
        assert!(!is_working_day(&cal, date(2024, 10, 13)));
        assert_eq!(
            next_working_day(&cal, date(2024, 9, 30)),
            Some(date(2024, 10, 2))
        );
        assert_eq!(
            next_working_day(&cal, date(2024, 10, 11)),
            Some(date(2024, 10, 12))
        );
    }
}

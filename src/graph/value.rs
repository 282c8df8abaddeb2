//! Field values and their types: what a case graph stores in a node or edge slot.

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use rust_decimal::Decimal;

/// Index into a [`Schema`](super::Schema)'s enum table.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EnumId(pub u16);

/// The type of a field, as the schema declares it (case-format.md §3).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// A UTF-8 string.
    Text,
    /// A 64-bit signed integer: a JSON number without fraction or exponent.
    Int,
    /// An exact decimal: a JSON number or a string, never a binary float.
    Decimal,
    /// `true` or `false`.
    Bool,
    /// A proleptic Gregorian date, written `YYYY-MM-DD`.
    Date,
    /// A time of day, written `HH:MM` or `HH:MM:SS`.
    Time,
    /// One of the values of the given enum, written as its name.
    Enum(EnumId),
    /// A JSON array whose elements all have the given type.
    List(Box<Type>),
}

impl Type {
    /// The enum this type draws its values from: `Enum(e)` and `List(Enum(e))`
    /// (at any list depth) give `Some(e)`, every other type `None`.
    pub fn enum_id(&self) -> Option<EnumId> {
        match self {
            Type::Enum(e) => Some(*e),
            Type::List(inner) => inner.enum_id(),
            _ => None,
        }
    }
}

impl fmt::Display for Type {
    /// Writes the type as case-format.md §3 names it: `text`, `int`,
    /// `list(date)`; an enum is written `enum#N` since the name lives in the
    /// schema (use [`Schema::type_name`](super::Schema::type_name) for that).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Text => f.write_str("text"),
            Type::Int => f.write_str("int"),
            Type::Decimal => f.write_str("decimal"),
            Type::Bool => f.write_str("bool"),
            Type::Date => f.write_str("date"),
            Type::Time => f.write_str("time"),
            Type::Enum(e) => write!(f, "enum#{}", e.0),
            Type::List(inner) => write!(f, "list({inner})"),
        }
    }
}

/// A field value in a case graph.
///
/// Equality is by value: `Decimal` 1.0 equals 1.00 (as in `rust_decimal`).
/// The derived order sorts by variant first, then by value; for a total
/// order that also tells 1.0 from 1.00 use [`Value::total_cmp`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Value {
    /// A `text` value.
    Text(Arc<str>),
    /// An `int` value.
    Int(i64),
    /// A `decimal` value, exact.
    Decimal(Decimal),
    /// A `bool` value.
    Bool(bool),
    /// A `date` value.
    Date(jiff::civil::Date),
    /// A `time` value.
    Time(jiff::civil::Time),
    /// An `enum` value: the index into the field's enum's value list.
    Enum(u16),
    /// A `list(T)` value.
    List(Arc<[Value]>),
}

impl Value {
    /// A text value from a string slice.
    pub fn text(s: &str) -> Value {
        Value::Text(Arc::from(s))
    }

    /// The string of a `Text` value.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The integer of an `Int` value.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The decimal of a `Decimal` value.
    pub fn as_decimal(&self) -> Option<Decimal> {
        match self {
            Value::Decimal(d) => Some(*d),
            _ => None,
        }
    }

    /// The boolean of a `Bool` value.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The date of a `Date` value.
    pub fn as_date(&self) -> Option<jiff::civil::Date> {
        match self {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }

    /// The time of a `Time` value.
    pub fn as_time(&self) -> Option<jiff::civil::Time> {
        match self {
            Value::Time(t) => Some(*t),
            _ => None,
        }
    }

    /// The value index of an `Enum` value.
    pub fn as_enum(&self) -> Option<u16> {
        match self {
            Value::Enum(v) => Some(*v),
            _ => None,
        }
    }

    /// The elements of a `List` value.
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    /// A total order on representations: like `Ord`, but a decimal that
    /// compares equal to another and has a smaller scale sorts first (1.0
    /// before 1.00). The graph sorts edges with it, so that equal inputs give
    /// identical graphs whatever the input order.
    pub fn total_cmp(&self, other: &Value) -> Ordering {
        match (self, other) {
            (Value::Decimal(a), Value::Decimal(b)) => {
                a.cmp(b).then_with(|| a.scale().cmp(&b.scale()))
            }
            (Value::List(a), Value::List(b)) => {
                for (x, y) in a.iter().zip(b.iter()) {
                    let o = x.total_cmp(y);
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                a.len().cmp(&b.len())
            }
            _ => self.cmp(other),
        }
    }

    /// Whether the two values are the same representation: `==` that also
    /// tells decimal 1.0 from 1.00.
    pub fn same_repr(&self, other: &Value) -> bool {
        self.total_cmp(other) == Ordering::Equal
    }

    /// Approximate heap bytes owned by this value (not the inline 24 bytes).
    pub(crate) fn heap_bytes(&self) -> usize {
        match self {
            // Arc header (two counters) plus the bytes.
            Value::Text(s) => 2 * std::mem::size_of::<usize>() + s.len(),
            Value::List(items) => {
                2 * std::mem::size_of::<usize>()
                    + std::mem::size_of_val::<[Value]>(items)
                    + items.iter().map(Value::heap_bytes).sum::<usize>()
            }
            _ => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn value_is_small() {
        assert_eq!(std::mem::size_of::<Value>(), 24);
        assert_eq!(std::mem::size_of::<Option<Value>>(), 24);
    }

    #[test]
    fn total_cmp_tells_scales_apart() {
        let a = Value::Decimal(Decimal::from_str("1.0").unwrap());
        let b = Value::Decimal(Decimal::from_str("1.00").unwrap());
        assert_eq!(a, b);
        assert_eq!(a.total_cmp(&b), Ordering::Less);
        assert!(!a.same_repr(&b));
    }

    #[test]
    fn type_display() {
        let t = Type::List(Box::new(Type::Date));
        assert_eq!(t.to_string(), "list(date)");
        assert_eq!(
            Type::List(Box::new(Type::Enum(EnumId(3)))).enum_id(),
            Some(EnumId(3))
        );
    }
}

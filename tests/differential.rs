//! Differential test: the engine (`RulePack::review_with`) against the naive
//! reference evaluator of `tests/reference/`, on random rules (generated as
//! source text from the language's constructs) over random case graphs of
//! a small fixed schema.
//!
//! Each case is a "choice tape" (a vector of numbers that proptest shrinks
//! towards zeros and shorter, and choice 0 is always the simplest option) from
//! which one pack of 1–3 rules is written, plus a second tape for the case
//! graph. A failure prints the pack text and the case JSON.
//!
//! Runs `CASELINT_DIFF_CASES` cases (default 2500) from seed
//! `CASELINT_DIFF_SEED` (default fixed, so CI is reproducible). Longer runs:
//!
//! ```text
//! CASELINT_DIFF_CASES=200000 CASELINT_DIFF_SEED=$RANDOM \
//!   cargo test --release --test differential -- --nocapture
//! ```
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod reference;

use caselint::check::ir::{Expr, Op};
use caselint::{Lang, ReviewOptions, RulePack};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use reference::{RefFinding, Reference, severity_name};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The fixed schema and shared definitions every generated pack starts with.
const HEADER: &str = r#"
pack diff {
  languages en, zh
  default en
}
enum level (en "level", zh "级别") {
  low (en "Low", zh "低"),
  mid (en "Mid", zh "中"),
  high (en "High", zh "高"),
}
node case (exactly one) {
  procedure: enum(ordinary, simplified) required
  region: text
  flag: bool
  start: date
}
node person {
  role: enum(defendant, victim, witness) required
  name: text
  birth_date: date
  score: int
  rank: level
  tags: list(enum(blind, deaf, mute))
}
node event {
  type: enum(detention, notice, hearing) required
  date: date
  time: time
  qty: int
  amount: decimal
  public: bool
  rank: level
}
node item {
  value: decimal
  qty: int
  seen: date
}
edge subject: event -> person
edge concerns: event -> event {
  weight: int
}
edge owns: person -> item {
  share: decimal
  since: date
}
edge about: event | item -> person
edge knows: person -> person

pattern accused = person(role = defendant)
def first_hearing = earliest e: event(type = hearing)
def age(p: person, day: date): int = years_between(p.birth_date, day)
def notified(x: event): bool = exists n: event(type = notice) -concerns-> x
table cap(region: text) {
  columns lim: int, rate: decimal
  row default: 3, 1.5
  row "north": 1, 0.5
}
calendar {
  holidays 2024-03-04 to 2024-03-06
  workdays 2024-03-09
}
"#;

// ------------------------------------------------------------------ tapes

/// Choices read from a proptest-generated vector; 0 when it runs out.
struct Tape<'a> {
    data: &'a [u32],
    pos: usize,
}

impl Tape<'_> {
    fn pick(&mut self, n: usize) -> usize {
        let v = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        if n == 0 { 0 } else { v as usize % n }
    }
    /// True with about `pct` percent (false on an exhausted tape).
    fn chance(&mut self, pct: usize) -> bool {
        let v = self.pick(100);
        let exhausted = self.pos > self.data.len();
        !exhausted && v < pct
    }
    fn one<'s, T: ?Sized>(&mut self, xs: &[&'s T]) -> &'s T {
        xs[self.pick(xs.len())]
    }
}

// --------------------------------------------------------- rule generator

#[derive(Clone, Copy, Debug, PartialEq)]
enum T {
    Bool,
    Int,
    Dec,
    Date,
    Text,
    Level,
    Node(K),
    Edge(E),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum K {
    Case,
    Person,
    Event,
    Item,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum E {
    Concerns,
    Owns,
}

impl K {
    fn name(self) -> &'static str {
        match self {
            K::Case => "case",
            K::Person => "person",
            K::Event => "event",
            K::Item => "item",
        }
    }
}

/// Fields of a kind, by the generator's type.
fn fields(k: K, t: T) -> &'static [&'static str] {
    match (k, t) {
        (K::Case, T::Bool) => &["flag"],
        (K::Case, T::Date) => &["start"],
        (K::Case, T::Text) => &["region"],
        (K::Person, T::Int) => &["score"],
        (K::Person, T::Date) => &["birth_date"],
        (K::Person, T::Text) => &["name"],
        (K::Person, T::Level) => &["rank"],
        (K::Event, T::Int) => &["qty"],
        (K::Event, T::Dec) => &["amount"],
        (K::Event, T::Date) => &["date"],
        (K::Event, T::Bool) => &["public"],
        (K::Event, T::Level) => &["rank"],
        (K::Item, T::Int) => &["qty"],
        (K::Item, T::Dec) => &["value"],
        (K::Item, T::Date) => &["seen"],
        _ => &[],
    }
}

fn edge_fields(e: E, t: T) -> &'static [&'static str] {
    match (e, t) {
        (E::Concerns, T::Int) => &["weight"],
        (E::Owns, T::Dec) => &["share"],
        (E::Owns, T::Date) => &["since"],
        _ => &[],
    }
}

const DATES: &[&str] = &[
    "2024-03-01",
    "2024-02-28",
    "2024-03-04",
    "2024-03-09",
    "2024-01-31",
    "2024-03-15",
    "2008-02-29",
];

struct Gen<'a, 'b> {
    t: &'b mut Tape<'a>,
    next_var: usize,
}

/// An edge step a pattern can take from a kind: arrow start, edge name,
/// arrow end, the kind reached, the modifiers allowed, the edge's fields.
type Step = (
    &'static str,
    &'static str,
    &'static str,
    K,
    &'static str,
    Option<E>,
);

/// Variables in scope: name and type.
type Scope = Vec<(String, T)>;

impl Gen<'_, '_> {
    fn var(&mut self) -> String {
        self.next_var += 1;
        format!("v{}", self.next_var)
    }

    fn vars_of(scope: &Scope, t: T) -> Vec<String> {
        scope
            .iter()
            .filter(|(_, x)| *x == t)
            .map(|(n, _)| n.clone())
            .collect()
    }

    fn int_lit(&mut self) -> String {
        let n = self.t.one(&["1", "0", "2", "3", "5", "(-1)", "10"]);
        n.to_string()
    }

    fn dec_lit(&mut self) -> String {
        self.t
            .one(&["1.5", "0.5", "2.25", "1.0", "(-1.5)"])
            .to_string()
    }

    fn cmp_op(&mut self) -> &'static str {
        self.t.one(&["=", "<", "<=", ">", ">=", "!="])
    }

    /// A field of some node in scope with a value of type `t`, if any.
    fn field_of(&mut self, scope: &Scope, t: T) -> Option<String> {
        let mut cands = vec![];
        for (n, ty) in scope {
            match ty {
                T::Node(k) => {
                    for f in fields(*k, t) {
                        cands.push(format!("{n}.{f}"));
                    }
                }
                T::Edge(e) => {
                    for f in edge_fields(*e, t) {
                        cands.push(format!("{n}.{f}"));
                    }
                }
                _ => {}
            }
        }
        for f in fields(K::Case, t) {
            cands.push(format!("case.{f}"));
        }
        for (n, ty) in scope {
            if *ty == t {
                cands.push(n.clone());
            }
        }
        if cands.is_empty() {
            None
        } else {
            Some(cands[self.t.pick(cands.len())].clone())
        }
    }

    fn expr(&mut self, scope: &Scope, t: T, depth: usize) -> String {
        let leaf = depth == 0 || self.t.chance(35);
        match t {
            T::Bool => self.bool_expr(scope, depth, leaf),
            T::Int => self.int_expr(scope, depth, leaf),
            T::Dec => self.dec_expr(scope, depth, leaf),
            T::Date => self.date_expr(scope, depth, leaf),
            T::Text => match self.t.pick(3) {
                0 => self.t.one(&["\"A\"", "\"north\"", "\"张三\""]).to_string(),
                1 => self
                    .field_of(scope, T::Text)
                    .unwrap_or_else(|| "\"A\"".into()),
                _ => match Self::vars_of(scope, T::Node(K::Person)).first() {
                    Some(p) => format!("id({p})"),
                    None => "\"B\"".into(),
                },
            },
            T::Level => {
                if self.t.chance(50) {
                    self.t.one(&["low", "mid", "high"]).to_string()
                } else {
                    self.field_of(scope, T::Level)
                        .unwrap_or_else(|| "mid".into())
                }
            }
            T::Node(k) => {
                let vs = Self::vars_of(scope, T::Node(k));
                if !vs.is_empty() && (k != K::Event || self.t.chance(70)) {
                    vs[self.t.pick(vs.len())].clone()
                } else if k == K::Event {
                    if self.t.chance(30) {
                        "first_hearing".into()
                    } else {
                        let kw = self.t.one(&["earliest", "latest"]);
                        let mut inner = scope.clone();
                        let p = self.pattern(&mut inner, K::Event, 2, false);
                        let w = self.where_part(&inner, depth.saturating_sub(1));
                        format!("({kw} {p}{w})")
                    }
                } else {
                    "case".into()
                }
            }
            T::Edge(_) => "true".into(),
        }
    }

    fn where_part(&mut self, scope: &Scope, depth: usize) -> String {
        if self.t.chance(50) {
            format!(" where {}", self.expr(scope, T::Bool, depth))
        } else {
            String::new()
        }
    }

    fn bool_expr(&mut self, scope: &Scope, depth: usize, leaf: bool) -> String {
        let d = depth.saturating_sub(1);
        if leaf {
            return match self.t.pick(7) {
                0 => {
                    let a = self.field_of(scope, T::Int).unwrap_or_else(|| "1".into());
                    let op = self.cmp_op();
                    let b = self.int_lit();
                    format!("{a} {op} {b}")
                }
                1 => {
                    let ty =
                        *self
                            .t
                            .one(&[&T::Int, &T::Date, &T::Dec, &T::Bool, &T::Level, &T::Text]);
                    let a = self
                        .field_of(scope, ty)
                        .unwrap_or_else(|| "case.flag".into());
                    let w = self.t.one(&["is present", "is absent"]);
                    format!("{a} {w}")
                }
                2 => {
                    let a = self
                        .field_of(scope, T::Bool)
                        .unwrap_or_else(|| "case.flag".into());
                    let w =
                        self.t
                            .one(&["is true", "is false", "is not true", "= true", "= false"]);
                    format!("{a} {w}")
                }
                3 => {
                    let a = self
                        .field_of(scope, T::Level)
                        .unwrap_or_else(|| "low".into());
                    match self.t.pick(4) {
                        0 => format!("{a} is {}", self.t.one(&["low", "mid", "high"])),
                        1 => format!("{a} is not {}", self.t.one(&["low", "high"])),
                        2 => format!("{a} in [low, {}]", self.t.one(&["high", "mid"])),
                        _ => format!("{a} not in [mid]"),
                    }
                }
                4 => {
                    let a = self
                        .field_of(scope, T::Date)
                        .unwrap_or_else(|| "case.start".into());
                    let op = self.cmp_op();
                    let b = self.t.one(DATES);
                    format!("{a} {op} {b}")
                }
                5 => self.t.one(&["true", "false"]).to_string(),
                _ => {
                    let ps = Self::vars_of(scope, T::Node(K::Person));
                    match ps.first() {
                        Some(p) => match self.t.pick(3) {
                            0 => format!("{p}.tags contains {}", self.t.one(&["deaf", "blind"])),
                            1 => format!(
                                "{p}.tags contains any [mute, {}]",
                                self.t.one(&["deaf", "blind"])
                            ),
                            _ => format!(
                                "{p}.role = {}",
                                self.t.one(&["defendant", "victim", "witness"])
                            ),
                        },
                        None => "case.procedure = ordinary".into(),
                    }
                }
            };
        }
        match self.t.pick(13) {
            0 => format!(
                "({} and {})",
                self.expr(scope, T::Bool, d),
                self.expr(scope, T::Bool, d)
            ),
            1 => format!(
                "({} or {})",
                self.expr(scope, T::Bool, d),
                self.expr(scope, T::Bool, d)
            ),
            2 => format!("not ({})", self.expr(scope, T::Bool, d)),
            3 => {
                // Chained comparison of dates.
                let a = self.expr(scope, T::Date, d);
                let b = self.expr(scope, T::Date, d);
                let c = self.expr(scope, T::Date, d);
                format!("{a} <= {b} {} {c}", self.t.one(&["<=", "<"]))
            }
            4 | 5 => self.quantifier(scope, d),
            6 => {
                let ty = *self
                    .t
                    .one(&[&T::Int, &T::Dec, &T::Date, &T::Text, &T::Level]);
                let a = self.expr(scope, ty, d);
                let b = self.expr(scope, ty, d);
                let op = if matches!(ty, T::Level) {
                    self.t.one(&["=", "!="])
                } else {
                    self.cmp_op()
                };
                format!("{a} {op} {b}")
            }
            7 => format!(
                "(if {} then {} else {})",
                self.expr(scope, T::Bool, d),
                self.expr(scope, T::Bool, d),
                self.expr(scope, T::Bool, d)
            ),
            8 => format!("is_working_day({})", self.expr(scope, T::Date, d)),
            9 => match Self::vars_of(scope, T::Node(K::Event)).first() {
                Some(x) => format!("notified({x})"),
                None => "true".into(),
            },
            10 => {
                // Nodes compare by id.
                for k in [K::Person, K::Event, K::Item] {
                    let vs = Self::vars_of(scope, T::Node(k));
                    if vs.len() >= 2 {
                        return format!("{} {} {}", vs[0], self.t.one(&["<", "=", "!="]), vs[1]);
                    }
                }
                "true".into()
            }
            11 => {
                let a = self.expr(scope, T::Int, d);
                format!(
                    "{a} in [1, {}, {}]",
                    self.int_lit(),
                    self.expr(scope, T::Int, d)
                )
            }
            _ => format!(
                "({}) is {}",
                self.expr(scope, T::Bool, d),
                self.t.one(&["true", "false", "present", "absent"])
            ),
        }
    }

    fn int_expr(&mut self, scope: &Scope, depth: usize, leaf: bool) -> String {
        let d = depth.saturating_sub(1);
        if leaf {
            return if self.t.chance(50) {
                self.int_lit()
            } else {
                self.field_of(scope, T::Int).unwrap_or_else(|| "2".into())
            };
        }
        match self.t.pick(12) {
            0 => format!(
                "({} {} {})",
                self.expr(scope, T::Int, d),
                self.t.one(&["+", "-", "*"]),
                self.expr(scope, T::Int, d)
            ),
            1 => {
                let mut inner = scope.clone();
                let k = *self.t.one(&[&K::Event, &K::Person, &K::Item]);
                let p = self.pattern(&mut inner, k, 2, false);
                let w = self.where_part(&inner, d);
                format!("(count {p}{w})")
            }
            2 => {
                let mut inner = scope.clone();
                let k = *self.t.one(&[&K::Event, &K::Item, &K::Person]);
                let p = self.pattern(&mut inner, k, 2, false);
                let v = self.expr(&inner, T::Int, d);
                let w = self.where_part(&inner, d);
                let agg = self.t.one(&["sum", "min", "max", "product"]);
                format!("({agg} {v} for {p}{w})")
            }
            3 => format!(
                "({} otherwise {})",
                self.expr(scope, T::Int, d),
                self.int_lit()
            ),
            4 => format!(
                "days_between({}, {})",
                self.expr(scope, T::Date, d),
                self.expr(scope, T::Date, d)
            ),
            5 => format!(
                "years_between({}, {})",
                self.expr(scope, T::Date, d),
                self.expr(scope, T::Date, d)
            ),
            6 => match Self::vars_of(scope, T::Node(K::Person)).first() {
                Some(p) => {
                    if self.t.chance(50) {
                        format!("age({p}, {})", self.expr(scope, T::Date, d))
                    } else {
                        format!("len({p}.tags)")
                    }
                }
                None => "cap(case.region).lim".into(),
            },
            7 => format!("abs({})", self.expr(scope, T::Int, d)),
            8 => format!(
                "(if {} then {} else {})",
                self.expr(scope, T::Bool, d),
                self.expr(scope, T::Int, d),
                self.expr(scope, T::Int, d)
            ),
            9 => "cap(case.region).lim".into(),
            10 => format!(
                "{}({}, {})",
                self.t.one(&["min", "max"]),
                self.expr(scope, T::Int, d),
                self.expr(scope, T::Int, d)
            ),
            _ => format!("(-{})", self.expr(scope, T::Int, d)),
        }
    }

    fn dec_expr(&mut self, scope: &Scope, depth: usize, leaf: bool) -> String {
        let d = depth.saturating_sub(1);
        if leaf {
            return if self.t.chance(50) {
                self.dec_lit()
            } else {
                self.field_of(scope, T::Dec).unwrap_or_else(|| "0.5".into())
            };
        }
        match self.t.pick(7) {
            0 => format!(
                "({} {} {})",
                self.expr(scope, T::Dec, d),
                self.t.one(&["+", "-", "*", "/"]),
                self.expr(scope, T::Dec, d)
            ),
            1 => format!(
                "({} / {})",
                self.expr(scope, T::Int, d),
                self.expr(scope, T::Int, d)
            ),
            2 => format!(
                "({} + {})",
                self.expr(scope, T::Dec, d),
                self.expr(scope, T::Int, d)
            ),
            3 => {
                let mut inner = scope.clone();
                let k = *self.t.one(&[&K::Event, &K::Item]);
                let p = self.pattern(&mut inner, k, 2, false);
                let v = self.expr(&inner, T::Dec, d);
                let w = self.where_part(&inner, d);
                let agg = self.t.one(&["sum", "max", "min"]);
                format!("({agg} {v} for {p}{w})")
            }
            4 => "cap(case.region).rate".into(),
            5 => format!(
                "({} otherwise {})",
                self.expr(scope, T::Dec, d),
                self.dec_lit()
            ),
            _ => format!("abs({})", self.expr(scope, T::Dec, d)),
        }
    }

    fn date_expr(&mut self, scope: &Scope, depth: usize, leaf: bool) -> String {
        let d = depth.saturating_sub(1);
        if leaf {
            return if self.t.chance(40) {
                self.t.one(DATES).to_string()
            } else {
                self.field_of(scope, T::Date)
                    .unwrap_or_else(|| "2024-03-01".into())
            };
        }
        match self.t.pick(8) {
            0 | 1 => {
                let unit = self.t.one(&["days", "day", "months", "month", "years"]);
                let n = if self.t.chance(70) {
                    self.int_lit()
                } else {
                    format!("({})", self.expr(scope, T::Int, d))
                };
                format!(
                    "({} {} {n} {unit})",
                    self.expr(scope, T::Date, d),
                    self.t.one(&["+", "-"])
                )
            }
            2 => format!(
                "{}({}, {})",
                self.t.one(&["min", "max"]),
                self.expr(scope, T::Date, d),
                self.expr(scope, T::Date, d)
            ),
            3 => format!("next_working_day({})", self.expr(scope, T::Date, d)),
            4 => format!("working_deadline({})", self.expr(scope, T::Date, d)),
            5 => format!(
                "({} otherwise {})",
                self.expr(scope, T::Date, d),
                self.t.one(DATES)
            ),
            6 => {
                let mut inner = scope.clone();
                let p = self.pattern(&mut inner, K::Event, 2, false);
                let w = self.where_part(&inner, d);
                let agg = self.t.one(&["min", "max"]);
                let v = self.expr(&inner, T::Date, d);
                format!("({agg} {v} for {p}{w})")
            }
            _ => {
                if self.t.chance(50) {
                    let e = self.expr(scope, T::Node(K::Event), d);
                    format!("({e}).date")
                } else {
                    let dt = self.datetime_expr(scope, d);
                    format!("date_of({dt})")
                }
            }
        }
    }

    /// A date-time: an event's day and time, moved by hours or days.
    fn datetime_expr(&mut self, scope: &Scope, d: usize) -> String {
        let ev = Self::vars_of(scope, T::Node(K::Event));
        let base = match ev.first() {
            Some(x) if self.t.chance(70) => format!("datetime({x}.date, {x}.time)"),
            _ => format!(
                "datetime({}, {})",
                self.expr(scope, T::Date, d),
                self.t.one(&["09:00", "23:30"])
            ),
        };
        let n = self.t.one(&["24", "1", "48", "(-2)"]);
        let unit = self.t.one(&["hours", "days", "hours"]);
        format!("({base} + {n} {unit})")
    }

    fn quantifier(&mut self, scope: &Scope, d: usize) -> String {
        let mut inner = scope.clone();
        let k = *self.t.one(&[&K::Event, &K::Person, &K::Item]);
        let p = self.pattern(&mut inner, k, 3, false);
        match self.t.pick(3) {
            0 => {
                let w = self.quantifier_filter(&inner, scope.len(), d);
                format!("(exists {p}{w})")
            }
            1 => {
                let w = self.quantifier_filter(&inner, scope.len(), d);
                format!("(no {p}{w})")
            }
            _ => {
                let w = self.quantifier_filter(&inner, scope.len(), d);
                let b = self.expr(&inner, T::Bool, d);
                format!("(every {p}{w} satisfies {b})")
            }
        }
    }

    /// A quantifier's filter: any condition, or (a quarter of the time) one
    /// on a field of the pattern's first new variable, of the shapes a
    /// kernel reads in place (`src/eval/kernel.rs`).
    fn quantifier_filter(&mut self, inner: &Scope, outer: usize, d: usize) -> String {
        if self.t.pick(4) < 3 {
            return self.where_part(inner, d);
        }
        let Some((x, T::Node(k))) = inner.get(outer..).and_then(|new| new.first()).cloned() else {
            return String::new();
        };
        let shapes: &[&str] = match k {
            K::Event => &[
                "rank in [low, high]",
                "rank not in [mid]",
                "qty is absent",
                "public is not true",
                "rank is high",
            ],
            K::Person => &[
                "rank in [low, mid]",
                "score is present",
                "rank not in [high]",
            ],
            K::Item => &["qty is absent", "value is present"],
            K::Case => return String::new(),
        };
        format!(" where {x}.{}", self.t.one(shapes))
    }

    /// Field conditions of a node shape.
    fn conds(&mut self, scope: &Scope, k: K) -> String {
        if !self.t.chance(40) {
            return String::new();
        }
        let mut cs = vec![];
        match k {
            K::Event => cs.push(format!(
                "type = {}",
                self.t.one(&["detention", "notice", "hearing"])
            )),
            K::Person => cs.push(format!(
                "role {}",
                self.t.one(&[
                    "= defendant",
                    "= victim",
                    "in [victim, witness]",
                    "!= witness"
                ])
            )),
            _ => {}
        }
        if self.t.chance(40) {
            let t = *self.t.one(&[&T::Int, &T::Date, &T::Level, &T::Dec]);
            if let Some(f) = fields(k, t).first() {
                let v = match t {
                    T::Level => {
                        let levels = Self::vars_of(scope, T::Level);
                        if !levels.is_empty() && self.t.chance(50) {
                            // Against a bound level (`for v in [low, high]`): the
                            // review answers these from a table grouped by level.
                            let names: Vec<&str> = levels.iter().map(String::as_str).collect();
                            format!("= {}", self.t.one(&names))
                        } else if self.t.chance(50) {
                            format!("= {}", self.t.one(&["low", "mid", "high"]))
                        } else {
                            "in [low, high]".to_string()
                        }
                    }
                    _ => format!("{} {}", self.cmp_op(), self.expr(scope, t, 0)),
                };
                cs.push(format!("{f} {v}"));
            }
        }
        if cs.is_empty() {
            String::new()
        } else {
            format!("({})", cs.join(", "))
        }
    }

    /// A node of kind `k`: a new variable (added to `scope`) or, when `reuse`,
    /// sometimes a variable already bound.
    fn node(&mut self, scope: &mut Scope, outer: usize, k: K, reuse: bool) -> String {
        let vs = Self::vars_of(scope, T::Node(k));
        if reuse && !vs.is_empty() && self.t.chance(45) {
            return vs[self.t.pick(vs.len())].clone();
        }
        let name = self.var();
        let shape = if k == K::Person && self.t.chance(20) {
            "accused".to_string()
        } else {
            format!(
                "{}{}",
                k.name(),
                self.conds(&scope[..outer.min(scope.len())].to_vec(), k)
            )
        };
        scope.push((name.clone(), T::Node(k)));
        format!("{name}: {shape}")
    }

    /// A pattern starting at a node of kind `start`, with up to `max` nodes.
    fn pattern(&mut self, scope: &mut Scope, start: K, max: usize, first_fresh: bool) -> String {
        let reuse_first = !first_fresh;
        let reuse = reuse_first && self.t.chance(30);
        let outer = scope.len();
        let mut out = self.node(scope, outer, start, reuse);
        let mut k = start;
        let n = 1 + self.t.pick(max);
        for _ in 1..n {
            // (arrow text start, edge name, arrow end, next kind, modifiers allowed, edge fields)
            let opts: &[Step] = match k {
                K::Event => &[
                    ("-", "subject", "->", K::Person, "?", None),
                    ("-", "concerns", "->", K::Event, "*", Some(E::Concerns)),
                    ("<-", "concerns", "-", K::Event, "*", Some(E::Concerns)),
                    ("-", "about", "->", K::Person, "?", None),
                ],
                K::Person => &[
                    ("<-", "subject", "-", K::Event, "?", None),
                    ("-", "owns", "->", K::Item, "", Some(E::Owns)),
                    ("<-", "about", "-", K::Event, "?", None),
                    ("<-", "about", "-", K::Item, "?", None),
                    ("-", "knows", "->", K::Person, "*", None),
                    ("<-", "knows", "-", K::Person, "*", None),
                ],
                K::Item => &[
                    ("<-", "owns", "-", K::Person, "", Some(E::Owns)),
                    ("-", "about", "->", K::Person, "?", None),
                ],
                K::Case => &[],
            };
            if opts.is_empty() {
                break;
            }
            let (a, name, b, next, mods, ef) = opts[self.t.pick(opts.len())];
            let m = if !mods.is_empty() && self.t.chance(30) {
                mods
            } else {
                ""
            };
            let mut edge = String::new();
            if let Some(e) = ef
                && m != "*"
                && self.t.chance(35)
            {
                let v = self.var();
                scope.push((v.clone(), T::Edge(e)));
                edge.push_str(&format!("{v}: "));
            }
            edge.push_str(name);
            edge.push_str(m);
            if let Some(e) = ef
                && self.t.chance(25)
            {
                let c = match e {
                    E::Concerns => format!("(weight {} {})", self.cmp_op(), self.int_lit()),
                    E::Owns => format!("(share {} {})", self.cmp_op(), self.dec_lit()),
                };
                edge.push_str(&c);
            }
            let target = self.node(scope, outer, next, true);
            out.push_str(&format!(" {a}{edge}{b} {target}"));
            k = next;
        }
        out
    }

    fn message(&mut self, scope: &Scope) -> String {
        let mut holes = vec![];
        for _ in 0..self.t.pick(3) {
            let t = *self
                .t
                .one(&[&T::Int, &T::Date, &T::Level, &T::Text, &T::Dec]);
            if self.t.chance(30)
                && let Some((n, _)) = scope.iter().find(|(_, x)| matches!(x, T::Node(_)))
            {
                holes.push(format!("{{{n}}}"));
            } else {
                match self.t.pick(6) {
                    0 => holes.push("{lang()}".to_string()),
                    1 => holes.push(format!("{{label({})}}", self.expr(scope, T::Level, 1))),
                    _ => holes.push(format!("{{{}}}", self.expr(scope, t, 1))),
                }
            }
        }
        let body = holes.join(" / ");
        format!("en \"m {body}\" zh \"消息 {body}\"")
    }

    /// One rule block.
    fn rule(&mut self, id: usize) -> String {
        let mut scope: Scope = vec![];
        let mut s = format!("rule t.r{id} {{\n");
        s.push_str(&format!(
            "  severity {}\n",
            self.t.one(&["error", "warning", "info"])
        ));
        s.push_str("  title en \"T\" zh \"题\"\n  cite en \"C\" zh \"引\"\n");
        let start = *self.t.one(&[&K::Event, &K::Person, &K::Item, &K::Case]);
        let mut bindings = vec![self.pattern(&mut scope, start, 3, true)];
        // (Whether the first pattern is one node: a second that reaches it
        // from an indexed start may start the plan there, see `Swap`.)
        let single = !bindings[0].contains("->") && !bindings[0].contains("<-");
        let pick = if single && self.t.chance(30) {
            5
        } else {
            self.t.pick(5)
        };
        match pick {
            0 | 1 => {}
            2 | 5 => match scope.first().cloned() {
                Some((a, T::Node(ka))) if pick == 5 && matches!(ka, K::Person | K::Event) => {
                    let x = self.var();
                    let ty = self.t.one(&["detention", "notice", "hearing"]);
                    // (Now and then a level read from `a`: that rule keeps its plan.)
                    let level = if self.t.chance(20) {
                        format!("{a}.rank")
                    } else {
                        self.t.one(&["low", "mid", "high"]).to_string()
                    };
                    let role = self.t.one(&["defendant", "victim", "witness"]);
                    let (shape, kx) = match (ka, self.t.pick(4)) {
                        (K::Person, 0) => (format!("event(type = {ty}) -subject-> {a}"), K::Event),
                        (K::Person, 1) => (
                            format!("event(rank = {level}, type = {ty}) -about-> {a}"),
                            K::Event,
                        ),
                        (K::Person, 2) => {
                            (format!("person(role = {role}) -knows-> {a}"), K::Person)
                        }
                        (K::Person, _) => {
                            (format!("person(role = {role}) <-knows- {a}"), K::Person)
                        }
                        (_, 0 | 1) => (format!("event(type = {ty}) -concerns-> {a}"), K::Event),
                        _ => (format!("event(rank = {level}) <-concerns- {a}"), K::Event),
                    };
                    scope.push((x.clone(), T::Node(kx)));
                    bindings.push(format!("{x}: {shape}"));
                }
                _ => {
                    let k = *self.t.one(&[&K::Event, &K::Person]);
                    bindings.push(self.pattern(&mut scope, k, 2, true));
                }
            },
            3 => {
                let v = self.var();
                let (e, t) = if self.t.chance(50) {
                    ("first_hearing".to_string(), T::Node(K::Event))
                } else {
                    (self.expr(&scope, T::Date, 1), T::Date)
                };
                bindings.push(format!("{v} = {e}"));
                scope.push((v, t));
            }
            _ => {
                let v = self.var();
                bindings.push(format!(
                    "{v} in [low, {}]",
                    self.t.one(&["high", "mid", "low"])
                ));
                scope.push((v, T::Level));
            }
        }
        s.push_str(&format!("  for {}\n", bindings.join(", ")));
        if self.t.chance(25) {
            let v = self.var();
            let (e, t) = match self.t.pick(3) {
                0 => (self.expr(&scope, T::Node(K::Event), 2), T::Node(K::Event)),
                1 => (self.expr(&scope, T::Int, 2), T::Int),
                _ => (self.expr(&scope, T::Date, 2), T::Date),
            };
            s.push_str(&format!("  let {v} = {e}\n"));
            scope.push((v, t));
        }
        for _ in 0..self.t.pick(3) {
            s.push_str(&format!("  where {}\n", self.expr(&scope, T::Bool, 3)));
        }
        if self.t.chance(25) {
            s.push_str(&format!("  unless {}\n", self.expr(&scope, T::Bool, 2)));
        }
        if self.t.chance(15) {
            let from = if self.t.chance(60) {
                " from 2024-03-01"
            } else {
                ""
            };
            let until = if from.is_empty() || self.t.chance(50) {
                " until 2024-03-10"
            } else {
                ""
            };
            s.push_str(&format!(
                "  in force{from}{until} on {}\n",
                self.expr(&scope, T::Date, 1)
            ));
        }
        if self.t.chance(75) {
            s.push_str(&format!("  require {}\n", self.expr(&scope, T::Bool, 4)));
            if self.t.chance(40) {
                let due = if self.t.chance(25) {
                    self.datetime_expr(&scope, 1)
                } else {
                    self.expr(&scope, T::Date, 2)
                };
                s.push_str(&format!("  due {due}\n"));
            }
        }
        if self.t.chance(30) {
            let c = self.expr(&scope, T::Bool, 2);
            let m = self.message(&scope);
            s.push_str(&format!("  message when {c} {m}\n"));
        }
        let m = self.message(&scope);
        s.push_str(&format!("  message {m}\n}}\n"));
        s
    }
}

fn gen_pack(tape: &[u32]) -> String {
    let mut t = Tape { data: tape, pos: 0 };
    let n = 1 + t.pick(3);
    let mut g = Gen {
        t: &mut t,
        next_var: 0,
    };
    let mut out = String::new();
    for i in 0..n {
        out.push_str(&g.rule(i));
    }
    out
}

// --------------------------------------------------------- case generator

fn gen_case(tape: &[u32]) -> String {
    gen_case_scaled(tape, 1)
}

/// A case of up to about `scale` times as many nodes, and `scale²` times as
/// many edges, as [`gen_case`]'s.
fn gen_case_scaled(tape: &[u32], scale: usize) -> String {
    use serde_json::{Value as J, json};
    let mut t = Tape { data: tape, pos: 0 };
    let mut nodes: Vec<J> = vec![];
    let mut ids: Vec<(String, K)> = vec![];
    let pool = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "m"];
    let mut next = 0usize;
    let mut id = |t: &mut Tape| {
        next += 1;
        format!("{}{}", pool[t.pick(pool.len())], next)
    };
    let date = |t: &mut Tape| {
        J::from(t.one(&[
            "2024-03-01",
            "2024-02-28",
            "2024-02-29",
            "2024-03-04",
            "2024-03-05",
            "2024-03-08",
            "2024-03-09",
            "2024-03-10",
            "2024-03-11",
            "2024-01-31",
            "2008-02-29",
            "2006-03-02",
        ]))
    };
    let int = |t: &mut Tape| J::from([0i64, 1, 2, 3, 5, -1, 10][t.pick(7)]);
    let dec = |t: &mut Tape| J::from(t.one(&["1.5", "0.5", "2.25", "1.0", "-1.5", "3"]));
    let level = |t: &mut Tape| J::from(t.one(&["low", "mid", "high"]));
    let maybe = |t: &mut Tape, obj: &mut serde_json::Map<String, J>, key: &str, v: J| {
        if t.chance(70) || t.pos > t.data.len() {
            obj.insert(key.to_string(), v);
        }
    };
    // case
    let cid = id(&mut t);
    let mut c = serde_json::Map::new();
    c.insert("id".into(), J::from(cid.clone()));
    c.insert("kind".into(), J::from("case"));
    c.insert(
        "procedure".into(),
        J::from(t.one(&["ordinary", "simplified"])),
    );
    let region = J::from(t.one(&["north", "south"]));
    maybe(&mut t, &mut c, "region", region);
    let flag = J::from(t.chance(50));
    maybe(&mut t, &mut c, "flag", flag);
    let d = date(&mut t);
    maybe(&mut t, &mut c, "start", d);
    nodes.push(J::Object(c));
    ids.push((cid, K::Case));
    for _ in 0..t.pick(4 * scale) {
        let pid = id(&mut t);
        let mut p = serde_json::Map::new();
        p.insert("id".into(), J::from(pid.clone()));
        p.insert("kind".into(), J::from("person"));
        p.insert(
            "role".into(),
            J::from(t.one(&["defendant", "victim", "witness"])),
        );
        let v = J::from(t.one(&["A", "B", "张三"]));
        maybe(&mut t, &mut p, "name", v);
        let v = date(&mut t);
        maybe(&mut t, &mut p, "birth_date", v);
        let v = int(&mut t);
        maybe(&mut t, &mut p, "score", v);
        let v = level(&mut t);
        maybe(&mut t, &mut p, "rank", v);
        let tags: Vec<&str> = ["blind", "deaf", "mute"]
            .into_iter()
            .filter(|_| t.chance(30))
            .collect();
        maybe(&mut t, &mut p, "tags", json!(tags));
        nodes.push(J::Object(p));
        ids.push((pid, K::Person));
    }
    for _ in 0..t.pick(6 * scale) {
        let eid = id(&mut t);
        let mut e = serde_json::Map::new();
        e.insert("id".into(), J::from(eid.clone()));
        e.insert("kind".into(), J::from("event"));
        e.insert(
            "type".into(),
            J::from(t.one(&["detention", "notice", "hearing"])),
        );
        let v = date(&mut t);
        maybe(&mut t, &mut e, "date", v);
        let v = J::from(t.one(&["09:00", "23:30", "00:15"]));
        if t.chance(40) {
            e.insert("time".into(), v);
        }
        let v = int(&mut t);
        maybe(&mut t, &mut e, "qty", v);
        let v = dec(&mut t);
        maybe(&mut t, &mut e, "amount", v);
        let v = J::from(t.chance(50));
        maybe(&mut t, &mut e, "public", v);
        let v = level(&mut t);
        maybe(&mut t, &mut e, "rank", v);
        nodes.push(J::Object(e));
        ids.push((eid, K::Event));
    }
    for _ in 0..t.pick(3) {
        let iid = id(&mut t);
        let mut e = serde_json::Map::new();
        e.insert("id".into(), J::from(iid.clone()));
        e.insert("kind".into(), J::from("item"));
        let v = dec(&mut t);
        maybe(&mut t, &mut e, "value", v);
        let v = int(&mut t);
        maybe(&mut t, &mut e, "qty", v);
        let v = date(&mut t);
        maybe(&mut t, &mut e, "seen", v);
        nodes.push(J::Object(e));
        ids.push((iid, K::Item));
    }
    let of = |k: K| {
        ids.iter()
            .filter(|(_, x)| *x == k)
            .map(|(i, _)| i.clone())
            .collect::<Vec<_>>()
    };
    let (persons, events, items) = (of(K::Person), of(K::Event), of(K::Item));
    let mut edges: Vec<J> = vec![];
    for _ in 0..t.pick(11 * scale * scale) {
        let kind = t.one(&["subject", "concerns", "owns", "about", "knows"]);
        let (from, to) = match kind {
            "subject" => (&events, &persons),
            "concerns" => (&events, &events),
            "owns" => (&persons, &items),
            "about" => {
                if t.chance(50) {
                    (&events, &persons)
                } else {
                    (&items, &persons)
                }
            }
            _ => (&persons, &persons),
        };
        if from.is_empty() || to.is_empty() {
            continue;
        }
        let mut e = serde_json::Map::new();
        e.insert("kind".into(), J::from(kind));
        e.insert("from".into(), J::from(from[t.pick(from.len())].clone()));
        e.insert("to".into(), J::from(to[t.pick(to.len())].clone()));
        match kind {
            "concerns" => {
                let v = int(&mut t);
                maybe(&mut t, &mut e, "weight", v);
            }
            "owns" => {
                let v = dec(&mut t);
                maybe(&mut t, &mut e, "share", v);
                let v = date(&mut t);
                maybe(&mut t, &mut e, "since", v);
            }
            _ => {}
        }
        edges.push(J::Object(e));
    }
    json!({"format": "caselint/case@1", "id": "diff", "nodes": nodes, "edges": edges}).to_string()
}

// ------------------------------------------------------------- the test

static CHECKED: AtomicUsize = AtomicUsize::new(0);
static SKIPPED: AtomicUsize = AtomicUsize::new(0);
static FINDINGS: AtomicUsize = AtomicUsize::new(0);

fn engine_findings(
    pack: &RulePack,
    case: &caselint::CaseGraph,
    as_of: Option<jiff::civil::Date>,
    zh: bool,
) -> Result<Vec<RefFinding>, String> {
    let opts = ReviewOptions {
        as_of,
        lang: if zh {
            Lang::One("zh".into())
        } else {
            Lang::Default
        },
        ..ReviewOptions::default()
    };
    let report = pack.review_with(case, &opts).map_err(|e| e.to_string())?;
    Ok(report
        .findings
        .iter()
        .map(|f| RefFinding {
            rule: f.rule.clone(),
            nodes: f.nodes.clone(),
            message: f.message.as_str().to_string(),
            severity: severity_name(f.severity),
            due: f.due.clone(),
        })
        .collect())
}

/// Runs one generated case; `Ok(false)` when the rules do not check.
fn one_case(rule_tape: &[u32], case_tape: &[u32], as_of_pick: u8) -> Result<bool, TestCaseError> {
    let rules = gen_pack(rule_tape);
    let pack = match RulePack::from_sources([
        ("schema.rules", HEADER.to_string()),
        ("gen.rules", rules.clone()),
    ]) {
        Ok(p) => p,
        Err(e) => {
            if std::env::var_os("CASELINT_DIFF_SHOW_SKIPS").is_some() {
                let msgs: Vec<String> = e.errors().map(|d| d.message.clone()).collect();
                eprintln!("--- skipped (does not check): {msgs:?}\n{rules}");
            }
            return Ok(false);
        }
    };
    let json = gen_case(case_tape);
    let case = pack
        .load_case(&json)
        .map_err(|e| TestCaseError::fail(format!("generated case does not load: {e}\n{json}")))?;
    let as_of = match as_of_pick % 3 {
        0 => None,
        1 => jiff::civil::Date::new(2024, 3, 1).ok(),
        _ => jiff::civil::Date::new(2024, 3, 9).ok(),
    };
    // Messages in the default language (en) or in zh.
    let zh = as_of_pick & 0x80 != 0;
    let engine = engine_findings(&pack, &case, as_of, zh).map_err(|e| {
        TestCaseError::fail(format!("engine error: {e}\nrules:\n{rules}\ncase: {json}"))
    })?;
    let mut reference = Reference::new(pack.program(), &case, as_of);
    if zh {
        reference.lang = "zh".into();
    }
    let reference = reference.review();
    FINDINGS.fetch_add(engine.len(), Ordering::Relaxed);
    if engine != reference {
        let diff_e: Vec<_> = engine.iter().filter(|f| !reference.contains(f)).collect();
        let diff_r: Vec<_> = reference.iter().filter(|f| !engine.contains(f)).collect();
        return Err(TestCaseError::fail(format!(
            "engine and reference differ (as of {as_of:?}, zh {zh})\nonly engine: {diff_e:#?}\nonly reference: {diff_r:#?}\nrules:\n{rules}\ncase: {json}"
        )));
    }
    Ok(true)
}

fn env_usize(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Rules whose quantifiers and aggregates the review answers from tables
/// grouped by level (`event(rank = v)` inside `for v in [...]`, rules
/// `t.g*`) or computes in one walk with the others over the same pattern
/// (rules `t.f*`; see `src/check/shared.rs`), or runs as a kernel (one edge
/// step: rules `t.k*`, and most of the others; `src/eval/kernel.rs`): every
/// kind of quantifier and aggregate, with filters, edge variables, an edge
/// step either way, edge tests, and node tests against outer fields.
const GROUPED: &str = r#"
rule t.g1 {
  severity error
  title en "T" zh "题"
  cite en "C" zh "引"
  for p: person, v in [low, mid, high]
  where (count e: event(rank = v) -subject-> p) >= 1
  require (sum e.qty for e: event(rank = v) -subject-> p) > 3
      or (max e.amount for e: event(rank = v, type = hearing) -subject-> p) > 1.5
  message en "m {count e: event(rank = v) -subject-> p} {min e.date for e: event(rank = v) -subject-> p} {product e.qty for e: event(rank = v) -subject-> p}"
          zh "消息 {max e.date for e: event(rank = v) -subject-> p}"
}
rule t.g2 {
  severity warning
  title en "T" zh "题"
  cite en "C" zh "引"
  for p: person, v in [high, low]
  where exists e: event(rank = v) -subject-> p where e.qty > 1 or e.public is true
  unless every e: event(rank = v) -subject-> p satisfies e.public is true
  require no e: event(rank = v, type = detention) -subject-> p where e.amount > 1.5
  message en "m {id(earliest e: event(rank = v) -subject-> p)} {id(latest e: event(rank = v) -subject-> p)}"
          zh "消息"
}
rule t.g3 {
  severity info
  title en "T" zh "题"
  cite en "C" zh "引"
  for x: event, v in [low, mid]
  where (count e: event(rank = v) -concerns(weight > 1)-> x) != (count e: event(rank = v) -concerns-> x)
      or exists e: event(rank = v) -c: concerns-> x where c.weight is absent
  require (sum c.weight for e: event(rank = v) -c: concerns-> x) < 5
  message en "m {x} {sum c.weight for e: event(rank = v) -c: concerns-> x}" zh "消息"
}
rule t.f1 {
  severity error
  title en "T" zh "题"
  cite en "C" zh "引"
  for p: person, x: event -subject-> p
  where (count e: event(rank = x.rank) -subject-> p) >= 1
  unless exists e2: event(rank = x.rank) -subject-> p where e2.qty is absent and e2.public is true
  let top = max e3.qty for e3: event(rank = x.rank) -subject-> p
  let total = sum e4.amount for e4: event(rank = x.rank) -subject-> p
  let first = earliest e5: event(rank = x.rank) -subject-> p where e5.type != notice
  require top <= 3 and total < 2.5 and first is present
  message en "m {top} {total} {id(first)}" zh "消息"
}
rule t.f2 {
  severity warning
  title en "T" zh "题"
  cite en "C" zh "引"
  for y: event, x: event(type = hearing)
  where (count e: event -c: concerns-> y where c.weight > x.qty) > 0
  let w = sum c2.weight for e2: event -c2: concerns-> y where c2.weight > x.qty
  require w < 4 or (min e3.date for e3: event -c3: concerns-> y where c3.weight > x.qty) > 2024-03-05
  message en "m {w}" zh "消息"
}
rule t.g5 {
  severity info
  title en "T" zh "题"
  cite en "C" zh "引"
  for p: person, v in [low, p.rank]
  require (count e: event(rank = v) -subject-> p) < 2
  message en "m {p} {count e: event(rank = v) -subject-> p}" zh "消息 {label(v)}"
}
rule t.g6 {
  severity error
  title en "T" zh "题"
  cite en "C" zh "引"
  for p: person, v in [low, mid, high]
  where (count e: event(rank = v) -subject-> p) >= 1
  require (count e: event(rank = v) -subject-> p) > 1 or exists e: event(type = hearing) -subject-> p
  message en "m {p} {label(v)} {count e: event(rank = v) -subject-> p}" zh "消息"
}
rule t.g7 {
  severity warning
  title en "T" zh "题"
  cite en "C" zh "引"
  for p: person, v in [high, mid, low]
  where exists e: event(rank = v) -subject-> p
  require no e: event(type = notice) -subject-> p
  message en "m {p} {label(v)} {count e: event(rank = v) -subject-> p}" zh "消息"
}
rule t.g4 {
  severity info
  title en "T" zh "题"
  cite en "C" zh "引"
  for x: event, v in [mid, high]
  require (count y: event(rank = v) <-concerns- x) = (count y: event(rank = v, type = notice) <-concerns- x)
  message en "m {x} {count y: event(rank = v) <-concerns- x}" zh "消息"
}
rule t.k1 {
  severity error
  title en "T" zh "题"
  cite en "C" zh "引"
  for p: person
  where exists e: event -subject-> p where e.rank in [low, high]
  unless exists e: event(type = hearing) -subject-> p where e.rank not in [mid]
  require (count e: event(rank = p.rank) -subject-> p) >= 1
      and no e: event(rank != p.rank) -subject-> p where e.qty is absent
  message en "m {p} {sum e.qty for e: event -subject-> p where e.public is not true}"
          zh "消息 {max e.amount for e: event(qty > p.score) -subject-> p}"
}
rule t.k2 {
  severity warning
  title en "T" zh "题"
  cite en "C" zh "引"
  for x: event -subject-> q: person
  where every p: person <-subject- x where p.score > 1 satisfies p.rank is present
  unless (min p.score for p: person(rank in [low, mid]) <-subject- x) > x.qty
  require (sum e.qty * 2 for e: event(date > x.date) -subject-> q) < 7
      or exists e: event(date >= x.date) -subject-> q where e.rank is high
  message en "m {x} {id(earliest e: event(date > x.date) -subject-> q)}" zh "消息"
}
rule t.k3 {
  severity info
  title en "T" zh "题"
  cite en "C" zh "引"
  for p: person, x: event -subject-> p
  where (product e.amount for e: event(qty >= x.qty) -subject-> p where e.public is false) > 1
      or (min e.amount for e: event(rank = x.rank, type in [notice, hearing]) -subject-> p) < 2
  unless exists e: event(rank != x.rank) -subject-> p where e.rank is high or e.public is true
  require (latest e: event(date < x.date) -subject-> p where e.amount is present) is present
  message en "m {p} {x}" zh "消息"
}
"#;

/// Tables and families give what the clauses as written give.
#[test]
fn tables_and_families_agree_with_reference() {
    let pack = RulePack::from_sources([
        ("schema.rules", HEADER.to_string()),
        ("grouped.rules", GROUPED.to_string()),
    ])
    .unwrap_or_else(|e| panic!("{e:?}"));
    // Each rule's occurrences are answered from tables, or walked once for
    // the family.
    let shared = |prefix: &str, what: &str| {
        pack.program()
            .rules
            .iter()
            .filter(|r| r.id.starts_with(prefix))
            .map(|r| format!("{:?}", r).matches(what).count())
            .collect::<Vec<_>>()
    };
    let tables = shared("t.g", "grouped: Some");
    assert!(tables.iter().all(|&n| n >= 2), "{tables:?}");
    let families = shared("t.f", "family: Some");
    assert!(families.iter().all(|&n| n >= 3), "{families:?}");
    let kernels = shared("t.k", "kernel: Some");
    assert!(kernels.iter().all(|&n| n >= 4), "{kernels:?}");
    let fired = against_reference(
        &pack,
        7,
        (gen_case_scaled, 1),
        400,
        |case, json, zh, engine| {
            // In every language at once (the second language's texts rendered
            // with the review's caches put aside), and with coverage on (the
            // clauses as written bind the variables), the same findings.
            let all = pack
                .review_with(
                    case,
                    &ReviewOptions {
                        lang: Lang::All,
                        ..ReviewOptions::default()
                    },
                )
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let lang = if zh { "zh" } else { "en" };
            let texts: Vec<(String, Vec<String>, String)> = all
                .findings
                .iter()
                .map(|f| {
                    let m = match &f.message {
                        caselint::report::LocalText::All(m) => {
                            m.get(lang).cloned().unwrap_or_default()
                        }
                        caselint::report::LocalText::One(s) => s.clone(),
                    };
                    (f.rule.clone(), f.nodes.clone(), m)
                })
                .collect();
            let mut texts = texts;
            texts.sort();
            // (Findings alike in one language may differ in another: `label(v)`.)
            texts.dedup();
            let mut one: Vec<(String, Vec<String>, String)> = engine
                .iter()
                .map(|f| (f.rule.clone(), f.nodes.clone(), f.message.clone()))
                .collect();
            one.sort();
            prop_assert_eq!(texts, one, "Lang::All, case: {}", json);
            let mut cov = caselint::Coverage::new(pack.program());
            let covered = pack
                .review_covered(case, &ReviewOptions::default(), &mut cov)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let plain = pack
                .review(case)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(covered.findings, plain.findings, "coverage, case: {}", json);
            Ok(())
        },
    );
    // Every rule found something in some case: the comparison is not of empty lists.
    assert_eq!(fired.len(), 12, "rules that fired: {fired:?}");
}

/// Reviews `CASELINT_DIFF_CASES / 5` generated cases (tapes of up to `tape`
/// numbers, [`gen_case_scaled`] by `scale`, seed `CASELINT_DIFF_SEED` or
/// `seed`) with `pack`, in en or zh, and fails on the first whose findings
/// differ from the reference evaluator's, or for which `more` fails (given
/// the case, its JSON, whether in zh, and the findings). Returns how many
/// findings each rule made.
/// A case generator: a tape and a scale to case JSON.
type CaseGen = fn(&[u32], usize) -> String;

fn against_reference(
    pack: &RulePack,
    seed: u64,
    (generate, scale): (CaseGen, usize),
    tape: usize,
    more: impl Fn(&caselint::CaseGraph, &str, bool, &[RefFinding]) -> Result<(), TestCaseError>,
) -> std::collections::BTreeMap<String, usize> {
    let config = Config {
        cases: env_usize("CASELINT_DIFF_CASES", 2500) as u32 / 5,
        failure_persistence: None,
        ..Config::default()
    };
    let mut bytes = [seed as u8; 32];
    bytes[..8].copy_from_slice(&env_usize("CASELINT_DIFF_SEED", seed).to_le_bytes());
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes));
    let strategy = (
        proptest::collection::vec(any::<u32>(), 0..tape),
        any::<bool>(),
    );
    let fired = std::sync::Mutex::new(std::collections::BTreeMap::new());
    let result = runner.run(&strategy, |(case, zh)| {
        let json = generate(&case, scale);
        let case = pack
            .load_case(&json)
            .map_err(|e| TestCaseError::fail(format!("generated case does not load: {e}")))?;
        let engine = engine_findings(pack, &case, None, zh)
            .map_err(|e| TestCaseError::fail(format!("engine error: {e}\ncase: {json}")))?;
        let mut reference = Reference::new(pack.program(), &case, None);
        if zh {
            reference.lang = "zh".into();
        }
        let reference = reference.review();
        if let Ok(mut f) = fired.lock() {
            for x in &engine {
                *f.entry(x.rule.clone()).or_insert(0usize) += 1;
            }
        }
        prop_assert_eq!(&engine, &reference, "case: {}", json);
        more(&case, &json, zh, &engine)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    fired.into_inner().unwrap_or_default()
}

/// Rules whose plan may start at the second pattern's index instead of the
/// first pattern (`Swap` in `src/check/ir.rs`): a review decides case by
/// case, so over cases of varied sizes both starts run.
const SWAPS: &str = r#"
rule t.s1 {
  severity error
  title en "T" zh "题"
  cite en "C" zh "引"
  for p: person(role = defendant), e: event(type = hearing) -subject-> p
  where p.rank in [low, mid]
  require e.date is absent
  message en "m {p} {e.qty}" zh "消息 {p}"
}
rule t.s2 {
  severity warning
  title en "T" zh "题"
  cite en "C" zh "引"
  for p: accused, q: person(role = witness, rank = high) <-knows- p
  message en "m {p} {q}" zh "消息 {q}"
}
rule t.s3 {
  severity info
  title en "T" zh "题"
  cite en "C" zh "引"
  for a: event(type = notice), b: event(rank = low) <-c: concerns(weight > 0)- a
  require a.date <= b.date
  message en "m {a} {b} {c.weight}" zh "消息 {b}"
}
rule t.s4 {
  severity error
  title en "T" zh "题"
  cite en "C" zh "引"
  for p: person(role = defendant), e: event(type = hearing, rank = p.rank) -subject-> p
  message en "m {p} {e}" zh "消息 {e}"
}
rule t.s5 {
  severity info
  title en "T" zh "题"
  cite en "C" zh "引"
  for a: event(type = notice), b: event(rank = low) <-c: concerns(weight > a.qty)- a
  message en "m {a} {b}" zh "消息 {b}"
}
"#;

/// A plan started at the second pattern's index gives what the clauses as
/// written give.
#[test]
fn swapped_starts_agree_with_reference() {
    let pack = RulePack::from_sources([
        ("schema.rules", HEADER.to_string()),
        ("swaps.rules", SWAPS.to_string()),
    ])
    .unwrap_or_else(|e| panic!("{e:?}"));
    // (A test of the second pattern that reads the first variable, `t.s4`
    // and `t.s5`, cannot run before it is bound: those keep their plan.)
    let swapped: Vec<(&str, bool)> = pack
        .program()
        .rules
        .iter()
        .map(|r| (r.id.as_str(), r.swap.is_some()))
        .collect();
    assert_eq!(
        swapped,
        [
            ("t.s1", true),
            ("t.s2", true),
            ("t.s3", true),
            ("t.s4", false),
            ("t.s5", false)
        ]
    );
    let fired = against_reference(&pack, 9, (gen_case_scaled, 3), 1500, |_, _, _, _| Ok(()));
    // Every rule found something in many cases.
    assert!(
        fired.len() == 5 && fired.values().all(|&n| n >= 20),
        "findings by rule: {fired:?}"
    );
}

/// A generated case (the schema of [`HEADER`]) whose first persons are hubs:
/// each event has no subject, one or two (maybe the same person twice), and
/// the first persons know many others. Up to `12 * scale` persons and
/// `20 * scale` events, most of them detentions.
fn gen_hub_case(tape: &[u32], scale: usize) -> String {
    use serde_json::{Value as J, json};
    let mut t = Tape { data: tape, pos: 0 };
    let mut nodes: Vec<J> = vec![json!({"id": "c", "kind": "case", "procedure": "ordinary"})];
    let persons = 2 + t.pick(12 * scale);
    let events = 1 + t.pick(20 * scale);
    for i in 0..persons {
        let mut p = json!({
            "id": format!("p{i:03}"),
            "kind": "person",
            "role": t.one(&["defendant", "victim", "witness"]),
            "rank": t.one(&["low", "mid", "high"]),
        });
        if t.chance(60) {
            p["score"] = J::from(t.pick(6));
        }
        nodes.push(p);
    }
    for i in 0..events {
        let mut e = json!({
            "id": format!("e{i:03}"),
            "kind": "event",
            // (Notices and hearings are rare: few nodes in their index.)
            "type": t.one(&["detention"; 8]
                .iter()
                .chain(&["notice", "hearing"])
                .copied()
                .collect::<Vec<_>>()),
            "rank": t.one(&["low", "mid", "high"]),
        });
        if t.chance(85) {
            e["date"] = J::from(t.one(&["2024-03-01", "2024-03-04", "2024-03-05", "2024-03-08"]));
        }
        if t.chance(40) {
            e["time"] = J::from(t.one(&["09:00", "23:30"]));
        }
        if t.chance(70) {
            e["qty"] = J::from(t.pick(4));
        }
        nodes.push(e);
    }
    // (Most edges reach one of the first three persons.)
    let hub = |t: &mut Tape| {
        if t.chance(80) {
            t.pick(3.min(persons))
        } else {
            t.pick(persons)
        }
    };
    let mut edges: Vec<J> = vec![];
    for i in 0..events {
        for _ in 0..[0, 1, 1, 1, 2][t.pick(5)] {
            let p = hub(&mut t);
            edges.push(
                json!({"kind": "subject", "from": format!("e{i:03}"), "to": format!("p{p:03}")}),
            );
        }
    }
    for _ in 0..t.pick(30 * scale) {
        let (a, b) = (hub(&mut t), t.pick(persons));
        edges.push(json!({"kind": "knows", "from": format!("p{a:03}"), "to": format!("p{b:03}")}));
    }
    json!({"format": "caselint/case@1", "id": "hubs", "nodes": nodes, "edges": edges}).to_string()
}

const INDEX_STEPS: &str = r#"
rule t.i1 {
  severity error
  title en "T" zh "题"
  cite en "C" zh "引"
  for p: accused
  let s = earliest e: event(type = hearing) -subject?-> p
  require s is present and s.date <= 2024-03-05
  message en "m {p} {s}" zh "消息 {p} {s}"
}
rule t.i2 {
  severity warning
  title en "T" zh "题"
  cite en "C" zh "引"
  for p: person(role = defendant), e: event(type = notice, rank = p.rank) -subject-> p
  require e.time is present
  message en "m {p} {e}" zh "消息 {e}"
}
rule t.i3 {
  severity info
  title en "T" zh "题"
  cite en "C" zh "引"
  for p: accused, q: person(role = witness, rank = p.rank) <-knows- p
  require q.score is absent or q.score < 3
  message en "m {p} {q}" zh "消息 {q}"
}
def first_of(p: person, t: event.type) = earliest e: event(type = t) -subject?-> p
rule t.i5 {
  severity warning
  title en "T" zh "题"
  cite en "C" zh "引"
  for p: person, t in [notice, hearing]
  let s = first_of(p, t)
  require s is absent or s.date >= 2024-03-04
  message en "m {p} {t} {s}" zh "消息 {p} {s}"
}
rule t.i4 {
  severity error
  title en "T" zh "题"
  cite en "C" zh "引"
  for p: person(role = victim)
  where exists e: event(type = notice) -subject?-> p where e.qty > 1
  require (count e: event(type = notice) -subject?-> p) < 2
  message en "m {p}" zh "消息 {p}"
}
"#;

/// A step from a node with many edges to the nodes of an enum index reads
/// the index inverted (once walks have cost more than inverting it): the
/// same matches, in the same order, as walking the node's edges. The cases
/// ([`gen_hub_case`]) have persons with dozens of `subject` and `knows`
/// edges, parallel ones among them, and events without a subject. The
/// enum value may be a constant or a definition's parameter (`t.i5`).
#[test]
fn index_steps_agree_with_reference() {
    let pack = RulePack::from_sources([
        ("schema.rules", HEADER.to_string()),
        ("index.rules", INDEX_STEPS.to_string()),
    ])
    .unwrap_or_else(|e| panic!("{e:?}"));
    let fired = against_reference(&pack, 11, (gen_hub_case, 3), 1500, |_, _, _, _| Ok(()));
    assert!(
        fired.len() == 5 && fired.values().all(|&n| n >= 20),
        "findings by rule: {fired:?}"
    );
}

const REMEMBERED: &str = r#"
def first_of(p: person, t: event.type) = earliest e: event(type = t) -subject?-> p
def notices(p: person): int = count e: event(type = notice) -subject-> p
rule t.m1 {
  severity error
  title en "T" zh "题"
  cite en "C" zh "引"
  for p: person, ta in [detention, notice, hearing], tb in [detention, notice, hearing]
  where ta != tb
  let a = first_of(p, ta)
  let b = first_of(p, tb)
  require a.date <= b.date
  message en "m {p} {ta} {tb} {a} {b}" zh "消息 {p} {a} {b}"
}
rule t.m2 {
  severity warning
  title en "T" zh "题"
  cite en "C" zh "引"
  for p: accused, k in [0, 1, 2]
  where notices(p) > k
  let h = first_of(p, hearing)
  require h is present and notices(p) <= k + 2
  message en "m {p} {k} {h}" zh "消息 {p} {k}"
}
"#;

/// A definition's value remembered for its arguments is read back, for
/// every pair of arguments, before the definition's frame is built
/// (`Ctx::remembered`): the same findings as computing each call.
#[test]
fn remembered_calls_agree_with_reference() {
    let pack = RulePack::from_sources([
        ("schema.rules", HEADER.to_string()),
        ("remembered.rules", REMEMBERED.to_string()),
    ])
    .unwrap_or_else(|e| panic!("{e:?}"));
    let fired = against_reference(&pack, 17, (gen_hub_case, 3), 1000, |_, _, _, _| Ok(()));
    assert!(
        fired.len() == 2 && fired.values().all(|&n| n >= 20),
        "findings by rule: {fired:?}"
    );
}

const OPEN_TABLES: &str = r#"
def open_count(p: person, t: event.type): int = count e: event(type = t) -subject?-> p
def open_any(p: person, t: event.type): bool = exists e: event(type = t) -subject?-> p where e.qty > 2
def open_last(p: person, t: event.type) = latest e: event(type = t) -subject?-> p
def open_sum(p: person, t: event.type): int = sum e.qty for e: event(type = t, rank = high) -subject?-> p
def open_none(p: person, t: event.type): bool = no e: event(type = t) -subject?-> p where e.date is absent
rule t.o1 {
  severity error
  title en "T" zh "题"
  cite en "C" zh "引"
  for p: person, t in [detention, notice, hearing]
  let c = open_count(p, t)
  let l = open_last(p, t)
  require c < 3 or (open_any(p, t) and l.date <= 2024-03-04)
  message en "m {p} {t} {c} {l}" zh "消息 {p} {c}"
}
rule t.o2 {
  severity warning
  title en "T" zh "题"
  cite en "C" zh "引"
  for p: person, t in [detention, notice, hearing]
  where open_sum(p, t) > 2
  require open_none(p, t)
  message en "m {p} {t} {open_sum(p, t)}" zh "消息 {p}"
}
rule t.o3 {
  severity info
  title en "T" zh "题"
  cite en "C" zh "引"
  for p: person, t in [detention, notice, hearing]
  where (count e: event(type = t) -subject?-> p) >= 1
      and exists e: event(type = t) -subject?-> p where e.qty > 1
  require (count e: event(type = t) -subject?-> p) < 4
  message en "m {p} {t}" zh "消息 {p}"
}
"#;

/// A definition's quantifier or aggregate over an open edge against its
/// arrow, grouped by a parameter (`count e: event(type = t) -subject?->
/// p`), is read from a table whose entries stay open: each read adds the
/// events without a subject, after the person's own (`Grouped::open`). The
/// same findings as walking, for each kind of accumulator; and in a rule's
/// `where` after a loop (`t.o3`), where such a table must not reject a
/// loop value before binding it (its entries leave out those events).
#[test]
fn open_tables_in_definitions_agree_with_reference() {
    let pack = RulePack::from_sources([
        ("schema.rules", HEADER.to_string()),
        ("open.rules", OPEN_TABLES.to_string()),
    ])
    .unwrap_or_else(|e| panic!("{e:?}"));
    let tables = pack
        .program()
        .defs
        .iter()
        .filter(|d| matches!(&d.body, Expr::Quant(_, q, _) | Expr::Agg(_, _, q) if q.grouped.as_ref().is_some_and(|g| g.open)))
        .count();
    assert_eq!(tables, 5, "every definition reads an open table");
    let fired = against_reference(&pack, 19, (gen_hub_case, 3), 1000, |_, _, _, _| Ok(()));
    assert!(
        fired.len() == 3 && fired.values().all(|&n| n >= 20),
        "findings by rule: {fired:?}"
    );
}

const INDEX_LISTS: &str = r#"
rule t.l1 {
  severity error
  title en "T" zh "题"
  cite en "C" zh "引"
  for p: person
  let n = count e: event(type in [notice, hearing, notice]) -subject?-> p
  let f = earliest e: event(type in [hearing, notice]) -subject?-> p where e.qty is present
  require n < 3 or f.date <= 2024-03-04
  message en "m {p} {n} {f}" zh "消息 {p} {n}"
}
rule t.l2 {
  severity warning
  title en "T" zh "题"
  cite en "C" zh "引"
  for p: accused, e: event(type in [hearing, notice]) -subject?-> p
  where e.rank != low
  require e.qty is present and e.qty > 0
  message en "m {p} {e}" zh "消息 {p} {e}"
}
"#;

/// An open step whose node test is an enum field against a list of values
/// (`type in [notice, hearing]`), from a node with many edges, reads the
/// values' inverted lists together once they are built (`index_step_any`):
/// each match once (a value written twice too), in the walk's order. (The
/// lists are built here: reading only the first value's, or only the first
/// entry, fails this test.)
#[test]
fn list_index_steps_agree_with_reference() {
    let pack = RulePack::from_sources([
        ("schema.rules", HEADER.to_string()),
        ("lists.rules", INDEX_LISTS.to_string()),
    ])
    .unwrap_or_else(|e| panic!("{e:?}"));
    let fired = against_reference(&pack, 23, (gen_hub_case, 3), 1000, |_, _, _, _| Ok(()));
    assert!(
        fired.len() == 2 && fired.values().all(|&n| n >= 20),
        "findings by rule: {fired:?}"
    );
}

const HOISTS: &str = r#"
rule t.h1 {
  severity error
  title en "T" zh "题"
  cite en "C" zh "引"
  for p: accused, i in [0, 1, 2, 3], j in [0, 1, 2, 3]
  where i < j
  let a = count e: event -subject-> p where e.qty = i
  require a <= (count e: event -subject-> p where e.qty = j)
  message en "m {p} {i} {j} {a}" zh "消息 {p} {i} {j}"
}
rule t.h2 {
  severity warning
  title en "T" zh "题"
  cite en "C" zh "引"
  for e: event(type = notice), k in [low, mid, high]
  where k != low
  require e.rank != k
  message en "m {e} {k}" zh "消息 {e} {k}"
}
rule t.h3 {
  severity info
  title en "T" zh "题"
  cite en "C" zh "引"
  for d: accused, h = first_hearing
  where h.date is present
  require exists e: event(type = detention) -subject-> d where e.date <= h.date
  message en "m {d} {h}" zh "消息 {d} {h}"
}
rule t.h4 {
  severity error
  title en "T" zh "题"
  cite en "C" zh "引"
  for e: event(type = hearing), k in [low, mid, high]
  where k != low and e.qty is present
  require e.rank != k
  message en "m {e} {k}" zh "消息 {e} {k}"
}
"#;

/// Loops and values that read no pattern's variable, tested by a `where`
/// alone, run before the patterns (`src/check/plan.rs`, `hoisted`): the same
/// findings as the clauses as written.
#[test]
fn hoisted_loops_agree_with_reference() {
    let pack = RulePack::from_sources([
        ("schema.rules", HEADER.to_string()),
        ("hoists.rules", HOISTS.to_string()),
    ])
    .unwrap_or_else(|e| panic!("{e:?}"));
    // Each plan starts with what was hoisted; but `t.h4`, whose `where`
    // also tests the event alone, keeps the event's scan first.
    for r in &pack.program().rules {
        let hoisted = matches!(r.plan.first(), Some(Op::Each(..) | Op::Value(..)));
        assert_eq!(hoisted, r.id != "t.h4", "{}: {:?}", r.id, r.plan.first());
    }
    let fired = against_reference(&pack, 13, (gen_case_scaled, 2), 1000, |_, _, _, _| Ok(()));
    assert!(
        fired.len() == 4 && fired.values().all(|&n| n >= 20),
        "findings by rule: {fired:?}"
    );
}

#[test]
fn engine_agrees_with_reference() {
    let cases = env_usize("CASELINT_DIFF_CASES", 2500) as u32;
    let seed = env_usize("CASELINT_DIFF_SEED", 0x5eed_ca5e);
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 2000,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes));
    let strategy = (
        proptest::collection::vec(any::<u32>(), 0..300),
        proptest::collection::vec(any::<u32>(), 0..200),
        any::<u8>(),
    );
    let result = runner.run(&strategy, |(rules, case, as_of)| {
        if one_case(&rules, &case, as_of)? {
            CHECKED.fetch_add(1, Ordering::Relaxed);
        } else {
            SKIPPED.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    });
    let (checked, skipped) = (
        CHECKED.load(Ordering::Relaxed),
        SKIPPED.load(Ordering::Relaxed),
    );
    eprintln!(
        "differential: {checked} packs checked and compared, {skipped} skipped, {} findings",
        FINDINGS.load(Ordering::Relaxed)
    );
    if let Err(e) = result {
        panic!("{e}");
    }
    assert!(
        checked * 10 >= (checked + skipped) * 7,
        "too many generated rule packs fail to check: {skipped} of {}",
        checked + skipped
    );
}

/// The generator's packs cover every construct it can write (a check that it is not degenerate).
#[test]
fn generated_packs_mostly_check() {
    let mut ok = 0;
    for i in 0..200u32 {
        let tape: Vec<u32> = (0..300u32)
            .map(|j| {
                i.wrapping_mul(2_654_435_761)
                    .wrapping_add(j.wrapping_mul(40_503))
                    ^ (j << 7)
            })
            .collect();
        let rules = gen_pack(&tape);
        if RulePack::from_sources([("schema.rules", HEADER.to_string()), ("gen.rules", rules)])
            .is_ok()
        {
            ok += 1;
        }
    }
    assert!(ok >= 140, "only {ok} of 200 generated packs check");
}

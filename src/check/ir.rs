//! Stage 2 output: the typed IR. Every name is resolved to a slot, a field id or a definition id.

use crate::graph::{EdgeKindId, EnumId, FieldId, KindId, Schema};
use crate::syntax::ast::{Agg, CmpOp, EdgeMod, Quant, Severity, Span, Unit};
use jiff::civil::{Date, DateTime, Time};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The type of an expression.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ty {
    /// `true` / `false`
    Bool,
    /// 64-bit integer.
    Int,
    /// Exact decimal.
    Decimal,
    /// Text.
    Text,
    /// A calendar day.
    Date,
    /// A time of day.
    Time,
    /// A day and a time.
    DateTime,
    /// A span of hours, days, months or years.
    Duration,
    /// A value of an enum.
    Enum(EnumId),
    /// A list.
    List(Box<Ty>),
    /// A node of a kind.
    Node(KindId),
    /// An edge of a kind.
    Edge(EdgeKindId),
    /// A row of a table.
    Row(TableId),
    /// The empty list `[]`, or an error already reported: fits anywhere.
    Any,
}

impl Ty {
    /// Whether this is `int` or `decimal`.
    pub fn is_numeric(&self) -> bool {
        matches!(self, Ty::Int | Ty::Decimal | Ty::Any)
    }
}

/// A variable's slot in a rule's or definition's frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slot(pub u32);

/// Index into [`Program::defs`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DefId(pub u32);

/// Index into [`Program::tables`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TableId(pub u32);

/// A constant value known when the pack is checked.
#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    /// `true`
    Bool(bool),
    /// `42`
    Int(i64),
    /// `52000.50`
    Decimal(Decimal),
    /// `"…"` without holes
    Text(Arc<str>),
    /// `2024-03-01`
    Date(Date),
    /// `14:30`
    Time(Time),
    /// An enum value.
    Enum(EnumId, u16),
}

/// Built-in functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    /// `years_between(a, b)`
    YearsBetween,
    /// `days_between(a, b)`
    DaysBetween,
    /// `datetime(d, t)`
    DateTime,
    /// `date_of(dt)`
    DateOf,
    /// `is_working_day(d)`
    IsWorkingDay,
    /// `next_working_day(d)`
    NextWorkingDay,
    /// `working_deadline(d)`
    WorkingDeadline,
    /// `min(a, b)`
    Min,
    /// `max(a, b)`
    Max,
    /// `abs(x)`
    Abs,
    /// `len(list)`
    Len,
    /// `round(x, places)`: a decimal to `places` digits after the point,
    /// halves away from zero.
    Round,
    /// `label(v)`
    Label,
    /// `trim(text)`: without white space at either end.
    Trim,
    /// `id(node)`
    Id,
    /// `lang()`: the language the review is rendered in.
    Lang,
}

/// Arithmetic operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Arith {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

/// The never-unknown tests.
#[derive(Clone, Debug, PartialEq)]
pub enum Test {
    /// `is absent`
    Absent,
    /// `is present`
    Present,
    /// `is true`
    True,
    /// `is false`
    False,
    /// `is VALUE`
    Equals(Const),
}

/// A typed expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A constant.
    Const(Const),
    /// A list of expressions.
    List(Vec<Expr>),
    /// `"… {x} …"`: text with values filled in (in the review's language).
    Format(Vec<Piece>),
    /// A variable.
    Local(Slot),
    /// A node's field; the type says how to read the stored value.
    Field(Box<Expr>, FieldId, Ty),
    /// An edge's field.
    EdgeField(Box<Expr>, FieldId, Ty),
    /// A table row's column.
    Column(Box<Expr>, u32),
    /// The one node of an `(exactly one)` kind.
    Singleton(KindId),
    /// A call of a definition.
    Call(DefId, Vec<Expr>),
    /// A table lookup.
    Lookup(TableId, Vec<Expr>),
    /// A built-in function.
    Builtin(Builtin, Vec<Expr>),
    /// `not e`
    Not(Box<Expr>),
    /// `-e`
    Neg(Box<Expr>),
    /// `a and b`
    And(Box<Expr>, Box<Expr>),
    /// `a or b`
    Or(Box<Expr>, Box<Expr>),
    /// Arithmetic, including date ± duration.
    Arith(Arith, Box<Expr>, Box<Expr>),
    /// `a op b op c`
    Compare(Box<Expr>, Vec<(CmpOp, Expr)>),
    /// `x in list` (negated for `not in`)
    In(Box<Expr>, Box<Expr>, bool),
    /// `list contains x`
    Contains(Box<Expr>, Box<Expr>),
    /// `list contains any list`
    ContainsAny(Box<Expr>, Box<Expr>),
    /// `a otherwise b`
    Otherwise(Box<Expr>, Box<Expr>),
    /// `e is [not] …`
    Is(Box<Expr>, bool, Test),
    /// `n days`
    Duration(Box<Expr>, Unit),
    /// `if c then a else b`
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `exists …`, `no …`, `every …`
    Quant(Quant, Box<Query>, Option<Box<Expr>>),
    /// `count …`, `sum … for …`, `earliest …`
    Agg(Agg, Option<Box<Expr>>, Box<Query>),
}

impl Expr {
    /// The expressions directly inside this one, in order: operands, arguments,
    /// holes, and for quantifiers and aggregates every expression of the query
    /// (field-test values, the filter) and the body or value.
    pub fn children(&self) -> Vec<&Expr> {
        let mut out: Vec<&Expr> = vec![];
        match self {
            Expr::Const(_) | Expr::Local(_) | Expr::Singleton(_) => {}
            Expr::List(xs) | Expr::Call(_, xs) | Expr::Lookup(_, xs) | Expr::Builtin(_, xs) => {
                out.extend(xs)
            }
            Expr::Format(ps) => out.extend(ps.iter().filter_map(|p| match p {
                Piece::Hole(x) => Some(x),
                Piece::Lit(_) => None,
            })),
            Expr::Field(x, ..)
            | Expr::EdgeField(x, ..)
            | Expr::Column(x, _)
            | Expr::Not(x)
            | Expr::Neg(x)
            | Expr::Is(x, ..)
            | Expr::Duration(x, _) => out.push(x),
            Expr::And(a, b)
            | Expr::Or(a, b)
            | Expr::Arith(_, a, b)
            | Expr::In(a, b, _)
            | Expr::Contains(a, b)
            | Expr::ContainsAny(a, b)
            | Expr::Otherwise(a, b) => out.extend([&**a, &**b]),
            Expr::Compare(a, rest) => {
                out.push(a);
                out.extend(rest.iter().map(|(_, x)| x));
            }
            Expr::If(c, a, b) => out.extend([&**c, &**a, &**b]),
            Expr::Quant(_, q, body) => {
                out.extend(q.exprs());
                out.extend(body.as_deref());
            }
            Expr::Agg(_, v, q) => {
                out.extend(q.exprs());
                out.extend(v.as_deref());
            }
        }
        out
    }
}

impl Expr {
    /// Whether it holds a quantifier or an aggregate.
    pub fn has_query(&self) -> bool {
        matches!(self, Expr::Quant(..) | Expr::Agg(..))
            || self.children().into_iter().any(Expr::has_query)
    }

    /// [`Expr::children`], mutably (for rewriting passes such as inlining).
    pub fn children_mut(&mut self) -> Vec<&mut Expr> {
        let mut out: Vec<&mut Expr> = vec![];
        match self {
            Expr::Const(_) | Expr::Local(_) | Expr::Singleton(_) => {}
            Expr::List(xs) | Expr::Call(_, xs) | Expr::Lookup(_, xs) | Expr::Builtin(_, xs) => {
                out.extend(xs.iter_mut())
            }
            Expr::Format(ps) => out.extend(ps.iter_mut().filter_map(|p| match p {
                Piece::Hole(x) => Some(x),
                Piece::Lit(_) => None,
            })),
            Expr::Field(x, ..)
            | Expr::EdgeField(x, ..)
            | Expr::Column(x, _)
            | Expr::Not(x)
            | Expr::Neg(x)
            | Expr::Is(x, ..)
            | Expr::Duration(x, _) => out.push(x),
            Expr::And(a, b)
            | Expr::Or(a, b)
            | Expr::Arith(_, a, b)
            | Expr::In(a, b, _)
            | Expr::Contains(a, b)
            | Expr::ContainsAny(a, b)
            | Expr::Otherwise(a, b) => {
                out.push(a);
                out.push(b);
            }
            Expr::Compare(a, rest) => {
                out.push(a);
                out.extend(rest.iter_mut().map(|(_, x)| x));
            }
            Expr::If(c, a, b) => {
                out.push(c);
                out.push(a);
                out.push(b);
            }
            Expr::Quant(_, q, body) => {
                out.extend(q.exprs_mut());
                out.extend(body.as_deref_mut());
            }
            Expr::Agg(_, v, q) => {
                out.extend(q.exprs_mut());
                out.extend(v.as_deref_mut());
            }
        }
        out
    }
}

impl Query {
    /// The variables the query binds, nodes and edges (`-c: concerns->`), in
    /// the order of its steps.
    pub fn own_slots_with_edges(&self) -> Vec<Slot> {
        let mut out = vec![];
        for s in &self.steps {
            match s {
                QStep::Scan { slot, .. } => out.push(*slot),
                QStep::Expand {
                    to,
                    to_bound,
                    edge_slot,
                    ..
                } => {
                    if !to_bound {
                        out.push(*to);
                    }
                    out.extend(*edge_slot);
                }
                QStep::Check { .. } => {}
            }
        }
        out
    }

    /// The slots `steps` bind themselves: a scan's, and an edge step's new end.
    pub fn own_slots(steps: &[QStep]) -> Vec<Slot> {
        steps
            .iter()
            .filter_map(|s| match s {
                QStep::Scan { slot, .. } => Some(*slot),
                QStep::Expand {
                    to,
                    to_bound: false,
                    ..
                } => Some(*to),
                _ => None,
            })
            .collect()
    }

    /// The slots `steps` read without binding them: a start or a checked
    /// variable, or a variable named twice, that no step of the pattern binds.
    pub fn anchors_of(steps: &[QStep]) -> Vec<Slot> {
        let own = Query::own_slots(steps);
        let mut out: Vec<Slot> = vec![];
        let mut read = |s: Slot| {
            if !own.contains(&s) && !out.contains(&s) {
                out.push(s);
            }
        };
        for s in steps {
            match s {
                QStep::Scan { .. } => {}
                QStep::Check { slot, .. } => read(*slot),
                QStep::Expand {
                    from, to, to_bound, ..
                } => {
                    read(*from);
                    if *to_bound {
                        read(*to);
                    }
                }
            }
        }
        out
    }

    /// [`Query::exprs`], mutably.
    pub fn exprs_mut(&mut self) -> Vec<&mut Expr> {
        let mut out: Vec<&mut Expr> = vec![];
        for s in &mut self.steps {
            match s {
                QStep::Scan { tests, .. } | QStep::Check { tests, .. } => {
                    out.extend(tests.iter_mut().map(|t| &mut t.value))
                }
                QStep::Expand {
                    node_tests,
                    edge_tests,
                    ..
                } => out.extend(
                    node_tests
                        .iter_mut()
                        .chain(edge_tests.iter_mut())
                        .map(|t| &mut t.value),
                ),
            }
        }
        out.extend(self.filter.as_mut());
        out
    }

    /// Every expression of the query: field-test values of its steps, then the filter.
    pub fn exprs(&self) -> Vec<&Expr> {
        let mut out: Vec<&Expr> = vec![];
        for s in &self.steps {
            match s {
                QStep::Scan { tests, .. } | QStep::Check { tests, .. } => {
                    out.extend(tests.iter().map(|t| &t.value))
                }
                QStep::Expand {
                    node_tests,
                    edge_tests,
                    ..
                } => out.extend(node_tests.iter().chain(edge_tests).map(|t| &t.value)),
            }
        }
        out.extend(self.filter.as_ref());
        out
    }
}

/// A condition on a field of the node or edge just matched.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldTest {
    /// The field.
    pub field: FieldId,
    /// Its type.
    pub ty: Ty,
    /// The comparison, or `None` for membership.
    pub op: Option<CmpOp>,
    /// The value compared with.
    pub value: Expr,
}

/// One step of a compiled pattern.
#[derive(Clone, Debug, PartialEq)]
pub enum QStep {
    /// Bind `slot` to every node of `kind` (through the enum index when `index` is set).
    Scan {
        /// Slot bound.
        slot: Slot,
        /// Node kind.
        kind: KindId,
        /// `field = value` served by the enum index.
        index: Option<(FieldId, u16)>,
        /// Further field tests.
        tests: Vec<FieldTest>,
    },
    /// Check that the node in `slot` passes `tests` (a pattern that starts at a bound variable).
    Check {
        /// Slot checked.
        slot: Slot,
        /// Field tests.
        tests: Vec<FieldTest>,
    },
    /// Follow edges of `edge` from the node in `from` to a node bound to `to`.
    Expand {
        /// Where the step starts.
        from: Slot,
        /// The edge kind.
        edge: EdgeKindId,
        /// `true`: follow edges leaving `from`; `false`: edges arriving at it.
        forward: bool,
        /// One edge, open, or a path.
        modifier: EdgeMod,
        /// `true` when the edge's arrow points from `from` to `to` as written in the pattern
        /// (used by the open edge, whose "no edge" case belongs to the arrow's source).
        arrow_from_start: bool,
        /// The node reached.
        to: Slot,
        /// `true` when `to` is already bound: the step only checks the edge exists.
        to_bound: bool,
        /// Kind required of the node reached (None when any kind the edge allows).
        kind: Option<KindId>,
        /// Field tests on the node reached.
        node_tests: Vec<FieldTest>,
        /// Slot the edge is bound to (`-s: supports->`).
        edge_slot: Option<Slot>,
        /// Only nodes whose id is above the node in this slot (`where a < b`,
        /// `b` the node reached): the edges are sorted by the other end's id,
        /// so the step starts after it.
        above: Option<Slot>,
        /// Field tests on the edge.
        edge_tests: Vec<FieldTest>,
    },
}

/// A compiled pattern with its filter.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// Steps, in execution order.
    pub steps: Vec<QStep>,
    /// `where` filter, checked once all steps have bound their slots.
    pub filter: Option<Expr>,
    /// The slot bound to the pattern's first node (the one `earliest`/`latest` return).
    pub head: Slot,
    /// The head's kind.
    pub head_kind: KindId,
    /// Where it is written.
    pub span: Span,
    /// The variables bound outside the pattern that its steps start from or
    /// check (`n` in `-concerns-> n`): [`Query::anchors_of`] of the steps.
    pub anchors: Vec<Slot>,
    /// For the query of a quantifier or an aggregate a review computes for
    /// all its anchors at once: see [`Grouped`].
    pub grouped: Option<Box<Grouped>>,
    /// For the query of a quantifier or an aggregate whose pattern others
    /// of the same rule share: see [`Family`].
    pub family: Option<Box<Family>>,
    /// For the query of a quantifier or an aggregate of one edge step from
    /// a bound node: the loop a review runs instead of the general walk;
    /// see [`Kernel`].
    pub kernel: Option<Box<Kernel>>,
}

/// Quantifiers and aggregates of one rule over the same pattern
/// (`count`, `max s.months`, `sum s.months` and `exists … where s.months is
/// absent` of `s: sentence(scope = single, penalty = cs.penalty)
/// -imposed_on-> d`): the first one a review evaluates walks the pattern
/// once and computes them all, for the values the outer variables have then;
/// the others read theirs as long as those values are the same.
#[derive(Clone, Debug, PartialEq)]
pub struct Family {
    /// The review's entry for the family.
    pub id: u32,
    /// The outer variables the members read, at most [`Family::MAX_KEY`].
    pub key: Vec<Slot>,
    /// This occurrence's place in `members`.
    pub index: u32,
    /// The pattern (the first member's, without a filter).
    pub walk: Query,
    /// Every member, in the order of the rule.
    pub members: Vec<Member>,
    /// The walk and every member as one loop, when the walk is one edge step.
    pub kernel: Option<Kernel>,
}

impl Family {
    /// The most outer variables a family's values may depend on.
    pub const MAX_KEY: usize = 4;
}

/// One quantifier or aggregate of a [`Family`], its variables renamed to
/// the walk's.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// Which.
    pub of: MemberOf,
    /// Its filter (`where`).
    pub filter: Option<Expr>,
    /// The body of `every`, or the value of `sum`, `max` …
    pub expr: Option<Expr>,
    /// Its head variable.
    pub head: Slot,
}

/// What a [`Member`] computes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MemberOf {
    /// `exists`, `no`, `every`.
    Quant(Quant),
    /// `count`, `sum`, …
    Agg(Agg),
}

/// A quantifier or an aggregate over one edge step from a bound node, one of
/// whose node tests compares an enum field with a variable of a `for v in
/// [...]` loop (`count s: sentence(scope = single, penalty = k)
/// -imposed_on-> d` inside `for … k in [a, b, c]`): a review computes it for
/// every such node and every value of the field at once, in one pass over
/// the sentences and their edges, into a table by defendant and penalty;
/// each `k` then reads its row instead of walking the defendant's edges
/// again.
///
/// Only a query whose other tests, filter and body or value read nothing
/// but its own variables and constants qualifies: its value depends on the
/// anchor and the field's value alone. `src/check/shared.rs` says which. A
/// definition's query qualifies in the same way when the field is compared
/// with a parameter (`def first_act(d: person, t: event.type) = earliest e:
/// event(type = t) -subject?-> d`).
#[derive(Clone, Debug, PartialEq)]
pub struct Grouped {
    /// Same id, same table: the occurrences that are the same computation up
    /// to the names of their variables share one, across rules.
    pub id: u32,
    /// The bound node the step starts from.
    pub anchor: Slot,
    /// The query the table is built from: the occurrence's, without the
    /// grouped test.
    pub query: Query,
    /// The enum field of the node reached the table is grouped by.
    pub field: FieldId,
    /// What the field is compared with (`k`; reads only outer variables).
    pub value: Expr,
    /// The step is an open edge taken against its arrow (`e: event(type =
    /// t) -subject?-> d`): the nodes of the kind without any such edge match
    /// from every anchor, after the anchor's own matches. The table keeps
    /// each entry's accumulator open, and a read adds those nodes to it.
    pub open: bool,
}

/// A quantifier or an aggregate (or a [`Family`] of them) over one edge step
/// from a bound node to a new variable (`count s: sentence(scope = single,
/// penalty = k) -imposed_on-> d`), run as one loop over the node's edges
/// with the accumulators inline, instead of the general walk and its
/// visitor. Its node tests compare with constants or with outer values read
/// once per walk (`k`, `cs.penalty`); a filter or a value of the commonest
/// shapes (`s.months`, `s.months is absent`, `s.penalty in [life, death]`)
/// is read on the stored field. Anything else is evaluated as written, with
/// the variable bound, so the values are the walk's
/// (`src/check/shared.rs`, `src/eval/kernel.rs`).
#[derive(Clone, Debug, PartialEq)]
pub struct Kernel {
    /// The bound node the step starts from.
    pub from: Slot,
    /// The edge kind.
    pub edge: EdgeKindId,
    /// `true`: edges leaving `from`.
    pub forward: bool,
    /// Kind required of the node reached.
    pub kind: Option<KindId>,
    /// The variable the node reached is bound to.
    pub to: Slot,
    /// The head's kind (for `earliest`/`latest`).
    pub head_kind: KindId,
    /// The node tests, each with where its value comes from.
    pub tests: Vec<(FieldTest, TestValue)>,
    /// The quantifiers and aggregates computed, each with its in-place reads.
    pub members: Vec<(Member, Fast)>,
    /// Set when the value depends on the node in `from` alone (one
    /// quantifier without a body, tests against constants, a filter read in
    /// place): a review remembers it per node, under an id shared by the
    /// equal kernels of every rule and definition.
    pub memo: Option<u32>,
}

/// Where a [`Kernel`]'s node test gets the value it compares with.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TestValue {
    /// A constant or a list of constants.
    Const,
    /// An outer variable or its field: read once per walk.
    Outer,
}

/// A [`Kernel`] member's filter and value when they read a field of the
/// node reached in place.
#[derive(Clone, Debug, PartialEq)]
pub struct Fast {
    /// The filter's shape.
    pub filter: FastCond,
    /// An aggregate's value's shape.
    pub value: FastValue,
    /// `count` without a filter, or `sum`/`product`/`min`/`max` of a field
    /// of the node reached without a filter: added to without the general
    /// accumulator's dispatch.
    pub plain: Option<PlainAgg>,
}

/// A [`Fast`] member that every match adds to.
#[derive(Clone, Debug, PartialEq)]
pub enum PlainAgg {
    /// `count`
    Count,
    /// `sum`, `product`, `min` or `max` of `s.f`.
    Fold(Agg, FieldId, Ty),
}

/// A filter read in place on the node reached.
#[derive(Clone, Debug, PartialEq)]
pub enum FastCond {
    /// `s.f is [not] …`
    Is(FieldId, bool, Test),
    /// `s.f [not] in [c1, c2, …]`
    In(FieldId, Vec<Const>, bool),
    /// None, or evaluated as written.
    General,
}

/// An aggregate's value read in place on the node reached.
#[derive(Clone, Debug, PartialEq)]
pub enum FastValue {
    /// `s.f`
    Field(FieldId, Ty),
    /// None, or evaluated as written.
    General,
}

/// One operation of a rule's binding sequence.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// Every match of a pattern (without a filter).
    Match(Query),
    /// `x = expr`, skipped when absent.
    Value(Slot, Expr),
    /// `x in list`
    Each(Slot, Expr),
    /// `let x = expr` (absent allowed).
    Let(Slot, Expr),
    /// `where cond`
    Where(Expr, Span),
    /// A test in a rule's [`Rule::plan`], placed where its variables are
    /// bound: one conjunct of a `where` (`where a and b` becomes two), or a
    /// presence test the requirement implies ([`CondOf::IMPLIED`]).
    Cond(Expr, CondOf),
}

/// Which `where` a [`Op::Cond`] comes from, for coverage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CondOf {
    /// Index of the `where` in [`Rule::ops`], or [`CondOf::IMPLIED`].
    pub clause: u32,
    /// Whether this is the last of the clause's conjuncts the plan tests: a
    /// binding that passes it passed the whole clause (meaningless for
    /// [`CondOf::IMPLIED`]).
    pub last: bool,
}

impl CondOf {
    /// The `clause` of a test no `where` wrote: a field without which the
    /// requirement is unknown is present (see [`Rule::plan`]). A binding
    /// that fails it could yield no finding.
    pub const IMPLIED: u32 = u32::MAX;
}

/// When the review computes a `let` that no binding step needs: just before
/// the first clause that reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// The `in force … on` date.
    InForce,
    /// The `unless` of this index.
    Unless(u32),
    /// The `require`.
    Require,
    /// The `due`.
    Due,
    /// The finding: messages, title, citation and the nodes it lists.
    Finding,
}

/// A text in several languages, with holes.
#[derive(Clone, Debug, PartialEq)]
pub struct Texts {
    /// Language tag → template, in a fixed order.
    pub by_lang: BTreeMap<String, Vec<Piece>>,
}

/// A piece of a message template.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    /// Literal text.
    Lit(String),
    /// A value to render.
    Hole(Expr),
}

/// A checked rule block.
#[derive(Clone, Debug)]
pub struct Rule {
    /// The catalog id.
    pub id: String,
    /// The block name, for rules split into parts.
    pub part: Option<String>,
    /// Severity of a breach.
    pub severity: Severity,
    /// Title by language.
    pub title: Texts,
    /// Citation by language.
    pub cite: Texts,
    /// Tags.
    pub tags: Vec<String>,
    /// The binding sequence, clause by clause (what `explain` shows).
    pub ops: Vec<Op>,
    /// The binding sequence a review runs: `ops` with each `where` split into
    /// its conjuncts, each tested as soon as its variables are bound, the
    /// fields the requirement cannot be decided without tested present as
    /// soon as their variable is bound, the `let`s no binding step reads
    /// moved to [`Rule::late`], and the loops that read no pattern's variable
    /// moved before the patterns when a conjunct tests them alone
    /// (`src/check/plan.rs`).
    pub plan: Vec<Op>,
    /// `let`s computed after the bindings, at the stage that first reads them, in
    /// written order.
    pub late: Vec<(Slot, Expr, Stage)>,
    /// The plan started at the second pattern instead, when it has an enum
    /// index: a review takes whichever start has fewer nodes and edges to
    /// walk in its case.
    pub swap: Option<Box<Swap>>,
    /// `unless` conditions.
    pub unless: Vec<(Expr, Span)>,
    /// `in force from … until … on …`
    pub in_force: Option<(Option<Date>, Option<Date>, Expr)>,
    /// `require` condition.
    pub require: Option<(Expr, Span)>,
    /// `due` expression.
    pub due: Option<Expr>,
    /// Messages: the first whose condition holds is used.
    pub messages: Vec<(Option<Expr>, Texts)>,
    /// Slots of the nodes a finding lists, in binding order.
    pub report: Vec<Slot>,
    /// Names of the slots, for explanations.
    pub slot_names: Vec<String>,
    /// Where each `for x = value` binding is written (`x = value`), for explanations.
    pub value_spans: Vec<(Slot, Span)>,
    /// Frame size.
    pub nslots: u32,
    /// The rule's declaration.
    pub span: Span,
}

/// A rule whose plan starts `for a: A(…), x: B(f = v, …) -e-> a` (or with
/// the arrow the other way), rewritten to start at `x`: B's nodes with
/// `f = v` from the enum index, then `a` over the edge, checked against A's
/// tests. The conjuncts of `a` alone are tested once `x` is bound too.
/// Only when no test of `x` or of the edge reads `a` (which the swapped
/// plan has not bound yet when it runs them).
///
/// Which start walks less depends on the case (how many nodes each index
/// holds, how many edges of the kind there are): a review decides with
/// [`Swap::first`] and [`Swap::second`], case by case. Both plans make the
/// same bindings, in another order; findings are sorted afterwards.
#[derive(Clone, Debug, PartialEq)]
pub struct Swap {
    /// The rewritten plan.
    pub plan: Vec<Op>,
    /// The first pattern's kind and the index the written plan starts from.
    pub first: (KindId, Option<(FieldId, u16)>),
    /// The second pattern's kind and the index the rewritten plan starts from.
    pub second: (KindId, (FieldId, u16)),
    /// The kind of the edge between them.
    pub edge: EdgeKindId,
}

/// A checked view: rows of named values, one per binding.
#[derive(Clone, Debug)]
pub struct View {
    /// Its name.
    pub name: String,
    /// Its title by language.
    pub title: Texts,
    /// The binding sequence.
    pub ops: Vec<Op>,
    /// Columns: key, heading by language, value.
    pub columns: Vec<(String, Texts, Expr)>,
    /// Slots of the nodes each row is about, in binding order.
    pub report: Vec<Slot>,
    /// Frame size.
    pub nslots: u32,
}

/// A checked definition.
#[derive(Clone, Debug)]
pub struct Def {
    /// Its name.
    pub name: String,
    /// Parameter types (empty for a constant).
    pub params: Vec<Ty>,
    /// `true` for `def x = …` without parentheses: cached once per case.
    pub constant: bool,
    /// Result type.
    pub ty: Ty,
    /// The body.
    pub body: Expr,
    /// Frame size (parameters first).
    pub nslots: u32,
    /// The declaration.
    pub span: Span,
}

/// A checked lookup table.
#[derive(Clone, Debug)]
pub struct Table {
    /// Its name.
    pub name: String,
    /// Key types.
    pub keys: Vec<Ty>,
    /// Column names and types.
    pub columns: Vec<(String, Ty)>,
    /// Whether lookups take a trailing date (some row has dates of force).
    pub dated: bool,
    /// The rows, in order.
    pub rows: Vec<TableRow>,
    /// Where a lookup finds its row without comparing keys row by row; see
    /// [`TableIndex`].
    pub index: Option<TableIndex>,
}

/// A table's rows by key, for a table without dates of force whose keys
/// are enum values, integers or one text: the first row of each key (the
/// one a lookup would find scanning in order), and the default row.
#[derive(Clone, Debug, Default)]
pub struct TableIndex {
    /// Rows by their keys' codes ([`TableIndex::key`]).
    pub rows: std::collections::HashMap<IndexKey, u32, foldhash::fast::RandomState>,
    /// The first row without keys.
    pub default: Option<u32>,
}

/// A key of a [`TableIndex`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum IndexKey {
    /// Enum values and integers, at most [`TableIndex::MAX_KEYS`].
    Codes([u128; TableIndex::MAX_KEYS]),
    /// One text.
    Text(Arc<str>),
}

impl TableIndex {
    /// The most keys an index covers.
    pub const MAX_KEYS: usize = 2;

    /// The index of a table's rows, when it has one.
    pub fn build(keys: &[Ty], dated: bool, rows: &[TableRow]) -> Option<TableIndex> {
        if dated || keys.len() > Self::MAX_KEYS {
            return None;
        }
        let mut index = TableIndex::default();
        for (i, r) in rows.iter().enumerate() {
            match &r.keys {
                None => {
                    index.default.get_or_insert(i as u32);
                }
                Some(ks) => {
                    let key = Self::key(ks.iter().map(Self::const_code))?;
                    index.rows.entry(key).or_insert(i as u32);
                }
            }
        }
        Some(index)
    }

    /// The key of values' codes; `None` when a value has none, when there
    /// are too many, or when a text is not the only value.
    pub fn key(codes: impl Iterator<Item = Option<KeyPart>>) -> Option<IndexKey> {
        let mut out = [0u128; Self::MAX_KEYS];
        let mut text = None;
        for (n, c) in codes.enumerate() {
            match c? {
                _ if text.is_some() => return None,
                KeyPart::Code(x) => *out.get_mut(n)? = x,
                KeyPart::Text(s) if n == 0 => text = Some(s),
                KeyPart::Text(_) => return None,
            }
        }
        Some(text.map_or(IndexKey::Codes(out), IndexKey::Text))
    }

    /// A constant key's part: enum values and integers are codes.
    fn const_code(c: &Const) -> Option<KeyPart> {
        match c {
            Const::Enum(_, x) => Some(KeyPart::enum_value(*x)),
            Const::Int(i) => Some(KeyPart::int(*i)),
            Const::Text(s) => Some(KeyPart::Text(s.clone())),
            _ => None,
        }
    }
}

/// One key's part in a [`TableIndex`] (see [`TableIndex::key`]).
pub enum KeyPart {
    /// An enum value (tagged 1, its index) or an integer (tagged 2).
    Code(u128),
    /// A text.
    Text(Arc<str>),
}

impl KeyPart {
    /// An enum value's part (its index; the enum is the column's).
    pub fn enum_value(x: u16) -> KeyPart {
        KeyPart::Code(1 << 64 | u128::from(x))
    }

    /// An integer's part.
    pub fn int(i: i64) -> KeyPart {
        KeyPart::Code(2 << 64 | u128::from(i as u64))
    }
}

/// A checked table row.
#[derive(Clone, Debug)]
pub struct TableRow {
    /// Keys, or `None` for the default row.
    pub keys: Option<Vec<Const>>,
    /// Dates of force.
    pub from: Option<Date>,
    /// Dates of force.
    pub until: Option<Date>,
    /// Column values.
    pub values: Vec<Const>,
}

/// The working-day calendar.
#[derive(Clone, Debug, Default)]
pub struct Calendar {
    /// Days that are not working days although they are weekdays.
    pub holidays: std::collections::BTreeSet<Date>,
    /// Weekend days that are working days.
    pub workdays: std::collections::BTreeSet<Date>,
}

/// Display labels of the schema's vocabulary, by language.
#[derive(Clone, Debug, Default)]
pub struct Labels {
    /// `(enum, value)` → language → label.
    pub enum_values: BTreeMap<(EnumId, u16), BTreeMap<String, String>>,
    /// Node kind → language → label.
    pub kinds: BTreeMap<KindId, BTreeMap<String, String>>,
    /// Edge kind → language → label.
    pub edges: BTreeMap<EdgeKindId, BTreeMap<String, String>>,
    /// `(kind, field)` → language → label.
    pub fields: BTreeMap<(KindId, FieldId), BTreeMap<String, String>>,
}

/// A checked pack: what the evaluator runs.
#[derive(Clone, Debug)]
pub struct Program {
    /// The pack's name.
    pub name: String,
    /// The languages texts are given in.
    pub languages: Vec<String>,
    /// The default language.
    pub default_lang: String,
    /// The case vocabulary.
    pub schema: Arc<Schema>,
    /// Display labels.
    pub labels: Labels,
    /// Definitions.
    pub defs: Vec<Def>,
    /// Tables.
    pub tables: Vec<Table>,
    /// The calendar.
    pub calendar: Calendar,
    /// Rules, sorted by id then part.
    pub rules: Vec<Rule>,
    /// Views, in declaration order.
    pub views: Vec<View>,
    /// Per node kind: its `date` and `time` fields (what `earliest` orders by).
    pub date_fields: Vec<(Option<FieldId>, Option<FieldId>)>,
    /// Per definition: whether evaluating it may run a query, itself or through
    /// a definition it calls (such calls are memoised per argument tuple).
    pub runs_query: Vec<bool>,
    /// Per definition: its number of parameters when `Ctx::eval` looks up
    /// the value `Ctx::call` remembered for its arguments' codes before
    /// calling it (one or two parameters, not a constant, runs a query);
    /// `u8::MAX` otherwise. (`Ctx::call` also remembers a definition without
    /// parameters that runs a query, found there.)
    pub remembered: Vec<u8>,
    /// How many [`Grouped::id`]s (tables) the rules use.
    pub grouped: u32,
    /// How many [`Family::id`]s the rules use.
    pub families: u32,
    /// How many [`Kernel::memo`] ids the rules and definitions use.
    pub kernel_memos: u32,
}

/// Whether evaluating `e` may run a graph query (`exists`, `count`, …), itself or
/// through a definition it calls. Past a depth, assume it does.
pub fn runs_query(e: &Expr, defs: &[Def], depth: u32) -> bool {
    if depth > 64 {
        return true;
    }
    match e {
        Expr::Quant(..) | Expr::Agg(..) => true,
        Expr::Call(d, _)
            if defs
                .get(d.0 as usize)
                .is_none_or(|def| runs_query(&def.body, defs, depth + 1)) =>
        {
            true
        }
        _ => e
            .children()
            .into_iter()
            .any(|x| runs_query(x, defs, depth + 1)),
    }
}

impl Program {
    /// A definition by id.
    pub fn def(&self, id: DefId) -> Option<&Def> {
        self.defs.get(id.0 as usize)
    }

    /// A table by id.
    pub fn table(&self, id: TableId) -> Option<&Table> {
        self.tables.get(id.0 as usize)
    }
}

/// A date-time literal helper: midnight of a day.
pub fn midnight(d: Date) -> DateTime {
    d.to_datetime(Time::midnight())
}

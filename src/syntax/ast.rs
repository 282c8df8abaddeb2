//! Stage 1 output: the abstract syntax tree of one rule file, with a span on every node.
//!
//! Names are still strings here; the checker ([`crate::check`]) resolves
//! them against the schema and the pack's definitions.

use std::fmt;

/// A byte range in one source file. Spans never take part in equality, so
/// two trees that differ only in layout compare equal.
#[derive(Clone, Copy, Default)]
pub struct Span {
    /// Index of the file in the pack's [`crate::diag::SourceMap`].
    pub file: u32,
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// The span covering both `self` and `other` (same file assumed).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

impl PartialEq for Span {
    fn eq(&self, _: &Span) -> bool {
        true
    }
}
impl Eq for Span {}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// A name with its place in the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    /// The name as written.
    pub name: String,
    /// Where it is written.
    pub span: Span,
}

/// One parsed file.
#[derive(Clone, Debug, PartialEq)]
pub struct File {
    /// Its items, in source order.
    pub items: Vec<Item>,
}

/// A top-level declaration.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// `pack cn-criminal { languages zh, en  default zh }`
    Pack(PackDecl),
    /// `enum penalty { fixed_term, life }`
    Enum(EnumDecl),
    /// `node person { role: enum(defendant, victim) required }`
    Node(NodeDecl),
    /// `edge subject: event -> person`
    Edge(EdgeDecl),
    /// `pattern defendant = person(role = defendant)`
    Pattern(PatternDecl),
    /// `def age(p: person, day: date) = years_between(p.birth_date, day)`
    Def(DefDecl),
    /// `table threshold(region: text) { columns … row … }`
    Table(TableDecl),
    /// `calendar { holidays 2024-10-01 to 2024-10-07 }`
    Calendar(CalendarDecl),
    /// `rule cn.cpl.085.detention_family_notice { … }`
    Rule(RuleDecl),
    /// `view sentencing_worksheet { … }`: rows of computed values a reader sees.
    View(ViewDecl),
}

/// `view NAME { title …  for …  let …  where …  column NAME LABEL = expr }`
#[derive(Clone, Debug, PartialEq)]
pub struct ViewDecl {
    /// The view's name.
    pub name: Ident,
    /// Its `title`, `for`, `let` and `where` clauses.
    pub clauses: Vec<Clause>,
    /// Its columns, in order.
    pub columns: Vec<Column>,
    /// The whole declaration.
    pub span: Span,
}

/// `column NAME LABEL = expr`
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// The column's key in the JSON output.
    pub name: Ident,
    /// Its heading, by language.
    pub label: Text,
    /// Its value for each row.
    pub value: Expr,
    /// The whole clause.
    pub span: Span,
}

/// `pack NAME { languages …  default … }`
#[derive(Clone, Debug, PartialEq)]
pub struct PackDecl {
    /// The pack's name.
    pub name: Ident,
    /// Languages every text must be given in.
    pub languages: Vec<Ident>,
    /// The language of texts written without a language tag.
    pub default: Option<Ident>,
    /// The whole declaration.
    pub span: Span,
}

/// Display labels by language: `(zh "立案", en "case filing")`.
pub type Labels = Vec<LangText>;

/// `enum NAME { a, b }`
#[derive(Clone, Debug, PartialEq)]
pub struct EnumDecl {
    /// The enum's name.
    pub name: Ident,
    /// Display labels of the enum itself.
    pub labels: Labels,
    /// Its values, in order.
    pub values: Vec<EnumValue>,
    /// The whole declaration.
    pub span: Span,
}

/// One value of an enum, with its display labels.
#[derive(Clone, Debug, PartialEq)]
pub struct EnumValue {
    /// The value.
    pub name: Ident,
    /// Its labels.
    pub labels: Labels,
}

/// `node NAME (exactly one) { fields }`
#[derive(Clone, Debug, PartialEq)]
pub struct NodeDecl {
    /// The node kind.
    pub name: Ident,
    /// Exactly one node of this kind per case.
    pub exactly_one: bool,
    /// Display labels.
    pub labels: Labels,
    /// Its fields.
    pub fields: Vec<FieldDecl>,
    /// The whole declaration.
    pub span: Span,
}

/// `name: type required (labels)`
#[derive(Clone, Debug, PartialEq)]
pub struct FieldDecl {
    /// The field name.
    pub name: Ident,
    /// Its type.
    pub ty: TypeExpr,
    /// Whether every node must have it.
    pub required: bool,
    /// Display labels.
    pub labels: Labels,
}

/// A type as written.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeExpr {
    /// `text`, `int`, `date`, an enum's name, a node kind's name.
    Named(Ident),
    /// `list(T)`
    List(Box<TypeExpr>, Span),
    /// `enum(a, b, c)`: an enum declared in place.
    Enum(Vec<EnumValue>, Span),
}

/// `edge NAME: from | from2 -> to { fields }`
#[derive(Clone, Debug, PartialEq)]
pub struct EdgeDecl {
    /// The edge kind.
    pub name: Ident,
    /// Node kinds it may leave.
    pub from: Vec<Ident>,
    /// Node kinds it may reach.
    pub to: Vec<Ident>,
    /// Display labels.
    pub labels: Labels,
    /// Its fields.
    pub fields: Vec<FieldDecl>,
    /// The whole declaration.
    pub span: Span,
}

/// `pattern NAME = kind(conditions)`
#[derive(Clone, Debug, PartialEq)]
pub struct PatternDecl {
    /// The pattern's name, usable where a node kind is.
    pub name: Ident,
    /// What it stands for.
    pub shape: NodeShape,
    /// The whole declaration.
    pub span: Span,
}

/// `def NAME(params): type = expr`
#[derive(Clone, Debug, PartialEq)]
pub struct DefDecl {
    /// The definition's name.
    pub name: Ident,
    /// Its parameters; `None` for a constant such as `def hearing = …`.
    pub params: Option<Vec<Param>>,
    /// The declared result type, if written.
    pub ty: Option<TypeExpr>,
    /// The body.
    pub body: Expr,
    /// The whole declaration.
    pub span: Span,
}

/// `name: type`
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// Its name.
    pub name: Ident,
    /// Its type (a value type or a node kind).
    pub ty: TypeExpr,
}

/// `table NAME(keys) { columns …  row … }`
#[derive(Clone, Debug, PartialEq)]
pub struct TableDecl {
    /// The table's name.
    pub name: Ident,
    /// Its key columns.
    pub keys: Vec<Param>,
    /// Its value columns.
    pub columns: Vec<Param>,
    /// Its rows.
    pub rows: Vec<TableRow>,
    /// The whole declaration.
    pub span: Span,
}

/// `row k1, k2 [in force from … until …]: v1, v2`
#[derive(Clone, Debug, PartialEq)]
pub struct TableRow {
    /// The key values; `None` for the `default` row.
    pub keys: Option<Vec<Expr>>,
    /// When the row is in force.
    pub in_force: Option<InForce>,
    /// The column values.
    pub values: Vec<Expr>,
    /// The whole row.
    pub span: Span,
}

/// `in force from DATE until DATE`
#[derive(Clone, Debug, PartialEq)]
pub struct InForce {
    /// First day in force.
    pub from: Option<DateLit>,
    /// Last day in force.
    pub until: Option<DateLit>,
    /// The clause.
    pub span: Span,
}

/// A date written in the source, kept as text until checked.
#[derive(Clone, Debug, PartialEq)]
pub struct DateLit {
    /// `2024-03-01`
    pub text: String,
    /// Where.
    pub span: Span,
}

/// `calendar { holidays …  workdays … }`
#[derive(Clone, Debug, PartialEq)]
pub struct CalendarDecl {
    /// Days (or ranges) that are not working days.
    pub holidays: Vec<DaySpan>,
    /// Weekend days that are working days.
    pub workdays: Vec<DaySpan>,
    /// The whole declaration.
    pub span: Span,
}

/// `2024-10-01` or `2024-10-01 to 2024-10-07`
#[derive(Clone, Debug, PartialEq)]
pub struct DaySpan {
    /// First day.
    pub from: DateLit,
    /// Last day, for a range.
    pub to: Option<DateLit>,
}

/// Severity of a rule's findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Informational: a pending obligation, a note.
    Info,
    /// Probably wrong.
    Warning,
    /// Unlawful.
    Error,
}

/// A text in one or more languages.
#[derive(Clone, Debug, PartialEq)]
pub enum Text {
    /// `"…"`: in the pack's default language.
    Plain(Template),
    /// `zh "…" en "…"`
    Langs(Vec<LangText>),
}

/// `zh "…"`
#[derive(Clone, Debug, PartialEq)]
pub struct LangText {
    /// The language tag.
    pub lang: Ident,
    /// The text.
    pub text: Template,
}

/// A string with `{expr}` holes.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    /// Literal text and holes, in order.
    pub parts: Vec<TemplatePart>,
    /// The whole string literal, quotes included.
    pub span: Span,
}

/// A piece of a template.
#[derive(Clone, Debug, PartialEq)]
pub enum TemplatePart {
    /// Literal text (escapes already resolved).
    Lit(String),
    /// `{expr}`
    Hole(Expr),
}

/// `rule ID [part NAME] { clauses }`
#[derive(Clone, Debug, PartialEq)]
pub struct RuleDecl {
    /// The catalog id its findings carry.
    pub id: Ident,
    /// Distinguishes several blocks of one rule.
    pub part: Option<Ident>,
    /// Its clauses, in source order.
    pub clauses: Vec<Clause>,
    /// The whole declaration.
    pub span: Span,
}

/// One clause of a rule.
#[derive(Clone, Debug, PartialEq)]
pub enum Clause {
    /// `severity error`
    Severity(Severity, Span),
    /// `title …`
    Title(Text, Span),
    /// `cite …`
    Cite(Text, Span),
    /// `tags a, b`
    Tags(Vec<Ident>, Span),
    /// `message [when cond] …`
    Message(Option<Expr>, Text, Span),
    /// `in force from … until … on expr`
    InForce(InForce, Expr, Span),
    /// `for b1, b2`
    For(Vec<Binding>, Span),
    /// `let x = expr`
    Let(Ident, Expr, Span),
    /// `where cond`
    Where(Expr, Span),
    /// `unless cond`
    Unless(Expr, Span),
    /// `require cond`
    Require(Expr, Span),
    /// `due expr`
    Due(Expr, Span),
}

impl Clause {
    /// Where the clause is written.
    pub fn span(&self) -> Span {
        match self {
            Clause::Severity(_, s)
            | Clause::Title(_, s)
            | Clause::Cite(_, s)
            | Clause::Tags(_, s)
            | Clause::Message(_, _, s)
            | Clause::InForce(_, _, s)
            | Clause::For(_, s)
            | Clause::Let(_, _, s)
            | Clause::Where(_, s)
            | Clause::Unless(_, s)
            | Clause::Require(_, s)
            | Clause::Due(_, s) => *s,
        }
    }
}

/// A `for` binding.
#[derive(Clone, Debug, PartialEq)]
pub enum Binding {
    /// `x: kind(…) -edge-> y …`: every match of a graph pattern.
    Pattern(Pattern),
    /// `h = hearing`: the value, when present.
    Value(Ident, Expr),
    /// `k in [a, b]`: each element of a list.
    Each(Ident, Expr),
}

/// `kind(field = value, …)`
#[derive(Clone, Debug, PartialEq)]
pub struct NodeShape {
    /// A node kind or a named pattern.
    pub kind: Ident,
    /// Field conditions.
    pub conds: Vec<FieldCond>,
    /// The whole shape.
    pub span: Span,
}

/// `field OP expr` or `field in expr` inside a shape or an edge.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldCond {
    /// The field.
    pub field: Ident,
    /// The test.
    pub op: CondOp,
    /// The value.
    pub value: Expr,
}

/// The test of a [`FieldCond`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CondOp {
    /// A comparison.
    Cmp(CmpOp),
    /// Membership in a list.
    In,
}

/// A node in a pattern: a new variable with a shape, or one already bound.
#[derive(Clone, Debug, PartialEq)]
pub enum NodePat {
    /// `x: kind(…)`
    Bind(Ident, NodeShape),
    /// `x`
    Ref(Ident),
}

/// `start step*`
#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    /// The first node.
    pub start: NodePat,
    /// Edges followed from it, in order.
    pub steps: Vec<Step>,
    /// The whole pattern.
    pub span: Span,
}

/// `-edge-> node` or `<-edge- node`
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// `true` for `-e->`, `false` for `<-e-`.
    pub outgoing: bool,
    /// `-s: supports->`: a name for the edge itself.
    pub edge_var: Option<Ident>,
    /// The edge kind.
    pub edge: Ident,
    /// `?` or `*`.
    pub modifier: EdgeMod,
    /// Conditions on the edge's fields.
    pub conds: Vec<FieldCond>,
    /// The node reached.
    pub node: NodePat,
    /// The whole step.
    pub span: Span,
}

/// How an edge step matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeMod {
    /// Exactly one edge.
    One,
    /// `-e?->`: one edge, or the node has no edge of this kind at all (it concerns every node).
    Open,
    /// `-e*->`: a path of one or more edges of this kind.
    Path,
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// Binary operators other than comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `and`
    And,
    /// `or`
    Or,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `in`
    In,
    /// `not in`
    NotIn,
    /// `contains`
    Contains,
    /// `contains any`
    ContainsAny,
    /// `otherwise`
    Otherwise,
}

/// `is absent`, `is present`, `is true`, `is false` (and their `is not` forms).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IsTest {
    /// `is absent`
    Absent,
    /// `is present`
    Present,
    /// `is true`
    True,
    /// `is false`
    False,
    /// `is refused`: present and equal to this enum value.
    Value(Ident),
}

/// Duration units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unit {
    /// `hours`
    Hours,
    /// `days`
    Days,
    /// `months`
    Months,
    /// `years`
    Years,
}

/// Quantifiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quant {
    /// `exists`
    Exists,
    /// `no`
    No,
    /// `every … satisfies …`
    Every,
}

/// Aggregates over the matches of a pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Agg {
    /// `count`
    Count,
    /// `sum E for`
    Sum,
    /// `product E for`
    Product,
    /// `min E for`
    Min,
    /// `max E for`
    Max,
    /// `earliest`
    Earliest,
    /// `latest`
    Latest,
}

/// An expression with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it is.
    pub span: Span,
}

/// The forms of expression.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// `42`
    Int(i64),
    /// `52000.50`, kept as written.
    Decimal(String),
    /// `"…"` (with holes).
    Str(Template),
    /// `true`, `false`
    Bool(bool),
    /// `2024-03-01`, kept as written.
    Date(String),
    /// `14:30`, kept as written.
    Time(String),
    /// `[a, b]`
    List(Vec<Expr>),
    /// A name: a variable, a definition, an enum value, a singleton kind.
    Name(Ident),
    /// `f(a, b)`: a definition, a table or a built-in function.
    Call(Ident, Vec<Expr>),
    /// `e.field`
    Field(Box<Expr>, Ident),
    /// `(e)`, kept so that layout and chained comparisons survive.
    Paren(Box<Expr>),
    /// `not e`
    Not(Box<Expr>),
    /// `-e`
    Neg(Box<Expr>),
    /// `e is [not] absent`
    Is(Box<Expr>, bool, IsTest),
    /// `e days`
    Duration(Box<Expr>, Unit),
    /// `a op b`
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `a op1 b op2 c …`: one or more comparisons, chained.
    Compare(Box<Expr>, Vec<(CmpOp, Expr)>),
    /// `if c then a else b`
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `exists p where c`, `no p where c`, `every p where f satisfies c`
    Quant {
        /// Which quantifier.
        quant: Quant,
        /// What it ranges over.
        pattern: Pattern,
        /// `where` filter.
        filter: Option<Box<Expr>>,
        /// `satisfies` condition (`every` only).
        body: Option<Box<Expr>>,
    },
    /// `count p where c`, `sum e for p where c`, `earliest p where c`
    Agg {
        /// Which aggregate.
        agg: Agg,
        /// The value summed, for `sum`, `min`, `max`.
        value: Option<Box<Expr>>,
        /// What it ranges over.
        pattern: Pattern,
        /// `where` filter.
        filter: Option<Box<Expr>>,
    },
}

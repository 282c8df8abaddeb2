//! Stage 2, rules: clauses become a binding sequence ([`Op`]s) with each
//! `where` moved to the earliest point where its variables are bound.

use super::Checker;
use super::ir::*;
use crate::diag::{Code, Diagnostic};
use crate::syntax::ast::{self, Binding, Clause, Severity};
use std::collections::BTreeSet;

impl<'a> Checker<'a> {
    /// Checks one rule block. Returns `None` when a required clause is missing.
    pub(super) fn rule(&mut self, r: &'a ast::RuleDecl) -> Option<Rule> {
        self.frame = super::Frame::default();
        let mut severity = None;
        let mut title = None;
        let mut cite = None;
        let mut tags = vec![];
        let mut ops: Vec<Op> = vec![];
        let mut report: Vec<Slot> = vec![];
        let mut unless = vec![];
        let mut in_force = None;
        let mut require = None;
        let mut due = None;
        let mut messages: Vec<(Option<Expr>, Texts, ast::Span)> = vec![];
        let once = |cx: &mut Checker<'a>, seen: bool, span: ast::Span, what: &str| {
            if seen {
                cx.error(
                    Code::MisplacedClause,
                    span,
                    format!("`{what}` is given twice"),
                );
            }
        };
        // Texts are checked after the bindings, so messages can use every variable.
        let mut deferred: Vec<&Clause> = vec![];
        for c in &r.clauses {
            match c {
                Clause::Severity(s, span) => {
                    once(self, severity.is_some(), *span, "severity");
                    severity = Some(*s);
                }
                Clause::Tags(t, _) => tags.extend(t.iter().map(|i| i.name.clone())),
                Clause::For(..) | Clause::Let(..) | Clause::Where(..) => {
                    self.binding_clause(c, &mut ops, &mut report);
                }
                _ => deferred.push(c),
            }
        }
        for c in deferred {
            match c {
                Clause::Title(t, span) => {
                    once(self, title.is_some(), *span, "title");
                    title = Some(self.texts(t, *span, "title"));
                }
                Clause::Cite(t, span) => {
                    once(self, cite.is_some(), *span, "cite");
                    cite = Some(self.texts(t, *span, "citation"));
                }
                Clause::Message(cond, t, span) => {
                    let cond = cond.as_ref().map(|c| self.expect_ty(c, &Ty::Bool));
                    let texts = self.texts(t, *span, "message");
                    messages.push((cond, texts, *span));
                }
                Clause::InForce(f, on, span) => {
                    if in_force.is_some() {
                        self.error(Code::MisplacedClause, *span, "`in force` is given twice");
                    }
                    let from = f.from.as_ref().and_then(|d| self.date(&d.text, d.span));
                    let until = f.until.as_ref().and_then(|d| self.date(&d.text, d.span));
                    if f.from.is_none() && f.until.is_none() {
                        self.error(
                            Code::Syntax,
                            *span,
                            "`in force` needs `from DATE`, `until DATE` or both",
                        );
                    }
                    let on = self.expect_ty(on, &Ty::Date);
                    in_force = Some((from, until, on));
                }
                Clause::Unless(e, span) => unless.push((self.expect_ty(e, &Ty::Bool), *span)),
                Clause::Require(e, span) => {
                    if require.is_some() {
                        self.diags.push(
                            Diagnostic::error(
                                Code::MisplacedClause,
                                *span,
                                "`require` is given twice",
                            )
                            .with_help(
                                "join the requirements with `and`, or split the rule into parts",
                            ),
                        );
                    }
                    require = Some((self.expect_ty(e, &Ty::Bool), *span));
                }
                Clause::Due(e, span) => {
                    let (x, t) = self.expr(e, None);
                    if !matches!(t, Ty::Date | Ty::DateTime | Ty::Any) {
                        let msg = format!(
                            "`due` needs a date or a date-time; this is {}",
                            self.ty_name(&t)
                        );
                        self.error(Code::Type, e.span, msg);
                    }
                    if due.is_some() {
                        self.error(Code::MisplacedClause, *span, "`due` is given twice");
                    }
                    due = Some(x);
                }
                _ => {}
            }
        }
        let mut missing = vec![];
        if severity.is_none() {
            missing.push("severity");
        }
        if title.is_none() {
            missing.push("title");
        }
        if cite.is_none() {
            missing.push("cite");
        }
        if messages.is_empty() {
            missing.push("message");
        }
        if !missing.is_empty() {
            self.diags.push(
                Diagnostic::error(
                    Code::MissingClause,
                    r.id.span,
                    format!("rule `{}` has no {}", r.id.name, missing.join(", no ")),
                )
                .with_help("every rule states its severity, title, citation and message"),
            );
        }
        if due.is_some() && require.is_none() {
            self.error(
                Code::MisplacedClause,
                r.id.span,
                "`due` needs a `require`: the act that falls due",
            );
        }
        if let Some((Some(_), _, span)) = messages.last() {
            self.diags.push(
                Diagnostic::warning(Code::MisplacedClause, *span, "the last message has a `when`; a finding whose conditions all fail shows it anyway")
                    .with_help("end with a `message` without `when`"),
            );
        }
        self.warn_unread(r, &ops, &report, {
            let mut read: Vec<&Expr> = vec![];
            read.extend(unless.iter().map(|(e, _)| e));
            read.extend(require.iter().map(|(e, _)| e));
            read.extend(due.iter());
            read.extend(in_force.iter().map(|(_, _, e)| e));
            for (c, t, _) in &messages {
                read.extend(c.iter());
                read.extend(holes(t));
            }
            read.extend(title.iter().flat_map(holes));
            read.extend(cite.iter().flat_map(holes));
            read
        });
        let ops = push_down_wheres(ops);
        let messages: Vec<(Option<Expr>, Texts)> =
            messages.into_iter().map(|(c, t, _)| (c, t)).collect();
        let (plan, late) = super::plan::plan(
            &ops,
            super::plan::Consumers {
                in_force: in_force.as_ref().map(|(_, _, e)| e),
                unless: unless.iter().map(|(e, _)| e).collect(),
                require: require.as_ref().map(|(e, _)| e),
                due: due.as_ref(),
            },
        );
        // Each `for x = value` as written, with the slot it binds (in the
        // order of both).
        let value_spans = ops
            .iter()
            .filter_map(|op| match op {
                Op::Value(s, _) => Some(*s),
                _ => None,
            })
            .zip(
                r.clauses
                    .iter()
                    .flat_map(|c| match c {
                        Clause::For(bs, _) => bs.as_slice(),
                        _ => &[],
                    })
                    .filter_map(|b| match b {
                        Binding::Value(name, e) => Some(ast::Span {
                            end: e.span.end,
                            ..name.span
                        }),
                        _ => None,
                    }),
            )
            .collect();
        let rule = Rule {
            id: r.id.name.clone(),
            part: r.part.as_ref().map(|p| p.name.clone()),
            severity: severity.unwrap_or(Severity::Error),
            title: title?,
            cite: cite?,
            tags,
            ops,
            plan,
            late,
            swap: None,
            unless,
            in_force,
            require,
            due,
            messages,
            report,
            slot_names: self.frame.names.clone(),
            value_spans,
            nslots: self.frame.max,
            span: r.span,
        };
        if !missing.is_empty() {
            return None;
        }
        Some(rule)
    }
}

/// The expressions of a text's holes, in every language.
fn holes(t: &Texts) -> impl Iterator<Item = &Expr> {
    t.by_lang.values().flatten().filter_map(|p| match p {
        Piece::Hole(e) => Some(e),
        Piece::Lit(_) => None,
    })
}

impl<'a> Checker<'a> {
    /// Warns of a rule's variables that nothing reads: a `let` computed for
    /// nothing, or a `for` variable that only multiplies the bindings (the
    /// rule binds once for each of its values, and not at all without one).
    /// A node variable is read by every finding, which lists it (`report`).
    /// A name starting with `_` is meant so and not warned of.
    fn warn_unread(&mut self, r: &ast::RuleDecl, ops: &[Op], report: &[Slot], clauses: Vec<&Expr>) {
        let mut read = BTreeSet::new();
        for op in ops {
            match op {
                Op::Match(q) => {
                    // What a pattern reads of the variables bound before it.
                    let mut reads = BTreeSet::new();
                    query_slots(q, &mut reads);
                    let own: BTreeSet<Slot> = binds(op).into_iter().collect();
                    read.extend(reads.difference(&own));
                }
                Op::Value(_, e) | Op::Each(_, e) | Op::Let(_, e) | Op::Where(e, _) => {
                    slots_used(e, &mut read)
                }
                Op::Cond(e, _) => slots_used(e, &mut read),
            }
        }
        for e in clauses {
            slots_used(e, &mut read);
        }
        // Each variable's name as written, with where (the first place).
        let mut written: Vec<&ast::Ident> = vec![];
        for c in &r.clauses {
            match c {
                Clause::For(bs, _) => {
                    for b in bs {
                        match b {
                            Binding::Pattern(p) => {
                                let nodes = std::iter::once(&p.start)
                                    .chain(p.steps.iter().map(|s| &s.node));
                                for n in nodes {
                                    if let ast::NodePat::Bind(name, _) = n {
                                        written.push(name);
                                    }
                                }
                                // (Not an edge's name: the walk is by edge anyway.)
                            }
                            Binding::Value(name, _) | Binding::Each(name, _) => written.push(name),
                        }
                    }
                }
                Clause::Let(name, _, _) => written.push(name),
                _ => {}
            }
        }
        for op in ops {
            for slot in binds(op) {
                let name = self.frame.names.get(slot.0 as usize).cloned();
                let Some(name) = name else { continue };
                if read.contains(&slot) || report.contains(&slot) || name.starts_with('_') {
                    continue;
                }
                let Some(at) = written.iter().find(|i| i.name == name) else {
                    continue;
                };
                let d = if matches!(op, Op::Let(..)) {
                    Diagnostic::warning(Code::Unused, at.span, format!("`{name}` is never used"))
                        .with_help("remove the `let`, or read it in a condition or a message")
                } else {
                    Diagnostic::warning(
                        Code::Unused,
                        at.span,
                        format!("`{name}` is bound but never used"),
                    )
                    .with_help(format!(
                        "the rule binds once for each `{name}` and not at all without one: \
                         read it, remove it, or name it `_{name}` if that is meant"
                    ))
                };
                self.diags.push(d);
            }
        }
    }

    /// Checks a view: its bindings, title and columns.
    pub(super) fn view(&mut self, v: &'a ast::ViewDecl) -> Option<View> {
        self.frame = super::Frame::default();
        let mut ops = vec![];
        let mut report = vec![];
        let mut title = None;
        for c in &v.clauses {
            match c {
                Clause::Title(..) => {}
                Clause::For(..) | Clause::Let(..) | Clause::Where(..) => {
                    self.binding_clause(c, &mut ops, &mut report)
                }
                other => {
                    let span = other.span();
                    self.error(
                        Code::MisplacedClause,
                        span,
                        "a view takes only `title`, `for`, `let`, `where` and `column`",
                    );
                }
            }
        }
        for c in &v.clauses {
            if let Clause::Title(t, span) = c {
                if title.is_some() {
                    self.error(Code::MisplacedClause, *span, "`title` is given twice");
                }
                title = Some(self.texts(t, *span, "title"));
            }
        }
        let mut columns = vec![];
        let mut names = BTreeSet::new();
        for col in &v.columns {
            if !names.insert(col.name.name.clone()) {
                self.error(
                    Code::Duplicate,
                    col.name.span,
                    format!("column `{}` is declared twice", col.name.name),
                );
            }
            let label = self.texts(&col.label, col.span, "column heading");
            let (x, t) = self.expr(&col.value, None);
            if matches!(t, Ty::Row(_) | Ty::Edge(_)) {
                let msg = format!("a column cannot show {}", self.ty_name(&t));
                self.error(Code::Type, col.value.span, msg);
            }
            columns.push((col.name.name.clone(), label, x));
        }
        let Some(title) = title else {
            self.error(
                Code::MissingClause,
                v.name.span,
                format!("view `{}` has no title", v.name.name),
            );
            return None;
        };
        Some(View {
            name: v.name.name.clone(),
            title,
            ops: push_down_wheres(ops),
            columns,
            report,
            nslots: self.frame.max,
        })
    }
}

impl Checker<'_> {
    /// `for`, `let` and `where`: appends their operations; node variables go to `report`.
    pub(super) fn binding_clause(&mut self, c: &Clause, ops: &mut Vec<Op>, report: &mut Vec<Slot>) {
        match c {
            Clause::For(bindings, _) => {
                for b in bindings {
                    match b {
                        Binding::Pattern(p) => {
                            let before = self.frame.next;
                            let q = self.query(p, None);
                            // Report the pattern's node variables in the order written.
                            let mut slots: Vec<Slot> = (before..self.frame.next)
                                .map(Slot)
                                .filter(|s| {
                                    self.frame
                                        .vars
                                        .iter()
                                        .any(|v| v.slot == *s && matches!(v.ty, Ty::Node(_)))
                                })
                                .collect();
                            slots.sort();
                            report.extend(slots);
                            ops.push(Op::Match(q));
                        }
                        Binding::Value(name, e) => {
                            let (x, t) = self.expr(e, None);
                            if self.frame.lookup(&name.name).is_some() {
                                self.error(
                                    Code::Duplicate,
                                    name.span,
                                    format!("`{}` is already bound", name.name),
                                );
                            }
                            let slot = self.frame.bind(&name.name, t.clone());
                            if matches!(t, Ty::Node(_)) {
                                report.push(slot);
                            }
                            ops.push(Op::Value(slot, x));
                        }
                        Binding::Each(name, e) => {
                            let (x, t) = self.expr(e, None);
                            let elem = match t {
                                Ty::List(t) => *t,
                                Ty::Any => Ty::Any,
                                other => {
                                    let msg = format!(
                                        "`for … in` needs a list; this is {}",
                                        self.ty_name(&other)
                                    );
                                    self.error(Code::Type, e.span, msg);
                                    Ty::Any
                                }
                            };
                            if self.frame.lookup(&name.name).is_some() {
                                self.error(
                                    Code::Duplicate,
                                    name.span,
                                    format!("`{}` is already bound", name.name),
                                );
                            }
                            let slot = self.frame.bind(&name.name, elem);
                            ops.push(Op::Each(slot, x));
                        }
                    }
                }
            }
            Clause::Let(name, e, _) => {
                let (x, t) = self.expr(e, None);
                if self.frame.lookup(&name.name).is_some() {
                    self.error(
                        Code::Duplicate,
                        name.span,
                        format!("`{}` is already bound", name.name),
                    );
                }
                let slot = self.frame.bind(&name.name, t.clone());
                if matches!(t, Ty::Node(_)) {
                    report.push(slot);
                }
                ops.push(Op::Let(slot, x));
            }
            Clause::Where(e, span) => {
                let before = self.diags.len();
                let x = self.expect_ty(e, &Ty::Bool);
                // After an error the condition stands for nothing: no warning about it.
                if self.diags.len() == before && const_truth(&x) == Some(false) {
                    self.diags.push(
                        Diagnostic::warning(
                            Code::NeverHolds,
                            e.span,
                            "this condition can never hold",
                        )
                        .with_help("the rule can never fire; check the values compared"),
                    );
                }
                ops.push(Op::Where(x, *span));
            }
            _ => {}
        }
    }
}

/// The truth of a condition made only of constants, when it is one.
pub(super) fn const_truth(e: &Expr) -> Option<bool> {
    match e {
        Expr::Const(Const::Bool(b)) => Some(*b),
        Expr::Not(x) => const_truth(x).map(|b| !b),
        Expr::And(a, b) => match (const_truth(a), const_truth(b)) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        },
        Expr::Or(a, b) => match (const_truth(a), const_truth(b)) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        },
        Expr::Compare(first, rest) => {
            let mut prev = const_of(first)?;
            let mut all = true;
            for (op, next) in rest {
                let cur = const_of(next)?;
                let o = const_order(prev, cur)?;
                let holds = match op {
                    ast::CmpOp::Eq => o.is_eq(),
                    ast::CmpOp::Ne => !o.is_eq(),
                    ast::CmpOp::Lt => o.is_lt(),
                    ast::CmpOp::Le => o.is_le(),
                    ast::CmpOp::Gt => o.is_gt(),
                    ast::CmpOp::Ge => o.is_ge(),
                };
                all &= holds;
                prev = cur;
            }
            Some(all)
        }
        _ => None,
    }
}

fn const_of(e: &Expr) -> Option<&Const> {
    match e {
        Expr::Const(c) => Some(c),
        _ => None,
    }
}

fn const_order(a: &Const, b: &Const) -> Option<std::cmp::Ordering> {
    use rust_decimal::Decimal;
    Some(match (a, b) {
        (Const::Int(x), Const::Int(y)) => x.cmp(y),
        (Const::Int(x), Const::Decimal(y)) => Decimal::from(*x).cmp(y),
        (Const::Decimal(x), Const::Int(y)) => x.cmp(&Decimal::from(*y)),
        (Const::Decimal(x), Const::Decimal(y)) => x.cmp(y),
        (Const::Date(x), Const::Date(y)) => x.cmp(y),
        (Const::Time(x), Const::Time(y)) => x.cmp(y),
        (Const::Text(x), Const::Text(y)) => x.cmp(y),
        (Const::Bool(x), Const::Bool(y)) => x.cmp(y),
        (Const::Enum(e, x), Const::Enum(f, y)) if e == f => x.cmp(y),
        _ => return None,
    })
}

/// Moves each `where` to just after the operation that binds the last slot it reads.
fn push_down_wheres(ops: Vec<Op>) -> Vec<Op> {
    let mut binders: Vec<Op> = vec![];
    let mut wheres: Vec<(Expr, ast::Span, usize)> = vec![];
    for op in ops {
        match op {
            Op::Where(e, span) => {
                let after = place(&binders, &e);
                wheres.push((e, span, after));
            }
            other => binders.push(other),
        }
    }
    let mut out = vec![];
    for i in 0..=binders.len() {
        for (e, span, _) in wheres.iter().filter(|(_, _, a)| *a == i) {
            out.push(Op::Where(e.clone(), *span));
        }
        if let Some(b) = binders.get(i) {
            out.push(b.clone());
        }
    }
    out
}

/// How many of `binders` must run before a condition on `e` can be tested:
/// one past the last that binds a slot `e` reads (0 if none does).
pub(super) fn place(binders: &[Op], e: &Expr) -> usize {
    let mut used = BTreeSet::new();
    slots_used(e, &mut used);
    binders
        .iter()
        .enumerate()
        .filter(|(_, b)| binds(b).iter().any(|s| used.contains(s)))
        .map(|(i, _)| i + 1)
        .max()
        .unwrap_or(0)
}

pub(super) fn binds(op: &Op) -> Vec<Slot> {
    match op {
        Op::Match(q) => q
            .steps
            .iter()
            .flat_map(|s| match s {
                QStep::Scan { slot, .. } => vec![*slot],
                QStep::Check { .. } => vec![],
                QStep::Expand { to, edge_slot, .. } => {
                    std::iter::once(*to).chain(*edge_slot).collect()
                }
            })
            .collect(),
        Op::Value(s, _) | Op::Each(s, _) | Op::Let(s, _) => vec![*s],
        Op::Where(..) | Op::Cond(..) => vec![],
    }
}

/// Every slot an expression reads (including inside quantifiers).
pub(super) fn slots_used(e: &Expr, out: &mut BTreeSet<Slot>) {
    match e {
        Expr::Local(s) => {
            out.insert(*s);
        }
        // The outer variables a pattern starts from or reaches.
        Expr::Quant(_, q, _) | Expr::Agg(_, _, q) => query_slots(q, out),
        _ => {}
    }
    for x in e.children() {
        slots_used(x, out);
    }
}

pub(super) fn query_slots(q: &Query, out: &mut BTreeSet<Slot>) {
    // The slots the pattern binds itself; every other node it names is an
    // outer variable it reads: `earliest x` (no steps at all), the second
    // bound end of `a -e-> f: event -e-> b`.
    let own: BTreeSet<Slot> = Query::own_slots(&q.steps).into_iter().collect();
    if !own.contains(&q.head) {
        out.insert(q.head);
    }
    for s in &q.steps {
        match s {
            QStep::Scan { tests, .. } => tests.iter().for_each(|t| slots_used(&t.value, out)),
            QStep::Check { slot, tests } => {
                if !own.contains(slot) {
                    out.insert(*slot);
                }
                tests.iter().for_each(|t| slots_used(&t.value, out))
            }
            QStep::Expand {
                from,
                to,
                to_bound,
                node_tests,
                edge_tests,
                ..
            } => {
                out.insert(*from);
                if *to_bound && !own.contains(to) {
                    out.insert(*to);
                }
                node_tests
                    .iter()
                    .chain(edge_tests)
                    .for_each(|t| slots_used(&t.value, out));
            }
        }
    }
    if let Some(f) = &q.filter {
        slots_used(f, out);
    }
}

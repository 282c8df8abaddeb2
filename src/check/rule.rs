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
        let mut once = |cx: &mut Checker<'a>, seen: bool, span: ast::Span, what: &str| {
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
                    let x = self.expect_ty(e, &Ty::Bool);
                    ops.push(Op::Where(x, *span));
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
        let ops = push_down_wheres(ops);
        let rule = Rule {
            id: r.id.name.clone(),
            part: r.part.as_ref().map(|p| p.name.clone()),
            severity: severity.unwrap_or(Severity::Error),
            title: title?,
            cite: cite?,
            tags,
            ops,
            unless,
            in_force,
            require,
            due,
            messages: messages.into_iter().map(|(c, t, _)| (c, t)).collect(),
            report,
            slot_names: self.frame.names.clone(),
            nslots: self.frame.max,
            span: r.span,
        };
        if !missing.is_empty() {
            return None;
        }
        Some(rule)
    }
}

/// Moves each `where` to just after the operation that binds the last slot it reads.
fn push_down_wheres(ops: Vec<Op>) -> Vec<Op> {
    let mut binders: Vec<Op> = vec![];
    let mut wheres: Vec<(Expr, ast::Span, usize)> = vec![];
    for op in ops {
        match op {
            Op::Where(e, span) => {
                let mut used = BTreeSet::new();
                slots_used(&e, &mut used);
                let after = binders
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| binds(b).iter().any(|s| used.contains(s)))
                    .map(|(i, _)| i + 1)
                    .max()
                    .unwrap_or(0);
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

fn binds(op: &Op) -> Vec<Slot> {
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
        Op::Where(..) => vec![],
    }
}

/// Every slot an expression reads (including inside quantifiers).
pub(super) fn slots_used(e: &Expr, out: &mut BTreeSet<Slot>) {
    let mut walk = |x: &Expr| slots_used(x, out);
    match e {
        Expr::Const(_) | Expr::Singleton(_) => {}
        Expr::Local(s) => {
            out.insert(*s);
        }
        Expr::Format(pieces) => {
            for p in pieces {
                if let Piece::Hole(x) = p {
                    slots_used(x, out);
                }
            }
        }
        Expr::List(xs) | Expr::Call(_, xs) | Expr::Lookup(_, xs) | Expr::Builtin(_, xs) => {
            xs.iter().for_each(walk)
        }
        Expr::Field(x, ..)
        | Expr::EdgeField(x, ..)
        | Expr::Column(x, _)
        | Expr::Not(x)
        | Expr::Neg(x)
        | Expr::Is(x, ..)
        | Expr::Duration(x, _) => walk(x),
        Expr::And(a, b)
        | Expr::Or(a, b)
        | Expr::Arith(_, a, b)
        | Expr::In(a, b, _)
        | Expr::Contains(a, b)
        | Expr::ContainsAny(a, b)
        | Expr::Otherwise(a, b) => {
            walk(a);
            walk(b);
        }
        Expr::Compare(a, rest) => {
            walk(a);
            rest.iter().for_each(|(_, x)| slots_used(x, out));
        }
        Expr::If(a, b, c) => {
            walk(a);
            walk(b);
            walk(c);
        }
        Expr::Quant(_, q, body) => {
            query_slots(q, out);
            if let Some(b) = body {
                slots_used(b, out);
            }
        }
        Expr::Agg(_, v, q) => {
            query_slots(q, out);
            if let Some(v) = v {
                slots_used(v, out);
            }
        }
    }
}

fn query_slots(q: &Query, out: &mut BTreeSet<Slot>) {
    for s in &q.steps {
        match s {
            QStep::Scan { tests, .. } | QStep::Check { tests, .. } => {
                tests.iter().for_each(|t| slots_used(&t.value, out))
            }
            QStep::Expand {
                from,
                node_tests,
                edge_tests,
                ..
            } => {
                out.insert(*from);
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

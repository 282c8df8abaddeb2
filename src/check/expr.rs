//! Stage 2, expressions: name resolution and type checking, bidirectional
//! so that a bare enum value (`detention`) takes its enum from the other side.

use super::ir::*;
use super::{Checker, compatible, unify};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::graph::Type;
use crate::syntax::ast::{self, Agg, BinOp, ExprKind, IsTest, Quant, Span, TemplatePart, Unit};
use std::sync::Arc;

type Typed = (Expr, Ty);

fn err_expr() -> Typed {
    (Expr::Const(Const::Bool(false)), Ty::Any)
}

/// The IR type of a stored field.
pub(super) fn field_ty(t: &Type) -> Ty {
    match t {
        Type::Text => Ty::Text,
        Type::Int => Ty::Int,
        Type::Decimal => Ty::Decimal,
        Type::Bool => Ty::Bool,
        Type::Date => Ty::Date,
        Type::Time => Ty::Time,
        Type::Enum(e) => Ty::Enum(*e),
        Type::List(inner) => Ty::List(Box::new(field_ty(inner))),
    }
}

const BUILTINS: [&str; 16] = [
    "lang",
    "years_between",
    "days_between",
    "datetime",
    "date_of",
    "is_working_day",
    "next_working_day",
    "working_deadline",
    "min",
    "max",
    "abs",
    "round",
    "len",
    "label",
    "trim",
    "id",
];

impl<'a> Checker<'a> {
    /// Checks an expression. `expect` is the type the context wants, used to resolve
    /// bare enum values; the caller still checks the result type.
    pub(super) fn expr(&mut self, e: &ast::Expr, expect: Option<&Ty>) -> Typed {
        match &e.kind {
            ExprKind::Int(i) => (Expr::Const(Const::Int(*i)), Ty::Int),
            ExprKind::Decimal(s) => match rust_decimal::Decimal::from_str_exact(s) {
                Ok(d) => (Expr::Const(Const::Decimal(d)), Ty::Decimal),
                Err(_) => {
                    self.error(
                        Code::BadLiteral,
                        e.span,
                        format!("`{s}` is not a decimal this engine can hold exactly"),
                    );
                    err_expr()
                }
            },
            ExprKind::Bool(b) => (Expr::Const(Const::Bool(*b)), Ty::Bool),
            ExprKind::Date(s) => match self.date(s, e.span) {
                Some(d) => (Expr::Const(Const::Date(d)), Ty::Date),
                None => err_expr(),
            },
            ExprKind::Time(s) => match parse_time(s) {
                Some(t) => (Expr::Const(Const::Time(t)), Ty::Time),
                None => {
                    self.error(
                        Code::BadLiteral,
                        e.span,
                        format!("`{s}` is not a valid time"),
                    );
                    err_expr()
                }
            },
            ExprKind::Str(t) => {
                if let [TemplatePart::Lit(s)] = t.parts.as_slice() {
                    return (Expr::Const(Const::Text(Arc::from(s.as_str()))), Ty::Text);
                }
                if t.parts.is_empty() {
                    return (Expr::Const(Const::Text(Arc::from(""))), Ty::Text);
                }
                let mut pieces = vec![];
                for p in &t.parts {
                    match p {
                        TemplatePart::Lit(s) => pieces.push(Piece::Lit(s.clone())),
                        TemplatePart::Hole(h) => {
                            let (x, ht) = self.expr(h, None);
                            if matches!(ht, Ty::List(_) | Ty::Row(_) | Ty::Edge(_)) {
                                let msg = format!("cannot show {} in a text", self.ty_name(&ht));
                                self.error(Code::Type, h.span, msg);
                            }
                            pieces.push(Piece::Hole(x));
                        }
                    }
                }
                (Expr::Format(pieces), Ty::Text)
            }
            ExprKind::List(items) => self.list(items, expect, e.span),
            ExprKind::Name(id) => self.name(id, expect),
            ExprKind::Call(name, args) => self.call(name, args, e.span),
            ExprKind::Field(base, field) => self.field(base, field, e.span),
            ExprKind::Paren(inner) => self.expr(inner, expect),
            ExprKind::Not(inner) => {
                let x = self.expect_ty(inner, &Ty::Bool);
                (Expr::Not(Box::new(x)), Ty::Bool)
            }
            ExprKind::Neg(inner) => {
                let (x, t) = self.expr(inner, expect);
                if !t.is_numeric() {
                    let msg = format!("cannot negate {}", self.ty_name(&t));
                    self.error(Code::Type, inner.span, msg);
                }
                (Expr::Neg(Box::new(x)), t)
            }
            ExprKind::Is(inner, negated, test) => self.is_test(inner, *negated, test),
            ExprKind::Duration(inner, unit) => {
                let x = self.expect_ty(inner, &Ty::Int);
                (Expr::Duration(Box::new(x), *unit), Ty::Duration)
            }
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b, expect, e.span),
            ExprKind::Compare(first, rest) => self.compare(first, rest),
            ExprKind::If(c, a, b) => {
                let c = self.expect_ty(c, &Ty::Bool);
                let (x, tx) = self.expr(a, expect);
                let (y, ty) = self.expr(b, Some(&tx).filter(|t| **t != Ty::Any).or(expect));
                let t = match unify(&tx, &ty) {
                    Some(t) => t,
                    None => {
                        let msg = format!(
                            "the branches differ: {} and {}",
                            self.ty_name(&tx),
                            self.ty_name(&ty)
                        );
                        self.error(Code::Type, e.span, msg);
                        Ty::Any
                    }
                };
                (Expr::If(Box::new(c), Box::new(x), Box::new(y)), t)
            }
            ExprKind::Quant {
                quant,
                pattern,
                filter,
                body,
            } => {
                let mark = self.frame.mark();
                let q = self.query(pattern, filter.as_deref());
                let body_ir = match (quant, body) {
                    (Quant::Every, Some(b)) => Some(Box::new(self.expect_ty(b, &Ty::Bool))),
                    (Quant::Every, None) => {
                        self.diags.push(
                            Diagnostic::error(
                                Code::Syntax,
                                e.span,
                                "`every` needs a `satisfies` condition",
                            )
                            .with_help("every x: kind where FILTER satisfies CONDITION"),
                        );
                        None
                    }
                    (_, Some(b)) => {
                        self.error(
                            Code::Syntax,
                            b.span,
                            "only `every` takes `satisfies`; use `where`",
                        );
                        None
                    }
                    (_, None) => None,
                };
                self.frame.leave(mark);
                (Expr::Quant(*quant, Box::new(q), body_ir), Ty::Bool)
            }
            ExprKind::Agg {
                agg,
                value,
                pattern,
                filter,
            } => {
                let mark = self.frame.mark();
                let q = self.query(pattern, filter.as_deref());
                let out = match agg {
                    Agg::Count => (Expr::Agg(Agg::Count, None, Box::new(q)), Ty::Int),
                    Agg::Earliest | Agg::Latest => {
                        let has_date = self
                            .schema
                            .field(q.head_kind, "date")
                            .and_then(|f| self.schema.field_def(q.head_kind, f))
                            .is_some_and(|d| d.ty == Type::Date);
                        if !has_date {
                            self.error(
                                Code::Type,
                                pattern.span,
                                "`earliest` and `latest` need a node kind with a `date` field",
                            );
                        }
                        let k = q.head_kind;
                        (Expr::Agg(*agg, None, Box::new(q)), Ty::Node(k))
                    }
                    Agg::Sum | Agg::Product | Agg::Min | Agg::Max => {
                        let (v, t) = match value {
                            Some(v) => self.expr(v, None),
                            None => err_expr(),
                        };
                        let ok = t.is_numeric()
                            || (matches!(agg, Agg::Min | Agg::Max)
                                && matches!(t, Ty::Date | Ty::DateTime));
                        if !ok {
                            let msg = format!(
                                "cannot {} {}",
                                if matches!(agg, Agg::Sum | Agg::Product) {
                                    "combine"
                                } else {
                                    "compare"
                                },
                                self.ty_name(&t)
                            );
                            self.error(Code::Type, value.as_ref().map_or(e.span, |v| v.span), msg);
                        }
                        (Expr::Agg(*agg, Some(Box::new(v)), Box::new(q)), t)
                    }
                };
                self.frame.leave(mark);
                out
            }
        }
    }

    /// Checks an expression and reports it unless it has type `want`.
    pub(super) fn expect_ty(&mut self, e: &ast::Expr, want: &Ty) -> Expr {
        let (x, t) = self.expr(e, Some(want));
        if !compatible(want, &t) {
            let msg = format!(
                "expected {}, found {}",
                self.ty_name(want),
                self.ty_name(&t)
            );
            self.diags.push(
                Diagnostic::error(Code::Type, e.span, msg)
                    .with_label(format!("this is {}", self.ty_name(&t))),
            );
        }
        x
    }

    fn list(&mut self, items: &[ast::Expr], expect: Option<&Ty>, span: Span) -> Typed {
        let mut elem = match expect {
            Some(Ty::List(t)) => (**t).clone(),
            _ => Ty::Any,
        };
        let mut out = vec![];
        for it in items {
            let hint = if elem == Ty::Any { None } else { Some(&elem) };
            let (x, t) = self.expr(it, hint);
            match unify(&elem, &t) {
                Some(u) => elem = u,
                None => {
                    let msg = format!(
                        "list elements differ: {} and {}",
                        self.ty_name(&elem),
                        self.ty_name(&t)
                    );
                    self.error(Code::Type, it.span, msg);
                }
            }
            out.push(x);
        }
        let _ = span;
        // A list of constants stays a constant list expression; the evaluator builds it once.
        (Expr::List(out), Ty::List(Box::new(elem)))
    }

    /// Whether a bare name resolves without an expected type (variable, definition, kind).
    fn resolves_alone(&self, e: &ast::Expr) -> bool {
        match &e.kind {
            ExprKind::Name(id) => {
                self.frame.lookup(&id.name).is_some()
                    || self.def_index.contains_key(&id.name)
                    || self
                        .kind_id(&id.name)
                        .is_some_and(|k| self.schema.kind(k).is_some_and(|d| d.singleton))
            }
            ExprKind::Paren(inner) => self.resolves_alone(inner),
            ExprKind::List(items) => items.iter().all(|i| self.resolves_alone(i)),
            _ => true,
        }
    }

    fn name(&mut self, id: &ast::Ident, expect: Option<&Ty>) -> Typed {
        if let Some(v) = self.frame.lookup(&id.name) {
            return (Expr::Local(v.slot), v.ty.clone());
        }
        // Where the context wants an enum that has this value, the value wins over a
        // definition of the same name: `event(type = hearing)` beside `def hearing`.
        if let Some(Ty::Enum(e)) = expect
            && let Some(v) = self.schema.enum_value(*e, &id.name)
        {
            return (Expr::Const(Const::Enum(*e, v)), Ty::Enum(*e));
        }
        if let Some(Ty::List(inner)) = expect
            && let Ty::Enum(e) = **inner
            && let Some(v) = self.schema.enum_value(e, &id.name)
        {
            return (Expr::Const(Const::Enum(e, v)), Ty::Enum(e));
        }
        if let Some(&def) = self.def_index.get(&id.name) {
            self.used.insert(id.name.clone());
            let takes_args = self
                .def_ast
                .get(def.0 as usize)
                .is_some_and(|d| d.params.is_some());
            if takes_args {
                self.diags.push(
                    Diagnostic::error(
                        Code::Arity,
                        id.span,
                        format!("`{}` takes arguments", id.name),
                    )
                    .with_help(format!("call it: `{}(…)`", id.name)),
                );
                return err_expr();
            }
            let ty = self.ensure_def(def);
            return (Expr::Call(def, vec![]), ty);
        }
        if let Some(k) = self.kind_id(&id.name)
            && self.schema.kind(k).is_some_and(|d| d.singleton)
        {
            return (Expr::Singleton(k), Ty::Node(k));
        }
        // An enum value: from the expected enum, else the one enum that has it.
        let want_enum = match expect {
            Some(Ty::Enum(e)) => Some(*e),
            Some(Ty::List(t)) => match **t {
                Ty::Enum(e) => Some(e),
                _ => None,
            },
            _ => None,
        };
        if let Some(e) = want_enum {
            if let Some(v) = self.schema.enum_value(e, &id.name) {
                return (Expr::Const(Const::Enum(e, v)), Ty::Enum(e));
            }
            let values = self
                .schema
                .enum_def(e)
                .map(|d| d.values.clone())
                .unwrap_or_default();
            let help = did_you_mean(&id.name, values.iter().map(String::as_str));
            let ename = self
                .schema
                .enum_def(e)
                .map_or(String::new(), |d| d.name.clone());
            self.diags.push(
                Diagnostic::error(
                    Code::UnknownName,
                    id.span,
                    format!("`{}` is not a value of `{ename}`", id.name),
                )
                .with_label(format!("expected one of: {}", values.join(", ")))
                .with_help_opt(help),
            );
            return err_expr();
        }
        let found = self.enums_with_value(&id.name);
        match found.as_slice() {
            [(e, v)] => (Expr::Const(Const::Enum(*e, *v)), Ty::Enum(*e)),
            [] => {
                let mut cands: Vec<String> =
                    self.frame.vars.iter().map(|v| v.name.clone()).collect();
                cands.extend(self.def_index.keys().cloned());
                let help = did_you_mean(&id.name, cands.iter().map(String::as_str));
                self.diags.push(
                    Diagnostic::error(
                        Code::UnknownName,
                        id.span,
                        format!("unknown name `{}`", id.name),
                    )
                    .with_label("not a variable, a definition or an enum value")
                    .with_help_opt(help),
                );
                err_expr()
            }
            many => {
                let names: Vec<String> = many
                    .iter()
                    .filter_map(|(e, _)| {
                        self.schema
                            .enum_def(*e)
                            .map(|d| format!("`{}.{}`", d.name, id.name))
                    })
                    .collect();
                self.diags.push(
                    Diagnostic::error(
                        Code::UnknownName,
                        id.span,
                        format!("`{}` is a value of several enums", id.name),
                    )
                    .with_help(format!("say which: {}", names.join(" or "))),
                );
                err_expr()
            }
        }
    }

    fn field(&mut self, base: &ast::Expr, field: &ast::Ident, span: Span) -> Typed {
        // `penalty.fixed_term`: a qualified enum value.
        if let ExprKind::Name(n) = &base.kind
            && self.frame.lookup(&n.name).is_none()
            && !self.def_index.contains_key(&n.name)
            && let Some(e) = self.schema.enum_by_name(&n.name)
        {
            return match self.schema.enum_value(e, &field.name) {
                Some(v) => (Expr::Const(Const::Enum(e, v)), Ty::Enum(e)),
                None => {
                    let values = self
                        .schema
                        .enum_def(e)
                        .map(|d| d.values.clone())
                        .unwrap_or_default();
                    let help = did_you_mean(&field.name, values.iter().map(String::as_str));
                    self.diags.push(
                        Diagnostic::error(
                            Code::UnknownName,
                            field.span,
                            format!("`{}` is not a value of `{}`", field.name, n.name),
                        )
                        .with_help_opt(help),
                    );
                    err_expr()
                }
            };
        }
        // `person.role.defendant`: a value of an enum declared in place, named by its field.
        if let ExprKind::Field(inner, f) = &base.kind
            && let ExprKind::Name(n) = &inner.kind
            && self.frame.lookup(&n.name).is_none()
            && !self.def_index.contains_key(&n.name)
            && let Some(e) = self.schema.enum_by_name(&format!("{}.{}", n.name, f.name))
            && self
                .kind_id(&n.name)
                .is_some_and(|k| !self.schema.kind(k).is_some_and(|d| d.singleton))
        {
            return match self.schema.enum_value(e, &field.name) {
                Some(v) => (Expr::Const(Const::Enum(e, v)), Ty::Enum(e)),
                None => {
                    let values = self
                        .schema
                        .enum_def(e)
                        .map(|d| d.values.clone())
                        .unwrap_or_default();
                    let help = did_you_mean(&field.name, values.iter().map(String::as_str));
                    self.diags.push(
                        Diagnostic::error(
                            Code::UnknownName,
                            field.span,
                            format!("`{}` is not a value of `{}.{}`", field.name, n.name, f.name),
                        )
                        .with_help_opt(help),
                    );
                    err_expr()
                }
            };
        }
        let (b, t) = self.expr(base, None);
        match t {
            Ty::Node(k) => match self.schema.field(k, &field.name) {
                Some(f) => {
                    let ty = self
                        .schema
                        .field_def(k, f)
                        .map_or(Ty::Any, |d| field_ty(&d.ty));
                    (Expr::Field(Box::new(b), f, ty.clone()), ty)
                }
                None => {
                    let kd = self.schema.kind(k);
                    let kname = kd.map_or(String::new(), |d| d.name.clone());
                    let fields: Vec<String> = kd
                        .map(|d| d.fields.iter().map(|f| f.name.clone()).collect())
                        .unwrap_or_default();
                    let help = did_you_mean(&field.name, fields.iter().map(String::as_str));
                    self.diags.push(
                        Diagnostic::error(
                            Code::UnknownName,
                            field.span,
                            format!("unknown field `{}` of `{kname}`", field.name),
                        )
                        .with_label(format!("`{kname}` has: {}", fields.join(", ")))
                        .with_help_opt(help),
                    );
                    err_expr()
                }
            },
            Ty::Edge(k) => match self.schema.edge_field(k, &field.name) {
                Some(f) => {
                    let ty = self
                        .schema
                        .edge_field_def(k, f)
                        .map_or(Ty::Any, |d| field_ty(&d.ty));
                    (Expr::EdgeField(Box::new(b), f, ty.clone()), ty)
                }
                None => {
                    let ed = self.schema.edge(k);
                    let fields: Vec<String> = ed
                        .map(|d| d.fields.iter().map(|f| f.name.clone()).collect())
                        .unwrap_or_default();
                    let help = did_you_mean(&field.name, fields.iter().map(String::as_str));
                    self.diags.push(
                        Diagnostic::error(
                            Code::UnknownName,
                            field.span,
                            format!(
                                "unknown field `{}` of edge `{}`",
                                field.name,
                                ed.map_or("", |d| d.name.as_str())
                            ),
                        )
                        .with_help_opt(help),
                    );
                    err_expr()
                }
            },
            Ty::Row(tid) => {
                let cols = self
                    .tables
                    .get(tid.0 as usize)
                    .map(|t| t.columns.clone())
                    .unwrap_or_default();
                match cols.iter().position(|(n, _)| *n == field.name) {
                    Some(i) => {
                        let ty = cols.get(i).map_or(Ty::Any, |(_, t)| t.clone());
                        (Expr::Column(Box::new(b), i as u32), ty)
                    }
                    None => {
                        let help = did_you_mean(&field.name, cols.iter().map(|(n, _)| n.as_str()));
                        self.diags.push(
                            Diagnostic::error(
                                Code::UnknownName,
                                field.span,
                                format!("unknown column `{}`", field.name),
                            )
                            .with_help_opt(help),
                        );
                        err_expr()
                    }
                }
            }
            Ty::Any => err_expr(),
            other => {
                let msg = format!("{} has no fields", self.ty_name(&other));
                self.error(Code::Type, span, msg);
                err_expr()
            }
        }
    }

    fn is_test(&mut self, inner: &ast::Expr, negated: bool, test: &IsTest) -> Typed {
        let (x, t) = self.expr(inner, None);
        let test = match test {
            IsTest::Absent => Test::Absent,
            IsTest::Present => Test::Present,
            IsTest::True | IsTest::False => {
                if !compatible(&Ty::Bool, &t) {
                    let msg = format!(
                        "`is true` and `is false` test a bool; this is {}",
                        self.ty_name(&t)
                    );
                    self.error(Code::Type, inner.span, msg);
                }
                if matches!(test, IsTest::True) {
                    Test::True
                } else {
                    Test::False
                }
            }
            IsTest::Value(v) => match t {
                Ty::Enum(e) => match self.schema.enum_value(e, &v.name) {
                    Some(ix) => Test::Equals(Const::Enum(e, ix)),
                    None => {
                        let values = self
                            .schema
                            .enum_def(e)
                            .map(|d| d.values.clone())
                            .unwrap_or_default();
                        let help = did_you_mean(&v.name, values.iter().map(String::as_str));
                        self.diags.push(
                            Diagnostic::error(
                                Code::UnknownName,
                                v.span,
                                format!("`{}` is not a value of this enum", v.name),
                            )
                            .with_label(format!(
                                "expected absent, present, true, false or one of: {}",
                                values.join(", ")
                            ))
                            .with_help_opt(help),
                        );
                        Test::Absent
                    }
                },
                Ty::Any => Test::Absent,
                other => {
                    let msg = format!(
                        "`is {}` needs an enum value; this is {}",
                        v.name,
                        self.ty_name(&other)
                    );
                    self.diags
                        .push(Diagnostic::error(Code::Type, v.span, msg).with_label(
                            "expected `absent`, `present`, `true`, `false` or an enum value",
                        ));
                    Test::Absent
                }
            },
        };
        (Expr::Is(Box::new(x), negated, test), Ty::Bool)
    }

    /// Checks two operands; a bare enum value on the left takes its type from the right.
    fn pair(&mut self, a: &ast::Expr, b: &ast::Expr, expect_b_list: bool) -> (Typed, Typed) {
        if self.resolves_alone(a) || !self.resolves_alone(b) {
            let (xa, ta) = self.expr(a, None);
            let hint = if expect_b_list {
                Ty::List(Box::new(ta.clone()))
            } else {
                ta.clone()
            };
            let (xb, tb) = self.expr(b, Some(&hint));
            ((xa, ta), (xb, tb))
        } else {
            let (xb, tb) = self.expr(b, None);
            let hint = match (&tb, expect_b_list) {
                (Ty::List(t), true) => (**t).clone(),
                (t, _) => t.clone(),
            };
            let (xa, ta) = self.expr(a, Some(&hint));
            ((xa, ta), (xb, tb))
        }
    }

    fn binary(
        &mut self,
        op: BinOp,
        a: &ast::Expr,
        b: &ast::Expr,
        expect: Option<&Ty>,
        span: Span,
    ) -> Typed {
        match op {
            BinOp::And | BinOp::Or => {
                let x = self.expect_ty(a, &Ty::Bool);
                let y = self.expect_ty(b, &Ty::Bool);
                let e = if op == BinOp::And {
                    Expr::And(Box::new(x), Box::new(y))
                } else {
                    Expr::Or(Box::new(x), Box::new(y))
                };
                (e, Ty::Bool)
            }
            BinOp::In | BinOp::NotIn => {
                let ((x, tx), (l, tl)) = self.pair(a, b, true);
                match &tl {
                    Ty::List(elem) if compatible(elem, &tx) || compatible(&tx, elem) => {}
                    Ty::Any => {}
                    other => {
                        let msg = format!(
                            "cannot look for {} in {}",
                            self.ty_name(&tx),
                            self.ty_name(other)
                        );
                        self.error(Code::Type, span, msg);
                    }
                }
                (
                    Expr::In(Box::new(x), Box::new(l), op == BinOp::NotIn),
                    Ty::Bool,
                )
            }
            BinOp::Contains | BinOp::ContainsAny => {
                let (l, tl) = self.expr(a, None);
                let elem = match &tl {
                    Ty::List(t) => (**t).clone(),
                    Ty::Any => Ty::Any,
                    other => {
                        let msg = format!(
                            "`contains` needs a list on its left; this is {}",
                            self.ty_name(other)
                        );
                        self.error(Code::Type, a.span, msg);
                        Ty::Any
                    }
                };
                if op == BinOp::Contains {
                    let x = self.expect_ty(b, &elem);
                    (Expr::Contains(Box::new(l), Box::new(x)), Ty::Bool)
                } else {
                    let x = self.expect_ty(b, &Ty::List(Box::new(elem)));
                    (Expr::ContainsAny(Box::new(l), Box::new(x)), Ty::Bool)
                }
            }
            BinOp::Otherwise => {
                let (x, tx) = self.expr(a, expect);
                let (y, ty) = self.expr(b, Some(&tx).filter(|t| **t != Ty::Any).or(expect));
                let t = match unify(&tx, &ty) {
                    Some(t) => t,
                    None => {
                        let msg = format!(
                            "`otherwise` gives {} for {}",
                            self.ty_name(&ty),
                            self.ty_name(&tx)
                        );
                        self.error(Code::Type, span, msg);
                        Ty::Any
                    }
                };
                (Expr::Otherwise(Box::new(x), Box::new(y)), t)
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                let (x, tx) = self.expr(a, None);
                let (y, ty) = self.expr(b, None);
                let arith = match op {
                    BinOp::Add => Arith::Add,
                    BinOp::Sub => Arith::Sub,
                    BinOp::Mul => Arith::Mul,
                    _ => Arith::Div,
                };
                let t = match (&tx, &ty, arith) {
                    (Ty::Any, _, _) | (_, Ty::Any, _) => Ty::Any,
                    (Ty::Int, Ty::Int, Arith::Div) => Ty::Decimal,
                    (Ty::Int, Ty::Int, _) => Ty::Int,
                    (l, r, _) if l.is_numeric() && r.is_numeric() => Ty::Decimal,
                    (Ty::Date, Ty::Duration, Arith::Add | Arith::Sub) => {
                        if let ExprKind::Duration(_, Unit::Hours) = strip(b) {
                            self.diags.push(
                                Diagnostic::error(Code::Type, b.span, "a date has no hours")
                                    .with_help(
                                        "use `datetime(d, t) + 24 hours`, or days: `d + 1 day`",
                                    ),
                            );
                        }
                        Ty::Date
                    }
                    (Ty::DateTime, Ty::Duration, Arith::Add | Arith::Sub) => Ty::DateTime,
                    (l, r, _) => {
                        let msg = format!(
                            "cannot apply `{}` to {} and {}",
                            op_str(arith),
                            self.ty_name(l),
                            self.ty_name(r)
                        );
                        let help = matches!((l, r), (Ty::Date, Ty::Date))
                            .then(|| "use `days_between(a, b)`".to_string());
                        self.diags
                            .push(Diagnostic::error(Code::Type, span, msg).with_help_opt(help));
                        Ty::Any
                    }
                };
                (Expr::Arith(arith, Box::new(x), Box::new(y)), t)
            }
        }
    }

    fn compare(&mut self, first: &ast::Expr, rest: &[(ast::CmpOp, ast::Expr)]) -> Typed {
        let mut prev_ast = first;
        let (mut prev_ir, mut prev_ty) = (None, Ty::Any);
        let mut out = vec![];
        for (i, (op, next)) in rest.iter().enumerate() {
            let ((xa, ta), (xb, tb)) = if i == 0 {
                self.pair(prev_ast, next, false)
            } else {
                let hint = prev_ty.clone();
                let (xb, tb) = self.expr(next, Some(&hint));
                ((Expr::Const(Const::Bool(false)), prev_ty.clone()), (xb, tb))
            };
            if i == 0 {
                prev_ir = Some(xa);
            }
            let ordered = !matches!(op, ast::CmpOp::Eq | ast::CmpOp::Ne);
            let ok = match unify(&ta, &tb) {
                None => false,
                Some(Ty::List(_) | Ty::Edge(_) | Ty::Row(_)) => {
                    !ordered && matches!(unify(&ta, &tb), Some(Ty::List(_)))
                }
                Some(Ty::Bool | Ty::Enum(_)) => !ordered,
                Some(Ty::Duration) => false,
                Some(_) => true,
            };
            if !ok {
                let msg = format!(
                    "cannot compare {} with {}",
                    self.ty_name(&ta),
                    self.ty_name(&tb)
                );
                let help = match (&ta, &tb) {
                    (Ty::Date, Ty::DateTime) | (Ty::DateTime, Ty::Date) => {
                        Some("turn the date into a date-time: `datetime(d, 00:00)`".to_string())
                    }
                    (Ty::Enum(_), Ty::Enum(_)) if ordered => {
                        Some("enum values have no order; list them: `x in [a, b]`".to_string())
                    }
                    // `case.procedure = "fast_track"`: the value written as a text.
                    (Ty::Enum(e), Ty::Text) | (Ty::Text, Ty::Enum(e)) => {
                        let quoted = [prev_ast, next].into_iter().find_map(|x| match &x.kind {
                            ast::ExprKind::Str(t) => match t.parts.as_slice() {
                                [ast::TemplatePart::Lit(v)] => Some(v.as_str()),
                                _ => None,
                            },
                            _ => None,
                        });
                        quoted.map(|v| match self.schema.enum_value(*e, v) {
                            Some(_) => format!("write the value without quotes: `{v}`"),
                            None => "enum values are written without quotes".to_string(),
                        })
                    }
                    _ => None,
                };
                self.diags
                    .push(Diagnostic::error(Code::Type, next.span, msg).with_help_opt(help));
            }
            prev_ty = tb;
            prev_ast = next;
            out.push((*op, xb));
        }
        (
            Expr::Compare(
                Box::new(prev_ir.unwrap_or(Expr::Const(Const::Bool(false)))),
                out,
            ),
            Ty::Bool,
        )
    }

    fn call(&mut self, name: &ast::Ident, args: &[ast::Expr], span: Span) -> Typed {
        if let Some(&def) = self.def_index.get(&name.name) {
            self.used.insert(name.name.clone());
            let takes_args = self
                .def_ast
                .get(def.0 as usize)
                .is_some_and(|d| d.params.is_some());
            if !takes_args {
                self.diags.push(
                    Diagnostic::error(
                        Code::Arity,
                        name.span,
                        format!("`{}` takes no arguments", name.name),
                    )
                    .with_help(format!("write `{}` without parentheses", name.name)),
                );
                return err_expr();
            }
            let ty = self.ensure_def(def);
            let Some(params) = self
                .defs
                .get(def.0 as usize)
                .and_then(|d| d.as_ref())
                .map(|d| d.params.clone())
            else {
                // A definition that refers to itself: already reported.
                for a in args {
                    self.expr(a, None);
                }
                return err_expr();
            };
            if params.len() != args.len() {
                self.error(
                    Code::Arity,
                    span,
                    format!(
                        "`{}` takes {} arguments, found {}",
                        name.name,
                        params.len(),
                        args.len()
                    ),
                );
                return err_expr();
            }
            let mut out = vec![];
            for (a, p) in args.iter().zip(&params) {
                out.push(self.expect_ty(a, p));
            }
            return (Expr::Call(def, out), ty);
        }
        if let Some(&tid) = self.table_index.get(&name.name) {
            self.used.insert(name.name.clone());
            let Some(table) = self.tables.get(tid.0 as usize).cloned() else {
                return err_expr();
            };
            let n = table.keys.len() + usize::from(table.dated);
            if args.len() != n {
                let extra = if table.dated {
                    " (its keys, then the date the law is taken at)"
                } else {
                    ""
                };
                self.error(
                    Code::Arity,
                    span,
                    format!(
                        "table `{}` takes {n} arguments{extra}, found {}",
                        name.name,
                        args.len()
                    ),
                );
                return err_expr();
            }
            let mut out = vec![];
            for (i, a) in args.iter().enumerate() {
                let want = table.keys.get(i).cloned().unwrap_or(Ty::Date);
                out.push(self.expect_ty(a, &want));
            }
            return (Expr::Lookup(tid, out), Ty::Row(tid));
        }
        self.builtin(name, args, span)
    }

    /// `round(x, places)`: a number and a constant count of places, 0 to 28.
    fn round(&mut self, args: &[ast::Expr], span: Span) -> Typed {
        let [x, places] = args else {
            self.error(
                Code::Arity,
                span,
                format!("`round` takes 2 arguments, found {}", args.len()),
            );
            return err_expr();
        };
        let (xe, xt) = self.expr(x, None);
        if !xt.is_numeric() {
            let msg = format!("`round` needs a number; this is {}", self.ty_name(&xt));
            self.error(Code::Type, x.span, msg);
        }
        let (pe, pt) = self.expr(places, None);
        match pe {
            Expr::Const(Const::Int(n)) if (0..=28).contains(&n) => {}
            _ => {
                let msg = format!(
                    "`round` needs a constant number of places from 0 to 28; this is {}",
                    self.ty_name(&pt)
                );
                self.error(Code::Type, places.span, msg);
            }
        }
        (Expr::Builtin(Builtin::Round, vec![xe, pe]), Ty::Decimal)
    }

    fn builtin(&mut self, name: &ast::Ident, args: &[ast::Expr], span: Span) -> Typed {
        use Builtin as B;
        let (b, params, ret): (B, Vec<Ty>, Ty) = match name.name.as_str() {
            "years_between" => (B::YearsBetween, vec![Ty::Date, Ty::Date], Ty::Int),
            "days_between" => (B::DaysBetween, vec![Ty::Date, Ty::Date], Ty::Int),
            "datetime" => (B::DateTime, vec![Ty::Date, Ty::Time], Ty::DateTime),
            "date_of" => (B::DateOf, vec![Ty::DateTime], Ty::Date),
            "is_working_day" => (B::IsWorkingDay, vec![Ty::Date], Ty::Bool),
            "next_working_day" => (B::NextWorkingDay, vec![Ty::Date], Ty::Date),
            "working_deadline" => (B::WorkingDeadline, vec![Ty::Date], Ty::Date),
            "lang" => (B::Lang, vec![], Ty::Text),
            "round" => return self.round(args, span),
            "min" | "max" | "abs" | "len" | "label" | "trim" | "id" => {
                let want = if matches!(name.name.as_str(), "min" | "max") {
                    2
                } else {
                    1
                };
                if args.len() != want {
                    self.error(
                        Code::Arity,
                        span,
                        format!(
                            "`{}` takes {want} argument{}, found {}",
                            name.name,
                            if want == 1 { "" } else { "s" },
                            args.len()
                        ),
                    );
                    return err_expr();
                }
                let mut irs = vec![];
                let mut tys = vec![];
                for a in args {
                    let (x, t) = self.expr(a, None);
                    irs.push(x);
                    tys.push(t);
                }
                let t0 = tys.first().cloned().unwrap_or(Ty::Any);
                let (b, ret) = match name.name.as_str() {
                    "min" | "max" => {
                        let t1 = tys.get(1).cloned().unwrap_or(Ty::Any);
                        let t = unify(&t0, &t1)
                            .filter(|t| t.is_numeric() || matches!(t, Ty::Date | Ty::DateTime));
                        let t = match t {
                            Some(t) => t,
                            None => {
                                let msg = format!(
                                    "cannot take `{}` of {} and {}",
                                    name.name,
                                    self.ty_name(&t0),
                                    self.ty_name(&t1)
                                );
                                self.error(Code::Type, span, msg);
                                Ty::Any
                            }
                        };
                        (if name.name == "min" { B::Min } else { B::Max }, t)
                    }
                    "abs" => {
                        if !t0.is_numeric() {
                            let msg =
                                format!("`abs` needs a number; this is {}", self.ty_name(&t0));
                            self.error(Code::Type, span, msg);
                        }
                        (B::Abs, t0)
                    }
                    "len" => {
                        if !matches!(t0, Ty::List(_) | Ty::Any) {
                            let msg = format!("`len` needs a list; this is {}", self.ty_name(&t0));
                            self.error(Code::Type, span, msg);
                        }
                        (B::Len, Ty::Int)
                    }
                    "label" => {
                        if !matches!(t0, Ty::Enum(_) | Ty::Any) {
                            let msg = format!(
                                "`label` needs an enum value; this is {}",
                                self.ty_name(&t0)
                            );
                            self.error(Code::Type, span, msg);
                        }
                        (B::Label, Ty::Text)
                    }
                    "trim" => {
                        if !matches!(t0, Ty::Text | Ty::Any) {
                            let msg = format!("`trim` needs a text; this is {}", self.ty_name(&t0));
                            self.error(Code::Type, span, msg);
                        }
                        (B::Trim, Ty::Text)
                    }
                    _ => {
                        if !matches!(t0, Ty::Node(_) | Ty::Any) {
                            let msg = format!("`id` needs a node; this is {}", self.ty_name(&t0));
                            self.error(Code::Type, span, msg);
                        }
                        (B::Id, Ty::Text)
                    }
                };
                return (Expr::Builtin(b, irs), ret);
            }
            other => {
                let mut cands: Vec<&str> = BUILTINS.to_vec();
                let defs: Vec<String> = self.def_index.keys().cloned().collect();
                let tables: Vec<String> = self.table_index.keys().cloned().collect();
                cands.extend(defs.iter().map(String::as_str));
                cands.extend(tables.iter().map(String::as_str));
                let help = did_you_mean(other, cands);
                self.diags.push(
                    Diagnostic::error(
                        Code::UnknownName,
                        name.span,
                        format!("unknown function `{other}`"),
                    )
                    .with_label("not a definition, a table or a built-in function")
                    .with_help_opt(help),
                );
                for a in args {
                    self.expr(a, None);
                }
                return err_expr();
            }
        };
        if args.len() != params.len() {
            self.error(
                Code::Arity,
                span,
                format!(
                    "`{}` takes {} arguments, found {}",
                    name.name,
                    params.len(),
                    args.len()
                ),
            );
            return err_expr();
        }
        let mut out = vec![];
        for (a, p) in args.iter().zip(&params) {
            out.push(self.expect_ty(a, p));
        }
        (Expr::Builtin(b, out), ret)
    }

    /// A rule text: a template per language, holes checked in the current scope.
    pub(super) fn texts(&mut self, t: &ast::Text, span: Span, what: &str) -> Texts {
        let mut by_lang = std::collections::BTreeMap::new();
        let entries: Vec<(String, Span, &ast::Template)> = match t {
            ast::Text::Plain(tpl) => vec![(self.default_lang.clone(), tpl.span, tpl)],
            ast::Text::Langs(ls) => ls
                .iter()
                .map(|l| (l.lang.name.clone(), l.lang.span, &l.text))
                .collect(),
        };
        for (lang, lspan, tpl) in entries {
            if !self.languages.contains(&lang) {
                self.diags.push(
                    Diagnostic::error(
                        Code::UnknownLanguage,
                        lspan,
                        format!("language `{lang}` is not declared by the pack"),
                    )
                    .with_help(format!(
                        "the pack's languages: {}",
                        self.languages.join(", ")
                    )),
                );
                continue;
            }
            if by_lang.contains_key(&lang) {
                self.error(
                    Code::Duplicate,
                    lspan,
                    format!("the {what} is given twice in `{lang}`"),
                );
                continue;
            }
            let mut pieces = vec![];
            for p in &tpl.parts {
                match p {
                    TemplatePart::Lit(s) => pieces.push(Piece::Lit(s.clone())),
                    TemplatePart::Hole(e) => {
                        let (x, t) = self.expr(e, None);
                        if matches!(t, Ty::List(_) | Ty::Row(_) | Ty::Edge(_)) {
                            let msg = format!("cannot show {} in a text", self.ty_name(&t));
                            self.error(Code::Type, e.span, msg);
                        }
                        pieces.push(Piece::Hole(x));
                    }
                }
            }
            by_lang.insert(lang, pieces);
        }
        let missing: Vec<String> = self
            .languages
            .iter()
            .filter(|l| !by_lang.contains_key(*l))
            .cloned()
            .collect();
        if !missing.is_empty() {
            let list = missing
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", ");
            self.diags.push(
                Diagnostic::error(
                    Code::MissingLanguage,
                    span,
                    format!("the {what} lacks {list}"),
                )
                .with_help(format!(
                    "the pack requires every text in {}: `{} \"…\"`",
                    self.languages.join(", "),
                    missing.join(" \"…\" ")
                )),
            );
        }
        Texts { by_lang }
    }
}

fn strip(e: &ast::Expr) -> &ExprKind {
    match &e.kind {
        ExprKind::Paren(inner) => strip(inner),
        k => k,
    }
}

fn op_str(a: Arith) -> &'static str {
    match a {
        Arith::Add => "+",
        Arith::Sub => "-",
        Arith::Mul => "*",
        Arith::Div => "/",
    }
}

/// `HH:MM` or `HH:MM:SS`.
pub(super) fn parse_time(s: &str) -> Option<jiff::civil::Time> {
    let parts: Vec<&str> = s.split(':').collect();
    let num = |i: usize| parts.get(i).and_then(|p| p.parse::<i8>().ok());
    let (h, m) = (num(0)?, num(1)?);
    let sec = if parts.len() == 3 { num(2)? } else { 0 };
    if parts.len() > 3 {
        return None;
    }
    jiff::civil::Time::new(h, m, sec, 0).ok()
}

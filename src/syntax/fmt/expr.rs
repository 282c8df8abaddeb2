//! Stage 1 backwards, expressions and patterns: the layout of an
//! expression, with the parentheses a tree needs to read back the same.

use super::doc::{Doc, align, cat, group, join, nest, render, text};
use crate::syntax::ast::*;

pub(super) fn pattern(p: &Pattern) -> Doc {
    if p.steps.is_empty() {
        return node_pat(&p.start);
    }
    let steps = p.steps.iter().flat_map(|s| [Doc::Line, step(s)]).collect();
    group(cat(vec![node_pat(&p.start), nest(4, cat(steps))]))
}

fn node_pat(n: &NodePat) -> Doc {
    match n {
        NodePat::Ref(x) => text(x.name.clone()),
        NodePat::Bind(x, s) => cat(vec![text(format!("{}: ", x.name)), shape(s)]),
    }
}

pub(super) fn shape(s: &NodeShape) -> Doc {
    if s.conds.is_empty() {
        return text(s.kind.name.clone());
    }
    cat(vec![text(s.kind.name.clone()), conds(&s.conds)])
}

fn conds(cs: &[FieldCond]) -> Doc {
    let docs = cs
        .iter()
        .map(|c| {
            let op = match c.op {
                CondOp::In => "in",
                CondOp::Cmp(o) => cmp_word(o),
            };
            cat(vec![
                text(format!("{} {op} ", c.field.name)),
                expr(&c.value, 0, Follow::Closed),
            ])
        })
        .collect();
    bracket("(", docs, ")")
}

fn step(s: &Step) -> Doc {
    let mut edge = String::new();
    if let Some(v) = &s.edge_var {
        edge.push_str(&format!("{}: ", v.name));
    }
    edge.push_str(&s.edge.name);
    edge.push_str(match s.modifier {
        EdgeMod::One => "",
        EdgeMod::Open => "?",
        EdgeMod::Path => "*",
    });
    let (open, close) = if s.outgoing {
        ("-", "-> ")
    } else {
        ("<-", "- ")
    };
    let mut v = vec![text(format!("{open}{edge}"))];
    if !s.conds.is_empty() {
        v.push(conds(&s.conds));
    }
    v.push(text(close));
    v.push(node_pat(&s.node));
    cat(v)
}

// -------------------------------------------------------------- expressions

/// What comes right after an expression: the parser must not read it as
/// part of the expression's last operand.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Follow {
    /// A closing bracket, a comma, a keyword no expression takes, the end.
    Closed,
    /// An operator binding this tightly (see the `P_` levels).
    Op(u8),
    /// The word `where` (a following `where` clause).
    Where,
    /// The word `satisfies`.
    Satisfies,
}

impl Follow {
    fn power(self) -> u8 {
        match self {
            Follow::Op(p) => p,
            _ => 0,
        }
    }
}

// Binding powers, as in the parser's Pratt table.
const P_OR: u8 = 10;
const P_AND: u8 = 20;
const P_NOT: u8 = 30;
const P_CMP: u8 = 40;
const P_OTHERWISE: u8 = 50;
const P_ADD: u8 = 60;
const P_MUL: u8 = 70;
const P_NEG: u8 = 80;
const P_POSTFIX: u8 = 90;

fn bin_prec(op: BinOp) -> u8 {
    match op {
        BinOp::Or => P_OR,
        BinOp::And => P_AND,
        BinOp::In | BinOp::NotIn | BinOp::Contains | BinOp::ContainsAny => P_CMP,
        BinOp::Otherwise => P_OTHERWISE,
        BinOp::Add | BinOp::Sub => P_ADD,
        BinOp::Mul | BinOp::Div => P_MUL,
    }
}

fn bin_word(op: BinOp) -> &'static str {
    match op {
        BinOp::And => "and",
        BinOp::Or => "or",
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        BinOp::In => "in",
        BinOp::NotIn => "not in",
        BinOp::Contains => "contains",
        BinOp::ContainsAny => "contains any",
        BinOp::Otherwise => "otherwise",
    }
}

fn cmp_word(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "=",
        CmpOp::Ne => "!=",
        CmpOp::Lt => "<",
        CmpOp::Le => "<=",
        CmpOp::Gt => ">",
        CmpOp::Ge => ">=",
    }
}

/// Whether `e`, printed where an operand must bind at least `min` and is
/// followed by `follow`, would read back differently without parentheses.
fn needs_parens(e: &Expr, min: u8, follow: Follow) -> bool {
    let open_to_ops = follow.power() > 0;
    match &e.kind {
        ExprKind::Binary(op, ..) => bin_prec(*op) < min,
        ExprKind::Compare(..) => P_CMP < min,
        // A prefix operator's operand takes every operator binding tighter than it.
        ExprKind::Not(_) => follow.power() >= P_NOT,
        ExprKind::Neg(_) => follow.power() >= P_NEG,
        // `else e`, `where e`, `satisfies e` run as far right as they can.
        ExprKind::If(..) => open_to_ops,
        ExprKind::Quant { filter, body, .. } => {
            (open_to_ops && (filter.is_some() || body.is_some()))
                || (follow == Follow::Where && filter.is_none() && body.is_none())
                || (follow == Follow::Satisfies && body.is_none())
        }
        ExprKind::Agg { filter, .. } => {
            (open_to_ops && filter.is_some()) || (follow == Follow::Where && filter.is_none())
        }
        // Closed on both sides (postfix operators bind tightest).
        ExprKind::Int(_)
        | ExprKind::Decimal(_)
        | ExprKind::Str(_)
        | ExprKind::Bool(_)
        | ExprKind::Date(_)
        | ExprKind::Time(_)
        | ExprKind::List(_)
        | ExprKind::Name(_)
        | ExprKind::Call(..)
        | ExprKind::Field(..)
        | ExprKind::Paren(_)
        | ExprKind::Is(..)
        | ExprKind::Duration(..) => false,
    }
}

fn paren(d: Doc) -> Doc {
    cat(vec![text("("), align(d), text(")")])
}

/// An expression whose operators must bind at least `min`, followed by `follow`.
pub(super) fn expr(e: &Expr, min: u8, follow: Follow) -> Doc {
    if needs_parens(e, min, follow) {
        return paren(expr(e, 0, Follow::Closed));
    }
    match &e.kind {
        ExprKind::Int(n) => text(n.to_string()),
        ExprKind::Decimal(s) | ExprKind::Date(s) | ExprKind::Time(s) => text(s.clone()),
        ExprKind::Str(t) => text(template(t)),
        ExprKind::Bool(b) => text(if *b { "true" } else { "false" }),
        ExprKind::Name(x) => text(x.name.clone()),
        ExprKind::List(items) => bracket("[", exprs(items), "]"),
        ExprKind::Call(f, args) => cat(vec![text(f.name.clone()), bracket("(", exprs(args), ")")]),
        ExprKind::Field(x, name) => cat(vec![postfix_operand(x), text(format!(".{}", name.name))]),
        ExprKind::Paren(x) => paren(expr(x, 0, Follow::Closed)),
        ExprKind::Not(x) => cat(vec![text("not "), expr(x, P_NOT, follow)]),
        ExprKind::Neg(x) => cat(vec![text("-"), expr(x, P_NEG, follow)]),
        ExprKind::Is(x, negated, test) => {
            let what = match test {
                IsTest::Absent => "absent",
                IsTest::Present => "present",
                IsTest::True => "true",
                IsTest::False => "false",
                IsTest::Value(v) => v.name.as_str(),
            };
            let not = if *negated { "not " } else { "" };
            cat(vec![postfix_operand(x), text(format!(" is {not}{what}"))])
        }
        ExprKind::Duration(x, unit) => {
            let one = matches!(x.kind, ExprKind::Int(1));
            let word = match (unit, one) {
                (Unit::Hours, true) => "hour",
                (Unit::Hours, false) => "hours",
                (Unit::Days, true) => "day",
                (Unit::Days, false) => "days",
                (Unit::Months, true) => "month",
                (Unit::Months, false) => "months",
                (Unit::Years, true) => "year",
                (Unit::Years, false) => "years",
            };
            cat(vec![postfix_operand(x), text(format!(" {word}"))])
        }
        ExprKind::Binary(op @ (BinOp::And | BinOp::Or), ..) => chain(*op, e, follow),
        ExprKind::Binary(op, l, r) => {
            let p = bin_prec(*op);
            cat(vec![
                expr(l, p, Follow::Op(p)),
                text(format!(" {} ", bin_word(*op))),
                expr(r, p + 1, follow),
            ])
        }
        ExprKind::Compare(first, rest) => {
            // `(a < b) < c` keeps its parentheses: unbracketed, it would extend the chain.
            let mut v = vec![if matches!(first.kind, ExprKind::Compare(..)) {
                paren(expr(first, 0, Follow::Closed))
            } else {
                expr(first, P_CMP, Follow::Op(P_CMP))
            }];
            let n = rest.len();
            for (i, (op, x)) in rest.iter().enumerate() {
                let f = if i + 1 == n {
                    follow
                } else {
                    Follow::Op(P_CMP)
                };
                v.push(text(format!(" {} ", cmp_word(*op))));
                v.push(expr(x, P_CMP + 1, f));
            }
            cat(v)
        }
        ExprKind::If(..) => if_chain(e, follow),
        ExprKind::Quant {
            quant,
            pattern: p,
            filter,
            body,
        } => {
            let kw = match quant {
                Quant::Exists => "exists ",
                Quant::No => "no ",
                Quant::Every => "every ",
            };
            let mut v = vec![text(kw), pattern(p)];
            if let Some(f) = filter {
                let ff = if body.is_some() {
                    Follow::Satisfies
                } else {
                    follow
                };
                v.push(continuation("where ", expr(f, 0, ff)));
            }
            if let Some(b) = body {
                v.push(continuation("satisfies ", expr(b, 0, follow)));
            }
            group(cat(v))
        }
        ExprKind::Agg {
            agg,
            value,
            pattern: p,
            filter,
        } => {
            let word = match agg {
                Agg::Count => "count",
                Agg::Sum => "sum",
                Agg::Product => "product",
                Agg::Min => "min",
                Agg::Max => "max",
                Agg::Earliest => "earliest",
                Agg::Latest => "latest",
            };
            let mut v = vec![text(format!("{word} "))];
            // `sum E for p`: the value is printed whenever the tree has one.
            if let Some(x) = value {
                v.push(expr(x, 0, Follow::Closed));
                v.push(text(" for "));
            }
            v.push(pattern(p));
            if let Some(f) = filter {
                v.push(continuation("where ", expr(f, 0, follow)));
            }
            group(cat(v))
        }
    }
}

fn exprs(v: &[Expr]) -> Vec<Doc> {
    v.iter().map(|x| expr(x, 0, Follow::Closed)).collect()
}

/// The operand of `.field`, `is …` or a unit.
fn postfix_operand(x: &Expr) -> Doc {
    expr(x, P_POSTFIX, Follow::Op(P_POSTFIX))
}

/// ` word doc`, or on the next line with a 4-space indent.
fn continuation(word: &str, d: Doc) -> Doc {
    nest(4, cat(vec![Doc::Line, text(word), d]))
}

/// `a and b and c`: one group, broken before every operator.
fn chain(op: BinOp, e: &Expr, follow: Follow) -> Doc {
    let p = bin_prec(op);
    let mut rights = vec![];
    let mut left = e;
    while let ExprKind::Binary(o, l, r) = &left.kind
        && *o == op
    {
        rights.push(r.as_ref());
        left = l;
    }
    rights.reverse();
    let n = rights.len();
    let mut rest = vec![];
    for (i, r) in rights.into_iter().enumerate() {
        let f = if i + 1 == n { follow } else { Follow::Op(p) };
        rest.push(Doc::Line);
        rest.push(text(format!("{} ", bin_word(op))));
        rest.push(expr(r, p + 1, f));
    }
    group(cat(vec![expr(left, p, Follow::Op(p)), nest(4, cat(rest))]))
}

/// `if c then a else b`: broken, `then` and `else` start lines under `if`.
/// A chain `if … else if … else …` is broken before each `else`, and a
/// branch `if c then a` that does not fit before its `then`.
fn if_chain(e: &Expr, follow: Follow) -> Doc {
    let mut branches = vec![];
    let mut cur = e;
    while let ExprKind::If(c, a, b) = &cur.kind {
        branches.push((c.as_ref(), a.as_ref()));
        cur = b;
    }
    let last = cat(vec![text("else "), expr(cur, 0, follow)]);
    let branch = |i: usize, (c, a): (&Expr, &Expr)| {
        vec![
            text(if i == 0 { "if " } else { "else if " }),
            expr(c, 0, Follow::Closed),
            Doc::Line,
            text("then "),
            expr(a, 0, Follow::Closed),
        ]
    };
    if let [only] = branches.as_slice() {
        let mut v = branch(0, *only);
        v.push(Doc::Line);
        v.push(last);
        return align(group(cat(v)));
    }
    let mut segs: Vec<Doc> = branches
        .into_iter()
        .enumerate()
        .map(|(i, b)| group(cat(branch(i, b))))
        .collect();
    segs.push(last);
    align(group(join(segs, &Doc::Line)))
}

/// `open a, b, c close`, as many items per line as fit, aligned after `open`.
pub(super) fn bracket(open: &str, items: Vec<Doc>, close: &str) -> Doc {
    if items.is_empty() {
        return text(format!("{open}{close}"));
    }
    cat(vec![text(open), fill(items, close)])
}

/// `a, b, c` + `close`, as many per line as fit, aligned where it starts.
pub(super) fn fill(items: Vec<Doc>, close: &str) -> Doc {
    let n = items.len();
    let mut parts = Vec::with_capacity(n * 2);
    for (i, it) in items.into_iter().enumerate() {
        if i > 0 {
            parts.push(Doc::Line);
        }
        let end = if i + 1 == n { close } else { "," };
        parts.push(cat(vec![it, text(end)]));
    }
    align(Doc::Fill(parts))
}

/// A string literal: the canonical escapes, holes printed flat.
pub(super) fn template(t: &Template) -> String {
    let mut s = String::from("\"");
    for part in &t.parts {
        match part {
            TemplatePart::Lit(l) => {
                for c in l.chars() {
                    match c {
                        '"' => s.push_str("\\\""),
                        '\\' => s.push_str("\\\\"),
                        '\n' => s.push_str("\\n"),
                        '\t' => s.push_str("\\t"),
                        '{' => s.push_str("{{"),
                        '}' => s.push_str("}}"),
                        c => s.push(c),
                    }
                }
            }
            TemplatePart::Hole(e) => {
                s.push('{');
                s.push_str(&render(&expr(e, 0, Follow::Closed), usize::MAX / 2));
                s.push('}');
            }
        }
    }
    s.push('"');
    s
}

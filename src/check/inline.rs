//! Stage 2, inlining: a call of a small definition that runs no query
//! (`admissible(e)`, `moment(x)`, `within_24h(x, f)`) is replaced, in the
//! expressions a review evaluates, by the definition's body with the
//! arguments in place of the parameters. Same values (definitions are pure),
//! without a frame, a call and a memo check per evaluation.
//!
//! Only bodies that bind no variable of their own are inlined, only to a small
//! size and depth, and only when each argument is cheap to repeat or its
//! parameter is read once.

use super::ir::*;

/// Largest body inlined, in expression nodes.
const MAX_BODY: usize = 64;
/// Deepest chain of definitions inlined into one another.
const MAX_DEPTH: u32 = 4;

/// Inlines the calls of every expression a rule's review evaluates (its
/// plan, late `let`s and clauses; `ops` stay as written, for `explain`).
pub(super) fn inline_rules(rules: &mut [Rule], defs: &[Def]) {
    for r in rules {
        for op in &mut r.plan {
            match op {
                Op::Match(q) => query(q, defs),
                Op::Value(_, e)
                | Op::Each(_, e)
                | Op::Let(_, e)
                | Op::Where(e, _)
                | Op::Cond(e, _) => expr(e, defs, 0),
            }
        }
        for (_, e, _) in &mut r.late {
            expr(e, defs, 0);
        }
        for (e, _) in r.unless.iter_mut().chain(r.require.iter_mut()) {
            expr(e, defs, 0);
        }
        if let Some(e) = &mut r.due {
            expr(e, defs, 0);
        }
        if let Some((_, _, e)) = &mut r.in_force {
            expr(e, defs, 0);
        }
        for (c, _) in &mut r.messages {
            if let Some(c) = c {
                expr(c, defs, 0);
            }
        }
    }
}

fn query(q: &mut Query, defs: &[Def]) {
    for s in &mut q.steps {
        let tests = match s {
            QStep::Scan { tests, .. } | QStep::Check { tests, .. } => {
                tests.iter_mut().collect::<Vec<_>>()
            }
            QStep::Expand {
                node_tests,
                edge_tests,
                ..
            } => node_tests.iter_mut().chain(edge_tests.iter_mut()).collect(),
        };
        for t in tests {
            expr(&mut t.value, defs, 0);
        }
    }
    if let Some(f) = &mut q.filter {
        expr(f, defs, 0);
    }
}

fn expr(e: &mut Expr, defs: &[Def], depth: u32) {
    for c in children_mut(e) {
        expr(c, defs, depth);
    }
    if depth >= MAX_DEPTH {
        return;
    }
    let Expr::Call(id, args) = e else {
        return;
    };
    let Some(def) = defs.get(id.0 as usize) else {
        return;
    };
    if def.constant
        || def.nslots as usize != def.params.len()
        || args.len() != def.params.len()
        || size(&def.body) > MAX_BODY
    {
        return;
    }
    let mut reads = vec![0usize; args.len()];
    count_reads(&def.body, &mut reads);
    if args.iter().zip(&reads).any(|(a, n)| *n > 1 && !cheap(a)) {
        return;
    }
    let mut body = def.body.clone();
    substitute(&mut body, args);
    // The body may call further small definitions.
    expr(&mut body, defs, depth + 1);
    *e = body;
}

/// An argument that costs about as much as a variable read.
fn cheap(e: &Expr) -> bool {
    match e {
        Expr::Const(_) | Expr::Local(_) | Expr::Singleton(_) => true,
        Expr::Field(b, ..) | Expr::EdgeField(b, ..) => matches!(**b, Expr::Local(_)),
        _ => false,
    }
}

fn size(e: &Expr) -> usize {
    1 + e.children().into_iter().map(size).sum::<usize>()
}

fn count_reads(e: &Expr, reads: &mut [usize]) {
    if let Expr::Local(s) = e
        && let Some(n) = reads.get_mut(s.0 as usize)
    {
        *n += 1;
    }
    for c in e.children() {
        count_reads(c, reads);
    }
}

/// Parameters (the body's only slots) replaced by the arguments.
fn substitute(e: &mut Expr, args: &[Expr]) {
    if let Expr::Local(s) = e {
        if let Some(a) = args.get(s.0 as usize) {
            *e = a.clone();
        }
        return;
    }
    for c in children_mut(e) {
        substitute(c, args);
    }
}

/// The expressions directly inside one, mutably (as [`Expr::children`]).
fn children_mut(e: &mut Expr) -> Vec<&mut Expr> {
    let mut out: Vec<&mut Expr> = vec![];
    match e {
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
        // Inside a query: its tests and filter, and the body or value.
        Expr::Quant(_, q, body) => {
            for s in &mut q.steps {
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
            out.extend(q.filter.as_mut());
            out.extend(body.as_deref_mut());
        }
        Expr::Agg(_, v, q) => {
            for s in &mut q.steps {
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
            out.extend(q.filter.as_mut());
            out.extend(v.as_deref_mut());
        }
    }
    out
}

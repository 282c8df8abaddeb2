//! Stage 2, inlining: a call of a small definition whose body holds no query
//! (`admissible(e)`, `moment(x)`, `within_24h(x, f)`) is replaced, in the
//! expressions a review evaluates, by the definition's body with the
//! arguments in place of the parameters. Same values (definitions are pure),
//! without a frame, a call and a memo check per evaluation.
//!
//! Only bodies without a query are inlined (calls inside them may run one:
//! they stay calls), only to a small size and depth, and only when each
//! argument is cheap to repeat or its parameter is read once.

use super::ir::*;

/// Largest body inlined, in expression nodes.
const MAX_BODY: usize = 64;
/// Largest expression a call may become, with the calls inside it inlined too.
const MAX_INLINED: usize = 256;
/// Deepest chain of definitions inlined into one another.
const MAX_DEPTH: u32 = 4;

/// Inlines the calls of every expression a rule's review evaluates (its
/// plan, late `let`s and clauses; `ops` stay as written, for `explain`).
pub(super) fn inline_rules(rules: &mut [Rule], defs: &[Def]) {
    for r in rules {
        for op in &mut r.plan {
            match op {
                Op::Match(q) => q.exprs_mut().into_iter().for_each(|e| expr(e, defs, 0)),
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
        for (c, texts) in &mut r.messages {
            if let Some(c) = c {
                expr(c, defs, 0);
            }
            // The values a message shows (`{who(d)}`, `{range_zh(c, t)}`).
            for pieces in texts.by_lang.values_mut() {
                for p in pieces {
                    if let Piece::Hole(e) = p {
                        expr(e, defs, 0);
                    }
                }
            }
        }
    }
}

fn expr(e: &mut Expr, defs: &[Def], depth: u32) {
    for c in e.children_mut() {
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
    // A query in the body (`exists a -link-> b`) names the definition's slots
    // in its steps, even when it binds no variable of its own: such a
    // definition is called (and memoised), never written in place.
    if def.constant
        || def.nslots as usize != def.params.len()
        || args.len() != def.params.len()
        || Expr::has_query(&def.body)
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
    // The body may call further small definitions; the whole stays small.
    expr(&mut body, defs, depth + 1);
    if size(&body) > MAX_INLINED {
        return;
    }
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
    for c in e.children_mut() {
        substitute(c, args);
    }
}

//! Explanations: why a rule fired for a binding, or why it did not.
//!
//! The explainer walks a rule's bindings like the reviewer does, but keeps
//! what it saw: the values bound, every condition with its value, the
//! binding a `where` stopped, and for a requirement that failed, what each
//! `exists` searched and the nearest candidate it found.

use super::value::{V, render};
use super::{Ctx, EvalError, Outcome, ReviewOptions, label_in, set};
use crate::check::ir::*;
use crate::diag::SourceMap;
use crate::graph::{CaseGraph, NodeIx};
use crate::syntax::ast::{Quant, Span};
use serde::Serialize;

/// The explanation of one rule on one case.
#[derive(Clone, Debug, Serialize)]
pub struct Explanation {
    /// The rule id.
    pub rule: String,
    /// Whether the pack has a rule of this id.
    pub known: bool,
    /// With `--node`: only the bindings that bind this node id were kept.
    pub node: Option<String>,
    /// The rule's blocks explained (one, or each part), in the pack's order.
    pub blocks: Vec<BlockTrace>,
    /// Bindings that reached the requirement, with their outcome.
    pub bindings: Vec<BindingTrace>,
    /// Bindings a `where` stopped (the first 50 of each block; every one is
    /// counted in [`BlockTrace::stopped`]).
    pub stopped: Vec<Stopped>,
    /// How many bindings a `where` stopped in all.
    pub stopped_total: usize,
    /// How deep into the block's steps the walk got (for `unmatched`).
    #[serde(skip)]
    deepest: usize,
    /// How many bindings so far had a condition of unknown value (whose
    /// missing facts are looked for in the first 50 only).
    #[serde(skip)]
    unknowns: usize,
}

/// One block of a rule (the rule, or one of its parts).
#[derive(Clone, Debug, Serialize)]
pub struct BlockTrace {
    /// The part name (`None` for a rule of one block).
    pub part: Option<String>,
    /// Where the block is written: `file:line:column`.
    pub location: String,
    /// Its conditions, in the order a binding meets them.
    pub clauses: Vec<ClauseText>,
    /// How many bindings a `where` stopped.
    pub stopped: usize,
    /// When no binding reached the requirement nor stopped at a `where`:
    /// the first `for` pattern nothing on file matched (after the patterns
    /// before it had), as written; or the `for x = value` binding whose
    /// value is absent (`unmatched_value`).
    pub unmatched: Option<String>,
    /// Whether `unmatched` is a `for x = value` binding rather than a pattern.
    pub unmatched_value: bool,
}

/// A condition of a rule block.
#[derive(Clone, Debug, Serialize)]
pub struct ClauseText {
    /// `where`, `in force`, `unless` (`unless 2` for a block's second), `require`.
    pub clause: String,
    /// The condition as written, without its keyword; for `in force`, its dates.
    pub text: String,
}

/// One complete binding of a rule and what came of it.
#[derive(Clone, Debug, Serialize)]
pub struct BindingTrace {
    /// The part of the rule (its block) the binding belongs to.
    pub part: Option<String>,
    /// `name = value`, in binding order.
    pub values: Vec<(String, String)>,
    /// `fired`, `pending`, `met`, `excused`, `not in force`, `unknown`.
    pub outcome: String,
    /// For a pending obligation, and (as of a day) for a breach of a rule
    /// with `due`: when it falls or fell due.
    pub due: Option<String>,
    /// Conditions evaluated, in order.
    pub conditions: Vec<CondTrace>,
    /// For a failed requirement: what each `exists` searched.
    pub searches: Vec<Search>,
}

/// A binding a `where` rejected.
#[derive(Clone, Debug, Serialize)]
pub struct Stopped {
    /// The part of the rule (its block) the binding belongs to.
    pub part: Option<String>,
    /// The values bound so far.
    pub values: Vec<(String, String)>,
    /// The condition, as written.
    pub condition: String,
    /// `false` or `unknown`.
    pub value: String,
    /// When unknown: the facts it reads that the file does not give
    /// (`d1.birth_date`), and the named values that are absent (`a`).
    pub missing: Vec<String>,
}

/// A condition and its value.
#[derive(Clone, Debug, Serialize)]
pub struct CondTrace {
    /// `where`, `in force`, `unless` (`unless 2` for a block's second), `require`.
    pub clause: String,
    /// The condition as written.
    pub text: String,
    /// `true`, `false` or `unknown`.
    pub value: String,
    /// When unknown: the facts it reads that the file does not give
    /// (`d1.birth_date`), and the named values that are absent (`a`).
    pub missing: Vec<String>,
    /// The fields of the bound nodes it reads directly (not inside a
    /// quantifier, an aggregate or a definition's body) that the file
    /// gives, with their values: `s1.months = 150`.
    pub facts: Vec<String>,
}

/// What an `exists` in a failed requirement looked for.
#[derive(Clone, Debug, Serialize)]
pub struct Search {
    /// The pattern and filter, as written.
    pub pattern: String,
    /// Nodes that matched the pattern (before the filter).
    pub candidates: usize,
    /// The candidate closest to passing, with how far it is from the act it answers.
    pub nearest: Option<String>,
}

fn tri(v: &V) -> String {
    match v {
        V::Bool(true) => "true".into(),
        V::Bool(false) => "false".into(),
        _ => "unknown".into(),
    }
}

fn text_of(sources: &SourceMap, span: Span) -> String {
    let s = sources.file(span.file).map_or("", |f| f.slice(span));
    // (A clause's span may run over the comments that follow it.)
    crate::syntax::without_comments(s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Explains rule `rule_id` on a case. `part`: only that block of the rule;
/// `focus`: only bindings that bind this node id.
pub fn explain(
    prog: &Program,
    sources: &SourceMap,
    g: &CaseGraph,
    rule_id: &str,
    part: Option<&str>,
    focus: Option<&str>,
    opts: &ReviewOptions,
) -> Result<Explanation, EvalError> {
    let lang = match &opts.lang {
        super::Lang::One(l) => l.clone(),
        _ => prog.default_lang.clone(),
    };
    let mut cx = Ctx::new(prog, g, opts.step_budget, &lang);
    let mut out = Explanation {
        rule: rule_id.to_string(),
        known: false,
        node: focus.map(str::to_string),
        blocks: vec![],
        bindings: vec![],
        stopped: vec![],
        stopped_total: 0,
        deepest: 0,
        unknowns: 0,
    };
    let focus = focus.and_then(|f| g.node_by_id(f));
    for rule in prog
        .rules
        .iter()
        .filter(|r| r.id == rule_id && part.is_none_or(|p| r.part.as_deref() == Some(p)))
    {
        out.known = true;
        cx.rule = rule.id.clone();
        let mut frame = vec![V::Absent; rule.nslots as usize];
        let before = (out.stopped_total, out.bindings.len());
        out.deepest = 0;
        walk(&mut cx, rule, 0, &mut frame, sources, focus, opts, &mut out)?;
        let nothing = (out.stopped_total, out.bindings.len()) == before;
        let (unmatched, unmatched_value) = match rule.ops.get(out.deepest) {
            Some(Op::Match(q)) if nothing => (Some(text_of(sources, q.span)), false),
            Some(Op::Value(slot, _)) if nothing => (
                rule.value_spans
                    .iter()
                    .find(|(s, _)| s == slot)
                    .map(|(_, span)| text_of(sources, *span)),
                true,
            ),
            _ => (None, false),
        };
        out.blocks.push(BlockTrace {
            part: rule.part.clone(),
            location: sources.location(rule.span).to_string(),
            clauses: clause_texts(rule, sources),
            stopped: out.stopped_total - before.0,
            unmatched,
            unmatched_value,
        });
    }
    Ok(out)
}

/// The label of a block's `k`-th `unless` (counted from 0): `unless`, or
/// `unless 2` when the block has several.
fn unless_label(rule: &Rule, k: usize) -> String {
    if rule.unless.len() > 1 {
        format!("unless {}", k + 1)
    } else {
        "unless".into()
    }
}

/// A block's conditions as written, in the order a binding meets them.
fn clause_texts(rule: &Rule, sources: &SourceMap) -> Vec<ClauseText> {
    let mut out = vec![];
    let mut push = |clause: String, text: String, keyword: &str| {
        let text = text
            .strip_prefix(keyword)
            .unwrap_or(&text)
            .trim_start()
            .to_string();
        out.push(ClauseText { clause, text })
    };
    for op in &rule.ops {
        if let Op::Where(_, span) = op {
            push("where".into(), text_of(sources, *span), "where");
        }
    }
    if let Some((from, until, _)) = &rule.in_force {
        let mut dates = vec![];
        if let Some(f) = from {
            dates.push(format!("from {f}"));
        }
        if let Some(u) = until {
            dates.push(format!("until {u}"));
        }
        push("in force".into(), dates.join(" "), "");
    }
    for (k, (_, span)) in rule.unless.iter().enumerate() {
        push(unless_label(rule, k), text_of(sources, *span), "unless");
    }
    if let Some((_, span)) = &rule.require {
        push("require".into(), text_of(sources, *span), "require");
    }
    out
}

/// The values of the rule's own variables (those of `for` and `let`; not
/// a quantifier's, which may still hold the example it stopped at).
fn values(cx: &Ctx<'_>, rule: &Rule, frame: &[V]) -> Vec<(String, String)> {
    let prog = cx.prog;
    let lang = cx.lang.clone();
    let mut own: Vec<Slot> = vec![];
    for op in &rule.ops {
        match op {
            Op::Match(q) => own.extend(q.own_slots_with_edges()),
            Op::Value(s, _) | Op::Each(s, _) | Op::Let(s, _) => own.push(*s),
            _ => {}
        }
    }
    rule.slot_names
        .iter()
        .enumerate()
        .filter_map(|(i, name)| {
            let v = frame.get(i)?;
            if !v.is_present() || name.is_empty() || !own.contains(&Slot(i as u32)) {
                return None;
            }
            let shown = match v {
                V::Node(n) => describe_node(cx.g, *n),
                other => render(other, cx.g, &|e, x| label_in(prog, e, x, &lang)),
            };
            Some((name.clone(), shown))
        })
        .collect()
}

/// `e3 (event detention 2024-03-01 10:00)`.
fn describe_node(g: &CaseGraph, n: NodeIx) -> String {
    let schema = g.schema();
    let k = g.node_kind(n);
    let Some(kind) = schema.kind(k) else {
        return g.node_id(n).to_string();
    };
    let mut parts = vec![kind.name.clone()];
    for fname in ["type", "role", "crime", "penalty", "name", "date", "time"] {
        if let Some(f) = schema.field(k, fname)
            && let Some(v) = g.field(n, f)
        {
            let ty = schema.field_def(k, f).map(|d| d.ty.clone());
            let s = match (v, ty.and_then(|t| t.enum_id())) {
                (crate::graph::Value::Enum(x), Some(e)) => {
                    schema.enum_value_name(e, *x).unwrap_or("?").to_string()
                }
                (crate::graph::Value::Text(t), _) => t.to_string(),
                (crate::graph::Value::Date(d), _) => d.to_string(),
                (crate::graph::Value::Time(t), _) => t.strftime("%H:%M").to_string(),
                _ => continue,
            };
            parts.push(s);
        }
    }
    format!("{} ({})", g.node_id(n), parts.join(" "))
}

fn binds_focus(frame: &[V], focus: Option<NodeIx>) -> bool {
    match focus {
        None => true,
        Some(f) => frame.contains(&V::Node(f)),
    }
}

#[allow(clippy::too_many_arguments)]
fn walk(
    cx: &mut Ctx<'_>,
    rule: &Rule,
    i: usize,
    frame: &mut [V],
    sources: &SourceMap,
    focus: Option<NodeIx>,
    opts: &ReviewOptions,
    out: &mut Explanation,
) -> super::expr::R<()> {
    out.deepest = out.deepest.max(i);
    let Some(op) = rule.ops.get(i) else {
        if binds_focus(frame, focus) {
            // (The missing facts for the first 50 bindings with an unknown
            // condition: the walk evaluates again, and a large case may have
            // thousands.)
            let detail = out.unknowns < ONE_LINE_CAP;
            let t = finish(cx, rule, frame, sources, opts, detail)?;
            if t.conditions.iter().any(|c| c.value == "unknown") {
                out.unknowns += 1;
            }
            out.bindings.push(t);
        }
        return Ok(());
    };
    match op {
        Op::Match(q) => {
            let mut err = None;
            cx.each_match(q, 0, frame, &mut |cx, frame| {
                if let Err(e) = walk(cx, rule, i + 1, frame, sources, focus, opts, out) {
                    err = Some(e);
                    return Ok(false);
                }
                Ok(true)
            })?;
            if let Some(e) = err {
                return Err(e);
            }
        }
        Op::Value(slot, e) => {
            let v = cx.eval(e, frame)?;
            if v.is_present() {
                set(frame, *slot, v);
                walk(cx, rule, i + 1, frame, sources, focus, opts, out)?;
                set(frame, *slot, V::Absent);
            }
        }
        Op::Each(slot, e) => {
            if let V::List(items) = cx.eval(e, frame)? {
                for x in items.iter() {
                    set(frame, *slot, x.clone());
                    walk(cx, rule, i + 1, frame, sources, focus, opts, out)?;
                }
                set(frame, *slot, V::Absent);
            }
        }
        Op::Let(slot, e) => {
            let v = cx.eval(e, frame)?;
            set(frame, *slot, v);
            walk(cx, rule, i + 1, frame, sources, focus, opts, out)?;
            set(frame, *slot, V::Absent);
        }
        Op::Cond(e, _) => {
            // Only in review plans; explanations follow the clauses as written.
            if cx.eval(e, frame)? == V::Bool(true) {
                walk(cx, rule, i + 1, frame, sources, focus, opts, out)?;
            }
        }
        Op::Where(e, span) => {
            let v = cx.eval(e, frame)?;
            if v == V::Bool(true) {
                walk(cx, rule, i + 1, frame, sources, focus, opts, out)?;
            } else if binds_focus(frame, focus) {
                out.stopped_total += 1;
                let listed = out.stopped.iter().filter(|st| st.part == rule.part).count();
                if listed < ONE_LINE_CAP {
                    out.stopped.push(Stopped {
                        part: rule.part.clone(),
                        values: values(cx, rule, frame),
                        condition: text_of(sources, *span),
                        value: tri(&v),
                        missing: missing_if_unknown(cx, rule, e, &v, frame)?,
                    });
                }
            }
        }
    }
    Ok(())
}

fn finish(
    cx: &mut Ctx<'_>,
    rule: &Rule,
    frame: &mut [V],
    sources: &SourceMap,
    opts: &ReviewOptions,
    detail: bool,
) -> super::expr::R<BindingTrace> {
    let missing = |cx: &mut Ctx<'_>, e: &Expr, v: &V, frame: &[V]| {
        if detail {
            missing_if_unknown(cx, rule, e, v, frame)
        } else {
            Ok(vec![])
        }
    };
    let mut conditions = vec![];
    for op in &rule.ops {
        if let Op::Where(_, span) = op {
            conditions.push(CondTrace {
                clause: "where".into(),
                text: text_of(sources, *span),
                value: "true".into(),
                missing: vec![],
                facts: vec![],
            });
        }
    }
    if let Some((_, _, on)) = &rule.in_force {
        let v = cx.eval(on, frame)?;
        let prog = cx.prog;
        conditions.push(CondTrace {
            clause: "in force".into(),
            text: "dates of force".into(),
            value: render(&v, cx.g, &|e, x| label_in(prog, e, x, "en")),
            missing: missing(cx, on, &v, frame)?,
            facts: facts_read(cx, on, frame),
        });
    }
    for (k, (u, span)) in rule.unless.iter().enumerate() {
        let v = cx.eval(u, frame)?;
        conditions.push(CondTrace {
            clause: unless_label(rule, k),
            text: text_of(sources, *span),
            value: tri(&v),
            missing: missing(cx, u, &v, frame)?,
            facts: facts_read(cx, u, frame),
        });
    }
    let mut searches = vec![];
    if let Some((req, span)) = &rule.require {
        let v = cx.eval(req, frame)?;
        conditions.push(CondTrace {
            clause: "require".into(),
            text: text_of(sources, *span),
            value: tri(&v),
            missing: missing(cx, req, &v, frame)?,
            facts: facts_read(cx, req, frame),
        });
        if v == V::Bool(false) {
            collect_searches(cx, req, frame, sources, &mut searches)?;
        }
    }
    let outcome = cx.outcome(rule, frame, opts.as_of)?;
    let (outcome, due) = match outcome {
        // (As of a day: the deadline it missed.)
        Outcome::Breach => match (&rule.due, opts.as_of) {
            (Some(due), Some(_)) => {
                let d = cx.eval(due, frame)?;
                let shown = d
                    .is_present()
                    .then(|| render(&d, cx.g, &|_, x| x.to_string()));
                ("fired".to_string(), shown)
            }
            _ => ("fired".to_string(), None),
        },
        Outcome::Pending(d) => (
            "pending".to_string(),
            Some(render(&d, cx.g, &|_, x| x.to_string())),
        ),
        Outcome::Met => ("met".to_string(), None),
        Outcome::Excused => ("excused".to_string(), None),
        Outcome::NotInForce => ("not in force".to_string(), None),
        Outcome::Unknown => ("unknown".to_string(), None),
    };
    Ok(BindingTrace {
        part: rule.part.clone(),
        values: values(cx, rule, frame),
        outcome,
        due,
        conditions,
        searches,
    })
}

/// For a condition whose value is unknown (absent): the facts that make it
/// so, as `node.field` for a field of a bound node the file does not give
/// (`d1.birth_date`). The walk follows the values: it enters only the parts
/// that are themselves unknown (not an `and`'s known side, not the branch of
/// an `if` not taken, never an `is` test), and the `let`s and definitions
/// they use; a named value is listed by name (`a`) when nothing it reads is
/// found missing. Facts read inside a quantifier's pattern are not listed.
fn missing_if_unknown(
    cx: &mut Ctx<'_>,
    rule: &Rule,
    e: &Expr,
    v: &V,
    frame: &[V],
) -> super::expr::R<Vec<String>> {
    if v.is_present() {
        return Ok(vec![]);
    }
    let lets: Vec<(Slot, &Expr)> = rule
        .ops
        .iter()
        .filter_map(|op| match op {
            Op::Let(s, e) => Some((*s, e)),
            _ => None,
        })
        .collect();
    let mut out = vec![];
    let mut w = Missing {
        rule: Some((rule, &lets)),
        depth: 0,
    };
    let mut frame = frame.to_vec();
    w.visit(cx, e, &mut frame, &mut out)?;
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|m| seen.insert(m.clone()));
    Ok(out)
}

/// The walk of [`missing_if_unknown`]: in the rule's clauses (`rule`), or in
/// a definition's body (`None`: its locals are its parameters).
struct Missing<'r> {
    rule: Option<(&'r Rule, &'r [(Slot, &'r Expr)])>,
    depth: u32,
}

impl Missing<'_> {
    fn visit(
        &mut self,
        cx: &mut Ctx<'_>,
        e: &Expr,
        frame: &mut [V],
        out: &mut Vec<String>,
    ) -> super::expr::R<()> {
        // (A part whose value is known does not make the whole unknown.)
        if !matches!(e, Expr::Local(_)) && cx.eval(e, frame)?.is_present() {
            return Ok(());
        }
        match e {
            Expr::Field(base, f, _) => {
                if let Expr::Local(s) = &**base
                    && let Some(V::Node(n)) = frame.get(s.0 as usize)
                {
                    if cx.g.field(*n, *f).is_none() {
                        let field =
                            cx.g.schema()
                                .field_def(cx.g.node_kind(*n), *f)
                                .map_or("?", |d| d.name.as_str())
                                .to_string();
                        out.push(format!("{}.{field}", cx.g.node_id(*n)));
                    }
                    return Ok(());
                }
                self.visit(cx, base, frame, out)?;
            }
            Expr::Local(s) => {
                if frame.get(s.0 as usize).is_some_and(V::is_present) {
                    return Ok(());
                }
                let Some((rule, lets)) = self.rule else {
                    return Ok(());
                };
                let before = out.len();
                // A `let`: what its expression reads.
                if self.depth < 8
                    && let Some((_, def)) = lets.iter().find(|(l, _)| l == s)
                {
                    self.depth += 1;
                    self.visit(cx, def, frame, out)?;
                    self.depth -= 1;
                }
                if out.len() == before
                    && let Some(name) = rule.slot_names.get(s.0 as usize)
                    && !name.is_empty()
                {
                    out.push(name.clone());
                }
            }
            Expr::If(c, then, otherwise) => match cx.eval(c, frame)? {
                V::Bool(true) => self.visit(cx, then, frame, out)?,
                V::Bool(false) => self.visit(cx, otherwise, frame, out)?,
                _ => self.visit(cx, c, frame, out)?,
            },
            Expr::Call(d, args) => {
                for a in args {
                    self.visit(cx, a, frame, out)?;
                }
                // The body, with the arguments' values as its frame.
                let prog = cx.prog;
                let Some(def) = prog.defs.get(d.0 as usize) else {
                    return Ok(());
                };
                if self.depth >= 8 {
                    return Ok(());
                }
                let mut inner = vec![V::Absent; def.nslots as usize];
                for (i, a) in args.iter().enumerate() {
                    let v = cx.eval(a, frame)?;
                    if let Some(slot) = inner.get_mut(i) {
                        *slot = v;
                    }
                }
                let mut w = Missing {
                    rule: None,
                    depth: self.depth + 1,
                };
                w.visit(cx, &def.body, &mut inner, out)?;
            }
            // (Their own variables are not the rule's.)
            Expr::Quant(..) | Expr::Agg(..) => {}
            other => {
                for c in other.children() {
                    self.visit(cx, c, frame, out)?;
                }
            }
        }
        Ok(())
    }
}

/// The fields of bound nodes `e` reads outside quantifiers, aggregates and
/// definitions' bodies, with their values (`s1.months = 150`), in the order
/// read, each once; at most 10.
fn facts_read(cx: &Ctx<'_>, e: &Expr, frame: &[V]) -> Vec<String> {
    fn walk(cx: &Ctx<'_>, e: &Expr, frame: &[V], out: &mut Vec<String>) {
        match e {
            Expr::Field(base, f, ty) => {
                if let Expr::Local(s) = &**base
                    && let Some(V::Node(n)) = frame.get(s.0 as usize)
                {
                    if let Some(value) = cx.g.field(*n, *f) {
                        let name =
                            cx.g.schema()
                                .field_def(cx.g.node_kind(*n), *f)
                                .map_or("?", |d| d.name.as_str());
                        let v = V::from_stored(value, ty);
                        let prog = cx.prog;
                        let shown = render(&v, cx.g, &|e, x| label_in(prog, e, x, &cx.lang));
                        let fact = format!("{}.{name} = {shown}", cx.g.node_id(*n));
                        if !out.contains(&fact) {
                            out.push(fact);
                        }
                    }
                    return;
                }
                walk(cx, base, frame, out);
            }
            // (Their variables are not the rule's.)
            Expr::Quant(..) | Expr::Agg(..) => {}
            other => {
                for c in other.children() {
                    walk(cx, c, frame, out);
                }
            }
        }
    }
    let mut out = vec![];
    walk(cx, e, frame, &mut out);
    out.truncate(10);
    out
}

/// Every `exists` inside a failed requirement (through `and`, `or`, `not` and parentheses).
fn collect_searches(
    cx: &mut Ctx<'_>,
    e: &Expr,
    frame: &mut [V],
    sources: &SourceMap,
    out: &mut Vec<Search>,
) -> super::expr::R<()> {
    match e {
        Expr::And(a, b) | Expr::Or(a, b) => {
            collect_searches(cx, a, frame, sources, out)?;
            collect_searches(cx, b, frame, sources, out)?;
        }
        Expr::Not(a) => collect_searches(cx, a, frame, sources, out)?,
        Expr::Quant(Quant::Exists, q, _) => {
            let mut candidates: Vec<(NodeIx, V)> = vec![];
            let head = q.head;
            cx.each_match(q, 0, frame, &mut |cx, frame| {
                let f = match &q.filter {
                    Some(f) => cx.eval(f, frame)?,
                    None => V::Bool(true),
                };
                if let Some(V::Node(n)) = frame.get(head.0 as usize) {
                    candidates.push((*n, f));
                }
                Ok(candidates.len() < 10_000)
            })?;
            // The act the searched one answers: where the pattern starts
            // (`-concerns-> x`), or, when that has no date (`-subject?-> d`),
            // a dated node the filter compares with (`within_24h(x, e)`).
            let anchor = anchor_of(q, frame)
                .filter(|a| moment(cx, *a).is_some())
                .or_else(|| dated_in(cx, q, frame));
            let nearest = nearest(cx, &candidates, anchor);
            out.push(Search {
                pattern: text_of(sources, q.span),
                candidates: candidates.len(),
                nearest,
            });
        }
        _ => {}
    }
    Ok(())
}

/// The bound node a quantifier's pattern starts from (the act the searched act answers).
fn anchor_of(q: &Query, frame: &[V]) -> Option<NodeIx> {
    q.steps.iter().find_map(|s| match s {
        QStep::Expand { from, .. } if *from != q.head => match frame.get(from.0 as usize) {
            Some(V::Node(n)) => Some(*n),
            _ => None,
        },
        _ => None,
    })
}

/// The first bound node with a date that a quantifier's filter reads,
/// other than the pattern's own variables.
fn dated_in(cx: &Ctx<'_>, q: &Query, frame: &[V]) -> Option<NodeIx> {
    fn locals(e: &Expr, out: &mut Vec<Slot>) {
        match e {
            Expr::Local(s) => out.push(*s),
            other => other.children().into_iter().for_each(|c| locals(c, out)),
        }
    }
    let mut read = vec![];
    locals(q.filter.as_ref()?, &mut read);
    let own = q.own_slots_with_edges();
    read.into_iter()
        .filter(|s| !own.contains(s))
        .find_map(|s| match frame.get(s.0 as usize) {
            Some(V::Node(n)) if moment(cx, *n).is_some() => Some(*n),
            _ => None,
        })
}

fn moment(cx: &Ctx<'_>, n: NodeIx) -> Option<(jiff::civil::Date, Option<jiff::civil::Time>)> {
    let (df, tf) = cx.date_fields(cx.g.node_kind(n));
    let d = df
        .and_then(|f| cx.g.field(n, f))
        .and_then(|v| v.as_date())?;
    let t = tf.and_then(|f| cx.g.field(n, f)).and_then(|v| v.as_time());
    Some((d, t))
}

/// The candidate closest to the anchor in time, preferring one at or after
/// it (the act that answers it comes after it), with how far it is:
/// "n1, 24 h 30 min later", "n0, 2 days earlier".
fn nearest(cx: &Ctx<'_>, candidates: &[(NodeIx, V)], anchor: Option<NodeIx>) -> Option<String> {
    let a = anchor.and_then(|a| moment(cx, a));
    // (Before the anchor, key (1, distance); at or after it, (0, distance).)
    let mut best: Option<((u8, i64), String)> = None;
    for (n, _) in candidates {
        let id = cx.g.node_id(*n);
        let (key, text) = match (a, moment(cx, *n)) {
            (Some((ad, at)), Some((nd, nt))) => match (at, nt) {
                (Some(at), Some(nt)) => {
                    let mins = ad
                        .to_datetime(at)
                        .until((jiff::Unit::Minute, nd.to_datetime(nt)))
                        .map_or(0, |s| s.get_minutes());
                    let rel = if mins >= 0 {
                        format!("{} later", span_text(mins))
                    } else {
                        format!("{} earlier", span_text(-mins))
                    };
                    ((u8::from(mins < 0), mins.abs()), format!("{id}, {rel}"))
                }
                _ => {
                    let days = super::value::days_between(ad, nd).unwrap_or(0);
                    let rel = match days {
                        0 => "the same day".to_string(),
                        1 => "1 day later".to_string(),
                        -1 => "1 day earlier".to_string(),
                        d if d > 0 => format!("{d} days later"),
                        d => format!("{} days earlier", -d),
                    };
                    (
                        (u8::from(days < 0), days.abs().saturating_mul(1440)),
                        format!("{id}, {rel}"),
                    )
                }
            },
            (_, Some((nd, _))) => ((2, 0), format!("{id}, on {nd}")),
            _ => ((3, 0), id.to_string()),
        };
        if best.as_ref().is_none_or(|(k, _)| key < *k) {
            best = Some((key, text));
        }
    }
    best.map(|(_, t)| t)
}

/// A span of minutes as people say it: "45 min", "1 hour", "24 h 30 min"
/// (hours up to two days), "3 days 2 h".
fn span_text(mins: i64) -> String {
    if mins < 48 * 60 {
        return match (mins / 60, mins % 60) {
            (0, m) => format!("{m} min"),
            (1, 0) => "1 hour".to_string(),
            (h, 0) => format!("{h} hours"),
            (h, m) => format!("{h} h {m} min"),
        };
    }
    let (d, h) = (mins / 1440, mins % 1440 / 60);
    if h == 0 {
        format!("{d} days")
    } else {
        format!("{d} days {h} h")
    }
}

/// The outcomes in the order the text shows them, with whether each
/// binding is shown in detail (its conditions' values, searches and missing
/// facts) or on one line.
const OUTCOME_ORDER: [(&str, bool); 6] = [
    ("fired", true),
    ("pending", true),
    ("unknown", true),
    ("excused", true),
    ("not in force", true),
    ("met", false),
];

/// How many one-line bindings (met, or stopped by a `where`) the text shows
/// per block; the JSON form lists every binding that reached the requirement.
const ONE_LINE_CAP: usize = 50;

fn values_line(values: &[(String, String)]) -> String {
    let vals: Vec<String> = values.iter().map(|(k, v)| format!("{k} = {v}")).collect();
    vals.join(", ")
}

impl Explanation {
    /// The explanation as text for people: for each block of the rule, where
    /// it is written and its conditions (once), then the bindings by
    /// outcome. A binding that fired, is pending, unknown, excused or not in
    /// force shows the value of each condition after its `where`s, what a
    /// failed requirement searched, and the facts an unknown condition
    /// lacks; a met binding shows its values only (its conditions are all as
    /// required).
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        if !self.known {
            s.push_str(&format!("the pack has no rule `{}`\n", self.rule));
            return s;
        }
        let several = self.blocks.len() > 1;
        // (One block shown of a rule of several: `--part`.)
        let only = match self.blocks.as_slice() {
            [BlockTrace { part: Some(p), .. }] => format!(" part {p}"),
            _ => String::new(),
        };
        let node = match &self.node {
            Some(n) => format!(" (only the bindings of {n})"),
            None => String::new(),
        };
        s.push_str(&format!(
            "rule {}{only}{node}: {}\n",
            self.rule,
            self.counts(None)
        ));
        for block in &self.blocks {
            if several {
                let name = block.part.as_deref().unwrap_or("");
                s.push_str(&format!("\npart {name}: {}\n", self.counts(Some(block))));
            } else {
                s.push('\n');
            }
            s.push_str(&format!("  {:<9}{}\n", "at", block.location));
            for c in &block.clauses {
                s.push_str(&format!("  {:<9}{}\n", c.clause, c.text));
            }
            match (&block.unmatched, block.unmatched_value) {
                (Some(binding), true) => {
                    s.push_str(&format!("\nno binding: `{binding}` has no value on file\n"))
                }
                (Some(pattern), false) => s.push_str(&format!(
                    "\nno binding: nothing on file matches `{pattern}`\n"
                )),
                (None, _) => {}
            }
            self.block_text(block, &mut s);
        }
        s
    }

    /// `N binding(s) reached the requirement, F raised a finding; S stopped
    /// by a \`where\``, for the whole rule or one block.
    fn counts(&self, block: Option<&BlockTrace>) -> String {
        let in_block = |p: &Option<String>| block.is_none_or(|b| &b.part == p);
        let (n, fired) =
            self.bindings
                .iter()
                .filter(|b| in_block(&b.part))
                .fold((0, 0), |(n, f), b| {
                    let raised = b.outcome == "fired" || b.outcome == "pending";
                    (n + 1, f + usize::from(raised))
                });
        let stopped = block.map_or(self.stopped_total, |b| b.stopped);
        format!(
            "{n} binding(s) reached the requirement, {fired} raised a finding; {stopped} stopped by a `where`"
        )
    }

    fn block_text(&self, block: &BlockTrace, s: &mut String) {
        let part = &block.part;
        let bindings: Vec<&BindingTrace> =
            self.bindings.iter().filter(|b| &b.part == part).collect();
        let mut unknown_unlisted = false;
        for (outcome, detailed) in OUTCOME_ORDER {
            let of: Vec<&&BindingTrace> =
                bindings.iter().filter(|b| b.outcome == outcome).collect();
            if of.is_empty() {
                continue;
            }
            let head = outcome.to_uppercase();
            if !detailed {
                s.push_str(&format!("\n{head} ({}):\n", of.len()));
                for b in of.iter().take(ONE_LINE_CAP) {
                    s.push_str(&format!("  {}\n", values_line(&b.values)));
                }
                if of.len() > ONE_LINE_CAP {
                    s.push_str(&format!("  … and {} more{MORE}\n", of.len() - ONE_LINE_CAP));
                }
                continue;
            }
            for b in of {
                s.push_str(&format!("\n{head}: {}\n", values_line(&b.values)));
                if let Some(d) = &b.due {
                    let when = if outcome == "pending" {
                        ""
                    } else {
                        ", before the as-of day"
                    };
                    s.push_str(&format!("  due {d}{when}\n"));
                }
                for c in b.conditions.iter().filter(|c| c.clause != "where") {
                    if c.facts.is_empty() {
                        s.push_str(&format!("  {:<9}{}\n", c.clause, c.value));
                    } else {
                        s.push_str(&format!(
                            "  {:<9}{:<8} with {}\n",
                            c.clause,
                            c.value,
                            c.facts.join(", ")
                        ));
                    }
                    if !c.missing.is_empty() {
                        s.push_str(&format!(
                            "           not on file: {}\n",
                            c.missing.join(", ")
                        ));
                    } else if c.value == "unknown" {
                        unknown_unlisted = true;
                    }
                }
                for search in &b.searches {
                    s.push_str(&format!(
                        "  searched: {}\n    {} candidate(s)",
                        search.pattern, search.candidates
                    ));
                    match &search.nearest {
                        Some(n) => s.push_str(&format!("; nearest: {n}\n")),
                        None => s.push_str("; none matches this pattern\n"),
                    }
                }
            }
        }
        if unknown_unlisted && self.unknowns > ONE_LINE_CAP {
            s.push_str(&format!(
                "\n(the facts missing are looked for in the first {ONE_LINE_CAP} bindings with an unknown condition){MORE}\n"
            ));
        }
        let stopped: Vec<&Stopped> = self.stopped.iter().filter(|st| &st.part == part).collect();
        if !stopped.is_empty() {
            s.push_str("\nnot considered:\n");
            for st in &stopped {
                s.push_str(&format!(
                    "  {}: `where {}` is {}\n",
                    values_line(&st.values),
                    st.condition.trim_start_matches("where "),
                    st.value
                ));
                if !st.missing.is_empty() {
                    s.push_str(&format!("    not on file: {}\n", st.missing.join(", ")));
                }
            }
            if block.stopped > stopped.len() {
                s.push_str(&format!(
                    "  … and {} more{MORE}\n",
                    block.stopped - stopped.len()
                ));
            }
        }
    }
}

/// What a capped list adds to its last line.
const MORE: &str = " (`--node` narrows the bindings to those of one node)";

#[cfg(test)]
mod tests {
    use super::span_text;

    #[test]
    fn spans_read_as_people_say_them() {
        assert_eq!(span_text(0), "0 min");
        assert_eq!(span_text(30), "30 min");
        assert_eq!(span_text(60), "1 hour");
        assert_eq!(span_text(24 * 60), "24 hours");
        assert_eq!(span_text(24 * 60 + 30), "24 h 30 min");
        assert_eq!(span_text(47 * 60 + 59), "47 h 59 min");
        assert_eq!(span_text(48 * 60), "2 days");
        assert_eq!(span_text(3 * 1440 + 2 * 60 + 5), "3 days 2 h");
    }
}

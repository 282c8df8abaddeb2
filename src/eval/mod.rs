//! Stage 3: IR × CaseGraph → findings. Reads the graph, never changes it.
//!
//! Each rule's binding sequence runs as nested loops over the case's
//! indexes; constant definitions are computed once per case and shared by
//! every rule. A step budget and a cap on findings per rule bound the work.

pub mod explain;
mod expr;
mod kernel;
mod query;
pub mod value;

use crate::check::ir::*;
use crate::graph::{CaseGraph, EdgeKindId, EnumId, FieldId, KindId, NodeIx};
use crate::report::{Finding, LocalText, Report};
use crate::syntax::ast::Severity;
use jiff::civil::Date;
use std::collections::HashMap;
use std::sync::Arc;
use value::V;

/// Options of one review.
#[derive(Clone, Debug)]
pub struct ReviewOptions {
    /// Review as of this day: unmet requirements not yet due are pending (severity info).
    /// `None`: the file is complete and every deadline has passed.
    pub as_of: Option<Date>,
    /// Language of titles, messages and citations: one of the pack's, or `None` for its default.
    pub lang: Lang,
    /// Evaluation steps allowed for each rule (and each view) of a review.
    pub step_budget: u64,
    /// Findings allowed per rule.
    pub max_findings_per_rule: usize,
    /// Also compute the pack's views (the sentencing worksheet).
    pub views: bool,
}

/// Which language texts are rendered in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lang {
    /// The pack's default language.
    Default,
    /// One language.
    One(String),
    /// Every language the pack declares.
    All,
}

impl Default for ReviewOptions {
    fn default() -> Self {
        ReviewOptions {
            as_of: None,
            lang: Lang::Default,
            // The budget is per rule. The busiest rule of the shipped pack needs
            // under 2 × 10⁶ steps for a generated 10⁵-node case; a step costs
            // 100–200 ns, so a runaway rule (a cross product over 10⁵ nodes)
            // stops within about a second (tests/limits.rs).
            step_budget: 5_000_000,
            // A fraud of 447 victims whose statements each give another
            // amount is 99,681 pairs of amount conflict; a runaway rule (a
            // cross product) stops here or at its step budget.
            max_findings_per_rule: 100_000,
            views: false,
        }
    }
}

/// Why a review stopped without a report.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    /// The review took more evaluation steps than its budget allows.
    #[error("rule `{rule}` exceeded its step budget of {budget} steps")]
    StepBudget {
        /// The rule being evaluated.
        rule: String,
        /// The budget.
        budget: u64,
    },
    /// A rule raised more findings than allowed.
    #[error("rule `{rule}` raised more than {cap} findings")]
    TooManyFindings {
        /// The rule.
        rule: String,
        /// The cap.
        cap: usize,
    },
    /// The case was loaded against another schema than the pack's.
    #[error("the case was loaded against a different schema than the pack's")]
    SchemaMismatch,
}

impl From<Box<EvalError>> for EvalError {
    fn from(e: Box<EvalError>) -> Self {
        *e
    }
}

/// (node kind, edge kind, the `field = value` enum index that narrowed the sources).
pub(crate) type EdgelessKey = (KindId, EdgeKindId, Option<(FieldId, u16)>);

/// An edge step to the nodes of an enum index: (edge kind, edges leaving
/// the start, kind reached, field, value).
pub(crate) type IndexStepKey = (EdgeKindId, bool, KindId, FieldId, u16);

/// For an [`IndexStepKey`]: how many edges walks from their starts took so
/// far, against what a pass over the index's nodes and their edges costs;
/// or, once the walks cost more, the index's nodes by the node each step
/// starts from.
#[derive(Clone)]
pub(crate) enum IndexStep {
    Walked {
        walked: usize,
        cost: usize,
    },
    /// (start, node reached, edge), sorted by start, then in the order a
    /// walk from the start meets them.
    Built(Arc<[(NodeIx, NodeIx, crate::graph::EdgeIx)]>),
}

/// Per-review evaluation state.
pub(crate) struct Ctx<'c> {
    pub(crate) prog: &'c Program,
    pub(crate) g: &'c CaseGraph,
    pub(crate) consts: Vec<Option<V>>,
    /// Results of definitions with parameters, by argument tuple.
    /// (foldhash: seeded per process like std's, several times cheaper to hash.)
    pub(crate) memo: HashMap<(DefId, expr::MemoArgs), V, foldhash::fast::RandomState>,
    /// The same memo for up to two arguments that have a code (nodes, enum
    /// values, integers …): (definition, the arguments' codes).
    pub(crate) memo_coded: HashMap<(u32, u128, u128), V, foldhash::fast::RandomState>,
    /// The tables of [`Grouped`] quantifiers and aggregates, by id, once built.
    pub(crate) grouped: Vec<Option<expr::GroupedTable>>,
    /// How often each [`Grouped`] id was evaluated before its table was built.
    pub(crate) grouped_uses: Vec<u32>,
    /// The last values of each [`Family`], with the values of its key then.
    pub(crate) families: Vec<Option<(expr::KeyCodes, kernel::Values)>>,
    /// The values of the [`Kernel::memo`] kernels, by id, then by anchor node
    /// (0: not computed yet; see `kernel::memo_code`).
    pub(crate) kernel_memos: Vec<Option<Vec<u8>>>,
    /// Sources without an edge of a kind, per (kind, edge kind, enum index used).
    pub(crate) edgeless: HashMap<EdgelessKey, Arc<[NodeIx]>, foldhash::fast::RandomState>,
    /// Steps to the nodes of an enum index, walked or inverted.
    pub(crate) index_steps: HashMap<IndexStepKey, IndexStep, foldhash::fast::RandomState>,
    steps: u64,
    budget: u64,
    rule: String,
    rule_index: usize,
    pub(crate) lang: String,
    cov: Option<Coverage>,
}

/// Which conditions of which rules were seen true and false, across reviews.
#[derive(Clone, Debug, Default)]
pub struct Coverage {
    seen: std::collections::BTreeMap<(usize, Cond), (bool, bool)>,
}

/// A condition of a rule, for coverage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Cond {
    Where(usize),
    Unless(usize),
    Require,
}

impl Coverage {
    /// An empty record for a program.
    pub fn new(_prog: &Program) -> Self {
        Coverage::default()
    }

    fn note(&mut self, rule: usize, c: Cond, v: Option<bool>) {
        let e = self.seen.entry((rule, c)).or_default();
        match v {
            Some(true) => e.0 = true,
            Some(false) => e.1 = true,
            None => {}
        }
    }

    /// Conditions never seen both true and false: `(location, rule id, what)`.
    pub fn unexercised(&self, pack: &crate::RulePack) -> Vec<(String, String, String)> {
        let prog = pack.program();
        let mut out = vec![];
        for (ri, rule) in prog.rules.iter().enumerate() {
            let mut check = |c: Cond, span: crate::syntax::ast::Span, what: &str| {
                let (t, f) = self.seen.get(&(ri, c)).copied().unwrap_or((false, false));
                let missing = match (t, f) {
                    (true, true) => return,
                    (true, false) => "never false",
                    (false, true) => "never true",
                    (false, false) => "never evaluated",
                };
                out.push((
                    pack.sources().location(span).to_string(),
                    rule.id.clone(),
                    format!("{what} {missing}"),
                ));
            };
            for (i, op) in rule.ops.iter().enumerate() {
                if let Op::Where(_, span) = op {
                    check(Cond::Where(i), *span, "`where`");
                }
            }
            for (i, (_, span)) in rule.unless.iter().enumerate() {
                check(Cond::Unless(i), *span, "`unless`");
            }
            if let Some((_, span)) = &rule.require {
                check(Cond::Require, *span, "`require`");
            }
        }
        out
    }
}

impl<'c> Ctx<'c> {
    pub(crate) fn new(prog: &'c Program, g: &'c CaseGraph, budget: u64, lang: &str) -> Self {
        Ctx {
            prog,
            g,
            consts: vec![None; prog.defs.len()],
            memo: HashMap::default(),
            memo_coded: HashMap::default(),
            grouped: std::iter::repeat_with(|| None)
                .take(prog.grouped as usize)
                .collect(),
            grouped_uses: vec![0; prog.grouped as usize],
            families: vec![None; prog.families as usize],
            kernel_memos: vec![None; prog.kernel_memos as usize],
            edgeless: HashMap::default(),
            index_steps: HashMap::default(),
            steps: 0,
            budget,
            rule: String::new(),
            rule_index: 0,
            lang: lang.to_string(),
            cov: None,
        }
    }

    #[inline]
    pub(crate) fn tick(&mut self) -> expr::R<()> {
        self.steps += 1;
        if self.steps > self.budget {
            return Err(Box::new(EvalError::StepBudget {
                rule: self.rule.clone(),
                budget: self.budget,
            }));
        }
        Ok(())
    }

    pub(crate) fn date_fields(&self, k: KindId) -> (Option<FieldId>, Option<FieldId>) {
        self.prog
            .date_fields
            .get(k.0 as usize)
            .copied()
            .unwrap_or((None, None))
    }

    /// An enum value's label in the current language (its name when it has none).
    pub(crate) fn label(&self, e: EnumId, v: u16) -> String {
        label_in(self.prog, e, v, &self.lang)
    }

    /// Runs a rule's bindings, calling `k` once per binding that passes every
    /// `where` (and, in a plan, every presence test the requirement implies).
    pub(crate) fn bindings(
        &mut self,
        ops: &[Op],
        i: usize,
        frame: &mut [V],
        k: &mut query::Visit<'_, 'c>,
    ) -> expr::R<bool> {
        let Some(op) = ops.get(i) else {
            return k(self, frame);
        };
        match op {
            Op::Match(q) => self.each_match(q, 0, frame, &mut |cx, frame| {
                cx.bindings(ops, i + 1, frame, k)
            }),
            Op::Value(slot, e) => {
                let v = self.eval(e, frame)?;
                if !v.is_present() {
                    return Ok(true);
                }
                set(frame, *slot, v);
                let r = self.bindings(ops, i + 1, frame, k);
                set(frame, *slot, V::Absent);
                r
            }
            Op::Each(slot, Expr::List(items)) => {
                // A list written out: its items one by one, the list never built.
                // (A plan's `where` on a grouped table is read before binding;
                // never with coverage on, which would miss the skipped tests.)
                let test = if self.cov.is_none() {
                    Ctx::table_test(ops.get(i + 1), *slot)
                } else {
                    None
                };
                for x in items {
                    self.tick()?;
                    let decided = match (&test, x) {
                        (Some(test), Expr::Const(Const::Enum(_, value))) => {
                            self.table_decides(test, *value, frame)
                        }
                        _ => None,
                    };
                    // A test the table decides is not run again: it passes or fails here.
                    let next = match decided {
                        Some(false) => continue,
                        Some(true) => i + 2,
                        None => i + 1,
                    };
                    let v = self.eval(x, frame)?;
                    set(frame, *slot, v);
                    if !self.bindings(ops, next, frame, k)? {
                        return Ok(false);
                    }
                }
                set(frame, *slot, V::Absent);
                Ok(true)
            }
            Op::Each(slot, e) => {
                let V::List(items) = self.eval(e, frame)? else {
                    return Ok(true);
                };
                for x in items.iter() {
                    self.tick()?;
                    set(frame, *slot, x.clone());
                    if !self.bindings(ops, i + 1, frame, k)? {
                        return Ok(false);
                    }
                }
                set(frame, *slot, V::Absent);
                Ok(true)
            }
            Op::Let(slot, e) => {
                let v = self.eval(e, frame)?;
                set(frame, *slot, v);
                let r = self.bindings(ops, i + 1, frame, k);
                set(frame, *slot, V::Absent);
                r
            }
            Op::Where(e, _) => {
                let v = self.cond(e, frame)?;
                if let Some(c) = &mut self.cov {
                    c.note(self.rule_index, Cond::Where(i), v);
                }
                if v == Some(true) {
                    self.bindings(ops, i + 1, frame, k)
                } else {
                    Ok(true)
                }
            }
            Op::Cond(e, of) => {
                let v = self.cond(e, frame)?;
                let pass = v == Some(true);
                // The clause is false when a conjunct is, true when its last one passes.
                if let Some(c) = &mut self.cov
                    && of.clause != CondOf::IMPLIED
                    && (!pass || of.last)
                {
                    c.note(self.rule_index, Cond::Where(of.clause as usize), v);
                }
                if pass {
                    self.bindings(ops, i + 1, frame, k)
                } else {
                    Ok(true)
                }
            }
        }
    }

    /// Computes the late `let`s of a stage.
    fn late(&mut self, rule: &Rule, stage: Stage, frame: &mut [V]) -> expr::R<()> {
        for (slot, e, s) in &rule.late {
            if *s == stage {
                let v = self.eval(e, frame)?;
                set(frame, *slot, v);
            }
        }
        Ok(())
    }

    /// What a complete binding yields: nothing, a breach, or a pending obligation.
    pub(crate) fn outcome(
        &mut self,
        rule: &Rule,
        frame: &mut [V],
        as_of: Option<Date>,
    ) -> expr::R<Outcome> {
        if let Some((from, until, on)) = &rule.in_force {
            self.late(rule, Stage::InForce, frame)?;
            let V::Date(d) = self.eval(on, frame)? else {
                return Ok(Outcome::NotInForce);
            };
            if from.is_some_and(|f| d < f) || until.is_some_and(|u| d > u) {
                return Ok(Outcome::NotInForce);
            }
        }
        for (k, (u, _)) in rule.unless.iter().enumerate() {
            self.late(rule, Stage::Unless(k as u32), frame)?;
            let v = self.cond(u, frame)?;
            if let Some(c) = &mut self.cov {
                c.note(self.rule_index, Cond::Unless(k), v);
            }
            if v == Some(true) {
                return Ok(Outcome::Excused);
            }
        }
        if let Some((req, _)) = &rule.require {
            self.late(rule, Stage::Require, frame)?;
            let v = self.cond(req, frame)?;
            if let Some(c) = &mut self.cov {
                c.note(self.rule_index, Cond::Require, v);
            }
            match v {
                Some(false) => {}
                Some(true) => return Ok(Outcome::Met),
                None => return Ok(Outcome::Unknown),
            }
        }
        if let (Some(as_of), Some(due)) = (as_of, &rule.due) {
            self.late(rule, Stage::Due, frame)?;
            match self.eval(due, frame)? {
                V::Date(d) if as_of <= d => return Ok(Outcome::Pending(V::Date(d))),
                V::DateTime(dt) if as_of <= dt.date() => {
                    return Ok(Outcome::Pending(V::DateTime(dt)));
                }
                _ => {}
            }
        }
        Ok(Outcome::Breach)
    }

    /// Renders a rule's texts for a binding.
    fn texts(&mut self, t: &Texts, frame: &mut [V], lang: &Lang) -> expr::R<LocalText> {
        match lang {
            Lang::All => {
                let mut out = std::collections::BTreeMap::new();
                for l in &self.prog.languages {
                    out.insert(l.clone(), self.text_in(t, frame, l)?);
                }
                Ok(LocalText::All(out))
            }
            Lang::One(l) => Ok(LocalText::One(self.text_in(t, frame, l)?)),
            Lang::Default => {
                let prog = self.prog;
                Ok(LocalText::One(self.text_in(
                    t,
                    frame,
                    &prog.default_lang,
                )?))
            }
        }
    }

    fn text_in(&mut self, t: &Texts, frame: &mut [V], lang: &str) -> expr::R<String> {
        let pieces = t
            .by_lang
            .get(lang)
            .or_else(|| t.by_lang.get(&self.prog.default_lang))
            .or_else(|| t.by_lang.values().next())
            .map(Vec::as_slice)
            .unwrap_or_default();
        // A text without holes (most titles and citations) is copied.
        if let [Piece::Lit(s)] = pieces {
            return Ok(s.clone());
        }
        if lang != self.lang {
            // What is computed may depend on the language (`lang()`, labels,
            // texts): other caches for another language. No grouped table is
            // built there (its use count starts from nothing each time: a
            // message is one evaluation), and families are defensive (no
            // message holds a member).
            let consts = std::mem::replace(&mut self.consts, vec![None; self.prog.defs.len()]);
            let memo = std::mem::take(&mut self.memo);
            let memo_coded = std::mem::take(&mut self.memo_coded);
            let grouped = std::mem::take(&mut self.grouped);
            let grouped_uses = std::mem::take(&mut self.grouped_uses);
            let families = std::mem::take(&mut self.families);
            let saved = std::mem::replace(&mut self.lang, lang.to_string());
            let r = self.render_pieces(pieces, frame);
            self.lang = saved;
            self.consts = consts;
            self.memo = memo;
            self.memo_coded = memo_coded;
            self.grouped = grouped;
            self.grouped_uses = grouped_uses;
            self.families = families;
            return r;
        }
        self.render_pieces(pieces, frame)
    }

    /// Renders a template in the current language.
    fn render_pieces(&mut self, pieces: &[Piece], frame: &mut [V]) -> expr::R<String> {
        let mut out = String::with_capacity(128);
        for p in pieces {
            match p {
                Piece::Lit(s) => out.push_str(s),
                Piece::Hole(e) => {
                    // `{id(x)}` and `{label(x.f)}` are copied from the case and
                    // the pack, without making a text value first.
                    if let Expr::Builtin(b @ (Builtin::Id | Builtin::Label), args) = e
                        && let [arg] = args.as_slice()
                    {
                        let v = match (b, self.eval(arg, frame)?) {
                            (Builtin::Id, V::Node(n)) => {
                                out.push_str(self.g.node_id(n));
                                continue;
                            }
                            (Builtin::Label, V::Enum(en, x)) => {
                                push_label(&mut out, self.prog, en, x, &self.lang);
                                continue;
                            }
                            // Anything else as the call would give it, the argument not evaluated again.
                            (_, a) => self.builtin(*b, std::slice::from_ref(&a)),
                        };
                        let (prog, lang_now) = (self.prog, self.lang.as_str());
                        value::render_to(&mut out, &v, self.g, &|e, x| {
                            label_in(prog, e, x, lang_now)
                        });
                        continue;
                    }
                    let v = self.eval(e, frame)?;
                    let (prog, lang_now) = (self.prog, self.lang.as_str());
                    value::render_to(&mut out, &v, self.g, &|e, x| label_in(prog, e, x, lang_now));
                }
            }
        }
        Ok(out)
    }
}

/// Appends the label of an enum value in a language, else its name (as [`label_in`]).
fn push_label(out: &mut String, prog: &Program, e: EnumId, v: u16, lang: &str) {
    use std::fmt::Write;
    match prog
        .labels
        .enum_values
        .get(&(e, v))
        .and_then(|m| m.get(lang))
        .map(String::as_str)
        .or_else(|| prog.schema.enum_value_name(e, v))
    {
        Some(l) => out.push_str(l),
        // Writing to a `String` cannot fail.
        None => drop(write!(out, "{v}")),
    }
}

/// The label of an enum value in a language, else its name.
pub(crate) fn label_in(prog: &Program, e: EnumId, v: u16, lang: &str) -> String {
    let mut out = String::new();
    push_label(&mut out, prog, e, v, lang);
    out
}

/// How one binding of a rule came out.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Outcome {
    /// The rule's dates of force exclude it.
    NotInForce,
    /// An `unless` holds.
    Excused,
    /// The requirement holds.
    Met,
    /// The requirement could not be decided (a needed value is absent).
    Unknown,
    /// Not met, and not yet due: due at this date or date-time.
    Pending(V),
    /// Not met.
    Breach,
}

/// Binds a slot of a frame.
#[inline]
pub(crate) fn set(frame: &mut [V], slot: Slot, v: V) {
    if let Some(x) = frame.get_mut(slot.0 as usize) {
        *x = v;
    }
}

/// Reviews a case: every rule, every binding; findings sorted as the report format requires.
pub(crate) fn review(
    prog: &Program,
    g: &CaseGraph,
    opts: &ReviewOptions,
    cov: Option<&mut Coverage>,
) -> Result<Report, EvalError> {
    if !Arc::ptr_eq(g.schema_arc(), &prog.schema) && g.schema() != &*prog.schema {
        return Err(EvalError::SchemaMismatch);
    }
    let lang = match &opts.lang {
        Lang::One(l) => l.clone(),
        _ => prog.default_lang.clone(),
    };
    let mut cx = Ctx::new(prog, g, opts.step_budget, &lang);
    cx.cov = cov.as_ref().map(|c| (**c).clone());
    let mut findings: Vec<Finding> = vec![];
    let result = review_rules(&mut cx, prog, opts, &mut findings);
    // Views are not rules: their conditions do not count towards coverage.
    if let (Some(out), Some(c)) = (cov, cx.cov.take()) {
        *out = c;
    }
    result?;
    findings.sort_by(|a, b| {
        (&a.rule, &a.nodes)
            .cmp(&(&b.rule, &b.nodes))
            .then_with(|| a.message.cmp_text(&b.message))
    });
    findings.dedup_by(|a, b| a.rule == b.rule && a.nodes == b.nodes && a.message == b.message);
    let views = if opts.views {
        views(&mut cx, prog, opts)?
    } else {
        vec![]
    };
    let lang = match &opts.lang {
        Lang::All => "all".to_string(),
        _ => lang,
    };
    Ok(Report {
        case: g.case_id().to_string(),
        findings,
        views,
        lang,
    })
}

fn views(
    cx: &mut Ctx<'_>,
    prog: &Program,
    opts: &ReviewOptions,
) -> expr::R<Vec<crate::report::ViewTable>> {
    use crate::report::{ViewColumn, ViewRow, ViewTable};
    let mut out = vec![];
    for view in &prog.views {
        cx.rule = format!("view {}", view.name);
        cx.steps = 0;
        let mut frame = vec![V::Absent; view.nslots as usize];
        let title = cx.texts(&view.title, &mut frame, &opts.lang)?;
        let mut columns = vec![];
        for (name, label, _) in &view.columns {
            columns.push(ViewColumn {
                name: name.clone(),
                label: cx.texts(label, &mut frame, &opts.lang)?,
            });
        }
        let mut rows = vec![];
        cx.bindings(&view.ops, 0, &mut frame, &mut |cx, frame| {
            let mut text = vec![];
            let mut values = vec![];
            for (_, _, e) in &view.columns {
                let v = cx.eval(e, frame)?;
                let (prog, lang) = (cx.prog, cx.lang.clone());
                text.push(value::render(&v, cx.g, &|e, x| label_in(prog, e, x, &lang)));
                values.push(value::to_json(&v, cx.g, &|e, x| {
                    label_in(prog, e, x, &lang)
                }));
            }
            let nodes = view
                .report
                .iter()
                .filter_map(|s| match frame.get(s.0 as usize) {
                    Some(V::Node(n)) => Some(cx.g.node_id(*n).to_string()),
                    _ => None,
                })
                .collect();
            rows.push(ViewRow {
                nodes,
                text,
                values,
            });
            Ok(rows.len() < 100_000)
        })?;
        rows.sort_by(|a, b| (&a.nodes, &a.text).cmp(&(&b.nodes, &b.text)));
        rows.dedup();
        out.push(ViewTable {
            name: view.name.clone(),
            title,
            columns,
            rows,
        });
    }
    Ok(out)
}

fn review_rules(
    cx: &mut Ctx<'_>,
    prog: &Program,
    opts: &ReviewOptions,
    findings: &mut Vec<Finding>,
) -> expr::R<()> {
    for (ri, rule) in prog.rules.iter().enumerate() {
        cx.rule = rule.id.clone();
        cx.rule_index = ri;
        // The budget is per rule: a large case may need many steps in all, but no
        // rule of a sound pack needs millions for itself.
        cx.steps = 0;
        let mut frame = vec![V::Absent; rule.nslots as usize];
        let mut raised = 0usize;
        let cap = opts.max_findings_per_rule;
        let mut err: Option<EvalError> = None;
        // Coverage records each `where` clause as written: with it on, the
        // clauses run in written order (a plan tests conjuncts apart, and may
        // never test one its edge step already guarantees).
        let ops = if cx.cov.is_some() {
            &rule.ops
        } else {
            match &rule.swap {
                Some(s) if swap_is_shorter(s, cx.g) => &s.plan,
                _ => &rule.plan,
            }
        };
        cx.bindings(ops, 0, &mut frame, &mut |cx, frame| {
            let outcome = cx.outcome(rule, frame, opts.as_of)?;
            let due = match outcome {
                Outcome::Breach => None,
                Outcome::Pending(d) => Some(d),
                _ => return Ok(true),
            };
            raised += 1;
            if raised > cap {
                err = Some(EvalError::TooManyFindings {
                    rule: rule.id.clone(),
                    cap,
                });
                return Ok(false);
            }
            findings.push(cx.finding(rule, frame, due, &opts.lang, opts.as_of.is_some())?);
            Ok(true)
        })?;
        if let Some(e) = err {
            return Err(Box::new(e));
        }
    }
    Ok(())
}

/// Whether a rule's [`Swap`] walks fewer nodes and edges in this case than
/// its plan: each start's nodes (from its index), times one plus the edges
/// of the kind per node of its kind (the graph's average).
fn swap_is_shorter(s: &Swap, g: &CaseGraph) -> bool {
    let edges = g.edges_of_kind_count(s.edge) as u128;
    let (ka, ia) = s.first;
    let (kb, (fb, vb)) = s.second;
    let all_a = g.nodes_of_kind(ka).len().max(1) as u128;
    let all_b = g.nodes_of_kind(kb).len().max(1) as u128;
    let from_a = match ia {
        Some((f, v)) => g.nodes_with_enum(ka, f, v).len(),
        None => g.nodes_of_kind(ka).len(),
    } as u128;
    let from_b = g.nodes_with_enum(kb, fb, vb).len() as u128;
    // from_b (1 + edges / all_b) < from_a (1 + edges / all_a), without division.
    from_b * (all_b + edges) * all_a < from_a * (all_a + edges) * all_b
}

impl Ctx<'_> {
    pub(crate) fn finding(
        &mut self,
        rule: &Rule,
        frame: &mut [V],
        due: Option<V>,
        lang: &Lang,
        due_done: bool,
    ) -> expr::R<Finding> {
        // `outcome` computed the late `let`s up to `require` (a finding passed
        // them all), and those of `due` only when reviewing as of a day.
        if !due_done {
            self.late(rule, Stage::Due, frame)?;
        }
        self.late(rule, Stage::Finding, frame)?;
        let mut message = None;
        for (cond, texts) in &rule.messages {
            let applies = match cond {
                None => true,
                Some(c) => self.cond(c, frame)? == Some(true),
            };
            if applies {
                message = Some(texts);
                break;
            }
        }
        let message = match message.or_else(|| rule.messages.last().map(|(_, t)| t)) {
            Some(t) => self.texts(t, frame, lang)?,
            None => LocalText::One(String::new()),
        };
        let nodes = rule
            .report
            .iter()
            .filter_map(|s| match frame.get(s.0 as usize) {
                Some(V::Node(n)) => Some(self.g.node_id(*n).to_string()),
                _ => None,
            })
            .collect();
        let severity = if due.is_some() {
            Severity::Info
        } else {
            rule.severity
        };
        let due = due.map(|d| value::render(&d, self.g, &|_, x| x.to_string()));
        Ok(Finding {
            rule: rule.id.clone(),
            severity,
            title: self.texts(&rule.title, frame, lang)?,
            message,
            citation: self.texts(&rule.cite, frame, lang)?,
            nodes,
            due,
            source: None,
        })
    }
}

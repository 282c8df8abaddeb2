//! A deliberately naive reference evaluator, written from `docs/language.md`
//! and `case-format.md` §5, for the differential test (`tests/differential.rs`).
//!
//! It reads the checked IR (`Program`) but none of the engine's evaluation
//! code: no indexes, no plan. A pattern's steps are read as *constraints*;
//! every assignment of the pattern's new variables over ALL nodes of the
//! case is tried by nested loops, each edge is found by scanning all edges,
//! and the constraints and the filter are checked directly. Every `where` of
//! a rule is checked after all bindings (not where the checker placed it).
//! It is slow on purpose: it runs on cases of a dozen nodes.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod expr;
mod query;

use caselint::CaseGraph;
use caselint::check::ir::{Op, Program, Rule, Slot};
use caselint::graph::{EdgeIx, NodeIx};
use caselint::syntax::ast::Severity;
use jiff::civil::Date;
use rust_decimal::Decimal;
use std::sync::Arc;

/// A value: `Absent` is unknown.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Absent,
    Bool(bool),
    Int(i64),
    Dec(Decimal),
    Text(Arc<str>),
    Date(Date),
    Time(jiff::civil::Time),
    DateTime(jiff::civil::DateTime),
    Dur(caselint::syntax::ast::Unit, i64),
    Enum(caselint::graph::EnumId, u16),
    List(Vec<Val>),
    Node(NodeIx),
    Edge(EdgeIx),
    Row(u32, u32),
}

/// One finding, as the comparison needs it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RefFinding {
    pub rule: String,
    pub nodes: Vec<String>,
    pub message: String,
    pub severity: String,
    pub due: Option<String>,
}

/// The reference's review: findings sorted by rule, nodes, message, with
/// exact repeats (same rule, nodes and message) removed.
pub struct Reference<'a> {
    pub prog: &'a Program,
    pub g: &'a CaseGraph,
    pub as_of: Option<Date>,
    pub lang: String,
}

pub fn severity_name(s: Severity) -> String {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
    .to_string()
}

impl<'a> Reference<'a> {
    pub fn new(prog: &'a Program, g: &'a CaseGraph, as_of: Option<Date>) -> Self {
        Reference {
            prog,
            g,
            as_of,
            lang: prog.default_lang.clone(),
        }
    }

    pub fn review(&self) -> Vec<RefFinding> {
        let mut out = vec![];
        for rule in &self.prog.rules {
            let mut frame = vec![Val::Absent; rule.nslots as usize];
            let mut report: Vec<Slot> = vec![];
            self.bind(rule, 0, &mut frame, &mut report, &mut out);
        }
        out.sort_by(|a, b| (&a.rule, &a.nodes, &a.message).cmp(&(&b.rule, &b.nodes, &b.message)));
        out.dedup_by(|a, b| a.rule == b.rule && a.nodes == b.nodes && a.message == b.message);
        out
    }

    /// The binding ops in the order written, `where`s skipped (checked at the end).
    fn bind(
        &self,
        rule: &Rule,
        i: usize,
        frame: &mut Vec<Val>,
        report: &mut Vec<Slot>,
        out: &mut Vec<RefFinding>,
    ) {
        let Some(op) = rule.ops.get(i) else {
            self.complete(rule, frame, report, out);
            return;
        };
        match op {
            // `Cond` is only in review plans; the reference reads the clauses.
            Op::Where(..) | Op::Cond(..) => self.bind(rule, i + 1, frame, report, out),
            Op::Match(q) => {
                let fresh = query::fresh_node_slots(q, frame);
                for m in self.matches(q, frame) {
                    let saved = frame.clone();
                    for (s, v) in m {
                        frame[s.0 as usize] = v;
                    }
                    let before = report.len();
                    report.extend(fresh.iter().copied());
                    self.bind(rule, i + 1, frame, report, out);
                    report.truncate(before);
                    *frame = saved;
                }
            }
            Op::Value(slot, e) => {
                let v = self.eval(e, frame);
                if v == Val::Absent {
                    return;
                }
                let node = matches!(v, Val::Node(_));
                frame[slot.0 as usize] = v;
                if node {
                    report.push(*slot);
                }
                self.bind(rule, i + 1, frame, report, out);
                if node {
                    report.pop();
                }
                frame[slot.0 as usize] = Val::Absent;
            }
            Op::Each(slot, e) => {
                if let Val::List(items) = self.eval(e, frame) {
                    for x in items {
                        frame[slot.0 as usize] = x;
                        self.bind(rule, i + 1, frame, report, out);
                    }
                    frame[slot.0 as usize] = Val::Absent;
                }
            }
            Op::Let(slot, e) => {
                let v = self.eval(e, frame);
                let node = matches!(v, Val::Node(_));
                frame[slot.0 as usize] = v;
                if node {
                    report.push(*slot);
                }
                self.bind(rule, i + 1, frame, report, out);
                if node {
                    report.pop();
                }
                frame[slot.0 as usize] = Val::Absent;
            }
        }
    }

    /// A complete binding: every `where`, then in force, `unless`, `require`, `due`.
    fn complete(&self, rule: &Rule, frame: &mut [Val], report: &[Slot], out: &mut Vec<RefFinding>) {
        for op in &rule.ops {
            if let Op::Where(e, _) = op
                && self.eval(e, frame) != Val::Bool(true)
            {
                return;
            }
        }
        if let Some((from, until, on)) = &rule.in_force {
            let Val::Date(d) = self.eval(on, frame) else {
                return;
            };
            if from.is_some_and(|f| d < f) || until.is_some_and(|u| d > u) {
                return;
            }
        }
        for (u, _) in &rule.unless {
            if self.eval(u, frame) == Val::Bool(true) {
                return;
            }
        }
        if let Some((req, _)) = &rule.require
            && self.eval(req, frame) != Val::Bool(false)
        {
            return;
        }
        let mut due = None;
        if let (Some(as_of), Some(d)) = (self.as_of, &rule.due) {
            match self.eval(d, frame) {
                v @ Val::Date(day) if as_of <= day => due = Some(v),
                v @ Val::DateTime(dt) if as_of <= dt.date() => due = Some(v),
                _ => {}
            }
        }
        let mut texts = rule.messages.last().map(|(_, t)| t);
        for (cond, t) in &rule.messages {
            let holds = match cond {
                None => true,
                Some(c) => self.eval(c, frame) == Val::Bool(true),
            };
            if holds {
                texts = Some(t);
                break;
            }
        }
        let message = texts.map_or(String::new(), |t| self.text(t, frame));
        let nodes = report
            .iter()
            .filter_map(|s| match &frame[s.0 as usize] {
                Val::Node(n) => Some(self.g.node_id(*n).to_string()),
                _ => None,
            })
            .collect();
        let severity = if due.is_some() {
            "info".to_string()
        } else {
            severity_name(rule.severity)
        };
        out.push(RefFinding {
            rule: rule.id.clone(),
            nodes,
            message,
            severity,
            due: due.map(|d| self.render_plain(&d)),
        });
    }
}

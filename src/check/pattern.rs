//! Stage 2, patterns: a graph pattern becomes a [`Query`] plan that starts
//! at the most selective node (one already bound, else one an enum index
//! serves) and follows edge indexes from there.

use super::Checker;
use super::expr::field_ty;
use super::ir::*;
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::graph::{EdgeKindId, KindId};
use crate::syntax::ast::{self, CondOp, EdgeMod, NodePat, Span};

/// A node of the pattern chain, once resolved.
struct ChainNode {
    slot: Slot,
    kind: KindId,
    /// Bound before the pattern (a reference to an outer variable).
    bound: bool,
    tests: Vec<FieldTest>,
    /// A `field = enum value` test an index can serve.
    index: Option<FieldTest>,
    /// Whether the node's name is new (bound by this pattern).
    fresh_name: Option<String>,
}

use crate::graph::FieldId;

impl<'a> Checker<'a> {
    /// Compiles a pattern and its `where` filter. The pattern's new variables stay in
    /// scope for the caller (it leaves the scope when done).
    pub(super) fn query(&mut self, p: &ast::Pattern, filter: Option<&ast::Expr>) -> Query {
        let (steps, head, head_kind) = self.pattern_steps(p);
        let filter = filter.map(|f| self.expect_ty(f, &Ty::Bool));
        Query {
            anchors: Query::anchors_of(&steps),
            steps,
            filter,
            head,
            head_kind,
            span: p.span,
            grouped: None,
            family: None,
            kernel: None,
        }
    }

    /// Resolves a node shape (a kind or a named pattern) to its kind and field tests.
    fn shape(
        &mut self,
        shape: &ast::NodeShape,
    ) -> Option<(KindId, Vec<FieldTest>, Option<FieldTest>)> {
        let (kind, mut tests, mut index) = if let Some(k) = self.kind_id(&shape.kind.name) {
            (k, vec![], None)
        } else if let Some(p) = self.patterns.get(&shape.kind.name).copied() {
            self.used.insert(shape.kind.name.clone());
            let k = self.kind_id(&p.shape.kind.name)?;
            let (t, i) = self.field_tests(k, &p.shape.conds);
            (k, t, i)
        } else {
            let mut cands: Vec<String> = self
                .schema
                .node_kinds()
                .map(|(_, k)| k.name.clone())
                .collect();
            cands.extend(self.patterns.keys().cloned());
            let help = did_you_mean(&shape.kind.name, cands.iter().map(String::as_str));
            self.diags.push(
                Diagnostic::error(
                    Code::UnknownName,
                    shape.kind.span,
                    format!("unknown node kind or pattern `{}`", shape.kind.name),
                )
                .with_label(format!("expected one of: {}", cands.join(", ")))
                .with_help_opt(help),
            );
            return None;
        };
        let (t, i) = self.field_tests(kind, &shape.conds);
        tests.extend(t);
        match (&index, i) {
            (None, i) => index = i,
            (Some(_), Some(i)) => tests.push(i),
            (Some(_), None) => {}
        }
        Some((kind, tests, index))
    }

    /// Field conditions of a node kind; the first `field = enum value` is returned apart,
    /// for an index lookup.
    fn field_tests(
        &mut self,
        kind: KindId,
        conds: &[ast::FieldCond],
    ) -> (Vec<FieldTest>, Option<FieldTest>) {
        let mut tests = vec![];
        let mut index = None;
        for c in conds {
            let Some(f) = self.schema.field(kind, &c.field.name) else {
                let kd = self.schema.kind(kind);
                let kname = kd.map_or(String::new(), |d| d.name.clone());
                let fields: Vec<String> = kd
                    .map(|d| d.fields.iter().map(|f| f.name.clone()).collect())
                    .unwrap_or_default();
                let help = did_you_mean(&c.field.name, fields.iter().map(String::as_str));
                self.diags.push(
                    Diagnostic::error(
                        Code::UnknownName,
                        c.field.span,
                        format!("unknown field `{}` of `{kname}`", c.field.name),
                    )
                    .with_label(format!("`{kname}` has: {}", fields.join(", ")))
                    .with_help_opt(help),
                );
                continue;
            };
            let ty = self
                .schema
                .field_def(kind, f)
                .map_or(Ty::Any, |d| field_ty(&d.ty));
            let test = self.cond_test(f, ty, c);
            // `type = a, type = b`: a shape no node can match.
            let clash = tests.iter().chain(index.iter()).any(|t: &FieldTest| {
                t.field == test.field
                    && t.op == Some(ast::CmpOp::Eq)
                    && test.op == Some(ast::CmpOp::Eq)
                    && matches!((&t.value, &test.value), (Expr::Const(a), Expr::Const(b)) if a != b)
            });
            if clash {
                self.diags.push(
                    Diagnostic::warning(
                        Code::NeverHolds,
                        c.value.span,
                        format!("`{}` cannot equal two different values", c.field.name),
                    )
                    .with_help("no node matches this shape"),
                );
            }
            if index.is_none()
                && test.op == Some(ast::CmpOp::Eq)
                && matches!(test.value, Expr::Const(Const::Enum(..)))
            {
                index = Some(test);
                continue;
            }
            tests.push(test);
        }
        (tests, index)
    }

    fn edge_tests(&mut self, edge: EdgeKindId, conds: &[ast::FieldCond]) -> Vec<FieldTest> {
        let mut tests = vec![];
        for c in conds {
            let Some(f) = self.schema.edge_field(edge, &c.field.name) else {
                let ed = self.schema.edge(edge);
                let fields: Vec<String> = ed
                    .map(|d| d.fields.iter().map(|f| f.name.clone()).collect())
                    .unwrap_or_default();
                let help = did_you_mean(&c.field.name, fields.iter().map(String::as_str));
                self.diags.push(
                    Diagnostic::error(
                        Code::UnknownName,
                        c.field.span,
                        format!(
                            "unknown field `{}` of edge `{}`",
                            c.field.name,
                            ed.map_or("", |d| d.name.as_str())
                        ),
                    )
                    .with_help_opt(help),
                );
                continue;
            };
            let ty = self
                .schema
                .edge_field_def(edge, f)
                .map_or(Ty::Any, |d| field_ty(&d.ty));
            tests.push(self.cond_test(f, ty, c));
        }
        tests
    }

    fn cond_test(&mut self, f: FieldId, ty: Ty, c: &ast::FieldCond) -> FieldTest {
        match c.op {
            CondOp::Cmp(op) => {
                let value = self.expect_ty(&c.value, &ty);
                let ordered = !matches!(op, ast::CmpOp::Eq | ast::CmpOp::Ne);
                if ordered && matches!(ty, Ty::Enum(_) | Ty::Bool | Ty::List(_)) {
                    let msg = format!(
                        "`{}` is {} and has no order",
                        c.field.name,
                        self.ty_name(&ty)
                    );
                    self.error(Code::Type, c.value.span, msg);
                }
                FieldTest {
                    field: f,
                    ty,
                    op: Some(op),
                    value,
                }
            }
            CondOp::In => {
                let value = self.expect_ty(&c.value, &Ty::List(Box::new(ty.clone())));
                FieldTest {
                    field: f,
                    ty,
                    op: None,
                    value,
                }
            }
        }
    }

    /// Resolves the chain and plans its traversal.
    fn pattern_steps(&mut self, p: &ast::Pattern) -> (Vec<QStep>, Slot, KindId) {
        // Field-condition values are checked in the scope before the pattern.
        let mut chain: Vec<ChainNode> = vec![];
        let mut nodes: Vec<&NodePat> = vec![&p.start];
        nodes.extend(p.steps.iter().map(|s| &s.node));
        let mut pending_names: Vec<(String, Ty, Slot)> = vec![];
        for np in &nodes {
            match np {
                NodePat::Ref(id) => {
                    // A name bound by this same pattern earlier is a reference to it.
                    if let Some(pos) = chain
                        .iter()
                        .position(|c| c.fresh_name.as_deref() == Some(id.name.as_str()))
                    {
                        let (slot, kind) = chain
                            .get(pos)
                            .map(|c| (c.slot, c.kind))
                            .unwrap_or((Slot(0), KindId(0)));
                        // Not bound before the pattern: bound where the traversal first reaches it.
                        chain.push(ChainNode {
                            slot,
                            kind,
                            bound: false,
                            tests: vec![],
                            index: None,
                            fresh_name: None,
                        });
                        continue;
                    }
                    match self.frame.lookup(&id.name).cloned() {
                        Some(v) => match v.ty {
                            Ty::Node(k) => chain.push(ChainNode {
                                slot: v.slot,
                                kind: k,
                                bound: true,
                                tests: vec![],
                                index: None,
                                fresh_name: None,
                            }),
                            other => {
                                let msg = format!(
                                    "`{}` is {}, not a node",
                                    id.name,
                                    self.ty_name(&other)
                                );
                                self.error(Code::Type, id.span, msg);
                                return self.fallback(p);
                            }
                        },
                        None => {
                            let help = if self.kind_id(&id.name).is_some()
                                || self.patterns.contains_key(&id.name)
                            {
                                Some(format!("to match every `{0}`, name it: `x: {0}`", id.name))
                            } else {
                                let cands: Vec<String> =
                                    self.frame.vars.iter().map(|v| v.name.clone()).collect();
                                did_you_mean(&id.name, cands.iter().map(String::as_str))
                            };
                            self.diags.push(
                                Diagnostic::error(
                                    Code::UnknownName,
                                    id.span,
                                    format!("unknown variable `{}`", id.name),
                                )
                                .with_label("expected a node bound earlier, or `name: kind`")
                                .with_help_opt(help),
                            );
                            return self.fallback(p);
                        }
                    }
                }
                NodePat::Bind(id, shape) => {
                    if self.frame.lookup(&id.name).is_some()
                        || pending_names.iter().any(|(n, _, _)| *n == id.name)
                    {
                        self.diags.push(
                            Diagnostic::error(Code::Duplicate, id.span, format!("`{}` is already bound", id.name))
                                .with_help(format!("to refer to it, write `{}` alone; to bind another node, choose a new name", id.name)),
                        );
                        return self.fallback(p);
                    }
                    let Some((kind, tests, index)) = self.shape(shape) else {
                        return self.fallback(p);
                    };
                    // The slot is allocated now; the name becomes visible after the pattern.
                    let slot = self.frame.alloc(&id.name);
                    pending_names.push((id.name.clone(), Ty::Node(kind), slot));
                    chain.push(ChainNode {
                        slot,
                        kind,
                        bound: false,
                        tests,
                        index,
                        fresh_name: Some(id.name.clone()),
                    });
                }
            }
        }
        for (name, ty, slot) in &pending_names {
            self.frame.expose(name, *slot, ty.clone());
        }
        // Edges: resolve kinds and check endpoints.
        struct EdgeInfo {
            kind: EdgeKindId,
            outgoing: bool,
            modifier: EdgeMod,
            tests: Vec<FieldTest>,
            var: Option<(String, Span)>,
        }
        let mut edges: Vec<EdgeInfo> = vec![];
        for (i, st) in p.steps.iter().enumerate() {
            let Some(ek) = self.schema.edge_kind(&st.edge.name) else {
                let cands: Vec<String> = self
                    .schema
                    .edge_kinds()
                    .map(|(_, e)| e.name.clone())
                    .collect();
                let help = did_you_mean(&st.edge.name, cands.iter().map(String::as_str));
                self.diags.push(
                    Diagnostic::error(
                        Code::UnknownName,
                        st.edge.span,
                        format!("unknown edge kind `{}`", st.edge.name),
                    )
                    .with_label(format!("expected one of: {}", cands.join(", ")))
                    .with_help_opt(help),
                );
                return self.fallback(p);
            };
            let (a, b) = match (chain.get(i), chain.get(i + 1)) {
                (Some(a), Some(b)) => (a.kind, b.kind),
                _ => return self.fallback(p),
            };
            let (src, dst) = if st.outgoing { (a, b) } else { (b, a) };
            if let Some(def) = self.schema.edge(ek) {
                let kname = |k: KindId| {
                    self.schema
                        .kind(k)
                        .map_or(String::new(), |d| d.name.clone())
                };
                let list =
                    |ks: &[KindId]| ks.iter().map(|k| kname(*k)).collect::<Vec<_>>().join(" | ");
                if !def.from.contains(&src) || !def.to.contains(&dst) {
                    let msg = format!(
                        "edge `{}` goes {} -> {}; this step has {} -> {}",
                        def.name,
                        list(&def.from),
                        list(&def.to),
                        kname(src),
                        kname(dst)
                    );
                    let help = (def.from.contains(&dst) && def.to.contains(&src)).then(|| {
                        format!(
                            "turn the arrow around: `{}`",
                            if st.outgoing {
                                format!("<-{}-", def.name)
                            } else {
                                format!("-{}->", def.name)
                            }
                        )
                    });
                    self.diags
                        .push(Diagnostic::error(Code::Type, st.span, msg).with_help_opt(help));
                    return self.fallback(p);
                }
                if st.modifier == EdgeMod::Path && src != dst {
                    self.error(
                        Code::Type,
                        st.span,
                        format!("`-{}*->` needs an edge between nodes of one kind", def.name),
                    );
                }
            }
            if st.edge_var.is_some() && st.modifier == EdgeMod::Path {
                self.error(
                    Code::Type,
                    st.span,
                    "a path of several edges cannot be named",
                );
            }
            let tests = self.edge_tests(ek, &st.conds);
            edges.push(EdgeInfo {
                kind: ek,
                outgoing: st.outgoing,
                modifier: st.modifier,
                tests,
                var: st.edge_var.as_ref().map(|v| (v.name.clone(), v.span)),
            });
        }
        // Edge variables get slots after the nodes.
        let mut edge_slots: Vec<Option<Slot>> = vec![];
        for e in &edges {
            match &e.var {
                Some((name, span)) => {
                    if self.frame.lookup(name).is_some() {
                        self.error(Code::Duplicate, *span, format!("`{name}` is already bound"));
                        edge_slots.push(None);
                    } else {
                        edge_slots.push(Some(self.frame.bind(name, Ty::Edge(e.kind))));
                    }
                }
                None => edge_slots.push(None),
            }
        }
        // Plan: start at a bound node, else at an indexed one, else at the first.
        let start = chain
            .iter()
            .position(|c| c.bound)
            .or_else(|| chain.iter().position(|c| c.index.is_some()))
            .unwrap_or(0);
        let mut steps = vec![];
        // Bound slots: outer variables, then each slot the plan binds.
        let mut bound: std::collections::HashSet<Slot> =
            chain.iter().filter(|c| c.bound).map(|c| c.slot).collect();
        if let Some(s) = chain.get_mut(start) {
            if bound.contains(&s.slot) {
                // Nothing to bind; a reference has no tests of its own.
            } else {
                let index = s.index.take().and_then(|t| match t.value {
                    Expr::Const(Const::Enum(_, v)) => Some((t.field, v)),
                    _ => None,
                });
                steps.push(QStep::Scan {
                    slot: s.slot,
                    kind: s.kind,
                    index,
                    tests: std::mem::take(&mut s.tests),
                });
                bound.insert(s.slot);
            }
        }
        let mut order: Vec<(usize, bool)> = ((start + 1)..chain.len()).map(|i| (i, true)).collect();
        order.extend((1..=start).rev().map(|i| (i - 1, false)));
        for (target, rightward) in order {
            // The edge between chain[target] and its neighbour towards the start.
            let (from_ix, edge_ix) = if rightward {
                (target - 1, target - 1)
            } else {
                (target + 1, target)
            };
            let (Some(e), Some(from)) = (edges.get(edge_ix), chain.get(from_ix)) else {
                continue;
            };
            let from_slot = from.slot;
            let Some(to) = chain.get_mut(target) else {
                continue;
            };
            let to_bound = bound.contains(&to.slot);
            // Written `a -e-> b`: from a (leftward node) the edge is outgoing.
            let forward = if rightward { e.outgoing } else { !e.outgoing };
            let arrow_from_start = forward;
            let mut node_tests = std::mem::take(&mut to.tests);
            if let Some(t) = to.index.take() {
                node_tests.insert(0, t);
            }
            steps.push(QStep::Expand {
                from: from_slot,
                edge: e.kind,
                forward,
                modifier: e.modifier,
                arrow_from_start,
                to: to.slot,
                to_bound,
                kind: Some(to.kind),
                node_tests,
                edge_slot: edge_slots.get(edge_ix).copied().flatten(),
                above: None,
                edge_tests: e.tests.clone(),
            });
            bound.insert(to.slot);
        }
        let head = chain.first().map_or(Slot(0), |c| c.slot);
        let head_kind = chain.first().map_or(KindId(0), |c| c.kind);
        (steps, head, head_kind)
    }

    /// After an error in a pattern: bind its names as unknown so later uses do not cascade.
    fn fallback(&mut self, p: &ast::Pattern) -> (Vec<QStep>, Slot, KindId) {
        let mut nodes: Vec<&NodePat> = vec![&p.start];
        nodes.extend(p.steps.iter().map(|s| &s.node));
        let mut head = None;
        for n in nodes {
            if let NodePat::Bind(id, _) = n
                && self.frame.lookup(&id.name).is_none()
            {
                let s = self.frame.bind(&id.name, Ty::Any);
                head.get_or_insert(s);
            }
        }
        for st in &p.steps {
            if let Some(v) = &st.edge_var
                && self.frame.lookup(&v.name).is_none()
            {
                self.frame.bind(&v.name, Ty::Any);
            }
        }
        (vec![], head.unwrap_or(Slot(0)), KindId(0))
    }
}

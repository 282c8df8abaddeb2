//! Stage 2: AST + the pack's schema declarations → typed IR ([`Program`]), or diagnostics.
//!
//! [`check_pack`] builds the schema from the pack's `enum`, `node` and
//! `edge` declarations, then checks tables, definitions and rules against
//! it. Every error of every file is reported; names are resolved to slots
//! and ids so the evaluator does no string lookups.

mod expr;
mod inline;
pub mod ir;
mod pattern;
mod plan;
mod rule;
mod schema;
mod shared;

use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::graph::{EnumId, Schema};
use crate::syntax::ast::{self, Item, Span};
use ir::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// Checks the parsed files of one pack. Returns the program when there is
/// no error (warnings may still be present), and every diagnostic.
pub fn check_pack(files: &[ast::File]) -> (Option<Program>, Vec<Diagnostic>) {
    let mut cx = Checker::default();
    let items: Vec<&Item> = files.iter().flat_map(|f| f.items.iter()).collect();
    let program = cx.run(&items);
    let has_error = cx
        .diags
        .iter()
        .any(|d| d.level == crate::diag::Level::Error);
    (if has_error { None } else { program }, cx.diags)
}

/// How a definition stands while the pack is checked.
#[derive(Clone, Debug)]
enum DefState {
    Unchecked,
    InProgress,
    Done(Ty),
}

/// A variable in scope.
#[derive(Clone, Debug)]
struct Var {
    name: String,
    slot: Slot,
    ty: Ty,
}

/// The variables of the rule or definition being checked.
#[derive(Clone, Debug, Default)]
struct Frame {
    vars: Vec<Var>,
    next: u32,
    max: u32,
    names: Vec<String>,
}

impl Frame {
    fn lookup(&self, name: &str) -> Option<&Var> {
        self.vars.iter().rev().find(|v| v.name == name)
    }

    fn bind(&mut self, name: &str, ty: Ty) -> Slot {
        let slot = Slot(self.next);
        self.next += 1;
        self.max = self.max.max(self.next);
        self.names.push(name.to_string());
        self.vars.push(Var {
            name: name.to_string(),
            slot,
            ty,
        });
        slot
    }

    /// A slot for a name that becomes visible later ([`Frame::expose`]).
    fn alloc(&mut self, name: &str) -> Slot {
        let slot = Slot(self.next);
        self.next += 1;
        self.max = self.max.max(self.next);
        self.names.push(name.to_string());
        slot
    }

    fn expose(&mut self, name: &str, slot: Slot, ty: Ty) {
        self.vars.push(Var {
            name: name.to_string(),
            slot,
            ty,
        });
    }

    /// The scope depth, to return to with [`Frame::leave`].
    fn mark(&self) -> usize {
        self.vars.len()
    }

    fn leave(&mut self, mark: usize) {
        self.vars.truncate(mark);
    }
}

#[derive(Default)]
struct Checker<'a> {
    diags: Vec<Diagnostic>,
    schema: Arc<Schema>,
    labels: Labels,
    languages: Vec<String>,
    default_lang: String,
    patterns: HashMap<String, &'a ast::PatternDecl>,
    def_ast: Vec<&'a ast::DefDecl>,
    def_index: HashMap<String, DefId>,
    def_state: Vec<DefState>,
    defs: Vec<Option<Def>>,
    table_index: HashMap<String, TableId>,
    tables: Vec<Table>,
    calendar: Calendar,
    used: HashSet<String>,
    frame: Frame,
}

impl<'a> Checker<'a> {
    fn error(&mut self, code: Code, span: Span, msg: impl Into<String>) {
        self.diags.push(Diagnostic::error(code, span, msg));
    }

    fn run(&mut self, items: &[&'a Item]) -> Option<Program> {
        let pack_name = self.pack_header(items);
        self.build_schema(items);
        self.collect_names(items);
        for it in items {
            if let Item::Table(t) = it {
                self.table(t);
            }
        }
        for it in items {
            if let Item::Calendar(c) = it {
                self.calendar_decl(c);
            }
        }
        for i in 0..self.def_ast.len() {
            self.ensure_def(DefId(i as u32));
        }
        let mut rules = Vec::new();
        let mut seen: HashMap<(String, Option<String>), Span> = HashMap::new();
        let mut parted: HashMap<String, (bool, Span)> = HashMap::new();
        for it in items {
            if let Item::Rule(r) = it {
                let key = (r.id.name.clone(), r.part.as_ref().map(|p| p.name.clone()));
                if seen.insert(key, r.span).is_some() {
                    let what = match &r.part {
                        Some(p) => format!("rule `{}` part `{}`", r.id.name, p.name),
                        None => format!("rule `{}`", r.id.name),
                    };
                    self.diags.push(
                        Diagnostic::error(Code::Duplicate, r.id.span, format!("{what} is declared twice"))
                            .with_help("the pack's files are read in path order; this is the later of the two blocks: remove one, or give them different `part` names"),
                    );
                    // Its clauses are still checked: their errors are reported,
                    // and the definitions they use count as used.
                    let _ = self.rule(r);
                    continue;
                }
                let has_part = r.part.is_some();
                if let Some((other_part, _)) = parted.insert(r.id.name.clone(), (has_part, r.span))
                    && (!other_part || !has_part)
                {
                    self.diags.push(
                        Diagnostic::error(
                            Code::Duplicate,
                            r.id.span,
                            format!("rule `{}` is declared twice", r.id.name),
                        )
                        .with_help(
                            "a rule written as several blocks gives each block a `part NAME`",
                        ),
                    );
                    let _ = self.rule(r);
                    continue;
                }
                if let Some(rule) = self.rule(r) {
                    rules.push(rule);
                }
            }
        }
        rules.sort_by(|a, b| (&a.id, &a.part).cmp(&(&b.id, &b.part)));
        let mut views = Vec::new();
        let mut view_names = HashSet::new();
        for it in items {
            if let Item::View(v) = it {
                if !view_names.insert(v.name.name.clone()) {
                    self.error(
                        Code::Duplicate,
                        v.name.span,
                        format!("view `{}` is declared twice", v.name.name),
                    );
                    continue;
                }
                if let Some(view) = self.view(v) {
                    views.push(view);
                }
            }
        }
        self.warn_unused(items);
        let mut defs: Vec<Def> = self.defs.iter().flatten().cloned().collect();
        if defs.len() != self.defs.len() {
            return None;
        }
        let mut grouped = 0;
        let mut families = 0;
        let mut kernel_memos = 0;
        // Heights are meaningful only for a pack without errors (a cycle has no height).
        if !self
            .diags
            .iter()
            .any(|d| d.level == crate::diag::Level::Error)
        {
            self.check_heights(&defs, &rules);
            inline::inline_rules(&mut rules, &defs);
            // What a review computes once for many evaluations.
            grouped = shared::grouped(&mut rules, &mut defs);
            families = shared::families(&mut rules);
            shared::kernels(&mut rules, &mut defs);
            kernel_memos = shared::kernel_memos(&mut rules, &mut defs);
            // Another start for the review to choose, case by case.
            for r in &mut rules {
                r.swap = plan::swap(&r.plan, &self.schema).map(Box::new);
            }
        }
        let schema = &self.schema;
        let date_fields = schema
            .node_kinds()
            .map(|(k, _)| (schema.field(k, "date"), schema.field(k, "time")))
            .collect();
        let runs_query: Vec<bool> = defs
            .iter()
            .map(|d| ir::runs_query(&d.body, &defs, 0))
            .collect();
        let remembered = defs
            .iter()
            .zip(&runs_query)
            .map(|(d, &q)| match d.params.len() {
                n @ (1 | 2) if q && !d.constant => n as u8,
                _ => u8::MAX,
            })
            .collect();
        Some(Program {
            date_fields,
            runs_query,
            remembered,
            grouped,
            families,
            kernel_memos,
            name: pack_name,
            languages: self.languages.clone(),
            default_lang: self.default_lang.clone(),
            schema: self.schema.clone(),
            labels: std::mem::take(&mut self.labels),
            defs,
            tables: std::mem::take(&mut self.tables),
            calendar: std::mem::take(&mut self.calendar),
            rules,
            views,
        })
    }

    fn pack_header(&mut self, items: &[&'a Item]) -> String {
        let packs: Vec<&ast::PackDecl> = items
            .iter()
            .filter_map(|i| if let Item::Pack(p) = i { Some(p) } else { None })
            .collect();
        let Some(first) = packs.first() else {
            self.languages = vec!["en".to_string()];
            self.default_lang = "en".to_string();
            return "pack".to_string();
        };
        for p in packs.iter().skip(1) {
            self.error(Code::Duplicate, p.span, "a pack has one `pack` header");
        }
        self.languages = first.languages.iter().map(|l| l.name.clone()).collect();
        let mut seen = HashSet::new();
        for l in &first.languages {
            if !seen.insert(l.name.clone()) {
                self.error(
                    Code::Duplicate,
                    l.span,
                    format!("language `{}` is listed twice", l.name),
                );
            }
        }
        match &first.default {
            Some(d) => {
                if !self.languages.contains(&d.name) {
                    self.diags.push(
                        Diagnostic::error(
                            Code::UnknownLanguage,
                            d.span,
                            format!(
                                "default language `{}` is not among the pack's languages",
                                d.name
                            ),
                        )
                        .with_help(format!(
                            "add it to `languages` ({})",
                            self.languages.join(", ")
                        )),
                    );
                }
                self.default_lang = d.name.clone();
            }
            None => {
                self.default_lang = self
                    .languages
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "en".to_string())
            }
        }
        if self.languages.is_empty() {
            self.languages.push(self.default_lang.clone());
        }
        first.name.name.clone()
    }

    fn collect_names(&mut self, items: &[&'a Item]) {
        let mut taken: HashMap<String, Span> = HashMap::new();
        let mut claim = |cx: &mut Checker<'a>, name: &ast::Ident| -> bool {
            if let Some(prev) = taken.get(&name.name) {
                let (_, _) = (prev.start, prev.end);
                cx.error(
                    Code::Duplicate,
                    name.span,
                    format!("`{}` is declared twice in the pack", name.name),
                );
                false
            } else {
                taken.insert(name.name.clone(), name.span);
                true
            }
        };
        for it in items {
            match it {
                Item::Pattern(p) => {
                    if self.schema.node_kind(&p.name.name).is_some() {
                        self.error(
                            Code::Duplicate,
                            p.name.span,
                            format!("`{}` is already a node kind", p.name.name),
                        );
                    } else if claim(self, &p.name) {
                        self.patterns.insert(p.name.name.clone(), p);
                    }
                }
                Item::Def(d) if claim(self, &d.name) => {
                    let id = DefId(self.def_ast.len() as u32);
                    self.def_ast.push(d);
                    self.def_state.push(DefState::Unchecked);
                    self.defs.push(None);
                    self.def_index.insert(d.name.name.clone(), id);
                }
                Item::Table(t) => {
                    // Tables get their ids when checked; reserve the name now.
                    claim(self, &t.name);
                }
                _ => {}
            }
        }
    }

    /// Checks a definition's body once, on first use; reports cycles.
    fn ensure_def(&mut self, id: DefId) -> Ty {
        let Some(state) = self.def_state.get(id.0 as usize).cloned() else {
            return Ty::Any;
        };
        let Some(decl) = self.def_ast.get(id.0 as usize).copied() else {
            return Ty::Any;
        };
        match state {
            DefState::Done(t) => t,
            DefState::InProgress => {
                self.error(
                    Code::Cycle,
                    decl.name.span,
                    format!("definition `{}` refers to itself", decl.name.name),
                );
                Ty::Any
            }
            DefState::Unchecked => {
                if let Some(s) = self.def_state.get_mut(id.0 as usize) {
                    *s = DefState::InProgress;
                }
                let saved = std::mem::take(&mut self.frame);
                let mut params = Vec::new();
                for p in decl.params.iter().flatten() {
                    let ty = self.type_expr(&p.ty, true);
                    if self.frame.lookup(&p.name.name).is_some() {
                        self.error(
                            Code::Duplicate,
                            p.name.span,
                            format!("parameter `{}` is declared twice", p.name.name),
                        );
                    }
                    self.frame.bind(&p.name.name, ty.clone());
                    params.push(ty);
                }
                let declared = decl.ty.as_ref().map(|t| self.type_expr(t, true));
                let (body, ty) = self.expr(&decl.body, declared.as_ref());
                let ty = match declared {
                    Some(d) => {
                        if !compatible(&d, &ty) {
                            let msg = format!(
                                "`{}` is declared as {} but its body is {}",
                                decl.name.name,
                                self.ty_name(&d),
                                self.ty_name(&ty)
                            );
                            self.error(Code::Type, decl.body.span, msg);
                        }
                        d
                    }
                    None => ty,
                };
                let frame = std::mem::replace(&mut self.frame, saved);
                if let Some(s) = self.defs.get_mut(id.0 as usize) {
                    *s = Some(Def {
                        name: decl.name.name.clone(),
                        params,
                        constant: decl.params.is_none(),
                        ty: ty.clone(),
                        body,
                        nslots: frame.max,
                        span: decl.span,
                    });
                }
                if let Some(s) = self.def_state.get_mut(id.0 as usize) {
                    *s = DefState::Done(ty.clone());
                }
                ty
            }
        }
    }

    fn warn_unused(&mut self, items: &[&'a Item]) {
        for it in items {
            let (name, span, what) = match it {
                Item::Def(d) => (&d.name, d.span, "definition"),
                Item::Pattern(p) => (&p.name, p.span, "pattern"),
                Item::Table(t) => (&t.name, t.span, "table"),
                _ => continue,
            };
            if !self.used.contains(&name.name) {
                let _ = span;
                self.diags.push(Diagnostic::warning(
                    Code::Unused,
                    name.span,
                    format!("{what} `{}` is never used", name.name),
                ));
            }
        }
    }

    /// A type written in a declaration or a parameter. `nodes`: node kinds are allowed.
    fn type_expr(&mut self, t: &ast::TypeExpr, nodes: bool) -> Ty {
        match t {
            ast::TypeExpr::Named(n) => match n.name.as_str() {
                "text" => Ty::Text,
                "int" => Ty::Int,
                "decimal" => Ty::Decimal,
                "bool" => Ty::Bool,
                "date" => Ty::Date,
                "time" => Ty::Time,
                "datetime" => Ty::DateTime,
                "duration" => Ty::Duration,
                other => {
                    if let Some(e) = self.schema.enum_by_name(other) {
                        return Ty::Enum(e);
                    }
                    if nodes && let Some(k) = self.schema.node_kind(other) {
                        return Ty::Node(k);
                    }
                    let mut cands: Vec<String> =
                        ["text", "int", "decimal", "bool", "date", "time", "datetime"]
                            .iter()
                            .map(|s| s.to_string())
                            .collect();
                    cands.extend(self.schema.node_kinds().map(|(_, k)| k.name.clone()));
                    let help = did_you_mean(other, cands.iter().map(String::as_str));
                    self.diags.push(
                        Diagnostic::error(
                            Code::UnknownName,
                            n.span,
                            format!("unknown type `{other}`"),
                        )
                        .with_label("expected a value type, an enum or a node kind")
                        .with_help_opt(help),
                    );
                    Ty::Any
                }
            },
            ast::TypeExpr::List(inner, _) => Ty::List(Box::new(self.type_expr(inner, nodes))),
            ast::TypeExpr::Enum(_, span) => {
                self.error(
                    Code::Type,
                    *span,
                    "an enum declared in place is allowed only in a field declaration",
                );
                Ty::Any
            }
        }
    }

    fn ty_name(&self, t: &Ty) -> String {
        match t {
            Ty::Bool => "bool".into(),
            Ty::Int => "int".into(),
            Ty::Decimal => "decimal".into(),
            Ty::Text => "text".into(),
            Ty::Date => "date".into(),
            Ty::Time => "time".into(),
            Ty::DateTime => "datetime".into(),
            Ty::Duration => "a duration".into(),
            Ty::Enum(e) => format!(
                "enum `{}`",
                self.schema.enum_def(*e).map_or("?", |d| d.name.as_str())
            ),
            Ty::List(t) => format!("list({})", self.ty_name(t)),
            Ty::Node(k) => format!(
                "a `{}` node",
                self.schema.kind(*k).map_or("?", |d| d.name.as_str())
            ),
            Ty::Edge(k) => format!(
                "a `{}` edge",
                self.schema.edge(*k).map_or("?", |d| d.name.as_str())
            ),
            Ty::Row(t) => format!(
                "a row of table `{}`",
                self.tables
                    .get(t.0 as usize)
                    .map_or("?", |d| d.name.as_str())
            ),
            Ty::Any => "any".into(),
        }
    }

    /// Parses a date literal, reporting a bad one.
    fn date(&mut self, text: &str, span: Span) -> Option<jiff::civil::Date> {
        match text.parse::<jiff::civil::Date>() {
            Ok(d) if d.to_string() == text => Some(d),
            _ => {
                self.error(
                    Code::BadLiteral,
                    span,
                    format!("`{text}` is not a valid date"),
                );
                None
            }
        }
    }

    /// Every enum that declares a value of this name.
    fn enums_with_value(&self, value: &str) -> Vec<(EnumId, u16)> {
        let mut out = Vec::new();
        let mut i = 0u16;
        while let Some(def) = self.schema.enum_def(EnumId(i)) {
            if let Some(pos) = def.values.iter().position(|v| v == value) {
                out.push((EnumId(i), pos as u16));
            }
            i += 1;
        }
        out
    }
}

/// Deepest evaluation a definition or rule may need, counting the definitions it calls.
pub const MAX_EVAL_DEPTH: u32 = 256;

impl Checker<'_> {
    /// Rejects definitions and rules whose evaluation would nest deeper than
    /// [`MAX_EVAL_DEPTH`] (a long chain of definitions calling each other).
    fn check_heights(&mut self, defs: &[Def], rules: &[Rule]) {
        let mut memo: Vec<Option<u32>> = vec![None; defs.len()];
        for i in 0..defs.len() {
            let h = def_height(i, defs, &mut memo, 0);
            if h > MAX_EVAL_DEPTH
                && let Some(d) = defs.get(i)
            {
                self.diags.push(
                    Diagnostic::error(Code::TooDeep, d.span, format!("`{}` nests {h} levels deep through the definitions it calls; the limit is {MAX_EVAL_DEPTH}", d.name))
                        .with_help("flatten the chain of definitions"),
                );
            }
        }
        for r in rules {
            let mut h = 0;
            let mut visit = |e: &Expr| h = h.max(height(e, defs, &mut memo, 0));
            for op in &r.ops {
                match op {
                    Op::Match(q) => q.exprs().into_iter().for_each(&mut visit),
                    Op::Value(_, e)
                    | Op::Each(_, e)
                    | Op::Let(_, e)
                    | Op::Where(e, _)
                    | Op::Cond(e, _) => visit(e),
                }
            }
            for (e, _) in r.unless.iter().chain(r.require.iter()) {
                visit(e);
            }
            if h > MAX_EVAL_DEPTH {
                self.error(
                    Code::TooDeep,
                    r.span,
                    format!(
                        "rule `{}` nests {h} levels deep; the limit is {MAX_EVAL_DEPTH}",
                        r.id
                    ),
                );
            }
        }
    }
}

fn def_height(i: usize, defs: &[Def], memo: &mut Vec<Option<u32>>, guard: u32) -> u32 {
    if let Some(Some(h)) = memo.get(i) {
        return *h;
    }
    if guard > MAX_EVAL_DEPTH {
        return guard;
    }
    let h = defs
        .get(i)
        .map_or(0, |d| height(&d.body, defs, memo, guard + 1));
    if let Some(m) = memo.get_mut(i) {
        *m = Some(h);
    }
    h
}

/// Nesting of an expression, a called definition counting as its own height.
fn height(e: &Expr, defs: &[Def], memo: &mut Vec<Option<u32>>, guard: u32) -> u32 {
    let mut sub = e
        .children()
        .into_iter()
        .map(|x| height(x, defs, memo, guard))
        .max()
        .unwrap_or(0);
    if let Expr::Call(d, _) = e {
        sub = sub.max(def_height(d.0 as usize, defs, memo, guard + 1));
    }
    sub + 1
}

/// Whether a value of type `b` may stand where `a` is expected.
fn compatible(a: &Ty, b: &Ty) -> bool {
    match (a, b) {
        (Ty::Any, _) | (_, Ty::Any) => true,
        (Ty::Decimal, Ty::Int) => true,
        (Ty::List(x), Ty::List(y)) => compatible(x, y),
        _ => a == b,
    }
}

/// The type two branches or operands share, if any.
fn unify(a: &Ty, b: &Ty) -> Option<Ty> {
    match (a, b) {
        (Ty::Any, t) | (t, Ty::Any) => Some(t.clone()),
        (Ty::Int, Ty::Decimal) | (Ty::Decimal, Ty::Int) => Some(Ty::Decimal),
        (Ty::List(x), Ty::List(y)) => unify(x, y).map(|t| Ty::List(Box::new(t))),
        _ if a == b => Some(a.clone()),
        _ => None,
    }
}

/// Labels written as `(zh "…", en "…")`, by language.
fn label_map(labels: &[ast::LangText]) -> BTreeMap<String, String> {
    labels
        .iter()
        .map(|l| {
            let text: String = l
                .text
                .parts
                .iter()
                .map(|p| match p {
                    ast::TemplatePart::Lit(s) => s.as_str(),
                    ast::TemplatePart::Hole(_) => "",
                })
                .collect();
            (l.lang.name.clone(), text)
        })
        .collect()
}

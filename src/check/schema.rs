//! Stage 2, declarations: the pack's `enum`, `node` and `edge` items become a [`Schema`];
//! tables and the calendar become constant data.

use super::ir::*;
use super::{Checker, label_map};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::graph::{EnumId, FieldDef, KindId, Schema, Type};
use crate::syntax::ast::{self, Item, Span};
use std::collections::HashMap;
use std::sync::Arc;

impl<'a> Checker<'a> {
    /// Builds the schema from every enum, node and edge declaration of the pack.
    pub(super) fn build_schema(&mut self, items: &[&'a Item]) {
        let mut b = Schema::builder();
        let mut enum_labels: Vec<(EnumId, &ast::EnumValue)> = vec![];
        let mut enum_names: HashMap<String, EnumId> = HashMap::new();
        // Named enums first: fields refer to them.
        for it in items {
            if let Item::Enum(e) = it {
                let values: Vec<&str> = e.values.iter().map(|v| v.name.name.as_str()).collect();
                match b.add_enum(&e.name.name, &values) {
                    Ok(id) => {
                        label_values(&mut b, id, &e.values);
                        enum_labels.extend(e.values.iter().map(|v| (id, v)));
                        enum_names.insert(e.name.name.clone(), id);
                    }
                    Err(err) => self.error(Code::Duplicate, e.name.span, err.to_string()),
                }
            }
        }
        let mut field_labels: Vec<(String, String, &ast::FieldDecl)> = vec![];
        let mut kind_labels: Vec<(String, &ast::Labels)> = vec![];
        for it in items {
            if let Item::Node(n) = it {
                let mut fields = vec![];
                let mut seen: HashMap<&str, ()> = HashMap::new();
                for f in &n.fields {
                    if seen.insert(f.name.name.as_str(), ()).is_some() {
                        self.error(
                            Code::Duplicate,
                            f.name.span,
                            format!(
                                "field `{}` is declared twice in `{}`",
                                f.name.name, n.name.name
                            ),
                        );
                        continue;
                    }
                    let owner = format!("{}.{}", n.name.name, f.name.name);
                    let ty = self.field_type(&mut b, &owner, &f.ty, &enum_names, &mut enum_labels);
                    fields.push(FieldDef::new(&f.name.name, ty, f.required));
                    field_labels.push((n.name.name.clone(), f.name.name.clone(), f));
                }
                if let Err(err) = b.add_node_kind(&n.name.name, n.exactly_one, fields) {
                    self.error(Code::Duplicate, n.name.span, err.to_string());
                }
                kind_labels.push((n.name.name.clone(), &n.labels));
            }
        }
        let kind_names: Vec<String> = items
            .iter()
            .filter_map(|i| {
                if let Item::Node(n) = i {
                    Some(n.name.name.clone())
                } else {
                    None
                }
            })
            .collect();
        let mut edge_labels: Vec<(String, &ast::Labels)> = vec![];
        for it in items {
            if let Item::Edge(e) = it {
                let mut ok = true;
                for k in e.from.iter().chain(e.to.iter()) {
                    if !kind_names.contains(&k.name) {
                        let help = did_you_mean(&k.name, kind_names.iter().map(String::as_str));
                        self.diags.push(
                            Diagnostic::error(
                                Code::UnknownName,
                                k.span,
                                format!("unknown node kind `{}`", k.name),
                            )
                            .with_help_opt(help),
                        );
                        ok = false;
                    }
                }
                if !ok {
                    continue;
                }
                let mut fields = vec![];
                for f in &e.fields {
                    let owner = format!("{}.{}", e.name.name, f.name.name);
                    let ty = self.field_type(&mut b, &owner, &f.ty, &enum_names, &mut enum_labels);
                    fields.push(FieldDef::new(&f.name.name, ty, f.required));
                }
                let from: Vec<&str> = e.from.iter().map(|k| k.name.as_str()).collect();
                let to: Vec<&str> = e.to.iter().map(|k| k.name.as_str()).collect();
                if let Err(err) = b.add_edge_kind(&e.name.name, &from, &to, fields) {
                    self.error(Code::Duplicate, e.name.span, err.to_string());
                }
                edge_labels.push((e.name.name.clone(), &e.labels));
            }
        }
        match b.build() {
            Ok(s) => self.schema = Arc::new(s),
            Err(err) => {
                self.error(Code::Pack, Span::default(), err.to_string());
            }
        }
        if self.schema.node_kinds().next().is_none() {
            self.diags.push(
                Diagnostic::error(
                    Code::Pack,
                    Span::default(),
                    "the pack declares no node kinds",
                )
                .with_help(
                    "a pack's schema declares its vocabulary with `node`, `edge` and `enum`",
                ),
            );
        }
        // Labels, now that ids are known.
        for (id, v) in enum_labels {
            if let Some(pos) = self.schema.enum_value(id, &v.name.name)
                && !v.labels.is_empty()
            {
                self.labels
                    .enum_values
                    .insert((id, pos), label_map(&v.labels));
            }
        }
        for (kind, labels) in kind_labels {
            if let Some(k) = self.schema.node_kind(&kind)
                && !labels.is_empty()
            {
                self.labels.kinds.insert(k, label_map(labels));
            }
        }
        for (edge, labels) in edge_labels {
            if let Some(k) = self.schema.edge_kind(&edge)
                && !labels.is_empty()
            {
                self.labels.edges.insert(k, label_map(labels));
            }
        }
        for (kind, field, f) in field_labels {
            if let Some(k) = self.schema.node_kind(&kind)
                && let Some(fid) = self.schema.field(k, &field)
                && !f.labels.is_empty()
            {
                self.labels.fields.insert((k, fid), label_map(&f.labels));
            }
        }
    }

    fn field_type(
        &mut self,
        b: &mut crate::graph::SchemaBuilder,
        owner: &str,
        t: &'a ast::TypeExpr,
        enums: &HashMap<String, EnumId>,
        enum_labels: &mut Vec<(EnumId, &'a ast::EnumValue)>,
    ) -> Type {
        match t {
            ast::TypeExpr::Named(n) => match n.name.as_str() {
                "text" => Type::Text,
                "int" => Type::Int,
                "decimal" => Type::Decimal,
                "bool" => Type::Bool,
                "date" => Type::Date,
                "time" => Type::Time,
                other => {
                    if let Some(id) = enums.get(other) {
                        return Type::Enum(*id);
                    }
                    let mut cands: Vec<&str> =
                        vec!["text", "int", "decimal", "bool", "date", "time"];
                    cands.extend(enums.keys().map(String::as_str));
                    let help = did_you_mean(other, cands);
                    self.diags.push(
                        Diagnostic::error(Code::UnknownName, n.span, format!("unknown field type `{other}`"))
                            .with_label("expected text, int, decimal, bool, date, time, an enum, enum(…) or list(…)")
                            .with_help_opt(help),
                    );
                    Type::Text
                }
            },
            ast::TypeExpr::List(inner, _) => Type::List(Box::new(self.field_type(
                b,
                owner,
                inner,
                enums,
                enum_labels,
            ))),
            ast::TypeExpr::Enum(values, span) => {
                let names: Vec<&str> = values.iter().map(|v| v.name.name.as_str()).collect();
                match b.add_enum(owner, &names) {
                    Ok(id) => {
                        label_values(b, id, values);
                        enum_labels.extend(values.iter().map(|v| (id, v)));
                        Type::Enum(id)
                    }
                    Err(err) => {
                        self.error(Code::Duplicate, *span, err.to_string());
                        Type::Text
                    }
                }
            }
        }
    }

    /// Checks a table: key and column types, and every row's constants.
    pub(super) fn table(&mut self, t: &'a ast::TableDecl) {
        let keys: Vec<Ty> = t
            .keys
            .iter()
            .map(|k| self.type_expr(&k.ty, false))
            .collect();
        let mut columns = vec![];
        for c in &t.columns {
            if columns
                .iter()
                .any(|(n, _): &(String, Ty)| *n == c.name.name)
            {
                self.error(
                    Code::Duplicate,
                    c.name.span,
                    format!("column `{}` is declared twice", c.name.name),
                );
            }
            let ty = self.type_expr(&c.ty, false);
            columns.push((c.name.name.clone(), ty));
        }
        let mut rows = vec![];
        let mut dated = false;
        for r in &t.rows {
            let keys_c = match &r.keys {
                None => None,
                Some(ks) => {
                    if ks.len() != keys.len() {
                        self.error(
                            Code::Arity,
                            r.span,
                            format!(
                                "row has {} keys; table `{}` has {}",
                                ks.len(),
                                t.name.name,
                                keys.len()
                            ),
                        );
                        continue;
                    }
                    let mut out = vec![];
                    for (k, ty) in ks.iter().zip(&keys) {
                        out.push(self.constant(k, ty));
                    }
                    Some(
                        out.into_iter()
                            .collect::<Option<Vec<_>>>()
                            .unwrap_or_default(),
                    )
                }
            };
            if r.values.len() != columns.len() {
                self.error(
                    Code::Arity,
                    r.span,
                    format!(
                        "row has {} values; table `{}` has {} columns",
                        r.values.len(),
                        t.name.name,
                        columns.len()
                    ),
                );
                continue;
            }
            let mut values = vec![];
            for (v, (_, ty)) in r.values.iter().zip(&columns) {
                values.push(self.constant(v, ty));
            }
            let values: Vec<Const> = values.into_iter().flatten().collect();
            if values.len() != columns.len() {
                continue;
            }
            let (mut from, mut until) = (None, None);
            if let Some(f) = &r.in_force {
                dated = true;
                from = f.from.as_ref().and_then(|d| self.date(&d.text, d.span));
                until = f.until.as_ref().and_then(|d| self.date(&d.text, d.span));
            }
            rows.push(TableRow {
                keys: keys_c,
                from,
                until,
                values,
            });
        }
        let id = TableId(self.tables.len() as u32);
        self.table_index.insert(t.name.name.clone(), id);
        let index = TableIndex::build(&keys, dated, &rows);
        self.tables.push(Table {
            name: t.name.name.clone(),
            keys,
            columns,
            dated,
            rows,
            index,
        });
    }

    /// A literal of the given type (table cells and keys).
    fn constant(&mut self, e: &ast::Expr, ty: &Ty) -> Option<Const> {
        let saved = std::mem::take(&mut self.frame);
        let (ir, got) = self.expr(e, Some(ty));
        self.frame = saved;
        if !super::compatible(ty, &got) {
            let msg = format!(
                "expected {}, found {}",
                self.ty_name(ty),
                self.ty_name(&got)
            );
            self.error(Code::Type, e.span, msg);
            return None;
        }
        match ir {
            Expr::Const(Const::Int(i)) if *ty == Ty::Decimal => Some(Const::Decimal(i.into())),
            Expr::Const(c) => Some(c),
            Expr::Neg(inner) => match *inner {
                Expr::Const(Const::Int(i)) if *ty == Ty::Decimal => {
                    Some(Const::Decimal((-i).into()))
                }
                Expr::Const(Const::Int(i)) => Some(Const::Int(-i)),
                Expr::Const(Const::Decimal(d)) => Some(Const::Decimal(-d)),
                _ => {
                    self.error(Code::Type, e.span, "a table cell must be a literal");
                    None
                }
            },
            _ => {
                self.error(Code::Type, e.span, "a table cell must be a literal");
                None
            }
        }
    }

    /// The working-day calendar.
    pub(super) fn calendar_decl(&mut self, c: &ast::CalendarDecl) {
        for (list, holiday) in [(&c.holidays, true), (&c.workdays, false)] {
            for span in list {
                let Some(from) = self.date(&span.from.text, span.from.span) else {
                    continue;
                };
                let to = match &span.to {
                    Some(t) => match self.date(&t.text, t.span) {
                        Some(d) => d,
                        None => continue,
                    },
                    None => from,
                };
                if to < from {
                    self.error(
                        Code::BadLiteral,
                        span.from.span,
                        "a range must not end before it starts",
                    );
                    continue;
                }
                let mut d = from;
                let mut n = 0;
                while d <= to && n < 3660 {
                    if holiday {
                        self.calendar.holidays.insert(d);
                    } else {
                        self.calendar.workdays.insert(d);
                    }
                    match d.tomorrow() {
                        Ok(next) => d = next,
                        Err(_) => break,
                    }
                    n += 1;
                }
            }
        }
    }

    /// Whether a kind name is a node kind.
    pub(super) fn kind_id(&self, name: &str) -> Option<KindId> {
        self.schema.node_kind(name)
    }
}

/// Gives the schema the display labels of an enum's values, for the
/// loader's hints.
fn label_values(b: &mut crate::graph::SchemaBuilder, id: EnumId, values: &[ast::EnumValue]) {
    for v in values {
        for (_, text) in label_map(&v.labels) {
            b.label_enum_value(id, &v.name.name, &text);
        }
    }
}

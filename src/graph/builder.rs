//! Building a case graph in code, without JSON, with the loader's validation.

use std::sync::Arc;

use super::case::CaseGraph;
use super::error::{LoadErrorKind, LoadErrors};
use super::resolve::{EdgeInput, FieldList, NodeInput, Resolver, excerpt, item_path};
use super::schema::{FieldId, Schema};
use super::value::Value;

#[derive(Debug, Clone)]
struct NodeSpec {
    id: String,
    kind: String,
    fields: Vec<(String, Value)>,
}

#[derive(Debug, Clone)]
struct EdgeSpec {
    kind: String,
    from: String,
    to: String,
    fields: Vec<(String, Value)>,
}

/// Builds a [`CaseGraph`] in code (for embedders and tests). Nodes and
/// edges are checked at [`CaseBuilder::build`] exactly as the JSON loader
/// checks them; errors name paths as if the case were JSON (`nodes[3].kind`
/// for the fourth node added), with line and column 0.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # use std::sync::Arc;
/// # use caselint::graph::{CaseBuilder, FieldDef, Schema, Type, Value};
/// let mut b = Schema::builder();
/// b.add_node_kind("case", true, vec![])?;
/// b.add_node_kind("person", false, vec![FieldDef::new("name", Type::Text, false)])?;
/// b.add_edge_kind("knows", &["person"], &["person"], vec![])?;
/// let schema = Arc::new(b.build()?);
/// let mut case = CaseBuilder::new(schema, "(2024)沪0104刑初1234号");
/// case.node("c", "case", &[])
///     .node("p1", "person", &[("name", Value::text("张三"))])
///     .node("p2", "person", &[])
///     .edge("knows", "p1", "p2", &[]);
/// let g = case.build()?;
/// assert_eq!(g.edge_count(), 1);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct CaseBuilder {
    schema: Arc<Schema>,
    case_id: String,
    nodes: Vec<NodeSpec>,
    edges: Vec<EdgeSpec>,
}

impl CaseBuilder {
    /// An empty case with this id.
    pub fn new(schema: Arc<Schema>, case_id: &str) -> Self {
        CaseBuilder {
            schema,
            case_id: case_id.to_owned(),
            nodes: Vec::new(),
            edges: Vec::new(),
        }
    }

    /// Adds a node. An absent field is simply left out of `fields`. Enum
    /// values may be given by name: `("role", Value::text("defendant"))`.
    pub fn node(&mut self, id: &str, kind: &str, fields: &[(&str, Value)]) -> &mut Self {
        self.nodes.push(NodeSpec {
            id: id.to_owned(),
            kind: kind.to_owned(),
            fields: fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        });
        self
    }

    /// Adds an edge from node id `from` to node id `to`.
    pub fn edge(
        &mut self,
        kind: &str,
        from: &str,
        to: &str,
        fields: &[(&str, Value)],
    ) -> &mut Self {
        self.edges.push(EdgeSpec {
            kind: kind.to_owned(),
            from: from.to_owned(),
            to: to.to_owned(),
            fields: fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        });
        self
    }

    /// The graph, or every problem found.
    pub fn build(self) -> Result<CaseGraph, LoadErrors> {
        let CaseBuilder {
            schema,
            case_id,
            nodes,
            edges,
        } = self;
        let mut r = Resolver::new(&schema, nodes.len());
        for (index, n) in nodes.iter().enumerate() {
            if r.errors.is_full() {
                r.errors.mark_truncated();
                break;
            }
            let kind = r.node_kind(&n.kind, || item_path("nodes", index, Some("kind")), None);
            let mut bad = kind.is_none();
            let mut values = Vec::new();
            let mut present = FieldList::new();
            if let Some(k) = kind {
                let found = check_fields(&mut r, &schema, &n.fields, "nodes", index, |r, key| {
                    r.node_field(k, key, || item_path("nodes", index, Some(key)), None)
                        .map(|(f, d)| (f, &d.ty))
                });
                bad |= found.2;
                (values, present) = (found.0, found.1);
            }
            r.add_node(NodeInput {
                index,
                id: Some(&n.id),
                id_at: None,
                kind,
                at: None,
                fields: values,
                present,
                bad,
            });
        }
        for (index, e) in edges.iter().enumerate() {
            if r.errors.is_full() {
                r.errors.mark_truncated();
                break;
            }
            let kind = r.edge_kind(&e.kind, || item_path("edges", index, Some("kind")), None);
            let mut bad = kind.is_none();
            let mut values = Vec::new();
            let mut present = FieldList::new();
            if let Some(k) = kind {
                let found = check_fields(&mut r, &schema, &e.fields, "edges", index, |r, key| {
                    r.edge_field(k, key, || item_path("edges", index, Some(key)), None)
                        .map(|(f, d)| (f, &d.ty))
                });
                bad |= found.2;
                (values, present) = (found.0, found.1);
            }
            r.add_edge(EdgeInput {
                index,
                kind,
                from: Some((&e.from, None)),
                to: Some((&e.to, None)),
                at: None,
                fields: values,
                present,
                bad,
            });
        }
        let schema_ref = Arc::clone(&schema);
        r.finish(schema_ref, &case_id, None, b"")
    }
}

/// Checks built fields: known, not repeated, of the declared type.
fn check_fields<'s>(
    r: &mut Resolver<'s, '_>,
    schema: &Schema,
    fields: &[(String, Value)],
    list: &'static str,
    index: usize,
    mut lookup: impl FnMut(&mut Resolver<'s, '_>, &str) -> Option<(FieldId, &'s super::value::Type)>,
) -> (Vec<(FieldId, Value)>, FieldList, bool) {
    let mut values = Vec::with_capacity(fields.len());
    let mut present = FieldList::new();
    let mut bad = false;
    for (i, (key, value)) in fields.iter().enumerate() {
        if fields
            .get(..i)
            .unwrap_or_default()
            .iter()
            .any(|(k, _)| k == key)
        {
            bad = true;
            r.error(
                LoadErrorKind::DuplicateKey,
                item_path(list, index, Some(key)),
                None,
                format!("expected each field once, found `{}` again", excerpt(key)),
                None,
            );
            continue;
        }
        let Some((f, ty)) = lookup(r, key) else {
            bad = true;
            continue;
        };
        present.push(f);
        let value = &enum_by_name(schema, value, ty);
        if r.check_value(value, ty, &item_path(list, index, Some(key))) {
            values.push((f, value.clone()));
        } else {
            bad = true;
        }
    }
    (values, present, bad)
}

/// An enum value may be given by name (`Value::text("ordinary")`): it becomes
/// the value's index when the name is declared; otherwise it is left for the
/// type check to report.
fn enum_by_name(schema: &Schema, value: &Value, ty: &super::value::Type) -> Value {
    use super::value::Type;
    match (value, ty) {
        (Value::Text(name), Type::Enum(e)) => schema
            .enum_value(*e, name)
            .map_or_else(|| value.clone(), Value::Enum),
        (Value::List(items), Type::List(inner)) => Value::List(
            items
                .iter()
                .map(|v| enum_by_name(schema, v, inner))
                .collect(),
        ),
        _ => value.clone(),
    }
}

//! The schema a case graph is loaded against: enums, node kinds, edge kinds
//! and their typed fields, with names interned to dense ids.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

use super::value::{EnumId, Type};

/// The Fx hash (rustc's): a fast multiplicative hash for the schema's name
/// tables. The tables hold schema names only, so input strings that collide
/// cannot make a table grow; their lookups stay O(1). (Tables keyed by input,
/// like the loader's node ids, keep std's DoS-resistant SipHash.)
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(FX_SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            if let Some(dst) = w.get_mut(..rest.len()) {
                dst.copy_from_slice(rest);
            }
            self.add(u64::from_le_bytes(w));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type NameMap<V> = HashMap<String, V, BuildHasherDefault<FxHasher>>;

/// Index of a node kind in a [`Schema`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KindId(pub u16);

/// Slot index of a field within one node kind (or within one edge kind).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldId(pub u16);

/// Index of an edge kind in a [`Schema`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EdgeKindId(pub u16);

/// An enum: its name (possibly synthetic, like `person.role`) and values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumDef {
    /// The enum's name, unique in the schema.
    pub name: String,
    /// The value names; a [`Value::Enum`](super::Value::Enum) indexes this list.
    pub values: Vec<String>,
}

/// A field of a node kind or edge kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldDef {
    /// The field's key in the case JSON.
    pub name: String,
    /// The field's type.
    pub ty: Type,
    /// Whether every node (or edge) of the kind must have the field.
    pub required: bool,
}

impl FieldDef {
    /// A field definition.
    pub fn new(name: &str, ty: Type, required: bool) -> FieldDef {
        FieldDef {
            name: name.to_owned(),
            ty,
            required,
        }
    }
}

/// A node kind: its name, its fields (a [`FieldId`] indexes `fields`) and
/// whether a case has exactly one node of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeKindDef {
    /// The kind's name, as in the node's `kind` key.
    pub name: String,
    /// The fields; a [`FieldId`] indexes this list.
    pub fields: Vec<FieldDef>,
    /// Exactly one node of this kind per case (the `case` kind).
    pub singleton: bool,
}

/// An edge kind: its name, the node kinds it may connect and its fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EdgeKindDef {
    /// The kind's name, as in the edge's `kind` key.
    pub name: String,
    /// The node kinds an edge of this kind may start at.
    pub from: Vec<KindId>,
    /// The node kinds an edge of this kind may end at.
    pub to: Vec<KindId>,
    /// The fields; a [`FieldId`] indexes this list.
    pub fields: Vec<FieldDef>,
}

/// A schema error: the [`SchemaBuilder`] refused a definition. Each variant
/// names the offending name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaError {
    /// `add_enum("sex", …)` twice.
    #[error("duplicate enum `{name}`")]
    DuplicateEnum {
        /// The enum's name.
        name: String,
    },
    /// `add_enum("sex", &["male", "male"])`.
    #[error("duplicate value `{value}` in enum `{name}`")]
    DuplicateEnumValue {
        /// The enum's name.
        name: String,
        /// The repeated value.
        value: String,
    },
    /// `add_node_kind("person", …)` twice.
    #[error("duplicate node kind `{name}`")]
    DuplicateNodeKind {
        /// The kind's name.
        name: String,
    },
    /// `add_edge_kind("subject", …)` twice.
    #[error("duplicate edge kind `{name}`")]
    DuplicateEdgeKind {
        /// The kind's name.
        name: String,
    },
    /// Two fields of the same name in one node or edge kind.
    #[error("duplicate field `{field}` in `{owner}`")]
    DuplicateField {
        /// The node or edge kind.
        owner: String,
        /// The repeated field.
        field: String,
    },
    /// A field named like an envelope key: `id` or `kind` on a node, `kind`,
    /// `from` or `to` on an edge.
    #[error("field `{field}` of `{owner}` has a reserved name")]
    ReservedField {
        /// The node or edge kind.
        owner: String,
        /// The field.
        field: String,
    },
    /// A field's type names an [`EnumId`] the schema does not have.
    #[error("field `{field}` of `{owner}` refers to enum #{id}, which is not defined")]
    UnknownEnum {
        /// The node or edge kind.
        owner: String,
        /// The field.
        field: String,
        /// The undefined enum id.
        id: u16,
    },
    /// An edge kind's `from` or `to` names a node kind not (yet) added.
    #[error("edge kind `{edge}` connects unknown node kind `{kind}`")]
    UnknownEndpointKind {
        /// The edge kind.
        edge: String,
        /// The unknown node kind.
        kind: String,
    },
    /// An edge kind with an empty `from` or `to` list: no edge could exist.
    #[error("edge kind `{edge}` has no allowed {end} kind")]
    EmptyEndpoints {
        /// The edge kind.
        edge: String,
        /// `from` or `to`.
        end: &'static str,
    },
    /// More than 65,535 enums, enum values, kinds or fields.
    #[error("too many {what} (at `{name}`): at most 65535 are supported")]
    TooMany {
        /// What overflowed: `enums`, `enum values`, `node kinds`, …
        what: &'static str,
        /// The name being added.
        name: String,
    },
}

/// The schema: enums, node kinds and edge kinds, looked up by name or id.
///
/// Built once with [`Schema::builder`], then shared (`Arc<Schema>`) by every
/// case graph loaded against it.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use caselint::graph::{FieldDef, Schema, Type};
/// let mut b = Schema::builder();
/// let sex = b.add_enum("person.sex", &["male", "female"])?;
/// b.add_node_kind("person", false, vec![FieldDef::new("sex", Type::Enum(sex), false)])?;
/// b.add_edge_kind("represents", &["person"], &["person"], vec![])?;
/// let schema = b.build()?;
/// let person = schema.node_kind("person").ok_or("no kind `person`")?;
/// assert!(schema.field(person, "sex").is_some());
/// assert_eq!(schema.enum_value(sex, "female"), Some(1));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Default)]
pub struct Schema {
    enums: Vec<EnumDef>,
    enum_names: NameMap<EnumId>,
    enum_values: Vec<NameMap<u16>>,
    kinds: Vec<NodeKindDef>,
    kind_names: NameMap<KindId>,
    kind_fields: Vec<NameMap<FieldId>>,
    /// Prefix sums of the node kinds' field counts: the global slot of
    /// (kind, field) is `field_base[kind] + field`.
    field_base: Vec<u32>,
    edges: Vec<EdgeKindDef>,
    edge_names: NameMap<EdgeKindId>,
    edge_fields: Vec<NameMap<FieldId>>,
    /// Per enum, its values' display labels (any language) → value: only
    /// for hints when a case writes a label where the value belongs.
    enum_labels: Vec<NameMap<u16>>,
}

// Two schemas are equal when they define the same vocabulary: the display
// labels kept for the loader's hints do not count (two packs that differ
// only in a label review each other's cases).
impl PartialEq for Schema {
    fn eq(&self, other: &Schema) -> bool {
        self.enums == other.enums
            && self.enum_names == other.enum_names
            && self.enum_values == other.enum_values
            && self.kinds == other.kinds
            && self.kind_names == other.kind_names
            && self.kind_fields == other.kind_fields
            && self.field_base == other.field_base
            && self.edges == other.edges
            && self.edge_names == other.edge_names
            && self.edge_fields == other.edge_fields
    }
}

impl Eq for Schema {}

impl fmt::Debug for Schema {
    // Only the definitions: the name maps are derived, and their iteration
    // order is not deterministic.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Schema")
            .field("enums", &self.enums)
            .field("kinds", &self.kinds)
            .field("edges", &self.edges)
            .finish()
    }
}

impl Schema {
    /// A builder for a new schema.
    pub fn builder() -> SchemaBuilder {
        SchemaBuilder::default()
    }

    /// The node kind of this name.
    pub fn node_kind(&self, name: &str) -> Option<KindId> {
        self.kind_names.get(name).copied()
    }

    /// The definition of a node kind.
    pub fn kind(&self, id: KindId) -> Option<&NodeKindDef> {
        self.kinds.get(usize::from(id.0))
    }

    /// Every node kind, in id order.
    pub fn node_kinds(&self) -> impl Iterator<Item = (KindId, &NodeKindDef)> {
        self.kinds.iter().zip(0u16..).map(|(d, i)| (KindId(i), d))
    }

    /// The field of this name in a node kind.
    pub fn field(&self, kind: KindId, name: &str) -> Option<FieldId> {
        self.kind_fields
            .get(usize::from(kind.0))?
            .get(name)
            .copied()
    }

    /// The definition of a node kind's field.
    pub fn field_def(&self, kind: KindId, field: FieldId) -> Option<&FieldDef> {
        self.kind(kind)?.fields.get(usize::from(field.0))
    }

    /// The edge kind of this name.
    pub fn edge_kind(&self, name: &str) -> Option<EdgeKindId> {
        self.edge_names.get(name).copied()
    }

    /// The definition of an edge kind.
    pub fn edge(&self, id: EdgeKindId) -> Option<&EdgeKindDef> {
        self.edges.get(usize::from(id.0))
    }

    /// Every edge kind, in id order.
    pub fn edge_kinds(&self) -> impl Iterator<Item = (EdgeKindId, &EdgeKindDef)> {
        self.edges
            .iter()
            .zip(0u16..)
            .map(|(d, i)| (EdgeKindId(i), d))
    }

    /// The field of this name in an edge kind.
    pub fn edge_field(&self, kind: EdgeKindId, name: &str) -> Option<FieldId> {
        self.edge_fields
            .get(usize::from(kind.0))?
            .get(name)
            .copied()
    }

    /// The definition of an edge kind's field.
    pub fn edge_field_def(&self, kind: EdgeKindId, field: FieldId) -> Option<&FieldDef> {
        self.edge(kind)?.fields.get(usize::from(field.0))
    }

    /// The definition of an enum.
    pub fn enum_def(&self, id: EnumId) -> Option<&EnumDef> {
        self.enums.get(usize::from(id.0))
    }

    /// The index (into [`EnumDef::values`]) of the enum value whose display
    /// label, in any language, is `label`, as given by
    /// [`SchemaBuilder::label_enum_value`].
    pub fn enum_value_by_label(&self, id: EnumId, label: &str) -> Option<u16> {
        self.enum_labels
            .get(usize::from(id.0))?
            .get(label)
            .copied()
            .filter(|&v| v != u16::MAX)
    }

    /// The enum of this name.
    pub fn enum_by_name(&self, name: &str) -> Option<EnumId> {
        self.enum_names.get(name).copied()
    }

    /// The index of a value in an enum's value list.
    pub fn enum_value(&self, id: EnumId, value: &str) -> Option<u16> {
        self.enum_values.get(usize::from(id.0))?.get(value).copied()
    }

    /// The name of an enum value, the inverse of [`Schema::enum_value`].
    pub fn enum_value_name(&self, id: EnumId, value: u16) -> Option<&str> {
        self.enum_def(id)?
            .values
            .get(usize::from(value))
            .map(String::as_str)
    }

    /// A type's name for messages: `date`, `list(enum person.disabilities)`.
    pub fn type_name(&self, ty: &Type) -> String {
        match ty {
            Type::Enum(e) => match self.enum_def(*e) {
                Some(def) => format!("enum {}", def.name),
                None => ty.to_string(),
            },
            Type::List(inner) => format!("list({})", self.type_name(inner)),
            _ => ty.to_string(),
        }
    }

    /// The number of node-kind fields over all kinds: the size of the
    /// global slot space of [`Schema::global_field`].
    pub(crate) fn global_field_count(&self) -> usize {
        self.field_base.last().map_or(0, |&n| n as usize)
    }

    /// A dense index of (kind, field) over all node kinds.
    pub(crate) fn global_field(&self, kind: KindId, field: FieldId) -> Option<usize> {
        let base = *self.field_base.get(usize::from(kind.0))?;
        let next = *self.field_base.get(usize::from(kind.0) + 1)?;
        let g = base + u32::from(field.0);
        (g < next).then_some(g as usize)
    }
}

/// Builds a [`Schema`]. Enums first, then node kinds, then edge kinds (an
/// edge kind names node kinds already added). Every refusal is an
/// `Err(SchemaError)` naming the offending name; nothing panics.
#[derive(Debug, Default)]
pub struct SchemaBuilder {
    schema: Schema,
}

const NODE_RESERVED: &[&str] = &["id", "kind"];
const EDGE_RESERVED: &[&str] = &["kind", "from", "to"];

fn next_id(len: usize, what: &'static str, name: &str) -> Result<u16, SchemaError> {
    u16::try_from(len).map_err(|_| SchemaError::TooMany {
        what,
        name: name.to_owned(),
    })
}

impl SchemaBuilder {
    /// Adds an enum. Its name may be synthetic, like `person.role`.
    pub fn add_enum(&mut self, name: &str, values: &[&str]) -> Result<EnumId, SchemaError> {
        let s = &mut self.schema;
        if s.enum_names.contains_key(name) {
            return Err(SchemaError::DuplicateEnum {
                name: name.to_owned(),
            });
        }
        let id = EnumId(next_id(s.enums.len(), "enums", name)?);
        let mut index = NameMap::default();
        for (i, v) in values.iter().enumerate() {
            let ix = next_id(i, "enum values", v)?;
            if index.insert((*v).to_owned(), ix).is_some() {
                return Err(SchemaError::DuplicateEnumValue {
                    name: name.to_owned(),
                    value: (*v).to_owned(),
                });
            }
        }
        s.enums.push(EnumDef {
            name: name.to_owned(),
            values: values.iter().map(|v| (*v).to_owned()).collect(),
        });
        s.enum_values.push(index);
        s.enum_labels.push(NameMap::default());
        s.enum_names.insert(name.to_owned(), id);
        Ok(id)
    }

    /// Records a display label of an enum value (`被告人` for `defendant`),
    /// so that a case writing the label where the value belongs is told
    /// which value to write. A label two values share, or that is itself a
    /// value's name, is not recorded. Unknown enums and values are ignored.
    pub fn label_enum_value(&mut self, id: EnumId, value: &str, label: &str) {
        let s = &mut self.schema;
        let Some(v) = s
            .enum_values
            .get(usize::from(id.0))
            .and_then(|m| m.get(value))
            .copied()
        else {
            return;
        };
        let is_a_name = s
            .enum_values
            .get(usize::from(id.0))
            .is_some_and(|m| m.contains_key(label));
        if let Some(labels) = s.enum_labels.get_mut(usize::from(id.0))
            && !is_a_name
        {
            match labels.get(label) {
                Some(&other) if other != v => {
                    // Ambiguous: a hint could name either.
                    labels.insert(label.to_owned(), u16::MAX);
                }
                _ => {
                    labels.insert(label.to_owned(), v);
                }
            }
        }
    }

    fn field_index(
        &self,
        owner: &str,
        fields: &[FieldDef],
        reserved: &[&str],
    ) -> Result<NameMap<FieldId>, SchemaError> {
        let mut index = NameMap::default();
        for (i, f) in fields.iter().enumerate() {
            if reserved.contains(&f.name.as_str()) {
                return Err(SchemaError::ReservedField {
                    owner: owner.to_owned(),
                    field: f.name.clone(),
                });
            }
            if let Some(e) = f.ty.enum_id()
                && self.schema.enum_def(e).is_none()
            {
                return Err(SchemaError::UnknownEnum {
                    owner: owner.to_owned(),
                    field: f.name.clone(),
                    id: e.0,
                });
            }
            let id = FieldId(next_id(i, "fields", &f.name)?);
            if index.insert(f.name.clone(), id).is_some() {
                return Err(SchemaError::DuplicateField {
                    owner: owner.to_owned(),
                    field: f.name.clone(),
                });
            }
        }
        Ok(index)
    }

    /// Adds a node kind with its fields (a field's [`FieldId`] is its
    /// position in `fields`). `singleton`: a case has exactly one node of it.
    pub fn add_node_kind(
        &mut self,
        name: &str,
        singleton: bool,
        fields: Vec<FieldDef>,
    ) -> Result<KindId, SchemaError> {
        if self.schema.kind_names.contains_key(name) {
            return Err(SchemaError::DuplicateNodeKind {
                name: name.to_owned(),
            });
        }
        let id = KindId(next_id(self.schema.kinds.len(), "node kinds", name)?);
        let index = self.field_index(name, &fields, NODE_RESERVED)?;
        let s = &mut self.schema;
        let base = s.field_base.last().copied().unwrap_or(0);
        let next = u32::try_from(fields.len())
            .ok()
            .and_then(|n| base.checked_add(n))
            .ok_or_else(|| SchemaError::TooMany {
                what: "fields",
                name: name.to_owned(),
            })?;
        if s.field_base.is_empty() {
            s.field_base.push(0);
        }
        s.field_base.push(next);
        s.kinds.push(NodeKindDef {
            name: name.to_owned(),
            fields,
            singleton,
        });
        s.kind_fields.push(index);
        s.kind_names.insert(name.to_owned(), id);
        Ok(id)
    }

    fn endpoint_kinds(
        &self,
        edge: &str,
        names: &[&str],
        end: &'static str,
    ) -> Result<Vec<KindId>, SchemaError> {
        if names.is_empty() {
            return Err(SchemaError::EmptyEndpoints {
                edge: edge.to_owned(),
                end,
            });
        }
        let mut out: Vec<KindId> = Vec::with_capacity(names.len());
        for n in names {
            let k = self
                .schema
                .node_kind(n)
                .ok_or_else(|| SchemaError::UnknownEndpointKind {
                    edge: edge.to_owned(),
                    kind: (*n).to_owned(),
                })?;
            if !out.contains(&k) {
                out.push(k);
            }
        }
        out.sort_unstable();
        Ok(out)
    }

    /// Adds an edge kind that may connect a node of a kind in `from` to a
    /// node of a kind in `to` (node kinds already added), with its fields.
    pub fn add_edge_kind(
        &mut self,
        name: &str,
        from: &[&str],
        to: &[&str],
        fields: Vec<FieldDef>,
    ) -> Result<EdgeKindId, SchemaError> {
        if self.schema.edge_names.contains_key(name) {
            return Err(SchemaError::DuplicateEdgeKind {
                name: name.to_owned(),
            });
        }
        let id = EdgeKindId(next_id(self.schema.edges.len(), "edge kinds", name)?);
        let from = self.endpoint_kinds(name, from, "from")?;
        let to = self.endpoint_kinds(name, to, "to")?;
        let index = self.field_index(name, &fields, EDGE_RESERVED)?;
        let s = &mut self.schema;
        s.edges.push(EdgeKindDef {
            name: name.to_owned(),
            from,
            to,
            fields,
        });
        s.edge_fields.push(index);
        s.edge_names.insert(name.to_owned(), id);
        Ok(id)
    }

    /// The schema. Every check happens as definitions are added, so this
    /// fails only if a later version adds whole-schema checks.
    pub fn build(self) -> Result<Schema, SchemaError> {
        let mut schema = self.schema;
        if schema.field_base.is_empty() {
            schema.field_base.push(0);
        }
        Ok(schema)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder() -> SchemaBuilder {
        let mut b = Schema::builder();
        let role = b.add_enum("person.role", &["defendant", "victim"]).unwrap();
        b.add_node_kind(
            "person",
            false,
            vec![
                FieldDef::new("role", Type::Enum(role), true),
                FieldDef::new("name", Type::Text, false),
            ],
        )
        .unwrap();
        b.add_node_kind("case", true, vec![]).unwrap();
        b
    }

    #[test]
    fn lookups() {
        let mut b = builder();
        b.add_edge_kind("represents", &["person"], &["person"], vec![])
            .unwrap();
        let s = b.build().unwrap();
        let person = s.node_kind("person").unwrap();
        assert_eq!(person, KindId(0));
        assert_eq!(s.field(person, "name"), Some(FieldId(1)));
        assert_eq!(s.field(person, "nope"), None);
        assert_eq!(s.field(KindId(9), "name"), None);
        let case = s.node_kind("case").unwrap();
        assert!(s.kind(case).unwrap().singleton);
        assert_eq!(s.global_field(person, FieldId(1)), Some(1));
        assert_eq!(s.global_field(person, FieldId(2)), None);
        assert_eq!(s.global_field(case, FieldId(0)), None);
        assert_eq!(s.global_field_count(), 2);
        let role = s.enum_by_name("person.role").unwrap();
        assert_eq!(s.enum_value(role, "victim"), Some(1));
        assert_eq!(s.enum_value_name(role, 0), Some("defendant"));
        assert_eq!(s.edge_kinds().count(), 1);
        assert_eq!(s.node_kinds().map(|(k, _)| k.0).collect::<Vec<_>>(), [0, 1]);
    }

    #[test]
    fn refusals_name_the_offender() {
        let mut b = builder();
        assert_eq!(
            b.add_enum("person.role", &[]),
            Err(SchemaError::DuplicateEnum {
                name: "person.role".into()
            })
        );
        assert!(matches!(
            b.add_enum("x", &["a", "a"]),
            Err(SchemaError::DuplicateEnumValue { value, .. }) if value == "a"
        ));
        assert!(matches!(
            b.add_node_kind("person", false, vec![]),
            Err(SchemaError::DuplicateNodeKind { .. })
        ));
        assert!(matches!(
            b.add_node_kind(
                "k",
                false,
                vec![FieldDef::new("a", Type::Int, false), FieldDef::new("a", Type::Int, false)]
            ),
            Err(SchemaError::DuplicateField { field, .. }) if field == "a"
        ));
        assert!(matches!(
            b.add_node_kind("k", false, vec![FieldDef::new("id", Type::Int, false)]),
            Err(SchemaError::ReservedField { .. })
        ));
        assert!(matches!(
            b.add_node_kind(
                "k",
                false,
                vec![FieldDef::new("e", Type::Enum(EnumId(77)), false)]
            ),
            Err(SchemaError::UnknownEnum { id: 77, .. })
        ));
        assert!(matches!(
            b.add_edge_kind("e", &["person"], &["ghost"], vec![]),
            Err(SchemaError::UnknownEndpointKind { kind, .. }) if kind == "ghost"
        ));
        assert!(matches!(
            b.add_edge_kind("e", &[], &["person"], vec![]),
            Err(SchemaError::EmptyEndpoints { end: "from", .. })
        ));
        assert!(matches!(
            b.add_edge_kind(
                "e",
                &["person"],
                &["person"],
                vec![FieldDef::new("to", Type::Int, false)]
            ),
            Err(SchemaError::ReservedField { .. })
        ));
        // Refused definitions leave no trace.
        let s = b.build().unwrap();
        assert_eq!(s.node_kinds().count(), 2);
        assert_eq!(s.enum_by_name("x"), None);
    }
}

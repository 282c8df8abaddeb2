//! The case graph stage: case JSON (case-format.md) → a validated, indexed,
//! immutable [`CaseGraph`] over a [`Schema`].
//!
//! - [`Schema`] (built with [`SchemaBuilder`]) declares node kinds, edge kinds,
//!   their typed fields and enums, interned to dense ids.
//! - [`CaseGraph::from_json`] / [`CaseGraph::from_reader`] parse and check a
//!   case file, reporting every problem as a [`LoadError`] with JSON path,
//!   line and column; [`CaseBuilder`] builds a case in code with the same
//!   checks.
//! - The graph numbers nodes by sorted id and edges by (source, kind, target,
//!   fields), so the same case in any order loads to an equal graph, and
//!   every iteration order it exposes is deterministic.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use caselint::graph::{CaseGraph, FieldDef, Schema, Type};
//!
//! let mut b = Schema::builder();
//! let role = b.add_enum("person.role", &["defendant", "victim"])?;
//! b.add_node_kind("case", true, vec![])?;
//! b.add_node_kind("person", false, vec![FieldDef::new("role", Type::Enum(role), true)])?;
//! let schema = Arc::new(b.build()?);
//!
//! let text = r#"{"id": "c1", "nodes": [
//!     {"id": "c", "kind": "case"},
//!     {"id": "d1", "kind": "person", "role": "defendent"}]}"#;
//! let errors = CaseGraph::from_json(schema, text).unwrap_err();
//! let e = &errors.errors[0];
//! assert_eq!(e.path, "nodes[1].role");
//! assert_eq!((e.line, e.column), (3, 44));
//! assert_eq!(e.help.as_deref(), Some("did you mean `defendant`?"));
//! # Ok(())
//! # }
//! ```

mod builder;
mod case;
mod convert;
mod error;
mod json;
mod load;
mod resolve;
mod schema;
mod value;

pub use builder::CaseBuilder;
pub use case::{CaseGraph, EdgeIx, NodeIx, Topology};
pub use error::{LoadError, LoadErrorKind, LoadErrors, MAX_ERRORS};
pub use load::{FORMAT, MAX_DEPTH, MAX_INPUT_BYTES};
pub use schema::{
    EdgeKindDef, EdgeKindId, EnumDef, FieldDef, FieldId, KindId, NodeKindDef, Schema,
    SchemaBuilder, SchemaError,
};
pub use value::{EnumId, Type, Value};

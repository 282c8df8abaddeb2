//! Case JSON to [`CaseGraph`]: the envelope (case-format.md §1), nodes and
//! edges (§2) and typed field values (§3), with every error reported.

use std::io::Read;
use std::sync::Arc;

use smallvec::SmallVec;

use super::case::CaseGraph;
use super::convert::{parse_date, parse_decimal, parse_time};
use super::error::{ErrorSink, LoadErrorKind, LoadErrors};
use super::json::{self, Doc, Json, Kind, Member};
use super::resolve::{
    EdgeInput, FieldList, NodeInput, Resolver, did_you_mean, excerpt, item_path, push_key,
};
use super::schema::{EdgeKindId, FieldId, KindId, Schema};
use super::value::{Type, Value};

/// The largest case file the loader accepts: 64 MiB.
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;

/// The deepest nesting of JSON arrays and objects the loader accepts.
///
/// The loader parses the whole input into a tree first (about 40 bytes per
/// JSON value), so peak memory is a few times the input for a normal case
/// and at worst about 20 times it (`[1,1,1,…]` at the 64 MiB cap).
pub const MAX_DEPTH: usize = 128;

/// The `format` value of case-format v1.
pub const FORMAT: &str = "caselint/case@1";

const TOP_LEVEL_KEYS: [&str; 4] = ["format", "id", "nodes", "edges"];

impl CaseGraph {
    /// Loads a case from its JSON text (case-format.md), validating it
    /// against `schema`. On failure, every problem found (up to
    /// [`MAX_ERRORS`](super::MAX_ERRORS)) with its path, line and column.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # use std::sync::Arc;
    /// # use caselint::graph::{CaseGraph, FieldDef, Schema, Type};
    /// let mut b = Schema::builder();
    /// b.add_node_kind("case", true, vec![])?;
    /// b.add_node_kind("person", false, vec![FieldDef::new("name", Type::Text, false)])?;
    /// let schema = Arc::new(b.build()?);
    /// let text = r#"{"id": "c1", "nodes": [{"id": "c", "kind": "case"}, {"id": "p", "kind": "person", "name": "张三"}]}"#;
    /// let g = CaseGraph::from_json(schema, text)?;
    /// assert_eq!(g.node_count(), 2);
    /// # Ok(())
    /// # }
    /// ```
    pub fn from_json(schema: Arc<Schema>, text: &str) -> Result<CaseGraph, LoadErrors> {
        let mut sink = ErrorSink::default();
        if text.len() > MAX_INPUT_BYTES {
            sink.push(
                LoadErrorKind::TooLarge,
                String::new(),
                Some(0),
                format!(
                    "expected a case file of at most {MAX_INPUT_BYTES} bytes, found {} bytes",
                    text.len()
                ),
                None,
            );
            return Err(sink.finish(b""));
        }
        let doc = match json::parse(text, MAX_DEPTH) {
            Ok(doc) => doc,
            Err(e) => {
                let path = e.path();
                sink.push(e.kind, path, Some(e.offset), e.message, e.help);
                return Err(sink.finish(text.as_bytes()));
            }
        };
        load_tree(schema, &doc, text.as_bytes())
    }

    /// Loads a case from a reader: reads it whole (at most
    /// [`MAX_INPUT_BYTES`]), checks it is UTF-8, then as [`CaseGraph::from_json`].
    pub fn from_reader(schema: Arc<Schema>, r: impl Read) -> Result<CaseGraph, LoadErrors> {
        let mut bytes = Vec::new();
        let limit = u64::try_from(MAX_INPUT_BYTES)
            .unwrap_or(u64::MAX)
            .saturating_add(1);
        let mut sink = ErrorSink::default();
        if let Err(e) = r.take(limit).read_to_end(&mut bytes) {
            sink.push(
                LoadErrorKind::Io,
                String::new(),
                Some(bytes.len()),
                format!("expected to read the whole case file, but reading failed: {e}"),
                None,
            );
            return Err(sink.finish(&bytes));
        }
        if bytes.len() > MAX_INPUT_BYTES {
            sink.push(
                LoadErrorKind::TooLarge,
                String::new(),
                Some(0),
                format!("expected a case file of at most {MAX_INPUT_BYTES} bytes, found more"),
                None,
            );
            return Err(sink.finish(b""));
        }
        match std::str::from_utf8(&bytes) {
            Ok(text) => CaseGraph::from_json(schema, text),
            Err(e) => {
                let at = e.valid_up_to();
                let bad = bytes.get(at..).unwrap_or_default();
                let shown: Vec<String> = bad.iter().take(4).map(|b| format!("{b:02x}")).collect();
                sink.push(
                    LoadErrorKind::NotUtf8,
                    String::new(),
                    Some(at),
                    format!(
                        "expected UTF-8 text, found the bytes `{}` at byte offset {at}",
                        shown.join(" ")
                    ),
                    Some("save the case file as UTF-8 (not GBK or GB18030)".to_owned()),
                );
                Err(sink.finish(bytes.get(..at).unwrap_or_default()))
            }
        }
    }
}

/// A JSON path built only when an error needs it.
#[derive(Clone, Copy)]
enum LazyPath<'p> {
    /// `nodes[3].key` or `edges[3].key`.
    Item {
        list: &'static str,
        index: usize,
        key: &'p str,
    },
    /// `parent[index]`.
    Elem {
        parent: &'p LazyPath<'p>,
        index: usize,
    },
}

impl LazyPath<'_> {
    fn render(&self) -> String {
        match self {
            LazyPath::Item { list, index, key } => item_path(list, *index, Some(key)),
            LazyPath::Elem { parent, index } => format!("{}[{index}]", parent.render()),
        }
    }
}

/// What a JSON value is, for "found …" in messages.
fn describe(j: &Json<'_>) -> String {
    match &j.kind {
        Kind::Null => "`null`".to_owned(),
        Kind::Bool(b) => format!("`{b}`"),
        Kind::Number(t) => format!("the number `{}`", excerpt(t)),
        Kind::String(s) => format!("the string `\"{}\"`", excerpt(s)),
        Kind::Array(_) => "an array".to_owned(),
        Kind::Object(_) => "an object".to_owned(),
    }
}

/// How a type is written in JSON, for "expected …" in messages.
fn expected(schema: &Schema, ty: &Type) -> String {
    match ty {
        Type::Text => "a string (type text)".to_owned(),
        Type::Int => "an integer (type int)".to_owned(),
        Type::Decimal => "a number or a numeric string (type decimal)".to_owned(),
        Type::Bool => "`true` or `false` (type bool)".to_owned(),
        Type::Date => "a date string `YYYY-MM-DD`".to_owned(),
        Type::Time => "a time string `HH:MM` or `HH:MM:SS`".to_owned(),
        Type::Enum(_) => format!("a string naming a value of {}", schema.type_name(ty)),
        Type::List(_) => format!("an array (type {})", schema.type_name(ty)),
    }
}

/// Members after the first of each key: reported as `DuplicateKey` and
/// skipped. Linear for the small objects of a case file, hashed for big ones.
fn duplicate_keys(
    r: &mut Resolver<'_, '_>,
    members: &[Member<'_>],
    path: &dyn Fn(&str) -> String,
) -> Vec<bool> {
    let mut dup = vec![false; members.len()];
    let mut firsts: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for (i, m) in members.iter().enumerate() {
        let seen = if members.len() <= 16 {
            members
                .get(..i)
                .unwrap_or_default()
                .iter()
                .any(|p| p.key == m.key)
        } else {
            !firsts.insert(&m.key)
        };
        if seen {
            if let Some(d) = dup.get_mut(i) {
                *d = true;
            }
            r.error(
                LoadErrorKind::DuplicateKey,
                path(&m.key),
                Some(m.key_at),
                format!(
                    "expected each key once in an object, found `{}` again",
                    excerpt(&m.key)
                ),
                Some("remove one of the two".to_owned()),
            );
        }
    }
    dup
}

/// The string of a member that must be a string (`id`, `kind`, `from`, `to`),
/// or a `MissingKey` / `WrongType` error.
fn string_member<'t>(
    r: &mut Resolver<'_, '_>,
    m: Option<&'t Member<'t>>,
    list: &'static str,
    index: usize,
    key: &str,
    obj_at: usize,
) -> Option<(&'t str, usize)> {
    let Some(m) = m else {
        r.error(
            LoadErrorKind::MissingKey,
            item_path(list, index, Some(key)),
            Some(obj_at),
            format!("expected the key `{key}` in this object, found none"),
            None,
        );
        return None;
    };
    match &m.value.kind {
        Kind::String(s) => Some((s, m.value.at)),
        _ => {
            r.error(
                LoadErrorKind::WrongType,
                item_path(list, index, Some(key)),
                Some(m.value.at),
                format!(
                    "expected a string for `{key}`, found {}",
                    describe(&m.value)
                ),
                None,
            );
            None
        }
    }
}

/// Converts a field's JSON value to its declared type, or reports why not.
fn convert(
    r: &mut Resolver<'_, '_>,
    doc: &Doc<'_>,
    j: &Json<'_>,
    ty: &Type,
    path: &LazyPath<'_>,
) -> Option<Value> {
    let at = Some(j.at);
    let wrong = |r: &mut Resolver<'_, '_>, help: Option<String>| {
        let message = format!("expected {}, found {}", expected(r.schema, ty), describe(j));
        r.error(LoadErrorKind::WrongType, path.render(), at, message, help);
        None
    };
    match (ty, &j.kind) {
        (Type::Text, Kind::String(s)) => Some(r.text(s)),
        (Type::Int, Kind::Number(t)) => {
            if t.contains(['.', 'e', 'E']) {
                return wrong(r, Some("an int has no fraction or exponent".to_owned()));
            }
            match t.parse::<i64>() {
                Ok(i) => Some(Value::Int(i)),
                Err(_) => wrong(r, Some("an int is a 64-bit signed integer".to_owned())),
            }
        }
        (Type::Decimal, Kind::Number(t)) => decimal(r, t, || t.to_string(), path, at),
        (Type::Decimal, Kind::String(s)) => {
            // As text, a decimal may carry an explicit `+` (`"+20"`: an
            // adjustment of plus 20 %), which a JSON number may not.
            let unsigned = s.strip_prefix('+').filter(|u| !u.starts_with('-'));
            let number = unsigned.unwrap_or(s);
            if json::is_number(number) {
                decimal(r, number, || format!("\"{s}\""), path, at)
            } else {
                r.error(
                    LoadErrorKind::InvalidDecimal,
                    path.render(),
                    at,
                    format!("expected a decimal number like `52000.50`, found `\"{}\"`", excerpt(s)),
                    Some("write digits with an optional sign and `.`, no thousands separators or units".to_owned()),
                );
                None
            }
        }
        (Type::Bool, Kind::Bool(b)) => Some(Value::Bool(*b)),
        (Type::Date, Kind::String(s)) => match parse_date(s) {
            Ok(d) => Some(Value::Date(d)),
            Err(why) => {
                let message = format!("{why} (in `\"{}\"`)", excerpt(s));
                r.error(LoadErrorKind::InvalidDate, path.render(), at, message, None);
                None
            }
        },
        (Type::Time, Kind::String(s)) => match parse_time(s) {
            Ok(t) => Some(Value::Time(t)),
            Err(why) => {
                let message = format!("{why} (in `\"{}\"`)", excerpt(s));
                r.error(LoadErrorKind::InvalidTime, path.render(), at, message, None);
                None
            }
        },
        (Type::Enum(e), Kind::String(s)) => {
            let def = r.schema.enum_def(*e)?;
            // A scan of a short value list is cheaper than hashing the name.
            let found = if def.values.len() <= 32 {
                let i = def.values.iter().position(|v| v == s);
                i.and_then(|i| u16::try_from(i).ok())
            } else {
                r.schema.enum_value(*e, s)
            };
            if let Some(v) = found {
                return Some(Value::Enum(v));
            }
            // A display label written for the value (`被告人` for `defendant`).
            let by_label = r
                .schema
                .enum_value_by_label(*e, s)
                .and_then(|v| def.values.get(usize::from(v)))
                .map(|v| format!("`{}` is the label of `{v}`: write `{v}`", excerpt(s)));
            let help = by_label.or_else(|| did_you_mean(s, def.values.iter().map(String::as_str)));
            let listed = if def.values.len() <= 8 {
                let vals: Vec<String> = def.values.iter().map(|v| format!("`{v}`")).collect();
                format!("one of {}", vals.join(", "))
            } else {
                format!("a value of enum `{}`", def.name)
            };
            r.error(
                LoadErrorKind::InvalidEnumValue,
                path.render(),
                at,
                format!("expected {listed}, found `\"{}\"`", excerpt(s)),
                help,
            );
            None
        }
        (Type::List(inner), Kind::Array(items)) => {
            let items = doc.items(*items);
            let mut out = Vec::with_capacity(items.len());
            let mut ok = true;
            for (index, item) in items.iter().enumerate() {
                let p = LazyPath::Elem {
                    parent: path,
                    index,
                };
                match convert(r, doc, item, inner, &p) {
                    Some(v) => out.push(v),
                    None => ok = false,
                }
            }
            ok.then(|| Value::List(out.into()))
        }
        (Type::Int | Type::Bool, Kind::String(_)) => {
            wrong(r, Some("write it without quotes".to_owned()))
        }
        _ => wrong(r, None),
    }
}

/// `t` parsed as an exact decimal; an error quotes `shown()`, the value as
/// the file writes it (a string with its quotes and its `+`), made only then.
fn decimal(
    r: &mut Resolver<'_, '_>,
    t: &str,
    shown: impl FnOnce() -> String,
    path: &LazyPath<'_>,
    at: Option<usize>,
) -> Option<Value> {
    match parse_decimal(t) {
        Ok(d) => Some(Value::Decimal(d)),
        Err(why) => {
            r.error(
                LoadErrorKind::InvalidDecimal,
                path.render(),
                at,
                format!(
                    "expected a decimal that fits exactly, found `{}`: {why}",
                    excerpt(&shown())
                ),
                None,
            );
            None
        }
    }
}

/// Whose fields an object holds.
#[derive(Clone, Copy)]
enum Owner {
    Node(KindId),
    Edge(EdgeKindId),
}

/// Reports a key that appears twice in one object.
fn duplicate_key(r: &mut Resolver<'_, '_>, path: String, m: &Member<'_>) {
    r.error(
        LoadErrorKind::DuplicateKey,
        path,
        Some(m.key_at),
        format!(
            "expected each key once in an object, found `{}` again",
            excerpt(&m.key)
        ),
        Some("remove one of the two".to_owned()),
    );
}

/// The members of a node or edge object, split in one pass: the envelope
/// keys (`names`, first occurrence of each) and the field members. A
/// repeated envelope key is a `DuplicateKey` error (`true` in the result).
fn split<'t, const N: usize>(
    r: &mut Resolver<'_, '_>,
    members: &'t [Member<'t>],
    names: [&str; N],
    list: &'static str,
    index: usize,
) -> (
    [Option<&'t Member<'t>>; N],
    SmallVec<[&'t Member<'t>; 16]>,
    bool,
) {
    let mut found: [Option<&'t Member<'t>>; N] = [None; N];
    let mut rest = SmallVec::new();
    let mut dup = false;
    for m in members {
        match names.iter().position(|n| *n == m.key) {
            Some(i) => match found.get_mut(i) {
                Some(slot @ None) => *slot = Some(m),
                _ => {
                    dup = true;
                    duplicate_key(r, item_path(list, index, Some(&m.key)), m);
                }
            },
            None => rest.push(m),
        }
    }
    (found, rest, dup)
}

/// Converts an object's field members: the valid values, the fields
/// present and not null, and whether any error was reported. A repeated
/// field is a `DuplicateKey` error.
fn fields(
    r: &mut Resolver<'_, '_>,
    doc: &Doc<'_>,
    members: &[&Member<'_>],
    owner: Owner,
    index: usize,
) -> (Vec<(FieldId, Value)>, FieldList, bool) {
    let list = match owner {
        Owner::Node(_) => "nodes",
        Owner::Edge(_) => "edges",
    };
    let mut values = Vec::with_capacity(members.len());
    let mut present = FieldList::new();
    let mut seen = FieldList::new();
    let mut bad = false;
    for m in members {
        let key: &str = &m.key;
        let path = || item_path(list, index, Some(key));
        let found = match owner {
            Owner::Node(k) => r.node_field(k, key, path, Some(m.key_at)),
            Owner::Edge(k) => r.edge_field(k, key, path, Some(m.key_at)),
        };
        let Some((f, def)) = found else {
            bad = true;
            continue;
        };
        if seen.contains(&f) {
            bad = true;
            duplicate_key(r, path(), m);
            continue;
        }
        seen.push(f);
        if matches!(m.value.kind, Kind::Null) {
            continue;
        }
        present.push(f);
        let path = LazyPath::Item { list, index, key };
        match convert(r, doc, &m.value, &def.ty, &path) {
            Some(v) => values.push((f, v)),
            None => bad = true,
        }
    }
    (values, present, bad)
}

fn load_node<'t>(r: &mut Resolver<'_, 't>, doc: &'t Doc<'t>, index: usize, node: &'t Json<'t>) {
    let Kind::Object(members) = node.kind else {
        r.error(
            LoadErrorKind::WrongType,
            item_path("nodes", index, None),
            Some(node.at),
            format!("expected a node object, found {}", describe(node)),
            None,
        );
        return;
    };
    let members = doc.members(members);
    let ([id, kind], rest, dup) = split(r, members, ["id", "kind"], "nodes", index);
    let id = string_member(r, id, "nodes", index, "id", node.at);
    let kind = string_member(r, kind, "nodes", index, "kind", node.at)
        .and_then(|(k, at)| r.node_kind(k, || item_path("nodes", index, Some("kind")), Some(at)));
    let mut bad = dup || id.is_none() || kind.is_none();
    let (values, present) = match kind {
        Some(kind) => {
            let (values, present, b) = fields(r, doc, &rest, Owner::Node(kind), index);
            bad |= b;
            (values, present)
        }
        None => (Vec::new(), FieldList::new()),
    };
    r.add_node(NodeInput {
        index,
        id: id.map(|(s, _)| s),
        id_at: id.map(|(_, at)| at),
        kind,
        at: Some(node.at),
        fields: values,
        present,
        bad,
    });
}

fn load_edge<'t>(r: &mut Resolver<'_, 't>, doc: &'t Doc<'t>, index: usize, edge: &'t Json<'t>) {
    let Kind::Object(members) = edge.kind else {
        r.error(
            LoadErrorKind::WrongType,
            item_path("edges", index, None),
            Some(edge.at),
            format!("expected an edge object, found {}", describe(edge)),
            None,
        );
        return;
    };
    let members = doc.members(members);
    let ([kind, from, to], rest, dup) = split(r, members, ["kind", "from", "to"], "edges", index);
    let kind = string_member(r, kind, "edges", index, "kind", edge.at)
        .and_then(|(k, at)| r.edge_kind(k, || item_path("edges", index, Some("kind")), Some(at)));
    let from = string_member(r, from, "edges", index, "from", edge.at);
    let to = string_member(r, to, "edges", index, "to", edge.at);
    let mut bad = dup || kind.is_none();
    let (values, present) = match kind {
        Some(kind) => {
            let (values, present, b) = fields(r, doc, &rest, Owner::Edge(kind), index);
            bad |= b;
            (values, present)
        }
        None => (Vec::new(), FieldList::new()),
    };
    r.add_edge(EdgeInput {
        index,
        kind,
        from: from.map(|(s, at)| (s, Some(at))),
        to: to.map(|(s, at)| (s, Some(at))),
        at: Some(edge.at),
        fields: values,
        present,
        bad,
    });
}

/// The envelope, then every node, then every edge.
fn load_tree(schema: Arc<Schema>, doc: &Doc<'_>, text: &[u8]) -> Result<CaseGraph, LoadErrors> {
    let root = &doc.root;
    // Size the id table for the nodes (the first `nodes` key is the one used).
    let node_hint = match root.kind {
        Kind::Object(members) => match doc.members(members).iter().find(|m| m.key == "nodes") {
            Some(Member {
                value:
                    Json {
                        kind: Kind::Array(items),
                        ..
                    },
                ..
            }) => items.len(),
            _ => 0,
        },
        _ => 0,
    };
    let mut r = Resolver::new(&schema, node_hint);
    let Kind::Object(members) = root.kind else {
        r.error(
            LoadErrorKind::WrongType,
            String::new(),
            Some(root.at),
            format!(
                "expected a case object with `id` and `nodes`, found {}",
                describe(root)
            ),
            None,
        );
        return Err(r.errors.finish(text));
    };
    let members = doc.members(members);
    let dup = duplicate_keys(&mut r, members, &|k| {
        let mut p = String::new();
        push_key(&mut p, k);
        p
    });
    let mut case_id: Option<&str> = None;
    let mut nodes: Option<(&[Json<'_>], usize)> = None;
    let mut edges: &[Json<'_>] = &[];
    let mut id_seen = false;
    for (m, d) in members.iter().zip(&dup) {
        if *d {
            continue;
        }
        let key: &str = &m.key;
        match (key, &m.value.kind) {
            ("format", Kind::String(s)) if s == FORMAT => {}
            ("format", _) => r.error(
                LoadErrorKind::BadFormat,
                "format".to_owned(),
                Some(m.value.at),
                format!("expected `\"{FORMAT}\"`, found {}", describe(&m.value)),
                Some("this caselint reads case-format v1; omit `format` or set it to `caselint/case@1`".to_owned()),
            ),
            ("id", Kind::String(s)) => {
                id_seen = true;
                case_id = Some(s);
            }
            ("nodes", Kind::Array(items)) => nodes = Some((doc.items(*items), m.value.at)),
            ("edges", Kind::Array(items)) => edges = doc.items(*items),
            ("id" | "nodes" | "edges", _) => {
                id_seen |= key == "id";
                let what = if key == "id" { "a string" } else { "an array" };
                r.error(
                    LoadErrorKind::WrongType,
                    key.to_owned(),
                    Some(m.value.at),
                    format!("expected {what} for `{key}`, found {}", describe(&m.value)),
                    None,
                );
                if key == "nodes" {
                    nodes = Some((&[], m.value.at));
                    r.no_nodes = true;
                }
            }
            _ => {
                let mut p = String::new();
                push_key(&mut p, key);
                r.error(
                    LoadErrorKind::UnknownTopLevelKey,
                    p,
                    Some(m.key_at),
                    format!(
                        "expected one of `format`, `id`, `nodes`, `edges`, found `{}`",
                        excerpt(key)
                    ),
                    did_you_mean(key, TOP_LEVEL_KEYS.into_iter()),
                );
            }
        }
    }
    if !id_seen {
        r.error(
            LoadErrorKind::MissingKey,
            "id".to_owned(),
            Some(root.at),
            "expected the key `id` (the case number), found none".to_owned(),
            None,
        );
    }
    let nodes_at = match nodes {
        Some((items, at)) => {
            for (i, n) in items.iter().enumerate() {
                if r.errors.is_full() {
                    r.errors.mark_truncated();
                    break;
                }
                load_node(&mut r, doc, i, n);
            }
            Some(at)
        }
        None => {
            r.no_nodes = true;
            r.error(
                LoadErrorKind::MissingKey,
                "nodes".to_owned(),
                Some(root.at),
                "expected the key `nodes` (an array of nodes), found none".to_owned(),
                None,
            );
            None
        }
    };
    for (i, e) in edges.iter().enumerate() {
        if r.errors.is_full() {
            r.errors.mark_truncated();
            break;
        }
        load_edge(&mut r, doc, i, e);
    }
    if nodes_at.is_none() {
        // Already an error; no singleton complaints on top of it.
        return Err(r.errors.finish(text));
    }
    let schema_ref = Arc::clone(&schema);
    r.finish(schema_ref, case_id.unwrap_or_default(), nodes_at, text)
}

//! Validation shared by the JSON loader and the [`CaseBuilder`](super::CaseBuilder):
//! names to schema ids, node ids to nodes, endpoint kinds, required fields
//! and singletons, every problem reported to one [`ErrorSink`].

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::Arc;

use super::case::{CaseGraph, RawEdge, RawNode, assemble};
use super::error::{ErrorSink, LoadErrorKind, LoadErrors};
use super::schema::{EdgeKindId, FieldDef, FieldId, KindId, Schema};
use super::value::{Type, Value};

/// Appends `.key` (or `["key"]` for a key that is not a plain identifier)
/// to a JSON path.
pub(crate) fn push_key(path: &mut String, key: &str) {
    // A key of megabytes would make every error that names it as large: keep
    // its start (the message says it was cut with `…`).
    const LONGEST_KEY: usize = 64;
    if key.len() > LONGEST_KEY * 4 || key.chars().nth(LONGEST_KEY).is_some() {
        let head: String = key.chars().take(LONGEST_KEY).collect();
        path.push('[');
        let quoted = quote(&head);
        path.push_str(quoted.strip_suffix('"').unwrap_or(&quoted));
        path.push_str("…\"]");
        return;
    }
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    if plain {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key);
    } else {
        path.push('[');
        path.push_str(&quote(key));
        path.push(']');
    }
}

/// `key` as a JSON string literal, for paths and messages.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The article before a name: "an" before a vowel (`an event`), else "a".
pub(crate) fn a(name: &str) -> &'static str {
    match name.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u' | 'A' | 'E' | 'I' | 'O' | 'U') => "an",
        _ => "a",
    }
}

/// User input for a message, shortened to 40 characters and with control
/// characters escaped; the caller puts it in backticks.
pub(crate) fn excerpt(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i >= 40 {
            out.push('…');
            break;
        }
        // (Bidirectional formatting characters too: they reorder the
        // terminal's line.)
        if c.is_control() || c == '`' || crate::report::is_bidi_control(c) {
            out.extend(c.escape_debug());
            if c == '`' {
                out.pop();
                out.push_str("\\`");
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The JSON path of a node (`nodes[3]`), edge (`edges[3]`) or their key.
pub(crate) fn item_path(list: &str, index: usize, key: Option<&str>) -> String {
    let mut p = format!("{list}[{index}]");
    if let Some(k) = key {
        push_key(&mut p, k);
    }
    p
}

/// Optimal string alignment distance (Levenshtein with adjacent
/// transpositions), or `None` when it exceeds `max` or the strings are long.
fn edit_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len() > 64 || b.len() > 64 || a.len().abs_diff(b.len()) > max {
        return None;
    }
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    let at = |i: usize, j: usize| i * w + j;
    for (i, _) in a.iter().enumerate() {
        if let Some(c) = d.get_mut(at(i + 1, 0)) {
            *c = i + 1;
        }
    }
    for j in 0..=b.len() {
        if let Some(c) = d.get_mut(at(0, j)) {
            *c = j;
        }
    }
    for (i, ca) in a.iter().enumerate() {
        for (j, cb) in b.iter().enumerate() {
            let get = |i: usize, j: usize| d.get(at(i, j)).copied().unwrap_or(usize::MAX / 2);
            let cost = usize::from(ca != cb);
            let mut v = (get(i, j + 1) + 1)
                .min(get(i + 1, j) + 1)
                .min(get(i, j) + cost);
            if i > 0 && j > 0 && a.get(i - 1) == Some(cb) && b.get(j - 1) == Some(ca) {
                v = v.min(get(i - 1, j - 1) + 1);
            }
            if let Some(c) = d.get_mut(at(i + 1, j + 1)) {
                *c = v;
            }
        }
    }
    d.get(at(a.len(), b.len())).copied().filter(|&n| n <= max)
}

/// The candidate closest to `input` within edit distance 2 (and shorter than
/// the input itself, so `x` does not suggest `id`); ties go to the first.
pub(crate) fn suggest<'c>(
    input: &str,
    candidates: impl Iterator<Item = &'c str>,
) -> Option<&'c str> {
    let limit = 2.min(input.chars().count().saturating_sub(1));
    let mut best: Option<(usize, &'c str)> = None;
    for c in candidates {
        if let Some(d) = edit_distance(input, c, limit)
            && best.is_none_or(|(bd, _)| d < bd)
        {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// "did you mean `x`?" for the closest candidate, if any.
pub(crate) fn did_you_mean<'c>(
    input: &str,
    candidates: impl Iterator<Item = &'c str>,
) -> Option<String> {
    // (Whole, with control characters escaped as the reports escape them.)
    suggest(input, candidates)
        .map(|s| format!("did you mean `{}`?", crate::report::one_line_safe(s)))
}

/// The field of this name among a kind's few fields, by a scan (string
/// equality rejects most names on their length; cheaper than hashing the
/// key); `None` also when
/// the kind has too many fields to scan, so the caller falls back to the
/// schema's hashed index.
fn field_by_name(defs: &[FieldDef], key: &str) -> Option<FieldId> {
    if defs.len() > 32 {
        return None;
    }
    let i = defs.iter().position(|d| d.name == key)?;
    u16::try_from(i).ok().map(FieldId)
}

/// Field ids of one node or edge (inline up to 16).
pub(crate) type FieldList = smallvec::SmallVec<[FieldId; 16]>;

/// What the resolver knows about a node id.
#[derive(Debug, Clone, Copy)]
struct IdEntry {
    /// Index into the resolved nodes; `None` for a node with errors.
    node: Option<u32>,
    /// The node's kind, when it resolved.
    kind: Option<KindId>,
    /// The node's index in the input.
    input_index: usize,
}

/// One node as the loader or builder found it, before validation.
pub(crate) struct NodeInput<'a> {
    /// Index in the input's `nodes`.
    pub(crate) index: usize,
    /// The node's id, `None` if missing or not a string (already reported).
    pub(crate) id: Option<&'a str>,
    pub(crate) id_at: Option<usize>,
    /// The node's kind, `None` if missing or unknown (already reported).
    pub(crate) kind: Option<KindId>,
    /// Offset of the node object.
    pub(crate) at: Option<usize>,
    /// The valid fields.
    pub(crate) fields: Vec<(FieldId, Value)>,
    /// Every field present and not null, valid or not (for the required check).
    pub(crate) present: FieldList,
    /// Some error was reported for this node.
    pub(crate) bad: bool,
}

/// One edge as the loader or builder found it, before validation.
pub(crate) struct EdgeInput<'a> {
    pub(crate) index: usize,
    pub(crate) kind: Option<EdgeKindId>,
    /// `from` id and its offset (`None` if missing or not a string: reported).
    pub(crate) from: Option<(&'a str, Option<usize>)>,
    pub(crate) to: Option<(&'a str, Option<usize>)>,
    pub(crate) at: Option<usize>,
    pub(crate) fields: Vec<(FieldId, Value)>,
    pub(crate) present: FieldList,
    pub(crate) bad: bool,
}

/// Resolves nodes and edges against a schema, collecting errors.
pub(crate) struct Resolver<'s, 'a> {
    pub(crate) schema: &'s Schema,
    pub(crate) errors: ErrorSink,
    ids: HashMap<&'a str, IdEntry>,
    nodes: Vec<RawNode<'a>>,
    edges: Vec<RawEdge>,
    singleton_counts: Vec<u32>,
    texts: HashSet<Arc<str>>,
    /// The `from` and `to` ids last found in `ids`, with their entries
    /// (cleared when a node is added).
    last_endpoints: [Option<(&'a str, IdEntry)>; 2],
    /// The nodes without a usable id (already reported), with their kinds:
    /// an edge's unknown id may be meant for one of them.
    idless: Vec<(usize, Option<KindId>)>,
    /// Nodes whose kind could not be read (already reported), and how many
    /// of them wrote a kind name: a node without a kind name may be the
    /// missing singleton, one with a misspelt name only when it comes
    /// closest to the singleton's name (`maybe_singleton`).
    kindless: usize,
    unknown_kind_names: usize,
    maybe_singleton: Vec<KindId>,
    /// The case's `nodes` could not be read (already reported): edges'
    /// ends are not looked up.
    pub(crate) no_nodes: bool,
}

impl<'s, 'a> Resolver<'s, 'a> {
    pub(crate) fn new(schema: &'s Schema, node_hint: usize) -> Self {
        Resolver {
            schema,
            errors: ErrorSink::default(),
            ids: HashMap::with_capacity(node_hint),
            nodes: Vec::with_capacity(node_hint),
            edges: Vec::new(),
            singleton_counts: vec![0; schema.node_kinds().count()],
            texts: HashSet::new(),
            last_endpoints: [None; 2],
            idless: Vec::new(),
            kindless: 0,
            unknown_kind_names: 0,
            maybe_singleton: Vec::new(),
            no_nodes: false,
        }
    }

    /// Reports an error.
    pub(crate) fn error(
        &mut self,
        kind: LoadErrorKind,
        path: String,
        at: Option<usize>,
        message: String,
        help: Option<String>,
    ) {
        self.errors.push(kind, path, at, message, help);
    }

    /// A text value, shared with equal texts of the same case.
    pub(crate) fn text(&mut self, s: &str) -> Value {
        if let Some(t) = self.texts.get(s) {
            return Value::Text(Arc::clone(t));
        }
        let t: Arc<str> = Arc::from(s);
        self.texts.insert(Arc::clone(&t));
        Value::Text(t)
    }

    /// The node kind of this name, or an `UnknownNodeKind` error.
    pub(crate) fn node_kind(
        &mut self,
        name: &str,
        path: impl FnOnce() -> String,
        at: Option<usize>,
    ) -> Option<KindId> {
        let k = self.schema.node_kind(name);
        if k.is_none() {
            self.unknown_kind_names += 1;
            let closest = suggest(name, self.schema.node_kinds().map(|(_, d)| d.name.as_str()))
                .and_then(|c| self.schema.node_kind(c))
                .filter(|c| self.schema.kind(*c).is_some_and(|d| d.singleton));
            if let Some(c) = closest {
                self.maybe_singleton.push(c);
            }
            let help = did_you_mean(name, self.schema.node_kinds().map(|(_, d)| d.name.as_str()));
            self.error(
                LoadErrorKind::UnknownNodeKind,
                path(),
                at,
                format!(
                    "expected a node kind of the schema, found `{}`",
                    excerpt(name)
                ),
                help,
            );
        }
        k
    }

    /// The edge kind of this name, or an `UnknownEdgeKind` error.
    pub(crate) fn edge_kind(
        &mut self,
        name: &str,
        path: impl FnOnce() -> String,
        at: Option<usize>,
    ) -> Option<EdgeKindId> {
        let k = self.schema.edge_kind(name);
        if k.is_none() {
            let help = did_you_mean(name, self.schema.edge_kinds().map(|(_, d)| d.name.as_str()));
            self.error(
                LoadErrorKind::UnknownEdgeKind,
                path(),
                at,
                format!(
                    "expected an edge kind of the schema, found `{}`",
                    excerpt(name)
                ),
                help,
            );
        }
        k
    }

    /// A node kind's field of this name, or an `UnknownField` error.
    pub(crate) fn node_field(
        &mut self,
        kind: KindId,
        key: &str,
        path: impl FnOnce() -> String,
        at: Option<usize>,
    ) -> Option<(FieldId, &'s FieldDef)> {
        let schema = self.schema;
        let def = schema.kind(kind)?;
        match field_by_name(&def.fields, key).or_else(|| schema.field(kind, key)) {
            Some(f) => def.fields.get(usize::from(f.0)).map(|d| (f, d)),
            None => {
                let candidates = def.fields.iter().map(|f| f.name.as_str());
                let help = did_you_mean(key, candidates.chain(["id", "kind"]));
                self.error(
                    LoadErrorKind::UnknownField,
                    path(),
                    at,
                    format!(
                        "expected a field of `{}`, found `{}`",
                        def.name,
                        excerpt(key)
                    ),
                    help,
                );
                None
            }
        }
    }

    /// An edge kind's field of this name, or an `UnknownField` error.
    pub(crate) fn edge_field(
        &mut self,
        kind: EdgeKindId,
        key: &str,
        path: impl FnOnce() -> String,
        at: Option<usize>,
    ) -> Option<(FieldId, &'s FieldDef)> {
        let schema = self.schema;
        let def = schema.edge(kind)?;
        match field_by_name(&def.fields, key).or_else(|| schema.edge_field(kind, key)) {
            Some(f) => def.fields.get(usize::from(f.0)).map(|d| (f, d)),
            None => {
                let candidates = def.fields.iter().map(|f| f.name.as_str());
                let help = did_you_mean(key, candidates.chain(["kind", "from", "to"]));
                let message = if def.fields.is_empty() {
                    format!(
                        "expected only `kind`, `from` and `to` in {} `{}` edge (it has no fields), found `{}`",
                        a(&def.name),
                        def.name,
                        excerpt(key)
                    )
                } else {
                    format!(
                        "expected a field of edge kind `{}`, found `{}`",
                        def.name,
                        excerpt(key)
                    )
                };
                self.error(LoadErrorKind::UnknownField, path(), at, message, help);
                None
            }
        }
    }

    fn missing_required(
        &mut self,
        list: &str,
        index: usize,
        owner: &str,
        defs: &[FieldDef],
        present: &[FieldId],
        at: Option<usize>,
    ) -> bool {
        let mut ok = true;
        for (i, def) in defs.iter().enumerate() {
            let id = u16::try_from(i).map(FieldId);
            if def.required && id.is_ok_and(|id| !present.contains(&id)) {
                ok = false;
                self.error(
                    LoadErrorKind::MissingRequiredField,
                    item_path(list, index, Some(&def.name)),
                    at,
                    format!(
                        "expected the required field `{}` in this `{owner}`, found none",
                        def.name
                    ),
                    None,
                );
            }
        }
        ok
    }

    /// Validates a node: id unique, required fields present, singleton count.
    pub(crate) fn add_node(&mut self, n: NodeInput<'a>) {
        let mut bad = n.bad;
        if n.id.is_none() {
            self.idless.push((n.index, n.kind));
        }
        if n.kind.is_none() {
            self.kindless += 1;
        }
        if let Some(kind) = n.kind {
            let schema = self.schema;
            if let Some(def) = schema.kind(kind) {
                bad |= !self.missing_required(
                    "nodes",
                    n.index,
                    &def.name,
                    &def.fields,
                    &n.present,
                    n.at,
                );
                if def.singleton
                    && let Some(count) = self.singleton_counts.get_mut(usize::from(kind.0))
                {
                    *count = count.saturating_add(1);
                    if *count > 1 {
                        bad = true;
                        self.error(
                            LoadErrorKind::SingletonCount,
                            item_path("nodes", n.index, None),
                            n.at,
                            format!(
                                "expected exactly one `{}` node, found another one here",
                                def.name
                            ),
                            Some(format!("a case file has a single `{}` node", def.name)),
                        );
                    }
                }
            }
        }
        let Some(id) = n.id else { return };
        self.last_endpoints = [None; 2];
        // One hash of the id for both the uniqueness check and the insert;
        // while `slot` borrows `ids`, errors go straight to the sink.
        let slot = match self.ids.entry(id) {
            Entry::Occupied(first) => {
                let first = first.get().input_index;
                self.errors.push(
                    LoadErrorKind::DuplicateNodeId,
                    item_path("nodes", n.index, Some("id")),
                    n.id_at,
                    format!("expected a unique node id, found `{}` again", excerpt(id)),
                    Some(format!("`nodes[{first}]` has the same id")),
                );
                return;
            }
            Entry::Vacant(slot) => slot,
        };
        let node = if bad || n.kind.is_none() || n.fields.len() > usize::from(u16::MAX) {
            None
        } else {
            u32::try_from(self.nodes.len()).ok()
        };
        if let (Some(_), Some(kind)) = (node, n.kind) {
            let mut fields = n.fields;
            fields.sort_unstable_by_key(|(f, _)| *f);
            self.nodes.push(RawNode { id, kind, fields });
        }
        slot.insert(IdEntry {
            node,
            kind: n.kind,
            input_index: n.index,
        });
    }

    /// One endpoint of an edge: the node, or a `MissingNode` error.
    fn endpoint(
        &mut self,
        index: usize,
        key: &str,
        end: Option<(&'a str, Option<usize>)>,
        allowed: Option<&[KindId]>,
    ) -> Option<IdEntry> {
        let (id, at) = end?;
        // Consecutive edges often share an endpoint (a defendant's events
        // all point at the defendant): the last `from` and the last `to`
        // found are checked before hashing.
        let slot = usize::from(key == "to");
        for (last, entry) in self.last_endpoints.iter().flatten() {
            if *last == id {
                return Some(*entry);
            }
        }
        if let Some(e) = self.ids.get(id) {
            if let Some(last) = self.last_endpoints.get_mut(slot) {
                *last = Some((id, *e));
            }
            return Some(*e);
        }
        if self.no_nodes {
            return None;
        }
        let fits = |k: &Option<KindId>| match (k, allowed) {
            (Some(k), Some(allowed)) => allowed.contains(k),
            _ => true,
        };
        // A close id on file of a kind this end takes (only in small cases:
        // the scan is over all ids); else the one node without a usable id
        // this end could be.
        let close = if self.ids.len() <= 10_000 {
            let mut ids: Vec<&str> = self
                .ids
                .iter()
                .filter(|(_, e)| fits(&e.kind))
                .map(|(i, _)| *i)
                .collect();
            ids.sort_unstable();
            did_you_mean(id, ids.into_iter())
        } else {
            None
        };
        let idless: Vec<usize> = self
            .idless
            .iter()
            .filter(|(_, k)| fits(k))
            .map(|(i, _)| *i)
            .collect();
        let help = close.or_else(|| match idless.as_slice() {
            [i] => Some(format!(
                "`nodes[{i}]` has no usable id: if this edge means it, give it `\"id\": {}`",
                serde_json::Value::String(id.to_owned())
            )),
            _ => None,
        });
        self.error(
            LoadErrorKind::MissingNode,
            item_path("edges", index, Some(key)),
            at,
            format!(
                "expected the id of a node in this case, found `{}`",
                excerpt(id)
            ),
            help,
        );
        None
    }

    /// Validates an edge: endpoints exist, their kinds are allowed, required
    /// fields present.
    pub(crate) fn add_edge(&mut self, e: EdgeInput<'a>) {
        let mut bad = e.bad;
        let schema = self.schema;
        let def = e.kind.and_then(|k| schema.edge(k));
        let from = self.endpoint(e.index, "from", e.from, def.map(|d| d.from.as_slice()));
        let to = self.endpoint(e.index, "to", e.to, def.map(|d| d.to.as_slice()));
        let (Some(kind), Some(def)) = (e.kind, def) else {
            return;
        };
        bad |= !self.missing_required("edges", e.index, &def.name, &def.fields, &e.present, e.at);
        for (entry, allowed, key, end) in
            [(from, &def.from, "from", e.from), (to, &def.to, "to", e.to)]
        {
            let Some(node_kind) = entry.and_then(|x| x.kind) else {
                bad = true;
                continue;
            };
            if !allowed.contains(&node_kind) {
                bad = true;
                let node_kind_name = schema.kind(node_kind).map_or("?", |d| d.name.as_str());
                let allowed_names: Vec<String> = allowed
                    .iter()
                    .filter_map(|k| schema.kind(*k))
                    .map(|d| format!("`{}`", d.name))
                    .collect();
                let id = end.map_or("", |(id, _)| id);
                self.error(
                    LoadErrorKind::EdgeKindMismatch,
                    item_path("edges", e.index, Some(key)),
                    end.and_then(|(_, at)| at),
                    format!(
                        "expected {} `{}` edge's `{key}` to be {} {} node, found `{}`, {} `{node_kind_name}`",
                        a(&def.name),
                        def.name,
                        a(allowed_names.first().map_or("", |n| n.trim_start_matches('`'))),
                        allowed_names.join(" or "),
                        excerpt(id),
                        a(node_kind_name),
                    ),
                    None,
                );
            }
        }
        if bad {
            return;
        }
        if let (Some(f), Some(t)) = (from.and_then(|x| x.node), to.and_then(|x| x.node)) {
            let mut fields = e.fields;
            fields.sort_unstable_by_key(|(f, _)| *f);
            self.edges.push(RawEdge {
                kind,
                from: f,
                to: t,
                fields,
            });
        }
    }

    /// Checks a value built in code against its field type (`WrongType`,
    /// `InvalidEnumValue`).
    pub(crate) fn check_value(&mut self, value: &Value, ty: &Type, path: &str) -> bool {
        let ok = match (ty, value) {
            (Type::Text, Value::Text(_))
            | (Type::Int, Value::Int(_))
            | (Type::Decimal, Value::Decimal(_))
            | (Type::Bool, Value::Bool(_))
            | (Type::Date, Value::Date(_))
            | (Type::Time, Value::Time(_)) => true,
            (Type::Enum(e), Value::Enum(v)) => {
                let n = self.schema.enum_def(*e).map_or(0, |d| d.values.len());
                if usize::from(*v) < n {
                    true
                } else {
                    self.error(
                        LoadErrorKind::InvalidEnumValue,
                        path.to_owned(),
                        None,
                        format!(
                            "expected a value of {}, found index `{v}` (it has {n} values)",
                            self.schema.type_name(ty)
                        ),
                        None,
                    );
                    return false;
                }
            }
            (Type::List(inner), Value::List(items)) => {
                let mut ok = true;
                for (i, item) in items.iter().enumerate() {
                    ok &= self.check_value(item, inner, &format!("{path}[{i}]"));
                }
                return ok;
            }
            _ => false,
        };
        if !ok {
            self.error(
                LoadErrorKind::WrongType,
                path.to_owned(),
                None,
                format!(
                    "expected a value of type {}, found {}",
                    self.schema.type_name(ty),
                    value_kind(value)
                ),
                None,
            );
        }
        ok
    }

    /// Final checks (singletons present), then the graph or the errors.
    pub(crate) fn finish(
        mut self,
        schema: Arc<Schema>,
        case_id: &str,
        nodes_at: Option<usize>,
        text: &[u8],
    ) -> Result<CaseGraph, LoadErrors> {
        let missing: Vec<String> = schema
            .node_kinds()
            .filter(|(k, d)| {
                d.singleton && self.singleton_counts.get(usize::from(k.0)).copied() == Some(0)
            })
            // (A node whose kind could not be read may be the one missing.)
            .filter(|(k, _)| {
                self.kindless <= self.unknown_kind_names && !self.maybe_singleton.contains(k)
            })
            .map(|(_, d)| d.name.clone())
            .collect();
        // (Without readable `nodes`, that is the error.)
        let unknown = self.no_nodes;
        for name in missing.into_iter().filter(|_| !unknown) {
            self.error(
                LoadErrorKind::SingletonCount,
                "nodes".to_owned(),
                nodes_at,
                format!("expected exactly one `{name}` node, found none"),
                Some(format!("add a node with `\"kind\": \"{name}\"`")),
            );
        }
        if self.nodes.len() >= u32::MAX as usize || self.edges.len() >= u32::MAX as usize {
            self.error(
                LoadErrorKind::TooLarge,
                String::new(),
                None,
                "expected fewer than 2^32 - 1 nodes and edges, found more".to_owned(),
                None,
            );
        }
        if !self.errors.is_empty() {
            return Err(self.errors.finish(text));
        }
        match assemble(schema, case_id, self.nodes, self.edges) {
            Some(g) => Ok(g),
            None => {
                let mut sink = ErrorSink::default();
                sink.push(
                    LoadErrorKind::TooLarge,
                    String::new(),
                    None,
                    "expected fewer than 2^32 ids bytes, field values, nodes and edges, found more"
                        .to_owned(),
                    None,
                );
                Err(sink.finish(text))
            }
        }
    }
}

/// A value's variant, for messages: "a decimal", "a list".
fn value_kind(v: &Value) -> &'static str {
    match v {
        Value::Text(_) => "a text",
        Value::Int(_) => "an int",
        Value::Decimal(_) => "a decimal",
        Value::Bool(_) => "a bool",
        Value::Date(_) => "a date",
        Value::Time(_) => "a time",
        Value::Enum(_) => "an enum value",
        Value::List(_) => "a list",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("brith_date", "birth_date", 2), Some(1));
        assert_eq!(edit_distance("defendent", "defendant", 2), Some(1));
        assert_eq!(edit_distance("abc", "abc", 2), Some(0));
        assert_eq!(edit_distance("", "ab", 2), Some(2));
        assert_eq!(edit_distance("abcdef", "xyz", 2), None);
    }

    #[test]
    fn suggestions() {
        let c = ["birth_date", "name", "role"];
        assert_eq!(suggest("brith_date", c.into_iter()), Some("birth_date"));
        assert_eq!(suggest("rol", c.into_iter()), Some("role"));
        assert_eq!(suggest("zzzzzz", c.into_iter()), None);
        assert_eq!(suggest("x", ["id"].into_iter()), None);
    }

    #[test]
    fn paths() {
        assert_eq!(
            item_path("nodes", 3, Some("birth_date")),
            "nodes[3].birth_date"
        );
        assert_eq!(item_path("nodes", 3, Some("a b")), r#"nodes[3]["a b"]"#);
        let mut p = String::new();
        push_key(&mut p, "名字");
        assert_eq!(p, "名字");
        assert_eq!(excerpt("a`b"), "a\\`b");
    }
}

//! The case graph: nodes and edges of one case, their field values, and the
//! indexes the evaluator reads (by kind, by enum value, by edge kind).

use std::cmp::Ordering;
use std::collections::HashSet;
use std::mem::size_of;
use std::sync::Arc;

use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};

use super::schema::{EdgeKindId, FieldId, KindId, Schema};
use super::value::{Type, Value};

/// A node of a [`CaseGraph`]. Nodes are numbered in the order of their ids
/// (byte-wise string order), so the numbering does not depend on the input
/// order. `NodeIx(i)` is petgraph's `NodeIndex::new(i)` in
/// [`CaseGraph::petgraph`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeIx(pub u32);

/// An edge of a [`CaseGraph`]. Edges are numbered in (source id, edge kind,
/// target id, fields) order. `EdgeIx(i)` is petgraph's `EdgeIndex::new(i)`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EdgeIx(pub u32);

impl NodeIx {
    /// The index as `usize`.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl EdgeIx {
    /// The index as `usize`.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl From<NodeIx> for NodeIndex<u32> {
    fn from(n: NodeIx) -> Self {
        NodeIndex::new(n.index())
    }
}

impl From<NodeIndex<u32>> for NodeIx {
    fn from(n: NodeIndex<u32>) -> Self {
        NodeIx(u32::try_from(n.index()).unwrap_or(u32::MAX))
    }
}

impl From<EdgeIx> for EdgeIndex<u32> {
    fn from(e: EdgeIx) -> Self {
        EdgeIndex::new(e.index())
    }
}

impl From<EdgeIndex<u32>> for EdgeIx {
    fn from(e: EdgeIndex<u32>) -> Self {
        EdgeIx(u32::try_from(e.index()).unwrap_or(u32::MAX))
    }
}

/// The topology of a case: petgraph's adjacency-list `Graph` (node weight:
/// the node kind; edge weight: the edge kind).
///
/// Why `Graph` and not another petgraph type: the case graph is built once
/// and then only read, so `StableGraph`'s removal support is not needed; it
/// is a multigraph (an event can be both `subject` and `attended_by` to one
/// person), which `Csr` and `GraphMap` do not allow; and `Graph` keeps dense
/// `u32` indices that coincide with [`NodeIx`] and [`EdgeIx`], so petgraph's
/// algorithms (`toposort`, `has_path_connecting`, …) run on it directly. Its
/// linked edge lists are slow to filter by edge kind, so the hot queries
/// ([`CaseGraph::out_edges`], [`CaseGraph::in_edges`]) use flat CSR arrays
/// beside it: per node, its edges sorted by (edge kind, other end, fields),
/// so that one edge kind's edges are a contiguous slice, found among the
/// node's few runs of kinds.
pub type Topology = DiGraph<KindId, EdgeKindId, u32>;

/// One case, loaded and validated against a [`Schema`]. Immutable.
///
/// Storage is flat and compact: node ids in one string, node and edge
/// fields in one value arena each that holds only the present fields
/// (a `person` has 8 slots but usually 3 or 4 values; dense slots would
/// cost 24 bytes per absent field), and indexes as offset arrays.
///
/// Two graphs are equal (`==`) when they hold the same case: same id, same
/// nodes with the same fields, same edges; the input order of nodes, edges
/// and keys does not matter, since indices follow sorted ids.
#[derive(Clone, Debug)]
pub struct CaseGraph {
    schema: Arc<Schema>,
    case_id: Box<str>,
    /// The node ids, concatenated in `NodeIx` order.
    id_text: String,
    /// `id_end[n]`: end of node n's id in `id_text` (its start is `id_end[n-1]`).
    id_end: Vec<u32>,
    graph: Topology,
    node_fields: Arena,
    edge_fields: Arena,
    /// `kind_nodes[kind_start[k]..kind_start[k+1]]`: the nodes of kind k.
    kind_start: Vec<u32>,
    kind_nodes: Vec<NodeIx>,
    /// Per global (kind, field) slot of the schema: where its enum values
    /// start in `enum_start`, or `u32::MAX` for a field that is not an enum.
    enum_base: Vec<u32>,
    /// `enum_nodes[enum_start[b+v]..enum_start[b+v+1]]`: nodes with value v.
    enum_start: Vec<u32>,
    enum_nodes: Vec<NodeIx>,
    /// `out_list[out_start[n]..out_start[n+1]]`: the edges leaving n, by
    /// (kind, target, fields). Edges are numbered in that order, so this
    /// is `0..edge_count`; it is kept to hand out slices.
    out_start: Vec<u32>,
    out_list: Vec<EdgeIx>,
    /// `in_list[in_start[n]..in_start[n+1]]`: the edges entering n, by
    /// (kind, source, fields).
    in_start: Vec<u32>,
    in_list: Vec<EdgeIx>,
    /// Each node's edges of `out_list` and `in_list` by kind: finding a
    /// node's edges of one kind scans its few runs.
    out_runs: Runs,
    in_runs: Runs,
    /// The number of edges of each kind, by edge kind id.
    kind_edges: Vec<u32>,
    /// Heap bytes of text and list values, each shared text counted once.
    value_heap: usize,
}

/// Present fields of many items: item i's are `slot/val[start[i]..start[i+1]]`,
/// sorted by slot.
#[derive(Clone, Debug, Default)]
struct Arena {
    start: Vec<u32>,
    slot: Vec<FieldId>,
    val: Vec<Value>,
    /// Per item, four bits per slot below 16: 1 + the slot's place among
    /// the item's values, 0 when absent. A field is then read without
    /// scanning the item's slots (kinds have few fields).
    place: Vec<u64>,
    /// Whether every item's places fit `place` (at most 15 values among
    /// slots below 16); if not, every read scans. (Off for edges: few have
    /// fields, and their reads are rare.)
    placed: bool,
}

impl Arena {
    /// With `placed`, reads by `place`; else by scanning.
    fn with_capacity(items: usize, values: usize, placed: bool) -> Arena {
        let mut start = Vec::with_capacity(items + 1);
        start.push(0);
        Arena {
            start,
            slot: Vec::with_capacity(values),
            val: Vec::with_capacity(values),
            place: Vec::with_capacity(if placed { items } else { 0 }),
            placed,
        }
    }

    /// Appends one item's fields (sorted by slot). `None` if over 2^32 values.
    fn push(&mut self, fields: Vec<(FieldId, Value)>) -> Option<()> {
        let mut place = 0u64;
        debug_assert!(fields.windows(2).all(|w| matches!(w, [a, b] if a.0 < b.0)));
        for (i, (f, v)) in fields.into_iter().enumerate() {
            if self.placed && f.0 < 16 {
                // Places 1 to 15: the 16th value of a node has none.
                match u64::try_from(i) {
                    Ok(i) if i < 15 => place |= (i + 1) << (4 * f.0),
                    _ => self.placed = false,
                }
            }
            self.slot.push(f);
            self.val.push(v);
        }
        if self.placed {
            self.place.push(place);
        }
        self.start.push(u32::try_from(self.val.len()).ok()?);
        Some(())
    }

    fn range(&self, i: usize) -> (usize, usize) {
        let s = self.start.get(i).copied().unwrap_or(0) as usize;
        let e = self.start.get(i + 1).copied().unwrap_or(0) as usize;
        (s, e.max(s))
    }

    fn item(&self, i: usize) -> (&[FieldId], &[Value]) {
        let (s, e) = self.range(i);
        (
            self.slot.get(s..e).unwrap_or_default(),
            self.val.get(s..e).unwrap_or_default(),
        )
    }

    #[inline]
    fn get(&self, i: usize, f: FieldId) -> Option<&Value> {
        if self.placed && f.0 < 16 {
            let p = (*self.place.get(i)? >> (4 * f.0)) & 0xF;
            if p == 0 {
                return None;
            }
            let s = *self.start.get(i)? as usize;
            return self.val.get(s + p as usize - 1);
        }
        let (s, e) = self.range(i);
        // (Slots are sorted: past `f`, it is absent.)
        for (p, x) in self.slot.get(s..e)?.iter().enumerate() {
            if *x >= f {
                return if *x == f { self.val.get(s + p) } else { None };
            }
        }
        None
    }

    fn heap_bytes(&self) -> usize {
        self.start.capacity() * size_of::<u32>()
            + self.slot.capacity() * size_of::<FieldId>()
            + self.val.capacity() * size_of::<Value>()
            + self.place.capacity() * size_of::<u64>()
    }

    fn same(&self, other: &Arena) -> bool {
        self.start == other.start
            && self.slot == other.slot
            && self.val.len() == other.val.len()
            && self.val.iter().zip(&other.val).all(|(a, b)| a.same_repr(b))
    }
}

/// A slice of `list` between two offsets of `start`, empty if out of range.
fn span<'a, T>(start: &[u32], list: &'a [T], i: usize) -> &'a [T] {
    let s = start.get(i).copied().unwrap_or(0) as usize;
    let e = start.get(i + 1).copied().unwrap_or(0) as usize;
    list.get(s..e).unwrap_or_default()
}

impl CaseGraph {
    /// The case id (the envelope's `id`).
    pub fn case_id(&self) -> &str {
        &self.case_id
    }

    /// The schema the case was loaded against.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The schema, shared.
    pub fn schema_arc(&self) -> &Arc<Schema> {
        &self.schema
    }

    /// The number of nodes.
    pub fn node_count(&self) -> usize {
        self.id_end.len()
    }

    /// The number of edges.
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// Every node, in id order.
    pub fn nodes(&self) -> impl ExactSizeIterator<Item = NodeIx> + use<> {
        (0..u32::try_from(self.node_count()).unwrap_or(0)).map(NodeIx)
    }

    /// Every edge, in (source id, kind, target id, fields) order.
    pub fn edges(&self) -> impl ExactSizeIterator<Item = EdgeIx> + use<> {
        (0..u32::try_from(self.edge_count()).unwrap_or(0)).map(EdgeIx)
    }

    /// The node's id (its JSON `id`); `""` for an index not of this graph.
    pub fn node_id(&self, n: NodeIx) -> &str {
        let i = n.index();
        let end = match self.id_end.get(i) {
            Some(&e) => e as usize,
            None => return "",
        };
        let start = match i.checked_sub(1) {
            Some(p) => self.id_end.get(p).copied().unwrap_or(0) as usize,
            None => 0,
        };
        self.id_text.get(start..end).unwrap_or_default()
    }

    /// The node with this id (binary search over the sorted ids).
    pub fn node_by_id(&self, id: &str) -> Option<NodeIx> {
        let (mut lo, mut hi) = (0usize, self.node_count());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let m = NodeIx(u32::try_from(mid).ok()?);
            match self.node_id(m).cmp(id) {
                Ordering::Less => lo = mid + 1,
                Ordering::Greater => hi = mid,
                Ordering::Equal => return Some(m),
            }
        }
        None
    }

    /// The node's kind; `KindId(u16::MAX)` for an index not of this graph.
    pub fn node_kind(&self, n: NodeIx) -> KindId {
        self.graph
            .node_weight(n.into())
            .copied()
            .unwrap_or(KindId(u16::MAX))
    }

    /// A field of a node; `None` when it is absent or was `null`.
    pub fn field(&self, n: NodeIx, f: FieldId) -> Option<&Value> {
        self.node_fields.get(n.index(), f)
    }

    /// The node's present fields, in slot order.
    pub fn fields(&self, n: NodeIx) -> impl Iterator<Item = (FieldId, &Value)> {
        let (slots, vals) = self.node_fields.item(n.index());
        slots.iter().copied().zip(vals)
    }

    /// The nodes of a kind, in id order.
    pub fn nodes_of_kind(&self, k: KindId) -> &[NodeIx] {
        span(&self.kind_start, &self.kind_nodes, usize::from(k.0))
    }

    /// The nodes of kind `k` whose enum field `f` has value `value`, in id
    /// order. For a `list(enum)` field: the nodes whose list contains it.
    /// Empty if none, or if `f` is not an enum field of `k`.
    pub fn nodes_with_enum(&self, k: KindId, f: FieldId, value: u16) -> &[NodeIx] {
        let Some(g) = self.schema.global_field(k, f) else {
            return &[];
        };
        let Some(&base) = self.enum_base.get(g) else {
            return &[];
        };
        if base == u32::MAX {
            return &[];
        }
        let count = self
            .schema
            .field_def(k, f)
            .and_then(|d| d.ty.enum_id())
            .and_then(|e| self.schema.enum_def(e))
            .map_or(0, |d| d.values.len());
        if usize::from(value) >= count {
            return &[];
        }
        span(
            &self.enum_start,
            &self.enum_nodes,
            base as usize + usize::from(value),
        )
    }

    /// The node of a singleton kind (the `case` node); `None` if `k` is not a
    /// singleton kind.
    pub fn singleton(&self, k: KindId) -> Option<NodeIx> {
        if !self.schema.kind(k)?.singleton {
            return None;
        }
        match self.nodes_of_kind(k) {
            [n] => Some(*n),
            _ => None,
        }
    }

    /// Node `i`'s edges of kind `k` in `list` (`start`: where each node's
    /// edges begin), found among its runs.
    fn of_kind<'s>(
        list: &'s [EdgeIx],
        start: &[u32],
        runs: &Runs,
        i: usize,
        k: EdgeKindId,
    ) -> &'s [EdgeIx] {
        let mut lo = start.get(i).copied().unwrap_or(0);
        for &(kind, end) in span(&runs.start, &runs.runs, i) {
            if kind == k {
                return list.get(lo as usize..end as usize).unwrap_or_default();
            }
            if kind > k {
                break;
            }
            lo = end;
        }
        &[]
    }

    /// The edges of kind `k` leaving `n`, sorted by (target id, edge fields).
    pub fn out_edges(&self, n: NodeIx, k: EdgeKindId) -> &[EdgeIx] {
        Self::of_kind(
            &self.out_list,
            &self.out_start,
            &self.out_runs,
            n.index(),
            k,
        )
    }

    /// The edges of kind `k` entering `n`, sorted by (source id, edge fields).
    pub fn in_edges(&self, n: NodeIx, k: EdgeKindId) -> &[EdgeIx] {
        Self::of_kind(&self.in_list, &self.in_start, &self.in_runs, n.index(), k)
    }

    /// The number of edges of kind `k` in the case.
    pub fn edges_of_kind_count(&self, k: EdgeKindId) -> usize {
        self.kind_edges
            .get(usize::from(k.0))
            .map_or(0, |&c| c as usize)
    }

    /// Every edge leaving `n`, sorted by (kind, target id, fields).
    pub fn all_out_edges(&self, n: NodeIx) -> &[EdgeIx] {
        span(&self.out_start, &self.out_list, n.index())
    }

    /// Every edge entering `n`, sorted by (kind, source id, fields).
    pub fn all_in_edges(&self, n: NodeIx) -> &[EdgeIx] {
        span(&self.in_start, &self.in_list, n.index())
    }

    /// The edge's source; `NodeIx(u32::MAX)` for an index not of this graph.
    pub fn edge_source(&self, e: EdgeIx) -> NodeIx {
        self.graph
            .edge_endpoints(e.into())
            .map_or(NodeIx(u32::MAX), |(s, _)| s.into())
    }

    /// The edge's target; `NodeIx(u32::MAX)` for an index not of this graph.
    pub fn edge_target(&self, e: EdgeIx) -> NodeIx {
        self.graph
            .edge_endpoints(e.into())
            .map_or(NodeIx(u32::MAX), |(_, t)| t.into())
    }

    /// The edge's kind; `EdgeKindId(u16::MAX)` for an index not of this graph.
    pub fn edge_kind(&self, e: EdgeIx) -> EdgeKindId {
        self.graph
            .edge_weight(e.into())
            .copied()
            .unwrap_or(EdgeKindId(u16::MAX))
    }

    /// A field of an edge; `None` when it is absent or was `null`.
    pub fn edge_field(&self, e: EdgeIx, f: FieldId) -> Option<&Value> {
        self.edge_fields.get(e.index(), f)
    }

    /// The edge's present fields, in slot order.
    pub fn edge_fields(&self, e: EdgeIx) -> impl Iterator<Item = (FieldId, &Value)> {
        let (slots, vals) = self.edge_fields.item(e.index());
        slots.iter().copied().zip(vals)
    }

    /// The petgraph graph of the case, for graph algorithms; its indices are
    /// [`NodeIx`] and [`EdgeIx`] (convert with `.into()`).
    pub fn petgraph(&self) -> &Topology {
        &self.graph
    }

    /// Approximate heap bytes owned by the graph (not the shared schema):
    /// every vector's capacity, the petgraph graph, and text and list values.
    pub fn heap_bytes(&self) -> usize {
        let (gn, ge) = self.graph.capacity();
        let u32s = self.id_end.capacity()
            + self.kind_start.capacity()
            + self.enum_base.capacity()
            + self.enum_start.capacity()
            + self.out_start.capacity()
            + self.in_start.capacity()
            + self.kind_edges.capacity();
        let ixs = self.kind_nodes.capacity()
            + self.enum_nodes.capacity()
            + self.out_list.capacity()
            + self.in_list.capacity();
        self.case_id.len()
            + self.id_text.capacity()
            + u32s * size_of::<u32>()
            + ixs * size_of::<u32>()
            + self.out_runs.heap_bytes()
            + self.in_runs.heap_bytes()
            + gn * size_of::<petgraph::graph::Node<KindId, u32>>()
            + ge * size_of::<petgraph::graph::Edge<EdgeKindId, u32>>()
            + self.node_fields.heap_bytes()
            + self.edge_fields.heap_bytes()
            + self.value_heap
    }
}

impl PartialEq for CaseGraph {
    fn eq(&self, other: &CaseGraph) -> bool {
        (Arc::ptr_eq(&self.schema, &other.schema) || self.schema == other.schema)
            && self.case_id == other.case_id
            && self.id_text == other.id_text
            && self.id_end == other.id_end
            && self
                .nodes()
                .all(|n| self.node_kind(n) == other.node_kind(n))
            && self.node_fields.same(&other.node_fields)
            && self.edge_count() == other.edge_count()
            && self.edges().all(|e| {
                self.edge_kind(e) == other.edge_kind(e)
                    && self.edge_source(e) == other.edge_source(e)
                    && self.edge_target(e) == other.edge_target(e)
            })
            && self.edge_fields.same(&other.edge_fields)
    }
}

impl Eq for CaseGraph {}

/// A validated node, before numbering.
#[derive(Debug)]
pub(crate) struct RawNode<'a> {
    pub(crate) id: &'a str,
    pub(crate) kind: KindId,
    /// Sorted by field id.
    pub(crate) fields: Vec<(FieldId, Value)>,
}

/// A validated edge, before numbering; endpoints index the raw nodes.
#[derive(Debug)]
pub(crate) struct RawEdge {
    pub(crate) kind: EdgeKindId,
    pub(crate) from: u32,
    pub(crate) to: u32,
    /// Sorted by field id.
    pub(crate) fields: Vec<(FieldId, Value)>,
}

/// Orders two field lists (sorted by slot, absent slots left out) as dense
/// rows of `Option<Value>` with `None` first.
fn cmp_fields(a: &[(FieldId, Value)], b: &[(FieldId, Value)]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let o = match x.0.cmp(&y.0) {
            // `b` lacks x's slot: `b` is smaller there.
            Ordering::Less => Ordering::Greater,
            Ordering::Greater => Ordering::Less,
            Ordering::Equal => x.1.total_cmp(&y.1),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    a.len().cmp(&b.len())
}

/// Offsets from counts: `start[k]` = sum of `counts[..k]`. `None` on overflow.
fn prefix_sums(counts: &[u32]) -> Option<Vec<u32>> {
    let mut start = Vec::with_capacity(counts.len() + 1);
    let mut acc = 0u32;
    start.push(0);
    for c in counts {
        acc = acc.checked_add(*c)?;
        start.push(acc);
    }
    Some(start)
}

/// Each node's edges of a list by kind: node n's runs are
/// `runs[start[n]..start[n+1]]`, each (kind, end): the position in the list
/// after its last edge of that kind (a run begins where the one before it
/// ends, the first where the node's edges begin).
#[derive(Clone, Debug, Default)]
struct Runs {
    start: Vec<u32>,
    runs: Vec<(EdgeKindId, u32)>,
}

impl Runs {
    /// The runs of the edges at `edge_start[n]..edge_start[n+1]` for each
    /// node, whose kinds (`kind(position)`) are sorted.
    fn new(edge_start: &[u32], kind: impl Fn(usize) -> EdgeKindId) -> Option<Runs> {
        let mut out = Runs {
            start: Vec::with_capacity(edge_start.len()),
            runs: vec![],
        };
        out.start.push(0);
        for w in edge_start.windows(2) {
            let &[s, e] = w else { continue };
            let first = out.runs.len();
            for p in s..e {
                let k = kind(p as usize);
                let mine = out.runs.len() > first;
                match out.runs.last_mut() {
                    Some((last, end)) if mine && *last == k => *end = p + 1,
                    _ => out.runs.push((k, p + 1)),
                }
            }
            out.start.push(u32::try_from(out.runs.len()).ok()?);
        }
        Some(out)
    }

    fn heap_bytes(&self) -> usize {
        self.start.capacity() * size_of::<u32>()
            + self.runs.capacity() * size_of::<(EdgeKindId, u32)>()
    }
}

/// Counting sort of (key, item) pairs (keys < `buckets`), stable, so items
/// pushed in order stay in order within a key.
fn bucket<T: Copy>(pairs: &[(u32, T)], buckets: usize, zero: T) -> Option<(Vec<u32>, Vec<T>)> {
    let mut counts = vec![0u32; buckets];
    for (k, _) in pairs {
        *counts.get_mut(*k as usize)? += 1;
    }
    let start = prefix_sums(&counts)?;
    let mut fill: Vec<u32> = start.clone();
    let mut out = vec![zero; pairs.len()];
    for (k, n) in pairs {
        let at = fill.get_mut(*k as usize)?;
        *out.get_mut(*at as usize)? = *n;
        *at += 1;
    }
    Some((start, out))
}

/// Numbers validated nodes and edges in canonical order and builds every
/// index. `None` only if a count overflows `u32`.
pub(crate) fn assemble(
    schema: Arc<Schema>,
    case_id: &str,
    nodes: Vec<RawNode<'_>>,
    edges: Vec<RawEdge>,
) -> Option<CaseGraph> {
    // Nodes in id order; `rank[raw index]` is the NodeIx. Sorting small
    // (id, index) keys moves less memory than sorting the nodes. The ids'
    // first 16 bytes, big-endian and zero-padded, order like the ids
    // wherever they differ, so most comparisons are one integer compare;
    // ids are unique, so the index never decides.
    let mut keys: Vec<(u128, &str, u32)> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| Some((id_prefix(n.id), n.id, u32::try_from(i).ok()?)))
        .collect::<Option<_>>()?;
    keys.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    let mut rank = vec![0u32; nodes.len()];
    for (r, (_, _, raw)) in keys.iter().enumerate() {
        *rank.get_mut(*raw as usize)? = u32::try_from(r).ok()?;
    }
    let mut slots: Vec<Option<RawNode<'_>>> = nodes.into_iter().map(Some).collect();
    let nodes: Vec<RawNode<'_>> = keys
        .iter()
        .map(|(_, _, raw)| slots.get_mut(*raw as usize)?.take())
        .collect::<Option<_>>()?;
    drop(slots);

    // Edges in (source, kind, target, fields) order: a counting sort by
    // source, then a sort of each source's few edges.
    let edges: Vec<RawEdge> = edges
        .into_iter()
        .map(|mut e| {
            e.from = *rank.get(e.from as usize)?;
            e.to = *rank.get(e.to as usize)?;
            Some(e)
        })
        .collect::<Option<_>>()?;
    let by_source: Vec<(u32, u32)> = edges
        .iter()
        .enumerate()
        .map(|(i, e)| Some((e.from, u32::try_from(i).ok()?)))
        .collect::<Option<_>>()?;
    let (source_start, mut order) = bucket(&by_source, nodes.len(), 0)?;
    drop(by_source);
    for w in source_start.windows(2) {
        let &[s, e] = w else { continue };
        let Some(run) = order.get_mut(s as usize..e as usize) else {
            continue;
        };
        if run.len() > 1 {
            run.sort_by(
                |&a, &b| match (edges.get(a as usize), edges.get(b as usize)) {
                    (Some(a), Some(b)) => (a.kind, a.to)
                        .cmp(&(b.kind, b.to))
                        .then_with(|| cmp_fields(&a.fields, &b.fields)),
                    _ => Ordering::Equal,
                },
            );
        }
    }
    let mut slots: Vec<Option<RawEdge>> = edges.into_iter().map(Some).collect();
    let mut edges: Vec<RawEdge> = order
        .iter()
        .map(|&raw| slots.get_mut(raw as usize)?.take())
        .collect::<Option<_>>()?;
    drop(slots);
    drop(order);
    // An edge written twice (same kind, ends and fields, to the
    // representation) is one relation, kept once: a count or a sum over it
    // must not see it twice. Sorted, the copies are neighbours.
    edges.dedup_by(|b, a| {
        (a.from, a.kind, a.to) == (b.from, b.kind, b.to)
            && cmp_fields(&a.fields, &b.fields) == Ordering::Equal
    });

    let id_bytes: usize = nodes.iter().map(|n| n.id.len()).sum();
    let node_values: usize = nodes.iter().map(|n| n.fields.len()).sum();
    let edge_values: usize = edges.iter().map(|e| e.fields.len()).sum();
    let mut graph = Topology::with_capacity(nodes.len(), edges.len());
    let mut id_text = String::with_capacity(id_bytes);
    let mut id_end = Vec::with_capacity(nodes.len());
    let mut node_fields = Arena::with_capacity(nodes.len(), node_values, true);
    let mut kind_pairs = Vec::with_capacity(nodes.len());
    let mut enum_pairs = Vec::new();
    let enum_base = enum_bases(&schema)?;
    for (ix, n) in nodes.into_iter().enumerate() {
        let ix = NodeIx(u32::try_from(ix).ok()?);
        id_text.push_str(n.id);
        id_end.push(u32::try_from(id_text.len()).ok()?);
        graph.try_add_node(n.kind).ok()?;
        kind_pairs.push((u32::from(n.kind.0), ix));
        for (f, v) in &n.fields {
            let Some(base) = schema
                .global_field(n.kind, *f)
                .and_then(|g| enum_base.get(g).copied())
                .filter(|b| *b != u32::MAX)
            else {
                continue;
            };
            match v {
                Value::Enum(x) => enum_pairs.push((base.checked_add(u32::from(*x))?, ix)),
                Value::List(items) => {
                    let mut seen: Vec<u16> = items.iter().filter_map(Value::as_enum).collect();
                    seen.sort_unstable();
                    seen.dedup();
                    for x in seen {
                        enum_pairs.push((base.checked_add(u32::from(x))?, ix));
                    }
                }
                _ => {}
            }
        }
        node_fields.push(n.fields)?;
    }
    let kind_count = schema.node_kinds().count();
    let (kind_start, kind_nodes) = bucket(&kind_pairs, kind_count, NodeIx(0))?;
    let enum_slots = enum_slot_count(&schema)?;
    let (enum_start, enum_nodes) = bucket(&enum_pairs, enum_slots, NodeIx(0))?;

    let n = id_end.len();
    let mut out_counts = vec![0u32; n];
    let mut edge_fields = Arena::with_capacity(edges.len(), edge_values, false);
    let mut by_target: Vec<(u32, EdgeIx)> = Vec::with_capacity(edges.len());
    let mut kinds: Vec<EdgeKindId> = Vec::with_capacity(edges.len());
    for (i, e) in edges.into_iter().enumerate() {
        let ix = EdgeIx(u32::try_from(i).ok()?);
        graph
            .try_add_edge(
                NodeIndex::new(e.from as usize),
                NodeIndex::new(e.to as usize),
                e.kind,
            )
            .ok()?;
        *out_counts.get_mut(e.from as usize)? += 1;
        by_target.push((e.to, ix));
        kinds.push(e.kind);
        edge_fields.push(e.fields)?;
    }
    // The edges entering each node by (kind, edge index): a stable counting
    // sort by target keeps the edge order, then each target's edges are
    // sorted by kind, stably.
    let (in_start, mut in_list) = bucket(&by_target, n, EdgeIx(0))?;
    drop(by_target);
    for w in in_start.windows(2) {
        let &[s, e] = w else { continue };
        let Some(run) = in_list.get_mut(s as usize..e as usize) else {
            continue;
        };
        let kind = |x: &EdgeIx| kinds.get(x.index()).copied();
        if !run.is_sorted_by_key(kind) {
            run.sort_by_key(kind);
        }
    }
    let out_list: Vec<EdgeIx> = graph.edge_indices().map(EdgeIx::from).collect();
    let out_start = prefix_sums(&out_counts)?;
    let kind_of = |list: &[EdgeIx], p: usize| {
        list.get(p)
            .and_then(|e| kinds.get(e.index()))
            .copied()
            .unwrap_or(EdgeKindId(u16::MAX))
    };
    let out_runs = Runs::new(&out_start, |p| kind_of(&out_list, p))?;
    let in_runs = Runs::new(&in_start, |p| kind_of(&in_list, p))?;
    let mut kind_edges: Vec<u32> = vec![];
    for k in &kinds {
        let i = usize::from(k.0);
        if kind_edges.len() <= i {
            kind_edges.resize(i + 1, 0);
        }
        *kind_edges.get_mut(i)? += 1;
    }
    drop(kinds);

    let mut g = CaseGraph {
        schema,
        case_id: case_id.into(),
        id_text,
        id_end,
        graph,
        node_fields,
        edge_fields,
        kind_start,
        kind_nodes,
        enum_base,
        enum_start,
        enum_nodes,
        out_start,
        out_list,
        in_start,
        in_list,
        out_runs,
        in_runs,
        kind_edges,
        value_heap: 0,
    };
    g.value_heap = value_heap(&g);
    Some(g)
}

/// The first 16 bytes of an id, zero-padded, as a big-endian number: for
/// two ids, `id_prefix(a) < id_prefix(b)` implies `a < b`, and `a < b`
/// implies `id_prefix(a) <= id_prefix(b)`.
fn id_prefix(id: &str) -> u128 {
    let mut b = [0u8; 16];
    let n = id.len().min(16);
    if let (Some(dst), Some(src)) = (b.get_mut(..n), id.as_bytes().get(..n)) {
        dst.copy_from_slice(src);
    }
    u128::from_be_bytes(b)
}

/// Whether a field type is indexed by [`CaseGraph::nodes_with_enum`].
fn indexed_enum(ty: &Type) -> Option<super::value::EnumId> {
    match ty {
        Type::Enum(e) => Some(*e),
        Type::List(inner) => match **inner {
            Type::Enum(e) => Some(e),
            _ => None,
        },
        _ => None,
    }
}

/// Per global field slot: the start of its enum values in the enum index.
fn enum_bases(schema: &Schema) -> Option<Vec<u32>> {
    let mut bases = vec![u32::MAX; schema.global_field_count()];
    let mut next = 0u32;
    for (k, def) in schema.node_kinds() {
        for (i, f) in def.fields.iter().enumerate() {
            let Some(e) = indexed_enum(&f.ty) else {
                continue;
            };
            let g = schema.global_field(k, FieldId(u16::try_from(i).ok()?))?;
            *bases.get_mut(g)? = next;
            let n = schema.enum_def(e).map_or(0, |d| d.values.len());
            next = next.checked_add(u32::try_from(n).ok()?)?;
        }
    }
    Some(bases)
}

fn enum_slot_count(schema: &Schema) -> Option<usize> {
    let mut n = 0usize;
    for (_, def) in schema.node_kinds() {
        for f in &def.fields {
            if let Some(e) = indexed_enum(&f.ty) {
                n = n.checked_add(schema.enum_def(e).map_or(0, |d| d.values.len()))?;
            }
        }
    }
    Some(n)
}

/// Heap bytes of the text and list values, each shared `Arc` counted once.
fn value_heap(g: &CaseGraph) -> usize {
    let mut seen: HashSet<usize> = HashSet::new();
    let mut total = 0usize;
    for v in g.node_fields.val.iter().chain(&g.edge_fields.val) {
        match v {
            // The Arc's address identifies a shared text.
            Value::Text(s) if seen.insert(s.as_ptr() as usize) => total += v.heap_bytes(),
            Value::List(_) => total += v.heap_bytes(),
            _ => {}
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_is_send_sync_clone() {
        fn check<T: Send + Sync + Clone + std::fmt::Debug>() {}
        check::<CaseGraph>();
        check::<Schema>();
    }

    #[test]
    fn field_order_is_dense_with_none_first() {
        let v = |i| Value::Int(i);
        let a = [(FieldId(0), v(1))];
        let b = [(FieldId(1), v(0))];
        // `b` has no slot 0: None < Some.
        assert_eq!(cmp_fields(&b, &a), Ordering::Less);
        assert_eq!(cmp_fields(&a, &b), Ordering::Greater);
        assert_eq!(cmp_fields(&[], &a), Ordering::Less);
        assert_eq!(cmp_fields(&a, &a), Ordering::Equal);
    }

    #[test]
    fn out_of_range_indices_do_not_panic() {
        let mut b = Schema::builder();
        b.add_node_kind("n", false, vec![]).unwrap();
        let s = Arc::new(b.build().unwrap());
        let g = assemble(s, "k", vec![], vec![]).unwrap();
        assert_eq!(g.node_id(NodeIx(7)), "");
        assert_eq!(g.node_kind(NodeIx(7)), KindId(u16::MAX));
        assert_eq!(g.edge_source(EdgeIx(7)), NodeIx(u32::MAX));
        assert!(g.out_edges(NodeIx(7), EdgeKindId(0)).is_empty());
        assert!(g.nodes_of_kind(KindId(9)).is_empty());
        assert!(g.nodes_with_enum(KindId(9), FieldId(0), 0).is_empty());
        assert_eq!(g.field(NodeIx(7), FieldId(0)), None);
        assert_eq!(g.node_by_id("x"), None);
    }
}

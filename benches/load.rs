//! Load throughput: generated cn-criminal cases of 1,000 / 10,000 / 100,000
//! nodes, parsed and validated into a `CaseGraph`; reported in bytes/s.
//! Also prints the graph's heap bytes per node and per edge.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../tests/common/cn_case.rs"]
mod cn_case;
#[path = "../tests/common/cn_schema.rs"]
mod cn_schema;

use std::hint::black_box;
use std::sync::Arc;

use caselint::graph::CaseGraph;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

fn load(c: &mut Criterion) {
    let schema = cn_schema::cn_schema_arc();
    let mut group = c.benchmark_group("load");
    for nodes in [1_000usize, 10_000, 100_000] {
        let text = cn_case::generate_case(nodes, 42);
        let g = CaseGraph::from_json(Arc::clone(&schema), &text).unwrap();
        println!(
            "{nodes} nodes: {} bytes of JSON, {} nodes, {} edges, heap {} bytes = {:.1} heap bytes per node (edges included), {:.1} input bytes per node",
            text.len(),
            g.node_count(),
            g.edge_count(),
            g.heap_bytes(),
            g.heap_bytes() as f64 / g.node_count() as f64,
            text.len() as f64 / g.node_count() as f64,
        );
        group.throughput(Throughput::Bytes(text.len() as u64));
        if nodes >= 100_000 {
            group.sample_size(10);
        }
        group.bench_with_input(BenchmarkId::from_parameter(nodes), &text, |b, text| {
            b.iter(|| CaseGraph::from_json(Arc::clone(&schema), black_box(text)).unwrap());
        });
    }
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);

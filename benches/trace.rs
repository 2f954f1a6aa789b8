//! Origin tracing on a gas-like network of 38 nodes, 8 origins and about 150
//! flows (reference measured on a 2-core AMD EPYC before this tracer was
//! written: 1.3 µs topological sweep, 25 µs dense LU 38×38).
//!
//! - `topological`: acyclic flows, the common case.
//! - `cyclic_scc_lu`: the same flows plus a ring of flows through every node,
//!   so the whole network is one strongly connected component (worst case
//!   for the per-component LU).
//! - `cyclic_dense_lu`: the same cyclic input through the whole-system
//!   reference solver.

use criterion::{Criterion, criterion_group, criterion_main};
use gasdep::trace::{TracePath, Tracer};
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::hint::black_box;

const NODES: usize = 38;
const ORIGINS: usize = 8;
const FLOWS: usize = 150;

fn network(cyclic: bool) -> (Vec<f64>, Vec<(u32, u32, f64)>) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(2010);
    // A third of the nodes have supplies of their own (production, LNG,
    // storage withdrawal), each from a few origins.
    let mut external = vec![0.0; NODES * ORIGINS];
    for j in 0..NODES {
        if rng.random_range(0..3) == 0 {
            for _ in 0..3 {
                external[j * ORIGINS + rng.random_range(0..ORIGINS)] +=
                    rng.random_range(1.0..100.0);
            }
        }
    }
    // Node 0 is always supplied so every node downstream has gas.
    external[0] += 500.0;
    let mut edges = Vec::with_capacity(FLOWS + NODES);
    // Flows go from lower to higher index: acyclic. Every node gets one
    // inflow from a lower node, the rest at random.
    for j in 1..NODES {
        edges.push((
            rng.random_range(0..j) as u32,
            j as u32,
            rng.random_range(1.0..50.0),
        ));
    }
    while edges.len() < FLOWS {
        let a = rng.random_range(0..NODES - 1);
        let b = rng.random_range(a + 1..NODES);
        edges.push((a as u32, b as u32, rng.random_range(1.0..50.0)));
    }
    if cyclic {
        // Small back flows j+1 -> j close one cycle through all nodes (they
        // are netted against forward flows on the same pair where present).
        for j in 0..NODES {
            edges.push((
                ((j + 1) % NODES) as u32,
                j as u32,
                rng.random_range(60.0..80.0),
            ));
        }
    }
    (external, edges)
}

fn bench(c: &mut Criterion) {
    let (ext, dag) = network(false);
    let (ext_c, cyc) = network(true);
    let mut t = Tracer::new(NODES, ORIGINS);
    assert_eq!(t.trace(&ext, &dag), Ok(TracePath::Topological));
    assert_eq!(t.trace(&ext_c, &cyc), Ok(TracePath::Lu));

    let mut g = c.benchmark_group("trace_38_nodes");
    g.bench_function("topological", |b| {
        b.iter(|| t.trace(black_box(&ext), black_box(&dag)))
    });
    g.bench_function("cyclic_scc_lu", |b| {
        b.iter(|| t.trace(black_box(&ext_c), black_box(&cyc)))
    });
    g.bench_function("cyclic_dense_lu", |b| {
        b.iter(|| t.trace_dense(black_box(&ext_c), black_box(&cyc)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

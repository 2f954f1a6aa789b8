//! Network simplex on a seeded random gas-like network (40 nodes, 150 arcs):
//! cold solves, warm solves over a sequence of steps, and the pricing rule;
//! then the same kind of network at 10, 40, 100, 200 and 400 nodes (arcs
//! 3.75 × nodes) to show how cold and warm solves grow with size.
//!
//! The network: node 0 is a super source feeding every demand node through an
//! expensive "unserved" arc (and absorbing spare production through free
//! "spill" arcs from the origins), so every step is feasible; origins 1..=6
//! produce, nodes 7..=24 are transit, 25..=39 consume. Each step scales every
//! pipeline capacity, production and demand by a factor in 0.8..1.2 of its
//! nominal value. Steps are precomputed; the timed loop cycles through them.

use criterion::{Criterion, criterion_group, criterion_main};
use gasdep::solver::{INFINITE, NetworkSimplex, Topology};
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::hint::black_box;

const STEPS: usize = 256;

struct Step {
    supply: Vec<i64>,
    capacity: Vec<i64>,
}

struct Case {
    topology: Topology,
    cost: Vec<i64>,
    steps: Vec<Step>,
}

/// The 40-node, 150-arc bench network.
fn gas_case(seed: u64) -> Case {
    sized_case(seed, 40, 150)
}

/// A network of `nodes` nodes and `arcs` arcs with the bench network's
/// proportions (at 40 nodes: origins 1..=6, transit 7..=24, sinks 25..=39,
/// and the same random sequence as before this function existed).
fn sized_case(seed: u64, nodes: usize, arcs: usize) -> Case {
    let origin_end = (nodes * 6).div_ceil(40).max(1);
    let transit_end = (nodes * 24 / 40).max(origin_end + 1);
    let origins = 1..=origin_end;
    let transit = origin_end + 1..=transit_end;
    let sinks = transit_end + 1..=nodes - 1;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut t = Topology::new(nodes);
    let mut cap = Vec::new();
    let mut cost = Vec::new();
    for s in sinks.clone() {
        t.add_arc(0, s);
        cap.push(INFINITE);
        cost.push(10_000);
    }
    for o in origins.clone() {
        t.add_arc(o, 0);
        cap.push(INFINITE);
        cost.push(0);
    }
    // Pipelines: origin -> transit, transit <-> transit, transit -> sink,
    // and a few sink -> sink interconnectors.
    while t.num_arcs() < arcs {
        let (u, v) = match rng.random_range(0..10) {
            0..=2 => (
                rng.random_range(origins.clone()),
                rng.random_range(transit.clone()),
            ),
            3..=5 => (
                rng.random_range(transit.clone()),
                rng.random_range(transit.clone()),
            ),
            6..=8 => (
                rng.random_range(transit.clone()),
                rng.random_range(sinks.clone()),
            ),
            _ => (
                rng.random_range(sinks.clone()),
                rng.random_range(sinks.clone()),
            ),
        };
        if u == v {
            continue;
        }
        t.add_arc(u, v);
        cap.push(rng.random_range(20..=300));
        cost.push(rng.random_range(1..=100));
    }
    let production: Vec<i64> = origins
        .clone()
        .map(|_| rng.random_range(100..=600))
        .collect();
    let demand: Vec<i64> = sinks.clone().map(|_| rng.random_range(50..=250)).collect();
    let scale = |x: i64, rng: &mut Xoshiro256PlusPlus| {
        (x as f64 * rng.random_range(0.8..1.2)).round() as i64
    };
    let steps = (0..STEPS)
        .map(|_| {
            let capacity = cap
                .iter()
                .map(|&c| if c == INFINITE { c } else { scale(c, &mut rng) })
                .collect();
            let mut supply = vec![0i64; nodes];
            for (i, o) in origins.clone().enumerate() {
                supply[o] = scale(production[i], &mut rng);
            }
            for (i, s) in sinks.clone().enumerate() {
                supply[s] = -scale(demand[i], &mut rng);
            }
            supply[0] = -supply.iter().sum::<i64>();
            Step { supply, capacity }
        })
        .collect();
    Case {
        topology: t,
        cost,
        steps,
    }
}

/// Pivot counts and fallbacks, printed once (not timed).
fn report(label: &str, case: &Case) {
    let mut cold = NetworkSimplex::new(&case.topology);
    let mut warm = NetworkSimplex::new(&case.topology);
    let (mut ci, mut wi, mut fallbacks) = (0, 0, 0);
    for s in &case.steps {
        let c = cold.solve(&s.supply, &s.capacity, &case.cost).unwrap();
        let w = warm.solve_warm(&s.supply, &s.capacity, &case.cost).unwrap();
        assert_eq!(c.objective, w.objective);
        ci += c.iterations;
        wi += w.iterations;
        fallbacks += warm.last_solve_was_cold() as u32;
    }
    let n = case.steps.len() as f64;
    eprintln!(
        "{label}: pivots per solve cold {:.1}, warm {:.1}; warm fell back cold {fallbacks}/{} times",
        ci as f64 / n,
        wi as f64 / n,
        case.steps.len()
    );
}

fn bench(c: &mut Criterion) {
    let case = gas_case(20_240_601);
    report("gas 40x150", &case);
    let mut group = c.benchmark_group("gas_40x150");
    let mut solver = NetworkSimplex::new(&case.topology);
    let mut i = 0;
    group.bench_function("cold", |b| {
        b.iter(|| {
            let s = &case.steps[i % STEPS];
            i += 1;
            black_box(solver.solve(&s.supply, &s.capacity, &case.cost).unwrap())
        })
    });
    let mut solver = NetworkSimplex::new(&case.topology);
    let mut i = 0;
    group.bench_function("warm", |b| {
        b.iter(|| {
            let s = &case.steps[i % STEPS];
            i += 1;
            black_box(
                solver
                    .solve_warm(&s.supply, &s.capacity, &case.cost)
                    .unwrap(),
            )
        })
    });
    // Pricing rule: 1 = first eligible, 190 = Dantzig (all arcs), default
    // = about sqrt(arcs) (block search).
    for block in [1usize, 40, 190] {
        let mut solver = NetworkSimplex::new(&case.topology);
        solver.set_block_size(block);
        let mut i = 0;
        group.bench_function(format!("cold_block_{block}"), |b| {
            b.iter(|| {
                let s = &case.steps[i % STEPS];
                i += 1;
                black_box(solver.solve(&s.supply, &s.capacity, &case.cost).unwrap())
            })
        });
    }
    group.finish();

    // Growth with size: warm and cold solves over each network's steps.
    let mut group = c.benchmark_group("gas_scaling");
    group.warm_up_time(std::time::Duration::from_millis(300));
    group.measurement_time(std::time::Duration::from_secs(1));
    group.sample_size(20);
    for nodes in [10usize, 40, 100, 200, 400] {
        let case = sized_case(7 + nodes as u64, nodes, nodes * 15 / 4);
        report(&format!("gas {nodes} nodes"), &case);
        let mut solver = NetworkSimplex::new(&case.topology);
        let mut i = 0;
        group.bench_function(format!("warm_{nodes}_nodes"), |b| {
            b.iter(|| {
                let s = &case.steps[i % STEPS];
                i += 1;
                black_box(
                    solver
                        .solve_warm(&s.supply, &s.capacity, &case.cost)
                        .unwrap(),
                )
            })
        });
        let mut i = 0;
        group.bench_function(format!("cold_{nodes}_nodes"), |b| {
            b.iter(|| {
                let s = &case.steps[i % STEPS];
                i += 1;
                black_box(solver.solve(&s.supply, &s.capacity, &case.cost).unwrap())
            })
        });
    }
    group.finish();
}

// No plots: the HTML report's plotting backend needs system fonts that CI
// machines may lack.
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = bench
}
criterion_main!(benches);

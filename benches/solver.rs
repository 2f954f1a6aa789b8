//! Network simplex on a seeded random gas-like network (40 nodes, 150 arcs):
//! cold solves, warm solves over a sequence of steps, and the pricing rule.
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

const NODES: usize = 40;
const ARCS: usize = 150;
const ORIGINS: std::ops::RangeInclusive<usize> = 1..=6;
const TRANSIT: std::ops::RangeInclusive<usize> = 7..=24;
const SINKS: std::ops::RangeInclusive<usize> = 25..=39;
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

fn gas_case(seed: u64) -> Case {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut t = Topology::new(NODES);
    let mut cap = Vec::new();
    let mut cost = Vec::new();
    for s in SINKS {
        t.add_arc(0, s);
        cap.push(INFINITE);
        cost.push(10_000);
    }
    for o in ORIGINS {
        t.add_arc(o, 0);
        cap.push(INFINITE);
        cost.push(0);
    }
    // Pipelines: origin -> transit, transit <-> transit, transit -> sink,
    // and a few sink -> sink interconnectors.
    while t.num_arcs() < ARCS {
        let (u, v) = match rng.random_range(0..10) {
            0..=2 => (rng.random_range(ORIGINS), rng.random_range(TRANSIT)),
            3..=5 => (rng.random_range(TRANSIT), rng.random_range(TRANSIT)),
            6..=8 => (rng.random_range(TRANSIT), rng.random_range(SINKS)),
            _ => (rng.random_range(SINKS), rng.random_range(SINKS)),
        };
        if u == v {
            continue;
        }
        t.add_arc(u, v);
        cap.push(rng.random_range(20..=300));
        cost.push(rng.random_range(1..=100));
    }
    let production: Vec<i64> = ORIGINS.map(|_| rng.random_range(100..=600)).collect();
    let demand: Vec<i64> = SINKS.map(|_| rng.random_range(50..=250)).collect();
    let scale = |x: i64, rng: &mut Xoshiro256PlusPlus| {
        (x as f64 * rng.random_range(0.8..1.2)).round() as i64
    };
    let steps = (0..STEPS)
        .map(|_| {
            let capacity = cap
                .iter()
                .map(|&c| if c == INFINITE { c } else { scale(c, &mut rng) })
                .collect();
            let mut supply = vec![0i64; NODES];
            for (i, o) in ORIGINS.enumerate() {
                supply[o] = scale(production[i], &mut rng);
            }
            for (i, s) in SINKS.enumerate() {
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
fn report(case: &Case) {
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
        "gas 40x150: pivots per solve cold {:.1}, warm {:.1}; warm fell back cold {fallbacks}/{} times",
        ci as f64 / n,
        wi as f64 / n,
        case.steps.len()
    );
}

fn bench(c: &mut Criterion) {
    let case = gas_case(20_240_601);
    report(&case);
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
}

criterion_group!(benches, bench);
criterion_main!(benches);

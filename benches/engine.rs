//! The real engine on the shipped default scenario
//! (`scenarios/franco-russian-2010.toml`: 22 model nodes, a solver graph of
//! 57 nodes and 686 arcs by `gasdep inspect --date 2015-01 --json`, 252
//! monthly steps, 5 policies).
//!
//! - `solve_cold` / `solve_warm`: the min-cost-flow problem of one real
//!   step (trial 0, baseline policy, a winter month), cold, and warm from
//!   the optimal basis of the step before (`iter_batched`: cloning the
//!   warm solver is setup, not measured).
//! - `trace_step`: origin tracing of that step's node-to-node flows
//!   (external inflows lumped into each node's own country column: the
//!   engine's own `external` matrix is private).
//! - `sample_world`: drawing one trial's random world (all 252 steps).
//! - `engine_step`: one whole `Engine::step` (prepare, solve, record,
//!   trace), cycling through the steps of one trial.
//! - `trial_all_policies`: one trial, every policy (5 × 252 trial-steps).
//! - `monte_carlo_2_threads`: `monte_carlo` over 8 trials on 2 threads;
//!   criterion's throughput line gives trial-steps per second.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use gasdep::network::ArcKind;
use gasdep::sim::engine::{Engine, State};
use gasdep::sim::run::{McOptions, Prepared, Worker, monte_carlo};
use gasdep::sim::sample::World;
use gasdep::solver::NetworkSimplex;
use gasdep::trace::Tracer;
use std::hint::black_box;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

/// January of the third year: a winter step, where storage, LNG and
/// unserved tranches are all in play.
const STEP: usize = 24;
const MC_TRIALS: u64 = 8;

fn prepared() -> Prepared {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/franco-russian-2010.toml");
    let model = gasdep::scenario::load(&path).expect("the shipped scenario loads");
    Prepared::new(model, &[]).expect("the built-in scenario prepares")
}

fn bench(c: &mut Criterion) {
    let prep = prepared();
    let model = &prep.model;
    let net = &prep.nets[0];
    let steps = net.steps.len();
    let mut world = World::new(model);
    world.sample(model, 0);

    // Run trial 0 of the baseline up to STEP, keeping the problems of
    // steps STEP - 1 and STEP and the flows of STEP.
    let mut engine = Engine::new(model, net);
    let mut state = State::initial(model, net);
    let mut prev = None;
    for t in 0..=STEP {
        engine.step(t, &world.steps[t], &mut state).expect("step");
        if t == STEP - 1 {
            let (s, cap, cost) = engine.problem();
            prev = Some((s.to_vec(), cap.to_vec(), cost.to_vec()));
        }
    }
    let (supply, cap, cost) = {
        let (s, c, k) = engine.problem();
        (s.to_vec(), c.to_vec(), k.to_vec())
    };
    let (psupply, pcap, pcost) = prev.expect("STEP >= 1");

    // Tracing input from the step's flows: node-to-node pipeline flows,
    // and every other inflow into a node as external gas of its country.
    let nn = model.nodes.len();
    let nc = net.countries.len();
    let node_of =
        |g: usize| (g >= net.node_base && g < net.node_base + nn).then(|| g - net.node_base);
    let mut external = vec![0.0; nn * nc];
    let mut edges = Vec::new();
    for (a, arc) in net.arcs.iter().enumerate() {
        let f = engine.flows()[a];
        if f <= 0.0 {
            continue;
        }
        match (node_of(arc.tail), node_of(arc.head), arc.kind) {
            (Some(u), Some(v), ArcKind::Pipeline { .. } | ArcKind::Rights { .. }) => {
                edges.push((u as u32, v as u32, f))
            }
            (None, Some(v), _) => external[v * nc + net.node_country[v]] += f,
            _ => {}
        }
    }

    let mut g = c.benchmark_group("engine_default_scenario");
    g.warm_up_time(Duration::from_millis(500));
    g.measurement_time(Duration::from_secs(2));
    g.sample_size(30);

    let mut cold = NetworkSimplex::new(&net.topology);
    g.bench_function("solve_cold", |b| {
        b.iter(|| black_box(cold.solve(&supply, &cap, &cost).expect("solves")))
    });
    let mut warm = NetworkSimplex::new(&net.topology);
    warm.solve(&psupply, &pcap, &pcost).expect("solves");
    g.bench_function("solve_warm", |b| {
        b.iter_batched_ref(
            || warm.clone(),
            |s| black_box(s.solve_warm(&supply, &cap, &cost).expect("solves")),
            BatchSize::SmallInput,
        )
    });

    let mut tracer = Tracer::new(nn, nc);
    tracer.trace(&external, &edges).expect("traces");
    g.bench_function("trace_step", |b| {
        b.iter(|| black_box(tracer.trace(&external, &edges).expect("traces")))
    });

    let mut w = World::new(model);
    let mut k = 0;
    g.bench_function("sample_world", |b| {
        b.iter(|| {
            k += 1;
            w.sample(model, k);
            black_box(w.steps.len())
        })
    });

    let mut t = 0;
    let mut state = State::initial(model, net);
    g.bench_function("engine_step", |b| {
        b.iter(|| {
            if t == steps {
                t = 0;
                state = State::initial(model, net);
            }
            engine.step(t, &world.steps[t], &mut state).expect("step");
            t += 1;
        })
    });

    let mut worker = Worker::new(&prep);
    let mut trial = 0;
    g.sample_size(10);
    g.throughput(Throughput::Elements((steps * prep.nets.len()) as u64));
    g.bench_function("trial_all_policies", |b| {
        b.iter(|| {
            trial += 1;
            worker.run_trial(trial).expect("trial");
        })
    });

    let cancel = AtomicBool::new(false);
    let opts = McOptions {
        trials: 0..MC_TRIALS,
        threads: 2,
        progress: &|| {},
        cancel: &cancel,
    };
    g.throughput(Throughput::Elements(
        MC_TRIALS * (steps * prep.nets.len()) as u64,
    ));
    g.measurement_time(Duration::from_secs(4));
    g.bench_function("monte_carlo_2_threads", |b| {
        b.iter(|| black_box(monte_carlo(&prep, &opts).expect("runs").trials))
    });
    g.finish();
}

// No plots: the HTML report's plotting backend needs system fonts that CI
// machines may lack.
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = bench
}
criterion_main!(benches);

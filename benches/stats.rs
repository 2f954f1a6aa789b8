//! Online statistics: cost of `Accumulator::add` (10,000 values per
//! iteration: steady state on a warm accumulator, a fresh one, and a
//! mostly-zero metric such as unserved demand), of the driver's pattern
//! (one value per trial into each of 40,000 cells, so every add touches a
//! different cell) and of merging two warm accumulators (what the
//! Monte Carlo driver does per worker).
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use gasdep::stats::accum::Accumulator;
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    let shares: Vec<f64> = (0..10_000).map(|_| rng.random_range(0.2..0.6)).collect();
    let zeros: Vec<f64> = (0..10_000)
        .map(|i| {
            if i % 50 == 0 {
                rng.random_range(0.0..1e3)
            } else {
                0.0
            }
        })
        .collect();
    let mut g = c.benchmark_group("accum");
    g.warm_up_time(std::time::Duration::from_millis(500));
    g.measurement_time(std::time::Duration::from_secs(2));
    // Warm accumulator (its histogram spans the values): steady-state cost
    // per add.
    let mut warm = Accumulator::new(1e-6).unwrap();
    for &x in &shares {
        warm.add(x).unwrap();
    }
    g.bench_function("add_share_steady_10k", |b| {
        b.iter(|| {
            for &x in &shares {
                warm.add(black_box(x)).unwrap();
            }
        })
    });
    g.bench_function("add_share_fresh_10k", |b| {
        b.iter_batched(
            || Accumulator::new(1e-6).unwrap(),
            |mut a| {
                for &x in &shares {
                    a.add(black_box(x)).unwrap();
                }
                a
            },
            BatchSize::SmallInput,
        )
    });
    g.bench_function("add_mostly_zero_fresh_10k", |b| {
        b.iter_batched(
            || Accumulator::new(1e-3).unwrap(),
            |mut a| {
                for &x in &zeros {
                    a.add(black_box(x)).unwrap();
                }
                a
            },
            BatchSize::SmallInput,
        )
    });

    let other = warm.clone();
    g.bench_function("merge_collapsed", |b| {
        b.iter_batched(
            || warm.clone(),
            |mut a| {
                a.merge(&other).unwrap();
                a
            },
            BatchSize::SmallInput,
        )
    });
    println!(
        "buckets of warm share accumulator: {} (level {})",
        warm.bins(),
        warm.level()
    );
    g.finish();

    // The driver's pattern: a trial adds one value to every cell in turn.
    // 40,000 cells filled with 300 trials, then one more trial per
    // iteration (the bench id is kept from the sparse histogram it replaced,
    // for comparison).
    const CELLS: usize = 40_000;
    let mut cells: Vec<Accumulator> = (0..CELLS)
        .map(|_| Accumulator::new(1e-6).unwrap())
        .collect();
    let trial_values = |trial: usize| {
        let mut r = Xoshiro256PlusPlus::seed_from_u64(trial as u64);
        (0..CELLS)
            .map(|_| r.random_range(0.2..0.6))
            .collect::<Vec<f64>>()
    };
    for t in 0..300 {
        let v = trial_values(t);
        for (a, &x) in cells.iter_mut().zip(&v) {
            a.add(x).unwrap();
        }
    }
    let next = trial_values(300);
    let mut g = c.benchmark_group("accum_cells");
    g.throughput(criterion::Throughput::Elements(CELLS as u64));
    g.bench_function("add_one_trial_to_40k_cells", |b| {
        b.iter(|| {
            for (a, &x) in cells.iter_mut().zip(&next) {
                a.add(black_box(x)).unwrap();
            }
        })
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

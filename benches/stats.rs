//! Online statistics: cost of `Accumulator::add` (10,000 values per
//! iteration: steady state on a collapsed accumulator, a fresh one, and a
//! mostly-zero metric such as unserved demand) and of merging two
//! collapsed accumulators (what the Monte Carlo driver does per worker).
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
    // Warm (collapsed) accumulator: steady-state cost per add.
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
    println!("bins of warm share accumulator: {}", warm.bins());
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

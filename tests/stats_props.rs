//! Statistics accumulators: merge order independence bit for bit, percentile
//! and moment accuracy against exact two-pass computations, hand-computed
//! intervals, rejection of bad values and of damaged shard files.

use gasdep::stats::accum::{Accumulator, EventCounter, MAX_RELATIVE_ERROR, StatsError};
use proptest::prelude::*;

fn json(a: &Accumulator) -> String {
    serde_json::to_string(a).expect("accumulators serialize")
}

/// numpy's default percentile (linear interpolation) on sorted data, with
/// the two order statistics and the weight used.
fn exact_percentile(sorted: &[f64], p: f64) -> (f64, f64, f64, f64) {
    let h = (sorted.len() - 1) as f64 * p / 100.0;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    let t = h - lo as f64;
    let (a, b) = (sorted[lo], sorted[hi]);
    (a + t * (b - a), a, b, t)
}

/// Values of the kinds the driver records: shares, volumes, money (signed),
/// with many repeats (zeros) in some cases.
fn values() -> impl Strategy<Value = (f64, Vec<f64>)> {
    prop_oneof![
        (Just(1e-6), prop::collection::vec(0.0f64..=1.0, 1..400)),
        (Just(1e-3), prop::collection::vec(0.0f64..1e6, 1..400)),
        (Just(1e-2), prop::collection::vec(-5e7f64..5e7, 1..400)),
        (
            Just(1e-3),
            prop::collection::vec(prop_oneof![Just(0.0), 0.0f64..100.0, 1e3f64..2e3], 1..400)
        ),
        // Few distinct values: stays exact.
        (
            Just(0.5),
            prop::collection::vec((-20i32..20).prop_map(|i| f64::from(i) * 0.5), 1..400)
        ),
    ]
}

fn build(res: f64, cap: u32, xs: &[f64]) -> Accumulator {
    let mut a = Accumulator::with_cap(res, cap).expect("valid settings");
    for &x in xs {
        a.add(x).expect("finite value in range");
    }
    a
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn merge_in_any_split_and_order_is_bit_identical(
        (res, xs) in values(),
        cap in prop_oneof![Just(8u32), Just(64), Just(1024)],
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
        order_seed in any::<u64>(),
        shuffled in any::<bool>(),
    ) {
        let one_pass = build(res, cap, &xs);
        // Shards at random cut points, some of them empty.
        let mut bounds: Vec<usize> = cuts.iter().map(|i| i.index(xs.len() + 1)).collect();
        bounds.push(0);
        bounds.push(xs.len());
        bounds.sort_unstable();
        let mut shards: Vec<Accumulator> =
            bounds.windows(2).map(|w| build(res, cap, &xs[w[0]..w[1]])).collect();
        // Merge in a scrambled order, through a disk round trip.
        let m = shards.len();
        for i in 0..m {
            let j = (order_seed as usize).wrapping_mul(31).wrapping_add(i * 17) % m;
            shards.swap(i, j);
        }
        let mut merged = if shuffled {
            // Tree merge.
            while shards.len() > 1 {
                let b = shards.pop().expect("len > 1");
                let mut a = shards.pop().expect("len > 1");
                a.merge(&b).expect("same settings");
                shards.insert(0, a);
            }
            shards.pop().expect("one left")
        } else {
            let mut acc = Accumulator::with_cap(res, cap).expect("valid settings");
            for s in &shards {
                let back: Accumulator = serde_json::from_str(&json(s)).expect("round trip");
                acc.merge(&back).expect("same settings");
            }
            acc
        };
        prop_assert_eq!(json(&merged), json(&one_pass));
        // Adding after a merge keeps the identity.
        merged.add(0.25).expect("in range");
        let mut more = xs.clone();
        more.push(0.25);
        prop_assert_eq!(json(&merged), json(&build(res, cap, &more)));
        // Insertion order does not matter either.
        let mut rev = xs.clone();
        rev.reverse();
        prop_assert_eq!(json(&build(res, cap, &rev)), json(&one_pass));
    }

    #[test]
    fn percentiles_within_the_stated_bound(
        (res, xs) in values(),
        cap in prop_oneof![Just(8u32), Just(1024)],
    ) {
        let acc = build(res, cap, &xs);
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        let scale = sorted.iter().fold(0.0f64, |m, x| m.max(x.abs()));
        for p in [0.0, 5.0, 25.0, 50.0, 75.0, 95.0, 100.0, 33.3] {
            let (exact, a, b, t) = exact_percentile(&sorted, p);
            let est = acc.percentile(p).expect("non-empty");
            // Quantisation (res/2), bucket representative (relative 2^-10 of
            // the order statistics it replaces), f64 rounding.
            let rel = if acc.is_exact() { 0.0 } else { MAX_RELATIVE_ERROR };
            let bound = res / 2.0 + rel * ((1.0 - t) * a.abs() + t * b.abs()) + 1e-12 * scale;
            prop_assert!((est - exact).abs() <= bound,
                "p{p}: est {est}, exact {exact}, bound {bound}, exact mode {}", acc.is_exact());
        }
        prop_assert_eq!(acc.min(), Some((sorted[0] / res).round() * res));
        prop_assert_eq!(acc.max(), Some((sorted[sorted.len() - 1] / res).round() * res));
    }

    #[test]
    fn mean_and_sd_match_two_pass((res, xs) in values()) {
        let acc = build(res, 64, &xs);
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let scale = xs.iter().fold(1.0f64, |m, x| m.max(x.abs()));
        let got = acc.mean().expect("non-empty");
        prop_assert!((got - mean).abs() <= res / 2.0 + 1e-12 * scale, "mean {got} vs {mean}");
        if xs.len() >= 2 {
            let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
            // Moving each value by at most res/2 moves the sample sd by at
            // most res/2 · sqrt(n/(n−1)) ≤ res/√2 (triangle inequality on the
            // centred vectors).
            let got = acc.sd().expect("non-empty");
            prop_assert!((got - sd).abs() <= res / 2f64.sqrt() + 1e-9 * scale, "sd {got} vs {sd}");
            let (m, lo, hi) = acc.mean_ci95().expect("n >= 2");
            prop_assert!(lo <= m && m <= hi);
        }
    }
}

#[test]
fn mean_ci_hand_computed() {
    // 1..5: mean 3, sample sd √2.5; t(0.975, 4) = 2.776445;
    // half width = 2.776445 · 1.5811388 / √5 = 1.963243.
    let a = build(1e-6, 1024, &[1.0, 2.0, 3.0, 4.0, 5.0]);
    let (m, lo, hi) = a.mean_ci95().expect("n = 5");
    assert!((m - 3.0).abs() < 1e-12);
    assert!((lo - (3.0 - 1.963243)).abs() < 1e-5, "{lo}");
    assert!((hi - (3.0 + 1.963243)).abs() < 1e-5, "{hi}");
    assert_eq!(build(1.0, 8, &[4.0]).mean_ci95(), None);
}

#[test]
fn sd_is_exact_for_a_huge_mean() {
    // 1e15 + {0, 1, 2}: sample sd exactly 1. A running f64 Σx² (≈ 3e30,
    // ulp ≈ 5e14) would lose it entirely.
    let a = build(1.0, 1024, &[1e15, 1e15 + 1.0, 1e15 + 2.0]);
    assert_eq!(a.sd(), Some(1.0));
    assert_eq!(a.mean(), Some(1e15 + 1.0));
}

#[test]
fn collapsed_percentiles_on_many_values_and_bounded_bins() {
    // 200 000 shares at 1e-6: the histogram collapses, its size is bounded
    // by the range (1024 + 512·⌈log2(1e6/1024)⌉ = 6144), not by the count,
    // and the median of a uniform grid is where it should be.
    let mut a = Accumulator::new(1e-6).expect("valid");
    let n = 200_000u32;
    for i in 0..n {
        // A fixed permutation of 0..n, scaled to [0, 1).
        let v = f64::from((i.wrapping_mul(7919)) % n) / f64::from(n);
        a.add(v).expect("in range");
    }
    assert!(!a.is_exact());
    assert!(a.bins() <= 6144, "{}", a.bins());
    // Exact median of {k/n}: (n−1)/2/n = 0.4999975.
    let p50 = a.percentile(50.0).expect("non-empty");
    assert!(
        (p50 - 0.4999975).abs() <= 0.4999975 * MAX_RELATIVE_ERROR + 1e-6,
        "{p50}"
    );
    assert_eq!(a.min(), Some(0.0));
    assert_eq!(a.max(), Some(f64::from(n - 1) / f64::from(n)));
}

#[test]
fn wilson_interval_hand_computed() {
    // Newcombe (1998), Stat. Med. 17:857, Table I, method 3 (score
    // interval without continuity correction): 81/263 -> 0.2553–0.3662,
    // 0/10 -> 0–0.2775. 10/100 -> 0.0552–0.1744 by the formula by hand:
    // z² = 3.8415, centre = (0.1 + 0.019207)/1.038415 = 0.114797,
    // half = 1.96/1.038415 · √(0.0009 + 0.000096) = 0.059568.
    for (hits, n, lo, hi) in [
        (81, 263, 0.2553, 0.3662),
        (0, 10, 0.0, 0.2775),
        (10, 100, 0.0552, 0.1744),
    ] {
        let c = EventCounter { hits, n };
        let (p, l, h) = c.wilson95().expect("n > 0");
        assert!((p - hits as f64 / n as f64).abs() < 1e-15);
        assert!((l - lo).abs() < 5e-5, "{hits}/{n}: low {l}");
        assert!((h - hi).abs() < 5e-5, "{hits}/{n}: high {h}");
    }
    assert_eq!(
        EventCounter { hits: 10, n: 10 }.wilson95().map(|w| w.2),
        Some(1.0)
    );
    assert_eq!(EventCounter::new().wilson95(), None);

    let mut a = EventCounter::new();
    let mut b = EventCounter::new();
    for i in 0..100 {
        if i < 40 {
            a.add(i % 4 == 0)
        } else {
            b.add(i % 4 == 0)
        }
    }
    a.merge(&b);
    assert_eq!(a, EventCounter { hits: 25, n: 100 });
    assert_eq!(a.probability(), Some(0.25));
}

#[test]
fn bad_values_and_settings_are_rejected() {
    let mut a = Accumulator::new(1e-3).expect("valid");
    assert!(matches!(a.add(f64::NAN), Err(StatsError::NonFinite(_))));
    assert!(matches!(
        a.add(f64::INFINITY),
        Err(StatsError::NonFinite(_))
    ));
    assert!(matches!(a.add(1e20), Err(StatsError::OutOfRange { .. })));
    assert_eq!(a.count(), 0, "rejected values must leave no trace");
    assert!(a.stat().is_none());
    assert!(matches!(
        Accumulator::new(0.0),
        Err(StatsError::InvalidResolution(_))
    ));
    assert!(matches!(
        Accumulator::new(f64::NAN),
        Err(StatsError::InvalidResolution(_))
    ));
    assert!(matches!(
        Accumulator::with_cap(1.0, 0),
        Err(StatsError::InvalidCap)
    ));
    let b = Accumulator::new(1e-2).expect("valid");
    assert!(matches!(a.merge(&b), Err(StatsError::Incompatible(_))));
}

#[test]
fn damaged_shards_are_rejected() {
    let a = build(1e-3, 4, &[1.0, 2.0, 2.0, 3.0]);
    let good = json(&a);
    let back: Accumulator = serde_json::from_str(&good).expect("round trip");
    assert_eq!(back, a);
    for (from, to) in [
        ("\"count\":4", "\"count\":5"),
        ("\"counts\":[1,2,1]", "\"counts\":[1,0,3]"),
        ("\"keys\":[1000,2000,3000]", "\"keys\":[1000,3000,2000]"),
        ("\"sum\":8000", "\"sum\":8001"),
        ("\"exact_cap\":4", "\"exact_cap\":2"),
    ] {
        assert!(good.contains(from), "{good}");
        let bad = good.replace(from, to);
        assert!(
            serde_json::from_str::<Accumulator>(&bad).is_err(),
            "accepted {bad}"
        );
    }
    assert!(serde_json::from_str::<EventCounter>(r#"{"hits":3,"n":2}"#).is_err());
}

#[test]
fn stat_fields_are_consistent() {
    let xs: Vec<f64> = (0..101).map(|i| f64::from(i) / 100.0).collect();
    let s = build(1e-6, 1024, &xs).stat().expect("non-empty");
    // Values 0, 0.01, …, 1: percentile p is exactly p/100 by the
    // interpolation definition (h = 100·p/100 = p is an integer rank).
    for (got, p) in [
        (s.p5, 0.05),
        (s.p25, 0.25),
        (s.p50, 0.5),
        (s.p75, 0.75),
        (s.p95, 0.95),
    ] {
        assert!((got - p).abs() < 1e-12, "{got} vs {p}");
    }
    assert_eq!((s.min, s.max), (0.0, 1.0));
    assert!((s.mean - 0.5).abs() < 1e-12);
}

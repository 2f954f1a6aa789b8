//! Statistics accumulators: merge order independence bit for bit, percentile
//! and moment accuracy against exact two-pass computations, hand-computed
//! intervals, rejection of bad values and of damaged shard files.

use gasdep::stats::accum::{
    Accumulator, EventCounter, LEVEL0_RELATIVE_ERROR, SPAN_CAP, StatsError,
};
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
        // Few distinct values, all below 128 units: exact buckets.
        (
            Just(0.5),
            prop::collection::vec((-20i32..20).prop_map(|i| f64::from(i) * 0.5), 1..400)
        ),
        // Both signs over many octaves, with zeros: coarser levels.
        (
            Just(1e-3),
            prop::collection::vec(
                prop_oneof![
                    Just(0.0),
                    (-12.0f64..12.0).prop_map(|e| e.signum() * 10f64.powf(e.abs() / 2.0)),
                ],
                1..400
            )
        ),
    ]
}

fn build(res: f64, xs: &[f64]) -> Accumulator {
    let mut a = Accumulator::new(res).expect("valid settings");
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
        moments_only in any::<bool>(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
        order_seed in any::<u64>(),
        shuffled in any::<bool>(),
    ) {
        let fresh = || if moments_only {
            Accumulator::moments(res).expect("valid settings")
        } else {
            Accumulator::new(res).expect("valid settings")
        };
        let build = |xs: &[f64]| {
            let mut a = fresh();
            for &x in xs {
                a.add(x).expect("finite value in range");
            }
            a
        };
        let one_pass = build(&xs);
        // Shards at random cut points, some of them empty.
        let mut bounds: Vec<usize> = cuts.iter().map(|i| i.index(xs.len() + 1)).collect();
        bounds.push(0);
        bounds.push(xs.len());
        bounds.sort_unstable();
        let mut shards: Vec<Accumulator> =
            bounds.windows(2).map(|w| build(&xs[w[0]..w[1]])).collect();
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
            let mut acc = fresh();
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
        prop_assert_eq!(json(&merged), json(&build(&more)));
        // Insertion order does not matter either.
        let mut rev = xs.clone();
        rev.reverse();
        prop_assert_eq!(json(&build(&rev)), json(&one_pass));
        // Sorted order too (extremes arrive first or last).
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        prop_assert_eq!(json(&build(&sorted)), json(&one_pass));
        // A memory ceiling whatever the values.
        prop_assert!(one_pass.bins() <= SPAN_CAP);
        prop_assert_eq!(one_pass.has_histogram(), !moments_only);
        prop_assert_eq!(one_pass.bins() == 0 || !moments_only, true);
    }

    #[test]
    fn percentiles_within_the_stated_bound((res, xs) in values()) {
        let acc = build(res, &xs);
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        let scale = sorted.iter().fold(0.0f64, |m, x| m.max(x.abs()));
        let r = acc.relative_error();
        prop_assert_eq!(r, LEVEL0_RELATIVE_ERROR * f64::from(1u32 << acc.level()));
        for p in [0.0, 5.0, 25.0, 50.0, 75.0, 95.0, 100.0, 33.3] {
            let (exact, a, b, t) = exact_percentile(&sorted, p);
            let est = acc.percentile(p).expect("non-empty");
            // Quantisation (res/2), bucket representative (2^(L−7) of the
            // quantised order statistic it replaces, at least 128 units),
            // f64 rounding.
            let part = |x: f64| r * (x.abs() + res / 2.0).max(128.0 * res);
            let bound = res / 2.0 + (1.0 - t) * part(a) + t * part(b) + 1e-12 * scale;
            prop_assert!((est - exact).abs() <= bound,
                "p{p}: est {est}, exact {exact}, bound {bound}, level {}", acc.level());
            // Level 0 below 128 units: every bucket is one value.
            if acc.level() == 0 && a.abs().max(b.abs()) < 127.0 * res {
                prop_assert!((est - exact).abs() <= res / 2.0 + 1e-12 * scale);
            }
        }
        prop_assert_eq!(acc.min(), Some((sorted[0] / res).round() * res));
        prop_assert_eq!(acc.max(), Some((sorted[sorted.len() - 1] / res).round() * res));
        prop_assert!(acc.bins() <= SPAN_CAP);
    }

    #[test]
    fn mean_and_sd_match_two_pass((res, xs) in values()) {
        let acc = build(res, &xs);
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
    let a = build(1e-6, &[1.0, 2.0, 3.0, 4.0, 5.0]);
    let (m, lo, hi) = a.mean_ci95().expect("n = 5");
    assert!((m - 3.0).abs() < 1e-12);
    assert!((lo - (3.0 - 1.963243)).abs() < 1e-5, "{lo}");
    assert!((hi - (3.0 + 1.963243)).abs() < 1e-5, "{hi}");
    assert_eq!(build(1.0, &[4.0]).mean_ci95(), None);
}

#[test]
fn sd_is_exact_for_a_huge_mean() {
    // 1e15 + {0, 1, 2}: sample sd exactly 1. A running f64 Σx² (≈ 3e30,
    // ulp ≈ 5e14) would lose it entirely.
    let a = build(1.0, &[1e15, 1e15 + 1.0, 1e15 + 2.0]);
    assert_eq!(a.sd(), Some(1.0));
    assert_eq!(a.mean(), Some(1e15 + 1.0));
}

#[test]
fn percentiles_on_many_values_and_bounded_memory() {
    // 200 000 shares at 1e-6, spread over 0..1 (17 octaves above 128
    // units): the histogram holds at most SPAN_CAP counts, not one per
    // value, and the median of a uniform grid is within the bound of its
    // level.
    let mut a = Accumulator::new(1e-6).expect("valid");
    let n = 200_000u32;
    for i in 0..n {
        // A fixed permutation of 0..n, scaled to [0, 1).
        let v = f64::from((i.wrapping_mul(7919)) % n) / f64::from(n);
        a.add(v).expect("in range");
    }
    assert!(a.bins() <= SPAN_CAP, "{}", a.bins());
    assert!(a.level() >= 1, "this span needs a coarser level");
    // Exact median of {k/n}: (n−1)/2/n = 0.4999975.
    let p50 = a.percentile(50.0).expect("non-empty");
    assert!(
        (p50 - 0.4999975).abs() <= 0.4999975 * a.relative_error() + 1e-6,
        "{p50}"
    );
    assert_eq!(a.min(), Some(0.0));
    assert_eq!(a.max(), Some(f64::from(n - 1) / f64::from(n)));
    // A share over a narrow band keeps level 0 (0.78 %).
    let mut b = Accumulator::new(1e-6).expect("valid");
    for i in 0..n {
        b.add(0.3 + 0.2 * f64::from((i.wrapping_mul(7919)) % n) / f64::from(n))
            .expect("in range");
    }
    assert_eq!(b.level(), 0);
    assert_eq!(b.relative_error(), LEVEL0_RELATIVE_ERROR);
    let p50 = b.percentile(50.0).expect("non-empty");
    assert!(
        (p50 - 0.4).abs() <= 0.4 * LEVEL0_RELATIVE_ERROR + 1e-6,
        "{p50}"
    );
}

#[test]
fn moments_only_accumulators_keep_no_histogram() {
    let mut a = Accumulator::moments(1e-3).expect("valid");
    for x in [1.0, -2.0, 3.5, 0.0] {
        a.add(x).expect("in range");
    }
    assert_eq!(a.bins(), 0);
    assert_eq!(a.percentile(50.0), None);
    assert_eq!(a.fraction_above(0.0), None);
    assert!(a.stat().is_none());
    assert_eq!((a.min(), a.max()), (Some(-2.0), Some(3.5)));
    assert!((a.mean().expect("n = 4") - 0.625).abs() < 1e-12);
    assert!(a.mean_ci95().is_some());
    // A histogram and a moments-only accumulator do not merge.
    let b = Accumulator::new(1e-3).expect("valid");
    assert!(matches!(a.merge(&b), Err(StatsError::Incompatible(_))));
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
    let b = Accumulator::new(1e-2).expect("valid");
    assert!(matches!(a.merge(&b), Err(StatsError::Incompatible(_))));
}

#[test]
fn damaged_shards_are_rejected() {
    // q = 1000, 2000, 2000, 3000: buckets [1000, 1007], [2000, 2015],
    // [2976, 3007] at level 0, so the sum must lie in [7976, 8030].
    let a = build(1e-3, &[1.0, 2.0, 2.0, 3.0]);
    let good = json(&a);
    let back: Accumulator = serde_json::from_str(&good).expect("round trip");
    assert_eq!(back, a);
    for (from, to) in [
        ("\"count\":4", "\"count\":5"),
        ("\"counts\":[1,", "\"counts\":[0,"),
        ("\"counts\":[1,", "\"counts\":[0,1,"),
        ("\"sum\":8000", "\"sum\":7000"),
        ("\"sum\":8000", "\"sum\":8100"),
        ("\"histogram\":true", "\"histogram\":false"),
        ("\"min_pos\":1000", "\"min_pos\":2000"),
        ("\"max\":3000", "\"max\":4000"),
        ("\"zero\":0", "\"zero\":1"),
    ] {
        assert!(good.contains(from), "{good}");
        let bad = good.replace(from, to);
        assert!(
            serde_json::from_str::<Accumulator>(&bad).is_err(),
            "accepted {bad}"
        );
    }
    assert!(serde_json::from_str::<EventCounter>(r#"{"hits":3,"n":2}"#).is_err());
    // The sparse histogram of the previous format is refused, not misread.
    let old = r#"{"resolution":0.001,"exact_cap":4,"count":1,"sum":1000,"sum_sq":[1000000,0,0,0],"min":1000,"max":1000,"exact":true,"keys":[1000],"counts":[1]}"#;
    assert!(serde_json::from_str::<Accumulator>(old).is_err());
}

#[test]
fn stat_fields_are_consistent() {
    // Values 0, 1, …, 100 at resolution 1: all below 128 units, so every
    // bucket is one value and percentile p is exactly p by the
    // interpolation definition (h = 100·p/100 = p is an integer rank).
    let xs: Vec<f64> = (0..101).map(f64::from).collect();
    let s = build(1.0, &xs).stat().expect("non-empty");
    for (got, p) in [
        (s.p5, 5.0),
        (s.p25, 25.0),
        (s.p50, 50.0),
        (s.p75, 75.0),
        (s.p95, 95.0),
    ] {
        assert_eq!(got, p);
    }
    assert_eq!((s.min, s.max), (0.0, 100.0));
    assert!((s.mean - 50.0).abs() < 1e-12);
    // The same grid as shares 0, 0.01, …, 1 at 1e-6 spans 7 octaves above
    // 128 units: percentiles within the bound of the level reached.
    let shares: Vec<f64> = (0..101).map(|i| f64::from(i) / 100.0).collect();
    let a = build(1e-6, &shares);
    let s = a.stat().expect("non-empty");
    for (got, p) in [
        (s.p5, 0.05),
        (s.p25, 0.25),
        (s.p50, 0.5),
        (s.p75, 0.75),
        (s.p95, 0.95),
    ] {
        assert!(
            (got - p).abs() <= a.relative_error() * p + 1e-6,
            "{got} vs {p}"
        );
    }
    assert_eq!((s.min, s.max), (0.0, 1.0));
}

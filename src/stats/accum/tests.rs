//! Exactness, merging, quantiles and the serialized form.

use super::*;

#[test]
fn fraction_above_counts_values_strictly_above() {
    let mut a = Accumulator::new(0.001).unwrap();
    for x in [0.0, 0.0, 0.0, 0.01, 0.02, 0.05, 0.1, 0.2] {
        a.add(x).unwrap();
    }
    // 5 of 8 values are above 0; 3 above 0.02; none above 0.2.
    assert_eq!(a.fraction_above(0.0), Some(5.0 / 8.0));
    assert_eq!(a.fraction_above(0.02), Some(3.0 / 8.0));
    assert_eq!(a.fraction_above(0.2), Some(0.0));
    assert_eq!(a.fraction_above(-1.0), Some(1.0));
    assert_eq!(Accumulator::new(0.1).unwrap().fraction_above(0.0), None);
}

#[test]
fn level0_keys_are_monotonic_contiguous_and_within_the_bound() {
    let mut prev = bucket::key0(0);
    for q in 1..400_000i64 {
        let k = bucket::key0(q);
        assert!(k == prev || k == prev + 1, "q={q}");
        for level in 0..=bucket::MAX_LEVEL {
            let kl = bucket::key(q, level);
            let (lo, hi) = bucket::range(kl.unsigned_abs(), level);
            if kl != 0 {
                assert!(lo <= q as u64 && q as u64 <= hi, "q={q} level {level}");
            } else {
                assert!(q < 1 << level, "q={q} level {level}");
            }
            // The stated bound: 2^(L−7)·max(|q|, 128) units.
            let bound = LEVEL0_RELATIVE_ERROR * f64::from(1u32 << level) * (q as f64).max(128.0);
            let err = (bucket::mid(kl, level) - q as f64).abs();
            assert!(err <= bound, "q={q} level {level} err {err} bound {bound}");
            if level == 0 && q < 128 {
                assert_eq!(err, 0.0);
            }
            assert_eq!(bucket::key(-q, level), -kl);
        }
        prev = k;
    }
    let top = 1i64 << 62;
    assert_eq!(bucket::key0(top), 3648);
    let (lo, hi) = bucket::range(3648, 0);
    assert!(lo <= top as u64 && top as u64 <= hi);
}

#[test]
fn the_coarsest_level_always_fits_the_cap() {
    let lim = 1i64 << 62;
    // The widest possible cell: ±2^62 with ±1. At level 5, keys up to
    // 3648 >> 5 = 114 on each side: 228 buckets, the first level that fits.
    let s = bucket::Shape::of(-lim, lim, 1, -1);
    assert_eq!((s.level, s.len()), (5, 228), "{s:?}");
    assert!(s.level <= bucket::MAX_LEVEL && s.len() <= SPAN_CAP);
    // A share cell: 0.2..0.6 at 1e-6 fits at level 0 in ~100 buckets.
    let s = bucket::Shape::of(200_000, 600_000, 200_000, i64::MIN);
    assert_eq!(s.level, 0);
    assert!(s.len() < 110 && s.neg_len == 0, "{s:?}");
}

#[test]
fn a_new_smallest_positive_value_in_the_zero_bucket_reshapes() {
    // Wide range (level ≥ 1), then a 1 that falls in the zero bucket but
    // moves the positive range's clamp: the state must equal the one built
    // in the other order.
    let xs = [1e6, 3.0, -1e6, -5.0, 1.0];
    let mut a = Accumulator::new(1.0).unwrap();
    for x in xs {
        a.add(x).unwrap();
    }
    assert!(a.level() >= 1, "level {}", a.level());
    let mut b = Accumulator::new(1.0).unwrap();
    for x in xs.iter().rev() {
        b.add(*x).unwrap();
    }
    assert_eq!(a, b);
    let back: Accumulator = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
    assert_eq!(back, a);
}

#[test]
fn u256_arithmetic_matches_u128() {
    let a = U256::from_u128(0xdead_beef_1234_5678_9abc_def0);
    let b = U256::from_u128(0x1_0000_0001);
    let p = a.mul(&b);
    assert_eq!(p.sub(&a), a.mul(&U256::from_u128(0x1_0000_0000)));
    let big = U256::from_u128(u128::MAX);
    let sq = big.mul(&big); // (2^128 − 1)² = 2^256 − 2^129 + 1
    assert_eq!(sq.0, [1, 0, u64::MAX - 1, u64::MAX]);
    assert_eq!(U256::from_u128(1 << 100).to_f64(), 2f64.powi(100));
    let mut c = U256([u64::MAX, u64::MAX, 0, 0]);
    c.add_u128(1);
    assert_eq!(c.0, [0, 0, 1, 0]);
    let mut c = U256([u64::MAX, u64::MAX, u64::MAX, 0]);
    c.add_u128(2);
    assert_eq!(c.0, [1, 0, 0, 1]);
    assert_eq!(
        c,
        U256([u64::MAX, u64::MAX, u64::MAX, 0]).add(&U256::from_u128(2))
    );
}

#[test]
fn t_quantiles_join_smoothly() {
    // Cornish–Fisher at df = 30 against the table's 2.042272.
    let v = 30.0;
    let z = Z95;
    let cf = z
        + (z.powi(3) + z) / (4.0 * v)
        + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * v * v)
        + (3.0 * z.powi(7) + 19.0 * z.powi(5) + 17.0 * z.powi(3) - 15.0 * z) / (384.0 * v * v * v);
    assert!((cf - t975(30)).abs() < 2e-5, "{cf}");
    assert!(t975(31) < t975(30) && t975(1000) > Z95 && t975(1000) < 1.963);
}

#[test]
fn buffered_values_are_seen_by_every_reader() {
    // Five values, still in the buffer, one of them moving the shape to a
    // coarser level: every reader must see them counted.
    let mut a = Accumulator::new(1.0).unwrap();
    for x in [0.0, 3.0, 7.0, 1e6, -2.0] {
        a.add(x).unwrap();
    }
    assert_eq!(a.n_pending, 5);
    assert!(a.counts.iter().all(|&c| c == 0) && a.zero == 0);
    let mut flushed = a.clone();
    flushed.flush();
    assert_eq!(flushed.n_pending, 0);
    assert_eq!(flushed.counts.iter().sum::<u32>() + flushed.zero, 5);
    assert_eq!(a, flushed);
    assert_eq!(a.percentile(50.0), flushed.percentile(50.0));
    // At level 2 the zero bucket holds −2, 0 and 3: the median (3) is
    // read as 0, within 2^(2−7)·128 = 4 units.
    assert_eq!(a.level(), 2);
    assert_eq!(a.percentile(50.0), Some(0.0));
    assert_eq!(a.fraction_above(10.0), Some(1.0 / 5.0));
    assert_eq!(a.fraction_above(10.0), flushed.fraction_above(10.0));
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&flushed).unwrap()
    );
    let mut m = Accumulator::new(1.0).unwrap();
    m.merge(&a).unwrap();
    assert_eq!(m, flushed);
}

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
fn buffered_values_are_seen_by_every_reader() {
    // Cap 8: the ninth distinct value collapses the histogram, whether
    // or not the buffer has been flushed yet.
    let mut a = Accumulator::with_cap(1.0, 8).unwrap();
    for x in 0..9 {
        a.add(f64::from(x)).unwrap();
    }
    assert!(a.pending.len() == 9 && a.keys.is_empty());
    assert!(!a.is_exact());
    assert_eq!(a.percentile(50.0), Some(4.0));
    assert_eq!(a.fraction_above(6.0), Some(2.0 / 9.0));
    let mut flushed = a.clone();
    flushed.flush();
    assert!(flushed.pending.is_empty() && !flushed.exact);
    assert_eq!(a, flushed);
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&flushed).unwrap()
    );
    // A value equal to an existing bin and a new one, in one flush.
    flushed.add(4.0).unwrap();
    flushed.add(100.0).unwrap();
    flushed.flush();
    assert_eq!(flushed.bins(), 10);
    assert_eq!(flushed.counts[4], 2);
}

#[test]
fn bucket_keys_are_monotonic_and_contiguous() {
    let mut prev = bucket_key(0);
    for q in 1..200_000i64 {
        let k = bucket_key(q);
        assert!(k == prev || k == prev + 1, "q={q}");
        let (lo, hi) = bucket_range(k);
        assert!(lo <= q as u64 && q as u64 <= hi);
        let rel = (bucket_mid(k) - q as f64).abs() / q as f64;
        assert!(rel <= MAX_RELATIVE_ERROR, "q={q} rel={rel}");
        assert_eq!(bucket_key(-q), -k);
        prev = k;
    }
    let top = 1i64 << 62;
    let (lo, hi) = bucket_range(bucket_key(top));
    assert!(lo <= top as u64 && top as u64 <= hi);
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

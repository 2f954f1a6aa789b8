//! The serialized form of an accumulator, checked before it is trusted.

use super::*;

/// Serialized form, validated before it becomes an [`Accumulator`] so that a
/// damaged shard file gives an error rather than wrong statistics or a panic.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AccumulatorRepr {
    resolution: f64,
    exact_cap: u32,
    count: u64,
    sum: i128,
    sum_sq: U256,
    min: i64,
    max: i64,
    exact: bool,
    keys: Vec<i64>,
    counts: Vec<u64>,
}

impl From<Accumulator> for AccumulatorRepr {
    fn from(mut a: Accumulator) -> Self {
        a.flush();
        AccumulatorRepr {
            resolution: a.resolution,
            exact_cap: a.exact_cap,
            count: a.count,
            sum: a.sum,
            sum_sq: a.sum_sq,
            min: a.min,
            max: a.max,
            exact: a.exact,
            keys: a.keys,
            counts: a.counts,
        }
    }
}

impl TryFrom<AccumulatorRepr> for Accumulator {
    type Error = StatsError;
    fn try_from(r: AccumulatorRepr) -> Result<Self, StatsError> {
        let mut acc = Accumulator::with_cap(r.resolution, r.exact_cap)?;
        let bad = |m: &str| Err(StatsError::Corrupt(m.to_string()));
        if r.keys.len() != r.counts.len() {
            return bad("keys and counts differ in length");
        }
        if r.keys.windows(2).any(|w| w[0] >= w[1]) {
            return bad("keys are not strictly increasing");
        }
        if r.counts.contains(&0) {
            return bad("a bin has count 0");
        }
        let total = r.counts.iter().try_fold(0u64, |s, &c| s.checked_add(c));
        if total != Some(r.count) {
            return bad("bin counts do not add up to count");
        }
        if r.count > 0 {
            let lim = MAX_ABS_Q as i64;
            if r.min > r.max || r.min < -lim || r.max > lim {
                return bad("min/max out of order or out of range");
            }
            let (lo, hi) = if r.exact {
                (r.min, r.max)
            } else {
                (bucket_key(r.min), bucket_key(r.max))
            };
            if r.keys.first() != Some(&lo) || r.keys.last() != Some(&hi) {
                return bad("extreme bins do not match min/max");
            }
        }
        if r.exact {
            if r.keys.len() > r.exact_cap as usize {
                return bad("exact histogram larger than its cap");
            }
            // Exact state: the sums can be recomputed and must match.
            let mut sum = 0i128;
            let mut sum_sq = U256::ZERO;
            for (&q, &c) in r.keys.iter().zip(&r.counts) {
                sum += i128::from(q) * i128::from(c);
                let a = u128::from(q.unsigned_abs());
                sum_sq = sum_sq.add(&U256::from_u128(a * a).mul(&U256::from_u128(u128::from(c))));
            }
            if sum != r.sum || sum_sq != r.sum_sq {
                return bad("sums do not match the histogram");
            }
        }
        acc.count = r.count;
        acc.sum = r.sum;
        acc.sum_sq = r.sum_sq;
        acc.min = r.min;
        acc.max = r.max;
        acc.exact = r.exact;
        acc.keys = r.keys;
        acc.counts = r.counts;
        Ok(acc)
    }
}

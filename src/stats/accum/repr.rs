//! The serialized form of an accumulator, checked before it is trusted.

use super::*;

/// Serialized form, validated before it becomes an [`Accumulator`] so that a
/// damaged shard file gives an error rather than wrong statistics or a panic.
/// The histogram's level and ranges are not stored: they follow from the
/// extremes, and the counts must have exactly their length.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AccumulatorRepr {
    resolution: f64,
    histogram: bool,
    count: u64,
    sum: i128,
    sum_sq: U256,
    min: i64,
    max: i64,
    min_pos: i64,
    max_neg: i64,
    zero: u32,
    counts: Vec<u32>,
}

impl From<Accumulator> for AccumulatorRepr {
    fn from(mut a: Accumulator) -> Self {
        a.flush();
        AccumulatorRepr {
            resolution: a.resolution,
            histogram: a.histogram,
            count: a.count,
            sum: a.sum,
            sum_sq: a.sum_sq,
            min: a.min,
            max: a.max,
            min_pos: a.min_pos,
            max_neg: a.max_neg,
            zero: a.zero,
            counts: a.counts,
        }
    }
}

impl TryFrom<AccumulatorRepr> for Accumulator {
    type Error = StatsError;
    fn try_from(r: AccumulatorRepr) -> Result<Self, StatsError> {
        let mut acc = Accumulator::make(r.resolution, r.histogram)?;
        let bad = |m: &str| Err(StatsError::Corrupt(m.to_string()));
        if r.count == 0 {
            let empty = r.sum == 0
                && r.sum_sq == U256::ZERO
                && (r.min, r.max, r.min_pos, r.max_neg) == (i64::MAX, i64::MIN, i64::MAX, i64::MIN)
                && r.zero == 0
                && r.counts.is_empty();
            return if empty {
                Ok(acc)
            } else {
                bad("an empty accumulator with values")
            };
        }
        let lim = MAX_ABS_Q as i64;
        if r.min > r.max || r.min < -lim || r.max > lim {
            return bad("min/max out of order or out of range");
        }
        let pos_ok = if r.max > 0 {
            r.min_pos > 0 && r.min_pos >= r.min && r.min_pos <= r.max
        } else {
            r.min_pos == i64::MAX
        };
        let neg_ok = if r.min < 0 {
            r.max_neg < 0 && r.max_neg >= r.min && r.max_neg <= r.max
        } else {
            r.max_neg == i64::MIN
        };
        let tight = (r.min <= 0 || r.min_pos == r.min) && (r.max >= 0 || r.max_neg == r.max);
        if !(pos_ok && neg_ok && tight) {
            return bad("the smallest positive or largest negative value is inconsistent");
        }
        let n = i128::from(r.count);
        if r.sum < n * i128::from(r.min) || r.sum > n * i128::from(r.max) {
            return bad("the sum lies outside count × [min, max]");
        }
        acc.count = r.count;
        acc.sum = r.sum;
        acc.sum_sq = r.sum_sq;
        acc.min = r.min;
        acc.max = r.max;
        acc.min_pos = r.min_pos;
        acc.max_neg = r.max_neg;
        if !r.histogram {
            if r.zero != 0 || !r.counts.is_empty() {
                return bad("counts in an accumulator without a histogram");
            }
            return Ok(acc);
        }
        if r.count > MAX_HIST_COUNT {
            return bad("more values than a histogram counts");
        }
        let shape = Shape::of(r.min, r.max, r.min_pos, r.max_neg);
        if r.counts.len() != shape.len() {
            return bad("the counts do not span the extremes' buckets");
        }
        let total = r.counts.iter().map(|&c| u64::from(c)).sum::<u64>() + u64::from(r.zero);
        if total != r.count {
            return bad("bucket counts do not add up to count");
        }
        // Every extreme's bucket must hold a value.
        for q in [r.min, r.max, r.min_pos, r.max_neg] {
            if q == i64::MAX || q == i64::MIN {
                continue;
            }
            let held = match shape.index(bucket::key(q, shape.level)) {
                Some(i) => r.counts[i],
                None => r.zero,
            };
            if held == 0 {
                return bad("an extreme's bucket is empty");
            }
        }
        // Σq lies between the sums of the buckets' lowest and highest values.
        let (mut lo_sum, mut hi_sum) = (0i128, 0i128);
        let mut bound = |k: i64, c: u32| {
            let (lo, hi) = if k == 0 {
                let w = (1i64 << shape.level) - 1;
                (-w, w)
            } else {
                let (lo, hi) = bucket::range(k.unsigned_abs(), shape.level);
                let (lo, hi) = (lo.min(lim as u64) as i64, hi.min(lim as u64) as i64);
                if k > 0 { (lo, hi) } else { (-hi, -lo) }
            };
            let c = i128::from(c);
            lo_sum += c * i128::from(lo.clamp(r.min, r.max));
            hi_sum += c * i128::from(hi.clamp(r.min, r.max));
        };
        bound(0, r.zero);
        for (i, &c) in r.counts.iter().enumerate() {
            bound(shape.key_at(i), c);
        }
        if r.sum < lo_sum || r.sum > hi_sum {
            return bad("the sum does not fit the histogram");
        }
        acc.shape = shape;
        acc.zero = r.zero;
        acc.counts = r.counts;
        Ok(acc)
    }
}

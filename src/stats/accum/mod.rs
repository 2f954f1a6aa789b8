//! Online accumulators for Monte Carlo results (docs/model.md, "Monte Carlo").
//!
//! Role in the pipeline: the Monte Carlo driver adds, per trial, one value to
//! the [`Accumulator`] of each (policy, node, metric, period) cell and one
//! outcome to each [`EventCounter`]; shards are serialized, merged, and turned
//! into the [`Stat`], event probabilities and paired differences of
//! `summary.json`.
//!
//! # Bit-identical merging
//!
//! Every value is quantised to an integer `q = round(x / resolution)` (ties
//! away from zero), the resolution being chosen by the caller per accumulator
//! (e.g. `1e-6` for shares, `1e-3` for volumes in GWh, `1e-2` for money). From
//! then on all state is exact integer arithmetic: the count, `Σq` (i128),
//! `Σq²` (256-bit), the exact extremes (min, max, the smallest positive and
//! the largest negative value) and a histogram of `q` whose buckets are a
//! function of those extremes only. Integer sums are associative and
//! commutative and every part of the state is a function of the multiset of
//! values, so the state — and its JSON — is the same bit for bit whatever
//! the order of `add`s and `merge`s, threads or shards. Results are computed
//! from that state alone, hence identical too. Admissible values: finite,
//! with `|x / resolution| ≤ 2^62` (for `1e-3`, `|x| ≤ 4.6e15`); anything else
//! is rejected with an error, never absorbed. A histogram counts at most
//! 2³² − 1 values (more is an error, not a wrap).
//!
//! # Histogram and percentile guarantee
//!
//! Log-spaced buckets computed with integer operations only (so identical
//! on every machine, `bucket.rs`): at level 0, integers with `|q| < 128`
//! have their own bucket and each octave `[2^e, 2^(e+1))` above is cut into
//! 64 equal buckets. The histogram is a dense array of `u32` counts over the
//! buckets from the lowest to the highest occupied one, negative and
//! positive values apart, plus one count for the zero bucket (so a
//! mostly-zero metric does not pay for the octaves between 0 and its
//! smallest positive value). When the two ranges together would exceed
//! [`SPAN_CAP`] = 256 buckets, the histogram moves to the next level,
//! merging neighbouring buckets pairwise: level `L` has `2^(6−L)` buckets per
//! octave and its zero bucket holds `|q| < 2^L`. The level is the finest
//! whose ranges fit, computed from the exact extremes alone, so it too is
//! the same for any order of adds and merges.
//!
//! A bucket is represented by its midpoint (clamped to the exact extremes of
//! its sign), within `2^(L−7)·max(|q|, 128)` quantised units of every value
//! in it: a relative [`LEVEL0_RELATIVE_ERROR`] = 2⁻⁷ ≈ 0.78 % at level 0
//! (and no error at all below 128 units), 1.6 % at level 1, 3.1 % at level
//! 2. [`Accumulator::relative_error`] gives a cell's bound.
//!
//! Percentile definition: linear interpolation between order statistics,
//! numpy's default (`h = (n − 1)·p/100`, `x_⌊h⌋ + (h − ⌊h⌋)(x_⌊h⌋+1 − x_⌊h⌋)`).
//! Guarantee, with `a`, `b` the two exact order statistics used, `t` the
//! interpolation weight, `r = 2^(L−7)` and `u` the resolution:
//! `|estimate − exact| ≤ u/2 + r·((1 − t)·max(|a|, 128u) + t·max(|b|, 128u))`.
//! Min and max are always exact (up to quantisation).
//!
//! # Memory: a ceiling per cell
//!
//! `add` updates the sums and extremes at once and stores the value's
//! bucket key (2 bytes) in a 16-key buffer, counted in one pass when full
//! (every reader, `merge` and serialization see the buffer counted; the
//! state is the one counting each value at once would give). A cell holds
//! a fixed struct (176 bytes, the buffer included) and at most
//! [`SPAN_CAP`] counts of 4 bytes: **at most 1,200 bytes whatever the
//! number of trials**. Its size
//! follows the span of its values until that cap, and then stays between
//! half the cap and the cap. An accumulator made with
//! [`Accumulator::moments`] keeps no histogram (mean, sd, min, max only):
//! what paired differences need.
//!
//! Mean and standard deviation come from the exact sums: the mean is that of
//! the quantised values (within resolution/2 of the true mean); the standard
//! deviation is the sample one (`n − 1` denominator), from
//! `n·Σq² − (Σq)²` computed exactly, so no cancellation however large the mean.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;

use super::summary::Stat;

mod bucket;
mod events;
mod repr;
#[cfg(test)]
mod tests;
mod u256;

pub use bucket::SPAN_CAP;
use bucket::Shape;
pub use events::EventCounter;
use repr::AccumulatorRepr;
use u256::U256;

/// Largest relative error of a bucket's representative at level 0 (2⁻⁷).
pub const LEVEL0_RELATIVE_ERROR: f64 = 1.0 / 128.0;
/// Largest admissible |quantised value|: keeps Σq within i128 and Σq² within
/// 256 bits for up to 2^64 values.
const MAX_ABS_Q: f64 = (1u64 << 62) as f64;
/// Most values a histogram counts (its counts are `u32`).
const MAX_HIST_COUNT: u64 = u32::MAX as u64;
/// Two-sided 95 % standard normal quantile.
const Z95: f64 = 1.959_963_984_540_054;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StatsError {
    #[error("value {0} is not finite")]
    NonFinite(f64),
    #[error(
        "value {value} is out of range for resolution {resolution} (|value / resolution| must be <= 2^62)"
    )]
    OutOfRange { value: f64, resolution: f64 },
    #[error("resolution {0} must be finite and > 0")]
    InvalidResolution(f64),
    #[error("a histogram counts at most {MAX_HIST_COUNT} values")]
    TooMany,
    #[error("cannot merge accumulators with different settings ({0})")]
    Incompatible(String),
    #[error("corrupt accumulator state: {0}")]
    Corrupt(String),
}

/// Exact, mergeable statistics of one cell over trials. See the module docs
/// for the guarantees.
/// Level-0 keys [`Accumulator::add`] holds before counting them in one
/// pass: the driver adds one value to each of tens of thousands of cells
/// in turn, and incrementing a count at once waited on two cache misses
/// per add (the cell, then its counts), where storing a key does not.
const PENDING: usize = 16;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "AccumulatorRepr", into = "AccumulatorRepr")]
pub struct Accumulator {
    resolution: f64,
    count: u64,
    sum: i128,
    sum_sq: U256,
    min: i64,
    max: i64,
    /// Smallest positive quantised value (`i64::MAX` if none).
    min_pos: i64,
    /// Largest negative quantised value (`i64::MIN` if none).
    max_neg: i64,
    /// Whether a histogram is kept (false: [`Accumulator::moments`]).
    histogram: bool,
    /// Level and ranges of `counts`: [`Shape::of`] the four extremes.
    shape: Shape,
    /// Values in the zero bucket.
    zero: u32,
    /// Counts of the negative range's buckets, then the positive range's.
    counts: Vec<u32>,
    /// Level-0 keys of values added but not yet counted (their moments
    /// and extremes, and so the shape, already include them). Readers see
    /// the histogram through [`Accumulator::settled`]: the buffer is
    /// invisible outside.
    pending: [i16; PENDING],
    n_pending: u8,
}

impl PartialEq for Accumulator {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.settled(), other.settled());
        a.resolution.to_bits() == b.resolution.to_bits()
            && a.count == b.count
            && a.sum == b.sum
            && a.sum_sq == b.sum_sq
            && (a.min, a.max, a.min_pos, a.max_neg) == (b.min, b.max, b.min_pos, b.max_neg)
            && a.histogram == b.histogram
            && a.shape == b.shape
            && a.zero == b.zero
            && a.counts == b.counts
    }
}

impl Accumulator {
    /// An empty accumulator quantising to `resolution`, with a histogram.
    pub fn new(resolution: f64) -> Result<Self, StatsError> {
        Self::make(resolution, true)
    }

    /// An empty accumulator keeping only count, sums and extremes: mean,
    /// sd, min, max and the mean's interval, no percentiles.
    pub fn moments(resolution: f64) -> Result<Self, StatsError> {
        Self::make(resolution, false)
    }

    fn make(resolution: f64, histogram: bool) -> Result<Self, StatsError> {
        if !(resolution.is_finite() && resolution > 0.0) {
            return Err(StatsError::InvalidResolution(resolution));
        }
        Ok(Self {
            resolution,
            count: 0,
            sum: 0,
            sum_sq: U256::ZERO,
            min: i64::MAX,
            max: i64::MIN,
            min_pos: i64::MAX,
            max_neg: i64::MIN,
            histogram,
            shape: Shape::default(),
            zero: 0,
            counts: Vec::new(),
            pending: [0; PENDING],
            n_pending: 0,
        })
    }

    pub fn add(&mut self, x: f64) -> Result<(), StatsError> {
        let q = self.quantise(x)?;
        if self.histogram && self.count >= MAX_HIST_COUNT {
            return Err(StatsError::TooMany);
        }
        let new_extreme = q < self.min
            || q > self.max
            || (q > 0 && q < self.min_pos)
            || (q < 0 && q > self.max_neg);
        self.count += 1;
        self.sum += i128::from(q);
        let a = u128::from(q.unsigned_abs());
        self.sum_sq.add_u128(a * a);
        if new_extreme {
            self.min = self.min.min(q);
            self.max = self.max.max(q);
            if q > 0 {
                self.min_pos = self.min_pos.min(q);
            } else if q < 0 {
                self.max_neg = self.max_neg.max(q);
            }
        }
        if self.histogram {
            // The shape is a function of the extremes: it can change only
            // when one of them does.
            if new_extreme {
                self.reshape();
            }
            // |key0| ≤ 3648 fits an i16.
            self.pending[usize::from(self.n_pending)] = bucket::key0(q) as i16;
            self.n_pending += 1;
            if usize::from(self.n_pending) == PENDING {
                self.flush();
            }
        }
        Ok(())
    }

    /// Counts the buffered values. The shape already covers them (it
    /// follows the extremes, which include them).
    pub fn flush(&mut self) {
        let level = self.shape.level;
        for &k0 in &self.pending[..usize::from(self.n_pending)] {
            let k = bucket::coarsen(i64::from(k0), level);
            match self.shape.index(k) {
                Some(i) => self.counts[i] += 1,
                None => {
                    debug_assert_eq!(k, 0, "a non-zero bucket outside the shape");
                    self.zero += 1;
                }
            }
        }
        self.n_pending = 0;
    }

    /// `self` with the buffer counted: borrowed when it is empty.
    fn settled(&self) -> Cow<'_, Self> {
        if self.n_pending == 0 {
            Cow::Borrowed(self)
        } else {
            let mut a = self.clone();
            a.flush();
            Cow::Owned(a)
        }
    }

    /// Lay the counts out for the shape of the current extremes (never finer
    /// than the current one, as extremes only widen).
    fn reshape(&mut self) {
        let new = Shape::of(self.min, self.max, self.min_pos, self.max_neg);
        if new == self.shape {
            return;
        }
        let mut counts = vec![0u32; new.len()];
        let mut zero = self.zero;
        pour(&self.shape, &self.counts, &new, &mut counts, &mut zero);
        self.shape = new;
        self.counts = counts;
        self.zero = zero;
    }

    /// Adds all of `other`'s values. Fails (leaving `self` unchanged) if the
    /// resolution or the kind differ, or the histogram would be too full.
    pub fn merge(&mut self, other: &Self) -> Result<(), StatsError> {
        if self.resolution.to_bits() != other.resolution.to_bits()
            || self.histogram != other.histogram
        {
            return Err(StatsError::Incompatible(format!(
                "resolution {} vs {}, histogram {} vs {}",
                self.resolution, other.resolution, self.histogram, other.histogram
            )));
        }
        if other.count == 0 {
            return Ok(());
        }
        if self.histogram && self.count + other.count > MAX_HIST_COUNT {
            return Err(StatsError::TooMany);
        }
        self.flush();
        let other = other.settled();
        self.count += other.count;
        self.sum += other.sum;
        self.sum_sq = self.sum_sq.add(&other.sum_sq);
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        self.min_pos = self.min_pos.min(other.min_pos);
        self.max_neg = self.max_neg.max(other.max_neg);
        if self.histogram {
            self.reshape();
            let mut zero = self.zero + other.zero;
            pour(
                &other.shape,
                &other.counts,
                &self.shape,
                &mut self.counts,
                &mut zero,
            );
            self.zero = zero;
        }
        Ok(())
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    pub fn resolution(&self) -> f64 {
        self.resolution
    }

    /// Whether percentiles are kept (see [`Accumulator::moments`]).
    pub fn has_histogram(&self) -> bool {
        self.histogram
    }

    /// The histogram's level: 0 is the finest (64 buckets per octave).
    pub fn level(&self) -> u8 {
        self.shape.level
    }

    /// Relative error bound of a bucket's representative at this level,
    /// `2^(level − 7)` (see the module docs for the absolute part).
    pub fn relative_error(&self) -> f64 {
        LEVEL0_RELATIVE_ERROR * f64::from(1u32 << self.shape.level)
    }

    /// Number of bucket counts held (4 bytes each, at most [`SPAN_CAP`]).
    pub fn bins(&self) -> usize {
        self.counts.len()
    }

    /// Mean of the quantised values, `None` if empty.
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum as f64 / self.count as f64 * self.resolution)
    }

    /// Sample standard deviation (`n − 1`), 0 for one value, `None` if empty.
    pub fn sd(&self) -> Option<f64> {
        match self.count {
            0 => None,
            1 => Some(0.0),
            n => {
                // n·Σq² − (Σq)² ≥ 0 by Cauchy–Schwarz; both sides < 2^253.
                let a = self.sum_sq.mul(&U256::from_u128(u128::from(n)));
                let s = U256::from_u128(self.sum.unsigned_abs());
                let d = a.sub(&s.mul(&s));
                let var_q = d.to_f64() / (n as f64 * (n - 1) as f64);
                Some(var_q.sqrt() * self.resolution)
            }
        }
    }

    pub fn min(&self) -> Option<f64> {
        (self.count > 0).then_some(self.min as f64 * self.resolution)
    }

    pub fn max(&self) -> Option<f64> {
        (self.count > 0).then_some(self.max as f64 * self.resolution)
    }

    /// Percentile `p` in [0, 100] by linear interpolation (numpy's default);
    /// `None` if empty, without a histogram, or `p` is outside [0, 100].
    /// Error bound in the module docs.
    pub fn percentile(&self, p: f64) -> Option<f64> {
        if self.count == 0 || !self.histogram || !(0.0..=100.0).contains(&p) {
            return None;
        }
        let h = (self.count - 1) as f64 * p / 100.0;
        let lo = (h.floor() as u64).min(self.count - 1);
        let hi = (lo + 1).min(self.count - 1);
        let t = h - lo as f64;
        let (a, b) = self.settled().order_stats(lo, hi);
        Some((a + t * (b - a)) * self.resolution)
    }

    /// Share of the values strictly above `x`: a bucket counts as above
    /// when its representative is, so the error is at most the share of
    /// values in the one bucket that straddles `x` (none at level 0 for
    /// `|x|` below 128 resolutions, where buckets are single values).
    /// `None` if empty or without a histogram.
    pub fn fraction_above(&self, x: f64) -> Option<f64> {
        if self.count == 0 || !self.histogram || x.is_nan() {
            return None;
        }
        let this = self.settled();
        let above: u64 = this
            .buckets()
            .filter(|&(k, _)| this.rep(k) * this.resolution > x)
            .map(|(_, c)| u64::from(c))
            .sum();
        Some(above as f64 / self.count as f64)
    }

    /// Non-empty buckets `(key, count)` in increasing key order, the zero
    /// bucket among them.
    fn buckets(&self) -> impl Iterator<Item = (i64, u32)> + '_ {
        let n = usize::from(self.shape.neg_len);
        let key = move |i: usize| self.shape.key_at(i);
        let neg = (0..n).map(move |i| (key(i), self.counts[i]));
        let pos = (n..self.counts.len()).map(move |i| (key(i), self.counts[i]));
        neg.chain(std::iter::once((0, self.zero)))
            .chain(pos)
            .filter(|&(_, c)| c > 0)
    }

    /// A bucket's representative, clamped to the exact extremes of its
    /// sign: clamping can only move it towards the values it stands for.
    fn rep(&self, k: i64) -> f64 {
        let (lo, hi) = match k.signum() {
            1 => (self.min_pos.max(self.min), self.max),
            -1 => (self.min, self.max_neg.min(self.max)),
            _ => (self.min, self.max),
        };
        bucket::mid(k, self.shape.level).clamp(lo as f64, hi as f64)
    }

    /// The order statistics of ranks `lo ≤ hi` (0-based), in quantised units.
    fn order_stats(&self, lo: u64, hi: u64) -> (f64, f64) {
        let mut a = None;
        let mut seen = 0u64;
        for (k, c) in self.buckets() {
            seen += u64::from(c);
            if a.is_none() && lo < seen {
                a = Some(self.rank_value(k, lo));
            }
            if hi < seen {
                let b = self.rank_value(k, hi);
                return (a.unwrap_or(b), b);
            }
        }
        // Unreachable for a consistent state (counts sum to count, which is
        // checked on deserialisation); fall back to the exact extremes.
        (self.min as f64, self.max as f64)
    }

    fn rank_value(&self, k: i64, rank: u64) -> f64 {
        if rank == 0 {
            self.min as f64
        } else if rank == self.count - 1 {
            self.max as f64
        } else {
            self.rep(k)
        }
    }

    /// Mean, sd, min, max and the percentiles of
    /// [`super::summary::PERCENTILES`]; `None` if empty or without a
    /// histogram.
    pub fn stat(&self) -> Option<Stat> {
        let this = self.settled();
        let this = this.as_ref();
        this.stat_settled()
    }

    fn stat_settled(&self) -> Option<Stat> {
        Some(Stat {
            mean: self.mean()?,
            sd: self.sd()?,
            min: self.min()?,
            max: self.max()?,
            p5: self.percentile(5.0)?,
            p25: self.percentile(25.0)?,
            p50: self.percentile(50.0)?,
            p75: self.percentile(75.0)?,
            p95: self.percentile(95.0)?,
        })
    }

    /// Mean with its 95 % confidence interval `(mean, low, high)` from
    /// Student's t with `n − 1` degrees of freedom; `None` with fewer than 2
    /// values. For paired differences, add the trial-wise differences
    /// (policy − baseline) to one accumulator.
    pub fn mean_ci95(&self) -> Option<(f64, f64, f64)> {
        if self.count < 2 {
            return None;
        }
        let mean = self.mean()?;
        let half = t975(self.count - 1) * self.sd()? / (self.count as f64).sqrt();
        Some((mean, mean - half, mean + half))
    }

    fn quantise(&self, x: f64) -> Result<i64, StatsError> {
        if !x.is_finite() {
            return Err(StatsError::NonFinite(x));
        }
        let q = (x / self.resolution).round();
        if q.abs() > MAX_ABS_Q {
            return Err(StatsError::OutOfRange {
                value: x,
                resolution: self.resolution,
            });
        }
        Ok(q as i64)
    }
}

/// Adds the counts laid out as `from` into `counts` laid out as `to`, a
/// shape at least as coarse whose ranges cover `from`'s values.
fn pour(from: &Shape, src: &[u32], to: &Shape, counts: &mut [u32], zero: &mut u32) {
    let by = to.level - from.level;
    for (i, &c) in src.iter().enumerate() {
        if c == 0 {
            continue;
        }
        let k = bucket::coarsen(from.key_at(i), by);
        match to.index(k) {
            Some(j) => counts[j] += c,
            None => {
                debug_assert_eq!(k, 0, "a non-zero bucket outside the shape");
                *zero += c;
            }
        }
    }
}

/// 0.975 quantile of Student's t with `df` degrees of freedom: a table for
/// df ≤ 30 (values to 7 significant digits, checked against a numerical
/// integration of the t density), a Cornish–Fisher expansion beyond (error
/// < 2e-6 there, by the same check).
fn t975(df: u64) -> f64 {
    const TABLE: [f64; 30] = [
        12.706_205, 4.302_653, 3.182_446, 2.776_445, 2.570_582, 2.446_912, 2.364_624, 2.306_004,
        2.262_157, 2.228_139, 2.200_985, 2.178_813, 2.160_369, 2.144_787, 2.131_450, 2.119_905,
        2.109_816, 2.100_922, 2.093_024, 2.085_963, 2.079_614, 2.073_873, 2.068_658, 2.063_899,
        2.059_539, 2.055_529, 2.051_831, 2.048_407, 2.045_230, 2.042_272,
    ];
    match df {
        0 => f64::INFINITY,
        1..=30 => TABLE[df as usize - 1],
        _ => {
            let (z, v) = (Z95, df as f64);
            let z3 = z * z * z;
            let z5 = z3 * z * z;
            let z7 = z5 * z * z;
            z + (z3 + z) / (4.0 * v)
                + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * v * v)
                + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * v * v * v)
        }
    }
}

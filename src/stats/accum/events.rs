//! Event counters: hits over trials, for a probability and its interval.

use super::*;

/// Counts of an event over trials, for its probability.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "EventCounterRepr")]
pub struct EventCounter {
    pub hits: u64,
    pub n: u64,
}

impl EventCounter {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, hit: bool) {
        self.n += 1;
        self.hits += u64::from(hit);
    }

    pub fn merge(&mut self, other: &Self) {
        self.n += other.n;
        self.hits += other.hits;
    }

    /// `hits / n`, `None` when `n = 0`.
    pub fn probability(&self) -> Option<f64> {
        (self.n > 0).then(|| self.hits as f64 / self.n as f64)
    }

    /// `(p, low, high)`: the estimate with its 95 % Wilson score interval
    /// (good coverage even at p near 0 or 1, where the normal interval
    /// collapses); `None` when `n = 0` or the counts are inconsistent.
    pub fn wilson95(&self) -> Option<(f64, f64, f64)> {
        if self.n == 0 || self.hits > self.n {
            return None;
        }
        let n = self.n as f64;
        let p = self.hits as f64 / n;
        let z2 = Z95 * Z95;
        let denom = 1.0 + z2 / n;
        let centre = (p + z2 / (2.0 * n)) / denom;
        let half = Z95 / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
        // At 0 or n hits the bound is exactly 0 or 1; say so despite rounding.
        let lo = if self.hits == 0 {
            0.0
        } else {
            (centre - half).max(0.0)
        };
        let hi = if self.hits == self.n {
            1.0
        } else {
            (centre + half).min(1.0)
        };
        Some((p, lo, hi))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EventCounterRepr {
    hits: u64,
    n: u64,
}

impl TryFrom<EventCounterRepr> for EventCounter {
    type Error = StatsError;
    fn try_from(r: EventCounterRepr) -> Result<Self, StatsError> {
        if r.hits > r.n {
            return Err(StatsError::Corrupt(format!(
                "{} hits out of {} trials",
                r.hits, r.n
            )));
        }
        Ok(Self {
            hits: r.hits,
            n: r.n,
        })
    }
}

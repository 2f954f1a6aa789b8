//! The random world of one trial: weather, disruptions, LNG availability
//! and prices for every step, drawn once and shared by all policies
//! (common random numbers).
//!
//! Each random source has its own stream of a named, portable generator
//! (xoshiro256++) seeded from (scenario seed, trial index, source id), so
//! a trial's draws do not depend on threads, shards, other trials, or how
//! many numbers another source consumed.

use super::engine::Draws;
use super::supplier::cut_pairs;
use crate::network::step_starts;
use crate::scenario::time::Day;
use crate::scenario::{DurationDist, Model, Target};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

// Weather uses sources 1 and 4 (`super::weather`).
const LNG: u64 = 2;
const PRICE: u64 = 3;
/// Disruption `d` uses stream `DISRUPTION + d`.
const DISRUPTION: u64 = 1000;

/// SplitMix64 finaliser: spreads (seed, trial, source) over the seed space.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The generator of one random source of one trial.
pub fn stream(seed: u64, trial: u64, source: u64) -> Xoshiro256PlusPlus {
    let k = mix64(mix64(mix64(seed) ^ trial.wrapping_mul(0x9e37_79b9_7f4a_7c15)) ^ source);
    Xoshiro256PlusPlus::seed_from_u64(k)
}

/// Uniform in (0, 1): 53 random bits, never 0.
fn uniform(rng: &mut impl Rng) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
}

/// Standard normal by the Box–Muller transform (one value per call; the
/// second is dropped so every draw consumes exactly two uniforms).
pub fn normal(rng: &mut impl Rng) -> f64 {
    let (u1, u2) = (uniform(rng), uniform(rng));
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A duration in days from its distribution.
pub fn duration(rng: &mut impl Rng, d: DurationDist) -> f64 {
    match d {
        DurationDist::Fixed(v) => v,
        DurationDist::Uniform(a, b) => a + (b - a) * uniform(rng),
        DurationDist::Exponential(m) => -m * uniform(rng).ln(),
        DurationDist::LogNormal { median, sigma } => median * (sigma * normal(rng)).exp(),
    }
}

/// Draws for every step of one trial; buffers reused across trials.
pub struct World {
    pub steps: Vec<Draws>,
    starts: Vec<(Day, f64)>,
    /// Disruption events of the current trial: (disruption, start day, end day).
    pub events: Vec<(usize, f64, f64)>,
    /// Events of each disruption in the current trial.
    pub counts: Vec<u32>,
    /// (origin, buyer node) pairs that disruptions with `buyers` cut, the
    /// layout of `Draws::delivery`.
    pairs: Vec<(usize, usize)>,
    weather: super::weather::Weather,
    /// Whether `[[spell]]`s are imposed (the storage valuation samples
    /// worlds without them: they are not foreseen).
    pub spells: bool,
}

impl World {
    pub fn new(model: &Model) -> World {
        let starts = step_starts(model);
        World {
            steps: vec![Draws::neutral(model); starts.len()],
            weather: super::weather::Weather::new(model, &starts),
            starts,
            events: Vec::new(),
            counts: vec![0; model.disruptions.len()],
            pairs: cut_pairs(model),
            spells: true,
        }
    }

    /// Draw trial `trial`'s world.
    pub fn sample(&mut self, model: &Model, trial: u64) {
        let seed = model.seed;
        // Weather: monthly anomalies and, in months with daily steps,
        // day-to-day deviations (`super::weather`).
        self.weather
            .draw(model, trial, &mut self.steps, self.spells);
        // Yearly LNG and price factors.
        let first_year = model.start.year();
        let years = (model.end.year() - first_year + 1) as usize;
        let mut rng = stream(seed, trial, LNG);
        let lng: Vec<f64> = (0..years)
            .map(|_| (1.0 + model.lng.as_ref().map_or(0.0, |l| l.sd) * normal(&mut rng)).max(0.0))
            .collect();
        let mut rng = stream(seed, trial, PRICE);
        let sd = model.price_sd;
        let price: Vec<f64> = (0..years)
            .map(|_| (sd * normal(&mut rng) - sd * sd / 2.0).exp())
            .collect();
        for (t, &(day, _)) in self.starts.iter().enumerate() {
            let y = (day.year() - first_year) as usize;
            let s = &mut self.steps[t];
            s.lng_market = lng[y];
            s.price = price[y];
            s.pipeline.iter_mut().for_each(|x| *x = 1.0);
            s.origin.iter_mut().for_each(|x| *x = 1.0);
            s.lng_terminal.iter_mut().for_each(|x| *x = 1.0);
            s.delivery.iter_mut().for_each(|x| *x = 1.0);
        }
        // Disruptions: a Poisson process per disruption, thinned to its
        // months and window; each event removes `severity` of capacity for
        // its duration, prorated over the steps it overlaps.
        self.events.clear();
        self.counts.iter_mut().for_each(|c| *c = 0);
        let (h0, h1) = (f64::from(model.start.0), f64::from(model.end.0));
        for (d, dis) in model.disruptions.iter().enumerate() {
            if dis.hazard <= 0.0 {
                continue;
            }
            let mut rng = stream(seed, trial, DISRUPTION + d as u64);
            let rate = dis.hazard / 365.25;
            let mut t = h0;
            loop {
                t += -uniform(&mut rng).ln() / rate;
                if t >= h1 {
                    break;
                }
                let len = duration(&mut rng, dis.duration);
                let day = Day(t as i32);
                let (_, m, _) = day.ymd();
                let inside = dis.from.is_none_or(|f| day >= f) && dis.until.is_none_or(|u| day < u);
                if dis.months[m as usize - 1] && inside {
                    self.events.push((d, t, t + len));
                    self.counts[d] += 1;
                }
            }
        }
        for &(d, a, b) in &self.events {
            let dis = &model.disruptions[d];
            let (target, severity) = (dis.target, dis.severity);
            for (step, &(day, days)) in self.starts.iter().enumerate() {
                let s = f64::from(day.0);
                if s + days <= a || s >= b {
                    continue;
                }
                let covered = ((b.min(s + days) - a.max(s)) / days).clamp(0.0, 1.0);
                let f = 1.0 - severity * covered;
                let draws = &mut self.steps[step];
                match target {
                    // An origin cutting some buyers only: their deliveries.
                    Target::Origin(o) if !dis.buyers.is_empty() => {
                        for &b in &dis.buyers {
                            if let Ok(k) = self.pairs.binary_search(&(o, b)) {
                                draws.delivery[k] *= f;
                            }
                        }
                    }
                    Target::Pipeline(i) => draws.pipeline[i] *= f,
                    Target::Origin(i) => draws.origin[i] *= f,
                    Target::Lng(i) => draws.lng_terminal[i] *= f,
                    Target::Storage(_) => unreachable!("validation rejects storage disruptions"),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_distinct_and_reproducible() {
        let a: Vec<u64> = (0..4).map(|_| stream(1, 2, 3).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(stream(1, 2, 3).next_u64(), stream(1, 3, 3).next_u64());
        assert_ne!(stream(1, 2, 3).next_u64(), stream(1, 2, 4).next_u64());
        assert_ne!(stream(1, 2, 3).next_u64(), stream(2, 2, 3).next_u64());
    }

    #[test]
    fn normal_has_unit_moments() {
        let mut rng = stream(9, 0, 0);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| normal(&mut rng)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        // Standard errors: mean 1/√n ≈ 0.0022, variance √(2/n) ≈ 0.0032.
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((var - 1.0).abs() < 0.015, "var {var}");
    }

    #[test]
    fn durations_have_their_means() {
        let mut rng = stream(5, 0, 0);
        let n = 100_000;
        let m = |rng: &mut Xoshiro256PlusPlus, d| {
            (0..n).map(|_| duration(rng, d)).sum::<f64>() / n as f64
        };
        assert!((m(&mut rng, DurationDist::Uniform(5.0, 15.0)) - 10.0).abs() < 0.1);
        assert!((m(&mut rng, DurationDist::Exponential(7.0)) - 7.0).abs() < 0.15);
        // Lognormal mean = median · exp(σ²/2) = 7 · e^0.32 ≈ 9.64.
        let ln = m(
            &mut rng,
            DurationDist::LogNormal {
                median: 7.0,
                sigma: 0.8,
            },
        );
        assert!((ln - 7.0 * (0.32f64).exp()).abs() < 0.2, "{ln}");
    }
}

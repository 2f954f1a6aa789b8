//! Weather of a trial: a monthly anomaly per node, day-to-day deviations
//! inside months with daily steps, and spells imposed on dates
//! (docs/model.md, "Weather by day").
//!
//! Model, per node *n* (cold positive):
//!
//! ```text
//! monthly   z_k = ρ z_{k−1} + √(1 − ρ²) L ε_k                 one value per calendar month k
//! daily     w_d = ρ_d w_{d−1} + √(1 − ρ_d²) L η_d             one value per day, in months with daily steps
//! demand    heating-sensitive demand of a step × (1 + s · z_k + s_d · mean over the step of (w_d − w̄_k))
//! ```
//!
//! with ρ the `autocorrelation` (month to month), ρ_d the
//! `daily_autocorrelation` (day to day: how long a cold spell lasts), L the
//! Cholesky factor of the node correlation (the same for both parts, so
//! cold spells are correlated across countries as monthly anomalies are),
//! s the node's `weather_sensitivity` and s_d its `daily_sensitivity`.
//! `w̄_k` is the mean of `w` over month k, so the daily deviations of a
//! month sum to zero: the month's total demand is exactly what a monthly
//! step of the same trial has, whatever steps the month is cut into, and
//! the expected demand of every day is the monthly profile's. The daily
//! process runs on across consecutive months with daily steps (a cold
//! spell may straddle the turn of a month) and starts afresh, stationary,
//! after a month without them.
//!
//! A calendar of whole months draws exactly the numbers it drew before
//! daily steps existed (one monthly anomaly per step, same stream); the
//! daily deviations have their own stream.
//!
//! Spells (`[[spell]]`) replace the weather of their days at their nodes:
//! the covered share c of a step gets heating-sensitive demand `h` times
//! normal (`(1 − c)` of the drawn anomaly is kept). A spell given by its
//! return period T gets, at each node, the level whose mean over the
//! spell's length is the node's yearly maximum once in T years in the
//! scenario's own weather model ([`resolve_spells`]).

use super::engine::Draws;
use super::sample::{normal, stream};
use crate::scenario::Model;
use crate::scenario::calendar::{SpellLevel, SpellM};
use crate::scenario::time::Day;
use crate::scenario::units::days_in_month;

/// Random streams of the weather (see `super::sample`).
pub const WEATHER: u64 = 1;
pub const WEATHER_DAILY: u64 = 4;
/// Stream of the simulated years behind return levels.
const RETURN_LEVEL: u64 = 5;
/// Years simulated to find a return level: the 1-in-20 level is then the
/// 100th largest of 2,000 yearly maxima.
pub const RETURN_LEVEL_YEARS: usize = 2_000;

/// A calendar month as the weather sees it.
#[derive(Debug, Clone)]
struct Span {
    first_step: usize,
    steps: usize,
    /// Days of the month.
    days: usize,
    /// Whether the month is cut into steps shorter than itself.
    zoomed: bool,
}

/// The weather generator of one calendar, with its buffers.
#[derive(Debug, Clone)]
pub struct Weather {
    spans: Vec<Span>,
    starts: Vec<(Day, f64)>,
    eps: Vec<f64>,
    w: Vec<f64>,
    /// Daily values of the current month, days × nodes.
    month: Vec<f64>,
}

impl Weather {
    pub fn new(model: &Model, starts: &[(Day, f64)]) -> Weather {
        let nn = model.nodes.len();
        let mut spans: Vec<Span> = Vec::new();
        for (t, &(day, len)) in starts.iter().enumerate() {
            let (y, m, _) = day.ymd();
            let dim = days_in_month(y, m) as usize;
            match spans.last_mut() {
                Some(s)
                    if starts[s.first_step].0.ymd().1 == m
                        && starts[s.first_step].0.year() == y =>
                {
                    s.steps += 1;
                    s.zoomed = true;
                }
                _ => spans.push(Span {
                    first_step: t,
                    steps: 1,
                    days: dim,
                    zoomed: (len as usize) < dim,
                }),
            }
        }
        Weather {
            spans,
            starts: starts.to_vec(),
            eps: vec![0.0; nn],
            w: vec![0.0; nn],
            month: vec![0.0; 31 * nn],
        }
    }

    /// Draw the weather of `trial` into `steps` (`weather`: the monthly
    /// anomaly, standardised; `daily`: s_d × the step's mean deviation);
    /// impose the spells if `spells`.
    pub fn draw(&mut self, model: &Model, trial: u64, steps: &mut [Draws], spells: bool) {
        let nn = model.nodes.len();
        let l = &model.weather.cholesky;
        let rho = model.weather.autocorrelation;
        let innov = (1.0 - rho * rho).sqrt();
        let mut rng = stream(model.seed, trial, WEATHER);
        for (k, span) in self.spans.iter().enumerate() {
            let t0 = span.first_step;
            for e in self.eps.iter_mut() {
                *e = normal(&mut rng);
            }
            for i in 0..nn {
                let shock: f64 = (0..=i).map(|j| l[i * nn + j] * self.eps[j]).sum();
                let z = if k == 0 {
                    shock
                } else {
                    rho * steps[t0 - 1].weather[i] + innov * shock
                };
                for s in &mut steps[t0..t0 + span.steps] {
                    s.weather[i] = z;
                }
            }
        }
        let rd = model.weather.daily_autocorrelation;
        let innov_d = (1.0 - rd * rd).sqrt();
        let mut rng = stream(model.seed, trial, WEATHER_DAILY);
        let mut running = false;
        for span in &self.spans {
            let range = span.first_step..span.first_step + span.steps;
            if !span.zoomed {
                running = false;
                for s in &mut steps[range] {
                    s.daily.iter_mut().for_each(|x| *x = 0.0);
                }
                continue;
            }
            for d in 0..span.days {
                for e in self.eps.iter_mut() {
                    *e = normal(&mut rng);
                }
                for i in 0..nn {
                    let shock: f64 = (0..=i).map(|j| l[i * nn + j] * self.eps[j]).sum();
                    self.w[i] = if running {
                        rd * self.w[i] + innov_d * shock
                    } else {
                        shock
                    };
                    self.month[d * nn + i] = self.w[i];
                }
                running = true;
            }
            let first_day = self.starts[span.first_step].0.0;
            for i in 0..nn {
                let mean =
                    (0..span.days).map(|d| self.month[d * nn + i]).sum::<f64>() / span.days as f64;
                let s_d = model.nodes[i].daily_sensitivity;
                for t in range.clone() {
                    let (day, len) = self.starts[t];
                    let a = (day.0 - first_day) as usize;
                    let b = a + len as usize;
                    let sum: f64 = (a..b).map(|d| self.month[d * nn + i] - mean).sum();
                    steps[t].daily[i] = s_d * sum / len;
                }
            }
        }
        if spells {
            impose(&model.spells, &self.starts, steps);
        }
    }
}

/// Draws of every step at their expectation, with the spells imposed (the
/// deterministic run's world).
pub fn expected(model: &Model) -> Vec<Draws> {
    let starts = crate::network::step_starts(model);
    let mut steps = vec![Draws::neutral(model); starts.len()];
    impose(&model.spells, &starts, &mut steps);
    steps
}

/// Impose spells given by their heating level (return periods must have
/// been resolved, see [`resolve_spells`]; unresolved ones are skipped).
fn impose(spells: &[SpellM], starts: &[(Day, f64)], steps: &mut [Draws]) {
    for sp in spells {
        let SpellLevel::Heating(h) = sp.level else {
            continue;
        };
        for (t, &(day, len)) in starts.iter().enumerate() {
            let c = crate::network::overlap(day, len, sp.from, Some(sp.until));
            if c <= 0.0 {
                continue;
            }
            for &n in &sp.nodes {
                let s = &mut steps[t];
                s.weather[n] *= 1.0 - c;
                s.daily[n] = (1.0 - c) * s.daily[n] + c * (h - 1.0);
            }
        }
    }
}

/// Replace every spell given by a return period by one spell per node at
/// that node's return level ([`return_level`]). Deterministic: the
/// simulated years have their own stream of the scenario's seed.
pub fn resolve_spells(model: &mut Model) {
    if !model
        .spells
        .iter()
        .any(|s| matches!(s.level, SpellLevel::ReturnPeriod(_)))
    {
        return;
    }
    let mut out = Vec::new();
    for sp in &model.spells {
        match sp.level {
            SpellLevel::Heating(_) => out.push(sp.clone()),
            SpellLevel::ReturnPeriod(years) => {
                for &n in &sp.nodes {
                    let h = return_level(model, n, sp.from, sp.until, years);
                    out.push(SpellM {
                        nodes: vec![n],
                        level: SpellLevel::Heating(h),
                        ..sp.clone()
                    });
                }
            }
        }
    }
    model.spells = out;
}

/// The heating level of node `n` on the days `[from, until)` that makes
/// their mean heating-sensitive demand (profile × weather factor) equal to
/// the yearly maximum of the mean over as many consecutive days exceeded
/// once in `years` years, found from [`RETURN_LEVEL_YEARS`] years of the
/// node's weather model (winters whole: years run from July to June).
pub fn return_level(model: &Model, n: usize, from: Day, until: Day, years: f64) -> f64 {
    let node = &model.nodes[n];
    let k = (until.0 - from.0).max(1) as usize;
    let (rho, rd) = (
        model.weather.autocorrelation,
        model.weather.daily_autocorrelation,
    );
    let (innov, innov_d) = ((1.0 - rho * rho).sqrt(), (1.0 - rd * rd).sqrt());
    let mut rng = stream(model.seed, n as u64, RETURN_LEVEL);
    // A non-leap year from July: days of each month.
    const MONTHS: [u32; 12] = [7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6];
    let mut maxima = Vec::with_capacity(RETURN_LEVEL_YEARS);
    let (mut z, mut w) = (normal(&mut rng), normal(&mut rng));
    let mut days: Vec<f64> = Vec::with_capacity(365);
    let mut month = Vec::with_capacity(31);
    for _ in 0..RETURN_LEVEL_YEARS {
        days.clear();
        for &m in &MONTHS {
            z = rho * z + innov * normal(&mut rng);
            month.clear();
            for _ in 0..days_in_month(2001, m) {
                w = rd * w + innov_d * normal(&mut rng);
                month.push(w);
            }
            let mean = month.iter().sum::<f64>() / month.len() as f64;
            let p = node.profile[m as usize - 1];
            for &x in &month {
                let f = 1.0 + node.weather_sensitivity * z + node.daily_sensitivity * (x - mean);
                days.push(p * f.max(0.0));
            }
        }
        let mut sum: f64 = days[..k.min(days.len())].iter().sum();
        let mut best = sum;
        for d in k..days.len() {
            sum += days[d] - days[d - k];
            best = best.max(sum);
        }
        maxima.push(best / k.min(days.len()) as f64);
    }
    maxima.sort_by(f64::total_cmp);
    let q = (1.0 - 1.0 / years).clamp(0.0, 1.0);
    let h = q * (maxima.len() - 1) as f64;
    let (i, t) = (h.floor() as usize, h.fract());
    let level = maxima[i] + t * (maxima[(i + 1).min(maxima.len() - 1)] - maxima[i]);
    // The spell's own days at normal weather.
    let normal_days: f64 = (from.0..until.0.max(from.0 + 1))
        .map(|d| node.profile[Day(d).ymd().1 as usize - 1])
        .sum::<f64>()
        / k as f64;
    if normal_days > 0.0 {
        level / normal_days
    } else {
        1.0
    }
}

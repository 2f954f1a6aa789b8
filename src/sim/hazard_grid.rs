//! The answer along a hazard: the run's headline quantities at other
//! hazards of one disruption (its `hazard_grid`), from this run's trials.
//!
//! Each trial is filed under the number of events the graded disruption had
//! in it (0, 1, …, [`MAX_COUNT`] or more). Given that number, nothing in a
//! trial depends on the hazard ([`super::supplier`]), so at hazard h
//!
//! ```text
//! E_h[X] = Σₙ Pois(n; h·T) · E[X | N = n]
//! ```
//!
//! with T the disruption's exposure in years. The stratum means are exact
//! integer accumulators (so the result does not depend on threads or
//! shards); the estimate uses the strata with at least two trials and says
//! how much of the Poisson probability they cover. Storage is valued at
//! the run's own hazard: at other hazards operators expect the run's risk.
//!
//! Per question node (focus nodes, then the region) and policy, per trial:
//! the mean over the horizon's years of the traced dependency share and of
//! the curtailment share, the horizon's total bill and owners' revenue
//! below plan, and whether curtailment exceeded 1 % of a year's demand in
//! any year; for the policies other than the baseline also their paired
//! differences.

use super::metrics::{Layout, YEARLY};
use super::supplier::{exposure_years, graded, poisson};
use crate::scenario::Model;
use crate::stats::accum::{Accumulator, EventCounter, StatsError};
use crate::stats::summary::{HazardGridRow, HazardGridSummary};
use serde::{Deserialize, Serialize};

/// Event counts from this on share one stratum.
pub const MAX_COUNT: usize = 8;
/// The quantities, by name, with the yearly metric each is made of and
/// whether it is the horizon's mean (else its total).
pub const QUANTITIES: [(&str, &str, bool); 4] = [
    ("dependency_share", "dependency_share", true),
    ("curtailment_share", "curtailment_share", true),
    ("bill", "bill", false),
    ("exposure_loss", "exposure_loss", false),
];
/// The name of the shortfall-risk row.
pub const SHORTFALL_ANY: &str = "shortfall_any";

/// Stratified accumulators of one run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Strata {
    /// The graded disruption.
    pub disruption: usize,
    /// Layout node of each question node.
    pub nodes: Vec<usize>,
    /// [stratum][policy][node × quantity].
    pub values: Vec<Vec<Vec<Accumulator>>>,
    /// [stratum][policy − 1][node × quantity]: policy − baseline.
    pub diffs: Vec<Vec<Vec<Accumulator>>>,
    /// [stratum][policy][node]: shortfall in some year.
    pub any: Vec<Vec<Vec<EventCounter>>>,
}

fn resolution(k: usize) -> f64 {
    let metric = QUANTITIES[k].1;
    YEARLY
        .iter()
        .find(|m| m.name == metric)
        .map_or(1e-3, |m| m.resolution)
}

fn acc(k: usize) -> Accumulator {
    // Only means and variances are read: no histogram.
    Accumulator::moments(resolution(k)).expect("resolutions are positive constants")
}

impl Strata {
    /// Strata for `model`'s graded disruption, if it has one.
    pub fn new(model: &Model, layout: &Layout, policies: usize) -> Option<Strata> {
        let disruption = graded(model)?;
        let mut nodes: Vec<usize> = model.focus.clone();
        nodes.push(layout.region());
        let cells = |_: usize| {
            (0..nodes.len() * QUANTITIES.len())
                .map(|i| acc(i % QUANTITIES.len()))
                .collect::<Vec<_>>()
        };
        Some(Strata {
            disruption,
            values: (0..=MAX_COUNT)
                .map(|_| (0..policies).map(cells).collect())
                .collect(),
            diffs: (0..=MAX_COUNT)
                .map(|_| (1..policies).map(cells).collect())
                .collect(),
            any: (0..=MAX_COUNT)
                .map(|_| vec![vec![EventCounter::new(); nodes.len()]; policies])
                .collect(),
            nodes,
        })
    }

    /// File one trial: its values and events per policy (baseline first)
    /// and the graded disruption's event count.
    pub fn add(
        &mut self,
        layout: &Layout,
        values: &[Vec<f64>],
        events: &[Vec<bool>],
        count: u32,
    ) -> Result<(), StatsError> {
        let s = (count as usize).min(MAX_COUNT);
        let per_policy: Vec<Vec<f64>> = values.iter().map(|v| self.quantities(layout, v)).collect();
        for (p, q) in per_policy.iter().enumerate() {
            for (a, &x) in self.values[s][p].iter_mut().zip(q) {
                a.add(x)?;
            }
            for (c, &n) in self.any[s][p].iter_mut().zip(&self.nodes) {
                c.add(events[p][layout.event_unserved_any(n)]);
            }
        }
        for p in 1..per_policy.len() {
            for (i, a) in self.diffs[s][p - 1].iter_mut().enumerate() {
                a.add(per_policy[p][i] - per_policy[0][i])?;
            }
        }
        Ok(())
    }

    /// The quantities of one policy's trial, node-major.
    fn quantities(&self, layout: &Layout, v: &[f64]) -> Vec<f64> {
        let ny = layout.years.len();
        let mut out = Vec::with_capacity(self.nodes.len() * QUANTITIES.len());
        for &n in &self.nodes {
            for &(_, metric, mean) in &QUANTITIES {
                let k = YEARLY
                    .iter()
                    .position(|m| m.name == metric)
                    .expect("quantities are yearly metrics");
                let (mut sum, mut count) = (0.0, 0usize);
                for y in 0..ny {
                    let x = v[layout.yearly(k, n, y)];
                    if x.is_finite() {
                        sum += x;
                        count += 1;
                    }
                }
                out.push(if mean && count > 0 {
                    sum / count as f64
                } else {
                    sum
                });
            }
        }
        out
    }

    pub fn merge(&mut self, other: &Strata) -> Result<(), StatsError> {
        for (a, b) in self.values.iter_mut().zip(&other.values) {
            for (x, y) in a.iter_mut().zip(b) {
                for (u, v) in x.iter_mut().zip(y) {
                    u.merge(v)?;
                }
            }
        }
        for (a, b) in self.diffs.iter_mut().zip(&other.diffs) {
            for (x, y) in a.iter_mut().zip(b) {
                for (u, v) in x.iter_mut().zip(y) {
                    u.merge(v)?;
                }
            }
        }
        for (a, b) in self.any.iter_mut().zip(&other.any) {
            for (x, y) in a.iter_mut().zip(b) {
                for (u, v) in x.iter_mut().zip(y) {
                    u.merge(v);
                }
            }
        }
        Ok(())
    }

    /// Trials per stratum.
    fn trials(&self) -> Vec<u64> {
        self.any
            .iter()
            .map(|s| s.first().and_then(|p| p.first()).map_or(0, |c| c.n))
            .collect()
    }

    /// The summary: every grid hazard (and the run's own), every policy,
    /// question node and quantity. `node_id` names layout nodes.
    pub fn summarize(
        &self,
        model: &Model,
        policy_ids: &[String],
        node_id: &dyn Fn(usize) -> String,
    ) -> HazardGridSummary {
        let dis = &model.disruptions[self.disruption];
        let exposure = exposure_years(model, self.disruption);
        let trials = self.trials();
        let mut hazards = dis.hazard_grid.clone();
        if !hazards.contains(&dis.hazard) {
            hazards.push(dis.hazard);
        }
        hazards.sort_by(f64::total_cmp);
        let mut rows = Vec::new();
        for &h in &hazards {
            let mut w = poisson(h * exposure, MAX_COUNT);
            let below: f64 = w.iter().sum();
            w.push((1.0 - below).max(0.0));
            let seen: Vec<bool> = trials.iter().map(|&t| t >= 2).collect();
            let coverage: f64 = w.iter().zip(&seen).filter(|x| *x.1).map(|x| x.0).sum();
            for (p, pid) in policy_ids.iter().enumerate() {
                for (j, &n) in self.nodes.iter().enumerate() {
                    for (k, &(name, metric, _)) in QUANTITIES.iter().enumerate() {
                        let i = j * QUANTITIES.len() + k;
                        let level =
                            combine(&w, &seen, coverage, |s| moments(&self.values[s][p][i]));
                        let diff = (p > 0)
                            .then(|| {
                                combine(&w, &seen, coverage, |s| moments(&self.diffs[s][p - 1][i]))
                            })
                            .flatten();
                        rows.push(row(h, pid, node_id(n), name, metric, level, diff, coverage));
                    }
                    let shortfall = |p: usize, s: usize| self.any[s][p][j];
                    let level = combine(&w, &seen, coverage, |s| proportion(shortfall(p, s)));
                    let diff = (p > 0)
                        .then(|| {
                            combine(&w, &seen, coverage, |s| {
                                let (a, b) = (shortfall(p, s), shortfall(0, s));
                                let (m1, v1) = proportion(a)?;
                                let (m0, v0) = proportion(b)?;
                                // Paired: the covariance is ignored, which
                                // overstates the interval (conservative).
                                Some((m1 - m0, v1 + v0))
                            })
                        })
                        .flatten();
                    rows.push(row(
                        h,
                        pid,
                        node_id(n),
                        SHORTFALL_ANY,
                        "",
                        level,
                        diff,
                        coverage,
                    ));
                }
            }
        }
        HazardGridSummary {
            disruption: dis.id.clone(),
            hazard: dis.hazard,
            exposure_years: exposure,
            trials_by_events: trials,
            rows,
        }
    }
}

/// Mean and variance of the mean of a stratum's values.
fn moments(a: &Accumulator) -> Option<(f64, f64)> {
    let n = a.count();
    if n < 2 {
        return None;
    }
    Some((a.mean()?, a.sd()?.powi(2) / n as f64))
}

/// Share of hits and the variance of that share, with one hit and one miss
/// added for the variance (so a stratum without hits still has some).
fn proportion(c: EventCounter) -> Option<(f64, f64)> {
    if c.n < 2 {
        return None;
    }
    let p = c.hits as f64 / c.n as f64;
    let q = (c.hits as f64 + 1.0) / (c.n as f64 + 2.0);
    Some((p, q * (1.0 - q) / c.n as f64))
}

/// Σ wₙ μₙ / coverage over the strata seen, with its variance.
fn combine(
    w: &[f64],
    seen: &[bool],
    coverage: f64,
    stratum: impl Fn(usize) -> Option<(f64, f64)>,
) -> Option<(f64, f64)> {
    if coverage <= 0.0 {
        return None;
    }
    let (mut m, mut v) = (0.0, 0.0);
    for s in 0..w.len() {
        if !seen[s] || w[s] == 0.0 {
            continue;
        }
        let (mu, var) = stratum(s)?;
        m += w[s] * mu;
        v += w[s] * w[s] * var;
    }
    Some((m / coverage, v / (coverage * coverage)))
}

/// 97.5 % point of the standard normal.
const Z: f64 = 1.959_964;

#[allow(clippy::too_many_arguments)]
fn row(
    hazard: f64,
    policy: &str,
    node: String,
    name: &str,
    metric: &str,
    level: Option<(f64, f64)>,
    diff: Option<(f64, f64)>,
    coverage: f64,
) -> HazardGridRow {
    let unit = YEARLY
        .iter()
        .find(|m| m.name == metric)
        .map_or("probability", |m| m.unit);
    // A probability's interval stays within [0, 1] (its difference within
    // [−1, 1]); other quantities are not bounded.
    let (low, high) = if name == SHORTFALL_ANY {
        (0.0, 1.0)
    } else {
        (f64::NEG_INFINITY, f64::INFINITY)
    };
    let ci = |x: Option<(f64, f64)>, low: f64, high: f64| {
        x.map(|(m, v)| {
            let h = Z * v.sqrt();
            [m, (m - h).max(low), (m + h).min(high)]
        })
    };
    HazardGridRow {
        hazard,
        policy: policy.to_string(),
        node,
        quantity: name.to_string(),
        unit: unit.to_string(),
        value: ci(level, low, high),
        difference: ci(diff, -high, high),
        coverage,
    }
}

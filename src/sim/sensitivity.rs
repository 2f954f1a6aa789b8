//! Sensitivity analysis of chosen outputs to the `[[uncertain]]` inputs:
//! Morris elementary effects and Sobol indices (docs/results.md,
//! "gasdep sensitivity").
//!
//! The function analysed is deterministic: at a design point (one
//! probability per input, mapped to values by their distributions'
//! quantiles) the output is the **mean over the same trials** (0..R: the
//! same weather, disruptions, LNG and price draws at every point, common
//! random numbers) of a yearly metric of one node, year and policy. The
//! engine runs each point as a Monte Carlo run would ([`super::vary`]:
//! the scenario checked and compiled at the point's values, storage valued
//! once on the written values), points in parallel, results in design
//! order: the same indices for any number of threads.
//!
//! - **Sobol** (Saltelli 2010 design and first-order estimator, Jansen
//!   1999 total-effect estimator): matrices A and B of N rows, and for
//!   each input i the matrix A with column i from B; N (k + 2) points.
//!   S_i = mean(f(B) (f(ABᵢ) − f(A))) / V, ST_i = mean((f(A) − f(ABᵢ))²) /
//!   (2V), V the variance of f over the rows of A and B. Errors: standard
//!   deviation and 2.5–97.5 % percentiles of the indices over bootstrap
//!   resamples of the rows.
//! - **Morris**: r trajectories on a grid of p levels (probabilities at
//!   the middles of p equal-probability bins), each input moved once per
//!   trajectory by Δ = p / (2 (p − 1)) grid units; r (k + 1) points. The
//!   elementary effect is the output change divided by Δ; μ* is the mean
//!   of its absolute values (with standard error sd / √r), σ its standard
//!   deviation.
//!
//! The estimators take any function of the unit cube, so tests can check
//! them on functions whose indices are known.

use super::metrics::YEARLY;
use super::run::{Prepared, SimError, Worker};
use super::sample::stream;
use super::vary::{prepared_with, unit};
use rand::Rng;
use rayon::prelude::*;
use serde::Serialize;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

/// Streams of the designs and the bootstrap (trial index = design row).
const SOBOL: u64 = (1 << 41) + 1;
const MORRIS: u64 = (1 << 41) + 2;
const BOOTSTRAP: u64 = (1 << 41) + 3;

/// Bootstrap resamples of the Sobol indices.
pub const BOOTSTRAP_SAMPLES: usize = 1000;

/// One output: a yearly metric of a node (or the region) in a year under a
/// policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Output {
    /// As asked, e.g. `dependency_share:FR:2030`.
    pub name: String,
    #[serde(skip)]
    pub metric: usize,
    #[serde(skip)]
    pub node: usize,
    #[serde(skip)]
    pub year: usize,
    /// Index into `Prepared::policies`.
    #[serde(skip)]
    pub policy: usize,
    pub unit: String,
}

/// Parse `METRIC:NODE:YEAR[:POLICY]` (NODE a node id or `EUROPE`; POLICY
/// default the baseline) against a prepared scenario.
pub fn parse_output(text: &str, prep: &Prepared) -> Result<Output, String> {
    let parts: Vec<&str> = text.split(':').map(str::trim).collect();
    let bad = |why: String| format!("--output {text}: {why}");
    let (metric, node, year, policy) = match parts.as_slice() {
        [m, n, y] => (*m, *n, *y, None),
        [m, n, y, p] => (*m, *n, *y, Some(*p)),
        _ => {
            return Err(bad(
                "expected METRIC:NODE:YEAR[:POLICY], e.g. dependency_share:FR:2030".into(),
            ));
        }
    };
    let m = &prep.model;
    let k = YEARLY
        .iter()
        .position(|x| x.name == metric)
        .ok_or_else(|| {
            let names: Vec<&str> = YEARLY.iter().map(|x| x.name).collect();
            bad(format!(
                "'{metric}' is not a yearly metric (known: {})",
                names.join(", ")
            ))
        })?;
    let n = if node == crate::stats::summary::REGION {
        prep.layout.region()
    } else {
        m.nodes.iter().position(|x| x.id == node).ok_or_else(|| {
            let ids: Vec<&str> = m.nodes.iter().map(|x| x.id.as_str()).collect();
            bad(format!(
                "'{node}' is not a node (known: {}, EUROPE)",
                ids.join(", ")
            ))
        })?
    };
    let y = year
        .parse::<i32>()
        .ok()
        .and_then(|y| prep.layout.years.iter().position(|&x| x == y))
        .ok_or_else(|| {
            let (a, b) = (prep.layout.years.first(), prep.layout.years.last());
            bad(format!(
                "year '{year}' is not simulated ({}–{})",
                a.map_or(0, |x| *x),
                b.map_or(0, |x| *x)
            ))
        })?;
    let p = match policy {
        None => 0,
        Some(id) => prep
            .policies
            .iter()
            .position(|&p| m.policies[p].id == id)
            .ok_or_else(|| bad(format!("policy '{id}' is not run (use --policy {id})")))?,
    };
    Ok(Output {
        name: text.to_string(),
        metric: k,
        node: n,
        year: y,
        policy: p,
        unit: YEARLY[k].unit.to_string(),
    })
}

/// The Saltelli design for `k` inputs and `n` base rows: A (n rows), B,
/// then ABᵢ for i = 0..k; each point a probability per input.
pub fn sobol_design(k: usize, n: usize, seed: u64) -> Vec<Vec<f64>> {
    let (mut a, mut b) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for j in 0..n {
        let mut rng = stream(seed, j as u64, SOBOL);
        a.push((0..k).map(|_| unit(&mut rng)).collect::<Vec<f64>>());
        b.push((0..k).map(|_| unit(&mut rng)).collect::<Vec<f64>>());
    }
    let mut points = a.clone();
    points.extend(b.iter().cloned());
    for i in 0..k {
        for j in 0..n {
            let mut p = a[j].clone();
            p[i] = b[j][i];
            points.push(p);
        }
    }
    points
}

/// An index with its bootstrap error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    pub value: f64,
    /// Standard error (bootstrap standard deviation, or sd / √r).
    pub se: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// Sobol indices of one input.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Sobol {
    pub first: Estimate,
    pub total: Estimate,
}

/// S_i and ST_i from the outputs of a [`sobol_design`] (`y` in design
/// order), `None` when the output does not vary.
fn sobol_point(y: &[f64], k: usize, n: usize, rows: &[usize]) -> Option<Vec<(f64, f64)>> {
    let fa = |j: usize| y[j];
    let fb = |j: usize| y[n + j];
    let fab = |i: usize, j: usize| y[(2 + i) * n + j];
    let m = rows.len() as f64;
    let mean = rows.iter().map(|&j| fa(j) + fb(j)).sum::<f64>() / (2.0 * m);
    let var = rows
        .iter()
        .map(|&j| (fa(j) - mean).powi(2) + (fb(j) - mean).powi(2))
        .sum::<f64>()
        / (2.0 * m - 1.0);
    if var.is_nan() || var <= 0.0 {
        return None;
    }
    Some(
        (0..k)
            .map(|i| {
                let s = rows
                    .iter()
                    .map(|&j| (fb(j) - mean) * (fab(i, j) - fa(j)))
                    .sum::<f64>()
                    / m;
                let t = rows
                    .iter()
                    .map(|&j| (fa(j) - fab(i, j)).powi(2))
                    .sum::<f64>()
                    / (2.0 * m);
                (s / var, t / var)
            })
            .collect(),
    )
}

/// Sobol indices of every input with bootstrap errors (`None`: the
/// output does not vary over the design).
pub fn sobol_indices(y: &[f64], k: usize, n: usize, seed: u64) -> Option<Vec<Sobol>> {
    let all: Vec<usize> = (0..n).collect();
    let point = sobol_point(y, k, n, &all)?;
    let mut rng = stream(seed, 0, BOOTSTRAP);
    let mut boots: Vec<Vec<(f64, f64)>> = Vec::with_capacity(BOOTSTRAP_SAMPLES);
    for _ in 0..BOOTSTRAP_SAMPLES {
        let rows: Vec<usize> = (0..n)
            .map(|_| (rng.next_u64() % n as u64) as usize)
            .collect();
        if let Some(b) = sobol_point(y, k, n, &rows) {
            boots.push(b);
        }
    }
    let est = |v: f64, xs: Vec<f64>| estimate(v, xs);
    Some(
        (0..k)
            .map(|i| Sobol {
                first: est(point[i].0, boots.iter().map(|b| b[i].0).collect()),
                total: est(point[i].1, boots.iter().map(|b| b[i].1).collect()),
            })
            .collect(),
    )
}

fn estimate(value: f64, mut xs: Vec<f64>) -> Estimate {
    xs.retain(|x| x.is_finite());
    if xs.len() < 2 {
        return Estimate {
            value,
            se: f64::NAN,
            ci_low: f64::NAN,
            ci_high: f64::NAN,
        };
    }
    let m = xs.iter().sum::<f64>() / xs.len() as f64;
    let sd = (xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (xs.len() - 1) as f64).sqrt();
    xs.sort_by(f64::total_cmp);
    let q = |p: f64| xs[((xs.len() - 1) as f64 * p).round() as usize];
    Estimate {
        value,
        se: sd,
        ci_low: q(0.025),
        ci_high: q(0.975),
    }
}

/// A Morris design: `r` trajectories of `k + 1` points on `levels` levels,
/// and for each trajectory the input moved at each step with its signed
/// grid step.
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisDesign {
    pub points: Vec<Vec<f64>>,
    pub moves: Vec<Vec<(usize, f64)>>,
    pub levels: usize,
}

/// Grid step of a Morris design on `p` levels.
pub fn morris_delta(p: usize) -> f64 {
    p as f64 / (2.0 * (p as f64 - 1.0))
}

pub fn morris_design(k: usize, r: usize, levels: usize, seed: u64) -> MorrisDesign {
    let p = levels.max(2);
    let delta = morris_delta(p);
    let step = 1.0 / (p as f64 - 1.0);
    // A grid value g in [0, 1] is drawn at the probability of the middle
    // of its bin.
    let prob = |g: f64| (g * (p as f64 - 1.0) + 0.5) / p as f64;
    let mut points = Vec::with_capacity(r * (k + 1));
    let mut moves = Vec::with_capacity(r);
    for t in 0..r {
        let mut rng = stream(seed, t as u64, MORRIS);
        let mut g: Vec<f64> = (0..k)
            .map(|_| (rng.next_u64() % p as u64) as f64 * step)
            .collect();
        let mut order: Vec<usize> = (0..k).collect();
        for i in (1..k).rev() {
            order.swap(i, (rng.next_u64() % (i as u64 + 1)) as usize);
        }
        points.push(g.iter().map(|&x| prob(x)).collect());
        let mut mv = Vec::with_capacity(k);
        for &i in &order {
            let d = if g[i] + delta <= 1.0 + 1e-12 {
                delta
            } else {
                -delta
            };
            g[i] = (g[i] + d).clamp(0.0, 1.0);
            mv.push((i, d));
            points.push(g.iter().map(|&x| prob(x)).collect());
        }
        moves.push(mv);
    }
    MorrisDesign {
        points,
        moves,
        levels: p,
    }
}

/// Morris statistics of one input.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Morris {
    /// Mean of the absolute elementary effects, with its standard error.
    pub mu_star: Estimate,
    /// Mean of the elementary effects.
    pub mu: f64,
    /// Their standard deviation (interactions and non-linearity).
    pub sigma: f64,
}

/// Morris statistics from the outputs of a [`MorrisDesign`] (in design
/// order).
pub fn morris_indices(y: &[f64], d: &MorrisDesign, k: usize) -> Vec<Morris> {
    let mut ee: Vec<Vec<f64>> = vec![Vec::new(); k];
    for (t, mv) in d.moves.iter().enumerate() {
        let base = t * (k + 1);
        for (s, &(i, delta)) in mv.iter().enumerate() {
            ee[i].push((y[base + s + 1] - y[base + s]) / delta);
        }
    }
    ee.iter()
        .map(|e| {
            let r = e.len().max(1) as f64;
            let abs: Vec<f64> = e.iter().map(|x| x.abs()).collect();
            let mean = |v: &[f64]| v.iter().sum::<f64>() / r;
            let sd = |v: &[f64], m: f64| {
                if v.len() < 2 {
                    f64::NAN
                } else {
                    (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (r - 1.0)).sqrt()
                }
            };
            let (ms, mu) = (mean(&abs), mean(e));
            let se = sd(&abs, ms) / r.sqrt();
            Morris {
                mu_star: Estimate {
                    value: ms,
                    se,
                    ci_low: ms - 1.96 * se,
                    ci_high: ms + 1.96 * se,
                },
                mu,
                sigma: sd(e, mu),
            }
        })
        .collect()
}

/// Mean of each output over `trials` at each design point (probabilities
/// per input), on the current rayon pool; `progress` is called once per
/// point.
pub fn evaluate(
    prep: &Prepared,
    points: &[Vec<f64>],
    outputs: &[Output],
    trials: Range<u64>,
    progress: &(dyn Fn() + Sync),
    cancel: &AtomicBool,
) -> Result<Vec<Vec<f64>>, SimError> {
    let set =
        prep.model.uncertain.as_ref().ok_or_else(|| {
            SimError::Uncertain("the scenario has no [[uncertain]] inputs".into())
        })?;
    points
        .par_iter()
        .map(|u| {
            if cancel.load(Ordering::Relaxed) {
                return Err(SimError::Interrupted);
            }
            let varied = prepared_with(prep, &set.values_at(u))?;
            let mut worker = Worker::new(&varied);
            let mut sums = vec![(0.0, 0u64); outputs.len()];
            for trial in trials.clone() {
                if cancel.load(Ordering::Relaxed) {
                    return Err(SimError::Interrupted);
                }
                worker.run_trial(trial)?;
                let l = worker.layout();
                for (o, s) in outputs.iter().zip(&mut sums) {
                    let v = worker.values()[o.policy][l.yearly(o.metric, o.node, o.year)];
                    if v.is_finite() {
                        s.0 += v;
                        s.1 += 1;
                    }
                }
            }
            progress();
            Ok(sums
                .iter()
                .map(|&(s, c)| if c > 0 { s / c as f64 } else { f64::NAN })
                .collect())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Y = Σ aᵢ xᵢ with xᵢ uniform on (0, 1): Sᵢ = STᵢ = aᵢ² / Σ aⱼ².
    #[test]
    fn sobol_of_an_additive_function() {
        let a = [4.0, 2.0, 1.0, 0.0];
        let (k, n) = (a.len(), 4000);
        let pts = sobol_design(k, n, 11);
        let y: Vec<f64> = pts
            .iter()
            .map(|p| p.iter().zip(&a).map(|(x, c)| x * c).sum())
            .collect();
        let s = sobol_indices(&y, k, n, 11).unwrap();
        let total: f64 = a.iter().map(|c| c * c).sum();
        for (i, c) in a.iter().enumerate() {
            let want = c * c / total;
            for e in [s[i].first, s[i].total] {
                // Within four standard errors (and the errors are small).
                assert!(
                    (e.value - want).abs() <= 4.0 * e.se + 1e-12,
                    "{i}: {e:?} vs {want}"
                );
                assert!(e.se < 0.05, "{i}: {e:?}");
                assert!(e.ci_low <= want + 4.0 * e.se && want - 4.0 * e.se <= e.ci_high);
            }
        }
    }

    /// An interaction: Y = x₀ x₁ has total effects above first-order ones.
    #[test]
    fn sobol_sees_interactions() {
        let (k, n) = (2, 4000);
        let pts = sobol_design(k, n, 3);
        let y: Vec<f64> = pts.iter().map(|p| (p[0] - 0.5) * (p[1] - 0.5)).collect();
        let s = sobol_indices(&y, k, n, 3).unwrap();
        for e in &s {
            assert!(e.first.value.abs() < 4.0 * e.first.se + 0.02, "{e:?}");
            assert!(
                (e.total.value - 1.0).abs() < 4.0 * e.total.se + 0.02,
                "{e:?}"
            );
        }
    }

    #[test]
    fn morris_of_a_linear_function_is_exact() {
        let a = [3.0, -1.0, 0.5];
        let d = morris_design(3, 12, 4, 5);
        assert_eq!(d.points.len(), 12 * 4);
        // Probabilities at bin middles: the function sees p·u.
        let y: Vec<f64> = d
            .points
            .iter()
            .map(|p| p.iter().zip(&a).map(|(u, c)| u * c).sum())
            .collect();
        let m = morris_indices(&y, &d, 3);
        for (i, c) in a.iter().enumerate() {
            // One grid step moves the probability by Δ·(p−1)/p = Δ·3/4.
            let want = c * 0.75;
            assert!((m[i].mu - want).abs() < 1e-12, "{i}: {:?}", m[i]);
            assert!((m[i].mu_star.value - want.abs()).abs() < 1e-12);
            assert!(m[i].sigma.abs() < 1e-12);
        }
    }

    #[test]
    fn designs_are_reproducible_and_inside_the_cube() {
        assert_eq!(sobol_design(3, 5, 1), sobol_design(3, 5, 1));
        assert_ne!(sobol_design(3, 5, 1), sobol_design(3, 5, 2));
        let d = morris_design(4, 6, 4, 9);
        assert_eq!(d, morris_design(4, 6, 4, 9));
        assert!(d.points.iter().flatten().all(|&u| u > 0.0 && u < 1.0));
        for mv in &d.moves {
            let mut seen: Vec<usize> = mv.iter().map(|m| m.0).collect();
            seen.sort_unstable();
            assert_eq!(seen, vec![0, 1, 2, 3]);
        }
    }
}

//! Per-trial values (`gasdep run --per-trial METRIC[,…]`): the value of
//! chosen metrics in every trial, yearly (any metric of
//! [`super::metrics::YEARLY`]) and per step ([`STEP`], asked as
//! `price:step`), for every policy run and every node and the region.
//!
//! Collected by a [`TrialSink`] per chunk of trials (so threads never
//! share one), the chunks kept in trial order: the rows are the same for
//! any number of threads, and the shards of a run hold contiguous trial
//! ranges whose files concatenate, in shard order, into the whole run's.

use super::engine::StepOut;
use super::metrics::{Layout, Metric, YEARLY};
use super::run::{Prepared, TrialSink, Worker};
use crate::network::Network;
use crate::scenario::Model;

/// Metrics recorded per step, per node and for the region.
pub const STEP: [Metric; 7] = [
    metric(
        "price",
        "EUR/MWh",
        "node price: the marginal cost of one more MWh (the region's: consumption-weighted)",
    ),
    metric(
        "demand",
        "TWh",
        "gas wanted at the reference price, after weather and policy reductions",
    ),
    metric("consumption", "TWh", "gas consumed"),
    metric("curtailment", "TWh", "firm demand not delivered"),
    metric(
        "dependency_share",
        "share",
        "traced share of the step's consumption from dependency countries",
    ),
    metric(
        "storage_level",
        "TWh",
        "gas in storage at the end of the step",
    ),
    metric("lng_imports", "TWh", "LNG regasified"),
];

const fn metric(name: &'static str, unit: &'static str, description: &'static str) -> Metric {
    Metric {
        name,
        unit,
        resolution: 0.0,
        description,
    }
}

/// Which metrics to keep per trial: indices into [`YEARLY`] and [`STEP`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PerTrialSpec {
    pub yearly: Vec<usize>,
    pub steps: Vec<usize>,
}

impl PerTrialSpec {
    /// Parse `dependency_share,price:step,…` (`NAME` or `NAME:year` for a
    /// yearly metric, `NAME:step` for a step metric).
    pub fn parse(text: &str) -> Result<PerTrialSpec, String> {
        let mut spec = PerTrialSpec::default();
        for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (name, res) = item.split_once(':').unwrap_or((item, "year"));
            let (list, known, into): (&[Metric], _, &mut Vec<usize>) = match res {
                "year" => (&YEARLY, "yearly", &mut spec.yearly),
                "step" => (&STEP, "step", &mut spec.steps),
                other => {
                    return Err(format!(
                        "--per-trial {item}: resolution '{other}' is not known (use NAME for yearly values or NAME:step)"
                    ));
                }
            };
            let Some(k) = list.iter().position(|m| m.name == name) else {
                let names: Vec<&str> = list.iter().map(|m| m.name).collect();
                return Err(format!(
                    "--per-trial {item}: '{name}' is not a {known} metric (known: {})",
                    names.join(", ")
                ));
            };
            if !into.contains(&k) {
                into.push(k);
            }
        }
        if spec.yearly.is_empty() && spec.steps.is_empty() {
            return Err("--per-trial: name at least one metric, e.g. --per-trial dependency_share,price:step".into());
        }
        Ok(spec)
    }

    /// Rows of the yearly and the step table for `trials` trials.
    pub fn rows(&self, prep: &Prepared, trials: u64) -> (u64, u64) {
        let l = &prep.layout;
        let per = trials * prep.policies.len() as u64 * l.nodes as u64;
        let yearly = if self.yearly.is_empty() {
            0
        } else {
            per * l.years.len() as u64
        };
        let steps = if self.steps.is_empty() {
            0
        } else {
            per * prep.nets[0].steps.len() as u64
        };
        (yearly, steps)
    }
}

/// Step values of one trial: per policy, node (the region last), step and
/// metric.
#[derive(Debug, Clone)]
pub struct StepProbe {
    metrics: Vec<usize>,
    nodes: usize,
    steps: usize,
    pub values: Vec<f64>,
}

impl StepProbe {
    pub fn new(metrics: &[usize], prep: &Prepared) -> StepProbe {
        let (nodes, steps) = (prep.layout.nodes, prep.nets[0].steps.len());
        StepProbe {
            metrics: metrics.to_vec(),
            nodes,
            steps,
            values: vec![f64::NAN; prep.policies.len() * nodes * steps * metrics.len()],
        }
    }

    fn at(&self, policy: usize, node: usize, t: usize) -> usize {
        ((policy * self.nodes + node) * self.steps + t) * self.metrics.len()
    }

    /// Record step `t` of `policy` from the engine's output.
    pub fn record(&mut self, model: &Model, net: &Network, policy: usize, t: usize, out: &StepOut) {
        let nn = model.nodes.len();
        let nc = net.countries.len();
        let dep: Vec<usize> = (0..nc).filter(|&c| net.dependency[c]).collect();
        // Region sums: consumption-weighted price, volumes in GWh.
        let mut region = [0.0f64; 8];
        for n in 0..=nn {
            let row = if n < nn {
                let cons_row = &out.consumption[n * nc..(n + 1) * nc];
                let cons: f64 = cons_row.iter().sum();
                let d: f64 = dep.iter().map(|&c| cons_row[c]).sum();
                let r = [
                    out.price[n],
                    out.demand[n].iter().sum(),
                    cons,
                    out.curtailment[n].iter().sum(),
                    d,
                    if model.nodes[n].storage.is_some() {
                        out.level[n]
                    } else {
                        f64::NAN
                    },
                    out.lng[n],
                ];
                region[0] += r[0] * cons;
                for k in 1..=6 {
                    if r[k].is_finite() {
                        region[k] += r[k];
                    }
                }
                region[7] += f64::from(u8::from(model.nodes[n].storage.is_some()));
                r
            } else {
                let cons = region[2];
                [
                    if cons > 0.0 {
                        region[0] / cons
                    } else {
                        f64::NAN
                    },
                    region[1],
                    cons,
                    region[3],
                    region[4],
                    if region[7] > 0.0 { region[5] } else { f64::NAN },
                    region[6],
                ]
            };
            let at = self.at(policy, n, t);
            for (j, &k) in self.metrics.iter().enumerate() {
                self.values[at + j] = match k {
                    0 => row[0],
                    4 => {
                        if row[2] > 0.0 {
                            row[4] / row[2]
                        } else {
                            0.0
                        }
                    }
                    k => row[k] / 1e3,
                };
            }
        }
    }
}

/// The per-trial rows of one chunk of trials, in trial order.
#[derive(Debug, Clone, Default)]
pub struct Rows {
    spec: PerTrialSpec,
    pub trials: Vec<u64>,
    /// Per trial: policy × node × year × yearly metric.
    pub yearly: Vec<f64>,
    /// Per trial: policy × node × step × step metric.
    pub steps: Vec<f64>,
}

impl Rows {
    pub fn new(spec: &PerTrialSpec) -> Rows {
        Rows {
            spec: spec.clone(),
            ..Rows::default()
        }
    }
}

impl TrialSink for Rows {
    fn step_metrics(&self) -> &[usize] {
        &self.spec.steps
    }

    fn trial(&mut self, trial: u64, worker: &Worker) {
        self.trials.push(trial);
        let l: &Layout = worker.layout();
        for vals in worker.values() {
            for n in 0..l.nodes {
                for y in 0..l.years.len() {
                    for &k in &self.spec.yearly {
                        self.yearly.push(vals[l.yearly(k, n, y)]);
                    }
                }
            }
        }
        if let Some(p) = worker.probe() {
            self.steps.extend_from_slice(&p.values);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_refuse_unknown_names() {
        let s = PerTrialSpec::parse("dependency_share, price:step,price,cost:year").unwrap();
        let name = |k: usize| YEARLY[k].name;
        assert_eq!(
            s.yearly.iter().map(|&k| name(k)).collect::<Vec<_>>(),
            ["dependency_share", "price", "cost"]
        );
        assert_eq!(s.steps, vec![0]);
        for bad in ["", "nope", "price:month", "storage_level"] {
            assert!(PerTrialSpec::parse(bad).is_err(), "{bad}");
        }
    }
}

//! What `gasdep sensitivity` writes: `sensitivity.json` (the record),
//! `sensitivity.csv` (one index a row) and `design.csv` (every design
//! point: input values and outputs). docs/results.md, "gasdep
//! sensitivity", describes the fields.

use super::export::{field, num};
use crate::sim::sensitivity::{Estimate, Morris, Sobol};
use serde::Serialize;

pub const FORMAT: &str = "gasdep-sensitivity/1";

/// One uncertain input as analysed.
#[derive(Debug, Clone, Serialize)]
pub struct InputInfo {
    pub path: String,
    pub label: String,
    /// E.g. `uniform(min 40, max 60) bcm/y`.
    pub distribution: String,
    /// The field's value as written in the file.
    pub nominal: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SobolResult {
    /// Base sample N; the design has N (k + 2) points.
    pub samples: usize,
    pub points: usize,
    /// Mean and standard deviation of the output over the rows of A and B.
    pub mean: f64,
    pub sd: f64,
    /// Per input, in input order; `null` when the output does not vary.
    pub indices: Option<Vec<Sobol>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MorrisResult {
    pub trajectories: usize,
    pub levels: usize,
    /// Grid step Δ of the elementary effects.
    pub delta: f64,
    pub points: usize,
    pub indices: Vec<Morris>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OutputResult {
    pub output: String,
    pub unit: String,
    pub sobol: Option<SobolResult>,
    pub morris: Option<MorrisResult>,
}

/// `sensitivity.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub format: String,
    pub gasdep_version: String,
    pub scenario: String,
    pub seed: u64,
    /// Trials 0..trials_per_point run at every design point.
    pub trials_per_point: u64,
    /// Policies run (baseline first).
    pub policies: Vec<String>,
    pub inputs: Vec<InputInfo>,
    pub outputs: Vec<OutputResult>,
    pub command: String,
    pub threads: usize,
    pub wall_seconds: f64,
}

fn row(out: &mut String, o: &OutputResult, input: &str, method: &str, stat: &str, e: &Estimate) {
    out.push_str(&format!(
        "{},{},{},{method},{stat},{},{},{},{}\n",
        field(&o.output),
        field(&o.unit),
        field(input),
        num(e.value),
        num(e.se),
        num(e.ci_low),
        num(e.ci_high)
    ));
}

/// `sensitivity.csv`: `output, unit, input, method, statistic, value, se,
/// ci_low, ci_high`.
pub fn indices_csv(r: &Report) -> String {
    let mut out = String::from("output,unit,input,method,statistic,value,se,ci_low,ci_high\n");
    for o in &r.outputs {
        if let Some(s) = o.sobol.as_ref().and_then(|s| s.indices.as_ref()) {
            for (inp, x) in r.inputs.iter().zip(s) {
                row(&mut out, o, &inp.path, "sobol", "first_order", &x.first);
                row(&mut out, o, &inp.path, "sobol", "total", &x.total);
            }
        }
        if let Some(m) = &o.morris {
            let bare = |v: f64| Estimate {
                value: v,
                se: f64::NAN,
                ci_low: f64::NAN,
                ci_high: f64::NAN,
            };
            for (inp, x) in r.inputs.iter().zip(&m.indices) {
                row(&mut out, o, &inp.path, "morris", "mu_star", &x.mu_star);
                row(&mut out, o, &inp.path, "morris", "mu", &bare(x.mu));
                row(&mut out, o, &inp.path, "morris", "sigma", &bare(x.sigma));
            }
        }
    }
    out
}

/// A design for [`design_csv`]: its method, input values and outputs.
pub type Design<'a> = (&'a str, &'a [Vec<f64>], &'a [Vec<f64>]);

/// `design.csv`: `method, point, <input values…>, <outputs…>`.
pub fn design_csv(r: &Report, designs: &[Design<'_>]) -> String {
    let mut out = String::from("method,point");
    for i in &r.inputs {
        out.push(',');
        out.push_str(&field(&i.path));
    }
    for o in &r.outputs {
        out.push(',');
        out.push_str(&field(&o.output));
    }
    out.push('\n');
    for (method, values, ys) in designs {
        for (k, (v, y)) in values.iter().zip(ys.iter()).enumerate() {
            out.push_str(&format!("{method},{k}"));
            for x in v.iter().chain(y) {
                out.push(',');
                out.push_str(&num(*x));
            }
            out.push('\n');
        }
    }
    out
}

//! Per-trial tables (docs/results.md, "Per-trial values"): the rows kept by
//! [`crate::sim::pertrial::Rows`] written as CSV (no Parquet yet).
//!
//! - `per_trial.csv`: `trial, policy, node, year`, one column per yearly
//!   metric asked; one row per trial, policy (baseline first), node
//!   (file order, then `EUROPE`) and year, in that order.
//! - `per_trial_steps.csv`: `trial, policy, node, date` (the step's first
//!   day, `YYYY-MM-DD`), one column per step metric.
//! - `per_trial_inputs.csv` (scenarios with `[[uncertain]]`): `trial` and
//!   the value each uncertain input drew, one column per input path.
//!
//! Values are written as the shortest text that reads back as the same
//! double (as in `results.csv`); an undefined value (storage fill of a
//! node without storage) is empty. Rows are in trial order whatever the
//! threads or shards: a shard's file holds its contiguous trials, and the
//! files of shards 0, 1, … concatenate (headers once) into the run's.

use super::export::{field, num};
use crate::sim::metrics::YEARLY;
use crate::sim::pertrial::{PerTrialSpec, Rows, STEP};
use crate::sim::run::Prepared;
use std::io::{self, Write};

pub const YEARLY_FILE: &str = "per_trial.csv";
pub const STEPS_FILE: &str = "per_trial_steps.csv";
pub const INPUTS_FILE: &str = "per_trial_inputs.csv";

/// Assumed text length of a value with its comma, for size estimates
/// (measured: 10–19 characters for shares and volumes).
const VALUE_BYTES: u64 = 16;

/// Estimated bytes of the yearly and the step table for `trials` trials.
pub fn estimate(spec: &PerTrialSpec, prep: &Prepared, trials: u64) -> (u64, u64) {
    let (ry, rs) = spec.rows(prep, trials);
    let ids: u64 = prep
        .policies
        .iter()
        .map(|&p| prep.model.policies[p].id.len() as u64)
        .sum::<u64>()
        / prep.policies.len().max(1) as u64
        + prep
            .model
            .nodes
            .iter()
            .map(|n| n.id.len() as u64)
            .sum::<u64>()
            / prep.model.nodes.len().max(1) as u64;
    // trial (≈ 7 digits), ids, year or date, separators.
    let fixed = 7 + ids + 4;
    (
        ry * (fixed + 5 + VALUE_BYTES * spec.yearly.len() as u64),
        rs * (fixed + 11 + VALUE_BYTES * spec.steps.len() as u64),
    )
}

fn header(out: &mut impl Write, key: &str, names: &[&str]) -> io::Result<()> {
    write!(out, "trial,policy,node,{key}")?;
    for n in names {
        write!(out, ",{}", field(n))?;
    }
    writeln!(out)
}

fn values(out: &mut impl Write, vs: &[f64]) -> io::Result<()> {
    for &v in vs {
        write!(out, ",{}", num(v))?;
    }
    writeln!(out)
}

/// Node ids of the rows: the model's, then `EUROPE`.
fn node_ids(prep: &Prepared) -> Vec<String> {
    prep.model
        .nodes
        .iter()
        .map(|n| field(&n.id))
        .chain(std::iter::once(crate::stats::summary::REGION.to_string()))
        .collect()
}

/// Write the yearly table of `chunks` (in trial order); `with_header`
/// false for a shard after the first.
pub fn write_yearly(
    out: &mut impl Write,
    spec: &PerTrialSpec,
    prep: &Prepared,
    chunks: &[Rows],
    with_header: bool,
) -> io::Result<()> {
    let names: Vec<&str> = spec.yearly.iter().map(|&k| YEARLY[k].name).collect();
    if with_header {
        header(out, "year", &names)?;
    }
    let years: Vec<String> = prep.layout.years.iter().map(i32::to_string).collect();
    rows(out, prep, chunks, &years, names.len(), |c| &c.yearly)
}

/// The rows of `chunks`: trial, policy, node and period, then `w` values
/// each from the chunk's table that `table` picks, in the order the
/// values were recorded (trial, policy, node, period).
fn rows(
    out: &mut impl Write,
    prep: &Prepared,
    chunks: &[Rows],
    periods: &[String],
    w: usize,
    table: impl Fn(&Rows) -> &[f64],
) -> io::Result<()> {
    let nodes = node_ids(prep);
    for c in chunks {
        let table = table(c);
        let mut i = 0;
        for &trial in &c.trials {
            for &p in &prep.policies {
                let pid = field(&prep.model.policies[p].id);
                for node in &nodes {
                    for period in periods {
                        write!(out, "{trial},{pid},{node},{period}")?;
                        values(out, &table[i..i + w])?;
                        i += w;
                    }
                }
            }
        }
    }
    Ok(())
}

/// Write the step table of `chunks` (in trial order).
pub fn write_steps(
    out: &mut impl Write,
    spec: &PerTrialSpec,
    prep: &Prepared,
    chunks: &[Rows],
    with_header: bool,
) -> io::Result<()> {
    let names: Vec<&str> = spec.steps.iter().map(|&k| STEP[k].name).collect();
    if with_header {
        header(out, "date", &names)?;
    }
    let dates: Vec<String> = prep.nets[0]
        .steps
        .iter()
        .map(|s| {
            let (y, m, d) = s.start.ymd();
            format!("{y:04}-{m:02}-{d:02}")
        })
        .collect();
    rows(out, prep, chunks, &dates, names.len(), |c| &c.steps)
}

/// Write the drawn values of the uncertain inputs of `trials`.
pub fn write_inputs(
    out: &mut impl Write,
    prep: &Prepared,
    trials: std::ops::Range<u64>,
    with_header: bool,
) -> io::Result<()> {
    let Some(set) = &prep.model.uncertain else {
        return Ok(());
    };
    if with_header {
        write!(out, "trial")?;
        for i in &set.inputs {
            let unit = if i.unit.is_empty() {
                String::new()
            } else {
                format!(" [{}]", i.unit)
            };
            write!(out, ",{}", field(&format!("{}{unit}", i.path)))?;
        }
        writeln!(out)?;
    }
    for t in trials {
        write!(out, "{t}")?;
        values(out, &crate::sim::vary::drawn(set, prep.model.seed, t))?;
    }
    Ok(())
}

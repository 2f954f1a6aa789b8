//! Backtests: a shipped scenario run deterministically (every random factor
//! at its expectation, events and spells on their dates,
//! [`crate::sim::run::deterministic`]) and measured the way an observed-data
//! file (`scenarios/observed/*.toml`, [`observed`]) says, beside what was
//! reported and its source; optionally also over Monte Carlo trials of its
//! first policy ([`crate::sim::run::trial`]), with the observed figure's
//! rank in their distribution ([`Band`]). Inputs: the observed file;
//! outputs: one [`Report`] per file, rendered as the Markdown tables of
//! docs/validation.md by [`Report::markdown`]. Nothing here prints.

pub mod observed;

use crate::network::Network;
use crate::scenario::resolved::Endpoint;
use crate::scenario::time::Day;
use crate::scenario::{self, Model};
use crate::sim::engine::StepOut;
use crate::sim::run::{Prepared, deterministic, trial};
use observed::{Dated, Measure};
use rayon::prelude::*;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// GWh in one bcm at the default calorific value (10.9 kWh/m³).
pub const GWH_PER_BCM: f64 = 10_900.0;

#[derive(Debug, thiserror::Error)]
pub enum BacktestError {
    #[error("{0}")]
    Observed(String),
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Scenario(#[from] scenario::ScenarioError),
    #[error(transparent)]
    Sim(#[from] crate::sim::run::SimError),
}

/// One check's result.
#[derive(Debug, Clone)]
pub struct Row {
    pub label: String,
    pub nodes: String,
    pub period: String,
    pub unit: &'static str,
    /// Model value per policy, in the order of [`Report::policies`].
    pub model: Vec<f64>,
    pub observed: Option<f64>,
    pub approx: bool,
    pub reported: Option<String>,
    pub source: String,
    /// Over the Monte Carlo trials, when asked for.
    pub band: Option<Band>,
}

/// A check's distribution over Monte Carlo trials of one policy, and where
/// the observed figure falls in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// 5th, 50th and 95th percentiles (linear between order statistics).
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
    /// Share of the trials below the observed figure, ties counted half,
    /// % (`None` without an observed figure): a calibrated model's ranks
    /// are uniform, so about 90 % of them lie between 5 and 95.
    pub rank: Option<f64>,
    /// Trials with a finite value (a fill of no volume has none).
    pub trials: usize,
}

impl Band {
    /// The band of `values` (non-finite ones left out) around `observed`;
    /// `None` when no value is finite.
    pub fn of(values: &[f64], observed: Option<f64>) -> Option<Band> {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let q = |p: f64| {
            let h = p * (v.len() - 1) as f64;
            let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
            v[lo] + (h - lo as f64) * (v[hi] - v[lo])
        };
        let rank = observed.map(|o| {
            let below = v.iter().filter(|&&x| x < o).count() as f64;
            let ties = v.iter().filter(|&&x| x == o).count() as f64;
            100.0 * (below + 0.5 * ties) / v.len() as f64
        });
        Some(Band {
            p5: q(0.05),
            p50: q(0.5),
            p95: q(0.95),
            rank,
            trials: v.len(),
        })
    }

    /// Whether the observed figure lies inside the 5–95 % band.
    pub fn covers(&self) -> Option<bool> {
        self.rank.map(|r| (5.0..=95.0).contains(&r))
    }
}

#[derive(Debug, Clone)]
pub struct Report {
    pub name: String,
    pub scenario: PathBuf,
    pub note: Option<String>,
    pub policies: Vec<String>,
    pub rows: Vec<Row>,
    /// The policy and the number of Monte Carlo trials of the bands.
    pub trials: Option<(String, u64)>,
}

/// Run the backtest described by the observed file at `path`, on its own
/// scenario or on `scenario` instead (a variant of it: another weather,
/// another calibration; it must have the file's policies and nodes); with
/// `trials`, also over that many Monte Carlo trials (0, 1, … as `gasdep
/// run` numbers them) of the file's first policy.
pub fn run_file(
    path: &Path,
    scenario: Option<&Path>,
    trials: Option<u64>,
) -> Result<Report, BacktestError> {
    let text = std::fs::read_to_string(path).map_err(|source| BacktestError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let (header, checks) = observed::parse(&text, path).map_err(BacktestError::Observed)?;
    let scen = match scenario {
        Some(s) => s.to_path_buf(),
        None => tidy(
            &path
                .parent()
                .unwrap_or(Path::new("."))
                .join(&header.scenario),
        ),
    };
    let model = scenario::load(&scen).map_err(|e| {
        BacktestError::Observed(format!(
            "{}: its scenario does not load:\n{e}",
            path.display()
        ))
    })?;
    let bad = |what: String| BacktestError::Observed(format!("{}: {what}", path.display()));
    let mut wanted = Vec::new();
    for id in &header.policies {
        match model.policies.iter().position(|p| &p.id == id) {
            Some(i) => wanted.push(i),
            None => {
                let known: Vec<&str> = model.policies.iter().map(|p| p.id.as_str()).collect();
                return Err(bad(format!(
                    "policy '{id}' is not in {} (known: {})",
                    scen.display(),
                    known.join(", ")
                )));
            }
        }
    }
    for d in &checks {
        let c = &d.check;
        for n in c.nodes.iter().chain(&c.except) {
            if !model.nodes.iter().any(|x| &x.id == n) {
                return Err(bad(format!("check '{}': unknown node '{n}'", c.label)));
            }
        }
        if let Some(p) = &c.pipeline
            && !model.pipelines.iter().any(|x| &x.id == p)
        {
            return Err(bad(format!("check '{}': unknown pipeline '{p}'", c.label)));
        }
    }
    let prep = Prepared::new(model, &wanted)?;
    // The baseline always runs first; measure the asked-for policies only.
    let runs: Vec<usize> = if header.policies.is_empty() {
        vec![0]
    } else {
        header
            .policies
            .iter()
            .filter_map(|id| {
                (0..prep.nets.len()).find(|&p| prep.model.policies[prep.policies[p]].id == *id)
            })
            .collect()
    };
    let mut outs = Vec::new();
    for &p in &runs {
        outs.push(deterministic(&prep, p)?);
    }
    // Every check has a step in its dates (the deterministic run's steps
    // are the trials' steps).
    let mut rows = Vec::new();
    let mut values = Vec::new();
    for d in &checks {
        let mut model_values = Vec::new();
        for (k, &p) in runs.iter().enumerate() {
            let v = measure(&prep.model, &prep.nets[p], &outs[k], d)
                .ok_or_else(|| bad(format!("check '{}': no step in its dates", d.check.label)))?;
            model_values.push(v);
        }
        values.push(model_values);
    }
    // Per trial, every check's value (not the steps: they would hold the
    // whole run in memory).
    let first = runs[0];
    let per_trial: Vec<Vec<f64>> = (0..trials.unwrap_or(0))
        .into_par_iter()
        .map(|k| {
            let outs = trial(&prep, first, k)?;
            Ok(checks
                .iter()
                .map(|d| measure(&prep.model, &prep.nets[first], &outs, d).unwrap_or(f64::NAN))
                .collect())
        })
        .collect::<Result<_, BacktestError>>()?;
    for (i, (d, model_values)) in checks.iter().zip(values).enumerate() {
        let c = &d.check;
        let band = trials.and_then(|_| {
            let v: Vec<f64> = per_trial.iter().map(|t| t[i]).collect();
            Band::of(&v, c.observed)
        });
        rows.push(Row {
            label: c.label.clone(),
            nodes: if let Some(p) = &c.pipeline {
                format!("pipeline {p}")
            } else if !c.nodes.is_empty() {
                c.nodes.join(", ")
            } else if !c.except.is_empty() {
                format!("all but {}", c.except.join(", "))
            } else {
                "all".into()
            },
            period: if c.measure == Measure::StorageFill {
                d.from.to_string()
            } else {
                format!("{} – {}", d.from, d.until)
            },
            unit: c.measure.unit(),
            model: model_values,
            observed: c.observed,
            approx: c.approx,
            reported: c.reported.clone(),
            source: c.source.clone(),
            band,
        });
    }
    Ok(Report {
        name: header.name,
        scenario: scen,
        note: header.note,
        policies: runs
            .iter()
            .map(|&p| prep.model.policies[prep.policies[p]].id.clone())
            .collect(),
        rows,
        trials: trials.map(|n| (prep.model.policies[prep.policies[first]].id.clone(), n)),
    })
}

/// `a/b/../c` as `a/c`, without touching the file system.
fn tidy(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// The nodes a check sums over.
fn selected(model: &Model, d: &Dated) -> Vec<bool> {
    let c = &d.check;
    model
        .nodes
        .iter()
        .map(|n| {
            if !c.nodes.is_empty() {
                c.nodes.contains(&n.id)
            } else {
                !c.except.contains(&n.id)
            }
        })
        .collect()
}

/// Dependency-origin gas entering the nodes `sel` in one step, GWh, and its
/// LNG part.
fn dependency_in(model: &Model, sel: &[bool], o: &StepOut) -> (f64, f64) {
    let mut total = 0.0;
    let mut lng = 0.0;
    for n in (0..sel.len()).filter(|&n| sel[n]) {
        total += o.direct_dependency[n];
        lng += o.lng[n] * o.lng_dependency_share;
    }
    for (q, p) in model.pipelines.iter().enumerate() {
        if let Endpoint::Node(from) = p.from
            && !sel[from]
            && sel[p.to]
        {
            total += o.pipeline_dependency[q];
        }
    }
    (total, lng)
}

/// The model value of one check, `None` when no step falls in its dates.
fn measure(model: &Model, net: &Network, outs: &[StepOut], d: &Dated) -> Option<f64> {
    let sel = selected(model, d);
    let sel: &[bool] = &sel;
    let steps = &net.steps;
    let inside =
        |t: usize, from: Day, until: Day| steps[t].start >= from && steps[t].start <= until;
    if d.check.measure == Measure::StorageFill {
        // The level at the end of the step that ends on `at`.
        let t = (0..steps.len()).rfind(|&t| steps[t].start < d.from)?;
        let (l, v) = (0..sel.len())
            .filter(|&n| sel[n])
            .fold((0.0, 0.0), |(l, v), n| {
                (l + outs[t].level[n], v + outs[t].volume[n])
            });
        return Some(if v > 0.0 { 100.0 * l / v } else { f64::NAN });
    }
    let ts: Vec<usize> = (0..steps.len())
        .filter(|&t| inside(t, d.from, d.until))
        .collect();
    if ts.is_empty() {
        return None;
    }
    let sum =
        |ts: &[usize], f: &dyn Fn(&StepOut) -> f64| ts.iter().map(|&t| f(&outs[t])).sum::<f64>();
    let days = |ts: &[usize]| ts.iter().map(|&t| steps[t].days).sum::<f64>();
    let nodes = |f: &dyn Fn(&StepOut, usize) -> f64| -> f64 {
        ts.iter()
            .map(|&t| {
                (0..sel.len())
                    .filter(|&n| sel[n])
                    .map(|n| f(&outs[t], n))
                    .sum::<f64>()
            })
            .sum()
    };
    let bcm = |x: f64| x / GWH_PER_BCM;
    Some(match d.check.measure {
        Measure::Consumption => bcm(nodes(&|o, n| o.served(n))),
        Measure::Unserved => bcm(nodes(&|o, n| o.curtailment[n].iter().sum())),
        Measure::UnservedShare => {
            let u = nodes(&|o, n| o.curtailment[n].iter().sum());
            let dem = nodes(&|o, n| o.demand[n].iter().sum());
            if dem > 0.0 { 100.0 * u / dem } else { 0.0 }
        }
        Measure::NotServedShare => {
            let u = nodes(&|o, n| (0..3).map(|s| o.curtailment[n][s] + o.response[n][s]).sum());
            let dem = nodes(&|o, n| o.demand[n].iter().sum());
            if dem > 0.0 { 100.0 * u / dem } else { 0.0 }
        }
        Measure::RussianImports => bcm(sum(&ts, &|o| dependency_in(model, sel, o).0)),
        Measure::RussianLng => bcm(sum(&ts, &|o| dependency_in(model, sel, o).1)),
        Measure::RussianPipe => bcm(sum(&ts, &|o| {
            let (a, b) = dependency_in(model, sel, o);
            a - b
        })),
        Measure::RussianCut => {
            let (rf, ru) = d.reference?;
            let rs: Vec<usize> = (0..steps.len()).filter(|&t| inside(t, rf, ru)).collect();
            let rate = |ts: &[usize]| sum(ts, &|o| dependency_in(model, sel, o).0) / days(ts);
            let normal = rate(&rs);
            if rs.is_empty() || normal <= 0.0 {
                return Some(f64::NAN);
            }
            100.0 * (1.0 - rate(&ts) / normal)
        }
        Measure::Lng => bcm(nodes(&|o, n| o.lng[n])),
        Measure::Pipeline => {
            let id = d.check.pipeline.as_deref()?;
            let q = model.pipelines.iter().position(|p| p.id == id)?;
            bcm(sum(&ts, &|o| o.pipeline_flow[q]))
        }
        Measure::Price => {
            let paid = nodes(&|o, n| o.price[n] * o.served(n));
            let served = nodes(&|o, n| o.served(n));
            if served > 0.0 {
                paid / served
            } else {
                f64::NAN
            }
        }
        Measure::CompetingPrice => {
            let priced: f64 = ts
                .iter()
                .map(|&t| outs[t].competing_price * steps[t].days)
                .sum();
            priced / days(&ts)
        }
        Measure::StorageFill => unreachable!("handled above"),
    })
}

fn num(v: f64, unit: &str) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    // Below half the last printed digit print 0, not "-0.00".
    let half = if unit == "%" { 0.5 } else { 0.005 };
    let v = if v.abs() < half { 0.0 } else { v };
    if unit == "%" {
        format!("{v:.0} %")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

impl Report {
    /// The report as a Markdown section: a table of model against observed.
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "## {} ({})\n", self.name, self.scenario.display());
        if let Some(n) = &self.note {
            let _ = writeln!(s, "{n}\n");
        }
        let models: Vec<String> = self
            .policies
            .iter()
            .map(|p| format!("model ({p})"))
            .collect();
        let (band_head, band_rule) = match &self.trials {
            Some((p, n)) => (
                format!(" model ({p}), {n} trials: 5 % / median / 95 % | observed's rank |"),
                "---|---|",
            ),
            None => (String::new(), ""),
        };
        let _ = writeln!(
            s,
            "| check | nodes | dates | {} |{band_head} observed | source |",
            models.join(" | ")
        );
        let _ = writeln!(
            s,
            "|---|---|---|{}{band_rule}---|---|",
            "---|".repeat(models.len())
        );
        for r in &self.rows {
            let model: Vec<String> = r.model.iter().map(|&v| num(v, r.unit)).collect();
            let mut obs = match r.observed {
                Some(v) => format!("{}{}", if r.approx { "≈ " } else { "" }, num(v, r.unit)),
                None => String::new(),
            };
            if let Some(t) = &r.reported {
                if !obs.is_empty() {
                    obs.push_str(": ");
                }
                obs.push_str(t);
            }
            let unit = if r.unit == "%" {
                String::new()
            } else {
                format!(" ({})", r.unit)
            };
            let band = match (&self.trials, &r.band) {
                (None, _) => String::new(),
                (Some(_), None) => " – | – |".into(),
                (Some(_), Some(b)) => format!(
                    " {} / {} / {} | {} |",
                    num(b.p5, r.unit),
                    num(b.p50, r.unit),
                    num(b.p95, r.unit),
                    match (b.rank, b.covers()) {
                        (Some(k), Some(true)) => format!("{k:.0} %"),
                        (Some(k), _) => format!("**{k:.0} %** (outside)"),
                        (None, _) => String::new(),
                    }
                ),
            };
            let _ = writeln!(
                s,
                "| {}{unit} | {} | {} | {} |{band} {obs} | {} |",
                r.label,
                r.nodes,
                r.period,
                model.join(" | "),
                r.source
            );
        }
        if let Some((p, n)) = &self.trials {
            let ranked: Vec<bool> = self
                .rows
                .iter()
                .filter_map(|r| r.band.as_ref()?.covers())
                .collect();
            let inside = ranked.iter().filter(|&&x| x).count();
            let _ = writeln!(
                s,
                "\nObserved inside the 5–95 % band of {n} trials of {p}: {inside} of {} checks with a figure (a calibrated model's bands would hold ≈ 90 % of them).",
                ranked.len()
            );
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::Band;

    /// 1, 2, …, 100 (and a NaN left out): percentiles linear between order
    /// statistics, ties ranked half way, the 5–95 % band inclusive.
    #[test]
    fn band_percentiles_and_rank() {
        let mut v: Vec<f64> = (1..=100).map(f64::from).collect();
        v.push(f64::NAN);
        let b = Band::of(&v, Some(50.0)).unwrap();
        assert_eq!(b.trials, 100);
        assert!((b.p5 - 5.95).abs() < 1e-12, "{}", b.p5);
        assert!((b.p50 - 50.5).abs() < 1e-12);
        assert!((b.p95 - 95.05).abs() < 1e-12);
        assert_eq!(b.rank, Some(49.5));
        assert_eq!(b.covers(), Some(true));
        let low = Band::of(&v, Some(4.0)).unwrap();
        assert_eq!((low.rank, low.covers()), (Some(3.5), Some(false)));
        assert_eq!(Band::of(&v, Some(5.5)).unwrap().covers(), Some(true));
        assert_eq!(Band::of(&v, None).unwrap().covers(), None);
        assert!(Band::of(&[f64::NAN], Some(1.0)).is_none());
    }
}

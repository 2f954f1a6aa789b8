//! Turn a run's accumulators into the result record ([`Summary`]).
//!
//! Every number of `summary.json` comes from here: series statistics per
//! policy, node, metric and period; event probabilities with Wilson
//! intervals; paired differences against the baseline with t intervals;
//! exceedance curves; median pipeline flows; and the deterministic N-1
//! indicator. Periods where a metric is undefined in every trial (e.g.
//! storage fill of a node without storage) are left out.

use super::metrics::{EVENT_STORAGE_FEB, EVENT_UNSERVED, MONTHLY, MONTHLY_NODE, YEARLY};
use super::run::{Accumulators, Prepared};
use crate::network::n1::n_minus_1;
use crate::scenario::{Endpoint, StepKind};
use crate::stats::accum::Accumulator;
use crate::stats::summary::*;

/// Thresholds of the unserved-demand exceedance curve (share of demand).
pub const EXCEEDANCE_THRESHOLDS: [f64; 12] = [
    0.0, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.5,
];

fn ym(y: i32, m: u32) -> String {
    format!("{y:04}-{m:02}")
}

/// Build the summary of a finished (or merged) run.
pub fn summarize(prep: &Prepared, acc: &Accumulators, run: RunInfo) -> Summary {
    let model = &prep.model;
    let l = &prep.layout;
    let r = l.region();
    let node_id = |n: usize| {
        if n == r {
            REGION.to_string()
        } else {
            model.nodes[n].id.clone()
        }
    };
    let pid = |p: usize| model.policies[prep.policies[p]].id.clone();
    let years: Vec<String> = l.years.iter().map(|y| y.to_string()).collect();
    let mut series = Vec::new();
    let mut push = |policy: String,
                    node: String,
                    metric: &str,
                    unit: &str,
                    resolution: &str,
                    cells: Vec<(String, Option<Stat>)>| {
        let (periods, stats): (Vec<String>, Vec<Stat>) = cells
            .into_iter()
            .filter_map(|(p, s)| s.map(|s| (p, s)))
            .unzip();
        if !periods.is_empty() {
            series.push(Series {
                policy,
                node,
                metric: metric.into(),
                unit: unit.into(),
                resolution: resolution.into(),
                periods,
                stats,
            });
        }
    };
    for p in 0..prep.policies.len() {
        let vals = &acc.values[p];
        for (k, m) in YEARLY.iter().enumerate() {
            for n in 0..l.nodes {
                let cells = (0..l.years.len())
                    .map(|y| (years[y].clone(), vals[l.yearly(k, n, y)].stat()))
                    .collect();
                push(pid(p), node_id(n), m.name, m.unit, "year", cells);
            }
        }
        for (k, m) in MONTHLY.iter().enumerate() {
            let cells = l
                .months
                .iter()
                .enumerate()
                .map(|(t, &(y, mo))| (ym(y, mo), vals[l.monthly(k, t)].stat()))
                .collect();
            push(pid(p), REGION.into(), m.name, m.unit, "month", cells);
        }
        for (k, m) in MONTHLY_NODE.iter().enumerate() {
            for n in 0..l.nodes - 1 {
                let cells = l
                    .months
                    .iter()
                    .enumerate()
                    .map(|(t, &(y, mo))| (ym(y, mo), vals[l.monthly_node(k, n, t)].stat()))
                    .collect();
                push(pid(p), node_id(n), m.name, m.unit, "month", cells);
            }
        }
        // N-1 is a property of the infrastructure, the same in every trial.
        let n1: Vec<Vec<Option<f64>>> = l
            .years
            .iter()
            .map(|&y| {
                n_minus_1(model, prep.policies[p], y)
                    .iter()
                    .map(|x| x.value())
                    .collect()
            })
            .collect();
        for n in 0..l.nodes {
            let cells = n1
                .iter()
                .zip(&years)
                .map(|(row, year)| {
                    let s = row[n].map(|v| Stat {
                        mean: v,
                        sd: 0.0,
                        min: v,
                        max: v,
                        p5: v,
                        p25: v,
                        p50: v,
                        p75: v,
                        p95: v,
                    });
                    (year.clone(), s)
                })
                .collect();
            push(pid(p), node_id(n), "n_minus_1", "%", "year", cells);
        }
    }
    let feb1 = YEARLY
        .iter()
        .position(|m| m.name == "storage_fill_feb1")
        .expect("metric exists");
    let mut events = Vec::new();
    for p in 0..prep.policies.len() {
        let ev = &acc.events[p];
        for n in 0..l.nodes {
            for (y, year) in years.iter().enumerate() {
                if let Some((prob, lo, hi)) = ev[l.event_unserved(n, y)].wilson95() {
                    events.push(EventProbability {
                        policy: pid(p),
                        node: node_id(n),
                        event: EVENT_UNSERVED.into(),
                        description: "unserved demand above 1 % of the year's demand".into(),
                        period: year.clone(),
                        probability: prob,
                        ci_low: lo,
                        ci_high: hi,
                    });
                }
            }
            if let Some((prob, lo, hi)) = ev[l.event_unserved_any(n)].wilson95() {
                events.push(EventProbability {
                    policy: pid(p),
                    node: node_id(n),
                    event: EVENT_UNSERVED.into(),
                    description: "unserved demand above 1 % of the year's demand in at least one year of the horizon".into(),
                    period: "any".into(),
                    probability: prob,
                    ci_low: lo,
                    ci_high: hi,
                });
            }
        }
        for (y, year) in years.iter().enumerate() {
            let c = ev[l.event_storage(y)];
            // Only years whose 1 February lies in the horizon count.
            let feb = l.months.contains(&(l.years[y], 2))
                && acc.values[p][l.yearly(feb1, r, y)].count() > 0;
            if let (true, Some((prob, lo, hi))) = (feb, c.wilson95()) {
                events.push(EventProbability {
                    policy: pid(p),
                    node: REGION.into(),
                    event: EVENT_STORAGE_FEB.into(),
                    description: "region's storage below 30 % full on 1 February".into(),
                    period: year.clone(),
                    probability: prob,
                    ci_low: lo,
                    ci_high: hi,
                });
            }
        }
    }
    let mut differences = Vec::new();
    let base = pid(0);
    for p in 1..prep.policies.len() {
        let mut i = 0;
        for (k, n) in prep.diff_cells() {
            for year in &years {
                if let Some((mean, lo, hi)) = acc.diffs[p - 1][i].mean_ci95() {
                    differences.push(PairedDifference {
                        policy: pid(p),
                        baseline: base.clone(),
                        node: node_id(n),
                        metric: YEARLY[k].name.into(),
                        unit: YEARLY[k].unit.into(),
                        period: year.clone(),
                        mean,
                        ci_low: lo,
                        ci_high: hi,
                    });
                }
                i += 1;
            }
        }
    }
    let mut exceedance = Vec::new();
    let unserved = YEARLY
        .iter()
        .position(|m| m.name == "curtailment_share")
        .expect("metric exists");
    for p in 0..prep.policies.len() {
        let mut pooled = Accumulator::new(YEARLY[unserved].resolution).expect("valid resolution");
        for y in 0..l.years.len() {
            // Both come from the same layout and resolution: merging cannot fail.
            let _ = pooled.merge(&acc.values[p][l.yearly(unserved, r, y)]);
        }
        let probability: Option<Vec<f64>> = EXCEEDANCE_THRESHOLDS
            .iter()
            .map(|&x| pooled.fraction_above(x))
            .collect();
        if let Some(probability) = probability {
            exceedance.push(Exceedance {
                policy: pid(p),
                node: REGION.into(),
                metric: "curtailment_share".into(),
                unit: "share".into(),
                thresholds: EXCEEDANCE_THRESHOLDS.to_vec(),
                probability,
            });
        }
    }
    let mut flows = Vec::new();
    for p in 0..prep.policies.len() {
        for (i, pipe) in model.pipelines.iter().enumerate() {
            let from = match pipe.from {
                Endpoint::Origin(o) => model.origins[o].id.clone(),
                Endpoint::Node(n) => model.nodes[n].id.clone(),
            };
            for (y, year) in years.iter().enumerate() {
                let f = acc.values[p][l.pipeline(0, i, y)].stat();
                let d = acc.values[p][l.pipeline(1, i, y)].stat();
                if let (Some(f), Some(d)) = (f, d) {
                    // Flow-weighted over trials (mean dependency volume over
                    // mean flow): a median of per-trial shares would count
                    // the trials without flow as 0 % and paint a rarely
                    // used pipeline green whatever it carries.
                    let share = if f.mean > 0.0 {
                        (d.mean / f.mean).clamp(0.0, 1.0)
                    } else {
                        0.0
                    };
                    flows.push(FlowSummary {
                        policy: pid(p),
                        period: year.clone(),
                        pipeline: pipe.id.clone(),
                        from: from.clone(),
                        to: model.nodes[pipe.to].id.clone(),
                        median_twh: f.p50,
                        dependency_share: share,
                    });
                }
            }
        }
    }
    let (sy, sm, _) = model.start.ymd();
    let (ey, em, _) = crate::scenario::time::Day(model.end.0 - 1).ymd();
    Summary {
        schema_version: SCHEMA_VERSION,
        gasdep_version: env!("CARGO_PKG_VERSION").into(),
        scenario: ScenarioInfo {
            name: model.name.clone(),
            description: model.description.clone(),
            start: ym(sy, sm),
            end: ym(ey, em),
            step: match model.step {
                StepKind::Month => "month",
                StepKind::Day => "day",
            }
            .into(),
            dependency_countries: model.dependency.clone(),
            baseline: base,
            policies: prep
                .policies
                .iter()
                .map(|&i| {
                    let p = &model.policies[i];
                    PolicyInfo {
                        id: p.id.clone(),
                        label: p.label.clone(),
                        description: p.description.clone(),
                    }
                })
                .collect(),
        },
        run,
        nodes: model
            .nodes
            .iter()
            .map(|n| NodeInfo {
                id: n.id.clone(),
                name: n.name.clone(),
                lat: n.lat,
                lon: n.lon,
            })
            .collect(),
        origins: model
            .origins
            .iter()
            .filter_map(|o| {
                Some(NodeInfo {
                    id: o.id.clone(),
                    name: o.name.clone(),
                    lat: o.lat?,
                    lon: o.lon?,
                })
            })
            .collect(),
        series,
        events,
        differences,
        flows,
        exceedance,
        hazard_grid: acc.strata.as_ref().map(|st| {
            let ids: Vec<String> = (0..prep.policies.len()).map(pid).collect();
            st.summarize(model, &ids, &node_id)
        }),
    }
}

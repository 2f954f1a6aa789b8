//! What `gasdep run` prints when it is done, and the focus and markers it
//! gives the report: the focus countries first, then Europe, each over the
//! whole horizon (every column in its worst year, with that year), with the
//! paired difference against the baseline and the shortfall risk.

use super::Failure;
use crate::network::Params;
use crate::report::charts::data::{find_difference, find_series, node_name, question_nodes};
use crate::report::charts::policy_comparison::SHORTFALL_EVENT;
use crate::scenario::Model;
use crate::stats::summary::{Marker, REGION, Summary};
use std::fmt::Write as _;

/// Apply `--focus A,B` to the model (each a node of it, in that order);
/// without it the scenario's `[scenario] focus` stays. Returns the ids.
pub fn apply_focus(model: &mut Model, arg: Option<&str>) -> Result<Vec<String>, Failure> {
    if let Some(arg) = arg {
        let ids: Vec<String> = arg
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        if ids.is_empty() {
            return Err(Failure::Input(
                "--focus: name at least one node, e.g. --focus FR,DE".into(),
            ));
        }
        model.focus = focus_indices(model, &ids)?;
    }
    Ok(model
        .focus
        .iter()
        .map(|&n| model.nodes[n].id.clone())
        .collect())
}

/// Node ids to indices, without repeats; an unknown id is an input error.
pub fn focus_indices(model: &Model, ids: &[String]) -> Result<Vec<usize>, Failure> {
    let mut out = Vec::new();
    for id in ids {
        let Some(n) = model.nodes.iter().position(|n| n.id == *id) else {
            let known: Vec<&str> = model.nodes.iter().map(|n| n.id.as_str()).collect();
            return Err(Failure::Input(format!(
                "--focus: '{id}' is not a node of scenario '{}' (known: {})",
                model.name,
                known.join(", ")
            )));
        };
        if !out.contains(&n) {
            out.push(n);
        }
    }
    Ok(out)
}

/// The dates the answer charts mark: the first delivery of each contract
/// that a policy of the run has and the baseline has not (or the other way
/// round), in the policy's colour, or in ink when several policies share it.
pub fn markers(model: &Model, policies: &[usize]) -> Vec<Marker> {
    let Some((&base, others)) = policies.split_first() else {
        return Vec::new();
    };
    let mut out: Vec<Marker> = Vec::new();
    for (k, c) in model.contracts.iter().enumerate() {
        let on =
            |p: usize| Params::resolve(model, &model.policies[p], c.start).contract_on[k] > 0.0;
        let base_on = on(base);
        let differ: Vec<usize> = others
            .iter()
            .copied()
            .filter(|&p| on(p) != base_on)
            .collect();
        if differ.is_empty() {
            continue;
        }
        let (y, m, _) = c.start.ymd();
        out.push(Marker {
            period: format!("{y:04}-{m:02}"),
            label: format!("{} starts", c.id),
            policy: match differ.as_slice() {
                [one] => Some(model.policies[*one].id.clone()),
                _ => None,
            },
        });
    }
    out
}

/// Median [5–95 %] of a share in percent, e.g. "18.3 % [15.2–21.0]".
fn share_cell(p50: f64, p5: f64, p95: f64) -> String {
    format!(
        "{:.1} % [{:.1}–{:.1}]",
        p50 * 100.0,
        p5 * 100.0,
        p95 * 100.0
    )
}

/// The terminal table: one block per question node (focus, then Europe).
pub fn headline(s: &Summary) -> Result<String, Failure> {
    let mut out = String::new();
    let years = format!(
        "{}–{}",
        s.scenario.start.get(..4).unwrap_or(&s.scenario.start),
        s.scenario.end.get(..4).unwrap_or(&s.scenario.end)
    );
    writeln!(
        out,
        "\n{} — {} trials, seed {}, {years}: each column in the policy's worst year (median [5–95 %] of trials; curtailment as its mean)",
        s.scenario.name, s.run.trials, s.run.seed
    )?;
    let base = &s.scenario.baseline;
    for node in question_nodes(s) {
        let title = if node == REGION {
            "Europe".to_string()
        } else {
            format!("{} ({node})", node_name(s, &node))
        };
        writeln!(out, "\n{title}")?;
        writeln!(
            out,
            "{:<16} {:>28} {:>30} {:>22} {:>26} {:>26}",
            "policy",
            "Russian share",
            format!("Δ vs {base} (largest)"),
            "curtailment",
            "P(curtailment > 1 %)",
            "storage 1 Nov"
        )?;
        for p in &s.scenario.policies {
            let worst = |metric: &str, higher: bool, mean: bool| -> Option<(String, f64, String)> {
                let ser = find_series(s, &p.id, &node, metric, "year")?;
                let key = |st: &crate::stats::summary::Stat| if mean { st.mean } else { st.p50 };
                let sign = if higher { 1.0 } else { -1.0 };
                let (i, st) = ser
                    .stats
                    .iter()
                    .enumerate()
                    .filter(|(_, st)| key(st).is_finite())
                    .max_by(|a, b| (sign * key(a.1)).total_cmp(&(sign * key(b.1))))?;
                let cell = if mean {
                    format!("{:.2} %", st.mean * 100.0)
                } else {
                    share_cell(st.p50, st.p5, st.p95)
                };
                Some((ser.periods[i].clone(), key(st), cell))
            };
            let with_year = |x: Option<(String, f64, String)>| {
                x.map_or("–".into(), |(y, _, c)| format!("{c} {y}"))
            };
            let dep = with_year(worst("dependency_share", true, false));
            let curt = with_year(worst("curtailment_share", true, true));
            let fill = with_year(worst("storage_fill_nov1", false, false));
            let delta = if p.id == *base {
                "–".to_string()
            } else {
                largest_difference(s, &p.id, &node, "dependency_share")
            };
            let risk = shortfall(s, &p.id, &node);
            writeln!(
                out,
                "{:<16} {:>28} {:>30} {:>22} {:>26} {:>26}",
                p.id, dep, delta, curt, risk, fill
            )?;
        }
    }
    if let Some(sens) = &s.hazard_grid {
        hazard_grid_table(&mut out, s, sens)?;
    }
    writeln!(out)?;
    Ok(out)
}

/// The answer at the hazards of the graded disruption: per question node,
/// the paired difference of the traced Russian share (mean over the
/// horizon) and the probability of a shortfall year, per policy.
fn hazard_grid_table(
    out: &mut String,
    s: &Summary,
    sens: &crate::stats::summary::HazardGridSummary,
) -> Result<(), Failure> {
    let base = &s.scenario.baseline;
    let counts: Vec<String> = sens
        .trials_by_events
        .iter()
        .enumerate()
        .filter(|(_, t)| **t > 0)
        .map(|(n, t)| {
            let plus = if n + 1 == sens.trials_by_events.len() {
                "+"
            } else {
                ""
            };
            format!("{t} with {n}{plus}")
        })
        .collect();
    writeln!(
        out,
        "\nAt other hazards of '{}' (this run: {} /y; trials by its events: {}). Post-stratified from this run's trials; '~' where the events this run saw cover less than 99 % of the Poisson probability.",
        sens.disruption,
        sens.hazard,
        counts.join(", ")
    )?;
    let mut hazards: Vec<f64> = sens.rows.iter().map(|r| r.hazard).collect();
    hazards.dedup();
    let cell = |r: Option<&crate::stats::summary::HazardGridRow>, diff: bool| -> String {
        let Some(r) = r else { return "–".into() };
        let v = if diff { r.difference } else { r.value };
        let mark = if r.coverage < 0.99 { "~" } else { "" };
        v.map_or("–".into(), |[m, lo, hi]| {
            let [m, lo, hi] = [m, lo, hi].map(|x| x * 100.0);
            if diff {
                format!("{mark}{m:+.2} [{lo:+.2}, {hi:+.2}]")
            } else {
                format!("{mark}{m:.1} [{lo:.1}–{hi:.1}]")
            }
        })
    };
    for node in question_nodes(s) {
        let name = if node == REGION {
            "Europe".to_string()
        } else {
            node_name(s, &node)
        };
        for (quantity, diff, what) in [
            (
                "dependency_share",
                true,
                format!("Δ Russian share vs {base}, pp, mean over the horizon"),
            ),
            (
                "shortfall_any",
                false,
                "P(curtailment > 1 % of a year's demand in some year), %".to_string(),
            ),
        ] {
            writeln!(out, "{name}: {what}")?;
            let shown: Vec<&str> = s
                .scenario
                .policies
                .iter()
                .map(|p| p.id.as_str())
                .filter(|p| !diff || *p != base.as_str())
                .collect();
            let mut head = format!("{:>10}", "hazard /y");
            for p in &shown {
                write!(head, " {p:>24}")?;
            }
            writeln!(out, "{head}")?;
            for &h in &hazards {
                let mut line = format!("{h:>10}");
                for p in &shown {
                    let r = sens.rows.iter().find(|r| {
                        r.hazard == h && r.policy == *p && r.node == node && r.quantity == quantity
                    });
                    write!(line, " {:>24}", cell(r, diff))?;
                }
                writeln!(out, "{line}")?;
            }
        }
    }
    Ok(())
}

/// The year in which a policy's paired difference of `metric` is largest
/// in size: "+1.2 pp [+1.1, +1.3] 2016" (shares in percentage points).
fn largest_difference(s: &Summary, policy: &str, node: &str, metric: &str) -> String {
    let best = s
        .differences
        .iter()
        .filter(|d| d.policy == policy && d.node == node && d.metric == metric)
        .max_by(|a, b| a.mean.abs().total_cmp(&b.mean.abs()));
    match best.and_then(|d| find_difference(s, policy, node, metric, &d.period)) {
        Some(d) => format!(
            "{:+.1} pp [{:+.1}, {:+.1}] {}",
            d.mean * 100.0,
            d.ci_low * 100.0,
            d.ci_high * 100.0,
            d.period
        ),
        None => "–".into(),
    }
}

/// Shortfall risk over the whole horizon: the probability of losing more
/// than 1 % of a year's demand in at least one year, and the worst year.
fn shortfall(s: &Summary, policy: &str, node: &str) -> String {
    let of = |e: &&crate::stats::summary::EventProbability| {
        e.policy == policy && e.node == node && e.event == SHORTFALL_EVENT
    };
    let any = s.events.iter().filter(of).find(|e| e.period == "any");
    let worst = s
        .events
        .iter()
        .filter(of)
        .filter(|e| e.period != "any")
        .max_by(|a, b| a.probability.total_cmp(&b.probability));
    match (any, worst) {
        (Some(a), Some(w)) => format!(
            "any yr {:.1} %, {:.1} % {}",
            a.probability * 100.0,
            w.probability * 100.0,
            w.period
        ),
        (None, Some(w)) => format!("{:.1} % {}", w.probability * 100.0, w.period),
        _ => "–".into(),
    }
}

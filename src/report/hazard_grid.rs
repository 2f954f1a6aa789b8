//! The report's hazard-grid table: how the answer changes with the hazard
//! of the graded disruption (its `hazard_grid`, docs/model.md, "Hazard
//! grid"), per question node: the paired difference of the traced
//! dependency share (mean over the horizon) and the probability of a
//! shortfall year, per policy and hazard.

use std::fmt::Write as _;

use super::html::escape;
use super::tables::node_title;
use crate::stats::summary::{HazardGridRow, HazardGridSummary, Summary};

fn find<'a>(
    sens: &'a HazardGridSummary,
    h: f64,
    policy: &str,
    node: &str,
    quantity: &str,
) -> Option<&'a HazardGridRow> {
    sens.rows
        .iter()
        .find(|r| r.hazard == h && r.policy == policy && r.node == node && r.quantity == quantity)
}

/// One cell: "+0.12 pp [+0.05, +0.19]" or "16.0 % [14.2 – 17.8]", with "~"
/// where the estimate extrapolates (coverage below 99 %).
fn cell(r: Option<&HazardGridRow>, diff: bool) -> String {
    let Some(r) = r else { return "—".into() };
    let v = if diff { r.difference } else { r.value };
    let mark = if r.coverage < 0.99 { "~" } else { "" };
    v.map_or("—".into(), |[m, lo, hi]| {
        let [m, lo, hi] = [m, lo, hi].map(|x| x * 100.0);
        if diff {
            format!("{mark}{m:+.2} pp<span class=\"range\">95 % CI {lo:+.2} – {hi:+.2}</span>")
        } else {
            format!("{mark}{m:.1} %<span class=\"range\">95 % CI {lo:.1} – {hi:.1} %</span>")
        }
    })
}

/// The section, if the run has a hazard grid.
pub fn section(h: &mut String, s: &Summary, questions: &[String]) {
    let Some(sens) = &s.hazard_grid else { return };
    let base = &s.scenario.baseline;
    let mut hazards: Vec<f64> = sens.rows.iter().map(|r| r.hazard).collect();
    hazards.dedup();
    let _ = write!(
        h,
        "<h2 id=\"hazard-grid\">The answer at other hazards of “{}”</h2>\n<p class=\"read\">This run drew “{}” at {} events a year. Its trials, filed by how many of its events each had ({}), give the answer at other hazards too: the mean over trials with n events, weighted by the Poisson probability of n at that hazard. A “~” marks an estimate that extrapolates: the event counts this run saw cover less than 99 % of that probability.</p>\n",
        escape(&sens.disruption),
        escape(&sens.disruption),
        sens.hazard,
        sens.trials_by_events
            .iter()
            .enumerate()
            .map(|(n, t)| {
                let more = if n + 1 == sens.trials_by_events.len() {
                    " or more"
                } else {
                    ""
                };
                format!("{t} trials with {n}{more}")
            })
            .collect::<Vec<_>>()
            .join(", ")
    );
    for node in questions {
        for (quantity, diff, what) in [
            (
                "dependency_share",
                true,
                format!("traced dependency share, mean over the horizon: difference from “{base}”"),
            ),
            (
                "shortfall_any",
                false,
                "probability of curtailment above 1 % of a year's demand in some year".to_string(),
            ),
        ] {
            let shown: Vec<_> = s
                .scenario
                .policies
                .iter()
                .filter(|p| !diff || p.id != *base)
                .collect();
            if shown.is_empty() {
                continue;
            }
            let _ = write!(
                h,
                "<h3>{}: {}</h3>\n<table><tr><th>Hazard (/y)</th>",
                escape(&node_title(s, node)),
                escape(&what)
            );
            for p in &shown {
                let _ = write!(h, "<th>{}</th>", escape(&p.label));
            }
            h.push_str("</tr>\n");
            for &hz in &hazards {
                let _ = write!(h, "<tr><td>{hz}</td>");
                for p in &shown {
                    let _ = write!(
                        h,
                        "<td>{}</td>",
                        cell(find(sens, hz, &p.id, node, quantity), diff)
                    );
                }
                h.push_str("</tr>\n");
            }
            h.push_str("</table>\n");
        }
    }
}

//! The explorer of `report.html`: the run's numbers as JSON in a
//! `<script type="application/json">` tag, and the script (`explorer.js`)
//! and styles that draw fan and difference charts from them in the page.
//!
//! Everything is in the page: no request leaves it, so it works from
//! `file://` and offline. Values are stored in display units (percent,
//! EUR bn, …) rounded to four significant digits; the explorer shows them
//! with the same rules as the tables.

use serde::Serialize;

use super::charts::data::{
    diff_unit, display_factor, has_demand, metric_label, node_name, question_nodes,
};
use super::charts::policy_color_hex;
use crate::stats::summary::{REGION, Summary};

/// The explorer's script, written for gasdep (no library).
pub const SCRIPT: &str = include_str!("explorer.js");

#[derive(Serialize)]
struct Data {
    baseline: String,
    /// Question nodes: focus countries, then Europe.
    questions: Vec<String>,
    policies: Vec<Pol>,
    nodes: Vec<Node>,
    metrics: Vec<Metric>,
    series: Vec<Ser>,
    diffs: Vec<Diff>,
    events: Vec<Event>,
}

#[derive(Serialize)]
struct Pol {
    id: String,
    label: String,
    color: String,
}

#[derive(Serialize)]
struct Node {
    id: String,
    name: String,
    demand: bool,
}

#[derive(Serialize)]
struct Metric {
    id: String,
    label: String,
    unit: String,
    diff_unit: String,
    /// A dependency metric: not shown for nodes without demand.
    dependency: bool,
}

#[derive(Serialize)]
struct Ser {
    p: usize,
    n: String,
    m: String,
    r: String,
    t: Vec<String>,
    /// p5, p25, p50, p75, p95, mean per period.
    v: Vec<[f64; 6]>,
}

#[derive(Serialize)]
struct Diff {
    p: usize,
    n: String,
    m: String,
    t: Vec<String>,
    /// mean, ci_low, ci_high per period.
    v: Vec<[f64; 3]>,
}

#[derive(Serialize)]
struct Event {
    p: usize,
    n: String,
    e: String,
    d: String,
    t: Vec<String>,
    /// probability, ci_low, ci_high per period (percent).
    v: Vec<[f64; 3]>,
}

/// Four significant digits (NaN stays NaN and is written `null`).
fn r4(v: f64) -> f64 {
    if !v.is_finite() || v == 0.0 {
        return v;
    }
    let k = 10f64.powi(3 - v.abs().log10().floor() as i32);
    (v * k).round() / k
}

const ORDER: [&str; 8] = [
    "dependency_share",
    "curtailment_share",
    "curtailment",
    "bill",
    "price",
    "cost",
    "storage_fill_nov1",
    "exposure_revenue",
];

/// The explorer's data of `s`, as JSON safe inside a `<script>` element.
pub fn data_json(s: &Summary) -> String {
    let pol_ix = |id: &str| s.scenario.policies.iter().position(|p| p.id == id);
    let mut metrics: Vec<String> = vec![];
    for x in &s.series {
        if !metrics.contains(&x.metric) {
            metrics.push(x.metric.clone());
        }
    }
    metrics.sort_by_key(|m| {
        (
            ORDER.iter().position(|o| o == m).unwrap_or(ORDER.len()),
            m.clone(),
        )
    });
    let metrics: Vec<Metric> = metrics
        .into_iter()
        .map(|m| {
            let unit = s
                .series
                .iter()
                .find(|x| x.metric == m)
                .map(|x| display_factor(&m, &x.unit).1)
                .unwrap_or_default();
            Metric {
                label: metric_label(s, &m),
                diff_unit: diff_unit(&unit),
                unit,
                dependency: m.starts_with("dependency") || m == "direct_import_share",
                id: m,
            }
        })
        .collect();
    let mut nodes: Vec<Node> = s
        .nodes
        .iter()
        .map(|n| Node {
            id: n.id.clone(),
            name: node_name(s, &n.id),
            demand: has_demand(s, &n.id),
        })
        .collect();
    nodes.push(Node {
        id: REGION.into(),
        name: "Europe".into(),
        demand: true,
    });
    let series = s
        .series
        .iter()
        .filter_map(|x| {
            let (f, _) = display_factor(&x.metric, &x.unit);
            Some(Ser {
                p: pol_ix(&x.policy)?,
                n: x.node.clone(),
                m: x.metric.clone(),
                r: x.resolution.clone(),
                t: x.periods.clone(),
                v: x.stats
                    .iter()
                    .map(|st| [st.p5, st.p25, st.p50, st.p75, st.p95, st.mean].map(|v| r4(v * f)))
                    .collect(),
            })
        })
        .collect();
    let mut diffs: Vec<Diff> = vec![];
    for d in &s.differences {
        let Some(p) = pol_ix(&d.policy) else { continue };
        let (f, _) = display_factor(&d.metric, &d.unit);
        let row = [d.mean, d.ci_low, d.ci_high].map(|v| r4(v * f));
        match diffs
            .iter_mut()
            .find(|x| x.p == p && x.n == d.node && x.m == d.metric)
        {
            Some(x) => {
                x.t.push(d.period.clone());
                x.v.push(row);
            }
            None => diffs.push(Diff {
                p,
                n: d.node.clone(),
                m: d.metric.clone(),
                t: vec![d.period.clone()],
                v: vec![row],
            }),
        }
    }
    let mut events: Vec<Event> = vec![];
    for e in &s.events {
        // The explorer draws events year by year; "any" is the horizon's.
        if e.period == "any" {
            continue;
        }
        let Some(p) = pol_ix(&e.policy) else { continue };
        let row = [e.probability, e.ci_low, e.ci_high].map(|v| r4(100.0 * v));
        match events
            .iter_mut()
            .find(|x| x.p == p && x.n == e.node && x.e == e.event)
        {
            Some(x) => {
                x.t.push(e.period.clone());
                x.v.push(row);
            }
            None => events.push(Event {
                p,
                n: e.node.clone(),
                e: e.event.clone(),
                d: e.description.clone(),
                t: vec![e.period.clone()],
                v: vec![row],
            }),
        }
    }
    let data = Data {
        baseline: s.scenario.baseline.clone(),
        questions: question_nodes(s),
        policies: s
            .scenario
            .policies
            .iter()
            .enumerate()
            .map(|(i, p)| Pol {
                id: p.id.clone(),
                label: if p.label.trim().is_empty() {
                    p.id.clone()
                } else {
                    p.label.clone()
                },
                color: policy_color_hex(i),
            })
            .collect(),
        nodes,
        metrics,
        series,
        diffs,
        events,
    };
    let json = serde_json::to_string(&data).expect("explorer data serialises");
    script_safe(&json)
}

/// JSON that cannot end its `<script>` element or open a comment: `<`, `>`
/// and `&` (which JSON only has inside strings) become `\u` escapes.
pub fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_and_escaping() {
        assert_eq!(r4(123.456), 123.5);
        assert_eq!(r4(0.00123456), 0.001235);
        assert_eq!(r4(0.0), 0.0);
        assert!(r4(f64::NAN).is_nan());
        let j = script_safe(r#"{"a":"</script><!-- & x"}"#);
        assert!(!j.contains('<') && !j.contains('>') && !j.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&j).unwrap();
        assert_eq!(back["a"], "</script><!-- & x");
    }
}

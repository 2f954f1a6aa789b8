//! The tables of `report.html`: the headline of each question node over the
//! whole horizon (each policy's worst year with its date, shortfall risk
//! included), year-by-year tables, the policies, and the event table with
//! its zero rows folded away.

use std::fmt::Write as _;

use super::charts::data::{
    Ctx, diff_unit, display_factor, find_difference, find_series, metric_label, node_name, stat_at,
    worst_year,
};
use super::charts::policy_comparison::{SHORTFALL_EVENT, worst_year_over_policies};
use super::charts::style::{decimals_for_interval, fmt_signed_fixed};
use super::charts::{fmt_num, policy_color_hex};
use super::html::escape;
use crate::stats::summary::{EventProbability, REGION, Stat, Summary};

fn with_unit(v: f64, u: &str) -> String {
    match u {
        "" => fmt_num(v),
        "%" => format!("{} %", fmt_num(v)),
        u => format!("{} {}", fmt_num(v), escape(u)),
    }
}

/// "France (FR)", or "Europe".
pub fn node_title(s: &Summary, node: &str) -> String {
    let name = node_name(s, node);
    if node == REGION || name == node {
        name
    } else {
        format!("{name} ({node})")
    }
}

/// The headline metrics of a node's table: those the summary has for it.
fn headline_metrics(s: &Summary, node: &str) -> Vec<&'static str> {
    let money = super::charts::data::money_metric(s);
    [
        "dependency_share",
        "curtailment_share",
        "storage_fill_nov1",
        money,
    ]
    .into_iter()
    .filter(|m| s.series.iter().any(|x| x.node == node && x.metric == *m))
    .collect()
}

/// The value of a stat as the headline writes it: the median, or the mean
/// when the median is zero and the mean is not (rare shortfalls).
fn headline_value(st: &Stat, f: f64) -> (&'static str, f64) {
    if st.p50 == 0.0 && st.mean != 0.0 {
        ("mean ", st.mean * f)
    } else {
        ("", st.p50 * f)
    }
}

/// "+0.10 pp [+0.08, +0.12]": one number of decimals resolving the interval.
fn diff_text(m: f64, lo: f64, hi: f64, unit: &str) -> String {
    let d = decimals_for_interval((hi - lo) / 2.0, m);
    let f = |v: f64| fmt_signed_fixed(v, d);
    format!("Δ {} {} [{}, {}]", f(m), escape(unit), f(lo), f(hi))
}

/// A level cell in the column's year: median (or mean) and 5–95 %, the
/// paired difference, and the policy's own worst year when it differs.
fn level_cell(s: &Summary, policy: &str, node: &str, metric: &str, year: &str) -> String {
    let Some(ser) = find_series(s, policy, node, metric, "year") else {
        return "—".into();
    };
    let (f, u) = display_factor(metric, &ser.unit);
    let Some(st) = stat_at(ser, year) else {
        return "—".into();
    };
    let (lead, value) = headline_value(&st, f);
    let mut cell = format!(
        "{lead}<b>{}</b><span class=\"range\">5–95 %: {} – {}</span>",
        with_unit(value, &u),
        fmt_num(st.p5 * f),
        fmt_num(st.p95 * f)
    );
    if policy != s.scenario.baseline
        && let Some(d) = find_difference(s, policy, node, metric, year)
    {
        let (df, du) = display_factor(metric, &d.unit);
        let sig = d.ci_low * df > 0.0 || d.ci_high * df < 0.0;
        let _ = write!(
            cell,
            "<span class=\"range{}\">{}</span>",
            if sig { " sig" } else { "" },
            diff_text(d.mean * df, d.ci_low * df, d.ci_high * df, &diff_unit(&du))
        );
    }
    if let Some((own, ost)) = worst_year(ser, metric)
        && own != year
        && headline_value(&ost, f).1 != value
    {
        let (lead, v) = headline_value(&ost, f);
        let _ = write!(
            cell,
            "<span class=\"range\">its worst: {lead}{} in {}</span>",
            with_unit(v, &u),
            escape(&own)
        );
    }
    cell
}

fn events_of<'a>(
    s: &'a Summary,
    policy: &str,
    node: &str,
    event: &str,
) -> Vec<&'a EventProbability> {
    s.events
        .iter()
        .filter(|e| e.policy == policy && e.node == node && e.event == event && e.period != "any")
        .collect()
}

/// The year of the highest shortfall probability over all policies.
fn event_year(s: &Summary, node: &str) -> Option<String> {
    s.events
        .iter()
        .filter(|e| e.node == node && e.event == SHORTFALL_EVENT && e.period != "any")
        .max_by(|a, b| {
            a.probability
                .total_cmp(&b.probability)
                .then(a.period.cmp(&b.period))
        })
        .map(|e| e.period.clone())
}

/// The shortfall cell in the column's year, with the policy's own worst.
fn event_cell(s: &Summary, policy: &str, node: &str, year: &str) -> String {
    let ev = events_of(s, policy, node, SHORTFALL_EVENT);
    let Some(e) = ev.iter().find(|e| e.period == year) else {
        return "—".into();
    };
    let mut cell = format!(
        "<b>{:.1} %</b><span class=\"range\">95 % CI {:.1} – {:.1} %</span>",
        100.0 * e.probability,
        100.0 * e.ci_low,
        100.0 * e.ci_high
    );
    let above = ev.iter().filter(|e| e.probability > 0.0).count();
    if let Some(w) = ev
        .iter()
        .max_by(|a, b| a.probability.total_cmp(&b.probability))
        .filter(|w| w.probability > e.probability)
    {
        let _ = write!(
            cell,
            "<span class=\"range\">its worst: {:.1} % in {}</span>",
            100.0 * w.probability,
            escape(&w.period)
        );
    }
    let _ = write!(
        cell,
        "<span class=\"range\">above 0 in {above} of {} years</span>",
        ev.len()
    );
    if let Some(a) = s.events.iter().find(|e| {
        e.policy == policy && e.node == node && e.event == SHORTFALL_EVENT && e.period == "any"
    }) {
        let _ = write!(
            cell,
            "<span class=\"range\">in some year of the horizon: {:.1} % (95 % CI {:.1} – {:.1} %)</span>",
            100.0 * a.probability,
            100.0 * a.ci_low,
            100.0 * a.ci_high
        );
    }
    cell
}

/// The headline table of one node over the whole horizon: each column in
/// its worst year (over all policies), which the header states.
pub fn headline(h: &mut String, s: &Summary, node: &str) {
    let ctx = Ctx::new(s);
    let metrics: Vec<(&str, String)> = headline_metrics(s, node)
        .into_iter()
        .filter_map(|m| Some((m, worst_year_over_policies(&ctx, node, m)?)))
        .collect();
    let event = event_year(s, node);
    let _ = write!(
        h,
        "<section class=\"headline\" id=\"headline-{}\">\n<h2>{}, {}–{}</h2>\n",
        escape(node),
        escape(&node_title(s, node)),
        escape(s.scenario.start.get(..4).unwrap_or(&s.scenario.start)),
        escape(s.scenario.end.get(..4).unwrap_or(&s.scenario.end)),
    );
    if metrics.is_empty() {
        h.push_str(
            "<p class=\"read\">The run has no yearly series for this node.</p>\n</section>\n",
        );
        return;
    }
    h.push_str("<table class=\"headline-table\"><tr><th>Policy</th>");
    for (k, (m, y)) in metrics.iter().enumerate() {
        let _ = write!(
            h,
            "<th>{}<span class=\"yr\">worst year: {}</span></th>",
            escape(&metric_label(s, m)),
            escape(y)
        );
        if k == 1
            && let Some(y) = &event
        {
            let _ = write!(
                h,
                "<th>Risk: curtailment &gt; 1 % of demand<span class=\"yr\">worst year: {}</span></th>",
                escape(y)
            );
        }
    }
    h.push_str("</tr>\n");
    for (i, p) in s.scenario.policies.iter().enumerate() {
        let _ = write!(
            h,
            "<tr data-policy=\"{}\"><td class=\"text\"><span class=\"sw\" style=\"background:{}\"></span>{}{}</td>",
            escape(&p.id),
            policy_color_hex(i),
            escape(&p.label),
            if p.id == s.scenario.baseline {
                " <span class=\"yr\">(baseline)</span>"
            } else {
                ""
            }
        );
        for (k, (m, y)) in metrics.iter().enumerate() {
            let _ = write!(
                h,
                "<td data-metric=\"{m}\">{}</td>",
                level_cell(s, &p.id, node, m, y)
            );
            if k == 1
                && let Some(y) = &event
            {
                let _ = write!(
                    h,
                    "<td data-metric=\"{SHORTFALL_EVENT}\">{}</td>",
                    event_cell(s, &p.id, node, y)
                );
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
    year_by_year(h, s, node);
    h.push_str("</section>\n");
}

/// Folded: the traced share and the shortfall risk of every year.
fn year_by_year(h: &mut String, s: &Summary, node: &str) {
    let m = "dependency_share";
    let base = &s.scenario.baseline;
    let Some(ser) = find_series(s, base, node, m, "year") else {
        return;
    };
    let _ = write!(
        h,
        "<details><summary>Each year: {} and the risk of curtailment above 1 % of demand</summary>\n<table><tr><th>Year</th>",
        escape(&metric_label(s, m))
    );
    for p in &s.scenario.policies {
        let _ = write!(h, "<th>{}</th>", escape(&p.id));
    }
    h.push_str("</tr>\n");
    for year in &ser.periods {
        let _ = write!(h, "<tr><td>{}</td>", escape(year));
        for p in &s.scenario.policies {
            let v = find_series(s, &p.id, node, m, "year")
                .and_then(|x| stat_at(x, year).map(|st| (st, display_factor(m, &x.unit))));
            let ev = events_of(s, &p.id, node, SHORTFALL_EVENT)
                .into_iter()
                .find(|e| &e.period == year);
            let cell = match v {
                Some((st, (f, u))) => with_unit(st.p50 * f, &u),
                None => "—".into(),
            };
            let risk = ev
                .filter(|e| e.probability > 0.0)
                .map(|e| {
                    format!(
                        "<span class=\"range\">P&gt;1 %: {:.1} %</span>",
                        100.0 * e.probability
                    )
                })
                .unwrap_or_default();
            let _ = write!(h, "<td>{cell}{risk}</td>");
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table></details>\n");
}

pub fn policies_table(h: &mut String, s: &Summary) {
    h.push_str("<table><tr><th>Policy</th><th>Description</th></tr>\n");
    for (i, p) in s.scenario.policies.iter().enumerate() {
        let base = if p.id == s.scenario.baseline {
            " (baseline)"
        } else {
            ""
        };
        let _ = writeln!(
            h,
            "<tr><td><span class=\"sw\" style=\"background:{}\"></span><b>{}</b> — {}{}</td><td class=\"text\">{}</td></tr>",
            policy_color_hex(i),
            escape(&p.id),
            escape(&p.label),
            base,
            escape(&p.description)
        );
    }
    h.push_str("</table>\n");
}

fn event_rows(h: &mut String, rows: &[&EventProbability]) {
    h.push_str("<table><tr><th>Policy</th><th>Node</th><th>Event</th><th>Period</th><th>Probability [95 % CI]</th></tr>\n");
    for e in rows {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"text\">{}</td><td>{}</td><td>{:.1} % [{:.1}, {:.1}]</td></tr>",
            escape(&e.policy),
            escape(&e.node),
            escape(if e.description.is_empty() {
                &e.event
            } else {
                &e.description
            }),
            escape(&e.period),
            100.0 * e.probability,
            100.0 * e.ci_low,
            100.0 * e.ci_high
        );
    }
    h.push_str("</table>\n");
}

/// Event probabilities: question nodes first; non-zero rows shown, the
/// rest folded.
pub fn events_table(h: &mut String, s: &Summary, questions: &[String]) {
    if s.events.is_empty() {
        return;
    }
    let rank = |n: &str| {
        questions
            .iter()
            .position(|q| q == n)
            .unwrap_or(questions.len())
    };
    let mut rows: Vec<&EventProbability> = s.events.iter().collect();
    rows.sort_by_key(|e| rank(&e.node));
    let (shown, folded): (Vec<_>, Vec<_>) = rows.into_iter().partition(|e| e.probability > 0.0);
    h.push_str("<h2 id=\"events\">Event probabilities</h2>\n");
    let _ = writeln!(
        h,
        "<p class=\"read\">{} of {} (policy, node, event, year) cells have a probability above zero; they are listed here, focus countries and Europe first. The {} cells where no trial saw the event are folded below (their 95 % interval still has an upper bound above zero).</p>",
        shown.len(),
        shown.len() + folded.len(),
        folded.len()
    );
    if !shown.is_empty() {
        event_rows(h, &shown);
    }
    if !folded.is_empty() {
        let _ = writeln!(
            h,
            "<details><summary>{} cells with probability 0.0 %</summary>",
            folded.len()
        );
        event_rows(h, &folded);
        h.push_str("</details>\n");
    }
}

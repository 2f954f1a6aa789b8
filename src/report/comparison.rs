//! `comparison.html` and `comparison.csv` of `gasdep compare`: finished runs
//! side by side like for like, on aligned periods, for one metric of one
//! node (see [`super::charts::runs`]).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::charts::data::{display_factor, find_series, metric_label, stat_at};
use super::charts::runs::{
    Aligned, COMPARISON_CHART_ID, CompareOptions, align, comparison_csv, write_comparison_charts,
};
use super::charts::{ChartInfo, ReportError, fmt_num, policy_color_hex, write_atomic};
use super::html::{escape, figures, page_head};
use super::tables::node_title;
use crate::stats::summary::Summary;

/// Writes the comparison chart, `comparison.csv` (what the chart draws) and
/// `comparison.html` of `runs` to `dir`; returns every file written.
pub fn write_comparison(
    runs: &[Summary],
    dir: &Path,
    opts: &CompareOptions,
) -> Result<Vec<PathBuf>, ReportError> {
    if runs.is_empty() {
        return Err(ReportError::Input("no run to compare".into()));
    }
    let aligned = align(runs, opts).map_err(ReportError::Input)?;
    let mut files = write_comparison_charts(runs, &aligned, dir, opts)?;
    let csv = dir.join("comparison.csv");
    write_atomic(&csv, comparison_csv(&aligned, opts).as_bytes())?;
    files.push(csv);
    let html = page(runs, &aligned, opts, &files)?;
    let path = dir.join("comparison.html");
    write_atomic(&path, html.as_bytes())?;
    files.push(path);
    Ok(files)
}

fn page(
    runs: &[Summary],
    a: &Aligned,
    opts: &CompareOptions,
    files: &[PathBuf],
) -> Result<String, ReportError> {
    let first = &runs[0];
    let label = metric_label(first, &opts.metric);
    let node = node_title(first, &opts.node);
    let mut h = String::new();
    page_head(&mut h, "gasdep: comparison of runs");
    let _ = writeln!(
        h,
        "<h1>Comparison of runs: {}, {}</h1>\n<p class=\"meta\">{}.</p>",
        escape(&label),
        escape(&node),
        escape(&a.statement)
    );
    h.push_str("<table><tr><th>Run</th><th>Scenario</th><th>Period</th><th>Trials</th><th>Seed</th><th>Baseline</th></tr>\n");
    for (i, s) in runs.iter().enumerate() {
        let _ = writeln!(
            h,
            "<tr><td><span class=\"sw\" style=\"background:{}\"></span>{}</td><td class=\"text\">{}</td><td>{} to {}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            policy_color_hex(i),
            i + 1,
            escape(&s.scenario.name),
            escape(&s.scenario.start),
            escape(&s.scenario.end),
            s.run.trials,
            s.run.seed,
            escape(&s.scenario.baseline)
        );
    }
    h.push_str("</table>\n");
    if !a.missing.is_empty() {
        let list: Vec<String> = a.missing.iter().map(|i| (i + 1).to_string()).collect();
        let _ = writeln!(
            h,
            "<p class=\"read\"><b>Left out:</b> run {} has no '{}' series for {}.</p>",
            list.join(", "),
            escape(&opts.metric),
            escape(&opts.node)
        );
    }
    let _ = writeln!(
        h,
        "<h2>{} in the same year</h2>\n<p class=\"read\">{}. Each run is read in the year given beside it: {}. Median over trials with the 5–95 % range; for each run's baseline, the difference of its median from run 1's baseline median (runs are independent, so this difference is not paired and has no interval).</p>",
        escape(&label),
        escape(&a.statement),
        if a.calendar {
            "the last calendar year all runs simulate"
        } else {
            "the last year counted from its start that every run reaches"
        }
    );
    h.push_str("<table><tr><th>Run · policy</th><th>Year</th><th>Median</th><th>5–95 %</th><th>Baseline vs run 1</th></tr>\n");
    let mut first_base: Option<f64> = None;
    for (i, s) in runs.iter().enumerate() {
        let Some(year) = a.table_year.get(i).cloned().flatten() else {
            continue;
        };
        for p in &s.scenario.policies {
            let cell = find_series(s, &p.id, &opts.node, &opts.metric, "year").and_then(|ser| {
                let (f, u) = display_factor(&opts.metric, &ser.unit);
                stat_at(ser, &year).map(|st| (st.p50 * f, st.p5 * f, st.p95 * f, u))
            });
            let Some((m, lo, hi, u)) = cell else { continue };
            let is_base = p.id == s.scenario.baseline;
            let vs = if is_base {
                match first_base {
                    None => {
                        first_base = Some(m);
                        "—".to_string()
                    }
                    Some(b) => {
                        let u = if u == "%" {
                            "pp".to_string()
                        } else {
                            u.clone()
                        };
                        format!(
                            "{}{} {}",
                            if m - b > 0.0 { "+" } else { "" },
                            fmt_num(m - b),
                            escape(&u)
                        )
                    }
                }
            } else {
                String::new()
            };
            let _ = writeln!(
                h,
                "<tr><td>{} · {} · {}</td><td>{}</td><td>{} {}</td><td>{} – {}</td><td>{vs}</td></tr>",
                i + 1,
                escape(&s.scenario.name),
                escape(&p.id),
                escape(&year),
                fmt_num(m),
                escape(&u),
                fmt_num(lo),
                fmt_num(hi)
            );
        }
    }
    h.push_str("</table>\n<h2>Chart</h2>\n<p class=\"read\">The numbers drawn are in <code>comparison.csv</code> beside this page.</p>\n");
    let info = ChartInfo {
        id: COMPARISON_CHART_ID.into(),
        title: format!("{label}, {node}: baseline of each run"),
        guide: format!(
            "The baseline of each run: median line and 25–75 % band. {}. Runs are separate simulations with their own random draws, so differences between them are not paired.",
            a.statement
        ),
        answer: false,
    };
    figures(&mut h, files, std::iter::once(&info))?;
    h.push_str("</body></html>\n");
    Ok(h)
}

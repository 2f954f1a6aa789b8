//! Fan charts over time with a difference panel: for each column (a node
//! and a metric) the levels of every policy on top and the paired
//! differences against the baseline below, where policies that overlap in
//! levels come apart. Used for dependency, storage fill, price, bill and
//! ownership exposure.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::data::{Ctx, diff_unit, display_factor, has_metric, metric_label, stat_at, time_points};
use super::layout::{time_range, y_label_width};
use super::panels::{
    DiffLine, Fan, PanelSpec, diff_values, draw_diff_panel, draw_fan_panel, fan_values, fit_diffs,
    fit_levels, xs_of,
};
use super::style::{
    INK, MUTED, Swatch, anchored, fit_text, frame, legend, no_data, panel_message, text_bold,
};
use super::{Chart, ChartInfo, Draw, DrawResult};
use crate::stats::summary::REGION;

/// One column of a metric chart.
#[derive(Debug, Clone)]
pub struct Column {
    pub node: String,
    /// Metric of the level fan (monthly when the summary has it).
    pub level: String,
    /// Metric of the yearly paired differences (often the same).
    pub diff: String,
    /// Heading above the column ("" for none).
    pub head: String,
}

/// A chart of one or more columns of levels over differences.
pub struct MetricChart {
    info: ChartInfo,
    columns: Vec<Column>,
}

const NOTE: &str = "Top: median (line), 25–75 % (dark band) and 5–95 % (light band) of trials. Bottom: mean paired difference against the baseline over the same trials; band: 95 % CI.";

impl MetricChart {
    pub fn new(info: ChartInfo, columns: Vec<Column>) -> MetricChart {
        MetricChart { info, columns }
    }

    /// A chart of `metric` for each node of `nodes`, side by side.
    pub fn of_metric(ctx: &Ctx<'_>, id: &str, metric: &str, nodes: &[String]) -> MetricChart {
        let label = metric_label(ctx.s, metric);
        let names: Vec<String> = nodes.iter().map(|n| ctx.node_name(n)).collect();
        let columns = nodes
            .iter()
            .zip(&names)
            .map(|(n, name)| Column {
                node: n.clone(),
                level: metric.into(),
                diff: metric.into(),
                head: if nodes.len() > 1 {
                    name.clone()
                } else {
                    String::new()
                },
            })
            .collect();
        MetricChart::new(
            ChartInfo {
                id: id.into(),
                title: format!("{label}: {}, by policy", names.join(" and ")),
                guide: format!(
                    "{label} of {} over time, one colour per policy: the line is the median over trials, the bands hold the middle half (25–75 %) and 90 % (5–95 %) of trials. The lower panel shows each policy's mean paired difference from the baseline in each year with its 95 % confidence interval: both policies met the same weather and disruptions in each trial, so the difference is the policy's effect.",
                    names.join(" and ")
                ),
                answer: false,
            },
            columns,
        )
    }
}

/// The always-present fans: Europe's dependency and storage fill.
pub fn plan(ctx: &Ctx<'_>) -> Vec<Box<dyn Chart>> {
    let deps = ctx.s.scenario.dependency_countries.join(", ");
    let deps = if deps.is_empty() {
        "dependency".into()
    } else {
        deps
    };
    let dep = MetricChart::new(
        ChartInfo {
            id: "dependency_fan".into(),
            title: format!("Europe's traced dependency on {deps} gas, by policy"),
            guide: format!(
                "The share of Europe's gas consumption that comes, traced through storage and re-exports, from {deps}, month by month (top): the line is the median over trials, the dark band the middle half of trials, the light band 90 % of them. The axis is fitted to the data. Below, each policy's mean paired difference from the baseline, year by year, with its 95 % confidence interval: where policies lie on top of each other above, they come apart here."
            ),
            answer: false,
        },
        vec![Column {
            node: REGION.into(),
            level: "dependency_share".into(),
            diff: "dependency_share".into(),
            head: String::new(),
        }],
    );
    let storage = MetricChart::new(
        ChartInfo {
            id: "storage_fill_fan".into(),
            title: "Europe's gas storage fill, by policy".into(),
            guide: "Europe's storage fill as a share of working volume, month by month, with the same bands as the dependency chart; a dashed line is a policy's storage target trajectory where it has one (a median below it means the target is missed in most trials). Below, the paired difference of the fill on 1 November against the baseline.".into(),
            answer: false,
        },
        vec![Column {
            node: REGION.into(),
            level: "storage_fill".into(),
            diff: "storage_fill_nov1".into(),
            head: String::new(),
        }],
    );
    vec![Box::new(dep), Box::new(storage)]
}

/// Price, bill and ownership exposure: planned only when the summary has
/// their metrics (prices come with the market model).
pub fn plan_money(ctx: &Ctx<'_>) -> Vec<Box<dyn Chart>> {
    let mut v: Vec<Box<dyn Chart>> = vec![];
    for (id, metric) in [("price_fan", "price"), ("bill_fan", "bill")] {
        // Focus countries (at most two) and Europe, those that have it.
        let nodes = ctx.questions_with(metric);
        if has_metric(ctx.s, metric) && !nodes.is_empty() {
            v.push(Box::new(MetricChart::of_metric(ctx, id, metric, &nodes)));
        }
    }
    for node in &ctx.questions {
        let nonzero = |m: &str| {
            ctx.s
                .series
                .iter()
                .filter(|x| &x.node == node && x.metric == m && x.resolution == "year")
                .any(|x| x.stats.iter().any(|s| s.max.abs() > 0.0))
        };
        if !(nonzero("exposure_volume") || nonzero("exposure_revenue")) {
            continue;
        }
        let name = ctx.node_name(node);
        let col = |m: &str, head: &str| Column {
            node: node.clone(),
            level: m.into(),
            diff: m.into(),
            head: head.into(),
        };
        v.push(Box::new(MetricChart::new(
            ChartInfo {
                id: format!("exposure_{node}"),
                title: format!("Ownership exposure of {name}'s companies, by policy"),
                guide: format!(
                    "What {name}'s companies hold in pipelines they co-own, weighted by their stakes: the gas those pipelines carry (left) and the tariff revenue it earns (right), the value at risk when a pipeline stops or is sanctioned. Levels on top (median and bands), the difference from the baseline below."
                ),
                answer: false,
            },
            vec![
                col("exposure_volume", ""),
                col("exposure_revenue", ""),
            ],
        )));
    }
    v
}

/// The drawable content of one column.
struct ColData {
    head: String,
    level_title: String,
    diff_title: String,
    percent: bool,
    fans: Vec<Fan>,
    lines: Vec<DiffLine>,
    why_empty: String,
}

fn gather(ctx: &Ctx<'_>, c: &Column) -> ColData {
    let has_month = ctx
        .policies
        .iter()
        .any(|p| ctx.series(&p.id, &c.node, &c.level, "month").is_some());
    let res = if has_month { "month" } else { "year" };
    let mut fans = vec![];
    let mut unit = String::new();
    for p in &ctx.policies {
        let Some(ser) = ctx.series(&p.id, &c.node, &c.level, res) else {
            continue;
        };
        let (f, u) = display_factor(&c.level, &ser.unit);
        unit = u;
        let pts = time_points(ser, f);
        if !pts.iter().any(|(_, st)| st.p50.is_finite()) {
            continue;
        }
        let target = (c.level == "storage_fill")
            .then(|| ctx.series(&p.id, &c.node, "storage_target", res))
            .flatten()
            .map(|t| time_points(t, display_factor("storage_target", &t.unit).0));
        fans.push(Fan {
            color: p.color,
            pts,
            target,
        });
    }
    let mut lines = vec![];
    let mut dunit = String::new();
    for p in ctx.others() {
        let pts = ctx.diffs(&p.id, &c.node, &c.diff);
        if !pts.is_empty() {
            lines.push(DiffLine {
                color: p.color,
                pts,
                has_ci: true,
            });
        } else if let Some(pts) = mean_differences(ctx, &p.id, &c.node, &c.diff) {
            lines.push(DiffLine {
                color: p.color,
                pts,
                has_ci: false,
            });
        }
    }
    if let Some(d) = ctx
        .s
        .differences
        .iter()
        .find(|d| d.node == c.node && d.metric == c.diff)
    {
        dunit = display_factor(&c.diff, &d.unit).1;
    } else if let Some(s) = ctx.s.series.iter().find(|s| s.metric == c.diff) {
        dunit = display_factor(&c.diff, &s.unit).1;
    }
    let label = metric_label(ctx.s, &c.level);
    let dlabel = if c.diff == c.level {
        String::new()
    } else {
        format!("{}: ", metric_label(ctx.s, &c.diff))
    };
    let base = ctx.label(ctx.baseline());
    ColData {
        head: c.head.clone(),
        level_title: format!("{label} ({unit})"),
        diff_title: format!("{dlabel}Difference from {base} ({})", diff_unit(&dunit)),
        percent: unit == "%",
        fans,
        lines,
        why_empty: format!("no finite '{}' series for {}", c.level, c.node),
    }
}

/// Difference of the yearly means (policy − baseline): equal to the mean
/// paired difference, but without its interval.
pub fn mean_differences(
    ctx: &Ctx<'_>,
    policy: &str,
    node: &str,
    metric: &str,
) -> Option<Vec<(f64, f64, f64, f64)>> {
    let p = ctx.series(policy, node, metric, "year")?;
    let b = ctx.series(ctx.baseline(), node, metric, "year")?;
    let (f, _) = display_factor(metric, &p.unit);
    let pts: Vec<(f64, f64, f64, f64)> = p
        .periods
        .iter()
        .zip(&p.stats)
        .filter_map(|(per, st)| {
            let bs = stat_at(b, per)?;
            let x = super::layout::metric_x(metric, per)?;
            let d = (st.mean - bs.mean) * f;
            d.is_finite().then_some((x, d, f64::NAN, f64::NAN))
        })
        .collect();
    (!pts.is_empty()).then_some(pts)
}

impl Draw for MetricChart {
    fn info(&self) -> &ChartInfo {
        &self.info
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, ctx: &Ctx<'_>) -> DrawResult {
        let cols: Vec<ColData> = self.columns.iter().map(|c| gather(ctx, c)).collect();
        if cols.iter().all(|c| c.fans.is_empty()) {
            let why = cols
                .first()
                .map(|c| c.why_empty.clone())
                .unwrap_or_default();
            return no_data(root, &self.info.title, &ctx.caption, &why);
        }
        let area = frame(root, &self.info.title, &ctx.caption, NOTE)?;
        let parts = area.split_evenly((1, cols.len().max(1)));
        for (part, col) in parts.iter().zip(&cols) {
            draw_column(part, col)?;
        }
        let mut leg: Vec<(String, Swatch)> = ctx
            .policies
            .iter()
            .filter(|p| {
                cols.iter()
                    .any(|c| c.fans.iter().any(|f| f.color == p.color))
            })
            .map(|p| (p.label.clone(), Swatch::Line(p.color)))
            .collect();
        leg.push(("25–75 %".into(), Swatch::Band(MUTED, 0.45)));
        leg.push(("5–95 %".into(), Swatch::Band(MUTED, 0.18)));
        if cols
            .iter()
            .any(|c| c.fans.iter().any(|f| f.target.is_some()))
        {
            leg.push(("target".into(), Swatch::Dashed(INK)));
        }
        if cols.iter().any(|c| c.lines.iter().any(|l| !l.has_ci)) {
            leg.push((
                "difference of means (no paired interval)".into(),
                Swatch::Dashed(MUTED),
            ));
        }
        legend(root, &leg)
    }
}

fn draw_column<DB: DrawingBackend>(part: &DrawingArea<DB, Shift>, col: &ColData) -> DrawResult {
    let (w, h) = part.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let mut top = 0;
    if !col.head.is_empty() {
        let st = text_bold(16);
        part.draw(&Text::new(
            fit_text(part, &col.head, &st, w - 20),
            (w / 2, 0),
            anchored(st, HPos::Center, VPos::Top),
        ))?;
        top = 24;
    }
    if col.fans.is_empty() {
        return panel_message(
            part,
            (0, top, w, h),
            &format!("Not in this run: {}", col.why_empty),
        );
    }
    let xr = time_range(xs_of(&col.fans, &col.lines));
    let ly = fit_levels(&fan_values(&col.fans), col.percent);
    let dy = fit_diffs(&diff_values(&col.lines));
    let suffix = if col.percent { " %" } else { "" };
    let left =
        y_label_width(part, &ly.labels(suffix)).max(y_label_width(part, &dy.labels(""))) - 16;
    let right = w - 12;
    let level_h = ((h - top) as f64 * 0.56) as i32;
    let level_rect = (left, top + 22, right, top + level_h - 10);
    let spec = PanelSpec {
        rect: level_rect,
        xr,
        title: &col.level_title,
        y_desc: "",
        x_labels: false,
        x_ticks: None,
    };
    draw_fan_panel(part, &spec, &ly, suffix, &col.fans)?;
    let diff_rect = (left, top + level_h + 22, right, h - 26);
    let spec = PanelSpec {
        rect: diff_rect,
        xr,
        title: &col.diff_title,
        y_desc: "",
        x_labels: true,
        x_ticks: None,
    };
    if col.lines.is_empty() {
        let (l, t, r, b) = diff_rect;
        part.draw(&Text::new(
            col.diff_title.clone(),
            (l, t - 6),
            anchored(text_bold(14), HPos::Left, VPos::Bottom),
        ))?;
        return panel_message(
            part,
            (l, t, r, b),
            "No paired differences: the run has one policy, or none for this metric",
        );
    }
    draw_diff_panel(part, &spec, &dy, "", &col.lines)?;
    Ok(())
}

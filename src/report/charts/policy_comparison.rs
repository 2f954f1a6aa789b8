//! Headline metrics by policy, Europe: four small multiples of box plots,
//! each in the metric's worst year of the horizon (the year the worst
//! policy's mean is worst), with the paired difference against the
//! baseline under each box.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::data::{
    Ctx, diff_unit, display_factor, fin, fin2, find_difference, metric_label, money_metric,
    scale_stat, stat_at, worse_when_higher,
};
use super::layout::{Axes, Plot, Zero, draw_axes, fit, y_label_width};
use super::style::{
    INK, Swatch, anchored, decimals_for_interval, fit_text, fmt_signed_fixed, frame, legend,
    no_data, panel_message, text_bold, text_muted,
};
use super::{Chart, ChartInfo, Draw, DrawResult};
use crate::stats::summary::{REGION, Stat};

pub struct PolicyComparison {
    info: ChartInfo,
}

/// The headline metrics of the comparison and of the report's tables.
pub fn headline_metrics(ctx: &Ctx<'_>) -> [&'static str; 4] {
    [
        "dependency_share",
        "curtailment_share",
        "storage_fill_nov1",
        money_metric(ctx.s),
    ]
}

/// The event shown with curtailment: P(curtailment > 1 % of demand).
pub const SHORTFALL_EVENT: &str = "curtailment_gt_1pct_annual_demand";

pub fn plan(_ctx: &Ctx<'_>) -> Vec<Box<dyn Chart>> {
    vec![Box::new(PolicyComparison {
        info: ChartInfo {
            id: "policy_comparison".into(),
            title: "Headline metrics by policy, Europe".into(),
            guide: "Four panels, each in the worst year of the horizon for that metric (stated in its title: the year in which the worst policy's mean is worst): dependency share, curtailment as a share of demand, storage fill on 1 November and the bill (or supply cost). Boxes span 25–75 % of trials, whiskers 5–95 %, the dark bar is the median. Under each policy, the mean paired difference against the baseline with its 95 % confidence interval (bold when it excludes zero), and under curtailment the probability of losing more than 1 % of a year's demand.".into(),
            answer: false,
        },
    })]
}

/// The worst year of a region metric over all policies.
pub fn worst_year_over_policies(ctx: &Ctx<'_>, node: &str, metric: &str) -> Option<String> {
    let sign = if worse_when_higher(metric) { 1.0 } else { -1.0 };
    let mut best: Option<(String, f64)> = None;
    for p in &ctx.policies {
        let Some(ser) = ctx.series(&p.id, node, metric, "year") else {
            continue;
        };
        for (per, st) in ser.periods.iter().zip(&ser.stats) {
            if !st.mean.is_finite() {
                continue;
            }
            let v = sign * st.mean;
            let better = match &best {
                None => true,
                Some((bp, b)) => v > *b || (v == *b && per > bp),
            };
            if better {
                best = Some((per.clone(), v));
            }
        }
    }
    best.map(|b| b.0)
}

impl Draw for PolicyComparison {
    fn info(&self) -> &ChartInfo {
        &self.info
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, ctx: &Ctx<'_>) -> DrawResult {
        let metrics = headline_metrics(ctx);
        let title = &self.info.title;
        if metrics
            .iter()
            .all(|m| worst_year_over_policies(ctx, REGION, m).is_none())
        {
            return no_data(
                root,
                title,
                &ctx.caption,
                "the summary has no yearly region series for dependency_share, curtailment_share, storage_fill_nov1 or cost",
            );
        }
        let area = frame(
            root,
            title,
            &ctx.caption,
            "Each panel in its worst year. Box: 25–75 % of trials; whiskers: 5–95 %; bar: median. Δ: mean paired difference vs baseline [95 % CI], bold if it excludes 0.",
        )?;
        for (panel, metric) in area.split_evenly((2, 2)).iter().zip(metrics) {
            draw_panel(panel, ctx, metric)?;
        }
        let leg: Vec<_> = ctx
            .policies
            .iter()
            .map(|p| {
                let tag = if p.id == ctx.baseline() {
                    " (baseline)"
                } else {
                    ""
                };
                (
                    format!("{}: {}{tag}", p.id, p.label),
                    Swatch::Band(p.color, 0.8),
                )
            })
            .collect();
        legend(root, &leg)
    }
}

struct Row {
    id: String,
    color: RGBColor,
    st: Stat,
    diff: Option<(f64, f64, f64)>,
    event: Option<f64>,
}

fn draw_panel<DB: DrawingBackend>(
    panel: &DrawingArea<DB, Shift>,
    ctx: &Ctx<'_>,
    metric: &str,
) -> DrawResult {
    let (w, h) = panel.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let label = metric_label(ctx.s, metric);
    let Some(year) = worst_year_over_policies(ctx, REGION, metric) else {
        panel.draw(&Text::new(label, (60, 4), text_bold(14)))?;
        return panel_message(
            panel,
            (0, 0, w, h),
            &format!("No data: no yearly '{metric}' series"),
        );
    };
    let mut rows = vec![];
    let mut unit = String::new();
    for p in &ctx.policies {
        let Some(ser) = ctx.series(&p.id, REGION, metric, "year") else {
            continue;
        };
        let (f, u) = display_factor(metric, &ser.unit);
        unit = u;
        let Some(st) = stat_at(ser, &year) else {
            continue;
        };
        let diff = find_difference(ctx.s, &p.id, REGION, metric, &year).map(|d| {
            let (df, _) = display_factor(metric, &d.unit);
            (d.mean * df, d.ci_low * df, d.ci_high * df)
        });
        let event = (metric == "curtailment_share")
            .then(|| {
                ctx.s.events.iter().find(|e| {
                    e.policy == p.id
                        && e.node == REGION
                        && e.event == SHORTFALL_EVENT
                        && e.period == year
                })
            })
            .flatten()
            .map(|e| e.probability);
        rows.push(Row {
            id: p.id.clone(),
            color: p.color,
            st: scale_stat(&st, f),
            diff,
            event,
        });
    }
    let head = format!("{label}, worst year {year}");
    let st = text_bold(14);
    panel.draw(&Text::new(
        fit_text(panel, &head, &st, w - 20),
        (w / 2, 2),
        anchored(st, HPos::Center, VPos::Top),
    ))?;
    let vals: Vec<f64> = rows
        .iter()
        .flat_map(|r| [r.st.p5, r.st.p50, r.st.p95])
        .collect();
    if vals.iter().all(|v| *v == 0.0) {
        return panel_message(
            panel,
            (0, 20, w, h),
            &format!("Zero in every trial of every policy in {year}"),
        );
    }
    let percent = unit == "%";
    let y = fit(
        &vals,
        Zero::IfNear,
        percent.then_some((0.0, 100.0_f64.max(vals.iter().cloned().fold(0.0, f64::max)))),
        5,
    );
    let suffix = if percent { " %" } else { "" };
    let yt = y.labels(suffix);
    let lines_below = if metric == "curtailment_share" { 4 } else { 3 };
    let left = y_label_width(panel, &yt) - 16;
    let rect = (left, 26, w - 14, h - 10 - 15 * lines_below);
    let n = rows.len().max(1);
    let plot = Plot::new(rect, (-0.5, n as f64 - 0.5), (y.lo, y.hi));
    let unit_note = if unit.is_empty() || percent {
        String::new()
    } else {
        unit.clone()
    };
    draw_axes(
        panel,
        &plot,
        &Axes {
            x_ticks: &[],
            y_ticks: &yt,
            x_desc: "",
            y_desc: "",
            y_break: y.zero_off_axis,
            x_labels: false,
        },
    )?;
    if !unit_note.is_empty() {
        panel.draw(&Text::new(
            unit_note,
            (plot.l + 4, plot.t + 2),
            text_muted(12),
        ))?;
    }
    let slot = f64::from(rect.2 - rect.0) / n as f64;
    let half = (slot * 0.18).min(18.0) as i32;
    let du = diff_unit(&unit);
    for (i, r) in rows.iter().enumerate() {
        let x = plot.x.px(i as f64).round() as i32;
        let yp = |v: f64| plot.y.px(v).round() as i32;
        if let Some((a, b)) = fin2(r.st.p5, r.st.p95) {
            panel.draw(&PathElement::new(
                vec![(x, yp(a)), (x, yp(b))],
                r.color.stroke_width(2),
            ))?;
            for v in [a, b] {
                panel.draw(&PathElement::new(
                    vec![(x - half / 2, yp(v)), (x + half / 2, yp(v))],
                    r.color.stroke_width(2),
                ))?;
            }
        }
        if let Some((a, b)) = fin2(r.st.p25, r.st.p75) {
            let (ya, yb) = (yp(a), yp(b));
            let (ya, yb) = if (ya - yb).abs() < 2 {
                (ya + 1, yb - 1)
            } else {
                (ya, yb)
            };
            panel.draw(&Rectangle::new(
                [(x - half, ya), (x + half, yb)],
                r.color.mix(0.35).filled(),
            ))?;
            panel.draw(&Rectangle::new(
                [(x - half, ya), (x + half, yb)],
                r.color.stroke_width(2),
            ))?;
        }
        if let Some(m) = fin(r.st.p50) {
            panel.draw(&PathElement::new(
                vec![(x - half, yp(m)), (x + half, yp(m))],
                INK.stroke_width(3),
            ))?;
        }
        let width = (slot as i32 - 6).max(20);
        let by = plot.b + 5;
        let id_st = text_bold(12);
        panel.draw(&Text::new(
            fit_text(panel, &r.id, &id_st, width),
            (x, by),
            anchored(id_st, HPos::Center, VPos::Top),
        ))?;
        let (l1, l2, sig) = if r.id == ctx.baseline() {
            ("baseline".to_string(), String::new(), false)
        } else if let Some((m, a, b)) = r.diff {
            let sig = a.is_finite() && b.is_finite() && (a > 0.0 || b < 0.0);
            // One number of decimals for the mean and its bounds.
            let d = decimals_for_interval((b - a) / 2.0, m);
            (
                format!("Δ {} {du}", fmt_signed_fixed(m, d)),
                format!("[{}, {}]", fmt_signed_fixed(a, d), fmt_signed_fixed(b, d)),
                sig,
            )
        } else {
            ("Δ n/a".into(), String::new(), false)
        };
        let st = if sig { text_bold(12) } else { text_muted(12) };
        let mut lines = vec![l1, l2];
        if let Some(p) = r.event {
            lines.push(format!("P>1 %: {:.0} %", 100.0 * p));
        }
        for (k, line) in lines.iter().enumerate() {
            if line.is_empty() {
                continue;
            }
            let style = match k {
                2 => text_muted(12),
                1 if sig => text_bold(10),
                1 => text_muted(10),
                _ => st.clone(),
            };
            panel.draw(&Text::new(
                fit_text(panel, line, &style, width),
                (x, by + 15 * (k as i32 + 1)),
                anchored(style, HPos::Center, VPos::Top),
            ))?;
        }
    }
    Ok(())
}

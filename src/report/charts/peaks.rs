//! Peak days: the supply standards of Regulation (EU) 2017/1938 as the
//! runs see them (docs/results.md, "peak_days_by_country").
//!
//! `peak_days_by_country`: one row per country with peak metrics (Europe
//! first, then countries by the baseline's 1-in-20 margin, lowest first),
//! each in its worst year for the baseline. Left: the margin on the peak
//! day, a dot per policy at its 5th percentile over trials (the 1-in-20
//! margin) with a whisker to the median. Right: the worst day's shortfall,
//! a dot at the 95th percentile (the 1-in-20 worst day) with a whisker
//! from the median. `peak_margin_fan`: the margin over time for the
//! question countries and Europe. Neither is planned without peak metrics
//! (a calendar without daily steps).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::{Ctx, display_factor, scale_stat, stat_at};
use super::fan::MetricChart;
use super::layout::{Axes, Plot, Zero, draw_axes, fit, row_label, stripe_rows, whisker_dot};
use super::style::{INK, Swatch, fit_text, frame, legend, no_data, text, text_bold, text_width};
use super::{Chart, ChartInfo, Draw, DrawResult};
use crate::stats::summary::{REGION, Stat};

const MARGIN: &str = "peak_day_margin";
const SHORTFALL: &str = "worst_day_shortfall";
/// At most this many rows (the countries with the lowest margins).
pub const MAX_ROWS: usize = 24;

pub struct PeakDays {
    info: ChartInfo,
}

pub fn plan(ctx: &Ctx<'_>) -> Vec<Box<dyn Chart>> {
    if !ctx.s.series.iter().any(|x| x.metric == MARGIN) {
        return Vec::new();
    }
    let mut v: Vec<Box<dyn Chart>> = vec![Box::new(PeakDays {
        info: ChartInfo {
            id: "peak_days_by_country".into(),
            title: "Peak days by country: margin and shortfall".into(),
            guide: "The supply standards of Regulation (EU) 2017/1938 as the run sees them, each country in its worst year for the baseline (Europe first, then countries by their 1-in-20 margin, lowest first). Left: the margin on the year's peak day, i.e. the gas the network could still have delivered that day without cutting anyone, minus the day's curtailment; the dot is the 5th percentile over trials (the margin of a 1-in-20 year), the whisker runs to the median. Below zero, demand was cut on the peak day. Right: the worst day's shortfall, dot at the 95th percentile (a 1-in-20 worst day), whisker from the median.".into(),
            answer: false,
        },
    })];
    let nodes = ctx.questions_with(MARGIN);
    if !nodes.is_empty() {
        v.push(Box::new(MetricChart::of_metric(
            ctx,
            "peak_margin_fan",
            MARGIN,
            &nodes,
        )));
    }
    v
}

struct Row {
    label: String,
    key: f64,
    /// (colour, margin, shortfall) per policy.
    cells: Vec<(RGBColor, Stat, Option<Stat>)>,
}

/// The year with the lowest baseline 5th-percentile margin of `node`.
fn worst_year(ctx: &Ctx<'_>, node: &str) -> Option<(String, f64)> {
    let ser = ctx.series(ctx.baseline(), node, MARGIN, "year")?;
    ser.periods
        .iter()
        .zip(&ser.stats)
        .filter(|(_, s)| s.p5.is_finite())
        .min_by(|a, b| a.1.p5.total_cmp(&b.1.p5))
        .map(|(p, s)| (p.clone(), s.p5))
}

fn row(ctx: &Ctx<'_>, node: &str) -> Option<Row> {
    let (year, key) = worst_year(ctx, node)?;
    let get = |p: &str, m: &str| {
        let ser = ctx.series(p, node, m, "year")?;
        let (f, _) = display_factor(m, &ser.unit);
        stat_at(ser, &year).map(|s| scale_stat(&s, f))
    };
    let cells = ctx
        .policies
        .iter()
        .filter_map(|p| Some((p.color, get(&p.id, MARGIN)?, get(&p.id, SHORTFALL))))
        .collect();
    let name = ctx.node_name(node);
    let name = if name == node || node == REGION {
        name
    } else {
        format!("{name} ({node})")
    };
    Some(Row {
        label: format!("{name}, {year}"),
        key,
        cells,
    })
}

impl Draw for PeakDays {
    fn info(&self) -> &ChartInfo {
        &self.info
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, ctx: &Ctx<'_>) -> DrawResult {
        let title = "Peak days: 1-in-20 margin and worst-day shortfall by country";
        let mut rows: Vec<Row> = ctx
            .s
            .nodes
            .iter()
            .filter(|n| ctx.has_demand(&n.id))
            .filter_map(|n| row(ctx, &n.id))
            .collect();
        rows.sort_by(|a, b| a.key.total_cmp(&b.key));
        rows.truncate(MAX_ROWS - 1);
        if let Some(r) = row(ctx, REGION) {
            rows.insert(0, r);
        }
        if rows.is_empty() {
            return no_data(
                root,
                title,
                &ctx.caption,
                "no country has a finite peak-day margin",
            );
        }
        let note = "Left dot: 5th percentile of the peak-day margin (1-in-20), whisker to the median. Right dot: 95th percentile of the worst day's shortfall (1-in-20), whisker from the median. GWh/d.";
        let area = frame(root, title, &ctx.caption, note)?;
        let (w, h) = area.dim_in_pixel();
        let (w, h) = (w as i32, h as i32);
        let lst = text(14);
        let label_w = rows
            .iter()
            .map(|r| text_width(&area, &r.label, &lst))
            .max()
            .unwrap_or(0)
            .min(260);
        let left = label_w + 12;
        let split = left + ((w - left) as f64 * 0.55) as i32;
        let (top, bottom) = (24, h - 40);
        let n = rows.len();
        let row_h = f64::from(bottom - top) / n as f64;
        stripe_rows(&area, n, (top, row_h), (left, w - 4))?;
        let mv: Vec<f64> = rows
            .iter()
            .flat_map(|r| r.cells.iter().flat_map(|c| [c.1.p5, c.1.p50]))
            .collect();
        let sv: Vec<f64> = rows
            .iter()
            .flat_map(|r| {
                r.cells
                    .iter()
                    .filter_map(|c| c.2)
                    .flat_map(|s| [s.p50, s.p95])
            })
            .collect();
        let mx = fit(&mv, Zero::Always, None, 5);
        let sx = fit(&sv, Zero::Always, None, 4);
        let margin = Plot::new(
            (left, top, split - 30, bottom),
            (mx.lo, mx.hi),
            (n as f64, 0.0),
        );
        let short = Plot::new(
            (split + 24, top, w - 24, bottom),
            (sx.lo, sx.hi),
            (n as f64, 0.0),
        );
        let hs = text_bold(14);
        for (plot, fitted, head, x0, width) in [
            (
                &margin,
                &mx,
                "Margin on the peak day (GWh/d)",
                left,
                split - left,
            ),
            (
                &short,
                &sx,
                "Worst day's shortfall (GWh/d)",
                split + 24,
                w - split - 24,
            ),
        ] {
            let ticks = fitted.labels("");
            draw_axes(
                &area,
                plot,
                &Axes {
                    x_ticks: &ticks,
                    y_ticks: &[],
                    x_desc: "",
                    y_desc: "",
                    y_break: false,
                    x_labels: true,
                },
            )?;
            area.draw(&Text::new(
                fit_text(&area, head, &hs, width),
                (x0, 2),
                hs.clone(),
            ))?;
            let z = plot.x.px(0.0) as i32;
            area.draw(&PathElement::new(
                vec![(z, top), (z, bottom)],
                INK.stroke_width(1),
            ))?;
        }
        let np = ctx.policies.len().max(1);
        let step = (row_h * 0.7 / np as f64).min(5.0);
        for (i, r) in rows.iter().enumerate() {
            let yc = f64::from(top) + row_h * (i as f64 + 0.5);
            row_label(&area, i, &r.label, &lst, (left - 8, yc), label_w)?;
            let k0 = (r.cells.len() as f64 - 1.0) / 2.0;
            for (k, (c, m, s)) in r.cells.iter().enumerate() {
                let y = (yc + (k as f64 - k0) * step) as i32;
                whisker_dot(&area, &margin.x, y, ((m.p5, m.p50), m.p5), *c)?;
                if let Some(s) = s {
                    whisker_dot(&area, &short.x, y, ((s.p50, s.p95), s.p95), *c)?;
                }
            }
        }
        let leg: Vec<_> = ctx
            .policies
            .iter()
            .map(|p| (p.label.clone(), Swatch::Dot(p.color)))
            .collect();
        legend(root, &leg)
    }
}

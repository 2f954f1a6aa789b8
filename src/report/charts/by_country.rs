//! Dependency by country in one year: the level of each policy (median dot,
//! 25–75 % whisker) on the left and the paired difference against the
//! baseline (mean, 95 % CI) on the right, one row per country with demand,
//! Europe first, countries sorted by the baseline's median.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::{Ctx, display_factor, find_difference, scale_stat, stat_at};
use super::layout::{Axes, Plot, Zero, draw_axes, fit, row_label, stripe_rows, whisker_dot};
use super::style::{
    GRID, INK, Swatch, fit_text, frame, legend, no_data, text, text_bold, text_width,
};
use super::{Chart, ChartInfo, ChartOptions, Draw, DrawResult};
use crate::stats::summary::{REGION, Stat};

/// At most this many countries are drawn (the most dependent).
pub const MAX_ROWS: usize = 28;
const METRIC: &str = "dependency_share";

pub struct ByCountry {
    info: ChartInfo,
    year: Option<String>,
}

pub fn plan(_ctx: &Ctx<'_>, opts: &ChartOptions) -> Vec<Box<dyn Chart>> {
    vec![Box::new(ByCountry {
        info: ChartInfo {
            id: "dependency_by_country".into(),
            title: "Traced dependency by country".into(),
            guide: "Each country's traced dependency share in one year (Europe first, then countries by the baseline's median, highest first; countries without demand, such as transit nodes, are left out). Left: one dot per policy at the median over trials, with a whisker over 25–75 % of trials. Right: each policy's mean paired difference from the baseline with its 95 % confidence interval, which separates policies whose dots overlap.".into(),
            answer: false,
        },
        year: opts.year.clone(),
    })]
}

struct RowData {
    label: String,
    key: f64,
    /// (colour, level) per policy.
    levels: Vec<(RGBColor, Stat)>,
    /// (colour, mean, lo, hi) per other policy.
    diffs: Vec<(RGBColor, f64, f64, f64)>,
}

impl Draw for ByCountry {
    fn info(&self) -> &ChartInfo {
        &self.info
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, ctx: &Ctx<'_>) -> DrawResult {
        let deps = ctx.s.scenario.dependency_countries.join(", ");
        let year = self.year.clone().or_else(|| {
            ctx.s
                .series
                .iter()
                .filter(|x| x.metric == METRIC && x.resolution == "year" && x.node != REGION)
                .filter_map(|x| x.periods.last().cloned())
                .max()
        });
        let title = match &year {
            Some(y) => format!("Traced dependency on {deps} gas by country, {y}"),
            None => format!("Traced dependency on {deps} gas by country"),
        };
        let Some(year) = year else {
            return no_data(
                root,
                &title,
                &ctx.caption,
                "the summary has no yearly 'dependency_share' series per node",
            );
        };
        let mut ids: Vec<String> = ctx.s.nodes.iter().map(|n| n.id.clone()).collect();
        for ser in &ctx.s.series {
            if ser.metric == METRIC && ser.node != REGION && !ids.contains(&ser.node) {
                ids.push(ser.node.clone());
            }
        }
        let mut rows: Vec<RowData> = ids
            .iter()
            .filter(|n| ctx.has_demand(n))
            .filter_map(|n| row(ctx, n, &year))
            .collect();
        let dropped = rows.len().saturating_sub(MAX_ROWS - 1);
        rows.sort_by(|a, b| b.key.total_cmp(&a.key));
        rows.truncate(MAX_ROWS - 1);
        if let Some(r) = row(ctx, REGION, &year) {
            rows.insert(0, r);
        }
        if rows.is_empty() {
            return no_data(
                root,
                &title,
                &ctx.caption,
                &format!("no country has a finite 'dependency_share' in {year}"),
            );
        }
        let note = if dropped > 0 {
            format!(
                "Dot: median; whisker: 25–75 % of trials. Δ: mean paired difference vs baseline, 95 % CI. The {} most dependent of {} countries shown.",
                MAX_ROWS - 1,
                MAX_ROWS - 1 + dropped
            )
        } else {
            "Dot: median; whisker: 25–75 % of trials. Δ: mean paired difference vs baseline, 95 % CI. Countries without demand left out.".into()
        };
        let area = frame(root, &title, &ctx.caption, &note)?;
        let (w, h) = area.dim_in_pixel();
        let (w, h) = (w as i32, h as i32);
        let lst = text(14);
        let label_w = rows
            .iter()
            .map(|r| text_width(&area, &r.label, &lst))
            .max()
            .unwrap_or(0)
            .min(250);
        let left = label_w + 12;
        let has_diffs = rows.iter().any(|r| !r.diffs.is_empty());
        let split = if has_diffs {
            left + ((w - left) as f64 * 0.58) as i32
        } else {
            w - 10
        };
        let (top, bottom) = (24, h - 40);
        let lv: Vec<f64> = rows
            .iter()
            .flat_map(|r| r.levels.iter().flat_map(|(_, s)| [s.p25, s.p50, s.p75]))
            .collect();
        let lx = fit(&lv, Zero::IfNear, Some((0.0, 100.0)), 6);
        let n = rows.len();
        let level = Plot::new(
            (left, top, split - 30, bottom),
            (lx.lo, lx.hi),
            (n as f64, 0.0),
        );
        let row_h = f64::from(bottom - top) / n as f64;
        stripe_rows(&area, n, (top, row_h), (left, w - 4))?;
        let xt = lx.labels(" %");
        draw_axes(
            &area,
            &level,
            &Axes {
                x_ticks: &xt,
                y_ticks: &[],
                x_desc: "",
                y_desc: "",
                y_break: false,
                x_labels: true,
            },
        )?;
        let hs = text_bold(14);
        area.draw(&Text::new(
            fit_text(
                &area,
                &format!("Share of consumption traced to {deps}"),
                &hs,
                split - left,
            ),
            (left, 2),
            hs.clone(),
        ))?;
        let np = ctx.policies.len().max(1);
        let step = (row_h * 0.7 / np as f64).min(5.0);
        for (i, r) in rows.iter().enumerate() {
            let yc = f64::from(top) + row_h * (i as f64 + 0.5);
            row_label(&area, i, &r.label, &lst, (left - 8, yc), label_w)?;
            for (k, (c, s)) in r.levels.iter().enumerate() {
                let y = (yc + (k as f64 - (r.levels.len() as f64 - 1.0) / 2.0) * step) as i32;
                whisker_dot(&area, &level.x, y, ((s.p25, s.p75), s.p50), *c)?;
            }
        }
        if n > 1 {
            area.draw(&PathElement::new(
                vec![(left, top + row_h as i32), (w - 4, top + row_h as i32)],
                GRID.stroke_width(2),
            ))?;
        }
        if has_diffs {
            let dv: Vec<f64> = rows
                .iter()
                .flat_map(|r| r.diffs.iter().flat_map(|d| [d.1, d.2, d.3]))
                .collect();
            let dx = fit(&dv, Zero::Always, None, 4);
            let diff = Plot::new(
                (split + 24, top, w - 24, bottom),
                (dx.lo, dx.hi),
                (n as f64, 0.0),
            );
            let xt = dx.labels(" pp");
            draw_axes(
                &area,
                &diff,
                &Axes {
                    x_ticks: &xt,
                    y_ticks: &[],
                    x_desc: "",
                    y_desc: "",
                    y_break: false,
                    x_labels: true,
                },
            )?;
            area.draw(&Text::new(
                fit_text(
                    &area,
                    &format!("Difference from {} (pp)", ctx.label(ctx.baseline())),
                    &hs,
                    w - split - 20,
                ),
                (split + 24, 2),
                hs,
            ))?;
            let z = diff.x.px(0.0) as i32;
            area.draw(&PathElement::new(
                vec![(z, top), (z, bottom)],
                INK.stroke_width(1),
            ))?;
            for (i, r) in rows.iter().enumerate() {
                let yc = f64::from(top) + row_h * (i as f64 + 0.5);
                let nd = r.diffs.len() as f64;
                for (k, (c, m, a, b)) in r.diffs.iter().enumerate() {
                    let y = (yc + (k as f64 - (nd - 1.0) / 2.0) * step) as i32;
                    whisker_dot(&area, &diff.x, y, ((*a, *b), *m), *c)?;
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

fn row(ctx: &Ctx<'_>, node: &str, year: &str) -> Option<RowData> {
    let mut levels = vec![];
    let mut key = f64::NEG_INFINITY;
    for p in &ctx.policies {
        let Some(ser) = ctx.series(&p.id, node, METRIC, "year") else {
            continue;
        };
        let (f, _) = display_factor(METRIC, &ser.unit);
        let Some(st) = stat_at(ser, year) else {
            continue;
        };
        let st = scale_stat(&st, f);
        if p.id == ctx.baseline() && st.p50.is_finite() {
            key = st.p50;
        }
        levels.push((p.color, st));
    }
    if !levels.iter().any(|l| l.1.p50.is_finite()) {
        return None;
    }
    let diffs = ctx
        .others()
        .filter_map(|p| {
            let d = find_difference(ctx.s, &p.id, node, METRIC, year)?;
            let (f, _) = display_factor(METRIC, &d.unit);
            Some((p.color, d.mean * f, d.ci_low * f, d.ci_high * f))
        })
        .collect();
    let name = ctx.node_name(node);
    let label = if name == node || node == REGION {
        name
    } else {
        format!("{name} ({node})")
    };
    Some(RowData {
        label,
        key,
        levels,
        diffs,
    })
}

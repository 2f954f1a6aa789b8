//! The risk of curtailment: P(a year's curtailment share > x) for each
//! policy, on log scales of probability and of x, so rare shortfalls (one
//! year in a thousand) are as visible as common ones.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::{Ctx, display_factor, scale_stat};
use super::layout::{Axes, Plot, Scale, draw_axes};
use super::style::{MUTED, Swatch, frame, legend, no_data};
use super::{Chart, ChartInfo, Draw, DrawResult};
use crate::stats::summary::{REGION, Stat};

const METRIC: &str = "curtailment_share";
/// Thresholds used when the summary has no exceedance curves (old files).
const FALLBACK_X: [f64; 11] = [
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.5,
];

pub struct Exceedance {
    info: ChartInfo,
}

pub fn plan(_ctx: &Ctx<'_>) -> Vec<Box<dyn Chart>> {
    vec![Box::new(Exceedance {
        info: ChartInfo {
            id: "curtailment_exceedance".into(),
            title: "Probability that a year's curtailment exceeds x, Europe".into(),
            guide: "For each level x of curtailment (as a share of a year's demand), the probability that a year of the horizon, in a trial, exceeds it, pooling every (trial, year). Both axes are logarithmic, so a risk of one year in a thousand is as legible as one in two; a curve further down and to the left is safer. Points on the bottom line were never exceeded in the run: their probability is below one in the number of trial-years.".into(),
            answer: false,
        },
    })]
}

/// A policy's curve: (threshold in %, probability) with the probability
/// 0 kept (drawn on the floor).
struct Curve {
    label: String,
    color: RGBColor,
    any: f64,
    pts: Vec<(f64, f64)>,
}

/// Percentile points (value, cumulative probability) of one period's stat,
/// made non-decreasing; `None` if any is not finite.
fn quantile_points(st: &Stat) -> Option<[(f64, f64); 7]> {
    let mut pts = [
        (st.min, 0.0),
        (st.p5, 0.05),
        (st.p25, 0.25),
        (st.p50, 0.5),
        (st.p75, 0.75),
        (st.p95, 0.95),
        (st.max, 1.0),
    ];
    if pts.iter().any(|p| !p.0.is_finite()) {
        return None;
    }
    for i in 1..pts.len() {
        pts[i].0 = pts[i].0.max(pts[i - 1].0);
    }
    Some(pts)
}

/// P(X ≤ x) from percentile points, linear between them; at ties the
/// highest probability with that value counts, so a mass of zeros is kept.
fn interp_cdf(pts: &[(f64, f64); 7], x: f64) -> f64 {
    let Some(i) = pts.iter().rposition(|p| p.0 <= x) else {
        return 0.0;
    };
    if i + 1 == pts.len() {
        return 1.0;
    }
    let (v0, q0) = pts[i];
    let (v1, q1) = pts[i + 1];
    q0 + (q1 - q0) * (x - v0) / (v1 - v0)
}

/// P(X > x) for X a year drawn uniformly from the horizon and a trial,
/// interpolated from each year's percentiles; `None` without finite data.
pub fn exceedance_from_percentiles(stats: &[Stat], x: f64) -> Option<f64> {
    let pts: Vec<_> = stats.iter().filter_map(quantile_points).collect();
    if pts.is_empty() {
        return None;
    }
    let f: f64 = pts.iter().map(|p| interp_cdf(p, x)).sum::<f64>() / pts.len() as f64;
    Some(1.0 - f)
}

fn curves(ctx: &Ctx<'_>) -> (Vec<Curve>, bool) {
    let mut out = vec![];
    let mut interpolated = false;
    for p in &ctx.policies {
        let exact = ctx
            .s
            .exceedance
            .iter()
            .find(|e| e.policy == p.id && e.node == REGION && e.metric == METRIC);
        let (f, _) = display_factor(METRIC, "share");
        if let Some(e) = exact {
            let mut any = f64::NAN;
            let mut pts = vec![];
            for (x, pr) in e.thresholds.iter().zip(&e.probability) {
                if *x == 0.0 {
                    any = *pr;
                } else if pr.is_finite() {
                    pts.push((x * f, *pr));
                }
            }
            if !pts.is_empty() {
                out.push(Curve {
                    label: p.label.clone(),
                    color: p.color,
                    any,
                    pts,
                });
            }
            continue;
        }
        let Some(ser) = ctx.series(&p.id, REGION, METRIC, "year") else {
            continue;
        };
        let (f, _) = display_factor(METRIC, &ser.unit);
        let stats: Vec<Stat> = ser.stats.iter().map(|s| scale_stat(s, f)).collect();
        let Some(any) = exceedance_from_percentiles(&stats, 0.0) else {
            continue;
        };
        interpolated = true;
        let pts = FALLBACK_X
            .iter()
            .filter_map(|x| {
                exceedance_from_percentiles(&stats, x * 100.0).map(|pr| (x * 100.0, pr))
            })
            .collect();
        out.push(Curve {
            label: p.label.clone(),
            color: p.color,
            any,
            pts,
        });
    }
    (out, interpolated)
}

impl Draw for Exceedance {
    fn info(&self) -> &ChartInfo {
        &self.info
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, ctx: &Ctx<'_>) -> DrawResult {
        let title = &self.info.title;
        let (curves, interpolated) = curves(ctx);
        if curves.is_empty() {
            return no_data(
                root,
                title,
                &ctx.caption,
                "the summary has no curtailment exceedance curve and no yearly 'curtailment_share' series for the region",
            );
        }
        if curves
            .iter()
            .all(|c| c.any <= 0.0 && c.pts.iter().all(|p| p.1 <= 0.0))
        {
            return no_data(
                root,
                title,
                &ctx.caption,
                "no trial of any policy curtailed demand in any year: the exceedance probability is 0 everywhere",
            );
        }
        let years = ctx
            .series(ctx.baseline(), REGION, METRIC, "year")
            .map_or(1, |s| s.periods.len().max(1));
        let trial_years = (ctx.s.run.trials.max(1) as f64) * years as f64;
        // Floor: a decade below one in the number of trial-years.
        let floor = 10f64.powf((1.0 / trial_years).log10().floor()).min(0.01);
        let note = if interpolated {
            "Interpolated between each year's reported percentiles (the summary has no exceedance curve). Bottom line: never exceeded in the run."
        } else {
            "Share of (trial, year) pairs of the horizon above x; (any: P(x > 0)). Hollow point on the bottom line: x never exceeded in the run."
        };
        let area = frame(root, title, &ctx.caption, note)?;
        let (w, h) = area.dim_in_pixel();
        let (w, h) = (w as i32, h as i32);
        let xs: Vec<f64> = curves
            .iter()
            .flat_map(|c| c.pts.iter().map(|p| p.0))
            .collect();
        let xlo = xs.iter().cloned().fold(f64::INFINITY, f64::min);
        let xhi = xs.iter().cloned().fold(0.0f64, f64::max);
        let (xlo, xhi) = (
            10f64.powf(xlo.log10().floor()),
            10f64.powf(xhi.log10().ceil()),
        );
        let decades = |lo: f64, hi: f64| -> Vec<f64> {
            let (a, b) = (lo.log10().round() as i32, hi.log10().round() as i32);
            (a..=b).map(|k| 10f64.powi(k)).collect()
        };
        let pct = |v: f64| {
            let d = (-v.log10()).ceil().max(0.0) as usize;
            format!("{v:.d$} %")
        };
        let yt: Vec<(f64, String)> = decades(floor, 1.0)
            .into_iter()
            .map(|p| (p, pct(100.0 * p)))
            .collect();
        let xt: Vec<(f64, String)> = decades(xlo, xhi).into_iter().map(|x| (x, pct(x))).collect();
        let left = super::layout::y_label_width(&area, &yt) + 8;
        let rect = (left, 8, w - 16, h - 50);
        let mut plot = Plot::new(rect, (xlo, xhi), (floor, 1.0));
        plot.x = Scale::log(xlo, xhi, f64::from(rect.0), f64::from(rect.2));
        plot.y = Scale::log(floor, 1.0, f64::from(rect.3), f64::from(rect.1));
        draw_axes(
            &area,
            &plot,
            &Axes {
                x_ticks: &xt,
                y_ticks: &yt,
                x_desc: "x: curtailment in a year (% of that year's demand, log scale)",
                y_desc: "P(curtailment > x), log scale",
                y_break: false,
                x_labels: true,
            },
        )?;
        // Wider lines underneath so curves that coincide stay visible.
        let n = curves.len();
        for (i, c) in curves.iter().enumerate() {
            let width = 2 + 2 * (n - 1 - i) as u32;
            // The curve ends where it first reaches zero (on the floor).
            let end = c
                .pts
                .iter()
                .position(|p| p.1 <= 0.0)
                .map_or(c.pts.len(), |i| i + 1);
            let shown = &c.pts[..end];
            let pts: Vec<(i32, i32)> = shown
                .iter()
                .map(|(x, p)| plot.px(*x, p.max(floor)))
                .collect();
            area.draw(&PathElement::new(pts.clone(), c.color.stroke_width(width)))?;
            for ((_, p), q) in shown.iter().zip(&pts) {
                if *p > 0.0 {
                    area.draw(&Circle::new(*q, 3 + (n - 1 - i) as u32, c.color.filled()))?;
                } else {
                    area.draw(&Circle::new(*q, 4, WHITE.filled()))?;
                    area.draw(&Circle::new(*q, 4, c.color.stroke_width(2)))?;
                }
            }
        }
        let mut leg: Vec<_> = curves
            .iter()
            .map(|c| {
                let any = if c.any.is_finite() {
                    format!(" (any: {:.1} %)", 100.0 * c.any)
                } else {
                    String::new()
                };
                (format!("{}{any}", c.label), Swatch::Line(c.color))
            })
            .collect();
        leg.push(("never exceeded in the run".into(), Swatch::Ring(MUTED)));
        legend(root, &leg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdf_interpolates_and_keeps_mass_at_ties() {
        let st = Stat {
            mean: 0.0,
            sd: 0.0,
            min: 0.0,
            p5: 0.0,
            p25: 0.0,
            p50: 0.0,
            p75: 0.0,
            p95: 2.0,
            max: 4.0,
        };
        assert!((exceedance_from_percentiles(&[st], 0.0).unwrap() - 0.25).abs() < 1e-12);
        assert!((exceedance_from_percentiles(&[st], 1.0).unwrap() - 0.15).abs() < 1e-12);
        assert_eq!(exceedance_from_percentiles(&[st], 4.0), Some(0.0));
        let zero = Stat {
            p95: 0.0,
            max: 0.0,
            ..st
        };
        assert!((exceedance_from_percentiles(&[st, zero], 0.0).unwrap() - 0.125).abs() < 1e-12);
    }
}

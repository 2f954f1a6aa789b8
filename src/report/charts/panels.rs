//! Panels over time shared by several charts: a fan of levels (median and
//! percentile bands per policy) and a panel of paired differences against
//! the baseline (mean and 95 % interval per policy, zero marked).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::DrawResult;
use super::data::{fin, fin2, finite_runs};
use super::layout::{Axes, Fitted, Plot, Zero, draw_axes, fit, time_ticks};
use super::style::{INK, anchored, fit_text, text_bold};
use crate::stats::summary::Stat;

/// One policy's levels over time.
pub struct Fan {
    pub color: RGBColor,
    pub pts: Vec<(f64, Stat)>,
    /// A target trajectory (dashed), e.g. a storage mandate.
    pub target: Option<Vec<(f64, Stat)>>,
}

/// One policy's differences over time: (x, mean, ci_low, ci_high).
pub struct DiffLine {
    pub color: RGBColor,
    pub pts: Vec<(f64, f64, f64, f64)>,
    /// `false` when only a difference of means is known (no interval).
    pub has_ci: bool,
}

/// Values a level axis must hold: 5–95 % bands, medians and targets.
pub fn fan_values(fans: &[Fan]) -> Vec<f64> {
    let mut v = vec![];
    for f in fans {
        for (_, st) in &f.pts {
            v.extend([st.p5, st.p50, st.p95]);
        }
        for (_, st) in f.target.iter().flatten() {
            v.push(st.p50);
        }
    }
    v
}

/// Fits a level axis; percentages stay within 0–100 when the data do.
pub fn fit_levels(values: &[f64], percent: bool) -> Fitted {
    let max = values
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    let clamp = percent.then_some((0.0, if max <= 100.0 { 100.0 } else { f64::INFINITY }));
    fit(values, Zero::IfNear, clamp, 6)
}

pub fn diff_values(lines: &[DiffLine]) -> Vec<f64> {
    lines
        .iter()
        .flat_map(|l| l.pts.iter().flat_map(|p| [p.1, p.2, p.3]))
        .collect()
}

pub fn fit_diffs(values: &[f64]) -> Fitted {
    fit(values, Zero::Always, None, 5)
}

/// The x range of fans and difference lines together.
pub fn xs_of<'a>(fans: &'a [Fan], lines: &'a [DiffLine]) -> impl Iterator<Item = f64> + 'a {
    fans.iter()
        .flat_map(|f| f.pts.iter().map(|p| p.0))
        .chain(lines.iter().flat_map(|l| l.pts.iter().map(|p| p.0)))
}

/// A panel's frame: where it is, its title and what its axes say.
pub struct PanelSpec<'a> {
    pub rect: (i32, i32, i32, i32),
    pub xr: (f64, f64),
    pub title: &'a str,
    pub y_desc: &'a str,
    pub x_labels: bool,
    /// Ticks of the x axis; `None`: calendar ticks of a month-index axis.
    pub x_ticks: Option<&'a [(f64, String)]>,
}

fn panel_title<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &PanelSpec<'_>,
) -> DrawResult {
    if spec.title.is_empty() {
        return Ok(());
    }
    let st = text_bold(14);
    let (l, t, r, _) = spec.rect;
    area.draw(&Text::new(
        fit_text(area, spec.title, &st, r - l),
        (l, t - 6),
        anchored(st, HPos::Left, VPos::Bottom),
    ))?;
    Ok(())
}

/// A panel's plot area with its axes (time ticks unless the spec gives
/// its own; `y_break` marks a y axis that does not start at zero) and its
/// title.
fn panel_frame<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &PanelSpec<'_>,
    y: &Fitted,
    suffix: &str,
    y_break: bool,
) -> Result<Plot, super::DrawError> {
    let plot = Plot::new(spec.rect, spec.xr, (y.lo, y.hi));
    let xt = match spec.x_ticks {
        Some(t) => t.to_vec(),
        None => time_ticks(spec.xr.0, spec.xr.1),
    };
    let yt = y.labels(suffix);
    draw_axes(
        area,
        &plot,
        &Axes {
            x_ticks: &xt,
            y_ticks: &yt,
            x_desc: "",
            y_desc: spec.y_desc,
            y_break,
            x_labels: spec.x_labels,
        },
    )?;
    panel_title(area, spec)?;
    Ok(plot)
}

/// Draws a fan of levels; returns its plot (for hit tests and overlays).
pub fn draw_fan_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &PanelSpec<'_>,
    y: &Fitted,
    suffix: &str,
    fans: &[Fan],
) -> Result<Plot, super::DrawError> {
    let plot = panel_frame(area, spec, y, suffix, y.zero_off_axis)?;
    let px = |x: f64, v: f64| plot.px(x, v);
    for fan in fans {
        for (band, alpha) in [
            ((|s: &Stat| fin2(s.p5, s.p95)) as fn(&Stat) -> _, 0.10),
            (|s: &Stat| fin2(s.p25, s.p75), 0.24),
        ] {
            for run in finite_runs(&fan.pts, band) {
                if run.len() == 1 {
                    let (x, (a, b)) = run[0];
                    area.draw(&PathElement::new(
                        vec![px(x, a), px(x, b)],
                        fan.color.mix(alpha * 2.5).stroke_width(8),
                    ))?;
                    continue;
                }
                let mut poly: Vec<(i32, i32)> = run.iter().map(|(x, (_, b))| px(*x, *b)).collect();
                poly.extend(run.iter().rev().map(|(x, (a, _))| px(*x, *a)));
                area.draw(&Polygon::new(poly, fan.color.mix(alpha).filled()))?;
            }
        }
    }
    // Medians from the last policy to the first, each narrower than the one
    // before it: the baseline's line is the thinnest and on top, so it
    // shows where every policy has the same median (monthly prices of
    // policies that differ little), and the others show as rims below it.
    for (i, fan) in fans.iter().enumerate().rev() {
        let width = 2 + i.min(4) as u32;
        if let Some(t) = &fan.target {
            for run in finite_runs(t, |s| fin(s.p50)) {
                let pts: Vec<(i32, i32)> = run.iter().map(|(x, v)| px(*x, *v)).collect();
                dashed(area, &pts, fan.color, 2)?;
            }
        }
        let few = fan.pts.len() <= 40;
        for run in finite_runs(&fan.pts, |s| fin(s.p50)) {
            let pts: Vec<(i32, i32)> = run.iter().map(|(x, v)| px(*x, *v)).collect();
            if pts.len() > 1 {
                area.draw(&PathElement::new(
                    pts.clone(),
                    fan.color.stroke_width(width),
                ))?;
            }
            if few || pts.len() == 1 {
                for p in pts {
                    area.draw(&Circle::new(p, width.max(3), fan.color.filled()))?;
                }
            }
        }
    }
    Ok(plot)
}

/// Draws paired differences against the baseline, zero marked.
pub fn draw_diff_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &PanelSpec<'_>,
    y: &Fitted,
    suffix: &str,
    lines: &[DiffLine],
) -> Result<Plot, super::DrawError> {
    let plot = panel_frame(area, spec, y, suffix, false)?;
    let z = plot.px(spec.xr.0, 0.0).1;
    area.draw(&PathElement::new(
        vec![(plot.l, z), (plot.r, z)],
        INK.mix(0.8).stroke_width(2),
    ))?;
    for line in lines {
        if line.has_ci && line.pts.len() > 1 {
            let mut poly: Vec<(i32, i32)> = line
                .pts
                .iter()
                .filter(|p| p.3.is_finite())
                .map(|p| plot.px(p.0, p.3))
                .collect();
            poly.extend(
                line.pts
                    .iter()
                    .rev()
                    .filter(|p| p.2.is_finite())
                    .map(|p| plot.px(p.0, p.2)),
            );
            area.draw(&Polygon::new(poly, line.color.mix(0.16).filled()))?;
        }
    }
    for (i, line) in lines.iter().enumerate() {
        let width = layered_width(i, lines.len());
        let pts: Vec<(i32, i32)> = line
            .pts
            .iter()
            .filter(|p| p.1.is_finite())
            .map(|p| plot.px(p.0, p.1))
            .collect();
        if line.has_ci {
            if pts.len() > 1 {
                area.draw(&PathElement::new(
                    pts.clone(),
                    line.color.stroke_width(width),
                ))?;
            }
            for p in line.pts.iter().filter(|p| p.1.is_finite()) {
                let c = plot.px(p.0, p.1);
                if line.pts.len() == 1 && p.2.is_finite() && p.3.is_finite() {
                    area.draw(&PathElement::new(
                        vec![plot.px(p.0, p.2), plot.px(p.0, p.3)],
                        line.color.stroke_width(2),
                    ))?;
                }
                area.draw(&Circle::new(c, width.max(3), line.color.filled()))?;
            }
        } else {
            dashed(area, &pts, line.color, 3)?;
        }
    }
    Ok(plot)
}

/// Vertical dashed marks at dates (x, label, colour) inside `plot`; labels
/// (when `labels`) at the top, stacked so none overlaps another.
pub fn draw_markers<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plot: &Plot,
    marks: &[(f64, String, RGBColor)],
    labels: bool,
) -> DrawResult {
    let st = text_bold(12);
    let mut placed: Vec<(i32, i32, i32)> = vec![];
    for (x, label, color) in marks {
        if !plot.x.contains(*x) {
            continue;
        }
        let px = plot.x.px(*x).round() as i32;
        dashed(area, &[(px, plot.t), (px, plot.b)], *color, 1)?;
        if !labels {
            continue;
        }
        let w = super::style::text_width(area, label, &st);
        let x0 = if px + 4 + w <= plot.r {
            px + 4
        } else {
            px - 4 - w
        };
        let mut y = plot.t + 2;
        while placed
            .iter()
            .any(|&(a, b, py)| py == y && x0 < b && x0 + w > a)
        {
            y += 14;
        }
        placed.push((x0, x0 + w, y));
        area.draw(&Text::new(label.clone(), (x0, y), st.clone().color(color)))?;
    }
    Ok(())
}

/// Line width of series `i` of `n`: earlier series are drawn wider, so a
/// series that lies on top of an earlier one leaves it visible as a rim.
pub fn layered_width(i: usize, n: usize) -> u32 {
    2 + (n.saturating_sub(1 + i)).min(3) as u32
}

/// A dashed polyline (8 px on, 6 off).
pub fn dashed<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    pts: &[(i32, i32)],
    color: RGBColor,
    width: u32,
) -> DrawResult {
    let (on, period) = (8.0, 14.0);
    let mut start = 0.0f64;
    for w in pts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let (dx, dy) = (f64::from(b.0 - a.0), f64::from(b.1 - a.1));
        let len = dx.hypot(dy);
        if len < 1e-9 {
            continue;
        }
        let p = |t: f64| {
            (
                (f64::from(a.0) + dx * t / len).round() as i32,
                (f64::from(a.1) + dy * t / len).round() as i32,
            )
        };
        // Dashes are laid along the whole polyline's length.
        let mut k = (start / period).floor();
        while k * period < start + len {
            let s0 = (k * period).max(start) - start;
            let s1 = (k * period + on).min(start + len) - start;
            if s1 > s0 {
                area.draw(&PathElement::new(
                    vec![p(s0), p(s1)],
                    color.stroke_width(width),
                ))?;
            }
            k += 1.0;
        }
        start += len;
    }
    Ok(())
}

//! Axes drawn by hand: scales fitted to the data, calendar and log ticks,
//! and the frame of one plot (grid, tick labels, axis titles).
//!
//! Charts place their data with [`Plot::px`] in the pixel space of the
//! panel they draw on, so every chart shares one way of fitting, ticking and
//! labelling, and nothing is left to a library's defaults (fixed 0–100 %
//! axes, overlapping tick labels).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{FontTransform, IntoTextStyle};

use super::DrawResult;
use super::data::{fin, fin2};
use super::style::{
    GRID, INK, MUTED, PANEL_BG, anchored, fit_text, text, text_bold, text_muted, text_width,
};

/// A map from data values to pixels along one axis.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub lo: f64,
    pub hi: f64,
    /// Pixels of `lo` and `hi` (for a y axis `a` is the bottom).
    pub a: f64,
    pub b: f64,
    /// Logarithmic (base 10): `lo`, `hi` and values are > 0.
    pub log: bool,
}

impl Scale {
    pub fn linear(lo: f64, hi: f64, a: f64, b: f64) -> Scale {
        Scale {
            lo,
            hi,
            a,
            b,
            log: false,
        }
    }

    pub fn log(lo: f64, hi: f64, a: f64, b: f64) -> Scale {
        Scale {
            lo,
            hi,
            a,
            b,
            log: true,
        }
    }

    /// Pixel of `v`, clamped to the axis.
    pub fn px(&self, v: f64) -> f64 {
        let t = if self.log {
            let v = v.max(self.lo);
            (v.log10() - self.lo.log10()) / (self.hi.log10() - self.lo.log10())
        } else {
            (v - self.lo) / (self.hi - self.lo)
        };
        let t = if t.is_finite() {
            t.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.a + (self.b - self.a) * t
    }

    pub fn contains(&self, v: f64) -> bool {
        v >= self.lo.min(self.hi) && v <= self.hi.max(self.lo)
    }
}

/// How a fitted axis treats zero.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Zero {
    /// Always on the axis (differences: zero is "no effect").
    Always,
    /// On the axis when the data's minimum is below a third of their
    /// maximum (or the same for negative data); else the axis is fitted
    /// to the data and the plot marks zero as off the axis.
    IfNear,
}

/// A fitted value axis: range, ticks and whether zero lies outside it.
#[derive(Debug, Clone)]
pub struct Fitted {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<f64>,
    pub decimals: usize,
    pub zero_off_axis: bool,
}

impl Fitted {
    pub fn labels(&self, suffix: &str) -> Vec<(f64, String)> {
        let d = self.decimals;
        self.ticks
            .iter()
            .map(|&t| {
                let t = if t.abs() < 1e-12 { 0.0 } else { t };
                let s = format!("{t:.d$}").replacen('-', "\u{2212}", 1);
                (t, format!("{s}{suffix}"))
            })
            .collect()
    }
}

/// A round step (1, 2, 2.5 or 5 × 10^k) giving at most about `n` steps.
pub fn nice_step(span: f64, n: usize) -> f64 {
    let raw = (span / n.max(1) as f64).abs();
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|k| k * mag)
        .find(|s| *s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * mag)
}

fn decimals_for(step: f64) -> usize {
    (0..8)
        .find(|&d| {
            let k = step * 10f64.powi(d as i32);
            (k - k.round()).abs() < 1e-6 * k.abs().max(1.0)
        })
        .unwrap_or(8)
}

/// Fits an axis to `values` (non-finite ones ignored), optionally within
/// `clamp` (e.g. 0–100 for percentages), with about `n` ticks.
pub fn fit(values: &[f64], zero: Zero, clamp: Option<(f64, f64)>, n: usize) -> Fitted {
    let fin: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let (mut lo, mut hi) = fin
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    // Values a rounding error away from zero are zero.
    let tiny = 1e-9 * (hi - lo).abs().max(hi.abs()).max(lo.abs());
    if lo < 0.0 && -lo <= tiny {
        lo = 0.0;
    }
    if hi > 0.0 && hi <= tiny {
        hi = 0.0;
    }
    match zero {
        Zero::Always => {
            lo = lo.min(0.0);
            hi = hi.max(0.0);
        }
        Zero::IfNear => {
            if lo > 0.0 && lo < hi / 3.0 {
                lo = 0.0;
            }
            if hi < 0.0 && hi > lo / 3.0 {
                hi = 0.0;
            }
        }
    }
    if hi - lo <= 1e-12 * lo.abs().max(hi.abs()).max(1e-300) {
        let d = if lo == 0.0 { 1.0 } else { 0.1 * lo.abs() };
        lo -= d;
        hi += d;
        if zero == Zero::Always && lo.abs() < 1e-300 {
            lo = -d;
        }
    }
    let pad = 0.04 * (hi - lo);
    if lo != 0.0 {
        lo -= pad;
    }
    if hi != 0.0 {
        hi += pad;
    }
    if let Some((cl, ch)) = clamp {
        lo = lo.max(cl);
        hi = hi.min(ch);
        if hi <= lo {
            (lo, hi) = (cl, ch);
        }
    }
    let step = nice_step(hi - lo, n);
    // Round outwards to whole steps (a bound on a step stays put).
    let lo = (lo / step + 1e-9).floor() * step;
    let hi = (hi / step - 1e-9).ceil() * step;
    let (lo, hi) = match clamp {
        Some((cl, ch)) => (lo.max(cl), hi.min(ch)),
        None => (lo, hi),
    };
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    let ticks = (first..=last).map(|k| k as f64 * step).collect();
    Fitted {
        lo,
        hi,
        ticks,
        decimals: decimals_for(step),
        zero_off_axis: !(lo <= 0.0 && hi >= 0.0),
    }
}

/// Month index (`year*12 + month-1`) of a `YYYY-MM` period; a `YYYY`
/// period sits in the middle of its year (index of January + 5.5).
pub fn period_x(p: &str) -> Option<f64> {
    let mut it = p.trim().splitn(3, '-');
    let y: i32 = it.next()?.parse().ok()?;
    match it.next() {
        Some(m) => {
            let m: i32 = m.parse().ok()?;
            (1..=12)
                .contains(&m)
                .then(|| f64::from(y * 12 + m - 1) + 0.5)
        }
        None => Some(f64::from(y * 12) + 6.0),
    }
}

/// Where a value of `metric` for period `p` is drawn: a yearly level taken
/// on one day (storage on 1 November or 1 February) at that day, so it
/// lines up with the monthly fan above it; anything else at
/// [`period_x`].
pub fn metric_x(metric: &str, p: &str) -> Option<f64> {
    let month_start = match metric {
        "storage_fill_nov1" => 10.0,
        "storage_fill_feb1" => 1.0,
        _ => return period_x(p),
    };
    if p.trim().len() == 4 {
        marker_x(p).map(|x| x + month_start)
    } else {
        period_x(p)
    }
}

/// Month index of the start of a `YYYY-MM` period or of 1 January `YYYY`.
pub fn marker_x(p: &str) -> Option<f64> {
    period_x(p).map(|x| {
        if p.trim().len() == 4 {
            x - 6.0
        } else {
            x - 0.5
        }
    })
}

/// Ticks of a month-index axis: January of every 1/2/5/10… years for long
/// spans, every 1/2/3/6 months under two years; labels `YYYY` or `YYYY-MM`.
pub fn time_ticks(lo: f64, hi: f64) -> Vec<(f64, String)> {
    let (lo_i, hi_i) = (lo.ceil() as i64, hi.floor() as i64);
    let span = (hi - lo).max(0.0);
    let label = |i: i64, monthly: bool| {
        let (y, m) = (i.div_euclid(12), i.rem_euclid(12) + 1);
        if monthly {
            format!("{y}-{m:02}")
        } else {
            format!("{y}")
        }
    };
    if span >= 24.0 {
        let years = span / 12.0;
        let step = [1i64, 2, 5, 10, 20, 50, 100]
            .into_iter()
            .find(|s| years / (*s as f64) <= 11.0)
            .unwrap_or(100);
        (lo_i..=hi_i)
            .filter(|i| i.rem_euclid(12) == 0 && i.div_euclid(12).rem_euclid(step) == 0)
            .map(|i| (i as f64, label(i, false)))
            .collect()
    } else {
        let step = [1i64, 2, 3, 6]
            .into_iter()
            .find(|s| span / (*s as f64) <= 8.0)
            .unwrap_or(6);
        (lo_i..=hi_i)
            .filter(|i| i.rem_euclid(step) == 0)
            .map(|i| (i as f64, label(i, true)))
            .collect()
    }
}

/// Range of a time axis holding every x in `xs` (month indices), a little
/// wider than the data so end points are not on the frame.
pub fn time_range(xs: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
        (a.min(x), b.max(x))
    });
    if !(lo.is_finite() && hi.is_finite()) {
        return (0.0, 12.0);
    }
    if hi - lo < 6.0 {
        return (lo - 6.0, hi + 6.0);
    }
    (lo - 0.5, hi + 0.5)
}

/// One plot: its pixel rectangle in the panel and its two scales.
#[derive(Debug, Clone, Copy)]
pub struct Plot {
    pub l: i32,
    pub t: i32,
    pub r: i32,
    pub b: i32,
    pub x: Scale,
    pub y: Scale,
}

impl Plot {
    /// The plot inside `(l, t, r, b)` with x over `xr` and y over `yr`.
    pub fn new(rect: (i32, i32, i32, i32), xr: (f64, f64), yr: (f64, f64)) -> Plot {
        let (l, t, r, b) = rect;
        Plot {
            l,
            t,
            r,
            b,
            x: Scale::linear(xr.0, xr.1, f64::from(l), f64::from(r)),
            y: Scale::linear(yr.0, yr.1, f64::from(b), f64::from(t)),
        }
    }

    pub fn px(&self, x: f64, y: f64) -> (i32, i32) {
        (self.x.px(x).round() as i32, self.y.px(y).round() as i32)
    }
}

/// Space an axis needs: y tick labels' width plus the rotated title.
pub fn y_label_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    labels: &[(f64, String)],
) -> i32 {
    let st = text(14);
    let w = labels
        .iter()
        .map(|(_, l)| text_width(area, l, &st))
        .max()
        .unwrap_or(0);
    w + 10 + 24
}

/// What to write on the axes of a plot.
pub struct Axes<'a> {
    pub x_ticks: &'a [(f64, String)],
    pub y_ticks: &'a [(f64, String)],
    pub x_desc: &'a str,
    pub y_desc: &'a str,
    /// Draws a break mark at the bottom of the y axis: zero is not on it.
    pub y_break: bool,
    /// Tick labels on the x axis (off for a panel stacked above another).
    pub x_labels: bool,
}

/// Grid, axis lines, tick labels and titles of `plot` on `area`.
pub fn draw_axes<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plot: &Plot,
    ax: &Axes<'_>,
) -> DrawResult {
    let (l, t, r, b) = (plot.l, plot.t, plot.r, plot.b);
    let grid = GRID.stroke_width(1);
    for (v, _) in ax.y_ticks {
        let y = plot.y.px(*v).round() as i32;
        area.draw(&PathElement::new(vec![(l, y), (r, y)], grid))?;
    }
    for (v, _) in ax.x_ticks {
        let x = plot.x.px(*v).round() as i32;
        area.draw(&PathElement::new(vec![(x, t), (x, b)], grid))?;
    }
    let axis = MUTED.stroke_width(1);
    area.draw(&PathElement::new(vec![(l, t), (l, b), (r, b)], axis))?;
    let st = text(14);
    for (v, label) in ax.y_ticks {
        let y = plot.y.px(*v).round() as i32;
        area.draw(&PathElement::new(vec![(l - 4, y), (l, y)], axis))?;
        area.draw(&Text::new(
            label.clone(),
            (l - 7, y),
            anchored(st.clone(), HPos::Right, VPos::Center),
        ))?;
    }
    if ax.x_labels {
        // Drop every other label until neighbours do not touch.
        let placed: Vec<(i32, &String, i32)> = ax
            .x_ticks
            .iter()
            .map(|(v, s)| (plot.x.px(*v).round() as i32, s, text_width(area, s, &st)))
            .collect();
        let mut every = 1;
        while every < placed.len().max(1) {
            let shown: Vec<_> = placed.iter().step_by(every).collect();
            if shown
                .windows(2)
                .all(|w| w[1].0 - w[0].0 > (w[0].2 + w[1].2) / 2 + 10)
            {
                break;
            }
            every += 1;
        }
        for (x, s, _) in placed.iter().step_by(every) {
            area.draw(&PathElement::new(vec![(*x, b), (*x, b + 4)], axis))?;
            area.draw(&Text::new(
                (*s).clone(),
                (*x, b + 7),
                anchored(st.clone(), HPos::Center, VPos::Top),
            ))?;
        }
    }
    if ax.y_break {
        // Two short slanted strokes across the axis near its foot.
        for dy in [0, 5] {
            area.draw(&PathElement::new(
                vec![(l - 6, b - 8 - dy), (l + 6, b - 12 - dy)],
                INK.stroke_width(2),
            ))?;
        }
    }
    if !ax.x_desc.is_empty() {
        let ds = text_muted(14);
        let desc = fit_text(area, ax.x_desc, &ds, r - l);
        let y = if ax.x_labels { b + 28 } else { b + 8 };
        area.draw(&Text::new(
            desc,
            ((l + r) / 2, y),
            anchored(ds, HPos::Center, VPos::Top),
        ))?;
    }
    if !ax.y_desc.is_empty() {
        let ds = text_muted(14);
        let desc = fit_text(area, ax.y_desc, &ds, b - t);
        let lw = ax
            .y_ticks
            .iter()
            .map(|(_, s)| text_width(area, s, &st))
            .max()
            .unwrap_or(0);
        let x = (l - lw - 14 - 18).max(0);
        let style = ds
            .transform(FontTransform::Rotate270)
            .into_text_style(area)
            .pos(plotters::style::text_anchor::Pos::new(
                HPos::Center,
                VPos::Top,
            ));
        area.draw(&Text::new(desc, (x, (t + b) / 2), style))?;
    }
    Ok(())
}

/// Ranked rows (one country a row): every other row of `n`, each `row_h`
/// high from `top`, shaded from `left` to `right`.
pub fn stripe_rows<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    n: usize,
    (top, row_h): (i32, f64),
    (left, right): (i32, i32),
) -> DrawResult {
    for i in (0..n).step_by(2) {
        let y0 = f64::from(top) + row_h * i as f64;
        area.draw(&Rectangle::new(
            [(left, y0 as i32), (right, (y0 + row_h) as i32)],
            PANEL_BG.filled(),
        ))?;
    }
    Ok(())
}

/// The label of ranked row `i`, centred on `yc`, right-aligned at `right`
/// and cut to `width`: the first row (Europe or the focus) in bold, the
/// others in `style`.
pub fn row_label<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    i: usize,
    label: &str,
    style: &TextStyle<'static>,
    (right, yc): (i32, f64),
    width: i32,
) -> DrawResult {
    let st = if i == 0 { text_bold(14) } else { style.clone() };
    area.draw(&Text::new(
        fit_text(area, label, &st, width),
        (right, yc as i32),
        anchored(st, HPos::Right, VPos::Center),
    ))?;
    Ok(())
}

/// One policy's mark on a ranked row at height `y`: a whisker over `span`
/// and a dot at `dot`, on the x scale `x`, each drawn only where finite.
pub fn whisker_dot<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    x: &Scale,
    y: i32,
    (span, dot): ((f64, f64), f64),
    color: RGBColor,
) -> DrawResult {
    if let Some((a, b)) = fin2(span.0, span.1) {
        area.draw(&PathElement::new(
            vec![(x.px(a) as i32, y), (x.px(b) as i32, y)],
            color.stroke_width(2),
        ))?;
    }
    if let Some(v) = fin(dot) {
        area.draw(&Circle::new((x.px(v) as i32, y), 4, color.filled()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitted_axes_hold_the_data_and_say_where_zero_is() {
        let f = fit(&[15.2, 44.8], Zero::IfNear, Some((0.0, 100.0)), 6);
        assert!(
            f.lo <= 15.2 && f.hi >= 44.8 && f.lo > 0.0 && f.hi < 60.0,
            "{f:?}"
        );
        assert!(f.zero_off_axis);
        let f = fit(&[3.0, 40.0], Zero::IfNear, None, 6);
        assert_eq!(f.lo, 0.0);
        assert!(!f.zero_off_axis);
        let f = fit(&[0.2, 0.4], Zero::Always, None, 5);
        assert_eq!(f.lo, 0.0);
        assert!(f.hi >= 0.4 && f.hi <= 0.5, "{f:?}");
        let f = fit(&[0.0, 0.0], Zero::Always, None, 5);
        assert!(f.lo < 0.0 && f.hi > 0.0);
        let f = fit(&[], Zero::IfNear, None, 5);
        assert!(f.hi > f.lo);
        assert_eq!(nice_step(10.0, 4), 2.5);
        assert_eq!(decimals_for(0.25), 2);
        assert_eq!(decimals_for(5.0), 0);
    }

    #[test]
    fn periods_and_ticks() {
        assert_eq!(period_x("2015-03"), Some(2015.0 * 12.0 + 2.5));
        assert_eq!(period_x("2015"), Some(2015.0 * 12.0 + 6.0));
        assert_eq!(period_x("2015-13"), None);
        assert_eq!(period_x("any"), None);
        assert_eq!(
            metric_x("storage_fill_nov1", "2022"),
            Some(2022.0 * 12.0 + 10.0)
        );
        assert_eq!(
            metric_x("storage_fill_feb1", "2023"),
            Some(2023.0 * 12.0 + 1.0)
        );
        assert_eq!(metric_x("curtailment", "2022"), period_x("2022"));
        assert_eq!(
            metric_x("storage_fill_nov1", "2022-11"),
            period_x("2022-11")
        );
        let t = time_ticks(2010.0 * 12.0, 2030.0 * 12.0 + 11.0);
        assert_eq!(t[0].1, "2010");
        assert!(t.len() <= 12 && t.len() >= 5);
        let t = time_ticks(2022.0 * 12.0, 2022.0 * 12.0 + 11.0);
        assert_eq!(t[1].1, "2022-03");
        let s = Scale::log(1e-3, 1.0, 0.0, 300.0);
        assert!((s.px(1e-2) - 100.0).abs() < 1e-9);
        assert_eq!(s.px(0.0), 0.0);
    }
}

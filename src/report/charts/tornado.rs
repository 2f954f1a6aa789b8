//! The tornado chart of `gasdep sensitivity`: for one output, a bar per
//! uncertain input, the input that matters most on top.
//!
//! With Sobol indices (left panel, or the whole chart): the total index
//! as a light bar, the first-order index as a dark bar inside it, each
//! with its 95 % bootstrap interval as a whisker; the share of variance is
//! on the axis. With Morris statistics (right panel, or the whole chart):
//! μ* as a bar with its 95 % interval, σ as a ring. Inputs are ordered by
//! the total index (else μ*). Drawn from a [`Report`] only.

use super::style::{
    INK, MUTED, PANEL_BG, clip, fit_text, fmt_num, frame, policy_color, text, text_muted,
};
use super::{DrawError, DrawResult, HEIGHT, ReportError, WIDTH, write_atomic};
use crate::report::font;
use crate::report::sensitivity::{OutputResult, Report};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// File stem of the chart of output `name`: `tornado_` and the name with
/// every character that is not a letter, digit, `-` or `_` as `_`.
pub fn stem(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("tornado_{clean}")
}

/// One bar row: label, then (value, low, high) of the light and dark bars,
/// and the ring's value.
type Row = (String, [f64; 3], Option<[f64; 3]>, Option<f64>);

struct Bars {
    title: String,
    axis: String,
    rows: Vec<Row>,
}

fn order(o: &OutputResult, k: usize) -> Vec<usize> {
    let key = |i: usize| -> f64 {
        if let Some(s) = o.sobol.as_ref().and_then(|s| s.indices.as_ref()) {
            return s[i].total.value;
        }
        o.morris
            .as_ref()
            .map_or(0.0, |m| m.indices[i].mu_star.value)
    };
    let mut v: Vec<usize> = (0..k).collect();
    v.sort_by(|&a, &b| key(b).total_cmp(&key(a)).then(a.cmp(&b)));
    v
}

fn panels(r: &Report, o: &OutputResult) -> Vec<Bars> {
    let k = r.inputs.len();
    let ord = order(o, k);
    let label = |i: usize| r.inputs[i].label.clone();
    let mut out = Vec::new();
    if let Some(s) = o.sobol.as_ref().and_then(|s| s.indices.as_ref()) {
        out.push(Bars {
            title: "Sobol indices: share of the output's variance".into(),
            axis: "total (light) and first-order (dark) index, 95 % bootstrap interval".into(),
            rows: ord
                .iter()
                .map(|&i| {
                    let (t, f) = (s[i].total, s[i].first);
                    (
                        label(i),
                        [t.value, t.ci_low, t.ci_high],
                        Some([f.value, f.ci_low, f.ci_high]),
                        None,
                    )
                })
                .collect(),
        });
    }
    if let Some(m) = &o.morris {
        out.push(Bars {
            title: "Morris elementary effects".into(),
            axis: format!(
                "μ* (bar, 95 % interval) and σ (ring), {} per grid step",
                o.unit
            ),
            rows: ord
                .iter()
                .map(|&i| {
                    let x = m.indices[i];
                    let e = x.mu_star;
                    (
                        label(i),
                        [e.value, e.ci_low, e.ci_high],
                        None,
                        Some(x.sigma),
                    )
                })
                .collect(),
        });
    }
    out
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    p: &Bars,
    color: RGBColor,
) -> DrawResult {
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    area.draw(&Text::new(p.title.clone(), (4, 0), text(18)))?;
    let label_w = (w / 3).min(300);
    let (top, bottom) = (34, h - 44);
    let n = p.rows.len().max(1) as i32;
    let row_h = ((bottom - top) / n).max(6);
    let finite = |x: f64| if x.is_finite() { x } else { 0.0 };
    let hi = p
        .rows
        .iter()
        .flat_map(|r| {
            [r.1[0], r.1[2]]
                .into_iter()
                .chain(r.2.map(|d| d[2]))
                .chain(r.3)
        })
        .map(finite)
        .fold(0.0f64, f64::max);
    let lo = p
        .rows
        .iter()
        .flat_map(|r| [r.1[0], r.1[1]].into_iter().chain(r.2.map(|d| d[1])))
        .map(finite)
        .fold(0.0f64, f64::min);
    let span = if hi - lo > 0.0 { hi - lo } else { 1.0 };
    let (x0, x1) = (label_w + 8, w - 12);
    let x = |v: f64| x0 + ((finite(v) - lo) / span * f64::from(x1 - x0)).round() as i32;
    area.draw(&Rectangle::new(
        [(x0, top), (x1, bottom)],
        PANEL_BG.filled(),
    ))?;
    // Axis: zero line and ticks at the ends.
    area.draw(&PathElement::new(
        vec![(x(0.0), top), (x(0.0), bottom)],
        INK.stroke_width(1),
    ))?;
    for v in [lo, 0.0, hi] {
        if v == 0.0 && (lo == 0.0 || hi == 0.0) && v != lo {
            continue;
        }
        area.draw(&Text::new(
            fmt_num(v),
            (x(v) - 10, bottom + 6),
            text_muted(13),
        ))?;
    }
    area.draw(&Text::new(
        fit_text(area, &p.axis, &text_muted(13), w - 8),
        (x0.min(w / 4), bottom + 24),
        text_muted(13),
    ))?;
    let light = color.mix(0.35);
    for (j, (name, total, inner, ring)) in p.rows.iter().enumerate() {
        let y = top + j as i32 * row_h;
        let (ya, yb) = (y + row_h / 6, y + row_h - row_h / 6);
        let ym = (ya + yb) / 2;
        let l = fit_text(area, &clip(name, 60), &text(14), label_w - 4);
        area.draw(&Text::new(l, (4, ym - 8), text(14)))?;
        let bar_style = if inner.is_some() {
            light.filled()
        } else {
            color.filled()
        };
        area.draw(&Rectangle::new(
            [(x(0.0), ya), (x(total[0]), yb)],
            bar_style,
        ))?;
        if let Some(d) = inner {
            let q = (yb - ya) / 4;
            area.draw(&Rectangle::new(
                [(x(0.0), ya + q), (x(d[0]), yb - q)],
                color.filled(),
            ))?;
            whisker(area, x(d[1]), x(d[2]), ym + q / 2, INK)?;
        }
        whisker(area, x(total[1]), x(total[2]), ym - 2, MUTED)?;
        if let Some(s) = ring {
            area.draw(&Circle::new((x(*s), ym), 5, INK.stroke_width(2)))?;
        }
    }
    Ok(())
}

fn whisker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    a: i32,
    b: i32,
    y: i32,
    c: RGBColor,
) -> DrawResult {
    if a == b {
        return Ok(());
    }
    area.draw(&PathElement::new(vec![(a, y), (b, y)], c.stroke_width(2)))?;
    for e in [a, b] {
        area.draw(&PathElement::new(
            vec![(e, y - 4), (e, y + 4)],
            c.stroke_width(2),
        ))?;
    }
    Ok(())
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    r: &Report,
    o: &OutputResult,
) -> DrawResult {
    root.fill(&WHITE)?;
    let caption = format!(
        "{} — {} uncertain inputs, {} trials per design point (the same trials at every point), seed {}",
        r.scenario,
        r.inputs.len(),
        r.trials_per_point,
        r.seed
    );
    let note = "Inputs ordered by total Sobol index (else Morris μ*). Storage is valued once on the written inputs.";
    let area = frame(
        root,
        &format!("What drives {} ({})", o.output, o.unit),
        &caption,
        note,
    )?;
    let ps = panels(r, o);
    if ps.is_empty() {
        return Ok(());
    }
    if o.sobol.as_ref().is_some_and(|s| s.indices.is_none()) && o.morris.is_none() {
        area.draw(&Text::new(
            "No data: the output does not vary over the design".to_string(),
            (20, 40),
            text(18),
        ))?;
        return Ok(());
    }
    let cols = area.split_evenly((1, ps.len()));
    for (i, (p, a)) in ps.iter().zip(cols.iter()).enumerate() {
        draw_panel(&a.margin(4, 0, 4, 8), p, policy_color(i))?;
    }
    Ok(())
}

/// Write the tornado chart of every output of `r` into `dir` (PNG and/or
/// SVG); returns the files written.
pub fn write(r: &Report, dir: &Path, png: bool, svg: bool) -> Result<Vec<PathBuf>, ReportError> {
    font::ensure_registered().map_err(ReportError::Font)?;
    let mut files = Vec::new();
    for o in &r.outputs {
        let id = stem(&o.output);
        let err = |e: DrawError| ReportError::Draw {
            chart: id.clone(),
            message: e.0,
        };
        if png {
            let path = dir.join(format!("{id}.png"));
            let tmp = super::tmp_path(&path, ".png");
            let drawn = (|| -> DrawResult {
                let root = BitMapBackend::new(&tmp, (WIDTH, HEIGHT)).into_drawing_area();
                draw(&root, r, o)?;
                root.present()?;
                Ok(())
            })();
            let placed = drawn.map_err(err).and_then(|()| {
                std::fs::rename(&tmp, &path).map_err(|source| ReportError::Io {
                    path: path.clone(),
                    source,
                })
            });
            if let Err(e) = placed {
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
            files.push(path);
        }
        if svg {
            let path = dir.join(format!("{id}.svg"));
            let mut s = String::new();
            {
                let root = SVGBackend::with_string(&mut s, (WIDTH, HEIGHT)).into_drawing_area();
                draw(&root, r, o).map_err(err)?;
                root.present().map_err(|e| err(e.into()))?;
            }
            write_atomic(&path, s.as_bytes())?;
            files.push(path);
        }
    }
    Ok(files)
}

//! The look shared by every chart: palette, text styles, number formats and
//! the frame (title, caption, legend strip, footnote) around a plot.
//!
//! Text sizes are even whole pixels: plotters places each glyph at
//! `size / 2 + top of glyph` truncated to an integer, so with an odd or
//! fractional size small glyphs (the decimal point) land a pixel higher than
//! digits and "0.1" reads "0·1".

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{DrawResult, HEIGHT, WIDTH};
use crate::report::font::FAMILY;

/// Fixed palette (Tableau 10, reordered so neighbours contrast): index i is
/// policy i of the scenario; beyond 10 the palette repeats darkened.
const PALETTE: [(u8, u8, u8); 10] = [
    (31, 119, 180),  // blue
    (255, 127, 14),  // orange
    (44, 160, 44),   // green
    (214, 39, 40),   // red
    (148, 103, 189), // purple
    (140, 86, 75),   // brown
    (227, 119, 194), // pink
    (127, 127, 127), // grey
    (188, 189, 34),  // olive
    (23, 190, 207),  // cyan
];

/// Colour of the policy at `index` in `summary.scenario.policies`.
pub fn policy_color(index: usize) -> RGBColor {
    let (r, g, b) = PALETTE[index % PALETTE.len()];
    // Later cycles are darker so that policy 0 and policy 10 still differ.
    let k = 1.0 / (1.0 + 0.35 * (index / PALETTE.len()) as f64);
    RGBColor(
        (f64::from(r) * k) as u8,
        (f64::from(g) * k) as u8,
        (f64::from(b) * k) as u8,
    )
}

/// Hex form `#rrggbb` of a policy colour (for HTML swatches).
pub fn policy_color_hex(index: usize) -> String {
    let RGBColor(r, g, b) = policy_color(index);
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Colour of a dependency share in [0, 1]: green → amber → red.
pub fn share_color(share: f64) -> RGBColor {
    let t = if share.is_finite() {
        share.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (a, b, u) = if t < 0.5 {
        ((26.0, 150.0, 65.0), (253.0, 174.0, 97.0), t / 0.5)
    } else {
        ((253.0, 174.0, 97.0), (215.0, 25.0, 28.0), (t - 0.5) / 0.5)
    };
    let mix = |x: f64, y: f64| (x + (y - x) * u).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

pub const INK: RGBColor = RGBColor(33, 37, 41);
pub const MUTED: RGBColor = RGBColor(100, 106, 115);
pub const GRID: RGBColor = RGBColor(225, 228, 232);
pub const PANEL_BG: RGBColor = RGBColor(246, 248, 250);

/// Top of the plotting region (below title and caption).
pub const FRAME_TOP: i32 = 92;
/// Height of the legend strip and footnote under the plot.
pub const FRAME_BOTTOM: i32 = 78;
pub const FRAME_LEFT: i32 = 18;
pub const FRAME_RIGHT: i32 = 28;

fn even(size: u32) -> f64 {
    f64::from(size + size % 2)
}

pub fn text(size: u32) -> TextStyle<'static> {
    TextStyle::from((FAMILY, even(size)).into_font()).color(&INK)
}

pub fn text_bold(size: u32) -> TextStyle<'static> {
    TextStyle::from((FAMILY, even(size), FontStyle::Bold).into_font()).color(&INK)
}

pub fn text_muted(size: u32) -> TextStyle<'static> {
    TextStyle::from((FAMILY, even(size)).into_font()).color(&MUTED)
}

pub fn anchored(style: TextStyle<'static>, h: HPos, v: VPos) -> TextStyle<'static> {
    style.pos(Pos::new(h, v))
}

pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Shortens `s` to at most `max` characters with an ellipsis.
pub fn clip(s: &str, max: usize) -> String {
    let s = one_line(s);
    if s.chars().count() <= max {
        s
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Width of `s` in `style`, pixels (0 if the font cannot measure it).
pub fn text_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    style: &TextStyle<'_>,
) -> i32 {
    area.estimate_text_size(s, style)
        .map(|(w, _)| w as i32)
        .unwrap_or(0)
}

/// Shortens `s` with an ellipsis until it is at most `max_px` wide.
pub fn fit_text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    style: &TextStyle<'_>,
    max_px: i32,
) -> String {
    let s = one_line(s);
    if text_width(area, &s, style) <= max_px {
        return s;
    }
    let chars: Vec<char> = s.chars().collect();
    let (mut lo, mut hi) = (0usize, chars.len());
    // Longest prefix that fits with the ellipsis.
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let t: String = chars[..mid].iter().collect::<String>() + "…";
        if text_width(area, &t, style) <= max_px {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    chars[..lo]
        .iter()
        .collect::<String>()
        .trim_end()
        .to_string()
        + "…"
}

pub fn group_thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A number with decimals chosen from its magnitude: 123, 12.3, 0.123.
pub fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".into();
    }
    let a = v.abs();
    let d = if a >= 100.0 {
        0
    } else if a >= 0.1 || a == 0.0 {
        1
    } else if a >= 0.001 {
        3
    } else {
        return format!("{v:.1e}");
    };
    format!("{v:.d$}")
}

/// Decimals [`fmt_num`] gives a number of magnitude `a` (3 below 0.1).
pub fn decimals_for(a: f64) -> usize {
    let a = a.abs();
    if a >= 100.0 {
        0
    } else if a >= 0.1 || a == 0.0 {
        1
    } else {
        3
    }
}

/// Decimals that resolve an interval of half-width `hw` (two significant
/// digits of it), else those of the magnitude `a`.
pub fn decimals_for_interval(hw: f64, a: f64) -> usize {
    if hw.is_finite() && hw > 0.0 {
        ((-hw.log10()).ceil().max(0.0) as usize).min(4)
    } else {
        decimals_for(a)
    }
}

/// Signed, with `d` decimals and a typographic minus.
pub fn fmt_signed_fixed(v: f64, d: usize) -> String {
    if !v.is_finite() {
        return "n/a".into();
    }
    let s = format!("{v:.d$}");
    if s.trim_start_matches(['-', '0', '.']).is_empty() {
        return format!("{:.d$}", 0.0);
    }
    if v > 0.0 {
        format!("+{s}")
    } else {
        s.replacen('-', "\u{2212}", 1)
    }
}

/// Signed number with a typographic minus (DejaVu has U+2212).
pub fn fmt_signed(v: f64) -> String {
    let s = fmt_num(v);
    if v > 0.0 {
        format!("+{s}")
    } else {
        s.replacen('-', "\u{2212}", 1)
    }
}

/// Title, caption and footnote; returns the area left for the plot (the
/// legend strip and footnote live in the bottom margin).
pub fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    caption: &str,
    note: &str,
) -> Result<DrawingArea<DB, Shift>, super::DrawError> {
    let max = WIDTH as i32 - 2 * FRAME_LEFT;
    let t = text_bold(26);
    root.draw(&Text::new(
        fit_text(root, title, &t, max),
        (FRAME_LEFT + 6, 16),
        t,
    ))?;
    let c = text_muted(16);
    root.draw(&Text::new(
        fit_text(root, caption, &c, max),
        (FRAME_LEFT + 6, 54),
        c,
    ))?;
    let n = text_muted(12);
    root.draw(&Text::new(
        fit_text(root, note, &n, max),
        (FRAME_LEFT + 6, HEIGHT as i32 - 24),
        n,
    ))?;
    Ok(root.margin(FRAME_TOP, FRAME_BOTTOM, FRAME_LEFT, FRAME_RIGHT))
}

#[derive(Clone, Copy)]
pub enum Swatch {
    Line(RGBColor),
    Dashed(RGBColor),
    Band(RGBColor, f64),
    Dot(RGBColor),
    Ring(RGBColor),
}

/// The legend in the bottom strip, below the plot, so it never covers
/// data: one row, or two when the items do not fit on one. Items that fit
/// on neither are summarised as "+N more".
pub fn legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    items: &[(String, Swatch)],
) -> DrawResult {
    let font = text(14);
    let max_x = WIDTH as i32 - FRAME_RIGHT;
    let start_x = FRAME_LEFT + 8;
    let labelled: Vec<(String, Swatch, i32)> = items
        .iter()
        .map(|(label, sw)| {
            let label = fit_text(root, label, &font, 420);
            let w = text_width(root, &label, &font);
            (label, *sw, w)
        })
        .collect();
    let more_w = text_width(root, "+99 more", &font);
    let mut places = Vec::new();
    let (mut row, mut x) = (0, start_x);
    for (_, _, w) in &labelled {
        if x + 32 + w > max_x && x > start_x {
            row += 1;
            x = start_x;
        }
        if row > 1 {
            break;
        }
        places.push((row, x));
        x += 32 + w + 24;
    }
    if places.len() < labelled.len() {
        // Make room on the last row for the "+N more" note.
        while let Some(&(_, x)) = places.last() {
            let w = labelled[places.len() - 1].2;
            if x + 32 + w + 24 + more_w > max_x {
                places.pop();
            } else {
                break;
            }
        }
    }
    let two_rows = places.iter().any(|&(r, _)| r == 1);
    let rows_y: [i32; 2] = if two_rows {
        [HEIGHT as i32 - 68, HEIGHT as i32 - 46]
    } else {
        [HEIGHT as i32 - 56; 2]
    };
    for (i, ((label, sw, w), &(r, x))) in labelled.iter().zip(&places).enumerate() {
        let y = rows_y[r];
        swatch(root, *sw, x, y)?;
        root.draw(&Text::new(label.clone(), (x + 32, y - 8), font.clone()))?;
        if i + 1 == places.len() && places.len() < labelled.len() {
            let more = format!("+{} more", labelled.len() - places.len());
            root.draw(&Text::new(more, (x + 32 + w + 24, y - 8), font.clone()))?;
        }
    }
    Ok(())
}

/// Draws a legend swatch 26 px wide centred on row `y`.
pub fn swatch<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    sw: Swatch,
    x: i32,
    y: i32,
) -> DrawResult {
    match sw {
        Swatch::Line(c) => root.draw(&PathElement::new(
            vec![(x, y), (x + 26, y)],
            c.stroke_width(3),
        ))?,
        Swatch::Dashed(c) => {
            for k in 0..3 {
                let x0 = x + k * 10;
                root.draw(&PathElement::new(
                    vec![(x0, y), (x0 + 6, y)],
                    c.stroke_width(2),
                ))?;
            }
        }
        Swatch::Band(c, a) => root.draw(&Rectangle::new(
            [(x, y - 7), (x + 26, y + 7)],
            c.mix(a).filled(),
        ))?,
        Swatch::Dot(c) => root.draw(&Circle::new((x + 13, y), 6, c.filled()))?,
        Swatch::Ring(c) => root.draw(&Circle::new((x + 13, y), 5, c.stroke_width(2)))?,
    }
    Ok(())
}

/// A chart that has nothing to show says so, in the same frame.
pub fn no_data<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    caption: &str,
    why: &str,
) -> DrawResult {
    let area = frame(root, title, caption, "")?;
    let (w, h) = area.dim_in_pixel();
    area.draw(&Rectangle::new(
        [(0, 0), (w as i32 - 1, h as i32 - 1)],
        GRID.stroke_width(2),
    ))?;
    area.draw(&Text::new(
        "No data",
        (w as i32 / 2, h as i32 / 2 - 22),
        anchored(text_bold(30).color(&MUTED), HPos::Center, VPos::Center),
    ))?;
    let st = text_muted(16);
    area.draw(&Text::new(
        fit_text(&area, why, &st, w as i32 - 40),
        (w as i32 / 2, h as i32 / 2 + 18),
        anchored(st, HPos::Center, VPos::Center),
    ))?;
    Ok(())
}

/// A panel that has nothing to show says why, centred in `rect`.
pub fn panel_message<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rect: (i32, i32, i32, i32),
    msg: &str,
) -> DrawResult {
    let (l, t, r, b) = rect;
    let st = text_muted(14);
    area.draw(&Text::new(
        fit_text(area, msg, &st, r - l - 16),
        ((l + r) / 2, (t + b) / 2),
        anchored(st, HPos::Center, VPos::Center),
    ))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_text() {
        assert_eq!(fmt_num(0.0), "0.0");
        assert_eq!(fmt_num(12.345), "12.3");
        assert_eq!(fmt_num(0.0123), "0.012");
        assert_eq!(fmt_num(123.4), "123");
        assert_eq!(fmt_signed(-1.5), "\u{2212}1.5");
        assert_eq!(fmt_signed(2.0), "+2.0");
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(group_thousands(1234567), "1,234,567");
        assert_eq!(even(11), 12.0);
        assert_eq!(even(14), 14.0);
    }
}

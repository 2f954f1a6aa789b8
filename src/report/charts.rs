//! Charts of a run: the product's face, drawn from a [`Summary`] only.
//!
//! Role: turn the statistics of a finished run into six fixed-size charts
//! (PNG and/or SVG, [`WIDTH`]×[`HEIGHT`] pixels) that users compare across
//! policies and across runs, plus the overlay chart of `gasdep compare`.
//!
//! Inputs: a [`Summary`] (or several, for [`write_comparison_charts`]), an
//! output directory and the formats wanted. Outputs: one file per chart and
//! format, named `<chart id>.png` / `.svg` (ids in [`chart_ids`]).
//!
//! Invariants that make charts comparable:
//! - a policy has the same colour in every chart: its index in
//!   `summary.scenario.policies` picks from a fixed palette ([`policy_color`]);
//! - shares are drawn in percent on a fixed 0–100 % axis in the fan and
//!   by-country charts, so charts from different runs line up;
//! - text comes from the embedded DejaVu font ([`super::font`]), so charts
//!   look the same on every machine.
//!
//! Missing, empty or non-finite data never panic: the chart says "No data"
//! and why. Files are written atomically (temporary file + rename).

use rayon::prelude::*;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::font::{self, FAMILY};
use crate::stats::summary::{PairedDifference, REGION, Series, Stat, Summary};

/// Width of every chart, pixels.
pub const WIDTH: u32 = 1200;
/// Height of every chart, pixels.
pub const HEIGHT: u32 = 700;

/// Ids of the per-run charts, in report order; also their file stems.
const CHART_IDS: [&str; 6] = [
    "dependency_fan",
    "policy_comparison",
    "dependency_by_country",
    "storage_fill_fan",
    "curtailment_exceedance",
    "flow_map",
];

/// File stem of the overlay chart written by [`write_comparison_charts`].
pub const COMPARISON_CHART_ID: &str = "comparison_fan";

/// The chart ids [`write_charts`] writes, in report order.
pub fn chart_ids() -> &'static [&'static str] {
    &CHART_IDS
}

/// Which image formats to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Formats {
    Png,
    Svg,
    Both,
}

impl Formats {
    fn png(self) -> bool {
        matches!(self, Formats::Png | Formats::Both)
    }
    fn svg(self) -> bool {
        matches!(self, Formats::Svg | Formats::Both)
    }
}

/// Choices a user can make about the charts; `Default` gives the documented
/// defaults (last year, last flow period, both formats).
#[derive(Debug, Clone)]
pub struct ChartOptions {
    pub formats: Formats,
    /// Year (`YYYY`) of `dependency_by_country`; default the last year.
    pub year: Option<String>,
    /// Period (`YYYY`) of `flow_map`; default the last period with flows.
    pub flow_period: Option<String>,
}

impl Default for ChartOptions {
    fn default() -> Self {
        ChartOptions {
            formats: Formats::Both,
            year: None,
            flow_period: None,
        }
    }
}

/// Errors of the chart and report writers.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot draw chart '{chart}': {message}")]
    Draw { chart: String, message: String },
    #[error("cannot load the embedded chart font: {0}")]
    Font(String),
}

/// A drawing failure inside one chart, before we know the file name.
#[derive(Debug)]
struct DrawError(String);

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for DrawError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        DrawError(e.to_string())
    }
}

type DrawResult = Result<(), DrawError>;

/// Writes every chart of [`chart_ids`] to `dir` with default options.
/// Returns the files written, in chart order (PNG before SVG).
pub fn write_charts(
    summary: &Summary,
    dir: &Path,
    formats: Formats,
) -> Result<Vec<PathBuf>, ReportError> {
    let opts = ChartOptions {
        formats,
        ..ChartOptions::default()
    };
    write_charts_with(summary, dir, &opts)
}

/// [`write_charts`] with a chosen year and flow period.
pub fn write_charts_with(
    summary: &Summary,
    dir: &Path,
    opts: &ChartOptions,
) -> Result<Vec<PathBuf>, ReportError> {
    font::ensure_registered().map_err(ReportError::Font)?;
    let ctx = Ctx::new(summary);
    // One chart per task; collecting keeps CHART_IDS order.
    let per_chart = CHART_IDS
        .par_iter()
        .map(|&id| {
            let job = Job::Run {
                ctx: &ctx,
                id,
                opts,
            };
            render(&job, id, dir, opts.formats)
        })
        .collect::<Result<Vec<_>, ReportError>>()?;
    Ok(per_chart.into_iter().flatten().collect())
}

/// Writes the overlay chart of several runs ([`COMPARISON_CHART_ID`]): the
/// region's traced dependency share of each run's *baseline* policy, median
/// line and 25–75 % band, one colour per run (run order = palette order).
/// Only baselines are overlaid because policies differ between scenarios and
/// several runs × several policies would be unreadable; the comparison report
/// tabulates every policy.
pub fn write_comparison_charts(
    runs: &[Summary],
    dir: &Path,
    formats: Formats,
) -> Result<Vec<PathBuf>, ReportError> {
    font::ensure_registered().map_err(ReportError::Font)?;
    let job = Job::Compare { runs };
    render(&job, COMPARISON_CHART_ID, dir, formats)
}

/// Pixel rectangle `(left, top, right, bottom)` of the plotting area of the
/// single-panel time charts (`dependency_fan`, `storage_fill_fan`) and of
/// the comparison fan: where 0 % (bottom) and 100 % (top) and the first and
/// last month (left, right) fall. Used by tests and for image maps.
pub fn fan_plot_rect() -> (i32, i32, i32, i32) {
    (
        FRAME_LEFT + FAN_Y_LABEL,
        FRAME_TOP,
        WIDTH as i32 - FRAME_RIGHT,
        HEIGHT as i32 - FRAME_BOTTOM - FAN_X_LABEL,
    )
}

/// Writes `bytes` to `path` atomically: a temporary file in the same
/// directory (`NAME.tmp-<pid>`), then a rename, so a reader never sees a
/// half-written file under the final name.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let tmp = tmp_path(path, "");
    let io = |source| ReportError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Err(e) = std::fs::write(&tmp, bytes) {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(e));
    }
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io(e)
    })
}

/// `dir/NAME.tmp-<pid><suffix>`; the bitmap encoder picks its format from
/// the extension, hence the optional suffix (`.png`).
fn tmp_path(path: &Path, suffix: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    path.with_file_name(format!("{name}.tmp-{}{suffix}", std::process::id()))
}

// ---------------------------------------------------------------------------
// Rendering driver: one drawing function, two backends.

enum Job<'a> {
    Run {
        ctx: &'a Ctx<'a>,
        id: &'static str,
        opts: &'a ChartOptions,
    },
    Compare {
        runs: &'a [Summary],
    },
}

impl Job<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        root.fill(&WHITE)?;
        match self {
            Job::Run { ctx, id, opts } => match *id {
                "dependency_fan" => draw_fan(root, ctx, FanKind::Dependency),
                "storage_fill_fan" => draw_fan(root, ctx, FanKind::Storage),
                "policy_comparison" => draw_policy_comparison(root, ctx),
                "dependency_by_country" => draw_by_country(root, ctx, opts.year.as_deref()),
                "curtailment_exceedance" => draw_exceedance(root, ctx),
                "flow_map" => draw_flow_map(root, ctx, opts.flow_period.as_deref()),
                other => Err(DrawError(format!("unknown chart id {other}"))),
            },
            Job::Compare { runs } => draw_comparison_fan(root, runs),
        }
    }
}

fn render(
    job: &Job<'_>,
    id: &str,
    dir: &Path,
    formats: Formats,
) -> Result<Vec<PathBuf>, ReportError> {
    let draw_err = |e: DrawError| ReportError::Draw {
        chart: id.to_string(),
        message: e.0,
    };
    let mut out = Vec::new();
    if formats.png() {
        let path = dir.join(format!("{id}.png"));
        let tmp = tmp_path(&path, ".png");
        let drawn = (|| -> DrawResult {
            let root = BitMapBackend::new(&tmp, (WIDTH, HEIGHT)).into_drawing_area();
            job.draw(&root)?;
            root.present()?;
            Ok(())
        })();
        if let Err(e) = drawn {
            let _ = std::fs::remove_file(&tmp);
            return Err(draw_err(e));
        }
        std::fs::rename(&tmp, &path).map_err(|source| {
            let _ = std::fs::remove_file(&tmp);
            ReportError::Io {
                path: path.clone(),
                source,
            }
        })?;
        out.push(path);
    }
    if formats.svg() {
        let path = dir.join(format!("{id}.svg"));
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
            job.draw(&root).map_err(draw_err)?;
            root.present().map_err(|e| draw_err(e.into()))?;
        }
        write_atomic(&path, svg.as_bytes())?;
        out.push(path);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Data access.

/// A summary plus the derived lookups every chart needs.
struct Ctx<'a> {
    s: &'a Summary,
    /// (id, label, colour) in scenario order, then policies only seen in
    /// series, in order of appearance.
    policies: Vec<(String, String, RGBColor)>,
    caption: String,
}

impl<'a> Ctx<'a> {
    fn new(s: &'a Summary) -> Self {
        let mut policies: Vec<(String, String, RGBColor)> = s
            .scenario
            .policies
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let label = if p.label.trim().is_empty() {
                    p.id.clone()
                } else {
                    p.label.clone()
                };
                (p.id.clone(), label, policy_color(i))
            })
            .collect();
        for ser in &s.series {
            if !policies.iter().any(|p| p.0 == ser.policy) {
                let i = policies.len();
                policies.push((ser.policy.clone(), ser.policy.clone(), policy_color(i)));
            }
        }
        Ctx {
            s,
            policies,
            caption: run_caption(s),
        }
    }

    fn series(&self, policy: &str, node: &str, metric: &str, res: &str) -> Option<&'a Series> {
        find_series(self.s, policy, node, metric, res)
    }

    fn baseline(&self) -> &str {
        &self.s.scenario.baseline
    }

    fn label(&self, policy: &str) -> String {
        self.policies
            .iter()
            .find(|p| p.0 == policy)
            .map(|p| p.1.clone())
            .unwrap_or_else(|| policy.to_string())
    }
}

/// The one-line caption under every title: scenario, trials, seed.
fn run_caption(s: &Summary) -> String {
    let shard = match s.run.shard {
        Some((k, n)) => format!(" · shard {k}/{n}"),
        None => String::new(),
    };
    format!(
        "Scenario: {} · {} trials · seed {}{} · gasdep {}",
        one_line(&s.scenario.name),
        group_thousands(s.run.trials),
        s.run.seed,
        shard,
        one_line(&s.gasdep_version)
    )
}

/// Finds the series of (policy, node, metric, resolution).
pub fn find_series<'a>(
    s: &'a Summary,
    policy: &str,
    node: &str,
    metric: &str,
    res: &str,
) -> Option<&'a Series> {
    s.series
        .iter()
        .find(|x| x.policy == policy && x.node == node && x.metric == metric && x.resolution == res)
}

/// Factor from a series' unit to the unit drawn: shares become percent,
/// money becomes EUR bn; anything else is drawn as stored.
pub fn display_factor(metric: &str, unit: &str) -> (f64, String) {
    let u = unit.trim().to_ascii_lowercase();
    if u == "share" || u == "fraction" {
        return (100.0, "%".into());
    }
    if u == "%" {
        return (1.0, "%".into());
    }
    if metric == "cost" || u.contains("eur") {
        let f = if u.contains("bn") || u.contains("billion") {
            1.0
        } else if u.contains("eur m") || u.contains("meur") || u.contains("million") {
            1e-3
        } else if u.contains("eur k") || u.contains("keur") {
            1e-6
        } else {
            1e-9
        };
        return (f, "EUR bn".into());
    }
    (1.0, unit.to_string())
}

/// Month index (`year*12 + month-1`) of a `YYYY-MM` period, or of January
/// of a `YYYY` period.
fn month_index(p: &str) -> Option<f64> {
    let mut it = p.trim().splitn(3, '-');
    let y: i32 = it.next()?.parse().ok()?;
    let m: i32 = match it.next() {
        Some(m) => m.parse().ok()?,
        None => 1,
    };
    if !(1..=12).contains(&m) {
        return None;
    }
    Some(f64::from(y * 12 + m - 1))
}

fn month_label(x: f64, with_month: bool) -> String {
    let i = x.round() as i64;
    let y = i.div_euclid(12);
    let m = i.rem_euclid(12) + 1;
    if with_month {
        format!("{y}-{m:02}")
    } else {
        format!("{y}")
    }
}

/// Tick positions on a month-index axis: January of every 1/2/5/10… years
/// for long spans, every 1/2/3/6 months for spans under two years.
fn time_ticks(lo: f64, hi: f64) -> (Vec<f64>, bool) {
    let (lo_i, hi_i) = (lo.ceil() as i64, hi.floor() as i64);
    let span = (hi - lo).max(0.0);
    if span >= 24.0 {
        let years = span / 12.0;
        let step = [1i64, 2, 5, 10, 20, 50, 100]
            .into_iter()
            .find(|s| years / (*s as f64) <= 12.0)
            .unwrap_or(100);
        let ticks = (lo_i..=hi_i)
            .filter(|i| i.rem_euclid(12) == 0 && i.div_euclid(12).rem_euclid(step) == 0)
            .map(|i| i as f64)
            .collect();
        (ticks, false)
    } else {
        let step = [1i64, 2, 3, 6]
            .into_iter()
            .find(|s| span / (*s as f64) <= 12.0)
            .unwrap_or(6);
        let ticks = (lo_i..=hi_i)
            .filter(|i| i.rem_euclid(step) == 0)
            .map(|i| i as f64)
            .collect();
        (ticks, true)
    }
}

/// A month-index axis whose ticks are calendar-aligned ([`time_ticks`]) and
/// labelled `YYYY` or `YYYY-MM`; plotters' own f64 ticks would fall on
/// arbitrary months.
struct TimeAxis {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
    monthly: bool,
}

impl Ranged for TimeAxis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let t = (value - self.lo) / (self.hi - self.lo);
        let len = f64::from(limit.1 - limit.0);
        limit.0 + (len * t).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.max_num_points() == 0 {
            return vec![];
        }
        self.ticks.clone()
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}

impl ValueFormatter<f64> for TimeAxis {
    fn format_ext(&self, value: &f64) -> String {
        month_label(*value, self.monthly)
    }
}

/// A series as drawable points: (x, stat) for periods that parse.
fn time_points(ser: &Series) -> Vec<(f64, Stat)> {
    ser.periods
        .iter()
        .zip(&ser.stats)
        .filter_map(|(p, st)| month_index(p).map(|x| (x, *st)))
        .collect()
}

/// Splits points into runs where `f` gives finite values, so a NaN leaves
/// a gap instead of a line to nowhere.
fn finite_runs<T: Copy>(pts: &[(f64, Stat)], f: impl Fn(&Stat) -> Option<T>) -> Vec<Vec<(f64, T)>> {
    let mut runs = vec![];
    let mut cur = vec![];
    for (x, st) in pts {
        match f(st) {
            Some(v) => cur.push((*x, v)),
            None => {
                if !cur.is_empty() {
                    runs.push(std::mem::take(&mut cur));
                }
            }
        }
    }
    if !cur.is_empty() {
        runs.push(cur);
    }
    runs
}

fn fin(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

fn fin2(a: f64, b: f64) -> Option<(f64, f64)> {
    (a.is_finite() && b.is_finite()).then_some((a, b))
}

// ---------------------------------------------------------------------------
// Look.

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

const INK: RGBColor = RGBColor(33, 37, 41);
const MUTED: RGBColor = RGBColor(100, 106, 115);
const GRID: RGBColor = RGBColor(225, 228, 232);

const FRAME_TOP: i32 = 92;
const FRAME_BOTTOM: i32 = 78;
const FRAME_LEFT: i32 = 18;
const FRAME_RIGHT: i32 = 36;
const FAN_Y_LABEL: i32 = 80;
const FAN_X_LABEL: i32 = 48;

fn text(size: f64) -> TextStyle<'static> {
    TextStyle::from((FAMILY, size).into_font()).color(&INK)
}

fn text_bold(size: f64) -> TextStyle<'static> {
    TextStyle::from((FAMILY, size, FontStyle::Bold).into_font()).color(&INK)
}

fn text_muted(size: f64) -> TextStyle<'static> {
    TextStyle::from((FAMILY, size).into_font()).color(&MUTED)
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Shortens `s` to at most `max` characters with an ellipsis.
fn clip(s: &str, max: usize) -> String {
    let s = one_line(s);
    if s.chars().count() <= max {
        s
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

fn group_thousands(n: u64) -> String {
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

/// Title, caption and footnote; returns the area left for the plot (the
/// legend strip and note live in the bottom margin).
fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    caption: &str,
    note: &str,
) -> Result<DrawingArea<DB, Shift>, DrawError> {
    root.draw(&Text::new(
        clip(title, 80),
        (FRAME_LEFT + 6, 16),
        text_bold(26.0),
    ))?;
    root.draw(&Text::new(
        clip(caption, 130),
        (FRAME_LEFT + 6, 54),
        text_muted(16.0),
    ))?;
    root.draw(&Text::new(
        clip(note, 175),
        (FRAME_LEFT + 6, HEIGHT as i32 - 26),
        text_muted(13.0),
    ))?;
    Ok(root.margin(FRAME_TOP, FRAME_BOTTOM, FRAME_LEFT, FRAME_RIGHT))
}

#[derive(Clone, Copy)]
enum Swatch {
    Line(RGBColor),
    Dashed(RGBColor),
    Band(RGBColor, f64),
}

/// The legend in the bottom strip, below the plot, so it never covers
/// data: one row, or two when the items do not fit on one. Items that fit
/// on neither are summarised as "+N more".
fn legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    items: &[(String, Swatch)],
) -> DrawResult {
    let font = text(14.0);
    let max_x = WIDTH as i32 - FRAME_RIGHT;
    let start_x = FRAME_LEFT + 8;
    let mut labelled = Vec::with_capacity(items.len());
    for (label, sw) in items {
        let label = clip(label, 56);
        let w = root.estimate_text_size(&label, &font)?.0 as i32;
        labelled.push((label, *sw, w));
    }
    // Break into rows: (row, x) for each item that is drawn.
    let mut places = Vec::new();
    let (mut row, mut x) = (0, start_x);
    for (_, _, w) in &labelled {
        if x + 34 + w > max_x && x > start_x {
            row += 1;
            x = start_x;
        }
        if row > 1 {
            break;
        }
        places.push((row, x));
        x += 32 + w + 26;
    }
    let rows_y: [i32; 2] = if places.iter().any(|&(r, _)| r == 1) {
        [HEIGHT as i32 - 66, HEIGHT as i32 - 44]
    } else {
        [HEIGHT as i32 - 58; 2]
    };
    if places.len() < labelled.len() {
        // Make room on the last row for the "+N more" note.
        let more_w = root.estimate_text_size("+99 more", &font)?.0 as i32;
        while let Some(&(r, x)) = places.last() {
            let w = labelled[places.len() - 1].2;
            if r == 1 && x + 32 + w + 26 + more_w > max_x {
                places.pop();
            } else {
                break;
            }
        }
    }
    for ((label, sw, w), &(r, x)) in labelled.iter().zip(&places) {
        let y = rows_y[r];
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
                c.mix(*a).filled(),
            ))?,
        }
        root.draw(&Text::new(label.clone(), (x + 32, y - 8), font.clone()))?;
        if let Some(&(last_r, last_x)) = places.last()
            && places.len() < labelled.len()
            && (r, x) == (last_r, last_x)
        {
            let more = format!("+{} more", labelled.len() - places.len());
            root.draw(&Text::new(more, (x + 32 + w + 26, y - 8), font.clone()))?;
        }
    }
    Ok(())
}

/// A chart that has nothing to show says so, in the same frame.
fn no_data<DB: DrawingBackend>(
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
    let centre = Pos::new(HPos::Center, VPos::Center);
    area.draw(&Text::new(
        "No data",
        (w as i32 / 2, h as i32 / 2 - 22),
        text_bold(30.0).color(&MUTED).pos(centre),
    ))?;
    area.draw(&Text::new(
        clip(why, 120),
        (w as i32 / 2, h as i32 / 2 + 18),
        text_muted(16.0).pos(centre),
    ))?;
    Ok(())
}

// ---------------------------------------------------------------------------
// 1 and 4: fan charts over time.

#[derive(Clone, Copy, PartialEq)]
enum FanKind {
    Dependency,
    Storage,
}

fn draw_fan<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    ctx: &Ctx<'_>,
    kind: FanKind,
) -> DrawResult {
    let deps = ctx.s.scenario.dependency_countries.join(", ");
    let deps = if deps.is_empty() {
        "dependency".to_string()
    } else {
        deps
    };
    let (metric, title, ydesc) = match kind {
        FanKind::Dependency => (
            "dependency_share",
            format!("Europe's traced dependency on {deps} gas, by policy"),
            format!("Share of consumption traced to {deps} (%)"),
        ),
        FanKind::Storage => (
            "storage_fill",
            "Europe's gas storage fill, by policy".to_string(),
            "Storage fill (% of working volume)".to_string(),
        ),
    };
    // (label, colour, points, target points)
    let mut fans = vec![];
    for (id, label, color) in &ctx.policies {
        let Some(ser) = ctx.series(id, REGION, metric, "month") else {
            continue;
        };
        let (f, _) = display_factor(metric, &ser.unit);
        let pts: Vec<(f64, Stat)> = time_points(ser)
            .into_iter()
            .map(|(x, st)| (x, scale_stat(&st, f)))
            .collect();
        if !pts.iter().any(|(_, st)| st.p50.is_finite()) {
            continue;
        }
        let target = if kind == FanKind::Storage {
            ctx.series(id, REGION, "storage_target", "month").map(|t| {
                let (tf, _) = display_factor("storage_target", &t.unit);
                time_points(t)
                    .into_iter()
                    .map(|(x, st)| (x, scale_stat(&st, tf)))
                    .collect::<Vec<_>>()
            })
        } else {
            None
        };
        fans.push((label.clone(), *color, pts, target));
    }
    if fans.is_empty() {
        return no_data(
            root,
            &title,
            &ctx.caption,
            &format!(
                "the summary has no monthly '{metric}' series for {REGION} with finite values"
            ),
        );
    }
    let note = match kind {
        FanKind::Dependency => {
            "Light band: 5–95 % of trials; dark band: 25–75 %; line: median. Origin shares are traced through storage and re-exports."
        }
        FanKind::Storage => {
            "Light band: 5–95 % of trials; dark band: 25–75 %; line: median; dashed: the policy's storage target, where it has one."
        }
    };
    let area = frame(root, &title, &ctx.caption, note)?;
    let items: Vec<_> = fans
        .iter()
        .map(|(label, c, _, _)| (label.clone(), *c))
        .collect();
    let series: Vec<_> = fans
        .iter()
        .map(|(_, c, pts, t)| (*c, pts.as_slice(), t.as_deref()))
        .collect();
    draw_time_fan(&area, &ydesc, &series)?;
    let mut leg: Vec<(String, Swatch)> = items
        .into_iter()
        .map(|(l, c)| (l, Swatch::Line(c)))
        .collect();
    leg.push(("25–75 %".into(), Swatch::Band(MUTED, 0.45)));
    leg.push(("5–95 %".into(), Swatch::Band(MUTED, 0.18)));
    if fans.iter().any(|f| f.3.is_some()) {
        leg.push(("target".into(), Swatch::Dashed(INK)));
    }
    legend(root, &leg)
}

fn scale_stat(st: &Stat, f: f64) -> Stat {
    Stat {
        mean: st.mean * f,
        sd: st.sd * f,
        min: st.min * f,
        max: st.max * f,
        p5: st.p5 * f,
        p25: st.p25 * f,
        p50: st.p50 * f,
        p75: st.p75 * f,
        p95: st.p95 * f,
    }
}

type FanSeries<'a> = (RGBColor, &'a [(f64, Stat)], Option<&'a [(f64, Stat)]>);

/// Draws fans on a 0–100 % axis over months. Bands of all policies first,
/// then all median lines, so no band hides another policy's median.
fn draw_time_fan<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    ydesc: &str,
    fans: &[FanSeries<'_>],
) -> DrawResult {
    let xs = fans.iter().flat_map(|f| f.1.iter().map(|p| p.0));
    let (mut lo, mut hi) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
        (a.min(x), b.max(x))
    });
    if !(lo.is_finite() && hi.is_finite()) {
        (lo, hi) = (0.0, 1.0);
    }
    if hi - lo < 1.0 {
        // One period: widen so the point sits in the middle of the axis.
        lo -= 1.0;
        hi += 1.0;
    }
    let (ticks, monthly) = time_ticks(lo, hi);
    let axis = TimeAxis {
        lo,
        hi,
        ticks,
        monthly,
    };
    let mut chart = ChartBuilder::on(area)
        .x_label_area_size(FAN_X_LABEL)
        .y_label_area_size(FAN_Y_LABEL)
        .build_cartesian_2d(axis, 0.0..100.0)?;
    let fmt_y = |y: &f64| format!("{y:.0} %");
    chart
        .configure_mesh()
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED.stroke_width(1))
        .label_style(text(14.0))
        .axis_desc_style(text(15.0))
        .y_desc(ydesc)
        .x_desc("Month")
        .y_labels(11)
        .y_label_formatter(&fmt_y)
        .draw()?;
    let clamp = |v: f64| v.clamp(0.0, 100.0);
    for (color, pts, _) in fans {
        for (band, alpha) in [
            ((|s: &Stat| fin2(s.p5, s.p95)) as fn(&Stat) -> _, 0.13),
            (|s: &Stat| fin2(s.p25, s.p75), 0.28),
        ] {
            for run in finite_runs(pts, band) {
                if run.len() == 1 {
                    let (x, (a, b)) = run[0];
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![(x, clamp(a)), (x, clamp(b))],
                        color.mix(alpha * 2.0).stroke_width(12),
                    )))?;
                    continue;
                }
                let mut poly: Vec<(f64, f64)> =
                    run.iter().map(|(x, (_, b))| (*x, clamp(*b))).collect();
                poly.extend(run.iter().rev().map(|(x, (a, _))| (*x, clamp(*a))));
                chart.draw_series(std::iter::once(Polygon::new(
                    poly,
                    color.mix(alpha).filled(),
                )))?;
            }
        }
    }
    for (color, pts, target) in fans {
        if let Some(t) = target {
            for run in finite_runs(t, |s| fin(s.p50)) {
                let run: Vec<(f64, f64)> = run.into_iter().map(|(x, v)| (x, clamp(v))).collect();
                chart.draw_series(DashedLineSeries::new(run, 8, 6, color.stroke_width(2)))?;
            }
        }
        for run in finite_runs(pts, |s| fin(s.p50)) {
            let run: Vec<(f64, f64)> = run.into_iter().map(|(x, v)| (x, clamp(v))).collect();
            if run.len() == 1 {
                chart.draw_series(std::iter::once(Circle::new(run[0], 5, color.filled())))?;
            } else {
                chart.draw_series(LineSeries::new(run, color.stroke_width(3)))?;
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// 2: policy comparison, small multiples.

/// The four headline metrics: (metric, panel title).
pub const HEADLINE_METRICS: [(&str, &str); 4] = [
    ("dependency_share", "Traced dependency share"),
    ("curtailment_share", "Unserved demand (share of demand)"),
    ("storage_fill_nov1", "Storage fill on 1 November"),
    ("cost", "Supply cost"),
];

/// Last period of a metric's yearly region series over all policies,
/// preferring the baseline's.
pub fn last_year(s: &Summary, metric: &str) -> Option<String> {
    let base = find_series(s, &s.scenario.baseline, REGION, metric, "year");
    let from = |ser: &Series| ser.periods.last().cloned();
    base.and_then(from).or_else(|| {
        s.series
            .iter()
            .filter(|x| x.node == REGION && x.metric == metric && x.resolution == "year")
            .filter_map(from)
            .max()
    })
}

/// The stat of a series in one period.
pub fn stat_at(ser: &Series, period: &str) -> Option<Stat> {
    ser.periods
        .iter()
        .position(|p| p == period)
        .and_then(|i| ser.stats.get(i).copied())
}

/// The paired difference of (policy − baseline) for a region metric.
pub fn find_difference<'a>(
    s: &'a Summary,
    policy: &str,
    metric: &str,
    period: &str,
) -> Option<&'a PairedDifference> {
    s.differences.iter().find(|d| {
        d.policy == policy && d.node == REGION && d.metric == metric && d.period == period
    })
}

/// `+1.2` style number with sensible decimals for the magnitude.
pub fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".into();
    }
    let a = v.abs();
    let d = if a >= 100.0 {
        0
    } else if a >= 0.1 || a == 0.0 {
        1
    } else {
        3
    };
    format!("{v:.d$}")
}

/// Signed number with a typographic minus (DejaVu has U+2212).
fn fmt_signed(v: f64) -> String {
    let s = fmt_num(v);
    if v > 0.0 {
        format!("+{s}")
    } else {
        s.replacen('-', "\u{2212}", 1)
    }
}

fn draw_policy_comparison<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    ctx: &Ctx<'_>,
) -> DrawResult {
    let title = "Headline metrics by policy, Europe";
    let any = HEADLINE_METRICS
        .iter()
        .any(|(m, _)| last_year(ctx.s, m).is_some());
    if !any {
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
        "Last year of the horizon. Box: 25–75 % of trials; whiskers: 5–95 %; bar: median. Δ: mean paired difference vs baseline [95 % CI], bold if it excludes 0.",
    )?;
    let panels = area.split_evenly((2, 2));
    for (panel, (metric, ptitle)) in panels.iter().zip(HEADLINE_METRICS) {
        draw_comparison_panel(root, panel, ctx, metric, ptitle)?;
    }
    let leg: Vec<_> = ctx
        .policies
        .iter()
        .map(|(id, l, c)| {
            let tag = if id == ctx.baseline() {
                " (baseline)"
            } else {
                ""
            };
            (format!("{id}: {l}{tag}"), Swatch::Band(*c, 0.8))
        })
        .collect();
    legend(root, &leg)
}

fn draw_comparison_panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    panel: &DrawingArea<DB, Shift>,
    ctx: &Ctx<'_>,
    metric: &str,
    ptitle: &str,
) -> DrawResult {
    let Some(year) = last_year(ctx.s, metric) else {
        let (w, h) = panel.dim_in_pixel();
        panel.draw(&Text::new(ptitle.to_string(), (70, 6), text_bold(16.0)))?;
        panel.draw(&Text::new(
            format!("No data: no yearly '{metric}' series"),
            (w as i32 / 2, h as i32 / 2),
            text_muted(15.0).pos(Pos::new(HPos::Center, VPos::Center)),
        ))?;
        return Ok(());
    };
    // (policy index, id, colour, stat in display unit, difference)
    let mut rows = vec![];
    let mut unit = String::new();
    for (id, _, color) in &ctx.policies {
        let Some(ser) = ctx.series(id, REGION, metric, "year") else {
            continue;
        };
        let (f, u) = display_factor(metric, &ser.unit);
        unit = u;
        let Some(st) = stat_at(ser, &year) else {
            continue;
        };
        let diff = find_difference(ctx.s, id, metric, &year).map(|d| {
            let (df, _) = display_factor(metric, &d.unit);
            (d.mean * df, d.ci_low * df, d.ci_high * df)
        });
        rows.push((id.clone(), *color, scale_stat(&st, f), diff));
    }
    let vals: Vec<f64> = rows
        .iter()
        .flat_map(|r| [r.2.p5, r.2.p95, r.2.p50])
        .filter(|v| v.is_finite())
        .collect();
    let (mut lo, mut hi) = vals.iter().fold((0.0f64, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(*v), b.max(*v))
    });
    if !hi.is_finite() || hi <= lo {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.08;
    if lo < 0.0 {
        lo -= pad;
    }
    hi += pad;
    let unit_txt = match (unit.as_str(), metric) {
        ("%", "curtailment_share") => "% of demand".to_string(),
        ("%", "dependency_share") => "% of consumption".to_string(),
        ("%", "storage_fill_nov1") => "% of working volume".to_string(),
        _ => unit.clone(),
    };
    // Decimals from the axis span, so ticks read 20, 40 rather than 20.0.
    let decimals = if hi - lo >= 10.0 {
        0
    } else if hi - lo >= 1.0 {
        1
    } else {
        2
    };
    let n = rows.len().max(1);
    let x_area = 50;
    let mut chart = ChartBuilder::on(panel)
        .margin(8)
        .margin_right(16)
        .caption(format!("{ptitle}, {year}"), text_bold(16.0))
        .x_label_area_size(x_area)
        .y_label_area_size(62)
        .build_cartesian_2d(-0.5..(n as f64 - 0.5), lo..hi)?;
    let fmt_y = |v: &f64| format!("{v:.decimals$}");
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED.stroke_width(1))
        .label_style(text(13.0))
        .axis_desc_style(text(13.0))
        .y_desc(unit_txt.clone())
        .x_labels(0)
        .x_label_formatter(&|_| String::new())
        .y_labels(6)
        .y_label_formatter(&fmt_y)
        .draw()?;
    if rows.is_empty() {
        return Ok(());
    }
    let (px, _) = chart.plotting_area().get_pixel_range();
    let slot = (px.end - px.start) as f64 / n as f64;
    let half = (0.18f64).min(18.0 / slot.max(1.0));
    for (i, (id, color, st, diff)) in rows.iter().enumerate() {
        let x = i as f64;
        if let Some((a, b)) = fin2(st.p5, st.p95) {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x, a), (x, b)],
                color.stroke_width(2),
            )))?;
            for v in [a, b] {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x - half * 0.5, v), (x + half * 0.5, v)],
                    color.stroke_width(2),
                )))?;
            }
        }
        if let Some((a, b)) = fin2(st.p25, st.p75) {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x - half, a), (x + half, b)],
                color.mix(0.35).filled(),
            )))?;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x - half, a), (x + half, b)],
                color.stroke_width(2),
            )))?;
        }
        if let Some(m) = fin(st.p50) {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x - half, m), (x + half, m)],
                INK.stroke_width(3),
            )))?;
        }
        // Labels under the axis, in root pixels.
        let (bx, by) = chart.backend_coord(&(x, lo));
        let centre = Pos::new(HPos::Center, VPos::Top);
        let max_chars = ((slot / 7.5) as usize).max(4);
        root.draw(&Text::new(
            clip(id, max_chars),
            (bx, by + 6),
            text_bold(12.5).pos(centre),
        ))?;
        // The mean paired difference, and its interval on a second line.
        let (mean_txt, ci_txt, sig) = if id == ctx.baseline() {
            ("baseline".to_string(), String::new(), false)
        } else if let Some((m, a, b)) = diff {
            let sig = a.is_finite() && b.is_finite() && (*a > 0.0 || *b < 0.0);
            let u = if unit == "%" { " pp" } else { "" };
            (
                format!("Δ {}{u}", fmt_signed(*m)),
                format!("[{}, {}]", fmt_signed(*a), fmt_signed(*b)),
                sig,
            )
        } else {
            ("Δ n/a".to_string(), String::new(), false)
        };
        let style = if sig {
            text_bold(11.5)
        } else {
            text_muted(11.5)
        };
        let width = max_chars.max(8) + 4;
        for (k, line) in [mean_txt, ci_txt].iter().enumerate() {
            if !line.is_empty() {
                root.draw(&Text::new(
                    clip(line, width),
                    (bx, by + 22 + 14 * k as i32),
                    style.clone().pos(centre),
                ))?;
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// 3: dependency by country.

/// A country's bars: (label, sort key = baseline median, (colour, stat) per policy).
type Group = (String, f64, Vec<(RGBColor, Stat)>);

fn draw_by_country<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    ctx: &Ctx<'_>,
    year: Option<&str>,
) -> DrawResult {
    let metric = "dependency_share";
    let deps = ctx.s.scenario.dependency_countries.join(", ");
    let year = match year {
        Some(y) => Some(y.to_string()),
        None => ctx
            .s
            .series
            .iter()
            .filter(|x| x.metric == metric && x.resolution == "year" && x.node != REGION)
            .filter_map(|x| x.periods.last().cloned())
            .max(),
    };
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
    // Groups: the region first, then nodes sorted by baseline median.
    let mut node_ids: Vec<String> = ctx.s.nodes.iter().map(|n| n.id.clone()).collect();
    for ser in &ctx.s.series {
        if ser.metric == metric && ser.node != REGION && !node_ids.contains(&ser.node) {
            node_ids.push(ser.node.clone());
        }
    }
    // Each group: (label, [(colour, stat)]) in policy order.
    let mut groups: Vec<Group> = vec![];
    for node in &node_ids {
        let mut bars = vec![];
        let mut key = f64::NEG_INFINITY;
        for (id, _, color) in &ctx.policies {
            let Some(ser) = ctx.series(id, node, metric, "year") else {
                continue;
            };
            let (f, _) = display_factor(metric, &ser.unit);
            let Some(st) = stat_at(ser, &year) else {
                continue;
            };
            let st = scale_stat(&st, f);
            if id == ctx.baseline() && st.p50.is_finite() {
                key = st.p50;
            }
            bars.push((*color, st));
        }
        if bars.iter().any(|b| b.1.p50.is_finite()) {
            let name = ctx
                .s
                .nodes
                .iter()
                .find(|n| &n.id == node)
                .map(|n| n.name.clone())
                .filter(|n| !n.trim().is_empty() && n != node);
            let label = match name {
                Some(n) => format!("{} ({node})", clip(&n, 14)),
                None => node.clone(),
            };
            groups.push((label, key, bars));
        }
    }
    if groups.is_empty() {
        return no_data(
            root,
            &title,
            &ctx.caption,
            &format!("no node has a finite 'dependency_share' in {year}"),
        );
    }
    groups.sort_by(|a, b| b.1.total_cmp(&a.1));
    let area = frame(
        root,
        &title,
        &ctx.caption,
        "Bars: median over trials; whiskers: 25–75 %. Countries sorted by the baseline's median (highest first).",
    )?;
    let g = groups.len();
    let np = ctx.policies.len().max(1);
    let mut chart = ChartBuilder::on(&area)
        .x_label_area_size(46)
        .y_label_area_size(170)
        .build_cartesian_2d(0.0..100.0, 0.0..g as f64)?;
    let fmt_x = |v: &f64| format!("{v:.0} %");
    chart
        .configure_mesh()
        .disable_y_mesh()
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED.stroke_width(1))
        .label_style(text(14.0))
        .axis_desc_style(text(15.0))
        .x_desc(format!("Share of consumption traced to {deps} (%)"))
        .x_labels(11)
        .x_label_formatter(&fmt_x)
        .y_labels(0)
        .y_label_formatter(&|_| String::new())
        .draw()?;
    let (_, py) = chart.plotting_area().get_pixel_range();
    let group_px = (py.end - py.start) as f64 / g as f64;
    let label_size = (group_px * 0.55).clamp(9.0, 14.0);
    for (gi, (label, _, bars)) in groups.iter().enumerate() {
        // Top group = highest value: group 0 at the top of the axis.
        let top = (g - gi) as f64 - 0.12;
        let h = 0.76 / np as f64;
        for (bi, (color, st)) in bars.iter().enumerate() {
            let y1 = top - bi as f64 * h;
            let y0 = y1 - h * 0.9;
            if let Some(m) = fin(st.p50) {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y0), (m.clamp(0.0, 100.0), y1)],
                    color.mix(0.85).filled(),
                )))?;
            }
            if let Some((a, b)) = fin2(st.p25, st.p75) {
                let ym = (y0 + y1) / 2.0;
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(a.clamp(0.0, 100.0), ym), (b.clamp(0.0, 100.0), ym)],
                    INK.stroke_width(1),
                )))?;
            }
        }
        let (px, pyc) = chart.backend_coord(&(0.0, (g - gi) as f64 - 0.5));
        root.draw(&Text::new(
            label.clone(),
            (px - 8, pyc),
            text(label_size).pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
    }
    let leg: Vec<_> = ctx
        .policies
        .iter()
        .map(|(_, l, c)| (l.clone(), Swatch::Band(*c, 0.85)))
        .collect();
    legend(root, &leg)
}

// ---------------------------------------------------------------------------
// 5: exceedance of unserved demand.

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

/// P(X ≤ x) from percentile points, linear between them; at ties (e.g.
/// min = p5 = … = p75 = 0) the highest probability with that value counts,
/// so a mass of zeros is kept as a jump.
fn interp_cdf(pts: &[(f64, f64); 7], x: f64) -> f64 {
    let Some(i) = pts.iter().rposition(|p| p.0 <= x) else {
        return 0.0;
    };
    if i + 1 == pts.len() {
        return 1.0;
    }
    let (v0, q0) = pts[i];
    let (v1, q1) = pts[i + 1];
    // v1 > x >= v0 here, so v1 > v0.
    q0 + (q1 - q0) * (x - v0) / (v1 - v0)
}

/// P(X > x) for X the value of a year drawn uniformly from the horizon and a
/// trial, interpolated from each year's percentiles. Returns `None` when no
/// year has finite percentiles.
pub fn exceedance_from_percentiles(stats: &[Stat], x: f64) -> Option<f64> {
    let pts: Vec<_> = stats.iter().filter_map(quantile_points).collect();
    if pts.is_empty() {
        return None;
    }
    let f: f64 = pts.iter().map(|p| interp_cdf(p, x)).sum::<f64>() / pts.len() as f64;
    Some(1.0 - f)
}

fn draw_exceedance<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, ctx: &Ctx<'_>) -> DrawResult {
    let metric = "curtailment_share";
    let title = "Probability that a year's unserved demand exceeds x, Europe";
    let mut curves = vec![];
    let mut xmax = 0.0f64;
    for (id, label, color) in &ctx.policies {
        let Some(ser) = ctx.series(id, REGION, metric, "year") else {
            continue;
        };
        let (f, _) = display_factor(metric, &ser.unit);
        let stats: Vec<Stat> = ser.stats.iter().map(|s| scale_stat(s, f)).collect();
        if exceedance_from_percentiles(&stats, 0.0).is_none() {
            continue;
        }
        for st in &stats {
            if let Some(p) = quantile_points(st) {
                xmax = xmax.max(p[6].0);
            }
        }
        curves.push((label.clone(), *color, stats));
    }
    if curves.is_empty() {
        return no_data(
            root,
            title,
            &ctx.caption,
            "the summary has no yearly 'curtailment_share' series for the region with finite percentiles",
        );
    }
    if xmax <= 0.0 {
        return no_data(
            root,
            title,
            &ctx.caption,
            "no trial of any policy left demand unserved in any year: the exceedance probability is 0 everywhere",
        );
    }
    let area = frame(
        root,
        title,
        &ctx.caption,
        "Share of (trial, year) pairs of the horizon above x, interpolated linearly between each year's reported percentiles (min, 5, 25, 50, 75, 95 %, max).",
    )?;
    let hi = xmax * 1.05;
    let mut chart = ChartBuilder::on(&area)
        .x_label_area_size(FAN_X_LABEL)
        .y_label_area_size(FAN_Y_LABEL)
        .build_cartesian_2d(0.0..hi, 0.0..100.0)?;
    let fmt_x = |v: &f64| format!("{} %", fmt_num(*v));
    let fmt_y = |v: &f64| format!("{v:.0} %");
    chart
        .configure_mesh()
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED.stroke_width(1))
        .label_style(text(14.0))
        .axis_desc_style(text(15.0))
        .x_desc("x: unserved demand in a year (% of that year's demand)")
        .y_desc("P(unserved > x) (%)")
        .y_labels(11)
        .x_labels(10)
        .x_label_formatter(&fmt_x)
        .y_label_formatter(&fmt_y)
        .draw()?;
    const STEPS: usize = 400;
    for (_, color, stats) in &curves {
        let pts: Vec<(f64, f64)> = (0..=STEPS)
            .filter_map(|k| {
                let x = hi * k as f64 / STEPS as f64;
                exceedance_from_percentiles(stats, x).map(|p| (x, 100.0 * p))
            })
            .collect();
        chart.draw_series(LineSeries::new(pts, color.stroke_width(3)))?;
    }
    let leg: Vec<_> = curves
        .iter()
        .map(|(l, c, _)| (l.clone(), Swatch::Line(*c)))
        .collect();
    legend(root, &leg)
}

// ---------------------------------------------------------------------------
// 6: flow map.

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

fn draw_flow_map<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    ctx: &Ctx<'_>,
    period: Option<&str>,
) -> DrawResult {
    let base = ctx.baseline().to_string();
    let period = period.map(str::to_string).or_else(|| {
        ctx.s
            .flows
            .iter()
            .filter(|f| f.policy == base)
            .map(|f| f.period.clone())
            .max()
    });
    let title = match &period {
        Some(p) => format!("Median gas flows, {p}"),
        None => "Median gas flows".to_string(),
    };
    let nodes: Vec<_> = ctx
        .s
        .nodes
        .iter()
        .filter(|n| n.lat.is_finite() && n.lon.is_finite())
        .collect();
    let Some(period) = period else {
        return no_data(
            root,
            &title,
            &ctx.caption,
            "the summary has no flows for the baseline policy",
        );
    };
    if nodes.is_empty() {
        return no_data(
            root,
            &title,
            &ctx.caption,
            "no node has finite coordinates (lat, lon)",
        );
    }
    // Baseline, and the last policy beside it when there is more than one.
    let mut shown = vec![base.clone()];
    if let Some((last, _, _)) = ctx.policies.last()
        && *last != base
        && ctx
            .s
            .flows
            .iter()
            .any(|f| &f.policy == last && f.period == period)
    {
        shown.push(last.clone());
    }
    let max_twh = ctx
        .s
        .flows
        .iter()
        .filter(|f| shown.contains(&f.policy) && f.period == period)
        .map(|f| f.median_twh)
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max);
    let area = frame(
        root,
        &title,
        &ctx.caption,
        "Line width ∝ median annual flow; colour: traced share of dependency-country gas in the flow. Arrow: direction. Squares: supply origins outside the map.",
    )?;
    let panels = if shown.len() == 2 {
        area.split_evenly((1, 2))
    } else {
        vec![area]
    };
    for (panel, pol) in panels.iter().zip(&shown) {
        let head = format!(
            "{}{}",
            clip(&ctx.label(pol), 50),
            if *pol == base { " (baseline)" } else { "" }
        );
        draw_map_panel(panel, ctx, pol, &period, max_twh, &head)?;
    }
    flow_legend(root, max_twh)
}

/// Radius of a country circle on the flow map, pixels.
const NODE_R: i32 = 17;

fn draw_map_panel<DB: DrawingBackend>(
    panel: &DrawingArea<DB, Shift>,
    ctx: &Ctx<'_>,
    policy: &str,
    period: &str,
    max_twh: f64,
    head: &str,
) -> DrawResult {
    let (w, h) = panel.dim_in_pixel();
    let (w, h) = (w as f64, h as f64);
    panel.draw(&Rectangle::new(
        [(4, 28), (w as i32 - 4, h as i32 - 2)],
        RGBColor(246, 248, 250).filled(),
    ))?;
    panel.draw(&Text::new(head.to_string(), (8, 4), text_bold(16.0)))?;
    let nodes: Vec<_> = ctx
        .s
        .nodes
        .iter()
        .filter(|n| n.lat.is_finite() && n.lon.is_finite())
        .collect();
    let mean_lat = nodes.iter().map(|n| n.lat).sum::<f64>() / nodes.len() as f64;
    let kx = mean_lat.to_radians().cos().max(0.2);
    let proj = |lon: f64, lat: f64| (lon * kx, lat);
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for n in &nodes {
        let (x, y) = proj(n.lon, n.lat);
        (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
    }
    let span = (x1 - x0).max(y1 - y0).max(2.0);
    let m = span * 0.12;
    (x0, x1, y0, y1) = (x0 - m, x1 + m, y0 - m, y1 + m);
    // Inner box for nodes, leaving a ring of 44 px for origins outside.
    let (bx0, by0, bx1, by1) = (50.0, 74.0, w - 50.0, h - 46.0);
    let sc = ((bx1 - bx0) / (x1 - x0)).min((by1 - by0) / (y1 - y0));
    let cx = (bx0 + bx1) / 2.0 - sc * (x0 + x1) / 2.0;
    let cy = (by0 + by1) / 2.0 + sc * (y0 + y1) / 2.0;
    let to_px = |lon: f64, lat: f64| {
        let (x, y) = proj(lon, lat);
        (cx + sc * x, cy - sc * y)
    };
    let mut pos: Vec<(String, (f64, f64), bool)> = nodes
        .iter()
        .map(|n| (n.id.clone(), to_px(n.lon, n.lat), true))
        .collect();
    let flows: Vec<_> = ctx
        .s
        .flows
        .iter()
        .filter(|f| f.policy == policy && f.period == period && f.median_twh.is_finite())
        .filter(|f| f.median_twh > 0.0 && f.from != f.to)
        .collect();
    // Endpoints that are not nodes (supply origins): on the ray from the
    // centre of the map through the mean position of the nodes they touch,
    // at the edge of the panel; nudged apart when two would overlap.
    let centre = (
        pos.iter().map(|p| p.1.0).sum::<f64>() / pos.len() as f64,
        pos.iter().map(|p| p.1.1).sum::<f64>() / pos.len() as f64,
    );
    let mut externals: Vec<String> = vec![];
    for f in &flows {
        for e in [&f.from, &f.to] {
            if !pos.iter().any(|p| &p.0 == e) && !externals.contains(e) {
                externals.push(e.clone());
            }
        }
    }
    for e in externals {
        let partners: Vec<(f64, f64)> = flows
            .iter()
            .filter_map(|f| {
                let other = if f.from == e {
                    &f.to
                } else if f.to == e {
                    &f.from
                } else {
                    return None;
                };
                pos.iter().find(|p| &p.0 == other && p.2).map(|p| p.1)
            })
            .collect();
        let mean = if partners.is_empty() {
            (centre.0 - 1.0, centre.1)
        } else {
            (
                partners.iter().map(|p| p.0).sum::<f64>() / partners.len() as f64,
                partners.iter().map(|p| p.1).sum::<f64>() / partners.len() as f64,
            )
        };
        let (mut dx, mut dy) = (mean.0 - centre.0, mean.1 - centre.1);
        if dx.hypot(dy) < 1e-6 {
            (dx, dy) = (-1.0, 0.0);
        }
        let (ex0, ey0, ex1, ey1) = (26.0, 52.0, w - 26.0, h - 22.0);
        let tx = if dx > 0.0 {
            (ex1 - centre.0) / dx
        } else if dx < 0.0 {
            (ex0 - centre.0) / dx
        } else {
            f64::MAX
        };
        let ty = if dy > 0.0 {
            (ey1 - centre.1) / dy
        } else if dy < 0.0 {
            (ey0 - centre.1) / dy
        } else {
            f64::MAX
        };
        let t = tx.min(ty);
        let mut p = (centre.0 + dx * t, centre.1 + dy * t);
        for _ in 0..20 {
            let clash = pos
                .iter()
                .any(|q| !q.2 && (q.1.0 - p.0).hypot(q.1.1 - p.1) < 40.0);
            if !clash {
                break;
            }
            // Slide along the edge the point lies on.
            if (p.0 - ex0).abs() < 1.0 || (p.0 - ex1).abs() < 1.0 {
                p.1 = (p.1 + 42.0).min(ey1);
            } else {
                p.0 = (p.0 + 42.0).min(ex1);
            }
        }
        pos.push((e, p, false));
    }
    let at = |id: &str| pos.iter().find(|p| p.0 == id).map(|p| p.1);
    let is_node = |id: &str| pos.iter().any(|p| p.0 == id && p.2);
    let width = |v: f64| {
        if max_twh > 0.0 {
            1.5 + 14.0 * (v / max_twh).sqrt().min(1.0)
        } else {
            1.5
        }
    };
    // Thick lines first so thin ones stay visible on top.
    let mut order: Vec<_> = flows.iter().collect();
    order.sort_by(|a, b| b.median_twh.total_cmp(&a.median_twh));
    for f in order {
        let (Some(a), Some(b)) = (at(&f.from), at(&f.to)) else {
            continue;
        };
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len = dx.hypot(dy);
        if len < 1.0 {
            continue;
        }
        let (ux, uy) = (dx / len, dy / len);
        // Start and end at the symbol's edge, not its centre.
        let cut = |id: &str| {
            if is_node(id) {
                NODE_R as f64 + 2.0
            } else {
                14.0
            }
        };
        let (ca, cb) = (cut(&f.from), cut(&f.to));
        if len <= ca + cb + 4.0 {
            continue;
        }
        let a = (a.0 + ux * ca, a.1 + uy * ca);
        let b = (b.0 - ux * cb, b.1 - uy * cb);
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let wpx = width(f.median_twh);
        // Offset to the right of travel so A→B and B→A do not overlap.
        let off = wpx / 2.0 + 1.0;
        let (ox, oy) = (-uy * off, ux * off);
        let c = share_color(f.dependency_share);
        let p0 = ((a.0 + ox) as i32, (a.1 + oy) as i32);
        let p1 = ((b.0 + ox) as i32, (b.1 + oy) as i32);
        panel.draw(&PathElement::new(
            vec![p0, p1],
            c.mix(0.9).stroke_width(wpx.round() as u32),
        ))?;
        // Arrowhead at 60 % of the way.
        let (mx, my) = (a.0 + ox + dx * 0.6, a.1 + oy + dy * 0.6);
        let s = 6.0 + wpx * 0.6;
        let tip = ((mx + ux * s) as i32, (my + uy * s) as i32);
        let l = ((mx - uy * s * 0.6) as i32, (my + ux * s * 0.6) as i32);
        let r = ((mx + uy * s * 0.6) as i32, (my - ux * s * 0.6) as i32);
        panel.draw(&Polygon::new(vec![tip, l, r], INK.mix(0.7).filled()))?;
    }
    let node_share = |id: &str| {
        ctx.series(policy, id, "dependency_share", "year")
            .and_then(|s| {
                let (f, _) = display_factor("dependency_share", &s.unit);
                stat_at(s, period).map(|st| st.p50 * f / 100.0)
            })
            .filter(|v| v.is_finite())
    };
    for (id, (x, y), is_node) in &pos {
        let p = (*x as i32, *y as i32);
        let centre = Pos::new(HPos::Center, VPos::Center);
        if *is_node {
            let fill = node_share(id)
                .map(share_color)
                .unwrap_or(RGBColor(235, 236, 238));
            // Opaque white under the tint so lines never show through.
            panel.draw(&Circle::new(p, NODE_R, WHITE.filled()))?;
            panel.draw(&Circle::new(p, NODE_R, fill.mix(0.35).filled()))?;
            panel.draw(&Circle::new(p, NODE_R, INK.stroke_width(2)))?;
            panel.draw(&Text::new(clip(id, 5), p, text_bold(12.0).pos(centre)))?;
        } else {
            panel.draw(&Rectangle::new(
                [(p.0 - 22, p.1 - 12), (p.0 + 22, p.1 + 12)],
                WHITE.filled(),
            ))?;
            panel.draw(&Rectangle::new(
                [(p.0 - 22, p.1 - 12), (p.0 + 22, p.1 + 12)],
                INK.stroke_width(1),
            ))?;
            panel.draw(&Text::new(clip(id, 6), p, text_bold(11.0).pos(centre)))?;
        }
    }
    if flows.is_empty() {
        panel.draw(&Text::new(
            format!("No flows for this policy in {period}"),
            ((w / 2.0) as i32, (h / 2.0) as i32),
            text_muted(16.0).pos(Pos::new(HPos::Center, VPos::Center)),
        ))?;
    }
    Ok(())
}

/// Colour scale and width key of the flow map, in the legend strip.
fn flow_legend<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, max_twh: f64) -> DrawResult {
    let y = HEIGHT as i32 - 66;
    let x0 = FRAME_LEFT + 8;
    root.draw(&Text::new("Dependency share of flow:", (x0, y), text(14.0)))?;
    let bar_x = x0 + 200;
    for k in 0..200 {
        let c = share_color(k as f64 / 199.0);
        root.draw(&Rectangle::new(
            [(bar_x + k, y), (bar_x + k + 1, y + 14)],
            c.filled(),
        ))?;
    }
    for (k, lab) in [(0, "0 %"), (100, "50 %"), (199, "100 %")] {
        root.draw(&Text::new(
            lab,
            (bar_x + k, y + 17),
            text_muted(12.0).pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
    }
    if max_twh > 0.0 {
        let mut x = bar_x + 260;
        root.draw(&Text::new("Median flow:", (x, y), text(14.0)))?;
        x += 100;
        for frac in [0.1, 0.5, 1.0] {
            let v = max_twh * frac;
            let wpx = 1.5 + 14.0 * frac.sqrt();
            root.draw(&PathElement::new(
                vec![(x, y + 7), (x + 36, y + 7)],
                MUTED.stroke_width(wpx.round() as u32),
            ))?;
            let v = if v >= 10.0 {
                format!("{v:.0}")
            } else {
                fmt_num(v)
            };
            root.draw(&Text::new(format!("{v} TWh/y"), (x + 42, y), text(13.0)))?;
            x += 150;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Comparison of runs.

fn draw_comparison_fan<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    runs: &[Summary],
) -> DrawResult {
    let title = "Europe's traced dependency share: baseline of each run";
    let caption = runs
        .iter()
        .map(|s| {
            format!(
                "{} ({} trials, seed {})",
                one_line(&s.scenario.name),
                s.run.trials,
                s.run.seed
            )
        })
        .collect::<Vec<_>>()
        .join(" · ");
    let mut fans = vec![];
    for (i, s) in runs.iter().enumerate() {
        let Some(ser) = find_series(s, &s.scenario.baseline, REGION, "dependency_share", "month")
        else {
            continue;
        };
        let (f, _) = display_factor("dependency_share", &ser.unit);
        // The comparison shows only median and 25–75 %: drop the outer band.
        let pts: Vec<(f64, Stat)> = time_points(ser)
            .into_iter()
            .map(|(x, st)| {
                let mut st = scale_stat(&st, f);
                (st.p5, st.p95) = (f64::NAN, f64::NAN);
                (x, st)
            })
            .collect();
        if pts.iter().any(|(_, st)| st.p50.is_finite()) {
            let label = format!(
                "{} — {}",
                clip(&s.scenario.name, 30),
                clip(&s.scenario.baseline, 20)
            );
            fans.push((label, policy_color(i), pts));
        }
    }
    if fans.is_empty() {
        return no_data(
            root,
            title,
            &caption,
            "no run has a monthly region 'dependency_share' series for its baseline",
        );
    }
    let area = frame(
        root,
        title,
        &caption,
        "Band: 25–75 % of trials; line: median. Runs are independent: differences between them are not paired.",
    )?;
    let series: Vec<FanSeries<'_>> = fans
        .iter()
        .map(|(_, c, p)| (*c, p.as_slice(), None))
        .collect();
    draw_time_fan(
        &area,
        "Share of consumption traced to dependency origins (%)",
        &series,
    )?;
    let leg: Vec<_> = fans
        .iter()
        .map(|(l, c, _)| (l.clone(), Swatch::Line(*c)))
        .collect();
    legend(root, &leg)
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
        // 75 % of the mass at 0: P(X > 0) = 0.25.
        assert!((exceedance_from_percentiles(&[st], 0.0).unwrap() - 0.25).abs() < 1e-12);
        // Halfway between p75 (0) and p95 (2): F = 0.85.
        assert!((exceedance_from_percentiles(&[st], 1.0).unwrap() - 0.15).abs() < 1e-12);
        assert_eq!(exceedance_from_percentiles(&[st], 4.0), Some(0.0));
        // Mixture over two years: one always 0, one as above.
        let zero = Stat {
            p95: 0.0,
            max: 0.0,
            ..st
        };
        assert!((exceedance_from_percentiles(&[st, zero], 0.0).unwrap() - 0.125).abs() < 1e-12);
    }

    #[test]
    fn ticks_follow_years_and_months() {
        let (t, monthly) = time_ticks(2010.0 * 12.0, 2030.0 * 12.0 + 11.0);
        assert!(!monthly);
        assert_eq!(month_label(t[0], false), "2010");
        assert!(t.len() <= 12 && t.len() >= 5);
        let (t, monthly) = time_ticks(2022.0 * 12.0, 2022.0 * 12.0 + 11.0);
        assert!(monthly);
        assert_eq!(month_label(t[1], true), "2022-02");
    }

    #[test]
    fn units_and_periods() {
        assert_eq!(display_factor("cost", "EUR m").0, 1e-3);
        assert_eq!(display_factor("x", "share").0, 100.0);
        assert_eq!(month_index("2015-03"), Some(2015.0 * 12.0 + 2.0));
        assert_eq!(month_index("2015-13"), None);
        assert_eq!(month_index("garbage"), None);
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(group_thousands(1234567), "1,234,567");
    }
}

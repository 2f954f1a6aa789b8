//! Charts of a run: the product's face, drawn from a [`Summary`] only.
//!
//! Role: turn the statistics of a finished run into fixed-size charts (PNG
//! and/or SVG, [`WIDTH`]×[`HEIGHT`] pixels) for papers and slides, plus the
//! overlay chart of `gasdep compare` ([`runs`]).
//!
//! Layout of this folder: one file per chart (`answer`, `fan`,
//! `policy_comparison`, `by_country`, `exceedance`, `peaks`, `flow_map`, `runs`)
//! beside the shared modules: [`style`] (palette, text, frame, legend),
//! [`layout`] (fitted axes, ticks, plot frames), [`panels`] (level and
//! difference panels over time) and [`data`] (lookups in the summary).
//! Adding a chart is adding a file with a type that implements [`Draw`] and
//! a `plan` function, and one line in [`plan`].
//!
//! Invariants that make charts comparable and readable:
//! - a policy has the same colour in every chart: its index in
//!   `summary.scenario.policies` picks from a fixed palette
//!   ([`style::policy_color`]);
//! - value axes are fitted to the data drawn; a break mark on the axis says
//!   when zero is not on it, and difference panels always hold zero;
//! - text comes from the embedded DejaVu font ([`super::font`]) in even
//!   pixel sizes, so charts look the same on every machine;
//! - a chart whose metric the summary lacks (prices before the market
//!   model) is not planned at all; a planned chart with nothing finite to
//!   draw says "No data" and why. Nothing panics on missing data.
//!
//! Files are written atomically (temporary file + rename).

pub mod answer;
pub mod by_country;
pub mod data;
pub mod exceedance;
pub mod fan;
pub mod flow_map;
mod flow_place;
pub mod layout;
pub mod panels;
pub mod peaks;
pub mod policy_comparison;
pub mod runs;
pub mod style;
pub mod tornado;

use rayon::prelude::*;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::font;
use crate::stats::summary::Summary;
pub use data::{
    Ctx, display_factor, find_difference, find_series, last_year, metric_label, stat_at,
};
pub use style::{fmt_num, policy_color, policy_color_hex, share_color};

/// Width of every chart, pixels.
pub const WIDTH: u32 = 1200;
/// Height of every chart, pixels.
pub const HEIGHT: u32 = 700;

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
/// defaults (last year, last flow period, baseline beside the first other
/// policy on the flow map, both formats).
#[derive(Debug, Clone)]
pub struct ChartOptions {
    pub formats: Formats,
    /// Year (`YYYY`) of `dependency_by_country`; default the last year.
    pub year: Option<String>,
    /// Period (`YYYY`) of `flow_map`; default the last period with flows.
    pub flow_period: Option<String>,
    /// The two policies of `flow_map` (`--flow-map-policies A,B`).
    pub flow_policies: Option<(String, String)>,
}

impl Default for ChartOptions {
    fn default() -> Self {
        ChartOptions {
            formats: Formats::Both,
            year: None,
            flow_period: None,
            flow_policies: None,
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
    #[error("{0}")]
    Input(String),
}

/// A drawing failure inside one chart, before we know the file name.
#[derive(Debug)]
pub struct DrawError(pub String);

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for DrawError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        DrawError(e.to_string())
    }
}

pub type DrawResult = Result<(), DrawError>;

/// What the report says about a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartInfo {
    /// File stem.
    pub id: String,
    pub title: String,
    /// How to read it, a paragraph.
    pub guide: String,
    /// An answer chart (shown right after the headline).
    pub answer: bool,
}

/// A chart: what the report says about it and how it is drawn. Implement
/// this (the drawing is generic over the backend) and [`Chart`] follows.
pub trait Draw: Sync {
    fn info(&self) -> &ChartInfo;
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, ctx: &Ctx<'_>) -> DrawResult;
}

/// A [`Draw`] on the two concrete backends, so plans can hold any chart.
pub trait Chart: Sync {
    fn info(&self) -> &ChartInfo;
    fn png(&self, root: &DrawingArea<BitMapBackend<'_>, Shift>, ctx: &Ctx<'_>) -> DrawResult;
    fn svg(&self, root: &DrawingArea<SVGBackend<'_>, Shift>, ctx: &Ctx<'_>) -> DrawResult;
}

impl<T: Draw> Chart for T {
    fn info(&self) -> &ChartInfo {
        Draw::info(self)
    }
    fn png(&self, root: &DrawingArea<BitMapBackend<'_>, Shift>, ctx: &Ctx<'_>) -> DrawResult {
        root.fill(&WHITE)?;
        self.draw(root, ctx)
    }
    fn svg(&self, root: &DrawingArea<SVGBackend<'_>, Shift>, ctx: &Ctx<'_>) -> DrawResult {
        root.fill(&WHITE)?;
        self.draw(root, ctx)
    }
}

/// The charts of a run, in report order.
pub fn plan(ctx: &Ctx<'_>, opts: &ChartOptions) -> Vec<Box<dyn Chart>> {
    let mut v: Vec<Box<dyn Chart>> = vec![];
    v.extend(answer::plan(ctx));
    v.extend(fan::plan(ctx));
    v.extend(policy_comparison::plan(ctx));
    v.extend(by_country::plan(ctx, opts));
    v.extend(exceedance::plan(ctx));
    v.extend(peaks::plan(ctx));
    v.extend(fan::plan_money(ctx));
    v.extend(flow_map::plan(ctx, opts));
    v
}

/// What [`write_charts_with`] would write for `summary`, in report order.
pub fn chart_infos(summary: &Summary, opts: &ChartOptions) -> Vec<ChartInfo> {
    let ctx = Ctx::new(summary);
    plan(&ctx, opts).iter().map(|c| c.info().clone()).collect()
}

/// Writes every chart of the run to `dir` with default options.
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

/// [`write_charts`] with chosen options.
pub fn write_charts_with(
    summary: &Summary,
    dir: &Path,
    opts: &ChartOptions,
) -> Result<Vec<PathBuf>, ReportError> {
    font::ensure_registered().map_err(ReportError::Font)?;
    let ctx = Ctx::new(summary);
    let charts = plan(&ctx, opts);
    write_planned(&ctx, &charts, dir, opts.formats)
}

/// Writes charts that were planned (by [`plan`] or by hand) to `dir`.
pub fn write_planned(
    ctx: &Ctx<'_>,
    charts: &[Box<dyn Chart + '_>],
    dir: &Path,
    formats: Formats,
) -> Result<Vec<PathBuf>, ReportError> {
    font::ensure_registered().map_err(ReportError::Font)?;
    let per_chart = charts
        .par_iter()
        .map(|c| render(c.as_ref(), ctx, dir, formats))
        .collect::<Result<Vec<_>, ReportError>>()?;
    Ok(per_chart.into_iter().flatten().collect())
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

fn render(
    chart: &dyn Chart,
    ctx: &Ctx<'_>,
    dir: &Path,
    formats: Formats,
) -> Result<Vec<PathBuf>, ReportError> {
    let id = chart.info().id.clone();
    let draw_err = |e: DrawError| ReportError::Draw {
        chart: id.clone(),
        message: e.0,
    };
    let mut out = Vec::new();
    if formats.png() {
        let path = dir.join(format!("{id}.png"));
        let tmp = tmp_path(&path, ".png");
        let drawn = (|| -> DrawResult {
            let root = BitMapBackend::new(&tmp, (WIDTH, HEIGHT)).into_drawing_area();
            chart.png(&root, ctx)?;
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
            chart.svg(&root, ctx).map_err(draw_err)?;
            root.present().map_err(|e| draw_err(e.into()))?;
        }
        write_atomic(&path, svg.as_bytes())?;
        out.push(path);
    }
    Ok(out)
}

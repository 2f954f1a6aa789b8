//! `gasdep compare`: several finished runs overlaid like for like. The
//! baseline of each run is drawn for one metric of one node on aligned
//! periods, either the calendar years all runs share or years counted from
//! each run's start, and the alignment is stated on the chart. What is drawn
//! is also returned as rows for `comparison.csv`.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::{Ctx, display_factor, find_series, metric_label, node_name, time_points};
use super::layout::{period_x, time_range, time_ticks, y_label_width};
use super::panels::{Fan, PanelSpec, draw_fan_panel, fan_values, fit_levels};
use super::style::{Swatch, clip, frame, legend, one_line, policy_color};
use super::{ChartInfo, Draw, DrawResult, Formats, ReportError, write_planned};
use crate::stats::summary::{REGION, Stat, Summary};

/// File stem of the comparison chart.
pub const COMPARISON_CHART_ID: &str = "comparison_fan";

/// How periods of different runs are put side by side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Calendar years common to all runs when there are at least two,
    /// else years since each run's start.
    Auto,
    Calendar,
    Relative,
}

/// What `gasdep compare` draws.
#[derive(Debug, Clone)]
pub struct CompareOptions {
    pub metric: String,
    pub node: String,
    pub align: Align,
    pub formats: Formats,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            metric: "dependency_share".into(),
            node: REGION.into(),
            align: Align::Auto,
            formats: Formats::Both,
        }
    }
}

/// One drawn point of one run: calendar period, aligned position and label,
/// and the statistics in display units.
#[derive(Debug, Clone)]
pub struct Point {
    pub period: String,
    pub x: f64,
    pub aligned: String,
    pub stat: Stat,
}

/// One run's curve.
#[derive(Debug, Clone)]
pub struct Curve {
    pub run: usize,
    pub scenario: String,
    pub policy: String,
    pub unit: String,
    pub points: Vec<Point>,
}

/// The runs aligned: curves, the statement of the alignment and, for the
/// tables, the aligned last year of each run.
#[derive(Debug, Clone)]
pub struct Aligned {
    pub calendar: bool,
    pub statement: String,
    pub resolution: String,
    pub curves: Vec<Curve>,
    /// Per run, the year (`YYYY`) that stands for "the same year" in tables.
    pub table_year: Vec<Option<String>>,
    /// Runs left out because they lack the metric for the node.
    pub missing: Vec<usize>,
}

fn years_of(s: &Summary, node: &str, metric: &str) -> Vec<i32> {
    find_series(s, &s.scenario.baseline, node, metric, "year")
        .map(|x| x.periods.iter().filter_map(|p| p.parse().ok()).collect())
        .unwrap_or_default()
}

/// Aligns the runs' baselines for `opts.metric` of `opts.node`.
pub fn align(runs: &[Summary], opts: &CompareOptions) -> Result<Aligned, String> {
    let (m, n) = (opts.metric.as_str(), opts.node.as_str());
    let have: Vec<usize> = (0..runs.len())
        .filter(|&i| {
            let s = &runs[i];
            ["month", "year"]
                .iter()
                .any(|r| find_series(s, &s.scenario.baseline, n, m, r).is_some())
        })
        .collect();
    if have.is_empty() {
        return Err(format!(
            "no run has a series of metric '{m}' for node '{n}' (see docs/results.md for the metrics)"
        ));
    }
    let missing: Vec<usize> = (0..runs.len()).filter(|i| !have.contains(i)).collect();
    let monthly = have.iter().all(|&i| {
        let s = &runs[i];
        find_series(s, &s.scenario.baseline, n, m, "month").is_some()
    });
    let res = if monthly { "month" } else { "year" };
    let years: Vec<Vec<i32>> = have.iter().map(|&i| years_of(&runs[i], n, m)).collect();
    let common: Vec<i32> = years
        .first()
        .map(|first| {
            first
                .iter()
                .copied()
                .filter(|y| years.iter().all(|ys| ys.contains(y)))
                .collect()
        })
        .unwrap_or_default();
    let calendar = match opts.align {
        Align::Calendar if common.is_empty() => {
            return Err("the runs share no calendar year: use --align relative".into());
        }
        Align::Calendar => true,
        Align::Relative => false,
        Align::Auto => common.len() >= 2,
    };
    let (y0, y1) = (
        common.first().copied().unwrap_or(0),
        common.last().copied().unwrap_or(0),
    );
    let statement = if calendar {
        if y0 == y1 {
            format!("Aligned on the calendar year {y0}, the only one common to all runs")
        } else {
            format!("Aligned on the calendar years {y0}–{y1}, common to all runs")
        }
    } else {
        "Aligned on years since each run's start (year 1 = the first year it simulates)".into()
    };
    let shortest = years.iter().map(Vec::len).min().unwrap_or(0);
    let mut curves = vec![];
    let mut table_year = vec![None; runs.len()];
    for (k, &i) in have.iter().enumerate() {
        let s = &runs[i];
        let ser = find_series(s, &s.scenario.baseline, n, m, res).expect("checked above");
        let (f, unit) = display_factor(m, &ser.unit);
        let first_year = years[k].first().copied().unwrap_or(0);
        let mut points = vec![];
        for ((x, st), p) in time_points(ser, f).into_iter().zip(&ser.periods) {
            let year: i32 = p.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0);
            let (x, aligned) = if calendar {
                if year < y0 || year > y1 {
                    continue;
                }
                (x, p.clone())
            } else {
                let base = period_x(&format!("{first_year}-01")).unwrap_or(0.0) - 0.5;
                let rel = x - base;
                let label = if monthly {
                    format!(
                        "year {} month {}",
                        (rel / 12.0).floor() as i64 + 1,
                        (rel % 12.0).floor() as i64 + 1
                    )
                } else {
                    format!("year {}", year - first_year + 1)
                };
                (rel, label)
            };
            points.push(Point {
                period: p.clone(),
                x,
                aligned,
                stat: st,
            });
        }
        table_year[i] = if calendar {
            common.last().map(|y| y.to_string())
        } else {
            years[k]
                .get(shortest.saturating_sub(1))
                .map(|y| y.to_string())
        };
        curves.push(Curve {
            run: i,
            scenario: one_line(&s.scenario.name),
            policy: s.scenario.baseline.clone(),
            unit,
            points,
        });
    }
    Ok(Aligned {
        calendar,
        statement,
        resolution: res.into(),
        curves,
        table_year,
        missing,
    })
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// `comparison.csv`: one row per drawn point, in display units.
pub fn comparison_csv(a: &Aligned, opts: &CompareOptions) -> String {
    let mut out =
        String::from("run,scenario,policy,node,metric,unit,period,aligned_period,p25,p50,p75\n");
    for c in &a.curves {
        for p in &c.points {
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{},{},{},{}\n",
                c.run + 1,
                csv_field(&c.scenario),
                csv_field(&c.policy),
                csv_field(&opts.node),
                csv_field(&opts.metric),
                csv_field(&c.unit),
                p.period,
                csv_field(&p.aligned),
                p.stat.p25,
                p.stat.p50,
                p.stat.p75
            ));
        }
    }
    out
}

struct RunsChart<'r> {
    info: ChartInfo,
    runs: &'r [Summary],
    aligned: Aligned,
    opts: CompareOptions,
}

/// Writes the overlay chart ([`COMPARISON_CHART_ID`]) of the aligned runs.
pub fn write_comparison_charts(
    runs: &[Summary],
    aligned: &Aligned,
    dir: &Path,
    opts: &CompareOptions,
) -> Result<Vec<PathBuf>, ReportError> {
    let chart = RunsChart {
        info: ChartInfo {
            id: COMPARISON_CHART_ID.into(),
            title: String::new(),
            guide: String::new(),
            answer: false,
        },
        runs,
        aligned: aligned.clone(),
        opts: opts.clone(),
    };
    // The chart needs no run's context; the first one stands in.
    let ctx = Ctx::new(&runs[0]);
    let boxed: Vec<Box<dyn super::Chart + '_>> = vec![Box::new(chart)];
    write_planned(&ctx, &boxed, dir, opts.formats)
}

impl Draw for RunsChart<'_> {
    fn info(&self) -> &ChartInfo {
        &self.info
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        _ctx: &Ctx<'_>,
    ) -> DrawResult {
        let first = &self.runs[0];
        let title = format!(
            "{}, {}: baseline of each run",
            metric_label(first, &self.opts.metric),
            node_name(first, &self.opts.node)
        );
        let caption = self
            .runs
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
        let area = frame(
            root,
            &title,
            &caption,
            "Band: 25–75 % of trials; line: median. Runs are independent simulations: differences between them are not paired.",
        )?;
        let fans: Vec<Fan> = self
            .aligned
            .curves
            .iter()
            .map(|c| Fan {
                color: policy_color(c.run),
                pts: c
                    .points
                    .iter()
                    .map(|p| {
                        let mut st = p.stat;
                        (st.p5, st.p95) = (f64::NAN, f64::NAN);
                        (p.x, st)
                    })
                    .collect(),
                target: None,
            })
            .collect();
        let unit = self
            .aligned
            .curves
            .first()
            .map(|c| c.unit.clone())
            .unwrap_or_default();
        let percent = unit == "%";
        let mut vals = fan_values(&fans);
        vals.extend(
            fans.iter()
                .flat_map(|f| f.pts.iter().flat_map(|p| [p.1.p25, p.1.p75])),
        );
        let y = fit_levels(&vals, percent);
        let xr = time_range(fans.iter().flat_map(|f| f.pts.iter().map(|p| p.0)));
        let ticks: Vec<(f64, String)> = if self.aligned.calendar {
            time_ticks(xr.0, xr.1)
        } else {
            let step = ((xr.1 - xr.0) / 12.0 / 10.0).ceil().max(1.0) as i64;
            (((xr.0 - 6.0) / 12.0).ceil() as i64..=((xr.1 - 6.0) / 12.0).floor() as i64)
                .filter(|k| k % step == 0)
                .map(|k| (k as f64 * 12.0 + 6.0, format!("year {}", k + 1)))
                .collect()
        };
        let (w, h) = area.dim_in_pixel();
        let suffix = if percent { " %" } else { "" };
        let left = y_label_width(&area, &y.labels(suffix)) - 16;
        let head = format!("{} ({unit})", self.aligned.statement);
        let spec = PanelSpec {
            rect: (left, 26, w as i32 - 14, h as i32 - 34),
            xr,
            title: &head,
            y_desc: "",
            x_labels: true,
            x_ticks: Some(&ticks),
        };
        draw_fan_panel(&area, &spec, &y, suffix, &fans)?;
        let leg: Vec<_> = self
            .aligned
            .curves
            .iter()
            .map(|c| {
                (
                    format!("{} — {}", clip(&c.scenario, 30), clip(&c.policy, 20)),
                    Swatch::Line(policy_color(c.run)),
                )
            })
            .collect();
        legend(root, &leg)
    }
}

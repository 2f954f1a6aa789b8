//! The answer chart, one per question node (focus countries, then Europe):
//! the paired difference of every policy against the baseline over time,
//! with its 95 % band, for the traced dependency share, curtailment, the
//! bill (or supply cost before prices exist) and ownership exposure.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::{Ctx, diff_unit, display_factor, metric_label};
use super::fan::mean_differences;
use super::layout::{time_range, y_label_width};
use super::panels::{DiffLine, PanelSpec, diff_values, draw_diff_panel, draw_markers, fit_diffs};
use super::style::{MUTED, Swatch, frame, legend, no_data, panel_message, text_bold};
use super::{Chart, ChartInfo, Draw, DrawResult};

/// The four questions, each a list of metrics: the first the summary has
/// for the node is drawn (bill before prices exist falls back to cost).
pub const SLOTS: [&[&str]; 4] = [
    &["dependency_share"],
    &["curtailment_share", "curtailment"],
    &["bill", "cost"],
    &["exposure_revenue", "exposure_volume"],
];

pub struct Answer {
    info: ChartInfo,
    node: String,
}

pub fn plan(ctx: &Ctx<'_>) -> Vec<Box<dyn Chart>> {
    ctx.questions
        .iter()
        .map(|node| {
            let name = ctx.node_name(node);
            let base = ctx.label(ctx.baseline());
            Box::new(Answer {
                info: ChartInfo {
                    id: format!("answer_{node}"),
                    title: format!("{name}: what each policy changes against “{base}”"),
                    guide: format!(
                        "For {name}, the difference each policy makes against the baseline (“{base}”), year by year: traced dependency share, curtailment, the gas bill (the supply cost while the run has no prices) and ownership exposure. Each line is the mean over trials of (policy − baseline) in the same trial, with the same weather and disruptions, so it is the policy's effect and not noise; the band is its 95 % confidence interval. A band that leaves zero is an effect the run resolves. A dashed line without band is a difference of means where the summary keeps no paired statistics. Thin dashed verticals mark the dates the run names (e.g. a contract's first delivery)."
                    ),
                    answer: true,
                },
                node: node.clone(),
            }) as Box<dyn Chart>
        })
        .collect()
}

struct Slot {
    title: String,
    lines: Vec<DiffLine>,
    suffix: String,
}

fn gather(ctx: &Ctx<'_>, node: &str, metrics: &[&str]) -> Option<Slot> {
    for m in metrics {
        let mut lines = vec![];
        for p in ctx.others() {
            let pts = ctx.diffs(&p.id, node, m);
            if !pts.is_empty() {
                lines.push(DiffLine {
                    color: p.color,
                    pts,
                    has_ci: true,
                });
            } else if let Some(pts) = mean_differences(ctx, &p.id, node, m) {
                lines.push(DiffLine {
                    color: p.color,
                    pts,
                    has_ci: false,
                });
            }
        }
        if lines.is_empty() {
            continue;
        }
        let unit = ctx
            .s
            .differences
            .iter()
            .find(|d| d.node == node && d.metric == *m)
            .map(|d| d.unit.clone())
            .or_else(|| {
                ctx.s
                    .series
                    .iter()
                    .find(|s| s.node == node && s.metric == *m)
                    .map(|s| s.unit.clone())
            })
            .unwrap_or_default();
        let du = diff_unit(&display_factor(m, &unit).1);
        return Some(Slot {
            title: format!("{} ({du})", metric_label(ctx.s, m)),
            lines,
            suffix: String::new(),
        });
    }
    None
}

impl Draw for Answer {
    fn info(&self) -> &ChartInfo {
        &self.info
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, ctx: &Ctx<'_>) -> DrawResult {
        let slots: Vec<(&[&str], Option<Slot>)> = SLOTS
            .iter()
            .map(|m| (*m, gather(ctx, &self.node, m)))
            .collect();
        if slots.iter().all(|s| s.1.is_none()) {
            return no_data(
                root,
                &self.info.title,
                &ctx.caption,
                &format!(
                    "no paired differences or yearly series for {} (a run of one policy has nothing to compare)",
                    self.node
                ),
            );
        }
        let area = frame(
            root,
            &self.info.title,
            &ctx.caption,
            "Line: mean paired difference (policy − baseline) over trials; band: 95 % CI; zero line: no effect. Dashed: difference of means, no interval.",
        )?;
        let xr = time_range(
            slots
                .iter()
                .filter_map(|s| s.1.as_ref())
                .flat_map(|s| s.lines.iter().flat_map(|l| l.pts.iter().map(|p| p.0))),
        );
        let cells = area.split_evenly((2, 2));
        for (cell, (metrics, slot)) in cells.iter().zip(&slots) {
            let (w, h) = cell.dim_in_pixel();
            let (w, h) = (w as i32, h as i32);
            let Some(slot) = slot else {
                cell.draw(&Text::new(
                    metric_label(ctx.s, metrics[0]),
                    (70, 4),
                    text_bold(14),
                ))?;
                panel_message(
                    cell,
                    (0, 0, w, h),
                    &format!(
                        "Not in this run: no '{}' for {}",
                        metrics.join("' or '"),
                        self.node
                    ),
                )?;
                continue;
            };
            let y = fit_diffs(&diff_values(&slot.lines));
            let left = y_label_width(cell, &y.labels(&slot.suffix)) - 14;
            let spec = PanelSpec {
                rect: (left, 26, w - 14, h - 34),
                xr,
                title: &slot.title,
                y_desc: "",
                x_labels: true,
                x_ticks: None,
            };
            let plot = draw_diff_panel(cell, &spec, &y, &slot.suffix, &slot.lines)?;
            draw_markers(cell, &plot, &ctx.markers, true)?;
        }
        let mut leg: Vec<(String, Swatch)> = ctx
            .others()
            .map(|p| (p.label.clone(), Swatch::Line(p.color)))
            .collect();
        leg.push(("95 % CI".into(), Swatch::Band(MUTED, 0.3)));
        if slots
            .iter()
            .filter_map(|s| s.1.as_ref())
            .any(|s| s.lines.iter().any(|l| !l.has_ci))
        {
            leg.push(("difference of means".into(), Swatch::Dashed(MUTED)));
        }
        legend(root, &leg)
    }
}

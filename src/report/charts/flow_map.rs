//! The flow map: median yearly flows between countries and from origins,
//! for two chosen policies side by side (`--flow-map-policies A,B`; default
//! the baseline and the first other policy), coloured by the traced share of
//! dependency-country gas, with LNG send-out and contract deliveries as
//! arrows into the countries that receive them.
//!
//! LNG and contracts come from per-node yearly series: `lng` (TWh sent out
//! from the node's terminals, coloured by `lng_dependency_share` when
//! present) and `contract_delivery` (TWh delivered there under long-term
//! contracts, coloured by `contract_dependency_share`). A summary without
//! them draws pipelines only and says so.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::data::{Ctx, display_factor, stat_at};
use super::flow_place::{Boxed, on_edge, separate};
use super::panels::dashed;
use super::style::{
    INK, MUTED, PANEL_BG, anchored, fit_text, fmt_num, frame, no_data, share_color, text,
    text_bold, text_muted, text_width,
};
use super::{Chart, ChartInfo, ChartOptions, Draw, DrawResult, HEIGHT};
use crate::stats::summary::FlowSummary;

pub const LNG_METRIC: &str = "lng";
pub const CONTRACT_METRIC: &str = "contract_delivery";
/// Colour of LNG and contract arrows when their origin share is unknown.
const LNG_BLUE: RGBColor = RGBColor(40, 110, 180);
const CONTRACT_PURPLE: RGBColor = RGBColor(120, 60, 150);
/// Above this many nodes the map draws dots without labels.
const LABELLED_NODES: usize = 60;

pub struct FlowMap {
    info: ChartInfo,
    pair: Option<(String, String)>,
    period: Option<String>,
}

pub fn plan(_ctx: &Ctx<'_>, opts: &ChartOptions) -> Vec<Box<dyn Chart>> {
    vec![Box::new(FlowMap {
        info: ChartInfo {
            id: "flow_map".into(),
            title: "Median gas flows".into(),
            guide: "A schematic map of median yearly flows in one year, for two policies side by side (chosen with --flow-map-policies; by default the baseline and the first other policy). Line width grows with the volume; colour is the traced share of dependency-country gas in the flow (green none, red all); boxes are countries, tinted by their own dependency share, and white boxes at the edge are supply origins. Arrows from outside into a country are LNG send-out (solid, diamond) and contract deliveries (dashed, square), where the run reports them. Countries are nudged apart so no label overlaps another; positions are schematic.".into(),
            answer: false,
        },
        pair: opts.flow_policies.clone(),
        period: opts.flow_period.clone(),
    })]
}

/// Parses `--flow-map-policies A,B` against the ids of the policies run.
pub fn parse_pair(arg: &str, run: &[&str]) -> Result<(String, String), String> {
    let names: Vec<&str> = arg.split(',').map(str::trim).collect();
    let [a, b] = names.as_slice() else {
        return Err(format!(
            "--flow-map-policies '{arg}': expected two policy ids, e.g. no-deal,deal"
        ));
    };
    for n in [a, b] {
        if !run.contains(n) {
            return Err(format!(
                "--flow-map-policies: '{n}' is not a policy of this run (run: {})",
                run.join(", ")
            ));
        }
    }
    Ok((a.to_string(), b.to_string()))
}

fn has_flows(ctx: &Ctx<'_>, policy: &str) -> bool {
    ctx.s.flows.iter().any(|f| f.policy == policy)
}

/// The two policies drawn: the chosen pair when both have flows, else the
/// baseline and the first other policy with flows.
pub fn pair(ctx: &Ctx<'_>, chosen: Option<&(String, String)>) -> Vec<String> {
    if let Some((a, b)) = chosen
        && has_flows(ctx, a)
        && has_flows(ctx, b)
    {
        return if a == b {
            vec![a.clone()]
        } else {
            vec![a.clone(), b.clone()]
        };
    }
    let base = ctx.baseline().to_string();
    let mut v = vec![base.clone()];
    if let Some(p) = ctx.others().find(|p| has_flows(ctx, &p.id)) {
        v.push(p.id.clone());
    }
    v
}

/// An arrow into a node from outside the network (LNG or a contract).
struct Stub {
    node: String,
    twh: f64,
    color: RGBColor,
    contract: bool,
}

fn stubs(ctx: &Ctx<'_>, policy: &str, period: &str) -> Vec<Stub> {
    let mut v = vec![];
    for (metric, share_metric, fallback, contract) in [
        (LNG_METRIC, "lng_dependency_share", LNG_BLUE, false),
        (
            CONTRACT_METRIC,
            "contract_dependency_share",
            CONTRACT_PURPLE,
            true,
        ),
    ] {
        for n in &ctx.s.nodes {
            let Some(st) = ctx
                .series(policy, &n.id, metric, "year")
                .and_then(|s| stat_at(s, period))
            else {
                continue;
            };
            if !(st.p50.is_finite() && st.p50 > 0.0) {
                continue;
            }
            let share = ctx
                .series(policy, &n.id, share_metric, "year")
                .or_else(|| ctx.series(policy, crate::stats::summary::REGION, share_metric, "year"))
                .and_then(|s| stat_at(s, period))
                .map(|s| s.mean);
            v.push(Stub {
                node: n.id.clone(),
                twh: st.p50,
                color: share
                    .filter(|s| s.is_finite())
                    .map_or(fallback, share_color),
                contract,
            });
        }
    }
    v
}

impl Draw for FlowMap {
    fn info(&self) -> &ChartInfo {
        &self.info
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, ctx: &Ctx<'_>) -> DrawResult {
        let shown = pair(ctx, self.pair.as_ref());
        let period = self.period.clone().or_else(|| {
            ctx.s
                .flows
                .iter()
                .filter(|f| f.policy == shown[0])
                .map(|f| f.period.clone())
                .max()
        });
        let title = match &period {
            Some(p) => format!("Median gas flows, {p}"),
            None => "Median gas flows".to_string(),
        };
        let Some(period) = period else {
            return no_data(
                root,
                &title,
                &ctx.caption,
                &format!("the summary has no flows for policy '{}'", shown[0]),
            );
        };
        if !ctx
            .s
            .nodes
            .iter()
            .any(|n| n.lat.is_finite() && n.lon.is_finite())
        {
            return no_data(
                root,
                &title,
                &ctx.caption,
                "no node has finite coordinates (lat, lon)",
            );
        }
        let flows: Vec<Vec<&FlowSummary>> = shown
            .iter()
            .map(|p| {
                ctx.s
                    .flows
                    .iter()
                    .filter(|f| &f.policy == p && f.period == period && f.median_twh.is_finite())
                    .filter(|f| f.median_twh > 0.0 && f.from != f.to)
                    .collect()
            })
            .collect();
        let stubs: Vec<Vec<Stub>> = shown.iter().map(|p| stubs(ctx, p, &period)).collect();
        let max_twh = flows
            .iter()
            .flatten()
            .map(|f| f.median_twh)
            .chain(stubs.iter().flatten().map(|s| s.twh))
            .fold(0.0f64, f64::max);
        let any_stub = stubs.iter().any(|s| !s.is_empty());
        let note = if any_stub {
            "Width ∝ √(median yearly flow); colour: traced dependency share of the flow. Boxes at the edge: origins. Positions schematic."
        } else {
            "Width ∝ √(median yearly flow); colour: traced dependency share of the flow. This run reports no LNG or contract volumes per country: pipelines only."
        };
        let area = frame(root, &title, &ctx.caption, note)?;
        let panels = if shown.len() == 2 {
            area.split_evenly((1, 2))
        } else {
            vec![area]
        };
        let (w, h) = panels[0].dim_in_pixel();
        let layout = layout(&panels[0], ctx, &flows, (f64::from(w), f64::from(h)));
        for (i, panel) in panels.iter().enumerate() {
            let pol = &shown[i];
            let head = format!(
                "{}{}",
                ctx.label(pol),
                if pol == ctx.baseline() {
                    " (baseline)"
                } else {
                    ""
                }
            );
            draw_panel(
                panel, ctx, &layout, pol, &period, &flows[i], &stubs[i], max_twh, &head,
            )?;
            if i == 1 {
                let changes = largest_changes(&flows[0], &flows[1], 3);
                if !changes.is_empty() {
                    let (w, _) = panel.dim_in_pixel();
                    let st = text_muted(12);
                    let line = format!(
                        "Largest changes from {}: {} TWh/y",
                        ctx.label(&shown[0]),
                        changes.join(", ")
                    );
                    panel.draw(&Text::new(
                        fit_text(panel, &line, &st, w as i32 - 20),
                        (8, 26),
                        anchored(st, HPos::Left, VPos::Top),
                    ))?;
                }
            }
        }
        flow_legend(
            root,
            max_twh,
            stubs.iter().flatten().any(|s| !s.contract),
            stubs.iter().flatten().any(|s| s.contract),
        )
    }
}

/// The `n` flows that changed most from `a` to `b` (at least 1 TWh/y), as
/// "RU→DE +16" texts.
pub fn largest_changes(a: &[&FlowSummary], b: &[&FlowSummary], n: usize) -> Vec<String> {
    let key = |f: &FlowSummary| (f.from.clone(), f.to.clone());
    let mut keys: Vec<(String, String)> = a.iter().chain(b).map(|f| key(f)).collect();
    keys.sort();
    keys.dedup();
    let vol = |set: &[&FlowSummary], k: &(String, String)| {
        set.iter()
            .find(|f| key(f) == *k)
            .map_or(0.0, |f| f.median_twh)
    };
    let mut d: Vec<(f64, String)> = keys
        .iter()
        .map(|k| (vol(b, k) - vol(a, k), format!("{}→{}", k.0, k.1)))
        .filter(|(d, _)| d.abs() >= 1.0)
        .collect();
    d.sort_by(|x, y| y.0.abs().total_cmp(&x.0.abs()));
    d.into_iter()
        .take(n)
        .map(|(v, k)| {
            let sign = if v > 0.0 { "+" } else { "\u{2212}" };
            format!("{k} {sign}{:.0}", v.abs())
        })
        .collect()
}

struct Layout {
    nodes: Vec<Boxed>,
    origins: Vec<Boxed>,
    centre: (f64, f64),
    labelled: bool,
}

fn layout<DB: DrawingBackend>(
    panel: &DrawingArea<DB, Shift>,
    ctx: &Ctx<'_>,
    flows: &[Vec<&FlowSummary>],
    (w, h): (f64, f64),
) -> Layout {
    let nodes: Vec<_> = ctx
        .s
        .nodes
        .iter()
        .filter(|n| n.lat.is_finite() && n.lon.is_finite())
        .collect();
    let labelled = nodes.len() <= LABELLED_NODES;
    let mean_lat = nodes.iter().map(|n| n.lat).sum::<f64>() / nodes.len() as f64;
    let kx = mean_lat.to_radians().cos().max(0.2);
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for n in &nodes {
        let (x, y) = (n.lon * kx, n.lat);
        (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
    }
    let span = (x1 - x0).max(y1 - y0).max(2.0);
    let m = span * 0.05;
    (x0, x1, y0, y1) = (x0 - m, x1 + m, y0 - m, y1 + m);
    let inner = (78.0, 110.0, w - 78.0, h - 64.0);
    let sc = ((inner.2 - inner.0) / (x1 - x0)).min((inner.3 - inner.1) / (y1 - y0));
    let cx = (inner.0 + inner.2) / 2.0 - sc * (x0 + x1) / 2.0;
    let cy = (inner.1 + inner.3) / 2.0 + sc * (y0 + y1) / 2.0;
    let st = text_bold(12);
    let mut boxes: Vec<Boxed> = nodes
        .iter()
        .map(|n| {
            let (hw, hh) = if labelled {
                (f64::from(text_width(panel, &n.id, &st)) / 2.0 + 6.0, 11.0)
            } else {
                (3.0, 3.0)
            };
            Boxed {
                id: n.id.clone(),
                x: cx + sc * n.lon * kx,
                y: cy - sc * n.lat,
                hw,
                hh,
            }
        })
        .collect();
    if labelled {
        separate(&mut boxes, inner, 5.0);
    }
    let centre = (
        boxes.iter().map(|b| b.x).sum::<f64>() / boxes.len() as f64,
        boxes.iter().map(|b| b.y).sum::<f64>() / boxes.len() as f64,
    );
    let mut ext_ids: Vec<String> = vec![];
    for f in flows.iter().flatten() {
        for e in [&f.from, &f.to] {
            if !boxes.iter().any(|b| &b.id == e) && !ext_ids.contains(e) {
                ext_ids.push(e.clone());
            }
        }
    }
    let mut origins: Vec<Boxed> = vec![];
    for e in ext_ids {
        let partners: Vec<(f64, f64)> = flows
            .iter()
            .flatten()
            .filter_map(|f| {
                let other = if f.from == e {
                    &f.to
                } else if f.to == e {
                    &f.from
                } else {
                    return None;
                };
                boxes.iter().find(|b| &b.id == other).map(|b| (b.x, b.y))
            })
            .collect();
        let towards = if partners.is_empty() {
            (centre.0 - 1.0, centre.1)
        } else {
            (
                partners.iter().map(|p| p.0).sum::<f64>() / partners.len() as f64,
                partners.iter().map(|p| p.1).sum::<f64>() / partners.len() as f64,
            )
        };
        let ext = Boxed {
            hw: f64::from(text_width(panel, &e, &st)) / 2.0 + 7.0,
            hh: 11.0,
            id: e,
            x: 0.0,
            y: 0.0,
        };
        let placed: Vec<Boxed> = boxes.iter().chain(&origins).cloned().collect();
        origins.push(on_edge(
            ext,
            centre,
            towards,
            (6.0, 54.0, w - 6.0, h - 6.0),
            &placed,
        ));
    }
    Layout {
        nodes: boxes,
        origins,
        centre,
        labelled,
    }
}

fn width(v: f64, max_twh: f64) -> f64 {
    if max_twh > 0.0 {
        1.5 + 13.0 * (v / max_twh).sqrt().min(1.0)
    } else {
        1.5
    }
}

#[allow(clippy::too_many_arguments)]
fn draw_panel<DB: DrawingBackend>(
    panel: &DrawingArea<DB, Shift>,
    ctx: &Ctx<'_>,
    lay: &Layout,
    policy: &str,
    period: &str,
    flows: &[&FlowSummary],
    stubs: &[Stub],
    max_twh: f64,
    head: &str,
) -> DrawResult {
    let (w, h) = panel.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    panel.draw(&Rectangle::new(
        [(4, 44), (w - 4, h - 2)],
        PANEL_BG.filled(),
    ))?;
    let hs = text_bold(16);
    panel.draw(&Text::new(fit_text(panel, head, &hs, w - 12), (8, 4), hs))?;
    let find = |id: &str| lay.nodes.iter().chain(&lay.origins).find(|b| b.id == id);
    let mut order: Vec<&&FlowSummary> = flows.iter().collect();
    order.sort_by(|a, b| b.median_twh.total_cmp(&a.median_twh));
    for f in order {
        let (Some(a), Some(b)) = (find(&f.from), find(&f.to)) else {
            continue;
        };
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let len = dx.hypot(dy);
        let u = (dx / len, dy / len);
        let (ca, cb) = (a.edge(u) + 2.0, b.edge(u) + 2.0);
        if len.is_nan() || len <= ca + cb + 4.0 {
            continue;
        }
        let wpx = width(f.median_twh, max_twh);
        // Offset to the right of travel so A→B and B→A do not overlap.
        let off = wpx / 2.0 + 1.0;
        let (ox, oy) = (-u.1 * off, u.0 * off);
        let p0 = (a.x + u.0 * ca + ox, a.y + u.1 * ca + oy);
        let p1 = (b.x - u.0 * cb + ox, b.y - u.1 * cb + oy);
        let c = share_color(f.dependency_share);
        panel.draw(&PathElement::new(
            vec![(p0.0 as i32, p0.1 as i32), (p1.0 as i32, p1.1 as i32)],
            c.mix(0.9).stroke_width(wpx.round() as u32),
        ))?;
        arrow_head(
            panel,
            (p0.0 + (p1.0 - p0.0) * 0.6, p0.1 + (p1.1 - p0.1) * 0.6),
            u,
            wpx,
        )?;
    }
    for (k, s) in stubs.iter().enumerate() {
        let Some(b) = lay.nodes.iter().find(|b| b.id == s.node) else {
            continue;
        };
        let (mut dx, mut dy) = (b.x - lay.centre.0, b.y - lay.centre.1);
        if dx.hypot(dy) < 1.0 {
            (dx, dy) = (-1.0, 0.0);
        }
        // Contracts come in 40° off the LNG arrow so both stay visible.
        let ang = dy.atan2(dx) + if s.contract { 0.7 } else { 0.0 };
        let u = (ang.cos(), ang.sin());
        let end = b.edge((-u.0, -u.1)) + 2.0;
        let p1 = (b.x + u.0 * end, b.y + u.1 * end);
        let p0 = (p1.0 + u.0 * 38.0, p1.1 + u.1 * 38.0);
        let wpx = width(s.twh, max_twh).round() as u32;
        let pts = [(p0.0 as i32, p0.1 as i32), (p1.0 as i32, p1.1 as i32)];
        if s.contract {
            dashed(panel, &pts, s.color, wpx.max(2))?;
            panel.draw(&Rectangle::new(
                [(pts[0].0 - 4, pts[0].1 - 4), (pts[0].0 + 4, pts[0].1 + 4)],
                s.color.filled(),
            ))?;
        } else {
            panel.draw(&PathElement::new(
                pts.to_vec(),
                s.color.mix(0.9).stroke_width(wpx),
            ))?;
            let (x, y) = pts[0];
            panel.draw(&Polygon::new(
                vec![(x, y - 6), (x + 6, y), (x, y + 6), (x - 6, y)],
                s.color.filled(),
            ))?;
        }
        arrow_head(
            panel,
            (p0.0 + (p1.0 - p0.0) * 0.7, p0.1 + (p1.1 - p0.1) * 0.7),
            (-u.0, -u.1),
            f64::from(wpx),
        )?;
        let _ = k;
    }
    let node_share = |id: &str| {
        ctx.series(policy, id, "dependency_share", "year")
            .and_then(|s| {
                let (f, _) = display_factor("dependency_share", &s.unit);
                stat_at(s, period).map(|st| st.p50 * f / 100.0)
            })
            .filter(|v| v.is_finite())
    };
    let centre = |s: TextStyle<'static>| anchored(s, HPos::Center, VPos::Center);
    for b in &lay.nodes {
        let (x, y) = (b.x as i32, b.y as i32);
        let fill = node_share(&b.id).map_or(RGBColor(235, 236, 238), share_color);
        let r = [
            (x - b.hw as i32, y - b.hh as i32),
            (x + b.hw as i32, y + b.hh as i32),
        ];
        if lay.labelled {
            panel.draw(&Rectangle::new(r, WHITE.filled()))?;
            panel.draw(&Rectangle::new(r, fill.mix(0.4).filled()))?;
            panel.draw(&Rectangle::new(r, INK.stroke_width(2)))?;
            panel.draw(&Text::new(b.id.clone(), (x, y), centre(text_bold(12))))?;
        } else {
            panel.draw(&Circle::new((x, y), 3, fill.filled()))?;
        }
    }
    for b in &lay.origins {
        let (x, y) = (b.x as i32, b.y as i32);
        let r = [
            (x - b.hw as i32, y - b.hh as i32),
            (x + b.hw as i32, y + b.hh as i32),
        ];
        panel.draw(&Rectangle::new(r, WHITE.filled()))?;
        panel.draw(&Rectangle::new(r, MUTED.stroke_width(1)))?;
        panel.draw(&Text::new(
            b.id.clone(),
            (x, y),
            centre(text_bold(12).color(&MUTED)),
        ))?;
    }
    if flows.is_empty() && stubs.is_empty() {
        panel.draw(&Text::new(
            format!("No flows for this policy in {period}"),
            (w / 2, h / 2),
            centre(text_muted(16)),
        ))?;
    }
    Ok(())
}

fn arrow_head<DB: DrawingBackend>(
    panel: &DrawingArea<DB, Shift>,
    at: (f64, f64),
    u: (f64, f64),
    wpx: f64,
) -> DrawResult {
    let s = 6.0 + wpx * 0.6;
    let tip = ((at.0 + u.0 * s) as i32, (at.1 + u.1 * s) as i32);
    let l = ((at.0 - u.1 * s * 0.6) as i32, (at.1 + u.0 * s * 0.6) as i32);
    let r = ((at.0 + u.1 * s * 0.6) as i32, (at.1 - u.0 * s * 0.6) as i32);
    panel.draw(&Polygon::new(vec![tip, l, r], INK.mix(0.7).filled()))?;
    Ok(())
}

/// Colour scale, width key and the LNG / contract symbols, in the legend strip.
fn flow_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    max_twh: f64,
    lng: bool,
    contract: bool,
) -> DrawResult {
    let y = HEIGHT as i32 - 66;
    let x0 = super::style::FRAME_LEFT + 8;
    let st = text(14);
    root.draw(&Text::new("Dependency share:", (x0, y), st.clone()))?;
    let bar_x = x0 + 10 + text_width(root, "Dependency share:", &st);
    for k in 0..160 {
        root.draw(&Rectangle::new(
            [(bar_x + k, y), (bar_x + k + 1, y + 14)],
            share_color(f64::from(k) / 159.0).filled(),
        ))?;
    }
    for (k, lab) in [(0, "0 %"), (80, "50 %"), (159, "100 %")] {
        root.draw(&Text::new(
            lab,
            (bar_x + k, y + 17),
            anchored(text_muted(12), HPos::Center, VPos::Top),
        ))?;
    }
    let mut x = bar_x + 200;
    if max_twh > 0.0 {
        root.draw(&Text::new("Median flow:", (x, y), st.clone()))?;
        x += 8 + text_width(root, "Median flow:", &st);
        for frac in [0.1, 0.5, 1.0] {
            let v = max_twh * frac;
            root.draw(&PathElement::new(
                vec![(x, y + 7), (x + 30, y + 7)],
                MUTED.stroke_width(width(v, max_twh).round() as u32),
            ))?;
            let label = format!(
                "{} TWh/y",
                if v >= 10.0 {
                    format!("{v:.0}")
                } else {
                    fmt_num(v)
                }
            );
            root.draw(&Text::new(label.clone(), (x + 36, y), text(12)))?;
            x += 46 + text_width(root, &label, &text(12));
        }
    }
    if lng {
        let p = (x + 8, y + 7);
        root.draw(&Polygon::new(
            vec![
                (p.0, p.1 - 6),
                (p.0 + 6, p.1),
                (p.0, p.1 + 6),
                (p.0 - 6, p.1),
            ],
            LNG_BLUE.filled(),
        ))?;
        root.draw(&PathElement::new(
            vec![p, (p.0 + 26, p.1)],
            LNG_BLUE.stroke_width(3),
        ))?;
        root.draw(&Text::new("LNG", (p.0 + 32, y), text(12)))?;
        x += 80;
    }
    if contract {
        let p = (x + 8, y + 7);
        root.draw(&Rectangle::new(
            [(p.0 - 4, p.1 - 4), (p.0 + 4, p.1 + 4)],
            CONTRACT_PURPLE.filled(),
        ))?;
        dashed(root, &[p, (p.0 + 26, p.1)], CONTRACT_PURPLE, 3)?;
        root.draw(&Text::new("contract", (p.0 + 32, y), text(12)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_pairs_are_checked() {
        let run = ["base", "deal", "cap"];
        assert_eq!(
            parse_pair("deal, cap", &run),
            Ok(("deal".to_string(), "cap".to_string()))
        );
        assert!(parse_pair("deal", &run).is_err());
        assert!(parse_pair("deal,cap,base", &run).is_err());
        assert!(
            parse_pair("deal,other", &run)
                .unwrap_err()
                .contains("'other'")
        );
    }

    #[test]
    fn largest_changes_rank_by_size() {
        let f = |from: &str, to: &str, v: f64| FlowSummary {
            policy: "p".into(),
            period: "2020".into(),
            pipeline: format!("{from}-{to}"),
            from: from.into(),
            to: to.into(),
            median_twh: v,
            dependency_share: 0.0,
        };
        let a = [
            f("RU", "DE", 100.0),
            f("UA", "SK", 50.0),
            f("NO", "DE", 80.0),
        ];
        let b = [
            f("RU", "DE", 116.0),
            f("UA", "SK", 30.0),
            f("NO", "DE", 80.5),
            f("QA-LNG", "FR", 5.0),
        ];
        let a: Vec<&FlowSummary> = a.iter().collect();
        let b: Vec<&FlowSummary> = b.iter().collect();
        assert_eq!(
            largest_changes(&a, &b, 2),
            ["UA→SK \u{2212}20", "RU→DE +16"]
        );
        assert_eq!(
            largest_changes(&a, &b, 9).len(),
            3,
            "under 1 TWh/y left out"
        );
        assert!(largest_changes(&a, &b, 9).contains(&"QA-LNG→FR +5".to_string()));
    }
}

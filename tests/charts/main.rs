//! Integration tests of the charts and HTML report: files exist with the
//! stated size and format, are not blank, draw the numbers of the summary
//! on fitted axes, leave out what has no data, survive degenerate input;
//! the report answers first, is self-contained and escaped; comparisons
//! align periods.

use std::path::{Path, PathBuf};

use gasdep::report::charts::runs::{Align, CompareOptions};
use gasdep::report::charts::{
    self, ChartOptions, Formats, HEIGHT, WIDTH, chart_infos, policy_color, write_charts,
    write_charts_with,
};
use gasdep::report::comparison::write_comparison;
use gasdep::report::html::write_report;
use gasdep::stats::summary::*;
use plotters::style::RGBColor;

fn stat(p50: f64, spread: f64) -> Stat {
    Stat {
        mean: p50,
        sd: spread / 2.0,
        min: (p50 - 2.0 * spread).max(0.0),
        max: p50 + 2.0 * spread,
        p5: (p50 - 1.5 * spread).max(0.0),
        p25: (p50 - 0.6 * spread).max(0.0),
        p50,
        p75: p50 + 0.6 * spread,
        p95: p50 + 1.5 * spread,
    }
}

fn series(
    p: &str,
    node: &str,
    metric: &str,
    unit: &str,
    res: &str,
    vals: Vec<(String, Stat)>,
) -> Series {
    Series {
        policy: p.into(),
        node: node.into(),
        metric: metric.into(),
        unit: unit.into(),
        resolution: res.into(),
        periods: vals.iter().map(|v| v.0.clone()).collect(),
        stats: vals.iter().map(|v| v.1).collect(),
    }
}

const POLICIES: [(&str, &str); 3] = [
    ("base", "Baseline: stake and contract"),
    ("lng", "LNG terminals instead"),
    ("cut", "Demand reduction 15 %"),
];
/// Median region dependency share of each policy in the final months.
const FINAL_DEP: [f64; 3] = [0.62, 0.35, 0.18];
const NODES: [(&str, &str, f64, f64); 6] = [
    ("DE", "Germany", 51.2, 10.4),
    ("FR", "France", 46.6, 2.4),
    ("IT", "Italy", 42.8, 12.5),
    ("PL", "Poland", 52.0, 19.1),
    ("AT", "Austria", 47.6, 14.5),
    ("UA", "Ukraine (transit)", 49.0, 31.0),
];

fn years() -> Vec<String> {
    (2010..2015).map(|y| y.to_string()).collect()
}

fn yearly(f: &dyn Fn(usize) -> Stat) -> Vec<(String, Stat)> {
    years()
        .into_iter()
        .enumerate()
        .map(|(i, y)| (y, f(i)))
        .collect()
}

fn fixture(name: &str) -> Summary {
    let mut s = Vec::new();
    let months: Vec<String> = (2010..2015)
        .flat_map(|y| (1..=12).map(move |m| format!("{y}-{m:02}")))
        .collect();
    for (pi, (p, _)) in POLICIES.iter().enumerate() {
        let fin = FINAL_DEP[pi];
        // Rises to its final value in 2013 and stays there: the last months
        // are flat, so the median's pixel row is well defined.
        let dep = months
            .iter()
            .enumerate()
            .map(|(i, m)| {
                (
                    m.clone(),
                    stat(fin * (0.6 + 0.4 * (i as f64 / 40.0).min(1.0)), 0.03),
                )
            })
            .collect();
        s.push(series(p, REGION, "dependency_share", "share", "month", dep));
        let fill = months
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let season = (i as f64 * std::f64::consts::TAU / 12.0 - 1.2).sin();
                (
                    m.clone(),
                    stat(0.55 + 0.3 * season - 0.05 * pi as f64, 0.08),
                )
            })
            .collect();
        s.push(series(p, REGION, "storage_fill", "share", "month", fill));
        s.push(series(
            p,
            REGION,
            "dependency_share",
            "share",
            "year",
            yearly(&|_| stat(fin, 0.05)),
        ));
        let curt = |i: usize| {
            let mut st = stat(0.0, 0.0);
            st.p75 = 0.001 * (3 - pi) as f64;
            st.p95 = 0.01 * (3 - pi) as f64 * (1.0 + i as f64 / 5.0);
            st.max = 2.5 * st.p95;
            st.mean = st.p95 / 4.0;
            st
        };
        s.push(series(
            p,
            REGION,
            "curtailment_share",
            "share",
            "year",
            yearly(&curt),
        ));
        s.push(series(
            p,
            REGION,
            "storage_fill_nov1",
            "share",
            "year",
            yearly(&|_| stat(0.8 + 0.05 * pi as f64, 0.07)),
        ));
        s.push(series(
            p,
            REGION,
            "cost",
            "EUR m",
            "year",
            yearly(&|_| stat(42000.0 + 3000.0 * pi as f64, 4000.0)),
        ));
        s.push(series(
            p,
            "FR",
            "exposure_revenue",
            "EUR m",
            "year",
            yearly(&|i| stat(10.0 * (pi * i) as f64, 1.0)),
        ));
        for (ni, (n, ..)) in NODES.iter().enumerate() {
            let transit = *n == "UA";
            let d = if transit {
                0.0
            } else {
                (fin * (0.4 + 0.3 * ni as f64)).min(0.95)
            };
            s.push(series(
                p,
                n,
                "dependency_share",
                "share",
                "year",
                yearly(&|_| stat(d, 0.04)),
            ));
            let dem = if transit { 0.0 } else { 100.0 };
            s.push(series(
                p,
                n,
                "demand",
                "TWh",
                "year",
                yearly(&|_| stat(dem, 0.0)),
            ));
        }
    }
    let mut differences = vec![];
    let mut events = vec![];
    for (pi, (p, _)) in POLICIES.iter().enumerate() {
        for (i, y) in years().iter().enumerate() {
            let prob = if pi == 2 && i == 3 { 0.4 } else { 0.0 };
            events.push(EventProbability {
                policy: p.to_string(),
                node: REGION.into(),
                event: "curtailment_gt_1pct_annual_demand".into(),
                description: "curtailment above 1 % of the year's demand".into(),
                period: y.clone(),
                probability: prob,
                ci_low: (prob - 0.1f64).max(0.0),
                ci_high: prob + 0.1,
            });
        }
        if pi == 0 {
            continue;
        }
        for node in [REGION, "FR"] {
            for (m, unit, d) in [
                ("dependency_share", "share", FINAL_DEP[pi] - FINAL_DEP[0]),
                ("curtailment_share", "share", -0.004),
                ("storage_fill_nov1", "share", 0.05),
                ("cost", "EUR m", 3000.0 * pi as f64),
            ] {
                for y in years() {
                    differences.push(PairedDifference {
                        policy: p.to_string(),
                        baseline: "base".into(),
                        node: node.into(),
                        metric: m.into(),
                        unit: unit.into(),
                        period: y,
                        mean: d,
                        ci_low: d - d.abs() * 0.2 - 0.001,
                        ci_high: d + d.abs() * 0.2 + 0.001,
                    });
                }
            }
        }
    }
    let mut flows = vec![];
    for (pi, (p, _)) in POLICIES.iter().enumerate() {
        for (from, to, twh, share) in [
            ("RU", "PL", 120.0, 1.0),
            ("RU", "DE", 300.0, 1.0),
            ("NO", "DE", 250.0, 0.0),
            ("DE", "FR", 80.0, 0.45),
            ("DE", "AT", 70.0, 0.6),
            ("AT", "IT", 110.0, 0.55),
            ("PL", "DE", 40.0, 0.9),
            ("RU", "UA", 90.0, 1.0),
            ("DZ", "IT", 200.0, 0.0),
        ] {
            flows.push(FlowSummary {
                policy: p.to_string(),
                period: "2014".into(),
                pipeline: format!("{from}-{to}").to_lowercase(),
                from: from.into(),
                to: to.into(),
                median_twh: twh * (1.0 - 0.2 * pi as f64 * share),
                dependency_share: share,
            });
        }
    }
    let exceedance = POLICIES
        .iter()
        .enumerate()
        .map(|(pi, (p, _))| Exceedance {
            policy: p.to_string(),
            node: REGION.into(),
            metric: "curtailment_share".into(),
            unit: "share".into(),
            thresholds: vec![0.0, 0.001, 0.01, 0.1, 0.5],
            probability: vec![0.5, 0.2 / (pi + 1) as f64, 0.01 / (pi + 1) as f64, 0.0, 0.0],
        })
        .collect();
    Summary {
        schema_version: SCHEMA_VERSION,
        gasdep_version: "0.1.0".into(),
        scenario: ScenarioInfo {
            name: name.into(),
            description: "Test scenario: three policies, six countries. <b>not bold</b>".into(),
            start: "2010-01".into(),
            end: "2014-12".into(),
            step: "month".into(),
            dependency_countries: vec!["RU".into()],
            baseline: "base".into(),
            policies: POLICIES
                .iter()
                .map(|(id, l)| PolicyInfo {
                    id: id.to_string(),
                    label: l.to_string(),
                    description: format!("policy {id}"),
                })
                .collect(),
        },
        run: RunInfo {
            trials: 1000,
            seed: 42,
            shard: None,
            wall_seconds: 1.0,
            threads: 2,
            command: "gasdep run x.toml".into(),
            focus: vec!["FR".into()],
            markers: vec![Marker {
                period: "2012-01".into(),
                label: "contract starts".into(),
                policy: Some("lng".into()),
            }],
        },
        nodes: NODES
            .iter()
            .map(|(id, n, lat, lon)| NodeInfo {
                id: id.to_string(),
                name: n.to_string(),
                lat: *lat,
                lon: *lon,
            })
            .collect(),
        origins: vec![],
        series: s,
        events,
        differences,
        flows,
        exceedance,
        hazard_grid: None,
    }
}

struct Image {
    w: u32,
    rgb: Vec<u8>,
}

impl Image {
    fn px(&self, x: u32, y: u32) -> (u8, u8, u8) {
        let i = ((y * self.w + x) * 3) as usize;
        (self.rgb[i], self.rgb[i + 1], self.rgb[i + 2])
    }
}

fn decode_png(path: &Path) -> Image {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{path:?} is not a PNG");
    let mut dec = png::Decoder::new(std::io::Cursor::new(bytes));
    dec.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = dec.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (WIDTH, HEIGHT), "{path:?} size");
    let ch = info.color_type.samples();
    let rgb = buf[..info.buffer_size()]
        .chunks(ch)
        .flat_map(|p| [p[0], p[1 % ch], p[2 % ch]])
        .collect();
    Image { w: info.width, rgb }
}

/// Variance of grey levels: a white page gives 0.
fn grey_variance(img: &Image) -> f64 {
    let grey: Vec<f64> = img
        .rgb
        .chunks(3)
        .map(|p| (p[0] as f64 + p[1] as f64 + p[2] as f64) / 3.0)
        .collect();
    let n = grey.len() as f64;
    let mean = grey.iter().sum::<f64>() / n;
    grey.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / n
}

fn write_all(s: &Summary) -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let files = write_charts(s, dir.path(), Formats::Both).unwrap();
    // Set GASDEP_KEEP_CHARTS=DIR to look at the charts by eye.
    if let Ok(keep) = std::env::var("GASDEP_KEEP_CHARTS") {
        for f in &files {
            let stem: String = s
                .scenario
                .name
                .chars()
                .map(|c| if c.is_alphanumeric() { c } else { '_' })
                .collect();
            let name = format!("{stem}-{}", f.file_name().unwrap().to_string_lossy());
            std::fs::copy(f, Path::new(&keep).join(name)).unwrap();
        }
    }
    (dir, files)
}

fn ids(s: &Summary) -> Vec<String> {
    chart_infos(s, &ChartOptions::default())
        .into_iter()
        .map(|i| i.id)
        .collect()
}

fn svg(dir: &Path, id: &str) -> String {
    std::fs::read_to_string(dir.join(format!("{id}.svg"))).unwrap()
}

/// The texts of an SVG's `<text>` elements, trimmed.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = &t[t.find('>')? + 1..];
            Some(body[..body.find("</text>")?].trim().to_string())
        })
        .collect()
}

#[path = "../common/mod.rs"]
mod common;
mod comparison;
mod images;
mod peaks;
mod report;

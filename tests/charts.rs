//! Integration tests of the charts and HTML report: files exist with the
//! stated size and format, are not blank, draw the numbers of the summary,
//! survive degenerate input, and the report is self-contained and escaped.

use std::path::{Path, PathBuf};

use gasdep::report::charts::{
    self, Formats, HEIGHT, WIDTH, chart_ids, fan_plot_rect, policy_color, write_charts,
};
use gasdep::report::html::{write_comparison, write_report};
use gasdep::stats::summary::*;

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
    policy: &str,
    node: &str,
    metric: &str,
    unit: &str,
    res: &str,
    vals: &[(String, Stat)],
) -> Series {
    Series {
        policy: policy.into(),
        node: node.into(),
        metric: metric.into(),
        unit: unit.into(),
        resolution: res.into(),
        periods: vals.iter().map(|v| v.0.clone()).collect(),
        stats: vals.iter().map(|v| v.1).collect(),
    }
}

/// Months 2010-01 … 2014-12.
fn months() -> Vec<String> {
    (2010..2015)
        .flat_map(|y| (1..=12).map(move |m| format!("{y}-{m:02}")))
        .collect()
}

const POLICIES: [(&str, &str); 3] = [
    ("base", "Baseline: stake and contract"),
    ("lng", "LNG terminals instead"),
    ("cut", "Demand reduction 15 %"),
];
/// Median region dependency share of each policy in the final months.
const FINAL_DEP: [f64; 3] = [0.62, 0.35, 0.18];

fn fixture(name: &str) -> Summary {
    let mut s = Vec::new();
    let ms = months();
    let years: Vec<String> = (2010..2015).map(|y| y.to_string()).collect();
    let nodes = [
        ("DE", "Germany", 51.2, 10.4),
        ("FR", "France", 46.6, 2.4),
        ("IT", "Italy", 42.8, 12.5),
        ("PL", "Poland", 52.0, 19.1),
        ("AT", "Austria", 47.6, 14.5),
    ];
    for (pi, (p, _)) in POLICIES.iter().enumerate() {
        let fin = FINAL_DEP[pi];
        // Rises linearly to its final value in 2013 and stays there, so the
        // last months are flat and the median's pixel row is well defined.
        let dep: Vec<(String, Stat)> = ms
            .iter()
            .enumerate()
            .map(|(i, m)| {
                (
                    m.clone(),
                    stat(fin * (0.6 + 0.4 * (i as f64 / 40.0).min(1.0)), 0.06),
                )
            })
            .collect();
        s.push(series(
            p,
            REGION,
            "dependency_share",
            "share",
            "month",
            &dep,
        ));
        let fill: Vec<(String, Stat)> = ms
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
        s.push(series(p, REGION, "storage_fill", "share", "month", &fill));
        if pi == 2 {
            let target: Vec<(String, Stat)> = ms
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    (
                        m.clone(),
                        stat(
                            if i % 12 >= 10 {
                                0.9
                            } else {
                                0.45 + 0.045 * (i % 12) as f64
                            },
                            0.0,
                        ),
                    )
                })
                .collect();
            s.push(series(
                p,
                REGION,
                "storage_target",
                "share",
                "month",
                &target,
            ));
        }
        let yearly = |f: &dyn Fn(usize) -> Stat| -> Vec<(String, Stat)> {
            years
                .iter()
                .enumerate()
                .map(|(i, y)| (y.clone(), f(i)))
                .collect()
        };
        s.push(series(
            p,
            REGION,
            "dependency_share",
            "share",
            "year",
            &yearly(&|_| stat(fin, 0.05)),
        ));
        s.push(series(
            p,
            REGION,
            "curtailment_share",
            "share",
            "year",
            &yearly(&|i| {
                let mut st = stat(0.0, 0.0);
                st.p75 = 0.001 * (3 - pi) as f64;
                st.p95 = 0.01 * (3 - pi) as f64 * (1.0 + i as f64 / 5.0);
                st.max = 2.5 * st.p95;
                st
            }),
        ));
        s.push(series(
            p,
            REGION,
            "storage_fill_nov1",
            "share",
            "year",
            &yearly(&|_| stat(0.8 + 0.05 * pi as f64, 0.07)),
        ));
        s.push(series(
            p,
            REGION,
            "cost",
            "EUR m",
            "year",
            &yearly(&|_| stat(42000.0 + 3000.0 * pi as f64, 4000.0)),
        ));
        for (ni, (n, ..)) in nodes.iter().enumerate() {
            s.push(series(
                p,
                n,
                "dependency_share",
                "share",
                "year",
                &yearly(&|_| stat((fin * (0.4 + 0.3 * ni as f64)).min(0.95), 0.04)),
            ));
        }
    }
    let mut differences = vec![];
    for (pi, (p, _)) in POLICIES.iter().enumerate().skip(1) {
        for (m, unit, d) in [
            ("dependency_share", "share", FINAL_DEP[pi] - FINAL_DEP[0]),
            ("curtailment_share", "share", -0.004),
            ("storage_fill_nov1", "share", 0.05),
            ("cost", "EUR m", 3000.0 * pi as f64),
        ] {
            differences.push(PairedDifference {
                policy: p.to_string(),
                baseline: "base".into(),
                node: REGION.into(),
                metric: m.into(),
                unit: unit.into(),
                period: "2014".into(),
                mean: d,
                ci_low: d - d.abs() * 0.2 - 0.001,
                ci_high: d + d.abs() * 0.2 + 0.001,
            });
        }
    }
    let mut flows = vec![];
    for (pi, (p, _)) in POLICIES.iter().enumerate() {
        for (from, to, twh, share) in [
            ("RU", "PL", 120.0, 1.0),
            ("RU", "DE", 300.0, 1.0),
            ("NO", "DE", 250.0, 0.0),
            ("LNG", "FR", 90.0 + 60.0 * pi as f64, 0.05),
            ("DE", "FR", 80.0, 0.45),
            ("DE", "AT", 70.0, 0.6),
            ("AT", "IT", 110.0, 0.55),
            ("PL", "DE", 40.0, 0.9),
            ("DZ", "IT", 200.0, 0.0),
        ] {
            flows.push(FlowSummary {
                policy: p.to_string(),
                period: "2014".into(),
                from: from.into(),
                to: to.into(),
                median_twh: twh * (1.0 - 0.2 * pi as f64 * share),
                dependency_share: share,
            });
        }
    }
    Summary {
        schema_version: SCHEMA_VERSION,
        gasdep_version: "0.1.0".into(),
        scenario: ScenarioInfo {
            name: name.into(),
            description: "Test scenario: three policies, five countries. <b>not bold</b>".into(),
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
            trials: 10000,
            seed: 42,
            shard: None,
            wall_seconds: 1.0,
            threads: 2,
            command: "gasdep run x.toml".into(),
        },
        nodes: nodes
            .iter()
            .map(|(id, n, lat, lon)| NodeInfo {
                id: id.to_string(),
                name: n.to_string(),
                lat: *lat,
                lon: *lon,
            })
            .collect(),
        series: s,
        events: vec![EventProbability {
            policy: "base".into(),
            node: REGION.into(),
            event: "curtailment_gt_1pct_annual_demand".into(),
            description: "Unserved > 1 % of annual demand".into(),
            period: "any".into(),
            probability: 0.12,
            ci_low: 0.11,
            ci_high: 0.13,
        }],
        differences,
        flows,
        origins: Vec::new(),
        exceedance: Vec::new(),
    }
}

struct Image {
    w: u32,
    h: u32,
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
    // IHDR: signature (8), length (4), "IHDR" (4), width, height (big endian).
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{path:?} is not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert_eq!((w, h), (WIDTH, HEIGHT), "{path:?} size");
    let mut dec = png::Decoder::new(std::io::Cursor::new(bytes));
    dec.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = dec.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let ch = info.color_type.samples();
    let rgb = buf[..info.buffer_size()]
        .chunks(ch)
        .flat_map(|p| [p[0], p[1 % ch], p[2 % ch]])
        .collect();
    Image { w, h, rgb }
}

/// Variance of grey levels: a white page gives 0.
fn grey_variance(img: &Image) -> f64 {
    let n = (img.w * img.h) as f64;
    let grey: Vec<f64> = img
        .rgb
        .chunks(3)
        .map(|p| (p[0] as f64 + p[1] as f64 + p[2] as f64) / 3.0)
        .collect();
    let mean = grey.iter().sum::<f64>() / n;
    grey.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / n
}

fn write_all(s: &Summary) -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let files = write_charts(s, dir.path(), Formats::Both).unwrap();
    (dir, files)
}

#[test]
fn every_chart_is_a_png_and_svg_of_the_stated_size_and_not_blank() {
    let (dir, files) = write_all(&fixture("Franco-Russian 2010"));
    // Set GASDEP_KEEP_CHARTS=DIR to look at the charts by eye.
    if let Ok(keep) = std::env::var("GASDEP_KEEP_CHARTS") {
        for f in &files {
            std::fs::copy(f, Path::new(&keep).join(f.file_name().unwrap())).unwrap();
        }
    }
    assert_eq!(files.len(), 2 * chart_ids().len());
    for id in chart_ids() {
        let png = dir.path().join(format!("{id}.png"));
        let img = decode_png(&png);
        let var = grey_variance(&img);
        // Measured 1200–2500 for these charts; a blank or title-only page is < 200.
        assert!(var > 300.0, "{id}.png looks blank (grey variance {var:.0})");
        let svg = std::fs::read_to_string(dir.path().join(format!("{id}.svg"))).unwrap();
        assert!(svg.trim_start().starts_with("<svg"), "{id}.svg");
        assert!(svg.trim_end().ends_with("</svg>"), "{id}.svg is not closed");
        assert!(
            svg.contains(&format!("width=\"{WIDTH}\""))
                && svg.contains(&format!("height=\"{HEIGHT}\"")),
            "{id}.svg size"
        );
        assert!(
            !svg.contains("No data"),
            "{id} fell back to 'No data' on a full fixture"
        );
        // Balanced angle brackets are a cheap well-formedness check.
        assert_eq!(
            svg.matches('<').count(),
            svg.matches('>').count(),
            "{id}.svg"
        );
    }
    // Atomic writing leaves no temporary file behind.
    for e in std::fs::read_dir(dir.path()).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.contains(".tmp-"), "left over {name}");
    }
}

#[test]
fn fan_chart_median_sits_at_p50() {
    let s = fixture("fan");
    let dir = tempfile::tempdir().unwrap();
    charts::write_charts(&s, dir.path(), Formats::Png).unwrap();
    let img = decode_png(&dir.path().join("dependency_fan.png"));
    let (_, top, right, bottom) = fan_plot_rect();
    // A few pixels left of the last month: the medians are flat there.
    let x = (right - 6) as u32;
    for (pi, v) in FINAL_DEP.iter().enumerate() {
        let RGBColor(r, g, b) = policy_color(pi);
        let ys: Vec<u32> = (top as u32..bottom as u32)
            .filter(|y| {
                let (pr, pg, pb) = img.px(x, *y);
                (pr as i32 - r as i32).abs() < 8
                    && (pg as i32 - g as i32).abs() < 8
                    && (pb as i32 - b as i32).abs() < 8
            })
            .collect();
        assert!(!ys.is_empty(), "policy {pi}: no median pixel in column {x}");
        let y = ys.iter().sum::<u32>() as f64 / ys.len() as f64;
        let expect = top as f64 + (1.0 - v) * (bottom - top) as f64;
        assert!(
            (y - expect).abs() <= 3.0,
            "policy {pi}: median at y={y}, expected {expect} for {v}"
        );
    }
}

use plotters::style::RGBColor;

#[test]
fn report_inlines_every_chart_and_escapes_names() {
    let s = fixture("<script>alert(1)</script> & co");
    let (dir, files) = write_all(&s);
    let path = dir.path().join("report.html");
    write_report(&s, &files, &path).unwrap();
    let html = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        html.matches("src=\"data:image/png;base64,").count(),
        chart_ids().len()
    );
    for id in chart_ids() {
        assert!(html.contains(&format!("id=\"{id}\"")), "missing {id}");
    }
    assert!(!html.contains("<script"), "unescaped scenario name");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
    assert!(!html.contains("<b>not bold</b>"));
    // Self-contained: no external resources.
    assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("src=\"/"));
    // The headline table has the baseline's last-year median dependency (62.0 %).
    assert!(html.contains("62.0 %"), "headline median missing");
    // The embedded PNG round-trips to the file's bytes.
    let b64_start = html.find("data:image/png;base64,").unwrap() + "data:image/png;base64,".len();
    let b64_len = html[b64_start..].find('"').unwrap();
    let first = std::fs::read(dir.path().join(format!("{}.png", chart_ids()[0]))).unwrap();
    assert_eq!(
        &html[b64_start..b64_start + b64_len],
        gasdep::report::html::base64(&first)
    );
}

#[test]
fn degenerate_input_gives_no_data_charts_not_panics() {
    // No series, no flows, no nodes.
    let mut empty = fixture("empty");
    empty.series.clear();
    empty.flows.clear();
    empty.nodes.clear();
    empty.differences.clear();
    let (dir, _) = write_all(&empty);
    if let Ok(keep) = std::env::var("GASDEP_KEEP_CHARTS") {
        let f = dir.path().join("dependency_fan.png");
        std::fs::copy(f, Path::new(&keep).join("no_data_example.png")).unwrap();
    }
    for id in chart_ids() {
        let svg = std::fs::read_to_string(dir.path().join(format!("{id}.svg"))).unwrap();
        assert!(svg.contains("No data"), "{id} on an empty summary");
        decode_png(&dir.path().join(format!("{id}.png")));
    }
    // All NaN, one policy, one period, all zeros.
    let mut nan = fixture("nan");
    nan.scenario.policies.truncate(1);
    nan.series.retain(|s| s.policy == "base");
    for s in &mut nan.series {
        s.periods.truncate(1);
        s.stats.truncate(1);
        let v = if s.metric == "curtailment_share" {
            0.0
        } else {
            f64::NAN
        };
        s.stats[0] = Stat {
            mean: v,
            sd: v,
            min: v,
            max: v,
            p5: v,
            p25: v,
            p50: v,
            p75: v,
            p95: v,
        };
    }
    for f in &mut nan.flows {
        f.median_twh = f64::NAN;
    }
    let (dir, files) = write_all(&nan);
    assert_eq!(files.len(), 2 * chart_ids().len());
    let svg = std::fs::read_to_string(dir.path().join("dependency_fan.svg")).unwrap();
    assert!(svg.contains("No data"));
    let svg = std::fs::read_to_string(dir.path().join("curtailment_exceedance.svg")).unwrap();
    assert!(svg.contains("No data"), "all-zero unserved should say so");
    write_report(&nan, &files, &dir.path().join("report.html")).unwrap();
    // One finite period only: a point, not a panic.
    let mut one = fixture("one period");
    for s in &mut one.series {
        s.periods.truncate(1);
        s.stats.truncate(1);
    }
    write_all(&one);
}

#[test]
fn comparison_overlays_runs() {
    let a = fixture("Run A");
    let mut b = fixture("Run B");
    for s in &mut b.series {
        for st in &mut s.stats {
            st.p50 *= 0.5;
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let files = write_comparison(&[a, b], dir.path(), Formats::Both).unwrap();
    if let Ok(keep) = std::env::var("GASDEP_KEEP_CHARTS") {
        for f in &files {
            std::fs::copy(f, Path::new(&keep).join(f.file_name().unwrap())).unwrap();
        }
    }
    let html_path = dir.path().join("comparison.html");
    assert!(files.contains(&html_path));
    let html = std::fs::read_to_string(html_path).unwrap();
    assert!(html.contains("data:image/png;base64,"));
    assert!(html.contains("Run A") && html.contains("Run B"));
    // Run B's baseline median dependency is half of run A's 62 %: −31 pp.
    assert!(
        html.contains("vs run 1: -31.0 pp"),
        "difference between runs missing"
    );
    let img = decode_png(&dir.path().join("comparison_fan.png"));
    assert!(grey_variance(&img) > 300.0);
}

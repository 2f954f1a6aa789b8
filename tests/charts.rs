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

#[test]
fn every_chart_is_a_png_and_svg_of_the_stated_size_and_not_blank() {
    let s = fixture("full");
    let (dir, files) = write_all(&s);
    let ids = ids(&s);
    // Focus first, then Europe; price and bill have no data and no chart.
    assert_eq!(&ids[..2], ["answer_FR", "answer_EUROPE"]);
    assert!(ids.contains(&"exposure_FR".to_string()), "{ids:?}");
    assert!(
        !ids.iter().any(|i| i == "price_fan" || i == "bill_fan"),
        "{ids:?}"
    );
    assert_eq!(files.len(), 2 * ids.len());
    for id in &ids {
        let var = grey_variance(&decode_png(&dir.path().join(format!("{id}.png"))));
        // A blank or title-only page is < 200.
        assert!(var > 300.0, "{id}.png looks blank (grey variance {var:.0})");
        let svg = svg(dir.path(), id);
        assert!(svg.trim_start().starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert!(
            svg.contains(&format!("width=\"{WIDTH}\""))
                && svg.contains(&format!("height=\"{HEIGHT}\""))
        );
        assert!(
            !svg.contains("No data"),
            "{id} fell back to 'No data' on a full fixture"
        );
        assert_eq!(
            svg.matches('<').count(),
            svg.matches('>').count(),
            "{id}.svg"
        );
    }
    for e in std::fs::read_dir(dir.path()).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.contains(".tmp-"), "left over {name}");
    }
    // The run's marked date is on the answer charts.
    assert!(
        texts(&svg(dir.path(), "answer_FR"))
            .iter()
            .any(|t| t == "contract starts")
    );
}

/// Rows of the pixels of `color` (±8 per channel) in column `x`, rows `y0..y1`.
fn rows_of(img: &Image, color: RGBColor, x: u32, y0: u32, y1: u32) -> Vec<u32> {
    (y0..y1)
        .filter(|y| {
            let (r, g, b) = img.px(x, *y);
            (r as i32 - color.0 as i32).abs() < 8
                && (g as i32 - color.1 as i32).abs() < 8
                && (b as i32 - color.2 as i32).abs() < 8
        })
        .collect()
}

#[test]
fn fan_chart_draws_medians_on_a_fitted_linear_axis() {
    let s = fixture("fan");
    let dir = tempfile::tempdir().unwrap();
    charts::write_charts(&s, dir.path(), Formats::Png).unwrap();
    let img = decode_png(&dir.path().join("dependency_fan.png"));
    // The level panel spans about rows 114–378; its medians are flat near
    // the right edge (x ≈ 1160).
    let x = 1150;
    let ys: Vec<f64> = (0..3)
        .map(|pi| {
            let r = rows_of(&img, policy_color(pi), x, 100, 390);
            assert!(!r.is_empty(), "policy {pi}: no median pixel in column {x}");
            r.iter().sum::<u32>() as f64 / r.len() as f64
        })
        .collect();
    // Linear: pixel gaps in proportion to the gaps in value.
    let ratio = (ys[1] - ys[0]) / (ys[2] - ys[1]);
    let want = (FINAL_DEP[0] - FINAL_DEP[1]) / (FINAL_DEP[1] - FINAL_DEP[2]);
    assert!(
        (ratio - want).abs() < 0.15,
        "pixel gap ratio {ratio}, values say {want}"
    );
    // Fitted: 18–62 % spans well over the 44 % of the panel a 0–100 % axis gives.
    // (a 0–100 % axis gives 0.44 × 264 ≈ 116 px; 0–80 % gives 145).
    assert!(ys[2] - ys[0] > 130.0, "medians span {} px", ys[2] - ys[0]);
}

#[test]
fn report_answers_first_is_self_contained_and_escaped() {
    let s = fixture("<script>alert(1)</script> & co");
    let (dir, files) = write_all(&s);
    let path = dir.path().join("report.html");
    write_report(&s, &files, &path).unwrap();
    let html = std::fs::read_to_string(&path).unwrap();
    let ids = ids(&s);
    assert_eq!(
        html.matches("src=\"data:image/png;base64,").count(),
        ids.len()
    );
    for id in &ids {
        assert!(html.contains(&format!("id=\"{id}\"")), "missing {id}");
    }
    // Question first: focus headline, Europe's, the answer, the explorer,
    // the other charts, the tables.
    let at = |needle: &str| html.find(needle).unwrap_or_else(|| panic!("no {needle}"));
    let order = [
        "id=\"headline-FR\"",
        "id=\"headline-EUROPE\"",
        "id=\"answer_FR\"",
        "id=\"answer_EUROPE\"",
        "id=\"explorer\"",
        "id=\"dependency_fan\"",
        "id=\"events\"",
    ];
    for w in order.windows(2) {
        assert!(at(w[0]) < at(w[1]), "{} should come before {}", w[0], w[1]);
    }
    assert!(!html.contains("<script>alert"), "unescaped scenario name");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
    assert!(!html.contains("<b>not bold</b>"));
    for bad in [
        "src=\"http",
        "href=\"http",
        "src=\"//",
        "src=\"/",
        "@import",
        "url(http",
    ] {
        assert!(!html.contains(bad), "external resource: {bad}");
    }
    // The headline reads each column in its worst year: the cut policy's
    // 40 % risk in 2013, and the baseline's 62.0 % share.
    let fr = &html[at("id=\"headline-EUROPE\"")..at("id=\"answer\"")];
    assert!(
        fr.contains("worst year: 2013") && fr.contains("<b>40.0 %</b>"),
        "risk column"
    );
    assert!(fr.contains("<b>62.0 %</b>"), "headline median");
    // Zero-probability event rows are folded.
    let events = &html[at("id=\"events\"")..];
    let fold = events.find("<details>").expect("zero rows folded");
    assert_eq!(
        events[..fold].matches("<tr><td>").count(),
        1,
        "one non-zero row shown"
    );
    // The explorer's data: a script-safe JSON holding the summary's values.
    let start = at("id=\"gasdep-data\">") + "id=\"gasdep-data\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    let data: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
    assert_eq!(data["questions"], serde_json::json!(["FR", "EUROPE"]));
    let ser = data["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| {
            x["n"] == "EUROPE" && x["m"] == "dependency_share" && x["r"] == "year" && x["p"] == 1
        })
        .unwrap();
    assert_eq!(
        ser["v"][4][2].as_f64().unwrap(),
        35.0,
        "lng's median, in percent"
    );
    assert!(
        html.contains("window.gasdepExplorer"),
        "explorer script inlined"
    );
}

#[test]
fn charts_leave_out_what_has_no_data() {
    let s = fixture("omit");
    let (dir, _) = write_all(&s);
    // Ukraine has no demand: not in the by-country chart.
    let by = svg(dir.path(), "dependency_by_country");
    assert!(
        by.contains("France (FR)") && !by.contains("Ukraine"),
        "transit node drawn"
    );
    // Exceedance on a log scale of probability: decades as ticks.
    let ex = svg(dir.path(), "curtailment_exceedance");
    let t = texts(&ex);
    for tick in ["0.01 %", "0.1 %", "1 %", "10 %", "100 %"] {
        assert!(t.iter().any(|x| x == tick), "no {tick} tick in {t:?}");
    }
    assert!(ex.contains("never exceeded"));
    // The flow map says it has no LNG or contract data.
    assert!(svg(dir.path(), "flow_map").contains("pipelines only"));
}

#[test]
fn money_and_lng_charts_appear_with_their_metrics() {
    let mut s = fixture("money");
    // The bill as the market model will report it (here: the cost's numbers).
    let bills: Vec<Series> = s
        .series
        .iter()
        .filter(|x| x.metric == "cost")
        .map(|x| Series {
            metric: "bill".into(),
            ..x.clone()
        })
        .collect();
    s.series.extend(bills);
    for (p, _) in POLICIES {
        s.series.push(series(
            p,
            "FR",
            "lng",
            "TWh",
            "year",
            yearly(&|_| stat(40.0, 5.0)),
        ));
    }
    let ids = ids(&s);
    assert!(ids.contains(&"bill_fan".to_string()), "{ids:?}");
    let (dir, _) = write_all(&s);
    let bill = svg(dir.path(), "bill_fan");
    assert!(bill.contains("Gas bill") && !bill.contains("No data"));
    // The answer chart switches from cost to the bill.
    assert!(svg(dir.path(), "answer_EUROPE").contains("Gas bill"));
    let map = svg(dir.path(), "flow_map");
    assert!(!map.contains("pipelines only") && texts(&map).iter().any(|t| t == "LNG"));
}

#[test]
fn flow_map_draws_the_chosen_pair() {
    let s = fixture("pair");
    let dir = tempfile::tempdir().unwrap();
    let opts = ChartOptions {
        formats: Formats::Svg,
        flow_policies: Some(("lng".into(), "cut".into())),
        ..ChartOptions::default()
    };
    write_charts_with(&s, dir.path(), &opts).unwrap();
    let map = svg(dir.path(), "flow_map");
    assert!(map.contains("LNG terminals instead") && map.contains("Demand reduction 15 %"));
    assert!(!map.contains("(baseline)"), "the baseline was not chosen");
    let (dir, _) = write_all(&s);
    let map = svg(dir.path(), "flow_map");
    assert!(map.contains("(baseline)") && map.contains("LNG terminals instead"));
    assert!(
        !map.contains("Demand reduction 15 %"),
        "default: baseline and the first other"
    );
}

#[test]
fn degenerate_input_gives_no_data_charts_not_panics() {
    let mut empty = fixture("empty");
    empty.series.clear();
    empty.flows.clear();
    empty.nodes.clear();
    empty.differences.clear();
    empty.exceedance.clear();
    empty.events.clear();
    empty.run.focus.clear();
    let (dir, files) = write_all(&empty);
    for id in ids(&empty) {
        assert!(
            svg(dir.path(), &id).contains("No data"),
            "{id} on an empty summary"
        );
        decode_png(&dir.path().join(format!("{id}.png")));
    }
    write_report(&empty, &files, &dir.path().join("report.html")).unwrap();
    // All NaN, one policy, one period, all zeros.
    let mut nan = fixture("nan");
    nan.scenario.policies.truncate(1);
    nan.series.retain(|s| s.policy == "base");
    nan.differences.clear();
    nan.exceedance.clear();
    for s in &mut nan.series {
        s.periods.truncate(1);
        s.stats.truncate(1);
        let v = if s.metric == "curtailment_share" {
            0.0
        } else {
            f64::NAN
        };
        s.stats[0] = stat(v, 0.0);
    }
    for f in &mut nan.flows {
        f.median_twh = f64::NAN;
    }
    let (dir, files) = write_all(&nan);
    assert!(svg(dir.path(), "dependency_fan").contains("No data"));
    assert!(
        svg(dir.path(), "curtailment_exceedance").contains("No data"),
        "all-zero curtailment"
    );
    write_report(&nan, &files, &dir.path().join("report.html")).unwrap();
    // One finite period only: a point, not a panic.
    let mut one = fixture("one period");
    for s in &mut one.series {
        s.periods.truncate(1);
        s.stats.truncate(1);
    }
    write_all(&one);
}

/// `s` with every period moved `by` years.
fn shifted(mut s: Summary, name: &str, by: i32) -> Summary {
    let shift = |p: &str| {
        let y: i32 = p[..4].parse().unwrap();
        format!("{}{}", y + by, &p[4..])
    };
    s.scenario.name = name.into();
    for x in &mut s.series {
        x.periods = x.periods.iter().map(|p| shift(p)).collect();
        for st in &mut x.stats {
            st.p50 *= 0.5;
        }
    }
    s
}

fn compare(runs: &[Summary], opts: &CompareOptions) -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let files = write_comparison(runs, dir.path(), opts).unwrap();
    let html = dir.path().join("comparison.html");
    assert!(files.contains(&html));
    let csv = std::fs::read_to_string(dir.path().join("comparison.csv")).unwrap();
    let html = std::fs::read_to_string(html).unwrap();
    (dir, html, csv)
}

#[test]
fn comparison_aligns_periods_and_writes_what_it_drew() {
    let a = fixture("Run A");
    let b = shifted(fixture("Run B"), "Run B", 2); // 2012–2016
    let (dir, html, csv) = compare(&[a.clone(), b], &CompareOptions::default());
    assert!(
        html.contains("calendar years 2012–2014"),
        "alignment stated"
    );
    assert!(
        html.contains("Run A") && html.contains("Run B") && html.contains("data:image/png;base64,")
    );
    // Monthly for both: 36 common months per run, nothing outside them.
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 2 * 36);
    assert!(
        rows.iter()
            .all(|r| r.contains(",2012-") || r.contains(",2013-") || r.contains(",2014-"))
    );
    // Same year in the table: 2014 for both; B's baseline median is half of A's.
    assert!(
        html.contains("<td>2014</td><td>62.0 %</td>")
            && html.contains("<td>2014</td><td>31.0 %</td>")
    );
    assert!(html.contains("-31.0 pp"), "difference between runs missing");
    assert!(grey_variance(&decode_png(&dir.path().join("comparison_fan.png"))) > 300.0);
    // No common year: relative years, stated; any metric and node.
    let c = shifted(fixture("Run C"), "Run C", 20);
    let opts = CompareOptions {
        metric: "dependency_share".into(),
        node: "FR".into(),
        align: Align::Auto,
        formats: Formats::Png,
    };
    let (_d, html, csv) = compare(&[a.clone(), c.clone()], &opts);
    assert!(
        html.contains("years since each run"),
        "relative alignment stated"
    );
    assert!(csv.lines().skip(1).all(|r| r.contains(",FR,")));
    assert!(csv.contains(",year 5,"), "relative periods in the CSV");
    let opts = CompareOptions {
        align: Align::Calendar,
        ..opts
    };
    let dir = tempfile::tempdir().unwrap();
    assert!(
        write_comparison(&[a.clone(), c], dir.path(), &opts).is_err(),
        "no common year"
    );
    let opts = CompareOptions {
        metric: "no_such_metric".into(),
        ..CompareOptions::default()
    };
    assert!(write_comparison(&[a], dir.path(), &opts).is_err());
}

#[test]
fn command_line_flags_reach_the_charts() {
    let dir = tempfile::tempdir().unwrap();
    let gasdep = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_gasdep"))
            .args(args)
            .output()
            .unwrap()
    };
    let out = dir.path().join("run");
    let out_s = out.to_str().unwrap();
    let base = [
        "run",
        "scenarios/examples/two-countries.toml",
        "--trials",
        "4",
        "--quiet",
        "--charts",
        "svg",
        "--out",
        out_s,
    ];
    let bad = gasdep(&[&base[..], &["--flow-map-policies", "mandate,nope"]].concat());
    assert_eq!(bad.status.code(), Some(2), "unknown policy in the pair");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("'nope' is not a policy"));
    let o = gasdep(&[&base[..], &["--flow-map-policies", "mandate,cut15"]].concat());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let map = svg(&out, "flow_map");
    assert!(
        map.contains("Storage 90 % by 1 November") && map.contains("15 % demand cut from 2021")
    );
    assert!(!map.contains("(baseline)"));
    let cmp = dir.path().join("cmp");
    let o = gasdep(&[
        "compare",
        out_s,
        out_s,
        "--metric",
        "cost",
        "--node",
        "A",
        "--charts",
        "png",
        "--out",
        cmp.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = std::fs::read_to_string(cmp.join("comparison.csv")).unwrap();
    assert!(csv.lines().count() > 2 && csv.lines().skip(1).all(|l| l.contains(",A,cost,EUR bn,")));
    let html = std::fs::read_to_string(cmp.join("comparison.html")).unwrap();
    assert!(html.contains("calendar years 2020–2021"));
    let o = gasdep(&[
        "compare",
        out_s,
        "--metric",
        "nope",
        "--out",
        cmp.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

/// Peak-day series of one node: the margin's 5th percentile is `p5` in its
/// worst year (2012) and 100 GWh/d higher in the others.
fn peak_series(p: &str, node: &str, p5: f64, shortfall: f64) -> Vec<Series> {
    let margin = |i: usize| {
        let lo = if i == 2 { p5 } else { p5 + 100.0 };
        let mut st = stat(lo + 50.0, 10.0);
        st.p5 = lo;
        st
    };
    vec![
        series(p, node, "peak_day_margin", "GWh/d", "year", yearly(&margin)),
        series(
            p,
            node,
            "worst_day_shortfall",
            "GWh/d",
            "year",
            yearly(&|_| stat(shortfall, shortfall / 4.0)),
        ),
    ]
}

#[test]
fn peak_day_chart_ranks_countries_by_their_one_in_twenty_margin() {
    let mut s = fixture("peaks");
    assert!(
        !ids(&s).iter().any(|i| i.starts_with("peak")),
        "peak charts planned without peak metrics"
    );
    // Baseline margins: IT lowest, then PL, DE, FR; Europe is drawn first
    // whatever its margin.
    let margins = [
        ("DE", 40.0),
        ("FR", 90.0),
        ("IT", -30.0),
        ("PL", 10.0),
        (REGION, 500.0),
    ];
    for (p, _) in POLICIES {
        for (node, m) in margins {
            s.series.extend(peak_series(p, node, m, 5.0));
        }
    }
    let ids = ids(&s);
    assert!(ids.contains(&"peak_days_by_country".to_string()), "{ids:?}");
    assert!(ids.contains(&"peak_margin_fan".to_string()), "{ids:?}");
    let (dir, files) = write_all(&s);
    let t = texts(&svg(dir.path(), "peak_days_by_country"));
    let pos = |needle: &str| {
        t.iter()
            .position(|x| x.starts_with(needle))
            .unwrap_or_else(|| panic!("no row {needle} in {t:?}"))
    };
    let order = [
        pos("Europe"),
        pos("Italy (IT), 2012"),
        pos("Poland (PL), 2012"),
        pos("Germany (DE), 2012"),
        pos("France (FR), 2012"),
    ];
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "rows out of order: {t:?}"
    );
    // The margin axis reaches below zero for Italy's negative margin.
    assert!(
        t.iter().any(|x| x.starts_with('\u{2212}')),
        "no negative tick: {t:?}"
    );
    // In the report, with its guide.
    let path = dir.path().join("report.html");
    write_report(&s, &files, &path).unwrap();
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.contains("id=\"peak_days_by_country\""));
    assert!(html.contains("Regulation (EU) 2017/1938"));
}

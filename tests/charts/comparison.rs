//! Comparing runs: aligned periods and the command line's chart flags.

use super::*;

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
    let gasdep = |args: &[&str]| common::output(args);
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

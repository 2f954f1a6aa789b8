//! The HTML report and what the chart set leaves out or adds with the data.

use super::*;

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

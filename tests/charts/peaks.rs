//! The peak-day chart.

use super::*;

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

//! Daily steps where security is decided (issue 14): a calendar that zooms
//! in, weather by day, peak-day metrics, storage by holder. Hand-solved
//! cases on tiny inline scenarios; each comment works the numbers out from
//! the rules of docs/model.md.
//!
//! The base case: one node A with 100 GWh/d of firm protected demand (flat
//! profile, no weather sensitivity), supplied only through pipeline x-a
//! (150 GWh/d) from origin X (120 GWh/d of export capacity), no storage. An
//! `[[event]]` stops x-a completely from 10 January 2016 to 23 January
//! inclusive: 14 days.

use gasdep::scenario::load_str;
use gasdep::sim::run::{McOptions, Prepared, deterministic, monte_carlo};
use gasdep::sim::summarize::summarize;
use gasdep::stats::summary::{RunInfo, Summary};
use std::path::Path;
use std::sync::atomic::AtomicBool;

const BASE: &str = r#"
[scenario]
name = "cut14"
start = "2016-01"
end = "2016-02"
baseline = "base"

[[node]]
id = "A"
demand = { protected = "100 GWh/d", industry = "0 GWh/d", power = "0 GWh/d", profile = [1,1,1,1,1,1,1,1,1,1,1,1], weather_sensitivity = "0 %", daily_sensitivity = "0 %" }

[[origin]]
id = "X"
country = "RU"
kind = "pipe"
price = "20 EUR/MWh"
capacity = "120 GWh/d"

[[pipeline]]
id = "x-a"
from = "X"
to = "A"
capacity = "150 GWh/d"

[[event]]
id = "cut"
target = "x-a"
start = "2016-01-10"
end = "2016-01-24"
severity = "100 %"

[[policy]]
id = "base"
"#;

fn prepare(text: &str) -> Prepared {
    let (_, model) = load_str(text, Path::new("case.toml")).unwrap_or_else(|e| panic!("{e}"));
    Prepared::new(model, &[]).unwrap_or_else(|e| panic!("{e}"))
}

/// Curtailment of every step of the baseline, GWh, with its start and length.
fn curtailment(text: &str) -> Vec<(String, f64, f64)> {
    let prep = prepare(text);
    let outs = deterministic(&prep, 0).unwrap_or_else(|e| panic!("{e}"));
    outs.iter()
        .zip(&prep.nets[0].steps)
        .map(|(o, s)| {
            (
                s.start.to_string(),
                s.days,
                o.curtailment.iter().flatten().sum(),
            )
        })
        .collect()
}

fn with_calendar(calendar: &str) -> String {
    BASE.replace("[[node]]", &format!("{calendar}\n[[node]]"))
}

fn run_summary(text: &str, trials: u64) -> Summary {
    let prep = prepare(text);
    let cancel = AtomicBool::new(false);
    let acc = monte_carlo(
        &prep,
        &McOptions {
            trials: 0..trials,
            threads: 1,
            progress: &|| {},
            cancel: &cancel,
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let run = RunInfo {
        trials,
        seed: prep.model.seed,
        shard: None,
        wall_seconds: 0.0,
        threads: 1,
        command: String::new(),
        focus: Vec::new(),
        markers: Vec::new(),
    };
    summarize(&prep, &acc, run)
}

/// Mean of a yearly series of node `node` in 2016.
fn mean(s: &Summary, node: &str, metric: &str) -> Option<f64> {
    let x = s
        .series
        .iter()
        .find(|x| x.node == node && x.metric == metric && x.resolution == "year")?;
    let i = x.periods.iter().position(|p| p == "2016")?;
    Some(x.stats[i].mean)
}

/// The issue's test. With the 14 cut days as daily steps (a window around
/// the event), A loses its whole demand on each of them: 14 × 100 =
/// 1,400 GWh, the analytic shortfall. With monthly steps the cut is
/// averaged over January: x-a carries 150 GWh/d on 17 of 31 days, i.e.
/// 150 × 17 = 2,550 GWh for 31 × 100 = 3,100 GWh of demand, so only
/// 550 GWh are cut: the monthly step lets the spare capacity of the 17
/// uncut days (17 × 50 = 850 GWh) serve the cut days, which no pipeline
/// can do without storage. The difference, 850 GWh, is what a monthly
/// step hides (docs/model.md, "Time steps").
#[test]
fn a_fourteen_day_cut_in_a_daily_window_gives_the_analytic_shortfall() {
    let daily = curtailment(&with_calendar(
        "[calendar]\n[[calendar.daily]]\nevent = \"cut\"\n",
    ));
    // 1–9 January as one step, the 14 cut days, 24–31 January as one
    // step, February.
    let lens: Vec<f64> = daily.iter().map(|x| x.1).collect();
    let mut want = vec![9.0];
    want.extend([1.0; 14]);
    want.extend([8.0, 29.0]);
    assert_eq!(lens, want, "{daily:?}");
    for (start, days, cut) in &daily {
        let expect = if *days == 1.0 { 100.0 } else { 0.0 };
        assert!(
            (cut - expect).abs() < 1e-6,
            "{start}: cut {cut} GWh, want {expect}"
        );
    }
    let total: f64 = daily.iter().map(|x| x.2).sum();
    assert!((total - 1400.0).abs() < 1e-6, "daily window: {total} GWh");

    let monthly: f64 = curtailment(BASE).iter().map(|x| x.2).sum();
    assert!((monthly - 550.0).abs() < 1e-6, "monthly: {monthly} GWh");
}

/// The margin of a window that starts one day early (`margin = "1 d"`):
/// 9 January is a daily step, not cut, so A's margin that day is what
/// more could reach it: the pipeline has 50 GWh/d spare but X can export
/// only 120, so 20 GWh/d. Nothing is cut on 9 January: margin 20.
/// January's daily demand never changes, so the peak day is the first
/// daily step, 9 January.
#[test]
fn the_peak_day_margin_is_the_spare_supply_that_reaches_the_node() {
    let s = run_summary(
        &with_calendar("[calendar]\n[[calendar.daily]]\nevent = \"cut\"\nmargin = \"1 d\"\n"),
        3,
    );
    let m = mean(&s, "A", "peak_day_margin").expect("margin exists");
    assert!((m - 20.0).abs() < 1e-3, "margin {m}");
}

/// With January in daily steps: the worst day is a cut day (100 GWh/d
/// short), protected demand is cut on 14 days, and the peak day (1
/// January, the first of the equal days) has a margin of 20 GWh/d. The
/// 30-day window with the highest demand is the first (1–30 January, all
/// days equal), which holds all 14 cut days: 1,400 / 30 = 46.667 GWh/d.
/// A monthly calendar has no peak metrics (its days are averages).
#[test]
fn peak_metrics_of_the_cut() {
    let s = run_summary(&with_calendar("[calendar]\ndaily_months = [1]\n"), 3);
    let get = |m: &str| mean(&s, "A", m).unwrap_or_else(|| panic!("no {m}"));
    assert!((get("worst_day_shortfall") - 100.0).abs() < 1e-3);
    assert_eq!(get("protected_cut_days"), 14.0);
    assert!((get("peak_day_demand") - 100.0).abs() < 0.1);
    assert!((get("peak_day_margin") - 20.0).abs() < 1e-3);
    assert!((get("peak_30d_protected_shortfall") - 1400.0 / 30.0).abs() < 1e-3);
    let monthly = run_summary(BASE, 3);
    assert!(mean(&monthly, "A", "worst_day_shortfall").is_none());
}

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

mod cases;

use cases::prepare;
use gasdep::scenario::load_str;
use gasdep::sim::run::{McOptions, deterministic, monte_carlo};
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

/// Curtailment of every step of the baseline, GWh, with its start and length.
fn curtailment(text: &str) -> Vec<(String, f64, f64)> {
    let prep = prepare(text);
    let outs = cases::steps(&prep, 0);
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

/// Two nodes, January and February 2016, January in daily steps, weather
/// at the defaults but for the given daily persistence.
fn two_nodes(rho_daily: f64, correlation: f64) -> gasdep::scenario::Model {
    let text = format!(
        r#"
[scenario]
name = "weather"
start = "2016-01"
end = "2016-02"
baseline = "base"
[calendar]
daily_months = [1]
[[node]]
id = "A"
demand = {{ protected = "100 GWh/d", industry = "0 GWh/d", power = "0 GWh/d" }}
[[node]]
id = "B"
demand = {{ protected = "100 GWh/d", industry = "0 GWh/d", power = "0 GWh/d" }}
[uncertainty]
weather = {{ daily_autocorrelation = {rho_daily}, correlation = {correlation} }}
[[policy]]
id = "base"
"#
    );
    load_str(&text, Path::new("w.toml"))
        .unwrap_or_else(|e| panic!("{e}"))
        .1
}

/// The daily deviations of a month sum to zero (so the month's demand is
/// the monthly calendar's, whatever the zoom), the monthly anomaly is the
/// monthly calendar's own draw, and a whole-month step has no deviation.
#[test]
fn daily_weather_keeps_the_month_and_its_monthly_anomaly() {
    use gasdep::sim::sample::World;
    let daily = two_nodes(0.8, 0.7);
    let mut monthly = daily.clone();
    monthly.calendar = gasdep::scenario::calendar::CalendarM::monthly();
    let (mut wd, mut wm) = (World::new(&daily), World::new(&monthly));
    for trial in 0..50 {
        wd.sample(&daily, trial);
        wm.sample(&monthly, trial);
        assert_eq!(wd.steps.len(), 32);
        for n in 0..2 {
            let sum: f64 = wd.steps[..31].iter().map(|d| d.daily[n]).sum();
            assert!(
                sum.abs() < 1e-12,
                "trial {trial}: January deviations sum to {sum}"
            );
            assert!(
                wd.steps[..31]
                    .iter()
                    .all(|d| d.weather[n] == wm.steps[0].weather[n])
            );
            assert_eq!(wd.steps[31].weather[n], wm.steps[1].weather[n]);
            assert_eq!(wd.steps[31].daily[n], 0.0);
            assert!(wd.steps[..31].iter().any(|d| d.daily[n] != 0.0));
        }
    }
}

/// Lag-1 correlation of the daily deviations within January, pooled over
/// trials, and the correlation of the two nodes' deviations on the same day.
fn daily_correlations(rho_daily: f64, correlation: f64) -> (f64, f64) {
    use gasdep::sim::sample::World;
    let m = two_nodes(rho_daily, correlation);
    let mut w = World::new(&m);
    let (mut lag, mut cross) = ((0.0, 0.0, 0.0), (0.0, 0.0, 0.0));
    for trial in 0..2000 {
        w.sample(&m, trial);
        for t in 0..31 {
            let (a, b) = (w.steps[t].daily[0], w.steps[t].daily[1]);
            cross = (cross.0 + a * b, cross.1 + a * a, cross.2 + b * b);
            if t > 0 {
                let p = w.steps[t - 1].daily[0];
                lag = (lag.0 + a * p, lag.1 + a * a, lag.2 + p * p);
            }
        }
    }
    let r = |(xy, xx, yy): (f64, f64, f64)| xy / (xx * yy).sqrt();
    (r(lag), r(cross))
}

/// Cold spells last: with ρ_d = 0.8 a day's deviation carries into the
/// next (the demeaned AR(1)'s lag-1 correlation within a 31-day month is
/// about ρ − (1 + 3ρ)/n ≈ 0.69); with ρ_d = 0 it does not (≈ −1/31).
/// Across nodes the deviations have the weather correlation (0.8: the
/// demeaning is the same linear map for both nodes). 62,000 days: the
/// standard errors are ≈ 0.005.
#[test]
fn cold_spells_persist_and_are_correlated_across_countries() {
    let (lag, cross) = daily_correlations(0.8, 0.8);
    assert!((0.62..0.76).contains(&lag), "lag-1 correlation {lag}");
    assert!((cross - 0.8).abs() < 0.03, "cross correlation {cross}");
    let (lag, cross) = daily_correlations(0.0, 0.0);
    assert!(
        lag.abs() < 0.06,
        "lag-1 correlation without persistence {lag}"
    );
    assert!(cross.abs() < 0.03, "cross correlation {cross}");
}

/// A spell imposes its heating level on its days in every trial and in
/// the deterministic run: 150 % on 5–7 January makes A's protected demand
/// 150 GWh on each of those days (flat profile, 100 GWh/d).
#[test]
fn a_spell_sets_heating_demand_on_its_days() {
    let text = with_calendar(
        "[calendar]\ndaily_months = [1]\n[[spell]]\nnodes = [\"A\"]\nfrom = \"2016-01-05\"\nuntil = \"2016-01-07\"\nheating = \"150 %\"\n",
    );
    let prep = prepare(&text);
    let outs = deterministic(&prep, 0).unwrap();
    for (t, o) in outs.iter().enumerate().take(10) {
        let want = if (4..7).contains(&t) { 150.0 } else { 100.0 };
        assert!(
            (o.demand[0][0] - want).abs() < 1e-9,
            "day {}: {}",
            t + 1,
            o.demand[0][0]
        );
    }
}

/// Return levels: with no weather sensitivity every day is its profile, so
/// the 1-in-20 week of January is January's normal: level 100 %. With
/// weather, a rarer spell is colder: the 1-in-20 week's level lies above
/// the 1-in-2 week's, and both above normal.
#[test]
fn return_levels_grow_with_the_return_period() {
    use gasdep::scenario::time::Day;
    use gasdep::sim::weather::return_level;
    let flat = prepare(&with_calendar("[calendar]\ndaily_months = [1]\n")).model;
    let (a, b) = (Day::from_ymd(2016, 1, 10), Day::from_ymd(2016, 1, 17));
    assert!((return_level(&flat, 0, a, b, 20.0) - 1.0).abs() < 1e-12);
    let m = two_nodes(0.8, 0.7);
    let (l2, l20) = (
        return_level(&m, 0, a, b, 2.0),
        return_level(&m, 0, a, b, 20.0),
    );
    assert!(1.0 < l2 && l2 < l20, "1-in-2 {l2}, 1-in-20 {l20}");
}

/// Storage by holder: a 100 TWh site in SK held 60 % by CZ and 30 % by a
/// company at home in UA (not modelled): SK keeps 10 TWh with 10 % of the
/// rates, CZ holds 60 TWh on top of its own 20, and the UA shipper's 30 TWh
/// serve no modelled node. Fills: SK's site is 80 % full, CZ's own 50 %, so
/// CZ's pooled storage holds 48 + 10 = 58 of 80 TWh (72.5 %).
#[test]
fn holders_take_their_share_of_a_site() {
    let text = r#"
[scenario]
name = "holders"
start = "2009-01"
end = "2009-01"
baseline = "base"
[[node]]
id = "SK"
demand = { protected = "10 GWh/d", industry = "0 GWh/d", power = "0 GWh/d" }
storage = { volume = "100 TWh", injection = "1 TWh/d", withdrawal = "2 TWh/d", initial_fill = "80 %", holders = [{ holder = "CZ", share = "60 %" }, { holder = "naftogaz", share = "30 %" }] }
[[node]]
id = "CZ"
demand = { protected = "10 GWh/d", industry = "0 GWh/d", power = "0 GWh/d" }
storage = { volume = "20 TWh", injection = "0.2 TWh/d", withdrawal = "0.4 TWh/d", initial_fill = "50 %" }
[[company]]
id = "naftogaz"
country = "UA"
[[policy]]
id = "base"
"#;
    let (_, m) = load_str(text, Path::new("h.toml")).unwrap_or_else(|e| panic!("{e}"));
    let sk = m.nodes[0].storage.as_ref().unwrap();
    let cz = m.nodes[1].storage.as_ref().unwrap();
    let near = |a: f64, b: f64| (a - b).abs() < 1e-6 * b.abs().max(1.0);
    assert!(near(sk.volume, 10_000.0) && near(sk.withdrawal, 200.0) && near(sk.initial_fill, 0.8));
    assert!(near(cz.volume, 80_000.0) && near(cz.withdrawal, 1_600.0));
    assert!(near(cz.initial_fill, 58.0 / 80.0), "{}", cz.initial_fill);
    let bad = text.replace("\"30 %\"", "\"50 %\"");
    let e = load_str(&bad, Path::new("h.toml")).unwrap_err().to_string();
    assert!(e.contains("more than all of it"), "{e}");
    let bad = text.replace("holder = \"naftogaz\"", "holder = \"nobody\"");
    let e = load_str(&bad, Path::new("h.toml")).unwrap_err().to_string();
    assert!(e.contains("neither a node nor a company"), "{e}");
}

/// Calendar mistakes are refused with their place and a fix.
#[test]
fn calendar_errors_are_located() {
    let cases = [
        (
            "[calendar]\ndaily_months = [13]\n",
            "month 13 does not exist",
        ),
        (
            "[calendar]\n[[calendar.daily]]\nevent = \"nope\"\n",
            "event 'nope' is not defined",
        ),
        (
            "[calendar]\n[[calendar.daily]]\nfrom = \"2017-01-01\"\nuntil = \"2017-01-31\"\n",
            "outside the horizon",
        ),
        (
            "[calendar]\n[[calendar.daily]]\nfrom = \"2016-01-01\"\n",
            "needs either from and until, or event",
        ),
        (
            "[calendar]\nvaluation = \"weekly\"\n",
            "valuation 'weekly' is not known",
        ),
    ];
    for (cal, want) in cases {
        let e = load_str(&with_calendar(cal), Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains(want), "{cal}: {e}");
        assert!(e.contains("c.toml:"), "{e}");
    }
    let open_ended = BASE.replace("end = \"2016-01-24\"\n", "") + "";
    let e = load_str(
        &open_ended.replace(
            "[[node]]",
            "[calendar]\n[[calendar.daily]]\nevent = \"cut\"\n[[node]]",
        ),
        Path::new("c.toml"),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("has no end"), "{e}");
}

/// Take-or-pay stays what the seller could deliver whatever the steps: a
/// contract of 80 GWh/d, all take-or-pay, routed on x-a. With the cut days
/// as daily steps the buyer owes nothing on them: 80 × (31 − 14) =
/// 1,360 GWh owed in January, all of it taken. In a monthly step the
/// route keeps 17/31 of its capacity (2,550 GWh ≥ 31 × 80), so the whole
/// 2,480 GWh are owed and taken: averaging hides the outage from the
/// contract too.
#[test]
fn take_or_pay_follows_the_outage_day_by_day() {
    let contract = "[[contract]]\nid = \"k\"\nseller = \"X\"\nbuyer = \"A\"\nvolume = \"80 GWh/d\"\nstart = \"2016-01\"\ntake_or_pay = \"100 %\"\nprice = \"10 EUR/MWh\"\nroute = \"x-a\"\n";
    let owed = |text: String| {
        let prep = prepare(&text.replace("[[event]]", &format!("{contract}\n[[event]]")));
        let outs = deterministic(&prep, 0).unwrap();
        let jan = outs
            .iter()
            .zip(&prep.nets[0].steps)
            .filter(|(_, s)| s.month == 1);
        jan.fold((0.0, 0.0), |(o, k), (x, _)| {
            (o + x.contract_owed[0], k + x.contract_taken[0])
        })
    };
    let (o, k) = owed(with_calendar("[calendar]\ndaily_months = [1]\n"));
    assert!(
        (o - 1360.0).abs() < 1e-6 && (k - 1360.0).abs() < 0.01,
        "daily: owed {o}, taken {k}"
    );
    let (o, k) = owed(BASE.to_string());
    assert!(
        (o - 2480.0).abs() < 1e-6 && (k - 2480.0).abs() < 0.01,
        "monthly: owed {o}, taken {k}"
    );
}

/// A daily January: the plan of a day that changes nothing shares the
/// day before's capacity table; the first day of the cut, the first day
/// after it and February change capacities and get tables of their own.
/// Costs and fill-target penalties never change, so every step shares the
/// first's.
#[test]
fn unchanged_days_share_their_plan_tables() {
    let prep = prepare(&with_calendar("[calendar]\ndaily_months = [1]\n"));
    let steps = &prep.nets[0].steps;
    assert_eq!(steps.len(), 32, "31 days of January and February");
    let own: Vec<String> = (1..steps.len())
        .filter(|&t| !std::sync::Arc::ptr_eq(&steps[t].cap, &steps[t - 1].cap))
        .map(|t| steps[t].start.to_string())
        .collect();
    assert_eq!(own, ["2016-01-10", "2016-01-24", "2016-02-01"]);
    for s in steps {
        assert!(std::sync::Arc::ptr_eq(&s.cost, &steps[0].cost));
        assert!(std::sync::Arc::ptr_eq(&s.price, &steps[0].price));
        assert!(std::sync::Arc::ptr_eq(&s.penalty, &steps[0].penalty));
        // A has no storage: its zero volume and rates are one table.
        assert!(std::sync::Arc::ptr_eq(&s.storage, &steps[0].storage));
    }
    // Shared tables hold the same values as tables of their own would.
    let cut = &steps[12].cap;
    assert_eq!(cut, &steps[9].cap, "10 and 13 January");
    assert_ne!(&steps[0].cap, cut);
}

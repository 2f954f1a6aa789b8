//! `gasdep backtest` (issue 14): the measures of an observed-data file on a
//! hand-solved daily scenario, the shipped 2009 replay measured the same
//! way as an independent sum over the deterministic run, the checks run on
//! a variant scenario (the shipped observed-weather one among them), and
//! bad observed files refused with exit code 2 (hand-picked ones, and every
//! line deleted or its value garbled without a panic).

mod common;

use common::{output as gasdep, run_ok, stderr};
use gasdep::scenario::load;
use gasdep::sim::run::{Prepared, deterministic};
use std::path::Path;

/// The cells of the table row whose first cell starts with `label` and whose
/// nodes cell is `nodes`.
fn row(out: &str, label: &str, nodes: &str) -> Vec<String> {
    out.lines()
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect::<Vec<_>>()
        })
        .find(|c| c.len() > 3 && c[0].starts_with(label) && c[1] == nodes)
        .unwrap_or_else(|| panic!("no row {label} / {nodes} in\n{out}"))
}

fn number(cell: &str) -> f64 {
    cell.trim_start_matches("≈ ")
        .trim_end_matches(" %")
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {cell}"))
}

/// One node A with 100 GWh/d of firm demand, fed only by pipeline x-a from
/// origin X (country RU, 120 GWh/d); x-a is cut from 10 to 23 January 2016
/// (14 days), which are daily steps. By hand: 1–9 January A consumes
/// 9 × 100 = 900 GWh of Russian gas; in the cut 14 × 100 = 1,400 GWh are
/// not delivered (0.128 bcm), 100 % of demand, and Russian supply falls by
/// 100 % against 1–9 January; until the cut, A's price is X's 20 EUR/MWh
/// (X has spare capacity, the pipeline no tariff).
const CASE: &str = r#"
[scenario]
name = "cut14"
start = "2016-01"
end = "2016-02"
baseline = "base"
dependency = ["RU"]

[calendar]
daily = [{ event = "cut" }]

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

const OBSERVED: &str = r#"
[backtest]
name = "cut14"
scenario = "case.toml"

[[check]]
label = "before"
measure = "consumption"
nodes = ["A"]
from = "2016-01-01"
until = "2016-01-09"
observed = 0.0826
source = "by hand"

[[check]]
label = "cut"
measure = "unserved"
nodes = ["A"]
from = "2016-01-10"
until = "2016-01-23"
observed = 0.1284
source = "by hand"

[[check]]
label = "share"
measure = "unserved_share"
from = "2016-01-10"
until = "2016-01-23"
reported = "all of it"
source = "by hand"

[[check]]
label = "russian"
measure = "russian_cut"
nodes = ["A"]
from = "2016-01-10"
until = "2016-01-23"
reference = { from = "2016-01-01", until = "2016-01-09" }
observed = 100
source = "by hand"

[[check]]
label = "price"
measure = "price"
nodes = ["A"]
from = "2016-01-01"
until = "2016-01-09"
observed = 20
source = "by hand"

[[check]]
label = "flow"
measure = "pipeline"
pipeline = "x-a"
from = "2016-01-10"
until = "2016-01-23"
observed = 0
source = "by hand"
"#;

#[test]
fn backtest_measures_a_hand_solved_cut() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("case.toml"), CASE).unwrap();
    let obs = dir.path().join("obs.toml");
    std::fs::write(&obs, OBSERVED).unwrap();
    let o = run_ok(&["backtest", obs.to_str().unwrap()]);
    let out = String::from_utf8_lossy(&o.stdout);
    let close = |cell: &str, want: f64, tol: f64| {
        let v = number(cell);
        assert!((v - want).abs() <= tol, "{cell} against {want}");
    };
    close(&row(&out, "before", "A")[3], 900.0 / 10_900.0, 0.005);
    close(&row(&out, "cut", "A")[3], 1_400.0 / 10_900.0, 0.005);
    close(&row(&out, "share", "all")[3], 100.0, 0.5);
    close(&row(&out, "russian", "A")[3], 100.0, 0.5);
    close(&row(&out, "flow", "pipeline x-a")[3], 0.0, 1e-9);
    // Before the cut X has spare capacity: one more MWh at A costs X's price.
    close(&row(&out, "price", "A")[3], 20.0, 0.01);
    // Observed and source printed beside the model.
    let r = row(&out, "share", "all");
    assert_eq!((r[4].as_str(), r[5].as_str()), ("all of it", "by hand"));

    // Over Monte Carlo trials: nothing in the case is random, so every
    // trial is the deterministic run. The price is X's 20 EUR/MWh in every
    // trial, as observed (ties rank half way); consumption before the cut
    // is 900 GWh = 0.0826 bcm, below the 0.0826 observed in every trial
    // at full precision (900 / 10,900 = 0.08257), so it ranks at 100 %.
    let o = run_ok(&["backtest", obs.to_str().unwrap(), "--trials", "3"]);
    let out = String::from_utf8_lossy(&o.stdout);
    let r = row(&out, "price", "A");
    assert_eq!(
        (r[4].as_str(), r[5].as_str()),
        ("20.0 / 20.0 / 20.0", "50 %")
    );
    let r = row(&out, "before", "A");
    assert_eq!(
        (r[4].as_str(), r[5].as_str()),
        ("0.08 / 0.08 / 0.08", "**100 %** (outside)")
    );
    assert!(
        out.contains("Observed inside the 5–95 % band of 3 trials of base: 3 of 5 checks"),
        "{out}"
    );
}

/// A backtest's trial is the run's trial: `gasdep run --per-trial` writes
/// every trial's step prices and consumption (TWh), and
/// `gasdep::sim::run::trial` gives the same numbers for each trial and
/// policy of a scenario with random weather, outages and LNG prices.
#[test]
fn backtest_trials_are_the_runs_trials() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let file = "scenarios/examples/two-countries.toml";
    run_ok(&[
        "run",
        file,
        "--trials",
        "3",
        "--per-trial",
        "price:step,consumption:step",
        "--charts",
        "none",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    let csv = std::fs::read_to_string(out.join("per_trial_steps.csv")).unwrap();
    let prep = Prepared::new(load(Path::new(file)).unwrap(), &[]).unwrap();
    let mut seen = 0;
    for trial in 0..3 {
        for p in 0..prep.nets.len() {
            let id = &prep.model.policies[prep.policies[p]].id;
            let outs = gasdep::sim::run::trial(&prep, p, trial).unwrap();
            for (t, o) in outs.iter().enumerate() {
                let date = prep.nets[p].steps[t].start.to_string();
                for (n, node) in prep.model.nodes.iter().enumerate() {
                    let key = format!("{trial},{id},{},{date},", node.id);
                    let line = csv
                        .lines()
                        .find(|l| l.starts_with(&key))
                        .unwrap_or_else(|| panic!("no row {key}"));
                    let cells: Vec<f64> = line[key.len()..]
                        .split(',')
                        .map(|c| c.parse().unwrap())
                        .collect();
                    assert!(
                        (cells[0] - o.price[n]).abs() <= 0.005,
                        "{key}: price {cells:?}"
                    );
                    assert!(
                        (cells[1] - o.served(n) / 1e3).abs() <= 1e-9 * cells[1].max(1.0),
                        "{key}: consumption (TWh) {cells:?} against {} GWh",
                        o.served(n)
                    );
                    seen += 1;
                }
            }
        }
    }
    // Every row but the region's (EUROPE) and the header was compared.
    let rows = csv
        .lines()
        .filter(|l| l.split(',').nth(2) != Some("EUROPE"));
    assert_eq!(seen, rows.count() - 1);
}

/// `--scenario` runs the file's checks on a variant: the cut at half
/// severity leaves 75 GWh/d of the 150 GWh/d pipeline, so A lacks
/// 14 × 25 = 350 GWh in the cut; the observed file's own scenario is not
/// read, and a variant that does not load is an input error.
#[test]
fn backtest_runs_the_checks_on_another_scenario() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("case.toml"), CASE).unwrap();
    let half = dir.path().join("half.toml");
    std::fs::write(
        &half,
        "extends = \"case.toml\"\n[[event]]\nid = \"cut\"\ntarget = \"x-a\"\n\
         start = \"2016-01-10\"\nend = \"2016-01-24\"\nseverity = \"50 %\"\n",
    )
    .unwrap();
    let obs = dir.path().join("obs.toml");
    std::fs::write(&obs, OBSERVED).unwrap();
    let (obs, half) = (obs.to_str().unwrap(), half.to_str().unwrap());
    let o = run_ok(&["backtest", obs, "--scenario", half]);
    let out = String::from_utf8_lossy(&o.stdout);
    let cut = number(&row(&out, "cut", "A")[3]);
    // Printed to 0.01 bcm (0.03), not rounded away to 0.
    assert!(
        (cut - 350.0 / 10_900.0).abs() <= 0.005 && cut > 0.0,
        "{cut}"
    );
    assert!(
        out.contains("half.toml") && out.contains("--scenario"),
        "{out}"
    );
    std::fs::remove_file(dir.path().join("case.toml")).unwrap();
    let o = gasdep(&["backtest", obs, "--scenario", half]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("case.toml") && !e.contains("panicked"), "{e}");
}

/// The shipped observed-weather variant (2022 and 2023 milder than 2021,
/// by Eurostat's degree days) against the scenario at normal weather, the
/// observed-drivers variant against the weather alone, and the
/// feared-cut-off variant against the scenario. Weather: less EU demand in
/// both years and fuller storage after the mild winter 2022/23, as
/// docs/validation.md reports.
#[test]
fn variant_scenarios_move_the_backtest_their_way() {
    // The backtest's output on the scenario or on a variant of it.
    let backtest = |variant: Option<&str>| {
        let mut args = vec!["backtest", "scenarios/observed/eu-2022-cutoff.toml"];
        if let Some(v) = variant {
            args.extend(["--scenario", v]);
        }
        String::from_utf8_lossy(&run_ok(&args).stdout).into_owned()
    };
    let normal = backtest(None);
    let mild = backtest(Some("scenarios/examples/eu-2022-observed-weather.toml"));
    let eu = "all but NO, UK, UA";
    let as_done = |out: &str, label: &str| number(&row(out, label, eu)[3]);
    for year in ["2022", "2023"] {
        let label = format!("EU consumption, {year}");
        let (n, m) = (as_done(&normal, &label), as_done(&mild, &label));
        assert!(m < n - 2.0, "{label}: {m} against {n}");
    }
    // A mild winter 2022/23 leaves more gas in storage on 1 April.
    let label = "EU storage fill, 1 April 2023";
    let (n, m) = (as_done(&normal, label), as_done(&mild, label));
    assert!(m > n + 2.0, "{label}: {m} against {n}");
    // Before the spells start the runs are the same.
    let label = "EU-27 consumption, 2021";
    assert_eq!(as_done(&normal, label), as_done(&mild, label));

    // The observed-drivers variant adds the power sector's shifts to the
    // mild weather: 13.5 % more gas for power in 2022 (nuclear and hydro
    // down), 11.7 % less in 2024 (renewables up). Against the weather alone:
    // more demand and a higher price in 2022, a lower price in 2024, and
    // 2021 untouched (the shifts start in 2022, announced when they start).
    let drivers = backtest(Some("scenarios/examples/eu-2022-observed-drivers.toml"));
    let label = "EU consumption, 2022";
    let (m, d) = (as_done(&mild, label), as_done(&drivers, label));
    assert!(d > m + 1.0, "{label}: {d} against {m}");
    for (year, up) in [("2022", true), ("2024", false)] {
        let label = format!("Price (TTF analogue), {year}");
        let (m, d) = (as_done(&mild, &label), as_done(&drivers, &label));
        assert!(
            if up { d > m + 5.0 } else { d < m - 2.0 },
            "{label}: {d} against {m}"
        );
    }
    for label in [
        "EU-27 consumption, 2021",
        "EU storage fill, 1 November 2021",
    ] {
        assert_eq!(as_done(&mild, label), as_done(&drivers, label), "{label}");
    }

    // A total stop feared from November 2021: storage is valued against it
    // from then on, so winter 2021/22 draws less, January 2022 is dearer and
    // storage is fuller in the summer; the summer's fill of 2021 is the
    // same (the valuation of its steps does not expect the risk).
    let feared = backtest(Some("scenarios/examples/eu-2022-feared-cutoff.toml"));
    for (label, by) in [
        ("EU storage fill, 1 July 2022", 5.0),
        ("Price (TTF analogue), January 2022", 5.0),
    ] {
        let (n, f) = (as_done(&normal, label), as_done(&feared, label));
        assert!(f > n + by, "{label}: {f} against {n}");
    }
    let label = "EU storage fill, 1 November 2021";
    assert_eq!(as_done(&normal, label), as_done(&feared, label));
}

#[test]
fn the_2009_replay_reports_what_the_run_gives() {
    let o = run_ok(&["backtest", "scenarios/observed/crisis-2009.toml"]);
    let out = String::from_utf8_lossy(&o.stdout);
    // Independently: curtailment over demand of each country during the
    // halt, summed from the deterministic run.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let model = load(&root.join("scenarios/crisis-2009.toml")).unwrap();
    let prep = Prepared::new(model, &[]).unwrap();
    let outs = deterministic(&prep, 0).unwrap();
    let steps = &prep.nets[0].steps;
    let (from, until) = ("2009-01-07", "2009-01-20");
    for id in ["BG", "SK", "HU", "AT", "DE"] {
        let n = prep.model.nodes.iter().position(|x| x.id == id).unwrap();
        let (mut u, mut d) = (0.0, 0.0);
        for (t, o) in outs.iter().enumerate() {
            let day = steps[t].start.to_string();
            if day.as_str() >= from && day.as_str() <= until {
                u += o.curtailment[n].iter().sum::<f64>();
                d += o.demand[n].iter().sum::<f64>();
            }
        }
        let want = 100.0 * u / d;
        let got = number(&row(&out, "Demand not delivered (firm cut)", id)[3]);
        assert!(
            (got - want).abs() <= 0.5,
            "{id}: printed {got} %, run {want} %"
        );
    }
    // Bulgaria had one route in January 2009 (the Trans-Balkan line through
    // Ukraine): the halt takes all of its Russian gas.
    let bg = number(&row(&out, "Russian supply lost", "BG")[3]);
    assert!(bg > 99.0, "{bg}");
    for source in ["BBC News", "Gas Coordination Group", "Wikipedia"] {
        assert!(out.contains(source), "no source {source}");
    }
}

/// Every line of the hand-solved observed file deleted, and every value
/// replaced by garbage, one at a time: the backtest never panics, and a
/// refused file is named in the error.
#[test]
fn mutated_observed_files_never_panic() {
    const GARBAGE: [&str; 9] = [
        "x",
        "\"\"",
        "-1",
        "1e999",
        "nan",
        "[]",
        "\"2016-13-01\"",
        "\"9999-01-01\"",
        "{ from = \"2016-01-09\", until = \"2016-01-01\" }",
    ];
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("case.toml"), CASE).unwrap();
    let obs = dir.path().join("obs.toml");
    let lines: Vec<&str> = OBSERVED.lines().collect();
    let mut cases = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let mut v = lines.clone();
        v.remove(i);
        cases.push(v.join("\n"));
        if let Some((key, _)) = line.split_once(" = ") {
            for g in GARBAGE {
                let mut v = lines.clone();
                let changed = format!("{key} = {g}");
                v[i] = &changed;
                cases.push(v.join("\n"));
            }
        }
    }
    assert!(cases.len() > 300, "{}", cases.len());
    let (mut refused, mut ran) = (0, 0);
    for text in &cases {
        std::fs::write(&obs, text).unwrap();
        let got = std::panic::catch_unwind(|| gasdep::backtest::run_file(&obs, None, None));
        match got {
            Err(_) => panic!("backtest panicked on\n{text}"),
            Ok(Err(e)) => {
                refused += 1;
                let e = e.to_string();
                assert!(e.contains("obs.toml") || e.contains("case.toml"), "{e}");
            }
            Ok(Ok(report)) => {
                ran += 1;
                assert!(report.rows.iter().all(|r| r.model.len() == 1), "{text}");
            }
        }
    }
    // Both kinds happen: the mutations are not all harmless or all fatal.
    assert!(refused > 50 && ran > 50, "refused {refused}, ran {ran}");
}

#[test]
fn bad_observed_files_exit_2_with_the_place() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("case.toml"), CASE).unwrap();
    let cases = [
        (
            OBSERVED.replace("\"unserved_share\"", "\"unserved_sharee\""),
            "unknown variant `unserved_sharee`",
        ),
        (
            OBSERVED.replace(
                "nodes = [\"A\"]\nfrom = \"2016-01-01\"",
                "nodes = [\"Q\"]\nfrom = \"2016-01-01\"",
            ),
            "unknown node 'Q'",
        ),
        (
            OBSERVED.replace(
                "until = \"2016-01-09\"\nobserved",
                "until = \"2015-12-09\"\nobserved",
            ),
            "`until` is before `from`",
        ),
        (
            OBSERVED.replace(
                "reference = { from = \"2016-01-01\", until = \"2016-01-09\" }\n",
                "",
            ),
            "russian_cut needs `reference",
        ),
        (
            OBSERVED.replace("scenario = \"case.toml\"", "scenario = \"nope.toml\""),
            "nope.toml",
        ),
        (
            OBSERVED.replace(
                "from = \"2016-01-10\"\nuntil = \"2016-01-23\"\nobserved = 0.1284",
                "from = \"2017-01-10\"\nuntil = \"2017-01-23\"\nobserved = 0.1284",
            ),
            "no step in its dates",
        ),
    ];
    for (text, want) in cases {
        assert_ne!(text, OBSERVED, "the case did not change the file: {want}");
        let obs = dir.path().join("obs.toml");
        std::fs::write(&obs, &text).unwrap();
        let o = gasdep(&["backtest", obs.to_str().unwrap()]);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{want}: {e}");
        assert!(e.contains(want) && e.contains("obs.toml"), "{want}: {e}");
        assert!(!e.contains("panicked"), "{e}");
    }
    let o = gasdep(&["backtest", "--bogus"]);
    assert_eq!(o.status.code(), Some(2));
    // A variant scenario needs the observed files it is checked against.
    let o = gasdep(&["backtest", "--scenario", "case.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("FILES"), "{}", stderr(&o));
}

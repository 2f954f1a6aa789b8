//! Uncertain inputs: checked where written, drawn per trial from their own
//! streams (reproducible across threads and shards), and the sensitivity
//! indices of a scenario with a known answer (tests/data/additive.toml:
//! demand = (protected + industry) × 366/365.25, Sobol 0.8 / 0.2 / 0).

use gasdep::scenario::load_str;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::output as gasdep;

const ADDITIVE: &str = "tests/data/additive.toml";
/// TWh of one year per TWh/y in 2020 (a leap year).
const YEAR: f64 = 366.0 / 365.25;

fn ok(o: Output) -> Output {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

fn sensitivity(out: &Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "sensitivity",
        ADDITIVE,
        "--output",
        "demand:A:2020",
        "--trials",
        "2",
        "--quiet",
        "--charts",
        "png",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    ok(gasdep(&args));
    serde_json::from_str(&std::fs::read_to_string(out.join("sensitivity.json")).unwrap()).unwrap()
}

#[test]
fn sobol_and_morris_indices_of_an_additive_scenario_are_right_within_their_error() {
    let dir = tempfile::tempdir().unwrap();
    let r = sensitivity(&dir.path().join("s"), &["--samples", "300"]);
    let o = &r["outputs"][0];
    let sobol = &o["sobol"]["indices"];
    // Industry varies over 20 TWh/y, protected over 10: variances 4 : 1.
    for (i, want) in [0.8, 0.2, 0.0].into_iter().enumerate() {
        for kind in ["first", "total"] {
            let e = &sobol[i][kind];
            let (v, se) = (e["value"].as_f64().unwrap(), e["se"].as_f64().unwrap());
            assert!(
                (v - want).abs() <= 3.0 * se + 1e-9,
                "input {i} {kind}: {e} vs {want}"
            );
            assert!(se < 0.1, "input {i} {kind}: {e}");
            let (lo, hi) = (
                e["ci_low"].as_f64().unwrap(),
                e["ci_high"].as_f64().unwrap(),
            );
            assert!(lo <= v && v <= hi, "{e}");
        }
    }
    // Morris on a linear function: every elementary effect is the slope
    // times the probability step 0.75 (4 levels) times the range.
    let morris = &o["morris"]["indices"];
    for (i, range) in [20.0, 10.0, 0.0].into_iter().enumerate() {
        let want = range * 0.75 * YEAR;
        let mu = morris[i]["mu_star"]["value"].as_f64().unwrap();
        assert!(
            (mu - want).abs() < 1e-4 * want.max(1.0),
            "input {i}: {mu} vs {want}"
        );
        assert!(morris[i]["sigma"].as_f64().unwrap().abs() < 1e-4);
    }
    assert!(dir.path().join("s/tornado_demand_A_2020.png").is_file());
    let csv = std::fs::read_to_string(dir.path().join("s/sensitivity.csv")).unwrap();
    assert!(csv.starts_with("output,unit,input,method,statistic,value,se,ci_low,ci_high\n"));
    assert_eq!(csv.lines().count(), 1 + 3 * 2 + 3 * 3);
}

#[test]
fn sensitivity_results_do_not_depend_on_threads() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let extra = ["--samples", "20", "--trajectories", "4"];
    sensitivity(&a, &[&extra[..], &["--threads", "1"]].concat());
    sensitivity(&b, &[&extra[..], &["--threads", "3"]].concat());
    for f in ["sensitivity.csv", "design.csv"] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
}

fn run(out: &Path, extra: &[&str]) {
    let mut args = vec![
        "run",
        ADDITIVE,
        "--quiet",
        "--charts",
        "none",
        "--per-trial",
        "demand,cost",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    ok(gasdep(&args));
}

fn read(p: PathBuf) -> String {
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn each_trial_runs_on_its_own_drawn_inputs_the_same_for_any_threads_and_shards() {
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one");
    run(&one, &["--threads", "1"]);
    let inputs = read(one.join("per_trial_inputs.csv"));
    let yearly = read(one.join("per_trial.csv"));
    let mut lines = inputs.lines();
    assert_eq!(
        lines.next().unwrap(),
        "trial,node.A.demand.industry [TWh/y],node.A.demand.protected [TWh/y],origin.X.price [EUR/MWh]"
    );
    let drawn: Vec<Vec<f64>> = lines
        .map(|l| l.split(',').skip(1).map(|x| x.parse().unwrap()).collect())
        .collect();
    assert_eq!(drawn.len(), 10);
    // Every trial draws its own values, inside their ranges.
    assert!(drawn.windows(2).all(|w| w[0] != w[1]));
    assert!(
        drawn
            .iter()
            .all(|d| (5.0..=25.0).contains(&d[0]) && (10.0..=20.0).contains(&d[1]))
    );
    // Node A's demand in trial t is what its drawn demands make.
    let a_rows: Vec<Vec<&str>> = yearly
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|r| r[2] == "A")
        .collect();
    assert_eq!(a_rows.len(), 10);
    for (t, r) in a_rows.iter().enumerate() {
        assert_eq!(r[0], t.to_string());
        let demand: f64 = r[4].parse().unwrap();
        let want = (drawn[t][0] + drawn[t][1]) * YEAR;
        assert!(
            (demand - want).abs() < 1e-5,
            "trial {t}: {demand} vs {want}"
        );
    }
    // Two threads, and two shards merged, give the same files.
    let two = dir.path().join("two");
    run(&two, &["--threads", "2"]);
    let mut shards = Vec::new();
    for k in 0..2 {
        let s = dir.path().join(format!("s{k}"));
        run(&s, &["--shard", &format!("{k}/2")]);
        shards.push(s);
    }
    let merged = dir.path().join("merged");
    ok(gasdep(&[
        "merge",
        shards[1].to_str().unwrap(),
        shards[0].to_str().unwrap(),
        "--charts",
        "none",
        "--out",
        merged.to_str().unwrap(),
    ]));
    for other in [&two, &merged] {
        for f in ["per_trial.csv", "per_trial_inputs.csv", "results.csv"] {
            assert_eq!(
                read(one.join(f)),
                read(other.join(f)),
                "{f} of {}",
                other.display()
            );
        }
    }
}

fn first_problem(text: &str) -> String {
    match load_str(text, Path::new("u.toml")) {
        Ok(_) => panic!("loaded:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_uncertain_inputs_are_refused_where_written() {
    let base = std::fs::read_to_string(ADDITIVE).unwrap();
    let cut = base.find("[[uncertain]]").unwrap();
    let head = &base[..cut];
    let line = head.lines().count() + 2;
    let case = |body: &str| first_problem(&format!("{head}[[uncertain]]\n{body}"));
    let m = case(
        "path = \"node.B.demand.industry\"\ndistribution = \"uniform\"\nmin = \"1 TWh/y\"\nmax = \"2 TWh/y\"\n",
    );
    assert!(
        m.starts_with(&format!("u.toml:{line}:8: uncertain path 'node.B.demand.industry': 'node' has no element with id 'B' (ids: A)")),
        "{m}"
    );
    let m = case(
        "path = \"node.A.demand.industry\"\ndistribution = \"uniform\"\nmin = \"1 TWh/y\"\nmax = \"2 bcm/y\"\n",
    );
    assert!(
        m.contains("is in 'bcm/y', another parameter in 'TWh/y'"),
        "{m}"
    );
    let m = case("path = \"scenario.trials\"\ndistribution = \"uniform\"\nmin = 1.0\nmax = 2.0\n");
    assert!(m.contains("is an integer setting"), "{m}");
    let m = case(
        "path = \"node.A.demand.industry\"\ndistribution = \"normal\"\nmean = \"15 TWh/y\"\nsd = \"5 TWh/y\"\n",
    );
    // 5 sd below the mean the demand is negative: refused at the input.
    assert!(
        m.starts_with(&format!("u.toml:{}:16: 'node.A.demand.industry' at its lowest value \"-10.0 TWh/y\" makes the scenario invalid", line + 1)),
        "{m}"
    );
    let m = case(
        "path = \"node.A.demand.industry\"\ndistribution = \"uniform\"\nmin = 5.0\nmax = 6.0\n",
    );
    assert!(
        m.contains("has no unit, but the field is a quantity"),
        "{m}"
    );
    let m = case("path = \"node.A.demand.industry\"\ndistribution = \"beta\"\n");
    assert!(m.contains("distribution 'beta' is not known"), "{m}");
    // A plain-number field with plain-number parameters is accepted.
    let ok_text = format!(
        "{head}[uncertainty]\nweather = {{ correlation = 0.5 }}\n[[uncertain]]\npath = \"uncertainty.weather.correlation\"\ndistribution = \"uniform\"\nmin = 0.2\nmax = 0.9\n"
    );
    let (_, m) = load_str(&ok_text, Path::new("u.toml")).unwrap();
    assert_eq!(m.uncertain.unwrap().inputs[0].unit, "");
}

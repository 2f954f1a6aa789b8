//! End-to-end tests of the `gasdep` binary: exit codes, reproducibility
//! across threads and shards, overwrite protection, N-1 by hand, and a
//! Monte Carlo estimate against an analytic probability.

mod common;

use common::{output as gasdep, stderr};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn summary(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap()
}

/// The summary without its wall-clock and machine fields.
fn comparable(mut v: Value) -> Value {
    let run = v["run"].as_object_mut().unwrap();
    for k in ["wall_seconds", "cpu_seconds", "threads", "command"] {
        run.remove(k);
    }
    v
}

const EXAMPLE: &str = "scenarios/examples/two-countries.toml";

/// Write `text` as a scenario file in a fresh folder, run it with `args`
/// (plus `--quiet --out`), require success, and return the folder (kept
/// alive) and the summary.
fn run_text(text: &str, args: &[&str]) -> (tempfile::TempDir, PathBuf, Value) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("case.toml");
    std::fs::write(&file, text).unwrap();
    let out = dir.path().join("out");
    let mut all = vec![
        "run",
        file.to_str().unwrap(),
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    let o = gasdep(&all);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = summary(&out);
    (dir, out, s)
}

fn run_example(out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "run",
        EXAMPLE,
        "--trials",
        "24",
        "--quiet",
        "--charts",
        "none",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    gasdep(&args)
}

#[test]
fn shipped_scenarios_validate() {
    let mut files: Vec<PathBuf> = std::fs::read_dir("scenarios")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.extend(
        std::fs::read_dir("scenarios/examples")
            .unwrap()
            .map(|e| e.unwrap().path()),
    );
    files.retain(|p| p.extension().is_some_and(|e| e == "toml"));
    assert!(files.len() >= 4);
    let args: Vec<&str> = std::iter::once("validate")
        .chain(files.iter().map(|p| p.to_str().unwrap()))
        .collect();
    let o = gasdep(&args);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn bad_input_exits_2_with_place() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    let text = std::fs::read_to_string(EXAMPLE)
        .unwrap()
        .replace("to = \"A\"", "to = \"ATT\"");
    std::fs::write(&bad, text).unwrap();
    let o = gasdep(&["validate", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("bad.toml:")
            && e.contains("pipeline 'east' goes to unknown node 'ATT' (known: A, B)"),
        "{e}"
    );
    let o = gasdep(&["run", bad.to_str().unwrap(), "--quiet"]);
    assert_eq!(o.status.code(), Some(2));
    let o = gasdep(&["run", EXAMPLE, "--trials", "0", "--quiet"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--trials 0"));
    let o = gasdep(&["run", EXAMPLE, "--policy", "nope", "--quiet"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown policy 'nope' (known: base, mandate, cut15)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn correlation_not_positive_definite_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("corr.toml");
    let text = std::fs::read_to_string(EXAMPLE)
        .unwrap()
        .replace("correlation = 0.8", "matrix = [[1.0, 1.0], [1.0, 1.0]]");
    std::fs::write(&f, text).unwrap();
    let o = gasdep(&["validate", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("weather correlation matrix is not positive definite"),
        "{}",
        stderr(&o)
    );
}

/// The built-in scenario has ties between equally cheap routes: a test
/// on it catches any dependence on which trials a worker solved before.
#[test]
fn default_scenario_same_on_one_and_two_threads_and_shards() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, extra: &[&str]| {
        let out = dir.path().join(name);
        let mut args = vec![
            "run",
            "--trials",
            "5",
            "--policy",
            "deal",
            "--quiet",
            "--charts",
            "none",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let o = gasdep(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        out
    };
    let one = run("t1", &["--threads", "1"]);
    let two = run("t2", &["--threads", "2"]);
    assert_eq!(comparable(summary(&one)), comparable(summary(&two)));
    let s0 = run("s0", &["--shard", "0/2", "--threads", "1"]);
    let s1 = run("s1", &["--shard", "1/2", "--threads", "1"]);
    let merged = dir.path().join("merged");
    let o = gasdep(&[
        "merge",
        "--quiet",
        "--charts",
        "none",
        "--out",
        merged.to_str().unwrap(),
        s1.to_str().unwrap(),
        s0.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        o.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert_eq!(comparable(summary(&one)), comparable(summary(&merged)));
}

#[test]
fn same_results_on_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("t1"), dir.path().join("t2"));
    assert!(run_example(&a, &["--threads", "1"]).status.success());
    assert!(run_example(&b, &["--threads", "2"]).status.success());
    let (sa, sb) = (summary(&a), summary(&b));
    assert_eq!(sa["run"]["threads"], 1);
    assert_eq!(sb["run"]["threads"], 2);
    assert_eq!(comparable(sa), comparable(sb));
    // The tidy CSV is written from the summary: identical too.
    assert_eq!(
        std::fs::read(a.join("results.csv")).unwrap(),
        std::fs::read(b.join("results.csv")).unwrap()
    );
}

#[test]
fn three_shards_merge_into_the_unsharded_run() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole");
    assert!(run_example(&whole, &["--threads", "2"]).status.success());
    let mut shards = Vec::new();
    for k in 0..3 {
        let d = dir.path().join(format!("s{k}"));
        let o = run_example(&d, &["--shard", &format!("{k}/3"), "--threads", "1"]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(d.join("shard.json").exists());
        shards.push(d);
    }
    let merged = dir.path().join("merged");
    let mut args = vec![
        "merge",
        "--charts",
        "none",
        "--out",
        merged.to_str().unwrap(),
    ];
    args.extend(shards.iter().rev().map(|p| p.to_str().unwrap()));
    let o = gasdep(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("merged 3 shards"));
    assert_eq!(comparable(summary(&whole)), comparable(summary(&merged)));
    // run.json counts the steps solved: 24 trials × 3 policies × 24 monthly
    // steps of the example, in the whole run and summed over the shards,
    // with the CPU time that took.
    let record = |d: &Path| -> Value {
        serde_json::from_str(&std::fs::read_to_string(d.join("run.json")).unwrap()).unwrap()
    };
    for d in [&whole, &merged] {
        assert_eq!(record(d)["trial_steps"], 24 * 3 * 24, "{}", d.display());
        assert!(record(d)["cpu_seconds"].as_f64().unwrap() > 0.0);
    }
    assert_eq!(record(&shards[0])["trial_steps"], 8 * 3 * 24);

    // A missing shard, a duplicate, a shard of another run, a half-written one: refused.
    let o = gasdep(&[
        "merge",
        "--out",
        merged.to_str().unwrap(),
        shards[0].to_str().unwrap(),
        shards[1].to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("missing shards 2 of 3"),
        "{}",
        stderr(&o)
    );
    let o = gasdep(&[
        "merge",
        "--out",
        merged.to_str().unwrap(),
        shards[0].to_str().unwrap(),
        shards[0].to_str().unwrap(),
        shards[2].to_str().unwrap(),
    ]);
    assert!(stderr(&o).contains("given twice"), "{}", stderr(&o));
    let other = dir.path().join("other");
    assert!(
        run_example(&other, &["--shard", "2/3", "--seed", "99"])
            .status
            .success()
    );
    let o = gasdep(&[
        "merge",
        "--out",
        merged.to_str().unwrap(),
        shards[0].to_str().unwrap(),
        shards[1].to_str().unwrap(),
        other.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a shard of the same run"),
        "{}",
        stderr(&o)
    );
    let text = std::fs::read_to_string(shards[2].join("shard.json")).unwrap();
    std::fs::write(shards[2].join("shard.json"), &text[..text.len() / 2]).unwrap();
    let o = gasdep(&[
        "merge",
        "--out",
        merged.to_str().unwrap(),
        shards[0].to_str().unwrap(),
        shards[1].to_str().unwrap(),
        shards[2].to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("damaged shard file"), "{}", stderr(&o));
}

#[test]
fn shard_index_from_the_scheduler() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("auto");
    let o = Command::new(env!("CARGO_BIN_EXE_gasdep"))
        .args([
            "run",
            EXAMPLE,
            "--trials",
            "6",
            "--quiet",
            "--shard",
            "auto/3",
            "--out",
            d.to_str().unwrap(),
        ])
        .env("SLURM_ARRAY_TASK_ID", "1")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let rec: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("run.json")).unwrap()).unwrap();
    assert_eq!(rec["shard"], serde_json::json!([1, 3]));
}

#[test]
fn refuses_to_overwrite_another_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    assert!(run_example(&out, &[]).status.success());
    let before = std::fs::read(out.join("summary.json")).unwrap();
    let o = gasdep(&[
        "run",
        "tests/data/one-route.toml",
        "--trials",
        "4",
        "--quiet",
        "--charts",
        "none",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("holds results of scenario 'two-countries'"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read(out.join("summary.json")).unwrap(),
        before,
        "earlier result untouched"
    );
    let o = gasdep(&[
        "run",
        "tests/data/one-route.toml",
        "--trials",
        "4",
        "--quiet",
        "--charts",
        "none",
        "--force",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    assert_eq!(summary(&out)["scenario"]["name"], "one-route");
    // Nothing half-written is left beside it.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["run"]);
}

/// A folder gasdep did not write (no run.json) is never replaced, not even
/// with --force: a mistyped --out must not delete someone's files.
#[test]
fn never_replaces_a_folder_it_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("papers");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("thesis.tex"), "precious").unwrap();
    for extra in [&[][..], &["--force"][..]] {
        let o = run_example(&out, extra);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("is not a gasdep result folder"),
            "{}",
            stderr(&o)
        );
        assert_eq!(
            std::fs::read_to_string(out.join("thesis.tex")).unwrap(),
            "precious"
        );
    }
    // A file in the way is refused too.
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "x").unwrap();
    let o = run_example(&file, &["--force"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not a folder"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}

/// N-1 of both countries of the example, from the figures of the file
/// (Regulation (EU) 2017/1938 Annex II), computed here step by step.
#[test]
fn n_minus_1_by_hand() {
    let o = gasdep(&["inspect", EXAMPLE, "--year", "2020", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let bcm = 10_900.0 / 365.25; // GWh/d per bcm/y at 10.9 kWh/m3
    // January heating factor: the default profile normalised to mean 1.
    let prof = [
        1.75, 1.55, 1.35, 0.95, 0.70, 0.55, 0.50, 0.50, 0.60, 0.90, 1.30, 1.60,
    ];
    let jan = prof[0] / (prof.iter().sum::<f64>() / 12.0);
    // Peak day defaults to 1.5 × the January average day; power weighs
    // heating by half.
    let peak = |protected: f64, industry: f64, power: f64| {
        1.5 * bcm * (protected * jan + industry + power * (0.5 + 0.5 * jan))
    };
    // A: entry = east 67 + reverse of ab 15 bcm/y; production 5 bcm/y;
    // storage deliverability 2.4 TWh/d, which is also the largest single
    // infrastructure (bigger than east's 1,999 GWh/d).
    let a = 100.0 * ((67.0 + 15.0 + 5.0) * bcm + 2400.0 - 2400.0) / peak(30.0, 20.0, 10.0);
    // B: entry = ab 30 bcm/y; LNG 35 bcm/y; storage 1.6 TWh/d (largest).
    let b = 100.0 * ((30.0 + 35.0) * bcm + 1600.0 - 1600.0) / peak(20.0, 15.0, 5.0);
    let got = |i: usize| v["nodes"][i]["n_minus_1"]["2020"].as_f64().unwrap();
    assert!((got(0) - a).abs() < 1e-6, "A: {} vs {a}", got(0));
    assert!((got(1) - b).abs() < 1e-6, "B: {} vs {b}", got(1));
    assert!(
        (a - 68.24).abs() < 0.01 && (b - 77.28).abs() < 0.01,
        "hand values {a:.2} {b:.2}"
    );
    // The readable table shows the same figures.
    let o = gasdep(&["inspect", EXAMPLE, "--year", "2020"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("N-1 indicator"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("A ") && l.contains(" 68")),
        "{text}"
    );
}

/// Monte Carlo against an exact probability (tests/data/one-route.toml).
#[test]
fn outage_probability_matches_the_analytic_value() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let o = gasdep(&[
        "run",
        "tests/data/one-route.toml",
        "--quiet",
        "--charts",
        "none",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = summary(&out);
    let exact = 1.0 - (-2.0f64 * 30.0 / 365.25).exp();
    // Years are independent (a Poisson process): pool them.
    let ev: Vec<&Value> = s["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "curtailment_gt_1pct_annual_demand" && e["node"] == "EUROPE")
        .collect();
    let (any, ev): (Vec<&Value>, Vec<&Value>) = ev.into_iter().partition(|e| e["period"] == "any");
    assert_eq!(ev.len(), 10);
    assert_eq!(any.len(), 1);
    let trials = s["run"]["trials"].as_f64().unwrap();
    let hits: f64 = ev
        .iter()
        .map(|e| e["probability"].as_f64().unwrap() * trials)
        .sum();
    let n = trials * ev.len() as f64;
    let p = hits / n;
    // 95 % Wilson interval of the pooled estimate.
    let z = 1.959_964f64;
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    assert!(
        (centre - exact).abs() <= half,
        "estimate {p:.4} ± {half:.4}, exact {exact:.4}"
    );
    // At least one such year in ten: the years are independent, so
    // 1 − (1 − p)^10; its Wilson interval (from the summary) must hold it.
    let exact_any = 1.0 - (1.0 - exact).powi(10);
    let (lo, hi) = (
        any[0]["ci_low"].as_f64().unwrap(),
        any[0]["ci_high"].as_f64().unwrap(),
    );
    assert!(
        lo <= exact_any && exact_any <= hi,
        "P(any year) in [{lo:.4}, {hi:.4}], exact {exact_any:.4}"
    );
    // And the expected unserved volume: each event costs 10 days of
    // demand; overlapping events in one June are rare but counted once,
    // so the mean lies just under λ·(30/365.25)·10/365.25 of demand.
    let unserved = s["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| {
            x["node"] == "EUROPE" && x["metric"] == "curtailment_share" && x["resolution"] == "year"
        })
        .unwrap();
    let mean: f64 = unserved["stats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|st| st["mean"].as_f64().unwrap())
        .sum::<f64>()
        / 10.0;
    let expected = 2.0 * 30.0 / 365.25 * 10.0 / 365.25;
    assert!(
        mean < expected * 1.1 && mean > expected * 0.8,
        "mean unserved share {mean:.5}, expected ≈ {expected:.5}"
    );
}

/// Editors read docs/gasdep.schema.json (the `#:schema` line of scenario
/// files): it must be what `gasdep schema` prints.
#[test]
fn committed_schema_is_current() {
    let o = gasdep(&["schema"]);
    assert!(o.status.success());
    let printed: Value = serde_json::from_slice(&o.stdout).unwrap();
    let committed: Value =
        serde_json::from_str(&std::fs::read_to_string("docs/gasdep.schema.json").unwrap()).unwrap();
    assert_eq!(
        printed, committed,
        "run `gasdep schema > docs/gasdep.schema.json`"
    );
    // Every top-level table of the format is described.
    for key in [
        "scenario",
        "node",
        "origin",
        "pipeline",
        "contract",
        "disruption",
        "event",
        "policy",
        "lng_market",
    ] {
        assert!(
            printed["properties"].get(key).is_some(),
            "schema lacks {key}"
        );
    }
}

/// SIGTERM (as Ctrl-C) stops a long run promptly with exit code 130 and
/// leaves the earlier result of that folder as it was, with nothing
/// half-written beside it.
#[test]
fn interrupted_run_keeps_earlier_results() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    assert!(run_example(&out, &[]).status.success());
    let before = std::fs::read(out.join("summary.json")).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_gasdep"))
        .args([
            "run",
            EXAMPLE,
            "--trials",
            "100000000",
            "--quiet",
            "--charts",
            "none",
            "--out",
            out.to_str().unwrap(),
        ])
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let t0 = std::time::Instant::now();
    assert!(
        Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap()
            .success()
    );
    let o = child.wait_with_output().unwrap();
    assert!(t0.elapsed().as_secs() < 20, "stopped promptly");
    assert_eq!(o.status.code(), Some(130));
    assert_eq!(std::fs::read(out.join("summary.json")).unwrap(), before);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["run"]);
}

/// An output folder that cannot be created is an input error, not a crash.
#[test]
fn unwritable_output_is_exit_2() {
    let o = run_example(Path::new("/proc/gasdep-cannot-write-here/run"), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot create /proc/gasdep-cannot-write-here/run"),
        "{}",
        stderr(&o)
    );
}

/// A 1,000-node scenario (half the node limit) runs to the end with the
/// right numbers: 999 nodes each fed by their own pipeline from one origin,
/// the next node of every tenth one linked to it, and one node with no
/// pipeline at all. Demand 3 bcm/y a node (32.7 TWh/y at 10.9 kWh/m³), flat
/// and without weather response; no disruption: every connected node is served in full, the disconnected
/// one not at all, so Europe's unserved demand is exactly that node's
/// 32.7 TWh of 32,700.
#[test]
fn a_thousand_node_scenario_runs() {
    let mut text = String::from(
        "[scenario]\nname = \"big\"\nstart = \"2020-01\"\nend = \"2020-12\"\nbaseline = \"base\"\n\n\
         [[origin]]\nid = \"O\"\ncountry = \"O\"\nkind = \"pipe\"\nprice = \"20 EUR/MWh\"\ncapacity = \"5000 bcm/y\"\n\n\
         [[policy]]\nid = \"base\"\n",
    );
    let demand = "demand = { protected = \"1 bcm/y\", industry = \"1 bcm/y\", power = \"1 bcm/y\", \
         profile = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], weather_sensitivity = \"0 %\" }";
    for i in 0..999 {
        text.push_str(&format!(
            "\n[[node]]\nid = \"N{i}\"\n{demand}\n\
             [[pipeline]]\nid = \"p{i}\"\nfrom = \"O\"\nto = \"N{i}\"\ncapacity = \"10 bcm/y\"\n"
        ));
        if i % 10 == 0 && i + 1 < 999 {
            text.push_str(&format!(
                "[[pipeline]]\nid = \"l{i}\"\nfrom = \"N{i}\"\nto = \"N{}\"\ncapacity = \"1 bcm/y\"\n",
                i + 1
            ));
        }
    }
    text.push_str(&format!("\n[[node]]\nid = \"ALONE\"\n{demand}\n"));
    let (_dir, out, s) = run_text(&text, &["--trials", "2", "--charts", "png"]);
    let year = |node: &str, metric: &str| -> f64 {
        s["series"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["node"] == node && x["metric"] == metric && x["resolution"] == "year")
            .unwrap_or_else(|| panic!("no {node} {metric}"))["stats"][0]["mean"]
            .as_f64()
            .unwrap()
    };
    // 3 bcm/y is 32.7 TWh a year of 365.25 days; 2020 has 366.
    let per_node = 3.0 * 10.9 * 366.0 / 365.25;
    for (node, metric, want, tol) in [
        ("EUROPE", "demand", 1000.0 * per_node, 0.5),
        ("EUROPE", "curtailment", per_node, 0.01),
        ("ALONE", "curtailment", per_node, 0.01),
        ("N500", "curtailment", 0.0, 1e-9),
        ("N501", "demand", per_node, 0.01),
    ] {
        let got = year(node, metric);
        assert!(
            (got - want).abs() <= tol,
            "{node} {metric}: {got} TWh, want {want}"
        );
    }
    assert!(out.join("flow_map.png").exists() && out.join("report.html").exists());
}

/// The dependency share of a pipeline flow is weighted by flow over trials.
/// A is fed by a cheap Norwegian pipeline that fails now and then, and by
/// a dearer Russian one used only while it is out, so the Russian pipeline
/// carries gas in a minority of trials. All that it carries is Russian: its
/// share must be 100 %, not the 0 % a median of per-trial shares (0 in the
/// trials without flow) would give.
#[test]
fn rarely_used_pipeline_keeps_the_share_of_what_it_carries() {
    let text = r#"
[scenario]
name = "backup"
start = "2020-01"
end = "2021-12"
trials = 200
seed = 5
baseline = "base"
dependency = ["RU"]

[[node]]
id = "A"
demand = { protected = "10 bcm/y", industry = "5 bcm/y", power = "5 bcm/y" }

[[origin]]
id = "NO"
country = "NO"
kind = "pipe"
price = "15 EUR/MWh"
capacity = "40 bcm/y"

[[origin]]
id = "RU"
country = "RU"
kind = "pipe"
price = "25 EUR/MWh"
capacity = "40 bcm/y"

[[pipeline]]
id = "no-a"
from = "NO"
to = "A"
capacity = "40 bcm/y"

[[pipeline]]
id = "ru-a"
from = "RU"
to = "A"
capacity = "40 bcm/y"

[[disruption]]
id = "no-out"
target = "no-a"
hazard = "0.3 /y"
duration = { type = "fixed", value = "20 d" }

[[policy]]
id = "base"
"#;
    let (_dir, _, s) = run_text(text, &["--charts", "none"]);
    let flows: Vec<&Value> = s["flows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["from"] == "RU")
        .collect();
    assert_eq!(flows.len(), 2, "one per year");
    for f in flows {
        // Used in a minority of trials: the median year carries nothing.
        assert_eq!(f["median_twh"].as_f64().unwrap(), 0.0, "{f}");
        let share = f["dependency_share"].as_f64().unwrap();
        assert!((share - 1.0).abs() < 1e-6, "{f}");
    }
}

/// Damaged copies of the shipped default scenario, through the binary: each
/// is either still valid (exit 0) or refused with exit 2 and a message that
/// names the file, line and column; never a panic (exit 101) or a signal.
/// (`tests/scenario_mutations.rs` covers many more cases at the library
/// level, in-process.)
#[test]
fn damaged_default_scenario_is_exit_2_with_a_place() {
    let text = std::fs::read_to_string("scenarios/franco-russian-2010.toml").unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let n = lines.len();
    let dir = tempfile::tempdir().unwrap();
    let mut cases: Vec<(String, String)> = Vec::new();
    // Delete, duplicate and garble lines spread over the file.
    for k in (7..n).step_by(n / 9) {
        let mut v = lines.clone();
        v.remove(k);
        cases.push((format!("delete line {}", k + 1), v.join("\n")));
        let mut v = lines.clone();
        v.insert(k, lines[k]);
        cases.push((format!("duplicate line {}", k + 1), v.join("\n")));
        let mut v: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
        let half: String = lines[k]
            .chars()
            .take(lines[k].chars().count() / 2)
            .collect();
        v[k] = format!("{half}\u{0}\u{7f}ÿ{{[\"");
        cases.push((format!("garble line {}", k + 1), v.join("\n")));
    }
    // Numbers made absurd, and the file cut in half.
    for (from, to) in [("bcm/y", "bcm"), ("\"0.", "\"-1e300"), ("%\"", "%%\"")] {
        cases.push((format!("{from} -> {to}"), text.replacen(from, to, 3)));
    }
    let half: String = text.chars().take(text.chars().count() / 2).collect();
    cases.push(("truncated".into(), half));
    let mut refused = 0;
    for (i, (what, body)) in cases.iter().enumerate() {
        let file = dir.path().join(format!("case{i}.toml"));
        std::fs::write(&file, body).unwrap();
        let o = gasdep(&["validate", file.to_str().unwrap()]);
        match o.status.code() {
            Some(0) => {}
            Some(2) => {
                refused += 1;
                let err = stderr(&o);
                let place = format!("case{i}.toml:");
                assert!(
                    err.lines().any(|l| l.contains(&place)
                        && l.split(':')
                            .nth(1)
                            .is_some_and(|x| x.parse::<usize>().is_ok())),
                    "{what}: no file:line in\n{err}"
                );
            }
            other => panic!("{what}: exit {other:?}\n{}", stderr(&o)),
        }
    }
    assert!(
        refused >= cases.len() / 2,
        "only {refused} of {} refused",
        cases.len()
    );
}

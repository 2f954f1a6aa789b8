//! A supplier's cut as an uncertain event (docs/model.md, "Supplier risk"
//! and "Hazard grid"), on tests/data/supplier-cut.toml: the cuts the
//! sampler draws have the frequency and duration the file states, and the
//! run's shortfall risk and curtailment, at its own hazard and at the
//! hazards of its `hazard_grid`, match the analytic values.

use gasdep::scenario::{DurationDist, load, load_str};
use gasdep::sim::sample::World;
use gasdep::sim::supplier::exposure_years;
use serde_json::Value;
use std::path::Path;

mod common;

const FILE: &str = "tests/data/supplier-cut.toml";
/// Days a cut lasts in the file, and its days in a year.
const CUT_DAYS: f64 = 20.0;
const YEAR: f64 = 365.25;

/// Mean and standard error of the mean.
fn mean_se(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    let v = x.iter().map(|a| (a - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, (v / n).sqrt())
}

/// Drawn cuts, directly from the sampler: the number per trial is Poisson
/// with mean hazard × exposure (checked through its mean and its zero
/// class), and lognormal durations have their median, log-sd and mean.
#[test]
fn drawn_cuts_have_their_frequency_and_duration() {
    let text = std::fs::read_to_string(FILE).unwrap().replacen(
        "duration = { type = \"fixed\", value = \"20 d\" }",
        "duration = { type = \"lognormal\", median = \"60 d\", sigma = 0.8 }",
        1,
    );
    let (_, model) = load_str(&text, Path::new("cut.toml")).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        model.disruptions[0].duration,
        DurationDist::LogNormal { .. }
    ));
    // 2020-01-01 to 2029-12-31: 3,653 days.
    let t = exposure_years(&model, 0);
    assert!((t - 3653.0 / YEAR).abs() < 1e-9, "exposure {t}");
    let trials = 20_000;
    let mut world = World::new(&model);
    let (mut counts, mut counts_b, mut logs, mut lens) = (vec![], vec![], vec![], vec![]);
    for trial in 0..trials {
        world.sample(&model, trial);
        counts.push(f64::from(world.counts[0]));
        counts_b.push(f64::from(world.counts[1]));
        for &(d, a, b) in &world.events {
            if d == 0 {
                logs.push((b - a).ln());
                lens.push(b - a);
            }
        }
    }
    for (c, hazard, what) in [(&counts, 0.2, "ru-cut"), (&counts_b, 0.1, "ru-cut-b")] {
        let (m, se) = mean_se(c);
        let want = hazard * t;
        assert!(
            (m - want).abs() < 4.0 * se,
            "{what}: {m:.4} ± {se:.4} cuts per trial, analytic {want:.4}"
        );
        let zero = c.iter().filter(|&&x| x == 0.0).count() as f64 / trials as f64;
        let p0 = (-want).exp();
        let se0 = (p0 * (1.0 - p0) / trials as f64).sqrt();
        assert!(
            (zero - p0).abs() < 4.0 * se0,
            "{what}: P(no cut) {zero:.4}, analytic {p0:.4}"
        );
    }
    let (mlog, selog) = mean_se(&logs);
    assert!(
        (mlog - 60f64.ln()).abs() < 4.0 * selog,
        "log duration {mlog:.4} ± {selog:.4}, analytic ln 60 = {:.4}",
        60f64.ln()
    );
    let sd =
        (logs.iter().map(|x| (x - mlog).powi(2)).sum::<f64>() / (logs.len() - 1) as f64).sqrt();
    assert!((sd - 0.8).abs() < 0.02, "log-sd {sd:.4}, analytic 0.8");
    let (mean, se) = mean_se(&lens);
    let want = 60.0 * (0.8f64 * 0.8 / 2.0).exp();
    assert!(
        (mean - want).abs() < 4.0 * se,
        "mean duration {mean:.2} ± {se:.2} d, analytic {want:.2}"
    );
}

/// Months and a window thin the cuts: only days of December to February
/// from 2022 on may start one (722 days), so a trial has Poisson(λ · 722 /
/// 365.25) of them.
#[test]
fn thinned_cuts_follow_their_exposure() {
    let text = std::fs::read_to_string(FILE).unwrap().replacen(
        "hazard_grid = [",
        "months = [12, 1, 2]\nfrom = \"2022-01\"\nhazard_grid = [",
        1,
    );
    let (_, model) = load_str(&text, Path::new("cut.toml")).unwrap_or_else(|e| panic!("{e}"));
    // Jan 31 × 8 + Feb (28 × 8 + 2 leap days) + Dec 31 × 8.
    let days = 31.0 * 8.0 + 28.0 * 8.0 + 2.0 + 31.0 * 8.0;
    let t = exposure_years(&model, 0);
    assert!((t - days / YEAR).abs() < 1e-9, "exposure {t}");
    let mut world = World::new(&model);
    let counts: Vec<f64> = (0..20_000)
        .map(|trial| {
            world.sample(&model, trial);
            f64::from(world.counts[0])
        })
        .collect();
    let (m, se) = mean_se(&counts);
    assert!(
        (m - 0.2 * t).abs() < 4.0 * se,
        "{m:.4} ± {se:.4}, analytic {:.4}",
        0.2 * t
    );
}

fn run(out: &Path) -> Value {
    let out_s = out.to_str().unwrap();
    common::run_ok(&["run", FILE, "--quiet", "--charts", "none", "--out", out_s]);
    serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap()
}

/// The run: each cut leaves 20 days of demand unserved (the only supply
/// stops), so a node is short by more than 1 % of a year's demand in some
/// year exactly when it was cut at least once: 1 − exp(−λ T) for A, which
/// only `ru-cut` (hazard λ) reaches, and 1 − exp(−(λ + 0.1) T) for B and
/// for the region (B is cut whenever A is). The region's mean curtailment
/// share is (2λ + 0.1) / 2 · 20 / 365.25, slightly less where two cuts fall
/// in one month (the cuts of one step multiply). Per node only the
/// shortfall risk is analytic: when both are cut, the cooperative split
/// shares the shortage by quarters of each node's demand, not in
/// proportion (docs/model.md, deviation 7), so A bears more than half of
/// it; but every cut leaves each node it reaches short by more than 1 %. Checked at the run's hazard (0.2 /y, its
/// own events) and at every hazard of the grid (post-stratified).
#[test]
fn cut_risk_at_each_hazard_matches_the_analytic_value() {
    let dir = tempfile::tempdir().unwrap();
    let s = run(&dir.path().join("r"));
    let model = load(Path::new(FILE)).unwrap();
    let t = exposure_years(&model, 0);
    let p_any = |rate: f64| 1.0 - (-rate * t).exp();
    // The run's own events: Wilson intervals of P(short in some year).
    for (node, rate) in [("A", 0.2), ("B", 0.3), ("EUROPE", 0.3)] {
        let e = s["events"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["node"] == node && e["period"] == "any")
            .unwrap_or_else(|| panic!("no 'any' event for {node}"));
        let (lo, hi) = (
            e["ci_low"].as_f64().unwrap(),
            e["ci_high"].as_f64().unwrap(),
        );
        let want = p_any(rate);
        assert!(
            lo <= want && want <= hi,
            "{node}: P(any) in [{lo:.4}, {hi:.4}], analytic {want:.4}"
        );
    }
    // The grid.
    let sens = &s["hazard_grid"];
    assert_eq!(sens["disruption"], "ru-cut");
    let rows = sens["rows"].as_array().unwrap();
    let row = |h: f64, node: &str, q: &str| -> [f64; 3] {
        let r = rows
            .iter()
            .find(|r| r["hazard"].as_f64() == Some(h) && r["node"] == node && r["quantity"] == q)
            .unwrap_or_else(|| panic!("no row {h} {node} {q}"));
        let v = r["value"].as_array().unwrap();
        [0, 1, 2].map(|i| v[i].as_f64().unwrap())
    };
    let mut hazards: Vec<f64> = rows.iter().map(|r| r["hazard"].as_f64().unwrap()).collect();
    hazards.dedup();
    assert_eq!(hazards, vec![0.0, 0.1, 0.2, 0.4]);
    for &h in &hazards {
        for (node, rate) in [("A", h), ("B", h + 0.1), ("EUROPE", h + 0.1)] {
            let [m, lo, hi] = row(h, node, "shortfall_any");
            let want = p_any(rate);
            // Cuts in the horizon's last few days leave less than 1 % of
            // the year unserved: allow 0.005 for that edge.
            assert!(
                lo - 0.005 <= want && want <= hi + 0.005,
                "{node} at {h} /y: P(any) {m:.4} [{lo:.4}, {hi:.4}], analytic {want:.4}"
            );
        }
        // The region's share: A loses λ · 20 days a year, B (λ + 0.1) · 20.
        let [m, _, _] = row(h, "EUROPE", "curtailment_share");
        let want = (h + h + 0.1) / 2.0 * CUT_DAYS / YEAR;
        assert!(
            m <= want * 1.02 + 1e-9 && m >= want * 0.94,
            "Europe at {h} /y: curtailment share {m:.5}, analytic ≤ {want:.5}"
        );
    }
    // The trials are filed by their number of `ru-cut` events: as many as
    // the run has.
    let filed: u64 = sens["trials_by_events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .sum();
    assert_eq!(filed, s["run"]["trials"].as_u64().unwrap());
}

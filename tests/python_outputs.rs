//! The CSV outputs load as they are in pandas and pyam.
//!
//! Runs the built-in scenario (20 trials, no charts) and hands the output
//! folder to `tests/python/check_outputs.py`, which reads `results.csv` and
//! `results_iamc.csv` with `pandas.read_csv` and `pyam.IamDataFrame` without
//! options, turns a pandas DtypeWarning into a failure, checks columns,
//! dtypes and every value against `summary.json`, and converts units with
//! pyam (`TWh/yr` → `EJ/yr`, `million EUR/yr` → `billion EUR/yr`,
//! `%` → `dimensionless`). The run is big enough (≈ 420,000 rows) for
//! pandas to read `results.csv` in several chunks, which is when a column
//! that mixes numbers and text warns.
//!
//! Needs `python3` (or `$GASDEP_PYTHON`) with the packages of
//! `tests/python/requirements.txt`. Without them the test prints why and
//! passes, unless `GASDEP_REQUIRE_PYTHON=1` (set by `.ci/run`), which makes
//! it fail.

use std::process::Command;

mod common;

fn python() -> String {
    std::env::var("GASDEP_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// Why pandas and pyam cannot be used, or `None` when they can.
fn missing_packages(py: &str) -> Option<String> {
    match Command::new(py)
        .args(["-c", "import pandas, pyam"])
        .output()
    {
        Err(e) => Some(format!("{py} does not run: {e}")),
        Ok(o) if !o.status.success() => Some(format!(
            "{py} cannot import pandas and pyam: {}",
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .last()
                .unwrap_or("")
        )),
        Ok(_) => None,
    }
}

/// Skip (or fail under GASDEP_REQUIRE_PYTHON=1) without the packages.
fn require_packages(py: &str) -> bool {
    if let Some(why) = missing_packages(py) {
        let install = "pip install -r tests/python/requirements.txt";
        if std::env::var("GASDEP_REQUIRE_PYTHON").as_deref() == Ok("1") {
            panic!("{why}; GASDEP_REQUIRE_PYTHON=1 requires them ({install})");
        }
        eprintln!("skipped: {why} ({install}, or set GASDEP_REQUIRE_PYTHON=1 to fail instead)");
        return false;
    }
    true
}

/// pandas reads the per-trial files of `gasdep run --per-trial` as they
/// are, and their means over trials are the summary's
/// (tests/python/check_per_trial.py).
#[test]
fn pandas_reads_the_per_trial_files() {
    let py = python();
    if !require_packages(&py) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    common::run_ok(&[
        "run",
        common::EXAMPLE,
        "--trials",
        "30",
        "--charts",
        "none",
        "--quiet",
        "--per-trial",
        "dependency_share,curtailment,price:step,storage_level:step",
        "--out",
        out.to_str().unwrap(),
    ]);
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/python/check_per_trial.py"
    );
    let o = Command::new(&py)
        .arg(script)
        .arg(&out)
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&o.stdout);
    print!("{stdout}");
    assert!(
        o.status.success(),
        "check_per_trial.py failed:\n{stdout}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(stdout.contains("check_per_trial: ok"), "{stdout}");
}

#[test]
fn pandas_and_pyam_read_the_csv_outputs() {
    let py = python();
    if let Some(why) = missing_packages(&py) {
        let install = "pip install -r tests/python/requirements.txt";
        if std::env::var("GASDEP_REQUIRE_PYTHON").as_deref() == Ok("1") {
            panic!("{why}; GASDEP_REQUIRE_PYTHON=1 requires them ({install})");
        }
        eprintln!("skipped: {why} ({install}, or set GASDEP_REQUIRE_PYTHON=1 to fail instead)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out_s = out.to_str().unwrap();
    common::run_ok(&[
        "run", "--trials", "20", "--charts", "none", "--quiet", "--out", out_s,
    ]);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/check_outputs.py");
    let o = Command::new(&py)
        .arg(script)
        .arg(&out)
        .output()
        .expect("the check script runs");
    let stdout = String::from_utf8_lossy(&o.stdout);
    print!("{stdout}");
    assert!(
        o.status.success(),
        "check_outputs.py failed:\n{stdout}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(stdout.contains("check_outputs: ok"), "{stdout}");
}

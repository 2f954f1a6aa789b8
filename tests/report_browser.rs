//! Drives a real run's report.html in headless Chromium (through
//! ChromeDriver) with every network request refused: the focus country's
//! headline must be above the fold, and the explorer must redraw its table
//! with the summary's numbers when the country and the metric change (see
//! tests/browser/check_report.py for every check).
//!
//! Needs Debian's `chromium` and `chromium-driver`: `.ci/run` installs
//! them, and runs this test with `--include-ignored`.

use std::process::Command;

mod common;

use gasdep::report::charts::{Formats, write_charts};
use gasdep::report::html::write_report;
use gasdep::stats::summary::Summary;

#[test]
#[ignore = "needs chromium and chromium-driver; .ci/run installs them and runs it"]
fn report_answers_first_and_its_explorer_works_offline() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    common::run_ok(&[
        "run",
        common::EXAMPLE,
        "--trials",
        "20",
        "--quiet",
        "--charts",
        "png",
        "--out",
        out.to_str().unwrap(),
    ]);
    // The report of the same run with a focus country (B), written by the
    // library as `gasdep run` writes it.
    let text = std::fs::read_to_string(out.join("summary.json")).unwrap();
    let mut s: Summary = serde_json::from_str(&text).unwrap();
    s.run.focus = vec!["B".into()];
    let focused = dir.path().join("focused");
    std::fs::create_dir_all(&focused).unwrap();
    let files = write_charts(&s, &focused, Formats::Png).unwrap();
    write_report(&s, &files, &focused.join("report.html")).unwrap();
    std::fs::write(
        focused.join("summary.json"),
        serde_json::to_string(&s).unwrap(),
    )
    .unwrap();
    let shot = focused.join("report-screenshot.png");
    let o = Command::new("python3")
        .arg("tests/browser/check_report.py")
        .arg(focused.join("report.html"))
        .arg(focused.join("summary.json"))
        .arg(&shot)
        .arg("B")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "browser check failed: {stdout}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let seen: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(
        seen["images"].as_u64().unwrap() as usize,
        files.len(),
        "every chart is in the page: {stdout}"
    );
    assert_eq!(
        seen["start"]["node"], "B",
        "the explorer opens on the focus"
    );
    assert_ne!(seen["country"]["node"], "B");
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    assert!(png.len() > 10_000, "screenshot is suspiciously small");
}

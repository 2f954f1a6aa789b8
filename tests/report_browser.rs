//! Opens a real run's report.html in headless Chromium (through
//! ChromeDriver) and checks that every image loaded and the console shows
//! no error; saves a screenshot next to the report.
//!
//! Needs Debian's `chromium` and `chromium-driver`: `.ci/run` installs
//! them, and runs this test with `--include-ignored`.

use std::process::Command;

#[test]
#[ignore = "needs chromium and chromium-driver; .ci/run installs them and runs it"]
fn report_opens_in_a_browser() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let o = Command::new(env!("CARGO_BIN_EXE_gasdep"))
        .args([
            "run",
            "scenarios/examples/two-countries.toml",
            "--trials",
            "20",
            "--quiet",
            "--charts",
            "png",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let shot = out.join("report-screenshot.png");
    let o = Command::new("python3")
        .arg("tests/browser/check_report.py")
        .arg(out.join("report.html"))
        .arg(&shot)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "browser check failed: {stdout}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        stdout.contains("\"images\": 6"),
        "expected the six charts: {stdout}"
    );
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    assert!(png.len() > 10_000, "screenshot is suspiciously small");
}

//! Helpers shared by the tests that run the binary: running it, streams
//! that cannot be written, reading result folders.
#![allow(dead_code)]

use std::fs::File;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

pub const EXAMPLE: &str = "scenarios/examples/two-countries.toml";
pub const OTHER: &str = "tests/data/one-route.toml";

pub fn gasdep() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gasdep"))
}

/// Run the binary with `args` to its end.
pub fn output<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
    gasdep().args(args).output().expect("gasdep runs")
}

pub fn run_ok<S: AsRef<std::ffi::OsStr> + std::fmt::Debug>(args: &[S]) -> Output {
    let o = output(args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    o
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

pub fn scenario_of(dir: &Path) -> String {
    let rec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("run.json")).unwrap()).unwrap();
    rec["scenario"].as_str().unwrap().to_string()
}

/// A finished run of `scenario` into `out`.
pub fn finished(scenario: &str, out: &Path, trials: &str) {
    run_ok(&[
        "run",
        scenario,
        "--trials",
        trials,
        "--quiet",
        "--charts",
        "none",
        "--out",
        out.to_str().unwrap(),
    ]);
}

pub fn full() -> Stdio {
    Stdio::from(File::create("/dev/full").unwrap())
}

/// The write end of a pipe whose read end is already closed: the first
/// write fails with EPIPE.
pub fn closed_pipe() -> Stdio {
    use std::os::fd::{FromRawFd, OwnedFd};
    let mut fds = [0; 2];
    // SAFETY: pipe fills two new descriptors; each is then owned once.
    unsafe {
        assert_eq!(libc::pipe(fds.as_mut_ptr()), 0);
        libc::close(fds[0]);
        Stdio::from(OwnedFd::from_raw_fd(fds[1]))
    }
}

pub fn kill(child: &Child, signal: &str) {
    let ok = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill {signal}: the process had already ended");
}

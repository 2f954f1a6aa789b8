//! The hostile cases of issue 18, each run against the binary: streams that
//! cannot be written, inputs without limits, places missing from messages.
//! (Racing runs, unfinished folders and lying shards are in
//! `reliability_outputs.rs`.) Each test checks the exit code, the message
//! and that nothing was lost. No test asserts a duration.
//! docs/reliability.md lists the promise each one pins.

mod common;

use common::*;
use serde_json::Value;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

// ---------------------------------------------------------------- streams

/// Issue case 1: standard output on a full disk. Every command that
/// prints exits 2 with a message instead of panicking (exit 101), and a
/// run's or merge's result is on disk all the same.
#[test]
fn full_stdout_is_exit_2_and_results_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let d = |n: &str| dir.path().join(n);
    let (run, s0, s1, merged, cmp) = (d("run"), d("s0"), d("s1"), d("merged"), d("cmp"));
    let p = |x: &PathBuf| x.to_str().unwrap().to_string();
    let cases: Vec<(&str, Vec<String>, Option<&PathBuf>)> = vec![
        ("validate", vec!["validate".into(), EXAMPLE.into()], None),
        ("inspect", vec!["inspect".into(), EXAMPLE.into()], None),
        (
            "inspect --json",
            vec!["inspect".into(), EXAMPLE.into(), "--json".into()],
            None,
        ),
        ("schema", vec!["schema".into()], None),
        ("--help", vec!["--help".into()], None),
        (
            "run",
            ["run", EXAMPLE, "--trials", "6", "--charts", "none", "--out"]
                .iter()
                .map(|s| s.to_string())
                .chain([p(&run)])
                .collect(),
            Some(&run),
        ),
    ];
    for (what, args, result) in &cases {
        let o = gasdep().args(args).stdout(full()).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{what}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("cannot write to standard output: No space left on device"),
            "{what}: {}",
            stderr(&o)
        );
        if let Some(r) = result {
            assert_eq!(scenario_of(r), "two-countries", "{what}: result kept");
        }
    }
    for (k, s) in [(0, &s0), (1, &s1)] {
        run_ok(&[
            "run",
            EXAMPLE,
            "--trials",
            "6",
            "--quiet",
            "--shard",
            &format!("{k}/2"),
            "--out",
            &p(s),
        ]);
    }
    let o = gasdep()
        .args([
            "merge",
            "--charts",
            "none",
            "--out",
            &p(&merged),
            &p(&s0),
            &p(&s1),
        ])
        .stdout(full())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "merge: {}", stderr(&o));
    assert!(stderr(&o).contains("cannot write to standard output"));
    assert!(merged.join("summary.json").exists() && merged.join("run.json").exists());
    let o = gasdep()
        .args([
            "compare",
            "--charts",
            "svg",
            "--out",
            &p(&cmp),
            &p(&run),
            &p(&merged),
        ])
        .stdout(full())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "compare: {}", stderr(&o));
    assert!(cmp.join("comparison.json").exists());
}

/// Standard output closed by its reader: the quiet exit 141 of a Unix tool,
/// no message, no panic.
#[test]
fn closed_stdout_pipe_is_a_quiet_141() {
    for args in [
        &["inspect", EXAMPLE][..],
        &["validate", EXAMPLE][..],
        &["schema"][..],
    ] {
        let o = gasdep().args(args).stdout(closed_pipe()).output().unwrap();
        assert_eq!(o.status.code(), Some(141), "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o), "", "{args:?}");
    }
}

/// Standard error on a full disk: exit 2 (there is nowhere to say why),
/// never a panic. A note that cannot be written stops a run before it
/// writes anything. Standard error closed by its reader: 141.
#[test]
fn full_stderr_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[scenario]\nname = 3\n").unwrap();
    let o = gasdep()
        .args(["validate", bad.to_str().unwrap()])
        .stderr(full())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let out = dir.path().join("r");
    let o = gasdep()
        .args([
            "run",
            EXAMPLE,
            "--trials",
            "4",
            "--quiet",
            "--threads",
            "100000",
        ])
        .args(["--charts", "none", "--out", out.to_str().unwrap()])
        .stderr(full())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(!out.exists());
    // Standard error closed by its reader: the quiet 141, still a failure.
    let o = gasdep()
        .args(["validate", bad.to_str().unwrap()])
        .stderr(closed_pipe())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(141));
}

/// Worker threads that cannot be started (here: a stack size no machine
/// has, through Rust's RUST_MIN_STACK) are exit 2 with a message, not the
/// panic of an `.expect` (exit 101).
#[test]
fn threads_that_cannot_start_are_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let o = gasdep()
        .args(["run", EXAMPLE, "--trials", "4", "--quiet", "--threads", "2"])
        .args(["--charts", "none", "--out", out.to_str().unwrap()])
        .env("RUST_MIN_STACK", "100000000000000")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("could not start 2 worker threads"),
        "{}",
        stderr(&o)
    );
    assert_eq!(names(dir.path()), Vec::<String>::new(), "nothing left");
}

/// Issue case 1, as reported: 1,000 threads under a 300 MB address-space
/// limit. The thread count is capped (with a note) and the run either
/// finishes or says it could not start its threads; it never panics.
#[test]
fn a_thousand_threads_under_a_memory_limit() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let cmd = format!(
        "ulimit -v 300000 && exec '{}' run {EXAMPLE} --trials 8 --quiet --charts none --threads 1000 --out '{}'",
        env!("CARGO_BIN_EXE_gasdep"),
        out.display()
    );
    let o = Command::new("sh").args(["-c", &cmd]).output().unwrap();
    let e = stderr(&o);
    assert!(e.contains("--threads 1000 is more than 4 per core"), "{e}");
    match o.status.code() {
        Some(0) => assert_eq!(scenario_of(&out), "two-countries"),
        Some(2) => assert!(e.contains("could not start"), "{e}"),
        other => panic!("exit {other:?}: {e}"),
    }
}

// ----------------------------------------------------------------- limits

/// Issue case 4: `--threads 10000` is capped at 4 per core with a note, and
/// the results are those of any other thread count.
#[test]
fn threads_are_capped() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let run = |out: &Path, threads: &str| {
        gasdep()
            .args([
                "run", EXAMPLE, "--trials", "12", "--quiet", "--charts", "none",
            ])
            .args(["--threads", threads, "--out", out.to_str().unwrap()])
            .output()
            .unwrap()
    };
    let o = run(&a, "10000");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--threads 10000 is more than 4 per core"),
        "{}",
        stderr(&o)
    );
    assert!(run(&b, "1").status.success());
    let summary = |d: &Path| -> Value {
        let mut v: Value =
            serde_json::from_str(&std::fs::read_to_string(d.join("summary.json")).unwrap())
                .unwrap();
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let threads = v["run"]["threads"].as_u64().unwrap() as usize;
        assert!(threads <= 4 * cores, "{threads} threads");
        for k in ["wall_seconds", "cpu_seconds", "threads", "command"] {
            v["run"].as_object_mut().unwrap().remove(k);
        }
        v
    };
    assert_eq!(summary(&a), summary(&b));
}

/// Issue case 4: input size is capped before reading: /dev/zero (which has
/// no size) and a sparse 17 MiB file are refused with exit 2.
#[test]
fn input_size_is_capped_before_reading() {
    let o = gasdep().args(["validate", "/dev/zero"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("larger than 16 MiB"), "{}", stderr(&o));
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.toml");
    File::create(&big).unwrap().set_len(17 << 20).unwrap();
    for cmd in ["validate", "run", "inspect"] {
        let o = gasdep()
            .args([cmd, big.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{cmd}");
        assert!(
            stderr(&o).contains("larger than 16 MiB"),
            "{cmd}: {}",
            stderr(&o)
        );
    }
}

fn validate_text(text: &str) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("case.toml");
    std::fs::write(&f, text).unwrap();
    gasdep()
        .args(["validate", f.to_str().unwrap()])
        .output()
        .unwrap()
}

fn scenario_head(end: &str) -> String {
    format!(
        "[scenario]\nname = \"big\"\nstart = \"2020-01\"\nend = \"{end}\"\nbaseline = \"base\"\n\n\
         [[node]]\nid = \"A\"\ndemand = {{ protected = \"1 bcm/y\", industry = \"1 bcm/y\", power = \"1 bcm/y\" }}\n\n\
         [[origin]]\nid = \"O\"\ncountry = \"O\"\nkind = \"pipe\"\nprice = \"20 EUR/MWh\"\ncapacity = \"50 bcm/y\"\n\n\
         [[policy]]\nid = \"base\"\n"
    )
}

/// Issue case 4: pipelines, contracts, arcs and steps are capped like
/// nodes, each refused at the place where the limit is crossed.
#[test]
fn pipelines_arcs_and_steps_are_capped() {
    let mut text = scenario_head("2020-12");
    let head_lines = text.lines().count();
    for i in 0..10_001 {
        text.push_str(&format!(
            "[[pipeline]]\nid = \"p{i}\"\nfrom = \"O\"\nto = \"A\"\ncapacity = \"1 bcm/y\"\n"
        ));
    }
    let o = validate_text(&text);
    assert_eq!(o.status.code(), Some(2));
    // The 10,001st pipeline's id, 5 lines a pipeline.
    let line = head_lines + 10_000 * 5 + 2;
    assert!(
        stderr(&o).contains(&format!(
            "case.toml:{line}:6: the scenario has 10001 pipelines, more than the 10000"
        )),
        "{}",
        stderr(&o)
    );

    let mut text = scenario_head("2020-12");
    for c in 0..20 {
        text.push_str(&format!("[[company]]\nid = \"c{c}\"\ncountry = \"O\"\n"));
    }
    let owners: Vec<String> = (0..20)
        .map(|c| format!("{{ company = \"c{c}\", stake = \"5 %\" }}"))
        .collect();
    for i in 0..9_500 {
        text.push_str(&format!(
            "[[pipeline]]\nid = \"p{i}\"\nfrom = \"O\"\nto = \"A\"\ncapacity = \"1 bcm/y\"\nowners = [{}]\n",
            owners.join(", ")
        ));
    }
    let o = validate_text(&text);
    assert_eq!(o.status.code(), Some(2));
    // 48 + 3 for the node and origin, then 22 a pipeline: the 9,089th
    // crosses 200,000.
    assert!(
        stderr(&o).contains("would have about 209051 arcs")
            && stderr(&o).contains("more than the 200000 allowed"),
        "{}",
        stderr(&o)
    );
    let place = format!("id = \"p{}\"", 9_088);
    let line = text.lines().position(|l| l == place).unwrap() + 1;
    assert!(
        stderr(&o).contains(&format!("case.toml:{line}:6:")),
        "{}",
        stderr(&o)
    );

    let mut text = scenario_head("2020-12");
    for i in 0..10_001 {
        text.push_str(&format!(
            "[[contract]]\nid = \"k{i}\"\nseller = \"O\"\nbuyer = \"A\"\nvolume = \"0.001 bcm/y\"\nstart = \"2020-01\"\nprice = \"20 EUR/MWh\"\n"
        ));
    }
    let o = validate_text(&text);
    assert_eq!(o.status.code(), Some(2));
    let line = head_lines + 10_000 * 7 + 2;
    assert!(
        stderr(&o).contains(&format!(
            "case.toml:{line}:6: the scenario has 10001 contracts, more than the 10000"
        )),
        "{}",
        stderr(&o)
    );

    // 2,172 monthly steps are within the 10,000-step limit (issue 14);
    // 28 years of days are not.
    let o = validate_text(&scenario_head("2200-12"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let daily = scenario_head("2047-12")
        .replace("end = \"2047-12\"\n", "end = \"2047-12\"\nstep = \"day\"\n");
    let o = validate_text(&daily);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("case.toml:4:7: the horizon has 10227 steps, more than the 10000"),
        "{}",
        stderr(&o)
    );
}

/// Issue case 4, as reported: a million pipelines. Refused at once (the
/// file is over the size limit), instead of loading and running without
/// end.
#[test]
fn a_million_pipelines_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("million.toml");
    let mut text = scenario_head("2020-12");
    for i in 0..1_000_000 {
        text.push_str(&format!(
            "[[pipeline]]\nid = \"p{i}\"\nfrom = \"O\"\nto = \"A\"\ncapacity = \"1 bcm/y\"\n"
        ));
    }
    std::fs::write(&f, text).unwrap();
    let o = gasdep()
        .args(["run", f.to_str().unwrap(), "--quiet"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("larger than 16 MiB"), "{}", stderr(&o));
}

/// Issue case 4: the signal handler is installed before any set-up. The
/// scenario is a FIFO, so the run is held in set-up (reading its input)
/// for as long as the test likes; SIGTERM there gives 130 and no output.
#[test]
fn a_signal_during_set_up_is_exit_130() {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("scenario.toml");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let out = dir.path().join("r");
    let mut child = gasdep()
        .args(["run", fifo.to_str().unwrap(), "--trials", "4", "--quiet"])
        .args(["--charts", "none", "--out", out.to_str().unwrap()])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The write end opens once gasdep has opened the read end, which it
    // does after installing its handler.
    let mut writer = loop {
        match std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&fifo)
        {
            Ok(w) => break w,
            Err(_) => {
                assert!(child.try_wait().unwrap().is_none(), "gasdep ended early");
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        }
    };
    kill(&child, "-TERM");
    writer.write_all(&std::fs::read(EXAMPLE).unwrap()).unwrap();
    drop(writer);
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert!(stderr(&o).contains("interrupted"), "{}", stderr(&o));
    assert_eq!(names(dir.path()), vec!["scenario.toml"]);
}

/// SIGTERM while 10,000 threads were asked for: the cap keeps the run
/// responsive, and it stops with 130 leaving nothing.
#[test]
fn sigterm_with_ten_thousand_threads_asked_is_130() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let mut child = gasdep()
        .args([
            "run",
            EXAMPLE,
            "--trials",
            "100000000",
            "--quiet",
            "--charts",
            "none",
        ])
        .args(["--threads", "10000", "--out", out.to_str().unwrap()])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Under way once it holds its output's lock.
    let lock = dir.path().join(".r.lock");
    while !lock.exists() {
        assert!(child.try_wait().unwrap().is_none(), "gasdep ended early");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    kill(&child, "-TERM");
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert_eq!(names(dir.path()), Vec::<String>::new());
}

// ---------------------------------------------------------------- places

/// Issue case 5: invalid UTF-8 is placed at its line and column (from the
/// byte offset), and nesting too deep at the place it goes too deep.
#[test]
fn invalid_utf8_and_deep_nesting_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("case.toml");
    std::fs::write(&f, b"[scenario]\nname = \"\xc3\xa9t\xff\"\n").unwrap();
    let o = gasdep()
        .args(["validate", f.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    // Line 2: `name = "ét` is 10 characters, so the bad byte is column 11.
    assert!(
        stderr(&o).contains("case.toml:2:11: invalid UTF-8: byte 0xFF at byte offset 22"),
        "{}",
        stderr(&o)
    );
    let dotted = format!(
        "[scenario]\nname = \"x\"\n{} = 1\n",
        vec!["a"; 10_000].join(".")
    );
    let o = validate_text(&dotted);
    assert_eq!(o.status.code(), Some(2));
    // The 33rd dot: after 33 one-letter parts, column 2 × 33.
    assert!(
        stderr(&o).contains("case.toml:3:66: nesting deeper than 32 levels"),
        "{}",
        stderr(&o)
    );
    let arrays = format!("[scenario]\nname = {}\n", "[".repeat(5000));
    let o = validate_text(&arrays);
    assert!(
        stderr(&o).contains("case.toml:2:40: nesting deeper than 32 levels"),
        "{}",
        stderr(&o)
    );
}

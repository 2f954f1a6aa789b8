//! The hostile cases of issue 18, each run against the binary: streams that
//! cannot be written, runs that race for one output, shards that lie,
//! inputs without limits, places missing from messages. Each test checks
//! the exit code, the message and that nothing was lost. No test asserts
//! a duration. docs/reliability.md lists the promise each one pins.

use serde_json::Value;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

const EXAMPLE: &str = "scenarios/examples/two-countries.toml";
const OTHER: &str = "tests/data/one-route.toml";

fn gasdep() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gasdep"))
}

fn run_ok<S: AsRef<std::ffi::OsStr> + std::fmt::Debug>(args: &[S]) -> Output {
    let o = gasdep().args(args).output().unwrap();
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    o
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn scenario_of(dir: &Path) -> String {
    let rec: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("run.json")).unwrap()).unwrap();
    rec["scenario"].as_str().unwrap().to_string()
}

/// A finished run of `scenario` into `out`.
fn finished(scenario: &str, out: &Path, trials: &str) {
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

fn full() -> Stdio {
    Stdio::from(File::create("/dev/full").unwrap())
}

/// The write end of a pipe whose read end is already closed: the first
/// write fails with EPIPE.
fn closed_pipe() -> Stdio {
    use std::os::fd::{FromRawFd, OwnedFd};
    let mut fds = [0; 2];
    // SAFETY: pipe fills two new descriptors; each is then owned once.
    unsafe {
        assert_eq!(libc::pipe(fds.as_mut_ptr()), 0);
        libc::close(fds[0]);
        Stdio::from(OwnedFd::from_raw_fd(fds[1]))
    }
}

fn kill(child: &Child, signal: &str) {
    let ok = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill {signal}: the process had already ended");
}

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

// ------------------------------------------------------------------ races

/// Issue case 2: two runs of different scenarios started together with
/// the same --out. Exactly one succeeds; the other is refused with exit 2
/// (the output is locked, or holds the other scenario's result); the
/// folder holds the winner's result and nothing else is left.
#[test]
fn concurrent_runs_never_replace_each_other() {
    for round in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("r");
        let spawn = |scenario: &str| {
            gasdep()
                .args([
                    "run", scenario, "--trials", "200", "--quiet", "--charts", "none",
                ])
                .args(["--out", out.to_str().unwrap()])
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(EXAMPLE), spawn(OTHER));
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        let winner = match (a.status.code(), b.status.code()) {
            (Some(0), Some(2)) => ("two-countries", stderr(&b)),
            (Some(2), Some(0)) => ("one-route", stderr(&a)),
            other => panic!(
                "round {round}: exits {other:?}\n{}\n{}",
                stderr(&a),
                stderr(&b)
            ),
        };
        assert!(
            winner.1.contains("another gasdep process")
                || winner.1.contains("holds results of scenario"),
            "round {round}: {}",
            winner.1
        );
        assert_eq!(scenario_of(&out), winner.0, "round {round}");
        assert_eq!(names(dir.path()), vec!["r"], "round {round}");
    }
}

/// The overwrite decision is taken again under the lock just before the
/// final rename: a result of another scenario that appears while a run is
/// computing (written by something that does not take gasdep's lock, e.g.
/// an older gasdep or a copy) is not replaced.
#[test]
fn overwrite_is_decided_again_at_the_final_rename() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let elsewhere = dir.path().join("elsewhere");
    finished(OTHER, &elsewhere, "4");
    let child = gasdep()
        .args([
            "run", EXAMPLE, "--trials", "10000", "--quiet", "--charts", "none",
        ])
        .args(["--out", out.to_str().unwrap()])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lock = dir.path().join(".r.lock");
    for _ in 0..6000 {
        if lock.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(lock.exists(), "the run never took its lock");
    // Frozen while the other result is put in place.
    kill(&child, "-STOP");
    std::fs::rename(&elsewhere, &out).unwrap();
    let before = std::fs::read(out.join("summary.json")).unwrap();
    kill(&child, "-CONT");
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("holds results of scenario 'one-route'"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(out.join("summary.json")).unwrap(), before);
    assert_eq!(names(dir.path()), vec!["r"], "no partial folder, no lock");
}

/// Issue case 2: `merge --out` naming one of its own shards (or a folder
/// holding them) is refused before anything is written; the shard is
/// intact and still merges.
#[test]
fn merge_and_compare_refuse_an_output_among_their_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let shards: Vec<PathBuf> = (0..2)
        .map(|k| {
            let s = dir.path().join(format!("s{k}"));
            run_ok(&[
                "run",
                EXAMPLE,
                "--trials",
                "6",
                "--quiet",
                "--shard",
                &format!("{k}/2"),
                "--out",
                s.to_str().unwrap(),
            ]);
            s
        })
        .collect();
    let before = std::fs::read(shards[1].join("shard.json")).unwrap();
    let (s0, s1) = (shards[0].to_str().unwrap(), shards[1].to_str().unwrap());
    for (out, how) in [
        (s1, "is the input"),
        (dir.path().to_str().unwrap(), "holds the input"),
    ] {
        let o = gasdep()
            .args(["merge", "--charts", "none", "--out", out, s0, s1])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains(how), "{}", stderr(&o));
    }
    assert_eq!(std::fs::read(shards[1].join("shard.json")).unwrap(), before);
    let merged = dir.path().join("merged");
    run_ok(&[
        "merge",
        "--charts",
        "none",
        "--out",
        merged.to_str().unwrap(),
        s0,
        s1,
    ]);
    let m = merged.to_str().unwrap();
    let o = gasdep()
        .args(["compare", "--charts", "svg", "--out", m, m])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("is the input"), "{}", stderr(&o));
    assert_eq!(scenario_of(&merged), "two-countries");
}

/// Issue case 3 (last part): `compare` and `merge` take only finished
/// results: not a killed run's `.NAME.partial-PID` folder (even one that
/// holds every file), not a folder without run.json, not a shard. And
/// compare replaces only an earlier comparison.
#[test]
fn unfinished_folders_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    finished(EXAMPLE, &run, "4");
    let copy = |from: &Path, to: &Path| {
        std::fs::create_dir(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    };
    let partial = dir.path().join(".run.partial-4000000");
    copy(&run, &partial);
    let no_record = dir.path().join("half");
    copy(&run, &no_record);
    std::fs::remove_file(no_record.join("run.json")).unwrap();
    let shard = dir.path().join("shard");
    run_ok(&[
        "run",
        EXAMPLE,
        "--trials",
        "4",
        "--quiet",
        "--shard",
        "0/2",
        "--out",
        shard.to_str().unwrap(),
    ]);
    let cmp = dir.path().join("cmp");
    for (input, message) in [
        (&partial, "not a finished result"),
        (&no_record, "not a finished gasdep run"),
        (&shard, "a shard, not a whole run"),
    ] {
        let o = gasdep()
            .args(["compare", "--charts", "svg", "--out", cmp.to_str().unwrap()])
            .args([run.to_str().unwrap(), input.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains(message), "{message}: {}", stderr(&o));
        assert!(!cmp.exists());
    }
    let partial_shard = dir.path().join(".shard.partial-4000000");
    copy(&shard, &partial_shard);
    let o = gasdep()
        .args(["merge", "--out", dir.path().join("m").to_str().unwrap()])
        .arg(&partial_shard)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("not a finished result"),
        "{}",
        stderr(&o)
    );
    // A comparison replaces an earlier one, never another folder.
    let args = |out: &Path| -> Vec<String> {
        ["compare", "--charts", "svg", "--out"]
            .map(String::from)
            .into_iter()
            .chain([out.display().to_string(), run.display().to_string()])
            .collect()
    };
    run_ok(&args(&cmp));
    run_ok(&args(&cmp));
    let notes = dir.path().join("notes");
    std::fs::create_dir(&notes).unwrap();
    std::fs::write(notes.join("n.txt"), "mine").unwrap();
    let o = gasdep().args(args(&notes)).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("is not an earlier comparison"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(notes.join("n.txt")).unwrap(),
        "mine"
    );
}

/// Issue case 5 (last part): the `.NAME.partial-PID` folder of a process
/// killed with SIGKILL is removed by the next run on NAME; that of a
/// running process is left alone; a result a killed process had moved
/// aside (`.NAME.old-PID`) while NAME is missing is put back, not lost.
#[test]
fn stale_partial_folders_of_dead_processes_are_cleaned() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    // A pid that no longer runs: a process that has ended and been reaped.
    let mut gone = Command::new("true").spawn().unwrap();
    let dead = gone.id();
    gone.wait().unwrap();
    let stale = dir.path().join(format!(".r.partial-{dead}"));
    std::fs::create_dir(&stale).unwrap();
    std::fs::write(stale.join("summary.json"), "half").unwrap();
    let live = dir
        .path()
        .join(format!(".r.partial-{}", std::process::id()));
    std::fs::create_dir(&live).unwrap();
    let o = run_ok(&[
        "run",
        EXAMPLE,
        "--trials",
        "4",
        "--quiet",
        "--charts",
        "none",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(stderr(&o).contains("no longer runs"), "{}", stderr(&o));
    assert!(!stale.exists() && live.exists());
    std::fs::remove_dir(&live).unwrap();
    // Killed between moving the old result aside and renaming the new one in.
    let aside = dir.path().join(format!(".r.old-{dead}"));
    std::fs::rename(&out, &aside).unwrap();
    let o = gasdep()
        .args(["run", OTHER, "--trials", "4", "--quiet", "--charts", "none"])
        .args(["--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    // Put back, and therefore not replaced by another scenario's run.
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("restored"), "{}", stderr(&o));
    assert_eq!(scenario_of(&out), "two-countries");
    assert_eq!(names(dir.path()), vec!["r"]);
}

// ----------------------------------------------------------------- shards

struct Shards {
    dir: tempfile::TempDir,
    paths: Vec<PathBuf>,
}

fn three_shards() -> Shards {
    let dir = tempfile::tempdir().unwrap();
    let paths = (0..3)
        .map(|k| {
            let s = dir.path().join(format!("s{k}"));
            run_ok(&[
                "run",
                EXAMPLE,
                "--trials",
                "24",
                "--quiet",
                "--shard",
                &format!("{k}/3"),
                "--out",
                s.to_str().unwrap(),
            ]);
            s
        })
        .collect();
    Shards { dir, paths }
}

impl Shards {
    fn merge(&self) -> Output {
        let out = self.dir.path().join("merged");
        gasdep()
            .args(["merge", "--charts", "none", "--out", out.to_str().unwrap()])
            .args(&self.paths)
            .output()
            .unwrap()
    }

    /// Edit shard `k`'s shard.json as JSON; `reseal` recomputes its digest
    /// as a forger who knows the method would.
    fn edit(&self, k: usize, reseal: bool, f: impl FnOnce(&mut Value)) {
        let path = self.paths[k].join("shard.json");
        let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        f(&mut v);
        let record = serde_json::to_string(&v["record"]).unwrap();
        let acc = serde_json::to_string(&v["accumulators"]).unwrap();
        let digest = if reseal {
            let scenario = std::fs::read(self.paths[k].join("scenario.toml")).unwrap();
            gasdep::stats::digest::shard_digest(&scenario, &record, &acc)
        } else {
            v["digest"].as_str().unwrap().to_string()
        };
        let text = format!(
            "{{\"format\":\"gasdep-shard/2\",\"digest\":\"{digest}\",\"record\":{record},\"accumulators\":{acc}}}"
        );
        std::fs::write(path, text).unwrap();
    }

    fn refused(&self, what: &str, message: &str) {
        let o = self.merge();
        assert_eq!(o.status.code(), Some(2), "{what}: {}", stderr(&o));
        assert!(stderr(&o).contains(message), "{what}: {}", stderr(&o));
        assert!(!self.dir.path().join("merged").exists(), "{what}");
    }
}

/// Issue case 3: shard 0 copied as shard 1 with its "shard" fields edited.
/// Refused by the digest; and, when the digest is recomputed too, by the
/// trials fingerprint (shard 0's trials are not shard 1's).
#[test]
fn a_shard_copied_and_relabelled_is_refused() {
    let s = three_shards();
    assert!(s.merge().status.success(), "{}", stderr(&s.merge()));
    std::fs::remove_dir_all(s.dir.path().join("merged")).unwrap();
    let relabel = |v: &mut Value| v["record"]["shard"] = serde_json::json!([1, 3]);
    for name in ["shard.json", "run.json", "scenario.toml"] {
        std::fs::copy(s.paths[0].join(name), s.paths[1].join(name)).unwrap();
    }
    let run_json = s.paths[1].join("run.json");
    let text = std::fs::read_to_string(&run_json).unwrap();
    std::fs::write(
        &run_json,
        text.replace("\"shard\": [\n    0,", "\"shard\": [\n    1,"),
    )
    .unwrap();
    s.edit(1, false, relabel);
    s.refused("relabelled", "do not match their digest");
    s.edit(1, true, relabel);
    s.refused(
        "relabelled and resealed",
        "trials fingerprint is not that of trials 8 to 15",
    );
}

/// Issue case 3: one histogram key edited together with its sum, sum_sq
/// and max (so that the accumulator stays consistent), and an event
/// counter raised by one: both refused by the digest.
#[test]
fn edited_statistics_are_refused() {
    let s = three_shards();
    s.edit(2, false, |v| {
        let cell = v["accumulators"]["values"][0]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|c| c["exact"] == true && c["count"].as_u64() > Some(0))
            .unwrap();
        let keys = cell["keys"].as_array().unwrap();
        let last = keys.len() - 1;
        let k = keys[last].as_i64().unwrap();
        let n = cell["counts"][last].as_i64().unwrap();
        cell["keys"][last] = (k + 1).into();
        cell["max"] = (k + 1).into();
        cell["sum"] = (cell["sum"].as_i64().unwrap() + n).into();
        // (k+1)² − k² = 2k + 1 per value, in the lowest 64-bit limb.
        let lo = cell["sum_sq"][0].as_u64().unwrap();
        cell["sum_sq"][0] = (lo + n as u64 * (2 * k as u64 + 1)).into();
    });
    s.refused("histogram", "do not match their digest");
    let s = three_shards();
    s.edit(1, false, |v| {
        let c = &mut v["accumulators"]["events"][0][0];
        c["hits"] = (c["hits"].as_u64().unwrap() + 1).into();
    });
    s.refused("event counter", "do not match their digest");
    // The shard's scenario edited (a comment added) is refused as well.
    let s = three_shards();
    let sc = s.paths[0].join("scenario.toml");
    let text = std::fs::read_to_string(&sc).unwrap();
    std::fs::write(&sc, format!("# edited\n{text}")).unwrap();
    s.refused("scenario", "do not match their digest");
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
        for k in ["wall_seconds", "threads", "command"] {
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

    let o = validate_text(&scenario_head("2200-12"));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("case.toml:4:7: the horizon has 2172 steps, more than the 2000"),
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

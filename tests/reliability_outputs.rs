//! The hostile cases of issue 18 about outputs, each run against the
//! binary: runs that race for one output, merge and compare onto their own
//! inputs or from unfinished folders, stale partial folders, shards that
//! lie. Each test checks the exit code, the message and that nothing was
//! lost. No test asserts a duration. docs/reliability.md lists the promise
//! each one pins.

mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

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
            "{{\"format\":\"gasdep-shard/3\",\"digest\":\"{digest}\",\"record\":{record},\"accumulators\":{acc}}}"
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

/// Issue case 3: one more value counted in a histogram's top bucket,
/// with its count, sum and sum_sq (so that the accumulator stays
/// consistent), and an event counter raised by one: both refused by the
/// digest.
#[test]
fn edited_statistics_are_refused() {
    let s = three_shards();
    s.edit(2, false, |v| {
        let cell = v["accumulators"]["values"][0]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|c| {
                c["histogram"] == true
                    && c["count"].as_u64() > Some(0)
                    && !c["counts"].as_array().unwrap().is_empty()
                    && (0..1 << 20).contains(&c["max"].as_i64().unwrap())
                    && c["sum_sq"][0].as_u64().unwrap() < 1 << 62
            })
            .unwrap();
        let last = cell["counts"].as_array().unwrap().len() - 1;
        let k = cell["max"].as_i64().unwrap();
        cell["counts"][last] = (cell["counts"][last].as_u64().unwrap() + 1).into();
        cell["count"] = (cell["count"].as_u64().unwrap() + 1).into();
        cell["sum"] = (cell["sum"].as_i64().unwrap() + k).into();
        // One more value equal to max: k² more, in the lowest 64-bit limb.
        let lo = cell["sum_sq"][0].as_u64().unwrap();
        cell["sum_sq"][0] = (lo + (k * k) as u64).into();
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

//! Scenario inheritance (`extends`): a child validates and runs, replaces,
//! adds and removes by id, merges `[scenario]` by key, records the
//! resolved text, and its problems are placed in the file they are in.

use gasdep::scenario::ScenarioError;
use gasdep::scenario::extends::load_file;
use std::path::{Path, PathBuf};

const VARIANT: &str = "scenarios/examples/two-countries-variant.toml";

mod common;
use common::output as gasdep;

/// The shipped base copied into a fresh folder with a child beside it.
fn with_child(child: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "scenarios/examples/two-countries.toml",
        dir.path().join("base.toml"),
    )
    .unwrap();
    let path = dir.path().join("child.toml");
    std::fs::write(&path, child).unwrap();
    (dir, path)
}

fn problems(path: &Path) -> (String, ScenarioError) {
    match load_file(path) {
        Ok(_) => panic!("{} loaded but should not have", path.display()),
        Err(e) => (e.to_string(), e),
    }
}

#[test]
fn the_shipped_variant_replaces_adds_and_removes_by_id() {
    let (m, text) = load_file(Path::new(VARIANT)).unwrap();
    assert_eq!(m.name, "two-countries-variant");
    // [scenario] merged by key: start and baseline from the base.
    assert_eq!(m.trials, 100);
    assert_eq!(m.seed, 7);
    assert_eq!(m.policies[m.baseline].id, "base");
    let ids = |v: Vec<&str>| v.join(",");
    assert_eq!(ids(m.nodes.iter().map(|n| n.id.as_str()).collect()), "A,B");
    // Node B replaced: 60 TWh of storage instead of the base's 120 TWh.
    let b = m.nodes[1].storage.as_ref().unwrap();
    assert!((b.volume - 60_000.0).abs() < 1e-6, "{}", b.volume);
    assert_eq!(
        ids(m.pipelines.iter().map(|p| p.id.as_str()).collect()),
        "east"
    );
    assert_eq!(
        ids(m.policies.iter().map(|p| p.id.as_str()).collect()),
        "base,mandate,embargo"
    );
    // The recorded text stands alone: no extends, and it loads by itself
    // into the same model.
    assert!(!text.contains("extends ="), "{text}");
    let (_, again) = gasdep::scenario::load_str(&text, Path::new("scenario.toml")).unwrap();
    assert_eq!(format!("{again:?}"), format!("{m:?}"));
}

#[test]
fn a_child_validates_runs_and_records_the_resolved_scenario() {
    let o = gasdep(&["validate", VARIANT]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = gasdep(&[
        "run",
        VARIANT,
        "--trials",
        "4",
        "--charts",
        "none",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let recorded = std::fs::read_to_string(out.join("scenario.toml")).unwrap();
    let (_, resolved) = load_file(Path::new(VARIANT)).unwrap();
    assert_eq!(recorded, resolved);
    // Shards carry the resolved text too: they merge without the files.
    let mut shards = Vec::new();
    for k in 0..2 {
        let s = dir.path().join(format!("s{k}"));
        let o = gasdep(&[
            "run",
            VARIANT,
            "--trials",
            "4",
            "--quiet",
            "--shard",
            &format!("{k}/2"),
            "--out",
            s.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        shards.push(s);
    }
    let merged = dir.path().join("merged");
    let mut args = vec!["merge"];
    args.extend(shards.iter().map(|s| s.to_str().unwrap()));
    args.extend(["--charts", "none", "--out", merged.to_str().unwrap()]);
    let o = gasdep(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        std::fs::read_to_string(merged.join("scenario.toml")).unwrap(),
        resolved
    );
}

#[test]
fn problems_are_placed_in_the_file_they_are_in() {
    // Line 6 of the child: a capacity without unit.
    let child = "extends = \"base.toml\"\n\n[[pipeline]]\nid = \"ab\"\nfrom = \"A\"\nto = \"B\"\ncapacity = \"30\"\n";
    let (_d, path) = with_child(child);
    let (msg, e) = problems(&path);
    assert_eq!(e.problems().len(), 1, "{msg}");
    assert!(
        msg.starts_with(&format!(
            "{}:7:12: capacity \"30\" has no unit",
            path.display()
        )),
        "{msg}"
    );
    // Removing the pipeline the base's disruption targets: the problem is
    // the base's, at its line 93 (`target = "east"`).
    let (dir, path) = with_child("extends = \"base.toml\"\nremove = [\"pipeline:east\"]\n");
    let (msg, _) = problems(&path);
    let base = dir.path().join("base.toml");
    let line = std::fs::read_to_string(&base)
        .unwrap()
        .lines()
        .position(|l| l.starts_with("target = \"east\""))
        .unwrap()
        + 1;
    assert!(
        msg.starts_with(&format!("{}:{line}:10: target 'east'", base.display())),
        "{msg}"
    );
}

#[test]
fn bad_extends_and_removes_are_refused_where_written() {
    let (_d, path) =
        with_child("extends = \"base.toml\"\nremove = [\"policy:base\", \"pipeline:nope\"]\n");
    let (msg, _) = problems(&path);
    assert!(
        msg.contains(&format!(
            "{}:2:26: remove \"pipeline:nope\": the base has no such element",
            path.display()
        )),
        "{msg}"
    );
    let (_d, path) = with_child("extends = \"missing.toml\"\n");
    let (msg, _) = problems(&path);
    assert!(
        msg.starts_with(&format!(
            "{}:1:11: extends \"missing.toml\": cannot read",
            path.display()
        )),
        "{msg}"
    );
    // A cycle: base extends the child.
    let (dir, path) = with_child("extends = \"base.toml\"\n");
    let base = dir.path().join("base.toml");
    let text = std::fs::read_to_string(&base).unwrap();
    std::fs::write(&base, format!("extends = \"child.toml\"\n{text}")).unwrap();
    let (msg, _) = problems(&path);
    assert!(msg.contains("makes a cycle"), "{msg}");
    // Given as text, without its file, extends is an error, not ignored.
    let e = gasdep::scenario::load_str("extends = \"x.toml\"\n[scenario]\nname = \"a\"\nstart = \"2020-01\"\nend = \"2020-12\"\nbaseline = \"b\"\n[[node]]\nid = \"A\"\ndemand = { protected = \"1 TWh/y\", industry = \"1 TWh/y\", power = \"1 TWh/y\" }\n[[policy]]\nid = \"b\"\n", Path::new("t.toml")).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("t.toml:1:11: extends is resolved only"),
        "{e}"
    );
}

#[test]
fn a_chain_of_bases_resolves_from_the_root() {
    let (dir, path) = with_child(
        "extends = \"middle.toml\"\n[scenario]\ntrials = 9\n[[policy]]\nid = \"late\"\n",
    );
    std::fs::write(
        dir.path().join("middle.toml"),
        "extends = \"base.toml\"\n[scenario]\nname = \"middle\"\ntrials = 5\nremove = 1\n",
    )
    .unwrap();
    // `remove = 1` after a header is a key of [scenario]: refused by the
    // format, at its place in middle.toml.
    let (msg, _) = problems(&path);
    assert!(
        msg.contains("middle.toml:5:1: unknown field `remove`"),
        "{msg}"
    );
    std::fs::write(
        dir.path().join("middle.toml"),
        "extends = \"base.toml\"\n[scenario]\nname = \"middle\"\ntrials = 5\n",
    )
    .unwrap();
    let (m, _) = load_file(&path).unwrap();
    assert_eq!((m.name.as_str(), m.trials), ("middle", 9));
    assert_eq!(m.policies.last().unwrap().id, "late");
}

/// The child's policies, with the base's `mandate` (a 90 % target) and
/// `cut15` (a 15 % cut in industry and power from 2021).
const POLICIES: &str = r#"extends = "base.toml"

[[policy]]
id = "mandate-cut"
extends = "mandate"
[[policy.measure]]
type = "demand_reduction"
share = "15 %"
sectors = ["industry", "power"]
start = "2021-01"
[[policy.measure]]                 # overrides the inherited target from June 2021
type = "storage_target"
targets = [{ date = "11-01", fill = "80 %" }]
start = "2021-06"

[[policy]]
id = "deeper"
extends = "mandate-cut"

[[policy]]
id = "written-out"
[[policy.measure]]
type = "storage_target"
targets = [{ date = "05-01", fill = "30 %" }, { date = "11-01", fill = "90 %" }]
[[policy.measure]]
type = "demand_reduction"
share = "15 %"
sectors = ["industry", "power"]
start = "2021-01"
[[policy.measure]]
type = "storage_target"
targets = [{ date = "11-01", fill = "80 %" }]
start = "2021-06"

[[policy]]
id = "same-date"
extends = "mandate"
[[policy.measure]]                 # overrides the inherited target from the outset
type = "storage_target"
targets = [{ date = "11-01", fill = "80 %" }]
"#;

#[test]
fn a_policy_takes_the_measures_of_the_policy_it_extends_first() {
    let (_d, path) = with_child(POLICIES);
    let (m, _) = load_file(&path).unwrap();
    let measures = |id: &str| {
        let p = m.policies.iter().find(|p| p.id == id).unwrap();
        format!("{:?}", p.measures)
    };
    // The base's measures, then its own, in that order (so the own 80 %
    // overrides the inherited 90 %); through a chain as well.
    assert_eq!(measures("mandate-cut"), measures("written-out"));
    assert_eq!(measures("deeper"), measures("written-out"));
    assert_ne!(measures("mandate"), measures("written-out"));
    // An own measure may override an inherited one from the same date
    // (two of a policy's own may not): it comes after, so it applies.
    let same = &m
        .policies
        .iter()
        .find(|p| p.id == "same-date")
        .unwrap()
        .measures;
    assert_eq!(same.len(), 2);
    assert!(format!("{:?}", same[1]).contains("0.8"), "{:?}", same[1]);
    // Inheriting is by id, after the files are merged: a child that
    // replaces `mandate` changes what its extensions inherit.
    let replaced = format!(
        "{POLICIES}\n[[policy]]\nid = \"mandate\"\n[[policy.measure]]\ntype = \"storage_target\"\ntargets = [{{ date = \"11-01\", fill = \"70 %\" }}]\n"
    );
    let (_d, path) = with_child(&replaced);
    let (m, _) = load_file(&path).unwrap();
    let p = m.policies.iter().find(|p| p.id == "deeper").unwrap();
    assert_eq!(p.measures.len(), 3);
    assert!(
        format!("{:?}", p.measures[0]).contains("0.7"),
        "{:?}",
        p.measures[0]
    );
}

/// `[[demand_shift]]`s are matched by id like events: a child replaces one
/// and removes another of its base.
#[test]
fn demand_shifts_are_replaced_and_removed_by_id() {
    let (dir, _) = with_child("");
    let mid = "extends = \"base.toml\"\n\n[[demand_shift]]\nid = \"a\"\nstart = \"2021-03\"\nscale = \"90 %\"\n\n[[demand_shift]]\nid = \"b\"\nsectors = [\"power\"]\nstart = \"2021-04\"\nscale = \"120 %\"\n";
    std::fs::write(dir.path().join("mid.toml"), mid).unwrap();
    let (m, _) = load_file(&dir.path().join("mid.toml")).unwrap();
    assert_eq!(m.demand_shifts.len(), 2);
    let child = "extends = \"mid.toml\"\nremove = [\"demand_shift:b\"]\n\n[[demand_shift]]\nid = \"a\"\nstart = \"2021-03\"\nscale = \"80 %\"\n";
    let path = dir.path().join("child.toml");
    std::fs::write(&path, child).unwrap();
    let (m, _) = load_file(&path).unwrap();
    assert_eq!(m.demand_shifts.len(), 1, "{:?}", m.demand_shifts);
    assert_eq!(m.demand_shifts[0].id, "a");
    assert!((m.demand_shifts[0].scale - 0.8).abs() < 1e-12);
    assert_eq!(m.demand_shifts[0].sectors, [true; 3]);
}

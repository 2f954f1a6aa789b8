//! Step problems re-solved by HiGHS (through highspy): the same optimum,
//! and node prices that are duals HiGHS accepts.
//!
//! Many steps are exported with `problem_json`: random small scenarios
//! (seeded, with demand curves, the competing LNG market, storage and
//! contracts) and real steps of the shipped scenarios (winter and summer,
//! the 2022 cut-off). For each step the engine also gives the interval of
//! dual prices of every graph node relative to the super source, [left,
//! right] derivatives of its optimum in that node's demand
//! (`Engine::dual_intervals`). tests/python/check_duals.py solves every
//! problem with HiGHS and checks that
//! - HiGHS's optimum equals the engine's exact integer optimum;
//! - HiGHS's duals, as differences to the source's dual, lie in the
//!   engine's intervals for every node, and equal the engine's price where
//!   the interval is a point (the dual is unique there).
//!
//! Without highspy the test prints why and passes, unless
//! `GASDEP_REQUIRE_PYTHON=1` (set by .ci/run), when it fails.

use gasdep::network::export::{StepMeta, problem_json};
use gasdep::scenario::load_str;
use gasdep::sim::engine::{Draws, Engine, State};
use gasdep::sim::run::Prepared;
use gasdep::sim::sample::World;
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

/// A tiny deterministic generator (xorshift64*), so the problems are the
/// same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A random scenario of 2–5 nodes: pipe origins, an LNG exporter with a
/// competing market, demand curves (some nodes firm), storage, links.
fn random_scenario(seed: u64) -> String {
    let mut r = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let nn = 2 + r.below(4) as usize;
    let mut t = String::from(
        "[scenario]\nname = \"rnd\"\nstart = \"2021-01\"\nend = \"2021-12\"\nbaseline = \"base\"\n\n",
    );
    let _ = writeln!(
        t,
        "[market]\nreference_price = \"{} EUR/MWh\"\nelasticity = {{ protected = -0.{}, industry = -0.{}, power = -0.{} }}\nfuel_switching = {{ price = \"{} EUR/MWh\", share = \"15 %\" }}\n",
        15 + r.below(30),
        r.below(3),
        1 + r.below(4),
        r.below(3),
        30 + r.below(40)
    );
    let _ = writeln!(
        t,
        "[lng_market]\ndemand = \"{} GWh/d\"\nreference_price = \"{} EUR/MWh\"\nelasticity = -0.{}\n",
        50 + r.below(200),
        20 + r.below(40),
        1 + r.below(4)
    );
    for i in 0..nn {
        let _ = writeln!(
            t,
            "[[node]]\nid = \"N{i}\"\ndemand = {{ protected = \"{} GWh/d\", industry = \"{} GWh/d\", power = \"{} GWh/d\" }}",
            r.below(120),
            r.below(120),
            r.below(80)
        );
        if r.below(2) == 0 {
            let v = 500 + r.below(4000);
            let _ = writeln!(
                t,
                "storage = {{ volume = \"{v} GWh\", injection = \"{} GWh/d\", withdrawal = \"{} GWh/d\", initial_fill = \"{} %\" }}",
                5 + r.below(40),
                10 + r.below(60),
                r.below(101)
            );
        }
        if r.below(2) == 0 {
            let _ = writeln!(t, "lng_regas = \"{} GWh/d\"", 10 + r.below(100));
        }
        if r.below(3) == 0 {
            let _ = writeln!(t, "production = {{ rate = \"{} GWh/d\" }}", r.below(60));
        }
        t.push('\n');
    }
    for o in 0..2 {
        let _ = writeln!(
            t,
            "[[origin]]\nid = \"O{o}\"\ncountry = \"{}\"\nkind = \"pipe\"\nprice = \"{} EUR/MWh\"\ncapacity = \"{} GWh/d\"\n",
            ["RU", "NO"][o],
            10 + r.below(30),
            r.below(300)
        );
        let _ = writeln!(
            t,
            "[[pipeline]]\nid = \"o{o}\"\nfrom = \"O{o}\"\nto = \"N{}\"\ncapacity = \"{} GWh/d\"\ntariff = \"{}.{} EUR/MWh\"\n",
            r.below(nn as u64),
            r.below(300),
            r.below(3),
            r.below(10)
        );
    }
    let _ = writeln!(
        t,
        "[[origin]]\nid = \"L\"\ncountry = \"QA\"\nkind = \"lng\"\nprice = \"{} EUR/MWh\"\ncompeting_price = \"{} EUR/MWh\"\ncapacity = \"{} GWh/d\"\n",
        8 + r.below(20),
        8 + r.below(20),
        r.below(400)
    );
    for k in 0..nn + r.below(3) as usize {
        let (a, b) = (r.below(nn as u64), r.below(nn as u64));
        if a == b {
            continue;
        }
        let _ = writeln!(
            t,
            "[[pipeline]]\nid = \"l{k}\"\nfrom = \"N{a}\"\nto = \"N{b}\"\ncapacity = \"{} GWh/d\"\nreverse_capacity = \"{} GWh/d\"\ntariff = \"0.{} EUR/MWh\"\n",
            r.below(200),
            r.below(100),
            1 + r.below(9)
        );
    }
    let _ = writeln!(
        t,
        "[[contract]]\nid = \"k\"\nseller = \"O0\"\nbuyer = \"N0\"\nvolume = \"{} GWh/d\"\nstart = \"2021-01\"\ntake_or_pay = \"{} %\"\nprice = \"25 EUR/MWh\"\nroute = \"o0\"\n",
        1 + r.below(40),
        r.below(101)
    );
    t.push_str("[[policy]]\nid = \"base\"\n\n[[policy]]\nid = \"national\"\n[[policy.measure]]\ntype = \"solidarity\"\nmode = \"national-first\"\n[[policy.measure]]\ntype = \"storage_target\"\ntargets = [{ date = \"11-01\", fill = \"80 %\" }]\n");
    t
}

/// Export the steps `keep` of every policy of `text` (trial 3's world, or
/// no uncertainty), with the engine's dual intervals.
fn export(text: &str, name: &str, keep: &dyn Fn(u32) -> bool, trial: bool, out: &mut Vec<Value>) {
    let (_, model) = load_str(text, Path::new(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let prep = Prepared::new(model, &[]).unwrap_or_else(|e| panic!("{name}: {e}"));
    let model = &prep.model;
    let mut world = World::new(model);
    world.sample(model, 3);
    let neutral = Draws::neutral(model);
    for (i, net) in prep.nets.iter().enumerate() {
        let mut engine = Engine::new(model, net);
        let mut state = State::initial(model, net);
        for t in 0..net.steps.len() {
            let draws = if trial { &world.steps[t] } else { &neutral };
            engine.step(t, draws, &mut state).unwrap();
            if !keep(net.steps[t].month) {
                continue;
            }
            let (supply, cap, cost) = engine.problem();
            let meta = StepMeta {
                scenario: name.into(),
                policy: model.policies[prep.policies[i]].id.clone(),
                date: net.steps[t].start.to_string(),
                trial: trial.then_some(3),
            };
            let mut v = problem_json(
                net,
                model,
                supply,
                cap,
                cost,
                Some(engine.int_flows()),
                &meta,
            );
            let (left, right) = engine.dual_intervals();
            v["source"] = json!(net.source);
            v["dual_left"] = json!(left);
            v["dual_right"] = json!(right);
            out.push(v);
        }
    }
}

#[test]
fn highs_solves_the_same_steps_to_the_same_optimum_and_accepts_the_prices() {
    let mut problems = Vec::new();
    for seed in 0..12 {
        let text = random_scenario(seed);
        export(
            &text,
            &format!("random-{seed}"),
            &|m| m % 3 == 1,
            seed % 2 == 1,
            &mut problems,
        );
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
    export(
        &read("scenarios/examples/two-countries.toml"),
        "two-countries",
        &|m| matches!(m, 1 | 7 | 10),
        true,
        &mut problems,
    );
    export(
        &read("scenarios/examples/chain-transit.toml"),
        "chain-transit",
        &|m| m == 1,
        true,
        &mut problems,
    );
    // The 2022 cut-off: spring, the August squeeze, and winter.
    export(
        &read("scenarios/eu-2022-cutoff.toml"),
        "eu-2022-cutoff",
        &|m| matches!(m, 4 | 8 | 12),
        false,
        &mut problems,
    );
    assert!(problems.len() > 200, "{} problems", problems.len());

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("problems.jsonl");
    let mut text = String::new();
    for p in &problems {
        text.push_str(&serde_json::to_string(p).unwrap());
        text.push('\n');
    }
    std::fs::write(&file, text).unwrap();
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let have = Command::new(&python)
        .args(["-c", "import highspy"])
        .status()
        .is_ok_and(|s| s.success());
    if !have {
        assert!(
            std::env::var_os("GASDEP_REQUIRE_PYTHON").is_none(),
            "highspy is required (GASDEP_REQUIRE_PYTHON is set): pip install -r tests/python/requirements.txt"
        );
        eprintln!(
            "skipped: highspy is not installed (pip install -r tests/python/requirements.txt)"
        );
        return;
    }
    let out = Command::new(&python)
        .arg(root.join("tests/python/check_duals.py"))
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "check_duals.py failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let report = String::from_utf8_lossy(&out.stdout);
    eprintln!("{report}");
    // The check must have compared unique duals, not only intervals.
    let unique: usize = report
        .split_whitespace()
        .skip_while(|w| *w != "unique:")
        .nth(1)
        .and_then(|w| w.parse().ok())
        .unwrap_or(0);
    assert!(unique > 1000, "only {unique} unique node duals compared");
}

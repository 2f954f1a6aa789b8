//! Solve step problems exported by `gasdep inspect --json` with gasdep's
//! network simplex and time it: the gasdep column of the peer benchmark
//! (benches/peer/peer.py).
//!
//! Usage: solve_problems FILE.json... (in the order of the steps; files of
//! the same scenario, policy and trial are solved warm, one after another)
//! Prints one JSON line per problem: file, objective, µs of the cold solve
//! on a built solver (`cold_us`), of building the solver and solving
//! (`cold_new_us`), of the warm solve, the pivots of the cold and warm
//! solves, and whether the warm solve gave up and ran cold.

use gasdep::solver::{NetworkSimplex, Topology};
use std::time::Instant;

/// Repetitions of each cold measurement (the median is printed).
const REPS: usize = 21;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

struct Problem {
    key: String,
    topology: Topology,
    supply: Vec<i64>,
    cap: Vec<i64>,
    cost: Vec<i64>,
}

fn read(path: &str) -> Result<Problem, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
    let int = |x: &serde_json::Value| {
        x.as_i64()
            .ok_or_else(|| format!("{path}: expected an integer, got {x}"))
    };
    let nodes = v["nodes"].as_array().ok_or(format!("{path}: no nodes"))?;
    let arcs = v["arcs"].as_array().ok_or(format!("{path}: no arcs"))?;
    let mut topology = Topology::new(nodes.len());
    let (mut cap, mut cost) = (Vec::new(), Vec::new());
    for a in arcs {
        let (t, h) = (int(&a["tail"])? as usize, int(&a["head"])? as usize);
        if t >= nodes.len() || h >= nodes.len() {
            return Err(format!("{path}: arc end out of range"));
        }
        topology.add_arc(t, h);
        cap.push(int(&a["capacity"])?);
        cost.push(int(&a["cost"])?);
    }
    let supply = nodes
        .iter()
        .map(|n| int(&n["supply"]))
        .collect::<Result<_, _>>()?;
    let key = format!("{}|{}|{}", v["scenario"], v["policy"], v["trial"]);
    Ok(Problem {
        key,
        topology,
        supply,
        cap,
        cost,
    })
}

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    let mut warm: Option<(String, NetworkSimplex)> = None;
    for f in &files {
        let p = match read(f) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(2);
            }
        };
        // Cold: a fresh solver each time, median of a few repetitions.
        let mut times = Vec::new();
        let mut objective = 0i128;
        let mut cold_pivots = 0u64;
        for _ in 0..REPS {
            let mut s = NetworkSimplex::new(&p.topology);
            let t0 = Instant::now();
            match s.solve(&p.supply, &p.cap, &p.cost) {
                Ok(sol) => (objective, cold_pivots) = (sol.objective, sol.iterations),
                Err(e) => {
                    eprintln!("{f}: {e}");
                    std::process::exit(1);
                }
            }
            times.push(t0.elapsed().as_secs_f64() * 1e6);
        }
        let cold = median(times);
        // Cold as a peer that builds its graph per call: the solver built
        // (NetworkSimplex::new) and solved, both timed.
        let mut times = Vec::new();
        for _ in 0..REPS {
            let t0 = Instant::now();
            let mut s = NetworkSimplex::new(&p.topology);
            let sol = s.solve(&p.supply, &p.cap, &p.cost);
            times.push(t0.elapsed().as_secs_f64() * 1e6);
            if sol.map(|x| x.objective).ok() != Some(objective) {
                eprintln!("{f}: cold solves differ");
                std::process::exit(1);
            }
        }
        let cold_new = median(times);
        // Warm: from the previous step's basis of the same trial, as the
        // simulator does. The first step of a sequence has no warm time.
        let same = warm.as_ref().is_some_and(|(k, _)| *k == p.key);
        let (warm_us, warm_pivots, fell_back) = if same {
            let (_, s) = warm.as_mut().expect("checked");
            let t0 = Instant::now();
            let sol = match s.solve_warm(&p.supply, &p.cap, &p.cost) {
                Ok(sol) => sol,
                Err(e) => {
                    eprintln!("{f}: warm: {e}");
                    std::process::exit(1);
                }
            };
            let us = t0.elapsed().as_secs_f64() * 1e6;
            if sol.objective != objective {
                eprintln!("{f}: warm and cold optima differ");
                std::process::exit(1);
            }
            (
                Some(us),
                Some(sol.iterations),
                Some(s.last_solve_was_cold()),
            )
        } else {
            let mut s = NetworkSimplex::new(&p.topology);
            s.solve(&p.supply, &p.cap, &p.cost).expect("solved above");
            warm = Some((p.key.clone(), s));
            (None, None, None)
        };
        println!(
            "{}",
            serde_json::json!({
                "file": f, "objective": objective.to_string(), "cold_us": cold, "cold_new_us": cold_new, "warm_us": warm_us, "reps": REPS,
                "cold_pivots": cold_pivots, "warm_pivots": warm_pivots, "warm_fell_back": fell_back,
            })
        );
    }
}

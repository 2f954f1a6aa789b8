//! Solve step problems exported by `gasdep inspect --json` with gasdep's
//! network simplex and time it: the gasdep column of the peer benchmark
//! (benches/peer/peer.py).
//!
//! Usage: solve_problems FILE.json... (in the order of the steps; files of
//! the same scenario, policy and trial are solved warm, one after another)
//! Prints one JSON line per problem: file, objective, cold and warm µs.

use gasdep::solver::{NetworkSimplex, Topology};
use std::time::Instant;

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
        for _ in 0..21 {
            let mut s = NetworkSimplex::new(&p.topology);
            let t0 = Instant::now();
            match s.solve(&p.supply, &p.cap, &p.cost) {
                Ok(sol) => objective = sol.objective,
                Err(e) => {
                    eprintln!("{f}: {e}");
                    std::process::exit(1);
                }
            }
            times.push(t0.elapsed().as_secs_f64() * 1e6);
        }
        times.sort_by(f64::total_cmp);
        let cold = times[times.len() / 2];
        // Warm: from the previous step's basis of the same trial, as the
        // simulator does. The first step of a sequence has no warm time.
        let same = warm.as_ref().is_some_and(|(k, _)| *k == p.key);
        let warm_us = if same {
            let (_, s) = warm.as_mut().expect("checked");
            let t0 = Instant::now();
            let sol = s
                .solve_warm(&p.supply, &p.cap, &p.cost)
                .expect("a solvable problem stays solvable warm");
            assert_eq!(
                sol.objective, objective,
                "warm and cold optima differ on {f}"
            );
            Some(t0.elapsed().as_secs_f64() * 1e6)
        } else {
            let mut s = NetworkSimplex::new(&p.topology);
            s.solve(&p.supply, &p.cap, &p.cost).expect("solved above");
            warm = Some((p.key.clone(), s));
            None
        };
        println!(
            "{}",
            serde_json::json!({"file": f, "objective": objective.to_string(), "cold_us": cold, "warm_us": warm_us})
        );
    }
}

//! Benchmark peer only: LEMON's network simplex on step problems exported
//! by `gasdep inspect --date D --trial K --json`, the LEMON column of
//! benches/peer/peer.py.
//!
//! Usage: gasdep-peer-lemon FILE.json... Prints one JSON line per problem:
//! the objective (from LEMON's flows, checked feasible), `cold_us` (the
//! mcmf crate's own entry point: graph and maps built, solved, flows
//! copied out, per call), `build_us` (building the graph and maps alone)
//! and `solve_us` (LEMON's `run()` alone on the built graph; every run is
//! cold, LEMON has no warm start). Times are medians of `REPS` calls.

use std::time::Instant;

// Keeps the mcmf crate (and the LEMON code its build script compiles)
// linked: its i64 entry point is declared below, not exported in Rust.
use mcmf as _;

const REPS: usize = 21;

unsafe extern "C" {
    /// The mcmf crate's C++ entry point (bindings.cpp): builds a
    /// SmartDigraph, runs NetworkSimplex, writes the flows, returns the
    /// total cost (i64; we recompute it in i128 from the flows).
    fn network_simplex_mcmf_i64(
        num_vertices: i64,
        num_edges: i64,
        node_supply: *const i64,
        edge_a: *const i64,
        edge_b: *const i64,
        edge_capacity: *const i64,
        edge_cost: *const i64,
        edge_flow_result: *mut i64,
    ) -> i64;
    // Our shim (src/shim.cpp).
    fn gasdep_peer_lemon_new(
        n: i64,
        m: i64,
        supply: *const i64,
        tail: *const i64,
        head: *const i64,
        cap: *const i64,
        cost: *const i64,
    ) -> *mut std::ffi::c_void;
    fn gasdep_peer_lemon_run(h: *mut std::ffi::c_void) -> i32;
    fn gasdep_peer_lemon_flows(h: *mut std::ffi::c_void, out: *mut i64);
    fn gasdep_peer_lemon_free(h: *mut std::ffi::c_void);
}

struct Problem {
    supply: Vec<i64>,
    tail: Vec<i64>,
    head: Vec<i64>,
    cap: Vec<i64>,
    cost: Vec<i64>,
}

fn read(path: &str) -> Result<Problem, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
    if v["format"] != "gasdep-step-problem" {
        return Err(format!(
            "{path}: not a gasdep step problem (`format` field)"
        ));
    }
    let int = |x: &serde_json::Value, what: &str| {
        x.as_i64()
            .ok_or_else(|| format!("{path}: {what}: expected an integer, got {x}"))
    };
    let nodes = v["nodes"].as_array().ok_or(format!("{path}: no nodes"))?;
    let arcs = v["arcs"].as_array().ok_or(format!("{path}: no arcs"))?;
    let n = nodes.len() as i64;
    let mut p = Problem {
        supply: Vec::with_capacity(nodes.len()),
        tail: Vec::with_capacity(arcs.len()),
        head: Vec::with_capacity(arcs.len()),
        cap: Vec::with_capacity(arcs.len()),
        cost: Vec::with_capacity(arcs.len()),
    };
    for nd in nodes {
        p.supply.push(int(&nd["supply"], "supply")?);
    }
    for a in arcs {
        let (t, h) = (int(&a["tail"], "tail")?, int(&a["head"], "head")?);
        if !(0..n).contains(&t) || !(0..n).contains(&h) {
            return Err(format!("{path}: arc end out of range"));
        }
        let c = int(&a["capacity"], "capacity")?;
        if c < 0 {
            return Err(format!("{path}: negative capacity"));
        }
        p.tail.push(t);
        p.head.push(h);
        p.cap.push(c);
        p.cost.push(int(&a["cost"], "cost")?);
    }
    if p.supply.iter().map(|&s| i128::from(s)).sum::<i128>() != 0 {
        return Err(format!("{path}: supplies do not sum to zero"));
    }
    Ok(p)
}

/// The objective of `flow` if it is a feasible flow of `p`.
fn check(p: &Problem, flow: &[i64]) -> Result<i128, String> {
    let mut net = vec![0i128; p.supply.len()];
    let mut obj = 0i128;
    for (j, &f) in flow.iter().enumerate() {
        if f < 0 || f > p.cap[j] {
            return Err(format!("flow {f} on arc {j} outside [0, {}]", p.cap[j]));
        }
        net[p.tail[j] as usize] += i128::from(f);
        net[p.head[j] as usize] -= i128::from(f);
        obj += i128::from(f) * i128::from(p.cost[j]);
    }
    for (i, (&x, &s)) in net.iter().zip(&p.supply).enumerate() {
        if x != i128::from(s) {
            return Err(format!("node {i}: net outflow {x} != supply {s}"));
        }
    }
    Ok(obj)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn run(path: &str) -> Result<serde_json::Value, String> {
    let p = read(path)?;
    let (n, m) = (p.supply.len() as i64, p.cap.len() as i64);
    let mut flow = vec![0i64; p.cap.len()];
    // Cold, as the crate packages it: graph built per call.
    let mut cold = Vec::with_capacity(REPS);
    for _ in 0..REPS {
        let t0 = Instant::now();
        // SAFETY: every pointer covers n (supply) or m (arcs, flows)
        // elements, and arc ends are checked to lie in 0..n.
        unsafe {
            network_simplex_mcmf_i64(
                n,
                m,
                p.supply.as_ptr(),
                p.tail.as_ptr(),
                p.head.as_ptr(),
                p.cap.as_ptr(),
                p.cost.as_ptr(),
                flow.as_mut_ptr(),
            );
        }
        cold.push(t0.elapsed().as_secs_f64() * 1e6);
    }
    let crate_obj = check(&p, &flow).map_err(|e| format!("{path}: mcmf entry: {e}"))?;
    // The graph built once, run() timed alone.
    let (mut build, mut solve) = (Vec::with_capacity(REPS), Vec::with_capacity(REPS));
    let mut status = -1;
    for _ in 0..REPS {
        let t0 = Instant::now();
        // SAFETY: as above; the handle is freed below and used only here.
        let h = unsafe {
            gasdep_peer_lemon_new(
                n,
                m,
                p.supply.as_ptr(),
                p.tail.as_ptr(),
                p.head.as_ptr(),
                p.cap.as_ptr(),
                p.cost.as_ptr(),
            )
        };
        build.push(t0.elapsed().as_secs_f64() * 1e6);
        let t1 = Instant::now();
        // SAFETY: h is a live handle from gasdep_peer_lemon_new.
        status = unsafe { gasdep_peer_lemon_run(h) };
        solve.push(t1.elapsed().as_secs_f64() * 1e6);
        // SAFETY: flow has m elements; h is freed exactly once.
        unsafe {
            gasdep_peer_lemon_flows(h, flow.as_mut_ptr());
            gasdep_peer_lemon_free(h);
        }
    }
    if status != 1 {
        return Err(format!("{path}: LEMON status {status} (1 = optimal)"));
    }
    let obj = check(&p, &flow).map_err(|e| format!("{path}: shim: {e}"))?;
    if obj != crate_obj {
        return Err(format!(
            "{path}: the two LEMON calls differ: {obj} vs {crate_obj}"
        ));
    }
    Ok(serde_json::json!({
        "file": path,
        "objective": obj.to_string(),
        "cold_us": median(cold),
        "build_us": median(build),
        "solve_us": median(solve),
    }))
}

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: gasdep-peer-lemon FILE.json...");
        std::process::exit(2);
    }
    for f in &files {
        match run(f) {
            Ok(v) => println!("{v}"),
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(2);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two routes from node 0 to node 2: direct at cost 5 (capacity 4),
    /// via node 1 at 1 + 1 (capacity 3). Sending 6: 3 via node 1 (cost 6),
    /// 3 direct (cost 15): optimum 21, worked by hand.
    fn tiny() -> Problem {
        Problem {
            supply: vec![6, 0, -6],
            tail: vec![0, 0, 1],
            head: vec![2, 1, 2],
            cap: vec![4, 3, 3],
            cost: vec![5, 1, 1],
        }
    }

    fn solve_tiny(p: &Problem) -> (i32, Vec<i64>) {
        let mut flow = vec![0i64; p.cap.len()];
        let (n, m) = (p.supply.len() as i64, p.cap.len() as i64);
        // SAFETY: the pointers cover n and m elements; the handle is freed once.
        unsafe {
            let h = gasdep_peer_lemon_new(
                n,
                m,
                p.supply.as_ptr(),
                p.tail.as_ptr(),
                p.head.as_ptr(),
                p.cap.as_ptr(),
                p.cost.as_ptr(),
            );
            let s = gasdep_peer_lemon_run(h);
            gasdep_peer_lemon_flows(h, flow.as_mut_ptr());
            gasdep_peer_lemon_free(h);
            (s, flow)
        }
    }

    #[test]
    fn lemon_solves_the_hand_example() {
        let p = tiny();
        let (status, flow) = solve_tiny(&p);
        assert_eq!(status, 1);
        assert_eq!(flow, vec![3, 3, 3]);
        assert_eq!(check(&p, &flow), Ok(21));
    }

    #[test]
    fn lemon_reports_an_infeasible_problem() {
        let mut p = tiny();
        p.supply = vec![8, 0, -8]; // capacity 4 + 3 < 8
        assert_eq!(solve_tiny(&p).0, 0);
    }

    #[test]
    fn check_rejects_what_is_not_a_feasible_flow() {
        let p = tiny();
        assert_eq!(check(&p, &[4, 2, 2]), Ok(24)); // feasible, not optimal
        assert!(check(&p, &[4, 3, 2]).is_err()); // node 1 keeps 1
        assert!(check(&p, &[5, 1, 1]).is_err()); // over capacity
        assert!(check(&p, &[3, 3, 3 + 1]).is_err()); // over capacity on arc 2
    }
}

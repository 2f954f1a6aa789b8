//! Property tests of the network simplex against an independent LP solver
//! (microlp) and against its own cold solve.
//!
//! Every solved instance is also checked without any solver: flow
//! conservation at each node, `0 <= flow <= capacity`, `objective == sum
//! cost * flow`, and the dual certificate (reduced costs with the returned
//! potentials have the signs complementary slackness demands), which alone
//! proves optimality.

use gasdep::solver::{INFINITE, NetworkSimplex, SolveError, Topology};
use microlp::{ComparisonOp, OptimizationDirection, Problem};
use proptest::prelude::*;
use rand::{Rng, RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

#[derive(Clone, Debug)]
struct Instance {
    topology: Topology,
    supply: Vec<i64>,
    capacity: Vec<i64>,
    cost: Vec<i64>,
}

/// A random network: 2-30 nodes, up to 80 arcs (self-loops and parallel arcs
/// allowed), some unlimited capacities, costs of both signs. Half of the
/// instances get an expensive slack star through node 0 so they are
/// feasible; the others may be infeasible or unbounded.
fn random_instance(seed: u64) -> Instance {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let n = rng.random_range(2..=30usize);
    let m = rng.random_range(0..=80usize);
    let slack = rng.random_bool(0.5);
    let mut topology = Topology::new(n);
    let mut capacity = Vec::new();
    let mut cost = Vec::new();
    let neg_cost_share = rng.random_range(0.0..0.3);
    let inf_share = rng.random_range(0.0..0.3);
    for _ in 0..m {
        let u = rng.random_range(0..n);
        let v = rng.random_range(0..n);
        topology.add_arc(u, v);
        let inf = rng.random_bool(inf_share);
        capacity.push(if inf {
            INFINITE
        } else {
            rng.random_range(0..=25)
        });
        let neg = rng.random_bool(neg_cost_share);
        // Negative costs mostly on finite arcs, so most instances are bounded.
        cost.push(if neg && (!inf || rng.random_bool(0.2)) {
            rng.random_range(-20..0)
        } else {
            rng.random_range(0..=30)
        });
    }
    if slack {
        for v in 1..n {
            topology.add_arc(0, v);
            topology.add_arc(v, 0);
            capacity.push(INFINITE);
            capacity.push(INFINITE);
            cost.push(500);
            cost.push(500);
        }
    }
    let mut supply: Vec<i64> = (0..n).map(|_| rng.random_range(-15..=15)).collect();
    let sum: i64 = supply.iter().sum();
    supply[n - 1] -= sum;
    Instance {
        topology,
        supply,
        capacity,
        cost,
    }
}

/// The LP optimum by microlp: Ok(objective), or the error it reports.
// Arc-indexed slices are read side by side.
#[allow(clippy::needless_range_loop)]
fn lp_optimum(inst: &Instance) -> Result<f64, microlp::Error> {
    let t = &inst.topology;
    let mut p = Problem::new(OptimizationDirection::Minimize);
    let vars: Vec<_> = (0..t.num_arcs())
        .map(|a| {
            let hi = if inst.capacity[a] == INFINITE {
                f64::INFINITY
            } else {
                inst.capacity[a] as f64
            };
            p.add_var(inst.cost[a] as f64, (0.0, hi))
        })
        .collect();
    for v in 0..t.num_nodes() {
        // outflow - inflow = supply (a self-loop contributes 0).
        let mut terms = Vec::new();
        for a in 0..t.num_arcs() {
            if t.tail(a) == t.head(a) {
                continue;
            }
            if t.tail(a) == v {
                terms.push((vars[a], 1.0));
            } else if t.head(a) == v {
                terms.push((vars[a], -1.0));
            }
        }
        p.add_constraint(terms.as_slice(), ComparisonOp::Eq, inst.supply[v] as f64);
    }
    let outcome = p.solve()?;
    Ok(outcome
        .solution()
        .expect("no time limit set, so the solve is not interrupted")
        .objective())
}

/// Solver-free checks of a returned flow: bounds, conservation, objective,
/// and the complementary-slackness certificate with the potentials.
// Arc-indexed slices are read side by side.
#[allow(clippy::needless_range_loop)]
fn check_certificate(inst: &Instance, s: &NetworkSimplex, objective: i128) {
    let t = &inst.topology;
    let flow = s.flows();
    let pi = s.potentials();
    assert_eq!(flow.len(), t.num_arcs());
    assert_eq!(pi.len(), t.num_nodes());
    let mut net = inst.supply.clone();
    let mut total: i128 = 0;
    for a in 0..t.num_arcs() {
        let (u, v, f, c) = (t.tail(a), t.head(a), flow[a], inst.capacity[a]);
        assert!(0 <= f && f <= c, "arc {a}: flow {f} outside 0..={c}");
        net[u] -= f;
        net[v] += f;
        total += inst.cost[a] as i128 * f as i128;
        let rc = inst.cost[a] + pi[u] - pi[v];
        assert!(
            f == c || rc >= 0,
            "arc {a}: below capacity with reduced cost {rc}"
        );
        assert!(
            f == 0 || rc <= 0,
            "arc {a}: positive flow with reduced cost {rc}"
        );
    }
    assert!(net.iter().all(|&x| x == 0), "not conserved: {net:?}");
    assert_eq!(total, objective, "objective != sum cost * flow");
}

fn assert_matches_lp(inst: &Instance) {
    let mut s = NetworkSimplex::new(&inst.topology);
    let ours = s.solve(&inst.supply, &inst.capacity, &inst.cost);
    let lp = lp_optimum(inst);
    match (&ours, &lp) {
        (Ok(sol), Ok(obj)) => {
            let o = sol.objective as f64;
            assert!(
                (o - obj).abs() <= 1e-6 * obj.abs().max(1.0),
                "objective {o} vs LP {obj} for {inst:?}"
            );
            check_certificate(inst, &s, sol.objective);
        }
        (Err(SolveError::Infeasible), Err(microlp::Error::Infeasible)) => {}
        (Err(SolveError::Unbounded), Err(microlp::Error::Unbounded)) => {}
        _ => panic!("ours {ours:?} vs LP {lp:?} for {inst:?}"),
    }
    // A warm solve of the same data from the optimal basis changes nothing.
    if let Ok(sol) = ours {
        let again = s
            .solve_warm(&inst.supply, &inst.capacity, &inst.cost)
            .unwrap();
        assert_eq!(again.objective, sol.objective);
        assert_eq!(again.iterations, 0, "re-solving an optimum pivoted");
    }
}

/// Perturbs capacities and supplies by up to +-40 % (sometimes closing an
/// arc or changing a cost), keeping the supplies balanced.
fn perturb(base: &Instance, rng: &mut impl Rng, change_costs: bool) -> Instance {
    let mut inst = base.clone();
    for c in inst.capacity.iter_mut() {
        if *c != INFINITE {
            let f: f64 = rng.random_range(0.6..1.4);
            *c = if rng.random_bool(0.05) {
                0
            } else {
                (*c as f64 * f).round() as i64
            };
        }
    }
    for s in inst.supply.iter_mut() {
        let f: f64 = rng.random_range(0.6..1.4);
        *s = (*s as f64 * f).round() as i64;
    }
    let n = inst.supply.len();
    let sum: i64 = inst.supply.iter().sum();
    inst.supply[n - 1] -= sum;
    if change_costs {
        for c in inst.cost.iter_mut() {
            if rng.random_bool(0.2) {
                *c += rng.random_range(-3..=3);
            }
        }
    }
    inst
}

/// Warm solves over a sequence on one topology equal fresh cold solves.
fn assert_warm_sequence(seed: u64, steps: usize) {
    let base = random_instance(seed);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ 0x5eed);
    let mut warm = NetworkSimplex::new(&base.topology);
    for step in 0..steps {
        let inst = perturb(&base, &mut rng, step % 7 == 6);
        let w = warm.solve_warm(&inst.supply, &inst.capacity, &inst.cost);
        let mut cold = NetworkSimplex::new(&inst.topology);
        let c = cold.solve(&inst.supply, &inst.capacity, &inst.cost);
        match (&w, &c) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a.objective, b.objective, "step {step} of seed {seed}");
                check_certificate(&inst, &warm, a.objective);
            }
            _ => assert_eq!(w, c, "step {step} of seed {seed}"),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn cold_solve_matches_lp(seed in any::<u64>()) {
        assert_matches_lp(&random_instance(seed));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn warm_sequence_matches_cold(seed in any::<u64>()) {
        assert_warm_sequence(seed, 20);
    }
}

/// The oracle itself must be able to tell a wrong answer: a changed cost
/// moves microlp's optimum (guards against a vacuous comparison).
#[test]
fn oracle_detects_a_changed_cost() {
    let mut t = Topology::new(2);
    t.add_arc(0, 1);
    let inst = Instance {
        topology: t,
        supply: vec![3, -3],
        capacity: vec![10],
        cost: vec![2],
    };
    assert_eq!(lp_optimum(&inst).unwrap(), 6.0);
    let mut changed = inst.clone();
    changed.cost[0] = 3;
    assert_eq!(lp_optimum(&changed).unwrap(), 9.0);
}

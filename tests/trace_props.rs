//! Origin tracing: hand-computed cases, error cases, and properties on random
//! flows (mix rows sum to 1, shares in [0, 1], each origin's gas conserved,
//! topological sweep / per-component LU / whole-system LU agree).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use gasdep::trace::{TraceError, TracePath, Tracer};
use proptest::prelude::*;

/// Counts allocations made by the current thread, so the "no allocation on
/// the topological path" test is not disturbed by tests running in parallel.
struct CountingAlloc;

thread_local! {
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

fn assert_mix(t: &Tracer, node: usize, expected: &[f64]) {
    let got = t.mix(node);
    assert_eq!(got.len(), expected.len());
    for (g, e) in got.iter().zip(expected) {
        assert!(
            (g - e).abs() < 1e-12,
            "node {node}: got {got:?}, expected {expected:?}"
        );
    }
}

#[test]
fn chain_with_extra_origin_at_b() {
    // Origins X, Y. A gets 10 of X, B gets 5 of Y; A->B 6, B->C 4.
    // A: only X -> (1, 0). B: inflow 5 + 6 = 11, of which 6 is A's (all X)
    // -> (6/11, 5/11). C: fed only by B -> same as B.
    let external = [10.0, 0.0, 0.0, 5.0, 0.0, 0.0];
    let edges = [(0, 1, 6.0), (1, 2, 4.0)];
    let mut t = Tracer::new(3, 2);
    assert_eq!(t.trace(&external, &edges), Ok(TracePath::Topological));
    assert_mix(&t, 0, &[1.0, 0.0]);
    assert_mix(&t, 1, &[6.0 / 11.0, 5.0 / 11.0]);
    assert_mix(&t, 2, &[6.0 / 11.0, 5.0 / 11.0]);
    assert_eq!(t.inflow(1), 11.0);
}

#[test]
fn three_node_cycle_hand_computed() {
    // Origins X, Y. E_A = (10, 0), E_B = (0, 10), E_C = 0.
    // Flows A->B 10, B->C 15, C->A 5 (a cycle). Inflows: T_A = 15, T_B = 20,
    // T_C = 15. With a = M_A,X and b = M_B,X:
    //   15 a = 10 + 5 M_C,X;  20 b = 10 a;  15 M_C = 15 M_B  =>  M_C = M_B,
    //   a = 2b,  30 b = 10 + 5 b  =>  b = 0.4, a = 0.8.
    // Y shares are the complements; check: 15·0.2 = 5·0.6 and
    // 20·0.6 = 10 + 10·0.2. Consumption (5, 5, 10) carries X: 4 + 2 + 4 = 10.
    let external = [10.0, 0.0, 0.0, 10.0, 0.0, 0.0];
    let edges = [(0, 1, 10.0), (1, 2, 15.0), (2, 0, 5.0)];
    let mut t = Tracer::new(3, 2);
    assert_eq!(t.trace(&external, &edges), Ok(TracePath::Lu));
    assert_mix(&t, 0, &[0.8, 0.2]);
    assert_mix(&t, 1, &[0.4, 0.6]);
    assert_mix(&t, 2, &[0.4, 0.6]);
    let mut d = Tracer::new(3, 2);
    assert_eq!(d.trace_dense(&external, &edges), Ok(TracePath::Lu));
    for j in 0..3 {
        assert_mix(&d, j, t.mix(j));
    }
}

#[test]
fn cycle_between_upstream_and_downstream_nodes() {
    // The same cycle (nodes 1, 2, 3) fed by node 0 (origin X only) instead of
    // an external X inflow at node 1, plus node 4 downstream of node 3:
    // the cycle's mixes must be as in the hand-computed case, node 4 gets
    // node 3's mix, node 0 stays pure X.
    let external = [10.0, 0.0, 0.0, 0.0, 0.0, 10.0, 0.0, 0.0, 0.0, 0.0];
    let edges = [
        (0, 1, 10.0),
        (1, 2, 10.0),
        (2, 3, 15.0),
        (3, 1, 5.0),
        (3, 4, 7.0),
    ];
    let mut t = Tracer::new(5, 2);
    assert_eq!(t.trace(&external, &edges), Ok(TracePath::Lu));
    assert_mix(&t, 0, &[1.0, 0.0]);
    // Node 1 gets 10 of X from node 0 plus 5 from node 3: as A above.
    assert_mix(&t, 1, &[0.8, 0.2]);
    assert_mix(&t, 2, &[0.4, 0.6]);
    // Node 3 now also forwards 7 to node 4, which changes nothing in its
    // mix (outflows don't enter the mix): T_3 = 15 still.
    assert_mix(&t, 3, &[0.4, 0.6]);
    assert_mix(&t, 4, &[0.4, 0.6]);
}

#[test]
fn opposite_flows_are_netted() {
    // A->B 10 and B->A 4 is a net A->B flow of 6: B's pool gets 6 of A's X
    // and its own 4 of Y -> (0.6, 0.4); A keeps pure X; no cycle remains.
    let external = [10.0, 0.0, 0.0, 4.0];
    let edges = [(0, 1, 7.0), (1, 0, 4.0), (0, 1, 3.0)];
    let mut t = Tracer::new(2, 2);
    assert_eq!(t.trace(&external, &edges), Ok(TracePath::Topological));
    assert_eq!(t.net_edges(), &[(0, 1, 6.0)]);
    assert_mix(&t, 0, &[1.0, 0.0]);
    assert_mix(&t, 1, &[0.6, 0.4]);

    // Reversed net direction, given with the higher index first.
    let edges = [(1, 0, 9.0), (0, 1, 1.0)];
    assert_eq!(
        t.trace(&[1.0, 0.0, 0.0, 9.0], &edges),
        Ok(TracePath::Topological)
    );
    assert_eq!(t.net_edges(), &[(1, 0, 8.0)]);
    assert_mix(&t, 0, &[1.0 / 9.0, 8.0 / 9.0]);

    // Exactly cancelling flows leave no edge at all.
    assert_eq!(
        t.trace(&external, &[(0, 1, 5.0), (1, 0, 5.0)]),
        Ok(TracePath::Topological)
    );
    assert!(t.net_edges().is_empty());
    assert_mix(&t, 1, &[0.0, 1.0]);
}

#[test]
fn zero_inflow_nodes() {
    // Node 2 has neither external nor node inflow: all-zero mix. Self-loops
    // and zero flows are ignored, so node 2 is not an error.
    let external = [3.0, 1.0, 0.0, 0.0, 0.0, 0.0];
    let edges = [(0, 1, 2.0), (2, 2, 5.0), (2, 0, 0.0)];
    let mut t = Tracer::new(3, 2);
    assert_eq!(t.trace(&external, &edges), Ok(TracePath::Topological));
    assert_mix(&t, 2, &[0.0, 0.0]);
    assert_eq!(t.inflow(2), 0.0);
    assert_mix(&t, 1, &[0.75, 0.25]);

    // A node that sends gas but receives none is an input error.
    let err = t.trace(&external, &[(2, 1, 1.0)]).unwrap_err();
    assert!(
        matches!(&err, TraceError::InvalidInput(m) if m.contains("node 2")),
        "{err}"
    );
    assert!(matches!(
        t.trace_dense(&external, &[(2, 1, 1.0)]),
        Err(TraceError::InvalidInput(_))
    ));
}

#[test]
fn closed_circulation_is_singular() {
    // Nodes 1 and 2 pass gas round a 3-cycle with node 3, and nothing enters
    // the cycle: its mix is undetermined.
    let external = [5.0, 0.0, 0.0, 0.0];
    let edges = [(1, 2, 1.0), (2, 3, 1.0), (3, 1, 1.0)];
    let mut t = Tracer::new(4, 1);
    assert_eq!(t.trace(&external, &edges), Err(TraceError::Singular));
    assert_eq!(t.trace_dense(&external, &edges), Err(TraceError::Singular));
    // Feeding the cycle from node 0 makes it determined.
    let mut fed = edges.to_vec();
    fed.push((0, 1, 0.5));
    assert_eq!(t.trace(&external, &fed), Ok(TracePath::Lu));
    assert_mix(&t, 3, &[1.0]);
}

#[test]
fn invalid_inputs_are_rejected() {
    let mut t = Tracer::new(2, 2);
    let ok_ext = [1.0, 0.0, 0.0, 1.0];
    let bad = |r: Result<TracePath, TraceError>| matches!(r, Err(TraceError::InvalidInput(_)));
    assert!(bad(t.trace(&[1.0, 0.0, 0.0], &[])));
    assert!(bad(t.trace(&[1.0, -1.0, 0.0, 1.0], &[])));
    assert!(bad(t.trace(&[1.0, f64::NAN, 0.0, 1.0], &[])));
    assert!(bad(t.trace(&[1.0, f64::INFINITY, 0.0, 1.0], &[])));
    assert!(bad(t.trace(&ok_ext, &[(0, 2, 1.0)])));
    assert!(bad(t.trace(&ok_ext, &[(0, 1, -1.0)])));
    assert!(bad(t.trace(&ok_ext, &[(0, 1, f64::NAN)])));
    assert_eq!(t.trace(&ok_ext, &[(0, 1, 1.0)]), Ok(TracePath::Topological));
}

#[test]
fn topological_path_does_not_allocate() {
    let n = 38;
    let (external, edges) = layered_network(n, 6);
    let mut t = Tracer::new(n, 6);
    // The first call may grow the edge buffers to this input's size.
    assert_eq!(t.trace(&external, &edges), Ok(TracePath::Topological));
    let before = ALLOCS.with(Cell::get);
    for _ in 0..10 {
        assert_eq!(t.trace(&external, &edges), Ok(TracePath::Topological));
    }
    assert_eq!(ALLOCS.with(Cell::get), before);
}

/// A deterministic acyclic network: node j sends to j+1..j+4.
fn layered_network(n: usize, k: usize) -> (Vec<f64>, Vec<(u32, u32, f64)>) {
    let external: Vec<f64> = (0..n * k).map(|i| ((i * 7919) % 13) as f64).collect();
    let mut edges = Vec::new();
    for j in 0..n {
        for d in 1..=4 {
            if j + d < n {
                edges.push((j as u32, (j + d) as u32, 1.0 + ((j * d) % 5) as f64));
            }
        }
    }
    (external, edges)
}

/// Checks the tracing invariants against the raw input (not the tracer's
/// own netted view): row sums, share bounds, per-origin conservation.
fn check_invariants(
    t: &Tracer,
    n: usize,
    k: usize,
    external: &[f64],
    edges: &[(u32, u32, f64)],
) -> Result<(), TestCaseError> {
    // Consumption per node from the gross flows: netting must not change it.
    let mut cons: Vec<f64> = (0..n)
        .map(|j| external[j * k..(j + 1) * k].iter().sum())
        .collect();
    let mut scale: f64 = external.iter().sum();
    for &(a, b, f) in edges {
        cons[a as usize] -= f;
        cons[b as usize] += f;
        scale += f;
    }
    for j in 0..n {
        let row = t.mix(j);
        let s: f64 = row.iter().sum();
        if t.inflow(j) > 0.0 {
            prop_assert!((s - 1.0).abs() < 1e-9, "node {j} row sums to {s}");
        } else {
            prop_assert!(
                row.iter().all(|&x| x == 0.0),
                "node {j} has no inflow but {row:?}"
            );
        }
        for &x in row {
            prop_assert!((-1e-12..=1.0 + 1e-12).contains(&x), "node {j} share {x}");
        }
    }
    for o in 0..k {
        let entered: f64 = (0..n).map(|j| external[j * k + o]).sum();
        let left: f64 = (0..n).map(|j| cons[j] * t.mix(j)[o]).sum();
        prop_assert!(
            (entered - left).abs() <= 1e-9 * scale.max(1.0),
            "origin {o}: entered {entered}, left {left}"
        );
    }
    Ok(())
}

/// (nodes, origins, external, edges).
type Case = (usize, usize, Vec<f64>, Vec<(u32, u32, f64)>);

/// (n, k, external, edges) with random flows, cycles and opposite flows
/// included; with `zero_ext`, about 60 % of the external values are 0.
fn random_case(zero_ext: bool) -> impl Strategy<Value = Case> {
    (1usize..10, 1usize..5).prop_flat_map(move |(n, k)| {
        let ext = prop::collection::vec(
            (
                0.01f64..100.0,
                prop::bool::weighted(if zero_ext { 0.6 } else { 0.0 }),
            )
                .prop_map(|(x, zero)| if zero { 0.0 } else { x }),
            n * k,
        );
        let edges = prop::collection::vec((0..n as u32, 0..n as u32, 0.0f64..50.0), 0..3 * n + 1);
        (Just(n), Just(k), ext, edges)
    })
}

fn same_mixes(a: &Tracer, b: &Tracer, n: usize) -> Result<(), TestCaseError> {
    for j in 0..n {
        for (x, y) in a.mix(j).iter().zip(b.mix(j)) {
            prop_assert!(
                (x - y).abs() < 1e-9,
                "node {j}: {:?} vs {:?}",
                a.mix(j),
                b.mix(j)
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_flows_with_sources_everywhere((n, k, external, edges) in random_case(false)) {
        let mut t = Tracer::new(n, k);
        let path = t.trace(&external, &edges);
        prop_assert!(path.is_ok(), "{path:?}");
        check_invariants(&t, n, k, &external, &edges)?;
        let mut d = Tracer::new(n, k);
        prop_assert_eq!(d.trace_dense(&external, &edges), Ok(TracePath::Lu));
        check_invariants(&d, n, k, &external, &edges)?;
        same_mixes(&t, &d, n)?;
    }

    #[test]
    fn random_flows_with_sourceless_nodes((n, k, external, edges) in random_case(true)) {
        let mut t = Tracer::new(n, k);
        let mut d = Tracer::new(n, k);
        let (r, rd) = (t.trace(&external, &edges), d.trace_dense(&external, &edges));
        // Both solvers must agree on whether the input is traceable.
        prop_assert_eq!(r.is_ok(), rd.is_ok(), "{:?} vs {:?}", r, rd);
        match r {
            Ok(_) => {
                check_invariants(&t, n, k, &external, &edges)?;
                same_mixes(&t, &d, n)?;
            }
            Err(TraceError::InvalidInput(_)) => {
                // Only possible here for a node that sends but receives
                // nothing (after netting).
                let found = (0..n).any(|j| t.inflow(j) == 0.0
                    && t.net_edges().iter().any(|&(a, _, _)| a as usize == j));
                prop_assert!(found);
            }
            Err(TraceError::Singular) => prop_assert_eq!(rd, Err(TraceError::Singular)),
        }
    }

    #[test]
    fn acyclic_flows_agree_with_whole_system_lu(
        (n, k, external, edges, perm) in random_case(true).prop_flat_map(|(n, k, e, ed)| {
            let perm = Just((0..n as u32).collect::<Vec<_>>()).prop_shuffle();
            (Just(n), Just(k), Just(e), Just(ed), perm)
        })
    ) {
        // Orient every edge from the lower to the higher position in a random
        // order of the nodes: acyclic, but not in index order.
        let pos: Vec<usize> = {
            let mut p = vec![0; n];
            for (i, &v) in perm.iter().enumerate() { p[v as usize] = i; }
            p
        };
        let mut dag: Vec<(u32, u32, f64)> = edges.iter()
            .filter(|&&(a, b, _)| a != b)
            .map(|&(a, b, f)| if pos[a as usize] < pos[b as usize] { (a, b, f) } else { (b, a, f) })
            .collect();
        // Give every sending node some inflow so the case is traceable.
        let mut ext = external.clone();
        for &(a, _, _) in &dag { ext[a as usize * k] += 1.0; }
        dag.retain(|&(_, _, f)| f > 0.0);
        let mut t = Tracer::new(n, k);
        prop_assert_eq!(t.trace(&ext, &dag), Ok(TracePath::Topological));
        check_invariants(&t, n, k, &ext, &dag)?;
        let mut d = Tracer::new(n, k);
        prop_assert_eq!(d.trace_dense(&ext, &dag), Ok(TracePath::Lu));
        same_mixes(&t, &d, n)?;
    }
}

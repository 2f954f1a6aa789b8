//! Node prices from a solved min-cost flow: the marginal cost of one more
//! unit of demand at each node.
//!
//! After an optimal solve the node potentials `pi` are one set of duals of
//! the flow-balance constraints, but where the flow is degenerate (an arc
//! exactly full or exactly empty in the spanning tree) the duals are not
//! unique, and the potentials a simplex returns depend on the basis it
//! happened to reach. The price reported here does not: for every node `v`
//! it is the cost of the cheapest augmenting path from a chosen node (the
//! super source) to `v` in the residual graph, i.e. what the optimum's cost
//! rises by when `v` must take one more unit. That is the upper end of the
//! interval of dual prices at `v` (the right derivative of the optimal cost
//! in `v`'s demand); where the dual is unique, it is the dual.
//!
//! Method: Dijkstra on the residual graph with the reduced costs
//! `cost + pi[tail] - pi[head]` (≥ 0 on every residual arc at an optimum,
//! the optimality certificate the solver keeps), then `dist + pi[v] -
//! pi[from]` is the path cost in the original costs. A node reached over
//! an arc of reduced cost 0 is at the distance being settled and is settled
//! from a stack without going through the heap. A run of parallel arcs,
//! sorted by cost after a warm solve, is settled by its first residual arc
//! (its last, walked against the arcs). Artificial arcs are ignored. No allocation after the first call with a [`PriceScratch`].

use super::NetworkSimplex;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Price of a node no residual path reaches (all its demand is met by
/// nothing but the arcs that are already full).
pub const UNREACHABLE: i64 = i64::MAX;

/// Buffers of [`NetworkSimplex::marginal_costs`], reused between calls.
#[derive(Debug, Default, Clone)]
pub struct PriceScratch {
    dist: Vec<i64>,
    done: Vec<bool>,
    heap: BinaryHeap<Reverse<(i64, u32)>>,
    /// Nodes reached at the distance being settled (over arcs of reduced
    /// cost 0, e.g. every tree arc): final at once, no heap needed.
    level: Vec<u32>,
}

impl NetworkSimplex {
    /// For every real node `v`, the cost (in the solver's integer cost
    /// units) of sending one more unit from `from` to `v` in the residual
    /// graph of the last optimal solve, or [`UNREACHABLE`]: the right
    /// derivative of the optimum in `v`'s demand when `from` supplies it.
    /// `out` has one entry per real node. Call only after a successful
    /// solve.
    pub fn marginal_costs(&self, from: usize, out: &mut [i64], s: &mut PriceScratch) {
        self.residual_paths(from, false, out, s);
    }

    /// For every real node `v`, the cost of sending one more unit from `v`
    /// to `to` (minus it is the left derivative of the optimum in `v`'s
    /// demand when `to` absorbs the unit), or [`UNREACHABLE`]. The dual of
    /// `v` relative to `to` is unique exactly when this plus
    /// [`NetworkSimplex::marginal_costs`] from `to` is 0.
    pub fn marginal_costs_to(&self, to: usize, out: &mut [i64], s: &mut PriceScratch) {
        self.residual_paths(to, true, out, s);
    }

    /// Dijkstra from `root` over residual arcs (reversed when `towards`).
    fn residual_paths(&self, root: usize, towards: bool, out: &mut [i64], s: &mut PriceScratch) {
        let n = self.n;
        assert!(
            root < n && out.len() == n,
            "marginal costs: bad node or buffer"
        );
        s.dist.clear();
        s.dist.resize(n, UNREACHABLE);
        s.done.clear();
        s.done.resize(n, false);
        s.heap.clear();
        s.level.clear();
        s.dist[root] = 0;
        s.heap.push(Reverse((0, root as u32)));
        loop {
            // Nodes at the current distance first (reduced costs are ≥ 0,
            // so nothing can reach them cheaper), then the heap.
            let (d, u) = match s.level.pop() {
                Some(u) => (s.dist[u as usize], u as usize),
                None => match s.heap.pop() {
                    Some(Reverse((d, u))) => (d, u as usize),
                    None => break,
                },
            };
            if s.done[u] {
                continue;
            }
            s.done[u] = true;
            let (mut i, end) = (self.adj_start[u], self.adj_start[u + 1]);
            while i < end {
                let head = self.adj[i];
                let run_end = head.run_end as usize;
                let v = head.other as usize;
                // The residual arcs between u and v walked (u → v, or v → u
                // when walking towards the root): along a real arc that is
                // not full, against one that carries flow. All arcs of a
                // run join the same pair the same way.
                let along = head.out != towards;
                let (t, h) = if head.out { (u, v) } else { (v, u) };
                let dp = self.pi[t] - self.pi[h];
                let run = &self.adj[i..run_end];
                i = run_end;
                // Runs sorted by cost: reduced costs rise along the run, so
                // its cheapest residual arc along is the first not full,
                // against the last with flow.
                let residual = |a: usize| {
                    a < self.m
                        && if along {
                            self.flow[a] < self.cap[a]
                        } else {
                            self.flow[a] > 0
                        }
                };
                let pick = if run.len() == 1 {
                    Some(head.arc as usize).filter(|&a| residual(a))
                } else if self.runs_sorted {
                    // Runs sorted by cost: reduced costs rise along the
                    // run, so its cheapest residual arc along is the first
                    // not full, against the last with flow.
                    if along {
                        run.iter().map(|e| e.arc as usize).find(|&a| residual(a))
                    } else {
                        run.iter()
                            .rev()
                            .map(|e| e.arc as usize)
                            .find(|&a| residual(a))
                    }
                } else {
                    run.iter()
                        .map(|e| e.arc as usize)
                        .filter(|&a| residual(a))
                        .min_by_key(|&a| if along { self.cost[a] } else { -self.cost[a] })
                };
                let Some(a) = pick else { continue };
                let rc = if along {
                    self.cost[a] + dp
                } else {
                    -dp - self.cost[a]
                };
                // ≥ 0 at an optimum; clamp guards against misuse.
                let nd = d.saturating_add(rc.max(0));
                if nd < s.dist[v] {
                    s.dist[v] = nd;
                    if nd == d {
                        s.level.push(v as u32);
                    } else {
                        s.heap.push(Reverse((nd, v as u32)));
                    }
                }
            }
        }
        for (v, o) in out.iter_mut().enumerate() {
            *o = if s.dist[v] == UNREACHABLE {
                UNREACHABLE
            } else {
                // Path costs in the original costs: the reduced costs of a
                // path from a to b add up to its cost + pi[a] - pi[b].
                let (a, b) = if towards { (v, root) } else { (root, v) };
                let c = i128::from(s.dist[v]) - i128::from(self.pi[a]) + i128::from(self.pi[b]);
                c.clamp(i128::from(i64::MIN), i128::from(UNREACHABLE - 1)) as i64
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::Topology;

    /// Source 0 feeds node 2 through node 1 (cost 3, cap 5) or directly
    /// (cost 10); node 2 wants 5. The cheap route is exactly full: the dual
    /// at node 2 lies anywhere in [3, 10] (degenerate), and one more unit
    /// must take the dear route, so the marginal cost is 10.
    #[test]
    fn degenerate_price_is_the_cost_of_one_more_unit() {
        let mut t = Topology::new(3);
        t.add_arc(0, 1); // cost 1
        t.add_arc(1, 2); // cost 2, cap 5
        t.add_arc(0, 2); // cost 10
        let mut ns = NetworkSimplex::new(&t);
        ns.solve(&[5, 0, -5], &[100, 5, 100], &[1, 2, 10]).unwrap();
        let mut out = vec![0; 3];
        let mut s = PriceScratch::default();
        ns.marginal_costs(0, &mut out, &mut s);
        assert_eq!(out, vec![0, 1, 10]);
        // One unit less at node 2 saves the cheap route's 3 (a path back
        // to the source costing -3): node 2's dual interval is [3, 10],
        // so its dual is not unique.
        let mut back = vec![0; 3];
        ns.marginal_costs_to(0, &mut back, &mut s);
        assert_eq!(back, vec![0, -1, -3]);
        // With room on the cheap route the price is its cost, and unique.
        ns.solve(&[4, 0, -4], &[100, 5, 100], &[1, 2, 10]).unwrap();
        ns.marginal_costs(0, &mut out, &mut s);
        assert_eq!(out, vec![0, 1, 3]);
        ns.marginal_costs_to(0, &mut back, &mut s);
        assert_eq!(back, vec![0, -1, -3]);
    }

    /// A node whose every inflow is full has no price.
    #[test]
    fn unreachable_node() {
        let mut t = Topology::new(2);
        t.add_arc(0, 1);
        let mut ns = NetworkSimplex::new(&t);
        ns.solve(&[3, -3], &[3], &[7]).unwrap();
        let mut out = vec![0; 2];
        ns.marginal_costs(0, &mut out, &mut PriceScratch::default());
        assert_eq!(out, vec![0, UNREACHABLE]);
    }
}

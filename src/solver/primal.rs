//! Primal pivots: entering arcs by block search, the leaving arc by the
//! ratio test along the cycle, and the tree exchange that follows.

use super::{INFINITE, LOWER, NONE, NetworkSimplex, Phase, TREE, UPPER};

impl NetworkSimplex {
    #[inline]
    pub(super) fn reduced_cost(&self, a: usize) -> i64 {
        self.cost[a] + self.pi[self.src[a] as usize] - self.pi[self.tgt[a] as usize]
    }

    /// Block search: scans `block_size` arcs at a time from where the last
    /// search stopped and returns the most violating nonbasic arc of the
    /// first block that has one (the first of equals), or `None` when the
    /// basis is optimal.
    pub(super) fn find_entering(&mut self) -> Option<usize> {
        let arcs = self.state.len();
        let (state, cost) = (&self.state[..arcs], &self.cost[..arcs]);
        let (src, tgt, pi) = (&self.src[..arcs], &self.tgt[..arcs], &self.pi);
        let mut best = NONE;
        let mut best_val = 0i64;
        let mut count = self.block_size;
        let mut a = self.next_arc.min(arcs.saturating_sub(1));
        let mut scanned = 0;
        while scanned < arcs {
            // A stretch that neither wraps around nor crosses the end of a
            // block, scanned over zipped slices (no index checks but pi's).
            let len = (arcs - a).min(count).min(arcs - scanned);
            let arcs_here = state[a..a + len]
                .iter()
                .zip(&cost[a..a + len])
                .zip(src[a..a + len].iter().zip(&tgt[a..a + len]));
            for (k, ((&st, &c), (&u, &v))) in arcs_here.enumerate() {
                // Tree arcs have state 0: their value is 0, never chosen.
                let val = i64::from(st) * (c + pi[u as usize] - pi[v as usize]);
                if val < best_val {
                    best_val = val;
                    best = a + k;
                }
            }
            scanned += len;
            a += len;
            if a == arcs {
                a = 0;
            }
            count -= len;
            if count == 0 {
                if best != NONE {
                    self.next_arc = a;
                    return Some(best);
                }
                count = self.block_size;
            }
        }
        if best != NONE {
            self.next_arc = a;
            return Some(best);
        }
        None
    }

    pub(super) fn join(&self, mut u: usize, mut v: usize) -> usize {
        while u != v {
            if self.depth[u] >= self.depth[v] {
                u = self.parent[u];
            } else {
                v = self.parent[v];
            }
        }
        u
    }

    /// Residual of tree arc `pred[u]` for flow moving up (from `u` towards
    /// its parent) or down.
    #[inline]
    pub(super) fn residual(&self, u: usize, moving_up: bool) -> i64 {
        let e = self.pred[u];
        if self.pred_up[u] == moving_up {
            if self.cap[e] == INFINITE {
                INFINITE
            } else {
                self.cap[e] - self.flow[e]
            }
        } else {
            self.flow[e]
        }
    }

    /// Sends `delta` around the cycle join -> ... -> first -> second -> ...
    /// -> join along tree paths (the arc first -> second is not touched).
    pub(super) fn augment_tree_paths(
        &mut self,
        first: usize,
        second: usize,
        join: usize,
        delta: i64,
    ) {
        let mut u = first;
        while u != join {
            let e = self.pred[u];
            if self.pred_up[u] {
                self.flow[e] -= delta;
            } else {
                self.flow[e] += delta;
            }
            u = self.parent[u];
        }
        u = second;
        while u != join {
            let e = self.pred[u];
            if self.pred_up[u] {
                self.flow[e] += delta;
            } else {
                self.flow[e] -= delta;
            }
            u = self.parent[u];
        }
    }

    /// Primal simplex pivots until optimal, unbounded, or `max_iter` pivots.
    pub(super) fn primal(&mut self, max_iter: u64) -> Phase {
        let mut done = 0u64;
        while let Some(entering) = self.find_entering() {
            if done >= max_iter {
                return Phase::GiveUp;
            }
            done += 1;
            self.iterations += 1;
            if !self.primal_pivot(entering) {
                return Phase::Unbounded;
            }
        }
        Phase::Done
    }

    /// One primal pivot on `entering`; false if its cycle has unlimited
    /// capacity (unbounded).
    pub(super) fn primal_pivot(&mut self, entering: usize) -> bool {
        let at_lower = self.state[entering] == LOWER;
        let (first, second) = if at_lower {
            ((self.src[entering] as usize), (self.tgt[entering] as usize))
        } else {
            ((self.tgt[entering] as usize), (self.src[entering] as usize))
        };
        let join = self.join(first, second);
        // Leaving arc: the last blocking arc along the cycle in flow order
        // join -> first -> second -> join (ties: second path > entering arc
        // > first path, and on each path the later arc), so zero-flow tree
        // arcs keep pointing towards the root (strong feasibility).
        let mut delta = self.cap[entering];
        let mut u_out = NONE;
        let mut on_first = false;
        let mut u = first;
        while u != join {
            // Flow moves down from the join towards `first`.
            let r = self.residual(u, false);
            if r < delta {
                delta = r;
                u_out = u;
                on_first = true;
            }
            u = self.parent[u];
        }
        u = second;
        while u != join {
            let r = self.residual(u, true);
            if r <= delta {
                delta = r;
                u_out = u;
                on_first = false;
            }
            u = self.parent[u];
        }
        if delta == INFINITE {
            return false;
        }
        if delta > 0 {
            if at_lower {
                self.flow[entering] += delta;
            } else {
                self.flow[entering] -= delta;
            }
            self.augment_tree_paths(first, second, join, delta);
        }
        if u_out == NONE {
            // The entering arc itself blocks: it just changes bound.
            self.state[entering] = -self.state[entering];
            return true;
        }
        let leaving = self.pred[u_out];
        self.state[leaving] = if self.flow[leaving] == 0 {
            LOWER
        } else {
            UPPER
        };
        self.state[entering] = TREE;
        let (x, y) = if on_first {
            (first, second)
        } else {
            (second, first)
        };
        let rc = self.reduced_cost(entering);
        let sigma = if x == (self.src[entering] as usize) {
            -rc
        } else {
            rc
        };
        self.update_tree(entering, x, y, u_out, sigma);
        true
    }

    /// Tree exchange: the subtree hanging at `u_out` (which contains `x`) is
    /// cut off (its pred arc leaves), re-rooted at `x` and hung below `y` by
    /// `entering`; its potentials shift by `sigma`. Cost O(subtree size).
    pub(super) fn update_tree(
        &mut self,
        entering: usize,
        x: usize,
        y: usize,
        u_out: usize,
        sigma: i64,
    ) {
        // Path x = p0, p1, ..., pk = u_out (old parents).
        let mut k = 0;
        let mut u = x;
        loop {
            self.path[k] = u;
            if u == u_out {
                break;
            }
            u = self.parent[u];
            k += 1;
        }
        // New preorder of the subtree: p0 with its old subtree, then p1 with
        // its old subtree minus p0's, and so on. Old subtrees are contiguous
        // in the old thread, ending before the first node not deeper.
        let base = self.depth[y] + 1;
        let mut len = 0;
        let mut skip_from = NONE;
        let mut skip_last = NONE;
        let mut after = NONE;
        for i in 0..=k {
            let p = self.path[i];
            let d_old = self.depth[p];
            let d_new = base + i;
            self.order[len] = p;
            len += 1;
            self.depth[p] = d_new;
            self.pi[p] += sigma;
            let mut w = self.thread[p];
            loop {
                if w == skip_from {
                    w = self.thread[skip_last];
                    continue;
                }
                if self.depth[w] <= d_old {
                    break;
                }
                self.order[len] = w;
                len += 1;
                self.depth[w] = self.depth[w] - d_old + d_new;
                self.pi[w] += sigma;
                w = self.thread[w];
            }
            skip_from = p;
            skip_last = self.rev_thread[w];
            after = w;
        }
        // Unlink the old subtree block [u_out ..= skip_last] from the thread.
        let before = self.rev_thread[u_out];
        self.thread[before] = after;
        self.rev_thread[after] = before;
        // Splice the new order in right after y.
        let next = self.thread[y];
        let mut prev = y;
        for j in 0..len {
            let w = self.order[j];
            self.thread[prev] = w;
            self.rev_thread[w] = prev;
            prev = w;
        }
        self.thread[prev] = next;
        self.rev_thread[next] = prev;
        // Reverse parent links along the path; pred arcs shift one step and
        // flip direction relative to the new parent.
        for i in (1..=k).rev() {
            let (child, par) = (self.path[i], self.path[i - 1]);
            self.parent[child] = par;
            self.pred[child] = self.pred[par];
            self.pred_up[child] = !self.pred_up[par];
        }
        self.parent[x] = y;
        self.pred[x] = entering;
        self.pred_up[x] = (self.src[entering] as usize) == x;
    }
}

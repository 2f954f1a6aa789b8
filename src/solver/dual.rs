//! The warm start: new data on the last tree, then dual simplex pivots
//! (the ratio test over the cut, parallel-arc runs sorted by cost) until
//! the tree flows are feasible.

use super::{INFINITE, LOWER, NONE, NetworkSimplex, Phase, TREE, UPPER};

impl NetworkSimplex {
    /// Every nonbasic arc has a reduced cost of the sign its bound allows
    /// (≥ 0 at the lower bound, ≤ 0 at the upper one), tree arcs 0.
    pub(super) fn is_dual_feasible(&self) -> bool {
        self.state
            .iter()
            .enumerate()
            .all(|(a, &st)| st == TREE || i64::from(st) * self.reduced_cost(a) >= 0)
    }

    /// Warm start from the previous tree: new data, tree flows, dual
    /// pivots to primal feasibility, then primal pivots to optimality.
    pub(super) fn warm(
        &mut self,
        supply: &[i64],
        capacity: &[i64],
        cost: &[i64],
        big_m: i64,
    ) -> Phase {
        let (n, m) = (self.n, self.m);
        let root = n;
        let mut cost_changed = self.cost[..m] != *cost;
        if cost_changed {
            self.cost[..m].copy_from_slice(cost);
            self.runs_sorted = false;
        }
        if self.cost[m..].iter().any(|&c| c != big_m) {
            self.cost[m..].fill(big_m);
            cost_changed = true;
        }
        self.cap[..m].copy_from_slice(capacity);
        // Nonbasic arcs sit at their bound; collect node excesses.
        self.excess[..n].copy_from_slice(supply);
        self.excess[root] = 0;
        let mut dual_feasible = !cost_changed;
        let arcs = self
            .state
            .iter_mut()
            .zip(&self.cap)
            .zip(&mut self.flow)
            .zip(self.src.iter().zip(&self.tgt));
        for (((state, &cap), flow), (&u, &v)) in arcs {
            if *state == UPPER && cap == INFINITE {
                // No upper bound any more: park it at zero.
                *state = LOWER;
                dual_feasible = false;
            }
            // Branch-free: nonbasic arcs sit at their bound; tree arcs get 0
            // here and their real flow below (every tree arc is some node's
            // pred arc).
            let f = if *state == UPPER { cap } else { 0 };
            *flow = f;
            self.excess[u as usize] -= f;
            self.excess[v as usize] += f;
        }
        // Tree flows, leaves first (reverse preorder): each node's pred arc
        // carries its subtree's net excess.
        let mut v = self.rev_thread[root];
        while v != root {
            let e = self.pred[v];
            let ex = self.excess[v];
            self.flow[e] = if self.pred_up[v] { ex } else { -ex };
            self.excess[self.parent[v]] += ex;
            v = self.rev_thread[v];
        }
        if cost_changed {
            // Potentials from the tree, root first (preorder).
            let mut v = self.thread[root];
            while v != root {
                let e = self.pred[v];
                let p = self.pi[self.parent[v]];
                self.pi[v] = if self.pred_up[v] {
                    p - self.cost[e]
                } else {
                    p + self.cost[e]
                };
                v = self.thread[v];
            }
            // Costs that changed may still leave every nonbasic arc on the
            // right side of its bound (a step's water values move a few
            // arcs by a little): then the basis is still dual feasible and
            // the dual simplex alone finishes the warm start.
            if self.is_dual_feasible() {
                dual_feasible = true;
            }
        }
        // Caps: a warm start that needs as many pivots as a cold one has
        // failed its purpose (and may be cycling: the tree need not be
        // strongly feasible any more).
        let max_iter = (2 * (n + m) + 64) as u64;
        let mut done = 0u64;
        if !self.runs_sorted {
            self.sort_runs();
        }
        loop {
            // Most infeasible tree arc leaves first.
            let mut worst = 0i64;
            let mut leave = NONE;
            for (v, &e) in self.pred[..n].iter().enumerate() {
                let f = self.flow[e];
                // Branch-free: below 0 by -f, above the capacity by
                // f - cap (never both; INFINITE saturates to <= 0).
                let viol = (-f).max(f.saturating_sub(self.cap[e]));
                if viol > worst {
                    worst = viol;
                    leave = v;
                }
            }
            if leave == NONE {
                break;
            }
            if done >= max_iter {
                return Phase::GiveUp;
            }
            done += 1;
            self.iterations += 1;
            if !self.dual_pivot(leave) {
                return Phase::GiveUp;
            }
        }
        // The previous solve ended dual feasible (optimal) and exact dual
        // ratio tests keep it so: with unchanged costs the basis is now
        // optimal. Otherwise (or to confirm an infeasible verdict, which
        // rests on big-M optimality) let primal pivots finish.
        if dual_feasible && !self.artificial_flow() {
            return Phase::Done;
        }
        self.next_arc = 0;
        match self.primal(max_iter) {
            Phase::Done => Phase::Done,
            _ => Phase::GiveUp,
        }
    }

    /// Dual ratio test over the arcs of node `w` (in S iff `w_in_s`): keeps
    /// the crossing arc of least |reduced cost| that may move in the needed
    /// direction; a dual-infeasible arc (costs changed since the last
    /// solve) has key 0. Runs of parallel arcs are ordered by cost, so
    /// reduced costs rise along a run and it is settled by one candidate:
    /// the first arc at its lower bound, or the last at its upper bound.
    #[inline(always)]
    pub(super) fn scan_dual_candidates(
        &self,
        w: usize,
        w_in_s: bool,
        out_of_s: bool,
        best: &mut usize,
        best_key: &mut i64,
    ) {
        let (start, end) = (self.adj_start[w], self.adj_start[w + 1]);
        let pi_w = self.pi[w];
        let mut i = start;
        while i < end {
            let head = self.adj[i];
            let other = head.other as usize;
            let run_end = head.run_end as usize;
            // Lower arcs may only increase (cross in their direction), upper
            // arcs only decrease (cross against it).
            let need_lower = (head.out == w_in_s) == out_of_s;
            let want = if need_lower { LOWER } else { UPPER };
            // pi[tail] - pi[head], shared by the run.
            let pi_o = self.pi[other];
            let dp = if head.out { pi_w - pi_o } else { pi_o - pi_w };
            let crossing = self.in_cut[other] != w_in_s;
            if run_end == i + 1 {
                // A single arc (the common case), without data-dependent
                // branches: whether an arc crosses the cut or sits at the
                // wanted bound is unpredictable, and a mispredicted branch
                // costs more than the few loads it would save.
                i = run_end;
                let a = head.arc as usize;
                // Key |rc|; a dual-infeasible arc (costs changed) counts as 0.
                let key = (want as i64 * (self.cost[a] + dp)).max(0);
                let key = if crossing && self.state[a] == want {
                    key
                } else {
                    i64::MAX
                };
                if key < *best_key {
                    *best_key = key;
                    *best = a;
                }
                continue;
            }
            if !crossing {
                // The whole run stays on one side of the cut.
                i = run_end;
                continue;
            }
            let run = &self.adj[i..run_end];
            i = run_end;
            if need_lower {
                // Reduced costs rise along the run: the first arc at its
                // lower bound has the least key max(rc, 0).
                if let Some(e) = run.iter().find(|e| self.state[e.arc as usize] == LOWER) {
                    let key = (self.cost[e.arc as usize] + dp).max(0);
                    if key < *best_key {
                        *best_key = key;
                        *best = e.arc as usize;
                    }
                }
            } else if let Some(e) = run
                .iter()
                .rev()
                .find(|e| self.state[e.arc as usize] == UPPER)
            {
                // The last arc at its upper bound has the greatest reduced
                // cost, so the least key max(−rc, 0) (dual feasible: the
                // last one before reduced costs turn positive).
                let key = (-(self.cost[e.arc as usize] + dp)).max(0);
                if key < *best_key {
                    *best_key = key;
                    *best = e.arc as usize;
                }
            }
        }
    }

    /// Orders every run of parallel arcs by cost (insertion sort: runs are
    /// short and usually still sorted from the previous costs).
    pub(super) fn sort_runs(&mut self) {
        for &r in &self.long_runs {
            let r = r as usize;
            let end = self.adj[r].run_end as usize;
            let run = &mut self.adj[r..end];
            for j in 1..run.len() {
                let mut k = j;
                while k > 0 && self.cost[run[k - 1].arc as usize] > self.cost[run[k].arc as usize] {
                    run.swap(k - 1, k);
                    k -= 1;
                }
            }
        }
        self.runs_sorted = true;
    }

    /// One dual simplex pivot: tree arc `pred[c]` (flow outside its bounds)
    /// leaves at the violated bound; the entering arc crosses the cut between
    /// `c`'s subtree S and the rest, chosen by the dual ratio test so reduced
    /// costs keep their signs. False if no arc can enter.
    pub(super) fn dual_pivot(&mut self, c: usize) -> bool {
        let f_arc = self.pred[c];
        // Violations are flow < 0 or flow > cap >= 0, so the sign tells which.
        let over = self.flow[f_arc] > 0;
        let d = if over {
            self.flow[f_arc] - self.cap[f_arc]
        } else {
            -self.flow[f_arc]
        };
        // Mark S, counting its incidence entries.
        let dc = self.depth[c];
        self.in_cut[c] = true;
        let mut entries = self.adj_start[c + 1] - self.adj_start[c];
        let mut w = self.thread[c];
        while self.depth[w] > dc {
            self.in_cut[w] = true;
            entries += self.adj_start[w + 1] - self.adj_start[w];
            w = self.thread[w];
        }
        let end = w;
        // The cycle must cross the cut through the entering arc from S to
        // outside (`out_of_s`) when the leaving arc's flow is pushed back
        // into S, and the other way otherwise.
        let out_of_s = self.pred_up[c] == over;
        let mut best = NONE;
        let mut best_key = i64::MAX;
        // Only arcs incident to one side can cross the cut; each crossing
        // arc is seen once, from that side. Scan the side with fewer
        // incidence entries (not fewer nodes: a hub such as a super source
        // has hundreds).
        if 2 * entries <= self.adj.len() {
            let mut w = c;
            while w != end {
                self.scan_dual_candidates(w, true, out_of_s, &mut best, &mut best_key);
                w = self.thread[w];
            }
        } else {
            for w in 0..=self.n {
                if !self.in_cut[w] {
                    self.scan_dual_candidates(w, false, out_of_s, &mut best, &mut best_key);
                }
            }
        }
        let (x, y) = if best != NONE && self.in_cut[self.src[best] as usize] {
            ((self.src[best] as usize), (self.tgt[best] as usize))
        } else if best != NONE {
            ((self.tgt[best] as usize), (self.src[best] as usize))
        } else {
            (NONE, NONE)
        };
        // Unmark S.
        let mut w = c;
        while w != end {
            self.in_cut[w] = false;
            w = self.thread[w];
        }
        if best == NONE {
            return false;
        }
        let g = best;
        let (first, second) = if out_of_s { (x, y) } else { (y, x) };
        if first == (self.src[g] as usize) {
            self.flow[g] += d;
        } else {
            self.flow[g] -= d;
        }
        let join = self.join(first, second);
        self.augment_tree_paths(first, second, join, d);
        self.state[f_arc] = if over { UPPER } else { LOWER };
        self.state[g] = TREE;
        let rc = self.reduced_cost(g);
        let sigma = if x == (self.src[g] as usize) { -rc } else { rc };
        self.update_tree(g, x, y, c, sigma);
        true
    }
}

//! Origin tracing: which origins the gas in each node comes from
//! (docs/model.md, "Origin tracing").
//!
//! Role in the pipeline: after the allocation of one time step, the solver's
//! flows are handed here to find, for every node, the origin mix of the gas it
//! consumes, re-exports and injects into storage.
//!
//! Model. Every node is a well-mixed pool: whatever leaves a node (to
//! consumers, to storage, to other nodes) has the origin mix of everything
//! that entered it. With `E[j][k]` the gas of origin `k` entering node `j`
//! from outside the node network (production, pipeline imports straight from
//! an origin, LNG send-out, storage withdrawal with its own mix), `f_ij` the
//! flow from node `i` to node `j` and `T_j = Σ_k E[j][k] + Σ_i f_ij` the total
//! inflow of `j`, the mixes `M` solve
//!
//! ```text
//! T_j · M_j = E_j + Σ_i f_ij · M_i        i.e.   (diag(T) − Fᵀ) M = E.
//! ```
//!
//! Inputs: [`Tracer::trace`] takes `external` (row-major nodes × origins) and
//! the node-to-node flows. Outputs: [`Tracer::mix`] per node, plus the netted
//! flows and total inflows used ([`Tracer::net_edges`], [`Tracer::inflow`]).
//!
//! Algorithm.
//! 1. Opposite flows between the same pair are netted (see
//!    [`Tracer::net_edges`] for why this is the physically right reading).
//! 2. If the netted flow graph is acyclic, one topological sweep (Kahn)
//!    settles every node from its predecessors: O(nodes + edges) × origins,
//!    and no allocation once the tracer's buffers have grown to the largest
//!    input seen ([`TracePath::Topological`]).
//! 3. Otherwise the graph is split into strongly connected components
//!    (Tarjan). Components are settled in topological order; a singleton is
//!    settled as in the sweep, a component with a cycle by a dense nalgebra LU
//!    solve of its own block of the system ([`TracePath::Lu`]). So only the
//!    nodes on cycles pay for the LU, and the block size is that of the
//!    largest cycle cluster, not of the network.
//!
//! Invariants (checked by `tests/trace_props.rs`): every mix row sums to 1
//! (up to rounding) or is all zero when the node has no inflow; shares lie in
//! [0, 1]; each origin's gas is conserved: Σ_j (T_j − out_j) · M_jk = Σ_j E_jk.
//!
//! Errors rather than panics: lengths, node indices, negative or non-finite
//! amounts give [`TraceError::InvalidInput`]; a node that sends gas but
//! receives none (gas from nowhere) too. A cycle of flows fed by no gas from
//! outside the cycle (a pure circulation) leaves its mix undetermined: the
//! system is singular and [`TraceError::Singular`] is returned. Cancel such
//! circulations before tracing.

use nalgebra::DMatrix;

/// The error for an `external` that failed the fast check.
fn external_error(external: &[f64], k: usize) -> TraceError {
    let k = k.max(1);
    match external.iter().position(|x| !(x.is_finite() && *x >= 0.0)) {
        Some(pos) => TraceError::InvalidInput(format!(
            "external inflow of node {} from origin {} is {} (must be finite and >= 0)",
            pos / k,
            pos % k,
            external[pos]
        )),
        None => {
            TraceError::InvalidInput("external inflows too large: a node's total overflows".into())
        }
    }
}

/// Which algorithm [`Tracer::trace`] ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TracePath {
    /// The netted flows were acyclic: one topological sweep.
    Topological,
    /// The netted flows had a cycle: LU solves (per strongly connected
    /// component in [`Tracer::trace`], whole system in [`Tracer::trace_dense`]).
    Lu,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TraceError {
    #[error("invalid tracing input: {0}")]
    InvalidInput(String),
    #[error(
        "origin mix undetermined: a cycle of flows receives no gas from outside the cycle \
         (cancel circulating flows before tracing)"
    )]
    Singular,
}

const UNVISITED: u32 = u32::MAX;

/// Origin tracer for a network of fixed size. Buffers are allocated once and
/// reused by every call, so one tracer per worker thread is the intended use.
/// Memory: O(nodes × origins + edges) plus an 8-byte-per-pair netting table
/// (nodes², 12 KB for 38 nodes).
#[derive(Debug, Clone)]
pub struct Tracer {
    n: usize,
    k: usize,
    /// Netting: for each ordered pair (lo, hi), lo < hi, the call stamp that
    /// last saw it and its slot in `net`. Stamps avoid clearing the n × n
    /// table on every call (8 bytes per pair: 12 KB for 38 nodes, 8 MB for
    /// 1000).
    pair_slot: Vec<(u32, u32)>,
    stamp: u32,
    /// CSR fill cursors.
    cursor: Vec<u32>,
    /// Netted flows (from, to, amount > 0).
    net: Vec<(u32, u32, f64)>,
    /// Netted flows grouped by source node (CSR).
    out_start: Vec<u32>,
    out_items: Vec<(u32, f64)>,
    indeg: Vec<u32>,
    queue: Vec<u32>,
    /// Total inflow T_j (external + netted node flows).
    inflow: Vec<f64>,
    /// Row-major nodes × origins: numerators during a sweep, mixes after.
    mix: Vec<f64>,
    /// Tarjan scratch (cyclic path only).
    index: Vec<u32>,
    low: Vec<u32>,
    on_stack: Vec<bool>,
    stack: Vec<u32>,
    call: Vec<(u32, u32)>,
    comp: Vec<u32>,
    comp_nodes: Vec<u32>,
    comp_bounds: Vec<u32>,
    local: Vec<u32>,
    /// One mix row (scratch).
    row: Vec<f64>,
}

impl Tracer {
    pub fn new(num_nodes: usize, num_origins: usize) -> Self {
        let n = num_nodes;
        Self {
            n,
            k: num_origins,
            pair_slot: vec![(0, 0); n * n],
            stamp: 0,
            cursor: vec![0; n],
            net: Vec::with_capacity(4 * n),
            out_start: vec![0; n + 1],
            out_items: Vec::with_capacity(4 * n),
            indeg: vec![0; n],
            queue: Vec::with_capacity(n),
            inflow: vec![0.0; n],
            mix: vec![0.0; n * num_origins],
            index: vec![UNVISITED; n],
            low: vec![0; n],
            on_stack: vec![false; n],
            stack: Vec::with_capacity(n),
            call: Vec::with_capacity(n),
            comp: vec![0; n],
            comp_nodes: Vec::with_capacity(n),
            comp_bounds: Vec::with_capacity(n + 1),
            local: vec![0; n],
            row: vec![0.0; num_origins],
        }
    }

    pub fn num_nodes(&self) -> usize {
        self.n
    }

    pub fn num_origins(&self) -> usize {
        self.k
    }

    /// Traces one time step. `external` is row-major `num_nodes × num_origins`:
    /// energy entering node `j` from origin `k` from outside the node network.
    /// `edges` are node-to-node flows `(from, to, amount ≥ 0)`; several flows
    /// between the same pair, in either direction, are allowed. Self-loops
    /// change nothing in a well-mixed pool and are ignored.
    pub fn trace(
        &mut self,
        external: &[f64],
        edges: &[(u32, u32, f64)],
    ) -> Result<TracePath, TraceError> {
        self.prepare(external, edges)?;
        if self.sweep()? {
            return Ok(TracePath::Topological);
        }
        self.solve_components(external)?;
        Ok(TracePath::Lu)
    }

    /// Reference solver: the whole system (diag(T) − Fᵀ) M = E in one dense
    /// LU, O(n³), whatever the shape of the flows. Same inputs, outputs and
    /// errors as [`Tracer::trace`]; always reports [`TracePath::Lu`]. Meant for
    /// cross-checks in tests and benchmarks, not for the hot loop.
    pub fn trace_dense(
        &mut self,
        external: &[f64],
        edges: &[(u32, u32, f64)],
    ) -> Result<TracePath, TraceError> {
        self.prepare(external, edges)?;
        self.check_sources()?;
        // The LU would not reliably see a closed circulation (rounding can
        // leave a tiny non-zero pivot), so detect it structurally first.
        self.tarjan();
        for c in 0..self.comp_bounds.len() - 1 {
            let (a, b) = (
                self.comp_bounds[c] as usize,
                self.comp_bounds[c + 1] as usize,
            );
            if b - a > 1 && self.component_is_closed(a, b) {
                return Err(TraceError::Singular);
            }
        }
        let n = self.n;
        let mut a = DMatrix::<f64>::zeros(n, n);
        for j in 0..n {
            // A node without inflow has no outflow (checked above): its row
            // becomes M_j = 0.
            a[(j, j)] = if self.inflow[j] > 0.0 {
                self.inflow[j]
            } else {
                1.0
            };
        }
        for &(i, j, f) in &self.net {
            a[(j as usize, i as usize)] -= f;
        }
        let rhs = DMatrix::<f64>::from_row_slice(n, self.k, &external[..n * self.k]);
        let sol = a.lu().solve(&rhs).ok_or(TraceError::Singular)?;
        for j in 0..n {
            for o in 0..self.k {
                self.mix[j * self.k + o] = sol[(j, o)];
            }
        }
        self.clean_rows(0..n)?;
        Ok(TracePath::Lu)
    }

    /// Origin shares of the node's pool (sum to 1), all zero if the node has
    /// no inflow. Valid after a successful trace; panics if `node` is out of
    /// range (a programming error, not an input error).
    pub fn mix(&self, node: usize) -> &[f64] {
        &self.mix[node * self.k..(node + 1) * self.k]
    }

    /// Total inflow T_j of the node in the last trace: external inflow plus
    /// netted flows from other nodes.
    pub fn inflow(&self, node: usize) -> f64 {
        self.inflow[node]
    }

    /// The netted node-to-node flows of the last trace, `(from, to, amount)`
    /// with `amount > 0`, at most one per unordered pair.
    ///
    /// Why netting is right: gas cannot flow both ways through one
    /// interconnection at the same time. Opposite nominations between two
    /// pools are settled physically by the net flow ("backhaul"): the part of
    /// A→B that B→A cancels is A's own gas that never left A. Tracing both
    /// gross flows would send A's mix to B and B's mix back to A, mixing
    /// molecules that never moved. Netting keeps every node's balance
    /// (inflow − outflow) unchanged, so consumption and conservation are as
    /// the caller computed them, and it removes two-node cycles, which keeps
    /// more steps on the fast topological path. Limit: if a step aggregates a
    /// period in which the flow truly reversed (two weeks each way in a
    /// monthly step), netting understates the mixing between the two pools.
    pub fn net_edges(&self) -> &[(u32, u32, f64)] {
        &self.net
    }

    /// Validates the input, nets opposite flows, builds the CSR of netted
    /// flows, total inflows, in-degrees, and copies `external` into `mix`.
    fn prepare(&mut self, external: &[f64], edges: &[(u32, u32, f64)]) -> Result<(), TraceError> {
        let (n, k) = (self.n, self.k);
        if external.len() != n * k {
            return Err(TraceError::InvalidInput(format!(
                "external has {} values, expected {} nodes × {} origins = {}",
                external.len(),
                n,
                k,
                n * k
            )));
        }
        // Validation and row sums in one branch-free pass; the error message
        // is built on the cold path. A NaN fails `x >= 0`, an infinity makes
        // the row sum infinite.
        let mut ok = true;
        self.inflow.fill(0.0); // stays so when there are no origins
        for (t, row) in self.inflow.iter_mut().zip(external.chunks_exact(k.max(1))) {
            let mut sum = 0.0;
            for &x in row {
                ok &= x >= 0.0;
                sum += x;
            }
            ok &= sum.is_finite();
            *t = sum;
        }
        if !ok {
            return Err(external_error(external, k));
        }

        // Net the flows of each unordered pair {lo, hi} into one signed
        // amount (positive: lo -> hi), in the order the edges come.
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.pair_slot.fill((0, 0));
            self.stamp = 1;
        }
        self.net.clear();
        for (e, &(a, b, f)) in edges.iter().enumerate() {
            if a as usize >= n || b as usize >= n || !(f.is_finite() && f >= 0.0) {
                return Err(TraceError::InvalidInput(format!(
                    "edge {e} ({a} -> {b}, amount {f}): nodes must be < {n} and the amount \
                     finite and >= 0"
                )));
            }
            if a == b || f == 0.0 {
                continue;
            }
            let (lo, hi, signed) = if a < b { (a, b, f) } else { (b, a, -f) };
            let cell = &mut self.pair_slot[lo as usize * n + hi as usize];
            if cell.0 == self.stamp {
                self.net[cell.1 as usize].2 += signed;
            } else {
                *cell = (self.stamp, self.net.len() as u32);
                self.net.push((lo, hi, signed));
            }
        }
        self.net.retain_mut(|e| {
            if e.2 < 0.0 {
                *e = (e.1, e.0, -e.2);
            }
            e.2 > 0.0
        });

        // CSR by source, in-degrees and total inflows.
        self.out_start.fill(0);
        self.indeg.fill(0);
        for &(i, j, f) in &self.net {
            self.out_start[i as usize + 1] += 1;
            self.indeg[j as usize] += 1;
            self.inflow[j as usize] += f;
        }
        for i in 0..n {
            self.out_start[i + 1] += self.out_start[i];
        }
        self.cursor.copy_from_slice(&self.out_start[..n]);
        self.out_items.clear();
        self.out_items.resize(self.net.len(), (0, 0.0));
        for &(i, j, f) in &self.net {
            let c = &mut self.cursor[i as usize];
            self.out_items[*c as usize] = (j, f);
            *c += 1;
        }
        self.mix.copy_from_slice(external);
        Ok(())
    }

    /// Gas from nowhere: a node that sends flow but receives none.
    fn check_sources(&self) -> Result<(), TraceError> {
        for i in 0..self.n {
            if self.inflow[i] <= 0.0 && self.out_start[i + 1] > self.out_start[i] {
                return Err(self.no_inflow_error(i));
            }
        }
        Ok(())
    }

    fn no_inflow_error(&self, i: usize) -> TraceError {
        let out: f64 = self.out_items[self.out_start[i] as usize..self.out_start[i + 1] as usize]
            .iter()
            .map(|&(_, f)| f)
            .sum();
        TraceError::InvalidInput(format!(
            "node {i} sends {out} to other nodes but receives no gas \
             (is an external inflow missing?)"
        ))
    }

    /// Turns a node's numerators (E_i + Σ f_ji M_j, all predecessors
    /// settled) into its mix.
    fn settle(&mut self, i: usize) -> Result<(), TraceError> {
        let k = self.k;
        let t = self.inflow[i];
        if t > 0.0 {
            for x in &mut self.mix[i * k..(i + 1) * k] {
                *x /= t;
            }
        } else if self.out_start[i + 1] > self.out_start[i] {
            return Err(self.no_inflow_error(i));
        }
        Ok(())
    }

    /// Adds a settled node's mix, times each outgoing flow, to the numerators
    /// of its successors (only those in other components unless
    /// `within_comp`).
    fn push(&mut self, i: usize, within_comp: bool) {
        let k = self.k;
        let (start, end) = (self.out_start[i] as usize, self.out_start[i + 1] as usize);
        // A copy of the source row lets the loop borrow `mix` mutably
        // without per-edge slice splitting.
        let Self {
            mix,
            row,
            out_items,
            comp,
            ..
        } = self;
        row.copy_from_slice(&mix[i * k..(i + 1) * k]);
        for &(j, f) in &out_items[start..end] {
            let j = j as usize;
            if !within_comp && comp[j] == comp[i] {
                continue;
            }
            for (d, s) in mix[j * k..(j + 1) * k].iter_mut().zip(row.iter()) {
                *d += f * s;
            }
        }
    }

    /// Kahn's sweep. Returns `Ok(false)` if the netted flows have a cycle (the
    /// mix buffer is then partly updated and must be rebuilt).
    fn sweep(&mut self) -> Result<bool, TraceError> {
        self.queue.clear();
        self.queue
            .extend((0..self.n as u32).filter(|&j| self.indeg[j as usize] == 0));
        let mut head = 0;
        while head < self.queue.len() {
            let i = self.queue[head] as usize;
            head += 1;
            self.settle(i)?;
            self.push(i, true);
            for e in self.out_start[i] as usize..self.out_start[i + 1] as usize {
                let j = self.out_items[e].0 as usize;
                self.indeg[j] -= 1;
                if self.indeg[j] == 0 {
                    self.queue.push(j as u32);
                }
            }
        }
        Ok(head == self.n)
    }

    /// Iterative Tarjan on the netted flows. Fills `comp`, and `comp_nodes`
    /// grouped by component with `comp_bounds`, components in reverse
    /// topological order (a component comes after every one it feeds).
    fn tarjan(&mut self) {
        self.index.fill(UNVISITED);
        self.on_stack.fill(false);
        self.stack.clear();
        self.call.clear();
        self.comp_nodes.clear();
        self.comp_bounds.clear();
        self.comp_bounds.push(0);
        let mut counter = 0u32;
        for s in 0..self.n {
            if self.index[s] != UNVISITED {
                continue;
            }
            self.visit(s as u32, &mut counter);
            while let Some(&(v, pos)) = self.call.last() {
                let vu = v as usize;
                if pos < self.out_start[vu + 1] {
                    if let Some(top) = self.call.last_mut() {
                        top.1 += 1;
                    }
                    let w = self.out_items[pos as usize].0;
                    if self.index[w as usize] == UNVISITED {
                        self.visit(w, &mut counter);
                    } else if self.on_stack[w as usize] {
                        self.low[vu] = self.low[vu].min(self.index[w as usize]);
                    }
                    continue;
                }
                self.call.pop();
                if let Some(&(u, _)) = self.call.last() {
                    self.low[u as usize] = self.low[u as usize].min(self.low[vu]);
                }
                if self.low[vu] == self.index[vu] {
                    let id = self.comp_bounds.len() as u32 - 1;
                    while let Some(w) = self.stack.pop() {
                        self.on_stack[w as usize] = false;
                        self.comp[w as usize] = id;
                        self.comp_nodes.push(w);
                        if w == v {
                            break;
                        }
                    }
                    self.comp_bounds.push(self.comp_nodes.len() as u32);
                }
            }
        }
    }

    fn visit(&mut self, v: u32, counter: &mut u32) {
        self.index[v as usize] = *counter;
        self.low[v as usize] = *counter;
        *counter += 1;
        self.stack.push(v);
        self.on_stack[v as usize] = true;
        self.call.push((v, self.out_start[v as usize]));
    }

    /// A component is closed if none of its nodes receives gas from outside
    /// it: then every row of its block of (diag(T) − Fᵀ) sums to zero and the
    /// block is singular. Conversely a component that receives any outside gas
    /// is irreducibly diagonally dominant, hence non-singular (Taussky).
    fn component_is_closed(&self, a: usize, b: usize) -> bool {
        let id = self.comp[self.comp_nodes[a] as usize];
        let mut internal_in = 0.0;
        let mut total_in = 0.0;
        for &v in &self.comp_nodes[a..b] {
            total_in += self.inflow[v as usize];
            for e in self.out_start[v as usize] as usize..self.out_start[v as usize + 1] as usize {
                let (w, f) = self.out_items[e];
                if self.comp[w as usize] == id {
                    internal_in += f;
                }
            }
        }
        // Both sums add the same internal flows, in different orders; allow
        // for that rounding.
        total_in - internal_in <= 1e-12 * total_in
    }

    /// The cyclic path: components in topological order, LU per cycle block.
    fn solve_components(&mut self, external: &[f64]) -> Result<(), TraceError> {
        let k = self.k;
        // The failed sweep left partial numerators behind: restart.
        self.mix.copy_from_slice(external);
        self.tarjan();
        let num_comps = self.comp_bounds.len() - 1;
        for c in (0..num_comps).rev() {
            let (a, b) = (
                self.comp_bounds[c] as usize,
                self.comp_bounds[c + 1] as usize,
            );
            if b - a == 1 {
                let v = self.comp_nodes[a] as usize;
                self.settle(v)?;
                self.push(v, true);
                continue;
            }
            if self.component_is_closed(a, b) {
                return Err(TraceError::Singular);
            }
            let s = b - a;
            for (l, &v) in self.comp_nodes[a..b].iter().enumerate() {
                self.local[v as usize] = l as u32;
            }
            let mut m = DMatrix::<f64>::zeros(s, s);
            let mut rhs = DMatrix::<f64>::zeros(s, k);
            for (l, &v) in self.comp_nodes[a..b].iter().enumerate() {
                let v = v as usize;
                m[(l, l)] += self.inflow[v];
                for e in self.out_start[v] as usize..self.out_start[v + 1] as usize {
                    let (w, f) = self.out_items[e];
                    if self.comp[w as usize] == c as u32 {
                        m[(self.local[w as usize] as usize, l)] -= f;
                    }
                }
                for o in 0..k {
                    rhs[(l, o)] = self.mix[v * k + o];
                }
            }
            let sol = m.lu().solve(&rhs).ok_or(TraceError::Singular)?;
            for (l, &v) in self.comp_nodes[a..b].iter().enumerate() {
                let v = v as usize;
                for o in 0..k {
                    self.mix[v * k + o] = sol[(l, o)];
                }
            }
            for idx in a..b {
                let v = self.comp_nodes[idx] as usize;
                self.clean_rows(v..v + 1)?;
                // Flows inside the component are in the solve already.
                self.push(v, false);
            }
        }
        Ok(())
    }

    /// Removes LU rounding noise: shares clamped to [0, 1]. A non-finite
    /// result means the solve broke down.
    fn clean_rows(&mut self, rows: std::ops::Range<usize>) -> Result<(), TraceError> {
        let k = self.k;
        for x in &mut self.mix[rows.start * k..rows.end * k] {
            if !x.is_finite() {
                return Err(TraceError::Singular);
            }
            *x = x.clamp(0.0, 1.0);
        }
        Ok(())
    }
}

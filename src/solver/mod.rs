//! Min-cost flow by the primal network simplex, with a dual-simplex warm start.
//!
//! Role: the allocation step of every simulated time step. The network
//! module builds a [`Topology`] once (nodes, arcs); each time step then calls
//! [`NetworkSimplex::solve_warm`] with that step's supplies, capacities and
//! costs. No I/O, no randomness, no allocation inside a solve, std only.
//!
//! Inputs: `supply[v]` (> 0 source, < 0 sink, summing to 0), `capacity[a]`
//! (`0..=cap`, lower bounds are 0, [`INFINITE`] for no limit), `cost[a]` (any
//! sign). Outputs: the optimal objective (exact, `i128`), the flow per arc
//! ([`NetworkSimplex::flows`]) and node potentials
//! ([`NetworkSimplex::potentials`]), or a typed [`SolveError`].
//!
//! # Method
//! A spanning-tree (basis) simplex on the graph extended with an artificial
//! root node and one artificial arc per node (big-M cost, unlimited
//! capacity), so the starting tree (all artificial arcs) is feasible. The tree
//! is stored as `parent`, `pred` (arc to the parent) and a preorder `thread`
//! with `depth`; a pivot rewrites only the subtree that moves. Entering arcs
//! are chosen by block search; the leaving arc is the last blocking arc
//! met from the cycle's apex, which keeps the tree strongly feasible and
//! prevents cycling in cold solves.
//!
//! Warm start keeps the last tree and bound states, recomputes the tree flows
//! for the new supplies and capacities, restores primal feasibility with dual
//! simplex pivots (the basis stays dual feasible when costs did not change),
//! then finishes with primal pivots. Any trouble there (no dual entering arc,
//! an iteration cap, an unbounded cycle) falls back to a cold solve, so the
//! warm answer is always the cold optimum.
//!
//! The dual ratio test dominates a warm solve. It scans the incidence lists
//! of the side of the cut with fewer entries, branch-free for single arcs;
//! parallel arcs (same tail and head, e.g. tranches of unserved demand at
//! rising penalties) are grouped in runs kept sorted by cost, so a whole run
//! is settled by one candidate.
//! Node and arc indices of the graph are `u32` (smaller cache footprint).
//!
//! # Invariants
//! * After every pivot: tree arcs have reduced cost 0 (`pi` are tree path
//!   sums), `thread` is a preorder of the tree rooted at the artificial root,
//!   `depth` matches `parent`.
//! * On return `Ok`, every real arc has `0 <= flow <= capacity`, flow is
//!   conserved at every node, and the reduced cost
//!   `cost[a] + pi[tail] - pi[head]` is `>= 0` where `flow < capacity` and
//!   `<= 0` where `flow > 0` (an optimality certificate).
//!
//! # Magnitude bounds (checked at entry, [`SolveError::InvalidInput`] otherwise)
//! Let `F = sum |supply| + sum of finite capacities` and `C = max |cost|`.
//! * `F <= MAX_TOTAL_FLOW` (2^61): every flow, residual and pivot step then
//!   fits in `i64` (a basic solution's flows are bounded by `F`).
//! * `(num_nodes + 1) * (C + 1) <= MAX_COST_SCALE` (2^59): the big-M cost,
//!   potentials (at most 2 big-M in magnitude) and reduced costs (at most
//!   5 big-M) then fit in `i64`.
//! * `num_arcs * F * C <= 2^126`: the objective fits in `i128`.

mod dual;
mod prices;
mod primal;
#[cfg(test)]
mod tests;

pub use prices::{PriceScratch, UNREACHABLE};
use std::fmt;

/// Capacity value meaning "no upper bound" on an arc.
pub const INFINITE: i64 = i64::MAX;

/// Largest accepted `sum |supply| + sum of finite capacities` (2^61).
pub const MAX_TOTAL_FLOW: i64 = 1 << 61;

/// Largest accepted `(num_nodes + 1) * (max |cost| + 1)` (2^59).
pub const MAX_COST_SCALE: i64 = 1 << 59;

/// Bound on `num_arcs * F * max |cost|` so the objective fits in `i128`.
const MAX_OBJECTIVE: i128 = 1 << 126;

const NONE: usize = usize::MAX;

/// Arc states: nonbasic at its lower bound (0), in the tree, or at its upper
/// bound. Stored as the sign that turns a reduced cost into "negative means
/// eligible to enter".
const LOWER: i8 = 1;
const TREE: i8 = 0;
const UPPER: i8 = -1;

/// A fixed directed graph: the part of the problem that does not change
/// between time steps.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Topology {
    num_nodes: usize,
    tails: Vec<usize>,
    heads: Vec<usize>,
}

impl Topology {
    /// A graph with `num_nodes` nodes (indices `0..num_nodes`) and no arcs.
    pub fn new(num_nodes: usize) -> Self {
        Topology {
            num_nodes,
            tails: Vec::new(),
            heads: Vec::new(),
        }
    }

    /// Adds the arc `tail -> head` and returns its index (0, 1, 2, ...).
    ///
    /// # Panics
    /// If `tail` or `head` is not below `num_nodes()`: a programming error of
    /// the caller; use [`Topology::try_add_arc`] for unchecked input.
    pub fn add_arc(&mut self, tail: usize, head: usize) -> usize {
        match self.try_add_arc(tail, head) {
            Ok(arc) => arc,
            Err(e) => panic!("{e}"),
        }
    }

    /// Like [`Topology::add_arc`], but returns an error for an unknown node.
    pub fn try_add_arc(&mut self, tail: usize, head: usize) -> Result<usize, SolveError> {
        if tail >= self.num_nodes || head >= self.num_nodes {
            return Err(SolveError::InvalidInput(format!(
                "arc {tail} -> {head} names a node outside 0..{}",
                self.num_nodes
            )));
        }
        // The solver stores node and arc indices as u32, artificial root and
        // arcs included: nodes + 1 and arcs + nodes must stay below 2^32.
        if self.num_nodes + self.tails.len() + 1 >= u32::MAX as usize {
            return Err(SolveError::InvalidInput(format!(
                "too many nodes and arcs ({} + {}) for 32-bit indices",
                self.num_nodes,
                self.tails.len() + 1
            )));
        }
        self.tails.push(tail);
        self.heads.push(head);
        Ok(self.tails.len() - 1)
    }

    /// Number of nodes.
    pub fn num_nodes(&self) -> usize {
        self.num_nodes
    }

    /// Number of arcs.
    pub fn num_arcs(&self) -> usize {
        self.tails.len()
    }

    /// Tail (start node) of `arc`.
    pub fn tail(&self, arc: usize) -> usize {
        self.tails[arc]
    }

    /// Head (end node) of `arc`.
    pub fn head(&self, arc: usize) -> usize {
        self.heads[arc]
    }
}

/// Result of a successful solve.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Solution {
    /// `sum cost[a] * flow[a]` over the real arcs, exact.
    pub objective: i128,
    /// Simplex pivots done (primal and dual, including degenerate ones and
    /// those of a cold fallback).
    pub iterations: u64,
}

/// Why a solve produced no flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SolveError {
    /// No flow meets the supplies within the capacities.
    Infeasible,
    /// A feasible flow exists, but a negative-cost cycle of unlimited
    /// capacity makes the cost unbounded below.
    Unbounded,
    /// Wrong slice lengths, a negative capacity, supplies not summing to 0, or
    /// magnitudes beyond the documented bounds. The text says which.
    InvalidInput(String),
}

impl fmt::Display for SolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SolveError::Infeasible => write!(f, "no flow meets the supplies within the capacities"),
            SolveError::Unbounded => {
                write!(
                    f,
                    "a negative-cost cycle of unlimited capacity makes the cost unbounded"
                )
            }
            SolveError::InvalidInput(msg) => write!(f, "invalid min-cost-flow input: {msg}"),
        }
    }
}

impl std::error::Error for SolveError {}

/// Outcome of the internal simplex loops.
enum Phase {
    Done,
    Unbounded,
    /// Warm start gave up (no dual entering arc, iteration cap, unbounded):
    /// solve cold instead.
    GiveUp,
}

/// One entry of a node's incidence list.
#[derive(Clone, Copy, Debug, Default)]
struct Inc {
    arc: u32,
    /// The arc's other endpoint, seen from the list's node.
    other: u32,
    /// One past the last entry of this entry's run (index into `adj`).
    run_end: u32,
    /// The list's node is the arc's tail (kept current for the artificial
    /// arcs, whose orientation [`NetworkSimplex::init_cold`] chooses).
    out: bool,
}

/// Incidence lists of the extended graph (real arcs `0..m`, artificial arc
/// `m + v` joining node `v` and the root `n`), with parallel real arcs
/// grouped into runs; returns `(adj_start, adj, long_runs)`.
fn incidence(n: usize, src: &[u32], tgt: &[u32], m: usize) -> (Vec<usize>, Vec<Inc>, Vec<u32>) {
    let nodes = n + 1;
    // (node, run key, arc); the run key is (other endpoint, node is tail).
    // Artificial arcs change orientation between solves, so each gets a key
    // of its own (other = root, a distinct flag) and never joins a run.
    let mut items: Vec<(usize, (usize, u8), usize)> = Vec::with_capacity(2 * (m + n));
    for a in 0..m {
        let (u, v) = (src[a] as usize, tgt[a] as usize);
        items.push((u, (v, 1), a));
        if u != v {
            items.push((v, (u, 0), a));
        }
        // A self-loop is listed once: it never crosses a cut.
    }
    for v in 0..n {
        items.push((v, (n, 2), m + v));
        items.push((n, (v, 2), m + v));
    }
    // By node, then run key, then arc index: the items were made in arc
    // order, so stable counting sorts by the flag, the other endpoint and
    // the node, in that order, give it in linear time (a comparison sort
    // cost more than the rest of building a solver).
    let mut scratch = vec![(0, (0, 0), 0); items.len()];
    counting_sort(&mut items, &mut scratch, 3, |x| x.1.1 as usize);
    counting_sort(&mut items, &mut scratch, nodes, |x| x.1.0);
    counting_sort(&mut items, &mut scratch, nodes, |x| x.0);
    let mut adj_start = vec![0usize; nodes + 1];
    for &(v, _, _) in &items {
        adj_start[v + 1] += 1;
    }
    for v in 0..nodes {
        adj_start[v + 1] += adj_start[v];
    }
    let mut adj = Vec::with_capacity(items.len());
    let mut long_runs = Vec::new();
    let mut i = 0;
    while i < items.len() {
        let (v, key, _) = items[i];
        let mut j = i + 1;
        // Artificial entries (flag 2) are singletons.
        while j < items.len() && key.1 != 2 && items[j].0 == v && items[j].1 == key {
            j += 1;
        }
        if j - i > 1 {
            long_runs.push(i as u32);
        }
        for &(_, (other, flag), arc) in &items[i..j] {
            adj.push(Inc {
                arc: arc as u32,
                other: other as u32,
                run_end: j as u32,
                out: flag == 1,
            });
        }
        i = j;
    }
    (adj_start, adj, long_runs)
}

/// Stable sort of `items` by `key` (values `0..buckets`), through `scratch`
/// (as long as `items`).
fn counting_sort<T: Copy>(
    items: &mut [T],
    scratch: &mut [T],
    buckets: usize,
    key: impl Fn(&T) -> usize,
) {
    let mut start = vec![0usize; buckets + 1];
    for x in items.iter() {
        start[key(x) + 1] += 1;
    }
    for b in 0..buckets {
        start[b + 1] += start[b];
    }
    for x in items.iter() {
        let k = key(x);
        scratch[start[k]] = *x;
        start[k] += 1;
    }
    items.copy_from_slice(scratch);
}

/// Network simplex solver for one [`Topology`]; all buffers are allocated
/// once in [`NetworkSimplex::new`] and the last basis is kept for
/// [`NetworkSimplex::solve_warm`].
#[derive(Clone, Debug)]
pub struct NetworkSimplex {
    /// Real nodes; the artificial root is node `n`.
    n: usize,
    /// Real arcs; artificial arc of node `v` is arc `m + v`.
    m: usize,
    /// Arc tails and heads (u32: halves the arc arrays' cache footprint).
    src: Vec<u32>,
    tgt: Vec<u32>,
    cap: Vec<i64>,
    cost: Vec<i64>,
    flow: Vec<i64>,
    state: Vec<i8>,
    pi: Vec<i64>,
    parent: Vec<usize>,
    pred: Vec<usize>,
    /// `pred[v]` points from `v` up to `parent[v]`.
    pred_up: Vec<bool>,
    thread: Vec<usize>,
    rev_thread: Vec<usize>,
    depth: Vec<usize>,
    /// Scratch: path of a re-rooted subtree, then its new preorder.
    path: Vec<usize>,
    order: Vec<usize>,
    /// Scratch: node excesses (warm flow recomputation), cut marks (dual).
    excess: Vec<i64>,
    in_cut: Vec<bool>,
    /// Arcs incident to each node (artificial arcs included), CSR layout:
    /// node `v`'s entries are `adj[adj_start[v]..adj_start[v + 1]]`. Real
    /// arcs with the same tail and head are adjacent in the list (a *run*:
    /// parallel arcs, e.g. tranches of unserved demand at rising costs).
    adj_start: Vec<usize>,
    adj: Vec<Inc>,
    /// Starts (into `adj`) of the runs longer than one entry: the ones that
    /// [`NetworkSimplex::sort_runs`] keeps ordered by cost.
    long_runs: Vec<u32>,
    /// Every run of `adj` is sorted by the current `cost` (ascending).
    runs_sorted: bool,
    block_size: usize,
    next_arc: usize,
    /// A tree from a finished solve is available for warm start.
    has_basis: bool,
    iterations: u64,
    /// The last solve started cold (no basis, or the warm start gave up).
    was_cold: bool,
}

impl NetworkSimplex {
    /// Allocates every buffer for `topology` (copied, so the solver owns it).
    ///
    /// # Panics
    /// If `topology` has 2^32 - 1 nodes or more (arcs are limited by
    /// [`Topology::try_add_arc`]): such a graph could not be allocated anyway.
    pub fn new(topology: &Topology) -> Self {
        assert!(
            topology.num_nodes + topology.num_arcs() < u32::MAX as usize,
            "graph too large for 32-bit indices"
        );
        let n = topology.num_nodes;
        let m = topology.num_arcs();
        let nodes = n + 1;
        let arcs = m + n;
        // Node indices fit in u32 (checked by `Topology::try_add_arc` and
        // `NetworkSimplex::new`).
        let mut src = vec![0u32; arcs];
        let mut tgt = vec![0u32; arcs];
        for a in 0..m {
            src[a] = topology.tails[a] as u32;
            tgt[a] = topology.heads[a] as u32;
        }
        // Block search: about sqrt(arcs) candidates per block (LEMON's
        // default); measured on the bench network (see benches/solver.rs).
        let block_size = ((arcs as f64).sqrt().ceil() as usize).max(10);
        let (adj_start, adj, long_runs) = incidence(n, &src, &tgt, m);
        NetworkSimplex {
            n,
            m,
            src,
            tgt,
            cap: vec![0; arcs],
            cost: vec![0; arcs],
            flow: vec![0; arcs],
            state: vec![LOWER; arcs],
            pi: vec![0; nodes],
            parent: vec![NONE; nodes],
            pred: vec![NONE; nodes],
            pred_up: vec![false; nodes],
            thread: vec![0; nodes],
            rev_thread: vec![0; nodes],
            depth: vec![0; nodes],
            path: vec![0; nodes],
            order: vec![0; nodes],
            excess: vec![0; nodes],
            in_cut: vec![false; nodes],
            adj_start,
            adj,
            long_runs,
            runs_sorted: false,
            block_size,
            next_arc: 0,
            has_basis: false,
            iterations: 0,
            was_cold: false,
        }
    }

    /// Overrides the pricing block size (1 = first eligible arc, number of
    /// arcs = Dantzig's most negative reduced cost). For tuning only.
    pub fn set_block_size(&mut self, block_size: usize) {
        self.block_size = block_size.max(1);
    }

    /// Flow on each real arc after the last successful solve.
    pub fn flows(&self) -> &[i64] {
        &self.flow[..self.m]
    }

    /// Node potentials (duals, "prices") of the last solve: with them every
    /// arc's reduced cost `cost[a] + pi[tail] - pi[head]` is `>= 0` where
    /// `flow < capacity` and `<= 0` where `flow > 0`.
    pub fn potentials(&self) -> &[i64] {
        &self.pi[..self.n]
    }

    /// Whether the last solve ran from the cold starting basis (always for
    /// [`NetworkSimplex::solve`]; for `solve_warm` when there was no basis
    /// or the warm start gave up). For diagnostics and benchmarks.
    pub fn last_solve_was_cold(&self) -> bool {
        self.was_cold
    }

    /// Solves from scratch (cold start).
    pub fn solve(
        &mut self,
        supply: &[i64],
        capacity: &[i64],
        cost: &[i64],
    ) -> Result<Solution, SolveError> {
        let big_m = self.validate(supply, capacity, cost)?;
        self.iterations = 0;
        self.cold(supply, capacity, cost, big_m)
    }

    /// Solves a problem on the same topology, starting from the previous
    /// optimal tree when there is one (cold start otherwise). The answer is
    /// the same optimum a cold [`NetworkSimplex::solve`] finds.
    pub fn solve_warm(
        &mut self,
        supply: &[i64],
        capacity: &[i64],
        cost: &[i64],
    ) -> Result<Solution, SolveError> {
        let big_m = self.validate(supply, capacity, cost)?;
        self.iterations = 0;
        if !self.has_basis {
            return self.cold(supply, capacity, cost, big_m);
        }
        self.was_cold = false;
        match self.warm(supply, capacity, cost, big_m) {
            Phase::Done => self.finish(),
            Phase::Unbounded | Phase::GiveUp => self.cold(supply, capacity, cost, big_m),
        }
    }

    /// Checks lengths, signs, balance and the magnitude bounds; returns the
    /// big-M cost of the artificial arcs.
    fn validate(&self, supply: &[i64], capacity: &[i64], cost: &[i64]) -> Result<i64, SolveError> {
        let (n, m) = (self.n, self.m);
        if supply.len() != n || capacity.len() != m || cost.len() != m {
            return Err(SolveError::InvalidInput(format!(
                "expected {n} supplies and {m} capacities and costs, got {}, {} and {}",
                supply.len(),
                capacity.len(),
                cost.len()
            )));
        }
        let mut balance: i128 = 0;
        let mut total: i128 = 0;
        for &s in supply {
            balance += s as i128;
            total += (s as i128).abs();
        }
        if balance != 0 {
            return Err(SolveError::InvalidInput(format!(
                "supplies sum to {balance}, not 0"
            )));
        }
        // One branch-free pass (this runs before every solve); the message
        // is built on the cold path.
        let (min_cap, finite_total) = capacity.iter().fold((0i64, 0i128), |(lo, t), &c| {
            (lo.min(c), t + if c == INFINITE { 0 } else { c as i128 })
        });
        if min_cap < 0 {
            let (a, c) = capacity
                .iter()
                .enumerate()
                .find(|&(_, &c)| c < 0)
                .map_or((0, min_cap), |(a, &c)| (a, c));
            return Err(SolveError::InvalidInput(format!(
                "arc {a} has negative capacity {c}"
            )));
        }
        total += finite_total;
        if total > MAX_TOTAL_FLOW as i128 {
            return Err(SolveError::InvalidInput(format!(
                "sum of |supply| and finite capacities is {total}, above {MAX_TOTAL_FLOW}"
            )));
        }
        let c_max = cost.iter().map(|c| c.unsigned_abs()).max().unwrap_or(0) as i128;
        let scale = (n as i128 + 1) * (c_max + 1);
        if scale > MAX_COST_SCALE as i128 {
            return Err(SolveError::InvalidInput(format!(
                "(nodes + 1) * (max |cost| + 1) is {scale}, above {MAX_COST_SCALE}"
            )));
        }
        // total <= 2^61 and c_max <= 2^59, so the product of the two fits in
        // i128; the arc count multiplies last, checked.
        let obj = (m as i128).checked_mul(total * c_max);
        if obj.is_none_or(|o| o > MAX_OBJECTIVE) {
            return Err(SolveError::InvalidInput(
                "arcs * flow total * max |cost| exceeds 2^126 (objective overflow)".into(),
            ));
        }
        // Any cycle through the root uses two artificial arcs (2 big-M) and
        // at most n real arcs, so big-M > n * C / 2 makes artificial flow
        // never pay off when a feasible flow exists. scale fits in i64.
        Ok(scale as i64)
    }

    /// Cold solve; on an unbounded cycle, decides between `Unbounded` and
    /// `Infeasible` with a zero-cost feasibility solve.
    fn cold(
        &mut self,
        supply: &[i64],
        capacity: &[i64],
        cost: &[i64],
        big_m: i64,
    ) -> Result<Solution, SolveError> {
        self.was_cold = true;
        self.init_cold(supply, capacity, cost, false, big_m);
        match self.primal(u64::MAX) {
            Phase::Done => self.finish(),
            Phase::Unbounded | Phase::GiveUp => {
                // Unbounded only if some flow is feasible at all: check that
                // with every real cost 0 (then no cycle is negative).
                self.init_cold(supply, capacity, cost, true, (self.n as i64) + 1);
                let _ = self.primal(u64::MAX);
                self.has_basis = false;
                if self.artificial_flow() {
                    Err(SolveError::Infeasible)
                } else {
                    Err(SolveError::Unbounded)
                }
            }
        }
    }

    /// Optimal basis reached: report infeasibility or the objective.
    fn finish(&mut self) -> Result<Solution, SolveError> {
        self.has_basis = true;
        if self.artificial_flow() {
            return Err(SolveError::Infeasible);
        }
        let objective = (0..self.m)
            .map(|a| self.cost[a] as i128 * self.flow[a] as i128)
            .sum();
        Ok(Solution {
            objective,
            iterations: self.iterations,
        })
    }

    fn artificial_flow(&self) -> bool {
        self.flow[self.m..].iter().any(|&f| f != 0)
    }

    /// Starting basis: every node hangs from the root by its artificial arc,
    /// oriented so the arc carries the node's supply with nonnegative flow
    /// (zero-supply nodes point up, which keeps the tree strongly feasible).
    // Node v and its artificial arc m + v are indexed together.
    #[allow(clippy::needless_range_loop)]
    fn init_cold(
        &mut self,
        supply: &[i64],
        capacity: &[i64],
        cost: &[i64],
        zero_cost: bool,
        big_m: i64,
    ) {
        let (n, m) = (self.n, self.m);
        let root = n;
        self.cap[..m].copy_from_slice(capacity);
        if zero_cost {
            self.cost[..m].fill(0);
        } else {
            self.cost[..m].copy_from_slice(cost);
        }
        self.runs_sorted = false;
        self.flow[..m].fill(0);
        self.state[..m].fill(LOWER);
        self.pi[root] = 0;
        self.parent[root] = NONE;
        self.pred[root] = NONE;
        self.depth[root] = 0;
        for v in 0..n {
            let e = m + v;
            self.cap[e] = INFINITE;
            self.cost[e] = big_m;
            self.state[e] = TREE;
            self.parent[v] = root;
            self.pred[v] = e;
            self.depth[v] = 1;
            if supply[v] >= 0 {
                self.src[e] = v as u32;
                self.tgt[e] = root as u32;
                self.flow[e] = supply[v];
                self.pred_up[v] = true;
                self.pi[v] = -big_m;
            } else {
                self.src[e] = root as u32;
                self.tgt[e] = v as u32;
                self.flow[e] = -supply[v];
                self.pred_up[v] = false;
                self.pi[v] = big_m;
            }
        }
        // Artificial entries: last in each node's list, and the root's list
        // holds only them, in node order (see `incidence`).
        for v in 0..n {
            let up = self.pred_up[v];
            let i = self.adj_start[v + 1] - 1;
            self.adj[i].out = up;
            self.adj[self.adj_start[n] + v].out = !up;
        }
        // Thread: root, 0, 1, ..., n-1, back to root.
        let mut prev = root;
        for v in 0..n {
            self.thread[prev] = v;
            self.rev_thread[v] = prev;
            prev = v;
        }
        self.thread[prev] = root;
        self.rev_thread[root] = prev;
        self.next_arc = 0;
    }
}

//! One time step: random factors applied to the plan, the market cleared,
//! storage moved, origins traced, prices read off, the step's numbers
//! recorded.
//!
//! An [`Engine`] belongs to one policy's [`Network`] and one worker; all its
//! buffers are allocated once, and the solver warm-starts from the previous
//! step's basis. Inputs: the step index, that step's [`Draws`] and the
//! storage [`State`]; output: a [`StepOut`] (overwritten each step).
//!
//! The step problem maximises welfare written as a min-cost flow: demand
//! not bought costs its willingness to pay, firm demand not delivered its
//! curtailment value, gas kept in storage earns its water value
//! (docs/model.md, "The market of one step"). Node prices are the marginal
//! cost of one more MWh of demand at each node ([`crate::solver`]'s
//! `marginal_costs`).
//!
//! The work is split by phase: [`lists`] resolves once what each arc is for
//! the passes that need it, [`prepare`] fills the solver's integer inputs,
//! [`record`] books the solved flows and traces origins.
//!
//! Speed: the arcs each pass needs are listed by kind once in
//! [`Engine::new`] (in ascending arc order, so every floating-point sum adds
//! its terms in the same order as a pass over all arcs would), integer
//! costs are recomputed only when the plan's costs or the price draw change
//! (storage level arcs, whose water values change every step, apart), and
//! rounding uses casts where they are provably identical to
//! `f64::round`/`floor`. No allocation happens inside [`Engine::step`].

mod lists;
mod prepare;
mod record;

use crate::network::{LEVEL_BANDS, Network, StepPlan};
use crate::scenario::{Model, Solidarity, Target};
use crate::solver::{NetworkSimplex, PriceScratch, SolveError, UNREACHABLE};
use crate::trace::{TraceError, Tracer};
use lists::ArcLists;

/// Flows are integers in MWh; capacities in GWh are scaled by this.
pub const MWH_PER_GWH: f64 = 1000.0;
/// Costs are integers in cents per MWh.
pub const COST_SCALE: f64 = 100.0;
/// Weather weight by sector: heating demand moves fully, power by half,
/// industry not at all.
pub const WEATHER_WEIGHT: [f64; 3] = [1.0, 0.0, 0.5];

/// Why a step could not be computed. These indicate a bug or numbers
/// beyond the documented bounds, never ordinary shortage.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    #[error("allocation failed at step {step}: {source}")]
    Solve {
        step: usize,
        #[source]
        source: SolveError,
    },
    #[error("origin tracing failed at step {step}: {source}")]
    Trace {
        step: usize,
        #[source]
        source: TraceError,
    },
    #[error("a quantity at step {step} is not finite or exceeds the solver's bounds ({what})")]
    Numeric { step: usize, what: &'static str },
}

/// Random factors of one step, shared by all policies of a trial.
#[derive(Debug, Clone, Default)]
pub struct Draws {
    /// Standardised monthly weather anomaly per node.
    pub weather: Vec<f64>,
    /// Relative change of heating-sensitive demand per node from the
    /// day-to-day weather and spells (0 in a step that is a whole month
    /// without spells; `super::weather`).
    pub daily: Vec<f64>,
    /// Available share of each pipeline, origin and node's LNG terminals.
    pub pipeline: Vec<f64>,
    pub origin: Vec<f64>,
    pub lng_terminal: Vec<f64>,
    /// Available share of an origin's deliveries to one buyer, per pair of
    /// `sim::supplier::cut_pairs` (disruptions with `buyers`).
    pub delivery: Vec<f64>,
    /// Multiplier on the competing LNG market's demand and on spot prices.
    pub lng_market: f64,
    pub price: f64,
}

impl Draws {
    /// No uncertainty: every factor at its expected value.
    pub fn neutral(model: &Model) -> Draws {
        Draws {
            weather: vec![0.0; model.nodes.len()],
            daily: vec![0.0; model.nodes.len()],
            pipeline: vec![1.0; model.pipelines.len()],
            origin: vec![1.0; model.origins.len()],
            lng_terminal: vec![1.0; model.nodes.len()],
            delivery: vec![1.0; super::supplier::cut_pairs(model).len()],
            lng_market: 1.0,
            price: 1.0,
        }
    }
}

/// What a trial carries from step to step: storage and how far demand
/// has adapted to the prices so far.
#[derive(Debug, Clone)]
pub struct State {
    /// Level per node, GWh: the gas the market can move.
    pub level: Vec<f64>,
    /// Gas in the storage scheduled events withhold from the market, per
    /// node, GWh (in the volume [`StepPlan::withheld`] of the step before).
    pub withheld: Vec<f64>,
    /// Origin mix of each node's storage, row-major nodes × countries.
    pub mix: Vec<f64>,
    /// Per node and sector: the reference demand as a share of the file's
    /// (1 until lasting prices move it, see `DemandCurve::adapt`).
    pub memory: Vec<[f64; 3]>,
}

impl State {
    pub fn initial(model: &Model, net: &Network) -> State {
        let nc = net.countries.len();
        let mut mix = vec![0.0; model.nodes.len() * nc];
        let level = model
            .nodes
            .iter()
            .enumerate()
            .map(|(n, node)| {
                // Gas in storage at the start is taken as the node's own
                // country's for want of history; the first winter dilutes it.
                mix[n * nc + net.node_country[n]] = 1.0;
                node.storage
                    .as_ref()
                    .map_or(0.0, |s| s.volume * s.initial_fill)
            })
            .collect();
        let nn = model.nodes.len();
        State {
            level,
            withheld: vec![0.0; nn],
            mix,
            memory: vec![[1.0; 3]; nn],
        }
    }

    /// Storage at `fill` of each node's working volume in step `t`, demand
    /// memory `memory` (for the valuation, which needs no mix).
    pub fn at_fill(
        model: &Model,
        net: &Network,
        t: usize,
        fill: f64,
        memory: &[[f64; 3]],
    ) -> State {
        State {
            level: (0..model.nodes.len())
                .map(|n| {
                    if net.store[n].is_some() {
                        fill * net.steps[t].storage[n][0]
                    } else {
                        0.0
                    }
                })
                .collect(),
            // The valuation leaves withheld gas out: it values the market's
            // part of the storage only.
            withheld: vec![0.0; model.nodes.len()],
            mix: Vec::new(),
            memory: memory.to_vec(),
        }
    }

    /// Move gas between the market's part of each storage and the part
    /// scheduled events withhold, when the withheld volume of `plan`'s
    /// step differs from `before`'s (the step before; `None` at the first
    /// step, when nothing is withheld yet). Gas is taken in proportion: a
    /// part newly withheld takes its share of the market's gas, a part
    /// released brings back its share of the withheld gas (the gas keeps
    /// the node's storage mix).
    fn withhold(&mut self, before: Option<&StepPlan>, plan: &StepPlan) {
        for (n, &v) in plan.withheld.iter().enumerate() {
            let v0 = before.map_or(0.0, |b| b.withheld[n]);
            if v == v0 {
                continue;
            }
            let moved = if v > v0 {
                // The market's volume before the change: its part now plus
                // what it loses.
                let market = plan.storage[n][0] + (v - v0);
                let level = self.level[n].clamp(0.0, market);
                if market > 0.0 {
                    level * (v - v0) / market
                } else {
                    0.0
                }
            } else {
                -self.withheld[n] * (v0 - v) / v0
            };
            self.level[n] -= moved;
            self.withheld[n] += moved;
        }
    }
}

/// Floor and ceiling of the demand memory: lasting high prices cut the
/// reference demand to a quarter at most, and prices below the reference
/// price do not raise it above the file's demand (that demand was built
/// under the prices before the horizon; docs/model.md).
pub const MEMORY_RANGE: (f64, f64) = (0.25, 1.0);

/// What one step produced, per node unless said otherwise. GWh unless said.
#[derive(Debug, Clone, Default)]
pub struct StepOut {
    /// Demand at the reference price after weather, per sector.
    pub demand: Vec<[f64; 3]>,
    /// Demand not bought because the price rose above its value, per sector.
    pub response: Vec<[f64; 3]>,
    /// Firm demand not delivered, per sector.
    pub curtailment: Vec<[f64; 3]>,
    /// Consumption (demand − response − curtailment) by tracing column,
    /// nodes × countries.
    pub consumption: Vec<f64>,
    /// Node price, EUR/MWh: the marginal cost of one more MWh of demand at
    /// the node, at most the price cap.
    pub price: Vec<f64>,
    /// Gas entering each node straight from dependency-country origins.
    pub direct_dependency: Vec<f64>,
    /// LNG regasified at each node (part of `imports`).
    pub lng: Vec<f64>,
    /// Share of this step's LNG pool from dependency-country origins: the
    /// dependency part of `lng[n]` is `lng[n] * lng_dependency_share`.
    pub lng_dependency_share: f64,
    /// LNG bought by the competing market, GWh, and its price, EUR/MWh
    /// (NaN without `[lng_market]`).
    pub competing_lng: f64,
    pub competing_price: f64,
    /// Gas entering from outside the node (imports incl. LNG and contracts).
    pub imports: Vec<f64>,
    pub exports: Vec<f64>,
    pub production: Vec<f64>,
    pub injection: Vec<f64>,
    pub withdrawal: Vec<f64>,
    /// Storage level at the end of the step and working volume.
    pub level: Vec<f64>,
    pub volume: Vec<f64>,
    /// Required fill at the end of the step (fraction), NaN without a target.
    pub target: Vec<f64>,
    /// Money paid for gas and transport, EUR, per node (by where it lands).
    pub cost: Vec<f64>,
    /// Flow on each pipeline (all arcs: forward, reverse, rights and the
    /// contracts it carries), GWh, and its dependency-origin part.
    pub pipeline_flow: Vec<f64>,
    pub pipeline_dependency: Vec<f64>,
    /// Volume taken under each contract, GWh.
    pub contract_taken: Vec<f64>,
    /// Volume each contract's buyer must pay for whether taken or not this
    /// step, GWh: the take-or-pay part of what the seller could deliver
    /// (an outage on the route or at the seller excuses the buyer).
    pub contract_owed: Vec<f64>,
    /// Solver iterations of this step (for benchmarks).
    pub iterations: u64,
}

impl StepOut {
    fn new(model: &Model, nc: usize) -> StepOut {
        let nn = model.nodes.len();
        let np = model.pipelines.len();
        let z = |k: usize| vec![0.0; k];
        StepOut {
            demand: vec![[0.0; 3]; nn],
            response: vec![[0.0; 3]; nn],
            curtailment: vec![[0.0; 3]; nn],
            consumption: z(nn * nc),
            price: z(nn),
            direct_dependency: z(nn),
            lng: z(nn),
            lng_dependency_share: 0.0,
            competing_lng: 0.0,
            competing_price: f64::NAN,
            imports: z(nn),
            exports: z(nn),
            production: z(nn),
            injection: z(nn),
            withdrawal: z(nn),
            level: z(nn),
            volume: z(nn),
            target: vec![f64::NAN; nn],
            cost: z(nn),
            pipeline_flow: z(np),
            pipeline_dependency: z(np),
            contract_taken: z(model.contracts.len()),
            contract_owed: z(model.contracts.len()),
            iterations: 0,
        }
    }

    /// Demand served by node (GWh): demand − response − curtailment.
    pub fn served(&self, n: usize) -> f64 {
        (0..3)
            .map(|s| (self.demand[n][s] - self.response[n][s] - self.curtailment[n][s]).max(0.0))
            .sum()
    }
}

/// `x.round() as i64` (half away from zero, saturating), without the libm
/// call. For `|x| < 2^52` the truncation `i` is exact and `x - i` is the
/// exact fractional part (it has no more significant bits than `x`), so
/// comparing it with ±0.5 decides the rounding exactly; larger magnitudes
/// and NaN take the library path.
#[inline]
pub(crate) fn round_i64(x: f64) -> i64 {
    if x.abs() < 4_503_599_627_370_496.0 {
        let i = x as i64;
        let frac = x - i as f64;
        if frac >= 0.5 {
            i + 1
        } else if frac <= -0.5 {
            i - 1
        } else {
            i
        }
    } else {
        x.round() as i64
    }
}

/// Solves steps of one policy's network.
pub struct Engine<'a> {
    model: &'a Model,
    net: &'a Network,
    solver: NetworkSimplex,
    tracer: Tracer,
    prices: PriceScratch,
    /// Marginal cost per graph node of the last solve, cents/MWh.
    marginal: Vec<i64>,
    supply: Vec<i64>,
    cap: Vec<i64>,
    cost: Vec<i64>,
    /// Capacity after random factors, GWh (before integer rounding).
    capf: Vec<f64>,
    flow: Vec<f64>,
    external: Vec<f64>,
    edges: Vec<(u32, u32, f64)>,
    lng_mix: Vec<f64>,
    /// Upper limit the national-first rule puts on an arc this step, MWh
    /// (`i64::MAX`: none); `limited` lists the arcs that have one.
    export_limit: Vec<i64>,
    limited: Vec<usize>,
    /// Curtailment per node, MWh (national-first scratch).
    short: Vec<i64>,
    /// Rounded demand per node and sector, MWh, of the prepared step.
    demand_mwh: Vec<[i64; 3]>,
    /// Each demand tranche's MWh per sector in the prepared step (layout of
    /// `ArcLists::tranche_base`), to split what is not bought by sector.
    tranche_part: Vec<[i64; 3]>,
    lists: ArcLists,
    /// (cost class, price draw bits) the integer costs were computed for.
    cost_key: Option<(usize, u64)>,
    /// Price of each arc, EUR/MWh, for the same key as the integer costs.
    price: Vec<f64>,
    /// Random factors of the prepared step, laid out as `ArcLists::factor`
    /// indexes them.
    factors: Vec<f64>,
    /// Water values per step (the network's table, or the valuation's
    /// work in progress).
    water: Vec<[f64; LEVEL_BANDS]>,
    /// Whether any scheduled event withholds storage (else the per-step
    /// withholding pass is skipped).
    withholds: bool,
    pub out: StepOut,
}

impl<'a> Engine<'a> {
    pub fn new(model: &'a Model, net: &'a Network) -> Engine<'a> {
        let na = net.arcs.len();
        let nn = model.nodes.len();
        let nc = net.countries.len();
        let lists = ArcLists::new(model, net);
        let factors = 2
            + model.origins.len()
            + model.pipelines.len()
            + nn
            + lists.long_routes.len()
            + 2 * lists.pairs.len();
        Engine {
            model,
            net,
            solver: NetworkSimplex::new(&net.topology),
            tracer: Tracer::new(nn, nc),
            prices: PriceScratch::default(),
            marginal: vec![0; net.topology.num_nodes()],
            supply: vec![0; net.topology.num_nodes()],
            cap: vec![0; na],
            cost: vec![0; na],
            price: vec![0.0; na],
            capf: vec![0.0; na],
            flow: vec![0.0; na],
            external: vec![0.0; nn * nc],
            edges: Vec::with_capacity(na),
            lng_mix: vec![0.0; nc],
            export_limit: vec![i64::MAX; na],
            limited: Vec::with_capacity(na),
            short: vec![0; nn],
            demand_mwh: vec![[0; 3]; nn],
            tranche_part: vec![[0; 3]; lists.tranche_count],
            lists,
            cost_key: None,
            factors: Vec::with_capacity(factors),
            water: net.water.clone(),
            withholds: model
                .events
                .iter()
                .any(|e| matches!(e.target, Target::Storage(_))),
            out: StepOut::new(model, nc),
        }
    }

    pub fn network(&self) -> &Network {
        self.net
    }

    /// Continue where `other` stands, as if this engine had solved the
    /// steps `other` did: its solver's basis (the next step's warm start)
    /// and its last step's output. Only for a network that plans those
    /// steps as `other`'s does ([`Network::steps_in_common`]). Everything
    /// else an engine holds is rebuilt by every step, except the integer
    /// costs, which are kept per cost class of the engine's own network:
    /// they are recomputed on the next step.
    pub fn take_over(&mut self, other: &Engine<'a>) {
        debug_assert_eq!(self.net.topology, other.net.topology);
        self.solver.clone_from(&other.solver);
        self.out.clone_from(&other.out);
        self.cost_key = None;
    }

    /// Use `values` as the water values at the end of step `t` (for the
    /// valuation, which finds them step by step).
    pub fn set_water(&mut self, t: usize, values: [f64; LEVEL_BANDS]) {
        self.water[t] = values;
    }

    /// Integer capacities, costs and supplies of the last prepared step
    /// (for export to LP files).
    pub fn problem(&self) -> (&[i64], &[i64], &[i64]) {
        (&self.supply, &self.cap, &self.cost)
    }

    /// Flows of the last solved step, integer MWh per arc: the solution of
    /// the problem [`Engine::problem`] returns.
    pub fn int_flows(&self) -> &[i64] {
        self.solver.flows()
    }

    /// Flows of the last solved step, GWh per arc.
    pub fn flows(&self) -> &[f64] {
        &self.flow
    }

    /// Marginal cost of one more MWh at every graph node after the last
    /// solve, cents/MWh ([`UNREACHABLE`] where nothing more can come).
    pub fn marginal_costs(&self) -> &[i64] {
        &self.marginal
    }

    /// The interval of dual prices of every graph node after the last
    /// solve, relative to the super source, cents/MWh: (left, right)
    /// derivatives of the optimum in the node's demand ([`UNREACHABLE`] or
    /// its negative where unbounded). The dual is unique where they meet.
    /// Allocates: for checks and exports, not the hot loop.
    pub fn dual_intervals(&self) -> (Vec<i64>, Vec<i64>) {
        let n = self.net.topology.num_nodes();
        let mut scratch = PriceScratch::default();
        let (mut up, mut down) = (vec![0; n], vec![0; n]);
        self.solver
            .marginal_costs(self.net.source, &mut up, &mut scratch);
        self.solver
            .marginal_costs_to(self.net.source, &mut down, &mut scratch);
        let left = down
            .iter()
            .map(|&d| if d == UNREACHABLE { -UNREACHABLE } else { -d })
            .collect();
        (left, up)
    }

    /// Objective of the last solve in EUR (values of demand not bought,
    /// curtailment and water values of stored gas included).
    pub fn objective_eur(&self) -> f64 {
        self.objective() as f64 / COST_SCALE
    }

    /// Exact objective of the last solve, cents.
    pub fn objective(&self) -> i128 {
        self.solver
            .flows()
            .iter()
            .zip(&self.cost)
            .map(|(&f, &c)| i128::from(f) * i128::from(c))
            .sum()
    }

    /// Prepare and solve step `t` (national-first rounds included), without
    /// recording: the optimum's objective is in [`Engine::objective`].
    /// `cold` solves the first round from scratch.
    pub fn solve(
        &mut self,
        t: usize,
        draws: &Draws,
        state: &State,
        cold: bool,
    ) -> Result<(), StepError> {
        for &a in &self.limited {
            self.export_limit[a] = i64::MAX;
        }
        self.limited.clear();
        self.prepare(t, draws, state)?;
        let mut iterations = 0;
        // National-first: a node that is curtailed may not export. Cut the
        // exports of nodes that export while curtailed by their
        // curtailment (the gas stays home and serves their own demand; any
        // surplus still flows on) and solve again. Each round lowers at
        // least one limit; the round count is bounded.
        let national = self.net.steps[t].solidarity == Solidarity::NationalFirst;
        let max_rounds = self.model.nodes.len() + 1;
        for round in 0..max_rounds {
            let sol = if cold && round == 0 {
                self.solver.solve(&self.supply, &self.cap, &self.cost)
            } else {
                self.solver.solve_warm(&self.supply, &self.cap, &self.cost)
            }
            .map_err(|source| StepError::Solve { step: t, source })?;
            iterations += sol.iterations;
            // No new limits after the last solve: `problem()` must describe
            // the problem whose solution the flows are.
            if !national || round + 1 == max_rounds || !self.close_exports_of_short_nodes() {
                break;
            }
        }
        self.out.iterations = iterations;
        Ok(())
    }

    /// Solve step `t`, move storage, trace origins, read prices, fill
    /// `self.out`.
    pub fn step(&mut self, t: usize, draws: &Draws, state: &mut State) -> Result<(), StepError> {
        // The first step of a run starts cold: a trial's result must not
        // depend on which trial this worker solved before (with ties, the
        // optimum a warm start reaches depends on its basis).
        if self.withholds {
            let steps = &self.net.steps;
            state.withhold(t.checked_sub(1).map(|p| &steps[p]), &steps[t]);
        }
        self.solve(t, draws, state, t == 0)?;
        for (f, &x) in self.flow.iter_mut().zip(self.solver.flows()) {
            *f = x as f64 / MWH_PER_GWH;
        }
        self.solver
            .marginal_costs(self.net.source, &mut self.marginal, &mut self.prices);
        let cap = self.model.market.price_cap;
        let to_price = |c: i64| {
            if c == UNREACHABLE {
                cap
            } else {
                (c as f64 / COST_SCALE).min(cap)
            }
        };
        for n in 0..self.model.nodes.len() {
            self.out.price[n] = to_price(self.marginal[self.net.node(n)]);
        }
        self.adapt_demand(t, state);
        self.out.competing_price = if self.model.lng.is_some() {
            to_price(self.marginal[self.net.competing])
        } else {
            f64::NAN
        };
        self.record(t, state)
    }

    /// Move each sector's demand memory towards what the long-run curve
    /// gives at this step's price: m ← m + (1 − e^(−days/τ)) · (target − m),
    /// target = (price / reference price)^adapt.
    fn adapt_demand(&self, t: usize, state: &mut State) {
        let market = &self.model.market;
        let Some(p0) = market.reference_price else {
            return;
        };
        let rate = 1.0 - (-self.net.steps[t].days / market.adjustment_days).exp();
        if rate <= 0.0 {
            return;
        }
        for (n, node) in self.model.nodes.iter().enumerate() {
            let price = self.out.price[n].max(1e-3);
            for s in 0..3 {
                let e = node.curve.adapt[s];
                if e != 0.0 {
                    let target = (price / p0).powf(e).clamp(MEMORY_RANGE.0, MEMORY_RANGE.1);
                    let m = &mut state.memory[n][s];
                    *m += rate * (target - *m);
                }
            }
        }
    }

    /// Limit the exports of nodes that are curtailed while exporting to
    /// what they export minus their curtailment; true if any limit changed.
    ///
    /// Closing such arcs outright would strand gas: once the node is served
    /// its surplus could no longer reach anyone downstream, and national-
    /// first would cut more demand in total than the gas available implies.
    fn close_exports_of_short_nodes(&mut self) -> bool {
        let flows = self.solver.flows();
        let short = &mut self.short;
        short.iter_mut().for_each(|x| *x = 0);
        for &(a, node, _, _) in &self.lists.curtail {
            short[node] += flows[a];
        }
        let mut changed = false;
        for &(a, n) in &self.lists.node_to_node {
            if short[n] > 0 && flows[a] > 0 {
                let keep = short[n].min(flows[a]);
                short[n] -= keep;
                let limit = flows[a] - keep;
                if self.export_limit[a] == i64::MAX {
                    self.limited.push(a);
                }
                self.export_limit[a] = limit;
                self.cap[a] = self.cap[a].min(limit);
                changed = true;
            }
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::round_i64;

    /// The cast-based rounding must agree with `f64::round` bit for bit,
    /// including the halfway cases, the largest value below 0.5 (where
    /// `x + 0.5` would round up), the 2^52 boundary, and values the cast
    /// saturates or cannot represent.
    #[test]
    fn round_i64_matches_library_rounding() {
        let two52 = 4_503_599_627_370_496.0_f64;
        let mut xs = vec![
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.5,
            -1.5,
            2.5,
            -2.5,
            0.49999999999999994,
            -0.49999999999999994,
            two52 - 0.5,
            -(two52 - 0.5),
            two52,
            two52 + 1.0,
            1e300,
            -1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            f64::MIN_POSITIVE,
        ];
        // A deterministic sweep over magnitudes and fractions.
        let mut s: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..100_000 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let mag = 10f64.powi((s % 17) as i32 - 2);
            let x = ((s >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * mag;
            xs.push(x);
            xs.push(x.trunc() + 0.5);
            xs.push(x.trunc() - 0.5);
        }
        for x in xs {
            assert_eq!(round_i64(x), x.round() as i64, "x = {x:e}");
        }
    }
}

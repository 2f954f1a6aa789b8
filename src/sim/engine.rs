//! One time step: random factors applied to the plan, the allocation
//! solved, storage moved, origins traced, the step's numbers recorded.
//!
//! An [`Engine`] belongs to one policy's [`Network`] and one worker; all its
//! buffers are allocated once, and the solver warm-starts from the previous
//! step's basis. Inputs: the step index, that step's [`Draws`] and the
//! storage [`State`]; output: a [`StepOut`] (overwritten each step).
//!
//! Speed: the arcs each pass needs are listed by kind once in
//! [`Engine::new`] (in ascending arc order, so every floating-point sum adds
//! its terms in the same order as a pass over all arcs would), integer
//! costs are recomputed only when the plan's costs or the price draw change,
//! and rounding uses casts where they are provably identical to
//! `f64::round`/`floor`. No allocation happens inside [`Engine::step`].

use crate::network::{ArcKind, Network, TRANCHES};
use crate::scenario::{Endpoint, Model, OriginKind, Solidarity};
use crate::solver::{NetworkSimplex, SolveError};
use crate::trace::{TraceError, Tracer};

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
    /// Standardised weather anomaly per node.
    pub weather: Vec<f64>,
    /// Available share of each pipeline, origin and node's LNG terminals.
    pub pipeline: Vec<f64>,
    pub origin: Vec<f64>,
    pub lng_terminal: Vec<f64>,
    /// Multiplier on LNG available to the region and on spot prices.
    pub lng_market: f64,
    pub price: f64,
}

impl Draws {
    /// No uncertainty: every factor at its expected value.
    pub fn neutral(model: &Model) -> Draws {
        Draws {
            weather: vec![0.0; model.nodes.len()],
            pipeline: vec![1.0; model.pipelines.len()],
            origin: vec![1.0; model.origins.len()],
            lng_terminal: vec![1.0; model.nodes.len()],
            lng_market: 1.0,
            price: 1.0,
        }
    }
}

/// Storage carried from step to step.
#[derive(Debug, Clone)]
pub struct State {
    /// Level per node, GWh.
    pub level: Vec<f64>,
    /// Origin mix of each node's storage, row-major nodes × countries.
    pub mix: Vec<f64>,
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
        State { level, mix }
    }
}

/// What one step produced, per node unless said otherwise. GWh unless said.
#[derive(Debug, Clone, Default)]
pub struct StepOut {
    pub demand: Vec<[f64; 3]>,
    pub unserved: Vec<[f64; 3]>,
    /// Consumption (served demand) by tracing column, nodes × countries.
    pub consumption: Vec<f64>,
    /// Gas entering each node straight from dependency-country origins.
    pub direct_dependency: Vec<f64>,
    /// LNG regasified at each node (part of `imports`).
    pub lng: Vec<f64>,
    /// Share of this step's LNG pool from dependency-country origins: the
    /// dependency part of `lng[n]` is `lng[n] * lng_dependency_share`.
    pub lng_dependency_share: f64,
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

/// `x.round() as i64` (half away from zero, saturating), without the libm
/// call. For `|x| < 2^52` the truncation `i` is exact and `x - i` is the
/// exact fractional part (it has no more significant bits than `x`), so
/// comparing it with ±0.5 decides the rounding exactly; larger magnitudes
/// and NaN take the library path.
#[inline]
fn round_i64(x: f64) -> i64 {
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

/// What `record` does with the flow of one arc, resolved once from the arc
/// kind, the pipeline's endpoints and the tracing columns.
#[derive(Debug, Clone, Copy)]
enum Rec {
    /// Pipeline or rights arc from an origin into node `to`.
    FromOrigin {
        pipeline: usize,
        to: usize,
        country: usize,
    },
    /// Pipeline or rights arc between two nodes.
    Between {
        pipeline: usize,
        from: usize,
        to: usize,
    },
    Contract {
        contract: usize,
        take_or_pay: bool,
    },
    Regas(usize),
    Production(usize),
    Withdraw(usize),
    Inject(usize),
    Unserved {
        node: usize,
        sector: usize,
    },
}

/// Arc indices by the passes that need them, each list ascending.
#[derive(Debug, Default)]
struct ArcLists {
    /// (arc, node, sector, tranche) of every unserved tranche.
    unserved: Vec<(usize, usize, usize, usize)>,
    /// (arc, sending node) of every arc from one node to another.
    node_to_node: Vec<(usize, usize)>,
    /// (arc, pipeline, sending node) of pipeline and rights arcs between nodes.
    pipeline_between: Vec<(usize, usize, usize)>,
    /// (arc, contract) of take-or-pay tranches.
    take_or_pay: Vec<(usize, usize)>,
    /// (arc, origin) of LNG supply arcs.
    lng_supply: Vec<(usize, usize)>,
    /// (arc, node) of regasification arcs.
    regas: Vec<(usize, usize)>,
    /// Arcs whose flow `record` books, with what to do.
    record: Vec<(usize, Rec)>,
    /// Tracing columns that count as dependency, ascending.
    dependency: Vec<usize>,
    /// (arc, kind) of storage withdrawal and injection arcs.
    storage: Vec<(usize, ArcKind)>,
    /// Per arc: the two entries of the step's factor vector (see
    /// `Engine::prepare`) its planned capacity is multiplied by.
    factor: Vec<(u32, u32)>,
    /// Per step: the first step with bit-identical `cost` and `price`
    /// vectors among the run of equal steps ending here.
    cost_class: Vec<usize>,
}

impl ArcLists {
    fn new(model: &Model, net: &Network) -> ArcLists {
        let nn = model.nodes.len();
        let node_of =
            |g: usize| (g >= net.node_base && g < net.node_base + nn).then(|| g - net.node_base);
        let mut l = ArcLists::default();
        // Factor vector layout: 1.0, LNG market, origins, pipelines, LNG
        // terminals per node.
        let (no, np) = (model.origins.len(), model.pipelines.len());
        let origin = |o: usize| (2 + o) as u32;
        let pipe = |p: usize| (2 + no + p) as u32;
        let terminal = |n: usize| (2 + no + np + n) as u32;
        for (a, arc) in net.arcs.iter().enumerate() {
            l.factor.push(match arc.kind {
                ArcKind::OriginSupply(o) => (origin(o), 0),
                ArcKind::Pipeline { pipeline, .. } | ArcKind::Rights { pipeline, .. } => {
                    (pipe(pipeline), 0)
                }
                ArcKind::Contract { contract, .. } => {
                    let k = &model.contracts[contract];
                    let f = match k.route {
                        Some(r) => pipe(r),
                        None if model.origins[k.seller].kind == OriginKind::Lng => {
                            terminal(k.buyer)
                        }
                        None => 0,
                    };
                    (f, origin(k.seller))
                }
                ArcKind::Regas(n) => (terminal(n), 0),
                ArcKind::LngPool => (1, 0),
                // Set from demand and storage, or the plan's capacity as is.
                _ => (0, 0),
            });
            if matches!(arc.kind, ArcKind::Withdraw { .. } | ArcKind::Inject { .. }) {
                l.storage.push((a, arc.kind));
            }
            let (from, to) = (node_of(arc.tail), node_of(arc.head));
            if let (Some(f), Some(_)) = (from, to) {
                l.node_to_node.push((a, f));
            }
            let rec = match arc.kind {
                ArcKind::Pipeline { pipeline, .. } | ArcKind::Rights { pipeline, .. } => {
                    if let Some(f) = from {
                        l.pipeline_between.push((a, pipeline, f));
                    }
                    // A pipeline arc that does not end at a node, or leaves
                    // neither an origin nor a node, cannot be built by the
                    // network compiler; such an arc would book nothing.
                    match (model.pipelines[pipeline].from, from, to) {
                        (Endpoint::Origin(o), None, Some(to)) => Some(Rec::FromOrigin {
                            pipeline,
                            to,
                            country: net.origin_country[o],
                        }),
                        (_, Some(from), Some(to)) => Some(Rec::Between { pipeline, from, to }),
                        _ => None,
                    }
                }
                ArcKind::Contract {
                    contract,
                    take_or_pay,
                } => {
                    if take_or_pay {
                        l.take_or_pay.push((a, contract));
                    }
                    Some(Rec::Contract {
                        contract,
                        take_or_pay,
                    })
                }
                ArcKind::LngSupply(o) => {
                    l.lng_supply.push((a, o));
                    None
                }
                ArcKind::Regas(n) => {
                    l.regas.push((a, n));
                    Some(Rec::Regas(n))
                }
                ArcKind::Production(n) => Some(Rec::Production(n)),
                ArcKind::Withdraw { node, .. } => Some(Rec::Withdraw(node)),
                ArcKind::Inject { node, .. } => Some(Rec::Inject(node)),
                ArcKind::Unserved {
                    node,
                    sector,
                    tranche,
                } => {
                    l.unserved.push((a, node, sector, tranche));
                    Some(Rec::Unserved { node, sector })
                }
                ArcKind::OriginSupply(_)
                | ArcKind::CapGate(_)
                | ArcKind::LngPool
                | ArcKind::Bypass => None,
            };
            if let Some(r) = rec {
                l.record.push((a, r));
            }
        }
        l.dependency = (0..net.countries.len())
            .filter(|&c| net.dependency[c])
            .collect();
        let same = |x: &[f64], y: &[f64]| {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| a.to_bits() == b.to_bits())
        };
        l.cost_class = Vec::with_capacity(net.steps.len());
        for (t, s) in net.steps.iter().enumerate() {
            let class = match t.checked_sub(1).map(|p| &net.steps[p]) {
                Some(p) if same(&s.cost, &p.cost) && same(&s.price, &p.price) => {
                    l.cost_class[t - 1]
                }
                _ => t,
            };
            l.cost_class.push(class);
        }
        l
    }
}

/// Solves steps of one policy's network.
pub struct Engine<'a> {
    model: &'a Model,
    net: &'a Network,
    solver: NetworkSimplex,
    tracer: Tracer,
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
    /// Shortage per node, MWh (national-first scratch).
    short: Vec<i64>,
    /// Rounded demand per node and sector, MWh, of the prepared step.
    demand_mwh: Vec<[i64; 3]>,
    lists: ArcLists,
    /// (cost class, price draw bits) the integer costs were computed for.
    cost_key: Option<(usize, u64)>,
    /// Price of each arc, EUR/MWh, for the same key as the integer costs.
    price: Vec<f64>,
    /// Random factors of the prepared step, laid out as `ArcLists::factor`
    /// indexes them.
    factors: Vec<f64>,
    pub out: StepOut,
}

impl<'a> Engine<'a> {
    pub fn new(model: &'a Model, net: &'a Network) -> Engine<'a> {
        let na = net.arcs.len();
        let nn = model.nodes.len();
        let nc = net.countries.len();
        let np = model.pipelines.len();
        Engine {
            model,
            net,
            solver: NetworkSimplex::new(&net.topology),
            tracer: Tracer::new(nn, nc),
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
            lists: ArcLists::new(model, net),
            cost_key: None,
            factors: Vec::with_capacity(2 + model.origins.len() + np + nn),
            out: StepOut {
                demand: vec![[0.0; 3]; nn],
                unserved: vec![[0.0; 3]; nn],
                consumption: vec![0.0; nn * nc],
                direct_dependency: vec![0.0; nn],
                lng: vec![0.0; nn],
                lng_dependency_share: 0.0,
                imports: vec![0.0; nn],
                exports: vec![0.0; nn],
                production: vec![0.0; nn],
                injection: vec![0.0; nn],
                withdrawal: vec![0.0; nn],
                level: vec![0.0; nn],
                volume: vec![0.0; nn],
                target: vec![f64::NAN; nn],
                cost: vec![0.0; nn],
                pipeline_flow: vec![0.0; np],
                pipeline_dependency: vec![0.0; np],
                contract_taken: vec![0.0; model.contracts.len()],
                contract_owed: vec![0.0; model.contracts.len()],
                iterations: 0,
            },
        }
    }

    pub fn network(&self) -> &Network {
        self.net
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

    /// Objective of the last solve in EUR (penalties included).
    pub fn objective_eur(&self) -> f64 {
        self.solver
            .flows()
            .iter()
            .zip(&self.cost)
            .map(|(&f, &c)| f as f64 * c as f64)
            .sum::<f64>()
            / COST_SCALE
    }

    /// Fill the solver's inputs for step `t` (no solve).
    pub fn prepare(&mut self, t: usize, draws: &Draws, state: &State) -> Result<(), StepError> {
        let plan = &self.net.steps[t];
        let model = self.model;
        let nn = model.nodes.len();
        let out = &mut self.out;
        // Demand after weather.
        for n in 0..nn {
            let z = draws.weather[n] * model.nodes[n].weather_sensitivity;
            for ((d, &base), w) in out.demand[n]
                .iter_mut()
                .zip(&plan.demand[n])
                .zip(WEATHER_WEIGHT)
            {
                *d = (base * (1.0 + z * w)).max(0.0);
            }
        }
        // Storage capacities this step.
        for n in 0..nn {
            out.volume[n] = plan.storage[n][0];
            out.target[n] = plan.rules[n].target.unwrap_or(f64::NAN);
        }
        // Integer costs depend only on the plan's cost and price vectors
        // and the price draw: recompute them when that key changes (the
        // values would be the same; skipping keeps the pass off the hot
        // path). The first non-finite cost is remembered so that errors are
        // reported in the order of a single pass over the arcs.
        let key = (self.lists.cost_class[t], draws.price.to_bits());
        let mut bad_cost = None;
        if self.cost_key != Some(key) {
            self.cost_key = None;
            let shock = draws.price - 1.0;
            for (a, (ci, p)) in self.cost.iter_mut().zip(&mut self.price).enumerate() {
                let cost = plan.cost[a] + plan.price[a] * shock;
                if !cost.is_finite() {
                    bad_cost = Some(a);
                    break;
                }
                *p = cost;
                *ci = round_i64(cost * COST_SCALE);
            }
            if bad_cost.is_none() {
                self.cost_key = Some(key);
            }
        }
        let numeric = |a: usize| {
            let what = match bad_cost {
                Some(b) if b < a => "cost",
                _ => "capacity",
            };
            StepError::Numeric { step: t, what }
        };

        // Demand and unserved tranches are rounded consistently so that
        // unserved arcs can always cover all demand.
        for (dm, d) in self.demand_mwh.iter_mut().zip(&out.demand) {
            *dm = d.map(|x| round_i64(x * MWH_PER_GWH));
        }
        // Capacities after random factors. Arcs whose capacity is the plan's
        // times draws multiply by two entries of `factors` (1.0 where a kind
        // has fewer factors: exact), in the same order as `base * f * g`.
        let f = &mut self.factors;
        f.clear();
        f.push(1.0);
        f.push(draws.lng_market);
        // Exactly as many entries as the layout assumes (longer draws are
        // read from the front, as indexing them would).
        f.extend_from_slice(&draws.origin[..model.origins.len()]);
        f.extend_from_slice(&draws.pipeline[..model.pipelines.len()]);
        f.extend_from_slice(&draws.lng_terminal[..nn]);
        for ((c, &base), &(i, j)) in self.capf.iter_mut().zip(&plan.cap).zip(&self.lists.factor) {
            *c = base * f[i as usize] * f[j as usize];
        }
        for &(a, node, sector, _) in &self.lists.unserved {
            self.capf[a] = out.demand[node][sector] / TRANCHES as f64;
        }
        let mut inj_total = 0.0;
        for &(a, kind) in &self.lists.storage {
            self.capf[a] = match kind {
                ArcKind::Withdraw { node, emergency } => {
                    let (v, _, w) = (
                        plan.storage[node][0],
                        plan.storage[node][1],
                        plan.storage[node][2],
                    );
                    let level = state.level[node].min(v).max(0.0);
                    let knee = model.nodes[node].storage.as_ref().map_or(0.4, |s| s.knee);
                    let fill = if v > 0.0 { level / v } else { 0.0 };
                    let deliver = level.min(
                        w * if knee > 0.0 {
                            (fill / knee).min(1.0)
                        } else {
                            1.0
                        },
                    );
                    let planned = (level - plan.rules[node].floor * v).clamp(0.0, deliver);
                    if emergency {
                        deliver - planned
                    } else {
                        planned
                    }
                }
                ArcKind::Inject { node, target } => {
                    let (v, i) = (plan.storage[node][0], plan.storage[node][1]);
                    let level = state.level[node].min(v).max(0.0);
                    let room = (v - level).min(i).max(0.0);
                    let to_target = plan.rules[node]
                        .target
                        .map_or(0.0, |t| (t * v - level).clamp(0.0, room));
                    let c = if target {
                        to_target
                    } else if plan.rules[node].seasonal {
                        room - to_target
                    } else {
                        0.0
                    };
                    inj_total += c;
                    c
                }
                _ => 0.0,
            };
        }
        let bypass = self.net.arcs.len() - 1;
        debug_assert!(matches!(self.net.arcs[bypass].kind, ArcKind::Bypass));
        self.capf[bypass] = inj_total;

        // Integers: every capacity rounds down (never invents gas). A
        // truncating cast is floor for c >= 0; below 0 both give a value
        // <= 0, which `max(0)` turns into 0 either way.
        for (a, (ci, &c)) in self.cap.iter_mut().zip(&self.capf).enumerate() {
            if !c.is_finite() || c > 1e12 {
                return Err(numeric(a));
            }
            *ci = ((c * MWH_PER_GWH) as i64).max(0);
        }
        // Unserved tranches instead split each sector's rounded demand
        // exactly (so they cover it, and no sector can be cut by more than
        // its demand).
        for &(a, node, sector, tranche) in &self.lists.unserved {
            let d = self.demand_mwh[node][sector];
            let k = TRANCHES as i64;
            let j = tranche as i64;
            self.cap[a] = (d * (j + 1) / k - d * j / k).max(0);
        }
        if bad_cost.is_some() {
            return Err(numeric(usize::MAX));
        }
        for &a in &self.limited {
            self.cap[a] = self.cap[a].min(self.export_limit[a]);
        }

        for v in self.supply.iter_mut() {
            *v = 0;
        }
        let mut total: i64 = 0;
        for (n, dm) in self.demand_mwh.iter().enumerate() {
            // The same rounding as the unserved tranches, sector by sector.
            let di: i64 = dm.iter().sum();
            self.supply[self.net.node(n)] = -di;
            total += di;
        }
        let inj = self.cap[bypass];
        self.supply[self.net.sink] = -inj;
        self.supply[self.net.source] = total + inj;
        Ok(())
    }

    /// Solve step `t`, move storage, trace origins, fill `self.out`.
    pub fn step(&mut self, t: usize, draws: &Draws, state: &mut State) -> Result<(), StepError> {
        for &a in &self.limited {
            self.export_limit[a] = i64::MAX;
        }
        self.limited.clear();
        self.prepare(t, draws, state)?;
        let mut iterations = 0;
        // National-first: a node that is short may not export. Cut the
        // exports of nodes that export while cut by their shortage (the gas
        // stays home and serves their own demand; any surplus still flows
        // on) and solve again. Each round lowers at least one limit; the
        // round count is bounded.
        let national = self.net.steps[t].solidarity == Solidarity::NationalFirst;
        let max_rounds = self.model.nodes.len() + 1;
        for round in 0..max_rounds {
            // The first step of a run starts cold: a trial's result must not
            // depend on which trial this worker solved before (with ties,
            // the optimum a warm start reaches depends on its basis).
            let sol = if t == 0 && round == 0 {
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
        for (f, &x) in self.flow.iter_mut().zip(self.solver.flows()) {
            *f = x as f64 / MWH_PER_GWH;
        }
        self.record(t, state)
    }

    /// Limit the exports of nodes that are short while exporting to what
    /// they export minus their shortage; true if any limit changed.
    ///
    /// Closing such arcs outright would strand gas: once the node is served
    /// its surplus could no longer reach anyone downstream, and national-
    /// first would cut more demand in total than the gas available implies.
    fn close_exports_of_short_nodes(&mut self) -> bool {
        let flows = self.solver.flows();
        let short = &mut self.short;
        short.iter_mut().for_each(|x| *x = 0);
        for &(a, node, _, _) in &self.lists.unserved {
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

    fn record(&mut self, t: usize, state: &mut State) -> Result<(), StepError> {
        let model = self.model;
        let net = self.net;
        let plan = &net.steps[t];
        let nn = model.nodes.len();
        let nc = net.countries.len();
        let out = &mut self.out;
        for n in 0..nn {
            out.unserved[n] = [0.0; 3];
            out.direct_dependency[n] = 0.0;
            out.lng[n] = 0.0;
            out.imports[n] = 0.0;
            out.exports[n] = 0.0;
            out.production[n] = 0.0;
            out.injection[n] = 0.0;
            out.withdrawal[n] = 0.0;
            out.cost[n] = 0.0;
        }
        out.pipeline_flow.iter_mut().for_each(|x| *x = 0.0);
        out.pipeline_dependency.iter_mut().for_each(|x| *x = 0.0);
        out.contract_taken.iter_mut().for_each(|x| *x = 0.0);
        out.contract_owed.iter_mut().for_each(|x| *x = 0.0);
        let lists = &self.lists;
        for &(a, contract) in &lists.take_or_pay {
            out.contract_owed[contract] += self.capf[a];
        }
        self.external.iter_mut().for_each(|x| *x = 0.0);
        self.edges.clear();
        // LNG pool mix: what the LNG origins put in.
        self.lng_mix.iter_mut().for_each(|x| *x = 0.0);
        let mut lng_total = 0.0;
        for &(a, o) in &lists.lng_supply {
            self.lng_mix[net.origin_country[o]] += self.flow[a];
            lng_total += self.flow[a];
        }
        if lng_total > 0.0 {
            self.lng_mix.iter_mut().for_each(|x| *x /= lng_total);
        }
        let lng_dep: f64 = lists.dependency.iter().map(|&c| self.lng_mix[c]).sum();
        out.lng_dependency_share = lng_dep;
        // This step's prices, EUR/MWh: `plan.cost + plan.price * (draws.price
        // - 1)`, computed by `prepare` for the same plan and draw.
        let price = |a: usize| self.price[a];
        for &(a, rec) in &lists.record {
            let f = self.flow[a];
            if f <= 0.0 {
                continue;
            }
            match rec {
                Rec::FromOrigin {
                    pipeline,
                    to,
                    country: c,
                } => {
                    out.pipeline_flow[pipeline] += f;
                    self.external[to * nc + c] += f;
                    out.imports[to] += f;
                    out.cost[to] += f * price(a) * 1e3;
                    if net.dependency[c] {
                        out.direct_dependency[to] += f;
                        out.pipeline_dependency[pipeline] += f;
                    }
                }
                Rec::Between { pipeline, from, to } => {
                    out.pipeline_flow[pipeline] += f;
                    self.edges.push((from as u32, to as u32, f));
                    out.exports[from] += f;
                    out.imports[to] += f;
                    out.cost[to] += f * price(a) * 1e3;
                }
                Rec::Contract {
                    contract,
                    take_or_pay,
                } => {
                    let k = &model.contracts[contract];
                    let c = net.origin_country[k.seller];
                    self.external[k.buyer * nc + c] += f;
                    out.imports[k.buyer] += f;
                    out.contract_taken[contract] += f;
                    // The take-or-pay part costs nothing at the margin (it
                    // is paid anyway) but it is paid: count its price.
                    let paid = if take_or_pay {
                        plan.cost[a] + k.price
                    } else {
                        price(a)
                    };
                    out.cost[k.buyer] += f * paid * 1e3;
                    if net.dependency[c] {
                        out.direct_dependency[k.buyer] += f;
                    }
                    if let Some(r) = k.route {
                        out.pipeline_flow[r] += f;
                        if net.dependency[c] {
                            out.pipeline_dependency[r] += f;
                        }
                    }
                }
                Rec::Regas(n) => {
                    for c in 0..nc {
                        self.external[n * nc + c] += f * self.lng_mix[c];
                    }
                    out.imports[n] += f;
                    out.lng[n] += f;
                    out.direct_dependency[n] += f * lng_dep;
                    out.cost[n] += f * price(a) * 1e3;
                }
                Rec::Production(n) => {
                    self.external[n * nc + net.node_country[n]] += f;
                    out.production[n] += f;
                    out.cost[n] += f * price(a) * 1e3;
                }
                Rec::Withdraw(node) => {
                    for c in 0..nc {
                        self.external[node * nc + c] += f * state.mix[node * nc + c];
                    }
                    out.withdrawal[node] += f;
                }
                Rec::Inject(node) => out.injection[node] += f,
                Rec::Unserved { node, sector } => out.unserved[node][sector] += f,
            }
        }
        // LNG spot cost spread over the regasifying nodes.
        if lng_total > 0.0 {
            let lng_cost: f64 = lists
                .lng_supply
                .iter()
                .map(|&(a, _)| self.flow[a] * price(a) * 1e3)
                .sum();
            for &(a, n) in &lists.regas {
                out.cost[n] += lng_cost * self.flow[a] / lng_total;
            }
        }
        self.tracer
            .trace(&self.external, &self.edges)
            .map_err(|source| StepError::Trace { step: t, source })?;
        // Flows between nodes carry the sending node's traced mix.
        for &(a, pipeline, from) in &lists.pipeline_between {
            if self.flow[a] > 0.0 {
                let mix = self.tracer.mix(from);
                let dep: f64 = lists.dependency.iter().map(|&c| mix[c]).sum();
                out.pipeline_dependency[pipeline] += self.flow[a] * dep;
            }
        }
        for n in 0..nn {
            let mix = self.tracer.mix(n);
            let served: f64 = (0..3)
                .map(|s| (out.demand[n][s] - out.unserved[n][s]).max(0.0))
                .sum();
            for (c, &x) in out.consumption[n * nc..(n + 1) * nc].iter_mut().zip(mix) {
                *c = served * x;
            }
            // Storage: withdrawals leave the mix as it was; injections bring
            // the node's pool mix in.
            let old = state.level[n];
            let kept = (old - out.withdrawal[n]).max(0.0);
            let new = kept + out.injection[n];
            if new > 0.0 {
                for (m, &x) in state.mix[n * nc..(n + 1) * nc].iter_mut().zip(mix) {
                    *m = (kept * *m + out.injection[n] * x) / new;
                }
            }
            state.level[n] = new;
            out.level[n] = new;
        }
        Ok(())
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

//! One time step: random factors applied to the plan, the allocation
//! solved, storage moved, origins traced, the step's numbers recorded.
//!
//! An [`Engine`] belongs to one policy's [`Network`] and one worker; all its
//! buffers are allocated once, and the solver warm-starts from the previous
//! step's basis. Inputs: the step index, that step's [`Draws`] and the
//! storage [`State`]; output: a [`StepOut`] (overwritten each step).

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
    /// (`i64::MAX`: none).
    export_limit: Vec<i64>,
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
            capf: vec![0.0; na],
            flow: vec![0.0; na],
            external: vec![0.0; nn * nc],
            edges: Vec::with_capacity(na),
            lng_mix: vec![0.0; nc],
            export_limit: vec![i64::MAX; na],
            out: StepOut {
                demand: vec![[0.0; 3]; nn],
                unserved: vec![[0.0; 3]; nn],
                consumption: vec![0.0; nn * nc],
                direct_dependency: vec![0.0; nn],
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
            for s in 0..3 {
                out.demand[n][s] = (plan.demand[n][s] * (1.0 + z * WEATHER_WEIGHT[s])).max(0.0);
            }
        }
        // Storage capacities this step.
        let mut inj_total = 0.0;
        for n in 0..nn {
            out.volume[n] = plan.storage[n][0];
            out.target[n] = plan.rules[n].target.unwrap_or(f64::NAN);
        }
        for (a, arc) in self.net.arcs.iter().enumerate() {
            let base = plan.cap[a];
            let c = match arc.kind {
                ArcKind::OriginSupply(o) => base * draws.origin[o],
                ArcKind::Pipeline { pipeline, .. } | ArcKind::Rights { pipeline, .. } => {
                    base * draws.pipeline[pipeline]
                }
                ArcKind::Contract { contract, .. } => {
                    let k = &model.contracts[contract];
                    let f = match k.route {
                        Some(r) => draws.pipeline[r],
                        None if model.origins[k.seller].kind == OriginKind::Lng => {
                            draws.lng_terminal[k.buyer]
                        }
                        None => 1.0,
                    };
                    base * f * draws.origin[k.seller]
                }
                ArcKind::Regas(n) => base * draws.lng_terminal[n],
                ArcKind::LngPool => base * draws.lng_market,
                ArcKind::Unserved { node, sector, .. } => {
                    out.demand[node][sector] / TRANCHES as f64
                }
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
                ArcKind::Bypass => 0.0, // set below
                _ => base,
            };
            self.capf[a] = c;
        }
        let bypass = self.net.arcs.len() - 1;
        debug_assert!(matches!(self.net.arcs[bypass].kind, ArcKind::Bypass));
        self.capf[bypass] = inj_total;

        // Integers. Demand and unserved tranches are rounded consistently so
        // that unserved arcs can always cover all demand.
        for v in self.supply.iter_mut() {
            *v = 0;
        }
        let mut total: i64 = 0;
        for (a, arc) in self.net.arcs.iter().enumerate() {
            let c = self.capf[a];
            if !c.is_finite() || c > 1e12 {
                return Err(StepError::Numeric {
                    step: t,
                    what: "capacity",
                });
            }
            // Unserved tranches split each sector's rounded demand exactly
            // (so they cover it, and no sector can be cut by more than its
            // demand); every other capacity rounds down (never invents gas).
            let ci = match arc.kind {
                ArcKind::Unserved {
                    node,
                    sector,
                    tranche,
                } => {
                    let d = (out.demand[node][sector] * MWH_PER_GWH).round() as i64;
                    let k = TRANCHES as i64;
                    let j = tranche as i64;
                    d * (j + 1) / k - d * j / k
                }
                _ => (c * MWH_PER_GWH).floor() as i64,
            };
            self.cap[a] = ci.max(0);
            let cost = plan.cost[a] + plan.price[a] * (draws.price - 1.0);
            if !cost.is_finite() {
                return Err(StepError::Numeric {
                    step: t,
                    what: "cost",
                });
            }
            self.cost[a] = (cost * COST_SCALE).round() as i64;
            self.cap[a] = self.cap[a].min(self.export_limit[a]);
        }
        for n in 0..nn {
            // The same rounding as the unserved tranches, sector by sector.
            let di: i64 = out.demand[n]
                .iter()
                .map(|d| (d * MWH_PER_GWH).round() as i64)
                .sum();
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
        self.export_limit.iter_mut().for_each(|c| *c = i64::MAX);
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
        self.record(t, draws, state)
    }

    /// Limit the exports of nodes that are short while exporting to what
    /// they export minus their shortage; true if any limit changed.
    ///
    /// Closing such arcs outright would strand gas: once the node is served
    /// its surplus could no longer reach anyone downstream, and national-
    /// first would cut more demand in total than the gas available implies.
    fn close_exports_of_short_nodes(&mut self) -> bool {
        let flows = self.solver.flows();
        let nn = self.model.nodes.len();
        let mut short = vec![0i64; nn];
        for (a, arc) in self.net.arcs.iter().enumerate() {
            if let ArcKind::Unserved { node, .. } = arc.kind {
                short[node] += flows[a];
            }
        }
        let mut changed = false;
        for (a, arc) in self.net.arcs.iter().enumerate() {
            let from = arc.tail.checked_sub(self.net.node_base).filter(|&n| n < nn);
            let to_node = arc.head >= self.net.node_base && arc.head < self.net.node_base + nn;
            if let Some(n) = from
                && short[n] > 0
                && to_node
                && flows[a] > 0
            {
                let keep = short[n].min(flows[a]);
                short[n] -= keep;
                let limit = flows[a] - keep;
                self.export_limit[a] = limit;
                self.cap[a] = self.cap[a].min(limit);
                changed = true;
            }
        }
        changed
    }

    fn record(&mut self, t: usize, draws: &Draws, state: &mut State) -> Result<(), StepError> {
        let model = self.model;
        let net = self.net;
        let plan = &net.steps[t];
        let nn = model.nodes.len();
        let nc = net.countries.len();
        let out = &mut self.out;
        for n in 0..nn {
            out.unserved[n] = [0.0; 3];
            out.direct_dependency[n] = 0.0;
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
        for (a, arc) in net.arcs.iter().enumerate() {
            if let ArcKind::Contract { contract, take_or_pay: true } = arc.kind {
                out.contract_owed[contract] += self.capf[a];
            }
        }
        self.external.iter_mut().for_each(|x| *x = 0.0);
        self.edges.clear();
        // LNG pool mix: what the LNG origins put in.
        self.lng_mix.iter_mut().for_each(|x| *x = 0.0);
        let mut lng_total = 0.0;
        for (a, arc) in net.arcs.iter().enumerate() {
            if let ArcKind::LngSupply(o) = arc.kind {
                self.lng_mix[net.origin_country[o]] += self.flow[a];
                lng_total += self.flow[a];
            }
        }
        if lng_total > 0.0 {
            self.lng_mix.iter_mut().for_each(|x| *x /= lng_total);
        }
        let lng_dep: f64 = (0..nc)
            .filter(|&c| net.dependency[c])
            .map(|c| self.lng_mix[c])
            .sum();
        let price = |a: usize| plan.cost[a] + plan.price[a] * (draws.price - 1.0);
        for (a, arc) in net.arcs.iter().enumerate() {
            let f = self.flow[a];
            if f <= 0.0 {
                continue;
            }
            let node_of = |g: usize| {
                (g >= net.node_base && g < net.node_base + nn).then(|| g - net.node_base)
            };
            match arc.kind {
                ArcKind::Pipeline { pipeline, .. } | ArcKind::Rights { pipeline, .. } => {
                    out.pipeline_flow[pipeline] += f;
                    let to = node_of(arc.head).expect("pipelines end at nodes");
                    match model.pipelines[pipeline].from {
                        Endpoint::Origin(o) if node_of(arc.tail).is_none() => {
                            let c = net.origin_country[o];
                            self.external[to * nc + c] += f;
                            out.imports[to] += f;
                            out.cost[to] += f * price(a) * 1e3;
                            if net.dependency[c] {
                                out.direct_dependency[to] += f;
                                out.pipeline_dependency[pipeline] += f;
                            }
                        }
                        _ => {
                            let from = node_of(arc.tail).expect("node-to-node arc");
                            self.edges.push((from as u32, to as u32, f));
                            out.exports[from] += f;
                            out.imports[to] += f;
                            out.cost[to] += f * price(a) * 1e3;
                        }
                    }
                }
                ArcKind::Contract { contract, take_or_pay } => {
                    let k = &model.contracts[contract];
                    let c = net.origin_country[k.seller];
                    self.external[k.buyer * nc + c] += f;
                    out.imports[k.buyer] += f;
                    out.contract_taken[contract] += f;
                    // The take-or-pay part costs nothing at the margin (it
                    // is paid anyway) but it is paid: count its price.
                    let paid = if take_or_pay { plan.cost[a] + k.price } else { price(a) };
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
                ArcKind::Regas(n) => {
                    for c in 0..nc {
                        self.external[n * nc + c] += f * self.lng_mix[c];
                    }
                    out.imports[n] += f;
                    out.direct_dependency[n] += f * lng_dep;
                    out.cost[n] += f * price(a) * 1e3;
                }
                ArcKind::LngSupply(_) => {
                    // LNG is paid by the nodes that regasify it, in proportion.
                }
                ArcKind::Production(n) => {
                    self.external[n * nc + net.node_country[n]] += f;
                    out.production[n] += f;
                    out.cost[n] += f * price(a) * 1e3;
                }
                ArcKind::Withdraw { node, .. } => {
                    for c in 0..nc {
                        self.external[node * nc + c] += f * state.mix[node * nc + c];
                    }
                    out.withdrawal[node] += f;
                }
                ArcKind::Inject { node, .. } => out.injection[node] += f,
                ArcKind::Unserved { node, sector, .. } => out.unserved[node][sector] += f,
                ArcKind::OriginSupply(_)
                | ArcKind::CapGate(_)
                | ArcKind::LngPool
                | ArcKind::Bypass => {}
            }
        }
        // LNG spot cost spread over the regasifying nodes.
        if lng_total > 0.0 {
            let lng_cost: f64 = net
                .arcs
                .iter()
                .enumerate()
                .filter(|(_, arc)| matches!(arc.kind, ArcKind::LngSupply(_)))
                .map(|(a, _)| self.flow[a] * price(a) * 1e3)
                .sum();
            for (a, arc) in net.arcs.iter().enumerate() {
                if let ArcKind::Regas(n) = arc.kind {
                    out.cost[n] += lng_cost * self.flow[a] / lng_total;
                }
            }
        }
        self.tracer
            .trace(&self.external, &self.edges)
            .map_err(|source| StepError::Trace { step: t, source })?;
        // Flows between nodes carry the sending node's traced mix.
        for (a, arc) in net.arcs.iter().enumerate() {
            if let ArcKind::Pipeline { pipeline, .. } | ArcKind::Rights { pipeline, .. } = arc.kind
            {
                let from = arc.tail.wrapping_sub(net.node_base);
                if self.flow[a] > 0.0 && from < nn {
                    let mix = self.tracer.mix(from);
                    let dep: f64 = (0..nc).filter(|&c| net.dependency[c]).map(|c| mix[c]).sum();
                    out.pipeline_dependency[pipeline] += self.flow[a] * dep;
                }
            }
        }
        for n in 0..nn {
            let mix = self.tracer.mix(n);
            let served: f64 = (0..3)
                .map(|s| (out.demand[n][s] - out.unserved[n][s]).max(0.0))
                .sum();
            for c in 0..nc {
                out.consumption[n * nc + c] = served * mix[c];
            }
            // Storage: withdrawals leave the mix as it was; injections bring
            // the node's pool mix in.
            let old = state.level[n];
            let kept = (old - out.withdrawal[n]).max(0.0);
            let new = kept + out.injection[n];
            if new > 0.0 {
                for c in 0..nc {
                    let m = &mut state.mix[n * nc + c];
                    *m = (kept * *m + out.injection[n] * mix[c]) / new;
                }
            }
            state.level[n] = new;
            out.level[n] = new;
        }
        Ok(())
    }
}

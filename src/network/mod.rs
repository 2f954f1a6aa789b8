//! Compile a checked scenario and one policy into an indexed network and a
//! per-step plan of its deterministic numbers.
//!
//! Input: a [`Model`] and a policy index. Output: a [`Network`] whose
//! topology is fixed for the whole run (so the solver can warm-start from
//! step to step) and whose [`StepPlan`]s hold, for every time step, the
//! capacities, costs and demands that do not depend on chance: pipeline
//! stages and online dates, scheduled events, the policy's measures. The
//! simulator multiplies these by each trial's random availability, weather
//! and price factors.
//!
//! Graph layout (docs/model.md, "Graph layout"): a super source S feeds every origin (its
//! export capacity), every node's production and storage withdrawal, and
//! the unserved-demand arcs; node demand is each node's negative supply;
//! storage injection drains into a super sink T, balanced by a free bypass
//! S → T, so the problem is always feasible and shortage is a result.
//! LNG origins feed a shared pool whose throughput is the LNG available to
//! the region, sent out through each node's regasification capacity.
//! A contract's gas enters the network at its delivery node, booking
//! capacity on the pipelines of its route on the way there; from there it
//! travels like any other gas. Owners' capacity rights are delivered to the
//! owner's home node directly (docs/model.md).
//!
//! Units: energy in GWh per step, prices in EUR/MWh.

pub mod export;
pub mod n1;
mod params;
mod plan;
pub use params::Params;

use crate::scenario::time::Day;
use crate::scenario::*;
use crate::solver::Topology;
use std::sync::Arc as Shared;

pub use crate::scenario::curve::{TRANCHE_STEP, TRANCHES};
/// Bands of the region's working volume, each with its own water value.
pub const LEVEL_BANDS: usize = 20;
/// Cost of injecting and of withdrawing gas, EUR/MWh each: compressor fuel
/// and variable storage charges, roughly 1 % of a gas price (assumption).
/// Storage cycles only when the spread pays for both.
pub const INJECTION_COST: f64 = 0.5;
pub const WITHDRAWAL_COST: f64 = 0.5;
/// Regasification send-out cost, EUR/MWh.
pub const REGAS_COST: f64 = 0.5;
/// Smallest cost of moving gas between nodes, EUR/MWh: a zero-cost loop of
/// flows would be an optimum too, and a loop with no gas entering it has no
/// origin to trace. One cent per MWh makes every loop cost something.
pub const MIN_TRANSPORT_COST: f64 = 0.01;

/// What an arc stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArcKind {
    /// S → origin: export capacity (for LNG: liquefaction, whoever buys).
    OriginSupply(usize),
    /// Region-level import cap gate for an origin country: S → gate.
    CapGate(usize),
    /// A pipeline's open capacity; `reverse` for node-to-node backflow.
    Pipeline { pipeline: usize, reverse: bool },
    /// Capacity reserved for an owner's home node (capacity rights).
    Rights {
        pipeline: usize,
        company: usize,
        node: usize,
    },
    /// Contract delivery: the take-or-pay tranche (sunk cost) or the rest.
    Contract { contract: usize, take_or_pay: bool },
    /// LNG origin → the region's LNG pool.
    LngSupply(usize),
    /// LNG origin → the competing (rest-of-world) market.
    LngCompeting(usize),
    /// LNG pool throughput (LNG-in → LNG-out).
    LngPool,
    /// S → competing market: the part of its demand tranche it does not buy.
    Competing(usize),
    /// Pool → node: regasification send-out.
    Regas(usize),
    /// S → node: domestic production.
    Production(usize),
    /// S → node: the part of demand tranche `tranche` of the node's curve
    /// not bought (demand response).
    Demand { node: usize, tranche: usize },
    /// S → node: firm demand of a sector not delivered (curtailment).
    Curtail {
        node: usize,
        sector: usize,
        tranche: usize,
    },
    /// Node → its storage.
    Inject(usize),
    /// Storage → its node.
    Withdraw(usize),
    /// Storage → the storage pool: gas kept in the node's storage at the
    /// end of the step, the part below the node's fill target (worth the
    /// target's penalty) or the rest.
    Keep { node: usize, below_target: bool },
    /// Storage pool → T: gas kept in band `band` of the region's working
    /// volume at the end of the step, worth its water value.
    Level(usize),
    /// S → T: balances the working volume not filled.
    Bypass,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arc {
    pub kind: ArcKind,
    pub tail: usize,
    pub head: usize,
}

/// Deterministic numbers of one step under one policy.
#[derive(Debug, Clone, PartialEq)]
pub struct StepPlan {
    pub start: Day,
    pub days: f64,
    pub year: i32,
    pub month: u32,
    /// Capacity of each arc before random factors, GWh per step. Demand,
    /// curtailment, competing-market, storage and bypass arcs are set by
    /// the simulator, production arcs from `production`; they are 0 here.
    ///
    /// This table, `cost`, `price`, `storage`, `penalty` and `stakes` are
    /// shared with the step before where they are bit-identical to its
    /// ([`StepPlan::share_with`]): in a daily calendar most days repeat the
    /// day before (production, which trends, is kept apart for that).
    pub cap: Shared<[f64]>,
    /// Cost of each arc, EUR/MWh, of which `price` is the part that moves
    /// with the trial's price shock (border prices of spot gas). Storage
    /// level arcs are costed by the simulator from `water`.
    pub cost: Shared<[f64]>,
    pub price: Shared<[f64]>,
    /// Domestic production per node, GWh per step (the capacity of its
    /// production arc, not random).
    pub production: Vec<f64>,
    /// Demand per node and sector at the reference price, before weather,
    /// GWh per step.
    pub demand: Vec<[f64; 3]>,
    /// The competing LNG market's demand at its reference price, GWh per
    /// step (0 without `[lng_market]`).
    pub competing: f64,
    /// Storage of each node: volume (GWh), injection and withdrawal rates
    /// (GWh per step) as the policy sets them.
    pub storage: Shared<[[f64; 3]]>,
    /// Working volume of each node withheld from the market by scheduled
    /// storage events (GWh; not in `storage`): the gas in it stays, and
    /// counts in the node's reported level and volume.
    pub withheld: Vec<f64>,
    /// Fill the policy requires at the end of the step (fraction), if any,
    /// and the cost per MWh missing from it.
    pub target: Vec<Option<f64>>,
    pub penalty: Shared<[f64]>,
    pub solidarity: Solidarity,
    /// Stake of each (pipeline, company) in force, for exposure metrics.
    pub stakes: Shared<[Vec<(usize, f64)>]>,
}

impl StepPlan {
    /// Points each shared table that is bit-identical to `prev`'s at
    /// `prev`'s copy: the values, and so every result, stay the same.
    pub fn share_with(&mut self, prev: &StepPlan) {
        fn share<T>(mine: &mut Shared<[T]>, theirs: &Shared<[T]>, same: impl Fn(&T, &T) -> bool) {
            if !Shared::ptr_eq(mine, theirs)
                && mine.len() == theirs.len()
                && mine.iter().zip(theirs.iter()).all(|(a, b)| same(a, b))
            {
                *mine = Shared::clone(theirs);
            }
        }
        let bits = |a: &f64, b: &f64| a.to_bits() == b.to_bits();
        share(&mut self.cap, &prev.cap, bits);
        share(&mut self.cost, &prev.cost, bits);
        share(&mut self.price, &prev.price, bits);
        share(&mut self.penalty, &prev.penalty, bits);
        share(&mut self.storage, &prev.storage, |a, b| {
            a.iter().zip(b).all(|(x, y)| bits(x, y))
        });
        share(&mut self.stakes, &prev.stakes, |a, b| {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.0 == y.0 && bits(&x.1, &y.1))
        });
    }
}

/// A network compiled for one policy.
#[derive(Debug, Clone)]
pub struct Network {
    pub policy: usize,
    pub topology: Topology,
    pub arcs: Vec<Arc>,
    pub source: usize,
    pub sink: usize,
    /// Graph index of model node 0; nodes are contiguous.
    pub node_base: usize,
    pub origin_base: usize,
    pub lng_in: usize,
    pub lng_out: usize,
    /// The competing LNG market's graph node.
    pub competing: usize,
    /// Graph node of each model node's storage, if it has one, and the pool
    /// all storages' end-of-step gas goes through (valued together).
    pub store: Vec<Option<usize>>,
    pub pool: usize,
    /// Origin countries and producing node countries, the tracing columns.
    pub countries: Vec<String>,
    /// Whether each tracing column counts as dependency.
    pub dependency: Vec<bool>,
    /// Tracing column of each origin and of each node's production.
    pub origin_country: Vec<usize>,
    pub node_country: Vec<usize>,
    /// Model node of each company's home country, if modelled.
    pub company_node: Vec<Option<usize>>,
    /// Forward arc of each pipeline.
    pub pipeline_arc: Vec<usize>,
    pub steps: Vec<StepPlan>,
    /// Per step: the water value of gas in each band of the region's
    /// working volume at the end of the step, EUR/MWh, non-increasing in
    /// the band (set by `sim::water::value_storage`; 0 until then).
    pub water: Vec<[f64; LEVEL_BANDS]>,
    /// Per step: each pipeline's flow in the policy's plan, GWh (set by
    /// `sim::plan`; empty until then, and when no pipeline has owners).
    pub planned_flow: Vec<Vec<f64>>,
}

/// Start day and length of each step of the scenario (its calendar:
/// `crate::scenario::calendar`).
pub fn step_starts(model: &Model) -> Vec<(Day, f64)> {
    crate::scenario::calendar::model_steps(model)
}

/// Capacity in force on `day` from a sorted stage list.
pub(crate) fn staged(stages: &[(Day, f64)], day: Day) -> f64 {
    stages
        .iter()
        .rev()
        .find(|(d, _)| *d <= day)
        .map_or(0.0, |s| s.1)
}

/// Fraction of a step [start, start+days) covered by [a, b).
pub fn overlap(start: Day, days: f64, a: Day, b: Option<Day>) -> f64 {
    let s = f64::from(start.0);
    let e = s + days;
    let lo = f64::from(a.0).max(s);
    let hi = b.map_or(e, |b| f64::from(b.0).min(e));
    ((hi - lo) / days).clamp(0.0, 1.0)
}

impl Network {
    /// Compile `model` for policy `policy`. The graph has every arc that any
    /// of the model's policies needs (an arc a policy does not use has no
    /// capacity), so all policies share one topology: where their plans
    /// agree, their problems are the same and so are their solutions,
    /// ties included, and paired differences are exactly 0.
    pub fn compile(model: &Model, policy: usize) -> Network {
        Self::compile_shaped(model, policy, &model.policies)
    }

    /// Compile with the arcs that the policies of `shape` need (the
    /// valuation compiles a model whose policies lack measures not yet
    /// announced, on the full model's topology).
    pub fn compile_shaped(model: &Model, policy: usize, shape: &[PolicyM]) -> Network {
        let mut countries: Vec<String> = Vec::new();
        let col = |c: &str, countries: &mut Vec<String>| -> usize {
            match countries.iter().position(|x| x == c) {
                Some(i) => i,
                None => {
                    countries.push(c.to_string());
                    countries.len() - 1
                }
            }
        };
        let origin_country: Vec<usize> = model
            .origins
            .iter()
            .map(|o| col(&o.country, &mut countries))
            .collect();
        let node_country: Vec<usize> = model
            .nodes
            .iter()
            .map(|n| col(&n.country, &mut countries))
            .collect();
        let dependency = countries
            .iter()
            .map(|c| model.dependency.contains(c))
            .collect();
        let company_node: Vec<Option<usize>> = model
            .companies
            .iter()
            .map(|c| {
                model
                    .nodes
                    .iter()
                    .position(|n| n.country == c.country || n.id == c.country)
            })
            .collect();

        let nn = model.nodes.len();
        let no = model.origins.len();
        let source = 0;
        let sink = 1;
        let lng_in = 2;
        let lng_out = 3;
        let competing = 4;
        let origin_base = 5;
        let node_base = origin_base + no;
        let mut store = vec![None; nn];
        let pool = node_base + nn;
        let mut next = pool + 1;
        for (n, node) in model.nodes.iter().enumerate() {
            if node.storage.is_some() {
                store[n] = Some(next);
                next += 1;
            }
        }
        // Region-level import-cap gates: one per capped country.
        let mut gate_countries: Vec<String> = Vec::new();
        for m in shape.iter().flat_map(|p| &p.measures) {
            if let MeasureKind::ImportCap {
                country,
                node: None,
                ..
            } = &m.kind
                && !gate_countries.contains(country)
            {
                gate_countries.push(country.clone());
            }
        }
        let gate_base = next;
        let mut topology = Topology::new(gate_base + gate_countries.len());
        let mut arcs = Vec::new();
        let add = |kind: ArcKind,
                   tail: usize,
                   head: usize,
                   topology: &mut Topology,
                   arcs: &mut Vec<Arc>| {
            topology.add_arc(tail, head);
            arcs.push(Arc { kind, tail, head });
        };
        for (g, _) in gate_countries.iter().enumerate() {
            add(
                ArcKind::CapGate(g),
                source,
                gate_base + g,
                &mut topology,
                &mut arcs,
            );
        }
        for (o, origin) in model.origins.iter().enumerate() {
            let tail = gate_countries
                .iter()
                .position(|c| *c == origin.country)
                .map_or(source, |g| gate_base + g);
            add(
                ArcKind::OriginSupply(o),
                tail,
                origin_base + o,
                &mut topology,
                &mut arcs,
            );
            if origin.kind == OriginKind::Lng {
                add(
                    ArcKind::LngSupply(o),
                    origin_base + o,
                    lng_in,
                    &mut topology,
                    &mut arcs,
                );
                if model.lng.is_some() {
                    add(
                        ArcKind::LngCompeting(o),
                        origin_base + o,
                        competing,
                        &mut topology,
                        &mut arcs,
                    );
                }
            }
        }
        add(ArcKind::LngPool, lng_in, lng_out, &mut topology, &mut arcs);
        if let Some(lng) = &model.lng {
            for k in 0..lng.curve.len() {
                add(
                    ArcKind::Competing(k),
                    source,
                    competing,
                    &mut topology,
                    &mut arcs,
                );
            }
        }
        let endpoint = |e: Endpoint| match e {
            Endpoint::Origin(o) => origin_base + o,
            Endpoint::Node(n) => node_base + n,
        };
        for (p, pipe) in model.pipelines.iter().enumerate() {
            let (a, b) = (endpoint(pipe.from), node_base + pipe.to);
            add(
                ArcKind::Pipeline {
                    pipeline: p,
                    reverse: false,
                },
                a,
                b,
                &mut topology,
                &mut arcs,
            );
            if pipe.reverse > 0.0 || has_field(shape, Field::PipelineReverse(p)) {
                add(
                    ArcKind::Pipeline {
                        pipeline: p,
                        reverse: true,
                    },
                    b,
                    a,
                    &mut topology,
                    &mut arcs,
                );
            }
            if pipe.capacity_rights {
                for c in owners_ever(pipe, shape, p) {
                    if let Some(home) = company_node[c]
                        && home != pipe.to
                        && Endpoint::Node(home) != pipe.from
                    {
                        add(
                            ArcKind::Rights {
                                pipeline: p,
                                company: c,
                                node: home,
                            },
                            a,
                            node_base + home,
                            &mut topology,
                            &mut arcs,
                        );
                    }
                }
            }
        }
        for (k, c) in model.contracts.iter().enumerate() {
            let active = c.in_file
                || shape
                    .iter()
                    .flat_map(|p| &p.measures)
                    .any(|m| matches!(m.kind, MeasureKind::AddContract(x) if x == k));
            if active {
                for top in [true, false] {
                    add(
                        ArcKind::Contract {
                            contract: k,
                            take_or_pay: top,
                        },
                        origin_base + c.seller,
                        node_base + c.delivery,
                        &mut topology,
                        &mut arcs,
                    );
                }
            }
        }
        for (n, &storage) in store.iter().enumerate() {
            let v = node_base + n;
            if model.nodes[n].lng_regas.iter().any(|r| r.1 > 0.0)
                || has_field(shape, Field::LngRegas(n))
            {
                add(ArcKind::Regas(n), lng_out, v, &mut topology, &mut arcs);
            }
            if model.nodes[n].production.is_some() || has_field(shape, Field::Production(n)) {
                add(ArcKind::Production(n), source, v, &mut topology, &mut arcs);
            }
            if let Some(x) = storage {
                add(ArcKind::Inject(n), v, x, &mut topology, &mut arcs);
                add(ArcKind::Withdraw(n), x, v, &mut topology, &mut arcs);
                for below_target in [true, false] {
                    add(
                        ArcKind::Keep {
                            node: n,
                            below_target,
                        },
                        x,
                        pool,
                        &mut topology,
                        &mut arcs,
                    );
                }
            }
            // Demand arcs only for sectors that can have demand.
            let node = &model.nodes[n];
            let has: [bool; 3] = std::array::from_fn(|s| {
                node.demand[s] > 0.0 || has_field(shape, Field::Demand(n, SECTORS[s]))
            });
            for (k, t) in node.curve.tranches.iter().enumerate() {
                if (0..3).any(|s| has[s] && t.1[s] > 0.0) {
                    add(
                        ArcKind::Demand {
                            node: n,
                            tranche: k,
                        },
                        source,
                        v,
                        &mut topology,
                        &mut arcs,
                    );
                }
            }
            for (sector, &has) in has.iter().enumerate() {
                if !has || node.curve.firm[sector] <= 0.0 {
                    continue;
                }
                for tranche in 0..TRANCHES {
                    add(
                        ArcKind::Curtail {
                            node: n,
                            sector,
                            tranche,
                        },
                        source,
                        v,
                        &mut topology,
                        &mut arcs,
                    );
                }
            }
        }
        if store.iter().any(Option::is_some) {
            for band in 0..LEVEL_BANDS {
                add(ArcKind::Level(band), pool, sink, &mut topology, &mut arcs);
            }
        }
        add(ArcKind::Bypass, source, sink, &mut topology, &mut arcs);

        let mut net = Network {
            policy,
            topology,
            arcs,
            source,
            sink,
            node_base,
            origin_base,
            lng_in,
            lng_out,
            competing,
            store,
            pool,
            countries,
            dependency,
            origin_country,
            node_country,
            company_node,
            pipeline_arc: Vec::new(),
            steps: Vec::new(),
            water: Vec::new(),
            planned_flow: Vec::new(),
        };
        net.pipeline_arc = (0..model.pipelines.len())
            .map(|p| {
                net.arcs
                    .iter()
                    .position(|a| {
                        a.kind
                            == ArcKind::Pipeline {
                                pipeline: p,
                                reverse: false,
                            }
                    })
                    .expect("every pipeline has a forward arc")
            })
            .collect();
        let gates: Vec<(String, f64)> = gate_countries.iter().map(|c| (c.clone(), 0.0)).collect();
        let starts = step_starts(model);
        let mut steps: Vec<StepPlan> = Vec::with_capacity(starts.len());
        for (d, len) in starts {
            let mut plan = net.plan(model, d, len, &gates);
            if let Some(prev) = steps.last() {
                plan.share_with(prev);
            }
            steps.push(plan);
        }
        net.steps = steps;
        net.water = vec![[0.0; LEVEL_BANDS]; net.steps.len()];
        net
    }

    fn rights_arc_exists(&self, pipeline: usize, company: usize) -> bool {
        self.arcs
            .iter()
            .any(|a| matches!(a.kind, ArcKind::Rights { pipeline: p, company: c, .. } if p == pipeline && c == company))
    }

    /// Graph index of model node `n`.
    pub fn node(&self, n: usize) -> usize {
        self.node_base + n
    }

    /// How many steps from the first this network plans exactly as `other`
    /// does: the same graph and, step by step, the same plan and water
    /// values. With the same draws and the same start, an engine then
    /// meets the same problems on both, so the same solutions and states.
    pub fn steps_in_common(&self, other: &Network) -> usize {
        let same_graph = self.topology == other.topology
            && self.arcs == other.arcs
            && (self.source, self.sink, self.node_base, self.origin_base)
                == (other.source, other.sink, other.node_base, other.origin_base)
            && (self.lng_in, self.lng_out, self.competing, self.pool)
                == (other.lng_in, other.lng_out, other.competing, other.pool)
            && self.store == other.store
            && self.countries == other.countries
            && self.dependency == other.dependency
            && self.origin_country == other.origin_country
            && self.node_country == other.node_country
            && self.company_node == other.company_node
            && self.pipeline_arc == other.pipeline_arc;
        if !same_graph || self.steps.len() != other.steps.len() {
            return 0;
        }
        self.steps
            .iter()
            .zip(&other.steps)
            .zip(self.water.iter().zip(&other.water))
            .take_while(|((a, b), (wa, wb))| a == b && wa == wb)
            .count()
    }
}

/// Capacity standing for "unbounded" in GWh per step: far above any real
/// flow, small enough for the solver's integer bounds after scaling.
pub const BIG: f64 = 1.0e7;

/// Storage target on `day` from a yearly trajectory ((month, day), fill):
/// linear between consecutive points; none outside the first–last window.
pub fn trajectory(points: &[((u32, u32), f64)], day: Day) -> Option<f64> {
    let (y, _, _) = day.ymd();
    let at = |(m, d): (u32, u32)| Day::from_ymd(y, m, d);
    let first = at(points.first()?.0);
    let last = at(points.last()?.0);
    if day < first || day > last {
        return None;
    }
    for w in points.windows(2) {
        let (a, b) = (at(w[0].0), at(w[1].0));
        if day >= a && day <= b {
            let t = if b.0 > a.0 {
                f64::from(day.0 - a.0) / f64::from(b.0 - a.0)
            } else {
                1.0
            };
            return Some(w[0].1 + t * (w[1].1 - w[0].1));
        }
    }
    Some(points.last()?.1)
}

/// Model node of a graph node known to be a node.
fn arc_node(net: &Network, g: usize) -> usize {
    g - net.node_base
}

/// Whether any of `pols` changes field `f`.
fn has_field(pols: &[PolicyM], f: Field) -> bool {
    pols.iter()
        .flat_map(|p| &p.measures)
        .any(|m| matches!(m.kind, MeasureKind::Adjust { field, .. } if field == f))
}

/// Every company that holds a stake in `pipe` at some time under any of
/// `pols`.
fn owners_ever(pipe: &PipelineM, pols: &[PolicyM], p: usize) -> Vec<usize> {
    let mut v: Vec<usize> = pipe.owners.iter().map(|o| o.0).collect();
    for m in pols.iter().flat_map(|p| &p.measures) {
        if let MeasureKind::Stake {
            pipeline,
            company,
            counterparty,
            ..
        } = m.kind
            && pipeline == p
        {
            v.push(company);
            v.extend(counterparty);
        }
    }
    v.sort_unstable();
    v.dedup();
    v
}

/// A fill target (share of volume) on a (month, day) of every year.
pub type DatedFill = ((u32, u32), f64);

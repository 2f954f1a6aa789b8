//! Booking a solved step: flows into the step's numbers per node, storage
//! moved, origins traced (docs/model.md, "Origin tracing").

use super::lists::Rec;
use super::{Engine, MWH_PER_GWH, State, StepError};

impl Engine<'_> {
    pub(super) fn record(&mut self, t: usize, state: &mut State) -> Result<(), StepError> {
        let model = self.model;
        let net = self.net;
        let plan = &net.steps[t];
        let nn = model.nodes.len();
        let nc = net.countries.len();
        let out = &mut self.out;
        for n in 0..nn {
            out.response[n] = [0.0; 3];
            out.curtailment[n] = [0.0; 3];
            out.direct_dependency[n] = 0.0;
            out.lng[n] = 0.0;
            out.imports[n] = 0.0;
            out.exports[n] = 0.0;
            out.production[n] = 0.0;
            out.injection[n] = 0.0;
            out.withdrawal[n] = 0.0;
            out.cost[n] = 0.0;
        }
        out.competing_lng = 0.0;
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
        let int_flow = self.solver.flows();
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
                    // The gas enters the network at the delivery node; the
                    // buyer pays for it.
                    let k = &model.contracts[contract];
                    let c = net.origin_country[k.seller];
                    self.external[k.delivery * nc + c] += f;
                    out.imports[k.delivery] += f;
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
                        out.direct_dependency[k.delivery] += f;
                    }
                    for &r in &k.route {
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
                Rec::Demand { node, base } => {
                    // What a tranche does not buy is shared by its sectors
                    // in proportion to what each put in it.
                    let parts = self.tranche_part[base];
                    let cap: i64 = parts.iter().sum();
                    if cap > 0 {
                        let x = int_flow[a] as f64 / cap as f64;
                        for (r, &part) in out.response[node].iter_mut().zip(&parts) {
                            *r += x * part as f64 / MWH_PER_GWH;
                        }
                    }
                }
                Rec::Curtail { node, sector } => out.curtailment[node][sector] += f,
                Rec::Competing => out.competing_lng += f,
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
            let served = out.served(n);
            for (c, &x) in out.consumption[n * nc..(n + 1) * nc].iter_mut().zip(mix) {
                *c = served * x;
            }
            // Storage: withdrawals leave the mix as it was; injections bring
            // the node's pool mix in.
            // The level the step started from, as the solve saw it.
            let old = state.level[n].min(plan.storage[n][0]).max(0.0);
            let kept = (old - out.withdrawal[n]).max(0.0);
            let new = kept + out.injection[n];
            if new > 0.0 {
                for (m, &x) in state.mix[n * nc..(n + 1) * nc].iter_mut().zip(mix) {
                    *m = (kept * *m + out.injection[n] * x) / new;
                }
            }
            state.level[n] = new;
            out.level[n] = new + state.withheld[n];
        }
        Ok(())
    }
}

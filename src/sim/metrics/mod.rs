//! What a trial records (docs/model.md and docs/results.md, "Metrics"):
//! the catalogue of metrics ([`catalog`]) and the per-trial reduction of
//! step results into one value per cell (policy-independent layout: node
//! or region × metric × period).
//!
//! Yearly metrics are ratios of yearly sums (a yearly share is not the mean
//! of monthly shares). Monthly series cover the region only; with daily
//! steps they aggregate the month's days. Storage on 1 November and
//! 1 February is the level at the start of the step that begins that day.

pub mod catalog;

pub use catalog::*;

use super::engine::StepOut;
use crate::network::Network;
use crate::scenario::Model;

/// Where each cell lives in a trial's value vector.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Model nodes, then the region.
    pub nodes: usize,
    pub years: Vec<i32>,
    /// (year, month) of each month of the horizon.
    pub months: Vec<(i32, u32)>,
    pub pipelines: usize,
}

impl Layout {
    pub fn new(model: &Model, net: &Network) -> Layout {
        let mut years = Vec::new();
        let mut months = Vec::new();
        for s in &net.steps {
            if years.last() != Some(&s.year) {
                years.push(s.year);
            }
            if months.last() != Some(&(s.year, s.month)) {
                months.push((s.year, s.month));
            }
        }
        Layout {
            nodes: model.nodes.len() + 1,
            years,
            months,
            pipelines: model.pipelines.len(),
        }
    }
    pub fn region(&self) -> usize {
        self.nodes - 1
    }
    pub fn yearly(&self, metric: usize, node: usize, year: usize) -> usize {
        (metric * self.nodes + node) * self.years.len() + year
    }
    fn yearly_len(&self) -> usize {
        YEARLY.len() * self.nodes * self.years.len()
    }
    pub fn monthly(&self, metric: usize, month: usize) -> usize {
        self.yearly_len() + metric * self.months.len() + month
    }
    fn monthly_len(&self) -> usize {
        MONTHLY.len() * self.months.len()
    }
    pub fn pipeline(&self, metric: usize, pipeline: usize, year: usize) -> usize {
        self.yearly_len()
            + self.monthly_len()
            + (metric * self.pipelines + pipeline) * self.years.len()
            + year
    }
    fn pipeline_len(&self) -> usize {
        PIPELINE.len() * self.pipelines * self.years.len()
    }
    /// Node-monthly cells cover the model nodes (the region's monthly
    /// values are in the monthly block).
    pub fn monthly_node(&self, metric: usize, node: usize, month: usize) -> usize {
        self.yearly_len()
            + self.monthly_len()
            + self.pipeline_len()
            + (metric * (self.nodes - 1) + node) * self.months.len()
            + month
    }
    /// Values per policy per trial.
    pub fn len(&self) -> usize {
        self.yearly_len()
            + self.monthly_len()
            + self.pipeline_len()
            + MONTHLY_NODE.len() * (self.nodes - 1) * self.months.len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn event_unserved(&self, node: usize, year: usize) -> usize {
        node * self.years.len() + year
    }
    pub fn event_storage(&self, year: usize) -> usize {
        self.nodes * self.years.len() + year
    }
    /// Curtailment above 1 % of the year's demand in at least one year.
    pub fn event_unserved_any(&self, node: usize) -> usize {
        (self.nodes + 1) * self.years.len() + node
    }
    pub fn events_len(&self) -> usize {
        (self.nodes + 1) * self.years.len() + self.nodes
    }
}

/// Per-node and region sums of one year (index `node * years + year`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sum {
    Demand,
    Response,
    Curtailment,
    CurtailProtected,
    Consumption,
    Dependency,
    Direct,
    Imports,
    Exports,
    Lng,
    /// Σ price × consumption, EUR.
    Bill,
    Cost,
    ExposureVolume,
    ExposureRevenue,
    ExposureLoss,
    TakeOrPay,
}
const SUMS: usize = 16;

/// Per-month sums of the region.
#[derive(Debug, Clone, Copy, Default)]
struct Month {
    dependency: f64,
    consumption: f64,
    curtailment: f64,
    demand: f64,
    /// End-of-month storage level, volume and target volume.
    level: f64,
    volume: f64,
    target: f64,
    bill: f64,
    /// Σ competing price × days and days (time-weighted mean).
    competing: f64,
    days: f64,
}

/// Accumulates one trial of one policy, step by step.
pub struct Recorder {
    nn: usize,
    nc: usize,
    ny: usize,
    /// Tracing columns that count as dependency, ascending (so sums over
    /// them add in the same order as a filtered pass over all columns).
    dep_cols: Vec<usize>,
    /// `SUMS` blocks of per node (incl. region) and year sums.
    sums: Vec<f64>,
    by_country: Vec<f64>,
    nov1: Vec<f64>,
    feb1: Vec<f64>,
    /// Per contract and year: volume owed under take-or-pay and taken.
    top_owed: Vec<f64>,
    top_taken: Vec<f64>,
    month: Vec<Month>,
    /// Per node and month: Σ price × consumption and Σ consumption, and
    /// Σ price × days and days (the price where nothing is consumed).
    node_month: Vec<[f64; 4]>,
    pipe_flow: Vec<f64>,
    pipe_dep: Vec<f64>,
    /// Per pipeline: (company, index of its (pipeline, home node) pair) of
    /// the owners with a modelled home; per pair: its home node, and per
    /// pair and year the stake-weighted planned and earned tariff revenue.
    owners: Vec<Vec<(usize, usize)>>,
    own_home: Vec<usize>,
    own_plan: Vec<f64>,
    own_earned: Vec<f64>,
    /// Peak-day metrics.
    pub peaks: super::peaks::Peaks,
}

impl Recorder {
    pub fn new(model: &Model, net: &Network, layout: &Layout) -> Recorder {
        let ny = layout.years.len();
        let nodes = layout.nodes;
        let z = |k: usize| vec![0.0; k];
        let (owners, own_home) = super::owners::owner_pairs(model, net);
        Recorder {
            nn: model.nodes.len(),
            nc: net.countries.len(),
            ny,
            dep_cols: (0..net.countries.len())
                .filter(|&c| net.dependency[c])
                .collect(),
            sums: z(SUMS * nodes * ny),
            by_country: z(nodes * ny * net.countries.len()),
            nov1: vec![f64::NAN; nodes * ny],
            feb1: vec![f64::NAN; nodes * ny],
            top_owed: z(model.contracts.len() * ny),
            top_taken: z(model.contracts.len() * ny),
            month: vec![Month::default(); layout.months.len()],
            node_month: vec![[0.0; 4]; model.nodes.len() * layout.months.len()],
            pipe_flow: z(model.pipelines.len() * ny),
            pipe_dep: z(model.pipelines.len() * ny),
            owners,
            own_plan: z(own_home.len() * ny),
            own_earned: z(own_home.len() * ny),
            own_home,
            peaks: super::peaks::Peaks::new(model, net, ny),
        }
    }

    pub fn reset(&mut self) {
        for v in [
            &mut self.sums,
            &mut self.by_country,
            &mut self.top_owed,
            &mut self.top_taken,
            &mut self.pipe_flow,
            &mut self.pipe_dep,
            &mut self.own_plan,
            &mut self.own_earned,
        ] {
            v.iter_mut().for_each(|x| *x = 0.0);
        }
        self.nov1.iter_mut().for_each(|x| *x = f64::NAN);
        self.feb1.iter_mut().for_each(|x| *x = f64::NAN);
        self.month.iter_mut().for_each(|x| *x = Month::default());
        self.node_month.iter_mut().for_each(|x| *x = [0.0; 4]);
        self.peaks.reset();
    }

    fn at(&self, sum: Sum, i: usize) -> usize {
        (sum as usize * (self.nn + 1)) * self.ny + i
    }

    fn get(&self, sum: Sum, i: usize) -> f64 {
        self.sums[self.at(sum, i)]
    }

    /// Storage levels before step `t` (for the 1 November / 1 February fills).
    pub fn before_step(
        &mut self,
        model: &Model,
        net: &Network,
        t: usize,
        year: usize,
        level: &[f64],
    ) {
        let plan = &net.steps[t];
        let (_, m, d) = plan.start.ymd();
        let ny = self.ny;
        let slot = match (m, d) {
            (11, 1) => &mut self.nov1,
            (2, 1) => &mut self.feb1,
            _ => return,
        };
        let (mut lv, mut vol) = (0.0, 0.0);
        for n in 0..self.nn {
            let v = plan.storage[n][0];
            if v > 0.0 && model.nodes[n].storage.is_some() {
                slot[n * ny + year] = level[n] / v;
                lv += level[n];
                vol += v;
            }
        }
        if vol > 0.0 {
            slot[self.nn * ny + year] = lv / vol;
        }
    }

    /// Add step `t`'s results.
    pub fn add_step(
        &mut self,
        model: &Model,
        net: &Network,
        t: usize,
        year: usize,
        month: usize,
        out: &StepOut,
    ) {
        let plan = &net.steps[t];
        let (nn, nc, ny) = (self.nn, self.nc, self.ny);
        let r = nn;
        let ri = r * ny + year;
        let mut mo = self.month[month];
        let mut any_target = false;
        let (mut level, mut volume, mut target) = (0.0, 0.0, 0.0);
        for n in 0..nn {
            let i = n * ny + year;
            let row = &out.consumption[n * nc..(n + 1) * nc];
            let d: f64 = out.demand[n].iter().sum();
            let resp: f64 = out.response[n].iter().sum();
            let u: f64 = out.curtailment[n].iter().sum();
            let cons: f64 = row.iter().sum();
            let dep: f64 = self.dep_cols.iter().map(|&c| row[c]).sum();
            let bill = out.price[n] * cons * 1e3;
            // Each sum goes to the node's cell and the region's.
            for (sum, x) in [
                (Sum::Demand, d),
                (Sum::Response, resp),
                (Sum::Curtailment, u),
                (Sum::CurtailProtected, out.curtailment[n][0]),
                (Sum::Consumption, cons),
                (Sum::Dependency, dep),
                (Sum::Direct, out.direct_dependency[n]),
                (Sum::Imports, out.imports[n]),
                (Sum::Exports, out.exports[n]),
                (Sum::Lng, out.lng[n]),
                (Sum::Bill, bill),
                (Sum::Cost, out.cost[n]),
            ] {
                let (a, b) = (self.at(sum, i), self.at(sum, ri));
                self.sums[a] += x;
                self.sums[b] += x;
            }
            let (node_bc, region_bc) = (i * nc, ri * nc);
            for (c, &x) in row.iter().enumerate() {
                self.by_country[node_bc + c] += x;
                self.by_country[region_bc + c] += x;
            }
            mo.dependency += dep;
            mo.consumption += cons;
            mo.curtailment += u;
            mo.demand += d;
            mo.bill += bill;
            let nm = &mut self.node_month[n * self.month.len() + month];
            nm[0] += bill;
            nm[1] += cons * 1e3;
            nm[2] += out.price[n] * plan.days;
            nm[3] += plan.days;
            any_target |= out.target[n].is_finite();
            if model.nodes[n].storage.is_some() && out.volume[n] > 0.0 {
                level += out.level[n];
                volume += out.volume[n];
                if out.target[n].is_finite() {
                    target += out.target[n] * out.volume[n];
                }
            }
        }
        // End-of-month level: the last step of the month overwrites.
        mo.level = level;
        mo.volume = volume;
        mo.target = if volume > 0.0 && any_target {
            target
        } else {
            f64::NAN
        };
        mo.competing += out.competing_price * plan.days;
        mo.days += plan.days;
        self.month[month] = mo;
        self.peaks
            .add(year, plan.days, &out.demand, &out.curtailment);
        // Pipelines: flows and ownership exposure.
        for (p, &a) in net.pipeline_arc.iter().enumerate() {
            let f = out.pipeline_flow[p];
            self.pipe_flow[p * ny + year] += f;
            self.pipe_dep[p * ny + year] += out.pipeline_dependency[p];
            let planned = net.planned_flow.get(t).map_or(0.0, |row| row[p]);
            if f <= 0.0 && planned <= 0.0 {
                continue;
            }
            let tariff = plan.cost[a] - plan.price[a];
            for &(company, stake) in &plan.stakes[p] {
                if let Some(home) = net.company_node[company] {
                    for i in [home * ny + year, r * ny + year] {
                        let (v, e) = (
                            self.at(Sum::ExposureVolume, i),
                            self.at(Sum::ExposureRevenue, i),
                        );
                        self.sums[v] += f * stake;
                        self.sums[e] += f * tariff * stake * 1e3;
                    }
                    if let Some(&(_, k)) = self.owners[p].iter().find(|x| x.0 == company) {
                        self.own_plan[k * ny + year] += planned * tariff * stake * 1e3;
                        self.own_earned[k * ny + year] += f * tariff * stake * 1e3;
                    }
                }
            }
        }
        // Take-or-pay: owed as far as the seller could deliver.
        for (k, &x) in out.contract_owed.iter().enumerate() {
            self.top_owed[k * ny + year] += x;
        }
        for (k, &x) in out.contract_taken.iter().enumerate() {
            self.top_taken[k * ny + year] += x;
        }
    }

    /// Write this trial's values into `values` (a `layout.len()` slice) and
    /// its events into `events`.
    pub fn finish(
        &mut self,
        model: &Model,
        layout: &Layout,
        values: &mut [f64],
        events: &mut [bool],
    ) {
        let ny = layout.years.len();
        let nc = self.nc;
        // Take-or-pay liabilities to buyer nodes and the region.
        for (k, c) in model.contracts.iter().enumerate() {
            for y in 0..ny {
                let short = (self.top_owed[k * ny + y] - self.top_taken[k * ny + y]).max(0.0);
                let eur = short * c.price * 1e3;
                for i in [c.buyer * ny + y, self.nn * ny + y] {
                    let a = self.at(Sum::TakeOrPay, i);
                    self.sums[a] += eur;
                }
            }
        }
        // Owners' revenue below plan, per pipeline, home and year (a year
        // above plan on one pipeline does not offset a loss on another).
        for (k, &home) in self.own_home.iter().enumerate() {
            for y in 0..ny {
                let short = (self.own_plan[k * ny + y] - self.own_earned[k * ny + y]).max(0.0);
                for i in [home * ny + y, self.nn * ny + y] {
                    let a = self.at(Sum::ExposureLoss, i);
                    self.sums[a] += short;
                }
            }
        }
        let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
        for n in 0..layout.nodes {
            for y in 0..ny {
                let i = n * ny + y;
                let g = |s: Sum| self.get(s, i);
                let cons = g(Sum::Consumption);
                let hhi = if cons > 0.0 {
                    (0..nc)
                        .map(|c| (self.by_country[i * nc + c] / cons).powi(2))
                        .sum()
                } else {
                    0.0
                };
                let region = n == layout.region();
                // The region's imports are what enters from origins: intra-
                // regional flows are one node's export and another's import.
                let imports = if region {
                    g(Sum::Imports) - g(Sum::Exports)
                } else {
                    g(Sum::Imports)
                };
                let net_imports = g(Sum::Imports) - g(Sum::Exports);
                // A price weighted by consumption needs consumption.
                let price = if cons > 0.0 {
                    g(Sum::Bill) / (cons * 1e3)
                } else {
                    f64::NAN
                };
                let vals: [f64; PEAK_FIRST] = [
                    g(Sum::Demand) / 1e3,
                    cons / 1e3,
                    g(Sum::Response) / 1e3,
                    g(Sum::Curtailment) / 1e3,
                    ratio(g(Sum::Curtailment), g(Sum::Demand)),
                    g(Sum::CurtailProtected) / 1e3,
                    ratio(g(Sum::Dependency), cons),
                    g(Sum::Dependency) / 1e3,
                    ratio(g(Sum::Direct), imports),
                    ratio(net_imports, cons),
                    hhi,
                    self.nov1[i],
                    self.feb1[i],
                    g(Sum::Lng) / 1e3,
                    price,
                    g(Sum::Bill) / 1e6,
                    g(Sum::Cost) / 1e6,
                    g(Sum::ExposureVolume) / 1e3,
                    g(Sum::ExposureRevenue) / 1e6,
                    g(Sum::ExposureLoss) / 1e6,
                    g(Sum::TakeOrPay) / 1e6,
                ];
                let peaks = self.peaks.values(n, y);
                for (k, v) in vals.into_iter().chain(peaks).enumerate() {
                    values[layout.yearly(k, n, y)] = v;
                }
                events[layout.event_unserved(n, y)] = g(Sum::Curtailment) > 0.01 * g(Sum::Demand);
            }
            events[layout.event_unserved_any(n)] =
                (0..ny).any(|y| events[layout.event_unserved(n, y)]);
        }
        for y in 0..ny {
            let f = self.feb1[layout.region() * ny + y];
            events[layout.event_storage(y)] = f.is_finite() && f < 0.30;
        }
        let nm = self.month.len();
        for (t, mo) in self.month.iter().enumerate() {
            values[layout.monthly(0, t)] = ratio(mo.dependency, mo.consumption);
            values[layout.monthly(1, t)] = if mo.volume > 0.0 {
                mo.level / mo.volume
            } else {
                f64::NAN
            };
            values[layout.monthly(2, t)] = ratio(mo.curtailment, mo.demand);
            values[layout.monthly(3, t)] = if mo.volume > 0.0 {
                mo.target / mo.volume
            } else {
                f64::NAN
            };
            values[layout.monthly(4, t)] = if mo.consumption > 0.0 {
                mo.bill / (mo.consumption * 1e3)
            } else {
                f64::NAN
            };
            values[layout.monthly(5, t)] = if mo.days > 0.0 {
                mo.competing / mo.days
            } else {
                f64::NAN
            };
            for n in 0..self.nn {
                let [bill, cons, pd, days] = self.node_month[n * nm + t];
                // Where nothing is consumed the price is the time-weighted
                // mean: a price still exists.
                values[layout.monthly_node(0, n, t)] = if cons > 0.0 {
                    bill / cons
                } else if days > 0.0 {
                    pd / days
                } else {
                    f64::NAN
                };
            }
        }
        for p in 0..layout.pipelines {
            for y in 0..ny {
                let f = self.pipe_flow[p * ny + y];
                values[layout.pipeline(0, p, y)] = f / 1e3;
                values[layout.pipeline(1, p, y)] = self.pipe_dep[p * ny + y] / 1e3;
            }
        }
    }
}

//! What a trial records (docs/model.md and docs/results.md, "Metrics"): the catalogue of metrics and the
//! per-trial reduction of step results into one value per cell
//! (policy-independent layout: node or region × metric × period).
//!
//! Yearly metrics are ratios of yearly sums (a yearly share is not the mean
//! of monthly shares). Monthly series cover the region only; with daily
//! steps they aggregate the month's days. Storage on 1 November and
//! 1 February is the level at the start of the step that begins that day.

use super::engine::StepOut;
use crate::network::Network;
use crate::scenario::Model;

/// A recorded quantity.
#[derive(Debug, Clone, Copy)]
pub struct Metric {
    pub name: &'static str,
    pub unit: &'static str,
    /// Grid of the statistics accumulator, in the metric's unit: 1e-5 for
    /// shares (0.001 percentage points), 0.1 GWh for TWh, EUR 1,000 for
    /// EUR m. Coarser grids mean fewer histogram bins once collapsed.
    pub resolution: f64,
    pub description: &'static str,
}

const fn m(
    name: &'static str,
    unit: &'static str,
    resolution: f64,
    description: &'static str,
) -> Metric {
    Metric {
        name,
        unit,
        resolution,
        description,
    }
}

/// Yearly metrics, per node and for the region.
pub const YEARLY: [Metric; 15] = [
    m(
        "demand",
        "TWh",
        1e-4,
        "gas demand after weather and policy reductions",
    ),
    m("curtailment", "TWh", 1e-4, "demand not served"),
    m(
        "curtailment_share",
        "share",
        1e-5,
        "unserved demand / demand",
    ),
    m(
        "curtailment_protected",
        "TWh",
        1e-4,
        "protected customers' demand not served",
    ),
    m(
        "dependency_share",
        "share",
        1e-5,
        "traced share of consumption from dependency countries (re-exports and storage included)",
    ),
    m(
        "dependency_twh",
        "TWh",
        1e-4,
        "consumption of gas traced to dependency countries",
    ),
    m(
        "direct_import_share",
        "share",
        1e-5,
        "share of imports that arrive straight from dependency-country origins",
    ),
    m(
        "import_dependency",
        "share",
        1e-5,
        "net imports / consumption",
    ),
    m(
        "hhi",
        "index",
        1e-5,
        "Herfindahl–Hirschman index of consumption by traced origin country (0–1)",
    ),
    m(
        "storage_fill_nov1",
        "share",
        1e-5,
        "storage level on 1 November / working volume",
    ),
    m(
        "storage_fill_feb1",
        "share",
        1e-5,
        "storage level on 1 February / working volume",
    ),
    m(
        "cost",
        "EUR m",
        1e-3,
        "money paid for gas and its transport (no penalties)",
    ),
    m(
        "exposure_volume",
        "TWh",
        1e-4,
        "gas through pipelines the node's companies co-own, weighted by stake",
    ),
    m(
        "exposure_revenue",
        "EUR m",
        1e-3,
        "tariff revenue of those pipelines, weighted by stake",
    ),
    m(
        "take_or_pay",
        "EUR m",
        1e-3,
        "take-or-pay paid for gas not taken",
    ),
];

/// Monthly metrics of the region.
pub const MONTHLY: [Metric; 4] = [
    m(
        "dependency_share",
        "share",
        1e-5,
        "traced dependency share of the month's consumption",
    ),
    m(
        "storage_fill",
        "share",
        1e-5,
        "storage level at the end of the month / working volume",
    ),
    m(
        "curtailment_share",
        "share",
        1e-5,
        "unserved / demand in the month",
    ),
    m(
        "storage_target",
        "share",
        1e-5,
        "fill required by the policy at the end of the month (NaN outside the trajectory)",
    ),
];

/// Per-pipeline yearly metrics (flow map).
pub const PIPELINE: [Metric; 2] = [
    m(
        "flow",
        "TWh",
        1e-4,
        "gas through the pipeline (contracts and reserved capacity included)",
    ),
    m(
        "flow_dependency",
        "TWh",
        1e-4,
        "of that gas, the part traced to dependency-country origins",
    ),
];

/// Events counted per node (and region) and year.
pub const EVENT_UNSERVED: &str = "curtailment_gt_1pct_annual_demand";
pub const EVENT_STORAGE_FEB: &str = "storage_below_30pct_feb1";

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
    /// Values per policy per trial.
    pub fn len(&self) -> usize {
        self.yearly_len() + self.monthly_len() + PIPELINE.len() * self.pipelines * self.years.len()
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
    pub fn events_len(&self) -> usize {
        (self.nodes + 1) * self.years.len()
    }
}

/// Accumulates one trial of one policy, step by step.
pub struct Recorder {
    nn: usize,
    nc: usize,
    /// Tracing columns that count as dependency, ascending (so sums over
    /// them add in the same order as a filtered pass over all columns).
    dep_cols: Vec<usize>,
    /// Per node (incl. region) and year: sums.
    demand: Vec<f64>,
    unserved: Vec<f64>,
    curtailment_protected: Vec<f64>,
    consumption: Vec<f64>,
    dependency: Vec<f64>,
    by_country: Vec<f64>,
    direct: Vec<f64>,
    imports: Vec<f64>,
    exports: Vec<f64>,
    cost: Vec<f64>,
    exposure_volume: Vec<f64>,
    exposure_revenue: Vec<f64>,
    take_or_pay: Vec<f64>,
    nov1: Vec<f64>,
    feb1: Vec<f64>,
    /// Per contract and year: volume owed under take-or-pay and taken.
    top_owed: Vec<f64>,
    top_taken: Vec<f64>,
    /// Per month (region): dependency, consumption, unserved, demand, level, volume, target.
    month: Vec<[f64; 7]>,
    pipe_flow: Vec<f64>,
    pipe_dep: Vec<f64>,
}

impl Recorder {
    pub fn new(model: &Model, net: &Network, layout: &Layout) -> Recorder {
        let ny = layout.years.len();
        let nodes = layout.nodes;
        let z = |k: usize| vec![0.0; k];
        Recorder {
            nn: model.nodes.len(),
            nc: net.countries.len(),
            dep_cols: (0..net.countries.len())
                .filter(|&c| net.dependency[c])
                .collect(),
            demand: z(nodes * ny),
            unserved: z(nodes * ny),
            curtailment_protected: z(nodes * ny),
            consumption: z(nodes * ny),
            dependency: z(nodes * ny),
            by_country: z(nodes * ny * net.countries.len()),
            direct: z(nodes * ny),
            imports: z(nodes * ny),
            exports: z(nodes * ny),
            cost: z(nodes * ny),
            exposure_volume: z(nodes * ny),
            exposure_revenue: z(nodes * ny),
            take_or_pay: z(nodes * ny),
            nov1: vec![f64::NAN; nodes * ny],
            feb1: vec![f64::NAN; nodes * ny],
            top_owed: z(model.contracts.len() * ny),
            top_taken: z(model.contracts.len() * ny),
            month: vec![[0.0; 7]; layout.months.len()],
            pipe_flow: z(model.pipelines.len() * ny),
            pipe_dep: z(model.pipelines.len() * ny),
        }
    }

    pub fn reset(&mut self) {
        for v in [
            &mut self.demand,
            &mut self.unserved,
            &mut self.curtailment_protected,
            &mut self.consumption,
            &mut self.dependency,
            &mut self.by_country,
            &mut self.direct,
            &mut self.imports,
            &mut self.exports,
            &mut self.cost,
            &mut self.exposure_volume,
            &mut self.exposure_revenue,
            &mut self.take_or_pay,
            &mut self.top_owed,
            &mut self.top_taken,
            &mut self.pipe_flow,
            &mut self.pipe_dep,
        ] {
            v.iter_mut().for_each(|x| *x = 0.0);
        }
        self.nov1.iter_mut().for_each(|x| *x = f64::NAN);
        self.feb1.iter_mut().for_each(|x| *x = f64::NAN);
        self.month.iter_mut().for_each(|x| *x = [0.0; 7]);
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
        let slot = match (m, d) {
            (11, 1) => &mut self.nov1,
            (2, 1) => &mut self.feb1,
            _ => return,
        };
        let ny = self.demand.len() / (self.nn + 1);
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
        let (nn, nc) = (self.nn, self.nc);
        let ny = self.demand.len() / (nn + 1);
        let r = nn;
        let ri = r * ny + year;
        let mut region = [0.0; 7];
        let mut any_target = false;
        for n in 0..nn {
            let i = n * ny + year;
            let row = &out.consumption[n * nc..(n + 1) * nc];
            let d: f64 = out.demand[n].iter().sum();
            let u: f64 = out.unserved[n].iter().sum();
            let cons: f64 = row.iter().sum();
            let dep: f64 = self.dep_cols.iter().map(|&c| row[c]).sum();
            // Each sum goes to the node's cell and the region's.
            let add = |v: &mut Vec<f64>, x: f64| {
                v[i] += x;
                v[ri] += x;
            };
            add(&mut self.demand, d);
            add(&mut self.unserved, u);
            add(&mut self.curtailment_protected, out.unserved[n][0]);
            add(&mut self.consumption, cons);
            add(&mut self.dependency, dep);
            add(&mut self.direct, out.direct_dependency[n]);
            add(&mut self.imports, out.imports[n]);
            add(&mut self.exports, out.exports[n]);
            add(&mut self.cost, out.cost[n]);
            let (node_bc, region_bc) = (i * nc, ri * nc);
            for (c, &x) in row.iter().enumerate() {
                self.by_country[node_bc + c] += x;
                self.by_country[region_bc + c] += x;
            }
            region[0] += dep;
            region[1] += cons;
            region[2] += u;
            region[3] += d;
            any_target |= out.target[n].is_finite();
            if model.nodes[n].storage.is_some() && out.volume[n] > 0.0 {
                region[4] += out.level[n];
                region[5] += out.volume[n];
                if out.target[n].is_finite() {
                    region[6] += out.target[n] * out.volume[n];
                }
            }
        }
        let mo = &mut self.month[month];
        mo[0] += region[0];
        mo[1] += region[1];
        mo[2] += region[2];
        mo[3] += region[3];
        // End-of-month level: the last step of the month overwrites.
        mo[4] = region[4];
        mo[5] = region[5];
        mo[6] = if region[5] > 0.0 && any_target {
            region[6]
        } else {
            f64::NAN
        };
        // Pipelines: flows and ownership exposure.
        for (p, &a) in net.pipeline_arc.iter().enumerate() {
            let f = out.pipeline_flow[p];
            self.pipe_flow[p * ny + year] += f;
            self.pipe_dep[p * ny + year] += out.pipeline_dependency[p];
            if f <= 0.0 {
                continue;
            }
            let tariff = plan.cost[a] - plan.price[a];
            for &(company, stake) in &plan.stakes[p] {
                if let Some(home) = net.company_node[company] {
                    for i in [home * ny + year, r * ny + year] {
                        self.exposure_volume[i] += f * stake;
                        self.exposure_revenue[i] += f * tariff * stake * 1e3;
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
                self.take_or_pay[c.buyer * ny + y] += eur;
                self.take_or_pay[self.nn * ny + y] += eur;
            }
        }
        let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
        for n in 0..layout.nodes {
            for y in 0..ny {
                let i = n * ny + y;
                let cons = self.consumption[i];
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
                    self.imports[i] - self.exports[i]
                } else {
                    self.imports[i]
                };
                let net_imports = self.imports[i] - self.exports[i];
                let vals: [f64; 15] = [
                    self.demand[i] / 1e3,
                    self.unserved[i] / 1e3,
                    ratio(self.unserved[i], self.demand[i]),
                    self.curtailment_protected[i] / 1e3,
                    ratio(self.dependency[i], cons),
                    self.dependency[i] / 1e3,
                    ratio(self.direct[i], imports),
                    ratio(net_imports, cons),
                    hhi,
                    self.nov1[i],
                    self.feb1[i],
                    self.cost[i] / 1e6,
                    self.exposure_volume[i] / 1e3,
                    self.exposure_revenue[i] / 1e6,
                    self.take_or_pay[i] / 1e6,
                ];
                for (k, v) in vals.into_iter().enumerate() {
                    values[layout.yearly(k, n, y)] = v;
                }
                events[layout.event_unserved(n, y)] = self.unserved[i] > 0.01 * self.demand[i];
            }
        }
        for y in 0..ny {
            let f = self.feb1[layout.region() * ny + y];
            events[layout.event_storage(y)] = f.is_finite() && f < 0.30;
        }
        for (t, mo) in self.month.iter().enumerate() {
            values[layout.monthly(0, t)] = ratio(mo[0], mo[1]);
            values[layout.monthly(1, t)] = if mo[5] > 0.0 { mo[4] / mo[5] } else { f64::NAN };
            values[layout.monthly(2, t)] = ratio(mo[2], mo[3]);
            values[layout.monthly(3, t)] = if mo[5] > 0.0 { mo[6] / mo[5] } else { f64::NAN };
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

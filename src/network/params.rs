//! The parameters in force on a day under a policy: the scenario's values
//! with the policy's measures applied.

use super::*;

/// The scenario's numbers on one day after the policy's measures.
/// Rates in GWh/d, prices in EUR/MWh, shares as fractions.
pub struct Params {
    pub demand: Vec<[f64; 3]>,
    pub reduction: Vec<[f64; 3]>,
    pub production: Vec<f64>,
    pub regas: Vec<f64>,
    /// Volume (GWh), injection, withdrawal (GWh/d).
    pub storage: Vec<[f64; 3]>,
    /// Fill trajectory and the penalty per MWh missing.
    pub storage_targets: Vec<Option<(Vec<DatedFill>, f64)>>,
    pub pipe_cap: Vec<f64>,
    pub reverse: Vec<f64>,
    pub tariff: Vec<f64>,
    pub rights_tariff: Vec<f64>,
    pub stakes: Vec<Vec<(usize, f64)>>,
    pub origin_price: Vec<f64>,
    pub origin_cap: Vec<f64>,
    pub embargo: Vec<f64>,
    pub contract_on: Vec<f64>,
    pub contract_volume: Vec<f64>,
    pub contract_price: Vec<f64>,
    pub solidarity: Solidarity,
}

impl Params {
    /// Apply the measures active on `day`, in order (a later measure
    /// overrides an earlier one; `add`s accumulate).
    pub fn resolve(model: &Model, pol: &PolicyM, day: Day) -> Params {
        let years = day.years_since(model.start);
        let nn = model.nodes.len();
        let mut p = Params {
            demand: model.nodes.iter().map(|n| n.demand).collect(),
            reduction: vec![[0.0; 3]; nn],
            production: model
                .nodes
                .iter()
                .map(|n| {
                    n.production.as_ref().map_or(0.0, |pr| {
                        let sched = pr.schedule.iter().rev().find(|(d, _)| *d <= day);
                        match sched {
                            Some(&(d, r)) => r * (1.0 + pr.trend).powf(day.years_since(d)),
                            None => pr.rate * (1.0 + pr.trend).powf(years),
                        }
                    })
                })
                .collect(),
            regas: model
                .nodes
                .iter()
                .map(|n| staged(&n.lng_regas, day))
                .collect(),
            storage: model
                .nodes
                .iter()
                .map(|n| {
                    n.storage
                        .as_ref()
                        .map_or([0.0; 3], |s| [s.volume, s.injection, s.withdrawal])
                })
                .collect(),
            storage_targets: vec![None; nn],
            pipe_cap: model
                .pipelines
                .iter()
                .map(|pp| staged(&pp.stages, day))
                .collect(),
            reverse: model.pipelines.iter().map(|pp| pp.reverse).collect(),
            tariff: model.pipelines.iter().map(|pp| pp.tariff).collect(),
            rights_tariff: model.pipelines.iter().map(|pp| pp.rights_tariff).collect(),
            stakes: model.pipelines.iter().map(|pp| pp.owners.clone()).collect(),
            origin_price: model.origins.iter().map(|o| o.price).collect(),
            origin_cap: model
                .origins
                .iter()
                .map(|o| staged(&o.capacity, day))
                .collect(),
            embargo: vec![0.0; model.origins.len()],
            contract_on: model
                .contracts
                .iter()
                .map(|c| if c.in_file { 1.0 } else { 0.0 })
                .collect(),
            contract_volume: model.contracts.iter().map(|c| c.volume).collect(),
            contract_price: model.contracts.iter().map(|c| c.price).collect(),
            solidarity: model.solidarity,
        };
        // Stake trades accumulate from their start on.
        // Measures apply in order of their start dates, so a later one
        // overrides an earlier one; on the same date, file order decides
        // (validation refuses conflicting measures with the same date).
        let mut active: Vec<&MeasureM> = pol.measures.iter().filter(|m| m.active(day)).collect();
        active.sort_by_key(|m| m.start.unwrap_or(DISTANT_PAST));
        for m in active {
            match &m.kind {
                MeasureKind::Embargo { origins, share } => {
                    for &o in origins {
                        p.embargo[o] = *share;
                    }
                }
                MeasureKind::ImportCap { .. } => {}
                MeasureKind::Adjust { field, op, value } => p.adjust(*field, *op, *value),
                MeasureKind::StorageTarget {
                    nodes,
                    points,
                    penalty,
                } => {
                    for &n in nodes {
                        p.storage_targets[n] = Some((points.clone(), *penalty));
                    }
                }
                MeasureKind::DemandReduction {
                    share,
                    sectors,
                    nodes,
                } => {
                    for &n in nodes {
                        for (r, &on) in p.reduction[n].iter_mut().zip(sectors) {
                            if on {
                                *r = *share;
                            }
                        }
                    }
                }
                MeasureKind::AddContract(k) => p.contract_on[*k] = 1.0,
                MeasureKind::CancelContract(k) => p.contract_on[*k] = 0.0,
                MeasureKind::Stake {
                    pipeline,
                    company,
                    counterparty,
                    delta,
                } => {
                    let st = &mut p.stakes[*pipeline];
                    let mut bump = |c: usize, d: f64| match st.iter_mut().find(|(x, _)| *x == c) {
                        Some(e) => e.1 = (e.1 + d).max(0.0),
                        None => st.push((c, d.max(0.0))),
                    };
                    bump(*company, *delta);
                    if let Some(cp) = counterparty {
                        bump(*cp, -delta);
                    }
                }
                MeasureKind::Solidarity(s) => p.solidarity = *s,
            }
        }
        p
    }

    fn adjust(&mut self, field: Field, op: Op, v: f64) {
        let apply = |x: &mut f64| {
            *x = match op {
                Op::Set => v,
                Op::Scale => *x * v,
                Op::Add => (*x + v).max(0.0),
            }
        };
        match field {
            Field::Demand(n, s) => apply(&mut self.demand[n][s as usize]),
            Field::Production(n) => apply(&mut self.production[n]),
            Field::LngRegas(n) => apply(&mut self.regas[n]),
            Field::StorageSize(n) => {
                let old = self.storage[n][0];
                apply(&mut self.storage[n][0]);
                let ratio = if old > 0.0 {
                    self.storage[n][0] / old
                } else {
                    0.0
                };
                self.storage[n][1] *= ratio;
                self.storage[n][2] *= ratio;
            }
            Field::StorageInjection(n) => apply(&mut self.storage[n][1]),
            Field::StorageWithdrawal(n) => apply(&mut self.storage[n][2]),
            Field::PipelineCapacity(i) => apply(&mut self.pipe_cap[i]),
            Field::PipelineReverse(i) => apply(&mut self.reverse[i]),
            Field::PipelineTariff(i) => apply(&mut self.tariff[i]),
            Field::OriginPrice(o) => apply(&mut self.origin_price[o]),
            Field::OriginCapacity(o) => apply(&mut self.origin_cap[o]),
            Field::ContractVolume(k) => apply(&mut self.contract_volume[k]),
            Field::ContractPrice(k) => apply(&mut self.contract_price[k]),
        }
    }
}

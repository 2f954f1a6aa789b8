//! Checks of `[market]`, `[lng_market]` and the nodes' demand curves
//! (elasticities, fuel switching, explicit tranches), and the curves built
//! from them ([`crate::scenario::curve`]).

use super::super::curve::{DEFAULT_ELASTICITY, SectorCurve, competing_curve, node_curve};
use super::super::model::*;
use super::super::resolved::*;
use super::super::units::Dimension;
use super::Ctx;
use crate::scenario::curve::{TRANCHE_STEP, TRANCHES};

/// Default price cap, EUR/MWh: above every monthly TTF average so far
/// (the highest, August 2022, was ≈ 235 EUR/MWh; ICE Endex).
pub const DEFAULT_PRICE_CAP: f64 = 500.0;
/// Default value of lost load of protected customers, as a multiple of the
/// price cap.
pub const DEFAULT_VOLL_FACTOR: f64 = 10.0;
/// Curtailment value of industry and power as multiples of the price cap:
/// power is curtailed first (it can switch fuel or import electricity),
/// then industry, then protected customers at the value of lost load. Both
/// are above the cap, where the competing LNG market's firm demand sits,
/// so firm demand of the region is never a tie with it.
pub const CURTAILMENT_FACTOR: [f64; 2] = [1.6, 1.1];
/// Default elasticity of the competing LNG market.
pub const DEFAULT_COMPETING_ELASTICITY: f64 = -0.3;

/// Elasticities of the market table, per sector, with defaults.
pub(in crate::scenario) struct SectorDefaults {
    elasticity: [f64; 3],
    switching: Option<(f64, f64)>,
    /// Long-run elasticities where given.
    long_run: [Option<f64>; 3],
}

impl Ctx<'_> {
    /// `[market]` (or its absence: all demand firm at the default cap).
    pub(super) fn market(&mut self, m: Option<&Market>) -> Option<MarketM> {
        let Some(m) = m else {
            return Some(MarketM {
                reference_price: None,
                price_cap: DEFAULT_PRICE_CAP,
                curtailment_value: curtailment(
                    DEFAULT_PRICE_CAP,
                    DEFAULT_VOLL_FACTOR * DEFAULT_PRICE_CAP,
                ),
                adjustment_days: f64::INFINITY,
            });
        };
        let reference = self.qpos(
            &m.reference_price,
            Dimension::Price,
            "market.reference_price",
        );
        let cap = self.opt(&m.price_cap, DEFAULT_PRICE_CAP, |c, q| {
            c.qpos(q, Dimension::Price, "market.price_cap")
        });
        let (reference, cap) = (reference?, cap?);
        if reference <= 0.0 || reference >= cap {
            self.err(
                &m.reference_price.span(),
                format!(
                    "market.reference_price \"{}\" must be above 0 and below the price cap ({cap} EUR/MWh)",
                    m.reference_price.text()
                ),
                "use the average price of the year the demand figures describe, e.g. \"47 EUR/MWh\" for 2021",
            );
            return None;
        }
        let voll = self.opt(&m.value_of_lost_load, DEFAULT_VOLL_FACTOR * cap, |c, q| {
            let v = c.qpos(q, Dimension::Price, "market.value_of_lost_load")?;
            // Industry's dearest curtailment tranche (cooperative steps).
            let industry = CURTAILMENT_FACTOR[0] * cap * (1.0 + TRANCHE_STEP * (TRANCHES - 1) as f64);
            if v <= industry {
                c.err(
                    &q.span(),
                    format!(
                        "market.value_of_lost_load {} is not above what curtailing industry costs (up to {industry} EUR/MWh)",
                        q.text()
                    ),
                    "protected customers are curtailed last: use more than 2.08 × the price cap",
                );
                return None;
            }
            Some(v)
        })?;
        let adjustment_days = self.opt(&m.adjustment_time, 365.25, |c, q| {
            let d = c.qpos(q, Dimension::Duration, "market.adjustment_time")?;
            if d <= 0.0 {
                c.err(
                    &q.span(),
                    "market.adjustment_time must be positive",
                    "use e.g. \"12 month\"",
                );
                return None;
            }
            Some(d)
        })?;
        Some(MarketM {
            reference_price: Some(reference),
            price_cap: cap,
            curtailment_value: curtailment(cap, voll),
            adjustment_days,
        })
    }

    pub(super) fn sector_defaults(&mut self, m: Option<&Market>) -> SectorDefaults {
        let mut d = SectorDefaults {
            elasticity: DEFAULT_ELASTICITY,
            switching: None,
            long_run: [None; 3],
        };
        if let Some(m) = m {
            if let Some(e) = &m.elasticity {
                self.elasticities(e, &mut d.elasticity, "market.elasticity");
            }
            if let Some(e) = &m.long_run_elasticity {
                let mut lr = [f64::NAN; 3];
                self.elasticities(e, &mut lr, "market.long_run_elasticity");
                d.long_run = lr.map(|x| (!x.is_nan()).then_some(x));
                for (s, v) in [&e.protected, &e.industry, &e.power]
                    .into_iter()
                    .enumerate()
                {
                    if let (Some(v), Some(lr)) = (v, d.long_run[s])
                        && lr > d.elasticity[s]
                    {
                        self.err(
                            &v.span(),
                            format!(
                                "market.long_run_elasticity.{} = {lr} is weaker than the short-run {}",
                                SECTOR_NAMES[s], d.elasticity[s]
                            ),
                            "demand adapts more in the long run: use a value at or below the short-run elasticity",
                        );
                    }
                }
            }
            if let Some(f) = &m.fuel_switching {
                d.switching = self.switching(f, "market.fuel_switching");
            }
        }
        d
    }

    fn elasticities(&mut self, e: &Elasticity, out: &mut [f64; 3], what: &str) {
        for (s, v) in [&e.protected, &e.industry, &e.power]
            .into_iter()
            .enumerate()
        {
            if let Some(v) = v {
                let x = *v.get();
                if !x.is_finite() || !(-5.0..=0.0).contains(&x) {
                    self.err(
                        &v.span(),
                        format!(
                            "{what}.{} = {x} is not a price elasticity of demand",
                            SECTOR_NAMES[s]
                        ),
                        "use a number from -5 to 0 (short-run gas demand: about -0.05 to -0.3)",
                    );
                } else {
                    out[s] = x;
                }
            }
        }
    }

    fn switching(&mut self, f: &FuelSwitching, what: &str) -> Option<(f64, f64)> {
        let price = self.qpos(&f.price, Dimension::Price, &format!("{what}.price"));
        let share = self.share(&f.share, &format!("{what}.share"));
        Some((price?, share?))
    }

    /// The demand curve of one node from the market's defaults and the
    /// node's own elasticities, fuel switching and tranches.
    pub(super) fn node_curve(
        &mut self,
        d: &Demand,
        defaults: &SectorDefaults,
        market: &MarketM,
    ) -> Option<DemandCurve> {
        let mut elasticity = defaults.elasticity;
        if let Some(e) = &d.elasticity {
            self.elasticities(e, &mut elasticity, "demand.elasticity");
        }
        let switching = match &d.fuel_switching {
            Some(f) => self.switching(f, "demand.fuel_switching"),
            None => defaults.switching,
        };
        let mut sectors: [SectorCurve; 3] = std::array::from_fn(|s| SectorCurve::Elastic {
            elasticity: elasticity[s],
            switching: if s == Sector::Power as usize {
                switching
            } else {
                None
            },
        });
        if let Some(t) = &d.tranches {
            for (s, list) in [&t.protected, &t.industry, &t.power]
                .into_iter()
                .enumerate()
            {
                if let Some(list) = list {
                    sectors[s] = SectorCurve::Tranches(self.tranches(list, s, market.price_cap)?);
                }
            }
        }
        let mut curve = node_curve(&sectors, market.reference_price, market.price_cap);
        if market.reference_price.is_some() {
            for (s, sector) in sectors.iter().enumerate() {
                if let (SectorCurve::Elastic { elasticity, .. }, Some(lr)) =
                    (sector, defaults.long_run[s])
                {
                    curve.adapt[s] = (lr - elasticity).min(0.0);
                }
            }
        }
        Some(curve)
    }

    fn tranches(&mut self, list: &[TrancheSpec], s: usize, cap: f64) -> Option<Vec<(f64, f64)>> {
        let what = format!("demand.tranches.{}", SECTOR_NAMES[s]);
        let mut out = Vec::new();
        let mut total = 0.0;
        for t in list {
            let share = self.share(&t.share, &format!("{what}.share"));
            let value = self.qpos(&t.value, Dimension::Price, &format!("{what}.value"));
            let (share, value) = (share?, value?);
            if value >= cap {
                self.err(
                    &t.value.span(),
                    format!("{what}.value {} is not below the price cap ({cap} EUR/MWh)", t.value.text()),
                    "demand wanted at the cap is firm: leave it out of the tranches (the rest of the sector is firm)",
                );
                return None;
            }
            total += share;
            if total > 1.0 + 1e-9 {
                self.err(
                    &t.share.span(),
                    format!("the {what} shares add up to more than 100 %"),
                    "the tranches split the sector's demand: their shares sum to at most 100 %",
                );
                return None;
            }
            out.push((share, value));
        }
        Some(out)
    }

    /// `[lng_market]`: the competing market's demand and its curve.
    pub(super) fn lng(&mut self, m: &LngMarket, cap: f64) -> Option<LngM> {
        let demand = self.qpos(&m.demand, Dimension::Rate, "lng_market.demand");
        let schedule = self.rate_points(&m.schedule, "lng_market.schedule");
        let reference = self.qpos(
            &m.reference_price,
            Dimension::Price,
            "lng_market.reference_price",
        );
        let sd = self.opt(&m.sd, 0.0, |c, q| c.share(q, "lng_market.sd"));
        let mut elasticity = DEFAULT_COMPETING_ELASTICITY;
        if let Some(e) = &m.elasticity {
            let x = *e.get();
            if !x.is_finite() || !(-5.0..=0.0).contains(&x) {
                self.err(
                    &e.span(),
                    format!("lng_market.elasticity = {x} is not a price elasticity of demand"),
                    "use a number from -5 to 0",
                );
                return None;
            }
            elasticity = x;
        }
        let reference = reference?;
        if reference <= 0.0 || reference >= cap {
            self.err(
                &m.reference_price.span(),
                format!(
                    "lng_market.reference_price \"{}\" must be above 0 and below the price cap ({cap} EUR/MWh)",
                    m.reference_price.text()
                ),
                "use the competing market's average price, e.g. a JKM level",
            );
            return None;
        }
        Some(LngM {
            demand: [(DISTANT_PAST, demand?)]
                .into_iter()
                .chain(schedule?)
                .collect(),
            reference_price: reference,
            elasticity,
            sd: sd?,
            curve: competing_curve(reference, elasticity, cap),
        })
    }
}

/// Curtailment values (protected, industry, power) for a cap and a VOLL.
fn curtailment(cap: f64, voll: f64) -> [f64; 3] {
    [
        voll,
        CURTAILMENT_FACTOR[0] * cap,
        CURTAILMENT_FACTOR[1] * cap,
    ]
}

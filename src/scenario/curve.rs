//! Inverse demand curves as data: from a reference (price, quantity) and an
//! elasticity, or from explicit tranches, to a list of tranches with a
//! willingness to pay each (docs/model.md, "Demand curves").
//!
//! A constant-elasticity curve q(p) = Q · (p / p₀)^ε is cut into
//! [`ELASTIC_BANDS`] bands with geometric bounds from the reference price p₀
//! to the price cap; each band's quantity is what the curve gives up between
//! its bounds and is valued at their geometric mean. What the curve still
//! wants at the cap is firm. The curve starts at p₀: below the reference
//! price demand does not rise above the reference quantity.
//!
//! All sectors of a node share the band bounds (they depend only on p₀ and
//! the cap), so a node has one arc per band for all its sectors together,
//! plus one per fuel-switching price and explicit tranche value.

use super::resolved::DemandCurve;

/// Curtailment of each sector's firm demand is split into this many equal
/// tranches.
pub const TRANCHES: usize = 4;
/// In cooperative mode each further curtailment tranche is worth this much
/// more (share of the sector's curtailment value), so cuts spread across
/// nodes before any node is cut deep. Small enough that sector priority
/// stays strict (power's dearest tranche, 1.1 × 1.3 = 1.43 × the cap, is
/// below industry's cheapest, 1.6 × the cap).
pub const TRANCHE_STEP: f64 = 0.1;
/// Bands between the reference price and the cap.
pub const ELASTIC_BANDS: usize = 8;
/// Bands of the competing LNG market's curve between a quarter of its
/// reference price and the cap.
pub const COMPETING_BANDS: usize = 24;
/// The competing market's curve starts at this fraction of its reference
/// price (where it buys the most).
pub const COMPETING_FLOOR: f64 = 0.25;
/// Default short-run elasticities (protected, industry, power), see
/// docs/model.md for their sources.
pub const DEFAULT_ELASTICITY: [f64; 3] = [-0.05, -0.2, -0.1];

/// Bounds b₀ = `lo` < … < b_k = `hi`, geometric, `k` bands.
fn bounds(lo: f64, hi: f64, k: usize) -> Vec<f64> {
    (0..=k)
        .map(|i| lo * (hi / lo).powf(i as f64 / k as f64))
        .collect()
}

/// (value, share) bands of a constant-elasticity curve q = (p / p0)^e
/// between `lo` and `hi` (shares relative to the quantity at p0), and the
/// share still wanted at `hi`.
fn elastic(p0: f64, e: f64, lo: f64, hi: f64, k: usize) -> (Vec<(f64, f64)>, f64) {
    let b = bounds(lo, hi, k);
    let q = |p: f64| (p / p0).powf(e);
    let bands = b
        .windows(2)
        .map(|w| ((w[0] * w[1]).sqrt(), q(w[0]) - q(w[1])))
        .collect();
    (bands, q(hi))
}

/// How one sector's demand answers to price.
#[derive(Debug, Clone, PartialEq)]
pub enum SectorCurve {
    /// Constant elasticity (≤ 0) from the reference price, with an optional
    /// switchable share (price, share) taken out first (power).
    Elastic {
        elasticity: f64,
        switching: Option<(f64, f64)>,
    },
    /// Explicit (share, value) tranches; the rest is firm.
    Tranches(Vec<(f64, f64)>),
    /// All firm.
    Firm,
}

/// The node curve of three sector curves. `reference` is p₀ (`None`: every
/// elastic sector is firm), `cap` the price cap. Tranches at or above the
/// cap count as firm.
pub fn node_curve(sectors: &[SectorCurve; 3], reference: Option<f64>, cap: f64) -> DemandCurve {
    let mut tranches: Vec<(f64, [f64; 3])> = Vec::new();
    let mut firm = [0.0; 3];
    let mut add = |value: f64, s: usize, share: f64, firm: &mut [f64; 3]| {
        if share <= 0.0 {
            return;
        }
        if value >= cap {
            firm[s] += share;
            return;
        }
        match tranches.iter_mut().find(|t| t.0 == value) {
            Some(t) => t.1[s] += share,
            None => {
                let mut v = [0.0; 3];
                v[s] = share;
                tranches.push((value, v));
            }
        }
    };
    for (s, c) in sectors.iter().enumerate() {
        match (c, reference) {
            (
                SectorCurve::Elastic {
                    elasticity,
                    switching,
                },
                Some(p0),
            ) if p0 < cap => {
                let mut rest = 1.0;
                if let Some((price, share)) = *switching {
                    add(price, s, share, &mut firm);
                    rest -= share;
                }
                let (bands, left) = elastic(p0, *elasticity, p0, cap, ELASTIC_BANDS);
                for (v, q) in bands {
                    add(v, s, rest * q, &mut firm);
                }
                firm[s] += rest * left;
            }
            (SectorCurve::Tranches(list), _) => {
                let mut rest = 1.0;
                for &(share, value) in list {
                    add(value, s, share, &mut firm);
                    rest -= share;
                }
                firm[s] += rest.max(0.0);
            }
            _ => firm[s] += 1.0,
        }
    }
    tranches.sort_by(|a, b| a.0.total_cmp(&b.0));
    DemandCurve {
        tranches,
        firm,
        adapt: [0.0; 3],
    }
}

/// The competing LNG market's curve: (value, share of its reference demand)
/// from [`COMPETING_FLOOR`] × its reference price up to the cap, the last
/// entry its demand at the cap (valued at the cap).
pub fn competing_curve(reference: f64, elasticity: f64, cap: f64) -> Vec<(f64, f64)> {
    let lo = COMPETING_FLOOR * reference;
    if lo >= cap {
        return vec![(cap, (cap / reference).powf(elasticity))];
    }
    let (mut bands, left) = elastic(reference, elasticity, lo, cap, COMPETING_BANDS);
    bands.push((cap, left));
    bands
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elastic_curve_gives_up_what_the_formula_says() {
        let c = node_curve(
            &[
                SectorCurve::Firm,
                SectorCurve::Elastic {
                    elasticity: -0.2,
                    switching: None,
                },
                SectorCurve::Elastic {
                    elasticity: -0.1,
                    switching: Some((60.0, 0.25)),
                },
            ],
            Some(50.0),
            500.0,
        );
        // Shares sum to one per sector.
        for s in 0..3 {
            let total: f64 = c.tranches.iter().map(|t| t.1[s]).sum::<f64>() + c.firm[s];
            assert!((total - 1.0).abs() < 1e-12, "sector {s}: {total}");
        }
        assert_eq!(c.firm[0], 1.0);
        // Industry still wants (500/50)^-0.2 at the cap.
        assert!((c.firm[1] - 10f64.powf(-0.2)).abs() < 1e-12);
        // Demand given up below a price p is 1 - (p/p0)^e: the bands below
        // the k-th bound add up to exactly that.
        let b = bounds(50.0, 500.0, ELASTIC_BANDS);
        let below: f64 = c
            .tranches
            .iter()
            .filter(|t| t.0 < b[3])
            .map(|t| t.1[1])
            .sum();
        assert!((below - (1.0 - (b[3] / 50.0).powf(-0.2))).abs() < 1e-12);
        // The switchable quarter of power sits at 60 EUR/MWh.
        let sw = c.tranches.iter().find(|t| t.0 == 60.0).unwrap();
        assert_eq!(sw.1[2], 0.25);
        assert!(c.tranches.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn without_reference_price_everything_is_firm() {
        let e = SectorCurve::Elastic {
            elasticity: -0.2,
            switching: None,
        };
        let c = node_curve(&[e.clone(), e.clone(), e], None, 500.0);
        assert!(c.tranches.is_empty());
        assert_eq!(c.firm, [1.0; 3]);
    }

    #[test]
    fn competing_curve_buys_more_below_its_reference_price() {
        let c = competing_curve(54.0, -0.3, 500.0);
        let total: f64 = c.iter().map(|t| t.1).sum();
        // Demand at the floor price: (1/4)^-0.3.
        assert!((total - 4f64.powf(0.3)).abs() < 1e-12);
        assert_eq!(c.last().unwrap().0, 500.0);
        // At the cap it still wants (500/54)^-0.3 of its reference demand.
        let at_cap = c.last().unwrap().1;
        assert!((at_cap - (500.0f64 / 54.0).powf(-0.3)).abs() < 1e-12);
        assert!(c.windows(2).all(|w| w[0].0 < w[1].0));
    }
}

//! Filling the solver's integer inputs for one step: capacities after the
//! trial's random factors, demand split over the node's curve, the
//! competing LNG market's curve, storage arcs with the penalties of fill
//! targets and the pool's water values, and the node supplies.
//!
//! Integers: flows are MWh and costs cents per MWh. Every capacity rounds
//! down (the model never invents gas). Each sector's demand is rounded to
//! the nearest MWh and split exactly over its tranches and curtailment
//! quarters (cumulative shares, floored), so the demand-side arcs always
//! cover all demand and no sector can lose more than its demand.

use super::{COST_SCALE, Engine, MWH_PER_GWH, StepError, WEATHER_WEIGHT, round_i64};
use super::{Draws, State};
use crate::network::{LEVEL_BANDS, TRANCHES};

/// Split `total` MWh by cumulative shares: entry `i` of `out` receives
/// ⌊total · c_i⌋ − ⌊total · c_{i−1}⌋, where `c` runs over `shares`; the
/// shares sum to at most 1 and the remainder is returned.
fn split(total: i64, shares: impl Iterator<Item = f64>, mut out: impl FnMut(i64)) -> i64 {
    let mut cum = 0.0;
    let mut prev = 0i64;
    for s in shares {
        cum += s;
        let upto = ((total as f64 * cum) as i64).clamp(prev, total);
        out(upto - prev);
        prev = upto;
    }
    total - prev
}

/// The first `j` of `k` equal parts of `total` hold ⌊j · total / k⌋.
fn quarter(total: i64, j: usize, k: usize) -> i64 {
    let (j, k) = (j as i64, k as i64);
    (total * (j + 1) / k - total * j / k).max(0)
}

impl Engine<'_> {
    /// Fill the solver's inputs for step `t` (no solve).
    pub fn prepare(&mut self, t: usize, draws: &Draws, state: &State) -> Result<(), StepError> {
        let plan = &self.net.steps[t];
        let model = self.model;
        let nn = model.nodes.len();
        let out = &mut self.out;
        // Demand at the reference price after demand memory and weather.
        for n in 0..nn {
            let z = draws.weather[n] * model.nodes[n].weather_sensitivity + draws.daily[n];
            for (((d, &base), w), &m) in out.demand[n]
                .iter_mut()
                .zip(&plan.demand[n])
                .zip(WEATHER_WEIGHT)
                .zip(&state.memory[n])
            {
                *d = (base * m * (1.0 + z * w)).max(0.0);
            }
        }
        for n in 0..nn {
            out.volume[n] = plan.storage[n][0] + plan.withheld[n];
            out.target[n] = plan.target[n].unwrap_or(f64::NAN);
        }
        // Integer costs depend only on the plan's cost and price vectors
        // and the price draw: recompute them when that key changes (the
        // values would be the same; skipping keeps the pass off the hot
        // path). The first non-finite cost is remembered so that errors are
        // reported in the order of a single pass over the arcs.
        // Within a cost class only the arcs with a price part follow the
        // draw; the others keep the values computed for the class.
        let key = (self.lists.cost_class[t], draws.price.to_bits());
        let mut bad_cost = None;
        if self.cost_key != Some(key) {
            let same_class = self.cost_key.is_some_and(|(c, _)| c == key.0);
            self.cost_key = None;
            let shock = draws.price - 1.0;
            let arcs = self.cost.len();
            let mut convert = |a: usize| {
                let cost = plan.cost[a] + plan.price[a] * shock;
                if !cost.is_finite() {
                    bad_cost = Some(a);
                    return false;
                }
                self.price[a] = cost;
                self.cost[a] = round_i64(cost * COST_SCALE);
                true
            };
            if same_class {
                self.lists.priced.iter().all(|&a| convert(a));
            } else {
                (0..arcs).all(convert);
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
        for route in &self.lists.long_routes {
            f.push(route.iter().map(|&r| draws.pipeline[r]).product());
        }
        f.extend_from_slice(&draws.delivery[..self.lists.pairs.len()]);
        for (q, &(o, _)) in self.lists.pairs.iter().enumerate() {
            f.push(draws.origin[o] * draws.delivery[q]);
        }
        for &a in &self.lists.scaled {
            let (i, j) = self.lists.factor[a];
            self.capf[a] = plan.cap[a] * f[i as usize] * f[j as usize];
        }
        for &(a, n) in &self.lists.production {
            self.capf[a] = plan.production[n];
        }
        // Storage rates this step (GWh), from the start-of-step fill.
        for &(node, inject, withdraw, _) in &self.lists.storage {
            let [v, i, w] = plan.storage[node];
            let s = model.nodes[node].storage.as_ref();
            let (knee, iknee) = s.map_or((0.4, 0.8), |s| (s.knee, s.injection_knee));
            let level = state.level[node].min(v).max(0.0);
            let fill = if v > 0.0 { level / v } else { 0.0 };
            // Withdrawal falls below the knee, injection above its knee.
            let out_rate = if knee > 0.0 {
                (fill / knee).min(1.0)
            } else {
                1.0
            };
            let in_rate = if fill > iknee {
                ((1.0 - fill) / (1.0 - iknee)).max(0.0)
            } else {
                1.0
            };
            self.capf[withdraw] = level.min(w * out_rate);
            self.capf[inject] = i * in_rate;
        }
        for &a in &self.lists.scaled {
            let c = self.capf[a];
            if !c.is_finite() || c > 1e12 {
                return Err(numeric(a));
            }
            // A truncating cast is floor for c >= 0; below 0 both give a
            // value <= 0, which `max(0)` turns into 0 either way.
            self.cap[a] = ((c * MWH_PER_GWH) as i64).max(0);
        }
        if bad_cost.is_some() {
            return Err(numeric(usize::MAX));
        }
        for v in self.supply.iter_mut() {
            *v = 0;
        }
        let mut source: i64 = 0;
        // Demand: each sector over its tranches, then its curtailment
        // quarters. A tranche's arc carries what all sectors put in it.
        for n in 0..nn {
            let curve = &model.nodes[n].curve;
            let base = self.lists.tranche_base[n];
            let arcs = &self.lists.tranche_arc[n];
            for (k, arc) in arcs.iter().enumerate() {
                self.tranche_part[base + k] = [0; 3];
                if let Some(a) = *arc {
                    self.cap[a] = 0;
                }
            }
            for s in 0..3 {
                let d = self.demand_mwh[n][s];
                let parts = &mut self.tranche_part[base..base + arcs.len()];
                let mut k = 0;
                let firm = split(d, curve.tranches.iter().map(|t| t.1[s]), |x| {
                    parts[k][s] = x;
                    k += 1;
                });
                for (k, arc) in arcs.iter().enumerate() {
                    if let Some(a) = *arc {
                        self.cap[a] += parts[k][s];
                    }
                }
                if let Some(quarters) = self.lists.curtail_arc[n][s] {
                    for (j, &a) in quarters.iter().enumerate() {
                        self.cap[a] = quarter(firm, j, TRANCHES);
                    }
                }
            }
            let di: i64 = self.demand_mwh[n].iter().sum();
            self.supply[self.net.node(n)] = -di;
            source += di;
        }
        // The competing LNG market: its demand over its curve.
        if let Some(lng) = &model.lng {
            let q = plan.competing * draws.lng_market;
            let total: f64 = lng.curve.iter().map(|c| c.1).sum();
            let d = round_i64(q * total * MWH_PER_GWH).max(0);
            let mut arcs = self.lists.competing.iter();
            let rest = split(d, lng.curve.iter().map(|c| c.1 / total), |x| {
                if let Some(&(a, _)) = arcs.next() {
                    self.cap[a] = x;
                }
            });
            // Rounding leftovers go to the last tranche.
            if let Some(&(a, _)) = self.lists.competing.last() {
                self.cap[a] += rest;
            }
            self.supply[self.net.competing] = -d;
            source += d;
        }
        // Storage: the level at the start is the storage node's supply; the
        // level at the end passes through the node's keep arcs (the part
        // below its fill target worth the target's penalty) into the pool,
        // whose bands of the region's working volume fill from the bottom,
        // each worth its water value.
        let mut volume_total: i64 = 0;
        for &(node, _, _, keep) in &self.lists.storage {
            let v = ((plan.storage[node][0] * MWH_PER_GWH) as i64).max(0);
            let level = round_i64(state.level[node] * MWH_PER_GWH).clamp(0, v);
            let below = plan.target[node].map_or(0, |x| round_i64(x * v as f64).clamp(0, v));
            self.cap[keep] = below;
            self.cost[keep] = -round_i64(plan.penalty[node] * COST_SCALE);
            self.cap[keep + 1] = v - below;
            self.cost[keep + 1] = 0;
            let x = self.net.store[node].expect("listed storage nodes have a storage node");
            self.supply[x] = level;
            source -= level;
            volume_total += v;
        }
        if let Some(first) = self.lists.level {
            // Firm demand before storage: keeping a MWh (its water value
            // plus any target penalty) is never worth more than the price
            // cap, so no one is curtailed to fill storage.
            let penalty = (0..nn)
                .filter(|&n| plan.target[n].is_some())
                .map(|n| plan.penalty[n])
                .fold(0.0, f64::max);
            let ceiling = (model.market.price_cap - penalty).max(0.0);
            let bands = LEVEL_BANDS as i64;
            for j in 0..LEVEL_BANDS {
                let a = first + j;
                let value = self.water[t][j].min(ceiling);
                let j = j as i64;
                self.cap[a] = volume_total * (j + 1) / bands - volume_total * j / bands;
                self.cost[a] = -round_i64(value * COST_SCALE);
            }
        }
        let bypass = self.net.arcs.len() - 1;
        self.cap[bypass] = volume_total;
        self.supply[self.net.sink] = -volume_total;
        source += volume_total;
        for &a in &self.limited {
            self.cap[a] = self.cap[a].min(self.export_limit[a]);
        }
        self.supply[self.net.source] = source;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{quarter, split};

    #[test]
    fn split_is_exact_and_floors() {
        let mut parts = Vec::new();
        let rest = split(1001, [0.25, 0.25, 0.1].into_iter(), |x| parts.push(x));
        assert_eq!(parts, vec![250, 250, 100]);
        assert_eq!(rest, 401);
        let mut parts = Vec::new();
        let rest = split(7, [0.5, 0.5].into_iter(), |x| parts.push(x));
        assert_eq!(parts.iter().sum::<i64>() + rest, 7);
        assert_eq!(rest, 0);
        let q: i64 = (0..4).map(|j| quarter(10, j, 4)).sum();
        assert_eq!(q, 10);
    }
}

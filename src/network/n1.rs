//! The N-1 infrastructure indicator of Regulation (EU) 2017/1938, Annex II:
//!
//! N-1 = 100 · (EPm + Pm + Sm + LNGm − Im) / Dmax
//!
//! with, per node and in GWh/d: EPm the technical entry capacity of the
//! pipelines into the node (forward capacity of pipelines ending there and
//! reverse capacity of those leaving it), Pm maximal production, Sm
//! maximal storage deliverability, LNGm regasification send-out, Im the
//! largest single infrastructure among these (one pipeline, the node's LNG
//! terminals taken together, or its storage), and Dmax the peak-day
//! demand. Demand-side response (Deff) is not modelled and taken as 0.
//! Capacities are those in force on 1 January of the year under the policy.
//! For the region, entry counts only pipelines from origins (flows between
//! nodes are internal) and Dmax is the sum of the nodes' peak days.

use super::{Params, staged};
use crate::scenario::time::Day;
use crate::scenario::{Endpoint, Model};

/// Terms of the indicator for one node (or the region), GWh/d.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct NMinus1 {
    pub entry: f64,
    pub production: f64,
    pub storage: f64,
    pub lng: f64,
    pub largest: f64,
    pub peak_demand: f64,
}

impl NMinus1 {
    /// The indicator in percent; infinite demand-free nodes give None.
    pub fn value(&self) -> Option<f64> {
        (self.peak_demand > 0.0).then(|| {
            100.0 * (self.entry + self.production + self.storage + self.lng - self.largest)
                / self.peak_demand
        })
    }
}

/// N-1 terms per node (model order) and, last, for the region.
pub fn n_minus_1(model: &Model, policy: usize, year: i32) -> Vec<NMinus1> {
    let day = Day::from_ymd(year, 1, 1);
    let p = Params::resolve(model, &model.policies[policy], day);
    let nn = model.nodes.len();
    let mut out = vec![NMinus1::default(); nn + 1];
    let mut biggest_entry = vec![0.0f64; nn + 1];
    for (i, pipe) in model.pipelines.iter().enumerate() {
        let live = pipe.offline.is_none_or(|off| day < off) && staged(&pipe.stages, day) > 0.0;
        let cap = if live { p.pipe_cap[i] } else { 0.0 };
        let rev = if live { p.reverse[i] } else { 0.0 };
        out[pipe.to].entry += cap;
        biggest_entry[pipe.to] = biggest_entry[pipe.to].max(cap);
        match pipe.from {
            Endpoint::Node(a) => {
                out[a].entry += rev;
                biggest_entry[a] = biggest_entry[a].max(rev);
            }
            Endpoint::Origin(_) => {
                out[nn].entry += cap;
                biggest_entry[nn] = biggest_entry[nn].max(cap);
            }
        }
    }
    for (n, node) in model.nodes.iter().enumerate() {
        let o = &mut out[n];
        o.production = p.production[n];
        o.storage = if node.storage.is_some() {
            p.storage[n][2]
        } else {
            0.0
        };
        o.lng = p.regas[n];
        o.peak_demand = node.peak_day;
        o.largest = biggest_entry[n].max(o.lng).max(o.storage);
        let (prod, sto, lng, peak) = (o.production, o.storage, o.lng, o.peak_demand);
        let r = &mut out[nn];
        r.production += prod;
        r.storage += sto;
        r.lng += lng;
        r.peak_demand += peak;
        biggest_entry[nn] = biggest_entry[nn].max(lng).max(sto);
    }
    out[nn].largest = biggest_entry[nn];
    out
}

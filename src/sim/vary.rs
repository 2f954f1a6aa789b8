//! Running a scenario at other values of its uncertain inputs
//! ([`crate::scenario::uncertain`]).
//!
//! A point (one value per input) is written into the scenario text, which
//! is checked and compiled again for every policy; the storage water
//! values are **not** computed again: every point uses the table valued
//! once on the written (nominal) inputs ([`Prepared::new`]). Valuing
//! storage takes seconds per policy, a point's compilation milliseconds,
//! so a run whose trials each draw their inputs costs a few milliseconds
//! more per trial rather than seconds; the price is that storage is
//! operated by the nominal scenario's expectations (docs/model.md,
//! "Uncertain inputs").
//!
//! In a Monte Carlo run, trial `t` draws input `i` as the quantile of one
//! uniform number of its own stream `stream(seed, t, UNCERTAIN + i)`
//! ([`super::sample::stream`]), so its values depend on nothing but the
//! seed, the trial and the input's place in the file.

use super::run::{Prepared, SimError};
use super::sample::stream;
use crate::scenario::uncertain::UncertainSet;
use rand::Rng;
use std::path::Path;

/// Stream of input `i` is `UNCERTAIN + i`: far above the weather, LNG,
/// price and disruption streams (disruption `d` uses 1000 + d).
pub const UNCERTAIN: u64 = 1 << 40;

/// Uniform in (0, 1) from 53 random bits, never 0 or 1.
pub fn unit(rng: &mut impl Rng) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
}

/// The input values trial `trial` draws.
pub fn drawn(set: &UncertainSet, seed: u64, trial: u64) -> Vec<f64> {
    let u: Vec<f64> = (0..set.inputs.len())
        .map(|i| unit(&mut stream(seed, trial, UNCERTAIN + i as u64)))
        .collect();
    set.values_at(&u)
}

/// `nominal` at these input values: the scenario checked and compiled
/// again for the same policies, with the nominal water values.
pub fn prepared_with(nominal: &Prepared, values: &[f64]) -> Result<Prepared, SimError> {
    let set = nominal
        .model
        .uncertain
        .as_ref()
        .ok_or_else(|| SimError::Uncertain("the scenario has no uncertain inputs".into()))?;
    let mut model = set.model_with(values, Path::new("scenario")).map_err(|e| {
        let at: Vec<String> = set
            .inputs
            .iter()
            .zip(values)
            .map(|(i, &v)| format!("{} = {}", i.path, i.literal(v)))
            .collect();
        SimError::Uncertain(format!(
            "the scenario is invalid with its uncertain inputs at {}: {}",
            at.join(", "),
            e.problems()
                .first()
                .map_or_else(|| e.to_string(), |p| p.message.clone())
        ))
    })?;
    model.trials = nominal.model.trials;
    model.seed = nominal.model.seed;
    // `--focus` may have replaced the file's focus.
    model.focus.clone_from(&nominal.model.focus);
    let policies: Vec<usize> = nominal.policies.clone();
    let mut prep = Prepared::for_summary(model, &policies);
    for (net, nom) in prep.nets.iter_mut().zip(&nominal.nets) {
        net.water.clone_from(&nom.water);
        // Owners' value at risk is measured against the nominal plan.
        net.planned_flow.clone_from(&nom.planned_flow);
    }
    prep.sharing = super::share::Sharing::new(&prep.nets);
    if prep.layout.len() != nominal.layout.len() {
        return Err(SimError::Uncertain(
            "uncertain inputs changed the shape of the results (nodes, pipelines or years)".into(),
        ));
    }
    Ok(prep)
}

//! Helpers shared by the hand-solved engine tests (engine_cases,
//! market_cases, contract_delivery, daily_steps): an inline scenario
//! prepared and run without uncertainty, and lookups by id.
#![allow(dead_code)]

use gasdep::scenario::load_str;
use gasdep::sim::engine::StepOut;
use gasdep::sim::run::{Prepared, deterministic};
use std::path::Path;

/// Flows are integers in MWh, so hand values that are multiples of 1 MWh
/// come out exactly: allow a few MWh of rounding (GWh).
pub const TOL: f64 = 0.005;

/// Load and prepare a scenario text (water values included), panicking
/// with the scenario's problems if it is not valid.
pub fn prepare(text: &str) -> Prepared {
    let (_, model) = load_str(text, Path::new("case.toml")).unwrap_or_else(|e| panic!("{e}"));
    Prepared::new(model, &[]).unwrap_or_else(|e| panic!("{e}"))
}

/// The steps of policy `i` of `prep` (prepared order, baseline first)
/// without uncertainty.
pub fn steps(prep: &Prepared, i: usize) -> Vec<StepOut> {
    deterministic(prep, i).unwrap_or_else(|e| panic!("{e}"))
}

/// Every policy's steps, in prepared order.
pub fn all_steps(prep: &Prepared) -> Vec<Vec<StepOut>> {
    (0..prep.nets.len()).map(|i| steps(prep, i)).collect()
}

pub fn node(prep: &Prepared, id: &str) -> usize {
    prep.model.nodes.iter().position(|n| n.id == id).unwrap()
}

pub fn pipe(prep: &Prepared, id: &str) -> usize {
    prep.model
        .pipelines
        .iter()
        .position(|p| p.id == id)
        .unwrap()
}

/// Curtailment of node `n` over its sectors, GWh.
pub fn unserved(o: &StepOut, n: usize) -> f64 {
    o.curtailment[n].iter().sum()
}

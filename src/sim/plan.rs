//! The plan: what each policy's pipelines were expected to carry, for the
//! value at risk of their owners (`exposure_loss`, docs/model.md,
//! "Ownership exposure and take-or-pay").
//!
//! The plan is the policy's run without uncertainty (every random factor
//! at its expected value) knowing only what is known at the start: the
//! scheduled `[[event]]`s and `[[demand_shift]]`s and the measures with an
//! `announced` date later than the start are left out, as the storage
//! valuation leaves them out until they are announced ([`super::water`]).
//! So a pipeline that an unforeseen event stops (a sanction, a supplier's cut-off) or a random
//! outage interrupts carries less than planned, and its owners lose the
//! tariff revenue of the difference.

use super::engine::{Draws, Engine, State, StepError};
use crate::network::Network;
use crate::scenario::Model;

/// Planned flow of every pipeline in every step of `net`'s policy, GWh
/// (rows: steps). Uses `net`'s water values for the plan's storage (the
/// valuation gives the same values to steps before any later announcement).
pub fn planned_flows(model: &Model, net: &Network) -> Result<Vec<Vec<f64>>, StepError> {
    let start = model.start;
    let mut m = model.clone();
    m.events.retain(|e| e.known_from() <= start);
    m.demand_shifts.retain(|d| d.known_from() <= start);
    m.policies[net.policy]
        .measures
        .retain(|x| x.known_from() <= start);
    let mut plan = Network::compile_shaped(&m, net.policy, &model.policies);
    plan.water = net.water.clone();
    let mut engine = Engine::new(&m, &plan);
    let mut state = State::initial(&m, &plan);
    let draws = Draws::neutral(&m);
    let mut flows = Vec::with_capacity(plan.steps.len());
    for t in 0..plan.steps.len() {
        engine.step(t, &draws, &mut state)?;
        flows.push(engine.out.pipeline_flow.clone());
    }
    Ok(flows)
}

//! Water values of a calendar with daily steps, found on its months
//! (`[calendar] valuation = "month"`, the default with `step = "month"`).
//!
//! The backward induction ([`super::water`]) solves the market at 21 fill
//! levels in 8 sampled worlds for every step, so its cost grows with the
//! steps: a 20-year horizon with daily winters has ≈ 13 times the steps of
//! its monthly calendar. Valued on months, the same scenario costs what its
//! monthly calendar costs (docs/performance.md has the measured times).
//!
//! Rule (docs/model.md, "Storage"): the table is found for the scenario's
//! calendar months (same segments of knowledge, same sampled uncertainty,
//! drawn on months); a step ending on day `e` of the month that starts on
//! day `s` and has `L` days reads, band by band,
//!
//! ```text
//! W(e) = W_prev + (e − s) / L · (W_month − W_prev)
//! ```
//!
//! where `W_month` is the value at the end of the month and `W_prev` the
//! value at the end of the month before (the month's own value in the
//! first month valued). A step that is the whole month reads `W_month`,
//! exactly the monthly calendar's value. Values stay non-increasing across
//! the bands (a convex combination of two such rows).
//!
//! What this leaves out: the months' values know the monthly weather only,
//! not the day-to-day swings within a month, so gas kept for a cold spell
//! later in the month is valued at the month's average; and a month's value
//! is discounted over the whole month, not over the step (at the 5 %/y
//! carrying rate, at most 0.4 % of the value).

use super::engine::{Draws, StepError};
use super::water::{backward, sample_worlds};
use crate::network::{LEVEL_BANDS, Network};
use crate::scenario::calendar::{CalendarM, Valuation, has_short_steps};
use crate::scenario::{Model, PolicyM, StepKind};

/// `model` with one step per calendar month.
fn monthly(model: &Model) -> Model {
    let mut m = model.clone();
    m.step = StepKind::Month;
    m.calendar = CalendarM::monthly();
    m
}

/// The sampled worlds of `model`'s months when its storage is to be valued
/// on months (its calendar has shorter steps and `valuation = "month"`);
/// `None` when it is valued on its own steps.
pub(super) fn monthly_worlds(model: &Model, samples: usize) -> Option<Vec<Vec<Draws>>> {
    (model.calendar.valuation == Valuation::Month && has_short_steps(model))
        .then(|| sample_worlds(&monthly(model), samples))
}

/// Water values of steps `first..` of `net` (earlier rows 0) from a
/// backward induction on the months of `model`, expecting demand memory
/// `memory` to last; `shape` gives the topology (all policies' arcs).
pub(super) fn backward_months(
    model: &Model,
    net: &Network,
    shape: &[PolicyM],
    worlds: &[Vec<Draws>],
    memory: &[[f64; 3]],
    first: usize,
) -> Result<Vec<[f64; LEVEL_BANDS]>, StepError> {
    let m = monthly(model);
    let months = Network::compile_shaped(&m, net.policy, shape);
    let month_of = |t: usize| {
        let s = &net.steps[t];
        months
            .steps
            .iter()
            .position(|x| (x.year, x.month) == (s.year, s.month))
            .expect("every step lies in a month of the horizon")
    };
    let k0 = month_of(first);
    let expected = vec![memory.to_vec(); months.steps.len()];
    let table = backward(&m, &months, worlds, &expected, k0, None)?.water;
    let mut water = vec![[0.0; LEVEL_BANDS]; net.steps.len()];
    for (t, row) in water.iter_mut().enumerate().skip(first) {
        let k = month_of(t);
        let (s, month) = (&net.steps[t], &months.steps[k]);
        let end = f64::from(s.start.0) + s.days;
        let f = ((end - f64::from(month.start.0)) / month.days).clamp(0.0, 1.0);
        let prev = if k > k0 { table[k - 1] } else { table[k] };
        for j in 0..LEVEL_BANDS {
            row[j] = prev[j] + f * (table[k][j] - prev[j]);
        }
    }
    Ok(water)
}

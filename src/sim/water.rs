//! Water values: what a MWh in storage is worth at the end of each step, by
//! fill level, computed before the Monte Carlo by backward induction over
//! the scenario's own uncertainty (stochastic dynamic programming, as hydro
//! reservoir scheduling does; docs/model.md, "Storage").
//!
//! State: the fill fraction of every storage together, on a grid of
//! [`LEVEL_BANDS`] + 1 points. For each step `t`, from the last to the
//! first, and each grid point `g`, the step's market is cleared with every
//! storage starting at fill `g` in each of [`WaterOptions::samples`] sampled
//! worlds (weather, disruptions, LNG market and prices of the scenario's own
//! distributions, drawn with their own seeds), with the end-of-step levels
//! valued by the table already found for `t + 1`. The expected optimal
//! value V_t(g) is a concave function of `g` (an expectation of LP optima,
//! linear in the starting levels); its slope between grid points is the
//! water value of that band at the start of `t`, i.e. at the end of `t − 1`.
//!
//! Scheduled events and demand shifts (and measures with an `announced`
//! date) are not foreseen, nor is a disruption's risk before its
//! `announced` date: each step is valued knowing only what is announced by
//! its end (see [`value_storage`]).
//!
//! The horizon's end has no natural terminal value: the last year is solved
//! [`TERMINAL_PASSES`] times, each time starting from the values it gave for
//! its own first step, so the table settles to a yearly cycle instead of
//! letting storage empty because the horizon ends.
//!
//! Only objective values are used, and those are unique (exact integer
//! optima), so the table does not depend on solver bases, thread counts or
//! the order of the solves.

use super::engine::{Draws, Engine, MWH_PER_GWH, State, StepError, round_i64};
use super::sample::World;
use crate::network::{LEVEL_BANDS, Network};
use crate::scenario::Model;
use rayon::prelude::*;
use std::borrow::Cow;

/// How many times the last year is solved to find the terminal values.
pub const TERMINAL_PASSES: usize = 2;
/// Yearly rate at which gas kept for later is discounted: the cost of
/// carrying working gas (capital tied up; assumption, the order of storage
/// operators' cost of capital). It also decides ties: with no price spread
/// gas is used now, and a fill target is met as late as the injection rate
/// allows.
pub const DISCOUNT_RATE: f64 = 0.05;
/// Trial numbers of the sampled worlds start here: far above any trial a
/// run may use, so the valuation never shares draws with a trial.
const SAMPLE_TRIAL_BASE: u64 = 1 << 62;

/// Settings of the valuation.
#[derive(Debug, Clone)]
pub struct WaterOptions {
    /// Worlds sampled per step (the expectation is their mean).
    pub samples: usize,
    /// Let a segment of steps take the values of the next segment where
    /// their networks plan alike (see [`value_storage`]); off, every
    /// segment is valued over the whole horizon (same table, slower: the
    /// reference the reuse is tested against).
    pub reuse: bool,
}

impl Default for WaterOptions {
    fn default() -> Self {
        WaterOptions {
            samples: 8,
            reuse: true,
        }
    }
}

/// Compute `net.water` (one row of band values per step) for `net`'s
/// policy. Without storage the table stays 0.
///
/// Scheduled `[[event]]`s and `[[demand_shift]]`s are not foreseen before
/// they are announced (`announced`, by default their start), nor are
/// measures with an `announced` date (measures without one are plans,
/// known from the outset, as are the file's schedules and stages), and a
/// `[[disruption]]` with an `announced` date is left out of the sampled
/// worlds before it: the values used in a step come from a valuation that
/// knows only what is announced by the end of that step. So the steps are
/// cut into segments with the same knowledge, and each segment is valued on
/// a network compiled with just what is known, in worlds drawn with just
/// the risks expected.
///
/// Where demand adapts to lasting prices (`long_run_elasticity`), the
/// valuation needs to know how far demand has adapted: a run without
/// uncertainty, valued once with no adaptation, gives the demand memory at
/// the start of each segment, and each segment is valued again expecting
/// that memory to last (what the market knew then).
pub fn value_storage(
    model: &Model,
    net: &mut Network,
    opts: &WaterOptions,
) -> Result<(), StepError> {
    value_storage_sharing(model, net, opts, None).map(|_| ())
}

/// [`value_storage`], taking the values of segments another policy of the
/// same model valued (`others`, from its own call) where this policy's
/// segment plans the same from some step of the last year or earlier on,
/// with the same expected demand memory: the same argument as the reuse
/// between one policy's segments. Returns this policy's segments.
pub fn value_storage_sharing(
    model: &Model,
    net: &mut Network,
    opts: &WaterOptions,
    others: Option<&Valuation>,
) -> Result<Valuation, StepError> {
    let steps = net.steps.len();
    net.water = vec![[0.0; LEVEL_BANDS]; steps];
    let mut kept = Valuation::default();
    if steps == 0 || net.store.iter().all(Option::is_none) {
        return Ok(kept);
    }
    let mut worlds = Worlds::new(opts.samples.max(1));
    let still = vec![vec![[1.0; 3]; model.nodes.len()]; steps];
    let (theirs_still, theirs_adapted) = match others {
        Some(v) if opts.reuse => (v.still.as_slice(), v.adapted.as_slice()),
        _ => (&[][..], &[][..]),
    };
    (net.water, kept.still) =
        informed_values(model, net, &mut worlds, &still, opts.reuse, theirs_still)?;
    let adapts = model.market.reference_price.is_some()
        && model
            .nodes
            .iter()
            .any(|n| n.curve.adapt.iter().any(|&a| a != 0.0));
    if adapts {
        let memory = memory_path(model, net)?;
        (net.water, kept.adapted) =
            informed_values(model, net, &mut worlds, &memory, opts.reuse, theirs_adapted)?;
    }
    Ok(kept)
}

/// The segments of one policy's valuation ([`value_storage_sharing`]), for
/// other policies of the same model to take values from.
#[derive(Default)]
pub struct Valuation {
    /// Valued with the demand memory at 1 (the first pass).
    still: Vec<Segment>,
    /// Valued with the demand memory of a run without uncertainty.
    adapted: Vec<Segment>,
}

/// One segment's valuation: its first step, the plan of every step from
/// it on (a plan shares its large tables, so the copy is small), the demand
/// memory it expected, the disruptions it expected and its tables.
pub struct Segment {
    first: usize,
    steps: Vec<crate::network::StepPlan>,
    memory: Vec<[f64; 3]>,
    risks: Vec<bool>,
    tables: Tables,
}

/// The sampled worlds of the valuation, drawn once for each set of
/// disruptions it expects (never those not `anticipated`; those
/// `announced` later not in the worlds of the steps before), on the
/// model's steps and, for calendars with daily steps valued on months, on
/// its months.
struct Worlds {
    samples: usize,
    /// Per set of expected disruptions: the worlds on steps and on months.
    drawn: Vec<(Vec<bool>, Sampled, Option<Sampled>)>,
}

/// Draws of the sampled worlds, per world and step.
type Sampled = Vec<Vec<Draws>>;

impl Worlds {
    fn new(samples: usize) -> Self {
        Worlds {
            samples,
            drawn: Vec::new(),
        }
    }

    /// The worlds (steps, months) in which the disruptions flagged in
    /// `risks` may happen; the others are drawn with no hazard (each
    /// disruption has its own stream, so the flagged ones are drawn as
    /// they would be).
    fn expecting(
        &mut self,
        model: &Model,
        risks: &[bool],
    ) -> (&[Vec<Draws>], Option<&[Vec<Draws>]>) {
        let i = match self.drawn.iter().position(|(r, ..)| r == risks) {
            Some(i) => i,
            None => {
                let mut m = model.clone();
                for (d, _) in m.disruptions.iter_mut().zip(risks).filter(|(_, k)| !**k) {
                    d.hazard = 0.0;
                }
                let steps = sample_worlds(&m, self.samples);
                let months = super::water_month::monthly_worlds(&m, self.samples);
                self.drawn.push((risks.to_vec(), steps, months));
                self.drawn.len() - 1
            }
        };
        let (_, steps, months) = &self.drawn[i];
        (steps, months.as_deref())
    }
}

/// The elements of `all` whose flag in `known` is set.
fn known_only<T: Clone>(all: &[T], known: &[bool]) -> Vec<T> {
    all.iter()
        .zip(known)
        .filter(|(_, k)| **k)
        .map(|(x, _)| x.clone())
        .collect()
}

/// Demand memory at the start of each step of a run without uncertainty.
fn memory_path(model: &Model, net: &Network) -> Result<Vec<Vec<[f64; 3]>>, StepError> {
    let mut engine = Engine::new(model, net);
    let mut state = State::initial(model, net);
    let draws = Draws::neutral(model);
    let mut path = Vec::with_capacity(net.steps.len());
    for t in 0..net.steps.len() {
        path.push(state.memory.clone());
        engine.step(t, &draws, &mut state)?;
    }
    Ok(path)
}

/// The water table, each segment of steps valued with what is known then
/// (events, demand shifts, measures and expected disruptions); on the
/// calendar's months when the calendar has daily steps valued on months.
///
/// Segments are valued from the last to the first. A segment whose network
/// and expected demand memory equal those of the segment valued just
/// before it (the next one in time) from some step `s` of the last year or
/// earlier on has the same values from `s` on (backward induction over
/// equal steps): it takes them and is solved only back from `s`. So an
/// event that is over long before the horizon ends (a civil war's pipeline
/// stop) costs its own months, not a second valuation of the horizon.
/// (Valued on months, each segment is solved over the horizon: no reuse.)
///
/// `others` are another policy's segments (valued with the same kind of
/// memory): a segment may resume from whichever of them, or of its own
/// later segment, lets it solve the fewest steps. Returns the table and
/// this policy's segments (none when valued on months).
fn informed_values(
    model: &Model,
    net: &Network,
    worlds: &mut Worlds,
    memory: &[Vec<[f64; 3]>],
    reuse: bool,
    others: &[Segment],
) -> Result<(Vec<[f64; LEVEL_BANDS]>, Vec<Segment>), StepError> {
    let steps = net.steps.len();
    let mut water = vec![[0.0; LEVEL_BANDS]; steps];
    let mut kept = Vec::new();
    let policy = &model.policies[net.policy];
    let known = |t: usize| -> Vec<bool> {
        let end = net.steps[t].start.0 + net.steps[t].days as i32;
        model
            .events
            .iter()
            .map(|e| e.known_from().0 < end)
            .chain(model.demand_shifts.iter().map(|d| d.known_from().0 < end))
            .chain(policy.measures.iter().map(|m| m.known_from().0 < end))
            .chain((model.disruptions.iter()).map(|d| d.anticipated && d.known_from().0 < end))
            .collect()
    };
    let mut segments = Vec::new();
    let mut t = 0;
    while t < steps {
        let k = known(t);
        let mut u = t + 1;
        while u < steps && known(u) == k {
            u += 1;
        }
        segments.push((t, u, k));
        t = u;
    }
    for (t, u, k) in segments.into_iter().rev() {
        let (k, risks) = k.split_at(k.len() - model.disruptions.len());
        let (worlds, months) = worlds.expecting(model, risks);
        let informed_model = if k.iter().all(|&x| x) {
            None
        } else {
            let (ke, k) = k.split_at(model.events.len());
            let (kd, km) = k.split_at(model.demand_shifts.len());
            let mut m = model.clone();
            m.events = known_only(&model.events, ke);
            m.demand_shifts = known_only(&model.demand_shifts, kd);
            m.policies[net.policy].measures = known_only(&policy.measures, km);
            Some(m)
        };
        let informed = match &informed_model {
            None => Cow::Borrowed(net),
            Some(m) => Cow::Owned(Network::compile_shaped(m, net.policy, &model.policies)),
        };
        if let Some(w) = months {
            let m = informed_model.as_ref().unwrap_or(model);
            let rows = super::water_month::backward_months(
                m,
                &informed,
                &model.policies,
                w,
                &memory[t],
                t,
            )?;
            water[t..u].copy_from_slice(&rows[t..u]);
            continue;
        }
        // The valuation expects the demand memory of the segment's start
        // to last: a path from a run that knows later events would leak
        // them into the values.
        let expected = vec![memory[t].clone(); steps];
        // First step from which `plan` (the plans of steps `first..`, a
        // segment that starts with this one or later) plans as this
        // segment does, if that is in the last year or earlier (the other
        // table holds nothing before its own first step).
        let from = |seg: &Segment| {
            let (first, plan) = (seg.first, &seg.steps);
            if !reuse || first < t || seg.memory != memory[t] || seg.risks != risks {
                return None;
            }
            let mut s = steps;
            while s > first && informed.steps[s - 1] == plan[s - 1 - first] {
                s -= 1;
            }
            (s <= last_year(&informed, t)).then_some(s)
        };
        // This policy's segment valued just before (the next in time)
        // first: among equals it is the one taken.
        let resume = kept
            .last()
            .into_iter()
            .chain(others)
            .filter_map(|o| from(o).map(|s| (s, &o.tables)))
            .min_by_key(|&(s, _)| s);
        let tables = backward(model, &informed, worlds, &expected, t, resume)?;
        water[t..u].copy_from_slice(&tables.water[t..u]);
        kept.push(Segment {
            first: t,
            steps: informed.steps[t..].to_vec(),
            memory: memory[t].clone(),
            risks: risks.to_vec(),
            tables,
        });
    }
    Ok((water, kept))
}

/// What [`backward`] finds: per step, the water values at its end
/// (`water`) and at its start (`starts`).
pub(super) struct Tables {
    pub(super) water: Vec<[f64; LEVEL_BANDS]>,
    starts: Vec<[f64; LEVEL_BANDS]>,
}

/// First step of the last year of `net`'s calendar (not before `first`).
fn last_year(net: &Network, first: usize) -> usize {
    let steps = net.steps.len();
    let end = net.steps[steps - 1].start;
    net.steps
        .iter()
        .position(|s| end.0 - s.start.0 < 365)
        .unwrap_or(0)
        .max(first)
}

/// Water values of steps `first..` of `net` (earlier rows stay 0), by
/// backward induction from a yearly cycle at the end, or, with `resume =
/// (s, tables)`, from the values `tables` found at step `s` (steps from `s`
/// on are then taken from it).
pub(super) fn backward(
    model: &Model,
    net: &Network,
    worlds: &[Vec<Draws>],
    memory: &[Vec<[f64; 3]>],
    first: usize,
    resume: Option<(usize, &Tables)>,
) -> Result<Tables, StepError> {
    let steps = net.steps.len();
    let mut engines: Vec<Engine> = (0..=LEVEL_BANDS).map(|_| Engine::new(model, net)).collect();
    let mut water = vec![[0.0; LEVEL_BANDS]; steps];
    let mut starts = vec![[0.0; LEVEL_BANDS]; steps];
    let mut next = [0.0; LEVEL_BANDS];
    let discount = |t: usize| (1.0 + DISCOUNT_RATE).powf(-net.steps[t].days / 365.25);
    let mut pass = |range: std::ops::Range<usize>,
                    next: &mut [f64; LEVEL_BANDS],
                    water: &mut [[f64; LEVEL_BANDS]],
                    starts: &mut [[f64; LEVEL_BANDS]]|
     -> Result<(), StepError> {
        for t in range.rev() {
            // Gas kept to the end of step t is worth the next step's
            // value, discounted over step t.
            water[t] = next.map(|v| v * discount(t));
            *next = step_values(model, net, &mut engines, worlds, &memory[t], t, &water[t])?;
            starts[t] = *next;
        }
        Ok(())
    };
    let from = match resume {
        Some((s, done)) => {
            water[s..].copy_from_slice(&done.water[s..]);
            starts[s..].copy_from_slice(&done.starts[s..]);
            if s < steps {
                next = done.starts[s];
            }
            s
        }
        None => {
            for _ in 0..TERMINAL_PASSES {
                pass(
                    last_year(net, first)..steps,
                    &mut next,
                    &mut water,
                    &mut starts,
                )?;
            }
            steps
        }
    };
    pass(first..from, &mut next, &mut water, &mut starts)?;
    Ok(Tables { water, starts })
}

/// Draws of the sampled worlds of `model`, per world and step; spells
/// imposed on dates do not happen in them (they are not foreseen).
/// [`Worlds::expecting`] leaves out the disruptions not expected.
pub(super) fn sample_worlds(model: &Model, samples: usize) -> Vec<Vec<Draws>> {
    let mut world = World::new(model);
    world.spells = false;
    (0..samples as u64)
        .map(|s| {
            world.sample(model, SAMPLE_TRIAL_BASE + s);
            world.steps.clone()
        })
        .collect()
}

/// Water values at the start of step `t` (the end of `t − 1`), given the
/// values `after` at its end.
fn step_values(
    model: &Model,
    net: &Network,
    engines: &mut [Engine],
    worlds: &[Vec<Draws>],
    memory: &[[f64; 3]],
    t: usize,
    after: &[f64; LEVEL_BANDS],
) -> Result<[f64; LEVEL_BANDS], StepError> {
    let plan = &net.steps[t];
    // Expected optimum (cents) and total stored MWh at each grid point.
    let points: Vec<Result<(f64, i64), StepError>> = engines
        .par_iter_mut()
        .enumerate()
        .map(|(j, engine)| {
            engine.set_water(t, *after);
            let fill = j as f64 / LEVEL_BANDS as f64;
            let state = State::at_fill(model, net, t, fill, memory);
            let mut stored = 0i64;
            for (n, x) in net.store.iter().enumerate() {
                if x.is_some() {
                    let v = plan.storage[n][0];
                    stored += round_i64(fill * v * MWH_PER_GWH).clamp(0, (v * MWH_PER_GWH) as i64);
                }
            }
            let mut sum = 0.0;
            for w in worlds {
                engine.solve(t, &w[t], &state, false)?;
                sum += engine.objective() as f64;
            }
            Ok((sum / worlds.len() as f64, stored))
        })
        .collect();
    let points: Vec<(f64, i64)> = points.into_iter().collect::<Result<_, _>>()?;
    let mut values = [0.0; LEVEL_BANDS];
    for j in 0..LEVEL_BANDS {
        let (c0, s0) = points[j];
        let (c1, s1) = points[j + 1];
        let dv = (s1 - s0) as f64;
        // One more MWh stored lowers the optimal cost by this much (cents).
        values[j] = if dv > 0.0 {
            ((c0 - c1) / dv / super::engine::COST_SCALE).max(0.0)
        } else {
            0.0
        };
    }
    // Concave value: the marginal value never rises with the fill (exact in
    // theory; rounding of levels to MWh can break it by a hair).
    for j in 1..LEVEL_BANDS {
        values[j] = values[j].min(values[j - 1]);
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// A scheduled stop that is over early splits the valuation into
    /// segments; the early segment takes the later one's values from where
    /// their networks plan alike, and the table is the one valuing every
    /// segment over the whole horizon gives, to the bit.
    #[test]
    fn segments_reuse_the_values_of_later_ones() {
        let text = std::fs::read_to_string("scenarios/examples/two-countries.toml").unwrap()
            + "\n[[event]]\nid = \"stop\"\ntarget = \"east\"\nstart = \"2020-03-01\"\n\
               end = \"2020-05-01\"\nseverity = \"100 %\"\n";
        let (_, model) = crate::scenario::load_str(&text, Path::new("case.toml")).unwrap();
        let mut a = Network::compile(&model, model.baseline);
        let mut b = a.clone();
        value_storage(&model, &mut a, &WaterOptions::default()).unwrap();
        let full = WaterOptions {
            reuse: false,
            ..WaterOptions::default()
        };
        value_storage(&model, &mut b, &full).unwrap();
        assert!(a.water.iter().flatten().any(|&v| v > 0.0));
        assert_eq!(a.water, b.water);
    }

    /// A risk announced on 1 January 2021 is left out of the valuation of
    /// the steps of 2020 (their values are those of a valuation that never
    /// expects it) and expected from then on (those of one that always
    /// does), to the bit.
    #[test]
    fn a_risk_is_valued_from_its_announcement() {
        let water = |extra: &str| {
            let text = std::fs::read_to_string("scenarios/examples/two-countries.toml").unwrap()
                + "\n[[disruption]]\nid = \"ru-risk\"\ntarget = \"RU\"\nhazard = \"2 /y\"\n\
                   from = \"2020-03\"\nseverity = \"100 %\"\n\
                   duration = { type = \"fixed\", value = \"3 month\" }\n"
                + extra;
            let (_, model) = crate::scenario::load_str(&text, Path::new("case.toml")).unwrap();
            let mut net = Network::compile(&model, model.baseline);
            value_storage(&model, &mut net, &WaterOptions::default()).unwrap();
            assert_eq!(
                net.steps[12].start.0,
                model.start.0 + 366,
                "2020 is a leap year"
            );
            net.water
        };
        let announced = water("announced = \"2021-01\"\n");
        let always = water("");
        let never = water("anticipated = false\n");
        assert_eq!(announced[..12], never[..12]);
        assert_eq!(announced[12..], always[12..]);
        assert_ne!(
            always[..12],
            never[..12],
            "the risk moves the values of 2020"
        );
    }
}

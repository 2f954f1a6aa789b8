//! One trial over all policies, the Monte Carlo driver, and the
//! deterministic run.
//!
//! A trial draws its random world once ([`World`]) and runs every policy
//! through it (common random numbers), each with its own engine and
//! storage state. The driver spreads trials over a rayon pool; every worker
//! adds its trials to one shared set of [`Accumulators`]. Accumulators use
//! exact integer arithmetic and every trial's first step is solved cold
//! (so no trial depends on the one a worker solved before), hence the
//! result is the same bit for bit for any number of threads or shards.
//! Memory depends on the number of cells (nodes × metrics × periods ×
//! policies), not on the number of trials or threads.

use super::engine::{Engine, State, StepError, StepOut};
use super::hazard_grid::Strata;
use super::metrics::{Layout, MONTHLY, MONTHLY_NODE, PIPELINE, Recorder, YEARLY};
use super::pertrial::StepProbe;
use super::plan::planned_flows;
use super::sample::World;
use super::share::Sharing;
use super::water::{WaterOptions, value_storage_sharing};
use crate::network::Network;
use crate::scenario::Model;
use crate::stats::accum::{Accumulator, EventCounter, StatsError};
use crate::stats::digest::TrialPrint;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

/// Yearly metrics whose paired differences are kept per node (all of
/// them are kept for the region).
pub const DIFF_NODE_METRICS: [&str; 10] = [
    "dependency_share",
    "curtailment_share",
    "curtailment",
    "storage_fill_nov1",
    "cost",
    "price",
    "bill",
    "exposure_volume",
    "exposure_revenue",
    "exposure_loss",
];

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("trial {trial}, policy '{policy}': {source}")]
    Step {
        trial: u64,
        policy: String,
        #[source]
        source: StepError,
    },
    #[error("statistics: {0}")]
    Stats(#[from] StatsError),
    #[error("interrupted")]
    Interrupted,
    #[error("could not start {threads} worker threads: {message}")]
    Threads { threads: usize, message: String },
    /// Drawn values of uncertain inputs that the scenario refuses.
    #[error("{0}")]
    Uncertain(String),
}

/// Run `f` on a rayon pool of `threads` threads.
pub fn on_pool<T: Send>(
    threads: usize,
    f: impl FnOnce() -> Result<T, SimError> + Send,
) -> Result<T, SimError> {
    let threads = threads.max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| SimError::Threads {
            threads,
            message: e.to_string(),
        })?;
    pool.install(f)
}

/// A scenario compiled for the policies to run.
pub struct Prepared {
    pub model: Model,
    /// Policy indices into `model.policies`, baseline first.
    pub policies: Vec<usize>,
    pub nets: Vec<Network>,
    pub layout: Layout,
    /// Which policy solves which steps of a trial (set once storage is
    /// valued; until then every policy solves all its steps).
    pub sharing: Sharing,
}

impl Prepared {
    /// Compile `model` for `policies` (all if empty; the baseline is always
    /// included, first) and value its storage ([`super::water`]) on the
    /// current rayon pool: what a run needs.
    pub fn new(mut model: Model, policies: &[usize]) -> Result<Prepared, SimError> {
        // Spells given by a return period get their levels once, here.
        super::weather::resolve_spells(&mut model);
        let mut prep = Prepared::for_summary(model, policies);
        let model = &prep.model;
        let fail = |net: &Network| {
            let policy = model.policies[net.policy].id.clone();
            move |source| SimError::Step {
                trial: 0,
                policy,
                source,
            }
        };
        // The baseline first: the other policies take the values of its
        // segments where they plan alike (`value_storage_sharing`).
        let (first, rest) = prep.nets.split_at_mut(1);
        let base = &mut first[0];
        let kept = value_storage_sharing(model, base, &WaterOptions::default(), None)
            .map_err(fail(base))?;
        rest.par_iter_mut().try_for_each(|net| {
            value_storage_sharing(model, net, &WaterOptions::default(), Some(&kept))
                .map(|_| ())
                .map_err(fail(net))
        })?;
        prep.nets.par_iter_mut().try_for_each(|net| {
            // Owners' value at risk is measured against the plan.
            if net
                .steps
                .iter()
                .any(|s| s.stakes.iter().any(|v| !v.is_empty()))
            {
                net.planned_flow = planned_flows(model, net).map_err(fail(net))?;
            }
            Ok::<(), SimError>(())
        })?;
        prep.sharing = Sharing::new(&prep.nets);
        Ok(prep)
    }

    /// Compile `model` for `policies` without valuing storage: enough to
    /// lay out and summarise results (merge), not to simulate.
    pub fn for_summary(model: Model, policies: &[usize]) -> Prepared {
        let mut list = vec![model.baseline];
        let wanted: Vec<usize> = if policies.is_empty() {
            (0..model.policies.len()).collect()
        } else {
            policies.to_vec()
        };
        for p in wanted {
            if !list.contains(&p) {
                list.push(p);
            }
        }
        let nets: Vec<Network> = list.iter().map(|&p| Network::compile(&model, p)).collect();
        let layout = Layout::new(&model, &nets[0]);
        Prepared {
            sharing: Sharing::none(nets.len()),
            model,
            policies: list,
            nets,
            layout,
        }
    }

    /// Yearly cells that get paired differences, as (metric, node) pairs.
    pub fn diff_cells(&self) -> Vec<(usize, usize)> {
        let r = self.layout.region();
        let mut v = Vec::new();
        for (k, m) in YEARLY.iter().enumerate() {
            for n in 0..self.layout.nodes {
                if n == r || DIFF_NODE_METRICS.contains(&m.name) {
                    v.push((k, n));
                }
            }
        }
        v
    }
}

/// Resolution of each cell of the layout.
fn resolutions(layout: &Layout) -> Vec<f64> {
    let mut r = vec![0.0; layout.len()];
    for (k, m) in YEARLY.iter().enumerate() {
        for n in 0..layout.nodes {
            for y in 0..layout.years.len() {
                r[layout.yearly(k, n, y)] = m.resolution;
            }
        }
    }
    for (k, m) in MONTHLY.iter().enumerate() {
        for t in 0..layout.months.len() {
            r[layout.monthly(k, t)] = m.resolution;
        }
    }
    for (k, m) in PIPELINE.iter().enumerate() {
        for p in 0..layout.pipelines {
            for y in 0..layout.years.len() {
                r[layout.pipeline(k, p, y)] = m.resolution;
            }
        }
    }
    for (k, m) in MONTHLY_NODE.iter().enumerate() {
        for n in 0..layout.nodes - 1 {
            for t in 0..layout.months.len() {
                r[layout.monthly_node(k, n, t)] = m.resolution;
            }
        }
    }
    r
}

/// Statistics of all cells of all policies, mergeable across workers and
/// shards.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Accumulators {
    /// Trials added.
    pub trials: u64,
    /// Per policy, per layout cell.
    pub values: Vec<Vec<Accumulator>>,
    /// Per non-baseline policy, per diff cell × year: policy − baseline.
    pub diffs: Vec<Vec<Accumulator>>,
    /// Per policy, per event slot.
    pub events: Vec<Vec<EventCounter>>,
    /// Which trials were added (checked when shards are merged).
    pub fingerprint: TrialPrint,
    /// Trials filed by the graded disruption's event count (its
    /// `hazard_grid`), if the scenario has one.
    #[serde(default)]
    pub strata: Option<Strata>,
}

impl Accumulators {
    pub fn new(prep: &Prepared) -> Accumulators {
        let res = resolutions(&prep.layout);
        let np = prep.policies.len();
        let ny = prep.layout.years.len();
        let acc = |r: f64| Accumulator::new(r).expect("resolutions are positive constants");
        // Paired differences report a mean and its interval only: no
        // histogram.
        let moments = |r: f64| Accumulator::moments(r).expect("resolutions are positive constants");
        let values = (0..np)
            .map(|_| res.iter().map(|&r| acc(r)).collect())
            .collect();
        let diff_res: Vec<f64> = prep
            .diff_cells()
            .iter()
            .flat_map(|&(k, _)| std::iter::repeat_n(YEARLY[k].resolution, ny))
            .collect();
        let diffs = (1..np)
            .map(|_| diff_res.iter().map(|&r| moments(r)).collect())
            .collect();
        let events = (0..np)
            .map(|_| vec![EventCounter::new(); prep.layout.events_len()])
            .collect();
        Accumulators {
            trials: 0,
            values,
            diffs,
            events,
            fingerprint: TrialPrint::default(),
            strata: Strata::new(&prep.model, &prep.layout, np),
        }
    }

    /// Add one trial's values (per policy, baseline first).
    fn add(
        &mut self,
        prep: &Prepared,
        values: &[Vec<f64>],
        events: &[Vec<bool>],
    ) -> Result<(), StatsError> {
        self.trials += 1;
        for (p, vals) in values.iter().enumerate() {
            for (a, &v) in self.values[p].iter_mut().zip(vals) {
                // NaN marks "not defined in this trial" (no storage, no
                // target): it is not a value.
                if !v.is_nan() {
                    a.add(v)?;
                }
            }
            for (c, &e) in self.events[p].iter_mut().zip(&events[p]) {
                c.add(e);
            }
        }
        let ny = prep.layout.years.len();
        let diff_cells = prep.diff_cells();
        for p in 1..values.len() {
            let mut i = 0;
            for &(k, n) in &diff_cells {
                for y in 0..ny {
                    let cell = prep.layout.yearly(k, n, y);
                    let d = values[p][cell] - values[0][cell];
                    if !d.is_nan() {
                        self.diffs[p - 1][i].add(d)?;
                    }
                    i += 1;
                }
            }
        }
        Ok(())
    }

    /// Count every cell's buffered values (a worker's last trials), so that
    /// reading the statistics copies no cell. Only value cells buffer.
    pub fn flush(&mut self) {
        self.values
            .iter_mut()
            .flatten()
            .for_each(Accumulator::flush);
    }

    /// Fold `other` in; the result does not depend on the order of merges.
    pub fn merge(&mut self, other: &Accumulators) -> Result<(), StatsError> {
        self.trials += other.trials;
        self.fingerprint.merge(&other.fingerprint);
        for (a, b) in self.values.iter_mut().zip(&other.values) {
            for (x, y) in a.iter_mut().zip(b) {
                x.merge(y)?;
            }
        }
        for (a, b) in self.diffs.iter_mut().zip(&other.diffs) {
            for (x, y) in a.iter_mut().zip(b) {
                x.merge(y)?;
            }
        }
        for (a, b) in self.events.iter_mut().zip(&other.events) {
            for (x, y) in a.iter_mut().zip(b) {
                x.merge(y);
            }
        }
        if let (Some(a), Some(b)) = (&mut self.strata, &other.strata) {
            a.merge(b)?;
        }
        Ok(())
    }
}

/// Everything one worker needs to run trials, allocated once.
pub struct Worker<'a> {
    prep: &'a Prepared,
    world: World,
    engines: Vec<Engine<'a>>,
    recorders: Vec<Recorder>,
    values: Vec<Vec<f64>>,
    events: Vec<Vec<bool>>,
    /// Step and month index → (year index, month index).
    calendar: Vec<(usize, usize)>,
    /// Step → year index.
    year_of: Vec<usize>,
    /// Values kept per step, when a sink asks for them.
    probe: Option<StepProbe>,
    /// State handed over to each policy by the one it shares its first
    /// steps with, in the current trial.
    handed: Vec<Option<State>>,
}

impl<'a> Worker<'a> {
    pub fn new(prep: &'a Prepared) -> Worker<'a> {
        let m = &prep.model;
        let l = &prep.layout;
        let calendar: Vec<(usize, usize)> = prep.nets[0]
            .steps
            .iter()
            .map(|s| {
                let y = l
                    .years
                    .iter()
                    .position(|&y| y == s.year)
                    .expect("layout covers every step");
                let mo = l
                    .months
                    .iter()
                    .position(|&x| x == (s.year, s.month))
                    .expect("layout covers every month");
                (y, mo)
            })
            .collect();
        Worker {
            prep,
            world: World::new(m),
            engines: prep.nets.iter().map(|n| Engine::new(m, n)).collect(),
            recorders: prep.nets.iter().map(|n| Recorder::new(m, n, l)).collect(),
            values: vec![vec![0.0; l.len()]; prep.nets.len()],
            events: vec![vec![false; l.events_len()]; prep.nets.len()],
            year_of: calendar.iter().map(|c| c.0).collect(),
            calendar,
            probe: None,
            handed: vec![None; prep.nets.len()],
        }
    }

    /// Also record these step metrics ([`super::pertrial::STEP`]).
    pub fn record_steps(&mut self, metrics: &[usize]) {
        self.probe = (!metrics.is_empty()).then(|| StepProbe::new(metrics, self.prep));
    }

    /// The last trial's step values, if recorded.
    pub fn probe(&self) -> Option<&StepProbe> {
        self.probe.as_ref()
    }

    pub fn layout(&self) -> &Layout {
        &self.prep.layout
    }

    /// Run trial `trial` for every policy; results in `self.values`.
    /// Steps a policy shares with an earlier one are solved once
    /// ([`super::share`]): the earlier policy's engine serves both
    /// recorders, and hands its engine and state over where they part.
    pub fn run_trial(&mut self, trial: u64) -> Result<(), SimError> {
        let model = &self.prep.model;
        let share = &self.prep.sharing;
        let nets = &self.prep.nets;
        self.world.sample(model, trial);
        for (rec, net) in self.recorders.iter_mut().zip(nets) {
            rec.reset();
            rec.peaks.plan(model, net, &self.world.steps, &self.year_of);
        }
        for p in 0..nets.len() {
            let net = &nets[p];
            let (done, later) = self.engines.split_at_mut(p + 1);
            let engine = &mut done[p];
            let first = share.own[p];
            // A policy that leaves its first steps to another one takes over
            // that one's state where they part (if it has steps of its own).
            let handed = self.handed[p].take();
            debug_assert!(handed.is_some() == (first > 0 && first < self.world.steps.len()));
            let mut state = handed.unwrap_or_else(|| State::initial(model, net));
            for (t, draws) in self.world.steps.iter().enumerate().skip(first) {
                let (y, mo) = self.calendar[t];
                let served = || {
                    std::iter::once(p).chain(
                        share.feeds[p]
                            .iter()
                            .filter(move |(_, r)| r.contains(&t))
                            .map(|&(q, _)| q),
                    )
                };
                for x in served() {
                    self.recorders[x].before_step(model, &nets[x], t, y, &state.level);
                }
                engine
                    .step(t, draws, &mut state)
                    .map_err(|source| SimError::Step {
                        trial,
                        policy: model.policies[net.policy].id.clone(),
                        source,
                    })?;
                for x in served() {
                    let rec = &mut self.recorders[x];
                    rec.add_step(model, &nets[x], t, y, mo, &engine.out);
                    rec.peaks.after_solve(t, y, engine);
                    if let Some(probe) = &mut self.probe {
                        probe.record(model, &nets[x], x, t, &engine.out);
                    }
                }
                for &(q, after) in &share.handovers[p] {
                    if after == t {
                        later[q - p - 1].take_over(engine);
                        self.handed[q] = Some(state.clone());
                    }
                }
            }
            self.recorders[p].finish(
                model,
                &self.prep.layout,
                &mut self.values[p],
                &mut self.events[p],
            );
        }
        Ok(())
    }

    /// The last trial's values per policy (layout order).
    pub fn values(&self) -> &[Vec<f64>] {
        &self.values
    }

    /// Events of disruption `d` in the last trial.
    pub fn events_of(&self, d: usize) -> u32 {
        self.world.counts[d]
    }
}

/// Options of a Monte Carlo run.
pub struct McOptions<'a> {
    pub trials: Range<u64>,
    pub threads: usize,
    /// Called after each trial with the number of trials done so far in
    /// this worker's batch (1 per call).
    pub progress: &'a (dyn Fn() + Sync),
    /// Set to stop early; the run then returns [`SimError::Interrupted`].
    pub cancel: &'a AtomicBool,
}

/// Keeps what it needs of each trial (per-trial files, sensitivity
/// outputs). One sink serves one chunk of contiguous trials; the chunks'
/// sinks come back in trial order.
pub trait TrialSink: Send {
    /// Step metrics ([`super::pertrial::STEP`]) the worker should record.
    fn step_metrics(&self) -> &[usize] {
        &[]
    }
    /// Called after each trial, in trial order within the chunk.
    fn trial(&mut self, trial: u64, worker: &Worker);
}

/// A sink that keeps nothing.
pub struct NoSink;

impl TrialSink for NoSink {
    fn trial(&mut self, _: u64, _: &Worker) {}
}

/// Run the trials of `opts.trials` and return their statistics.
pub fn monte_carlo(prep: &Prepared, opts: &McOptions) -> Result<Accumulators, SimError> {
    monte_carlo_with(prep, opts, &|| NoSink).map(|(acc, _)| acc)
}

/// [`monte_carlo`], also handing every trial to a sink made by `sink` for
/// each chunk of trials; the sinks are returned in trial order. With
/// `[[uncertain]]` inputs every trial runs on the scenario with its own
/// drawn values ([`super::vary`]).
pub fn monte_carlo_with<S: TrialSink>(
    prep: &Prepared,
    opts: &McOptions,
    sink: &(dyn Fn() -> S + Sync),
) -> Result<(Accumulators, Vec<S>), SimError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads.max(1))
        .build()
        .map_err(|e| SimError::Threads {
            threads: opts.threads.max(1),
            message: e.to_string(),
        })?;
    let n = opts.trials.end.saturating_sub(opts.trials.start);
    // One contiguous chunk of trials per thread. Every worker adds each
    // trial to one shared set under a lock: one set alive, not one per
    // worker (adding a trial costs a few per cent of running it, so the
    // lock is rarely contended). Chunk boundaries and the order in which trials
    // reach the set do not matter: a set is a function of the multiset of
    // trials added.
    let chunks = (opts.threads.max(1) as u64).min(n.max(1));
    let bounds: Vec<Range<u64>> = (0..chunks)
        .map(|c| opts.trials.start + n * c / chunks..opts.trials.start + n * (c + 1) / chunks)
        .filter(|r| !r.is_empty())
        .collect();
    let total = Mutex::new(Accumulators::new(prep));
    let add = |worker: &Worker, trial: u64| -> Result<(), SimError> {
        // A worker that panicked mid-add poisons the lock; its panic ends
        // the run before the set is read, so the data is not used.
        let mut acc = total.lock().unwrap_or_else(PoisonError::into_inner);
        acc.add(prep, &worker.values, &worker.events)?;
        if let Some(st) = &mut acc.strata {
            let n = worker.events_of(st.disruption);
            st.add(&prep.layout, &worker.values, &worker.events, n)?;
        }
        acc.fingerprint.add(prep.model.seed, trial);
        Ok(())
    };
    let sinks = pool.install(|| {
        bounds
            .into_par_iter()
            .map(|range| {
                let mut sink = sink();
                let mut worker = Worker::new(prep);
                worker.record_steps(sink.step_metrics());
                for trial in range {
                    if opts.cancel.load(Ordering::Relaxed) {
                        return Err(SimError::Interrupted);
                    }
                    match &prep.model.uncertain {
                        None => {
                            worker.run_trial(trial)?;
                            add(&worker, trial)?;
                            sink.trial(trial, &worker);
                        }
                        Some(set) => {
                            let values = super::vary::drawn(set, prep.model.seed, trial);
                            let varied = super::vary::prepared_with(prep, &values)?;
                            let mut w = Worker::new(&varied);
                            w.record_steps(sink.step_metrics());
                            w.run_trial(trial)?;
                            add(&w, trial)?;
                            sink.trial(trial, &w);
                        }
                    }
                    (opts.progress)();
                }
                Ok(sink)
            })
            .collect::<Result<Vec<_>, SimError>>()
    })?;
    let mut acc = total.into_inner().unwrap_or_else(PoisonError::into_inner);
    acc.flush();
    Ok((acc, sinks))
}

/// Step results of a run without uncertainty (every draw at its expected
/// value, the `[[spell]]`s imposed), one entry per step, for one policy of
/// `prep`.
pub fn deterministic(prep: &Prepared, policy: usize) -> Result<Vec<StepOut>, SimError> {
    // Every draw at its expectation, but the spells imposed on dates.
    let draws = super::weather::expected(&prep.model);
    outputs(prep, policy, &draws, 0)
}

/// Step results of Monte Carlo trial `trial` for one policy of `prep`: the
/// world `gasdep run` draws for that trial (and its `[[uncertain]]`
/// inputs), one entry per step, as the run solves them (a policy's steps
/// solved alone equal those it shares with another, docs/performance.md).
pub fn trial(prep: &Prepared, policy: usize, trial: u64) -> Result<Vec<StepOut>, SimError> {
    let varied;
    let prep = match &prep.model.uncertain {
        None => prep,
        Some(set) => {
            let values = super::vary::drawn(set, prep.model.seed, trial);
            varied = super::vary::prepared_with(prep, &values)?;
            &varied
        }
    };
    let mut world = World::new(&prep.model);
    world.sample(&prep.model, trial);
    outputs(prep, policy, &world.steps, trial)
}

/// Step results of one policy of `prep` under `draws` (one per step).
fn outputs(
    prep: &Prepared,
    policy: usize,
    draws: &[super::engine::Draws],
    trial: u64,
) -> Result<Vec<StepOut>, SimError> {
    let model = &prep.model;
    let net = &prep.nets[policy];
    let mut engine = Engine::new(model, net);
    let mut state = State::initial(model, net);
    let mut outs = Vec::with_capacity(net.steps.len());
    for (t, draws) in draws.iter().enumerate() {
        engine
            .step(t, draws, &mut state)
            .map_err(|source| SimError::Step {
                trial,
                policy: model.policies[net.policy].id.clone(),
                source,
            })?;
        outs.push(engine.out.clone());
    }
    Ok(outs)
}

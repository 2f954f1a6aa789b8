//! Loading and validation: TOML text → [`ScenarioFile`] → checked [`Model`].
//!
//! Syntax errors and unknown keys stop at the first one (that is what the
//! TOML deserializer gives); every semantic problem after that is collected
//! and reported together, each with its line, column and a fix, in the
//! order of the file.
//!
//! Inputs: the text of a scenario file (any text: this must not panic, and
//! a fuzz target checks that, see fuzz/). Output: the parsed file and a
//! [`Model`] whose invariants are listed in `resolved.rs`, or a
//! [`ScenarioError`] with at least one problem, each with line ≥ 1.
//!
//! Beyond finiteness, quantities are held to documented magnitude limits
//! ([`super::units::limit`]: rates ≤ 100 000 TWh/y, energies ≤ 100 000 TWh,
//! prices ≤ 100 000 EUR/MWh, durations ≤ 100 y; yearly trends within
//! (-100 %, +100 %] that must not compound past the rate limit; scale
//! factors ≤ 10 000 %; at most [`MAX_NODES`] nodes), because the engine
//! turns volumes and prices into integers for the solver.

mod contracts;
mod daily;
mod events;
mod focus;
mod market;
mod nodes;
mod pipelines;
mod policies;
mod supplier;
mod uncertain;
mod weather;
pub use uncertain::MAX_UNCERTAIN;

use super::error::{Locator, Problem, ScenarioError};
use super::model::*;
use super::model_dated::{DemandShift, Event};
use super::resolved::*;
use super::time::{Day, parse_date, parse_month_day};
use super::units::{DEFAULT_GCV_KWH_PER_M3, Dimension, UnitError, limit, parse};
use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

mod limits;
pub use limits::{MAX_ARCS, MAX_CONTRACTS, MAX_PIPELINES, MAX_STEPS};

/// Read and check a scenario file (resolving `extends`, see
/// [`super::extends`]).
pub fn load(path: &Path) -> Result<Model, ScenarioError> {
    super::extends::load_file(path).map(|(m, _)| m)
}

/// Check scenario text; `path` is only used in messages.
pub fn load_str(text: &str, path: &Path) -> Result<(ScenarioFile, Model), ScenarioError> {
    let (file, model) = load_checked(text, path)?;
    // Uncertain inputs: the scenario must be valid at both ends of each.
    if let Some(set) = &model.uncertain {
        let problems = uncertain::check_ends(set, path);
        if !problems.is_empty() {
            let path = path.to_path_buf();
            return Err(ScenarioError::Invalid { path, problems });
        }
    }
    Ok((file, model))
}

/// Check scenario text with uncertain inputs set to drawn values (their
/// ends were checked with the scenario).
pub(crate) fn load_variant(text: &str, path: &Path) -> Result<Model, ScenarioError> {
    load_checked(text, path).map(|(_, m)| m)
}

fn load_checked(text: &str, path: &Path) -> Result<(ScenarioFile, Model), ScenarioError> {
    let loc = Locator::new(text);
    if let Some(p) = super::input::nesting_problem(text, &loc) {
        let (path, problems) = (path.to_path_buf(), vec![p]);
        return Err(ScenarioError::Invalid { path, problems });
    }
    let file: ScenarioFile = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let message = e.message().trim().to_string();
        let help = if message.starts_with("unknown field") {
            Some("remove or rename the key; `gasdep schema` lists every field".into())
        } else if message.starts_with("missing field") {
            Some("add the field; docs/scenario-format.md lists what each table needs".into())
        } else if message.starts_with("invalid type") && message.ends_with("expected a string") {
            Some("quantities, dates and ids are quoted strings, e.g. capacity = \"55 bcm/y\"".into())
        } else if ["invalid type", "invalid value", "invalid length"]
            .iter()
            .any(|k| message.starts_with(k))
        {
            // serde's wording for a value of the wrong kind.
            Some("plain numbers (trials, seed, lat, lon, profile, sigma) are unquoted, e.g. trials = 1000; quantities, dates and ids are quoted strings".into())
        } else {
            // A TOML syntax error.
            Some("check the TOML syntax here: strings in double quotes, one `key = value` per line, [table] and [[array]] headers on their own line".into())
        };
        ScenarioError::Invalid {
            path: path.to_path_buf(),
            problems: vec![loc.problem(&span, message, help)],
        }
    })?;
    let mut cx = Ctx {
        loc,
        problems: Vec::new(),
        gcv: DEFAULT_GCV_KWH_PER_M3,
        years: 0.0,
    };
    let model = cx.model(&file);
    if cx.problems.is_empty()
        && let Some(model) = model
    {
        return Ok((file, model));
    }
    let mut problems = cx.problems;
    problems.sort_by_key(|p| (p.line, p.column));
    if problems.is_empty() {
        // Defensive: a None model always comes with a problem.
        problems.push(Problem {
            line: 1,
            column: 1,
            message: "scenario could not be resolved".into(),
            help: None,
            file: None,
        });
    }
    Err(ScenarioError::Invalid {
        path: path.to_path_buf(),
        problems,
    })
}

pub(super) struct Ctx<'a> {
    loc: Locator<'a>,
    problems: Vec<Problem>,
    gcv: f64,
    /// Length of the simulated horizon in years (0 until the dates are read);
    /// bounds what yearly trends can compound to.
    years: f64,
}

/// Most nodes a scenario may have. The weather model factors an n × n
/// correlation matrix (n³/3 operations, 8 n² bytes): 2000 nodes take about
/// a second and 32 MB; Europe's gas network has a few dozen zones.
pub const MAX_NODES: usize = 2000;

/// Default cost of each MWh missing from a storage target, EUR/MWh.
pub const DEFAULT_TARGET_PENALTY: f64 = 150.0;

/// Id tables for references.
#[derive(Default)]
struct Ids {
    nodes: HashMap<String, usize>,
    origins: HashMap<String, usize>,
    companies: HashMap<String, usize>,
    pipelines: HashMap<String, usize>,
    contracts: HashMap<String, usize>,
    /// Country of each origin, by index.
    origin_country: Vec<String>,
    /// `from` and `to` ids of each pipeline as written, by index.
    pipe_ends: Vec<(String, String)>,
    /// Whether each origin is an LNG exporter, by index.
    origin_lng: Vec<bool>,
    /// Whether each node has `[node.storage]`, by index.
    node_storage: Vec<bool>,
}

fn known(map: &HashMap<String, usize>) -> String {
    let mut v: Vec<(&String, &usize)> = map.iter().collect();
    v.sort_by_key(|(_, i)| **i);
    let names: Vec<&str> = v.iter().map(|(k, _)| k.as_str()).collect();
    if names.is_empty() {
        "none are defined".into()
    } else if names.len() > 20 {
        format!(
            "known: {}, … ({} in all)",
            names[..20].join(", "),
            names.len()
        )
    } else {
        format!("known: {}", names.join(", "))
    }
}

/// Default demand change per standard deviation of the daily weather
/// deviation (assumption): with the default monthly sensitivity of 8 % it
/// puts the simulated 1-in-20 peak day of a typical node near the default
/// `peak_day` of 1.5 × the January average day (docs/model.md, "Weather by
/// day").
pub const DEFAULT_DAILY_SENSITIVITY: f64 = 0.20;

/// Default day-to-day autocorrelation of the daily weather deviation
/// (assumption: winter temperature anomalies in Europe persist for a few
/// days; 0.8 gives an e-folding time of ≈ 4.5 days).
pub const DEFAULT_DAILY_AUTOCORRELATION: f64 = 0.8;

/// Default heating profile, January first: a typical EU shape for
/// heating-driven demand, 3.5 × from January to July. At the EU's sector
/// shares in the shipped files (≈ 40 % protected, 33 % industry, 27 %
/// power) total demand is then ≈ 1.9 × from January to July, flatter than
/// Eurostat's monthly consumption (docs/validation.md, "The seasonal
/// profile, measured").
pub const DEFAULT_PROFILE: [f64; 12] = [
    1.75, 1.55, 1.35, 0.95, 0.70, 0.55, 0.50, 0.50, 0.60, 0.90, 1.30, 1.60,
];

impl Ctx<'_> {
    pub(super) fn err(
        &mut self,
        span: &Range<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let help = help.into();
        let p = self
            .loc
            .problem(span, message.into(), (!help.is_empty()).then_some(help));
        self.problems.push(p);
    }

    pub(super) fn q(&mut self, q: &Quantity, dim: Dimension, what: &str) -> Option<f64> {
        match parse(q.text(), dim, self.gcv) {
            Ok(v) => {
                // Finite is not enough: the engine turns volumes and prices
                // into integers for the solver (see units::limit).
                if let Some((max, shown)) = limit(dim)
                    && v.abs() > max
                {
                    self.err(
                            &q.span(),
                            format!("{what} \"{}\" is beyond the limit of {shown}", q.text()),
                            format!("{what} must be at most {shown} in size; check the unit and the exponent"),
                        );
                    return None;
                }
                Some(v)
            }
            Err(UnitError::WrongDimension { unit, found }) => {
                self.err(
                    &q.span(),
                    format!(
                        "{what} \"{}\" is {found} (unit '{unit}'), but {what} must be {dim}",
                        q.text()
                    ),
                    format!("{what} is {dim}: {}", dim.examples()),
                );
                None
            }
            Err(e) => {
                self.err(
                    &q.span(),
                    format!("{what} \"{}\" {e}", q.text()),
                    format!("{what} is {dim}: {}", dim.examples()),
                );
                None
            }
        }
    }

    /// A quantity that must be ≥ 0.
    pub(super) fn qpos(&mut self, q: &Quantity, dim: Dimension, what: &str) -> Option<f64> {
        let v = self.q(q, dim, what)?;
        if v < 0.0 {
            self.err(
                &q.span(),
                format!("{what} is negative ({})", q.text()),
                "use a value ≥ 0",
            );
            return None;
        }
        Some(v)
    }

    /// A share in 0–100 %.
    pub(super) fn share(&mut self, q: &Quantity, what: &str) -> Option<f64> {
        let v = self.qpos(q, Dimension::Share, what)?;
        if v > 1.0 {
            self.err(
                &q.span(),
                format!("{what} is above 100 % ({})", q.text()),
                "use a share from 0 % to 100 %",
            );
            return None;
        }
        Some(v)
    }

    pub(super) fn opt<T>(
        &mut self,
        q: &Option<Quantity>,
        default: T,
        f: impl FnOnce(&mut Self, &Quantity) -> Option<T>,
    ) -> Option<T> {
        match q {
            None => Some(default),
            Some(q) => f(self, q),
        }
    }

    fn date(&mut self, d: &At<String>, what: &str) -> Option<Day> {
        match parse_date(d.get()) {
            Ok(day) => Some(day),
            Err(e) => {
                self.err(
                    &d.span(),
                    format!("{what} \"{}\": {e}", d.get()),
                    "write dates as YYYY-MM or YYYY-MM-DD",
                );
                None
            }
        }
    }

    fn opt_date(&mut self, d: &Option<At<String>>, what: &str) -> Option<Option<Day>> {
        match d {
            None => Some(None),
            Some(d) => self.date(d, what).map(Some),
        }
    }

    fn lookup(
        &mut self,
        map: &HashMap<String, usize>,
        r: &At<String>,
        what: &str,
    ) -> Option<usize> {
        match map.get(r.get()) {
            Some(&i) => Some(i),
            None => {
                let k = known(map);
                self.err(
                    &r.span(),
                    format!("{what} '{}' is not defined ({k})", r.get()),
                    "define it or use one of the known ids".to_string(),
                );
                None
            }
        }
    }

    fn unique(
        &mut self,
        map: &mut HashMap<String, usize>,
        id: &At<String>,
        kind: &str,
        index: usize,
    ) {
        let name = id.get();
        if name.trim().is_empty() {
            self.err(
                &id.span(),
                format!("{kind} id is empty"),
                "give it a short id such as FR",
            );
        } else if map.insert(name.clone(), index).is_some() {
            self.err(
                &id.span(),
                format!("duplicate {kind} id '{name}'"),
                format!("each {kind} needs its own id"),
            );
        }
    }

    fn target(&mut self, ids: &Ids, t: &At<String>) -> Option<Target> {
        let s = t.get();
        let lng: fn(usize) -> Target = Target::Lng;
        for (prefix, make) in [("lng:", lng), ("storage:", Target::Storage)] {
            let Some(node) = s.strip_prefix(prefix) else {
                continue;
            };
            if let Some(&i) = ids.nodes.get(node) {
                return Some(make(i));
            }
            let k = known(&ids.nodes);
            self.err(
                &t.span(),
                format!("target '{s}' names unknown node '{node}' ({k})"),
                format!("write {prefix}NODE with a node id"),
            );
            return None;
        }
        if let Some(&i) = ids.pipelines.get(s) {
            return Some(Target::Pipeline(i));
        }
        if let Some(&i) = ids.origins.get(s) {
            return Some(Target::Origin(i));
        }
        let (kp, ko) = (known(&ids.pipelines), known(&ids.origins));
        self.err(
            &t.span(),
            format!("target '{s}' is neither a pipeline nor an origin"),
            format!("use a pipeline id ({kp}), an origin id ({ko}), lng:NODE or storage:NODE"),
        );
        None
    }

    fn model(&mut self, f: &ScenarioFile) -> Option<Model> {
        let s = &f.scenario;
        if let Some(e) = &f.extends {
            self.err(
                &e.span(),
                "extends is resolved only when the scenario is read from its file",
                "give gasdep the file itself (gasdep validate FILE, gasdep run FILE)",
            );
        }
        if let Some(r) = f.remove.as_ref().and_then(|r| r.first()) {
            self.err(
                &r.span(),
                "remove applies only with extends, to the base's elements",
                "delete the element itself, or extend the file that has it",
            );
        }
        if let Some(q) = &s.calorific_value
            && let Some(g) = self.qpos(q, Dimension::CalorificValue, "calorific_value")
        {
            if !(8.0..=13.0).contains(&g) {
                self.err(
                    &q.span(),
                    format!(
                        "calorific_value {} is outside natural gas's range",
                        q.text()
                    ),
                    "use a value between 8 and 13 kWh/m3 (default 10.9)",
                );
            } else {
                self.gcv = g;
            }
        }
        let name = s.name.get().clone();
        if name.len() > 100 {
            self.err(
                &s.name.span(),
                format!("scenario name is {} characters long", name.chars().count()),
                "use a short name (at most 100 characters): it becomes a folder name",
            );
        } else if name.is_empty()
            || name.starts_with('.')
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            self.err(
                &s.name.span(),
                format!(
                    "scenario name '{}' cannot be used as a folder name",
                    name.escape_debug()
                ),
                "use letters, digits, '-', '_' and '.' only, not starting with '.'",
            );
        }
        let start = self.date(&s.start, "start");
        let end = self.date(&s.end, "end");
        let (start, end) = match (start, end) {
            (Some(a), Some(b)) => {
                let (ya, ma, _) = a.ymd();
                let (yb, mb, _) = b.ymd();
                let a = Day::from_ymd(ya, ma, 1);
                let b_next = if mb == 12 {
                    Day::from_ymd(yb + 1, 1, 1)
                } else {
                    Day::from_ymd(yb, mb + 1, 1)
                };
                if b_next <= a {
                    self.err(
                        &s.end.span(),
                        format!("end {} is before start {}", s.end.get(), s.start.get()),
                        "the end month must be the start month or later",
                    );
                }
                (a, b_next)
            }
            _ => (Day(0), Day(0)),
        };
        self.years = end.years_since(start).max(0.0);
        let step = match s.step.as_ref().map(|x| (x.get().as_str(), x.span())) {
            None | Some(("month", _)) => StepKind::Month,
            Some(("day", _)) => StepKind::Day,
            Some((other, span)) => {
                self.err(
                    &span,
                    format!("step '{other}' is not known"),
                    "use \"month\" or \"day\"",
                );
                StepKind::Month
            }
        };
        // A first bound before the calendar is read (it may only add steps).
        self.step_limit(start, end, step, &s.end.span());
        let trials = s.trials.as_ref().map_or(1000, |t| *t.get());
        if let Some(t) = &s.trials
            && (*t.get() == 0 || *t.get() > 100_000_000)
        {
            self.err(
                &t.span(),
                format!("trials = {} is out of range", t.get()),
                "use 1 to 100 000 000 trials (shard larger runs with --shard)",
            );
        }
        let seed = s.seed.as_ref().map_or(1, |t| *t.get());
        let dependency: Vec<String> = match &s.dependency {
            Some(v) => {
                if v.is_empty() {
                    // The list has no span in the model: find the key.
                    let span = self
                        .loc
                        .find_key("dependency")
                        .unwrap_or_else(|| s.name.span());
                    self.err(
                        &span,
                        "dependency = [] counts no country",
                        "list the origin countries to trace, e.g. [\"RU\"]",
                    );
                }
                v.iter().map(|x| x.get().clone()).collect()
            }
            None => vec!["RU".into()],
        };
        let solidarity = self
            .solidarity(&s.solidarity)
            .unwrap_or(Solidarity::Cooperative);
        // No early return on a bad value: every problem is to be reported.
        let production_price = self.opt(&s.production_price, 15.0, |c, q| {
            c.qpos(q, Dimension::Price, "production_price")
        });

        let mut ids = Ids::default();
        let nodes: Vec<Option<NodeM>> = f
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                self.unique(&mut ids.nodes, &n.id, "node", i);
                ids.node_storage.push(n.storage.is_some());
                self.node(n)
            })
            .collect();
        if let Some(n) = f.nodes.get(MAX_NODES) {
            self.err(
                &n.id.span(),
                format!(
                    "the scenario has {} nodes, more than the {MAX_NODES} a scenario may have",
                    f.nodes.len()
                ),
                "merge nodes into larger zones",
            );
        }
        self.count_limits(f);
        if f.nodes.is_empty() {
            self.err(
                &s.name.span(),
                "the scenario has no [[node]]",
                "add at least one node with its demand",
            );
        }
        let origins: Vec<Option<OriginM>> = f
            .origins
            .iter()
            .enumerate()
            .map(|(i, o)| {
                self.unique(&mut ids.origins, &o.id, "origin", i);
                ids.origin_country.push(o.country.get().clone());
                ids.origin_lng.push(o.kind.get() == "lng");
                if ids.nodes.contains_key(o.id.get()) {
                    self.err(
                        &o.id.span(),
                        format!("origin id '{}' is also a node id", o.id.get()),
                        "origins and nodes share one name space: rename one (e.g. RU-pipe)",
                    );
                }
                self.origin(o)
            })
            .collect();
        let companies: Vec<CompanyM> = f
            .companies
            .iter()
            .enumerate()
            .map(|(i, c)| {
                self.unique(&mut ids.companies, &c.id, "company", i);
                CompanyM {
                    id: c.id.get().clone(),
                    country: c.country.get().clone(),
                }
            })
            .collect();
        for (i, p) in f.pipelines.iter().enumerate() {
            self.unique(&mut ids.pipelines, &p.id, "pipeline", i);
        }
        ids.pipe_ends = f
            .pipelines
            .iter()
            .map(|p| (p.from.get().clone(), p.to.get().clone()))
            .collect();
        let pipelines: Vec<Option<PipelineM>> =
            f.pipelines.iter().map(|p| self.pipeline(p, &ids)).collect();
        let mut contracts: Vec<Option<ContractM>> = Vec::new();
        for (i, c) in f.contracts.iter().enumerate() {
            self.unique(&mut ids.contracts, &c.id, "contract", i);
            contracts.push(self.contract(c, &ids, true));
        }
        let disruptions: Vec<Option<DisruptionM>> = f
            .disruptions
            .iter()
            .map(|d| self.disruption(d, &ids))
            .collect();
        self.one_grid(f);
        let events: Vec<Option<EventM>> = f
            .events
            .iter()
            .enumerate()
            .map(|(i, e)| self.event(e, &ids, i))
            .collect();
        let calendar = self.calendar(f, step, (start, end), &events);
        if let Some(c) = &calendar
            && self.problems.is_empty()
        {
            self.calendar_step_limit((start, end), step, c, &s.end.span());
        }
        let spells = self.spells(f, &ids);
        let demand_shifts = self.demand_shifts(&f.demand_shifts, &ids);
        let weather = self.weather(
            f.uncertainty.weather.as_ref(),
            f.nodes.len(),
            &s.name.span(),
        );
        let price_sd = self.opt(&f.uncertainty.price_sd, 0.0, |c, q| c.share(q, "price_sd"));
        let market = self.market(f.market.as_ref());
        let lng = match (&f.lng_market, &market) {
            (Some(m), Some(mk)) => self.lng(m, mk.price_cap),
            _ => None,
        };
        let mut nodes = nodes;
        if let Some(mk) = &market {
            let defaults = self.sector_defaults(f.market.as_ref());
            for (n, node) in nodes.iter_mut().zip(&f.nodes) {
                let curve = self.node_curve(&node.demand, &defaults, mk);
                if let (Some(n), Some(c)) = (n.as_mut(), curve) {
                    n.curve = c;
                }
            }
        }
        let held = self.holders(&f.nodes, &mut nodes, &companies, &ids);
        let mut policy_ids = HashMap::new();
        let mut policies = Vec::new();
        for (i, p) in f.policies.iter().enumerate() {
            self.unique(&mut policy_ids, &p.id, "policy", i);
        }
        for (i, p) in f.policies.iter().enumerate() {
            let pol = self
                .inherited(&f.policies, &policy_ids, i)
                .and_then(|base| self.policy(p, &base, &ids, &mut contracts, &f.pipelines));
            policies.push(pol);
        }
        let baseline = self.lookup(&policy_ids, &s.baseline, "baseline policy");
        let focus = self.focus(&s.focus, &ids);
        let uncertain = self.uncertain(&f.uncertain).map(|inputs| {
            (!inputs.is_empty()).then(|| {
                let text = self.loc.text().to_string();
                std::sync::Arc::new(super::uncertain::UncertainSet { text, inputs })
            })
        });

        // Only now is everything resolved: bail out if anything failed.
        let nodes: Option<Vec<_>> = nodes.into_iter().collect();
        let origins: Option<Vec<_>> = origins.into_iter().collect();
        let pipelines: Option<Vec<_>> = pipelines.into_iter().collect();
        let contracts: Option<Vec<_>> = contracts.into_iter().collect();
        let disruptions: Option<Vec<_>> = disruptions.into_iter().collect();
        let events: Option<Vec<_>> = events.into_iter().collect();
        let policies: Option<Vec<_>> = policies.into_iter().collect();
        if !self.problems.is_empty() || !held {
            return None;
        }
        Some(Model {
            name,
            description: s.description.clone(),
            start,
            end,
            step,
            trials,
            seed,
            dependency,
            gcv: self.gcv,
            baseline: baseline?,
            solidarity,
            production_price: production_price?,
            nodes: nodes?,
            origins: origins?,
            companies,
            pipelines: pipelines?,
            contracts: contracts?,
            disruptions: disruptions?,
            events: events?,
            weather: weather?,
            price_sd: price_sd?,
            market: market?,
            lng,
            policies: policies?,
            focus: focus?,
            calendar: calendar?,
            spells: spells?,
            demand_shifts: demand_shifts?,
            uncertain: uncertain?,
        })
    }

    fn solidarity(&mut self, s: &Option<At<String>>) -> Option<Solidarity> {
        match s.as_ref().map(|x| (x.get().as_str(), x.span())) {
            None | Some(("cooperative", _)) => Some(Solidarity::Cooperative),
            Some(("national-first", _)) => Some(Solidarity::NationalFirst),
            Some((other, span)) => {
                self.err(
                    &span,
                    format!("solidarity mode '{other}' is not known"),
                    "use \"cooperative\" or \"national-first\"",
                );
                None
            }
        }
    }

    fn coord(&mut self, v: &Option<At<f64>>, range: f64, what: &str) -> Option<f64> {
        let x = v.as_ref()?;
        if !x.get().is_finite() || x.get().abs() > range {
            self.err(
                &x.span(),
                format!("{what} {} is out of range", x.get()),
                format!("use degrees from -{range} to {range}"),
            );
            return None;
        }
        Some(*x.get())
    }
}

/// The first day after an inclusive window end written as `YYYY-MM` (the
/// whole month counts) or `YYYY-MM-DD` (that day counts).
pub(super) fn end_of_window(last: Day, text: &str) -> Day {
    if text.trim().split('-').count() == 3 {
        return Day(last.0 + 1);
    }
    let (y, m, _) = last.ymd();
    Day(last.0 + super::units::days_in_month(y, m) as i32)
}

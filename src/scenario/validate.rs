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
mod focus;
mod market;
mod supplier;
mod uncertain;
pub use uncertain::MAX_UNCERTAIN;

use super::error::{Locator, Problem, ScenarioError};
use super::model::*;
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
/// heating-driven demand (Eurostat monthly data show total EU consumption
/// in January ≈ 2.5 × July; with flat industry demand that needs a heating
/// factor ≈ 3.5 × from January to July).
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
        if let Some(node) = s.strip_prefix("lng:") {
            return match ids.nodes.get(node) {
                Some(&i) => Some(Target::Lng(i)),
                None => {
                    let k = known(&ids.nodes);
                    self.err(
                        &t.span(),
                        format!("target '{s}' names unknown node '{node}' ({k})"),
                        "write lng:NODE with a node id",
                    );
                    None
                }
            };
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
            format!("use a pipeline id ({kp}), an origin id ({ko}) or lng:NODE"),
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
            policies.push(self.policy(p, &ids, &mut contracts, &f.pipelines));
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

    fn node(&mut self, n: &Node) -> Option<NodeM> {
        let d = &n.demand;
        let protected = self.qpos(&d.protected, Dimension::Rate, "demand.protected");
        let industry = self.qpos(&d.industry, Dimension::Rate, "demand.industry");
        let power = self.qpos(&d.power, Dimension::Rate, "demand.power");
        let trend = self.opt(&d.trend, 0.0, |c, q| {
            c.q(q, Dimension::PerYear, "demand.trend")
        });
        let trend = self.trend(trend, &d.trend, "demand.trend");
        let mut profile = DEFAULT_PROFILE;
        if let Some(p) = &d.profile {
            let v = p.get();
            if v.len() != 12
                || v.iter().any(|x| !x.is_finite() || *x < 0.0)
                || v.iter().sum::<f64>() <= 0.0
            {
                self.err(
                    &p.span(),
                    "demand.profile needs twelve non-negative numbers, not all zero",
                    "give one factor per month, January first, e.g. [1.75, 1.55, …]",
                );
            } else {
                profile.copy_from_slice(v);
            }
        }
        let mean = profile.iter().sum::<f64>() / 12.0;
        profile.iter_mut().for_each(|x| *x /= mean);
        let weather_sensitivity = self.opt(&d.weather_sensitivity, 0.08, |c, q| {
            c.share(q, "demand.weather_sensitivity")
        });
        let daily_sensitivity =
            self.opt(&d.daily_sensitivity, DEFAULT_DAILY_SENSITIVITY, |c, q| {
                c.share(q, "demand.daily_sensitivity")
            });
        let demand = [protected?, industry?, power?];
        self.compounding(&d.trend, trend, demand.iter().sum(), "demand");
        let january = demand[0] * profile[0] + demand[1] + demand[2] * (0.5 + 0.5 * profile[0]);
        let peak_day = self.opt(&d.peak_day, january * 1.5, |c, q| {
            c.qpos(q, Dimension::Rate, "demand.peak_day")
        });
        let production = match &n.production {
            None => Some(None),
            Some(p) => {
                let rate = self.qpos(&p.rate, Dimension::Rate, "production.rate");
                let trend = self.opt(&p.trend, 0.0, |c, q| {
                    c.q(q, Dimension::PerYear, "production.trend")
                });
                let trend = self.trend(trend, &p.trend, "production.trend");
                if let Some(r) = rate {
                    self.compounding(&p.trend, trend, r, "production");
                }
                let schedule = self.rate_points(&p.schedule, "production.schedule");
                Some(Some(ProductionM {
                    rate: rate?,
                    trend: trend?,
                    schedule: schedule?,
                }))
            }
        };
        let storage = match &n.storage {
            None => Some(None),
            Some(s) => {
                let volume = self.qpos(&s.volume, Dimension::Energy, "storage.volume");
                let injection = self.qpos(&s.injection, Dimension::Rate, "storage.injection");
                let withdrawal = self.qpos(&s.withdrawal, Dimension::Rate, "storage.withdrawal");
                let initial_fill = self.share(&s.initial_fill, "storage.initial_fill");
                let knee = self.opt(&s.withdrawal_knee, 0.4, |c, q| {
                    c.share(q, "storage.withdrawal_knee")
                });
                let injection_knee = self.opt(&s.injection_knee, 0.8, |c, q| {
                    let k = c.share(q, "storage.injection_knee")?;
                    if k >= 1.0 {
                        c.err(
                            &q.span(),
                            "storage.injection_knee is 100 %",
                            "use a fill below 100 % (injection falls from there to 0 when full)",
                        );
                        return None;
                    }
                    Some(k)
                });
                Some(Some(StorageM {
                    volume: volume?,
                    injection: injection?,
                    withdrawal: withdrawal?,
                    initial_fill: initial_fill?,
                    knee: knee?,
                    injection_knee: injection_knee?,
                }))
            }
        };
        let lng_regas = self.opt(&n.lng_regas, 0.0, |c, q| {
            c.qpos(q, Dimension::Rate, "lng_regas")
        });
        let lng_schedule = self.rate_points(&n.lng_schedule, "lng_schedule");
        let lat = self.coord(&n.lat, 90.0, "lat");
        let lon = self.coord(&n.lon, 180.0, "lon");
        Some(NodeM {
            id: n.id.get().clone(),
            name: n.name.clone().unwrap_or_else(|| n.id.get().clone()),
            lat: lat.unwrap_or(50.0),
            lon: lon.unwrap_or(10.0),
            country: n
                .country
                .as_ref()
                .map_or_else(|| n.id.get().clone(), |c| c.get().clone()),
            demand,
            trend: trend?,
            profile,
            weather_sensitivity: weather_sensitivity?,
            daily_sensitivity: daily_sensitivity?,
            peak_day: peak_day?,
            // Set once `[market]` is read (see `model`).
            curve: DemandCurve::firm(),
            production: production?,
            storage: storage?,
            lng_regas: [(DISTANT_PAST, lng_regas?)]
                .into_iter()
                .chain(lng_schedule?)
                .collect(),
        })
    }

    /// A yearly change must stay within (-100 %, +100 %] a year.
    fn trend(&mut self, t: Option<f64>, q: &Option<Quantity>, what: &str) -> Option<f64> {
        if let (Some(v), Some(q)) = (t, q)
            && (v <= -1.0 || v > 1.0)
        {
            self.err(
                &q.span(),
                format!("{what} {} is not a plausible yearly change", q.text()),
                "use a change above -100 %/y and at most +100 %/y",
            );
            return None;
        }
        t
    }

    /// A growing rate compounded over the horizon must stay within the
    /// rate limit, or the engine's integer volumes would overflow.
    fn compounding(&mut self, q: &Option<Quantity>, trend: Option<f64>, rate: f64, what: &str) {
        let (Some(q), Some(t)) = (q, trend) else {
            return;
        };
        let Some((max, shown)) = limit(Dimension::Rate) else {
            return;
        };
        if t > 0.0 && rate > 0.0 && rate * (1.0 + t).powf(self.years) > max {
            self.err(
                &q.span(),
                format!(
                    "{what} growing by {} would exceed {shown} before the end of the scenario",
                    q.text()
                ),
                "use a smaller trend or a shorter horizon (or a schedule)",
            );
        }
    }

    pub(super) fn rate_points(&mut self, pts: &[RatePoint], what: &str) -> Option<Vec<(Day, f64)>> {
        let mut out = Vec::new();
        let mut ok = true;
        for p in pts {
            let d = self.date(&p.from, &format!("{what}.from"));
            let r = self.qpos(&p.rate, Dimension::Rate, &format!("{what}.rate"));
            match (d, r) {
                (Some(d), Some(r)) => {
                    if out.last().is_some_and(|&(last, _)| last >= d) {
                        self.err(
                            &p.from.span(),
                            format!("{what} dates are not in increasing order"),
                            "list the points from earliest to latest",
                        );
                        ok = false;
                    }
                    out.push((d, r));
                }
                _ => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn origin(&mut self, o: &Origin) -> Option<OriginM> {
        let kind = match o.kind.get().as_str() {
            "pipe" => Some(OriginKind::Pipe),
            "lng" => Some(OriginKind::Lng),
            other => {
                self.err(
                    &o.kind.span(),
                    format!("origin kind '{other}' is not known"),
                    "use \"pipe\" or \"lng\"",
                );
                None
            }
        };
        let price = self.qpos(&o.price, Dimension::Price, "price");
        let competing_price = match (&o.competing_price, kind) {
            (None, _) => price,
            (Some(q), Some(OriginKind::Lng)) => self.qpos(q, Dimension::Price, "competing_price"),
            (Some(q), _) => {
                self.err(
                    &q.span(),
                    "competing_price is given for a pipe origin",
                    "only LNG origins sell to the competing market of [lng_market]: remove it",
                );
                None
            }
        };
        let capacity = self.qpos(&o.capacity, Dimension::Rate, "capacity");
        let schedule = self.rate_points(&o.schedule, "schedule");
        let lat = self.coord(&o.lat, 90.0, "lat");
        let lon = self.coord(&o.lon, 180.0, "lon");
        Some(OriginM {
            id: o.id.get().clone(),
            name: o.name.clone().unwrap_or_else(|| o.id.get().clone()),
            country: o.country.get().clone(),
            kind: kind?,
            price: price?,
            competing_price: competing_price?,
            capacity: [(DISTANT_PAST, capacity?)]
                .into_iter()
                .chain(schedule?)
                .collect(),
            lat,
            lon,
        })
    }

    fn pipeline(&mut self, p: &Pipeline, ids: &Ids) -> Option<PipelineM> {
        let from = match (ids.origins.get(p.from.get()), ids.nodes.get(p.from.get())) {
            (Some(&o), _) => Some(Endpoint::Origin(o)),
            (None, Some(&n)) => Some(Endpoint::Node(n)),
            (None, None) => {
                let (ko, kn) = (known(&ids.origins), known(&ids.nodes));
                self.err(
                    &p.from.span(),
                    format!(
                        "pipeline '{}' comes from unknown '{}'",
                        p.id.get(),
                        p.from.get()
                    ),
                    format!("use an origin ({ko}) or a node ({kn})"),
                );
                None
            }
        };
        let to = match ids.nodes.get(p.to.get()) {
            Some(&i) => Some(i),
            None => {
                let k = known(&ids.nodes);
                let hint = if ids.origins.contains_key(p.to.get()) {
                    "; it is an origin, and gas flows from origins only"
                } else {
                    ""
                };
                self.err(
                    &p.to.span(),
                    format!(
                        "pipeline '{}' goes to unknown node '{}'{hint} ({k})",
                        p.id.get(),
                        p.to.get()
                    ),
                    "`to` must be the id of a [[node]]",
                );
                None
            }
        };
        if let (Some(Endpoint::Node(a)), Some(b)) = (from, to)
            && a == b
        {
            self.err(
                &p.to.span(),
                format!("pipeline '{}' goes from a node to itself", p.id.get()),
                "a pipeline links two different places",
            );
        }
        let capacity = self.qpos(&p.capacity, Dimension::Rate, "capacity");
        let reverse = self.opt(&p.reverse_capacity, 0.0, |c, q| {
            c.qpos(q, Dimension::Rate, "reverse_capacity")
        });
        if let (Some(Endpoint::Origin(_)), Some(r), Some(q)) = (from, reverse, &p.reverse_capacity)
            && r > 0.0
        {
            self.err(
                &q.span(),
                "reverse_capacity on a pipeline from an origin",
                "gas cannot flow back into an origin: remove reverse_capacity",
            );
        }
        let online = self.opt_date(&p.online, "online");
        let offline = self.opt_date(&p.offline, "offline");
        if let (Some(Some(a)), Some(Some(b)), Some(off)) = (online, offline, &p.offline)
            && b <= a
        {
            self.err(
                &off.span(),
                format!(
                    "pipeline '{}' goes offline ({}) before it comes online",
                    p.id.get(),
                    off.get()
                ),
                "offline must be after online",
            );
        }
        let stages = self.rate_points(&p.stages, "stages");
        let tariff = self.opt(&p.tariff, 0.0, |c, q| c.qpos(q, Dimension::Price, "tariff"));
        let rights_tariff = self.opt(&p.rights_tariff, tariff.unwrap_or(0.0) / 2.0, |c, q| {
            c.qpos(q, Dimension::Price, "rights_tariff")
        });
        let mut owners = Vec::new();
        let mut total = 0.0;
        let mut over = false;
        for o in &p.owners {
            let c = self.lookup(&ids.companies, &o.company, "owner company");
            let s = self.share(&o.stake, "stake");
            if let (Some(c), Some(s)) = (c, s) {
                if owners.iter().any(|&(x, _)| x == c) {
                    self.err(
                        &o.company.span(),
                        format!("company '{}' owns '{}' twice", o.company.get(), p.id.get()),
                        "give each owner one entry with its whole stake",
                    );
                }
                total += s;
                owners.push((c, s));
                // Reported once, at the stake that takes the sum over 100 %.
                if total > 1.0 + 1e-9 && !over {
                    over = true;
                    self.err(
                        &o.stake.span(),
                        format!(
                            "stakes in pipeline '{}' sum to {:.1} % with this one",
                            p.id.get(),
                            total * 100.0
                        ),
                        "stakes of all owners must add up to at most 100 %",
                    );
                }
            }
        }
        let mut st = vec![(online?.unwrap_or(DISTANT_PAST), capacity?)];
        for ((d, r), raw) in stages?.into_iter().zip(&p.stages) {
            if d <= st[0].0 {
                self.err(
                    &raw.from.span(),
                    format!(
                        "pipeline '{}' has a stage before it comes online",
                        p.id.get()
                    ),
                    "stages must start after `online`",
                );
            }
            st.push((d, r));
        }
        Some(PipelineM {
            id: p.id.get().clone(),
            name: p.name.clone().unwrap_or_else(|| p.id.get().clone()),
            from: from?,
            to: to?,
            stages: st,
            offline: offline?,
            reverse: reverse?,
            tariff: tariff?,
            owners,
            capacity_rights: p.capacity_rights.as_ref().is_some_and(|b| *b.get()),
            rights_tariff: rights_tariff?,
        })
    }

    fn duration(&mut self, d: &Duration) -> Option<DurationDist> {
        let need = |cx: &mut Self, q: &Option<Quantity>, name: &str| -> Option<f64> {
            match q {
                Some(q) => {
                    let v = cx.qpos(q, Dimension::Duration, &format!("duration.{name}"))?;
                    if v <= 0.0 {
                        cx.err(
                            &q.span(),
                            format!("duration.{name} must be positive"),
                            "use e.g. \"13 d\"",
                        );
                        return None;
                    }
                    Some(v)
                }
                None => {
                    cx.err(
                        &d.kind.span(),
                        format!("a {} duration needs `{name}`", d.kind.get()),
                        format!("add {name} = \"10 d\""),
                    );
                    None
                }
            }
        };
        match d.kind.get().as_str() {
            "fixed" => Some(DurationDist::Fixed(need(self, &d.value, "value")?)),
            "uniform" => {
                let (a, b) = (need(self, &d.min, "min")?, need(self, &d.max, "max")?);
                if b < a {
                    self.err(
                        &d.kind.span(),
                        "uniform duration has max < min",
                        "swap min and max",
                    );
                    return None;
                }
                Some(DurationDist::Uniform(a, b))
            }
            "exponential" => Some(DurationDist::Exponential(need(self, &d.mean, "mean")?)),
            "lognormal" => {
                let median = need(self, &d.median, "median")?;
                let sigma = match &d.sigma {
                    Some(s) if s.get().is_finite() && *s.get() >= 0.0 && *s.get() <= 5.0 => {
                        *s.get()
                    }
                    Some(s) => {
                        self.err(
                            &s.span(),
                            "duration.sigma must be a number from 0 to 5",
                            "sigma is the standard deviation of ln(duration), e.g. 0.8",
                        );
                        return None;
                    }
                    None => {
                        self.err(
                            &d.kind.span(),
                            "a lognormal duration needs `sigma`",
                            "add sigma = 0.8",
                        );
                        return None;
                    }
                };
                Some(DurationDist::LogNormal { median, sigma })
            }
            other => {
                self.err(
                    &d.kind.span(),
                    format!("duration type '{other}' is not known"),
                    "use fixed, uniform, exponential or lognormal",
                );
                None
            }
        }
    }

    fn disruption(&mut self, d: &Disruption, ids: &Ids) -> Option<DisruptionM> {
        let target = self.target(ids, &d.target);
        let hazard = self.qpos(&d.hazard, Dimension::PerYear, "hazard");
        if let (Some(h), true) = (hazard, hazard.is_some_and(|h| h > 365.0)) {
            self.err(
                &d.hazard.span(),
                format!("hazard {h} events a year is more than one a day"),
                "hazard is the expected number of events per year, e.g. \"0.2 /y\"",
            );
        }
        let duration = self.duration(&d.duration);
        let severity = self.opt(&d.severity, 1.0, |c, q| c.share(q, "severity"));
        let from = self.opt_date(&d.from, "from");
        let until = self.opt_date(&d.until, "until");
        if let (Some(Some(a)), Some(Some(b)), Some(u)) = (from, until, &d.until) {
            // `until` is inclusive: the same month is a one-month window.
            if b < a {
                self.err(
                    &u.span(),
                    format!(
                        "disruption '{}' has until {} before from {}",
                        d.id.get(),
                        u.get(),
                        d.from.as_ref().map_or("", |f| f.get().as_str())
                    ),
                    "until is the last month of the window, on or after from",
                );
            }
        }
        let mut months = [true; 12];
        if let Some(m) = &d.months {
            if m.get().is_empty() {
                self.err(
                    &m.span(),
                    format!(
                        "disruption '{}' has months = [], so it never starts",
                        d.id.get()
                    ),
                    "list the calendar months in which it may start, or remove `months`",
                );
            }
            months = [false; 12];
            for &x in m.get() {
                if (1..=12).contains(&x) {
                    months[x as usize - 1] = true;
                } else {
                    self.err(
                        &m.span(),
                        format!("month {x} does not exist"),
                        "use calendar months 1–12",
                    );
                }
            }
        }
        let buyers = self.disruption_buyers(d, ids, target);
        let hazard_grid = self.hazard_grid(d);
        Some(DisruptionM {
            id: d.id.get().clone(),
            buyers: buyers?,
            hazard_grid: hazard_grid?,
            anticipated: d.anticipated.as_ref().is_none_or(|a| *a.get()),
            target: target?,
            hazard: hazard?,
            duration: duration?,
            severity: severity?,
            from: from?,
            until: until?.map(|u| end_of_window(u, d.until.as_ref().map_or("", |t| t.get()))),
            months,
        })
    }

    fn event(&mut self, e: &Event, ids: &Ids, i: usize) -> Option<EventM> {
        let target = self.target(ids, &e.target);
        let start = self.date(&e.start, "start");
        let end = self.opt_date(&e.end, "end");
        if let (Some(a), Some(Some(b)), Some(x)) = (start, end, &e.end)
            && b <= a
        {
            self.err(
                &x.span(),
                "event ends before it starts",
                "end is the first day back to normal",
            );
        }
        let severity = self.share(&e.severity, "severity");
        let mut buyers = Vec::new();
        if let Some(list) = &e.buyers {
            if !matches!(target, Some(Target::Origin(_))) {
                self.err(
                    &e.target.span(),
                    "`buyers` needs an origin target",
                    "name an origin as target, or remove buyers",
                );
            }
            for b in list {
                buyers.push(self.lookup(&ids.nodes, b, "buyer node")?);
            }
        }
        let announced = self.announced(&e.announced, start)?;
        Some(EventM {
            id: e
                .id
                .as_ref()
                .map_or_else(|| format!("event-{}", i + 1), |x| x.get().clone()),
            target: target?,
            buyers,
            start: start?,
            end: end?,
            severity: severity?,
            announced,
        })
    }

    /// `announced`: when the market learns of a dated change (at the latest
    /// when it starts).
    fn announced(&mut self, a: &Option<At<String>>, start: Option<Day>) -> Option<Option<Day>> {
        let Some(a) = a else { return Some(None) };
        let day = self.date(a, "announced")?;
        if let Some(s) = start
            && day > s
        {
            self.err(
                &a.span(),
                format!("announced {} is after the start", a.get()),
                "a change is known at the latest when it starts: give a date on or before `start`",
            );
            return None;
        }
        Some(Some(day))
    }

    fn weather(
        &mut self,
        w: Option<&Weather>,
        n: usize,
        fallback: &Range<usize>,
    ) -> Option<WeatherM> {
        if n > MAX_NODES {
            // Reported with the nodes; the factorisation would take too long.
            return None;
        }
        let mut rho = 0.5;
        let mut rho_daily = DEFAULT_DAILY_AUTOCORRELATION;
        let mut corr = 0.7;
        let mut matrix = None;
        if let Some(w) = w {
            if let Some(a) = &w.daily_autocorrelation {
                if !(a.get().is_finite() && (0.0..1.0).contains(a.get())) {
                    self.err(
                        &a.span(),
                        "weather.daily_autocorrelation must be in [0, 1)",
                        "use e.g. 0.8 (cold spells that last a few days)",
                    );
                    return None;
                }
                rho_daily = *a.get();
            }
            if let Some(a) = &w.autocorrelation {
                if !(a.get().is_finite() && (0.0..1.0).contains(a.get())) {
                    self.err(
                        &a.span(),
                        "weather.autocorrelation must be in [0, 1)",
                        "use e.g. 0.5",
                    );
                    return None;
                }
                rho = *a.get();
            }
            if let Some(c) = &w.correlation {
                if !(c.get().is_finite() && (-1.0..=1.0).contains(c.get())) {
                    self.err(
                        &c.span(),
                        "weather.correlation must be in [-1, 1]",
                        "use e.g. 0.7",
                    );
                    return None;
                }
                corr = *c.get();
            }
            if let Some(m) = &w.matrix {
                let rows = m.get();
                if rows.len() != n || rows.iter().any(|r| r.len() != n) {
                    self.err(
                        &m.span(),
                        format!("weather.matrix must be {n}×{n} (one row and column per node)"),
                        "give one row per node, in the order of the [[node]] tables",
                    );
                    return None;
                }
                matrix = Some((
                    rows.iter().flatten().copied().collect::<Vec<f64>>(),
                    m.span(),
                ));
            }
        }
        let (values, span) = matrix.unwrap_or_else(|| {
            let v = (0..n * n)
                .map(|k| if k / n == k % n { 1.0 } else { corr })
                .collect();
            let span = w
                .and_then(|w| w.correlation.as_ref().map(|c| c.span()))
                .unwrap_or_else(|| fallback.clone());
            (v, span)
        });
        let m = nalgebra::DMatrix::from_row_slice(n, n, &values);
        // Name the first bad entry (1-based, as people count rows).
        let pairs = (0..n).flat_map(|i| (0..n).map(move |j| (i, j)));
        let mut flaw = None;
        for (i, j) in pairs {
            let x = m[(i, j)];
            let why = if !x.is_finite() || x.abs() > 1.0 {
                format!("row {} column {} is {x}, outside [-1, 1]", i + 1, j + 1)
            } else if i == j && (x - 1.0).abs() >= 1e-9 {
                format!("diagonal entry {} is {x}, not 1", i + 1)
            } else if (x - m[(j, i)]).abs() >= 1e-9 {
                format!(
                    "it is not symmetric: row {} column {} is {x} but row {} column {} is {}",
                    i + 1,
                    j + 1,
                    j + 1,
                    i + 1,
                    m[(j, i)]
                )
            } else {
                continue;
            };
            flaw = Some(why);
            break;
        }
        if let Some(why) = flaw {
            self.err(
                &span,
                format!("weather correlation matrix is invalid: {why}"),
                "a correlation matrix is symmetric, has ones on the diagonal and entries in [-1, 1]",
            );
            return None;
        }
        match nalgebra::Cholesky::new(m) {
            Some(ch) => {
                let l = ch.l();
                Some(WeatherM {
                    autocorrelation: rho,
                    daily_autocorrelation: rho_daily,
                    cholesky: (0..n * n).map(|k| l[(k / n, k % n)]).collect(),
                })
            }
            None => {
                self.err(&span, "weather correlation matrix is not positive definite", "weaken the correlations (a uniform correlation must be below 1 and above -1/(nodes-1)), or fix inconsistent pairs in the matrix");
                None
            }
        }
    }

    fn policy(
        &mut self,
        p: &Policy,
        ids: &Ids,
        contracts: &mut Vec<Option<ContractM>>,
        pipes: &[Pipeline],
    ) -> Option<PolicyM> {
        let mut measures = Vec::new();
        let mut spans = Vec::new();
        let mut ok = true;
        for m in &p.measures {
            match self.measure(m, ids, contracts) {
                Some(x) => {
                    measures.push(x);
                    spans.push(m.kind.span());
                }
                None => ok = false,
            }
        }
        if !ok {
            return None;
        }
        // Later measures override earlier ones; two on the same thing from
        // the same date are ambiguous unless both add.
        for i in 0..measures.len() {
            for j in 0..i {
                if measures[i].start == measures[j].start
                    && conflicts(&measures[i].kind, &measures[j].kind)
                {
                    self.err(&spans[i], format!("measure conflicts with the measure on line {} of policy '{}': both change the same thing from the same date", self.loc.place(&spans[j]).0, p.id.get()), "give them different start dates (the later one overrides), or merge them");
                }
            }
        }
        // Stakes after the policy's trades must still sum to at most 100 %.
        let mut stakes: HashMap<(usize, usize), f64> = HashMap::new();
        for (pi, pipe) in pipes.iter().enumerate() {
            for o in &pipe.owners {
                if let (Some(&c), Ok(s)) = (
                    ids.companies.get(o.company.get()),
                    parse(o.stake.text(), Dimension::Share, self.gcv),
                ) {
                    stakes.insert((pi, c), s);
                }
            }
        }
        for (m, span) in measures.iter().zip(&spans) {
            if let MeasureKind::Stake {
                pipeline,
                company,
                counterparty,
                delta,
            } = m.kind
            {
                *stakes.entry((pipeline, company)).or_default() += delta;
                if let Some(cp) = counterparty {
                    *stakes.entry((pipeline, cp)).or_default() -= delta;
                }
                let total: f64 = stakes
                    .iter()
                    .filter(|((p, _), _)| *p == pipeline)
                    .map(|(_, s)| s)
                    .sum();
                if stakes.values().any(|&s| s < -1e-9) {
                    self.err(
                        span,
                        "stake measure leaves a company with a negative stake",
                        "a company can only divest or sell what it owns",
                    );
                } else if total > 1.0 + 1e-9 {
                    self.err(
                        span,
                        format!(
                            "after this measure the stakes in '{}' sum to {:.1} %",
                            pipes[pipeline].id.get(),
                            total * 100.0
                        ),
                        "name the counterparty that sells the stake",
                    );
                }
            }
        }
        Some(PolicyM {
            id: p.id.get().clone(),
            label: p.label.clone().unwrap_or_else(|| p.id.get().clone()),
            description: p.description.clone(),
            measures,
        })
    }

    fn measure(
        &mut self,
        m: &Measure,
        ids: &Ids,
        contracts: &mut Vec<Option<ContractM>>,
    ) -> Option<MeasureM> {
        let kind = m.kind.get().as_str();
        // Which optional fields each type takes; any other one set is an error.
        let allowed: &[&str] = match kind {
            "embargo" => &["country", "origin", "share"],
            "import_cap" => &["country", "node", "max_share"],
            "capacity" => &["target", "action", "value"],
            "storage_target" => &["targets", "nodes", "penalty"],
            "demand_reduction" => &["share", "sectors", "nodes"],
            "contract" => &["action", "contract", "id"],
            "stake" => &["pipeline", "company", "action", "stake", "counterparty"],
            "solidarity" => &["mode"],
            "set" | "scale" | "add" => &["path", "value"],
            other => {
                self.err(&m.kind.span(), format!("measure type '{other}' is not known"), "use embargo, import_cap, capacity, storage_target, demand_reduction, contract, stake, solidarity, set, scale or add");
                return None;
            }
        };
        // Each optional field that is set, with the place of its value (the
        // first element for lists; the measure's `type` if it has none).
        let at = |x: &Option<At<String>>| x.as_ref().map(|v| Some(v.span()));
        let qt = |x: &Option<Quantity>| x.as_ref().map(|v| Some(v.span()));
        let list = |x: &Option<Vec<At<String>>>| x.as_ref().map(|v| v.first().map(|e| e.span()));
        let present: [(&str, Option<Option<Range<usize>>>); 18] = [
            ("country", at(&m.country)),
            ("origin", at(&m.origin)),
            ("node", at(&m.node)),
            ("nodes", list(&m.nodes)),
            ("share", qt(&m.share)),
            ("max_share", qt(&m.max_share)),
            ("target", at(&m.target)),
            ("action", at(&m.action)),
            ("value", qt(&m.value)),
            (
                "targets",
                m.targets.as_ref().map(|v| v.first().map(|p| p.date.span())),
            ),
            ("sectors", list(&m.sectors)),
            ("contract", m.contract.as_ref().map(|c| Some(c.id.span()))),
            ("id", at(&m.id)),
            ("pipeline", at(&m.pipeline)),
            ("company", at(&m.company)),
            ("stake", qt(&m.stake)),
            ("mode", at(&m.mode)),
            ("penalty", qt(&m.penalty)),
        ];
        let mut bad = false;
        for (name, set) in present {
            let Some(place) = set else { continue };
            if !allowed.contains(&name) {
                self.err(
                    &place.unwrap_or_else(|| m.kind.span()),
                    format!("field '{name}' does not apply to a '{kind}' measure"),
                    format!(
                        "a '{kind}' measure takes: {}, start, end, announced",
                        allowed.join(", ")
                    ),
                );
                bad = true;
            }
        }
        if let (Some(c), false) = (&m.counterparty, kind == "stake") {
            self.err(
                &c.span(),
                format!("field 'counterparty' does not apply to a '{kind}' measure"),
                "counterparty belongs to stake measures",
            );
            bad = true;
        }
        let start = self.opt_date(&m.start, "start");
        let end = self.opt_date(&m.end, "end");
        if let (Some(Some(a)), Some(Some(b)), Some(e)) = (start, end, &m.end)
            && b <= a
        {
            self.err(
                &e.span(),
                "measure ends before it starts",
                "end is the first month the measure no longer applies",
            );
        }
        let span = m.kind.span();
        let need = |cx: &mut Self, present: bool, name: &str| {
            if !present {
                cx.err(
                    &span,
                    format!("a '{kind}' measure needs `{name}`"),
                    format!("add `{name}`; docs/scenario-format.md shows an example"),
                );
            }
            present
        };
        let mk = match kind {
            "embargo" => {
                let origins: Vec<usize> = match (&m.origin, &m.country) {
                    (Some(o), None) => vec![self.lookup(&ids.origins, o, "origin")?],
                    (None, Some(c)) => {
                        let v: Vec<usize> = (0..ids.origin_country.len())
                            .filter(|&i| ids.origin_country[i] == *c.get())
                            .collect();
                        if v.is_empty() {
                            let mut countries = ids.origin_country.clone();
                            countries.sort();
                            countries.dedup();
                            self.err(
                                &c.span(),
                                format!(
                                    "no origin has country '{}' (countries: {})",
                                    c.get(),
                                    countries.join(", ")
                                ),
                                "name a country of an [[origin]]",
                            );
                            return None;
                        }
                        v
                    }
                    _ => {
                        self.err(
                            &span,
                            "an embargo needs exactly one of `origin` or `country`",
                            "e.g. country = \"RU\"",
                        );
                        return None;
                    }
                };
                let share = self.opt(&m.share, 1.0, |c, q| c.share(q, "share"))?;
                MeasureKind::Embargo { origins, share }
            }
            "import_cap" => {
                if !need(self, m.country.is_some(), "country")
                    | !need(self, m.max_share.is_some(), "max_share")
                {
                    return None;
                }
                // Only the region-wide cap is modelled; a per-node cap would
                // otherwise be accepted and silently do nothing.
                if let Some(n) = &m.node {
                    self.err(
                        &n.span(),
                        "import_cap applies to the whole region; a cap on one node is not modelled",
                        "remove `node` (the cap then limits the region's direct imports from the country), or cut that node's supply with an `embargo` or `capacity` measure",
                    );
                    return None;
                }
                let node = None;
                let max_share = self.share(m.max_share.as_ref()?, "max_share")?;
                MeasureKind::ImportCap {
                    country: m.country.as_ref()?.get().clone(),
                    node,
                    max_share,
                }
            }
            "capacity" => {
                if !need(self, m.target.is_some(), "target")
                    | !need(self, m.action.is_some(), "action")
                    | !need(self, m.value.is_some(), "value")
                {
                    return None;
                }
                let t = m.target.as_ref()?;
                let field = if let Some(n) = t.get().strip_prefix("storage:") {
                    match ids.nodes.get(n) {
                        Some(&i) => Field::StorageSize(i),
                        None => {
                            let k = known(&ids.nodes);
                            self.err(
                                &t.span(),
                                format!("unknown node '{n}' ({k})"),
                                "write storage:NODE",
                            );
                            return None;
                        }
                    }
                } else {
                    match self.target(ids, t)? {
                        Target::Pipeline(p) => Field::PipelineCapacity(p),
                        Target::Origin(o) => Field::OriginCapacity(o),
                        Target::Lng(n) => Field::LngRegas(n),
                    }
                };
                let op = self.op(m.action.as_ref()?)?;
                let value = self.field_value(field, op, m.value.as_ref()?)?;
                MeasureKind::Adjust { field, op, value }
            }
            "set" | "scale" | "add" => {
                if !need(self, m.path.is_some(), "path") | !need(self, m.value.is_some(), "value") {
                    return None;
                }
                let field = self.field_path(m.path.as_ref()?, ids)?;
                let op = match kind {
                    "set" => Op::Set,
                    "scale" => Op::Scale,
                    _ => Op::Add,
                };
                let value = self.field_value(field, op, m.value.as_ref()?)?;
                MeasureKind::Adjust { field, op, value }
            }
            "storage_target" => {
                if !need(self, m.targets.is_some(), "targets") {
                    return None;
                }
                let nodes = self.node_list(&m.nodes, ids)?;
                let mut points = Vec::new();
                for p in m.targets.as_ref()? {
                    let md = match parse_month_day(p.date.get()) {
                        Ok(md) => md,
                        Err(e) => {
                            self.err(
                                &p.date.span(),
                                format!("target date \"{}\": {e}", p.date.get()),
                                "write MM-DD",
                            );
                            return None;
                        }
                    };
                    let fill = self.qpos(&p.fill, Dimension::Share, "fill")?;
                    if fill > 1.0 {
                        self.err(
                            &p.fill.span(),
                            format!("storage fill target {} is above 100 %", p.fill.text()),
                            "a fill target is at most 100 % of working volume",
                        );
                        return None;
                    }
                    points.push((md, fill));
                }
                points.sort_by_key(|p| p.0);
                if points.is_empty() {
                    self.err(
                        &span,
                        "storage_target has no targets",
                        "add targets = [{ date = \"11-01\", fill = \"90 %\" }]",
                    );
                    return None;
                }
                let penalty = self.opt(&m.penalty, DEFAULT_TARGET_PENALTY, |c, q| {
                    c.qpos(q, Dimension::Price, "penalty")
                })?;
                MeasureKind::StorageTarget {
                    nodes,
                    points,
                    penalty,
                }
            }
            "demand_reduction" => {
                if !need(self, m.share.is_some(), "share") {
                    return None;
                }
                let share = self.share(m.share.as_ref()?, "share")?;
                let mut sectors = [m.sectors.is_none(); 3];
                for s in m.sectors.iter().flatten() {
                    match SECTOR_NAMES.iter().position(|n| n == s.get()) {
                        Some(i) => sectors[i] = true,
                        None => {
                            self.err(
                                &s.span(),
                                format!("sector '{}' is not known", s.get()),
                                "use protected, industry or power",
                            );
                            return None;
                        }
                    }
                }
                let nodes = self.node_list(&m.nodes, ids)?;
                MeasureKind::DemandReduction {
                    share,
                    sectors,
                    nodes,
                }
            }
            "contract" => {
                if !need(self, m.action.is_some(), "action") {
                    return None;
                }
                let action = m.action.as_ref()?;
                match action.get().as_str() {
                    "add" => {
                        if !need(self, m.contract.is_some(), "contract") {
                            return None;
                        }
                        let c = self.contract(m.contract.as_ref()?, ids, false)?;
                        contracts.push(Some(c));
                        MeasureKind::AddContract(contracts.len() - 1)
                    }
                    "cancel" => {
                        if !need(self, m.id.is_some(), "id") {
                            return None;
                        }
                        MeasureKind::CancelContract(self.lookup(
                            &ids.contracts,
                            m.id.as_ref()?,
                            "contract",
                        )?)
                    }
                    other => {
                        self.err(
                            &action.span(),
                            format!("contract action '{other}' is not known"),
                            "use \"add\" (with contract = {…}) or \"cancel\" (with id)",
                        );
                        return None;
                    }
                }
            }
            "stake" => {
                if !need(self, m.pipeline.is_some(), "pipeline")
                    | !need(self, m.company.is_some(), "company")
                    | !need(self, m.action.is_some(), "action")
                    | !need(self, m.stake.is_some(), "stake")
                {
                    return None;
                }
                let pipeline = self.lookup(&ids.pipelines, m.pipeline.as_ref()?, "pipeline")?;
                let company = self.lookup(&ids.companies, m.company.as_ref()?, "company")?;
                let counterparty = match &m.counterparty {
                    None => None,
                    Some(c) => Some(self.lookup(&ids.companies, c, "counterparty company")?),
                };
                let stake = self.share(m.stake.as_ref()?, "stake")?;
                let a = m.action.as_ref()?;
                let delta = match a.get().as_str() {
                    "acquire" => stake,
                    "divest" => -stake,
                    other => {
                        self.err(
                            &a.span(),
                            format!("stake action '{other}' is not known"),
                            "use \"acquire\" or \"divest\"",
                        );
                        return None;
                    }
                };
                MeasureKind::Stake {
                    pipeline,
                    company,
                    counterparty,
                    delta,
                }
            }
            "solidarity" => {
                if !need(self, m.mode.is_some(), "mode") {
                    return None;
                }
                MeasureKind::Solidarity(self.solidarity(&m.mode)?)
            }
            _ => unreachable!("measure types were matched above"),
        };
        if bad {
            return None;
        }
        let announced = self.announced(&m.announced, start.flatten())?;
        Some(MeasureM {
            kind: mk,
            start: start?,
            end: end?,
            announced,
        })
    }

    fn node_list(&mut self, nodes: &Option<Vec<At<String>>>, ids: &Ids) -> Option<Vec<usize>> {
        match nodes {
            None => Some((0..ids.nodes.len()).collect()),
            Some(v) => v
                .iter()
                .map(|n| self.lookup(&ids.nodes, n, "node"))
                .collect(),
        }
    }

    fn op(&mut self, a: &At<String>) -> Option<Op> {
        match a.get().as_str() {
            "add" => Some(Op::Add),
            "scale" => Some(Op::Scale),
            "set" => Some(Op::Set),
            other => {
                self.err(
                    &a.span(),
                    format!("action '{other}' is not known"),
                    "use add, scale or set",
                );
                None
            }
        }
    }

    fn field_value(&mut self, field: Field, op: Op, v: &Quantity) -> Option<f64> {
        if op == Op::Scale {
            let f = self.qpos(v, Dimension::Share, "scale factor")?;
            // A factor of more than 100 is a typo (a "%" forgotten in the
            // number?), and would push volumes past the integer limits.
            if f > 100.0 {
                self.err(
                    &v.span(),
                    format!("scale factor {} is above 10000 %", v.text()),
                    "a scale factor is a percentage of the current value, e.g. \"120 %\"",
                );
                return None;
            }
            return Some(f);
        }
        let (dim, what) = match field {
            Field::StorageSize(_) => (Dimension::Energy, "storage volume"),
            Field::PipelineTariff(_) | Field::OriginPrice(_) | Field::ContractPrice(_) => {
                (Dimension::Price, "price")
            }
            _ => (Dimension::Rate, "rate"),
        };
        let x = self.q(v, dim, what)?;
        if op == Op::Set && x < 0.0 {
            self.err(
                &v.span(),
                format!("cannot set a {what} below zero"),
                "use a value ≥ 0",
            );
            return None;
        }
        Some(x)
    }

    fn field_path(&mut self, p: &At<String>, ids: &Ids) -> Option<Field> {
        let parts: Vec<&str> = p.get().split('.').collect();
        let look = |map: &HashMap<String, usize>, id: &str| map.get(id).copied();
        let f = match parts.as_slice() {
            ["node", id, rest @ ..] => {
                let n = look(&ids.nodes, id);
                match (n, rest) {
                    (Some(n), ["demand", s]) => SECTOR_NAMES
                        .iter()
                        .position(|x| x == s)
                        .map(|i| Field::Demand(n, SECTORS[i])),
                    (Some(n), ["production", "rate"]) => Some(Field::Production(n)),
                    (Some(n), ["lng_regas"]) => Some(Field::LngRegas(n)),
                    (Some(n), ["storage", "volume"]) => Some(Field::StorageSize(n)),
                    (Some(n), ["storage", "injection"]) => Some(Field::StorageInjection(n)),
                    (Some(n), ["storage", "withdrawal"]) => Some(Field::StorageWithdrawal(n)),
                    _ => None,
                }
            }
            ["pipeline", id, what] => look(&ids.pipelines, id).and_then(|i| match *what {
                "capacity" => Some(Field::PipelineCapacity(i)),
                "reverse_capacity" => Some(Field::PipelineReverse(i)),
                "tariff" => Some(Field::PipelineTariff(i)),
                _ => None,
            }),
            ["origin", id, what] => look(&ids.origins, id).and_then(|i| match *what {
                "price" => Some(Field::OriginPrice(i)),
                "capacity" => Some(Field::OriginCapacity(i)),
                _ => None,
            }),
            ["contract", id, what] => look(&ids.contracts, id).and_then(|i| match *what {
                "volume" => Some(Field::ContractVolume(i)),
                "price" => Some(Field::ContractPrice(i)),
                _ => None,
            }),
            _ => None,
        };
        if f.is_none() {
            self.err(&p.span(), format!("path '{}' does not name a field that measures can change", p.get()), "use node.ID.demand.{protected|industry|power}, node.ID.production.rate, node.ID.lng_regas, node.ID.storage.{volume|injection|withdrawal}, pipeline.ID.{capacity|reverse_capacity|tariff}, origin.ID.{price|capacity} or contract.ID.{volume|price} with an existing id");
        }
        f
    }
}

fn conflicts(a: &MeasureKind, b: &MeasureKind) -> bool {
    use MeasureKind::*;
    match (a, b) {
        (
            Adjust {
                field: f1, op: o1, ..
            },
            Adjust {
                field: f2, op: o2, ..
            },
        ) => f1 == f2 && !(*o1 == Op::Add && *o2 == Op::Add),
        (StorageTarget { nodes: n1, .. }, StorageTarget { nodes: n2, .. }) => {
            n1.iter().any(|n| n2.contains(n))
        }
        (Solidarity(_), Solidarity(_)) => true,
        (
            DemandReduction {
                sectors: s1,
                nodes: n1,
                ..
            },
            DemandReduction {
                sectors: s2,
                nodes: n2,
                ..
            },
        ) => (0..3).any(|i| s1[i] && s2[i]) && n1.iter().any(|n| n2.contains(n)),
        (Embargo { origins: o1, .. }, Embargo { origins: o2, .. }) => {
            o1.iter().any(|o| o2.contains(o))
        }
        (
            ImportCap {
                country: c1,
                node: n1,
                ..
            },
            ImportCap {
                country: c2,
                node: n2,
                ..
            },
        ) => c1 == c2 && n1 == n2,
        _ => false,
    }
}

/// The first day after an inclusive window end written as `YYYY-MM` (the
/// whole month counts) or `YYYY-MM-DD` (that day counts).
fn end_of_window(last: Day, text: &str) -> Day {
    if text.trim().split('-').count() == 3 {
        return Day(last.0 + 1);
    }
    let (y, m, _) = last.ymd();
    Day(last.0 + super::units::days_in_month(y, m) as i32)
}

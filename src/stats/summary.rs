//! The result record of a run: one serializable, versioned structure from
//! which every export (JSON, tidy CSV, IAMC, charts, HTML) is written.
//!
//! Field by field documentation lives in `docs/results.md`; bump
//! [`SCHEMA_VERSION`] whenever a field changes meaning or is removed.

use serde::{Deserialize, Serialize};

/// Version of the `summary.json` layout.
pub const SCHEMA_VERSION: u32 = 1;

/// Node id used for the whole modelled region (all nodes together).
pub const REGION: &str = "EUROPE";

/// The percentiles reported for every series, in this order.
pub const PERCENTILES: [f64; 5] = [5.0, 25.0, 50.0, 75.0, 95.0];

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Summary {
    pub schema_version: u32,
    /// gasdep version that wrote the file (`CARGO_PKG_VERSION`).
    pub gasdep_version: String,
    pub scenario: ScenarioInfo,
    pub run: RunInfo,
    pub nodes: Vec<NodeInfo>,
    /// Supply origins that have coordinates (for the flow map).
    #[serde(default)]
    pub origins: Vec<NodeInfo>,
    /// One entry per (policy, node, metric, resolution).
    pub series: Vec<Series>,
    /// Probabilities of named events, per policy.
    pub events: Vec<EventProbability>,
    /// Paired differences (policy − baseline) over common random numbers.
    pub differences: Vec<PairedDifference>,
    /// Median flow on each link, per policy (for the flow map).
    pub flows: Vec<FlowSummary>,
    /// Exceedance curves: P(value > threshold) over trials and years.
    #[serde(default)]
    pub exceedance: Vec<Exceedance>,
    /// The answer at other hazards of one disruption (its `hazard_grid`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hazard_grid: Option<HazardGridSummary>,
}

/// The run's headline quantities at the hazards of a disruption's
/// `hazard_grid`, post-stratified by its number of events per trial
/// (docs/model.md, "Hazard grid").
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HazardGridSummary {
    /// The graded disruption's id and the hazard the run drew it at (/y).
    pub disruption: String,
    pub hazard: f64,
    /// Years on which its events may start: its event count per trial is
    /// Poisson with mean hazard × this.
    pub exposure_years: f64,
    /// Trials with 0, 1, … events (the last entry: that many or more).
    pub trials_by_events: Vec<u64>,
    pub rows: Vec<HazardGridRow>,
}

/// One quantity of one policy and node at one hazard.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HazardGridRow {
    /// Events per year.
    pub hazard: f64,
    pub policy: String,
    pub node: String,
    /// `dependency_share` and `curtailment_share` (means over the horizon's
    /// years), `bill` and `exposure_loss` (totals over the horizon), or
    /// `shortfall_any` (probability of curtailment above 1 % of a year's
    /// demand in some year).
    pub quantity: String,
    pub unit: String,
    /// [estimate, 95 % low, 95 % high] (normal interval), if estimable.
    pub value: Option<[f64; 3]>,
    /// The paired difference from the baseline, likewise (none for the
    /// baseline).
    pub difference: Option<[f64; 3]>,
    /// Poisson probability of the event counts the run saw in at least two
    /// trials: below 1 the estimate extrapolates from those counts.
    pub coverage: f64,
}

impl Summary {
    /// The focus nodes of the report (may name nodes the summary lacks).
    pub fn focus(&self) -> &[String] {
        &self.run.focus
    }
}

/// P(metric > threshold) per policy, pooling every (trial, year) pair.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Exceedance {
    pub policy: String,
    pub node: String,
    pub metric: String,
    pub unit: String,
    pub thresholds: Vec<f64>,
    pub probability: Vec<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ScenarioInfo {
    pub name: String,
    pub description: String,
    /// First and last month simulated, `YYYY-MM`.
    pub start: String,
    pub end: String,
    /// `month` or `day`.
    pub step: String,
    /// Origin countries counted as "dependency" (e.g. `["RU"]`).
    pub dependency_countries: Vec<String>,
    pub baseline: String,
    pub policies: Vec<PolicyInfo>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PolicyInfo {
    pub id: String,
    pub label: String,
    pub description: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunInfo {
    pub trials: u64,
    pub seed: u64,
    /// `Some((k, n))` when this summary holds shard k of n.
    pub shard: Option<(u32, u32)>,
    /// Wall-clock fields: excluded when comparing runs for identity.
    pub wall_seconds: f64,
    pub threads: usize,
    pub command: String,
    /// Focus nodes of the report, in order (`[scenario] focus`, or
    /// `--focus`): shown first, beside Europe. Empty: Europe only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub focus: Vec<String>,
    /// Dates the answer charts mark, e.g. a contract's first delivery.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub markers: Vec<Marker>,
}

/// A date marked on the charts over time.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Marker {
    /// `YYYY-MM` or `YYYY` (then 1 January).
    pub period: String,
    /// Short text beside the mark, e.g. "contract starts".
    pub label: String,
    /// The policy it belongs to, if any (drawn in its colour).
    #[serde(default)]
    pub policy: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct NodeInfo {
    pub id: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

/// Statistics of one quantity over trials, per period.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Series {
    pub policy: String,
    /// Node id, or [`REGION`].
    pub node: String,
    /// Metric name, e.g. `dependency_share`, `curtailment`, `storage_fill`.
    pub metric: String,
    /// Unit as written in the field: `share`, `TWh`, `EUR m`, `%`…
    pub unit: String,
    /// `month` (periods `YYYY-MM`) or `year` (periods `YYYY`).
    pub resolution: String,
    pub periods: Vec<String>,
    /// One entry per period.
    pub stats: Vec<Stat>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct Stat {
    pub mean: f64,
    pub sd: f64,
    pub min: f64,
    pub max: f64,
    /// Percentiles at [`PERCENTILES`].
    pub p5: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p95: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EventProbability {
    pub policy: String,
    pub node: String,
    /// Machine name, e.g. `curtailment_gt_1pct_annual_demand`.
    pub event: String,
    /// Human description of the event.
    pub description: String,
    /// Period (`YYYY`) or `any` for over the whole horizon.
    pub period: String,
    pub probability: f64,
    /// 95 % Wilson interval.
    pub ci_low: f64,
    pub ci_high: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PairedDifference {
    pub policy: String,
    pub baseline: String,
    pub node: String,
    pub metric: String,
    pub unit: String,
    pub period: String,
    /// Mean of (policy − baseline) over trials, with its 95 % interval.
    pub mean: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FlowSummary {
    pub policy: String,
    /// Period the flows summarise (`YYYY`).
    pub period: String,
    /// Pipeline id (two pipelines may join the same endpoints). Empty in
    /// summaries written before it was added.
    #[serde(default)]
    pub pipeline: String,
    /// Node id, or origin id for supply links.
    pub from: String,
    pub to: String,
    /// Median annual volume over trials, TWh.
    pub median_twh: f64,
    /// Traced share of dependency-country gas in the flow, weighted by flow
    /// over trials: mean dependency volume / mean flow (0 without flow).
    pub dependency_share: f64,
}

//! The scenario file's dated, certain changes, the same in every trial and
//! policy: `[[event]]` (capacity) and `[[demand_shift]]` (reference
//! demand). Serde types as users write them, like [`super::model`];
//! [`super::validate`] checks them.

use super::model::{At, Quantity};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `[[demand_shift]]`: from `start` to `end`, the reference demand of
/// `sectors` at `nodes` is `scale` of what it would be (e.g. gas for power
/// rising when nuclear and hydro output fall). Not a policy: an exogenous
/// condition, like an `[[event]]` on demand.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DemandShift {
    #[serde(default)]
    pub id: Option<At<String>>,
    /// Nodes it covers (default: all).
    #[serde(default)]
    pub nodes: Option<Vec<At<String>>>,
    /// Sectors it covers: any of `protected`, `industry`, `power`
    /// (default: all three).
    #[serde(default)]
    pub sectors: Option<Vec<At<String>>>,
    /// First day, `YYYY-MM` or `YYYY-MM-DD`.
    pub start: At<String>,
    /// First day back to normal (default: never).
    #[serde(default)]
    pub end: Option<At<String>>,
    /// Reference demand as a share of what it would be, `%` (e.g. "108 %").
    pub scale: Quantity,
    /// When the market learns of it, on or before `start` (default: when it
    /// starts; storage is valued without foresight of it before then).
    #[serde(default)]
    pub announced: Option<At<String>>,
    #[serde(default)]
    pub note: Option<String>,
}

/// `[[event]]`: a scheduled, certain change of capacity.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Event {
    #[serde(default)]
    pub id: Option<At<String>>,
    /// A pipeline id, an origin id, `lng:NODE`, or `storage:NODE` (the
    /// severity of the node's storage is withheld from the market with its gas).
    pub target: At<String>,
    /// `YYYY-MM` or `YYYY-MM-DD`.
    pub start: At<String>,
    /// First day back to normal (default: never).
    #[serde(default)]
    pub end: Option<At<String>>,
    /// Share of capacity lost, `%`.
    pub severity: Quantity,
    /// With an origin target: only its deliveries to these nodes are cut
    /// (pipelines from the origin into them, contracts and reserved
    /// capacity to them), e.g. Gazprom stopping supply to one buyer.
    #[serde(default)]
    pub buyers: Option<Vec<At<String>>>,
    #[serde(default)]
    pub note: Option<String>,
    /// When the market learns of the event, `YYYY-MM` or `YYYY-MM-DD`
    /// (default: when it starts; storage is valued without foresight of it
    /// before then).
    #[serde(default)]
    pub announced: Option<At<String>>,
}

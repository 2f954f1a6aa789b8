//! The scenario file's tables for days where security is decided: the
//! calendar that zooms in on daily steps, weather imposed on dates, and
//! storage held by others. Serde types as users write them, like
//! [`super::model`]; [`super::validate`] checks them.

use super::model::{At, Quantity};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `[calendar]`: daily steps inside a calendar of `[scenario] step`.
///
/// A step never crosses the end of a month nor the edge of a daily window:
/// a month with daily days is cut into its daily steps and, between them,
/// steps of the remaining days.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Calendar {
    /// Calendar months (1–12) whose days are each a step, every year of the
    /// horizon, e.g. `[11, 12, 1, 2, 3]` for the heating season.
    #[serde(default)]
    pub daily_months: Option<At<Vec<u32>>>,
    /// Windows of daily steps: dates (`from`, `until`) or an `[[event]]`
    /// with a margin of days around it.
    #[serde(default)]
    pub daily: Vec<DailyWindow>,
    /// `month` (default with `step = "month"`): storage is valued on whole
    /// months and shorter steps read the values of their month, linear in
    /// time; `step` (default with `step = "day"`): valued on every step.
    #[serde(default)]
    pub valuation: Option<At<String>>,
}

/// `[[calendar.daily]]`: one window of daily steps.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DailyWindow {
    /// First day, `YYYY-MM-DD` (or `YYYY-MM`: the 1st).
    #[serde(default)]
    pub from: Option<At<String>>,
    /// Last day, inclusive (`YYYY-MM`: the whole month).
    #[serde(default)]
    pub until: Option<At<String>>,
    /// Instead of dates: the id of an `[[event]]` with an end; the window
    /// runs from its start to the day before its end.
    #[serde(default)]
    pub event: Option<At<String>>,
    /// Days added before and after the event, a duration (default "0 d").
    #[serde(default)]
    pub margin: Option<Quantity>,
}

/// `[[spell]]`: weather imposed on dates in every trial.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Spell {
    #[serde(default)]
    pub id: Option<At<String>>,
    /// Nodes it covers (default: all).
    #[serde(default)]
    pub nodes: Option<Vec<At<String>>>,
    /// First day, `YYYY-MM-DD`.
    pub from: At<String>,
    /// Last day, inclusive.
    pub until: At<String>,
    /// Heating-sensitive demand as a share of normal, `%`: the spell's
    /// heating degree days over their normal for those days (e.g. "140 %").
    #[serde(default)]
    pub heating: Option<Quantity>,
    /// Instead of `heating`: the level whose mean over the spell's days is
    /// reached once in this many years in the scenario's own weather model
    /// (e.g. "20 y" for the supply standards of Regulation (EU) 2017/1938,
    /// Art. 6).
    #[serde(default)]
    pub return_period: Option<Quantity>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A holder's share of a storage site.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Holder {
    /// A node id, or a company id (its home node; a company whose home is
    /// not modelled holds gas for customers outside the region).
    pub holder: At<String>,
    /// Share of the site's volume, injection and withdrawal, `%`.
    pub share: Quantity,
}

//! The observed-data file of a backtest (`scenarios/observed/*.toml`): which
//! scenario it checks, and per check a measure over nodes and dates, the
//! value that was reported, and its source. Serde types as written, with
//! validation that names the file, the check and the fix.

use crate::scenario::time::{Day, parse_date};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// What a check measures on the deterministic run (docs/validation.md,
/// "gasdep backtest").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Demand served, bcm.
    Consumption,
    /// Firm demand not delivered, bcm.
    Unserved,
    /// Firm demand not delivered over demand, %.
    UnservedShare,
    /// Demand not delivered or given up because the price rose above its
    /// value (curtailment + demand response) over demand, %.
    NotServedShare,
    /// Gas of dependency-country origin entering the nodes (straight from
    /// origins, the dependency part of LNG, and the traced dependency part
    /// of pipelines from nodes outside the set), bcm.
    RussianImports,
    /// `russian_imports` less its LNG part, bcm.
    RussianPipe,
    /// The LNG part of `russian_imports`, bcm.
    RussianLng,
    /// Loss of `russian_imports` per day against the `reference` dates, %.
    RussianCut,
    /// Regasified LNG, bcm.
    Lng,
    /// Flow of `pipeline`, bcm.
    Pipeline,
    /// Σ storage level / Σ working volume of the nodes at the start of the
    /// day `at`, %.
    StorageFill,
    /// Consumption-weighted node price, EUR/MWh.
    Price,
    /// Day-weighted price of the competing LNG market (a JKM analogue),
    /// EUR/MWh.
    CompetingPrice,
}

impl Measure {
    pub fn unit(self) -> &'static str {
        match self {
            Measure::UnservedShare
            | Measure::NotServedShare
            | Measure::RussianCut
            | Measure::StorageFill => "%",
            Measure::Price | Measure::CompetingPrice => "EUR/MWh",
            _ => "bcm",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    pub backtest: Header,
    #[serde(rename = "check")]
    pub checks: Vec<Check>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub name: String,
    /// The scenario, relative to this file.
    pub scenario: PathBuf,
    /// Policies to measure (default: the baseline).
    #[serde(default)]
    pub policies: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    pub label: String,
    pub measure: Measure,
    /// Nodes summed over; with `except`, every node but those.
    #[serde(default)]
    pub nodes: Vec<String>,
    #[serde(default)]
    pub except: Vec<String>,
    /// For `pipeline`: its id.
    #[serde(default)]
    pub pipeline: Option<String>,
    /// Steps starting on or after `from` and on or before `until`.
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub until: Option<String>,
    /// For `storage_fill`: the day.
    #[serde(default)]
    pub at: Option<String>,
    /// For `russian_cut`: the normal days, `{ from, until }`.
    #[serde(default)]
    pub reference: Option<Window>,
    /// The reported figure, in the measure's unit (none: only `reported`).
    #[serde(default)]
    pub observed: Option<f64>,
    /// The figure is approximate (≈).
    #[serde(default)]
    pub approx: bool,
    /// What was reported, in words.
    #[serde(default)]
    pub reported: Option<String>,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Window {
    pub from: String,
    pub until: String,
}

/// A check with its dates parsed.
#[derive(Debug, Clone)]
pub struct Dated {
    pub check: Check,
    pub from: Day,
    pub until: Day,
    pub reference: Option<(Day, Day)>,
}

/// Parse and check `text` (the file at `path`); every problem is listed.
pub fn parse(text: &str, path: &Path) -> Result<(Header, Vec<Dated>), String> {
    let file: File = toml::from_str(text).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut problems = Vec::new();
    let mut dated = Vec::new();
    for (i, c) in file.checks.iter().enumerate() {
        let at = |p: &str| format!("{}: check {} ('{}'): {p}", path.display(), i + 1, c.label);
        let date = |what: &str, s: &Option<String>, problems: &mut Vec<String>| -> Option<Day> {
            let s = s.as_ref()?;
            parse_date(s)
                .map_err(|e| problems.push(at(&format!("{what} = \"{s}\": {e}"))))
                .ok()
        };
        let (from, until) = if c.measure == Measure::StorageFill {
            if c.from.is_some() || c.until.is_some() {
                problems.push(at("storage_fill takes `at`, not `from`/`until`"));
            }
            match date("at", &c.at, &mut problems) {
                Some(d) => (d, d),
                None => {
                    if c.at.is_none() {
                        problems.push(at("storage_fill needs `at = \"YYYY-MM-DD\"`"));
                    }
                    continue;
                }
            }
        } else {
            let (f, u) = (
                date("from", &c.from, &mut problems),
                date("until", &c.until, &mut problems),
            );
            match (f, u) {
                (Some(f), Some(u)) if f <= u => (f, u),
                (Some(_), Some(_)) => {
                    problems.push(at("`until` is before `from`"));
                    continue;
                }
                _ => {
                    if c.from.is_none() || c.until.is_none() {
                        problems.push(at("needs `from` and `until` (YYYY-MM-DD)"));
                    }
                    continue;
                }
            }
        };
        let reference = match (&c.reference, c.measure) {
            (Some(w), Measure::RussianCut) => match (parse_date(&w.from), parse_date(&w.until)) {
                (Ok(f), Ok(u)) if f <= u => Some((f, u)),
                _ => {
                    problems.push(at("`reference` needs from <= until, YYYY-MM-DD"));
                    continue;
                }
            },
            (None, Measure::RussianCut) => {
                problems.push(at("russian_cut needs `reference = { from, until }`"));
                continue;
            }
            (Some(_), _) => {
                problems.push(at("`reference` is only for russian_cut"));
                continue;
            }
            (None, _) => None,
        };
        if (c.measure == Measure::Pipeline) != c.pipeline.is_some() {
            problems.push(at(
                "`pipeline = \"id\"` goes with measure = \"pipeline\" only",
            ));
        }
        if !c.nodes.is_empty() && !c.except.is_empty() {
            problems.push(at("give `nodes` or `except`, not both"));
        }
        if c.observed.is_none() && c.reported.is_none() {
            problems.push(at("needs `observed` (a number) or `reported` (words)"));
        }
        if c.observed.is_some_and(|v| !v.is_finite()) {
            problems.push(at("`observed` must be finite"));
        }
        dated.push(Dated {
            check: c.clone(),
            from,
            until,
            reference,
        });
    }
    if file.checks.is_empty() {
        problems.push(format!("{}: no [[check]]", path.display()));
    }
    if problems.is_empty() {
        Ok((file.backtest, dated))
    } else {
        Err(problems.join("\n"))
    }
}

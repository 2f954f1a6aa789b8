//! Uncertain inputs: `[[uncertain]]` gives any numeric field of the file a
//! distribution (docs/scenario-format.md, "Uncertain inputs").
//!
//! A field is named by a path into the file: table keys, and for arrays
//! of tables the element's `id` (or a 0-based index), e.g.
//! `node.FR.demand.industry`, `origin.RU.capacity`, `lng_market.demand`,
//! `market.elasticity.industry`, `disruption.ns-outage.hazard`. The field
//! must be written in the file (its value is what varies). A value drawn
//! for it is written into the scenario text in place of the field's value,
//! in the unit of the distribution's parameters, and the text is checked
//! and compiled again: so every field the validator reads can vary, with
//! every check the validator makes, and measures (`scale`, `add`, …) apply
//! on top of the drawn value as they do on the written one.
//!
//! Distributions (`distribution = …`): `uniform` (`min`, `max`), `normal`
//! (`mean`, `sd`, truncated at 5 standard deviations), `lognormal`
//! (`median`, `sigma` of the logarithm, truncated at 5 sigma), `triangular`
//! (`min`, `mode`, `max`). A value is drawn as a quantile: `quantile(u)`
//! for u in (0, 1), so the Monte Carlo (one u per trial and input from its
//! own stream) and the sensitivity designs (u from their design) share one
//! mapping.

use super::error::ScenarioError;
use super::model::At;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::path::Path;
use toml::de::{DeTable, DeValue};

/// `[[uncertain]]`: a distribution for one numeric field.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Uncertain {
    /// The field, e.g. `node.FR.demand.industry` (keys, and element ids
    /// for arrays of tables).
    pub path: At<String>,
    /// `uniform`, `normal`, `lognormal` or `triangular`.
    pub distribution: At<String>,
    /// Name in tables and charts (default: the path).
    #[serde(default)]
    pub label: Option<String>,
    /// Parameters: quantities in one unit of the field's kind (e.g.
    /// "40 bcm/y"), or plain numbers for a plain-number field.
    #[serde(default)]
    pub min: Option<At<Param>>,
    #[serde(default)]
    pub max: Option<At<Param>>,
    #[serde(default)]
    pub mode: Option<At<Param>>,
    #[serde(default)]
    pub mean: Option<At<Param>>,
    #[serde(default)]
    pub sd: Option<At<Param>>,
    #[serde(default)]
    pub median: Option<At<Param>>,
    /// Standard deviation of the logarithm, for `lognormal` (plain number).
    #[serde(default)]
    pub sigma: Option<At<f64>>,
}

/// A distribution parameter: a quantity string or a plain number.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(untagged)]
pub enum Param {
    Number(f64),
    Text(String),
}

/// A distribution over the numbers written in one unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dist {
    Uniform { min: f64, max: f64 },
    Normal { mean: f64, sd: f64 },
    LogNormal { median: f64, sigma: f64 },
    Triangular { min: f64, mode: f64, max: f64 },
}

/// Truncation of the normal and lognormal distributions, in standard
/// deviations.
pub const TRUNCATION_SD: f64 = 5.0;

impl Dist {
    /// The value at probability `u` (clamped to (0, 1); the unbounded
    /// distributions truncated at [`TRUNCATION_SD`]).
    pub fn quantile(&self, u: f64) -> f64 {
        let u = u.clamp(1e-300, 1.0 - 1e-16);
        match *self {
            Dist::Uniform { min, max } => min + (max - min) * u,
            Dist::Normal { mean, sd } => mean + sd * truncated_normal(u),
            Dist::LogNormal { median, sigma } => median * (sigma * truncated_normal(u)).exp(),
            Dist::Triangular { min, mode, max } => {
                let w = max - min;
                let c = if w > 0.0 { (mode - min) / w } else { 0.5 };
                if u < c {
                    min + (u * w * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - u) * w * (max - mode)).sqrt()
                }
            }
        }
    }

    /// Smallest and largest value drawn.
    pub fn bounds(&self) -> (f64, f64) {
        match *self {
            Dist::Uniform { min, max } | Dist::Triangular { min, max, .. } => (min, max),
            Dist::Normal { mean, sd } => (mean - TRUNCATION_SD * sd, mean + TRUNCATION_SD * sd),
            Dist::LogNormal { median, sigma } => (
                median * (-TRUNCATION_SD * sigma).exp(),
                median * (TRUNCATION_SD * sigma).exp(),
            ),
        }
    }

    /// Mean and variance (of the untruncated distribution).
    pub fn moments(&self) -> (f64, f64) {
        match *self {
            Dist::Uniform { min, max } => ((min + max) / 2.0, (max - min).powi(2) / 12.0),
            Dist::Normal { mean, sd } => (mean, sd * sd),
            Dist::LogNormal { median, sigma } => {
                let s2 = sigma * sigma;
                (
                    median * (s2 / 2.0).exp(),
                    median * median * s2.exp() * (s2.exp() - 1.0),
                )
            }
            Dist::Triangular { min, mode, max } => (
                (min + mode + max) / 3.0,
                (min * min + mode * mode + max * max - min * mode - min * max - mode * max) / 18.0,
            ),
        }
    }
}

/// Standard normal quantile, truncated to ±[`TRUNCATION_SD`].
fn truncated_normal(u: f64) -> f64 {
    inverse_normal(u).clamp(-TRUNCATION_SD, TRUNCATION_SD)
}

/// Standard normal quantile: P. J. Acklam's rational approximation in
/// three regions (relative error below 1.2e-9), ample for drawing inputs.
pub fn inverse_normal(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.383_577_518_672_69e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e1,
        1.615858368580409e2,
        -1.556989798598866e2,
        6.680131188771972e1,
        -1.328068155288572e1,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-3,
        3.224671290700398e-1,
        2.445134137142996,
        3.754408661907416,
    ];
    if p.is_nan() || p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let lo = 0.02425;
    if p < lo {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - lo {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    }
}

/// One checked uncertain input.
#[derive(Debug, Clone, PartialEq)]
pub struct UncertainM {
    pub path: String,
    pub label: String,
    pub dist: Dist,
    /// Unit written after a drawn number (empty for a plain-number field).
    pub unit: String,
    /// Byte range of the field's value in the scenario text (quotes
    /// included).
    pub span: Range<usize>,
    /// The field's value as written (in its own unit), for reports.
    pub nominal: String,
    /// Byte range of the `[[uncertain]]`'s `distribution` (for messages).
    pub at: Range<usize>,
}

impl UncertainM {
    /// The TOML text of value `x` for the field.
    pub fn literal(&self, x: f64) -> String {
        if self.unit.is_empty() {
            format!("{x:?}")
        } else {
            format!("\"{x:?} {}\"", self.unit)
        }
    }
}

/// The uncertain inputs of a scenario and the text they are written into.
#[derive(Debug, Clone, PartialEq)]
pub struct UncertainSet {
    pub text: String,
    pub inputs: Vec<UncertainM>,
}

impl UncertainSet {
    /// The scenario text with input `i` set to `values[i]` for every input.
    pub fn text_with(&self, values: &[f64]) -> String {
        let mut order: Vec<usize> = (0..self.inputs.len()).collect();
        order.sort_by_key(|&i| self.inputs[i].span.start);
        let mut out = String::with_capacity(self.text.len() + 32 * order.len());
        let mut at = 0;
        for i in order {
            let inp = &self.inputs[i];
            out.push_str(&self.text[at..inp.span.start]);
            out.push_str(&inp.literal(values[i]));
            at = inp.span.end;
        }
        out.push_str(&self.text[at..]);
        out
    }

    /// The scenario text with only `input` set to `x`.
    pub fn text_with_one(&self, input: &UncertainM, x: f64) -> String {
        let (a, b) = (input.span.start, input.span.end);
        format!("{}{}{}", &self.text[..a], input.literal(x), &self.text[b..])
    }

    /// The checked scenario with these input values (`path` names it in
    /// messages). Its own inputs are kept but not checked again.
    pub fn model_with(&self, values: &[f64], path: &Path) -> Result<super::Model, ScenarioError> {
        super::validate::load_variant(&self.text_with(values), path)
    }

    /// Values at probabilities `u` (one per input).
    pub fn values_at(&self, u: &[f64]) -> Vec<f64> {
        self.inputs
            .iter()
            .zip(u)
            .map(|(i, &u)| i.dist.quantile(u))
            .collect()
    }
}

/// The parsed file, for [`find_field`].
pub fn document(text: &str) -> Result<DeValue<'_>, String> {
    DeTable::parse(text)
        .map(|d| DeValue::Table(d.into_inner()))
        .map_err(|e| e.to_string())
}

/// Where a path leads in the file (`root` from [`document`]): the value's
/// span and text, or why not.
pub fn find_field(root: &DeValue, path: &str) -> Result<(Range<usize>, FieldValue), String> {
    let mut value: &DeValue = root;
    let mut span = 0..0;
    let mut walked = String::new();
    for part in path.split('.') {
        let next = match value {
            DeValue::Table(t) => t
                .iter()
                .find(|(k, _)| k.get_ref().as_ref() == part)
                .map(|(_, v)| v)
                .ok_or_else(|| {
                    let keys: Vec<String> =
                        t.iter().map(|(k, _)| k.get_ref().to_string()).collect();
                    format!(
                        "'{walked}' has no key '{part}' (keys: {})",
                        if keys.is_empty() {
                            "none".into()
                        } else {
                            keys.join(", ")
                        }
                    )
                })?,
            DeValue::Array(a) => {
                let by_id = a.iter().find(|e| match e.get_ref() {
                    DeValue::Table(t) => t.iter().any(|(k, v)| {
                        (k.get_ref().as_ref() == "id" || k.get_ref().as_ref() == "path")
                            && matches!(v.get_ref(), DeValue::String(s) if s.as_ref() == part)
                    }),
                    _ => false,
                });
                match (by_id, part.parse::<usize>()) {
                    (Some(e), _) => e,
                    (None, Ok(i)) if i < a.len() => &a[i],
                    _ => {
                        let ids: Vec<String> = a
                            .iter()
                            .filter_map(|e| match e.get_ref() {
                                DeValue::Table(t) => t.iter().find_map(|(k, v)| {
                                    match (k.get_ref().as_ref(), v.get_ref()) {
                                        ("id", DeValue::String(s)) => Some(s.to_string()),
                                        _ => None,
                                    }
                                }),
                                _ => None,
                            })
                            .collect();
                        return Err(format!(
                            "'{walked}' has no element with id '{part}' ({})",
                            if ids.is_empty() {
                                format!("{} elements, by index from 0", a.len())
                            } else {
                                format!("ids: {}", ids.join(", "))
                            }
                        ));
                    }
                }
            }
            _ => {
                return Err(format!(
                    "'{walked}' is a single value: '{part}' cannot be below it"
                ));
            }
        };
        if !walked.is_empty() {
            walked.push('.');
        }
        walked.push_str(part);
        span = next.span();
        value = next.get_ref();
    }
    let field = match value {
        DeValue::String(s) => FieldValue::Quantity(s.to_string()),
        DeValue::Float(f) => FieldValue::Number(f.as_str().to_string()),
        DeValue::Integer(_) => {
            return Err(format!(
                "'{path}' is an integer setting (such as trials or seed), not a quantity"
            ));
        }
        DeValue::Table(_) | DeValue::Array(_) => {
            return Err(format!(
                "'{path}' is a table or list, not one value: name a field inside it"
            ));
        }
        _ => return Err(format!("'{path}' is not a number or a quantity")),
    };
    Ok((span, field))
}

/// The value of a field as written.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    /// A quantity string (without its quotes).
    Quantity(String),
    /// A plain number as written.
    Number(String),
}

/// Split a quantity's text into its number and its unit.
pub fn split_quantity(text: &str) -> Option<(f64, String)> {
    let t = text.trim();
    let end = t
        .char_indices()
        .find(|&(i, c)| {
            !(c.is_ascii_digit()
                || c == '.'
                || ((c == '-' || c == '+') && (i == 0 || t[..i].ends_with(['e', 'E'])))
                || ((c == 'e' || c == 'E')
                    && i > 0
                    && t[i + 1..]
                        .starts_with(|d: char| d.is_ascii_digit() || d == '-' || d == '+')))
        })
        .map_or(t.len(), |(i, _)| i);
    let number: f64 = t[..end].parse().ok()?;
    let unit = t[end..].trim().to_string();
    (number.is_finite() && !unit.is_empty()).then_some((number, unit))
}

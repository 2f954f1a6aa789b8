//! Quantities with units, as people in the gas trade write them.
//!
//! A quantity is a number followed by a unit: `"55 bcm/y"`, `"4.1 mcm/d"`,
//! `"45 GWh/d"`, `"16 TWh"`, `"12 bcm"`, `"9 %"`, `"21 EUR/MWh"`, `"13 d"`.
//! Every field declares the [`Dimension`] it needs; a unit of another
//! dimension (a volume where a rate is needed) is an error that names what
//! would fit.
//!
//! Internal units, used everywhere after loading:
//! energy in GWh, rates in GWh per day, prices in EUR per MWh, shares as
//! fractions (0–1), durations in days, yearly rates (hazards, trends) per
//! year. Gas volumes are converted with the scenario's gross calorific value
//! (kWh per m³; 10.9 by default, i.e. 1 bcm = 10.9 TWh).

use std::fmt;

/// Largest magnitude accepted for a rate: 100 000 TWh/y (in GWh/d).
///
/// Why: the engine turns every step's volumes into integer MWh for the
/// min-cost-flow solver and treats 10⁷ GWh per step as "unbounded"
/// (`network::BIG`). 100 000 TWh/y is ≈ 8.3 × 10⁶ GWh in a month, below
/// that, and still more than twice the world's gas consumption
/// (≈ 4 000 bcm/y ≈ 44 000 TWh/y), so no real scenario comes near it.
pub const MAX_RATE_GWH_PER_DAY: f64 = 1e8 / 365.25;

// A 31-day month at the rate limit stays below the network's "unbounded"
// 10⁷ GWh per step (checked when compiling).
const _: () = assert!(MAX_RATE_GWH_PER_DAY * 31.0 < 1e7);

/// Largest magnitude accepted for an energy or volume: 100 000 TWh (in
/// GWh), far above all the world's storage (≈ 4 500 TWh of working gas).
pub const MAX_ENERGY_GWH: f64 = 1e8;

/// Largest magnitude accepted for a price: 100 000 EUR/MWh (the record
/// day-ahead TTF price, August 2022, was ≈ 340 EUR/MWh). Keeps the
/// solver's integer costs (EUR/MWh × 100) far from overflow.
pub const MAX_PRICE_EUR_PER_MWH: f64 = 1e5;

/// Longest duration accepted: 100 years (in days).
pub const MAX_DURATION_DAYS: f64 = 100.0 * 365.25;

/// The largest magnitude a quantity of `dim` may have, in internal units,
/// with the same limit as users write it; `None` where the field's own
/// range check is tighter (shares, yearly rates, calorific value).
/// docs/scenario-format.md ("Limits") lists these.
pub fn limit(dim: Dimension) -> Option<(f64, &'static str)> {
    match dim {
        Dimension::Rate => Some((MAX_RATE_GWH_PER_DAY, "100000 TWh/y (≈ 9200 bcm/y)")),
        Dimension::Energy => Some((MAX_ENERGY_GWH, "100000 TWh (≈ 9200 bcm)")),
        Dimension::Price => Some((MAX_PRICE_EUR_PER_MWH, "100000 EUR/MWh")),
        Dimension::Duration => Some((MAX_DURATION_DAYS, "100 y")),
        Dimension::Share | Dimension::PerYear | Dimension::CalorificValue => None,
    }
}

/// Default gross calorific value, kWh/m³ (the European Commission's gas
/// storage reports imply ≈ 10.9; see docs/sources.md).
pub const DEFAULT_GCV_KWH_PER_M3: f64 = 10.9;

/// What a field measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    /// An amount of gas: `TWh`, `GWh`, `MWh`, `bcm`, `mcm`, `m3`.
    Energy,
    /// A flow: an amount per `y`, `month`, `d` or `h`.
    Rate,
    /// A price: `EUR/MWh`.
    Price,
    /// A share: `%`, or a bare number in 0..=1 is refused (write `%`).
    Share,
    /// A duration: `d`, `h`, `month`, `y`.
    Duration,
    /// A yearly rate of change or occurrence: `%/y` or `/y`.
    PerYear,
    /// Gross calorific value: `kWh/m3`, `MJ/m3`.
    CalorificValue,
}

impl Dimension {
    /// Units a user may write for this dimension, for error messages.
    pub fn examples(self) -> &'static str {
        match self {
            Dimension::Energy => "TWh, GWh, MWh, bcm, mcm (e.g. \"16 TWh\", \"12 bcm\")",
            Dimension::Rate => {
                "an amount per time: bcm/y, mcm/d, GWh/d, TWh/y, TWh/month (e.g. \"55 bcm/y\")"
            }
            Dimension::Price => "EUR/MWh (e.g. \"21 EUR/MWh\")",
            Dimension::Share => "% (e.g. \"9 %\")",
            Dimension::Duration => "d, h, month, y (e.g. \"13 d\")",
            Dimension::PerYear => {
                "%/y for a trend or /y for a frequency (e.g. \"-1.5 %/y\", \"0.1 /y\")"
            }
            Dimension::CalorificValue => "kWh/m3 or MJ/m3 (e.g. \"10.9 kWh/m3\")",
        }
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            Dimension::Energy => "an energy or volume",
            Dimension::Rate => "a rate",
            Dimension::Price => "a price",
            Dimension::Share => "a share",
            Dimension::Duration => "a duration",
            Dimension::PerYear => "a yearly rate",
            Dimension::CalorificValue => "a calorific value",
        };
        f.write_str(s)
    }
}

/// Why a quantity could not be read.
#[derive(Debug, Clone, PartialEq)]
pub enum UnitError {
    /// No number, or a malformed one.
    NotANumber,
    /// A number but no unit, for a field that needs one.
    MissingUnit,
    /// A unit this program does not know.
    UnknownUnit(String),
    /// A known unit of the wrong dimension.
    WrongDimension { unit: String, found: &'static str },
    /// NaN or infinite.
    NotFinite,
}

impl fmt::Display for UnitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnitError::NotANumber => f.write_str("does not start with a number"),
            UnitError::MissingUnit => f.write_str("has no unit"),
            UnitError::UnknownUnit(u) => write!(f, "has an unknown unit '{u}'"),
            UnitError::WrongDimension { unit, found } => {
                write!(f, "unit '{unit}' is {found}")
            }
            UnitError::NotFinite => f.write_str("is not a finite number"),
        }
    }
}

/// Energy units in GWh. Volumes need the calorific value, so they are
/// handled separately.
fn energy_gwh(unit: &str, gcv_kwh_per_m3: f64) -> Option<f64> {
    // 1 m³ × gcv kWh/m³ = gcv kWh = gcv × 1e-6 GWh.
    let m3 = gcv_kwh_per_m3 * 1e-6;
    Some(match unit {
        "kWh" => 1e-6,
        "MWh" => 1e-3,
        "GWh" => 1.0,
        "TWh" => 1e3,
        "m3" => m3,
        "mcm" => m3 * 1e6,
        "bcm" => m3 * 1e9,
        _ => return None,
    })
}

/// Time units in days. A year is 365.25 days and a month a twelfth of it,
/// so that "55 bcm/y" summed over twelve monthly steps is 55 bcm.
fn duration_days(unit: &str) -> Option<f64> {
    Some(match unit {
        "h" => 1.0 / 24.0,
        "d" => 1.0,
        "month" => 365.25 / 12.0,
        "y" | "a" => 365.25,
        _ => None?,
    })
}

/// Split `"55 bcm/y"` into (55.0, "bcm/y"). Spaces between number and unit
/// are optional; `_` and `,` are not thousands separators (refused).
fn split(text: &str) -> Result<(f64, &str), UnitError> {
    let t = text.trim();
    // Rust's float parser would take "NaN" and "inf"; the scan below stops
    // before them. Name them for what they are rather than "not a number".
    let lower = t.trim_start_matches(['+', '-']).to_ascii_lowercase();
    if lower.starts_with("nan") || lower.starts_with("inf") {
        return Err(UnitError::NotFinite);
    }
    let end = t
        .char_indices()
        .find(|&(i, c)| {
            !(c.is_ascii_digit()
                || c == '.'
                || ((c == '-' || c == '+')
                    && (i == 0 || matches!(t.as_bytes()[i - 1], b'e' | b'E')))
                || ((c == 'e' || c == 'E') && i > 0))
        })
        .map_or(t.len(), |(i, _)| i);
    // "e" may start a unit ("EUR"): back off if what follows is not a digit/sign.
    let mut end = end;
    while end > 0 && matches!(t.as_bytes()[end - 1], b'e' | b'E') {
        end -= 1;
    }
    let number: f64 = t[..end].parse().map_err(|_| UnitError::NotANumber)?;
    if !number.is_finite() {
        return Err(UnitError::NotFinite);
    }
    Ok((number, t[end..].trim()))
}

fn dimension_name(unit: &str, gcv: f64) -> Option<&'static str> {
    if energy_gwh(unit, gcv).is_some() {
        return Some("an energy or volume");
    }
    if duration_days(unit).is_some() {
        return Some("a duration");
    }
    if unit == "%" {
        return Some("a share");
    }
    if unit == "EUR/MWh" {
        return Some("a price");
    }
    if let Some((a, b)) = unit.split_once('/') {
        if energy_gwh(a.trim(), gcv).is_some() && duration_days(b.trim()).is_some() {
            return Some("a rate");
        }
        if (a.trim() == "%" || a.trim().is_empty()) && b.trim() == "y" {
            return Some("a yearly rate");
        }
    }
    None
}

/// Parse `text` as a quantity of `dim`, returning it in internal units
/// (see the module docs). `gcv` is the calorific value in kWh/m³.
pub fn parse(text: &str, dim: Dimension, gcv: f64) -> Result<f64, UnitError> {
    let (x, unit) = split(text)?;
    if unit.is_empty() {
        return Err(UnitError::MissingUnit);
    }
    let wrong = |unit: &str| match dimension_name(unit, gcv) {
        Some(found) => UnitError::WrongDimension {
            unit: unit.to_string(),
            found,
        },
        None => UnitError::UnknownUnit(unit.to_string()),
    };
    let value = match dim {
        Dimension::Energy => x * energy_gwh(unit, gcv).ok_or_else(|| wrong(unit))?,
        Dimension::Rate => {
            let (a, b) = unit.split_once('/').ok_or_else(|| wrong(unit))?;
            let e = energy_gwh(a.trim(), gcv).ok_or_else(|| wrong(unit))?;
            let d = duration_days(b.trim()).ok_or_else(|| wrong(unit))?;
            x * e / d
        }
        Dimension::Price => match unit {
            "EUR/MWh" => x,
            "EUR/GWh" => x / 1e3,
            _ => return Err(wrong(unit)),
        },
        Dimension::Share => match unit {
            "%" => x / 100.0,
            _ => return Err(wrong(unit)),
        },
        Dimension::Duration => x * duration_days(unit).ok_or_else(|| wrong(unit))?,
        Dimension::PerYear => match unit.split_once('/') {
            Some((a, "y")) if a.trim() == "%" => x / 100.0,
            Some((a, "y")) if a.trim().is_empty() => x,
            _ => return Err(wrong(unit)),
        },
        Dimension::CalorificValue => match unit {
            "kWh/m3" => x,
            "MJ/m3" => x / 3.6,
            _ => return Err(wrong(unit)),
        },
    };
    if value.is_finite() {
        Ok(value)
    } else {
        Err(UnitError::NotFinite)
    }
}

/// Days in the given month (proleptic Gregorian calendar).
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const G: f64 = DEFAULT_GCV_KWH_PER_M3;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn volumes_convert_with_calorific_value() {
        // 1 bcm × 10.9 kWh/m³ = 10.9e9 kWh = 10 900 GWh.
        assert!(close(
            parse("1 bcm", Dimension::Energy, G).unwrap(),
            10_900.0
        ));
        assert!(close(
            parse("12 bcm", Dimension::Energy, 11.0).unwrap(),
            132_000.0
        ));
        assert!(close(
            parse("16 TWh", Dimension::Energy, G).unwrap(),
            16_000.0
        ));
        assert!(close(parse("2.5mcm", Dimension::Energy, G).unwrap(), 27.25));
    }

    #[test]
    fn rates_are_gwh_per_day() {
        // 55 bcm/y = 599 500 GWh per 365.25 days.
        let ns = parse("55 bcm/y", Dimension::Rate, G).unwrap();
        assert!(close(ns, 599_500.0 / 365.25));
        // 4.1 mcm/d = 4.1e6 m³ × 10.9 kWh = 44.69 GWh/d.
        assert!(close(
            parse("4.1 mcm/d", Dimension::Rate, G).unwrap(),
            44.69
        ));
        assert!(close(parse("45 GWh/d", Dimension::Rate, G).unwrap(), 45.0));
        assert!(close(
            parse("30 TWh/month", Dimension::Rate, G).unwrap(),
            30_000.0 * 12.0 / 365.25
        ));
    }

    #[test]
    fn shares_prices_durations_and_yearly_rates() {
        assert!(close(parse("9 %", Dimension::Share, G).unwrap(), 0.09));
        assert!(close(parse("15.5%", Dimension::Share, G).unwrap(), 0.155));
        assert!(close(
            parse("21 EUR/MWh", Dimension::Price, G).unwrap(),
            21.0
        ));
        assert!(close(parse("13 d", Dimension::Duration, G).unwrap(), 13.0));
        assert!(close(
            parse("-1.5 %/y", Dimension::PerYear, G).unwrap(),
            -0.015
        ));
        assert!(close(parse("0.1 /y", Dimension::PerYear, G).unwrap(), 0.1));
        assert!(close(
            parse("1e-2 /y", Dimension::PerYear, G).unwrap(),
            0.01
        ));
        assert!(close(
            parse("39.24 MJ/m3", Dimension::CalorificValue, G).unwrap(),
            10.9
        ));
    }

    #[test]
    fn wrong_dimension_is_named() {
        assert_eq!(
            parse("12 bcm", Dimension::Rate, G),
            Err(UnitError::WrongDimension {
                unit: "bcm".into(),
                found: "an energy or volume"
            })
        );
        assert_eq!(
            parse("55 bcm/y", Dimension::Energy, G),
            Err(UnitError::WrongDimension {
                unit: "bcm/y".into(),
                found: "a rate"
            })
        );
        assert_eq!(
            parse("5 furlongs", Dimension::Energy, G),
            Err(UnitError::UnknownUnit("furlongs".into()))
        );
    }

    #[test]
    fn bad_numbers_are_refused() {
        assert_eq!(parse("55", Dimension::Rate, G), Err(UnitError::MissingUnit));
        assert_eq!(
            parse("bcm", Dimension::Energy, G),
            Err(UnitError::NotANumber)
        );
        assert_eq!(parse("", Dimension::Energy, G), Err(UnitError::NotANumber));
        assert_eq!(
            parse("1e999 TWh", Dimension::Energy, G),
            Err(UnitError::NotFinite)
        );
        assert_eq!(
            parse("NaN TWh", Dimension::Energy, G),
            Err(UnitError::NotFinite)
        );
        assert_eq!(
            parse("-inf bcm/y", Dimension::Rate, G),
            Err(UnitError::NotFinite)
        );
        assert_eq!(
            parse("infinity %", Dimension::Share, G),
            Err(UnitError::NotFinite)
        );
        assert_eq!(
            parse("1,5 bcm", Dimension::Energy, G),
            Err(UnitError::UnknownUnit(",5 bcm".into()))
        );
    }

    #[test]
    fn limits_match_what_they_say() {
        // The text shown with each limit parses to the limit itself.
        for (text, dim) in [
            ("100000 TWh/y", Dimension::Rate),
            ("100000 TWh", Dimension::Energy),
            ("100000 EUR/MWh", Dimension::Price),
            ("100 y", Dimension::Duration),
        ] {
            let (max, shown) = limit(dim).unwrap();
            assert!(shown.starts_with(text), "{shown}");
            assert!(close(parse(text, dim, G).unwrap(), max), "{text}");
        }
        // ≈ 9200 bcm/y: 1e8 GWh / 10 900 GWh per bcm = 9174 bcm.
        assert!((1e8_f64 / 10_900.0 - 9174.3).abs() < 0.1);
        assert_eq!(limit(Dimension::Share), None);
    }

    #[test]
    fn exponent_does_not_eat_eur() {
        assert!(close(
            parse("20EUR/MWh", Dimension::Price, G).unwrap(),
            20.0
        ));
        assert!(close(
            parse("2e1 EUR/MWh", Dimension::Price, G).unwrap(),
            20.0
        ));
    }

    #[test]
    fn leap_years() {
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
        assert_eq!(days_in_month(2023, 11), 30);
    }
}

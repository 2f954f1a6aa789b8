//! Calendar arithmetic: days since 1970-01-01 in the proleptic Gregorian
//! calendar, months, and the dates scenario files write.

use std::fmt;

/// A day, counted from 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i32);

/// Years a scenario may use. Outside this window dates are almost surely
/// typos, and day arithmetic stays far from overflow.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

impl Day {
    /// Days from civil date (Howard Hinnant's algorithm, public domain idea,
    /// written here from its description).
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Day {
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = m as i32;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Day(era * 146_097 + doe - 719_468)
    }

    pub fn ymd(self) -> (i32, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = yoe + era * 400 + i32::from(m <= 2);
        (y, m, d)
    }

    pub fn year(self) -> i32 {
        self.ymd().0
    }

    /// Fractional years since `other`.
    pub fn years_since(self, other: Day) -> f64 {
        f64::from(self.0 - other.0) / 365.25
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// Parse `YYYY-MM` (the first of the month) or `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<Day, String> {
    let parts: Vec<&str> = text.trim().split('-').collect();
    let num = |s: &str, what: &str| -> Result<i64, String> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || s.len() > 4 {
            return Err(format!("'{s}' is not a {what}"));
        }
        s.parse::<i64>()
            .map_err(|_| format!("'{s}' is not a {what}"))
    };
    let (y, m, d) = match parts.as_slice() {
        [y, m] => (num(y, "year")?, num(m, "month")?, 1),
        [y, m, d] => (num(y, "year")?, num(m, "month")?, num(d, "day")?),
        _ => return Err("expected YYYY-MM or YYYY-MM-DD".into()),
    };
    let y = i32::try_from(y).map_err(|_| "year out of range".to_string())?;
    if !YEARS.contains(&y) {
        return Err(format!(
            "year {y} is outside {}–{}",
            YEARS.start(),
            YEARS.end()
        ));
    }
    if !(1..=12).contains(&m) {
        return Err(format!("month {m} does not exist (1–12)"));
    }
    let dim = super::units::days_in_month(y, m as u32);
    if d < 1 || d > i64::from(dim) {
        return Err(format!("day {d} does not exist in {y:04}-{m:02} (1–{dim})"));
    }
    Ok(Day::from_ymd(y, m as u32, d as u32))
}

/// Parse a day of the year `MM-DD` into (month, day).
pub fn parse_month_day(text: &str) -> Result<(u32, u32), String> {
    // Exactly two parts: "11" alone would otherwise read as 2001-11, i.e.
    // 1 November, and hide a forgotten day.
    if text.trim().split('-').count() != 2 {
        return Err(format!(
            "'{}' is not a day of the year (expected MM-DD, e.g. 11-01)",
            text.trim()
        ));
    }
    let day = parse_date(&format!("2001-{}", text.trim()))
        .map_err(|e| format!("{e} (expected MM-DD, e.g. 11-01)"))?;
    let (_, m, d) = day.ymd();
    Ok((m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_known_days() {
        assert_eq!(Day::from_ymd(1970, 1, 1), Day(0));
        // 2000-03-01 is 11 017 days after the epoch (30 years incl. 7 leap days + Jan, Feb 2000).
        assert_eq!(Day::from_ymd(2000, 3, 1), Day(11_017));
        for n in (-30_000..80_000).step_by(37) {
            let (y, m, d) = Day(n).ymd();
            assert_eq!(Day::from_ymd(y, m, d), Day(n));
        }
        assert_eq!(Day::from_ymd(2022, 8, 31).to_string(), "2022-08-31");
    }

    #[test]
    fn parses_and_refuses() {
        assert_eq!(parse_date("2015-01"), Ok(Day::from_ymd(2015, 1, 1)));
        assert_eq!(parse_date("2022-09-26"), Ok(Day::from_ymd(2022, 9, 26)));
        assert!(parse_date("2022-13").unwrap_err().contains("month 13"));
        assert!(parse_date("2022-02-30").unwrap_err().contains("day 30"));
        assert!(parse_date("22-2").unwrap_err().contains("outside"));
        assert!(parse_date("0022-02").unwrap_err().contains("outside"));
        assert!(parse_date("2015/01").is_err());
        assert!(parse_date("").is_err());
        assert_eq!(parse_month_day("11-01"), Ok((11, 1)));
        assert!(parse_month_day("02-30").is_err());
        assert!(parse_month_day("11").is_err());
        assert!(parse_month_day("2022-11-01").is_err());
    }
}

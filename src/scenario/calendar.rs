//! The calendar of a run: which days are steps of their own, and the
//! weather spells imposed on dates (checked model, internal units).
//!
//! Rule: a step never crosses the end of a calendar month nor the edge of
//! a daily window. With `step = "day"` every day is a step. With
//! `step = "month"` a month is one step unless some of its days are daily
//! (its month is in `daily_months`, or a window covers them): then each
//! daily day is a step, and each run of the month's other days between
//! them is one step. So every step belongs to one calendar month (monthly
//! results stay sums of whole steps) and the steps of a month add up to the
//! month exactly.

use super::resolved::{Model, StepKind};
use super::time::Day;
use super::units::days_in_month;

/// How storage water values are found (docs/model.md, "Storage").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Valuation {
    /// On whole calendar months; a shorter step reads its month's values,
    /// linear in time between the start and the end of the month.
    Month,
    /// On every step of the calendar.
    Step,
}

/// Daily steps inside the calendar.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarM {
    /// Calendar months (index 0 = January) whose days are all daily steps.
    pub daily_months: [bool; 12],
    /// Windows of daily steps, `[from, until)`, as written (may overlap).
    pub windows: Vec<(Day, Day)>,
    pub valuation: Valuation,
}

impl CalendarM {
    /// No daily zoom, storage valued on months.
    pub fn monthly() -> CalendarM {
        CalendarM {
            daily_months: [false; 12],
            windows: Vec::new(),
            valuation: Valuation::Month,
        }
    }

    /// Whether `day` is a step of its own under a monthly base step.
    pub fn is_daily(&self, day: Day) -> bool {
        let (_, m, _) = day.ymd();
        self.daily_months[m as usize - 1] || self.windows.iter().any(|&(a, b)| day >= a && day < b)
    }
}

/// A spell: the relative level of heating-sensitive demand imposed on the
/// days `[from, until)` at `nodes`.
#[derive(Debug, Clone, PartialEq)]
pub struct SpellM {
    pub id: String,
    pub nodes: Vec<usize>,
    pub from: Day,
    pub until: Day,
    pub level: SpellLevel,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SpellLevel {
    /// Heating-sensitive demand as a fraction of normal (1.4 = 140 %).
    Heating(f64),
    /// The level whose mean over the spell is reached once in this many
    /// years in the scenario's weather model (resolved by the simulator).
    ReturnPeriod(f64),
}

/// Start day and length in days of every step from `start` to `end`.
pub fn steps(start: Day, end: Day, step: StepKind, cal: &CalendarM) -> Vec<(Day, f64)> {
    let mut out = Vec::new();
    let mut d = start;
    while d < end {
        let (y, m, _) = d.ymd();
        let month_end = Day(d.0 + days_in_month(y, m) as i32).min(end);
        match step {
            StepKind::Day => {
                for k in d.0..month_end.0 {
                    out.push((Day(k), 1.0));
                }
            }
            StepKind::Month => {
                let mut k = d.0;
                while k < month_end.0 {
                    if cal.is_daily(Day(k)) {
                        out.push((Day(k), 1.0));
                        k += 1;
                    } else {
                        let from = k;
                        while k < month_end.0 && !cal.is_daily(Day(k)) {
                            k += 1;
                        }
                        out.push((Day(from), f64::from(k - from)));
                    }
                }
            }
        }
        d = month_end;
    }
    out
}

/// The steps of `model`.
pub fn model_steps(model: &Model) -> Vec<(Day, f64)> {
    steps(model.start, model.end, model.step, &model.calendar)
}

/// Whether any step of `model` is shorter than its calendar month.
pub fn has_short_steps(model: &Model) -> bool {
    model_steps(model).iter().any(|&(d, len)| {
        let (y, m, _) = d.ymd();
        len < f64::from(days_in_month(y, m))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Day {
        Day::from_ymd(y, m, day)
    }

    #[test]
    fn monthly_calendar_is_one_step_a_month() {
        let s = steps(
            d(2020, 1, 1),
            d(2021, 1, 1),
            StepKind::Month,
            &CalendarM::monthly(),
        );
        assert_eq!(s.len(), 12);
        // 2020 is a leap year: February has 29 days, the year 366.
        assert_eq!(s[1], (d(2020, 2, 1), 29.0));
        assert_eq!(s.iter().map(|x| x.1).sum::<f64>(), 366.0);
    }

    #[test]
    fn daily_months_cut_every_day_of_those_months() {
        let mut cal = CalendarM::monthly();
        cal.daily_months[11] = true; // December
        cal.daily_months[0] = true; // January
        let s = steps(d(2020, 1, 1), d(2021, 1, 1), StepKind::Month, &cal);
        // 31 January days, 10 whole months, 31 December days.
        assert_eq!(s.len(), 31 + 10 + 31);
        assert_eq!(s[31], (d(2020, 2, 1), 29.0));
        assert!(s[..31].iter().all(|x| x.1 == 1.0));
        assert_eq!(s.iter().map(|x| x.1).sum::<f64>(), 366.0);
    }

    #[test]
    fn a_window_splits_its_month_and_no_step_crosses_a_month() {
        let mut cal = CalendarM::monthly();
        // 25 January to 5 February inclusive.
        cal.windows.push((d(2009, 1, 25), d(2009, 2, 6)));
        let s = steps(d(2009, 1, 1), d(2009, 4, 1), StepKind::Month, &cal);
        // January: 1–24 as one step, 25–31 daily; February: 1–5 daily, 6–28
        // as one step; March whole.
        assert_eq!(s[0], (d(2009, 1, 1), 24.0));
        assert_eq!(s[1], (d(2009, 1, 25), 1.0));
        assert_eq!(s[8], (d(2009, 2, 1), 1.0));
        assert_eq!(s[13], (d(2009, 2, 6), 23.0));
        assert_eq!(s[14], (d(2009, 3, 1), 31.0));
        assert_eq!(s.len(), 15);
        for &(start, len) in &s {
            let last = Day(start.0 + len as i32 - 1);
            assert_eq!(
                start.ymd().1,
                last.ymd().1,
                "step from {start} crosses a month"
            );
        }
    }

    #[test]
    fn day_steps_ignore_the_zoom() {
        let s = steps(
            d(2008, 12, 1),
            d(2009, 3, 1),
            StepKind::Day,
            &CalendarM::monthly(),
        );
        assert_eq!(s.len(), 31 + 31 + 28);
        assert!(s.iter().all(|x| x.1 == 1.0));
    }
}

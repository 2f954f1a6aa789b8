//! Validation of the tables for days where security is decided:
//! `[calendar]` (daily steps inside a monthly calendar), `[[spell]]`
//! (weather imposed on dates) and storage `holders`.
//!
//! Every problem is reported with its place, as in the rest of
//! [`super`]; nothing here panics on any input.

use super::super::calendar::{CalendarM, SpellLevel, SpellM, Valuation, steps};
use super::super::model::{Node, ScenarioFile};
use super::super::resolved::{CompanyM, EventM, NodeM, StepKind, StorageM};
use super::super::time::Day;
use super::super::units::Dimension;
use super::{Ctx, Ids, end_of_window};
use std::ops::Range;

/// Most daily windows a calendar may list (each day of the horizon is
/// checked against every window).
pub const MAX_WINDOWS: usize = 1_000;
/// Most spells a scenario may list.
pub const MAX_SPELLS: usize = 1_000;
/// Longest margin around an event, days.
pub const MAX_MARGIN_DAYS: f64 = 366.0;

impl Ctx<'_> {
    /// `[calendar]`, with the events it may refer to (by id).
    pub(super) fn calendar(
        &mut self,
        f: &ScenarioFile,
        step: StepKind,
        horizon: (Day, Day),
        events: &[Option<EventM>],
    ) -> Option<CalendarM> {
        let mut cal = CalendarM::monthly();
        if step == StepKind::Day {
            cal.valuation = Valuation::Step;
        }
        let Some(c) = &f.calendar else {
            return Some(cal);
        };
        let fallback = self
            .loc
            .find_key("calendar")
            .unwrap_or_else(|| f.scenario.name.span());
        let zooms = c.daily_months.is_some() || !c.daily.is_empty();
        if step == StepKind::Day && zooms {
            self.err(
                &fallback,
                "[calendar] daily steps with step = \"day\": every step is a day already",
                "remove daily_months and [[calendar.daily]], or use step = \"month\"",
            );
        }
        let mut ok = true;
        if let Some(months) = &c.daily_months {
            for &m in months.get() {
                if !(1..=12).contains(&m) {
                    self.err(
                        &months.span(),
                        format!("daily_months: month {m} does not exist"),
                        "list calendar months 1 (January) to 12 (December)",
                    );
                    ok = false;
                } else if cal.daily_months[m as usize - 1] {
                    self.err(
                        &months.span(),
                        format!("daily_months lists month {m} twice"),
                        "list each month once",
                    );
                } else {
                    cal.daily_months[m as usize - 1] = true;
                }
            }
        }
        if let Some(w) = c.daily.get(MAX_WINDOWS) {
            let span = w
                .from
                .as_ref()
                .or(w.event.as_ref())
                .map_or(fallback.clone(), |x| x.span());
            self.err(
                &span,
                format!(
                    "[calendar] lists {} daily windows, more than the {MAX_WINDOWS} allowed",
                    c.daily.len()
                ),
                "merge windows, or use daily_months",
            );
            return None;
        }
        for w in &c.daily {
            match self.window(w, horizon, events, &fallback) {
                Some(Some(x)) => cal.windows.push(x),
                Some(None) => {}
                None => ok = false,
            }
        }
        if let Some(v) = &c.valuation {
            match v.get().as_str() {
                "month" => cal.valuation = Valuation::Month,
                "step" => cal.valuation = Valuation::Step,
                other => {
                    self.err(
                        &v.span(),
                        format!("valuation '{other}' is not known"),
                        "use \"month\" (value storage on months, read by shorter steps) or \"step\"",
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(cal)
    }

    /// One `[[calendar.daily]]` window, `[from, until)` clipped to the
    /// horizon; `Some(None)` for a window outside it (reported).
    fn window(
        &mut self,
        w: &super::super::model_daily::DailyWindow,
        (start, end): (Day, Day),
        events: &[Option<EventM>],
        fallback: &Range<usize>,
    ) -> Option<Option<(Day, Day)>> {
        let margin = match &w.margin {
            None => 0,
            Some(q) => {
                let v = self.qpos(q, Dimension::Duration, "margin")?;
                if v > MAX_MARGIN_DAYS {
                    self.err(
                        &q.span(),
                        format!("margin {} is more than a year", q.text()),
                        "use a margin of at most 366 d, or daily_months",
                    );
                    return None;
                }
                v.round() as i32
            }
        };
        let (a, b, span) = match (&w.event, &w.from, &w.until) {
            (Some(e), None, None) => {
                let found = events
                    .iter()
                    .flatten()
                    .find(|x| x.id == *e.get())
                    .map(|x| (x.start, x.end));
                match found {
                    None => {
                        let known: Vec<&str> =
                            events.iter().flatten().map(|x| x.id.as_str()).collect();
                        self.err(
                            &e.span(),
                            format!(
                                "event '{}' is not defined (known: {})",
                                e.get(),
                                known.join(", ")
                            ),
                            "name an [[event]] by its id",
                        );
                        return None;
                    }
                    Some((_, None)) => {
                        self.err(
                            &e.span(),
                            format!(
                                "event '{}' has no end, so its window would never close",
                                e.get()
                            ),
                            "give the window dates (from, until) instead",
                        );
                        return None;
                    }
                    Some((s, Some(x))) => (Day(s.0 - margin), Day(x.0 + margin), e.span()),
                }
            }
            (None, Some(from), Some(until)) => {
                let a = self.date(from, "from");
                let b = self
                    .date(until, "until")
                    .map(|d| end_of_window(d, until.get()));
                let (a, b) = (a?, b?);
                if b <= a {
                    self.err(
                        &until.span(),
                        "window ends before it starts",
                        "until is the last daily day, on or after from",
                    );
                    return None;
                }
                if w.margin.is_some() {
                    self.err(
                        &from.span(),
                        "margin applies to an event window",
                        "widen from and until instead",
                    );
                    return None;
                }
                (a, b, from.span())
            }
            _ => {
                let span = [&w.event, &w.from, &w.until]
                    .into_iter()
                    .flatten()
                    .next()
                    .map_or(fallback.clone(), |x| x.span());
                self.err(
                    &span,
                    "a [[calendar.daily]] window needs either from and until, or event",
                    "e.g. from = \"2009-01-01\", until = \"2009-01-31\", or event = \"transit-cut\"",
                );
                return None;
            }
        };
        let (a, b) = (a.max(start), b.min(end));
        if b <= a {
            self.err(
                &span,
                "this daily window lies outside the horizon",
                "move it inside [scenario] start–end, or remove it",
            );
            return Some(None);
        }
        Some(Some((a, b)))
    }

    /// Refuse a calendar of more than [`super::MAX_STEPS`] steps.
    pub(super) fn calendar_step_limit(
        &mut self,
        (start, end): (Day, Day),
        step: StepKind,
        cal: &CalendarM,
        span: &Range<usize>,
    ) {
        let n = steps(start, end, step, cal).len();
        if n > super::MAX_STEPS {
            self.err(
                span,
                format!(
                    "the calendar has {n} steps, more than the {} a scenario may have",
                    super::MAX_STEPS
                ),
                "shorten the horizon, or keep daily steps to the months that matter (daily_months = [12, 1, 2])",
            );
        }
    }

    /// `[[spell]]` tables.
    pub(super) fn spells(&mut self, f: &ScenarioFile, ids: &Ids) -> Option<Vec<SpellM>> {
        if let Some(s) = f.spells.get(MAX_SPELLS) {
            self.err(
                &s.from.span(),
                format!(
                    "the scenario has {} spells, more than the {MAX_SPELLS} allowed",
                    f.spells.len()
                ),
                "merge spells",
            );
            return None;
        }
        let mut out = Vec::new();
        let mut ok = true;
        for (i, s) in f.spells.iter().enumerate() {
            let from = self.date(&s.from, "from");
            let until = self
                .date(&s.until, "until")
                .map(|d| end_of_window(d, s.until.get()));
            let nodes: Option<Vec<usize>> = match &s.nodes {
                None => Some((0..f.nodes.len()).collect()),
                Some(list) => list
                    .iter()
                    .map(|n| self.lookup(&ids.nodes, n, "node"))
                    .collect(),
            };
            let level = match (&s.heating, &s.return_period) {
                (Some(h), None) => {
                    let v = self.qpos(h, Dimension::Share, "heating");
                    match v {
                        Some(v) if v > 10.0 => {
                            self.err(&h.span(), format!("heating {} is more than ten times normal", h.text()), "use the ratio of the spell's heating degree days to normal, e.g. \"140 %\"");
                            None
                        }
                        v => v.map(SpellLevel::Heating),
                    }
                }
                (None, Some(r)) => {
                    let years = self
                        .qpos(r, Dimension::Duration, "return_period")
                        .map(|d| d / 365.25);
                    match years {
                        Some(y) if !(1.0..=1000.0).contains(&y) => {
                            self.err(
                                &r.span(),
                                format!("return_period {} is outside 1–1000 years", r.text()),
                                "use e.g. \"20 y\" (the Art. 6 supply standards)",
                            );
                            None
                        }
                        y => y.map(SpellLevel::ReturnPeriod),
                    }
                }
                _ => {
                    self.err(
                        &s.from.span(),
                        "a [[spell]] needs either heating or return_period",
                        "e.g. heating = \"140 %\", or return_period = \"20 y\"",
                    );
                    None
                }
            };
            if let (Some(a), Some(b)) = (from, until)
                && b <= a
            {
                self.err(
                    &s.until.span(),
                    "spell ends before it starts",
                    "until is the spell's last day",
                );
                ok = false;
            }
            match (from, until, nodes, level) {
                (Some(from), Some(until), Some(nodes), Some(level)) => out.push(SpellM {
                    id: s
                        .id
                        .as_ref()
                        .map_or_else(|| format!("spell-{}", i + 1), |x| x.get().clone()),
                    nodes,
                    from,
                    until,
                    level,
                }),
                _ => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// Give each holder its share of the storage sites it holds: a share
    /// of a site becomes storage of the holder's node (the site's own node
    /// keeps the rest); a company whose home is not modelled takes its
    /// share out of the region. Shares held by one node are pooled with
    /// its own storage (volumes, rates and initial gas add; knees are
    /// volume-weighted).
    pub(super) fn holders(
        &mut self,
        file_nodes: &[Node],
        nodes: &mut [Option<NodeM>],
        companies: &[CompanyM],
        ids: &Ids,
    ) -> bool {
        let mut ok = true;
        // (holder node or None, site node, share) of every holding.
        let mut held: Vec<(Option<usize>, usize, f64)> = Vec::new();
        for (site, n) in file_nodes.iter().enumerate() {
            let Some(s) = &n.storage else { continue };
            let mut total = 0.0;
            let mut seen: Vec<&str> = Vec::new();
            for h in &s.holders {
                let name = h.holder.get().as_str();
                if seen.contains(&name) {
                    self.err(
                        &h.holder.span(),
                        format!("holder '{name}' is listed twice"),
                        "give each holder one share",
                    );
                    ok = false;
                    continue;
                }
                seen.push(name);
                let who = if let Some(&i) = ids.nodes.get(name) {
                    Some(Some(i))
                } else if let Some(&c) = ids.companies.get(name) {
                    let home = &companies[c].country;
                    Some(file_nodes.iter().position(|x| {
                        x.id.get() == home || x.country.as_ref().is_some_and(|k| k.get() == home)
                    }))
                } else {
                    self.err(
                        &h.holder.span(),
                        format!("holder '{name}' is neither a node nor a company"),
                        "name a node id, or a [[company]] (whose home country may lie outside the region)",
                    );
                    None
                };
                let share = self.share(&h.share, "holders.share");
                match (who, share) {
                    (Some(who), Some(x)) => {
                        total += x;
                        held.push((who, site, x));
                    }
                    _ => ok = false,
                }
            }
            if total > 1.0 + 1e-9 {
                let span = s.holders.first().map_or(n.id.span(), |h| h.share.span());
                self.err(
                    &span,
                    format!(
                        "holders of {}'s storage hold {:.0} %, more than all of it",
                        n.id.get(),
                        100.0 * total
                    ),
                    "shares add up to at most 100 % (the rest is the node's own)",
                );
                ok = false;
            }
        }
        if !ok || held.is_empty() {
            return ok;
        }
        let sites: Vec<Option<StorageM>> = nodes
            .iter()
            .map(|n| n.as_ref().and_then(|n| n.storage.clone()))
            .collect();
        // Start from each site's own share, then add what each holder holds.
        let mut parts: Vec<Vec<(StorageM, f64)>> = vec![Vec::new(); nodes.len()];
        for (site, s) in sites.iter().enumerate() {
            if let Some(s) = s {
                let given: f64 = held.iter().filter(|h| h.1 == site).map(|h| h.2).sum();
                parts[site].push((s.clone(), (1.0 - given).max(0.0)));
            }
        }
        for &(who, site, share) in &held {
            if let (Some(h), Some(s)) = (who, &sites[site]) {
                parts[h].push((s.clone(), share));
            }
        }
        for (n, node) in nodes.iter_mut().enumerate() {
            if let Some(node) = node {
                node.storage = pool(&parts[n]);
            }
        }
        true
    }
}

/// One storage from shares of sites; none when nothing is held.
fn pool(parts: &[(StorageM, f64)]) -> Option<StorageM> {
    if let [(s, x)] = parts
        && *x == 1.0
    {
        return Some(s.clone());
    }
    let volume: f64 = parts.iter().map(|(s, x)| s.volume * x).sum();
    if volume <= 0.0 {
        return None;
    }
    let sum = |f: &dyn Fn(&StorageM) -> f64| parts.iter().map(|(s, x)| f(s) * x).sum::<f64>();
    let weighted = |f: &dyn Fn(&StorageM) -> f64| sum(&|s| f(s) * s.volume) / volume;
    Some(StorageM {
        volume,
        injection: sum(&|s| s.injection),
        withdrawal: sum(&|s| s.withdrawal),
        initial_fill: weighted(&|s| s.initial_fill),
        knee: weighted(&|s| s.knee),
        injection_knee: weighted(&|s| s.injection_knee),
    })
}

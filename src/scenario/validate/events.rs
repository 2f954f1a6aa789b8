//! Checks of `[[disruption]]`, `[[event]]` and `[[demand_shift]]` tables:
//! durations, hazards, dates, announcements.

use super::*;

/// Most demand shifts a scenario may list.
const MAX_SHIFTS: usize = 1_000;
/// Largest `scale` of a demand shift (a share).
const MAX_SHIFT_SCALE: f64 = 10.0;

impl Ctx<'_> {
    pub(super) fn duration(&mut self, d: &Duration) -> Option<DurationDist> {
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

    pub(super) fn disruption(&mut self, d: &Disruption, ids: &Ids) -> Option<DisruptionM> {
        let target = self.target(ids, &d.target);
        if let Some(Target::Storage(_)) = target {
            self.err(
                &d.target.span(),
                format!("disruption '{}' targets a storage", d.id.get()),
                "storage outages are scheduled: write an [[event]] with target storage:NODE",
            );
        }
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
        let until =
            until.map(|u| u.map(|u| end_of_window(u, d.until.as_ref().map_or("", |t| t.get()))));
        let anticipated = d.anticipated.as_ref().is_none_or(|a| *a.get());
        let announced = self.disruption_announced(d, anticipated, until.flatten());
        Some(DisruptionM {
            id: d.id.get().clone(),
            buyers: buyers?,
            hazard_grid: hazard_grid?,
            anticipated,
            announced: announced?,
            target: target?,
            hazard: hazard?,
            duration: duration?,
            severity: severity?,
            from: from?,
            until: until?,
            months,
        })
    }

    /// A disruption's `announced`: when the valuation starts to expect the
    /// risk, before the window closes (`until`, exclusive), and only for a
    /// risk it expects at all.
    fn disruption_announced(
        &mut self,
        d: &Disruption,
        anticipated: bool,
        until: Option<Day>,
    ) -> Option<Option<Day>> {
        let Some(a) = &d.announced else {
            return Some(None);
        };
        let day = self.date(a, "announced")?;
        if !anticipated {
            self.err(
                &a.span(),
                format!(
                    "disruption '{}' has `announced` but `anticipated = false`",
                    d.id.get()
                ),
                "a risk the valuation never expects has no date from which it expects it: remove one of them",
            );
            return None;
        }
        if let (Some(u), Some(text)) = (until, &d.until)
            && day >= u
        {
            self.err(
                &a.span(),
                format!(
                    "disruption '{}' is announced on {}, after its window ends (until {})",
                    d.id.get(),
                    a.get(),
                    text.get()
                ),
                "give a date inside the window or before it, or use `anticipated = false`",
            );
            return None;
        }
        Some(Some(day))
    }

    pub(super) fn event(&mut self, e: &Event, ids: &Ids, i: usize) -> Option<EventM> {
        let target = self.target(ids, &e.target);
        if let Some(Target::Storage(n)) = target
            && !ids.node_storage[n]
        {
            self.err(
                &e.target.span(),
                format!("target '{}' names a node without storage", e.target.get()),
                "give the node a [node.storage] table, or target another node",
            );
        }
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

    /// `[[demand_shift]]` tables.
    pub(super) fn demand_shifts(
        &mut self,
        shifts: &[DemandShift],
        ids: &Ids,
    ) -> Option<Vec<DemandShiftM>> {
        if let Some(s) = shifts.get(MAX_SHIFTS) {
            self.err(
                &s.start.span(),
                format!(
                    "the scenario has {} demand shifts, more than the {MAX_SHIFTS} allowed",
                    shifts.len()
                ),
                "merge shifts that cover the same days",
            );
            return None;
        }
        let out: Vec<Option<DemandShiftM>> = shifts
            .iter()
            .enumerate()
            .map(|(i, s)| self.demand_shift(s, ids, i))
            .collect();
        out.into_iter().collect()
    }

    fn demand_shift(&mut self, s: &DemandShift, ids: &Ids, i: usize) -> Option<DemandShiftM> {
        let start = self.date(&s.start, "start");
        let end = self.opt_date(&s.end, "end");
        if let (Some(a), Some(Some(b)), Some(x)) = (start, end, &s.end)
            && b <= a
        {
            self.err(
                &x.span(),
                "demand shift ends before it starts",
                "end is the first day back to normal",
            );
        }
        let scale = self.qpos(&s.scale, Dimension::Share, "scale");
        if let Some(v) = scale
            && v > MAX_SHIFT_SCALE
        {
            self.err(
                &s.scale.span(),
                format!("scale {} is more than ten times the demand", s.scale.text()),
                "scale is the shifted demand as a share of the unshifted, e.g. \"92 %\"",
            );
        }
        let sectors = self.sector_mask(&s.sectors);
        let nodes = self.node_list(&s.nodes, ids);
        let announced = self.announced(&s.announced, start);
        Some(DemandShiftM {
            id: s
                .id
                .as_ref()
                .map_or_else(|| format!("demand-shift-{}", i + 1), |x| x.get().clone()),
            nodes: nodes?,
            sectors: sectors?,
            start: start?,
            end: end?,
            scale: scale.filter(|&v| v <= MAX_SHIFT_SCALE)?,
            announced: announced?,
        })
    }

    /// `announced`: when the market learns of a dated change (at the latest
    /// when it starts).
    pub(super) fn announced(
        &mut self,
        a: &Option<At<String>>,
        start: Option<Day>,
    ) -> Option<Option<Day>> {
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
}

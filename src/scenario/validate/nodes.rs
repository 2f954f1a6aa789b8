//! Checks of `[[node]]` and `[[origin]]` tables: demand, trends, storage, production and supply.

use super::*;

impl Ctx<'_> {
    pub(super) fn node(&mut self, n: &Node) -> Option<NodeM> {
        let d = &n.demand;
        let protected = self.qpos(&d.protected, Dimension::Rate, "demand.protected");
        let industry = self.qpos(&d.industry, Dimension::Rate, "demand.industry");
        let power = self.qpos(&d.power, Dimension::Rate, "demand.power");
        let trend = self.opt(&d.trend, 0.0, |c, q| {
            c.q(q, Dimension::PerYear, "demand.trend")
        });
        let trend = self.trend(trend, &d.trend, "demand.trend");
        let mut profile = DEFAULT_PROFILE;
        if let Some(p) = &d.profile {
            let v = p.get();
            if v.len() != 12
                || v.iter().any(|x| !x.is_finite() || *x < 0.0)
                || v.iter().sum::<f64>() <= 0.0
            {
                self.err(
                    &p.span(),
                    "demand.profile needs twelve non-negative numbers, not all zero",
                    "give one factor per month, January first, e.g. [1.75, 1.55, …]",
                );
            } else {
                profile.copy_from_slice(v);
            }
        }
        let mean = profile.iter().sum::<f64>() / 12.0;
        profile.iter_mut().for_each(|x| *x /= mean);
        let weather_sensitivity = self.opt(&d.weather_sensitivity, 0.08, |c, q| {
            c.share(q, "demand.weather_sensitivity")
        });
        let daily_sensitivity =
            self.opt(&d.daily_sensitivity, DEFAULT_DAILY_SENSITIVITY, |c, q| {
                c.share(q, "demand.daily_sensitivity")
            });
        let demand = [protected?, industry?, power?];
        self.compounding(&d.trend, trend, demand.iter().sum(), "demand");
        let january = demand[0] * profile[0] + demand[1] + demand[2] * (0.5 + 0.5 * profile[0]);
        let peak_day = self.opt(&d.peak_day, january * 1.5, |c, q| {
            c.qpos(q, Dimension::Rate, "demand.peak_day")
        });
        let production = match &n.production {
            None => Some(None),
            Some(p) => {
                let rate = self.qpos(&p.rate, Dimension::Rate, "production.rate");
                let trend = self.opt(&p.trend, 0.0, |c, q| {
                    c.q(q, Dimension::PerYear, "production.trend")
                });
                let trend = self.trend(trend, &p.trend, "production.trend");
                if let Some(r) = rate {
                    self.compounding(&p.trend, trend, r, "production");
                }
                let schedule = self.rate_points(&p.schedule, "production.schedule");
                Some(Some(ProductionM {
                    rate: rate?,
                    trend: trend?,
                    schedule: schedule?,
                }))
            }
        };
        let storage = match &n.storage {
            None => Some(None),
            Some(s) => {
                let volume = self.qpos(&s.volume, Dimension::Energy, "storage.volume");
                let injection = self.qpos(&s.injection, Dimension::Rate, "storage.injection");
                let withdrawal = self.qpos(&s.withdrawal, Dimension::Rate, "storage.withdrawal");
                let initial_fill = self.share(&s.initial_fill, "storage.initial_fill");
                let knee = self.opt(&s.withdrawal_knee, 0.4, |c, q| {
                    c.share(q, "storage.withdrawal_knee")
                });
                let injection_knee = self.opt(&s.injection_knee, 0.8, |c, q| {
                    let k = c.share(q, "storage.injection_knee")?;
                    if k >= 1.0 {
                        c.err(
                            &q.span(),
                            "storage.injection_knee is 100 %",
                            "use a fill below 100 % (injection falls from there to 0 when full)",
                        );
                        return None;
                    }
                    Some(k)
                });
                Some(Some(StorageM {
                    volume: volume?,
                    injection: injection?,
                    withdrawal: withdrawal?,
                    initial_fill: initial_fill?,
                    knee: knee?,
                    injection_knee: injection_knee?,
                }))
            }
        };
        let lng_regas = self.opt(&n.lng_regas, 0.0, |c, q| {
            c.qpos(q, Dimension::Rate, "lng_regas")
        });
        let lng_schedule = self.rate_points(&n.lng_schedule, "lng_schedule");
        let lat = self.coord(&n.lat, 90.0, "lat");
        let lon = self.coord(&n.lon, 180.0, "lon");
        Some(NodeM {
            id: n.id.get().clone(),
            name: n.name.clone().unwrap_or_else(|| n.id.get().clone()),
            lat: lat.unwrap_or(50.0),
            lon: lon.unwrap_or(10.0),
            country: n
                .country
                .as_ref()
                .map_or_else(|| n.id.get().clone(), |c| c.get().clone()),
            demand,
            trend: trend?,
            profile,
            weather_sensitivity: weather_sensitivity?,
            daily_sensitivity: daily_sensitivity?,
            peak_day: peak_day?,
            // Set once `[market]` is read (see `model`).
            curve: DemandCurve::firm(),
            production: production?,
            storage: storage?,
            lng_regas: [(DISTANT_PAST, lng_regas?)]
                .into_iter()
                .chain(lng_schedule?)
                .collect(),
        })
    }

    /// A yearly change must stay within (-100 %, +100 %] a year.
    pub(super) fn trend(
        &mut self,
        t: Option<f64>,
        q: &Option<Quantity>,
        what: &str,
    ) -> Option<f64> {
        if let (Some(v), Some(q)) = (t, q)
            && (v <= -1.0 || v > 1.0)
        {
            self.err(
                &q.span(),
                format!("{what} {} is not a plausible yearly change", q.text()),
                "use a change above -100 %/y and at most +100 %/y",
            );
            return None;
        }
        t
    }

    /// A growing rate compounded over the horizon must stay within the
    /// rate limit, or the engine's integer volumes would overflow.
    pub(super) fn compounding(
        &mut self,
        q: &Option<Quantity>,
        trend: Option<f64>,
        rate: f64,
        what: &str,
    ) {
        let (Some(q), Some(t)) = (q, trend) else {
            return;
        };
        let Some((max, shown)) = limit(Dimension::Rate) else {
            return;
        };
        if t > 0.0 && rate > 0.0 && rate * (1.0 + t).powf(self.years) > max {
            self.err(
                &q.span(),
                format!(
                    "{what} growing by {} would exceed {shown} before the end of the scenario",
                    q.text()
                ),
                "use a smaller trend or a shorter horizon (or a schedule)",
            );
        }
    }

    pub(super) fn rate_points(&mut self, pts: &[RatePoint], what: &str) -> Option<Vec<(Day, f64)>> {
        let mut out = Vec::new();
        let mut ok = true;
        for p in pts {
            let d = self.date(&p.from, &format!("{what}.from"));
            let r = self.qpos(&p.rate, Dimension::Rate, &format!("{what}.rate"));
            match (d, r) {
                (Some(d), Some(r)) => {
                    if out.last().is_some_and(|&(last, _)| last >= d) {
                        self.err(
                            &p.from.span(),
                            format!("{what} dates are not in increasing order"),
                            "list the points from earliest to latest",
                        );
                        ok = false;
                    }
                    out.push((d, r));
                }
                _ => ok = false,
            }
        }
        ok.then_some(out)
    }

    pub(super) fn origin(&mut self, o: &Origin) -> Option<OriginM> {
        let kind = match o.kind.get().as_str() {
            "pipe" => Some(OriginKind::Pipe),
            "lng" => Some(OriginKind::Lng),
            other => {
                self.err(
                    &o.kind.span(),
                    format!("origin kind '{other}' is not known"),
                    "use \"pipe\" or \"lng\"",
                );
                None
            }
        };
        let price = self.qpos(&o.price, Dimension::Price, "price");
        let competing_price = match (&o.competing_price, kind) {
            (None, _) => price,
            (Some(q), Some(OriginKind::Lng)) => self.qpos(q, Dimension::Price, "competing_price"),
            (Some(q), _) => {
                self.err(
                    &q.span(),
                    "competing_price is given for a pipe origin",
                    "only LNG origins sell to the competing market of [lng_market]: remove it",
                );
                None
            }
        };
        let capacity = self.qpos(&o.capacity, Dimension::Rate, "capacity");
        let schedule = self.rate_points(&o.schedule, "schedule");
        let lat = self.coord(&o.lat, 90.0, "lat");
        let lon = self.coord(&o.lon, 180.0, "lon");
        Some(OriginM {
            id: o.id.get().clone(),
            name: o.name.clone().unwrap_or_else(|| o.id.get().clone()),
            country: o.country.get().clone(),
            kind: kind?,
            price: price?,
            competing_price: competing_price?,
            capacity: [(DISTANT_PAST, capacity?)]
                .into_iter()
                .chain(schedule?)
                .collect(),
            lat,
            lon,
        })
    }
}

//! A step's plan: capacities, costs, demand, storage, targets and stakes of one
//! step under one policy, from the scenario's schedules and the policy's measures.

use super::*;

impl Network {
    /// Deterministic numbers of the step starting on `day`.
    pub(super) fn plan(
        &self,
        model: &Model,
        day: Day,
        days: f64,
        gates: &[(String, f64)],
    ) -> StepPlan {
        let pol = &model.policies[self.policy];
        let (year, month, _) = day.ymd();
        let years = day.years_since(model.start);
        let p = Params::resolve(model, pol, day);
        let nn = model.nodes.len();

        // Demand.
        let mut demand = vec![[0.0; 3]; nn];
        for (n, node) in model.nodes.iter().enumerate() {
            let g = (1.0 + node.trend).powf(years);
            let prof = node.profile[month as usize - 1];
            let shape = [prof, 1.0, 0.5 + 0.5 * prof];
            for s in 0..3 {
                demand[n][s] = p.demand[n][s] * g * shape[s] * days * (1.0 - p.reduction[n][s]);
            }
        }
        // Dated shifts of reference demand, by the share of the step they cover.
        for sh in &model.demand_shifts {
            let f = 1.0 + (sh.scale - 1.0) * overlap(day, days, sh.start, sh.end);
            for &n in &sh.nodes {
                for (d, _) in demand[n].iter_mut().zip(sh.sectors).filter(|(_, on)| *on) {
                    *d *= f;
                }
            }
        }
        // Scheduled events: availability of each target over the step.
        let mut pipe_avail = vec![1.0; model.pipelines.len()];
        let mut origin_avail = vec![1.0; model.origins.len()];
        let mut lng_avail = vec![1.0; nn];
        let mut storage_avail = vec![1.0; nn];
        // Cuts of one origin's deliveries to some buyers: (origin, node) → availability.
        let mut delivery = vec![1.0; model.origins.len() * nn];
        for e in &model.events {
            let lost = e.severity * overlap(day, days, e.start, e.end);
            if let (Target::Origin(o), false) = (e.target, e.buyers.is_empty()) {
                for &b in &e.buyers {
                    delivery[o * nn + b] *= 1.0 - lost;
                }
                continue;
            }
            match e.target {
                Target::Pipeline(i) => pipe_avail[i] *= 1.0 - lost,
                Target::Origin(i) => origin_avail[i] *= 1.0 - lost,
                Target::Lng(i) => lng_avail[i] *= 1.0 - lost,
                Target::Storage(i) => storage_avail[i] *= 1.0 - lost,
            }
        }
        // Pipeline capacity in force, before bookings.
        let pipeline_cap: Vec<f64> = model
            .pipelines
            .iter()
            .enumerate()
            .map(|(i, pipe)| {
                let up = 1.0
                    - pipe
                        .offline
                        .map_or(0.0, |off| overlap(day, days, off, None));
                p.pipe_cap[i] * up * pipe_avail[i] * days
            })
            .collect();
        let mut booked = vec![0.0; model.pipelines.len()];
        // Share of each pipeline reserved for its owners' home markets.
        let reserved: Vec<f64> = model
            .pipelines
            .iter()
            .enumerate()
            .map(|(i, pipe)| {
                if pipe.capacity_rights {
                    p.stakes[i]
                        .iter()
                        .filter(|(c, _)| self.rights_arc_exists(i, *c))
                        .map(|(_, s)| s)
                        .sum::<f64>()
                        .min(1.0)
                } else {
                    0.0
                }
            })
            .collect();
        let mut lng_booked = vec![0.0; nn];

        let mut cap = vec![0.0; self.arcs.len()];
        let mut cost = vec![0.0; self.arcs.len()];
        let mut price = vec![0.0; self.arcs.len()];
        // Contracts first: they book capacity on their route.
        for (a, arc) in self.arcs.iter().enumerate() {
            if let ArcKind::Contract {
                contract: k,
                take_or_pay,
            } = arc.kind
            {
                let c = &model.contracts[k];
                let on = p.contract_on[k] * overlap(day, days, c.start, c.end);
                let vol = p.contract_volume[k] * on * days;
                let share = if take_or_pay {
                    c.take_or_pay
                } else {
                    1.0 - c.take_or_pay
                };
                let lng = model.origins[c.seller].kind == OriginKind::Lng;
                // What the route can still carry: the least open capacity
                // of its pipelines (capacity reserved for owners is not for
                // sale); an LNG contract books its delivery node's terminals.
                let route_cap = if lng {
                    p.regas[c.delivery] * lng_avail[c.delivery] * days - lng_booked[c.delivery]
                } else {
                    c.route
                        .iter()
                        .map(|&r| pipeline_cap[r] * (1.0 - reserved[r]) - booked[r])
                        .fold(vol * share, f64::min)
                };
                let x = (vol * share).min(route_cap.max(0.0))
                    * origin_avail[c.seller]
                    * delivery[c.seller * nn + c.buyer];
                cap[a] = x;
                if lng {
                    lng_booked[c.delivery] += x;
                }
                for &r in &c.route {
                    booked[r] += x;
                }
                let tariff: f64 = c.route.iter().map(|&r| p.tariff[r]).sum();
                cost[a] = tariff
                    + if take_or_pay {
                        0.0
                    } else {
                        p.contract_price[k]
                    };
            }
        }
        for (a, arc) in self.arcs.iter().enumerate() {
            match arc.kind {
                ArcKind::OriginSupply(o) => {
                    // The region's embargo stops an LNG exporter's sales to
                    // the region, not to the competing market.
                    let embargo = if model.lng.is_some() && model.origins[o].kind == OriginKind::Lng
                    {
                        0.0
                    } else {
                        p.embargo[o]
                    };
                    cap[a] = p.origin_cap[o] * origin_avail[o] * days * (1.0 - embargo)
                }
                ArcKind::CapGate(g) => {
                    let total: f64 = demand.iter().flatten().sum();
                    // The active cap that started last wins, as for every
                    // other measure (stable: file order breaks ties).
                    let share = pol
                        .measures
                        .iter()
                        .filter(|m| m.active(day))
                        .filter_map(|m| match &m.kind {
                            MeasureKind::ImportCap {
                                country,
                                node: None,
                                max_share,
                            } if *country == gates[g].0 => {
                                Some((m.start.unwrap_or(DISTANT_PAST), *max_share))
                            }
                            _ => None,
                        })
                        .max_by_key(|&(start, _)| start)
                        .map_or(f64::INFINITY, |(_, share)| share);
                    cap[a] = if share.is_finite() {
                        share * total
                    } else {
                        BIG
                    };
                }
                ArcKind::Pipeline {
                    pipeline: i,
                    reverse,
                } => {
                    let pipe = &model.pipelines[i];
                    let price_o = match pipe.from {
                        Endpoint::Origin(o) => p.origin_price[o],
                        Endpoint::Node(_) => 0.0,
                    };
                    cost[a] = price_o
                        + match pipe.from {
                            Endpoint::Origin(_) => p.tariff[i],
                            Endpoint::Node(_) => p.tariff[i].max(MIN_TRANSPORT_COST),
                        };
                    price[a] = price_o;
                    let cut = match pipe.from {
                        Endpoint::Origin(o) => delivery[o * nn + pipe.to],
                        Endpoint::Node(_) => 1.0,
                    };
                    cap[a] = cut
                        * if reverse {
                            let up = 1.0
                                - pipe
                                    .offline
                                    .map_or(0.0, |off| overlap(day, days, off, None));
                            p.reverse[i] * up * pipe_avail[i] * days
                        } else {
                            ((pipeline_cap[i] * (1.0 - reserved[i])) - booked[i]).max(0.0)
                        };
                }
                ArcKind::Rights {
                    pipeline: i,
                    company,
                    ..
                } => {
                    let pipe = &model.pipelines[i];
                    let stake = p.stakes[i]
                        .iter()
                        .find(|(c, _)| *c == company)
                        .map_or(0.0, |s| s.1);
                    let price_o = match pipe.from {
                        Endpoint::Origin(o) => p.origin_price[o],
                        Endpoint::Node(_) => 0.0,
                    };
                    cost[a] = price_o + p.rights_tariff[i];
                    price[a] = price_o;
                    // Bookings by contracts come out of the open capacity first.
                    let cut = match pipe.from {
                        Endpoint::Origin(o) => delivery[o * nn + arc_node(self, arc.head)],
                        Endpoint::Node(_) => 1.0,
                    };
                    cap[a] = pipeline_cap[i] * stake * cut;
                }
                ArcKind::LngSupply(o) => {
                    // Limited by liquefaction (`OriginSupply`) and, for the
                    // region's buyers only, an embargo.
                    cap[a] = if p.embargo[o] > 0.0 {
                        p.origin_cap[o] * origin_avail[o] * days * (1.0 - p.embargo[o])
                    } else {
                        BIG
                    };
                    cost[a] = p.origin_price[o];
                    price[a] = p.origin_price[o];
                }
                ArcKind::LngCompeting(o) => {
                    cap[a] = BIG;
                    cost[a] = model.origins[o].competing_price
                        + (p.origin_price[o] - model.origins[o].price);
                    price[a] = cost[a];
                }
                ArcKind::LngPool => cap[a] = BIG,
                ArcKind::Regas(n) => {
                    cap[a] = (p.regas[n] * lng_avail[n] * days - lng_booked[n]).max(0.0);
                    cost[a] = REGAS_COST;
                }
                ArcKind::Production(_) => {
                    cost[a] = model.production_price;
                }
                ArcKind::Demand { node, tranche } => {
                    cost[a] = model.nodes[node].curve.tranches[tranche].0;
                }
                ArcKind::Curtail {
                    sector, tranche, ..
                } => {
                    let step = if p.solidarity == Solidarity::Cooperative {
                        TRANCHE_STEP
                    } else {
                        0.0
                    };
                    cost[a] =
                        model.market.curtailment_value[sector] * (1.0 + step * tranche as f64);
                }
                ArcKind::Competing(k) => {
                    if let Some(lng) = &model.lng {
                        cost[a] = lng.curve[k].0;
                    }
                }
                ArcKind::Inject(_) => cost[a] = INJECTION_COST,
                ArcKind::Withdraw(_) => cost[a] = WITHDRAWAL_COST,
                ArcKind::Contract { .. }
                | ArcKind::Keep { .. }
                | ArcKind::Level(_)
                | ArcKind::Bypass => {}
            }
        }
        // Storage targets at the end of the step.
        let end = Day(day.0 + days as i32);
        let target = (0..nn)
            .map(|n| {
                p.storage_targets[n]
                    .as_ref()
                    .and_then(|(pts, _)| trajectory(pts, end))
            })
            .collect();
        let penalty = (0..nn)
            .map(|n| p.storage_targets[n].as_ref().map_or(0.0, |t| t.1))
            .collect();
        let competing = model
            .lng
            .as_ref()
            .map_or(0.0, |l| staged(&l.demand, day) * days);
        // Storage withheld from the market by events: its share of the
        // volume and of both rates.
        let storage = (0..nn)
            .map(|n| {
                let a = storage_avail[n];
                [
                    p.storage[n][0] * a,
                    p.storage[n][1] * days * a,
                    p.storage[n][2] * days * a,
                ]
            })
            .collect();
        let withheld = (0..nn)
            .map(|n| p.storage[n][0] * (1.0 - storage_avail[n]))
            .collect();
        StepPlan {
            start: day,
            days,
            year,
            month,
            cap: cap.into(),
            cost: cost.into(),
            price: price.into(),
            production: (0..nn).map(|n| p.production[n] * days).collect(),
            demand,
            competing,
            storage,
            withheld,
            target,
            penalty,
            solidarity: p.solidarity,
            stakes: p.stakes.into(),
        }
    }
}

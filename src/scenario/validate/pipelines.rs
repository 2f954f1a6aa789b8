//! Checks of `[[pipeline]]` tables: capacities, reverse flows, owners and stakes, tariffs.

use super::*;

impl Ctx<'_> {
    pub(super) fn pipeline(&mut self, p: &Pipeline, ids: &Ids) -> Option<PipelineM> {
        let from = match (ids.origins.get(p.from.get()), ids.nodes.get(p.from.get())) {
            (Some(&o), _) => Some(Endpoint::Origin(o)),
            (None, Some(&n)) => Some(Endpoint::Node(n)),
            (None, None) => {
                let (ko, kn) = (known(&ids.origins), known(&ids.nodes));
                self.err(
                    &p.from.span(),
                    format!(
                        "pipeline '{}' comes from unknown '{}'",
                        p.id.get(),
                        p.from.get()
                    ),
                    format!("use an origin ({ko}) or a node ({kn})"),
                );
                None
            }
        };
        let to = match ids.nodes.get(p.to.get()) {
            Some(&i) => Some(i),
            None => {
                let k = known(&ids.nodes);
                let hint = if ids.origins.contains_key(p.to.get()) {
                    "; it is an origin, and gas flows from origins only"
                } else {
                    ""
                };
                self.err(
                    &p.to.span(),
                    format!(
                        "pipeline '{}' goes to unknown node '{}'{hint} ({k})",
                        p.id.get(),
                        p.to.get()
                    ),
                    "`to` must be the id of a [[node]]",
                );
                None
            }
        };
        if let (Some(Endpoint::Node(a)), Some(b)) = (from, to)
            && a == b
        {
            self.err(
                &p.to.span(),
                format!("pipeline '{}' goes from a node to itself", p.id.get()),
                "a pipeline links two different places",
            );
        }
        let capacity = self.qpos(&p.capacity, Dimension::Rate, "capacity");
        let reverse = self.opt(&p.reverse_capacity, 0.0, |c, q| {
            c.qpos(q, Dimension::Rate, "reverse_capacity")
        });
        if let (Some(Endpoint::Origin(_)), Some(r), Some(q)) = (from, reverse, &p.reverse_capacity)
            && r > 0.0
        {
            self.err(
                &q.span(),
                "reverse_capacity on a pipeline from an origin",
                "gas cannot flow back into an origin: remove reverse_capacity",
            );
        }
        let online = self.opt_date(&p.online, "online");
        let offline = self.opt_date(&p.offline, "offline");
        if let (Some(Some(a)), Some(Some(b)), Some(off)) = (online, offline, &p.offline)
            && b <= a
        {
            self.err(
                &off.span(),
                format!(
                    "pipeline '{}' goes offline ({}) before it comes online",
                    p.id.get(),
                    off.get()
                ),
                "offline must be after online",
            );
        }
        let stages = self.rate_points(&p.stages, "stages");
        let tariff = self.opt(&p.tariff, 0.0, |c, q| c.qpos(q, Dimension::Price, "tariff"));
        let rights_tariff = self.opt(&p.rights_tariff, tariff.unwrap_or(0.0) / 2.0, |c, q| {
            c.qpos(q, Dimension::Price, "rights_tariff")
        });
        let mut owners = Vec::new();
        let mut total = 0.0;
        let mut over = false;
        for o in &p.owners {
            let c = self.lookup(&ids.companies, &o.company, "owner company");
            let s = self.share(&o.stake, "stake");
            if let (Some(c), Some(s)) = (c, s) {
                if owners.iter().any(|&(x, _)| x == c) {
                    self.err(
                        &o.company.span(),
                        format!("company '{}' owns '{}' twice", o.company.get(), p.id.get()),
                        "give each owner one entry with its whole stake",
                    );
                }
                total += s;
                owners.push((c, s));
                // Reported once, at the stake that takes the sum over 100 %.
                if total > 1.0 + 1e-9 && !over {
                    over = true;
                    self.err(
                        &o.stake.span(),
                        format!(
                            "stakes in pipeline '{}' sum to {:.1} % with this one",
                            p.id.get(),
                            total * 100.0
                        ),
                        "stakes of all owners must add up to at most 100 %",
                    );
                }
            }
        }
        let mut st = vec![(online?.unwrap_or(DISTANT_PAST), capacity?)];
        for ((d, r), raw) in stages?.into_iter().zip(&p.stages) {
            if d <= st[0].0 {
                self.err(
                    &raw.from.span(),
                    format!(
                        "pipeline '{}' has a stage before it comes online",
                        p.id.get()
                    ),
                    "stages must start after `online`",
                );
            }
            st.push((d, r));
        }
        Some(PipelineM {
            id: p.id.get().clone(),
            name: p.name.clone().unwrap_or_else(|| p.id.get().clone()),
            from: from?,
            to: to?,
            stages: st,
            offline: offline?,
            reverse: reverse?,
            tariff: tariff?,
            owners,
            capacity_rights: p.capacity_rights.as_ref().is_some_and(|b| *b.get()),
            rights_tariff: rights_tariff?,
        })
    }
}

//! Checks of `[[policy]]` tables and their measures: targets, fields, operations, conflicts.

use super::*;

impl Ctx<'_> {
    /// The measures policy `i` inherits through `extends`, the most distant
    /// base's first. An unknown id or a cycle is reported at the policy's
    /// own `extends` (each policy of a cycle reports it once); a policy
    /// whose base is broken further up the chain is left out silently, the
    /// policy at fault reports it.
    pub(super) fn inherited<'f>(
        &mut self,
        policies: &'f [Policy],
        ids: &HashMap<String, usize>,
        i: usize,
    ) -> Option<Vec<&'f Measure>> {
        let mut chain = vec![i];
        while let Some(base) = &policies[chain[chain.len() - 1]].extends {
            let Some(&j) = ids.get(base.get()) else {
                if chain.len() == 1 {
                    let known: Vec<_> = policies.iter().map(|p| p.id.get().as_str()).collect();
                    self.err(
                        &base.span(),
                        format!("policy '{}' is not defined", base.get()),
                        format!("extends names a policy of this file: {}", known.join(", ")),
                    );
                }
                return None;
            };
            if chain.contains(&j) {
                if j == i {
                    let at = policies[i].extends.as_ref().map_or(0..0, |e| e.span());
                    self.err(
                        &at,
                        format!(
                            "policy '{}' extends itself through this chain",
                            policies[i].id.get()
                        ),
                        "one policy of the chain must not extend another",
                    );
                }
                return None;
            }
            chain.push(j);
        }
        Some(
            chain[1..]
                .iter()
                .rev()
                .flat_map(|&j| &policies[j].measures)
                .collect(),
        )
    }

    /// Resolve policy `p`, whose measures follow those it inherits
    /// (`base`). The inherited measures were checked with the policy that
    /// defines them: their problems are reported there, once.
    pub(super) fn policy(
        &mut self,
        p: &Policy,
        base: &[&Measure],
        ids: &Ids,
        contracts: &mut Vec<Option<ContractM>>,
        pipes: &[Pipeline],
    ) -> Option<PolicyM> {
        let mut measures = Vec::new();
        let mut spans = Vec::new();
        let reported = self.problems.len();
        let mut ok = true;
        for (k, m) in base.iter().copied().chain(&p.measures).enumerate() {
            match self.measure(m, ids, contracts) {
                Some(x) => {
                    measures.push(x);
                    spans.push(m.kind.span());
                }
                None => ok = false,
            }
            if k + 1 == base.len() {
                self.problems.truncate(reported);
            }
        }
        if !ok {
            return None;
        }
        let own = base.len();
        // Later measures override earlier ones; two of the policy's own on
        // the same thing from the same date are ambiguous unless both add
        // (an own measure overriding an inherited one is what `extends` is
        // for).
        for i in own..measures.len() {
            for j in own..i {
                if measures[i].start == measures[j].start
                    && conflicts(&measures[i].kind, &measures[j].kind)
                {
                    self.err(&spans[i], format!("measure conflicts with the measure on line {} of policy '{}': both change the same thing from the same date", self.loc.place(&spans[j]).0, p.id.get()), "give them different start dates (the later one overrides), or merge them");
                }
            }
        }
        // Stakes after the policy's trades must still sum to at most 100 %.
        let mut stakes: HashMap<(usize, usize), f64> = HashMap::new();
        for (pi, pipe) in pipes.iter().enumerate() {
            for o in &pipe.owners {
                if let (Some(&c), Ok(s)) = (
                    ids.companies.get(o.company.get()),
                    parse(o.stake.text(), Dimension::Share, self.gcv),
                ) {
                    stakes.insert((pi, c), s);
                }
            }
        }
        for (k, (m, span)) in measures.iter().zip(&spans).enumerate() {
            if let MeasureKind::Stake {
                pipeline,
                company,
                counterparty,
                delta,
            } = m.kind
            {
                *stakes.entry((pipeline, company)).or_default() += delta;
                if let Some(cp) = counterparty {
                    *stakes.entry((pipeline, cp)).or_default() -= delta;
                }
                let total: f64 = stakes
                    .iter()
                    .filter(|((p, _), _)| *p == pipeline)
                    .map(|(_, s)| s)
                    .sum();
                if k < own {
                    // inherited: checked with the policy that defines it
                } else if stakes.values().any(|&s| s < -1e-9) {
                    self.err(
                        span,
                        "stake measure leaves a company with a negative stake",
                        "a company can only divest or sell what it owns",
                    );
                } else if total > 1.0 + 1e-9 {
                    self.err(
                        span,
                        format!(
                            "after this measure the stakes in '{}' sum to {:.1} %",
                            pipes[pipeline].id.get(),
                            total * 100.0
                        ),
                        "name the counterparty that sells the stake",
                    );
                }
            }
        }
        Some(PolicyM {
            id: p.id.get().clone(),
            label: p.label.clone().unwrap_or_else(|| p.id.get().clone()),
            description: p.description.clone(),
            measures,
        })
    }

    pub(super) fn measure(
        &mut self,
        m: &Measure,
        ids: &Ids,
        contracts: &mut Vec<Option<ContractM>>,
    ) -> Option<MeasureM> {
        let kind = m.kind.get().as_str();
        // Which optional fields each type takes; any other one set is an error.
        let allowed: &[&str] = match kind {
            "embargo" => &["country", "origin", "share"],
            "import_cap" => &["country", "node", "max_share"],
            "capacity" => &["target", "action", "value"],
            "storage_target" => &["targets", "nodes", "penalty"],
            "demand_reduction" => &["share", "sectors", "nodes"],
            "contract" => &["action", "contract", "id"],
            "stake" => &["pipeline", "company", "action", "stake", "counterparty"],
            "solidarity" => &["mode"],
            "set" | "scale" | "add" => &["path", "value"],
            other => {
                self.err(&m.kind.span(), format!("measure type '{other}' is not known"), "use embargo, import_cap, capacity, storage_target, demand_reduction, contract, stake, solidarity, set, scale or add");
                return None;
            }
        };
        // Each optional field that is set, with the place of its value (the
        // first element for lists; the measure's `type` if it has none).
        let at = |x: &Option<At<String>>| x.as_ref().map(|v| Some(v.span()));
        let qt = |x: &Option<Quantity>| x.as_ref().map(|v| Some(v.span()));
        let list = |x: &Option<Vec<At<String>>>| x.as_ref().map(|v| v.first().map(|e| e.span()));
        let present: [(&str, Option<Option<Range<usize>>>); 18] = [
            ("country", at(&m.country)),
            ("origin", at(&m.origin)),
            ("node", at(&m.node)),
            ("nodes", list(&m.nodes)),
            ("share", qt(&m.share)),
            ("max_share", qt(&m.max_share)),
            ("target", at(&m.target)),
            ("action", at(&m.action)),
            ("value", qt(&m.value)),
            (
                "targets",
                m.targets.as_ref().map(|v| v.first().map(|p| p.date.span())),
            ),
            ("sectors", list(&m.sectors)),
            ("contract", m.contract.as_ref().map(|c| Some(c.id.span()))),
            ("id", at(&m.id)),
            ("pipeline", at(&m.pipeline)),
            ("company", at(&m.company)),
            ("stake", qt(&m.stake)),
            ("mode", at(&m.mode)),
            ("penalty", qt(&m.penalty)),
        ];
        let mut bad = false;
        for (name, set) in present {
            let Some(place) = set else { continue };
            if !allowed.contains(&name) {
                self.err(
                    &place.unwrap_or_else(|| m.kind.span()),
                    format!("field '{name}' does not apply to a '{kind}' measure"),
                    format!(
                        "a '{kind}' measure takes: {}, start, end, announced",
                        allowed.join(", ")
                    ),
                );
                bad = true;
            }
        }
        if let (Some(c), false) = (&m.counterparty, kind == "stake") {
            self.err(
                &c.span(),
                format!("field 'counterparty' does not apply to a '{kind}' measure"),
                "counterparty belongs to stake measures",
            );
            bad = true;
        }
        let start = self.opt_date(&m.start, "start");
        let end = self.opt_date(&m.end, "end");
        if let (Some(Some(a)), Some(Some(b)), Some(e)) = (start, end, &m.end)
            && b <= a
        {
            self.err(
                &e.span(),
                "measure ends before it starts",
                "end is the first month the measure no longer applies",
            );
        }
        let span = m.kind.span();
        let need = |cx: &mut Self, present: bool, name: &str| {
            if !present {
                cx.err(
                    &span,
                    format!("a '{kind}' measure needs `{name}`"),
                    format!("add `{name}`; docs/scenario-format.md shows an example"),
                );
            }
            present
        };
        let mk = match kind {
            "embargo" => {
                let origins: Vec<usize> = match (&m.origin, &m.country) {
                    (Some(o), None) => vec![self.lookup(&ids.origins, o, "origin")?],
                    (None, Some(c)) => {
                        let v: Vec<usize> = (0..ids.origin_country.len())
                            .filter(|&i| ids.origin_country[i] == *c.get())
                            .collect();
                        if v.is_empty() {
                            let mut countries = ids.origin_country.clone();
                            countries.sort();
                            countries.dedup();
                            self.err(
                                &c.span(),
                                format!(
                                    "no origin has country '{}' (countries: {})",
                                    c.get(),
                                    countries.join(", ")
                                ),
                                "name a country of an [[origin]]",
                            );
                            return None;
                        }
                        v
                    }
                    _ => {
                        self.err(
                            &span,
                            "an embargo needs exactly one of `origin` or `country`",
                            "e.g. country = \"RU\"",
                        );
                        return None;
                    }
                };
                let share = self.opt(&m.share, 1.0, |c, q| c.share(q, "share"))?;
                MeasureKind::Embargo { origins, share }
            }
            "import_cap" => {
                if !need(self, m.country.is_some(), "country")
                    | !need(self, m.max_share.is_some(), "max_share")
                {
                    return None;
                }
                // Only the region-wide cap is modelled; a per-node cap would
                // otherwise be accepted and silently do nothing.
                if let Some(n) = &m.node {
                    self.err(
                        &n.span(),
                        "import_cap applies to the whole region; a cap on one node is not modelled",
                        "remove `node` (the cap then limits the region's direct imports from the country), or cut that node's supply with an `embargo` or `capacity` measure",
                    );
                    return None;
                }
                let node = None;
                let max_share = self.share(m.max_share.as_ref()?, "max_share")?;
                MeasureKind::ImportCap {
                    country: m.country.as_ref()?.get().clone(),
                    node,
                    max_share,
                }
            }
            "capacity" => {
                if !need(self, m.target.is_some(), "target")
                    | !need(self, m.action.is_some(), "action")
                    | !need(self, m.value.is_some(), "value")
                {
                    return None;
                }
                let field = match self.target(ids, m.target.as_ref()?)? {
                    Target::Pipeline(p) => Field::PipelineCapacity(p),
                    Target::Origin(o) => Field::OriginCapacity(o),
                    Target::Lng(n) => Field::LngRegas(n),
                    Target::Storage(n) => Field::StorageSize(n),
                };
                let op = self.op(m.action.as_ref()?)?;
                let value = self.field_value(field, op, m.value.as_ref()?)?;
                MeasureKind::Adjust { field, op, value }
            }
            "set" | "scale" | "add" => {
                if !need(self, m.path.is_some(), "path") | !need(self, m.value.is_some(), "value") {
                    return None;
                }
                let field = self.field_path(m.path.as_ref()?, ids)?;
                let op = match kind {
                    "set" => Op::Set,
                    "scale" => Op::Scale,
                    _ => Op::Add,
                };
                let value = self.field_value(field, op, m.value.as_ref()?)?;
                MeasureKind::Adjust { field, op, value }
            }
            "storage_target" => {
                if !need(self, m.targets.is_some(), "targets") {
                    return None;
                }
                let nodes = self.node_list(&m.nodes, ids)?;
                let mut points = Vec::new();
                for p in m.targets.as_ref()? {
                    let md = match parse_month_day(p.date.get()) {
                        Ok(md) => md,
                        Err(e) => {
                            self.err(
                                &p.date.span(),
                                format!("target date \"{}\": {e}", p.date.get()),
                                "write MM-DD",
                            );
                            return None;
                        }
                    };
                    let fill = self.qpos(&p.fill, Dimension::Share, "fill")?;
                    if fill > 1.0 {
                        self.err(
                            &p.fill.span(),
                            format!("storage fill target {} is above 100 %", p.fill.text()),
                            "a fill target is at most 100 % of working volume",
                        );
                        return None;
                    }
                    points.push((md, fill));
                }
                points.sort_by_key(|p| p.0);
                if points.is_empty() {
                    self.err(
                        &span,
                        "storage_target has no targets",
                        "add targets = [{ date = \"11-01\", fill = \"90 %\" }]",
                    );
                    return None;
                }
                let penalty = self.opt(&m.penalty, DEFAULT_TARGET_PENALTY, |c, q| {
                    c.qpos(q, Dimension::Price, "penalty")
                })?;
                MeasureKind::StorageTarget {
                    nodes,
                    points,
                    penalty,
                }
            }
            "demand_reduction" => {
                if !need(self, m.share.is_some(), "share") {
                    return None;
                }
                let share = self.share(m.share.as_ref()?, "share")?;
                let sectors = self.sector_mask(&m.sectors)?;
                let nodes = self.node_list(&m.nodes, ids)?;
                MeasureKind::DemandReduction {
                    share,
                    sectors,
                    nodes,
                }
            }
            "contract" => {
                if !need(self, m.action.is_some(), "action") {
                    return None;
                }
                let action = m.action.as_ref()?;
                match action.get().as_str() {
                    "add" => {
                        if !need(self, m.contract.is_some(), "contract") {
                            return None;
                        }
                        let c = self.contract(m.contract.as_ref()?, ids, false)?;
                        contracts.push(Some(c));
                        MeasureKind::AddContract(contracts.len() - 1)
                    }
                    "cancel" => {
                        if !need(self, m.id.is_some(), "id") {
                            return None;
                        }
                        MeasureKind::CancelContract(self.lookup(
                            &ids.contracts,
                            m.id.as_ref()?,
                            "contract",
                        )?)
                    }
                    other => {
                        self.err(
                            &action.span(),
                            format!("contract action '{other}' is not known"),
                            "use \"add\" (with contract = {…}) or \"cancel\" (with id)",
                        );
                        return None;
                    }
                }
            }
            "stake" => {
                if !need(self, m.pipeline.is_some(), "pipeline")
                    | !need(self, m.company.is_some(), "company")
                    | !need(self, m.action.is_some(), "action")
                    | !need(self, m.stake.is_some(), "stake")
                {
                    return None;
                }
                let pipeline = self.lookup(&ids.pipelines, m.pipeline.as_ref()?, "pipeline")?;
                let company = self.lookup(&ids.companies, m.company.as_ref()?, "company")?;
                let counterparty = match &m.counterparty {
                    None => None,
                    Some(c) => Some(self.lookup(&ids.companies, c, "counterparty company")?),
                };
                let stake = self.share(m.stake.as_ref()?, "stake")?;
                let a = m.action.as_ref()?;
                let delta = match a.get().as_str() {
                    "acquire" => stake,
                    "divest" => -stake,
                    other => {
                        self.err(
                            &a.span(),
                            format!("stake action '{other}' is not known"),
                            "use \"acquire\" or \"divest\"",
                        );
                        return None;
                    }
                };
                MeasureKind::Stake {
                    pipeline,
                    company,
                    counterparty,
                    delta,
                }
            }
            "solidarity" => {
                if !need(self, m.mode.is_some(), "mode") {
                    return None;
                }
                MeasureKind::Solidarity(self.solidarity(&m.mode)?)
            }
            _ => unreachable!("measure types were matched above"),
        };
        if bad {
            return None;
        }
        let announced = self.announced(&m.announced, start.flatten())?;
        Some(MeasureM {
            kind: mk,
            start: start?,
            end: end?,
            announced,
        })
    }

    /// `sectors = [...]`: which of the three sectors a list names (all
    /// without one).
    pub(super) fn sector_mask(&mut self, sectors: &Option<Vec<At<String>>>) -> Option<[bool; 3]> {
        let mut mask = [sectors.is_none(); 3];
        for s in sectors.iter().flatten() {
            match SECTOR_NAMES.iter().position(|n| n == s.get()) {
                Some(i) => mask[i] = true,
                None => {
                    self.err(
                        &s.span(),
                        format!("sector '{}' is not known", s.get()),
                        "use protected, industry or power",
                    );
                    return None;
                }
            }
        }
        Some(mask)
    }

    pub(super) fn node_list(
        &mut self,
        nodes: &Option<Vec<At<String>>>,
        ids: &Ids,
    ) -> Option<Vec<usize>> {
        match nodes {
            None => Some((0..ids.nodes.len()).collect()),
            Some(v) => v
                .iter()
                .map(|n| self.lookup(&ids.nodes, n, "node"))
                .collect(),
        }
    }

    pub(super) fn op(&mut self, a: &At<String>) -> Option<Op> {
        match a.get().as_str() {
            "add" => Some(Op::Add),
            "scale" => Some(Op::Scale),
            "set" => Some(Op::Set),
            other => {
                self.err(
                    &a.span(),
                    format!("action '{other}' is not known"),
                    "use add, scale or set",
                );
                None
            }
        }
    }

    pub(super) fn field_value(&mut self, field: Field, op: Op, v: &Quantity) -> Option<f64> {
        if op == Op::Scale {
            let f = self.qpos(v, Dimension::Share, "scale factor")?;
            // A factor of more than 100 is a typo (a "%" forgotten in the
            // number?), and would push volumes past the integer limits.
            if f > 100.0 {
                self.err(
                    &v.span(),
                    format!("scale factor {} is above 10000 %", v.text()),
                    "a scale factor is a percentage of the current value, e.g. \"120 %\"",
                );
                return None;
            }
            return Some(f);
        }
        let (dim, what) = match field {
            Field::StorageSize(_) => (Dimension::Energy, "storage volume"),
            Field::PipelineTariff(_) | Field::OriginPrice(_) | Field::ContractPrice(_) => {
                (Dimension::Price, "price")
            }
            _ => (Dimension::Rate, "rate"),
        };
        let x = self.q(v, dim, what)?;
        if op == Op::Set && x < 0.0 {
            self.err(
                &v.span(),
                format!("cannot set a {what} below zero"),
                "use a value ≥ 0",
            );
            return None;
        }
        Some(x)
    }

    pub(super) fn field_path(&mut self, p: &At<String>, ids: &Ids) -> Option<Field> {
        let parts: Vec<&str> = p.get().split('.').collect();
        let look = |map: &HashMap<String, usize>, id: &str| map.get(id).copied();
        let f = match parts.as_slice() {
            ["node", id, rest @ ..] => {
                let n = look(&ids.nodes, id);
                match (n, rest) {
                    (Some(n), ["demand", s]) => SECTOR_NAMES
                        .iter()
                        .position(|x| x == s)
                        .map(|i| Field::Demand(n, SECTORS[i])),
                    (Some(n), ["production", "rate"]) => Some(Field::Production(n)),
                    (Some(n), ["lng_regas"]) => Some(Field::LngRegas(n)),
                    (Some(n), ["storage", "volume"]) => Some(Field::StorageSize(n)),
                    (Some(n), ["storage", "injection"]) => Some(Field::StorageInjection(n)),
                    (Some(n), ["storage", "withdrawal"]) => Some(Field::StorageWithdrawal(n)),
                    _ => None,
                }
            }
            ["pipeline", id, what] => look(&ids.pipelines, id).and_then(|i| match *what {
                "capacity" => Some(Field::PipelineCapacity(i)),
                "reverse_capacity" => Some(Field::PipelineReverse(i)),
                "tariff" => Some(Field::PipelineTariff(i)),
                _ => None,
            }),
            ["origin", id, what] => look(&ids.origins, id).and_then(|i| match *what {
                "price" => Some(Field::OriginPrice(i)),
                "capacity" => Some(Field::OriginCapacity(i)),
                _ => None,
            }),
            ["contract", id, what] => look(&ids.contracts, id).and_then(|i| match *what {
                "volume" => Some(Field::ContractVolume(i)),
                "price" => Some(Field::ContractPrice(i)),
                _ => None,
            }),
            _ => None,
        };
        if f.is_none() {
            self.err(&p.span(), format!("path '{}' does not name a field that measures can change", p.get()), "use node.ID.demand.{protected|industry|power}, node.ID.production.rate, node.ID.lng_regas, node.ID.storage.{volume|injection|withdrawal}, pipeline.ID.{capacity|reverse_capacity|tariff}, origin.ID.{price|capacity} or contract.ID.{volume|price} with an existing id");
        }
        f
    }
}

fn conflicts(a: &MeasureKind, b: &MeasureKind) -> bool {
    use MeasureKind::*;
    match (a, b) {
        (
            Adjust {
                field: f1, op: o1, ..
            },
            Adjust {
                field: f2, op: o2, ..
            },
        ) => f1 == f2 && !(*o1 == Op::Add && *o2 == Op::Add),
        (StorageTarget { nodes: n1, .. }, StorageTarget { nodes: n2, .. }) => {
            n1.iter().any(|n| n2.contains(n))
        }
        (Solidarity(_), Solidarity(_)) => true,
        (
            DemandReduction {
                sectors: s1,
                nodes: n1,
                ..
            },
            DemandReduction {
                sectors: s2,
                nodes: n2,
                ..
            },
        ) => (0..3).any(|i| s1[i] && s2[i]) && n1.iter().any(|n| n2.contains(n)),
        (Embargo { origins: o1, .. }, Embargo { origins: o2, .. }) => {
            o1.iter().any(|o| o2.contains(o))
        }
        (
            ImportCap {
                country: c1,
                node: n1,
                ..
            },
            ImportCap {
                country: c2,
                node: n2,
                ..
            },
        ) => c1 == c2 && n1 == n2,
        _ => false,
    }
}

//! Checks of what makes a `[[disruption]]` a supplier's decision rather
//! than an outage: `buyers` (an origin cutting only some buyers) and the
//! `hazard_grid` at which the run also reports its answer.

use super::super::model::*;
use super::super::resolved::*;
use super::super::units::Dimension;
use super::{Ctx, Ids};

impl Ctx<'_> {
    /// The buyers an origin disruption cuts (empty: all).
    pub(super) fn disruption_buyers(
        &mut self,
        d: &Disruption,
        ids: &Ids,
        target: Option<Target>,
    ) -> Option<Vec<usize>> {
        let Some(list) = &d.buyers else {
            return Some(Vec::new());
        };
        if target.is_some() && !matches!(target, Some(Target::Origin(_))) {
            self.err(
                &d.target.span(),
                format!(
                    "disruption '{}' has `buyers`, which needs an origin target",
                    d.id.get()
                ),
                "name an origin as target (the supplier that cuts these buyers), or remove buyers",
            );
            return None;
        }
        if list.is_empty() {
            self.err(
                &d.id.span(),
                format!(
                    "disruption '{}' has buyers = [], so it cuts no one",
                    d.id.get()
                ),
                "list the buyer nodes the origin stops supplying, or remove buyers to cut all",
            );
            return None;
        }
        let mut out = Vec::with_capacity(list.len());
        let mut ok = true;
        for b in list {
            match self.lookup(&ids.nodes, b, "buyer node") {
                Some(n) if out.contains(&n) => {
                    self.err(
                        &b.span(),
                        format!("buyer '{}' is listed twice", b.get()),
                        "name each buyer once",
                    );
                    ok = false;
                }
                Some(n) => out.push(n),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// The hazards of `hazard_grid`, each a rate like `hazard`.
    pub(super) fn hazard_grid(&mut self, d: &Disruption) -> Option<Vec<f64>> {
        let Some(grid) = &d.hazard_grid else {
            return Some(Vec::new());
        };
        if grid.is_empty() || grid.len() > MAX_GRID {
            self.err(
                &d.id.span(),
                format!(
                    "disruption '{}' has {} hazards in hazard_grid",
                    d.id.get(),
                    grid.len()
                ),
                format!("give 1 to {MAX_GRID} hazards, e.g. [\"0 /y\", \"0.02 /y\", \"0.1 /y\"]"),
            );
            return None;
        }
        let mut out = Vec::with_capacity(grid.len());
        for q in grid {
            let h = self.qpos(q, Dimension::PerYear, "hazard_grid")?;
            if h > 365.0 {
                self.err(
                    &q.span(),
                    format!("hazard {h} events a year is more than one a day"),
                    "hazard_grid lists expected numbers of events per year, e.g. \"0.05 /y\"",
                );
                return None;
            }
            out.push(h);
        }
        Some(out)
    }

    /// At most one disruption carries a hazard grid (the run is
    /// post-stratified by the number of its events).
    pub(super) fn one_grid(&mut self, f: &ScenarioFile) {
        let with: Vec<&Disruption> = f
            .disruptions
            .iter()
            .filter(|d| d.hazard_grid.is_some())
            .collect();
        if let Some(second) = with.get(1) {
            let span = second
                .hazard_grid
                .as_ref()
                .and_then(|g| g.first())
                .map_or_else(|| second.id.span(), |q| q.span());
            self.err(
                &span,
                format!(
                    "disruptions '{}' and '{}' both have a hazard_grid",
                    with[0].id.get(),
                    second.id.get()
                ),
                "give a hazard_grid to one disruption only: the run reports the answer along one hazard",
            );
        }
    }
}

/// Most hazards a grid may list.
pub const MAX_GRID: usize = 12;

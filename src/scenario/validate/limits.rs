//! Count limits of a scenario, next to [`super::MAX_NODES`]: pipelines,
//! contracts, arcs of a step's network and steps. Each bounds the work of
//! set-up and of every trial, so that a file that loads also runs in a
//! time its size explains (a million pipelines used to load and then run
//! without end).

use super::super::model::ScenarioFile;
use super::super::resolved::StepKind;
use super::super::time::Day;
use super::Ctx;
use std::ops::Range;

/// Most pipelines a scenario may have (five per node at the node limit).
pub const MAX_PIPELINES: usize = 10_000;
/// Most contracts a scenario may have.
pub const MAX_CONTRACTS: usize = 10_000;
/// Most arcs a step's network may have, estimated from the file: see
/// [`ARCS_PER_NODE`] and [`Ctx::count_limits`].
pub const MAX_ARCS: usize = 200_000;
/// Arcs a node adds to a step's network, at most, apart from explicit
/// demand tranches: LNG send-out, production, storage in and out with its
/// 21 fill bands, 6 demand-curve bands and fuel switching, 12 curtailment
/// tranches (`network::Network::compile`).
pub const ARCS_PER_NODE: usize = 48;
/// Most steps of the calendar: 27 years of days, or 60 years of a
/// calendar with daily winters (November–March); every step of every
/// policy keeps a plan of its network (≈ 11 kB a step for the default
/// scenario's 22 nodes, docs/reliability.md).
pub const MAX_STEPS: usize = 10_000;

impl Ctx<'_> {
    /// Refuse a file with more pipelines, contracts or arcs than the
    /// limits, at the item that crosses the limit.
    pub(super) fn count_limits(&mut self, f: &ScenarioFile) {
        if let Some(p) = f.pipelines.get(MAX_PIPELINES) {
            self.err(
                &p.id.span(),
                format!(
                    "the scenario has {} pipelines, more than the {MAX_PIPELINES} a scenario may have",
                    f.pipelines.len()
                ),
                "merge parallel pipelines into one with their summed capacity",
            );
        }
        if let Some(c) = f.contracts.get(MAX_CONTRACTS) {
            self.err(
                &c.id.span(),
                format!(
                    "the scenario has {} contracts, more than the {MAX_CONTRACTS} a scenario may have",
                    f.contracts.len()
                ),
                "merge contracts of one seller and buyer",
            );
        }
        let items = f
            .nodes
            .iter()
            .map(|n| (ARCS_PER_NODE, n.id.span()))
            .chain(f.origins.iter().map(|o| (3, o.id.span())))
            .chain(
                f.pipelines
                    .iter()
                    .map(|p| (2 + p.owners.len(), p.id.span())),
            )
            .chain(f.contracts.iter().map(|c| (2, c.id.span())));
        let mut arcs = 0usize;
        let mut crossed: Option<Range<usize>> = None;
        for (n, span) in items {
            arcs = arcs.saturating_add(n);
            if arcs > MAX_ARCS && crossed.is_none() {
                crossed = Some(span);
            }
        }
        if let Some(span) = crossed {
            self.err(
                &span,
                format!(
                    "the scenario's step network would have about {arcs} arcs ({ARCS_PER_NODE} per node, 3 per origin, 2 per contract, 2 per pipeline and 1 per owner), more than the {MAX_ARCS} allowed; the limit is crossed here"
                ),
                "merge nodes, pipelines or contracts, or drop owners that do not matter to the question",
            );
        }
    }

    /// Refuse a horizon of more than [`MAX_STEPS`] steps before the
    /// calendar is read (the calendar's daily steps are counted by
    /// `calendar_step_limit`).
    pub(super) fn step_limit(&mut self, start: Day, end: Day, step: StepKind, span: &Range<usize>) {
        let steps = match step {
            StepKind::Day => i64::from(end.0) - i64::from(start.0),
            StepKind::Month => {
                let ((ya, ma, _), (yb, mb, _)) = (start.ymd(), end.ymd());
                (i64::from(yb) - i64::from(ya)) * 12 + i64::from(mb) - i64::from(ma)
            }
        };
        if steps > MAX_STEPS as i64 {
            self.err(
                span,
                format!(
                    "the horizon has {steps} steps, more than the {MAX_STEPS} a scenario may have"
                ),
                "shorten the horizon (10,000 days is 27 years)",
            );
        }
    }
}

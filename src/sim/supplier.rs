//! A supplier's decisions as uncertainty: which (origin, buyer) deliveries
//! random disruptions with `buyers` cut, and the arithmetic of the hazard
//! grid: how many events of the graded disruption a trial can have, their
//! Poisson probabilities at any hazard, and the exposure the hazard acts on.
//!
//! The hazard grid rests on one fact about the sampler ([`super::sample`]):
//! a disruption's kept events are a Poisson process whose rate is its
//! hazard on the days it may start (its months and window), so the number
//! of events in a trial is Poisson with mean hazard × exposure (in years),
//! and, given that number, everything else in the trial (when the events
//! fall, how long they last, the weather, the other disruptions) has the
//! same distribution whatever the hazard. So E_h[X] = Σₙ Pois(n; h·T) ·
//! E[X | N = n], and a run at one hazard estimates the conditional means
//! E[X | N = n] for every n it saw (docs/model.md, "Hazard grid").

use crate::scenario::time::Day;
use crate::scenario::{Model, Target};

/// (origin, buyer node) pairs cut by disruptions with `buyers`, sorted and
/// without repeats: the layout of [`super::engine::Draws::delivery`].
pub fn cut_pairs(model: &Model) -> Vec<(usize, usize)> {
    let mut v: Vec<(usize, usize)> = model
        .disruptions
        .iter()
        .filter_map(|d| match d.target {
            Target::Origin(o) if !d.buyers.is_empty() => Some((o, &d.buyers)),
            _ => None,
        })
        .flat_map(|(o, buyers)| buyers.iter().map(move |&b| (o, b)))
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// The disruption whose hazard grid the run reports, if any.
pub fn graded(model: &Model) -> Option<usize> {
    model
        .disruptions
        .iter()
        .position(|d| !d.hazard_grid.is_empty())
}

/// Years of the horizon on which disruption `d`'s events may start (its
/// months and its `from`/`until` window): its event count in a trial is
/// Poisson with mean hazard × this.
pub fn exposure_years(model: &Model, d: usize) -> f64 {
    let dis = &model.disruptions[d];
    let days = (model.start.0..model.end.0)
        .filter(|&x| {
            let day = Day(x);
            let (_, m, _) = day.ymd();
            dis.months[m as usize - 1]
                && dis.from.is_none_or(|f| day >= f)
                && dis.until.is_none_or(|u| day < u)
        })
        .count();
    days as f64 / 365.25
}

/// Poisson probabilities P(N = 0..len) for mean `mean`.
pub fn poisson(mean: f64, len: usize) -> Vec<f64> {
    let mut p = Vec::with_capacity(len);
    let mut x = (-mean).exp();
    for n in 0..len {
        p.push(x);
        x *= mean / (n + 1) as f64;
    }
    p
}

#[cfg(test)]
mod tests {
    use super::poisson;

    #[test]
    fn poisson_sums_to_one_and_has_its_mean() {
        let p = poisson(1.3, 40);
        let sum: f64 = p.iter().sum();
        let mean: f64 = p.iter().enumerate().map(|(n, x)| n as f64 * x).sum();
        assert!((sum - 1.0).abs() < 1e-12);
        assert!((mean - 1.3).abs() < 1e-12);
        assert_eq!(poisson(0.0, 3), vec![1.0, 0.0, 0.0]);
    }
}

//! The default scenario (`scenarios/franco-russian-2010.toml`) against
//! 2010, deterministically (every random factor at its expectation), the
//! baseline policy: France's traced Russian share of consumption must lie
//! in the observed range, 15–20 % (Gazprom delivered ≈ 9 bcm to France in
//! 2010, Gazprom Annual Report 2010; France consumed 49.6 bcm, BP
//! Statistical Review of World Energy 2021: ≈ 18 %; docs/validation.md
//! and docs/sources.md). The range is written here from those sources,
//! not from model output. Also: the default scenario's stakes are equity,
//! with no capacity rights (its file says why); and its storage, filled
//! under the national obligations and strategic reserves of 2010–2021,
//! against GIE AGSI+ (below).

use gasdep::sim::run::{Prepared, deterministic};

#[test]
fn france_2010_russian_share_in_the_observed_range() {
    let (model, _) = gasdep::cli::load_scenario(None).unwrap_or_else(|e| panic!("{e:?}"));
    let base = model.baseline;
    let prep = Prepared::new(model, &[base]).unwrap_or_else(|e| panic!("{e}"));
    let out = deterministic(&prep, 0).unwrap_or_else(|e| panic!("{e}"));
    let net = &prep.nets[0];
    let nc = net.countries.len();
    let fr = prep.model.nodes.iter().position(|n| n.id == "FR").unwrap();
    let ru = net.countries.iter().position(|c| c == "RU").unwrap();
    // The first twelve monthly steps are 2010.
    let (mut all, mut russian) = (0.0, 0.0);
    for o in &out[..12] {
        all += o.consumption[fr * nc..(fr + 1) * nc].iter().sum::<f64>();
        russian += o.consumption[fr * nc + ru];
    }
    let share = russian / all;
    assert!(
        (0.15..=0.20).contains(&share),
        "France's traced Russian share in 2010: {:.1} %, observed 15–20 %",
        share * 100.0
    );
}

#[test]
fn default_stakes_are_equity() {
    let (model, _) = gasdep::cli::load_scenario(None).unwrap_or_else(|e| panic!("{e:?}"));
    for p in &model.pipelines {
        assert!(!p.capacity_rights, "{} has capacity rights", p.id);
    }
}

/// Σ level / Σ working volume of `nodes` at the end of step `t`.
fn fill(out: &[gasdep::sim::engine::StepOut], t: usize, nodes: &[usize]) -> f64 {
    let level: f64 = nodes.iter().map(|&n| out[t].level[n]).sum();
    let volume: f64 = nodes.iter().map(|&n| out[t].volume[n]).sum();
    level / volume
}

/// The baseline's storage on 1 November 2011–2021 (the end of each
/// October step; every node with storage, the UK included, as AGSI+'s EU
/// was until 2020), deterministically, against GIE AGSI+: the EU's yearly
/// peak fill in those years, 95.4, 92.4, 85.5, 93.7, 84.2, 90.7, 89.0,
/// 87.0, 97.9, 95.8, 77.5 % (bne IntelliNews, 10 December 2021, from
/// AGSI+; docs/sources.md), mean 89.9 %. The peaks fall 9–30 October, so
/// they are a little above the fill on 1 November: the model's mean must
/// lie within 10 points below to 5 above. Before the scenario carried the
/// storage obligations this run gave 70.6 % (and the 50-trial mean ≈ 61 %;
/// docs/validation.md), which fails.
/// And Italy's strategic storage (≈ 4.5 bcm, 25 % of its volume) is not
/// drawn without an emergency: Italy's fill stays at or above 25 % at the
/// end of every step of 2010–2021 (no Russian supply cut happens in the
/// deterministic run; its scheduled outages are short).
#[test]
fn default_storage_fills_as_observed_and_keeps_the_strategic_reserve() {
    const OBSERVED_PEAKS: [f64; 11] = [
        95.4, 92.4, 85.5, 93.7, 84.2, 90.7, 89.0, 87.0, 97.9, 95.8, 77.5,
    ];
    let (model, _) = gasdep::cli::load_scenario(None).unwrap_or_else(|e| panic!("{e:?}"));
    let base = model.baseline;
    let prep = Prepared::new(model, &[base]).unwrap_or_else(|e| panic!("{e}"));
    let out = deterministic(&prep, 0).unwrap_or_else(|e| panic!("{e}"));
    let m = &prep.model;
    let all: Vec<usize> = (0..m.nodes.len())
        .filter(|&n| m.nodes[n].storage.is_some())
        .collect();
    let it = m.nodes.iter().position(|n| n.id == "IT").unwrap();
    // Monthly steps from January 2010: October of year y is step 12 (y − 2010) + 9.
    let nov1: Vec<f64> = (2011..=2021)
        .map(|y| 100.0 * fill(&out, 12 * (y - 2010) + 9, &all))
        .collect();
    let model_mean = nov1.iter().sum::<f64>() / nov1.len() as f64;
    let observed_mean = OBSERVED_PEAKS.iter().sum::<f64>() / OBSERVED_PEAKS.len() as f64;
    eprintln!("1 November 2011-2021, model: {nov1:.0?}, mean {model_mean:.1} %");
    assert!(
        (observed_mean - 10.0..=observed_mean + 5.0).contains(&model_mean),
        "Europe's storage on 1 November 2011-2021: {model_mean:.1} % on average, \
         observed peaks {observed_mean:.1} %"
    );
    let lowest = (0..12 * 12)
        .map(|t| fill(&out, t, &[it]))
        .fold(f64::INFINITY, f64::min);
    assert!(
        lowest >= 0.249,
        "Italy's storage fell to {:.2} %, below its strategic 25 % (0.1 point allowed for rounding)",
        lowest * 100.0
    );
}

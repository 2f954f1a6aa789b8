//! Calibration of `scenarios/eu-2022-cutoff.toml` against 2021.
//!
//! Role: pins the shipped 2022 scenario to what was observed in 2021, the
//! last year before the cut-off, so that a change of data or of the engine
//! that moves the model away from history fails here. Input: the shipped
//! scenario file. Output: nothing but pass/fail. Only deterministic runs
//! (every random factor at its expectation; the scheduled 2022 events start
//! after 2021 except the October 2021 supply changes), one policy, so the
//! test takes well under a second.
//!
//! The observed figures are the targets written in the scenario file and
//! in `docs/validation.md`, taken from their sources, not from the model:
//! Nord Stream 1 flowed 59.2 bcm in 2021 (Nord Stream AG), the EU
//! imported 155 bcm of Russian gas (pipe and LNG, IEA 10-Point Plan, March
//! 2022), EU-27 consumption was 412 bcm (IEA); docs/sources.md lists them.
//! The tolerance is ±5 %.
//! Ukraine transit (41.6 bcm entering Ukraine, Gas TSO of Ukraine) is pinned more
//! loosely, ±10 %: the model is 7 % low (docs/validation.md says why).
//!
//! Definitions, computed from `StepOut` only:
//! - EU nodes: every node except NO, UK and the transit node UA.
//! - EU consumption: Σ over EU nodes and sectors of demand − unserved.
//! - Russian imports into the EU: Σ over EU nodes of `direct_dependency`
//!   (gas straight from origins of country RU: pipelines, contracts and the
//!   Russian share of regasified LNG) plus the flow of the pipelines from UA
//!   into EU nodes (UA has no production, so all of it is Russian).
//! - Nord Stream: `pipeline_flow` of pipeline `nord-stream` (its contracts
//!   included).
//! - Ukraine transit: `pipeline_flow` of the pipelines into UA.

use gasdep::scenario::resolved::Endpoint;
use gasdep::sim::run::{Prepared, deterministic};
use std::path::Path;
use std::sync::OnceLock;

/// GWh per bcm at the scenario's default calorific value (10.9 kWh/m³).
const GWH_PER_BCM: f64 = 10_900.0;
const TOLERANCE: f64 = 0.05;

struct Year2021 {
    nord_stream: f64,
    russian_imports: f64,
    eu_consumption: f64,
    ukraine_transit: f64,
    /// bcm regasified in EU nodes.
    eu_lng: f64,
    /// EU storage fill on 1 November 2021 (fraction).
    fill_nov1: f64,
    /// Consumption-weighted EU price, EUR/MWh.
    price: f64,
}

/// The baseline's 2021, computed once for all tests (the storage valuation
/// takes a few seconds).
fn year_2021() -> &'static Year2021 {
    static YEAR: OnceLock<Year2021> = OnceLock::new();
    YEAR.get_or_init(compute_2021)
}

fn compute_2021() -> Year2021 {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/eu-2022-cutoff.toml");
    let model = gasdep::scenario::load(&path).expect("shipped scenario loads");
    let baseline = model.baseline;
    let prep = Prepared::new(model, &[baseline]).expect("prepares");
    let m = &prep.model;
    let net = &prep.nets[0];
    let outs = deterministic(&prep, 0).expect("deterministic run");
    let eu: Vec<bool> = m
        .nodes
        .iter()
        .map(|n| !["NO", "UK", "UA"].contains(&n.id.as_str()))
        .collect();
    let ua = m.nodes.iter().position(|n| n.id == "UA").expect("UA node");
    let ns = m
        .pipelines
        .iter()
        .position(|p| p.id == "nord-stream")
        .expect("nord-stream pipeline");
    let from_ua: Vec<usize> = m
        .pipelines
        .iter()
        .enumerate()
        .filter(|(_, p)| matches!(p.from, Endpoint::Node(n) if n == ua) && eu[p.to])
        .map(|(i, _)| i)
        .collect();
    assert!(!from_ua.is_empty(), "Ukrainian exits into the EU exist");
    let into_ua: Vec<usize> = m
        .pipelines
        .iter()
        .enumerate()
        .filter(|(_, p)| p.to == ua)
        .map(|(i, _)| i)
        .collect();
    assert!(!into_ua.is_empty(), "a pipeline enters Ukraine");
    let mut y = Year2021 {
        nord_stream: 0.0,
        russian_imports: 0.0,
        eu_consumption: 0.0,
        ukraine_transit: 0.0,
        eu_lng: 0.0,
        fill_nov1: f64::NAN,
        price: 0.0,
    };
    let mut steps = 0;
    for (t, o) in outs.iter().enumerate() {
        if net.steps[t].year != 2021 {
            continue;
        }
        steps += 1;
        y.nord_stream += o.pipeline_flow[ns];
        y.ukraine_transit += into_ua.iter().map(|&p| o.pipeline_flow[p]).sum::<f64>();
        y.russian_imports += from_ua.iter().map(|&p| o.pipeline_flow[p]).sum::<f64>();
        for n in (0..m.nodes.len()).filter(|&n| eu[n]) {
            y.russian_imports += o.direct_dependency[n];
            y.eu_consumption += o.served(n);
            y.eu_lng += o.lng[n];
            y.price += o.price[n] * o.served(n);
        }
        // The level at the end of October is the fill on 1 November.
        if net.steps[t].month == 10 {
            let (level, volume) = (0..m.nodes.len())
                .filter(|&n| eu[n])
                .fold((0.0, 0.0), |(l, v), n| (l + o.level[n], v + o.volume[n]));
            y.fill_nov1 = level / volume;
        }
    }
    y.price /= y.eu_consumption;
    assert_eq!(steps, 12, "2021 is twelve monthly steps");
    y.nord_stream /= GWH_PER_BCM;
    y.russian_imports /= GWH_PER_BCM;
    y.eu_consumption /= GWH_PER_BCM;
    y.ukraine_transit /= GWH_PER_BCM;
    y.eu_lng /= GWH_PER_BCM;
    y
}

fn assert_close(what: &str, model: f64, observed: f64) {
    assert_within(what, model, observed, TOLERANCE);
}

fn assert_within(what: &str, model: f64, observed: f64, tolerance: f64) {
    let rel = (model - observed) / observed;
    assert!(
        rel.abs() <= tolerance,
        "{what}: model {model:.1} bcm vs observed {observed:.1} bcm ({:+.1} %, tolerance ±{:.0} %)",
        100.0 * rel,
        100.0 * tolerance
    );
}

#[test]
fn nord_stream_2021() {
    assert_close("Nord Stream 2021", year_2021().nord_stream, 59.2);
}

#[test]
fn russian_imports_2021() {
    assert_close(
        "EU imports of Russian gas 2021",
        year_2021().russian_imports,
        155.0,
    );
}

#[test]
fn ukraine_transit_2021() {
    assert_within(
        "Ukraine transit 2021",
        year_2021().ukraine_transit,
        41.6,
        0.10,
    );
}

#[test]
fn eu_consumption_2021() {
    assert_close("EU-27 consumption 2021", year_2021().eu_consumption, 412.0);
}

/// EU LNG imports ≈ 80 bcm in 2021 (Commission quarterly gas market
/// reports); ±10 %.
#[test]
fn eu_lng_2021() {
    assert_within("EU LNG imports 2021", year_2021().eu_lng, 80.0, 0.10);
}

/// EU storage ≈ 77 % full on 1 November 2021 (GIE AGSI+); ±5 points.
#[test]
fn storage_fill_1_november_2021() {
    let f = year_2021().fill_nov1;
    assert!(
        (f - 0.77).abs() <= 0.05,
        "EU storage 1 Nov 2021: model {:.0} % vs observed 77 %",
        100.0 * f
    );
}

/// The 2021 TTF average was ≈ 47 EUR/MWh (ICE Endex), driven by a fourth
/// quarter the model without foresight does not see coming: the model is
/// ≈ 20 % low (docs/validation.md says why). Pinned within ±25 %.
#[test]
fn price_level_2021() {
    let p = year_2021().price;
    assert!(
        (p - 47.0).abs() <= 0.25 * 47.0,
        "EU price 2021: model {p:.1} vs observed ≈ 47 EUR/MWh"
    );
}

/// The cut-off is scheduled for 2022: 2021 must be served in full, and the
/// 2022 Nord Stream cut must show (less than 2021) — a guard that the
/// events are dated, not a calibration.
#[test]
fn no_shortage_in_2021_and_nord_stream_falls_in_2022() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/eu-2022-cutoff.toml");
    let model = gasdep::scenario::load(&path).expect("loads");
    let baseline = model.baseline;
    let prep = Prepared::new(model, &[baseline]).expect("prepares");
    let net = &prep.nets[0];
    let ns = prep
        .model
        .pipelines
        .iter()
        .position(|p| p.id == "nord-stream")
        .expect("nord-stream");
    let outs = deterministic(&prep, 0).expect("run");
    let (mut uns21, mut ns21, mut ns22) = (0.0, 0.0, 0.0);
    for (t, o) in outs.iter().enumerate() {
        match net.steps[t].year {
            2021 => {
                uns21 += o.curtailment.iter().flatten().sum::<f64>();
                ns21 += o.pipeline_flow[ns];
            }
            2022 => ns22 += o.pipeline_flow[ns],
            _ => {}
        }
    }
    assert!(uns21 < 1.0, "unserved in 2021: {uns21} GWh");
    // Nord Stream ran at ≈ 100 % to mid-June 2022, then 40 %, 20 %, 0: well
    // under two thirds of 2021 in any case.
    assert!(
        ns22 < 0.67 * ns21,
        "Nord Stream 2022 {ns22} vs 2021 {ns21} GWh"
    );
}

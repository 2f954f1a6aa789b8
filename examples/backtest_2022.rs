//! The deterministic figures of docs/validation.md for eu-2022-cutoff:
//! every random factor at its expectation, each policy, each year, over the
//! EU nodes (all but NO, UK and the transit node UA), in bcm at 10.9 kWh/m³.
//!
//! Russian imports follow tests/calibration.rs: gas straight from Russian
//! origins (pipelines, contracts, the Russian share of LNG) plus the flow
//! from UA into EU nodes; the LNG part is the EU nodes' regasified LNG times
//! the Russian share of the LNG pool, the pipeline part the rest. EU LNG is
//! the EU nodes' regasification send-out. Storage fill is the EU nodes'
//! level over their working volume at the end of October (1 November) and
//! of March.
//!
//!     cargo run --release --example backtest_2022

use gasdep::scenario::resolved::Endpoint;
use gasdep::sim::run::{Prepared, deterministic};
use std::path::Path;

const GWH_PER_BCM: f64 = 10_900.0;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let model = gasdep::scenario::load(Path::new("scenarios/eu-2022-cutoff.toml"))?;
    let prep = Prepared::new(model, &[]).expect("prepares");
    let m = &prep.model;
    let eu: Vec<bool> = m
        .nodes
        .iter()
        .map(|n| !["NO", "UK", "UA"].contains(&n.id.as_str()))
        .collect();
    let find_node = |id: &str| m.nodes.iter().position(|n| n.id == id);
    let (Some(ua), Some(ns)) = (
        find_node("UA"),
        m.pipelines.iter().position(|p| p.id == "nord-stream"),
    ) else {
        return Err("eu-2022-cutoff.toml has no UA node or nord-stream pipeline".into());
    };
    let from_ua: Vec<usize> = (0..m.pipelines.len())
        .filter(|&p| m.pipelines[p].from == Endpoint::Node(ua) && eu[m.pipelines[p].to])
        .collect();
    let into_ua: Vec<usize> = (0..m.pipelines.len())
        .filter(|&p| m.pipelines[p].to == ua)
        .collect();
    let fill = |o: &gasdep::sim::engine::StepOut| {
        let (level, volume) = (0..m.nodes.len())
            .filter(|&n| eu[n])
            .fold((0.0, 0.0), |(l, v), n| (l + o.level[n], v + o.volume[n]));
        100.0 * level / volume
    };
    println!(
        "policy                 year  consumption  response  curtailed  russian  ru-pipe  ru-lng  eu-lng  ua-entry  nord-stream  fill-1nov  fill-1apr-next  price  competing"
    );
    for p in 0..prep.nets.len() {
        let id = &m.policies[prep.policies[p]].id;
        let outs = deterministic(&prep, p)?;
        if std::env::var_os("GASDEP_MONTHLY").is_some() {
            for (t, o) in outs.iter().enumerate() {
                let (mut cons, mut bill, mut lng) = (0.0, 0.0, 0.0);
                for n in (0..m.nodes.len()).filter(|&n| eu[n]) {
                    cons += o.served(n);
                    bill += o.served(n) * o.price[n];
                    lng += o.lng[n];
                }
                println!(
                    "{id:<22} {} fill {:>5.1} % price {:>6.1} competing {:>6.1} cons {:>6.1} lng {:>5.1}",
                    prep.nets[p].steps[t].start,
                    fill(o),
                    bill / cons,
                    o.competing_price,
                    cons / GWH_PER_BCM,
                    lng / GWH_PER_BCM
                );
            }
        }
        for (y, year) in outs.chunks(12).enumerate() {
            let (mut cons, mut unserved, mut russian, mut ua_entry, mut nord) =
                (0.0, 0.0, 0.0, 0.0, 0.0);
            let (mut lng, mut russian_lng) = (0.0, 0.0);
            let (mut response, mut bill, mut competing) = (0.0, 0.0, 0.0);
            for o in year {
                for n in (0..m.nodes.len()).filter(|&n| eu[n]) {
                    cons += o.served(n);
                    unserved += o.curtailment[n].iter().sum::<f64>();
                    response += o.response[n].iter().sum::<f64>();
                    bill += o.served(n) * o.price[n];
                    russian += o.direct_dependency[n];
                    lng += o.lng[n];
                    russian_lng += o.lng[n] * o.lng_dependency_share;
                }
                russian += from_ua.iter().map(|&q| o.pipeline_flow[q]).sum::<f64>();
                ua_entry += into_ua.iter().map(|&q| o.pipeline_flow[q]).sum::<f64>();
                nord += o.pipeline_flow[ns];
                competing += o.competing_price / year.len() as f64;
            }
            let next_april = outs
                .get(y * 12 + 14)
                .map_or("-".to_string(), |o| format!("{:.0} %", fill(o)));
            let november = year
                .get(9)
                .map_or("-".to_string(), |o| format!("{:.0} %", fill(o)));
            println!(
                "{id:<22} {:>4}  {:>11.1}  {:>8.1}  {:>9.1}  {:>7.1}  {:>7.1}  {:>6.1}  {:>6.1}  {:>8.1}  {:>11.1}  {:>9}  {:>14}  {:>5.0}  {:>9.0}",
                m.start.year() + y as i32,
                cons / GWH_PER_BCM,
                response / GWH_PER_BCM,
                unserved / GWH_PER_BCM,
                russian / GWH_PER_BCM,
                (russian - russian_lng) / GWH_PER_BCM,
                russian_lng / GWH_PER_BCM,
                lng / GWH_PER_BCM,
                ua_entry / GWH_PER_BCM,
                nord / GWH_PER_BCM,
                november,
                next_april,
                bill / cons,
                competing
            );
        }
    }
    Ok(())
}

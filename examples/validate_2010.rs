//! The deterministic 2010 figures of docs/validation.md for the default
//! scenario (franco-russian-2010.toml): every random factor at its
//! expectation, the baseline policy, each year from 2010 to 2013, in bcm at
//! 10.9 kWh/m³.
//!
//! Per country (FR, DE, IT) and for the EU (all nodes but NO, UK and the
//! transit node UA) and EU + UK: consumption, the traced Russian share of
//! consumption, and consumption by traced origin country (the model's
//! counterpart of imports by partner: what each country burns, followed
//! back through transit, re-exports and storage to the country it was
//! produced in). Also the flows of the Russian routes (Nord Stream, Yamal,
//! the Ukraine entry) and each contract's take.
//!
//!     cargo run --release --example validate_2010 [-- POLICY]

use gasdep::sim::run::{Prepared, deterministic};

const GWH_PER_BCM: f64 = 10_900.0;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (model, _) = gasdep::cli::load_scenario(None).map_err(|e| e.to_string())?;
    let wanted = std::env::args().nth(1);
    let policy = match &wanted {
        Some(id) => model
            .policies
            .iter()
            .position(|p| &p.id == id)
            .ok_or("unknown policy")?,
        None => model.baseline,
    };
    let prep = Prepared::new(model, &[policy]).map_err(|e| e.to_string())?;
    let m = &prep.model;
    let p = prep.policies.iter().position(|&x| x == policy).unwrap_or(0);
    let net = &prep.nets[p];
    let outs = deterministic(&prep, p)?;
    let nc = net.countries.len();
    let node = |id: &str| m.nodes.iter().position(|n| n.id == id);
    let eu: Vec<usize> = (0..m.nodes.len())
        .filter(|&n| !["NO", "UK", "UA"].contains(&m.nodes[n].id.as_str()))
        .collect();
    let eu_uk: Vec<usize> = (0..m.nodes.len())
        .filter(|&n| !["NO", "UA"].contains(&m.nodes[n].id.as_str()))
        .collect();
    let groups: Vec<(&str, Vec<usize>)> = vec![
        ("FR", node("FR").into_iter().collect()),
        ("DE", node("DE").into_iter().collect()),
        ("IT", node("IT").into_iter().collect()),
        ("EU", eu),
        ("EU+UK", eu_uk),
    ];
    println!("policy {}", m.policies[policy].id);
    for (y, year) in outs.chunks(12).enumerate().take(4) {
        println!("\n{}", 2010 + y);
        for (name, nodes) in &groups {
            let mut by = vec![0.0; nc];
            for o in year {
                for &n in nodes {
                    for (c, b) in by.iter_mut().enumerate() {
                        *b += o.consumption[n * nc + c];
                    }
                }
            }
            let total: f64 = by.iter().sum();
            let ru = net
                .countries
                .iter()
                .position(|c| c == "RU")
                .map_or(0.0, |c| by[c]);
            let mut parts: Vec<(f64, &str)> = by
                .iter()
                .zip(&net.countries)
                .filter(|(x, _)| **x > 0.05 * GWH_PER_BCM)
                .map(|(x, c)| (*x, c.as_str()))
                .collect();
            parts.sort_by(|a, b| b.0.total_cmp(&a.0));
            let list: Vec<String> = parts
                .iter()
                .map(|(x, c)| format!("{c} {:.1}", x / GWH_PER_BCM))
                .collect();
            println!(
                "  {name:<6} consumption {:>6.1}  Russian {:>5.1} %  by origin: {}",
                total / GWH_PER_BCM,
                100.0 * ru / total.max(1e-9),
                list.join(", ")
            );
        }
        for id in ["nord-stream", "yamal", "ru-ua", "de-fr", "be-fr"] {
            if let Some(i) = m.pipelines.iter().position(|x| x.id == id) {
                let f: f64 = year.iter().map(|o| o.pipeline_flow[i]).sum();
                print!("  {id} {:.1}", f / GWH_PER_BCM);
            }
        }
        println!();
        for (k, c) in m.contracts.iter().enumerate() {
            let taken: f64 = year.iter().map(|o| o.contract_taken[k]).sum();
            if taken > 0.0 {
                println!("  contract {} {:.1}", c.id, taken / GWH_PER_BCM);
            }
        }
    }
    Ok(())
}

//! `gasdep inspect`: what a scenario describes (resolved, in readable
//! units), its N-1 indicators per node and year, or one solved step.

use super::{Failure, load_scenario, output, policy_indices};
use crate::network::n1::n_minus_1;
use crate::network::{ArcKind, Network, Params};
use crate::scenario::time::{Day, parse_date};
use crate::scenario::{Endpoint, Model, SECTOR_NAMES};
use crate::sim::engine::{Draws, Engine, State};
use crate::sim::sample::World;
use serde_json::json;
use std::fmt::Write as _;
use std::path::PathBuf;

/// Print a JSON value, pretty.
fn json_out(v: &serde_json::Value) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(v).map_err(|e| Failure::Internal(e.to_string()))?;
    output::out(&format!("{text}\n"))
}

#[derive(clap::Args, Debug)]
pub struct InspectArgs {
    /// Scenario file (default: the built-in scenario).
    pub file: Option<PathBuf>,
    /// Policy to apply (default: the baseline).
    #[arg(long)]
    pub policy: Option<String>,
    /// Only this year in the N-1 table and the description.
    #[arg(long)]
    pub year: Option<i32>,
    /// Solve the step starting on this date (YYYY-MM or YYYY-MM-DD) and show it.
    #[arg(long)]
    pub date: Option<String>,
    /// With --date: use trial K's random world (default: no uncertainty).
    #[arg(long)]
    pub trial: Option<u64>,
    /// With --date: write the step's problem in CPLEX LP format to this file.
    #[arg(long)]
    pub lp: Option<PathBuf>,
    /// Print JSON instead of tables (with --date: problem and solution).
    #[arg(long)]
    pub json: bool,
}

/// 1 bcm/y in GWh/d at the model's calorific value.
fn bcm_y(model: &Model) -> f64 {
    model.gcv * 1e-6 * 1e9 / 365.25
}

pub fn inspect(args: InspectArgs) -> Result<(), Failure> {
    let mut o = String::new();
    let (model, _) = load_scenario(args.file.as_deref())?;
    let policy = match &args.policy {
        Some(p) => policy_indices(&model, std::slice::from_ref(p))?[0],
        None => model.baseline,
    };
    if let Some(d) = &args.date {
        return step(&model, policy, d, &args);
    }
    if args.lp.is_some() || args.trial.is_some() {
        return Err(Failure::Input(
            "--lp and --trial need --date (the step to solve)".into(),
        ));
    }
    let (y0, y1) = (
        model.start.year(),
        model
            .end
            .0
            .checked_sub(1)
            .map_or(model.start.year(), |d| Day(d).year()),
    );
    let years: Vec<i32> = match args.year {
        Some(y) if y < y0 || y > y1 => {
            return Err(Failure::Input(format!(
                "--year {y} is outside the scenario ({y0}–{y1})"
            )));
        }
        Some(y) => vec![y],
        None => (y0..=y1).collect(),
    };
    let day = Day::from_ymd(years[0], 1, 1);
    let p = Params::resolve(&model, &model.policies[policy], day);
    let b = bcm_y(&model);
    let n1: Vec<(i32, Vec<Option<f64>>)> = years
        .iter()
        .map(|&y| {
            (
                y,
                n_minus_1(&model, policy, y)
                    .iter()
                    .map(|x| x.value())
                    .collect(),
            )
        })
        .collect();
    if args.json {
        let v = json!({
            "scenario": model.name,
            "policy": model.policies[policy].id,
            "as_of": day.to_string(),
            "units": "bcm/y for rates, TWh for storage volume, EUR/MWh for prices, % for N-1",
            "nodes": model.nodes.iter().enumerate().map(|(n, node)| json!({
                "id": node.id, "name": node.name,
                "demand": SECTOR_NAMES.iter().zip(p.demand[n]).map(|(s, d)| (s.to_string(), json!(d / b))).collect::<serde_json::Map<_, _>>(),
                "production": p.production[n] / b,
                "lng_regas": p.regas[n] / b,
                "storage_twh": p.storage[n][0] / 1e3,
                "n_minus_1": n1.iter().map(|(y, v)| (y.to_string(), json!(v[n]))).collect::<serde_json::Map<_, _>>(),
            })).collect::<Vec<_>>(),
            "region_n_minus_1": n1.iter().map(|(y, v)| (y.to_string(), json!(v[model.nodes.len()]))).collect::<serde_json::Map<_, _>>(),
            "pipelines": model.pipelines.iter().enumerate().map(|(i, pp)| json!({
                "id": pp.id, "from": endpoint(&model, pp.from), "to": model.nodes[pp.to].id,
                "capacity": p.pipe_cap[i] / b, "reverse": p.reverse[i] / b, "tariff": p.tariff[i],
                "owners": p.stakes[i].iter().map(|(c, s)| json!({"company": model.companies[*c].id, "country": model.companies[*c].country, "stake": s})).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "contracts": model.contracts.iter().enumerate().filter(|(k, _)| p.contract_on[*k] > 0.0).map(|(k, c)| json!({
                "id": c.id, "seller": model.origins[c.seller].id, "buyer": model.nodes[c.buyer].id,
                "volume": p.contract_volume[k] / b, "take_or_pay": c.take_or_pay, "price": p.contract_price[k],
                "start": c.start.to_string(), "end": c.end.map(|d| d.to_string()),
                "route": c.route.iter().map(|&r| model.pipelines[r].id.clone()).collect::<Vec<_>>(),
                "delivery": model.nodes[c.delivery].id,
            })).collect::<Vec<_>>(),
        });
        return json_out(&v);
    }
    writeln!(
        o,
        "{} — policy '{}', as of {day}",
        model.name, model.policies[policy].id
    )?;
    if !model.description.is_empty() {
        writeln!(o, "{}", model.description)?;
    }
    writeln!(o, "\nNodes (bcm/y; storage TWh)")?;
    writeln!(
        o,
        "{:<8} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "node", "protected", "industry", "power", "prod.", "LNG", "storage"
    )?;
    for (n, node) in model.nodes.iter().enumerate() {
        writeln!(
            o,
            "{:<8} {:>9.1} {:>9.1} {:>9.1} {:>9.1} {:>9.1} {:>9.0}",
            node.id,
            p.demand[n][0] / b,
            p.demand[n][1] / b,
            p.demand[n][2] / b,
            p.production[n] / b,
            p.regas[n] / b,
            p.storage[n][0] / 1e3
        )?;
    }
    writeln!(o, "\nPipelines (bcm/y)")?;
    for (i, pp) in model.pipelines.iter().enumerate() {
        let owners: Vec<String> = p.stakes[i]
            .iter()
            .map(|(c, s)| {
                format!(
                    "{} ({}) {:.1} %",
                    model.companies[*c].id,
                    model.companies[*c].country,
                    s * 100.0
                )
            })
            .collect();
        writeln!(
            o,
            "{:<22} {:>8} → {:<8} {:>6.1}{}{}",
            pp.id,
            endpoint(&model, pp.from),
            model.nodes[pp.to].id,
            p.pipe_cap[i] / b,
            if p.reverse[i] > 0.0 {
                format!(" (reverse {:.1})", p.reverse[i] / b)
            } else {
                String::new()
            },
            if owners.is_empty() {
                String::new()
            } else {
                format!("  owners: {}", owners.join(", "))
            }
        )?;
    }
    let contracts: Vec<usize> = (0..model.contracts.len())
        .filter(|&k| p.contract_on[k] > 0.0)
        .collect();
    if !contracts.is_empty() {
        writeln!(o, "\nContracts (bcm/y)")?;
        for k in contracts {
            let c = &model.contracts[k];
            writeln!(
                o,
                "{:<22} {} → {} {:.2} from {} take-or-pay {:.0} % at {:.1} EUR/MWh{}",
                c.id,
                model.origins[c.seller].id,
                model.nodes[c.buyer].id,
                p.contract_volume[k] / b,
                c.start,
                c.take_or_pay * 100.0,
                p.contract_price[k],
                if c.route.is_empty() {
                    format!(" delivered at {}", model.nodes[c.delivery].id)
                } else {
                    let via: Vec<&str> = c
                        .route
                        .iter()
                        .map(|&r| model.pipelines[r].id.as_str())
                        .collect();
                    format!(" via {} to {}", via.join(", "), model.nodes[c.delivery].id)
                }
            )?;
        }
    }
    writeln!(
        o,
        "\nN-1 indicator (Regulation (EU) 2017/1938 Annex II), % — below 100 fails the standard"
    )?;
    write!(o, "{:<8}", "node")?;
    for (y, _) in &n1 {
        write!(o, " {y:>6}")?;
    }
    writeln!(o)?;
    for n in 0..=model.nodes.len() {
        let id = if n == model.nodes.len() {
            "REGION"
        } else {
            model.nodes[n].id.as_str()
        };
        write!(o, "{id:<8}")?;
        for (_, v) in &n1 {
            match v[n] {
                Some(x) => write!(o, " {x:>6.0}")?,
                None => write!(o, " {:>6}", "–")?,
            }
        }
        writeln!(o)?;
    }
    output::out(&o)
}

fn endpoint(model: &Model, e: Endpoint) -> String {
    match e {
        Endpoint::Origin(o) => model.origins[o].id.clone(),
        Endpoint::Node(n) => model.nodes[n].id.clone(),
    }
}

/// Solve the steps up to `date` (storage carries history) and show that one.
fn step(model: &Model, policy: usize, date: &str, args: &InspectArgs) -> Result<(), Failure> {
    let mut o = String::new();
    let day = parse_date(date).map_err(|e| Failure::Input(format!("--date {date}: {e}")))?;
    let mut net = Network::compile(model, policy);
    crate::sim::water::value_storage(model, &mut net, &crate::sim::water::WaterOptions::default())
        .map_err(|e| Failure::Internal(e.to_string()))?;
    let net = net;
    let t = net
        .steps
        .iter()
        .position(|s| s.start <= day && day.0 < s.start.0 + s.days as i32)
        .ok_or_else(|| {
            Failure::Input(format!(
                "--date {date} is outside the scenario ({} to {})",
                model.start,
                Day(model.end.0 - 1)
            ))
        })?;
    let draws: Vec<Draws> = match args.trial {
        Some(k) => {
            let mut w = World::new(model);
            w.sample(model, k);
            w.steps
        }
        None => vec![Draws::neutral(model); t + 1],
    };
    let mut engine = Engine::new(model, &net);
    let mut state = State::initial(model, &net);
    for (s, d) in draws.iter().enumerate().take(t + 1) {
        engine
            .step(s, d, &mut state)
            .map_err(|e| Failure::Internal(e.to_string()))?;
    }
    if let Some(path) = &args.lp {
        let (supply, cap, cost) = engine.problem();
        // Written beside the file and renamed onto it when complete: a
        // failed write leaves the earlier file (if any) as it was.
        let name = path
            .file_name()
            .map_or("lp".into(), |n| n.to_string_lossy().into_owned());
        let part = path.with_file_name(format!(".{name}.partial-{}", std::process::id()));
        let write = || -> std::io::Result<()> {
            let mut f = std::io::BufWriter::new(std::fs::File::create(&part)?);
            crate::network::export::write_lp(&mut f, &net, model, supply, cap, cost)?;
            f.into_inner().map_err(|e| e.into_error())?.sync_all()?;
            std::fs::rename(&part, path)
        };
        write().map_err(|e| {
            let _ = std::fs::remove_file(&part);
            super::io_err("write", path, e)
        })?;
    }
    if args.json {
        let (supply, cap, cost) = engine.problem();
        let meta = crate::network::export::StepMeta {
            scenario: model.name.clone(),
            policy: model.policies[policy].id.clone(),
            date: net.steps[t].start.to_string(),
            trial: args.trial,
        };
        let mut v = crate::network::export::problem_json(
            &net,
            model,
            supply,
            cap,
            cost,
            Some(engine.int_flows()),
            &meta,
        );
        // Node prices: the marginal cost of one more MWh at each node
        // (docs/model.md, "Prices"), EUR/MWh, at most the price cap.
        let out = &engine.out;
        let prices: serde_json::Map<String, serde_json::Value> = model
            .nodes
            .iter()
            .enumerate()
            .map(|(n, node)| (node.id.clone(), json!(out.price[n])))
            .collect();
        v["water_values"] = json!({
            "unit": "EUR/MWh",
            "bands": crate::network::LEVEL_BANDS,
            "end_of_step": net.water[t].to_vec(),
        });
        v["prices"] = json!({
            "unit": "EUR/MWh",
            "rule": "marginal cost of one more MWh of demand at the node (upper end of the dual interval), capped at the price cap",
            "nodes": prices,
            "competing_lng_market": if out.competing_price.is_finite() { json!(out.competing_price) } else { json!(null) },
        });
        return json_out(&v);
    }
    let out = &engine.out;
    let nc = net.countries.len();
    writeln!(
        o,
        "{} — policy '{}', step {} ({} days), {}",
        model.name,
        model.policies[policy].id,
        net.steps[t].start,
        net.steps[t].days,
        args.trial
            .map_or("no uncertainty".into(), |k| format!("trial {k}"))
    )?;
    writeln!(
        o,
        "\n{:<8} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}  traced origin of consumption",
        "node", "price", "demand", "response", "curtailed", "imports", "exports", "storage"
    )?;
    for (n, node) in model.nodes.iter().enumerate() {
        let d: f64 = out.demand[n].iter().sum();
        let r: f64 = out.response[n].iter().sum();
        let u: f64 = out.curtailment[n].iter().sum();
        let cons: f64 = out.consumption[n * nc..(n + 1) * nc].iter().sum();
        let mut mix: Vec<(f64, &str)> = (0..nc)
            .map(|c| (out.consumption[n * nc + c], net.countries[c].as_str()))
            .filter(|x| x.0 > 0.0)
            .collect();
        mix.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mix: Vec<String> = mix
            .iter()
            .take(4)
            .map(|(v, c)| format!("{c} {:.0} %", 100.0 * v / cons))
            .collect();
        writeln!(
            o,
            "{:<8} {:>8.2} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>9.2}  {}",
            node.id,
            out.price[n],
            d / 1e3,
            r / 1e3,
            u / 1e3,
            out.imports[n] / 1e3,
            out.exports[n] / 1e3,
            out.level[n] / 1e3,
            mix.join(", ")
        )?;
    }
    writeln!(
        o,
        "(price in EUR/MWh; volumes in TWh in the step; storage level at its end)"
    )?;
    if net.store.iter().any(Option::is_some) {
        let w: Vec<String> = net.water[t].iter().map(|v| format!("{v:.1}")).collect();
        writeln!(
            o,
            "water values at the end of the step, EUR/MWh, by {} % band of fill: {}",
            100 / crate::network::LEVEL_BANDS,
            w.join(" ")
        )?;
    }
    if out.competing_price.is_finite() {
        writeln!(
            o,
            "competing LNG market: {:.2} EUR/MWh, buys {:.2} TWh",
            out.competing_price,
            out.competing_lng / 1e3
        )?;
    }
    writeln!(o, "\nFlows (TWh in the step)")?;
    for (a, arc) in net.arcs.iter().enumerate() {
        let f = engine.flows()[a];
        if f <= 0.0 {
            continue;
        }
        let label = match arc.kind {
            ArcKind::Pipeline { pipeline, reverse } => {
                format!(
                    "pipeline {}{}",
                    model.pipelines[pipeline].id,
                    if reverse { " (reverse)" } else { "" }
                )
            }
            ArcKind::Rights {
                pipeline,
                company,
                node,
            } => format!(
                "reserved capacity on {} for {} → {}",
                model.pipelines[pipeline].id, model.companies[company].id, model.nodes[node].id
            ),
            ArcKind::Contract {
                contract,
                take_or_pay,
            } => {
                format!(
                    "contract {}{}",
                    model.contracts[contract].id,
                    if take_or_pay {
                        " (take-or-pay part)"
                    } else {
                        ""
                    }
                )
            }
            ArcKind::Regas(n) => format!("LNG send-out into {}", model.nodes[n].id),
            ArcKind::Production(n) => format!("production in {}", model.nodes[n].id),
            ArcKind::Withdraw(node) => format!("storage withdrawal in {}", model.nodes[node].id),
            ArcKind::Inject(node) => format!("storage injection in {}", model.nodes[node].id),
            ArcKind::Demand { node, tranche } => format!(
                "not bought at {:.0} EUR/MWh in {} (demand response)",
                model.nodes[node].curve.tranches[tranche].0, model.nodes[node].id
            ),
            ArcKind::Curtail {
                node,
                sector,
                tranche,
            } => {
                format!(
                    "CURTAILED {} {} (tranche {})",
                    model.nodes[node].id,
                    SECTOR_NAMES[sector],
                    tranche + 1
                )
            }
            ArcKind::LngCompeting(o) => {
                format!("LNG from {} to the competing market", model.origins[o].id)
            }
            ArcKind::OriginSupply(o) => format!("supply from {}", model.origins[o].id),
            ArcKind::LngSupply(o) => format!("LNG from {}", model.origins[o].id),
            _ => continue,
        };
        writeln!(o, "  {label:<60} {:>9.3}", f / 1e3)?;
    }
    writeln!(
        o,
        "\nobjective (EUR, penalties included): {:.0}",
        engine.objective_eur()
    )?;
    output::out(&o)
}

//! Export of one step's allocation problem, so that anyone can re-solve it
//! with another solver (HiGHS, GLPK, CBC, …) and compare the objective
//! (docs/model.md, "The market of one step").
//!
//! Inputs: the [`Network`] (topology and what each arc stands for), the
//! [`Model`] (names), and the integer problem exactly as the engine solved
//! it — node supplies, arc capacities and arc costs from
//! `Engine::problem()` after `Engine::prepare` or `Engine::step`, and
//! optionally the flows from `Engine::int_flows()`.
//!
//! Outputs:
//! - [`write_lp`]: CPLEX LP text. One variable per arc, named
//!   `x<arc>_<what>` (e.g. `x12_pipeline_nord_stream`), restricted to
//!   letters, digits and `_` so every LP reader accepts it; `Minimize` the
//!   integer costs; one flow-balance constraint per graph node,
//!   `Σ out − Σ in = supply`; bounds `0 <= x <= capacity`.
//! - [`problem_json`]: the same problem as JSON (`"format":
//!   "gasdep-step-problem"`, version 1), with flows and objective if given.
//!
//! Units: flows in MWh per step, costs in EUR/MWh × 100 (integers); the
//! objective Σ cost·flow is in EUR × 100. Because the supplies, capacities
//! and costs are integers and the constraint matrix is a network matrix,
//! the LP's optimum equals the engine's integer optimum.

use super::{ArcKind, Network};
use crate::scenario::{Model, SECTOR_NAMES};
use serde_json::{Value, json};
use std::io::{self, Write};

/// Which step a problem comes from (metadata of the JSON export).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepMeta {
    pub scenario: String,
    pub policy: String,
    /// First day of the step, `YYYY-MM-DD`.
    pub date: String,
    /// Monte Carlo trial, `None` for the deterministic run.
    pub trial: Option<u64>,
}

/// Keep letters, digits and `_`; map everything else to `_` (lower case).
fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// Short kind name of an arc, as written in the JSON `kind` field.
pub fn kind_name(kind: ArcKind) -> &'static str {
    match kind {
        ArcKind::OriginSupply(_) => "origin_supply",
        ArcKind::CapGate(_) => "cap_gate",
        ArcKind::Pipeline { reverse: false, .. } => "pipeline",
        ArcKind::Pipeline { reverse: true, .. } => "pipeline_reverse",
        ArcKind::Rights { .. } => "rights",
        ArcKind::Contract {
            take_or_pay: true, ..
        } => "contract_take_or_pay",
        ArcKind::Contract { .. } => "contract",
        ArcKind::LngSupply(_) => "lng_supply",
        ArcKind::LngCompeting(_) => "lng_competing",
        ArcKind::LngPool => "lng_pool",
        ArcKind::Competing(_) => "competing_demand",
        ArcKind::Regas(_) => "regas",
        ArcKind::Production(_) => "production",
        ArcKind::Demand { .. } => "demand_response",
        ArcKind::Curtail { .. } => "curtailment",
        ArcKind::Withdraw(_) => "withdraw",
        ArcKind::Inject(_) => "inject",
        ArcKind::Keep { .. } => "storage_keep",
        ArcKind::Level(_) => "storage_value",
        ArcKind::Bypass => "bypass",
    }
}

/// Readable description of an arc (before sanitising).
fn arc_label(kind: ArcKind, model: &Model) -> String {
    let node = |n: usize| model.nodes.get(n).map_or("?", |x| x.id.as_str());
    let origin = |o: usize| model.origins.get(o).map_or("?", |x| x.id.as_str());
    let pipe = |p: usize| model.pipelines.get(p).map_or("?", |x| x.id.as_str());
    match kind {
        ArcKind::OriginSupply(o) => format!("origin_{}", origin(o)),
        ArcKind::CapGate(g) => format!("cap_gate_{g}"),
        ArcKind::Pipeline { pipeline, reverse } => {
            format!(
                "pipeline_{}{}",
                pipe(pipeline),
                if reverse { "_reverse" } else { "" }
            )
        }
        ArcKind::Rights {
            pipeline,
            company,
            node: n,
        } => format!(
            "rights_{}_{}_{}",
            pipe(pipeline),
            model.companies.get(company).map_or("?", |c| c.id.as_str()),
            node(n)
        ),
        ArcKind::Contract {
            contract,
            take_or_pay,
        } => format!(
            "contract_{}_{}",
            model.contracts.get(contract).map_or("?", |c| c.id.as_str()),
            if take_or_pay { "top" } else { "flex" }
        ),
        ArcKind::LngSupply(o) => format!("lng_{}", origin(o)),
        ArcKind::LngCompeting(o) => format!("lng_competing_{}", origin(o)),
        ArcKind::LngPool => "lng_pool".into(),
        ArcKind::Competing(k) => format!("competing_demand_{k}"),
        ArcKind::Regas(n) => format!("regas_{}", node(n)),
        ArcKind::Production(n) => format!("production_{}", node(n)),
        ArcKind::Demand { node: n, tranche } => format!("demand_{}_{tranche}", node(n)),
        ArcKind::Curtail {
            node: n,
            sector,
            tranche,
        } => format!(
            "curtail_{}_{}_{tranche}",
            node(n),
            SECTOR_NAMES.get(sector).unwrap_or(&"?")
        ),
        ArcKind::Withdraw(n) => format!("withdraw_{}", node(n)),
        ArcKind::Inject(n) => format!("inject_{}", node(n)),
        ArcKind::Keep {
            node: n,
            below_target,
        } => format!(
            "keep_{}_{}",
            node(n),
            if below_target {
                "below_target"
            } else {
                "above_target"
            }
        ),
        ArcKind::Level(band) => format!("storage_value_{band}"),
        ArcKind::Bypass => "bypass".into(),
    }
}

/// LP variable name of arc `a`: `x<a>_<label>`, unique by its index.
pub fn arc_name(net: &Network, model: &Model, a: usize) -> String {
    format!("x{a}_{}", sanitize(&arc_label(net.arcs[a].kind, model)))
}

/// Name of graph node `v`: `source`, `sink`, `lng_in`, `lng_out`,
/// `competing`, `storage_pool`, `origin_<id>`, `node_<id>`, `storage_<id>`
/// or `cap_gate_<k>`.
pub fn node_name(net: &Network, model: &Model, v: usize) -> String {
    let raw = if v == net.source {
        "source".to_string()
    } else if v == net.sink {
        "sink".to_string()
    } else if v == net.lng_in {
        "lng_in".to_string()
    } else if v == net.lng_out {
        "lng_out".to_string()
    } else if v == net.competing {
        "competing".to_string()
    } else if v == net.pool {
        "storage_pool".to_string()
    } else if let Some(n) = net.store.iter().position(|x| *x == Some(v)) {
        format!("storage_{}", model.nodes[n].id)
    } else if v >= net.origin_base && v < net.origin_base + model.origins.len() {
        format!("origin_{}", model.origins[v - net.origin_base].id)
    } else if v >= net.node_base && v < net.node_base + model.nodes.len() {
        format!("node_{}", model.nodes[v - net.node_base].id)
    } else {
        let stores = net.store.iter().flatten().count();
        format!(
            "cap_gate_{}",
            v - net.node_base - model.nodes.len() - stores
        )
    };
    sanitize(&raw)
}

fn check_lengths(net: &Network, supply: &[i64], cap: &[i64], cost: &[i64]) -> io::Result<()> {
    let na = net.arcs.len();
    if supply.len() != net.topology.num_nodes() || cap.len() != na || cost.len() != na {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "problem does not fit the network: {} supplies for {} nodes, {} capacities and {} costs for {} arcs",
                supply.len(),
                net.topology.num_nodes(),
                cap.len(),
                cost.len(),
                na
            ),
        ));
    }
    Ok(())
}

/// Writes `terms` as `c1 x1 + c2 x2 …`, at most a few terms per line
/// (LP readers limit line length). An empty expression is not legal LP, so
/// it is written as `0 <placeholder>` (a declared variable).
fn write_terms(w: &mut impl Write, terms: &[(i64, String)], placeholder: &str) -> io::Result<()> {
    if terms.is_empty() {
        return write!(w, " 0 {placeholder}");
    }
    for (i, (c, name)) in terms.iter().enumerate() {
        if i > 0 && i % 8 == 0 {
            write!(w, "\n   ")?;
        }
        let sign = if *c < 0 { '-' } else { '+' };
        if i == 0 && *c >= 0 {
            write!(w, " {} {name}", c.unsigned_abs())?;
        } else {
            write!(w, " {sign} {} {name}", c.unsigned_abs())?;
        }
    }
    Ok(())
}

/// Write one step's problem in CPLEX LP format.
pub fn write_lp(
    w: &mut impl Write,
    net: &Network,
    model: &Model,
    supply: &[i64],
    cap: &[i64],
    cost: &[i64],
) -> io::Result<()> {
    check_lengths(net, supply, cap, cost)?;
    if net.arcs.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a network without arcs has no LP form",
        ));
    }
    let names: Vec<String> = (0..net.arcs.len())
        .map(|a| arc_name(net, model, a))
        .collect();
    writeln!(
        w,
        "\\ gasdep step problem: {} ({} nodes, {} arcs); flow MWh, cost EUR/MWh x 100",
        model.name.replace(['\n', '\r'], " "),
        supply.len(),
        names.len()
    )?;
    writeln!(w, "Minimize")?;
    write!(w, " obj:")?;
    let obj: Vec<(i64, String)> = cost
        .iter()
        .zip(&names)
        .filter(|(c, _)| **c != 0)
        .map(|(c, n)| (*c, n.clone()))
        .collect();
    write_terms(w, &obj, &names[0])?;
    writeln!(w)?;
    writeln!(w, "Subject To")?;
    let mut rows: Vec<Vec<(i64, String)>> = vec![Vec::new(); supply.len()];
    for (a, arc) in net.arcs.iter().enumerate() {
        rows[arc.tail].push((1, names[a].clone()));
        rows[arc.head].push((-1, names[a].clone()));
    }
    for (v, row) in rows.iter().enumerate() {
        write!(w, " c{v}_{}:", node_name(net, model, v))?;
        write_terms(w, row, &names[0])?;
        writeln!(w, " = {}", supply[v])?;
    }
    writeln!(w, "Bounds")?;
    for (a, name) in names.iter().enumerate() {
        writeln!(w, " 0 <= {name} <= {}", cap[a].max(0))?;
    }
    writeln!(w, "End")
}

/// The same problem as JSON; with `flows`, each arc's flow and the integer
/// objective Σ cost·flow (as a number if it fits in 64 bits, null
/// otherwise, and always as the decimal string `objective_str`).
pub fn problem_json(
    net: &Network,
    model: &Model,
    supply: &[i64],
    cap: &[i64],
    cost: &[i64],
    flows: Option<&[i64]>,
    meta: &StepMeta,
) -> Value {
    let nodes: Vec<Value> = supply
        .iter()
        .enumerate()
        .map(|(v, s)| json!({ "name": node_name(net, model, v), "supply": s }))
        .collect();
    let flows = flows.filter(|f| f.len() == net.arcs.len());
    let arcs: Vec<Value> = net
        .arcs
        .iter()
        .enumerate()
        .map(|(a, arc)| {
            json!({
                "name": arc_name(net, model, a),
                "kind": kind_name(arc.kind),
                "tail": arc.tail,
                "head": arc.head,
                "capacity": cap.get(a),
                "cost": cost.get(a),
                "flow": flows.map(|f| f[a]),
            })
        })
        .collect();
    let objective: Option<i128> = flows.map(|f| {
        f.iter()
            .zip(cost)
            .map(|(&x, &c)| i128::from(x) * i128::from(c))
            .sum()
    });
    let objective_num = objective
        .and_then(|o| i64::try_from(o).ok())
        .map_or(Value::Null, Value::from);
    json!({
        "format": "gasdep-step-problem",
        "version": 1,
        "scenario": meta.scenario,
        "policy": meta.policy,
        "date": meta.date,
        "trial": meta.trial,
        "units": { "flow": "MWh", "cost": "EUR/MWh x 100" },
        "nodes": nodes,
        "arcs": arcs,
        "objective": objective_num,
        "objective_str": objective.map(|o| o.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn names_are_lp_legal() {
        assert_eq!(sanitize("Nord Stream-1 (DE)"), "nord_stream_1__de_");
        assert_eq!(sanitize("é"), "_");
    }
}

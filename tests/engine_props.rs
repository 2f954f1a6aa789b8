//! Properties of the allocation engine on random small scenarios, and the
//! LP export checked by an independent solver (microlp).
//!
//! Scenarios are generated as TOML text (2–6 nodes, 1–3 pipe origins, an
//! optional LNG origin, random pipelines, demands, production, storage, an
//! optional contract), loaded through the public loader and run over a
//! year of monthly steps under a cooperative and a national-first policy,
//! with expected-value draws and with random availability/weather draws.
//! For every step:
//! - integer flows lie within [0, capacity] and conserve flow at every
//!   graph node (Σ out − Σ in = supply) exactly;
//! - demand response and curtailment lie in [0, demand] per node and sector, and each
//!   node balances: production + imports + withdrawal = served + exports +
//!   injection (within integer rounding);
//! - traced consumption by origin sums to served demand (shares sum to 1);
//! - the engine's objective equals microlp's optimum of the problem
//!   rebuilt from the JSON export;
//! - in cooperative mode, more capacity on one pipeline or more
//!   liquefaction never raises the step's optimum (same storage state and
//!   water values in).
//!
//! And the shortcuts for policies that plan alike for their first steps:
//! the storage valuation takes the baseline's segments, and the Monte
//! Carlo worker solves shared steps once (`sim::share`); the same water
//! values and results, bit for bit, as every policy valued and solved on
//! its own, with random weather.

use gasdep::network::export::{StepMeta, problem_json, write_lp};
use gasdep::scenario::load_str;
use gasdep::sim::engine::{Draws, Engine, State, StepOut};
use gasdep::sim::run::{Prepared, Worker};
use gasdep::sim::share::Sharing;
use gasdep::sim::water::{WaterOptions, value_storage};
use microlp::{ComparisonOp, OptimizationDirection, Problem};
use proptest::prelude::*;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

// ---------------------------------------------------------------------------
// Random scenarios.

#[derive(Debug, Clone)]
struct NodeSpec {
    demand: [f64; 3],
    production: Option<f64>,
    /// volume GWh, injection and withdrawal GWh/d, initial fill %.
    storage: Option<(f64, f64, f64, f64)>,
    regas: Option<f64>,
}

#[derive(Debug, Clone)]
struct PipeSpec {
    /// Origin index (`Err`) or node index (`Ok`) at the tail.
    from: Result<usize, usize>,
    to: usize,
    cap: f64,
    reverse: Option<f64>,
    tariff: f64,
}

#[derive(Debug, Clone)]
struct Spec {
    nodes: Vec<NodeSpec>,
    /// (price, capacity) of pipe origins.
    origins: Vec<(f64, f64)>,
    /// LNG origin (price, capacity) and the competing market's demand, GWh/d.
    lng: Option<(f64, f64, f64)>,
    /// `[market]`: reference price and elasticities (× −0.01) by sector.
    market: Option<(f64, [f64; 3])>,
    pipes: Vec<PipeSpec>,
    /// Contract of origin 0 over its first pipeline: (volume, take-or-pay %).
    contract: Option<(f64, f64)>,
    /// Which pipeline gets more capacity in the monotonicity check, and how
    /// much (GWh/d); and extra liquefaction capacity of the LNG origin.
    extra_pipe: (usize, f64),
    extra_lng: f64,
    /// Random draws: availability per pipeline, weather per node, price.
    avail: Vec<f64>,
    weather: Vec<f64>,
    price: f64,
    /// A storage event: the first node with storage from this index on,
    /// the severity (%), the start month and the length in months.
    withhold: (usize, u32, u32, u32),
}

fn node_spec() -> impl Strategy<Value = NodeSpec> {
    (
        prop::array::uniform3(0u32..150),
        prop::option::of(0u32..80),
        prop::option::of((100u32..3000, 5u32..40, 5u32..60, 0u32..=100)),
        prop::option::of(0u32..80),
    )
        .prop_map(|(d, p, s, r)| NodeSpec {
            demand: d.map(f64::from),
            production: p.map(f64::from),
            storage: s.map(|(v, i, w, f)| (f64::from(v), f64::from(i), f64::from(w), f64::from(f))),
            regas: r.map(f64::from),
        })
}

fn spec() -> impl Strategy<Value = Spec> {
    (2usize..=6, 1usize..=3).prop_flat_map(|(nn, no)| {
        let origin_pipes = prop::collection::vec(
            (0..nn, 0u32..300, 0u32..30).prop_map(move |(to, c, t)| (to, c, t)),
            no,
        );
        let links = prop::collection::vec(
            (
                0..nn,
                0..nn,
                0u32..200,
                prop::option::of(0u32..100),
                1u32..30,
            ),
            0..=nn + 2,
        );
        (
            prop::collection::vec(node_spec(), nn),
            prop::collection::vec((10u32..40, 0u32..400), no),
            prop::option::of((20u32..40, 0u32..300, 0u32..300)),
            origin_pipes,
            links,
            prop::option::of((1u32..40, 0u32..=100)),
            (0usize..64, 1u32..200, 0u32..200),
            prop::collection::vec(0.0f64..=1.0, 64),
            prop::collection::vec(-2.0f64..2.0, nn),
            0.5f64..2.0,
            prop::option::of((10u32..60, prop::array::uniform3(0u32..40))),
            (0..nn, 1u32..=100, 1u32..=12, 1u32..=6),
        )
            .prop_map(
                move |(
                    nodes,
                    origins,
                    lng,
                    opipes,
                    links,
                    contract,
                    extra,
                    avail,
                    weather,
                    price,
                    market,
                    withhold,
                )| {
                    let mut pipes: Vec<PipeSpec> = opipes
                        .into_iter()
                        .enumerate()
                        .map(|(o, (to, c, t))| PipeSpec {
                            from: Err(o),
                            to,
                            cap: f64::from(c),
                            reverse: None,
                            tariff: f64::from(t) / 10.0,
                        })
                        .collect();
                    for (a, b, c, r, t) in links {
                        if a != b {
                            pipes.push(PipeSpec {
                                from: Ok(a),
                                to: b,
                                cap: f64::from(c),
                                reverse: r.map(f64::from),
                                // Positive tariffs: no zero-cost cycles, so
                                // no pure circulation that tracing refuses.
                                tariff: f64::from(t) / 10.0,
                            });
                        }
                    }
                    let np = pipes.len();
                    Spec {
                        nodes,
                        origins: origins
                            .into_iter()
                            .map(|(p, c)| (f64::from(p), f64::from(c)))
                            .collect(),
                        lng: lng.map(|(p, c, m)| (f64::from(p), f64::from(c), f64::from(m))),
                        market: market
                            .map(|(p, e)| (f64::from(p), e.map(|x| -f64::from(x) / 100.0))),
                        pipes,
                        contract: contract.map(|(v, t)| (f64::from(v), f64::from(t))),
                        extra_pipe: (extra.0 % np, f64::from(extra.1)),
                        extra_lng: f64::from(extra.2),
                        avail,
                        weather,
                        price,
                        withhold,
                    }
                },
            )
    })
}

/// The scenario as TOML; `more_pipe` / `more_lng` add capacity.
fn to_toml(s: &Spec, more_pipe: f64, more_lng: f64) -> String {
    let mut t = String::from(
        "[scenario]\nname = \"prop\"\nstart = \"2021-01\"\nend = \"2021-12\"\nbaseline = \"coop\"\n\n",
    );
    for (i, n) in s.nodes.iter().enumerate() {
        let _ = writeln!(t, "[[node]]\nid = \"N{i}\"");
        let _ = writeln!(
            t,
            "demand = {{ protected = \"{} GWh/d\", industry = \"{} GWh/d\", power = \"{} GWh/d\" }}",
            n.demand[0], n.demand[1], n.demand[2]
        );
        if let Some(p) = n.production {
            let _ = writeln!(t, "production = {{ rate = \"{p} GWh/d\" }}");
        }
        if let Some((v, i, w, f)) = n.storage {
            let _ = writeln!(
                t,
                "storage = {{ volume = \"{v} GWh\", injection = \"{i} GWh/d\", withdrawal = \"{w} GWh/d\", initial_fill = \"{f} %\" }}"
            );
        }
        if let (Some(r), Some(_)) = (n.regas, s.lng) {
            let _ = writeln!(t, "lng_regas = \"{r} GWh/d\"");
        }
        t.push('\n');
    }
    for (o, (p, c)) in s.origins.iter().enumerate() {
        // Two origins share a country so tracing columns merge.
        let country = ["RU", "NO", "RU"][o];
        let _ = writeln!(
            t,
            "[[origin]]\nid = \"O{o}\"\ncountry = \"{country}\"\nkind = \"pipe\"\nprice = \"{p} EUR/MWh\"\ncapacity = \"{c} GWh/d\"\n"
        );
    }
    if let Some((p, c, m)) = s.lng {
        let _ = writeln!(
            t,
            "[[origin]]\nid = \"L\"\ncountry = \"QA\"\nkind = \"lng\"\nprice = \"{p} EUR/MWh\"\ncompeting_price = \"{} EUR/MWh\"\ncapacity = \"{} GWh/d\"\n",
            p + 1.0,
            c + more_lng
        );
        let _ = writeln!(
            t,
            "[lng_market]\ndemand = \"{m} GWh/d\"\nreference_price = \"35 EUR/MWh\"\nelasticity = -0.3\n"
        );
    }
    if let Some((p, e)) = s.market {
        let _ = writeln!(
            t,
            "[market]\nreference_price = \"{p} EUR/MWh\"\nprice_cap = \"400 EUR/MWh\"\nelasticity = {{ protected = {}, industry = {}, power = {} }}\nfuel_switching = {{ price = \"{} EUR/MWh\", share = \"20 %\" }}\n",
            e[0],
            e[1],
            e[2],
            p + 15.0
        );
    }
    for (k, p) in s.pipes.iter().enumerate() {
        let from = match p.from {
            Err(o) => format!("O{o}"),
            Ok(n) => format!("N{n}"),
        };
        let cap = p.cap + if k == s.extra_pipe.0 { more_pipe } else { 0.0 };
        let _ = writeln!(
            t,
            "[[pipeline]]\nid = \"p{k}\"\nfrom = \"{from}\"\nto = \"N{}\"\ncapacity = \"{cap} GWh/d\"\ntariff = \"{} EUR/MWh\"",
            p.to, p.tariff
        );
        if let Some(r) = p.reverse {
            let _ = writeln!(t, "reverse_capacity = \"{r} GWh/d\"");
        }
        t.push('\n');
    }
    if let Some((v, top)) = s.contract {
        let _ = writeln!(
            t,
            "[[contract]]\nid = \"k\"\nseller = \"O0\"\nbuyer = \"N{}\"\nvolume = \"{v} GWh/d\"\nstart = \"2021-03\"\ntake_or_pay = \"{top} %\"\nprice = \"25 EUR/MWh\"\nroute = \"p0\"\n",
            s.pipes[0].to
        );
    }
    let (first, severity, start, months) = s.withhold;
    let nn = s.nodes.len();
    if let Some(n) = (0..nn)
        .map(|k| (first + k) % nn)
        .find(|&n| s.nodes[n].storage.is_some())
    {
        let end = start + months;
        let end = if end > 12 {
            "2022-01".to_string()
        } else {
            format!("2021-{end:02}")
        };
        let _ = writeln!(
            t,
            "[[event]]\ntarget = \"storage:N{n}\"\nstart = \"2021-{start:02}-10\"\nend = \"{end}\"\nseverity = \"{severity} %\"\n"
        );
    }
    t.push_str(
        "[[policy]]\nid = \"coop\"\n\n[[policy]]\nid = \"national\"\n[[policy.measure]]\ntype = \"solidarity\"\nmode = \"national-first\"\n",
    );
    t
}

fn prepare(text: &str) -> Prepared {
    let (_, model) = load_str(text, Path::new("prop.toml"))
        .unwrap_or_else(|e| panic!("generated scenario rejected: {e}\n{text}"));
    Prepared::new(model, &[]).expect("prepares")
}

// ---------------------------------------------------------------------------
// Independent LP solve.

/// Optimum of the problem in `json` (a `problem_json` export) by microlp.
fn lp_from_json(json: &serde_json::Value) -> f64 {
    let nodes = json["nodes"].as_array().expect("nodes");
    let arcs = json["arcs"].as_array().expect("arcs");
    let mut p = Problem::new(OptimizationDirection::Minimize);
    let mut rows: Vec<Vec<(microlp::Variable, f64)>> = vec![Vec::new(); nodes.len()];
    for a in arcs {
        let cap = a["capacity"].as_i64().expect("capacity") as f64;
        let v = p.add_var(a["cost"].as_i64().expect("cost") as f64, (0.0, cap));
        rows[a["tail"].as_u64().expect("tail") as usize].push((v, 1.0));
        rows[a["head"].as_u64().expect("head") as usize].push((v, -1.0));
    }
    for (n, row) in nodes.iter().zip(&rows) {
        let s = n["supply"].as_i64().expect("supply") as f64;
        p.add_constraint(row.as_slice(), ComparisonOp::Eq, s);
    }
    p.solve()
        .expect("the step problem is feasible")
        .solution()
        .expect("no time limit")
        .objective()
}

/// Optimum of an LP file written by `write_lp`, parsed back minimally
/// (only the subset `write_lp` emits), by microlp.
fn lp_from_text(text: &str) -> (f64, usize) {
    #[derive(PartialEq)]
    enum Sec {
        None,
        Obj,
        Rows,
        Bounds,
    }
    let mut sec = Sec::None;
    let (mut obj_toks, mut row_toks, mut bound_lines) = (Vec::new(), Vec::new(), Vec::new());
    for line in text.lines() {
        let l = line.trim();
        if l.starts_with('\\') || l.is_empty() {
            continue;
        }
        match l {
            "Minimize" => sec = Sec::Obj,
            "Subject To" => sec = Sec::Rows,
            "Bounds" => sec = Sec::Bounds,
            "End" => sec = Sec::None,
            _ => match sec {
                Sec::Obj => obj_toks.extend(l.split_whitespace().map(str::to_string)),
                Sec::Rows => row_toks.extend(l.split_whitespace().map(str::to_string)),
                Sec::Bounds => bound_lines.push(l.to_string()),
                Sec::None => panic!("text outside sections: {l}"),
            },
        }
    }
    // Terms: [sign] coefficient name ...
    fn terms(toks: &[String]) -> Vec<(String, f64)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            let mut sign = 1.0;
            if toks[i] == "+" || toks[i] == "-" {
                if toks[i] == "-" {
                    sign = -1.0;
                }
                i += 1;
            }
            let c: f64 = toks[i].parse().expect("coefficient");
            out.push((toks[i + 1].clone(), sign * c));
            i += 2;
        }
        out
    }
    assert_eq!(obj_toks.first().map(String::as_str), Some("obj:"));
    let obj = terms(&obj_toks[1..]);
    let mut bounds: Vec<(String, f64)> = Vec::new();
    for b in &bound_lines {
        let t: Vec<&str> = b.split_whitespace().collect();
        assert!(
            t.len() == 5 && t[0] == "0" && t[1] == "<=" && t[3] == "<=",
            "{b}"
        );
        bounds.push((t[2].to_string(), t[4].parse().expect("bound")));
    }
    let mut p = Problem::new(OptimizationDirection::Minimize);
    let cost: HashMap<&str, f64> = obj.iter().map(|(n, c)| (n.as_str(), *c)).collect();
    let vars: HashMap<String, microlp::Variable> = bounds
        .iter()
        .map(|(n, hi)| {
            let c = cost.get(n.as_str()).copied().unwrap_or(0.0);
            (n.clone(), p.add_var(c, (0.0, *hi)))
        })
        .collect();
    assert_eq!(vars.len(), bounds.len(), "variable names are unique");
    for (n, _) in &obj {
        assert!(vars.contains_key(n), "objective names a declared variable");
    }
    // Rows: name: terms = rhs
    let mut i = 0;
    let mut nrows = 0;
    while i < row_toks.len() {
        assert!(row_toks[i].ends_with(':'), "row name at {}", row_toks[i]);
        let start = i + 1;
        let eq = start + row_toks[start..].iter().position(|t| t == "=").expect("=");
        let row: Vec<(microlp::Variable, f64)> = terms(&row_toks[start..eq])
            .into_iter()
            .map(|(n, c)| (vars[&n], c))
            .collect();
        let rhs: f64 = row_toks[eq + 1].parse().expect("rhs");
        p.add_constraint(row.as_slice(), ComparisonOp::Eq, rhs);
        nrows += 1;
        i = eq + 2;
    }
    let sol = p.solve().expect("feasible");
    (sol.solution().expect("no time limit").objective(), nrows)
}

/// Tolerance for comparing an f64 LP optimum with the integer one: the
/// objective is a sum of up to ~10^15-sized terms of both signs.
fn obj_tol(cost: &[i64], flows: &[i64]) -> f64 {
    let scale: f64 = cost
        .iter()
        .zip(flows)
        .map(|(&c, &f)| (c as f64 * f as f64).abs())
        .sum();
    1e-8 * scale + 1.0
}

fn int_objective(cost: &[i64], flows: &[i64]) -> i128 {
    cost.iter()
        .zip(flows)
        .map(|(&c, &f)| i128::from(c) * i128::from(f))
        .sum()
}

// ---------------------------------------------------------------------------
// Per-step checks.

fn check_step(
    model: &gasdep::scenario::Model,
    eng: &Engine,
    out: &StepOut,
    what: &str,
) -> Result<(), TestCaseError> {
    let net = eng.network();
    let (supply, cap, cost) = eng.problem();
    let flows = eng.int_flows();
    // Bounds and exact conservation of the integer problem.
    let mut bal = vec![0i64; supply.len()];
    for (a, arc) in net.arcs.iter().enumerate() {
        prop_assert!(
            flows[a] >= 0 && flows[a] <= cap[a],
            "{what}: arc {a} flow {} cap {}",
            flows[a],
            cap[a]
        );
        bal[arc.tail] += flows[a];
        bal[arc.head] -= flows[a];
    }
    prop_assert_eq!(&bal[..], supply, "{}: conservation", what);
    // Node balances in GWh.
    let nn = out.demand.len();
    let nc = net.countries.len();
    // Every flow is a whole number of MWh and demand is rounded to whole
    // MWh per sector: the balance closes to 1.5 MWh.
    let tol = 0.0015 + 1e-6 * out.demand[..].iter().flatten().sum::<f64>();
    for n in 0..nn {
        let mut served = 0.0;
        for s in 0..3 {
            let (d, r, u) = (out.demand[n][s], out.response[n][s], out.curtailment[n][s]);
            // Demand is rounded to whole MWh per sector (≤ 0.5 MWh off).
            prop_assert!(
                u >= 0.0 && r >= -1e-9 && u + r <= d + 0.0005 + 1e-9,
                "{what}: curtailment {u} response {r} demand {d}"
            );
            served += (d - r - u).max(0.0);
        }
        let inflow = out.production[n] + out.imports[n] + out.withdrawal[n];
        let outflow = served + out.exports[n] + out.injection[n];
        prop_assert!(
            (inflow - outflow).abs() <= tol,
            "{what}: node {n} in {inflow} out {outflow}"
        );
        let traced: f64 = out.consumption[n * nc..(n + 1) * nc].iter().sum();
        prop_assert!(
            out.consumption[n * nc..(n + 1) * nc]
                .iter()
                .all(|&x| x >= -1e-9),
            "{what}: negative traced consumption"
        );
        // Shares sum to 1: traced consumption equals served demand. Served
        // demand is demand (f64) minus integer unserved MWh, so a node cut
        // entirely may show < 0.5 MWh per sector "served" with no inflow.
        prop_assert!(
            (traced - served).abs() <= 1e-6 * served + 0.0016,
            "{what}: node {n} traced {traced} served {served}"
        );
    }
    // Independent LP solve of the exported problem.
    let meta = StepMeta {
        scenario: "prop".into(),
        policy: what.into(),
        date: String::new(),
        trial: None,
    };
    let json = problem_json(net, model, supply, cap, cost, Some(flows), &meta);
    let ours = int_objective(cost, flows);
    let ours_str = ours.to_string();
    prop_assert_eq!(json["objective_str"].as_str(), Some(ours_str.as_str()));
    let lp = lp_from_json(&json);
    prop_assert!(
        (lp - ours as f64).abs() <= obj_tol(cost, flows),
        "{what}: engine objective {ours}, microlp {lp}"
    );
    Ok(())
}

/// Runs every policy of `spec` through a year with `draws`, checking each
/// step, and in cooperative mode compares each step with the same step of
/// the scenario with more capacity, from the same storage state and with
/// the same water values: the optimum (welfare loss) can only fall.
/// (Curtailment alone need not fall: where a long route makes serving a
/// curtailed node cost more than the gap between its curtailment value and
/// a nearer buyer's willingness to pay, the nearer buyer gets the gas.)
fn check_spec(spec: &Spec, random_draws: bool) -> Result<(), TestCaseError> {
    let base = prepare(&to_toml(spec, 0.0, 0.0));
    let more_pipe = prepare(&to_toml(spec, spec.extra_pipe.1, 0.0));
    let more_lng = prepare(&to_toml(spec, 0.0, spec.extra_lng));
    let model = &base.model;
    let mut draws = Draws::neutral(model);
    if random_draws {
        for (i, x) in draws.pipeline.iter_mut().enumerate() {
            *x = spec.avail[i % spec.avail.len()];
        }
        draws.weather.copy_from_slice(&spec.weather);
        draws.price = spec.price;
    }
    for (i, net) in base.nets.iter().enumerate() {
        let policy = &model.policies[base.policies[i]].id;
        let mut eng = Engine::new(model, net);
        let mut others = [
            Engine::new(&more_pipe.model, &more_pipe.nets[i]),
            Engine::new(&more_lng.model, &more_lng.nets[i]),
        ];
        let mut state = State::initial(model, net);
        for t in 0..net.steps.len() {
            let before = state.clone();
            eng.step(t, &draws, &mut state)
                .map_err(|e| TestCaseError::fail(format!("{e}")))?;
            let what = format!("policy {policy} step {t}");
            check_step(model, &eng, &eng.out, &what)?;
            // Storage keeps its gas: the reported level (withheld gas
            // included) moves by injection less withdrawal only, and
            // stays within the reported volume.
            let out = &eng.out;
            for n in 0..model.nodes.len() {
                let was = before.level[n] + before.withheld[n];
                let now = was + out.injection[n] - out.withdrawal[n];
                prop_assert!(
                    (out.level[n] - now).abs() <= 1e-6 * (1.0 + was),
                    "{what}: node {n} storage {was} -> {} (injected {}, withdrawn {})",
                    out.level[n],
                    out.injection[n],
                    out.withdrawal[n]
                );
                prop_assert!(
                    out.level[n] <= out.volume[n] * (1.0 + 1e-9) + 1e-6,
                    "{what}: node {n} level {} above volume {}",
                    out.level[n],
                    out.volume[n]
                );
            }
            if policy == "coop" {
                let (_, _, cost) = eng.problem();
                let z = eng.objective();
                for (k, other) in others.iter_mut().enumerate() {
                    other.set_water(t, net.water[t]);
                    let mut st = before.clone();
                    other
                        .step(t, &draws, &mut st)
                        .map_err(|e| TestCaseError::fail(format!("{e}")))?;
                    let z2 = other.objective();
                    // Capacities round down to whole MWh: one more MWh of
                    // room can be lost per arc at the largest |cost|.
                    let slack = cost.iter().map(|c| c.unsigned_abs()).max().unwrap_or(0) as i128
                        * cost.len() as i128;
                    prop_assert!(
                        z2 <= z + slack,
                        "{what}: more capacity ({}) raised the optimum {z} -> {z2}",
                        ["pipeline", "LNG"][k]
                    );
                }
            }
        }
    }
    Ok(())
}

/// The scenario of `spec` with random weather and policies that plan as
/// the baseline for a while: `same` always, `late` until July (national
/// first from then, announced then), `later` as `late` until October (a
/// demand cut from then, announced then), and `national` never.
fn with_late_policies(spec: &Spec) -> String {
    let mut t = to_toml(spec, 0.0, 0.0);
    t.push_str(concat!(
        "\n[[policy]]\nid = \"same\"\n",
        "\n[[policy]]\nid = \"late\"\n[[policy.measure]]\ntype = \"solidarity\"\nmode = \"national-first\"\nstart = \"2021-07\"\nannounced = \"2021-07\"\n",
        "\n[[policy]]\nid = \"later\"\nextends = \"late\"\n[[policy.measure]]\ntype = \"demand_reduction\"\nshare = \"10 %\"\nstart = \"2021-10\"\nannounced = \"2021-10\"\n",
        "\n[uncertainty]\nweather = { autocorrelation = 0.5, correlation = 0.6 }\n",
    ));
    t
}

fn check_sharing(spec: &Spec) -> Result<(), TestCaseError> {
    let text = with_late_policies(spec);
    let shared = prepare(&text);
    let mut alone = prepare(&text);
    let n = alone.nets.len();
    alone.sharing = Sharing::none(n);
    // Prepared order: coop (baseline), national, same, late, later.
    // `late` is valued knowing nothing of its measure before July, so it
    // plans (water values included) as the baseline for six steps; `later`
    // as `late` for nine, of which the first six come from the baseline.
    prop_assert_eq!(&shared.sharing.own, &vec![0, 0, 12, 6, 9]);
    prop_assert_eq!(
        &shared.sharing.feeds[0],
        &vec![(2, 0..12), (3, 0..6), (4, 0..6)]
    );
    prop_assert_eq!(&shared.sharing.feeds[3], &vec![(4, 6..9)]);
    prop_assert_eq!(&shared.sharing.handovers[0], &vec![(3, 5)]);
    prop_assert_eq!(&shared.sharing.handovers[3], &vec![(4, 8)]);
    // Storage valued once per policy alone gives the same water values as
    // the prepared run, whose later policies took segments of the
    // baseline's valuation where they plan alike.
    for net in &shared.nets {
        let mut own = net.clone();
        value_storage(&shared.model, &mut own, &WaterOptions::default())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(
            own.water == net.water,
            "policy {}: water values differ",
            net.policy
        );
    }
    let (mut a, mut b) = (Worker::new(&shared), Worker::new(&alone));
    for trial in 0..3 {
        a.run_trial(trial)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        b.run_trial(trial)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        for (p, (x, y)) in a.values().iter().zip(b.values()).enumerate() {
            for (k, (u, v)) in x.iter().zip(y).enumerate() {
                prop_assert!(
                    u.to_bits() == v.to_bits(),
                    "trial {trial} policy {p} cell {k}: {u} shared, {v} alone"
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn policies_that_plan_alike_share_steps_with_the_same_results(spec in spec()) {
        check_sharing(&spec)?;
    }
}

proptest! {
    // Small fixed case count: each case runs 2 policies x 12 steps with
    // a microlp solve per step and two comparison engines.
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn engine_invariants_neutral_draws(spec in spec()) {
        check_spec(&spec, false)?;
    }

    #[test]
    fn engine_invariants_random_draws(spec in spec()) {
        check_spec(&spec, true)?;
    }
}

/// Export a winter step of a shipped example (national-first policy of
/// chain-transit, so the export limits are part of the problem), parse the
/// LP text back and re-solve it with microlp; the JSON objective, the
/// engine's objective and the LP optimum agree.
#[test]
fn lp_export_of_shipped_example_resolves_to_same_objective() {
    let prep = prepare(include_str!("../scenarios/examples/chain-transit.toml"));
    let model = &prep.model;
    let mut checked = 0;
    for (i, net) in prep.nets.iter().enumerate() {
        let mut eng = Engine::new(model, net);
        let mut state = State::initial(model, net);
        let mut draws = Draws::neutral(model);
        // Transit through T cut entirely so that someone is short.
        let ru_t = model.pipelines.iter().position(|p| p.id == "ru-t").unwrap();
        draws.pipeline[ru_t] = 0.0;
        for t in 0..net.steps.len() {
            eng.step(t, &draws, &mut state).unwrap();
            let (y, m, d) = net.steps[t].start.ymd();
            if m != 1 {
                continue;
            }
            let (supply, cap, cost) = eng.problem();
            let flows = eng.int_flows();
            let mut lp = Vec::new();
            write_lp(&mut lp, net, model, supply, cap, cost).unwrap();
            let lp = String::from_utf8(lp).unwrap();
            let (opt, rows) = lp_from_text(&lp);
            assert_eq!(rows, supply.len(), "one balance row per graph node");
            let ours = int_objective(cost, flows);
            assert!(
                (opt - ours as f64).abs() <= obj_tol(cost, flows),
                "LP file optimum {opt} vs engine {ours}"
            );
            assert!(
                ((ours as f64) / 100.0 - eng.objective_eur()).abs()
                    < 1e-6 * (ours as f64).abs() + 1.0
            );
            let meta = StepMeta {
                scenario: model.name.clone(),
                policy: model.policies[prep.policies[i]].id.clone(),
                date: format!("{y:04}-{m:02}-{d:02}"),
                trial: None,
            };
            let json = problem_json(net, model, supply, cap, cost, Some(flows), &meta);
            // Round trip through text, as a reader would.
            let json: serde_json::Value =
                serde_json::from_str(&serde_json::to_string(&json).unwrap()).unwrap();
            assert_eq!(json["format"], "gasdep-step-problem");
            assert_eq!(json["version"], 1);
            assert_eq!(json["objective"].as_i64().map(i128::from), Some(ours));
            assert_eq!(json["objective_str"], ours.to_string());
            let from_json = lp_from_json(&json);
            assert!((from_json - opt).abs() <= obj_tol(cost, flows));
            // Somebody is short in this step, so penalties are in play.
            let short: f64 = eng.out.curtailment.iter().flatten().sum();
            assert!(short > 0.0, "the test step should have a shortage");
            // Names are LP-legal and unique.
            for a in json["arcs"].as_array().unwrap() {
                let n = a["name"].as_str().unwrap();
                assert!(
                    n.starts_with('x') && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                    "{n}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 2, "checked {checked} steps");
}

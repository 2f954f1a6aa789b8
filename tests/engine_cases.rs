//! Hand-solved allocation cases: tiny inline scenarios run without
//! uncertainty (`deterministic`), each checked against numbers worked out
//! by hand in the comments from the rules of docs/model.md. Demand is firm
//! (no `[market]`), so what is not delivered is curtailment, valued by
//! sector at 5,000 (protected, ten times the default 500 EUR/MWh cap),
//! 800 (industry, 1.6 × the cap) and 550 EUR/MWh (power, 1.1 × the cap),
//! each split in four tranches costing +10 % each in cooperative mode and
//! flat in national-first. Every scenario has a single monthly step unless
//! said otherwise; January 2021 has 31 days, so a rate of x GWh/d is
//! 31·x GWh in the step. All demand profiles are flat (`profile = [1, …]`)
//! so that protected and power demand equal their yearly rates.

mod cases;

use cases::{TOL, node, pipe, prepare, steps, unserved};
use gasdep::sim::engine::StepOut;
use gasdep::sim::run::Prepared;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= TOL
}

macro_rules! assert_gwh {
    ($got:expr, $want:expr, $($msg:tt)+) => {{
        let (g, w): (f64, f64) = ($got, $want);
        assert!(close(g, w), "{}: got {g} GWh, want {w} GWh", format!($($msg)+));
    }};
}

/// Load `text` and run every policy deterministically. Returns the
/// prepared scenario and the step outputs per policy id.
fn run(text: &str) -> (Prepared, Vec<(String, Vec<StepOut>)>) {
    let prep = prepare(text);
    let outs = (0..prep.nets.len())
        .map(|i| {
            (
                prep.model.policies[prep.policies[i]].id.clone(),
                steps(&prep, i),
            )
        })
        .collect();
    (prep, outs)
}

fn policy<'a>(outs: &'a [(String, Vec<StepOut>)], id: &str) -> &'a [StepOut] {
    &outs
        .iter()
        .find(|(p, _)| p == id)
        .unwrap_or_else(|| panic!("no policy {id}"))
        .1
}

fn country(prep: &Prepared, c: &str) -> usize {
    prep.nets[0].countries.iter().position(|x| x == c).unwrap()
}

const FLAT: &str = "profile = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]";

/// RU → A → B → C, each link 200 GWh/d with a 1 EUR/MWh tariff, RU able to
/// send 112.5 GWh/d, each node demanding 50 GWh/d of `sectors[i]`.
fn chain(sectors: [&str; 3]) -> String {
    let mut s = String::from(
        r#"
[scenario]
name = "chain"
start = "2021-01"
end = "2021-01"
baseline = "coop"

[[origin]]
id = "RU"
country = "RU"
kind = "pipe"
price = "20 EUR/MWh"
capacity = "112.5 GWh/d"

[[pipeline]]
id = "ru-a"
from = "RU"
to = "A"
capacity = "200 GWh/d"
tariff = "1 EUR/MWh"

[[pipeline]]
id = "a-b"
from = "A"
to = "B"
capacity = "200 GWh/d"
tariff = "1 EUR/MWh"

[[pipeline]]
id = "b-c"
from = "B"
to = "C"
capacity = "200 GWh/d"
tariff = "1 EUR/MWh"

[[policy]]
id = "coop"
[[policy.measure]]
type = "solidarity"
mode = "cooperative"

[[policy]]
id = "national"
[[policy.measure]]
type = "solidarity"
mode = "national-first"
"#,
    );
    for (id, sector) in ["A", "B", "C"].iter().zip(sectors) {
        let mut d = [("protected", "0"), ("industry", "0"), ("power", "0")];
        for x in d.iter_mut() {
            if x.0 == sector {
                x.1 = "50";
            }
        }
        s.push_str(&format!(
            "\n[[node]]\nid = \"{id}\"\ndemand = {{ protected = \"{} GWh/d\", industry = \"{} GWh/d\", power = \"{} GWh/d\", {FLAT} }}\n",
            d[0].1, d[1].1, d[2].1
        ));
    }
    s
}

/// Same sector everywhere: 150 GWh/d wanted, 112.5 available, 37.5 short.
///
/// Cooperative: each node's industry demand is four tranches of 12.5 GWh/d
/// at 800/880/960/1040 EUR/MWh. The cheapest 37.5 GWh/d to cut are the
/// three first tranches (800 each); cutting a second tranche anywhere costs
/// 80 more, far more than the ≤ 3 EUR/MWh of tariff it could save. So every
/// node is cut exactly 12.5 GWh/d = 387.5 GWh (25 %).
///
/// National-first: values are flat (800), so the only difference is the
/// tariff saved by not delivering: C saves 3, B 2, A 1 EUR/MWh. All
/// 37.5 GWh/d = 1162.5 GWh are cut at C, the downstream end; A and B are
/// served in full and C exports nothing, so the export rule never fires.
#[test]
fn chain_same_sector_coop_spreads_national_cuts_downstream() {
    let (prep, outs) = run(&chain(["industry", "industry", "industry"]));
    let (a, b, c) = (node(&prep, "A"), node(&prep, "B"), node(&prep, "C"));
    let coop = &policy(&outs, "coop")[0];
    for n in [a, b, c] {
        assert_gwh!(unserved(coop, n), 387.5, "coop unserved at node {n}");
        assert_gwh!(coop.demand[n][1], 1550.0, "demand at node {n}");
    }
    let nat = &policy(&outs, "national")[0];
    assert_gwh!(unserved(nat, a), 0.0, "national A");
    assert_gwh!(unserved(nat, b), 0.0, "national B");
    assert_gwh!(unserved(nat, c), 1162.5, "national C");
}

/// A has power demand, B industry, C protected: 50 GWh/d each, 37.5 short.
///
/// Cooperative: sector priority is strict, so power is cut before any
/// industry: A's power tranches 0, 1 and 2 (550, 605, 660 EUR/MWh; 12.5
/// GWh/d each) are all cheaper than B's first industry tranche (800). So
/// A 37.5 GWh/d (1162.5 GWh), B 0, C 0.
///
/// National-first: values flat, A's power (550) is the cheapest to cut,
/// so the first solve cuts A by 37.5 GWh/d while A passes 100 GWh/d on to
/// B and C. The rule "no node exports while its own demand is cut" keeps
/// A's gas at home: A is served in full; of the 62.5 GWh/d that can still
/// leave A, B (industry, 800) is cut before C (protected, 5000), but B in
/// turn exports to C while short, so B keeps its gas too. End: A 0, B 0,
/// C cut 37.5 GWh/d = 1162.5 GWh. The total cut is the same as in
/// cooperative mode: national-first moves shortage downstream, it does not
/// waste gas (RU's 112.5 GWh/d are all delivered).
#[test]
fn chain_priorities_national_first_upstream_keeps_its_gas() {
    let (prep, outs) = run(&chain(["power", "industry", "protected"]));
    let (a, b, c) = (node(&prep, "A"), node(&prep, "B"), node(&prep, "C"));
    let coop = &policy(&outs, "coop")[0];
    assert_gwh!(unserved(coop, a), 1162.5, "coop A");
    assert_gwh!(unserved(coop, b), 0.0, "coop B");
    assert_gwh!(unserved(coop, c), 0.0, "coop C");
    let nat = &policy(&outs, "national")[0];
    assert_gwh!(unserved(nat, a), 0.0, "national A keeps its gas");
    assert_gwh!(unserved(nat, b), 0.0, "national B keeps its gas");
    assert_gwh!(unserved(nat, c), 1162.5, "national C takes the cut");
    let ru = pipe(&prep, "ru-a");
    assert_gwh!(nat.pipeline_flow[ru], 112.5 * 31.0, "RU fully used");
}

fn contract_case(take_or_pay: &str) -> String {
    format!(
        r#"
[scenario]
name = "contract"
start = "2021-01"
end = "2021-01"
baseline = "base"

[[node]]
id = "A"
demand = {{ protected = "0 GWh/d", industry = "100 GWh/d", power = "0 GWh/d" }}

[[origin]]
id = "RU"
country = "RU"
kind = "pipe"
price = "20 EUR/MWh"
capacity = "100 GWh/d"

[[origin]]
id = "NO"
country = "NO"
kind = "pipe"
price = "15 EUR/MWh"
capacity = "200 GWh/d"

[[pipeline]]
id = "ru-a"
from = "RU"
to = "A"
capacity = "50 GWh/d"
tariff = "2 EUR/MWh"

[[pipeline]]
id = "no-a"
from = "NO"
to = "A"
capacity = "200 GWh/d"
tariff = "1 EUR/MWh"

[[contract]]
id = "k"
seller = "RU"
buyer = "A"
volume = "10 GWh/d"
start = "2021-01"
take_or_pay = "{take_or_pay}"
price = "25 EUR/MWh"
route = "ru-a"

[[policy]]
id = "base"
"#
    )
}

/// Delivered costs: NO spot 15 + 1 = 16 EUR/MWh, RU spot 20 + 2 = 22, the
/// contract's take-or-pay tranche 2 (tariff only: its price is sunk), its
/// flexible tranche 25 + 2 = 27.
/// 100 % take-or-pay: the 10 GWh/d contract (310 GWh) is taken first, via
/// its route ru-a; NO supplies the other 90 GWh/d = 2790 GWh; RU spot 0.
/// The route is named: the schema's documented default ("the seller's
/// pipeline into the buyer if there is exactly one") is not applied by the
/// validator, and an unrouted pipe contract books no pipeline capacity.
/// 60 % take-or-pay: only the 6 GWh/d sunk tranche (186 GWh) is taken; the
/// flexible 4 GWh/d at 27 loses to NO at 16, which supplies 94 GWh/d.
#[test]
fn take_or_pay_tranche_beats_cheaper_spot() {
    for (top, taken) in [("100 %", 310.0), ("60 %", 186.0)] {
        let (prep, outs) = run(&contract_case(top));
        let o = &policy(&outs, "base")[0];
        let a = node(&prep, "A");
        assert_gwh!(o.contract_taken[0], taken, "contract taken at {top}");
        assert_gwh!(o.pipeline_flow[pipe(&prep, "ru-a")], taken, "ru-a at {top}");
        assert_gwh!(
            o.pipeline_flow[pipe(&prep, "no-a")],
            3100.0 - taken,
            "no-a at {top}"
        );
        assert_gwh!(unserved(o, a), 0.0, "unserved at {top}");
    }
}

fn outage_case(alt: &str) -> String {
    format!(
        r#"
[scenario]
name = "outage"
start = "2021-01"
end = "2021-03"
baseline = "base"

[[node]]
id = "A"
demand = {{ protected = "0 GWh/d", industry = "60 GWh/d", power = "0 GWh/d" }}

[[node]]
id = "B"
demand = {{ protected = "0 GWh/d", industry = "0 GWh/d", power = "0 GWh/d" }}

[[origin]]
id = "RU"
country = "RU"
kind = "pipe"
price = "20 EUR/MWh"
capacity = "200 GWh/d"

[[pipeline]]
id = "main"
from = "RU"
to = "A"
capacity = "100 GWh/d"
tariff = "1 EUR/MWh"

[[pipeline]]
id = "alt"
from = "RU"
to = "B"
capacity = "{alt}"
tariff = "3 EUR/MWh"

[[pipeline]]
id = "ba"
from = "B"
to = "A"
capacity = "100 GWh/d"
tariff = "1 EUR/MWh"

[[event]]
target = "main"
start = "2021-02"
end = "2021-03"
severity = "100 %"

[[policy]]
id = "base"
"#
    )
}

/// A needs 60 GWh/d. Direct route `main` costs 21 EUR/MWh, the detour
/// alt + ba costs 24, so January and March use `main` only (1860 GWh).
/// February (28 days) `main` is out; with alt at 100 GWh/d all 60 GWh/d
/// (1680 GWh) go round through B and nothing is cut. With alt at only
/// 40 GWh/d, 40·28 = 1120 GWh arrive and 20·28 = 560 GWh are unserved.
#[test]
fn scheduled_outage_reroutes() {
    let (prep, outs) = run(&outage_case("100 GWh/d"));
    let o = policy(&outs, "base");
    let (main, alt, ba) = (pipe(&prep, "main"), pipe(&prep, "alt"), pipe(&prep, "ba"));
    let a = node(&prep, "A");
    for m in [0, 2] {
        assert_gwh!(o[m].pipeline_flow[main], 1860.0, "main month {m}");
        assert_gwh!(o[m].pipeline_flow[alt], 0.0, "alt month {m}");
    }
    assert_gwh!(o[1].pipeline_flow[main], 0.0, "main in outage");
    assert_gwh!(o[1].pipeline_flow[alt], 1680.0, "alt in outage");
    assert_gwh!(o[1].pipeline_flow[ba], 1680.0, "ba in outage");
    for s in o {
        assert_gwh!(unserved(s, a), 0.0, "no shortage with room on alt");
    }
    let (prep, outs) = run(&outage_case("40 GWh/d"));
    let o = policy(&outs, "base");
    assert_gwh!(o[1].pipeline_flow[pipe(&prep, "ba")], 1120.0, "small alt");
    assert_gwh!(unserved(&o[1], node(&prep, "A")), 560.0, "small alt short");
}

fn priority_case(supply: &str) -> String {
    format!(
        r#"
[scenario]
name = "priority"
start = "2021-01"
end = "2021-01"
baseline = "coop"

[[node]]
id = "A"
demand = {{ protected = "30 GWh/d", industry = "30 GWh/d", power = "30 GWh/d", {FLAT} }}

[[origin]]
id = "RU"
country = "RU"
kind = "pipe"
price = "20 EUR/MWh"
capacity = "{supply}"

[[pipeline]]
id = "ru-a"
from = "RU"
to = "A"
capacity = "200 GWh/d"

[[policy]]
id = "coop"

[[policy]]
id = "national"
[[policy.measure]]
type = "solidarity"
mode = "national-first"
"#
    )
}

/// 90 GWh/d wanted (30 per sector). With 50 available, 40 are cut: power
/// (550–715 EUR/MWh over its tranches) entirely, then 10 of industry
/// (800–1040), protected (5000+) not at all: power 930, industry 310,
/// protected 0 GWh. With 20 available, 70 are cut: power 30, industry 30,
/// protected 10 → 930, 930, 310 GWh. Same in both modes.
#[test]
fn protected_demand_is_cut_last() {
    for (supply, want) in [
        ("50 GWh/d", [0.0, 310.0, 930.0]),
        ("20 GWh/d", [310.0, 930.0, 930.0]),
    ] {
        let (prep, outs) = run(&priority_case(supply));
        let a = node(&prep, "A");
        for id in ["coop", "national"] {
            let o = &policy(&outs, id)[0];
            for (s, w) in want.iter().enumerate() {
                assert_gwh!(o.curtailment[a][s], *w, "{id} supply {supply} sector {s}");
            }
        }
    }
}

/// RU (60 GWh/d at 15 EUR/MWh) and NO (100 at 20) feed A; A consumes 50
/// and passes 50 on to B. A takes all of RU's 60 (cheaper) and 40 of NO:
/// a 60/40 pool. A's consumption (1550 GWh) is 930 RU / 620 NO; B's
/// imports from A carry that mix, so B's consumption is 930 / 620 as well,
/// and the dependency part of the flow on a-b is 0.6 · 1550 = 930 GWh.
#[test]
fn traced_mix_of_two_origins_and_transit() {
    let text = r#"
[scenario]
name = "mix"
start = "2021-01"
end = "2021-01"
baseline = "base"

[[node]]
id = "A"
demand = { protected = "0 GWh/d", industry = "50 GWh/d", power = "0 GWh/d" }

[[node]]
id = "B"
demand = { protected = "0 GWh/d", industry = "50 GWh/d", power = "0 GWh/d" }

[[origin]]
id = "RU"
country = "RU"
kind = "pipe"
price = "15 EUR/MWh"
capacity = "60 GWh/d"

[[origin]]
id = "NO"
country = "NO"
kind = "pipe"
price = "20 EUR/MWh"
capacity = "100 GWh/d"

[[pipeline]]
id = "ru-a"
from = "RU"
to = "A"
capacity = "200 GWh/d"

[[pipeline]]
id = "no-a"
from = "NO"
to = "A"
capacity = "200 GWh/d"

[[pipeline]]
id = "a-b"
from = "A"
to = "B"
capacity = "200 GWh/d"

[[policy]]
id = "base"
"#;
    let (prep, outs) = run(text);
    let o = &policy(&outs, "base")[0];
    let nc = prep.nets[0].countries.len();
    let (ru, no) = (country(&prep, "RU"), country(&prep, "NO"));
    for n in [node(&prep, "A"), node(&prep, "B")] {
        assert_gwh!(o.consumption[n * nc + ru], 930.0, "RU in node {n}");
        assert_gwh!(o.consumption[n * nc + no], 620.0, "NO in node {n}");
    }
    assert_gwh!(o.pipeline_flow[pipe(&prep, "a-b")], 1550.0, "transit");
    assert_gwh!(
        o.pipeline_dependency[pipe(&prep, "a-b")],
        930.0,
        "RU part of transit"
    );
}

/// LNG landed at a node and its Russian part. A (100 GWh/d industry)
/// regasifies up to 80 GWh/d from the LNG pool, fed by RU-LNG (30 GWh/d at
/// 20 EUR/MWh) and US-LNG (100 GWh/d at 25); NO's pipeline gas costs 30.
/// The terminal is filled with the cheaper LNG: 30 RU + 50 US, NO the last
/// 20. Over January's 31 days: 2,480 GWh of LNG, 37.5 % of it Russian, so
/// 930 GWh of A's direct Russian imports, and 620 GWh of NO.
#[test]
fn lng_send_out_and_its_russian_share() {
    let text = r#"
[scenario]
name = "lng"
start = "2021-01"
end = "2021-01"
baseline = "base"

[[node]]
id = "A"
demand = { protected = "0 GWh/d", industry = "100 GWh/d", power = "0 GWh/d" }
lng_regas = "80 GWh/d"

[[origin]]
id = "RU-LNG"
country = "RU"
kind = "lng"
price = "20 EUR/MWh"
capacity = "30 GWh/d"

[[origin]]
id = "US-LNG"
country = "US"
kind = "lng"
price = "25 EUR/MWh"
capacity = "100 GWh/d"

[[origin]]
id = "NO"
country = "NO"
kind = "pipe"
price = "30 EUR/MWh"
capacity = "100 GWh/d"

[[pipeline]]
id = "no-a"
from = "NO"
to = "A"
capacity = "200 GWh/d"

[[policy]]
id = "base"
"#;
    let (prep, outs) = run(text);
    let o = &policy(&outs, "base")[0];
    let a = node(&prep, "A");
    assert_gwh!(o.lng[a], 2480.0, "LNG regasified at A");
    assert!(
        (o.lng_dependency_share - 0.375).abs() < 1e-6,
        "{}",
        o.lng_dependency_share
    );
    assert_gwh!(o.direct_dependency[a], 930.0, "Russian LNG at A");
    assert_gwh!(o.pipeline_flow[pipe(&prep, "no-a")], 620.0, "NO pipeline");
    assert_gwh!(o.imports[a], 3100.0, "all of A's gas is imported");
}

/// Storage keeps the mix of what went in. April–November 2021; A (20 GWh/d
/// industry) has empty storage of 600 GWh (injection 10, withdrawal 20
/// GWh/d). Until September only RU can deliver, at 15 EUR/MWh; from
/// October RU is cut (a scheduled event announced in April, so storage
/// sees it coming) and NO's pipeline comes online at 20. Gas bought at 15 (+ 0.5 to inject) is worth ≈ 20 in October, and
/// gas kept costs carrying (5 %/y), so storage fills just in time: the
/// 600 GWh need two months of injection (310 in August, 300 in September),
/// and a band of gas (30 GWh, 5 %) is only bought when it could not be
/// bought later: August injects 300 (the bands September could not fill
/// any more), September the other 300. Storage is then full of Russian gas.
/// October withdraws all 600 (the rate, 20 GWh/d at full storage, allows
/// 620) and NO supplies the other 20, so A's consumption is 600 RU / 20
/// NO; November is all NO (600).
#[test]
fn storage_withdrawal_carries_injected_mix() {
    let text = r#"
[scenario]
name = "stored-mix"
start = "2021-04"
end = "2021-11"
baseline = "base"

[[node]]
id = "A"
demand = { protected = "0 GWh/d", industry = "20 GWh/d", power = "0 GWh/d" }
storage = { volume = "600 GWh", injection = "10 GWh/d", withdrawal = "20 GWh/d", initial_fill = "0 %" }

[[origin]]
id = "RU"
country = "RU"
kind = "pipe"
price = "15 EUR/MWh"
capacity = "100 GWh/d"

[[origin]]
id = "NO"
country = "NO"
kind = "pipe"
price = "20 EUR/MWh"
capacity = "100 GWh/d"

[[pipeline]]
id = "ru-a"
from = "RU"
to = "A"
capacity = "100 GWh/d"

[[pipeline]]
id = "no-a"
from = "NO"
to = "A"
capacity = "100 GWh/d"
online = "2021-10"

[[event]]
target = "RU"
start = "2021-10"
announced = "2021-04"
severity = "100 %"

[[policy]]
id = "base"
"#;
    let (prep, outs) = run(text);
    let o = policy(&outs, "base");
    assert_eq!(o.len(), 8);
    let a = node(&prep, "A");
    let nc = prep.nets[0].countries.len();
    let (ru, no) = (country(&prep, "RU"), country(&prep, "NO"));
    assert_gwh!(o[3].level[a], 0.0, "July");
    assert_gwh!(o[4].level[a], 300.0, "August");
    assert_gwh!(o[5].level[a], 600.0, "September");
    assert_gwh!(o[6].withdrawal[a], 600.0, "October withdrawal");
    assert_gwh!(o[6].consumption[a * nc + ru], 600.0, "October RU");
    assert_gwh!(o[6].consumption[a * nc + no], 20.0, "October NO");
    assert_gwh!(o[7].consumption[a * nc + ru], 0.0, "November RU");
    assert_gwh!(o[7].consumption[a * nc + no], 600.0, "November NO");
}

/// A storage event holds half of A's storage out of the market with the
/// gas in it. January–April 2021; A (15 GWh/d industry) has a full storage
/// of 600 GWh (withdrawal 20 GWh/d); RU, its only supply, is cut in
/// February and March (known from January, so January keeps the gas). In
/// February half the storage is held: the market has 300 GWh in a volume
/// of 300 and half the withdrawal rate, 10 GWh/d × 28 = 280 of the 420
/// wanted (140 curtailed), and the reported level counts the held 300
/// (20 + 300 = 320 of 600). In March the held gas is back: 320 GWh at a
/// fill of 53 %, above the 40 % knee, so the full rate (620) can take all
/// of it; 145 of the 465 wanted go unserved. Without the event February
/// withdraws all 420.
#[test]
fn a_storage_event_holds_its_share_and_its_gas() {
    let text = |event: &str| {
        format!(
            r#"
[scenario]
name = "held-storage"
start = "2021-01"
end = "2021-04"
baseline = "base"

[[node]]
id = "A"
demand = {{ protected = "0 GWh/d", industry = "15 GWh/d", power = "0 GWh/d", {FLAT} }}
storage = {{ volume = "600 GWh", injection = "10 GWh/d", withdrawal = "20 GWh/d", initial_fill = "100 %" }}

[[origin]]
id = "RU"
country = "RU"
kind = "pipe"
price = "15 EUR/MWh"
capacity = "100 GWh/d"

[[pipeline]]
id = "ru-a"
from = "RU"
to = "A"
capacity = "100 GWh/d"

[[event]]
target = "RU"
start = "2021-02"
end = "2021-04"
announced = "2021-01"
severity = "100 %"
{event}
[[policy]]
id = "base"
"#
        )
    };
    let held = "[[event]]\ntarget = \"storage:A\"\nstart = \"2021-02\"\nend = \"2021-03\"\n\
                announced = \"2021-01\"\nseverity = \"50 %\"\n";
    let (prep, outs) = run(&text(held));
    let o = policy(&outs, "base");
    let a = node(&prep, "A");
    assert_gwh!(o[0].level[a], 600.0, "January keeps the gas");
    assert_gwh!(o[1].withdrawal[a], 280.0, "February: half the rate");
    assert_gwh!(unserved(&o[1], a), 140.0, "February curtailment");
    assert_gwh!(o[1].level[a], 320.0, "February's level counts the held gas");
    assert_gwh!(o[1].volume[a], 600.0, "and the held volume");
    assert_gwh!(o[2].withdrawal[a], 320.0, "March: the held gas is back");
    assert_gwh!(unserved(&o[2], a), 145.0, "March curtailment");
    assert_gwh!(o[2].level[a], 0.0, "March empties the storage");
    let (_, free) = run(&text(""));
    let f = policy(&free, "base");
    assert_gwh!(
        f[1].withdrawal[a],
        420.0,
        "no event: February withdraws all"
    );
    assert_gwh!(
        unserved(&f[1], a),
        0.0,
        "no event: nothing curtailed in February"
    );
}

/// Two region-wide caps on RU are active in January 2021: the one written
/// first started later (2021-01, 10 %) and overrides the one written second
/// (2020-01, 50 %), as every measure does by start date. A wants 90 GWh/d,
/// 2790 GWh in the month; RU (cheaper) may bring 10 % of it, 279 GWh, and
/// NO the other 2511.
#[test]
fn later_import_cap_overrides_an_earlier_one() {
    let text = format!(
        r#"
[scenario]
name = "caps"
start = "2021-01"
end = "2021-01"
baseline = "caps"

[[node]]
id = "A"
demand = {{ protected = "30 GWh/d", industry = "30 GWh/d", power = "30 GWh/d", {FLAT} }}

[[origin]]
id = "RU"
country = "RU"
kind = "pipe"
price = "20 EUR/MWh"
capacity = "200 GWh/d"

[[origin]]
id = "NO"
country = "NO"
kind = "pipe"
price = "30 EUR/MWh"
capacity = "200 GWh/d"

[[pipeline]]
id = "ru-a"
from = "RU"
to = "A"
capacity = "200 GWh/d"

[[pipeline]]
id = "no-a"
from = "NO"
to = "A"
capacity = "200 GWh/d"

[[policy]]
id = "caps"
[[policy.measure]]
type = "import_cap"
country = "RU"
max_share = "10 %"
start = "2021-01"
[[policy.measure]]
type = "import_cap"
country = "RU"
max_share = "50 %"
start = "2020-01"
"#
    );
    let (prep, outs) = run(&text);
    let o = &policy(&outs, "caps")[0];
    assert_gwh!(
        o.pipeline_flow[pipe(&prep, "ru-a")],
        279.0,
        "RU under the later cap"
    );
    assert_gwh!(
        o.pipeline_flow[pipe(&prep, "no-a")],
        2511.0,
        "NO makes up the rest"
    );
    assert_gwh!(unserved(o, node(&prep, "A")), 0.0, "nobody cut");
}

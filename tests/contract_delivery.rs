//! Contracts delivered where they are delivered (docs/model.md,
//! "Contracts"): a contract's gas enters the network at its delivery point
//! and travels on to the buyer within the interconnectors' capacities, and
//! is traced like any other gas. Hand-solved, deterministic, one monthly
//! step of January 2021 (31 days), flat firm demand.

mod cases;

use cases::{TOL, node, pipe, prepare, steps, unserved};
use gasdep::sim::engine::StepOut;
use gasdep::sim::run::Prepared;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= TOL
}

/// RU → A (`ru-a`, 100 GWh/d), A → B (`a-b`, `link` GWh/d), B demands
/// 20 GWh/d of industry, A nothing. The contract sells B 10 GWh/d, all of
/// it take-or-pay, delivered at A (`route = "ru-a"`, or `delivery = "A"`
/// as written in `where_`). NO → B (`no-b`, `no` GWh/d) lands at 16
/// EUR/MWh: cheaper than RU spot in B (20 + 1 + 1) but dearer than the
/// contract's sunk take-or-pay tranche (2 EUR/MWh of tariffs).
fn case(link: &str, no: &str, where_: &str) -> String {
    format!(
        r#"
[scenario]
name = "delivery"
start = "2021-01"
end = "2021-01"
baseline = "base"

[[node]]
id = "A"
demand = {{ protected = "0 GWh/d", industry = "0 GWh/d", power = "0 GWh/d" }}

[[node]]
id = "B"
demand = {{ protected = "0 GWh/d", industry = "20 GWh/d", power = "0 GWh/d" }}

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
capacity = "100 GWh/d"

[[pipeline]]
id = "ru-a"
from = "RU"
to = "A"
capacity = "100 GWh/d"
tariff = "1 EUR/MWh"

[[pipeline]]
id = "a-b"
from = "A"
to = "B"
capacity = "{link}"
tariff = "1 EUR/MWh"

[[pipeline]]
id = "no-b"
from = "NO"
to = "B"
capacity = "{no}"
tariff = "1 EUR/MWh"

[[contract]]
id = "k"
seller = "RU"
buyer = "B"
volume = "10 GWh/d"
start = "2021-01"
take_or_pay = "100 %"
price = "25 EUR/MWh"
{where_}

[[policy]]
id = "base"
"#
    )
}

fn run(text: &str) -> (Prepared, StepOut) {
    let prep = prepare(text);
    let first = steps(&prep, 0).into_iter().next().expect("one step");
    (prep, first)
}

/// Behind a full interconnector: a-b carries 4 GWh/d, so of the contract's
/// 10 GWh/d only 4 reach B (124 GWh in January) and A, which burns
/// nothing, cannot take the rest; B's other 16 GWh/d are curtailed (no NO
/// capacity). Delivered straight to the buyer, as the model did before, the
/// contract would have been taken in full (310 GWh).
#[test]
fn contract_behind_a_full_interconnector_is_not_delivered_in_full() {
    for where_ in ["route = \"ru-a\"", "delivery = \"A\""] {
        let (prep, o) = run(&case("4 GWh/d", "0 GWh/d", where_));
        let b = node(&prep, "B");
        assert!(
            close(o.contract_taken[0], 4.0 * 31.0),
            "{where_}: contract taken {} GWh, want 124",
            o.contract_taken[0]
        );
        assert!(
            close(o.pipeline_flow[pipe(&prep, "a-b")], 124.0),
            "{where_}: a-b full"
        );
        assert!(
            close(unserved(&o, b), 16.0 * 31.0),
            "{where_}: B unserved {} GWh, want 496",
            unserved(&o, b)
        );
    }
}

/// With room on the interconnector the contract is delivered in full:
/// 310 GWh through ru-a and a-b, and NO (16 EUR/MWh, cheaper than RU
/// spot at 22) supplies the other 10 GWh/d of B. B's consumption is traced half to RU, half to NO: the
/// contract's gas crossed A and is traced like any other gas.
#[test]
fn contract_with_room_crosses_the_network_and_is_traced() {
    let (prep, o) = run(&case("50 GWh/d", "50 GWh/d", "route = \"ru-a\""));
    let b = node(&prep, "B");
    assert!(close(o.contract_taken[0], 310.0), "{}", o.contract_taken[0]);
    assert!(close(o.pipeline_flow[pipe(&prep, "ru-a")], 310.0));
    assert!(close(o.pipeline_flow[pipe(&prep, "a-b")], 310.0));
    assert!(close(o.pipeline_flow[pipe(&prep, "no-b")], 310.0));
    assert!(close(unserved(&o, b), 0.0));
    let countries = &prep.nets[0].countries;
    let nc = countries.len();
    let c = |id: &str| countries.iter().position(|x| x == id).unwrap();
    let ru = o.consumption[b * nc + c("RU")];
    let no = o.consumption[b * nc + c("NO")];
    assert!(close(ru, 310.0), "B's Russian gas {ru} GWh");
    assert!(close(no, 310.0), "B's Norwegian gas {no} GWh");
}

/// The route books its pipelines: with ru-a at 6 GWh/d the contract can
/// deliver only 6 GWh/d at A, although a-b has room; NO covers the rest.
#[test]
fn contract_is_limited_by_its_route() {
    let text = case("50 GWh/d", "50 GWh/d", "route = \"ru-a\"").replace(
        "capacity = \"100 GWh/d\"\ntariff = \"1 EUR/MWh\"",
        "capacity = \"6 GWh/d\"\ntariff = \"1 EUR/MWh\"",
    );
    let (prep, o) = run(&text);
    assert!(
        close(o.contract_taken[0], 6.0 * 31.0),
        "{}",
        o.contract_taken[0]
    );
    assert!(close(o.pipeline_flow[pipe(&prep, "no-b")], 14.0 * 31.0));
}

//! Hand-solved market cases: node prices, demand response, storage valued
//! over time and the competing LNG market, on tiny inline scenarios run
//! without uncertainty (`deterministic`). The numbers in each comment are
//! worked out by hand from the scenario and the rules of docs/model.md:
//! a node's price is the marginal cost of one more MWh there; demand
//! curves from an elasticity have six bands between the reference price
//! and the cap; storage injects when the water value at the end of the
//! step beats the price plus 0.5 EUR/MWh, and withdraws when the price
//! beats the water value plus 0.5. January 2021 has 31 days.

mod cases;

use cases::{TOL, all_steps, node, prepare};
use gasdep::sim::engine::StepOut;
use gasdep::sim::run::Prepared;

fn run(text: &str) -> (Prepared, Vec<Vec<StepOut>>) {
    let prep = prepare(text);
    let outs = all_steps(&prep);
    (prep, outs)
}

fn close(what: &str, got: f64, want: f64, tol: f64) {
    assert!((got - want).abs() <= tol, "{what}: got {got}, want {want}");
}

/// A is fed by RU (20 EUR/MWh + 2 tariff) with room to spare, and passes gas
/// on to B (tariff 1) through a link of `link` GWh/d; B can also land LNG
/// (35 EUR/MWh + 0.5 send-out). Demand is firm (no `[market]`).
fn two_nodes(link: &str) -> String {
    format!(
        r#"
[scenario]
name = "prices"
start = "2021-01"
end = "2021-01"
baseline = "base"

[[node]]
id = "A"
demand = {{ protected = "0 GWh/d", industry = "50 GWh/d", power = "0 GWh/d" }}

[[node]]
id = "B"
demand = {{ protected = "0 GWh/d", industry = "50 GWh/d", power = "0 GWh/d" }}
lng_regas = "100 GWh/d"

[[origin]]
id = "RU"
country = "RU"
kind = "pipe"
price = "20 EUR/MWh"
capacity = "500 GWh/d"

[[origin]]
id = "US"
country = "US"
kind = "lng"
price = "35 EUR/MWh"
capacity = "500 GWh/d"

[[pipeline]]
id = "ru-a"
from = "RU"
to = "A"
capacity = "500 GWh/d"
tariff = "2 EUR/MWh"

[[pipeline]]
id = "a-b"
from = "A"
to = "B"
capacity = "{link}"
tariff = "1 EUR/MWh"

[[policy]]
id = "base"
"#
    )
}

/// Uncongested: A's price is the marginal supplier's, RU at 20 + 2 = 22;
/// B's is the same gas one tariff on, 23 (below LNG at 35.5, so B lands no
/// LNG).
#[test]
fn price_is_marginal_supplier_plus_tariff() {
    let (prep, outs) = run(&two_nodes("100 GWh/d"));
    let o = &outs[0][0];
    let (a, b) = (node(&prep, "A"), node(&prep, "B"));
    close("price A", o.price[a], 22.0, 1e-9);
    close("price B", o.price[b], 23.0, 1e-9);
    close("LNG into B", o.lng[b], 0.0, TOL);
}

/// Congested: the link carries 30 of B's 50 GWh/d; the other 20 come as
/// LNG, so B's price is LNG's 35 + 0.5 = 35.5 while A stays at 22. The
/// price difference is the congestion rent of the full link.
#[test]
fn congested_link_splits_prices() {
    let (prep, outs) = run(&two_nodes("30 GWh/d"));
    let o = &outs[0][0];
    let (a, b) = (node(&prep, "A"), node(&prep, "B"));
    close("price A", o.price[a], 22.0, 1e-9);
    close("price B", o.price[b], 35.5, 1e-9);
    close("LNG into B", o.lng[b], 20.0 * 31.0, TOL);
    close("B's imports", o.imports[b], 50.0 * 31.0, TOL);
}

/// Demand with an elasticity of -0.2 from a reference price of 20 EUR/MWh,
/// supplied without limit at 30 (RU 30 + no tariff). The curve has eight
/// bands with geometric bounds from 20 to the cap of 500: the first runs
/// from 20 to 20 · 25^(1/8) = 29.91 and is valued at its geometric mean,
/// √(20 · 29.91) = 24.46 < 30: not bought. Its size is 1 − (29.91/20)^-0.2
/// = 7.73 % of demand, so 7.73 % of the 100 GWh/d of industry demand
/// (239.7 GWh of 3,100) is demand response. The second band (29.91 to
/// 44.72) is valued at 36.6 > 30 and bought; the price is RU's 30.
#[test]
fn demand_tranche_above_the_price_is_dropped() {
    let text = r#"
[scenario]
name = "elastic"
start = "2021-01"
end = "2021-01"
baseline = "base"

[market]
reference_price = "20 EUR/MWh"
price_cap = "500 EUR/MWh"
elasticity = { protected = 0.0, industry = -0.2, power = 0.0 }

[[node]]
id = "A"
demand = { protected = "0 GWh/d", industry = "100 GWh/d", power = "0 GWh/d" }

[[origin]]
id = "RU"
country = "RU"
kind = "pipe"
price = "30 EUR/MWh"
capacity = "500 GWh/d"

[[pipeline]]
id = "ru-a"
from = "RU"
to = "A"
capacity = "500 GWh/d"

[[policy]]
id = "base"
"#;
    let (prep, outs) = run(text);
    let o = &outs[0][0];
    let a = node(&prep, "A");
    assert_eq!(gasdep::scenario::curve::ELASTIC_BANDS, 8);
    let b1 = 20.0 * 25f64.powf(1.0 / 8.0);
    let share = 1.0 - (b1 / 20.0).powf(-0.2);
    close("band share", share, 0.0773, 5e-5);
    close("price", o.price[a], 30.0, 1e-9);
    close("demand response", o.response[a][1], share * 3100.0, TOL);
    close("curtailment", o.curtailment[a][1], 0.0, TOL);
    close("consumption", o.served(a), (1.0 - share) * 3100.0, TOL);
}

/// One node A with `demand` (an inline table, no weather), 2021 in monthly
/// steps. RU supplies up to 100 GWh/d at 20 EUR/MWh, NO without limit at
/// `no_price`. Storage: 10,000 GWh, empty on 1 January, injection 20 GWh/d
/// (it never gets near the 80 % where injection falls), withdrawal 60 GWh/d
/// with no knee. `tail` follows the baseline policy's id.
fn one_node(demand: &str, no_price: &str, tail: &str) -> String {
    format!(
        r#"
[scenario]
name = "one-node"
start = "2021-01"
end = "2021-12"
baseline = "base"

[[node]]
id = "A"
demand = {demand}
storage = {{ volume = "10000 GWh", injection = "20 GWh/d", withdrawal = "60 GWh/d", initial_fill = "0 %", withdrawal_knee = "0 %" }}

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
price = "{no_price}"
capacity = "1000 GWh/d"

[[pipeline]]
id = "ru-a"
from = "RU"
to = "A"
capacity = "1000 GWh/d"

[[pipeline]]
id = "no-a"
from = "NO"
to = "A"
capacity = "1000 GWh/d"

[[policy]]
id = "base"
{tail}
"#
    )
}

/// Heating demand 160 GWh/d from October to March and 40 from April to
/// September (protected 100 GWh/d with a 1.6/0.4 profile).
fn seasonal(no_price: &str, policy: &str) -> String {
    one_node(
        r#"{ protected = "100 GWh/d", industry = "0 GWh/d", power = "0 GWh/d", weather_sensitivity = "0 %", profile = [1.6, 1.6, 1.6, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 1.6, 1.6, 1.6] }"#,
        no_price,
        policy,
    )
}

/// With a spread (NO at 40 in winter, when RU's 100 GWh/d do not cover 160):
/// winter gas is worth ≈ 40, summer gas costs 20 + 0.5, so storage injects
/// at its full rate from April to September (20 GWh/d: 600, 620, 600, 620,
/// 620, 600 → 3,660 GWh by 1 October) and withdraws at its full rate in
/// October (60 · 31 = 1,860) and November (the remaining 1,800) instead of
/// buying NO gas. The summer price is RU's 20, the winter price NO's 40.
/// Without a spread (NO at 20 too) storage never injects: gas later is
/// worth no more than gas now.
#[test]
fn storage_injects_on_a_summer_winter_spread_and_not_without_one() {
    let (prep, outs) = run(&seasonal("40 EUR/MWh", ""));
    let a = node(&prep, "A");
    let o = &outs[0];
    let want = [
        0.0, 0.0, 0.0, 600.0, 1220.0, 1820.0, 2440.0, 3060.0, 3660.0, 1800.0, 0.0, 0.0,
    ];
    for (m, w) in want.iter().enumerate() {
        close(
            &format!("level end of month {}", m + 1),
            o[m].level[a],
            *w,
            TOL,
        );
    }
    close("summer price", o[5].price[a], 20.0, 1e-9);
    close("winter price", o[0].price[a], 40.0, 1e-9);
    let (_, flat) = run(&seasonal("20 EUR/MWh", ""));
    for (m, s) in flat[0].iter().enumerate() {
        close(
            &format!("no spread, month {}", m + 1),
            s.injection[a],
            0.0,
            TOL,
        );
    }
}

/// No spread, but a target of 30 % (3,000 GWh) on 1 November at 150
/// EUR/MWh per MWh missing: storage fills late, just in time. The latest
/// schedule injects 100 GWh in June and the full 20 GWh/d from July to
/// October (620 + 620 + 600 + 620). The valuation works on bands of 5 %
/// of the volume (500 GWh): a band's water value is the average marginal
/// value over the band, so when the MWh still needed for the target end
/// inside a band, the whole band carries part of the penalty. Worked
/// backwards from the end of October that makes the lowest empty band worth
/// more than its price in each month from May, and no other band: storage
/// takes one band a month, 500, 1,000, …, 3,000 GWh at the ends of May to
/// October, and nothing before. (With 10 % bands the same smearing starts
/// the fill in January: the grid's resolution is a modelling choice, see
/// docs/model.md.)
#[test]
fn a_fill_target_is_met_as_late_as_the_rate_allows() {
    let policy = r#"
[[policy.measure]]
type = "storage_target"
targets = [{ date = "11-01", fill = "30 %" }]
penalty = "150 EUR/MWh"
"#;
    let (prep, outs) = run(&seasonal("20 EUR/MWh", policy));
    let a = node(&prep, "A");
    let o = &outs[0];
    let want = [
        0.0, 0.0, 0.0, 0.0, 500.0, 1000.0, 1500.0, 2000.0, 2500.0, 3000.0,
    ];
    for (m, w) in want.iter().enumerate() {
        close(
            &format!("level end of month {}", m + 1),
            o[m].level[a],
            *w,
            TOL,
        );
    }
    close("target on 1 November", o[9].target[a], 0.3, 1e-12);
    close("price all year", o[6].price[a], 20.0, 1e-9);
}

/// One LNG exporter (100 GWh/d liquefaction at 10 EUR/MWh to either
/// market); the competing market wants 80 GWh/d whatever the price up to
/// the cap (elasticity 0: all of it is firm, valued at the cap). Node A
/// wants 100 GWh/d (firm) and has RU pipeline gas at 25 EUR/MWh, `ru` GWh/d
/// of it, and 100 GWh/d of regasification.
/// Loose (RU 200): A buys RU at 25; LNG at 10 + 0.5 is cheaper, but the
/// competing market's firm 80 outbids A's 25 for 80 of the 100, so A lands
/// only the other 20 (620 GWh) and the rest (80) comes from RU.
/// Tight (RU 50): A needs 50 more; its firm demand is worth more than the
/// competing market's (curtailing it costs 1.1 × the cap and up, above the
/// cap), so A outbids it for 50 (1,550 GWh) and the competing market gets
/// 50 of its 80. A's price is the competing market's bid, the cap (500).
#[test]
fn region_outbids_the_competing_market_when_tight_and_loses_cargoes_when_loose() {
    let case = |ru: &str| {
        format!(
            r#"
[scenario]
name = "lng-market"
start = "2021-01"
end = "2021-01"
baseline = "base"

[market]
reference_price = "25 EUR/MWh"
elasticity = {{ protected = 0.0, industry = 0.0, power = 0.0 }}

[lng_market]
demand = "80 GWh/d"
reference_price = "30 EUR/MWh"
elasticity = 0.0

[[node]]
id = "A"
demand = {{ protected = "0 GWh/d", industry = "100 GWh/d", power = "0 GWh/d" }}
lng_regas = "100 GWh/d"

[[origin]]
id = "RU"
country = "RU"
kind = "pipe"
price = "25 EUR/MWh"
capacity = "{ru}"

[[origin]]
id = "LNG"
country = "QA"
kind = "lng"
price = "10 EUR/MWh"
capacity = "100 GWh/d"

[[pipeline]]
id = "ru-a"
from = "RU"
to = "A"
capacity = "500 GWh/d"

[[policy]]
id = "base"
"#
        )
    };
    let (prep, loose) = run(&case("200 GWh/d"));
    let a = node(&prep, "A");
    let l = &loose[0][0];
    close("loose: LNG to A", l.lng[a], 20.0 * 31.0, TOL);
    close(
        "loose: LNG to the competing market",
        l.competing_lng,
        80.0 * 31.0,
        TOL,
    );
    close("loose: price at A", l.price[a], 25.0, 1e-9);
    assert_eq!(l.curtailment[a], [0.0; 3]);
    let (_, tight) = run(&case("50 GWh/d"));
    let t = &tight[0][0];
    close("tight: LNG to A", t.lng[a], 50.0 * 31.0, TOL);
    close(
        "tight: LNG to the competing market",
        t.competing_lng,
        50.0 * 31.0,
        TOL,
    );
    close("tight: price at A (capped)", t.price[a], 500.0, 1e-9);
    close("tight: curtailment at A", t.curtailment[a][1], 0.0, TOL);
}

/// 10 GWh/d of protected and 80 of industry demand all year (flat profile)
/// with NO at 40 EUR/MWh, and `shift` as a `[[demand_shift]]` body.
/// Without one, 90 < 100: the price is RU's 20 all year and storage has no
/// reason to inject.
fn shifted(shift: &str) -> String {
    one_node(
        r#"{ protected = "10 GWh/d", industry = "80 GWh/d", power = "0 GWh/d", weather_sensitivity = "0 %", profile = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1] }"#,
        "40 EUR/MWh",
        &format!("\n[[demand_shift]]\n{shift}"),
    )
}

/// Industry demand at 150 % from 16 December: December's industry demand
/// is 80 · 15 + 120 · 16 = 3,120 GWh (the shift covers 16 of its 31
/// days), protected stays 310, November is untouched (2,400). Announced
/// only when it starts, the storage valuation does not see it coming:
/// storage stays empty through November and the extra 20 GWh/d of the
/// second half of December (above RU's 100) come from NO, whose 40 EUR/MWh
/// sets December's price. Known from January, the valuation sees winter
/// gas worth NO's 40 against RU's 20 now and stores ahead of it: storage
/// holds gas at the end of November and December buys less from NO.
#[test]
fn a_demand_shift_scales_demand_on_its_days_and_is_foreseen_once_announced() {
    let body = |announced: &str| {
        format!(
            "id = \"industry-up\"\nsectors = [\"industry\"]\nstart = \"2021-12-16\"\nscale = \"150 %\"\n{announced}"
        )
    };
    let (prep, outs) = run(&shifted(&body("")));
    let a = node(&prep, "A");
    let o = &outs[0];
    close("December industry demand", o[11].demand[a][1], 3120.0, TOL);
    close("December protected demand", o[11].demand[a][0], 310.0, TOL);
    close("November industry demand", o[10].demand[a][1], 2400.0, TOL);
    for (m, s) in o.iter().take(11).enumerate() {
        close(
            &format!("level, end of month {}", m + 1),
            s.level[a],
            0.0,
            TOL,
        );
    }
    close("December price", o[11].price[a], 40.0, 1e-9);
    let no = |outs: &[StepOut]| outs[11].imports[a] - 100.0 * 31.0;
    close("NO gas in December", no(o), 3430.0 - 3100.0, TOL);

    let (_, foreseen) = run(&shifted(&body("announced = \"2021-01\"")));
    let f = &foreseen[0];
    close(
        "December industry demand, foreseen",
        f[11].demand[a][1],
        3120.0,
        TOL,
    );
    assert!(
        f[10].level[a] > 100.0,
        "a foreseen shift is stored for: level at the end of November {}",
        f[10].level[a]
    );
    assert!(
        no(f) < no(o) - 100.0,
        "stored gas replaces NO's in December: {} against {}",
        no(f),
        no(o)
    );
}

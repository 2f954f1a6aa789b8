//! Quantities: units, dimensions, non-finite and absurd values, trends.

use super::*;

const RATE_HELP: &str = "capacity is a rate: an amount per time: bcm/y, mcm/d, GWh/d, TWh/y, TWh/month (e.g. \"55 bcm/y\")";

#[test]
fn quantity_without_unit() {
    let p = one(
        &replace(37, "capacity = \"30\""),
        37,
        12,
        "capacity \"30\" has no unit",
    );
    assert_eq!(p.help.as_deref(), Some(RATE_HELP));
}

#[test]
fn quantity_with_unknown_unit() {
    one(
        &replace(37, "capacity = \"30 furlongs/y\""),
        37,
        12,
        "capacity \"30 furlongs/y\" has an unknown unit 'furlongs/y'",
    );
}

#[test]
fn volume_where_a_rate_is_needed() {
    let p = one(
        &replace(37, "capacity = \"30 bcm\""),
        37,
        12,
        "capacity \"30 bcm\" is an energy or volume (unit 'bcm'), but capacity must be a rate",
    );
    assert_eq!(p.help.as_deref(), Some(RATE_HELP));
}

#[test]
fn rate_where_a_price_is_needed() {
    // `price = ` is 8 characters.
    one(
        &replace(19, "price = \"20 bcm/y\""),
        19,
        9,
        "price \"20 bcm/y\" is a rate (unit 'bcm/y'), but price must be a price",
    );
}

#[test]
fn nan_and_infinite_quantities() {
    for text in ["NaN bcm/y", "inf bcm/y", "-inf bcm/y", "1e999 bcm/y"] {
        one(
            &replace(37, &format!("capacity = \"{text}\"")),
            37,
            12,
            &format!("capacity \"{text}\" is not a finite number"),
        );
    }
}

#[test]
fn garbage_quantity() {
    one(
        &replace(37, "capacity = \"lots\""),
        37,
        12,
        "capacity \"lots\" does not start with a number",
    );
}

#[test]
fn negative_quantity() {
    let p = one(
        &replace(37, "capacity = \"-5 bcm/y\""),
        37,
        12,
        "capacity is negative (-5 bcm/y)",
    );
    assert_eq!(p.help.as_deref(), Some("use a value ≥ 0"));
}

#[test]
fn share_above_100_percent() {
    // `owners = [{ company = "X", stake = ` is 35 characters.
    one(
        &append("owners = [{ company = \"X\", stake = \"150 %\" }]\n"),
        38,
        36,
        "stake is above 100 % (150 %)",
    );
}

#[test]
fn huge_but_finite_rate_is_refused() {
    // 1e300 bcm/y is a finite f64 but would overflow the engine's integer
    // MWh; the limit is 100 000 TWh/y (units::MAX_RATE_GWH_PER_DAY).
    let p = one(
        &replace(37, "capacity = \"1e300 bcm/y\""),
        37,
        12,
        "capacity \"1e300 bcm/y\" is beyond the limit of 100000 TWh/y (≈ 9200 bcm/y)",
    );
    assert!(p.help.unwrap().contains("at most"));
    // Just under the limit loads; just over does not (1e5 TWh/y = 1e8 GWh/y).
    load(&replace(37, "capacity = \"99999 TWh/y\"")).unwrap();
    assert_eq!(
        problems(&replace(37, "capacity = \"100001 TWh/y\"")).len(),
        1
    );
    // A negative quantity beyond the limit is refused too (an `add` of -1e300).
    let p = problems(&measure(
        "type = \"capacity\"\ntarget = \"p1\"\naction = \"add\"\nvalue = \"-1e300 bcm/y\"",
    ));
    assert_eq!((p.len(), p[0].line), (1, 36), "{p:?}");
    assert!(p[0].message.contains("beyond the limit"), "{p:?}");
}

#[test]
fn huge_price_and_volume_are_refused() {
    one(
        &replace(19, "price = \"1e9 EUR/MWh\""),
        19,
        9,
        "price \"1e9 EUR/MWh\" is beyond the limit of 100000 EUR/MWh",
    );
    // storage = { volume = … }: "storage = { volume = " is 21 characters.
    let text = insert_after(
        9,
        "storage = { volume = \"1e12 TWh\", injection = \"1 TWh/d\", withdrawal = \"1 TWh/d\", initial_fill = \"50 %\" }",
    );
    one(
        &text,
        10,
        22,
        "storage.volume \"1e12 TWh\" is beyond the limit of 100000 TWh (≈ 9200 bcm)",
    );
}

#[test]
fn demand_trend_that_compounds_past_the_limit() {
    // 9000 TWh/y of demand growing 100 %/y for 10 years is 9.2 million TWh/y.
    let text = replace(
        9,
        "demand = { protected = \"9000 TWh/y\", industry = \"0 TWh/y\", power = \"0 TWh/y\", trend = \"100 %/y\" }",
    )
    .replace("end = \"2020-12\"", "end = \"2029-12\"");
    // "demand = { protected = \"9000 TWh/y\", industry = \"0 TWh/y\", power = \"0 TWh/y\", trend = " is 86 characters.
    one(
        &text,
        9,
        87,
        "demand growing by 100 %/y would exceed 100000 TWh/y (≈ 9200 bcm/y) before the end of the scenario",
    );
    // The same trend over one year stays far below: loads.
    load(&replace(
        9,
        "demand = { protected = \"9000 TWh/y\", industry = \"0 TWh/y\", power = \"0 TWh/y\", trend = \"100 %/y\" }",
    ))
    .unwrap();
}

#[test]
fn production_trend_out_of_range() {
    // "production = { rate = \"5 bcm/y\", trend = " is 41 characters.
    one(
        &insert_after(
            9,
            "production = { rate = \"5 bcm/y\", trend = \"-150 %/y\" }",
        ),
        10,
        42,
        "production.trend -150 %/y is not a plausible yearly change",
    );
}

// ---- References and ids ------------------------------------------------------

//! Policies, measures and the weather model.

use super::*;

#[test]
fn import_cap_on_one_node_is_refused() {
    // Only region-wide caps are modelled; a per-node cap must not be
    // accepted and silently ignored. Measure lines: 32 header, 33 type,
    // 34 country, 35 max_share, 36 node; `node = ` is 7 characters.
    let p = one(
        &measure("type = \"import_cap\"\ncountry = \"RU\"\nmax_share = \"30 %\"\nnode = \"A\""),
        36,
        8,
        "import_cap applies to the whole region; a cap on one node is not modelled",
    );
    assert!(p.help.unwrap().contains("remove `node`"));
    // Without `node` it loads.
    load(&measure(
        "type = \"import_cap\"\ncountry = \"RU\"\nmax_share = \"30 %\"",
    ))
    .unwrap();
}

#[test]
fn empty_lists_that_make_no_sense() {
    // dependency = []: reported at the list (found by its key; `dependency = ` is 13 characters).
    one(
        &insert_after(5, "dependency = []"),
        6,
        14,
        "dependency = [] counts no country",
    );
    // An LNG market whose competing demand has no price to anchor it:
    // reported at the price.
    one(
        &format!("{BASE}\n[lng_market]\ndemand = \"300 bcm/y\"\nreference_price = \"0 EUR/MWh\"\n"),
        41,
        19,
        "lng_market.reference_price \"0 EUR/MWh\" must be above 0 and below the price cap (500 EUR/MWh)",
    );
    // A disruption that may start in no month. "months = " is 9 characters.
    let text = format!(
        "{BASE}\n[[disruption]]\nid = \"d\"\ntarget = \"p1\"\nhazard = \"0.5 /y\"\n\
         duration = {{ type = \"fixed\", value = \"10 d\" }}\nmonths = []\n"
    );
    one(
        &text,
        44,
        10,
        "disruption 'd' has months = [], so it never starts",
    );
}

// ---- Measures ----------------------------------------------------------------

#[test]
fn conflicting_measures() {
    // Two measures on p1's capacity from the same date: the second (its
    // `type` value on line 39, `type = ` is 7 characters) is reported and
    // names the first (line 33).
    let text = measure(
        "type = \"capacity\"\ntarget = \"p1\"\naction = \"set\"\nvalue = \"40 bcm/y\"\nstart = \"2020-06\"\n\
         [[policy.measure]]\ntype = \"capacity\"\ntarget = \"p1\"\naction = \"scale\"\nvalue = \"50 %\"\nstart = \"2020-06\"",
    );
    one(
        &text,
        39,
        8,
        "measure conflicts with the measure on line 33 of policy 'base': both change the same thing from the same date",
    );
    // Two `add`s stack and do not conflict; different dates do not either.
    load(
        &text
            .replace(
                "action = \"scale\"\nvalue = \"50 %\"",
                "action = \"set\"\nvalue = \"20 bcm/y\"",
            )
            .replacen("start = \"2020-06\"", "start = \"2020-03\"", 1),
    )
    .unwrap();
}

#[test]
fn storage_target_above_100_percent() {
    // "targets = [{ date = \"11-01\", fill = " is 36 characters; targets is line 34.
    let p = one(
        &measure("type = \"storage_target\"\ntargets = [{ date = \"11-01\", fill = \"120 %\" }]"),
        34,
        37,
        "storage fill target 120 % is above 100 %",
    );
    assert!(p.help.unwrap().contains("100 %"));
}

#[test]
fn storage_target_day_must_be_month_and_day() {
    // "targets = [{ date = " is 20 characters.
    one(
        &measure("type = \"storage_target\"\ntargets = [{ date = \"11\", fill = \"90 %\" }]"),
        34,
        21,
        "target date \"11\": '11' is not a day of the year (expected MM-DD, e.g. 11-01)",
    );
}

#[test]
fn unknown_measure_type() {
    let p = one(
        &measure("type = \"embargoo\"\ncountry = \"RU\""),
        33,
        8,
        "measure type 'embargoo' is not known",
    );
    assert!(p.help.unwrap().starts_with("use embargo, import_cap"));
}

#[test]
fn field_that_does_not_apply_to_the_measure_type() {
    // Reported at the field's value: `share = ` is 8 characters, line 37.
    let p = one(
        &measure(
            "type = \"capacity\"\ntarget = \"p1\"\naction = \"set\"\nvalue = \"40 bcm/y\"\nshare = \"10 %\"",
        ),
        37,
        9,
        "field 'share' does not apply to a 'capacity' measure",
    );
    assert_eq!(
        p.help.as_deref(),
        Some("a 'capacity' measure takes: target, action, value, start, end, announced")
    );
}

#[test]
fn measure_missing_a_field() {
    // Reported at the measure's type.
    one(
        &measure("type = \"capacity\"\ntarget = \"p1\"\naction = \"set\""),
        33,
        8,
        "a 'capacity' measure needs `value`",
    );
}

#[test]
fn absurd_scale_factor() {
    one(
        &measure("type = \"capacity\"\ntarget = \"p1\"\naction = \"scale\"\nvalue = \"1e300 %\""),
        36,
        9,
        "scale factor 1e300 % is above 10000 %",
    );
}

// ---- Weather -----------------------------------------------------------------

#[test]
fn correlation_that_is_not_positive_definite() {
    // Two nodes perfectly correlated: a singular matrix. "weather = { correlation = " is 26 characters.
    let text = format!("{BASE}\n[uncertainty]\nweather = {{ correlation = 1.0 }}\n");
    let p = one(
        &text,
        40,
        27,
        "weather correlation matrix is not positive definite",
    );
    assert!(p.help.unwrap().contains("-1/(nodes-1)"));
    // A full 3×3 matrix with inconsistent pairs (A≈B, B≈C, but A≈-C): a third node first.
    let text = format!(
        "{BASE}\n[[node]]\nid = \"C\"\ndemand = {{ protected = \"1 bcm/y\", industry = \"1 bcm/y\", power = \"1 bcm/y\" }}\n\
         \n[uncertainty]\nweather = {{ matrix = [[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]] }}\n"
    );
    // Lines: 38 blank, 39-41 node, 42 blank, 43 [uncertainty], 44 weather; "weather = { matrix = " is 21 characters.
    one(
        &text,
        44,
        22,
        "weather correlation matrix is not positive definite",
    );
}

#[test]
fn correlation_matrix_not_symmetric() {
    let text =
        format!("{BASE}\n[uncertainty]\nweather = {{ matrix = [[1.0, 0.9], [0.8, 1.0]] }}\n");
    one(
        &text,
        40,
        22,
        "weather correlation matrix is invalid: it is not symmetric: row 1 column 2 is 0.9 but row 2 column 1 is 0.8",
    );
}

// ---- Policies extending policies ----------------------------------------------

#[test]
fn a_policy_extends_only_a_policy_of_the_file() {
    // `extends = ` is 10 characters; line 32 (after `id = "base"`).
    let p = one(
        &insert_after(31, "extends = \"nope\""),
        32,
        11,
        "policy 'nope' is not defined",
    );
    assert!(p.help.unwrap().contains("base"));
}

#[test]
fn a_cycle_of_policies_is_reported_by_each_of_its_policies() {
    // base (line 32) extends b2, b2 (its extends on line 42) extends base;
    // a third policy extending the cycle reports nothing of its own.
    let text = insert_after(31, "extends = \"b2\"")
        + "\n[[policy]]\nid = \"b2\"\nextends = \"base\"\n\n[[policy]]\nid = \"b3\"\nextends = \"b2\"\n";
    let p = problems(&text);
    let places: Vec<_> = p
        .iter()
        .map(|p| (p.line, p.column, p.message.as_str()))
        .collect();
    assert_eq!(
        places,
        [
            (32, 11, "policy 'base' extends itself through this chain"),
            (42, 11, "policy 'b2' extends itself through this chain"),
        ],
        "{p:#?}"
    );
}

#[test]
fn an_inherited_measure_is_checked_once_where_it_is_written() {
    // The unknown type is in base (line 33); b2 inherits it and reports
    // nothing more.
    let text = measure("type = \"embargoo\"\ncountry = \"RU\"")
        + "\n[[policy]]\nid = \"b2\"\nextends = \"base\"\n";
    one(&text, 33, 8, "measure type 'embargoo' is not known");
    // A policy's own measure may override an inherited one from the same
    // date; two of its own on the same thing still conflict (b2's are on
    // lines 49 and 55).
    let own = "\n[[policy.measure]]\ntype = \"capacity\"\ntarget = \"p1\"\naction = \"set\"\nvalue = \"20 bcm/y\"\n";
    let base =
        measure("type = \"capacity\"\ntarget = \"p1\"\naction = \"set\"\nvalue = \"40 bcm/y\"")
            + "\n[[policy]]\nid = \"b2\"\nextends = \"base\"\n";
    load(&format!("{base}{own}")).unwrap();
    let p = problems(&format!("{base}{own}{own}"));
    assert_eq!((p.len(), p[0].line), (1, 55), "{p:#?}");
    assert!(
        p[0].message
            .starts_with("measure conflicts with the measure on line 49 of policy 'b2'"),
        "{p:#?}"
    );
}

//! `[[demand_shift]]`: sectors, dates, scale and announcement.

use super::*;

/// BASE with a `[[demand_shift]]` whose header is line 39 and whose lines
/// follow it in `body`'s order.
fn shift(body: &str) -> String {
    append(&format!("\n[[demand_shift]]\n{body}"))
}

#[test]
fn a_valid_shift_loads() {
    load(&shift(
        "nodes = [\"A\"]\nsectors = [\"power\"]\nstart = \"2020-03\"\nend = \"2020-06\"\nscale = \"108 %\"\nannounced = \"2020-01\"",
    ))
    .unwrap();
}

#[test]
fn unknown_sector() {
    // Line 40; `sectors = [` is 11 characters.
    one(
        &shift("sectors = [\"heating\"]\nstart = \"2020-03\"\nscale = \"90 %\""),
        40,
        12,
        "sector 'heating' is not known",
    );
}

#[test]
fn unknown_node() {
    // Line 40; `nodes = [` is 9 characters.
    let p = problems(&shift(
        "nodes = [\"Z\"]\nstart = \"2020-03\"\nscale = \"90 %\"",
    ));
    assert_eq!(p.len(), 1, "{p:#?}");
    assert_eq!((p[0].line, p[0].column), (40, 10), "{p:#?}");
    assert!(p[0].message.contains("'Z'"), "{p:#?}");
}

#[test]
fn ends_before_it_starts() {
    // Line 41; `end = ` is 6 characters.
    one(
        &shift("start = \"2020-06\"\nend = \"2020-03\"\nscale = \"90 %\""),
        41,
        7,
        "demand shift ends before it starts",
    );
}

#[test]
fn scale_beyond_ten_times() {
    // Line 41; `scale = ` is 8 characters.
    one(
        &shift("start = \"2020-06\"\nscale = \"1500 %\""),
        41,
        9,
        "scale 1500 % is more than ten times the demand",
    );
    // A negative or dimensioned scale is a units problem at the same place.
    let p = problems(&shift("start = \"2020-06\"\nscale = \"5 bcm/y\""));
    assert_eq!((p[0].line, p[0].column), (41, 9), "{p:#?}");
}

#[test]
fn announced_after_it_starts() {
    // Line 42; `announced = ` is 12 characters.
    one(
        &shift("start = \"2020-03\"\nscale = \"90 %\"\nannounced = \"2020-04\""),
        42,
        13,
        "announced 2020-04 is after the start",
    );
}

#[test]
fn a_shift_scale_can_be_uncertain_and_both_ends_are_checked() {
    let text = |max: &str| {
        shift(&format!(
            "id = \"s\"\nstart = \"2020-03\"\nscale = \"100 %\"\n\n[[uncertain]]\npath = \"demand_shift.s.scale\"\ndistribution = \"uniform\"\nmin = \"80 %\"\nmax = \"{max}\""
        ))
    };
    load(&text("130 %")).unwrap();
    let p = problems(&text("1500 %"));
    assert!(
        p.iter().any(|p| p.message.contains("more than ten times")),
        "{p:#?}"
    );
}

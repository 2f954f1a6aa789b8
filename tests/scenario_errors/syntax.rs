//! Mistakes of form: unknown keys, missing fields, wrong types, TOML syntax.

use super::*;

#[test]
fn base_scenario_is_valid() {
    load(BASE).unwrap();
    // The helpers keep the layout the comments describe.
    assert_eq!(BASE.lines().count(), 37);
    assert_eq!(BASE.lines().nth(36), Some("capacity = \"30 bcm/y\""));
}

// ---- Syntax and shape (from the TOML deserializer, one at a time) ----------

#[test]
fn unknown_key_at_top_level() {
    // A top-level key before [scenario] (line 1 after the insertion).
    let text = format!("colour = \"red\"\n{BASE}");
    let p = problems(&text);
    assert_eq!(p.len(), 1);
    assert_eq!((p[0].line, p[0].column), (1, 1));
    assert!(
        p[0].message
            .starts_with("unknown field `colour`, expected one of `scenario`, `node`"),
        "{p:?}"
    );
    assert!(p[0].help.as_deref().unwrap().contains("gasdep schema"));
}

#[test]
fn unknown_key_in_a_table() {
    let p = problems(&replace(37, "capcity = \"30 bcm/y\""));
    assert_eq!(p.len(), 1);
    // The key itself, line 37 column 1.
    assert_eq!((p[0].line, p[0].column), (37, 1));
    assert!(
        p[0].message.starts_with(
            "unknown field `capcity`, expected one of `id`, `name`, `from`, `to`, `capacity`"
        ),
        "{p:?}"
    );
    assert!(p[0].help.is_some());
}

#[test]
fn unknown_key_in_an_inline_table() {
    // `demand = { protected = …, industy = … }`: "demand = { protected = \"10 bcm/y\", " is 35 characters.
    let p = problems(&replace(
        9,
        "demand = { protected = \"10 bcm/y\", industy = \"5 bcm/y\", power = \"5 bcm/y\" }",
    ));
    assert_eq!(p.len(), 1);
    assert_eq!((p[0].line, p[0].column), (9, 36), "{p:?}");
    assert!(p[0].message.starts_with("unknown field `industy`"), "{p:?}");
}

#[test]
fn missing_required_field() {
    // Origin without `kind`: the place is the origin's table header, line 15.
    let p = one(&replace(18, ""), 15, 1, "missing field `kind`");
    assert!(p.help.unwrap().contains("docs/scenario-format.md"));
}

#[test]
fn wrong_type() {
    // `capacity = ` is 11 characters: the value starts at column 12.
    let p = one(
        &replace(37, "capacity = 30"),
        37,
        12,
        "invalid type: integer `30`, expected a string",
    );
    assert!(p.help.unwrap().contains("\"55 bcm/y\""));
}

#[test]
fn toml_syntax_error() {
    // An unclosed string: reported on its line.
    let p = problems(&replace(37, "capacity = \"30 bcm/y"));
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].line, 37, "{p:?}");
    assert!(!p[0].message.is_empty());
    assert!(
        p[0].help.as_deref().unwrap().contains("TOML syntax"),
        "{p:?}"
    );
}

#[test]
fn quoted_number_where_a_plain_number_is_needed() {
    // `trials = ` is 9 characters; the help says plain numbers are unquoted.
    let p = one(
        &insert_after(5, "trials = \"10\""),
        6,
        10,
        "invalid type: string \"10\", expected u64",
    );
    assert!(p.help.unwrap().contains("unquoted"));
}

// ---- Quantities --------------------------------------------------------------

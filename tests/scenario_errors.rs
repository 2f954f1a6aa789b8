//! What users see when a scenario file is wrong: one test per kind of
//! mistake, each pinning the exact line, column and message of the problem
//! and checking that a fix is suggested.
//!
//! Every case edits one small valid scenario ([`BASE`], lines numbered in its
//! comment), so each expected line and column can be checked by hand: the
//! column is 1 + the number of characters before the offending value (for a
//! quoted value, the opening quote) on that line; these were counted from the
//! text of each case, not copied from the output.
//!
//! Also here: limits and numeric safety at the loader (absurd values, large
//! and empty networks, names that cannot be folder names) and the
//! regression tests for what the fuzzer found (fuzz/, see its README).

use gasdep::scenario::{Problem, ScenarioError, load_str};
use std::path::Path;
use std::time::Instant;

/// A small valid scenario. Line numbers (for the expected places below):
///
/// ```text
///  1 [scenario]                       19 price = "20 EUR/MWh"
///  2 name = "t"                       20 capacity = "50 bcm/y"
///  3 start = "2020-01"                22 [[company]]  23 id = "X"  24 country = "A"
///  4 end = "2020-12"                  26 [[company]]  27 id = "Y"  28 country = "RU"
///  5 baseline = "base"                30 [[policy]]
///  7 [[node]]                         31 id = "base"
///  8 id = "A"                         33 [[pipeline]]
///  9 demand = { protected = … }       34 id = "p1"
/// 11 [[node]]  12 id = "B"            35 from = "RU"
/// 13 demand = { … }                   36 to = "A"
/// 15 [[origin]]  16 id = "RU"         37 capacity = "30 bcm/y"
/// 17 country = "RU"  18 kind = "pipe"
/// ```
const BASE: &str = r#"[scenario]
name = "t"
start = "2020-01"
end = "2020-12"
baseline = "base"

[[node]]
id = "A"
demand = { protected = "10 bcm/y", industry = "5 bcm/y", power = "5 bcm/y" }

[[node]]
id = "B"
demand = { protected = "10 bcm/y", industry = "5 bcm/y", power = "5 bcm/y" }

[[origin]]
id = "RU"
country = "RU"
kind = "pipe"
price = "20 EUR/MWh"
capacity = "50 bcm/y"

[[company]]
id = "X"
country = "A"

[[company]]
id = "Y"
country = "RU"

[[policy]]
id = "base"

[[pipeline]]
id = "p1"
from = "RU"
to = "A"
capacity = "30 bcm/y"
"#;

/// BASE with line `n` (1-based) replaced by `text` (which may hold several lines).
fn replace(n: usize, text: &str) -> String {
    let mut lines: Vec<&str> = BASE.lines().collect();
    assert!(n >= 1 && n <= lines.len(), "line {n} is not in BASE");
    lines[n - 1] = text;
    lines.join("\n") + "\n"
}

/// BASE with `text` inserted after line `n`.
fn insert_after(n: usize, text: &str) -> String {
    let mut lines: Vec<&str> = BASE.lines().collect();
    lines.insert(n, text);
    lines.join("\n") + "\n"
}

/// BASE with `text` appended (it continues the last table, [[pipeline]] p1).
fn append(text: &str) -> String {
    format!("{BASE}{text}")
}

/// A measure in policy "base": its `[[policy.measure]]` header is line 32.
fn measure(body: &str) -> String {
    insert_after(31, &format!("[[policy.measure]]\n{body}"))
}

fn load(text: &str) -> Result<(), ScenarioError> {
    load_str(text, Path::new("case.toml")).map(|_| ())
}

fn problems(text: &str) -> Vec<Problem> {
    match load(text) {
        Ok(()) => panic!("the scenario loaded but should not have:\n{text}"),
        Err(e) => {
            let p = e.problems().to_vec();
            assert!(!p.is_empty(), "an error without problems: {e}");
            p
        }
    }
}

/// Asserts that `text` has exactly one problem, at `line`:`column`, with
/// this `message`, and a help text.
#[track_caller]
fn one(text: &str, line: usize, column: usize, message: &str) -> Problem {
    let p = problems(text);
    assert_eq!(p.len(), 1, "expected one problem, got {p:#?}");
    let p = p.into_iter().next().unwrap();
    assert_eq!(
        (p.line, p.column, p.message.as_str()),
        (line, column, message),
        "{p:#?}"
    );
    assert!(
        p.help.as_deref().is_some_and(|h| !h.trim().is_empty()),
        "no help: {p:#?}"
    );
    p
}

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

#[test]
fn pipeline_to_unknown_node_lists_known_ids() {
    // `to = ` is 5 characters.
    let p = one(
        &replace(36, "to = \"Z\""),
        36,
        6,
        "pipeline 'p1' goes to unknown node 'Z' (known: A, B)",
    );
    assert!(p.help.unwrap().contains("[[node]]"));
}

#[test]
fn pipeline_to_an_origin_says_so() {
    one(
        &replace(36, "to = \"RU\""),
        36,
        6,
        "pipeline 'p1' goes to unknown node 'RU'; it is an origin, and gas flows from origins only (known: A, B)",
    );
}

#[test]
fn pipeline_from_unknown_place() {
    one(
        &replace(35, "from = \"NO\""),
        35,
        8,
        "pipeline 'p1' comes from unknown 'NO'",
    );
}

#[test]
fn duplicate_ids() {
    // The second node gets id "A": reported at the duplicate, `id = ` is 5 characters.
    one(&replace(12, "id = \"A\""), 12, 6, "duplicate node id 'A'");
    // Same for companies.
    one(
        &replace(27, "id = \"X\""),
        27,
        6,
        "duplicate company id 'X'",
    );
}

#[test]
fn stakes_summing_over_100_percent() {
    // Reported at the stake that takes the sum over 100 %: the second one.
    // "owners = [{ company = \"X\", stake = \"60 %\" }, { company = \"Y\", stake = " is 70 characters.
    one(
        &append(
            "owners = [{ company = \"X\", stake = \"60 %\" }, { company = \"Y\", stake = \"50 %\" }]\n",
        ),
        38,
        71,
        "stakes in pipeline 'p1' sum to 110.0 % with this one",
    );
    // Exactly 100 % is fine.
    load(&append(
        "owners = [{ company = \"X\", stake = \"50 %\" }, { company = \"Y\", stake = \"50 %\" }]\n",
    ))
    .unwrap();
}

#[test]
fn unknown_owner_company() {
    // "owners = [{ company = " is 22 characters.
    one(
        &append("owners = [{ company = \"Q\", stake = \"10 %\" }]\n"),
        38,
        23,
        "owner company 'Q' is not defined (known: X, Y)",
    );
}

#[test]
fn unknown_baseline_policy() {
    // `baseline = ` is 11 characters.
    let p = one(
        &replace(5, "baseline = \"bsae\""),
        5,
        12,
        "baseline policy 'bsae' is not defined (known: base)",
    );
    assert!(p.help.is_some());
}

// ---- Dates -------------------------------------------------------------------

#[test]
fn month_13() {
    // `start = ` is 8 characters.
    let p = one(
        &replace(3, "start = \"2020-13\""),
        3,
        9,
        "start \"2020-13\": month 13 does not exist (1–12)",
    );
    assert_eq!(
        p.help.as_deref(),
        Some("write dates as YYYY-MM or YYYY-MM-DD")
    );
}

#[test]
fn february_30() {
    // `end = ` is 6 characters; 2021 is not a leap year.
    one(
        &replace(4, "end = \"2021-02-30\""),
        4,
        7,
        "end \"2021-02-30\": day 30 does not exist in 2021-02 (1–28)",
    );
    // 2020 is: Feb 29 exists, Feb 30 does not.
    load(&replace(4, "end = \"2020-02-29\"")).unwrap();
    one(
        &replace(4, "end = \"2020-02-30\""),
        4,
        7,
        "end \"2020-02-30\": day 30 does not exist in 2020-02 (1–29)",
    );
}

#[test]
fn end_before_start() {
    one(
        &replace(4, "end = \"2019-12\""),
        4,
        7,
        "end 2019-12 is before start 2020-01",
    );
    // The same month is a one-month scenario.
    load(&replace(4, "end = \"2020-01\"")).unwrap();
}

#[test]
fn year_out_of_range() {
    one(
        &replace(4, "end = \"20201-01\""),
        4,
        7,
        "end \"20201-01\": '20201' is not a year",
    );
    one(
        &replace(3, "start = \"1850-01\""),
        3,
        9,
        "start \"1850-01\": year 1850 is outside 1900–2200",
    );
}

#[test]
fn offline_before_online() {
    // `offline = ` is 10 characters; the offline date is on line 39.
    let p = one(
        &append("online = \"2015-01\"\noffline = \"2014-06\"\n"),
        39,
        11,
        "pipeline 'p1' goes offline (2014-06) before it comes online",
    );
    assert_eq!(p.help.as_deref(), Some("offline must be after online"));
}

#[test]
fn stage_before_online() {
    // Reported at the stage's `from`: "stages = [{ from = " is 19 characters.
    one(
        &append("online = \"2015-01\"\nstages = [{ from = \"2014-01\", rate = \"40 bcm/y\" }]\n"),
        39,
        20,
        "pipeline 'p1' has a stage before it comes online",
    );
}

#[test]
fn disruption_window_reversed() {
    let text = format!(
        "{BASE}\n[[disruption]]\nid = \"d\"\ntarget = \"p1\"\nhazard = \"0.5 /y\"\n\
         duration = {{ type = \"fixed\", value = \"10 d\" }}\nfrom = \"2020-06\"\nuntil = \"2020-03\"\n"
    );
    // Lines: 38 blank, 39 [[disruption]], … 45 until. `until = ` is 8 characters.
    one(
        &text,
        45,
        9,
        "disruption 'd' has until 2020-03 before from 2020-06",
    );
}

#[test]
fn disruption_until_is_inclusive() {
    // `until` names the last month (or day) in which events may start; the
    // resolved model stores the first day after it.
    let case = |until: &str| {
        let text = format!(
            "{BASE}\n[[disruption]]\nid = \"d\"\ntarget = \"p1\"\nhazard = \"0.5 /y\"\n\
             duration = {{ type = \"fixed\", value = \"10 d\" }}\nfrom = \"2020-01\"\nuntil = \"{until}\"\n"
        );
        let (_, model) = load_str(&text, Path::new("case.toml")).unwrap();
        model.disruptions[0].until.unwrap().to_string()
    };
    assert_eq!(case("2020-03"), "2020-04-01");
    assert_eq!(case("2020-02-29"), "2020-03-01");
    assert_eq!(case("2020-12"), "2021-01-01");
    assert_eq!(case("2020-06-15"), "2020-06-16");
}

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

// ---- Several problems at once -------------------------------------------------

#[test]
fn several_problems_all_reported_in_file_order() {
    let text = BASE
        .replace("end = \"2020-12\"", "end = \"2020-13\"") // line 4, column 7
        .replace(
            "price = \"20 EUR/MWh\"",
            "price = \"20 EUR\"", // line 19, column 9
        )
        .replace("to = \"A\"", "to = \"Z\"") // line 36, column 6
        .replace("id = \"B\"", "id = \"A\""); // line 12, column 6
    let p = problems(&text);
    let places: Vec<(usize, usize)> = p.iter().map(|p| (p.line, p.column)).collect();
    assert_eq!(places, vec![(4, 7), (12, 6), (19, 9), (36, 6)], "{p:#?}");
    assert!(p[0].message.contains("month 13"));
    assert_eq!(p[1].message, "duplicate node id 'A'");
    assert!(
        p[2].message
            .starts_with("price \"20 EUR\" has an unknown unit")
    );
    assert!(p[3].message.contains("unknown node 'Z'"));
    assert!(p.iter().all(|p| p.help.is_some()));
    // The rendered error names the file, each place, and the count.
    let e = load(&text).unwrap_err().to_string();
    assert!(e.starts_with("case.toml:4:7: end \"2020-13\""), "{e}");
    assert!(e.ends_with("4 problems in case.toml"), "{e}");
}

#[test]
fn a_bad_production_price_does_not_hide_the_rest() {
    // Regression: a bad [scenario] production_price used to end validation
    // at once, so later problems were not reported.
    let text =
        insert_after(5, "production_price = \"-3 EUR/MWh\"").replace("to = \"A\"", "to = \"Z\"");
    let p = problems(&text);
    assert_eq!(p.len(), 2, "{p:#?}");
    assert_eq!(
        (p[0].line, p[0].message.as_str()),
        (6, "production_price is negative (-3 EUR/MWh)")
    );
    assert_eq!(p[1].line, 37);
}

// ---- Limits and numeric safety -------------------------------------------------

#[test]
fn trials_out_of_range() {
    // `trials = ` is 9 characters.
    one(
        &insert_after(5, "trials = 0"),
        6,
        10,
        "trials = 0 is out of range",
    );
    one(
        &insert_after(5, "trials = 1000000000"),
        6,
        10,
        "trials = 1000000000 is out of range",
    );
    // Negative: refused by the deserializer (trials is unsigned).
    let p = problems(&insert_after(5, "trials = -1"));
    assert_eq!((p.len(), p[0].line, p[0].column), (1, 6, 10), "{p:?}");
}

#[test]
fn scenario_names_that_are_not_folder_names() {
    for bad in [
        "../etc",
        "a/b",
        "a\\u0000b",
        "two words",
        ".hidden",
        "",
        "a\\\\b",
    ] {
        let text = replace(2, &format!("name = \"{bad}\""));
        let p = problems(&text);
        assert_eq!(p.len(), 1, "{bad}: {p:?}");
        // `name = ` is 7 characters.
        assert_eq!((p[0].line, p[0].column), (2, 8), "{bad}");
        assert!(
            p[0].message.starts_with("scenario name '")
                && p[0].message.ends_with("' cannot be used as a folder name"),
            "{bad}: {}",
            p[0].message
        );
        assert!(p[0].help.as_deref().unwrap().contains("letters, digits"));
    }
    // The NUL is shown escaped, not written raw into the message.
    let p = problems(&replace(2, "name = \"a\\u0000b\""));
    assert_eq!(
        p[0].message,
        "scenario name 'a\\0b' cannot be used as a folder name"
    );
    // Too long for a folder name.
    let long = "n".repeat(300);
    one(
        &replace(2, &format!("name = \"{long}\"")),
        2,
        8,
        "scenario name is 300 characters long",
    );
    // Fine: letters, digits, '-', '_', '.'.
    load(&replace(2, "name = \"eu-2030_v1.2\"")).unwrap();
}

#[test]
fn empty_network_is_refused() {
    // No [[node]] at all: reported at the scenario's name.
    let text = "[scenario]\nname = \"t\"\nstart = \"2020-01\"\nend = \"2020-12\"\nbaseline = \"base\"\n\n[[policy]]\nid = \"base\"\n".to_string();
    one(&text, 2, 8, "the scenario has no [[node]]");
}

#[test]
fn disconnected_nodes_load() {
    // Node B has no pipeline at all: a valid (if odd) scenario; whether the
    // simulation warns about it is the network's business.
    let (_, m) = load_str(BASE, Path::new("case.toml")).unwrap();
    assert_eq!(m.nodes.len(), 2);
    assert!(m.pipelines.iter().all(|p| p.to != 1));
}

#[test]
fn a_thousand_nodes_load_quickly() {
    // 1000 nodes in a chain from one origin, each with storage, plus a
    // uniform weather correlation (a 1000×1000 Cholesky factorisation).
    let mut text = String::from(
        "[scenario]\nname = \"big\"\nstart = \"2020-01\"\nend = \"2020-12\"\nbaseline = \"base\"\n\n\
         [[origin]]\nid = \"O\"\ncountry = \"O\"\nkind = \"pipe\"\nprice = \"20 EUR/MWh\"\ncapacity = \"5000 bcm/y\"\n\n\
         [[policy]]\nid = \"base\"\n\n[uncertainty]\nweather = { correlation = 0.5 }\n",
    );
    for i in 0..1000 {
        text.push_str(&format!(
            "\n[[node]]\nid = \"N{i}\"\ndemand = {{ protected = \"1 bcm/y\", industry = \"1 bcm/y\", power = \"1 bcm/y\" }}\n\
             storage = {{ volume = \"5 TWh\", injection = \"0.1 TWh/d\", withdrawal = \"0.2 TWh/d\", initial_fill = \"50 %\" }}\n\
             [[pipeline]]\nid = \"p{i}\"\nfrom = \"{}\"\nto = \"N{i}\"\ncapacity = \"100 bcm/y\"\n",
            if i == 0 { "O".to_string() } else { format!("N{}", i - 1) }
        ));
    }
    let t = Instant::now();
    let (_, m) = load_str(&text, Path::new("big.toml")).unwrap();
    let took = t.elapsed();
    assert_eq!((m.nodes.len(), m.pipelines.len()), (1000, 1000));
    // Generous: about 0.1 s in the test profile on the 2-core test machine.
    assert!(took.as_secs_f64() < 20.0, "loading took {took:?}");
}

#[test]
fn too_many_nodes_are_refused() {
    // MAX_NODES + 1 nodes: one problem, at the first node too many.
    let mut text = BASE.to_string();
    for i in 0..gasdep::scenario::validate::MAX_NODES - 1 {
        text.push_str(&format!(
            "[[node]]\nid = \"M{i}\"\ndemand = {{ protected = \"1 bcm/y\", industry = \"1 bcm/y\", power = \"1 bcm/y\" }}\n"
        ));
    }
    // Nodes A and B are 2, then M0 … M1998: the 2001st node is M1998, whose
    // id is on line 37 + 3 × 1998 + 2.
    let t = Instant::now();
    let p = one(
        &text,
        37 + 3 * 1998 + 2,
        6,
        "the scenario has 2001 nodes, more than the 2000 a scenario may have",
    );
    assert!(p.help.unwrap().contains("merge"));
    assert!(t.elapsed().as_secs_f64() < 20.0, "took {:?}", t.elapsed());
}

#[test]
fn lots_of_problems_are_all_reported() {
    // 500 pipelines to unknown nodes: 500 problems, in order, the message
    // listing only the first 20 known ids.
    let mut text = BASE.to_string();
    for i in 0..500 {
        text.push_str(&format!(
            "\n[[pipeline]]\nid = \"q{i}\"\nfrom = \"RU\"\nto = \"nowhere\"\ncapacity = \"1 bcm/y\"\n"
        ));
    }
    let p = problems(&text);
    assert_eq!(p.len(), 500);
    assert!(p.windows(2).all(|w| w[0].line < w[1].line));
    // 37 base lines, then blocks of 6 lines (blank, header, id, from, to,
    // capacity): the `to` of block i is line 37 + 6 i + 5.
    assert_eq!(p[0].line, 42);
    assert_eq!(p[499].line, 37 + 6 * 499 + 5);
}

#[test]
fn contract_route_not_from_the_seller() {
    // p2 runs A → B; a contract from RU to A routed on it does not start
    // where the seller's gas does (a route runs from the seller's origin). Lines: 38 blank, 39 [[pipeline]] … 44 blank, 45 [[contract]],
    // 46 id, 47 seller, 48 buyer, 49 volume, 50 start, 51 price, 52 route;
    // `route = ` is 8 characters.
    let pipe2 = "\n[[pipeline]]\nid = \"p2\"\nfrom = \"A\"\nto = \"B\"\ncapacity = \"5 bcm/y\"\n";
    let contract = |route: &str| {
        format!(
            "{BASE}{pipe2}\n[[contract]]\nid = \"k\"\nseller = \"RU\"\nbuyer = \"A\"\nvolume = \"1 bcm/y\"\n\
             start = \"2020-01\"\nprice = \"18 EUR/MWh\"\nroute = \"{route}\"\n"
        )
    };
    let p = one(
        &contract("p2"),
        52,
        9,
        "route pipeline 'p2' of contract 'k' runs from A to B, not from 'RU'",
    );
    assert!(p.help.unwrap().contains("leaves the seller's origin 'RU'"));
    load(&contract("p1")).unwrap();
}

// ---- Regressions found by the fuzzer (fuzz/fuzz_targets/load.rs) ---------------
//
// Each crash the fuzzer finds becomes a test here, named after what it found.
// Runs so far (2-core AMD EPYC, shared, one job, seeds = the shipped scenarios):
// - 2026-11-28, loader before the fixes of this commit: 1801 s, 203 330
//   executions (112/s: inputs up to 70 KB), coverage 6911 edges, 27 242
//   features, corpus 2316 inputs; no crash, no failed assertion.
// - 2026-11-28, loader with the fixes, on that corpus: 421 s, 73 154
//   executions (173/s), coverage 7145 edges, 28 824 features; no crash.
// No regression test yet: nothing has been found.

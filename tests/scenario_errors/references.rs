//! References between tables: unknown or duplicate ids, stakes, owners, the baseline.

use super::*;

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

#[test]
fn storage_events_need_a_storage_and_a_schedule() {
    // Line 38 is the appended `[[event]]` header, 39 its `target = ` (9
    // characters): node A has no [node.storage].
    let p = one(
        &append("\n[[event]]\ntarget = \"storage:A\"\nstart = \"2020-03\"\nseverity = \"50 %\"\n"),
        40,
        10,
        "target 'storage:A' names a node without storage",
    );
    assert!(p.help.unwrap().contains("[node.storage]"));
    // A storage cannot be a random disruption's target: node A gets a
    // storage (line 10), so the disruption's `target = ` is on line 42.
    let with_storage = replace(
        9,
        "demand = { protected = \"10 bcm/y\", industry = \"5 bcm/y\", power = \"5 bcm/y\" }\n\
         storage = { volume = \"1 TWh\", injection = \"0.1 TWh/d\", withdrawal = \"0.1 TWh/d\", initial_fill = \"50 %\" }",
    );
    let text = format!(
        "{with_storage}\n[[disruption]]\nid = \"fire\"\ntarget = \"storage:A\"\nhazard = \"0.1 /y\"\n\
         duration = {{ type = \"fixed\", value = \"10 d\" }}\n"
    );
    let p = one(&text, 42, 10, "disruption 'fire' targets a storage");
    assert!(p.help.unwrap().contains("[[event]]"));
    // An unknown node after `storage:` is named.
    one(
        &append("\n[[event]]\ntarget = \"storage:Q\"\nstart = \"2020-03\"\nseverity = \"50 %\"\n"),
        40,
        10,
        "target 'storage:Q' names unknown node 'Q' (known: A, B)",
    );
}

// ---- Dates -------------------------------------------------------------------

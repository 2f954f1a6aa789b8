//! Mistakes in the fields that make the deal as it worked: `[scenario]
//! focus`, a contract's `route` (a path of pipelines) and `delivery`, a
//! disruption's `buyers` and `hazard_grid`, and `gasdep run --focus`. Each
//! case has exactly one problem, placed at the offending value (its line
//! is found in the case's text, its column is 1 + the characters before
//! the value on that line), with a fix; the CLI exits with code 2.

use gasdep::scenario::{Problem, load_str};
use std::path::Path;
use std::process::Command;

/// A valid scenario: RU → A (`p1`), A → B (`p2`), RU → B (`p3`), an LNG
/// origin `QA`, one contract, one disruption. `{focus}`, `{contract}` and
/// `{disruption}` are the lines the cases change.
fn case(focus: &str, contract: &str, disruption: &str) -> String {
    format!(
        r#"[scenario]
name = "t"
start = "2020-01"
end = "2020-12"
baseline = "base"
{focus}

[[node]]
id = "A"
demand = {{ protected = "10 bcm/y", industry = "5 bcm/y", power = "5 bcm/y" }}

[[node]]
id = "B"
demand = {{ protected = "10 bcm/y", industry = "5 bcm/y", power = "5 bcm/y" }}
lng_regas = "5 bcm/y"

[[origin]]
id = "RU"
country = "RU"
kind = "pipe"
price = "20 EUR/MWh"
capacity = "50 bcm/y"

[[origin]]
id = "QA"
country = "QA"
kind = "lng"
price = "25 EUR/MWh"
capacity = "10 bcm/y"

[[pipeline]]
id = "p1"
from = "RU"
to = "A"
capacity = "30 bcm/y"

[[pipeline]]
id = "p2"
from = "A"
to = "B"
capacity = "10 bcm/y"

[[pipeline]]
id = "p3"
from = "RU"
to = "B"
capacity = "10 bcm/y"

[[contract]]
id = "k"
buyer = "B"
volume = "1 bcm/y"
start = "2020-01"
price = "18 EUR/MWh"
{contract}

[[disruption]]
id = "cut"
hazard = "0.1 /y"
duration = {{ type = "fixed", value = "10 d" }}
{disruption}

[[policy]]
id = "base"
"#
    )
}

const SELLER: &str = "seller = \"RU\"";
const TARGET: &str = "target = \"RU\"";

/// The one problem of `text`, which must be on the line holding `on`, at
/// the column where `at` starts on it, with `message` and a help text.
#[track_caller]
fn one(text: &str, on: &str, at: &str, message: &str) -> Problem {
    let p = match load_str(text, Path::new("case.toml")) {
        Ok(_) => panic!("the scenario loaded but should not have:\n{text}"),
        Err(e) => e.problems().to_vec(),
    };
    assert_eq!(p.len(), 1, "expected one problem, got {p:#?}");
    let p = p.into_iter().next().unwrap();
    let (line, col) = text
        .lines()
        .enumerate()
        .find_map(|(i, l)| l.contains(on).then(|| (i + 1, l.find(at).unwrap() + 1)))
        .unwrap_or_else(|| panic!("no line holds {on}"));
    assert_eq!(
        (p.line, p.column, p.message.as_str()),
        (line, col, message),
        "{p:#?}"
    );
    assert!(p.help.as_deref().is_some_and(|h| !h.trim().is_empty()));
    p
}

#[test]
fn the_valid_cases_load() {
    for text in [
        case(
            "focus = [\"B\", \"A\"]",
            &format!("{SELLER}\nroute = [\"p1\", \"p2\"]"),
            TARGET,
        ),
        case(
            "",
            &format!("{SELLER}\nroute = \"p3\"\ndelivery = \"B\""),
            TARGET,
        ),
        case(
            "",
            &format!("{SELLER}\ndelivery = \"A\""),
            "target = \"RU\"\nbuyers = [\"B\"]",
        ),
        case(
            "",
            "seller = \"QA\"\ndelivery = \"B\"",
            "target = \"p1\"\nhazard_grid = [\"0 /y\", \"1 /y\"]",
        ),
    ] {
        load_str(&text, Path::new("case.toml")).unwrap_or_else(|e| panic!("{e}\n{text}"));
    }
}

#[test]
fn focus_names_unknown_or_repeated_nodes() {
    let p = one(
        &case("focus = [\"A\", \"ZZ\"]", SELLER, TARGET),
        "focus",
        "\"ZZ\"",
        "focus node 'ZZ' is not defined (known: A, B)",
    );
    assert!(p.help.is_some());
    one(
        &case("focus = [\"A\", \"B\", \"A\"]", SELLER, TARGET),
        "focus",
        "\"A\"]",
        "focus node 'A' is listed twice",
    );
}

#[test]
fn a_route_is_a_path_from_the_seller() {
    // p1 ends at A; p3 starts at RU.
    let p = one(
        &case("", &format!("{SELLER}\nroute = [\"p1\", \"p3\"]"), TARGET),
        "route",
        "[",
        "route pipeline 'p3' of contract 'k' runs from RU to B, not from 'A'",
    );
    assert!(
        p.help
            .unwrap()
            .contains("after 'p1' comes a pipeline from 'A'")
    );
    one(
        &case("", &format!("{SELLER}\nroute = []"), TARGET),
        "route",
        "[",
        "contract 'k' has route = [], which names no pipeline",
    );
    one(
        &case("", &format!("{SELLER}\nroute = [\"p1\", \"nope\"]"), TARGET),
        "route",
        "[",
        "route pipeline 'nope' of contract 'k' is not defined (known: p1, p2, p3)",
    );
    one(
        &case("", "seller = \"QA\"\nroute = \"p3\"", TARGET),
        "route",
        "\"p3\"",
        "contract 'k' sells LNG (QA), which arrives by ship, not on a route",
    );
}

#[test]
fn delivery_is_where_the_route_ends() {
    one(
        &case(
            "",
            &format!("{SELLER}\nroute = \"p1\"\ndelivery = \"B\""),
            TARGET,
        ),
        "delivery",
        "\"B\"",
        "contract 'k' is delivered at 'B' but its route ends at 'A'",
    );
}

#[test]
fn buyers_need_an_origin_and_one_grid_per_file() {
    one(
        &case("", SELLER, "target = \"p1\"\nbuyers = [\"B\"]"),
        "target = \"p1\"",
        "\"p1\"",
        "disruption 'cut' has `buyers`, which needs an origin target",
    );
    let two = case(
        "",
        SELLER,
        "target = \"RU\"\nhazard_grid = [\"0 /y\"]\n\n[[disruption]]\nid = \"cut2\"\nhazard = \"0.1 /y\"\nduration = { type = \"fixed\", value = \"10 d\" }\ntarget = \"p1\"\nhazard_grid = [\"0.5 /y\"]",
    );
    one(
        &two,
        "\"0.5 /y\"",
        "\"0.5 /y\"",
        "disruptions 'cut' and 'cut2' both have a hazard_grid",
    );
    one(
        &case("", SELLER, "target = \"RU\"\nhazard_grid = [\"-1 /y\"]"),
        "hazard_grid",
        "\"-1 /y\"",
        "hazard_grid is negative (-1 /y)",
    );
}

#[test]
fn run_with_an_unknown_focus_exits_with_2() {
    let o = Command::new(env!("CARGO_BIN_EXE_gasdep"))
        .args([
            "run",
            "scenarios/examples/two-countries.toml",
            "--focus",
            "A,ZZ",
            "--trials",
            "2",
            "--quiet",
            "--charts",
            "none",
            "--out",
        ])
        .arg(std::env::temp_dir().join("gasdep-focus-never-written"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--focus: 'ZZ' is not a node"), "{err}");
    assert!(
        !std::env::temp_dir()
            .join("gasdep-focus-never-written")
            .exists()
    );
}

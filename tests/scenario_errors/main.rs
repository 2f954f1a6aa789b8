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

mod dates;
mod limits;
mod measures;
mod quantities;
mod references;
mod shifts;
mod syntax;

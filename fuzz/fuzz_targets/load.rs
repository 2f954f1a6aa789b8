//! Fuzz target: the scenario loader must never panic, whatever the bytes.
//!
//! Input: arbitrary bytes, read as the CLI reads a file: checked to be
//! UTF-8 (`scenario::input::text`, which must place a bad byte at a line
//! and column), then loaded (`load_str`: nesting check, TOML, validation
//! and limits). Invalid bytes also go through `from_utf8_lossy`, so that
//! they become U+FFFD and still reach the TOML parser and the validator.
//! Checked on every input: no panic; an error has at least one problem,
//! each with line ≥ 1, column ≥ 1 and a non-empty message.
#![no_main]

use gasdep::scenario::{ScenarioError, input, load_str};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fn check_error(e: &ScenarioError) {
    let problems = e.problems();
    assert!(!problems.is_empty(), "an error without a problem");
    for p in problems {
        assert!(p.line >= 1 && p.column >= 1, "problem without a place: {p:?}");
        assert!(!p.message.trim().is_empty(), "empty message: {p:?}");
    }
    // Rendering must not panic either.
    let _ = e.to_string();
}

fn check(text: &str) {
    if let Err(e) = load_str(text, Path::new("fuzz.toml")) {
        check_error(&e);
    }
}

fuzz_target!(|data: &[u8]| {
    match input::text(data.to_vec(), Path::new("fuzz.toml")) {
        Ok(text) => check(&text),
        Err(e) => {
            check_error(&e);
            check(&String::from_utf8_lossy(data));
        }
    }
});

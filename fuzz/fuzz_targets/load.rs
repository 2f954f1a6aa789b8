//! Fuzz target: the scenario loader must never panic, whatever the text.
//!
//! Input: arbitrary bytes. Valid UTF-8 goes to `load_str` as it is; all
//! bytes also go through `from_utf8_lossy`, so that invalid sequences
//! become U+FFFD and still reach the TOML parser and the validator.
//! Checked on every input: no panic; an error has at least one problem,
//! each with line ≥ 1 and a non-empty message.
#![no_main]

use gasdep::scenario::load_str;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fn check(text: &str) {
    if let Err(e) = load_str(text, Path::new("fuzz.toml")) {
        let problems = e.problems();
        assert!(!problems.is_empty(), "an error without a problem");
        for p in problems {
            assert!(p.line >= 1, "problem without a line: {p:?}");
            assert!(!p.message.trim().is_empty(), "empty message: {p:?}");
        }
        // Rendering must not panic either.
        let _ = e.to_string();
    }
}

fuzz_target!(|data: &[u8]| {
    match std::str::from_utf8(data) {
        Ok(text) => check(text),
        Err(_) => check(&String::from_utf8_lossy(data)),
    }
});

//! Reading scenario text safely, before the TOML parser sees it.
//!
//! - The file size is capped before anything is read ([`MAX_FILE_BYTES`]):
//!   `gasdep validate /dev/zero` stops at once instead of filling memory.
//! - Bytes that are not UTF-8 are reported at the line and column of the
//!   first bad byte (the TOML reader needs text; `std` would only say
//!   "stream did not contain valid UTF-8").
//! - Nesting (arrays, inline tables, dotted keys and table headers) is
//!   measured by a small scan and refused past [`MAX_DEPTH`] at the place
//!   it goes too deep, before the parser's own recursion limit, which
//!   reports a 10,000-part dotted key at 1:1.

use super::error::{Locator, Problem, ScenarioError};
use std::io::Read;
use std::path::Path;

/// Largest scenario file read, in bytes (16 MiB). The shipped scenarios are
/// under 100 kB; a file at the node limit with a pipeline per node is
/// about 1 MB.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// Deepest nesting accepted: tables, arrays and dotted-key parts counted
/// together. The format itself nests four levels at most.
pub const MAX_DEPTH: usize = 32;

/// Read a scenario file: at most [`MAX_FILE_BYTES`], checked to be UTF-8.
pub fn read(path: &Path) -> Result<String, ScenarioError> {
    let io = |source| ScenarioError::Io {
        path: path.to_path_buf(),
        source,
    };
    let too_big = || {
        io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "larger than {} MiB, the limit for a scenario file (is it the right file?)",
                MAX_FILE_BYTES >> 20
            ),
        ))
    };
    let file = std::fs::File::open(path).map_err(io)?;
    // Regular files say their size; devices and pipes do not, so the read
    // itself stops one byte past the limit.
    if file.metadata().map_err(io)?.len() > MAX_FILE_BYTES {
        return Err(too_big());
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big());
    }
    text(bytes, path)
}

/// The bytes as text, or an error at the line and column of the first
/// byte that is not UTF-8.
pub fn text(bytes: Vec<u8>, path: &Path) -> Result<String, ScenarioError> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        // Everything before `at` is valid: place the offset in that text.
        let valid = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
        let problem = Locator::new(valid).problem(
            &(at..at),
            format!(
                "invalid UTF-8: byte 0x{:02X} at byte offset {at} is not part of a character",
                bytes[at]
            ),
            Some("save the file as UTF-8 text (scenario files are UTF-8)".into()),
        );
        ScenarioError::Invalid {
            path: path.to_path_buf(),
            problems: vec![problem],
        }
    })
}

/// A problem at the first place where `text` nests deeper than
/// [`MAX_DEPTH`], if it does.
pub fn nesting_problem(text: &str, loc: &Locator) -> Option<Problem> {
    let at = too_deep(text, MAX_DEPTH)?;
    Some(loc.problem(
        &(at..at),
        format!("nesting deeper than {MAX_DEPTH} levels (tables, arrays and dotted keys)"),
        Some(
            "a scenario nests a few levels at most: look for unclosed [ or { or a runaway dotted key"
                .into(),
        ),
    ))
}

/// Byte offset at which the nesting of `text` first exceeds `max`.
///
/// Depth = the parts of the current table header beyond the first, plus
/// the open arrays and inline tables, plus the dotted-key parts of the
/// keys that own them and of the key being read. Strings and comments are
/// skipped. The scan does not check the syntax (the TOML parser does that
/// next); on valid TOML it counts the real nesting.
pub fn too_deep(text: &str, max: usize) -> Option<usize> {
    let b = text.as_bytes();
    // Open arrays (false) and inline tables (true), each with the dots of
    // the key that owns it.
    let mut stack: Vec<(bool, usize)> = Vec::new();
    let mut outer_dots = 0; // sum of the owners' dots on the stack
    let mut header_dots = 0; // of the last [table] header
    let mut dots = 0; // of the key being read
    let mut in_key = true;
    let mut in_header = false;
    let mut i = 0;
    while i < b.len() {
        let depth = header_dots + outer_dots + stack.len() + dots;
        match b[i] {
            b'"' | b'\'' => {
                i = skip_string(b, i);
                continue;
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\n' if stack.is_empty() => {
                in_key = true;
                in_header = false;
                dots = 0;
            }
            b'[' if in_key && stack.is_empty() && !in_header => {
                in_header = true;
                header_dots = 0;
                dots = 0;
                if b.get(i + 1) == Some(&b'[') {
                    i += 1;
                }
            }
            b'.' if in_header => {
                header_dots += 1;
                if header_dots > max {
                    return Some(i);
                }
            }
            b']' if in_header => {
                in_header = false;
                if b.get(i + 1) == Some(&b']') {
                    i += 1;
                }
            }
            b'.' if in_key => {
                dots += 1;
                if depth + 1 > max {
                    return Some(i);
                }
            }
            b'=' if in_key => in_key = false,
            open @ (b'[' | b'{') if !in_key => {
                if depth + 1 > max {
                    return Some(i);
                }
                stack.push((open == b'{', dots));
                outer_dots += dots;
                dots = 0;
                in_key = open == b'{';
            }
            b']' | b'}' if !stack.is_empty() => {
                if let Some((_, d)) = stack.pop() {
                    outer_dots -= d;
                }
                dots = 0;
                in_key = false;
            }
            b',' if !stack.is_empty() => {
                dots = 0;
                in_key = stack.last().is_some_and(|s| s.0);
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Index just past the string starting at `b[i]` (a quote), or at the end
/// of its line when it is not closed there (single-line strings).
pub(super) fn skip_string(b: &[u8], i: usize) -> usize {
    let q = b[i];
    let basic = q == b'"';
    let multi = b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q);
    let mut j = i + if multi { 3 } else { 1 };
    while j < b.len() {
        let c = b[j];
        if basic && c == b'\\' {
            j += 2;
            continue;
        }
        if !multi && c == b'\n' {
            return j;
        }
        if c == q && (!multi || (b.get(j + 1) == Some(&q) && b.get(j + 2) == Some(&q))) {
            return j + if multi { 3 } else { 1 };
        }
        j += 1;
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_of_the_format_is_counted() {
        let ok = "[scenario]\nname = \"a.b.c\" # x.y.z [[[\n[[policy.measure]]\n\
                  targets = [{ date = \"05-01\", fill = \"30 %\" }, { a.b = [1.5, [2]] }]\n";
        // header 1 + array 1 + table 1 + `a.b` 1 + array 1 + array 1 = 6
        assert_eq!(too_deep(ok, 6), None);
        assert_eq!(too_deep(ok, 5), Some(ok.find("[2").unwrap()));
        let s = "x = '''[[[[''' \ny = \"\\\"[[[[\"\nz = [[1]]\n";
        assert_eq!(too_deep(s, 2), None);
        assert_eq!(too_deep(s, 1), Some(s.find("[1").unwrap()));
    }

    #[test]
    fn deep_dotted_keys_and_headers_are_found_where_they_go_too_deep() {
        let key = format!("a{} = 1", ".a".repeat(10_000));
        assert_eq!(too_deep(&key, 32), Some(1 + 2 * 32));
        let header = format!("[{}a]", "a.".repeat(10_000));
        assert_eq!(too_deep(&header, 32), Some(1 + 2 * 32 + 1));
        let arrays = format!("x = {}{}", "[".repeat(1000), "]".repeat(1000));
        assert_eq!(too_deep(&arrays, 32), Some(4 + 32));
    }
}

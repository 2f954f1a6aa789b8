//! Errors in scenario files, each with its place and a fix.
//!
//! Role: the error type of [`super::validate::load`] and
//! [`super::validate::load_str`], and the [`Locator`] that turns the byte
//! spans of the TOML parser into the 1-based line and column people see
//! in an editor. Invariant: an [`ScenarioError::Invalid`] always holds at
//! least one [`Problem`], each with a line ≥ 1 and a non-empty message.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

/// One problem found in a scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// 1-based line and column (in characters) of the offending value.
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// The file it is in, when not the one the error names (a base file
    /// that the scenario `extends`).
    pub file: Option<PathBuf>,
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", render(path, problems))]
    Invalid {
        path: PathBuf,
        problems: Vec<Problem>,
    },
}

impl ScenarioError {
    pub fn problems(&self) -> &[Problem] {
        match self {
            ScenarioError::Io { .. } => &[],
            ScenarioError::Invalid { problems, .. } => problems,
        }
    }
}

fn render(path: &std::path::Path, problems: &[Problem]) -> String {
    let mut out = String::new();
    for (i, p) in problems.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!(
            "{}:{}:{}: {}",
            p.file.as_deref().unwrap_or(path).display(),
            p.line,
            p.column,
            p.message
        ));
        if let Some(h) = &p.help {
            out.push_str(&format!("\n    help: {h}"));
        }
    }
    if problems.len() > 1 {
        out.push_str(&format!(
            "\n{} problems in {}",
            problems.len(),
            path.display()
        ));
    }
    out
}

/// Maps byte offsets of a source text to 1-based line and column.
pub struct Locator<'a> {
    text: &'a str,
    /// Byte offset of the start of each line; a binary search finds a
    /// line, so a file with thousands of problems is not scanned once per
    /// problem.
    line_starts: Vec<usize>,
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(
                text.bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        Locator { text, line_starts }
    }

    /// The text being located.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// 1-based line and column (in characters) of the start of `span`;
    /// offsets past the end are clamped to the end.
    pub fn place(&self, span: &Range<usize>) -> (usize, usize) {
        let at = span.start.min(self.text.len());
        // Number of line starts at or before `at` = the 1-based line.
        let line = self.line_starts.partition_point(|&s| s <= at);
        let line_start = self.line_starts[line - 1];
        let before = &self.text.as_bytes()[..at];
        // Columns count characters, as editors show them.
        let column = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count()
            + 1;
        (line, column)
    }

    /// Span of the value of the first `key = …` line, for the few values
    /// the model keeps without a span (plain lists). A heuristic: a key of
    /// the same name in another table would be found too, so callers give
    /// keys that are unique in the format.
    pub fn find_key(&self, key: &str) -> Option<Range<usize>> {
        let mut offset = 0;
        for line in self.text.split_inclusive('\n') {
            let start = line.len() - line.trim_start().len();
            if let Some(rest) = line[start..].strip_prefix(key) {
                let after = rest.trim_start();
                if let Some(value) = after.strip_prefix('=') {
                    let v = offset + line.len() - value.trim_start().len();
                    return Some(v..v);
                }
            }
            offset += line.len();
        }
        None
    }

    pub fn problem(&self, span: &Range<usize>, message: String, help: Option<String>) -> Problem {
        let (line, column) = self.place(span);
        Problem {
            line,
            column,
            message,
            help,
            file: None,
        }
    }

    /// Byte offset of 1-based `line` and `column` (in characters), the
    /// inverse of [`Locator::place`]; clamped to the text.
    pub fn offset(&self, line: usize, column: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.max(1) - 1) else {
            return self.text.len();
        };
        let rest = &self.text[start..];
        let end = rest.find('\n').unwrap_or(rest.len());
        start
            + rest[..end]
                .char_indices()
                .nth(column.max(1) - 1)
                .map_or(end, |(i, _)| i)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

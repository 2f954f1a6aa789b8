//! Errors in scenario files, each with its place and a fix.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

/// One problem found in a scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// 1-based line and column of the offending value (0 if unknown).
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
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
            path.display(),
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
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a str) -> Self {
        Locator { text }
    }

    pub fn place(&self, span: &Range<usize>) -> (usize, usize) {
        let at = span.start.min(self.text.len());
        let before = &self.text.as_bytes()[..at];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        // Columns count characters, as editors show them.
        let column = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count()
            + 1;
        (line, column)
    }

    pub fn problem(&self, span: &Range<usize>, message: String, help: Option<String>) -> Problem {
        let (line, column) = self.place(span);
        Problem {
            line,
            column,
            message,
            help,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

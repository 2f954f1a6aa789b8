//! Scenario inheritance: `extends = "base.toml"` at the top of a file takes
//! the base scenario and applies the file's tables to it.
//!
//! - `[[node]]`, `[[origin]]`, `[[company]]`, `[[pipeline]]`,
//!   `[[contract]]`, `[[disruption]]`, `[[event]]`, `[[policy]]` with the
//!   `id` of a base element replace that element in place (the whole
//!   element, its sub-tables such as `[[policy.measure]]` included); new
//!   ids are added after the base's elements. `[[uncertain]]` elements are
//!   identified by their `path`.
//! - `[scenario]` is merged key by key: the child's keys replace the
//!   base's, the others stay. `[uncertainty]`, `[market]` and
//!   `[lng_market]` are replaced whole.
//! - `remove = ["pipeline:nord-stream", "policy:deal", "market"]` drops
//!   base elements by kind and id (or a whole table by its name).
//!
//! The result is one self-contained TOML text (no `extends` left) built
//! from verbatim pieces of the files, so every byte of it has a place in
//! one of them: a problem found in the resolved text is reported at the
//! line and column of the child or of the base file it came from. The
//! resolved text is what a run records as `scenario.toml` (shards and
//! merges read it without the files it came from). A base may itself
//! extend another file, up to [`MAX_CHAIN`] files.

use super::error::{Locator, Problem, ScenarioError};
use super::input::skip_string;
use super::validate::load_str;
use super::{Model, input};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Longest chain of files extending one another.
pub const MAX_CHAIN: usize = 8;

/// Array tables whose elements are matched by `id`, and `uncertain`, by
/// `path`.
const KEYED: [(&str, &str); 10] = [
    ("node", "id"),
    ("origin", "id"),
    ("company", "id"),
    ("pipeline", "id"),
    ("contract", "id"),
    ("disruption", "id"),
    ("event", "id"),
    ("demand_shift", "id"),
    ("policy", "id"),
    ("uncertain", "path"),
];
/// Tables replaced whole; `scenario` is merged by key.
const SINGLE: [&str; 4] = ["scenario", "uncertainty", "market", "lng_market"];

/// Read and check a scenario file, resolving `extends`. Returns the model
/// and the self-contained text it was read from (the file's own text when
/// it extends nothing).
pub fn load_file(path: &Path) -> Result<(Model, String), ScenarioError> {
    let text = input::read(path)?;
    if !extends_anything(&text) {
        let (_, m) = load_str(&text, path)?;
        return Ok((m, text));
    }
    let resolved = resolve(path, text)?;
    match load_str(&resolved.text, path) {
        Ok((_, m)) => Ok((m, resolved.text)),
        Err(e) => Err(resolved.remap(e, path)),
    }
}

/// Whether `text` has a top-level `extends` key.
pub fn extends_anything(text: &str) -> bool {
    scan(text)
        .iter()
        .any(|l| l.table.is_empty() && l.key.as_deref() == Some("extends"))
}

/// A resolved scenario: its text and where each piece came from.
pub struct Resolved {
    pub text: String,
    sources: Vec<(PathBuf, String)>,
    /// (offset in `text`, length, source index, offset in the source).
    pieces: Vec<(usize, usize, usize, usize)>,
}

impl Resolved {
    fn push(&mut self, source: usize, range: Range<usize>) {
        let piece = &self.sources[source].1[range.clone()];
        self.pieces
            .push((self.text.len(), piece.len(), source, range.start));
        self.text.push_str(piece);
        if !self.text.ends_with('\n') {
            self.text.push('\n');
        }
    }

    /// Where byte `at` of the resolved text came from: (source, offset).
    fn origin(&self, at: usize) -> (usize, usize) {
        let i = self.pieces.partition_point(|p| p.0 <= at).saturating_sub(1);
        match self.pieces.get(i) {
            Some(&(start, len, src, from)) => (src, from + (at - start).min(len)),
            None => (0, 0),
        }
    }

    /// The problems of `e` (placed in the resolved text) placed in the
    /// files they came from.
    fn remap(&self, e: ScenarioError, path: &Path) -> ScenarioError {
        let ScenarioError::Invalid { problems, .. } = e else {
            return e;
        };
        let here = Locator::new(&self.text);
        let locators: Vec<Locator> = self.sources.iter().map(|s| Locator::new(&s.1)).collect();
        let mut problems: Vec<Problem> = problems
            .into_iter()
            .map(|p| {
                let at = here.offset(p.line, p.column);
                let (src, off) = self.origin(at);
                let (line, column) = locators[src].place(&(off..off));
                let file = (src != 0).then(|| self.sources[src].0.clone());
                Problem {
                    line,
                    column,
                    file,
                    ..p
                }
            })
            .collect();
        problems.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        ScenarioError::Invalid {
            path: path.to_path_buf(),
            problems,
        }
    }
}

/// One logical line of a TOML text at the top level of its table.
#[derive(Debug, Clone)]
struct Line {
    /// The byte range, newline included (a multi-line value is one line).
    range: Range<usize>,
    /// The table header in force (empty before the first header).
    table: Vec<String>,
    /// For a header: whether it is `[[…]]`.
    header: Option<bool>,
    /// For a key-value line: the first part of its key.
    key: Option<String>,
    /// For a key-value line: the range of its value.
    value: Range<usize>,
}

/// Split `text` into logical lines. Never panics; on text that is not
/// TOML the result is approximate (the TOML reader reports the problem).
fn scan(text: &str) -> Vec<Line> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut table: Vec<String> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        while i < b.len() && matches!(b[i], b' ' | b'\t') {
            i += 1;
        }
        let mut line = Line {
            range: start..start,
            table: table.clone(),
            header: None,
            key: None,
            value: i..i,
        };
        match b.get(i) {
            Some(b'[') => {
                let double = b.get(i + 1) == Some(&b'[');
                i += if double { 2 } else { 1 };
                let (parts, end) = key_path(b, i, b']');
                i = end;
                table = parts;
                line.table = table.clone();
                line.header = Some(double);
                i = end_of_line(b, i);
            }
            Some(b'#' | b'\n' | b'\r') | None => i = end_of_line(b, i),
            Some(_) => {
                let (parts, end) = key_path(b, i, b'=');
                line.key = parts.into_iter().next();
                i = (end + 1).min(b.len());
                while i < b.len() && matches!(b[i], b' ' | b'\t') {
                    i += 1;
                }
                let v = i;
                i = end_of_value(b, i);
                line.value = v..i;
                i = end_of_line(b, i);
            }
        }
        line.range = start..i;
        out.push(line);
    }
    out
}

/// The dotted key starting at `i`, up to the byte `stop` outside quotes,
/// and the index of `stop` (or of the line's end).
fn key_path(b: &[u8], mut i: usize, stop: u8) -> (Vec<String>, usize) {
    let mut parts = vec![String::new()];
    while i < b.len() && b[i] != stop && b[i] != b'\n' {
        match b[i] {
            q @ (b'"' | b'\'') => {
                let end = skip_string(b, i);
                let inner = &b[(i + 1).min(end)..end.saturating_sub(1).max(i + 1)];
                if let Some(p) = parts.last_mut() {
                    p.push_str(&String::from_utf8_lossy(inner));
                }
                let _ = q;
                i = end;
                continue;
            }
            b'.' => parts.push(String::new()),
            b' ' | b'\t' => {}
            c => {
                if let Some(p) = parts.last_mut() {
                    p.push(char::from(c));
                }
            }
        }
        i += 1;
    }
    (parts, i)
}

/// Index just after the value starting at `i` (strings, arrays and inline
/// tables may span lines), before any comment.
fn end_of_value(b: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < b.len() {
        match b[i] {
            b'"' | b'\'' => {
                i = skip_string(b, i);
                continue;
            }
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\n' if depth == 0 => return i,
            _ => {}
        }
        i += 1;
    }
    i
}

/// Index just past the newline ending the line at `i` (or the text's end).
fn end_of_line(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i] != b'\n' {
        i += 1;
    }
    (i + 1).min(b.len())
}

/// A top-level part of a file: a table or one element of an array of
/// tables, with its sub-tables; or a top-level key.
#[derive(Debug, Clone)]
struct Item {
    kind: String,
    /// `id` (or `path`) of an array element, when it has one.
    id: Option<String>,
    /// A top-level key (TOML wants those before every table).
    top: bool,
    /// Lines of the item (header first for tables).
    lines: Vec<Line>,
}

fn items(text: &str) -> (Vec<Line>, Vec<Item>) {
    let mut prefix = Vec::new();
    let mut items: Vec<Item> = Vec::new();
    for line in scan(text) {
        let first = line.table.first().cloned();
        match (&line.header, first) {
            (Some(_), Some(k)) if line.table.len() == 1 => {
                // Comments and blank lines just above a table belong to it.
                let above = match items.last_mut() {
                    Some(prev) => &mut prev.lines,
                    None => &mut prefix,
                };
                let keep = above
                    .iter()
                    .rposition(|l: &Line| l.key.is_some() || l.header.is_some())
                    .map_or(0, |i| i + 1);
                let mut lines: Vec<Line> = above.split_off(keep);
                lines.push(line);
                items.push(Item {
                    kind: k,
                    id: None,
                    top: false,
                    lines,
                });
            }
            (Some(_), Some(k)) => match items.iter_mut().rev().find(|i| i.kind == k) {
                Some(it) => it.lines.push(line),
                None => items.push(Item {
                    kind: k,
                    id: None,
                    top: false,
                    lines: vec![line],
                }),
            },
            _ if line.table.is_empty() => match &line.key {
                Some(k) => items.push(Item {
                    kind: k.clone(),
                    id: None,
                    top: true,
                    lines: vec![line],
                }),
                None => prefix.push(line),
            },
            _ => match items.last_mut() {
                Some(it) => it.lines.push(line),
                None => prefix.push(line),
            },
        }
    }
    for it in &mut items {
        let Some(&(_, field)) = KEYED.iter().find(|k| k.0 == it.kind) else {
            continue;
        };
        it.id = it
            .lines
            .iter()
            .find(|l| l.table.len() == 1 && l.key.as_deref() == Some(field))
            .and_then(|l| {
                toml::from_str::<toml::Table>(&format!("x = {}", &text[l.value.clone()])).ok()
            })
            .and_then(|t| t.get("x").and_then(|v| v.as_str()).map(str::to_string));
    }
    (prefix, items)
}

fn problem(text: &str, span: Range<usize>, message: String, help: &str) -> Problem {
    Locator::new(text).problem(&span, message, Some(help.into()))
}

fn invalid(path: &Path, problems: Vec<Problem>) -> ScenarioError {
    ScenarioError::Invalid {
        path: path.to_path_buf(),
        problems,
    }
}

/// Resolve `text` (the file `path`) and the chain of files it extends.
pub fn resolve(path: &Path, text: String) -> Result<Resolved, ScenarioError> {
    let mut chain = vec![(path.to_path_buf(), text)];
    loop {
        let (p, t) = chain.last().expect("the chain starts with the file");
        let Some((target, span)) = extends_target(t, p)? else {
            break;
        };
        let dir = p.parent().unwrap_or(Path::new("."));
        let base = dir.join(&target);
        let same = |a: &Path| {
            std::fs::canonicalize(a)
                .ok()
                .is_some_and(|a| std::fs::canonicalize(&base).is_ok_and(|b| b == a))
        };
        let fail = |message: String, help: &str| {
            let (p, t) = chain.last().expect("non-empty");
            invalid(p, vec![problem(t, span.clone(), message, help)])
        };
        if chain.iter().any(|(q, _)| same(q)) {
            return Err(fail(
                format!("extends \"{target}\" makes a cycle of files extending each other"),
                "a base must not extend the file that extends it",
            ));
        }
        if chain.len() >= MAX_CHAIN {
            return Err(fail(
                format!("more than {MAX_CHAIN} files extend one another"),
                "extend the base directly instead of through a long chain",
            ));
        }
        let base_text = match input::read(&base) {
            Ok(t) => t,
            Err(ScenarioError::Io { source, .. }) => {
                return Err(fail(
                    format!(
                        "extends \"{target}\": cannot read {}: {source}",
                        base.display()
                    ),
                    "the path is relative to the folder of the file that extends it",
                ));
            }
            Err(e) => return Err(e),
        };
        chain.push((base, base_text));
    }
    // Source 0 is the file itself (problems there carry no extra path);
    // apply from the root base down to it.
    let n = chain.len();
    let mut out = Resolved {
        text: String::new(),
        sources: chain,
        pieces: Vec::new(),
    };
    let (prefix, root) = items(&out.sources[n - 1].1);
    let mut acc: Vec<(usize, Item)> = root
        .into_iter()
        .filter(|i| i.kind != "extends" && i.kind != "remove")
        .map(|i| (n - 1, i))
        .collect();
    for src in (0..n - 1).rev() {
        let (path, text) = (&out.sources[src].0, &out.sources[src].1);
        acc = apply(acc, src, text, path)?;
    }
    // Comments before the first table of the root base keep their place
    // (a schema line stays first); a note says where the text came from.
    for l in prefix {
        out.push(n - 1, l.range);
    }
    let names: Vec<String> = out
        .sources
        .iter()
        .map(|(p, _)| {
            p.file_name()
                .map_or(String::new(), |f| f.to_string_lossy().into_owned())
        })
        .collect();
    let note = format!(
        "# Resolved by gasdep into one self-contained file: {}.\n",
        names.join(" extends ")
    );
    out.pieces.push((out.text.len(), 0, 0, 0));
    out.text.push_str(&note);
    // Top-level keys first (TOML needs them before any table).
    acc.sort_by_key(|(_, i)| !i.top);
    for (src, item) in acc {
        for l in item.lines {
            out.push(src, l.range);
        }
    }
    Ok(out)
}

/// The `extends` value of `text` and its span, if it has one.
fn extends_target(
    text: &str,
    path: &Path,
) -> Result<Option<(String, Range<usize>)>, ScenarioError> {
    let Some(line) = scan(text)
        .into_iter()
        .find(|l| l.table.is_empty() && l.key.as_deref() == Some("extends"))
    else {
        return Ok(None);
    };
    let span = line.value.clone();
    let raw = text[span.clone()].trim();
    match toml::from_str::<toml::Table>(&format!("x = {raw}")) {
        Ok(t)
            if t.get("x")
                .and_then(|v| v.as_str())
                .is_some_and(|s| !s.trim().is_empty()) =>
        {
            Ok(Some((
                t["x"].as_str().unwrap_or_default().to_string(),
                span,
            )))
        }
        _ => Err(invalid(
            path,
            vec![problem(
                text,
                span,
                format!("extends = {raw} is not a file name"),
                "write extends = \"base.toml\", a path relative to this file",
            )],
        )),
    }
}

/// Apply the items of the file `text` (source `src`) to the base's items.
fn apply(
    base: Vec<(usize, Item)>,
    src: usize,
    text: &str,
    path: &Path,
) -> Result<Vec<(usize, Item)>, ScenarioError> {
    let (_, items) = items(text);
    let mut out = base;
    let mut problems = Vec::new();
    // Removals first, by kind and id.
    for it in items.iter().filter(|i| i.kind == "remove") {
        let Some(line) = it.lines.first() else {
            continue;
        };
        let raw = &text[line.value.clone()];
        let parsed = toml::from_str::<toml::Table>(&format!("x = {raw}"));
        let list: Vec<String> = match parsed.ok().and_then(|t| t.get("x").cloned()) {
            Some(toml::Value::Array(a)) if a.iter().all(|v| v.is_str()) => a
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => {
                problems.push(problem(
                    text,
                    line.value.clone(),
                    "remove must be a list of \"kind:id\" strings".into(),
                    "e.g. remove = [\"pipeline:nord-stream\", \"policy:deal\", \"market\"]",
                ));
                continue;
            }
        };
        for (k, name) in list.iter().enumerate() {
            // The place of the k-th string in the list.
            let at = nth_string(raw, k).map_or(line.value.clone(), |r| {
                line.value.start + r.start..line.value.start + r.end
            });
            let (kind, id) = match name.split_once(':') {
                Some((k, i)) => (k, Some(i)),
                None => (name.as_str(), None),
            };
            let before = out.len();
            out.retain(|(_, i)| !(i.kind == kind && (id.is_none() || i.id.as_deref() == id)));
            if out.len() == before {
                let what = if KEYED.iter().any(|k| k.0 == kind) || SINGLE.contains(&kind) {
                    format!("remove \"{name}\": the base has no such element")
                } else {
                    format!("remove \"{name}\": '{kind}' is not a table of the format")
                };
                problems.push(problem(
                    text,
                    at,
                    what,
                    "write kind:id (e.g. \"pipeline:nord-stream\") of an element of the base, or a table name (\"market\")",
                ));
            }
        }
    }
    for it in items {
        match it.kind.as_str() {
            "extends" | "remove" => {}
            "scenario" => {
                // Merged key by key: the child's keys replace the base's.
                let keys: Vec<String> = it.lines.iter().filter_map(|l| l.key.clone()).collect();
                let at: Vec<usize> = (0..out.len())
                    .filter(|&p| out[p].1.kind == "scenario")
                    .collect();
                let Some(&last) = at.last() else {
                    out.push((src, it));
                    continue;
                };
                for &p in &at {
                    out[p]
                        .1
                        .lines
                        .retain(|l| l.key.as_ref().is_none_or(|k| !keys.contains(k)));
                }
                let lines = it
                    .lines
                    .into_iter()
                    .filter(|l| l.header.is_none())
                    .collect();
                let keys = Item {
                    kind: "scenario".into(),
                    id: None,
                    top: false,
                    lines,
                };
                out.insert(last + 1, (src, keys));
            }
            kind if SINGLE.contains(&kind) => match out.iter().position(|(_, i)| i.kind == kind) {
                Some(pos) => out[pos] = (src, it),
                None => out.push((src, it)),
            },
            kind if KEYED.iter().any(|k| k.0 == kind) => {
                let pos = it.id.as_ref().and_then(|id| {
                    out.iter()
                        .position(|(_, i)| i.kind == kind && i.id.as_ref() == Some(id))
                });
                match pos {
                    Some(pos) => out[pos] = (src, it),
                    None => out.push((src, it)),
                }
            }
            _ => out.push((src, it)),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(invalid(path, problems))
    }
}

/// Byte range of the `k`-th string of a one-line TOML array of strings.
fn nth_string(raw: &str, k: usize) -> Option<Range<usize>> {
    let b = raw.as_bytes();
    let (mut i, mut n) = (0, 0);
    while i < b.len() {
        if matches!(b[i], b'"' | b'\'') {
            let end = skip_string(b, i);
            if n == k {
                return Some(i..end);
            }
            n += 1;
            i = end;
            continue;
        }
        i += 1;
    }
    None
}

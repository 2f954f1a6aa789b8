//! The self-contained HTML report of a run, `report.html`.
//!
//! Role: answer the run's question first. The page opens with the headline
//! of each focus country and of Europe over the whole horizon, then the
//! answer charts (paired differences over time), an explorer that redraws
//! fan and difference charts for any country, metric, policy and year from
//! data embedded in the page, the other charts, and the long tables last,
//! their zero rows folded.
//!
//! Inputs: a [`Summary`] and the chart files already written. Output: one
//! HTML file with PNG (or, when only SVG exists, SVG) images inlined as
//! base64 `data:` URIs, CSS and script inline, no external resource, so the
//! file works from `file://`, offline, mailed or archived alone.
//!
//! Invariant: every string that comes from the summary passes through
//! [`escape`] (scenario names are user input and may contain markup), and
//! the embedded JSON through [`super::explorer::script_safe`].

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::charts::{self, ChartInfo, ChartOptions, ReportError, write_atomic};
use super::{explorer, tables};
use crate::stats::summary::Summary;

/// Standard base64 (RFC 4648 §4, with `=` padding).
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The report's style sheet.
const CSS: &str = include_str!("report.css");

/// Writes `report.html` (atomically) for one run.
pub fn write_report(
    summary: &Summary,
    chart_files: &[PathBuf],
    path: &Path,
) -> Result<(), ReportError> {
    let s = summary;
    let questions = charts::data::question_nodes(s);
    let infos = charts::chart_infos(s, &ChartOptions::default());
    let mut h = String::new();
    page_head(&mut h, &format!("gasdep: {}", s.scenario.name));
    let _ = write!(
        h,
        "<h1>{}</h1>\n<p class=\"meta\">{} to {} · {} trials · seed {} · dependency origins: {} · gasdep {} (schema {})</p>\n",
        escape(&s.scenario.name),
        escape(&s.scenario.start),
        escape(&s.scenario.end),
        s.run.trials,
        s.run.seed,
        escape(&s.scenario.dependency_countries.join(", ")),
        escape(&s.gasdep_version),
        s.schema_version,
    );
    h.push_str("<nav class=\"toc\">");
    for q in &questions {
        let _ = write!(
            h,
            "<a href=\"#headline-{}\">{}</a>",
            escape(q),
            escape(&tables::node_title(s, q))
        );
    }
    h.push_str("<a href=\"#answer\">Answer</a>");
    if s.hazard_grid.is_some() {
        h.push_str("<a href=\"#hazard-grid\">Other hazards</a>");
    }
    h.push_str("<a href=\"#explore\">Explore</a><a href=\"#charts\">Charts</a><a href=\"#tables\">Tables</a></nav>\n");
    h.push_str("<p class=\"read\">Over the whole horizon: each column is read in its worst year (in its header: the year the worst policy is worst). Per cell, the median over trials (the mean when the median is zero), the range of 90 % of trials, the mean paired difference from the baseline in that year with its 95 % interval (bold when it excludes zero), and the policy's own worst year when it is another. Risk: the probability that curtailment exceeds 1 % of the year's demand.</p>\n");
    for q in &questions {
        tables::headline(&mut h, s, q);
    }
    h.push_str("<h2 id=\"answer\">The answer: what each policy changes</h2>\n");
    figures(&mut h, chart_files, infos.iter().filter(|i| i.answer))?;
    super::hazard_grid::section(&mut h, s, &questions);
    h.push_str("<h2 id=\"explore\">Explore the results</h2>\n<p class=\"read\">Pick a country, a metric, the policies and a year: the charts and the table are redrawn from the run's numbers, which this page carries (nothing is fetched). Hover over a chart for its values; the button downloads the table shown as CSV.</p>\n<div id=\"explorer\"><noscript>The explorer needs JavaScript; the charts and tables of this page do not.</noscript></div>\n");
    h.push_str("<h2 id=\"charts\">Charts</h2>\n");
    figures(&mut h, chart_files, infos.iter().filter(|i| !i.answer))?;
    h.push_str("<h2 id=\"tables\">Tables</h2>\n");
    if !s.scenario.description.trim().is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"desc\">{}</p>",
            escape(&s.scenario.description)
        );
    }
    h.push_str("<h3>Policies</h3>\n");
    tables::policies_table(&mut h, s);
    tables::events_table(&mut h, s, &questions);
    let _ = writeln!(
        h,
        "<footer>Written by gasdep {} · {} trials · seed {}{} · command: <code>{}</code></footer>",
        escape(&s.gasdep_version),
        s.run.trials,
        s.run.seed,
        match s.run.shard {
            Some((k, n)) => format!(" · shard {k}/{n}"),
            None => String::new(),
        },
        escape(&s.run.command),
    );
    let _ = write!(
        h,
        "<script type=\"application/json\" id=\"gasdep-data\">{}</script>\n<script>{}</script>\n</body></html>\n",
        explorer::data_json(s),
        explorer::SCRIPT
    );
    write_atomic(path, h.as_bytes())
}

/// The page's `<head>` and the opening of its body.
pub fn page_head(h: &mut String, title: &str) {
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{}</style></head><body>\n",
        escape(title),
        CSS
    );
}

/// One figure per chart found among `files`, PNG preferred over SVG.
pub fn figures<'a>(
    h: &mut String,
    files: &[PathBuf],
    infos: impl Iterator<Item = &'a ChartInfo>,
) -> Result<(), ReportError> {
    for info in infos {
        let id = info.id.as_str();
        let pick = |ext: &str| {
            files.iter().find(|f| {
                f.file_stem().is_some_and(|s| s == id) && f.extension().is_some_and(|e| e == ext)
            })
        };
        let (file, mime) = match (pick("png"), pick("svg")) {
            (Some(f), _) => (f, "image/png"),
            (None, Some(f)) => (f, "image/svg+xml"),
            (None, None) => continue,
        };
        let bytes = std::fs::read(file).map_err(|source| ReportError::Io {
            path: file.clone(),
            source,
        })?;
        let _ = write!(
            h,
            "<h3 id=\"{}\">{}</h3>\n<figure><img alt=\"{}\" src=\"data:{mime};base64,{}\"><figcaption>{}</figcaption></figure>\n",
            escape(id),
            escape(&info.title),
            escape(&info.title),
            base64(&bytes),
            escape(&info.guide)
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_rfc4648_vectors() {
        // RFC 4648 §10 test vectors.
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o, "input {i:?}");
        }
        // High bytes use the last alphabet characters.
        assert_eq!(base64(&[0xfb, 0xff]), "+/8=");
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<script>\"a\" & 'b'</script>"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
    }
}

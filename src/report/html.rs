//! The self-contained HTML reports: `report.html` of a run and
//! `comparison.html` of `gasdep compare`.
//!
//! Role: put the charts of [`super::charts`] next to the numbers a reader
//! quotes (headline table, paired differences, event probabilities) and a
//! paragraph per chart saying how to read it.
//!
//! Inputs: a [`Summary`] (or several) and the chart files already written.
//! Output: one HTML file with PNG (or, when only SVG exists, SVG) images
//! inlined as base64 `data:` URIs, CSS inline, no external resource, so the
//! file can be mailed or archived alone.
//!
//! Invariant: every string that comes from the summary passes through
//! [`escape`]; scenario names are user input and may contain markup.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::charts::{
    self, COMPARISON_CHART_ID, Formats, HEADLINE_METRICS, ReportError, display_factor,
    find_difference, find_series, fmt_num, last_year, policy_color_hex, stat_at, write_atomic,
};
use crate::stats::summary::{REGION, Summary};

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

/// Title and reading guide of each chart, by id.
fn chart_text(id: &str) -> (&'static str, &'static str) {
    match id {
        "dependency_fan" => (
            "Traced dependency over time",
            "The share of Europe's gas consumption that comes, traced through storage and re-exports, from the dependency countries, month by month. Each policy has its own colour: the line is the median over trials, the dark band holds the middle half of trials (25–75 %), the light band 90 % of them (5–95 %). The axis is always 0–100 % so charts of different runs can be laid side by side.",
        ),
        "policy_comparison" => (
            "Headline metrics by policy",
            "Four panels for the last year of the horizon: dependency share, unserved demand as a share of demand, storage fill on 1 November and supply cost. Boxes span 25–75 % of trials, whiskers 5–95 %, the dark bar is the median. Under each policy, the mean paired difference against the baseline with its 95 % confidence interval: both policies faced the same random weather and disruptions in each trial, so the difference is the policy's effect, not noise. Bold differences exclude zero.",
        ),
        "dependency_by_country" => (
            "Dependency by country",
            "The median traced dependency share of each country (and of the region) in one year, one bar per policy; whiskers span 25–75 % of trials. Countries are sorted by the baseline's median, the most dependent at the top.",
        ),
        "storage_fill_fan" => (
            "Storage fill",
            "Europe's storage fill as a share of working volume, month by month, with the same bands as the dependency chart. A dashed line shows a policy's storage target trajectory when it has one: a median below it means the target is missed in most trials.",
        ),
        "curtailment_exceedance" => (
            "Risk of unserved demand",
            "For each level x of unserved demand (as a share of a year's demand), the probability that a year of the horizon exceeds it. A curve further down and to the left is safer. The curve is interpolated between reported percentiles, so read it as an approximation between the 5, 25, 50, 75 and 95 % points.",
        ),
        "flow_map" => (
            "Median flows",
            "A schematic map of median annual flows between countries and from supply origins (squares at the edge) in one year. Line width grows with the volume, colour shows the traced share of dependency-country gas in the flow (green none, red all); country circles are tinted by their own dependency share. The baseline is shown, beside the last policy when there are several.",
        ),
        COMPARISON_CHART_ID => (
            "Dependency across runs",
            "The region's traced dependency share under the baseline policy of each run: median line and 25–75 % band. Runs are separate simulations with their own random draws, so differences between them are not paired.",
        ),
        _ => ("Chart", ""),
    }
}

const CSS: &str = r#"
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#212529;max-width:1240px;margin:2rem auto;padding:0 1.2rem;line-height:1.5;background:#fff}
h1{font-size:1.9rem;margin:.2rem 0 .3rem}h2{font-size:1.35rem;margin-top:2.4rem;border-bottom:1px solid #dee2e6;padding-bottom:.2rem}
.meta{color:#646a73;font-size:.95rem}.desc{font-size:1.05rem;max-width:60rem}
table{border-collapse:collapse;margin:1rem 0;font-size:.92rem;font-variant-numeric:tabular-nums}
th,td{padding:.35rem .7rem;border-bottom:1px solid #e9ecef;text-align:right;vertical-align:top}
th{background:#f6f8fa;font-weight:600}th:first-child,td:first-child{text-align:left}
.range{color:#646a73;font-size:.85em;display:block}.sig{font-weight:600}
.sw{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;margin-right:.4rem;vertical-align:-1px}
figure{margin:1rem 0 0}figure img{width:100%;height:auto;border:1px solid #e9ecef}
figcaption,.read{max-width:60rem;color:#343a40}
footer{margin-top:3rem;color:#646a73;font-size:.85rem;border-top:1px solid #dee2e6;padding-top:.6rem}
"#;

/// Writes `report.html` (atomically) for one run.
pub fn write_report(
    summary: &Summary,
    chart_files: &[PathBuf],
    path: &Path,
) -> Result<(), ReportError> {
    let s = summary;
    let mut h = String::new();
    let title = format!("gasdep: {}", s.scenario.name);
    page_head(&mut h, &title);
    let _ = write!(
        h,
        "<h1>{}</h1>\n<p class=\"meta\">{} to {} · step {} · {} trials · seed {} · dependency origins: {} · gasdep {} (schema {})</p>\n",
        escape(&s.scenario.name),
        escape(&s.scenario.start),
        escape(&s.scenario.end),
        escape(&s.scenario.step),
        s.run.trials,
        s.run.seed,
        escape(&s.scenario.dependency_countries.join(", ")),
        escape(&s.gasdep_version),
        s.schema_version,
    );
    if !s.scenario.description.trim().is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"desc\">{}</p>",
            escape(&s.scenario.description)
        );
    }
    h.push_str("<h2>Policies</h2>\n<table><tr><th>Policy</th><th>Description</th></tr>\n");
    for (i, p) in s.scenario.policies.iter().enumerate() {
        let base = if p.id == s.scenario.baseline {
            " (baseline)"
        } else {
            ""
        };
        let _ = writeln!(
            h,
            "<tr><td><span class=\"sw\" style=\"background:{}\"></span><b>{}</b> — {}{}</td><td style=\"text-align:left\">{}</td></tr>",
            policy_color_hex(i),
            escape(&p.id),
            escape(&p.label),
            base,
            escape(&p.description)
        );
    }
    h.push_str("</table>\n");
    headline_table(&mut h, s);
    events_table(&mut h, s);
    h.push_str("<h2>Charts</h2>\n");
    charts_section(&mut h, chart_files, charts::chart_ids())?;
    let _ = write!(
        h,
        "<footer>Written by gasdep {} · {} trials · seed {}{} · command: <code>{}</code></footer>\n</body></html>\n",
        escape(&s.gasdep_version),
        s.run.trials,
        s.run.seed,
        match s.run.shard {
            Some((k, n)) => format!(" · shard {k}/{n}"),
            None => String::new(),
        },
        escape(&s.run.command),
    );
    write_atomic(path, h.as_bytes())
}

/// Writes the comparison chart(s) and `comparison.html` of several runs to
/// `dir`; returns every file written.
pub fn write_comparison(
    runs: &[Summary],
    dir: &Path,
    formats: Formats,
) -> Result<Vec<PathBuf>, ReportError> {
    let mut files = charts::write_comparison_charts(runs, dir, formats)?;
    let mut h = String::new();
    page_head(&mut h, "gasdep: comparison of runs");
    h.push_str("<h1>Comparison of runs</h1>\n<table><tr><th>Run</th><th>Scenario</th><th>Period</th><th>Trials</th><th>Seed</th><th>Baseline</th></tr>\n");
    for (i, s) in runs.iter().enumerate() {
        let _ = writeln!(
            h,
            "<tr><td><span class=\"sw\" style=\"background:{}\"></span>{}</td><td style=\"text-align:left\">{}</td><td>{} to {}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            policy_color_hex(i),
            i + 1,
            escape(&s.scenario.name),
            escape(&s.scenario.start),
            escape(&s.scenario.end),
            s.run.trials,
            s.run.seed,
            escape(&s.scenario.baseline)
        );
    }
    h.push_str("</table>\n<h2>Headline figures, last year of each run</h2>\n");
    h.push_str("<p class=\"read\">Median over trials with the 5–95 % range; the last column of each run gives the baseline's median minus the first run's baseline median (runs are independent, so this difference is not paired and has no interval).</p>\n");
    let first = runs.first();
    h.push_str("<table><tr><th>Run · policy</th>");
    for (_, t) in HEADLINE_METRICS {
        let _ = write!(h, "<th>{}</th>", escape(t));
    }
    h.push_str("</tr>\n");
    for (i, s) in runs.iter().enumerate() {
        for p in &s.scenario.policies {
            let _ = write!(
                h,
                "<tr><td>{} · {} · {}</td>",
                i + 1,
                escape(&s.scenario.name),
                escape(&p.id)
            );
            for (m, _) in HEADLINE_METRICS {
                let cell = headline_cell(s, &p.id, m);
                let vs_first = if p.id == s.scenario.baseline && i > 0 {
                    first
                        .and_then(|f| {
                            let a = median_last(s, &s.scenario.baseline, m)?;
                            let b = median_last(f, &f.scenario.baseline, m)?;
                            Some(format!(
                                "<span class=\"range\">vs run 1: {}{}</span>",
                                signed(a.0 - b.0),
                                unit_suffix(&a.1)
                            ))
                        })
                        .unwrap_or_default()
                } else {
                    String::new()
                };
                let _ = write!(h, "<td>{cell}{vs_first}</td>");
            }
            h.push_str("</tr>\n");
        }
    }
    h.push_str("</table>\n<h2>Chart</h2>\n");
    charts_section(&mut h, &files, &[COMPARISON_CHART_ID])?;
    h.push_str("</body></html>\n");
    let path = dir.join("comparison.html");
    write_atomic(&path, h.as_bytes())?;
    files.push(path);
    Ok(files)
}

fn page_head(h: &mut String, title: &str) {
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{}</style></head><body>\n",
        escape(title),
        CSS
    );
}

fn signed(v: f64) -> String {
    let s = fmt_num(v);
    if v > 0.0 { format!("+{s}") } else { s }
}

fn unit_suffix(u: &str) -> String {
    match u {
        "%" => " pp".into(),
        "" => String::new(),
        u => format!(" {}", escape(u)),
    }
}

/// Median of a region metric in its last year, in display units.
fn median_last(s: &Summary, policy: &str, metric: &str) -> Option<(f64, String)> {
    let year = last_year(s, metric)?;
    let ser = find_series(s, policy, REGION, metric, "year")?;
    let (f, u) = display_factor(metric, &ser.unit);
    stat_at(ser, &year).map(|st| (st.p50 * f, u))
}

/// "median (p5–p95) unit" of a region metric in its last year.
fn headline_cell(s: &Summary, policy: &str, metric: &str) -> String {
    let Some(year) = last_year(s, metric) else {
        return "—".into();
    };
    let Some(ser) = find_series(s, policy, REGION, metric, "year") else {
        return "—".into();
    };
    let (f, u) = display_factor(metric, &ser.unit);
    let Some(st) = stat_at(ser, &year) else {
        return "—".into();
    };
    let u = if u == "%" {
        " %".to_string()
    } else {
        format!(" {}", escape(&u))
    };
    format!(
        "{}{u}<span class=\"range\">{} – {}</span>",
        fmt_num(st.p50 * f),
        fmt_num(st.p5 * f),
        fmt_num(st.p95 * f)
    )
}

fn headline_table(h: &mut String, s: &Summary) {
    let years: Vec<String> = HEADLINE_METRICS
        .iter()
        .filter_map(|(m, _)| last_year(s, m))
        .collect();
    let year = years.first().cloned().unwrap_or_else(|| "—".into());
    let _ = write!(
        h,
        "<h2>Headline figures, Europe, {}</h2>\n<p class=\"read\">Median over trials, with the 5–95 % range below it. For each policy other than the baseline, the second line is the mean paired difference against the baseline with its 95 % confidence interval (common random numbers); bold when the interval excludes zero.</p>\n<table><tr><th>Policy</th>",
        escape(&year)
    );
    for (_, t) in HEADLINE_METRICS {
        let _ = write!(h, "<th>{}</th>", escape(t));
    }
    h.push_str("</tr>\n");
    for (i, p) in s.scenario.policies.iter().enumerate() {
        let _ = write!(
            h,
            "<tr><td><span class=\"sw\" style=\"background:{}\"></span>{}</td>",
            policy_color_hex(i),
            escape(&p.label)
        );
        for (m, _) in HEADLINE_METRICS {
            let mut cell = headline_cell(s, &p.id, m);
            if p.id != s.scenario.baseline
                && let Some(d) = last_year(s, m).and_then(|y| find_difference(s, &p.id, m, &y))
            {
                let (f, u) = display_factor(m, &d.unit);
                let sig = d.ci_low * f > 0.0 || d.ci_high * f < 0.0;
                let _ = write!(
                    cell,
                    "<span class=\"range{}\">Δ {}{} [{}, {}]</span>",
                    if sig { " sig" } else { "" },
                    signed(d.mean * f),
                    unit_suffix(&u),
                    signed(d.ci_low * f),
                    signed(d.ci_high * f)
                );
            }
            let _ = write!(h, "<td>{cell}</td>");
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
}

fn events_table(h: &mut String, s: &Summary) {
    if s.events.is_empty() {
        return;
    }
    h.push_str("<h2>Event probabilities</h2>\n<table><tr><th>Policy</th><th>Node</th><th>Event</th><th>Period</th><th>Probability [95 % CI]</th></tr>\n");
    for e in &s.events {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td style=\"text-align:left\">{}</td><td>{}</td><td>{:.1} % [{:.1}, {:.1}]</td></tr>",
            escape(&e.policy),
            escape(&e.node),
            escape(if e.description.is_empty() {
                &e.event
            } else {
                &e.description
            }),
            escape(&e.period),
            100.0 * e.probability,
            100.0 * e.ci_low,
            100.0 * e.ci_high
        );
    }
    h.push_str("</table>\n");
}

/// One figure per chart id found among `files`, PNG preferred over SVG.
fn charts_section(h: &mut String, files: &[PathBuf], ids: &[&str]) -> Result<(), ReportError> {
    for id in ids {
        let pick = |ext: &str| {
            files.iter().find(|f| {
                f.file_stem().is_some_and(|s| s == *id) && f.extension().is_some_and(|e| e == ext)
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
        let (title, read) = chart_text(id);
        let _ = write!(
            h,
            "<h3 id=\"{id}\">{}</h3>\n<figure><img alt=\"{}\" src=\"data:{mime};base64,{}\"><figcaption>{}</figcaption></figure>\n",
            escape(title),
            escape(title),
            base64(&bytes),
            escape(read)
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

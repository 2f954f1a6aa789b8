//! `gasdep run --per-trial`: the size stated before the run, refused above
//! `--per-trial-limit`, the files written into the run's staging folder
//! (so they appear atomically with its results), and `gasdep merge`
//! concatenating the shards' files in trial order.

use super::{Failure, io_err, output};
use crate::report::export::Staging;
use crate::report::per_trial::{self, INPUTS_FILE, STEPS_FILE, YEARLY_FILE};
use crate::sim::pertrial::{PerTrialSpec, Rows};
use crate::sim::run::Prepared;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Parse a size such as `500MB`, `2GB`, `1.5 GiB`, `1000000` (bytes) or
/// `none` (no limit).
pub fn parse_size(text: &str) -> Result<u64, Failure> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("none") {
        return Ok(u64::MAX);
    }
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let factor: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "kb" => 1e3,
        "mb" => 1e6,
        "gb" => 1e9,
        "tb" => 1e12,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        _ => f64::NAN,
    };
    match num.parse::<f64>() {
        Ok(x) if x >= 0.0 && (x * factor).is_finite() => Ok((x * factor) as u64),
        _ => Err(Failure::Input(format!(
            "--per-trial-limit '{text}': expected a size such as 500MB, 2GB or none"
        ))),
    }
}

/// A size for people: `12.3 MB`.
pub fn human(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.1} MB", b / 1e6)
    } else {
        format!("{:.0} kB", (b / 1e3).ceil())
    }
}

/// State the size of the per-trial files of `trials` trials before the
/// run; refuse above `limit` bytes.
pub fn announce(
    spec: &PerTrialSpec,
    prep: &Prepared,
    trials: u64,
    limit: u64,
    quiet: bool,
) -> Result<(), Failure> {
    let (ry, rs) = spec.rows(prep, trials);
    let (by, bs) = per_trial::estimate(spec, prep, trials);
    let total = by.saturating_add(bs);
    let mut parts = Vec::new();
    if ry > 0 {
        parts.push(format!("{YEARLY_FILE}: {ry} rows, ≈ {}", human(by)));
    }
    if rs > 0 {
        parts.push(format!("{STEPS_FILE}: {rs} rows, ≈ {}", human(bs)));
    }
    if total > limit {
        return Err(Failure::Input(format!(
            "--per-trial would write ≈ {} ({}), above --per-trial-limit {}: ask for fewer metrics, trials or step values, shard the run, or raise the limit (e.g. --per-trial-limit {})",
            human(total),
            parts.join("; "),
            human(limit),
            human(total.saturating_mul(2)).replace(' ', "")
        )));
    }
    if !quiet {
        output::err(&format!("per-trial values: {}\n", parts.join("; ")))?;
    }
    Ok(())
}

fn create(staging: &Staging, name: &str) -> Result<BufWriter<std::fs::File>, Failure> {
    let path = staging.dir.join(name);
    std::fs::File::create(&path)
        .map(|f| BufWriter::with_capacity(1 << 20, f))
        .map_err(|e| io_err("write", &path, e))
}

fn close(w: BufWriter<std::fs::File>, path: &Path) -> Result<(), Failure> {
    let f = w
        .into_inner()
        .map_err(|e| io_err("write", path, e.into_error()))?;
    f.sync_all().map_err(|e| io_err("write", path, e))
}

/// What writes one file's contents.
type FileBody<'a> = Box<dyn Fn(&mut BufWriter<std::fs::File>) -> std::io::Result<()> + 'a>;

/// Write the per-trial files of a run (or shard) of `trials`.
pub fn write(
    staging: &Staging,
    spec: &PerTrialSpec,
    prep: &Prepared,
    rows: &[Rows],
    trials: Range<u64>,
) -> Result<(), Failure> {
    let mut files: Vec<(&str, FileBody<'_>)> = Vec::new();
    if !spec.yearly.is_empty() {
        files.push((
            YEARLY_FILE,
            Box::new(|w| per_trial::write_yearly(w, spec, prep, rows, true)),
        ));
    }
    if !spec.steps.is_empty() {
        files.push((
            STEPS_FILE,
            Box::new(|w| per_trial::write_steps(w, spec, prep, rows, true)),
        ));
    }
    if prep.model.uncertain.is_some() {
        let t = trials.clone();
        files.push((
            INPUTS_FILE,
            Box::new(move |w| per_trial::write_inputs(w, prep, t.clone(), true)),
        ));
    }
    for (name, body) in files {
        let path = staging.dir.join(name);
        let mut w = create(staging, name)?;
        body(&mut w).map_err(|e| io_err("write", &path, e))?;
        close(w, &path)?;
    }
    Ok(())
}

/// Rows per trial of each per-trial file.
fn rows_per_trial(prep: &Prepared, name: &str) -> u64 {
    let per = (prep.policies.len() * prep.layout.nodes) as u64;
    match name {
        YEARLY_FILE => per * prep.layout.years.len() as u64,
        STEPS_FILE => per * prep.nets[0].steps.len() as u64,
        _ => 1,
    }
}

/// Concatenate the per-trial files of `shards` (in shard order, each with
/// its number of trials) into `staging`: each file's header once, then
/// every shard's rows, checked to be as many as its trials need.
pub fn merge(staging: &Staging, prep: &Prepared, shards: &[(PathBuf, u64)]) -> Result<(), Failure> {
    let shards_dirs: Vec<&PathBuf> = shards.iter().map(|s| &s.0).collect();
    for name in [YEARLY_FILE, STEPS_FILE, INPUTS_FILE] {
        let have: Vec<bool> = shards_dirs.iter().map(|d| d.join(name).is_file()).collect();
        if !have.iter().any(|&h| h) {
            continue;
        }
        if let Some(k) = have.iter().position(|&h| !h) {
            return Err(Failure::Input(format!(
                "{} has no {name} while other shards have one: run every shard with the same --per-trial",
                shards_dirs[k].display()
            )));
        }
        let path = staging.dir.join(name);
        let mut w = create(staging, name)?;
        let mut first_header: Option<String> = None;
        for (d, trials) in shards {
            let src = d.join(name);
            let f = std::fs::File::open(&src).map_err(|e| io_err("read", &src, e))?;
            let mut r = BufReader::with_capacity(1 << 20, f);
            let mut head = String::new();
            r.read_line(&mut head)
                .map_err(|e| io_err("read", &src, e))?;
            match &first_header {
                None => {
                    w.write_all(head.as_bytes())
                        .map_err(|e| io_err("write", &path, e))?;
                    first_header = Some(head);
                }
                Some(h) if *h != head => {
                    return Err(Failure::Input(format!(
                        "{}: its columns differ from the first shard's: run every shard with the same --per-trial",
                        src.display()
                    )));
                }
                Some(_) => {}
            }
            let mut lines = 0u64;
            loop {
                let buf = r.fill_buf().map_err(|e| io_err("read", &src, e))?;
                if buf.is_empty() {
                    break;
                }
                lines += buf.iter().filter(|&&b| b == b'\n').count() as u64;
                w.write_all(buf).map_err(|e| io_err("write", &path, e))?;
                let n = buf.len();
                r.consume(n);
            }
            let want = trials * rows_per_trial(prep, name);
            if lines != want {
                return Err(Failure::Input(format!(
                    "{}: {lines} rows, but its {trials} trials make {want}: the file is incomplete or changed; re-run that shard",
                    src.display()
                )));
            }
        }
        close(w, &path)?;
    }
    Ok(())
}

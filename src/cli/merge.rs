//! `gasdep merge` (shards into one result) and `gasdep compare` (finished
//! runs into one report). Both read only finished folders, refuse an
//! output that is one of their inputs, and write under the output's lock.

use super::lock::{OutputLock, clean_stale, refuse_output_among_inputs};
use super::shard::{self, refuse_temporary};
use super::{
    Charts, Failure, RunRecord, all_cores, check_target, interrupted, io_err, notes,
    policy_indices, shard_range, write_results,
};
use crate::scenario;
use crate::sim::run::{Accumulators, Prepared};
use crate::sim::summarize::summarize;
use crate::stats::summary::{RunInfo, Summary};
use std::path::{Path, PathBuf};

pub fn merge(
    dirs: &[PathBuf],
    out: Option<PathBuf>,
    force: bool,
    quiet: bool,
    charts_opt: Charts,
    command: String,
) -> Result<(), Failure> {
    // Shards are read and folded in one at a time, so memory holds one
    // shard and the running total, however many shards there are.
    let first_dir = &dirs[0];
    let first = shard::read(first_dir)?;
    let r0 = first.record.clone();
    let Some((_, n)) = r0.shard else {
        return Err(Failure::Input(format!(
            "{}: not a shard",
            first_dir.display()
        )));
    };
    let (_, mut model) = scenario::load_str(&first.scenario, &first_dir.join("scenario.toml"))?;
    model.trials = r0.trials;
    model.seed = r0.seed;
    let name = model.name.clone();
    let out = out.unwrap_or_else(|| Path::new("output").join(&name));
    refuse_output_among_inputs(&out, dirs)?;
    let _lock = OutputLock::acquire(&out)?;
    notes(clean_stale(&out)?)?;
    check_target(&out, &name, force)?;
    let policies = policy_indices(&model, &r0.policies)?;
    // The shards' focus shapes their hazard strata (`--focus` or the file's).
    if !r0.focus.is_empty() {
        model.focus = super::headline::focus_indices(&model, &r0.focus)?;
    }
    let prep = Prepared::for_summary(model, &policies);
    let mut acc = Accumulators::new(&prep);
    let mut seen = vec![false; n as usize];
    // Shard folders by index, with their trial counts (per-trial files).
    let mut order: Vec<(u32, PathBuf, u64)> = Vec::new();
    let mut wall = 0.0;
    let (mut trial_steps, mut cpu) = (0u64, 0.0);
    let text = first.scenario.clone();
    let mut pending = Some(first);
    for d in dirs {
        interrupted()?;
        let s = match pending.take() {
            Some(x) => x,
            None => shard::read(d)?,
        };
        let r = &s.record;
        let same = r.scenario_fingerprint == r0.scenario_fingerprint
            && r.seed == r0.seed
            && r.trials == r0.trials
            && r.gasdep_version == r0.gasdep_version
            && r.policies == r0.policies
            && r.focus == r0.focus
            && r.shard.map(|x| x.1) == Some(n)
            && super::fingerprint(&s.scenario) == r.scenario_fingerprint;
        if !same {
            return Err(Failure::Input(format!(
                "{} is not a shard of the same run as {} (scenario, seed, trials, policies, focus, shard count and gasdep version must all match)",
                d.display(),
                first_dir.display()
            )));
        }
        let k = r.shard.map_or(0, |x| x.0) as usize;
        if seen[k] {
            return Err(Failure::Input(format!(
                "shard {k} of {n} is given twice ({})",
                d.display()
            )));
        }
        seen[k] = true;
        let want = shard_range(r.trials, k as u32, n);
        if s.accumulators.trials != want.end - want.start {
            return Err(Failure::Input(format!(
                "{}: holds {} trials, expected {}",
                d.display(),
                s.accumulators.trials,
                want.end - want.start
            )));
        }
        shard::check_trials(d, &s, want.clone())?;
        order.push((k as u32, d.clone(), want.end - want.start));
        if s.accumulators.values.len() != acc.values.len() {
            return Err(Failure::Input(format!(
                "{}: shard layout does not match its scenario",
                d.display()
            )));
        }
        acc.merge(&s.accumulators)
            .map_err(|e| Failure::Input(format!("{}: {e}", d.display())))?;
        wall += r.wall_seconds;
        trial_steps += r.trial_steps;
        cpu += r.cpu_seconds;
    }
    let missing: Vec<String> = seen
        .iter()
        .enumerate()
        .filter(|(_, s)| !**s)
        .map(|(k, _)| k.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(Failure::Input(format!(
            "missing shards {} of {n}",
            missing.join(", ")
        )));
    }
    let record = RunRecord {
        shard: None,
        command: command.clone(),
        wall_seconds: wall,
        trial_steps,
        cpu_seconds: cpu,
        ..r0.clone()
    };
    let run = RunInfo {
        trials: r0.trials,
        seed: r0.seed,
        shard: None,
        wall_seconds: wall,
        threads: r0.threads,
        command,
        focus: r0.focus.clone(),
        markers: super::headline::markers(&prep.model, &prep.policies),
    };
    let summary = summarize(&prep, &acc, run);
    order.sort_by_key(|o| o.0);
    let shards: Vec<(PathBuf, u64)> = order.into_iter().map(|(_, d, t)| (d, t)).collect();
    write_results(
        &out,
        &summary,
        &record,
        &text,
        charts_opt
            .formats()
            .map(|formats| crate::report::charts::ChartOptions {
                formats,
                ..Default::default()
            })
            .as_ref(),
        all_cores(),
        &|| check_target(&out, &name, force),
        &|staging| super::pertrial::merge(staging, &prep, &shards),
    )?;
    if quiet {
        return Ok(());
    }
    super::output::out(&format!(
        "merged {} shards into {}\n",
        dirs.len(),
        out.display()
    ))
}

/// Marks a finished comparison folder; written last.
pub(super) const COMPARISON_FILE: &str = "comparison.json";

/// A comparison replaces only an earlier comparison or an empty folder.
pub(super) fn check_comparison_target(out: &Path) -> Result<(), Failure> {
    if !out.exists() {
        return Ok(());
    }
    let empty = std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_none());
    if !out.is_dir() || !(empty || out.join(COMPARISON_FILE).is_file()) {
        return Err(Failure::Input(format!(
            "{} exists and is not an earlier comparison (it has no {COMPARISON_FILE}): choose another --out",
            out.display()
        )));
    }
    Ok(())
}

/// Read a finished run's summary: `run.json` (written last) must be there.
pub(super) fn read_run(dir: &Path) -> Result<Summary, Failure> {
    refuse_temporary(dir)?;
    let record_path = dir.join("run.json");
    let record: RunRecord = std::fs::read_to_string(&record_path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .ok_or_else(|| {
            Failure::Input(format!(
                "{}: not a finished gasdep run (no readable run.json)",
                dir.display()
            ))
        })?;
    if record.shard.is_some() {
        return Err(Failure::Input(format!(
            "{}: a shard, not a whole run: merge the shards first (gasdep merge)",
            dir.display()
        )));
    }
    let path = dir.join("summary.json");
    let text = std::fs::read_to_string(&path).map_err(|e| io_err("read", &path, e))?;
    serde_json::from_str(&text)
        .map_err(|e| Failure::Input(format!("{}: not a gasdep summary ({e})", path.display())))
}

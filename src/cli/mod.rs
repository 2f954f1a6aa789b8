//! The command line: argument parsing and the glue between the library's
//! stages. Nothing here computes results; it loads, calls, writes, prints.
//!
//! Exit codes: 0 done; 2 could not run (bad input, unwritable output or
//! stream, refused overwrite, inconsistent or altered shards); 1 an
//! internal error (a bug: please report it); 130 interrupted (Ctrl-C or
//! SIGTERM), with earlier results left untouched; 141 standard output or
//! error closed by its reader.

mod backtest;
mod compare;
mod headline;
mod inspect;
mod lock;
mod merge;
pub mod output;
mod pertrial;
mod progress;
mod record;
mod sensitivity;
mod shard;

use record::{RUN_FORMAT, process_cpu_seconds};
pub use record::{RunRecord, fingerprint};

use crate::report::export::{Staging, write_iamc_csv, write_tidy_csv};
use crate::report::{Formats, charts, html};
use crate::scenario::{self, Model, ScenarioError};
use crate::sim::pertrial::{PerTrialSpec, Rows};
use crate::sim::run::{McOptions, Prepared, SimError, monte_carlo, monte_carlo_with};
use crate::sim::summarize::summarize;
use crate::stats::summary::{RunInfo, Summary};
use clap::{Parser, Subcommand, ValueEnum};
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// The built-in default scenario: the 2010 Franco-Russian case.
pub const DEFAULT_SCENARIO: &str = include_str!("../../scenarios/franco-russian-2010.toml");
pub const DEFAULT_SCENARIO_NAME: &str = "franco-russian-2010.toml (built in)";

#[derive(Parser, Debug)]
#[command(name = "gasdep", version, about = "Monte Carlo simulator of Europe's natural-gas dependency", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a scenario's Monte Carlo and write its results and charts.
    Run(RunArgs),
    /// Check scenario files and print every problem found.
    Validate {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the JSON Schema of the scenario format (for editors).
    Schema,
    /// Show what a scenario describes, its N-1 indicators, or one solved step.
    Inspect(inspect::InspectArgs),
    /// Combine shard outputs of `run --shard` into one result.
    Merge {
        #[arg(required = true)]
        shards: Vec<PathBuf>,
        /// Output folder (default: output/<scenario>).
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long)]
        force: bool,
        /// Print nothing when the merge succeeds.
        #[arg(long)]
        quiet: bool,
        #[arg(long, value_enum, default_value_t = Charts::All)]
        charts: Charts,
    },
    /// Overlay finished runs, like for like, in one comparison report.
    Compare(compare::CompareArgs),
    /// Run the shipped backtests and print model against observed, with sources.
    Backtest(backtest::BacktestArgs),
    /// Morris and Sobol sensitivity of outputs to the [[uncertain]] inputs.
    Sensitivity(sensitivity::SensitivityArgs),
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq)]
pub enum Charts {
    None,
    Png,
    Svg,
    All,
}

impl Charts {
    fn formats(self) -> Option<Formats> {
        match self {
            Charts::None => None,
            Charts::Png => Some(Formats::Png),
            Charts::Svg => Some(Formats::Svg),
            Charts::All => Some(Formats::Both),
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// Scenario file; without it the built-in default (franco-russian-2010) runs.
    pub file: Option<PathBuf>,
    /// Number of trials (default: the scenario's).
    #[arg(long)]
    pub trials: Option<u64>,
    /// Seed of the random streams (default: the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Run only these policies (repeatable); the baseline always runs.
    #[arg(long = "policy")]
    pub policies: Vec<String>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Output folder (default: output/<scenario>, or output/<scenario>.shard-K-of-N).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Run shard K of N (0-based), e.g. 3/100; `auto/N` takes K from
    /// SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX. Combine with `gasdep merge`.
    #[arg(long)]
    pub shard: Option<String>,
    /// Replace an output folder that holds another scenario's results.
    #[arg(long)]
    pub force: bool,
    /// No progress bar and no summary table.
    #[arg(long)]
    pub quiet: bool,
    #[arg(long, value_enum, default_value_t = Charts::All)]
    pub charts: Charts,
    /// The two policies of the flow map, e.g. `no-deal,deal` (default: the
    /// baseline and the first other policy).
    #[arg(long, value_name = "A,B")]
    pub flow_map_policies: Option<String>,
    /// Nodes to answer for first, beside Europe, e.g. `FR,DE` (default: the
    /// scenario's `[scenario] focus`).
    #[arg(long, value_name = "NODES")]
    pub focus: Option<String>,
    /// Also write every trial's values of these metrics: yearly metric
    /// names, NAME:step for step values (e.g. dependency_share,price:step).
    #[arg(long, value_name = "METRIC[,…]")]
    pub per_trial: Option<String>,
    /// Refuse --per-trial output estimated above this size (e.g. 500MB, 5GB, none).
    #[arg(long, value_name = "SIZE", default_value = "2GB")]
    pub per_trial_limit: String,
}

/// Why a command failed, with its exit code.
#[derive(Debug)]
pub enum Failure {
    /// Could not run: bad input or environment. Exit 2.
    Input(String),
    /// Interrupted by a signal. Exit 130.
    Interrupted,
    /// A bug. Exit 1.
    Internal(String),
    /// Standard output or error was closed by its reader. Exit 141, quietly.
    ClosedPipe,
}

impl Failure {
    pub fn code(&self) -> i32 {
        match self {
            Failure::Input(_) => 2,
            Failure::Interrupted => 130,
            Failure::Internal(_) => 1,
            Failure::ClosedPipe => 141,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Input(m) => write!(f, "error: {m}"),
            Failure::Interrupted => {
                f.write_str("interrupted: no result was written (earlier results are untouched)")
            }
            Failure::Internal(m) => write!(f, "internal error (please report this as a bug): {m}"),
            Failure::ClosedPipe => Ok(()),
        }
    }
}

impl From<ScenarioError> for Failure {
    fn from(e: ScenarioError) -> Self {
        Failure::Input(e.to_string())
    }
}

impl From<SimError> for Failure {
    fn from(e: SimError) -> Self {
        match e {
            SimError::Interrupted => Failure::Interrupted,
            e @ SimError::Threads { .. } => {
                Failure::Input(format!("{e}: use fewer --threads, or allow more memory"))
            }
            SimError::Uncertain(m) => Failure::Input(m),
            other => Failure::Internal(other.to_string()),
        }
    }
}

/// Text is built with `write!` into a `String`, which cannot fail.
impl From<std::fmt::Error> for Failure {
    fn from(e: std::fmt::Error) -> Self {
        Failure::Internal(e.to_string())
    }
}

fn io_err(what: &str, path: &Path, e: std::io::Error) -> Failure {
    Failure::Input(format!("cannot {what} {}: {e}", path.display()))
}

/// Run the command line; returns the exit code.
pub fn main_with(cli: Cli, command_line: String) -> i32 {
    if matches!(
        cli.command,
        Command::Run(_) | Command::Merge { .. } | Command::Compare { .. } | Command::Sensitivity(_)
    ) {
        // Before any set-up: a signal from here on is exit 130 with
        // nothing written, however long loading and compiling take.
        cancel_flag();
    }
    let result = match cli.command {
        Command::Run(args) => run(args, command_line),
        Command::Validate { files } => validate(&files),
        Command::Schema => schema_json().and_then(|s| output::out(&format!("{s}\n"))),
        Command::Inspect(args) => inspect::inspect(args),
        Command::Merge {
            shards,
            out,
            force,
            quiet,
            charts,
        } => merge::merge(&shards, out, force, quiet, charts, command_line),
        Command::Compare(args) => compare::compare(args),
        Command::Backtest(args) => backtest::backtest(&args),
        Command::Sensitivity(args) => sensitivity::sensitivity(args, command_line),
    };
    output::finish(result)
}

/// The JSON Schema of the scenario format.
pub fn schema_json() -> Result<String, Failure> {
    let schema = schemars::schema_for!(scenario::model::ScenarioFile);
    serde_json::to_string_pretty(&schema).map_err(|e| Failure::Internal(e.to_string()))
}

fn validate(files: &[PathBuf]) -> Result<(), Failure> {
    let mut failed = 0;
    for f in files {
        match scenario::load(f) {
            Ok(m) => output::out(&format!(
                "{}: ok ({} nodes, {} origins, {} pipelines, {} contracts, {} policies)\n",
                f.display(),
                m.nodes.len(),
                m.origins.len(),
                m.pipelines.len(),
                m.contracts.len(),
                m.policies.len()
            ))?,
            Err(e) => {
                output::err(&format!("{e}\n"))?;
                failed += 1;
            }
        }
    }
    if failed > 0 {
        Err(Failure::Input(format!(
            "{failed} of {} files have problems",
            files.len()
        )))
    } else {
        Ok(())
    }
}

/// Load a scenario file, or the built-in default; returns the model and its
/// text (for a file that `extends` another, the resolved, self-contained text).
pub fn load_scenario(file: Option<&Path>) -> Result<(Model, String), Failure> {
    match file {
        Some(f) => Ok(scenario::extends::load_file(f)?),
        None => {
            let (_, m) = scenario::load_str(DEFAULT_SCENARIO, Path::new(DEFAULT_SCENARIO_NAME))?;
            Ok((m, DEFAULT_SCENARIO.to_string()))
        }
    }
}

/// Policy ids to indices, with a clear error for unknown ones.
pub fn policy_indices(model: &Model, names: &[String]) -> Result<Vec<usize>, Failure> {
    names
        .iter()
        .map(|n| {
            model
                .policies
                .iter()
                .position(|p| p.id == *n)
                .ok_or_else(|| {
                    let known: Vec<&str> = model.policies.iter().map(|p| p.id.as_str()).collect();
                    Failure::Input(format!(
                        "unknown policy '{n}' (known: {})",
                        known.join(", ")
                    ))
                })
        })
        .collect()
}

/// Parse `K/N` (or `auto/N`, K from the scheduler's environment).
pub fn parse_shard(
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(u32, u32), Failure> {
    let bad = || {
        Failure::Input(format!(
            "--shard '{text}': expected K/N with 0 ≤ K < N, e.g. 3/100, or auto/N"
        ))
    };
    let (k, n) = text.split_once('/').ok_or_else(bad)?;
    let n: u32 = n.trim().parse().map_err(|_| bad())?;
    let k: u32 = if k.trim() == "auto" {
        let var = ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"]
            .iter()
            .find_map(|v| env(v).map(|x| (v, x)))
            .ok_or_else(|| {
                Failure::Input(
                    "--shard auto/N: neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set"
                        .into(),
                )
            })?;
        var.1
            .trim()
            .parse()
            .map_err(|_| Failure::Input(format!("{}='{}' is not a shard index", var.0, var.1)))?
    } else {
        k.trim().parse().map_err(|_| bad())?
    };
    if n == 0 || k >= n {
        return Err(bad());
    }
    Ok((k, n))
}

/// Trials of shard k of n: contiguous, sizes differing by at most one.
pub fn shard_range(trials: u64, k: u32, n: u32) -> std::ops::Range<u64> {
    let (k, n) = (u128::from(k), u128::from(n));
    let t = u128::from(trials);
    (t * k / n) as u64..(t * (k + 1) / n) as u64
}

/// Refuse to replace a folder holding something else than this scenario's
/// results. `--force` replaces another scenario's results, never a folder
/// that gasdep did not write (a mistyped `--out $HOME` must not delete it).
fn check_target(out: &Path, scenario: &str, force: bool) -> Result<(), Failure> {
    if !out.exists() {
        return Ok(());
    }
    if !out.is_dir() {
        return Err(Failure::Input(format!(
            "output {} exists and is not a folder: choose another --out",
            out.display()
        )));
    }
    let record = std::fs::read_to_string(out.join("run.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<RunRecord>(&t).ok());
    match record {
        Some(r) if r.scenario == scenario || force => Ok(()),
        Some(r) => Err(Failure::Input(format!(
            "{} holds results of scenario '{}', not '{scenario}': choose another --out, or pass --force to replace them",
            out.display(),
            r.scenario
        ))),
        None if std::fs::read_dir(out)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false) =>
        {
            Ok(())
        }
        None => Err(Failure::Input(format!(
            "{} exists and is not a gasdep result folder (it has no run.json): choose another --out, or empty or remove it yourself; --force does not replace it",
            out.display()
        ))),
    }
}

/// Ctrl-C and SIGTERM set this flag; the run stops at the next trial.
fn cancel_flag() -> Arc<AtomicBool> {
    static FLAG: std::sync::OnceLock<Arc<AtomicBool>> = std::sync::OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let f = flag.clone();
        // If a handler cannot be installed (e.g. one already is), runs
        // simply cannot be interrupted gracefully.
        let _ = ctrlc::set_handler(move || f.store(true, Ordering::SeqCst));
        flag
    })
    .clone()
}

/// Stop with exit 130 if Ctrl-C or SIGTERM came.
fn interrupted() -> Result<(), Failure> {
    if cancel_flag().load(Ordering::SeqCst) {
        Err(Failure::Interrupted)
    } else {
        Ok(())
    }
}

/// Threads when none are asked for: one per core.
fn all_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Most worker threads used: more only slow a run down and make it slow to
/// stop (10,000 threads turned a 0.16 s run into 206 s).
pub const THREADS_PER_CORE: usize = 4;

/// Write notes (one a line) to standard error.
fn notes(lines: Vec<String>) -> Result<(), Failure> {
    lines
        .iter()
        .try_for_each(|l| output::err(&format!("{l}\n")))
}

fn run(args: RunArgs, command: String) -> Result<(), Failure> {
    let (mut model, text) = load_scenario(args.file.as_deref())?;
    interrupted()?;
    if let Some(t) = args.trials {
        if t == 0 || t > 1_000_000_000 {
            return Err(Failure::Input(format!(
                "--trials {t}: use 1 to 1 000 000 000 (shard bigger studies)"
            )));
        }
        model.trials = t;
    }
    if let Some(s) = args.seed {
        model.seed = s;
    }
    let threads = match args.threads {
        Some(0) => {
            return Err(Failure::Input(
                "--threads 0: use at least one thread".into(),
            ));
        }
        Some(n) if n > THREADS_PER_CORE * all_cores() => {
            let cap = THREADS_PER_CORE * all_cores();
            output::err(&format!(
                "note: --threads {n} is more than {THREADS_PER_CORE} per core ({} cores): using {cap}\n",
                all_cores()
            ))?;
            cap
        }
        Some(n) => n,
        None => all_cores(),
    };
    let shard = match &args.shard {
        Some(s) => Some(parse_shard(s, &|v| std::env::var(v).ok())?),
        None => None,
    };
    let policies = policy_indices(&model, &args.policies)?;
    let focus = headline::apply_focus(&mut model, args.focus.as_deref())?;
    let per_trial = args
        .per_trial
        .as_deref()
        .map(PerTrialSpec::parse)
        .transpose()
        .map_err(Failure::Input)?;
    let per_trial_limit = pertrial::parse_size(&args.per_trial_limit)?;
    let name = model.name.clone();
    let out = args.out.clone().unwrap_or_else(|| {
        let leaf = match shard {
            Some((k, n)) => format!("{name}.shard-{k}-of-{n}"),
            None => name.clone(),
        };
        Path::new("output").join(leaf)
    });
    // Held until the result is in place: no other gasdep writes `out`
    // meanwhile, and the overwrite check is made again just before the
    // final rename.
    let _lock = lock::OutputLock::acquire(&out)?;
    notes(lock::clean_stale(&out)?)?;
    check_target(&out, &name, args.force)?;
    let may_replace = || check_target(&out, &name, args.force);
    let trials = model.trials;
    let seed = model.seed;
    if !args.quiet {
        output::err("valuing storage (water values by backward induction)…\n")?;
    }
    let prep = crate::sim::run::on_pool(threads, || Prepared::new(model, &policies))?;
    interrupted()?;
    let run_ids: Vec<&str> = prep
        .policies
        .iter()
        .map(|&p| prep.model.policies[p].id.as_str())
        .collect();
    let flow_pair = args
        .flow_map_policies
        .as_deref()
        .map(|a| charts::flow_map::parse_pair(a, &run_ids))
        .transpose()
        .map_err(Failure::Input)?;
    let range = match shard {
        Some((k, n)) => shard_range(trials, k, n),
        None => 0..trials,
    };
    if let Some(spec) = &per_trial {
        let n = range.end - range.start;
        pertrial::announce(spec, &prep, n, per_trial_limit, args.quiet)?;
    }
    let t0 = Instant::now();
    let trial_steps = (range.end - range.start)
        * prep.nets.len() as u64
        * prep.nets.first().map_or(0, |n| n.steps.len()) as u64;
    let progress = progress::Progress::start(range.end - range.start, name.clone(), args.quiet);
    let done = progress.done.clone();
    let cancel = cancel_flag();
    let opts = McOptions {
        trials: range.clone(),
        threads,
        progress: &|| {
            done.fetch_add(1, Ordering::Relaxed);
        },
        cancel: &cancel,
    };
    let result = match &per_trial {
        None => monte_carlo(&prep, &opts).map(|a| (a, Vec::new())),
        Some(spec) => monte_carlo_with(&prep, &opts, &|| Rows::new(spec)),
    };
    progress.finish();
    let (acc, rows) = result?;
    let write_per_trial = |staging: &Staging| match &per_trial {
        Some(spec) => pertrial::write(staging, spec, &prep, &rows, range.clone()),
        None => Ok(()),
    };
    let record = RunRecord {
        format: RUN_FORMAT.into(),
        gasdep_version: env!("CARGO_PKG_VERSION").into(),
        scenario: name.clone(),
        scenario_fingerprint: fingerprint(&text),
        trials,
        seed,
        policies: prep
            .policies
            .iter()
            .map(|&p| prep.model.policies[p].id.clone())
            .collect(),
        shard,
        command,
        threads,
        wall_seconds: t0.elapsed().as_secs_f64(),
        focus: focus.clone(),
        trial_steps,
        cpu_seconds: process_cpu_seconds(),
    };
    if shard.is_some() {
        let sealed = shard::encode(&text, &record, &acc)?;
        let staging = Staging::new(&out).map_err(|e| io_err("create", &out, e))?;
        let written = (|| -> Result<(), Failure> {
            let w = |name: &str, bytes: &[u8]| {
                staging
                    .write(name, bytes)
                    .map_err(|e| io_err("write", &out.join(name), e))
            };
            w("scenario.toml", text.as_bytes())?;
            let json = serde_json::to_string_pretty(&record)
                .map_err(|e| Failure::Internal(e.to_string()))?;
            w("run.json", json.as_bytes())?;
            write_per_trial(&staging)?;
            // The shard file goes last: its presence marks a complete shard.
            staging
                .write_with(shard::SHARD_FILE, |f| sealed.write_to(f))
                .map_err(|e| io_err("write", &out.join(shard::SHARD_FILE), e))
        })();
        commit(staging, written, &out, &may_replace)?;
        if !args.quiet {
            output::out(&format!(
                "wrote shard {} of {} to {}\n",
                shard.map_or(0, |s| s.0),
                shard.map_or(0, |s| s.1),
                out.display()
            ))?;
        }
        return Ok(());
    }
    let run = RunInfo {
        trials,
        seed,
        shard: None,
        wall_seconds: record.wall_seconds,
        threads,
        command: record.command.clone(),
        focus,
        markers: headline::markers(&prep.model, &prep.policies),
    };
    let summary = summarize(&prep, &acc, run);
    let chart_opts = args.charts.formats().map(|formats| charts::ChartOptions {
        formats,
        flow_policies: flow_pair,
        ..charts::ChartOptions::default()
    });
    write_results(
        &out,
        &summary,
        &record,
        &text,
        chart_opts.as_ref(),
        threads,
        &may_replace,
        &write_per_trial,
    )?;
    if !args.quiet {
        let mut text = headline::headline(&summary)?;
        writeln!(
            text,
            "wrote {} ({} trials in {:.1} s)",
            out.display(),
            trials,
            record.wall_seconds
        )?;
        output::out(&text)?;
    }
    Ok(())
}

/// Put a written staging folder in place of `out` if `may_replace` still
/// allows it (checked under the output lock, just before the rename) and
/// no signal came; otherwise remove it.
fn commit(
    staging: Staging,
    written: Result<(), Failure>,
    out: &Path,
    may_replace: &dyn Fn() -> Result<(), Failure>,
) -> Result<(), Failure> {
    match written
        .and_then(|()| may_replace())
        .and_then(|()| interrupted())
    {
        Ok(()) => staging
            .commit()
            .map(|_| ())
            .map_err(|e| io_err("write", out, e)),
        Err(e) => {
            staging.abandon();
            Err(e)
        }
    }
}

/// Write a finished run's folder atomically, with the charts of `charts`
/// (none without) and what `extra` writes (per-trial files). The files are
/// rendered in parallel on `threads` threads (the charts each on their own).
#[allow(clippy::too_many_arguments)]
fn write_results(
    out: &Path,
    summary: &Summary,
    record: &RunRecord,
    text: &str,
    charts: Option<&charts::ChartOptions>,
    threads: usize,
    may_replace: &dyn Fn() -> Result<(), Failure>,
    extra: &dyn Fn(&Staging) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let staging = Staging::new(out).map_err(|e| io_err("create", out, e))?;
    let internal = |e: serde_json::Error| Failure::Internal(e.to_string());
    let written = (|| -> Result<(), Failure> {
        let w = |name: &str, bytes: &[u8]| {
            staging
                .write(name, bytes)
                .map_err(|e| io_err("write", &out.join(name), e))
        };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .build()
            .map_err(|e| {
                Failure::Input(format!(
                    "could not start {threads} threads to write the results: {e}"
                ))
            })?;
        // The tables are streamed to their files (tens of megabytes each
        // for a large run), side by side with the charts.
        type Fill<'a> = &'a (dyn Fn(&mut dyn io::Write) -> io::Result<()> + Sync);
        let file = |name: &str, fill: Fill| {
            staging
                .write_with(name, |w| fill(w))
                .map_err(|e| io_err("write", &out.join(name), e))
        };
        let (tables, charts) = pool.install(|| {
            rayon::join(
                || {
                    let (json, (csv, iamc)) = rayon::join(
                        || {
                            file("summary.json", &|w| {
                                serde_json::to_writer_pretty(w, summary).map_err(io::Error::from)
                            })
                        },
                        || {
                            rayon::join(
                                || file("results.csv", &|w| write_tidy_csv(summary, w)),
                                || file("results_iamc.csv", &|w| write_iamc_csv(summary, w)),
                            )
                        },
                    );
                    json.and(csv).and(iamc)
                },
                || charts.map(|opts| charts::write_charts_with(summary, &staging.dir, opts)),
            )
        });
        tables?;
        w("scenario.toml", text.as_bytes())?;
        if let Some(files) = charts {
            let files = files.map_err(|e| Failure::Input(e.to_string()))?;
            html::write_report(summary, &files, &staging.dir.join("report.html"))
                .map_err(|e| Failure::Input(e.to_string()))?;
        }
        extra(&staging)?;
        // run.json last: a folder with it is a finished result.
        w(
            "run.json",
            serde_json::to_string_pretty(record)
                .map_err(internal)?
                .as_bytes(),
        )
    })();
    commit(staging, written, out, may_replace)
}

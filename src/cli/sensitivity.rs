//! `gasdep sensitivity FILE --output METRIC:NODE:YEAR[:POLICY]…`: Morris
//! elementary effects and/or Sobol indices of chosen outputs to the
//! scenario's `[[uncertain]]` inputs ([`crate::sim::sensitivity`]), with a
//! tornado chart per output, written atomically to one folder.

use super::lock::{OutputLock, clean_stale};
use super::{
    Charts, Failure, THREADS_PER_CORE, all_cores, cancel_flag, interrupted, io_err, load_scenario,
    notes, output, policy_indices,
};
use crate::report::charts::tornado;
use crate::report::export::Staging;
use crate::report::sensitivity::{
    FORMAT, InputInfo, MorrisResult, OutputResult, Report, SobolResult, design_csv, indices_csv,
};
use crate::scenario::uncertain::Dist;
use crate::sim::run::{Prepared, on_pool};
use crate::sim::sensitivity::{
    Output, evaluate, morris_delta, morris_design, morris_indices, parse_output, sobol_design,
    sobol_indices,
};
use clap::ValueEnum;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Marks a finished sensitivity folder; written last.
pub const SENSITIVITY_FILE: &str = "sensitivity.json";

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq)]
pub enum Method {
    Morris,
    Sobol,
    Both,
}

#[derive(clap::Args, Debug)]
pub struct SensitivityArgs {
    /// Scenario file with [[uncertain]] inputs.
    pub file: PathBuf,
    /// An output to analyse, METRIC:NODE:YEAR[:POLICY] (NODE a node id or
    /// EUROPE; POLICY default the baseline), e.g. dependency_share:FR:2030.
    /// Repeatable.
    #[arg(
        long = "output",
        required = true,
        value_name = "METRIC:NODE:YEAR[:POLICY]"
    )]
    pub outputs: Vec<String>,
    #[arg(long, value_enum, default_value_t = Method::Both)]
    pub method: Method,
    /// Sobol base sample N: N × (inputs + 2) design points.
    #[arg(long, default_value_t = 64)]
    pub samples: usize,
    /// Morris trajectories r: r × (inputs + 1) design points.
    #[arg(long, default_value_t = 10)]
    pub trajectories: usize,
    /// Morris grid levels.
    #[arg(long, default_value_t = 4)]
    pub levels: usize,
    /// Trials run at every design point (the same trials 0..T at each).
    #[arg(long, default_value_t = 20)]
    pub trials: u64,
    #[arg(long)]
    pub seed: Option<u64>,
    #[arg(long)]
    pub threads: Option<usize>,
    /// Output folder (default: output/<scenario>.sensitivity).
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[arg(long)]
    pub quiet: bool,
    #[arg(long, value_enum, default_value_t = Charts::All)]
    pub charts: Charts,
}

fn describe(d: &Dist, unit: &str) -> String {
    let u = if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    };
    match *d {
        Dist::Uniform { min, max } => format!("uniform(min {min}, max {max}){u}"),
        Dist::Normal { mean, sd } => format!("normal(mean {mean}, sd {sd}){u}"),
        Dist::LogNormal { median, sigma } => {
            format!("lognormal(median {median}{u}, sigma {sigma})")
        }
        Dist::Triangular { min, mode, max } => {
            format!("triangular(min {min}, mode {mode}, max {max}){u}")
        }
    }
}

/// A sensitivity folder replaces only an earlier one or an empty folder.
fn check_target(out: &Path) -> Result<(), Failure> {
    if !out.exists() {
        return Ok(());
    }
    let empty = std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_none());
    if !out.is_dir() || !(empty || out.join(SENSITIVITY_FILE).is_file()) {
        return Err(Failure::Input(format!(
            "{} exists and is not an earlier sensitivity result (it has no {SENSITIVITY_FILE}): choose another --out",
            out.display()
        )));
    }
    Ok(())
}

pub fn sensitivity(args: SensitivityArgs, command: String) -> Result<(), Failure> {
    let (mut model, text) = load_scenario(Some(&args.file))?;
    interrupted()?;
    let Some(set) = model.uncertain.clone() else {
        return Err(Failure::Input(format!(
            "{} has no [[uncertain]] inputs: give fields distributions first (docs/scenario-format.md, \"Uncertain inputs\")",
            args.file.display()
        )));
    };
    if let Some(s) = args.seed {
        model.seed = s;
    }
    let (k, seed) = (set.inputs.len(), model.seed);
    let bad = |m: String| Err(Failure::Input(m));
    if args.trials == 0 || args.trials > 1_000_000 {
        return bad(format!(
            "--trials {}: use 1 to 1 000 000 trials per point",
            args.trials
        ));
    }
    let sobol = matches!(args.method, Method::Sobol | Method::Both);
    let morris = matches!(args.method, Method::Morris | Method::Both);
    if sobol && !(2..=100_000).contains(&args.samples) {
        return bad(format!("--samples {}: use 2 to 100 000", args.samples));
    }
    if morris && (!(2..=100_000).contains(&args.trajectories) || !(2..=100).contains(&args.levels))
    {
        return bad("--trajectories: use 2 to 100 000; --levels: 2 to 100".into());
    }
    let threads = match args.threads {
        Some(0) => return bad("--threads 0: use at least one thread".into()),
        Some(n) => n.min(THREADS_PER_CORE * all_cores()),
        None => all_cores(),
    };
    // Only the policies the outputs name (and the baseline) are run.
    let named: Vec<String> = args
        .outputs
        .iter()
        .filter_map(|o| o.split(':').nth(3).map(|p| p.trim().to_string()))
        .collect();
    let mut policies = policy_indices(&model, &named)?;
    if policies.is_empty() {
        // An empty list would run every policy.
        policies.push(model.baseline);
    }
    let name = model.name.clone();
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{name}.sensitivity")));
    let _lock = OutputLock::acquire(&out)?;
    notes(clean_stale(&out)?)?;
    check_target(&out)?;
    if !args.quiet {
        output::err("valuing storage once, on the inputs as written…\n")?;
    }
    let prep = on_pool(threads, || Prepared::new(model, &policies))?;
    let outputs: Vec<Output> = args
        .outputs
        .iter()
        .map(|o| parse_output(o, &prep))
        .collect::<Result<_, _>>()
        .map_err(Failure::Input)?;
    let sobol_pts = if sobol {
        sobol_design(k, args.samples, seed)
    } else {
        Vec::new()
    };
    let morris_d = morris.then(|| morris_design(k, args.trajectories, args.levels, seed));
    let morris_pts: &[Vec<f64>] = morris_d.as_ref().map_or(&[], |d| &d.points);
    let points = sobol_pts.len() + morris_pts.len();
    if !args.quiet {
        output::err(&format!(
            "{points} design points ({}{}) × {} trials × {} policies = {} trial runs\n",
            if sobol {
                format!("Sobol {} × ({k} + 2)", args.samples)
            } else {
                String::new()
            },
            if morris {
                format!(
                    "{}Morris {} × ({k} + 1)",
                    if sobol { ", " } else { "" },
                    args.trajectories
                )
            } else {
                String::new()
            },
            args.trials,
            prep.policies.len(),
            points as u64 * args.trials * prep.policies.len() as u64
        ))?;
    }
    let t0 = Instant::now();
    let done = AtomicU64::new(0);
    let progress =
        super::progress::Progress::start(points as u64, format!("{name} sensitivity"), args.quiet);
    let shown = progress.done.clone();
    let tick = || {
        done.fetch_add(1, Ordering::Relaxed);
        shown.fetch_add(1, Ordering::Relaxed);
    };
    let cancel = cancel_flag();
    let trials = 0..args.trials;
    let ys = on_pool(threads, || {
        let a = evaluate(&prep, &sobol_pts, &outputs, trials.clone(), &tick, &cancel)?;
        let b = evaluate(&prep, morris_pts, &outputs, trials.clone(), &tick, &cancel)?;
        Ok((a, b))
    });
    progress.finish();
    let (ys_sobol, ys_morris) = ys?;
    interrupted()?;
    let column = |ys: &[Vec<f64>], j: usize| -> Vec<f64> { ys.iter().map(|y| y[j]).collect() };
    let results: Vec<OutputResult> = outputs
        .iter()
        .enumerate()
        .map(|(j, o)| {
            let s = sobol.then(|| {
                let y = column(&ys_sobol, j);
                let ab = &y[..2 * args.samples];
                let mean = ab.iter().sum::<f64>() / ab.len() as f64;
                let sd = (ab.iter().map(|x| (x - mean).powi(2)).sum::<f64>()
                    / (ab.len() - 1) as f64)
                    .sqrt();
                SobolResult {
                    samples: args.samples,
                    points: y.len(),
                    mean,
                    sd,
                    indices: sobol_indices(&y, k, args.samples, seed),
                }
            });
            let m = morris_d.as_ref().map(|d| MorrisResult {
                trajectories: args.trajectories,
                levels: d.levels,
                delta: morris_delta(d.levels),
                points: d.points.len(),
                indices: morris_indices(&column(&ys_morris, j), d, k),
            });
            OutputResult {
                output: o.name.clone(),
                unit: o.unit.clone(),
                sobol: s,
                morris: m,
            }
        })
        .collect();
    let report = Report {
        format: FORMAT.into(),
        gasdep_version: env!("CARGO_PKG_VERSION").into(),
        scenario: name.clone(),
        seed,
        trials_per_point: args.trials,
        policies: prep
            .policies
            .iter()
            .map(|&p| prep.model.policies[p].id.clone())
            .collect(),
        inputs: set
            .inputs
            .iter()
            .map(|i| InputInfo {
                path: i.path.clone(),
                label: i.label.clone(),
                distribution: describe(&i.dist, &i.unit),
                nominal: i.nominal.clone(),
            })
            .collect(),
        outputs: results,
        command,
        threads,
        wall_seconds: t0.elapsed().as_secs_f64(),
    };
    let values =
        |pts: &[Vec<f64>]| -> Vec<Vec<f64>> { pts.iter().map(|u| set.values_at(u)).collect() };
    let (vs, vm) = (values(&sobol_pts), values(morris_pts));
    let design = design_csv(
        &report,
        &[("sobol", &vs, &ys_sobol), ("morris", &vm, &ys_morris)],
    );
    let staging = Staging::new(&out).map_err(|e| io_err("create", &out, e))?;
    let written = (|| -> Result<(), Failure> {
        let w = |n: &str, b: &[u8]| {
            staging
                .write(n, b)
                .map_err(|e| io_err("write", &out.join(n), e))
        };
        w("scenario.toml", text.as_bytes())?;
        w("sensitivity.csv", indices_csv(&report).as_bytes())?;
        w("design.csv", design.as_bytes())?;
        if let Some(f) = args.charts.formats() {
            use crate::report::Formats;
            let (png, svg) = (f != Formats::Svg, f != Formats::Png);
            tornado::write(&report, &staging.dir, png, svg)
                .map_err(|e| Failure::Input(e.to_string()))?;
        }
        let json =
            serde_json::to_string_pretty(&report).map_err(|e| Failure::Internal(e.to_string()))?;
        w(SENSITIVITY_FILE, json.as_bytes())
    })();
    super::commit(staging, written, &out, &|| check_target(&out))?;
    if !args.quiet {
        let mut s = String::new();
        for o in &report.outputs {
            s.push_str(&format!("\n{} ({})\n", o.output, o.unit));
            for (i, inp) in report.inputs.iter().enumerate() {
                let sob =
                    o.sobol
                        .as_ref()
                        .and_then(|x| x.indices.as_ref())
                        .map_or(String::new(), |x| {
                            format!(
                                "  S {:6.3} ± {:5.3}  ST {:6.3} ± {:5.3}",
                                x[i].first.value, x[i].first.se, x[i].total.value, x[i].total.se
                            )
                        });
                let mor = o.morris.as_ref().map_or(String::new(), |m| {
                    format!(
                        "  μ* {} ± {}",
                        crate::report::charts::fmt_num(m.indices[i].mu_star.value),
                        crate::report::charts::fmt_num(m.indices[i].mu_star.se)
                    )
                });
                s.push_str(&format!("  {:<40}{sob}{mor}\n", inp.label));
            }
        }
        s.push_str(&format!(
            "\nwrote {} ({points} points in {:.1} s)\n",
            out.display(),
            report.wall_seconds
        ));
        output::out(&s)?;
    }
    Ok(())
}

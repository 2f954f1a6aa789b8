//! `gasdep backtest`: the observed-data files run against their scenarios
//! (or a variant of them), printed as Markdown tables.

use super::{Failure, output};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct BacktestArgs {
    /// Observed-data files (default: every `*.toml` in scenarios/observed).
    pub files: Vec<PathBuf>,
    /// Run the checks on this scenario instead of the one each observed
    /// file names (a variant of it, e.g. with observed weather).
    #[arg(long, value_name = "FILE", requires = "files")]
    pub scenario: Option<PathBuf>,
    /// Also run N Monte Carlo trials of each file's first policy and show
    /// every check's 5 %, median and 95 % over them, and the observed
    /// figure's rank among them.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub trials: Option<u64>,
}

/// Where `gasdep backtest` looks without arguments.
pub const OBSERVED_DIR: &str = "scenarios/observed";

pub fn backtest(args: &BacktestArgs) -> Result<(), Failure> {
    let files = if args.files.is_empty() {
        let dir = Path::new(OBSERVED_DIR);
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| {
                Failure::Input(format!(
                    "cannot read {OBSERVED_DIR}: {e} (run from the repository's root or name the observed files)"
                ))
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        v.sort();
        if v.is_empty() {
            return Err(Failure::Input(format!(
                "no *.toml observed files in {OBSERVED_DIR}"
            )));
        }
        v
    } else {
        args.files.clone()
    };
    let scenario = args.scenario.as_deref();
    let mut flag = scenario.map_or(String::new(), |s| format!(" --scenario {}", s.display()));
    if let Some(n) = args.trials {
        flag.push_str(&format!(" --trials {n}"));
    }
    for f in &files {
        let started = Instant::now();
        let report = crate::backtest::run_file(f, scenario, args.trials)
            .map_err(|e| Failure::Input(e.to_string()))?;
        let what = match &report.trials {
            Some((p, n)) => format!("deterministic runs and {n} trials of {p}"),
            None => "deterministic run".into(),
        };
        output::out(&format!(
            "{}\n({what} of {} in {:.1} s; `gasdep backtest {}{flag}`)\n\n",
            report.markdown(),
            report.scenario.display(),
            started.elapsed().as_secs_f64(),
            f.display()
        ))?;
    }
    Ok(())
}

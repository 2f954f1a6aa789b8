//! `gasdep compare`: finished runs side by side, like for like.

use std::path::{Path, PathBuf};

use clap::ValueEnum;

use super::lock::{OutputLock, clean_stale, refuse_output_among_inputs};
use super::merge::{COMPARISON_FILE, check_comparison_target, read_run};
use super::{Charts, Failure, interrupted, io_err, notes};
use crate::report::charts::runs::{Align, CompareOptions};
use crate::report::comparison::write_comparison;
use crate::report::export::Staging;
use crate::report::{Formats, ReportError};
use crate::stats::summary::REGION;

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq)]
pub enum AlignArg {
    /// Calendar years common to all runs when they share two or more, else
    /// years since each run's start.
    Auto,
    /// The calendar years all runs share.
    Calendar,
    /// Years counted from each run's start.
    Relative,
}

#[derive(clap::Args, Debug)]
pub struct CompareArgs {
    /// Run folders (each with a summary.json).
    #[arg(required = true)]
    pub runs: Vec<PathBuf>,
    /// Output folder (default: output/comparison).
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Charts::All)]
    pub charts: Charts,
    /// Metric to compare, e.g. dependency_share, curtailment_share, cost.
    #[arg(long, default_value = "dependency_share")]
    pub metric: String,
    /// Node to compare (a node id, or EUROPE).
    #[arg(long, default_value = REGION)]
    pub node: String,
    /// How periods are aligned across runs.
    #[arg(long, value_enum, default_value_t = AlignArg::Auto)]
    pub align: AlignArg,
}

pub fn compare(args: CompareArgs) -> Result<(), Failure> {
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join("comparison"));
    refuse_output_among_inputs(&out, &args.runs)?;
    let mut summaries = Vec::new();
    for r in &args.runs {
        interrupted()?;
        summaries.push(read_run(r)?);
    }
    let opts = CompareOptions {
        metric: args.metric,
        node: args.node,
        align: match args.align {
            AlignArg::Auto => Align::Auto,
            AlignArg::Calendar => Align::Calendar,
            AlignArg::Relative => Align::Relative,
        },
        formats: args.charts.formats().unwrap_or(Formats::Png),
    };
    let _lock = OutputLock::acquire(&out)?;
    notes(clean_stale(&out)?)?;
    check_comparison_target(&out)?;
    let staging = Staging::new(&out).map_err(|e| io_err("create", &out, e))?;
    let written = write_comparison(&summaries, &staging.dir, &opts)
        .map_err(|e| match e {
            ReportError::Input(m) => Failure::Input(m),
            other => Failure::Input(other.to_string()),
        })
        .and_then(|_| {
            let names: Vec<&str> = summaries.iter().map(|s| s.scenario.name.as_str()).collect();
            let marker = serde_json::json!({ "format": "gasdep-comparison/1", "runs": names });
            staging
                .write(COMPARISON_FILE, format!("{marker:#}\n").as_bytes())
                .map_err(|e| io_err("write", &out.join(COMPARISON_FILE), e))
        })
        .and_then(|()| check_comparison_target(&out))
        .and_then(|()| interrupted());
    match written {
        Ok(()) => {
            staging.commit().map_err(|e| io_err("write", &out, e))?;
            super::output::out(&format!("wrote {}\n", out.display()))
        }
        Err(e) => {
            staging.abandon();
            Err(e)
        }
    }
}

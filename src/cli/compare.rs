//! `gasdep compare`: finished runs side by side, like for like.

use std::path::{Path, PathBuf};

use clap::ValueEnum;

use super::{Charts, Failure, io_err};
use crate::report::charts::runs::{Align, CompareOptions};
use crate::report::comparison::write_comparison;
use crate::report::export::Staging;
use crate::report::{Formats, ReportError};
use crate::stats::summary::{REGION, Summary};

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
    let mut summaries = Vec::new();
    for r in &args.runs {
        let path = r.join("summary.json");
        let text = std::fs::read_to_string(&path).map_err(|e| io_err("read", &path, e))?;
        let s: Summary = serde_json::from_str(&text).map_err(|e| {
            Failure::Input(format!("{}: not a gasdep summary ({e})", path.display()))
        })?;
        summaries.push(s);
    }
    let out = args
        .out
        .unwrap_or_else(|| Path::new("output").join("comparison"));
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
    let staging = Staging::new(&out).map_err(|e| io_err("create", &out, e))?;
    match write_comparison(&summaries, &staging.dir, &opts) {
        Ok(_) => {
            staging.commit().map_err(|e| io_err("write", &out, e))?;
            println!("wrote {}", out.display());
            Ok(())
        }
        Err(e) => {
            staging.abandon();
            Err(match e {
                ReportError::Input(m) => Failure::Input(m),
                other => Failure::Input(other.to_string()),
            })
        }
    }
}

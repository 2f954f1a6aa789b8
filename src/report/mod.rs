//! Everything a run writes: tidy CSV and JSON exports, charts (PNG, SVG)
//! and a self-contained HTML report with an explorer, all from one
//! [`Summary`](crate::stats::summary::Summary); and the comparison of runs.
pub mod charts;
pub mod comparison;
pub mod explorer;
pub mod export;
pub mod font;
pub mod html;
pub mod per_trial;
pub mod sensitivity;
pub mod tables;

pub use charts::{Formats, ReportError};

//! Everything a run writes: tidy CSV and JSON exports, charts (PNG, SVG)
//! and a self-contained HTML report, all from one [`Summary`](crate::stats::summary::Summary).
pub mod charts;
pub mod export;
pub mod font;
pub mod html;

pub use charts::{Formats, ReportError};

//! gasdep: a Monte Carlo simulator of Europe's natural-gas dependency.
pub mod scenario;
pub mod stats;

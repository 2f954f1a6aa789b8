//! gasdep: a Monte Carlo simulator of Europe's natural-gas dependency.
//!
//! The pipeline, one module each: [`scenario`] (the file as written,
//! checked into a model) → [`network`] (indexed graph and per-step plan)
//! → [`solver`] (min-cost flow) → [`trace`] (origin of every molecule) →
//! [`sim`] (one step, one trial, the Monte Carlo driver) → [`stats`]
//! (accumulators and the result record) → [`report`] (files and charts).
pub mod backtest;
pub mod cli;
pub mod network;
pub mod report;
pub mod scenario;
pub mod sim;
pub mod solver;
pub mod stats;
pub mod trace;

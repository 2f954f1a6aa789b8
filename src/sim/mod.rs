//! Simulation: one step ([`engine`]), the random world of a trial
//! ([`sample`]), one trial over all policies and the Monte Carlo driver
//! ([`run`]).
pub mod engine;
pub mod hazard_grid;
pub mod metrics;
mod owners;
pub mod peaks;
pub mod pertrial;
pub mod plan;
pub mod run;
pub mod sample;
pub mod sensitivity;
pub mod share;
pub mod summarize;
pub mod supplier;
pub mod vary;
pub mod water;
mod water_month;
pub mod weather;

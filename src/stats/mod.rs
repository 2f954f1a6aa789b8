//! Monte Carlo statistics: order-independent accumulators and the result record.
pub mod accum;
pub mod digest;
pub mod summary;

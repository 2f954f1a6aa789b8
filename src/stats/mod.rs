//! Monte Carlo statistics: order-independent accumulators and the result record.
pub mod summary;

//! Scenario files: the serde model as users write it, units, loading and
//! validation into a checked [`Model`] in internal units.

pub mod calendar;
pub mod curve;
pub mod error;
pub mod extends;
pub mod input;
pub mod model;
pub mod model_daily;
pub mod model_dated;
pub mod resolved;
pub mod time;
pub mod uncertain;
pub mod units;
pub mod validate;

pub use error::{Problem, ScenarioError};
pub use resolved::*;
pub use validate::{load, load_str};

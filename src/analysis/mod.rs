//! The analysis pipelines: what is computed about an instance before any
//! claim is judged. [`instance`] is the numeric analysis behind `verify`
//! (trajectories, the equilibrium catalogue, spectra); [`characterize`] is
//! the exact characterization (strata, components, certificates); [`locate`]
//! places a point (a trained encoder) on its nearest component. The claims
//! ([`crate::claims`]) read their results as typed evidence.

pub mod characterize;
pub mod commuting;
pub mod instance;
mod level;
pub mod locate;

pub use instance::{InstanceAnalysis, VerifyConfig, analyze};
pub use level::Level;

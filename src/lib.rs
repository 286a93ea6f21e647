//! # ssl-equilibria
//!
//! Symbolic-numeric verification of what is known about how non-contrastive
//! self-supervised learning avoids collapse, in the linear model of
//! "Dual Perspectives on Non-Contrastive Self-Supervised Learning"
//! (Ponce, Terver, Hebert, Arbel; ICLR 2026).
//!
//! Modules, in order of dependence:
//! - [`model`]: validated instances (dimensions, exact rational moments, λ);
//! - [`numeric`]: floating-point fields, Jacobians, spectra, trajectories;
//! - [`polynomial`]: the single, serialized entry point to Symbolica;
//! - [`experiments`]: the paper's synthetic table and a real-data analogue;
//! - [`claims`]: one checkable item per claim of the specification;
//! - [`report`]: renders what `claims` and `experiments` return (text, JSON, plots);
//! - [`testing`]: proptest strategies for valid instances and points.

pub mod claims;
pub mod cli;
pub mod error;
pub mod exact;
pub mod experiments;
pub mod model;
pub mod numeric;
pub mod polynomial;
pub mod report;
pub mod testing;
pub mod variety;

pub use error::{Error, Result};

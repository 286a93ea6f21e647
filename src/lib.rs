//! # ssl-equilibria
//!
//! Symbolic-numeric verification of what is known about how non-contrastive
//! self-supervised learning avoids collapse, in the linear model of
//! "Dual Perspectives on Non-Contrastive Self-Supervised Learning"
//! (Ponce, Terver, Hebert, Arbel; ICLR 2026).
//!
//! Modules, in order of dependence:
//! - [`model`]: validated instances (dimensions, exact rational moments, λ)
//!   and the vocabulary every layer shares: the procedures and dynamics,
//!   the orbit dimension, the stability class;
//! - [`numeric`]: floating-point fields, Jacobians, spectra, trajectories;
//! - [`exact`]: rational and real-algebraic arithmetic, exact stability
//!   certificates;
//! - [`polynomial`]: the single, serialized entry point to Symbolica;
//! - [`modular`]: our own Gröbner engine modulo word-size primes (F4), no
//!   Symbolica, usable from any thread;
//! - [`variety`]: the equilibrium strata and whole varieties, exactly;
//! - [`validated`]: proofs by rigorous numerics (interval arithmetic,
//!   validated Taylor integration, a Krawczyk proof of a periodic orbit);
//! - [`experiments`]: the paper's synthetic table and a real-data analogue;
//! - [`analysis`]: the pipelines that compute the evidence about an instance
//!   (the numeric analysis behind `verify`, the exact characterization);
//! - [`claims`]: one module per claim of the specification, each judging the
//!   typed evidence into a verdict of SPEC §5;
//! - [`report`]: renders what `claims` and `experiments` return (text, JSON, plots);
//! - [`cli`]: the command line, a thin layer over the library;
//! - [`testing`]: proptest strategies for valid instances and points;
//! - [`error`]: the error type.

pub mod analysis;
pub mod claims;
pub mod cli;
pub mod error;
pub mod exact;
pub mod experiments;
pub mod model;
pub mod modular;
pub mod numeric;
pub mod polynomial;
pub mod report;
pub mod testing;
pub mod validated;
pub mod variety;

pub use error::{Error, Result};

//! Exact characterization of the equilibrium varieties (in progress).
pub mod modular;
pub mod qt;
pub mod scalar;
pub mod strata;
pub mod whole;
pub mod zerodim;

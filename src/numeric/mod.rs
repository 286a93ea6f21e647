//! Floating-point layer (nalgebra, `f64`): the fields P, Q, ∇Ē and the three
//! procedures in continuous and discrete time, closed-form Jacobians, spectra,
//! trajectories, and a numerical search for equilibria stratum by stratum.
//!
//! Nothing here calls Symbolica, so it may run on any number of threads.

pub mod equilibria;
pub mod fields;
pub mod integrate;
pub mod random;
pub mod spectra;
pub mod structured;

pub use equilibria::{
    EndState, NumericEquilibrium, SearchOptions, numerical_rank, singular_values,
};
pub use fields::{DiscreteMap, Model, State};
pub use integrate::{OdeOptions, Outcome, integrate, iterate};
pub use spectra::{SpectralTolerances, SpectrumSummary};

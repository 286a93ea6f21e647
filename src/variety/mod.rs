//! Exact characterization of the equilibrium varieties (SPEC S-EQUATION,
//! VARIETY, RANK-STRATA, EXISTENCE, SCALAR).
//!
//! - [`strata`]: for each rank r the zero-dimensional system of the
//!   generalized S-equation, solved exactly: complex count, real solutions
//!   isolated by Sturm/Descartes bisection, positive semidefiniteness decided
//!   exactly, orbit dimensions;
//! - [`families`]: positive-dimensional strata of degenerate data: the
//!   data's symmetry, critical points of a generic distance that meet every
//!   compact family, local dimensions, closed forms for commuting moments;
//! - [`zerodim`]: the solver behind it (Symbolica's Gröbner bases modulo
//!   primes, our own quotient algebra, rational univariate representations
//!   reconstructed from many primes and verified exactly over Q);
//! - [`whole`]: dimension and degree of the whole SG equilibrium ideal (λ
//!   and λ = 0) and of the critical ideal of Ē from generic linear sections;
//! - [`counting`]: complex solution counts of the S-system against Bézout;
//! - [`scalar`]: the m = 1 case derived with symbolic ρ, τ, λ;
//! - [`modular`]: prime-field arithmetic, Chinese remaindering, rational
//!   reconstruction.
//!
//! Depends on [`crate::polynomial`] (the only way to Symbolica) and on the
//! exact rational algebra of [`crate::exact`]; nothing here calls Symbolica
//! directly.

pub mod counting;
pub mod exact_dimension;
pub mod families;
pub mod family_degree;
pub mod family_orbit;
pub mod modular;
mod quotient;
pub mod scalar;
pub mod strata;
pub mod whole;
pub mod zerodim;

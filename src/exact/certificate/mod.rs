//! Exact stability certificates for equilibria modulo their O(n)-orbit.
//!
//! # What is certified
//!
//! For λ > 0 the equilibria come in orbits `(A, B, C) ↦ (UA, UBUᵀ, UC)`,
//! `U ∈ O(n)`. At an equilibrium with `r = rank A` the orbit is a manifold
//! of equilibria of dimension `nr − r(r+1)/2`, its tangent space spanned by
//! `(ΩA, ΩB − BΩ[, ΩC])` for skew `Ω`. The point is *asymptotically stable
//! modulo the orbit* (the orbit is a normally hyperbolic attracting manifold
//! of equilibria) when the Jacobian `J` has
//!
//! 1. the eigenvalue `τ` (0 for flows, 1 for maps) with algebraic
//!    multiplicity `d` equal to the orbit dimension,
//! 2. `ker(J − τI)` of dimension `d` and equal to the orbit tangent space
//!    (so `τ` is semisimple and every neutral direction is along the orbit),
//! 3. every other eigenvalue strictly stable: the quotient
//!    `χ(t)/t^d` (flows) or `χ(t)/(t − 1)^d` (maps) of the characteristic
//!    polynomial has all roots in the open left half-plane (Routh array,
//!    regular with no sign change) or in the open unit disc (Schur–Cohn,
//!    regular with no root outside).
//!
//! [`certify`] computes all of this exactly and keeps the evidence; the
//! verdict is [`Verdict::Stable`] only when 1–3 hold. If the quotient test
//! is regular with unstable roots, the point is a [`Verdict::Saddle`] (some
//! non-tangent eigenvalues strictly stable, some strictly unstable) or
//! [`Verdict::Unstable`]; every other case (multiplicity mismatch, a kernel
//! larger than the orbit tangent, a singular Routh or Schur–Cohn case) is
//! [`Verdict::Degenerate`] with the reason, and a point that is not an exact
//! equilibrium is [`Verdict::NotEquilibrium`] with its residual.
//!
//! Two certificates about families of dynamics build on it:
//! [`certify_sg_step_bracket`] brackets the largest stable step size of the
//! SG map between two rationals, and [`certify_ema_all_kappa`] decides the
//! stability of the EMA flow for all teacher rates κ > 0 at once.
//!
//! One certificate per file: [`orbit`] (the stability certificate modulo
//! the orbit), [`step_bracket`] (the stable step sizes of the SG map) and
//! [`kappa`] (the EMA flow for all κ > 0); this file holds what they share.

use serde::Serialize;

use super::stability::{RouthTest, SchurCohnTest};

pub mod kappa;
pub mod orbit;
pub mod step_bracket;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod timings;

pub use kappa::{
    HurwitzCondition, KappaCertificate, KappaRegion, KappaVerdict, MAX_KAPPA_JACOBIAN, RootRecord,
    certify_ema_all_kappa,
};
pub use orbit::{EquilibriumAnalysis, StabilityCertificate, Verdict, certify, orbit_tangent};
pub use step_bracket::{STEP_BRACKET_GAP, StepBracket, certify_sg_step_bracket};

/// The root-location test run on the quotient polynomial, with its evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "test", rename_all = "kebab-case")]
pub enum RootTest {
    /// Routh array (flows: roots relative to the imaginary axis).
    Routh(RouthTest),
    /// Schur–Cohn test (maps: roots relative to the unit circle).
    SchurCohn(SchurCohnTest),
}

impl RootTest {
    /// Regular case: the number of roots on the unstable side (open right
    /// half-plane or outside the closed unit disc). `None` when singular.
    pub fn unstable_count(&self) -> Option<usize> {
        match self {
            RootTest::Routh(t) => t.right_half_plane,
            RootTest::SchurCohn(t) => t.outside_unit_disc,
        }
    }

    /// Singular case: where the criterion hit a zero. `None` when regular.
    pub fn singular_at(&self) -> Option<usize> {
        match self {
            RootTest::Routh(t) => t.singular_row,
            RootTest::SchurCohn(t) => t.singular_step,
        }
    }
}

//! Exact rational algebra: polynomials, real roots, linear algebra,
//! root-location tests and dual numbers, all over Q with no rounding.
//!
//! * [`upoly`]: univariate polynomials over Q ([`UPoly`]) with exact
//!   arithmetic, division, gcd (small-primes modular algorithm, proved by
//!   trial division), squarefree parts and composition.
//! * [`roots`]: Sturm sequences ([`SturmSequence`]) and real algebraic
//!   numbers ([`RealRoot`]: a squarefree polynomial and an isolating
//!   interval, found by Descartes-rule bisection), with exact signs of
//!   polynomials at roots, exact comparisons, correctly rounded `f64` and
//!   decimal values.
//! * [`linalg`]: row reduction, rank, kernels and linear systems
//!   (fraction-free Gauss–Jordan), determinants, leading principal minors
//!   and characteristic polynomials (multi-modular with proven bounds) of
//!   [`RationalMatrix`](crate::model::RationalMatrix) values.
//! * [`stability`]: the Routh array, the Hurwitz determinants and the
//!   Schur–Cohn test, counting roots in the right half-plane or the unit
//!   disc when the criterion is regular and refusing to count otherwise.
//! * [`dual`]: dual numbers ([`Dual`]) for exact directional derivatives of
//!   the generic model formulas.
//! * [`equilibrium`]: exact rational equilibria with valid rational
//!   instances ([`rational_equilibrium`]).
//! * [`jacobian`](mod@jacobian): exact Jacobians of the SG, GD and EMA
//!   flows and of the SG and EMA maps ([`Dynamics`]), from the generic
//!   formulas with [`Dual`].
//! * [`algebraic`](mod@algebraic): exact stability verdicts at equilibria
//!   with real algebraic coordinates `S = H(t₀)/χ′(t₀)`
//!   ([`certify_algebraic`]), computed in `Q[t]/(χ)` without division.
//! * [`certificate`]: exact, re-checkable stability certificates modulo the
//!   O(n)-orbit ([`certify`]), a rational bracket of the stable step sizes
//!   of the SG map ([`certify_sg_step_bracket`]) and the stability of the
//!   EMA flow for all κ > 0 ([`certify_ema_all_kappa`]).
//!
//! Large rationals are expensive mostly through gcds (the binary gcd used
//! by `num-rational` is quadratic per bit), so the inner loops work on
//! integers: fraction-free recurrences with exact divisions, computations
//! modulo 62-bit primes combined by the Chinese remainder theorem, and a
//! fast gcd (`model::int_gcd`) where a gcd is unavoidable.
//!
//! # How the results are checked
//!
//! Nothing here is compared with another computer algebra system. The unit
//! tests (many of them property tests on random inputs) check
//!
//! * algebraic identities: Cayley–Hamilton (`χ_M(M) = 0`), `χ_M(s) =
//!   det(sI − M)`, the trace and determinant in `χ_M`, similarity
//!   invariance, `M·M⁻¹ = I`, multiplicativity of `det`, rank + nullity =
//!   number of columns, `M·X = B` for the solutions of [`linalg::solve`],
//!   `a = q·d + r` for divisions, product rules, `Σ roots = −aₙ₋₁/aₙ`
//!   (exactly, by containment in the sum of refined isolating intervals);
//! * independent exact routes: the modular gcd against Euclid's algorithm
//!   over Q, the multi-modular determinant and characteristic polynomial
//!   against Bareiss elimination and the Hessenberg recurrence run over Q,
//!   fraction-free elimination against elimination with fractions,
//!   the fraction-free Routh array against the one with fractions and
//!   against ratios of (multi-modular) Hurwitz determinants, root isolation
//!   by Descartes' rule against Sturm counts, the crate's gcd against the
//!   binary gcd,
//!   the Schur–Cohn count against the Routh count of the bilinear transform
//!   ([`stability::bilinear_transform`]), the ε-parts of [`Dual`]
//!   evaluations against exact five-point difference quotients and
//!   hand-derived gradients;
//! * planted answers: polynomials built from chosen rational roots and
//!   quadratic factors, whose root counts and signs are known by
//!   construction;
//! * floating point (nalgebra): companion-matrix eigenvalues for root
//!   counts and positions, matrix eigenvalues against the characteristic
//!   polynomial, `f64::sqrt` against [`RealRoot::to_f64`] (both correctly
//!   rounded, so equal), on inputs whose float answer is unambiguous.

pub mod algebraic;
mod cert_serde;
pub mod certificate;
pub mod dual;
pub mod equilibrium;
pub(crate) mod intpoly;
pub mod jacobian;
pub(crate) mod kronecker;
pub mod linalg;
pub mod qt;
pub mod roots;
mod serde_util;
pub mod stability;
#[cfg(test)]
mod testutil;
pub mod upoly;

pub use algebraic::{
    AlgebraicCertificate, AlgebraicPoint, ValidatedCertificate, ValidatedPoint, certify_algebraic,
    certify_algebraic_on_family,
};
pub use certificate::{
    KappaCertificate, StabilityCertificate, StepBracket, Verdict, certify, certify_ema_all_kappa,
    certify_sg_step_bracket,
};
pub use dual::Dual;
pub use equilibrium::{RationalEquilibrium, rational_equilibrium};
pub use jacobian::{Dynamics, jacobian};
pub use linalg::{
    charpoly, determinant, leading_principal_minors, nullspace, poly_at_matrix, rank, rref, solve,
};
pub use roots::{RealRoot, SturmSequence, real_roots};
pub use stability::{
    RouthTest, SchurCohnTest, bilinear_transform, hurwitz_determinants, is_hurwitz_stable, routh,
    schur_cohn,
};
pub use upoly::UPoly;

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

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
use serde::Serialize;

use super::intpoly;
use super::jacobian::{Dynamics, displacement, jacobian, state_vector};
use super::linalg::{charpoly, nullspace, rank};
use super::roots::{RealRoot, real_roots};
use super::stability::{RouthTest, SchurCohnTest, hurwitz_determinants, routh, schur_cohn};
use super::upoly::UPoly;
use crate::error::{Error, Result};
use crate::model::{Instance, RationalMatrix, to_f64};
use crate::numeric::orbit_dimension;

/// The instance a certificate is about, in exact form (so a certificate can
/// be re-checked against the instance it names).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InstanceRecord {
    /// The instance's name.
    pub name: String,
    /// Embedding dimension.
    pub n: usize,
    /// Data dimension.
    pub m: usize,
    /// Weight decay λ.
    #[serde(serialize_with = "super::cert_serde::rational")]
    pub lambda: BigRational,
    /// `Mxx`.
    #[serde(serialize_with = "super::cert_serde::matrix")]
    pub mxx: RationalMatrix,
    /// `Myx`.
    #[serde(serialize_with = "super::cert_serde::matrix")]
    pub myx: RationalMatrix,
    /// `Myy`.
    #[serde(serialize_with = "super::cert_serde::matrix")]
    pub myy: RationalMatrix,
}

impl InstanceRecord {
    /// The exact record of `inst`.
    pub fn of(inst: &Instance) -> Self {
        let mo = inst.moments();
        Self {
            name: inst.name().to_owned(),
            n: inst.n(),
            m: inst.m(),
            lambda: inst.lambda().clone(),
            mxx: mo.mxx.clone(),
            myx: mo.myx.clone(),
            myy: mo.myy.clone(),
        }
    }
}

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

/// What the certificate proves about the point.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
pub enum Verdict {
    /// Asymptotically stable modulo the orbit: conditions 1–3 of the module
    /// documentation hold.
    Stable,
    /// The neutral directions are exactly the orbit's, and of the other
    /// eigenvalues `unstable` are strictly unstable and `stable` strictly
    /// stable (both > 0).
    Saddle {
        /// Number of strictly unstable eigenvalues (with multiplicity).
        unstable: usize,
        /// Number of strictly stable non-tangent eigenvalues.
        stable: usize,
    },
    /// The neutral directions are exactly the orbit's and every other
    /// eigenvalue is strictly unstable.
    Unstable,
    /// The exact computation cannot classify the point (or shows a
    /// degeneracy): the reason says which condition fails.
    Degenerate {
        /// What failed, with the numbers.
        reason: String,
    },
    /// The point is not an exact equilibrium (fixed point for maps).
    NotEquilibrium {
        /// `‖v‖²` of the velocity (flows) or of `θ⁺ − θ` (maps), exact.
        #[serde(serialize_with = "super::cert_serde::rational")]
        residual_norm_squared: BigRational,
        /// `‖v‖` as a decimal.
        residual_norm: String,
    },
}

impl Verdict {
    /// Whether the verdict is [`Verdict::Stable`].
    pub fn is_stable(&self) -> bool {
        matches!(self, Verdict::Stable)
    }
}

/// The exact spectral analysis at an equilibrium (everything a reader needs
/// to re-check the verdict by hand or with another system).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EquilibriumAnalysis {
    /// The Jacobian `J` (column-major state ordering).
    #[serde(serialize_with = "super::cert_serde::matrix")]
    pub jacobian: RationalMatrix,
    /// The tangent eigenvalue `τ`: 0 for flows, 1 for maps.
    #[serde(serialize_with = "super::cert_serde::rational")]
    pub tangent_eigenvalue: BigRational,
    /// `χ(t) = det(tI − J)`, coefficients lowest degree first.
    #[serde(serialize_with = "super::cert_serde::poly")]
    pub charpoly: UPoly,
    /// Algebraic multiplicity `d` of `τ` in `χ`.
    pub algebraic_multiplicity: usize,
    /// A basis of `ker(J − τI)` (its length is the geometric multiplicity).
    #[serde(serialize_with = "super::cert_serde::vectors")]
    pub kernel: Vec<Vec<BigRational>>,
    /// The orbit tangent vectors `(ΩA, ΩB − BΩ[, ΩA])` for
    /// `Ω = E_ij − E_ji`, `i < j` (in that order).
    #[serde(serialize_with = "super::cert_serde::vectors")]
    pub tangent: Vec<Vec<BigRational>>,
    /// The dimension of their span.
    pub tangent_rank: usize,
    /// Whether `(J − τI)·v = 0` for every tangent vector.
    pub tangent_in_kernel: bool,
    /// `χ(t)/t^d` (flows) or `χ(t)/(t − 1)^d` (maps).
    #[serde(serialize_with = "super::cert_serde::poly")]
    pub quotient: UPoly,
    /// Routh (flows) or Schur–Cohn (maps) on the quotient.
    pub test: RootTest,
}

/// An exact, re-checkable stability certificate (see the module
/// documentation). Serializes with every exact number as a string.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StabilityCertificate {
    /// The instance.
    pub instance: InstanceRecord,
    /// The dynamics and its exact parameters.
    pub dynamics: Dynamics,
    /// The encoder `A` of the point (the teacher, for EMA, is `C = A`).
    #[serde(serialize_with = "super::cert_serde::matrix")]
    pub a: RationalMatrix,
    /// The predictor `B` of the point.
    #[serde(serialize_with = "super::cert_serde::matrix")]
    pub b: RationalMatrix,
    /// Size of the Jacobian.
    pub state_dimension: usize,
    /// `rank A`, exact.
    pub rank: usize,
    /// `n r − r(r+1)/2` ([`crate::numeric::orbit_dimension`]).
    pub orbit_dimension: usize,
    /// `‖v‖²` of the velocity (or of `θ⁺ − θ`): 0 at an equilibrium.
    #[serde(serialize_with = "super::cert_serde::rational")]
    pub residual_norm_squared: BigRational,
    /// The spectral analysis; `None` when the point is not an equilibrium.
    pub analysis: Option<EquilibriumAnalysis>,
    /// The verdict.
    pub verdict: Verdict,
}

impl StabilityCertificate {
    /// Recomputes the certificate from scratch for `inst` and the stored
    /// point and dynamics, and compares everything (instance record,
    /// Jacobian, polynomials, kernel, tests, verdict). `Ok(false)` when
    /// anything differs, e.g. after tampering or for another instance.
    pub fn recheck(&self, inst: &Instance) -> Result<bool> {
        if InstanceRecord::of(inst) != self.instance {
            return Ok(false);
        }
        Ok(certify(inst, &self.a, &self.b, &self.dynamics)? == *self)
    }
}

/// The vectors `(ΩA, ΩB − BΩ[, ΩA])` for `Ω = E_ij − E_ji`, `i < j`,
/// stacked like the state (the teacher block, repeating `ΩA`, only when
/// `with_teacher`): they span the tangent space of the O(n)-orbit at a point
/// with `C = A`. `A` must be n×m and `B` n×n.
pub fn orbit_tangent(
    a: &RationalMatrix,
    b: &RationalMatrix,
    with_teacher: bool,
) -> Result<Vec<Vec<BigRational>>> {
    let n = a.nrows();
    if (b.nrows(), b.ncols()) != (n, n) {
        return Err(Error::Shape {
            what: "B of orbit_tangent".to_owned(),
            got: format!("{}×{}", b.nrows(), b.ncols()),
            expected: format!("{n}×{n} (n = rows of A)"),
        });
    }
    let mut out = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            let omega = RationalMatrix::from_fn(n, n, |k, l| {
                if (k, l) == (i, j) {
                    BigRational::one()
                } else if (k, l) == (j, i) {
                    -BigRational::one()
                } else {
                    BigRational::zero()
                }
            });
            let da = omega.mul(a);
            let db = omega.mul(b).sub(&b.mul(&omega));
            out.push(state_vector(&da, &db, with_teacher.then_some(&da)));
        }
    }
    Ok(out)
}

fn mat_vec(m: &RationalMatrix, v: &[BigRational]) -> Vec<BigRational> {
    (0..m.nrows())
        .map(|i| {
            (0..m.ncols()).fold(BigRational::zero(), |acc, j| {
                let x = m.get(i, j);
                if x.is_zero() || v[j].is_zero() {
                    acc
                } else {
                    acc + x * &v[j]
                }
            })
        })
        .collect()
}

fn rows_matrix(rows: &[Vec<BigRational>], cols: usize) -> RationalMatrix {
    RationalMatrix::from_fn(rows.len(), cols, |i, j| rows[i][j].clone())
}

/// `J − τI`.
fn shifted(j: &RationalMatrix, tau: &BigRational) -> RationalMatrix {
    let mut m = j.clone();
    if !tau.is_zero() {
        for i in 0..m.nrows() {
            let v = m.get(i, i) - tau;
            m.set(i, i, v);
        }
    }
    m
}

/// The kernel and tangent data at `τ`: `(kernel, tangent, tangent rank,
/// tangent ⊆ kernel)`.
type KernelData = (Vec<Vec<BigRational>>, Vec<Vec<BigRational>>, usize, bool);

fn kernel_data(
    j: &RationalMatrix,
    tau: &BigRational,
    a: &RationalMatrix,
    b: &RationalMatrix,
    with_teacher: bool,
) -> Result<KernelData> {
    let m = shifted(j, tau);
    let kernel = nullspace(&m);
    let tangent = orbit_tangent(a, b, with_teacher)?;
    let tangent_rank = if tangent.is_empty() {
        0
    } else {
        rank(&rows_matrix(&tangent, j.ncols()))
    };
    let in_kernel = tangent
        .iter()
        .all(|v| mat_vec(&m, v).iter().all(Zero::is_zero));
    Ok((kernel, tangent, tangent_rank, in_kernel))
}

/// Why the neutral directions are not exactly the orbit's, if they are not.
fn neutral_mismatch(
    d: usize,
    kernel_dim: usize,
    tangent_rank: usize,
    tangent_in_kernel: bool,
    orbit_dim: usize,
    tau: &str,
) -> Option<String> {
    if tangent_rank != orbit_dim {
        return Some(format!(
            "the orbit tangent vectors span dimension {tangent_rank}, expected the orbit dimension {orbit_dim}"
        ));
    }
    if !tangent_in_kernel {
        return Some(format!(
            "some orbit tangent vector is not in ker(J − {tau}I), which is impossible at an exact equilibrium"
        ));
    }
    if kernel_dim != orbit_dim {
        return Some(format!(
            "ker(J − {tau}I) has dimension {kernel_dim}, larger than the orbit dimension {orbit_dim}: a neutral direction transverse to the orbit"
        ));
    }
    if d != orbit_dim {
        return Some(format!(
            "the eigenvalue {tau} has algebraic multiplicity {d} but geometric multiplicity {kernel_dim} = orbit dimension {orbit_dim}: not semisimple (a Jordan block)"
        ));
    }
    None
}

/// Exact stability certificate of the point `(A, B)` (with teacher `C = A`
/// for the EMA dynamics) for `dynamics`; see the module documentation for
/// what each verdict proves.
///
/// Steps: the exact residual (velocity, or `θ⁺ − θ` for maps); if it is not
/// zero, [`Verdict::NotEquilibrium`]. Otherwise `r = rank A`, the orbit
/// dimension, the exact Jacobian ([`jacobian`]), `χ = det(tI − J)`, the
/// algebraic multiplicity `d` of `τ` (0 or 1), a basis of `ker(J − τI)`,
/// the orbit tangent vectors and whether they lie in the kernel, the
/// quotient `χ/(t − τ)^d`, and the Routh or Schur–Cohn test on it.
pub fn certify(
    inst: &Instance,
    a: &RationalMatrix,
    b: &RationalMatrix,
    dynamics: &Dynamics,
) -> Result<StabilityCertificate> {
    let residual = displacement(inst, dynamics, a, b, None)?;
    let norm2 = residual
        .iter()
        .fold(BigRational::zero(), |acc, x| acc + x * x);
    let n = inst.n();
    let r = rank(a);
    let orbit_dim = orbit_dimension(n, r);
    let mut cert = StabilityCertificate {
        instance: InstanceRecord::of(inst),
        dynamics: dynamics.clone(),
        a: a.clone(),
        b: b.clone(),
        state_dimension: dynamics.state_dimension(n, inst.m()),
        rank: r,
        orbit_dimension: orbit_dim,
        residual_norm_squared: norm2.clone(),
        analysis: None,
        verdict: Verdict::Stable,
    };
    if !norm2.is_zero() {
        cert.verdict = Verdict::NotEquilibrium {
            residual_norm: format!("{:e}", to_f64(&norm2).sqrt()),
            residual_norm_squared: norm2,
        };
        return Ok(cert);
    }
    let j = jacobian(inst, dynamics.clone(), a, b, None)?;
    let chi = charpoly(&j)?;
    let is_map = dynamics.is_map();
    let tau = if is_map {
        BigRational::one()
    } else {
        BigRational::zero()
    };
    let (d, quotient) = divide_out(&chi, &tau)?;
    let (kernel, tangent, tangent_rank, tangent_in_kernel) =
        kernel_data(&j, &tau, a, b, dynamics.has_teacher())?;
    let test = if is_map {
        RootTest::SchurCohn(schur_cohn(&quotient))
    } else {
        RootTest::Routh(routh(&quotient))
    };
    let tau_name = if is_map { "1" } else { "0" };
    let degree = quotient.degree().unwrap_or(0);
    cert.verdict = if let Some(reason) = neutral_mismatch(
        d,
        kernel.len(),
        tangent_rank,
        tangent_in_kernel,
        orbit_dim,
        tau_name,
    ) {
        // The quotient's roots are unaffected by the neutral directions: a
        // strictly unstable one still proves instability.
        let extra = match test.unstable_count() {
            Some(u) if u > 0 => format!(
                "; the quotient has {u} strictly unstable root(s), so the point is unstable"
            ),
            _ => String::new(),
        };
        Verdict::Degenerate {
            reason: reason + extra.as_str(),
        }
    } else {
        match (test.unstable_count(), test.singular_at()) {
            (Some(0), _) => Verdict::Stable,
            (Some(u), _) if u == degree => Verdict::Unstable,
            (Some(u), _) => Verdict::Saddle {
                unstable: u,
                stable: degree - u,
            },
            (None, at) => Verdict::Degenerate {
                reason: format!(
                    "the {} of the quotient χ/(t − {tau_name})^{d} is singular at {} {}: some non-tangent eigenvalue is not strictly stable (so the point is not stable), but the numbers of stable and unstable eigenvalues are not determined",
                    if is_map {
                        "Schur–Cohn test"
                    } else {
                        "Routh array"
                    },
                    if is_map { "step" } else { "row" },
                    at.unwrap_or(0)
                ),
            },
        }
    };
    cert.analysis = Some(EquilibriumAnalysis {
        jacobian: j,
        tangent_eigenvalue: tau,
        charpoly: chi,
        algebraic_multiplicity: d,
        kernel,
        tangent,
        tangent_rank,
        tangent_in_kernel,
        quotient,
        test,
    });
    Ok(cert)
}

/// The multiplicity `d` of `τ` as a root of `χ` and `χ/(t − τ)^d`.
fn divide_out(chi: &UPoly, tau: &BigRational) -> Result<(usize, UPoly)> {
    if tau.is_zero() {
        let d = chi.coeffs().iter().take_while(|c| c.is_zero()).count();
        return Ok((d, UPoly::new(chi.coeffs()[d..].to_vec())));
    }
    let d = chi.root_multiplicity(tau);
    let factor = UPoly::new(vec![-tau.clone(), BigRational::one()]).pow(d as u32);
    match chi.div_rem(&factor) {
        Some((quo, rem)) if rem.is_zero() => Ok((d, quo)),
        _ => Err(Error::Computation(format!(
            "(t − {tau})^{d} does not divide the characteristic polynomial {chi}, although {tau} is a root of multiplicity {d}"
        ))),
    }
}

// ---------------------------------------------------------------------------
// The step-size bracket of the SG map.

/// Two rationals around the largest stable step size of the SG map, each
/// with its certificate (see [`certify_sg_step_bracket`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepBracket {
    /// The float guess the search started from, as a decimal.
    pub eta_guess: String,
    /// A step size at which the SG map is certified stable.
    #[serde(serialize_with = "super::cert_serde::rational")]
    pub eta_lo: BigRational,
    /// A step size at which it is certified not stable.
    #[serde(serialize_with = "super::cert_serde::rational")]
    pub eta_hi: BigRational,
    /// `(η_hi − η_lo)/η_lo ≤ 10⁻⁶`.
    #[serde(serialize_with = "super::cert_serde::rational")]
    pub relative_gap: BigRational,
    /// The SG flow certificate ([`Verdict::Stable`]).
    pub flow: StabilityCertificate,
    /// The SG map certificate at `η_lo` ([`Verdict::Stable`]).
    pub at_lo: StabilityCertificate,
    /// The SG map certificate at `η_hi` (not stable).
    pub at_hi: StabilityCertificate,
}

/// Largest relative gap of a [`StepBracket`].
pub const STEP_BRACKET_GAP: f64 = 1e-6;

/// Brackets the stability limit of the SG map `θ⁺ = θ + η·v_SG(θ)` at an
/// equilibrium whose SG flow is certified stable: rationals
/// `η_lo < η_hi` with `(η_hi − η_lo)/η_lo ≤ 10⁻⁶`, [`certify`] giving
/// [`Verdict::Stable`] at `η_lo` and something else at `η_hi`. The search
/// starts ±10⁻⁷ around `eta_guess` (the caller passes the float value of
/// [`crate::numeric::spectra::max_stable_step`]), widens the bracket
/// tenfold until it is valid, then bisects on rationals `k·10^e` with
/// about ten significant digits. The search probes are Schur–Cohn tests of
/// `η^{deg q} q((t − 1)/η)`, `q = χ/t^d` of the flow (cheap); the two
/// final step sizes are certified from scratch by [`certify`], and a
/// disagreement with the probes is an error.
///
/// # Why the bracket describes all step sizes
///
/// The map's Jacobian is `I + ηJ` with `J` the flow's, so its eigenvalues
/// are `1 + ημ` over the eigenvalues `μ` of `J`, `ker(ηJ) = ker J`, and the
/// algebraic multiplicity of 1 equals that of 0 in `J`: conditions 1–2 hold
/// for the map at every η > 0 iff they hold for the flow. For a stable flow
/// every non-tangent μ has `Re μ < 0`, and
/// `|1 + ημ|² = 1 + 2η Re μ + η²|μ|² < 1 ⇔ η < −2 Re μ/|μ|²`. So the set of
/// η > 0 where the map is stable is the interval `(0, η_max)` with
/// `η_max = min_μ −2 Re μ/|μ|²`, and the certificates prove
/// `η_lo < η_max ≤ η_hi`: the map is stable for **every**
/// `η ∈ (0, η_lo]` and not for `η_hi` (nor, by the same formula, for any
/// `η ≥ η_hi`).
///
/// Errors when the SG flow is not certified stable (then no η gives a
/// stable map, or the question is degenerate), when every non-tangent
/// eigenvalue is absent (every η is stable), or when `eta_guess` is not a
/// finite positive number.
pub fn certify_sg_step_bracket(
    inst: &Instance,
    a: &RationalMatrix,
    b: &RationalMatrix,
    eta_guess: f64,
) -> Result<StepBracket> {
    if !(eta_guess.is_finite() && eta_guess > 0.0) {
        return Err(Error::param(
            "eta_guess",
            eta_guess,
            "a finite positive float estimate of the largest stable step size",
        ));
    }
    let flow = certify(inst, a, b, &Dynamics::StopGradient)?;
    if !flow.verdict.is_stable() {
        return Err(Error::Computation(format!(
            "the SG flow at this point of {} is not certified stable (verdict {:?}), so no step size makes the SG map stable modulo the orbit",
            inst.name(),
            flow.verdict
        )));
    }
    let flow_quotient = match &flow.analysis {
        Some(an) if an.quotient.degree() != Some(0) => an.quotient.clone(),
        _ => {
            return Err(Error::Computation(format!(
                "every eigenvalue of the SG Jacobian at this point of {} is tangent to the orbit, so the SG map is stable for every η > 0 and there is no limit to bracket",
                inst.name()
            )));
        }
    };
    // η = k·unit with unit = 10^(⌊log₁₀ guess⌋ − 9): k has ten digits.
    let exponent = eta_guess.log10().floor() as i32 - 9;
    let ten = BigRational::from_integer(BigInt::from(10));
    let unit = if exponent >= 0 {
        num_traits::pow(ten, exponent as usize)
    } else {
        num_traits::pow(ten, exponent.unsigned_abs() as usize).recip()
    };
    let guess = BigRational::from_float(eta_guess)
        .ok_or_else(|| Error::param("eta_guess", eta_guess, "a finite positive float"))?
        / &unit;
    let one = BigInt::one();
    let k_guess = guess.round().to_integer().max(one.clone());
    let eta_of = |k: &BigInt| BigRational::from_integer(k.clone()) * &unit;
    // The search probes with the quotient of the map's characteristic
    // polynomial, η^{deg q}·q((t − 1)/η) (the eigenvalues 1 + ημ), and the
    // Schur–Cohn test; only the final two step sizes get full certificates.
    let probe = |k: &BigInt| {
        let eta = eta_of(k);
        let shift = UPoly::new(vec![-eta.recip(), eta.recip()]);
        schur_cohn(&flow_quotient.compose(&shift)).is_schur_stable()
    };
    // Start ±1e-7 around the guess, then widen the offsets tenfold until
    // the bracket is valid.
    let initial: BigInt = (&k_guess / BigInt::from(10_000_000)).max(one.clone());
    let mut step = initial.clone();
    let mut lo_k = (&k_guess - &step).max(one.clone());
    while !probe(&lo_k) {
        if lo_k == one {
            return Err(Error::Computation(format!(
                "the SG map at {} is not stable even for η = {}, although the flow is stable; expected stability for all small η",
                inst.name(),
                eta_of(&lo_k)
            )));
        }
        step *= 10;
        lo_k = (&k_guess - &step).max(one.clone());
    }
    let mut step = initial;
    let mut hi_k = &k_guess + &step;
    let mut tries = 0;
    while probe(&hi_k) {
        if tries > 60 {
            return Err(Error::Computation(format!(
                "the SG map at {} is still stable at η = {}: no stability limit found above the guess {eta_guess}",
                inst.name(),
                eta_of(&hi_k)
            )));
        }
        step *= 10;
        hi_k = &k_guess + &step;
        tries += 1;
    }
    let gap = |lo: &BigInt, hi: &BigInt| BigRational::new(hi - lo, lo.clone());
    let limit = BigRational::new(BigInt::one(), BigInt::from(1_000_000));
    while gap(&lo_k, &hi_k) > limit {
        let mid: BigInt = (&lo_k + &hi_k) / 2;
        if mid == lo_k {
            return Err(Error::Computation(format!(
                "cannot bisect the step bracket [{lo_k}, {hi_k}]·{unit} further"
            )));
        }
        if probe(&mid) {
            lo_k = mid;
        } else {
            hi_k = mid;
        }
    }
    let (eta_lo, eta_hi) = (eta_of(&lo_k), eta_of(&hi_k));
    let at_lo = certify(
        inst,
        a,
        b,
        &Dynamics::SgMap {
            eta: eta_lo.clone(),
        },
    )?;
    let at_hi = certify(
        inst,
        a,
        b,
        &Dynamics::SgMap {
            eta: eta_hi.clone(),
        },
    )?;
    if !at_lo.verdict.is_stable() || at_hi.verdict.is_stable() {
        return Err(Error::Computation(format!(
            "the certificates at η_lo = {eta_lo} ({:?}) and η_hi = {eta_hi} ({:?}) do not confirm the bracket found by the probes",
            at_lo.verdict, at_hi.verdict
        )));
    }
    Ok(StepBracket {
        eta_guess: format!("{eta_guess:e}"),
        relative_gap: gap(&lo_k, &hi_k),
        eta_lo,
        eta_hi,
        flow,
        at_lo,
        at_hi,
    })
}

// ---------------------------------------------------------------------------
// The EMA flow for all κ > 0.

/// Largest Jacobian size [`certify_ema_all_kappa`] accepts: the Hurwitz
/// determinants have κ-degree up to about `(size)·nm`, each needing that
/// many exact evaluations.
pub const MAX_KAPPA_JACOBIAN: usize = 40;

/// A real root of one of the κ-polynomials of a [`KappaCertificate`]: its
/// squarefree polynomial and an isolating interval.
#[derive(Clone, Debug, Serialize)]
pub struct RootRecord {
    /// The squarefree monic polynomial in κ it is a root of.
    pub polynomial: String,
    /// Lower end of the isolating interval (excluded unless `lo = hi`).
    #[serde(serialize_with = "super::cert_serde::rational")]
    pub lo: BigRational,
    /// Upper end of the isolating interval.
    #[serde(serialize_with = "super::cert_serde::rational")]
    pub hi: BigRational,
    /// 12 correctly rounded significant digits.
    pub decimal: String,
    #[serde(skip)]
    root: RealRoot,
}

impl RootRecord {
    fn new(root: RealRoot) -> Self {
        Self {
            polynomial: root.poly().to_string_in("kappa"),
            lo: root.lo().clone(),
            hi: root.hi().clone(),
            decimal: root.decimal(12),
            root,
        }
    }

    /// The exact root.
    pub fn root(&self) -> &RealRoot {
        &self.root
    }
}

/// One Hurwitz condition `Δ_k(κ) > 0` of a [`KappaCertificate`].
#[derive(Clone, Debug, Serialize)]
pub struct HurwitzCondition {
    /// `k` (1-based).
    pub index: usize,
    /// The proven degree bound used for interpolation.
    pub degree_bound: usize,
    /// `Δ_k(κ)`, coefficients lowest degree first.
    #[serde(serialize_with = "super::cert_serde::poly")]
    pub determinant: UPoly,
    /// Number of distinct real roots in `(0, ∞)`.
    pub positive_roots: usize,
    /// Sign of `Δ_k(1)`: −1, 0 or 1.
    pub sign_at_one: i8,
}

/// An open interval of κ between consecutive critical values (roots of the
/// constant term or of a Hurwitz determinant), on which stability does not
/// change.
#[derive(Clone, Debug, Serialize)]
pub struct KappaRegion {
    /// Lower end (`None`: 0).
    pub lower: Option<RootRecord>,
    /// Upper end (`None`: ∞).
    pub upper: Option<RootRecord>,
    /// A rational point of the interval where the signs were evaluated.
    #[serde(serialize_with = "super::cert_serde::rational")]
    pub sample: BigRational,
    /// Whether the EMA flow is stable modulo the orbit on the whole
    /// interval.
    pub stable: bool,
    /// Indices `k` with `Δ_k(sample) ≤ 0`.
    pub failing: Vec<usize>,
    /// Routh count of unstable eigenvalues at the sample (`None` if the
    /// array is singular there).
    pub unstable_at_sample: Option<usize>,
}

/// What [`certify_ema_all_kappa`] proves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
pub enum KappaVerdict {
    /// Stable modulo the orbit for every κ > 0.
    StableForAllKappa,
    /// Stable exactly on the regions marked stable (critical values
    /// isolated exactly; at the critical values themselves not stable).
    StableForSomeKappa,
    /// Stable for no κ > 0.
    StableForNoKappa,
    /// The neutral directions are not exactly the orbit's (for every κ > 0).
    Degenerate {
        /// What failed.
        reason: String,
    },
}

/// A proof about the EMA flow at an SG equilibrium (teacher `C = A`) for all
/// κ > 0 at once (see [`certify_ema_all_kappa`]).
#[derive(Clone, Debug, Serialize)]
pub struct KappaCertificate {
    /// The instance.
    pub instance: InstanceRecord,
    /// The encoder `A`.
    #[serde(serialize_with = "super::cert_serde::matrix")]
    pub a: RationalMatrix,
    /// The predictor `B`.
    #[serde(serialize_with = "super::cert_serde::matrix")]
    pub b: RationalMatrix,
    /// `rank A`.
    pub rank: usize,
    /// The orbit dimension `d`.
    pub orbit_dimension: usize,
    /// Size `2nm + n²` of the Jacobian.
    pub state_dimension: usize,
    /// `J(κ) = J₀ + κ J₁`: the κ-free part.
    #[serde(serialize_with = "super::cert_serde::matrix")]
    pub j0: RationalMatrix,
    /// The κ part (non-zero only in the rows of C).
    #[serde(serialize_with = "super::cert_serde::matrix")]
    pub j1: RationalMatrix,
    /// The interpolation nodes of the characteristic polynomial (the last
    /// one only checks).
    #[serde(serialize_with = "super::serde_util::rationals")]
    pub charpoly_nodes: Vec<BigRational>,
    /// The coefficient of `tᵏ` in `det(tI − J(κ))` as a polynomial in κ,
    /// `k = 0..=size`.
    #[serde(serialize_with = "super::cert_serde::polys")]
    pub charpoly: Vec<UPoly>,
    /// `dim ker J(κ)`, the same for every κ > 0.
    pub kernel_dimension: usize,
    /// Dimension of the span of the orbit tangent vectors.
    pub tangent_rank: usize,
    /// Whether they lie in `ker J(κ)` (for every κ > 0).
    pub tangent_in_kernel: bool,
    /// The coefficient of `t^d`, i.e. the constant term of the quotient.
    #[serde(serialize_with = "super::cert_serde::poly")]
    pub constant_term: UPoly,
    /// Its number of distinct real roots in `(0, ∞)`.
    pub constant_term_positive_roots: usize,
    /// Number of interpolation nodes `κ = 0, 1, 2, …` used for the Hurwitz
    /// determinants (one more checks the highest-degree ones).
    pub hurwitz_nodes: usize,
    /// The Hurwitz conditions of the quotient `χ/t^d`.
    pub hurwitz: Vec<HurwitzCondition>,
    /// The κ-intervals between critical values and their stability.
    pub regions: Vec<KappaRegion>,
    /// The verdict.
    pub verdict: KappaVerdict,
}

impl KappaCertificate {
    /// Whether the certificate proves stability at `kappa` (`None` for a
    /// [`KappaVerdict::Degenerate`] certificate or `kappa ≤ 0`): the
    /// constant term is non-zero and every Hurwitz determinant positive at
    /// `kappa`.
    pub fn stable_at(&self, kappa: &BigRational) -> Option<bool> {
        if matches!(self.verdict, KappaVerdict::Degenerate { .. }) || !kappa.is_positive() {
            return None;
        }
        Some(
            !self.constant_term.eval(kappa).is_zero()
                && self
                    .hurwitz
                    .iter()
                    .all(|h| h.determinant.eval(kappa).is_positive()),
        )
    }

    /// A readable summary of where the flow is stable: maximal intervals,
    /// non-stable regions merged with the critical values between them
    /// (which are never stable), e.g.
    /// `stable on (0, 0.107559007046); not stable on [0.107559007046, ∞)`.
    pub fn summary(&self) -> String {
        if let KappaVerdict::Degenerate { reason } = &self.verdict {
            return format!("degenerate for every κ > 0: {reason}");
        }
        let end = |r: Option<&RootRecord>, zero: &str| {
            r.map_or_else(|| zero.to_owned(), |x| x.decimal.clone())
        };
        let mut parts: Vec<String> = Vec::new();
        let mut i = 0;
        while i < self.regions.len() {
            let first = &self.regions[i];
            if first.stable {
                parts.push(format!(
                    "stable on ({}, {})",
                    end(first.lower.as_ref(), "0"),
                    end(first.upper.as_ref(), "∞")
                ));
                i += 1;
                continue;
            }
            let mut j = i;
            while j + 1 < self.regions.len() && !self.regions[j + 1].stable {
                j += 1;
            }
            let last = &self.regions[j];
            let open = if first.lower.is_some() { "[" } else { "(" };
            let close = if last.upper.is_some() { "]" } else { ")" };
            parts.push(format!(
                "not stable on {open}{}, {}{close}",
                end(first.lower.as_ref(), "0"),
                end(last.upper.as_ref(), "∞")
            ));
            i = j + 1;
        }
        parts.join("; ")
    }

    /// The region containing `kappa > 0` (`None` at a critical value).
    pub fn region_of(&self, kappa: &BigRational) -> Option<&KappaRegion> {
        self.regions.iter().find(|r| {
            let above = r
                .lower
                .as_ref()
                .is_none_or(|l| l.root.compare_rational(kappa) == Ordering::Less);
            let below = r
                .upper
                .as_ref()
                .is_none_or(|u| u.root.compare_rational(kappa) == Ordering::Greater);
            above && below && kappa.is_positive()
        })
    }
}

/// The nodes `0, 1, …, count − 1`.
fn nodes(count: usize) -> Vec<BigRational> {
    (0..count)
        .map(|i| BigRational::from_integer(BigInt::from(i)))
        .collect()
}

/// The polynomial of degree `< ys.len()` with value `ys[i]` at `κ = i`
/// (`i = 0, 1, …`), by Newton's forward differences in integer arithmetic:
/// with `L` the lcm of the denominators and `N = ys.len() − 1`,
/// `L·p(x) = Σⱼ Δʲ(L·y)₀ · x(x−1)⋯(x−j+1)/j!`, evaluated by Horner's rule
/// on `N!·L·p`, whose coefficients are integers, and divided once at the
/// end (rational arithmetic would take a gcd at every step).
fn interpolate(ys: &[BigRational]) -> UPoly {
    let Some(last) = ys.len().checked_sub(1) else {
        return UPoly::zero();
    };
    let l = ys.iter().fold(BigInt::one(), |l, y| {
        let d = y.denom();
        if d.is_one() {
            l
        } else {
            &l / intpoly::int_gcd(&l, d) * d
        }
    });
    let mut y: Vec<BigInt> = ys.iter().map(|v| v.numer() * (&l / v.denom())).collect();
    // Forward differences Δʲy₀.
    let mut diffs = Vec::with_capacity(ys.len());
    while let Some(first) = y.first().cloned() {
        diffs.push(first);
        for i in 0..y.len() - 1 {
            y[i] = &y[i + 1] - &y[i];
        }
        y.pop();
    }
    // Cⱼ = Δʲy₀ · N!/j!, Horner: p ← p·(x − j) + Cⱼ for j = N−1, …, 0.
    let mut factor = BigInt::one(); // N!/j!
    let mut scaled = vec![BigInt::zero(); ys.len()];
    for j in (0..=last).rev() {
        scaled[j] = &diffs[j] * &factor;
        factor *= BigInt::from(j.max(1));
    }
    // Now factor = N!.
    let mut p: Vec<BigInt> = vec![scaled[last].clone()];
    for j in (0..last).rev() {
        let jj = BigInt::from(j);
        let mut next = vec![BigInt::zero(); p.len() + 1];
        for (i, c) in p.iter().enumerate() {
            next[i + 1] += c;
            if j != 0 {
                next[i] -= &jj * c;
            }
        }
        next[0] += &scaled[j];
        p = next;
    }
    let den = factor * l;
    UPoly::new(
        p.into_iter()
            .map(|c| {
                if c.is_zero() {
                    BigRational::zero()
                } else {
                    intpoly::ratio(c, den.clone())
                }
            })
            .collect(),
    )
}

/// `p(x)` by Horner's rule on integers: with `L` the lcm of the
/// coefficient denominators and `x = u/v`,
/// `p(x) = (Σ L·cᵢ uⁱ v^{N−i}) / (L·v^N)`, one gcd at the end instead of
/// one per step.
fn eval_fast(p: &UPoly, x: &BigRational) -> BigRational {
    let c = p.coeffs();
    let Some(n) = c.len().checked_sub(1) else {
        return BigRational::zero();
    };
    let l = c.iter().fold(BigInt::one(), |l, y| {
        let d = y.denom();
        if d.is_one() {
            l
        } else {
            &l / intpoly::int_gcd(&l, d) * d
        }
    });
    let (u, v) = (x.numer(), x.denom());
    let mut acc = BigInt::zero();
    let mut vpow = BigInt::one();
    for ci in c.iter().rev() {
        // acc ← acc·u + L·cᵢ·v^{N−i}
        acc = acc * u + ci.numer() * (&l / ci.denom()) * &vpow;
        vpow *= v;
    }
    // vpow = v^{N+1}; the denominator is L·v^N.
    intpoly::ratio(acc, l * num_traits::pow(v.clone(), n))
}

/// The real roots of `p` in `(0, ∞)`, isolated. When the coefficients of
/// `p` have no sign variation, Descartes' rule of signs proves there is no
/// positive root and the (costly) isolation is skipped.
fn positive_roots(p: &UPoly) -> Vec<RealRoot> {
    let signs: Vec<bool> = p
        .coeffs()
        .iter()
        .filter(|c| !c.is_zero())
        .map(Signed::is_positive)
        .collect();
    if signs.windows(2).all(|w| w[0] == w[1]) {
        return Vec::new();
    }
    let zero = BigRational::zero();
    real_roots(p)
        .into_iter()
        .filter(|r| r.compare_rational(&zero) == Ordering::Greater)
        .collect()
}

fn sign(x: &BigRational) -> i8 {
    if x.is_positive() {
        1
    } else if x.is_negative() {
        -1
    } else {
        0
    }
}

/// The width `hi − lo` of an isolating interval.
fn width(r: &RealRoot) -> BigRational {
    r.hi() - r.lo()
}

/// A rational strictly between two distinct real roots `x < y`, refining
/// both until their isolating intervals separate.
fn between(x: &mut RealRoot, y: &mut RealRoot) -> BigRational {
    let two = BigRational::from_integer(BigInt::from(2));
    loop {
        if x.hi() < y.lo() {
            // x ≤ x.hi < y.lo < y.
            return (x.hi() + y.lo()) / &two;
        }
        if x.hi() == y.lo() && !x.is_exact() {
            // x < x.hi = y.lo < y.
            return x.hi().clone();
        }
        for z in [&mut *x, &mut *y] {
            if !z.is_exact() {
                let w = width(z) / &two;
                z.refine(&w);
            }
        }
    }
}

/// Exact stability of the EMA flow at the SG equilibrium `(A, B)` (teacher
/// `C = A`) for **all** κ > 0 at once.
///
/// # Method
///
/// `J(κ) = J₀ + κJ₁`, where `J₁` is non-zero only in the `nm` rows of `C`
/// (`Ċ = κ(A − C)`), so every coefficient of `χ(t, κ) = det(tI − J(κ))` is a
/// polynomial in κ of degree ≤ nm (expand the determinant along those
/// rows). It is computed exactly at the `nm + 1` nodes `κ = 0, 1, …, nm`,
/// interpolated, and checked at one more node.
///
/// *Neutral directions.* For κ ≠ 0, `J(κ)v = 0` forces `v_C = v_A` (rows of
/// C) and then the rows of A and B do not involve κ: `ker J(κ)` is the same
/// for every κ > 0, so its dimension and whether it contains the orbit
/// tangent are decided once, at κ = 1. The coefficients of `t⁰, …, t^{d−1}`
/// must vanish identically (d = orbit dimension, checked), and the algebraic
/// multiplicity of 0 is exactly d wherever the constant term `c_d(κ)` of
/// the quotient `q(t, κ) = χ/t^d` is non-zero.
///
/// *Hurwitz conditions.* `q` is monic in t, so for a given κ all its roots
/// lie in the open left half-plane iff every Hurwitz determinant
/// `Δ_k(κ) > 0`. Each `Δ_k` is a polynomial in κ; a degree bound follows
/// from the κ-degrees of the entries of the Hurwitz matrix (the smaller of
/// the sums of the row and of the column maxima), and `Δ_k` is interpolated
/// from exact evaluations at that many nodes, checked at further nodes.
///
/// *Regions.* The positive real roots of `c_d` and of every `Δ_k` are
/// isolated exactly; between consecutive ones all signs are constant, so
/// evaluating at one rational point of each open interval decides it. At
/// the critical values themselves some `Δ_k` or `c_d` vanishes, so the flow
/// is not stable there. With no critical value at all, stability for all
/// κ > 0 is proven by the signs at κ = 1.
///
/// Errors when the point is not an SG equilibrium or the Jacobian is larger
/// than [`MAX_KAPPA_JACOBIAN`].
pub fn certify_ema_all_kappa(
    inst: &Instance,
    a: &RationalMatrix,
    b: &RationalMatrix,
) -> Result<KappaCertificate> {
    let (n, m) = (inst.n(), inst.m());
    let nm = n * m;
    let size = 2 * nm + n * n;
    if size > MAX_KAPPA_JACOBIAN {
        return Err(Error::InvalidParameter {
            name: "Jacobian size 2nm + n²".to_owned(),
            value: size.to_string(),
            expected: format!(
                "at most {MAX_KAPPA_JACOBIAN} for the all-κ certificate (the Hurwitz determinants have κ-degree up to about size·nm = {}, too expensive beyond that); certify individual κ with certify instead",
                size * nm
            ),
        });
    }
    let residual = displacement(inst, &Dynamics::StopGradient, a, b, None)?;
    if residual.iter().any(|x| !x.is_zero()) {
        return Err(Error::Computation(format!(
            "the point is not an exact SG equilibrium of {} (non-zero velocity), so it is not an EMA equilibrium with C = A for any κ",
            inst.name()
        )));
    }
    let r = rank(a);
    let d = orbit_dimension(n, r);
    let kappa = |k: i64| Dynamics::Ema {
        kappa: BigRational::from_integer(BigInt::from(k)),
    };
    let j_1 = jacobian(inst, kappa(1), a, b, None)?;
    let j_2 = jacobian(inst, kappa(2), a, b, None)?;
    let j1 = j_2.sub(&j_1);
    let j0 = j_1.sub(&j1);
    let j_at = |k: &BigRational| j0.add(&j1.scale(k));
    // Linearity in κ, checked at κ = 3.
    if jacobian(inst, kappa(3), a, b, None)? != j_at(&BigRational::from_integer(3.into())) {
        return Err(Error::Computation(
            "the EMA Jacobian is not affine in κ (J(3) ≠ J₀ + 3J₁)".to_owned(),
        ));
    }

    // Characteristic polynomial coefficients as polynomials in κ.
    let cp_nodes = nodes(nm + 2);
    let values: Vec<UPoly> = cp_nodes
        .iter()
        .map(|k| charpoly(&j_at(k)))
        .collect::<Result<_>>()?;
    let coeff = |p: &UPoly, i: usize| p.coeffs().get(i).cloned().unwrap_or_default();
    let charpoly_k: Vec<UPoly> = (0..=size)
        .map(|i| {
            let ys: Vec<BigRational> = values[..=nm].iter().map(|p| coeff(p, i)).collect();
            interpolate(&ys)
        })
        .collect();
    let check = &cp_nodes[nm + 1];
    for (i, c) in charpoly_k.iter().enumerate() {
        if c.eval(check) != coeff(&values[nm + 1], i) {
            return Err(Error::Computation(format!(
                "the interpolated coefficient of t^{i} of det(tI − J(κ)) disagrees with the exact value at the check node κ = {check}"
            )));
        }
    }
    for (i, c) in charpoly_k.iter().enumerate().take(d) {
        if !c.is_zero() {
            return Err(Error::Computation(format!(
                "the coefficient of t^{i} of det(tI − J(κ)) is {c}, not identically 0, although the orbit dimension is {d}"
            )));
        }
    }
    let quotient: Vec<UPoly> = charpoly_k[d..].to_vec();
    let constant_term = quotient[0].clone();
    let qdeg = size - d;

    let (kernel, _tangent, tangent_rank, tangent_in_kernel) =
        kernel_data(&j_1, &BigRational::zero(), a, b, true)?;

    // Hurwitz determinants of q(t, κ) = Σ quotient[i](κ) tⁱ: b_k is the
    // coefficient of t^{qdeg − k}; H[i][j] = b_{2j−i+1}.
    let deg_b = |k: i64| -> Option<usize> {
        if (0..=qdeg as i64).contains(&k) {
            quotient[qdeg - k as usize].degree()
        } else {
            None
        }
    };
    let bounds: Vec<usize> = (1..=qdeg)
        .map(|k| {
            let entry = |i: usize, j: usize| deg_b(2 * j as i64 - i as i64 + 1);
            let rows: usize = (0..k)
                .map(|i| (0..k).filter_map(|j| entry(i, j)).max().unwrap_or(0))
                .sum();
            let cols: usize = (0..k)
                .map(|j| (0..k).filter_map(|i| entry(i, j)).max().unwrap_or(0))
                .sum();
            rows.min(cols)
        })
        .collect();
    let max_bound = bounds.iter().copied().max().unwrap_or(0);
    let h_nodes = nodes(max_bound + 2);
    let q_at = |k: &BigRational| UPoly::new(quotient.iter().map(|c| eval_fast(c, k)).collect());
    let h_values: Vec<Vec<BigRational>> = h_nodes
        .iter()
        .map(|k| hurwitz_determinants(&q_at(k)))
        .collect();
    let one = BigRational::one();
    let mut hurwitz = Vec::with_capacity(qdeg);
    let mut critical: Vec<RealRoot> = positive_roots(&constant_term);
    let constant_term_positive_roots = critical.len();
    for (idx, &bound) in bounds.iter().enumerate() {
        let ys: Vec<BigRational> = h_values[..=bound]
            .iter()
            .map(|v| v.get(idx).cloned().unwrap_or_default())
            .collect();
        let det = interpolate(&ys);
        // Check at the next node and at the last one (the bound is a
        // theorem; this guards the implementation).
        let last = h_nodes.len() - 1;
        for i in [bound + 1, last] {
            let (node, v) = (&h_nodes[i], &h_values[i]);
            if eval_fast(&det, node) != v.get(idx).cloned().unwrap_or_default() {
                return Err(Error::Computation(format!(
                    "the interpolated Hurwitz determinant Δ_{} (degree bound {bound}) disagrees with its exact value at κ = {node}",
                    idx + 1
                )));
            }
        }
        let roots = positive_roots(&det);
        hurwitz.push(HurwitzCondition {
            index: idx + 1,
            degree_bound: bound,
            positive_roots: roots.len(),
            sign_at_one: sign(&eval_fast(&det, &one)),
            determinant: det,
        });
        critical.extend(roots);
    }

    // Critical values and regions.
    critical.sort_by(|x, y| x.compare(y));
    critical.dedup_by(|x, y| x.compare(y) == Ordering::Equal);
    let evaluate = |k: &BigRational| -> (bool, Vec<usize>, Option<usize>) {
        let failing: Vec<usize> = hurwitz
            .iter()
            .filter(|h| !eval_fast(&h.determinant, k).is_positive())
            .map(|h| h.index)
            .collect();
        let stable = failing.is_empty() && !eval_fast(&constant_term, k).is_zero();
        (stable, failing, routh(&q_at(k)).right_half_plane)
    };
    let mut samples = Vec::with_capacity(critical.len() + 1);
    if critical.is_empty() {
        samples.push(one.clone());
    } else {
        let first = &mut critical[0];
        while !first.lo().is_positive() && !first.is_exact() {
            let w = width(first) / BigRational::from_integer(BigInt::from(2));
            first.refine(&w);
        }
        let lo = if first.is_exact() {
            first.hi().clone()
        } else {
            first.lo().clone()
        };
        samples.push(lo / BigRational::from_integer(BigInt::from(2)));
        for i in 1..critical.len() {
            let (left, right) = critical.split_at_mut(i);
            samples.push(between(&mut left[i - 1], &mut right[0]));
        }
        let last = &critical[critical.len() - 1];
        samples.push(last.hi() + BigRational::one());
    }
    let records: Vec<RootRecord> = critical.into_iter().map(RootRecord::new).collect();
    let regions: Vec<KappaRegion> = samples
        .into_iter()
        .enumerate()
        .map(|(i, sample)| {
            let (stable, failing, unstable_at_sample) = evaluate(&sample);
            KappaRegion {
                lower: i.checked_sub(1).map(|j| records[j].clone()),
                upper: records.get(i).cloned(),
                sample,
                stable,
                failing,
                unstable_at_sample,
            }
        })
        .collect();

    let verdict = if let Some(reason) =
        neutral_mismatch(d, kernel.len(), tangent_rank, tangent_in_kernel, d, "0")
    {
        KappaVerdict::Degenerate { reason }
    } else if constant_term.is_zero() {
        KappaVerdict::Degenerate {
            reason: format!(
                "the coefficient of t^{d} of det(tI − J(κ)) vanishes identically: the eigenvalue 0 has algebraic multiplicity > {d} = orbit dimension for every κ (not semisimple)"
            ),
        }
    } else if regions.iter().all(|r| r.stable) {
        KappaVerdict::StableForAllKappa
    } else if regions.iter().any(|r| r.stable) {
        KappaVerdict::StableForSomeKappa
    } else {
        KappaVerdict::StableForNoKappa
    };
    Ok(KappaCertificate {
        instance: InstanceRecord::of(inst),
        a: a.clone(),
        b: b.clone(),
        rank: r,
        orbit_dimension: d,
        state_dimension: size,
        j0,
        j1,
        charpoly_nodes: cp_nodes,
        charpoly: charpoly_k,
        kernel_dimension: kernel.len(),
        tangent_rank,
        tangent_in_kernel,
        constant_term,
        constant_term_positive_roots,
        hurwitz_nodes: max_bound + 1,
        hurwitz,
        regions,
        verdict,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::equilibrium::{RationalEquilibrium, rational_equilibrium};
    use crate::exact::testutil::to_json;
    use crate::exact::upoly::tests::q;
    use crate::model::{Moments, builtin};
    use crate::numeric::spectra::{
        SpectralTolerances, StabilityVerdict, classify_continuous, classify_discrete,
        max_stable_step,
    };

    fn eq(n: usize, m: usize, r: usize, seed: u64) -> RationalEquilibrium {
        rational_equilibrium(n, m, r, &q(1, 10), seed).unwrap()
    }

    /// Shapes with n > m, n = m, n < m and rank-deficient equilibria.
    const SHAPES: [(usize, usize, usize); 10] = [
        (1, 1, 1),
        (2, 1, 1),
        (1, 2, 1),
        (2, 2, 2),
        (2, 2, 1),
        (3, 2, 2),
        (3, 2, 1),
        (2, 3, 2),
        (2, 3, 1),
        (3, 3, 2),
    ];

    fn all_dynamics() -> Vec<Dynamics> {
        vec![
            Dynamics::StopGradient,
            Dynamics::Ema { kappa: q(1, 1) },
            Dynamics::Ema { kappa: q(1, 10) },
            Dynamics::SgMap { eta: q(1, 50) },
            Dynamics::EmaMap {
                eta: q(1, 50),
                alpha: q(1, 2),
            },
        ]
    }

    /// The numeric verdict on the f64 Jacobian with the exact orbit dimension.
    fn numeric_verdict(cert: &StabilityCertificate) -> (StabilityVerdict, usize) {
        let j = cert.analysis.as_ref().unwrap().jacobian.to_f64();
        let tol = SpectralTolerances::default();
        let s = if cert.dynamics.is_map() {
            classify_discrete(&j, cert.orbit_dimension, &tol)
        } else {
            classify_continuous(&j, cert.orbit_dimension, &tol)
        };
        (s.verdict, s.unstable_count)
    }

    /// At constructed equilibria the orbit tangent vectors lie in the exact
    /// kernel, span the orbit dimension, and (unless the verdict reports a
    /// degeneracy) the kernel is exactly their span.
    #[test]
    fn kernel_is_the_orbit_tangent_at_constructed_equilibria() {
        for &(n, m, r) in &SHAPES {
            for seed in 0..3 {
                let e = eq(n, m, r, seed);
                for dynamics in all_dynamics() {
                    let c = certify(&e.instance, &e.a, &e.b, &dynamics).unwrap();
                    let what = format!("{} {}", e.instance.name(), dynamics.describe());
                    assert!(c.residual_norm_squared.is_zero(), "{what}");
                    assert_eq!(c.rank, r, "{what}");
                    assert_eq!(c.orbit_dimension, n * r - r * (r + 1) / 2, "{what}");
                    let an = c.analysis.as_ref().unwrap();
                    assert!(an.tangent_in_kernel, "{what}");
                    assert_eq!(an.tangent_rank, c.orbit_dimension, "{what}");
                    assert_eq!(an.tangent.len(), n * (n - 1) / 2, "{what}");
                    if !matches!(c.verdict, Verdict::Degenerate { .. }) {
                        assert_eq!(an.kernel.len(), c.orbit_dimension, "{what}");
                        assert_eq!(an.algebraic_multiplicity, c.orbit_dimension, "{what}");
                        // span(kernel) = span(tangent): stacking does not
                        // raise the rank.
                        let mut all = an.kernel.clone();
                        all.extend(an.tangent.iter().cloned());
                        if !all.is_empty() {
                            let mat = rows_matrix(&all, c.state_dimension);
                            assert_eq!(rank(&mat), c.orbit_dimension, "{what}");
                        }
                    }
                    // χ = (t − τ)^d · quotient.
                    let tau = &an.tangent_eigenvalue;
                    let factor = UPoly::new(vec![-tau.clone(), q(1, 1)])
                        .pow(an.algebraic_multiplicity as u32);
                    assert_eq!(factor.mul(&an.quotient), an.charpoly, "{what}");
                    assert!(!an.quotient.eval(tau).is_zero(), "{what}");
                }
            }
        }
    }

    /// The exact verdict agrees with the numeric classification of the f64
    /// Jacobian wherever the latter is not degenerate (verdict and number of
    /// unstable eigenvalues), and the search finds both saddles and stable
    /// equilibria, so both branches are exercised.
    #[test]
    fn exact_verdicts_agree_with_the_numeric_ones() {
        let mut seen_stable = 0;
        let mut seen_saddle = 0;
        let mut compared = 0;
        for &(n, m, r) in &SHAPES {
            for seed in 0..6 {
                let e = eq(n, m, r, seed);
                for dynamics in all_dynamics() {
                    let c = certify(&e.instance, &e.a, &e.b, &dynamics).unwrap();
                    let what = format!("{} {}", e.instance.name(), dynamics.describe());
                    let (nv, unstable) = numeric_verdict(&c);
                    if nv == StabilityVerdict::Degenerate {
                        continue;
                    }
                    compared += 1;
                    match (&c.verdict, nv) {
                        (Verdict::Stable, StabilityVerdict::Stable) => seen_stable += 1,
                        (
                            Verdict::Saddle {
                                unstable: u,
                                stable: s,
                            },
                            StabilityVerdict::Saddle,
                        ) => {
                            assert_eq!(*u, unstable, "{what}");
                            assert_eq!(u + s + c.orbit_dimension, c.state_dimension, "{what}");
                            seen_saddle += 1;
                        }
                        (Verdict::Unstable, StabilityVerdict::Unstable) => {}
                        (v, nv) => panic!("{what}: exact {v:?} but numeric {nv:?}"),
                    }
                }
            }
        }
        assert!(compared >= 250, "only {compared} comparisons");
        assert!(
            seen_stable > 0 && seen_saddle > 0,
            "{seen_stable} stable, {seen_saddle} saddles"
        );
    }

    /// A deterministic search for one saddle and one stable constructed
    /// equilibrium of the SG flow, each confirmed by the numeric layer.
    #[test]
    fn finds_a_constructed_saddle_and_a_stable_equilibrium() {
        let find = |want_saddle: bool| {
            (0..50u64)
                .find_map(|seed| {
                    let e = eq(2, 2, 1, seed);
                    let c = certify(&e.instance, &e.a, &e.b, &Dynamics::StopGradient).unwrap();
                    let hit = if want_saddle {
                        matches!(c.verdict, Verdict::Saddle { .. })
                    } else {
                        c.verdict.is_stable()
                    };
                    hit.then_some(c)
                })
                .unwrap()
        };
        let saddle = find(true);
        assert_eq!(numeric_verdict(&saddle).0, StabilityVerdict::Saddle);
        let stable = find(false);
        assert_eq!(numeric_verdict(&stable).0, StabilityVerdict::Stable);
        match saddle.verdict {
            Verdict::Saddle { unstable, stable } => assert!(unstable > 0 && stable > 0),
            _ => unreachable!(),
        }
        // The evidence: a regular Routh array with sign changes.
        let test = &saddle.analysis.as_ref().unwrap().test;
        assert!(matches!(test, RootTest::Routh(t) if t.right_half_plane.is_some_and(|u| u > 0)));
    }

    #[test]
    fn points_that_are_not_equilibria_are_never_stable() {
        let e = eq(3, 2, 2, 1);
        let mut a = e.a.clone();
        let x = a.get(0, 0) + q(1, 1000);
        a.set(0, 0, x);
        for dynamics in all_dynamics() {
            let c = certify(&e.instance, &a, &e.b, &dynamics).unwrap();
            assert!(c.analysis.is_none());
            match &c.verdict {
                Verdict::NotEquilibrium {
                    residual_norm_squared,
                    residual_norm,
                } => {
                    assert!(residual_norm_squared.is_positive());
                    assert!(residual_norm.parse::<f64>().unwrap() > 0.0);
                }
                v => panic!("{v:?}"),
            }
        }
        // An SG equilibrium is in general not a GD equilibrium.
        let c = certify(&e.instance, &e.a, &e.b, &Dynamics::GradientDescent).unwrap();
        assert!(matches!(c.verdict, Verdict::NotEquilibrium { .. }));
    }

    /// The origin is an equilibrium of every dynamics; there the SG
    /// Jacobian is `−λI` and the GD one `−λI` on B and `X ↦ −X(λI + Myy)`
    /// on A, both stable.
    #[test]
    fn the_origin_is_stable_for_gd_and_sg() {
        let inst = builtin("default").unwrap();
        let (n, m) = (inst.n(), inst.m());
        let a = RationalMatrix::zeros(n, m);
        let b = RationalMatrix::zeros(n, n);
        for dynamics in [Dynamics::GradientDescent, Dynamics::StopGradient] {
            let c = certify(&inst, &a, &b, &dynamics).unwrap();
            assert_eq!((c.rank, c.orbit_dimension), (0, 0));
            assert_eq!(c.verdict, Verdict::Stable, "{}", dynamics.describe());
        }
    }

    /// Without weight decay the origin has J = 0 for SG: every direction is
    /// neutral, far more than the (zero-dimensional) orbit: degenerate.
    #[test]
    fn neutral_directions_beyond_the_orbit_are_degenerate() {
        let mo = Moments {
            mxx: RationalMatrix::identity(2),
            myx: RationalMatrix::identity(2),
            myy: RationalMatrix::identity(2),
        };
        let inst = Instance::new("no-decay", 2, mo, q(0, 1)).unwrap();
        let c = certify(
            &inst,
            &RationalMatrix::zeros(2, 2),
            &RationalMatrix::zeros(2, 2),
            &Dynamics::StopGradient,
        )
        .unwrap();
        match &c.verdict {
            Verdict::Degenerate { reason } => {
                assert!(
                    reason.contains("larger than the orbit dimension 0"),
                    "{reason}"
                );
            }
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn recheck_accepts_the_certificate_and_rejects_tampering() {
        let e = eq(3, 2, 2, 2);
        let other = eq(3, 2, 2, 3);
        for dynamics in [
            Dynamics::StopGradient,
            Dynamics::EmaMap {
                eta: q(1, 20),
                alpha: q(1, 3),
            },
        ] {
            let c = certify(&e.instance, &e.a, &e.b, &dynamics).unwrap();
            assert!(c.recheck(&e.instance).unwrap());
            assert!(!c.recheck(&other.instance).unwrap());

            let mut t = c.clone();
            t.verdict = Verdict::Saddle {
                unstable: 1,
                stable: 1,
            };
            assert!(!t.recheck(&e.instance).unwrap());

            let mut t = c.clone();
            let an = t.analysis.as_mut().unwrap();
            let mut coeffs = an.charpoly.coeffs().to_vec();
            coeffs[1] += q(1, 1_000_000);
            an.charpoly = UPoly::new(coeffs);
            assert!(!t.recheck(&e.instance).unwrap());

            let mut t = c.clone();
            let an = t.analysis.as_mut().unwrap();
            let x = an.jacobian.get(0, 0) + q(1, 1);
            an.jacobian.set(0, 0, x);
            assert!(!t.recheck(&e.instance).unwrap());

            let mut t = c.clone();
            t.orbit_dimension += 1;
            assert!(!t.recheck(&e.instance).unwrap());
        }
    }

    #[test]
    fn certificates_serialize_with_exact_strings() {
        let e = eq(2, 2, 2, 0);
        let c = certify(&e.instance, &e.a, &e.b, &Dynamics::Ema { kappa: q(1, 2) }).unwrap();
        let json = to_json(&c);
        assert!(
            json.contains(r#""dynamics":{"kind":"ema","kappa":"1/2"}"#),
            "{json}"
        );
        assert!(json.contains(r#""verdict":{"verdict":"stable"}"#), "{json}");
        assert!(json.contains(r#""test":"routh""#), "{json}");
        assert!(
            json.contains(&format!(r#""lambda":"{}""#, q(1, 10))),
            "{json}"
        );
        let first = e.a.get(0, 0).to_string();
        assert!(json.contains(&format!(r#""a":[["{first}""#)), "{json}");
    }

    /// The rational bracket contains the float stability limit of the SG
    /// map (computed by the numeric layer from the eigenvalues), whatever
    /// the quality of the starting guess.
    #[test]
    fn step_bracket_is_consistent_with_the_float_limit() {
        let tol = SpectralTolerances::default();
        let mut checked = 0;
        for &(n, m, r) in &[(2, 2, 2), (3, 2, 2), (2, 1, 1), (2, 3, 1)] {
            for seed in 0..3 {
                let e = eq(n, m, r, seed);
                let flow = certify(&e.instance, &e.a, &e.b, &Dynamics::StopGradient).unwrap();
                if !flow.verdict.is_stable() {
                    let err = certify_sg_step_bracket(&e.instance, &e.a, &e.b, 0.1)
                        .unwrap_err()
                        .to_string();
                    assert!(err.contains("not certified stable"), "{err}");
                    continue;
                }
                let j = flow.analysis.as_ref().unwrap().jacobian.to_f64();
                let eta_max = max_stable_step(&j, &tol);
                // Poor guesses too, for the first two stable points.
                let guesses = if checked < 2 {
                    vec![eta_max, eta_max * 3.0, eta_max / 3.0]
                } else {
                    vec![eta_max]
                };
                for guess in guesses {
                    let br = certify_sg_step_bracket(&e.instance, &e.a, &e.b, guess).unwrap();
                    let what = format!("{} guess {guess}", e.instance.name());
                    assert!(br.eta_lo < br.eta_hi, "{what}");
                    assert!(
                        br.relative_gap <= BigRational::new(1.into(), 1_000_000.into()),
                        "{what}"
                    );
                    assert_eq!(br.at_lo.verdict, Verdict::Stable, "{what}");
                    assert!(!br.at_hi.verdict.is_stable(), "{what}");
                    assert_eq!(
                        br.at_lo.dynamics,
                        Dynamics::SgMap {
                            eta: br.eta_lo.clone()
                        }
                    );
                    let json = to_json(&br);
                    assert!(
                        json.contains(&format!(r#""eta_lo":"{}""#, br.eta_lo)),
                        "{json}"
                    );
                    let (lo, hi) = (to_f64(&br.eta_lo), to_f64(&br.eta_hi));
                    assert!(lo <= eta_max * (1.0 + 1e-9), "{what}: {lo} > {eta_max}");
                    assert!(hi >= eta_max * (1.0 - 1e-9), "{what}: {hi} < {eta_max}");
                    // Stability at η_lo implies it at every smaller η.
                    for f in [q(1, 2), q(1, 10)] {
                        let c = certify(
                            &e.instance,
                            &e.a,
                            &e.b,
                            &Dynamics::SgMap {
                                eta: &br.eta_lo * f,
                            },
                        )
                        .unwrap();
                        assert!(c.verdict.is_stable(), "{what}");
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked >= 10, "{checked}");
        let e = eq(2, 2, 2, 0);
        assert!(certify_sg_step_bracket(&e.instance, &e.a, &e.b, f64::NAN).is_err());
        assert!(certify_sg_step_bracket(&e.instance, &e.a, &e.b, -1.0).is_err());
    }

    /// The all-κ certificate agrees with single-κ certificates at
    /// κ ∈ {1/10, 1, 10}, including equilibria where stability depends on κ
    /// (found by a deterministic search).
    #[test]
    fn kappa_certificate_agrees_with_certify() {
        let kappas = [q(1, 10), q(1, 1), q(10, 1)];
        let mut verdicts = Vec::new();
        for &(n, m, r) in &[
            (1, 1, 1),
            (2, 1, 1),
            (1, 2, 1),
            (2, 2, 2),
            (2, 2, 1),
            (2, 3, 2),
        ] {
            for seed in 0..3 {
                let e = eq(n, m, r, seed);
                let kc = certify_ema_all_kappa(&e.instance, &e.a, &e.b).unwrap();
                let what = format!("{}: {}", e.instance.name(), kc.summary());
                assert_eq!(kc.orbit_dimension, n * r - r * (r + 1) / 2, "{what}");
                assert_eq!(kc.charpoly.len(), kc.state_dimension + 1, "{what}");
                for kappa in &kappas {
                    let c = certify(
                        &e.instance,
                        &e.a,
                        &e.b,
                        &Dynamics::Ema {
                            kappa: kappa.clone(),
                        },
                    )
                    .unwrap();
                    let stable = kc.stable_at(kappa).unwrap();
                    assert_eq!(c.verdict.is_stable(), stable, "{what} at κ = {kappa}");
                    if let Some(region) = kc.region_of(kappa) {
                        assert_eq!(region.stable, stable, "{what} at κ = {kappa}");
                    }
                    // The interpolated characteristic polynomial at κ is the
                    // exact one.
                    let chi = &c.analysis.as_ref().unwrap().charpoly;
                    let at: Vec<BigRational> = kc.charpoly.iter().map(|p| p.eval(kappa)).collect();
                    assert_eq!(UPoly::new(at), *chi, "{what}");
                }
                // Every region's sample agrees with certify as well.
                for region in &kc.regions {
                    let c = certify(
                        &e.instance,
                        &e.a,
                        &e.b,
                        &Dynamics::Ema {
                            kappa: region.sample.clone(),
                        },
                    )
                    .unwrap();
                    assert_eq!(c.verdict.is_stable(), region.stable, "{what}");
                }
                let json = to_json(&kc);
                assert!(json.contains(r#""verdict":{"verdict":"#), "{json}");
                if kc.verdict == KappaVerdict::StableForSomeKappa {
                    let summary = kc.summary();
                    assert!(summary.contains("not stable on"), "{summary}");
                    assert!(summary.contains("stable on ("), "{summary}");
                }
                verdicts.push(kc.verdict.clone());
            }
        }
        assert!(verdicts.contains(&KappaVerdict::StableForAllKappa));
        assert!(verdicts.contains(&KappaVerdict::StableForSomeKappa));
    }

    #[test]
    fn kappa_certificate_refuses_large_or_non_equilibrium_inputs() {
        let e = eq(4, 4, 2, 0);
        let err = certify_ema_all_kappa(&e.instance, &e.a, &e.b)
            .unwrap_err()
            .to_string();
        assert!(err.contains("48") && err.contains("at most 40"), "{err}");
        let e = eq(2, 2, 2, 0);
        let b = e.b.scale(&q(2, 1));
        let err = certify_ema_all_kappa(&e.instance, &e.a, &b)
            .unwrap_err()
            .to_string();
        assert!(err.contains("not an exact SG equilibrium"), "{err}");
    }

    #[test]
    fn interpolation_and_fast_evaluation_are_exact() {
        let p = UPoly::new(vec![q(-3, 7), q(5, 2), q(0, 1), q(-11, 3), q(1, 9)]);
        for extra in 0..3 {
            let ys: Vec<BigRational> = nodes(5 + extra).iter().map(|k| p.eval(k)).collect();
            assert_eq!(interpolate(&ys), p);
        }
        assert_eq!(interpolate(&[]), UPoly::zero());
        assert_eq!(interpolate(&[q(2, 3)]), UPoly::constant(q(2, 3)));
        for x in [q(0, 1), q(1, 1), q(-7, 3), q(22, 7)] {
            assert_eq!(eval_fast(&p, &x), p.eval(&x));
        }
        assert_eq!(eval_fast(&UPoly::zero(), &q(2, 1)), q(0, 1));
    }

    #[test]
    fn orbit_tangent_checks_shapes() {
        let a = RationalMatrix::identity(2);
        let err = orbit_tangent(&a, &RationalMatrix::zeros(3, 3), false)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("B of orbit_tangent") && err.contains("expected 2×2"),
            "{err}"
        );
        // Ω = E₀₁ − E₁₀ at (A, B) = (I, 0): (Ω, 0[, Ω]).
        let t = orbit_tangent(&a, &RationalMatrix::zeros(2, 2), true).unwrap();
        let (z, o) = (q(0, 1), q(1, 1));
        let expect = vec![
            z.clone(),
            -o.clone(),
            o.clone(),
            z.clone(), // vec(Ω), column-major
            z.clone(),
            z.clone(),
            z.clone(),
            z.clone(), // vec(0)
            z.clone(),
            -o.clone(),
            o.clone(),
            z.clone(), // vec(Ω)
        ];
        assert_eq!(t, vec![expect]);
    }

    #[test]
    fn descartes_shortcut_does_not_hide_positive_roots() {
        // (κ − 1/2)(κ − 3)(κ + 2): positive roots 1/2 and 3.
        let p = UPoly::from_roots(&[q(1, 2), q(3, 1), q(-2, 1)]);
        assert_eq!(positive_roots(&p).len(), 2);
        // (κ + 1)(κ + 2): all coefficients positive, no positive root.
        assert!(positive_roots(&UPoly::from_roots(&[q(-1, 1), q(-2, 1)])).is_empty());
    }
}

/// Timings (run with `cargo test --release --lib -- --ignored --nocapture
/// certificate_timings`; the all-κ column covers Jacobians up to size 27,
/// or `KAPPA_MAX_SIZE` if set, e.g. 40).
#[cfg(test)]
mod timings {
    use super::*;
    use crate::exact::equilibrium::rational_equilibrium;
    use std::time::Instant;

    #[test]
    #[ignore = "timing table; run in release with --nocapture"]
    fn certificate_timings() {
        let lambda = BigRational::new(1.into(), 10.into());
        // Seed 0 throughout; (2,3,2) seeds 0 and 2 are saddles of one flow
        // whose EMA stability depends on κ (root isolation is exercised).
        let cases = [
            ((1, 1, 1), 0),
            ((2, 1, 1), 0),
            ((2, 2, 2), 0),
            ((3, 2, 2), 0),
            ((3, 3, 3), 0),
            ((4, 3, 3), 0),
            ((5, 4, 4), 0),
            ((2, 3, 2), 0),
            ((2, 3, 2), 2),
        ];
        let kappa_limit: usize = std::env::var("KAPPA_MAX_SIZE")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(27);
        println!(
            "| (n,m,r) seed | SG size | SG verdict | SG time | EMA size | EMA(κ=1) verdict | EMA time | all-κ verdict | all-κ nodes | all-κ time |"
        );
        println!("|---|---|---|---|---|---|---|---|---|---|");
        for ((n, m, r), seed) in cases {
            let e = rational_equilibrium(n, m, r, &lambda, seed).unwrap();
            let t = Instant::now();
            let sg = certify(&e.instance, &e.a, &e.b, &Dynamics::StopGradient).unwrap();
            let t_sg = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let ema = certify(
                &e.instance,
                &e.a,
                &e.b,
                &Dynamics::Ema {
                    kappa: BigRational::one(),
                },
            )
            .unwrap();
            let t_ema = t.elapsed().as_secs_f64();
            let short = |v: &Verdict| match v {
                Verdict::Saddle { unstable, stable } => format!("saddle({unstable},{stable})"),
                Verdict::Degenerate { .. } => "degenerate".to_owned(),
                v => format!("{v:?}").to_lowercase(),
            };
            let kappa = if ema.state_dimension <= kappa_limit {
                let t = Instant::now();
                let kc = certify_ema_all_kappa(&e.instance, &e.a, &e.b).unwrap();
                format!(
                    "{:?} | {} | {:.3} s",
                    kc.verdict,
                    kc.hurwitz_nodes,
                    t.elapsed().as_secs_f64()
                )
            } else {
                "– | – | –".to_owned()
            };
            println!(
                "| ({n},{m},{r}) {seed} | {} | {} | {:.4} s | {} | {} | {:.4} s | {kappa} |",
                sg.state_dimension,
                short(&sg.verdict),
                t_sg,
                ema.state_dimension,
                short(&ema.verdict),
                t_ema
            );
        }
    }
}

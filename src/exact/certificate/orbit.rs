//! The stability certificate of one equilibrium modulo its O(n)-orbit
//! ([`certify`]): conditions 1–3 of the [module documentation](super).

use num_rational::BigRational;
use num_traits::{One, Zero};
use serde::Serialize;

use super::RootTest;
use crate::error::{Error, Result};
use crate::exact::jacobian::{Dynamics, displacement, jacobian, state_vector};
use crate::exact::linalg::{charpoly, nullspace, rank};
use crate::exact::stability::{routh, schur_cohn};
use crate::exact::upoly::{UPoly, divide_out};
use crate::model::{
    Instance, InstanceRecord, RationalMatrix, StabilityVerdict, orbit_dimension, to_f64,
};

/// What the certificate proves about the point.
///
/// Its stability class is the shared [`StabilityVerdict`] ([`Verdict::class`]);
/// it stays a type of its own because it says more than the class: the counts
/// of unstable and stable eigenvalues it proved, the condition that made it
/// degenerate, and that the point may not be an exact equilibrium at all
/// (which has no stability class).
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
        #[serde(serialize_with = "crate::exact::cert_serde::rational")]
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

    /// The stability class, `None` when the point is not an equilibrium.
    pub fn class(&self) -> Option<StabilityVerdict> {
        match self {
            Verdict::Stable => Some(StabilityVerdict::Stable),
            Verdict::Saddle { .. } => Some(StabilityVerdict::Saddle),
            Verdict::Unstable => Some(StabilityVerdict::Unstable),
            Verdict::Degenerate { .. } => Some(StabilityVerdict::Degenerate),
            Verdict::NotEquilibrium { .. } => None,
        }
    }
}

/// The exact spectral analysis at an equilibrium (everything a reader needs
/// to re-check the verdict by hand or with another system).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EquilibriumAnalysis {
    /// The Jacobian `J` (column-major state ordering).
    #[serde(serialize_with = "crate::exact::cert_serde::matrix")]
    pub jacobian: RationalMatrix,
    /// The tangent eigenvalue `τ`: 0 for flows, 1 for maps.
    #[serde(serialize_with = "crate::exact::cert_serde::rational")]
    pub tangent_eigenvalue: BigRational,
    /// `χ(t) = det(tI − J)`, coefficients lowest degree first.
    #[serde(serialize_with = "crate::exact::cert_serde::poly")]
    pub charpoly: UPoly,
    /// Algebraic multiplicity `d` of `τ` in `χ`.
    pub algebraic_multiplicity: usize,
    /// A basis of `ker(J − τI)` (its length is the geometric multiplicity).
    #[serde(serialize_with = "crate::exact::cert_serde::vectors")]
    pub kernel: Vec<Vec<BigRational>>,
    /// The orbit tangent vectors `(ΩA, ΩB − BΩ[, ΩA])` for
    /// `Ω = E_ij − E_ji`, `i < j` (in that order).
    #[serde(serialize_with = "crate::exact::cert_serde::vectors")]
    pub tangent: Vec<Vec<BigRational>>,
    /// The dimension of their span.
    pub tangent_rank: usize,
    /// Whether `(J − τI)·v = 0` for every tangent vector.
    pub tangent_in_kernel: bool,
    /// `χ(t)/t^d` (flows) or `χ(t)/(t − 1)^d` (maps).
    #[serde(serialize_with = "crate::exact::cert_serde::poly")]
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
    #[serde(serialize_with = "crate::exact::cert_serde::matrix")]
    pub a: RationalMatrix,
    /// The predictor `B` of the point.
    #[serde(serialize_with = "crate::exact::cert_serde::matrix")]
    pub b: RationalMatrix,
    /// Size of the Jacobian.
    pub state_dimension: usize,
    /// `rank A`, exact.
    pub rank: usize,
    /// `n r − r(r+1)/2` ([`crate::model::orbit_dimension`]).
    pub orbit_dimension: usize,
    /// `‖v‖²` of the velocity (or of `θ⁺ − θ`): 0 at an equilibrium.
    #[serde(serialize_with = "crate::exact::cert_serde::rational")]
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

pub(super) fn rows_matrix(rows: &[Vec<BigRational>], cols: usize) -> RationalMatrix {
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

pub(super) fn kernel_data(
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
pub(super) fn neutral_mismatch(
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
    let mismatch = neutral_mismatch(
        d,
        kernel.len(),
        tangent_rank,
        tangent_in_kernel,
        orbit_dim,
        tau_name,
    );
    cert.verdict = verdict_of(mismatch, &test, quotient.degree().unwrap_or(0), d, is_map);
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

/// The verdict from the neutral-direction check (`mismatch`, see
/// [`neutral_mismatch`]) and the root test on the quotient of degree
/// `degree`, `d` the multiplicity divided out at `τ` (1 for maps, 0 for
/// flows).
fn verdict_of(
    mismatch: Option<String>,
    test: &RootTest,
    degree: usize,
    d: usize,
    is_map: bool,
) -> Verdict {
    let tau_name = if is_map { "1" } else { "0" };
    if let Some(reason) = mismatch {
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
    }
}

//! Which equilibrium component a point lies on, or is nearest to: how a user
//! classifies the endpoint of a trained model.
//!
//! A point is an encoder A (n×m), reduced to `S = AᵀA`, or S itself. Every
//! component of a [`Characterization`] is an isolated S₀ or a family, the
//! orbit `{Q S₀ Qᵀ : Q ∈ H}` of the data's symmetry group (see
//! [`crate::variety::families`]). The distance from S to an isolated S₀ is
//! `‖S − S₀‖_F`; to a family it is `min_Q ‖Q S₀ Qᵀ − S‖_F`, minimized over H
//! by gradient descent along its Lie algebra with several starts (numeric,
//! like the decimals of S₀ it starts from).

use nalgebra::DMatrix;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::characterize::{Characterization, Component, ComponentVerdict};
use super::level::Level;
use crate::error::{Error, Result};
use crate::model::Instance;
use crate::model::Procedure;
use crate::numeric::spectra::SpectralTolerances;
use crate::numeric::structured::{StructuredDynamics, structured_spectrum};
use crate::numeric::{Model, OdeOptions, State, integrate};
use crate::variety::families::{gap_rank, symmetry_algebra};

/// The distance to one component.
#[derive(Clone, Debug, Serialize)]
pub struct Candidate {
    /// Rank of the component's S.
    pub rank: usize,
    /// Index of the component within its stratum (1-based, as printed by
    /// `characterize`).
    pub index: usize,
    /// Family dimension (0: isolated; `None`: undecided).
    pub family_dimension: Option<usize>,
    /// Eigenvalues of the component's S, largest first.
    pub eigenvalues: Vec<f64>,
    /// Frobenius distance from the point's S to the component (in S-space).
    pub distance: f64,
    /// The SG flow's verdict on the component, and its level.
    pub sg_verdict: ComponentVerdict,
    /// Level of that verdict.
    pub sg_level: Level,
}

/// What [`locate`] found.
#[derive(Clone, Debug, Serialize)]
pub struct Location {
    /// The point's S (rows).
    #[serde(rename = "S")]
    pub s: Vec<Vec<f64>>,
    /// Eigenvalues of S, largest first.
    pub eigenvalues: Vec<f64>,
    /// Every component, nearest first.
    pub candidates: Vec<Candidate>,
    /// Whether the nearest component is within `tolerance` (the point lies
    /// on it).
    pub on_component: bool,
    /// The tolerance used: `1e-6·(1 + ‖S‖_F)`, far above the errors of the
    /// components' decimals (about 1e-12) and of a converged trajectory
    /// (its field norm), far below the distances between components.
    pub tolerance: f64,
    /// Components not known: strata that were not resolved (their
    /// components may be missing from the candidates).
    pub unresolved_ranks: Vec<usize>,
}

/// Locates `s` (m×m, symmetric) among the components of `c` (the
/// characterization of `inst`).
pub fn locate(inst: &Instance, c: &Characterization, s: &DMatrix<f64>) -> Result<Location> {
    let m = inst.m();
    if s.shape() != (m, m) {
        return Err(Error::Shape {
            what: "S of the point".into(),
            got: format!("{}×{}", s.nrows(), s.ncols()),
            expected: format!("{m}×{m}"),
        });
    }
    if let Some(x) = s.iter().find(|x| !x.is_finite()) {
        return Err(Error::param("S entry", x, "finite numbers"));
    }
    let s = (s + s.transpose()) * 0.5;
    let basis: Vec<DMatrix<f64>> =
        orthonormal(symmetry_algebra(inst).iter().map(|k| k.to_f64()).collect());
    let mut candidates = Vec::new();
    let mut unresolved_ranks = Vec::new();
    for st in &c.strata {
        if !st.stratum.is_resolved() {
            unresolved_ranks.push(st.stratum.rank);
        }
        for (k, comp) in st.components.iter().enumerate() {
            candidates.push(candidate(comp, k + 1, &s, &basis));
        }
    }
    candidates.sort_by(|a, b| a.distance.total_cmp(&b.distance));
    let tolerance = 1e-6 * (1.0 + s.norm());
    let on_component = candidates.first().is_some_and(|c| c.distance <= tolerance);
    let eigenvalues = sorted_eigenvalues(&s);
    Ok(Location {
        s: (0..m)
            .map(|i| (0..m).map(|j| s[(i, j)]).collect())
            .collect(),
        eigenvalues,
        candidates,
        on_component,
        tolerance,
        unresolved_ranks,
    })
}

fn candidate(
    comp: &Component,
    index: usize,
    s: &DMatrix<f64>,
    basis: &[DMatrix<f64>],
) -> Candidate {
    let m = s.nrows();
    let s0 = DMatrix::from_fn(m, m, |i, j| comp.s[i][j]);
    let distance = match comp.family_dimension {
        Some(0) => (&s0 - s).norm(),
        _ => orbit_distance(&s0, s, basis),
    };
    Candidate {
        rank: comp.rank,
        index,
        family_dimension: comp.family_dimension,
        eigenvalues: comp.eigenvalues.clone(),
        distance,
        sg_verdict: comp.sg_verdict,
        sg_level: comp.sg_level,
    }
}

/// Gram–Schmidt in the Frobenius inner product.
fn orthonormal(v: Vec<DMatrix<f64>>) -> Vec<DMatrix<f64>> {
    let mut out: Vec<DMatrix<f64>> = Vec::new();
    for mut x in v {
        for b in &out {
            let c = x.dot(b);
            x -= b * c;
        }
        let n = x.norm();
        if n > 1e-12 {
            out.push(x / n);
        }
    }
    out
}

/// `(I − K/2)⁻¹(I + K/2)`: orthogonal for skew K.
fn cayley(k: &DMatrix<f64>) -> DMatrix<f64> {
    let n = k.nrows();
    let id = DMatrix::<f64>::identity(n, n);
    let half = k * 0.5;
    (&id - &half)
        .try_inverse()
        .map_or_else(|| id.clone(), |inv| inv * (&id + &half))
}

/// `min_Q ‖Q S₀ Qᵀ − S‖_F` over the group generated by `basis` (orthonormal
/// skew matrices): gradient descent with backtracking from the identity and
/// from seeded random starts.
pub fn orbit_distance(s0: &DMatrix<f64>, s: &DMatrix<f64>, basis: &[DMatrix<f64>]) -> f64 {
    let n = s0.nrows();
    let f = |q: &DMatrix<f64>| (q * s0 * q.transpose() - s).norm();
    if basis.is_empty() {
        return f(&DMatrix::identity(n, n));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut best = f64::INFINITY;
    for start in 0..8 {
        let mut q = if start == 0 {
            DMatrix::identity(n, n)
        } else {
            let k = basis.iter().fold(DMatrix::zeros(n, n), |acc, b| {
                acc + b * rng.gen_range(-4.0..4.0)
            });
            cayley(&k)
        };
        let mut val = f(&q);
        let mut step = 1.0;
        for _ in 0..400 {
            let x = &q * s0 * q.transpose();
            let r = &x - s;
            // d/dt ‖e^{tK} X e^{−tK} − S‖²/2 = ⟨[K, X], X − S⟩.
            let grad: Vec<f64> = basis.iter().map(|b| (b * &x - &x * b).dot(&r)).collect();
            let gnorm = grad.iter().map(|g| g * g).sum::<f64>().sqrt();
            if gnorm < 1e-14 {
                break;
            }
            let dir = basis
                .iter()
                .zip(&grad)
                .fold(DMatrix::zeros(n, n), |acc, (b, g)| acc - b * *g);
            // Armijo backtracking on h = f²/2 (sufficient decrease, so the
            // steps cannot oscillate across the minimum).
            let mut moved = false;
            while step > 1e-12 {
                let cand = cayley(&(&dir * step)) * &q;
                let v = f(&cand);
                if 0.5 * v * v <= 0.5 * val * val - 0.25 * step * gnorm * gnorm {
                    q = cand;
                    val = v;
                    step *= 1.5;
                    moved = true;
                    break;
                }
                step *= 0.5;
            }
            if !moved {
                break;
            }
        }
        best = best.min(val);
    }
    best
}

/// The SG flow's limit from a point, where the exact components are not
/// available (numeric).
#[derive(Clone, Debug, Serialize)]
pub struct FlowLimit {
    /// Whether the SG field fell below [`FLOW_FIELD_TOL`] within
    /// [`FLOW_T_MAX`].
    pub converged: bool,
    /// Time reached.
    pub t: f64,
    /// SG field norm at the end.
    pub field_norm: f64,
    /// `‖S_end − S‖_F`: how far the point is from the limit, in S-space.
    pub distance: f64,
    /// The limit's S (rows).
    #[serde(rename = "S")]
    pub s: Vec<Vec<f64>>,
    /// Eigenvalues of the limit's S, largest first.
    pub eigenvalues: Vec<f64>,
    /// Numerical rank of the limit's A ([`gap_rank`]; `None`: no gap).
    pub rank: Option<usize>,
    /// Stability of the SG flow at the limit, modulo the orbit (numeric;
    /// [`ComponentVerdict::NotCertified`] when the flow did not converge or
    /// the spectrum could not be computed).
    pub sg_verdict: ComponentVerdict,
    /// Why, or the spectral detail.
    pub detail: String,
}

/// What is known about a point whose instance has no exact
/// characterization (m > 3, or moments known in floating point only):
/// everything here is numeric.
#[derive(Clone, Debug, Serialize)]
pub struct PointAssessment {
    /// Why the point was not located among exact components.
    pub reason: String,
    /// Eigenvalues of the point's S = AᵀA, largest first.
    pub eigenvalues: Vec<f64>,
    /// Numerical rank of A ([`gap_rank`]; `None`: no gap).
    pub rank: Option<usize>,
    /// SG field norm at the point `(A, B, C = A)`.
    pub field_norm: f64,
    /// The continuous SG flow followed from the point.
    pub flow: FlowLimit,
}

/// The SG field norm at which the flow is taken to have converged: the
/// integrators' own stopping level (their state is within about 1e-9
/// relative of the exact flow, see [`OdeOptions`]).
pub const FLOW_FIELD_TOL: f64 = 1e-8;
/// How long the flow is followed: 20/λ would be the slowest decay of a
/// collapsing direction for λ = 1e-3; the default of the integrators.
pub const FLOW_T_MAX: f64 = 2.0e4;

/// Assesses the point `(a, b)` of `model` numerically: its S, rank and SG
/// field, then the limit of the continuous SG flow started there and the
/// flow's stability at that limit. `reason` says why no exact
/// characterization is used.
pub fn assess(
    model: &Model,
    a: &DMatrix<f64>,
    b: &DMatrix<f64>,
    reason: String,
) -> Result<PointAssessment> {
    let start = State::new(Procedure::StopGradient, a.clone(), b.clone());
    model.check_state(&start)?;
    let s = a.transpose() * a;
    let field_norm = sg_field_norm(model, &start);
    let opts = OdeOptions {
        t_max: FLOW_T_MAX,
        field_tol: FLOW_FIELD_TOL,
        ..OdeOptions::default()
    };
    let out = integrate(
        model,
        Procedure::StopGradient,
        1.0,
        &start,
        &opts,
        |_, _| {},
    )?;
    let (ae, be) = (&out.state.a, &out.state.b);
    let s_end = ae.transpose() * ae;
    let (sg_verdict, detail) = if !out.converged {
        (
            ComponentVerdict::NotCertified,
            format!(
                "the flow did not converge by t = {:.0} (field {:.1e} > {FLOW_FIELD_TOL:.0e}): no equilibrium to classify",
                out.t, out.field_norm
            ),
        )
    } else {
        match structured_spectrum(model, ae, be, StructuredDynamics::StopGradient) {
            Ok(sp) => {
                let summary = sp.classify(&SpectralTolerances::default());
                (
                    summary.verdict.into(),
                    format!(
                        "{} tangent eigenvalue(s) (expected {}), largest real part of the others {:.3e}",
                        summary.tangent_count, summary.expected_tangent, summary.rest_abscissa
                    ),
                )
            }
            Err(e) => (
                ComponentVerdict::NotCertified,
                format!("spectrum not computed: {e}"),
            ),
        }
    };
    Ok(PointAssessment {
        reason,
        eigenvalues: sorted_eigenvalues(&s),
        rank: gap_rank(a),
        field_norm,
        flow: FlowLimit {
            converged: out.converged,
            t: out.t,
            field_norm: out.field_norm,
            distance: (&s_end - &s).norm(),
            s: crate::variety::strata::rows(&s_end),
            eigenvalues: sorted_eigenvalues(&s_end),
            rank: gap_rank(ae),
            sg_verdict,
            detail,
        },
    })
}

/// The SG field norm at `state` (its teacher, if any, ignored: C = A).
pub fn sg_field_norm(model: &Model, state: &State) -> f64 {
    let sg = State::new(Procedure::StopGradient, state.a.clone(), state.b.clone());
    model
        .velocity(Procedure::StopGradient, 1.0, &sg)
        .to_vector()
        .norm()
}

/// Eigenvalues of a symmetric matrix, largest first.
fn sorted_eigenvalues(s: &DMatrix<f64>) -> Vec<f64> {
    let mut e: Vec<f64> = s
        .clone()
        .symmetric_eigen()
        .eigenvalues
        .iter()
        .copied()
        .collect();
    e.sort_by(|a, b| b.total_cmp(a));
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orbit_distance_finds_the_rotation() {
        // S₀ = diag(2, 1); S its rotation by 0.7 rad: distance 0 under SO(2),
        // and the distance to diag(3, 1) is 1 (eigenvalues 2 vs 3).
        let s0 = DMatrix::from_row_slice(2, 2, &[2.0, 0.0, 0.0, 1.0]);
        let (c, sn) = (0.7f64.cos(), 0.7f64.sin());
        let q = DMatrix::from_row_slice(2, 2, &[c, -sn, sn, c]);
        let s = &q * &s0 * q.transpose();
        let k = vec![DMatrix::from_row_slice(2, 2, &[0.0, 1.0, -1.0, 0.0]) / 2f64.sqrt()];
        assert!(orbit_distance(&s0, &s, &k) < 1e-9);
        let far = DMatrix::from_row_slice(2, 2, &[3.0, 0.0, 0.0, 1.0]);
        let rotated_far = &q * &far * q.transpose();
        assert!((orbit_distance(&s0, &rotated_far, &k) - 1.0).abs() < 1e-9);
        // Without symmetry only the identity is allowed.
        assert!((orbit_distance(&s0, &s, &[]) - (&s0 - &s).norm()).abs() < 1e-12);
    }
}

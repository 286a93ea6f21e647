//! Structured spectra of the linearization at an equilibrium of rank r: the
//! full Jacobian (size `nm + n²`, plus `nm` for EMA) is never formed.
//!
//! # The block structure
//!
//! Let `A = U₁K` (`U₁` n×r orthonormal, `K` r×m of rank r), `B = U₁B̃U₁ᵀ` and
//! complete `U₁` to an orthogonal `U = [U₁ U₂]`. Then
//! `R = BAMxx − AMyx = U₁R̃` with `R̃ = B̃KMxx − KMyx`. In the orthonormal
//! coordinates `δA = U₁X₁ + U₂X₂`, `δB = Σᵢⱼ UᵢYᵢⱼUⱼᵀ`, `δC = U₁V₁ + U₂V₂`,
//! `Z = Y₁₂ᵀ`, and with `dR₂ = Y₂₁KMxx − V₂Myx` (`V₂ = X₂` for SG), the
//! derivatives of `P` and `Q` split as
//!
//! ```text
//! U₁ᵀ dP   = Y₁₁ᵀR̃ + B̃ᵀ dR₁ + λX₁,  dR₁ = Y₁₁KMxx + B̃X₁Mxx − V₁Myx
//! U₁ᵀ dQ U₁ = dR₁Kᵀ + R̃X₁ᵀ + λY₁₁             (the reduced model's dP̃, dQ̃)
//! U₂ᵀ dP   = ZR̃ + λX₂
//! (U₁ᵀ dQ U₂)ᵀ = X₂R̃ᵀ + λZ
//! U₂ᵀ dQ U₁ = Y₂₁(KMxxKᵀ + λI) − V₂MyxKᵀ
//! U₂ᵀ dQ U₂ = λY₂₂
//! ```
//!
//! and `V̇ = κ(X − V)` for EMA. Hence (this holds at every point of the form
//! above, equilibrium or not; the tests check each block against the dense
//! Jacobian):
//!
//! * the *range block* `(X₁, Y₁₁[, V₁])` is closed and is exactly the Jacobian
//!   of the reduced model (embedding dimension r) at `(K, B̃[, K])`;
//! * each of the `n − r` rows of `(X₂, Z)` evolves by the symmetric matrix
//!   `−[[λI_m, R̃ᵀ], [R̃, λI_r]]`: eigenvalues `−λ ± σᵢ(R̃)` (i ≤ r) and `−λ`
//!   (`m − r` times). At an equilibrium `R̃R̃ᵀ = λ²I` (from `B̃ᵀR̃ = −λK`,
//!   `R̃Kᵀ = −λB̃` one gets `KKᵀ = B̃ᵀB̃`, so `B̃` is invertible and
//!   `R̃ = −λB̃⁻ᵀK`), so these are `0` (the `(n − r)r` orbit directions leaving
//!   range(A)), `−2λ` and `−λ`;
//! * `V₂` (EMA) is driven by `X₂` only, eigenvalue `−κ` per entry;
//! * `Y₂₁` is driven by `X₂` (SG) or `V₂` (EMA), eigenvalues `−(μⱼ + λ)` with
//!   `μⱼ` the eigenvalues of `KMxxKᵀ`, per row;
//! * `Y₂₂` decouples with `−λ`.
//!
//! The Jacobian is block triangular in the order range ⊕ (X₂,Z) → V₂ → Y₂₁,
//! Y₂₂, so its spectrum is the range block's plus those closed forms. The
//! discrete maps inherit the structure: the SG map has eigenvalues `1 + ημ`;
//! the EMA map has the reduced EMA map's Jacobian as range block, `1 + ημ` on
//! `(X₂, Z)`, `Y₂₁`, `Y₂₂` and `α` on `V₂` (`C⁺ = αC + (1−α)A⁺`, triangular).

use nalgebra::DMatrix;
use serde::Serialize;

use super::equilibria::{numerical_rank, ser_matrix};
use super::fields::{DiscreteMap, Model, State};
use super::spectra::{SpectralTolerances, SpectrumSummary, eigenvalues, spectral_item, summarize};
use crate::error::{Error, Result};
use crate::model::{Dynamics, Procedure, StabilityVerdict, orbit_dimension};

/// Relative tolerance of the equilibrium form `B = U₁B̃U₁ᵀ`:
/// [`structured_spectrum`] refuses `B` unless
/// `‖B − U₁B̃U₁ᵀ‖_F ≤ FORM_TOL · max(1, ‖B‖_F)` (`U₁` spanning range(A),
/// `B̃ = U₁ᵀBU₁`). Polished equilibria satisfy it to rounding (about 1e-15);
/// at the end of a trajectory stopped at field norm 1e-10 the off-range part
/// of `B` decays at rate at least λ and is far below 1e-6. The same threshold
/// as [`super::equilibria::RANK_TOL`].
pub const FORM_TOL: f64 = 1e-6;

/// A dynamics of SPEC §2 ([`crate::model::Dynamics`]) with floating-point
/// parameters, as the structured spectra take it: the SG and EMA flows (EMA at
/// `C = A`) and maps. The GD flow is refused by [`StructuredDynamics::validate`]:
/// its Jacobian does not have the block structure above.
pub type StructuredDynamics = Dynamics<f64>;

impl StructuredDynamics {
    /// Checks κ > 0, η > 0 finite and α ∈ [0, 1).
    pub fn validate(self) -> Result<()> {
        match self {
            Self::StopGradient => Ok(()),
            Self::GradientDescent => Err(Error::param(
                "dynamics",
                self.describe(),
                "one of sg, ema, sg-map, ema-map: structured spectra do not cover the GD flow",
            )),
            Self::Ema { kappa } => {
                if kappa.is_finite() && kappa > 0.0 {
                    Ok(())
                } else {
                    Err(Error::param("kappa", kappa, "a finite teacher rate κ > 0"))
                }
            }
            Self::SgMap { eta } => DiscreteMap::new(Procedure::StopGradient, eta, 0.0).map(|_| ()),
            Self::EmaMap { eta, alpha } => DiscreteMap::new(Procedure::Ema, eta, alpha).map(|_| ()),
        }
    }
}

/// The dense Jacobian of `dynamics` at `(A, B)` (with `C = A` for EMA), built
/// column by column by [`Model::jacobian`] / [`Model::discrete_jacobian`] for
/// the model `model.with_embedding_dimension(a.nrows())`. Its size is
/// `nm + n²` (`2nm + n²` for EMA): use it for small n only.
pub fn dense_jacobian(
    model: &Model,
    a: &DMatrix<f64>,
    b: &DMatrix<f64>,
    dynamics: StructuredDynamics,
) -> Result<DMatrix<f64>> {
    dynamics.validate()?;
    let n = a.nrows();
    check_shape("A", a, n, model.m)?;
    check_shape("B", b, n, n)?;
    let model = model.with_embedding_dimension(n);
    Ok(dense_jacobian_unchecked(&model, a, b, dynamics))
}

fn dense_jacobian_unchecked(
    model: &Model,
    a: &DMatrix<f64>,
    b: &DMatrix<f64>,
    dynamics: StructuredDynamics,
) -> DMatrix<f64> {
    let sg = || State::new(Procedure::StopGradient, a.clone(), b.clone());
    let ema = || State::new(Procedure::Ema, a.clone(), b.clone());
    match dynamics {
        StructuredDynamics::StopGradient => model.jacobian(Procedure::StopGradient, 0.0, &sg()),
        StructuredDynamics::GradientDescent => {
            model.jacobian(Procedure::GradientDescent, 0.0, &sg())
        }
        StructuredDynamics::Ema { kappa } => model.jacobian(Procedure::Ema, kappa, &ema()),
        StructuredDynamics::SgMap { eta } => {
            let map = DiscreteMap {
                procedure: Procedure::StopGradient,
                eta,
                alpha: 0.0,
            };
            model.discrete_jacobian(&map, &sg())
        }
        StructuredDynamics::EmaMap { eta, alpha } => {
            let map = DiscreteMap {
                procedure: Procedure::Ema,
                eta,
                alpha,
            };
            model.discrete_jacobian(&map, &ema())
        }
    }
}

/// One closed-form eigenvalue of the part of the Jacobian outside the range
/// block, with its multiplicity in the full Jacobian.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClosedFormEigenvalue {
    /// The eigenvalue `(re, im)` (always real here).
    pub value: (f64, f64),
    /// Its multiplicity (a multiple of `n − r`).
    pub multiplicity: usize,
    /// Which block and formula it comes from, e.g. `Y₂₁: −(μ_1 + λ)`.
    pub label: String,
}

/// The spectrum of the Jacobian at a rank-r equilibrium of the n-dimensional
/// model: the eigenvalues of the small range block plus closed forms with
/// multiplicities (see the module documentation).
#[derive(Clone, Debug, Serialize)]
pub struct StructuredSpectrum {
    /// The linearized dynamics.
    pub dynamics: StructuredDynamics,
    /// Embedding dimension n of the full model.
    pub n: usize,
    /// Data dimension m.
    pub m: usize,
    /// Rank r of `A`.
    pub rank: usize,
    /// Eigenvalues `(re, im)` of the range block, the Jacobian of the reduced
    /// model at `(K, B̃[, K])`: `rm + r²` of them (`2rm + r²` for EMA).
    pub range_block: Vec<(f64, f64)>,
    /// The other eigenvalues, in closed form with multiplicities (entries of
    /// multiplicity 0, e.g. all of them when n = r, are omitted).
    pub closed_form: Vec<ClosedFormEigenvalue>,
    /// Size of the full Jacobian: `nm + n²` (`2nm + n²` for EMA).
    pub dimension: usize,
    /// Orbit dimension `nr − r(r+1)/2`, the expected number of tangent
    /// eigenvalues: `r(r−1)/2` in the range block and `(n − r)r` among the
    /// closed forms (`−λ + σᵢ(R̃) = 0`).
    pub expected_tangent: usize,
    /// Scale of the tolerances, `max(1, max|J_ij|)` for the dense Jacobian `J`
    /// at the canonical representative `A = [K; 0]`, `B = diag(B̃, 0)` of the
    /// orbit (`K`, `B̃` as stored here, in the frame of the SVD of `A`), whose
    /// Jacobian is the structured one with permuted coordinates. It is the
    /// same for every n > r (computed at n = r + 1), so the verdict is too.
    pub scale: f64,
    /// `K = U₁ᵀA` (r×m) with `U₁` the leading left singular vectors of `A`:
    /// orthogonal rows of decreasing norm (`structured_from_reduced` rotates
    /// the given `K` into this frame).
    #[serde(serialize_with = "ser_matrix")]
    pub k: DMatrix<f64>,
    /// `B̃ = U₁ᵀBU₁` (r×r), in the same frame as `K`.
    #[serde(serialize_with = "ser_matrix")]
    pub b_tilde: DMatrix<f64>,
    /// Singular values `σᵢ(R̃)` of `R̃ = B̃KMxx − KMyx`, decreasing (all λ at an
    /// equilibrium).
    pub residual_singular_values: Vec<f64>,
    /// Eigenvalues `μⱼ` of `KMxxKᵀ`, increasing.
    pub gram_eigenvalues: Vec<f64>,
    /// Norm of the SG field `(P̃, Q̃)` of the reduced model at `(K, B̃)`, equal
    /// to that of the full model at `(A, B)`: the classification is about an
    /// equilibrium only if it is small.
    pub field_norm: f64,
    /// `‖B − U₁B̃U₁ᵀ‖_F / max(1, ‖B‖_F)` (0 when built from `(K, B̃)`).
    pub form_residual: f64,
    /// Largest singular value of `A` discarded by the rank decision (0 when
    /// built from `(K, B̃)` or when r = min(n, m)).
    pub discarded_singular_value: f64,
}

impl StructuredSpectrum {
    /// Sum of the multiplicities: `range_block.len()` plus the closed forms'.
    /// Equals [`StructuredSpectrum::dimension`].
    pub fn multiplicity_total(&self) -> usize {
        self.range_block.len()
            + self
                .closed_form
                .iter()
                .map(|c| c.multiplicity)
                .sum::<usize>()
    }

    /// All `dimension` eigenvalues, closed forms repeated by multiplicity.
    /// Allocates `dimension` entries: meant for small n (comparisons with the
    /// dense spectrum).
    pub fn expanded(&self) -> Vec<(f64, f64)> {
        let mut v = self.range_block.clone();
        for c in &self.closed_form {
            v.extend(std::iter::repeat_n(c.value, c.multiplicity));
        }
        v
    }

    /// Classifies the spectrum exactly as
    /// [`super::spectra::classify_continuous`] (flows) or
    /// [`super::spectra::classify_discrete`] (maps) classify a dense
    /// Jacobian with `max(1, max|J_ij|)` equal to [`StructuredSpectrum::scale`]:
    /// same tolerances, same counts, same verdict rules.
    pub fn classify(&self, tol: &SpectralTolerances) -> SpectrumSummary {
        self.classify_with_scale(tol, self.scale)
    }

    /// As [`StructuredSpectrum::classify`] with another tolerance scale (e.g.
    /// `max(1, max|J_ij|)` of a dense Jacobian at another representative of
    /// the orbit, to reproduce its classification exactly).
    pub fn classify_with_scale(&self, tol: &SpectralTolerances, scale: f64) -> SpectrumSummary {
        let discrete = self.dynamics.is_map();
        let items = self
            .range_block
            .iter()
            .map(|&z| (spectral_item(z, discrete), 1))
            .chain(
                self.closed_form
                    .iter()
                    .map(|c| (spectral_item(c.value, discrete), c.multiplicity)),
            );
        summarize(
            items,
            self.dimension,
            self.expected_tangent,
            tol,
            scale,
            discrete,
        )
    }
}

fn check_shape(what: &str, x: &DMatrix<f64>, rows: usize, cols: usize) -> Result<()> {
    if x.shape() == (rows, cols) {
        Ok(())
    } else {
        Err(Error::Shape {
            what: what.to_owned(),
            got: format!("{}×{}", x.nrows(), x.ncols()),
            expected: format!("{rows}×{cols}"),
        })
    }
}

fn check_finite(what: &str, x: &DMatrix<f64>) -> Result<()> {
    match x.iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(p) => {
            let (i, j) = (p % x.nrows().max(1), p / x.nrows().max(1));
            Err(Error::param(
                &format!("{what}[{i}][{j}]"),
                x[p],
                "a finite number",
            ))
        }
    }
}

fn check_model(model: &Model) -> Result<()> {
    let m = model.m;
    if m == 0 {
        return Err(Error::param("m", m, "a data dimension m ≥ 1"));
    }
    check_shape("Mxx", &model.mxx, m, m)?;
    check_shape("Myx", &model.myx, m, m)?;
    check_finite("Mxx", &model.mxx)?;
    check_finite("Myx", &model.myx)?;
    if !(model.lambda.is_finite() && model.lambda > 0.0) {
        return Err(Error::param(
            "lambda",
            model.lambda,
            "a finite weight decay λ > 0 (the structure of the equilibria needs λ > 0)",
        ));
    }
    Ok(())
}

/// `(K, B̃)` and diagnostics extracted from `(A, B)`.
struct Decomposition {
    k: DMatrix<f64>,
    b_tilde: DMatrix<f64>,
    n: usize,
    form_residual: f64,
    discarded: f64,
}

fn decompose(model: &Model, a: &DMatrix<f64>, b: &DMatrix<f64>) -> Result<Decomposition> {
    check_model(model)?;
    let (n, m) = (model.n, model.m);
    if n == 0 {
        return Err(Error::param("n", n, "an embedding dimension n ≥ 1"));
    }
    check_shape("A", a, n, m)?;
    check_shape("B", b, n, n)?;
    check_finite("A", a)?;
    check_finite("B", b)?;
    let r = numerical_rank(a);
    let (sv, g, _) = jacobi_svd(a);
    // The first r columns of `g`, normalized, span range(A) (r counts the
    // singular values above the threshold of `numerical_rank`).
    let mut u1 = DMatrix::zeros(n, r);
    for (j, &s) in sv.iter().enumerate().take(r) {
        if s.is_nan() || s <= 0.0 {
            return Err(Error::Computation(format!(
                "singular value {} of A is {s} although numerical_rank(A) = {r}",
                j + 1
            )));
        }
        u1.set_column(j, &(g.column(j) / s));
    }
    let discarded = sv.get(r).copied().unwrap_or(0.0);
    let k = u1.transpose() * a;
    let w = u1.transpose() * b; // r×n
    let b_tilde = &w * &u1;
    // B − U₁B̃U₁ᵀ = (I − P)B + PB(I − P) with P = U₁U₁ᵀ; the two parts are
    // orthogonal, ‖PB(I − P)‖ = ‖W − B̃U₁ᵀ‖, and ‖(I − P)B‖ is accumulated
    // column by column (no n×n temporary).
    let mut off2 = (&w - &b_tilde * u1.transpose()).norm_squared();
    for j in 0..n {
        let col = b.column(j) - &u1 * w.column(j);
        off2 += col.norm_squared();
    }
    let form_residual = off2.sqrt() / b.norm().max(1.0);
    if form_residual.is_nan() || form_residual > FORM_TOL {
        return Err(Error::param(
            "B",
            format!(
                "a predictor with ‖B − U₁B̃U₁ᵀ‖/max(1, ‖B‖) = {form_residual:.3e} (rank of A r = {r})"
            ),
            &format!(
                "B = U₁B̃U₁ᵀ with U₁ spanning range(A), within FORM_TOL = {FORM_TOL:e}, as at every equilibrium with λ > 0: the point is not of the equilibrium form"
            ),
        ));
    }
    Ok(Decomposition {
        k,
        b_tilde,
        n,
        form_residual,
        discarded,
    })
}

/// One-sided Jacobi SVD of `A` (p×q, any shape with q small): rotations `W`
/// (q×q orthogonal) such that the columns of `G = AW` are mutually
/// orthogonal to working precision, ordered by decreasing norm. Returns the
/// column norms (the singular values σⱼ, decreasing), `G` and `W`; for
/// `j < rank` the columns `G[:, j]/σⱼ` are left singular vectors.
///
/// nalgebra 0.33's `svd(true, _)` is not used: with singular vectors requested
/// it returns wrong singular values and vectors for some rank-deficient inputs
/// (nalgebra issue #1172; about one in ten random `u kᵀ`, `u` a unit
/// 1024-vector, `k` a 2-vector, in our checks), which broke the form check of
/// `B`. Cost `O(pq²)` per sweep; a few sweeps suffice.
fn jacobi_svd(a: &DMatrix<f64>) -> (Vec<f64>, DMatrix<f64>, DMatrix<f64>) {
    let q = a.ncols();
    let mut g = a.clone();
    let mut w = DMatrix::<f64>::identity(q, q);
    let rotate = |x: &mut DMatrix<f64>, p: usize, k: usize, c: f64, s: f64| {
        for i in 0..x.nrows() {
            let (u, v) = (x[(i, p)], x[(i, k)]);
            x[(i, p)] = c * u - s * v;
            x[(i, k)] = s * u + c * v;
        }
    };
    for _sweep in 0..60 {
        let mut rotated = false;
        for p in 0..q {
            for k in p + 1..q {
                let alpha = g.column(p).norm_squared();
                let beta = g.column(k).norm_squared();
                let gamma = g.column(p).dot(&g.column(k));
                if gamma == 0.0 || gamma.abs() <= f64::EPSILON * (alpha * beta).sqrt() {
                    continue;
                }
                rotated = true;
                let zeta = (beta - alpha) / (2.0 * gamma);
                let t = zeta.signum() / (zeta.abs() + (1.0 + zeta * zeta).sqrt());
                let c = 1.0 / (1.0 + t * t).sqrt();
                let s = c * t;
                rotate(&mut g, p, k, c, s);
                rotate(&mut w, p, k, c, s);
            }
        }
        if !rotated {
            break;
        }
    }
    let mut order: Vec<(f64, usize)> = (0..q).map(|j| (g.column(j).norm(), j)).collect();
    order.sort_by(|x, y| y.0.total_cmp(&x.0));
    let g_sorted = DMatrix::from_fn(g.nrows(), q, |i, j| g[(i, order[j].1)]);
    let w_sorted = DMatrix::from_fn(q, q, |i, j| w[(i, order[j].1)]);
    (order.iter().map(|o| o.0).collect(), g_sorted, w_sorted)
}

/// `(K, B̃)` in the frame of range(A) where `K = ΣVᵀ` has orthogonal rows of
/// decreasing norm (`K' = WᵀK`, `B̃' = WᵀB̃W` with `KᵀW = VΣ`): the frame an
/// SVD of `A` gives, unique up to signs of rows when the singular values are
/// distinct. Spectra do not depend on the frame; the tolerance scale (an
/// entry-wise maximum) does, so both entry points use this one.
fn canonical_frame(k: &DMatrix<f64>, bt: &DMatrix<f64>) -> (DMatrix<f64>, DMatrix<f64>) {
    if k.nrows() == 0 {
        return (k.clone(), bt.clone());
    }
    let (_, _, w) = jacobi_svd(&k.transpose());
    (w.transpose() * k, w.transpose() * bt * &w)
}

/// The structured spectrum of the linearization of `dynamics` at `(A, B)`
/// (`C = A` for EMA) of the model with embedding dimension `model.n`.
///
/// `U₁` comes from the thin SVD of `A` with r = [`numerical_rank`]`(A)`;
/// `K = U₁ᵀA`, `B̃ = U₁ᵀBU₁`. `B` must equal `U₁B̃U₁ᵀ` within [`FORM_TOL`]
/// (every equilibrium with λ > 0 does), else an error says the point is not of
/// the equilibrium form. The cost is `O(n²r)` time for that check and `O(nm)`
/// memory beyond `B`; nothing of size `n²×n²` is formed. The eigenvalues are
/// those of the Jacobian at any point of this form; the classification is
/// about stability only at an equilibrium (see
/// [`StructuredSpectrum::field_norm`]).
pub fn structured_spectrum(
    model: &Model,
    a: &DMatrix<f64>,
    b: &DMatrix<f64>,
    dynamics: StructuredDynamics,
) -> Result<StructuredSpectrum> {
    dynamics.validate()?;
    let d = decompose(model, a, b)?;
    build(model, &d, dynamics)
}

/// The structured spectrum at the lift to embedding dimension `n` of the
/// reduced point `(K, B̃)` (`K` r×m of rank r, `B̃` r×r) of `model_reduced`,
/// whose embedding dimension must be r (see [`Model::with_embedding_dimension`]).
/// Requires `n ≥ r`; the lift itself (`A = U₁K`) is never formed.
pub fn structured_from_reduced(
    model_reduced: &Model,
    k: &DMatrix<f64>,
    bt: &DMatrix<f64>,
    n: usize,
    dynamics: StructuredDynamics,
) -> Result<StructuredSpectrum> {
    dynamics.validate()?;
    check_model(model_reduced)?;
    let r = k.nrows();
    if model_reduced.n != r {
        return Err(Error::param(
            "model_reduced.n",
            model_reduced.n,
            &format!(
                "the embedding dimension of the reduced model equal to the rank r = {r} (the rows of K); use Model::with_embedding_dimension(r)"
            ),
        ));
    }
    check_shape("K", k, r, model_reduced.m)?;
    check_shape("B̃", bt, r, r)?;
    check_finite("K", k)?;
    check_finite("B̃", bt)?;
    if n == 0 || n < r {
        return Err(Error::param(
            "n",
            n,
            &format!("an embedding dimension n ≥ max(1, r) with r = {r} the rank of K"),
        ));
    }
    let rank_k = numerical_rank(k);
    if rank_k != r {
        return Err(Error::param(
            "K",
            format!("a {r}×{} matrix of numerical rank {rank_k}", k.ncols()),
            &format!("K of full row rank r = {r}"),
        ));
    }
    let d = Decomposition {
        k: k.clone(),
        b_tilde: bt.clone(),
        n,
        form_residual: 0.0,
        discarded: 0.0,
    };
    build(model_reduced, &d, dynamics)
}

/// `[K; 0]` and `diag(B̃, 0)` with `n` rows.
fn canonical_lift(k: &DMatrix<f64>, bt: &DMatrix<f64>, n: usize) -> (DMatrix<f64>, DMatrix<f64>) {
    let (r, m) = k.shape();
    let mut a = DMatrix::zeros(n, m);
    a.view_mut((0, 0), (r, m)).copy_from(k);
    let mut b = DMatrix::zeros(n, n);
    b.view_mut((0, 0), (r, r)).copy_from(bt);
    (a, b)
}

fn build(
    model: &Model,
    d: &Decomposition,
    dynamics: StructuredDynamics,
) -> Result<StructuredSpectrum> {
    prepare(model, d).spectrum(dynamics, None)
}

/// The η-independent part of a structured spectrum: the canonical `(K, B̃)`,
/// `σᵢ(R̃)`, `μⱼ`, and the models of the range block and of the canonical lift
/// used for the tolerance scale.
struct Prepared {
    k: DMatrix<f64>,
    bt: DMatrix<f64>,
    n: usize,
    lambda: f64,
    sigma: Vec<f64>,
    mu: Vec<f64>,
    field_norm: f64,
    form_residual: f64,
    discarded: f64,
    /// The model with embedding dimension r.
    reduced: Model,
    /// `r + 1` if n > r else r: the canonical lift `[K; 0]`, `diag(B̃, 0)`
    /// with that many rows has the same `max|J_ij|` as with n rows.
    n_lift: usize,
    lift_model: Model,
    lift: (DMatrix<f64>, DMatrix<f64>),
}

/// Continuous-time Jacobians (SG, or EMA with κ = 0) of the range block and
/// of the canonical lift, from which the maps' Jacobians follow for every η.
struct FlowJacobians {
    reduced: DMatrix<f64>,
    lift: DMatrix<f64>,
}

fn prepare(model: &Model, d: &Decomposition) -> Prepared {
    let (k, bt) = canonical_frame(&d.k, &d.b_tilde);
    let n = d.n;
    let r = k.nrows();
    let reduced = model.with_embedding_dimension(r);
    let rt = &bt * &k * &model.mxx - &k * &model.myx;
    let mut sigma: Vec<f64> = if r == 0 {
        Vec::new()
    } else {
        rt.singular_values().iter().copied().collect()
    };
    sigma.sort_by(|x, y| y.total_cmp(x));
    let mut mu: Vec<f64> = if r == 0 {
        Vec::new()
    } else {
        let g = &k * &model.mxx * k.transpose();
        let g = (&g + g.transpose()) * 0.5;
        g.symmetric_eigen().eigenvalues.iter().copied().collect()
    };
    mu.sort_by(|x, y| x.total_cmp(y));
    let (p, q) = reduced.pq(&k, &bt, &k);
    let field_norm = (p.norm_squared() + q.norm_squared()).sqrt();
    let n_lift = if n > r { r + 1 } else { r };
    let lift = canonical_lift(&k, &bt, n_lift);
    Prepared {
        lambda: model.lambda,
        sigma,
        mu,
        field_norm,
        form_residual: d.form_residual,
        discarded: d.discarded,
        lift_model: model.with_embedding_dimension(n_lift),
        reduced,
        n_lift,
        lift,
        k,
        bt,
        n,
    }
}

/// `I + η J_v` with, for EMA, the rows of `C⁺ = αC + (1 − α)A⁺`: the same
/// matrix as [`Model::discrete_jacobian`] builds from the velocity Jacobian
/// `jv` (with κ = 0) at a state of shape (n, m).
fn map_jacobian(
    jv: &DMatrix<f64>,
    eta: f64,
    alpha: Option<f64>,
    n: usize,
    m: usize,
) -> DMatrix<f64> {
    let dim = jv.nrows();
    let mut j = DMatrix::identity(dim, dim) + jv * eta;
    if let Some(alpha) = alpha {
        let nm = n * m;
        let c0 = nm + n * n;
        let mut rows_c = j.rows(0, nm).clone_owned() * (1.0 - alpha);
        for i in 0..nm {
            rows_c[(i, c0 + i)] += alpha;
        }
        j.rows_mut(c0, nm).copy_from(&rows_c);
    }
    j
}

impl Prepared {
    fn rank(&self) -> usize {
        self.k.nrows()
    }

    /// The velocity Jacobians of SG (`teacher = false`) or EMA with κ = 0.
    fn flow_jacobians(&self, teacher: bool) -> FlowJacobians {
        let flow = if teacher {
            StructuredDynamics::Ema { kappa: 0.0 }
        } else {
            StructuredDynamics::StopGradient
        };
        FlowJacobians {
            reduced: dense_jacobian_unchecked(&self.reduced, &self.k, &self.bt, flow),
            lift: dense_jacobian_unchecked(&self.lift_model, &self.lift.0, &self.lift.1, flow),
        }
    }

    /// The Jacobians of `dynamics` on the range block and at the canonical
    /// lift; maps reuse `flows` (the matching [`Prepared::flow_jacobians`])
    /// when given.
    fn jacobians(
        &self,
        dynamics: StructuredDynamics,
        flows: Option<&FlowJacobians>,
    ) -> (DMatrix<f64>, DMatrix<f64>) {
        let (r, m) = self.k.shape();
        let (eta, alpha) = match dynamics {
            StructuredDynamics::StopGradient
            | StructuredDynamics::GradientDescent
            | StructuredDynamics::Ema { .. } => {
                return (
                    dense_jacobian_unchecked(&self.reduced, &self.k, &self.bt, dynamics),
                    dense_jacobian_unchecked(
                        &self.lift_model,
                        &self.lift.0,
                        &self.lift.1,
                        dynamics,
                    ),
                );
            }
            StructuredDynamics::SgMap { eta } => (eta, None),
            StructuredDynamics::EmaMap { eta, alpha } => (eta, Some(alpha)),
        };
        let owned;
        let f = match flows {
            Some(f) => f,
            None => {
                owned = self.flow_jacobians(alpha.is_some());
                &owned
            }
        };
        (
            map_jacobian(&f.reduced, eta, alpha, r, m),
            map_jacobian(&f.lift, eta, alpha, self.n_lift, m),
        )
    }

    fn spectrum(
        &self,
        dynamics: StructuredDynamics,
        flows: Option<&FlowJacobians>,
    ) -> Result<StructuredSpectrum> {
        let (n, r, m) = (self.n, self.rank(), self.k.ncols());
        let dimension = dynamics.checked_state_dimension(n, m).ok_or_else(|| {
            Error::param(
                "n",
                n,
                "an embedding dimension whose Jacobian size fits in usize",
            )
        })?;
        let (jr, jl) = self.jacobians(dynamics, flows);
        let range_block = if r == 0 {
            Vec::new()
        } else {
            eigenvalues(&jr).ok_or_else(|| {
                Error::Computation(format!(
                    "the eigenvalues of the {0}×{0} range block did not converge",
                    jr.nrows()
                ))
            })?
        };
        let scale = if self.n_lift == 0 {
            1.0
        } else {
            jl.amax().max(1.0)
        };
        let closed_form = closed_forms(dynamics, self.lambda, &self.sigma, &self.mu, n, m, r);
        let spec = StructuredSpectrum {
            dynamics,
            n,
            m,
            rank: r,
            range_block,
            closed_form,
            dimension,
            expected_tangent: orbit_dimension(n, r),
            scale,
            k: self.k.clone(),
            b_tilde: self.bt.clone(),
            residual_singular_values: self.sigma.clone(),
            gram_eigenvalues: self.mu.clone(),
            field_norm: self.field_norm,
            form_residual: self.form_residual,
            discarded_singular_value: self.discarded,
        };
        if spec.multiplicity_total() != dimension {
            return Err(Error::Computation(format!(
                "internal: structured multiplicities add up to {}, expected the Jacobian size {dimension}",
                spec.multiplicity_total()
            )));
        }
        Ok(spec)
    }
}

/// The closed-form eigenvalues outside the range block (multiplicity-0 ones
/// omitted). `sigma` are the r singular values of `R̃`, `mu` the r eigenvalues
/// of `KMxxKᵀ`.
fn closed_forms(
    dynamics: StructuredDynamics,
    lambda: f64,
    sigma: &[f64],
    mu: &[f64],
    n: usize,
    m: usize,
    r: usize,
) -> Vec<ClosedFormEigenvalue> {
    let rows = n - r;
    // (continuous-time rate c, multiplicity, label); maps turn c into 1 + ηc.
    let mut rates: Vec<(f64, usize, String)> = Vec::new();
    for (i, s) in sigma.iter().enumerate() {
        rates.push((-lambda + s, rows, format!("X₂/Z: −λ + σ_{}(R̃)", i + 1)));
    }
    for (i, s) in sigma.iter().enumerate() {
        rates.push((-lambda - s, rows, format!("X₂/Z: −λ − σ_{}(R̃)", i + 1)));
    }
    rates.push((-lambda, rows * (m - r), "X₂/Z: −λ (m − r per row)".into()));
    for (j, u) in mu.iter().enumerate() {
        rates.push((
            -(u + lambda),
            rows,
            format!("Y₂₁: −(μ_{} + λ), μ eigenvalue of K Mxx Kᵀ", j + 1),
        ));
    }
    rates.push((-lambda, rows * rows, "Y₂₂: −λ".into()));
    let mut out: Vec<ClosedFormEigenvalue> = Vec::new();
    let mut push = |value: f64, multiplicity: usize, label: String| {
        if multiplicity > 0 {
            out.push(ClosedFormEigenvalue {
                value: (value, 0.0),
                multiplicity,
                label,
            });
        }
    };
    match dynamics {
        // The GD flow never gets here: `StructuredDynamics::validate` refuses it.
        StructuredDynamics::StopGradient | StructuredDynamics::GradientDescent => {
            for (c, mult, label) in rates {
                push(c, mult, label);
            }
        }
        StructuredDynamics::Ema { kappa } => {
            for (c, mult, label) in rates {
                push(c, mult, label);
            }
            push(-kappa, rows * m, "V₂: −κ".into());
        }
        StructuredDynamics::SgMap { eta } => {
            for (c, mult, label) in rates {
                push(1.0 + eta * c, mult, format!("1 + η·({label})"));
            }
        }
        StructuredDynamics::EmaMap { eta, alpha } => {
            for (c, mult, label) in rates {
                push(1.0 + eta * c, mult, format!("1 + η·({label})"));
            }
            push(alpha, rows * m, "V₂: α".into());
        }
    }
    out
}

/// The largest stable step of a discrete map, found on the structured
/// spectrum.
#[derive(Clone, Debug, Serialize)]
pub struct StepLimit {
    /// Supremum of η such that the map is stable modulo the orbit (verdict
    /// [`StabilityVerdict::Stable`]) for every step in `(0, η]`, as far as the
    /// grid and the bisection (relative 1e-6) can tell: 0 when the smallest
    /// grid step is already not stable; `grid.1` when no grid step is unstable
    /// (see `unstable_found`).
    pub eta_max: f64,
    /// Whether some grid step above the first unstable one is stable again
    /// (the stable set of steps is then not an interval).
    pub resumes_later: bool,
    /// Whether some grid step is not stable (else `eta_max` is only a lower
    /// bound).
    pub unstable_found: bool,
    /// The tightest explicit limit of the closed forms outside the range
    /// block: `min −2/c` over their continuous rates `c < 0` (each `1 + ηc`
    /// leaves the unit disc at η = −2/c), i.e. `min(1/λ, 2/(μ_max + λ))` at an
    /// equilibrium, ∞ when n = r. `eta_max` cannot exceed it by more than the
    /// bisection tolerance; when it is smaller, the range block limits.
    pub closed_form_limit: f64,
    /// Label of the closed form giving `closed_form_limit`, if any.
    pub closed_form_label: Option<String>,
    /// For the SG map only: `min −2 Re μ / |μ|²` over the non-tangent
    /// eigenvalues μ of the structured SG spectrum (0 if some has `Re μ ≥ 0`),
    /// the formula of [`super::spectra::max_stable_step`].
    pub formula_limit: Option<f64>,
    /// The log grid `(first, last)` scanned.
    pub grid: (f64, f64),
    /// Number of grid steps.
    pub grid_points: usize,
}

/// Grid steps per decade of the scan of [`max_stable_step_ema`].
const STEPS_PER_DECADE: usize = 25;

/// Relative width at which the bisection stops (below the advertised 1e-6).
const BISECTION_REL: f64 = 1e-7;

/// The largest step η of the EMA map (averaging `alpha`) that keeps the
/// equilibrium `(A, B, C = A)` stable modulo its orbit for every step in
/// `(0, η]`: a log grid of η (25 per decade, from `1e-4/ρ` to
/// `max(1e3/ρ, 4/λ)`, ρ the largest rate among λ, `μ_max + λ` and the reduced
/// SG Jacobian's spectral radius) classified with the structured spectrum,
/// then bisection between the last stable step of the initial run and the
/// first unstable one. Outside the range block the limits are explicit
/// (`1 − 2ηλ > −1` iff η < 1/λ, `1 − η(μⱼ + λ) > −1` iff η < 2/(μⱼ + λ),
/// `1 − ηλ`, and α < 1 on V₂); the range block is the reduced EMA map's.
/// An instability confined between two neighbouring grid steps (a factor
/// `10^(1/25) ≈ 1.096` apart) is not seen. Errors: the input checks of
/// [`structured_spectrum`], and α ∉ [0, 1).
pub fn max_stable_step_ema(
    model: &Model,
    a: &DMatrix<f64>,
    b: &DMatrix<f64>,
    alpha: f64,
    tol: &SpectralTolerances,
) -> Result<StepLimit> {
    StructuredDynamics::EmaMap { eta: 1.0, alpha }.validate()?;
    let d = decompose(model, a, b)?;
    scan_steps(
        model,
        &d,
        tol,
        |eta| StructuredDynamics::EmaMap { eta, alpha },
        false,
    )
}

/// The same scan as [`max_stable_step_ema`] for the SG map `θ + η v_SG(θ)`,
/// on the structured spectrum. Also reports in `formula_limit` the explicit
/// `min −2 Re μ / |μ|²` of [`super::spectra::max_stable_step`] applied to the
/// structured continuous spectrum; for the SG map each non-tangent μ is stable
/// exactly on an interval `(0, −2Re μ/|μ|²)`, so the stable steps form an
/// interval and the two agree (to the bisection tolerance) unless the
/// continuous verdict is already degenerate.
pub fn max_stable_step_sg(
    model: &Model,
    a: &DMatrix<f64>,
    b: &DMatrix<f64>,
    tol: &SpectralTolerances,
) -> Result<StepLimit> {
    let d = decompose(model, a, b)?;
    scan_steps(
        model,
        &d,
        tol,
        |eta| StructuredDynamics::SgMap { eta },
        true,
    )
}

/// Scans the step sizes of the map `dynamics_at(η)` on a log grid for the
/// first unstable one, bisects the edge, and sets the result beside the
/// closed-form limits (and, `with_formula`, the explicit formula limit).
fn scan_steps(
    model: &Model,
    d: &Decomposition,
    tol: &SpectralTolerances,
    dynamics_at: impl Fn(f64) -> StructuredDynamics,
    with_formula: bool,
) -> Result<StepLimit> {
    let prepared = prepare(model, d);
    let cont = prepared.spectrum(StructuredDynamics::StopGradient, None)?;
    let flows = prepared.flow_jacobians(dynamics_at(1.0).has_teacher());
    let grid = step_grid(model.lambda, &cont);
    let stable = |eta: f64| -> bool {
        prepared
            .spectrum(dynamics_at(eta), Some(&flows))
            .map(|s| s.classify(tol).verdict == StabilityVerdict::Stable)
            .unwrap_or(false)
    };
    let flags: Vec<bool> = grid.iter().map(|&eta| stable(eta)).collect();
    let first_bad = flags.iter().position(|&s| !s);
    let (eta_max, resumes_later) = match first_bad {
        None => (grid[grid.len() - 1], false),
        Some(0) => (0.0, flags.iter().any(|&s| s)),
        Some(i) => {
            let (mut good, mut bad) = (grid[i - 1], grid[i]);
            while bad - good > BISECTION_REL * bad {
                let mid = 0.5 * (good + bad);
                if stable(mid) {
                    good = mid;
                } else {
                    bad = mid;
                }
            }
            (good, flags[i..].iter().any(|&s| s))
        }
    };
    let (closed_form_limit, closed_form_label) = closed_form_step_limit(&cont, tol);
    let formula_limit = with_formula.then(|| formula_step_limit(&cont, tol));
    Ok(StepLimit {
        eta_max,
        resumes_later,
        unstable_found: first_bad.is_some(),
        closed_form_limit,
        closed_form_label,
        formula_limit,
        grid: (grid[0], grid[grid.len() - 1]),
        grid_points: grid.len(),
    })
}

/// The log grid of step sizes scanned, [`STEPS_PER_DECADE`] per decade, from
/// `10⁻⁴/ρ` to `max(10³/ρ, 4/λ)` where `ρ` bounds the rates of the
/// continuous spectrum `cont`.
fn step_grid(lambda: f64, cont: &StructuredSpectrum) -> Vec<f64> {
    let mu_max = cont.gram_eigenvalues.last().copied().unwrap_or(0.0);
    let radius = cont
        .range_block
        .iter()
        .map(|&(re, im)| (re * re + im * im).sqrt())
        .fold(0.0, f64::max);
    let rho = lambda.max(mu_max + lambda).max(radius);
    let lo = 1e-4 / rho;
    let hi = (1e3 / rho).max(4.0 / lambda);
    let decades = (hi / lo).log10();
    let grid_points = (decades * STEPS_PER_DECADE as f64).ceil() as usize + 1;
    (0..grid_points)
        .map(|i| lo * 10f64.powf(i as f64 / STEPS_PER_DECADE as f64))
        .collect()
}

/// Explicit limits of the closed forms: `1 + ηc` with `c < 0` leaves the
/// unit disc at `η = −2/c`; `c ≥ 0` (a tangent or unstable rate) gives no
/// limit. The smallest, with its label.
fn closed_form_step_limit(
    cont: &StructuredSpectrum,
    tol: &SpectralTolerances,
) -> (f64, Option<String>) {
    cont.closed_form
        .iter()
        .filter(|c| c.value.0 < -tol.zero * cont.scale)
        .map(|c| (-2.0 / c.value.0, c.label.clone()))
        .fold((f64::INFINITY, None), |acc, (l, lab)| {
            if l < acc.0 { (l, Some(lab)) } else { acc }
        })
}

/// `min −2 Re μ / |μ|²` over the non-zero rates μ of the continuous
/// spectrum (0 for a rate with `Re μ ≥ 0`).
fn formula_step_limit(cont: &StructuredSpectrum, tol: &SpectralTolerances) -> f64 {
    let zero = tol.zero * cont.scale;
    cont.range_block
        .iter()
        .map(|&z| (z, 1))
        .chain(cont.closed_form.iter().map(|c| (c.value, c.multiplicity)))
        .filter(|&((re, im), mult)| mult > 0 && (re * re + im * im).sqrt() > zero)
        .map(|((re, im), _)| {
            if re < 0.0 {
                -2.0 * re / (re * re + im * im)
            } else {
                0.0
            }
        })
        .fold(f64::INFINITY, f64::min)
}

#[cfg(test)]
mod tests;

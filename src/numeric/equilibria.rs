//! Numerical equilibria of the SG (and EMA, with `C = A`) dynamics, stratum by
//! stratum.
//!
//! A rank-r equilibrium `A = U K` (`U` n×r orthonormal, `K` r×m of rank r) with
//! `B = U B̃ Uᵀ` is exactly a full-row-rank equilibrium `(K, B̃)` of the same
//! model with embedding dimension r (SPEC RANK-STRATA): `P` and `Q` of the big
//! model are `U P̃` and `U Q̃ Uᵀ`. So each stratum is searched in the reduced
//! model by damped Gauss–Newton from seeded random starts, deduplicated by
//! `S = KᵀK` (an O(n)-invariant of the orbit), and lifted with a random `U`.
//! This is a numerical search: it finds solutions, it does not prove that
//! none were missed (the `variety` layer does that exactly).

use nalgebra::{DMatrix, DVector};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::fields::{Model, State};

use super::random::{gaussian, stiefel};
use crate::model::{Procedure, orbit_dimension};

/// Relative singular-value threshold below which a direction of `A` counts as
/// collapsed: σᵢ ≤ 1e-6 · max(1, σ₁). Equilibria are polished to field norms
/// near 1e-13 and trajectories stop at 1e-10, so surviving directions are many
/// orders above it and collapsed ones many orders below (see the report).
pub const RANK_TOL: f64 = 1e-6;

/// Numerical rank of `A` with [`RANK_TOL`].
pub fn numerical_rank(a: &DMatrix<f64>) -> usize {
    let sv = singular_values(a);
    let top = sv.first().copied().unwrap_or(0.0).max(1.0);
    sv.iter().filter(|&&s| s > RANK_TOL * top).count()
}

/// What a trajectory ended as, by the numerical rank r of `A` (tolerance
/// [`RANK_TOL`]): `Collapse` (r = 0), `Partial` (0 < r < min(n, m)),
/// `Full` (r = min(n, m)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "kind", content = "rank")]
pub enum EndState {
    /// `A = 0` to tolerance: complete collapse.
    Collapse,
    /// Rank strictly between 0 and min(n, m): dimensional collapse.
    Partial(usize),
    /// Maximal rank min(n, m).
    Full,
}

impl EndState {
    /// Classifies `A` (n×m).
    pub fn of(a: &DMatrix<f64>) -> Self {
        let r = numerical_rank(a);
        match r {
            0 => EndState::Collapse,
            r if r == a.nrows().min(a.ncols()) => EndState::Full,
            r => EndState::Partial(r),
        }
    }

    /// Readable form, e.g. `partial collapse (rank 1)`.
    pub fn describe(self) -> String {
        match self {
            EndState::Collapse => "collapse (A = 0)".into(),
            EndState::Partial(r) => format!("partial collapse (rank {r})"),
            EndState::Full => "full rank".into(),
        }
    }
}

/// Singular values in decreasing order.
pub fn singular_values(a: &DMatrix<f64>) -> Vec<f64> {
    let mut sv: Vec<f64> = a.clone_owned().singular_values().iter().copied().collect();
    sv.sort_by(|x, y| y.total_cmp(x));
    sv
}

/// `B(A) = A Myx Aᵀ (A Mxx Aᵀ + λI)⁻¹`, the predictor at an equilibrium
/// (SPEC S-EQUATION). `None` when `A Mxx Aᵀ + λI` is singular (λ = 0 and A
/// not of full row rank).
pub fn predictor_of(model: &Model, a: &DMatrix<f64>) -> Option<DMatrix<f64>> {
    let n = a.nrows();
    let g = a * &model.mxx * a.transpose() + DMatrix::identity(n, n) * model.lambda;
    let inv = g.try_inverse()?;
    Some(a * &model.myx * a.transpose() * inv)
}

/// `B(A)` for λ > 0 computed on the range of `A` only, for when
/// `A Mxx Aᵀ + λI` is singular in floating point although λ > 0 exactly (λ
/// below the rounding of the other entries, or 0 in f64 as for λ = 10⁻⁴⁰⁰).
/// With the thin SVD `A = W R` (`W` orthonormal columns spanning the range),
/// `(A Mxx Aᵀ + λI)⁻¹ = W (R Mxx Rᵀ + λI)⁻¹ Wᵀ + λ⁻¹ (I − W Wᵀ)` and the
/// second term is annihilated by `A Myx Aᵀ = W R Myx Rᵀ Wᵀ`, so
/// `B(A) = W R Myx Rᵀ (R Mxx Rᵀ + λI)⁻¹ Wᵀ` never divides by λ. `None` when
/// `R Mxx Rᵀ + λI` is singular too (Mxx singular on the range).
pub fn predictor_on_range(model: &Model, a: &DMatrix<f64>) -> Option<DMatrix<f64>> {
    let svd = a.clone_owned().svd(true, false);
    let u = svd.u?;
    let largest = svd.singular_values.iter().fold(0.0f64, |m, &s| m.max(s));
    if largest == 0.0 {
        return Some(DMatrix::zeros(a.nrows(), a.nrows()));
    }
    let keep: Vec<usize> = (0..svd.singular_values.len())
        .filter(|&k| svd.singular_values[k] > largest * 1e-14)
        .collect();
    let w = DMatrix::from_fn(a.nrows(), keep.len(), |i, j| u[(i, keep[j])]);
    let r = w.transpose() * a;
    let k =
        &r * &model.mxx * r.transpose() + DMatrix::identity(keep.len(), keep.len()) * model.lambda;
    let inv = k.try_inverse()?;
    let b = &w * (&r * &model.myx * r.transpose()) * inv * w.transpose();
    b.iter().all(|x| x.is_finite()).then_some(b)
}

/// `G(S) = (Mxx S + λI)(S Mxx + λI) − Mxy S Myx` (SPEC S-EQUATION).
pub fn s_equation(model: &Model, s: &DMatrix<f64>) -> DMatrix<f64> {
    let m = model.m;
    let id = DMatrix::identity(m, m) * model.lambda;
    (&model.mxx * s + &id) * (s * &model.mxx + &id) - &model.mxy * s * &model.myx
}

/// The generalized S-equation `S · G(S)` that every equilibrium of any rank
/// satisfies (SPEC RANK-STRATA).
pub fn generalized_s_equation(model: &Model, s: &DMatrix<f64>) -> DMatrix<f64> {
    s * s_equation(model, s)
}

/// Symmetric PSD square root via the symmetric eigendecomposition (negative
/// rounding-level eigenvalues are clipped to 0).
pub fn psd_sqrt(s: &DMatrix<f64>) -> DMatrix<f64> {
    let e = s.clone_owned().symmetric_eigen();
    let d = DMatrix::from_diagonal(&e.eigenvalues.map(|x| x.max(0.0).sqrt()));
    &e.eigenvectors * d * e.eigenvectors.transpose()
}

/// Gauss–Newton with the pseudo-inverse (minimum-norm steps) and a backtracking
/// line search on `‖v‖`, for the SG field. It converges quadratically to a
/// nearby point of a manifold of equilibria. Returns the final field norm.
pub fn polish(
    model: &Model,
    procedure: Procedure,
    kappa: f64,
    state: &mut State,
    iterations: usize,
) -> f64 {
    let (n, m) = (model.n, model.m);
    let teacher = procedure.has_teacher();
    let mut x = state.to_vector();
    let field = |x: &DVector<f64>| {
        model
            .velocity(procedure, kappa, &State::from_vector(n, m, teacher, x))
            .to_vector()
    };
    let mut v = field(&x);
    let mut norm = v.norm();
    for _ in 0..iterations {
        if norm < 1e-15 {
            break;
        }
        let j = model.jacobian(procedure, kappa, &State::from_vector(n, m, teacher, &x));
        let svd = j.svd(true, true);
        let top = svd.singular_values.max();
        let Ok(step) = svd.solve(&v, 1e-10 * top.max(1e-300)) else {
            break;
        };
        let mut t = 1.0;
        let mut improved = false;
        while t > 1e-4 {
            let cand = &x - &step * t;
            let vc = field(&cand);
            let nc = vc.norm();
            if nc.is_finite() && nc < norm {
                x = cand;
                v = vc;
                norm = nc;
                improved = true;
                break;
            }
            t *= 0.5;
        }
        if !improved {
            break;
        }
    }
    *state = State::from_vector(n, m, teacher, &x);
    norm
}

/// One equilibrium found numerically, lifted to the full model.
#[derive(Clone, Debug, Serialize)]
pub struct NumericEquilibrium {
    /// Rank r of `A`.
    pub rank: usize,
    /// `S = AᵀA` (m×m), identifying the O(n)-orbit.
    #[serde(serialize_with = "ser_matrix")]
    pub s: DMatrix<f64>,
    /// A representative `A` (n×m).
    #[serde(serialize_with = "ser_matrix")]
    pub a: DMatrix<f64>,
    /// Its predictor `B` (n×n).
    #[serde(serialize_with = "ser_matrix")]
    pub b: DMatrix<f64>,
    /// SG field norm at the lifted point.
    pub field_norm: f64,
    /// Orbit dimension `n r − r(r+1)/2`.
    pub orbit_dimension: usize,
}

/// Serializes a matrix as rows.
pub fn ser_matrix<S: serde::Serializer>(m: &DMatrix<f64>, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(m.nrows()))?;
    for i in 0..m.nrows() {
        let row: Vec<f64> = m.row(i).iter().copied().collect();
        seq.serialize_element(&row)?;
    }
    seq.end()
}

/// Options of the equilibrium search.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct SearchOptions {
    /// Random starts per stratum.
    pub starts: usize,
    /// Gauss–Newton iterations per start.
    pub iterations: usize,
    /// Field norm below which a point counts as an equilibrium.
    pub field_tol: f64,
    /// Seed.
    pub seed: u64,
}

impl Default for SearchOptions {
    fn default() -> Self {
        Self {
            starts: 60,
            iterations: 200,
            field_tol: 1e-11,
            seed: 1,
        }
    }
}

/// Searches the rank-r stratum (r ≥ 1) of the SG equilibria.
pub fn search_stratum(model: &Model, r: usize, opts: &SearchOptions) -> Vec<NumericEquilibrium> {
    let reduced = model.with_embedding_dimension(r);
    let mut rng =
        ChaCha8Rng::seed_from_u64(opts.seed ^ (r as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let mut found: Vec<NumericEquilibrium> = Vec::new();
    let scales = [0.1, 0.3, 1.0, 3.0];
    for k in 0..opts.starts {
        let scale = scales[k % scales.len()];
        let kmat = gaussian(r, model.m, scale, &mut rng);
        let b = predictor_of(&reduced, &kmat).unwrap_or_else(|| gaussian(r, r, scale, &mut rng));
        let mut st = State::new(Procedure::StopGradient, kmat, b);
        let norm = polish(
            &reduced,
            Procedure::StopGradient,
            0.0,
            &mut st,
            opts.iterations,
        );
        // A NaN norm (diverged start) is rejected too.
        if norm.is_nan() || norm >= opts.field_tol || numerical_rank(&st.a) != r {
            continue;
        }
        let s = st.a.transpose() * &st.a;
        let tol = 1e-6 * (1.0 + s.amax());
        if found.iter().any(|e| (&e.s - &s).amax() < tol) {
            continue;
        }
        let u = stiefel(model.n, r, &mut rng);
        let a = &u * &st.a;
        let b = &u * &st.b * u.transpose();
        let mut lifted = State::new(Procedure::StopGradient, a, b);
        let field_norm = polish(model, Procedure::StopGradient, 0.0, &mut lifted, 5);
        found.push(NumericEquilibrium {
            rank: r,
            s: lifted.a.transpose() * &lifted.a,
            a: lifted.a,
            b: lifted.b,
            field_norm,
            orbit_dimension: orbit_dimension(model.n, r),
        });
    }
    found.sort_by(|x, y| x.s.trace().total_cmp(&y.s.trace()));
    found
}

/// Newton's method for the S-equation `G(S) = (Mxx S + λI)(S Mxx + λI) − Mxy S Myx = 0`
/// over symmetric `S`, real or complex (`T = f64` or `Complex<f64>`), from
/// the start `x0 = vech(S₀)` (upper triangle, row by row). Returns the
/// converged `S`, or `None` if Newton stalls or diverges within `iterations`.
/// The one implementation of the S-equation's Newton step: the real search
/// of equilibria and the complex solution count both use it.
pub fn s_newton<T>(model: &Model, x0: DVector<T>, iterations: usize) -> Option<DMatrix<T>>
where
    T: nalgebra::ComplexField<RealField = f64> + Copy,
{
    let m = model.m;
    let idx: Vec<(usize, usize)> = (0..m).flat_map(|i| (i..m).map(move |j| (i, j))).collect();
    let lift = |x: &DMatrix<f64>| x.map(|v| T::from_real(v));
    let (mxx, myx, mxy) = (lift(&model.mxx), lift(&model.myx), lift(&model.mxy));
    let lam = DMatrix::<T>::identity(m, m) * T::from_real(model.lambda);
    let sym = |v: &DVector<T>| {
        let mut s = DMatrix::zeros(m, m);
        for (k, &(i, j)) in idx.iter().enumerate() {
            s[(i, j)] = v[k];
            s[(j, i)] = v[k];
        }
        s
    };
    let vech =
        |s: &DMatrix<T>| DVector::from_iterator(idx.len(), idx.iter().map(|&(i, j)| s[(i, j)]));
    let mut x = x0;
    for _ in 0..iterations {
        let s = sym(&x);
        let r = vech(&((&mxx * &s + &lam) * (&s * &mxx + &lam) - &mxy * &s * &myx));
        if r.norm() < 1e-13 * (1.0 + s.norm().powi(2)) {
            return Some(s);
        }
        // dG = Mxx dS (S Mxx + λ) + (Mxx S + λ) dS Mxx − Mxy dS Myx.
        let mut jac = DMatrix::zeros(idx.len(), idx.len());
        for (c, &(i, j)) in idx.iter().enumerate() {
            let mut ds = DMatrix::zeros(m, m);
            ds[(i, j)] = T::one();
            ds[(j, i)] = T::one();
            let dg = &mxx * &ds * (&s * &mxx + &lam) + (&mxx * &s + &lam) * &ds * &mxx
                - &mxy * &ds * &myx;
            jac.set_column(c, &vech(&dg));
        }
        match jac.lu().solve(&r) {
            Some(step) if step.iter().all(|z| z.is_finite()) => x -= step,
            _ => return None,
        }
    }
    None
}

/// Solves the S-equation `G(S) = 0` for symmetric `S` by Newton's method from
/// seeded random positive definite starts, keeping the distinct solutions
/// with `S ≻ 0`. Independent of the fields: used to check the "if" direction.
pub fn solve_s_equation(model: &Model, opts: &SearchOptions) -> Vec<DMatrix<f64>> {
    let m = model.m;
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed.wrapping_add(77));
    let mut found: Vec<DMatrix<f64>> = Vec::new();
    for k in 0..opts.starts {
        let g = gaussian(m, m, [0.3, 1.0, 3.0][k % 3], &mut rng);
        let s0 = &g * g.transpose();
        let x0 = DVector::from_iterator(
            m * (m + 1) / 2,
            (0..m)
                .flat_map(|i| (i..m).map(move |j| (i, j)))
                .map(|(i, j)| s0[(i, j)]),
        );
        let Some(s) = s_newton(model, x0, opts.iterations) else {
            continue;
        };
        let min_eig = s.clone_owned().symmetric_eigen().eigenvalues.min();
        if min_eig <= 1e-9 * (1.0 + s.amax()) {
            continue;
        }
        let tol = 1e-6 * (1.0 + s.amax());
        if !found.iter().any(|t| (t - &s).amax() < tol) {
            found.push(s);
        }
    }
    found.sort_by(|x, y| x.trace().total_cmp(&y.trace()));
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::builtin;

    #[test]
    fn end_states_follow_the_rank_of_a() {
        let full = DMatrix::from_row_slice(3, 2, &[1.0, 0.0, 0.0, 0.5, 0.0, 0.0]);
        assert_eq!(EndState::of(&full), EndState::Full);
        let partial = DMatrix::from_row_slice(3, 2, &[1.0, 0.0, 0.0, 1e-9, 0.0, 0.0]);
        assert_eq!(EndState::of(&partial), EndState::Partial(1));
        assert_eq!(
            EndState::of(&DMatrix::from_element(3, 2, 1e-9)),
            EndState::Collapse
        );
        // n < m: full means rank n.
        let wide = DMatrix::from_row_slice(1, 3, &[0.0, 2.0, 0.0]);
        assert_eq!(EndState::of(&wide), EndState::Full);
    }

    #[test]
    fn scalar_strata_match_the_closed_form_radii() {
        let model = Model::from_instance(&builtin("scalar").unwrap());
        let (rho, tau, lam) = (model.mxx[(0, 0)], model.myx[(0, 0)], model.lambda);
        let delta = tau * tau - 4.0 * rho * lam;
        let radii = [
            (tau.abs() - delta.sqrt()) / (2.0 * rho),
            (tau.abs() + delta.sqrt()) / (2.0 * rho),
        ];
        let eq = search_stratum(&model, 1, &SearchOptions::default());
        assert_eq!(eq.len(), 2);
        for (e, r) in eq.iter().zip(radii) {
            // ‖a‖² = s; the closed form gives ‖a‖ = r.
            assert!(
                (e.s[(0, 0)].sqrt() - r).abs() < 1e-9,
                "{} vs {r}",
                e.s[(0, 0)].sqrt()
            );
            assert!(e.field_norm < 1e-11);
        }
        let s = solve_s_equation(&model, &SearchOptions::default());
        assert_eq!(s.len(), 2);
    }
}

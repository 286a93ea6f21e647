//! Exact rational equilibria with valid rational instances (SPEC: "the
//! equilibrium equations are linear in (Mxx, Myx) once (A, B, λ) are
//! fixed").
//!
//! # Construction
//!
//! [`rational_equilibrium`] picks, from a seed,
//!
//! * rational orthogonal `U` (n×n), `W` (m×m) and `Y_r` (r×r) by the Cayley
//!   transform `(I − K)(I + K)⁻¹` of skew matrices `K` with small rational
//!   entries ([`rational_orthogonal`]);
//! * distinct small positive rationals `s₁, …, s_r` and
//!   `D = diag(s)` (n×m), `D̃ = diag(s, 0, …)` (n×n);
//! * `A = U D Wᵀ` and `B = U Y D̃ Uᵀ` with `Y = blockdiag(Y_r, I)`, so that
//!   `AAᵀ = BᵀB = U D̃² Uᵀ` exactly and `range(B) = range(Bᵀ) = range(A)`;
//! * a small rational `Mxx ≻ 0`;
//!
//! and solves the SG equilibrium equations `P(A,B,A) = 0`, `Q(A,B,A) = 0`
//! (linear in `Myx`) exactly for `Myx`, then takes `Myy = c·I` with the
//! integer `c = ⌊tr(Myx Mxx⁻¹ Mxy)⌋ + 1`, which makes the joint moment
//! matrix positive definite (its Schur complement is `⪰ (c − tr)·I ≻ 0`).
//! `Myy` enters only the GD field, so this readable choice costs nothing.
//!
//! # Consistency (why the linear system always has a solution)
//!
//! With `Ã = UᵀAW = D`, `B̃ = UᵀBU = Y D̃`, `X = WᵀMxxW` and
//! `M = WᵀMyxW` partitioned into blocks of sizes r and m − r, the equations
//! read `B̃ᵀ D M = B̃ᵀB̃ D X + λD` (P) and `D M Dᵀ = B̃ D X Dᵀ + λB̃` (Q).
//! Both have non-zero blocks only in the first r rows, and both reduce to
//!
//! `M₁₁ = S⁻¹ Y_r (S² X₁₁ + λI)`, `M₁₂ = S⁻¹ Y_r S² X₁₂` (`S = diag(s)`),
//!
//! (the Q equation gives `S M₁₁ S = Y_r S² X₁₁ S + λ Y_r S`, the same
//! condition), while `M₂₁` and `M₂₂` are free. So the system is consistent
//! for **every** rank `0 ≤ r ≤ min(n, m)`, with a solution set of dimension
//! `m(m − r)`; for `r = m` the solution is unique and equals the closed form
//! `Myx = A⁺(BAMxxAᵀ + λB)A⁺ᵀ`. The free part is chosen as a seeded small
//! combination of a kernel basis (rather than 0), so that the directions
//! outside `range(Aᵀ)` are generic. The conditions used are necessary at
//! every equilibrium with λ > 0: `PAᵀ − BᵀQ = λ(AAᵀ − BᵀB)` forces balance,
//! and the rows outside `range(A)` of the Q equation force
//! `range(B) ⊆ range(A)`.
//!
//! Every result is checked exactly before it is returned (`P = Q = 0`,
//! `AAᵀ = BᵀB`, `rank A = r`, the instance validated); a failure is an
//! [`Error::Computation`], never a wrong equilibrium.

use num_rational::BigRational;
use num_traits::{Signed, Zero};
use rand::Rng;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::linalg;
use crate::error::{Error, Result};
use crate::model::formula::{ModelData, balance};
use crate::model::{Instance, Moments, RationalMatrix};

/// Largest `n` or `m` accepted by [`rational_equilibrium`] (the linear
/// system has `nm + n²` equations in `m²` unknowns, solved exactly).
pub const MAX_CONSTRUCTION_DIMENSION: usize = 12;

/// An exact equilibrium `(A, B)` of the SG flow (and so, with `C = A`, of
/// the EMA flow and of both maps) of a valid rational instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RationalEquilibrium {
    /// The instance (moments solved for; validated).
    pub instance: Instance,
    /// The encoder `A` (n×m).
    pub a: RationalMatrix,
    /// The predictor `B` (n×n).
    pub b: RationalMatrix,
    /// `rank A`, exact.
    pub rank: usize,
}

use crate::model::ratio as q;

/// The small rationals the skew generators of [`rational_orthogonal`] are
/// drawn from.
fn skew_entries() -> [BigRational; 8] {
    [
        q(1, 2),
        q(-1, 2),
        q(1, 3),
        q(-1, 3),
        q(3, 2),
        q(-3, 2),
        q(2, 1),
        q(-2, 1),
    ]
}

/// A seeded rational orthogonal n×n matrix: the Cayley transform
/// `(I − K)(I + K)⁻¹` of a skew-symmetric `K` whose entries above the
/// diagonal are drawn from `{±1/3, ±1/2, ±3/2, ±2}` (neither 0 nor ±1,
/// which give the non-generic rotations by 0 and 90° in a plane) (`I + K` is
/// invertible for every real skew `K`, its eigenvalues being `1 + iω`).
/// The result has determinant 1 and no eigenvalue −1.
pub fn rational_orthogonal<R: Rng>(n: usize, rng: &mut R) -> Result<RationalMatrix> {
    let pool = skew_entries();
    let mut k = RationalMatrix::zeros(n, n);
    for i in 0..n {
        for j in i + 1..n {
            let v = pool[rng.gen_range(0..pool.len())].clone();
            k.set(j, i, -v.clone());
            k.set(i, j, v);
        }
    }
    let id = RationalMatrix::identity(n);
    let inv = id.add(&k).inverse().ok_or_else(|| {
        Error::Computation(format!(
            "I + K is singular for the skew matrix K = {k}, which cannot happen for a real skew K"
        ))
    })?;
    let u = id.sub(&k).mul(&inv);
    if u.transpose().mul(&u) != id {
        return Err(Error::Computation(format!(
            "the Cayley transform {u} is not orthogonal (UᵀU ≠ I)"
        )));
    }
    Ok(u)
}

/// A seeded small symmetric positive definite m×m matrix
/// `diag(d) + G Gᵀ/4` with `dᵢ ∈ {1/2, 1, 3/2}` and `Gᵢⱼ ∈ {−1, 0, 1, 2}`.
fn spd<R: Rng>(m: usize, rng: &mut R) -> RationalMatrix {
    let g = RationalMatrix::from_fn(m, m, |_, _| q(rng.gen_range(-1..=2), 1));
    let mut s = g.mul(&g.transpose()).scale(&q(1, 4));
    for i in 0..m {
        let d = q(rng.gen_range(1..=3), 2);
        let v = s.get(i, i) + d;
        s.set(i, i, v);
    }
    s
}

/// `vec` in row-major order of an m×m matrix's entries, and back.
fn unvec(x: &[BigRational], m: usize) -> RationalMatrix {
    RationalMatrix::from_fn(m, m, |i, j| x[i * m + j].clone())
}

/// `(P, Q)` at `(A, B, A)` for the given `Myx` (the other data fixed),
/// stacked into one list (row-major P, then row-major Q).
fn pq_stacked(
    data: &ModelData<BigRational>,
    a: &RationalMatrix,
    b: &RationalMatrix,
) -> Vec<BigRational> {
    let (p, qm) = data.student_field(a, b, a);
    p.entries().iter().chain(qm.entries()).cloned().collect()
}

/// The linear system `L·vec(Myx) = rhs` equivalent to `P(A,B,A) = 0`,
/// `Q(A,B,A) = 0` for fixed `A`, `B`, `Mxx`, λ (`vec` row-major): `(P, Q)`
/// is affine in `Myx`, `F(Myx) = F(0) + L·vec(Myx)`, and both `F(0)` and
/// the columns `F(E_k) − F(0)` are evaluated with the generic formulas.
fn myx_system(
    a: &RationalMatrix,
    b: &RationalMatrix,
    mxx: &RationalMatrix,
    lambda: &BigRational,
) -> (RationalMatrix, RationalMatrix) {
    let m = mxx.nrows();
    let mut data = ModelData {
        mxx: mxx.clone(),
        myx: RationalMatrix::zeros(m, m),
        myy: RationalMatrix::zeros(m, m),
        lambda: lambda.clone(),
    };
    let f0 = pq_stacked(&data, a, b);
    let rows = f0.len();
    let mut l = RationalMatrix::zeros(rows, m * m);
    for k in 0..m * m {
        let mut e = vec![BigRational::zero(); m * m];
        e[k] = q(1, 1);
        data.myx = unvec(&e, m);
        let fk = pq_stacked(&data, a, b);
        for (i, (x, y)) in fk.iter().zip(&f0).enumerate() {
            l.set(i, k, x - y);
        }
    }
    let rhs = RationalMatrix::from_fn(rows, 1, |i, _| -f0[i].clone());
    (l, rhs)
}

/// An exact equilibrium of rank `r` of a valid rational instance with
/// embedding dimension `n`, data dimension `m` and weight decay `lambda`,
/// reproducible from `seed` (see the module documentation for the
/// construction and why the linear system for `Myx` is always consistent).
/// The instance is named `rational-n{n}-m{m}-r{r}-seed{seed}`.
///
/// Requires `1 ≤ n, m ≤` [`MAX_CONSTRUCTION_DIMENSION`],
/// `0 ≤ r ≤ min(n, m)` and `λ ≥ 0` (the orbit structure used by the
/// certificates assumes `λ > 0`).
pub fn rational_equilibrium(
    n: usize,
    m: usize,
    r: usize,
    lambda: &BigRational,
    seed: u64,
) -> Result<RationalEquilibrium> {
    check_construction(n, m, r, lambda)?;
    let name = format!("rational-n{n}-m{m}-r{r}-seed{seed}");
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (a, b) = balanced_point(n, m, r, &mut rng)?;
    let mxx = spd(m, &mut rng);
    let myx = consistent_myx(&a, &b, &mxx, lambda, &name, &mut rng)?;
    let myy = dominating_myy(&myx, &mxx)?;
    let instance = Instance::new(&name, n, Moments { mxx, myx, myy }, lambda.clone())?;
    let rank = check_constructed(&instance, &a, &b, r)?;
    Ok(RationalEquilibrium {
        instance,
        a,
        b,
        rank,
    })
}

/// Rejects dimensions, rank or weight decay outside what the construction
/// supports.
fn check_construction(n: usize, m: usize, r: usize, lambda: &BigRational) -> Result<()> {
    let max = MAX_CONSTRUCTION_DIMENSION;
    if n == 0 || n > max {
        return Err(Error::param("n", n, &format!("1 ≤ n ≤ {max}")));
    }
    if m == 0 || m > max {
        return Err(Error::param("m", m, &format!("1 ≤ m ≤ {max}")));
    }
    if r > n.min(m) {
        return Err(Error::param(
            "r",
            r,
            &format!("a rank 0 ≤ r ≤ min(n, m) = {}", n.min(m)),
        ));
    }
    if lambda.is_negative() {
        return Err(Error::param("lambda", lambda, "a weight decay λ ≥ 0"));
    }
    Ok(())
}

/// A balanced point of rank `r`: `A = U D Wᵀ` and `B = U Y D̃ Uᵀ` with
/// random rational orthogonal `U`, `W`, `Y` (Y acting on the first `r`
/// coordinates) and `r` distinct positive singular values `D`.
fn balanced_point(
    n: usize,
    m: usize,
    r: usize,
    rng: &mut ChaCha8Rng,
) -> Result<(RationalMatrix, RationalMatrix)> {
    let u = rational_orthogonal(n, rng)?;
    let w = rational_orthogonal(m, rng)?;
    let y_r = rational_orthogonal(r, rng)?;
    let mut pool = vec![q(1, 2), q(2, 3), q(1, 1), q(4, 3), q(3, 2), q(2, 1)];
    pool.shuffle(rng);
    while pool.len() < r {
        // More distinct values than the pool holds (r > 6).
        let k = pool.len() as i64;
        pool.push(q(k + 1, 1));
    }
    let s = &pool[..r];
    let d = RationalMatrix::from_fn(n, m, |i, j| {
        if i == j && i < r {
            s[i].clone()
        } else {
            BigRational::zero()
        }
    });
    let d_tilde = RationalMatrix::from_fn(n, n, |i, j| {
        if i == j && i < r {
            s[i].clone()
        } else {
            BigRational::zero()
        }
    });
    let y = RationalMatrix::from_fn(n, n, |i, j| {
        if i < r && j < r {
            y_r.get(i, j).clone()
        } else if i == j {
            q(1, 1)
        } else {
            BigRational::zero()
        }
    });
    let a = u.mul(&d).mul(&w.transpose());
    let b = u.mul(&y).mul(&d_tilde).mul(&u.transpose());
    Ok((a, b))
}

/// A `Myx` that makes `(A, B)` an equilibrium: a particular solution of the
/// linear system `P = Q = 0` plus a random combination of its null space.
fn consistent_myx(
    a: &RationalMatrix,
    b: &RationalMatrix,
    mxx: &RationalMatrix,
    lambda: &BigRational,
    name: &str,
    rng: &mut ChaCha8Rng,
) -> Result<RationalMatrix> {
    let m = mxx.nrows();
    let (l, rhs) = myx_system(a, b, mxx, lambda);
    let particular = linalg::solve(&l, &rhs)?.ok_or_else(|| {
        Error::Computation(format!(
            "the equilibrium equations P = Q = 0 are inconsistent in Myx for A = {a}, B = {b}, Mxx = {mxx}, λ = {lambda} (instance {name}); the construction guarantees consistency, so this is a bug"
        ))
    })?;
    let mut x: Vec<BigRational> = (0..m * m).map(|i| particular.get(i, 0).clone()).collect();
    let coefficients = [q(-1, 1), q(-1, 2), q(0, 1), q(1, 2), q(1, 1)];
    for v in linalg::nullspace(&l) {
        let c = coefficients[rng.gen_range(0..coefficients.len())].clone();
        for (xi, vi) in x.iter_mut().zip(&v) {
            *xi += &c * vi;
        }
    }
    Ok(unvec(&x, m))
}

/// `Myy = c·I` with the integer `c = ⌊tr(Myx Mxx⁻¹ Mxy)⌋ + 1`: the trace of
/// a PSD matrix bounds its largest eigenvalue, so the Schur complement
/// `Myy − Myx Mxx⁻¹ Mxy ⪰ (c − tr)·I ≻ 0` and the joint matrix is PSD.
fn dominating_myy(myx: &RationalMatrix, mxx: &RationalMatrix) -> Result<RationalMatrix> {
    let mxx_inv = mxx.inverse().ok_or_else(|| {
        Error::Computation(format!("Mxx = {mxx} is singular, but it was built ≻ 0"))
    })?;
    let explained = myx.mul(&mxx_inv).mul(&myx.transpose());
    let c = explained.trace().floor() + q(1, 1);
    Ok(RationalMatrix::identity(mxx.nrows()).scale(&c))
}

/// Exact checks of what was built: `(A, B)` is a balanced equilibrium of
/// `instance` and `A` has rank `r` (returned).
fn check_constructed(
    instance: &Instance,
    a: &RationalMatrix,
    b: &RationalMatrix,
    r: usize,
) -> Result<usize> {
    let (name, n, m) = (instance.name(), a.nrows(), a.ncols());
    let check: ModelData<BigRational> = ModelData::from_instance(instance);
    let (p, qm) = check.student_field(a, b, a);
    if p != RationalMatrix::zeros(n, m) || qm != RationalMatrix::zeros(n, n) {
        return Err(Error::Computation(format!(
            "the constructed point of {name} is not an equilibrium: P = {p}, Q = {qm} (expected both 0)"
        )));
    }
    let bal = balance(a, b);
    if bal != RationalMatrix::zeros(n, n) {
        return Err(Error::Computation(format!(
            "the constructed point of {name} is not balanced: AAᵀ − BᵀB = {bal} (expected 0)"
        )));
    }
    let rank = linalg::rank(a);
    if rank != r {
        return Err(Error::Computation(format!(
            "the constructed A = {a} of {name} has rank {rank}, expected {r}"
        )));
    }
    Ok(rank)
}

#[cfg(test)]
pub(crate) mod tests {
    #[test]
    fn the_rational_builtin_is_this_construction() {
        let lambda = BigRational::new(1.into(), 10.into());
        let built = rational_equilibrium(3, 2, 2, &lambda, 1).expect("construction");
        let inst = crate::model::builtin("rational").expect("built-in");
        assert_eq!(built.instance.moments(), inst.moments());
        assert_eq!(built.instance.lambda(), inst.lambda());
        let (a, b) = crate::model::builtin_witness("rational").expect("witness");
        assert_eq!((built.a, built.b), (a, b));
    }

    use super::*;
    use crate::model::formula::Mat;

    /// Shapes with n > m, n = m, n < m, and ranks below min(n, m).
    pub(crate) const SHAPES: [(usize, usize, usize); 14] = [
        (1, 1, 1),
        (1, 1, 0),
        (2, 1, 1),
        (1, 2, 1),
        (2, 2, 2),
        (2, 2, 1),
        (3, 2, 2),
        (3, 2, 1),
        (2, 3, 2),
        (2, 3, 1),
        (3, 3, 3),
        (3, 3, 2),
        (4, 3, 3),
        (3, 4, 2),
    ];

    #[test]
    fn constructs_valid_instances_and_exact_equilibria() {
        let lambda = q(1, 10);
        for &(n, m, r) in &SHAPES {
            for seed in 0..6 {
                let eq = rational_equilibrium(n, m, r, &lambda, seed).unwrap();
                let inst = &eq.instance;
                assert_eq!(inst.name(), format!("rational-n{n}-m{m}-r{r}-seed{seed}"));
                assert_eq!((inst.n(), inst.m()), (n, m));
                assert_eq!(eq.rank, r);
                assert_eq!(linalg::rank(&eq.a), r);
                // Re-validate from scratch (the instance type cannot hold an
                // invalid instance, but check the conditions independently).
                let mo = inst.moments();
                assert!(mo.mxx.is_symmetric() && mo.mxx.positive_definite_failure().is_none());
                assert!(mo.myy.is_symmetric());
                assert!(inst.joint_moments().is_positive_semidefinite());
                let data: ModelData<BigRational> = ModelData::from_instance(inst);
                let (p, qm) = data.student_field(&eq.a, &eq.b, &eq.a);
                assert_eq!(p, Mat::zeros(n, m), "P ≠ 0 for {}", inst.name());
                assert_eq!(qm, Mat::zeros(n, n), "Q ≠ 0 for {}", inst.name());
                assert_eq!(balance(&eq.a, &eq.b), Mat::zeros(n, n));
                // range(B) ⊆ range(A) and range(Bᵀ) ⊆ range(A).
                for x in [&eq.b, &eq.b.transpose()] {
                    let joined = RationalMatrix::from_fn(n, m + n, |i, j| {
                        if j < m {
                            eq.a.get(i, j).clone()
                        } else {
                            x.get(i, j - m).clone()
                        }
                    });
                    assert_eq!(linalg::rank(&joined), r);
                }
            }
        }
    }

    #[test]
    fn full_column_rank_matches_the_closed_form() {
        // r = m ≤ n: Myx = A⁺(BAMxxAᵀ + λB)A⁺ᵀ with A⁺ = (AᵀA)⁻¹Aᵀ.
        let lambda = q(1, 5);
        for &(n, m) in &[(1, 1), (2, 2), (3, 2), (4, 3)] {
            let eq = rational_equilibrium(n, m, m, &lambda, 3).unwrap();
            let a = &eq.a;
            let pinv = a.transpose().mul(a).inverse().unwrap().mul(&a.transpose());
            let mo = eq.instance.moments();
            let inner =
                eq.b.mul(a)
                    .mul(&mo.mxx)
                    .mul(&a.transpose())
                    .add(&eq.b.scale(&lambda));
            assert_eq!(pinv.mul(&inner).mul(&pinv.transpose()), mo.myx);
        }
    }

    /// The solution set for `Myx` has dimension `m(m − r)` (the free blocks
    /// `M₂₁`, `M₂₂` of the module documentation): unique iff `r = m`.
    #[test]
    fn the_myx_system_has_the_predicted_freedom() {
        let lambda = q(1, 10);
        for &(n, m, r) in &SHAPES {
            let eq = rational_equilibrium(n, m, r, &lambda, 1).unwrap();
            let mxx = &eq.instance.moments().mxx;
            let (l, rhs) = myx_system(&eq.a, &eq.b, mxx, &lambda);
            assert_eq!(linalg::nullspace(&l).len(), m * (m - r), "({n},{m},{r})");
            assert!(linalg::solve(&l, &rhs).unwrap().is_some());
            // An unbalanced B makes the system inconsistent (for r ≥ 1).
            if r >= 1 {
                let (l, rhs) = myx_system(&eq.a, &eq.b.scale(&q(2, 1)), mxx, &lambda);
                assert!(linalg::solve(&l, &rhs).unwrap().is_none(), "({n},{m},{r})");
            }
        }
    }

    #[test]
    fn is_deterministic_and_seed_dependent() {
        let lambda = q(1, 10);
        let x = rational_equilibrium(3, 2, 2, &lambda, 7).unwrap();
        let y = rational_equilibrium(3, 2, 2, &lambda, 7).unwrap();
        let z = rational_equilibrium(3, 2, 2, &lambda, 8).unwrap();
        assert_eq!(x, y);
        assert_ne!(x.a, z.a);
    }

    #[test]
    fn orthogonal_factors_are_orthogonal() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for n in 0..6 {
            let u = rational_orthogonal(n, &mut rng).unwrap();
            assert_eq!(u.transpose().mul(&u), RationalMatrix::identity(n));
        }
    }

    #[test]
    fn rejects_bad_arguments_with_named_values() {
        let lambda = q(1, 10);
        for (args, name) in [
            ((0, 1, 0), "n = 0"),
            ((2, 0, 0), "m = 0"),
            ((2, 3, 3), "r = 3"),
            ((13, 1, 1), "n = 13"),
        ] {
            let e = rational_equilibrium(args.0, args.1, args.2, &lambda, 0)
                .unwrap_err()
                .to_string();
            assert!(e.contains(name) && e.contains("expected"), "{e}");
        }
        let e = rational_equilibrium(2, 2, 1, &q(-1, 2), 0)
            .unwrap_err()
            .to_string();
        assert!(e.contains("lambda = -1/2"), "{e}");
    }

    #[test]
    fn numbers_stay_small() {
        // Readable certificates: the denominators of A, B and the moments
        // stay modest for the shapes used in the tests.
        let eq = rational_equilibrium(3, 2, 2, &q(1, 10), 7).unwrap();
        let mo = eq.instance.moments();
        for mat in [&eq.a, &eq.b, &mo.mxx, &mo.myx, &mo.myy] {
            for x in mat.entries() {
                assert!(x.denom().bits() <= 40, "{x} in {mat}");
            }
        }
    }
}

//! The equilibrium strata of an instance, exactly (SPEC S-EQUATION,
//! RANK-STRATA, VARIETY).
//!
//! With λ > 0 an SG (or EMA, with C = A) equilibrium `(A, B)` of rank r has
//! `S = AᵀA` positive semidefinite of rank r with `S·G(S) = 0`,
//! `G(S) = (Mxx S + λI)(S Mxx + λI) − Mxy S Myx`, and `B = B(A)`; conversely
//! every such S with r ≤ n gives the equilibria `{(A, B(A)) : AᵀA = S}`, one
//! O(n)-orbit of dimension `nr − r(r+1)/2` (the identities behind both
//! directions are proved in [`crate::polynomial::proofs`]). So the
//! equilibrium set is known once the PSD solutions of each rank are.
//!
//! Stratum r is the zero-dimensional system, in the entries `s_i_j` of a
//! symmetric S and one more unknown z,
//! ```text
//! S·G(S) = 0,   all (r+1)×(r+1) minors of S = 0,   z · e_r(S) · det(S Mxx + λI) = 1,
//! ```
//! where `e_r(S)` is the sum of the principal r×r minors (at full rank
//! r = m the first equations are `G(S) = 0`, quadrics that with the last
//! one generate the same ideal, and the system without z's equation, the
//! S-equation, is solved first when it is zero-dimensional, see
//! [`super::zerodim::solve`]). Its complex
//! solutions are exactly the complex symmetric S of rank r with
//! `e_r(S) ≠ 0` and `det(S Mxx + λI) ≠ 0` that solve the generalized
//! S-equation; both factors are positive at every real PSD S of rank r, so
//! no equilibrium is lost, while complex families that cannot hold a real PSD
//! point are removed (for m = 3 the rank-one locus of `S·G(S) = 0` contains
//! the curve `{vvᵀ : vᵀMxx v = −λ, vᵀMxy v = 0}`, which makes the system
//! without the last equation positive-dimensional). Each system is solved
//! exactly by [`super::zerodim`]; its real solutions are the real roots of
//! the minimal polynomial, isolated exactly (Descartes bisection), and positive
//! semidefiniteness is decided exactly from the signs of the principal
//! minors there.

use std::cmp::Ordering;
use std::time::{Duration, Instant};

use nalgebra::DMatrix;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
use serde::Serialize;

use super::exact_dimension::{TangentSystem, factor_at, local_dimension_exact};
use super::families::{
    JointSpace, LocalDimension, critical_equations, generic_symmetric, joint_eigenspaces,
    local_dimension, orbit_invariants, same_invariants, symmetry_algebra,
};
use super::family_degree::{FamilyDegree, family_degree};
use super::family_orbit::{OrbitEquations, OrbitForm, orbit_form};
use super::quotient::{QtModP, QuotientRing};
use super::zerodim::{
    Completeness, CountEvidence, FiniteSolutions, Rur, SolveOptions, Solved, solve,
    vanishes_at_no_root, verify_by_substitution,
};
use crate::error::{Error, Result};
use crate::exact::qt::{Qt, QtElem};
use crate::exact::{RealRoot, UPoly, real_roots};
use crate::model::formula::{Mat, ModelData, Scalar, determinant, s_equation};
use crate::model::{Instance, RationalMatrix, orbit_dimension, subsets, to_f64};
use crate::polynomial::sparse::SparsePoly;

/// Largest data dimension m handled exactly (the systems grow quickly).
pub const MAX_STRATA_M: usize = 4;

/// Largest m whose strata 1 < r < m `characterize` attempts unasked. With
/// m = 4 the rank-1 stratum (8 solutions) takes seconds and the full-rank
/// one (124) about a minute, but those of rank 2 and 3 did not finish on a
/// random instance in 600 s, nor in msolve 0.6.0 (`-t 2`) in 300 s each.
pub const MAX_DEFICIENT_STRATA_M: usize = 3;

fn rows_of<T: Scalar>(m: &Mat<T>) -> Vec<Vec<T>> {
    (0..m.nrows())
        .map(|i| (0..m.ncols()).map(|j| m.get(i, j).clone()).collect())
        .collect()
}

type Op<'a, T> = &'a dyn Fn(&T, &T) -> T;

fn det_with<T: Clone>(
    m: &[Vec<T>],
    add: Op<'_, T>,
    sub: Op<'_, T>,
    mul: Op<'_, T>,
    zero: &T,
    one: &T,
) -> T {
    let n = m.len();
    match n {
        0 => one.clone(),
        1 => m[0][0].clone(),
        2 => sub(&mul(&m[0][0], &m[1][1]), &mul(&m[0][1], &m[1][0])),
        _ => {
            let mut acc = zero.clone();
            for j in 0..n {
                let minor: Vec<Vec<T>> = m[1..]
                    .iter()
                    .map(|row| {
                        row.iter()
                            .enumerate()
                            .filter(|(k, _)| *k != j)
                            .map(|(_, x)| x.clone())
                            .collect()
                    })
                    .collect();
                let term = mul(&m[0][j], &det_with(&minor, add, sub, mul, zero, one));
                acc = if j % 2 == 0 {
                    add(&acc, &term)
                } else {
                    sub(&acc, &term)
                };
            }
            acc
        }
    }
}

pub(super) fn sub_rows<T: Clone>(m: &[Vec<T>], rows: &[usize], cols: &[usize]) -> Vec<Vec<T>> {
    rows.iter()
        .map(|&i| cols.iter().map(|&j| m[i][j].clone()).collect())
        .collect()
}

/// The k×k minors of a symmetric matrix (row set ≤ column set, which covers
/// all of them up to symmetry).
fn symmetric_minor_sets(m: usize, k: usize) -> Vec<(Vec<usize>, Vec<usize>)> {
    let sets = subsets(m, k);
    let mut out = Vec::new();
    for (a, rows) in sets.iter().enumerate() {
        for cols in &sets[a..] {
            out.push((rows.clone(), cols.clone()));
        }
    }
    out
}

/// Names `s_i_j` (i ≤ j, 1-based) of the entries of a symmetric m×m matrix,
/// and the index of entry (i, j).
pub fn s_variables(m: usize) -> (Vec<String>, Vec<Vec<usize>>) {
    let mut names = Vec::new();
    let mut pairs = Vec::new();
    for i in 0..m {
        for j in i..m {
            pairs.push((i, j));
            names.push(format!("s_{}_{}", i + 1, j + 1));
        }
    }
    let mut idx = vec![vec![0; m]; m];
    for (k, &(i, j)) in pairs.iter().enumerate() {
        idx[i][j] = k;
        idx[j][i] = k;
    }
    (names, idx)
}

/// The polynomial system of stratum r (see the module docs), in the
/// variables `s_i_j` and `z`. `r` must satisfy `1 ≤ r ≤ m`.
pub fn stratum_system(inst: &Instance, r: usize) -> (Vec<String>, Vec<SparsePoly>) {
    let m = inst.m();
    let (mut names, idx) = s_variables(m);
    let nv = names.len() + 1;
    names.push("z".into());
    let md: ModelData<SparsePoly> = ModelData::from_instance(inst);
    let s = Mat::from_fn(m, m, |i, j| SparsePoly::var(nv, idx[i][j]));
    let g = s_equation(&md, &s);
    // At full rank, G(S) itself: with z·det(S)·det(S·Mxx + λI) = 1 it
    // generates the same ideal as S·G(S), since
    // G = z·det(S·Mxx + λI)·adj(S)·(S·G) − G·(z·det(S)·det(S·Mxx + λI) − 1),
    // and its equations are quadrics instead of cubics.
    let mut polys: Vec<SparsePoly> = if r == m {
        g.entries().to_vec()
    } else {
        s.mul(&g).entries().to_vec()
    };
    let rows = rows_of(&s);
    let add = |a: &SparsePoly, b: &SparsePoly| a.add(b);
    let sub = |a: &SparsePoly, b: &SparsePoly| a.sub(b);
    let mul = |a: &SparsePoly, b: &SparsePoly| a.mul(b);
    let zero = SparsePoly::zero(nv);
    let one = SparsePoly::constant(nv, BigRational::one());
    if r < m {
        for (ri, ci) in symmetric_minor_sets(m, r + 1) {
            polys.push(det_with(
                &sub_rows(&rows, &ri, &ci),
                &add,
                &sub,
                &mul,
                &zero,
                &one,
            ));
        }
    }
    let er = subsets(m, r)
        .iter()
        .map(|set| det_with(&sub_rows(&rows, set, set), &add, &sub, &mul, &zero, &one))
        .fold(zero.clone(), |a, b| a.add(&b));
    let mut t = s.mul(&md.mxx);
    for i in 0..m {
        let v = t.get(i, i).clone() + md.lambda.clone();
        t.set(i, i, v);
    }
    let z = SparsePoly::var(nv, nv - 1);
    polys.push(z.mul(&er).mul(&determinant(&t)).sub(&one));
    // Drop zero polynomials and duplicates.
    let mut out: Vec<SparsePoly> = Vec::new();
    for p in polys {
        if !p.is_zero() && !out.contains(&p) {
            out.push(p);
        }
    }
    (names, out)
}

/// The orbit invariants as polynomials in `nv` variables (the S variables
/// first): the coefficients `e_k` (k = 1..m) of the characteristic
/// polynomials of S, S + Mxx and S + (Myx + Myxᵀ)/2, which are constant on
/// every orbit of the data's symmetry group (the polynomial form of
/// [`super::families::orbit_invariants`]).
pub(crate) fn invariant_polys(inst: &Instance, nv: usize) -> Vec<SparsePoly> {
    let m = inst.m();
    let (_, idx) = s_variables(m);
    let md: ModelData<SparsePoly> = ModelData::from_instance(inst);
    let s = Mat::from_fn(m, m, |i, j| SparsePoly::var(nv, idx[i][j]));
    let half = BigRational::new(BigInt::one(), BigInt::from(2));
    let sym = md
        .myx
        .add(&md.myx.transpose())
        .scale(&SparsePoly::constant(nv, half));
    let add = |a: &SparsePoly, b: &SparsePoly| a.add(b);
    let sub = |a: &SparsePoly, b: &SparsePoly| a.sub(b);
    let mul = |a: &SparsePoly, b: &SparsePoly| a.mul(b);
    let zero = SparsePoly::zero(nv);
    let one = SparsePoly::constant(nv, BigRational::one());
    let mut out = Vec::new();
    for shift in [None, Some(&md.mxx), Some(&sym)] {
        let t = match shift {
            None => s.clone(),
            Some(x) => s.add(x),
        };
        let rows = rows_of(&t);
        for k in 1..=m {
            out.push(
                subsets(m, k)
                    .iter()
                    .map(|set| det_with(&sub_rows(&rows, set, set), &add, &sub, &mul, &zero, &one))
                    .fold(zero.clone(), |a, b| a.add(&b)),
            );
        }
    }
    out
}

/// The defining equations of the family through the solution of a root t₀
/// of `rur.chi` beyond the stratum's: the orbit invariants of
/// [`invariant_polys`] at that solution, exactly, as
/// `e_k(S + M) = q(t₀)/χ'(t₀)^k` with `q = e_k(H + χ'·M)` in `Q[t]/χ`
/// (`S = H/χ'`), for M = 0, Mxx and (Myx + Myxᵀ)/2.
///
/// With `own`, the irreducible factor φ of χ that vanishes at t₀, each value
/// is written in the number field Q(t₀) = Q[t]/φ instead: `e_k(S + M) =
/// r(t₀)` with `r ≡ q·(χ'^k)⁻¹ (mod φ)` of degree below deg φ (χ' is
/// invertible modulo φ because χ is squarefree), a rational number when
/// r is constant (always when φ is linear); when some r is not, a last line
/// states φ, t₀'s isolating interval and its value to 20 digits. On
/// `commuting` this replaces numerators of degree 15 over χ of degree 16 by
/// values over factors of degree 2 to 8.
pub(crate) fn invariant_equations(
    inst: &Instance,
    rur: &Rur,
    own: Option<(&UPoly, &crate::exact::roots::RealRoot)>,
) -> Result<Vec<String>> {
    let m = inst.m();
    let sub = Substituted::new(rur, m)?;
    let md: ModelData<BigRational> = ModelData::from_instance(inst);
    let half = BigRational::new(BigInt::one(), BigInt::from(2));
    let sym = md.myx.add(&md.myx.transpose()).scale(&half);
    let ring = &sub.ring;
    // Over the own factor φ: (χ' mod φ)⁻¹, once.
    let field = match own {
        Some((phi, _)) => {
            let inv = rur.chi.derivative().inverse_mod(phi).ok_or_else(|| {
                Error::Computation("χ' is not invertible modulo the factor at t₀".into())
            })?;
            Some((phi.clone(), inv))
        }
        None => None,
    };
    let mut out = Vec::new();
    let mut uses_t0 = false;
    for (name, shift) in [
        ("S", None),
        ("S + Mxx", Some(&md.mxx)),
        ("S + (Myx + Myxᵀ)/2", Some(&sym)),
    ] {
        let t: Vec<Vec<QtElem>> = (0..m)
            .map(|i| {
                (0..m)
                    .map(|j| match shift {
                        None => sub.h[i][j].clone(),
                        Some(x) => ring.add(&sub.h[i][j], &ring.scale(&sub.dchi, x.get(i, j))),
                    })
                    .collect()
            })
            .collect();
        for k in 1..=m {
            let q = subsets(m, k)
                .iter()
                .map(|set| sub.det(&sub_rows(&t, set, set)))
                .fold(ring.zero(), |a, b| ring.add(&a, &b));
            let value = match &field {
                Some((phi, dchi_inv)) => {
                    let r = value_in_field(&q.to_upoly(), k as u32, dchi_inv, phi)?;
                    uses_t0 |= r.degree().is_some_and(|d| d > 0);
                    r.to_string_in("t₀")
                }
                None => format!("({})/χ'(t₀)^{k}", q.to_upoly().to_string_in("t₀")),
            };
            out.push(format!("e_{k}({name}) = {value}"));
        }
    }
    if let Some((phi, root)) = own.filter(|_| uses_t0) {
        out.push(field_line(phi, root));
    }
    Ok(out)
}

/// `x mod φ`.
pub(super) fn modulo(x: &UPoly, phi: &UPoly) -> Result<UPoly> {
    x.div_rem(phi)
        .map(|(_, r)| r)
        .ok_or_else(|| Error::Computation("a zero factor of the minimal polynomial".into()))
}

/// The value in `Q(t₀) = Q[t]/φ` of a quantity `q(t₀)/χ'(t₀)^k` (q
/// homogeneous of degree k in the numerators H, `S = H/χ'`), given
/// `(χ')⁻¹ mod φ`: `q·(χ'^k)⁻¹ mod φ`, of degree below deg φ.
pub(super) fn value_in_field(q: &UPoly, k: u32, dchi_inv: &UPoly, phi: &UPoly) -> Result<UPoly> {
    let scale = modulo(&dchi_inv.pow(k), phi)?;
    modulo(&modulo(q, phi)?.mul(&scale), phi)
}

/// The line that names t₀ when some value over `Q(t₀)` is not rational.
pub(super) fn field_line(phi: &UPoly, root: &RealRoot) -> String {
    format!(
        "where t₀ ≈ {} is the root of {} in [{}, {}]",
        root.decimal(20),
        phi.to_string_in("t"),
        root.lo(),
        root.hi()
    )
}

/// The matrix `H` of numerators (S = H/χ'), in `Q[t]/χ` or in its image
/// modulo a prime (see [`super::quotient`]).
pub(super) struct Substituted<R: QuotientRing = Qt> {
    pub(super) ring: R,
    pub(super) h: Vec<Vec<R::E>>,
    dchi: R::E,
}

impl Substituted<Qt> {
    fn new(rur: &Rur, m: usize) -> Result<Self> {
        let ring = Qt::new(&rur.chi)
            .ok_or_else(|| Error::Computation("a constant minimal polynomial".into()))?;
        Self::in_ring(ring, rur, m)
    }
}

impl Substituted<QtModP> {
    /// The same modulo the prime p, or `None` when p divides a denominator
    /// of χ, of a numerator or of the data (then some image would not be
    /// the residue of the exact value).
    fn modular(rur: &Rur, m: usize, md: &ModelData<BigRational>, p: u64) -> Option<Self> {
        let ring = QtModP::new(&rur.chi, p)?;
        let data_ok = [&md.mxx, &md.myx, &md.myy]
            .iter()
            .all(|x| (0..m).all(|i| (0..m).all(|j| ring.admits(x.get(i, j)))))
            && ring.admits(&md.lambda);
        let rur_ok = rur.numerators.iter().all(|q| ring.admits_poly(q));
        (data_ok && rur_ok)
            .then(|| Self::in_ring(ring, rur, m).ok())
            .flatten()
    }
}

impl<R: QuotientRing> Substituted<R> {
    pub(super) fn in_ring(ring: R, rur: &Rur, m: usize) -> Result<Self> {
        let (_, idx) = s_variables(m);
        let elems: Vec<R::E> = rur.numerators.iter().map(|p| ring.elem(p)).collect();
        if elems.len() < m * (m + 1) / 2 {
            return Err(Error::Computation(format!(
                "{} numerators for the {} entries of S",
                elems.len(),
                m * (m + 1) / 2
            )));
        }
        let h = (0..m)
            .map(|i| (0..m).map(|j| elems[idx[i][j]].clone()).collect())
            .collect();
        let dchi = ring.elem(&rur.chi_derivative());
        Ok(Self { ring, h, dchi })
    }

    pub(super) fn det(&self, m: &[Vec<R::E>]) -> R::E {
        let r = &self.ring;
        det_with(
            m,
            &|a, b| r.add(a, b),
            &|a, b| r.sub(a, b),
            &|a, b| r.mul(a, b),
            &r.zero(),
            &r.one(),
        )
    }

    fn matmul(&self, a: &[Vec<R::E>], b: &[Vec<R::E>]) -> Vec<Vec<R::E>> {
        let r = &self.ring;
        (0..a.len())
            .map(|i| {
                (0..b[0].len())
                    .map(|j| {
                        let pairs: Vec<(&R::E, &R::E)> =
                            (0..b.len()).map(|k| (&a[i][k], &b[k][j])).collect();
                        r.dot(&pairs)
                    })
                    .collect()
            })
            .collect()
    }

    /// `c·X` for a rational matrix `c` on the left (`left`) or right.
    pub(super) fn scalar_mul(
        &self,
        c: &Mat<BigRational>,
        x: &[Vec<R::E>],
        left: bool,
    ) -> Vec<Vec<R::E>> {
        let r = &self.ring;
        let m = x.len();
        (0..m)
            .map(|i| {
                (0..m)
                    .map(|j| {
                        (0..m).fold(r.zero(), |acc, k| {
                            let t = if left {
                                r.scale(&x[k][j], c.get(i, k))
                            } else {
                                r.scale(&x[i][k], c.get(k, j))
                            };
                            r.add(&acc, &t)
                        })
                    })
                    .collect()
            })
            .collect()
    }

    /// `H·Mxx + λχ'·I` (or `Mxx·H + λχ'·I`).
    fn shifted(&self, md: &ModelData<BigRational>, left: bool) -> Vec<Vec<R::E>> {
        let mut x = self.scalar_mul(&md.mxx, &self.h, left);
        let ld = self.ring.scale(&self.dchi, &md.lambda);
        for (i, row) in x.iter_mut().enumerate() {
            row[i] = self.ring.add(&row[i], &ld);
        }
        x
    }
}

/// Verifies a representation of stratum r's solutions exactly: every
/// equation of [`stratum_system`] in S, written with `S = H/χ'` and
/// denominators cleared, vanishes in `Q[t]/χ`, and z's equation can be
/// solved at every root (`e_r(S)·det(S·Mxx + λI)` vanishes at none, proved
/// modulo a prime: [`vanishes_at_no_root`]).
fn verify_stratum(inst: &Instance, r: usize, rur: &Rur) -> Result<bool> {
    let m = inst.m();
    let md: ModelData<BigRational> = ModelData::from_instance(inst);
    let sub = Substituted::new(rur, m)?;
    let ring = &sub.ring;
    // χ'³ S G(S) = H [(Mxx H + λχ')(H Mxx + λχ') − χ' Mxy H Myx].
    let x = sub.shifted(&md, true);
    let y = sub.shifted(&md, false);
    let xy = sub.matmul(&x, &y);
    let mhm = sub.scalar_mul(&md.myx, &sub.scalar_mul(&md.mxy(), &sub.h, true), false);
    let g: Vec<Vec<QtElem>> = (0..m)
        .map(|i| {
            (0..m)
                .map(|j| ring.sub(&xy[i][j], &ring.mul(&sub.dchi, &mhm[i][j])))
                .collect()
        })
        .collect();
    // At full rank the system has G(S) itself (χ'²·G), otherwise S·G(S).
    let vanishing = if r == m { g } else { sub.matmul(&sub.h, &g) };
    if vanishing.iter().flatten().any(|e| !e.is_zero()) {
        return Ok(false);
    }
    if r < m {
        for (ri, ci) in symmetric_minor_sets(m, r + 1) {
            if !sub.det(&sub_rows(&sub.h, &ri, &ci)).is_zero() {
                return Ok(false);
            }
        }
    }
    // z·e_r(S)·det(S·Mxx + λI) = 1: z is left out of the representation
    // (a saturation variable, z = 1/(e_r·det)); its equation holds at every
    // root iff e_r(S)·det(S·Mxx + λI) vanishes at none.
    match rur.saturation.as_slice() {
        [z] => Ok(vanishes_at_no_root(rur, &z.factor)),
        _ => Err(Error::Computation(
            "the representation of a stratum should leave out z alone".into(),
        )),
    }
}

/// One real solution S of a stratum.
#[derive(Clone, Debug, Serialize)]
pub struct RealSolution {
    /// Rank of S.
    pub rank: usize,
    /// Whether S is positive semidefinite (decided exactly): only then is it
    /// an equilibrium.
    pub psd: bool,
    /// The entries of S as decimals (rows), each within `s_error` of the
    /// exact value (`"S"` in JSON).
    #[serde(rename = "S")]
    pub s: Vec<Vec<f64>>,
    /// A bound on the error of every decimal entry (from exact interval
    /// evaluation on the isolating interval).
    pub s_error: f64,
    /// The entries with `digits` significant digits (strings, rows).
    pub s_digits: Vec<Vec<String>>,
    /// `tr S`.
    pub trace: f64,
    /// Eigenvalues of S (decimals).
    pub eigenvalues: Vec<f64>,
    /// The root `t = ℓ(S)` of the minimal polynomial: its isolating interval.
    pub t_interval: (String, String),
    /// Orbit dimension `nr − r(r+1)/2` of the equilibria over S (`None` when
    /// r > n: S is not AᵀA for any n×m matrix A).
    pub orbit_dimension: Option<usize>,
    /// S exactly, when it is rational (rows of `p/q` strings).
    pub s_exact: Option<Vec<Vec<String>>>,
    /// S exactly, when rational (for certificates).
    #[serde(skip)]
    pub s_rational: Option<RationalMatrix>,
    /// The root t₀ of χ giving this solution (`None` for the origin).
    #[serde(skip)]
    pub root: Option<RealRoot>,
    /// Dimension of the family of solutions through S: 0 for an isolated
    /// solution, `None` when the bounds of `local_dimension` disagree.
    pub family_dimension: Option<usize>,
    /// The bounds behind `family_dimension` on a positive-dimensional
    /// stratum (level numeric; `None` on a zero-dimensional one, where every
    /// solution is isolated exactly).
    pub local_dimension: Option<LocalDimension>,
    /// Solutions with the same index lie on the same family (same orbit
    /// invariants, see [`super::families::orbit_invariants`]); `None` for
    /// an isolated solution.
    pub family: Option<usize>,
    /// On the first solution of each family: a modular bound on the
    /// family's degree from a generic linear section of its defining
    /// equations (see [`super::family_degree`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_degree: Option<FamilyDegree>,
    /// On the first solution of each family: its defining equations beyond
    /// the stratum's, exactly over `Q(t₀)` (see `invariant_equations` in this module).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub defining_equations: Vec<String>,
    /// On the first solution of each family, when the data commute and S
    /// does: equations that cut out exactly the family's real points (see
    /// [`super::family_orbit`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orbit_equations: Option<OrbitEquations>,
    /// On the first solution of each family without `orbit_equations`: why
    /// the defining equations are only known to vanish on the family.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orbit_equations_not_proved: Option<String>,
}

/// One stratum of an instance.
#[derive(Clone, Debug, Serialize)]
pub struct Stratum {
    /// The rank r.
    pub rank: usize,
    /// Orbit dimension `nr − r(r+1)/2` (r ≤ n).
    pub orbit_dimension: usize,
    /// Number of complex solutions of the stratum system (`None` when not
    /// determined: budget, positive dimension, multiplicities).
    pub complex_solutions: Option<usize>,
    /// The Bézout bound `2^{m(m+1)/2}` of the S-equation (full rank only).
    pub bezout_bound: Option<u64>,
    /// Why the count is certain.
    pub count_evidence: Option<CountEvidence>,
    /// Real solutions (PSD or not).
    pub real_solutions: Vec<RealSolution>,
    /// Whether the stratum system was solved, and if not, why.
    pub status: StratumStatus,
    /// How the solutions are represented and checked, or why not.
    pub method: String,
    /// Whether the stratum is fully characterized exactly: its solutions are
    /// exact and proved to be all of them (`completeness` is
    /// [`Completeness::Certified`]).
    pub exact: bool,
    /// How completely the solutions are known: `certified` (exact count over
    /// Q, squarefree χ of that degree, every root verified, separating form
    /// verified), `modular` (exact solutions, count modulo two primes) or
    /// `unresolved`.
    pub completeness: Completeness,
    /// The minimal polynomial χ of the separating form (Symbolica syntax, in
    /// `t`), when solved; may be long.
    pub minimal_polynomial: Option<String>,
    /// The separating form `t = Σ cᵢ s_i_j`.
    pub separating_form: Option<String>,
    /// Numerators `h_i_j` of `s_i_j = h_i_j(t)/χ'(t)` (Symbolica syntax).
    pub numerators: Option<Vec<(String, String)>>,
    /// Primes combined in the modular reconstruction.
    pub primes_used: usize,
    /// Largest number of digits of a coefficient of the representation.
    pub coefficient_digits: usize,
    /// Wall time in seconds.
    pub seconds: f64,
    /// The verified representation (kept for exact comparisons).
    #[serde(skip)]
    pub rur: Option<Rur>,
}

/// Whether a stratum system was solved (its solution set is finite and
/// represented exactly), and if not, why.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum StratumStatus {
    /// Finitely many solutions (possibly none), all represented exactly.
    Solved,
    /// A positive-dimensional solution set (over Z/p): not isolated.
    PositiveDimensional {
        /// Its dimension.
        dimension: usize,
    },
    /// A positive-dimensional solution set, decomposed through the data's
    /// symmetry (see [`super::families`]): every isolated solution, and at
    /// least one exact point on every compact connected component of the
    /// real part, are among `real_solutions`, each with its family.
    Decomposed {
        /// The dimension of the solution set (over Z/p).
        dimension: usize,
        /// Dimension of the data's symmetry algebra.
        symmetry: usize,
        /// Real solutions found that are isolated.
        isolated: usize,
        /// Distinct families (positive dimension) met by real solutions.
        families: usize,
        /// Real solutions whose family dimension was not decided.
        undecided: usize,
        /// Whether every real solution's local dimension is proved (ranks
        /// modulo a prime at the exact point, see
        /// [`super::exact_dimension`]) rather than read off singular values.
        dimensions_proved: bool,
    },
    /// Finitely many solutions, some repeated: not separated.
    Repeated {
        /// Number of solutions with multiplicity.
        count: usize,
        /// A lower bound on the number of distinct solutions.
        distinct_at_least: usize,
    },
    /// The solver gave up (time budget, reconstruction did not stabilize).
    Inconclusive {
        /// Why.
        why: String,
    },
}

impl Stratum {
    /// Whether every component of the stratum is known: solved with a
    /// complete count, or decomposed with every family dimension decided.
    pub fn is_resolved(&self) -> bool {
        match self.status {
            StratumStatus::Solved => {
                self.complex_solutions.is_some() && self.completeness != Completeness::Unresolved
            }
            StratumStatus::Decomposed { undecided, .. } => {
                undecided == 0 && self.completeness != Completeness::Unresolved
            }
            _ => false,
        }
    }

    /// The positive semidefinite real solutions: the equilibria.
    pub fn equilibria(&self) -> impl Iterator<Item = &RealSolution> {
        self.real_solutions.iter().filter(|s| s.psd)
    }
}

/// Options of [`stratum`].
#[derive(Clone, Debug)]
pub struct StrataOptions {
    /// Solver options.
    pub solve: SolveOptions,
    /// Significant digits of the printed entries of S.
    pub digits: usize,
}

impl Default for StrataOptions {
    fn default() -> Self {
        Self {
            solve: SolveOptions::default(),
            digits: 12,
        }
    }
}

/// The origin: stratum 0.
pub fn stratum_zero(inst: &Instance) -> Stratum {
    let m = inst.m();
    let zeros = vec![vec![0.0; m]; m];
    Stratum {
        rank: 0,
        orbit_dimension: 0,
        complex_solutions: Some(1),
        bezout_bound: None,
        count_evidence: None,
        real_solutions: vec![RealSolution {
            rank: 0,
            psd: true,
            s: zeros.clone(),
            s_error: 0.0,
            s_digits: vec![vec!["0".into(); m]; m],
            trace: 0.0,
            eigenvalues: vec![0.0; m],
            t_interval: ("0".into(), "0".into()),
            orbit_dimension: Some(0),
            s_exact: Some(vec![vec!["0".into(); m]; m]),
            s_rational: Some(RationalMatrix::zeros(m, m)),
            root: None,
            family_dimension: Some(0),
            local_dimension: None,
            family: None,
            family_degree: None,
            defining_equations: Vec::new(),
            orbit_equations: None,
            orbit_equations_not_proved: None,
        }],
        status: StratumStatus::Solved,
        method: "S = 0 (A = 0, B = 0) solves every equation; exact".into(),
        exact: true,
        completeness: Completeness::Certified,
        minimal_polynomial: None,
        separating_form: None,
        numerators: None,
        primes_used: 0,
        coefficient_digits: 0,
        seconds: 0.0,
        rur: None,
    }
}

/// Characterizes stratum `r` (1 ≤ r ≤ min(n, m)) of `inst` exactly.
pub fn stratum(inst: &Instance, r: usize, opts: &StrataOptions) -> Result<Stratum> {
    check_stratum(inst, r)?;
    let started = Instant::now();
    let (names, polys) = stratum_system(inst, r);
    let mut sopts = opts.solve.clone();
    sopts.form_variables = (0..names.len() - 1).collect();
    let problem = StratumProblem {
        inst,
        r,
        names,
        polys,
        sopts,
        digits: opts.digits,
    };
    // At full rank the equations are the quadrics G(S) and z's: checked over
    // Z with exact division by χ, which at m = 4 (χ of degree 124) takes
    // seconds where the structured check in Q[t]/χ took many minutes.
    let verifier = |rur: &Rur| {
        if r == inst.m() {
            verify_by_substitution(&problem.polys, rur)
        } else {
            verify_stratum(inst, r, rur)
        }
    };
    // At full rank the system without z's equation is the S-equation,
    // zero-dimensional for generic data: solved first, and z's factor shown
    // to vanish at none of its roots (see `solve`).
    let main_opts = SolveOptions {
        saturate_last: r == inst.m(),
        ..problem.sopts.clone()
    };
    let solved = solve(&problem.polys, &problem.names, &main_opts, Some(&verifier))?;
    let mut st = unsolved_stratum(inst, r);
    match solved {
        Solved::Empty { evidence } => {
            st.status = StratumStatus::Solved;
            st.complex_solutions = Some(0);
            st.method = format!("no complex solution ({})", evidence.describe());
            st.completeness = Completeness::of(&evidence, true);
            st.exact = st.completeness == Completeness::Certified;
            st.count_evidence = Some(evidence);
        }
        Solved::PositiveDimensional { dimension } => {
            st.status = StratumStatus::PositiveDimensional { dimension };
            st.method = format!(
                "the stratum system has a complex solution set of dimension {dimension} (over Z/p): not isolated; no exact characterization"
            );
            decompose(&problem, dimension, &mut st)?;
        }
        Solved::NotRadical {
            count,
            distinct_at_least,
        } => {
            st.status = StratumStatus::Repeated {
                count,
                distinct_at_least,
            };
            st.method = format!(
                "{count} complex solutions with multiplicity, at least {distinct_at_least} distinct: repeated solutions (non-generic data); no exact characterization"
            );
        }
        Solved::Inconclusive(why) => {
            st.method = format!("inconclusive: {why}");
            st.status = StratumStatus::Inconclusive { why };
        }
        Solved::Finite(f) => {
            st.status = StratumStatus::Solved;
            st.complex_solutions = Some(f.count);
            fill_finite(inst, r, f, opts.digits, &mut st)?;
        }
    }
    st.seconds = started.elapsed().as_secs_f64();
    Ok(st)
}

/// Whether [`stratum`] accepts `inst` and `r`: m ≤ [`MAX_STRATA_M`],
/// 1 ≤ r ≤ min(n, m), λ > 0.
fn check_stratum(inst: &Instance, r: usize) -> Result<()> {
    let (n, m) = (inst.n(), inst.m());
    if m > MAX_STRATA_M {
        return Err(Error::param(
            "m",
            m,
            &format!("m ≤ {MAX_STRATA_M} for the exact strata (the systems grow too fast beyond)"),
        ));
    }
    if r == 0 || r > n.min(m) {
        return Err(Error::param(
            "rank",
            r,
            &format!("a rank 1 ≤ r ≤ min(n, m) = {}", n.min(m)),
        ));
    }
    if inst.lambda().is_zero() {
        return Err(Error::param(
            "lambda",
            inst.lambda(),
            "λ > 0 for the strata (with λ = 0 the balance AAᵀ − BᵀB is only conserved and equilibria need not satisfy the S-equation)",
        ));
    }
    Ok(())
}

/// The stratum of rank `r` before its system is solved: nothing known but
/// the orbit dimension and (for r = m) the Bézout bound.
fn unsolved_stratum(inst: &Instance, r: usize) -> Stratum {
    let (n, m) = (inst.n(), inst.m());
    Stratum {
        rank: r,
        orbit_dimension: orbit_dimension(n, r),
        complex_solutions: None,
        bezout_bound: (r == m).then(|| 1u64 << (m * (m + 1) / 2).min(63)),
        count_evidence: None,
        real_solutions: Vec::new(),
        status: StratumStatus::Inconclusive {
            why: "not solved".into(),
        },
        method: String::new(),
        exact: false,
        completeness: Completeness::Unresolved,
        minimal_polynomial: None,
        separating_form: None,
        numerators: None,
        primes_used: 0,
        coefficient_digits: 0,
        seconds: 0.0,
        rur: None,
    }
}

/// The system of one stratum with its solver settings: what the steps of
/// [`decompose`] share.
struct StratumProblem<'a> {
    inst: &'a Instance,
    /// The rank.
    r: usize,
    /// The unknowns (the entries of S, then the separating variable).
    names: Vec<String>,
    /// The stratum's equations.
    polys: Vec<SparsePoly>,
    sopts: SolveOptions,
    /// Significant digits of the printed entries of S.
    digits: usize,
}

/// Fills `st` with the real solutions and the representation of `f`.
fn fill_finite(
    inst: &Instance,
    r: usize,
    f: FiniteSolutions,
    digits: usize,
    st: &mut Stratum,
) -> Result<()> {
    let m = inst.m();
    {
        {
            st.primes_used = f.primes_used;
            st.coefficient_digits = f.coefficient_digits;
            st.real_solutions = real_solutions(inst, r, &f.rur, digits)?;
            let (s_names, _) = s_variables(m);
            st.separating_form = Some(
                f.rur
                    .form
                    .iter()
                    .zip(&s_names)
                    .filter(|(c, _)| **c != 0)
                    .map(|(c, v)| format!("{c}*{v}"))
                    .collect::<Vec<_>>()
                    .join(" + ")
                    .replace("+ -", "- "),
            );
            st.minimal_polynomial = Some(f.rur.chi.to_string_in("t"));
            st.numerators = Some(
                s_names
                    .iter()
                    .zip(&f.rur.numerators)
                    .map(|(v, h)| (v.clone(), h.to_string_in("t")))
                    .collect(),
            );
            st.completeness = f.completeness();
            st.exact = st.completeness == Completeness::Certified;
            st.method = format!(
                "rational univariate representation s = h(t)/χ'(t), χ of degree {} (coefficients up to {} digits), reconstructed from {} primes and verified exactly over Q (χ squarefree, every equation in S ≡ 0 mod χ, z = 1/(e_r(S)·det(S·Mxx + λI)) defined at every root, {}); real roots isolated exactly (bisection with Descartes' rule of signs); PSD decided exactly; count: {}; {}",
                f.count,
                f.coefficient_digits,
                f.primes_used,
                if f.separating {
                    "the form gives back t: Σcᵢhᵢ ≡ t·χ' mod χ, so the roots are distinct solutions"
                } else {
                    "separation not checked"
                },
                f.count_evidence.describe(),
                st.completeness.describe()
            );
            st.count_evidence = Some(f.count_evidence);
            st.rur = Some(f.rur);
        }
    }
    Ok(())
}

/// A positive-dimensional stratum: solves the stratum system augmented by
/// the critical-point equations of a generic distance along the data's
/// symmetry orbits (see [`super::families`]), then classifies every real
/// solution by its local dimension and groups them into families.
fn decompose(p: &StratumProblem, dimension: usize, st: &mut Stratum) -> Result<()> {
    let basis = symmetry_algebra(p.inst);
    if basis.is_empty() {
        st.method.push_str(
            "; the data has no continuous symmetry, so its families cannot be cut down to points by the critical-point method: components unknown",
        );
        return Ok(());
    }
    if !critical_points(p, &basis, dimension, st)? {
        return Ok(());
    }
    classify_families(p, &basis, dimension, st)
}

/// Solves the stratum system augmented by the critical-point equations
/// `⟨[S, U], K⟩ = 0` (K in the symmetry algebra `basis`) and records the
/// outcome in `st`; `false` when that system is not resolved (the
/// components stay unknown).
fn critical_points(
    p: &StratumProblem,
    basis: &[RationalMatrix],
    dimension: usize,
    st: &mut Stratum,
) -> Result<bool> {
    let (inst, r) = (p.inst, p.r);
    let m = inst.m();
    let u = generic_symmetric(m, 1);
    let mut augmented = p.polys.to_vec();
    augmented.extend(critical_equations(m, p.names.len(), basis, &u));
    let verifier = |rur: &Rur| verify_stratum(inst, r, rur);
    let lead = format!(
        "solution set of dimension {dimension} (over Z/p); the data's symmetry algebra has dimension {}: added the {} equations ⟨[S, U], K⟩ = 0 (S critical for the distance to a generic U along its symmetry orbit), which keep every isolated solution and meet every compact connected component of the real part",
        basis.len(),
        basis.len()
    );
    match solve(&augmented, &p.names, &p.sopts, Some(&verifier))? {
        Solved::Finite(f) => {
            fill_finite(inst, r, f, p.digits, st)?;
            st.method = format!("{lead}; critical points: {}", st.method);
        }
        Solved::Empty { evidence } => {
            st.completeness = Completeness::of(&evidence, true);
            st.method = format!(
                "{lead}; the critical-point system has no complex solution ({}): no isolated solution and no compact real family",
                evidence.describe()
            );
            st.count_evidence = Some(evidence);
        }
        other => {
            st.method = format!(
                "{lead}; the critical-point system was not resolved ({}): components unknown",
                match other {
                    Solved::PositiveDimensional { dimension } => format!(
                        "still of dimension {dimension}: a family larger than the symmetry orbits"
                    ),
                    Solved::NotRadical { count, .. } =>
                        format!("{count} solutions with multiplicity"),
                    Solved::Inconclusive(why) => why,
                    _ => String::new(),
                }
            );
            return Ok(false);
        }
    }
    Ok(true)
}

/// Classifies every real critical point of `st` by its local dimension
/// (proved where the ranks modulo a prime decide it, else read off singular
/// values) and groups the points of positive dimension into families by
/// their orbit invariants.
fn classify_families(
    p: &StratumProblem,
    basis: &[RationalMatrix],
    dimension: usize,
    st: &mut Stratum,
) -> Result<()> {
    let m = p.inst.m();
    let nvars = p.names.len();
    let system = TangentSystem::new(&p.polys, nvars);
    let factors = match &st.rur {
        Some(rur) => chi_factors(&rur.chi)?,
        None => Vec::new(),
    };
    // Once per stratum: they factor on Symbolica's thread.
    let spaces = joint_eigenspaces(p.inst);
    let mut groups: Vec<Vec<f64>> = Vec::new();
    let (mut isolated, mut undecided, mut proved) = (0, 0, 0);
    let rur = st.rur.as_ref();
    for sol in &mut st.real_solutions {
        let s = DMatrix::from_fn(m, m, |i, j| sol.s[i][j]);
        let exact = match (rur, &sol.root) {
            (Some(rur), Some(root)) => factor_at(&factors, root)
                .and_then(|phi| local_dimension_exact(&system, rur, &phi, basis, m)),
            _ => None,
        };
        let local = choose_local_dimension(exact, || local_dimension(&p.polys, nvars, &s, basis));
        if local.is_some_and(|l| l.is_exact() && l.family().is_some()) {
            proved += 1;
        }
        sol.local_dimension = local;
        sol.family_dimension = local.and_then(|l| l.family());
        match sol.family_dimension {
            Some(0) => isolated += 1,
            None => undecided += 1,
            Some(_) => {
                let inv = orbit_invariants(p.inst, spaces.as_deref().unwrap_or_default(), &s);
                let k = match groups.iter().position(|g| same_invariants(g, &inv)) {
                    Some(k) => k,
                    None => {
                        groups.push(inv);
                        describe_family(p, spaces.as_deref(), sol, rur, &factors)?;
                        groups.len() - 1
                    }
                };
                sol.family = Some(k);
            }
        }
    }
    st.status = StratumStatus::Decomposed {
        dimension,
        symmetry: basis.len(),
        isolated,
        families: groups.len(),
        undecided,
        dimensions_proved: proved == st.real_solutions.len(),
    };
    st.exact = false;
    Ok(())
}

/// At the first point `sol` of a new family: the family's degree and its
/// defining equations beyond the stratum's. Where the data commute and S
/// does, with a proved dimension, the block form of
/// [`super::family_orbit`] gives equations that cut out exactly the
/// family's real points and its degree exactly; the modular section count
/// is then a check that can refute it (the degree never exceeds it).
fn describe_family(
    p: &StratumProblem,
    spaces: Option<&[JointSpace]>,
    sol: &mut RealSolution,
    rur: Option<&Rur>,
    factors: &[UPoly],
) -> Result<()> {
    // The irreducible factor of χ at the point, once for every use.
    let phi = sol.root.as_ref().and_then(|root| factor_at(factors, root));
    let bound = match (rur, &sol.root, sol.family_dimension) {
        (Some(rur), Some(_), Some(d)) => Some(match &phi {
            Some(phi) => family_degree(
                p.inst,
                &p.polys,
                &p.names,
                rur,
                phi,
                d,
                Some(Duration::from_secs(20)),
            )?,
            None => FamilyDegree::NotComputed {
                why: "χ was not factored (degree above 64)".into(),
            },
        }),
        _ => None,
    };
    let proved_dimension = sol
        .local_dimension
        .filter(|l| l.is_exact())
        .and_then(|l| l.family());
    let form = match (rur, &phi, &sol.root, proved_dimension) {
        // A failure of the block form's arithmetic leaves the family with
        // the invariants and the modular bound, and says why.
        (Some(rur), Some(phi), Some(root), Some(d)) => {
            orbit_form(p.inst, spaces, rur, phi, root, d)
                .unwrap_or_else(|e| OrbitForm::NotApplicable(format!("the block form failed: {e}")))
        }
        (_, _, _, None) => OrbitForm::NotApplicable("the family's dimension is not proved".into()),
        _ => OrbitForm::NotApplicable("no exact point with a factored minimal polynomial".into()),
    };
    sol.family_degree = match (&form, bound) {
        (OrbitForm::Proved(eq), bound) => Some(exact_degree(eq, bound)),
        (OrbitForm::NotApplicable(_), bound) => bound,
    };
    match form {
        OrbitForm::Proved(eq) => sol.orbit_equations = Some(eq),
        OrbitForm::NotApplicable(why) => sol.orbit_equations_not_proved = Some(why),
    }
    if let Some(rur) = rur {
        let own = phi.as_ref().zip(sol.root.as_ref());
        sol.defining_equations = invariant_equations(p.inst, rur, own)?;
    }
    Ok(())
}

/// The family's degree from its block form, checked against the modular
/// section bound when there is one: a degree above the bound refutes one of
/// the two, and is reported as not computed.
fn exact_degree(eq: &OrbitEquations, bound: Option<FamilyDegree>) -> FamilyDegree {
    let section_bound = match &bound {
        Some(FamilyDegree::AtMost { bound, .. }) => Some(*bound),
        _ => None,
    };
    match eq.degree {
        Some(d) if section_bound.is_some_and(|b| d > b) => FamilyDegree::NotComputed {
            why: format!(
                "the orbit's degree {d} exceeds the modular section bound {}: one of them is wrong",
                section_bound.unwrap_or(0)
            ),
        },
        Some(degree) => FamilyDegree::Exact {
            degree,
            section_bound,
        },
        None => bound.unwrap_or(FamilyDegree::NotComputed {
            why: "the degree of an orbit with these eigenvalue multiplicities is not implemented"
                .into(),
        }),
    }
}

/// The local dimension to report: the proved bounds when they agree;
/// otherwise the numeric reading (singular values) if it lies within the
/// proved bounds, else the proved bounds, undecided.
fn choose_local_dimension(
    exact: Option<LocalDimension>,
    numeric: impl FnOnce() -> Option<LocalDimension>,
) -> Option<LocalDimension> {
    match exact {
        Some(e) if e.family().is_some() => Some(e),
        Some(e) => match numeric() {
            Some(n)
                if n.family()
                    .is_some_and(|d| (e.orbit..=e.tangent).contains(&d)) =>
            {
                Some(n)
            }
            _ => Some(e),
        },
        None => numeric(),
    }
}

/// Where `∇Ē` vanishes on the equilibria of a stratum, exactly: the monic
/// `g = gcd(χ, χ'·det(N̂)²·‖∇Ē‖²)`, so that `∇Ē = 0` at the solution of a
/// root `t₀` of `χ` iff `g(t₀) = 0` (see [`grad_ebar_vanishes`]); `g = 1`
/// when `∇Ē` vanishes at no solution. Computed once per stratum (the
/// expensive part), then tested at each root. `‖∇Ē‖² = tr(Xᵀ S X)` at an
/// equilibrium (see [`grad_ebar_vanishes`]), a rational function of S. With
/// `S = H/χ'` and
/// `N̂ = H·Mxx + λχ'`: `χ'·det(N̂)²·‖∇Ē‖² = tr(X̂ᵀ H X̂)`,
/// `X̂ = Myx·adj(N̂)·H·Mxy − det(N̂)·Myy`, whose value at t₀ is zero iff
/// `∇Ē = 0` (χ' and det N̂ do not vanish there).
pub fn grad_ebar_zero_locus(inst: &Instance, rur: &Rur) -> Result<UPoly> {
    let m = inst.m();
    let md: ModelData<BigRational> = ModelData::from_instance(inst);
    // First modulo a prime: when the images of χ and of the trace are
    // coprime over 𝔽_p, so are χ and the trace over Q (χ is monic and
    // p-integral, so Res(χ, P) ≡ ±Res(χ̄, P̄) ≠ 0 mod p), and g = 1 is
    // proved without the exact computation. Otherwise (a common factor
    // modulo p, which a real common root forces) the exact gcd decides.
    if let Some(sub) = crate::exact::intpoly::primes()
        .take(3)
        .find_map(|p| Substituted::modular(rur, m, &md, p))
    {
        let (tr, _) = grad_ebar_trace(&sub, &md);
        let chi = sub.ring.chi_residues();
        if crate::exact::intpoly::gcd_mod(chi, tr, sub.ring.prime()).len() == 1 {
            return Ok(UPoly::one());
        }
    }
    let sub = Substituted::new(rur, m)?;
    let (tr, det) = grad_ebar_trace(&sub, &md);
    if det.is_zero() {
        return Err(Error::Computation(
            "det(S·Mxx + λI) vanishes identically".into(),
        ));
    }
    Ok(rur.chi.gcd(&tr.to_upoly()).monic())
}

/// `tr(X̂ᵀ H X̂)` of [`grad_ebar_zero_locus`] in the ring of `sub`, and
/// `det N̂` on the way.
fn grad_ebar_trace<R: QuotientRing>(
    sub: &Substituted<R>,
    md: &ModelData<BigRational>,
) -> (R::E, R::E) {
    let m = sub.h.len();
    let ring = &sub.ring;
    let nhat = sub.shifted(md, false);
    let det = sub.det(&nhat);
    // adj(N̂)[i][j] = (−1)^{i+j} det(N̂ without row j, column i).
    let adj: Vec<Vec<R::E>> = (0..m)
        .map(|i| {
            (0..m)
                .map(|j| {
                    if m == 1 {
                        return ring.one();
                    }
                    let rows: Vec<usize> = (0..m).filter(|&r| r != j).collect();
                    let cols: Vec<usize> = (0..m).filter(|&c| c != i).collect();
                    let d = sub.det(&sub_rows(&nhat, &rows, &cols));
                    if (i + j) % 2 == 0 {
                        d
                    } else {
                        ring.sub(&ring.zero(), &d)
                    }
                })
                .collect()
        })
        .collect();
    let myx_adj = sub.scalar_mul(&md.myx, &adj, true);
    let t = sub.matmul(&myx_adj, &sub.h);
    let t = sub.scalar_mul(&md.mxy(), &t, false);
    let xhat: Vec<Vec<R::E>> = (0..m)
        .map(|i| {
            (0..m)
                .map(|j| ring.sub(&t[i][j], &ring.scale(&det, md.myy.get(i, j))))
                .collect()
        })
        .collect();
    let xt: Vec<Vec<R::E>> = (0..m)
        .map(|i| (0..m).map(|j| xhat[j][i].clone()).collect())
        .collect();
    let prod = sub.matmul(&xt, &sub.matmul(&sub.h, &xhat));
    let tr = (0..m).fold(ring.zero(), |acc, i| ring.add(&acc, &prod[i][i]));
    (tr, det)
}

/// Whether `∇Ē` vanishes at the equilibria over the solution at `root`,
/// given the stratum's [`grad_ebar_zero_locus`] `g`: at an equilibrium
/// `P = Q = 0`, so `∇_B Ē = 0` and `∇_A Ē = −A·X` with `X = W·S·Mxy − Myy`,
/// `W = Myx·N⁻¹`, `N = S·Mxx + λI`; hence `‖∇Ē‖² = tr(Xᵀ S X)`. The test
/// at the root is exact (`g` divides `χ`).
pub fn grad_ebar_vanishes(zero_locus: &UPoly, root: &RealRoot) -> bool {
    zero_locus.degree().is_some_and(|d| d > 0) && root.sign_of(zero_locus) == Ordering::Equal
}

/// Classifies the real roots of χ: PSD, decimals, a representative.
fn real_solutions(
    inst: &Instance,
    r: usize,
    rur: &Rur,
    digits: usize,
) -> Result<Vec<RealSolution>> {
    let (n, m) = (inst.n(), inst.m());
    let sub = Substituted::new(rur, m)?;
    let dchi = rur.chi_derivative();
    let (_, idx) = s_variables(m);
    // Principal minors of H of orders 1..=r, as polynomials; computed only
    // when needed (at full rank the intervals below usually decide).
    let mut minors: Option<Vec<(usize, UPoly)>> = None;
    let rational_roots = rational_roots_of(&rur.chi)?;
    let mut out = Vec::new();
    for mut root in real_roots(&rur.chi) {
        let sd = root.sign_of_refining(&dchi);
        if sd == Ordering::Equal {
            return Err(Error::Computation(
                "χ' vanishes at a root of the squarefree χ".into(),
            ));
        }
        let by_intervals = if r == m {
            definite_by_intervals(&mut root, rur, &dchi, &idx)
        } else {
            None
        };
        let psd = match by_intervals {
            Some(definite) => definite,
            None => {
                let minors = minors.get_or_insert_with(|| {
                    (1..=r)
                        .flat_map(|k| subsets(m, k).into_iter().map(move |set| (k, set)))
                        .map(|(k, set)| (k, sub.det(&sub_rows(&sub.h, &set, &set)).to_upoly()))
                        .collect()
                });
                minors.iter().all(|(k, p)| {
                    let s = root.sign_of_refining(p);
                    let s = if sd == Ordering::Less && k % 2 == 1 {
                        s.reverse()
                    } else {
                        s
                    };
                    s != Ordering::Less
                })
            }
        };
        // Decimal enclosures of the entries.
        let (vals, err) = enclose_entries(&mut root, rur, &dchi, digits)?;
        let s = DMatrix::from_fn(m, m, |i, j| vals[idx[i][j]].0);
        let s_digits = (0..m)
            .map(|i| (0..m).map(|j| vals[idx[i][j]].1.clone()).collect())
            .collect();
        let eig = s.clone().symmetric_eigen();
        let mut eigenvalues: Vec<f64> = eig.eigenvalues.iter().copied().collect();
        eigenvalues.sort_by(|a, b| b.total_cmp(a));
        let realizable = r <= n;
        let s_rational = rational_point(&root, rur, &rational_roots, m, &idx);
        out.push(RealSolution {
            rank: r,
            psd,
            s: rows(&s),
            s_error: err,
            s_digits,
            trace: s.trace(),
            eigenvalues,
            t_interval: (root.lo().to_string(), root.hi().to_string()),
            orbit_dimension: realizable.then(|| orbit_dimension(n, r)),
            s_exact: s_rational.as_ref().map(RationalMatrix::to_string_rows),
            s_rational,
            root: Some(root.clone()),
            family_dimension: Some(0),
            local_dimension: None,
            family: None,
            family_degree: None,
            defining_equations: Vec::new(),
            orbit_equations: None,
            orbit_equations_not_proved: None,
        });
    }
    Ok(out)
}

/// Whether S at the root is positive definite, decided by Sylvester's
/// criterion on rational interval enclosures of its leading principal
/// minors; `None` when some enclosure still contains 0 after refining the
/// root (the exact minors then decide). Used at full rank, where
/// `det S ≠ 0` at every root (z's factor vanishes at none), so S is
/// positive semidefinite iff positive definite iff every leading principal
/// minor is positive. Exact: the entries' enclosures are evaluated in
/// rational arithmetic and each minor's enclosure by interval arithmetic
/// over them, so a sign read off an interval that excludes 0 is the minor's.
fn definite_by_intervals(
    root: &mut RealRoot,
    rur: &Rur,
    dchi: &UPoly,
    idx: &[Vec<usize>],
) -> Option<bool> {
    type Iv = (BigRational, BigRational);
    let m = idx.len();
    let add = |a: &Iv, b: &Iv| (&a.0 + &b.0, &a.1 + &b.1);
    let sub = |a: &Iv, b: &Iv| (&a.0 - &b.1, &a.1 - &b.0);
    let mul = |a: &Iv, b: &Iv| hull([&a.0 * &b.0, &a.0 * &b.1, &a.1 * &b.0, &a.1 * &b.1]);
    let zero = (BigRational::zero(), BigRational::zero());
    let one = (BigRational::one(), BigRational::one());
    let mut width = BigRational::new(BigInt::one(), BigInt::from(1u64 << 40));
    for _ in 0..4 {
        root.refine(&width);
        width = &width * &width;
        let (lo, hi) = (root.lo().clone(), root.hi().clone());
        let den = interval_eval(dchi, &lo, &hi);
        if !(den.0.is_positive() || den.1.is_negative()) {
            continue;
        }
        let entries: Vec<Iv> = rur
            .numerators
            .iter()
            .map(|h| interval_div(&interval_eval(h, &lo, &hi), &den))
            .collect();
        let s: Vec<Vec<Iv>> = (0..m)
            .map(|i| (0..m).map(|j| entries[idx[i][j]].clone()).collect())
            .collect();
        let mut decided = true;
        for k in 1..=m {
            let lead: Vec<Vec<Iv>> = s[..k].iter().map(|row| row[..k].to_vec()).collect();
            let d = det_with(&lead, &add, &sub, &mul, &zero, &one);
            // The minor is at most d.1: not positive, so S is not definite.
            if !d.1.is_positive() {
                return Some(false);
            }
            if !d.0.is_positive() {
                decided = false;
                break;
            }
        }
        if decided {
            return Some(true);
        }
    }
    None
}

/// The rows of a floating-point matrix (the JSON form of S, A and B).
pub(crate) fn rows(m: &DMatrix<f64>) -> Vec<Vec<f64>> {
    (0..m.nrows())
        .map(|i| m.row(i).iter().copied().collect())
        .collect()
}

/// The rational roots of χ, from its factorization over Q (Symbolica): the
/// roots of its linear factors. Empty for large degrees (not attempted).
/// The rational roots of χ (by factoring it), at most degree 64.
pub(crate) fn rational_roots(chi: &UPoly) -> Result<Vec<BigRational>> {
    rational_roots_of(chi)
}

fn rational_roots_of(chi: &UPoly) -> Result<Vec<BigRational>> {
    let mut out = Vec::new();
    for f in chi_factors(chi)? {
        if f.degree() == Some(1) {
            let root = -f.coeffs()[0].clone() / f.coeffs()[1].clone();
            if chi.eval(&root).is_zero() {
                out.push(root);
            }
        }
    }
    Ok(out)
}

/// The irreducible factors of χ over Q (Symbolica's factorization), each
/// checked to divide χ; empty above degree 64 (not attempted).
pub(crate) fn chi_factors(chi: &UPoly) -> Result<Vec<UPoly>> {
    let Some(deg) = chi.degree() else {
        return Ok(Vec::new());
    };
    if deg > 64 {
        return Ok(Vec::new());
    }
    let vars = vec!["t".to_string()];
    let p = SparsePoly::from_terms(
        1,
        chi.coeffs()
            .iter()
            .enumerate()
            .map(|(k, c)| (vec![k as u16], c.clone()))
            .collect(),
    );
    let mut out = Vec::new();
    for (f, _) in crate::polynomial::groebner::factor(&p, &vars)? {
        let Some(d) = f.terms().iter().map(|(e, _)| usize::from(e[0])).max() else {
            continue;
        };
        let mut coeffs = vec![BigRational::zero(); d + 1];
        for (e, c) in f.terms() {
            coeffs[usize::from(e[0])] = c.clone();
        }
        let u = UPoly::new(coeffs);
        if u.degree().is_some_and(|d| d >= 1) && chi.div_rem(&u).is_some_and(|(_, r)| r.is_zero()) {
            out.push(u);
        }
    }
    Ok(out)
}

/// S exactly when the root is rational: `s = h(t₀)/χ'(t₀)`.
fn rational_point(
    root: &RealRoot,
    rur: &Rur,
    rational_roots: &[BigRational],
    m: usize,
    idx: &[Vec<usize>],
) -> Option<RationalMatrix> {
    let t0 = rational_roots
        .iter()
        .find(|q| root.compare_rational(q) == Ordering::Equal)?;
    let d = rur.chi_derivative().eval(t0);
    if d.is_zero() {
        return None;
    }
    let vals: Vec<BigRational> = rur.numerators.iter().map(|h| h.eval(t0) / &d).collect();
    Some(RationalMatrix::from_fn(m, m, |i, j| {
        vals[idx[i][j]].clone()
    }))
}

/// `A` (n×m) with `AᵀA = S` for a PSD S of rank r ≤ n: the rows
/// `√σ_k v_kᵀ` of the eigendecomposition, padded with zero rows.
pub fn representative(s: &DMatrix<f64>, n: usize, r: usize) -> DMatrix<f64> {
    let m = s.nrows();
    let e = s.clone().symmetric_eigen();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&i, &j| e.eigenvalues[j].total_cmp(&e.eigenvalues[i]));
    let mut a = DMatrix::zeros(n, m);
    for (row, &k) in order.iter().take(r.min(n)).enumerate() {
        let sigma = e.eigenvalues[k].max(0.0).sqrt();
        for j in 0..m {
            a[(row, j)] = sigma * e.eigenvectors[(j, k)];
        }
    }
    a
}

/// Enclosures of every coordinate `h(t)/χ'(t)` at the root: refines the
/// isolating interval until interval evaluation pins each value to `digits`
/// significant digits. Returns (value, decimal string) per variable and the
/// largest half-width of the enclosures.
fn enclose_entries(
    root: &mut RealRoot,
    rur: &Rur,
    dchi: &UPoly,
    digits: usize,
) -> Result<(Vec<(f64, String)>, f64)> {
    let digits = digits.clamp(3, 60);
    // Entries that vanish exactly at the root (gcd(χ, h) vanishes there):
    // printed as 0, without asking an enclosure for relative digits of 0.
    let numerators = &rur.numerators;
    let zero: Vec<bool> = numerators
        .iter()
        .map(|h| {
            h.is_zero() || {
                let g = rur.chi.gcd(h).monic();
                g.degree().is_some_and(|d| d > 0) && root.sign_of(&g) == Ordering::Equal
            }
        })
        .collect();
    let mut width = BigRational::new(BigInt::one(), BigInt::from(1u64 << 40));
    for _ in 0..12 {
        root.refine(&width);
        let (lo, hi) = (root.lo().clone(), root.hi().clone());
        let den = interval_eval(dchi, &lo, &hi);
        if den.0.is_positive() || den.1.is_negative() {
            let mut out = Vec::new();
            let mut worst = 0.0f64;
            let mut ok = true;
            for (h, &is_zero) in numerators.iter().zip(&zero) {
                if is_zero {
                    out.push((0.0, "0".to_string()));
                    continue;
                }
                let num = interval_eval(h, &lo, &hi);
                let (a, b) = interval_div(&num, &den);
                let mid = (&a + &b) / BigRational::from_integer(2.into());
                let half = to_f64(&((&b - &a) / BigRational::from_integer(2.into())));
                let scale = to_f64(&mid).abs().max(1e-300);
                if half > scale * 10f64.powi(-(digits as i32) - 1) && half > 1e-300 {
                    ok = false;
                    break;
                }
                worst = worst.max(half);
                out.push((to_f64(&mid), decimal(&mid, digits)));
            }
            if ok {
                return Ok((out, worst));
            }
        }
        width = &width * &width;
    }
    Err(Error::Computation(
        "could not pin the entries of S down to the requested digits".into(),
    ))
}

/// An enclosure of `p([lo, hi])`: with `p = p⁺ − p⁻` split by the signs of
/// its coefficients (after `t → −t` when the interval is negative), each part
/// is monotone on an interval that does not contain 0, so
/// `p([lo, hi]) ⊆ [p⁺(lo) − p⁻(hi), p⁺(hi) − p⁻(lo)]`; an interval that
/// contains 0 is split at 0. Evaluation is exact, in integers.
fn interval_eval(p: &UPoly, lo: &BigRational, hi: &BigRational) -> (BigRational, BigRational) {
    if lo.is_negative() && hi.is_positive() {
        let zero = BigRational::zero();
        let a = interval_eval(p, lo, &zero);
        let b = interval_eval(p, &zero, hi);
        return (a.0.min(b.0), a.1.max(b.1));
    }
    let negative = hi.is_negative() || (hi.is_zero() && lo.is_negative());
    // q(u) = p(±u) on u ∈ [a, b] with 0 ≤ a ≤ b.
    let (a, b) = if negative {
        (-hi.clone(), -lo.clone())
    } else {
        (lo.clone(), hi.clone())
    };
    let coeffs: Vec<BigRational> = p
        .coeffs()
        .iter()
        .enumerate()
        .map(|(k, c)| {
            if negative && k % 2 == 1 {
                -c.clone()
            } else {
                c.clone()
            }
        })
        .collect();
    let plus: Vec<BigRational> = coeffs
        .iter()
        .map(|c| {
            if c.is_positive() {
                c.clone()
            } else {
                BigRational::zero()
            }
        })
        .collect();
    let minus: Vec<BigRational> = coeffs
        .iter()
        .map(|c| {
            if c.is_negative() {
                -c.clone()
            } else {
                BigRational::zero()
            }
        })
        .collect();
    let ev = |q: &[BigRational], x: &BigRational| exact_eval(q, x);
    (
        ev(&plus, &a) - ev(&minus, &b),
        ev(&plus, &b) - ev(&minus, &a),
    )
}

/// `Σ c_k x^k` exactly, with one common denominator (integer Horner).
fn exact_eval(c: &[BigRational], x: &BigRational) -> BigRational {
    use crate::exact::intpoly;
    let mut den = BigInt::one();
    for v in c {
        if !v.denom().is_one() {
            den = num_integer::Integer::lcm(&den, v.denom());
        }
    }
    let ints: Vec<BigInt> = c.iter().map(|v| v.numer() * (&den / v.denom())).collect();
    let d = ints.len().saturating_sub(1);
    let pows = if x.denom().is_one() {
        Vec::new()
    } else {
        intpoly::powers(x.denom(), d)
    };
    let num = intpoly::homogeneous_value(&ints, x.numer(), &pows);
    let scale = if pows.is_empty() { den } else { den * &pows[d] };
    intpoly::ratio(num, scale)
}

fn interval_div(
    a: &(BigRational, BigRational),
    b: &(BigRational, BigRational),
) -> (BigRational, BigRational) {
    hull([&a.0 / &b.0, &a.0 / &b.1, &a.1 / &b.0, &a.1 / &b.1])
}

/// The smallest interval holding the four endpoint combinations of an
/// interval product or quotient.
fn hull(q: [BigRational; 4]) -> (BigRational, BigRational) {
    let [a, b, c, d] = q;
    let lo = a.clone().min(b.clone()).min(c.clone()).min(d.clone());
    let hi = a.max(b).max(c).max(d);
    (lo, hi)
}

/// A rational as a decimal with `digits` significant digits (rounded).
pub fn decimal(x: &BigRational, digits: usize) -> String {
    if x.is_zero() {
        return "0".into();
    }
    let neg = x.is_negative();
    let a = x.abs();
    // Find e with 10^e ≤ a < 10^{e+1}.
    let f = to_f64(&a);
    let mut e = if f > 0.0 && f.is_finite() {
        f.log10().floor() as i64
    } else {
        // Beyond the range of f64: the digit counts give e within one.
        a.numer().to_string().len() as i64 - a.denom().to_string().len() as i64
    };
    let ten = BigRational::from_integer(10.into());
    let pow10 = |k: i64| {
        if k >= 0 {
            num_traits::pow(ten.clone(), k as usize)
        } else {
            BigRational::one() / num_traits::pow(ten.clone(), (-k) as usize)
        }
    };
    while pow10(e) > a {
        e -= 1;
    }
    while pow10(e + 1) <= a {
        e += 1;
    }
    let scaled = &a * pow10(digits as i64 - 1 - e);
    let mut int = (scaled + BigRational::new(1.into(), 2.into()))
        .floor()
        .to_integer();
    if int.to_string().len() > digits {
        int /= BigInt::from(10);
        e += 1;
    }
    let s = int.to_string();
    let body = if e >= 0 && (e as usize) < digits {
        let (i, f) = s.split_at(e as usize + 1);
        if f.is_empty() {
            i.to_string()
        } else {
            format!("{i}.{f}")
        }
    } else if (-5..0).contains(&e) {
        format!("0.{}{}", "0".repeat((-e - 1) as usize), s)
    } else {
        format!("{}.{}e{}", &s[..1], &s[1..], e)
    };
    if neg { format!("-{body}") } else { body }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_rounded_to_significant_digits() {
        let q = |p: i64, d: i64| BigRational::new(p.into(), d.into());
        assert_eq!(decimal(&q(1, 3), 5), "0.33333");
        assert_eq!(decimal(&q(2, 3), 3), "0.667");
        assert_eq!(decimal(&q(-1, 3000), 3), "-0.000333");
        assert_eq!(decimal(&q(1, 3_000_000), 3), "3.33e-7");
        assert_eq!(decimal(&q(123_456_789, 1), 3), "1.23e8");
        assert_eq!(decimal(&q(-1234567, 1000), 4), "-1235");
        assert_eq!(decimal(&q(12, 1), 4), "12.00");
        assert_eq!(decimal(&q(0, 1), 4), "0");
    }

    fn scalar_rank_one(rational_basis_budget: Option<f64>) -> Stratum {
        let inst = crate::model::builtin("scalar").unwrap();
        let opts = StrataOptions {
            solve: SolveOptions {
                replay_work: rational_basis_budget,
                rational_basis_budget,
                ..SolveOptions::default()
            },
            digits: 6,
        };
        stratum(&inst, 1, &opts).unwrap()
    }

    #[test]
    fn a_stratum_counted_over_q_is_certified() {
        let st = scalar_rank_one(Some(10.0));
        assert!(matches!(
            st.count_evidence,
            Some(CountEvidence::ReplayOverQ { .. })
        ));
        assert_eq!(st.completeness, Completeness::Certified);
        assert!(st.exact);
        let rur = st.rur.as_ref().unwrap();
        assert!(super::super::zerodim::form_separates(rur).unwrap());
        assert_eq!(
            stratum_zero(&crate::model::builtin("scalar").unwrap()).completeness,
            Completeness::Certified
        );
    }

    #[test]
    fn a_stratum_counted_modulo_two_primes_is_modular_not_exact() {
        let st = scalar_rank_one(None);
        assert!(matches!(
            st.count_evidence,
            Some(CountEvidence::TwoPrimes { .. })
        ));
        assert_eq!(st.completeness, Completeness::Modular);
        assert!(!st.exact);
        // The same solutions either way: only the proof of completeness differs.
        assert_eq!(
            st.complex_solutions,
            scalar_rank_one(Some(10.0)).complex_solutions
        );
        let json = serde_json::to_value(&st).unwrap();
        assert_eq!(json["completeness"], "modular");
    }

    /// The image modulo p of the exact trace of `grad_ebar_zero_locus` is
    /// the trace computed in `𝔽_p[t]/χ̄` (the homomorphism the fast path
    /// rests on), on zero-dimensional and decomposed strata; and the fast
    /// path gives the exact gcd.
    #[test]
    fn the_modular_trace_is_the_image_of_the_exact_one() {
        let opts = StrataOptions {
            solve: SolveOptions::default(),
            digits: 6,
        };
        let mut checked = 0;
        for (name, r) in [
            ("default", 1),
            ("default", 2),
            ("isotropic", 2),
            ("scalar", 1),
        ] {
            let inst = crate::model::builtin(name).unwrap();
            let st = stratum(&inst, r, &opts).unwrap();
            let rur = st.rur.as_ref().expect("a representation");
            let md: ModelData<BigRational> = ModelData::from_instance(&inst);
            let (exact, _) = grad_ebar_trace(&Substituted::new(rur, inst.m()).unwrap(), &md);
            let p = crate::exact::intpoly::primes()
                .find(|&p| Substituted::modular(rur, inst.m(), &md, p).is_some())
                .unwrap();
            let sub = Substituted::modular(rur, inst.m(), &md, p).unwrap();
            let (image, _) = grad_ebar_trace(&sub, &md);
            let want = sub.ring.elem(&exact.to_upoly());
            assert_eq!(image, want, "{name} r = {r}");
            assert!(
                image.iter().any(|&x| x != 0),
                "{name} r = {r}: a zero trace"
            );
            let g = rur.chi.gcd(&exact.to_upoly()).monic();
            assert_eq!(
                grad_ebar_zero_locus(&inst, rur).unwrap(),
                g,
                "{name} r = {r}"
            );
            checked += 1;
        }
        assert_eq!(checked, 4);
        // A prime dividing a denominator of the data is refused.
        let inst = crate::model::builtin("default").unwrap();
        let st = stratum(&inst, 1, &opts).unwrap();
        let md: ModelData<BigRational> = ModelData::from_instance(&inst);
        let den = md.lambda.denom().clone();
        let p = (2..1000u64)
            .find(|p| (&den % BigInt::from(*p)).is_zero())
            .unwrap();
        assert!(Substituted::modular(st.rur.as_ref().unwrap(), 2, &md, p).is_none());
    }

    #[test]
    fn determinants_and_subsets() {
        let m = Mat::from_fn(3, 3, |i, j| {
            BigRational::from_integer(((i * 3 + j) as i64 * (i as i64 + 1) % 7).into())
        });
        let d = determinant(&m);
        let f = m.to_f64();
        assert!((to_f64(&d) - f.determinant()).abs() < 1e-9);
        assert_eq!(subsets(4, 2).len(), 6);
        assert_eq!(symmetric_minor_sets(3, 2).len(), 6);
    }
}

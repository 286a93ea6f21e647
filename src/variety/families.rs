//! Positive-dimensional strata: the data's symmetry, critical points that
//! meet every family, local dimensions, and the closed forms of commuting
//! data.
//!
//! Degenerate data (isotropic `Mxx = ρI`, `Myx = τI`, or moments that commute
//! with a repeated joint eigenvalue) has a group of symmetries
//! `H = {Q ∈ O(m) : Q Mxx Qᵀ = Mxx, Q Myx Qᵀ = Myx}` under which
//! `G(QSQᵀ) = Q G(S) Qᵀ`, so every stratum is H-invariant and its solutions
//! come in H-orbits: positive-dimensional families.
//!
//! **Critical points of a generic distance.** For a generic symmetric U, the
//! stratum system is augmented by the `dim H` linear equations
//! `⟨[S, U], K⟩ = 0` for a basis K of the Lie algebra
//! `𝔥 = {K skew : [K, Mxx] = [K, Myx] = 0}` ([`symmetry_algebra`]): they
//! say that S is a critical point of `‖S − U‖²` restricted to its
//! H-orbit (the derivative along `[K, S]` is `−2⟨[S, U], K⟩`). Two facts
//! make the augmented system the right one:
//! - every isolated solution of the stratum is fixed by the identity
//!   component of H (its orbit is connected and lies in the stratum), so
//!   `[K, S] = 0` and it satisfies the extra equations: the isolated
//!   solutions are all kept;
//! - on every compact connected component C of the real solution set, the
//!   distance to U attains its minimum at some p; p also minimizes it on
//!   the orbit of p under the identity component of H, which lies in C, so
//!   p solves the augmented system: **every compact connected component of
//!   the real part is met**.
//!
//! When the augmented system is zero-dimensional it is solved exactly like
//! any stratum (rational univariate representation verified over Q, real
//! roots isolated exactly); if it is not (a family larger than the orbits,
//! or no symmetry at all), the stratum stays unresolved and says so.
//!
//! **Local dimension** at each solution p ([`local_dimension`]): the orbit
//! dimension `dim [𝔥, S]` is a lower bound and the Zariski tangent space
//! (kernel of the Jacobian of the stratum system) an upper bound; when they
//! agree the family through p is the orbit, smooth, of that dimension.
//! Here both ranks are read off singular values with a clear gap (level
//! `numeric`); [`super::exact_dimension`] proves the same bounds from ranks
//! modulo a prime at the exact point, and the numeric reading is used only
//! where those bounds do not meet.
//!
//! **Closed forms** ([`commuting_form`]): when Mxx and Myx are symmetric and
//! commute, in a joint eigenbasis with pairs `(ρ_j, τ_j)` of multiplicity
//! `m_j` the solutions S that commute with the data have, on each joint
//! eigenspace, eigenvalues among 0 and the roots of `(ρ_j s + λ)² = τ_j² s`;
//! choosing how many of each (`k₊ + k₋ + k₀ = m_j`) gives a family
//! `∏_j O(m_j)/(O(k₊)×O(k₋)×O(k₀))` of dimension
//! `Σ_j [m_j(m_j−1) − Σ_c k_c(k_c−1)]/2`.

use nalgebra::DMatrix;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::exact::linalg::{charpoly, nullspace};
use crate::model::{Instance, RationalMatrix, to_f64};
use crate::polynomial::sparse::SparsePoly;

use super::strata::s_variables;

/// A basis of `𝔥 = {K skew : K Mxx = Mxx K, K Myx = Myx K}`, the Lie
/// algebra of the data's symmetry group (empty for generic data).
pub fn symmetry_algebra(inst: &Instance) -> Vec<RationalMatrix> {
    let m = inst.m();
    let mo = inst.moments();
    let pairs: Vec<(usize, usize)> = (0..m)
        .flat_map(|a| ((a + 1)..m).map(move |b| (a, b)))
        .collect();
    if pairs.is_empty() {
        return Vec::new();
    }
    let skew = |k: usize| {
        let (a, b) = pairs[k];
        RationalMatrix::from_fn(m, m, |i, j| {
            if (i, j) == (a, b) {
                BigRational::one()
            } else if (i, j) == (b, a) {
                -BigRational::one()
            } else {
                BigRational::zero()
            }
        })
    };
    // Column k: the entries of [E_k, Mxx] and [E_k, Myx].
    let cols: Vec<Vec<BigRational>> = (0..pairs.len())
        .map(|k| {
            let e = skew(k);
            [&mo.mxx, &mo.myx]
                .iter()
                .flat_map(|mm| {
                    let c = commutator(&e, mm);
                    (0..m * m).map(move |p| c.get(p / m, p % m).clone())
                })
                .collect()
        })
        .collect();
    let rows = 2 * m * m;
    let mat = RationalMatrix::from_fn(rows, pairs.len(), |i, k| cols[k][i].clone());
    nullspace(&mat)
        .into_iter()
        .map(|x| {
            (0..pairs.len()).fold(RationalMatrix::zeros(m, m), |acc, k| {
                acc.add(&skew(k).scale(&x[k]))
            })
        })
        .collect()
}

/// `[a, b] = ab − ba`.
fn commutator(a: &RationalMatrix, b: &RationalMatrix) -> RationalMatrix {
    a.mul(b).sub(&b.mul(a))
}

/// A generic symmetric matrix with small integer entries (deterministic in
/// `seed`): diagonal entries in 1..=97, off-diagonal ones non-zero in
/// ±1..=53, drawn row by row over the upper triangle.
pub fn generic_symmetric(m: usize, seed: u64) -> RationalMatrix {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (_, idx) = s_variables(m);
    let upper: Vec<i64> = (0..m)
        .flat_map(|i| (i..m).map(move |j| i == j))
        .map(|diagonal| {
            if diagonal {
                rng.gen_range(1..=97)
            } else {
                let x: i64 = rng.gen_range(1..=53);
                if rng.gen_bool(0.5) { x } else { -x }
            }
        })
        .collect();
    RationalMatrix::from_fn(m, m, |i, j| {
        BigRational::from_integer(upper[idx[i][j]].into())
    })
}

/// The equations `⟨[S, U], K⟩ = 0`, one per basis element K of `𝔥`, in the
/// stratum's variables (`nvars` of them, the `s_i_j` first).
pub fn critical_equations(
    m: usize,
    nvars: usize,
    basis: &[RationalMatrix],
    u: &RationalMatrix,
) -> Vec<SparsePoly> {
    let (_, idx) = s_variables(m);
    basis
        .iter()
        .map(|k| {
            // Σ_ab ([S,U])_ab K_ab with [S,U]_ab = Σ_c S_ac U_cb − U_ac S_cb.
            let mut terms = Vec::new();
            for a in 0..m {
                for b in 0..m {
                    let kab = k.get(a, b);
                    if kab.is_zero() {
                        continue;
                    }
                    for c in 0..m {
                        let mut e = vec![0u16; nvars];
                        e[idx[a][c]] = 1;
                        terms.push((e, kab * u.get(c, b)));
                        let mut e = vec![0u16; nvars];
                        e[idx[c][b]] = 1;
                        terms.push((e, -(kab * u.get(a, c))));
                    }
                }
            }
            SparsePoly::from_terms(nvars, terms)
        })
        .filter(|p| !p.is_zero())
        .collect()
}

/// Local dimension of a stratum's solution set at a point (level numeric).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LocalDimension {
    /// Dimension of the orbit of the data's symmetry group through the point
    /// (`rank` of `K ↦ [K, S]` on `𝔥`): a lower bound.
    pub orbit: usize,
    /// Dimension of the Zariski tangent space of the stratum system there
    /// (kernel of its Jacobian): an upper bound.
    pub tangent: usize,
    /// `Some(P)`: both bounds are proved, from ranks modulo the prime `P`
    /// at the image of the exact point (see
    /// [`super::exact_dimension`]); `None`: read off singular values
    /// (level numeric).
    pub prime: Option<u64>,
}

impl LocalDimension {
    /// The family dimension when the bounds agree (the family through the
    /// point is then the orbit, smooth there).
    pub fn family(&self) -> Option<usize> {
        (self.orbit == self.tangent).then_some(self.orbit)
    }

    /// Whether the bounds are proved (ranks modulo a prime at the exact
    /// point) rather than read off singular values.
    pub fn is_exact(&self) -> bool {
        self.prime.is_some()
    }
}

/// A singular value at most this fraction of the largest counts as zero.
pub const RANK_ZERO: f64 = 1e-8;
/// A singular value at least this fraction of the largest counts as
/// non-zero; one in between leaves the rank undecided.
pub const RANK_NONZERO: f64 = 1e-5;

/// Numerical rank with a required gap: `None` when some singular value
/// lies between [`RANK_ZERO`] and [`RANK_NONZERO`] times the largest.
pub fn gap_rank(a: &DMatrix<f64>) -> Option<usize> {
    gap_rank_at(a, 0.0)
}

/// [`gap_rank`] relative to `max(largest singular value, reference)`: a
/// matrix that is only rounding noise next to `reference` has rank 0.
pub fn gap_rank_at(a: &DMatrix<f64>, reference: f64) -> Option<usize> {
    if a.nrows() == 0 || a.ncols() == 0 {
        return Some(0);
    }
    let sv = a.clone().svd(false, false).singular_values;
    let max = sv.iter().copied().fold(reference, f64::max);
    if max == 0.0 {
        return Some(0);
    }
    let mut rank = 0;
    for &s in sv.iter() {
        if s >= RANK_NONZERO * max {
            rank += 1;
        } else if s > RANK_ZERO * max {
            return None;
        }
    }
    Some(rank)
}

/// The local dimension at the solution `s` (m×m, decimals accurate to about
/// 1e-12) of the stratum system `polys` in `nvars` variables (`s_i_j`, then
/// z); `None` when a rank is not clear-cut. The equation with z (an open
/// condition: its z-derivative does not vanish) is left out together with
/// z, which leaves the kernel's dimension unchanged, and each row of the
/// Jacobian is scaled to norm 1 (the kernel is unchanged). The
/// singular-value gap ([`RANK_ZERO`], [`RANK_NONZERO`]) is wide against the
/// errors of the decimals (about 1e-12 relative), so a decided rank is not
/// an artefact of rounding; data whose solutions span many orders of
/// magnitude (tiny λ) can leave it undecided.
pub fn local_dimension(
    polys: &[SparsePoly],
    nvars: usize,
    s: &DMatrix<f64>,
    basis: &[RationalMatrix],
) -> Option<LocalDimension> {
    let m = s.nrows();
    let (_, idx) = s_variables(m);
    let ns = nvars - 1;
    let mut point = vec![0.0; nvars];
    for i in 0..m {
        for j in i..m {
            point[idx[i][j]] = s[(i, j)];
        }
    }
    let rows: Vec<Vec<f64>> = polys
        .iter()
        .filter(|p| p.terms().iter().all(|(e, _)| e[ns] == 0))
        .map(|p| {
            let row: Vec<f64> = (0..ns).map(|k| p.derivative(k).eval_f64(&point)).collect();
            let norm = row.iter().map(|x| x * x).sum::<f64>().sqrt();
            if norm > 0.0 {
                row.iter().map(|x| x / norm).collect()
            } else {
                row
            }
        })
        .collect();
    let jac = DMatrix::from_fn(rows.len(), ns, |i, k| rows[i][k]);
    let tangent = ns - gap_rank(&jac)?;
    let pairs = m * (m + 1) / 2;
    // Columns [K, S] with ‖K‖ = 1, measured against ‖S‖: at a fixed point
    // they are rounding noise of that size.
    let columns: Vec<Vec<f64>> = basis
        .iter()
        .map(|k| {
            let k = k.to_f64();
            let k = &k / k.norm().max(f64::MIN_POSITIVE);
            let c = &k * s - s * &k;
            (0..m)
                .flat_map(|i| (i..m).map(move |j| (i, j)))
                .map(|(i, j)| c[(i, j)])
                .collect()
        })
        .collect();
    let orbit_mat = DMatrix::from_fn(pairs, basis.len(), |p, b| columns[b][p]);
    let orbit = gap_rank_at(&orbit_mat, s.norm())?;
    Some(LocalDimension {
        orbit,
        tangent,
        prime: None,
    })
}

/// Numbers that are the same at every point of an H-orbit (eigenvalues of
/// S, of S + Mxx and of S + (Myx + Myxᵀ)/2, sorted; and, where the data are
/// symmetric commuting moments with rational joint eigenspaces E_j, the
/// eigenvalues of each compression `P_j S P_j`, since H preserves every
/// E_j): two solutions with different invariants lie on different
/// families. For a solution that commutes with such data the compressions'
/// spectra determine its H-orbit (see [`super::family_orbit`]), so
/// solutions on distinct orbits are never grouped together merely because
/// the three spectra coincide. `spaces` are the data's
/// [`joint_eigenspaces`], computed once by the caller (they factor a
/// characteristic polynomial on Symbolica's thread).
pub fn orbit_invariants(inst: &Instance, spaces: &[JointSpace], s: &DMatrix<f64>) -> Vec<f64> {
    let mo = inst.moments();
    let mxx = mo.mxx.to_f64();
    let myx = mo.myx.to_f64();
    let sym = (&myx + myx.transpose()) * 0.5;
    let mut matrices = vec![s.clone(), s + &mxx, s + &sym];
    for space in spaces {
        let m = s.nrows();
        let k = space.basis.len();
        let b = DMatrix::from_fn(m, k, |i, j| to_f64(&space.basis[j][i]));
        if let Some(gram_inv) = (b.transpose() * &b).try_inverse() {
            let p = &b * gram_inv * b.transpose();
            matrices.push(&p * s * &p);
        }
    }
    matrices
        .into_iter()
        .flat_map(|x| {
            let mut e: Vec<f64> = x.symmetric_eigen().eigenvalues.iter().copied().collect();
            e.sort_by(f64::total_cmp);
            e
        })
        .collect()
}

/// Whether two invariant (or eigenvalue) vectors agree (relative 1e-7: far
/// above the decimals' errors, far below the gaps between distinct families
/// of the instances in scope).
pub fn same_invariants(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| (x - y).abs() <= 1e-7 * (1.0 + x.abs().max(y.abs())))
}

/// One joint eigen-pair of commuting symmetric moments.
#[derive(Clone, Debug, Serialize)]
pub struct EigenPair {
    /// Eigenvalue of Mxx.
    pub rho: String,
    /// Eigenvalue of Myx.
    pub tau: String,
    /// Dimension of the joint eigenspace.
    pub multiplicity: usize,
    /// The real positive roots of `(ρ s + λ)² = τ² s` (decimals, largest
    /// first; one when the discriminant `τ²(τ² − 4ρλ)` vanishes, none when
    /// it is negative or τ = 0).
    pub roots: Vec<f64>,
    /// The discriminant `τ²(τ² − 4ρλ)`, exactly.
    pub discriminant: String,
}

/// One family of solutions commuting with the data.
#[derive(Clone, Debug, Serialize)]
pub struct AlignedFamily {
    /// Rank of S.
    pub rank: usize,
    /// Per eigen-pair: how many eigenvalues equal each root (same order as
    /// [`EigenPair::roots`]), then how many are 0.
    pub counts: Vec<(Vec<usize>, usize)>,
    /// The eigenvalues of S, largest first.
    pub eigenvalues: Vec<f64>,
    /// Its dimension `Σ_j [m_j(m_j−1) − Σ_c k_c(k_c−1)]/2`.
    pub dimension: usize,
}

/// The closed form of the solutions that commute with commuting data.
#[derive(Clone, Debug, Serialize)]
pub struct CommutingForm {
    /// The joint eigen-pairs.
    pub pairs: Vec<EigenPair>,
    /// Every real PSD family of solutions commuting with the data, by rank.
    pub families: Vec<AlignedFamily>,
}

/// A joint eigenspace of commuting symmetric moments: `Mxx v = ρ v` and
/// `Myx v = τ v` on it.
#[derive(Clone, Debug)]
pub struct JointSpace {
    /// Eigenvalue of Mxx.
    pub rho: BigRational,
    /// Eigenvalue of Myx.
    pub tau: BigRational,
    /// A rational basis of the space.
    pub basis: Vec<Vec<BigRational>>,
}

/// The joint eigenspaces of Mxx and Myx (distinct pairs `(ρ, τ)`, spanning
/// R^m) when both are symmetric, commute, and have rational eigenvalues;
/// `None` otherwise (or when the rational eigenvalues cannot be found).
pub fn joint_eigenspaces(inst: &Instance) -> Option<Vec<JointSpace>> {
    let mo = inst.moments();
    let (mxx, myx) = (&mo.mxx, &mo.myx);
    if !mxx.is_symmetric()
        || !myx.is_symmetric()
        || !commutator(mxx, myx).entries().iter().all(Zero::is_zero)
    {
        return None;
    }
    let m = inst.m();
    // A generic combination separates distinct pairs; try a few.
    for c in [7, 13, 29, 101] {
        let c = BigRational::new(1.into(), c.into());
        let comb = mxx.add(&myx.scale(&c));
        let poly = charpoly(&comb).ok()?;
        let roots = super::strata::rational_roots(&poly).ok()?;
        let mut spaces: Vec<JointSpace> = Vec::new();
        let mut total = 0;
        for mu in roots {
            let shifted = comb.sub(&RationalMatrix::identity(m).scale(&mu));
            let space = nullspace(&shifted);
            let Some(v) = space.first() else { continue };
            let quad = |mm: &RationalMatrix| {
                let mut num = BigRational::zero();
                for i in 0..m {
                    for j in 0..m {
                        num += &v[i] * mm.get(i, j) * &v[j];
                    }
                }
                num
            };
            let vv: BigRational = v.iter().map(|x| x * x).sum();
            let (rho, tau) = (quad(mxx) / &vv, quad(myx) / &vv);
            total += space.len();
            // Distinct μ could still give equal (ρ, τ) only if c were
            // special; merge equal pairs to be safe.
            match spaces.iter_mut().find(|s| s.rho == rho && s.tau == tau) {
                Some(s) => s.basis.extend(space),
                None => spaces.push(JointSpace {
                    rho,
                    tau,
                    basis: space,
                }),
            }
        }
        if total == m {
            return Some(spaces);
        }
    }
    None
}

/// The closed form when Mxx and Myx are symmetric, commute, and have
/// rational joint eigenvalues; `None` otherwise (or when the rational
/// eigenvalues cannot be found).
pub fn commuting_form(inst: &Instance) -> Option<CommutingForm> {
    let lambda = inst.lambda().clone();
    let pairs: Vec<EigenPair> = joint_eigenspaces(inst)?
        .iter()
        .map(|s| eigen_pair(&s.rho, &s.tau, s.basis.len(), &lambda))
        .collect();
    let families = aligned_families(&pairs);
    Some(CommutingForm { pairs, families })
}

fn eigen_pair(rho: &BigRational, tau: &BigRational, k: usize, lambda: &BigRational) -> EigenPair {
    let four = BigRational::from_integer(4.into());
    let t2 = tau * tau;
    let disc = &t2 * (&t2 - four * rho * lambda);
    let (r, t, l) = (to_f64(rho), to_f64(tau), to_f64(lambda));
    // ρ² s² + (2ρλ − τ²) s + λ² = 0.
    let roots = if tau.is_zero() || disc.is_negative() {
        Vec::new()
    } else if disc.is_zero() {
        vec![(t * t - 2.0 * r * l) / (2.0 * r * r)]
    } else {
        let d = to_f64(&disc).sqrt();
        let b = t * t - 2.0 * r * l;
        // Stable forms: the product of the roots is λ²/ρ².
        let big = (b + d) / (2.0 * r * r);
        vec![big, l * l / (r * r) / big]
    };
    EigenPair {
        rho: rho.to_string(),
        tau: tau.to_string(),
        multiplicity: k,
        roots,
        discriminant: disc.to_string(),
    }
}

/// Every way to fill each joint eigenspace with the roots and 0.
fn aligned_families(pairs: &[EigenPair]) -> Vec<AlignedFamily> {
    let mut out = vec![AlignedFamily {
        rank: 0,
        counts: Vec::new(),
        eigenvalues: Vec::new(),
        dimension: 0,
    }];
    for p in pairs {
        let mut next = Vec::new();
        for fam in &out {
            for counts in compositions(p.multiplicity, p.roots.len() + 1) {
                let (roots_k, zero_k) = (counts[..p.roots.len()].to_vec(), counts[p.roots.len()]);
                let mut f = fam.clone();
                let used: usize = roots_k.iter().sum();
                f.rank += used;
                for (k, s) in roots_k.iter().zip(&p.roots) {
                    f.eigenvalues.extend(std::iter::repeat_n(*s, *k));
                }
                f.eigenvalues.extend(std::iter::repeat_n(0.0, zero_k));
                let mj = p.multiplicity;
                let stab: usize = counts.iter().map(|k| k * k.saturating_sub(1)).sum();
                f.dimension += (mj * (mj - 1) - stab) / 2;
                f.counts.push((roots_k, zero_k));
                next.push(f);
            }
        }
        out = next;
    }
    for f in &mut out {
        f.eigenvalues.sort_by(|a, b| b.total_cmp(a));
    }
    out.sort_by(|a, b| a.rank.cmp(&b.rank).then(b.dimension.cmp(&a.dimension)));
    out
}

/// All vectors of `parts` non-negative integers summing to `total`.
fn compositions(total: usize, parts: usize) -> Vec<Vec<usize>> {
    if parts == 1 {
        return vec![vec![total]];
    }
    (0..=total)
        .flat_map(|k| {
            compositions(total - k, parts - 1)
                .into_iter()
                .map(move |mut rest| {
                    rest.insert(0, k);
                    rest
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Instance, Moments};

    fn q(p: i64, d: i64) -> BigRational {
        BigRational::new(p.into(), d.into())
    }

    fn diag(v: &[BigRational]) -> RationalMatrix {
        RationalMatrix::from_fn(v.len(), v.len(), |i, j| {
            if i == j {
                v[i].clone()
            } else {
                BigRational::zero()
            }
        })
    }

    fn instance(rho: &[BigRational], tau: &[BigRational], lambda: BigRational) -> Instance {
        let m = rho.len();
        let myy = RationalMatrix::from_fn(m, m, |i, j| {
            if i == j {
                &tau[i] * &tau[i] / &rho[i] + q(1, 1)
            } else {
                q(0, 1)
            }
        });
        Instance::new(
            "t",
            m,
            Moments {
                mxx: diag(rho),
                myx: diag(tau),
                myy,
            },
            lambda,
        )
        .unwrap()
    }

    #[test]
    fn symmetry_of_isotropic_and_repeated_pairs() {
        let one = q(1, 1);
        let iso = instance(
            &[one.clone(), one.clone(), one.clone()],
            &[one.clone(), one.clone(), one.clone()],
            q(1, 50),
        );
        assert_eq!(symmetry_algebra(&iso).len(), 3);
        let rep = instance(
            &[one.clone(), one.clone(), q(2, 1)],
            &[one.clone(), one.clone(), q(3, 2)],
            q(1, 50),
        );
        assert_eq!(symmetry_algebra(&rep).len(), 1);
        // Same ρ, different τ: no symmetry.
        let generic = instance(
            &[one.clone(), one.clone()],
            &[one.clone(), q(1, 2)],
            q(1, 50),
        );
        assert!(symmetry_algebra(&generic).is_empty());
    }

    #[test]
    fn closed_form_counts_and_dimensions() {
        let one = q(1, 1);
        let iso = instance(
            &[one.clone(), one.clone()],
            &[one.clone(), one.clone()],
            q(1, 50),
        );
        let f = commuting_form(&iso).expect("commuting");
        assert_eq!(f.pairs.len(), 1);
        assert_eq!(f.pairs[0].multiplicity, 2);
        let s = &f.pairs[0].roots;
        assert_eq!(s.len(), 2);
        for &x in s {
            assert!(((x + 0.02) * (x + 0.02) - x).abs() < 1e-12);
        }
        // Rank 2: s₊I, s₋I (dimension 0) and one circle (dimension 1).
        let r2: Vec<usize> = f
            .families
            .iter()
            .filter(|a| a.rank == 2)
            .map(|a| a.dimension)
            .collect();
        let mut r2s = r2.clone();
        r2s.sort();
        assert_eq!(r2s, vec![0, 0, 1]);
        // Rank 1: two circles.
        let r1: Vec<usize> = f
            .families
            .iter()
            .filter(|a| a.rank == 1)
            .map(|a| a.dimension)
            .collect();
        assert_eq!(r1, vec![1, 1]);
        // τ² < 4ρλ: no real root, only S = 0.
        let dead = instance(&[one.clone(), one.clone()], &[q(1, 10), q(1, 10)], q(1, 20));
        let f = commuting_form(&dead).unwrap();
        assert!(f.pairs[0].roots.is_empty());
        assert_eq!(f.families.len(), 1);
    }

    #[test]
    fn non_commuting_data_has_no_closed_form() {
        let inst = crate::model::builtin("default").unwrap();
        assert!(commuting_form(&inst).is_none());
        assert!(symmetry_algebra(&inst).is_empty());
    }

    #[test]
    fn gap_rank_decides_or_abstains() {
        let a = DMatrix::from_row_slice(2, 2, &[1.0, 0.0, 0.0, 1e-12]);
        assert_eq!(gap_rank(&a), Some(1));
        let b = DMatrix::from_row_slice(2, 2, &[1.0, 0.0, 0.0, 1e-6]);
        assert_eq!(gap_rank(&b), None);
        let c = DMatrix::from_row_slice(2, 2, &[1.0, 0.0, 0.0, 1e-3]);
        assert_eq!(gap_rank(&c), Some(2));
    }
}

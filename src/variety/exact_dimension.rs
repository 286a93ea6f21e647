//! Exact local dimensions at the real algebraic solutions of a
//! positive-dimensional stratum, from ranks modulo one prime.
//!
//! At a solution `p` of a stratum, the orbit of the data's symmetry group
//! through `p` lies in the stratum and the stratum lies, near `p`, in the
//! zero set of its equations, so
//!
//! `dim_ℝ(H·p) = rank(K ↦ [K, S]) ≤ dim_p V ≤ dim ker J(p)`,
//!
//! with J the Jacobian of the stratum equations (the equation in z is an
//! open condition and is left out with z). Both matrices have entries in
//! the number field `ℚ(t₀)`, `t₀` the root of the minimal polynomial χ that
//! gives `p = h(t₀)/χ'(t₀)`. Let φ be the irreducible factor of χ over ℚ
//! with `φ(t₀) = 0`, and `r` a root of φ modulo a prime `P` that divides no
//! denominator and not φ's leading coefficient, with `χ'(r) ≢ 0`. Then
//! `t₀ ↦ r` is a ring homomorphism from the local ring of `ℤ[t₀]` at the
//! prime above `P` onto `𝔽_P`, and that ring contains every entry of both
//! matrices. A minor that is non-zero modulo `P` is non-zero over `ℚ(t₀)`,
//! so the rank modulo `P` is at most the true rank. This gives proved bounds
//! in the right directions:
//!
//! `rank_P(orbit) ≤ dim_ℝ(H·p)` and `dim ker J(p) ≤ n − rank_P(J)`.
//!
//! When the two agree (after up to a few primes: each prime's bound is
//! valid, so the best of each is kept), the local dimension is proved: the
//! family through `p` is the orbit, smooth there, of that dimension, and
//! its real part near `p` (the orbit, every point of which is positive
//! semidefinite when `p` is) has that dimension too. No floating point is
//! involved; the only randomness is the choice of roots modulo `P`, which
//! affects how fast a prime is found, never the result.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::exact::intpoly::{gcd_mod, inv_mod, mul_mod, primes, rational_mod};
use crate::exact::upoly::UPoly;
use crate::model::RationalMatrix;
use crate::polynomial::sparse::SparsePoly;

use super::families::LocalDimension;
use super::strata::s_variables;
use super::zerodim::Rur;

/// Primes (62-bit) tried before giving up on finding a root of φ.
const PRIME_ATTEMPTS: usize = 400;
/// Primes with a root at which ranks are computed before giving up on
/// closing the gap between the bounds.
const RANK_ATTEMPTS: usize = 3;

/// The coefficients of `f` modulo `P` (lowest degree first, trimmed).
fn upoly_mod(f: &UPoly, p: u64) -> Option<Vec<u64>> {
    let mut v = f
        .coeffs()
        .iter()
        .map(|c| rational_mod(c, p))
        .collect::<Option<Vec<u64>>>()?;
    while v.last() == Some(&0) {
        v.pop();
    }
    Some(v)
}

fn eval_mod(f: &[u64], x: u64, p: u64) -> u64 {
    f.iter()
        .rev()
        .fold(0, |acc, &c| (mul_mod(acc, x, p) + c) % p)
}

/// `a·b mod f` over `𝔽_P` (`f` monic, `a`, `b` of degree below `deg f`).
fn mul_rem(a: &[u64], b: &[u64], f: &[u64], p: u64) -> Vec<u64> {
    if a.is_empty() || b.is_empty() {
        return Vec::new();
    }
    let mut prod = vec![0u64; a.len() + b.len() - 1];
    for (i, &x) in a.iter().enumerate() {
        if x == 0 {
            continue;
        }
        for (j, &y) in b.iter().enumerate() {
            prod[i + j] = (prod[i + j] + mul_mod(x, y, p)) % p;
        }
    }
    let d = f.len() - 1;
    while prod.len() > d {
        let top = prod.pop().unwrap_or(0);
        if top != 0 {
            let shift = prod.len() - d;
            for (k, &c) in f[..d].iter().enumerate() {
                let s = mul_mod(top, c, p);
                let t = &mut prod[shift + k];
                *t = (*t + p - s) % p;
            }
        }
    }
    while prod.last() == Some(&0) {
        prod.pop();
    }
    prod
}

/// `base^e mod f` over `𝔽_P`.
fn pow_rem(base: &[u64], mut e: u64, f: &[u64], p: u64) -> Vec<u64> {
    let mut result = vec![1u64];
    let mut b = base.to_vec();
    while e > 0 {
        if e & 1 == 1 {
            result = mul_rem(&result, &b, f, p);
        }
        b = mul_rem(&b, &b, f, p);
        e >>= 1;
    }
    result
}

fn sub_poly(a: &[u64], b: &[u64], p: u64) -> Vec<u64> {
    let mut out = vec![0u64; a.len().max(b.len())];
    for (k, o) in out.iter_mut().enumerate() {
        let x = a.get(k).copied().unwrap_or(0);
        let y = b.get(k).copied().unwrap_or(0);
        *o = (x + p - y) % p;
    }
    while out.last() == Some(&0) {
        out.pop();
    }
    out
}

/// A root in `𝔽_P` of the monic `f` (degree ≥ 1), if it has one:
/// `g = gcd(x^P − x, f)` is the product of its linear factors, split by
/// `gcd((x + a)^((P−1)/2) − 1, g)` for random `a` (Cantor–Zassenhaus).
fn root_mod(f: &[u64], p: u64, rng: &mut ChaCha8Rng) -> Option<u64> {
    let x = [0, 1];
    let xp = if f.len() == 2 {
        Vec::new()
    } else {
        pow_rem(&x, p, f, p)
    };
    let mut g = if f.len() == 2 {
        f.to_vec()
    } else {
        gcd_mod(sub_poly(&xp, &x, p), f.to_vec(), p)
    };
    if g.len() < 2 {
        return None;
    }
    let mut tries = 0;
    while g.len() > 2 {
        tries += 1;
        if tries > 200 {
            return None;
        }
        let a = rng.gen_range(0..p);
        let h = pow_rem(&[a, 1], (p - 1) / 2, &g, p);
        let k = gcd_mod(sub_poly(&h, &[1], p), g.clone(), p);
        if k.len() >= 2 && k.len() < g.len() {
            g = k;
        }
    }
    // g = x + g₀ (monic).
    Some((p - g[0]) % p)
}

/// Rank of a matrix over `𝔽_P` (rows of residues).
fn rank_mod(mut rows: Vec<Vec<u64>>, p: u64) -> usize {
    let cols = rows.first().map_or(0, Vec::len);
    let mut rank = 0;
    for c in 0..cols {
        let Some(piv) = (rank..rows.len()).find(|&i| rows[i][c] != 0) else {
            continue;
        };
        rows.swap(rank, piv);
        let inv = inv_mod(rows[rank][c], p);
        let pivot = rows[rank].clone();
        for row in rows.iter_mut().skip(rank + 1) {
            let f = mul_mod(row[c], inv, p);
            if f != 0 {
                for (x, &y) in row.iter_mut().zip(&pivot).skip(c) {
                    *x = (*x + p - mul_mod(f, y, p)) % p;
                }
            }
        }
        rank += 1;
    }
    rank
}

/// `f(x)` modulo `P`, `None` when `P` divides a denominator.
pub(crate) fn eval_sparse_mod(f: &SparsePoly, x: &[u64], p: u64) -> Option<u64> {
    let mut acc = 0u64;
    for (e, c) in f.terms() {
        let mut t = rational_mod(c, p)?;
        for (&k, &xi) in e.iter().zip(x) {
            for _ in 0..k {
                t = mul_mod(t, xi, p);
            }
        }
        acc = (acc + t) % p;
    }
    Some(acc)
}

/// The stratum equations without z and their derivatives in the S
/// variables, prepared once for several points and primes.
pub struct TangentSystem {
    /// `∂f/∂s_k` for each equation f free of z (rows of the Jacobian).
    derivatives: Vec<Vec<SparsePoly>>,
    nvars: usize,
}

impl TangentSystem {
    /// The system `polys` in `nvars` variables, z the last one.
    pub fn new(polys: &[SparsePoly], nvars: usize) -> Self {
        let ns = nvars - 1;
        let derivatives = polys
            .iter()
            .filter(|p| p.terms().iter().all(|(e, _)| e[ns] == 0))
            .map(|p| (0..ns).map(|k| p.derivative(k)).collect())
            .collect();
        Self { derivatives, nvars }
    }
}

/// Proved bounds on the local dimension at the solution of the root `t₀`
/// of `rur.chi`, where `phi` is the irreducible factor of χ over ℚ with
/// `φ(t₀) = 0` (see the module docs). `None` when no usable prime was
/// found; otherwise the bounds (`prime` set), which prove the dimension
/// when they agree.
pub fn local_dimension_exact(
    system: &TangentSystem,
    rur: &Rur,
    phi: &UPoly,
    basis: &[RationalMatrix],
    m: usize,
) -> Option<LocalDimension> {
    let ns = system.nvars - 1;
    let (_, idx) = s_variables(m);
    let mut rng = ChaCha8Rng::seed_from_u64(0x5eed);
    let mut best: Option<LocalDimension> = None;
    let mut ranked = 0;
    for p in primes().take(PRIME_ATTEMPTS) {
        let Some(mut point) = image_point(rur, phi, p, &mut rng) else {
            continue;
        };
        point.resize(system.nvars, 0);
        let Some(bounds) = bounds_at(system, &point, basis, &idx, m, ns, p) else {
            continue;
        };
        ranked += 1;
        let merged = match best {
            None => bounds,
            Some(b) => LocalDimension {
                orbit: b.orbit.max(bounds.orbit),
                tangent: b.tangent.min(bounds.tangent),
                prime: b.prime,
            },
        };
        best = Some(merged);
        if merged.orbit == merged.tangent || ranked >= RANK_ATTEMPTS {
            break;
        }
    }
    best
}

/// The image modulo the prime `p` of the solution of a root of `phi` (an
/// irreducible factor of `rur.chi`): the coordinates `hᵢ(r)/χ'(r)` at a root
/// `r` of φ modulo p, then the saturation variables'. `None` when p
/// divides φ's leading coefficient or a denominator, φ has no root modulo
/// p, or `χ'(r) ≡ 0`.
pub(crate) fn image_point(
    rur: &Rur,
    phi: &UPoly,
    p: u64,
    rng: &mut ChaCha8Rng,
) -> Option<Vec<u64>> {
    let mut f = upoly_mod(phi, p)?;
    // The leading coefficient must survive (deg φ mod p = deg φ).
    if f.len() != phi.coeffs().len() || f.len() < 2 {
        return None;
    }
    let lc_inv = inv_mod(*f.last()?, p);
    for c in &mut f {
        *c = mul_mod(*c, lc_inv, p);
    }
    let dchi = upoly_mod(&rur.chi_derivative(), p)?;
    let hs = rur
        .numerators
        .iter()
        .map(|h| upoly_mod(h, p))
        .collect::<Option<Vec<_>>>()?;
    let r = root_mod(&f, p, rng)?;
    let d = eval_mod(&dchi, r, p);
    if d == 0 {
        return None;
    }
    let dinv = inv_mod(d, p);
    let mut point: Vec<u64> = hs
        .iter()
        .map(|h| mul_mod(eval_mod(h, r, p), dinv, p))
        .collect();
    let z = rur.saturation_values_mod(&point, p)?;
    point.extend(z);
    Some(point)
}

/// The two ranks modulo `p` at the image `point` of the solution.
fn bounds_at(
    system: &TangentSystem,
    point: &[u64],
    basis: &[RationalMatrix],
    idx: &[Vec<usize>],
    m: usize,
    ns: usize,
    p: u64,
) -> Option<LocalDimension> {
    let jac = system
        .derivatives
        .iter()
        .map(|row| {
            row.iter()
                .map(|d| eval_sparse_mod(d, point, p))
                .collect::<Option<Vec<u64>>>()
        })
        .collect::<Option<Vec<_>>>()?;
    let tangent = ns - rank_mod(jac, p);
    let s = |i: usize, j: usize| point[idx[i][j]];
    // Columns [K, S] (upper triangle), one row per basis element (rank is
    // the same for the transpose).
    let mut orbit_rows = Vec::with_capacity(basis.len());
    for k in basis {
        let km = (0..m)
            .map(|i| {
                (0..m)
                    .map(|j| rational_mod(k.get(i, j), p))
                    .collect::<Option<Vec<u64>>>()
            })
            .collect::<Option<Vec<_>>>()?;
        let mut row = Vec::with_capacity(m * (m + 1) / 2);
        for i in 0..m {
            for j in i..m {
                let mut c = 0u64;
                for (l, row_l) in km.iter().enumerate() {
                    c = (c + mul_mod(km[i][l], s(l, j), p)) % p;
                    c = (c + p - mul_mod(s(i, l), row_l[j], p)) % p;
                }
                row.push(c);
            }
        }
        orbit_rows.push(row);
    }
    let orbit = rank_mod(orbit_rows, p);
    Some(LocalDimension {
        orbit,
        tangent,
        prime: Some(p),
    })
}

/// The irreducible factor of χ over ℚ that vanishes at `root`, from a
/// factorization of χ (`factors`); `None` if none does (which would mean
/// the factorization is not of χ).
pub fn factor_at(factors: &[UPoly], root: &crate::exact::roots::RealRoot) -> Option<UPoly> {
    factors
        .iter()
        .find(|f| !f.is_zero() && root.sign_of(f) == std::cmp::Ordering::Equal)
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: u64 = 1_000_000_007;

    #[test]
    fn roots_modulo_a_prime_are_roots() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        // (x − 3)(x − 5)(x² + 1) over 𝔽_P with P ≡ 3 (mod 4): x² + 1 has
        // no root, the linear factors do.
        let f = vec![15, P - 8, 16, P - 8, 1];
        let f: Vec<u64> = f.into_iter().map(|c| c % P).collect();
        let r = root_mod(&f, P, &mut rng).expect("a root");
        assert_eq!(eval_mod(&f, r, P), 0);
        assert!(r == 3 || r == 5);
        // x² + 1 alone: no root (P ≡ 3 mod 4).
        assert_eq!(P % 4, 3);
        assert_eq!(root_mod(&[1, 0, 1], P, &mut rng), None);
        // x² − 2 has a root iff 2 is a square: P ≡ 7 (mod 8).
        let has = root_mod(&[P - 2, 0, 1], P, &mut rng);
        assert_eq!(P % 8 == 7 || P % 8 == 1, has.is_some());
    }

    #[test]
    fn rank_modulo_a_prime() {
        let rows = vec![vec![1, 2, 3], vec![2, 4, 6], vec![0, 1, 1]];
        assert_eq!(rank_mod(rows, P), 2);
        assert_eq!(rank_mod(vec![vec![0, 0], vec![0, 0]], P), 0);
        assert_eq!(rank_mod(vec![vec![1, 0], vec![0, 1]], P), 2);
    }

    #[test]
    fn the_circle_has_dimension_one_and_its_centre_zero() {
        use num_bigint::BigInt;
        use num_rational::BigRational;
        let q = |n: i64| BigRational::from_integer(BigInt::from(n));
        // m = 2, variables s11, s12, s22, z: the circle
        // (s11 − 1)² + s12² = 1, s22 = 0, z = 1, and its point
        // s11 = 1 + t/2, s12 = t/2 at the roots of χ = t² − 2.
        let poly = |terms: Vec<(Vec<u16>, BigRational)>| SparsePoly::from_terms(4, terms);
        let circle = poly(vec![
            (vec![2, 0, 0, 0], q(1)),
            (vec![1, 0, 0, 0], q(-2)),
            (vec![0, 2, 0, 0], q(1)),
        ]);
        let flat = poly(vec![(vec![0, 0, 1, 0], q(1))]);
        let open = poly(vec![(vec![0, 0, 0, 1], q(1)), (vec![0, 0, 0, 0], q(-1))]);
        let system = TangentSystem::new(&[circle, flat, open], 4);
        let chi = UPoly::new(vec![q(-2), q(0), q(1)]);
        // χ' = 2t: s11 = 1 + t/2 ⇒ h = 2t + t² ≡ 2t + 2; s12 = t/2 ⇒ h = t²
        // ≡ 2; s22 = 0; z = 1 ⇒ h = 2t.
        let rur = Rur {
            form: vec![0, 2, 0, 0],
            chi: chi.clone(),
            numerators: vec![
                UPoly::new(vec![q(2), q(2)]),
                UPoly::new(vec![q(2)]),
                UPoly::zero(),
                UPoly::new(vec![q(0), q(2)]),
            ],
            saturation: Vec::new(),
        };
        // K = [[0, 1], [−1, 0]] does not preserve this toy circle; it only
        // exercises the orbit rank: [K, S] ≠ 0 at this S, so rank 1.
        let k = RationalMatrix::from_ints(&[&[0, 1], &[-1, 0]], 1);
        let d = local_dimension_exact(&system, &rur, &chi, &[k], 2).expect("a prime");
        // Tangent: kernel of [[2s11 − 2, 2s12, 0], [0, 0, 1]] = 1.
        assert_eq!(d.tangent, 1);
        assert_eq!(d.orbit, 1);
        assert!(d.prime.is_some());
        // Without the symmetry the lower bound is 0: not decided.
        let d = local_dimension_exact(&system, &rur, &chi, &[], 2).expect("a prime");
        assert_eq!((d.orbit, d.tangent), (0, 1));
    }
}

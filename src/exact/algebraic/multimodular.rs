//! Berkowitz's algorithm over `Q[t]/(χ)` by Chinese remaindering, with a
//! proved bound instead of early termination.
//!
//! The division-free algorithm ([`berkowitz_in`]) runs over any commutative
//! ring. Over `Q[t]/(χ)` directly its coefficients grow at every step; here
//! it runs modulo many word-size primes instead, and the exact result is
//! assembled by the Chinese remainder theorem. Nothing is guessed:
//!
//! 1. **An integral ring.** With `χ̃ = lc·tᵈ + …` the primitive integer form
//!    of χ and `u = lc·t`, `χ̂(u) = lc^{d−1}·χ̃(u/lc)` is monic with integer
//!    coefficients and `ℤ[u]/(χ̂)` is a ring in which every element of
//!    `Q[t]/(χ)` is an integer polynomial over a common denominator. The
//!    matrix A is written `A = Ã/s` with Ã over `ℤ[u]/(χ̂)`; the leading
//!    principal characteristic polynomials scale as
//!    `det(xI − Ã_k) = Σ_j s^j c_j x^{k−j}` when
//!    `det(xI − A_k) = Σ_j c_j x^{k−j}`.
//! 2. **Images.** Reduction modulo a prime p is a ring homomorphism
//!    `ℤ[u]/(χ̂) → 𝔽_p[u]/(χ̂)` (χ̂ is monic), and the algorithm has no
//!    division, so its run modulo p gives the images of the integer results.
//! 3. **A bound.** The same run on upper bounds of `log₂ ‖·‖_∞`
//!    (`‖a + b‖ ≤ ‖a‖ + ‖b‖`, `‖ab mod χ̂‖ ≤ d·‖a‖·‖b‖·ρ` with
//!    `ρ = 1 + Σ_{k=d}^{2d−2} ‖uᵏ mod χ̂‖_∞`, computed exactly once) bounds
//!    every coefficient of every result by `2^B`. Primes are added until
//!    their product exceeds `2^{B+2}`; the symmetric residues are then the
//!    integers themselves.
//!
//! The result is the same element of `Q[t]/(χ)` as the direct computation
//! (a unit test compares them), at a cost that grows with the bound's size
//! in words rather than with products of ever larger integers.

use std::collections::HashMap;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
use rayon::prelude::*;

use super::crt::Crt;
use crate::exact::intpoly::{self, Modulus, inv_mod, primes};
use crate::exact::qt::{Qt, QtElem};

/// A commutative ring for [`berkowitz_in`].
pub(crate) trait Ring {
    /// Its elements.
    type E: Clone;
    fn zero(&self) -> Self::E;
    fn one(&self) -> Self::E;
    /// Whether `a` is known to be zero (a skip, never needed for
    /// correctness).
    fn is_zero(&self, a: &Self::E) -> bool;
    fn add(&self, a: &Self::E, b: &Self::E) -> Self::E;
    fn mul(&self, a: &Self::E, b: &Self::E) -> Self::E;
    fn neg(&self, a: &Self::E) -> Self::E;
}

/// Berkowitz's division-free algorithm over `ring`: the characteristic
/// polynomials `det(xI − A_k)` of the leading principal k×k submatrices of
/// the square matrix `a` (rows), `k = 1..=n` (only `k = n` unless `all`),
/// each from the highest degree down (`[1, a₁, …, a_k]`).
///
/// `det(xI − A_{k+1}) = (x − a)·det(xI − A_k) − R·adj(xI − A_k)·S` with
/// `R`, `S`, `a` the new row, column and diagonal entry; expanding the
/// adjugate in powers of `A_k` gives the product of the lower-triangular
/// Toeplitz matrix of `(1, −a, −RS, −RA_kS, …, −RA_k^{k−1}S)` with the
/// previous coefficient vector. `O(n⁴)` ring operations, no division.
pub(super) fn berkowitz_in<R: Ring>(ring: &R, a: &[Vec<R::E>], all: bool) -> Vec<Vec<R::E>> {
    let n = a.len();
    let mut c = vec![ring.one()];
    let mut out = Vec::new();
    let dot = |v: &[R::E], col: usize| -> R::E {
        let mut acc = ring.zero();
        for (i, vi) in v.iter().enumerate() {
            let x = &a[i][col];
            if !ring.is_zero(vi) && !ring.is_zero(x) {
                acc = ring.add(&acc, &ring.mul(vi, x));
            }
        }
        acc
    };
    for (k, row) in a.iter().enumerate() {
        let mut t = Vec::with_capacity(k + 2);
        t.push(ring.one());
        t.push(ring.neg(&row[k]));
        let mut v: Vec<R::E> = row[..k].to_vec();
        for step in 0..k {
            t.push(ring.neg(&dot(&v, k)));
            if step + 1 < k {
                v = (0..k).map(|l| dot(&v, l)).collect();
            }
        }
        let next: Vec<R::E> = (0..k + 2)
            .map(|i| {
                let mut acc = ring.zero();
                for (j, cj) in c.iter().enumerate().take(i.min(k) + 1) {
                    let tij = &t[i - j];
                    if !ring.is_zero(tij) && !ring.is_zero(cj) {
                        acc = ring.add(&acc, &ring.mul(tij, cj));
                    }
                }
                acc
            })
            .collect();
        c = next;
        if all || k + 1 == n {
            out.push(c.clone());
        }
    }
    out
}

/// `𝔽_p[u]/(χ̂)` with χ̂ monic of degree d; elements have length d.
pub(crate) struct ModRing {
    modulus: Modulus,
    d: usize,
    /// `uᵏ mod χ̂` for `k = d..=2d−2`.
    reductions: Vec<Vec<u64>>,
    /// `χ̂ mod p`, lowest degree first (monic, length d + 1).
    chi: Vec<u64>,
}

impl ModRing {
    /// The ring for the low coefficients `χ̂_0, …, χ̂_{d−1}` of a monic χ̂
    /// (reduced modulo p here) and a prime p < 2⁶².
    pub(crate) fn new(chi_low: &[BigInt], p: u64) -> Self {
        let d = chi_low.len();
        let modulus = Modulus::new(p);
        let mut chi: Vec<u64> = chi_low.iter().map(|c| modulus.reduce(c)).collect();
        chi.push(1);
        // u^d = −Σ χ̂_k u^k.
        let mut cur: Vec<u64> = chi_low
            .iter()
            .map(|c| (p - modulus.reduce(c)) % p)
            .collect();
        let mut reductions = Vec::with_capacity(d.saturating_sub(1));
        for _ in 0..d.saturating_sub(1) {
            reductions.push(cur.clone());
            // cur·u: shift up, reduce the overflow u^d.
            let top = cur[d - 1];
            let mut next = vec![0u64; d];
            for k in (1..d).rev() {
                next[k] = cur[k - 1];
            }
            for (k, x) in next.iter_mut().enumerate() {
                let add = modulus.mul(top, reductions[0][k]);
                *x = (*x + add) % p;
            }
            cur = next;
        }
        Self {
            modulus,
            d,
            reductions,
            chi,
        }
    }

    /// The inverse of `a` in `𝔽_p[u]/(χ̂)`, or `None` when `a` is not a
    /// unit (it shares a root with χ̂ modulo p): the extended Euclidean
    /// algorithm in `𝔽_p[u]`, keeping only the cofactor of `a`.
    pub(crate) fn inverse(&self, a: &[u64]) -> Option<Vec<u64>> {
        let m = &self.modulus;
        let p = m.p();
        let trim = |mut v: Vec<u64>| {
            while v.last() == Some(&0) {
                v.pop();
            }
            v
        };
        // Invariant: t0·a ≡ r0 and t1·a ≡ r1 (mod χ̂).
        let (mut r0, mut r1) = (self.chi.clone(), trim(a.to_vec()));
        let (mut t0, mut t1): (Vec<u64>, Vec<u64>) = (Vec::new(), vec![1]);
        while !r1.is_empty() {
            // r0 = q·r1 + r, by long division.
            let inv_lead = inv_mod(*r1.last().unwrap(), p);
            let mut r = r0;
            let mut q = vec![0u64; r.len().saturating_sub(r1.len()) + 1];
            while r.len() >= r1.len() {
                let shift = r.len() - r1.len();
                let c = m.mul(*r.last().unwrap(), inv_lead);
                q[shift] = c;
                for (k, &x) in r1.iter().enumerate() {
                    let sub = m.mul(c, x);
                    r[shift + k] = (r[shift + k] + p - sub) % p;
                }
                r = trim(r);
                if r.is_empty() {
                    break;
                }
            }
            // t = t0 − q·t1.
            let mut t = t0.clone();
            t.resize(t.len().max(q.len() + t1.len()), 0);
            for (i, &qi) in q.iter().enumerate() {
                for (j, &x) in t1.iter().enumerate() {
                    t[i + j] = (t[i + j] + p - m.mul(qi, x)) % p;
                }
            }
            (r0, r1) = (r1, r);
            (t0, t1) = (t1, trim(t));
        }
        // r0 = gcd(χ̂, a) up to a unit: a constant iff a is a unit.
        if r0.len() != 1 {
            return None;
        }
        let c = inv_mod(r0[0], p);
        let mut out = vec![0u64; self.d];
        for (o, x) in out.iter_mut().zip(&t0) {
            *o = m.mul(*x, c);
        }
        Some(out)
    }

    /// `a − b`.
    fn sub(&self, a: &[u64], b: &[u64]) -> Vec<u64> {
        let p = self.modulus.p();
        a.iter().zip(b).map(|(&x, &y)| (x + p - y) % p).collect()
    }

    /// `a·b mod χ̂` into `prod[..d]` (`prod` of length `2d − 1`, overwritten),
    /// each entry congruent to its coefficient but not yet reduced below p.
    ///
    /// Sums of products (each below p² < 2^124) are accumulated in u128 and
    /// reduced only when the next one could overflow, and the high part is
    /// folded back through uᵏ mod χ̂ before the one final reduction per
    /// coefficient: the 128-bit remainders, the bulk of a certificate's
    /// time, are about d per product instead of d².
    fn product(&self, a: &[u64], b: &[u64], prod: &mut [u128]) {
        let (m, d) = (&self.modulus, self.d);
        let pp = u128::from(m.p());
        let limit = u128::MAX - pp * pp;
        let add = |acc: &mut u128, x: u64, y: u64| {
            let s = *acc + u128::from(x) * u128::from(y);
            *acc = if s > limit { u128::from(m.rem(s)) } else { s };
        };
        prod.fill(0);
        for (i, &x) in a.iter().enumerate() {
            if x == 0 {
                continue;
            }
            for (j, &y) in b.iter().enumerate() {
                add(&mut prod[i + j], x, y);
            }
        }
        let (out, high) = prod.split_at_mut(d);
        for (red, &h) in self.reductions.iter().zip(high.iter()) {
            let c = m.rem(h);
            if c == 0 {
                continue;
            }
            for (o, &r) in out.iter_mut().zip(red) {
                add(o, c, r);
            }
        }
    }

    /// `x ← x − f·y` in place (`x + f·y` with `add`), with `scratch` of
    /// length `2d − 1` instead of fresh vectors: the inner step of the
    /// eliminations, where allocation cost as much as the arithmetic.
    fn axpy(&self, x: &mut [u64], f: &[u64], y: &[u64], add: bool, scratch: &mut [u128]) {
        self.product(f, y, scratch);
        let p = self.modulus.p();
        for (xi, &s) in x.iter_mut().zip(scratch.iter()) {
            let t = self.modulus.rem(s);
            *xi = if add {
                (*xi + t) % p
            } else {
                (*xi + p - t) % p
            };
        }
    }

    /// A scratch buffer for [`Self::axpy`].
    fn scratch(&self) -> Vec<u128> {
        vec![0; 2 * self.d - 1]
    }
}

/// The leading principal minors `det A_k`, `k = 1..=n`, of `a` over
/// `𝔽_p[u]/(χ̂)` by elimination without pivoting, or `None` when a pivot is
/// not a unit. In any commutative ring, when the leading minors `Δ₁, …,
/// Δ_{k−1}` are units, Gaussian elimination without row exchanges is
/// defined up to step k and `Δ_k` is the product of the first k pivots
/// (the Schur complements' determinants). `O(n³)` products and n inverses,
/// against Berkowitz's `O(n⁴)` products.
fn leading_minors_by_elimination(
    ring: &ModRing,
    mut a: Vec<Vec<Vec<u64>>>,
) -> Option<Vec<Vec<u64>>> {
    let n = a.len();
    let mut minors = Vec::with_capacity(n);
    let mut scratch = ring.scratch();
    let mut det = ring.one();
    for k in 0..n {
        det = ring.mul(&det, &a[k][k]);
        minors.push(det.clone());
        if k + 1 == n {
            break;
        }
        let inv = ring.inverse(&a[k][k])?;
        let (top, rest) = a.split_at_mut(k + 1);
        let pivot_row = &top[k];
        for row in rest.iter_mut() {
            if ring.is_zero(&row[k]) {
                continue;
            }
            let f = ring.mul(&row[k], &inv);
            for j in k + 1..n {
                if !ring.is_zero(&pivot_row[j]) {
                    ring.axpy(&mut row[j], &f, &pivot_row[j], false, &mut scratch);
                }
            }
        }
    }
    Some(minors)
}

impl Ring for ModRing {
    type E = Vec<u64>;
    fn zero(&self) -> Vec<u64> {
        vec![0; self.d]
    }
    fn one(&self) -> Vec<u64> {
        let mut v = vec![0; self.d];
        v[0] = 1;
        v
    }
    fn is_zero(&self, a: &Vec<u64>) -> bool {
        a.iter().all(|&x| x == 0)
    }
    fn add(&self, a: &Vec<u64>, b: &Vec<u64>) -> Vec<u64> {
        let p = self.modulus.p();
        a.iter().zip(b).map(|(&x, &y)| (x + y) % p).collect()
    }
    fn neg(&self, a: &Vec<u64>) -> Vec<u64> {
        let p = self.modulus.p();
        a.iter().map(|&x| (p - x) % p).collect()
    }
    fn mul(&self, a: &Vec<u64>, b: &Vec<u64>) -> Vec<u64> {
        let mut prod = vec![0u128; 2 * self.d - 1];
        self.product(a, b, &mut prod);
        prod[..self.d]
            .iter()
            .map(|&x| self.modulus.rem(x))
            .collect()
    }
}

/// Upper bounds on `log₂ ‖·‖_∞` (−∞ for zero).
struct BoundRing {
    /// `log₂ d + log₂ ρ`: added by each product.
    product: f64,
}

/// Safety margin per operation against rounding of the f64 logarithms.
const MARGIN: f64 = 1e-9;

impl Ring for BoundRing {
    type E = f64;
    fn zero(&self) -> f64 {
        f64::NEG_INFINITY
    }
    fn one(&self) -> f64 {
        0.0
    }
    fn is_zero(&self, a: &f64) -> bool {
        *a == f64::NEG_INFINITY
    }
    fn add(&self, a: &f64, b: &f64) -> f64 {
        let (hi, lo) = if a >= b { (*a, *b) } else { (*b, *a) };
        if lo == f64::NEG_INFINITY {
            return hi;
        }
        hi + (1.0 + (lo - hi).exp2()).log2() + MARGIN
    }
    fn mul(&self, a: &f64, b: &f64) -> f64 {
        if self.is_zero(a) || self.is_zero(b) {
            return f64::NEG_INFINITY;
        }
        a + b + self.product + MARGIN
    }
    fn neg(&self, a: &f64) -> f64 {
        *a
    }
}

fn log2_big(x: &BigInt) -> f64 {
    if x.is_zero() {
        return f64::NEG_INFINITY;
    }
    // bits − 1 ≤ log₂|x| < bits.
    x.bits() as f64
}

/// The leading principal characteristic polynomials of `a` (square, over
/// `Q[t]/(χ)` of `qt`), as [`berkowitz_in`] over the ring itself would give
/// them, by Chinese remaindering under a proved bound (module docs).
pub(crate) fn berkowitz_multimodular(qt: &Qt, a: &[Vec<QtElem>], all: bool) -> Vec<Vec<QtElem>> {
    let (ring, chosen, images, s) = berkowitz_images(qt, a, all);
    let wanted: Vec<(usize, usize, usize)> = images[0]
        .iter()
        .enumerate()
        .flat_map(|(idx, c)| (0..c.len()).map(move |j| (idx, j, j)))
        .collect();
    let mut flat = reconstruct(qt, &ring, &chosen, &images, &s, &wanted).into_iter();
    images[0]
        .iter()
        .map(|c| flat.by_ref().take(c.len()).collect())
        .collect()
}

/// The leading principal minors `det A_k`, `k = 1..=n`, of `a` (square,
/// over `Q[t]/(χ)`): the same images as [`berkowitz_multimodular`] with
/// `all`, but only the constant coefficient `(−1)ᵏ det A_k` of each
/// `det(xI − A_k)` is assembled, the one a Hurwitz test needs (the
/// Chinese remaindering of the others was most of its time).
pub(crate) fn leading_minors_multimodular(qt: &Qt, a: &[Vec<QtElem>]) -> Vec<QtElem> {
    // Per prime: [k][0] = det A_{k+1} mod p, by elimination, or from
    // Berkowitz's constant coefficients (−1)ᵏ det A_k when a pivot is not
    // a unit modulo that prime.
    let (ring, chosen, images, s) = modular_images(qt, a, true, |ring, am| {
        let minors = leading_minors_by_elimination(ring, am.clone()).unwrap_or_else(|| {
            berkowitz_in(ring, &am, true)
                .into_iter()
                .enumerate()
                .map(|(k, c)| {
                    let ck = c[k + 1].clone();
                    if k % 2 == 0 { ring.neg(&ck) } else { ck }
                })
                .collect()
        });
        minors.into_iter().map(|m| vec![m]).collect()
    });
    // det(s·A_k) = s^k det A_k.
    let wanted: Vec<(usize, usize, usize)> = (0..images[0].len()).map(|k| (k, 0, k + 1)).collect();
    reconstruct(qt, &ring, &chosen, &images, &s, &wanted)
}

/// Residues `[prime][polynomial][coefficient][u-power]`.
type Images = Vec<Vec<Vec<Vec<u64>>>>;

/// The integral ring, the primes (enough for the proved bound), the images
/// of Berkowitz's run modulo each (in parallel) and the scale `s`.
///
/// Without `all`, only `det(xI − A)` is wanted and each prime reduces the
/// matrix to Hessenberg form first ([`charpoly_by_hessenberg`], `O(n³)`),
/// falling back to Berkowitz (`O(n⁴)`) at a prime where no unit pivot
/// exists: the image of `det(xI − Ã)` modulo p does not depend on how it
/// is computed, so the bound and the primes are the same.
fn berkowitz_images(qt: &Qt, a: &[Vec<QtElem>], all: bool) -> (IntRing, Vec<u64>, Images, BigInt) {
    modular_images(qt, a, all, |ring, am| {
        if all {
            return berkowitz_in(ring, &am, true);
        }
        match charpoly_by_hessenberg(ring, am) {
            Ok(c) => vec![c],
            Err(am) => berkowitz_in(ring, &am, false),
        }
    })
}

/// `det(xI − A)` over `𝔽_p[u]/(χ̂)`, highest degree first, by a similarity
/// reduction to upper Hessenberg form and the Hessenberg recurrence; `Err`
/// with the matrix untouched when some column has nonzero entries below
/// the subdiagonal but none of them is a unit (then no similarity of this
/// kind is defined over the ring).
///
/// Column k: a unit entry `a_{ik}`, `i > k`, is swapped to row and column
/// k+1 (a permutation similarity); each row `j > k+1` then loses
/// `f = a_{jk}/a_{k+1,k}` times row k+1, and column k+1 gains f times
/// column j (the similarity by `I − f·e_j e_{k+1}ᵀ`). Similarities with
/// invertible matrices keep `det(xI − A)` in any commutative ring. For the
/// Hessenberg H, `p_{k+1} = (x − h_{kk})·p_k − Σ_{i<k} h_{ik}·(h_{i+1,i}⋯h_{k,k−1})·p_i`
/// with `p_0 = 1` is the expansion of `det(xI − H_{k+1})` along its last
/// column, division-free. `O(n³)` products and at most n − 2 inverses.
pub(super) fn charpoly_by_hessenberg(
    ring: &ModRing,
    a: Vec<Vec<Vec<u64>>>,
) -> Result<Vec<Vec<u64>>, Vec<Vec<Vec<u64>>>> {
    let n = a.len();
    let mut h = a.clone();
    let mut scratch = ring.scratch();
    for k in 0..n.saturating_sub(2) {
        let mut pivot = None;
        let mut blocked = false;
        for (i, row) in h.iter().enumerate().skip(k + 1) {
            if ring.is_zero(&row[k]) {
                continue;
            }
            match ring.inverse(&row[k]) {
                Some(inv) => {
                    pivot = Some((i, inv));
                    break;
                }
                None => blocked = true,
            }
        }
        let Some((i, inv)) = pivot else {
            if blocked {
                return Err(a);
            }
            continue;
        };
        if i != k + 1 {
            h.swap(i, k + 1);
            for row in h.iter_mut() {
                row.swap(i, k + 1);
            }
        }
        for j in k + 2..n {
            if ring.is_zero(&h[j][k]) {
                continue;
            }
            let f = ring.mul(&h[j][k], &inv);
            let (top, rest) = h.split_at_mut(j);
            let (pivot_row, row) = (&top[k + 1], &mut rest[0]);
            for c in k..n {
                if !ring.is_zero(&pivot_row[c]) {
                    ring.axpy(&mut row[c], &f, &pivot_row[c], false, &mut scratch);
                }
            }
            for row in h.iter_mut() {
                if !ring.is_zero(&row[j]) {
                    let (left, right) = row.split_at_mut(j);
                    ring.axpy(&mut left[k + 1], &f, &right[0], true, &mut scratch);
                }
            }
        }
    }
    // p[k]: det(xI − H_k), lowest degree first (length k + 1).
    let mut p: Vec<Vec<Vec<u64>>> = vec![vec![ring.one()]];
    for k in 0..n {
        // (x − h_kk)·p_k.
        let pk = &p[k];
        let mut next = vec![ring.zero(); k + 2];
        for (e, c) in pk.iter().enumerate() {
            next[e + 1] = Ring::add(ring, &next[e + 1], c);
            if !ring.is_zero(&h[k][k]) {
                next[e] = ring.sub(&next[e], &ring.mul(&h[k][k], c));
            }
        }
        // − h_ik·(h_{i+1,i}⋯h_{k,k−1})·p_i for i = k−1 down to 0.
        let mut chain = ring.one();
        for i in (0..k).rev() {
            chain = ring.mul(&chain, &h[i + 1][i]);
            if ring.is_zero(&chain) {
                break;
            }
            if ring.is_zero(&h[i][k]) {
                continue;
            }
            let f = ring.mul(&h[i][k], &chain);
            for (e, c) in p[i].iter().enumerate() {
                ring.axpy(&mut next[e], &f, c, false, &mut scratch);
            }
        }
        p.push(next);
    }
    let mut out = p.pop().unwrap_or_else(|| vec![ring.one()]);
    out.reverse();
    Ok(out)
}

/// The integral ring, the primes (enough for the proved bound on
/// Berkowitz's results, `all` as there), `run` on the reduced matrix
/// modulo each prime (in parallel) and the scale `s`.
fn modular_images<F>(
    qt: &Qt,
    a: &[Vec<QtElem>],
    all: bool,
    run: F,
) -> (IntRing, Vec<u64>, Images, BigInt)
where
    F: Fn(&ModRing, Vec<Vec<Vec<u64>>>) -> Vec<Vec<Vec<u64>>> + Sync,
{
    // χ̂, the powers of lc and the reductions uᵏ mod χ̂, computed once.
    let ring = IntRing::new(qt);
    let (scaled, s) = scale_to_integers(&ring, a);
    let bound = log2_coefficient_bound(&ring, &scaled, all);
    // Primes (62 bits each, at least 61 bits of product) until the product
    // exceeds 2^{B+2}.
    let count = ((bound + 2.0) / 61.0).ceil() as usize + 1;
    let chosen: Vec<u64> = primes().take(count).collect();
    // Each distinct integer is reduced once per prime: a Hurwitz matrix
    // repeats every coefficient of its polynomial along a diagonal, and
    // zeros abound in the blocks.
    let mut index: HashMap<&BigInt, usize> = HashMap::new();
    let mut distinct: Vec<&BigInt> = Vec::new();
    let at: Vec<Vec<Vec<usize>>> = scaled
        .iter()
        .map(|row| {
            row.iter()
                .map(|v| {
                    v.iter()
                        .map(|c| {
                            *index.entry(c).or_insert_with(|| {
                                distinct.push(c);
                                distinct.len() - 1
                            })
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    let words = distinct
        .iter()
        .map(|c| c.magnitude().iter_u64_digits().len())
        .max()
        .unwrap_or(0);
    let images: Images = chosen
        .par_iter()
        .map(|&p| {
            let ring = ModRing::new(&ring.chi_low, p);
            let m = ring.modulus;
            let powers = m.word_powers(words);
            let residues: Vec<u64> = distinct.iter().map(|c| m.reduce_by(c, &powers)).collect();
            let am: Vec<Vec<Vec<u64>>> = at
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|v| v.iter().map(|&i| residues[i]).collect())
                        .collect()
                })
                .collect();
            run(&ring, am)
        })
        .collect();
    (ring, chosen, images, s)
}

/// The entries `num(t)/den = (Σ a_k lc^{d−1−k} u^k)/(den·lc^{d−1})` of `a`
/// over the common denominator `s = lcm(den)·lc^{d−1}`: the integer
/// coefficient vectors (in u) of `s·a_ij`, and s.
fn scale_to_integers(ring: &IntRing, a: &[Vec<QtElem>]) -> (Vec<Vec<Vec<BigInt>>>, BigInt) {
    let d = ring.d;
    let pow = |e: usize| &ring.lc_pow[e];
    let mut l = BigInt::one();
    for row in a {
        for e in row {
            let (_, den) = e.parts();
            l = &l / intpoly::int_gcd(&l, den) * den;
        }
    }
    let scaled: Vec<Vec<Vec<BigInt>>> = a
        .iter()
        .map(|row| {
            row.iter()
                .map(|e| {
                    let (num, den) = e.parts();
                    let f = &l / den;
                    let mut v = vec![BigInt::zero(); d];
                    for (k, c) in num.iter().enumerate() {
                        v[k] = c * &f * pow(d - 1 - k);
                    }
                    v
                })
                .collect()
        })
        .collect();
    let s = &l * pow(d - 1);
    (scaled, s)
}

/// A proved bound B on log₂ of every coefficient of the characteristic
/// polynomials of the integer matrix `scaled` over `ℤ[u]/(χ̂)`: Berkowitz
/// run over [`BoundRing`] (module docs).
fn log2_coefficient_bound(ring: &IntRing, scaled: &[Vec<Vec<BigInt>>], all: bool) -> f64 {
    let d = ring.d;
    // ρ = 1 + Σ_k ‖uᵏ mod χ̂‖_∞ over k = d..=2d−2, exactly.
    let rho = ring
        .reductions
        .iter()
        .map(|red| red.iter().map(|c| c.abs()).max().unwrap_or_default())
        .fold(BigInt::one(), |acc, x| acc + x);
    let bounds = BoundRing {
        product: (d as f64).log2() + log2_big(&rho) + 1.0,
    };
    let entry_bounds: Vec<Vec<f64>> = scaled
        .iter()
        .map(|row| {
            row.iter()
                .map(|v| v.iter().map(log2_big).fold(f64::NEG_INFINITY, f64::max))
                .collect()
        })
        .collect();
    berkowitz_in(&bounds, &entry_bounds, all)
        .iter()
        .flatten()
        .copied()
        .fold(0.0, f64::max)
}

/// The `wanted` values `(polynomial, coefficient, e)` over `Q[t]/(χ)`, in
/// that order, from their `images` modulo the `chosen` primes (of the
/// matrix scaled by `s`, so the value is `c̃ / s^e`): Chinese remaindering
/// u-coefficient by u-coefficient (the values in parallel), then the
/// division by `s^e`.
fn reconstruct(
    qt: &Qt,
    ring: &IntRing,
    chosen: &[u64],
    images: &Images,
    s: &BigInt,
    wanted: &[(usize, usize, usize)],
) -> Vec<QtElem> {
    let d = ring.d;
    let pow = |e: usize| &ring.lc_pow[e];
    // Chinese remaindering against prefix products computed once.
    let crt = Crt::new(chosen);
    wanted
        .par_iter()
        .map(|&(idx, j, e)| {
            let coeffs = (0..d).map(|k| {
                let residues: Vec<u64> = images.iter().map(|im| im[idx][j][k]).collect();
                crt.symmetric(&residues)
            });
            // c = c̃ / s^e, and u^k = lc^k t^k: one integer numerator
            // over s^e, normalized once (the crate's gcd, the content stopping
            // at 1) instead of a binary-gcd reduction per coefficient.
            let sj = num_traits::pow(s.clone(), e);
            let num = coeffs.enumerate().map(|(k, c)| c * pow(k)).collect();
            qt.elem_of_integers(num, sj)
        })
        .collect()
}

/// `ℤ[u]/(χ̂)` tensored with ℚ (module docs, step 1): an element is an
/// integer polynomial in `u = lc·t` of degree `< d` over one integer
/// denominator. Products reduce by the monic χ̂ (no pseudo-division), sums
/// bring the two denominators to their lcm; no content gcds are taken, so
/// the representation is not canonical and equality is decided only through
/// [`IntRing::to_qt`].
#[derive(Debug)]
pub(super) struct IntRing {
    d: usize,
    /// `χ̂_0, …, χ̂_{d−1}` (χ̂ monic of degree d).
    chi_low: Vec<BigInt>,
    /// `lc^k`, `k = 0..=d−1`.
    lc_pow: Vec<BigInt>,
    /// `uᵏ mod χ̂` for `k = d..=2d−2`.
    reductions: Vec<Vec<BigInt>>,
    /// The size in 64-bit words of the largest entry of `reductions`.
    reduction_words: u64,
    /// The work of the products so far, in word products (see
    /// [`IntRing::work`]).
    work: std::sync::atomic::AtomicU64,
}

/// The size in 64-bit words of the largest of `xs`.
fn max_words(xs: &[BigInt]) -> u64 {
    xs.iter().map(BigInt::bits).max().unwrap_or(0) / 64 + 1
}

/// An element of [`IntRing`]: `Σ num_k u^k / den`, `den > 0`,
/// `num.len() == d`.
#[derive(Clone, Debug)]
pub(super) struct IntElem {
    num: Vec<BigInt>,
    den: BigInt,
}

impl IntElem {
    /// Whether the element is zero.
    pub(super) fn is_zero(&self) -> bool {
        self.num.iter().all(Zero::is_zero)
    }
}

impl IntRing {
    /// The ring of `qt` (χ of degree d ≥ 1).
    pub(super) fn new(qt: &Qt) -> Self {
        let chi = qt.chi_integer();
        let d = chi.len() - 1;
        let lc = chi[d].clone();
        let lc_pow: Vec<BigInt> = (0..d).map(|k| num_traits::pow(lc.clone(), k)).collect();
        // χ̂_k = χ̃_k · lc^{d−1−k}; u^d = −Σ χ̂_k u^k.
        let chi_low: Vec<BigInt> = (0..d).map(|k| &chi[k] * &lc_pow[d - 1 - k]).collect();
        let minus_chi: Vec<BigInt> = chi_low.iter().map(|c| -c).collect();
        let mut cur = minus_chi.clone();
        let mut reductions = Vec::with_capacity(d.saturating_sub(1));
        for _ in 0..d.saturating_sub(1) {
            reductions.push(cur.clone());
            let top = cur[d - 1].clone();
            let mut next = vec![BigInt::zero(); d];
            for k in (1..d).rev() {
                next[k] = cur[k - 1].clone();
            }
            if !top.is_zero() {
                for (x, c) in next.iter_mut().zip(&minus_chi) {
                    *x += &top * c;
                }
            }
            cur = next;
        }
        let reduction_words = reductions.iter().map(|r| max_words(r)).max().unwrap_or(1);
        Self {
            d,
            chi_low,
            lc_pow,
            reductions,
            reduction_words,
            work: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// The work of the products ([`IntRing::mul`]) so far, in word
    /// products: `d²·kₐ·k_b` for the product of two elements of kₐ and k_b
    /// words, plus `d²·(kₐ + k_b)·k_r` for its reduction by χ̂ (k_r the
    /// words of the reductions `uᵏ mod χ̂`). A function of the operands
    /// alone, so the same on every machine.
    pub(super) fn work(&self) -> u64 {
        self.work.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// `num(t)/den = Σ a_k lc^{d−1−k} u^k / (den·lc^{d−1})`.
    pub(super) fn lift_elem(&self, a: &QtElem) -> IntElem {
        let d = self.d;
        let (num, den) = a.parts();
        let mut v = vec![BigInt::zero(); d];
        for (k, c) in num.iter().enumerate() {
            v[k] = c * &self.lc_pow[d - 1 - k];
        }
        IntElem {
            num: v,
            den: den * &self.lc_pow[d - 1],
        }
    }

    /// Back to `Q[t]/(χ)` (`u^k = lc^k t^k`), normalized there.
    pub(super) fn to_qt(&self, qt: &Qt, a: &IntElem) -> QtElem {
        let num = a.num.iter().zip(&self.lc_pow).map(|(c, l)| c * l).collect();
        qt.elem_of_integers(num, a.den.clone())
    }

    /// The rational constant `q`.
    pub(super) fn constant(&self, q: &BigRational) -> IntElem {
        let mut num = vec![BigInt::zero(); self.d];
        num[0] = q.numer().clone();
        IntElem {
            num,
            den: q.denom().clone(),
        }
    }

    /// `a ± b` over the lcm of the denominators.
    pub(super) fn add(&self, a: &IntElem, b: &IntElem, minus: bool) -> IntElem {
        let (num, den) = if a.den == b.den {
            let num = a
                .num
                .iter()
                .zip(&b.num)
                .map(|(x, y)| if minus { x - y } else { x + y })
                .collect();
            (num, a.den.clone())
        } else {
            let g = intpoly::int_gcd(&a.den, &b.den);
            let fa = &b.den / &g;
            let fb = &a.den / &g;
            let num = a
                .num
                .iter()
                .zip(&b.num)
                .map(|(x, y)| {
                    let (x, y) = (x * &fa, y * &fb);
                    if minus { x - y } else { x + y }
                })
                .collect();
            (num, &a.den * &fa)
        };
        IntElem { num, den }
    }

    /// `−a`.
    pub(super) fn neg(&self, a: &IntElem) -> IntElem {
        IntElem {
            num: a.num.iter().map(|x| -x).collect(),
            den: a.den.clone(),
        }
    }

    /// `a · b`, reduced by the monic χ̂.
    pub(super) fn mul(&self, a: &IntElem, b: &IntElem) -> IntElem {
        let d = self.d;
        let (ka, kb) = (max_words(&a.num), max_words(&b.num));
        let d2 = (d * d) as u64;
        let charge = d2
            .saturating_mul(ka * kb)
            .saturating_add(d2.saturating_mul((ka + kb) * self.reduction_words));
        self.work
            .fetch_add(charge, std::sync::atomic::Ordering::Relaxed);
        let mut prod = vec![BigInt::zero(); 2 * d - 1];
        for (i, x) in a.num.iter().enumerate() {
            if x.is_zero() {
                continue;
            }
            for (j, y) in b.num.iter().enumerate() {
                if !y.is_zero() {
                    prod[i + j] += x * y;
                }
            }
        }
        let high = prod.split_off(d);
        for (c, red) in high.iter().zip(&self.reductions) {
            if c.is_zero() {
                continue;
            }
            for (o, r) in prod.iter_mut().zip(red) {
                *o += c * r;
            }
        }
        IntElem {
            num: prod,
            den: &a.den * &b.den,
        }
    }

    /// `q · a` for a rational `q`.
    pub(super) fn scale(&self, a: &IntElem, q: &BigRational) -> IntElem {
        IntElem {
            num: a.num.iter().map(|x| x * q.numer()).collect(),
            den: &a.den * q.denom(),
        }
    }
}

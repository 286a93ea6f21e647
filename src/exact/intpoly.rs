//! Integer polynomials (dense, lowest degree first) used internally for speed:
//! sign evaluation without fractions, primitive parts, pseudo-remainders and
//! a modular (small-primes) gcd.
//!
//! Conventions: a polynomial is a `Vec<BigInt>` without trailing zeros; the
//! zero polynomial is the empty vector. Nothing here is public API.

use std::cmp::Ordering;

use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

pub(crate) use crate::model::{clear_denominators, int_gcd};

/// An integer polynomial, lowest degree first, no trailing zeros.
pub(crate) type IPoly = Vec<BigInt>;

/// Removes trailing zeros.
pub(crate) fn trim(p: &mut IPoly) {
    while p.last().is_some_and(Zero::is_zero) {
        p.pop();
    }
}

/// Degree (`None` for the zero polynomial).
pub(crate) fn degree(p: &[BigInt]) -> Option<usize> {
    p.len().checked_sub(1)
}

/// The sign of an integer as an [`Ordering`] relative to zero.
pub(crate) fn sign_of_int(x: &BigInt) -> Ordering {
    match x.sign() {
        Sign::Minus => Ordering::Less,
        Sign::NoSign => Ordering::Equal,
        Sign::Plus => Ordering::Greater,
    }
}

/// The sign of a rational relative to zero.
pub(crate) fn sign_of_rat(x: &BigRational) -> Ordering {
    sign_of_int(x.numer())
}

/// `n/d` in lowest terms (`d ≠ 0`) using the fast gcd [`int_gcd`].
pub(crate) fn ratio(n: BigInt, d: BigInt) -> BigRational {
    let g = int_gcd(&n, &d);
    let (mut n, mut d) = if g.is_one() { (n, d) } else { (n / &g, d / &g) };
    if d.is_negative() {
        n = -n;
        d = -d;
    }
    BigRational::new_raw(n, d)
}

/// The content (positive gcd of the coefficients; zero for the zero
/// polynomial). Starts from the smallest coefficient and stops at 1.
pub(crate) fn content(p: &[BigInt]) -> BigInt {
    let mut order: Vec<&BigInt> = p.iter().filter(|c| !c.is_zero()).collect();
    order.sort_by_key(|c| c.bits());
    let mut g = BigInt::zero();
    for c in order {
        g = int_gcd(&g, c);
        if g.is_one() {
            break;
        }
    }
    g
}

/// `p / content(p)`: the primitive part with the sign of `p` kept.
pub(crate) fn primitive(mut p: IPoly) -> IPoly {
    trim(&mut p);
    let c = content(&p);
    if !c.is_zero() && !c.is_one() {
        for x in &mut p {
            *x = &*x / &c;
        }
    }
    p
}

/// The primitive integer polynomial `c·p` with `c > 0` rational (so the sign
/// of every value is kept).
pub(crate) fn from_rational(p: &[BigRational]) -> IPoly {
    primitive(clear_denominators(p).0)
}

/// The rational polynomial with these integer coefficients.
pub(crate) fn to_rational(p: &[BigInt]) -> Vec<BigRational> {
    p.iter()
        .map(|c| BigRational::from_integer(c.clone()))
        .collect()
}

/// Powers `b⁰, …, bᵈ` (used by [`sign_at_pows`]).
pub(crate) fn powers(b: &BigInt, d: usize) -> Vec<BigInt> {
    let mut v = Vec::with_capacity(d + 1);
    v.push(BigInt::one());
    for k in 1..=d {
        let next = &v[k - 1] * b;
        v.push(next);
    }
    v
}

/// `bᵈ p(a/b)` for `b > 0` (same sign as `p(a/b)`), by homogeneous Horner;
/// `pows` must hold `b⁰..bᵈ` or be empty when `b = 1`.
pub(crate) fn homogeneous_value(p: &[BigInt], a: &BigInt, pows: &[BigInt]) -> BigInt {
    let Some(d) = degree(p) else {
        return BigInt::zero();
    };
    let mut v = p[d].clone();
    for i in (0..d).rev() {
        v *= a;
        if pows.is_empty() {
            v += &p[i];
        } else {
            v += &p[i] * &pows[d - i];
        }
    }
    v
}

/// The sign of `p(x)`.
pub(crate) fn sign_at(p: &[BigInt], x: &BigRational) -> Ordering {
    let pows = if x.denom().is_one() {
        Vec::new()
    } else {
        powers(x.denom(), p.len())
    };
    sign_at_pows(p, x.numer(), &pows)
}

/// The sign of `p(a/b)` given the powers of `b > 0` (empty when `b = 1`).
pub(crate) fn sign_at_pows(p: &[BigInt], a: &BigInt, pows: &[BigInt]) -> Ordering {
    sign_of_int(&homogeneous_value(p, a, pows))
}

/// The sign of the leading coefficient (`Equal` for zero).
pub(crate) fn sign_lc(p: &[BigInt]) -> Ordering {
    p.last().map_or(Ordering::Equal, sign_of_int)
}

/// The sign of `p` near `−∞` (`positive = false`) or `+∞`.
pub(crate) fn sign_at_infinity(p: &[BigInt], positive: bool) -> Ordering {
    let s = sign_lc(p);
    if !positive && p.len().is_multiple_of(2) {
        s.reverse()
    } else {
        s
    }
}

/// The derivative.
pub(crate) fn derivative(p: &[BigInt]) -> IPoly {
    p.iter()
        .enumerate()
        .skip(1)
        .map(|(i, c)| c * BigInt::from(i))
        .collect()
}

/// The product of two integer polynomials (empty for a zero factor): by
/// Kronecker substitution for large operands ([`super::kronecker::mul`]).
pub(crate) fn mul(a: &[BigInt], b: &[BigInt]) -> IPoly {
    if super::kronecker::worth_it(a, b) {
        return super::kronecker::mul(a, b);
    }
    mul_schoolbook(a, b)
}

/// The schoolbook product: `len(a)·len(b)` products of coefficients.
pub(crate) fn mul_schoolbook(a: &[BigInt], b: &[BigInt]) -> IPoly {
    if a.is_empty() || b.is_empty() {
        return Vec::new();
    }
    let mut out = vec![BigInt::zero(); a.len() + b.len() - 1];
    for (i, x) in a.iter().enumerate() {
        if x.is_zero() {
            continue;
        }
        for (j, y) in b.iter().enumerate() {
            out[i + j] += x * y;
        }
    }
    out
}

/// Pseudo-remainder: returns `(r, k)` with `lc(b)ᵏ · a = q·b + r`,
/// `deg r < deg b`. Multiplications by `lc(b)` are only done when needed, so
/// `k ≤ deg a − deg b + 1`. `b` must be non-zero.
pub(crate) fn prem(a: &[BigInt], b: &[BigInt]) -> (IPoly, u32) {
    let mut r: IPoly = a.to_vec();
    let db = b.len() - 1;
    let lb = &b[db];
    let mut k = 0;
    while r.len() > db && !r.is_empty() {
        let dr = r.len() - 1;
        let lr = r[dr].clone();
        let shift = dr - db;
        // r ← lb·r − lr·x^shift·b, exactly cancelling the leading term.
        if lb.is_one() {
            for (i, c) in b.iter().enumerate() {
                r[i + shift] -= &lr * c;
            }
        } else {
            k += 1;
            for x in r.iter_mut() {
                *x *= lb;
            }
            for (i, c) in b.iter().enumerate() {
                r[i + shift] -= &lr * c;
            }
        }
        debug_assert!(r[dr].is_zero());
        trim(&mut r);
    }
    (r, k)
}

/// Exact quotient `a / b` over Z when `b` divides `a` in `Z[x]`, else `None`
/// (aborts early as soon as a leading coefficient is not divisible).
pub(crate) fn exact_div(a: &[BigInt], b: &[BigInt]) -> Option<IPoly> {
    let db = degree(b)?;
    if a.is_empty() {
        return Some(Vec::new());
    }
    if a.len() <= db {
        return None;
    }
    let mut r: IPoly = a.to_vec();
    let mut q = vec![BigInt::zero(); a.len() - db];
    let lb = &b[db];
    for i in (0..q.len()).rev() {
        let lr = &r[i + db];
        if lr.is_zero() {
            continue;
        }
        let (c, rem) = lr.div_rem(lb);
        if !rem.is_zero() {
            return None;
        }
        for (j, bj) in b.iter().enumerate() {
            r[i + j] -= &c * bj;
        }
        q[i] = c;
    }
    if r.iter().any(|c| !c.is_zero()) {
        return None;
    }
    trim(&mut q);
    Some(q)
}

/// `c(x) ↦ c(x + a)` in place (Taylor shift, O(n²) multiplications by `a`).
fn taylor_shift(c: &mut [BigInt], a: &BigInt) {
    let n = c.len();
    if n < 2 || a.is_zero() {
        return;
    }
    let one = a.is_one();
    for i in 0..n - 1 {
        for j in (i..n - 1).rev() {
            let t = if one { c[j + 1].clone() } else { &c[j + 1] * a };
            c[j] += t;
        }
    }
}

/// Descartes' bound for the number of roots of `p ≠ 0` in the open interval
/// `(lo, hi)`, `lo < hi`: the number of sign variations of the coefficients
/// of `(1 + x)ⁿ p((lo + hi·x)/(1 + x))`, whose positive roots correspond to
/// the roots in `(lo, hi)`. By Descartes' rule of signs it is at least the
/// number of roots (with multiplicity) and of the same parity, so 0 means
/// no root and 1 exactly one (simple) root.
///
/// Computed on integers: with `lo = a/d`, `hi − lo = e/d`,
/// `dⁿ p((a + e·x)/d)` by a Taylor shift and a scaling, then reversal and a
/// Taylor shift by 1.
pub(crate) fn descartes_bound(p: &[BigInt], lo: &BigRational, hi: &BigRational) -> usize {
    let Some(n) = degree(p) else {
        return 0;
    };
    let d = lo.denom().lcm(hi.denom());
    let a = lo.numer() * (&d / lo.denom());
    let e = hi.numer() * (&d / hi.denom()) - &a;
    let dpow = powers(&d, n);
    let mut c: Vec<BigInt> = p
        .iter()
        .enumerate()
        .map(|(i, x)| x * &dpow[n - i])
        .collect();
    taylor_shift(&mut c, &a);
    if !e.is_one() {
        let mut ei = BigInt::one();
        for x in c.iter_mut().skip(1) {
            ei *= &e;
            *x *= &ei;
        }
    }
    c.reverse();
    taylor_shift(&mut c, &BigInt::one());
    let mut last = Ordering::Equal;
    let mut var = 0;
    for x in &c {
        let s = sign_of_int(x);
        if s == Ordering::Equal {
            continue;
        }
        if last != Ordering::Equal && s != last {
            var += 1;
        }
        last = s;
    }
    var
}

// ---------------------------------------------------------------------------
// Arithmetic modulo a 62-bit prime.

pub(crate) fn mul_mod(a: u64, b: u64, p: u64) -> u64 {
    ((u128::from(a) * u128::from(b)) % u128::from(p)) as u64
}

/// `x mod p`, `None` when p divides the denominator.
pub(crate) fn rational_mod(x: &BigRational, p: u64) -> Option<u64> {
    let d = reduce(x.denom(), p);
    (d != 0).then(|| mul_mod(reduce(x.numer(), p), inv_mod(d, p), p))
}

/// Products modulo any word `p > 1`: Barrett's remainders ([`Modulus`])
/// below 2⁶³, the 128-bit remainder (a software division, several times
/// slower) above. Built once per modulus, like [`Modulus`].
enum WordModulus {
    Barrett(Modulus),
    Wide(u64),
}

impl WordModulus {
    fn new(p: u64) -> Self {
        if p < 1 << 63 {
            Self::Barrett(Modulus::new(p))
        } else {
            Self::Wide(p)
        }
    }

    fn mul(&self, a: u64, b: u64) -> u64 {
        match self {
            Self::Barrett(m) => m.mul(a, b),
            Self::Wide(p) => mul_mod(a, b, *p),
        }
    }

    fn p(&self) -> u64 {
        match self {
            Self::Barrett(m) => m.p(),
            Self::Wide(p) => *p,
        }
    }

    /// `aᵉ mod p`.
    fn pow(&self, mut a: u64, mut e: u64) -> u64 {
        let p = self.p();
        let mut r = 1 % p;
        a %= p;
        while e > 0 {
            if e & 1 == 1 {
                r = self.mul(r, a);
            }
            a = self.mul(a, a);
            e >>= 1;
        }
        r
    }
}

/// `aᵉ mod p`.
fn pow_mod(a: u64, e: u64, p: u64) -> u64 {
    WordModulus::new(p).pow(a, e)
}

/// Inverse of a non-zero residue modulo the prime `p`.
pub(crate) fn inv_mod(a: u64, p: u64) -> u64 {
    pow_mod(a, p - 2, p)
}

/// Deterministic Miller–Rabin for 64-bit integers (these bases are a proven
/// witness set below 3.3·10²⁴).
fn is_prime_u64(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    const BASES: [u64; 12] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];
    for &b in &BASES {
        if n.is_multiple_of(b) {
            return n == b;
        }
    }
    let mut d = n - 1;
    let mut s = 0;
    while d.is_multiple_of(2) {
        d /= 2;
        s += 1;
    }
    let m = WordModulus::new(n);
    'witness: for &a in &BASES {
        let mut x = m.pow(a, d);
        if x == 1 || x == n - 1 {
            continue;
        }
        for _ in 1..s {
            x = m.mul(x, x);
            if x == n - 1 {
                continue 'witness;
            }
        }
        return false;
    }
    true
}

/// The primes below 2⁶², in decreasing order (deterministic). The ones
/// found are kept for the whole process: every multimodular run starts from
/// the same list, and a rank-3 certificate takes thousands of them.
pub(crate) fn primes() -> impl Iterator<Item = u64> {
    (0..).map_while(nth_prime)
}

/// The i-th prime of [`primes`] (from 0), found once.
fn nth_prime(i: usize) -> Option<u64> {
    static FOUND: std::sync::Mutex<Vec<u64>> = std::sync::Mutex::new(Vec::new());
    let mut found = FOUND.lock().unwrap_or_else(|e| e.into_inner());
    while found.len() <= i {
        let mut n = found.last().map_or((1 << 62) - 1, |&p| p - 2);
        while n > 3 && !is_prime_u64(n) {
            n -= 2;
        }
        if n <= 3 {
            return None;
        }
        found.push(n);
    }
    Some(found[i])
}

/// `x mod p` in `[0, p)`.
pub(crate) fn reduce(x: &BigInt, p: u64) -> u64 {
    Modulus::new(p).reduce(x)
}

/// A fixed modulus `1 < p < 2⁶³` with Barrett's constant
/// `μ = ⌊(2¹²⁸ − 1)/p⌋`, so that remainders of 128-bit numbers cost four
/// word products instead of a 128-bit division (a software routine, and the
/// bulk of the multimodular characteristic polynomials before). F4's row
/// reduction has its own one-word variant for p < 2³¹
/// (`modular::linalg::Barrett`), whose values fit a word.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Modulus {
    p: u64,
    mu_hi: u64,
    mu_lo: u64,
}

impl Modulus {
    /// The modulus `p` (`1 < p < 2⁶³`).
    pub(crate) fn new(p: u64) -> Self {
        assert!(p > 1 && p < 1 << 63, "Modulus: p = {p} is not in (1, 2⁶³)");
        let mu = u128::MAX / u128::from(p);
        Self {
            p,
            mu_hi: (mu >> 64) as u64,
            mu_lo: mu as u64,
        }
    }

    /// The modulus.
    pub(crate) fn p(&self) -> u64 {
        self.p
    }

    /// `x mod p`. With `Q = ⌊x/p⌋`, `q = ⌊x·μ/2¹²⁸⌋` satisfies
    /// `Q − 2 ≤ q ≤ Q`: `2¹²⁸/p − 1 − 1/p < μ ≤ 2¹²⁸/p` and `x < 2¹²⁸` give
    /// `x/p − 2 < x·μ/2¹²⁸ ≤ x/p`. So `0 ≤ x − q·p < 3p < 2⁶⁵` and at most
    /// two subtractions remain.
    pub(crate) fn rem(&self, x: u128) -> u64 {
        const LOW: u128 = u64::MAX as u128;
        let (x1, x0) = (x >> 64, x & LOW);
        let (m1, m0) = (u128::from(self.mu_hi), u128::from(self.mu_lo));
        let (x0m0, x1m0, x0m1) = (x0 * m0, x1 * m0, x0 * m1);
        // The high 128 bits of x·μ, carries included exactly.
        let mid = (x0m0 >> 64) + (x1m0 & LOW) + (x0m1 & LOW);
        let q = x1 * m1 + (x1m0 >> 64) + (x0m1 >> 64) + (mid >> 64);
        let p = u128::from(self.p);
        let mut r = x - q * p;
        while r >= p {
            r -= p;
        }
        r as u64
    }

    /// `a·b mod p` for `a, b < p`.
    pub(crate) fn mul(&self, a: u64, b: u64) -> u64 {
        self.rem(u128::from(a) * u128::from(b))
    }

    /// `2^{64i} mod p` for `i = 0..words`: the table for [`Self::reduce_by`].
    pub(crate) fn word_powers(&self, words: usize) -> Vec<u64> {
        let beta = self.rem(1u128 << 64);
        let mut out = Vec::with_capacity(words);
        let mut w = 1 % self.p;
        for _ in 0..words {
            out.push(w);
            w = self.mul(w, beta);
        }
        out
    }

    /// `x mod p` in `[0, p)` as `Σ dᵢ·(2^{64i} mod p)` over the 64-bit words
    /// `dᵢ` of `|x|`, with `powers` from [`Self::word_powers`] (at least as
    /// long as `x` has words): one word product per word and, for
    /// `p < 2⁶²`, a remainder every third (each product is below `2¹²⁶`, so
    /// three and a residue stay below `2¹²⁸`; every word for larger p),
    /// against a remainder per word in [`Self::reduce`].
    pub(crate) fn reduce_by(&self, x: &BigInt, powers: &[u64]) -> u64 {
        let digits = x.magnitude().iter_u64_digits();
        assert!(
            digits.len() <= powers.len(),
            "reduce_by: {} powers for an integer of {} words",
            powers.len(),
            digits.len()
        );
        let batch = if self.p < 1 << 62 { 3 } else { 1 };
        let mut acc: u128 = 0;
        let mut pending = 0;
        for (d, &w) in digits.zip(powers) {
            acc += u128::from(d) * u128::from(w);
            pending += 1;
            if pending == batch {
                acc = u128::from(self.rem(acc));
                pending = 0;
            }
        }
        let r = self.rem(acc);
        if x.is_negative() && r != 0 {
            self.p - r
        } else {
            r
        }
    }

    /// `x mod p` in `[0, p)` for an integer of any size.
    pub(crate) fn reduce(&self, x: &BigInt) -> u64 {
        let mut r: u64 = 0;
        for d in x.magnitude().iter_u64_digits().rev() {
            r = self.rem(u128::from(r) << 64 | u128::from(d));
        }
        if x.is_negative() && r != 0 {
            self.p - r
        } else {
            r
        }
    }
}

fn trim_mod(p: &mut Vec<u64>) {
    while p.last() == Some(&0) {
        p.pop();
    }
}

/// Monic gcd of two polynomials over `F_p` (lowest degree first).
pub(crate) fn gcd_mod(mut a: Vec<u64>, mut b: Vec<u64>, p: u64) -> Vec<u64> {
    trim_mod(&mut a);
    trim_mod(&mut b);
    while !b.is_empty() {
        // a ← a mod b
        let db = b.len() - 1;
        let inv = inv_mod(b[db], p);
        while a.len() > db {
            let da = a.len() - 1;
            let f = mul_mod(a[da], inv, p);
            if f != 0 {
                let shift = da - db;
                for (i, &c) in b.iter().enumerate() {
                    let s = mul_mod(f, c, p);
                    let t = &mut a[i + shift];
                    *t = if *t >= s { *t - s } else { *t + p - s };
                }
            }
            a.pop();
            trim_mod(&mut a);
        }
        std::mem::swap(&mut a, &mut b);
    }
    if let Some(&l) = a.last() {
        let inv = inv_mod(l, p);
        for c in &mut a {
            *c = mul_mod(*c, inv, p);
        }
    }
    a
}

/// The gcd of two integer polynomials: primitive with positive leading
/// coefficient (`[]` when both are zero).
///
/// Small-primes modular algorithm (Brown; Geddes–Czapor–Labahn, *Algorithms
/// for Computer Algebra*, Alg. 7.1): images modulo 62-bit primes not
/// dividing either leading coefficient, scaled so that their leading
/// coefficient is `gcd(lc a, lc b)`, combined by the Chinese remainder
/// theorem; primes whose image has too large a degree are discarded. When
/// the combined image stops changing its primitive part is trial-divided
/// into both inputs; success proves it is the gcd (a common divisor of
/// degree at least that of the gcd).
pub(crate) fn gcd(a: &[BigInt], b: &[BigInt]) -> IPoly {
    let normalize = |v: IPoly| -> IPoly {
        let mut v = primitive(v);
        if sign_lc(&v) == Ordering::Less {
            for c in &mut v {
                *c = -&*c;
            }
        }
        v
    };
    if a.is_empty() {
        return normalize(b.to_vec());
    }
    if b.is_empty() {
        return normalize(a.to_vec());
    }
    if coprime_modulo_a_prime(a, b) {
        return vec![BigInt::one()];
    }
    let a = primitive(a.to_vec());
    let b = primitive(b.to_vec());
    if a.len() == 1 || b.len() == 1 {
        return vec![BigInt::one()];
    }
    // Cheap special case: one divides the other.
    let (small, large) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if exact_div(large, small).is_some() {
        return normalize(small.clone());
    }
    let la = &a[a.len() - 1];
    let lb = &b[b.len() - 1];
    let g = int_gcd(la, lb);
    let mut best_deg = usize::MAX;
    let mut image: Vec<BigInt> = Vec::new(); // symmetric residues modulo `modulus`
    let mut modulus = BigInt::one();
    for p in primes() {
        if reduce(la, p) == 0 || reduce(lb, p) == 0 {
            continue;
        }
        let ap: Vec<u64> = a.iter().map(|c| reduce(c, p)).collect();
        let bp: Vec<u64> = b.iter().map(|c| reduce(c, p)).collect();
        let cp = gcd_mod(ap, bp, p);
        let d = cp.len() - 1;
        if d == 0 {
            return vec![BigInt::one()];
        }
        if d > best_deg {
            continue; // unlucky prime
        }
        let gp = reduce(&g, p);
        let scaled: Vec<u64> = cp.iter().map(|&c| mul_mod(c, gp, p)).collect();
        if d < best_deg {
            best_deg = d;
            modulus = BigInt::from(p);
            image = scaled
                .iter()
                .map(|&c| symmetric(BigInt::from(c), &modulus))
                .collect();
            continue;
        }
        // Chinese remainder: x ≡ image (mod M), x ≡ scaled (mod p).
        let changed = crt_step(&mut image, &mut modulus, &scaled, p);
        if !changed {
            let candidate = normalize(image.clone());
            if exact_div(&a, &candidate).is_some() && exact_div(&b, &candidate).is_some() {
                return candidate;
            }
        }
    }
    // The 62-bit primes are practically inexhaustible (more than 10¹⁷ of
    // them); should they ever run out, fall back to the primitive PRS.
    gcd_prs(&a, &b)
}

/// Whether `a` and `b` (non-constant, trimmed) are shown coprime by their
/// images modulo one 62-bit prime p dividing neither leading coefficient:
/// then `Res(a, b) ≡ Res(ā, b̄) ≢ 0 (mod p)` when `gcd(ā, b̄) = 1`, so
/// `Res(a, b) ≠ 0`. `false` means "not shown" (the caller decides), and
/// spares the contents and trial divisions of the general path in the
/// common coprime case.
fn coprime_modulo_a_prime(a: &[BigInt], b: &[BigInt]) -> bool {
    let (Some(la), Some(lb)) = (a.last(), b.last()) else {
        return false;
    };
    if a.len() < 2 || b.len() < 2 || la.is_zero() || lb.is_zero() {
        return false;
    }
    let Some(p) = primes()
        .take(4)
        .find(|&p| reduce(la, p) != 0 && reduce(lb, p) != 0)
    else {
        return false;
    };
    let ap: Vec<u64> = a.iter().map(|c| reduce(c, p)).collect();
    let bp: Vec<u64> = b.iter().map(|c| reduce(c, p)).collect();
    gcd_mod(ap, bp, p).len() == 1
}

/// The gcd by the primitive polynomial remainder sequence (slow on large
/// inputs, but simple: the reference the modular algorithm is tested against).
pub(crate) fn gcd_prs(a: &[BigInt], b: &[BigInt]) -> IPoly {
    let mut a = primitive(a.to_vec());
    let mut b = primitive(b.to_vec());
    while !b.is_empty() {
        let (r, _) = prem(&a, &b);
        a = b;
        b = primitive(r);
    }
    if sign_lc(&a) == Ordering::Less {
        for c in &mut a {
            *c = -&*c;
        }
    }
    a
}

/// One step of the Chinese remainder theorem on a vector: given symmetric
/// residues `values` modulo `modulus` and residues modulo a prime `p` not
/// dividing it, updates `values` to the symmetric residues modulo
/// `modulus·p` and `modulus` to `modulus·p`. Returns whether a value changed.
pub(crate) fn crt_step(
    values: &mut [BigInt],
    modulus: &mut BigInt,
    residues: &[u64],
    p: u64,
) -> bool {
    let m_inv = inv_mod(reduce(modulus, p), p);
    let new_modulus = &*modulus * BigInt::from(p);
    let mut changed = false;
    for (x, &c) in values.iter_mut().zip(residues) {
        let xr = reduce(x, p);
        let diff = if c >= xr { c - xr } else { c + p - xr };
        let t = mul_mod(diff, m_inv, p);
        if t != 0 {
            let y = &*x + &*modulus * BigInt::from(t);
            *x = symmetric(y, &new_modulus);
            changed = true;
        }
    }
    *modulus = new_modulus;
    changed
}

/// The representative of `x mod m` in `(−m/2, m/2]`.
pub(crate) fn symmetric(x: BigInt, m: &BigInt) -> BigInt {
    let r = x.mod_floor(m);
    if (&r << 1u32) > *m { r - m } else { r }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn barrett_remainders_equal_the_division(
            p in 2u64..(1 << 63),
            hi in proptest::prelude::any::<u64>(),
            lo in proptest::prelude::any::<u64>(),
            a in proptest::prelude::any::<u64>(),
            b in proptest::prelude::any::<u64>(),
        ) {
            let m = Modulus::new(p);
            let pp = u128::from(p);
            let x = u128::from(hi) << 64 | u128::from(lo);
            proptest::prop_assert_eq!(u128::from(m.rem(x)), x % pp);
            let (a, b) = (a % p, b % p);
            proptest::prop_assert_eq!(u128::from(m.mul(a, b)), u128::from(a) * u128::from(b) % pp);
        }
    }

    #[test]
    fn barrett_at_the_edges() {
        let big = BigInt::from(u128::MAX) * BigInt::from(u128::MAX) - BigInt::from(12345);
        for p in [
            2,
            3,
            (1 << 62) - 57,
            (1 << 63) - 25,
            (1 << 63) - 1,
            primes().next().unwrap(),
        ] {
            let m = Modulus::new(p);
            let pp = u128::from(p);
            for x in [
                0,
                1,
                pp - 1,
                pp,
                pp * pp - 1,
                pp << 64,
                (pp << 64) - 1,
                u128::MAX,
                u128::MAX - pp,
            ] {
                assert_eq!(u128::from(m.rem(x)), x % pp, "p = {p}, x = {x}");
            }
            let huge = num_traits::pow(big.clone(), 40) - BigInt::from(7);
            let powers = m.word_powers(huge.magnitude().iter_u64_digits().len());
            for x in [
                big.clone(),
                -big.clone(),
                BigInt::from(-1),
                BigInt::zero(),
                huge.clone(),
                -huge.clone(),
            ] {
                let expected = ((&x % BigInt::from(p)) + BigInt::from(p)) % BigInt::from(p);
                assert_eq!(BigInt::from(m.reduce(&x)), expected, "p = {p}, x = {x}");
                assert_eq!(
                    BigInt::from(m.reduce_by(&x, &powers)),
                    expected,
                    "p = {p}, x = {x}"
                );
            }
        }
    }
    use proptest::prelude::*;
    use rand::{Rng, SeedableRng};

    fn random_big(rng: &mut impl Rng, bits: usize) -> BigInt {
        let words: Vec<u32> = (0..bits.div_ceil(32)).map(|_| rng.r#gen()).collect();
        BigInt::from_slice(num_bigint::Sign::Plus, &words)
    }

    #[test]
    fn int_gcd_agrees_with_binary_gcd() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        for &(b1, b2, bg) in &[
            (70, 70, 0),
            (200, 190, 64),
            (1000, 1000, 300),
            (3000, 200, 100),
            (5000, 5000, 0),
            (4000, 4000, 2000),
            (2100, 2100, 0),
            (30000, 29000, 9000),
            (65, 64, 0),
        ] {
            for _ in 0..5 {
                let g = if bg == 0 {
                    BigInt::one()
                } else {
                    random_big(&mut rng, bg)
                };
                let a = random_big(&mut rng, b1) * &g;
                let b = -random_big(&mut rng, b2) * &g;
                let expected = a.gcd(&b);
                assert_eq!(int_gcd(&a, &b), expected);
                assert_eq!(int_gcd(&b, &a), expected);
                assert!((int_gcd(&a, &b) % &g).is_zero());
            }
        }
        assert_eq!(int_gcd(&BigInt::zero(), &BigInt::from(-7)), BigInt::from(7));
        assert_eq!(int_gcd(&BigInt::zero(), &BigInt::zero()), BigInt::zero());
        // Consecutive Fibonacci numbers: the worst case, all quotients 1.
        let (mut f0, mut f1) = (BigInt::zero(), BigInt::one());
        for _ in 0..3000 {
            let f2 = &f0 + &f1;
            f0 = std::mem::replace(&mut f1, f2);
        }
        assert!(int_gcd(&f0, &f1).is_one());
        let r = ratio(BigInt::from(6) * &f1, BigInt::from(-4) * &f1);
        assert_eq!(r, BigRational::new(BigInt::from(-3), BigInt::from(2)));
        assert_eq!(r.denom(), &BigInt::from(2));
    }

    /// The modular coprimality shortcut never hides a common factor, and
    /// the gcd with it agrees with the primitive remainder sequence.
    #[test]
    fn polynomial_gcd_with_the_coprimality_shortcut() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(17);
        let mut poly = |deg: usize, bits: usize| -> IPoly {
            let mut v: IPoly = (0..=deg)
                .map(|_| {
                    let x = random_big(&mut rng, bits);
                    if rng.r#gen::<bool>() { -x } else { x }
                })
                .collect();
            if v[deg].is_zero() {
                v[deg] = BigInt::one();
            }
            v
        };
        for (df, dg, dh, bits) in [
            (0, 3, 4, 80),
            (2, 5, 3, 300),
            (4, 6, 6, 1000),
            (1, 1, 1, 70),
        ] {
            let f = poly(df, bits);
            let (g, h) = (poly(dg, bits), poly(dh, bits));
            let (a, b) = (mul(&f, &g), mul(&f, &h));
            let want = gcd_prs(&a, &b);
            assert_eq!(gcd(&a, &b), want, "deg f = {df}");
            if df > 0 {
                assert!(
                    !coprime_modulo_a_prime(&a, &b),
                    "a common factor of degree {df}"
                );
            }
            if want.len() == 1 {
                assert!(coprime_modulo_a_prime(&a, &b) || gcd(&a, &b).len() == 1);
            }
        }
        // x² − 1 and x − 1 share x − 1; x² + 1 and x − 1 do not.
        let ip = |v: &[i64]| -> IPoly { v.iter().map(|&k| BigInt::from(k)).collect() };
        assert!(!coprime_modulo_a_prime(&ip(&[-1, 0, 1]), &ip(&[-1, 1])));
        assert!(coprime_modulo_a_prime(&ip(&[1, 0, 1]), &ip(&[-1, 1])));
        assert_eq!(gcd(&ip(&[-1, 0, 1]), &ip(&[-2, 2])), ip(&[-1, 1]));
    }

    #[test]
    fn descartes_bounds_by_hand() {
        let q = |n: i64, d: i64| BigRational::new(n.into(), d.into());
        // (x − 1)(x − 2)(x − 3) = x³ − 6x² + 11x − 6.
        let p: IPoly = [-6, 11, -6, 1].iter().map(|&k| BigInt::from(k)).collect();
        assert_eq!(descartes_bound(&p, &q(0, 1), &q(4, 1)), 3);
        assert_eq!(descartes_bound(&p, &q(3, 2), &q(5, 2)), 1);
        assert_eq!(descartes_bound(&p, &q(7, 2), &q(9, 1)), 0);
        assert_eq!(descartes_bound(&p, &q(-5, 3), &q(1, 2)), 0);
        // Open interval: the root 1 at an end is not counted.
        assert_eq!(descartes_bound(&p, &q(1, 1), &q(3, 2)), 0);
        // x² + 1 has no real roots, but near them Descartes may overcount
        // by an even number; on a small interval it is exact.
        let c: IPoly = [1, 0, 1].iter().map(|&k| BigInt::from(k)).collect();
        assert_eq!(descartes_bound(&c, &q(-1, 10), &q(1, 10)), 0);
    }

    /// The cached list is the direct scan downwards from 2⁶² − 1, and the
    /// same list again on a second pass.
    #[test]
    fn cached_primes_are_the_primes_below_2_62_in_decreasing_order() {
        let direct: Vec<u64> = (0..)
            .map(|k| (1u64 << 62) - 1 - 2 * k)
            .filter(|&n| is_prime_u64(n))
            .take(40)
            .collect();
        assert_eq!(primes().take(40).collect::<Vec<_>>(), direct);
        assert_eq!(primes().take(40).collect::<Vec<_>>(), direct);
        assert!(direct.windows(2).all(|w| w[0] > w[1]));
    }

    proptest! {
        /// Barrett's powers below 2⁶³ agree with the 128-bit remainders
        /// (and the inverse is one), on both sides of 2⁶³.
        #[test]
        fn powers_and_inverses_modulo_word_primes(a in 1u64.., e in 0u64..1000, k in 0usize..3) {
            let p = [(1u64 << 62) - 57, (1u64 << 63) - 25, u64::MAX - 58][k];
            let mut r = 1u128;
            for _ in 0..e {
                r = r * u128::from(a) % u128::from(p);
            }
            prop_assert_eq!(u128::from(pow_mod(a, e, p)), r);
            if a % p != 0 {
                prop_assert_eq!(mul_mod(inv_mod(a % p, p), a % p, p), 1);
            }
        }

        #[test]
        fn int_gcd_small(a in any::<i128>(), b in any::<i128>(), g in 1u64..1_000_000) {
            let (a, b) = (BigInt::from(a) * g, BigInt::from(b) * g);
            prop_assert_eq!(int_gcd(&a, &b), a.gcd(&b));
        }
    }
}

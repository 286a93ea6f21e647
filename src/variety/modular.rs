//! Arithmetic modulo word-size primes, the Chinese remainder theorem and
//! rational reconstruction: the modular side of the exact solver. Results
//! reconstructed here are never trusted as such: the solver verifies them
//! exactly over Q before use.

use crate::modular::linalg::Barrett;
use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

/// Arithmetic in Z/p for a prime p < 2³¹; products are reduced by
/// Barrett's method (a word product instead of a division).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fp {
    /// The modulus and Barrett's constant for it.
    barrett: Barrett,
}

impl Fp {
    /// The field Z/p (`p` must be prime; not checked here).
    pub fn new(p: u32) -> Self {
        Self::of(u64::from(p))
    }

    fn of(p: u64) -> Self {
        Self {
            barrett: Barrett::new(p),
        }
    }

    /// The modulus.
    #[inline]
    pub fn modulus(self) -> u64 {
        self.barrett.modulus()
    }

    /// `a + b`.
    pub fn add(self, a: u64, b: u64) -> u64 {
        let s = a + b;
        if s >= self.modulus() {
            s - self.modulus()
        } else {
            s
        }
    }

    /// `a − b`.
    pub fn sub(self, a: u64, b: u64) -> u64 {
        if a >= b {
            a - b
        } else {
            a + self.modulus() - b
        }
    }

    /// `a · b`.
    pub fn mul(self, a: u64, b: u64) -> u64 {
        self.barrett.reduce(a * b)
    }

    /// `x mod p` for any word `x`.
    pub fn reduce(self, x: u64) -> u64 {
        self.barrett.reduce(x)
    }

    /// `c − a·b` for `c`, `a`, `b` in `0..p`, with one reduction.
    pub fn sub_mul(self, c: u64, a: u64, b: u64) -> u64 {
        self.barrett
            .reduce(c + self.modulus() * self.modulus() - a * b)
    }

    /// `Σ aᵢ·bᵢ` for entries in `0..p`, reduced once at the end: a partial
    /// sum is kept below `p²` by subtracting `p²` (each product is below
    /// it, so the sum never exceeds a word).
    pub fn dot(self, a: impl IntoIterator<Item = u64>, b: impl IntoIterator<Item = u64>) -> u64 {
        let p2 = self.modulus() * self.modulus();
        let mut acc = 0u64;
        for (x, y) in a.into_iter().zip(b) {
            acc += x * y;
            if acc >= p2 {
                acc -= p2;
            }
        }
        self.barrett.reduce(acc)
    }

    /// `−a`.
    pub fn neg(self, a: u64) -> u64 {
        if a == 0 { 0 } else { self.modulus() - a }
    }

    /// `a^e`.
    pub fn pow(self, mut a: u64, mut e: u64) -> u64 {
        let mut r = 1;
        while e > 0 {
            if e & 1 == 1 {
                r = self.mul(r, a);
            }
            a = self.mul(a, a);
            e >>= 1;
        }
        r
    }

    /// `a⁻¹` (`None` for 0).
    pub fn inv(self, a: u64) -> Option<u64> {
        (!a.is_multiple_of(self.modulus())).then(|| self.pow(a, self.modulus() - 2))
    }

    /// The image of an integer.
    pub fn from_int(self, x: &BigInt) -> u64 {
        crate::exact::intpoly::reduce(x, self.modulus())
    }

    /// The image of a rational (`None` when p divides the denominator).
    pub fn from_rational(self, x: &BigRational) -> Option<u64> {
        let d = self.from_int(x.denom());
        self.inv(d).map(|di| self.mul(self.from_int(x.numer()), di))
    }
}

/// Whether `n` is prime (deterministic Miller–Rabin for 64-bit inputs).
pub fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    for p in [2u64, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37] {
        if n.is_multiple_of(p) {
            return n == p;
        }
    }
    let mul = |a: u64, b: u64| ((u128::from(a) * u128::from(b)) % u128::from(n)) as u64;
    let pow = |mut a: u64, mut e: u64| {
        let mut r = 1u64;
        while e > 0 {
            if e & 1 == 1 {
                r = mul(r, a);
            }
            a = mul(a, a);
            e >>= 1;
        }
        r
    };
    let (mut d, mut s) = (n - 1, 0);
    while d % 2 == 0 {
        d /= 2;
        s += 1;
    }
    'witness: for a in [2u64, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37] {
        let mut x = pow(a, d);
        if x == 1 || x == n - 1 {
            continue;
        }
        for _ in 1..s {
            x = mul(x, x);
            if x == n - 1 {
                continue 'witness;
            }
        }
        return false;
    }
    true
}

/// The `count` largest primes below 2³¹, in decreasing order.
pub fn primes(count: usize) -> Vec<u32> {
    let mut out = Vec::with_capacity(count);
    let mut n: u32 = (1u32 << 31) - 1;
    while out.len() < count && n > 2 {
        if is_prime(u64::from(n)) {
            out.push(n);
        }
        n -= 2;
    }
    out
}

/// Incremental Chinese remaindering of one integer: the residue modulo the
/// product of the primes seen so far, in the symmetric range.
#[derive(Clone, Debug)]
pub struct Crt {
    value: BigInt,
    modulus: BigInt,
}

impl Default for Crt {
    fn default() -> Self {
        Self {
            value: BigInt::zero(),
            modulus: BigInt::one(),
        }
    }
}

impl Crt {
    /// Adds the residue `r` modulo the prime `p < 2³¹` (coprime to the
    /// modulus so far).
    pub fn add(&mut self, r: u64, p: u64) {
        debug_assert!(p < 1 << 31, "Crt::add: the prime {p} is not below 2³¹");
        let pb = BigInt::from(p);
        let f = Fp::of(p);
        // value + modulus·k ≡ r (mod p)  ⇒  k = (r − value)·modulus⁻¹ mod p.
        let cur = f.from_int(&self.value);
        let minv = f.inv(f.from_int(&self.modulus)).unwrap_or(0);
        let k = f.mul(f.sub(r, cur), minv);
        self.value += &self.modulus * BigInt::from(k);
        self.modulus *= pb;
        let half = &self.modulus >> 1;
        if self.value > half {
            self.value -= &self.modulus;
        }
    }

    /// The product of the primes added.
    pub fn modulus(&self) -> &BigInt {
        &self.modulus
    }

    /// The rational `a/b` with `|a|, |b| ≤ √(M/2)` congruent to the value
    /// modulo M (Wang's rational reconstruction), if one exists.
    pub fn rational(&self) -> Option<BigRational> {
        rational_reconstruction(&self.value, &self.modulus)
    }
}

/// How many bits a reconstructed number must fall short of the modulus in
/// [`rationals_sharing_denominators`]: a residue with no such preimage (too
/// few primes) passes by chance with probability about `2^(1−40)` per
/// coefficient, and a candidate that passes wrongly is refuted by the exact
/// verification that follows every reconstruction.
pub const GUARD_BITS: u32 = 40;

/// The rational reconstructions of values combined over the same primes,
/// taken in `order`, sharing their denominators.
///
/// A running common denominator H starts at 1. For each value `c`, the
/// symmetric residue `y ≡ c·H (mod M)` is taken as the integer `c·H` when
/// `|y| ≤ M/2^GUARD_BITS`; otherwise `y` is reconstructed as a fraction
/// `a/b` with `|a|·b ≤ M/2^GUARD_BITS` by [`max_quotient_reconstruction`],
/// `c = a/(b·H)`, and H becomes `b·H`. When the values' denominators divide
/// a common D (the coefficients of a rational univariate representation
/// nearly do), each needs about `log₂|c·D| + GUARD_BITS` bits of modulus
/// instead of Wang's `2·max(log₂|num|, log₂ den)`: about half the primes
/// once D is known, and D is found from the values of least height first
/// (the coefficients next to the leading ones). The answer is a candidate,
/// not a proof (the solver verifies it exactly over Q); `None` when some
/// value has no reconstruction yet.
pub fn rationals_sharing_denominators(crts: &[Crt], order: &[usize]) -> Option<Vec<BigRational>> {
    use rayon::prelude::*;
    // (numerator over the hint, index of the hint) per value, reduced only
    // once every value passed: a check that fails costs products, no gcds.
    let Some(first) = order.first() else {
        return crts.is_empty().then(Vec::new);
    };
    // One modulus for all values: its bound is computed once, not per value.
    let m = crts[*first].modulus();
    let limit = m.magnitude() >> GUARD_BITS;
    let mut hints = vec![BigInt::one()];
    let mut found: Vec<Option<(BigInt, usize)>> = vec![None; crts.len()];
    for &k in order {
        let c = &crts[k];
        debug_assert_eq!(c.modulus(), m, "values combined over different primes");
        let hint = hints.last().expect("starts with 1");
        let y = crate::exact::intpoly::symmetric(&c.value * hint, m);
        if *y.magnitude() <= limit {
            found[k] = Some((y, hints.len() - 1));
            continue;
        }
        let (a, b) = max_quotient_reconstruction(&y, m, GUARD_BITS)?;
        let wider = hint * b;
        hints.push(wider);
        found[k] = Some((a, hints.len() - 1));
    }
    let found: Vec<(BigInt, usize)> = found.into_iter().collect::<Option<_>>()?;
    Some(
        found
            .into_par_iter()
            .map(|(a, h)| BigRational::new(a, hints[h].clone()))
            .collect(),
    )
}

/// Monagan's maximal-quotient rational reconstruction of `u` modulo `m`:
/// the pair `(a, b)`, `b > 0`, `gcd(a, b) = 1`, `a ≡ u·b (mod m)`, that
/// precedes the largest quotient of the Euclidean remainder sequence of
/// `(m, u)`, if `|a|·b·2^guard < m`. Every pair of the sequence has
/// `|a|·b` about `m/q` for the quotient q that follows it, so this finds a
/// fraction whose numerator and denominator are unbalanced (which Wang's
/// bound `|a|, b ≤ √(m/2)` misses) from about `log₂|a| + log₂ b + guard`
/// bits of modulus.
pub fn max_quotient_reconstruction(u: &BigInt, m: &BigInt, guard: u32) -> Option<(BigInt, BigInt)> {
    let u = u.mod_floor(m);
    if u.is_zero() {
        return Some((BigInt::zero(), BigInt::one()));
    }
    let (mut r0, mut r1) = (m.clone(), u);
    let (mut t0, mut t1) = (BigInt::zero(), BigInt::one());
    let mut best: Option<(BigInt, BigInt, BigInt)> = None;
    while !r1.is_zero() {
        let (q, r) = r0.div_rem(&r1);
        if best.as_ref().is_none_or(|(bq, ..)| q > *bq) {
            best = Some((q.clone(), r1.clone(), t1.clone()));
        }
        r0 = std::mem::replace(&mut r1, r);
        let t = &t0 - &q * &t1;
        t0 = std::mem::replace(&mut t1, t);
    }
    let (_, a, b) = best?;
    let (a, b) = if b.is_negative() { (-a, -b) } else { (a, b) };
    if (&a * &b).abs() << guard >= *m || !crate::exact::intpoly::int_gcd(&a, &b).is_one() {
        return None;
    }
    Some((a, b))
}

/// Wang's rational reconstruction of `a` modulo `m`: the unique `x/y` with
/// `x ≡ a·y (mod m)`, `|x|, y ≤ √(m/2)`, `gcd(x, y) = 1`, if it exists.
pub fn rational_reconstruction(a: &BigInt, m: &BigInt) -> Option<BigRational> {
    let half: BigInt = m >> 1;
    let bound = half.sqrt();
    let a = ((a % m) + m) % m;
    let (mut r0, mut r1) = (m.clone(), a);
    let (mut t0, mut t1) = (BigInt::zero(), BigInt::one());
    while r1 > bound {
        let (q, r) = r0.div_rem(&r1);
        r0 = std::mem::replace(&mut r1, r);
        let t = &t0 - &q * &t1;
        t0 = std::mem::replace(&mut t1, t);
    }
    if t1.is_zero() || t1.abs() > bound || !crate::exact::intpoly::int_gcd(&r1, &t1).is_one() {
        return None;
    }
    // Coprime already: only the sign needs normalizing.
    Some(if t1.is_negative() {
        BigRational::new_raw(-r1, -t1)
    } else {
        BigRational::new_raw(r1, t1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_products_reduce_like_wide_arithmetic() {
        // Values at the top of the range, where a lazy sum nears a word.
        for p in [2_147_483_647u32, 2_147_483_629, 65_521, 3] {
            let f = Fp::new(p);
            let p = u64::from(p);
            let xs: Vec<u64> = (0..200).map(|i| (p - 1 - i % p) % p).collect();
            let ys: Vec<u64> = (0..200).map(|i| (p - 1 - (3 * i) % p) % p).collect();
            let wide: u128 = xs
                .iter()
                .zip(&ys)
                .map(|(&x, &y)| u128::from(x) * u128::from(y))
                .sum::<u128>()
                % u128::from(p);
            assert_eq!(
                u128::from(f.dot(xs.iter().copied(), ys.iter().copied())),
                wide
            );
            for (&x, &y) in xs.iter().zip(&ys).take(20) {
                let c = (x + y) % p;
                let want = (u128::from(c) + u128::from(p) * u128::from(p)
                    - u128::from(x) * u128::from(y))
                    % u128::from(p);
                assert_eq!(u128::from(f.sub_mul(c, x, y)), want);
                assert_eq!(
                    u128::from(f.mul(x, y)),
                    u128::from(x) * u128::from(y) % u128::from(p)
                );
            }
            assert_eq!(f.from_int(&BigInt::from(-1)), p - 1);
            assert_eq!(
                f.from_int(&(BigInt::from(p) * BigInt::from(u64::MAX) + 5)),
                5 % p
            );
        }
    }

    #[test]
    fn primes_are_prime_and_distinct() {
        let ps = primes(20);
        assert_eq!(ps.len(), 20);
        assert_eq!(ps[0], 2_147_483_647);
        for w in ps.windows(2) {
            assert!(w[0] > w[1]);
        }
        for &p in &ps {
            // Trial division as an independent check.
            let mut d = 3u64;
            while d * d <= u64::from(p) {
                assert_ne!(u64::from(p) % d, 0, "{p} divisible by {d}");
                d += 2;
            }
        }
        assert!(!is_prime(2_147_483_649)); // 3 · 715827883
        assert!(is_prime(2));
        assert!(!is_prime(1));
    }

    #[test]
    fn field_inverses_multiply_to_one() {
        let f = Fp::new(2_147_483_629);
        for a in [1u64, 2, 12345, 2_147_483_628] {
            assert_eq!(f.mul(a, f.inv(a).unwrap()), 1);
        }
        assert_eq!(f.inv(0), None);
        let x = BigRational::new((-7).into(), 3.into());
        let v = f.from_rational(&x).unwrap();
        assert_eq!(f.mul(v, 3), f.neg(7));
    }

    #[test]
    fn reconstructs_rationals_from_enough_primes() {
        let target = BigRational::new(
            "-123456789012345678901234567".parse::<BigInt>().unwrap(),
            "98765432109876543".parse::<BigInt>().unwrap(),
        );
        let mut crt = Crt::default();
        let mut got = None;
        for p in primes(12) {
            let f = Fp::new(p);
            crt.add(f.from_rational(&target).unwrap(), u64::from(p));
            got = crt.rational();
            if got.as_ref() == Some(&target) {
                break;
            }
        }
        assert_eq!(got, Some(target));
        // Too few primes cannot give this value back.
        let mut short = Crt::default();
        let p = primes(1)[0];
        short.add(
            Fp::new(p)
                .from_rational(&BigRational::new(10_i64.pow(12).into(), 7.into()))
                .unwrap(),
            u64::from(p),
        );
        assert_ne!(
            short.rational(),
            Some(BigRational::new(10_i64.pow(12).into(), 7.into()))
        );
    }

    /// The residues of `values` modulo the first `k` primes.
    fn residues(values: &[BigRational], k: usize) -> Vec<Crt> {
        values
            .iter()
            .map(|v| {
                let mut crt = Crt::default();
                for p in primes(k) {
                    crt.add(Fp::new(p).from_rational(v).unwrap(), u64::from(p));
                }
                crt
            })
            .collect()
    }

    fn big(base: u32, exp: u32, plus: i64) -> BigInt {
        BigInt::from(base).pow(exp) + BigInt::from(plus)
    }

    #[test]
    fn an_unbalanced_fraction_is_found_by_its_largest_quotient() {
        // 3/b with a 200-bit b: Wang needs 2·200 bits (all of seven
        // primes' 217 do not suffice), the largest quotient 3 + 200 + 40.
        let b = big(2, 200, 235);
        let v = BigRational::new(BigInt::from(3), b.clone());
        let at = |k: usize| {
            let c = &residues(std::slice::from_ref(&v), k)[0];
            (
                max_quotient_reconstruction(&c.value, c.modulus(), GUARD_BITS),
                c.rational(),
            )
        };
        let (mq, wang) = at(9);
        assert_eq!(mq, Some((BigInt::from(3), b.clone())));
        assert_ne!(wang, Some(v.clone()));
        // Too few primes: no pair passes the guard.
        assert_eq!(at(7).0, None);
        // A negative value and zero.
        let neg = BigRational::new(BigInt::from(-5), b.clone());
        let c = &residues(std::slice::from_ref(&neg), 9)[0];
        assert_eq!(
            max_quotient_reconstruction(&c.value, c.modulus(), GUARD_BITS),
            Some((BigInt::from(-5), b))
        );
        assert_eq!(
            max_quotient_reconstruction(&BigInt::zero(), &BigInt::from(101), 2),
            Some((BigInt::zero(), BigInt::one()))
        );
    }

    #[test]
    fn shared_denominators_need_fewer_primes_than_wang() {
        // The shape of a representation's coefficients: one of low height
        // over d₁, the others over D = d₁·d₂ (d₁, d₂ of about 150 bits,
        // numerators of about 300). Wang needs about 600 bits for each of
        // the tall ones; shared, the second needs about 300 + 150 + 40 and
        // the rest about 300 + 40.
        let d1 = big(5, 64, 2);
        let d2 = big(7, 53, 4);
        let dd = &d1 * &d2;
        let mut values = vec![BigRational::new(big(3, 95, 11), d1.clone())];
        for k in 0..6 {
            values.push(BigRational::new(big(3, 190, 12_345 * k - 7), dd.clone()));
        }
        let order: Vec<usize> = (0..values.len()).collect();
        let needed = (1..=40)
            .find(|&k| rationals_sharing_denominators(&residues(&values, k), &order).is_some())
            .expect("found within 40 primes");
        let crts = residues(&values, needed);
        assert_eq!(
            rationals_sharing_denominators(&crts, &order),
            Some(values.clone())
        );
        // Wang's bound is not met by any tall value at that modulus …
        for (c, v) in crts.iter().zip(&values).skip(1) {
            assert_ne!(c.rational().as_ref(), Some(v));
        }
        // … and the count is the sum of heights, not twice the largest:
        // 491 bits of need and 31-bit primes give at most 17 primes.
        assert!(needed <= 17, "{needed} primes");
        // More primes give the same values; taken tall value first (no
        // denominator known yet) they need Wang's count or more.
        assert_eq!(
            rationals_sharing_denominators(&residues(&values, needed + 3), &order),
            Some(values.clone())
        );
        let reversed: Vec<usize> = order.iter().rev().copied().collect();
        assert_eq!(rationals_sharing_denominators(&crts, &reversed), None);
    }

    #[test]
    fn unrelated_denominators_are_each_found() {
        // Denominators sharing nothing: each widens the running one, and
        // the values still come back exactly (in any order).
        let values = [
            BigRational::new(BigInt::from(-123_456_789_i64), BigInt::from(77)),
            BigRational::new(BigInt::from(5), BigInt::from(13)),
            BigRational::from_integer(BigInt::from(-42)),
            BigRational::new(big(10, 30, 7), big(3, 40, 2)),
            BigRational::new(BigInt::from(1), big(2, 61, -1)),
        ];
        let crts = residues(&values, 12);
        for order in [[0usize, 1, 2, 3, 4], [4, 3, 2, 1, 0], [2, 4, 0, 3, 1]] {
            assert_eq!(
                rationals_sharing_denominators(&crts, &order),
                Some(values.to_vec()),
                "{order:?}"
            );
        }
        // Two primes cannot give the 100-bit value back.
        assert_eq!(
            rationals_sharing_denominators(&residues(&values, 2), &[0, 1, 2, 3, 4]),
            None
        );
    }
}

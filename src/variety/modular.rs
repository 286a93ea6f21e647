//! Arithmetic modulo word-size primes, the Chinese remainder theorem and
//! rational reconstruction: the modular side of the exact solver. Results
//! reconstructed here are never trusted as such: the solver verifies them
//! exactly over Q before use.

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

/// Arithmetic in Z/p for a prime p < 2³¹.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fp {
    p: u64,
}

impl Fp {
    /// The field Z/p (`p` must be prime; not checked here).
    pub fn new(p: u32) -> Self {
        Self { p: u64::from(p) }
    }

    /// The modulus.
    pub fn modulus(self) -> u64 {
        self.p
    }

    /// `a + b`.
    pub fn add(self, a: u64, b: u64) -> u64 {
        let s = a + b;
        if s >= self.p { s - self.p } else { s }
    }

    /// `a − b`.
    pub fn sub(self, a: u64, b: u64) -> u64 {
        if a >= b { a - b } else { a + self.p - b }
    }

    /// `a · b`.
    pub fn mul(self, a: u64, b: u64) -> u64 {
        (a * b) % self.p
    }

    /// `−a`.
    pub fn neg(self, a: u64) -> u64 {
        if a == 0 { 0 } else { self.p - a }
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
        (!a.is_multiple_of(self.p)).then(|| self.pow(a, self.p - 2))
    }

    /// The image of an integer.
    pub fn from_int(self, x: &BigInt) -> u64 {
        let m = BigInt::from(self.p);
        let r = ((x % &m) + &m) % &m;
        r.to_u64().unwrap_or(0)
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
    /// Adds the residue `r` modulo the prime `p` (coprime to the modulus so far).
    pub fn add(&mut self, r: u64, p: u64) {
        let pb = BigInt::from(p);
        let f = Fp { p };
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

    /// The same, trying first the denominator `hint` (with `bound` =
    /// `⌊√(M/2)⌋`): when `y ≡ value·hint (mod M)` has `|y| ≤ bound` and
    /// `hint ≤ bound`, `y/hint` (reduced) is that rational, since two
    /// fractions within the bounds congruent to the same value are equal
    /// (`|y·b − a·hint| < M`). The values of a rational univariate
    /// representation mostly share their denominators, so this replaces most
    /// extended Euclidean runs by one product.
    pub fn rational_hinted(&self, hint: &BigInt, bound: &BigInt) -> Option<BigRational> {
        if !hint.is_one() && hint <= bound {
            let y = crate::exact::intpoly::symmetric(&self.value * hint, &self.modulus);
            if y.abs() <= *bound {
                return Some(BigRational::new(y, hint.clone()));
            }
        }
        self.rational()
    }
}

/// The rational reconstructions of values combined over the same primes,
/// each tried first with the denominators found so far
/// ([`Crt::rational_hinted`]), in order; `Err(k)` for the first value `k`
/// that has none yet.
pub fn rationals(crts: &[Crt]) -> std::result::Result<Vec<BigRational>, usize> {
    let Some(first) = crts.first() else {
        return Ok(Vec::new());
    };
    let bound = (first.modulus() >> 1u32).sqrt();
    let mut hint = BigInt::one();
    let mut values = Vec::with_capacity(crts.len());
    for (k, c) in crts.iter().enumerate() {
        let v = c.rational_hinted(&hint, &bound).ok_or(k)?;
        if !(&hint % v.denom()).is_zero() {
            let lcm = &hint / crate::exact::intpoly::int_gcd(&hint, v.denom()) * v.denom();
            hint = if lcm <= bound { lcm } else { v.denom().clone() };
        }
        values.push(v);
    }
    Ok(values)
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

    #[test]
    fn a_denominator_hint_gives_wangs_answer() {
        // Values with the denominators 7·11, 7, 1, 13 and one too tall to
        // reconstruct from six primes, under hints that divide the
        // denominator, are multiples of it, are unrelated, or exceed the
        // bound: the hinted answer is always Wang's.
        let ps = primes(6);
        let values = [
            BigRational::new(BigInt::from(-123_456_789_i64), BigInt::from(77)),
            BigRational::new(BigInt::from(5), BigInt::from(7)),
            BigRational::from_integer(BigInt::from(-42)),
            BigRational::new(BigInt::from(1_000_003), BigInt::from(13)),
            BigRational::new(
                "1234567890123456789012345678901234567890"
                    .parse::<BigInt>()
                    .unwrap(),
                "987654321098765432109876543".parse::<BigInt>().unwrap(),
            ),
        ];
        for v in &values {
            let mut crt = Crt::default();
            for &p in &ps {
                crt.add(Fp::new(p).from_rational(v).unwrap(), u64::from(p));
            }
            let bound = (crt.modulus() >> 1u32).sqrt();
            let wang = crt.rational();
            for hint in [1i64, 7, 77, 7 * 77, 13, 1_000_000_007] {
                assert_eq!(crt.rational_hinted(&BigInt::from(hint), &bound), wang);
            }
            let huge = &bound + BigInt::from(1);
            assert_eq!(crt.rational_hinted(&huge, &bound), wang);
        }
    }
}

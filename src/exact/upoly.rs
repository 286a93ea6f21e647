//! Univariate polynomials over Q, dense, lowest degree first.
//!
//! Arithmetic is exact. The gcd runs on primitive integer polynomials with a
//! small-primes modular algorithm, so that it stays fast when the
//! coefficients of the remainders in Euclid's algorithm would blow up
//! (degree 100 with 50-digit coefficients takes milliseconds).

use std::fmt;
use std::ops::{Add, Mul, Neg, Sub};

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

use super::intpoly;
use crate::model::to_f64;

/// A univariate polynomial with rational coefficients, stored densely with
/// the coefficient of `tᵏ` at index `k`, normalized so that the last stored
/// coefficient is non-zero (the zero polynomial stores no coefficients).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UPoly {
    coeffs: Vec<BigRational>,
}

fn rat(k: i64) -> BigRational {
    BigRational::from_integer(BigInt::from(k))
}

impl UPoly {
    /// The polynomial `Σ coeffs[k] tᵏ` (trailing zeros are dropped).
    pub fn new(mut coeffs: Vec<BigRational>) -> Self {
        while coeffs.last().is_some_and(Zero::is_zero) {
            coeffs.pop();
        }
        Self { coeffs }
    }

    /// The zero polynomial.
    pub fn zero() -> Self {
        Self { coeffs: Vec::new() }
    }

    /// The constant polynomial 1.
    pub fn one() -> Self {
        Self::constant(BigRational::one())
    }

    /// The polynomial `t`.
    pub fn x() -> Self {
        Self::new(vec![BigRational::zero(), BigRational::one()])
    }

    /// The constant polynomial `c`.
    pub fn constant(c: BigRational) -> Self {
        Self::new(vec![c])
    }

    /// The polynomial with integer coefficients `c[0] + c[1] t + …`
    /// (lowest degree first).
    pub fn from_ints(c: &[i64]) -> Self {
        Self::new(c.iter().map(|&k| rat(k)).collect())
    }

    /// `Π (t − rᵢ)`, the monic polynomial with the given roots (with
    /// repetitions).
    pub fn from_roots(roots: &[BigRational]) -> Self {
        roots.iter().fold(Self::one(), |acc, r| {
            acc.mul(&Self::new(vec![-r.clone(), BigRational::one()]))
        })
    }

    /// The degree; `None` for the zero polynomial.
    pub fn degree(&self) -> Option<usize> {
        self.coeffs.len().checked_sub(1)
    }

    /// The coefficients, lowest degree first (empty for zero).
    pub fn coeffs(&self) -> &[BigRational] {
        &self.coeffs
    }

    /// The leading coefficient; `None` for the zero polynomial.
    pub fn leading(&self) -> Option<&BigRational> {
        self.coeffs.last()
    }

    /// Whether this is the zero polynomial.
    pub fn is_zero(&self) -> bool {
        self.coeffs.is_empty()
    }

    /// The value at `x` (Horner).
    pub fn eval(&self, x: &BigRational) -> BigRational {
        let mut v = BigRational::zero();
        for c in self.coeffs.iter().rev() {
            v = v * x + c;
        }
        v
    }

    /// The value at a floating-point `x` (Horner in `f64`, coefficients
    /// rounded to the nearest `f64`).
    pub fn eval_f64(&self, x: f64) -> f64 {
        self.coeffs
            .iter()
            .rev()
            .fold(0.0, |acc, c| acc * x + to_f64(c))
    }

    /// `self + other`.
    pub fn add(&self, other: &Self) -> Self {
        let n = self.coeffs.len().max(other.coeffs.len());
        let zero = BigRational::zero();
        Self::new(
            (0..n)
                .map(|i| self.coeffs.get(i).unwrap_or(&zero) + other.coeffs.get(i).unwrap_or(&zero))
                .collect(),
        )
    }

    /// `self − other`.
    pub fn sub(&self, other: &Self) -> Self {
        let n = self.coeffs.len().max(other.coeffs.len());
        let zero = BigRational::zero();
        Self::new(
            (0..n)
                .map(|i| self.coeffs.get(i).unwrap_or(&zero) - other.coeffs.get(i).unwrap_or(&zero))
                .collect(),
        )
    }

    /// `self · other`.
    pub fn mul(&self, other: &Self) -> Self {
        if self.is_zero() || other.is_zero() {
            return Self::zero();
        }
        let mut c = vec![BigRational::zero(); self.coeffs.len() + other.coeffs.len() - 1];
        for (i, a) in self.coeffs.iter().enumerate() {
            if a.is_zero() {
                continue;
            }
            for (j, b) in other.coeffs.iter().enumerate() {
                c[i + j] += a * b;
            }
        }
        Self::new(c)
    }

    /// `−self`.
    pub fn neg(&self) -> Self {
        Self {
            coeffs: self.coeffs.iter().map(|c| -c).collect(),
        }
    }

    /// `s · self`.
    pub fn scale(&self, s: &BigRational) -> Self {
        Self::new(self.coeffs.iter().map(|c| c * s).collect())
    }

    /// `selfᵏ`.
    pub fn pow(&self, k: u32) -> Self {
        (0..k).fold(Self::one(), |acc, _| acc.mul(self))
    }

    /// Euclidean division: `(q, r)` with `self = q·d + r` and
    /// `deg r < deg d`; `None` when `d` is the zero polynomial.
    pub fn div_rem(&self, d: &Self) -> Option<(Self, Self)> {
        let dd = d.degree()?;
        let ld = &d.coeffs[dd];
        let mut r = self.coeffs.clone();
        if r.len() <= dd {
            return Some((Self::zero(), self.clone()));
        }
        let mut q = vec![BigRational::zero(); r.len() - dd];
        for i in (0..q.len()).rev() {
            let lr = &r[i + dd];
            if lr.is_zero() {
                continue;
            }
            let c = lr / ld;
            for (j, dj) in d.coeffs.iter().enumerate() {
                r[i + j] -= &c * dj;
            }
            q[i] = c;
        }
        r.truncate(dd);
        Some((Self::new(q), Self::new(r)))
    }

    /// The monic greatest common divisor (`gcd(0, 0) = 0`).
    ///
    /// Computed on the primitive integer multiples of the inputs by a
    /// small-primes modular algorithm (images modulo 62-bit primes combined
    /// by the Chinese remainder theorem, the result proved by trial
    /// division), so the cost does not suffer from the coefficient growth of
    /// Euclid's algorithm.
    pub fn gcd(&self, other: &Self) -> Self {
        let a = intpoly::from_rational(&self.coeffs);
        let b = intpoly::from_rational(&other.coeffs);
        Self::new(intpoly::to_rational(&intpoly::gcd(&a, &b))).monic()
    }

    /// The inverse of `self` modulo `m` (`u` with `u·self ≡ 1 mod m`,
    /// `deg u < deg m`), or `None` when they have a common factor: the
    /// extended Euclidean algorithm over Q, keeping only the cofactor of
    /// `self`.
    pub fn inverse_mod(&self, m: &Self) -> Option<Self> {
        let (_, a) = self.div_rem(m)?;
        // Invariant: t0·self ≡ r0 and t1·self ≡ r1 (mod m).
        let (mut r0, mut r1) = (m.clone(), a);
        let (mut t0, mut t1) = (Self::zero(), Self::one());
        while !r1.is_zero() {
            let (q, r) = r0.div_rem(&r1)?;
            let t = t0.sub(&q.mul(&t1));
            (r0, r1) = (r1, r);
            (t0, t1) = (t1, t);
        }
        if r0.degree() != Some(0) {
            return None;
        }
        let c = r0.coeffs()[0].recip();
        Some(t0.scale(&c).div_rem(m)?.1)
    }

    /// The derivative `d/dt`.
    pub fn derivative(&self) -> Self {
        Self::new(
            self.coeffs
                .iter()
                .enumerate()
                .skip(1)
                .map(|(i, c)| {
                    // c·i in lowest terms without a gcd of the tall parts:
                    // with g = gcd(i, den), num·(i/g) over den/g is reduced.
                    let i = BigInt::from(i);
                    let g = (c.denom() % &i).gcd(&i);
                    BigRational::new_raw(c.numer() * (&i / &g), c.denom() / &g)
                })
                .collect(),
        )
    }

    /// `self / lc(self)` (the zero polynomial stays zero).
    pub fn monic(&self) -> Self {
        match self.leading() {
            None => Self::zero(),
            Some(l) if l.is_one() => self.clone(),
            Some(l) => {
                let inv = l.recip();
                Self::new(self.coeffs.iter().map(|c| c * &inv).collect())
            }
        }
    }

    /// The squarefree part `p / gcd(p, p′)`, monic: the monic polynomial with
    /// the same roots as `p`, each simple (zero stays zero).
    pub fn squarefree_part(&self) -> Self {
        if self.is_zero() {
            return Self::zero();
        }
        let ip = intpoly::from_rational(&self.coeffs);
        Self::new(intpoly::to_rational(&squarefree_int(&ip))).monic()
    }

    /// The composition `self(q(t))`.
    pub fn compose(&self, q: &Self) -> Self {
        let mut v = Self::zero();
        for c in self.coeffs.iter().rev() {
            v = v.mul(q).add(&Self::constant(c.clone()));
        }
        v
    }

    /// The multiplicity of `r` as a root (0 when `p(r) ≠ 0`). By convention
    /// the zero polynomial, which vanishes to every order, returns 0.
    pub fn root_multiplicity(&self, r: &BigRational) -> usize {
        let mut p = self.coeffs.clone();
        let mut m = 0;
        while p.len() > 1 {
            // Synthetic division by (t − r): p = (t − r)·q + p(r).
            let mut q = vec![BigRational::zero(); p.len() - 1];
            let mut acc = BigRational::zero();
            for k in (1..p.len()).rev() {
                acc = acc * r + &p[k];
                q[k - 1] = acc.clone();
            }
            let rem = acc * r + &p[0];
            if !rem.is_zero() {
                break;
            }
            m += 1;
            p = q;
        }
        m
    }

    /// A readable form with the given variable name, highest degree first,
    /// e.g. `t^3 - 3/2*t + 1`, in the syntax of Symbolica, Singular, Maple
    /// and Mathematica (`*`, `^`, rationals `p/q`; `3/2*t` parses as
    /// `(3/2)*t`). The zero polynomial is `0`.
    pub fn to_string_in(&self, var: &str) -> String {
        if self.is_zero() {
            return "0".to_owned();
        }
        let mut out = String::new();
        for (k, c) in self.coeffs.iter().enumerate().rev() {
            if c.is_zero() {
                continue;
            }
            let negative = c.is_negative();
            if out.is_empty() {
                if negative {
                    out.push('-');
                }
            } else {
                out.push_str(if negative { " - " } else { " + " });
            }
            let a = c.abs();
            let monomial = match k {
                0 => String::new(),
                1 => var.to_owned(),
                _ => format!("{var}^{k}"),
            };
            if k == 0 {
                out.push_str(&a.to_string());
            } else if a.is_one() {
                out.push_str(&monomial);
            } else {
                out.push_str(&format!("{a}*{monomial}"));
            }
        }
        out
    }
}

/// The multiplicity `d` of `τ` as a root of `χ` and `χ/(t − τ)^d`.
pub(crate) fn divide_out(chi: &UPoly, tau: &BigRational) -> crate::error::Result<(usize, UPoly)> {
    if tau.is_zero() {
        let d = chi.coeffs().iter().take_while(|c| c.is_zero()).count();
        return Ok((d, UPoly::new(chi.coeffs()[d..].to_vec())));
    }
    let d = chi.root_multiplicity(tau);
    let factor = UPoly::new(vec![-tau.clone(), BigRational::one()]).pow(d as u32);
    match chi.div_rem(&factor) {
        Some((quo, rem)) if rem.is_zero() => Ok((d, quo)),
        _ => Err(crate::error::Error::Computation(format!(
            "(t − {tau})^{d} does not divide the characteristic polynomial {chi}, although {tau} is a root of multiplicity {d}"
        ))),
    }
}

/// The nodes `0, 1, …, count − 1`.
pub(crate) fn integer_nodes(count: usize) -> Vec<BigRational> {
    (0..count)
        .map(|i| BigRational::from_integer(BigInt::from(i)))
        .collect()
}

/// The polynomial of degree `< ys.len()` with value `ys[i]` at `κ = i`
/// (`i = 0, 1, …`), by Newton's forward differences in integer arithmetic:
/// with `L` the lcm of the denominators and `N = ys.len() − 1`,
/// `L·p(x) = Σⱼ Δʲ(L·y)₀ · x(x−1)⋯(x−j+1)/j!`, evaluated by Horner's rule
/// on `N!·L·p`, whose coefficients are integers, and divided once at the
/// end (rational arithmetic would take a gcd at every step).
pub(crate) fn interpolate(ys: &[BigRational]) -> UPoly {
    let Some(last) = ys.len().checked_sub(1) else {
        return UPoly::zero();
    };
    let (mut y, l) = intpoly::clear_denominators(ys);
    // Forward differences Δʲy₀.
    let mut diffs = Vec::with_capacity(ys.len());
    while let Some(first) = y.first().cloned() {
        diffs.push(first);
        for i in 0..y.len() - 1 {
            y[i] = &y[i + 1] - &y[i];
        }
        y.pop();
    }
    // Cⱼ = Δʲy₀ · N!/j!, Horner: p ← p·(x − j) + Cⱼ for j = N−1, …, 0.
    let mut factor = BigInt::one(); // N!/j!
    let mut scaled = vec![BigInt::zero(); ys.len()];
    for j in (0..=last).rev() {
        scaled[j] = &diffs[j] * &factor;
        factor *= BigInt::from(j.max(1));
    }
    // Now factor = N!.
    let mut p: Vec<BigInt> = vec![scaled[last].clone()];
    for j in (0..last).rev() {
        let jj = BigInt::from(j);
        let mut next = vec![BigInt::zero(); p.len() + 1];
        for (i, c) in p.iter().enumerate() {
            next[i + 1] += c;
            if j != 0 {
                next[i] -= &jj * c;
            }
        }
        next[0] += &scaled[j];
        p = next;
    }
    let den = factor * l;
    UPoly::new(
        p.into_iter()
            .map(|c| {
                if c.is_zero() {
                    BigRational::zero()
                } else {
                    intpoly::ratio(c, den.clone())
                }
            })
            .collect(),
    )
}

/// `p(x)` by Horner's rule on integers: with `L` the lcm of the
/// coefficient denominators and `x = u/v`,
/// `p(x) = (Σ L·cᵢ uⁱ v^{N−i}) / (L·v^N)`, one gcd at the end instead of
/// one per step.
pub(crate) fn eval_fast(p: &UPoly, x: &BigRational) -> BigRational {
    let c = p.coeffs();
    let Some(n) = c.len().checked_sub(1) else {
        return BigRational::zero();
    };
    let (ints, l) = intpoly::clear_denominators(c);
    let (u, v) = (x.numer(), x.denom());
    let mut acc = BigInt::zero();
    let mut vpow = BigInt::one();
    for ci in ints.iter().rev() {
        // acc ← acc·u + L·cᵢ·v^{N−i}
        acc = acc * u + ci * &vpow;
        vpow *= v;
    }
    // vpow = v^{N+1}; the denominator is L·v^N.
    intpoly::ratio(acc, l * num_traits::pow(v.clone(), n))
}

/// Squarefree part of a non-zero integer polynomial (primitive).
pub(crate) fn squarefree_int(ip: &[BigInt]) -> intpoly::IPoly {
    let g = intpoly::gcd(ip, &intpoly::derivative(ip));
    if g.len() <= 1 {
        return intpoly::primitive(ip.to_vec());
    }
    // g divides p in Z[x] (Gauss's lemma, g primitive).
    intpoly::exact_div(ip, &g).expect("the gcd of p and p′ divides p")
}

impl fmt::Display for UPoly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_string_in("t"))
    }
}

impl Add<&UPoly> for &UPoly {
    type Output = UPoly;
    fn add(self, rhs: &UPoly) -> UPoly {
        UPoly::add(self, rhs)
    }
}

impl Sub<&UPoly> for &UPoly {
    type Output = UPoly;
    fn sub(self, rhs: &UPoly) -> UPoly {
        UPoly::sub(self, rhs)
    }
}

impl Mul<&UPoly> for &UPoly {
    type Output = UPoly;
    fn mul(self, rhs: &UPoly) -> UPoly {
        UPoly::mul(self, rhs)
    }
}

impl Neg for &UPoly {
    type Output = UPoly;
    fn neg(self) -> UPoly {
        UPoly::neg(self)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    pub(crate) use crate::model::ratio as q;

    /// Monic gcd by Euclid's algorithm over Q: the textbook reference.
    fn euclid_gcd(a: &UPoly, b: &UPoly) -> UPoly {
        let (mut a, mut b) = (a.clone(), b.clone());
        while !b.is_zero() {
            let (_, r) = a.div_rem(&b).unwrap();
            a = b;
            b = r;
        }
        a.monic()
    }

    pub(crate) fn arb_poly(max_deg: usize, max_c: i64) -> impl Strategy<Value = UPoly> {
        prop::collection::vec((-max_c..=max_c, 1..=4i64), 0..=max_deg + 1)
            .prop_map(|v| UPoly::new(v.into_iter().map(|(n, d)| q(n, d)).collect()))
    }

    #[test]
    fn construction_and_normalization() {
        let p = UPoly::new(vec![q(1, 1), q(0, 1), q(0, 1)]);
        assert_eq!(p, UPoly::one());
        assert_eq!(p.degree(), Some(0));
        assert_eq!(UPoly::new(vec![q(0, 1)]), UPoly::zero());
        assert_eq!(UPoly::zero().degree(), None);
        assert!(UPoly::zero().leading().is_none());
        assert_eq!(UPoly::x().degree(), Some(1));
        let f = UPoly::from_ints(&[1, -2, 0, 3]);
        assert_eq!(f.leading(), Some(&q(3, 1)));
        assert_eq!(f.eval(&q(2, 1)), q(1 - 4 + 24, 1));
        assert_eq!(f.eval_f64(0.5), 1.0 - 1.0 + 3.0 / 8.0);
        assert_eq!(
            UPoly::from_roots(&[q(1, 1), q(-2, 1)]),
            UPoly::from_ints(&[-2, 1, 1])
        );
    }

    #[test]
    fn printing() {
        let p = UPoly::new(vec![q(1, 1), q(-3, 2), q(0, 1), q(1, 1)]);
        assert_eq!(p.to_string(), "t^3 - 3/2*t + 1");
        assert_eq!(p.to_string_in("x"), "x^3 - 3/2*x + 1");
        assert_eq!(UPoly::from_ints(&[0, -1]).to_string(), "-t");
        assert_eq!(UPoly::from_ints(&[-5]).to_string(), "-5");
        assert_eq!(UPoly::zero().to_string(), "0");
        assert_eq!(
            UPoly::new(vec![q(-7, 3), q(0, 1), q(-2, 5)]).to_string(),
            "-2/5*t^2 - 7/3"
        );
    }

    #[test]
    fn division_gcd_and_squarefree_by_hand() {
        // (t−1)²(t+2)(t²+1) and its derivative.
        let p = UPoly::from_ints(&[-1, 1])
            .pow(2)
            .mul(&UPoly::from_ints(&[2, 1]))
            .mul(&UPoly::from_ints(&[1, 0, 1]));
        assert_eq!(p.gcd(&p.derivative()), UPoly::from_ints(&[-1, 1]));
        assert_eq!(
            p.squarefree_part(),
            UPoly::from_ints(&[-1, 1])
                .mul(&UPoly::from_ints(&[2, 1]))
                .mul(&UPoly::from_ints(&[1, 0, 1]))
        );
        assert_eq!(p.root_multiplicity(&q(1, 1)), 2);
        assert_eq!(p.root_multiplicity(&q(-2, 1)), 1);
        assert_eq!(p.root_multiplicity(&q(2, 1)), 0);
        assert_eq!(UPoly::zero().gcd(&UPoly::zero()), UPoly::zero());
        assert_eq!(UPoly::zero().gcd(&p.scale(&q(3, 1))), p.monic());
        assert_eq!(p.gcd(&UPoly::from_ints(&[5])), UPoly::one());
        assert!(p.div_rem(&UPoly::zero()).is_none());
        let (quo, rem) = p.div_rem(&UPoly::from_ints(&[1, 0, 1])).unwrap();
        assert!(rem.is_zero());
        assert_eq!(quo.degree(), Some(3));
        // Rational coefficients: gcd of 2/3(t − 1/2)(t + 3) and (t − 1/2)(t − 7).
        let a = UPoly::from_roots(&[q(1, 2), q(-3, 1)]).scale(&q(2, 3));
        let b = UPoly::from_roots(&[q(1, 2), q(7, 1)]);
        assert_eq!(a.gcd(&b), UPoly::from_roots(&[q(1, 2)]));
        assert_eq!(UPoly::zero().squarefree_part(), UPoly::zero());
        assert_eq!(UPoly::from_ints(&[4]).squarefree_part(), UPoly::one());
    }

    #[test]
    fn composition() {
        // p(t) = t² + 1 at q(t) = 2t − 1 is 4t² − 4t + 2.
        let p = UPoly::from_ints(&[1, 0, 1]);
        let r = UPoly::from_ints(&[-1, 2]);
        assert_eq!(p.compose(&r), UPoly::from_ints(&[2, -4, 4]));
        assert_eq!(UPoly::zero().compose(&r), UPoly::zero());
    }

    /// A pseudo-random integer polynomial with coefficients of about
    /// `digits` decimal digits (deterministic).
    fn big_poly(deg: usize, digits: u32, seed: u64) -> UPoly {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut c = Vec::new();
        for _ in 0..=deg {
            let mut x = BigInt::zero();
            for _ in 0..digits {
                x = x * 10 + rng.gen_range(0..10);
            }
            if rng.gen_bool(0.5) {
                x = -x;
            }
            c.push(BigRational::from_integer(x));
        }
        if c[deg].is_zero() {
            c[deg] = BigRational::one();
        }
        UPoly::new(c)
    }

    #[test]
    fn gcd_of_large_polynomials() {
        // Degree 100, 50-digit coefficients: coprime inputs and inputs with a
        // planted common factor of degree 30.
        let a = big_poly(100, 50, 1);
        let b = big_poly(100, 50, 2);
        let start = std::time::Instant::now();
        assert_eq!(a.gcd(&b), UPoly::one());
        assert_eq!(a.gcd(&a.derivative()), UPoly::one());
        let coprime = start.elapsed();
        let c = big_poly(30, 50, 3);
        let a2 = a.mul(&c);
        let b2 = big_poly(70, 50, 4).mul(&c);
        let start = std::time::Instant::now();
        let g = a2.gcd(&b2);
        let planted = start.elapsed();
        assert_eq!(g, c.monic());
        eprintln!("large gcds: coprime {coprime:?}, common factor {planted:?}");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn ring_identities(a in arb_poly(5, 9), b in arb_poly(5, 9), c in arb_poly(3, 9)) {
            prop_assert_eq!(&(&a + &b) - &b, a.clone());
            prop_assert_eq!(&a * &(&b + &c), &(&a * &b) + &(&a * &c));
            prop_assert_eq!(&a * &b, &b * &a);
            prop_assert_eq!(&a + &(-&a), UPoly::zero());
            let x = q(3, 7);
            prop_assert_eq!((&a * &b).eval(&x), a.eval(&x) * b.eval(&x));
            prop_assert_eq!(a.compose(&b).eval(&x), a.eval(&b.eval(&x)));
            if let (Some(da), Some(db)) = (a.degree(), b.degree()) {
                prop_assert_eq!((&a * &b).degree(), Some(da + db));
            }
            // Product rule.
            prop_assert_eq!(
                (&a * &b).derivative(),
                &(&a.derivative() * &b) + &(&a * &b.derivative())
            );
        }

        #[test]
        fn division_identity(a in arb_poly(7, 9), d in arb_poly(4, 9)) {
            match a.div_rem(&d) {
                None => prop_assert!(d.is_zero()),
                Some((quo, rem)) => {
                    prop_assert_eq!(&(&quo * &d) + &rem, a.clone());
                    prop_assert!(rem.is_zero() || rem.degree() < d.degree());
                }
            }
        }

        #[test]
        fn gcd_agrees_with_euclid(a in arb_poly(4, 6), b in arb_poly(4, 6), c in arb_poly(3, 6)) {
            // Plant a common factor c.
            let (x, y) = (&a * &c, &b * &c);
            let g = x.gcd(&y);
            prop_assert_eq!(&g, &euclid_gcd(&x, &y));
            if !g.is_zero() {
                let (_, r1) = x.div_rem(&g).unwrap();
                let (_, r2) = y.div_rem(&g).unwrap();
                prop_assert!(r1.is_zero() && r2.is_zero());
                prop_assert_eq!(g.leading(), Some(&BigRational::one()));
                // Cofactors are coprime.
                let (cx, _) = x.div_rem(&g).unwrap();
                let (cy, _) = y.div_rem(&g).unwrap();
                if !cx.is_zero() && !cy.is_zero() {
                    prop_assert_eq!(cx.gcd(&cy), UPoly::one());
                }
            }
        }

        #[test]
        fn squarefree_part_and_multiplicities(
            roots in prop::collection::vec((-6i64..=6, 1i64..=3), 1..6),
            mult in prop::collection::vec(1usize..=3, 6),
        ) {
            let mut p = UPoly::one();
            let mut distinct: Vec<BigRational> = Vec::new();
            for (i, &(n, d)) in roots.iter().enumerate() {
                let r = q(n, d);
                p = &p * &UPoly::from_roots(std::slice::from_ref(&r)).pow(mult[i] as u32);
                if !distinct.contains(&r) {
                    distinct.push(r);
                }
            }
            let p = p.scale(&q(-5, 3));
            let s = p.squarefree_part();
            prop_assert_eq!(s.degree(), Some(distinct.len()));
            for r in &distinct {
                prop_assert_eq!(s.root_multiplicity(r), 1);
                let expected: usize = roots
                    .iter()
                    .enumerate()
                    .filter(|&(_, &(n, d))| q(n, d) == *r)
                    .map(|(i, _)| mult[i])
                    .sum();
                prop_assert_eq!(p.root_multiplicity(r), expected);
            }
        }
    }

    #[test]
    fn interpolation_and_fast_evaluation_are_exact() {
        let p = UPoly::new(vec![q(-3, 7), q(5, 2), q(0, 1), q(-11, 3), q(1, 9)]);
        for extra in 0..3 {
            let ys: Vec<BigRational> = integer_nodes(5 + extra).iter().map(|k| p.eval(k)).collect();
            assert_eq!(interpolate(&ys), p);
        }
        assert_eq!(interpolate(&[]), UPoly::zero());
        assert_eq!(interpolate(&[q(2, 3)]), UPoly::constant(q(2, 3)));
        for x in [q(0, 1), q(1, 1), q(-7, 3), q(22, 7)] {
            assert_eq!(eval_fast(&p, &x), p.eval(&x));
        }
        assert_eq!(eval_fast(&UPoly::zero(), &q(2, 1)), q(0, 1));
    }
}

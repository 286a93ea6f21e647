//! Sturm sequences and exact real roots.
//!
//! A real algebraic number is represented by a squarefree polynomial and an
//! isolating interval with rational endpoints ([`RealRoot`]). Everything is
//! decided exactly: counts of roots by Sturm's theorem ([`SturmSequence`])
//! or bounded by Descartes' rule of signs (isolation and sign
//! determination), signs of other polynomials at a root by gcds and
//! refinement, comparisons of roots of different polynomials likewise.
//! Floating-point and decimal values are produced by refining the interval
//! until the rounded value is determined.

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

use super::intpoly::{self, IPoly};
use super::upoly::{UPoly, squarefree_int};
use crate::model::{cmp_rational, to_f64};

/// The Sturm sequence `s₀ = p / gcd(p, p′)`, `s₁ = s₀′`,
/// `sₖ₊₁ = −rem(sₖ₋₁, sₖ)` of the squarefree part of `p`.
///
/// Each term is stored as a primitive integer polynomial, i.e. scaled by a
/// *positive* constant, which changes no sign. Because `s₀` is squarefree,
/// Sturm's theorem holds on half-open intervals even at roots: for `a < b`
/// the number of distinct real roots of `p` in `(a, b]` is `V(a) − V(b)`,
/// where `V(x)` counts the sign changes of `s₀(x), s₁(x), …` (zeros
/// skipped).
///
/// The zero polynomial (which vanishes everywhere) gets the empty sequence,
/// for which every count is 0; a non-zero constant has no roots and counts 0
/// as well.
///
/// Cost: the terms are computed by pseudo-division and primitive parts; their
/// coefficients grow like subresultants, to about `2·deg·(coefficient
/// size)` (for the characteristic polynomial of a 21×21 matrix with 6-digit
/// rational entries, 13 000-bit coefficients give a sequence with 6·10⁵-bit
/// ones, taking seconds). [`real_roots`] and [`RealRoot::sign_of`] therefore
/// use Descartes' rule of signs instead.
#[derive(Clone, Debug)]
pub struct SturmSequence {
    seq: Vec<IPoly>,
}

/// Number of sign changes in a sequence of signs, zeros skipped.
fn sign_changes(signs: impl IntoIterator<Item = Ordering>) -> usize {
    let mut last = Ordering::Equal;
    let mut n = 0;
    for s in signs {
        if s == Ordering::Equal {
            continue;
        }
        if last != Ordering::Equal && s != last {
            n += 1;
        }
        last = s;
    }
    n
}

impl SturmSequence {
    /// The Sturm sequence of the squarefree part of `p`.
    pub fn new(p: &UPoly) -> Self {
        if p.is_zero() {
            return Self { seq: Vec::new() };
        }
        let ip = intpoly::from_rational(p.coeffs());
        Self::from_squarefree(squarefree_int(&ip))
    }

    /// The sequence of a squarefree, non-zero integer polynomial.
    pub(crate) fn from_squarefree(s0: IPoly) -> Self {
        let mut seq = vec![s0];
        let s1 = intpoly::primitive(intpoly::derivative(&seq[0]));
        if s1.is_empty() {
            return Self { seq };
        }
        seq.push(s1);
        loop {
            let n = seq.len();
            let (r, k) = intpoly::prem(&seq[n - 2], &seq[n - 1]);
            if r.is_empty() {
                break;
            }
            // lc(sₙ₋₁)ᵏ·sₙ₋₂ = q·sₙ₋₁ + r, so −rem has the sign of
            // −r·sign(lc)ᵏ.
            let lc_negative = intpoly::sign_lc(&seq[n - 1]) == Ordering::Less;
            let flip = !(lc_negative && k % 2 == 1);
            let mut next = intpoly::primitive(r);
            if flip {
                for c in &mut next {
                    *c = -&*c;
                }
            }
            seq.push(next);
        }
        Self { seq }
    }

    /// The terms of the sequence, each scaled by a positive constant.
    pub fn polynomials(&self) -> Vec<UPoly> {
        self.seq
            .iter()
            .map(|s| UPoly::new(intpoly::to_rational(s)))
            .collect()
    }

    /// `V(x)`: sign changes of the sequence at `x` (zeros skipped).
    pub fn sign_changes_at(&self, x: &BigRational) -> usize {
        let maxdeg = self.seq.first().map_or(0, Vec::len);
        let pows = if x.denom().is_one() {
            Vec::new()
        } else {
            intpoly::powers(x.denom(), maxdeg)
        };
        sign_changes(
            self.seq
                .iter()
                .map(|s| intpoly::sign_at_pows(s, x.numer(), &pows)),
        )
    }

    /// `V(±∞)`: sign changes of the sequence near `+∞` (`positive`) or `−∞`.
    pub fn sign_changes_at_infinity(&self, positive: bool) -> usize {
        sign_changes(
            self.seq
                .iter()
                .map(|s| intpoly::sign_at_infinity(s, positive)),
        )
    }

    /// The number of distinct real roots in the half-open interval
    /// `(lo, hi]` (0 when `lo ≥ hi`).
    pub fn count_in(&self, lo: &BigRational, hi: &BigRational) -> usize {
        if !lt(lo, hi) {
            return 0;
        }
        self.sign_changes_at(lo)
            .saturating_sub(self.sign_changes_at(hi))
    }

    /// The number of distinct real roots.
    pub fn count_real(&self) -> usize {
        self.sign_changes_at_infinity(false)
            .saturating_sub(self.sign_changes_at_infinity(true))
    }
}

/// A real algebraic number: the unique root of the squarefree monic
/// polynomial [`poly`](Self::poly) in the half-open interval
/// `(lo, hi]`, or the rational number `lo` when `lo = hi`.
///
/// Invariant when `lo < hi`: `poly(lo)` and `poly(hi)` are non-zero and of
/// opposite signs, so the root lies in the open interval `(lo, hi)` and is
/// simple. Refinement is bisection on the sign of `poly`; a bisection point
/// that is a root collapses the interval to that exact rational.
#[derive(Clone, Debug)]
pub struct RealRoot {
    poly: UPoly,
    /// A primitive integer multiple (by a positive factor) of `poly`.
    ipoly: IPoly,
    lo: BigRational,
    hi: BigRational,
    /// Sign of `poly(lo)` (`Equal` exactly when the root is exact).
    sign_lo: Ordering,
}

/// `a < b`, without the recursion of `num-rational`'s comparison
/// ([`cmp_rational`]): the ends of a refined interval agree to many bits.
fn lt(a: &BigRational, b: &BigRational) -> bool {
    cmp_rational(a, b) == Ordering::Less
}

/// The largest number of bits [`RealRoot::shrink`] is asked for at once.
const MAX_SHRINK_BITS: u32 = 1 << 16;

/// `(a + b)/2`, reduced by the fast gcd of [`intpoly::ratio`].
fn midpoint(a: &BigRational, b: &BigRational) -> BigRational {
    if a.denom() == b.denom() {
        return intpoly::ratio(a.numer() + b.numer(), a.denom() << 1);
    }
    intpoly::ratio(
        a.numer() * b.denom() + b.numer() * a.denom(),
        (a.denom() * b.denom()) << 1,
    )
}

/// `n/d` rounded to the nearest integer, halves away from zero (as
/// `num-rational`'s `round`); `d ≠ 0`.
fn round_div(n: BigInt, d: BigInt) -> BigInt {
    let (n, d) = if d.is_negative() { (-n, -d) } else { (n, d) };
    let twice = &d << 1;
    let q: BigInt = (n.abs() * 2u32 + &d) / twice;
    if n.is_negative() { -q } else { q }
}

fn two() -> BigRational {
    BigRational::from_integer(BigInt::from(2))
}

/// `10ᵉ` as a rational.
fn pow10(e: i64) -> BigRational {
    let p = num_traits::pow(BigInt::from(10), e.unsigned_abs() as usize);
    if e >= 0 {
        BigRational::from_integer(p)
    } else {
        BigRational::new(BigInt::one(), p)
    }
}

/// `⌊log₁₀ x⌋` for `x > 0`.
fn floor_log10(x: &BigRational) -> i64 {
    // Estimate from the bit lengths (log₁₀ 2 ≈ 0.30103), then correct.
    let bits = x.numer().bits() as i64 - x.denom().bits() as i64;
    let mut e = (bits as f64 * std::f64::consts::LOG10_2).floor() as i64;
    while pow10(e) > *x {
        e -= 1;
    }
    while pow10(e + 1) <= *x {
        e += 1;
    }
    e
}

/// `⌊x⌋`.
fn floor(x: &BigRational) -> BigInt {
    x.numer().div_floor(x.denom())
}

/// The nearest integer, ties to even.
fn round_half_even(x: &BigRational) -> BigInt {
    let half = BigRational::new(BigInt::one(), BigInt::from(2));
    let f = floor(x);
    let frac = x - BigRational::from_integer(f.clone());
    match frac.cmp(&half) {
        Ordering::Less => f,
        Ordering::Greater => f + 1,
        Ordering::Equal => {
            if f.is_even() {
                f
            } else {
                f + 1
            }
        }
    }
}

/// Formats `±N·10^(e−digits+1)` where `N` has exactly `digits` digits.
fn format_decimal(negative: bool, mantissa: &BigInt, e: i64, digits: usize) -> String {
    let m = mantissa.to_string();
    debug_assert_eq!(m.len(), digits);
    let sign = if negative { "-" } else { "" };
    if (0..digits as i64).contains(&e) {
        let (int, frac) = m.split_at(e as usize + 1);
        if frac.is_empty() {
            format!("{sign}{int}")
        } else {
            format!("{sign}{int}.{frac}")
        }
    } else if (-5..0).contains(&e) {
        let zeros = "0".repeat((-e - 1) as usize);
        format!("{sign}0.{zeros}{m}")
    } else {
        let (first, rest) = m.split_at(1);
        if rest.is_empty() {
            format!("{sign}{first}e{e}")
        } else {
            format!("{sign}{first}.{rest}e{e}")
        }
    }
}

/// Correctly rounded decimal of a rational (ties to even).
fn format_rational(x: &BigRational, digits: usize) -> String {
    if x.is_zero() {
        return "0".to_owned();
    }
    let a = x.abs();
    let mut e = floor_log10(&a);
    let v = &a / pow10(e - digits as i64 + 1);
    let mut n = round_half_even(&v);
    let top = num_traits::pow(BigInt::from(10), digits);
    if n == top {
        n /= 10;
        e += 1;
    }
    format_decimal(x.is_negative(), &n, e, digits)
}

/// The half-way point between two adjacent `f64` values `a < b`
/// (`b` possibly infinite when `a` is the largest finite value), exactly.
fn f64_tie(a: f64, b: f64) -> Option<BigRational> {
    let exact = |x: f64| BigRational::from_float(x);
    if a.is_finite() && b.is_finite() {
        return Some((exact(a)? + exact(b)?) / two());
    }
    // Overflow threshold: MAX + ulp(MAX)/2 = 2¹⁰²⁴ − 2⁹⁷⁰.
    let threshold = || {
        BigRational::from_integer(
            num_traits::pow(BigInt::from(2), 1024) - num_traits::pow(BigInt::from(2), 970),
        )
    };
    if a == f64::MAX && b == f64::INFINITY {
        Some(threshold())
    } else if a == f64::NEG_INFINITY && b == -f64::MAX {
        Some(-threshold())
    } else {
        None
    }
}

impl RealRoot {
    /// The rational number `r` as a root of `t − r`.
    pub fn from_rational(r: BigRational) -> Self {
        let poly = UPoly::new(vec![-r.clone(), BigRational::one()]);
        let ipoly = intpoly::from_rational(poly.coeffs());
        Self {
            poly,
            ipoly,
            lo: r.clone(),
            hi: r,
            sign_lo: Ordering::Equal,
        }
    }

    /// The same root as a root of `phi`, a polynomial that vanishes at it
    /// and divides this root's polynomial: the isolating interval is kept,
    /// since it holds no other root of the polynomial and so none of `phi`
    /// (and `phi` does not vanish at `lo` when the root is not exact,
    /// because the polynomial does not). `None` when `phi` is constant or
    /// does not vanish at the root; divisibility is the caller's to ensure.
    pub fn of_factor(&self, phi: &UPoly) -> Option<Self> {
        if phi.degree().is_none_or(|d| d == 0) || self.sign_of(phi) != Ordering::Equal {
            return None;
        }
        let s = squarefree_int(&intpoly::from_rational(phi.coeffs()));
        let sign_lo = if self.is_exact() {
            Ordering::Equal
        } else {
            intpoly::sign_at(&s, &self.lo)
        };
        Some(Self {
            poly: UPoly::new(intpoly::to_rational(&s)).monic(),
            ipoly: s,
            lo: self.lo.clone(),
            hi: self.hi.clone(),
            sign_lo,
        })
    }

    /// The squarefree monic polynomial this is a root of.
    pub fn poly(&self) -> &UPoly {
        &self.poly
    }

    /// Lower end of the isolating interval (excluded unless `lo = hi`).
    pub fn lo(&self) -> &BigRational {
        &self.lo
    }

    /// Upper end of the isolating interval.
    pub fn hi(&self) -> &BigRational {
        &self.hi
    }

    /// The width `hi − lo` of the isolating interval.
    pub fn width(&self) -> BigRational {
        self.hi() - self.lo()
    }

    /// Whether the root is known exactly (`lo = hi`).
    pub fn is_exact(&self) -> bool {
        self.sign_lo == Ordering::Equal
    }

    /// The root as a rational when it is known to be rational, i.e. when a
    /// bisection point hit it (`lo = hi`). A rational root that was never
    /// hit (say 1/3) stays an interval and gives `None`.
    pub fn exact(&self) -> Option<BigRational> {
        self.is_exact().then(|| self.lo.clone())
    }

    fn collapse(&mut self, r: BigRational) {
        self.lo = r.clone();
        self.hi = r;
        self.sign_lo = Ordering::Equal;
    }

    /// Splits the interval at `m` (`lo < m < hi` required), keeping the
    /// half that contains the root, or collapsing when `m` is the root.
    fn bisect_at(&mut self, m: BigRational) {
        match intpoly::sign_at(&self.ipoly, &m) {
            Ordering::Equal => self.collapse(m),
            s if s == self.sign_lo => self.lo = m,
            _ => self.hi = m,
        }
    }

    /// One bisection step at the midpoint (no-op when exact).
    fn bisect(&mut self) {
        if !self.is_exact() {
            let m = midpoint(&self.lo, &self.hi);
            self.bisect_at(m);
        }
    }

    /// Ensures `t` is not in the open interval `(lo, hi)`: splits there
    /// (finding the root exactly if it is `t`).
    fn split_at(&mut self, t: &BigRational) {
        if !self.is_exact() && lt(&self.lo, t) && lt(t, &self.hi) {
            self.bisect_at(t.clone());
        }
    }

    /// Bisects until `hi − lo ≤ width` (or the root is found exactly).
    /// A non-positive `width` cannot be reached by an irrational root; such
    /// a request leaves the root unchanged.
    pub fn refine(&mut self, width: &BigRational) {
        if !width.is_positive() {
            return;
        }
        while !self.is_exact() && lt(width, &(&self.hi - &self.lo)) {
            self.bisect();
        }
    }

    /// The nearest `f64` (round to nearest, ties to even): a clone is
    /// refined until both ends of the interval round to the same `f64`,
    /// splitting exactly at a rounding boundary when one lies inside (so a
    /// root *at* a boundary is found exactly and rounded by the tie rule).
    /// Relies on the conversion of `num-rational`, which is correctly
    /// rounded. Roots beyond the `f64` range give `±∞`.
    pub fn to_f64(&self) -> f64 {
        let mut r = self.clone();
        r.split_at(&BigRational::zero());
        loop {
            if r.is_exact() {
                return to_f64(&r.lo);
            }
            let (a, b) = (to_f64(&r.lo), to_f64(&r.hi));
            if a == b {
                return a;
            }
            let adjacent = (a.is_finite() && b == a.next_up())
                || (a == f64::MAX && b == f64::INFINITY)
                || (a == f64::NEG_INFINITY && b == -f64::MAX);
            match f64_tie(a, b).filter(|t| adjacent && lt(&r.lo, t) && lt(t, &r.hi)) {
                Some(t) => r.bisect_at(t),
                None => r.bisect(),
            }
        }
    }

    /// A decimal string with `digits` significant digits (at least 1),
    /// **correctly rounded**: the interval of a clone is refined until every
    /// point of it rounds to the same decimal; a rounding boundary inside the
    /// interval is tested exactly and split at, so a root lying exactly on a
    /// boundary is rounded half to even. Trailing zeros are kept (they are
    /// significant). Positional notation is used for exponents
    /// `−5 ≤ e < digits`, otherwise scientific (`1.2346e-7`, `6.0e23`). The
    /// root 0 is printed `0`.
    pub fn decimal(&self, digits: usize) -> String {
        let digits = digits.max(1);
        let mut r = self.clone();
        r.split_at(&BigRational::zero());
        // The decimal exponent e with 10ᵉ ≤ |root| < 10ᵉ⁺¹.
        let e = loop {
            if let Some(x) = r.exact() {
                return format_rational(&x, digits);
            }
            let negative = !r.hi.is_positive();
            let (a, b) = if negative {
                (-&r.hi, -&r.lo)
            } else {
                (r.lo.clone(), r.hi.clone())
            };
            if a.is_zero() {
                r.bisect();
                continue;
            }
            let (ea, eb) = (floor_log10(&a), floor_log10(&b));
            if ea == eb {
                break ea;
            }
            let t = if negative { -pow10(eb) } else { pow10(eb) };
            if eb == ea + 1 && lt(&r.lo, &t) && lt(&t, &r.hi) {
                r.bisect_at(t);
            } else {
                r.bisect();
            }
        };
        let unit = pow10(e - digits as i64 + 1);
        let half = BigRational::new(BigInt::one(), BigInt::from(2));
        loop {
            if let Some(x) = r.exact() {
                return format_rational(&x, digits);
            }
            let negative = !r.hi.is_positive();
            let (a, b) = if negative {
                (-&r.hi, -&r.lo)
            } else {
                (r.lo.clone(), r.hi.clone())
            };
            let ka = floor(&(&a / &unit + &half));
            let kb = floor(&(&b / &unit + &half));
            if ka == kb {
                let mut n = ka;
                let mut e = e;
                if n == num_traits::pow(BigInt::from(10), digits) {
                    n /= 10;
                    e += 1;
                }
                return format_decimal(negative, &n, e, digits);
            }
            let boundary = (BigRational::from_integer(ka.clone()) + &half) * &unit;
            let t = if negative { -boundary } else { boundary };
            if kb == ka + 1 && lt(&r.lo, &t) && lt(&t, &r.hi) {
                r.bisect_at(t);
            } else {
                r.bisect();
            }
        }
    }

    /// The exact sign of `q` at this root (`Equal` iff `q(root) = 0`).
    ///
    /// `q(root) = 0` iff `g = gcd(poly, q)` vanishes at the root; as `g`
    /// divides the squarefree `poly`, its only possible root in the interval
    /// is this one and `g(lo)`, `g(hi)` are non-zero, so this is decided by
    /// `g(lo)·g(hi) < 0` (equivalent to a Sturm count of `g` on `(lo, hi]`
    /// being 1). Otherwise a clone of the interval is narrowed (Newton steps
    /// checked by sign changes of `poly`, else bisections, the bits gained
    /// between two tests doubling) until `q` is non-zero at both ends and Descartes' rule of signs (on `q` transformed
    /// to the interval) shows no root of `q` inside, and the sign of `q(lo)`
    /// is returned. This terminates because `q(root) ≠ 0`: on small enough
    /// intervals Descartes' bound is exact (Obreshkoff's two-circle
    /// theorem). `self` is not changed; see [`Self::sign_of_refining`].
    pub fn sign_of(&self, q: &UPoly) -> Ordering {
        self.clone().sign_of_refining(q)
    }

    /// As [`Self::sign_of`], but keeps the refined interval in `self`
    /// (cheaper for repeated queries).
    pub fn sign_of_refining(&mut self, q: &UPoly) -> Ordering {
        if q.is_zero() {
            return Ordering::Equal;
        }
        if let Some(x) = self.exact() {
            return intpoly::sign_of_rat(&q.eval(&x));
        }
        self.sign_of_int_refining(intpoly::from_rational(q.coeffs()))
    }

    /// As [`Self::sign_of_refining`] for a polynomial with integer
    /// coefficients (of any content and sign; the zero polynomial gives
    /// `Equal`), without a detour through rationals.
    pub(crate) fn sign_of_int_refining(&mut self, mut iq: IPoly) -> Ordering {
        intpoly::trim(&mut iq);
        if iq.is_empty() {
            return Ordering::Equal;
        }
        if let Some(x) = self.exact() {
            return intpoly::sign_at(&iq, &x);
        }
        if iq.len() == 1 {
            return intpoly::sign_of_int(&iq[0]);
        }
        let g = intpoly::gcd(&self.ipoly, &iq);
        if g.len() > 1 && intpoly::sign_at(&g, &self.lo) != intpoly::sign_at(&g, &self.hi) {
            return Ordering::Equal;
        }
        // q(root) ≠ 0: narrow until Descartes' rule shows that q has no
        // root in the closed interval.
        let mut bits = 1;
        loop {
            if let Some(x) = self.exact() {
                return intpoly::sign_at(&iq, &x);
            }
            let s = intpoly::sign_at(&iq, &self.lo);
            if s != Ordering::Equal
                && intpoly::sign_at(&iq, &self.hi) == s
                && intpoly::descartes_bound(&iq, &self.lo, &self.hi) == 0
            {
                return s;
            }
            // The precision gained between two tests doubles, so `q` (whose
            // coefficients may be far larger than `poly`'s) is evaluated
            // O(log bits) times rather than once per bit.
            self.shrink(bits);
            bits = (2 * bits).min(MAX_SHRINK_BITS);
        }
    }

    /// Narrows the interval to `2⁻ᵏ` of its width (or finds the root
    /// exactly): one Newton step from the midpoint, accepted only when
    /// `poly` changes sign across the narrowed interval, which lies inside
    /// the old one and so holds the root (the old interval isolates it);
    /// otherwise `k` bisections. Near a simple root Newton's step gains as
    /// many bits as the interval already has, so calls with doubling `k`
    /// cost O(log) evaluations of `poly` instead of one per bit.
    fn shrink(&mut self, k: u32) {
        if self.is_exact() || self.newton_shrink(k) {
            return;
        }
        for _ in 0..k {
            self.bisect();
        }
    }

    /// The Newton step of [`Self::shrink`]; `false` when it is not
    /// accepted (the interval is then unchanged).
    fn newton_shrink(&mut self, k: u32) -> bool {
        let Some(d) = intpoly::degree(&self.ipoly).filter(|&d| d >= 1) else {
            return false;
        };
        let m = midpoint(&self.lo, &self.hi);
        let pows = intpoly::powers(m.denom(), d);
        // b^d·p(a/b) and b^(d−1)·p'(a/b) for m = a/b.
        let v = intpoly::homogeneous_value(&self.ipoly, m.numer(), &pows);
        let dv = intpoly::homogeneous_value(&intpoly::derivative(&self.ipoly), m.numer(), &pows);
        if dv.is_zero() {
            return false;
        }
        // In integers, reduced once at the end by the fast gcd (the
        // binary gcd of num-rational's arithmetic dominated): the Newton
        // point x = m − p/p' = (a·p' − p)/(b·p') in the scaled values above,
        // δ = (hi − lo)/2^(k+1), j = round(x/δ), and the ends (j ∓ 1)·δ.
        let (xn, xd) = (m.numer() * &dv - v, m.denom() * dv);
        let (ln, ld) = (self.lo.numer(), self.lo.denom());
        let (hn, hd) = (self.hi.numer(), self.hi.denom());
        let delta_num = hn * ld - ln * hd;
        let delta_den = (hd * ld) << (k + 1);
        let j = round_div(xn * &delta_den, xd * &delta_num);
        let lo = intpoly::ratio((&j - 1) * &delta_num, delta_den.clone());
        let hi = intpoly::ratio((j + 1) * delta_num, delta_den);
        if lt(&lo, &self.lo) || lt(&self.hi, &hi) {
            return false;
        }
        match (
            intpoly::sign_at(&self.ipoly, &lo),
            intpoly::sign_at(&self.ipoly, &hi),
        ) {
            (Ordering::Equal, _) => self.collapse(lo),
            (_, Ordering::Equal) => self.collapse(hi),
            (a, b) if a != b => {
                self.lo = lo;
                self.hi = hi;
                self.sign_lo = a;
            }
            _ => return false,
        }
        true
    }

    /// Compares this root with a rational number, exactly.
    pub fn compare_rational(&self, r: &BigRational) -> Ordering {
        if let Some(x) = self.exact() {
            return cmp_rational(&x, r);
        }
        if !lt(&self.lo, r) {
            return Ordering::Greater;
        }
        if !lt(r, &self.hi) {
            return Ordering::Less;
        }
        let mut c = self.clone();
        c.bisect_at(r.clone());
        if c.is_exact() {
            Ordering::Equal
        } else if c.lo == *r {
            Ordering::Greater
        } else {
            Ordering::Less
        }
    }

    /// Compares two real roots (of possibly different polynomials),
    /// exactly: equal iff `g = gcd(p₁, p₂)` has a root in the intersection
    /// of the two intervals (decided by the signs of `g` at its ends, which
    /// are non-zero); otherwise clones are bisected until the intervals are
    /// disjoint.
    pub fn compare(&self, other: &RealRoot) -> Ordering {
        if let Some(x) = self.exact() {
            return other.compare_rational(&x).reverse();
        }
        if let Some(y) = other.exact() {
            return self.compare_rational(&y);
        }
        let lo = if lt(&self.lo, &other.lo) {
            &other.lo
        } else {
            &self.lo
        };
        let hi = if lt(&other.hi, &self.hi) {
            &other.hi
        } else {
            &self.hi
        };
        if lt(lo, hi) {
            let g = intpoly::gcd(&self.ipoly, &other.ipoly);
            if g.len() > 1 && intpoly::sign_at(&g, lo) != intpoly::sign_at(&g, hi) {
                return Ordering::Equal;
            }
        }
        let (mut a, mut b) = (self.clone(), other.clone());
        loop {
            if a.is_exact() || b.is_exact() {
                return a.compare(&b);
            }
            if !lt(&b.lo, &a.hi) {
                return Ordering::Less;
            }
            if !lt(&a.lo, &b.hi) {
                return Ordering::Greater;
            }
            if !lt(&a.width(), &b.width()) {
                a.bisect();
            } else {
                b.bisect();
            }
        }
    }
}

/// All distinct real roots of `p`, in increasing order, with pairwise
/// disjoint isolating intervals. Empty for constants and for the zero
/// polynomial.
///
/// The roots of the squarefree part `s` lie in `(−B, B)` for the power of
/// two `B` of `root_bound_power_of_two` (above Fujiwara's bound). This
/// interval is
/// bisected at its (dyadic) midpoints; a midpoint where `s` vanishes becomes
/// an exact root (`lo = hi`), and an open piece is dropped when Descartes'
/// bound for it is 0 and kept as an isolating interval when it is 1 (the
/// Collins–Akritas method; it terminates for squarefree `s`). Descartes'
/// bounds are used rather than Sturm sequences because the Sturm sequence of
/// a polynomial with large coefficients has far larger ones (for the
/// characteristic polynomial of a 20×20 matrix with 6-digit entries, 2·10⁵
/// bits against 7·10³); the tests check the counts against
/// [`SturmSequence`].
pub fn real_roots(p: &UPoly) -> Vec<RealRoot> {
    if p.degree().is_none_or(|d| d == 0) {
        return Vec::new();
    }
    let s = squarefree_int(&intpoly::from_rational(p.coeffs()));
    let poly = UPoly::new(intpoly::to_rational(&s)).monic();
    let bound = root_bound_power_of_two(&s);
    let make = |lo: BigRational, hi: BigRational, sign_lo: Ordering| RealRoot {
        poly: poly.clone(),
        ipoly: s.clone(),
        lo,
        hi,
        sign_lo,
    };
    enum Task {
        Interval(BigRational, BigRational),
        Exact(BigRational),
    }
    let mut out = Vec::new();
    let mut stack = vec![Task::Interval(-bound.clone(), bound)];
    while let Some(task) = stack.pop() {
        let (lo, hi) = match task {
            Task::Exact(r) => {
                out.push(make(r.clone(), r, Ordering::Equal));
                continue;
            }
            Task::Interval(lo, hi) => (lo, hi),
        };
        match intpoly::descartes_bound(&s, &lo, &hi) {
            0 => {}
            1 => {
                let (lo, hi, sign_lo) = isolate_single(&s, lo, hi);
                out.push(make(lo, hi, sign_lo));
            }
            _ => {
                let mid = (&lo + &hi) / two();
                let is_root = intpoly::sign_at(&s, &mid) == Ordering::Equal;
                stack.push(Task::Interval(mid.clone(), hi));
                if is_root {
                    stack.push(Task::Exact(mid.clone()));
                }
                stack.push(Task::Interval(lo, mid));
            }
        }
    }
    out
}

/// A power of two `2^E` with every complex root `z` of the integer
/// polynomial `s` (coefficients from the constant term up, degree ≥ 1) in
/// `|z| < 2^E`.
///
/// Fujiwara's bound: `|z| ≤ 2·maxₖ |aₙ₋ₖ/aₙ|^{1/k}` (k = 1, …, n; the
/// bound holds also with `a₀` in place of Fujiwara's `a₀/2`). With `ℓ(x)`
/// the bit length, `|aₙ₋ₖ|/|aₙ| < 2^{ℓ(aₙ₋ₖ) − ℓ(aₙ) + 1}`, so each term is
/// below `2^{eₖ}` for `eₖ = ⌈(ℓ(aₙ₋ₖ) − ℓ(aₙ) + 1)/k⌉`, and `|z| < 2^{1 +
/// maxₖ eₖ}`. Unlike Cauchy's `1 + maxᵢ |aᵢ/aₙ|` it does not grow with the
/// size of the coefficients when the roots stay small: for a minimal
/// polynomial of degree 124 with 10⁴-bit coefficients whose roots are below
/// 2¹⁸, Cauchy's bound is about 2⁷²¹, and the bisection spent hundreds of
/// levels (each a Taylor shift of ever longer integers) shrinking it.
fn root_bound_power_of_two(s: &[BigInt]) -> BigRational {
    let n = s.len() - 1;
    let lead = s[n].bits() as i64;
    let e = (1..=n)
        .filter(|&k| !s[n - k].is_zero())
        .map(|k| -(lead - 1 - s[n - k].bits() as i64).div_euclid(k as i64))
        .max()
        // s = a·x: its only root is 0.
        .unwrap_or(0);
    let two_to = |e: i64| BigRational::from_integer(BigInt::one() << e.unsigned_abs());
    if e + 1 >= 0 {
        two_to(e + 1)
    } else {
        two_to(e + 1).recip()
    }
}

/// Given exactly one root of `s` in the open `(lo, hi)`, an interval around
/// it whose ends are not roots, with the sign of `s` at `lo`; or the root
/// itself (`lo = hi`, sign `Equal`) when a bisection point hits it. An end
/// may be a root found before: it is moved inwards using the sign at the
/// other end (not a root if the first is).
fn isolate_single(
    s: &[BigInt],
    mut lo: BigRational,
    mut hi: BigRational,
) -> (BigRational, BigRational, Ordering) {
    loop {
        let (slo, shi) = (intpoly::sign_at(s, &lo), intpoly::sign_at(s, &hi));
        if slo != Ordering::Equal && shi != Ordering::Equal {
            return (lo, hi, slo);
        }
        let mid = (&lo + &hi) / two();
        let smid = intpoly::sign_at(s, &mid);
        if smid == Ordering::Equal {
            return (mid.clone(), mid, Ordering::Equal);
        }
        // The root is on the side where the sign changes (or, when both
        // ends are roots, where Descartes finds it).
        if slo == Ordering::Equal && shi == Ordering::Equal {
            if intpoly::descartes_bound(s, &lo, &mid) == 1 {
                hi = mid;
            } else {
                lo = mid;
            }
        } else if slo == Ordering::Equal {
            if smid == shi {
                hi = mid;
            } else {
                lo = mid;
            }
        } else if smid == slo {
            lo = mid;
        } else {
            hi = mid;
        }
    }
}

/// The real roots of `p` in `(0, ∞)`, isolated. When the coefficients of
/// `p` have no sign variation, Descartes' rule of signs proves there is no
/// positive root and the (costly) isolation is skipped.
pub(crate) fn positive_roots(p: &UPoly) -> Vec<RealRoot> {
    let signs: Vec<bool> = p
        .coeffs()
        .iter()
        .filter(|c| !c.is_zero())
        .map(Signed::is_positive)
        .collect();
    if signs.windows(2).all(|w| w[0] == w[1]) {
        return Vec::new();
    }
    let zero = BigRational::zero();
    real_roots(p)
        .into_iter()
        .filter(|r| r.compare_rational(&zero) == Ordering::Greater)
        .collect()
}

/// A rational strictly between two distinct real roots `x < y`, refining
/// both until their isolating intervals separate.
pub(crate) fn between(x: &mut RealRoot, y: &mut RealRoot) -> BigRational {
    let two = BigRational::from_integer(BigInt::from(2));
    loop {
        if lt(x.hi(), y.lo()) {
            // x ≤ x.hi < y.lo < y.
            return (x.hi() + y.lo()) / &two;
        }
        if x.hi() == y.lo() && !x.is_exact() {
            // x < x.hi = y.lo < y.
            return x.hi().clone();
        }
        for z in [&mut *x, &mut *y] {
            if !z.is_exact() {
                let w = z.width() / &two;
                z.refine(&w);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::testutil::float_real_roots;
    use crate::exact::upoly::tests::q;
    use proptest::prelude::*;

    #[test]
    fn sturm_counts_by_hand() {
        // (t − 1)²(t + 2)(t² + 1): distinct real roots −2, 1.
        let p = UPoly::from_ints(&[-1, 1])
            .pow(2)
            .mul(&UPoly::from_ints(&[2, 1]))
            .mul(&UPoly::from_ints(&[1, 0, 1]));
        let s = SturmSequence::new(&p);
        assert_eq!(s.count_real(), 2);
        assert_eq!(s.count_in(&q(-2, 1), &q(1, 1)), 1); // (−2, 1] holds 1 only
        assert_eq!(s.count_in(&q(-3, 1), &q(-2, 1)), 1); // (−3, −2] holds −2
        assert_eq!(s.count_in(&q(-2, 1), &q(0, 1)), 0);
        assert_eq!(s.count_in(&q(1, 1), &q(-5, 1)), 0);
        assert_eq!(s.polynomials()[0].degree(), Some(4));
        let zero = SturmSequence::new(&UPoly::zero());
        assert_eq!(zero.count_real(), 0);
        assert_eq!(SturmSequence::new(&UPoly::from_ints(&[-3])).count_real(), 0);
        // Linear with negative leading coefficient.
        assert_eq!(
            SturmSequence::new(&UPoly::from_ints(&[3, -2])).count_real(),
            1
        );
    }

    #[test]
    fn roots_of_two_and_decimals() {
        let p = UPoly::from_ints(&[-2, 0, 1]);
        let r = real_roots(&p);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].to_f64(), -(2f64.sqrt()));
        assert_eq!(r[1].to_f64(), 2f64.sqrt());
        assert_eq!(r[1].decimal(20), "1.4142135623730950488");
        assert_eq!(r[1].decimal(30), "1.41421356237309504880168872421");
        assert_eq!(r[0].decimal(5), "-1.4142");
        assert_eq!(r[1].decimal(1), "1");
        assert_eq!(r[1].decimal(0), "1");
        assert!(r[1].exact().is_none());
        assert_eq!(r[0].compare(&r[1]), Ordering::Less);
        // Scaled: roots of t² − 2·10¹⁰ and 10¹² t² − 2.
        let big = real_roots(&UPoly::new(vec![q(-20_000_000_000, 1), q(0, 1), q(1, 1)]));
        assert_eq!(big[1].decimal(8), "141421.36");
        let small = real_roots(&UPoly::new(vec![q(-2, 1), q(0, 1), q(10_000_000_000, 1)]));
        assert_eq!(small[1].decimal(4), "0.00001414");
        assert_eq!(small[0].decimal(3), "-0.0000141");
        let tiny = real_roots(&UPoly::new(vec![
            q(-2, 1),
            q(0, 1),
            q(100_000_000_000_000, 1),
        ]));
        assert_eq!(tiny[1].decimal(4), "1.414e-7");
        let huge = real_roots(&UPoly::new(vec![
            q(-2_000_000_000_000_000_000, 1),
            q(0, 1),
            q(1, 1),
        ]));
        assert_eq!(huge[1].decimal(3), "1.41e9");
        assert_eq!(huge[1].decimal(10), "1414213562");
    }

    #[test]
    fn to_f64_of_square_roots_is_correctly_rounded() {
        // f64::sqrt is correctly rounded, so for integers n it is the
        // correctly rounded √n.
        for n in 2..200i64 {
            let r = real_roots(&UPoly::from_ints(&[-n, 0, 1]));
            assert_eq!(r.last().unwrap().to_f64(), (n as f64).sqrt(), "n = {n}");
        }
        let r = real_roots(&UPoly::new(vec![q(-1, 1_000_000_007), q(0, 1), q(1, 1)]));
        assert_eq!(r[1].to_f64(), (1.0f64 / 1_000_000_007.0).sqrt());
    }

    #[test]
    fn exact_roots_and_ties() {
        // t(t − 1)(t + 1)(t − 2): every root is hit by a dyadic bisection
        // point and becomes exact.
        let p = UPoly::from_roots(&[q(0, 1), q(1, 1), q(-1, 1), q(2, 1)]);
        let r = real_roots(&p);
        let exact: Vec<_> = r.iter().map(|x| x.exact()).collect();
        assert_eq!(
            exact,
            vec![Some(q(-1, 1)), Some(q(0, 1)), Some(q(1, 1)), Some(q(2, 1))]
        );
        assert_eq!(r[1].decimal(4), "0");
        assert_eq!(r[3].decimal(4), "2.000");
        // t(t² − 4)(t² − 2): bisection hits 0 and ±2, leaving −√2 in
        // (−2, 0) whose ends are both roots; the interval is shrunk.
        let p = UPoly::from_ints(&[0, 8, 0, -6, 0, 1]);
        let r = real_roots(&p);
        let exact: Vec<_> = r.iter().map(RealRoot::exact).collect();
        assert_eq!(
            exact,
            vec![Some(q(-2, 1)), None, Some(q(0, 1)), None, Some(q(2, 1))]
        );
        for x in [&r[1], &r[3]] {
            assert!(intpoly::sign_at(&x.ipoly, x.lo()) != Ordering::Equal);
            assert!(intpoly::sign_at(&x.ipoly, x.hi()) != Ordering::Equal);
        }
        assert_eq!(r[1].to_f64(), -(2f64.sqrt()));
        assert_eq!(r[3].to_f64(), 2f64.sqrt());
        // 8t − 1: the root 1/8 is isolated by (−2, 2) and found exactly only
        // when a rounding boundary is tested.
        let r = real_roots(&UPoly::from_ints(&[-1, 8]));
        assert_eq!(r.len(), 1);
        assert!(r[0].exact().is_none());
        assert_eq!(r[0].decimal(2), "0.12"); // 0.125, half to even
        assert_eq!(r[0].decimal(3), "0.125");
        assert_eq!(r[0].to_f64(), 0.125);
        // 1 + 2⁻⁵³ lies half-way between 1 and 1 + 2⁻⁵²: ties to even → 1.
        let two53 = num_traits::pow(BigInt::from(2), 53);
        let tie = BigRational::one() + BigRational::new(BigInt::one(), two53.clone());
        let p = UPoly::new(vec![-tie.clone() * q(3, 1), q(3, 1)]);
        let r = real_roots(&p);
        assert_eq!(r[0].to_f64(), 1.0);
        // 1 + 3·2⁻⁵³ lies half-way between 1 + 2⁻⁵² and 1 + 2·2⁻⁵²: → even.
        let tie3 = BigRational::one() + BigRational::new(BigInt::from(3), two53);
        let r = real_roots(&UPoly::new(vec![-tie3, q(1, 1)]));
        assert_eq!(r[0].to_f64(), 1.0 + 2.0 * f64::EPSILON);
        // 1/3 stays inexact but prints correctly.
        let r = real_roots(&UPoly::from_ints(&[-1, 3]));
        assert_eq!(r[0].decimal(6), "0.333333");
        assert_eq!(r[0].to_f64(), 1.0 / 3.0);
        // 0.999995 rounds up across a power of ten.
        let r = real_roots(&UPoly::new(vec![q(-199_999, 200_000), q(1, 1)]));
        assert_eq!(r[0].decimal(5), "1.0000");
        assert_eq!(r[0].decimal(6), "0.999995");
    }

    #[test]
    fn refine_shrinks_and_keeps_the_root() {
        let mut r = real_roots(&UPoly::from_ints(&[-3, 0, 0, 1])).remove(0);
        let w = q(1, 1_000_000);
        r.refine(&w);
        assert!(r.hi() - r.lo() <= w);
        let c = 3f64.cbrt();
        assert!(to_f64(r.lo()) < c && c < to_f64(r.hi()));
        assert_eq!(r.poly(), &UPoly::from_ints(&[-3, 0, 0, 1]));
        r.refine(&q(0, 1)); // no-op
        r.refine(&q(-1, 1)); // no-op
        assert!(r.hi() - r.lo() <= w);
    }

    #[test]
    fn signs_at_roots_are_exact() {
        let sqrt2 = real_roots(&UPoly::from_ints(&[-2, 0, 1])).remove(1);
        // A shared irrational factor: q = (t² − 2)(t + 5).
        let q1 = UPoly::from_ints(&[-2, 0, 1]).mul(&UPoly::from_ints(&[5, 1]));
        assert_eq!(sqrt2.sign_of(&q1), Ordering::Equal);
        // A rational approximation of √2 from above, 16 digits: q(√2) < 0
        // but |q(√2)| ≈ 5e-17, below the resolution of f64.
        let approx = q(14_142_135_623_730_951, 10_000_000_000_000_000);
        let q2 = UPoly::new(vec![-approx.clone(), q(1, 1)]);
        assert_eq!(sqrt2.sign_of(&q2), Ordering::Less);
        assert_eq!(sqrt2.compare_rational(&approx), Ordering::Less);
        assert_eq!(
            sqrt2.compare_rational(&q(14_142_135_623_730_950, 10_000_000_000_000_000)),
            Ordering::Greater
        );
        assert_eq!(sqrt2.sign_of(&q2.neg()), Ordering::Greater);
        // (t − approx)² ≥ 0 with equality nowhere near: Greater.
        assert_eq!(sqrt2.sign_of(&q2.pow(2)), Ordering::Greater);
        assert_eq!(sqrt2.sign_of(&UPoly::zero()), Ordering::Equal);
        assert_eq!(sqrt2.sign_of(&UPoly::from_ints(&[-4])), Ordering::Less);
        // Exact root.
        let one = RealRoot::from_rational(q(1, 1));
        assert_eq!(one.sign_of(&UPoly::from_ints(&[-1, 1])), Ordering::Equal);
        assert_eq!(one.sign_of(&UPoly::from_ints(&[-2, 1])), Ordering::Less);
        // sign_of_refining keeps the refinement.
        let mut r = sqrt2.clone();
        assert_eq!(r.sign_of_refining(&q2), Ordering::Less);
        assert!(r.hi() - r.lo() < sqrt2.hi() - sqrt2.lo());
    }

    #[test]
    fn shrink_keeps_the_root_and_reaches_the_width_asked() {
        // √2, the largest root of (t − 1/3)(3t² − 6), and the real root of a
        // cubic with large coefficients.
        let cases = [
            (UPoly::from_ints(&[-2, 0, 1]), 1),
            (UPoly::from_ints(&[2, -6, -1, 3]), 2),
            (UPoly::from_ints(&[-1_000_003, 999_999_937, 0, 12_345]), 0),
        ];
        for (p, idx) in cases {
            let mut r = real_roots(&p).remove(idx);
            let x = r.to_f64();
            let mut k = 1;
            for _ in 0..10 {
                let before = r.width();
                r.shrink(k);
                let after = r.width();
                assert!(
                    after * BigRational::from_integer(BigInt::one() << k) <= before,
                    "{p:?}: shrink({k}) did not narrow enough"
                );
                // Still isolating: the ends have opposite signs, and the
                // root is where it was.
                let (a, b) = (p.eval(r.lo()), p.eval(r.hi()));
                assert!(a.is_zero() && b.is_zero() || a.signum() != b.signum());
                assert_eq!(r.to_f64(), x);
                k *= 2;
            }
            // 2¹⁰ − 1 bits in all.
            assert!(
                r.width() * BigRational::from_integer(BigInt::one() << 1000)
                    < before_width(&p, idx)
            );
        }

        fn before_width(p: &UPoly, idx: usize) -> BigRational {
            real_roots(p).remove(idx).width()
        }
    }

    #[test]
    fn round_div_and_midpoint_agree_with_rational_arithmetic() {
        for n in -13i64..=13 {
            for d in [-4i64, -3, -2, -1, 1, 2, 3, 4] {
                let (bn, bd) = (BigInt::from(n), BigInt::from(d));
                let expected = BigRational::new(bn.clone(), bd.clone()).round();
                assert_eq!(round_div(bn, bd), expected.to_integer(), "{n}/{d}");
                let (a, b) = (q(n, d.abs()), q(d, 3));
                assert_eq!(midpoint(&a, &b), (&a + &b) / two(), "{a}, {b}");
            }
        }
    }

    /// The signs of `t − a` at √2 for `a` the `digits`-digit truncation of
    /// √2 (positive) and one unit more (negative): deciding them needs
    /// about 3.3·`digits` bits.
    fn sqrt2_truncation_signs(digits: usize) {
        let sqrt2 = real_roots(&UPoly::from_ints(&[-2, 0, 1])).remove(1);
        let ten = num_traits::pow(BigInt::from(10), digits);
        let a = (BigInt::from(2) * &ten * &ten).sqrt();
        for (num, sign) in [(a.clone(), Ordering::Greater), (a + 1, Ordering::Less)] {
            let approx = BigRational::new(num, ten.clone());
            let q = UPoly::new(vec![-approx, BigRational::one()]);
            assert_eq!(sqrt2.sign_of(&q), sign);
        }
    }

    #[test]
    fn signs_need_many_bits() {
        sqrt2_truncation_signs(300);
    }

    #[test]
    fn signs_at_tens_of_thousands_of_bits_fit_a_small_stack() {
        // About 33 000 bits: the ends of the refined interval share
        // thousands of continued-fraction partial quotients, which a
        // recursive comparison of rationals turns into as many stack
        // frames. Run on a 256 KiB stack.
        std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(|| sqrt2_truncation_signs(10_000))
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn comparisons_are_exact() {
        let sqrt2 = real_roots(&UPoly::from_ints(&[-2, 0, 1])).remove(1);
        // Roots of t⁴ − 4 = (t² − 2)(t² + 2): the same number.
        let other = real_roots(&UPoly::from_ints(&[-4, 0, 0, 0, 1])).remove(1);
        assert_eq!(sqrt2.compare(&other), Ordering::Equal);
        // 2t² − 4t + 1 has roots 1 ± √2/2; 1 + √2/2 ≈ 1.7071 > √2.
        let shifted = real_roots(&UPoly::from_ints(&[1, -4, 2]));
        assert_eq!(sqrt2.compare(&shifted[1]), Ordering::Less);
        assert_eq!(shifted[1].compare(&sqrt2), Ordering::Greater);
        assert_eq!(sqrt2.compare(&shifted[0]), Ordering::Greater);
        // √2 against √(2 + 10⁻³⁰): close but different.
        let eps = BigRational::new(BigInt::one(), num_traits::pow(BigInt::from(10), 30));
        let near = real_roots(&UPoly::new(vec![-(q(2, 1) + eps), q(0, 1), q(1, 1)])).remove(1);
        assert_eq!(sqrt2.compare(&near), Ordering::Less);
        assert_eq!(near.compare(&sqrt2), Ordering::Greater);
        // Exact against inexact.
        let two = RealRoot::from_rational(q(2, 1));
        assert_eq!(two.compare(&sqrt2), Ordering::Greater);
        assert_eq!(sqrt2.compare(&two), Ordering::Less);
        // 1/3 as an inexact root of 3t − 1 against the exact 1/3.
        let third = real_roots(&UPoly::from_ints(&[-1, 3])).remove(0);
        assert!(third.exact().is_none());
        assert_eq!(
            third.compare(&RealRoot::from_rational(q(1, 3))),
            Ordering::Equal
        );
        assert_eq!(
            RealRoot::from_rational(q(1, 3)).compare(&third),
            Ordering::Equal
        );
    }

    /// A polynomial with chosen simple rational roots and quadratic factors
    /// t² + bt + c with b² < 4c (no real roots), times a constant.
    fn planted() -> impl Strategy<Value = (UPoly, Vec<BigRational>)> {
        (
            prop::collection::btree_set(-40i64..=40, 0..5),
            prop::collection::vec((-3i64..=3, 1i64..=5), 0..3),
            -5i64..=5,
            1i64..=4,
        )
            .prop_map(|(roots, quads, lc, den)| {
                let roots: Vec<BigRational> = roots.into_iter().map(|k| q(k, 4)).collect();
                let mut p = UPoly::from_roots(&roots);
                for (b, c) in quads {
                    // t² + bt + (b² + c): discriminant −4c − 3b² < 0.
                    p = p.mul(&UPoly::from_ints(&[b * b + c, b, 1]));
                }
                let lc = if lc == 0 { 1 } else { lc };
                (p.scale(&q(lc, den)), roots)
            })
    }

    /// Fujiwara's bound does not grow with the size of the coefficients:
    /// `(x − 1)(x − 2)⋯(x − 12)` and `10³⁰⁰` times it (Cauchy's bound about
    /// 4.8·10⁸ for both) get a bound above 12 and at most 2⁸, and all twelve
    /// roots are found in it. A polynomial whose only root is 0, and one
    /// whose roots are tiny (`10⁴⁰x² − 1`, roots ±10⁻²⁰), get a bound
    /// above their roots.
    #[test]
    fn root_bound_follows_the_roots_not_the_coefficients() {
        let roots: Vec<BigRational> = (1..=12).map(|k| q(k, 1)).collect();
        let p = UPoly::from_roots(&roots);
        let big = BigRational::from_integer(BigInt::from(10).pow(300));
        for poly in [p.clone(), p.scale(&big)] {
            let s = intpoly::from_rational(poly.coeffs());
            let b = root_bound_power_of_two(&s);
            assert!(b > q(12, 1) && b <= q(256, 1), "{b}");
            let rr = real_roots(&poly);
            assert_eq!(rr.len(), 12);
            for (x, r) in rr.iter().zip(&roots) {
                assert_eq!(x.compare_rational(r), Ordering::Equal);
            }
        }
        let x = intpoly::from_rational(UPoly::from_ints(&[0, 3]).coeffs());
        assert!(root_bound_power_of_two(&x) > q(0, 1));
        let tiny = BigInt::from(10).pow(20);
        let s: IPoly = vec![-BigInt::one(), BigInt::zero(), tiny.clone() * tiny];
        let b = root_bound_power_of_two(&s);
        let at = |k: u32| BigRational::new(BigInt::one(), BigInt::from(10).pow(k));
        assert!(b > at(20) && b < at(18), "{b}");
        assert_eq!(real_roots(&UPoly::new(intpoly::to_rational(&s))).len(), 2);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

        #[test]
        fn roots_match_planted_and_float(
            (p, roots) in planted(),
            extra in (-9i64..=9, 1i64..=9),
            mult in 1u32..=2,
            ends in (-44i64..=44, -44i64..=44),
        ) {
            // An irrational pair ±√(extra), when extra is not a square.
            let (e, d) = extra;
            let quad = UPoly::new(vec![q(-e, d), q(0, 1), q(1, 1)]);
            let p = p.mul(&quad.pow(mult));
            let rr = real_roots(&p);
            let sturm = SturmSequence::new(&p);
            prop_assert_eq!(rr.len(), sturm.count_real());
            // Sturm counts on (a, b] with ends on the grid of the planted
            // roots (so often at a root), against the isolated roots; and
            // Descartes' bound on the open (a, b): at least the count, same
            // parity.
            let (a, b) = (q(ends.0.min(ends.1), 4), q(ends.0.max(ends.1), 4));
            let in_half_open = rr
                .iter()
                .filter(|x| x.compare_rational(&a) == Ordering::Greater
                    && x.compare_rational(&b) != Ordering::Greater)
                .count();
            prop_assert_eq!(sturm.count_in(&a, &b), in_half_open);
            if a < b {
                let open = rr
                    .iter()
                    .filter(|x| x.compare_rational(&a) == Ordering::Greater
                        && x.compare_rational(&b) == Ordering::Less)
                    .count();
                let s = squarefree_int(&intpoly::from_rational(p.coeffs()));
                let bound = intpoly::descartes_bound(&s, &a, &b);
                prop_assert!(bound >= open && (bound - open).is_multiple_of(2));
            }
            // Increasing with disjoint intervals.
            for w in rr.windows(2) {
                prop_assert!(w[0].hi() <= w[1].lo());
                prop_assert_eq!(w[0].compare(&w[1]), Ordering::Less);
            }
            // The root bound exceeds every root: the planted ones and the
            // extra pair (real or imaginary, of modulus √|e/d|).
            let s = intpoly::from_rational(p.coeffs());
            let bound = root_bound_power_of_two(&s);
            prop_assert!(&bound * &bound > q(e.abs(), d));
            for r in &roots {
                prop_assert!(r.abs() < bound);
            }
            // Every planted root is found exactly or in an interval.
            for r in &roots {
                prop_assert_eq!(
                    rr.iter().filter(|x| x.compare_rational(r) == Ordering::Equal).count(),
                    1
                );
            }
            // Against floating point (roots separated by ≥ 1/4 unless the
            // extra pair comes close; compare with a relative tolerance).
            let fl = float_real_roots(&p.squarefree_part());
            prop_assert_eq!(fl.len(), rr.len());
            for (x, f) in rr.iter().zip(&fl) {
                prop_assert!((x.to_f64() - f).abs() <= 1e-6 * (1.0 + f.abs()),
                    "{} vs {}", x.to_f64(), f);
                // The float root lies in the (refined) interval.
                let mut y = x.clone();
                y.refine(&q(1, 1 << 20));
                let tol = 1e-9 * (1.0 + f.abs());
                prop_assert!(to_f64(y.lo()) - tol <= *f && *f <= to_f64(y.hi()) + tol);
                // Decimal agrees with to_f64.
                let dec: f64 = x.decimal(17).parse().unwrap();
                prop_assert!((dec - x.to_f64()).abs() <= 1e-15 * x.to_f64().abs());
            }
            // Every root of the squarefree part is a root of p: sign Equal.
            for x in &rr {
                prop_assert_eq!(x.sign_of(&p), Ordering::Equal);
            }
        }

        /// Vieta: for a polynomial whose roots are all real and simple,
        /// `Σ roots = −aₙ₋₁/aₙ`, checked exactly by interval containment
        /// after refining every isolating interval.
        #[test]
        fn sum_of_roots_is_minus_the_subleading_coefficient(
            rats in prop::collection::btree_set(-30i64..=30, 0..5),
            surds in prop::collection::btree_set(2i64..=40, 1..4),
            lc in 1i64..=5,
        ) {
            let roots: Vec<BigRational> = rats.iter().map(|&k| q(k, 3)).collect();
            let mut p = UPoly::from_roots(&roots).scale(&q(-lc, 7));
            for &e in &surds {
                p = p.mul(&UPoly::from_ints(&[-e, 0, 1])); // ±√e
            }
            let p = p.squarefree_part().scale(&q(lc, 1));
            let n = p.degree().unwrap();
            let mut rr = real_roots(&p);
            prop_assert_eq!(rr.len(), n);
            let target = -(&p.coeffs()[n - 1] / &p.coeffs()[n]);
            let w = q(1, 1 << 20);
            let (mut lo, mut hi) = (q(0, 1), q(0, 1));
            for r in &mut rr {
                r.refine(&w);
                lo += r.lo();
                hi += r.hi();
            }
            prop_assert!(lo <= target && target <= hi);
            prop_assert!(&hi - &lo <= &w * q(n as i64, 1));
        }

        #[test]
        fn sign_of_agrees_with_float_and_shared_factors(
            (f, froots) in planted(),
            (g, _) in planted(),
            h in crate::exact::upoly::tests::arb_poly(4, 9),
            k in (-9i64..=9, 1i64..=4),
        ) {
            // p = f·g; qq = f·h vanishes at the roots of f; q2 = qq + (t − k)(t² + 1)
            // has at a root x of f the sign of x − k.
            let p = f.mul(&g);
            let qq = f.mul(&h);
            let k = q(k.0, k.1);
            let q2 = qq.add(&UPoly::new(vec![-k.clone(), q(1, 1)]).mul(&UPoly::from_ints(&[1, 0, 1])));
            for x in real_roots(&p) {
                let on_f = froots.iter().any(|r| x.compare_rational(r) == Ordering::Equal);
                prop_assert_eq!(x.sign_of(&f) == Ordering::Equal, on_f);
                if on_f {
                    prop_assert_eq!(x.sign_of(&qq), Ordering::Equal);
                    prop_assert_eq!(x.sign_of(&q2), x.compare_rational(&k));
                }
                for test in [&qq, &q2, &h] {
                    let s = x.sign_of(test);
                    let xf = x.to_f64();
                    let v = test.eval_f64(xf);
                    let scale: f64 = test.coeffs().iter().map(|c| to_f64(c).abs()).sum::<f64>()
                        * (1.0 + xf.abs()).powi(test.degree().unwrap_or(0) as i32);
                    if v.abs() > 1e-9 * scale {
                        let fs = if v > 0.0 { Ordering::Greater } else { Ordering::Less };
                        prop_assert_eq!(s, fs);
                    }
                    if let Some(e) = x.exact() {
                        prop_assert_eq!(s, test.eval(&e).cmp(&BigRational::zero()));
                    }
                }
            }
        }
    }

    /// Timings for the report: `cargo test --release --lib
    /// timing_report_roots -- --ignored --nocapture`.
    #[test]
    #[ignore = "timing table; run in release with --nocapture"]
    fn timing_report_roots() {
        for (n, digits) in [(10usize, 2u32), (10, 6), (21, 2), (21, 6)] {
            let m = crate::exact::linalg::tests::random_matrix(n, digits, 7);
            let cp = crate::exact::linalg::charpoly(&m).unwrap();
            let t = std::time::Instant::now();
            let rr = real_roots(&cp);
            let t_iso = t.elapsed();
            let f: Vec<f64> = rr.iter().map(RealRoot::to_f64).collect();
            let t_f64 = t.elapsed() - t_iso;
            let t = std::time::Instant::now();
            let signs: Vec<Ordering> = rr.iter().map(|r| r.sign_of(&cp.derivative())).collect();
            let t_sign = t.elapsed();
            let t = std::time::Instant::now();
            let count = SturmSequence::new(&cp).count_real();
            let t_sturm = t.elapsed();
            assert_eq!(count, rr.len());
            let fl = float_real_roots(&cp);
            assert_eq!(fl.len(), rr.len());
            for (a, b) in f.iter().zip(&fl) {
                assert!((a - b).abs() < 1e-6 * (1.0 + b.abs()));
            }
            eprintln!(
                "{n}×{n} ({digits}-digit entries), charpoly coefficients up to {} bits: {} real roots; \
                 isolation {t_iso:?}, to_f64 {t_f64:?}, sign of χ′ at the roots {t_sign:?} ({signs:?}), \
                 Sturm sequence {t_sturm:?}",
                cp.coeffs()
                    .iter()
                    .map(|c| c.numer().bits() + c.denom().bits())
                    .max()
                    .unwrap_or(0),
                rr.len()
            );
        }
    }

    #[test]
    fn descartes_shortcut_does_not_hide_positive_roots() {
        // (κ − 1/2)(κ − 3)(κ + 2): positive roots 1/2 and 3.
        let p = UPoly::from_roots(&[q(1, 2), q(3, 1), q(-2, 1)]);
        assert_eq!(positive_roots(&p).len(), 2);
        // (κ + 1)(κ + 2): all coefficients positive, no positive root.
        assert!(positive_roots(&UPoly::from_roots(&[q(-1, 1), q(-2, 1)])).is_empty());
    }
}

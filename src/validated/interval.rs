//! Closed intervals of `f64` with outward rounding.
//!
//! Every operation computes its endpoints in round-to-nearest and then moves
//! the lower endpoint one floating-point number down and the upper one up
//! (`f64::next_down` / `f64::next_up`). A correctly rounded result lies within
//! half a spacing of the exact value, so the widened interval contains the
//! exact result of the operation on any points of the operands (IEEE 754
//! requires `+ − × ÷` to be correctly rounded). A NaN endpoint becomes the
//! whole line, so a failed computation can never look like a proof.

use std::ops::{Add, Mul, Neg, Sub};

use num_rational::BigRational;
use num_traits::{ToPrimitive, Zero};
use serde::{Deserialize, Serialize};

use crate::model::formula::Scalar;

/// A closed interval `[lo, hi]` of reals (possibly unbounded).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Lower endpoint.
    pub lo: f64,
    /// Upper endpoint.
    pub hi: f64,
}

fn down(x: f64) -> f64 {
    if x.is_nan() {
        f64::NEG_INFINITY
    } else {
        x.next_down()
    }
}

fn up(x: f64) -> f64 {
    if x.is_nan() {
        f64::INFINITY
    } else {
        x.next_up()
    }
}

impl Interval {
    /// The whole real line.
    pub const ENTIRE: Interval = Interval {
        lo: f64::NEG_INFINITY,
        hi: f64::INFINITY,
    };

    /// `[lo, hi]` as given (a NaN endpoint gives the whole line).
    pub fn new(lo: f64, hi: f64) -> Self {
        if lo.is_nan() || hi.is_nan() || lo > hi {
            return Self::ENTIRE;
        }
        Self { lo, hi }
    }

    /// The degenerate interval `[x, x]` (exact: `x` is a float).
    pub fn point(x: f64) -> Self {
        Self::new(x, x)
    }

    /// `[c − r, c + r]`, rounded outward.
    pub fn ball(c: f64, r: f64) -> Self {
        Self::new(down(c - r), up(c + r))
    }

    /// The smallest float interval containing the rational `q`, found by
    /// exact comparisons.
    pub fn from_rational(q: &BigRational) -> Self {
        let guess = crate::model::to_f64(q);
        if !guess.is_finite() {
            return Self::ENTIRE;
        }
        let exact = |x: f64| BigRational::from_float(x).unwrap_or_else(BigRational::zero);
        let mut lo = guess;
        while exact(lo) > *q {
            lo = lo.next_down();
        }
        let mut hi = guess;
        while exact(hi) < *q {
            hi = hi.next_up();
        }
        Self { lo, hi }
    }

    /// Midpoint (a float inside the interval).
    pub fn mid(&self) -> f64 {
        let m = 0.5 * self.lo + 0.5 * self.hi;
        m.clamp(self.lo, self.hi)
    }

    /// Width `hi − lo` (rounded up).
    pub fn width(&self) -> f64 {
        up(self.hi - self.lo)
    }

    /// Largest absolute value of a point.
    pub fn mag(&self) -> f64 {
        self.lo.abs().max(self.hi.abs())
    }

    /// Whether `x` lies in the interval.
    pub fn contains(&self, x: f64) -> bool {
        self.lo <= x && x <= self.hi
    }

    /// Whether the interval lies in the interior of `other`.
    pub fn interior_of(&self, other: &Interval) -> bool {
        other.lo < self.lo && self.hi < other.hi
    }

    /// Whether the interval lies in `other`.
    pub fn subset_of(&self, other: &Interval) -> bool {
        other.lo <= self.lo && self.hi <= other.hi
    }

    /// Whether the two intervals have no point in common.
    pub fn disjoint(&self, other: &Interval) -> bool {
        self.hi < other.lo || other.hi < self.lo
    }

    /// The smallest interval containing both.
    pub fn hull(&self, other: &Interval) -> Self {
        Self::new(self.lo.min(other.lo), self.hi.max(other.hi))
    }

    /// The common part, if any.
    pub fn intersect(&self, other: &Interval) -> Option<Self> {
        let (lo, hi) = (self.lo.max(other.lo), self.hi.min(other.hi));
        (lo <= hi).then_some(Self { lo, hi })
    }

    /// Whether both endpoints are finite.
    pub fn is_finite(&self) -> bool {
        self.lo.is_finite() && self.hi.is_finite()
    }

    /// Division by a nonzero interval (the whole line if it contains 0).
    pub fn divide(self, d: Interval) -> Self {
        if d.lo <= 0.0 && d.hi >= 0.0 {
            return Self::ENTIRE;
        }
        let q = [
            self.lo / d.lo,
            self.lo / d.hi,
            self.hi / d.lo,
            self.hi / d.hi,
        ];
        hull4(q)
    }

    /// `x²` (tighter than `x · x` when the interval contains 0).
    pub fn square(self) -> Self {
        let m = self * self;
        if self.lo <= 0.0 && self.hi >= 0.0 {
            Self::new(0.0, m.hi)
        } else {
            m
        }
    }

    /// `eˣ`, by a Taylor polynomial with a rigorous remainder after scaling
    /// the argument by a power of two (exact), then squaring back.
    pub fn exp(self) -> Self {
        Self::new(exp_point(self.lo).lo, exp_point(self.hi).hi)
    }
}

fn hull4(p: [f64; 4]) -> Interval {
    if p.iter().any(|x| x.is_nan()) {
        return Interval::ENTIRE;
    }
    let lo = p.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = p.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Interval::new(down(lo), up(hi))
}

/// An interval containing `eˣ` for the float `x`.
fn exp_point(x: f64) -> Interval {
    if !x.is_finite() || x.abs() > 700.0 {
        return if x == f64::NEG_INFINITY {
            Interval::new(0.0, 0.0)
        } else {
            Interval::new(0.0, f64::INFINITY)
        };
    }
    // Scale to |y| ≤ 1/2: y = x / 2^s is exact (no underflow for |x| ≥ 2^-900).
    let mut s = 0;
    let mut y = x;
    while y.abs() > 0.5 {
        y *= 0.5;
        s += 1;
    }
    let y = Interval::point(y);
    // Σ_{k ≤ 20} yᵏ/k! plus the tail, bounded by 2 |y|²¹/21! for |y| ≤ 1/2.
    let mut term = Interval::point(1.0);
    let mut sum = Interval::point(1.0);
    for k in 1..=20 {
        term = (term * y).divide(Interval::point(k as f64));
        sum = sum + term;
    }
    let tail = (term * y).divide(Interval::point(21.0)).mag() * 2.0;
    let mut e = sum + Interval::new(down(-tail), up(tail));
    for _ in 0..s {
        e = e.square();
    }
    e
}

impl Add for Interval {
    type Output = Interval;
    fn add(self, o: Interval) -> Interval {
        Interval::new(down(self.lo + o.lo), up(self.hi + o.hi))
    }
}

impl Sub for Interval {
    type Output = Interval;
    fn sub(self, o: Interval) -> Interval {
        Interval::new(down(self.lo - o.hi), up(self.hi - o.lo))
    }
}

impl Mul for Interval {
    type Output = Interval;
    fn mul(self, o: Interval) -> Interval {
        // Exact zeros stay exact (keeps structurally zero entries thin).
        if (self.lo == 0.0 && self.hi == 0.0) || (o.lo == 0.0 && o.hi == 0.0) {
            return Interval::point(0.0);
        }
        hull4([
            self.lo * o.lo,
            self.lo * o.hi,
            self.hi * o.lo,
            self.hi * o.hi,
        ])
    }
}

impl Neg for Interval {
    type Output = Interval;
    fn neg(self) -> Interval {
        Interval::new(-self.hi, -self.lo)
    }
}

impl Scalar for Interval {
    fn from_rational(q: &BigRational) -> Self {
        Interval::from_rational(q)
    }
}

/// A float approximation of a rational (for tests and diagnostics).
pub fn rational_f64(q: &BigRational) -> f64 {
    q.to_f64().unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn exact(x: f64) -> BigRational {
        BigRational::from_float(x).expect("finite")
    }

    fn contains_exact(i: &Interval, q: &BigRational) -> bool {
        exact(i.lo) <= *q && *q <= exact(i.hi)
    }

    use crate::model::ratio as q;

    #[test]
    fn rationals_are_enclosed_tightly() {
        for (p, d) in [(1, 10), (-17, 20), (1, 3), (22, 7), (5, 1), (0, 1)] {
            let r = q(p, d);
            let i = Interval::from_rational(&r);
            assert!(contains_exact(&i, &r), "{p}/{d}: {i:?}");
            assert!(i.hi == i.lo || i.hi == i.lo.next_up(), "{p}/{d}: {i:?}");
        }
        assert_eq!(Interval::from_rational(&q(1, 2)), Interval::point(0.5));
    }

    #[test]
    fn exp_encloses_known_values() {
        let e = Interval::point(1.0).exp();
        assert!(e.contains(std::f64::consts::E), "{e:?}");
        assert!(e.width() < 1e-13, "{e:?}");
        let z = Interval::point(0.0).exp();
        assert!(z.contains(1.0));
        // e^{-2} against its rational bounds 0.1353352832366126 ± 1e-16.
        let m = Interval::point(-2.0).exp();
        assert!(m.lo <= 0.135_335_283_236_612_7 && m.hi >= 0.135_335_283_236_612_6);
        assert!(m.width() < 1e-13, "{m:?}");
        // Monotone: the enclosure of [a, b] contains both endpoint values.
        let r = Interval::new(-1.5, 0.25).exp();
        assert!(r.contains((-1.5f64).exp()) && r.contains(0.25f64.exp()));
    }

    #[test]
    fn nan_and_zero_division_give_the_whole_line() {
        let x = Interval::new(1.0, 2.0);
        assert_eq!(x.divide(Interval::new(-1.0, 1.0)), Interval::ENTIRE);
        assert_eq!(Interval::new(f64::NAN, 1.0), Interval::ENTIRE);
        let inf = Interval::new(f64::INFINITY, f64::INFINITY);
        assert!(!(inf * Interval::point(0.5) - inf).is_finite());
    }

    fn ratio() -> impl Strategy<Value = (BigRational, BigRational)> {
        (-1000i64..1000, 1i64..97, -1000i64..1000, 1i64..89)
            .prop_map(|(a, b, c, d)| (q(a, b), q(c, d)))
    }

    proptest! {
        // The result of each operation on intervals around two rationals
        // contains the exact result of the operation on those rationals.
        #[test]
        fn operations_contain_the_exact_result((x, y) in ratio(), (u, v) in ratio()) {
            let (ix, iy) = (Interval::from_rational(&x), Interval::from_rational(&y));
            let hx = ix.hull(&Interval::from_rational(&u));
            prop_assert!(contains_exact(&(ix + iy), &(&x + &y)));
            prop_assert!(contains_exact(&(ix - iy), &(&x - &y)));
            prop_assert!(contains_exact(&(ix * iy), &(&x * &y)));
            prop_assert!(contains_exact(&(-ix), &(-&x)));
            prop_assert!(contains_exact(&ix.square(), &(&x * &x)));
            if !y.is_zero() {
                prop_assert!(contains_exact(&ix.divide(iy), &(&x / &y)));
            }
            // A hull contains both its points, and products over it contain
            // the products at both.
            prop_assert!(contains_exact(&(hx * iy), &(&u * &y)));
            prop_assert!(contains_exact(&(hx * iy), &(&x * &y)));
            let _ = v;
        }
    }
}

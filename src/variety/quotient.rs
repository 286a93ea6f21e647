//! The rings in which a stratum's representation `S = H(t)/χ'(t)` is
//! evaluated: `Q[t]/(χ)` exactly ([`Qt`]), or its image `𝔽_p[t]/(χ̄)`
//! modulo a prime p at which every rational involved is p-integral
//! ([`QtModP`]).
//!
//! With χ monic over `Q` and p-integral, reduction modulo p is a ring
//! homomorphism `Z_(p)[t]/(χ) → 𝔽_p[t]/(χ̄)`, and the class of a
//! polynomial of degree below deg χ maps to its coefficientwise residue.
//! A computation with p-integral inputs therefore has as image modulo p
//! the residue of its exact result. What such an image proves is the
//! caller's argument (e.g. a resultant that is non-zero modulo p).

use num_bigint::BigInt;
use num_rational::BigRational;

use crate::exact::UPoly;
use crate::exact::algebraic::multimodular::{ModRing, Ring};
use crate::exact::intpoly::{self, IPoly, inv_mod, mul_mod, rational_mod, reduce};
use crate::exact::qt::{Qt, QtElem};

/// The operations the substituted stratum formulas need.
pub(crate) trait QuotientRing {
    /// Its elements.
    type E: Clone;
    fn zero(&self) -> Self::E;
    fn one(&self) -> Self::E;
    fn add(&self, a: &Self::E, b: &Self::E) -> Self::E;
    fn sub(&self, a: &Self::E, b: &Self::E) -> Self::E;
    fn mul(&self, a: &Self::E, b: &Self::E) -> Self::E;
    /// `Σ aᵢ·bᵢ`.
    fn dot(&self, pairs: &[(&Self::E, &Self::E)]) -> Self::E {
        pairs
            .iter()
            .fold(self.zero(), |acc, (a, b)| self.add(&acc, &self.mul(a, b)))
    }
    /// `c·a` for a rational `c` (p-integral for [`QtModP`]).
    fn scale(&self, a: &Self::E, c: &BigRational) -> Self::E;
    /// The class of a rational polynomial (p-integral for [`QtModP`]).
    fn elem(&self, p: &UPoly) -> Self::E;
}

impl QuotientRing for Qt {
    type E = QtElem;
    fn zero(&self) -> QtElem {
        Qt::zero(self)
    }
    fn one(&self) -> QtElem {
        Qt::one(self)
    }
    fn add(&self, a: &QtElem, b: &QtElem) -> QtElem {
        Qt::add(self, a, b)
    }
    fn sub(&self, a: &QtElem, b: &QtElem) -> QtElem {
        Qt::sub(self, a, b)
    }
    fn mul(&self, a: &QtElem, b: &QtElem) -> QtElem {
        Qt::mul(self, a, b)
    }
    fn dot(&self, pairs: &[(&QtElem, &QtElem)]) -> QtElem {
        Qt::dot(self, pairs)
    }
    fn scale(&self, a: &QtElem, c: &BigRational) -> QtElem {
        Qt::scale(self, a, c)
    }
    fn elem(&self, p: &UPoly) -> QtElem {
        Qt::elem(self, p)
    }
}

/// `Z[t]` itself, without reduction: integer polynomials, for a
/// substitution that is divided by χ afterwards (the caller's argument).
/// Scalars and elements must have integer coefficients.
pub(crate) struct IntPolys;

impl QuotientRing for IntPolys {
    type E = IPoly;
    fn zero(&self) -> IPoly {
        Vec::new()
    }
    fn one(&self) -> IPoly {
        vec![BigInt::from(1)]
    }
    fn add(&self, a: &IPoly, b: &IPoly) -> IPoly {
        let (long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
        let mut out = long.clone();
        for (o, x) in out.iter_mut().zip(short) {
            *o += x;
        }
        intpoly::trim(&mut out);
        out
    }
    fn sub(&self, a: &IPoly, b: &IPoly) -> IPoly {
        let neg: IPoly = b.iter().map(|x| -x).collect();
        self.add(a, &neg)
    }
    fn mul(&self, a: &IPoly, b: &IPoly) -> IPoly {
        intpoly::mul(a, b)
    }
    fn scale(&self, a: &IPoly, c: &BigRational) -> IPoly {
        debug_assert!(c.is_integer(), "IntPolys scales by integers only");
        let mut out: IPoly = a.iter().map(|x| x * c.numer()).collect();
        intpoly::trim(&mut out);
        out
    }
    fn elem(&self, p: &UPoly) -> IPoly {
        debug_assert!(p.coeffs().iter().all(|c| c.is_integer()));
        let mut out: IPoly = p.coeffs().iter().map(|c| c.numer().clone()).collect();
        intpoly::trim(&mut out);
        out
    }
}

/// `𝔽_p[t]/(χ̄)` for a 62-bit prime p and a χ that is p-integral with a
/// leading coefficient that is a p-unit (χ̄ is made monic).
pub(crate) struct QtModP {
    p: u64,
    /// χ̄ (monic), lowest degree first.
    chi: Vec<u64>,
    /// The class of t.
    t: Vec<u64>,
    ring: ModRing,
}

impl QtModP {
    /// The ring, or `None` when p divides a denominator of χ or its
    /// leading coefficient (or χ is constant).
    pub(crate) fn new(chi: &UPoly, p: u64) -> Option<Self> {
        let c = chi.coeffs();
        let d = c.len().checked_sub(1).filter(|&d| d > 0)?;
        let residues: Vec<u64> = c
            .iter()
            .map(|x| rational_mod(x, p))
            .collect::<Option<_>>()?;
        if residues[d] == 0 {
            return None;
        }
        let inv = inv_mod(residues[d], p);
        let low: Vec<u64> = residues[..d].iter().map(|&x| mul_mod(x, inv, p)).collect();
        let mut t = vec![0; d];
        if d > 1 {
            t[1] = 1;
        } else {
            // t ≡ −χ̄₀.
            t[0] = (p - low[0]) % p;
        }
        let mut chi = low.clone();
        chi.push(1);
        let low: Vec<BigInt> = low.into_iter().map(BigInt::from).collect();
        Some(Self {
            p,
            chi,
            t,
            ring: ModRing::new(&low, p),
        })
    }

    /// The prime.
    pub(crate) fn prime(&self) -> u64 {
        self.p
    }

    /// χ̄ (monic), lowest degree first.
    pub(crate) fn chi_residues(&self) -> Vec<u64> {
        self.chi.clone()
    }

    /// Whether `c` is p-integral.
    pub(crate) fn admits(&self, c: &BigRational) -> bool {
        reduce(c.denom(), self.p) != 0
    }

    /// Whether every coefficient of `q` is p-integral.
    pub(crate) fn admits_poly(&self, q: &UPoly) -> bool {
        q.coeffs().iter().all(|c| self.admits(c))
    }
}

/// Elements: residues of the coefficients, lowest degree first (length
/// deg χ). Rationals that are not p-integral map to 0: callers check
/// [`QtModP::admits`] first.
impl QuotientRing for QtModP {
    type E = Vec<u64>;
    fn zero(&self) -> Vec<u64> {
        Ring::zero(&self.ring)
    }
    fn one(&self) -> Vec<u64> {
        Ring::one(&self.ring)
    }
    fn add(&self, a: &Vec<u64>, b: &Vec<u64>) -> Vec<u64> {
        Ring::add(&self.ring, a, b)
    }
    fn sub(&self, a: &Vec<u64>, b: &Vec<u64>) -> Vec<u64> {
        Ring::add(&self.ring, a, &Ring::neg(&self.ring, b))
    }
    fn mul(&self, a: &Vec<u64>, b: &Vec<u64>) -> Vec<u64> {
        Ring::mul(&self.ring, a, b)
    }
    fn scale(&self, a: &Vec<u64>, c: &BigRational) -> Vec<u64> {
        let k = rational_mod(c, self.p).unwrap_or(0);
        a.iter().map(|&x| mul_mod(x, k, self.p)).collect()
    }
    fn elem(&self, q: &UPoly) -> Vec<u64> {
        // Horner in the ring, so degrees ≥ deg χ are reduced.
        let mut acc = Ring::zero(&self.ring);
        for c in q.coeffs().iter().rev() {
            acc = Ring::mul(&self.ring, &acc, &self.t);
            acc[0] = (acc[0] + rational_mod(c, self.p).unwrap_or(0)) % self.p;
        }
        acc
    }
}

//! Exact arithmetic in `Q[t]/(χ)` with integer numerators and one
//! denominator per element (no per-coefficient gcds, which dominate
//! rational polynomial arithmetic with large numbers): used to verify
//! rational univariate representations exactly.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

use crate::exact::UPoly;
use crate::exact::intpoly::{self, IPoly};

/// The ring `Q[t]/(χ)`.
#[derive(Clone, Debug)]
pub struct Qt {
    /// χ as a primitive integer polynomial with positive leading coefficient.
    chi: IPoly,
}

/// An element `num(t)/den` of `Q[t]/(χ)`, `deg num < deg χ`, `den > 0`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QtElem {
    num: IPoly,
    den: BigInt,
}

impl Qt {
    /// The ring for a non-constant χ.
    pub fn new(chi: &UPoly) -> Option<Self> {
        let mut c = intpoly::from_rational(chi.coeffs());
        if c.len() < 2 {
            return None;
        }
        if c.last().is_some_and(Signed::is_negative) {
            c.iter_mut().for_each(|x| *x = -x.clone());
        }
        Some(Self { chi: c })
    }

    /// χ as a primitive integer polynomial with positive leading
    /// coefficient (lowest degree first).
    pub fn chi_integer(&self) -> &IPoly {
        &self.chi
    }

    /// The element of a rational polynomial (reduced modulo χ).
    pub fn elem(&self, p: &UPoly) -> QtElem {
        let (num, den) = intpoly::clear_denominators(p.coeffs());
        self.reduce(num, den)
    }

    /// The constant `c`.
    pub fn constant(&self, c: &BigRational) -> QtElem {
        let mut num = vec![c.numer().clone()];
        intpoly::trim(&mut num);
        QtElem {
            num,
            den: c.denom().clone(),
        }
    }

    /// Zero.
    pub fn zero(&self) -> QtElem {
        QtElem {
            num: Vec::new(),
            den: BigInt::one(),
        }
    }

    /// One.
    pub fn one(&self) -> QtElem {
        self.constant(&BigRational::one())
    }

    /// The element `num(t)/den` for an integer polynomial `num` (any
    /// degree, reduced modulo χ) and a non-zero integer `den`.
    pub(crate) fn elem_of_integers(&self, num: IPoly, den: BigInt) -> QtElem {
        self.reduce(num, den)
    }

    fn reduce(&self, mut num: IPoly, mut den: BigInt) -> QtElem {
        intpoly::trim(&mut num);
        if num.len() >= self.chi.len() {
            let (r, k) = intpoly::prem(&num, &self.chi);
            num = r;
            if k > 0 {
                let lc = self.chi.last().cloned().unwrap_or_else(BigInt::one);
                den *= num_traits::pow(lc, k as usize);
            }
        }
        normalize(num, den)
    }

    /// `a + b`.
    pub fn add(&self, a: &QtElem, b: &QtElem) -> QtElem {
        self.combine(a, b, false)
    }

    /// `a − b`.
    pub fn sub(&self, a: &QtElem, b: &QtElem) -> QtElem {
        self.combine(a, b, true)
    }

    fn combine(&self, a: &QtElem, b: &QtElem, minus: bool) -> QtElem {
        let g = intpoly::int_gcd(&a.den, &b.den);
        let fa = &b.den / &g;
        let fb = &a.den / &g;
        let n = a.num.len().max(b.num.len());
        let mut num = vec![BigInt::zero(); n];
        for (i, x) in a.num.iter().enumerate() {
            num[i] += x * &fa;
        }
        for (i, x) in b.num.iter().enumerate() {
            if minus {
                num[i] -= x * &fb;
            } else {
                num[i] += x * &fb;
            }
        }
        normalize(num, &a.den * &fa)
    }

    /// `a · b`.
    pub fn mul(&self, a: &QtElem, b: &QtElem) -> QtElem {
        if a.num.is_empty() || b.num.is_empty() {
            return self.zero();
        }
        self.reduce(intpoly::mul(&a.num, &b.num), &a.den * &b.den)
    }

    /// `Σ aᵢ·bᵢ` with one reduction modulo χ: the products are summed
    /// unreduced over the least common multiple of their denominators (a
    /// reduction costs several products when χ is not monic over Z).
    pub fn dot(&self, pairs: &[(&QtElem, &QtElem)]) -> QtElem {
        let prods: Vec<(IPoly, BigInt)> = pairs
            .iter()
            .filter(|(a, b)| !a.num.is_empty() && !b.num.is_empty())
            .map(|(a, b)| (intpoly::mul(&a.num, &b.num), &a.den * &b.den))
            .collect();
        let Some(first) = prods.first() else {
            return self.zero();
        };
        let mut l = first.1.clone();
        for (_, d) in &prods[1..] {
            let g = intpoly::int_gcd(&l, d);
            l = &l / &g * d;
        }
        let n = prods.iter().map(|(p, _)| p.len()).max().unwrap_or(0);
        let mut num = vec![BigInt::zero(); n];
        for (p, d) in &prods {
            let f = &l / d;
            for (acc, x) in num.iter_mut().zip(p) {
                if f.is_one() {
                    *acc += x;
                } else {
                    *acc += x * &f;
                }
            }
        }
        self.reduce(num, l)
    }

    /// `c · a` for a rational `c`.
    pub fn scale(&self, a: &QtElem, c: &BigRational) -> QtElem {
        if c.is_zero() {
            return self.zero();
        }
        let num = a.num.iter().map(|x| x * c.numer()).collect();
        normalize(num, &a.den * c.denom())
    }
}

impl QtElem {
    /// The integer numerator (degree < deg χ, lowest first) and the
    /// positive denominator.
    pub fn parts(&self) -> (&IPoly, &BigInt) {
        (&self.num, &self.den)
    }

    /// Whether the element is zero.
    pub fn is_zero(&self) -> bool {
        self.num.is_empty()
    }

    /// The element as a rational polynomial of degree < deg χ.
    pub fn to_upoly(&self) -> UPoly {
        UPoly::new(
            self.num
                .iter()
                .map(|c| intpoly::ratio(c.clone(), self.den.clone()))
                .collect(),
        )
    }
}

fn normalize(mut num: IPoly, mut den: BigInt) -> QtElem {
    intpoly::trim(&mut num);
    if num.is_empty() {
        return QtElem {
            num,
            den: BigInt::one(),
        };
    }
    // gcd(content(num), den), starting from den: the smallest numbers
    // first, and nothing to do when den = 1.
    let mut g = den.abs();
    if !g.is_one() {
        let mut order: Vec<&BigInt> = num.iter().filter(|c| !c.is_zero()).collect();
        order.sort_by_key(|c| c.bits());
        for c in order {
            g = intpoly::int_gcd(&g, c);
            if g.is_one() {
                break;
            }
        }
    }
    if !g.is_one() {
        num.iter_mut().for_each(|x| *x = &*x / &g);
        den /= &g;
    }
    if den.is_negative() {
        num.iter_mut().for_each(|x| *x = -x.clone());
        den = -den;
    }
    QtElem { num, den }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::ratio as q;

    #[test]
    fn arithmetic_modulo_chi_matches_rational_polynomials() {
        // χ = t³ − 2t + 1/3, a = t² + 1/2, b = 3t − 2/5.
        let chi = UPoly::new(vec![q(1, 3), q(-2, 1), q(0, 1), q(1, 1)]);
        let r = Qt::new(&chi).unwrap();
        let a = UPoly::new(vec![q(1, 2), q(0, 1), q(1, 1)]);
        let b = UPoly::new(vec![q(-2, 5), q(3, 1)]);
        let (ea, eb) = (r.elem(&a), r.elem(&b));
        let rem = |p: UPoly| p.div_rem(&chi).unwrap().1;
        assert_eq!(r.mul(&ea, &eb).to_upoly(), rem(a.mul(&b)));
        assert_eq!(r.add(&ea, &eb).to_upoly(), rem(a.add(&b)));
        assert_eq!(r.sub(&ea, &ea), r.zero());
        let a3 = r.mul(&r.mul(&ea, &ea), &ea);
        assert_eq!(a3.to_upoly(), rem(a.mul(&a).mul(&a)));
        assert_eq!(r.scale(&ea, &q(-6, 7)).to_upoly(), a.scale(&q(-6, 7)));
        // χ itself is zero in the ring.
        assert!(r.elem(&chi).is_zero());
        // Σ aᵢbᵢ with one reduction: the same element as the products
        // reduced one by one, with zero and rational factors among them.
        let c = r.elem(&UPoly::new(vec![q(5, 9), q(-1, 4), q(7, 2)]));
        let pairs = [(&ea, &eb), (&eb, &c), (&a3, &c), (&r.zero(), &ea)];
        let one_by_one = pairs
            .iter()
            .fold(r.zero(), |acc, (x, y)| r.add(&acc, &r.mul(x, y)));
        assert_eq!(r.dot(&pairs), one_by_one);
        assert_eq!(r.dot(&[]), r.zero());
        let cancel = r.dot(&[(&ea, &eb), (&r.scale(&ea, &q(-1, 1)), &eb)]);
        assert!(cancel.is_zero());
    }
}

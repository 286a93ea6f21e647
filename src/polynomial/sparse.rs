//! Sparse multivariate polynomials with exact rational coefficients: our own
//! representation, independent of Symbolica, in which Gröbner bases computed
//! by Symbolica are handed to the `variety` layer (normal forms, quotient
//! algebras, Hilbert series). Plain Rust: usable from any thread.
//!
//! A polynomial is a list of terms `(exponent vector, coefficient)` over a
//! fixed, ordered list of variables. The text form is the one Symbolica,
//! Singular and Macaulay2 all read: `3/2*x^2*y - z + 1`.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
use serde::Serialize;

use crate::error::{Error, Result};

/// A monomial order on exponent vectors (variables in the given order,
/// `x₁ > x₂ > …`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MonomialOrder {
    /// Graded reverse lexicographic (`dp` in Singular, `GRevLex` in Macaulay2).
    GrevLex,
    /// Pure lexicographic (`lp` in Singular).
    Lex,
}

impl MonomialOrder {
    /// Compares two exponent vectors of the same length.
    pub fn cmp(self, a: &[u16], b: &[u16]) -> Ordering {
        match self {
            MonomialOrder::Lex => a.cmp(b),
            MonomialOrder::GrevLex => {
                let deg = |e: &[u16]| e.iter().map(|&x| u32::from(x)).sum::<u32>();
                deg(a).cmp(&deg(b)).then_with(|| {
                    a.iter()
                        .zip(b)
                        .rev()
                        .find(|(x, y)| x != y)
                        .map_or(Ordering::Equal, |(x, y)| y.cmp(x))
                })
            }
        }
    }
}

/// A polynomial over Q in `nvars` variables, terms sorted by decreasing
/// exponent vector in lexicographic order (a canonical form; the leading term
/// in another order is found with [`SparsePoly::leading`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SparsePoly {
    nvars: usize,
    terms: Vec<(Vec<u16>, BigRational)>,
}

impl SparsePoly {
    /// The zero polynomial.
    pub fn zero(nvars: usize) -> Self {
        Self {
            nvars,
            terms: Vec::new(),
        }
    }

    /// The constant `c`.
    pub fn constant(nvars: usize, c: BigRational) -> Self {
        Self::from_terms(nvars, vec![(vec![0; nvars], c)])
    }

    /// The variable `x_k`.
    pub fn var(nvars: usize, k: usize) -> Self {
        let mut e = vec![0; nvars];
        if k < nvars {
            e[k] = 1;
        }
        Self::from_terms(nvars, vec![(e, BigRational::one())])
    }

    /// The monomial with exponents `e` and coefficient `c`.
    pub fn monomial(e: Vec<u16>, c: BigRational) -> Self {
        let nvars = e.len();
        Self::from_terms(nvars, vec![(e, c)])
    }

    /// Builds a polynomial from terms (like terms are added, zeros dropped).
    /// Every exponent vector must have length `nvars`; shorter ones are
    /// padded with zeros.
    pub fn from_terms(nvars: usize, terms: Vec<(Vec<u16>, BigRational)>) -> Self {
        let mut map: BTreeMap<Vec<u16>, BigRational> = BTreeMap::new();
        for (mut e, c) in terms {
            e.resize(nvars, 0);
            let slot = map.entry(e).or_insert_with(BigRational::zero);
            *slot += c;
        }
        Self {
            nvars,
            terms: map
                .into_iter()
                .rev()
                .filter(|(_, c)| !c.is_zero())
                .collect(),
        }
    }

    /// Number of variables.
    pub fn nvars(&self) -> usize {
        self.nvars
    }

    /// The terms, by decreasing lexicographic exponent vector.
    pub fn terms(&self) -> &[(Vec<u16>, BigRational)] {
        &self.terms
    }

    /// Whether this is the zero polynomial.
    pub fn is_zero(&self) -> bool {
        self.terms.is_empty()
    }

    /// Total degree (−1 for zero).
    pub fn total_degree(&self) -> i64 {
        self.terms
            .iter()
            .map(|(e, _)| e.iter().map(|&x| i64::from(x)).sum())
            .max()
            .unwrap_or(-1)
    }

    /// The leading term in `order`.
    pub fn leading(&self, order: MonomialOrder) -> Option<(&[u16], &BigRational)> {
        self.terms
            .iter()
            .max_by(|a, b| order.cmp(&a.0, &b.0))
            .map(|(e, c)| (e.as_slice(), c))
    }

    /// `self + other`.
    pub fn add(&self, other: &Self) -> Self {
        let mut t = self.terms.clone();
        t.extend(other.terms.iter().cloned());
        Self::from_terms(self.nvars.max(other.nvars), t)
    }

    /// `self − other`.
    pub fn sub(&self, other: &Self) -> Self {
        self.add(&other.scale(&-BigRational::one()))
    }

    /// `c · self`.
    pub fn scale(&self, c: &BigRational) -> Self {
        if c.is_zero() {
            return Self::zero(self.nvars);
        }
        Self {
            nvars: self.nvars,
            terms: self.terms.iter().map(|(e, x)| (e.clone(), x * c)).collect(),
        }
    }

    /// `self · other`.
    pub fn mul(&self, other: &Self) -> Self {
        let nvars = self.nvars.max(other.nvars);
        let mut t = Vec::with_capacity(self.terms.len() * other.terms.len());
        for (ea, ca) in &self.terms {
            for (eb, cb) in &other.terms {
                let mut e = vec![0u16; nvars];
                for (k, slot) in e.iter_mut().enumerate() {
                    *slot = ea.get(k).copied().unwrap_or(0) + eb.get(k).copied().unwrap_or(0);
                }
                t.push((e, ca * cb));
            }
        }
        Self::from_terms(nvars, t)
    }

    /// `self · c · x^e`.
    pub fn mul_term(&self, e: &[u16], c: &BigRational) -> Self {
        Self {
            nvars: self.nvars,
            terms: self
                .terms
                .iter()
                .map(|(f, x)| (f.iter().zip(e).map(|(a, b)| a + b).collect(), x * c))
                .collect(),
        }
    }

    /// Value at a rational point (`point.len() == nvars`).
    pub fn eval(&self, point: &[BigRational]) -> BigRational {
        let mut acc = BigRational::zero();
        for (e, c) in &self.terms {
            let mut t = c.clone();
            for (x, &k) in point.iter().zip(e) {
                if k > 0 {
                    t *= num_traits::pow(x.clone(), usize::from(k));
                }
            }
            acc += t;
        }
        acc
    }

    /// The partial derivative with respect to variable `k`.
    pub fn derivative(&self, k: usize) -> Self {
        let terms = self
            .terms
            .iter()
            .filter(|(e, _)| e.get(k).is_some_and(|&d| d > 0))
            .map(|(e, c)| {
                let mut e = e.clone();
                let d = e[k];
                e[k] -= 1;
                (e, c * BigRational::from_integer(d.into()))
            })
            .collect();
        Self::from_terms(self.nvars(), terms)
    }

    /// Value at a floating-point point.
    pub fn eval_f64(&self, point: &[f64]) -> f64 {
        self.terms
            .iter()
            .map(|(e, c)| {
                e.iter()
                    .zip(point)
                    .fold(crate::model::to_f64(c), |acc, (&k, x)| {
                        acc * x.powi(i32::from(k))
                    })
            })
            .sum()
    }

    /// The polynomial with integer coefficients and positive leading
    /// (lexicographic) coefficient obtained by clearing denominators and
    /// dividing by the content.
    pub fn primitive(&self) -> Self {
        if self.is_zero() {
            return self.clone();
        }
        let coefficients: Vec<BigRational> = self.terms.iter().map(|(_, c)| c.clone()).collect();
        let (ints, _) = crate::model::clear_denominators(&coefficients);
        let g = ints
            .iter()
            .fold(BigInt::zero(), |acc, x| num_integer::Integer::gcd(&acc, x));
        let sign = if ints[0].is_negative() { -1 } else { 1 };
        let g = g * BigInt::from(sign);
        Self {
            nvars: self.nvars,
            terms: self
                .terms
                .iter()
                .zip(ints)
                .map(|((e, _), x)| (e.clone(), BigRational::from_integer(x / &g)))
                .collect(),
        }
    }

    /// Parses an expanded polynomial in the variables `vars`: a sum of terms
    /// `c*x^k*y…` with `c` an integer or `p/q` (the form Symbolica prints).
    pub fn parse(text: &str, vars: &[String]) -> Result<Self> {
        let bad = |why: &str| {
            Error::Computation(format!(
                "cannot read {text:?} as an expanded polynomial in {}: {why}",
                vars.join(", ")
            ))
        };
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.is_empty() {
            return Err(bad("empty text"));
        }
        // Split into signed terms at top-level + and − (not after ^ * /).
        let mut pieces: Vec<(bool, String)> = Vec::new();
        let mut cur = String::new();
        let mut negative = false;
        let mut prev = ' ';
        for ch in compact.chars() {
            if (ch == '+' || ch == '-') && !matches!(prev, '^' | '*' | '/' | ' ') {
                pieces.push((negative, std::mem::take(&mut cur)));
                negative = ch == '-';
            } else if (ch == '+' || ch == '-') && prev == ' ' {
                negative = ch == '-';
            } else {
                cur.push(ch);
            }
            prev = ch;
        }
        pieces.push((negative, cur));
        let nvars = vars.len();
        let mut terms = Vec::new();
        for (neg, piece) in pieces {
            if piece.is_empty() {
                return Err(bad("an empty term"));
            }
            let mut coeff = BigRational::one();
            let mut e = vec![0u16; nvars];
            for factor in piece.split('*') {
                let (base, power) = match factor.split_once('^') {
                    Some((b, p)) => (
                        b,
                        p.parse::<u16>()
                            .map_err(|_| bad(&format!("exponent {p:?}")))?,
                    ),
                    None => (factor, 1),
                };
                if let Some(k) = vars.iter().position(|v| v == base) {
                    e[k] += power;
                } else {
                    let c = crate::model::parse_rational(base, "coefficient")
                        .map_err(|_| bad(&format!("unknown factor {base:?}")))?;
                    coeff *= num_traits::pow(c, usize::from(power));
                }
            }
            if neg {
                coeff = -coeff;
            }
            terms.push((e, coeff));
        }
        Ok(Self::from_terms(nvars, terms))
    }

    /// Text in the variables `vars` (Symbolica, Singular and Macaulay2 syntax).
    pub fn to_text(&self, vars: &[String]) -> String {
        if self.is_zero() {
            return "0".into();
        }
        let mut out = String::new();
        for (k, (e, c)) in self.terms.iter().enumerate() {
            let neg = c.is_negative();
            let a = c.abs();
            if k == 0 {
                if neg {
                    out.push('-');
                }
            } else {
                out.push_str(if neg { " - " } else { " + " });
            }
            let mut factors: Vec<String> = Vec::new();
            let monomial: Vec<String> = e
                .iter()
                .enumerate()
                .filter(|(_, x)| **x > 0)
                .map(|(i, &x)| {
                    let name = vars.get(i).cloned().unwrap_or_else(|| format!("x{i}"));
                    if x == 1 { name } else { format!("{name}^{x}") }
                })
                .collect();
            if !a.is_one() || monomial.is_empty() {
                factors.push(a.to_string());
            }
            factors.extend(monomial);
            out.push_str(&factors.join("*"));
        }
        out
    }
}

impl fmt::Display for SparsePoly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let vars: Vec<String> = (0..self.nvars).map(|i| format!("x{}", i + 1)).collect();
        f.write_str(&self.to_text(&vars))
    }
}

// Polynomials as a scalar ring, so that the generic formulas of
// `model::formula` build polynomial systems directly (constants have no
// variables; sums and products extend to the larger variable count).
impl std::ops::Add for SparsePoly {
    type Output = SparsePoly;
    fn add(self, rhs: SparsePoly) -> SparsePoly {
        SparsePoly::add(&self, &rhs)
    }
}

impl std::ops::Sub for SparsePoly {
    type Output = SparsePoly;
    fn sub(self, rhs: SparsePoly) -> SparsePoly {
        SparsePoly::sub(&self, &rhs)
    }
}

impl std::ops::Mul for SparsePoly {
    type Output = SparsePoly;
    fn mul(self, rhs: SparsePoly) -> SparsePoly {
        SparsePoly::mul(&self, &rhs)
    }
}

impl std::ops::Neg for SparsePoly {
    type Output = SparsePoly;
    fn neg(self) -> SparsePoly {
        self.scale(&-BigRational::one())
    }
}

impl crate::model::formula::Scalar for SparsePoly {
    fn from_rational(q: &BigRational) -> Self {
        SparsePoly::constant(0, q.clone())
    }
}

/// Whether `a` divides `b` (as monomials).
pub fn divides(a: &[u16], b: &[u16]) -> bool {
    a.iter().zip(b).all(|(x, y)| x <= y)
}

/// The normal form of `f` modulo a Gröbner basis `gb` in `order` (full
/// reduction: no term of the result is divisible by a leading monomial).
pub fn normal_form(f: &SparsePoly, gb: &[SparsePoly], order: MonomialOrder) -> SparsePoly {
    let leads: Vec<(Vec<u16>, BigRational)> = gb
        .iter()
        .filter_map(|g| g.leading(order).map(|(e, c)| (e.to_vec(), c.clone())))
        .collect();
    let nvars = f.nvars;
    // Work on a map ordered by the monomial order, largest first.
    let mut work: BTreeMap<OrdKey, BigRational> = f
        .terms
        .iter()
        .map(|(e, c)| (OrdKey(e.clone(), order), c.clone()))
        .collect();
    let mut rest = Vec::new();
    while let Some((key, c)) = work.pop_last() {
        let e = key.0;
        match leads.iter().position(|(l, _)| divides(l, &e)) {
            Some(i) => {
                let (l, lc) = &leads[i];
                let shift: Vec<u16> = e.iter().zip(l).map(|(a, b)| a - b).collect();
                let factor = &c / lc;
                for (ge, gc) in &gb[i].terms {
                    if ge == l {
                        continue;
                    }
                    let key = OrdKey(ge.iter().zip(&shift).map(|(a, b)| a + b).collect(), order);
                    let slot = work.entry(key.clone()).or_insert_with(BigRational::zero);
                    *slot -= &factor * gc;
                    if slot.is_zero() {
                        work.remove(&key);
                    }
                }
            }
            None => rest.push((e, c)),
        }
    }
    SparsePoly::from_terms(nvars, rest)
}

/// An exponent vector ordered by a monomial order.
#[derive(Clone, Debug, PartialEq, Eq)]
struct OrdKey(Vec<u16>, MonomialOrder);

impl PartialOrd for OrdKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for OrdKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.1.cmp(&self.0, &other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    use crate::model::ratio as q;

    #[test]
    fn parses_and_prints_symbolica_syntax() {
        let v = vars(&["x", "y"]);
        let p = SparsePoly::parse("1/2500-34717/32000*x+11/20*x*y-y^2", &v).unwrap();
        assert_eq!(p.terms().len(), 4);
        assert_eq!(
            p.eval(&[q(1, 1), q(2, 1)]),
            q(1, 2500) - q(34717, 32000) + q(22, 20) - q(4, 1)
        );
        let back = SparsePoly::parse(&p.to_text(&v), &v).unwrap();
        assert_eq!(back, p);
        assert!(SparsePoly::parse("x*z", &v).is_err());
        assert!(SparsePoly::parse("", &v).is_err());
        assert_eq!(
            SparsePoly::parse("-x^2", &v).unwrap().terms()[0].1,
            q(-1, 1)
        );
    }

    #[test]
    fn orders_compare_as_documented() {
        use Ordering::*;
        let g = MonomialOrder::GrevLex;
        // x² > xy > y² > xz > yz > z² in grevlex.
        let mons = [
            [2, 0, 0],
            [1, 1, 0],
            [0, 2, 0],
            [1, 0, 1],
            [0, 1, 1],
            [0, 0, 2],
        ];
        for w in mons.windows(2) {
            assert_eq!(g.cmp(&w[0], &w[1]), Greater);
        }
        assert_eq!(MonomialOrder::Lex.cmp(&[1, 0, 0], &[0, 5, 5]), Greater);
    }

    #[test]
    fn normal_form_modulo_a_groebner_basis() {
        // I = (x² − 2, y − x): a Gröbner basis in lex with x > y is
        // {x − y, y² − 2}. NF(x³ y) = NF(y⁴) = 4.
        let v = vars(&["x", "y"]);
        let gb = vec![
            SparsePoly::parse("x-y", &v).unwrap(),
            SparsePoly::parse("y^2-2", &v).unwrap(),
        ];
        let f = SparsePoly::parse("x^3*y", &v).unwrap();
        let nf = normal_form(&f, &gb, MonomialOrder::Lex);
        assert_eq!(nf, SparsePoly::constant(2, q(4, 1)));
        // A polynomial outside the ideal keeps a remainder: NF(x + 1) = y + 1.
        let nf = normal_form(
            &SparsePoly::parse("x+1", &v).unwrap(),
            &gb,
            MonomialOrder::Lex,
        );
        assert_eq!(nf, SparsePoly::parse("y+1", &v).unwrap());
    }

    #[test]
    fn primitive_part_has_coprime_integer_coefficients() {
        let v = vars(&["x"]);
        let p = SparsePoly::parse("-3/4*x^2+3/2", &v).unwrap().primitive();
        assert_eq!(p, SparsePoly::parse("x^2-2", &v).unwrap());
    }
}

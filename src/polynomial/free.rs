//! The free algebra with transpose, for identities between matrix
//! expressions that hold for every shape at once.
//!
//! An element is a finite sum `Σ c·λ^i e^j·w` of words `w` in matrix
//! letters (A, B, Mxx, Myx, …, each possibly transposed) with rational
//! coefficients `c` and commuting scalar symbols (λ, e). Products
//! concatenate words; the transpose reverses a word and transposes each
//! letter, with `Xᵀᵀ = X`, and a letter declared self-adjoint (Mxx, S) is its
//! own transpose. Two expressions are equal here iff their sums of words
//! agree after collecting terms, which is decided by comparing maps.
//!
//! Why equality here is a proof for matrices: every letter carries the
//! names of its row and column spaces (`n` or `m`), products check that
//! they chain, and the empty word is the identity of one space, so each
//! word is a path of letters that multiplies to a matrix of one shape.
//! Given any sizes for the spaces, matrices of those shapes for the letters
//! (symmetric for the self-adjoint ones) and numbers for the scalar
//! symbols, substitution is additive, multiplicative and commutes with the
//! transpose (`(XY)ᵀ = YᵀXᵀ`, and it maps a self-adjoint letter to a
//! symmetric matrix). So an expression that is zero here is zero for every
//! such substitution: for all shapes, all data, and, since entries may be
//! polynomials, also after substituting matrices that depend on other
//! letters (`S = AᵀA`, `W = adj N`). The converse is not claimed: a
//! non-zero element may still vanish for all matrices of some small size.
//!
//! The formulas of the model are evaluated here through
//! [`crate::model::formula::MatrixRing`], so the identities are proved
//! about the same code the exact and symbolic layers run.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::fmt;

use num_rational::BigRational;
use num_traits::{One, Zero};

use crate::model::formula::MatrixRing;

/// The space a matrix maps from or to: named by a letter (`n`, `m`).
pub type Space = char;

/// A matrix letter, possibly transposed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Letter {
    name: &'static str,
    transposed: bool,
    self_adjoint: bool,
    rows: Space,
    cols: Space,
}

impl Letter {
    fn transpose(self) -> Self {
        if self.self_adjoint {
            return self;
        }
        Self {
            transposed: !self.transposed,
            rows: self.cols,
            cols: self.rows,
            ..self
        }
    }
}

impl fmt::Display for Letter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.name, if self.transposed { "ᵀ" } else { "" })
    }
}

/// A monomial in the commuting scalar symbols: `(name, exponent)`, sorted
/// by name, exponents positive.
type Monomial = Vec<(&'static str, u32)>;

fn monomial_mul(a: &Monomial, b: &Monomial) -> Monomial {
    let mut out: BTreeMap<&'static str, u32> = a.iter().copied().collect();
    for &(s, e) in b {
        *out.entry(s).or_insert(0) += e;
    }
    out.into_iter().collect()
}

/// A commutative polynomial in the scalar symbols, with rational
/// coefficients (the scalars of [`FreeMat`]).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct FreeScalar(BTreeMap<Monomial, BigRational>);

impl FreeScalar {
    /// The symbol `name`.
    pub fn symbol(name: &'static str) -> Self {
        Self(BTreeMap::from([(vec![(name, 1)], BigRational::one())]))
    }

    /// The rational constant `q`.
    pub fn constant(q: BigRational) -> Self {
        let mut m = BTreeMap::new();
        if !q.is_zero() {
            m.insert(Vec::new(), q);
        }
        Self(m)
    }

    /// The product.
    pub fn mul(&self, other: &Self) -> Self {
        let mut out = BTreeMap::new();
        for (ma, ca) in &self.0 {
            for (mb, cb) in &other.0 {
                accumulate(&mut out, monomial_mul(ma, mb), ca * cb);
            }
        }
        Self(out)
    }
}

fn accumulate<K: Ord>(map: &mut BTreeMap<K, BigRational>, key: K, c: BigRational) {
    match map.entry(key) {
        Entry::Occupied(mut o) => {
            *o.get_mut() += c;
            if o.get().is_zero() {
                o.remove();
            }
        }
        Entry::Vacant(v) => {
            if !c.is_zero() {
                v.insert(c);
            }
        }
    }
}

/// An element of the free algebra with transpose: a sum of terms
/// `c·(scalar monomial)·word`, every word mapping the space `cols` to the
/// space `rows`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FreeMat {
    rows: Space,
    cols: Space,
    terms: BTreeMap<(Vec<Letter>, Monomial), BigRational>,
}

impl FreeMat {
    /// The letter `name`, a matrix from space `cols` to space `rows`.
    /// A self-adjoint letter must be square.
    pub fn letter(name: &'static str, rows: Space, cols: Space, self_adjoint: bool) -> Self {
        assert!(
            !self_adjoint || rows == cols,
            "a self-adjoint letter is square"
        );
        let l = Letter {
            name,
            transposed: false,
            self_adjoint,
            rows,
            cols,
        };
        Self {
            rows,
            cols,
            terms: BTreeMap::from([((vec![l], Vec::new()), BigRational::one())]),
        }
    }

    /// `s·I` on the space `space`.
    pub fn scalar(space: Space, s: &FreeScalar) -> Self {
        Self {
            rows: space,
            cols: space,
            terms: s
                .0
                .iter()
                .map(|(m, c)| ((Vec::new(), m.clone()), c.clone()))
                .collect(),
        }
    }

    /// Whether every term cancelled.
    pub fn is_zero(&self) -> bool {
        self.terms.is_empty()
    }

    /// Number of terms.
    pub fn term_count(&self) -> usize {
        self.terms.len()
    }

    fn same_shape(&self, other: &Self, what: &str) {
        assert_eq!(
            (self.rows, self.cols),
            (other.rows, other.cols),
            "shapes of a {what} in the free algebra"
        );
    }

    fn combine(&self, other: &Self, sign: BigRational) -> Self {
        self.same_shape(other, "sum");
        let mut terms = self.terms.clone();
        for (k, c) in &other.terms {
            accumulate(&mut terms, k.clone(), c * &sign);
        }
        Self { terms, ..*self }
    }
}

impl MatrixRing for FreeMat {
    type Scalar = FreeScalar;

    fn mul(&self, other: &Self) -> Self {
        assert_eq!(
            self.cols, other.rows,
            "inner spaces of a product in the free algebra"
        );
        let mut terms = BTreeMap::new();
        for ((wa, ma), ca) in &self.terms {
            for ((wb, mb), cb) in &other.terms {
                let mut w = wa.clone();
                w.extend_from_slice(wb);
                accumulate(&mut terms, (w, monomial_mul(ma, mb)), ca * cb);
            }
        }
        Self {
            rows: self.rows,
            cols: other.cols,
            terms,
        }
    }

    fn add(&self, other: &Self) -> Self {
        self.combine(other, BigRational::one())
    }

    fn sub(&self, other: &Self) -> Self {
        self.combine(other, -BigRational::one())
    }

    fn scale(&self, s: &FreeScalar) -> Self {
        self.mul(&Self::scalar(self.cols, s))
    }

    fn transpose(&self) -> Self {
        let mut terms = BTreeMap::new();
        for ((w, m), c) in &self.terms {
            let w: Vec<Letter> = w.iter().rev().map(|l| l.transpose()).collect();
            accumulate(&mut terms, (w, m.clone()), c.clone());
        }
        Self {
            rows: self.cols,
            cols: self.rows,
            terms,
        }
    }

    fn scalar_like_rows(&self, s: &FreeScalar) -> Self {
        Self::scalar(self.rows, s)
    }
}

impl fmt::Display for FreeMat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.terms.is_empty() {
            return write!(f, "0");
        }
        for (i, ((w, m), c)) in self.terms.iter().enumerate() {
            if i > 0 {
                write!(f, " + ")?;
            }
            write!(f, "({c})")?;
            for (s, e) in m {
                if *e == 1 {
                    write!(f, "·{s}")?;
                } else {
                    write!(f, "·{s}^{e}")?;
                }
            }
            if w.is_empty() {
                write!(f, "·I")?;
            }
            for l in w {
                write!(f, "·{l}")?;
            }
        }
        Ok(())
    }
}

/// The value of `x` when every letter is replaced by a rational matrix
/// (its name looked up in `letters`; a transposed letter by the transpose)
/// and every scalar symbol by a rational number; `sizes` gives the size
/// of each space (for the identity). For tests of the substitution that
/// the proofs rely on.
#[cfg(test)]
pub(crate) fn evaluate(
    x: &FreeMat,
    letters: &std::collections::HashMap<&str, crate::model::formula::Mat<BigRational>>,
    scalars: &std::collections::HashMap<&str, BigRational>,
    sizes: &std::collections::HashMap<Space, usize>,
) -> crate::model::formula::Mat<BigRational> {
    use crate::model::formula::Mat;
    let mut out = Mat::zeros(sizes[&x.rows], sizes[&x.cols]);
    for ((w, m), c) in &x.terms {
        let mut coef = c.clone();
        for (s, e) in m {
            for _ in 0..*e {
                coef *= &scalars[s];
            }
        }
        let mut v = Mat::identity(sizes[&x.rows]);
        for l in w {
            let mat = &letters[l.name];
            v = v.mul(&if l.transposed {
                mat.transpose()
            } else {
                mat.clone()
            });
        }
        out = out.add(&v.scale(&coef));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::*;
    use crate::model::formula::{Mat, s_equation_in, student_field_in};

    fn a() -> FreeMat {
        FreeMat::letter("A", 'n', 'm', false)
    }

    #[test]
    fn transpose_reverses_words_and_fixes_self_adjoint_letters() {
        let mxx = FreeMat::letter("Mxx", 'm', 'm', true);
        let x = a().mul(&mxx).mul(&a().transpose());
        // (A·Mxx·Aᵀ)ᵀ = A·Mxx·Aᵀ.
        assert!(x.transpose().sub(&x).is_zero());
        // (A·Myx·Aᵀ)ᵀ = A·Mxy·Aᵀ ≠ A·Myx·Aᵀ.
        let myx = FreeMat::letter("Myx", 'm', 'm', false);
        let y = a().mul(&myx).mul(&a().transpose());
        let d = y.transpose().sub(&y);
        assert_eq!(d.term_count(), 2);
        assert_eq!(d.to_string(), "(-1)·A·Myx·Aᵀ + (1)·A·Myxᵀ·Aᵀ");
        assert!(y.transpose().transpose().sub(&y).is_zero());
    }

    #[test]
    fn products_do_not_commute_but_scalars_do() {
        let b = FreeMat::letter("B", 'n', 'n', false);
        let c = FreeMat::letter("C", 'n', 'n', false);
        assert!(!b.mul(&c).sub(&c.mul(&b)).is_zero());
        let lam = FreeScalar::symbol("λ");
        let e = FreeScalar::symbol("e");
        let x = b.scale(&lam).mul(&c.scale(&e));
        let y = b.mul(&c).scale(&e.mul(&lam));
        assert!(x.sub(&y).is_zero());
        // (B + λI)² = B² + 2λB + λ²I.
        let bl = b.add(&b.scalar_like_rows(&lam));
        let two = FreeScalar::constant(BigRational::from_integer(2.into()));
        let expected = b
            .mul(&b)
            .add(&b.scale(&two.mul(&lam)))
            .add(&FreeMat::scalar('n', &lam.mul(&lam)));
        assert!(bl.mul(&bl).sub(&expected).is_zero());
    }

    fn small() -> impl Strategy<Value = BigRational> {
        (-9i64..=9, 1i64..=4).prop_map(|(a, b)| BigRational::new(a.into(), b.into()))
    }

    fn matrix(rows: usize, cols: usize) -> impl Strategy<Value = Mat<BigRational>> {
        prop::collection::vec(small(), rows * cols)
            .prop_map(move |v| Mat::from_fn(rows, cols, |i, j| v[i * cols + j].clone()))
    }

    /// Random shapes and data: A (n×m), B (n×n), Myx, Mxx = Mxxᵀ (m×m), λ, e.
    fn data() -> impl Strategy<
        Value = (
            usize,
            usize,
            Vec<Mat<BigRational>>,
            BigRational,
            BigRational,
        ),
    > {
        (1usize..=3, 1usize..=3).prop_flat_map(|(n, m)| {
            (
                Just(n),
                Just(m),
                (matrix(n, m), matrix(n, n), matrix(m, m), matrix(m, m))
                    .prop_map(|(a, b, myx, x)| vec![a, b, myx, x.add(&x.transpose())]),
                small(),
                small(),
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

        /// Substitution of matrices into the free algebra gives what the
        /// same formulas give on the matrices: the model's P, Q and G(AᵀA),
        /// a product and a transpose. This is the step from an identity in
        /// the free algebra to one for matrices of every shape.
        #[test]
        fn substitution_agrees_with_the_formulas_on_matrices((n, m, mats, lam, e) in data()) {
            let (a, b, myx, mxx) = (&mats[0], &mats[1], &mats[2], &mats[3]);
            let fa = FreeMat::letter("A", 'n', 'm', false);
            let fb = FreeMat::letter("B", 'n', 'n', false);
            let fmyx = FreeMat::letter("Myx", 'm', 'm', false);
            let fmxx = FreeMat::letter("Mxx", 'm', 'm', true);
            let flam = FreeScalar::symbol("λ");
            let letters = HashMap::from([
                ("A", a.clone()), ("B", b.clone()), ("Myx", myx.clone()), ("Mxx", mxx.clone()),
            ]);
            let scalars = HashMap::from([("λ", lam.clone()), ("e", e.clone())]);
            let sizes = HashMap::from([('n', n), ('m', m)]);
            let ev = |x: &FreeMat| evaluate(x, &letters, &scalars, &sizes);
            let (fp, fq) = student_field_in(&fmxx, &fmyx, &flam, &fa, &fb, &fa);
            let (p, q) = student_field_in(mxx, myx, &lam, a, b, a);
            prop_assert_eq!(ev(&fp), p.clone());
            prop_assert_eq!(ev(&fq), q.clone());
            let fs = fa.transpose().mul(&fa);
            let s = a.transpose().mul(a);
            prop_assert_eq!(ev(&s_equation_in(&fmxx, &fmyx, &flam, &fs)), s_equation_in(mxx, myx, &lam, &s));
            let fx = fp.transpose().mul(&fq).scale(&FreeScalar::symbol("e"));
            prop_assert_eq!(ev(&fx), p.transpose().mul(&q).scale(&e));
            prop_assert_eq!(ev(&fq.transpose()), q.transpose());
        }
    }

    #[test]
    #[should_panic(expected = "inner spaces")]
    fn products_of_unchained_shapes_are_refused() {
        let _ = a().mul(&a());
    }
}

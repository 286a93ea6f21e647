//! Symbolica expressions as a [`Scalar`], so that the generic formulas of
//! [`crate::model::formula`] build the polynomials of the dynamics. Values of
//! this type exist only on the Symbolica worker thread.

use std::ops::{Add, Mul, Neg, Sub};

use num_rational::BigRational;
use symbolica::atom::{Atom, AtomCore};

use crate::error::{Error, Result};
use crate::model::formula::{Mat, Scalar};

/// A Symbolica expression (kept unexpanded until [`Sym::expanded`]).
#[derive(Clone, Debug)]
pub(crate) struct Sym(pub(crate) Atom);

impl Sym {
    /// The variable (or parameter) called `name`.
    pub(crate) fn var(name: &str) -> Result<Self> {
        parse(name).map(Sym)
    }

    /// The expanded form.
    pub(crate) fn expanded(&self) -> Self {
        Sym(self.0.expand())
    }

    /// Whether the expression expands to zero.
    pub(crate) fn is_zero(&self) -> bool {
        self.0.expand().is_zero()
    }

    /// The expression as LaTeX.
    pub(crate) fn latex(&self) -> String {
        use symbolica::printer::PrintOptions;
        format!("{}", self.0.printer(PrintOptions::latex()))
    }

    /// `∂self/∂name`, expanded.
    pub(crate) fn derivative(&self, name: &str) -> Self {
        Sym(self.0.derivative(symbolica::symbol!(name)).expand())
    }
}

/// Parses Symbolica input syntax.
pub(crate) fn parse(text: &str) -> Result<Atom> {
    symbolica::try_parse!(text).map_err(|e| {
        Error::param(
            "expression",
            text,
            &format!("a polynomial in Symbolica syntax ({e})"),
        )
    })
}

impl Add for Sym {
    type Output = Sym;
    fn add(self, rhs: Sym) -> Sym {
        Sym(self.0 + rhs.0)
    }
}

impl Sub for Sym {
    type Output = Sym;
    fn sub(self, rhs: Sym) -> Sym {
        Sym(self.0 - rhs.0)
    }
}

impl Mul for Sym {
    type Output = Sym;
    fn mul(self, rhs: Sym) -> Sym {
        Sym(self.0 * rhs.0)
    }
}

impl Neg for Sym {
    type Output = Sym;
    fn neg(self) -> Sym {
        Sym(-self.0)
    }
}

impl Scalar for Sym {
    fn from_rational(q: &BigRational) -> Self {
        let text = format!("({})/({})", q.numer(), q.denom());
        // A quotient of two integers always parses.
        Sym(parse(&text).unwrap_or_default())
    }
}

/// A matrix of variables `prefix_i_j` (1-based indices), or a symmetric one
/// whose entry `(i, j)` is `prefix_min_max`.
pub(crate) fn var_matrix(
    prefix: &str,
    rows: usize,
    cols: usize,
    symmetric: bool,
) -> Result<Mat<Sym>> {
    let mut err = None;
    let m = Mat::from_fn(rows, cols, |i, j| {
        let (i, j) = if symmetric && i > j { (j, i) } else { (i, j) };
        Sym::var(&var_name(prefix, i, j)).unwrap_or_else(|e| {
            err = Some(e);
            Sym::from_int(0)
        })
    });
    match err {
        Some(e) => Err(e),
        None => Ok(m),
    }
}

/// The name `prefix_{i+1}_{j+1}` of an entry.
pub(crate) fn var_name(prefix: &str, i: usize, j: usize) -> String {
    format!("{prefix}_{}_{}", i + 1, j + 1)
}

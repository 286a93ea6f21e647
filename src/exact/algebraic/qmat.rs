//! Dense matrices over `Q[t]/(χ)`: products, characteristic polynomials
//! (Berkowitz), determinants and adjugates without division.

use super::*;

/// A dense row-major matrix over `Q[t]/(χ)`.
#[derive(Clone, Debug)]
pub(super) struct QMat {
    pub(super) rows: usize,
    pub(super) cols: usize,
    pub(super) data: Vec<QtElem>,
}

impl QMat {
    pub(super) fn zeros(qt: &Qt, rows: usize, cols: usize) -> Self {
        Self {
            rows,
            cols,
            data: vec![qt.zero(); rows * cols],
        }
    }

    pub(super) fn identity(qt: &Qt, n: usize) -> Self {
        let mut m = Self::zeros(qt, n, n);
        for i in 0..n {
            m.set(i, i, qt.one());
        }
        m
    }

    pub(super) fn from_fn(
        rows: usize,
        cols: usize,
        mut f: impl FnMut(usize, usize) -> QtElem,
    ) -> Self {
        let mut data = Vec::with_capacity(rows * cols);
        for i in 0..rows {
            for j in 0..cols {
                data.push(f(i, j));
            }
        }
        Self { rows, cols, data }
    }

    pub(super) fn from_rational(qt: &Qt, m: &RationalMatrix) -> Self {
        Self::from_fn(m.nrows(), m.ncols(), |i, j| qt.constant(m.get(i, j)))
    }

    pub(super) fn get(&self, i: usize, j: usize) -> &QtElem {
        &self.data[i * self.cols + j]
    }

    pub(super) fn set(&mut self, i: usize, j: usize, v: QtElem) {
        self.data[i * self.cols + j] = v;
    }

    pub(super) fn to_rows(&self) -> Vec<Vec<QtElem>> {
        (0..self.rows)
            .map(|i| (0..self.cols).map(|j| self.get(i, j).clone()).collect())
            .collect()
    }

    pub(super) fn transpose(&self) -> Self {
        Self::from_fn(self.cols, self.rows, |i, j| self.get(j, i).clone())
    }

    /// `self · other` (zero entries skipped).
    pub(super) fn mul(&self, qt: &Qt, other: &Self) -> Self {
        Self::from_fn(self.rows, other.cols, |i, j| {
            let mut acc = qt.zero();
            for k in 0..self.cols {
                let (x, y) = (self.get(i, k), other.get(k, j));
                if !x.is_zero() && !y.is_zero() {
                    acc = qt.add(&acc, &qt.mul(x, y));
                }
            }
            acc
        })
    }

    pub(super) fn add(&self, qt: &Qt, other: &Self) -> Self {
        Self::from_fn(self.rows, self.cols, |i, j| {
            qt.add(self.get(i, j), other.get(i, j))
        })
    }

    pub(super) fn sub(&self, qt: &Qt, other: &Self) -> Self {
        Self::from_fn(self.rows, self.cols, |i, j| {
            qt.sub(self.get(i, j), other.get(i, j))
        })
    }

    pub(super) fn scale(&self, qt: &Qt, s: &QtElem) -> Self {
        Self::from_fn(self.rows, self.cols, |i, j| qt.mul(s, self.get(i, j)))
    }

    pub(super) fn scale_rat(&self, qt: &Qt, s: &BigRational) -> Self {
        Self::from_fn(self.rows, self.cols, |i, j| qt.scale(self.get(i, j), s))
    }

    /// The submatrix with the given rows and columns.
    pub(super) fn select(&self, rows: &[usize], cols: &[usize]) -> Self {
        Self::from_fn(rows.len(), cols.len(), |i, j| {
            self.get(rows[i], cols[j]).clone()
        })
    }
}

pub(super) fn neg(qt: &Qt, a: &QtElem) -> QtElem {
    qt.scale(a, &rat(-1))
}

/// The exact sign at `t₀` of a ring element (`num/den`, `den > 0`).
pub(super) fn sign_at(root: &mut RealRoot, e: &QtElem) -> Ordering {
    if e.is_zero() {
        Ordering::Equal
    } else {
        // den > 0: the sign of num, without rationals.
        root.sign_of_int_refining(crate::exact::intpoly::primitive(e.parts().0.clone()))
    }
}

/// The characteristic polynomials `det(xI − A_k)` of the leading principal
/// k×k submatrices `A_k`, `k = 1..=n` (only `k = n` unless `all`), each as
/// coefficients from the highest degree down (`[1, a₁, …, a_k]`): Berkowitz's
/// division-free algorithm run modulo primes and assembled exactly under a
/// proved bound ([`super::multimodular`]).
pub(super) fn berkowitz(qt: &Qt, a: &QMat, all: bool) -> Vec<Vec<QtElem>> {
    super::multimodular::berkowitz_multimodular(qt, &a.to_rows(), all)
}

/// The leading principal minors `det A_k`, `k = 1..=n`, by the same
/// multimodular run ([`super::multimodular::leading_minors_multimodular`]).
pub(super) fn leading_minors(qt: &Qt, a: &QMat) -> Vec<QtElem> {
    super::multimodular::leading_minors_multimodular(qt, &a.to_rows())
}

/// The same, by Berkowitz's algorithm directly over `Q[t]/(χ)` (the
/// reference the multimodular run is tested against).
#[cfg(test)]
pub(super) fn berkowitz_direct(qt: &Qt, a: &QMat, all: bool) -> Vec<Vec<QtElem>> {
    super::multimodular::berkowitz_in(&QtRing(qt), &a.to_rows(), all)
}

/// `Q[t]/(χ)` as a [`super::multimodular::Ring`].
#[cfg(test)]
struct QtRing<'a>(&'a Qt);

#[cfg(test)]
impl super::multimodular::Ring for QtRing<'_> {
    type E = QtElem;
    fn zero(&self) -> QtElem {
        self.0.zero()
    }
    fn one(&self) -> QtElem {
        self.0.one()
    }
    fn is_zero(&self, a: &QtElem) -> bool {
        a.is_zero()
    }
    fn add(&self, a: &QtElem, b: &QtElem) -> QtElem {
        self.0.add(a, b)
    }
    fn mul(&self, a: &QtElem, b: &QtElem) -> QtElem {
        self.0.mul(a, b)
    }
    fn neg(&self, a: &QtElem) -> QtElem {
        neg(self.0, a)
    }
}

/// `det(xI − A)` from the highest degree down (`[1]` for 0×0).
pub(super) fn charpoly_desc(qt: &Qt, a: &QMat) -> Vec<QtElem> {
    berkowitz(qt, a, false)
        .pop()
        .unwrap_or_else(|| vec![qt.one()])
}

/// `det A`, `adj A` (division-free, by Cayley–Hamilton: with
/// `det(xI − A) = xⁿ + a₁xⁿ⁻¹ + … + aₙ`, `adj A = (−1)ⁿ⁺¹(Aⁿ⁻¹ + a₁Aⁿ⁻² +
/// … + aₙ₋₁I)` and `det A = (−1)ⁿaₙ`).
pub(super) fn det_adj(qt: &Qt, a: &QMat) -> (QtElem, QMat) {
    let n = a.rows;
    let c = charpoly_desc(qt, a);
    let mut b = QMat::identity(qt, n);
    for ci in c.iter().take(n).skip(1) {
        b = b.mul(qt, a).add(qt, &QMat::identity(qt, n).scale(qt, ci));
    }
    let (adj, det) = if n.is_multiple_of(2) {
        (b.scale_rat(qt, &rat(-1)), c[n].clone())
    } else {
        (b, neg(qt, &c[n]))
    };
    (det, adj)
}

/// `det A` (division-free).
pub(super) fn det(qt: &Qt, a: &QMat) -> QtElem {
    let n = a.rows;
    let c = charpoly_desc(qt, a);
    if n.is_multiple_of(2) {
        c[n].clone()
    } else {
        neg(qt, &c[n])
    }
}

//! The formulas of SPEC §1–2 written once, generic over the scalar.
//!
//! The symbolic layer instantiates them with polynomials (so that identities
//! are proved about exactly these formulas) and the exact layer with
//! rationals; the floating-point layer has its own nalgebra version for speed,
//! and tests check that both agree.
//!
//! Matrices are small dense row-major [`Mat`]s; only the operations the
//! formulas need are provided.

use std::ops::{Add, Mul, Neg, Sub};

use num_rational::BigRational;

/// What the formulas need of a scalar: a commutative ring containing Q.
pub trait Scalar:
    Clone + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self> + Neg<Output = Self>
{
    /// The rational number `q` in this ring.
    fn from_rational(q: &BigRational) -> Self;

    /// The integer `k` in this ring.
    fn from_int(k: i64) -> Self {
        Self::from_rational(&BigRational::from_integer(k.into()))
    }
}

impl Scalar for f64 {
    fn from_rational(q: &BigRational) -> Self {
        super::to_f64(q)
    }
}

impl Scalar for BigRational {
    fn from_rational(q: &BigRational) -> Self {
        q.clone()
    }
}

/// A dense row-major matrix over a [`Scalar`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mat<T> {
    pub(super) rows: usize,
    pub(super) cols: usize,
    pub(super) data: Vec<T>,
}

impl<T: Scalar> Mat<T> {
    /// The matrix with entries `f(i, j)`.
    pub fn from_fn(rows: usize, cols: usize, mut f: impl FnMut(usize, usize) -> T) -> Self {
        let mut data = Vec::with_capacity(rows * cols);
        for i in 0..rows {
            for j in 0..cols {
                data.push(f(i, j));
            }
        }
        Self { rows, cols, data }
    }

    /// The zero matrix.
    pub fn zeros(rows: usize, cols: usize) -> Self {
        Self::from_fn(rows, cols, |_, _| T::from_int(0))
    }

    /// The identity matrix.
    pub fn identity(n: usize) -> Self {
        Self::from_fn(n, n, |i, j| {
            if i == j {
                T::from_int(1)
            } else {
                T::from_int(0)
            }
        })
    }

    /// Number of rows.
    pub fn nrows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    pub fn ncols(&self) -> usize {
        self.cols
    }

    /// Entry `(i, j)`.
    pub fn get(&self, i: usize, j: usize) -> &T {
        &self.data[i * self.cols + j]
    }

    /// Sets entry `(i, j)`.
    pub fn set(&mut self, i: usize, j: usize, v: T) {
        self.data[i * self.cols + j] = v;
    }

    /// The entries in row-major order.
    pub fn entries(&self) -> &[T] {
        &self.data
    }

    /// The matrix with `f` applied to every entry.
    pub fn map<U: Scalar>(&self, f: impl FnMut(&T) -> U) -> Mat<U> {
        Mat {
            rows: self.rows,
            cols: self.cols,
            data: self.data.iter().map(f).collect(),
        }
    }

    /// `Mᵀ`.
    pub fn transpose(&self) -> Self {
        Self::from_fn(self.cols, self.rows, |i, j| self.get(j, i).clone())
    }

    /// The product `self · other`; the inner dimensions must agree.
    pub fn mul(&self, other: &Self) -> Self {
        assert_eq!(self.cols, other.rows, "inner dimensions of a product");
        Self::from_fn(self.rows, other.cols, |i, j| {
            (0..self.cols).fold(T::from_int(0), |acc, k| {
                acc + self.get(i, k).clone() * other.get(k, j).clone()
            })
        })
    }

    /// `self + other`, same shape.
    pub fn add(&self, other: &Self) -> Self {
        self.zip(other, |x, y| x + y)
    }

    /// `self − other`, same shape.
    pub fn sub(&self, other: &Self) -> Self {
        self.zip(other, |x, y| x - y)
    }

    /// `s · self`.
    pub fn scale(&self, s: &T) -> Self {
        self.map(|x| s.clone() * x.clone())
    }

    /// `−self`.
    pub fn neg(&self) -> Self {
        self.map(|x| -x.clone())
    }

    /// The trace (square matrices).
    pub fn trace(&self) -> T {
        (0..self.rows.min(self.cols)).fold(T::from_int(0), |acc, i| acc + self.get(i, i).clone())
    }

    /// The Frobenius inner product `⟨self, other⟩ = Σ self_ij other_ij`.
    pub fn dot(&self, other: &Self) -> T {
        assert_eq!(
            (self.rows, self.cols),
            (other.rows, other.cols),
            "shapes of an inner product"
        );
        self.data
            .iter()
            .zip(&other.data)
            .fold(T::from_int(0), |acc, (x, y)| acc + x.clone() * y.clone())
    }

    fn zip(&self, other: &Self, f: impl Fn(T, T) -> T) -> Self {
        assert_eq!(
            (self.rows, self.cols),
            (other.rows, other.cols),
            "shapes of a sum"
        );
        Self {
            rows: self.rows,
            cols: self.cols,
            data: self
                .data
                .iter()
                .zip(&other.data)
                .map(|(x, y)| f(x.clone(), y.clone()))
                .collect(),
        }
    }
}

/// The data of the model over a scalar: the moments and λ (numbers for an
/// instance, or symbols when identities are proved for all data).
#[derive(Clone, Debug)]
pub struct ModelData<T> {
    /// `Mxx` (m×m).
    pub mxx: Mat<T>,
    /// `Myx` (m×m).
    pub myx: Mat<T>,
    /// `Myy` (m×m).
    pub myy: Mat<T>,
    /// Weight decay λ.
    pub lambda: T,
}

impl<T: Scalar> ModelData<T> {
    /// The data of a validated instance, mapped into the scalar ring.
    pub fn from_instance(inst: &super::Instance) -> Self {
        let conv = |m: &super::RationalMatrix| {
            Mat::from_fn(m.nrows(), m.ncols(), |i, j| T::from_rational(m.get(i, j)))
        };
        let mom = inst.moments();
        Self {
            mxx: conv(&mom.mxx),
            myx: conv(&mom.myx),
            myy: conv(&mom.myy),
            lambda: T::from_rational(inst.lambda()),
        }
    }

    /// `Mxy = Myxᵀ`.
    pub fn mxy(&self) -> Mat<T> {
        self.myx.transpose()
    }

    /// Residual `R(A,B,C) = B A Mxx − C Myx` (n×m).
    pub fn residual(&self, a: &Mat<T>, b: &Mat<T>, c: &Mat<T>) -> Mat<T> {
        residual_in(&self.mxx, &self.myx, a, b, c)
    }

    /// Student field `P = ∇_A F = Bᵀ R + λA`, `Q = ∇_B F = R Aᵀ + λB`.
    pub fn student_field(&self, a: &Mat<T>, b: &Mat<T>, c: &Mat<T>) -> (Mat<T>, Mat<T>) {
        student_field_in(&self.mxx, &self.myx, &self.lambda, a, b, c)
    }

    /// `∇Ē(A,B) = (P(A,B,A) − (B A Mxy − A Myy), Q(A,B,A))`.
    pub fn grad_ebar(&self, a: &Mat<T>, b: &Mat<T>) -> (Mat<T>, Mat<T>) {
        let (p, q) = self.student_field(a, b, a);
        let extra = b.mul(a).mul(&self.mxy()).sub(&a.mul(&self.myy));
        (p.sub(&extra), q)
    }

    /// `E‖BAx − Cy‖² = tr(BA Mxx AᵀBᵀ) − 2 tr(BA Mxy Cᵀ) + tr(C Myy Cᵀ)`.
    pub fn prediction_error(&self, a: &Mat<T>, b: &Mat<T>, c: &Mat<T>) -> T {
        let ba = b.mul(a);
        ba.mul(&self.mxx).mul(&ba.transpose()).trace()
            - T::from_int(2) * ba.mul(&self.mxy()).mul(&c.transpose()).trace()
            + c.mul(&self.myy).mul(&c.transpose()).trace()
    }

    /// Teacher objective `F(A,B,C) = ½E‖BAx − Cy‖² + (λ/2)(‖A‖² + ‖B‖²)`.
    pub fn objective_f(&self, a: &Mat<T>, b: &Mat<T>, c: &Mat<T>) -> T {
        let half = T::from_rational(&BigRational::new(1.into(), 2.into()));
        half.clone() * self.prediction_error(a, b, c)
            + half * self.lambda.clone() * (a.dot(a) + b.dot(b))
    }
}

/// The balance matrix `AAᵀ − BᵀB` (SPEC BALANCE).
pub fn balance<T: Scalar>(a: &Mat<T>, b: &Mat<T>) -> Mat<T> {
    a.mul(&a.transpose()).sub(&b.transpose().mul(b))
}

/// `d/dt (AAᵀ − BᵀB) = ȦAᵀ + AȦᵀ − ḂᵀB − BᵀḂ` at `(A, B)` moving with `(Ȧ, Ḃ)`.
pub fn balance_rate<T: Scalar>(a: &Mat<T>, b: &Mat<T>, da: &Mat<T>, db: &Mat<T>) -> Mat<T> {
    da.mul(&a.transpose())
        .add(&a.mul(&da.transpose()))
        .sub(&db.transpose().mul(b))
        .sub(&b.transpose().mul(db))
}

/// The S-equation of SPEC: `(Mxx S + λI)(S Mxx + λI) − Mxy S Myx` (m×m,
/// symmetric when `S` is).
pub fn s_equation<T: Scalar>(data: &ModelData<T>, s: &Mat<T>) -> Mat<T> {
    s_equation_in(&data.mxx, &data.myx, &data.lambda, s)
}

/// The operations of a ring of matrices with transpose that the formulas
/// of the model use. [`Mat`] over any [`Scalar`] has them; so do the
/// elements of the free algebra with transpose in which the S-equation's
/// identities are proved for every shape at once
/// ([`crate::polynomial::free`]). The formulas [`residual_in`],
/// [`student_field_in`] and [`s_equation_in`] are written once over this
/// trait, and [`ModelData`]'s methods are these same functions.
pub trait MatrixRing: Clone {
    /// The commuting scalars (λ, and entries for [`Mat`]).
    type Scalar;
    /// `self · other`.
    fn mul(&self, other: &Self) -> Self;
    /// `self + other`.
    fn add(&self, other: &Self) -> Self;
    /// `self − other`.
    fn sub(&self, other: &Self) -> Self;
    /// `s · self`.
    fn scale(&self, s: &Self::Scalar) -> Self;
    /// `selfᵀ`.
    fn transpose(&self) -> Self;
    /// `s · I`, with `I` the identity of the size of `self`'s rows.
    fn scalar_like_rows(&self, s: &Self::Scalar) -> Self;
}

impl<T: Scalar> MatrixRing for Mat<T> {
    type Scalar = T;
    fn mul(&self, other: &Self) -> Self {
        Mat::mul(self, other)
    }
    fn add(&self, other: &Self) -> Self {
        Mat::add(self, other)
    }
    fn sub(&self, other: &Self) -> Self {
        Mat::sub(self, other)
    }
    fn scale(&self, s: &T) -> Self {
        Mat::scale(self, s)
    }
    fn transpose(&self) -> Self {
        Mat::transpose(self)
    }
    fn scalar_like_rows(&self, s: &T) -> Self {
        Mat::identity(self.rows).scale(s)
    }
}

/// Residual `R(A,B,C) = B A Mxx − C Myx` ([`ModelData::residual`]).
pub fn residual_in<M: MatrixRing>(mxx: &M, myx: &M, a: &M, b: &M, c: &M) -> M {
    b.mul(a).mul(mxx).sub(&c.mul(myx))
}

/// Student field `(P, Q) = (Bᵀ R + λA, R Aᵀ + λB)`
/// ([`ModelData::student_field`]).
pub fn student_field_in<M: MatrixRing>(
    mxx: &M,
    myx: &M,
    lambda: &M::Scalar,
    a: &M,
    b: &M,
    c: &M,
) -> (M, M) {
    let r = residual_in(mxx, myx, a, b, c);
    let p = b.transpose().mul(&r).add(&a.scale(lambda));
    let q = r.mul(&a.transpose()).add(&b.scale(lambda));
    (p, q)
}

/// The S-equation `G(S) = (Mxx S + λI)(S Mxx + λI) − Mxy S Myx` with
/// `Mxy = Myxᵀ` ([`s_equation`]).
pub fn s_equation_in<M: MatrixRing>(mxx: &M, myx: &M, lambda: &M::Scalar, s: &M) -> M {
    let id = s.scalar_like_rows(lambda);
    let left = mxx.mul(s).add(&id);
    let right = s.mul(mxx).add(&id);
    left.mul(&right).sub(&myx.transpose().mul(s).mul(myx))
}

/// The determinant of a square matrix by Laplace expansion along the first
/// row (meant for the small sizes of the data dimension m, over any scalar,
/// including polynomials).
pub fn determinant<T: Scalar>(a: &Mat<T>) -> T {
    let n = a.nrows();
    match n {
        0 => T::from_int(1),
        1 => a.get(0, 0).clone(),
        2 => a.get(0, 0).clone() * a.get(1, 1).clone() - a.get(0, 1).clone() * a.get(1, 0).clone(),
        _ => (0..n).fold(T::from_int(0), |acc, j| {
            let term = a.get(0, j).clone() * determinant(&minor(a, 0, j));
            if j % 2 == 0 { acc + term } else { acc - term }
        }),
    }
}

/// The matrix without row `i` and column `j`.
pub fn minor<T: Scalar>(a: &Mat<T>, i: usize, j: usize) -> Mat<T> {
    Mat::from_fn(a.nrows() - 1, a.ncols() - 1, |r, c| {
        a.get(if r < i { r } else { r + 1 }, if c < j { c } else { c + 1 })
            .clone()
    })
}

/// The adjugate (transposed cofactor matrix): `adj(M)·M = M·adj(M) = det(M)·I`.
pub fn adjugate<T: Scalar>(a: &Mat<T>) -> Mat<T> {
    let n = a.nrows();
    if n == 1 {
        return Mat::identity(1);
    }
    Mat::from_fn(n, n, |i, j| {
        let c = determinant(&minor(a, j, i));
        if (i + j) % 2 == 0 { c } else { -c }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::ratio as q;

    #[test]
    fn rational_products_and_traces() {
        let a = Mat::from_fn(2, 3, |i, j| q((i * 3 + j) as i64, 1));
        let ata = a.transpose().mul(&a);
        assert_eq!((ata.nrows(), ata.ncols()), (3, 3));
        // tr(AᵀA) = ‖A‖² = 0+1+4+9+16+25.
        assert_eq!(ata.trace(), q(55, 1));
        assert_eq!(a.dot(&a), q(55, 1));
        assert_eq!(Mat::<BigRational>::identity(3).mul(&ata), ata);
    }

    #[test]
    fn inverses_and_cayley_orthogonality_are_exact() {
        // The Hilbert matrix 1/(i + j + 1): invertible, badly conditioned.
        let a = Mat::from_fn(4, 4, |i, j| q(1, (i + j + 1) as i64));
        let inv = a.inverse().expect("invertible");
        assert_eq!(a.mul(&inv), Mat::identity(4));
        assert_eq!(inv.get(0, 0), &q(16, 1));
        assert!(Mat::from_fn(2, 2, |_, _| q(1, 1)).inverse().is_none());
        for n in 1..=4 {
            let u = Mat::cayley(n, &q(1, 2));
            assert_eq!(u.transpose().mul(&u), Mat::identity(n), "n = {n}");
            if n > 1 {
                assert_ne!(u, Mat::identity(n));
            }
        }
    }

    #[test]
    fn adjugate_times_matrix_is_the_determinant() {
        for n in 1..=4 {
            let a = Mat::from_fn(n, n, |i, j| {
                q(((i * 7 + j * 3) % 5) as i64 - 2, (j + 1) as i64)
            });
            let d = determinant(&a);
            assert_eq!(adjugate(&a).mul(&a), Mat::identity(n).scale(&d), "n = {n}");
            assert_eq!(a.mul(&adjugate(&a)), Mat::identity(n).scale(&d), "n = {n}");
        }
        // det of a triangular matrix is the product of its diagonal.
        let t = Mat::from_fn(3, 3, |i, j| {
            if j >= i {
                q((i + j + 1) as i64, 2)
            } else {
                q(0, 1)
            }
        });
        assert_eq!(determinant(&t), q(1, 2) * q(3, 2) * q(5, 2));
    }

    #[test]
    fn balance_rate_is_the_derivative_of_balance() {
        // d/dt balance(A + tD, B + tE) at t = 0 by an exact difference quotient
        // of a quadratic: (f(1) − f(−1))/2.
        let a = Mat::from_fn(2, 2, |i, j| q((i + 2 * j) as i64 - 1, 3));
        let b = Mat::from_fn(2, 2, |i, j| q((3 * i + j) as i64 - 2, 5));
        let d = Mat::from_fn(2, 2, |i, j| q((i * j) as i64 + 1, 2));
        let e = Mat::from_fn(2, 2, |i, j| q(i as i64 - j as i64, 7));
        let plus = balance(&a.add(&d), &b.add(&e));
        let minus = balance(&a.sub(&d), &b.sub(&e));
        let quotient = plus.sub(&minus).scale(&q(1, 2));
        assert_eq!(quotient, balance_rate(&a, &b, &d, &e));
    }
}

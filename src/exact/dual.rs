//! Dual numbers over Q for exact directional derivatives.
//!
//! In `Q[ε]/(ε²)`, a polynomial formula `f` evaluated at `x + ε·d` gives
//! `f(x) + ε·Df(x)[d]` exactly (Taylor's formula stops at first order). The
//! formulas of [`crate::model::formula`] are generic over
//! [`Scalar`], so instantiating them with
//! [`Dual`] differentiates exactly the code that is run elsewhere.

use std::ops::{Add, Mul, Neg, Sub};

use num_rational::BigRational;
use num_traits::Zero;

use crate::error::{Error, Result};
use crate::model::RationalMatrix;
use crate::model::formula::{Mat, Scalar};

/// A dual number `re + ε·eps` with `ε² = 0`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dual {
    /// The value part.
    pub re: BigRational,
    /// The infinitesimal part (the directional derivative).
    pub eps: BigRational,
}

impl Dual {
    /// `re + ε·eps`.
    pub fn new(re: BigRational, eps: BigRational) -> Self {
        Self { re, eps }
    }

    /// The constant `re` (zero ε-part).
    pub fn constant(re: BigRational) -> Self {
        Self {
            re,
            eps: BigRational::zero(),
        }
    }
}

impl Add for Dual {
    type Output = Dual;
    fn add(self, rhs: Dual) -> Dual {
        Dual {
            re: self.re + rhs.re,
            eps: self.eps + rhs.eps,
        }
    }
}

impl Sub for Dual {
    type Output = Dual;
    fn sub(self, rhs: Dual) -> Dual {
        Dual {
            re: self.re - rhs.re,
            eps: self.eps - rhs.eps,
        }
    }
}

impl Mul for Dual {
    type Output = Dual;
    /// `(a + εb)(c + εd) = ac + ε(ad + bc)`.
    fn mul(self, rhs: Dual) -> Dual {
        let eps = &self.re * &rhs.eps + &self.eps * &rhs.re;
        Dual {
            re: self.re * rhs.re,
            eps,
        }
    }
}

impl Neg for Dual {
    type Output = Dual;
    fn neg(self) -> Dual {
        Dual {
            re: -self.re,
            eps: -self.eps,
        }
    }
}

impl Scalar for Dual {
    fn from_rational(q: &BigRational) -> Self {
        Dual::constant(q.clone())
    }
}

/// The constant dual matrix `x + ε·0`.
pub fn constant_matrix(x: &RationalMatrix) -> Mat<Dual> {
    x.map(|v| Dual::constant(v.clone()))
}

/// The dual matrix `x + ε·d`; `d` must have the shape of `x`.
pub fn perturbed_matrix(x: &RationalMatrix, d: &RationalMatrix) -> Result<Mat<Dual>> {
    if (x.nrows(), x.ncols()) != (d.nrows(), d.ncols()) {
        return Err(Error::Shape {
            what: "direction of perturbed_matrix".to_owned(),
            got: format!("{}×{}", d.nrows(), d.ncols()),
            expected: format!("{}×{} like the point", x.nrows(), x.ncols()),
        });
    }
    Ok(Mat::from_fn(x.nrows(), x.ncols(), |i, j| {
        Dual::new(x.get(i, j).clone(), d.get(i, j).clone())
    }))
}

/// The value and ε-parts `(x, d)` of a dual matrix `x + ε·d`.
pub fn split_matrix(m: &Mat<Dual>) -> (RationalMatrix, RationalMatrix) {
    (m.map(|v| v.re.clone()), m.map(|v| v.eps.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::upoly::tests::q;
    use crate::model::formula::{ModelData, balance, balance_rate, s_equation};
    use proptest::prelude::*;

    fn arb_rat() -> impl Strategy<Value = BigRational> {
        (-20i64..=20, 1i64..=6).prop_map(|(a, b)| q(a, b))
    }

    fn arb_dual() -> impl Strategy<Value = Dual> {
        (arb_rat(), arb_rat()).prop_map(|(a, b)| Dual::new(a, b))
    }

    fn arb_mat(r: usize, c: usize) -> impl Strategy<Value = RationalMatrix> {
        prop::collection::vec(arb_rat(), r * c)
            .prop_map(move |v| RationalMatrix::from_fn(r, c, |i, j| v[i * c + j].clone()))
    }

    fn arb_sym(m: usize) -> impl Strategy<Value = RationalMatrix> {
        arb_mat(m, m).prop_map(|a| a.add(&a.transpose()))
    }

    /// `f′(x)[h]` from values on the line `x + t·h`, t = ±1, ±2: exact for
    /// polynomials of degree ≤ 4 in t.
    fn five_point<T>(f: impl Fn(&BigRational) -> T, combine: impl Fn(&T, &T, &T, &T) -> T) -> T {
        combine(&f(&q(1, 1)), &f(&q(-1, 1)), &f(&q(2, 1)), &f(&q(-2, 1)))
    }

    fn stencil_mat(
        p1: &RationalMatrix,
        m1: &RationalMatrix,
        p2: &RationalMatrix,
        m2: &RationalMatrix,
    ) -> RationalMatrix {
        p1.sub(m1).scale(&q(8, 1)).sub(&p2.sub(m2)).scale(&q(1, 12))
    }

    fn stencil_scalar(
        p1: &BigRational,
        m1: &BigRational,
        p2: &BigRational,
        m2: &BigRational,
    ) -> BigRational {
        ((p1 - m1) * q(8, 1) - (p2 - m2)) / q(12, 1)
    }

    #[test]
    fn arithmetic_by_hand() {
        let a = Dual::new(q(2, 1), q(3, 1));
        let b = Dual::new(q(-1, 2), q(5, 1));
        assert_eq!(a.clone() * b.clone(), Dual::new(q(-1, 1), q(17, 2)));
        assert_eq!(a.clone() + b.clone(), Dual::new(q(3, 2), q(8, 1)));
        assert_eq!(a.clone() - b, Dual::new(q(5, 2), q(-2, 1)));
        assert_eq!(-a, Dual::new(q(-2, 1), q(-3, 1)));
        // ε² = 0.
        let e = Dual::new(q(0, 1), q(1, 1));
        assert_eq!(e.clone() * e, Dual::from_int(0));
        assert_eq!(Dual::from_int(7), Dual::constant(q(7, 1)));
    }

    #[test]
    fn shapes_are_checked() {
        let x = RationalMatrix::zeros(2, 3);
        assert!(perturbed_matrix(&x, &RationalMatrix::zeros(3, 2)).is_err());
        let d = RationalMatrix::identity(2).scale(&q(1, 3));
        let x2 = RationalMatrix::identity(2);
        let (re, eps) = split_matrix(&perturbed_matrix(&x2, &d).unwrap());
        assert_eq!((re, eps), (x2.clone(), d));
        assert_eq!(
            split_matrix(&constant_matrix(&x2)).1,
            RationalMatrix::zeros(2, 2)
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 100, ..ProptestConfig::default() })]

        #[test]
        fn ring_laws_and_derivative_of_powers(a in arb_dual(), b in arb_dual(), c in arb_dual()) {
            prop_assert_eq!(a.clone() * (b.clone() + c.clone()), a.clone() * b.clone() + a.clone() * c.clone());
            prop_assert_eq!((a.clone() * b.clone()) * c.clone(), a.clone() * (b.clone() * c.clone()));
            prop_assert_eq!(a.clone() * b.clone(), b.clone() * a.clone());
            // (x + ε)⁵ = x⁵ + 5x⁴ ε.
            let x = a.re.clone();
            let v = Dual::new(x.clone(), q(1, 1));
            let p5 = (0..5).fold(Dual::from_int(1), |acc, _| acc * v.clone());
            let x4 = &x * &x * &x * &x;
            prop_assert_eq!(p5, Dual::new(&x4 * &x, x4 * q(5, 1)));
        }

        /// The ε-parts of the student field, the objective and the balance
        /// at (A + εH_A, B + εH_B, C + εH_C) are the exact derivatives: they
        /// equal the five-point difference quotients (exact here, the
        /// formulas being polynomials of degree ≤ 4), and the derivative of
        /// the objective F is ⟨P, H_A⟩ + ⟨Q, H_B⟩ + ⟨C Myy − BA Mxy, H_C⟩
        /// (P = ∇_A F, Q = ∇_B F for symmetric Mxx, Myy).
        #[test]
        fn directional_derivatives_of_the_model(
            mxx in arb_sym(3), myy in arb_sym(3), myx in arb_mat(3, 3), lambda in arb_rat(),
            a in arb_mat(2, 3), b in arb_mat(2, 2), c in arb_mat(2, 3),
            ha in arb_mat(2, 3), hb in arb_mat(2, 2), hc in arb_mat(2, 3),
        ) {
            let data = ModelData { mxx, myx, myy, lambda };
            let dual = ModelData {
                mxx: constant_matrix(&data.mxx),
                myx: constant_matrix(&data.myx),
                myy: constant_matrix(&data.myy),
                lambda: Dual::constant(data.lambda.clone()),
            };
            let (da, db, dc) = (
                perturbed_matrix(&a, &ha).unwrap(),
                perturbed_matrix(&b, &hb).unwrap(),
                perturbed_matrix(&c, &hc).unwrap(),
            );
            let at = |t: &BigRational| (a.add(&ha.scale(t)), b.add(&hb.scale(t)), c.add(&hc.scale(t)));

            // Student field (cubic).
            let (dp, dq) = dual.student_field(&da, &db, &dc);
            let (p_re, p_eps) = split_matrix(&dp);
            let (q_re, q_eps) = split_matrix(&dq);
            let (p0, q0) = data.student_field(&a, &b, &c);
            prop_assert_eq!(&p_re, &p0);
            prop_assert_eq!(&q_re, &q0);
            let fp = |t: &BigRational| { let (x, y, z) = at(t); data.student_field(&x, &y, &z).0 };
            let fq = |t: &BigRational| { let (x, y, z) = at(t); data.student_field(&x, &y, &z).1 };
            prop_assert_eq!(&p_eps, &five_point(fp, stencil_mat));
            prop_assert_eq!(&q_eps, &five_point(fq, stencil_mat));

            // Objective (quartic) and its gradient.
            let f = dual.objective_f(&da, &db, &dc);
            prop_assert_eq!(&f.re, &data.objective_f(&a, &b, &c));
            let ff = |t: &BigRational| { let (x, y, z) = at(t); data.objective_f(&x, &y, &z) };
            prop_assert_eq!(&f.eps, &five_point(ff, stencil_scalar));
            let grad_c = c.mul(&data.myy).sub(&b.mul(&a).mul(&data.mxy()));
            prop_assert_eq!(&f.eps, &(p0.dot(&ha) + q0.dot(&hb) + grad_c.dot(&hc)));

            // Balance (quadratic): its derivative is balance_rate.
            let (bal_re, bal_eps) = split_matrix(&balance(&da, &db));
            prop_assert_eq!(&bal_re, &balance(&a, &b));
            prop_assert_eq!(&bal_eps, &balance_rate(&a, &b, &ha, &hb));

            // S-equation in a symmetric direction (quadratic in S).
            let s = a.transpose().mul(&a);
            let hs = ha.transpose().mul(&ha);
            let (_, s_eps) = split_matrix(&s_equation(&dual, &perturbed_matrix(&s, &hs).unwrap()));
            let fs = |t: &BigRational| s_equation(&data, &s.add(&hs.scale(t)));
            prop_assert_eq!(&s_eps, &five_point(fs, stencil_mat));
        }
    }
}

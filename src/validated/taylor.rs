//! Taylor integration of the SG flow: truncated power series and dual numbers
//! over a coefficient type (`f64` for the search, [`Interval`] for proofs),
//! the field written once through [`ModelData::student_field`], and one-step
//! enclosures of the flow and of its derivative (the variational equations).
//!
//! A validated step over `[0, h]` from a box `Y` is the classical interval
//! Taylor method:
//! 1. an a priori enclosure `Z ⊇ {y(t) : t ∈ [0, h]}`, proved by the Picard
//!    test `Y + [0, h]·F(Z) ⊆ Z`;
//! 2. `y(h) ∈ Σ_{k ≤ p} y_k(Y) hᵏ + y_{p+1}(Z) h^{p+1}` (Taylor's theorem with
//!    the Lagrange remainder, `y_k` the normalized Taylor coefficients
//!    computed by series arithmetic).
//!
//! The boxes are axis-aligned (no QR / Lohner reorientation): the wrapping
//! effect grows a box by about `exp(‖|J|‖ τ)` over a time `τ`, which the
//! multiple-shooting formulation of [`super::orbit`] keeps small by using
//! short segments.

use std::fmt::Debug;
use std::ops::{Add, Mul, Neg, Sub};

use num_rational::BigRational;

use super::interval::Interval;
use crate::model::formula::{Mat, ModelData, Scalar};

/// A coefficient type: `f64` (approximate) or [`Interval`] (rigorous).
pub trait Number: Scalar + Copy + Debug {
    /// Division by a positive integer.
    fn div_int(self, k: usize) -> Self;
    /// Lifts a float (exactly).
    fn from_f64(x: f64) -> Self;
}

impl Number for f64 {
    fn div_int(self, k: usize) -> Self {
        self / k as f64
    }
    fn from_f64(x: f64) -> Self {
        x
    }
}

impl Number for Interval {
    fn div_int(self, k: usize) -> Self {
        self.divide(Interval::point(k as f64))
    }
    fn from_f64(x: f64) -> Self {
        Interval::point(x)
    }
}

/// A ring that contains the coefficients `C` as constants.
pub trait Ring<C>: Scalar {
    /// The constant `c`.
    fn lift(c: C) -> Self;
}

impl<C: Number> Ring<C> for C {
    fn lift(c: C) -> Self {
        c
    }
}

/// A truncated power series `Σ cₖ tᵏ`; a constant has one coefficient, and
/// products are truncated at the longer operand's length.
#[derive(Clone, Debug)]
pub struct Series<C>(pub Vec<C>);

impl<C: Number> Series<C> {
    /// Coefficient `k` (zero beyond the stored ones).
    pub fn coef(&self, k: usize) -> C {
        self.0.get(k).copied().unwrap_or(C::from_int(0))
    }
}

impl<C: Number> Add for Series<C> {
    type Output = Self;
    fn add(self, o: Self) -> Self {
        let n = self.0.len().max(o.0.len());
        Series((0..n).map(|k| self.coef(k) + o.coef(k)).collect())
    }
}

impl<C: Number> Sub for Series<C> {
    type Output = Self;
    fn sub(self, o: Self) -> Self {
        let n = self.0.len().max(o.0.len());
        Series((0..n).map(|k| self.coef(k) - o.coef(k)).collect())
    }
}

impl<C: Number> Mul for Series<C> {
    type Output = Self;
    fn mul(self, o: Self) -> Self {
        let n = self.0.len().max(o.0.len());
        Series(
            (0..n)
                .map(|k| {
                    let lo = k.saturating_sub(o.0.len() - 1);
                    (lo..=k.min(self.0.len() - 1))
                        .fold(C::from_int(0), |acc, i| acc + self.0[i] * o.0[k - i])
                })
                .collect(),
        )
    }
}

impl<C: Number> Neg for Series<C> {
    type Output = Self;
    fn neg(self) -> Self {
        Series(self.0.into_iter().map(|c| -c).collect())
    }
}

impl<C: Number> Scalar for Series<C> {
    fn from_rational(q: &BigRational) -> Self {
        Series(vec![C::from_rational(q)])
    }
}

impl<C: Number> Ring<C> for Series<C> {
    fn lift(c: C) -> Self {
        Series(vec![c])
    }
}

/// A value with its derivatives along several directions (forward mode); a
/// constant has no derivative entries.
#[derive(Clone, Debug)]
pub struct Dual<S> {
    /// The value.
    pub v: S,
    /// The derivatives.
    pub d: Vec<S>,
}

fn zip_dual<S: Scalar>(a: &[S], b: &[S], f: impl Fn(S, S) -> S, neg_only_b: bool) -> Vec<S> {
    let n = a.len().max(b.len());
    (0..n)
        .map(|k| match (a.get(k), b.get(k)) {
            (Some(x), Some(y)) => f(x.clone(), y.clone()),
            (Some(x), None) => x.clone(),
            (None, Some(y)) => {
                if neg_only_b {
                    -y.clone()
                } else {
                    y.clone()
                }
            }
            (None, None) => unreachable!(),
        })
        .collect()
}

impl<S: Scalar> Add for Dual<S> {
    type Output = Self;
    fn add(self, o: Self) -> Self {
        let d = zip_dual(&self.d, &o.d, |x, y| x + y, false);
        Dual { v: self.v + o.v, d }
    }
}

impl<S: Scalar> Sub for Dual<S> {
    type Output = Self;
    fn sub(self, o: Self) -> Self {
        let d = zip_dual(&self.d, &o.d, |x, y| x - y, true);
        Dual { v: self.v - o.v, d }
    }
}

impl<S: Scalar> Mul for Dual<S> {
    type Output = Self;
    // The product rule adds.
    #[allow(clippy::suspicious_arithmetic_impl)]
    fn mul(self, o: Self) -> Self {
        let n = self.d.len().max(o.d.len());
        let d = (0..n)
            .map(|k| match (self.d.get(k), o.d.get(k)) {
                (Some(x), Some(y)) => x.clone() * o.v.clone() + self.v.clone() * y.clone(),
                (Some(x), None) => x.clone() * o.v.clone(),
                (None, Some(y)) => self.v.clone() * y.clone(),
                (None, None) => unreachable!(),
            })
            .collect();
        Dual { v: self.v * o.v, d }
    }
}

impl<S: Scalar> Neg for Dual<S> {
    type Output = Self;
    fn neg(self) -> Self {
        Dual {
            v: -self.v,
            d: self.d.into_iter().map(|x| -x).collect(),
        }
    }
}

impl<S: Scalar> Scalar for Dual<S> {
    fn from_rational(q: &BigRational) -> Self {
        Dual {
            v: S::from_rational(q),
            d: Vec::new(),
        }
    }
}

impl<C: Number, S: Ring<C>> Ring<C> for Dual<S> {
    fn lift(c: C) -> Self {
        Dual {
            v: S::lift(c),
            d: Vec::new(),
        }
    }
}

/// The SG field `(Ȧ, Ḃ) = −(P, Q)(A, B, A)` of SPEC §2 on `n × m` encoders,
/// with the data's numbers in the coefficient type `C`. The state stacks
/// the entries of `A` (n×m) then of `B` (n×n), row by row.
#[derive(Clone, Debug)]
pub struct SgField<C> {
    /// Embedding dimension (rows of A).
    pub n: usize,
    /// Data dimension.
    pub m: usize,
    /// `Mxx`, `Myx`, `Myy`, λ.
    pub data: ModelData<C>,
}

impl<C: Number> SgField<C> {
    /// The field of an instance's data with `n` rows in `A` (`n` need not be
    /// the instance's: `n = r` gives the flow on a rank-r stratum).
    pub fn new(inst: &crate::model::Instance, n: usize) -> Self {
        Self {
            n,
            m: inst.m(),
            data: ModelData::from_instance(inst),
        }
    }

    /// State dimension `nm + n²`.
    pub fn dim(&self) -> usize {
        self.n * self.m + self.n * self.n
    }

    /// The field at `x`, in any ring over `C`.
    pub fn eval<T: Ring<C>>(&self, x: &[T]) -> Vec<T> {
        let (n, m) = (self.n, self.m);
        let lift =
            |mat: &Mat<C>| Mat::from_fn(mat.nrows(), mat.ncols(), |i, j| T::lift(*mat.get(i, j)));
        let data = ModelData {
            mxx: lift(&self.data.mxx),
            myx: lift(&self.data.myx),
            myy: Mat::zeros(0, 0),
            lambda: T::lift(self.data.lambda),
        };
        let a = Mat::from_fn(n, m, |i, j| x[i * m + j].clone());
        let b = Mat::from_fn(n, n, |i, j| x[n * m + i * n + j].clone());
        let (p, q) = data.student_field(&a, &b, &a);
        p.entries()
            .iter()
            .chain(q.entries())
            .map(|v| -v.clone())
            .collect()
    }

    /// The field on the variational system `(x, M)` ↦ `(f(x), Df(x) M)`,
    /// `M` d×d stored row by row after `x`.
    pub fn eval_variational<T: Ring<C>>(&self, y: &[T]) -> Vec<T> {
        let d = self.dim();
        let x: Vec<Dual<T>> = (0..d)
            .map(|i| Dual {
                v: y[i].clone(),
                d: (0..d).map(|j| y[d + i * d + j].clone()).collect(),
            })
            .collect();
        let f = self.eval(&x);
        let mut out: Vec<T> = f.iter().map(|fi| fi.v.clone()).collect();
        for fi in &f {
            for j in 0..d {
                out.push(fi.d.get(j).cloned().unwrap_or_else(|| T::from_int(0)));
            }
        }
        out
    }
}

/// Which system is integrated: the flow alone, or with its derivative.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum System {
    /// `ẋ = f(x)`.
    Flow,
    /// `ẋ = f(x)`, `Ṁ = Df(x) M`.
    Variational,
}

impl<C: Number> SgField<C> {
    fn eval_system<T: Ring<C>>(&self, sys: System, y: &[T]) -> Vec<T> {
        match sys {
            System::Flow => self.eval(y),
            System::Variational => self.eval_variational(y),
        }
    }

    /// Normalized Taylor coefficients `y_0 = y0, …, y_order` of the solution
    /// through `y0` (`y_k = y⁽ᵏ⁾(0)/k!`).
    pub fn taylor_coefficients(&self, sys: System, y0: &[C], order: usize) -> Vec<Vec<C>> {
        let mut coeffs = vec![y0.to_vec()];
        for k in 0..order {
            let series: Vec<Series<C>> = (0..y0.len())
                .map(|i| Series(coeffs.iter().map(|c| c[i]).collect()))
                .collect();
            let f = self.eval_system(sys, &series);
            coeffs.push(f.iter().map(|s| s.coef(k).div_int(k + 1)).collect());
        }
        coeffs
    }
}

fn horner<C: Number>(coeffs: &[Vec<C>], h: C) -> Vec<C> {
    let mut sum = coeffs[coeffs.len() - 1].clone();
    for c in coeffs[..coeffs.len() - 1].iter().rev() {
        sum = sum.iter().zip(c).map(|(s, ck)| *s * h + *ck).collect();
    }
    sum
}

/// One approximate Taylor step of order `order` (floating point).
pub fn float_step(field: &SgField<f64>, sys: System, y0: &[f64], h: f64, order: usize) -> Vec<f64> {
    horner(&field.taylor_coefficients(sys, y0, order), h)
}

/// Why a validated step failed.
#[derive(Clone, Debug, PartialEq)]
pub struct StepFailure(pub String);

/// A validated Taylor step over `[0, h]` (`h ≥ 0` an interval) from the box
/// `y0`: an enclosure of `y(h)` for every solution with `y(0) ∈ y0`.
pub fn interval_step(
    field: &SgField<Interval>,
    sys: System,
    y0: &[Interval],
    h: Interval,
    order: usize,
) -> Result<Vec<Interval>, StepFailure> {
    // High-order a priori enclosure (Nedialkov–Jackson–Corliss): if
    // Σ_{k<q} [0,h]ᵏ y_k(y0) + [0,h]^q y_q(Z) ⊆ Z, the solution exists on
    // [0, h] and stays in Z.
    const Q: usize = 4;
    let span = Interval::new(0.0, h.hi);
    let head = field.taylor_coefficients(sys, y0, Q - 1);
    let mut powers = vec![Interval::point(1.0)];
    for k in 1..=Q {
        powers.push(powers[k - 1] * span);
    }
    let enclose = |z: &[Interval]| -> Vec<Interval> {
        let tail = field
            .taylor_coefficients(sys, z, Q)
            .pop()
            .unwrap_or_default();
        (0..y0.len())
            .map(|i| (0..Q).fold(powers[Q] * tail[i], |acc, k| acc + powers[k] * head[k][i]))
            .collect()
    };
    let mut z: Vec<Interval> = (0..y0.len())
        .map(|i| (1..Q).fold(head[0][i], |acc, k| acc + powers[k] * head[k][i]))
        .collect();
    // Widen every component by half its width plus a twentieth of the
    // widest one (room for the variation of the field over the others).
    let inflate = |v: &[Interval]| -> Vec<Interval> {
        let widest = v.iter().map(Interval::width).fold(0.0, f64::max);
        v.iter()
            .map(|x| {
                let r = 0.5 * x.width() + 0.05 * widest + 1e-10 * x.mag() + 1e-300;
                Interval::new(x.lo - r, x.hi + r)
            })
            .collect()
    };
    z = inflate(&z);
    let mut proved = None;
    for _ in 0..30 {
        let next = enclose(&z);
        if next.iter().zip(&z).all(|(a, b)| a.subset_of(b)) {
            proved = Some(next);
            break;
        }
        let hull: Vec<Interval> = next.iter().zip(&z).map(|(a, b)| a.hull(b)).collect();
        if hull.iter().any(|v| v.width().is_nan() || v.width() >= 1e3) {
            break;
        }
        z = inflate(&hull);
    }
    let z = proved.ok_or_else(|| {
        StepFailure(format!(
            "no a priori enclosure over a step of length {:.3e}",
            h.hi
        ))
    })?;
    let mut coeffs = field.taylor_coefficients(sys, y0, order);
    let remainder = field
        .taylor_coefficients(sys, &z, order + 1)
        .pop()
        .unwrap_or_default();
    coeffs.push(remainder);
    let out = horner(&coeffs, h);
    if out.iter().all(Interval::is_finite) {
        Ok(out)
    } else {
        Err(StepFailure("the enclosure is unbounded".into()))
    }
}

/// The flow over time `tau` (an interval) in `steps` validated steps of
/// order `order`.
pub fn interval_flow(
    field: &SgField<Interval>,
    sys: System,
    y0: &[Interval],
    tau: Interval,
    steps: usize,
    order: usize,
) -> Result<Vec<Interval>, StepFailure> {
    let h = tau.div_int(steps);
    let mut y = y0.to_vec();
    for _ in 0..steps {
        y = interval_step(field, sys, &y, h, order)?;
    }
    Ok(y)
}

/// The flow over time `tau` in `steps` floating-point Taylor steps.
pub fn float_flow(
    field: &SgField<f64>,
    sys: System,
    y0: &[f64],
    tau: f64,
    steps: usize,
    order: usize,
) -> Vec<f64> {
    let h = tau / steps as f64;
    let mut y = y0.to_vec();
    for _ in 0..steps {
        y = float_step(field, sys, &y, h, order);
    }
    y
}

/// The variational initial value `(x, I)`.
pub fn with_identity<C: Number>(x: &[C]) -> Vec<C> {
    let d = x.len();
    let mut y = x.to_vec();
    for i in 0..d {
        for j in 0..d {
            y.push(C::from_int(i64::from(i == j)));
        }
    }
    y
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Procedure;
    use crate::model::builtin;
    use crate::numeric::{Model, OdeOptions, State, integrate};
    use nalgebra::DMatrix;

    fn square() -> crate::model::Instance {
        builtin("square").expect("built-in")
    }

    #[test]
    fn the_field_is_the_numeric_layers_sg_field() {
        let inst = square();
        let model = Model::from_instance(&inst).with_embedding_dimension(1);
        let field = SgField::<f64>::new(&inst, 1);
        let ifield = SgField::<Interval>::new(&inst, 1);
        for x in [[0.3, -0.2, 0.5], [-0.7, 0.1, 0.9], [1.2, 0.4, -0.3]] {
            let s = State::new(
                Procedure::StopGradient,
                DMatrix::from_row_slice(1, 2, &x[..2]),
                DMatrix::from_row_slice(1, 1, &x[2..]),
            );
            let v = model.velocity(Procedure::StopGradient, 1.0, &s).to_vector();
            let f = field.eval(&x);
            let xi: Vec<Interval> = x.iter().map(|&v| Interval::point(v)).collect();
            let fi = ifield.eval(&xi);
            for k in 0..3 {
                assert!((v[k] - f[k]).abs() < 1e-14, "{x:?}: {v} vs {f:?}");
                assert!(fi[k].lo <= v[k] + 1e-15 && v[k] - 1e-15 <= fi[k].hi);
                assert!(fi[k].width() < 1e-14);
            }
        }
    }

    #[test]
    fn dual_numbers_give_the_jacobian() {
        let inst = square();
        let field = SgField::<f64>::new(&inst, 1);
        let x = [0.4, -0.3, 0.6];
        let y = field.eval_variational(&with_identity(&x));
        let eps = 1e-6;
        for j in 0..3 {
            let mut p = x;
            let mut q = x;
            p[j] += eps;
            q[j] -= eps;
            let (fp, fq) = (field.eval(&p), field.eval(&q));
            for i in 0..3 {
                let fd = (fp[i] - fq[i]) / (2.0 * eps);
                assert!((y[3 + i * 3 + j] - fd).abs() < 1e-8, "∂f{i}/∂x{j}");
            }
        }
    }

    #[test]
    fn the_enclosure_contains_the_exact_solution_of_the_linear_subsystem() {
        // With a = 0 the flow is linear: b(t) = b₀ e^{−λt}, a(t) = 0, and
        // ∂b(t)/∂b₀ = e^{−λt}.
        let inst = square();
        let field = SgField::<Interval>::new(&inst, 1);
        let lambda = field.data.lambda;
        let b0 = 0.75;
        let x = [
            Interval::point(0.0),
            Interval::point(0.0),
            Interval::point(b0),
        ];
        let t = Interval::point(3.0);
        let y = interval_flow(&field, System::Variational, &with_identity(&x), t, 40, 10)
            .expect("validated flow");
        let exact = (-(lambda * t)).exp();
        let b = y[2];
        let want = Interval::point(b0) * exact;
        assert!(b.intersect(&want).is_some(), "{b:?} vs {want:?}");
        assert!(b.width() < 1e-12, "{b:?}");
        assert!(y[0].contains(0.0) && y[1].contains(0.0));
        assert!(
            y[3 + 8].intersect(&exact).is_some(),
            "{:?} vs {exact:?}",
            y[3 + 8]
        );
        // A wrong rate is excluded: e^{−1.01 λ t} is outside.
        let wrong = Interval::point(b0) * (-(Interval::point(1.01) * lambda * t)).exp();
        assert!(b.disjoint(&wrong));
    }

    #[test]
    fn the_enclosure_contains_the_adaptive_integrators_state() {
        let inst = square();
        let model = Model::from_instance(&inst).with_embedding_dimension(1);
        let x0 = [0.4, -0.3, 0.6];
        let start = State::new(
            Procedure::StopGradient,
            DMatrix::from_row_slice(1, 2, &x0[..2]),
            DMatrix::from_row_slice(1, 1, &x0[2..]),
        );
        let opts = OdeOptions {
            rtol: 1e-12,
            atol: 1e-14,
            t_max: 2.0,
            field_tol: 0.0,
            ..OdeOptions::default()
        };
        let out = integrate(
            &model,
            Procedure::StopGradient,
            1.0,
            &start,
            &opts,
            |_, _| {},
        )
        .expect("integrates");
        let v = out.state.to_vector();
        let field = SgField::<Interval>::new(&inst, 1);
        let x: Vec<Interval> = x0.iter().map(|&v| Interval::point(v)).collect();
        let y = interval_flow(&field, System::Flow, &x, Interval::point(2.0), 30, 12)
            .expect("validated flow");
        // A box of width ≲ 1e-13 that the float solution (error ~1e-11) is
        // within 1e-9 of.
        for k in 0..3 {
            assert!(y[k].width() < 1e-12, "{:?}", y[k]);
            assert!(
                y[k].lo - 1e-9 <= v[k] && v[k] <= y[k].hi + 1e-9,
                "{k}: {} vs {:?}",
                v[k],
                y[k]
            );
        }
        // The float Taylor integrator lands inside the same tube.
        let f = float_flow(
            &SgField::<f64>::new(&inst, 1),
            System::Flow,
            &x0,
            2.0,
            30,
            12,
        );
        for k in 0..3 {
            assert!(y[k].lo - 1e-12 <= f[k] && f[k] <= y[k].hi + 1e-12);
        }
    }

    #[test]
    fn a_step_too_long_for_an_a_priori_enclosure_fails() {
        let inst = square();
        let field = SgField::<Interval>::new(&inst, 1);
        let x = [
            Interval::point(3.0),
            Interval::point(-2.0),
            Interval::point(4.0),
        ];
        assert!(interval_step(&field, System::Flow, &x, Interval::point(5.0), 8).is_err());
    }
}

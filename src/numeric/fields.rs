//! The fields of SPEC §1–2 in floating point, their closed-form Jacobians, and
//! the discrete maps.
//!
//! State vectors stack `vec(A)`, `vec(B)` and, for EMA, `vec(C)`, each matrix
//! vectorized column-major (nalgebra's storage order).

use nalgebra::{DMatrix, DVector};

use crate::error::{Error, Result};
use crate::model::{Instance, Procedure};

/// A point `(A, B)` or `(A, B, C)` of parameter space.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    /// Student encoder `A` (n×m).
    pub a: DMatrix<f64>,
    /// Predictor `B` (n×n).
    pub b: DMatrix<f64>,
    /// Teacher `C` (n×m), present for EMA only.
    pub c: Option<DMatrix<f64>>,
}

impl State {
    /// A state for `procedure`: for EMA without a teacher, `C = A`.
    pub fn new(procedure: Procedure, a: DMatrix<f64>, b: DMatrix<f64>) -> Self {
        let c = procedure.has_teacher().then(|| a.clone());
        Self { a, b, c }
    }

    /// The teacher: `C` for EMA, `A` otherwise.
    pub fn teacher(&self) -> &DMatrix<f64> {
        self.c.as_ref().unwrap_or(&self.a)
    }

    /// Stacks the state into a vector.
    pub fn to_vector(&self) -> DVector<f64> {
        let mut v: Vec<f64> = self.a.as_slice().to_vec();
        v.extend_from_slice(self.b.as_slice());
        if let Some(c) = &self.c {
            v.extend_from_slice(c.as_slice());
        }
        DVector::from_vec(v)
    }

    /// Unstacks a vector built by [`State::to_vector`].
    pub fn from_vector(n: usize, m: usize, with_teacher: bool, v: &DVector<f64>) -> Self {
        let s = v.as_slice();
        let nm = n * m;
        let a = DMatrix::from_column_slice(n, m, &s[..nm]);
        let b = DMatrix::from_column_slice(n, n, &s[nm..nm + n * n]);
        let c =
            with_teacher.then(|| DMatrix::from_column_slice(n, m, &s[nm + n * n..2 * nm + n * n]));
        Self { a, b, c }
    }

    /// Whether every entry is finite.
    pub fn is_finite(&self) -> bool {
        self.a
            .iter()
            .chain(self.b.iter())
            .chain(self.c.iter().flatten())
            .all(|x| x.is_finite())
    }
}

/// The model in floating point: the moments as `f64` matrices and λ.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    /// Embedding dimension.
    pub n: usize,
    /// Data dimension.
    pub m: usize,
    /// `Mxx`.
    pub mxx: DMatrix<f64>,
    /// `Myx`.
    pub myx: DMatrix<f64>,
    /// `Mxy = Myxᵀ`.
    pub mxy: DMatrix<f64>,
    /// `Myy`.
    pub myy: DMatrix<f64>,
    /// Weight decay λ.
    pub lambda: f64,
}

impl Model {
    /// The `f64` view of a validated instance.
    pub fn from_instance(inst: &Instance) -> Self {
        let (mxx, myx, myy) = inst.moments_f64();
        Self {
            n: inst.n(),
            m: inst.m(),
            mxy: myx.transpose(),
            mxx,
            myx,
            myy,
            lambda: inst.lambda_f64(),
        }
    }

    /// The same moments with another embedding dimension (used to study the
    /// rank-r strata, which reduce to the model with `n = r`).
    pub fn with_embedding_dimension(&self, n: usize) -> Self {
        Self { n, ..self.clone() }
    }

    /// Checks that `state` has the shapes of this model.
    pub fn check_state(&self, state: &State) -> Result<()> {
        let shape = |what: &str, x: &DMatrix<f64>, r: usize, c: usize| {
            if x.shape() == (r, c) {
                Ok(())
            } else {
                Err(Error::Shape {
                    what: what.to_owned(),
                    got: format!("{}×{}", x.nrows(), x.ncols()),
                    expected: format!("{r}×{c}"),
                })
            }
        };
        shape("A", &state.a, self.n, self.m)?;
        shape("B", &state.b, self.n, self.n)?;
        if let Some(c) = &state.c {
            shape("C", c, self.n, self.m)?;
        }
        Ok(())
    }

    /// Residual `R(A,B,C) = B A Mxx − C Myx` (n×m).
    pub fn residual(&self, a: &DMatrix<f64>, b: &DMatrix<f64>, c: &DMatrix<f64>) -> DMatrix<f64> {
        b * a * &self.mxx - c * &self.myx
    }

    /// Student field `P = ∇_A F = Bᵀ R + λA` and `Q = ∇_B F = R Aᵀ + λB`.
    pub fn pq(
        &self,
        a: &DMatrix<f64>,
        b: &DMatrix<f64>,
        c: &DMatrix<f64>,
    ) -> (DMatrix<f64>, DMatrix<f64>) {
        let r = self.residual(a, b, c);
        let p = b.transpose() * &r + a * self.lambda;
        let q = &r * a.transpose() + b * self.lambda;
        (p, q)
    }

    /// `∇Ē(A, B) = (P(A,B,A) − (B A Mxy − A Myy), Q(A,B,A))`.
    pub fn grad_ebar(&self, a: &DMatrix<f64>, b: &DMatrix<f64>) -> (DMatrix<f64>, DMatrix<f64>) {
        let (p, q) = self.pq(a, b, a);
        (p - (b * a * &self.mxy - a * &self.myy), q)
    }

    /// Teacher objective `F(A,B,C) = ½E‖BAx − Cy‖² + (λ/2)(‖A‖² + ‖B‖²)`.
    pub fn objective_f(&self, a: &DMatrix<f64>, b: &DMatrix<f64>, c: &DMatrix<f64>) -> f64 {
        let ba = b * a;
        let e = (&ba * &self.mxx * ba.transpose()).trace()
            - 2.0 * (&ba * &self.mxy * c.transpose()).trace()
            + (c * &self.myy * c.transpose()).trace();
        0.5 * e + 0.5 * self.lambda * (a.norm_squared() + b.norm_squared())
    }

    /// Original objective `Ē(A,B) = F(A,B,A)`.
    pub fn objective_ebar(&self, a: &DMatrix<f64>, b: &DMatrix<f64>) -> f64 {
        self.objective_f(a, b, a)
    }

    /// `E‖BAx − Ay‖²`, the prediction error of the Euler identity of GD-COLLAPSE.
    pub fn prediction_error(&self, a: &DMatrix<f64>, b: &DMatrix<f64>) -> f64 {
        2.0 * (self.objective_ebar(a, b)
            - 0.5 * self.lambda * (a.norm_squared() + b.norm_squared()))
    }

    /// Scale of the rounding error of `d/dt(AAᵀ − BᵀB)` computed from the
    /// velocity at `s`: floating-point error is relative to the size of the
    /// summands, here `‖A‖·(‖BᵀBAMxx‖ + ‖BᵀCMyx‖ + λ‖A‖)` for the A-block and
    /// `‖B‖·(‖BAMxxAᵀ‖ + ‖CMyxAᵀ‖ + λ‖B‖)` for the B-block (times 2), not to the
    /// size of the result, which can cancel.
    pub fn balance_rate_scale(&self, s: &State) -> f64 {
        let (a, b, c) = (&s.a, &s.b, s.teacher());
        let ta = (b.transpose() * b * a * &self.mxx).norm()
            + (b.transpose() * c * &self.myx).norm()
            + self.lambda * a.norm();
        let tb = (b * a * &self.mxx * a.transpose()).norm()
            + (c * &self.myx * a.transpose()).norm()
            + self.lambda * b.norm();
        2.0 * (a.norm() * ta + b.norm() * tb)
    }

    /// `d/dt (AAᵀ − BᵀB) = ȦAᵀ + AȦᵀ − ḂᵀB − BᵀḂ` at `s` moving with velocity `v`.
    pub fn balance_rate(s: &State, v: &State) -> DMatrix<f64> {
        &v.a * s.a.transpose() + &s.a * v.a.transpose()
            - v.b.transpose() * &s.b
            - s.b.transpose() * &v.b
    }

    /// The balance matrix `AAᵀ − BᵀB` (SPEC BALANCE).
    pub fn balance(a: &DMatrix<f64>, b: &DMatrix<f64>) -> DMatrix<f64> {
        a * a.transpose() - b.transpose() * b
    }

    /// The continuous-time velocity `(Ȧ, Ḃ, Ċ)` of `procedure` (κ for EMA).
    pub fn velocity(&self, procedure: Procedure, kappa: f64, s: &State) -> State {
        match procedure {
            Procedure::GradientDescent => {
                let (ga, gb) = self.grad_ebar(&s.a, &s.b);
                State {
                    a: -ga,
                    b: -gb,
                    c: None,
                }
            }
            Procedure::StopGradient => {
                let (p, q) = self.pq(&s.a, &s.b, &s.a);
                State {
                    a: -p,
                    b: -q,
                    c: None,
                }
            }
            Procedure::Ema => {
                let c = s.teacher();
                let (p, q) = self.pq(&s.a, &s.b, c);
                State {
                    a: -p,
                    b: -q,
                    c: Some((&s.a - c) * kappa),
                }
            }
        }
    }

    /// Directional derivative of the velocity at `s` along `d` (closed form).
    pub fn velocity_derivative(
        &self,
        procedure: Procedure,
        kappa: f64,
        s: &State,
        d: &State,
    ) -> State {
        let (a, b) = (&s.a, &s.b);
        let (da, db) = (&d.a, &d.b);
        let c = s.teacher();
        let dc = d.teacher();
        let r = self.residual(a, b, c);
        let dr = db * a * &self.mxx + b * da * &self.mxx - dc * &self.myx;
        let dp = db.transpose() * &r + b.transpose() * &dr + da * self.lambda;
        let dq = &dr * a.transpose() + &r * da.transpose() + db * self.lambda;
        match procedure {
            Procedure::GradientDescent => {
                let extra = db * a * &self.mxy + b * da * &self.mxy - da * &self.myy;
                State {
                    a: -(dp - extra),
                    b: -dq,
                    c: None,
                }
            }
            Procedure::StopGradient => State {
                a: -dp,
                b: -dq,
                c: None,
            },
            Procedure::Ema => State {
                a: -dp,
                b: -dq,
                c: Some((da - dc) * kappa),
            },
        }
    }

    /// Jacobian of the continuous-time velocity at `s` (closed form, column by
    /// column from [`Model::velocity_derivative`]).
    pub fn jacobian(&self, procedure: Procedure, kappa: f64, s: &State) -> DMatrix<f64> {
        let dim = procedure.state_dimension(self.n, self.m);
        let teacher = procedure.has_teacher();
        let mut j = DMatrix::zeros(dim, dim);
        let mut e = DVector::zeros(dim);
        for k in 0..dim {
            e[k] = 1.0;
            let d = State::from_vector(self.n, self.m, teacher, &e);
            let col = self
                .velocity_derivative(procedure, kappa, s, &d)
                .to_vector();
            j.set_column(k, &col);
            e[k] = 0.0;
        }
        j
    }

    /// One step of the discrete map: `θ⁺ = θ + η v(θ)` for GD and SG; for EMA
    /// `A⁺ = A − ηP(A,B,C)`, `B⁺ = B − ηQ(A,B,C)`, `C⁺ = αC + (1−α)A⁺`.
    pub fn discrete_step(&self, map: &DiscreteMap, s: &State) -> State {
        let v = self.velocity(map.procedure, 0.0, s);
        let a = &s.a + v.a * map.eta;
        let b = &s.b + v.b * map.eta;
        let c = s.c.as_ref().map(|c| c * map.alpha + &a * (1.0 - map.alpha));
        State { a, b, c }
    }

    /// Jacobian of the discrete map at `s`.
    pub fn discrete_jacobian(&self, map: &DiscreteMap, s: &State) -> DMatrix<f64> {
        let jv = self.jacobian(map.procedure, 0.0, s);
        let dim = jv.nrows();
        let mut j = DMatrix::identity(dim, dim) + jv * map.eta;
        if map.procedure.has_teacher() {
            let nm = self.n * self.m;
            let c0 = nm + self.n * self.n;
            // Rows of C⁺ = α C + (1 − α) A⁺.
            let rows_a = j.rows(0, nm).clone_owned();
            let mut rows_c = rows_a * (1.0 - map.alpha);
            for i in 0..nm {
                rows_c[(i, c0 + i)] += map.alpha;
            }
            j.rows_mut(c0, nm).copy_from(&rows_c);
        }
        j
    }
}

/// A discrete-time algorithm: step size η and, for EMA, the averaging α.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct DiscreteMap {
    /// The procedure.
    pub procedure: Procedure,
    /// Step size η > 0.
    pub eta: f64,
    /// EMA coefficient α ∈ [0, 1) (ignored for GD and SG; α = 0 is SG).
    pub alpha: f64,
}

impl DiscreteMap {
    /// Validates η > 0 and α ∈ [0, 1).
    pub fn new(procedure: Procedure, eta: f64, alpha: f64) -> Result<Self> {
        if !(eta.is_finite() && eta > 0.0) {
            return Err(Error::param("eta", eta, "a finite step size η > 0"));
        }
        if !(alpha.is_finite() && (0.0..1.0).contains(&alpha)) {
            return Err(Error::param("alpha", alpha, "an EMA coefficient 0 ≤ α < 1"));
        }
        Ok(Self {
            procedure,
            eta,
            alpha,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::builtin;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn random_state(model: &Model, procedure: Procedure, seed: u64) -> State {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        super::super::random::random_state(model.n, model.m, procedure, 1.0, &mut rng)
    }

    /// The generic formulas (which the symbolic and exact layers use) and
    /// these nalgebra ones agree in floating point.
    #[test]
    fn generic_formulas_agree_with_the_nalgebra_fields() {
        use crate::model::formula::{Mat, ModelData};
        for name in crate::model::BUILTIN_NAMES {
            let inst = builtin(name).unwrap();
            let model = Model::from_instance(&inst);
            let data: ModelData<f64> = ModelData::from_instance(&inst);
            let s = random_state(&model, Procedure::Ema, 5);
            let conv = |m: &DMatrix<f64>| Mat::from_fn(m.nrows(), m.ncols(), |i, j| m[(i, j)]);
            let back = |m: &Mat<f64>| DMatrix::from_fn(m.nrows(), m.ncols(), |i, j| *m.get(i, j));
            let (a, b, c) = (conv(&s.a), conv(&s.b), conv(s.teacher()));
            let (p, q) = model.pq(&s.a, &s.b, s.teacher());
            let (gp, gq) = data.student_field(&a, &b, &c);
            let (ga, gb) = model.grad_ebar(&s.a, &s.b);
            let (hga, hgb) = data.grad_ebar(&a, &b);
            for (x, y) in [(p, gp), (q, gq), (ga, hga), (gb, hgb)] {
                assert!((&x - back(&y)).norm() <= 1e-12 * (1.0 + x.norm()), "{name}");
            }
            let f = model.objective_f(&s.a, &s.b, s.teacher());
            assert!((f - data.objective_f(&a, &b, &c)).abs() <= 1e-12 * (1.0 + f.abs()));
        }
    }

    /// Central finite differences of the velocity, step h.
    fn fd_jacobian(
        model: &Model,
        procedure: Procedure,
        kappa: f64,
        s: &State,
        h: f64,
    ) -> DMatrix<f64> {
        let x = s.to_vector();
        let t = procedure.has_teacher();
        let dim = x.len();
        let mut j = DMatrix::zeros(dim, dim);
        for k in 0..dim {
            let mut xp = x.clone();
            let mut xm = x.clone();
            xp[k] += h;
            xm[k] -= h;
            let vp = model
                .velocity(
                    procedure,
                    kappa,
                    &State::from_vector(model.n, model.m, t, &xp),
                )
                .to_vector();
            let vm = model
                .velocity(
                    procedure,
                    kappa,
                    &State::from_vector(model.n, model.m, t, &xm),
                )
                .to_vector();
            j.set_column(k, &((vp - vm) / (2.0 * h)));
        }
        j
    }

    #[test]
    fn closed_form_jacobians_match_finite_differences() {
        for name in ["default", "scalar", "wide"] {
            let model = Model::from_instance(&builtin(name).unwrap());
            for (seed, procedure) in [
                Procedure::GradientDescent,
                Procedure::StopGradient,
                Procedure::Ema,
            ]
            .into_iter()
            .enumerate()
            {
                let s = random_state(&model, procedure, seed as u64);
                let j = model.jacobian(procedure, 0.7, &s);
                let fd = fd_jacobian(&model, procedure, 0.7, &s, 1e-5);
                // The velocity is a cubic polynomial: central differences err by
                // O(h²·|third derivative|) ≈ 1e-10 here, far below 1e-6.
                let err = (&j - &fd).amax() / j.amax().max(1.0);
                assert!(err < 1e-6, "{name} {procedure:?}: relative error {err}");
            }
        }
    }

    #[test]
    fn discrete_jacobian_matches_finite_differences() {
        let model = Model::from_instance(&builtin("default").unwrap());
        let map = DiscreteMap::new(Procedure::Ema, 0.1, 0.6).unwrap();
        let s = random_state(&model, Procedure::Ema, 3);
        let j = model.discrete_jacobian(&map, &s);
        let x = s.to_vector();
        let h = 1e-5;
        for k in 0..x.len() {
            let mut xp = x.clone();
            let mut xm = x.clone();
            xp[k] += h;
            xm[k] -= h;
            let fp = model
                .discrete_step(&map, &State::from_vector(3, 2, true, &xp))
                .to_vector();
            let fm = model
                .discrete_step(&map, &State::from_vector(3, 2, true, &xm))
                .to_vector();
            let col = (fp - fm) / (2.0 * h);
            assert!((col - j.column(k)).amax() < 1e-6);
        }
    }

    #[test]
    fn gd_velocity_is_minus_the_gradient_of_ebar() {
        let model = Model::from_instance(&builtin("square").unwrap());
        let s = random_state(&model, Procedure::GradientDescent, 11);
        let v = model
            .velocity(Procedure::GradientDescent, 0.0, &s)
            .to_vector();
        let x = s.to_vector();
        let h = 1e-6;
        for k in 0..x.len() {
            let mut xp = x.clone();
            let mut xm = x.clone();
            xp[k] += h;
            xm[k] -= h;
            let sp = State::from_vector(2, 2, false, &xp);
            let sm = State::from_vector(2, 2, false, &xm);
            let g = (model.objective_ebar(&sp.a, &sp.b) - model.objective_ebar(&sm.a, &sm.b))
                / (2.0 * h);
            assert!(
                (g + v[k]).abs() < 1e-6 * (1.0 + g.abs()),
                "component {k}: {g} vs {}",
                -v[k]
            );
        }
    }
}

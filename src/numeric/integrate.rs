//! Trajectories: adaptive Dormand–Prince 5(4) and fixed-step RK4 for the
//! continuous-time flows, plain iteration for the discrete maps.

use nalgebra::DVector;
use serde::Serialize;

use super::fields::{DiscreteMap, Model, State};

use crate::error::{Error, Result};
use crate::model::Procedure;

/// Options of continuous-time integration.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct OdeOptions {
    /// Relative local error tolerance of the adaptive integrator.
    pub rtol: f64,
    /// Absolute local error tolerance of the adaptive integrator.
    pub atol: f64,
    /// Final time.
    pub t_max: f64,
    /// Most accepted plus rejected steps.
    pub max_steps: usize,
    /// Stop as soon as the field norm `‖v(θ)‖` is below this (0 disables).
    pub field_tol: f64,
    /// Fixed step for RK4; `None` selects the adaptive method.
    pub fixed_step: Option<f64>,
}

impl Default for OdeOptions {
    fn default() -> Self {
        Self {
            rtol: 1e-9,
            atol: 1e-12,
            t_max: 2.0e4,
            max_steps: 400_000,
            // The adaptive method keeps the state within about rtol·|x| of the
            // exact flow, so near an attractor the field norm dithers at about
            // 1e-9·‖J‖; stopping at 1e-8 is reachable, and the analysis then
            // polishes the point by Gauss–Newton to ~1e-13 before using it.
            field_tol: 1e-8,
            fixed_step: None,
        }
    }
}

/// How a trajectory ended.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The final state.
    pub state: State,
    /// Final time (continuous) or number of iterations (discrete).
    pub t: f64,
    /// Steps taken.
    pub steps: usize,
    /// Whether the field norm fell below the tolerance.
    pub converged: bool,
    /// Final field norm `‖v(θ)‖` (Frobenius over all blocks).
    pub field_norm: f64,
}

fn vel(
    model: &Model,
    procedure: Procedure,
    kappa: f64,
    n: usize,
    m: usize,
    x: &DVector<f64>,
) -> DVector<f64> {
    let s = State::from_vector(n, m, procedure.has_teacher(), x);
    model.velocity(procedure, kappa, &s).to_vector()
}

/// Integrates the continuous-time flow of `procedure` from `start`, calling
/// `observe(t, state)` at the start and after every accepted step.
pub fn integrate(
    model: &Model,
    procedure: Procedure,
    kappa: f64,
    start: &State,
    opts: &OdeOptions,
    mut observe: impl FnMut(f64, &State),
) -> Result<Outcome> {
    model.check_state(start)?;
    let (n, m) = (model.n, model.m);
    let teacher = procedure.has_teacher();
    let f = |x: &DVector<f64>| vel(model, procedure, kappa, n, m, x);
    let mut x = start.to_vector();
    let mut t = 0.0;
    let mut k1 = f(&x);
    observe(t, start);
    let mut h = opts.fixed_step.unwrap_or(1e-3);
    let mut steps = 0;
    let mut norm = k1.norm();
    while t < opts.t_max && steps < opts.max_steps {
        if opts.field_tol > 0.0 && norm < opts.field_tol {
            break;
        }
        steps += 1;
        let h_now = h.min(opts.t_max - t);
        if opts.fixed_step.is_some() {
            // RK4 with the fixed step h (set from `fixed_step` above).
            x = rk4_step(&f, &x, &k1, h_now);
            t += h_now;
        } else {
            // Dormand–Prince 5(4) with FSAL.
            let DopriTrial { y, k7, err } = dopri_trial(&f, &x, &k1, h_now, opts);
            if !err.is_finite() {
                h = h_now / 10.0;
                if h < 1e-14 {
                    return Err(Error::Computation(
                        "the trajectory diverged (non-finite state)".into(),
                    ));
                }
                continue;
            }
            let factor = if err == 0.0 {
                5.0
            } else {
                (0.9 * err.powf(-0.2)).clamp(0.2, 5.0)
            };
            if err > 1.0 {
                h = h_now * factor;
                continue;
            }
            x = y;
            k1 = k7;
            t += h_now;
            h = h_now * factor;
            norm = k1.norm();
            observe(t, &State::from_vector(n, m, teacher, &x));
            continue;
        }
        k1 = f(&x);
        norm = k1.norm();
        if !norm.is_finite() {
            return Err(Error::Computation(format!(
                "the trajectory diverged at t = {t:.3} (try a smaller fixed step)"
            )));
        }
        observe(t, &State::from_vector(n, m, teacher, &x));
    }
    Ok(Outcome {
        state: State::from_vector(n, m, teacher, &x),
        t,
        steps,
        converged: norm < opts.field_tol,
        field_norm: norm,
    })
}

/// One classical Runge–Kutta step of size `h` from `x`, where `k1 = f(x)`.
fn rk4_step(
    f: &impl Fn(&DVector<f64>) -> DVector<f64>,
    x: &DVector<f64>,
    k1: &DVector<f64>,
    h: f64,
) -> DVector<f64> {
    let k2 = f(&(x + k1 * (h / 2.0)));
    let k3 = f(&(x + &k2 * (h / 2.0)));
    let k4 = f(&(x + &k3 * h));
    x + (k1 + &k2 * 2.0 + &k3 * 2.0 + &k4) * (h / 6.0)
}

/// A trial step of Dormand–Prince 5(4).
struct DopriTrial {
    /// The fifth-order solution.
    y: DVector<f64>,
    /// `f(y)`, the first stage of the next step (FSAL).
    k7: DVector<f64>,
    /// The error estimate in the max norm scaled by `atol + rtol·|x|`
    /// (accept when ≤ 1; not finite when the step blew up).
    err: f64,
}

/// One Dormand–Prince 5(4) trial step of size `h` from `x`, where
/// `k1 = f(x)`, with its scaled error estimate.
fn dopri_trial(
    f: &impl Fn(&DVector<f64>) -> DVector<f64>,
    x: &DVector<f64>,
    k1: &DVector<f64>,
    h: f64,
    opts: &OdeOptions,
) -> DopriTrial {
    let k2 = f(&(x + k1 * (h / 5.0)));
    let k3 = f(&(x + (k1 * (3.0 / 40.0) + &k2 * (9.0 / 40.0)) * h));
    let k4 = f(&(x + (k1 * (44.0 / 45.0) - &k2 * (56.0 / 15.0) + &k3 * (32.0 / 9.0)) * h));
    let k5 = f(&(x
        + (k1 * (19372.0 / 6561.0) - &k2 * (25360.0 / 2187.0) + &k3 * (64448.0 / 6561.0)
            - &k4 * (212.0 / 729.0))
            * h));
    let k6 = f(&(x
        + (k1 * (9017.0 / 3168.0) - &k2 * (355.0 / 33.0)
            + &k3 * (46732.0 / 5247.0)
            + &k4 * (49.0 / 176.0)
            - &k5 * (5103.0 / 18656.0))
            * h));
    let y = x
        + (k1 * (35.0 / 384.0) + &k3 * (500.0 / 1113.0) + &k4 * (125.0 / 192.0)
            - &k5 * (2187.0 / 6784.0)
            + &k6 * (11.0 / 84.0))
            * h;
    let k7 = f(&y);
    let err_vec = (k1 * (71.0 / 57600.0) - &k3 * (71.0 / 16695.0) + &k4 * (71.0 / 1920.0)
        - &k5 * (17253.0 / 339200.0)
        + &k6 * (22.0 / 525.0)
        - &k7 * (1.0 / 40.0))
        * h;
    let mut err: f64 = 0.0;
    for i in 0..x.len() {
        let sc = opts.atol + opts.rtol * x[i].abs().max(y[i].abs());
        err = err.max((err_vec[i] / sc).abs());
    }
    DopriTrial { y, k7, err }
}

/// Iterates a discrete map from `start` for at most `max_steps` steps, stopping
/// when `‖θ⁺ − θ‖ / η < tol`; `observe(k, state)` sees every iterate.
pub fn iterate(
    model: &Model,
    map: &DiscreteMap,
    start: &State,
    max_steps: usize,
    tol: f64,
    mut observe: impl FnMut(f64, &State),
) -> Result<Outcome> {
    model.check_state(start)?;
    let mut s = start.clone();
    observe(0.0, &s);
    let mut incr = f64::INFINITY;
    let mut k = 0;
    while k < max_steps {
        let next = model.discrete_step(map, &s);
        if !next.is_finite() {
            return Err(Error::Computation(format!(
                "the iteration diverged at step {k} (η = {} too large?)",
                map.eta
            )));
        }
        incr = (next.to_vector() - s.to_vector()).norm() / map.eta;
        s = next;
        k += 1;
        observe(k as f64, &s);
        if incr < tol {
            break;
        }
    }
    Ok(Outcome {
        state: s,
        t: k as f64,
        steps: k,
        converged: incr < tol,
        field_norm: incr,
    })
}

#[cfg(test)]
mod tests {
    use nalgebra::DMatrix;

    use super::*;

    /// A model with the given moments (`Mxy = Myxᵀ`, `Myy = I`).
    fn model(n: usize, mxx: DMatrix<f64>, myx: DMatrix<f64>, lambda: f64) -> Model {
        let m = mxx.nrows();
        Model {
            n,
            m,
            mxy: myx.transpose(),
            mxx,
            myx,
            myy: DMatrix::identity(m, m),
            lambda,
        }
    }

    fn fixed(step: f64, t_max: f64) -> OdeOptions {
        OdeOptions {
            t_max,
            field_tol: 0.0,
            fixed_step: Some(step),
            max_steps: 10_000_000,
            ..OdeOptions::default()
        }
    }

    fn adaptive(t_max: f64) -> OdeOptions {
        OdeOptions {
            t_max,
            field_tol: 0.0,
            rtol: 1e-10,
            atol: 1e-13,
            ..OdeOptions::default()
        }
    }

    fn max_abs(m: &DMatrix<f64>) -> f64 {
        m.iter().fold(0.0, |acc, x| acc.max(x.abs()))
    }

    /// With `Myx = 0` and `B = 0` the EMA flow is linear: `Ḃ = 0`,
    /// `Ȧ = −λA`, `Ċ = κ(A − C)`, so `A(t) = e^{−λt}A₀` and
    /// `C(t) = e^{−κt}C₀ + κ(e^{−λt} − e^{−κt})/(κ − λ)·A₀`.
    fn linear_case() -> (Model, State, f64) {
        let mxx = DMatrix::from_row_slice(2, 2, &[2.0, 0.5, 0.5, 1.0]);
        let model = model(2, mxx, DMatrix::zeros(2, 2), 0.3);
        let a = DMatrix::from_row_slice(2, 2, &[1.0, -0.5, 0.25, 2.0]);
        let c = DMatrix::from_row_slice(2, 2, &[-1.0, 0.0, 0.5, 0.75]);
        let start = State {
            a,
            b: DMatrix::zeros(2, 2),
            c: Some(c),
        };
        (model, start, 1.7)
    }

    fn linear_exact(
        model: &Model,
        start: &State,
        kappa: f64,
        t: f64,
    ) -> (DMatrix<f64>, DMatrix<f64>) {
        let l = model.lambda;
        let a = &start.a * (-l * t).exp();
        let c0 = start.c.as_ref().unwrap();
        let c = c0 * (-kappa * t).exp()
            + &start.a * (kappa * ((-l * t).exp() - (-kappa * t).exp()) / (kappa - l));
        (a, c)
    }

    #[test]
    fn both_integrators_follow_the_exact_linear_solution() {
        let (model, start, kappa) = linear_case();
        let t_max = 3.0;
        for (opts, tol) in [(fixed(0.01, t_max), 1e-8), (adaptive(t_max), 1e-8)] {
            let out = integrate(&model, Procedure::Ema, kappa, &start, &opts, |_, _| {}).unwrap();
            assert!((out.t - t_max).abs() < 1e-12, "{}", out.t);
            let (a, c) = linear_exact(&model, &start, kappa, out.t);
            assert!(max_abs(&(out.state.a - a)) < tol);
            assert!(max_abs(&(out.state.c.unwrap() - c)) < tol);
            assert!(max_abs(&out.state.b) == 0.0);
        }
    }

    /// The error of fixed-step RK4 at `t = 3` on the linear system falls by
    /// about 2⁴ = 16 when the step is halved (order 4).
    #[test]
    fn rk4_has_order_four() {
        let (model, start, kappa) = linear_case();
        let err = |h: f64| {
            let out = integrate(
                &model,
                Procedure::Ema,
                kappa,
                &start,
                &fixed(h, 3.0),
                |_, _| {},
            )
            .unwrap();
            let (a, c) = linear_exact(&model, &start, kappa, 3.0);
            max_abs(&(out.state.a - a)).max(max_abs(&(out.state.c.unwrap() - c)))
        };
        let (e1, e2, e3) = (err(0.2), err(0.1), err(0.05));
        for ratio in [e1 / e2, e2 / e3] {
            assert!((12.0..20.0).contains(&ratio), "{e1:e} {e2:e} {e3:e}");
        }
    }

    /// BALANCE along the (nonlinear) SG flow: `AAᵀ − BᵀB = e^{−2λt}(A₀A₀ᵀ −
    /// B₀ᵀB₀)` exactly, and it is conserved when λ = 0.
    #[test]
    fn sg_flow_keeps_the_balance_law() {
        let mxx = DMatrix::from_row_slice(2, 2, &[1.5, 0.2, 0.2, 0.8]);
        let myx = DMatrix::from_row_slice(2, 2, &[0.9, -0.3, 0.1, 0.6]);
        let a = DMatrix::from_row_slice(3, 2, &[0.4, -0.2, 0.1, 0.7, -0.5, 0.3]);
        let b = DMatrix::from_row_slice(3, 3, &[0.2, 0.1, 0.0, -0.3, 0.5, 0.2, 0.1, 0.0, 0.4]);
        let start = State::new(Procedure::StopGradient, a, b);
        let d0 = Model::balance(&start.a, &start.b);
        for lambda in [0.0, 0.05] {
            let model = model(3, mxx.clone(), myx.clone(), lambda);
            for opts in [fixed(0.01, 5.0), adaptive(5.0)] {
                let mut worst: f64 = 0.0;
                let out = integrate(
                    &model,
                    Procedure::StopGradient,
                    0.0,
                    &start,
                    &opts,
                    |t, s| {
                        let d = Model::balance(&s.a, &s.b);
                        worst = worst.max(max_abs(&(d - &d0 * (-2.0 * lambda * t).exp())));
                    },
                )
                .unwrap();
                assert!(out.steps > 10);
                assert!(worst < 1e-8, "λ = {lambda}: balance drifts by {worst:e}");
                // The flow moved: the check is not about a standing point.
                assert!(max_abs(&(&out.state.a - &start.a)) > 1e-2);
            }
        }
    }

    #[test]
    fn integration_stops_at_the_field_tolerance() {
        let (model, start, kappa) = linear_case();
        let opts = OdeOptions {
            field_tol: 1e-3,
            ..adaptive(1e3)
        };
        let out = integrate(&model, Procedure::Ema, kappa, &start, &opts, |_, _| {}).unwrap();
        assert!(out.converged && out.field_norm < 1e-3);
        assert!(out.t < 1e3);
        let v = model
            .velocity(Procedure::Ema, kappa, &out.state)
            .to_vector();
        assert!((v.norm() - out.field_norm).abs() < 1e-12);
    }

    /// The discrete SG map on the linear case: `A⁺ = (1 − ηλ)A`, `B` stays 0.
    #[test]
    fn iteration_matches_the_exact_map() {
        let (model, start, _) = linear_case();
        let start = State::new(Procedure::StopGradient, start.a, start.b);
        let map = DiscreteMap::new(Procedure::StopGradient, 0.1, 0.0).unwrap();
        let mut seen = 0;
        let out = iterate(&model, &map, &start, 50, 0.0, |_, _| seen += 1).unwrap();
        assert_eq!((out.steps, seen, out.converged), (50, 51, false));
        let expect = &start.a * (1.0 - 0.1 * model.lambda).powi(50);
        assert!(max_abs(&(out.state.a - expect)) < 1e-13);
        // A step size with |1 − ηλ| > 1 diverges and is reported.
        let wild = DiscreteMap::new(Procedure::StopGradient, 1e4, 0.0).unwrap();
        let err = iterate(&model, &wild, &start, 10_000, 0.0, |_, _| {})
            .unwrap_err()
            .to_string();
        assert!(err.contains("diverged"), "{err}");
    }
}

//! Trajectories: adaptive Dormand–Prince 5(4) and fixed-step RK4 for the
//! continuous-time flows, plain iteration for the discrete maps.

use nalgebra::DVector;
use serde::Serialize;

use super::fields::{DiscreteMap, Model, Procedure, State};
use crate::error::{Error, Result};

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
            let k2 = f(&(&x + &k1 * (h_now / 2.0)));
            let k3 = f(&(&x + &k2 * (h_now / 2.0)));
            let k4 = f(&(&x + &k3 * h_now));
            x += (&k1 + &k2 * 2.0 + &k3 * 2.0 + &k4) * (h_now / 6.0);
            t += h_now;
        } else {
            // Dormand–Prince 5(4) with FSAL.
            let k2 = f(&(&x + &k1 * (h_now / 5.0)));
            let k3 = f(&(&x + (&k1 * (3.0 / 40.0) + &k2 * (9.0 / 40.0)) * h_now));
            let k4 = f(
                &(&x + (&k1 * (44.0 / 45.0) - &k2 * (56.0 / 15.0) + &k3 * (32.0 / 9.0)) * h_now)
            );
            let k5 = f(&(&x
                + (&k1 * (19372.0 / 6561.0) - &k2 * (25360.0 / 2187.0)
                    + &k3 * (64448.0 / 6561.0)
                    - &k4 * (212.0 / 729.0))
                    * h_now));
            let k6 = f(&(&x
                + (&k1 * (9017.0 / 3168.0) - &k2 * (355.0 / 33.0)
                    + &k3 * (46732.0 / 5247.0)
                    + &k4 * (49.0 / 176.0)
                    - &k5 * (5103.0 / 18656.0))
                    * h_now));
            let y = &x
                + (&k1 * (35.0 / 384.0) + &k3 * (500.0 / 1113.0) + &k4 * (125.0 / 192.0)
                    - &k5 * (2187.0 / 6784.0)
                    + &k6 * (11.0 / 84.0))
                    * h_now;
            let k7 = f(&y);
            let err_vec = (&k1 * (71.0 / 57600.0) - &k3 * (71.0 / 16695.0) + &k4 * (71.0 / 1920.0)
                - &k5 * (17253.0 / 339200.0)
                + &k6 * (22.0 / 525.0)
                - &k7 * (1.0 / 40.0))
                * h_now;
            let mut err: f64 = 0.0;
            for i in 0..x.len() {
                let sc = opts.atol + opts.rtol * x[i].abs().max(y[i].abs());
                err = err.max((err_vec[i] / sc).abs());
            }
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

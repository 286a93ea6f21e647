//! BALANCE: for SG and EMA (any teacher C), `d/dt(AAᵀ − BᵀB) =
//! −2λ(AAᵀ − BᵀB)`; not for GD on Ē.
//!
//! Rule: the identity proved as polynomials on the instance's data decides
//! (level `symbolic`); without a proof, the pointwise residual at random
//! points and along one SG trajectory decides.

use super::common::*;
use super::{Claim, ClaimId, Finding, Verdict};
use crate::analysis::instance::{InstanceAnalysis, VerifyConfig, rel};
use crate::model::Procedure;
use crate::numeric::{Model, OdeOptions, integrate, random::random_state};

/// BALANCE.
pub(super) struct Balance;

impl Claim for Balance {
    fn id(&self) -> ClaimId {
        ClaimId::Balance
    }

    fn hypotheses(&self) -> &'static str {
        "any valid instance (λ ≥ 0)"
    }

    fn outcomes(&self) -> &'static [Verdict] {
        &[Verdict::Holds, Verdict::Fails, Verdict::Inconclusive]
    }

    fn numeric(&self, an: &InstanceAnalysis, cfg: &VerifyConfig) -> Finding {
        numeric_finding(an, cfg)
    }
}

pub(super) fn numeric_finding(an: &InstanceAnalysis, cfg: &VerifyConfig) -> Finding {
    let model = &an.model;
    let lam = model.lambda;
    let mut rng = rng_for(an, cfg, 2);
    let res = sample_per_procedure(
        model,
        cfg,
        &mut rng,
        |_| (),
        |_, p, s| {
            let d = Model::balance_rate(s, &model.velocity(p, cfg.kappa, s));
            let mb = Model::balance(&s.a, &s.b);
            // Relative to the size of the summands (the rounding error model);
            // the result itself can cancel.
            rel(
                (&d + &mb * (2.0 * lam)).norm(),
                model.balance_rate_scale(s) + 2.0 * lam * mb.norm(),
            )
        },
    );
    let (sg_max, ema_max, gd_min) = (res.max[0], res.max[1], res.min[2]);
    // Along one SG trajectory: M(t) = e^{−2λt} M(0).
    let start = random_state(model.n, model.m, Procedure::StopGradient, 1.0, &mut rng);
    let m0 = Model::balance(&start.a, &start.b);
    let mut traj_err = 0.0f64;
    let horizon = if lam > 0.0 { 5.0 / lam } else { 200.0 };
    let opts = OdeOptions {
        t_max: horizon,
        field_tol: 0.0,
        ..cfg.ode
    };
    let ok = integrate(
        model,
        Procedure::StopGradient,
        0.0,
        &start,
        &opts,
        |t, s| {
            let mt = Model::balance(&s.a, &s.b);
            traj_err = traj_err.max(rel((&mt - &m0 * (-2.0 * lam * t).exp()).norm(), m0.norm()));
        },
    )
    .is_ok();
    let traj_tol = 1e-6;
    let verdict = if !ok {
        Verdict::Inconclusive
    } else if sg_max <= IDENTITY_TOL && ema_max <= IDENTITY_TOL && traj_err <= traj_tol {
        Verdict::Holds
    } else if sg_max > ASYMMETRY_MIN || ema_max > ASYMMETRY_MIN {
        Verdict::Fails
    } else {
        Verdict::Inconclusive
    };
    Finding::new(
        an.instance.name(),
        verdict,
        format!(
            "pointwise relative residual of d/dt M + 2λM at {} random points: SG ≤ {sg_max:.1e}, EMA (random C) ≤ {ema_max:.1e}; GD ≥ {gd_min:.2e} (not an identity for GD); along an SG trajectory to t = {horizon:.0}, ‖M(t) − e^(−2λt)M(0)‖/‖M(0)‖ ≤ {traj_err:.1e} (tolerance {traj_tol:.0e} for the integrator's 1e-9 local error)",
            cfg.sample_points
        ),
    )
}

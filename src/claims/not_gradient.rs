//! NOT-GRADIENT [P3.2]: the SG and EMA fields are not gradients of any
//! function (their Jacobians are not symmetric on an open set); the GD field
//! is one (control).
//!
//! Rule: the identity `J − Jᵀ ≠ 0` (SG, EMA) and `J = Jᵀ` (GD) proved as
//! polynomials ([`crate::polynomial::proofs`]) on the instance's data decides
//! (level `symbolic`); without a proof the numeric asymmetry at random points
//! decides (≥ 1e-6 holds, ≤ 1e-11 fails, between inconclusive).

use super::common::*;
use super::{Claim, ClaimId, Finding, Verdict};
use crate::analysis::instance::{InstanceAnalysis, VerifyConfig, rel};

/// NOT-GRADIENT.
pub(super) struct NotGradient;

impl Claim for NotGradient {
    fn id(&self) -> ClaimId {
        ClaimId::NotGradient
    }

    fn hypotheses(&self) -> &'static str {
        "any valid instance"
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
    let mut rng = rng_for(an, cfg, 1);
    let asym = sample_per_procedure(
        model,
        cfg,
        &mut rng,
        |_| (),
        |_, p, s| {
            let j = model.jacobian(p, cfg.kappa, s);
            rel((&j - j.transpose()).norm(), j.norm())
        },
    );
    let (sg_min, ema_min, gd_max) = (asym.min[0], asym.min[1], asym.max[2]);
    let summary = format!(
        "relative Jacobian asymmetry ‖J−Jᵀ‖/‖J‖ at {} random points: SG ≥ {sg_min:.2e}, EMA ≥ {ema_min:.2e} (need > {ASYMMETRY_MIN:.0e}); GD control ≤ {gd_max:.1e} (need ≤ {IDENTITY_TOL:.0e})",
        cfg.sample_points
    );
    let verdict = if gd_max > IDENTITY_TOL {
        Verdict::Inconclusive
    } else if sg_min > ASYMMETRY_MIN && ema_min > ASYMMETRY_MIN {
        Verdict::Holds
    } else if sg_min <= IDENTITY_TOL || ema_min <= IDENTITY_TOL {
        Verdict::Fails
    } else {
        Verdict::Inconclusive
    };
    Finding::new(an.instance.name(), verdict, summary)
}

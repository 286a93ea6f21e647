//! GD-COLLAPSE [L4.3]: gradient flow on Ē converges to `(A, B) = (0, 0)`
//! from every start (λ > 0).
//!
//! Certificate: `⟨A, ∇_A Ē⟩ = E‖BAx − Ay‖² + λ‖A‖²` (proved as a polynomial
//! identity), so with λ > 0 every real critical point has A = 0, then B = 0,
//! and Ē is coercive: the flow converges to the origin (`holds`, level
//! `symbolic`). With λ = 0 the same identity gives only `A = 0`, and then
//! `∇_B Ē(0, B) = 0` for every B: the critical set is `{0} × R^{n×n}` and GD
//! ends at `(0, B∞)`, not at the origin. The claim as stated is then not
//! what can be shown; the restated claim "A → 0" holds with the condition
//! that the views are noisy, `Myy − Myx Mxx⁻¹ Mxy ≻ 0` (checked exactly); if
//! that fails the instance is outside the hypotheses.

use num_traits::Zero;

use super::common::*;
use super::{Claim, ClaimId, Evidence, Finding, Level, Verdict};
use crate::analysis::characterize::IdentityStatus;
use crate::analysis::instance::{InstanceAnalysis, VerifyConfig, rel};
use crate::model::{Instance, Procedure};
use crate::numeric::random::random_state;
use crate::polynomial::proofs::Identity;

/// GD-COLLAPSE.
pub(super) struct GdCollapse;

impl Claim for GdCollapse {
    fn id(&self) -> ClaimId {
        ClaimId::GdCollapse
    }

    fn hypotheses(&self) -> &'static str {
        "λ > 0 (as stated); with λ = 0 the restated claim A → 0 needs Myy − Myx Mxx⁻¹ Mxy ≻ 0"
    }

    fn outcomes(&self) -> &'static [Verdict] {
        &[
            Verdict::Holds,
            Verdict::HoldsWithCondition,
            Verdict::Fails,
            Verdict::Inconclusive,
        ]
    }

    fn numeric(&self, an: &InstanceAnalysis, cfg: &VerifyConfig) -> Finding {
        numeric_finding(an, cfg)
    }

    fn judge(&self, numeric: Finding, an: &InstanceAnalysis, ev: &Evidence<'_>) -> Finding {
        let decay = Decay::of(&an.instance);
        let name = an.instance.name();
        match (decay, ev.proofs.on_instance(Identity::GdCollapse, name)) {
            // With λ = 0 the proof shows the identities but not collapse to
            // (0, 0) (it is partial); the restated claim rests on the same
            // identities.
            (
                Decay::ZeroNoisy | Decay::ZeroNoiseless,
                Some((IdentityStatus::Proved | IdentityStatus::Partial, detail)),
            ) => conclude(
                Finding::new(
                    name,
                    Verdict::Holds,
                    format!(
                        "{detail} [numeric cross-check: {}]",
                        numeric.verdict.as_str()
                    ),
                )
                .at(Level::Symbolic),
                decay,
            ),
            _ => super::symbolic::raise(numeric, Identity::GdCollapse, ev.proofs, |f| {
                conclude(f, decay)
            }),
        }
    }
}

/// What the weight decay allows the Euler identity to conclude.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Decay {
    /// λ > 0: collapse to the origin.
    Positive,
    /// λ = 0 with noisy views (`Myy − Myx Mxx⁻¹ Mxy ≻ 0`, exactly).
    ZeroNoisy,
    /// λ = 0 and the noise condition fails.
    ZeroNoiseless,
}

impl Decay {
    fn of(inst: &Instance) -> Self {
        if !inst.lambda().is_zero() {
            return Decay::Positive;
        }
        let mo = inst.moments();
        let noisy = mo.mxx.inverse().is_some_and(|inv| {
            let mxy = mo.myx.transpose();
            mo.myy
                .sub(&mo.myx.mul(&inv).mul(&mxy))
                .positive_definite_failure()
                .is_none()
        });
        if noisy {
            Decay::ZeroNoisy
        } else {
            Decay::ZeroNoiseless
        }
    }
}

/// The claim's finding from a proved Euler identity.
pub(super) fn conclude(proved: Finding, decay: Decay) -> Finding {
    match decay {
        Decay::Positive => proved,
        Decay::ZeroNoisy => {
            let summary = format!(
                "λ = 0: ∇_B Ē(0, B) = 0 for every B, so the critical set is {{0}} × R^{{n×n}} and GD ends at (0, B∞), not at (0, 0); restated: A → 0 from every start, since with J ≻ 0 (the joint moment matrix, equivalently Myy − Myx Mxx⁻¹ Mxy ≻ 0) the identity gives ⟨A, ∇_A Ē⟩ ≥ λ_min(J)‖A‖², so ‖A(t)‖ ≤ e^(−λ_min(J) t)‖A(0)‖, and ‖Ḃ‖ ≤ (c₁‖B‖ + c₂)‖A‖² is integrable, so B converges; {}",
                proved.summary
            );
            Finding { summary, ..proved }.provided(
                "λ = 0: restated as A → 0 (B converges to some B∞), using Myy − Myx Mxx⁻¹ Mxy ≻ 0 (exact)",
            )
        }
        Decay::ZeroNoiseless => {
            let summary = format!(
                "λ = 0 and Myy − Myx Mxx⁻¹ Mxy is not positive definite (exact): the sum-of-squares argument does not give A = 0; {}",
                proved.summary
            );
            Finding { summary, ..proved }.outside()
        }
    }
}

pub(super) fn numeric_finding(an: &InstanceAnalysis, cfg: &VerifyConfig) -> Finding {
    let model = &an.model;
    let name = an.instance.name();
    let mut rng = rng_for(an, cfg, 4);
    let mut euler = 0.0f64;
    for _ in 0..cfg.sample_points {
        let s = random_state(model.n, model.m, Procedure::GradientDescent, 1.0, &mut rng);
        let (ga, _) = model.grad_ebar(&s.a, &s.b);
        let lhs = s.a.dot(&ga);
        let rhs = model.prediction_error(&s.a, &s.b) + model.lambda * s.a.norm_squared();
        euler = euler.max(rel((lhs - rhs).abs(), lhs.abs().max(rhs.abs())));
    }
    let gd: Vec<_> = an
        .endpoints
        .iter()
        .filter(|e| e.procedure == Procedure::GradientDescent)
        .collect();
    let converged = gd.iter().filter(|e| e.converged).count();
    // With λ = 0 the critical set is {0} × R^{n×n}: only A must vanish.
    let lambda_zero = model.lambda <= 0.0;
    let collapsed = gd
        .iter()
        .filter(|e| {
            e.converged
                && e.singular_values.first().copied().unwrap_or(0.0) <= COLLAPSE_TOL
                && (lambda_zero || e.b_norm <= COLLAPSE_TOL)
        })
        .count();
    let alive = gd
        .iter()
        .filter(|e| e.converged && e.singular_values.first().copied().unwrap_or(0.0) > COLLAPSE_TOL)
        .count();
    let lam_note = if model.lambda > 0.0 {
        String::new()
    } else {
        "; λ = 0: counted as collapsed when A = 0 (B converges to some B∞), and the sum-of-squares certificate needs Myy − Myx Mxx⁻¹ Mxy ≻ 0".into()
    };
    // A false Euler identity, or a GD run that converged with A ≠ 0, is a counterexample.
    let verdict = if euler > IDENTITY_TOL || alive > 0 {
        Verdict::Fails
    } else if collapsed == gd.len() && !gd.is_empty() {
        Verdict::Holds
    } else {
        Verdict::Inconclusive
    };
    Finding::new(
        name,
        verdict,
        format!(
            "Euler identity ⟨A, ∇_A Ē⟩ = E‖BAx − Ay‖² + λ‖A‖² to {euler:.1e} relative at {} points; {collapsed} of {} GD runs end at ‖A‖{} ≤ {COLLAPSE_TOL:.0e} ({converged} converged, {alive} with A ≠ 0){lam_note}",
            cfg.sample_points,
            gd.len(),
            if lambda_zero { "" } else { ", ‖B‖" }
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::Reason;

    fn proved() -> Finding {
        Finding::new("x", Verdict::Holds, "identity".into()).at(Level::Symbolic)
    }

    #[test]
    fn lambda_zero_changes_the_statement() {
        assert_eq!(conclude(proved(), Decay::Positive).verdict, Verdict::Holds);
        let f = conclude(proved(), Decay::ZeroNoisy);
        assert_eq!(f.verdict, Verdict::HoldsWithCondition);
        assert!(f.condition.as_deref().unwrap().contains("A → 0"));
        assert!(f.summary.contains("(0, B∞)"));
        let f = conclude(proved(), Decay::ZeroNoiseless);
        assert_eq!(
            (f.applies, f.reason),
            (false, Some(Reason::OutsideHypotheses))
        );
    }

    #[test]
    fn the_noise_condition_is_decided_exactly() {
        use crate::model::{Instance, Moments, RationalMatrix};
        use num_rational::BigRational;
        let q = |p: i64| BigRational::from_integer(p.into());
        let id = RationalMatrix::from_ints(&[&[1, 0], &[0, 1]], 1);
        let make = |myy: RationalMatrix| {
            Instance::new(
                "t",
                2,
                Moments {
                    mxx: id.clone(),
                    myx: id.clone(),
                    myy,
                },
                q(0),
            )
            .unwrap()
        };
        assert_eq!(
            Decay::of(&make(RationalMatrix::from_ints(&[&[2, 0], &[0, 2]], 1))),
            Decay::ZeroNoisy
        );
        // Myy = Myx Mxx⁻¹ Mxy: noiseless views.
        assert_eq!(Decay::of(&make(id.clone())), Decay::ZeroNoiseless);
    }
}

//! SYMMETRY: the dynamics are equivariant under `A → UA, B → UBUᵀ,
//! C → UC`, `U ∈ O(n)`.
//!
//! Rule: the identity proved as polynomials on the instance's data decides
//! (level `symbolic`; how U is covered is in the proof's detail); without a
//! proof, the residual at random (state, U) decides.

use super::common::*;
use super::{Claim, ClaimId, Finding, Verdict};
use crate::analysis::instance::{InstanceAnalysis, VerifyConfig, rel};
use crate::numeric::random::orthogonal;

/// SYMMETRY.
pub(super) struct Symmetry;

impl Claim for Symmetry {
    fn id(&self) -> ClaimId {
        ClaimId::Symmetry
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
    let mut rng = rng_for(an, cfg, 3);
    let worst = sample_per_procedure(
        model,
        cfg,
        &mut rng,
        |rng| orthogonal(model.n, rng),
        |u, p, s| {
            let lhs = model.velocity(p, cfg.kappa, &act(u, s));
            let rhs = act(u, &model.velocity(p, cfg.kappa, s));
            rel(
                (lhs.to_vector() - rhs.to_vector()).norm(),
                stacked_norm(&rhs),
            )
        },
    )
    .max
    .into_iter()
    .fold(0.0, f64::max);
    let lifted = an
        .components
        .iter()
        .filter(|c| c.equilibrium.rank > 0)
        .count();
    let verdict = if worst <= IDENTITY_TOL {
        Verdict::Holds
    } else if worst > ASYMMETRY_MIN {
        Verdict::Fails
    } else {
        Verdict::Inconclusive
    };
    Finding::new(
        an.instance.name(),
        verdict,
        format!(
            "‖v(g·θ) − g·v(θ)‖/‖v‖ ≤ {worst:.1e} for SG, EMA and GD at {} random (θ, U ∈ O({})); {lifted} equilibria lifted from reduced strata by random U stayed equilibria",
            cfg.sample_points, model.n
        ),
    )
}

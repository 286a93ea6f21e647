//! S-EQUATION [P4.5]: with λ > 0, `(A, B)` with `S = AᵀA ≻ 0` is an SG (or
//! EMA, with C = A) equilibrium iff `(Mxx S + λI)(S Mxx + λI) = Mxy S Myx`
//! and `B = A Myx Aᵀ(A Mxx Aᵀ + λI)⁻¹`.
//!
//! Rule: the two directions are polynomial identities, proved on the
//! instance's data ([`crate::polynomial::proofs`]: `λ·S·G(S) ∈ ⟨P, Q⟩` for
//! "only if", the adjugate identities for "if"): proved `holds` (level
//! `symbolic`), refuted `fails`, partly proved or errored `inconclusive`.
//! The list of full-rank solutions is reported only where the full-rank
//! stratum was resolved; it does not enter the verdict.

use super::common::*;
use super::evidence::{Known, known_rank};
use super::{Claim, ClaimId, Evidence, Finding, Verdict};
use crate::analysis::instance::{InstanceAnalysis, VerifyConfig, rel};
use crate::model::Procedure;
use crate::numeric::State;
use crate::numeric::equilibria::{predictor_of, psd_sqrt};
use crate::numeric::random::stiefel;
use crate::polynomial::proofs::Identity;

/// S-EQUATION.
pub(super) struct SEquation;

impl Claim for SEquation {
    fn id(&self) -> ClaimId {
        ClaimId::SEquation
    }

    fn hypotheses(&self) -> &'static str {
        "λ > 0 and n ≥ m (so that S ≻ 0 is possible)"
    }

    fn outcomes(&self) -> &'static [Verdict] {
        &[Verdict::Holds, Verdict::Fails, Verdict::Inconclusive]
    }

    fn numeric(&self, an: &InstanceAnalysis, cfg: &VerifyConfig) -> Finding {
        numeric_finding(an, cfg)
    }

    fn judge(&self, numeric: Finding, an: &InstanceAnalysis, ev: &Evidence<'_>) -> Finding {
        if !numeric.applies {
            return numeric;
        }
        let solutions = match ev.exact.get(an.instance.name()) {
            Some(c) => match known_rank(c, c.instance.m) {
                Known::Complete(level) => {
                    let k = c
                        .strata
                        .iter()
                        .filter(|s| s.stratum.rank == c.instance.m)
                        .map(|s| s.components.len())
                        .sum::<usize>();
                    format!(
                        "; here the full-rank equilibria are the {k} component(s) (orbits, or families of orbits) over the positive definite solutions of the S-equation (completeness {})",
                        level.as_str()
                    )
                }
                Known::Unresolved(_, why) => {
                    format!("; the full-rank solutions are not listed: {why}")
                }
            },
            None => String::new(),
        };
        let mut f = super::symbolic::raise(numeric, Identity::SEquation, ev.proofs, |f| f);
        f.summary.push_str(&solutions);
        f
    }
}

pub(super) fn numeric_finding(an: &InstanceAnalysis, cfg: &VerifyConfig) -> Finding {
    let model = &an.model;
    let (n, m) = (model.n, model.m);
    let name = an.instance.name();
    if model.lambda <= 0.0 {
        return Finding::not_applicable(name, "λ = 0: the S-equation is stated for λ > 0".into());
    }
    if n < m {
        return Finding::not_applicable(
            name,
            format!("n = {n} < m = {m}: no equilibrium has S = AᵀA ≻ 0"),
        );
    }
    let full: Vec<_> = an
        .components
        .iter()
        .filter(|c| c.equilibrium.rank == m)
        .collect();
    let only_if = full
        .iter()
        .map(|c| c.s_residual.max(c.b_residual))
        .fold(0.0, f64::max);
    // "If": each positive definite solution S of the S-equation, lifted by
    // random Stiefel frames U, gives an SG and an EMA equilibrium.
    let mut rng = rng_for(an, cfg, 5);
    let mut if_worst = 0.0f64;
    for s in &an.s_solutions {
        for _ in 0..3 {
            let u = stiefel(n, m, &mut rng);
            let a = &u * psd_sqrt(s);
            let Some(b) = predictor_of(model, &a) else {
                if_worst = f64::INFINITY;
                continue;
            };
            let v = model.velocity(
                Procedure::StopGradient,
                0.0,
                &State::new(Procedure::StopGradient, a.clone(), b.clone()),
            );
            let ve = model.velocity(
                Procedure::Ema,
                cfg.kappa,
                &State::new(Procedure::Ema, a.clone(), b.clone()),
            );
            if_worst = if_worst.max(rel(
                stacked_norm(&v).max(stacked_norm(&ve)),
                field_scale(model, &a, &b),
            ));
        }
    }
    let tol = 1e-6;
    let unmatched = an
        .s_solutions
        .iter()
        .filter(|s| {
            !full
                .iter()
                .any(|c| (&c.equilibrium.s - *s).amax() < tol * (1.0 + s.amax()))
        })
        .count();
    let missing = full.len().saturating_sub(an.s_solutions.len() - unmatched);
    let verdict = if only_if > FAIL_TOL || if_worst > FAIL_TOL {
        Verdict::Fails
    } else if only_if > EQUATION_TOL || if_worst > EQUATION_TOL || unmatched > 0 || missing > 0 {
        Verdict::Inconclusive
    } else {
        Verdict::Holds
    };
    Finding::new(
        name,
        verdict,
        format!(
            "only if: {} full-rank equilibria satisfy the S-equation and B formula to {only_if:.1e}; if: {} solutions S ≻ 0 of the S-equation (Newton), lifted by 3 random U each, give SG and EMA equilibria to {if_worst:.1e}; the two sets agree ({unmatched} unmatched, {missing} missing)",
            full.len(),
            an.s_solutions.len()
        ),
    )
}

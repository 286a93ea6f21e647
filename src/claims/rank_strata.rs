//! RANK-STRATA (beyond the paper): with λ > 0 every equilibrium of rank r
//! satisfies `S·G(S) = 0` with `S = AᵀA` PSD of rank r, and its orbit has
//! dimension `nr − r(r+1)/2`; every stratum must be characterized.
//!
//! Rule: the membership `λ·S·G(S) ∈ ⟨P, Q⟩` proved on the instance's data
//! gives the equation (refuted: `fails`; a proof that errored or was only
//! partly done: `inconclusive`, never `fails`); every stratum must be
//! resolved (else `inconclusive` with the reason); then `holds` at the
//! weakest completeness of the strata.

use super::common::*;
use super::evidence::{Known, cross, known_all, unless_proved};
use super::{Claim, ClaimId, Evidence, Finding, Verdict};
use crate::analysis::characterize::IdentityStatus;
use crate::analysis::instance::{InstanceAnalysis, VerifyConfig};
use crate::model::{Procedure, StabilityVerdict};

/// RANK-STRATA.
pub(super) struct RankStrata;

impl Claim for RankStrata {
    fn id(&self) -> ClaimId {
        ClaimId::RankStrata
    }

    fn hypotheses(&self) -> &'static str {
        "λ > 0"
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
        let Some(c) = ev.exact.get(an.instance.name()) else {
            return numeric;
        };
        let parts: Vec<String> = c
            .strata
            .iter()
            .map(|s| {
                format!(
                    "r={}: {} complex, {} real PSD (orbit dim {})",
                    s.stratum.rank,
                    match (&s.stratum.status, s.stratum.complex_solutions) {
                        (_, Some(x)) => x.to_string(),
                        (
                            crate::variety::strata::StratumStatus::Decomposed { dimension, .. },
                            None,
                        ) => format!("∞ (dimension {dimension}, decomposed)"),
                        _ => "not resolved".into(),
                    },
                    s.stratum.real_solutions.iter().filter(|x| x.psd).count(),
                    s.stratum.orbit_dimension
                )
            })
            .collect();
        let identity = c
            .s_equation_identities
            .as_ref()
            .map_or(IdentityStatus::Errored, |p| p.status);
        let detail = format!(
            "strata: {}; the numerical search found {} components{}",
            parts.join(", "),
            an.components.len(),
            cross(&numeric)
        );
        rule(an.instance.name(), identity, &known_all(c), &detail)
    }
}

/// The rule over typed evidence.
pub(super) fn rule(
    instance: &str,
    identity: IdentityStatus,
    strata: &Known,
    detail: &str,
) -> Finding {
    if let Some(f) = unless_proved(instance, identity, "λ·S·G(S) ∈ ⟨P, Q⟩", detail) {
        return f;
    }
    match strata {
        Known::Complete(level) => Finding::new(
            instance,
            Verdict::Holds,
            format!(
                "every equilibrium satisfies S·G(S) = 0 (ideal membership, symbolic); every stratum resolved (completeness {}); {detail}",
                level.as_str()
            ),
        )
        .at(*level),
        Known::Unresolved(reason, why) => Finding::new(
            instance,
            Verdict::Inconclusive,
            format!("every equilibrium satisfies S·G(S) = 0 (symbolic), but {why}; {detail}"),
        )
        .because(*reason),
    }
}

pub(super) fn numeric_finding(an: &InstanceAnalysis, _cfg: &VerifyConfig) -> Finding {
    let model = &an.model;
    let name = an.instance.name();
    if model.lambda <= 0.0 {
        return Finding::not_applicable(name, "λ = 0: the strata are stated for λ > 0".into());
    }
    let rmax = model.n.min(model.m);
    let worst = an
        .components
        .iter()
        .map(|c| c.s_residual.max(c.b_residual))
        .fold(0.0, f64::max);
    let dims_ok = an
        .components
        .iter()
        .filter(|c| c.stability.kernel_dimension != c.equilibrium.orbit_dimension)
        .count();
    let mut per_rank = vec![(0usize, 0usize, 0usize); rmax + 1];
    for c in &an.components {
        per_rank[c.equilibrium.rank].0 += 1;
        if c.stability.sg.verdict == StabilityVerdict::Stable {
            per_rank[c.equilibrium.rank].1 += 1;
        }
    }
    let runs: Vec<_> = an
        .endpoints
        .iter()
        .filter(|e| e.procedure != Procedure::GradientDescent && e.converged)
        .collect();
    for e in &runs {
        per_rank[e.rank.min(rmax)].2 += 1;
    }
    let partial: usize = per_rank[1..rmax].iter().map(|t| t.2).sum();
    let off = runs.iter().filter(|e| e.component.is_none()).count();
    let table: Vec<String> = per_rank
        .iter()
        .enumerate()
        .map(|(r, (c, st, hits))| format!("r={r}: {c} comp ({st} stable), {hits} runs"))
        .collect();
    // A limit point off every component means polishing failed there: that
    // undermines the evidence, it does not refute the claim.
    let verdict = if worst > FAIL_TOL {
        Verdict::Fails
    } else if worst > EQUATION_TOL || off > 0 || dims_ok > 0 {
        Verdict::Inconclusive
    } else {
        Verdict::Holds
    };
    Finding::new(
        name,
        verdict,
        format!(
            "{}; generalized S-equation and B formula hold to {worst:.1e}; kernel dimension = nr − r(r+1)/2 at {} of {} components; partial collapse (0 < r < {rmax}) in {partial} of {} converged SG/EMA runs",
            table.join(", "),
            an.components.len() - dims_ok,
            an.components.len(),
            runs.len()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::{Level, Reason};

    #[test]
    fn every_outcome_is_reachable() {
        let exact = Known::Complete(Level::Exact);
        assert_eq!(
            rule("x", IdentityStatus::Proved, &exact, "").verdict,
            Verdict::Holds
        );
        assert_eq!(
            rule("x", IdentityStatus::Refuted, &exact, "").verdict,
            Verdict::Fails
        );
        let f = rule(
            "x",
            IdentityStatus::Proved,
            &Known::Unresolved(Reason::PositiveDimensional, "dim 1".into()),
            "",
        );
        assert_eq!(f.reason, Some(Reason::PositiveDimensional));
    }

    #[test]
    fn a_proof_that_errored_is_inconclusive_not_a_failure() {
        let f = rule(
            "x",
            IdentityStatus::Errored,
            &Known::Complete(Level::Exact),
            "",
        );
        assert_eq!(
            (f.verdict, f.reason),
            (Verdict::Inconclusive, Some(Reason::ProofErrored))
        );
    }
}

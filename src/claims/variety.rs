//! VARIETY [C4.6]: for n ≥ m the full-rank equilibria are a finite union,
//! over the real solutions `S_k ≻ 0`, of `{(A, B(A)) : AᵀA = S_k}`, each of
//! dimension `nm − m(m+1)/2`; EMA equilibria are the same set with C = A.
//!
//! Rule: by S-EQUATION (proved on the instance's data) the full-rank
//! equilibria are exactly those sets, and each is a Stiefel manifold of the
//! stated dimension; what remains is finiteness, which the full-rank stratum
//! shows when it is resolved (finitely many solutions): `holds` at the level
//! of its completeness. An unresolved (e.g. positive-dimensional) stratum is
//! `inconclusive` with the reason; no full-rank component means the claim
//! does not apply; a refuted S-EQUATION `fails`. The SG Jacobian's kernel
//! (tangent space) is reported as a cross-check.

use super::common::*;
use super::evidence::{Known, cross, known_rank, unless_proved};
use super::{Claim, ClaimId, Evidence, Finding, Level, Verdict};
use crate::analysis::characterize::IdentityStatus;
use crate::analysis::instance::{InstanceAnalysis, VerifyConfig, rel};
use crate::model::Procedure;
use crate::polynomial::proofs::Identity;

/// VARIETY.
pub(super) struct Variety;

impl Claim for Variety {
    fn id(&self) -> ClaimId {
        ClaimId::Variety
    }

    fn hypotheses(&self) -> &'static str {
        "λ > 0, n ≥ m, and at least one full-rank equilibrium"
    }

    fn outcomes(&self) -> &'static [Verdict] {
        &[Verdict::Holds, Verdict::Fails, Verdict::Inconclusive]
    }

    fn numeric(&self, an: &InstanceAnalysis, cfg: &VerifyConfig) -> Finding {
        numeric_finding(an, cfg)
    }

    fn judge(&self, numeric: Finding, an: &InstanceAnalysis, ev: &Evidence<'_>) -> Finding {
        let name = an.instance.name();
        let model = &an.model;
        if model.n < model.m || model.lambda <= 0.0 {
            return numeric;
        }
        let Some(c) = ev.exact.get(name) else {
            return numeric;
        };
        let m = c.instance.m;
        let comps: Vec<_> = c
            .strata
            .iter()
            .filter(|s| s.stratum.rank == m)
            .flat_map(|s| s.components.iter())
            .collect();
        let identity = ev
            .proofs
            .on_instance(Identity::SEquation, name)
            .map_or(IdentityStatus::Errored, |(s, _)| s);
        let exact_kernels = comps.iter().filter(|x| x.sg_level >= Level::Exact).count();
        let families = comps
            .iter()
            .filter(|x| x.family_dimension != Some(0))
            .count();
        let shape = if families == 0 {
            "finitely many S_k".to_string()
        } else {
            format!(
                "{} isolated S_k and {families} famil(ies) of S (positive-dimensional: the equilibria over a family have dimension orbit + family)",
                comps.len() - families
            )
        };
        let detail = format!(
            "{shape}; each {{A : AᵀA = S_k}} is one O(n)-orbit (a Stiefel manifold) of dimension nm − m(m+1)/2 = {}; the SG Jacobian's kernel is the tangent space exactly at {exact_kernels} component(s), numerically at the others; (A, B(A), A) is an EMA equilibrium (same P, Q){}",
            crate::model::orbit_dimension(c.instance.n, m),
            cross(&numeric)
        );
        rule(
            name,
            identity,
            &known_rank(c, m),
            comps.len(),
            families,
            &detail,
        )
    }
}

/// The rule over typed evidence: S-EQUATION's proof on the instance, the
/// full-rank stratum's completeness and its number of components.
pub(super) fn rule(
    instance: &str,
    identity: IdentityStatus,
    top: &Known,
    components: usize,
    families: usize,
    detail: &str,
) -> Finding {
    if let Some(f) = unless_proved(
        instance,
        identity,
        "S-EQUATION (the full-rank equilibria are these sets)",
        detail,
    ) {
        return f;
    }
    match top {
        Known::Unresolved(reason, why) => Finding::new(
            instance,
            Verdict::Inconclusive,
            format!("{why}: finiteness not shown; {detail}"),
        )
        .because(*reason),
        Known::Complete(level) if components == 0 => Finding::not_applicable(
            instance,
            format!(
                "no full-rank equilibrium here (completeness {}; see EXISTENCE): nothing to show",
                level.as_str()
            ),
        ),
        // A positive-dimensional family of full-rank S: the equilibria are
        // not a finite union of Stiefel manifolds (degenerate data). The
        // stratum's level already includes how its family dimensions are
        // known (exact when proved, numeric when read off singular values).
        Known::Complete(level) if families > 0 => Finding::new(
            instance,
            Verdict::Fails,
            format!(
                "not a finite union: {families} of the {components} full-rank component(s) are positive-dimensional families of S (the data's symmetry moves S; completeness {}); {detail}",
                level.as_str()
            ),
        )
        .at(*level),
        Known::Complete(level) => Finding::new(
            instance,
            Verdict::Holds,
            format!(
                "{components} full-rank component(s) S_k ≻ 0 (completeness {}); {detail}",
                level.as_str()
            ),
        )
        .at(*level),
    }
}

pub(super) fn numeric_finding(an: &InstanceAnalysis, _cfg: &VerifyConfig) -> Finding {
    let model = &an.model;
    let (n, m) = (model.n, model.m);
    let name = an.instance.name();
    if n < m || model.lambda <= 0.0 {
        return Finding::not_applicable(name, format!("needs n ≥ m and λ > 0 (n = {n}, m = {m})"));
    }
    let dim = n * m - m * (m + 1) / 2;
    let full: Vec<_> = an
        .components
        .iter()
        .filter(|c| c.equilibrium.rank == m)
        .collect();
    if full.is_empty() {
        return Finding::not_applicable(
            name,
            "no full-rank equilibrium exists here (see EXISTENCE)".into(),
        );
    }
    let kernels: Vec<usize> = full.iter().map(|c| c.stability.kernel_dimension).collect();
    let ema_worst = full
        .iter()
        .map(|c| {
            rel(
                c.ema_field_norm,
                field_scale(model, &c.equilibrium.a, &c.equilibrium.b),
            )
        })
        .fold(0.0, f64::max);
    let missed = full.iter().filter(|c| !c.found_by_search).count();
    let runs_full = an
        .endpoints
        .iter()
        .filter(|e| e.procedure != Procedure::GradientDescent && e.converged && e.rank == m)
        .count();
    let verdict = if ema_worst > FAIL_TOL {
        Verdict::Fails
    } else if ema_worst <= EQUATION_TOL && kernels.iter().all(|&k| k == dim) && missed == 0 {
        Verdict::Holds
    } else {
        Verdict::Inconclusive
    };
    Finding::new(
        name,
        verdict,
        format!(
            "{} components S_k; tangent (kernel) dimension of the SG Jacobian {:?} vs nm − m(m+1)/2 = {dim}; (A, B, C = A) is an EMA equilibrium to {ema_worst:.1e}; {runs_full} full-rank SG/EMA limit points all on these components ({missed} found only by trajectories)",
            full.len(),
            kernels
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::Reason;

    #[test]
    fn every_outcome_is_reachable() {
        let exact = Known::Complete(Level::Exact);
        let f = rule("x", IdentityStatus::Proved, &exact, 2, 0, "");
        assert_eq!((f.verdict, f.level), (Verdict::Holds, Level::Exact));
        let f = rule(
            "x",
            IdentityStatus::Proved,
            &Known::Complete(Level::Modular),
            2,
            0,
            "",
        );
        assert_eq!(f.level, Level::Modular);
        // A family of full-rank S: not a finite union, at the stratum's
        // level (numeric when its family dimensions are numeric).
        let f = rule("x", IdentityStatus::Proved, &exact, 3, 1, "");
        assert_eq!((f.verdict, f.level), (Verdict::Fails, Level::Exact));
        let numeric = Known::Complete(Level::Numeric);
        let f = rule("x", IdentityStatus::Proved, &numeric, 3, 1, "");
        assert_eq!((f.verdict, f.level), (Verdict::Fails, Level::Numeric));
        assert_eq!(
            rule("x", IdentityStatus::Refuted, &exact, 2, 0, "").verdict,
            Verdict::Fails
        );
        let f = rule(
            "x",
            IdentityStatus::Proved,
            &Known::Unresolved(Reason::PositiveDimensional, "dim 1".into()),
            0,
            0,
            "",
        );
        assert_eq!(
            (f.verdict, f.reason),
            (Verdict::Inconclusive, Some(Reason::PositiveDimensional))
        );
        let f = rule("x", IdentityStatus::Errored, &exact, 2, 0, "");
        assert_eq!(f.reason, Some(Reason::ProofErrored));
        assert!(!rule("x", IdentityStatus::Proved, &exact, 0, 0, "").applies);
    }
}

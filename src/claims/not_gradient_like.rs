//! NOT-GRADIENT-LIKE (beyond the paper): the SG flow has a non-constant
//! periodic orbit on the instance. A flow with such an orbit has no strict
//! Lyapunov function, so SG is not a gradient flow for any metric (far more
//! than NOT-GRADIENT, which excludes the Euclidean one), and "every SG
//! trajectory converges to an equilibrium" is false there.
//!
//! Rule, per instance (λ > 0):
//! - a periodic-orbit certificate for the instance's data
//!   ([`crate::validated::orbit`]): a stored one (`data/orbits/`), or one
//!   computed when some SG run of the analysis did not converge, is
//!   re-checked from scratch; a proof **holds** at level `validated`;
//! - a certificate whose Krawczyk test does not pass, or a search that found
//!   no cycle, is **inconclusive** with the reason;
//! - when every SG run converged and no certificate is stored, no cycle is
//!   searched: **inconclusive** (not computed).
//!
//! The rule cannot refute the claim: proving that no periodic orbit exists
//! is beyond the method.

use super::{Claim, ClaimId, Evidence, Finding, Level, Reason, Verdict};
use crate::analysis::instance::{InstanceAnalysis, VerifyConfig};
use crate::model::{Instance, Procedure};
use crate::validated::orbit::{
    CheckOutcome, OrbitCertificate, OrbitProof, OrbitSettings, certify, check_certificate,
};

/// NOT-GRADIENT-LIKE.
pub(super) struct NotGradientLike;

/// Certificates shipped with the toolkit (built by `certify-orbit`).
const STORED: &[&str] = &[include_str!("../../data/orbits/square.json")];

/// The stored certificate whose data (moments and λ) is the instance's.
pub fn stored_certificate(inst: &Instance) -> Option<OrbitCertificate> {
    STORED
        .iter()
        .filter_map(|text| serde_json::from_str::<OrbitCertificate>(text).ok())
        .find(|c| {
            c.instance
                .clone()
                .into_instance("certificate")
                .is_ok_and(|ci| ci.moments() == inst.moments() && ci.lambda() == inst.lambda())
        })
}

/// One sentence on a proved orbit.
pub fn describe(proof: &OrbitProof, seconds: f64) -> String {
    let iv = |i: &crate::validated::Interval| format!("[{:.10}, {:.10}]", i.lo, i.hi);
    let closing = if proof.reflected {
        format!(
            "it closes up to A ↦ −A after T/2 ∈ {} (the period modulo O(n), and of Ē, ‖A‖); period T ∈ {}",
            iv(&proof.closing_time),
            iv(&proof.period)
        )
    } else {
        format!("period T ∈ {}", iv(&proof.period))
    };
    let floquet = match (proof.floquet, proof.attracting) {
        (Some(mu), Some(true)) => format!(
            "; Floquet multipliers of the return map on the slice: 1, e^(−2λτ) ∈ {}, μ ∈ {} over the closing time τ (|μ| < 1: attracting within the rank-1 slice)",
            iv(&proof.balance_multiplier),
            iv(&mu)
        ),
        (Some(mu), _) => format!(
            "; Floquet multipliers on the slice: 1, e^(−2λτ) ∈ {}, μ ∈ {} over the closing time τ (stability within the slice not decided)",
            iv(&proof.balance_multiplier),
            iv(&mu)
        ),
        (None, _) => String::new(),
    };
    format!(
        "validated periodic orbit of SG on the rank-1 slice (A = e₁aᵀ, B = b e₁e₁ᵀ): Krawczyk image inside the box (max |K − ẑ|/r = {:.3}); {closing}; ‖A‖ ∈ {}, Ē ∈ {} at the shooting points{floquet}; proof {seconds:.2} s",
        proof.contraction,
        iv(&proof.norm_a),
        iv(&proof.ebar)
    )
}

fn timed_check(cert: &OrbitCertificate) -> (crate::Result<CheckOutcome>, f64) {
    let t = std::time::Instant::now();
    let out = check_certificate(cert);
    (out, t.elapsed().as_secs_f64())
}

/// The finding from a certificate check.
fn from_check(name: &str, origin: &str, out: crate::Result<CheckOutcome>, s: f64) -> Finding {
    match out {
        Ok(CheckOutcome::Proved(p)) => Finding::new(
            name,
            Verdict::Holds,
            format!("{origin}: {}", describe(&p, s)),
        )
        .at(Level::Validated),
        Ok(CheckOutcome::Rejected(why)) => Finding::new(
            name,
            Verdict::Inconclusive,
            format!("{origin} does not check: {why}"),
        )
        .because(Reason::ProofErrored),
        Err(e) => Finding::new(
            name,
            Verdict::Inconclusive,
            format!("{origin} is unusable: {e}"),
        )
        .because(Reason::ProofErrored),
    }
}

/// The finding on one instance: a stored certificate, else a search when
/// some SG run did not converge.
pub(super) fn finding(an: &InstanceAnalysis) -> Finding {
    let name = an.instance.name();
    if an.model.lambda <= 0.0 {
        return Finding::not_applicable(name, "λ = 0: not searched".into());
    }
    if let Some(cert) = stored_certificate(&an.instance) {
        let (out, s) = timed_check(&cert);
        return from_check(name, "stored certificate re-checked", out, s);
    }
    let stuck = an
        .endpoints
        .iter()
        .filter(|e| e.procedure == Procedure::StopGradient && !e.converged)
        .count();
    if stuck == 0 {
        return Finding::new(
            name,
            Verdict::Inconclusive,
            "every SG run converged and no certificate is stored: no cycle searched".into(),
        )
        .because(Reason::NotComputed);
    }
    let t = std::time::Instant::now();
    match certify(&an.instance, &OrbitSettings::default()) {
        Ok((_, proof)) => Finding::new(
            name,
            Verdict::Holds,
            format!(
                "{stuck} SG run(s) did not converge; cycle searched and {}",
                describe(&proof, t.elapsed().as_secs_f64())
            ),
        )
        .at(Level::Validated),
        Err(e) => Finding::new(
            name,
            Verdict::Inconclusive,
            format!("{stuck} SG run(s) did not converge, but no orbit was proved: {e}"),
        )
        .because(Reason::NotComputed),
    }
}

impl Claim for NotGradientLike {
    fn id(&self) -> ClaimId {
        ClaimId::NotGradientLike
    }

    fn hypotheses(&self) -> &'static str {
        "λ > 0 (cycles are searched on the rank-1 slice A = e₁aᵀ, B = b e₁e₁ᵀ)"
    }

    fn outcomes(&self) -> &'static [Verdict] {
        &[Verdict::Holds, Verdict::Inconclusive]
    }

    fn numeric(&self, an: &InstanceAnalysis, _cfg: &VerifyConfig) -> Finding {
        finding(an)
    }

    fn judge(&self, numeric: Finding, _an: &InstanceAnalysis, _ev: &Evidence<'_>) -> Finding {
        numeric
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::builtin;

    #[test]
    fn the_stored_certificate_belongs_to_square_only() {
        let sq = builtin("square").expect("built-in");
        assert!(stored_certificate(&sq).is_some());
        for other in ["default", "scalar", "wide"] {
            assert!(stored_certificate(&builtin(other).expect("built-in")).is_none());
        }
    }

    #[test]
    fn the_rule_reaches_holds_and_inconclusive() {
        let cert = stored_certificate(&builtin("square").expect("built-in")).expect("stored");
        let (out, s) = timed_check(&cert);
        let f = from_check("square", "stored certificate re-checked", out, s);
        assert_eq!((f.verdict, f.level), (Verdict::Holds, Level::Validated));
        assert!(f.summary.contains("T/2 ∈ [19.77992633"), "{}", f.summary);
        let mut moved = cert.clone();
        moved.period += 1e-6;
        let (out, s) = timed_check(&moved);
        let f = from_check("square", "stored certificate re-checked", out, s);
        assert_eq!(f.verdict, Verdict::Inconclusive);
        assert_eq!(f.reason, Some(Reason::ProofErrored));
        let mut broken = cert;
        broken.points.pop();
        let (out, s) = timed_check(&broken);
        let f = from_check("square", "stored certificate re-checked", out, s);
        assert_eq!(f.verdict, Verdict::Inconclusive);
        assert!(f.summary.contains("unusable"));
    }
}

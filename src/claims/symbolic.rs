//! The symbolic level of the claims that are polynomial identities:
//! NOT-GRADIENT, BALANCE, SYMMETRY and GD-COLLAPSE are proved for symbolic
//! data of every shape up to a size, and for each instance's own rational
//! data, by [`crate::polynomial::proofs`]. Their verdicts then rest on these
//! proofs; the numeric checks stay as a cross-check in each finding.

use std::time::Duration;

use serde::Serialize;

use super::{ClaimId, ClaimResult, Finding, Level, Reason, Verdict};
use crate::analysis::characterize::IdentityStatus;
use crate::model::Instance;
use crate::polynomial::Data;
use crate::polynomial::proofs::{
    Identity, MAX_PROOF_DIMENSION, Proof, ProofOutcome, Witness, prove, prove_shapes,
};

/// Shapes and instances covered by the symbolic proof of one claim.
#[derive(Clone, Debug, Serialize)]
pub struct SymbolicCoverage {
    /// Largest n and m proved with symbolic data (all shapes up to it).
    pub max_dimension: usize,
    /// Per shape with symbolic data: `n×m`, whether it holds, seconds, detail.
    pub shapes: Vec<ShapeOutcome>,
    /// Shapes not attempted because the time budget ran out.
    pub not_attempted: Vec<String>,
    /// Polynomials and matrices carrying the evidence (small ones only).
    pub witnesses: Vec<(String, Witness)>,
    /// Total wall time of the proofs in seconds (like every time in the
    /// report, the only part that varies between runs with the same seed).
    pub seconds: f64,
}

/// The outcome on one shape with symbolic data.
#[derive(Clone, Debug, Serialize)]
pub struct ShapeOutcome {
    /// `n×m`.
    pub shape: String,
    /// Whether the claim's whole statement was proved for all data of this
    /// shape (`status` is `proved`).
    pub holds: bool,
    /// What the proof established.
    pub status: IdentityStatus,
    /// Wall time in seconds.
    pub seconds: f64,
    /// What was shown.
    pub detail: String,
}

/// Witnesses with more terms than this are left out of reports.
const WITNESS_MAX_TERMS: usize = 60;

pub(crate) fn identity_of(id: ClaimId) -> Option<Identity> {
    match id {
        ClaimId::NotGradient => Some(Identity::NotGradient),
        ClaimId::Balance => Some(Identity::Balance),
        ClaimId::Symmetry => Some(Identity::Symmetry),
        ClaimId::GdCollapse => Some(Identity::GdCollapse),
        ClaimId::SEquation => Some(Identity::SEquation),
        _ => None,
    }
}

/// Everything the symbolic proofs returned.
pub(crate) struct SymbolicRun {
    per_identity: Vec<IdentityRun>,
    max_dimension: usize,
}

struct IdentityRun {
    identity: Identity,
    shapes: Vec<Proof>,
    not_attempted: Vec<(usize, usize)>,
    /// The error of the shapes' run, if it raised one (no shape is then
    /// counted as proved).
    shapes_error: Option<String>,
    /// Per instance: the proof on its data, or the error it raised.
    instances: Vec<(String, Result<Proof, String>)>,
}

/// What a proof established (a proof that raised an error is kept apart,
/// never turned into a refutation).
pub(crate) fn status(p: &Proof) -> IdentityStatus {
    match p.outcome {
        ProofOutcome::Proved => IdentityStatus::Proved,
        ProofOutcome::Refuted => IdentityStatus::Refuted,
        ProofOutcome::Partial(_) => IdentityStatus::Partial,
    }
}

/// Runs every proof: symbolic data for `1 ≤ n, m ≤ max_dimension`, then each
/// instance's data. `budget` bounds the shapes of each claim. A proof that
/// raises an error is recorded as such.
pub(super) fn run(
    instances: &[Instance],
    max_dimension: usize,
    budget: Option<Duration>,
) -> crate::Result<SymbolicRun> {
    let mut per_identity = Vec::new();
    for identity in Identity::ALL {
        let (shapes, not_attempted, shapes_error) = if max_dimension > 0 {
            match prove_shapes(identity, max_dimension, budget) {
                Ok((s, n)) => (s, n, None),
                Err(e) => (Vec::new(), Vec::new(), Some(e.to_string())),
            }
        } else {
            (Vec::new(), Vec::new(), None)
        };
        let instances = instances
            .iter()
            .filter(|i| i.n() <= MAX_PROOF_DIMENSION && i.m() <= MAX_PROOF_DIMENSION)
            .map(|i| {
                (
                    i.name().to_owned(),
                    prove(identity, &Data::Instance(i.clone())).map_err(|e| e.to_string()),
                )
            })
            .collect();
        per_identity.push(IdentityRun {
            identity,
            shapes,
            not_attempted,
            shapes_error,
            instances,
        });
    }
    Ok(SymbolicRun {
        per_identity,
        max_dimension,
    })
}

impl SymbolicRun {
    fn of(&self, identity: Identity) -> Option<&IdentityRun> {
        self.per_identity.iter().find(|r| r.identity == identity)
    }

    /// The proof of `identity` on the data of `instance`: its status and
    /// detail, or `None` if none was attempted (too large).
    pub(crate) fn on_instance(
        &self,
        identity: Identity,
        instance: &str,
    ) -> Option<(IdentityStatus, String)> {
        let r = self.of(identity)?;
        let (_, p) = r.instances.iter().find(|(n, _)| n == instance)?;
        Some(match p {
            Ok(p) => (status(p), p.detail.clone()),
            Err(e) => (
                IdentityStatus::Errored,
                format!("the proof on this instance's data raised an error: {e}"),
            ),
        })
    }

    /// A finding for each shape with symbolic data whose identity is false
    /// (a counterexample for all data of that shape) or whose proof raised
    /// an error.
    pub(crate) fn shape_findings(&self, identity: Identity) -> Vec<Finding> {
        let Some(r) = self.of(identity) else {
            return Vec::new();
        };
        let mut out: Vec<Finding> = r
            .shapes
            .iter()
            .filter(|p| status(p) == IdentityStatus::Refuted)
            .map(|p| {
                Finding::new(
                    &format!("all data {}×{}", p.n, p.m),
                    Verdict::Fails,
                    p.detail.clone(),
                )
                .at(Level::Symbolic)
            })
            .collect();
        if let Some(e) = &r.shapes_error {
            out.push(
                Finding::new(
                    "all data (symbolic shapes)",
                    Verdict::Inconclusive,
                    format!("the proofs with symbolic data raised an error: {e}"),
                )
                .because(Reason::ProofErrored),
            );
        }
        out
    }
}

/// The symbolic finding on one instance: the proof on its data decides,
/// the numeric finding stays as a cross-check. `conclude` turns a proved
/// identity into the claim's finding (e.g. GD-COLLAPSE's statement depends
/// on λ); without a proof the numeric finding stands.
pub(crate) fn raise(
    numeric: Finding,
    identity: Identity,
    run: &SymbolicRun,
    conclude: impl FnOnce(Finding) -> Finding,
) -> Finding {
    let Some((status, detail)) = run.on_instance(identity, &numeric.instance) else {
        return numeric;
    };
    let summary = format!(
        "{detail} [numeric cross-check: {}]",
        numeric.verdict.as_str()
    );
    let f = Finding {
        summary,
        ..numeric.clone()
    };
    match status {
        IdentityStatus::Proved => {
            conclude(Finding::new(&f.instance, Verdict::Holds, f.summary).at(Level::Symbolic))
        }
        IdentityStatus::Refuted => {
            Finding::new(&f.instance, Verdict::Fails, f.summary).at(Level::Symbolic)
        }
        IdentityStatus::Partial => f.because(Reason::NotComputed),
        IdentityStatus::Errored => f.because(Reason::ProofErrored),
    }
}

/// Attaches the coverage of the symbolic proofs to a claim's result: the
/// shapes proved (only those whose whole statement was proved count), the
/// shapes not attempted, the witnesses.
pub(crate) fn attach(result: &mut ClaimResult, run: &SymbolicRun) {
    let Some(identity) = identity_of(result.id) else {
        return;
    };
    let Some(r) = run.of(identity) else {
        return;
    };
    let proved: Vec<&Proof> = r
        .shapes
        .iter()
        .filter(|p| status(p) == IdentityStatus::Proved)
        .collect();
    let seconds: f64 = r
        .shapes
        .iter()
        .chain(r.instances.iter().filter_map(|(_, p)| p.as_ref().ok()))
        .map(|p| p.seconds)
        .sum();
    if !r.shapes.is_empty() || r.shapes_error.is_some() {
        let partial = r.shapes.len() - proved.len();
        let prefix = format!(
            "proved for all data with n, m ≤ {}: {} of {} shapes{}{}",
            run.max_dimension,
            proved.len(),
            r.shapes.len() + r.not_attempted.len(),
            if partial > 0 {
                format!(" ({partial} not fully proved)")
            } else {
                String::new()
            },
            if r.not_attempted.is_empty() {
                String::new()
            } else {
                format!(", {} not attempted: time budget", r.not_attempted.len())
            },
        );
        result.summary = format!("{prefix}; {}", result.summary);
    }
    let witnesses = r
        .shapes
        .iter()
        .chain(r.instances.iter().filter_map(|(_, p)| p.as_ref().ok()))
        .flat_map(|p| {
            let label = if p.data == "symbolic" {
                format!("all data {}×{}", p.n, p.m)
            } else {
                p.data.clone()
            };
            p.witnesses
                .iter()
                .filter(|w| w.terms <= WITNESS_MAX_TERMS)
                .map(move |w| (label.clone(), w.clone()))
        })
        .collect();
    result.symbolic = Some(SymbolicCoverage {
        max_dimension: run.max_dimension,
        shapes: r
            .shapes
            .iter()
            .map(|p| ShapeOutcome {
                shape: format!("{}×{}", p.n, p.m),
                holds: status(p) == IdentityStatus::Proved,
                status: status(p),
                seconds: p.seconds,
                detail: p.detail.clone(),
            })
            .collect(),
        not_attempted: r
            .not_attempted
            .iter()
            .map(|(n, m)| format!("{n}×{m}"))
            .collect(),
        witnesses,
        seconds,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proof(outcome: ProofOutcome, n: usize) -> Proof {
        Proof {
            identity: Identity::Symmetry,
            n,
            m: 1,
            data: "x".into(),
            holds: outcome.is_proved(),
            outcome,
            detail: "detail".into(),
            witnesses: Vec::new(),
            seconds: 0.0,
        }
    }

    fn run(instance: Result<Proof, String>, shapes: Vec<Proof>) -> SymbolicRun {
        SymbolicRun {
            per_identity: vec![IdentityRun {
                identity: Identity::Symmetry,
                shapes,
                not_attempted: Vec::new(),
                shapes_error: None,
                instances: vec![("x".into(), instance)],
            }],
            max_dimension: 2,
        }
    }

    fn raised(instance: Result<Proof, String>) -> Finding {
        let numeric = Finding::new("x", Verdict::Holds, "numeric".into());
        raise(
            numeric,
            Identity::Symmetry,
            &run(instance, Vec::new()),
            |f| f,
        )
    }

    #[test]
    fn the_identity_claims_reach_every_outcome() {
        let f = raised(Ok(proof(ProofOutcome::Proved, 1)));
        assert_eq!((f.verdict, f.level), (Verdict::Holds, Level::Symbolic));
        let f = raised(Ok(proof(ProofOutcome::Refuted, 1)));
        assert_eq!((f.verdict, f.level), (Verdict::Fails, Level::Symbolic));
        // Partly proved or errored: inconclusive, never holds nor fails.
        let f = raised(Ok(proof(ProofOutcome::Partial("converse".into()), 1)));
        assert_eq!(
            (f.verdict, f.reason),
            (Verdict::Inconclusive, Some(Reason::NotComputed))
        );
        let f = raised(Err("boom".into()));
        assert_eq!(
            (f.verdict, f.reason),
            (Verdict::Inconclusive, Some(Reason::ProofErrored))
        );
    }

    #[test]
    fn a_partly_proved_shape_is_not_counted_as_proved() {
        let r = run(
            Ok(proof(ProofOutcome::Proved, 1)),
            vec![
                proof(ProofOutcome::Proved, 1),
                proof(ProofOutcome::Partial("converse not expanded".into()), 2),
            ],
        );
        // Not a refutation either.
        assert!(r.shape_findings(Identity::Symmetry).is_empty());
        let mut result = ClaimResult::aggregate(ClaimId::Symmetry, vec![]);
        attach(&mut result, &r);
        let cov = result.symbolic.unwrap();
        assert_eq!(cov.shapes.iter().filter(|s| s.holds).count(), 1);
        assert!(
            result
                .summary
                .contains("1 of 2 shapes (1 not fully proved)"),
            "{}",
            result.summary
        );
    }
}

//! The symbolic level of the claims that are polynomial identities:
//! NOT-GRADIENT, BALANCE, SYMMETRY and GD-COLLAPSE are proved for symbolic
//! data of every shape up to a size, and for each instance's own rational
//! data, by [`crate::polynomial::proofs`]. Their verdicts then rest on these
//! proofs; the numeric checks stay as a cross-check in each finding.

use std::time::Duration;

use serde::Serialize;

use super::{ClaimId, ClaimResult, Finding, Level, Verdict};
use crate::model::Instance;
use crate::polynomial::Data;
use crate::polynomial::proofs::{
    Identity, MAX_PROOF_DIMENSION, Proof, Witness, prove, prove_shapes,
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
    /// Whether the claim's identities hold for all data of this shape.
    pub holds: bool,
    /// Wall time in seconds.
    pub seconds: f64,
    /// What was shown.
    pub detail: String,
}

/// Witnesses with more terms than this are left out of reports.
const WITNESS_MAX_TERMS: usize = 60;

fn identity_of(id: ClaimId) -> Option<Identity> {
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
pub(super) struct SymbolicRun {
    per_identity: Vec<IdentityRun>,
    max_dimension: usize,
}

struct IdentityRun {
    identity: Identity,
    shapes: Vec<Proof>,
    not_attempted: Vec<(usize, usize)>,
    instances: Vec<Proof>,
}

/// Runs every proof: symbolic data for `1 ≤ n, m ≤ max_dimension`, then each
/// instance's data. `budget` bounds the shapes of each claim.
pub(super) fn run(
    instances: &[Instance],
    max_dimension: usize,
    budget: Option<Duration>,
) -> crate::Result<SymbolicRun> {
    let mut per_identity = Vec::new();
    for identity in Identity::ALL {
        let (shapes, not_attempted) = if max_dimension > 0 {
            prove_shapes(identity, max_dimension, budget)?
        } else {
            (Vec::new(), Vec::new())
        };
        let instances = instances
            .iter()
            .filter(|i| i.n() <= MAX_PROOF_DIMENSION && i.m() <= MAX_PROOF_DIMENSION)
            .map(|i| prove(identity, &Data::Instance(i.clone())))
            .collect::<crate::Result<Vec<_>>>()?;
        per_identity.push(IdentityRun {
            identity,
            shapes,
            not_attempted,
            instances,
        });
    }
    Ok(SymbolicRun {
        per_identity,
        max_dimension,
    })
}

/// Raises a numeric result to the symbolic level where proofs exist: each
/// instance with a proof gets a symbolic finding (the numeric verdict kept as
/// a cross-check), and a shape whose all-data identity fails is a finding of
/// its own.
pub(super) fn apply(numeric: ClaimResult, run: &SymbolicRun) -> ClaimResult {
    let Some(identity) = identity_of(numeric.id) else {
        return numeric;
    };
    let Some(r) = run.per_identity.iter().find(|r| r.identity == identity) else {
        return numeric;
    };
    let mut findings: Vec<Finding> = numeric
        .findings
        .iter()
        .map(
            |f| match r.instances.iter().find(|p| p.data == f.instance) {
                Some(p) => symbolic_finding(p, f),
                None => f.clone(),
            },
        )
        .collect();
    for p in r.shapes.iter().filter(|p| !p.holds) {
        let mut f = Finding::new(
            &format!("all data {}×{}", p.n, p.m),
            Verdict::Fails,
            p.detail.clone(),
        );
        f.level = Level::Symbolic;
        findings.push(f);
    }
    let mut result = ClaimResult::aggregate(numeric.id, findings);
    let proved: Vec<&Proof> = r.shapes.iter().filter(|p| p.holds).collect();
    let seconds: f64 = r.shapes.iter().chain(&r.instances).map(|p| p.seconds).sum();
    if !r.shapes.is_empty() {
        let prefix = format!(
            "proved for all data with n, m ≤ {} ({} of {} shapes{})",
            run.max_dimension,
            proved.len(),
            r.shapes.len() + r.not_attempted.len(),
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
        .chain(&r.instances)
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
                holds: p.holds,
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
    result
}

fn symbolic_finding(p: &Proof, numeric: &Finding) -> Finding {
    let verdict = if p.holds {
        Verdict::Holds
    } else {
        Verdict::Fails
    };
    let mut f = Finding::new(
        &p.data,
        verdict,
        format!(
            "{} [numeric cross-check: {}]",
            p.detail,
            numeric.verdict.as_str()
        ),
    );
    f.level = Level::Symbolic;
    f.applies = numeric.applies;
    f
}

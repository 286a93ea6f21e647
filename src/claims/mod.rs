//! The claim registry: one checkable item per claim of SPEC §3.
//!
//! [`verify`] analyses each instance once (trajectories, equilibrium catalogue,
//! spectra; see [`crate::analysis`]), proves the identities (Symbolica), and
//! characterizes each instance exactly ([`characterize`]); then every claim
//! judges the typed evidence with its own rule. Each claim lives in its own
//! module behind the `Claim` trait: its statement, its hypotheses, the
//! outcomes its rule can produce, and the rule. Each result carries a verdict
//! (SPEC §5: holds, holds with a condition, fails, inconclusive with a
//! reason), the level of evidence it rests on (the weakest link), the
//! instances it covers and a one-line summary with the key numbers.

mod balance;
mod common;
mod evidence;
mod existence;
mod gd_collapse;
mod not_gradient;
pub mod not_gradient_like;
mod not_minimizer;
mod outcome;
pub mod properties;
mod rank_strata;
mod s_equation;
mod scalar;
mod stability;
mod symbolic;
mod symmetry;
mod synthetic_table;
mod variety;

use std::time::{Duration, Instant};

use serde::Serialize;

pub use crate::analysis::{InstanceAnalysis, VerifyConfig, analyze, characterize};
use crate::model::Instance;
pub use outcome::{ClaimResult, Finding, Level, Reason, Verdict};
pub use symbolic::{ShapeOutcome, SymbolicCoverage};

/// Identifiers of the claims of SPEC §3, in report order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum ClaimId {
    /// SG and EMA fields are not gradients [P3.2].
    #[serde(rename = "NOT-GRADIENT")]
    NotGradient,
    /// SG/EMA limit points are not critical points of Ē and not collapsed [P3.1].
    #[serde(rename = "NOT-MINIMIZER")]
    NotMinimizer,
    /// `d/dt(AAᵀ − BᵀB) = −2λ(AAᵀ − BᵀB)` for SG and EMA.
    #[serde(rename = "BALANCE")]
    Balance,
    /// O(n)-equivariance of the dynamics.
    #[serde(rename = "SYMMETRY")]
    Symmetry,
    /// Gradient flow on Ē collapses [L4.3].
    #[serde(rename = "GD-COLLAPSE")]
    GdCollapse,
    /// Full-rank equilibria ⇔ the S-equation [P4.5].
    #[serde(rename = "S-EQUATION")]
    SEquation,
    /// Full-rank equilibria form finitely many Stiefel manifolds [C4.6].
    #[serde(rename = "VARIETY")]
    Variety,
    /// Every rank stratum satisfies the generalized S-equation (beyond the paper).
    #[serde(rename = "RANK-STRATA")]
    RankStrata,
    /// Full-rank equilibria exist for generic data, under a condition [P4.7].
    #[serde(rename = "EXISTENCE")]
    Existence,
    /// Generic equilibria are asymptotically stable modulo their orbit [T4.9, P4.10].
    #[serde(rename = "STABILITY")]
    Stability,
    /// The scalar case m = 1 in closed form [P4.11].
    #[serde(rename = "SCALAR")]
    Scalar,
    /// The paper's synthetic experiment.
    #[serde(rename = "SYNTHETIC-TABLE")]
    SyntheticTable,
    /// SG has a non-constant periodic orbit, so it is not gradient-like
    /// (beyond the paper).
    #[serde(rename = "NOT-GRADIENT-LIKE")]
    NotGradientLike,
}

impl ClaimId {
    /// All claims in report order.
    pub const ALL: [ClaimId; 13] = [
        ClaimId::NotGradient,
        ClaimId::NotMinimizer,
        ClaimId::Balance,
        ClaimId::Symmetry,
        ClaimId::GdCollapse,
        ClaimId::SEquation,
        ClaimId::Variety,
        ClaimId::RankStrata,
        ClaimId::Existence,
        ClaimId::Stability,
        ClaimId::Scalar,
        ClaimId::SyntheticTable,
        ClaimId::NotGradientLike,
    ];

    /// The stable identifier, e.g. `NOT-GRADIENT`.
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimId::NotGradient => "NOT-GRADIENT",
            ClaimId::NotMinimizer => "NOT-MINIMIZER",
            ClaimId::Balance => "BALANCE",
            ClaimId::Symmetry => "SYMMETRY",
            ClaimId::GdCollapse => "GD-COLLAPSE",
            ClaimId::SEquation => "S-EQUATION",
            ClaimId::Variety => "VARIETY",
            ClaimId::RankStrata => "RANK-STRATA",
            ClaimId::Existence => "EXISTENCE",
            ClaimId::Stability => "STABILITY",
            ClaimId::Scalar => "SCALAR",
            ClaimId::SyntheticTable => "SYNTHETIC-TABLE",
            ClaimId::NotGradientLike => "NOT-GRADIENT-LIKE",
        }
    }

    /// Parses an identifier (case-insensitive).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s))
    }

    /// The claim in one sentence, as checked.
    pub fn statement(self) -> &'static str {
        match self {
            ClaimId::NotGradient => {
                "the SG and EMA fields are not gradients of any function (their Jacobians are not symmetric); the GD field is"
            }
            ClaimId::NotMinimizer => "SG/EMA limit points have ∇Ē ≠ 0 and A ≠ 0",
            ClaimId::Balance => {
                "for SG and EMA (any teacher C), d/dt(AAᵀ − BᵀB) = −2λ(AAᵀ − BᵀB); not for GD on Ē"
            }
            ClaimId::Symmetry => {
                "the dynamics are equivariant under A → UA, B → UBUᵀ, C → UC, U ∈ O(n)"
            }
            ClaimId::GdCollapse => {
                "gradient flow on Ē converges to (A, B) = (0, 0) from every start (λ > 0)"
            }
            ClaimId::SEquation => {
                "with λ > 0, (A, B) with S = AᵀA ≻ 0 is an equilibrium iff (Mxx S + λI)(S Mxx + λI) = Mxy S Myx and B = A Myx Aᵀ(A Mxx Aᵀ + λI)⁻¹"
            }
            ClaimId::Variety => {
                "for n ≥ m the full-rank equilibria are finitely many sets {AᵀA = S_k}, each of dimension nm − m(m+1)/2; EMA equilibria are the same with C = A"
            }
            ClaimId::RankStrata => {
                "every rank-r equilibrium satisfies S[(Mxx S + λI)(S Mxx + λI) − Mxy S Myx] = 0 and lies on an orbit of dimension nr − r(r+1)/2"
            }
            ClaimId::Existence => {
                "full-rank equilibria exist for generic data, provided a condition on λ holds (m = 1: iff Δ = τ² − 4ρλ ≥ 0)"
            }
            ClaimId::Stability => {
                "generic SG and EMA equilibria are asymptotically stable modulo their orbit (dim-orbit zero eigenvalues, the rest in the open left half-plane); some components are saddles"
            }
            ClaimId::Scalar => {
                "m = 1: nonzero equilibria iff Δ ≥ 0, on spheres of radii (|τ| ∓ √Δ)/(2ρ); the outer is stable, the inner a saddle, the origin stable"
            }
            ClaimId::SyntheticTable => {
                "m = 1 synthetic experiment: EMA 92.8/7.2/0 %, SG 82.0/18.0/0 % end on outer sphere/origin/inner sphere"
            }
            ClaimId::NotGradientLike => {
                "the SG flow has a non-constant periodic orbit, so no function decreases strictly along its non-constant trajectories: SG is not a gradient flow for any metric (beyond the paper)"
            }
        }
    }
}

impl ClaimId {
    /// Whether the claim is existential, "on this instance there is …":
    /// it is shown by one instance where it holds (its witness), and an
    /// instance where it was not decided takes nothing away from that.
    pub fn is_existential(self) -> bool {
        matches!(self, ClaimId::NotGradientLike)
    }

    /// The claim's module, behind the [`Claim`] trait.
    pub(crate) fn claim(self) -> &'static dyn Claim {
        match self {
            ClaimId::NotGradient => &not_gradient::NotGradient,
            ClaimId::NotMinimizer => &not_minimizer::NotMinimizer,
            ClaimId::Balance => &balance::Balance,
            ClaimId::Symmetry => &symmetry::Symmetry,
            ClaimId::GdCollapse => &gd_collapse::GdCollapse,
            ClaimId::SEquation => &s_equation::SEquation,
            ClaimId::Variety => &variety::Variety,
            ClaimId::RankStrata => &rank_strata::RankStrata,
            ClaimId::Existence => &existence::Existence,
            ClaimId::Stability => &stability::Stability,
            ClaimId::Scalar => &scalar::Scalar,
            ClaimId::SyntheticTable => &synthetic_table::SyntheticTable,
            ClaimId::NotGradientLike => &not_gradient_like::NotGradientLike,
        }
    }

    /// The hypotheses under which the toolkit judges the claim; an instance
    /// outside them gets `inconclusive (outside the hypotheses)`.
    pub fn hypotheses(self) -> &'static str {
        self.claim().hypotheses()
    }

    /// The outcomes the claim's rule can produce (each reached by a test).
    pub fn outcomes(self) -> &'static [Verdict] {
        self.claim().outcomes()
    }
}

/// Everything the rules read: the numeric analyses, the symbolic proofs and
/// the exact characterizations, and the settings.
pub(crate) struct Evidence<'a> {
    /// The numeric analysis of each instance.
    pub analyses: &'a [InstanceAnalysis],
    /// The symbolic proofs.
    pub proofs: &'a symbolic::SymbolicRun,
    /// The exact characterizations.
    pub exact: &'a evidence::ExactRun,
    /// The settings.
    pub config: &'a VerifyConfig,
}

/// One claim of SPEC §3: its statement, its hypotheses and its rule.
pub(crate) trait Claim: Sync {
    /// Its identifier.
    fn id(&self) -> ClaimId;

    /// The hypotheses it is judged under.
    fn hypotheses(&self) -> &'static str;

    /// The outcomes its rule can produce.
    fn outcomes(&self) -> &'static [Verdict];

    /// The numeric finding on one analysed instance (also what `falsify`
    /// checks).
    fn numeric(&self, an: &InstanceAnalysis, cfg: &VerifyConfig) -> Finding;

    /// The finding on one instance from every level of evidence; by default
    /// the proof of the claim's identity on the instance's data where the
    /// claim is one ([`symbolic::identity_of`]), else the numeric finding.
    fn judge(&self, numeric: Finding, _an: &InstanceAnalysis, ev: &Evidence<'_>) -> Finding {
        match symbolic::identity_of(self.id()) {
            Some(identity) => symbolic::raise(numeric, identity, ev.proofs, |f| f),
            None => numeric,
        }
    }

    /// Findings beyond the instances (sweeps); by default the shapes with
    /// symbolic data whose identity is refuted or whose proof errored.
    fn extra(&self, ev: &Evidence<'_>) -> Vec<Finding> {
        symbolic::identity_of(self.id())
            .map(|identity| ev.proofs.shape_findings(identity))
            .unwrap_or_default()
    }

    /// The claim's result over every instance.
    fn evaluate(&self, ev: &Evidence<'_>) -> ClaimResult {
        let mut findings: Vec<Finding> = ev
            .analyses
            .iter()
            .map(|an| {
                let mut f = self.judge(self.numeric(an, ev.config), an, ev);
                // A numeric finding says why it is not exact.
                if f.applies
                    && f.level == Level::Numeric
                    && let Some(why) = ev.exact.missing(an.instance.name())
                {
                    f.summary = format!("{} ({why})", f.summary);
                }
                f
            })
            .collect();
        findings.extend(self.extra(ev));
        let mut result = ClaimResult::aggregate(self.id(), findings);
        symbolic::attach(&mut result, ev.proofs);
        result
    }
}

/// A whole verification report.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// One result per claim, in [`ClaimId::ALL`] order.
    pub claims: Vec<ClaimResult>,
    /// The instances analysed, with their shapes and λ.
    pub instances: Vec<InstanceInfo>,
    /// Instances skipped because the time budget ran out.
    pub skipped: Vec<String>,
    /// The settings used (seed, tolerances, ...).
    pub config: VerifyConfig,
    /// Wall time in seconds.
    pub seconds: f64,
}

/// Shape and λ of an analysed instance, plus what the analysis found.
#[derive(Clone, Debug, Serialize)]
pub struct InstanceInfo {
    /// Name.
    pub name: String,
    /// Embedding dimension.
    pub n: usize,
    /// Data dimension.
    pub m: usize,
    /// λ as an exact rational.
    pub lambda: String,
    /// Equilibrium components found, per rank r = 0..min(n, m): from the
    /// exact characterization when every stratum of it is resolved (a
    /// family counts once), else from the numerical search (distinct points
    /// of S, so a family's points count separately).
    pub components_per_rank: Vec<usize>,
    /// Where `components_per_rank` comes from: `exact` or `numeric search`.
    pub components_source: &'static str,
    /// Per stratum of the exact characterization whose list is not proved
    /// complete, what its completeness rests on and why no proof: "rank 2:
    /// Gröbner bases over Z/p and Z/q agree (not proved over Q: …)". These
    /// strata set the `modular` (or `numeric`) level of the claims that
    /// rest on the lists.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub completeness_notes: Vec<String>,
    /// Converged SG trajectories ending at each rank.
    pub sg_endpoints_per_rank: Vec<usize>,
    /// Converged EMA trajectories ending at each rank.
    pub ema_endpoints_per_rank: Vec<usize>,
    /// Trajectories (all procedures) that did not converge.
    pub not_converged: usize,
}

/// Largest state dimension `2nm + n²` for which `verify` builds dense Jacobians.
pub const MAX_VERIFY_STATE: usize = 600;

/// Analyses every instance and evaluates every claim. `progress` is called
/// with a message before each instance; `budget` bounds the wall time: instances
/// not started before it runs out are listed in `Report::skipped` and the claims
/// cover only the others.
pub fn verify(
    instances: &[Instance],
    config: &VerifyConfig,
    budget: Option<Duration>,
    mut progress: impl FnMut(&str),
) -> crate::Result<Report> {
    for inst in instances {
        let dim = 2 * inst.n() * inst.m() + inst.n() * inst.n();
        if dim > MAX_VERIFY_STATE {
            return Err(crate::Error::invalid(
                Some(inst.name()),
                format!(
                    "n = {}, m = {} gives an EMA state of dimension 2nm + n² = {dim}: expected at most {MAX_VERIFY_STATE} for verify's dense Jacobians",
                    inst.n(),
                    inst.m()
                ),
            ));
        }
    }
    let started = Instant::now();
    // The symbolic proofs (mostly Symbolica's worker thread), the exact
    // characterizations (our own arithmetic, two instances at a time) and
    // the numeric analysis (here) run side by side.
    let proofs = {
        let instances = instances.to_vec();
        let dim = config.proof_dimension;
        std::thread::spawn(move || symbolic::run(&instances, dim, budget))
    };
    let exact = {
        let instances = instances.to_vec();
        let cfg = config.clone();
        std::thread::spawn(move || evidence::run(&instances, &cfg, budget))
    };
    let mut analyses = Vec::new();
    let mut skipped = Vec::new();
    for inst in instances {
        if budget.is_some_and(|b| started.elapsed() > b) {
            skipped.push(inst.name().to_owned());
            continue;
        }
        progress(inst.name());
        analyses.push(analyze(inst, config));
    }
    let proofs = proofs
        .join()
        .map_err(|_| crate::Error::Computation("the symbolic proofs panicked".into()))??;
    let exact = exact
        .join()
        .map_err(|_| crate::Error::Computation("the exact characterizations panicked".into()))?;
    let ev = Evidence {
        analyses: &analyses,
        proofs: &proofs,
        exact: &exact,
        config,
    };
    let claims = ClaimId::ALL
        .into_iter()
        .map(|id| id.claim().evaluate(&ev))
        .collect();
    let instances = analyses.iter().map(|an| info(an, &exact)).collect();
    Ok(Report {
        claims,
        instances,
        skipped,
        config: config.clone(),
        seconds: started.elapsed().as_secs_f64(),
    })
}

fn info(an: &InstanceAnalysis, exact: &evidence::ExactRun) -> InstanceInfo {
    let rmax = an.model.n.min(an.model.m);
    let resolved = exact
        .get(an.instance.name())
        .filter(|c| c.strata.iter().all(|st| st.stratum.is_resolved()));
    let (comps, components_source) = match resolved {
        Some(c) => {
            let mut comps = vec![0; rmax + 1];
            for st in &c.strata {
                if st.stratum.rank <= rmax {
                    comps[st.stratum.rank] = st.components.len();
                }
            }
            (comps, "exact")
        }
        None => {
            let mut comps = vec![0; rmax + 1];
            for c in &an.components {
                comps[c.equilibrium.rank] += 1;
            }
            (comps, "numeric search")
        }
    };
    let count = |p: crate::model::Procedure| {
        let mut v = vec![0; rmax + 1];
        for e in an
            .endpoints
            .iter()
            .filter(|e| e.procedure == p && e.converged)
        {
            v[e.rank.min(rmax)] += 1;
        }
        v
    };
    InstanceInfo {
        name: an.instance.name().to_owned(),
        n: an.model.n,
        m: an.model.m,
        lambda: an.instance.lambda().to_string(),
        components_per_rank: comps,
        components_source,
        completeness_notes: exact
            .get(an.instance.name())
            .map(|c| evidence::completeness_notes(&c.strata))
            .unwrap_or_default(),
        sg_endpoints_per_rank: count(crate::model::Procedure::StopGradient),
        ema_endpoints_per_rank: count(crate::model::Procedure::Ema),
        not_converged: an.endpoints.iter().filter(|e| !e.converged).count(),
    }
}

//! `characterize`: everything known about the equilibria of one instance, with
//! the level of evidence of each statement.
//!
//! - the strata, exactly ([`crate::variety::strata`]): for each rank r the
//!   complex solution count, the real solutions S (isolated exactly, PSD
//!   decided exactly), orbit dimensions;
//! - for every equilibrium component (a real PSD S of rank r ≤ n): a
//!   representative `(A, B(A))`, the stability verdicts of SG, EMA
//!   (continuous, κ on a grid), the SG map and the EMA map, numerically from
//!   the structured spectrum ([`crate::numeric::structured`]), and exactly
//!   ([`crate::exact::certificate`]) where a rational representative is known:
//!   the origin, a built-in witness, or an S whose LDLᵀ factorization has
//!   square pivots;
//! - the S-equation identities on the instance's data
//!   ([`crate::polynomial::proofs`]), the scalar derivation when m = 1, and
//!   the dimension and degree of the whole varieties
//!   ([`crate::variety::whole`]) when asked for or cheap.

use std::time::{Duration, Instant};

use nalgebra::DMatrix;
use num_rational::BigRational;
use num_traits::{Signed, Zero};
use serde::Serialize;

use super::Level;
use crate::error::{Error, Result};
use crate::exact::algebraic::{Established, ReductionPart};
use crate::exact::certificate::{KappaVerdict, StabilityCertificate, Verdict};
use crate::exact::{
    AlgebraicCertificate, AlgebraicPoint, Dynamics, RealRoot, ValidatedCertificate, ValidatedPoint,
    certify, certify_algebraic_on_family, certify_ema_all_kappa, certify_sg_step_bracket,
};
use crate::model::{Instance, InstanceRecord, RationalMatrix, builtin_witness, rational_from_f64};
use crate::numeric::Model;
use crate::numeric::equilibria::{predictor_of, predictor_on_range};
use crate::numeric::spectra::{SpectralTolerances, SpectrumSummary};
use crate::numeric::structured::{
    StructuredDynamics, StructuredSpectrum, max_stable_step_ema, max_stable_step_sg,
    structured_spectrum,
};
use crate::polynomial::Data;
use crate::polynomial::proofs::{Identity, ProofOutcome, prove};
use crate::variety::scalar::{ScalarDerivation, derive};
use crate::variety::strata::{
    MAX_DEFICIENT_STRATA_M, MAX_STRATA_M, RealSolution, StrataOptions, Stratum, grad_ebar_vanishes,
    grad_ebar_zero_locus, representative, rows, stratum, stratum_zero,
};
use crate::variety::whole::{VarietyFacts, WholeSystem, whole_variety};
use crate::variety::zerodim::{LARGE_MAX_PRIMES, Rur, SolveOptions};

/// When to compute the whole-variety dimension and degree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WholeVariety {
    /// When the ideals have at most [`AUTO_WHOLE_UNKNOWNS`] unknowns.
    Auto,
    /// Always (may take tens of seconds for (n, m) = (3, 2)).
    Always,
    /// Never.
    Never,
}

/// Largest number of unknowns `nm + n²` for which [`WholeVariety::Auto`]
/// computes the whole-variety facts (the sections take well under a second
/// up to this size).
pub const AUTO_WHOLE_UNKNOWNS: usize = 10;

/// Settings of [`characterize`].
#[derive(Clone, Debug, Serialize)]
pub struct CharacterizeConfig {
    /// Only this rank (all ranks 0..=min(n, m) when `None`).
    pub rank: Option<usize>,
    /// Overall time budget in seconds: strata not started in time are listed
    /// as not computed.
    pub timeout: Option<f64>,
    /// Significant digits of the printed entries of S.
    pub digits: usize,
    /// Whole-variety facts.
    pub whole_variety: WholeVariety,
    /// κ values at which the EMA flow is classified numerically.
    pub kappa_grid: Vec<f64>,
    /// Step size of the maps classified.
    pub eta: f64,
    /// EMA coefficient α of the EMA map classified.
    pub alpha: f64,
    /// Spectral tolerances of the numeric verdicts.
    pub spectral: SpectralTolerances,
    /// Seed of the hyperplane sections.
    pub seed: u64,
    /// Work for the replay over Q of a stratum's first modular F4 run,
    /// which makes its count exact ([`SolveOptions::replay_work`]), in
    /// units of 10⁹ word products; `Some(0.0)` never tries it. `None` is
    /// the default:
    /// [`DEFAULT_REPLAY_WORK`](crate::variety::zerodim::DEFAULT_REPLAY_WORK)
    /// for m ≤ [`MAX_DEFAULT_REPLAY_M`] and for the rank-1 strata above
    /// (on a random m = 4 instance the rank-1 replay, 8 solutions, needs
    /// 1.21·10⁹ word products, 24 s), not tried on the other strata of
    /// m = 4 (the full-rank one, 124 solutions, would only add minutes).
    pub replay_work: Option<f64>,
    /// Time for a rational Gröbner basis that makes a stratum's count exact
    /// where the replay did not.
    pub rational_basis_budget: Option<f64>,
}

/// Largest m for which `characterize` replays every stratum's modular run
/// over Q by default ([`CharacterizeConfig::replay_work`]); above it only
/// the rank-1 stratum's.
pub const MAX_DEFAULT_REPLAY_M: usize = 3;

impl Default for CharacterizeConfig {
    fn default() -> Self {
        Self {
            rank: None,
            timeout: None,
            digits: 12,
            whole_variety: WholeVariety::Auto,
            kappa_grid: vec![0.1, 1.0, 10.0],
            eta: 0.05,
            alpha: 0.9,
            spectral: SpectralTolerances::default(),
            seed: 2026,
            replay_work: None,
            rational_basis_budget: Some(5.0),
        }
    }
}

/// The dynamics a component's stability is judged under (SPEC §2).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DynamicsKind {
    /// The continuous SG flow.
    SgFlow,
    /// The continuous EMA flow at rate κ.
    EmaFlow {
        /// κ.
        kappa: f64,
    },
    /// The continuous EMA flow for every κ > 0 at once.
    EmaFlowAllKappa,
    /// The discrete SG map with step η.
    SgMap {
        /// η.
        eta: f64,
    },
    /// The discrete EMA map with step η and coefficient α.
    EmaMap {
        /// η.
        eta: f64,
        /// α.
        alpha: f64,
    },
}

impl std::fmt::Display for DynamicsKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DynamicsKind::SgFlow => write!(f, "SG"),
            DynamicsKind::EmaFlow { kappa } => write!(f, "EMA κ={kappa}"),
            DynamicsKind::EmaFlowAllKappa => write!(f, "EMA all κ>0"),
            DynamicsKind::SgMap { eta } => write!(f, "SG map η={eta}"),
            DynamicsKind::EmaMap { eta, alpha } => write!(f, "EMA map η={eta} α={alpha}"),
        }
    }
}

impl Serialize for DynamicsKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl DynamicsKind {
    /// Whether this is a continuous flow at one κ or SG (not a map, not the
    /// all-κ statement).
    pub fn is_flow(self) -> bool {
        matches!(self, DynamicsKind::SgFlow | DynamicsKind::EmaFlow { .. })
    }

    /// Whether this is a discrete map.
    pub fn is_map(self) -> bool {
        matches!(
            self,
            DynamicsKind::SgMap { .. } | DynamicsKind::EmaMap { .. }
        )
    }
}

/// The stability class of a component under one dynamics, shared by the
/// numeric and exact layers.
///
/// The shared [`crate::model::StabilityVerdict`] (stable, saddle, unstable,
/// degenerate) converts into it; it is a type of its own because a
/// component's verdict may also be about the EMA flow for all κ > 0 at once,
/// or be missing ("not certified").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ComponentVerdict {
    /// Asymptotically stable modulo the orbit.
    Stable,
    /// Some directions stable, some unstable.
    Saddle,
    /// Every non-tangent direction unstable.
    Unstable,
    /// The spectrum cannot decide (wrong number of neutral directions, or an
    /// eigenvalue on the boundary).
    Degenerate,
    /// EMA: stable for every κ > 0.
    StableForAllKappa,
    /// EMA: stable for some κ > 0 only.
    StableForSomeKappa,
    /// EMA: stable for no κ > 0.
    StableForNoKappa,
    /// No verdict: the exact computation did not apply or did not finish.
    NotCertified,
}

impl ComponentVerdict {
    /// One phrase for reports.
    pub fn as_str(self) -> &'static str {
        match self {
            ComponentVerdict::Stable => "stable",
            ComponentVerdict::Saddle => "saddle",
            ComponentVerdict::Unstable => "unstable",
            ComponentVerdict::Degenerate => "degenerate",
            ComponentVerdict::StableForAllKappa => "stable for every κ > 0",
            ComponentVerdict::StableForSomeKappa => "stable for some κ only",
            ComponentVerdict::StableForNoKappa => "stable for no κ > 0",
            ComponentVerdict::NotCertified => "not certified",
        }
    }
}

impl From<crate::model::StabilityVerdict> for ComponentVerdict {
    fn from(v: crate::model::StabilityVerdict) -> Self {
        use crate::model::StabilityVerdict as S;
        match v {
            S::Stable => ComponentVerdict::Stable,
            S::Saddle => ComponentVerdict::Saddle,
            S::Unstable => ComponentVerdict::Unstable,
            S::Degenerate => ComponentVerdict::Degenerate,
        }
    }
}

impl From<&Verdict> for ComponentVerdict {
    fn from(v: &Verdict) -> Self {
        v.class().map_or(ComponentVerdict::NotCertified, Into::into)
    }
}

/// One verdict about one component under one dynamics.
#[derive(Clone, Debug, Serialize)]
pub struct DynamicsVerdict {
    /// E.g. `SG`, `EMA κ=1`, `SG map η=0.05`, `EMA all κ>0`.
    pub dynamics: DynamicsKind,
    /// The stability class.
    pub verdict: ComponentVerdict,
    /// Level of evidence.
    pub level: Level,
    /// The numbers behind it.
    pub detail: String,
}

/// An exact equilibrium `(A, B)` (`C = A`), entries as `p/q` strings.
#[derive(Clone, Debug, Serialize)]
pub struct RationalPoint {
    /// Rows of the encoder.
    pub a: Vec<Vec<String>>,
    /// Rows of the predictor.
    pub b: Vec<Vec<String>>,
}

/// An equilibrium component: the orbit over one real PSD solution S.
#[derive(Clone, Debug, Serialize)]
pub struct Component {
    /// Rank r of S.
    pub rank: usize,
    /// The representative S (decimals, rows; exact forms are in the
    /// stratum's `real_solutions`).
    #[serde(rename = "S")]
    pub s: Vec<Vec<f64>>,
    /// Eigenvalues of S, largest first.
    pub eigenvalues: Vec<f64>,
    /// Dimension of the family of S-solutions through the representative:
    /// 0 for an isolated solution, `None` when not decided. The equilibria
    /// `(A, B)` over the family form a set of dimension `orbit_dimension +
    /// family_dimension`.
    pub family_dimension: Option<usize>,
    /// How `family_dimension` is known (see `family_dimension_level` in
    /// this module): `exact` (proved), `modular` (a zero-dimensional
    /// stratum counted modulo primes) or `numeric` (singular values).
    pub family_dimension_level: Option<Level>,
    /// Dimension of the real positive semidefinite part of the component
    /// (the complex family through S): equal to `family_dimension`, at the
    /// same level, because the orbit of S under the data's symmetry group
    /// consists of PSD matrices and has that real dimension, while a real
    /// part never exceeds the complex dimension.
    pub real_psd_dimension: Option<usize>,
    /// A modular bound on the family's degree, with its defining equations
    /// (the stratum's and the orbit invariants of S; see
    /// [`crate::variety::family_degree`]); `None` for an isolated solution.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_degree: Option<crate::variety::family_degree::FamilyDegree>,
    /// The family's defining equations beyond the stratum's: its orbit
    /// invariants at S, exactly over the number field `Q(t₀)` of the
    /// irreducible factor of χ that vanishes at t₀, with a last line naming
    /// that factor and t₀ when some value is not rational; empty for an
    /// isolated solution.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub defining_equations: Vec<String>,
    /// Where the data commute and S does: equations that cut out exactly
    /// the family's real points, joint eigenspace by joint eigenspace (see
    /// [`crate::variety::family_orbit`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orbit_equations: Option<crate::variety::family_orbit::OrbitEquations>,
    /// Otherwise, on a family: why `defining_equations` are only known to
    /// vanish on it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orbit_equations_not_proved: Option<String>,
    /// How many of the stratum's real solutions lie on this family (the
    /// critical points of the generic distance on it; 1 for an isolated
    /// solution).
    pub family_points: usize,
    /// `tr S`.
    pub trace: f64,
    /// Orbit dimension `nr − r(r+1)/2`.
    pub orbit_dimension: usize,
    /// A representative A (n×m, decimals): `√σ_k v_kᵀ` rows.
    pub a: Vec<Vec<f64>>,
    /// `B(A) = A Myx Aᵀ(A Mxx Aᵀ + λI)⁻¹` there.
    pub b: Vec<Vec<f64>>,
    /// SG field norm at `(A, B)` in floating point (a cross-check: the point
    /// is exact, its decimals are not).
    pub field_norm: f64,
    /// `‖∇Ē‖` at `(A, B)` (NOT-MINIMIZER: non-zero except at the origin).
    pub grad_ebar: f64,
    /// Whether `∇Ē ≠ 0` on the whole orbit, decided exactly (`None`: not
    /// decided, e.g. the origin, where `∇Ē = 0`).
    pub grad_ebar_nonzero_exact: Option<bool>,
    /// The headline verdict: the SG flow's, at the best level available.
    pub sg_verdict: ComponentVerdict,
    /// Its level.
    pub sg_level: Level,
    /// Every verdict.
    pub verdicts: Vec<DynamicsVerdict>,
    /// Largest stable step of the SG map (numeric): 0 when no step is
    /// stable, `None` when it could not be computed.
    pub sg_eta_max: Option<f64>,
    /// Largest stable step of the EMA map at α (numeric), and whether the
    /// stable steps stop being an interval.
    pub ema_eta_max: Option<(f64, bool)>,
    /// Exact rational bracket `(η_lo, η_hi)` of the SG map's stability limit.
    pub sg_eta_bracket: Option<(String, String)>,
    /// The exact point certified, when there is one (rows of `p/q`).
    pub rational_point: Option<RationalPoint>,
    /// The exact certificates at a rational point (re-checkable; large).
    pub certificates: Vec<StabilityCertificate>,
    /// The exact certificates at a real algebraic point (large).
    pub algebraic_certificates: Vec<AlgebraicCertificate>,
    /// The validated certificates at a real algebraic point (interval
    /// arithmetic, where the exact ones are out of reach).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub validated_certificates: Vec<ValidatedCertificate>,
    /// For every dynamics whose verdict is only numeric although a proof was
    /// sought: why neither the exact nor the validated certificate decided
    /// it (not attempted and why, or the error), or why no certificate was
    /// possible at this component.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unproved_verdicts: Vec<String>,
    /// Eigenvalues of the SG Jacobian at the representative (for plots).
    #[serde(skip)]
    pub sg_eigenvalues: Vec<(f64, f64)>,
    /// The family index within the stratum (`None`: isolated).
    #[serde(skip)]
    pub family: Option<usize>,
}

/// A stratum with its components.
#[derive(Clone, Debug, Serialize)]
pub struct StratumReport {
    /// The exact stratum.
    #[serde(flatten)]
    pub stratum: Stratum,
    /// One per real PSD solution (when r ≤ n).
    pub components: Vec<Component>,
}

/// What a proof on the instance's data established.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IdentityStatus {
    /// Every identity holds.
    Proved,
    /// Some identity is false (a finding).
    Refuted,
    /// Part of the statement was not checked (the detail says which).
    Partial,
    /// The proof raised an error (the detail has it): nothing was shown.
    Errored,
}

/// The S-equation identities on this instance's data.
#[derive(Clone, Debug, Serialize)]
pub struct IdentityCheck {
    /// What was established.
    pub status: IdentityStatus,
    /// What was shown.
    pub detail: String,
    /// Seconds.
    pub seconds: f64,
}

/// The whole-variety facts: `dimension` and `degree` are those of the SG
/// equilibrium ideal of the instance (its λ); `systems` has every ideal
/// computed (SG with λ, SG with λ = 0, GD critical), each with its method.
#[derive(Clone, Debug, Default, Serialize)]
pub struct WholeVarietyReport {
    /// Krull dimension of the SG equilibrium ideal, when computed.
    pub dimension: Option<usize>,
    /// Its degree, when computed.
    pub degree: Option<usize>,
    /// Why the facts are missing, if they are.
    pub note: Option<String>,
    /// Every ideal computed.
    pub systems: Vec<VarietyFacts>,
}

/// Everything `characterize` found.
#[derive(Clone, Debug, Serialize)]
pub struct Characterization {
    /// The instance, exactly.
    pub instance: InstanceRecord,
    /// The strata, rank 0 first.
    pub strata: Vec<StratumReport>,
    /// Whole-variety facts (SG λ, SG λ = 0, GD critical), when computed.
    pub variety: WholeVarietyReport,
    /// The S-equation identities on this instance.
    pub s_equation_identities: Option<IdentityCheck>,
    /// The scalar derivation (m = 1).
    pub scalar: Option<ScalarDerivation>,
    /// What existence the strata show (full-rank equilibria and the
    /// condition for m = 1).
    pub existence: String,
    /// For commuting symmetric moments: the closed form of the solutions
    /// that commute with the data, and how the components compare with it.
    pub closed_form: Option<super::commuting::ClosedFormCheck>,
    /// Ranks not computed (time budget), with the reason.
    pub not_computed: Vec<String>,
    /// The settings.
    pub config: CharacterizeConfig,
    /// Wall time in seconds.
    pub seconds: f64,
}

/// Characterizes the equilibria of `inst` (see the module docs). `progress`
/// is called with a message before each step.
pub fn characterize(
    inst: &Instance,
    cfg: &CharacterizeConfig,
    progress: impl FnMut(&str),
) -> Result<Characterization> {
    let started = Instant::now();
    check_characterizable(inst, cfg)?;
    let mut run = Run {
        inst,
        cfg,
        started,
        progress,
    };
    let model = Model::from_instance(inst);
    let (strata, not_computed) = run.strata(&model)?;
    (run.progress)(&format!("{}: identities", inst.name()));
    let s_equation_identities = Some(s_equation_check(inst));
    let scalar = if inst.m() == 1 {
        (run.progress)("scalar derivation");
        Some(derive(Some(Duration::from_secs(30)))?)
    } else {
        None
    };
    let variety = run.whole_variety(&strata)?;
    let existence = existence_summary(inst, &strata);
    let closed_form = super::commuting::check(inst, &strata);
    Ok(Characterization {
        instance: InstanceRecord::of(inst),
        strata,
        variety,
        s_equation_identities,
        scalar,
        closed_form,
        existence,
        not_computed,
        config: cfg.clone(),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Whether `characterize` accepts `inst` and `cfg`: m ≤ [`MAX_STRATA_M`],
/// λ > 0, and a requested rank at most min(n, m).
fn check_characterizable(inst: &Instance, cfg: &CharacterizeConfig) -> Result<()> {
    let (n, m) = (inst.n(), inst.m());
    if m > MAX_STRATA_M {
        return Err(Error::param(
            "m",
            m,
            &format!(
                "m ≤ {MAX_STRATA_M} for characterize (the exact strata grow too fast beyond; verify and simulate accept larger instances)"
            ),
        ));
    }
    if inst.lambda().is_zero() {
        return Err(Error::param(
            "lambda",
            inst.lambda(),
            "λ > 0 for characterize (with λ = 0 the equilibria are not determined by S = AᵀA; see docs/claims.md)",
        ));
    }
    let rmax = n.min(m);
    if let Some(r) = cfg.rank
        && r > rmax
    {
        return Err(Error::param(
            "rank",
            r,
            &format!("a rank 0 ≤ r ≤ min(n, m) = {rmax}"),
        ));
    }
    Ok(())
}

/// What the steps of [`characterize`] share: the instance, the settings,
/// the start of the time budget and the progress callback.
struct Run<'a, P> {
    inst: &'a Instance,
    cfg: &'a CharacterizeConfig,
    started: Instant,
    progress: P,
}

impl<P: FnMut(&str)> Run<'_, P> {
    /// Seconds left of the time budget (`None`: no budget).
    fn left(&self) -> Option<f64> {
        self.cfg
            .timeout
            .map(|t| (t - self.started.elapsed().as_secs_f64()).max(0.0))
    }

    /// Whether the time budget has run out.
    fn out_of_time(&self) -> bool {
        self.left().is_some_and(|t| t <= 0.0)
    }

    /// The strata of every rank asked for, with their components, and the
    /// ranks not started in time.
    fn strata(&mut self, model: &Model) -> Result<(Vec<StratumReport>, Vec<String>)> {
        let inst = self.inst;
        let rmax = inst.n().min(inst.m());
        let mut strata = Vec::new();
        let mut not_computed = Vec::new();
        let ranks: Vec<usize> = match self.cfg.rank {
            Some(r) => vec![r],
            None => (0..=rmax).collect(),
        };
        for r in ranks {
            if self.out_of_time() {
                not_computed.push(format!(
                    "rank {r}: the time budget ran out before it started"
                ));
                continue;
            }
            if self.cfg.rank.is_none() && inst.m() > MAX_DEFICIENT_STRATA_M && 1 < r && r < inst.m()
            {
                not_computed.push(format!(
                    "rank {r}: not attempted for m = {}: the strata 1 < r < m of m = 4 did not finish in 600 s here (nor in msolve 0.6.0 in 300 s); --rank {r} with a --timeout tries it",
                    inst.m()
                ));
                continue;
            }
            (self.progress)(&format!("{}: stratum of rank {r}", inst.name()));
            strata.push(self.stratum_report(model, r)?);
        }
        Ok((strata, not_computed))
    }

    /// The stratum of rank `r`, exactly, with its components (when r ≤ n).
    fn stratum_report(&self, model: &Model, r: usize) -> Result<StratumReport> {
        let inst = self.inst;
        let st = if r == 0 {
            stratum_zero(inst)
        } else {
            let opts = StrataOptions {
                solve: SolveOptions {
                    replay_work: match self.cfg.replay_work {
                        Some(w) => (w > 0.0).then_some(w),
                        None => (inst.m() <= MAX_DEFAULT_REPLAY_M || r == 1)
                            .then_some(crate::variety::zerodim::DEFAULT_REPLAY_WORK),
                    },
                    rational_basis_budget: self.cfg.rational_basis_budget,
                    budget: self.left(),
                    max_primes: LARGE_MAX_PRIMES,
                    ..SolveOptions::default()
                },
                digits: self.cfg.digits,
            };
            stratum(inst, r, &opts)?
        };
        let components = if r <= inst.n() {
            components(inst, model, &st, self.cfg)?
        } else {
            Vec::new()
        };
        Ok(StratumReport {
            stratum: st,
            components,
        })
    }

    /// The whole-variety facts, when asked for (or cheap, by default) and
    /// every rank is computed; otherwise a note says why not.
    fn whole_variety(&mut self, strata: &[StratumReport]) -> Result<WholeVarietyReport> {
        let (inst, cfg) = (self.inst, self.cfg);
        let (n, m) = (inst.n(), inst.m());
        let unknowns = n * m + n * n;
        let want_whole = match cfg.whole_variety {
            WholeVariety::Always => true,
            WholeVariety::Never => false,
            WholeVariety::Auto => unknowns <= AUTO_WHOLE_UNKNOWNS,
        };
        let mut variety = Vec::new();
        let mut variety_note = None;
        if want_whole && cfg.rank.is_none() {
            let guess = strata
                .iter()
                .filter(|s| s.stratum.complex_solutions.unwrap_or(1) > 0)
                .map(|s| s.stratum.orbit_dimension)
                .max()
                .unwrap_or(0);
            for system in WholeSystem::ALL {
                if self.out_of_time() {
                    variety_note =
                        Some("the time budget ran out before the whole-variety facts".into());
                    break;
                }
                (self.progress)(&format!("{}: {}", inst.name(), system.describe()));
                let g = match system {
                    WholeSystem::SgEquilibriumNoDecay => n * n,
                    _ => guess,
                };
                variety.push(whole_variety(
                    inst,
                    system,
                    g,
                    cfg.seed,
                    self.left().map(Duration::from_secs_f64),
                )?);
            }
        } else if cfg.rank.is_some() {
            variety_note = Some("not computed for a single rank".into());
        } else {
            variety_note = Some(format!(
                "not computed: {unknowns} unknowns (automatic up to {AUTO_WHOLE_UNKNOWNS}); use --whole-variety (for (n, m) = (3, 2) about 20 to 30 s per ideal)"
            ));
        }
        let sg = variety
            .iter()
            .find(|v: &&VarietyFacts| v.system == WholeSystem::SgEquilibrium);
        Ok(WholeVarietyReport {
            dimension: sg.and_then(|v| v.dimension),
            degree: sg.and_then(|v| v.degree),
            note: variety_note,
            systems: variety,
        })
    }
}

/// The components of the stratum `st`: one per real PSD solution, or per
/// family (its first critical point represents it, the others are counted).
fn components(
    inst: &Instance,
    model: &Model,
    st: &Stratum,
    cfg: &CharacterizeConfig,
) -> Result<Vec<Component>> {
    let mut components = Vec::new();
    let mut psd = st.real_solutions.iter().filter(|s| s.psd).peekable();
    // ∇Ē's zero locus on the stratum, once (only if some PSD root).
    let zero_locus = match (&st.rur, psd.peek().is_some()) {
        (Some(rur), true) => Some(grad_ebar_zero_locus(inst, rur)?),
        _ => None,
    };
    let mut seen: Vec<usize> = Vec::new();
    for sol in psd {
        if let Some(k) = sol.family {
            if seen.contains(&k) {
                continue;
            }
            seen.push(k);
        }
        let mut c = component(inst, model, sol, st.rur.as_ref(), zero_locus.as_ref(), cfg)?;
        c.family_dimension_level = family_dimension_level(st, sol);
        c.real_psd_dimension = c.family_dimension;
        components.push(c);
    }
    for c in &mut components {
        if let Some(k) = c.family {
            c.family_points = st
                .real_solutions
                .iter()
                .filter(|s| s.psd && s.family == Some(k))
                .count();
        }
    }
    Ok(components)
}

/// The S-equation identities proved on the instance's data. A proof that
/// errored shows nothing either way: kept as such, never turned into a
/// refutation.
fn s_equation_check(inst: &Instance) -> IdentityCheck {
    let proof_started = Instant::now();
    match prove(Identity::SEquation, &Data::Instance(inst.clone())) {
        Ok(p) => IdentityCheck {
            status: match p.outcome {
                ProofOutcome::Proved => IdentityStatus::Proved,
                ProofOutcome::Refuted => IdentityStatus::Refuted,
                ProofOutcome::Partial(_) => IdentityStatus::Partial,
            },
            detail: p.detail,
            seconds: p.seconds,
        },
        Err(e) => IdentityCheck {
            status: IdentityStatus::Errored,
            detail: format!("the proof raised an error: {e}"),
            seconds: proof_started.elapsed().as_secs_f64(),
        },
    }
}

/// How the family dimension of `sol` is known: on a zero-dimensional
/// stratum every solution is isolated, as surely as the stratum's count
/// (exact when certified over Q, else modular); on a decomposed one, exact
/// when the local dimension is proved by ranks modulo a prime
/// ([`crate::variety::exact_dimension`]), numeric when read off singular
/// values; `None` when not decided.
fn family_dimension_level(st: &Stratum, sol: &RealSolution) -> Option<Level> {
    sol.family_dimension?;
    Some(match sol.local_dimension {
        Some(l) if l.is_exact() => Level::Exact,
        Some(_) => Level::Numeric,
        None if st.exact => Level::Exact,
        None => Level::Modular,
    })
}

fn existence_summary(inst: &Instance, strata: &[StratumReport]) -> String {
    let (n, m) = (inst.n(), inst.m());
    let rmax = n.min(m);
    let top = strata.iter().find(|s| s.stratum.rank == rmax);
    let mut out = match top {
        Some(s) if s.stratum.complex_solutions.is_some() => format!(
            "{} component(s) of maximal rank {rmax}{}",
            s.components.len(),
            if s.stratum.exact {
                " (complete: certified)"
            } else {
                " (complete up to counts modulo primes)"
            }
        ),
        Some(s) if s.stratum.is_resolved() => format!(
            "{} component(s) of maximal rank {rmax}: {} isolated, {} famil(ies) (positive-dimensional stratum decomposed; family dimensions {})",
            s.components.len(),
            s.components
                .iter()
                .filter(|c| c.family_dimension == Some(0))
                .count(),
            s.components
                .iter()
                .filter(|c| c.family_dimension.is_some_and(|d| d > 0))
                .count(),
            if s.components
                .iter()
                .all(|c| c.family_dimension_level == Some(Level::Exact))
            {
                "proved"
            } else {
                "numeric"
            }
        ),
        // Never "0 components" for a stratum that was not resolved.
        Some(s) => format!(
            "the maximal rank {rmax} stratum was not resolved ({}): its components are unknown",
            s.stratum.method
        ),
        None => format!("the maximal rank {rmax} was not computed"),
    };
    if m == 1 {
        let mo = inst.moments();
        let (rho, tau) = (mo.mxx.get(0, 0).clone(), mo.myx.get(0, 0).clone());
        let delta = &tau * &tau - BigRational::from_integer(4.into()) * rho * inst.lambda();
        out.push_str(&format!(
            "; m = 1: Δ = τ² − 4ρλ = {delta} {} 0, so nonzero equilibria {}",
            if delta.is_negative() { "<" } else { "≥" },
            if delta.is_negative() {
                "cannot exist"
            } else if delta.is_zero() {
                "lie on one double sphere"
            } else {
                "exist on the spheres"
            }
        ));
    }
    out
}

/// A rational representative of the orbit over S, if one is known.
fn rational_witness(
    inst: &Instance,
    sol: &RealSolution,
) -> Option<(RationalMatrix, RationalMatrix)> {
    let s = sol.s_rational.as_ref()?;
    let (n, m) = (inst.n(), inst.m());
    if s.entries().iter().all(Zero::is_zero) {
        return Some((RationalMatrix::zeros(n, m), RationalMatrix::zeros(n, n)));
    }
    if let Some((a, b)) = builtin_witness(inst.name())
        && a.nrows() == n
        && a.ncols() == m
        && &a.transpose().mul(&a) == s
    {
        return Some((a, b));
    }
    let a = ldl_square_factor(s, n)?;
    let b = exact_predictor(inst, &a)?;
    Some((a, b))
}

/// `A` (n×m) with `AᵀA = S` from `S = L D Lᵀ` when every pivot is the square
/// of a rational (`A = √D Lᵀ`, zero rows for zero pivots).
fn ldl_square_factor(s: &RationalMatrix, n: usize) -> Option<RationalMatrix> {
    let m = s.nrows();
    let mut w = s.clone();
    let mut rows: Vec<Vec<BigRational>> = Vec::new();
    for k in 0..m {
        let p = w.get(k, k).clone();
        if p.is_negative() {
            return None;
        }
        if p.is_zero() {
            if (k..m).any(|j| !w.get(k, j).is_zero()) {
                return None;
            }
            continue;
        }
        let root = rational_sqrt(&p)?;
        // Row k of √D Lᵀ: (√p) · (w[k][j]/p) for j ≥ k.
        let row: Vec<BigRational> = (0..m)
            .map(|j| {
                if j < k {
                    BigRational::zero()
                } else {
                    &root * w.get(k, j) / &p
                }
            })
            .collect();
        for i in k + 1..m {
            for j in k + 1..m {
                let v = w.get(i, j) - w.get(i, k) * w.get(k, j) / &p;
                w.set(i, j, v);
            }
        }
        rows.push(row);
    }
    if rows.len() > n {
        return None;
    }
    let mut a = RationalMatrix::zeros(n, m);
    for (i, row) in rows.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            a.set(i, j, v.clone());
        }
    }
    (a.transpose().mul(&a) == *s).then_some(a)
}

fn rational_sqrt(x: &BigRational) -> Option<BigRational> {
    let (p, q) = (x.numer().sqrt(), x.denom().sqrt());
    (&p * &p == *x.numer() && &q * &q == *x.denom()).then(|| BigRational::new(p, q))
}

/// `B(A) = A Myx Aᵀ (A Mxx Aᵀ + λI)⁻¹` exactly.
fn exact_predictor(inst: &Instance, a: &RationalMatrix) -> Option<RationalMatrix> {
    let mo = inst.moments();
    let n = a.nrows();
    let g = a
        .mul(&mo.mxx)
        .mul(&a.transpose())
        .add(&RationalMatrix::identity(n).scale(inst.lambda()));
    Some(a.mul(&mo.myx).mul(&a.transpose()).mul(&g.inverse()?))
}

fn summary_detail(s: &SpectrumSummary, discrete: bool) -> String {
    format!(
        "{} tangent eigenvalues (expected {}), {} unstable; {} of the rest {:.3e}",
        s.tangent_count,
        s.expected_tangent,
        s.unstable_count,
        if discrete {
            "spectral radius"
        } else {
            "spectral abscissa"
        },
        s.rest_abscissa
    )
}

fn exact_detail(c: &StabilityCertificate) -> String {
    let Some(a) = &c.analysis else {
        return "not an exact equilibrium".into();
    };
    let test = match &a.test {
        crate::exact::certificate::RootTest::Routh(r) => match r.right_half_plane {
            Some(k) => format!("Routh array regular, {k} root(s) in the right half-plane"),
            None => "Routh array singular".into(),
        },
        crate::exact::certificate::RootTest::SchurCohn(s) => match s.outside_unit_disc {
            Some(k) => format!("Schur–Cohn regular, {k} root(s) outside the unit disc"),
            None => "Schur–Cohn singular".into(),
        },
    };
    let mut out = format!(
        "exact: χ of degree {}, eigenvalue {} of multiplicity {} = kernel dimension {} = orbit dimension {} (tangent ⊆ kernel: {}); quotient: {test}",
        a.charpoly.degree().unwrap_or(0),
        a.tangent_eigenvalue,
        a.algebraic_multiplicity,
        a.kernel.len(),
        c.orbit_dimension,
        a.tangent_in_kernel
    );
    if let Verdict::Degenerate { reason } = &c.verdict {
        out.push_str(&format!("; {reason}"));
    }
    out
}

/// The component over the real PSD solution `sol`: its representative
/// `(A, B(A))`, the numeric verdicts, and the exact ones where a rational or
/// a real algebraic point is known.
fn component(
    inst: &Instance,
    model: &Model,
    sol: &RealSolution,
    rur: Option<&Rur>,
    grad_zero_locus: Option<&crate::exact::upoly::UPoly>,
    cfg: &CharacterizeConfig,
) -> Result<Component> {
    let (n, m) = (inst.n(), inst.m());
    let r = sol.rank;
    let s = DMatrix::from_fn(m, m, |i, j| sol.s[i][j]);
    let a = representative(&s, n, r);
    // λ > 0 exactly here; on the range of A the predictor needs no 1/λ.
    let b = predictor_of(model, &a)
        .filter(|b| b.iter().all(|x| x.is_finite()))
        .or_else(|| predictor_on_range(model, &a))
        .ok_or_else(|| {
            Error::Computation("A Mxx Aᵀ + λI is singular at a representative".into())
        })?;
    let (p, q) = model.pq(&a, &b, &a);
    let (ga, gb) = model.grad_ebar(&a, &b);
    let tol = &cfg.spectral;
    let mut verdicts = Verdicts::new(inst, cfg);
    // An undecided family dimension leaves the expected count at the orbit
    // dimension: the extra zero eigenvalues then make the verdict
    // degenerate, never stable.
    let sg_spectrum = verdicts.numeric(model, &a, &b, sol.family_dimension.unwrap_or(0));
    let sg_eigenvalues = sg_spectrum
        .as_ref()
        .map(StructuredSpectrum::expanded)
        .unwrap_or_default();
    let sg_eta_max = max_stable_step_sg(model, &a, &b, tol)
        .ok()
        .map(|l| l.eta_max);
    let ema_eta_max = max_stable_step_ema(model, &a, &b, cfg.alpha, tol)
        .ok()
        .map(|l| (l.eta_max, l.resumes_later));
    let exact = verdicts.exact(sol, rur, sg_eta_max)?;
    let grad_ebar_nonzero_exact = match (grad_zero_locus, &sol.root) {
        (Some(g), Some(root)) => Some(!grad_ebar_vanishes(g, root)),
        _ => None,
    };
    Ok(Component {
        rank: r,
        s: sol.s.clone(),
        eigenvalues: sol.eigenvalues.clone(),
        family_dimension: sol.family_dimension,
        family_dimension_level: None,
        real_psd_dimension: None,
        family_degree: sol.family_degree.clone(),
        defining_equations: sol.defining_equations.clone(),
        orbit_equations: sol.orbit_equations.clone(),
        orbit_equations_not_proved: sol.orbit_equations_not_proved.clone(),
        family_points: 1,
        family: sol.family,
        trace: sol.trace,
        orbit_dimension: sol.orbit_dimension.unwrap_or(0),
        a: rows(&a),
        b: rows(&b),
        field_norm: (p.norm_squared() + q.norm_squared()).sqrt(),
        grad_ebar: (ga.norm_squared() + gb.norm_squared()).sqrt(),
        grad_ebar_nonzero_exact,
        sg_verdict: verdicts.sg,
        sg_level: verdicts.sg_level,
        verdicts: verdicts.all,
        sg_eta_max,
        ema_eta_max,
        sg_eta_bracket: exact.sg_eta_bracket,
        rational_point: exact.rational_point,
        certificates: exact.certificates,
        algebraic_certificates: exact.algebraic_certificates,
        validated_certificates: exact.validated_certificates,
        unproved_verdicts: verdicts.unproved,
        sg_eigenvalues,
    })
}

/// What the exact certificates add to a component: a rational point with
/// its certificates and the SG map's step bracket, or the certificates at a
/// real algebraic point.
#[derive(Default)]
struct ExactEvidence {
    rational_point: Option<RationalPoint>,
    certificates: Vec<StabilityCertificate>,
    sg_eta_bracket: Option<(String, String)>,
    algebraic_certificates: Vec<AlgebraicCertificate>,
    validated_certificates: Vec<ValidatedCertificate>,
}

/// The verdicts about one component as they accumulate (numeric first, then
/// exact where a certificate applies), with the headline SG-flow verdict
/// and its level.
struct Verdicts<'a> {
    inst: &'a Instance,
    cfg: &'a CharacterizeConfig,
    all: Vec<DynamicsVerdict>,
    sg: ComponentVerdict,
    sg_level: Level,
    /// Why a dynamics kept only its numeric verdict (see
    /// [`Component::unproved_verdicts`]).
    unproved: Vec<String>,
}

impl<'a> Verdicts<'a> {
    fn new(inst: &'a Instance, cfg: &'a CharacterizeConfig) -> Self {
        Self {
            inst,
            cfg,
            all: Vec::new(),
            sg: ComponentVerdict::NotCertified,
            sg_level: Level::Numeric,
            unproved: Vec::new(),
        }
    }

    /// The numeric verdicts at `(A, B)` from the structured spectrum (SG,
    /// EMA at each κ of the grid, the SG map, the EMA map), expecting
    /// `family_extra` zero eigenvalues beyond the orbit's; the SG flow's
    /// becomes the headline. Returns the SG flow's spectrum, if computed.
    fn numeric(
        &mut self,
        model: &Model,
        a: &DMatrix<f64>,
        b: &DMatrix<f64>,
        family_extra: usize,
    ) -> Option<StructuredSpectrum> {
        let (cfg, tol) = (self.cfg, &self.cfg.spectral);
        let verdicts = &mut self.all;
        // A floating-point spectrum that cannot be computed (e.g. λ below the
        // smallest f64, so the model's λ is 0) leaves that dynamics "not
        // certified", with the reason; the exact certificates may still
        // decide it, and the run keeps its exact strata.
        let mut numeric = |dynamics: StructuredDynamics,
                           label: DynamicsKind|
         -> Option<(SpectrumSummary, StructuredSpectrum)> {
            let computed = structured_spectrum(model, a, b, dynamics).map(|mut sp| {
                // Over a family of S the equilibria form a set of dimension
                // orbit + family: that many eigenvalues are expected at the
                // tangent value (0 for flows, 1 for maps).
                sp.expected_tangent += family_extra;
                (sp.classify(tol), sp)
            });
            match computed {
                Ok((summary, sp)) => {
                    verdicts.push(DynamicsVerdict {
                        dynamics: label,
                        verdict: summary.verdict.into(),
                        level: Level::Numeric,
                        detail: summary_detail(&summary, dynamics.is_map()),
                    });
                    Some((summary, sp))
                }
                Err(e) => {
                    verdicts.push(DynamicsVerdict {
                        dynamics: label,
                        verdict: ComponentVerdict::NotCertified,
                        level: Level::Numeric,
                        detail: format!("floating-point spectrum not computed: {e}"),
                    });
                    None
                }
            }
        };
        let sg_numeric = numeric(StructuredDynamics::StopGradient, DynamicsKind::SgFlow);
        for &kappa in &cfg.kappa_grid {
            numeric(
                StructuredDynamics::Ema { kappa },
                DynamicsKind::EmaFlow { kappa },
            );
        }
        numeric(
            StructuredDynamics::SgMap { eta: cfg.eta },
            DynamicsKind::SgMap { eta: cfg.eta },
        );
        numeric(
            StructuredDynamics::EmaMap {
                eta: cfg.eta,
                alpha: cfg.alpha,
            },
            DynamicsKind::EmaMap {
                eta: cfg.eta,
                alpha: cfg.alpha,
            },
        );
        let (sg, sp) = sg_numeric?;
        self.sg = ComponentVerdict::from(sg.verdict);
        Some(sp)
    }

    /// The exact verdicts at `sol`, where they apply.
    ///
    /// The rational certificates expect the orbit's zero eigenvalues only,
    /// so they run at isolated solutions. The algebraic ones also run on a
    /// family whose dimension is proved (ranks modulo a prime at the exact
    /// point): they then expect orbit + family zero eigenvalues. Where the
    /// dimension is undecided or only read off singular values, the
    /// verdicts stay numeric.
    fn exact(
        &mut self,
        sol: &RealSolution,
        rur: Option<&Rur>,
        sg_eta_max: Option<f64>,
    ) -> Result<ExactEvidence> {
        let isolated = sol.family_dimension == Some(0);
        let algebraic_family = if isolated {
            Some(0)
        } else {
            sol.local_dimension
                .filter(|l| l.is_exact())
                .and_then(|l| l.family())
        };
        let witness = if isolated {
            rational_witness(self.inst, sol)
        } else {
            None
        };
        let mut exact = ExactEvidence::default();
        if let Some((ra, rb)) = witness {
            exact = self.rational(&ra, &rb, sg_eta_max)?;
        }
        if exact.rational_point.is_none() && sol.rank > 0 {
            match (algebraic_family, rur, sol.root.as_ref()) {
                (Some(family), Some(rur), Some(root)) => {
                    (exact.algebraic_certificates, exact.validated_certificates) =
                        self.algebraic(rur, root, sol.rank, family)?;
                }
                (None, _, _) => self.unproved.push(
                    "every dynamics: no certificate, the family's dimension is not proved".into(),
                ),
                _ => self
                    .unproved
                    .push("every dynamics: no certificate, no exact point".into()),
            }
        }
        Ok(exact)
    }

    /// The exact certificates at the rational point `(ra, rb)` for every
    /// dynamics, the EMA flow for all κ at once, and (when the SG flow is
    /// stable there) the exact bracket of the SG map's stability limit
    /// around the numeric `sg_eta_max`.
    fn rational(
        &mut self,
        ra: &RationalMatrix,
        rb: &RationalMatrix,
        sg_eta_max: Option<f64>,
    ) -> Result<ExactEvidence> {
        let inst = self.inst;
        let mut exact = ExactEvidence {
            rational_point: Some(RationalPoint {
                a: ra.to_string_rows(),
                b: rb.to_string_rows(),
            }),
            ..ExactEvidence::default()
        };
        for (label, dynamics) in exact_dynamics(self.cfg)? {
            let c = certify(inst, ra, rb, &dynamics)?;
            if label == DynamicsKind::SgFlow {
                self.sg = ComponentVerdict::from(&c.verdict);
                self.sg_level = Level::Exact;
            }
            self.all.push(DynamicsVerdict {
                dynamics: label,
                verdict: ComponentVerdict::from(&c.verdict),
                level: Level::Exact,
                detail: exact_detail(&c),
            });
            exact.certificates.push(c);
        }
        self.all.push(ema_all_kappa_verdict(inst, ra, rb));
        if self.sg == ComponentVerdict::Stable
            && let Some(guess) = sg_eta_max.filter(|e| e.is_finite() && *e > 0.0)
            && let Ok(br) = certify_sg_step_bracket(inst, ra, rb, guess)
        {
            exact.sg_eta_bracket = Some((br.eta_lo.to_string(), br.eta_hi.to_string()));
        }
        Ok(exact)
    }

    /// The exact certificates at the real algebraic point of rank `r` given
    /// by `rur` at `root`, on a family of proved dimension `family`, for
    /// every dynamics whose cost is affordable, and validated ones (interval
    /// arithmetic, [`ValidatedPoint`]) for the others and where an exact one
    /// fails; a dynamics that neither decides keeps its numeric verdict.
    fn algebraic(
        &mut self,
        rur: &Rur,
        root: &RealRoot,
        r: usize,
        family: usize,
    ) -> Result<(Vec<AlgebraicCertificate>, Vec<ValidatedCertificate>)> {
        let m = self.inst.m();
        let k = m * (m + 1) / 2;
        let point = AlgebraicPoint::from_rur_numerators(
            rur.chi.clone(),
            rur.numerators[..k].to_vec(),
            root.clone(),
            r,
        );
        let mut certificates = Vec::new();
        let mut validated_certificates = Vec::new();
        let point = match point {
            Ok(point) => point,
            Err(e) => {
                self.unproved.push(format!(
                    "every dynamics: no certificate, the algebraic point was refused: {e}"
                ));
                return Ok((certificates, validated_certificates));
            }
        };
        let point = on_own_factor(point)?;
        let degree = point.chi().degree().unwrap_or(0);
        let digits = point
            .chi()
            .coeffs()
            .iter()
            .map(|c| c.numer().to_string().len().max(c.denom().to_string().len()))
            .max()
            .unwrap_or(0);
        // Built on first use (its exact checks of the point are shared by
        // every dynamics); the reason inside once it was refused.
        let mut validated: Option<std::result::Result<ValidatedPoint, String>> = None;
        for (label, dynamics) in exact_dynamics(self.cfg)? {
            let teacher = matches!(dynamics, Dynamics::Ema { .. } | Dynamics::EmaMap { .. });
            let exact_why = if algebraic_affordable(m, r, degree, digits, teacher) {
                match certify_algebraic_on_family(self.inst, &point, &dynamics, family) {
                    Ok(c) => {
                        let verdict = algebraic_verdict(&c, label, degree, family);
                        self.record(verdict);
                        certificates.push(c);
                        continue;
                    }
                    Err(e) => e.to_string(),
                }
            } else {
                format!(
                    "not attempted, above the affordability limit (χ of degree {degree}, {digits}-digit coefficients)"
                )
            };
            let vp = validated.get_or_insert_with(|| {
                if family == 0 {
                    ValidatedPoint::on_proved_solution(self.inst, &point, STRATUM_PROOF)
                } else {
                    ValidatedPoint::new(self.inst, &point, family)
                }
                .map_err(|e| e.to_string())
            });
            let validated_why = match vp.as_mut() {
                Ok(vp) => match vp.certify(&dynamics) {
                    Ok(c) => {
                        self.record(validated_verdict(&c, label, degree));
                        validated_certificates.push(c);
                        continue;
                    }
                    Err(e) => e.to_string(),
                },
                Err(why) => format!("the point was refused: {why}"),
            };
            self.unproved.push(format!(
                "{label}: numeric only (exact certificate: {exact_why}; validated certificate: {validated_why})"
            ));
        }
        Ok((certificates, validated_certificates))
    }

    /// Adds a proved verdict; the SG flow's becomes the headline when its
    /// level is higher.
    fn record(&mut self, verdict: DynamicsVerdict) {
        if verdict.dynamics == DynamicsKind::SgFlow && verdict.level > self.sg_level {
            self.sg = verdict.verdict;
            self.sg_level = verdict.level;
        }
        self.all.push(verdict);
    }
}

/// The point over the irreducible factor of its χ that vanishes at t₀
/// (factorization over Q by Symbolica), when χ splits: the stratum's χ
/// carries every solution of the stratum, the point needs only its own
/// factor, and a certificate's cost grows with the degree (`commuting`:
/// χ of degree 16 with factors of degrees 2, 2, 4, 8). The point itself
/// when χ is irreducible or the factorization gives no factor at t₀.
fn on_own_factor(point: AlgebraicPoint) -> Result<AlgebraicPoint> {
    let factors = crate::variety::strata::chi_factors(point.chi())?;
    let own = crate::variety::exact_dimension::factor_at(&factors, point.root())
        .filter(|phi| phi.degree() < point.chi().degree());
    Ok(match own {
        Some(phi) => point.on_factor(&phi).unwrap_or(point),
        None => point,
    })
}

/// The exact verdict on the EMA flow for every κ > 0 at the rational point
/// `(ra, rb)`; "not certified", with the reason, when it fails.
fn ema_all_kappa_verdict(
    inst: &Instance,
    ra: &RationalMatrix,
    rb: &RationalMatrix,
) -> DynamicsVerdict {
    match certify_ema_all_kappa(inst, ra, rb) {
        Ok(k) => DynamicsVerdict {
            dynamics: DynamicsKind::EmaFlowAllKappa,
            verdict: match &k.verdict {
                KappaVerdict::StableForAllKappa => ComponentVerdict::StableForAllKappa,
                KappaVerdict::StableForNoKappa => ComponentVerdict::StableForNoKappa,
                KappaVerdict::StableForSomeKappa => ComponentVerdict::StableForSomeKappa,
                KappaVerdict::Degenerate { .. } => ComponentVerdict::Degenerate,
            },
            level: Level::Exact,
            detail: k.summary(),
        },
        Err(e) => DynamicsVerdict {
            dynamics: DynamicsKind::EmaFlowAllKappa,
            verdict: ComponentVerdict::NotCertified,
            level: Level::Exact,
            detail: e.to_string(),
        },
    }
}

/// The level of a certificate whose computation gives `proved`: that
/// level when every part of its reduction is proved, checked or
/// validated, numeric (with the caveat naming the parts) when one rests on
/// the hand derivation.
fn level_of_reduction(parts: &[ReductionPart], proved: Level) -> (Level, String) {
    let unproved: Vec<&str> = parts
        .iter()
        .filter(|p| p.established == Established::Derivation)
        .map(|p| p.statement.as_str())
        .collect();
    if unproved.is_empty() {
        (proved, String::new())
    } else {
        (
            Level::Numeric,
            format!(
                "; level numeric: the reduction rests on a derivation tested numerically for: {}",
                unproved.join("; ")
            ),
        )
    }
}

/// The verdict of the certificate `c` at a real algebraic point (χ of
/// degree `degree`, family of proved dimension `family`) under `label`.
///
/// Exact only if every part of the reduction from the full Jacobian is
/// proved or checked at the point; a part that rests on the hand derivation
/// (tested numerically) makes the verdict numeric.
fn algebraic_verdict(
    c: &AlgebraicCertificate,
    label: DynamicsKind,
    degree: usize,
    family: usize,
) -> DynamicsVerdict {
    let (level, caveat) = level_of_reduction(&c.reduction, Level::Exact);
    DynamicsVerdict {
        dynamics: label,
        verdict: ComponentVerdict::from(&c.verdict),
        level,
        detail: format!(
            "exact at the real algebraic point S = h(t₀)/χ'(t₀), χ of degree {degree}: range block of size {} over Q[t]/χ, tangent multiplicity {} (orbit dimension {}{}), {} test: {}",
            c.range_block_size,
            c.multiplicity + c.closed_forms.iter().map(|f| f.tangent).sum::<usize>(),
            c.orbit_dimension,
            if family > 0 {
                format!(" + proved family dimension {family}")
            } else {
                String::new()
            },
            c.test.criterion,
            c.test.unstable.map_or_else(
                || "singular (degenerate)".to_string(),
                |u| format!("{u} unstable root(s)")
            )
        ) + caveat.as_str(),
    }
}

/// What proves that an isolated real solution of a stratum, certified at
/// a real algebraic point, is an exact PSD solution of its rank: the
/// stratum's representation was verified exactly (the only one kept in
/// `StratumReport::rur`) and PSD decided exactly (only PSD solutions become
/// components).
const STRATUM_PROOF: &str = "the stratum's rational univariate representation, verified exactly over Q (every equation of the stratum, S·G(S) = 0 and the (r+1)-minors of S, ≡ 0 mod χ; e_r(S)·det(S·Mxx + λI) ≠ 0 at every root, so the rank is exactly r), and PSD decided exactly at t₀";

/// The verdict of the validated certificate `c` (χ of degree `degree`)
/// under `label`: `validated` when every part of the reduction is proved or
/// validated, numeric when a part rests on the hand derivation.
fn validated_verdict(
    c: &ValidatedCertificate,
    label: DynamicsKind,
    degree: usize,
) -> DynamicsVerdict {
    let (level, caveat) = level_of_reduction(&c.reduction, Level::Validated);
    DynamicsVerdict {
        dynamics: label,
        verdict: ComponentVerdict::from(&c.verdict),
        level,
        detail: format!(
            "validated at the real algebraic point S = h(t₀)/χ'(t₀), χ of degree {degree}: range block of size {} in interval arithmetic at {} bits, tangent multiplicity {} (orbit dimension {}{}), {} test: {} unstable root(s)",
            c.range_block_size,
            c.precision_bits,
            c.multiplicity + c.closed_forms.iter().map(|f| f.tangent).sum::<usize>(),
            c.orbit_dimension,
            if c.family_dimension > 0 {
                format!(" + proved family dimension {}", c.family_dimension)
            } else {
                String::new()
            },
            c.criterion,
            c.unstable
        ) + caveat.as_str(),
    }
}

/// The dynamics certified exactly, with their labels (those of the numeric
/// verdicts they replace): SG, EMA at each κ of the grid, the SG map and the
/// EMA map.
fn exact_dynamics(cfg: &CharacterizeConfig) -> Result<Vec<(DynamicsKind, Dynamics)>> {
    let eta = rational_from_f64(cfg.eta, "eta")?;
    let alpha = rational_from_f64(cfg.alpha, "alpha")?;
    let mut list = vec![(DynamicsKind::SgFlow, Dynamics::StopGradient)];
    for &kappa in &cfg.kappa_grid {
        list.push((
            DynamicsKind::EmaFlow { kappa },
            Dynamics::Ema {
                kappa: rational_from_f64(kappa, "kappa")?,
            },
        ));
    }
    list.push((
        DynamicsKind::SgMap { eta: cfg.eta },
        Dynamics::SgMap { eta: eta.clone() },
    ));
    list.push((
        DynamicsKind::EmaMap {
            eta: cfg.eta,
            alpha: cfg.alpha,
        },
        Dynamics::EmaMap { eta, alpha },
    ));
    Ok(list)
}

/// Largest `(range block size) × deg χ` for which an exact certificate at a
/// real algebraic point is attempted (deg χ: the degree of the irreducible
/// factor of the stratum's χ at the point). The cost grows steeply with both
/// (the characteristic polynomial by Chinese remaindering, the Hurwitz
/// determinants, the signs at t₀). 72 admits the EMA blocks at rank 2 of
/// m = 2 (block 12, deg χ = 6 on `default`, 24 s for `characterize`); 108
/// admits the EMA blocks at rank 3 of m = 3 over factors of degree 4 (block
/// 27, `commuting`'s maximal-rank stratum: `characterize` 22 s at 72, where
/// those verdicts stayed numeric, 64 s at 108, with the characteristic
/// polynomial modulo each prime by Hessenberg reduction). The next size on
/// the built-ins, 128 (EMA at rank 2 of m = 3 over `commuting`'s degree-8
/// factors, not maximal rank), took 133 s and is left out. A certificate
/// cannot be interrupted, so larger cases keep their numeric verdicts (the
/// report says which verdict has which level).
pub const MAX_ALGEBRAIC_COST: usize = 108;

/// Largest number of digits of a coefficient of χ for the same (`wide`'s
/// rank-1 stratum, 89 digits, takes about 1 s per certificate).
pub const MAX_ALGEBRAIC_DIGITS: usize = 60;

fn algebraic_affordable(
    m: usize,
    r: usize,
    chi_degree: usize,
    digits: usize,
    teacher: bool,
) -> bool {
    let block = if teacher {
        2 * r * m + r * r
    } else {
        r * m + r * r
    };
    block * chi_degree <= MAX_ALGEBRAIC_COST && digits <= MAX_ALGEBRAIC_DIGITS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(p: i64, d: i64) -> BigRational {
        BigRational::new(p.into(), d.into())
    }

    #[test]
    fn ldl_factors_with_square_pivots() {
        // S = AᵀA for A = [[1/2, 1], [0, 2/3]].
        let a = RationalMatrix::from_rows(vec![vec![q(1, 2), q(1, 1)], vec![q(0, 1), q(2, 3)]])
            .unwrap();
        let s = a.transpose().mul(&a);
        let f = ldl_square_factor(&s, 3).expect("square pivots");
        assert_eq!(f.transpose().mul(&f), s);
        assert_eq!(f.nrows(), 3);
        // A pivot 2 is not a rational square.
        let s2 = RationalMatrix::from_ints(&[&[2, 0], &[0, 1]], 1);
        assert!(ldl_square_factor(&s2, 2).is_none());
        // Rank one: the second pivot vanishes.
        let v = RationalMatrix::from_ints(&[&[3, 4]], 5);
        let s3 = v.transpose().mul(&v);
        let f3 = ldl_square_factor(&s3, 1).expect("rank one");
        assert_eq!(f3.transpose().mul(&f3), s3);
    }
}

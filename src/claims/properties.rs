//! Claims as properties of one instance, and `falsify`: a search over random
//! valid instances for a counterexample, shrunk to a minimal one by proptest.
//!
//! Besides every claim of the registry, five statements often made about SG
//! and EMA are available as named properties (see [`PropertyId`]).

use std::cell::RefCell;

use nalgebra::{Complex, DMatrix, DVector};
use num_rational::BigRational;
use num_traits::{Signed, Zero};
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::Serialize;

use super::{ClaimId, Finding, Verdict};
use crate::analysis::instance::{InstanceAnalysis, VerifyConfig, analyze};
use crate::model::{Instance, Procedure, StabilityVerdict};
use crate::numeric::Model;
use crate::numeric::equilibria::s_newton;
use crate::testing::{InstanceBounds, valid_instance};

/// A property that can be checked on one instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum PropertyId {
    /// A claim of the registry.
    Claim(ClaimId),
    /// "For generic data, full-rank equilibria exist" (EXISTENCE without its condition).
    ExistenceUnconditional,
    /// "Saddle equilibria occur only when m = 1."
    SaddlesOnlyScalar,
    /// "The S-equation has exactly 2^{m(m+1)/2} solutions."
    BezoutCount,
    /// "Every SG trajectory converges to an equilibrium."
    SgConverges,
    /// "EMA and SG have the same stable equilibria."
    EmaSgSameStable,
}

impl PropertyId {
    /// The named properties beyond the registry.
    pub const NAMED: [PropertyId; 5] = [
        PropertyId::ExistenceUnconditional,
        PropertyId::SaddlesOnlyScalar,
        PropertyId::BezoutCount,
        PropertyId::SgConverges,
        PropertyId::EmaSgSameStable,
    ];

    /// Whether the property reads trajectories (the others need only the
    /// equilibrium catalogue and spectra, so `falsify` skips the runs).
    pub fn needs_trajectories(self) -> bool {
        match self {
            PropertyId::Claim(c) => matches!(
                c,
                ClaimId::NotMinimizer
                    | ClaimId::GdCollapse
                    | ClaimId::Variety
                    | ClaimId::RankStrata
                    | ClaimId::Stability
            ),
            PropertyId::SgConverges => true,
            _ => false,
        }
    }

    /// Identifier on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            PropertyId::Claim(c) => c.as_str(),
            PropertyId::ExistenceUnconditional => "EXISTENCE-UNCONDITIONAL",
            PropertyId::SaddlesOnlyScalar => "SADDLES-ONLY-SCALAR",
            PropertyId::BezoutCount => "S-EQUATION-BEZOUT-COUNT",
            PropertyId::SgConverges => "SG-ALWAYS-CONVERGES",
            PropertyId::EmaSgSameStable => "EMA-SG-SAME-STABLE",
        }
    }

    /// Parses an identifier (case-insensitive): a claim id or a named property.
    pub fn parse(s: &str) -> Option<Self> {
        ClaimId::parse(s).map(PropertyId::Claim).or_else(|| {
            Self::NAMED
                .into_iter()
                .find(|p| p.as_str().eq_ignore_ascii_case(s))
        })
    }

    /// All identifiers, for messages.
    pub fn all_names() -> Vec<&'static str> {
        ClaimId::ALL
            .iter()
            .map(|c| c.as_str())
            .chain(Self::NAMED.iter().map(|p| p.as_str()))
            .collect()
    }

    /// The statement, with what it assumes.
    pub fn statement(self) -> &'static str {
        match self {
            PropertyId::Claim(c) => c.statement(),
            PropertyId::ExistenceUnconditional => {
                "for generic data, equilibria of maximal rank min(n, m) exist (no condition on λ); m = 1 is decided exactly by the sign of Δ = τ² − 4ρλ, m > 1 by the numerical search"
            }
            PropertyId::SaddlesOnlyScalar => {
                "saddle equilibria occur only when m = 1 (checked for m ≥ 2: no component is an SG saddle)"
            }
            PropertyId::BezoutCount => {
                "the S-equation has exactly 2^{m(m+1)/2} distinct complex solutions; m = 1 is decided exactly (discriminant τ²Δ of a quadratic), m > 1 by complex Newton from many starts (a lower bound: fewer found is inconclusive)"
            }
            PropertyId::SgConverges => {
                "every SG trajectory converges to an equilibrium (a run that keeps field norm ≥ 1e-4 at t = 2·10⁴ refutes it; slower runs are inconclusive)"
            }
            PropertyId::EmaSgSameStable => {
                "an equilibrium component is stable for continuous EMA (every κ of the grid) and for discrete EMA (η, α) iff it is stable for SG (continuous, and discrete at the same η)"
            }
        }
    }
}

/// Evaluates a property on one analysed instance.
pub fn evaluate_property(p: PropertyId, an: &InstanceAnalysis, cfg: &VerifyConfig) -> Finding {
    match p {
        PropertyId::Claim(c) => c.claim().numeric(an, cfg),
        PropertyId::ExistenceUnconditional => existence_unconditional(an),
        PropertyId::SaddlesOnlyScalar => saddles_only_scalar(an),
        PropertyId::BezoutCount => bezout_count(an, cfg),
        PropertyId::SgConverges => sg_converges(an, cfg),
        PropertyId::EmaSgSameStable => ema_sg_same_stable(an, cfg),
    }
}

/// SADDLES-ONLY-SCALAR: for m ≥ 2, no SG component is a saddle.
fn saddles_only_scalar(an: &InstanceAnalysis) -> Finding {
    let name = an.instance.name();
    if an.model.m == 1 {
        return Finding::not_applicable(name, "m = 1: saddles are expected there".into());
    }
    let saddles: Vec<String> = an
        .components
        .iter()
        .filter(|c| c.stability.sg.verdict == StabilityVerdict::Saddle)
        .map(|c| {
            format!(
                "rank {} tr S = {:.4}",
                c.equilibrium.rank,
                c.equilibrium.s.trace()
            )
        })
        .collect();
    if saddles.is_empty() {
        Finding::new(
            name,
            Verdict::Holds,
            format!(
                "m = {}: no saddle among {} components",
                an.model.m,
                an.components.len()
            ),
        )
    } else {
        Finding::new(
            name,
            Verdict::Fails,
            format!(
                "m = {}: {} SG saddle components ({})",
                an.model.m,
                saddles.len(),
                saddles.join(", ")
            ),
        )
    }
}

/// SG-ALWAYS-CONVERGES: every SG run that reached the horizon converged.
fn sg_converges(an: &InstanceAnalysis, cfg: &VerifyConfig) -> Finding {
    let name = an.instance.name();
    let sg: Vec<_> = an
        .endpoints
        .iter()
        .filter(|e| e.procedure == Procedure::StopGradient)
        .collect();
    let stuck: Vec<_> = sg.iter().filter(|e| !e.converged).collect();
    // Only runs that reached the full horizon count: a run stopped by the
    // step budget (stiff dynamics) says nothing about convergence.
    let horizon = cfg.ode.t_max * (1.0 - 1e-9);
    let clear: Vec<_> = stuck
        .iter()
        .filter(|e| e.t >= horizon && e.field_norm >= 1e-4)
        .collect();
    if let Some(e) = clear.first() {
        // Try to prove the cycle the runs point at (NOT-GRADIENT-LIKE).
        let orbit = super::not_gradient_like::finding(an);
        let orbit = if orbit.verdict == Verdict::Holds {
            format!("; {}", orbit.summary)
        } else {
            format!("; no periodic orbit proved ({})", orbit.summary)
        };
        Finding::new(
            name,
            Verdict::Fails,
            format!(
                "{} of {} SG runs still have field norm ≥ 1e-4 at t = {:.0} (e.g. {:.3e}, rank of A {}, init scale {}){orbit}",
                clear.len(),
                sg.len(),
                e.t,
                e.field_norm,
                e.rank,
                e.init_scale
            ),
        )
    } else if stuck.is_empty() {
        Finding::new(
            name,
            Verdict::Holds,
            format!("{} of {} SG runs converged", sg.len(), sg.len()),
        )
    } else {
        Finding::new(
            name,
            Verdict::Inconclusive,
            format!(
                "{} SG runs neither converged nor clearly stalled within t = {:.0} (slow, or stopped by the step budget)",
                stuck.len(),
                cfg.ode.t_max
            ),
        )
    }
}

/// EMA-SG-SAME-STABLE: the SG and EMA verdicts (flows and maps) agree on every
/// component whose spectra are not degenerate.
fn ema_sg_same_stable(an: &InstanceAnalysis, cfg: &VerifyConfig) -> Finding {
    let name = an.instance.name();
    let mut differ = Vec::new();
    let mut undecided = 0;
    for c in &an.components {
        let st = &c.stability;
        let cont: Vec<StabilityVerdict> = st.ema.iter().map(|(_, s)| s.verdict).collect();
        let all = [
            st.sg.verdict,
            st.sg_discrete.verdict,
            st.ema_discrete.verdict,
        ];
        if all
            .iter()
            .chain(&cont)
            .any(|v| *v == StabilityVerdict::Degenerate)
        {
            undecided += 1;
            continue;
        }
        let sg_stable = st.sg.verdict == StabilityVerdict::Stable;
        let ema_cont = cont
            .iter()
            .all(|v| (*v == StabilityVerdict::Stable) == sg_stable);
        let disc = (st.sg_discrete.verdict == StabilityVerdict::Stable)
            == (st.ema_discrete.verdict == StabilityVerdict::Stable);
        if !ema_cont || !disc {
            differ.push(format!(
                "rank {} tr S = {:.4}: SG {}, EMA κ∈{:?} {:?}, discrete SG {} vs EMA {}",
                c.equilibrium.rank,
                c.equilibrium.s.trace(),
                st.sg.verdict.as_str(),
                cfg.kappa_grid,
                cont.iter().map(|v| v.as_str()).collect::<Vec<_>>(),
                st.sg_discrete.verdict.as_str(),
                st.ema_discrete.verdict.as_str()
            ));
        }
    }
    if !differ.is_empty() {
        Finding::new(name, Verdict::Fails, differ.join("; "))
    } else if undecided > 0 {
        Finding::new(
            name,
            Verdict::Inconclusive,
            format!("{undecided} components have a degenerate spectrum"),
        )
    } else {
        Finding::new(
            name,
            Verdict::Holds,
            format!(
                "SG and EMA (κ ∈ {:?}; discrete η = {}, α = {}) agree on all {} components",
                cfg.kappa_grid,
                cfg.eta,
                cfg.alpha,
                an.components.len()
            ),
        )
    }
}

fn scalar_data(inst: &Instance) -> (BigRational, BigRational, BigRational) {
    let mo = inst.moments();
    (
        mo.mxx.get(0, 0).clone(),
        mo.myx.get(0, 0).clone(),
        inst.lambda().clone(),
    )
}

fn existence_unconditional(an: &InstanceAnalysis) -> Finding {
    let name = an.instance.name();
    let top = an.model.n.min(an.model.m);
    if an.model.m == 1 {
        // Exact: nonzero equilibria exist iff Δ = τ² − 4ρλ ≥ 0 (SPEC SCALAR).
        let (rho, tau, lam) = scalar_data(&an.instance);
        let four = BigRational::from_integer(4.into());
        let delta = &tau * &tau - four * rho * lam;
        return if delta.is_negative() {
            Finding::new(
                name,
                Verdict::Fails,
                format!(
                    "m = 1 with Δ = τ² − 4ρλ = {delta} < 0 (exact): only the collapsed equilibrium exists"
                ),
            )
        } else {
            Finding::new(
                name,
                Verdict::Holds,
                format!("m = 1 with Δ = {delta} ≥ 0 (exact)"),
            )
        };
    }
    let found = an
        .components
        .iter()
        .filter(|c| c.equilibrium.rank == top)
        .count();
    if found > 0 {
        Finding::new(
            name,
            Verdict::Holds,
            format!("{found} components of rank {top} found"),
        )
    } else {
        Finding::new(
            name,
            Verdict::Fails,
            format!(
                "no equilibrium of rank {top} found by the numerical search (and no SG/EMA run ended at rank {top})"
            ),
        )
    }
}

fn bezout_count(an: &InstanceAnalysis, cfg: &VerifyConfig) -> Finding {
    let name = an.instance.name();
    let m = an.model.m;
    let unknowns = m * (m + 1) / 2;
    let bound = 1usize << unknowns;
    if m == 1 {
        // ρ² s² + (2ρλ − τ²) s + λ² = 0: two distinct roots iff its
        // discriminant (2ρλ − τ²)² − 4ρ²λ² = τ²(τ² − 4ρλ) ≠ 0 (ρ > 0).
        let (rho, tau, lam) = scalar_data(&an.instance);
        let four = BigRational::from_integer(4.into());
        let disc = &tau * &tau * (&tau * &tau - four * rho * lam);
        return if disc.is_zero() {
            Finding::new(
                name,
                Verdict::Fails,
                format!(
                    "m = 1: the discriminant τ²(τ² − 4ρλ) is exactly 0 (τ = {tau}), so the S-equation has 1 distinct solution, not 2"
                ),
            )
        } else {
            Finding::new(
                name,
                Verdict::Holds,
                "m = 1: discriminant τ²(τ² − 4ρλ) ≠ 0 (exact), 2 distinct solutions".into(),
            )
        };
    }
    let found = complex_s_solutions(&an.model, 40 * bound, cfg.seed);
    let verdict = if found > bound {
        Verdict::Fails
    } else if found == bound {
        Verdict::Holds
    } else {
        Verdict::Inconclusive
    };
    Finding::new(
        name,
        verdict,
        format!(
            "complex Newton from {} starts found {found} distinct solutions, Bézout bound {bound} (a lower bound on the count)",
            40 * bound
        ),
    )
}

/// Distinct complex solutions of the S-equation found by Newton's method from
/// seeded random complex starts (a lower bound on their number).
fn complex_s_solutions(model: &Model, starts: usize, seed: u64) -> usize {
    let unknowns = model.m * (model.m + 1) / 2;
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xbe20);
    let mut sols: Vec<DMatrix<Complex<f64>>> = Vec::new();
    for _ in 0..starts {
        let x0 = DVector::from_fn(unknowns, |_, _| {
            Complex::new(
                StandardNormal.sample(&mut rng),
                StandardNormal.sample(&mut rng),
            )
        });
        if let Some(s) = s_newton(model, x0, 80)
            && !sols
                .iter()
                .any(|y| (y - &s).norm() < 1e-6 * (1.0 + s.norm()))
        {
            sols.push(s);
        }
    }
    sols.len()
}

/// Settings of a counterexample search.
#[derive(Clone, Debug, Serialize)]
pub struct FalsifyConfig {
    /// Random instances to try.
    pub cases: u32,
    /// Seed of the search.
    pub seed: u64,
    /// Shapes and λ range of the instances.
    #[serde(skip)]
    pub bounds: InstanceBounds,
    /// Analysis settings per instance.
    pub analysis: VerifyConfig,
    /// Most shrinking steps.
    pub max_shrink_iters: u32,
    /// Most seconds spent shrinking a counterexample.
    pub max_shrink_seconds: u32,
}

/// The smallest failing instance found, with its evidence.
#[derive(Clone, Debug, Serialize)]
pub struct Counterexample {
    /// The instance, as an exact instance file (TOML).
    pub instance_toml: String,
    /// The failing finding on it.
    pub finding: Finding,
}

/// What a search found.
#[derive(Clone, Debug, Serialize)]
pub struct FalsifyOutcome {
    /// Property identifier.
    pub property: String,
    /// The statement checked.
    pub statement: String,
    /// Instances evaluated before the first failure (or all of them).
    pub cases_run: u32,
    /// Of those, where the property held.
    pub held: u32,
    /// Where it was inconclusive.
    pub inconclusive: u32,
    /// Where it did not apply.
    pub not_applicable: u32,
    /// Shapes and λ range covered, in words.
    pub ranges: String,
    /// The shrunk counterexample, if one was found.
    pub counterexample: Option<Counterexample>,
}

#[derive(Default)]
struct Tally {
    run: u32,
    held: u32,
    inconclusive: u32,
    not_applicable: u32,
    failed: bool,
}

impl Tally {
    /// Counts one finding of the initial search.
    fn count(&mut self, f: &Finding) {
        self.run += 1;
        match (f.applies, f.verdict) {
            (false, _) => self.not_applicable += 1,
            (true, Verdict::Holds | Verdict::HoldsWithCondition) => self.held += 1,
            (true, Verdict::Inconclusive) => self.inconclusive += 1,
            (true, Verdict::Fails) => self.failed = true,
        }
    }
}

/// The shapes, λ range and structure searched, in words.
fn describe_bounds(b: &InstanceBounds) -> String {
    format!(
        "n ∈ [{}, {}], m ∈ [{}, {}], λ ∈ [{}, {}], structure {:?}",
        b.n.start(),
        b.n.end(),
        b.m.start(),
        b.m.end(),
        *b.lambda_thousandths.start() as f64 / 1000.0,
        *b.lambda_thousandths.end() as f64 / 1000.0,
        b.structure
    )
}

/// A proptest runner seeded from `cfg.seed` (ChaCha), with the case count
/// and shrinking budget of `cfg` and no failure persistence.
fn seeded_runner(cfg: &FalsifyConfig) -> TestRunner {
    let config = Config {
        cases: cfg.cases,
        failure_persistence: None,
        max_shrink_iters: cfg.max_shrink_iters,
        max_shrink_time: cfg.max_shrink_seconds.saturating_mul(1000),
        max_global_rejects: 10_000,
        ..Config::default()
    };
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&cfg.seed.to_le_bytes());
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed))
}

/// Searches random valid instances for a counterexample to `property`;
/// `progress(k)` is called after each instance of the initial search.
pub fn falsify(
    property: PropertyId,
    cfg: &FalsifyConfig,
    progress: impl Fn(u32),
) -> FalsifyOutcome {
    let b = &cfg.bounds;
    let ranges = describe_bounds(b);
    let mut runner = seeded_runner(cfg);
    let tally = RefCell::new(Tally::default());
    let mut analysis = cfg.analysis.clone();
    if !property.needs_trajectories() {
        analysis.starts = 0;
    }
    let analysis = &analysis;
    let result = runner.run(&valid_instance(b.clone()), |inst| {
        let an = analyze(&inst, analysis);
        let f = evaluate_property(property, &an, analysis);
        let mut t = tally.borrow_mut();
        if !t.failed {
            t.count(&f);
            progress(t.run);
        }
        if f.applies && f.verdict == Verdict::Fails {
            Err(TestCaseError::fail(f.summary))
        } else {
            Ok(())
        }
    });
    let counterexample = match result {
        Err(TestError::Fail(_, inst)) => {
            let inst = inst.renamed(&format!(
                "counterexample-{}",
                property.as_str().to_lowercase()
            ));
            let an = analyze(&inst, analysis);
            let finding = evaluate_property(property, &an, analysis);
            Some(Counterexample {
                instance_toml: toml::to_string(&inst.to_file()).unwrap_or_default(),
                finding,
            })
        }
        _ => None,
    };
    let t = tally.into_inner();
    FalsifyOutcome {
        property: property.as_str().to_owned(),
        statement: property.statement().to_owned(),
        cases_run: t.run,
        held: t.held,
        inconclusive: t.inconclusive,
        not_applicable: t.not_applicable,
        ranges,
        counterexample,
    }
}

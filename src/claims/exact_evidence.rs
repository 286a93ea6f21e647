//! The exact level of the claims about equilibria: S-EQUATION, VARIETY,
//! RANK-STRATA, EXISTENCE, STABILITY, SCALAR and NOT-MINIMIZER rest on the
//! exact characterization of each instance ([`super::characterize`]):
//! identities on the instance's data, strata solved exactly, exact
//! certificates where a rational point is known. The numeric findings stay in
//! each summary as a cross-check; a disagreement between the two is reported.

use std::time::Duration;

use num_rational::BigRational;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::analysis::{InstanceAnalysis, VerifyConfig};
use super::characterize::{
    Characterization, CharacterizeConfig, Component, DynamicsVerdict, WholeVariety, characterize,
};
use super::{ClaimId, ClaimResult, Finding, Level, Verdict};
use crate::model::{Instance, Moments, RationalMatrix, rational_from_f64};
use crate::variety::strata::{MAX_STRATA_M, StrataOptions, stratum};
use crate::variety::zerodim::SolveOptions;

/// The exact characterization of every instance it applies to (m ≤ 3,
/// λ > 0), within the budget.
pub(super) fn run(
    instances: &[Instance],
    cfg: &VerifyConfig,
    budget: Option<Duration>,
) -> Vec<(String, Option<Characterization>)> {
    let started = std::time::Instant::now();
    instances
        .iter()
        .map(|inst| {
            let usable =
                inst.m() <= MAX_STRATA_M && inst.lambda() > &BigRational::from_integer(0.into());
            let left = budget.map(|b| b.saturating_sub(started.elapsed()).as_secs_f64());
            let c = (usable && left.is_none_or(|t| t > 0.0))
                .then(|| {
                    characterize(
                        inst,
                        &CharacterizeConfig {
                            timeout: left,
                            whole_variety: WholeVariety::Never,
                            kappa_grid: cfg.kappa_grid.clone(),
                            eta: cfg.eta,
                            alpha: cfg.alpha,
                            spectral: cfg.spectral,
                            seed: cfg.seed,
                            ..CharacterizeConfig::default()
                        },
                        |_| {},
                    )
                    .ok()
                })
                .flatten();
            (inst.name().to_owned(), c)
        })
        .collect()
}

const EXACT_CLAIMS: [ClaimId; 7] = [
    ClaimId::NotMinimizer,
    ClaimId::SEquation,
    ClaimId::Variety,
    ClaimId::RankStrata,
    ClaimId::Existence,
    ClaimId::Stability,
    ClaimId::Scalar,
];

/// Replaces the numeric findings of the claims above by exact ones where a
/// characterization exists.
pub(super) fn apply(
    numeric: ClaimResult,
    chars: &[(String, Option<Characterization>)],
    analyses: &[InstanceAnalysis],
    cfg: &VerifyConfig,
) -> ClaimResult {
    if !EXACT_CLAIMS.contains(&numeric.id) {
        return numeric;
    }
    let id = numeric.id;
    let mut findings = Vec::new();
    for f in &numeric.findings {
        let ch = chars
            .iter()
            .find(|(n, _)| n == &f.instance)
            .and_then(|(_, c)| c.as_ref());
        let an = analyses.iter().find(|a| a.instance.name() == f.instance);
        let exact = match (ch, an) {
            (Some(c), Some(an)) if f.applies || id == ClaimId::Existence => finding(id, c, an, f),
            _ => None,
        };
        findings.push(exact.unwrap_or_else(|| f.clone()));
    }
    if id == ClaimId::Existence
        && let Some(sweep) = findings.iter_mut().find(|f| f.instance == "m=1 sweep")
    {
        *sweep = exact_scalar_sweep(cfg);
    }
    let mut out = ClaimResult::aggregate(id, findings);
    if let Some(cov) = &numeric.symbolic {
        let proved = cov.shapes.iter().filter(|s| s.holds).count();
        out.summary = format!(
            "identities proved for all data with n, m ≤ {} ({proved} of {} shapes); {}",
            cov.max_dimension,
            cov.shapes.len() + cov.not_attempted.len(),
            out.summary
        );
    }
    out.symbolic = numeric.symbolic;
    out
}

fn cross(f: &Finding) -> String {
    format!(
        " [numeric cross-check: {}: {}]",
        f.verdict.as_str(),
        f.summary
    )
}

fn exact_finding(instance: &str, verdict: Verdict, level: Level, summary: String) -> Finding {
    Finding {
        instance: instance.to_owned(),
        applies: true,
        verdict,
        level,
        summary,
    }
}

/// The verdict of a component for each dynamics at its best level.
fn best(c: &Component) -> Vec<&DynamicsVerdict> {
    let mut out: Vec<&DynamicsVerdict> = Vec::new();
    for v in &c.verdicts {
        match out.iter_mut().find(|b| b.dynamics == v.dynamics) {
            Some(b) if v.level > b.level => *b = v,
            Some(_) => {}
            None => out.push(v),
        }
    }
    out
}

fn components(c: &Characterization) -> impl Iterator<Item = &Component> {
    c.strata.iter().flat_map(|s| s.components.iter())
}

fn finding(
    id: ClaimId,
    c: &Characterization,
    an: &InstanceAnalysis,
    num: &Finding,
) -> Option<Finding> {
    let name = c.instance.name.as_str();
    let (n, m) = (c.instance.n, c.instance.m);
    let rmax = n.min(m);
    let all_exact = c
        .strata
        .iter()
        .all(|s| s.stratum.rank == 0 || s.stratum.complex_solutions.is_some());
    let top = c.strata.iter().find(|s| s.stratum.rank == rmax);
    let completeness = |s: &crate::claims::characterize::StratumReport| {
        if s.stratum.exact {
            "count exact".to_string()
        } else {
            "complete up to the modular count".to_string()
        }
    };
    match id {
        ClaimId::SEquation => {
            let ids = c.s_equation_identities.as_ref()?;
            let top = top?;
            let k = top.components.len();
            let verdict = if ids.holds {
                Verdict::Holds
            } else {
                Verdict::Fails
            };
            Some(exact_finding(
                name,
                verdict,
                Level::Symbolic,
                format!(
                    "on this data, λ·S·G(S) ∈ ⟨P, Q⟩ (only if) and P(A, B(A), A) = λ·A·N⁻ᵀG(S)N⁻¹, Q(A, B(A), A) = 0 (if) are identities: {}; the full-rank equilibria are the {k} orbit(s) over the positive definite solutions of the S-equation, found exactly ({}){}",
                    if ids.holds { "yes" } else { "NO" },
                    completeness(top),
                    cross(num)
                ),
            ))
        }
        ClaimId::Variety => {
            let top = top?;
            if top.components.is_empty() {
                return None;
            }
            let degenerate = top.components.iter().any(|x| x.sg_verdict == "degenerate");
            let exact_certs = top
                .components
                .iter()
                .filter(|x| x.sg_level >= Level::Exact)
                .count();
            let d = crate::numeric::orbit_dimension(n, m);
            Some(exact_finding(
                name,
                if degenerate {
                    Verdict::Inconclusive
                } else {
                    Verdict::Holds
                },
                Level::Exact,
                format!(
                    "{} full-rank component(s) S_k ≻ 0, exactly ({}); each {{A : AᵀA = S_k}} is one O(n)-orbit of dimension nm − m(m+1)/2 = {d}; the SG Jacobian's kernel is exactly its tangent space at {} of them (exact certificate) and numerically at the others; (A, B(A), A) is an EMA equilibrium (same P, Q){}",
                    top.components.len(),
                    completeness(top),
                    exact_certs,
                    cross(num)
                ),
            ))
        }
        ClaimId::RankStrata => {
            let parts: Vec<String> = c
                .strata
                .iter()
                .map(|s| {
                    format!(
                        "r={}: {} complex, {} real PSD (orbit dim {})",
                        s.stratum.rank,
                        s.stratum
                            .complex_solutions
                            .map_or("?".into(), |x| x.to_string()),
                        s.stratum.real_solutions.iter().filter(|x| x.psd).count(),
                        s.stratum.orbit_dimension
                    )
                })
                .collect();
            let numeric_found: usize = an.components.len();
            let exact_found: usize = components(c).count();
            let ids_ok = c.s_equation_identities.as_ref().is_some_and(|p| p.holds);
            let verdict = if !ids_ok {
                Verdict::Fails
            } else if all_exact && c.not_computed.is_empty() {
                Verdict::Holds
            } else {
                Verdict::Inconclusive
            };
            Some(exact_finding(
                name,
                verdict,
                Level::Exact,
                format!(
                    "every equilibrium satisfies S·G(S) = 0 (ideal membership, symbolic); strata solved exactly: {}; {exact_found} components in all, the numerical search found {numeric_found}{}",
                    parts.join(", "),
                    cross(num)
                ),
            ))
        }
        ClaimId::Existence => {
            let top = top?;
            let k = top.components.len();
            if m == 1 {
                let mo = &c.instance;
                let rho = crate::model::parse_rational(&mo.mxx[0][0], "rho").ok()?;
                let tau = crate::model::parse_rational(&mo.myx[0][0], "tau").ok()?;
                let lam = crate::model::parse_rational(&mo.lambda, "lambda").ok()?;
                let delta = &tau * &tau - BigRational::from_integer(4.into()) * rho * lam;
                let predicted = delta >= BigRational::from_integer(0.into());
                let verdict = if predicted == (k > 0) {
                    Verdict::Holds
                } else {
                    Verdict::Fails
                };
                return Some(exact_finding(
                    name,
                    verdict,
                    Level::Exact,
                    format!(
                        "Δ = τ² − 4ρλ = {delta} (exact); {k} nonzero sphere(s) of equilibria, as Δ ≥ 0 {} predicts{}",
                        if predicted { "" } else { "failing" },
                        cross(num)
                    ),
                ));
            }
            Some(exact_finding(
                name,
                if k > 0 {
                    Verdict::Holds
                } else {
                    Verdict::Inconclusive
                },
                Level::Exact,
                format!(
                    "{k} equilibrium component(s) of maximal rank {rmax}, exactly ({}){}",
                    completeness(top),
                    cross(num)
                ),
            ))
        }
        ClaimId::Stability => {
            let comps: Vec<&Component> = components(c).collect();
            let degenerate = comps
                .iter()
                .filter(|x| x.sg_verdict == "degenerate")
                .count();
            let full: Vec<&&Component> = comps
                .iter()
                .filter(|x| x.rank == rmax && rmax > 0)
                .collect();
            let full_stable = full.iter().filter(|x| x.sg_verdict == "stable").count();
            let level = comps
                .iter()
                .flat_map(|x| best(x).into_iter().map(|v| v.level))
                .min()
                .unwrap_or(Level::Numeric);
            let exact_count = comps
                .iter()
                .filter(|x| best(x).iter().all(|v| v.level >= Level::Exact))
                .count();
            let verdict = if degenerate > 0 {
                Verdict::Inconclusive
            } else if !full.is_empty() && full_stable == 0 {
                Verdict::Fails
            } else {
                Verdict::Holds
            };
            let list: Vec<String> = comps
                .iter()
                .map(|x| {
                    format!(
                        "r={} tr S={:.3} SG {} ({})",
                        x.rank,
                        x.trace,
                        x.sg_verdict,
                        x.sg_level.as_str()
                    )
                })
                .collect();
            Some(exact_finding(
                name,
                verdict,
                level,
                format!(
                    "{} component(s): {} every verdict exact, the rest numeric; {degenerate} degenerate; {full_stable} of {} maximal-rank stable; {}{}",
                    comps.len(),
                    exact_count,
                    full.len(),
                    list.join(" | "),
                    cross(num)
                ),
            ))
        }
        ClaimId::Scalar => {
            if m != 1 {
                return None;
            }
            let derived = c.scalar.as_ref()?;
            let comps: Vec<&Component> = components(c).collect();
            let origin = comps.iter().find(|x| x.rank == 0)?;
            let mut spheres: Vec<&&Component> = comps.iter().filter(|x| x.rank == 1).collect();
            spheres.sort_by(|a, b| a.trace.total_cmp(&b.trace));
            let sg = |x: &Component| {
                best(x)
                    .into_iter()
                    .find(|v| v.dynamics == "SG")
                    .map(|v| (v.verdict.clone(), v.level))
            };
            let mut level = Level::Exact;
            let mut verdicts = Vec::new();
            for x in std::iter::once(origin).chain(spheres.iter().copied()) {
                for v in best(x) {
                    level = level.min(v.level);
                }
                verdicts.push(sg(x));
            }
            let ok = match spheres.len() {
                0 => verdicts[0].as_ref().is_some_and(|v| v.0 == "stable"),
                2 => {
                    verdicts[0].as_ref().is_some_and(|v| v.0 == "stable")
                        && verdicts[1].as_ref().is_some_and(|v| v.0 == "saddle")
                        && verdicts[2].as_ref().is_some_and(|v| v.0 == "stable")
                }
                _ => false,
            };
            let radii: Vec<String> = spheres
                .iter()
                .map(|x| format!("{:.6}", x.trace.sqrt()))
                .collect();
            Some(exact_finding(
                name,
                if ok { Verdict::Holds } else { Verdict::Fails },
                level,
                format!(
                    "derived symbolically: Δ = {} and radii {}; on this instance {} sphere(s) of radii [{}] (exact roots); origin SG {}, inner {}, outer {}{}",
                    derived.delta,
                    derived.radii.join(", "),
                    spheres.len(),
                    radii.join(", "),
                    verdicts[0].as_ref().map_or("?".into(), |v| format!(
                        "{} ({})",
                        v.0,
                        v.1.as_str()
                    )),
                    verdicts
                        .get(1)
                        .and_then(|v| v.as_ref())
                        .map_or("–".into(), |v| format!("{} ({})", v.0, v.1.as_str())),
                    verdicts
                        .get(2)
                        .and_then(|v| v.as_ref())
                        .map_or("–".into(), |v| format!("{} ({})", v.0, v.1.as_str())),
                    cross(num)
                ),
            ))
        }
        ClaimId::NotMinimizer => {
            let nonzero: Vec<&Component> = components(c).filter(|x| x.rank > 0).collect();
            if nonzero.is_empty() {
                return None;
            }
            let decided = nonzero
                .iter()
                .filter(|x| x.grad_ebar_nonzero_exact.is_some())
                .count();
            let zero = nonzero
                .iter()
                .filter(|x| x.grad_ebar_nonzero_exact == Some(false))
                .count();
            let min = nonzero
                .iter()
                .map(|x| x.grad_ebar)
                .fold(f64::INFINITY, f64::min);
            let verdict = if zero > 0 {
                Verdict::Fails
            } else if decided == nonzero.len() {
                Verdict::Holds
            } else {
                Verdict::Inconclusive
            };
            Some(exact_finding(
                name,
                verdict,
                Level::Exact,
                format!(
                    "at all {} nonzero equilibrium component(s), A ≠ 0 and ∇Ē ≠ 0 exactly ({} decided; ‖∇Ē‖ ≥ {min:.3e} at the representatives): no nonzero SG/EMA equilibrium is a critical point of Ē{}",
                    nonzero.len(),
                    decided,
                    cross(num)
                ),
            ))
        }
        _ => None,
    }
}

/// EXISTENCE for m = 1 over random (ρ, τ, λ), exactly: for each draw
/// (rounded to three decimals, so exact rationals), the rank-one stratum is
/// solved exactly and its number of PSD solutions compared with the sign of
/// Δ = τ² − 4ρλ.
fn exact_scalar_sweep(cfg: &VerifyConfig) -> Finding {
    let draws = 200;
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed ^ 0x5ca1a);
    let mut agree = 0;
    let mut with_delta = 0;
    let mut disagree = Vec::new();
    let mut undecided = 0;
    let round = |x: f64| (x * 1000.0).round() / 1000.0;
    for _ in 0..draws {
        let rho = round(rng.gen_range(0.05..3.0));
        let tau = round(rng.gen_range(-1.0..1.0));
        let lambda = round(rng.gen_range(0.01..0.1));
        let q = |x: f64| {
            rational_from_f64(x, "draw").unwrap_or_else(|_| BigRational::from_integer(1.into()))
        };
        let (r, t, l) = (q(rho), q(tau), q(lambda));
        let myy = &t * &t / &r + BigRational::new(1.into(), 10.into());
        let one = |x: &BigRational| RationalMatrix::from_fn(1, 1, |_, _| x.clone());
        let Ok(inst) = Instance::new(
            "draw",
            1,
            Moments {
                mxx: one(&r),
                myx: one(&t),
                myy: one(&myy),
            },
            l.clone(),
        ) else {
            undecided += 1;
            continue;
        };
        let delta = &t * &t - BigRational::from_integer(4.into()) * &r * &l;
        let positive = delta > BigRational::from_integer(0.into());
        if delta >= BigRational::from_integer(0.into()) {
            with_delta += 1;
        }
        let opts = StrataOptions {
            solve: SolveOptions {
                rational_basis_budget: Some(2.0),
                ..SolveOptions::default()
            },
            digits: 6,
        };
        match stratum(&inst, 1, &opts) {
            Ok(st) if st.complex_solutions.is_some() => {
                let found = st.equilibria().count();
                if (positive && found == 2) || (!positive && found == 0) {
                    agree += 1;
                } else {
                    disagree.push(format!("(ρ={r}, τ={t}, λ={l}: Δ={delta}, {found} spheres)"));
                }
            }
            _ => undecided += 1,
        }
    }
    let verdict = if !disagree.is_empty() {
        Verdict::Fails
    } else if undecided > 0 {
        Verdict::Inconclusive
    } else {
        Verdict::Holds
    };
    exact_finding(
        "m=1 sweep",
        verdict,
        Level::Exact,
        format!(
            "{draws} draws ρ ~ U[0.05,3], τ ~ U[−1,1], λ ~ U[0.01,0.1] rounded to 3 decimals: {with_delta} with Δ ≥ 0; the exact rank-one stratum has two PSD solutions iff Δ > 0 and none otherwise in {agree} draws{}{}",
            if undecided > 0 {
                format!(", {undecided} undecided")
            } else {
                String::new()
            },
            if disagree.is_empty() {
                String::new()
            } else {
                format!(", not in {}", disagree.join(" "))
            }
        ),
    )
}

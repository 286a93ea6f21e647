//! SCALAR [P4.11], m = 1: with `ρ = Mxx`, `τ = Myx`, `s = ‖a‖²`, nonzero
//! equilibria exist iff `Δ = τ² − 4ρλ ≥ 0`, on the spheres of radii
//! `(|τ| ∓ √Δ)/(2ρ)`; the outer sphere is stable, the inner a saddle, and the
//! origin stable (λ > 0).
//!
//! The rule reads: the sign of Δ (exact), the derivation of Δ and the radii
//! by elimination evaluated at the instance (it must agree with the paper's
//! closed form), the rank-one stratum (it must be resolved: otherwise
//! `inconclusive` with the reason, never "zero spheres"), the spheres found
//! (their number must be 2, 1 or 0 as Δ > 0, = 0, < 0, and their radii the
//! closed form's), and the stability verdicts at the origin and on each
//! sphere under **every** dynamics judged: the SG and EMA flows (κ grid, and
//! all κ > 0 where certified) must give origin stable, inner saddle, outer
//! stable; the discrete maps must be stable where the flows are, or the claim
//! holds only with a condition on the step. Δ = 0 leaves one double sphere
//! whose stability the statement does not cover (`inconclusive`, outside the
//! hypotheses). The level is the weakest of the stratum's completeness and
//! every verdict used.

use std::cmp::Ordering;

use num_rational::BigRational;
use num_traits::Zero;

use super::evidence::{Known, cross, known_rank, verdicts};
use super::stability::{Verdicts, numeric_verdicts};
use super::{Claim, ClaimId, Evidence, Finding, Level, Reason, Verdict};
use crate::analysis::characterize::{ComponentVerdict, DynamicsKind};
use crate::analysis::instance::{InstanceAnalysis, VerifyConfig};
use crate::model::{Instance, to_f64};
use crate::variety::scalar::evaluate_at;

/// SCALAR.
pub(super) struct Scalar;

impl Claim for Scalar {
    fn id(&self) -> ClaimId {
        ClaimId::Scalar
    }

    fn hypotheses(&self) -> &'static str {
        "m = 1 and λ > 0"
    }

    fn outcomes(&self) -> &'static [Verdict] {
        &[
            Verdict::Holds,
            Verdict::HoldsWithCondition,
            Verdict::Fails,
            Verdict::Inconclusive,
        ]
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
        let name = an.instance.name();
        let (rho, tau, lambda) = parameters(&an.instance);
        let delta = &tau * &tau - BigRational::from_integer(4.into()) * &rho * &lambda;
        let closed = closed_form(&rho, &tau, &lambda);
        let Some(derivation) = &c.scalar else {
            return numeric.because(Reason::NotComputed);
        };
        let derived = match evaluate_at(derivation, &rho, &tau, &lambda) {
            Ok((d, radii)) => {
                // The factors give ±τ ± √Δ over 2ρ: the radii are the
                // non-negative ones, each once.
                let mut radii: Vec<f64> = radii.into_iter().filter(|r| *r >= -1e-12).collect();
                radii.dedup_by(|a, b| (*a - *b).abs() <= 1e-12 * (1.0 + b.abs()));
                d.cmp(&BigRational::zero()) == delta.cmp(&BigRational::zero())
                    && radii.len() == closed.len()
                    && radii
                        .iter()
                        .zip(&closed)
                        .all(|(a, b)| (a - b).abs() <= 1e-9 * (1.0 + b.abs()))
            }
            Err(e) => {
                return Finding::new(
                    name,
                    Verdict::Inconclusive,
                    format!("the derivation could not be evaluated here: {e}"),
                )
                .because(Reason::ProofErrored);
            }
        };
        let stratum = c.strata.iter().find(|s| s.stratum.rank == 1);
        let mut spheres: Vec<Sphere> = stratum
            .map(|s| {
                s.stratum
                    .equilibria()
                    .zip(&s.components)
                    .map(|(sol, comp)| Sphere {
                        s: comp.trace,
                        tolerance: sol.s_error + 1e-9 * (1.0 + comp.trace.abs()),
                        verdicts: verdicts(comp),
                    })
                    .collect()
            })
            .unwrap_or_default();
        spheres.sort_by(|a, b| a.s.total_cmp(&b.s));
        let origin = c
            .strata
            .iter()
            .find(|s| s.stratum.rank == 0)
            .and_then(|s| s.components.first())
            .map(verdicts)
            .unwrap_or_default();
        let facts = Facts {
            delta: delta.cmp(&BigRational::zero()),
            closed_form_s: closed.iter().map(|r| r * r).collect(),
            derived_agrees: Some(derived),
            rank1: known_rank(c, 1),
            spheres,
            origin,
        };
        let detail = format!(
            "Δ = τ² − 4ρλ = {delta} (exact); derived by elimination: Δ = {}, radii {}{}",
            derivation.delta,
            derivation.radii.join(", "),
            cross(&numeric)
        );
        rule(name, &facts, &detail)
    }
}

fn parameters(inst: &Instance) -> (BigRational, BigRational, BigRational) {
    let mo = inst.moments();
    (
        mo.mxx.get(0, 0).clone(),
        mo.myx.get(0, 0).clone(),
        inst.lambda().clone(),
    )
}

/// The paper's radii `(|τ| ∓ √Δ)/(2ρ)` (none when Δ < 0, one when Δ = 0).
fn closed_form(rho: &BigRational, tau: &BigRational, lambda: &BigRational) -> Vec<f64> {
    let (rho, tau, lambda) = (to_f64(rho), to_f64(tau), to_f64(lambda));
    let delta = tau * tau - 4.0 * rho * lambda;
    if delta < 0.0 {
        Vec::new()
    } else if delta == 0.0 {
        vec![tau.abs() / (2.0 * rho)]
    } else {
        vec![
            (tau.abs() - delta.sqrt()) / (2.0 * rho),
            (tau.abs() + delta.sqrt()) / (2.0 * rho),
        ]
    }
}

/// One sphere `‖a‖² = s` of equilibria.
pub(super) struct Sphere {
    /// `s = ‖a‖²`.
    pub s: f64,
    /// A bound on the error of `s`.
    pub tolerance: f64,
    /// Its verdicts.
    pub verdicts: Verdicts,
}

/// What the rule reads.
pub(super) struct Facts {
    /// The sign of Δ (exact).
    pub delta: Ordering,
    /// The paper's `s = r²` for each radius, ascending.
    pub closed_form_s: Vec<f64>,
    /// Whether the derivation agrees with the paper's closed form here
    /// (`None`: not part of this evidence, e.g. the numeric catalogue).
    pub derived_agrees: Option<bool>,
    /// The rank-one stratum's completeness.
    pub rank1: Known,
    /// The spheres found, ascending.
    pub spheres: Vec<Sphere>,
    /// The origin's verdicts.
    pub origin: Verdicts,
}

/// How one verdict compares with what the claim says.
#[derive(PartialEq)]
enum Check {
    Agrees,
    Contradicts,
    Undecided,
    /// A map not stable where the flow is: needs a smaller step.
    StepBound,
}

fn check(d: DynamicsKind, v: ComponentVerdict, want: ComponentVerdict) -> Check {
    use ComponentVerdict as V;
    match (d, want) {
        (DynamicsKind::EmaFlowAllKappa, V::Stable) => match v {
            V::StableForAllKappa => Check::Agrees,
            V::StableForNoKappa | V::StableForSomeKappa => Check::Contradicts,
            _ => Check::Undecided,
        },
        (DynamicsKind::EmaFlowAllKappa, _) => match v {
            V::StableForNoKappa => Check::Agrees,
            V::StableForAllKappa | V::StableForSomeKappa => Check::Contradicts,
            _ => Check::Undecided,
        },
        (d, V::Stable) if d.is_map() => match v {
            V::Stable => Check::Agrees,
            V::Saddle | V::Unstable => Check::StepBound,
            _ => Check::Undecided,
        },
        (d, _) if d.is_map() => match v {
            V::Saddle | V::Unstable => Check::Agrees,
            _ => Check::Undecided,
        },
        (_, want) => match v {
            x if x == want => Check::Agrees,
            V::Stable | V::Saddle | V::Unstable => Check::Contradicts,
            _ => Check::Undecided,
        },
    }
}

/// The rule over typed evidence.
pub(super) fn rule(instance: &str, f: &Facts, detail: &str) -> Finding {
    let completeness = match &f.rank1 {
        Known::Complete(l) => *l,
        Known::Unresolved(reason, why) => {
            return Finding::new(
                instance,
                Verdict::Inconclusive,
                format!("{why}: the spheres are not known; {detail}"),
            )
            .because(*reason);
        }
    };
    let fail = |why: String, level: Level| {
        Finding::new(instance, Verdict::Fails, format!("{why}; {detail}")).at(level)
    };
    if f.derived_agrees == Some(false) {
        return fail(
            "the derivation by elimination disagrees with the paper's Δ or radii here".into(),
            Level::Symbolic.min(completeness),
        );
    }
    let expected = match f.delta {
        Ordering::Greater => 2,
        Ordering::Equal => 1,
        Ordering::Less => 0,
    };
    if let Some(why) = sphere_mismatch(f, expected) {
        return fail(why, completeness);
    }
    use ComponentVerdict as V;
    let mut expect: Vec<(&str, &Verdicts, ComponentVerdict)> =
        vec![("origin", &f.origin, V::Stable)];
    match f.spheres.as_slice() {
        [inner, outer] => {
            expect.push(("inner sphere", &inner.verdicts, V::Saddle));
            expect.push(("outer sphere", &outer.verdicts, V::Stable));
        }
        [_] => {
            return Finding::new(
                instance,
                Verdict::Inconclusive,
                format!("Δ = 0: one double sphere, as the closed form says; its stability is outside the statement; {detail}"),
            )
            .at(completeness)
            .outside();
        }
        _ => {}
    }
    match tally(&expect, completeness) {
        Ok(t) => verdict_from_tally(instance, t, expected, completeness, detail),
        Err((why, level)) => fail(why, level),
    }
}

/// With the spheres as expected and no contradiction: inconclusive while a
/// verdict is undecided, otherwise holds (on condition of a smaller step
/// when a discrete map needs one).
fn verdict_from_tally(
    instance: &str,
    t: Tally,
    expected: usize,
    completeness: Level,
    detail: &str,
) -> Finding {
    let Tally {
        level,
        notes,
        undecided,
        step_bound,
    } = t;
    if !undecided.is_empty() {
        return Finding::new(
            instance,
            Verdict::Inconclusive,
            format!("undecided: {}; {detail}", undecided.join(", ")),
        )
        .at(level);
    }
    let f = Finding::new(
        instance,
        Verdict::Holds,
        format!(
            "{expected} sphere(s) at the closed-form radii (completeness {}); {} under every dynamics judged; {detail}",
            completeness.as_str(),
            notes.join(", ")
        ),
    )
    .at(level);
    if step_bound.is_empty() {
        f
    } else {
        f.provided(format!(
            "the discrete maps need a smaller step ({})",
            step_bound.join(", ")
        ))
    }
}

/// Why the spheres found do not match the sign of Δ (`expected` of them) or
/// the closed-form radii within their error bounds, if they do not.
fn sphere_mismatch(f: &Facts, expected: usize) -> Option<String> {
    let found: Vec<f64> = f.spheres.iter().map(|s| s.s).collect();
    if found.len() != expected {
        return Some(format!(
            "{} sphere(s) ‖a‖² = {found:.6?} found where the sign of Δ gives {expected}",
            found.len()
        ));
    }
    f.spheres
        .iter()
        .zip(&f.closed_form_s)
        .find(|(s, cf)| (s.s - *cf).abs() > s.tolerance)
        .map(|(s, cf)| {
            format!(
                "a sphere ‖a‖² = {:.9} differs from the closed form {cf:.9} by more than its error bound {:.1e}",
                s.s, s.tolerance
            )
        })
}

/// The verdicts compared with the classes the claim expects.
struct Tally {
    /// The weakest level of the verdicts used (and of the completeness).
    level: Level,
    /// `what class` for each part judged.
    notes: Vec<String>,
    /// The parts with no verdict or an undecided one.
    undecided: Vec<String>,
    /// The parts whose discrete maps need a smaller step.
    step_bound: Vec<String>,
}

/// Compares each part's verdicts with the class it should have; the first
/// contradiction is returned as an error (its text and level).
fn tally(
    expect: &[(&str, &Verdicts, ComponentVerdict)],
    completeness: Level,
) -> std::result::Result<Tally, (String, Level)> {
    let mut level = completeness;
    let mut notes = Vec::new();
    let mut undecided = Vec::new();
    let mut step_bound = Vec::new();
    for (what, vs, want) in expect {
        if vs.is_empty() {
            undecided.push(format!("{what}: no verdict"));
        }
        for (d, v, l) in vs.iter() {
            level = level.min(*l);
            match check(*d, *v, *want) {
                Check::Agrees => {}
                Check::Contradicts => {
                    return Err((
                        format!(
                            "{what}: {d} {} ({}) where the claim says {}",
                            v.as_str(),
                            l.as_str(),
                            want.as_str()
                        ),
                        level.min(*l),
                    ));
                }
                Check::Undecided => undecided.push(format!("{what}: {d} {}", v.as_str())),
                Check::StepBound => step_bound.push(format!("{what}: {d} {}", v.as_str())),
            }
        }
        notes.push(format!("{what} {}", want.as_str()));
    }
    Ok(Tally {
        level,
        notes,
        undecided,
        step_bound,
    })
}

/// The numeric finding: the same rule over the numerical catalogue.
pub(super) fn numeric_finding(an: &InstanceAnalysis, cfg: &VerifyConfig) -> Finding {
    let model = &an.model;
    let name = an.instance.name();
    if model.m != 1 || model.lambda <= 0.0 {
        return Finding::not_applicable(name, format!("needs m = 1 and λ > 0 (m = {})", model.m));
    }
    let (rho, tau, lambda) = parameters(&an.instance);
    let delta = &tau * &tau - BigRational::from_integer(4.into()) * &rho * &lambda;
    let closed = closed_form(&rho, &tau, &lambda);
    let mut spheres: Vec<Sphere> = an
        .components
        .iter()
        .filter(|c| c.equilibrium.rank == 1)
        .map(|c| Sphere {
            s: c.equilibrium.s[(0, 0)],
            tolerance: 1e-8 * (1.0 + c.equilibrium.s[(0, 0)].abs()),
            verdicts: numeric_verdicts(&c.stability, cfg),
        })
        .collect();
    spheres.sort_by(|a, b| a.s.total_cmp(&b.s));
    let origin = an
        .components
        .iter()
        .find(|c| c.equilibrium.rank == 0)
        .map(|c| numeric_verdicts(&c.stability, cfg))
        .unwrap_or_default();
    let facts = Facts {
        delta: delta.cmp(&BigRational::zero()),
        closed_form_s: closed.iter().map(|r| r * r).collect(),
        derived_agrees: None,
        rank1: Known::Complete(Level::Numeric),
        spheres,
        origin,
    };
    rule(
        name,
        &facts,
        &format!(
            "numerical catalogue; Δ = {delta}, closed-form radii {closed:.6?}; relative radius tolerance 1e-8 (points polished to field norm 1e-11)"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ComponentVerdict as V;

    fn vs(flow: V, map: V) -> Verdicts {
        vec![
            (DynamicsKind::SgFlow, flow, Level::Exact),
            (DynamicsKind::EmaFlow { kappa: 1.0 }, flow, Level::Exact),
            (DynamicsKind::SgMap { eta: 0.05 }, map, Level::Exact),
        ]
    }

    fn sphere(s: f64, flow: V, map: V) -> Sphere {
        Sphere {
            s,
            tolerance: 1e-9,
            verdicts: vs(flow, map),
        }
    }

    fn facts(delta: Ordering, spheres: Vec<Sphere>) -> Facts {
        let closed = spheres.iter().map(|s| s.s).collect();
        Facts {
            delta,
            closed_form_s: closed,
            derived_agrees: Some(true),
            rank1: Known::Complete(Level::Exact),
            spheres,
            origin: vs(V::Stable, V::Stable),
        }
    }

    fn good() -> Facts {
        facts(
            Ordering::Greater,
            vec![
                sphere(0.1, V::Saddle, V::Saddle),
                sphere(0.9, V::Stable, V::Stable),
            ],
        )
    }

    #[test]
    fn every_outcome_is_reachable() {
        let f = rule("x", &good(), "");
        assert_eq!((f.verdict, f.level), (Verdict::Holds, Level::Exact));
        // A map unstable on the outer sphere: the maps need a smaller step.
        let mut g = good();
        g.spheres[1].verdicts = vs(V::Stable, V::Unstable);
        assert_eq!(rule("x", &g, "").verdict, Verdict::HoldsWithCondition);
        // The inner sphere stable for EMA contradicts the claim.
        let mut g = good();
        g.spheres[0].verdicts[1].1 = V::Stable;
        assert_eq!(rule("x", &g, "").verdict, Verdict::Fails);
        // A radius off the closed form.
        let mut g = good();
        g.closed_form_s[1] = 0.95;
        assert_eq!(rule("x", &g, "").verdict, Verdict::Fails);
        // A degenerate verdict leaves it undecided.
        let mut g = good();
        g.origin[0].1 = V::Degenerate;
        assert_eq!(rule("x", &g, "").verdict, Verdict::Inconclusive);
    }

    #[test]
    fn a_missing_stratum_is_never_zero_spheres() {
        for reason in [
            Reason::TimeBudget,
            Reason::RepeatedSolutions,
            Reason::NotComputed,
        ] {
            let mut g = facts(Ordering::Less, Vec::new());
            g.rank1 = Known::Unresolved(reason, "not solved".into());
            let f = rule("x", &g, "");
            assert_eq!((f.verdict, f.reason), (Verdict::Inconclusive, Some(reason)));
        }
        // Δ > 0 with no sphere found on a resolved stratum refutes the claim.
        let f = rule("x", &facts(Ordering::Greater, Vec::new()), "");
        assert_eq!(f.verdict, Verdict::Fails);
        // Δ < 0, resolved, no sphere, origin stable: holds.
        assert_eq!(
            rule("x", &facts(Ordering::Less, Vec::new()), "").verdict,
            Verdict::Holds
        );
    }

    #[test]
    fn delta_zero_and_a_wrong_derivation() {
        let f = rule(
            "x",
            &facts(
                Ordering::Equal,
                vec![sphere(0.5, V::Degenerate, V::Degenerate)],
            ),
            "",
        );
        assert_eq!(
            (f.applies, f.reason),
            (false, Some(Reason::OutsideHypotheses))
        );
        let mut g = good();
        g.derived_agrees = Some(false);
        assert_eq!(rule("x", &g, "").verdict, Verdict::Fails);
    }

    #[test]
    fn modular_completeness_is_the_level() {
        let mut g = good();
        g.rank1 = Known::Complete(Level::Modular);
        assert_eq!(rule("x", &g, "").level, Level::Modular);
    }
}

//! STABILITY [T4.9, P4.10]: generic SG and EMA equilibria are asymptotically
//! stable modulo their orbit (`dim(orbit)` zero eigenvalues, the rest in the
//! open left half-plane); some components are saddles.
//!
//! The claim is about the maximal-rank equilibria (the paper's full-rank
//! ones; rank n when n < m). The rule, per instance:
//! - the maximal-rank stratum must be resolved (else `inconclusive` with the
//!   reason), and have at least one component (else `inconclusive`, outside
//!   the hypotheses: there is nothing to be stable);
//! - for **every** continuous dynamics judged (the SG flow and the EMA flow
//!   at each κ of the grid) some maximal-rank component must be stable: if
//!   for one of them none is (and none is undecided), the claim `fails`; a
//!   degenerate or uncertified verdict makes it `inconclusive`;
//! - the discrete maps (SG and EMA at the configured η, α) are judged at the
//!   components that are stable for the flows: if a map is not stable there,
//!   stability of the maps needs a small enough step and the claim `holds
//!   with a condition` naming it; otherwise it `holds`.
//!
//! The level is the weakest of the stratum's completeness and of every
//! verdict used. The same rule runs on the numerical catalogue (level
//! `numeric`) when no exact characterization exists.

use super::evidence::{Known, cross, known_rank, verdicts};
use super::{Claim, ClaimId, Evidence, Finding, Level, Reason, Verdict};
use crate::analysis::characterize::{ComponentVerdict, DynamicsKind};
use crate::analysis::instance::{ComponentStability, InstanceAnalysis, VerifyConfig};
use crate::model::{Procedure, StabilityVerdict};

/// STABILITY.
pub(super) struct Stability;

impl Claim for Stability {
    fn id(&self) -> ClaimId {
        ClaimId::Stability
    }

    fn hypotheses(&self) -> &'static str {
        "λ > 0 and at least one equilibrium component of maximal rank min(n, m) > 0"
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
        let rmax = c.instance.n.min(c.instance.m);
        let top: Vec<_> = c
            .strata
            .iter()
            .filter(|s| s.stratum.rank == rmax && rmax > 0)
            .flat_map(|s| s.components.iter())
            .collect();
        let comps: Vec<Verdicts> = top.iter().map(|x| verdicts(x)).collect();
        let proved = comps
            .iter()
            .filter(|v| v.iter().all(|(_, _, l)| *l >= Level::Validated))
            .count();
        let list: Vec<String> = top
            .iter()
            .map(|x| {
                format!(
                    "tr S={:.3}: SG {} ({}), η_max(SG) {}",
                    x.trace,
                    x.sg_verdict.as_str(),
                    x.sg_level.as_str(),
                    x.sg_eta_max.map_or("–".into(), |e| format!("{e:.3}"))
                )
            })
            .collect();
        let known = known_rank(c, rmax);
        // The level is also bounded by what the list's completeness rests on:
        // say so, so that exact verdicts under a modular level explain
        // themselves.
        let complete = known.level().map_or(String::new(), |l| {
            format!(" (that the list is complete: {})", l.as_str())
        });
        let detail = format!(
            "{} maximal-rank component(s){complete}, {proved} with every verdict proved (exact or validated): {}{}",
            top.len(),
            list.join(" | "),
            cross(&numeric)
        );
        rule(an.instance.name(), &known, &comps, &detail)
    }
}

/// One component's verdicts: (dynamics, class, level).
pub(super) type Verdicts = Vec<(DynamicsKind, ComponentVerdict, Level)>;

fn decided(v: ComponentVerdict) -> bool {
    !matches!(
        v,
        ComponentVerdict::Degenerate | ComponentVerdict::NotCertified
    )
}

/// The rule over typed evidence: the maximal-rank stratum's completeness
/// and each maximal-rank component's verdicts.
pub(super) fn rule(instance: &str, top: &Known, comps: &[Verdicts], detail: &str) -> Finding {
    let completeness = match top {
        Known::Complete(l) => *l,
        Known::Unresolved(reason, why) => {
            return Finding::new(
                instance,
                Verdict::Inconclusive,
                format!("{why}: the maximal-rank components are not known; {detail}"),
            )
            .because(*reason);
        }
    };
    if comps.is_empty() {
        return Finding::new(
            instance,
            Verdict::Inconclusive,
            format!("no equilibrium component of maximal rank (see EXISTENCE): nothing to be stable; {detail}"),
        )
        .at(completeness)
        .outside();
    }
    let mut flows: Vec<DynamicsKind> = Vec::new();
    for (d, _, _) in comps.iter().flatten() {
        if d.is_flow() && !flows.contains(d) {
            flows.push(*d);
        }
    }
    let level = comps
        .iter()
        .flatten()
        .filter(|(d, _, _)| d.is_flow() || d.is_map())
        .map(|(_, _, l)| *l)
        .fold(completeness, Level::min);
    let FlowTally {
        tally,
        unstable_flow,
        undecided,
    } = flow_tally(comps, &flows);
    if let Some(d) = unstable_flow {
        return Finding::new(
            instance,
            Verdict::Fails,
            format!("no maximal-rank component is stable for {d} ({tally}); {detail}"),
        )
        .at(level);
    }
    if undecided || flows.is_empty() {
        return Finding::new(
            instance,
            Verdict::Inconclusive,
            format!("some verdicts are degenerate or uncertified ({tally}); {detail}"),
        )
        .at(level);
    }
    let map_fails = unstable_maps(comps, &flows);
    let f = Finding::new(instance, Verdict::Holds, format!("{tally}; {detail}")).at(level);
    if map_fails.is_empty() {
        f
    } else {
        let maps: Vec<String> = map_fails.iter().map(|d| d.to_string()).collect();
        f.provided(format!(
            "the discrete maps need a smaller step: {} not stable at components stable for the flows",
            maps.join(", ")
        ))
    }
}

/// The class of one component's verdict under `d`, if it has one.
fn verdict_at(c: &Verdicts, d: DynamicsKind) -> Option<ComponentVerdict> {
    c.iter().find(|(x, _, _)| *x == d).map(|v| v.1)
}

/// How the components fare under the flows judged.
struct FlowTally {
    /// "SG: 1 of 2 stable, …".
    tally: String,
    /// The first flow for which no component is stable and none undecided.
    unstable_flow: Option<DynamicsKind>,
    /// Whether some component's verdict under some flow is undecided.
    undecided: bool,
}

/// Counts, for each flow, the components stable under it and those
/// undecided.
fn flow_tally(comps: &[Verdicts], flows: &[DynamicsKind]) -> FlowTally {
    let mut tally = Vec::new();
    let mut unstable_flow = None;
    let mut undecided = false;
    for &d in flows {
        let stable = comps
            .iter()
            .filter(|c| verdict_at(c, d) == Some(ComponentVerdict::Stable))
            .count();
        let open = comps
            .iter()
            .filter(|c| !verdict_at(c, d).is_some_and(decided))
            .count();
        undecided |= open > 0;
        if stable == 0 && open == 0 && unstable_flow.is_none() {
            unstable_flow = Some(d);
        }
        tally.push(format!("{d}: {stable} of {} stable", comps.len()));
    }
    FlowTally {
        tally: tally.join(", "),
        unstable_flow,
        undecided,
    }
}

/// The maps not stable at some component stable for every flow.
fn unstable_maps(comps: &[Verdicts], flows: &[DynamicsKind]) -> Vec<DynamicsKind> {
    let mut map_fails = Vec::new();
    for c in comps {
        if !flows
            .iter()
            .all(|&d| verdict_at(c, d) == Some(ComponentVerdict::Stable))
        {
            continue;
        }
        for (d, v, _) in c.iter().filter(|(d, _, _)| d.is_map()) {
            if *v != ComponentVerdict::Stable && !map_fails.contains(d) {
                map_fails.push(*d);
            }
        }
    }
    map_fails
}

/// A component's numeric verdicts in the rule's vocabulary.
pub(super) fn numeric_verdicts(st: &ComponentStability, cfg: &VerifyConfig) -> Verdicts {
    let mut v = vec![(DynamicsKind::SgFlow, st.sg.verdict.into(), Level::Numeric)];
    for (kappa, s) in &st.ema {
        v.push((
            DynamicsKind::EmaFlow { kappa: *kappa },
            s.verdict.into(),
            Level::Numeric,
        ));
    }
    v.push((
        DynamicsKind::SgMap { eta: cfg.eta },
        st.sg_discrete.verdict.into(),
        Level::Numeric,
    ));
    v.push((
        DynamicsKind::EmaMap {
            eta: cfg.eta,
            alpha: cfg.alpha,
        },
        st.ema_discrete.verdict.into(),
        Level::Numeric,
    ));
    v
}

/// The numeric finding: the rule over the numerical catalogue, plus the
/// trajectories' limit points as a cross-check.
pub(super) fn numeric_finding(an: &InstanceAnalysis, cfg: &VerifyConfig) -> Finding {
    let model = &an.model;
    let name = an.instance.name();
    if model.lambda <= 0.0 {
        return Finding::not_applicable(
            name,
            "λ = 0: the balance matrix is conserved, equilibria are not isolated modulo the orbit"
                .into(),
        );
    }
    let top = model.n.min(model.m);
    let full: Vec<_> = an
        .components
        .iter()
        .filter(|c| c.equilibrium.rank == top && top > 0)
        .collect();
    let comps: Vec<Verdicts> = full
        .iter()
        .map(|c| numeric_verdicts(&c.stability, cfg))
        .collect();
    let degenerate = an
        .components
        .iter()
        .filter(|c| c.stability.sg.verdict == StabilityVerdict::Degenerate)
        .count();
    // Limit points of trajectories should sit on stable components.
    let bad_limits = an
        .endpoints
        .iter()
        .filter(|e| e.procedure != Procedure::GradientDescent && e.converged)
        .filter(|e| match e.component {
            Some(i) => {
                let st = &an.components[i].stability;
                let v = if e.procedure == Procedure::Ema {
                    st.ema
                        .iter()
                        .find(|(k, _)| *k == cfg.kappa)
                        .map_or(st.sg.verdict, |(_, s)| s.verdict)
                } else {
                    st.sg.verdict
                };
                v != StabilityVerdict::Stable
            }
            None => true,
        })
        .count();
    let stuck: Vec<_> = an
        .endpoints
        .iter()
        .filter(|e| e.procedure != Procedure::GradientDescent && !e.converged)
        .collect();
    let stuck_note = if stuck.is_empty() {
        String::new()
    } else {
        let min_field = stuck
            .iter()
            .map(|e| e.field_norm)
            .fold(f64::INFINITY, f64::min);
        format!(
            "; {} SG/EMA runs did not converge by t = {:.0} (field norm still ≥ {min_field:.1e}; see docs/findings.md on the periodic orbit of `square`)",
            stuck.len(),
            cfg.ode.t_max
        )
    };
    let detail = format!(
        "numerical catalogue (structured spectra, tolerances in docs/claims.md): {} components, {degenerate} degenerate for SG; {bad_limits} converged limit points off stable components{stuck_note}",
        an.components.len()
    );
    let f = rule(name, &Known::Complete(Level::Numeric), &comps, &detail);
    // A limit point off every stable component contradicts the spectra: the
    // numeric evidence does not decide then.
    if bad_limits > 0 && f.verdict.is_positive() {
        return f.because(Reason::Undecided);
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use ComponentVerdict as V;

    fn comp(sg: V, ema: V, map: V, level: Level) -> Verdicts {
        vec![
            (DynamicsKind::SgFlow, sg, level),
            (DynamicsKind::EmaFlow { kappa: 1.0 }, ema, level),
            (DynamicsKind::SgMap { eta: 0.05 }, map, level),
        ]
    }

    const EXACT: Known = Known::Complete(Level::Exact);

    #[test]
    fn every_outcome_is_reachable() {
        let stable = comp(V::Stable, V::Stable, V::Stable, Level::Exact);
        let saddle = comp(V::Saddle, V::Saddle, V::Saddle, Level::Exact);
        let f = rule("x", &EXACT, &[stable.clone(), saddle.clone()], "");
        assert_eq!((f.verdict, f.level), (Verdict::Holds, Level::Exact));
        // A flipped sign (stable → saddle) at the only stable component flips
        // the verdict.
        let f = rule("x", &EXACT, &[saddle.clone(), saddle.clone()], "");
        assert_eq!(f.verdict, Verdict::Fails);
        // EMA counts: stable for SG but not for EMA is a failure too.
        let f = rule(
            "x",
            &EXACT,
            &[comp(V::Stable, V::Saddle, V::Stable, Level::Exact)],
            "",
        );
        assert_eq!(f.verdict, Verdict::Fails);
        // The maps: a stable flow with an unstable map needs a condition.
        let f = rule(
            "x",
            &EXACT,
            &[comp(V::Stable, V::Stable, V::Unstable, Level::Exact)],
            "",
        );
        assert_eq!(f.verdict, Verdict::HoldsWithCondition);
        assert!(f.condition.unwrap().contains("SG map"));
        let f = rule(
            "x",
            &EXACT,
            &[comp(V::Degenerate, V::Stable, V::Stable, Level::Exact)],
            "",
        );
        assert_eq!(f.verdict, Verdict::Inconclusive);
    }

    #[test]
    fn no_vacuous_verdicts() {
        // No maximal-rank component: nothing shown, whatever the origin is.
        let f = rule("x", &EXACT, &[], "");
        assert_eq!(
            (f.applies, f.verdict, f.reason),
            (
                false,
                Verdict::Inconclusive,
                Some(Reason::OutsideHypotheses)
            )
        );
        // An unresolved maximal-rank stratum: inconclusive with its reason.
        let f = rule(
            "x",
            &Known::Unresolved(Reason::PositiveDimensional, "dim 1".into()),
            &[comp(V::Stable, V::Stable, V::Stable, Level::Exact)],
            "",
        );
        assert_eq!(
            (f.verdict, f.reason),
            (Verdict::Inconclusive, Some(Reason::PositiveDimensional))
        );
    }

    #[test]
    fn the_level_is_the_weakest_link() {
        let f = rule(
            "x",
            &EXACT,
            &[
                comp(V::Stable, V::Stable, V::Stable, Level::Exact),
                comp(V::Saddle, V::Saddle, V::Saddle, Level::Numeric),
            ],
            "",
        );
        assert_eq!((f.verdict, f.level), (Verdict::Holds, Level::Numeric));
        let f = rule(
            "x",
            &Known::Complete(Level::Modular),
            &[comp(V::Stable, V::Stable, V::Stable, Level::Exact)],
            "",
        );
        assert_eq!(f.level, Level::Modular);
    }
}

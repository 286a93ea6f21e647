//! NOT-MINIMIZER [P3.1]: at generic SG/EMA limit points `∇Ē ≠ 0` (they are
//! not critical points of Ē) and `A ≠ 0` (no collapse).
//!
//! The two halves are judged separately:
//! - `∇Ē ≠ 0`: at every nonzero equilibrium component (the limit points of
//!   SG/EMA are equilibria), exactly on the whole orbit where the strata are
//!   solved (`∇Ē`'s zero locus on the stratum), else numerically;
//! - `A ≠ 0`: the origin is always an equilibrium, and with λ > 0 it is
//!   asymptotically stable, so a set of starts of positive measure collapses
//!   (the trajectories say how many). "A ≠ 0 at generic limit points" then
//!   holds only for limit points other than the origin: the verdict is
//!   `holds with a condition`, naming it, never plain `holds`.
//!
//! Outcomes: `fails` if some nonzero equilibrium has `∇Ē = 0`; `inconclusive`
//! if a stratum is unresolved or the gradient is undecided; `holds with a
//! condition` when collapse is a stable outcome; `holds` otherwise.

use super::common::{ASYMMETRY_MIN, EQUATION_TOL, IDENTITY_TOL, field_scale};
use super::evidence::{Known, components, cross, known_all};
use super::{Claim, ClaimId, Evidence, Finding, Level, Reason, Verdict};
use crate::analysis::characterize::ComponentVerdict;
use crate::analysis::instance::{InstanceAnalysis, VerifyConfig, rel};
use crate::model::{Procedure, StabilityVerdict};

/// NOT-MINIMIZER.
pub(super) struct NotMinimizer;

impl Claim for NotMinimizer {
    fn id(&self) -> ClaimId {
        ClaimId::NotMinimizer
    }

    fn hypotheses(&self) -> &'static str {
        "an instance with at least one nonzero SG/EMA equilibrium"
    }

    fn outcomes(&self) -> &'static [Verdict] {
        &[
            Verdict::Holds,
            Verdict::HoldsWithCondition,
            Verdict::Fails,
            Verdict::Inconclusive,
        ]
    }

    fn numeric(&self, an: &InstanceAnalysis, _cfg: &VerifyConfig) -> Finding {
        numeric_finding(an)
    }

    fn judge(&self, numeric: Finding, an: &InstanceAnalysis, ev: &Evidence<'_>) -> Finding {
        let Some(c) = ev.exact.get(an.instance.name()) else {
            return numeric;
        };
        let nonzero: Vec<_> = components(c).filter(|x| x.rank > 0).collect();
        let origin_stable = components(c)
            .find(|x| x.rank == 0)
            .map(|x| (x.sg_verdict == ComponentVerdict::Stable, x.sg_level));
        let facts = Facts {
            known: known_all(c),
            gradient: nonzero
                .iter()
                .map(|x| match x.grad_ebar_nonzero_exact {
                    Some(true) => Gradient::NonZero,
                    Some(false) => Gradient::Zero,
                    None => Gradient::Undecided,
                })
                .collect(),
            origin_stable,
            collapse: collapse_runs(an),
            level: Level::Exact,
        };
        if facts.gradient.is_empty() && facts.known.level().is_some() {
            return Finding::not_applicable(
                an.instance.name(),
                format!(
                    "no nonzero SG/EMA equilibrium exists here (all strata solved): collapse is the only outcome, see EXISTENCE{}",
                    cross(&numeric)
                ),
            );
        }
        let min = nonzero
            .iter()
            .map(|x| x.grad_ebar)
            .fold(f64::INFINITY, f64::min);
        let detail = if nonzero.is_empty() {
            cross(&numeric)
        } else {
            format!(
                "∇Ē ≠ 0 decided exactly on the whole orbit at nonzero components (‖∇Ē‖ ≥ {min:.3e} at the representatives){}",
                cross(&numeric)
            )
        };
        rule(an.instance.name(), &facts, &detail)
    }
}

/// Whether `∇Ē` vanishes at one nonzero equilibrium component.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Gradient {
    /// `∇Ē ≠ 0` there.
    NonZero,
    /// `∇Ē = 0` there: a nonzero equilibrium that is a critical point of Ē.
    Zero,
    /// Not decided.
    Undecided,
}

/// What the rule reads.
pub(super) struct Facts {
    /// How completely the equilibria are known.
    pub known: Known,
    /// One entry per nonzero equilibrium component.
    pub gradient: Vec<Gradient>,
    /// Whether the origin is stable for SG, and at which level.
    pub origin_stable: Option<(bool, Level)>,
    /// Converged SG/EMA runs ending collapsed (A = 0), and converged runs.
    pub collapse: (usize, usize),
    /// The level of the gradient decisions.
    pub level: Level,
}

fn collapse_runs(an: &InstanceAnalysis) -> (usize, usize) {
    let runs: Vec<_> = an
        .endpoints
        .iter()
        .filter(|e| e.procedure != Procedure::GradientDescent && e.converged)
        .collect();
    (runs.iter().filter(|e| e.rank == 0).count(), runs.len())
}

/// The rule over typed evidence.
pub(super) fn rule(instance: &str, f: &Facts, detail: &str) -> Finding {
    let completeness = match &f.known {
        Known::Complete(l) => *l,
        Known::Unresolved(reason, why) => {
            return Finding::new(
                instance,
                Verdict::Inconclusive,
                format!("{why}: not every limit point is known; {detail}"),
            )
            .because(*reason);
        }
    };
    let level = completeness.min(f.level);
    let zero = f.gradient.iter().filter(|g| **g == Gradient::Zero).count();
    let undecided = f
        .gradient
        .iter()
        .filter(|g| **g == Gradient::Undecided)
        .count();
    let k = f.gradient.len();
    let (collapsed, runs) = f.collapse;
    if zero > 0 {
        return Finding::new(
            instance,
            Verdict::Fails,
            format!("∇Ē = 0 at {zero} of {k} nonzero equilibrium component(s): a limit point that is a critical point of Ē; {detail}"),
        )
        .at(level);
    }
    if undecided > 0 || k == 0 {
        return Finding::new(
            instance,
            Verdict::Inconclusive,
            format!("∇Ē ≠ 0 undecided at {undecided} of {k} nonzero component(s); {detail}"),
        )
        .at(level);
    }
    let base = format!(
        "∇Ē ≠ 0 at all {k} nonzero equilibrium component(s) (completeness {}); {collapsed} of {runs} converged SG/EMA runs collapse to A = 0",
        completeness.as_str()
    );
    match f.origin_stable {
        Some((true, origin_level)) => Finding::new(
            instance,
            Verdict::Holds,
            format!(
                "{base}; the origin is an asymptotically stable equilibrium ({}), so collapse is reached from a set of starts of positive measure; {detail}",
                origin_level.as_str()
            ),
        )
        .at(level.min(origin_level))
        .provided("A ≠ 0 only at limit points other than the origin, which is itself a stable limit point (collapse)"),
        _ if collapsed > 0 => Finding::new(
            instance,
            Verdict::Holds,
            format!("{base}; {detail}"),
        )
        .at(level.min(Level::Numeric))
        .provided("A ≠ 0 only at limit points other than the origin, which trajectories reach"),
        _ => Finding::new(instance, Verdict::Holds, format!("{base}; {detail}")).at(level),
    }
}

/// The numeric finding: the same rule over the numerical catalogue.
pub(super) fn numeric_finding(an: &InstanceAnalysis) -> Finding {
    let model = &an.model;
    let name = an.instance.name();
    let nonzero: Vec<_> = an
        .components
        .iter()
        .filter(|c| c.equilibrium.rank > 0)
        .collect();
    if nonzero.is_empty() {
        return Finding::not_applicable(
            name,
            "no nonzero SG/EMA equilibrium was found numerically (see EXISTENCE)".into(),
        );
    }
    let mut max_field = 0.0f64;
    let gradient = nonzero
        .iter()
        .map(|c| {
            let e = &c.equilibrium;
            let scale = field_scale(model, &e.a, &e.b);
            max_field = max_field.max(rel(e.field_norm, scale));
            let g = rel(c.grad_ebar, scale);
            if g > ASYMMETRY_MIN {
                Gradient::NonZero
            } else if g <= IDENTITY_TOL {
                Gradient::Zero
            } else {
                Gradient::Undecided
            }
        })
        .collect();
    let origin_stable = an
        .components
        .iter()
        .find(|c| c.equilibrium.rank == 0)
        .map(|c| {
            (
                c.stability.sg.verdict == StabilityVerdict::Stable,
                Level::Numeric,
            )
        });
    let facts = Facts {
        known: Known::Complete(Level::Numeric),
        gradient,
        origin_stable,
        collapse: collapse_runs(an),
        level: Level::Numeric,
    };
    let detail = format!(
        "numerical catalogue, SG field ≤ {max_field:.1e} relative at the components (need ≤ {EQUATION_TOL:.0e}); relative ‖∇Ē‖ > {ASYMMETRY_MIN:.0e} counts as non-zero, ≤ {IDENTITY_TOL:.0e} as zero"
    );
    let f = rule(name, &facts, &detail);
    if max_field > EQUATION_TOL && f.verdict != Verdict::Inconclusive {
        return f.because(Reason::Undecided);
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(
        gradient: Vec<Gradient>,
        origin: Option<(bool, Level)>,
        collapse: (usize, usize),
    ) -> Facts {
        Facts {
            known: Known::Complete(Level::Exact),
            gradient,
            origin_stable: origin,
            collapse,
            level: Level::Exact,
        }
    }

    #[test]
    fn every_outcome_is_reachable() {
        use Gradient::*;
        let f = rule(
            "x",
            &facts(vec![NonZero], Some((false, Level::Exact)), (0, 10)),
            "",
        );
        assert_eq!((f.verdict, f.level), (Verdict::Holds, Level::Exact));
        // A stable origin makes collapse an outcome: never plain holds.
        let f = rule(
            "x",
            &facts(vec![NonZero], Some((true, Level::Exact)), (0, 10)),
            "",
        );
        assert_eq!(f.verdict, Verdict::HoldsWithCondition);
        assert!(f.condition.unwrap().contains("origin"));
        let f = rule("x", &facts(vec![NonZero], None, (3, 10)), "");
        assert_eq!(
            (f.verdict, f.level),
            (Verdict::HoldsWithCondition, Level::Numeric)
        );
        let f = rule("x", &facts(vec![NonZero, Zero], None, (0, 10)), "");
        assert_eq!(f.verdict, Verdict::Fails);
        let f = rule("x", &facts(vec![Undecided], None, (0, 10)), "");
        assert_eq!(f.verdict, Verdict::Inconclusive);
        let mut unresolved = facts(vec![NonZero], None, (0, 10));
        unresolved.known = Known::Unresolved(Reason::PositiveDimensional, "dim 1".into());
        let f = rule("x", &unresolved, "");
        assert_eq!(
            (f.verdict, f.reason),
            (Verdict::Inconclusive, Some(Reason::PositiveDimensional))
        );
    }

    #[test]
    fn modular_completeness_lowers_the_level() {
        let mut f = facts(vec![Gradient::NonZero], Some((false, Level::Exact)), (0, 4));
        f.known = Known::Complete(Level::Modular);
        assert_eq!(rule("x", &f, "").level, Level::Modular);
    }
}

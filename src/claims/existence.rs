//! EXISTENCE [P4.7]: full-rank equilibria exist for generic data.
//!
//! As stated the claim needs a condition: for m = 1 they exist iff
//! `Δ = τ² − 4ρλ ≥ 0`, so for large λ only collapse remains. The rule:
//! - the maximal-rank stratum must be resolved, else `inconclusive` with the
//!   reason (a positive-dimensional or repeated stratum is never "zero
//!   components");
//! - m = 1: the number of spheres must be what the sign of Δ says (2, 1, 0
//!   for Δ > 0, = 0, < 0); then the claim `holds with the condition Δ ≥ 0`
//!   (the restated claim, an iff, was shown), else it `fails`;
//! - m ≥ 2: at least one component of maximal rank `holds`; none, with the
//!   stratum completely resolved, `fails` on this instance (a counterexample
//!   to the unconditional claim; the condition for m ≥ 2 is not known in
//!   closed form).
//!
//! The level is the stratum's completeness (`exact` or `modular`). A sweep
//! over random m = 1 instances adds a finding of its own.

use std::cmp::Ordering;

use num_rational::BigRational;
use num_traits::Zero;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::evidence::{Known, cross, known, known_rank};
use super::{Claim, ClaimId, Evidence, Finding, Level, Reason, Verdict};
use crate::analysis::instance::{InstanceAnalysis, VerifyConfig};
use crate::model::{Instance, Moments, RationalMatrix, rational_from_f64};
use crate::variety::strata::{StrataOptions, stratum};
use crate::variety::zerodim::SolveOptions;

/// EXISTENCE.
pub(super) struct Existence;

/// The condition the m = 1 claim needs.
const SCALAR_CONDITION: &str = "m = 1: full-rank equilibria exist iff Δ = τ² − 4ρλ ≥ 0";

impl Claim for Existence {
    fn id(&self) -> ClaimId {
        ClaimId::Existence
    }

    fn hypotheses(&self) -> &'static str {
        "λ > 0"
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
        if !numeric.applies {
            return numeric;
        }
        let Some(c) = ev.exact.get(an.instance.name()) else {
            return numeric;
        };
        let rmax = c.instance.n.min(c.instance.m);
        let found = c
            .strata
            .iter()
            .filter(|s| s.stratum.rank == rmax)
            .map(|s| s.components.len())
            .sum();
        let facts = Facts {
            delta: scalar_delta(&an.instance),
            top: known_rank(c, rmax),
            found,
            rank: rmax,
        };
        rule(an.instance.name(), &facts, &cross(&numeric))
    }

    fn extra(&self, ev: &Evidence<'_>) -> Vec<Finding> {
        vec![scalar_sweep(ev.config)]
    }
}

/// The sign of Δ = τ² − 4ρλ when m = 1.
fn scalar_delta(inst: &Instance) -> Option<Ordering> {
    (inst.m() == 1).then(|| {
        let mo = inst.moments();
        let (rho, tau) = (mo.mxx.get(0, 0), mo.myx.get(0, 0));
        let delta = tau * tau - BigRational::from_integer(4.into()) * rho * inst.lambda();
        delta.cmp(&BigRational::zero())
    })
}

/// What the rule reads.
pub(super) struct Facts {
    /// The sign of Δ (m = 1 only).
    pub delta: Option<Ordering>,
    /// The maximal-rank stratum's completeness.
    pub top: Known,
    /// Components of maximal rank found.
    pub found: usize,
    /// The maximal rank.
    pub rank: usize,
}

/// The rule over typed evidence.
pub(super) fn rule(instance: &str, f: &Facts, detail: &str) -> Finding {
    let level = match &f.top {
        Known::Complete(l) => *l,
        Known::Unresolved(reason, why) => {
            return Finding::new(
                instance,
                Verdict::Inconclusive,
                format!("{why}: existence not decided{detail}"),
            )
            .because(*reason);
        }
    };
    let k = f.found;
    match f.delta {
        Some(sign) => {
            let expected = match sign {
                Ordering::Greater => 2,
                Ordering::Equal => 1,
                Ordering::Less => 0,
            };
            let text = format!(
                "Δ {} 0 (exact); {k} sphere(s) of nonzero equilibria (completeness {}), {expected} expected{detail}",
                match sign {
                    Ordering::Greater => ">",
                    Ordering::Equal => "=",
                    Ordering::Less => "<",
                },
                level.as_str()
            );
            if k == expected {
                Finding::new(instance, Verdict::Holds, text)
                    .at(level)
                    .provided(SCALAR_CONDITION)
            } else {
                Finding::new(instance, Verdict::Fails, text).at(level)
            }
        }
        None if k > 0 => Finding::new(
            instance,
            Verdict::Holds,
            format!(
                "{k} equilibrium component(s) of maximal rank {} (completeness {}){detail}",
                f.rank,
                level.as_str()
            ),
        )
        .at(level),
        None => Finding::new(
            instance,
            Verdict::Fails,
            format!(
                "no equilibrium of maximal rank {}, with the stratum completely resolved (completeness {}): the unconditional claim fails on this instance, and its condition for m ≥ 2 is not known in closed form{detail}",
                f.rank,
                level.as_str()
            ),
        )
        .at(level),
    }
}

/// The numeric finding: the same rule over the numerical search (whose
/// completeness is only numeric).
fn numeric_finding(an: &InstanceAnalysis) -> Finding {
    let model = &an.model;
    let name = an.instance.name();
    if model.lambda <= 0.0 {
        return Finding::not_applicable(name, "λ = 0: existence is studied for λ > 0".into());
    }
    let top = model.n.min(model.m);
    let found = an
        .components
        .iter()
        .filter(|c| c.equilibrium.rank == top)
        .count();
    let facts = Facts {
        delta: scalar_delta(&an.instance),
        top: Known::Complete(Level::Numeric),
        found,
        rank: top,
    };
    let f = rule(name, &facts, " (numerical search from random starts)");
    // A search that finds nothing proves nothing.
    if found == 0 && f.verdict == Verdict::Fails && facts.delta.is_none() {
        return f.because(Reason::NotComputed);
    }
    f
}

/// One draw of [`scalar_sweep`]: the m = 1 instance with `Mxx = ρ`,
/// `Myx = τ`, `Myy = τ²/ρ + 1/10` and weight decay λ, and its Δ = τ² − 4ρλ.
struct ScalarDraw {
    instance: Instance,
    rho: BigRational,
    tau: BigRational,
    lambda: BigRational,
    delta: BigRational,
}

/// Draws ρ ~ U[0.05, 3], τ ~ U[−1, 1], λ ~ U[0.01, 0.1] (in that order),
/// rounded to three decimals; `None` when they give no valid instance.
fn scalar_draw(rng: &mut ChaCha8Rng) -> Option<ScalarDraw> {
    let round = |x: f64| (x * 1000.0).round() / 1000.0;
    let rho = round(rng.gen_range(0.05..3.0));
    let tau = round(rng.gen_range(-1.0..1.0));
    let lambda = round(rng.gen_range(0.01..0.1));
    let (Ok(r), Ok(t), Ok(l)) = (
        rational_from_f64(rho, "rho"),
        rational_from_f64(tau, "tau"),
        rational_from_f64(lambda, "lambda"),
    ) else {
        return None;
    };
    let myy = &t * &t / &r + BigRational::new(1.into(), 10.into());
    let one = |x: &BigRational| RationalMatrix::from_fn(1, 1, |_, _| x.clone());
    let instance = Instance::new(
        "draw",
        1,
        Moments {
            mxx: one(&r),
            myx: one(&t),
            myy: one(&myy),
        },
        l.clone(),
    )
    .ok()?;
    let delta = &t * &t - BigRational::from_integer(4.into()) * &r * &l;
    Some(ScalarDraw {
        instance,
        rho: r,
        tau: t,
        lambda: l,
        delta,
    })
}

/// The number of PSD solutions of the exact rank-one stratum of an m = 1
/// instance and the level of its completeness; `None` when the stratum is
/// not resolved.
fn rank_one_solutions(inst: &Instance) -> Option<(usize, Level)> {
    let opts = StrataOptions {
        solve: SolveOptions {
            rational_basis_budget: Some(2.0),
            ..SolveOptions::default()
        },
        digits: 6,
    };
    let report = crate::analysis::characterize::StratumReport {
        stratum: stratum(inst, 1, &opts).ok()?,
        components: Vec::new(),
    };
    match known(&report) {
        Known::Complete(completeness) => Some((report.stratum.equilibria().count(), completeness)),
        Known::Unresolved(..) => None,
    }
}

/// EXISTENCE for m = 1 over random (ρ, τ, λ), exactly: for each draw
/// (rounded to three decimals, so exact rationals), the rank-one stratum is
/// solved exactly and its number of PSD solutions compared with the sign of
/// Δ = τ² − 4ρλ (2, 1, 0 for Δ > 0, = 0, < 0). A draw whose stratum is not
/// resolved is undecided, never a disagreement.
fn scalar_sweep(cfg: &VerifyConfig) -> Finding {
    let draws = 200;
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed ^ 0x5ca1a);
    let mut agree = 0;
    let mut with_delta = 0;
    let mut disagree = Vec::new();
    let mut undecided = 0;
    let mut level = Level::Exact;
    for _ in 0..draws {
        let Some(d) = scalar_draw(&mut rng) else {
            undecided += 1;
            continue;
        };
        if !d.delta.is_negative() {
            with_delta += 1;
        }
        let expected = match d.delta.cmp(&BigRational::zero()) {
            Ordering::Greater => 2,
            Ordering::Equal => 1,
            Ordering::Less => 0,
        };
        match rank_one_solutions(&d.instance) {
            Some((found, completeness)) => {
                level = level.min(completeness);
                if found == expected {
                    agree += 1;
                } else {
                    let (r, t, l, delta) = (&d.rho, &d.tau, &d.lambda, &d.delta);
                    disagree.push(format!("(ρ={r}, τ={t}, λ={l}: Δ={delta}, {found} spheres)"));
                }
            }
            None => undecided += 1,
        }
    }
    let summary = format!(
        "{draws} draws ρ ~ U[0.05,3], τ ~ U[−1,1], λ ~ U[0.01,0.1] rounded to 3 decimals: {with_delta} with Δ ≥ 0; the exact rank-one stratum has 2, 1, 0 PSD solutions as Δ > 0, = 0, < 0 in {agree} draws{}{}",
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
    );
    let f = Finding::new("m=1 sweep", Verdict::Holds, summary).at(level);
    if !disagree.is_empty() {
        Finding {
            verdict: Verdict::Fails,
            ..f
        }
    } else if undecided > 0 {
        f.because(Reason::NotComputed)
    } else {
        f.provided(SCALAR_CONDITION)
    }
}

use num_traits::Signed;

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(delta: Option<Ordering>, top: Known, found: usize) -> Facts {
        Facts {
            delta,
            top,
            found,
            rank: 2,
        }
    }

    #[test]
    fn every_outcome_is_reachable() {
        let exact = || Known::Complete(Level::Exact);
        let f = rule("x", &facts(None, exact(), 3), "");
        assert_eq!((f.verdict, f.level), (Verdict::Holds, Level::Exact));
        let f = rule("x", &facts(Some(Ordering::Less), exact(), 0), "");
        assert_eq!(f.verdict, Verdict::HoldsWithCondition);
        assert_eq!(f.condition.as_deref(), Some(SCALAR_CONDITION));
        // m ≥ 2 with a resolved empty maximal stratum: a counterexample.
        assert_eq!(
            rule("x", &facts(None, exact(), 0), "").verdict,
            Verdict::Fails
        );
        assert_eq!(
            rule("x", &facts(Some(Ordering::Greater), exact(), 0), "").verdict,
            Verdict::Fails
        );
        // A missing stratum is inconclusive, never zero components.
        let f = rule(
            "x",
            &facts(
                None,
                Known::Unresolved(Reason::TimeBudget, "not computed".into()),
                0,
            ),
            "",
        );
        assert_eq!(
            (f.verdict, f.reason),
            (Verdict::Inconclusive, Some(Reason::TimeBudget))
        );
    }

    #[test]
    fn delta_zero_is_one_sphere_and_repeated_roots_are_not_a_failure() {
        let f = rule(
            "x",
            &facts(Some(Ordering::Equal), Known::Complete(Level::Exact), 1),
            "",
        );
        assert_eq!(f.verdict, Verdict::HoldsWithCondition);
        let f = rule(
            "x",
            &facts(
                Some(Ordering::Equal),
                Known::Unresolved(Reason::RepeatedSolutions, "double root".into()),
                0,
            ),
            "",
        );
        assert_eq!(
            (f.verdict, f.reason),
            (Verdict::Inconclusive, Some(Reason::RepeatedSolutions))
        );
    }

    #[test]
    fn modular_completeness_is_the_level() {
        let f = rule("x", &facts(None, Known::Complete(Level::Modular), 2), "");
        assert_eq!(f.level, Level::Modular);
    }
}

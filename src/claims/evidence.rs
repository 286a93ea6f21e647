//! The evidence the claims' rules read, typed: the exact characterization of
//! each instance (or why there is none), how completely each stratum is
//! known, and each component's stability verdicts per dynamics.
//!
//! Nothing here decides a claim; the claim modules do.

use std::time::Duration;

use num_rational::BigRational;

use super::{Finding, Level, Reason};
use crate::analysis::characterize::{
    Characterization, CharacterizeConfig, Component, ComponentVerdict, DynamicsKind,
    DynamicsVerdict, IdentityStatus, StratumReport, WholeVariety, characterize,
};
use crate::analysis::instance::VerifyConfig;
use crate::model::Instance;
use crate::variety::strata::{MAX_STRATA_M, StratumStatus};
use crate::variety::zerodim::{Completeness, CountEvidence};

/// The exact characterization of one instance, or why there is none.
#[derive(Debug)]
pub(crate) enum Exact {
    /// Computed (some strata may still be unresolved or not computed).
    Computed(Box<Characterization>),
    /// Outside what `characterize` handles (m > 3 or λ = 0).
    OutOfScope(String),
    /// `characterize` returned an error.
    Failed(String),
    /// The time budget ran out before it started.
    NotStarted,
}

/// The exact characterizations of every instance, by name.
#[derive(Debug, Default)]
pub(crate) struct ExactRun {
    per_instance: Vec<(String, Exact)>,
}

impl ExactRun {
    /// The characterization of `instance`, if computed.
    pub(crate) fn get(&self, instance: &str) -> Option<&Characterization> {
        match self.outcome(instance) {
            Some(Exact::Computed(c)) => Some(c),
            _ => None,
        }
    }

    /// What happened for `instance`.
    pub(crate) fn outcome(&self, instance: &str) -> Option<&Exact> {
        self.per_instance
            .iter()
            .find(|(n, _)| n == instance)
            .map(|(_, e)| e)
    }

    /// Why `instance` has no exact characterization, if it has none.
    pub(crate) fn missing(&self, instance: &str) -> Option<String> {
        match self.outcome(instance)? {
            Exact::Computed(_) => None,
            Exact::OutOfScope(why) => Some(format!("no exact characterization: {why}")),
            Exact::Failed(e) => Some(format!("the exact characterization failed: {e}")),
            Exact::NotStarted => {
                Some("no exact characterization: the time budget ran out first".into())
            }
        }
    }
}

/// Threads that run the instances' characterizations side by side. Each
/// characterization is mostly our own exact arithmetic (its Symbolica calls
/// queue on the one Symbolica worker thread), so on two cores two
/// instances at a time keep both busy.
const EXACT_THREADS: usize = 2;

/// The exact characterization of every instance it applies to (m ≤ 3,
/// λ > 0), within the budget. The instances run on [`EXACT_THREADS`]
/// threads, the largest (by m, then n) first so that the longest runs do
/// not start last; the result keeps the order of `instances`.
pub(super) fn run(
    instances: &[Instance],
    cfg: &VerifyConfig,
    budget: Option<Duration>,
) -> ExactRun {
    let started = std::time::Instant::now();
    let mut order: Vec<usize> = (0..instances.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse((instances[i].m(), instances[i].n())));
    let next = std::sync::atomic::AtomicUsize::new(0);
    // Each thread takes the next instance in `order` until none is left and
    // returns what it computed with the instances' positions.
    let mut done: Vec<(usize, Exact)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..EXACT_THREADS.min(instances.len()))
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let k = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        let Some(&i) = order.get(k) else { break };
                        let left =
                            budget.map(|b| b.saturating_sub(started.elapsed()).as_secs_f64());
                        out.push((i, exact_one(&instances[i], cfg, left)));
                    }
                    out
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    let per_instance = instances
        .iter()
        .zip(done)
        .map(|(inst, (_, outcome))| (inst.name().to_owned(), outcome))
        .collect();
    ExactRun { per_instance }
}

/// The exact characterization of one instance with `left` seconds of the
/// budget.
fn exact_one(inst: &Instance, cfg: &VerifyConfig, left: Option<f64>) -> Exact {
    if inst.m() > MAX_STRATA_M {
        return Exact::OutOfScope(format!(
            "m = {} > {MAX_STRATA_M}: the exact strata are limited to m ≤ {MAX_STRATA_M}",
            inst.m()
        ));
    }
    if inst.lambda() <= &BigRational::from_integer(0.into()) {
        return Exact::OutOfScope("λ = 0: the strata are stated for λ > 0".into());
    }
    if left.is_some_and(|t| t <= 0.0) {
        return Exact::NotStarted;
    }
    let ccfg = CharacterizeConfig {
        timeout: left,
        whole_variety: WholeVariety::Never,
        kappa_grid: cfg.kappa_grid.clone(),
        eta: cfg.eta,
        alpha: cfg.alpha,
        spectral: cfg.spectral,
        seed: cfg.seed,
        replay_work: cfg.count_proof_budget,
        ..CharacterizeConfig::default()
    };
    match characterize(inst, &ccfg, |_| {}) {
        Ok(c) => Exact::Computed(Box::new(c)),
        Err(e) => Exact::Failed(e.to_string()),
    }
}

/// How completely a stratum's solution set is known.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Known {
    /// Every solution found and represented exactly; the level says what the
    /// completeness rests on: [`Level::Exact`] (certified) or
    /// [`Level::Modular`] (counts modulo primes).
    Complete(Level),
    /// Not resolved: why, and what was found.
    Unresolved(Reason, String),
}

impl Known {
    /// The completeness level, if complete.
    pub(crate) fn level(&self) -> Option<Level> {
        match self {
            Known::Complete(l) => Some(*l),
            Known::Unresolved(..) => None,
        }
    }
}

/// For every stratum whose list is complete but not proved so (the level
/// [`known`] gives is below exact), one line: the rank and what the
/// completeness rests on, with the reason the count was not proved.
pub(crate) fn completeness_notes(strata: &[StratumReport]) -> Vec<String> {
    strata
        .iter()
        .filter_map(|s| {
            let level = known(s).level()?;
            if level >= Level::Validated {
                return None;
            }
            let st = &s.stratum;
            let count = match (&st.completeness, &st.count_evidence) {
                (
                    Completeness::Modular,
                    Some(CountEvidence::TwoPrimes {
                        unproved: Some(why),
                        ..
                    }),
                ) => format!("its count rests on two primes agreeing, not proved over Q: {why}"),
                (Completeness::Modular, _) => "its count rests on two primes agreeing".into(),
                _ => "its count is proved".into(),
            };
            let dims = match st.status {
                StratumStatus::Decomposed {
                    dimensions_proved: false,
                    ..
                } => "; which solutions are isolated and the family dimensions: singular values (numeric)",
                _ => "",
            };
            Some(format!(
                "rank {} is complete at level {}: {count}{dims}",
                st.rank,
                level.as_str()
            ))
        })
        .collect()
}

/// How completely the stratum `s` is known.
pub(crate) fn known(s: &StratumReport) -> Known {
    let st = &s.stratum;
    match &st.status {
        StratumStatus::Solved if st.complex_solutions.is_some() => match st.completeness {
            Completeness::Certified => Known::Complete(Level::Exact),
            Completeness::Modular => Known::Complete(Level::Modular),
            Completeness::Unresolved => Known::Unresolved(Reason::NotComputed, st.method.clone()),
        },
        StratumStatus::Solved => Known::Unresolved(Reason::NotComputed, st.method.clone()),
        StratumStatus::PositiveDimensional { dimension } => Known::Unresolved(
            Reason::PositiveDimensional,
            format!(
                "the rank-{} stratum has a solution set of dimension {dimension}: its components were not resolved",
                st.rank
            ),
        ),
        // Isolated solutions and a point on every compact family, exactly.
        // Which solutions are isolated, and the family dimensions, are
        // proved by ranks modulo a prime at the exact points
        // (`dimensions_proved`), else read off singular values: then the
        // weakest link is numeric.
        StratumStatus::Decomposed {
            undecided: 0,
            dimensions_proved,
            ..
        } if st.completeness != Completeness::Unresolved => {
            let count = match st.completeness {
                Completeness::Certified => Level::Exact,
                _ => Level::Modular,
            };
            Known::Complete(if *dimensions_proved {
                count
            } else {
                Level::Numeric
            })
        }
        StratumStatus::Decomposed { dimension, .. } => Known::Unresolved(
            Reason::PositiveDimensional,
            format!(
                "the rank-{} stratum has a solution set of dimension {dimension}: {}",
                st.rank, st.method
            ),
        ),
        StratumStatus::Repeated { count, .. } => Known::Unresolved(
            Reason::RepeatedSolutions,
            format!(
                "the rank-{} stratum has {count} solutions counted with multiplicity, some repeated: not separated",
                st.rank
            ),
        ),
        StratumStatus::Inconclusive { why } => Known::Unresolved(
            Reason::NotComputed,
            format!("the rank-{} stratum was not solved: {why}", st.rank),
        ),
    }
}

/// How completely the stratum of rank `r` of `c` is known (a rank that was
/// not computed is unresolved, for the time budget).
pub(crate) fn known_rank(c: &Characterization, r: usize) -> Known {
    match c.strata.iter().find(|s| s.stratum.rank == r) {
        Some(s) => known(s),
        None => Known::Unresolved(
            Reason::TimeBudget,
            format!("the rank-{r} stratum was not computed (time budget)"),
        ),
    }
}

/// The weakest completeness over every stratum, or the first unresolved one.
pub(crate) fn known_all(c: &Characterization) -> Known {
    let rmax = c.instance.n.min(c.instance.m);
    let mut level = Level::Exact;
    for r in 0..=rmax {
        match known_rank(c, r) {
            Known::Complete(l) => level = level.min(l),
            unresolved => return unresolved,
        }
    }
    Known::Complete(level)
}

/// The components of every stratum.
pub(crate) fn components(c: &Characterization) -> impl Iterator<Item = &Component> {
    c.strata.iter().flat_map(|s| s.components.iter())
}

/// The verdict of a component for each dynamics at its best level.
pub(crate) fn best(c: &Component) -> Vec<&DynamicsVerdict> {
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

/// A component's verdicts per dynamics at their best level, as plain values
/// (what the stability rules read).
pub(crate) fn verdicts(c: &Component) -> Vec<(DynamicsKind, ComponentVerdict, Level)> {
    best(c)
        .into_iter()
        .map(|v| (v.dynamics, v.verdict, v.level))
        .collect()
}

/// The finding of a rule that rests on an identity proved on the instance's
/// data (`what`), when the proof did not establish it: refuted `fails`
/// (symbolic), partly proved or errored `inconclusive`; `None` when proved.
pub(crate) fn unless_proved(
    instance: &str,
    identity: IdentityStatus,
    what: &str,
    detail: &str,
) -> Option<Finding> {
    match identity {
        IdentityStatus::Proved => None,
        IdentityStatus::Refuted => Some(
            Finding::new(
                instance,
                super::Verdict::Fails,
                format!("{what}: refuted on this instance's data; {detail}"),
            )
            .at(Level::Symbolic),
        ),
        IdentityStatus::Partial => Some(
            Finding::new(
                instance,
                super::Verdict::Inconclusive,
                format!("{what}: only partly proved here; {detail}"),
            )
            .because(Reason::NotComputed),
        ),
        IdentityStatus::Errored => Some(
            Finding::new(
                instance,
                super::Verdict::Inconclusive,
                format!("{what}: the proof errored or was not run here; {detail}"),
            )
            .because(Reason::ProofErrored),
        ),
    }
}

/// The numeric finding, kept in an exact one's summary as a cross-check.
pub(crate) fn cross(f: &Finding) -> String {
    format!(
        " [numeric cross-check: {}: {}]",
        f.verdict.as_str(),
        f.summary
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::variety::strata::stratum_zero;

    fn report(exact: bool, status: StratumStatus, count: Option<usize>) -> StratumReport {
        let inst = crate::model::builtin("default").unwrap();
        let mut stratum = stratum_zero(&inst);
        stratum.exact = exact;
        stratum.completeness = if exact {
            Completeness::Certified
        } else {
            Completeness::Modular
        };
        stratum.status = status;
        stratum.complex_solutions = count;
        StratumReport {
            stratum,
            components: Vec::new(),
        }
    }

    #[test]
    fn completeness_from_two_primes_is_modular_not_exact() {
        assert_eq!(
            known(&report(true, StratumStatus::Solved, Some(1))),
            Known::Complete(Level::Exact)
        );
        assert_eq!(
            known(&report(false, StratumStatus::Solved, Some(1))),
            Known::Complete(Level::Modular)
        );
    }

    #[test]
    fn strata_complete_below_exact_are_named_with_the_reason() {
        let proved = report(true, StratumStatus::Solved, Some(1));
        let mut modular = report(false, StratumStatus::Solved, Some(30));
        modular.stratum.rank = 2;
        modular.stratum.count_evidence = Some(CountEvidence::TwoPrimes {
            primes: [5, 7],
            without_saturation: false,
            unproved: Some(
                "the replay over Q did not finish within its work limit of 3·10⁹ word products"
                    .into(),
            ),
        });
        let notes = completeness_notes(&[proved.clone(), modular]);
        assert_eq!(
            notes,
            vec![
                "rank 2 is complete at level modular: its count rests on two primes agreeing, not proved over Q: the replay over Q did not finish within its work limit of 3·10⁹ word products"
                    .to_string()
            ]
        );
        // Proved and unresolved strata get no note.
        let unresolved = report(
            false,
            StratumStatus::PositiveDimensional { dimension: 1 },
            None,
        );
        assert!(completeness_notes(&[proved, unresolved]).is_empty());
    }

    #[test]
    fn unresolved_strata_are_never_complete() {
        let k = known(&report(
            false,
            StratumStatus::PositiveDimensional { dimension: 1 },
            None,
        ));
        assert!(matches!(
            k,
            Known::Unresolved(Reason::PositiveDimensional, _)
        ));
        let k = known(&report(
            false,
            StratumStatus::Repeated {
                count: 2,
                distinct_at_least: 1,
            },
            None,
        ));
        assert!(matches!(k, Known::Unresolved(Reason::RepeatedSolutions, _)));
        let k = known(&report(
            false,
            StratumStatus::Inconclusive {
                why: "budget".into(),
            },
            None,
        ));
        assert!(matches!(k, Known::Unresolved(Reason::NotComputed, _)));
    }

    #[test]
    fn a_decomposed_stratum_is_complete_at_the_level_of_its_dimensions() {
        let decomposed = |undecided, dimensions_proved| StratumStatus::Decomposed {
            dimension: 1,
            symmetry: 1,
            isolated: 2,
            families: 1,
            undecided,
            dimensions_proved,
        };
        // With a certified critical-point count, family dimensions read off
        // singular values are the weakest link: numeric.
        assert_eq!(
            known(&report(true, decomposed(0, false), None)),
            Known::Complete(Level::Numeric)
        );
        // Proved dimensions leave the count's own level.
        assert_eq!(
            known(&report(true, decomposed(0, true), None)),
            Known::Complete(Level::Exact)
        );
        assert_eq!(
            known(&report(false, decomposed(0, true), None)),
            Known::Complete(Level::Modular)
        );
        // A family dimension left undecided leaves the stratum unresolved.
        assert!(matches!(
            known(&report(true, decomposed(1, true), None)),
            Known::Unresolved(Reason::PositiveDimensional, _)
        ));
    }
}

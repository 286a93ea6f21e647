//! What a verdict means (SPEC §5): an outcome, the level of evidence it rests
//! on, the condition a restated claim needed, or the reason it is undecided.
//!
//! A finding is one claim on one instance (or one sweep); a
//! [`ClaimResult`] aggregates the findings of one claim. The aggregation
//! never upgrades: a claim holds only if every finding it covers holds, a
//! condition anywhere makes the whole claim conditional, and the level is the
//! weakest level among the findings the verdict rests on.

use serde::Serialize;

pub use crate::analysis::Level;

use super::{ClaimId, SymbolicCoverage};

/// Outcome of a check (SPEC §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The claim, as stated, was shown.
    Holds,
    /// The claim needed a condition (named in [`Finding::condition`]); the
    /// restated claim was shown. Never reported as plain holds.
    HoldsWithCondition,
    /// A counterexample to the claim as stated (a finding).
    Fails,
    /// The evidence does not decide; [`Finding::reason`] says why.
    Inconclusive,
}

impl Verdict {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Holds => "holds",
            Verdict::HoldsWithCondition => "holds with a condition",
            Verdict::Fails => "fails",
            Verdict::Inconclusive => "inconclusive",
        }
    }

    /// `holds` or `holds with a condition`.
    pub fn is_positive(self) -> bool {
        matches!(self, Verdict::Holds | Verdict::HoldsWithCondition)
    }
}

/// Why a finding is inconclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// The evidence the rule needs was not computed (limits of a method).
    NotComputed,
    /// The time budget ran out first.
    TimeBudget,
    /// The instance is outside the claim's hypotheses.
    OutsideHypotheses,
    /// A stratum has a positive-dimensional solution set that was not
    /// resolved (degenerate data).
    PositiveDimensional,
    /// A stratum has repeated solutions (multiplicities) that were not
    /// resolved.
    RepeatedSolutions,
    /// A proof raised an error.
    ProofErrored,
    /// The computed evidence is on neither side of the rule's thresholds, or
    /// two levels of evidence disagree.
    Undecided,
    /// An experiment whose settings the paper leaves open was not reproduced
    /// under the settings tried (that does not refute it).
    NotReproduced,
}

impl Reason {
    /// One phrase for reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::NotComputed => "not computed",
            Reason::TimeBudget => "time budget",
            Reason::OutsideHypotheses => "outside the hypotheses",
            Reason::PositiveDimensional => "positive-dimensional stratum not resolved",
            Reason::RepeatedSolutions => "repeated solutions not resolved",
            Reason::ProofErrored => "a proof errored",
            Reason::Undecided => "evidence undecided",
            Reason::NotReproduced => "not reproduced under the settings tried",
        }
    }
}

/// What one claim showed on one instance.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    /// Instance name.
    pub instance: String,
    /// Whether the claim applies to this instance (its hypotheses hold).
    pub applies: bool,
    /// Verdict on this instance (meaningful when `applies`).
    pub verdict: Verdict,
    /// The level of evidence of this finding.
    pub level: Level,
    /// The condition the restated claim needed (`holds with a condition`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// Why the finding is inconclusive (or why the claim does not apply).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// One line with the key numbers.
    pub summary: String,
}

impl Finding {
    /// A numeric finding. An inconclusive one gets the reason
    /// [`Reason::Undecided`] until [`Finding::because`] says otherwise.
    pub fn new(instance: &str, verdict: Verdict, summary: String) -> Self {
        Self {
            instance: instance.to_owned(),
            applies: true,
            verdict,
            level: Level::Numeric,
            condition: None,
            reason: (verdict == Verdict::Inconclusive).then_some(Reason::Undecided),
            summary,
        }
    }

    /// A finding on an instance outside the claim's hypotheses.
    pub fn not_applicable(instance: &str, summary: String) -> Self {
        Self {
            instance: instance.to_owned(),
            applies: false,
            verdict: Verdict::Inconclusive,
            level: Level::Numeric,
            condition: None,
            reason: Some(Reason::OutsideHypotheses),
            summary,
        }
    }

    /// The same finding, for an instance found to be outside the claim's
    /// hypotheses only once the evidence was in (it no longer counts).
    pub fn outside(mut self) -> Self {
        self.applies = false;
        self.verdict = Verdict::Inconclusive;
        self.reason = Some(Reason::OutsideHypotheses);
        self.condition = None;
        self
    }

    /// The same finding at `level`.
    pub fn at(mut self, level: Level) -> Self {
        self.level = level;
        self
    }

    /// The same finding, inconclusive for `reason`.
    pub fn because(mut self, reason: Reason) -> Self {
        self.verdict = Verdict::Inconclusive;
        self.reason = Some(reason);
        self
    }

    /// The same finding, holding under `condition`.
    pub fn provided(mut self, condition: impl Into<String>) -> Self {
        self.verdict = Verdict::HoldsWithCondition;
        self.condition = Some(condition.into());
        self.reason = None;
        self
    }
}

/// The result for one claim over all instances.
#[derive(Clone, Debug, Serialize)]
pub struct ClaimResult {
    /// Identifier.
    pub id: ClaimId,
    /// Overall verdict: `fails` if any finding fails; else `inconclusive`
    /// if any applicable finding is (or none applies); else `holds with a
    /// condition` if any finding needed one; else `holds`.
    pub verdict: Verdict,
    /// Level of evidence: the weakest level among the findings the verdict
    /// rests on (the failing ones for `fails`, every applicable one else).
    pub level: Level,
    /// The conditions the restated claim needed, when it holds with one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// Why the claim is inconclusive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// Instances the verdict covers (those where the claim applies).
    pub instances: Vec<String>,
    /// Instances that refute the claim as stated (`fails`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub counterexamples: Vec<String>,
    /// One line with the key numbers.
    pub summary: String,
    /// Per-instance findings.
    pub findings: Vec<Finding>,
    /// Shapes proved with symbolic data, for the claims that are identities.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub symbolic: Option<SymbolicCoverage>,
}

impl ClaimResult {
    /// Aggregates the findings of one claim (see the field docs).
    pub fn aggregate(id: ClaimId, findings: Vec<Finding>) -> Self {
        let applicable: Vec<&Finding> = findings.iter().filter(|f| f.applies).collect();
        let failing: Vec<&Finding> = applicable
            .iter()
            .copied()
            .filter(|f| f.verdict == Verdict::Fails)
            .collect();
        let undecided = applicable
            .iter()
            .find(|f| f.verdict == Verdict::Inconclusive);
        let mut conditions: Vec<&str> = Vec::new();
        for f in &applicable {
            if let Some(c) = &f.condition
                && !conditions.contains(&c.as_str())
            {
                conditions.push(c);
            }
        }
        let witnesses: Vec<&Finding> = applicable
            .iter()
            .copied()
            .filter(|f| f.verdict == Verdict::Holds)
            .collect();
        if id.is_existential() && failing.is_empty() && !witnesses.is_empty() {
            return Self::witnessed(id, findings.clone(), &witnesses, &applicable);
        }
        let (verdict, reason) = if applicable.is_empty() {
            (Verdict::Inconclusive, Some(Reason::OutsideHypotheses))
        } else if !failing.is_empty() {
            (Verdict::Fails, None)
        } else if let Some(f) = undecided {
            (Verdict::Inconclusive, f.reason.or(Some(Reason::Undecided)))
        } else if applicable
            .iter()
            .any(|f| f.verdict == Verdict::HoldsWithCondition)
        {
            (Verdict::HoldsWithCondition, None)
        } else {
            (Verdict::Holds, None)
        };
        let basis: &[&Finding] = if failing.is_empty() {
            &applicable
        } else {
            &failing
        };
        let level = basis
            .iter()
            .map(|f| f.level)
            .min()
            .unwrap_or(Level::Numeric);
        let instances: Vec<String> = applicable.iter().map(|f| f.instance.clone()).collect();
        let counterexamples = failing.iter().map(|f| f.instance.clone()).collect();
        let summary = summarize(&findings, &applicable);
        Self {
            id,
            verdict,
            level,
            condition: (verdict == Verdict::HoldsWithCondition).then(|| conditions.join("; ")),
            reason,
            instances,
            counterexamples,
            summary,
            findings,
            symbolic: None,
        }
    }
}

impl ClaimResult {
    /// An existential claim shown by `witnesses`: it holds at the weakest
    /// level among them, covering those instances; the summary names the
    /// instances where it was not decided.
    fn witnessed(
        id: ClaimId,
        findings: Vec<Finding>,
        witnesses: &[&Finding],
        applicable: &[&Finding],
    ) -> Self {
        let level = witnesses
            .iter()
            .map(|f| f.level)
            .min()
            .unwrap_or(Level::Numeric);
        let mut summary: Vec<String> = witnesses
            .iter()
            .map(|f| format!("{}: {}", f.instance, f.summary))
            .collect();
        let open: Vec<&str> = applicable
            .iter()
            .filter(|f| f.verdict != Verdict::Holds)
            .map(|f| f.instance.as_str())
            .collect();
        if !open.is_empty() {
            summary.push(format!("not decided on {}", open.join(", ")));
        }
        Self {
            id,
            verdict: Verdict::Holds,
            level,
            condition: None,
            reason: None,
            instances: witnesses.iter().map(|f| f.instance.clone()).collect(),
            counterexamples: Vec::new(),
            summary: summary.join("; "),
            findings,
            symbolic: None,
        }
    }
}

fn summarize(findings: &[Finding], applicable: &[&Finding]) -> String {
    if applicable.is_empty() {
        return findings
            .first()
            .map(|f| f.summary.clone())
            .unwrap_or_else(|| "no instance analysed".into());
    }
    let parts: Vec<String> = applicable
        .iter()
        .filter(|f| f.verdict != Verdict::Holds || applicable.len() == 1)
        .map(|f| format!("{}: {}", f.instance, f.summary))
        .collect();
    if parts.is_empty() {
        let first = applicable[0];
        format!(
            "held on {} of {} instances; e.g. {}: {}",
            applicable.len(),
            findings.len(),
            first.instance,
            first.summary
        )
    } else {
        parts.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(name: &str, v: Verdict, level: Level) -> Finding {
        let mut x = Finding::new(name, v, String::new()).at(level);
        if v == Verdict::HoldsWithCondition {
            x = x.provided("Δ ≥ 0");
        }
        x
    }

    #[test]
    fn aggregation_reaches_every_outcome_and_never_upgrades() {
        use Level::*;
        use Verdict::*;
        let a = |fs: Vec<Finding>| ClaimResult::aggregate(ClaimId::Existence, fs);
        let r = a(vec![f("x", Holds, Exact), f("y", Holds, Modular)]);
        assert_eq!((r.verdict, r.level), (Holds, Modular));
        let r = a(vec![
            f("x", Holds, Exact),
            f("y", HoldsWithCondition, Exact),
        ]);
        assert_eq!(r.verdict, HoldsWithCondition);
        assert_eq!(r.condition.as_deref(), Some("Δ ≥ 0"));
        let r = a(vec![
            f("x", HoldsWithCondition, Exact),
            f("y", Inconclusive, Exact),
        ]);
        assert_eq!(
            (r.verdict, r.reason),
            (Inconclusive, Some(Reason::Undecided))
        );
        let r = a(vec![f("x", Inconclusive, Numeric), f("y", Fails, Exact)]);
        assert_eq!((r.verdict, r.level), (Fails, Exact));
        assert_eq!(r.counterexamples, vec!["y".to_string()]);
        let r = a(vec![Finding::not_applicable("x", String::new())]);
        assert_eq!(
            (r.verdict, r.reason),
            (Inconclusive, Some(Reason::OutsideHypotheses))
        );
    }

    #[test]
    fn an_existential_claim_holds_on_its_witnesses_only() {
        use Level::*;
        use Verdict::*;
        let fs = || {
            vec![
                f("square", Holds, Validated),
                f("default", Inconclusive, Numeric),
            ]
        };
        let r = ClaimResult::aggregate(ClaimId::NotGradientLike, fs());
        assert_eq!((r.verdict, r.level), (Holds, Validated));
        assert_eq!(r.instances, vec!["square".to_string()]);
        assert!(
            r.summary.contains("not decided on default"),
            "{}",
            r.summary
        );
        // Without a witness it stays inconclusive; a universal claim with
        // the same findings is inconclusive too.
        let none = ClaimResult::aggregate(
            ClaimId::NotGradientLike,
            vec![f("default", Inconclusive, Numeric)],
        );
        assert_eq!(none.verdict, Inconclusive);
        let universal = ClaimResult::aggregate(ClaimId::Existence, fs());
        assert_eq!(universal.verdict, Inconclusive);
    }

    #[test]
    fn level_order_puts_modular_between_numeric_and_exact() {
        assert!(Level::Numeric < Level::Modular);
        assert!(Level::Modular < Level::Validated);
        assert!(Level::Validated < Level::Exact);
        assert!(Level::Exact < Level::Symbolic);
    }
}

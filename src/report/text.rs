//! The readable `verify` report: one line per claim and one per instance,
//! each at most [`WIDTH`] characters, then with `--details` everything else.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};

use crate::claims::{ClaimResult, Report, Verdict};

/// Most characters of a line of the default report.
pub const WIDTH: usize = 120;

/// Width of the identifier column (the longest identifier).
const ID: usize = 17;
/// Width of the verdict column (`holds with a condition`).
const VERDICT: usize = 22;
/// Width of the level column (`validated`).
const LEVEL: usize = 9;
/// Width of the coverage column.
const COVERAGE: usize = 7;

/// The report as plain text: a header, one line per claim (identifier,
/// verdict, level, instances covered out of those analysed, the key
/// number), one line per instance; with `detailed`, each claim's full
/// summary, condition, reason and counterexamples and every per-instance
/// finding. Without `detailed` no line is longer than [`WIDTH`] characters.
pub fn render_text(report: &Report, detailed: bool) -> String {
    render(report, detailed, false)
}

/// [`render_text`] with ANSI styles (verdicts in colour). Print it through
/// a stream that drops the styles where they do not belong, such as
/// `anstream::stdout()` (not a terminal, or `NO_COLOR` set).
pub fn render_text_styled(report: &Report, detailed: bool) -> String {
    render(report, detailed, true)
}

fn render(report: &Report, detailed: bool, styled: bool) -> String {
    let paint = |style: Style, text: &str| {
        if styled {
            format!("{style}{text}{style:#}")
        } else {
            text.to_owned()
        }
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        fit(&format!(
            "ssl-equilibria verify: {} claims on {} instance(s) in {:.1} s (seed {})",
            report.claims.len(),
            report.instances.len(),
            report.seconds,
            report.config.seed
        ))
    );
    let _ = writeln!(
        out,
        "{}",
        paint(
            Style::new().dimmed(),
            &format!(
                "{:<ID$}  {:<VERDICT$}  {:<LEVEL$}  {:>COVERAGE$}  key finding",
                "claim", "verdict", "level", "covers"
            )
        )
    );
    claim_lines(&mut out, report, &paint);
    let _ = writeln!(out);
    instance_lines(&mut out, report);
    if !report.skipped.is_empty() {
        let line = format!("  skipped (time budget): {}", report.skipped.join(", "));
        let _ = writeln!(out, "{}", fit(&line));
    }
    if detailed {
        details(&mut out, report);
    } else {
        let _ = writeln!(
            out,
            "{}",
            paint(
                Style::new().dimmed(),
                "(--details: each claim's full summary and every finding per instance; --json FILE: all)"
            )
        );
    }
    out
}

/// One line per claim: identifier, verdict, level, coverage, key finding.
fn claim_lines(out: &mut String, report: &Report, paint: &dyn Fn(Style, &str) -> String) {
    for c in &report.claims {
        let coverage = coverage(report, c);
        let prefix_width = ID + VERDICT + LEVEL + COVERAGE + 8;
        let key = truncate(&key_finding(c), WIDTH.saturating_sub(prefix_width));
        let _ = writeln!(
            out,
            "{}  {}  {:<LEVEL$}  {coverage:>COVERAGE$}  {key}",
            paint(Style::new().bold(), &format!("{:<ID$}", c.id.as_str())),
            paint(
                verdict_style(c.verdict),
                &format!("{:<VERDICT$}", c.verdict.as_str())
            ),
            c.level.as_str(),
        );
    }
}

/// One line per instance: components, runs' ends and non-converged runs per
/// rank.
fn instance_lines(out: &mut String, report: &Report) {
    if !report.instances.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            fit(
                "  per rank r = 0..min(n, m): equilibrium components (exact, or numeric search: points), converged runs' ends"
            )
        );
    }
    for i in &report.instances {
        let line = format!(
            "  {:<12} n={} m={} λ={}  components {:?} {}  SG ends {:?}  EMA ends {:?}  not converged {}",
            i.name,
            i.n,
            i.m,
            truncate(&i.lambda, 16),
            i.components_per_rank,
            i.components_source,
            i.sg_endpoints_per_rank,
            i.ema_endpoints_per_rank,
            i.not_converged
        );
        let _ = writeln!(out, "{}", fit(&line));
        // Not truncated: the reason is the point of the note.
        for note in &i.completeness_notes {
            let _ = writeln!(out, "    {}: {note}", i.name);
        }
    }
}

fn verdict_style(v: Verdict) -> Style {
    let colour = match v {
        Verdict::Holds => AnsiColor::Green,
        Verdict::HoldsWithCondition => AnsiColor::Cyan,
        Verdict::Fails => AnsiColor::Red,
        Verdict::Inconclusive => AnsiColor::Yellow,
    };
    Style::new().fg_color(Some(colour.into())).bold()
}

/// `k/N`: analysed instances the verdict covers out of those analysed, plus
/// `+e` for what it covers beyond them (an m = 1 sweep, the synthetic
/// experiment).
fn coverage(report: &Report, c: &ClaimResult) -> String {
    let analysed = c
        .instances
        .iter()
        .filter(|n| report.instances.iter().any(|i| &i.name == *n))
        .count();
    let extra = c.instances.len() - analysed;
    let mut s = format!("{analysed}/{}", report.instances.len());
    if extra > 0 {
        let _ = write!(s, "+{extra}");
    }
    s
}

/// The one thing to read about a claim: the counterexamples, the reason it
/// is inconclusive, the condition it needed, or its first piece of evidence.
fn key_finding(c: &ClaimResult) -> String {
    let first = |v: Verdict| c.findings.iter().find(|f| f.applies && f.verdict == v);
    match c.verdict {
        Verdict::Fails => {
            let evidence =
                first(Verdict::Fails).map_or(String::new(), |f| format!(": {}", f.summary));
            format!("counterexample {}{evidence}", c.counterexamples.join(", "))
        }
        Verdict::Inconclusive => {
            let reason = c.reason.map_or("inconclusive", |r| r.as_str());
            match first(Verdict::Inconclusive) {
                Some(f) => format!("{reason} ({}): {}", f.instance, f.summary),
                None => format!("{reason}: {}", c.summary),
            }
        }
        Verdict::HoldsWithCondition => {
            format!("if {}", c.condition.as_deref().unwrap_or("a condition"))
        }
        Verdict::Holds => match c.summary.split_once("; e.g. ") {
            Some((held, rest)) if held.starts_with("held on ") => rest.to_owned(),
            _ => c.summary.clone(),
        },
    }
}

/// `text` cut to at most `max` characters, ending in `…` when cut.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

fn fit(line: &str) -> String {
    truncate(line, WIDTH)
}

/// Everything the default report leaves out.
fn details(out: &mut String, report: &Report) {
    let _ = writeln!(out, "\nDetails per claim:");
    for c in &report.claims {
        let _ = writeln!(out, "{} — {}", c.id.as_str(), c.id.statement());
        let _ = writeln!(
            out,
            "  {} ({}) on {}",
            c.verdict.as_str(),
            c.level.as_str(),
            if c.instances.is_empty() {
                "no instance".to_owned()
            } else {
                c.instances.join(", ")
            }
        );
        let _ = writeln!(out, "  summary: {}", c.summary);
        if let Some(cond) = &c.condition {
            let _ = writeln!(out, "  condition: {cond}");
        }
        if let Some(reason) = c.reason {
            let _ = writeln!(out, "  reason: {}", reason.as_str());
        }
        if !c.counterexamples.is_empty() {
            let _ = writeln!(out, "  counterexample(s): {}", c.counterexamples.join(", "));
        }
        for f in &c.findings {
            let v = if f.applies { f.verdict.as_str() } else { "n/a" };
            let why = match (&f.condition, f.reason) {
                (Some(c), _) => format!(" [condition: {c}]"),
                (None, Some(r)) if f.verdict == Verdict::Inconclusive => {
                    format!(" [{}]", r.as_str())
                }
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "  {:<12} {:<22} {:<9} {}{why}",
                f.instance,
                v,
                f.level.as_str(),
                f.summary
            );
        }
        if let Some(sym) = &c.symbolic {
            let shapes: Vec<&str> = sym
                .shapes
                .iter()
                .filter(|s| s.holds)
                .map(|s| s.shape.as_str())
                .collect();
            let _ = writeln!(out, "  proved for all data of shape {}", shapes.join(", "));
            for (data, w) in &sym.witnesses {
                let _ = writeln!(out, "  {data}: {} = {}", w.label, w.polynomial);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_counts_characters_not_bytes() {
        let s = "λ".repeat(10);
        assert_eq!(truncate(&s, 10), s);
        let t = truncate(&s, 5);
        assert_eq!(t.chars().count(), 5);
        assert!(t.ends_with('…'));
        assert_eq!(truncate("abc", 0), "…");
    }

    /// A report with every verdict, summaries of 2,000 characters, a λ of
    /// 400 digits and long instance names.
    fn wide_report() -> Report {
        use crate::claims::{ClaimId, Finding, InstanceInfo, Level, Reason, VerifyConfig};
        let long = "Ē ‖A‖ λ·S·G(S) = 0 ".repeat(100);
        let names = ["default", "a-rather-long-instance-name", "square"];
        let claims = ClaimId::ALL
            .iter()
            .enumerate()
            .map(|(k, &id)| {
                let findings = names
                    .iter()
                    .map(|n| {
                        let f = Finding::new(n, Verdict::Holds, long.clone()).at(Level::Exact);
                        match k % 4 {
                            0 => f,
                            1 => f.provided(long.clone()),
                            2 => Finding {
                                verdict: Verdict::Fails,
                                ..f
                            },
                            _ => Finding {
                                verdict: Verdict::Inconclusive,
                                ..f
                            }
                            .because(Reason::PositiveDimensional),
                        }
                    })
                    .collect();
                ClaimResult::aggregate(id, findings)
            })
            .collect();
        let instances = names
            .iter()
            .map(|n| InstanceInfo {
                name: n.to_string(),
                n: 4,
                m: 3,
                lambda: format!("1/1{}", "0".repeat(400)),
                components_per_rank: vec![1, 20, 300, 4000],
                components_source: "numeric search",
                completeness_notes: Vec::new(),
                sg_endpoints_per_rank: vec![0, 0, 16, 160],
                ema_endpoints_per_rank: vec![0, 0, 16, 160],
                not_converged: 12,
            })
            .collect();
        Report {
            claims,
            instances,
            skipped: vec![long.clone()],
            config: VerifyConfig::default(),
            seconds: 145.0,
        }
    }

    #[test]
    fn no_line_of_the_default_report_is_longer_than_the_width() {
        let report = wide_report();
        let text = render_text(&report, false);
        for line in text.lines() {
            assert!(
                line.chars().count() <= WIDTH,
                "{} chars: {line}",
                line.chars().count()
            );
        }
        // One line per claim, each with its verdict, level and coverage, then
        // one per instance.
        for c in &report.claims {
            let line = text
                .lines()
                .find(|l| l.starts_with(&format!("{} ", c.id.as_str())))
                .unwrap_or_else(|| panic!("no line for {}", c.id.as_str()));
            assert!(
                line.contains(c.verdict.as_str()) && line.contains("exact"),
                "{line}"
            );
            assert!(line.contains(" 3/3 "), "{line}");
        }
        for name in ["default", "a-rather-long-instance-name", "square"] {
            assert!(
                text.lines().any(|l| l.trim_start().starts_with(name)),
                "{name}"
            );
        }
        assert!(!text.contains("Details per claim"));
        // The styled text is the same once the styles are removed.
        let styled = render_text_styled(&report, false);
        assert!(styled.contains("\x1b["));
        let mut plain = Vec::new();
        let mut stream = anstream::StripStream::new(&mut plain);
        std::io::Write::write_all(&mut stream, styled.as_bytes()).unwrap();
        assert_eq!(String::from_utf8(plain).unwrap(), text);
    }

    #[test]
    fn details_keep_every_summary_and_finding() {
        let report = wide_report();
        let text = render_text(&report, true);
        assert!(text.contains("Details per claim"));
        for c in &report.claims {
            assert!(text.contains(&c.summary), "{}", c.id.as_str());
            for f in &c.findings {
                assert!(text.contains(&f.summary));
            }
        }
        assert!(text.contains("counterexample(s): default, a-rather-long-instance-name, square"));
        assert!(text.contains("reason: positive-dimensional stratum not resolved"));
    }

    #[test]
    fn the_columns_leave_room_for_the_key_finding() {
        let prefix = ID + VERDICT + LEVEL + COVERAGE + 8;
        assert!(prefix + 40 <= WIDTH, "{prefix}");
        let longest = crate::claims::ClaimId::ALL
            .iter()
            .map(|c| c.as_str().len())
            .max()
            .unwrap();
        assert!(longest <= ID);
        assert_eq!(Verdict::HoldsWithCondition.as_str().len(), VERDICT);
    }
}

//! Renders what [`crate::claims`] and [`crate::experiments`] return: readable
//! text, JSON and plots ([`plot`]). Computes nothing.

pub mod experiments;
pub mod plot;

use std::fmt::Write as _;

use crate::claims::{ClaimId, Report};

/// The readable report: one line per claim (identifier, verdict, level,
/// instances, summary), then the per-instance findings.
pub fn render_text(report: &Report, detailed: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "ssl-equilibria verify: {} claims on {} instance(s) in {:.1} s (seed {})",
        report.claims.len(),
        report.instances.len(),
        report.seconds,
        report.config.seed
    );
    for i in &report.instances {
        let _ = writeln!(
            out,
            "  instance {:<12} n={} m={} λ={}  components per rank {:?}  SG/EMA limit points per rank {:?}/{:?}  not converged {}",
            i.name,
            i.n,
            i.m,
            i.lambda,
            i.components_per_rank,
            i.sg_endpoints_per_rank,
            i.ema_endpoints_per_rank,
            i.not_converged
        );
    }
    if !report.skipped.is_empty() {
        let _ = writeln!(
            out,
            "  skipped (time budget): {}",
            report.skipped.join(", ")
        );
    }
    let _ = writeln!(out);
    let w = ClaimId::ALL
        .iter()
        .map(|c| c.as_str().len())
        .max()
        .unwrap_or(0);
    for c in &report.claims {
        let _ = writeln!(
            out,
            "{:<w$}  {:<12}  {:<8}  [{}]  {}",
            c.id.as_str(),
            c.verdict.as_str(),
            c.level.as_str(),
            c.instances.join(","),
            c.summary
        );
    }
    if detailed {
        let _ = writeln!(out, "\nFindings per instance:");
        for c in &report.claims {
            let _ = writeln!(out, "{} — {}", c.id.as_str(), c.id.statement());
            for f in &c.findings {
                let v = if f.applies { f.verdict.as_str() } else { "n/a" };
                let _ = writeln!(out, "  {:<12} {:<12} {}", f.instance, v, f.summary);
            }
        }
    }
    out
}

/// The JSON form: `{"claims":[{"id","verdict","level","instances","summary","findings"}], "instances", "config", ...}`.
pub fn render_json(report: &Report) -> String {
    serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

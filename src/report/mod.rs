//! Renders what [`crate::claims`] and [`crate::experiments`] return: readable
//! text, JSON and plots ([`plot`]). Computes nothing.

pub mod characterize;
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
            "{:<w$}  {:<22}  {:<9}  [{}]  {}",
            c.id.as_str(),
            c.verdict.as_str(),
            c.level.as_str(),
            c.instances.join(","),
            c.summary
        );
        if let Some(cond) = &c.condition {
            let _ = writeln!(out, "{:<w$}  condition: {cond}", "");
        }
        if let Some(reason) = c.reason {
            let _ = writeln!(out, "{:<w$}  reason: {}", "", reason.as_str());
        }
        if !c.counterexamples.is_empty() {
            let _ = writeln!(
                out,
                "{:<w$}  counterexample(s): {}",
                "",
                c.counterexamples.join(", ")
            );
        }
    }
    if detailed {
        let _ = writeln!(out, "\nFindings per instance:");
        for c in &report.claims {
            let _ = writeln!(out, "{} — {}", c.id.as_str(), c.id.statement());
            for f in &c.findings {
                let v = if f.applies { f.verdict.as_str() } else { "n/a" };
                let why = match (&f.condition, f.reason) {
                    (Some(c), _) => format!(" [condition: {c}]"),
                    (None, Some(r)) if f.verdict == crate::claims::Verdict::Inconclusive => {
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
    out
}

/// The JSON form: `{"claims":[{"id","verdict","level","instances","summary","findings"}], "instances", "config", ...}`.
pub fn render_json(report: &Report) -> String {
    serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// Escapes text for LaTeX (outside math).
fn tex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\textbackslash{}"),
            '&' | '%' | '$' | '#' | '_' | '{' | '}' => {
                out.push('\\');
                out.push(ch);
            }
            '^' => out.push_str("\\^{}"),
            '~' => out.push_str("\\~{}"),
            _ => out.push(ch),
        }
    }
    out
}

/// The report as a LaTeX document: the claims table, then for the claims
/// proved symbolically the shapes covered and the polynomials and matrices
/// that carry the evidence. The text contains Unicode symbols (Ē, λ, ‖·‖):
/// compile with LuaLaTeX or XeLaTeX.
pub fn render_latex(report: &Report) -> String {
    let mut out = String::new();
    out.push_str("% ssl-equilibria verify report. Compile with lualatex or xelatex.\n");
    out.push_str("\\documentclass[10pt]{article}\n\\usepackage[margin=2cm]{geometry}\n");
    out.push_str("\\usepackage{amsmath}\n\\usepackage{longtable}\n\\usepackage{fontspec}\n");
    out.push_str("\\begin{document}\n\\section*{Verification report}\n");
    let _ = writeln!(
        out,
        "{} claims on {} instance(s) in {:.1}\\,s (seed {}).\n",
        report.claims.len(),
        report.instances.len(),
        report.seconds,
        report.config.seed
    );
    out.push_str("\\begin{longtable}{p{0.16\\textwidth}p{0.09\\textwidth}p{0.09\\textwidth}p{0.56\\textwidth}}\n");
    out.push_str("Claim & Verdict & Level & Instances and summary \\\\ \\hline\n");
    for c in &report.claims {
        let _ = writeln!(
            out,
            "{} & {} & {} & [{}] {}{} \\\\",
            tex_escape(c.id.as_str()),
            c.verdict.as_str(),
            c.level.as_str(),
            tex_escape(&c.instances.join(", ")),
            c.condition
                .as_ref()
                .map_or(String::new(), |x| format!("Condition: {}. ", tex_escape(x))),
            tex_escape(&c.summary)
        );
    }
    out.push_str("\\end{longtable}\n");
    for c in report.claims.iter() {
        let Some(sym) = &c.symbolic else { continue };
        let _ = writeln!(out, "\\subsection*{{{}}}", tex_escape(c.id.as_str()));
        let _ = writeln!(out, "{}\n", tex_escape(c.id.statement()));
        let proved: Vec<String> = sym
            .shapes
            .iter()
            .filter(|s| s.holds)
            .map(|s| format!("${}$", s.shape.replace('×', "\\times ")))
            .collect();
        let _ = writeln!(
            out,
            "Proved for all data of shape $n\\times m$ = {} in {:.2}\\,s{}.\n",
            if proved.is_empty() {
                "none".to_owned()
            } else {
                proved.join(", ")
            },
            sym.seconds,
            if sym.not_attempted.is_empty() {
                String::new()
            } else {
                format!(
                    "; not attempted: {}",
                    tex_escape(&sym.not_attempted.join(", "))
                )
            }
        );
        for (data, w) in &sym.witnesses {
            let _ = writeln!(
                out,
                "\\noindent {}: {}\n\\[ {} \\]",
                tex_escape(data),
                tex_escape(&w.label),
                w.latex
            );
        }
    }
    out.push_str("\\end{document}\n");
    out
}

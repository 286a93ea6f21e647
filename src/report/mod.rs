//! Renders what [`crate::claims`] and [`crate::experiments`] return: readable
//! text, JSON and plots ([`plot`]). Computes nothing.

pub mod characterize;
pub mod experiments;
pub mod html;
pub mod plot;
pub mod text;

pub use text::{render_text, render_text_styled};

use std::fmt::Write as _;

use crate::claims::Report;

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

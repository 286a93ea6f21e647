//! One self-contained HTML page per report (`verify --html`,
//! `characterize --html`): no script or style from the network, the figures
//! inline as SVG, so the file can be mailed or archived as it is.

use std::fmt::Write as _;

use crate::analysis::characterize::Characterization;
use crate::claims::{Report, Verdict};
use crate::experiments::synthetic::SyntheticReport;

use super::experiments::{cells, paper_cells};

/// A figure for a page: an SVG document (as plotters writes it) and its caption.
#[derive(Clone, Debug)]
pub struct Figure {
    /// What the figure shows.
    pub caption: String,
    /// The SVG text.
    pub svg: String,
}

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:80em}\
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;\
text-align:left;vertical-align:top}th{background:#f3f3f3}.holds{color:#176f2c;font-weight:bold}\
.holds-with-condition{color:#0b6a80;font-weight:bold}.fails{color:#b00020;font-weight:bold}\
.inconclusive{color:#8a6100;font-weight:bold}.small{font-size:85%;color:#555}\
figure{display:inline-block;margin:1em}figcaption{font-size:85%;max-width:40em}\
details{margin:.3em 0}";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\
         <script>document.body.dataset.rendered = 'yes';</script>\n</body>\n</html>\n",
        esc(title)
    )
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Holds => "holds",
        Verdict::HoldsWithCondition => "holds-with-condition",
        Verdict::Fails => "fails",
        Verdict::Inconclusive => "inconclusive",
    }
}

/// The SVG of a figure without an XML declaration, so that it can sit inside
/// the page.
fn inline_svg(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(k) => &svg[k..],
        None => svg,
    }
}

fn figures(out: &mut String, figs: &[Figure]) {
    for f in figs {
        let _ = writeln!(
            out,
            "<figure>{}<figcaption>{}</figcaption></figure>",
            inline_svg(&f.svg),
            esc(&f.caption)
        );
    }
}

/// The `verify` report: the claim table (verdicts, levels, coverage, key
/// numbers), the instances, each claim's findings per instance, the
/// synthetic table next to the paper's when given, and the figures.
pub fn verify_page(
    report: &Report,
    synthetic: Option<&SyntheticReport>,
    figs: &[Figure],
) -> String {
    let mut b = String::new();
    let _ = writeln!(
        b,
        "<h1>ssl-equilibria verify</h1>\n<p>{} claims on {} instance(s) in {:.1} s (seed {}).</p>",
        report.claims.len(),
        report.instances.len(),
        report.seconds,
        report.config.seed
    );
    claims_table(&mut b, report);
    instances_table(&mut b, report);
    if !report.skipped.is_empty() {
        let _ = writeln!(
            b,
            "<p>Skipped (time budget): {}</p>",
            esc(&report.skipped.join(", "))
        );
    }
    if let Some(s) = synthetic {
        synthetic_table(&mut b, s);
    }
    findings_section(&mut b, report);
    if !figs.is_empty() {
        b.push_str("<h2>Figures</h2>\n");
        figures(&mut b, figs);
    }
    page("ssl-equilibria verify", &b)
}

/// The claim table: verdict, level, instances, condition or reason, summary.
fn claims_table(b: &mut String, report: &Report) {
    b.push_str("<h2>Claims</h2>\n<table id=\"claims\">\n<tr><th>claim</th><th>verdict</th><th>level</th><th>instances</th><th>condition, reason or counterexamples</th><th>summary</th></tr>\n");
    for c in &report.claims {
        let note = if let Some(cond) = &c.condition {
            format!("condition: {cond}")
        } else if let Some(r) = c.reason {
            format!("reason: {}", r.as_str())
        } else if !c.counterexamples.is_empty() {
            format!("counterexample(s): {}", c.counterexamples.join(", "))
        } else {
            String::new()
        };
        let _ = writeln!(
            b,
            "<tr><td><b>{}</b></td><td class=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"small\">{}</td></tr>",
            esc(c.id.as_str()),
            verdict_class(c.verdict),
            esc(c.verdict.as_str()),
            esc(c.level.as_str()),
            esc(&c.instances.join(", ")),
            esc(&note),
            esc(&c.summary)
        );
    }
    b.push_str("</table>\n");
}

/// The instance table, with each instance's STABILITY finding.
fn instances_table(b: &mut String, report: &Report) {
    b.push_str("<h2>Instances</h2>\n<table id=\"instances\">\n<tr><th>instance</th><th>n</th><th>m</th><th>λ</th><th>components per rank (source)</th><th>SG ends per rank</th><th>EMA ends per rank</th><th>not converged</th><th>stability (STABILITY finding)</th></tr>\n");
    let stability = report
        .claims
        .iter()
        .find(|c| c.id == crate::claims::ClaimId::Stability);
    for i in &report.instances {
        let finding = stability
            .and_then(|c| c.findings.iter().find(|f| f.instance == i.name))
            .map_or(String::new(), |f| {
                format!(
                    "{} ({}): {}",
                    if f.applies { f.verdict.as_str() } else { "n/a" },
                    f.level.as_str(),
                    f.summary
                )
            });
        let _ = writeln!(
            b,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:?} ({})</td><td>{:?}</td><td>{:?}</td><td>{}</td><td class=\"small\">{}</td></tr>",
            esc(&i.name),
            i.n,
            i.m,
            esc(&i.lambda),
            i.components_per_rank,
            if i.completeness_notes.is_empty() {
                i.components_source.to_owned()
            } else {
                format!(
                    "{}; {}",
                    i.components_source,
                    esc(&i.completeness_notes.join("; "))
                )
            },
            i.sg_endpoints_per_rank,
            i.ema_endpoints_per_rank,
            i.not_converged,
            esc(&finding)
        );
    }
    b.push_str("</table>\n");
}

/// Each claim's findings per instance, one collapsible table per claim.
fn findings_section(b: &mut String, report: &Report) {
    b.push_str("<h2>Findings per claim and instance</h2>\n");
    for c in &report.claims {
        let _ = writeln!(
            b,
            "<details><summary><b>{}</b> <span class=\"{}\">{}</span> — {}</summary>\n<table>",
            esc(c.id.as_str()),
            verdict_class(c.verdict),
            esc(c.verdict.as_str()),
            esc(c.id.statement())
        );
        for f in &c.findings {
            let _ = writeln!(
                b,
                "<tr><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td class=\"small\">{}</td></tr>",
                esc(&f.instance),
                verdict_class(f.verdict),
                esc(if f.applies { f.verdict.as_str() } else { "n/a" }),
                esc(f.level.as_str()),
                esc(&f.summary)
            );
        }
        b.push_str("</table></details>\n");
    }
}

/// The paper's m = 1 table next to ours (SYNTHETIC-TABLE).
fn synthetic_table(b: &mut String, s: &SyntheticReport) {
    let _ = writeln!(
        b,
        "<h2>SYNTHETIC-TABLE: the paper's table next to ours</h2>\n<p>{} draws (seed {}), n = {}, η = {}, α = {}; draws with Δ ≥ 0: {}. {}</p>",
        s.config.trials,
        s.config.seed,
        s.config.n,
        s.config.eta,
        s.config.alpha,
        s.trials_delta_nonnegative,
        esc(&s.verdict.rule)
    );
    b.push_str("<table id=\"synthetic\">\n<tr><th></th><th>outer sphere</th><th>origin</th><th>inner sphere</th><th>not converged</th></tr>\n");
    for (name, t) in [("EMA", &s.ema), ("SG", &s.sg)] {
        for (label, row) in [
            ("paper", paper_cells(&t.paper)),
            ("ours, Δ ≥ 0", cells(&t.delta_nonnegative)),
            ("ours, all draws", cells(&t.all)),
        ] {
            let _ = write!(b, "<tr><th>{name} {}</th>", esc(label));
            for c in row {
                let _ = write!(b, "<td>{}</td>", esc(&c));
            }
            b.push_str("</tr>\n");
        }
    }
    b.push_str("</table>\n");
}

/// The `characterize` report: per rank stratum the counts, per component
/// its stability under every dynamics with the level, and the figures.
pub fn characterize_page(c: &Characterization, figs: &[Figure]) -> String {
    let mut b = String::new();
    let _ = writeln!(
        b,
        "<h1>ssl-equilibria characterize: {}</h1>\n<p>n = {}, m = {}, computed in {:.1} s. {}</p>",
        esc(&c.instance.name),
        c.instance.n,
        c.instance.m,
        c.seconds,
        esc(&c.existence)
    );
    b.push_str("<h2>Components</h2>\n<table id=\"components\">\n<tr><th>rank</th><th>component</th><th>tr S</th><th>orbit dimension</th><th>SG flow</th><th>every dynamics (level)</th></tr>\n");
    for s in &c.strata {
        if s.components.is_empty() {
            let _ = writeln!(
                b,
                "<tr><td>{}</td><td colspan=\"5\">no real PSD solution</td></tr>",
                s.stratum.rank
            );
        }
        for (k, comp) in s.components.iter().enumerate() {
            let all: Vec<String> = comp
                .verdicts
                .iter()
                .map(|v| {
                    format!(
                        "{}: {} ({})",
                        v.dynamics,
                        v.verdict.as_str(),
                        v.level.as_str()
                    )
                })
                .collect();
            let _ = writeln!(
                b,
                "<tr><td>{}</td><td>{}</td><td>{:.6}</td><td>{}</td><td><b>{}</b> ({})</td><td class=\"small\">{}</td></tr>",
                comp.rank,
                k + 1,
                comp.trace,
                comp.orbit_dimension,
                esc(comp.sg_verdict.as_str()),
                esc(comp.sg_level.as_str()),
                esc(&all.join("; "))
            );
        }
    }
    b.push_str("</table>\n");
    if !c.not_computed.is_empty() {
        let _ = writeln!(
            b,
            "<p>Not computed: {}</p>",
            esc(&c.not_computed.join("; "))
        );
    }
    b.push_str("<h2>Full report</h2>\n<pre class=\"small\">");
    b.push_str(&esc(&super::characterize::render_text(c, false)));
    b.push_str("</pre>\n");
    if !figs.is_empty() {
        b.push_str("<h2>SG spectra</h2>\n");
        figures(&mut b, figs);
    }
    page(
        &format!("ssl-equilibria characterize {}", c.instance.name),
        &b,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_svg_is_inlined() {
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        let svg = "<?xml version=\"1.0\"?>\n<svg width=\"1\"></svg>";
        assert_eq!(inline_svg(svg), "<svg width=\"1\"></svg>");
        let p = page("t<", "<p>x</p>");
        assert!(p.starts_with("<!DOCTYPE html>") && p.contains("<title>t&lt;</title>"));
        assert!(!p.contains("http://") && !p.contains("https://"));
    }
}

//! Text renderings of the experiments: the synthetic table next to the
//! paper's, the sweep, and the real-data curves and findings.

use std::fmt::Write as _;

use crate::experiments::real::RealReport;
use crate::experiments::synthetic::{
    DeltaPolicy, Fractions, PaperFractions, ProcedureTable, SweepPoint, SyntheticReport, closest,
};

pub(crate) fn cells(f: &Fractions) -> [String; 4] {
    [
        f.outer.describe(),
        f.origin.describe(),
        f.inner.describe(),
        f.not_converged.describe(),
    ]
}

pub(crate) fn paper_cells(p: &PaperFractions) -> [String; 4] {
    [
        format!("{:.1} %", p.outer),
        format!("{:.1} %", p.origin),
        format!("{:.1} %", p.inner),
        "-".into(),
    ]
}

/// The synthetic table: settings, ours (Δ ≥ 0 and all draws, with 95%
/// intervals) next to the paper's, the not-converged detail, the verdict,
/// and the sweep if one was run.
pub fn render_synthetic(r: &SyntheticReport, sweep: Option<&[SweepPoint]>) -> String {
    let mut out = String::new();
    synthetic_settings(r, &mut out);
    synthetic_rows(r, &mut out);
    synthetic_conclusion(r, &mut out);
    if let Some(points) = sweep {
        out.push_str(&render_sweep(points));
    }
    out
}

/// The draws, the settings the paper does not give, and how end points are
/// classified.
fn synthetic_settings(r: &SyntheticReport, out: &mut String) {
    let c = &r.config;
    let _ = writeln!(
        out,
        "ssl-equilibria reproduce synthetic: {} draws (seed {}), m = 1, ρ ~ U({}, {}], τ ~ U[{}, {}], λ ~ U[{}, {}]",
        c.trials, c.seed, c.rho.0, c.rho.1, c.tau.0, c.tau.1, c.lambda.0, c.lambda.1
    );
    let _ = writeln!(
        out,
        "settings (the paper does not give them): n = {}; A ~ N(0, {s}²), B ~ N(0, {s}²/n), C = A, the same start for SG and EMA; discrete maps with η = {}, EMA α = {}; at most {} steps; converged when ‖θ⁺ − θ‖/η < {:e}; draws with Δ < 0: {}",
        c.n,
        c.eta,
        c.alpha,
        c.max_steps,
        c.step_tol,
        match c.delta {
            DeltaPolicy::Keep => "kept",
            DeltaPolicy::Resample => "redrawn",
        },
        s = c.init_scale,
    );
    let _ = writeln!(
        out,
        "end points of converged runs: origin if ‖a‖ ≤ {:e}; outer/inner sphere if |‖a‖ − r₂,₁| ≤ {:e}·r₂; anything else, and runs out of steps or diverged, is \"not converged\"",
        r.tolerances.origin, r.tolerances.radius_relative
    );
    let _ = writeln!(
        out,
        "draws with Δ = τ² − 4ρλ ≥ 0: {} of {}\n",
        r.trials_delta_nonnegative, c.trials
    );
}

/// The table: the paper's rows next to ours (Δ ≥ 0 and all draws).
fn synthetic_rows(r: &SyntheticReport, out: &mut String) {
    let _ = writeln!(
        out,
        "{:<16} {:<22} {:<22} {:<22} {:<22}",
        "", "outer sphere", "origin", "inner sphere", "not converged"
    );
    let row = |out: &mut String, label: &str, cells: [String; 4]| {
        let _ = writeln!(
            out,
            "{:<16} {:<22} {:<22} {:<22} {:<22}",
            label, cells[0], cells[1], cells[2], cells[3]
        );
    };
    for (name, t) in [("EMA", &r.ema), ("SG", &r.sg)] {
        row(out, &format!("{name} paper"), paper_cells(&t.paper));
        row(out, &format!("{name} Δ ≥ 0"), cells(&t.delta_nonnegative));
        row(out, &format!("{name} all draws"), cells(&t.all));
    }
}

/// The not-converged detail, the distance to the paper and the verdict.
fn synthetic_conclusion(r: &SyntheticReport, out: &mut String) {
    let detail = |t: &ProcedureTable| {
        format!(
            "{} out of steps, {} diverged, {} unmatched; median {} steps",
            t.all.budget, t.all.diverged, t.all.unmatched, t.median_steps
        )
    };
    let _ = writeln!(
        out,
        "\nnot converged, all draws: EMA {}; SG {}",
        detail(&r.ema),
        detail(&r.sg)
    );
    let _ = writeln!(
        out,
        "distance to the paper (total variation over Δ ≥ 0, points): EMA {:.1}, SG {:.1}",
        r.ema.distance_to_paper, r.sg.distance_to_paper
    );
    let _ = writeln!(
        out,
        "SYNTHETIC-TABLE {}: over Δ ≥ 0 the paper's EMA row is {} our 95% difference intervals, its SG row {} (rule: {})",
        if r.verdict.holds {
            "reproduced under these settings"
        } else {
            "not reproduced under these settings"
        },
        if r.ema.paper_within_ci {
            "inside"
        } else {
            "outside"
        },
        if r.sg.paper_within_ci {
            "inside"
        } else {
            "outside"
        },
        r.verdict.rule
    );
}

/// The sweep as a table, with the closest setting.
pub fn render_sweep(points: &[SweepPoint]) -> String {
    let mut out = String::new();
    let trials = points.first().map(|p| p.sg.runs).unwrap_or_default();
    let _ = writeln!(
        out,
        "\nsweep over the draws with Δ ≥ 0 (about {trials} per setting); percentages outer / origin / not converged; distance = total variation to the paper's row (points)"
    );
    let _ = writeln!(
        out,
        "{:>3} {:>6} {:>6}   {:<20} {:<20} {:>7} {:>7} {:>7}  paper in CI",
        "n", "scale", "α", "SG", "EMA", "d(SG)", "d(EMA)", "sum"
    );
    for p in points {
        let f = |x: &Fractions| {
            format!(
                "{:.1}/{:.1}/{:.1}",
                x.outer.percent, x.origin.percent, x.not_converged.percent
            )
        };
        let _ = writeln!(
            out,
            "{:>3} {:>6} {:>6}   {:<20} {:<20} {:>7.1} {:>7.1} {:>7.1}  {}",
            p.n,
            p.init_scale,
            p.alpha,
            f(&p.sg),
            f(&p.ema),
            p.distance_sg,
            p.distance_ema,
            p.score(),
            if p.paper_within_ci { "yes" } else { "no" }
        );
    }
    if let Some(b) = closest(points) {
        let _ = writeln!(
            out,
            "closest to the paper: n = {}, init scale {}, α = {}: SG outer {} origin {}, EMA outer {} origin {} (distance {:.1} + {:.1} points)",
            b.n,
            b.init_scale,
            b.alpha,
            b.sg.outer.describe(),
            b.sg.origin.describe(),
            b.ema.outer.describe(),
            b.ema.origin.describe(),
            b.distance_sg,
            b.distance_ema
        );
    }
    out
}

/// The real-data run: settings, reference probes, a table per procedure at
/// about ten steps, and the findings.
pub fn render_real(r: &RealReport) -> String {
    let c = &r.config;
    let mut out = String::new();
    let _ = writeln!(out, "ssl-equilibria reproduce real: {}", r.dataset);
    let _ = writeln!(
        out,
        "settings: n = {}, λ = {}, η = {}, EMA α = {}, {} steps of minibatch {}; views: each pixel kept with probability {} (else the mean) plus N(0, {}²) noise; A ~ N(0, {s}²/d), B ~ N(0, {s}²/n), C = A; seed {}",
        c.n,
        c.lambda,
        c.eta,
        c.alpha,
        c.steps,
        c.batch,
        c.keep,
        c.noise,
        c.seed,
        s = c.init_scale
    );
    let _ = writeln!(
        out,
        "probe: ridge regression on [A x, 1] (penalty {} per sample), trained on {} clean images, accuracy on {} held out; Ē, F, ‖∇Ē‖ on {} augmented pairs per training image",
        c.probe_ridge, r.split.0, r.split.1, c.eval_copies
    );
    let _ = writeln!(
        out,
        "reference probes: raw pixels {:.1} %, top-{} principal components {:.1} %\n",
        100.0 * r.probe_raw_pixels,
        c.n,
        100.0 * r.probe_pca
    );
    for (name, recs) in &r.records {
        let _ = writeln!(
            out,
            "{}: {:>7} {:>11} {:>11} {:>11} {:>11} {:>9} {:>7}",
            name.to_uppercase(),
            "step",
            "Ē",
            "F",
            "‖∇Ē‖",
            "step/η",
            "‖A‖",
            "probe"
        );
        let stride = (recs.len() / 10).max(1);
        for (k, x) in recs.iter().enumerate() {
            if k % stride == 0 || k + 1 == recs.len() {
                let _ = writeln!(
                    out,
                    "{:>5} {:>7} {:>11.4e} {:>11.4e} {:>11.4e} {:>11.4e} {:>9.4} {:>6.1}%",
                    "",
                    x.step,
                    x.ebar,
                    x.f,
                    x.grad_ebar,
                    x.step_norm,
                    x.norm_a,
                    100.0 * x.probe
                );
            }
        }
    }
    let _ = writeln!(out, "\nfindings:");
    for f in &r.findings {
        let _ = writeln!(out, "- {f}");
    }
    out
}

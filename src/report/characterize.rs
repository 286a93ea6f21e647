//! Text and LaTeX renderings of `characterize` and of the solution-count
//! table. Computes nothing.

use std::fmt::Write as _;

use crate::analysis::characterize::{
    Characterization, Component, StratumReport, WholeVarietyReport,
};
use crate::analysis::commuting::ClosedFormCheck;
use crate::variety::counting::CountRow;
use crate::variety::scalar::ScalarDerivation;
use crate::variety::strata::RealSolution;

fn matrix_inline(rows: &[Vec<String>]) -> String {
    let r: Vec<String> = rows
        .iter()
        .map(|row| format!("[{}]", row.join(", ")))
        .collect();
    format!("[{}]", r.join(", "))
}

fn f64_matrix(rows: &[Vec<f64>]) -> String {
    let r: Vec<String> = rows
        .iter()
        .map(|row| {
            let cells: Vec<String> = row.iter().map(|x| format!("{x:.6}")).collect();
            format!("[{}]", cells.join(", "))
        })
        .collect();
    format!("[{}]", r.join(", "))
}

fn stratum_header(s: &StratumReport, n: usize, m: usize) -> String {
    let st = &s.stratum;
    if st.rank == 0 {
        return "rank 0: the origin A = 0, B = 0 (orbit dimension 0)".into();
    }
    let count = match st.complex_solutions {
        Some(c) => {
            let mut t = format!("{c} complex solution(s)");
            if let Some(b) = st.bezout_bound {
                let _ = write!(t, " (Bézout bound {b})");
            }
            t
        }
        None => "complex solutions not determined".into(),
    };
    let psd = st.real_solutions.iter().filter(|r| r.psd).count();
    let realizable = if st.rank <= n {
        format!("orbit dimension nr − r(r+1)/2 = {}", st.orbit_dimension)
    } else {
        format!("rank > n = {n}: no A with AᵀA = S")
    };
    let _ = m;
    if let crate::variety::strata::StratumStatus::Decomposed {
        dimension,
        isolated,
        families,
        undecided,
        ..
    } = st.status
    {
        let undecided = if undecided > 0 {
            format!(", {undecided} real solution(s) with undecided family dimension")
        } else {
            String::new()
        };
        return format!(
            "rank {}: positive-dimensional (dimension {dimension}), decomposed: {} real critical point(s), {psd} PSD → {isolated} isolated solution(s) and {families} famil{}{undecided} → {} equilibrium component(s); {realizable}",
            st.rank,
            st.real_solutions.len(),
            if families == 1 { "y" } else { "ies" },
            s.components.len()
        );
    }
    if st.complex_solutions.is_none() {
        // Never "0 components" for a stratum that was not resolved.
        return format!(
            "rank {}: not resolved ({count}): its equilibrium components are unknown; {realizable}",
            st.rank
        );
    }
    let completeness = if st.exact {
        "complete, certified"
    } else {
        "complete up to counts modulo primes"
    };
    format!(
        "rank {}: {count}, {} real, {psd} positive semidefinite → {} equilibrium component(s) ({completeness}); {realizable}",
        st.rank,
        st.real_solutions.len(),
        s.components.len()
    )
}

fn solution_line(sol: &RealSolution) -> String {
    let s = match &sol.s_exact {
        Some(e) => format!("S = {} (exact)", matrix_inline(e)),
        None => format!(
            "S = {} (each entry within {:.0e})",
            matrix_inline(&sol.s_digits),
            sol.s_error.max(f64::MIN_POSITIVE)
        ),
    };
    let eig: Vec<String> = sol.eigenvalues.iter().map(|x| format!("{x:.6}")).collect();
    let family = match (sol.local_dimension, sol.family_dimension) {
        (None, _) => String::new(),
        (Some(l), Some(0)) => format!("; isolated ({})", dimension_evidence(&l)),
        (Some(l), Some(d)) => format!(
            "; on family #{} of dimension {d} ({})",
            sol.family.map_or(0, |k| k + 1),
            dimension_evidence(&l)
        ),
        (Some(l), None) => format!(
            "; family dimension undecided (between {} and {}, {})",
            l.orbit,
            l.tangent,
            dimension_evidence(&l)
        ),
    };
    format!(
        "tr S = {:.6}; {s}; eigenvalues of S [{}]{family}{}",
        sol.trace,
        eig.join(", "),
        if sol.psd {
            ""
        } else {
            "; not PSD: no equilibrium"
        }
    )
}

fn component_lines(c: &Component, alpha: f64, detailed: bool, out: &mut String) {
    if detailed {
        for v in &c.verdicts {
            let _ = writeln!(
                out,
                "      {:<22} {:<24} {:<8} {}",
                v.dynamics.to_string(),
                v.verdict.as_str(),
                v.level.as_str(),
                v.detail
            );
        }
    } else {
        // One verdict per dynamics, at the best level available.
        let mut best: Vec<&crate::analysis::characterize::DynamicsVerdict> = Vec::new();
        for v in &c.verdicts {
            match best.iter_mut().find(|b| b.dynamics == v.dynamics) {
                Some(b) if v.level > b.level => *b = v,
                Some(_) => {}
                None => best.push(v),
            }
        }
        let parts: Vec<String> = best
            .iter()
            .map(|v| {
                format!(
                    "{} {} ({})",
                    v.dynamics,
                    v.verdict.as_str(),
                    v.level.as_str()
                )
            })
            .collect();
        let _ = writeln!(out, "      {}", parts.join(" · "));
    }
    for why in &c.unproved_verdicts {
        let _ = writeln!(out, "      not proved: {why}");
    }
    let mut steps = Vec::new();
    match (c.sg_eta_max, &c.sg_eta_bracket) {
        (_, Some((lo, hi))) => steps.push(format!(
            "SG map stable exactly for η ≤ {lo}, not at {hi} (exact)"
        )),
        (Some(e), None) if e > 0.0 => steps.push(format!("SG map stable for η < {e:.6} (numeric)")),
        (Some(_), None) => steps.push("no step size makes the SG map stable".into()),
        (None, None) => steps.push("SG map step range not computed".into()),
    }
    if let Some((e, resumes)) = c.ema_eta_max
        && e > 0.0
    {
        steps.push(format!(
            "EMA map (α = {alpha}) stable for η < {e:.6}{} (numeric)",
            if resumes {
                ", and again at larger η"
            } else {
                ""
            }
        ));
    }
    let _ = writeln!(
        out,
        "      {}; ‖∇Ē‖ = {:.4} at the representative (SG field {:.1e} in floating point)",
        steps.join("; "),
        c.grad_ebar,
        c.field_norm
    );
    if detailed {
        let _ = writeln!(out, "      A = {}", f64_matrix(&c.a));
        let _ = writeln!(out, "      B = {}", f64_matrix(&c.b));
        if let Some(crate::analysis::characterize::RationalPoint { a, b }) = &c.rational_point {
            let _ = writeln!(
                out,
                "      exact point: A = {}, B = {}",
                matrix_inline(a),
                matrix_inline(b)
            );
        }
    }
}

/// The readable characterization.
pub fn render_text(c: &Characterization, detailed: bool) -> String {
    let mut out = String::new();
    header_text(c, detailed, &mut out);
    for s in &c.strata {
        stratum_text(s, &c.instance, c.config.alpha, detailed, &mut out);
    }
    if !c.not_computed.is_empty() {
        let _ = writeln!(out, "not computed: {}", c.not_computed.join("; "));
    }
    let _ = writeln!(out, "existence: {}", c.existence);
    if let Some(cf) = &c.closed_form {
        closed_form_text(cf, detailed, &mut out);
    }
    if let Some(d) = &c.scalar {
        scalar_text(d, &mut out);
    }
    varieties_text(&c.variety, detailed, &mut out);
    out
}

/// The instance line, what the equilibria are, and whether the identities
/// behind the S-equation hold on this instance.
fn header_text(c: &Characterization, detailed: bool, out: &mut String) {
    let i = &c.instance;
    let _ = writeln!(
        out,
        "ssl-equilibria characterize {}: n = {}, m = {}, λ = {} ({:.2} s)",
        i.name, i.n, i.m, i.lambda, c.seconds
    );
    let _ = writeln!(
        out,
        "SG equilibria (and EMA ones with C = A) are the orbits {{(A, B(A)) : AᵀA = S}}, B(A) = A·Myx·Aᵀ(A·Mxx·Aᵀ + λI)⁻¹, over the real PSD solutions S of S·G(S) = 0 of rank r ≤ n."
    );
    if let Some(p) = &c.s_equation_identities {
        let _ = writeln!(
            out,
            "identities on this instance's data: {}{}",
            match p.status {
                crate::analysis::characterize::IdentityStatus::Proved => "hold",
                crate::analysis::characterize::IdentityStatus::Refuted => "FAIL",
                crate::analysis::characterize::IdentityStatus::Partial => "partly proved",
                crate::analysis::characterize::IdentityStatus::Errored =>
                    "not proved (the proof errored)",
            },
            if detailed {
                format!(" — {}", p.detail)
            } else {
                " (membership λ·S·G(S) ∈ ⟨P, Q⟩ and the converse; --details shows them)".into()
            }
        );
    }
}

/// One stratum: its header and method, then each real solution with the
/// verdicts of its equilibrium component (once per family).
fn stratum_text(
    s: &StratumReport,
    i: &crate::model::InstanceRecord,
    alpha: f64,
    detailed: bool,
    out: &mut String,
) {
    let _ = writeln!(out, "{}", stratum_header(s, i.n, i.m));
    if s.stratum.rank > 0 {
        let _ = writeln!(out, "    {}", s.stratum.method);
        if detailed {
            if let Some(f) = &s.stratum.separating_form {
                let _ = writeln!(out, "    t = {f}");
            }
            if let Some(p) = &s.stratum.minimal_polynomial {
                let _ = writeln!(out, "    χ(t) = {p}");
            }
            if let Some(hs) = &s.stratum.numerators {
                for (v, h) in hs {
                    let _ = writeln!(out, "    {v} = ({h})/χ'(t)");
                }
            }
        }
    }
    let mut comps = s.components.iter();
    let mut shown: Vec<usize> = Vec::new();
    for (k, sol) in s.stratum.real_solutions.iter().enumerate() {
        let _ = writeln!(out, "  [{}] {}", k + 1, solution_line(sol));
        if detailed {
            let _ = writeln!(
                out,
                "      t ∈ ({}, {}]",
                sol.t_interval.0, sol.t_interval.1
            );
        }
        if let Some(f) = sol.family
            && sol.psd
        {
            // Another point of a family already shown: same verdicts.
            if shown.contains(&f) {
                let _ = writeln!(out, "      (another point of family #{})", f + 1);
                continue;
            }
            shown.push(f);
        }
        if sol.psd
            && sol.orbit_dimension.is_some()
            && let Some(comp) = comps.next()
        {
            if let Some(d) = comp.family_dimension.filter(|&d| d > 0) {
                let _ = writeln!(
                    out,
                    "      equilibria over the family: dimension {} + {d} = {} (orbit + family); stability modulo that tangent space",
                    comp.orbit_dimension,
                    comp.orbit_dimension + d
                );
                let _ = writeln!(out, "      {}", family_facts(comp, d));
            }
            component_lines(comp, alpha, detailed, out);
        }
    }
}

/// The closed form for commuting moments and how the general machinery
/// compares with it.
fn closed_form_text(cf: &ClosedFormCheck, detailed: bool, out: &mut String) {
    let pairs: Vec<String> = cf
        .form
        .pairs
        .iter()
        .map(|p| {
            let roots: Vec<String> = p.roots.iter().map(|x| format!("{x:.6}")).collect();
            format!(
                "(ρ, τ) = ({}, {}) ×{}: roots of (ρs + λ)² = τ²s [{}]",
                p.rho,
                p.tau,
                p.multiplicity,
                roots.join(", ")
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "commuting moments, closed form: {}; {} famil{} of solutions commuting with the data (dimension Σ_j [m_j(m_j−1) − Σ k(k−1)]/2)",
        pairs.join("; "),
        cf.form.families.len(),
        if cf.form.families.len() == 1 {
            "y"
        } else {
            "ies"
        }
    );
    if detailed {
        for f in &cf.form.families {
            let e: Vec<String> = f.eigenvalues.iter().map(|x| format!("{x:.6}")).collect();
            let _ = writeln!(
                out,
                "    rank {}: eigenvalues [{}], dimension {}",
                f.rank,
                e.join(", "),
                f.dimension
            );
        }
    }
    let _ = writeln!(
        out,
        "    the general machinery {}: {} matched, {} missing, {} unexpected; {} component(s) do not commute with the data{}",
        if cf.agrees { "agrees" } else { "DISAGREES" },
        cf.matched,
        cf.missing.len(),
        cf.unexpected.len(),
        cf.non_aligned,
        if cf.agrees {
            String::new()
        } else {
            format!(
                " (missing: {}; unexpected: {})",
                cf.missing.join("; "),
                cf.unexpected.join("; ")
            )
        }
    );
}

/// The symbolic derivation of the scalar case.
fn scalar_text(d: &ScalarDerivation, out: &mut String) {
    let _ = writeln!(
        out,
        "scalar case derived (ρ, τ, λ symbolic; Gröbner basis and factorizations):"
    );
    let _ = writeln!(out, "    eliminated: {}", d.eliminated.join("; "));
    let _ = writeln!(
        out,
        "    sphere polynomial in s = ‖a‖²: {}",
        d.sphere_polynomial
    );
    let _ = writeln!(
        out,
        "    discriminant {} = {}·{}",
        d.discriminant,
        d.discriminant_constant,
        d.discriminant_factors
            .iter()
            .map(|(f, k)| if *k > 1 {
                format!("({f})^{k}")
            } else {
                format!("({f})")
            })
            .collect::<Vec<_>>()
            .join("·")
    );
    let _ = writeln!(out, "    Δ = {}  (real spheres iff Δ ≥ 0)", d.delta);
    let _ = writeln!(out, "    with Δ = δ²: {}", d.radii.join(", "));
}

/// Dimension and degree of the whole varieties, or why they were not
/// computed.
fn varieties_text(variety: &WholeVarietyReport, detailed: bool, out: &mut String) {
    if variety.systems.is_empty() {
        if let Some(n) = &variety.note {
            let _ = writeln!(out, "whole varieties: {n}");
        }
    } else {
        let _ = writeln!(out, "whole varieties (complex points):");
        for v in &variety.systems {
            let _ = writeln!(
                out,
                "    {:<28} {:>2} unknowns: dimension {}, degree {}{}",
                v.system.describe(),
                v.unknowns,
                v.dimension.map_or("?".into(), |d| d.to_string()),
                v.degree.map_or("?".into(), |d| d.to_string()),
                if detailed {
                    format!(" — {}", v.method)
                } else {
                    String::new()
                }
            );
        }
    }
}

/// The count table as text.
pub fn render_counts(rows: &[CountRow]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "complex solutions of the S-system G(S) = 0 (m(m+1)/2 quadrics) on random instances (λ = 1/20)"
    );
    let _ = writeln!(
        out,
        "{:>2} {:>5} {:>8} {:>8} {:>9} {:>6} {:>5} {:>8}  evidence",
        "m", "seed", "unknowns", "Bézout", "solutions", "dist.", "real", "PD"
    );
    for r in rows {
        let _ = writeln!(
            out,
            "{:>2} {:>5} {:>8} {:>8} {:>9} {:>6} {:>5} {:>8}  {}; {:.2} s in all",
            r.m,
            r.seed,
            r.unknowns,
            r.bezout,
            r.count.map_or("?".into(), |c| c.to_string()),
            r.distinct.map_or("?", |d| if d { "yes" } else { "no" }),
            r.real.map_or("–".into(), |c| c.to_string()),
            r.positive_definite.map_or("–".into(), |c| c.to_string()),
            r.evidence,
            r.seconds
        );
    }
    // The observation: per m, the counts seen.
    let mut ms: Vec<usize> = rows.iter().map(|r| r.m).collect();
    ms.dedup();
    let obs: Vec<String> = ms
        .iter()
        .map(|&m| {
            let mut counts: Vec<String> = rows
                .iter()
                .filter(|r| r.m == m)
                .map(|r| r.count.map_or("?".into(), |c| c.to_string()))
                .collect();
            counts.sort();
            counts.dedup();
            let bez = rows.iter().find(|r| r.m == m).map_or(0, |r| r.bezout);
            format!("m = {m}: {} (Bézout {bez})", counts.join(" or "))
        })
        .collect();
    let _ = writeln!(out, "observed: {}", obs.join("; "));
    out
}

fn tex(s: &str) -> String {
    s.replace('\\', "\\textbackslash{}")
        .replace('_', "\\_")
        .replace('&', "\\&")
        .replace('%', "\\%")
        .replace('#', "\\#")
        .replace('{', "\\{")
        .replace('}', "\\}")
        .replace('^', "\\^{}")
}

/// The characterization as a LaTeX document (compile with lualatex or
/// xelatex: the text has Unicode symbols).
pub fn render_latex(c: &Characterization) -> String {
    let mut out = String::new();
    let i = &c.instance;
    let _ = writeln!(out, "% ssl-equilibria characterize {}", i.name);
    let _ = writeln!(
        out,
        "\\documentclass{{article}}\n\\usepackage{{amsmath}}\n\\usepackage{{fontspec}}\n\\usepackage[margin=2cm]{{geometry}}\n\\begin{{document}}"
    );
    let _ = writeln!(
        out,
        "\\section*{{Equilibria of {}: $n = {}$, $m = {}$, $\\lambda = {}$}}",
        tex(&i.name),
        i.n,
        i.m,
        i.lambda
    );
    let _ = writeln!(
        out,
        "\\[ M_{{xx}} = {}, \\quad M_{{yx}} = {}, \\quad M_{{yy}} = {} \\]",
        tex_matrix(&i.mxx.to_string_rows()),
        tex_matrix(&i.myx.to_string_rows()),
        tex_matrix(&i.myy.to_string_rows())
    );
    for s in &c.strata {
        stratum_latex(s, i, &mut out);
    }
    let _ = writeln!(
        out,
        "\\subsection*{{Existence}}\n{}\\par",
        tex(&c.existence)
    );
    if !c.variety.systems.is_empty() {
        let _ = writeln!(
            out,
            "\\subsection*{{Whole varieties}}\n\\begin{{tabular}}{{lrrr}}\nsystem & unknowns & dimension & degree \\\\ \\hline"
        );
        for v in &c.variety.systems {
            let _ = writeln!(
                out,
                "{} & {} & {} & {} \\\\",
                tex(v.system.describe()),
                v.unknowns,
                v.dimension.map_or("?".into(), |d| d.to_string()),
                v.degree.map_or("?".into(), |d| d.to_string())
            );
        }
        let _ = writeln!(out, "\\end{{tabular}}");
    }
    let _ = writeln!(out, "\\end{{document}}");
    out
}

/// A matrix of entries (already LaTeX) as a `pmatrix`.
fn tex_matrix(rows: &[Vec<String>]) -> String {
    let body: Vec<String> = rows.iter().map(|r| r.join(" & ")).collect();
    format!(
        "\\begin{{pmatrix}} {} \\end{{pmatrix}}",
        body.join(" \\\\ ")
    )
}

/// One stratum as a LaTeX subsection: its header, method and the real
/// solutions with the verdicts of their components.
fn stratum_latex(s: &StratumReport, i: &crate::model::InstanceRecord, out: &mut String) {
    let _ = writeln!(out, "\\subsection*{{Rank {}}}", s.stratum.rank);
    let _ = writeln!(out, "{}\\par", tex(&stratum_header(s, i.n, i.m)));
    if s.stratum.rank > 0 {
        let _ = writeln!(out, "\\noindent {}\\par", tex(&s.stratum.method));
    }
    let mut comps = s.components.iter();
    let _ = writeln!(out, "\\begin{{enumerate}}");
    for sol in &s.stratum.real_solutions {
        let body = sol.s_exact.clone().unwrap_or_else(|| sol.s_digits.clone());
        let _ = write!(
            out,
            "\\item $S = {}$, $\\operatorname{{tr}} S = {:.6}$",
            tex_matrix(&body),
            sol.trace
        );
        if !sol.psd {
            let _ = write!(out, " (not PSD: no equilibrium)");
        }
        if sol.psd
            && sol.orbit_dimension.is_some()
            && let Some(comp) = comps.next()
        {
            let _ = writeln!(out, "\n\\begin{{itemize}}");
            for v in &comp.verdicts {
                let _ = writeln!(
                    out,
                    "\\item {}: {} ({})",
                    tex(&v.dynamics.to_string()),
                    tex(v.verdict.as_str()),
                    v.level.as_str()
                );
            }
            let _ = writeln!(out, "\\end{{itemize}}");
        } else {
            let _ = writeln!(out);
        }
    }
    let _ = writeln!(out, "\\end{{enumerate}}");
}

/// How a local dimension was obtained, for the text report.
fn dimension_evidence(l: &crate::variety::families::LocalDimension) -> String {
    match l.prime {
        Some(p) => {
            format!("exact: orbit and tangent ranks modulo the prime {p} at the exact point")
        }
        None => "numeric: singular values".into(),
    }
}

/// The family's real PSD dimension, degree and defining equations, for the
/// text report.
fn family_facts(comp: &crate::analysis::characterize::Component, d: usize) -> String {
    use crate::variety::family_degree::FamilyDegree;
    let level = comp
        .family_dimension_level
        .map_or("not decided", |l| l.as_str());
    let degree = match &comp.family_degree {
        Some(FamilyDegree::Exact {
            degree,
            section_bound,
        }) => format!(
            "degree {degree} (exact: the product of its orbits' degrees{})",
            match section_bound {
                Some(b) if b == degree => "; a modular linear section also counts it".to_string(),
                Some(b) => format!("; a modular linear section bounds it by {b}"),
                None => String::new(),
            }
        ),
        Some(FamilyDegree::AtMost { bound, primes }) => format!(
            "degree at most {bound} (modular: points of a generic linear section, modulo {} and {})",
            primes[0],
            primes.get(1).copied().unwrap_or(primes[0])
        ),
        Some(FamilyDegree::NotComputed { why }) => format!("degree not computed: {why}"),
        None => "degree not computed".into(),
    };
    let equations = match (&comp.orbit_equations, &comp.orbit_equations_not_proved) {
        (Some(eq), _) => {
            let spaces: Vec<String> = eq
                .spaces
                .iter()
                .map(|sp| {
                    format!(
                        "on the joint eigenspace (ρ, τ) = ({}, {}) of dimension {}: {}",
                        sp.rho,
                        sp.tau,
                        sp.basis.len(),
                        sp.coefficients.join(", ")
                    )
                })
                .collect();
            let invariant = if eq.spaces.len() > 1 {
                "S maps each joint eigenspace of (Mxx, Myx) into itself, and "
            } else {
                ""
            };
            format!(
                "cut out exactly, over the reals, by: {invariant}{}{} (proved; `orbit_equations` in JSON)",
                spaces.join("; "),
                eq.field
                    .as_ref()
                    .map_or(String::new(), |f| format!(", {f}"))
            )
        }
        (None, why) => format!(
            "the stratum equations and the coefficients of the characteristic polynomials of S, S + Mxx and S + (Myx + Myxᵀ)/2 at this S vanish on it (over Q(t₀); `defining_equations` in JSON); that they cut out nothing else is not proved{}",
            why.as_ref().map_or(String::new(), |w| format!(": {w}"))
        ),
    };
    format!(
        "family: complex dimension {d} ({level}), real PSD part of dimension {} (its symmetry orbit), {degree}; {equations}",
        comp.real_psd_dimension.unwrap_or(d)
    )
}

//! The dynamics of SPEC §2 and their equilibrium conditions as polynomial
//! systems over Q, built on Symbolica from the generic formulas of
//! [`crate::model::formula`].
//!
//! Variables are named after the entries: `a_i_j` (A, n×m), `b_i_j` (B, n×n),
//! `c_i_j` (C, n×m), `s_i_j` (S = AᵀA, i ≤ j), 1-based. With symbolic data the
//! parameters are `mxx_i_j` and `myy_i_j` (i ≤ j: the matrices are symmetric),
//! `myx_i_j` and `lambda`; the EMA field adds `kappa`, the discrete maps `eta`
//! and `alpha`. Polynomials are stored expanded, as text in Symbolica's input
//! syntax (`*`, `^`, rationals `p/q`), so systems can be passed between
//! threads, serialized and exported without touching Symbolica.

use std::fmt;

use serde::Serialize;

use super::expr::{Sym, var_matrix, var_name};
use super::with_symbolica;
use crate::error::{Error, Result};
use crate::model::formula::{Mat, ModelData, Scalar, s_equation};
use crate::model::{Instance, Procedure};

/// Largest `n` and `m` for which systems are built (the number of terms grows
/// quickly; the whole-variety methods of later modules need far less).
pub const MAX_SYSTEM_DIMENSION: usize = 6;

/// Which polynomial system.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SystemKind {
    /// SG equilibria: `P(A,B,A) = 0`, `Q(A,B,A) = 0`.
    SgEquilibrium,
    /// EMA equilibria: `P(A,B,C) = 0`, `Q(A,B,C) = 0`, `A − C = 0`.
    EmaEquilibrium,
    /// Critical points of Ē: `∇_A Ē = 0`, `∇_B Ē = 0`.
    GdCritical,
    /// The S-equation `(Mxx S + λI)(S Mxx + λI) − Mxy S Myx = 0`, entries i ≤ j.
    SEquation,
    /// The continuous-time field of a procedure (one polynomial per variable:
    /// its time derivative; EMA with the rate `kappa`).
    Field(Procedure),
    /// The discrete map of a procedure (one polynomial per variable: its next
    /// value; step `eta`, EMA with `alpha`).
    Map(Procedure),
}

impl SystemKind {
    /// The equilibrium-type systems, by their command-line names.
    pub const EQUATIONS: [(&'static str, SystemKind); 4] = [
        ("sg-equilibrium", SystemKind::SgEquilibrium),
        ("ema-equilibrium", SystemKind::EmaEquilibrium),
        ("gd-critical", SystemKind::GdCritical),
        ("s-equation", SystemKind::SEquation),
    ];

    /// Parses a command-line name of an equation system.
    pub fn parse(name: &str) -> Result<Self> {
        Self::EQUATIONS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, k)| *k)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::EQUATIONS.iter().map(|(n, _)| *n).collect();
                Error::param("system", name, &format!("one of {}", names.join(", ")))
            })
    }

    /// Whether the polynomials are equations `p = 0` (rather than the
    /// components of a field or map).
    pub fn is_equations(self) -> bool {
        !matches!(self, SystemKind::Field(_) | SystemKind::Map(_))
    }
}

impl fmt::Display for SystemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SystemKind::Field(p) => write!(f, "{}-field", p.short()),
            SystemKind::Map(p) => write!(f, "{}-map", p.short()),
            k => {
                let name = Self::EQUATIONS
                    .iter()
                    .find(|(_, x)| x == k)
                    .map_or("?", |(n, _)| n);
                f.write_str(name)
            }
        }
    }
}

/// Where the coefficients come from.
#[derive(Clone, Debug)]
pub enum Data {
    /// A validated rational instance: polynomials in the parameters only.
    Instance(Instance),
    /// Symbolic moments and λ of shape (n, m): identities for all data.
    Symbolic {
        /// Embedding dimension.
        n: usize,
        /// Data dimension.
        m: usize,
    },
}

impl Data {
    /// `(n, m)`.
    pub fn shape(&self) -> (usize, usize) {
        match self {
            Data::Instance(i) => (i.n(), i.m()),
            Data::Symbolic { n, m } => (*n, *m),
        }
    }

    /// The instance name, or `symbolic`.
    pub fn label(&self) -> String {
        match self {
            Data::Instance(i) => i.name().to_owned(),
            Data::Symbolic { .. } => "symbolic".to_owned(),
        }
    }

    pub(crate) fn check(&self) -> Result<()> {
        let (n, m) = self.shape();
        if n == 0 || m == 0 || n > MAX_SYSTEM_DIMENSION || m > MAX_SYSTEM_DIMENSION {
            return Err(Error::param(
                "shape",
                format!("n = {n}, m = {m}"),
                &format!("1 ≤ n, m ≤ {MAX_SYSTEM_DIMENSION} for polynomial systems"),
            ));
        }
        Ok(())
    }

    /// The moments and λ as expressions, with the names of the symbolic
    /// parameters (none for an instance). Worker thread only.
    pub(crate) fn model_data(&self) -> Result<(ModelData<Sym>, Vec<String>)> {
        match self {
            Data::Instance(inst) => Ok((ModelData::from_instance(inst), Vec::new())),
            Data::Symbolic { m, .. } => {
                let m = *m;
                let mxx = var_matrix("mxx", m, m, true)?;
                let myx = var_matrix("myx", m, m, false)?;
                let myy = var_matrix("myy", m, m, true)?;
                let mut params = Vec::new();
                for (prefix, sym) in [("mxx", true), ("myx", false), ("myy", true)] {
                    for i in 0..m {
                        for j in 0..m {
                            if !sym || i <= j {
                                params.push(var_name(prefix, i, j));
                            }
                        }
                    }
                }
                params.push("lambda".into());
                let data = ModelData {
                    mxx,
                    myx,
                    myy,
                    lambda: Sym::var("lambda")?,
                };
                Ok((data, params))
            }
        }
    }
}

/// One polynomial of a system, with a label saying where it comes from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Equation {
    /// E.g. `P[1,2]` (entry of the field P), `d a_1_2/dt`, `a_1_2⁺`.
    pub label: String,
    /// The expanded polynomial in Symbolica's input syntax.
    pub polynomial: String,
}

/// A polynomial system over Q: equations `p = 0`, or the components of a
/// field or map.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PolynomialSystem {
    /// Which system.
    pub kind: SystemKind,
    /// Embedding dimension.
    pub n: usize,
    /// Data dimension.
    pub m: usize,
    /// Instance name, or `symbolic`.
    pub data: String,
    /// The unknowns, in a fixed order (A, B, C column by column of names
    /// `a_i_j` in row-major order; S upper triangle).
    pub variables: Vec<String>,
    /// The symbolic parameters (moments, λ, κ, η, α), if any.
    pub parameters: Vec<String>,
    /// The polynomials.
    pub equations: Vec<Equation>,
}

impl PolynomialSystem {
    /// Builds the system `kind` for `data` (on the Symbolica worker thread).
    pub fn build(kind: SystemKind, data: &Data) -> Result<Self> {
        data.check()?;
        let data = data.clone();
        with_symbolica(move || build_on_worker(kind, &data))?
    }

    /// Total number of terms of all polynomials (a size measure).
    pub fn term_count(&self) -> usize {
        self.equations
            .iter()
            .map(|e| count_terms(&e.polynomial))
            .sum()
    }
}

/// Number of top-level terms of an expanded polynomial in Symbolica's syntax.
pub(crate) fn count_terms(p: &str) -> usize {
    let mut depth = 0i32;
    let mut count = 1;
    let mut prev = ' ';
    for (k, ch) in p.chars().enumerate() {
        match ch {
            '(' => depth += 1,
            ')' => depth -= 1,
            '+' | '-' if depth == 0 && k > 0 && prev != '^' && prev != '*' && prev != '/' => {
                count += 1
            }
            _ => {}
        }
        if !ch.is_whitespace() {
            prev = ch;
        }
    }
    if p.trim() == "0" { 0 } else { count }
}

/// The unknowns `A`, `B` and (for EMA) `C` as variable matrices, and their
/// names in order.
pub(crate) struct Unknowns {
    pub(crate) a: Mat<Sym>,
    pub(crate) b: Mat<Sym>,
    pub(crate) c: Option<Mat<Sym>>,
    pub(crate) names: Vec<String>,
}

pub(crate) fn unknowns(n: usize, m: usize, teacher: bool) -> Result<Unknowns> {
    let a = var_matrix("a", n, m, false)?;
    let b = var_matrix("b", n, n, false)?;
    let c = if teacher {
        Some(var_matrix("c", n, m, false)?)
    } else {
        None
    };
    let mut names = Vec::new();
    let mut push = |prefix: &str, rows: usize, cols: usize| {
        for i in 0..rows {
            for j in 0..cols {
                names.push(var_name(prefix, i, j));
            }
        }
    };
    push("a", n, m);
    push("b", n, n);
    if teacher {
        push("c", n, m);
    }
    Ok(Unknowns { a, b, c, names })
}

fn entries(label: &str, m: &Mat<Sym>, out: &mut Vec<Equation>) {
    for i in 0..m.nrows() {
        for j in 0..m.ncols() {
            out.push(Equation {
                label: format!("{label}[{},{}]", i + 1, j + 1),
                polynomial: m.get(i, j).expanded().0.to_string(),
            });
        }
    }
}

fn components(
    names: &[String],
    labels: impl Fn(&str) -> String,
    mats: &[&Mat<Sym>],
) -> Vec<Equation> {
    let values = mats.iter().flat_map(|m| m.entries().iter());
    names
        .iter()
        .zip(values)
        .map(|(name, v)| Equation {
            label: labels(name),
            polynomial: v.expanded().0.to_string(),
        })
        .collect()
}

fn build_on_worker(kind: SystemKind, data: &Data) -> Result<PolynomialSystem> {
    let (n, m) = data.shape();
    let (md, mut parameters) = data.model_data()?;
    let (variables, equations) = match kind {
        SystemKind::SgEquilibrium | SystemKind::GdCritical | SystemKind::EmaEquilibrium => {
            critical_equations(kind, &md, n, m)?
        }
        SystemKind::SEquation => s_equations(&md, m)?,
        SystemKind::Field(proc) => {
            let u = unknowns(n, m, proc.has_teacher())?;
            let (va, vb, vc) = velocity(&md, proc, &u, &mut parameters)?;
            let mut mats = vec![&va, &vb];
            if let Some(vc) = &vc {
                mats.push(vc);
            }
            let equations = components(&u.names, |x| format!("d{x}/dt"), &mats);
            (u.names, equations)
        }
        SystemKind::Map(proc) => map_equations(proc, &md, n, m, &mut parameters)?,
    };
    Ok(PolynomialSystem {
        kind,
        n,
        m,
        data: data.label(),
        variables,
        parameters,
        equations,
    })
}

/// The unknowns and equations of an equilibrium or critical-point system:
/// `P = Q = 0` (SG), `∇Ē = 0` (GD), or `P = Q = 0, A = C` (EMA).
fn critical_equations(
    kind: SystemKind,
    md: &ModelData<Sym>,
    n: usize,
    m: usize,
) -> Result<(Vec<String>, Vec<Equation>)> {
    let mut equations = Vec::new();
    if kind == SystemKind::EmaEquilibrium {
        let u = unknowns(n, m, true)?;
        let c =
            u.c.as_ref()
                .ok_or_else(|| Error::Computation("no teacher".into()))?;
        let (p, q) = md.student_field(&u.a, &u.b, c);
        entries("P", &p, &mut equations);
        entries("Q", &q, &mut equations);
        entries("A-C", &u.a.sub(c), &mut equations);
        return Ok((u.names, equations));
    }
    let u = unknowns(n, m, false)?;
    let (p, q) = if kind == SystemKind::SgEquilibrium {
        md.student_field(&u.a, &u.b, &u.a)
    } else {
        md.grad_ebar(&u.a, &u.b)
    };
    let (lp, lq) = if kind == SystemKind::SgEquilibrium {
        ("P", "Q")
    } else {
        ("dE/dA", "dE/dB")
    };
    entries(lp, &p, &mut equations);
    entries(lq, &q, &mut equations);
    Ok((u.names, equations))
}

/// The S-equation `S·G(S) = 0` on the upper triangle of a symmetric `S`.
fn s_equations(md: &ModelData<Sym>, m: usize) -> Result<(Vec<String>, Vec<Equation>)> {
    let s = var_matrix("s", m, m, true)?;
    let e = s_equation(md, &s);
    let mut names = Vec::new();
    let mut equations = Vec::new();
    for i in 0..m {
        for j in i..m {
            names.push(var_name("s", i, j));
            equations.push(Equation {
                label: format!("S-eq[{},{}]", i + 1, j + 1),
                polynomial: e.get(i, j).expanded().0.to_string(),
            });
        }
    }
    Ok((names, equations))
}

/// The discrete map of `proc`: `A⁺ = A + η v_A`, `B⁺ = B + η v_B` and, with
/// a teacher, `C⁺ = αC + (1 − α)A⁺` (adds `eta`, `alpha` to `parameters`).
fn map_equations(
    proc: Procedure,
    md: &ModelData<Sym>,
    n: usize,
    m: usize,
    parameters: &mut Vec<String>,
) -> Result<(Vec<String>, Vec<Equation>)> {
    let u = unknowns(n, m, proc.has_teacher())?;
    let (va, vb, _) = velocity(md, proc, &u, parameters)?;
    let eta = Sym::var("eta")?;
    parameters.push("eta".into());
    let a1 = u.a.add(&va.scale(&eta));
    let b1 = u.b.add(&vb.scale(&eta));
    let mut mats = vec![a1.clone(), b1];
    if let Some(c) = &u.c {
        let alpha = Sym::var("alpha")?;
        parameters.push("alpha".into());
        let one_minus = Sym::from_int(1) - alpha.clone();
        mats.push(c.scale(&alpha).add(&a1.scale(&one_minus)));
    }
    let refs: Vec<&Mat<Sym>> = mats.iter().collect();
    let equations = components(&u.names, |x| format!("{x}+"), &refs);
    Ok((u.names, equations))
}

/// `(Ȧ, Ḃ, Ċ)` as expression matrices.
pub(crate) type Velocity = (Mat<Sym>, Mat<Sym>, Option<Mat<Sym>>);

/// The continuous-time velocity `(Ȧ, Ḃ, Ċ)` of `proc` (SPEC §2) as
/// expressions; adds `kappa` to the parameters for EMA.
pub(crate) fn velocity(
    md: &ModelData<Sym>,
    proc: Procedure,
    u: &Unknowns,
    parameters: &mut Vec<String>,
) -> Result<Velocity> {
    Ok(match proc {
        Procedure::GradientDescent => {
            let (ga, gb) = md.grad_ebar(&u.a, &u.b);
            (ga.neg(), gb.neg(), None)
        }
        Procedure::StopGradient => {
            let (p, q) = md.student_field(&u.a, &u.b, &u.a);
            (p.neg(), q.neg(), None)
        }
        Procedure::Ema => {
            let c =
                u.c.as_ref()
                    .ok_or_else(|| Error::Computation("no teacher".into()))?;
            let (p, q) = md.student_field(&u.a, &u.b, c);
            let kappa = Sym::var("kappa")?;
            parameters.push("kappa".into());
            (p.neg(), q.neg(), Some(u.a.sub(c).scale(&kappa)))
        }
    })
}

//! Symbolic verification of the claims that are polynomial identities
//! (NOT-GRADIENT, BALANCE, GD-COLLAPSE, SYMMETRY, S-EQUATION), for symbolic
//! data of a given shape (an identity for all moments and λ at once) or for
//! the rational data of one instance.
//!
//! Every polynomial is built from the generic formulas of
//! [`crate::model::formula`], the same ones the exact layer evaluates, and
//! expanded by Symbolica; "is an identity" means "expands to the zero
//! polynomial over Q".
//!
//! A [`Proof`] has one of three outcomes ([`ProofOutcome`]): proved (every
//! part of the statement shown), refuted, or partial (a named part was not
//! attempted or not expanded). Only a proved statement `holds`.
//!
//! SYMMETRY is shown for all of O(n), not at sample matrices. A rotation
//! `U ∈ SO(n)` acts on the state by `U·(A, B, C) = (UA, UBUᵀ, UC)`, and a
//! skew matrix `K` (an element of the Lie algebra so(n)) by the derivative
//! of that action, `K·(A, B, C) = (KA, KB − BK, KC)`. For each field (GD,
//! SG, EMA) and each basis element `K = E_ij − E_ji` (i < j) of so(n), the
//! infinitesimal identity `Dv(x)[K·x] = K·v(x)` (`Dv(x)[y] = Σ_s ∂v/∂x_s ·
//! y_s`) is expanded as polynomials in the state and the data. Both sides
//! are linear in K, so it holds for every skew K. Then for `U(t) =
//! exp(tK)`, `w(t) = U(t)⁻¹·v(U(t)·x)` has derivative
//! `U(t)⁻¹·(Dv(y)[K·y] − K·v(y)) = 0` at `y = U(t)·x`, so `w` is constant:
//! `v(U·x) = U·v(x)` for every `U = exp(K)`, and the exponential map of the
//! compact connected group SO(n) is onto. Conversely, differentiating the
//! equivariance along `exp(tK)` at `t = 0` gives the identity, so a field
//! that fails it is refuted. The equivariance is also checked for the
//! fixed reflection `R = diag(−1, 1, …, 1)`; since O(n) = SO(n) ∪ R·SO(n)
//! and equivariances compose (`v(RVA, …) = R·v(VA, …) = RV·v(A, …)`), it
//! holds on O(n). The identity is small (linear in K, one basis element
//! at a time): every shape that `verify` proves (n, m ≤ 4) is expanded in
//! well under a second.
//!
//! The converse of S-EQUATION is expanded in two small steps (see
//! `s_equation_converse`): the matrix algebra in A with the adjugate and
//! determinant of `N = S·Mxx + λI` as free symbols, and an identity in a
//! symmetric matrix S of free symbols. Where it is not expanded
//! ([`converse_feasible`]) the proof is partial.

use std::time::{Duration, Instant};

use num_rational::BigRational;
use serde::Serialize;

use super::expr::{Sym, var_matrix};
use super::system::{Data, Unknowns, Velocity, count_terms, unknowns, velocity};
use super::with_symbolica;
use crate::error::{Error, Result};
use crate::model::formula::{
    Mat, ModelData, Scalar, adjugate, balance, balance_rate, determinant, s_equation,
};
use crate::model::{Instance, Procedure};

/// Largest `n` and `m` for which the identities are proved with symbolic
/// data (the default range of `verify` is n, m ≤ [`DEFAULT_PROOF_DIMENSION`]).
pub const MAX_PROOF_DIMENSION: usize = 4;
/// Shapes `1 ≤ n, m ≤ 3` are proved by `verify` unless told otherwise.
pub const DEFAULT_PROOF_DIMENSION: usize = 3;

/// The claims proved here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING-KEBAB-CASE")]
pub enum Identity {
    /// The SG and EMA Jacobians are not symmetric; the GD one is.
    NotGradient,
    /// `d/dt(AAᵀ − BᵀB) + 2λ(AAᵀ − BᵀB) = 0` for SG and EMA, not for GD.
    Balance,
    /// The Euler identity and the sum of squares behind GD-COLLAPSE.
    GdCollapse,
    /// O(n)-equivariance of the three fields.
    Symmetry,
    /// Both directions of the (generalized) S-equation: the ideal membership
    /// `λ·S·G(S) ∈ ⟨P, Q⟩` and the converse `P(A, B(A), A) = λ A N⁻ᵀ G(S) N⁻¹`,
    /// `Q(A, B(A), A) = 0` with `N = S Mxx + λI`.
    SEquation,
}

impl Identity {
    /// All four, in registry order.
    pub const ALL: [Identity; 5] = [
        Identity::NotGradient,
        Identity::Balance,
        Identity::Symmetry,
        Identity::GdCollapse,
        Identity::SEquation,
    ];
}

/// A named polynomial shown as evidence (a non-zero difference, a residual).
#[derive(Clone, Debug, Serialize)]
pub struct Witness {
    /// What the polynomial is.
    pub label: String,
    /// The expanded polynomial (Symbolica syntax), or a matrix as rows.
    pub polynomial: String,
    /// The same as LaTeX.
    pub latex: String,
    /// Its number of terms (0 for a matrix).
    pub terms: usize,
}

impl Witness {
    fn new(label: String, p: &Sym) -> Self {
        let e = p.expanded();
        let polynomial = e.0.to_string();
        let terms = count_terms(&polynomial);
        Self {
            label,
            latex: e.latex(),
            polynomial,
            terms,
        }
    }

    fn matrix(label: String, m: &Mat<Sym>) -> Self {
        let rows: Vec<String> = (0..m.nrows())
            .map(|i| {
                let r: Vec<String> = (0..m.ncols())
                    .map(|j| m.get(i, j).expanded().0.to_string())
                    .collect();
                format!("[{}]", r.join(", "))
            })
            .collect();
        let body: Vec<String> = (0..m.nrows())
            .map(|i| {
                (0..m.ncols())
                    .map(|j| m.get(i, j).expanded().latex())
                    .collect::<Vec<_>>()
                    .join(" & ")
            })
            .collect();
        Self {
            label,
            polynomial: format!("[{}]", rows.join(", ")),
            latex: format!(
                "\\begin{{pmatrix}} {} \\end{{pmatrix}}",
                body.join(" \\\\ ")
            ),
            terms: 0,
        }
    }
}

/// What a verification showed: the whole statement, a counterexample to it,
/// or only part of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "status", content = "not-shown")]
pub enum ProofOutcome {
    /// Every part of the statement was shown.
    Proved,
    /// Some part of the statement is false (a non-zero difference where an
    /// identity was claimed, an identity where a non-identity was claimed,
    /// or a failed hypothesis on an instance).
    Refuted,
    /// Every part that was attempted was shown, but the named part was not
    /// attempted or not expanded: not a proof of the statement.
    Partial(String),
}

impl ProofOutcome {
    /// Whether the whole statement was shown.
    pub fn is_proved(&self) -> bool {
        *self == ProofOutcome::Proved
    }
}

/// The outcome of one symbolic verification on one shape or instance.
#[derive(Clone, Debug, Serialize)]
pub struct Proof {
    /// Which claim.
    pub identity: Identity,
    /// Embedding dimension.
    pub n: usize,
    /// Data dimension.
    pub m: usize,
    /// `symbolic` (all data of this shape) or the instance name.
    pub data: String,
    /// Proved, refuted, or partial (with the part not shown).
    pub outcome: ProofOutcome,
    /// Exactly `outcome == ProofOutcome::Proved`: the whole statement was
    /// shown (every identity is an identity, every non-identity has a
    /// non-zero witness). A partial proof does not hold.
    pub holds: bool,
    /// What was shown, in one line.
    pub detail: String,
    /// Polynomials that carry the evidence.
    pub witnesses: Vec<Witness>,
    /// Wall time of the proof in seconds.
    pub seconds: f64,
}

/// Proves `identity` for `data` (on the Symbolica worker thread).
pub fn prove(identity: Identity, data: &Data) -> Result<Proof> {
    data.check()?;
    let (n, m) = data.shape();
    if matches!(data, Data::Symbolic { .. }) && (n > MAX_PROOF_DIMENSION || m > MAX_PROOF_DIMENSION)
    {
        return Err(Error::param(
            "shape",
            format!("n = {n}, m = {m}"),
            &format!("n, m ≤ {MAX_PROOF_DIMENSION} for proofs with symbolic data"),
        ));
    }
    let data = data.clone();
    with_symbolica(move || {
        let started = Instant::now();
        let mut proof = match identity {
            Identity::NotGradient => not_gradient(&data),
            Identity::Balance => balance_proof(&data),
            Identity::GdCollapse => gd_collapse(&data),
            Identity::Symmetry => symmetry(&data),
            Identity::SEquation => s_equation_proof(&data),
        }?;
        proof.seconds = started.elapsed().as_secs_f64();
        Ok(proof)
    })?
}

/// The proofs of the shapes done, and the shapes not attempted.
pub type ShapeProofs = (Vec<Proof>, Vec<(usize, usize)>);

/// Proofs with symbolic data for every shape `1 ≤ n, m ≤ max_dim`, in order of
/// size; shapes not started before `budget` runs out are returned as not
/// attempted.
pub fn prove_shapes(
    identity: Identity,
    max_dim: usize,
    budget: Option<Duration>,
) -> Result<ShapeProofs> {
    let mut shapes: Vec<(usize, usize)> = (1..=max_dim)
        .flat_map(|n| (1..=max_dim).map(move |m| (n, m)))
        .collect();
    shapes.sort_by_key(|&(n, m)| (n * m + n * n, n, m));
    let started = Instant::now();
    let mut proofs = Vec::new();
    let mut skipped = Vec::new();
    for (n, m) in shapes {
        if budget.is_some_and(|b| started.elapsed() > b) {
            skipped.push((n, m));
            continue;
        }
        proofs.push(prove(identity, &Data::Symbolic { n, m })?);
    }
    Ok((proofs, skipped))
}

fn proof(
    identity: Identity,
    data: &Data,
    outcome: ProofOutcome,
    detail: String,
    witnesses: Vec<Witness>,
) -> Proof {
    let (n, m) = data.shape();
    Proof {
        identity,
        n,
        m,
        data: data.label(),
        holds: outcome.is_proved(),
        outcome,
        detail,
        witnesses,
        seconds: 0.0,
    }
}

/// `Proved` if `shown`, else `Refuted`.
fn decided(shown: bool) -> ProofOutcome {
    if shown {
        ProofOutcome::Proved
    } else {
        ProofOutcome::Refuted
    }
}

fn all_zero(m: &Mat<Sym>) -> bool {
    m.entries().iter().all(Sym::is_zero)
}

/// The velocity of `proc` as one vector, in the order of `u.names`.
fn velocity_vector(md: &ModelData<Sym>, proc: Procedure, u: &Unknowns) -> Result<Vec<Sym>> {
    let (va, vb, vc) = velocity(md, proc, u, &mut Vec::new())?;
    let mut v: Vec<Sym> = va.entries().to_vec();
    v.extend_from_slice(vb.entries());
    if let Some(vc) = vc {
        v.extend_from_slice(vc.entries());
    }
    Ok(v.iter().map(Sym::expanded).collect())
}

/// Scans the pairs `i < j` of the Jacobian `∂v_i/∂x_j` for the first
/// asymmetric one; `None` if all pairs are symmetric.
fn first_asymmetry(v: &[Sym], names: &[String]) -> (usize, Option<(usize, usize, Sym)>) {
    let mut checked = 0;
    for i in 0..v.len() {
        for j in i + 1..v.len() {
            checked += 1;
            let d = v[i].derivative(&names[j]) - v[j].derivative(&names[i]);
            if !d.is_zero() {
                return (checked, Some((i, j, d.expanded())));
            }
        }
    }
    (checked, None)
}

fn not_gradient(data: &Data) -> Result<Proof> {
    let (n, m) = data.shape();
    let (md, _) = data.model_data()?;
    let mut parts = Vec::new();
    let mut witnesses = Vec::new();
    let mut holds = true;
    for proc in [
        Procedure::StopGradient,
        Procedure::Ema,
        Procedure::GradientDescent,
    ] {
        let u = unknowns(n, m, proc.has_teacher())?;
        let v = velocity_vector(&md, proc, &u)?;
        let (checked, asym) = first_asymmetry(&v, &u.names);
        let name = proc.short().to_uppercase();
        match (proc, asym) {
            (Procedure::GradientDescent, None) => parts.push(format!(
                "GD Jacobian symmetric ({checked} pairs: a gradient, as it must be)"
            )),
            (Procedure::GradientDescent, Some((i, j, d))) => {
                holds = false;
                parts.push(format!(
                    "GD Jacobian NOT symmetric at ({}, {})",
                    u.names[i], u.names[j]
                ));
                witnesses.push(Witness::new(
                    format!("GD J[{0},{1}] - J[{1},{0}]", u.names[i], u.names[j]),
                    &d,
                ));
            }
            (_, Some((i, j, d))) => {
                let w = Witness::new(
                    format!(
                        "{name}: d(d{x}/dt)/d{y} - d(d{y}/dt)/d{x}",
                        x = u.names[i],
                        y = u.names[j]
                    ),
                    &d,
                );
                parts.push(format!(
                    "{name}: ∂v({x})/∂{y} ≠ ∂v({y})/∂{x}, difference of {t} terms",
                    x = u.names[i],
                    y = u.names[j],
                    t = w.terms
                ));
                witnesses.push(w);
            }
            (_, None) => {
                holds = false;
                parts.push(format!("{name} Jacobian symmetric on all {checked} pairs"));
            }
        }
    }
    Ok(proof(
        Identity::NotGradient,
        data,
        decided(holds),
        parts.join("; "),
        witnesses,
    ))
}

fn balance_proof(data: &Data) -> Result<Proof> {
    let (n, m) = data.shape();
    let (md, _) = data.model_data()?;
    let two_lambda = Sym::from_int(2) * md.lambda.clone();
    let defect = |u: &Unknowns, proc: Procedure| -> Result<Mat<Sym>> {
        let (va, vb, _) = velocity(&md, proc, u, &mut Vec::new())?;
        Ok(balance_rate(&u.a, &u.b, &va, &vb).add(&balance(&u.a, &u.b).scale(&two_lambda)))
    };
    let u = unknowns(n, m, false)?;
    let sg = all_zero(&defect(&u, Procedure::StopGradient)?);
    let ue = unknowns(n, m, true)?;
    let ema = all_zero(&defect(&ue, Procedure::Ema)?);
    // GD: the defect is X Aᵀ + A Xᵀ with X = B A Mxy − A Myy (the extra term
    // of ∇Ē); shown as an identity, and shown to be non-zero.
    let gd = defect(&u, Procedure::GradientDescent)?;
    let x = u.b.mul(&u.a).mul(&md.mxy()).sub(&u.a.mul(&md.myy));
    let predicted = x.mul(&u.a.transpose()).add(&u.a.mul(&x.transpose()));
    let gd_formula = all_zero(&gd.sub(&predicted));
    let gd_nonzero = !all_zero(&gd);
    let holds = sg && ema && gd_formula && gd_nonzero;
    let yes = |b: bool| if b { "identity" } else { "NOT an identity" };
    let w = Witness::new(
        "GD: [d/dt(AAᵀ − BᵀB) + 2λ(AAᵀ − BᵀB)][1,1]".into(),
        gd.get(0, 0),
    );
    let detail = format!(
        "SG: {}; EMA with free C: {}; GD: defect = XAᵀ + AXᵀ with X = BAMxy − AMyy ({}), non-zero ({}; entry [1,1] has {} terms)",
        yes(sg),
        yes(ema),
        yes(gd_formula),
        if gd_nonzero { "yes" } else { "NO" },
        w.terms
    );
    Ok(proof(
        Identity::Balance,
        data,
        decided(holds),
        detail,
        vec![w],
    ))
}

fn gd_collapse(data: &Data) -> Result<Proof> {
    let (n, m) = data.shape();
    let (md, _) = data.model_data()?;
    let u = unknowns(n, m, false)?;
    let (ga, _) = md.grad_ebar(&u.a, &u.b);
    let pe = md.prediction_error(&u.a, &u.b, &u.a);
    let euler = (u.a.dot(&ga) - (pe.clone() + md.lambda.clone() * u.a.dot(&u.a))).is_zero();
    // Sum of squares: E‖BAx − Ay‖² = Σ_i w_iᵀ J w_i with w_i the i-th row of
    // W = [BA, −A] and J the joint moment matrix [[Mxx, Mxy], [Myx, Myy]];
    // the Gram matrix is I_n ⊗ J.
    let joint = joint_moments(&md);
    let ba = u.b.mul(&u.a);
    let w = Mat::from_fn(n, 2 * m, |i, j| {
        if j < m {
            ba.get(i, j).clone()
        } else {
            -u.a.get(i, j - m).clone()
        }
    });
    let gram_form = w.mul(&joint).mul(&w.transpose()).trace();
    let sos = (pe - gram_form).is_zero();
    let mut parts = vec![
        format!(
            "⟨A, ∇_A Ē⟩ = E‖BAx − Ay‖² + λ‖A‖²: {}",
            if euler { "identity" } else { "NOT an identity" }
        ),
        format!(
            "E‖BAx − Ay‖² = Σ_i w_iᵀ J w_i (w_i rows of [BA, −A], Gram matrix I_{n} ⊗ J): {}",
            if sos { "identity" } else { "NOT an identity" }
        ),
    ];
    let mut outcome = decided(euler && sos);
    match data {
        Data::Instance(inst) => instance_conclusion(inst, &mut outcome, &mut parts),
        Data::Symbolic { .. } => parts.push(
            "for valid data (J ⪰ 0) with λ > 0: every real critical point of Ē has A = 0, then B = 0, and Ē is coercive; with λ = 0 and J ≻ 0 only A = 0 at real critical points (B is free)".into(),
        ),
    }
    let gram = Witness::matrix(
        format!("Gram block J (the Gram matrix is I_{n} ⊗ J)"),
        &joint,
    );
    Ok(proof(
        Identity::GdCollapse,
        data,
        outcome,
        parts.join("; "),
        vec![gram],
    ))
}

/// The joint moment matrix `J = [[Mxx, Mxy], [Myx, Myy]]` of the data.
fn joint_moments(md: &ModelData<Sym>) -> Mat<Sym> {
    let m = md.mxx.nrows();
    Mat::from_fn(2 * m, 2 * m, |i, j| match (i < m, j < m) {
        (true, true) => md.mxx.get(i, j).clone(),
        (true, false) => md.myx.get(j - m, i).clone(),
        (false, true) => md.myx.get(i - m, j).clone(),
        (false, false) => md.myy.get(i - m, j - m).clone(),
    })
}

/// What GD-COLLAPSE concludes on an instance's data from the identities:
/// whether its hypotheses (J ⪰ 0 and λ > 0, or J ≻ 0) hold, and the
/// outcome downgraded to partial when they do not give the full statement.
fn instance_conclusion(inst: &Instance, outcome: &mut ProofOutcome, parts: &mut Vec<String>) {
    let j = inst.joint_moments();
    let psd = j.is_positive_semidefinite();
    let pd = j.positive_definite_failure().is_none();
    let lambda_pos = inst.lambda() > &BigRational::from_integer(0.into());
    parts.push(format!(
        "J ⪰ 0 exactly: {}; λ = {} > 0: {}; J ≻ 0: {}",
        psd,
        inst.lambda(),
        lambda_pos,
        pd
    ));
    if psd && lambda_pos {
        parts.push(
            "so every real critical point of Ē has A = 0, then B = 0, and Ē ≥ (λ/2)(‖A‖² + ‖B‖²) is coercive: the flow converges to (0, 0)"
                .into(),
        );
    } else if pd {
        // λ = 0: the sum of squares forces A = 0 at real critical
        // points, but every (0, B) is then critical and Ē is not
        // coercive in B, so convergence of the flow is not shown.
        parts.push(
            "with λ = 0 and J ≻ 0 every real critical point of Ē has A = 0 (B is free: every (0, B) is critical)"
                .into(),
        );
        if outcome.is_proved() {
            *outcome = ProofOutcome::Partial(
                "with λ = 0, convergence of the flow to A = 0 (Ē is not coercive in B)".into(),
            );
        }
    } else {
        // Outside the hypotheses nothing about the flow is shown
        // (and nothing refuted): the identities alone are proved.
        if outcome.is_proved() {
            *outcome = ProofOutcome::Partial(
                "the conclusion: its hypotheses (J ⪰ 0 and λ > 0, or J ≻ 0) fail on this instance"
                    .into(),
            );
        }
        parts.push("the hypotheses (J ⪰ 0 and λ > 0, or J ≻ 0) fail".into());
    }
}

/// The field of one procedure at a state: `(v_A, v_B, v_C)`.
type Field<'a> = dyn Fn(Procedure, &Unknowns) -> Result<Velocity> + 'a;

/// The procedures whose equivariance SYMMETRY states.
const SYMMETRY_PROCEDURES: [Procedure; 3] = [
    Procedure::GradientDescent,
    Procedure::StopGradient,
    Procedure::Ema,
];

/// The infinitesimal action `K·(A, B, C) = (KA, KB − BK, KC)` of a skew
/// matrix `K` (the derivative of `(UA, UBUᵀ, UC)` along `U = exp(tK)`),
/// flattened in the order of [`Unknowns::names`].
fn infinitesimal_action(
    k: &Mat<Sym>,
    a: &Mat<Sym>,
    b: &Mat<Sym>,
    c: Option<&Mat<Sym>>,
) -> Vec<Sym> {
    let mut out: Vec<Sym> = k.mul(a).entries().to_vec();
    out.extend_from_slice(k.mul(b).sub(&b.mul(k)).entries());
    if let Some(c) = c {
        out.extend_from_slice(k.mul(c).entries());
    }
    out.iter().map(Sym::expanded).collect()
}

/// Checks, for each procedure and each basis element `K = E_ij − E_ji`
/// (i < j) of so(n), the infinitesimal equivariance
/// `Dv(x)[K·x] = K·v(x)` with `K·(A, B, C) = (KA, KB − BK, KC)`, as
/// polynomials in the state and the data (`Dv(x)[y] = Σ_s ∂v/∂x_s · y_s`).
/// Returns the procedures for which it fails.
fn infinitesimal_equivariance(n: usize, m: usize, field: &Field) -> Result<Vec<Procedure>> {
    let mut failed = Vec::new();
    for proc in SYMMETRY_PROCEDURES {
        let u = unknowns(n, m, proc.has_teacher())?;
        let (va, vb, vc) = field(proc, &u)?;
        let (va, vb) = (va.map(Sym::expanded), vb.map(Sym::expanded));
        let vc = vc.map(|c| c.map(Sym::expanded));
        let mut v: Vec<Sym> = va.entries().to_vec();
        v.extend_from_slice(vb.entries());
        if let Some(vc) = &vc {
            v.extend_from_slice(vc.entries());
        }
        // ∂v_r/∂x_s, computed once and shared by the basis elements.
        let mut partials: Vec<Vec<Option<Sym>>> = vec![vec![None; u.names.len()]; v.len()];
        let mut ok = true;
        'basis: for i in 0..n {
            for j in i + 1..n {
                let k = Mat::from_fn(n, n, |r, s| match (r, s) {
                    _ if (r, s) == (i, j) => Sym::from_int(1),
                    _ if (r, s) == (j, i) => Sym::from_int(-1),
                    _ => Sym::from_int(0),
                });
                let kx = infinitesimal_action(&k, &u.a, &u.b, u.c.as_ref());
                let kv = infinitesimal_action(&k, &va, &vb, vc.as_ref());
                let support: Vec<usize> = (0..kx.len()).filter(|&s| !kx[s].is_zero()).collect();
                for (r, kv_r) in kv.into_iter().enumerate() {
                    let mut lhs = -kv_r;
                    for &s in &support {
                        let d = partials[r][s]
                            .get_or_insert_with(|| v[r].derivative(&u.names[s]))
                            .clone();
                        lhs = lhs + d * kx[s].clone();
                    }
                    if !lhs.is_zero() {
                        ok = false;
                        break 'basis;
                    }
                }
            }
        }
        if !ok {
            failed.push(proc);
        }
    }
    Ok(failed)
}

/// Checks `v(RA, RBRᵀ, RC) = (R v_A, R v_B Rᵀ, R v_C)` for one fixed
/// rational matrix `R`; returns the procedures for which it fails.
fn fixed_equivariance(r: &Mat<BigRational>, m: usize, field: &Field) -> Result<Vec<Procedure>> {
    let n = r.nrows();
    let us: Mat<Sym> = r.map(Sym::from_rational);
    let ust = us.transpose();
    let mut failed = Vec::new();
    for proc in SYMMETRY_PROCEDURES {
        let u = unknowns(n, m, proc.has_teacher())?;
        let moved = Unknowns {
            a: us.mul(&u.a),
            b: us.mul(&u.b).mul(&ust),
            c: u.c.as_ref().map(|c| us.mul(c)),
            names: u.names.clone(),
        };
        let (va, vb, vc) = field(proc, &u)?;
        let (wa, wb, wc) = field(proc, &moved)?;
        let mut ok = all_zero(&wa.sub(&us.mul(&va)));
        ok = ok && all_zero(&wb.sub(&us.mul(&vb).mul(&ust)));
        if let (true, Some(vc), Some(wc)) = (ok, vc, wc) {
            ok = all_zero(&wc.sub(&us.mul(&vc)));
        }
        if !ok {
            failed.push(proc);
        }
    }
    Ok(failed)
}

/// The reflection `R = diag(−1, 1, …, 1)`.
fn reflection(n: usize) -> Mat<BigRational> {
    Mat::from_fn(n, n, |i, j| match (i == j, i == 0) {
        (true, true) => BigRational::from_integer((-1).into()),
        (true, false) => BigRational::from_integer(1.into()),
        _ => BigRational::from_integer(0.into()),
    })
}

fn names(procs: &[Procedure]) -> String {
    procs
        .iter()
        .map(|p| p.short().to_uppercase())
        .collect::<Vec<_>>()
        .join(", ")
}

fn symmetry(data: &Data) -> Result<Proof> {
    let (md, _) = data.model_data()?;
    let field = |proc: Procedure, u: &Unknowns| velocity(&md, proc, u, &mut Vec::new());
    symmetry_of(data, &field)
}

/// SYMMETRY for the field `field` (the model's, or a test's): the rotation
/// component through the infinitesimal identity on so(n), the other component
/// through one fixed reflection.
fn symmetry_of(data: &Data, field: &Field) -> Result<Proof> {
    let (n, m) = data.shape();
    let r = reflection(n);
    let reflection_failed = fixed_equivariance(&r, m, field)?;
    let mut parts = vec![format!(
        "reflection R = diag(−1, 1, …, 1) (RᵀR = I exactly: {}): {}",
        r.transpose().mul(&r) == Mat::identity(n),
        if reflection_failed.is_empty() {
            "identity for GD, SG and EMA".to_string()
        } else {
            format!("NOT an identity for {}", names(&reflection_failed))
        }
    )];
    let mut outcome = decided(reflection_failed.is_empty());
    if n == 1 {
        // SO(1) = {1}: O(1) = {1, R}, and U = 1 is trivially equivariant.
        parts.push("SO(1) = {1}, so O(1) = {1, R}".into());
    } else {
        let rotation_failed = infinitesimal_equivariance(n, m, field)?;
        if !rotation_failed.is_empty() {
            outcome = ProofOutcome::Refuted;
        }
        parts.push(format!(
            "rotations: for each basis element K = E_ij − E_ji (i < j) of so({n}), Dv(x)[K·x] = K·v(x) with K·(A, B, C) = (KA, KB − BK, KC), as polynomials in the state and the data: {}",
            if rotation_failed.is_empty() {
                "identity for GD, SG and EMA".to_string()
            } else {
                format!("NOT an identity for {}", names(&rotation_failed))
            }
        ));
        parts.push(
            "so: both sides are linear in K, so the identity holds for every skew K; for U(t) = exp(tK), w(t) = U(t)⁻¹·v(U(t)·x) has w′(t) = U(t)⁻¹·(Dv(y)[K·y] − K·v(y)) = 0 with y = U(t)·x, hence v(U·x) = U·v(x) on exp(so(n)) = SO(n) (compact and connected); O(n) = SO(n) ∪ R·SO(n) and equivariances compose, so with R it holds on O(n)"
                .into(),
        );
    }
    let detail = format!(
        "v(UA, UBUᵀ, UC) = (U v_A, U v_B Uᵀ, U v_C) for U ∈ O({n}), GD, SG and EMA: {}",
        parts.join("; ")
    );
    Ok(proof(Identity::Symmetry, data, outcome, detail, Vec::new()))
}

/// Whether the converse identity of S-EQUATION is expanded for this data.
/// It is reduced to two identities that stay small (see
/// [`Identity::SEquation`] and docs/symbolic.md): one in A with the adjugate
/// and determinant of `N` as free symbols, one in a symmetric matrix `S` of
/// free symbols. Measured in release: up to m = 3 (symbolic data, any n ≤ 4)
/// well under a minute; symbolic m = 4 (the adjugate of a 4×4 matrix of
/// symbols) is not expanded and the converse is reported as not shown.
pub fn converse_feasible(data: &Data) -> bool {
    let (_, m) = data.shape();
    match data {
        Data::Instance(_) => m <= MAX_PROOF_DIMENSION,
        Data::Symbolic { .. } => m <= 3,
    }
}

fn s_equation_proof(data: &Data) -> Result<Proof> {
    let (n, m) = data.shape();
    let (md, _) = data.model_data()?;
    let u = unknowns(n, m, false)?;
    let lam = md.lambda.clone();
    let (p, q) = md.student_field(&u.a, &u.b, &u.a);
    let at = u.a.transpose();
    let s = at.mul(&u.a);
    let g = s_equation(&md, &s);
    let nm = s.mul(&md.mxx).add(&Mat::identity(m).scale(&lam));
    // Membership: λ·S·G(S) = λ·N·AᵀP + λ·AᵀQᵀA·Myx + N·Aᵀ(PAᵀ − BᵀQ)A·Mxx.
    let e = p.mul(&at).sub(&u.b.transpose().mul(&q));
    let lhs = s.mul(&g).scale(&lam);
    let rhs = nm
        .mul(&at)
        .mul(&p)
        .scale(&lam)
        .add(&at.mul(&q.transpose()).mul(&u.a).mul(&md.myx).scale(&lam))
        .add(&nm.mul(&at).mul(&e).mul(&u.a).mul(&md.mxx));
    let membership = all_zero(&lhs.sub(&rhs));
    let mut parts = vec![format!(
        "only if: λ·S·G(S) = λ·N·AᵀP + λ·AᵀQᵀA·Myx + N·Aᵀ(PAᵀ − BᵀQ)A·Mxx with N = S·Mxx + λI: {}",
        if membership {
            "identity"
        } else {
            "NOT an identity"
        }
    )];
    let mut holds = membership;
    // B formula: Q = B(A Mxx Aᵀ + λI) − A Myx Aᵀ (so Q = 0 gives B = B(A)).
    let gmat = u.a.mul(&md.mxx).mul(&at).add(&Mat::identity(n).scale(&lam));
    let bform = all_zero(&q.sub(&u.b.mul(&gmat).sub(&u.a.mul(&md.myx).mul(&at))));
    holds &= bform;
    parts.push(format!(
        "Q = B(A·Mxx·Aᵀ + λI) − A·Myx·Aᵀ: {}",
        if bform { "identity" } else { "NOT an identity" }
    ));
    let mut outcome = decided(holds);
    let label = data.label();
    if converse_feasible(data) {
        let (converse_p, converse_q, reduced_p, reduced_q) = s_equation_converse(&md, &u)?;
        if !(converse_p && converse_q && reduced_p && reduced_q) {
            outcome = ProofOutcome::Refuted;
        }
        let yes = |b: bool| if b { "identity" } else { "NOT an identity" };
        parts.push(format!(
            "if: with free symbols W (for adj N) and e (for det N), B̂ = A·Myx·W·Aᵀ and R̂ = R(A, B̂, e·A): B̂ᵀR̂ + λe²A = A·[Wᵀ·Mxy·S·(Myx·W·S·Mxx − e·Myx) + λe²I]: {}; R̂Aᵀ + λB̂ = A·[Myx·W·N − e·Myx]·Aᵀ: {}; for a symmetric matrix S of symbols, with W = adj N and e = det N: Wᵀ·Mxy·S·(Myx·W·S·Mxx − e·Myx) + λe²I = λ·adj(N)ᵀ·G(S)·adj(N): {}; Myx·adj(N)·N − det(N)·Myx = 0: {}",
            yes(converse_p),
            yes(converse_q),
            yes(reduced_p),
            yes(reduced_q)
        ));
        parts.push(
            "so with d = det N, B(A) = B̂/d: d²·P(A, B(A), A) = λ·A·adj(N)ᵀ·G(S)·adj(N) and d·Q(A, B(A), A) = 0; for real A with λ > 0 (N invertible): (A, B) is an equilibrium iff S·G(S) = 0 and B = B(A) (A·X = 0 iff S·X = 0 for real A)"
                .into(),
        );
    } else {
        if outcome.is_proved() {
            outcome = ProofOutcome::Partial(format!(
                "the converse (\"if\" direction): converse not expanded for data {label} of shape {n}×{m} (too large)"
            ));
        }
        parts.push(format!(
            "if: converse not expanded for data {label} of shape {n}×{m} (too large): only the \"only if\" direction is shown"
        ));
    }
    Ok(proof(
        Identity::SEquation,
        data,
        outcome,
        parts.join("; "),
        Vec::new(),
    ))
}

/// The converse of S-EQUATION in two steps, each an expansion that stays
/// small. Step 1 (the matrix algebra, in A): with free symbols `W` (m×m) and
/// `e`, `B̂ = A·Myx·W·Aᵀ`, `R̂ = R(A, B̂, e·A)`:
/// `B̂ᵀR̂ + λe²A = A·X(AᵀA)` and `R̂Aᵀ + λB̂ = A·Z(AᵀA)·Aᵀ` with
/// `X(S) = Wᵀ·Mxy·S·(Myx·W·S·Mxx − e·Myx) + λe²I`,
/// `Z(S) = Myx·W·(S·Mxx + λI) − e·Myx`. Step 2 (in a symmetric matrix `S` of
/// free symbols): with `W = adj N`, `e = det N`, `N = S·Mxx + λI`,
/// `X(S) = λ·adj(N)ᵀ·G(S)·adj(N)` and `Z(S) = 0`. Substituting
/// `W = adj N(AᵀA)`, `e = det N(AᵀA)` into step 1 and `S = AᵀA` into step 2
/// (identities survive substitution) gives
/// `d²·P(A, B̂/d, A) = λ·A·adj(N)ᵀ·G(S)·adj(N)` and `d·Q(A, B̂/d, A) = 0`
/// with `d = det N`. Returns the four checks.
fn s_equation_converse(md: &ModelData<Sym>, u: &Unknowns) -> Result<(bool, bool, bool, bool)> {
    let m = md.mxx.nrows();
    let lam = md.lambda.clone();
    let id = Mat::<Sym>::identity(m);
    let x_of = |s: &Mat<Sym>, w: &Mat<Sym>, e: &Sym| -> Mat<Sym> {
        w.transpose()
            .mul(&md.mxy())
            .mul(s)
            .mul(&md.myx.mul(w).mul(s).mul(&md.mxx).sub(&md.myx.scale(e)))
            .add(&id.scale(&(lam.clone() * e.clone() * e.clone())))
    };
    let z_of = |s: &Mat<Sym>, w: &Mat<Sym>, e: &Sym| -> Mat<Sym> {
        let nm = s.mul(&md.mxx).add(&id.scale(&lam));
        md.myx.mul(w).mul(&nm).sub(&md.myx.scale(e))
    };
    // Step 1.
    let w = var_matrix("w", m, m, false)?;
    let e = Sym::var("detn")?;
    let at = u.a.transpose();
    let s = at.mul(&u.a);
    let bh = u.a.mul(&md.myx).mul(&w).mul(&at);
    let rh = md.residual(&u.a, &bh, &u.a.scale(&e));
    let p_side = bh
        .transpose()
        .mul(&rh)
        .add(&u.a.scale(&(lam.clone() * e.clone() * e.clone())));
    let converse_p = all_zero(&p_side.sub(&u.a.mul(&x_of(&s, &w, &e))));
    let q_side = rh.mul(&at).add(&bh.scale(&lam));
    let converse_q = all_zero(&q_side.sub(&u.a.mul(&z_of(&s, &w, &e)).mul(&at)));
    // Step 2.
    let sg = var_matrix("s", m, m, true)?;
    let nm = sg.mul(&md.mxx).add(&id.scale(&lam));
    let adj = adjugate(&nm).map(Sym::expanded);
    let d = determinant(&nm).expanded();
    let g = s_equation(md, &sg);
    let target = adj.transpose().mul(&g).mul(&adj).scale(&lam);
    let reduced_p = all_zero(&x_of(&sg, &adj, &d).sub(&target));
    let reduced_q = all_zero(&z_of(&sg, &adj, &d));
    Ok((converse_p, converse_q, reduced_p, reduced_q))
}

#[cfg(test)]
mod tests {
    //! These use Symbolica (through its worker thread): run them with
    //! `--test-threads=1` so that no other test process uses it meanwhile.

    use super::*;

    fn q(k: i64) -> BigRational {
        BigRational::from_integer(k.into())
    }

    /// The model's field plus `D·A` in the A-component, `D` a fixed n×n
    /// rational matrix: equivariant under `U` iff `U` commutes with `D`.
    fn perturbed(data: &Data, d: Mat<BigRational>) -> Result<Proof> {
        let data = data.clone();
        with_symbolica(move || {
            let (md, _) = data.model_data()?;
            let ds: Mat<Sym> = d.map(Sym::from_rational);
            let field = |proc: Procedure, u: &Unknowns| -> Result<Velocity> {
                let (va, vb, vc) = velocity(&md, proc, u, &mut Vec::new())?;
                Ok((va.add(&ds.mul(&u.a)), vb, vc))
            };
            symmetry_of(&data, &field)
        })?
    }

    #[test]
    fn symmetry_with_the_infinitesimal_identity_is_proved() {
        let p = prove(Identity::Symmetry, &Data::Symbolic { n: 2, m: 2 }).unwrap();
        assert_eq!(p.outcome, ProofOutcome::Proved, "{}", p.detail);
        assert!(p.holds);
        assert!(p.detail.contains("Dv(x)[K·x] = K·v(x)"), "{}", p.detail);
        assert!(p.detail.contains("exp(so(n)) = SO(n)"), "{}", p.detail);
    }

    #[test]
    fn a_field_not_rotation_equivariant_is_refuted_by_the_infinitesimal_identity() {
        // D = diag(1, 2) commutes with R = diag(−1, 1), so the reflection
        // check passes; only the symbolic rotation can catch it.
        let d = Mat::from_fn(2, 2, |i, j| if i == j { q(i as i64 + 1) } else { q(0) });
        let p = perturbed(&Data::Symbolic { n: 2, m: 1 }, d).unwrap();
        assert_eq!(p.outcome, ProofOutcome::Refuted, "{}", p.detail);
        assert!(!p.holds);
        assert!(
            p.detail
                .contains("reflection R = diag(−1, 1, …, 1) (RᵀR = I exactly: true): identity"),
            "{}",
            p.detail
        );
        assert!(
            p.detail.contains("NOT an identity for GD, SG, EMA"),
            "{}",
            p.detail
        );
    }

    #[test]
    fn a_field_equivariant_only_under_rotations_is_refuted_by_the_reflection() {
        // J = [[0, 1], [−1, 0]] commutes with SO(2) but not with R.
        let j = Mat::from_fn(2, 2, |i, k| match (i, k) {
            (0, 1) => q(1),
            (1, 0) => q(-1),
            _ => q(0),
        });
        let p = perturbed(&Data::Symbolic { n: 2, m: 1 }, j).unwrap();
        assert_eq!(p.outcome, ProofOutcome::Refuted, "{}", p.detail);
        assert!(
            p.detail
                .contains("(RᵀR = I exactly: true): NOT an identity"),
            "{}",
            p.detail
        );
        assert!(
            p.detail
                .contains("as polynomials in the state and the data: identity"),
            "{}",
            p.detail
        );
    }

    #[test]
    fn s_equation_converse_is_expanded_for_symbolic_3x3_data() {
        // About 2 s in release (the direct expansion took about two minutes).
        let p = prove(Identity::SEquation, &Data::Symbolic { n: 3, m: 3 }).unwrap();
        assert_eq!(p.outcome, ProofOutcome::Proved, "{}", p.detail);
        assert!(p.holds);
        assert!(p.detail.contains("if: with free symbols W"), "{}", p.detail);
        assert!(!p.detail.contains("NOT an identity"), "{}", p.detail);
    }

    #[test]
    fn shapes_not_expanded_are_partial_and_do_not_hold() {
        let p = prove(Identity::SEquation, &Data::Symbolic { n: 1, m: 4 }).unwrap();
        assert!(
            matches!(&p.outcome, ProofOutcome::Partial(w) if w.contains("converse not expanded")),
            "{:?}",
            p.outcome
        );
        assert!(!p.holds);
    }

    #[test]
    fn a_partial_proof_does_not_hold() {
        let p = proof(
            Identity::SEquation,
            &Data::Symbolic { n: 1, m: 1 },
            ProofOutcome::Partial("the converse".into()),
            String::new(),
            Vec::new(),
        );
        assert!(!p.holds);
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["outcome"]["status"], "partial");
        assert_eq!(json["outcome"]["not-shown"], "the converse");
        assert_eq!(json["holds"], false);
    }
}

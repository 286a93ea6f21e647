//! Symbolic verification of the claims that are polynomial identities
//! (NOT-GRADIENT, BALANCE, GD-COLLAPSE, SYMMETRY, S-EQUATION), for symbolic
//! data of a given shape (an identity for all moments and λ at once) or for
//! the rational data of one instance.
//!
//! Every polynomial is built from the generic formulas of
//! [`crate::model::formula`], the same ones the exact layer evaluates, and
//! expanded by Symbolica; "is an identity" means "expands to the zero
//! polynomial over Q" (for S-EQUATION: "is zero in the free algebra with
//! transpose").
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
//! S-EQUATION is not expanded in entries: its identities are proved in the
//! free algebra with transpose ([`super::free`], see
//! `s_equation_identities`), which shows them for every shape and all
//! data at once, in milliseconds and without Symbolica.

use std::time::{Duration, Instant};

use num_rational::BigRational;
use serde::Serialize;

use super::expr::Sym;
use super::free::{FreeMat, FreeScalar};
use super::system::{Data, Unknowns, Velocity, count_terms, unknowns, velocity};
use super::with_symbolica;
use crate::error::{Error, Result};
use crate::model::formula::{
    Mat, MatrixRing, ModelData, Scalar, balance, balance_rate, residual_in, s_equation_in,
    student_field_in,
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
    let run = move || {
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
    };
    match identity {
        // Free-algebra identities: no Symbolica, every shape at once.
        Identity::SEquation => run(),
        _ => with_symbolica(run)?,
    }
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

/// The identities behind S-EQUATION, each as the difference of its two
/// sides in the free algebra with transpose ([`super::free`]): zero means
/// proved for every shape and all data. `mxx_self_adjoint` is true for the
/// model (Mxx is a second moment, symmetric); tests turn it off to see the
/// identities that need it fail.
///
/// Letters: A (n×m), B (n×n), Mxx (m×m), Myx (m×m, with `Mxy = Myxᵀ`), W
/// (m×m) and S (m×m, self-adjoint); commuting scalars λ and e. `P`, `Q`,
/// `R` and `G` are the model's own formulas ([`student_field_in`],
/// [`residual_in`], [`s_equation_in`]) evaluated in the free algebra.
///
/// 1. "Only if": `λ·S·G(S) = λ·N·AᵀP + λ·AᵀQᵀA·Myx + N·Aᵀ(PAᵀ − BᵀQ)A·Mxx`
///    with `S = AᵀA`, `N = S·Mxx + λI`, `(P, Q) = (P, Q)(A, B, A)`.
/// 2. `Q = B(A·Mxx·Aᵀ + λI) − A·Myx·Aᵀ`.
/// 3. "If", step 1 (W, e free): with `B̂ = A·Myx·W·Aᵀ` and
///    `R̂ = R(A, B̂, e·A)`, `B̂ᵀR̂ + λe²A = A·X(AᵀA)` and
///    `R̂Aᵀ + λB̂ = A·Z(AᵀA)·Aᵀ`, where
///    `X(S) = Wᵀ·Mxy·S·(Myx·W·S·Mxx − e·Myx) + λe²I` and
///    `Z(S) = Myx·W·N − e·Myx`.
/// 4. "If", step 2 (S self-adjoint, W, e free):
///    `X(S) − λ·Wᵀ·G(S)·W = Wᵀ·Mxy·S·Myx·(W·N − eI) − λ·[(N·W − eI)ᵀ(N·W) + e·(N·W − eI)]`
///    and `Z(S) = Myx·(W·N − eI)`.
fn s_equation_identities(mxx_self_adjoint: bool) -> Vec<(&'static str, FreeMat)> {
    let a = FreeMat::letter("A", 'n', 'm', false);
    let b = FreeMat::letter("B", 'n', 'n', false);
    let mxx = FreeMat::letter("Mxx", 'm', 'm', mxx_self_adjoint);
    let myx = FreeMat::letter("Myx", 'm', 'm', false);
    let w = FreeMat::letter("W", 'm', 'm', false);
    let sym_s = FreeMat::letter("S", 'm', 'm', true);
    let lam = FreeScalar::symbol("λ");
    let e = FreeScalar::symbol("e");
    let e2 = e.mul(&e);
    let mxy = myx.transpose();
    let at = a.transpose();
    let s = at.mul(&a);
    let n_of = |s: &FreeMat| s.mul(&mxx).add(&s.scalar_like_rows(&lam));
    let x_of = |s: &FreeMat| {
        w.transpose()
            .mul(&mxy)
            .mul(s)
            .mul(&myx.mul(&w).mul(s).mul(&mxx).sub(&myx.scale(&e)))
            .add(&FreeMat::scalar('m', &lam.mul(&e2)))
    };
    let z_of = |s: &FreeMat| myx.mul(&w).mul(&n_of(s)).sub(&myx.scale(&e));
    let mut out = Vec::new();
    // 1. Membership.
    let (p, q) = student_field_in(&mxx, &myx, &lam, &a, &b, &a);
    let nm = n_of(&s);
    let g = s_equation_in(&mxx, &myx, &lam, &s);
    let lhs = s.mul(&g).scale(&lam);
    let rhs = nm
        .mul(&at)
        .mul(&p)
        .scale(&lam)
        .add(&at.mul(&q.transpose()).mul(&a).mul(&myx).scale(&lam))
        .add(
            &nm.mul(&at)
                .mul(&p.mul(&at).sub(&b.transpose().mul(&q)))
                .mul(&a)
                .mul(&mxx),
        );
    out.push(("only if", lhs.sub(&rhs)));
    // 2. The predictor.
    let gram = a.mul(&mxx).mul(&at).add(&a.scalar_like_rows(&lam));
    let bform = b.mul(&gram).sub(&a.mul(&myx).mul(&at));
    out.push(("B formula", q.sub(&bform)));
    // 3. Step 1 of the converse.
    let bh = a.mul(&myx).mul(&w).mul(&at);
    let rh = residual_in(&mxx, &myx, &a, &bh, &a.scale(&e));
    let p_side = bh.transpose().mul(&rh).add(&a.scale(&lam.mul(&e2)));
    out.push(("if, step 1 (P)", p_side.sub(&a.mul(&x_of(&s)))));
    let q_side = rh.mul(&at).add(&bh.scale(&lam));
    out.push(("if, step 1 (Q)", q_side.sub(&a.mul(&z_of(&s)).mul(&at))));
    // 4. Step 2 of the converse.
    let ns = n_of(&sym_s);
    let eye = FreeMat::scalar('m', &e);
    let wn = w.mul(&ns).sub(&eye);
    let nw = ns.mul(&w);
    let nw_e = nw.sub(&eye);
    let gs = s_equation_in(&mxx, &myx, &lam, &sym_s);
    let certificate = w
        .transpose()
        .mul(&mxy)
        .mul(&sym_s)
        .mul(&myx)
        .mul(&wn)
        .sub(&nw_e.transpose().mul(&nw).add(&nw_e.scale(&e)).scale(&lam));
    let x_minus = x_of(&sym_s).sub(&w.transpose().mul(&gs).mul(&w).scale(&lam));
    out.push(("if, step 2 (P)", x_minus.sub(&certificate)));
    out.push(("if, step 2 (Q)", z_of(&sym_s).sub(&myx.mul(&wn))));
    out
}

/// S-EQUATION for every shape at once: the identities of
/// [`s_equation_identities`] in the free algebra with transpose, and, on an
/// instance, the one hypothesis they use of its data (Mxx symmetric).
fn s_equation_proof(data: &Data) -> Result<Proof> {
    let identities = s_equation_identities(true);
    let mut witnesses = Vec::new();
    let mut holds = true;
    let mut shown = Vec::new();
    for (label, diff) in &identities {
        if diff.is_zero() {
            shown.push(format!("{label}: identity"));
            continue;
        }
        holds = false;
        let terms = diff.term_count();
        shown.push(format!("{label}: NOT an identity ({terms} terms left)"));
        let text = diff.to_string();
        witnesses.push(Witness {
            label: format!("{label}: difference of the two sides"),
            latex: text.clone(),
            polynomial: text,
            terms,
        });
    }
    let mut parts = vec![format!(
        "in the free algebra with transpose over Q[λ, e] (letters A: m→n, B: n→n, Mxx = Mxxᵀ, Myx with Mxy = Myxᵀ, W, and S = Sᵀ; P, Q, R and G the model's own formulas): {}",
        shown.join("; ")
    )];
    parts.push(
        "these are: only if, λ·S·G(S) = λ·N·AᵀP + λ·AᵀQᵀA·Myx + N·Aᵀ(PAᵀ − BᵀQ)A·Mxx with S = AᵀA, N = S·Mxx + λI; Q = B(A·Mxx·Aᵀ + λI) − A·Myx·Aᵀ; if, with B̂ = A·Myx·W·Aᵀ and R̂ = R(A, B̂, e·A): B̂ᵀR̂ + λe²A = A·X(AᵀA) and R̂Aᵀ + λB̂ = A·Z(AᵀA)·Aᵀ, X(S) = Wᵀ·Mxy·S·(Myx·W·S·Mxx − e·Myx) + λe²I, Z(S) = Myx·W·N − e·Myx; and X(S) − λ·WᵀG(S)W = Wᵀ·Mxy·S·Myx·(WN − eI) − λ·[(NW − eI)ᵀ(NW) + e·(NW − eI)], Z(S) = Myx·(WN − eI)"
            .into(),
    );
    parts.push(
        "an identity there holds for matrices of every shape (substitution respects products, sums and transposes), also after substituting S = AᵀA (symmetric) and W = adj N, e = det N, where adj(N)·N = N·adj(N) = det(N)·I (Cramer) makes both right-hand sides of step 2 vanish; so with d = det N and B(A) = B̂/d: d²·P(A, B(A), A) = λ·A·adj(N)ᵀ·G(S)·adj(N) and d·Q(A, B(A), A) = 0; for real A with λ > 0 (N invertible): (A, B) is an equilibrium iff S·G(S) = 0 and B = B(A) (A·X = 0 iff S·X = 0 for real A)"
            .into(),
    );
    if let Data::Instance(inst) = data {
        let symmetric = inst.moments().mxx.is_symmetric();
        holds &= symmetric;
        parts.push(format!(
            "on the data of {}: Mxx = Mxxᵀ exactly: {symmetric}",
            inst.name()
        ));
    } else {
        let (n, m) = data.shape();
        parts.push(format!(
            "shape {n}×{m}: covered, as is every shape, by the identities above"
        ));
    }
    Ok(proof(
        Identity::SEquation,
        data,
        decided(holds),
        parts.join("; "),
        witnesses,
    ))
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
    fn s_equation_is_proved_for_every_shape_in_the_free_algebra() {
        for (n, m) in [(1, 1), (1, 4), (4, 4), (2, 3)] {
            let p = prove(Identity::SEquation, &Data::Symbolic { n, m }).unwrap();
            assert_eq!(p.outcome, ProofOutcome::Proved, "{}", p.detail);
            assert!(p.holds);
            assert!(
                p.detail.contains("free algebra with transpose"),
                "{}",
                p.detail
            );
            assert!(!p.detail.contains("NOT an identity"), "{}", p.detail);
            assert!(p.witnesses.is_empty());
        }
        let inst = crate::model::builtin("default").unwrap();
        let p = prove(Identity::SEquation, &Data::Instance(inst)).unwrap();
        assert_eq!(p.outcome, ProofOutcome::Proved, "{}", p.detail);
        assert!(
            p.detail.contains("Mxx = Mxxᵀ exactly: true"),
            "{}",
            p.detail
        );
    }

    /// The checks can fail: with Mxx not self-adjoint (so `Nᵀ ≠ Mxx·S + λI`),
    /// the identities that use its symmetry are not identities, while the
    /// ones that do not (the predictor's formula, step 1 for Q) still are.
    #[test]
    fn s_equation_identities_need_the_symmetry_of_mxx() {
        let ids = s_equation_identities(false);
        let failed: Vec<&str> = ids
            .iter()
            .filter(|(_, d)| !d.is_zero())
            .map(|(l, _)| *l)
            .collect();
        assert!(failed.contains(&"only if"), "{failed:?}");
        assert!(failed.contains(&"if, step 2 (P)"), "{failed:?}");
        assert!(!failed.contains(&"B formula"), "{failed:?}");
        assert!(!failed.contains(&"if, step 1 (Q)"), "{failed:?}");
        assert!(s_equation_identities(true).iter().all(|(_, d)| d.is_zero()));
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

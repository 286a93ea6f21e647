//! Symbolic verification of the claims that are polynomial identities
//! (NOT-GRADIENT, BALANCE, GD-COLLAPSE, SYMMETRY), for symbolic data of a
//! given shape (an identity for all moments and λ at once) or for the
//! rational data of one instance.
//!
//! Every polynomial is built from the generic formulas of
//! [`crate::model::formula`], the same ones the exact layer evaluates, and
//! expanded by Symbolica; "is an identity" means "expands to the zero
//! polynomial over Q".

use std::time::{Duration, Instant};

use num_rational::BigRational;
use serde::Serialize;

use super::expr::Sym;
use super::system::{Data, Unknowns, count_terms, unknowns, velocity};
use super::with_symbolica;
use crate::error::{Error, Result};
use crate::model::formula::{
    Mat, ModelData, Scalar, adjugate, balance, balance_rate, determinant, s_equation,
};
use crate::numeric::Procedure;

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
    /// Whether the claim's statement holds (every identity is an identity,
    /// every non-identity has a non-zero witness).
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
    holds: bool,
    detail: String,
    witnesses: Vec<Witness>,
) -> Proof {
    let (n, m) = data.shape();
    Proof {
        identity,
        n,
        m,
        data: data.label(),
        holds,
        detail,
        witnesses,
        seconds: 0.0,
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
        holds,
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
    Ok(proof(Identity::Balance, data, holds, detail, vec![w]))
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
    let joint = Mat::from_fn(2 * m, 2 * m, |i, j| match (i < m, j < m) {
        (true, true) => md.mxx.get(i, j).clone(),
        (true, false) => md.myx.get(j - m, i).clone(),
        (false, true) => md.myx.get(i - m, j).clone(),
        (false, false) => md.myy.get(i - m, j - m).clone(),
    });
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
    let mut holds = euler && sos;
    match data {
        Data::Instance(inst) => {
            let j = inst.joint_moments();
            let psd = j.is_positive_semidefinite();
            let pd = j.positive_definite_failure().is_none();
            let lambda_pos = inst.lambda() > &BigRational::from_integer(0.into());
            parts.push(format!(
                "J ⪰ 0 exactly: {}; λ = {} > 0: {}; J ≻ 0: {}",
                psd, inst.lambda(), lambda_pos, pd
            ));
            if psd && (lambda_pos || pd) {
                parts.push("so every real critical point of Ē has A = 0, then B = 0".into());
            } else {
                holds = false;
                parts.push("the hypotheses (J ⪰ 0 and λ > 0, or J ≻ 0) fail".into());
            }
        }
        Data::Symbolic { .. } => parts.push(
            "for valid data (J ⪰ 0) with λ > 0, or J ≻ 0: every real critical point of Ē has A = 0, then B = 0".into(),
        ),
    }
    let gram = Witness::matrix(
        format!("Gram block J (the Gram matrix is I_{n} ⊗ J)"),
        &joint,
    );
    Ok(proof(
        Identity::GdCollapse,
        data,
        holds,
        parts.join("; "),
        vec![gram],
    ))
}

fn symmetry(data: &Data) -> Result<Proof> {
    let (n, m) = data.shape();
    let (md, _) = data.model_data()?;
    let half = BigRational::new(1.into(), 2.into());
    let third = BigRational::new(1.into(), 3.into());
    // A rotation (Cayley) and a reflection times a rotation: both components
    // of O(n).
    let rotation = Mat::cayley(n, &half);
    let reflection = Mat::from_fn(n, n, |i, j| {
        let one = BigRational::from_integer(1.into());
        match (i == j, i == 0) {
            (true, true) => -one,
            (true, false) => one,
            _ => BigRational::from_integer(0.into()),
        }
    })
    .mul(&Mat::cayley(n, &third));
    let mut all = true;
    let mut checked = Vec::new();
    for (label, ur) in [("rotation", &rotation), ("reflection", &reflection)] {
        let orthogonal = ur.transpose().mul(ur) == Mat::identity(n);
        let us: Mat<Sym> = ur.map(Sym::from_rational);
        let mut ok = orthogonal;
        for proc in [
            Procedure::GradientDescent,
            Procedure::StopGradient,
            Procedure::Ema,
        ] {
            let u = unknowns(n, m, proc.has_teacher())?;
            let moved = Unknowns {
                a: us.mul(&u.a),
                b: us.mul(&u.b).mul(&us.transpose()),
                c: u.c.as_ref().map(|c| us.mul(c)),
                names: u.names.clone(),
            };
            let (va, vb, vc) = velocity(&md, proc, &u, &mut Vec::new())?;
            let (wa, wb, wc) = velocity(&md, proc, &moved, &mut Vec::new())?;
            ok &= all_zero(&wa.sub(&us.mul(&va)));
            ok &= all_zero(&wb.sub(&us.mul(&vb).mul(&us.transpose())));
            if let (Some(vc), Some(wc)) = (vc, wc) {
                ok &= all_zero(&wc.sub(&us.mul(&vc)));
            }
        }
        all &= ok;
        checked.push(format!(
            "{label} U (det {}, UᵀU = I exactly: {orthogonal}): {}",
            if label == "rotation" { "+1" } else { "−1" },
            if ok { "identity" } else { "NOT an identity" }
        ));
    }
    let detail = format!(
        "v(UA, UBUᵀ, UC) = (U v_A, U v_B Uᵀ, U v_C) for GD, SG and EMA with rational orthogonal U from the Cayley transform: {}",
        checked.join("; ")
    );
    Ok(proof(Identity::Symmetry, data, all, detail, Vec::new()))
}

/// Whether the converse identity of S-EQUATION (with the adjugate of the
/// m×m matrix N, degree about 4m + 1 in A) is expanded for this data:
/// rational data up to m = 3; symbolic data for m ≤ 2, and m = 3 with
/// n ≤ 2 (n = m = 3 with symbolic data takes about two minutes here).
pub fn converse_feasible(data: &Data) -> bool {
    let (n, m) = data.shape();
    match data {
        Data::Instance(_) => m <= 3,
        Data::Symbolic { .. } => m <= 2 || (m == 3 && n <= 2),
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
    if converse_feasible(data) {
        // Converse with d = det N, B̂ = A·Myx·adj(N)·Aᵀ = d·B(A):
        // d²·P(A, B̂/d, A) = λ·A·adj(N)ᵀ·G(S)·adj(N) and d·Q(A, B̂/d, A) = 0.
        let adj = adjugate(&nm);
        let d = determinant(&nm);
        let bh = u.a.mul(&md.myx).mul(&adj).mul(&at);
        let rh = bh.mul(&u.a).mul(&md.mxx).sub(&u.a.mul(&md.myx).scale(&d));
        let d2p = bh
            .transpose()
            .mul(&rh)
            .add(&u.a.scale(&(lam.clone() * d.clone() * d.clone())));
        let target = u.a.mul(&adj.transpose()).mul(&g).mul(&adj).scale(&lam);
        let converse_p = all_zero(&d2p.sub(&target));
        let dq = rh.mul(&at).add(&bh.scale(&lam));
        let converse_q = all_zero(&dq);
        holds &= converse_p && converse_q;
        parts.push(format!(
            "if: with d = det N and B̂ = A·Myx·adj(N)·Aᵀ, d²·P(A, B̂/d, A) = λ·A·adj(N)ᵀ·G(S)·adj(N): {}; d·Q(A, B̂/d, A) = 0: {}",
            if converse_p { "identity" } else { "NOT an identity" },
            if converse_q { "identity" } else { "NOT an identity" }
        ));
        parts.push(
            "so for real A with λ > 0 (N invertible): (A, B) is an equilibrium iff S·G(S) = 0 and B = B(A) (A·X = 0 iff S·X = 0 for real A)"
                .into(),
        );
    } else {
        parts.push(format!(
            "converse identity not expanded for symbolic data of shape {n}×{m} (too large; it is proved on each instance's own data)"
        ));
    }
    Ok(proof(
        Identity::SEquation,
        data,
        holds,
        parts.join("; "),
        Vec::new(),
    ))
}

//! The certificate types and [`certify_algebraic`].

use super::*;

/// A principal minor of `S` and its exact sign at `t₀`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PrincipalMinor {
    /// The index set `I` (0-based).
    pub indices: Vec<usize>,
    /// The sign of `det S_II` at `t₀`: −1, 0 or 1.
    pub sign: i8,
}

/// The root-location test on the quotient polynomial of the range block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AlgebraicRootTest {
    /// `hurwitz` (flows: the quotient `q`) or `bilinear-hurwitz` (maps: the
    /// transform `Q(w)` of the module documentation).
    pub criterion: String,
    /// The tested polynomial, lowest degree first, each coefficient a
    /// polynomial in t modulo χ (normalized to a positive leading
    /// coefficient at `t₀`).
    #[serde(serialize_with = "crate::exact::cert_serde::polys")]
    pub polynomial: Vec<UPoly>,
    /// Signs at `t₀` of the Hurwitz determinants `Δ₁, …` (up to and
    /// including the first zero).
    pub hurwitz_signs: Vec<i8>,
    /// Regular case: the number of roots on the unstable side (open right
    /// half-plane of the tested polynomial). `None` when singular.
    pub unstable: Option<usize>,
    /// Singular case: the index k of the first `Δ_k` vanishing at `t₀` (0
    /// when the leading coefficient vanishes: an eigenvalue −1 of a map).
    pub singular_at: Option<usize>,
}

/// One family of closed-form eigenvalues outside the range block and how
/// its members were classified exactly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClosedFormCheck {
    /// Block and formula, e.g. `Y₂₁: 1 − η(μⱼ + λ)`.
    pub label: String,
    /// Multiplicity in the full Jacobian.
    pub multiplicity: usize,
    /// How many are tangent (0 for flows, 1 for maps; orbit directions).
    pub tangent: usize,
    /// How many are strictly stable.
    pub stable: usize,
    /// How many are strictly unstable.
    pub unstable: usize,
    /// How many lie on the stability boundary (non-tangent).
    pub boundary: usize,
    /// The exact reason, e.g. `ηλ = 1/50 < 1`.
    pub reason: String,
}

/// The exact count of the eigenvalues μⱼ of `S·Mxx` above `x₀ = 2/η − λ`
/// (maps, n > r).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MuCheck {
    /// `x₀ = 2/η − λ`.
    #[serde(serialize_with = "crate::exact::cert_serde::rational")]
    pub x0: BigRational,
    /// `P(x) = Σ p̂ᵢ dⁱ xⁱ` (roots: the eigenvalues of `S·Mxx`), lowest
    /// degree first, coefficients modulo χ.
    #[serde(serialize_with = "crate::exact::cert_serde::polys")]
    pub polynomial: Vec<UPoly>,
    /// The signs at `t₀` of the coefficients of `P(x + x₀)` (empty when
    /// `x₀ ≤ 0`).
    pub shifted_signs: Vec<i8>,
    /// Number of μⱼ (of r) with `μⱼ > x₀`.
    pub above: usize,
    /// Number of μⱼ with `μⱼ = x₀`.
    pub equal: usize,
}

/// An exact stability certificate at an algebraic equilibrium (see the
/// module documentation). Serializes with exact values as strings and
/// polynomials as coefficient lists (lowest degree first).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AlgebraicCertificate {
    /// The instance.
    pub instance: InstanceRecord,
    /// The dynamics and its exact parameters.
    pub dynamics: Dynamics,
    /// `χ`.
    #[serde(serialize_with = "crate::exact::cert_serde::poly")]
    pub chi: UPoly,
    /// `H` (`S = H(t₀)/χ′(t₀)`), rows of coefficient lists.
    #[serde(serialize_with = "poly_matrix")]
    pub h: Vec<Vec<UPoly>>,
    /// The isolating interval `(lo, hi]` of `t₀` (as given).
    pub root_interval: (String, String),
    /// `t₀` to 20 significant digits.
    pub root_decimal: String,
    /// `S` at `t₀` in floating point, as decimal strings (for reading only).
    pub s_approx: Vec<Vec<String>>,
    /// Embedding dimension n.
    pub n: usize,
    /// Data dimension m.
    pub m: usize,
    /// The rank r of `S`, exact.
    pub rank: usize,
    /// `nr − r(r+1)/2`.
    pub orbit_dimension: usize,
    /// Every principal minor of `S` with its sign at `t₀` (all ≥ 0: PSD).
    pub principal_minors: Vec<PrincipalMinor>,
    /// The index set J (`det S_JJ ≠ 0`, |J| = r) of the coordinates.
    pub index_set: Vec<usize>,
    /// Size of the range block: `rm + r²` (`2rm + r²` for EMA).
    pub range_block_size: usize,
    /// The positive scale `c = f²d²e²` of `M̂ = c·G`, modulo χ.
    #[serde(serialize_with = "crate::exact::cert_serde::poly")]
    pub scale: UPoly,
    /// `det(yI − M̂)`, lowest degree first, coefficients modulo χ.
    #[serde(serialize_with = "crate::exact::cert_serde::polys")]
    pub charpoly: Vec<UPoly>,
    /// The proved dimension of the orbit of `S` under the data's symmetry
    /// group through the point (0 for an isolated solution; see
    /// [`certify_algebraic_on_family`]).
    pub family_dimension: usize,
    /// `r(r − 1)/2 + family_dimension`: the orbit directions inside the
    /// range block and the family's.
    pub expected_multiplicity: usize,
    /// The exact multiplicity of the eigenvalue 0 of `G` (1 of the map).
    pub multiplicity: usize,
    /// The root-location test of the quotient.
    pub test: AlgebraicRootTest,
    /// The closed forms (empty when n = r).
    pub closed_forms: Vec<ClosedFormCheck>,
    /// The exact μ count (maps with n > r).
    pub mu_check: Option<MuCheck>,
    /// How each part of the reduction from the full Jacobian to the range
    /// block and the closed forms is established: proved as a polynomial
    /// identity, checked exactly at this point, or resting on the hand
    /// derivation (see [`reduction`]).
    pub reduction: Vec<ReductionPart>,
    /// The verdict.
    pub verdict: Verdict,
}

pub(super) fn poly_matrix<S: Serializer>(
    h: &[Vec<UPoly>],
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    let mut seq = s.serialize_seq(Some(h.len()))?;
    for row in h {
        let r: Vec<Vec<String>> = row
            .iter()
            .map(|p| p.coeffs().iter().map(ToString::to_string).collect())
            .collect();
        seq.serialize_element(&r)?;
    }
    seq.end()
}

/// Exact stability certificate at the algebraic equilibrium `point` of
/// `inst` for `dynamics` (SG flow, EMA flow, SG map, EMA map; the GD flow is
/// refused). See the module documentation for every step and what the
/// verdict proves.
///
/// Errors: shapes, λ ≤ 0, invalid dynamics parameters, GD, m above
/// [`MAX_ALGEBRAIC_DIMENSION`], and a point that is not an exact PSD
/// solution of `S·G(S) = 0` of the declared rank at `t₀` (refused, with the
/// failing entry or minor); [`Error::Computation`] for internal
/// inconsistencies that the theory excludes.
pub fn certify_algebraic(
    inst: &Instance,
    point: &AlgebraicPoint,
    dynamics: &Dynamics,
) -> Result<AlgebraicCertificate> {
    certify_algebraic_on_family(inst, point, dynamics, 0)
}

/// [`certify_algebraic`] at a point of a positive-dimensional family of
/// solutions S generated by the data's symmetry group `H` (orthogonal Q
/// with `QᵀMxxQ = Mxx`, `QᵀMyxQ = Myx`; it acts by `A ↦ AQᵀ`, `C ↦ CQᵀ`
/// and leaves the SG and EMA dynamics invariant).
///
/// `family` must be a **proved lower bound** on the dimension of the
/// orbit `{QSQᵀ : Q ∈ H}` at the point, e.g. the rank modulo a prime of
/// `K ↦ [K, S]` on the Lie algebra of `H` at the image of `t₀`
/// ([`crate::variety::exact_dimension`]). The equilibria through the
/// point then contain the orbit of `O(n) × H`, a smooth manifold of
/// dimension `orbit + family` whose tangent space lies in the kernel of
/// the Jacobian. The certificate expects `r(r−1)/2 + family` zero
/// eigenvalues (eigenvalues 1 of a map) in the range block: when the
/// multiplicity is exactly that, the kernel is that tangent space, the
/// eigenvalue is semisimple, and the manifold is normally hyperbolic, so
/// the verdict (stable, saddle, unstable) holds modulo it exactly as
/// modulo the orbit at an isolated solution. Any other multiplicity is
/// reported as degenerate.
pub fn certify_algebraic_on_family(
    inst: &Instance,
    point: &AlgebraicPoint,
    dynamics: &Dynamics,
    family: usize,
) -> Result<AlgebraicCertificate> {
    let (generator, map_eta) = generator_of(dynamics)?;
    let mut p = prepare(inst, point)?;
    let (n, m, r) = (inst.n(), p.m, p.r);
    let (block, c) = build_block(inst, &mut p, &generator)?;
    let reduction = reduction_parts(
        inst,
        &mut p,
        &generator,
        &block,
        &c,
        dynamics,
        POINT_CHECK_WORK,
    )?;
    let size = block.rows;
    let desc = charpoly_desc(&p.qt, &block);
    let asc: Vec<QtElem> = desc.iter().rev().cloned().collect();
    let in_orbit = r * (r - 1) / 2;
    let expected = in_orbit + family;
    let multiplicity = tangent_multiplicity(&mut p.root, &asc, in_orbit, size)?;
    let quotient = &asc[multiplicity..];
    let test = range_test(&p.qt, &mut p.root, quotient, &c, map_eta.as_ref());
    let (closed, mu) = closed_forms(inst, &mut p, dynamics)?;
    let zeros = TangentCount {
        in_orbit,
        family,
        expected,
        multiplicity,
    };
    let verdict = decide(&zeros, size, map_eta.is_some(), &test, &closed);
    let root_decimal = point.root().decimal(20);
    let s = point.s_f64();
    Ok(AlgebraicCertificate {
        instance: InstanceRecord::of(inst),
        dynamics: dynamics.clone(),
        chi: point.chi().clone(),
        h: point.h().to_vec(),
        root_interval: (point.root().lo().to_string(), point.root().hi().to_string()),
        root_decimal,
        s_approx: (0..m)
            .map(|i| (0..m).map(|j| format!("{:.15e}", s[(i, j)])).collect())
            .collect(),
        n,
        m,
        rank: r,
        orbit_dimension: orbit_dimension(n, r),
        principal_minors: p.minors.clone(),
        index_set: p.index_set.clone(),
        range_block_size: size,
        scale: c.to_upoly(),
        charpoly: asc.iter().map(QtElem::to_upoly).collect(),
        family_dimension: family,
        expected_multiplicity: expected,
        multiplicity,
        test,
        closed_forms: closed,
        mu_check: mu,
        reduction,
        verdict,
    })
}

/// The algebraic multiplicity of the tangent eigenvalue (0 of a flow, 1 of
/// a map, i.e. the root `y = 0` of the range block's characteristic
/// polynomial `asc`, ascending coefficients) at `t₀`. The `O(r)`-orbit
/// forces its `in_orbit` lowest coefficients to vanish; a non-zero one is
/// an internal inconsistency.
fn tangent_multiplicity(
    root: &mut RealRoot,
    asc: &[QtElem],
    in_orbit: usize,
    size: usize,
) -> Result<usize> {
    for (i, coef) in asc.iter().enumerate().take(in_orbit) {
        if sign_at(root, coef) != Ordering::Equal {
            return Err(Error::Computation(format!(
                "the coefficient of y^{i} of the characteristic polynomial of the range block is non-zero at t₀, but the O(r)-orbit gives {in_orbit} zero eigenvalues"
            )));
        }
    }
    let mut multiplicity = in_orbit;
    while multiplicity < size && sign_at(root, &asc[multiplicity]) == Ordering::Equal {
        multiplicity += 1;
    }
    Ok(multiplicity)
}

/// The tangent eigenvalue of the range block: how many the orbit
/// (`in_orbit`) and the family (`family`) account for, their sum
/// `expected`, and the `multiplicity` found.
pub(super) struct TangentCount {
    pub(super) in_orbit: usize,
    pub(super) family: usize,
    pub(super) expected: usize,
    pub(super) multiplicity: usize,
}

/// `"; u eigenvalue(s) are strictly unstable…"` when `u > 0`, else empty.
fn unstable_note(u: usize) -> String {
    if u > 0 {
        format!("; {u} eigenvalue(s) are strictly unstable, so the point is unstable")
    } else {
        String::new()
    }
}

/// The verdict from the tangent count `zeros` of the range block (of
/// `size` rows; `is_map` for the maps, whose tangent eigenvalue is 1), its
/// root-location `test` on the quotient, and the `closed` forms off the
/// range block: degenerate on an unexpected multiplicity or an eigenvalue
/// on the boundary, otherwise from the counts.
pub(super) fn decide(
    zeros: &TangentCount,
    size: usize,
    is_map: bool,
    test: &AlgebraicRootTest,
    closed: &[ClosedFormCheck],
) -> Verdict {
    let k = size - zeros.multiplicity;
    let tau = if is_map { "1" } else { "0" };
    let closed_unstable: usize = closed.iter().map(|x| x.unstable).sum();
    let closed_stable: usize = closed.iter().map(|x| x.stable).sum();
    let closed_boundary: usize = closed.iter().map(|x| x.boundary).sum();
    if zeros.multiplicity != zeros.expected {
        let u = test.unstable.unwrap_or(0) + closed_unstable;
        Verdict::Degenerate {
            reason: format!(
                "{}{}",
                unexpected_multiplicity(zeros, tau),
                unstable_note(u)
            ),
        }
    } else if closed_boundary > 0 {
        let u = test.unstable.unwrap_or(0) + closed_unstable;
        let labels: Vec<&str> = closed
            .iter()
            .filter(|x| x.boundary > 0)
            .map(|x| x.label.as_str())
            .collect();
        Verdict::Degenerate {
            reason: format!(
                "{closed_boundary} closed-form eigenvalue(s) lie on the unit circle ({}){}",
                labels.join("; "),
                unstable_note(u)
            ),
        }
    } else {
        match (test.unstable, test.singular_at) {
            (Some(u_range), _) => {
                let unstable = u_range + closed_unstable;
                let stable = (k - u_range) + closed_stable;
                if unstable == 0 {
                    Verdict::Stable
                } else if stable == 0 {
                    Verdict::Unstable
                } else {
                    Verdict::Saddle { unstable, stable }
                }
            }
            (None, at) => Verdict::Degenerate {
                reason: singular_test(at, is_map, closed_unstable),
            },
        }
    }
}

/// Why a tangent multiplicity other than the expected one is degenerate
/// (`tau` the tangent eigenvalue, 0 or 1).
fn unexpected_multiplicity(zeros: &TangentCount, tau: &str) -> String {
    let TangentCount {
        in_orbit,
        family,
        expected,
        multiplicity,
    } = *zeros;
    let directions = if family == 0 {
        format!("the {expected} orbit directions inside it")
    } else {
        format!(
            "the {expected} directions inside it of the orbit ({in_orbit}) and of the family ({family})"
        )
    };
    let (what, why) = if multiplicity > expected {
        (
            "more than",
            "a neutral direction transverse to the equilibria or a Jordan block",
        )
    } else {
        (
            "fewer than",
            "the family's neutral directions are not all in the range block, so the count is not decided here",
        )
    };
    format!(
        "the range block has the eigenvalue {tau} with algebraic multiplicity {multiplicity}, {what} {directions}: {why}"
    )
}

/// Why the root-location test decided nothing: the eigenvalue −1 of a map
/// (`at = Some(0)`) or the vanishing Hurwitz determinant `Δ_at`, plus
/// [`unstable_note`] of the `closed_unstable` closed-form eigenvalues.
fn singular_test(at: Option<usize>, is_map: bool, closed_unstable: usize) -> String {
    if at == Some(0) {
        "the range block has the eigenvalue −1 (the bilinear transform loses degree): a non-tangent eigenvalue on the unit circle".to_owned()
    } else {
        format!(
            "the Hurwitz determinant Δ_{} of the {} vanishes at t₀: some non-tangent eigenvalue of the range block is not strictly stable or the test is singular; the counts are not determined{}",
            at.unwrap_or(0),
            if is_map {
                "bilinear transform of the quotient"
            } else {
                "quotient χ/y^d"
            },
            unstable_note(closed_unstable)
        )
    }
}

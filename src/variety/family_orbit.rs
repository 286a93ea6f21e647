//! The family through a solution that commutes with commuting data: its
//! equations cut out exactly the family's real points, and its degree,
//! exactly.
//!
//! When Mxx and Myx are symmetric, commute and have rational joint
//! eigenvalues, R^m is the orthogonal sum of the joint eigenspaces E_j
//! (distinct pairs `(ρ_j, τ_j)`, rational bases B_j), and the data's
//! symmetry group is `H = ∏_j O(E_j)`: an orthogonal Q commutes with Mxx and
//! Myx exactly when it maps every E_j onto itself. Let S₀ be a solution that
//! commutes with the data (checked exactly over `Q(t₀) = Q[t]/φ`), so that S₀
//! maps every E_j into itself. Its H-orbit is
//!
//! ```text
//! H·S₀ = { S symmetric : S·E_j ⊆ E_j for every j, and the characteristic
//!          polynomial of S on E_j is that of S₀ on E_j }
//! ```
//!
//! over the reals: "⊆" because Q ∈ H preserves every E_j and conjugates the
//! restrictions; "⊇" because a real symmetric S that preserves the E_j is
//! the orthogonal sum of its symmetric restrictions, each diagonalized by an
//! orthogonal map of E_j to the same diagonal form as S₀'s. These are the
//! **defining equations** reported, in the coordinates `T = V⁻¹SV` of the
//! basis `V = [B_1 | B_2 | …]`: the entries of T outside the diagonal blocks
//! vanish (linear, over Q), and the coefficients `e_k(T_jj)` of each block's
//! characteristic polynomial equal their values at S₀, in Q(t₀). They cut
//! out the orbit H·S₀ exactly (a proof, for any such data, not only
//! isotropic), and the stratum contains it (the stratum is H-invariant).
//!
//! **Degree.** Over C the Zariski closure of H·S₀ is the product over j of
//! the closures of the `SO(E_j, C)`-orbits of the restrictions (the real
//! points of the connected group SO(E_j) are Zariski-dense in its
//! complexification, and O- and SO-orbits of symmetric matrices coincide),
//! embedded by the injective linear map `T ↦ VTV⁻¹`. The degree of a
//! product of affine varieties is the product of the degrees (its affine
//! Hilbert function is the convolution of the factors'), and a linear
//! embedding keeps it. For the restriction to a k-dimensional E_j with
//! eigenvalue multiplicities μ:
//! - μ = (k), a multiple of the identity: a point, degree 1;
//! - μ = (1, …, 1), distinct eigenvalues: the orbit is the whole fibre of
//!   the characteristic map `(e_1, …, e_k)` (a complex symmetric matrix
//!   with distinct eigenvalues is diagonalized by a complex orthogonal
//!   matrix), a complete intersection whose top-degree forms `e_i` meet
//!   only in the nilpotent cone, of codimension k (Kostant–Rallis): degree
//!   `1·2·…·k = k!`;
//! - μ = (k − 1, 1): `S = aI + c·vvᵀ` with `vᵀv = 1`, the translate of the
//!   rank-one symmetric matrices of trace c ≠ 0, a hyperplane section (away
//!   from the vertex) of the cone over the Veronese variety `v₂(P^{k−1})`:
//!   degree `2^{k−1}`.
//!
//! Together these cover every block of size k ≤ 3; other multiplicity
//! patterns (k ≥ 4) are reported as not computed. The multiplicities are
//! decided exactly: the restriction is real symmetric, so its eigenvalues
//! are all equal iff `Σ_{a<b} (λ_a − λ_b)² = (k − 1)·e_1² − 2k·e_2`
//! vanishes, and distinct iff the discriminant does not vanish; each is a
//! polynomial in the block's entries, tested for zero in `Q[t]/φ`.
//!
//! The dimension of the orbit, `Σ_j [k_j(k_j − 1) − Σ μ(μ − 1)]/2`, must
//! equal the family's proved local dimension; otherwise the family is larger
//! than the orbit and nothing here applies.

use num_bigint::BigInt;
use num_rational::BigRational;
use serde::Serialize;

use super::families::JointSpace;
use super::strata::{Substituted, field_line, sub_rows, value_in_field};
use super::zerodim::Rur;
use crate::error::{Error, Result};
use crate::exact::qt::{Qt, QtElem};
use crate::exact::{RealRoot, UPoly};
use crate::model::{Instance, RationalMatrix, subsets};

/// The equations of one joint eigenspace E_j of the data, at the family.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SpaceEquations {
    /// Eigenvalue of Mxx on E_j.
    pub rho: String,
    /// Eigenvalue of Myx on E_j.
    pub tau: String,
    /// A rational basis of E_j (the columns of V for this block).
    pub basis: Vec<Vec<String>>,
    /// `e_k(S|E_j) = value` for k = 1, …, dim E_j: the coefficients of the
    /// characteristic polynomial of S restricted to E_j (of the diagonal
    /// block of `V⁻¹SV`), over Q(t₀).
    pub coefficients: Vec<String>,
    /// Multiplicities of the distinct eigenvalues of S₀ on E_j, largest
    /// first (exact).
    pub multiplicities: Vec<usize>,
    /// The degree of the orbit of S₀'s restriction (`None` when not known
    /// for this multiplicity pattern).
    pub degree: Option<usize>,
}

/// A family's equations that cut out exactly its real points, and its
/// degree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OrbitEquations {
    /// The joint eigenspaces, in the order of V's columns. With more than
    /// one, S must also map each into itself: the entries of `V⁻¹SV`
    /// outside the diagonal blocks vanish (equivalently `S·P_j = P_j·S`
    /// for the orthogonal projectors P_j).
    pub spaces: Vec<SpaceEquations>,
    /// "where t₀ ≈ … is the root of φ in [a, b]" when some value is not a
    /// rational number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The orbit's dimension `Σ_j [k_j(k_j − 1) − Σ μ(μ − 1)]/2`.
    pub dimension: usize,
    /// The family's degree, the product of the spaces' (`None` when one is
    /// unknown).
    pub degree: Option<usize>,
}

/// What the block form gave for a family.
#[derive(Clone, Debug)]
pub enum OrbitForm {
    /// The equations cut out exactly the family's real points.
    Proved(OrbitEquations),
    /// Not applicable here, and why.
    NotApplicable(String),
}

/// The block form of the family of dimension `dimension` (proved) through
/// the solution at the root `root` of `phi` (an irreducible factor of
/// `rur.chi`), given the data's [`joint_eigenspaces`] (`None` when they are
/// not symmetric commuting moments with rational joint eigenvalues);
/// `NotApplicable` with the reason when there are none, when S₀ does not
/// commute with the data, or when the orbit's dimension is not the
/// family's.
///
/// [`joint_eigenspaces`]: super::families::joint_eigenspaces
pub fn orbit_form(
    inst: &Instance,
    spaces: Option<&[JointSpace]>,
    rur: &Rur,
    phi: &UPoly,
    root: &RealRoot,
    dimension: usize,
) -> Result<OrbitForm> {
    let Some(spaces) = spaces else {
        return Ok(OrbitForm::NotApplicable(
            "the data are not symmetric commuting moments with rational joint eigenvalues".into(),
        ));
    };
    let m = inst.m();
    let ring = Qt::new(phi).ok_or_else(|| Error::Computation("a constant factor of χ".into()))?;
    let sub = Substituted::in_ring(ring, rur, m)?;
    let cols: Vec<&Vec<BigRational>> = spaces.iter().flat_map(|s| s.basis.iter()).collect();
    let v = RationalMatrix::from_fn(m, m, |i, j| cols[j][i].clone());
    let v_inv = v
        .inverse()
        .ok_or_else(|| Error::Computation("the joint eigenvectors are not a basis".into()))?;
    // T = V⁻¹·H·V, H = χ'(t₀)·S₀.
    let t = sub.scalar_mul(&v_inv, &sub.scalar_mul(&v, &sub.h, false), true);
    let blocks = block_indices(spaces);
    let r = &sub.ring;
    for (a, ba) in blocks.iter().enumerate() {
        for (b, bb) in blocks.iter().enumerate() {
            if a != b && ba.iter().any(|&i| bb.iter().any(|&j| !t[i][j].is_zero())) {
                return Ok(OrbitForm::NotApplicable(
                    "S does not commute with the data at this point".into(),
                ));
            }
        }
    }
    let dchi_inv =
        rur.chi.derivative().inverse_mod(phi).ok_or_else(|| {
            Error::Computation("χ' is not invertible modulo the factor at t₀".into())
        })?;
    let (mut out, mut uses_t0, mut orbit_dim) = (Vec::new(), false, 0);
    for (space, idx) in spaces.iter().zip(&blocks) {
        let k = idx.len();
        let block = sub_rows(&t, idx, idx);
        // c_i = e_i(T_jj)·χ'^i: sums of principal i-minors, homogeneous of
        // degree i in H.
        let c: Vec<QtElem> = (1..=k)
            .map(|i| {
                subsets(k, i)
                    .iter()
                    .map(|set| sub.det(&sub_rows(&block, set, set)))
                    .fold(r.zero(), |acc, x| r.add(&acc, &x))
            })
            .collect();
        let Some(multiplicities) = multiplicities(r, &c) else {
            return Ok(OrbitForm::NotApplicable(format!(
                "a joint eigenspace of dimension {k}: eigenvalue multiplicities above 3×3 blocks are not implemented"
            )));
        };
        orbit_dim += (k * (k - 1) - multiplicities.iter().map(|u| u * (u - 1)).sum::<usize>()) / 2;
        let mut coefficients = Vec::new();
        for (i, ci) in c.iter().enumerate() {
            let value = value_in_field(&ci.to_upoly(), i as u32 + 1, &dchi_inv, phi)?;
            uses_t0 |= value.degree().is_some_and(|d| d > 0);
            coefficients.push(format!("e_{}(S|E) = {}", i + 1, value.to_string_in("t₀")));
        }
        out.push(SpaceEquations {
            rho: space.rho.to_string(),
            tau: space.tau.to_string(),
            basis: space
                .basis
                .iter()
                .map(|b| b.iter().map(ToString::to_string).collect())
                .collect(),
            coefficients,
            degree: orbit_degree(&multiplicities),
            multiplicities,
        });
    }
    if orbit_dim != dimension {
        return Ok(OrbitForm::NotApplicable(format!(
            "the orbit of S under the data's symmetry group has dimension {orbit_dim}, the family {dimension}: the family is larger than the orbit"
        )));
    }
    let degree = out
        .iter()
        .map(|s| s.degree)
        .try_fold(1usize, |acc, d| d.map(|d| acc * d));
    let field = uses_t0.then(|| field_line(phi, root));
    Ok(OrbitForm::Proved(OrbitEquations {
        spaces: out,
        field,
        dimension: orbit_dim,
        degree,
    }))
}

/// The index ranges of the spaces' columns in V.
fn block_indices(spaces: &[JointSpace]) -> Vec<Vec<usize>> {
    let mut start = 0;
    spaces
        .iter()
        .map(|s| {
            let idx: Vec<usize> = (start..start + s.basis.len()).collect();
            start += s.basis.len();
            idx
        })
        .collect()
}

/// The multiplicities of the distinct eigenvalues of a real symmetric k×k
/// block from `c_i = e_i·χ'^i` (exact zero tests in `Q[t]/φ`, on
/// expressions homogeneous in the c's weighted by i, so the common factor
/// χ' does not matter), largest first; `None` for a block of size k ≥ 4
/// whose eigenvalues are not all equal (not implemented).
fn multiplicities(r: &Qt, c: &[QtElem]) -> Option<Vec<usize>> {
    let k = c.len();
    let int = |v: i64| BigRational::from_integer(BigInt::from(v));
    let mul = |a: &QtElem, b: &QtElem| r.mul(a, b);
    if k == 1 {
        return Some(vec![1]);
    }
    // Σ_{a<b} (λ_a − λ_b)² = (k − 1)·e_1² − 2k·e_2: zero iff all equal.
    let spread = r.sub(
        &r.scale(&mul(&c[0], &c[0]), &int(k as i64 - 1)),
        &r.scale(&c[1], &int(2 * k as i64)),
    );
    if spread.is_zero() {
        return Some(vec![k]);
    }
    let disc = match k {
        2 => spread.clone(),
        3 => {
            // e1²e2² − 4e2³ − 4e1³e3 + 18e1e2e3 − 27e3².
            let (e1, e2, e3) = (&c[0], &c[1], &c[2]);
            let e1e2 = mul(e1, e2);
            let terms = [
                (mul(&e1e2, &e1e2), 1),
                (mul(&mul(e2, e2), e2), -4),
                (mul(&mul(&mul(e1, e1), e1), e3), -4),
                (mul(&e1e2, e3), 18),
                (mul(e3, e3), -27),
            ];
            terms
                .iter()
                .fold(r.zero(), |acc, (x, w)| r.add(&acc, &r.scale(x, &int(*w))))
        }
        _ => return None,
    };
    Some(if disc.is_zero() {
        // k = 3, neither all equal nor distinct.
        vec![2, 1]
    } else {
        vec![1; k]
    })
}

/// The degree of the orbit of a symmetric operator with eigenvalue
/// multiplicities `mu` (see the module's documentation), when known.
pub fn orbit_degree(mu: &[usize]) -> Option<usize> {
    let k: usize = mu.iter().sum();
    match mu {
        [_] => Some(1),
        _ if mu.iter().all(|&u| u == 1) => Some((1..=k).product()),
        [a, 1] if *a == k - 1 => Some(1 << (k - 1)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orbit_degrees_of_the_classical_cases() {
        // Conic, Veronese surface, regular 3×3 orbit (1·2·3), a point.
        assert_eq!(orbit_degree(&[1, 1]), Some(2));
        assert_eq!(orbit_degree(&[2, 1]), Some(4));
        assert_eq!(orbit_degree(&[1, 1, 1]), Some(6));
        assert_eq!(orbit_degree(&[3]), Some(1));
        assert_eq!(orbit_degree(&[1, 1, 1, 1]), Some(24));
        assert_eq!(orbit_degree(&[3, 1]), Some(8));
        assert_eq!(orbit_degree(&[2, 2]), None);
    }

    #[test]
    fn multiplicities_are_read_exactly() {
        // Over Q[t]/(t − 1): blocks with eigenvalues (2, 2, 5), (1, 2, 3),
        // (4, 4, 4) and (3, 3), (1, 3).
        let ring = Qt::new(&UPoly::from_ints(&[-1, 1])).unwrap();
        let es = |roots: &[i64]| -> Vec<QtElem> {
            let p = UPoly::from_roots(
                &roots
                    .iter()
                    .map(|&x| BigRational::from_integer(x.into()))
                    .collect::<Vec<_>>(),
            );
            // p = Σ (−1)^i e_i x^{k−i}, coefficients low to high.
            let k = roots.len();
            (1..=k)
                .map(|i| {
                    let c = p.coeffs()[k - i].clone();
                    let e = if i % 2 == 0 { c } else { -c };
                    ring.constant(&e)
                })
                .collect()
        };
        assert_eq!(multiplicities(&ring, &es(&[2, 2, 5])).unwrap(), vec![2, 1]);
        assert_eq!(
            multiplicities(&ring, &es(&[1, 2, 3])).unwrap(),
            vec![1, 1, 1]
        );
        assert_eq!(multiplicities(&ring, &es(&[4, 4, 4])).unwrap(), vec![3]);
        assert_eq!(multiplicities(&ring, &es(&[3, 3])).unwrap(), vec![2]);
        assert_eq!(multiplicities(&ring, &es(&[1, 3])).unwrap(), vec![1, 1]);
    }
}

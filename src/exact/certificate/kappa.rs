//! The stability of the EMA flow for all teacher rates κ > 0 at once
//! ([`certify_ema_all_kappa`]).

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
use serde::Serialize;

use super::orbit::{kernel_data, neutral_mismatch};
use crate::error::{Error, Result};
use crate::exact::jacobian::{Dynamics, displacement, jacobian};
use crate::exact::linalg::{charpoly, rank};
use crate::exact::roots::{RealRoot, between, positive_roots};
use crate::exact::stability::{hurwitz_determinants, routh};
use crate::exact::upoly::{UPoly, eval_fast, integer_nodes, interpolate};
use crate::model::{Instance, InstanceRecord, RationalMatrix, orbit_dimension};

/// Largest Jacobian size [`certify_ema_all_kappa`] accepts: the Hurwitz
/// determinants have κ-degree up to about `(size)·nm`, each needing that
/// many exact evaluations.
pub const MAX_KAPPA_JACOBIAN: usize = 40;

/// A real root of one of the κ-polynomials of a [`KappaCertificate`]: its
/// squarefree polynomial and an isolating interval.
#[derive(Clone, Debug, Serialize)]
pub struct RootRecord {
    /// The squarefree monic polynomial in κ it is a root of.
    pub polynomial: String,
    /// Lower end of the isolating interval (excluded unless `lo = hi`).
    #[serde(serialize_with = "crate::exact::cert_serde::rational")]
    pub lo: BigRational,
    /// Upper end of the isolating interval.
    #[serde(serialize_with = "crate::exact::cert_serde::rational")]
    pub hi: BigRational,
    /// 12 correctly rounded significant digits.
    pub decimal: String,
    #[serde(skip)]
    root: RealRoot,
}

impl RootRecord {
    fn new(root: RealRoot) -> Self {
        Self {
            polynomial: root.poly().to_string_in("kappa"),
            lo: root.lo().clone(),
            hi: root.hi().clone(),
            decimal: root.decimal(12),
            root,
        }
    }

    /// The exact root.
    pub fn root(&self) -> &RealRoot {
        &self.root
    }
}

/// One Hurwitz condition `Δ_k(κ) > 0` of a [`KappaCertificate`].
#[derive(Clone, Debug, Serialize)]
pub struct HurwitzCondition {
    /// `k` (1-based).
    pub index: usize,
    /// The proven degree bound used for interpolation.
    pub degree_bound: usize,
    /// `Δ_k(κ)`, coefficients lowest degree first.
    #[serde(serialize_with = "crate::exact::cert_serde::poly")]
    pub determinant: UPoly,
    /// Number of distinct real roots in `(0, ∞)`.
    pub positive_roots: usize,
    /// Sign of `Δ_k(1)`: −1, 0 or 1.
    pub sign_at_one: i8,
}

/// An open interval of κ between consecutive critical values (roots of the
/// constant term or of a Hurwitz determinant), on which stability does not
/// change.
#[derive(Clone, Debug, Serialize)]
pub struct KappaRegion {
    /// Lower end (`None`: 0).
    pub lower: Option<RootRecord>,
    /// Upper end (`None`: ∞).
    pub upper: Option<RootRecord>,
    /// A rational point of the interval where the signs were evaluated.
    #[serde(serialize_with = "crate::exact::cert_serde::rational")]
    pub sample: BigRational,
    /// Whether the EMA flow is stable modulo the orbit on the whole
    /// interval.
    pub stable: bool,
    /// Indices `k` with `Δ_k(sample) ≤ 0`.
    pub failing: Vec<usize>,
    /// Routh count of unstable eigenvalues at the sample (`None` if the
    /// array is singular there).
    pub unstable_at_sample: Option<usize>,
}

/// What [`certify_ema_all_kappa`] proves.
///
/// Not a [`crate::model::StabilityVerdict`]: it quantifies over every κ > 0
/// (stable for all, some or no κ), where a stability class is about one
/// dynamics.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
pub enum KappaVerdict {
    /// Stable modulo the orbit for every κ > 0.
    StableForAllKappa,
    /// Stable exactly on the regions marked stable (critical values
    /// isolated exactly; at the critical values themselves not stable).
    StableForSomeKappa,
    /// Stable for no κ > 0.
    StableForNoKappa,
    /// The neutral directions are not exactly the orbit's (for every κ > 0).
    Degenerate {
        /// What failed.
        reason: String,
    },
}

/// A proof about the EMA flow at an SG equilibrium (teacher `C = A`) for all
/// κ > 0 at once (see [`certify_ema_all_kappa`]).
#[derive(Clone, Debug, Serialize)]
pub struct KappaCertificate {
    /// The instance.
    pub instance: InstanceRecord,
    /// The encoder `A`.
    #[serde(serialize_with = "crate::exact::cert_serde::matrix")]
    pub a: RationalMatrix,
    /// The predictor `B`.
    #[serde(serialize_with = "crate::exact::cert_serde::matrix")]
    pub b: RationalMatrix,
    /// `rank A`.
    pub rank: usize,
    /// The orbit dimension `d`.
    pub orbit_dimension: usize,
    /// Size `2nm + n²` of the Jacobian.
    pub state_dimension: usize,
    /// `J(κ) = J₀ + κ J₁`: the κ-free part.
    #[serde(serialize_with = "crate::exact::cert_serde::matrix")]
    pub j0: RationalMatrix,
    /// The κ part (non-zero only in the rows of C).
    #[serde(serialize_with = "crate::exact::cert_serde::matrix")]
    pub j1: RationalMatrix,
    /// The interpolation nodes of the characteristic polynomial (the last
    /// one only checks).
    #[serde(serialize_with = "crate::exact::serde_util::rationals")]
    pub charpoly_nodes: Vec<BigRational>,
    /// The coefficient of `tᵏ` in `det(tI − J(κ))` as a polynomial in κ,
    /// `k = 0..=size`.
    #[serde(serialize_with = "crate::exact::cert_serde::polys")]
    pub charpoly: Vec<UPoly>,
    /// `dim ker J(κ)`, the same for every κ > 0.
    pub kernel_dimension: usize,
    /// Dimension of the span of the orbit tangent vectors.
    pub tangent_rank: usize,
    /// Whether they lie in `ker J(κ)` (for every κ > 0).
    pub tangent_in_kernel: bool,
    /// The coefficient of `t^d`, i.e. the constant term of the quotient.
    #[serde(serialize_with = "crate::exact::cert_serde::poly")]
    pub constant_term: UPoly,
    /// Its number of distinct real roots in `(0, ∞)`.
    pub constant_term_positive_roots: usize,
    /// Number of interpolation nodes `κ = 0, 1, 2, …` used for the Hurwitz
    /// determinants (one more checks the highest-degree ones).
    pub hurwitz_nodes: usize,
    /// The Hurwitz conditions of the quotient `χ/t^d`.
    pub hurwitz: Vec<HurwitzCondition>,
    /// The κ-intervals between critical values and their stability.
    pub regions: Vec<KappaRegion>,
    /// The verdict.
    pub verdict: KappaVerdict,
}

impl KappaCertificate {
    /// Whether the certificate proves stability at `kappa` (`None` for a
    /// [`KappaVerdict::Degenerate`] certificate or `kappa ≤ 0`): the
    /// constant term is non-zero and every Hurwitz determinant positive at
    /// `kappa`.
    pub fn stable_at(&self, kappa: &BigRational) -> Option<bool> {
        if matches!(self.verdict, KappaVerdict::Degenerate { .. }) || !kappa.is_positive() {
            return None;
        }
        Some(
            !self.constant_term.eval(kappa).is_zero()
                && self
                    .hurwitz
                    .iter()
                    .all(|h| h.determinant.eval(kappa).is_positive()),
        )
    }

    /// A readable summary of where the flow is stable: maximal intervals,
    /// non-stable regions merged with the critical values between them
    /// (which are never stable), e.g.
    /// `stable on (0, 0.107559007046); not stable on [0.107559007046, ∞)`.
    pub fn summary(&self) -> String {
        if let KappaVerdict::Degenerate { reason } = &self.verdict {
            return format!("degenerate for every κ > 0: {reason}");
        }
        let end = |r: Option<&RootRecord>, zero: &str| {
            r.map_or_else(|| zero.to_owned(), |x| x.decimal.clone())
        };
        let mut parts: Vec<String> = Vec::new();
        let mut i = 0;
        while i < self.regions.len() {
            let first = &self.regions[i];
            if first.stable {
                parts.push(format!(
                    "stable on ({}, {})",
                    end(first.lower.as_ref(), "0"),
                    end(first.upper.as_ref(), "∞")
                ));
                i += 1;
                continue;
            }
            let mut j = i;
            while j + 1 < self.regions.len() && !self.regions[j + 1].stable {
                j += 1;
            }
            let last = &self.regions[j];
            let open = if first.lower.is_some() { "[" } else { "(" };
            let close = if last.upper.is_some() { "]" } else { ")" };
            parts.push(format!(
                "not stable on {open}{}, {}{close}",
                end(first.lower.as_ref(), "0"),
                end(last.upper.as_ref(), "∞")
            ));
            i = j + 1;
        }
        parts.join("; ")
    }

    /// The region containing `kappa > 0` (`None` at a critical value).
    pub fn region_of(&self, kappa: &BigRational) -> Option<&KappaRegion> {
        self.regions.iter().find(|r| {
            let above = r
                .lower
                .as_ref()
                .is_none_or(|l| l.root.compare_rational(kappa) == Ordering::Less);
            let below = r
                .upper
                .as_ref()
                .is_none_or(|u| u.root.compare_rational(kappa) == Ordering::Greater);
            above && below && kappa.is_positive()
        })
    }
}

fn sign(x: &BigRational) -> i8 {
    if x.is_positive() {
        1
    } else if x.is_negative() {
        -1
    } else {
        0
    }
}
/// Exact stability of the EMA flow at the SG equilibrium `(A, B)` (teacher
/// `C = A`) for **all** κ > 0 at once.
///
/// # Method
///
/// `J(κ) = J₀ + κJ₁`, where `J₁` is non-zero only in the `nm` rows of `C`
/// (`Ċ = κ(A − C)`), so every coefficient of `χ(t, κ) = det(tI − J(κ))` is a
/// polynomial in κ of degree ≤ nm (expand the determinant along those
/// rows). It is computed exactly at the `nm + 1` nodes `κ = 0, 1, …, nm`,
/// interpolated, and checked at one more node.
///
/// *Neutral directions.* For κ ≠ 0, `J(κ)v = 0` forces `v_C = v_A` (rows of
/// C) and then the rows of A and B do not involve κ: `ker J(κ)` is the same
/// for every κ > 0, so its dimension and whether it contains the orbit
/// tangent are decided once, at κ = 1. The coefficients of `t⁰, …, t^{d−1}`
/// must vanish identically (d = orbit dimension, checked), and the algebraic
/// multiplicity of 0 is exactly d wherever the constant term `c_d(κ)` of
/// the quotient `q(t, κ) = χ/t^d` is non-zero.
///
/// *Hurwitz conditions.* `q` is monic in t, so for a given κ all its roots
/// lie in the open left half-plane iff every Hurwitz determinant
/// `Δ_k(κ) > 0`. Each `Δ_k` is a polynomial in κ; a degree bound follows
/// from the κ-degrees of the entries of the Hurwitz matrix (the smaller of
/// the sums of the row and of the column maxima), and `Δ_k` is interpolated
/// from exact evaluations at that many nodes, checked at further nodes.
///
/// *Regions.* The positive real roots of `c_d` and of every `Δ_k` are
/// isolated exactly; between consecutive ones all signs are constant, so
/// evaluating at one rational point of each open interval decides it. At
/// the critical values themselves some `Δ_k` or `c_d` vanishes, so the flow
/// is not stable there. With no critical value at all, stability for all
/// κ > 0 is proven by the signs at κ = 1.
///
/// Errors when the point is not an SG equilibrium or the Jacobian is larger
/// than [`MAX_KAPPA_JACOBIAN`].
pub fn certify_ema_all_kappa(
    inst: &Instance,
    a: &RationalMatrix,
    b: &RationalMatrix,
) -> Result<KappaCertificate> {
    let (n, m) = (inst.n(), inst.m());
    let nm = n * m;
    let size = 2 * nm + n * n;
    check_sg_equilibrium(inst, a, b, size, nm)?;
    let r = rank(a);
    let d = orbit_dimension(n, r);
    let (j0, j1, j_1) = affine_jacobian(inst, a, b)?;
    let (cp_nodes, charpoly_k) = charpoly_in_kappa(&j0, &j1, nm, size, d)?;
    let quotient: Vec<UPoly> = charpoly_k[d..].to_vec();
    let constant_term = quotient[0].clone();

    let (kernel, _tangent, tangent_rank, tangent_in_kernel) =
        kernel_data(&j_1, &BigRational::zero(), a, b, true)?;

    let bounds = hurwitz_degree_bounds(&quotient);
    let max_bound = bounds.iter().copied().max().unwrap_or(0);
    let mut critical: Vec<RealRoot> = positive_roots(&constant_term);
    let constant_term_positive_roots = critical.len();
    let hurwitz = hurwitz_conditions(&quotient, &bounds, &mut critical)?;

    let regions = kappa_regions(&hurwitz, &quotient, &constant_term, critical);

    let verdict = if let Some(reason) =
        neutral_mismatch(d, kernel.len(), tangent_rank, tangent_in_kernel, d, "0")
    {
        KappaVerdict::Degenerate { reason }
    } else if constant_term.is_zero() {
        KappaVerdict::Degenerate {
            reason: format!(
                "the coefficient of t^{d} of det(tI − J(κ)) vanishes identically: the eigenvalue 0 has algebraic multiplicity > {d} = orbit dimension for every κ (not semisimple)"
            ),
        }
    } else if regions.iter().all(|r| r.stable) {
        KappaVerdict::StableForAllKappa
    } else if regions.iter().any(|r| r.stable) {
        KappaVerdict::StableForSomeKappa
    } else {
        KappaVerdict::StableForNoKappa
    };
    Ok(KappaCertificate {
        instance: InstanceRecord::of(inst),
        a: a.clone(),
        b: b.clone(),
        rank: r,
        orbit_dimension: d,
        state_dimension: size,
        j0,
        j1,
        charpoly_nodes: cp_nodes,
        charpoly: charpoly_k,
        kernel_dimension: kernel.len(),
        tangent_rank,
        tangent_in_kernel,
        constant_term,
        constant_term_positive_roots,
        hurwitz_nodes: max_bound + 1,
        hurwitz,
        regions,
        verdict,
    })
}

/// The κ-axis cut at the sorted, deduplicated `critical` values: for each
/// open interval, its sample point, whether the flow is stable there, the
/// failing Hurwitz conditions and the Routh count at the sample.
fn kappa_regions(
    hurwitz: &[HurwitzCondition],
    quotient: &[UPoly],
    constant_term: &UPoly,
    mut critical: Vec<RealRoot>,
) -> Vec<KappaRegion> {
    critical.sort_by(|x, y| x.compare(y));
    critical.dedup_by(|x, y| x.compare(y) == Ordering::Equal);
    let evaluate = |k: &BigRational| -> (bool, Vec<usize>, Option<usize>) {
        let failing: Vec<usize> = hurwitz
            .iter()
            .filter(|h| !eval_fast(&h.determinant, k).is_positive())
            .map(|h| h.index)
            .collect();
        let stable = failing.is_empty() && !eval_fast(constant_term, k).is_zero();
        (
            stable,
            failing,
            routh(&quotient_at(quotient, k)).right_half_plane,
        )
    };
    let samples = region_samples(&mut critical);
    let records: Vec<RootRecord> = critical.into_iter().map(RootRecord::new).collect();
    samples
        .into_iter()
        .enumerate()
        .map(|(i, sample)| {
            let (stable, failing, unstable_at_sample) = evaluate(&sample);
            KappaRegion {
                lower: i.checked_sub(1).map(|j| records[j].clone()),
                upper: records.get(i).cloned(),
                sample,
                stable,
                failing,
                unstable_at_sample,
            }
        })
        .collect()
}

/// Refuses a Jacobian larger than [`MAX_KAPPA_JACOBIAN`] and a point that
/// is not an exact SG equilibrium.
fn check_sg_equilibrium(
    inst: &Instance,
    a: &RationalMatrix,
    b: &RationalMatrix,
    size: usize,
    nm: usize,
) -> Result<()> {
    if size > MAX_KAPPA_JACOBIAN {
        return Err(Error::InvalidParameter {
            name: "Jacobian size 2nm + n²".to_owned(),
            value: size.to_string(),
            expected: format!(
                "at most {MAX_KAPPA_JACOBIAN} for the all-κ certificate (the Hurwitz determinants have κ-degree up to about size·nm = {}, too expensive beyond that); certify individual κ with certify instead",
                size * nm
            ),
        });
    }
    let residual = displacement(inst, &Dynamics::StopGradient, a, b, None)?;
    if residual.iter().any(|x| !x.is_zero()) {
        return Err(Error::Computation(format!(
            "the point is not an exact SG equilibrium of {} (non-zero velocity), so it is not an EMA equilibrium with C = A for any κ",
            inst.name()
        )));
    }
    Ok(())
}

/// `(J₀, J₁, J(1))` with `J(κ) = J₀ + κJ₁` the EMA Jacobian, from `J(1)` and
/// `J(2)`; the affine form is checked at κ = 3.
fn affine_jacobian(
    inst: &Instance,
    a: &RationalMatrix,
    b: &RationalMatrix,
) -> Result<(RationalMatrix, RationalMatrix, RationalMatrix)> {
    let kappa = |k: i64| Dynamics::Ema {
        kappa: BigRational::from_integer(BigInt::from(k)),
    };
    let j_1 = jacobian(inst, kappa(1), a, b, None)?;
    let j_2 = jacobian(inst, kappa(2), a, b, None)?;
    let j1 = j_2.sub(&j_1);
    let j0 = j_1.sub(&j1);
    // Linearity in κ, checked at κ = 3.
    let three = BigRational::from_integer(3.into());
    if jacobian(inst, kappa(3), a, b, None)? != j0.add(&j1.scale(&three)) {
        return Err(Error::Computation(
            "the EMA Jacobian is not affine in κ (J(3) ≠ J₀ + 3J₁)".to_owned(),
        ));
    }
    Ok((j0, j1, j_1))
}

/// The coefficients of `det(tI − J₀ − κJ₁)` as polynomials in κ (degree ≤
/// nm), interpolated at the nodes `0, …, nm` and checked at `nm + 1`; the
/// first `d` (the orbit dimension) must vanish identically. Returns the
/// nodes and the coefficients.
fn charpoly_in_kappa(
    j0: &RationalMatrix,
    j1: &RationalMatrix,
    nm: usize,
    size: usize,
    d: usize,
) -> Result<(Vec<BigRational>, Vec<UPoly>)> {
    let cp_nodes = integer_nodes(nm + 2);
    let values: Vec<UPoly> = cp_nodes
        .iter()
        .map(|k| charpoly(&j0.add(&j1.scale(k))))
        .collect::<Result<_>>()?;
    let coeff = |p: &UPoly, i: usize| p.coeffs().get(i).cloned().unwrap_or_default();
    let charpoly_k: Vec<UPoly> = (0..=size)
        .map(|i| {
            let ys: Vec<BigRational> = values[..=nm].iter().map(|p| coeff(p, i)).collect();
            interpolate(&ys)
        })
        .collect();
    let check = &cp_nodes[nm + 1];
    for (i, c) in charpoly_k.iter().enumerate() {
        if c.eval(check) != coeff(&values[nm + 1], i) {
            return Err(Error::Computation(format!(
                "the interpolated coefficient of t^{i} of det(tI − J(κ)) disagrees with the exact value at the check node κ = {check}"
            )));
        }
    }
    for (i, c) in charpoly_k.iter().enumerate().take(d) {
        if !c.is_zero() {
            return Err(Error::Computation(format!(
                "the coefficient of t^{i} of det(tI − J(κ)) is {c}, not identically 0, although the orbit dimension is {d}"
            )));
        }
    }
    Ok((cp_nodes, charpoly_k))
}

/// `q(t, κ) = Σ quotient[i](κ) tⁱ` at one κ.
fn quotient_at(quotient: &[UPoly], k: &BigRational) -> UPoly {
    UPoly::new(quotient.iter().map(|c| eval_fast(c, k)).collect())
}

/// A bound on the κ-degree of each Hurwitz determinant `Δ_k` of `q(t, κ)`:
/// with `b_k` the coefficient of `t^{deg q − k}`, the Hurwitz matrix has
/// entries `H[i][j] = b_{2j−i+1}`, and the bound is the smaller of the sums
/// of the row and of the column maxima of their κ-degrees.
fn hurwitz_degree_bounds(quotient: &[UPoly]) -> Vec<usize> {
    let qdeg = quotient.len() - 1;
    let deg_b = |k: i64| -> Option<usize> {
        if (0..=qdeg as i64).contains(&k) {
            quotient[qdeg - k as usize].degree()
        } else {
            None
        }
    };
    (1..=qdeg)
        .map(|k| {
            let entry = |i: usize, j: usize| deg_b(2 * j as i64 - i as i64 + 1);
            let rows: usize = (0..k)
                .map(|i| (0..k).filter_map(|j| entry(i, j)).max().unwrap_or(0))
                .sum();
            let cols: usize = (0..k)
                .map(|j| (0..k).filter_map(|i| entry(i, j)).max().unwrap_or(0))
                .sum();
            rows.min(cols)
        })
        .collect()
}

/// The Hurwitz determinants of `q(t, κ)` as polynomials in κ, interpolated
/// from exact values at `0, 1, …` within their degree `bounds` and checked
/// at the next node and the last; their positive roots are appended to
/// `critical`.
fn hurwitz_conditions(
    quotient: &[UPoly],
    bounds: &[usize],
    critical: &mut Vec<RealRoot>,
) -> Result<Vec<HurwitzCondition>> {
    let max_bound = bounds.iter().copied().max().unwrap_or(0);
    let h_nodes = integer_nodes(max_bound + 2);
    let h_values: Vec<Vec<BigRational>> = h_nodes
        .iter()
        .map(|k| hurwitz_determinants(&quotient_at(quotient, k)))
        .collect();
    let one = BigRational::one();
    let mut hurwitz = Vec::with_capacity(bounds.len());
    for (idx, &bound) in bounds.iter().enumerate() {
        let ys: Vec<BigRational> = h_values[..=bound]
            .iter()
            .map(|v| v.get(idx).cloned().unwrap_or_default())
            .collect();
        let det = interpolate(&ys);
        // Check at the next node and at the last one (the bound is a
        // theorem; this guards the implementation).
        let last = h_nodes.len() - 1;
        for i in [bound + 1, last] {
            let (node, v) = (&h_nodes[i], &h_values[i]);
            if eval_fast(&det, node) != v.get(idx).cloned().unwrap_or_default() {
                return Err(Error::Computation(format!(
                    "the interpolated Hurwitz determinant Δ_{} (degree bound {bound}) disagrees with its exact value at κ = {node}",
                    idx + 1
                )));
            }
        }
        let roots = positive_roots(&det);
        hurwitz.push(HurwitzCondition {
            index: idx + 1,
            degree_bound: bound,
            positive_roots: roots.len(),
            sign_at_one: sign(&eval_fast(&det, &one)),
            determinant: det,
        });
        critical.extend(roots);
    }
    Ok(hurwitz)
}

/// One rational κ > 0 in each open interval cut out by the sorted, distinct
/// positive `critical` values (refined as needed): below the first, between
/// consecutive ones, above the last; κ = 1 when there is none.
fn region_samples(critical: &mut [RealRoot]) -> Vec<BigRational> {
    let mut samples = Vec::with_capacity(critical.len() + 1);
    if critical.is_empty() {
        samples.push(BigRational::one());
        return samples;
    }
    let first = &mut critical[0];
    while !first.lo().is_positive() && !first.is_exact() {
        let w = first.width() / BigRational::from_integer(BigInt::from(2));
        first.refine(&w);
    }
    let lo = if first.is_exact() {
        first.hi().clone()
    } else {
        first.lo().clone()
    };
    samples.push(lo / BigRational::from_integer(BigInt::from(2)));
    for i in 1..critical.len() {
        let (left, right) = critical.split_at_mut(i);
        samples.push(between(&mut left[i - 1], &mut right[0]));
    }
    let last = &critical[critical.len() - 1];
    samples.push(last.hi() + BigRational::one());
    samples
}

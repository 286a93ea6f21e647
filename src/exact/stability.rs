//! Exact root-location tests for real polynomials: the Routh array and the
//! Hurwitz determinants (roots relative to the imaginary axis, for
//! continuous-time stability) and the Schur–Cohn test (roots relative to the
//! unit circle, for discrete-time stability).
//!
//! Every test works in exact rational arithmetic and reports its evidence
//! (first column, determinants, Schur–Cohn values). A count is only returned
//! in the *regular* case, where the criterion is a theorem; in a singular
//! case (a zero where the recursion divides or decides) no count is guessed.
//! The tests cross-check the three criteria against each other through the
//! bilinear transform [`bilinear_transform`], against the Hurwitz
//! determinants, and against floating-point roots.

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
use serde::Serialize;

use super::intpoly;
use super::linalg;
use super::upoly::UPoly;
use crate::model::RationalMatrix;

/// The Routh array of a real polynomial (see [`routh`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RouthTest {
    /// The first column `r₀, r₁, …, rₙ` of the Routh array (`n + 1` entries
    /// in the regular case; up to and including the first zero otherwise).
    #[serde(serialize_with = "crate::exact::serde_util::rationals")]
    pub first_column: Vec<BigRational>,
    /// Regular case: the number of roots (with multiplicity) in the open
    /// right half-plane `Re z > 0` (the number of sign changes of the first
    /// column); then no root lies on the imaginary axis. `None` when
    /// singular.
    pub right_half_plane: Option<usize>,
    /// Singular case: the index of the first row whose first entry is zero
    /// (the zero polynomial: row 0). `None` when regular.
    pub singular_row: Option<usize>,
}

impl RouthTest {
    /// Whether all roots lie in the open left half-plane (Hurwitz
    /// stability). A singular array also answers this exactly: a Hurwitz
    /// polynomial has all first-column entries non-zero and of one sign, so a
    /// zero entry proves instability (a root with `Re z ≥ 0`).
    pub fn is_hurwitz_stable(&self) -> bool {
        self.right_half_plane == Some(0)
    }
}

/// The Routh array of `p` (Routh 1877; Gantmacher, *The Theory of Matrices*
/// II, Ch. XV §§2–6).
///
/// With `p(t) = b₀tⁿ + b₁tⁿ⁻¹ + … + bₙ`, the rows start
/// `(b₀, b₂, b₄, …)` and `(b₁, b₃, …)`, and each further row is
/// `rₖ₊₁[j] = rₖ₋₁[j+1] − (rₖ₋₁[0]/rₖ[0])·rₖ[j+1]`. If no first-column
/// entry `rₖ[0]` (k = 0..n) is zero, the number of sign changes in the first
/// column is the number of roots in the open right half-plane and no root
/// lies on the imaginary axis (Routh's theorem). A zero first-column entry
/// (including a vanishing row) makes the test singular: no count is
/// returned. Roots on the imaginary axis always make it singular, and so do
/// pairs of roots symmetric about the origin (`p(t)` and `p(−t)` sharing a
/// factor, e.g. roots ±1), and rare accidental cancellations; resolving
/// singular cases (auxiliary polynomial, ε-method) is not attempted. Degree 0: no roots, regular. The zero polynomial: singular at
/// row 0 with an empty column.
///
/// The first column satisfies `r₀ = b₀`, `rₖ = Δₖ/Δₖ₋₁` (`Δ₀ = 1`) with the
/// Hurwitz determinants of [`hurwitz_determinants`], which the tests check.
///
/// The array is computed fraction-free on the primitive integer multiple
/// `p̃ = c·p` (`c > 0`): with `R₀ = (b₀, b₂, …)`, `R₁ = (b₁, b₃, …)` and
/// `Rₖ₊₁[j] = (Rₖ[0]·Rₖ₋₁[j+1] − Rₖ₋₁[0]·Rₖ[j+1]) / Rₖ₋₂[0]` (divisor 1
/// for k ≤ 2), which are exact divisions, `Rₖ = Δₖ₋₁·rₖ` and `Rₖ[0] = Δₖ`
/// (the Hurwitz determinants of `p̃`). The reported column is the
/// classical one, `r₀ = b₀` and `rₖ = Δₖ(p)/Δₖ₋₁(p)`; exactness of every
/// division is checked, and the fraction form is used if one failed.
pub fn routh(p: &UPoly) -> RouthTest {
    routh_fraction_free(p).unwrap_or_else(|| routh_rational(p))
}

/// The fraction-free computation of [`routh`]; `None` if a division was
/// not exact (which the theory excludes) or for the zero polynomial.
fn routh_fraction_free(p: &UPoly) -> Option<RouthTest> {
    let n = p.degree()?;
    let ip = intpoly::from_rational(p.coeffs());
    // p̃ = c·p with c = lc(p̃)/lc(p) > 0; Δₖ(p) = Δₖ(p̃)/cᵏ, so
    // rₖ = (Δₖ(p̃)/Δₖ₋₁(p̃))/c.
    let lead = p.leading().cloned().unwrap_or_default();
    let c = BigRational::from_integer(ip[n].clone()) / &lead;
    let b = |k: usize| -> BigInt {
        if k <= n {
            ip[n - k].clone()
        } else {
            BigInt::zero()
        }
    };
    let width = n / 2 + 1;
    let mut prev: Vec<BigInt> = (0..width).map(|j| b(2 * j)).collect();
    let mut cur: Vec<BigInt> = (0..width).map(|j| b(2 * j + 1)).collect();
    let mut first_column = vec![lead];
    let mut divisor = BigInt::one(); // Rₖ₋₂[0] (1 for k ≤ 2)
    let mut last_delta = BigInt::one(); // Δₖ₋₁(p̃)
    for row in 1..=n {
        let delta = cur[0].clone();
        first_column.push(intpoly::ratio(&delta * c.denom(), &last_delta * c.numer()));
        if delta.is_zero() {
            return Some(RouthTest {
                first_column,
                right_half_plane: None,
                singular_row: Some(row),
            });
        }
        if row == n {
            break;
        }
        let zero = BigInt::zero();
        let mut next = Vec::with_capacity(width);
        for j in 0..width {
            let a = prev.get(j + 1).unwrap_or(&zero);
            let d = cur.get(j + 1).unwrap_or(&zero);
            let v = &cur[0] * a - &prev[0] * d;
            let (quo, rem) = v.div_rem(&divisor);
            if !rem.is_zero() {
                return None;
            }
            next.push(quo);
        }
        if row >= 2 {
            divisor = prev[0].clone();
        }
        last_delta = delta;
        prev = std::mem::replace(&mut cur, next);
    }
    let changes = first_column
        .windows(2)
        .filter(|w| w[0].is_positive() != w[1].is_positive())
        .count();
    Some(RouthTest {
        first_column,
        right_half_plane: Some(changes),
        singular_row: None,
    })
}

/// The Routh array computed directly with fractions: the reference for
/// [`routh`] and its fallback should an exact division there fail.
fn routh_rational(p: &UPoly) -> RouthTest {
    let Some(n) = p.degree() else {
        return RouthTest {
            first_column: Vec::new(),
            right_half_plane: None,
            singular_row: Some(0),
        };
    };
    let c = p.coeffs();
    let b = |k: usize| -> BigRational {
        if k <= n {
            c[n - k].clone()
        } else {
            BigRational::zero()
        }
    };
    let width = n / 2 + 1;
    let mut prev: Vec<BigRational> = (0..width).map(|j| b(2 * j)).collect();
    let mut cur: Vec<BigRational> = (0..width).map(|j| b(2 * j + 1)).collect();
    let mut first_column = vec![prev[0].clone()];
    let singular = |first_column: Vec<BigRational>, row: usize| RouthTest {
        first_column,
        right_half_plane: None,
        singular_row: Some(row),
    };
    for row in 1..=n {
        first_column.push(cur[0].clone());
        if cur[0].is_zero() {
            return singular(first_column, row);
        }
        if row == n {
            break;
        }
        let ratio = &prev[0] / &cur[0];
        let zero = BigRational::zero();
        let next: Vec<BigRational> = (0..width)
            .map(|j| {
                let a = prev.get(j + 1).unwrap_or(&zero);
                let d = cur.get(j + 1).unwrap_or(&zero);
                a - &ratio * d
            })
            .collect();
        prev = std::mem::replace(&mut cur, next);
    }
    let changes = first_column
        .windows(2)
        .filter(|w| w[0].is_positive() != w[1].is_positive())
        .count();
    RouthTest {
        first_column,
        right_half_plane: Some(changes),
        singular_row: None,
    }
}

/// The Hurwitz determinants `Δ₁, …, Δₙ` of `p(t) = b₀tⁿ + … + bₙ`: the
/// leading principal minors of the n×n Hurwitz matrix `H[i][j] = b_{2j−i+1}`
/// (0-based, `b_k = 0` outside `0..=n`), whose rows are
/// `(b₁, b₃, b₅, …)`, `(b₀, b₂, b₄, …)`, `(0, b₁, b₃, …)`, ….
///
/// Hurwitz's criterion: for `b₀ > 0`, all roots lie in the open left
/// half-plane iff `Δₖ > 0` for every `k` (for `b₀ < 0` apply it to `−p`,
/// which multiplies `Δₖ` by `(−1)ᵏ`; see [`is_hurwitz_stable`]). Empty for
/// constants and for the zero polynomial.
///
/// Computed by [`linalg::leading_principal_minors`] (multi-modular),
/// independently of the Routh recursion.
pub fn hurwitz_determinants(p: &UPoly) -> Vec<BigRational> {
    let Some(n) = p.degree() else {
        return Vec::new();
    };
    let c = p.coeffs();
    let h = RationalMatrix::from_fn(n, n, |i, j| {
        let k = 2 * j as i64 - i as i64 + 1;
        if (0..=n as i64).contains(&k) {
            c[n - k as usize].clone()
        } else {
            BigRational::zero()
        }
    });
    linalg::leading_principal_minors(&h).expect("the Hurwitz matrix is square")
}

/// Hurwitz stability of `p` (all roots in the open left half-plane) by the
/// Hurwitz determinants of `sign(b₀)·p`. False for constants and zero.
pub fn is_hurwitz_stable(p: &UPoly) -> bool {
    let Some(lead) = p.leading() else {
        return false;
    };
    if p.degree() == Some(0) {
        return false;
    }
    let q = if lead.is_negative() {
        p.neg()
    } else {
        p.clone()
    };
    hurwitz_determinants(&q).iter().all(Signed::is_positive)
}

/// The Schur–Cohn test of a real polynomial (see [`schur_cohn`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SchurCohnTest {
    /// The values `δ₁, …, δₙ` (up to and including the first zero in the
    /// singular case), each a positive multiple of Henrici's `δₖ = Tᵏp(0)`.
    #[serde(serialize_with = "crate::exact::serde_util::rationals")]
    pub deltas: Vec<BigRational>,
    /// Regular case: the number of roots (with multiplicity) in the open
    /// unit disc `|z| < 1`; then no root lies on the unit circle.
    pub inside_unit_disc: Option<usize>,
    /// Regular case: the number of roots with `|z| > 1` (`n` minus the
    /// above).
    pub outside_unit_disc: Option<usize>,
    /// Singular case: the first `k` with `δₖ = 0` (the zero polynomial: 0).
    pub singular_step: Option<usize>,
}

impl SchurCohnTest {
    /// Whether all roots lie in the open unit disc (Schur stability), as
    /// far as the regular case decides: `false` when singular.
    pub fn is_schur_stable(&self) -> bool {
        self.outside_unit_disc == Some(0)
    }
}

/// The Schur–Cohn test: the number of roots of a real polynomial inside the
/// unit disc (Schur 1917/18, Cohn 1922; P. Henrici, *Applied and
/// Computational Complex Analysis*, Vol. 1, Wiley 1974, §6.8 "The
/// Schur–Cohn algorithm"; equivalent to Jury's stability table, E. I. Jury,
/// *Theory and Application of the z-Transform Method*, 1964).
///
/// For `q(z) = b₀ + b₁z + … + b_d z^d` of *formal* degree `d` (`b_d` may be
/// 0; cf. Ph. Saux Picart, J. Symbolic Comput. 26 (1998) 387–408) let
/// `q*(z) = z^d q(1/z)` (real coefficients) and the Schur transform
/// `Tq = b₀·q − b_d·q*`, of formal degree `d − 1`, with
/// `δ = Tq(0) = b₀² − b_d²`. On `|z| = 1`, `|q*| = |q|`, so by Rouché's
/// theorem (when `q` has no zeros on the circle):
/// * `δ > 0`: `Tq` has as many zeros in the disc as `q`;
/// * `δ < 0`: `Tq` has as many as `q*`, i.e. `d − k(q)`.
///
/// Zeros of `q` on the circle are zeros of `Tq`. Starting from `p` (formal
/// degree `n`), `δₖ = Tᵏp(0)`; if all `δₖ ≠ 0`, `Tⁿp = δₙ` is a non-zero
/// constant, so no `Tᵏp` has zeros on the circle, and with `kₙ = 0`,
/// `kⱼ = kⱼ₊₁` if `δⱼ₊₁ > 0`, `kⱼ = (n − j) − kⱼ₊₁` if `δⱼ₊₁ < 0`, the
/// count is `k₀`. If some `δₖ = 0` the test is singular and no count is
/// returned: roots on the circle always cause this, and so do pairs of
/// roots symmetric about the circle (`z` and `1/z̄`, e.g. 2 and 1/2) and
/// rare accidental cancellations.
///
/// The transforms are kept small by positive scalings, which change
/// neither zeros nor signs (`T(λq) = λ²·Tq`): starting from the primitive
/// integer multiple of `p`, the `k`-th transform (`k ≥ 3`) is divided by `|δₖ₋₂|`
/// of the scaled sequence (an exact division, as with the divisors of a
/// subresultant sequence; checked, with a fallback to dividing by the
/// content). The reported `δₖ` are the constant terms of these scaled
/// transforms: positive multiples of Henrici's. Degree 0: no roots, regular. The zero polynomial: singular at
/// step 0.
pub fn schur_cohn(p: &UPoly) -> SchurCohnTest {
    schur_cohn_impl(p).0
}

/// [`schur_cohn`], and whether every division by `|δₖ₋₂|` was exact.
fn schur_cohn_impl(p: &UPoly) -> (SchurCohnTest, bool) {
    let mut all_exact = true;
    let Some(n) = p.degree() else {
        let test = SchurCohnTest {
            deltas: Vec::new(),
            inside_unit_disc: None,
            outside_unit_disc: None,
            singular_step: Some(0),
        };
        return (test, all_exact);
    };
    let mut q = intpoly::from_rational(p.coeffs());
    let mut deltas: Vec<BigRational> = Vec::with_capacity(n);
    let mut signs: Vec<Ordering> = Vec::with_capacity(n);
    for k in 1..=n {
        let d = n + 1 - k; // formal degree of q
        q.resize(d + 1, BigInt::zero());
        let (b0, bd) = (q[0].clone(), q[d].clone());
        let t: Vec<BigInt> = (0..d).map(|i| &b0 * &q[i] - &bd * &q[d - i]).collect();
        let delta = t[0].clone();
        deltas.push(BigRational::from_integer(delta.clone()));
        let s = intpoly::sign_of_int(&delta);
        if s == Ordering::Equal {
            let test = SchurCohnTest {
                deltas,
                inside_unit_disc: None,
                outside_unit_disc: None,
                singular_step: Some(k),
            };
            return (test, all_exact);
        }
        signs.push(s);
        // Divide by |δₖ₋₁| (known to divide T qₖ, like the divisors of a
        // subresultant sequence); should a division not be exact, by the
        // positive content instead. Either keeps the formal degree.
        let divisor = if k >= 3 {
            deltas[k - 3].numer().abs()
        } else {
            BigInt::one()
        };
        if divisor.is_one() {
            q = t;
        } else {
            let exact = t.iter().all(|x| (x % &divisor).is_zero());
            all_exact &= exact;
            let c = if exact { divisor } else { intpoly::content(&t) };
            q = t.into_iter().map(|x| x / &c).collect();
            deltas[k - 1] = BigRational::from_integer(q[0].clone());
        }
    }
    let mut inside = 0usize;
    for j in (0..n).rev() {
        if signs[j] == Ordering::Less {
            inside = (n - j) - inside;
        }
    }
    let test = SchurCohnTest {
        deltas,
        inside_unit_disc: Some(inside),
        outside_unit_disc: Some(n - inside),
        singular_step: None,
    };
    (test, all_exact)
}

/// The bilinear (Cayley) transform `q(w) = (1 − w)ⁿ p((1 + w)/(1 − w))`,
/// `n = deg p`: `z = (1 + w)/(1 − w)` maps the open left half-plane onto the
/// open unit disc and the imaginary axis onto the circle minus `z = −1`.
/// So roots of `p` in (on, outside) the unit disc correspond to roots of
/// `q` in (on, to the right of) the imaginary axis, except that a root
/// `z = −1` of multiplicity `m` lowers the degree of `q` by `m`.
pub fn bilinear_transform(p: &UPoly) -> UPoly {
    let Some(n) = p.degree() else {
        return UPoly::zero();
    };
    let plus = UPoly::from_ints(&[1, 1]);
    let minus = UPoly::from_ints(&[1, -1]);
    let mut plus_pow = vec![UPoly::one()];
    let mut minus_pow = vec![UPoly::one()];
    for k in 1..=n {
        plus_pow.push(plus_pow[k - 1].mul(&plus));
        minus_pow.push(minus_pow[k - 1].mul(&minus));
    }
    p.coeffs()
        .iter()
        .enumerate()
        .fold(UPoly::zero(), |acc, (k, a)| {
            acc.add(&plus_pow[k].mul(&minus_pow[n - k]).scale(a))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::testutil::{float_roots, to_json};
    use crate::exact::upoly::tests::q;
    use proptest::prelude::*;

    /// Henrici's `δₖ = Tᵏp(0)` over Q with no scaling at all (coefficient
    /// sizes double at each step; only for small degrees).
    fn henrici_deltas(p: &UPoly) -> Vec<BigRational> {
        let n = p.degree().unwrap_or(0);
        let mut c: Vec<BigRational> = p.coeffs().to_vec();
        let mut out = Vec::new();
        for k in 1..=n {
            let d = n + 1 - k;
            c.resize(d + 1, q(0, 1));
            let t: Vec<BigRational> = (0..d).map(|i| &c[0] * &c[i] - &c[d] * &c[d - i]).collect();
            out.push(t[0].clone());
            if t[0].is_zero() {
                break;
            }
            c = t;
        }
        out
    }

    fn routh_count(p: &UPoly) -> Option<usize> {
        routh(p).right_half_plane
    }

    #[test]
    fn routh_by_hand() {
        // (t+1)(t+2)(t+3): column 1, 6, 10, 6.
        let p = UPoly::from_ints(&[6, 11, 6, 1]);
        let r = routh(&p);
        assert_eq!(r.first_column, vec![q(1, 1), q(6, 1), q(10, 1), q(6, 1)]);
        assert_eq!(r.right_half_plane, Some(0));
        assert!(r.is_hurwitz_stable());
        // (t+1)(t² − 2t + 8): roots −1, 1 ± i√7; column 1, −1, 14, 8.
        let p = UPoly::from_ints(&[8, 6, -1, 1]);
        let r = routh(&p);
        assert_eq!(r.first_column, vec![q(1, 1), q(-1, 1), q(14, 1), q(8, 1)]);
        assert_eq!(r.right_half_plane, Some(2));
        // Negative leading coefficient: same count.
        assert_eq!(routh_count(&p.neg()), Some(2));
        // t − 1: one root in the right half-plane (on the circle, which
        // does not matter here).
        assert_eq!(routh_count(&UPoly::from_ints(&[-1, 1])), Some(1));
        // Constants: no roots.
        let c = routh(&UPoly::from_ints(&[-3]));
        assert_eq!((c.right_half_plane, c.singular_row), (Some(0), None));
        assert_eq!(c.first_column, vec![q(-3, 1)]);
        // Zero polynomial: singular at row 0.
        let z = routh(&UPoly::zero());
        assert_eq!((z.right_half_plane, z.singular_row), (None, Some(0)));
    }

    #[test]
    fn imaginary_axis_roots_are_never_counted() {
        let cases = [
            UPoly::from_ints(&[1, 0, 1]),                                       // ±i
            UPoly::from_ints(&[0, 1]),                                          // 0
            UPoly::from_ints(&[0, 1, 1]),                                       // 0, −1
            UPoly::from_ints(&[1, 1, 1, 1]),                                    // −1, ±i
            UPoly::from_ints(&[4, 0, 5, 0, 1]),                                 // ±i, ±2i
            UPoly::from_ints(&[2, 3, 3, 1]).mul(&UPoly::from_ints(&[9, 0, 1])), // ±3i
            UPoly::from_ints(&[1, 0, 1]).pow(2),                                // double ±i
            UPoly::from_ints(&[0, 0, 1, 3]),                                    // double 0
        ];
        for p in &cases {
            let r = routh(p);
            assert_eq!(routh_fraction_free(p), Some(routh_rational(p)));
            assert_eq!(r.right_half_plane, None, "{p}");
            assert!(r.singular_row.is_some(), "{p}");
            assert!(!r.is_hurwitz_stable());
            assert!(!is_hurwitz_stable(p));
            // Some Hurwitz determinant vanishes.
            assert!(hurwitz_determinants(p).iter().any(Zero::is_zero), "{p}");
        }
        // The first zero is reported with the column up to it.
        let r = routh(&UPoly::from_ints(&[1, 1, 1, 1]));
        assert_eq!(r.first_column, vec![q(1, 1), q(1, 1), q(0, 1)]);
        assert_eq!(r.singular_row, Some(2));
    }

    #[test]
    fn hurwitz_by_hand() {
        // b₀t³ + b₁t² + b₂t + b₃: Δ₁ = b₁, Δ₂ = b₁b₂ − b₀b₃, Δ₃ = b₃Δ₂.
        let p = UPoly::from_ints(&[6, 11, 6, 1]);
        assert_eq!(hurwitz_determinants(&p), vec![q(6, 1), q(60, 1), q(360, 1)]);
        assert!(is_hurwitz_stable(&p));
        assert!(is_hurwitz_stable(&p.neg()));
        // b₁ = 0 forces the fallback path: t³ + 0t² + t + 1 (unstable).
        let p = UPoly::from_ints(&[1, 1, 0, 1]);
        assert_eq!(hurwitz_determinants(&p), vec![q(0, 1), q(-1, 1), q(-1, 1)]);
        assert!(!is_hurwitz_stable(&p));
        assert!(!is_hurwitz_stable(&UPoly::from_ints(&[1])));
        assert!(hurwitz_determinants(&UPoly::zero()).is_empty());
    }

    #[test]
    fn schur_cohn_by_hand() {
        // 2z² − 7z + 3 = (2z − 1)(z − 3): δ = 5, −24; one root inside.
        let p = UPoly::from_ints(&[3, -7, 2]);
        let s = schur_cohn(&p);
        assert_eq!(s.deltas, vec![q(5, 1), q(-24, 1)]);
        assert_eq!(s.inside_unit_disc, Some(1));
        assert_eq!(s.outside_unit_disc, Some(1));
        // z: the root 0 is inside.
        assert_eq!(schur_cohn(&UPoly::x()).inside_unit_disc, Some(1));
        // z − 1/2: inside; 4z² − 1: both inside; z² − 4: both outside.
        assert_eq!(
            schur_cohn(&UPoly::from_ints(&[-1, 2])).inside_unit_disc,
            Some(1)
        );
        assert!(schur_cohn(&UPoly::from_ints(&[-1, 0, 4])).is_schur_stable());
        assert_eq!(
            schur_cohn(&UPoly::from_ints(&[-4, 0, 1])).inside_unit_disc,
            Some(0)
        );
        // Constants.
        let c = schur_cohn(&UPoly::from_ints(&[7]));
        assert_eq!((c.inside_unit_disc, c.singular_step), (Some(0), None));
        let z = schur_cohn(&UPoly::zero());
        assert_eq!((z.inside_unit_disc, z.singular_step), (None, Some(0)));
    }

    #[test]
    fn unit_circle_roots_are_never_counted() {
        let cases = [
            UPoly::from_ints(&[-1, 1]),                                 // 1
            UPoly::from_ints(&[1, 1]),                                  // −1
            UPoly::from_ints(&[1, 0, 1]),                               // ±i
            UPoly::new(vec![q(1, 1), q(-6, 5), q(1, 1)]),               // (3 ± 4i)/5
            UPoly::from_ints(&[1, 1, 1]),                               // cube roots of unity
            UPoly::from_ints(&[-1, 2]).mul(&UPoly::from_ints(&[1, 1])), // 1/2, −1
            UPoly::from_ints(&[-1, 1])
                .pow(2)
                .mul(&UPoly::from_ints(&[-3, 1])),
            UPoly::from_ints(&[-1, 0, 0, 0, 0, 1]), // fifth roots of unity
        ];
        for p in &cases {
            let s = schur_cohn(p);
            assert_eq!(s.inside_unit_disc, None, "{p}");
            assert!(s.singular_step.is_some(), "{p}");
            assert!(!s.is_schur_stable());
        }
    }

    #[test]
    fn serializes_rationals_as_strings() {
        let r = routh(&UPoly::new(vec![q(1, 3), q(1, 1), q(2, 1)]));
        assert_eq!(
            to_json(&r),
            r#"{"first_column":["2","1","1/3"],"right_half_plane":0,"singular_row":null}"#
        );
        let s = schur_cohn(&UPoly::from_ints(&[3, -7, 2]));
        assert_eq!(
            to_json(&s),
            r#"{"deltas":["5","-24"],"inside_unit_disc":1,"outside_unit_disc":1,"singular_step":null}"#
        );
    }

    #[test]
    fn bilinear_transform_by_hand() {
        // p(z) = z − 1/2 ↦ (1 + w) − (1 − w)/2 = 1/2 + 3w/2: root −1/3 < 0.
        let p = UPoly::new(vec![q(-1, 2), q(1, 1)]);
        assert_eq!(bilinear_transform(&p), UPoly::new(vec![q(1, 2), q(3, 2)]));
        // A root at z = −1 lowers the degree.
        assert_eq!(
            bilinear_transform(&UPoly::from_ints(&[1, 1])).degree(),
            Some(0)
        );
    }

    /// A real polynomial with planted roots: real roots and complex pairs
    /// a ± ib, all at distance ≥ 1/10 from the imaginary axis and the unit
    /// circle; returns it with the true numbers of roots in the right
    /// half-plane and inside the unit disc.
    fn planted() -> impl Strategy<Value = (UPoly, usize, usize)> {
        let coord = (-30i64..=30).prop_map(|k| q(k, 10));
        (
            prop::collection::vec(coord.clone(), 0..5),
            prop::collection::vec((coord.clone(), (1i64..=30).prop_map(|k| q(k, 10))), 0..3),
            (-3i64..=3).prop_filter("non-zero", |k| *k != 0),
        )
            .prop_filter_map("roots near the axis or circle", |(reals, pairs, lc)| {
                let tenth = q(1, 10);
                let near_circle = |m2: &BigRational| {
                    // | |z| − 1 | < 1/10  ⟺  (9/10)² < |z|² < (11/10)²
                    *m2 > q(81, 100) && *m2 < q(121, 100)
                };
                let mut p = UPoly::constant(q(lc, 1));
                let (mut rhp, mut inside) = (0, 0);
                for r in &reals {
                    if r.abs() < tenth || near_circle(&(r * r)) {
                        return None;
                    }
                    p = p.mul(&UPoly::new(vec![-r.clone(), q(1, 1)]));
                    rhp += usize::from(r.is_positive());
                    inside += usize::from(r.abs() < q(1, 1));
                }
                for (a, b) in &pairs {
                    let m2 = a * a + b * b;
                    if a.abs() < tenth || near_circle(&m2) {
                        return None;
                    }
                    // (t − a)² + b² = t² − 2a t + a² + b².
                    p = p.mul(&UPoly::new(vec![m2.clone(), -(a * q(2, 1)), q(1, 1)]));
                    rhp += 2 * usize::from(a.is_positive());
                    inside += 2 * usize::from(m2 < q(1, 1));
                }
                Some((p, rhp, inside))
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        #[test]
        fn criteria_agree_with_planted_roots_and_floats((p, rhp, inside) in planted()) {
            let n = p.degree().unwrap();
            let r = routh(&p);
            let ff = routh_fraction_free(&p);
            prop_assert_eq!(Some(&r), ff.as_ref());
            prop_assert_eq!(&r, &routh_rational(&p));
            let h = hurwitz_determinants(&p);
            // Routh's first column is b₀, Δ₁, Δ₂/Δ₁, …; regular iff no Δ is 0.
            prop_assert_eq!(r.singular_row.is_none(), h.iter().all(|d| !d.is_zero()));
            if r.singular_row.is_none() {
                prop_assert_eq!(&r.first_column[0], p.leading().unwrap());
                prop_assert_eq!(r.first_column.len(), n + 1);
                let mut prev = q(1, 1);
                for (entry, delta) in r.first_column[1..].iter().zip(&h) {
                    prop_assert_eq!(entry, &(delta / &prev));
                    prev = delta.clone();
                }
                prop_assert_eq!(r.right_half_plane, Some(rhp));
            }
            prop_assert_eq!(is_hurwitz_stable(&p), n > 0 && rhp == 0);
            let (s, exact) = schur_cohn_impl(&p);
            prop_assert!(exact);
            // Henrici's δₖ without any scaling: ours are positive multiples.
            let henrici = henrici_deltas(&p);
            prop_assert_eq!(s.deltas.len(), henrici.len());
            for (ours, theirs) in s.deltas.iter().zip(&henrici) {
                prop_assert_eq!(ours.is_zero(), theirs.is_zero());
                if !ours.is_zero() {
                    prop_assert!((ours / theirs).is_positive());
                }
            }
            if s.singular_step.is_none() {
                prop_assert_eq!(s.inside_unit_disc, Some(inside));
                prop_assert_eq!(s.outside_unit_disc, Some(n - inside));
            }
            // Bilinear route: roots inside the disc ↔ left half-plane (no
            // root at z = −1 here, so the degree is kept).
            let w = bilinear_transform(&p);
            prop_assert_eq!(w.degree(), Some(n));
            let rw = routh(&w);
            if let (Some(k), Some(i)) = (rw.right_half_plane, s.inside_unit_disc) {
                prop_assert_eq!(n - k, i);
            }
            if let Some(k) = rw.right_half_plane {
                prop_assert_eq!(n - k, inside);
            }
            // Floating-point roots (companion eigenvalues).
            if n > 0 {
                let z = float_roots(&p);
                prop_assert_eq!(z.iter().filter(|z| z.re > 0.0).count(), rhp);
                prop_assert_eq!(z.iter().filter(|z| z.norm() < 1.0).count(), inside);
            }
        }

        #[test]
        fn circle_and_axis_roots_are_flagged(
            (p, _, _) in planted(),
            c in (-4i64..=4, 1i64..=4),
            kind in 0usize..4,
        ) {
            // Multiply by a factor with roots on the unit circle and on the
            // imaginary axis: z² − 2cos θ z + 1 with rational cos θ in (−1, 1),
            // or z ± 1, or t² + c², or t.
            let (num, den) = c;
            let cos = q(num, 5 * den);
            let factor = match kind {
                0 => UPoly::new(vec![q(1, 1), -(cos * q(2, 1)), q(1, 1)]),
                1 => UPoly::from_ints(&[if num >= 0 { 1 } else { -1 }, 1]),
                2 => UPoly::new(vec![q(num * num + 1, den * den), q(0, 1), q(1, 1)]),
                _ => UPoly::x(),
            };
            let f = p.mul(&factor);
            let circle = kind <= 1;
            if circle {
                prop_assert_eq!(schur_cohn(&f).inside_unit_disc, None);
                let w = bilinear_transform(&f);
                // A circle root other than −1 maps to the imaginary axis.
                if w.degree() == f.degree() {
                    prop_assert_eq!(routh(&w).right_half_plane, None);
                }
            } else {
                prop_assert_eq!(routh(&f).right_half_plane, None);
                prop_assert!(!is_hurwitz_stable(&f));
            }
        }
    }

    #[test]
    fn degree_twenty_stable_and_unstable() {
        // Π (t + k/3), k = 1..20: Hurwitz stable; shifting by 1 + 1/3 puts
        // three roots to the right (k/3 − 4/3 > 0 for k = 1, 2, 3).
        let roots: Vec<BigRational> = (1..=20).map(|k| q(-k, 3)).collect();
        let p = UPoly::from_roots(&roots);
        assert_eq!(routh(&p).right_half_plane, Some(0));
        assert!(is_hurwitz_stable(&p));
        let shifted: Vec<BigRational> = roots.iter().map(|r| r + q(4, 3)).collect();
        let s = UPoly::from_roots(&shifted);
        // Root 0 (k = 4) lies on the axis: singular.
        assert_eq!(routh(&s).right_half_plane, None);
        // Shifting by 7/6 gives roots (7 − 2k)/6, among them ±1/6, ±1/2,
        // ±5/6: pairs symmetric about the origin make the array singular
        // although no root is on the axis.
        let shifted: Vec<BigRational> = roots.iter().map(|r| r + q(7, 6)).collect();
        assert_eq!(routh(&UPoly::from_roots(&shifted)).right_half_plane, None);
        // Shifting by 13/12 gives (13 − 4k)/12: no symmetric pairs, three
        // positive roots.
        let shifted: Vec<BigRational> = roots.iter().map(|r| r + q(13, 12)).collect();
        assert_eq!(
            routh(&UPoly::from_roots(&shifted)).right_half_plane,
            Some(3)
        );
        // Schur–Cohn on the roots k/22 (inside) and 23/k (outside).
        let mut rs: Vec<BigRational> = (1..=10).map(|k| q(k, 22)).collect();
        rs.extend((1..=10).map(|k| q(23, k)));
        let sc = schur_cohn(&UPoly::from_roots(&rs));
        assert_eq!(sc.inside_unit_disc, Some(10));
        // Reciprocal pairs z, 1/z make it singular: (z − 2)(z − 1/2).
        let pair = UPoly::from_roots(&[q(2, 1), q(1, 2)]);
        assert_eq!(schur_cohn(&pair).singular_step, Some(1));
    }

    /// Timings for the report: `cargo test --release --lib
    /// timing_report_stability -- --ignored --nocapture`.
    #[test]
    #[ignore = "timing table; run in release with --nocapture"]
    fn timing_report_stability() {
        for (n, digits) in [(10usize, 6u32), (21, 2), (21, 6)] {
            let m = crate::exact::linalg::tests::random_matrix(n, digits, 7);
            let cp = crate::exact::linalg::charpoly(&m).unwrap();
            let t = std::time::Instant::now();
            let r = routh(&cp);
            let t_routh = t.elapsed();
            let t = std::time::Instant::now();
            let h = hurwitz_determinants(&cp);
            let t_hurwitz = t.elapsed();
            let t = std::time::Instant::now();
            let (s, exact) = schur_cohn_impl(&cp);
            let t_schur = t.elapsed();
            assert!(exact);
            let z = float_roots(&cp);
            if let Some(k) = r.right_half_plane {
                assert_eq!(k, z.iter().filter(|z| z.re > 0.0).count());
            }
            if let Some(k) = s.inside_unit_disc {
                assert_eq!(k, z.iter().filter(|z| z.norm() < 1.0).count());
            }
            assert_eq!(h.len(), n);
            eprintln!(
                "{n}×{n} ({digits}-digit entries): routh {t_routh:?} ({:?} in the RHP), \
                 hurwitz {t_hurwitz:?}, schur_cohn {t_schur:?} ({:?} inside)",
                r.right_half_plane, s.inside_unit_disc
            );
        }
    }
}

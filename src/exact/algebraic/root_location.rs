//! Root location over the ring: Hurwitz and unit-disc tests whose signs
//! are decided exactly at `t₀`.

use super::*;

/// Hurwitz test of `a₀ + a₁x + … + a_k x^k` over the ring: the signs of
/// `Δ₁, …` at `t₀` and, in the regular case, the number of roots with
/// positive real part. The leading coefficient must be positive at `t₀`.
pub(super) fn hurwitz_test(
    qt: &Qt,
    root: &mut RealRoot,
    a: &[QtElem],
) -> (Vec<i8>, Option<usize>, Option<usize>) {
    let k = a.len().saturating_sub(1);
    if k == 0 {
        return (Vec::new(), Some(0), None);
    }
    // b_i = a_{k−i}; H[i][j] = b_{2j−i+1} (0-based).
    let b = |i: i64| -> QtElem {
        if (0..=k as i64).contains(&i) {
            a[k - i as usize].clone()
        } else {
            qt.zero()
        }
    };
    let size = k - 1;
    let h = QMat::from_fn(size, size, |i, j| b(2 * j as i64 - i as i64 + 1));
    let mut dets: Vec<QtElem> = leading_minors(qt, &h);
    // Δ_k = b_k·Δ_{k−1} = a₀·Δ_{k−1} (the last column of H is (0, …, 0, b_k)ᵀ).
    let last = qt.mul(&a[0], dets.last().unwrap_or(&qt.one()));
    dets.push(last);
    let mut signs = Vec::new();
    let mut prev = Ordering::Greater; // sign of Δ₀ = 1
    let mut column_prev = Ordering::Greater; // sign of b₀ > 0
    let mut changes = 0;
    for (i, dk) in dets.iter().enumerate() {
        let s = sign_at(root, dk);
        signs.push(sign_i8(s));
        if s == Ordering::Equal {
            return (signs, None, Some(i + 1));
        }
        // Routh entry Δ_i/Δ_{i−1}.
        let entry = if s == prev {
            Ordering::Greater
        } else {
            Ordering::Less
        };
        if entry != column_prev {
            changes += 1;
        }
        column_prev = entry;
        prev = s;
    }
    (signs, Some(changes), None)
}

pub(super) fn binomial(n: usize, k: usize) -> BigInt {
    let mut b = BigInt::one();
    for i in 0..k {
        b = b * BigInt::from(n - i) / BigInt::from(i + 1);
    }
    b
}

/// The tested polynomial and the Hurwitz test for a flow (`eta = None`) or
/// a map.
pub(super) fn range_test(
    qt: &Qt,
    root: &mut RealRoot,
    q: &[QtElem],
    c: &QtElem,
    eta: Option<&BigRational>,
) -> AlgebraicRootTest {
    let Some(eta) = eta else {
        let (signs, unstable, singular) = hurwitz_test(qt, root, q);
        return AlgebraicRootTest {
            criterion: "hurwitz".to_owned(),
            polynomial: q.iter().map(QtElem::to_upoly).collect(),
            hurwitz_signs: signs,
            unstable,
            singular_at: singular,
        };
    };
    // Q(w) = Σᵢ qᵢ cⁱ 2ⁱ η^{k−i} wⁱ (1 − w)^{k−i}.
    let k = q.len() - 1;
    let mut big_q = vec![qt.zero(); k + 1];
    let mut ci = qt.one();
    for (i, qi) in q.iter().enumerate() {
        let base = qt.mul(qi, &ci);
        let factor = num_traits::pow(rat(2), i) * num_traits::pow(eta.clone(), k - i);
        let base = qt.scale(&base, &factor);
        for (jj, slot) in big_q.iter_mut().enumerate().skip(i) {
            let j = jj - i;
            let mut coef = BigRational::from_integer(binomial(k - i, j));
            if j % 2 == 1 {
                coef = -coef;
            }
            *slot = qt.add(slot, &qt.scale(&base, &coef));
        }
        ci = qt.mul(&ci, c);
    }
    let lead = sign_at(root, &big_q[k]);
    if lead == Ordering::Less {
        big_q = big_q.iter().map(|x| neg(qt, x)).collect();
    }
    let polynomial = big_q.iter().map(QtElem::to_upoly).collect();
    if lead == Ordering::Equal {
        return AlgebraicRootTest {
            criterion: "bilinear-hurwitz".to_owned(),
            polynomial,
            hurwitz_signs: Vec::new(),
            unstable: None,
            singular_at: Some(0),
        };
    }
    let (signs, unstable, singular) = hurwitz_test(qt, root, &big_q);
    AlgebraicRootTest {
        criterion: "bilinear-hurwitz".to_owned(),
        polynomial,
        hurwitz_signs: signs,
        unstable,
        singular_at: singular,
    }
}

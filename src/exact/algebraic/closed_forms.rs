//! The closed-form blocks outside the range block (multiplicities and
//! rates) and their checks.

use super::*;

pub(super) fn check(
    label: &str,
    multiplicity: usize,
    counts: (usize, usize, usize, usize),
    reason: String,
) -> Option<ClosedFormCheck> {
    (multiplicity > 0).then(|| ClosedFormCheck {
        label: label.to_owned(),
        multiplicity,
        tangent: counts.0,
        stable: counts.1,
        unstable: counts.2,
        boundary: counts.3,
        reason,
    })
}

/// `|1 − ηc·λ| < 1` for the rate `−cλ` (c = 1 or 2): compares `ηλ` with
/// `2/c`; returns (stable, unstable, boundary) for multiplicity `mult`.
pub(super) fn map_rate(
    eta_lambda: &BigRational,
    limit: i64,
    mult: usize,
) -> ((usize, usize, usize, usize), String) {
    let lim = rat(limit);
    match eta_lambda.cmp(&lim) {
        Ordering::Less => ((0, mult, 0, 0), format!("ηλ = {eta_lambda} < {limit}")),
        Ordering::Equal => (
            (0, 0, 0, mult),
            format!("ηλ = {eta_lambda} = {limit}: eigenvalue −1"),
        ),
        Ordering::Greater => ((0, 0, mult, 0), format!("ηλ = {eta_lambda} > {limit}")),
    }
}

/// The exact count of the μⱼ above and at `x₀ = 2/η − λ`.
pub(super) fn mu_check(inst: &Instance, p: &mut Prepared, eta: &BigRational) -> Result<MuCheck> {
    let qt = &p.qt;
    let (m, r) = (p.m, p.r);
    let mxx = QMat::from_rational(qt, &inst.moments().mxx);
    let desc = charpoly_desc(qt, &p.s_hat.mul(qt, &mxx));
    // P_i = p̂_i dⁱ (p̂_i the coefficient of yⁱ).
    let mut poly = Vec::with_capacity(m + 1);
    let mut di = qt.one();
    for i in 0..=m {
        poly.push(qt.mul(&desc[m - i], &di));
        di = qt.mul(&di, &p.d);
    }
    // Zero root of multiplicity exactly m − r.
    for (i, c) in poly.iter().enumerate().take(m - r + 1) {
        let s = sign_at(&mut p.root, c);
        if (i < m - r) != (s == Ordering::Equal) {
            return Err(Error::Computation(format!(
                "det(xI − S·Mxx) does not have the root 0 with multiplicity m − r = {} although rank S = {r}",
                m - r
            )));
        }
    }
    let x0 = rat(2) / eta - inst.lambda();
    let polynomial: Vec<UPoly> = poly.iter().map(QtElem::to_upoly).collect();
    if !x0.is_positive() {
        return Ok(MuCheck {
            x0,
            polynomial,
            shifted_signs: Vec::new(),
            above: r,
            equal: 0,
        });
    }
    // Coefficients of P(x + x₀): T_j = Σ_{i ≥ j} P_i C(i, j) x₀^{i−j}.
    let mut signs = Vec::with_capacity(m + 1);
    for j in 0..=m {
        let mut acc = qt.zero();
        for (i, pi) in poly.iter().enumerate().skip(j) {
            let coef =
                BigRational::from_integer(binomial(i, j)) * num_traits::pow(x0.clone(), i - j);
            acc = qt.add(&acc, &qt.scale(pi, &coef));
        }
        signs.push(sign_i8(sign_at(&mut p.root, &acc)));
    }
    let equal = signs.iter().take_while(|&&s| s == 0).count();
    let nonzero: Vec<i8> = signs.iter().copied().filter(|&s| s != 0).collect();
    let above = nonzero.windows(2).filter(|w| w[0] != w[1]).count();
    if above + equal > r {
        return Err(Error::Computation(format!(
            "{above} eigenvalues of S·Mxx above and {equal} at x₀ = {x0}, more than the r = {r} positive ones"
        )));
    }
    Ok(MuCheck {
        x0,
        polynomial,
        shifted_signs: signs,
        above,
        equal,
    })
}

pub(super) fn closed_forms(
    inst: &Instance,
    p: &mut Prepared,
    dynamics: &Dynamics,
) -> Result<(Vec<ClosedFormCheck>, Option<MuCheck>)> {
    let (n, m, r) = (inst.n(), p.m, p.r);
    let rows = n - r;
    if rows == 0 {
        return Ok((Vec::new(), None));
    }
    match dynamics {
        Dynamics::StopGradient | Dynamics::Ema { .. } => {
            Ok((flow_closed_forms(dynamics, rows, m, r), None))
        }
        Dynamics::SgMap { eta } | Dynamics::EmaMap { eta, .. } => {
            let (out, check_mu) = map_closed_forms(inst, p, dynamics, eta, rows)?;
            Ok((out, Some(check_mu)))
        }
        Dynamics::GradientDescent => generator_of(dynamics).map(|_| (Vec::new(), None)),
    }
}

/// The closed-form eigenvalues off the range block of the flows (SG, EMA),
/// for `rows = n − r > 0` rows outside the range of A: all `≤ 0`, and `< 0`
/// except the orbit directions.
pub(super) fn flow_closed_forms(
    dynamics: &Dynamics,
    rows: usize,
    m: usize,
    r: usize,
) -> Vec<ClosedFormCheck> {
    let mut out = Vec::new();
    let flow_reason = |what: &str| format!("{what} < 0 since λ > 0");
    let mu = |rows: usize| rows * r;
    let tangent = rows * r;
    out.extend(check(
        "X₂/Z: 0 (orbit directions leaving range A)",
        tangent,
        (tangent, 0, 0, 0),
        "orbit tangent".to_owned(),
    ));
    out.extend(check(
        "X₂/Z: −2λ",
        rows * r,
        (0, rows * r, 0, 0),
        flow_reason("−2λ"),
    ));
    let k = rows * (m - r);
    out.extend(check(
        "X₂/Z: −λ (m − r per row)",
        k,
        (0, k, 0, 0),
        flow_reason("−λ"),
    ));
    out.extend(check(
        "Y₂₁: −(μⱼ + λ), μⱼ > 0 eigenvalues of K Mxx Kᵀ",
        mu(rows),
        (0, mu(rows), 0, 0),
        "−(μⱼ + λ) < 0 since μⱼ > 0 and λ > 0".to_owned(),
    ));
    out.extend(check(
        "Y₂₂: −λ",
        rows * rows,
        (0, rows * rows, 0, 0),
        flow_reason("−λ"),
    ));
    if let Dynamics::Ema { kappa } = dynamics {
        out.extend(check(
            "V₂: −κ",
            rows * m,
            (0, rows * m, 0, 0),
            format!("−κ = −{kappa} < 0"),
        ));
    }
    out
}

/// The closed-form eigenvalues off the range block of the maps (SG map, EMA
/// map with step `eta`), for `rows = n − r > 0` rows outside the range of
/// A; the `Y₂₁` ones are located through the eigenvalues μⱼ of `K Mxx Kᵀ`
/// ([`mu_check`]), returned too.
fn map_closed_forms(
    inst: &Instance,
    p: &mut Prepared,
    dynamics: &Dynamics,
    eta: &BigRational,
    rows: usize,
) -> Result<(Vec<ClosedFormCheck>, MuCheck)> {
    let check_mu = mu_check(inst, p, eta)?;
    let out = map_closed_forms_with(inst, dynamics, eta, rows, (p.m, p.r), &check_mu);
    Ok((out, check_mu))
}

/// [`map_closed_forms`] from a μ count `check_mu` obtained elsewhere (e.g.
/// by interval arithmetic in a validated certificate), for data dimension
/// m and rank r.
pub(super) fn map_closed_forms_with(
    inst: &Instance,
    dynamics: &Dynamics,
    eta: &BigRational,
    rows: usize,
    (m, r): (usize, usize),
    check_mu: &MuCheck,
) -> Vec<ClosedFormCheck> {
    let lambda = inst.lambda();
    let mut out = Vec::new();
    let mu = |rows: usize| rows * r;
    let el = eta * lambda;
    let tangent = rows * r;
    out.extend(check(
        "X₂/Z: 1 (orbit directions leaving range A)",
        tangent,
        (tangent, 0, 0, 0),
        "orbit tangent".to_owned(),
    ));
    let (c, why) = map_rate(&el, 1, rows * r);
    out.extend(check("X₂/Z: 1 − 2ηλ", rows * r, c, why));
    let k = rows * (m - r);
    let (c, why) = map_rate(&el, 2, k);
    out.extend(check("X₂/Z: 1 − ηλ (m − r per row)", k, c, why));
    let unstable = rows * check_mu.above;
    let boundary = rows * check_mu.equal;
    let stable = mu(rows) - unstable - boundary;
    out.extend(check(
        "Y₂₁: 1 − η(μⱼ + λ), μⱼ > 0 eigenvalues of K Mxx Kᵀ",
        mu(rows),
        (0, stable, unstable, boundary),
        format!(
            "{} of the r = {r} eigenvalues μⱼ exceed 2/η − λ = {}, {} equal it",
            check_mu.above, check_mu.x0, check_mu.equal
        ),
    ));
    let (c, why) = map_rate(&el, 2, rows * rows);
    out.extend(check("Y₂₂: 1 − ηλ", rows * rows, c, why));
    if let Dynamics::EmaMap { alpha, .. } = dynamics {
        out.extend(check(
            "V₂: α",
            rows * m,
            (0, rows * m, 0, 0),
            format!("0 ≤ α = {alpha} < 1"),
        ));
    }
    out
}

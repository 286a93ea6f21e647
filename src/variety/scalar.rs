//! The scalar case m = 1 derived symbolically (SPEC SCALAR): with ρ = Mxx,
//! τ = Myx and λ as symbols, eliminate the predictor and the encoder from the
//! SG equilibrium equations plus `s − ‖a‖²`, factor what is left, and read
//! off the polynomial in s, its discriminant Δ and the radii of the spheres
//! of equilibria. Nothing here is typed in: every formula in the result is
//! printed from a Gröbner basis or a factorization.
//!
//! A nonzero equilibrium with m = 1 has rank one, so it is an equilibrium of
//! the model with embedding dimension one lifted by an orbit (SPEC
//! RANK-STRATA); the elimination is therefore done with n = 1.

use std::time::{Duration, Instant};

use num_rational::BigRational;
use num_traits::One;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::formula::{Mat, ModelData};
use crate::polynomial::groebner::{Field, factor, groebner_basis};
use crate::polynomial::sparse::{MonomialOrder, SparsePoly};

/// What the derivation produced (texts in the variables `s`, `rho`, `tau`,
/// `lambda`, `delta`, `r`).
#[derive(Clone, Debug, Serialize)]
pub struct ScalarDerivation {
    /// The generators of the elimination ideal `⟨P, Q, s − a²⟩ ∩ Q[s, ρ, τ, λ]`
    /// found in the lexicographic Gröbner basis.
    pub eliminated: Vec<String>,
    /// The factors of the one of least positive degree in s, with their
    /// multiplicities.
    pub factors: Vec<(String, u32)>,
    /// The factor of degree 2 in s: the nonzero equilibria satisfy it.
    pub sphere_polynomial: String,
    /// Its discriminant in s, and that discriminant's factorization.
    pub discriminant: String,
    /// The constant c with discriminant = c · Π factors^multiplicity.
    pub discriminant_constant: String,
    /// Factors of the discriminant with multiplicities.
    pub discriminant_factors: Vec<(String, u32)>,
    /// Δ: the product of the factors of odd multiplicity (the discriminant is
    /// a square times Δ, so real roots s exist iff Δ ≥ 0).
    pub delta: String,
    /// The sphere polynomial in `r = √s` with `λ` eliminated through
    /// `Δ = δ²`, factored: its linear factors in r.
    pub radius_factors: Vec<String>,
    /// The roots r of those factors.
    pub radii: Vec<String>,
    /// Wall time in seconds.
    pub seconds: f64,
}

const VARS: [&str; 6] = ["a", "b", "s", "rho", "tau", "lambda"];

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Runs the derivation (Symbolica: lexicographic Gröbner basis and two
/// factorizations; a few hundredths of a second).
pub fn derive(budget: Option<Duration>) -> Result<ScalarDerivation> {
    let started = Instant::now();
    let vars = names(&VARS);
    let nv = vars.len();
    let gb = groebner_basis(
        &equilibrium_system(nv),
        &vars,
        MonomialOrder::Lex,
        Field::Rational,
        budget,
    )?
    .ok_or_else(|| Error::Computation("the elimination ran out of time".into()))?;
    let elim: Vec<&SparsePoly> = gb
        .polys
        .iter()
        .filter(|g| g.terms().iter().all(|(e, _)| e[0] == 0 && e[1] == 0))
        .collect();
    let target = elim
        .iter()
        .filter(|g| s_degree(g) > 0)
        .min_by_key(|g| (s_degree(g), g.terms().len()))
        .ok_or_else(|| Error::Computation("the elimination ideal has no polynomial in s".into()))?;
    let factors = factor(target, &vars)?;
    let sphere = factors
        .iter()
        .map(|(f, _)| f)
        .find(|f| s_degree(f) == 2)
        .ok_or_else(|| Error::Computation("no factor of degree 2 in s".into()))?
        .clone();
    let disc = discriminant_in_s(&sphere);
    let disc_factors = factor(&disc, &vars)?;
    let (c, delta) = delta_of(&disc, &disc_factors)?;
    // Radii: with Δ = δ² (Δ is linear in λ: Δ = α + βλ), λ = (δ² − α)/β;
    // substitute into the sphere polynomial at s = r², clear β.
    let rvars = names(&["r", "rho", "tau", "delta"]);
    let radius_factors = radii_factors(&sphere, &delta, &rvars)?;
    let radii = radius_factors
        .iter()
        .filter_map(|f| root_of_linear(f, &rvars))
        .collect();
    let txt = |p: &SparsePoly| p.to_text(&vars);
    Ok(ScalarDerivation {
        eliminated: elim.iter().map(|g| txt(g)).collect(),
        factors: factors.iter().map(|(f, k)| (txt(f), *k)).collect(),
        sphere_polynomial: txt(&sphere),
        discriminant: txt(&disc),
        discriminant_constant: c.to_string(),
        discriminant_factors: disc_factors.iter().map(|(f, k)| (txt(f), *k)).collect(),
        delta: txt(&delta),
        radius_factors: radius_factors.iter().map(|f| f.to_text(&rvars)).collect(),
        radii,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The SG equilibrium equations `P = Q = 0` of the model with n = m = 1
/// (ρ, τ, λ as symbols, myy = 0), plus `s − a²`, in the variables [`VARS`].
fn equilibrium_system(nv: usize) -> Vec<SparsePoly> {
    let var = |k: usize| SparsePoly::var(nv, k);
    let mat = |p: SparsePoly| Mat::from_fn(1, 1, |_, _| p.clone());
    let md = ModelData {
        mxx: mat(var(3)),
        myx: mat(var(4)),
        myy: mat(SparsePoly::zero(nv)),
        lambda: var(5),
    };
    let (a, b) = (mat(var(0)), mat(var(1)));
    let (p, q) = md.student_field(&a, &b, &a);
    vec![
        p.get(0, 0).clone(),
        q.get(0, 0).clone(),
        var(2).sub(&var(0).mul(&var(0))),
    ]
}

/// The degree of `g` in s (the variable of index 2 in [`VARS`]).
fn s_degree(g: &SparsePoly) -> u16 {
    g.terms().iter().map(|(e, _)| e[2]).max().unwrap_or(0)
}

/// The discriminant `c₁² − 4c₂c₀` in s of the quadratic `sphere`, as a
/// polynomial in ρ, τ, λ.
fn discriminant_in_s(sphere: &SparsePoly) -> SparsePoly {
    let nv = VARS.len();
    // Coefficients of the quadratic in s, as polynomials in ρ, τ, λ.
    let coeff = |k: u16| {
        SparsePoly::from_terms(
            nv,
            sphere
                .terms()
                .iter()
                .filter(|(e, _)| e[2] == k)
                .map(|(e, c)| {
                    let mut e = e.clone();
                    e[2] = 0;
                    (e, c.clone())
                })
                .collect(),
        )
    };
    let (c2, c1, c0) = (coeff(2), coeff(1), coeff(0));
    let four = SparsePoly::constant(nv, BigRational::from_integer(4.into()));
    c1.mul(&c1).sub(&four.mul(&c2).mul(&c0))
}

/// The constant c with `disc = c · Π fᵢ^kᵢ` (the factorization drops it),
/// checked by multiplying back, and Δ: real roots s exist iff
/// `Δ = sign(c)·Π_{kᵢ odd} fᵢ ≥ 0`.
fn delta_of(
    disc: &SparsePoly,
    disc_factors: &[(SparsePoly, u32)],
) -> Result<(BigRational, SparsePoly)> {
    let nv = VARS.len();
    let product = disc_factors.iter().fold(
        SparsePoly::constant(nv, BigRational::one()),
        |acc, (f, k)| (0..*k).fold(acc, |a, _| a.mul(f)),
    );
    let lc = |p: &SparsePoly| p.terms().first().map(|(_, c)| c.clone());
    let c = match (lc(disc), lc(&product)) {
        (Some(x), Some(y)) => x / y,
        _ => return Err(Error::Computation("a zero discriminant".into())),
    };
    if product.scale(&c) != *disc {
        return Err(Error::Computation(
            "the factorization of the discriminant does not multiply back".into(),
        ));
    }
    let sign = if c < BigRational::from_integer(0.into()) {
        -BigRational::one()
    } else {
        BigRational::one()
    };
    let delta = disc_factors
        .iter()
        .filter(|(_, k)| k % 2 == 1)
        .fold(SparsePoly::constant(nv, sign), |acc, (f, _)| acc.mul(f));
    Ok((c, delta))
}

/// The derivation evaluated at one instance `(ρ, τ, λ)`: the derived Δ
/// (exactly) and, when it is non-negative, the derived radii (in floating
/// point, from the linear factors in r at δ = √Δ), sorted.
pub fn evaluate_at(
    d: &ScalarDerivation,
    rho: &BigRational,
    tau: &BigRational,
    lambda: &BigRational,
) -> Result<(BigRational, Vec<f64>)> {
    let vars = names(&VARS);
    let zero = BigRational::from_integer(0.into());
    let delta = SparsePoly::parse(&d.delta, &vars)?.eval(&[
        zero.clone(),
        zero.clone(),
        zero.clone(),
        rho.clone(),
        tau.clone(),
        lambda.clone(),
    ]);
    let mut radii = Vec::new();
    if delta >= zero {
        let rvars = names(&["r", "rho", "tau", "delta"]);
        let at = [
            0.0,
            crate::model::to_f64(rho),
            crate::model::to_f64(tau),
            crate::model::to_f64(&delta).sqrt(),
        ];
        for f in &d.radius_factors {
            let f = SparsePoly::parse(f, &rvars)?;
            // f = p₁·r + p₀, linear in r.
            let part = |k: u16| {
                SparsePoly::from_terms(
                    4,
                    f.terms()
                        .iter()
                        .filter(|(e, _)| e[0] == k)
                        .map(|(e, c)| {
                            let mut e = e.clone();
                            e[0] = 0;
                            (e, c.clone())
                        })
                        .collect(),
                )
            };
            let (p1, p0) = (part(1), part(0));
            let den = p1.eval_f64(&at);
            if den != 0.0 {
                radii.push(-p0.eval_f64(&at) / den);
            }
        }
        radii.sort_by(f64::total_cmp);
    }
    Ok((delta, radii))
}

/// Factors of `sphere(s = r², λ = (δ² − α)/β)·β²` in the variables
/// (r, ρ, τ, δ), where `Δ = α + βλ`.
fn radii_factors(
    sphere: &SparsePoly,
    delta: &SparsePoly,
    rvars: &[String],
) -> Result<Vec<SparsePoly>> {
    // Map (a, b, s, rho, tau, lambda) → (r, rho, tau, delta).
    let nv = rvars.len();
    let lambda_degree = |p: &SparsePoly| p.terms().iter().map(|(e, _)| e[5]).max().unwrap_or(0);
    if lambda_degree(delta) != 1 {
        return Err(Error::Computation(
            "Δ is not linear in λ; the radii are not derived".into(),
        ));
    }
    let to_r = |e: &[u16], c: &BigRational, extra: &[u16; 4]| {
        // s^k → r^{2k}.
        (
            vec![
                2 * e[2] + extra[0],
                e[3] + extra[1],
                e[4] + extra[2],
                extra[3],
            ],
            c.clone(),
        )
    };
    let part = |p: &SparsePoly, k: u16| {
        SparsePoly::from_terms(
            nv,
            p.terms()
                .iter()
                .filter(|(e, _)| e[5] == k)
                .map(|(e, c)| to_r(e, c, &[0, 0, 0, 0]))
                .collect(),
        )
    };
    let (alpha, beta) = (part(delta, 0), part(delta, 1));
    let delta2 = SparsePoly::monomial(vec![0, 0, 0, 2], BigRational::one());
    let lam_num = delta2.sub(&alpha); // λ = lam_num / beta
    let deg = lambda_degree(sphere);
    let mut total = SparsePoly::zero(nv);
    for k in 0..=deg {
        let mut t = part(sphere, k);
        for _ in 0..k {
            t = t.mul(&lam_num);
        }
        for _ in k..deg {
            t = t.mul(&beta);
        }
        total = total.add(&t);
    }
    if total.is_zero() {
        return Err(Error::Computation(
            "the substituted polynomial vanishes".into(),
        ));
    }
    Ok(factor(&total, rvars)?
        .into_iter()
        .map(|(f, _)| f)
        .filter(|f| f.terms().iter().any(|(e, _)| e[0] == 1))
        .collect())
}

/// `r = −rest/coefficient` for a factor linear in r (variable 0).
fn root_of_linear(f: &SparsePoly, vars: &[String]) -> Option<String> {
    if f.terms().iter().any(|(e, _)| e[0] > 1) {
        return None;
    }
    let nv = f.nvars();
    let with: Vec<_> = f
        .terms()
        .iter()
        .filter(|(e, _)| e[0] == 1)
        .cloned()
        .collect();
    let rest = SparsePoly::from_terms(
        nv,
        f.terms()
            .iter()
            .filter(|(e, _)| e[0] == 0)
            .cloned()
            .collect(),
    );
    let coef = SparsePoly::from_terms(
        nv,
        with.into_iter()
            .map(|(mut e, c)| {
                e[0] = 0;
                (e, c)
            })
            .collect(),
    );
    if coef.is_zero() {
        return None;
    }
    let num = rest.scale(&-BigRational::one());
    let show = |p: &SparsePoly, denominator: bool| {
        let t = p.to_text(vars);
        if p.terms().len() > 1 || (denominator && t.contains('*')) {
            format!("({t})")
        } else {
            t
        }
    };
    let num_t = if num.is_zero() {
        "0".to_string()
    } else {
        show(&num, false)
    };
    Some(format!("r = {num_t}/{}", show(&coef, true)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The derivation runs on Symbolica; the expected values below are
    /// checked against the derived ones, never printed as results.
    #[test]
    fn derived_delta_and_radii_match_the_closed_forms() {
        let d = derive(None).expect("derivation");
        let vars = names(&VARS);
        let delta = SparsePoly::parse(&d.delta, &vars).expect("parse Δ");
        let expected = SparsePoly::parse("tau^2-4*rho*lambda", &vars).expect("parse");
        assert_eq!(delta, expected);
        assert_eq!(d.radii.len(), 4, "{:?}", d.radii);
        // Evaluate the radius factors at ρ = 6/5, τ = 4/5, δ = √(2/5): the
        // roots must be ±(τ ± δ)/(2ρ).
        let rvars = names(&["r", "rho", "tau", "delta"]);
        let (rho, tau) = (1.2f64, 0.8f64);
        let delta_v = (tau * tau - 4.0 * rho * 0.05).sqrt();
        for f in &d.radius_factors {
            let p = SparsePoly::parse(f, &rvars).expect("parse factor");
            let hits = [1.0, -1.0]
                .iter()
                .flat_map(|s1| [1.0, -1.0].map(|s2| (s1 * tau + s2 * delta_v) / (2.0 * rho)))
                .filter(|&r| p.eval_f64(&[r, rho, tau, delta_v]).abs() < 1e-12)
                .count();
            assert_eq!(
                hits, 1,
                "factor {f} has exactly one of the four closed-form roots"
            );
        }
    }
}

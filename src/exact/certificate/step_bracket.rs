//! The step-size bracket of the SG map ([`certify_sg_step_bracket`]).

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::One;
use serde::Serialize;

use super::orbit::{StabilityCertificate, certify};
use crate::error::{Error, Result};
use crate::exact::jacobian::Dynamics;
use crate::exact::stability::schur_cohn;
use crate::exact::upoly::UPoly;
use crate::model::{Instance, RationalMatrix};

/// Two rationals around the largest stable step size of the SG map, each
/// with its certificate (see [`certify_sg_step_bracket`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepBracket {
    /// The float guess the search started from, as a decimal.
    pub eta_guess: String,
    /// A step size at which the SG map is certified stable.
    #[serde(serialize_with = "crate::exact::cert_serde::rational")]
    pub eta_lo: BigRational,
    /// A step size at which it is certified not stable.
    #[serde(serialize_with = "crate::exact::cert_serde::rational")]
    pub eta_hi: BigRational,
    /// `(η_hi − η_lo)/η_lo ≤ 10⁻⁶`.
    #[serde(serialize_with = "crate::exact::cert_serde::rational")]
    pub relative_gap: BigRational,
    /// The SG flow certificate ([`Verdict::Stable`](super::Verdict::Stable)).
    pub flow: StabilityCertificate,
    /// The SG map certificate at `η_lo` ([`Verdict::Stable`](super::Verdict::Stable)).
    pub at_lo: StabilityCertificate,
    /// The SG map certificate at `η_hi` (not stable).
    pub at_hi: StabilityCertificate,
}

/// Largest relative gap of a [`StepBracket`].
pub const STEP_BRACKET_GAP: f64 = 1e-6;

/// Brackets the stability limit of the SG map `θ⁺ = θ + η·v_SG(θ)` at an
/// equilibrium whose SG flow is certified stable: rationals
/// `η_lo < η_hi` with `(η_hi − η_lo)/η_lo ≤ 10⁻⁶`, [`certify`] giving
/// [`Verdict::Stable`](super::Verdict::Stable) at `η_lo` and something else at `η_hi`. The search
/// starts ±10⁻⁷ around `eta_guess` (the caller passes the float value of
/// [`crate::numeric::spectra::max_stable_step`]), widens the bracket
/// tenfold until it is valid, then bisects on rationals `k·10^e` with
/// about ten significant digits. The search probes are Schur–Cohn tests of
/// `η^{deg q} q((t − 1)/η)`, `q = χ/t^d` of the flow (cheap); the two
/// final step sizes are certified from scratch by [`certify`], and a
/// disagreement with the probes is an error.
///
/// # Why the bracket describes all step sizes
///
/// The map's Jacobian is `I + ηJ` with `J` the flow's, so its eigenvalues
/// are `1 + ημ` over the eigenvalues `μ` of `J`, `ker(ηJ) = ker J`, and the
/// algebraic multiplicity of 1 equals that of 0 in `J`: conditions 1–2 hold
/// for the map at every η > 0 iff they hold for the flow. For a stable flow
/// every non-tangent μ has `Re μ < 0`, and
/// `|1 + ημ|² = 1 + 2η Re μ + η²|μ|² < 1 ⇔ η < −2 Re μ/|μ|²`. So the set of
/// η > 0 where the map is stable is the interval `(0, η_max)` with
/// `η_max = min_μ −2 Re μ/|μ|²`, and the certificates prove
/// `η_lo < η_max ≤ η_hi`: the map is stable for **every**
/// `η ∈ (0, η_lo]` and not for `η_hi` (nor, by the same formula, for any
/// `η ≥ η_hi`).
///
/// Errors when the SG flow is not certified stable (then no η gives a
/// stable map, or the question is degenerate), when every non-tangent
/// eigenvalue is absent (every η is stable), or when `eta_guess` is not a
/// finite positive number.
pub fn certify_sg_step_bracket(
    inst: &Instance,
    a: &RationalMatrix,
    b: &RationalMatrix,
    eta_guess: f64,
) -> Result<StepBracket> {
    if !(eta_guess.is_finite() && eta_guess > 0.0) {
        return Err(Error::param(
            "eta_guess",
            eta_guess,
            "a finite positive float estimate of the largest stable step size",
        ));
    }
    let (flow, flow_quotient) = stable_flow_quotient(inst, a, b)?;
    // η = k·unit with unit = 10^(⌊log₁₀ guess⌋ − 9): k has ten digits.
    let exponent = eta_guess.log10().floor() as i32 - 9;
    let ten = BigRational::from_integer(BigInt::from(10));
    let unit = if exponent >= 0 {
        num_traits::pow(ten, exponent as usize)
    } else {
        num_traits::pow(ten, exponent.unsigned_abs() as usize).recip()
    };
    let guess = BigRational::from_float(eta_guess)
        .ok_or_else(|| Error::param("eta_guess", eta_guess, "a finite positive float"))?
        / &unit;
    let k_guess = guess.round().to_integer().max(BigInt::one());
    let eta_of = |k: &BigInt| BigRational::from_integer(k.clone()) * &unit;
    // The search probes with the quotient of the map's characteristic
    // polynomial, η^{deg q}·q((t − 1)/η) (the eigenvalues 1 + ημ), and the
    // Schur–Cohn test; only the final two step sizes get full certificates.
    let probe = |k: &BigInt| {
        let eta = eta_of(k);
        let shift = UPoly::new(vec![-eta.recip(), eta.recip()]);
        schur_cohn(&flow_quotient.compose(&shift)).is_schur_stable()
    };
    let (lo_k, hi_k) = search_bracket(inst.name(), &k_guess, &probe, &eta_of, eta_guess, &unit)?;
    let (eta_lo, eta_hi) = (eta_of(&lo_k), eta_of(&hi_k));
    let at_lo = certify(
        inst,
        a,
        b,
        &Dynamics::SgMap {
            eta: eta_lo.clone(),
        },
    )?;
    let at_hi = certify(
        inst,
        a,
        b,
        &Dynamics::SgMap {
            eta: eta_hi.clone(),
        },
    )?;
    if !at_lo.verdict.is_stable() || at_hi.verdict.is_stable() {
        return Err(Error::Computation(format!(
            "the certificates at η_lo = {eta_lo} ({:?}) and η_hi = {eta_hi} ({:?}) do not confirm the bracket found by the probes",
            at_lo.verdict, at_hi.verdict
        )));
    }
    Ok(StepBracket {
        eta_guess: format!("{eta_guess:e}"),
        relative_gap: relative_gap(&lo_k, &hi_k),
        eta_lo,
        eta_hi,
        flow,
        at_lo,
        at_hi,
    })
}

/// The SG flow certificate at `(A, B)` and its quotient `χ/t^d`, refusing a
/// flow that is not certified stable or has no non-tangent eigenvalue.
fn stable_flow_quotient(
    inst: &Instance,
    a: &RationalMatrix,
    b: &RationalMatrix,
) -> Result<(StabilityCertificate, UPoly)> {
    let flow = certify(inst, a, b, &Dynamics::StopGradient)?;
    if !flow.verdict.is_stable() {
        return Err(Error::Computation(format!(
            "the SG flow at this point of {} is not certified stable (verdict {:?}), so no step size makes the SG map stable modulo the orbit",
            inst.name(),
            flow.verdict
        )));
    }
    let flow_quotient = match &flow.analysis {
        Some(an) if an.quotient.degree() != Some(0) => an.quotient.clone(),
        _ => {
            return Err(Error::Computation(format!(
                "every eigenvalue of the SG Jacobian at this point of {} is tangent to the orbit, so the SG map is stable for every η > 0 and there is no limit to bracket",
                inst.name()
            )));
        }
    };
    Ok((flow, flow_quotient))
}

/// `(η_hi − η_lo)/η_lo` for `η = k·unit`.
fn relative_gap(lo: &BigInt, hi: &BigInt) -> BigRational {
    BigRational::new(hi - lo, lo.clone())
}

/// Integers `lo_k < hi_k` with `probe(lo_k)` stable, `probe(hi_k)` not, and
/// relative gap at most 10⁻⁶: start ±10⁻⁷ around `k_guess`, widen tenfold
/// until the bracket is valid, then bisect. `name`, `eta_of`, `eta_guess`
/// and `unit` only word the errors.
fn search_bracket(
    name: &str,
    k_guess: &BigInt,
    probe: &dyn Fn(&BigInt) -> bool,
    eta_of: &dyn Fn(&BigInt) -> BigRational,
    eta_guess: f64,
    unit: &BigRational,
) -> Result<(BigInt, BigInt)> {
    let one = BigInt::one();
    // Start ±1e-7 around the guess, then widen the offsets tenfold until
    // the bracket is valid.
    let initial: BigInt = (k_guess / BigInt::from(10_000_000)).max(one.clone());
    let mut step = initial.clone();
    let mut lo_k = (k_guess - &step).max(one.clone());
    while !probe(&lo_k) {
        if lo_k == one {
            return Err(Error::Computation(format!(
                "the SG map at {name} is not stable even for η = {}, although the flow is stable; expected stability for all small η",
                eta_of(&lo_k)
            )));
        }
        step *= 10;
        lo_k = (k_guess - &step).max(one.clone());
    }
    let mut step = initial;
    let mut hi_k = k_guess + &step;
    let mut tries = 0;
    while probe(&hi_k) {
        if tries > 60 {
            return Err(Error::Computation(format!(
                "the SG map at {name} is still stable at η = {}: no stability limit found above the guess {eta_guess}",
                eta_of(&hi_k)
            )));
        }
        step *= 10;
        hi_k = k_guess + &step;
        tries += 1;
    }
    let limit = BigRational::new(BigInt::one(), BigInt::from(1_000_000));
    while relative_gap(&lo_k, &hi_k) > limit {
        let mid: BigInt = (&lo_k + &hi_k) / 2;
        if mid == lo_k {
            return Err(Error::Computation(format!(
                "cannot bisect the step bracket [{lo_k}, {hi_k}]·{unit} further"
            )));
        }
        if probe(&mid) {
            lo_k = mid;
        } else {
            hi_k = mid;
        }
    }
    Ok((lo_k, hi_k))
}

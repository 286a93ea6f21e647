//! Tests of the three certificates.

use num_rational::BigRational;
use num_traits::{Signed, Zero};

use super::orbit::rows_matrix;
use super::*;
use crate::exact::equilibrium::tests::SHAPES;
use crate::exact::equilibrium::{RationalEquilibrium, rational_equilibrium};
use crate::exact::jacobian::Dynamics;
use crate::exact::linalg::rank;
use crate::exact::testutil::to_json;
use crate::exact::upoly::UPoly;
use crate::exact::upoly::tests::q;
use crate::model::{Instance, Moments, RationalMatrix, StabilityVerdict, builtin, to_f64};
use crate::numeric::spectra::{
    SpectralTolerances, classify_continuous, classify_discrete, max_stable_step,
};

fn eq(n: usize, m: usize, r: usize, seed: u64) -> RationalEquilibrium {
    rational_equilibrium(n, m, r, &q(1, 10), seed).unwrap()
}

/// The constructed shapes ([`crate::exact::equilibrium`]'s) with n, m ≤ 3
/// and rank 1 or 2: n > m, n = m, n < m and rank-deficient equilibria, where
/// the certificates stay fast.
fn shapes() -> impl Iterator<Item = (usize, usize, usize)> {
    SHAPES
        .into_iter()
        .filter(|&(n, m, r)| n <= 3 && m <= 3 && (1..=2).contains(&r))
}

fn all_dynamics() -> Vec<Dynamics> {
    vec![
        Dynamics::StopGradient,
        Dynamics::Ema { kappa: q(1, 1) },
        Dynamics::Ema { kappa: q(1, 10) },
        Dynamics::SgMap { eta: q(1, 50) },
        Dynamics::EmaMap {
            eta: q(1, 50),
            alpha: q(1, 2),
        },
    ]
}

/// The numeric verdict on the f64 Jacobian with the exact orbit dimension.
fn numeric_verdict(cert: &StabilityCertificate) -> (StabilityVerdict, usize) {
    let j = cert.analysis.as_ref().unwrap().jacobian.to_f64();
    let tol = SpectralTolerances::default();
    let s = if cert.dynamics.is_map() {
        classify_discrete(&j, cert.orbit_dimension, &tol)
    } else {
        classify_continuous(&j, cert.orbit_dimension, &tol)
    };
    (s.verdict, s.unstable_count)
}

/// At constructed equilibria the orbit tangent vectors lie in the exact
/// kernel, span the orbit dimension, and (unless the verdict reports a
/// degeneracy) the kernel is exactly their span.
#[test]
fn kernel_is_the_orbit_tangent_at_constructed_equilibria() {
    for (n, m, r) in shapes() {
        for seed in 0..3 {
            let e = eq(n, m, r, seed);
            for dynamics in all_dynamics() {
                let c = certify(&e.instance, &e.a, &e.b, &dynamics).unwrap();
                let what = format!("{} {}", e.instance.name(), dynamics.describe());
                assert!(c.residual_norm_squared.is_zero(), "{what}");
                assert_eq!(c.rank, r, "{what}");
                assert_eq!(c.orbit_dimension, n * r - r * (r + 1) / 2, "{what}");
                let an = c.analysis.as_ref().unwrap();
                assert!(an.tangent_in_kernel, "{what}");
                assert_eq!(an.tangent_rank, c.orbit_dimension, "{what}");
                assert_eq!(an.tangent.len(), n * (n - 1) / 2, "{what}");
                if !matches!(c.verdict, Verdict::Degenerate { .. }) {
                    assert_eq!(an.kernel.len(), c.orbit_dimension, "{what}");
                    assert_eq!(an.algebraic_multiplicity, c.orbit_dimension, "{what}");
                    // span(kernel) = span(tangent): stacking does not
                    // raise the rank.
                    let mut all = an.kernel.clone();
                    all.extend(an.tangent.iter().cloned());
                    if !all.is_empty() {
                        let mat = rows_matrix(&all, c.state_dimension);
                        assert_eq!(rank(&mat), c.orbit_dimension, "{what}");
                    }
                }
                // χ = (t − τ)^d · quotient.
                let tau = &an.tangent_eigenvalue;
                let factor =
                    UPoly::new(vec![-tau.clone(), q(1, 1)]).pow(an.algebraic_multiplicity as u32);
                assert_eq!(factor.mul(&an.quotient), an.charpoly, "{what}");
                assert!(!an.quotient.eval(tau).is_zero(), "{what}");
            }
        }
    }
}

/// The exact verdict agrees with the numeric classification of the f64
/// Jacobian wherever the latter is not degenerate (verdict and number of
/// unstable eigenvalues), and the search finds both saddles and stable
/// equilibria, so both branches are exercised.
#[test]
fn exact_verdicts_agree_with_the_numeric_ones() {
    let mut seen_stable = 0;
    let mut seen_saddle = 0;
    let mut compared = 0;
    for (n, m, r) in shapes() {
        for seed in 0..6 {
            let e = eq(n, m, r, seed);
            for dynamics in all_dynamics() {
                let c = certify(&e.instance, &e.a, &e.b, &dynamics).unwrap();
                let what = format!("{} {}", e.instance.name(), dynamics.describe());
                let (nv, unstable) = numeric_verdict(&c);
                if nv == StabilityVerdict::Degenerate {
                    continue;
                }
                compared += 1;
                match (&c.verdict, nv) {
                    (Verdict::Stable, StabilityVerdict::Stable) => seen_stable += 1,
                    (
                        Verdict::Saddle {
                            unstable: u,
                            stable: s,
                        },
                        StabilityVerdict::Saddle,
                    ) => {
                        assert_eq!(*u, unstable, "{what}");
                        assert_eq!(u + s + c.orbit_dimension, c.state_dimension, "{what}");
                        seen_saddle += 1;
                    }
                    (Verdict::Unstable, StabilityVerdict::Unstable) => {}
                    (v, nv) => panic!("{what}: exact {v:?} but numeric {nv:?}"),
                }
            }
        }
    }
    assert!(compared >= 250, "only {compared} comparisons");
    assert!(
        seen_stable > 0 && seen_saddle > 0,
        "{seen_stable} stable, {seen_saddle} saddles"
    );
}

/// A deterministic search for one saddle and one stable constructed
/// equilibrium of the SG flow, each confirmed by the numeric layer.
#[test]
fn finds_a_constructed_saddle_and_a_stable_equilibrium() {
    let find = |want_saddle: bool| {
        (0..50u64)
            .find_map(|seed| {
                let e = eq(2, 2, 1, seed);
                let c = certify(&e.instance, &e.a, &e.b, &Dynamics::StopGradient).unwrap();
                let hit = if want_saddle {
                    matches!(c.verdict, Verdict::Saddle { .. })
                } else {
                    c.verdict.is_stable()
                };
                hit.then_some(c)
            })
            .unwrap()
    };
    let saddle = find(true);
    assert_eq!(numeric_verdict(&saddle).0, StabilityVerdict::Saddle);
    let stable = find(false);
    assert_eq!(numeric_verdict(&stable).0, StabilityVerdict::Stable);
    match saddle.verdict {
        Verdict::Saddle { unstable, stable } => assert!(unstable > 0 && stable > 0),
        _ => unreachable!(),
    }
    // The evidence: a regular Routh array with sign changes.
    let test = &saddle.analysis.as_ref().unwrap().test;
    assert!(matches!(test, RootTest::Routh(t) if t.right_half_plane.is_some_and(|u| u > 0)));
}

#[test]
fn points_that_are_not_equilibria_are_never_stable() {
    let e = eq(3, 2, 2, 1);
    let mut a = e.a.clone();
    let x = a.get(0, 0) + q(1, 1000);
    a.set(0, 0, x);
    for dynamics in all_dynamics() {
        let c = certify(&e.instance, &a, &e.b, &dynamics).unwrap();
        assert!(c.analysis.is_none());
        match &c.verdict {
            Verdict::NotEquilibrium {
                residual_norm_squared,
                residual_norm,
            } => {
                assert!(residual_norm_squared.is_positive());
                assert!(residual_norm.parse::<f64>().unwrap() > 0.0);
            }
            v => panic!("{v:?}"),
        }
    }
    // An SG equilibrium is in general not a GD equilibrium.
    let c = certify(&e.instance, &e.a, &e.b, &Dynamics::GradientDescent).unwrap();
    assert!(matches!(c.verdict, Verdict::NotEquilibrium { .. }));
}

/// The origin is an equilibrium of every dynamics; there the SG
/// Jacobian is `−λI` and the GD one `−λI` on B and `X ↦ −X(λI + Myy)`
/// on A, both stable.
#[test]
fn the_origin_is_stable_for_gd_and_sg() {
    let inst = builtin("default").unwrap();
    let (n, m) = (inst.n(), inst.m());
    let a = RationalMatrix::zeros(n, m);
    let b = RationalMatrix::zeros(n, n);
    for dynamics in [Dynamics::GradientDescent, Dynamics::StopGradient] {
        let c = certify(&inst, &a, &b, &dynamics).unwrap();
        assert_eq!((c.rank, c.orbit_dimension), (0, 0));
        assert_eq!(c.verdict, Verdict::Stable, "{}", dynamics.describe());
    }
}

/// Without weight decay the origin has J = 0 for SG: every direction is
/// neutral, far more than the (zero-dimensional) orbit: degenerate.
#[test]
fn neutral_directions_beyond_the_orbit_are_degenerate() {
    let mo = Moments {
        mxx: RationalMatrix::identity(2),
        myx: RationalMatrix::identity(2),
        myy: RationalMatrix::identity(2),
    };
    let inst = Instance::new("no-decay", 2, mo, q(0, 1)).unwrap();
    let c = certify(
        &inst,
        &RationalMatrix::zeros(2, 2),
        &RationalMatrix::zeros(2, 2),
        &Dynamics::StopGradient,
    )
    .unwrap();
    match &c.verdict {
        Verdict::Degenerate { reason } => {
            assert!(
                reason.contains("larger than the orbit dimension 0"),
                "{reason}"
            );
        }
        v => panic!("{v:?}"),
    }
}

#[test]
fn recheck_accepts_the_certificate_and_rejects_tampering() {
    let e = eq(3, 2, 2, 2);
    let other = eq(3, 2, 2, 3);
    for dynamics in [
        Dynamics::StopGradient,
        Dynamics::EmaMap {
            eta: q(1, 20),
            alpha: q(1, 3),
        },
    ] {
        let c = certify(&e.instance, &e.a, &e.b, &dynamics).unwrap();
        assert!(c.recheck(&e.instance).unwrap());
        assert!(!c.recheck(&other.instance).unwrap());

        let mut t = c.clone();
        t.verdict = Verdict::Saddle {
            unstable: 1,
            stable: 1,
        };
        assert!(!t.recheck(&e.instance).unwrap());

        let mut t = c.clone();
        let an = t.analysis.as_mut().unwrap();
        let mut coeffs = an.charpoly.coeffs().to_vec();
        coeffs[1] += q(1, 1_000_000);
        an.charpoly = UPoly::new(coeffs);
        assert!(!t.recheck(&e.instance).unwrap());

        let mut t = c.clone();
        let an = t.analysis.as_mut().unwrap();
        let x = an.jacobian.get(0, 0) + q(1, 1);
        an.jacobian.set(0, 0, x);
        assert!(!t.recheck(&e.instance).unwrap());

        let mut t = c.clone();
        t.orbit_dimension += 1;
        assert!(!t.recheck(&e.instance).unwrap());
    }
}

#[test]
fn certificates_serialize_with_exact_strings() {
    let e = eq(2, 2, 2, 0);
    let c = certify(&e.instance, &e.a, &e.b, &Dynamics::Ema { kappa: q(1, 2) }).unwrap();
    let json = to_json(&c);
    assert!(
        json.contains(r#""dynamics":{"kind":"ema","kappa":"1/2"}"#),
        "{json}"
    );
    assert!(json.contains(r#""verdict":{"verdict":"stable"}"#), "{json}");
    assert!(json.contains(r#""test":"routh""#), "{json}");
    assert!(
        json.contains(&format!(r#""lambda":"{}""#, q(1, 10))),
        "{json}"
    );
    let first = e.a.get(0, 0).to_string();
    assert!(json.contains(&format!(r#""a":[["{first}""#)), "{json}");
}

/// The rational bracket contains the float stability limit of the SG
/// map (computed by the numeric layer from the eigenvalues), whatever
/// the quality of the starting guess.
#[test]
fn step_bracket_is_consistent_with_the_float_limit() {
    let tol = SpectralTolerances::default();
    let mut checked = 0;
    for &(n, m, r) in &[(2, 2, 2), (3, 2, 2), (2, 1, 1), (2, 3, 1)] {
        for seed in 0..3 {
            let e = eq(n, m, r, seed);
            let flow = certify(&e.instance, &e.a, &e.b, &Dynamics::StopGradient).unwrap();
            if !flow.verdict.is_stable() {
                let err = certify_sg_step_bracket(&e.instance, &e.a, &e.b, 0.1)
                    .unwrap_err()
                    .to_string();
                assert!(err.contains("not certified stable"), "{err}");
                continue;
            }
            let j = flow.analysis.as_ref().unwrap().jacobian.to_f64();
            let eta_max = max_stable_step(&j, &tol);
            // Poor guesses too, for the first two stable points.
            let guesses = if checked < 2 {
                vec![eta_max, eta_max * 3.0, eta_max / 3.0]
            } else {
                vec![eta_max]
            };
            for guess in guesses {
                let br = certify_sg_step_bracket(&e.instance, &e.a, &e.b, guess).unwrap();
                let what = format!("{} guess {guess}", e.instance.name());
                assert!(br.eta_lo < br.eta_hi, "{what}");
                assert!(
                    br.relative_gap <= BigRational::new(1.into(), 1_000_000.into()),
                    "{what}"
                );
                assert_eq!(br.at_lo.verdict, Verdict::Stable, "{what}");
                assert!(!br.at_hi.verdict.is_stable(), "{what}");
                assert_eq!(
                    br.at_lo.dynamics,
                    Dynamics::SgMap {
                        eta: br.eta_lo.clone()
                    }
                );
                let json = to_json(&br);
                assert!(
                    json.contains(&format!(r#""eta_lo":"{}""#, br.eta_lo)),
                    "{json}"
                );
                let (lo, hi) = (to_f64(&br.eta_lo), to_f64(&br.eta_hi));
                assert!(lo <= eta_max * (1.0 + 1e-9), "{what}: {lo} > {eta_max}");
                assert!(hi >= eta_max * (1.0 - 1e-9), "{what}: {hi} < {eta_max}");
                // Stability at η_lo implies it at every smaller η.
                for f in [q(1, 2), q(1, 10)] {
                    let c = certify(
                        &e.instance,
                        &e.a,
                        &e.b,
                        &Dynamics::SgMap {
                            eta: &br.eta_lo * f,
                        },
                    )
                    .unwrap();
                    assert!(c.verdict.is_stable(), "{what}");
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 10, "{checked}");
    let e = eq(2, 2, 2, 0);
    assert!(certify_sg_step_bracket(&e.instance, &e.a, &e.b, f64::NAN).is_err());
    assert!(certify_sg_step_bracket(&e.instance, &e.a, &e.b, -1.0).is_err());
}

/// The all-κ certificate agrees with single-κ certificates at
/// κ ∈ {1/10, 1, 10}, including equilibria where stability depends on κ
/// (found by a deterministic search).
#[test]
fn kappa_certificate_agrees_with_certify() {
    let kappas = [q(1, 10), q(1, 1), q(10, 1)];
    let mut verdicts = Vec::new();
    for &(n, m, r) in &[
        (1, 1, 1),
        (2, 1, 1),
        (1, 2, 1),
        (2, 2, 2),
        (2, 2, 1),
        (2, 3, 2),
    ] {
        for seed in 0..3 {
            let e = eq(n, m, r, seed);
            let kc = certify_ema_all_kappa(&e.instance, &e.a, &e.b).unwrap();
            let what = format!("{}: {}", e.instance.name(), kc.summary());
            assert_eq!(kc.orbit_dimension, n * r - r * (r + 1) / 2, "{what}");
            assert_eq!(kc.charpoly.len(), kc.state_dimension + 1, "{what}");
            for kappa in &kappas {
                let c = certify(
                    &e.instance,
                    &e.a,
                    &e.b,
                    &Dynamics::Ema {
                        kappa: kappa.clone(),
                    },
                )
                .unwrap();
                let stable = kc.stable_at(kappa).unwrap();
                assert_eq!(c.verdict.is_stable(), stable, "{what} at κ = {kappa}");
                if let Some(region) = kc.region_of(kappa) {
                    assert_eq!(region.stable, stable, "{what} at κ = {kappa}");
                }
                // The interpolated characteristic polynomial at κ is the
                // exact one.
                let chi = &c.analysis.as_ref().unwrap().charpoly;
                let at: Vec<BigRational> = kc.charpoly.iter().map(|p| p.eval(kappa)).collect();
                assert_eq!(UPoly::new(at), *chi, "{what}");
            }
            // Every region's sample agrees with certify as well.
            for region in &kc.regions {
                let c = certify(
                    &e.instance,
                    &e.a,
                    &e.b,
                    &Dynamics::Ema {
                        kappa: region.sample.clone(),
                    },
                )
                .unwrap();
                assert_eq!(c.verdict.is_stable(), region.stable, "{what}");
            }
            let json = to_json(&kc);
            assert!(json.contains(r#""verdict":{"verdict":"#), "{json}");
            if kc.verdict == KappaVerdict::StableForSomeKappa {
                let summary = kc.summary();
                assert!(summary.contains("not stable on"), "{summary}");
                assert!(summary.contains("stable on ("), "{summary}");
            }
            verdicts.push(kc.verdict.clone());
        }
    }
    assert!(verdicts.contains(&KappaVerdict::StableForAllKappa));
    assert!(verdicts.contains(&KappaVerdict::StableForSomeKappa));
}

#[test]
fn kappa_certificate_refuses_large_or_non_equilibrium_inputs() {
    let e = eq(4, 4, 2, 0);
    let err = certify_ema_all_kappa(&e.instance, &e.a, &e.b)
        .unwrap_err()
        .to_string();
    assert!(err.contains("48") && err.contains("at most 40"), "{err}");
    let e = eq(2, 2, 2, 0);
    let b = e.b.scale(&q(2, 1));
    let err = certify_ema_all_kappa(&e.instance, &e.a, &b)
        .unwrap_err()
        .to_string();
    assert!(err.contains("not an exact SG equilibrium"), "{err}");
}

#[test]
fn orbit_tangent_checks_shapes() {
    let a = RationalMatrix::identity(2);
    let err = orbit_tangent(&a, &RationalMatrix::zeros(3, 3), false)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("B of orbit_tangent") && err.contains("expected 2×2"),
        "{err}"
    );
    // Ω = E₀₁ − E₁₀ at (A, B) = (I, 0): (Ω, 0[, Ω]).
    let t = orbit_tangent(&a, &RationalMatrix::zeros(2, 2), true).unwrap();
    let (z, o) = (q(0, 1), q(1, 1));
    let expect = vec![
        z.clone(),
        -o.clone(),
        o.clone(),
        z.clone(), // vec(Ω), column-major
        z.clone(),
        z.clone(),
        z.clone(),
        z.clone(), // vec(0)
        z.clone(),
        -o.clone(),
        o.clone(),
        z.clone(), // vec(Ω)
    ];
    assert_eq!(t, vec![expect]);
}

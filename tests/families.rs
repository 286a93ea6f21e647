//! Degenerate data (isotropic and commuting moments): positive-dimensional
//! strata decomposed into isolated solutions and families, checked against
//! the closed forms of commuting data, and against where SG and EMA
//! trajectories end. Uses Symbolica in-process: run with one test thread.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rand::SeedableRng;
use ssl_equilibria::analysis::Level;
use ssl_equilibria::analysis::characterize::{
    Characterization, CharacterizeConfig, ComponentVerdict, DynamicsKind, WholeVariety,
    characterize,
};
use ssl_equilibria::analysis::locate::locate;
use ssl_equilibria::model::{Instance, Procedure, builtin};
use ssl_equilibria::numeric::{self, Model, OdeOptions};
use ssl_equilibria::testing::commuting_instance;
use ssl_equilibria::variety::family_degree::FamilyDegree;
use ssl_equilibria::variety::strata::StratumStatus;
use ssl_equilibria::variety::zerodim::{Completeness, CountEvidence};

/// n = m = 3, `Mxx = Myx = Myy = I`, λ = 1/50: isotropic data at the
/// largest size with exact strata.
fn isotropic3() -> Instance {
    use num_bigint::BigInt;
    use num_rational::BigRational;
    use ssl_equilibria::model::{Moments, RationalMatrix};
    let id = || RationalMatrix::from_ints(&[&[1, 0, 0], &[0, 1, 0], &[0, 0, 1]], 1);
    let mo = Moments {
        mxx: id(),
        myx: id(),
        myy: id(),
    };
    let lambda = BigRational::new(BigInt::from(1), BigInt::from(50));
    Instance::new("isotropic n = m = 3", 3, mo, lambda).expect("a valid instance")
}

fn run(inst: &Instance) -> Characterization {
    let cfg = CharacterizeConfig {
        whole_variety: WholeVariety::Never,
        ..CharacterizeConfig::default()
    };
    characterize(inst, &cfg, |_| {}).expect("characterize")
}

fn agrees(c: &Characterization) -> bool {
    let cf = c
        .closed_form
        .as_ref()
        .expect("commuting data has a closed form");
    assert!(
        cf.agrees,
        "missing {:?}, unexpected {:?}",
        cf.missing, cf.unexpected
    );
    true
}

/// The value of `to_string_in("t₀")`'s output at `t` (terms `c`, `c*t₀`,
/// `c*t₀^k`, `t₀^k`, signs between them), in floating point.
fn eval_poly_string(text: &str, t: f64) -> f64 {
    let ratio = |c: &str| -> f64 {
        match c.split_once('/') {
            Some((p, q)) => p.parse::<f64>().unwrap() / q.parse::<f64>().unwrap(),
            None => c.parse::<f64>().unwrap(),
        }
    };
    text.replace(" - ", " + -")
        .split(" + ")
        .filter(|term| !term.trim().is_empty())
        .map(|term| {
            let (sign, term) = match term.trim().strip_prefix('-') {
                Some(rest) => (-1.0, rest),
                None => (1.0, term.trim()),
            };
            let (coeff, power) = match term.split_once('*') {
                Some((c, mono)) => (ratio(c), mono),
                None if term.starts_with("t₀") => (1.0, term),
                None => (ratio(term), ""),
            };
            let k = match power {
                "" => 0,
                "t₀" => 1,
                mono => mono.strip_prefix("t₀^").unwrap().parse::<i32>().unwrap(),
            };
            sign * coeff * t.powi(k)
        })
        .sum()
}

/// Every family's defining equations, evaluated at its t₀ (from the
/// equations' last line when the number field is not Q), against the
/// elementary symmetric functions of S, S + Mxx and S + (Myx + Myxᵀ)/2
/// computed from the component's floating-point S. Returns how many
/// families were checked and how many over a proper number field.
fn check_defining_equations(inst: &Instance, c: &Characterization) -> (usize, usize) {
    use nalgebra::DMatrix;
    let m = inst.m();
    let (mxx, myx, _) = inst.moments_f64();
    let sym = (&myx + myx.transpose()) * 0.5;
    let (mut checked, mut over_field) = (0, 0);
    for k in c.strata.iter().flat_map(|s| s.components.iter()) {
        if k.family_dimension.is_none_or(|d| d == 0) {
            continue;
        }
        let eqs = &k.defining_equations;
        assert!(eqs.len() == 3 * m || eqs.len() == 3 * m + 1, "{eqs:?}");
        let t0 = match eqs.get(3 * m) {
            Some(last) => {
                over_field += 1;
                let rest = last.strip_prefix("where t₀ ≈ ").expect("the field line");
                rest.split_whitespace()
                    .next()
                    .unwrap()
                    .parse::<f64>()
                    .unwrap()
            }
            None => 0.0,
        };
        let s = DMatrix::from_fn(m, m, |i, j| k.s[i][j]);
        for (block, shift) in [&DMatrix::zeros(m, m), &mxx, &sym].into_iter().enumerate() {
            let eig = (&s + shift).symmetric_eigen().eigenvalues;
            // e_1, …, e_m of the eigenvalues.
            let mut e = vec![1.0; 1];
            for &x in eig.iter() {
                let mut next = e.clone();
                next.push(0.0);
                for j in 1..next.len() {
                    next[j] += x * e[j - 1];
                }
                e = next;
            }
            for j in 1..=m {
                let eq = &eqs[block * m + j - 1];
                let (_, value) = eq.split_once(" = ").unwrap();
                let got = eval_poly_string(value, t0);
                assert!(
                    (got - e[j]).abs() <= 1e-7 * (1.0 + e[j].abs()),
                    "{eq}: {got} at t₀ = {t0}, e_{j} = {}",
                    e[j]
                );
            }
        }
        checked += 1;
    }
    (checked, over_field)
}

/// Every family's block form checked against its floating-point S: for
/// each joint eigenspace E (basis B from the JSON), S maps E into itself,
/// the coefficients `e_k(S|E)` evaluated at t₀ equal those of the
/// restriction `(BᵀB)⁻¹BᵀSB` (sums of principal minors), the multiplicities
/// are those of its eigenvalues, and the degree is the product of the
/// orbits' degrees and equals the modular section count. A family without a
/// block form must say why, and when the reason is that S does not commute
/// with the data, S must indeed not commute. Returns how many families got
/// a block form.
fn check_orbit_equations(inst: &Instance, c: &Characterization) -> usize {
    use nalgebra::DMatrix;
    let m = inst.m();
    let (mxx, myx, _) = inst.moments_f64();
    let ratio = |x: &str| -> f64 {
        match x.split_once('/') {
            Some((p, q)) => p.parse::<f64>().unwrap() / q.parse::<f64>().unwrap(),
            None => x.parse::<f64>().unwrap(),
        }
    };
    let mut proved = 0;
    for k in c.strata.iter().flat_map(|s| s.components.iter()) {
        if k.family_dimension.is_none_or(|d| d == 0) || k.defining_equations.is_empty() {
            continue;
        }
        let s = DMatrix::from_fn(m, m, |i, j| k.s[i][j]);
        let Some(eq) = &k.orbit_equations else {
            let why = k.orbit_equations_not_proved.as_deref().expect("a reason");
            if why.contains("does not commute") {
                let gap = (&s * &mxx - &mxx * &s).norm() + (&s * &myx - &myx * &s).norm();
                assert!(gap > 1e-6, "{why}, yet ‖[S, M]‖ = {gap:e}");
            }
            continue;
        };
        assert_eq!(Some(eq.dimension), k.family_dimension);
        let t0 = eq.field.as_deref().map_or(0.0, |f| {
            let rest = f.strip_prefix("where t₀ ≈ ").expect("the field line");
            rest.split_whitespace()
                .next()
                .unwrap()
                .parse::<f64>()
                .unwrap()
        });
        let mut degree = 1;
        for sp in &eq.spaces {
            let dim = sp.basis.len();
            let b = DMatrix::from_fn(m, dim, |i, j| ratio(&sp.basis[j][i]));
            let gram_inv = (b.transpose() * &b).try_inverse().unwrap();
            let proj = &b * &gram_inv * b.transpose();
            let leak = ((DMatrix::identity(m, m) - &proj) * &s * &proj).norm();
            assert!(leak < 1e-9, "S leaks out of E: {leak:e}");
            let restricted = &gram_inv * b.transpose() * &s * &b;
            for (i, line) in sp.coefficients.iter().enumerate() {
                let minors: f64 = subsets(dim, i + 1)
                    .iter()
                    .map(|set| {
                        DMatrix::from_fn(set.len(), set.len(), |a, c| restricted[(set[a], set[c])])
                            .determinant()
                    })
                    .sum();
                let (_, value) = line.split_once(" = ").unwrap();
                let got = eval_poly_string(value, t0);
                assert!(
                    (got - minors).abs() <= 1e-7 * (1.0 + minors.abs()),
                    "{line}: {got} at t₀ = {t0}, from S {minors}"
                );
            }
            // The restriction is similar to a symmetric matrix: real
            // eigenvalues, read off its complex ones.
            let mut own: Vec<f64> = restricted
                .complex_eigenvalues()
                .iter()
                .map(|z| z.re)
                .collect();
            own.sort_by(|a, b| b.total_cmp(a));
            let mut mult: Vec<usize> = Vec::new();
            for (i, x) in own.iter().enumerate() {
                if i > 0 && (x - own[i - 1]).abs() < 1e-7 {
                    *mult.last_mut().unwrap() += 1;
                } else {
                    mult.push(1);
                }
            }
            mult.sort_by(|a, b| b.cmp(a));
            assert_eq!(sp.multiplicities, mult, "eigenvalues on E {own:?}");
            degree *= sp.degree.expect("a degree for blocks up to 3×3");
        }
        assert_eq!(eq.degree, Some(degree));
        assert!(
            matches!(k.family_degree, Some(FamilyDegree::Exact { degree: d, section_bound: Some(b) }) if d == degree && b == degree),
            "{:?}",
            k.family_degree
        );
        proved += 1;
    }
    proved
}

fn subsets(n: usize, k: usize) -> Vec<Vec<usize>> {
    (0u32..1 << n)
        .filter(|mask| mask.count_ones() as usize == k)
        .map(|mask| (0..n).filter(|i| mask & (1 << i) != 0).collect())
        .collect()
}

#[test]
fn isotropic_strata_are_isolated_points_and_circles() {
    let c = run(&builtin("isotropic").unwrap());
    let st = |r: usize| {
        &c.strata
            .iter()
            .find(|s| s.stratum.rank == r)
            .unwrap()
            .stratum
    };
    // Rank 2: s₊I and s₋I isolated, one circle {s₊vvᵀ + s₋wwᵀ}.
    assert!(
        matches!(
            st(2).status,
            StratumStatus::Decomposed {
                isolated: 2,
                families: 1,
                undecided: 0,
                ..
            }
        ),
        "{:?}",
        st(2).status
    );
    // Rank 1: two circles {s± vvᵀ}, no isolated point.
    assert!(
        matches!(
            st(1).status,
            StratumStatus::Decomposed {
                isolated: 0,
                families: 2,
                undecided: 0,
                ..
            }
        ),
        "{:?}",
        st(1).status
    );
    // (s + λ)² = s at every non-zero eigenvalue of every component.
    for s in &c.strata {
        for comp in &s.components {
            for &e in comp.eigenvalues.iter().filter(|e| e.abs() > 1e-9) {
                assert!(((e + 0.02) * (e + 0.02) - e).abs() < 1e-10, "{e}");
            }
        }
    }
    // s₊I is stable for SG; the family over s₊vvᵀ + s₋wwᵀ is a saddle.
    let top = &c
        .strata
        .iter()
        .find(|s| s.stratum.rank == 2)
        .unwrap()
        .components;
    let plus = top
        .iter()
        .find(|k| k.family_dimension == Some(0) && k.trace > 1.0)
        .unwrap();
    assert_eq!(plus.sg_verdict, ComponentVerdict::Stable);
    let fam = top.iter().find(|k| k.family_dimension == Some(1)).unwrap();
    assert_eq!(fam.sg_verdict, ComponentVerdict::Saddle);
    assert!(agrees(&c));
    // Every dimension is proved (ranks modulo a prime at the exact point),
    // and every family is a conic: the level sets of (tr S, det S) in the
    // 3-dimensional space of symmetric 2×2 matrices have degree 1·2.
    for s in &c.strata {
        for k in &s.components {
            assert_eq!(k.family_dimension_level, Some(Level::Exact), "{k:?}");
            if k.family_dimension.is_some_and(|d| d > 0) {
                assert_eq!(k.real_psd_dimension, k.family_dimension);
                // e_1, e_2 of S, S + Mxx and S + (Myx + Myxᵀ)/2, exactly
                // (values checked below).
                assert!(k.defining_equations[0].starts_with("e_1(S) = "));
                assert!(
                    matches!(
                        k.family_degree,
                        Some(FamilyDegree::Exact {
                            degree: 2,
                            section_bound: Some(2)
                        })
                    ),
                    "{:?}",
                    k.family_degree
                );
            }
        }
    }
    // The values over Q(t₀), t₀ a root of the factor of χ at the family.
    let (checked, _) = check_defining_equations(&builtin("isotropic").unwrap(), &c);
    assert!(checked >= 2, "{checked}");
    // And they cut out exactly each family (one joint eigenspace, R²).
    assert_eq!(
        check_orbit_equations(&builtin("isotropic").unwrap(), &c),
        checked
    );
}

#[test]
fn isotropic_3x3_families_have_their_classical_dimensions_and_degrees() {
    // Mxx = Myx = I₃: H = O(3) acts by conjugation, so each family is the
    // orbit of S: {s vvᵀ} and {s(I − uuᵀ)} are Veronese surfaces (dimension
    // 2, degree 4), and an S with three distinct eigenvalues has a regular
    // orbit, a fibre of the characteristic map (e₁, e₂, e₃) of degrees
    // 1, 2, 3: dimension 3, degree 1·2·3 = 6.
    let c = run(&isotropic3());
    let mut seen = Vec::new();
    for s in &c.strata {
        for k in &s.components {
            assert_eq!(k.family_dimension_level, Some(Level::Exact), "{k:?}");
            let Some(d) = k.family_dimension.filter(|&d| d > 0) else {
                continue;
            };
            let distinct = {
                let mut e = k.eigenvalues.clone();
                e.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
                e.len()
            };
            let (dim, degree) = if distinct == 3 { (3, 6) } else { (2, 4) };
            assert_eq!(d, dim, "{k:?}");
            assert!(
                matches!(k.family_degree, Some(FamilyDegree::Exact { degree: d, section_bound: Some(b) }) if d == degree && b == degree),
                "rank {}, eigenvalues {:?}: {:?}",
                k.rank,
                k.eigenvalues,
                k.family_degree
            );
            seen.push(dim);
        }
    }
    assert!(seen.contains(&2) && seen.contains(&3), "{seen:?}");
    assert_eq!(check_orbit_equations(&isotropic3(), &c), seen.len());
}

#[test]
fn commuting_builtin_agrees_with_its_closed_form() {
    let c = run(&builtin("commuting").unwrap());
    for s in &c.strata {
        assert!(
            s.stratum.is_resolved(),
            "rank {}: {}",
            s.stratum.rank,
            s.stratum.method
        );
        // Every critical-point count is proved over Q by the replay of the
        // modular run (the strata were complete only modulo primes before).
        if s.stratum.rank > 0 {
            assert_eq!(
                s.stratum.completeness,
                Completeness::Certified,
                "rank {}: {:?}",
                s.stratum.rank,
                s.stratum.count_evidence
            );
            assert!(
                matches!(
                    s.stratum.count_evidence,
                    Some(CountEvidence::ReplayOverQ { .. })
                ),
                "rank {}: {:?}",
                s.stratum.rank,
                s.stratum.count_evidence
            );
        }
    }
    assert!(agrees(&c));
    // Every family's defining equations over its own factor of χ (degree
    // 2 to 8 instead of 16), evaluated at t₀ against S.
    let (checked, over_field) = check_defining_equations(&builtin("commuting").unwrap(), &c);
    assert!(
        checked >= 6 && over_field >= 1,
        "{checked} families, {over_field} over a field"
    );
    // Each family is cut out exactly by its block form (two joint
    // eigenspaces), with its degree.
    assert_eq!(
        check_orbit_equations(&builtin("commuting").unwrap(), &c),
        checked
    );
    // The rank-3 points' χ (degree 16) splits into factors of degrees 4,
    // 4, 8; over its own factor every maximal-rank verdict is exact (the
    // EMA blocks of size 27 over degree 4 included), and agrees with the
    // numeric one.
    let top = c.strata.last().unwrap();
    assert_eq!(top.stratum.rank, 3);
    assert!(!top.components.is_empty());
    for comp in &top.components {
        assert_eq!(comp.sg_level, Level::Exact, "tr S = {}", comp.trace);
        assert!(
            comp.algebraic_certificates
                .iter()
                .all(|cert| cert.chi.degree().is_some_and(|d| d < 16)),
            "certificates over a factor of χ"
        );
        let numeric: Vec<_> = comp
            .verdicts
            .iter()
            .filter(|v| v.level == Level::Numeric)
            .collect();
        assert!(numeric.iter().any(|v| v.dynamics == DynamicsKind::SgFlow));
        for v in numeric {
            let exact = comp
                .verdicts
                .iter()
                .find(|e| e.level == Level::Exact && e.dynamics == v.dynamics)
                .unwrap_or_else(|| panic!("tr S = {}: no exact {}", comp.trace, v.dynamics));
            assert_eq!(
                exact.verdict, v.verdict,
                "tr S = {}, {}",
                comp.trace, v.dynamics
            );
        }
    }
}

#[test]
fn random_commuting_data_agree_with_the_closed_forms() {
    for (m, cases) in [(2usize, 4u32), (3, 2)] {
        let mut runner = TestRunner::new(Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&commuting_instance(m), |inst| {
                let c = run(&inst);
                let cf = c.closed_form.as_ref().expect("closed form");
                prop_assert!(
                    cf.agrees,
                    "m = {m}: missing {:?}, unexpected {:?}",
                    cf.missing,
                    cf.unexpected
                );
                check_orbit_equations(&inst, &c);
                Ok(())
            })
            .unwrap();
    }
}

/// Every SG and EMA trajectory that converges ends on a listed component,
/// and that component is not unstable.
#[test]
fn trajectories_end_on_listed_components() {
    for name in ["isotropic", "commuting", "isotropic n = m = 3"] {
        let inst = builtin(name).unwrap_or_else(isotropic3);
        let c = run(&inst);
        let model = Model::from_instance(&inst);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let mut converged = 0;
        for k in 0..12 {
            let procedure = if k % 2 == 0 {
                Procedure::StopGradient
            } else {
                Procedure::Ema
            };
            let init = numeric::random::random_state(model.n, model.m, procedure, 1.0, &mut rng);
            let opts = OdeOptions {
                t_max: 4000.0,
                field_tol: 1e-10,
                ..OdeOptions::default()
            };
            let out = numeric::integrate(&model, procedure, 1.0, &init, &opts, |_, _| {})
                .expect("integrate");
            if !out.converged {
                continue;
            }
            converged += 1;
            let a = &out.state.a;
            let loc = locate(&inst, &c, &(a.transpose() * a)).expect("locate");
            let best = &loc.candidates[0];
            assert!(
                loc.on_component,
                "{name} {procedure:?} start {k}: nearest at {:.3e} (rank {}, eigenvalues {:?}); S eigenvalues {:?}",
                best.distance, best.rank, best.eigenvalues, loc.eigenvalues
            );
            assert_ne!(best.sg_verdict, ComponentVerdict::Unstable, "{name} {k}");
        }
        assert!(
            converged >= 6,
            "{name}: only {converged} of 12 runs converged"
        );
    }
}

/// Stability over a family, exactly: at a point of the isotropic circle of
/// rank 2 the certificate expects orbit + family zero eigenvalues, and
/// finds exactly that many, so its verdict holds modulo the tangent space
/// of the equilibria. Expecting the orbit alone, or one family direction
/// too many, makes the same point degenerate: the count is a check that
/// can fail, not a parameter that passes.
#[test]
fn isotropic_families_are_certified_exactly_modulo_orbit_and_family() {
    use ssl_equilibria::exact::certificate::Verdict;
    use ssl_equilibria::exact::{AlgebraicPoint, Dynamics, certify_algebraic_on_family};
    let inst = builtin("isotropic").unwrap();
    let c = run(&inst);
    // Every family component of every rank: the SG verdict is exact and
    // agrees with the floating-point spectrum.
    let mut families = 0;
    for s in &c.strata {
        for k in s
            .components
            .iter()
            .filter(|k| k.family_dimension.is_some_and(|d| d > 0))
        {
            families += 1;
            let sg: Vec<_> = k
                .verdicts
                .iter()
                .filter(|v| v.dynamics.to_string() == "SG")
                .collect();
            assert!(
                sg.iter().any(|v| v.level == Level::Exact),
                "rank {}: {sg:?}",
                s.stratum.rank
            );
            let verdicts: Vec<_> = sg.iter().map(|v| v.verdict).collect();
            assert!(verdicts.windows(2).all(|w| w[0] == w[1]), "{sg:?}");
            let cert = &k.algebraic_certificates[0];
            assert_eq!(cert.family_dimension, 1);
            assert_eq!(cert.multiplicity, cert.expected_multiplicity);
        }
    }
    assert_eq!(families, 3, "two circles of rank 1, one of rank 2");
    // The rank-2 circle directly, at its critical point.
    let st = &c
        .strata
        .iter()
        .find(|s| s.stratum.rank == 2)
        .unwrap()
        .stratum;
    let rur = st.rur.as_ref().expect("the critical-point system's RUR");
    let sol = st
        .real_solutions
        .iter()
        .find(|s| s.psd && s.family.is_some())
        .expect("a point of the circle");
    let point = AlgebraicPoint::from_rur_numerators(
        rur.chi.clone(),
        rur.numerators[..3].to_vec(),
        sol.root.clone().unwrap(),
        2,
    )
    .unwrap();
    let at = |family| {
        certify_algebraic_on_family(&inst, &point, &Dynamics::StopGradient, family)
            .unwrap()
            .verdict
    };
    assert!(
        matches!(at(1), Verdict::Saddle { unstable: 1, .. }),
        "{:?}",
        at(1)
    );
    for wrong in [0, 2] {
        assert!(
            matches!(at(wrong), Verdict::Degenerate { .. }),
            "family {wrong}: {:?}",
            at(wrong)
        );
    }
}

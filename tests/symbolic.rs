//! Symbolic proofs of the identity claims, and the polynomial systems they
//! rest on. Uses Symbolica: run with --test-threads=1, as the README's test
//! command does.

use ssl_equilibria::model::{BUILTIN_NAMES, Procedure, builtin};
use ssl_equilibria::polynomial::proofs::{Identity, prove};
use ssl_equilibria::polynomial::{Data, PolynomialSystem, SystemKind, is_identity};

#[test]
fn every_identity_holds_for_all_data_of_small_shapes() {
    for (n, m) in [(1, 1), (2, 1), (1, 2), (2, 2)] {
        for id in Identity::ALL {
            let p = prove(id, &Data::Symbolic { n, m }).unwrap();
            assert!(p.holds, "{id:?} on {n}×{m}: {}", p.detail);
            assert_eq!((p.n, p.m, p.data.as_str()), (n, m, "symbolic"));
        }
    }
}

#[test]
fn every_identity_holds_on_every_builtin_instance() {
    for name in BUILTIN_NAMES {
        let inst = builtin(name).unwrap();
        for id in Identity::ALL {
            let p = prove(id, &Data::Instance(inst.clone())).unwrap();
            assert!(p.holds, "{id:?} on {name}: {}", p.detail);
        }
    }
}

#[test]
fn the_scalar_sg_asymmetry_is_the_cross_moment() {
    // n = m = 1: v_a = −(b(bamxx − amyx) + λa), v_b = −((bamxx − amyx)a + λb),
    // so ∂v_a/∂b − ∂v_b/∂a = −(2bamxx − amyx) + (2bamxx − 2amyx) = −a·myx.
    let p = prove(Identity::NotGradient, &Data::Symbolic { n: 1, m: 1 }).unwrap();
    let sg = p
        .witnesses
        .iter()
        .find(|w| w.label.starts_with("SG"))
        .expect("an SG witness");
    assert!(
        is_identity(&sg.polynomial, "-a_1_1*myx_1_1").unwrap(),
        "{}",
        sg.polynomial
    );
    assert_eq!(sg.terms, 1);
}

#[test]
fn balance_fails_for_gd_with_the_predicted_defect() {
    let p = prove(Identity::Balance, &Data::Symbolic { n: 2, m: 2 }).unwrap();
    assert!(p.detail.contains("GD: defect = XAᵀ + AXᵀ"), "{}", p.detail);
    assert!(p.detail.contains("non-zero (yes"), "{}", p.detail);
    assert!(p.witnesses[0].terms > 0);
}

#[test]
fn gd_collapse_needs_its_hypotheses() {
    // λ = 0 with a singular joint matrix (y = x exactly): the hypotheses
    // "λ > 0 or J ≻ 0" fail, and the proof says so instead of claiming collapse.
    let text = "name = \"noiseless\"\nn = 1\nmxx = [[1]]\nmyx = [[1]]\nmyy = [[1]]\nlambda = 0\n";
    let inst = ssl_equilibria::model::parse_instance_str(
        text,
        ssl_equilibria::model::Format::Toml,
        "noiseless",
    )
    .unwrap();
    let p = prove(Identity::GdCollapse, &Data::Instance(inst)).unwrap();
    assert!(!p.holds, "{}", p.detail);
    assert!(p.detail.contains("hypotheses"), "{}", p.detail);
}

#[test]
fn equilibrium_systems_have_the_expected_sizes() {
    let inst = builtin("default").unwrap(); // n = 3, m = 2
    let data = Data::Instance(inst);
    let sg = PolynomialSystem::build(SystemKind::SgEquilibrium, &data).unwrap();
    assert_eq!(sg.variables.len(), 3 * 2 + 3 * 3);
    assert_eq!(sg.equations.len(), 3 * 2 + 3 * 3);
    assert!(sg.parameters.is_empty());
    let ema = PolynomialSystem::build(SystemKind::EmaEquilibrium, &data).unwrap();
    assert_eq!(ema.variables.len(), 2 * 6 + 9);
    assert_eq!(ema.equations.len(), 2 * 6 + 9);
    let s = PolynomialSystem::build(SystemKind::SEquation, &data).unwrap();
    assert_eq!(s.variables, ["s_1_1", "s_1_2", "s_2_2"]);
    let map = PolynomialSystem::build(
        SystemKind::Map(Procedure::Ema),
        &Data::Symbolic { n: 1, m: 1 },
    )
    .unwrap();
    assert!(map.parameters.contains(&"eta".to_string()));
    assert!(map.parameters.contains(&"alpha".to_string()));
    // C⁺ = αC + (1 − α)A⁺ with A⁺ = A − ηP(A, B, C).
    let c_next = &map.equations[2].polynomial;
    let expected = "alpha*c_1_1 + (1-alpha)*(a_1_1 - eta*(b_1_1*(b_1_1*a_1_1*mxx_1_1 - c_1_1*myx_1_1) + lambda*a_1_1))";
    assert!(is_identity(c_next, expected).unwrap(), "{c_next}");
}

#[test]
fn oversized_shapes_are_refused_with_the_limit() {
    let e = prove(Identity::Balance, &Data::Symbolic { n: 5, m: 1 })
        .unwrap_err()
        .to_string();
    assert!(e.contains("n, m ≤ 4"), "{e}");
    let e = PolynomialSystem::build(SystemKind::SgEquilibrium, &Data::Symbolic { n: 7, m: 1 })
        .unwrap_err()
        .to_string();
    assert!(e.contains("≤ 6"), "{e}");
}

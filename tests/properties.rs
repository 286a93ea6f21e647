//! Property tests of the identities of SPEC §3 on the fields, over random
//! valid instances and points (strategies from `ssl_equilibria::testing`).
//! Tolerances are relative and explained next to each assertion.

use nalgebra::DMatrix;
use proptest::prelude::*;
use ssl_equilibria::model::{Format, Procedure, parse_instance_str};
use ssl_equilibria::numeric::{Model, State};
use ssl_equilibria::testing::{InstanceBounds, instance_and_point, orthogonal, valid_instance};

fn rel(x: f64, scale: f64) -> f64 {
    if x == 0.0 { 0.0 } else { x / scale.max(1e-300) }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// BALANCE: for SG and for EMA with an arbitrary teacher C,
    /// d/dt(AAᵀ − BᵀB) = −2λ(AAᵀ − BᵀB). Relative to the summands, rounding
    /// leaves ~1e-15.
    #[test]
    fn balance_identity_holds_for_sg_and_ema(
        (inst, s) in instance_and_point(InstanceBounds::default(), Procedure::Ema),
        sg in any::<bool>(),
    ) {
        let model = Model::from_instance(&inst);
        let (p, s) = if sg {
            (Procedure::StopGradient, State { c: None, ..s })
        } else {
            (Procedure::Ema, s)
        };
        let v = model.velocity(p, 1.0, &s);
        let d = Model::balance_rate(&s, &v);
        let m = Model::balance(&s.a, &s.b);
        // Rounding error is relative to the summands, not to the (possibly
        // cancelling) result: divide by the scale of the terms.
        let r = rel((&d + &m * (2.0 * model.lambda)).norm(), model.balance_rate_scale(&s) + 2.0 * model.lambda * m.norm());
        prop_assert!(r < 1e-11, "{p:?}: relative residual {r}");
    }

    /// GD-COLLAPSE's Euler identity ⟨A, ∇_A Ē⟩ = E‖BAx − Ay‖² + λ‖A‖².
    #[test]
    fn euler_identity_holds(
        (inst, s) in instance_and_point(InstanceBounds::default(), Procedure::GradientDescent),
    ) {
        let model = Model::from_instance(&inst);
        let (ga, _) = model.grad_ebar(&s.a, &s.b);
        let lhs = s.a.dot(&ga);
        let rhs = model.prediction_error(&s.a, &s.b) + model.lambda * s.a.norm_squared();
        // Both sides are O(10) sums of O(1) terms; the objective is computed
        // through traces, so cancellation can cost a few digits: 1e-10.
        prop_assert!((lhs - rhs).abs() <= 1e-10 * (1.0 + lhs.abs().max(rhs.abs())), "{lhs} vs {rhs}");
        // And the right-hand side is ≥ 0 (a sum of squares), so every real
        // critical point has A = 0 when λ > 0.
        prop_assert!(rhs >= -1e-12);
    }

    /// SYMMETRY: v(UA, UBUᵀ, UC) = (U v_A, U v_B Uᵀ, U v_C) for U ∈ O(n).
    #[test]
    fn dynamics_are_orthogonally_equivariant(
        (inst, s) in instance_and_point(InstanceBounds::default(), Procedure::Ema),
        which in 0usize..3,
        seed_u in orthogonal(4),
    ) {
        let model = Model::from_instance(&inst);
        let n = model.n;
        let u: DMatrix<f64> = seed_u.view((0, 0), (n, n)).clone_owned();
        // A principal block of an orthogonal matrix is not orthogonal: re-orthonormalize.
        let u = u.qr().q();
        let p = [Procedure::GradientDescent, Procedure::StopGradient, Procedure::Ema][which];
        let s = if p.has_teacher() { s } else { State { c: None, ..s } };
        let act = |x: &State| State { a: &u * &x.a, b: &u * &x.b * u.transpose(), c: x.c.as_ref().map(|c| &u * c) };
        let lhs = model.velocity(p, 0.5, &act(&s)).to_vector();
        let rhs = act(&model.velocity(p, 0.5, &s)).to_vector();
        let r = rel((&lhs - &rhs).norm(), rhs.norm());
        prop_assert!(r < 1e-11, "{p:?}: relative residual {r}");
    }

    /// Closed-form Jacobians agree with central finite differences.
    #[test]
    fn jacobians_match_finite_differences(
        (inst, s) in instance_and_point(InstanceBounds { n: 1..=3, m: 1..=3, ..InstanceBounds::default() }, Procedure::Ema),
        which in 0usize..3,
    ) {
        let model = Model::from_instance(&inst);
        let p = [Procedure::GradientDescent, Procedure::StopGradient, Procedure::Ema][which];
        let s = if p.has_teacher() { s } else { State { c: None, ..s } };
        let j = model.jacobian(p, 0.8, &s);
        let x = s.to_vector();
        let h = 1e-5;
        let mut worst: f64 = 0.0;
        for k in 0..x.len() {
            let mut xp = x.clone();
            let mut xm = x.clone();
            xp[k] += h;
            xm[k] -= h;
            let t = p.has_teacher();
            let fp = model.velocity(p, 0.8, &State::from_vector(model.n, model.m, t, &xp)).to_vector();
            let fm = model.velocity(p, 0.8, &State::from_vector(model.n, model.m, t, &xm)).to_vector();
            worst = worst.max(((fp - fm) / (2.0 * h) - j.column(k)).amax());
        }
        // The field is cubic: the central-difference error is h²/6 times a third
        // derivative of size ≤ ~1e2 here, i.e. ≤ ~2e-9, plus rounding ε/h ≈ 1e-11.
        prop_assert!(worst <= 1e-6 * (1.0 + j.amax()), "max deviation {worst}");
    }

    /// Instances survive a round trip through their exact TOML file form.
    #[test]
    fn instance_files_round_trip_exactly(inst in valid_instance(InstanceBounds::default())) {
        let text = toml::to_string(&inst.to_file()).unwrap();
        let back = parse_instance_str(&text, Format::Toml, "x").unwrap();
        prop_assert_eq!(back, inst);
    }
}

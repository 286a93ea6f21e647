//! Exact Jacobians of the five dynamics at rational states.
//!
//! The right-hand sides are composed here, once, from the generic formulas
//! of [`crate::model::formula`] ([`ModelData::student_field`],
//! [`ModelData::grad_ebar`]) and instantiated twice: over `BigRational` for
//! values ([`image`]) and over [`Dual`] for exact directional derivatives
//! ([`jacobian`]: column `k` is the ε-part of the image at `θ + ε·e_k`).
//!
//! State vectors stack `vec(A)`, `vec(B)` and, when the dynamics carries a
//! teacher, `vec(C)`, each matrix vectorized **column-major**, exactly like
//! [`crate::numeric::State::to_vector`]; so the exact Jacobians have the
//! row and column order of [`crate::numeric::Model::jacobian`] and
//! [`crate::numeric::Model::discrete_jacobian`] (the tests compare them).

use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

use super::dual::{Dual, constant_matrix};
use crate::error::{Error, Result};
use crate::model::formula::{Mat, ModelData, Scalar};
use crate::model::{Instance, RationalMatrix};

/// A dynamics of SPEC §2 ([`crate::model::Dynamics`]) with exact rational
/// parameters, serialized as exact strings, e.g.
/// `{"kind":"ema-map","eta":"1/10","alpha":"1/2"}`.
pub type Dynamics = crate::model::Dynamics<BigRational>;

impl Dynamics {
    /// Checks the parameters: κ > 0, η > 0, 0 ≤ α < 1.
    pub fn validate(&self) -> Result<()> {
        let positive = |name: &str, x: &BigRational, what: &str| {
            if x.is_positive() {
                Ok(())
            } else {
                Err(Error::param(name, x, what))
            }
        };
        match self {
            Dynamics::StopGradient | Dynamics::GradientDescent => Ok(()),
            Dynamics::Ema { kappa } => positive("kappa", kappa, "a teacher rate κ > 0"),
            Dynamics::SgMap { eta } => positive("eta", eta, "a step size η > 0"),
            Dynamics::EmaMap { eta, alpha } => {
                positive("eta", eta, "a step size η > 0")?;
                if alpha.is_negative() || *alpha >= BigRational::one() {
                    return Err(Error::param("alpha", alpha, "an EMA coefficient 0 ≤ α < 1"));
                }
                Ok(())
            }
        }
    }
}

/// Stacks matrices column-major, one after the other.
fn stack<T: Scalar>(mats: &[&Mat<T>]) -> Vec<T> {
    let mut v = Vec::new();
    for m in mats {
        for j in 0..m.ncols() {
            for i in 0..m.nrows() {
                v.push(m.get(i, j).clone());
            }
        }
    }
    v
}

/// The state vector `(vec A, vec B[, vec C])`, column-major like
/// [`crate::numeric::State::to_vector`].
pub fn state_vector(
    a: &RationalMatrix,
    b: &RationalMatrix,
    c: Option<&RationalMatrix>,
) -> Vec<BigRational> {
    match c {
        Some(c) => stack(&[a, b, c]),
        None => stack(&[a, b]),
    }
}

/// The right-hand side of `dynamics` over any scalar ring: the velocity of a
/// flow or the image `θ⁺` of a map, stacked. `c` is the teacher for the EMA
/// dynamics and ignored otherwise (the teacher is then `A`).
///
/// This is the only place where the dynamics are written down; values and
/// Jacobians both come from it.
fn image_generic<T: Scalar>(
    data: &ModelData<T>,
    dynamics: &Dynamics,
    a: &Mat<T>,
    b: &Mat<T>,
    c: &Mat<T>,
) -> Vec<T> {
    match dynamics {
        Dynamics::StopGradient => {
            let (p, q) = data.student_field(a, b, a);
            stack(&[&p.neg(), &q.neg()])
        }
        Dynamics::GradientDescent => {
            let (ga, gb) = data.grad_ebar(a, b);
            stack(&[&ga.neg(), &gb.neg()])
        }
        Dynamics::Ema { kappa } => {
            let (p, q) = data.student_field(a, b, c);
            let dc = a.sub(c).scale(&T::from_rational(kappa));
            stack(&[&p.neg(), &q.neg(), &dc])
        }
        Dynamics::SgMap { eta } => {
            let eta = T::from_rational(eta);
            let (p, q) = data.student_field(a, b, a);
            stack(&[&a.sub(&p.scale(&eta)), &b.sub(&q.scale(&eta))])
        }
        Dynamics::EmaMap { eta, alpha } => {
            let eta = T::from_rational(eta);
            let (p, q) = data.student_field(a, b, c);
            let a_next = a.sub(&p.scale(&eta));
            let b_next = b.sub(&q.scale(&eta));
            let alpha_t = T::from_rational(alpha);
            let one_minus = T::from_rational(&(BigRational::one() - alpha));
            let c_next = c.scale(&alpha_t).add(&a_next.scale(&one_minus));
            stack(&[&a_next, &b_next, &c_next])
        }
    }
}

/// Checks shapes and parameters; returns the teacher to use (`C` for the
/// EMA dynamics, `A` otherwise).
fn check_point<'a>(
    inst: &Instance,
    dynamics: &Dynamics,
    a: &'a RationalMatrix,
    b: &RationalMatrix,
    c: Option<&'a RationalMatrix>,
) -> Result<&'a RationalMatrix> {
    dynamics.validate()?;
    let (n, m) = (inst.n(), inst.m());
    let shape = |what: &str, x: &RationalMatrix, r: usize, k: usize| {
        if (x.nrows(), x.ncols()) == (r, k) {
            Ok(())
        } else {
            Err(Error::Shape {
                what: what.to_owned(),
                got: format!("{}×{}", x.nrows(), x.ncols()),
                expected: format!("{r}×{k} for instance {:?} (n = {n}, m = {m})", inst.name()),
            })
        }
    };
    shape("A", a, n, m)?;
    shape("B", b, n, n)?;
    match (dynamics.has_teacher(), c) {
        (true, Some(c)) => {
            shape("C", c, n, m)?;
            Ok(c)
        }
        (true, None) => Ok(a),
        (false, None) => Ok(a),
        (false, Some(_)) => Err(Error::InvalidParameter {
            name: "C".to_owned(),
            value: "a teacher matrix".to_owned(),
            expected: format!(
                "no teacher for {} (its state is (A, B); only the EMA flow and map carry C)",
                dynamics.describe()
            ),
        }),
    }
}

/// The exact right-hand side at a rational state, stacked column-major: the
/// velocity of a flow, or the image `θ⁺` of a map. For the EMA dynamics
/// `c = None` means the teacher `C = A`; for the others `c` must be `None`.
pub fn image(
    inst: &Instance,
    dynamics: &Dynamics,
    a: &RationalMatrix,
    b: &RationalMatrix,
    c: Option<&RationalMatrix>,
) -> Result<Vec<BigRational>> {
    let teacher = check_point(inst, dynamics, a, b, c)?;
    let data: ModelData<BigRational> = ModelData::from_instance(inst);
    Ok(image_generic(&data, dynamics, a, b, teacher))
}

/// How far a state is from being an equilibrium: the velocity of a flow, or
/// `θ⁺ − θ` for a map (zero exactly at fixed points), stacked.
pub fn displacement(
    inst: &Instance,
    dynamics: &Dynamics,
    a: &RationalMatrix,
    b: &RationalMatrix,
    c: Option<&RationalMatrix>,
) -> Result<Vec<BigRational>> {
    let img = image(inst, dynamics, a, b, c)?;
    if !dynamics.is_map() {
        return Ok(img);
    }
    let teacher = dynamics.has_teacher().then(|| c.unwrap_or(a));
    let x = state_vector(a, b, teacher);
    Ok(img.iter().zip(&x).map(|(y, x)| y - x).collect())
}

/// The exact Jacobian of `dynamics` at the rational state `(A, B[, C])`
/// (for the EMA dynamics `c = None` means `C = A`; for the others `c` must
/// be `None`): the derivative of the velocity (flows) or of the map
/// (maps), in the column-major state ordering of
/// [`crate::numeric::State::to_vector`].
///
/// Column `k` is the ε-part of the right-hand side evaluated with [`Dual`]
/// numbers at `θ + ε·e_k`, so it is the exact derivative of the very
/// formulas of [`crate::model::formula`].
pub fn jacobian(
    inst: &Instance,
    dynamics: Dynamics,
    a: &RationalMatrix,
    b: &RationalMatrix,
    c: Option<&RationalMatrix>,
) -> Result<RationalMatrix> {
    let teacher = check_point(inst, &dynamics, a, b, c)?;
    let (n, m) = (inst.n(), inst.m());
    let data: ModelData<BigRational> = ModelData::from_instance(inst);
    let dual = ModelData {
        mxx: constant_matrix(&data.mxx),
        myx: constant_matrix(&data.myx),
        myy: constant_matrix(&data.myy),
        lambda: Dual::constant(data.lambda.clone()),
    };
    let dim = dynamics.state_dimension(n, m);
    let (da, db, dc) = (
        constant_matrix(a),
        constant_matrix(b),
        constant_matrix(teacher),
    );
    let mut jac = RationalMatrix::zeros(dim, dim);
    let seed = |x: &Mat<Dual>, k: usize| {
        // Column-major index k of a matrix with x.nrows() rows.
        let (i, j) = (k % x.nrows(), k / x.nrows());
        let mut y = x.clone();
        let re = y.get(i, j).re.clone();
        y.set(i, j, Dual::new(re, BigRational::one()));
        y
    };
    for k in 0..dim {
        let (pa, pb, pc) = if k < n * m {
            let pa = seed(&da, k);
            // Without a teacher variable the teacher is A itself, moving with it.
            let pc = if dynamics.has_teacher() {
                dc.clone()
            } else {
                pa.clone()
            };
            (pa, db.clone(), pc)
        } else if k < n * m + n * n {
            (da.clone(), seed(&db, k - n * m), dc.clone())
        } else {
            (da.clone(), db.clone(), seed(&dc, k - n * m - n * n))
        };
        let col = image_generic(&dual, &dynamics, &pa, &pb, &pc);
        for (i, v) in col.into_iter().enumerate() {
            if !v.eps.is_zero() {
                jac.set(i, k, v.eps);
            }
        }
    }
    Ok(jac)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::upoly::tests::q;
    use crate::model::Procedure;
    use crate::model::{Moments, builtin};
    use crate::numeric::{DiscreteMap, Model, State};
    use nalgebra::{DMatrix, DVector};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn random_rational(rows: usize, cols: usize, rng: &mut ChaCha8Rng) -> RationalMatrix {
        RationalMatrix::from_fn(rows, cols, |_, _| {
            q(rng.gen_range(-9..=9), rng.gen_range(1..=7))
        })
    }

    /// A valid instance of shape (n, m) with seeded small rational moments.
    fn random_instance(n: usize, m: usize, seed: u64) -> Instance {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let g = random_rational(m, m, &mut rng);
        let mxx = g
            .mul(&g.transpose())
            .add(&RationalMatrix::identity(m).scale(&q(1, 2)));
        let myx = random_rational(m, m, &mut rng);
        let h = random_rational(m, m, &mut rng);
        // Myy = Myx Mxx⁻¹ Mxy + H Hᵀ makes the joint matrix PSD.
        let inv = mxx.inverse().unwrap();
        let myy = myx
            .mul(&inv)
            .mul(&myx.transpose())
            .add(&h.mul(&h.transpose()));
        Instance::new(
            &format!("random-{n}-{m}-{seed}"),
            n,
            Moments { mxx, myx, myy },
            q(rng.gen_range(1..=5), 10),
        )
        .unwrap()
    }

    fn all_dynamics() -> Vec<Dynamics> {
        vec![
            Dynamics::StopGradient,
            Dynamics::GradientDescent,
            Dynamics::Ema { kappa: q(7, 10) },
            Dynamics::SgMap { eta: q(1, 20) },
            Dynamics::EmaMap {
                eta: q(1, 20),
                alpha: q(3, 5),
            },
        ]
    }

    fn numeric_jacobian(
        inst: &Instance,
        dynamics: &Dynamics,
        a: &RationalMatrix,
        b: &RationalMatrix,
        c: &RationalMatrix,
    ) -> DMatrix<f64> {
        let model = Model::from_instance(inst);
        let f = |x: &BigRational| crate::model::to_f64(x);
        let state = |p: Procedure| {
            let mut s = State::new(p, a.to_f64(), b.to_f64());
            if p == Procedure::Ema {
                s.c = Some(c.to_f64());
            }
            s
        };
        match dynamics {
            Dynamics::StopGradient => model.jacobian(
                Procedure::StopGradient,
                0.0,
                &state(Procedure::StopGradient),
            ),
            Dynamics::GradientDescent => model.jacobian(
                Procedure::GradientDescent,
                0.0,
                &state(Procedure::GradientDescent),
            ),
            Dynamics::Ema { kappa } => {
                model.jacobian(Procedure::Ema, f(kappa), &state(Procedure::Ema))
            }
            Dynamics::SgMap { eta } => {
                let map = DiscreteMap::new(Procedure::StopGradient, f(eta), 0.0).unwrap();
                model.discrete_jacobian(&map, &state(Procedure::StopGradient))
            }
            Dynamics::EmaMap { eta, alpha } => {
                let map = DiscreteMap::new(Procedure::Ema, f(eta), f(alpha)).unwrap();
                model.discrete_jacobian(&map, &state(Procedure::Ema))
            }
        }
    }

    /// At random rational points (not equilibria), for every dynamics and
    /// several shapes (n > m, n = m, n < m), the exact Jacobian rounded to
    /// f64 equals the numeric closed form to 1e-12 relative.
    #[test]
    fn exact_jacobians_equal_the_numeric_ones() {
        let shapes = [(1, 1), (2, 1), (1, 3), (2, 2), (3, 2), (2, 4), (3, 3)];
        for (idx, &(n, m)) in shapes.iter().enumerate() {
            let inst = random_instance(n, m, idx as u64);
            let mut rng = ChaCha8Rng::seed_from_u64(100 + idx as u64);
            let a = random_rational(n, m, &mut rng);
            let b = random_rational(n, n, &mut rng);
            let c = random_rational(n, m, &mut rng);
            for dynamics in all_dynamics() {
                let teacher = dynamics.has_teacher().then_some(&c);
                let exact = jacobian(&inst, dynamics.clone(), &a, &b, teacher).unwrap();
                let num = numeric_jacobian(&inst, &dynamics, &a, &b, &c);
                let ex = exact.to_f64();
                assert_eq!(ex.shape(), num.shape(), "{n}×{m} {dynamics:?}");
                let err = (&ex - &num).amax() / num.amax().max(1e-300);
                assert!(
                    err <= 1e-12,
                    "{n}×{m} {}: relative error {err}",
                    dynamics.describe()
                );
            }
        }
    }

    /// The built-in instances too (their moments are not of our making).
    #[test]
    fn exact_jacobians_equal_the_numeric_ones_on_builtins() {
        for name in ["default", "wide", "scalar"] {
            let inst = builtin(name).unwrap();
            let (n, m) = (inst.n(), inst.m());
            let mut rng = ChaCha8Rng::seed_from_u64(9);
            let a = random_rational(n, m, &mut rng);
            let b = random_rational(n, n, &mut rng);
            let c = random_rational(n, m, &mut rng);
            for dynamics in all_dynamics() {
                let teacher = dynamics.has_teacher().then_some(&c);
                let ex = jacobian(&inst, dynamics.clone(), &a, &b, teacher)
                    .unwrap()
                    .to_f64();
                let num = numeric_jacobian(&inst, &dynamics, &a, &b, &c);
                let err = (&ex - &num).amax() / num.amax().max(1e-300);
                assert!(err <= 1e-12, "{name} {}: {err}", dynamics.describe());
            }
        }
    }

    /// The image agrees with the numeric fields and steps, and the state
    /// vector with `State::to_vector` (the ordering the Jacobians rely on).
    #[test]
    fn images_and_state_vectors_agree_with_the_numeric_layer() {
        let inst = random_instance(3, 2, 4);
        let model = Model::from_instance(&inst);
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let a = random_rational(3, 2, &mut rng);
        let b = random_rational(3, 3, &mut rng);
        let c = random_rational(3, 2, &mut rng);
        let s = State {
            a: a.to_f64(),
            b: b.to_f64(),
            c: Some(c.to_f64()),
        };
        let as_f64 =
            |v: &[BigRational]| DVector::from_iterator(v.len(), v.iter().map(crate::model::to_f64));
        assert_eq!(as_f64(&state_vector(&a, &b, Some(&c))), s.to_vector());
        let kappa = q(3, 4);
        let v = image(&inst, &Dynamics::Ema { kappa }, &a, &b, Some(&c)).unwrap();
        let nv = model.velocity(Procedure::Ema, 0.75, &s).to_vector();
        assert!((as_f64(&v) - &nv).amax() <= 1e-12 * nv.amax());
        let map = DiscreteMap::new(Procedure::Ema, 0.1, 0.5).unwrap();
        let img = image(
            &inst,
            &Dynamics::EmaMap {
                eta: q(1, 10),
                alpha: q(1, 2),
            },
            &a,
            &b,
            Some(&c),
        )
        .unwrap();
        let ns = model.discrete_step(&map, &s).to_vector();
        assert!((as_f64(&img) - &ns).amax() <= 1e-12 * ns.amax());
        // Displacement of a map is image − state.
        let disp = displacement(&inst, &Dynamics::SgMap { eta: q(1, 10) }, &a, &b, None).unwrap();
        let sg = image(&inst, &Dynamics::StopGradient, &a, &b, None).unwrap();
        for (d, v) in disp.iter().zip(&sg) {
            assert_eq!(d, &(v * q(1, 10)));
        }
    }

    #[test]
    fn bad_shapes_and_parameters_are_named() {
        let inst = random_instance(2, 3, 1);
        let a = RationalMatrix::zeros(2, 3);
        let b = RationalMatrix::zeros(2, 2);
        let e = jacobian(&inst, Dynamics::StopGradient, &b, &b, None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("A") && e.contains("expected 2×3"), "{e}");
        let e = jacobian(&inst, Dynamics::StopGradient, &a, &b, Some(&a))
            .unwrap_err()
            .to_string();
        assert!(e.contains("no teacher"), "{e}");
        for (d, name) in [
            (Dynamics::Ema { kappa: q(0, 1) }, "kappa"),
            (Dynamics::SgMap { eta: q(-1, 2) }, "eta"),
            (
                Dynamics::EmaMap {
                    eta: q(1, 2),
                    alpha: q(1, 1),
                },
                "alpha",
            ),
        ] {
            let e = jacobian(&inst, d, &a, &b, None).unwrap_err().to_string();
            assert!(e.contains(name) && e.contains("expected"), "{e}");
        }
    }

    #[test]
    fn dynamics_serialize_with_exact_strings() {
        let json = crate::exact::testutil::to_json(&Dynamics::EmaMap {
            eta: q(1, 10),
            alpha: q(1, 2),
        });
        assert_eq!(json, r#"{"kind":"ema-map","eta":"1/10","alpha":"1/2"}"#);
        let json = crate::exact::testutil::to_json(&Dynamics::StopGradient);
        assert_eq!(json, r#"{"kind":"stop-gradient"}"#);
    }
}

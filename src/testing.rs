//! Proptest strategies for valid instances and points, for users who want to
//! property-test claims about SG/EMA dynamics (and for our own tests).
//!
//! Every instance drawn is valid by construction (it comes from the generator
//! of SPEC §1 with `Σ = L Lᵀ ≻ 0`), and shrinking moves toward small shapes,
//! small integers and λ toward the lower end of its range, staying valid.
//!
//! ```
//! use proptest::prelude::*;
//! use proptest::test_runner::TestRunner;
//! use ssl_equilibria::testing::{valid_instance, InstanceBounds};
//!
//! let mut runner = TestRunner::deterministic();
//! runner
//!     .run(&valid_instance(InstanceBounds::default()), |inst| {
//!         prop_assert!(inst.m() >= 1 && inst.n() >= 1);
//!         Ok(())
//!     })
//!     .unwrap();
//! ```

use std::ops::RangeInclusive;

use nalgebra::DMatrix;
use num_bigint::BigInt;
use num_rational::BigRational;
use proptest::prelude::*;

use crate::model::{Generator, Instance, Procedure, RationalMatrix};
use crate::numeric::State;

/// Optional structure of the moments drawn by [`valid_instance`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Structure {
    /// No constraint.
    #[default]
    Any,
    /// Isotropic signal `Σ = s I`, so `Mxx = (s + σ²) I`.
    IsotropicMxx,
    /// Isotropic `Σ` and symmetric `T`, so `Myx = s T` is symmetric too.
    SymmetricMyx,
}

/// Bounds of the instances drawn by [`valid_instance`].
#[derive(Clone, Debug)]
pub struct InstanceBounds {
    /// Embedding dimensions n.
    pub n: RangeInclusive<usize>,
    /// Data dimensions m.
    pub m: RangeInclusive<usize>,
    /// λ is drawn as k/1000 with k in this range (so 0..=100 means λ ∈ [0, 0.1]);
    /// it shrinks toward the upper end, a simple value at which the dynamics
    /// settle fastest.
    pub lambda_thousandths: RangeInclusive<u32>,
    /// Structure imposed on the moments.
    pub structure: Structure,
}

impl Default for InstanceBounds {
    fn default() -> Self {
        Self {
            n: 1..=4,
            m: 1..=3,
            lambda_thousandths: 1..=100,
            structure: Structure::Any,
        }
    }
}

/// A rational `k/d` with `|k| ≤ max_num`, `1 ≤ d ≤ max_den`; shrinks toward 0.
pub fn small_rational(max_num: i64, max_den: i64) -> impl Strategy<Value = BigRational> {
    (-max_num..=max_num, 1..=max_den)
        .prop_map(|(k, d)| BigRational::new(BigInt::from(k), BigInt::from(d)))
}

/// A generator `(Σ = L Lᵀ, T, σ²)` of size m with small rational entries:
/// `L` lower triangular with diagonal in {1/2, 1, 3/2, 2}, `T` and the
/// off-diagonal of `L` in [−2, 2] with denominators ≤ 4, `σ² ∈ {1/10, …, 1/2}`.
pub fn generator(m: usize) -> impl Strategy<Value = Generator> {
    let lower = proptest::collection::vec(small_rational(8, 4), m * (m.saturating_sub(1)) / 2);
    let diag = proptest::collection::vec(1i64..=4, m);
    let t = proptest::collection::vec(small_rational(8, 4), m * m);
    (lower, diag, t, 1i64..=5).prop_map(move |(lower, diag, t, noise)| {
        let mut l = RationalMatrix::zeros(m, m);
        let mut it = lower.into_iter();
        for (i, &d) in diag.iter().enumerate() {
            l.set(i, i, BigRational::new(BigInt::from(d), BigInt::from(2)));
            for j in 0..i {
                if let Some(x) = it.next() {
                    l.set(i, j, x);
                }
            }
        }
        let mut tm = RationalMatrix::zeros(m, m);
        for (k, x) in t.into_iter().enumerate() {
            tm.set(k / m, k % m, x);
        }
        Generator {
            sigma: l.mul(&l.transpose()),
            t: tm,
            noise: BigRational::new(BigInt::from(noise), BigInt::from(10)),
        }
    })
}

fn impose(mut g: Generator, structure: Structure) -> Generator {
    let m = g.sigma.nrows();
    if structure != Structure::Any {
        // Σ = s I with s the first diagonal entry of the drawn Σ (> 0).
        g.sigma = RationalMatrix::identity(m).scale(&g.sigma.get(0, 0).clone());
    }
    if structure == Structure::SymmetricMyx {
        let half = BigRational::new(BigInt::from(1), BigInt::from(2));
        g.t = g.t.add(&g.t.transpose()).scale(&half);
    }
    g
}

/// A valid instance within `bounds`.
pub fn valid_instance(bounds: InstanceBounds) -> impl Strategy<Value = Instance> {
    let structure = bounds.structure;
    // λ = (hi − d)/1000 with d shrinking toward 0: λ shrinks toward the upper end.
    let (lo, hi) = (
        *bounds.lambda_thousandths.start(),
        *bounds.lambda_thousandths.end(),
    );
    let below_top = 0..=hi.saturating_sub(lo);
    (bounds.n.clone(), bounds.m.clone()).prop_flat_map(move |(n, m)| {
        (generator(m), below_top.clone()).prop_filter_map(
            "generated instances are valid",
            move |(g, d)| {
                let lambda = BigRational::new(BigInt::from(hi - d), BigInt::from(1000));
                let g = impose(g, structure);
                g.instance(&format!("prop-n{n}-m{m}"), n, lambda).ok()
            },
        )
    })
}

/// An r×c matrix with entries uniform in [−scale, scale].
pub fn matrix(rows: usize, cols: usize, scale: f64) -> impl Strategy<Value = DMatrix<f64>> {
    proptest::collection::vec(-scale..=scale, rows * cols)
        .prop_map(move |v| DMatrix::from_vec(rows, cols, v))
}

/// A point of parameter space for `procedure`; for EMA the teacher `C` is
/// independent of `A`.
pub fn point(n: usize, m: usize, procedure: Procedure) -> impl Strategy<Value = State> {
    (matrix(n, m, 1.5), matrix(n, n, 1.5), matrix(n, m, 1.5)).prop_map(move |(a, b, c)| State {
        a,
        b,
        c: procedure.has_teacher().then_some(c),
    })
}

/// An orthogonal n×n matrix: the Q factor of a random matrix (sign-fixed).
pub fn orthogonal(n: usize) -> impl Strategy<Value = DMatrix<f64>> {
    matrix(n, n, 1.0).prop_filter_map("well-conditioned", move |g| {
        let g = g + DMatrix::identity(n, n) * 0.1;
        let qr = g.qr();
        let r = qr.r();
        if (0..n).any(|i| r[(i, i)].abs() < 1e-3) {
            return None;
        }
        let mut q = qr.q();
        for j in 0..n {
            if r[(j, j)] < 0.0 {
                q.column_mut(j).neg_mut();
            }
        }
        Some(q)
    })
}

/// An instance together with a point of its parameter space.
pub fn instance_and_point(
    bounds: InstanceBounds,
    procedure: Procedure,
) -> impl Strategy<Value = (Instance, State)> {
    valid_instance(bounds).prop_flat_map(move |inst| {
        let (n, m) = (inst.n(), inst.m());
        (Just(inst), point(n, m, procedure))
    })
}

/// A seeded random initialization for `procedure`: entries of `A` ~ N(0, s²/m),
/// of `B` ~ N(0, s²/n), `C = A`, with the scale s in [0.05, 2] (shrinking
/// toward 0.05).
pub fn initialization(n: usize, m: usize, procedure: Procedure) -> impl Strategy<Value = State> {
    (any::<u64>(), 0.05f64..2.0).prop_map(move |(seed, scale)| {
        let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(seed);
        crate::numeric::random::random_state(n, m, procedure, scale, &mut rng)
    })
}

/// An instance with an SG equilibrium on one of its rank strata (found by the
/// numerical search of `numeric::equilibria`, lifted by a random frame);
/// instances where the search finds none are rejected.
pub fn instance_and_equilibrium(
    bounds: InstanceBounds,
) -> impl Strategy<Value = (Instance, crate::numeric::NumericEquilibrium)> {
    (
        valid_instance(bounds),
        any::<u64>(),
        any::<prop::sample::Index>(),
    )
        .prop_filter_map(
            "an equilibrium of positive rank exists",
            |(inst, seed, pick)| {
                let model = crate::numeric::Model::from_instance(&inst);
                let opts = crate::numeric::SearchOptions {
                    starts: 24,
                    seed,
                    ..crate::numeric::SearchOptions::default()
                };
                let all: Vec<_> = (1..=model.n.min(model.m))
                    .flat_map(|r| crate::numeric::equilibria::search_stratum(&model, r, &opts))
                    .collect();
                if all.is_empty() {
                    return None;
                }
                let e = all[pick.index(all.len())].clone();
                Some((inst, e))
            },
        )
}

/// Commuting symmetric moments with a repeated joint eigen-pair, in a
/// rational rotated eigenbasis: `Mxx = Q D_ρ Qᵀ`, `Myx = Q D_τ Qᵀ`,
/// `Myy = c I` (large enough for a valid joint moment matrix), `n = m`,
/// λ = k/100 with k in 1..=5. The first two eigen-pairs are equal (for m = 1
/// there is one); for m = 3 the third differs. `Q` is the rational Cayley
/// rotation [`RationalMatrix::cayley`] at a random scale.
pub fn commuting_instance(m: usize) -> impl Strategy<Value = Instance> {
    let pair = || (1i64..=3, 1i64..=5);
    (pair(), pair(), 1i64..=5, 1i64..=4, 1u32..=5).prop_filter_map(
        "a valid instance with distinct pairs",
        move |((r1, t1), (r2, t2), sn, sd, k)| {
            let q = |p: i64, d: i64| BigRational::new(BigInt::from(p), BigInt::from(d));
            // τ = t/2, so τ² ranges over 1/4 .. 25/4.
            let pairs: Vec<(BigRational, BigRational)> = (0..m)
                .map(|i| {
                    if i < 2 {
                        (q(r1, 1), q(t1, 2))
                    } else {
                        (q(r2, 1), q(t2, 2))
                    }
                })
                .collect();
            if m == 3 && pairs[2] == pairs[0] {
                return None;
            }
            let rot = RationalMatrix::cayley(m, &q(sn, sd));
            let diag = |f: &dyn Fn(&(BigRational, BigRational)) -> BigRational| {
                RationalMatrix::from_fn(m, m, |i, j| {
                    if i == j {
                        f(&pairs[i])
                    } else {
                        BigRational::from_integer(0.into())
                    }
                })
            };
            let conj = |d: RationalMatrix| rot.mul(&d).mul(&rot.transpose());
            let mxx = conj(diag(&|p| p.0.clone()));
            let myx = conj(diag(&|p| p.1.clone()));
            let c = pairs
                .iter()
                .map(|(r, t)| t * t / r)
                .fold(q(1, 1), |a, b| if b > a { b } else { a })
                + q(1, 1);
            let myy = RationalMatrix::from_fn(m, m, |i, j| {
                if i == j {
                    c.clone()
                } else {
                    BigRational::from_integer(0.into())
                }
            });
            let moments = crate::model::Moments { mxx, myx, myy };
            Instance::new("commuting-draw", m, moments, q(i64::from(k), 100)).ok()
        },
    )
}

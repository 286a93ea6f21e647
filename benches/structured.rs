//! Timings of the dense spectrum (Schur form of the full SG Jacobian, size
//! `nm + n²`) against the structured verdict (range block + closed forms) at
//! the same rank-2 equilibrium of an m = 2 instance lifted to n.
//!
//! Run with `cargo bench --bench structured`; `scripts/bench_spectrum.py`
//! compares the dense timings with numpy.

use criterion::{BenchmarkId, Criterion, black_box, criterion_group, criterion_main};
use nalgebra::DMatrix;
use num_bigint::BigInt;
use num_rational::BigRational;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use ssl_equilibria::model::Generator;
use ssl_equilibria::numeric::equilibria::{SearchOptions, search_stratum};
use ssl_equilibria::numeric::random::gaussian;
use ssl_equilibria::numeric::spectra::eigenvalues;
use ssl_equilibria::numeric::structured::{
    StructuredDynamics, dense_jacobian, structured_from_reduced, structured_spectrum,
};
use ssl_equilibria::numeric::{Model, SpectralTolerances};

/// The m = 2 instance (`Generator::random(2, 3)`, λ = 1/10) with embedding
/// dimension n, and a rank-2 equilibrium `(K, B̃)` of its reduced model.
fn reduced_equilibrium() -> (Model, DMatrix<f64>, DMatrix<f64>) {
    let lambda = BigRational::new(BigInt::from(1), BigInt::from(10));
    let inst = Generator::random(2, 3)
        .instance("bench", 2, lambda)
        .expect("a valid generated instance");
    let reduced = Model::from_instance(&inst);
    let eq = search_stratum(&reduced, 2, &SearchOptions::default());
    let e = eq.first().expect("the instance has a rank-2 equilibrium");
    (reduced, e.a.clone(), e.b.clone())
}

/// The equilibrium lifted to n by a seeded orthonormal `U₁` (n×2).
fn lifted(
    reduced: &Model,
    k: &DMatrix<f64>,
    bt: &DMatrix<f64>,
    n: usize,
) -> (Model, DMatrix<f64>, DMatrix<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(n as u64);
    let u1 = gaussian(n, k.nrows(), 1.0, &mut rng).qr().q();
    let a = &u1 * k;
    let b = &u1 * bt * u1.transpose();
    (reduced.with_embedding_dimension(n), a, b)
}

fn dense_spectrum(c: &mut Criterion) {
    let (reduced, k, bt) = reduced_equilibrium();
    let mut group = c.benchmark_group("dense_spectrum");
    group.sample_size(10);
    for n in [4, 8, 16, 24] {
        let (model, a, b) = lifted(&reduced, &k, &bt, n);
        let j =
            dense_jacobian(&model, &a, &b, StructuredDynamics::StopGradient).expect("valid shapes");
        group.bench_with_input(BenchmarkId::from_parameter(n), &j, |bch, j| {
            bch.iter(|| eigenvalues(black_box(j)))
        });
    }
    group.finish();
}

fn structured_verdict(c: &mut Criterion) {
    let (reduced, k, bt) = reduced_equilibrium();
    let tol = SpectralTolerances::default();
    let mut group = c.benchmark_group("structured_verdict");
    group.sample_size(20);
    for n in [4, 64, 256, 1024] {
        let (model, a, b) = lifted(&reduced, &k, &bt, n);
        group.bench_with_input(BenchmarkId::from_parameter(n), &(a, b), |bch, (a, b)| {
            bch.iter(|| {
                structured_spectrum(
                    &model,
                    black_box(a),
                    black_box(b),
                    StructuredDynamics::StopGradient,
                )
                .map(|s| s.classify(&tol).verdict)
            })
        });
    }
    group.finish();
    // Given (K, B̃), the cost does not depend on n.
    let mut group = c.benchmark_group("structured_from_reduced");
    for n in [4, 4096] {
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |bch, &n| {
            bch.iter(|| {
                structured_from_reduced(
                    &reduced,
                    &k,
                    &bt,
                    black_box(n),
                    StructuredDynamics::StopGradient,
                )
                .map(|s| s.classify(&tol).verdict)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, dense_spectrum, structured_verdict);
criterion_main!(benches);

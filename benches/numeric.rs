//! Benchmarks of the numeric layer: Jacobians, spectra, one trajectory, and a
//! whole per-instance analysis. Run with `cargo bench --bench numeric`.

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use rand::SeedableRng;
use ssl_equilibria::claims::{VerifyConfig, analyze};
use ssl_equilibria::model::{Procedure, builtin};
use ssl_equilibria::numeric::spectra::eigenvalues;
use ssl_equilibria::numeric::{Model, OdeOptions, integrate, random};

fn benches(c: &mut Criterion) {
    let inst = builtin("default").expect("built-in");
    let model = Model::from_instance(&inst);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let s = random::random_state(3, 2, Procedure::Ema, 1.0, &mut rng);
    c.bench_function("jacobian ema default (21x21)", |b| {
        b.iter(|| model.jacobian(Procedure::Ema, 1.0, black_box(&s)))
    });
    let j = model.jacobian(Procedure::Ema, 1.0, &s);
    c.bench_function("eigenvalues 21x21", |b| {
        b.iter(|| eigenvalues(black_box(&j)))
    });
    let sg = random::random_state(3, 2, Procedure::StopGradient, 1.0, &mut rng);
    c.bench_function("sg trajectory default to convergence", |b| {
        b.iter(|| {
            integrate(
                &model,
                Procedure::StopGradient,
                0.0,
                black_box(&sg),
                &OdeOptions::default(),
                |_, _| {},
            )
        })
    });
    let mut group = c.benchmark_group("analysis");
    group.sample_size(10);
    group.bench_function("analyze default (verify's per-instance work)", |b| {
        b.iter(|| analyze(black_box(&inst), &VerifyConfig::default()))
    });
    group.finish();
}

criterion_group!(numeric, benches);
criterion_main!(numeric);

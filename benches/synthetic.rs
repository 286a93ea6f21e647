//! Benchmarks of the synthetic m = 1 experiment: the array map against the
//! generic discrete map on one run, and whole batches of draws (SG and EMA,
//! default settings, all threads). Run with `cargo bench --bench synthetic`.
//! The full 10 000-draw run and the numpy comparison are timed by
//! `scripts/bench_synthetic.py`.

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use ssl_equilibria::experiments::synthetic::{
    ScalarDataMap, ScalarState, SyntheticConfig, run, run_map, scalar_model,
};
use ssl_equilibria::model::Procedure;
use ssl_equilibria::numeric::{DiscreteMap, State, iterate};

fn benches(c: &mut Criterion) {
    // One SG run to convergence from a fixed start (ρ = 1.2, τ = 0.9, λ = 0.02).
    let a = vec![0.8, -0.3];
    let b = vec![0.5, 0.1, -0.2, 0.4];
    let map = ScalarDataMap {
        rho: 1.2,
        tau: 0.9,
        lambda: 0.02,
        eta: 0.05,
        alpha: 0.0,
    };
    let start = ScalarState {
        a: a.clone(),
        b: b.clone(),
        c: None,
    };
    c.bench_function("one SG run n=2, array map", |bch| {
        bch.iter(|| run_map(&map, black_box(&start), 100_000, 1e-8))
    });
    let model = scalar_model(2, 1.2, 0.9, 0.02);
    let dm = DiscreteMap::new(Procedure::StopGradient, 0.05, 0.0).expect("valid");
    let s = State::new(
        Procedure::StopGradient,
        nalgebra::DMatrix::from_column_slice(2, 1, &a),
        nalgebra::DMatrix::from_row_slice(2, 2, &b),
    );
    let mut group = c.benchmark_group("generic");
    group.sample_size(10);
    group.bench_function("one SG run n=2, generic Model::discrete_step", |bch| {
        bch.iter(|| iterate(&model, &dm, black_box(&s), 100_000, 1e-8, |_, _| {}))
    });
    group.finish();
    let mut group = c.benchmark_group("synthetic");
    group.sample_size(10);
    for trials in [1000, 10_000] {
        let cfg = SyntheticConfig {
            trials,
            ..SyntheticConfig::default()
        };
        group.bench_function(format!("{trials} draws SG+EMA, default settings"), |bch| {
            bch.iter(|| run(black_box(&cfg), &|| {}))
        });
    }
    group.finish();
}

criterion_group!(synthetic, benches);
criterion_main!(synthetic);

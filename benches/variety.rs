//! Timings of the exact layers: strata of the equilibrium variety (modular
//! RUR, exact verification, real roots), S-system counts modulo primes, and
//! exact stability certificates at rational equilibria as a function of the
//! Jacobian size.
//!
//! Run with `cargo bench --bench variety` (Symbolica runs in this process:
//! nothing else using Symbolica may run meanwhile).
//! `scripts/bench_singular.py` times the same polynomial problems in
//! Singular.

use criterion::{BenchmarkId, Criterion, black_box, criterion_group, criterion_main};
use num_bigint::BigInt;
use num_rational::BigRational;

use ssl_equilibria::exact::certificate::certify;
use ssl_equilibria::exact::equilibrium::rational_equilibrium;
use ssl_equilibria::exact::jacobian::Dynamics;
use ssl_equilibria::model::{Generator, builtin};
use ssl_equilibria::variety::counting::count_instance;
use ssl_equilibria::variety::strata::{StrataOptions, stratum};

fn q(p: i64, d: i64) -> BigRational {
    BigRational::new(BigInt::from(p), BigInt::from(d))
}

fn strata(c: &mut Criterion) {
    let mut g = c.benchmark_group("stratum");
    g.sample_size(10);
    for (name, r) in [("scalar", 1), ("default", 1), ("default", 2), ("square", 2)] {
        let inst = builtin(name).expect("built-in");
        g.bench_function(BenchmarkId::new(name, format!("rank {r}")), |b| {
            b.iter(|| stratum(black_box(&inst), r, &StrataOptions::default()).unwrap())
        });
    }
    g.finish();
}

fn counts(c: &mut Criterion) {
    let mut g = c.benchmark_group("S-system count mod p");
    g.sample_size(10);
    for m in 1..=4usize {
        let inst = Generator::random(m, 0)
            .instance("bench", m, q(1, 20))
            .expect("valid");
        g.bench_function(BenchmarkId::from_parameter(format!("m = {m}")), |b| {
            b.iter(|| count_instance(black_box(&inst), 0, false, None, None).unwrap())
        });
    }
    g.finish();
}

fn certificates(c: &mut Criterion) {
    let mut g = c.benchmark_group("exact SG certificate");
    g.sample_size(10);
    // Jacobian size nm + n² for (n, m) = (2,2), (3,2), (3,3), (4,3), (5,4).
    for (n, m) in [(2, 2), (3, 2), (3, 3), (4, 3), (5, 4)] {
        let eq = rational_equilibrium(n, m, m.min(n), &q(1, 10), 1).expect("construction");
        let size = n * m + n * n;
        g.bench_function(BenchmarkId::new(format!("({n},{m})"), size), |b| {
            b.iter(|| certify(&eq.instance, &eq.a, &eq.b, &Dynamics::StopGradient).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, strata, counts, certificates);
criterion_main!(benches);

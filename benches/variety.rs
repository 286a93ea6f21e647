//! Timings of the exact layers: strata of the equilibrium variety (modular
//! RUR, exact verification, real roots), S-system counts modulo primes, and
//! exact stability certificates at rational equilibria as a function of the
//! Jacobian size, and at real algebraic equilibria (Berkowitz over
//! `Q[t]/χ` by Chinese remaindering).
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
use ssl_equilibria::exact::{AlgebraicPoint, certify_algebraic};
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

fn algebraic_certificates(c: &mut Criterion) {
    let mut g = c.benchmark_group("exact certificate at an algebraic point");
    g.sample_size(10);
    // `default` (m = 2, λ = 1/50): rank 1 (deg χ = 4) and rank 2 (deg χ = 6;
    // range block 8 for SG, 12 for EMA), first PSD solution of each stratum.
    let inst = builtin("default").expect("built-in");
    let m = inst.m();
    for (r, dynamics, label) in [
        (1, Dynamics::StopGradient, "SG"),
        (1, Dynamics::Ema { kappa: q(1, 1) }, "EMA κ=1"),
        (2, Dynamics::StopGradient, "SG"),
    ] {
        let st = stratum(&inst, r, &StrataOptions::default()).expect("stratum");
        let rur = st.rur.clone().expect("solved");
        let sol = st
            .real_solutions
            .iter()
            .find(|s| s.psd)
            .expect("a PSD solution");
        let k = m * (m + 1) / 2;
        let point = AlgebraicPoint::from_rur_numerators(
            rur.chi.clone(),
            rur.numerators[..k].to_vec(),
            sol.root.clone().expect("an algebraic root"),
            r,
        )
        .expect("point");
        g.bench_function(BenchmarkId::new(format!("default rank {r}"), label), |b| {
            b.iter(|| certify_algebraic(&inst, black_box(&point), &dynamics).unwrap())
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    strata,
    counts,
    certificates,
    algebraic_certificates
);
criterion_main!(benches);

//! Writes the dense SG Jacobians timed by `benches/structured.rs` (the rank-2
//! equilibrium of `Generator::random(2, 3)`, λ = 1/10, lifted to
//! n ∈ {4, 8, 16, 24}) as CSV for `scripts/bench_spectrum.py`, together with
//! our eigenvalues and the median time of `eigenvalues` on each.
//!
//! Usage: `cargo run --release --example write_jacobians [DIR]`, DIR defaulting
//! to `$TMPDIR/ssl_structured_jacobians`. Files: `jacobian_n{n}.csv` (rows of
//! J), `eigenvalues_n{n}.csv` (re,im), `timings.csv` (n,dim,median_s,reps).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use nalgebra::DMatrix;
use num_bigint::BigInt;
use num_rational::BigRational;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use ssl_equilibria::model::Generator;
use ssl_equilibria::numeric::Model;
use ssl_equilibria::numeric::equilibria::{SearchOptions, search_stratum};
use ssl_equilibria::numeric::random::gaussian;
use ssl_equilibria::numeric::spectra::eigenvalues;
use ssl_equilibria::numeric::structured::{StructuredDynamics, dense_jacobian};
use ssl_equilibria::{Error, Result};

fn write(path: &PathBuf, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|source| Error::Io {
        action: "write",
        path: path.display().to_string(),
        source,
    })
}

fn main() -> Result<()> {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("ssl_structured_jacobians"));
    std::fs::create_dir_all(&dir).map_err(|source| Error::Io {
        action: "write",
        path: dir.display().to_string(),
        source,
    })?;
    let lambda = BigRational::new(BigInt::from(1), BigInt::from(10));
    let reduced = Model::from_instance(&Generator::random(2, 3).instance("bench", 2, lambda)?);
    let eq = search_stratum(&reduced, 2, &SearchOptions::default());
    let e = eq
        .first()
        .ok_or_else(|| Error::Computation("no rank-2 equilibrium found".into()))?;
    let mut timings = String::from("n,dim,median_s,reps\n");
    for n in [4usize, 8, 16, 24] {
        // The same lift as the benchmark: U₁ from a Gaussian seeded by n.
        let mut rng = ChaCha8Rng::seed_from_u64(n as u64);
        let u1 = gaussian(n, 2, 1.0, &mut rng).qr().q();
        let a = &u1 * &e.a;
        let b = &u1 * &e.b * u1.transpose();
        let model = reduced.with_embedding_dimension(n);
        let j: DMatrix<f64> = dense_jacobian(&model, &a, &b, StructuredDynamics::StopGradient)?;
        let mut csv = String::new();
        for i in 0..j.nrows() {
            let row: Vec<String> = j.row(i).iter().map(|x| format!("{x:e}")).collect();
            csv.push_str(&row.join(","));
            csv.push('\n');
        }
        write(&dir.join(format!("jacobian_n{n}.csv")), &csv)?;
        let reps = if n <= 8 { 200 } else { 11 };
        let mut times = Vec::with_capacity(reps);
        let mut eig = None;
        for _ in 0..reps {
            let t = Instant::now();
            eig = eigenvalues(&j);
            times.push(t.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        let median = times[reps / 2];
        let eig = eig.ok_or_else(|| Error::Computation(format!("no eigenvalues at n = {n}")))?;
        let mut ecsv = String::new();
        for (re, im) in &eig {
            let _ = writeln!(ecsv, "{re:e},{im:e}");
        }
        write(&dir.join(format!("eigenvalues_n{n}.csv")), &ecsv)?;
        let _ = writeln!(timings, "{n},{},{median:e},{reps}", j.nrows());
        println!(
            "n = {n:2}: dim {:3}, eigenvalues median {median:.3e} s over {reps}",
            j.nrows()
        );
    }
    write(&dir.join("timings.csv"), &timings)?;
    println!("wrote {}", dir.display());
    Ok(())
}

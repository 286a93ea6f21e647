//! The stratum systems `scripts/bench-msolve.sh` times in us and in msolve.
//!
//! `cargo run --release --example msolve_systems -- write DIR` writes one
//! msolve input file (`.ms`, characteristic 0) per system: the strata r = 1, 2
//! of `default` and `wide`, the rank-2 stratum of a random n = 2, m = 3
//! instance, and the S-system of a random m = 4 instance.
//!
//! `… -- solve FILE` solves the system of FILE exactly with our solver
//! (Gröbner bases modulo primes from our F4 engine, a rational univariate
//! representation by multimodular lifting, with a separating form in the
//! unknowns other than `z` as `characterize` uses, exact verification over Q
//! by substitution into every equation; no
//! Gröbner basis over Q, so no Symbolica) and prints one line: the number of
//! complex solutions, the primes used and the seconds. `… -- gb FILE` only
//! computes the reduced Gröbner basis modulo 2147483629 (msolve `-g 2` with
//! that characteristic is the counterpart). `… -- count M SEED` counts the
//! complex solutions of the S-system of a random instance (n = m) modulo two
//! primes. `… -- strata INSTANCE DIR` writes the stratum systems of every
//! rank 1 ≤ r ≤ min(n, m) of a built-in or an instance file.

use std::time::Instant;

use num_rational::BigRational;
use ssl_equilibria::model::{Generator, builtin, resolve_instance};
use ssl_equilibria::polynomial::export::msolve_input;
use ssl_equilibria::polynomial::groebner::{Field, PRIME_A, PRIME_B, groebner_basis};
use ssl_equilibria::polynomial::sparse::{MonomialOrder, SparsePoly};
use ssl_equilibria::variety::counting::s_system;
use ssl_equilibria::variety::strata::stratum_system;
use ssl_equilibria::variety::zerodim::{
    LARGE_MAX_PRIMES, SolveOptions, Solved, solve, standard_monomials,
};

/// A named system: (name, variables, polynomials).
type Named = (String, Vec<String>, Vec<SparsePoly>);

fn systems() -> ssl_equilibria::Result<Vec<Named>> {
    let mut out = Vec::new();
    for name in ["default", "wide"] {
        let inst = builtin(name).ok_or_else(|| ssl_equilibria::Error::Computation(name.into()))?;
        for r in [1, 2] {
            let (v, p) = stratum_system(&inst, r);
            out.push((format!("{name}-r{r}"), v, p));
        }
    }
    let lambda = BigRational::new(1.into(), 20.into());
    let inst = Generator::random(3, 0).instance("random-n2-m3", 2, lambda.clone())?;
    let (v, p) = stratum_system(&inst, 2);
    out.push(("random-n2-m3-r2".into(), v, p));
    let inst = Generator::random(4, 0).instance("random-m4", 4, lambda)?;
    let (v, p) = s_system(&inst);
    out.push(("s-system-m4".into(), v, p));
    Ok(out)
}

fn read(path: &str) -> ssl_equilibria::Result<(Vec<String>, Vec<SparsePoly>)> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ssl_equilibria::Error::Computation(format!("{path}: {e}")))?;
    let mut lines = text.lines();
    let vars: Vec<String> = lines
        .next()
        .unwrap_or("")
        .split(',')
        .map(|s| s.trim().to_owned())
        .collect();
    let _characteristic = lines.next();
    let body: String = lines.collect::<Vec<_>>().join("\n");
    let polys = body
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| SparsePoly::parse(t, &vars))
        .collect::<ssl_equilibria::Result<Vec<_>>>()?;
    Ok((vars, polys))
}

/// `write DIR`: every benchmark system as msolve input, one file each.
fn write_all(dir: &str) -> ssl_equilibria::Result<()> {
    std::fs::create_dir_all(dir)
        .map_err(|e| ssl_equilibria::Error::Computation(format!("{dir}: {e}")))?;
    for (name, vars, polys) in systems()? {
        let path = format!("{dir}/{name}.ms");
        std::fs::write(&path, msolve_input(&vars, &polys, 0)?)
            .map_err(|e| ssl_equilibria::Error::Computation(format!("{path}: {e}")))?;
        println!("{path}");
    }
    Ok(())
}

/// `strata INSTANCE DIR`: the stratum system of every rank of an instance.
fn write_strata(name: &str, dir: &str) -> ssl_equilibria::Result<()> {
    let inst = resolve_instance(name)?;
    std::fs::create_dir_all(dir)
        .map_err(|e| ssl_equilibria::Error::Computation(format!("{dir}: {e}")))?;
    for r in 1..=inst.n().min(inst.m()) {
        let (vars, polys) = stratum_system(&inst, r);
        let path = format!("{dir}/{}-r{r}.ms", inst.name());
        std::fs::write(&path, msolve_input(&vars, &polys, 0)?)
            .map_err(|e| ssl_equilibria::Error::Computation(format!("{path}: {e}")))?;
        println!("{path}");
    }
    Ok(())
}

/// `solve FILE`: our zero-dimensional solver on an msolve input file.
fn solve_file(file: &str) -> ssl_equilibria::Result<()> {
    let (vars, polys) = read(file)?;
    // z, whose one equation is z·e_r(S)·det(…) = 1, is left out of the
    // representation by the solver itself (a saturation variable).
    let opts = SolveOptions {
        // Like msolve: the solutions, no proof of the count.
        replay_work: None,
        rational_basis_budget: None,
        max_primes: LARGE_MAX_PRIMES,
        ..SolveOptions::default()
    };
    let t = Instant::now();
    let solved = solve(&polys, &vars, &opts, None)?;
    let secs = t.elapsed().as_secs_f64();
    match solved {
        Solved::Finite(f) => println!(
            "{file}: {} solutions, {} primes, {secs:.3} s",
            f.count, f.primes_used
        ),
        other => {
            // Not solved: say so, and fail, so that no time is reported as
            // a solution time.
            println!("{file}: {other:?}, {secs:.3} s");
            std::process::exit(1);
        }
    }
    Ok(())
}

/// `gb FILE`: a Gröbner basis modulo one prime of an msolve input file.
fn gb_file(file: &str) -> ssl_equilibria::Result<()> {
    let (vars, polys) = read(file)?;
    let t = Instant::now();
    let gb = groebner_basis(
        &polys,
        &vars,
        MonomialOrder::GrevLex,
        Field::Prime(PRIME_A),
        None,
    )?;
    let secs = t.elapsed().as_secs_f64();
    let n = gb.map_or(0, |b| b.polys.len());
    println!("{file}: {n} basis elements modulo {PRIME_A}, {secs:.3} s");
    Ok(())
}

/// `count M SEED`: the number of complex solutions of the S-system of a
/// random instance, modulo two primes.
fn count(m: &str, seed: &str) -> ssl_equilibria::Result<()> {
    let parse = |s: &str| {
        s.parse::<usize>()
            .map_err(|_| ssl_equilibria::Error::InvalidParameter {
                name: "count".into(),
                value: s.into(),
                expected: "a positive integer".into(),
            })
    };
    let (m, seed) = (parse(m)?, parse(seed)? as u64);
    let lambda = BigRational::new(1.into(), 20.into());
    let inst = Generator::random(m, seed).instance("random", m, lambda)?;
    let (vars, polys) = s_system(&inst);
    for p in [PRIME_A, PRIME_B] {
        let t = Instant::now();
        let gb = groebner_basis(&polys, &vars, MonomialOrder::GrevLex, Field::Prime(p), None)?;
        let leads = gb.map(|b| b.leading_monomials()).unwrap_or_default();
        let count = standard_monomials(&leads, vars.len(), 10_000_000).map(|s| s.len());
        println!(
            "m = {m}, seed {seed}: {count:?} complex solutions modulo {p} ({:.2} s)",
            t.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

fn main() -> ssl_equilibria::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["write", dir] => write_all(dir),
        ["solve", file] => solve_file(file),
        ["gb", file] => gb_file(file),
        ["count", m, seed] => count(m, seed),
        ["strata", name, dir] => write_strata(name, dir),
        _ => Err(ssl_equilibria::Error::InvalidParameter {
            name: "arguments".into(),
            value: args.join(" "),
            expected: "write DIR | solve FILE | gb FILE | count M SEED | strata INSTANCE DIR"
                .into(),
        }),
    }
}

//! Valid but extreme instances (the counterpart of `bad_input.rs`): a tiny
//! λ (10⁻³⁰⁰, and 10⁻⁴⁰⁰, which is 0 in floating point), a huge λ, a nearly
//! singular Mxx, entries with hundreds of digits. `characterize` must give a
//! complete report for each (exit code 0, every rank stratum computed and
//! resolved, one component per real PSD solution), with the counts the
//! closed forms predict; floating-point trouble may only flag a component,
//! never lose the run.
//!
//! For m = 1 the S-equation is the quadratic
//! `(ρ s + λ)² = τ² s`, i.e. `ρ² s² + (2ρλ − τ²) s + λ² = 0` with
//! `ρ = Mxx`, `τ = Myx`: two positive roots when `Δ = τ² − 4ρλ > 0`, none real
//! when `Δ < 0`; the test decides the sign of Δ exactly with big rationals.
//!
//! Run with `cargo test --release --test extreme_input -- --test-threads=1`.

mod common;

use std::path::PathBuf;
use std::process::Command;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
use serde_json::Value;

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("ssl-eq-extreme-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `characterize` on the instance file `toml` (named `name`): the JSON report
/// and the text, failing with stderr unless the run succeeded.
fn characterize(name: &str, toml: &str) -> (Value, String) {
    let d = dir();
    let file = d.join(format!("{name}.toml"));
    std::fs::write(&file, toml).unwrap();
    let json = d.join(format!("{name}.json"));
    let out = common::run_ok(
        Command::new(env!("CARGO_BIN_EXE_ssl-equilibria"))
            .args(["characterize", "--instance"])
            .arg(&file)
            .arg("--json")
            .arg(&json),
    );
    let v = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    (v, String::from_utf8_lossy(&out.stdout).into_owned())
}

/// An exact rational from `"p/q"`, `"p"`, or a decimal in plain or
/// scientific notation (`"0.25"`, `"1e-300"`, `"2.5E+3"`), as instance files
/// accept them; panics naming the string otherwise.
fn q(s: &str) -> BigRational {
    let s = s.trim();
    if let Some((p, d)) = s.split_once('/') {
        return q(p) / q(d);
    }
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (
            &s[..i],
            s[i + 1..]
                .parse::<i64>()
                .unwrap_or_else(|e| panic!("{s:?}: exponent: {e}")),
        ),
        None => (s, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: BigInt = format!("{int}{frac}")
        .parse()
        .unwrap_or_else(|e| panic!("{s:?}: not a number: {e}"));
    let shift = exponent - frac.len() as i64;
    let scale = ten(shift.unsigned_abs() as u32);
    let value = BigRational::from_integer(digits);
    if shift >= 0 {
        value * scale
    } else {
        value / scale
    }
}

#[test]
fn the_test_parser_reads_every_number_form_exactly() {
    let r = |p: i64, d: i64| BigRational::new(BigInt::from(p), BigInt::from(d));
    assert_eq!(q("3/4"), r(3, 4));
    assert_eq!(q("-7"), r(-7, 1));
    assert_eq!(q("0.25"), r(1, 4));
    assert_eq!(q("2.5E+3"), r(2500, 1));
    assert_eq!(q("1e-3"), r(1, 1000));
    assert_eq!(q("1e-300"), BigRational::one() / ten(300));
    assert_eq!(q(&format!("1/{}", ten(400))), BigRational::one() / ten(400));
}

/// `10^k` exactly.
fn ten(k: u32) -> BigRational {
    BigRational::from_integer(num_traits::pow(BigInt::from(10), k as usize))
}

/// Every stratum is computed and resolved and has one component per real
/// PSD solution; returns the number of real PSD solutions per rank.
fn complete(name: &str, v: &Value) -> Vec<usize> {
    let n = v["instance"]["n"].as_u64().unwrap() as usize;
    let m = v["instance"]["m"].as_u64().unwrap() as usize;
    let strata = v["strata"].as_array().unwrap();
    let ranks: Vec<u64> = strata.iter().map(|s| s["rank"].as_u64().unwrap()).collect();
    let expected: Vec<u64> = (0..=n.min(m) as u64).collect();
    assert_eq!(ranks, expected, "{name}: strata");
    strata
        .iter()
        .map(|s| {
            // The stratum's own status (a component's verdict may say that
            // its floating-point spectrum was not computed).
            assert!(
                s["status"]["kind"] == "solved" && s["complex_solutions"].is_u64(),
                "{name}: rank {} not resolved: {s}",
                s["rank"]
            );
            let psd = s["real_solutions"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["psd"].as_bool().unwrap())
                .count();
            assert_eq!(
                s["components"].as_array().unwrap().len(),
                psd,
                "{name}: one component per real PSD solution at rank {}",
                s["rank"]
            );
            psd
        })
        .collect()
}

/// m = 1: with ρ, τ, λ exact, the number of positive roots of the quadratic.
fn scalar_roots(rho: &BigRational, tau: &BigRational, lambda: &BigRational) -> usize {
    let four = BigRational::from_integer(BigInt::from(4));
    let delta = tau * tau - four * rho * lambda;
    if delta.is_positive() {
        2
    } else if delta.is_zero() {
        1
    } else {
        0
    }
}

fn scalar_file(name: &str, n: usize, rho: &str, tau: &str, myy: &str, lambda: &str) -> String {
    format!(
        "name = \"{name}\"\nn = {n}\nlambda = \"{lambda}\"\nmxx = [[\"{rho}\"]]\nmyx = [[\"{tau}\"]]\nmyy = [[\"{myy}\"]]\n"
    )
}

fn check_scalar(name: &str, n: usize, rho: &str, tau: &str, lambda: &str) -> Value {
    let (v, text) = characterize(name, &scalar_file(name, n, rho, tau, "4", lambda));
    let real = complete(name, &v);
    let expected = scalar_roots(&q(rho), &q(tau), &q(lambda));
    assert_eq!(
        real,
        vec![1, expected],
        "{name}: real PSD solutions per rank"
    );
    // The origin is there, and every nonzero component has an SG verdict.
    for s in v["strata"].as_array().unwrap() {
        for c in s["components"].as_array().unwrap() {
            assert!(c["sg_verdict"].is_string(), "{name}: {c}");
        }
    }
    assert!(text.contains("rank 1"), "{name}: {text}");
    v
}

#[test]
fn tiny_lambda_keeps_both_spheres() {
    // λ = 10⁻³⁰⁰: the inner sphere has s ≈ λ²/τ² = 10⁻⁶⁰⁰, below f64.
    check_scalar("tiny-lambda", 2, "1", "1", "1e-300");
}

#[test]
fn lambda_below_floating_point_keeps_its_exact_result() {
    // λ = 10⁻⁴⁰⁰ is 0 in f64.
    let lambda = format!("1/{}", ten(400));
    let v = check_scalar("lambda-1e-400", 2, "1", "1", &lambda);
    // The floating-point spectra cannot see λ: each numeric verdict is
    // "not certified" with the reason, never a stability class.
    for s in v["strata"].as_array().unwrap() {
        for c in s["components"].as_array().unwrap() {
            for d in c["verdicts"].as_array().unwrap() {
                if d["level"] == "numeric" {
                    assert_eq!(d["verdict"], "not-certified", "{d}");
                    assert!(
                        d["detail"].as_str().unwrap().contains("not computed"),
                        "{d}"
                    );
                }
            }
        }
    }
}

#[test]
fn huge_lambda_has_only_the_origin() {
    // Δ = 1 − 4·10³⁰⁰ < 0: no real sphere.
    check_scalar("huge-lambda", 2, "1", "1", "1e300");
}

#[test]
fn entries_with_hundreds_of_digits() {
    // ρ = 1 + 10⁻²⁵⁰, τ = 3/2 − 10⁻³⁰⁰ written with all their digits, λ a
    // 300-digit fraction near 1/10.
    let rho = format!("{}/{}", ten(250) + BigRational::one(), ten(250));
    let tau = format!(
        "{}/{}",
        ten(300) * BigRational::from_integer(3.into()) - BigRational::from_integer(2.into()),
        ten(300) * BigRational::from_integer(2.into())
    );
    let lambda = format!(
        "{}/{}",
        ten(299) + BigRational::from_integer(7.into()),
        ten(300)
    );
    assert!(rho.len() > 250 && tau.len() > 600 && lambda.len() > 600);
    check_scalar("long-digits", 2, &rho, &tau, &lambda);
}

#[test]
fn nearly_singular_mxx() {
    // Mxx = [[1, 1 − ε], [1 − ε, 1]] with ε = 10⁻³⁰ (condition number about
    // 2·10³⁰); Myx = ½·[[1, 1], [1, 1]] annihilates the nearly null direction,
    // so the joint moment matrix is PSD with Myy = I.
    let eps_one = format!("{}/{}", ten(30) - BigRational::one(), ten(30));
    let toml = format!(
        "name = \"near-singular\"\nn = 2\nlambda = \"1/10\"\n\
         mxx = [[\"1\", \"{eps_one}\"], [\"{eps_one}\", \"1\"]]\n\
         myx = [[\"1/2\", \"1/2\"], [\"1/2\", \"1/2\"]]\n\
         myy = [[\"1\", \"0\"], [\"0\", \"1\"]]\n"
    );
    let (v, _) = characterize("near-singular", &toml);
    let real = complete("near-singular", &v);
    assert_eq!(real[0], 1, "the origin");
    // The entries are of order one, so the S-equation can be checked in
    // floating point at every real PSD solution: S·G(S) = 0 with
    // G(S) = (Mxx S + λI)(S Mxx + λI) − Mxy S Myx.
    let mxx = nalgebra::DMatrix::from_row_slice(2, 2, &[1.0, 1.0, 1.0, 1.0]);
    let myx = nalgebra::DMatrix::from_row_slice(2, 2, &[0.5, 0.5, 0.5, 0.5]);
    let id = nalgebra::DMatrix::<f64>::identity(2, 2) * 0.1;
    let mut checked = 0;
    for st in v["strata"].as_array().unwrap() {
        for sol in st["real_solutions"].as_array().unwrap() {
            if !sol["psd"].as_bool().unwrap() {
                continue;
            }
            let entries: Vec<f64> = sol["S"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|row| row.as_array().unwrap().iter().map(number))
                .collect();
            let s = nalgebra::DMatrix::from_row_slice(2, 2, &entries);
            let g = (&mxx * &s + &id) * (&s * &mxx + &id) - myx.transpose() * &s * &myx;
            let res = (&s * g).norm();
            assert!(res <= 1e-9 * (1.0 + s.norm()), "S·G(S) = {res} at {s}");
            checked += 1;
        }
    }
    assert!(checked >= 1);
}

/// A JSON number, or a decimal string.
fn number(v: &Value) -> f64 {
    v.as_f64()
        .unwrap_or_else(|| v.as_str().unwrap().trim().parse().unwrap())
}

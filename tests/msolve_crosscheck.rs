//! Our Gröbner bases modulo a prime (the F4 engine of `ssl_equilibria::modular`)
//! against msolve's: on the stratum systems of built-in instances, the
//! S-system of a random m = 3 instance and a random dense system, msolve's
//! reduced basis in grevlex (`msolve -g 2`, same variable order, same prime)
//! must be ours exactly (the reduced Gröbner basis is unique). Does not use
//! Symbolica.
//!
//! When the build finds no `msolve` on `PATH` (see `build.rs`), these tests
//! are listed as ignored, with the reason, instead of passing unchecked.
//! Building with `SSL_REQUIRE_CROSSCHECKS=msolve` makes them run regardless,
//! and fail, naming msolve, when it is missing.

mod common;

use std::process::Command;

use num_rational::BigRational;
use ssl_equilibria::model::{Generator, builtin};
use ssl_equilibria::polynomial::export::msolve_input;
use ssl_equilibria::polynomial::groebner::{Field, PRIME_A, groebner_basis};
use ssl_equilibria::polynomial::sparse::{MonomialOrder, SparsePoly};
use ssl_equilibria::variety::counting::s_system;
use ssl_equilibria::variety::strata::stratum_system;

fn require_msolve() {
    common::require(
        "msolve",
        common::on_path("msolve"),
        "bash ../shared/anchors/build-msolve.sh, or msolve's own instructions",
    );
}

/// msolve's reduced Gröbner basis modulo `p` (grevlex, `names` in order).
fn msolve_basis(names: &[String], polys: &[SparsePoly], p: u32, tag: &str) -> Vec<SparsePoly> {
    let dir = std::env::temp_dir().join(format!("ssl-eq-msolve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join(format!("{tag}.ms"));
    let output = dir.join(format!("{tag}.out"));
    std::fs::write(&input, msolve_input(names, polys, p).unwrap()).unwrap();
    let out = Command::new("msolve")
        .args(["-g", "2", "-t", "1", "-f"])
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .output()
        .expect("msolve runs");
    assert!(
        out.status.success(),
        "msolve failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&output).unwrap();
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    let body = body.trim().trim_end_matches(':').trim();
    let body = body.trim_start_matches('[').trim_end_matches(']');
    body.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| SparsePoly::parse(t, names).unwrap())
        .collect()
}

fn sorted(mut v: Vec<SparsePoly>) -> Vec<SparsePoly> {
    v.sort_by(|a, b| a.terms().cmp(b.terms()));
    v
}

fn compare(names: &[String], polys: &[SparsePoly], tag: &str) {
    let ours = groebner_basis(
        polys,
        names,
        MonomialOrder::GrevLex,
        Field::Prime(PRIME_A),
        None,
    )
    .unwrap()
    .unwrap();
    let theirs = msolve_basis(names, polys, PRIME_A, tag);
    assert!(!theirs.is_empty(), "{tag}: msolve returned no basis");
    assert_eq!(
        sorted(ours.polys),
        sorted(theirs),
        "{tag}: the reduced bases modulo {PRIME_A} differ"
    );
}

#[test]
#[cfg_attr(
    not(has_msolve),
    ignore = "msolve is not installed (bash ../shared/anchors/build-msolve.sh); set SSL_REQUIRE_CROSSCHECKS=msolve to require it"
)]
fn stratum_bases_modulo_a_prime_equal_msolves() {
    require_msolve();
    for (name, ranks) in [
        ("default", vec![1, 2]),
        ("wide", vec![1, 2]),
        ("square", vec![1]),
    ] {
        let inst = builtin(name).unwrap();
        for r in ranks {
            let (names, polys) = stratum_system(&inst, r);
            compare(&names, &polys, &format!("{name}-r{r}"));
        }
    }
}

#[test]
#[cfg_attr(
    not(has_msolve),
    ignore = "msolve is not installed (bash ../shared/anchors/build-msolve.sh); set SSL_REQUIRE_CROSSCHECKS=msolve to require it"
)]
fn s_system_of_a_random_m3_instance_equals_msolves() {
    require_msolve();
    let inst = Generator::random(3, 5)
        .instance("random-m3", 3, BigRational::new(1.into(), 20.into()))
        .unwrap();
    let (names, polys) = s_system(&inst);
    compare(&names, &polys, "s-system-m3");
}

//! Our variety facts against Singular's, on systems small enough for it:
//! the whole-variety dimension and degree (ours from generic linear sections
//! modulo primes; Singular's `dim` and `mult` of a standard basis over Q in
//! a degree ordering) and the number of complex solutions of the S-system
//! (ours from the modular Gröbner basis; Singular's `vdim`). Uses Symbolica
//! in this process: run with --test-threads=1, as the README's test command
//! does.
//!
//! When the build finds no `Singular` on `PATH` (see `build.rs`), these tests
//! are listed as ignored, with the reason, instead of passing unchecked.
//! Building with `SSL_REQUIRE_CROSSCHECKS=singular` (as CI does) makes them
//! run regardless, and fail, naming Singular, when it is missing.

mod common;

use std::process::Command;

use num_rational::BigRational;
use ssl_equilibria::model::{Generator, builtin};
use ssl_equilibria::polynomial::sparse::SparsePoly;
use ssl_equilibria::variety::counting::{count_instance, s_system};
use ssl_equilibria::variety::whole::{WholeSystem, whole_system, whole_variety};

fn require_singular() {
    common::require(
        "Singular",
        common::on_path("Singular"),
        "apt-get install singular",
    );
}

/// Runs a Singular script on `polys` with `epilogue` and returns the
/// integers it prints, in order.
fn singular(names: &[String], polys: &[SparsePoly], epilogue: &str) -> Vec<i64> {
    let mut script = format!("ring R = 0, ({}), dp;\nideal I =\n", names.join(","));
    let body: Vec<String> = polys.iter().map(|p| p.to_text(names)).collect();
    script.push_str(&body.join(",\n"));
    script.push_str(";\noption(redSB);\nideal J = std(I);\n");
    script.push_str(epilogue);
    script.push_str("quit;\n");
    let dir = std::env::temp_dir().join(format!("ssl-eq-singular-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("s{}.sing", polys.len()));
    std::fs::write(&path, script).unwrap();
    let out = Command::new("Singular")
        .arg("-q")
        .arg(&path)
        .output()
        .expect("Singular runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect()
}

#[test]
#[cfg_attr(
    not(has_singular),
    ignore = "Singular is not installed (apt-get install singular); set SSL_REQUIRE_CROSSCHECKS=singular to require it"
)]
fn whole_variety_dimension_and_degree_agree_with_singular() {
    require_singular();
    for name in ["heavy-decay", "scalar-rational", "square"] {
        let inst = builtin(name).unwrap();
        for system in [WholeSystem::SgEquilibrium, WholeSystem::GdCritical] {
            let ours = whole_variety(&inst, system, 1, 0, None).unwrap();
            let (names, polys) = whole_system(&inst, system).unwrap();
            let theirs = singular(&names, &polys, "print(dim(J));\nprint(mult(J));\n");
            assert_eq!(
                (ours.dimension, ours.degree),
                (Some(theirs[0] as usize), Some(theirs[1] as usize)),
                "{name} {system:?}: ours ({}) vs Singular",
                ours.method
            );
            eprintln!(
                "{name} {system:?}: dimension {} degree {} (ours and Singular's agree)",
                theirs[0], theirs[1]
            );
        }
    }
}

#[test]
#[cfg_attr(
    not(has_singular),
    ignore = "Singular is not installed (apt-get install singular); set SSL_REQUIRE_CROSSCHECKS=singular to require it"
)]
fn s_system_counts_agree_with_singular() {
    require_singular();
    for (m, seed) in [(1, 0), (2, 0), (2, 1), (3, 0)] {
        let inst = Generator::random(m, seed)
            .instance("random", m, BigRational::new(1.into(), 20.into()))
            .unwrap();
        let ours = count_instance(&inst, seed, false, Some(10.0), None).unwrap();
        let (names, polys) = s_system(&inst);
        let theirs = singular(&names, &polys, "print(dim(J));\nprint(vdim(J));\n");
        assert_eq!(theirs[0], 0, "m = {m}: the S-system is zero-dimensional");
        assert_eq!(
            ours.count,
            Some(theirs[1] as usize),
            "m = {m} seed {seed}: ours ({}) vs Singular",
            ours.evidence
        );
        eprintln!(
            "m = {m} seed {seed}: {} solutions (ours and Singular's agree)",
            theirs[1]
        );
    }
}

#[test]
#[cfg_attr(
    not(has_singular),
    ignore = "Singular is not installed (apt-get install singular); set SSL_REQUIRE_CROSSCHECKS=singular to require it"
)]
fn counts_proved_by_the_replay_over_q_agree_with_singular() {
    use ssl_equilibria::variety::strata::stratum_system;
    use ssl_equilibria::variety::zerodim::{CountEvidence, SolveOptions, Solved, solve};
    require_singular();
    // Strata whose counts our replay of the modular run proves over Q
    // (`default` ranks 1 and 2, `wide` rank 1), against Singular's vdim of
    // a standard basis over Q of the same system.
    for (name, r) in [("default", 1), ("default", 2), ("wide", 1)] {
        let inst = builtin(name).unwrap();
        let (names, polys) = stratum_system(&inst, r);
        let opts = SolveOptions {
            rational_basis_budget: None,
            ..SolveOptions::default()
        };
        let Solved::Finite(f) = solve(&polys, &names, &opts, None).unwrap() else {
            panic!("{name} rank {r}: a finite solution set expected");
        };
        assert!(
            matches!(f.count_evidence, CountEvidence::ReplayOverQ { .. }),
            "{name} rank {r}: {:?}",
            f.count_evidence
        );
        let theirs = singular(&names, &polys, "print(dim(J));\nprint(vdim(J));\n");
        assert_eq!(theirs, vec![0, f.count as i64], "{name} rank {r}");
        eprintln!(
            "{name} rank {r}: {} solutions, proved over Q by the replay; Singular's vdim agrees",
            f.count
        );
    }
}

//! The periodic-orbit certificate of `square`: it re-checks from scratch,
//! and changing one of its numbers makes the check fail.

mod common;

use common::{bin, run_ok};
use ssl_equilibria::validated::orbit::{CheckOutcome, OrbitCertificate, check_certificate};

const STORED: &str = include_str!("../data/orbits/square.json");

fn stored() -> OrbitCertificate {
    serde_json::from_str(STORED).expect("the stored certificate parses")
}

fn proved(c: &OrbitCertificate) -> bool {
    matches!(
        check_certificate(c).expect("well-formed"),
        CheckOutcome::Proved(_)
    )
}

#[test]
fn the_stored_certificate_proves_the_orbit_of_square() {
    let CheckOutcome::Proved(p) = check_certificate(&stored()).expect("well-formed") else {
        panic!("the stored certificate does not check");
    };
    // The period of Ē and ‖A‖ reported by the simulations (≈ 19.76–19.78).
    assert!(
        p.closing_time.lo > 19.7 && p.closing_time.hi < 19.8,
        "{p:?}"
    );
    assert!(p.closing_time.width() < 1e-6);
    assert!(p.reflected);
    assert_eq!(p.attracting, Some(true));
    assert!(p.contraction < 1.0);
}

#[test]
fn perturbing_one_number_makes_the_check_fail() {
    let c = stored();
    let r = c.radius;
    let mut moved = c.clone();
    moved.points[7][1] += 100.0 * r;
    assert!(!proved(&moved), "a shifted point");
    let mut period = c.clone();
    period.period += 100.0 * r;
    assert!(!proved(&period), "a shifted period");
    let mut phase = c.clone();
    phase.phase_value += 100.0 * r;
    assert!(!proved(&phase), "a shifted section");
    let mut data = c.clone();
    data.instance.lambda = ssl_equilibria::model::Number::Text("1/21".into());
    assert!(!proved(&data), "other data");
}

#[test]
fn check_orbit_accepts_the_certificate_and_rejects_a_perturbed_one() {
    let dir = std::env::temp_dir().join(format!("ssl-eq-orbit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("square.json");
    std::fs::write(&good, STORED).unwrap();
    let out = run_ok(bin().args(["check-orbit", good.to_str().unwrap()]));
    assert!(String::from_utf8_lossy(&out.stdout).contains("checks"));

    let mut c = stored();
    c.points[0][0] += 100.0 * c.radius;
    let bad = dir.join("perturbed.json");
    std::fs::write(&bad, serde_json::to_string_pretty(&c).unwrap()).unwrap();
    let out = bin()
        .args(["check-orbit", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not check"));

    let junk = dir.join("junk.json");
    std::fs::write(&junk, "{\"format\": 3}").unwrap();
    let out = bin()
        .args(["check-orbit", junk.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
}

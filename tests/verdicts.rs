//! Regression tests of the verdicts on data where they used to hold
//! vacuously or at a level stronger than what was checked: isotropic moments
//! (positive-dimensional strata), Δ = 0 (a double root), λ = 0 (GD ends at
//! (0, B∞). The rules
//! themselves are driven to each outcome by the unit tests of
//! `src/claims/*.rs`; here the whole pipeline runs through the binary.

mod common;

use common::bin;
use serde_json::Value;

const ISOTROPIC: &str = r#"name = "isotropic"
n = 2
m = 2
lambda = "1/50"
mxx = [["1", "0"], ["0", "1"]]
myx = [["1", "0"], ["0", "1"]]
myy = [["1", "0"], ["0", "1"]]
"#;

// ρ = τ = 1, λ = 1/4: Δ = τ² − 4ρλ = 0.
const DELTA_ZERO: &str = r#"name = "delta-zero"
n = 2
m = 1
lambda = "1/4"
mxx = [["1"]]
myx = [["1"]]
myy = [["2"]]
"#;

// λ = 0 with noisy views (Myy − Myx Mxx⁻¹ Mxy = I ≻ 0).
const NO_DECAY: &str = r#"name = "no-decay"
n = 2
m = 2
lambda = "0"
mxx = [["1", "0"], ["0", "1"]]
myx = [["1", "0"], ["0", "1"]]
myy = [["2", "0"], ["0", "2"]]
"#;

fn verify(instances: &[&str]) -> Value {
    let d = common::temp_dir("ssl-eq-verdicts");
    let json = d.join(format!("report-{}.json", instances.join("-")));
    let mut cmd = bin();
    cmd.args([
        "verify",
        "--starts",
        "4",
        "--proof-dimension",
        "0",
        "--json",
    ])
    .arg(&json);
    for (name, text) in [
        ("isotropic", ISOTROPIC),
        ("delta-zero", DELTA_ZERO),
        ("no-decay", NO_DECAY),
    ] {
        if instances.contains(&name) {
            let f = d.join(format!("{name}.toml"));
            std::fs::write(&f, text).unwrap();
            cmd.arg("--instance").arg(&f);
        }
    }
    common::run_ok(&mut cmd);
    serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap()
}

fn finding<'a>(report: &'a Value, claim: &str, instance: &str) -> &'a Value {
    let c = report["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == claim)
        .unwrap();
    c["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["instance"] == instance)
        .unwrap_or_else(|| panic!("no finding of {claim} on {instance}: {c}"))
}

#[test]
fn degenerate_data_gives_no_vacuous_or_overstated_verdict() {
    let r = verify(&["isotropic", "delta-zero", "no-decay"]);
    // Isotropic moments: the rank-1 and rank-2 strata are positive-dimensional,
    // decomposed into isolated solutions and families. The family dimensions
    // are proved (ranks modulo a prime at the exact points), so the strata
    // are known as surely as their critical-point counts (exact over Q, or
    // modular when the count rests on two primes) and VARIETY's "finite
    // union" fails at that level: s₊vvᵀ + s₋wwᵀ is a circle of full-rank
    // solutions. Stability over that circle is certified exactly (orbit +
    // proved family dimension zero eigenvalues), as at the isolated s±I, so
    // STABILITY is as sure as the rank-2 stratum: exact or modular, never
    // numeric and never symbolic.
    for (claim, verdict, levels) in [
        ("STABILITY", "holds", &["modular", "exact"][..]),
        ("EXISTENCE", "holds", &["modular", "exact"][..]),
        ("RANK-STRATA", "holds", &["modular", "exact"][..]),
        ("VARIETY", "fails", &["modular", "exact"][..]),
        (
            "NOT-MINIMIZER",
            "holds-with-condition",
            &["numeric", "modular", "exact"][..],
        ),
    ] {
        let f = finding(&r, claim, "isotropic");
        assert_eq!(f["verdict"], verdict, "{claim}: {f}");
        let level = f["level"].as_str().unwrap();
        assert!(levels.contains(&level), "{claim}: {f}");
    }
    // S-EQUATION is an identity (it holds); its summary lists the
    // components found: s₊I, s₋I and the circle of full-rank solutions.
    let f = finding(&r, "S-EQUATION", "isotropic");
    assert_eq!(f["verdict"], "holds", "{f}");
    let s = f["summary"].as_str().unwrap();
    assert!(!s.contains("0 orbit"), "{s}");
    assert!(s.contains("3 component(s)"), "{s}");
    // Δ = 0: a double root is never an exact failure.
    for claim in ["EXISTENCE", "SCALAR"] {
        let f = finding(&r, claim, "delta-zero");
        assert_ne!(f["verdict"], "fails", "{claim}: {f}");
        assert_eq!(f["reason"], "repeated-solutions", "{claim}: {f}");
    }
    // λ = 0: GD ends at (0, B∞); the claim is restated, never "collapse to (0, 0)".
    let f = finding(&r, "GD-COLLAPSE", "no-decay");
    assert_eq!(f["verdict"], "holds-with-condition", "{f}");
    assert!(f["condition"].as_str().unwrap().contains("A → 0"), "{f}");
    // Nothing holds at exact or symbolic level on a stratum that was not
    // resolved (Δ = 0: a repeated solution).
    for c in r["claims"].as_array().unwrap() {
        let claim = c["id"].as_str().unwrap();
        if !["STABILITY", "EXISTENCE", "VARIETY", "RANK-STRATA", "SCALAR"].contains(&claim) {
            continue;
        }
        for f in c["findings"].as_array().unwrap() {
            if f["instance"] == "delta-zero" {
                let positive = f["verdict"] == "holds" || f["verdict"] == "holds-with-condition";
                assert!(
                    !(positive && (f["level"] == "exact" || f["level"] == "symbolic")),
                    "{claim}: {f}"
                );
            }
        }
    }
}

#[test]
fn a_failing_claim_writes_its_counterexample_as_an_instance_file() {
    // m = 2 with heavy weight decay (λ = 2): the full-rank stratum is
    // resolved and has no positive definite solution, so the unconditional
    // EXISTENCE fails on this instance (the m ≥ 2 analogue of Δ < 0).
    let d = common::temp_dir("ssl-eq-verdicts");
    let f = d.join("heavy2.toml");
    std::fs::write(
        &f,
        r#"name = "heavy2"
n = 2
m = 2
lambda = "2"
mxx = [["1", "0"], ["0", "1"]]
myx = [["1", "1/2"], ["0", "1"]]
myy = [["3", "0"], ["0", "3"]]
"#,
    )
    .unwrap();
    let json = d.join("heavy2.json");
    let cx = d.join("counterexamples");
    let out = bin()
        .args([
            "verify",
            "--starts",
            "2",
            "--proof-dimension",
            "0",
            "--instance",
        ])
        .arg(&f)
        .arg("--json")
        .arg(&json)
        .arg("--counterexamples")
        .arg(&cx)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let existence = r["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "EXISTENCE")
        .unwrap();
    assert_eq!(existence["verdict"], "fails", "{existence}");
    assert_eq!(existence["counterexamples"][0], "heavy2");
    let written = cx.join("EXISTENCE-heavy2.toml");
    let text = std::fs::read_to_string(&written).unwrap();
    assert!(text.contains("lambda = \"2\""), "{text}");
    // The file is an instance every command accepts.
    let out = bin()
        .args(["instances", "--show"])
        .arg(&written)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

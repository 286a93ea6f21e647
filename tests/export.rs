//! Exported systems load unchanged in Singular and Macaulay2 and give the
//! dimension we compute ourselves (Gröbner basis + independent sets of the
//! leading monomials). Uses Symbolica in this process: run with
//! --test-threads=1, as the README's test command does.
//!
//! Each external system has its own test. When the build does not find it
//! (`Singular` or `M2` on `PATH`, or `python3 -c "import sympy"`; see
//! `build.rs`), its test is listed as ignored, with the reason, instead of
//! passing unchecked. Building with `SSL_REQUIRE_CROSSCHECKS` listing it
//! (`singular`, `macaulay2`, `sympy`; CI requires the ones it installs) makes
//! the test run regardless, and fail, naming the system, when it is missing.

mod common;

use std::path::Path;
use std::process::Command;

use ssl_equilibria::model::builtin;
use ssl_equilibria::polynomial::export::{ExportFormat, export};
use ssl_equilibria::polynomial::ideal::ideal_facts;
use ssl_equilibria::polynomial::{Data, PolynomialSystem, SystemKind};

fn system(instance: &str, kind: SystemKind) -> PolynomialSystem {
    let inst = builtin(instance).expect("built-in instance");
    PolynomialSystem::build(kind, &Data::Instance(inst)).expect("system builds")
}

/// The systems cross-checked: small enough for every tool to finish fast.
fn cases() -> Vec<(&'static str, SystemKind)> {
    vec![
        ("heavy-decay", SystemKind::SgEquilibrium),
        ("heavy-decay", SystemKind::EmaEquilibrium),
        ("heavy-decay", SystemKind::GdCritical),
        ("default", SystemKind::SEquation),
        ("square", SystemKind::SEquation),
    ]
}

fn run_script(program: &str, args: &[&str], script: &Path) -> String {
    let out = common::run_ok(Command::new(program).args(args).arg(script));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn last_integer(text: &str) -> i64 {
    text.split_whitespace()
        .filter_map(|w| w.parse::<i64>().ok())
        .next_back()
        .unwrap_or_else(|| panic!("no integer in output {text:?}"))
}

/// Loads every case's export in `program` with `epilogue` appended (which
/// must print the dimension last) and compares with ours.
fn agree_on_dimension(program: &str, args: &[&str], format: ExportFormat, epilogue: &str) {
    let dir = common::temp_dir("ssl-export");
    for (name, kind) in cases() {
        let sys = system(name, kind);
        let ours = ideal_facts(&sys).expect("our dimension");
        let mut script = export(&sys, format).unwrap();
        script.push_str(epilogue);
        let path = dir.join(format!("{name}-{kind}.{program}"));
        std::fs::write(&path, script).unwrap();
        let theirs = last_integer(&run_script(program, args, &path));
        assert_eq!(ours.dimension, theirs, "{name} {kind}: ours vs {program}");
        eprintln!("{name} {kind}: dimension {theirs} (ours and {program}'s agree)");
    }
}

#[test]
#[cfg_attr(
    not(has_singular),
    ignore = "Singular is not installed (apt-get install singular); set SSL_REQUIRE_CROSSCHECKS=singular to require it"
)]
fn singular_loads_the_export_and_agrees_on_the_dimension() {
    common::require(
        "Singular",
        common::on_path("Singular"),
        "apt-get install singular",
    );
    agree_on_dimension(
        "Singular",
        &["-q"],
        ExportFormat::Singular,
        "print(dim(std(I)));\nquit;\n",
    );
}

#[test]
#[cfg_attr(
    not(has_macaulay2),
    ignore = "Macaulay2 is not installed (M2; apt-get install macaulay2); set SSL_REQUIRE_CROSSCHECKS=macaulay2 to require it"
)]
fn macaulay2_loads_the_export_and_agrees_on_the_dimension() {
    common::require(
        "Macaulay2",
        common::on_path("M2"),
        "apt-get install macaulay2",
    );
    agree_on_dimension(
        "M2",
        &["--script"],
        ExportFormat::Macaulay2,
        "print dim I;\nexit 0\n",
    );
}

#[test]
#[cfg_attr(
    not(has_sympy),
    ignore = "SymPy is not installed (python3 -m pip install sympy); set SSL_REQUIRE_CROSSCHECKS=sympy to require it"
)]
fn sympy_script_rebuilds_the_same_polynomials() {
    let mut probe = Command::new("python3");
    probe.args(["-c", "import sympy"]);
    common::require(
        "SymPy (python3 -c \"import sympy\")",
        probe,
        "python3 -m pip install sympy",
    );
    let dir = common::temp_dir("ssl-export");
    let sys = system("heavy-decay", SystemKind::SgEquilibrium);
    let mut script = export(&sys, ExportFormat::Sympy).unwrap();
    // Each polynomial, re-expanded by SymPy, must have as many terms as ours.
    script.push_str(
        "from sympy import Add, expand\nprint(' '.join(str(len(Add.make_args(expand(p)))) for p in polynomials))\n",
    );
    let path = dir.join("sg.py");
    std::fs::write(&path, script).unwrap();
    let out = run_script("python3", &[], &path);
    let counts: Vec<usize> = out.split_whitespace().map(|w| w.parse().unwrap()).collect();
    let ours: Vec<usize> = sys
        .equations
        .iter()
        .map(|e| {
            let t = PolynomialSystem {
                equations: vec![e.clone()],
                ..sys.clone()
            };
            t.term_count()
        })
        .collect();
    assert_eq!(counts, ours);
}

#[test]
fn json_export_round_trips_the_system() {
    let sys = system("default", SystemKind::SEquation);
    let text = export(&sys, ExportFormat::Json).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["kind"], "s-equation");
    assert_eq!(v["variables"].as_array().unwrap().len(), 3);
    assert_eq!(v["equations"].as_array().unwrap().len(), 3);
    // S-equation of an m = 2 instance: three quadrics in s_1_1, s_1_2, s_2_2.
    let ours = ideal_facts(&sys).unwrap();
    assert_eq!(ours.dimension, 0, "finitely many complex solutions");
}

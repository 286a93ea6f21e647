//! `simulate --phase-plot`: the trajectory in the (‖A‖, Ē) plane and over
//! time, started on the certified periodic orbit of `square`
//! (`--from-orbit`); bad paths and certificates are bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const CERTIFICATE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/orbits/square.json");

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ssl-equilibria"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ssl-eq-phase-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `simulate` on `square` with SG from the certified orbit, plus `extra`.
fn simulate_on_orbit(extra: &[&str]) -> Output {
    bin()
        .args([
            "simulate",
            "--instance",
            "square",
            "--procedure",
            "sg",
            "--from-orbit",
            CERTIFICATE,
            "--time",
            "60",
            "--every",
            "1",
        ])
        .args(extra)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Columns `norm_a` and `ebar` of `simulate --format csv`.
fn norm_a_and_ebar(csv: &Path) -> Vec<(f64, f64)> {
    let body = std::fs::read_to_string(csv).unwrap();
    let mut lines = body.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (ia, ie) = (col("norm_a"), col("ebar"));
    lines
        .map(|l| {
            let cells: Vec<f64> = l.split(',').map(|c| c.parse().unwrap()).collect();
            (cells[ia], cells[ie])
        })
        .collect()
}

#[test]
fn the_orbit_is_drawn_and_the_run_stays_on_it() {
    let dir = scratch("ok");
    let (svg, png, csv) = (
        dir.join("orbit.svg"),
        dir.join("orbit.png"),
        dir.join("r.csv"),
    );
    let out = simulate_on_orbit(&[
        "--phase-plot",
        svg.to_str().unwrap(),
        "--format",
        "csv",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let doc = std::fs::read_to_string(&svg).unwrap();
    assert!(doc.starts_with("<svg") && doc.trim_end().ends_with("</svg>"));
    for label in [
        "certified orbit (48 shooting points)",
        "SG trajectory",
        "‖A‖ (Frobenius)",
        "Ē and ‖A‖ over time",
        "from the orbit of",
    ] {
        assert!(doc.contains(label), "the SVG lacks {label:?}");
    }
    // Started on the orbit, the run stays on it: over three periods of Ē
    // (closing time ≈ 19.78) ‖A‖ and Ē sweep the ranges that the
    // certificate's shooting points span ([0.3396, 0.8737] and
    // [0.0514, 0.2009], docs/findings.md), and no more.
    let pts = norm_a_and_ebar(&csv);
    assert!(pts.len() > 100, "{} records", pts.len());
    let range = |f: fn(&(f64, f64)) -> f64| {
        pts.iter()
            .map(f)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            })
    };
    let (a_lo, a_hi) = range(|p| p.0);
    let (e_lo, e_hi) = range(|p| p.1);
    for (got, want) in [
        (a_lo, 0.3396),
        (a_hi, 0.8737),
        (e_lo, 0.0514),
        (e_hi, 0.2009),
    ] {
        assert!(
            (got - want).abs() < 2e-3,
            "range end {got}, certificate {want}"
        );
    }

    let out = simulate_on_orbit(&["--phase-plot", png.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    // IHDR: width and height, big-endian, at bytes 16..24.
    let dim = |k: usize| u32::from_be_bytes(bytes[k..k + 4].try_into().unwrap());
    assert_eq!((dim(16), dim(20)), (1100, 520));
    assert!(bytes.len() > 10_000, "{} bytes", bytes.len());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Exit code 2, nothing on stdout, one line on stderr mentioning `flag`.
fn assert_bad_input(out: &Output, flag: &str) {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(flag), "{err}");
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
}

#[test]
fn bad_plot_paths_and_certificates_are_bad_input() {
    let dir = scratch("bad");
    let missing_dir = dir.join("no-such-dir").join("orbit.svg");
    let wrong_ext = dir.join("orbit.pdf");
    for path in [&missing_dir, &wrong_ext] {
        let out = simulate_on_orbit(&["--phase-plot", path.to_str().unwrap()]);
        assert_bad_input(&out, "phase-plot");
        assert!(!path.exists());
    }
    // A certificate that does not exist, one that is not a certificate, and
    // one for other data.
    let junk = dir.join("junk.json");
    std::fs::write(&junk, "{\"format\": 3}").unwrap();
    let svg = dir.join("orbit.svg");
    for (instance, cert) in [
        ("square", dir.join("absent.json")),
        ("square", junk.clone()),
        ("default", PathBuf::from(CERTIFICATE)),
    ] {
        let out = bin()
            .args(["simulate", "--procedure", "sg", "--time", "1"])
            .args([
                "--instance",
                instance,
                "--from-orbit",
                cert.to_str().unwrap(),
            ])
            .args(["--phase-plot", svg.to_str().unwrap()])
            .output()
            .unwrap();
        assert_bad_input(&out, cert.file_name().unwrap().to_str().unwrap());
        assert!(!svg.exists());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

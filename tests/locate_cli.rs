//! `simulate --final-state` then `locate --point`: the endpoint of a trained
//! model placed on its component. Only spawns the binary (never calls
//! Symbolica in-process, so the child can take the Symbolica lock).

mod common;

use common::{bin, run_ok};
use nalgebra::DMatrix;

#[test]
fn the_final_state_of_simulate_is_located() {
    let dir = std::env::temp_dir().join(format!("ssl-eq-locate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("final.json");
    run_ok(
        bin()
            .args([
                "simulate",
                "--instance",
                "isotropic",
                "--procedure",
                "sg",
                "--time",
                "3000",
            ])
            .args(["--format", "csv", "--every", "1000", "--final-state"])
            .arg(&state),
    );
    let json = dir.join("loc.json");
    let out = run_ok(
        bin()
            .args(["locate", "--instance", "isotropic", "--point"])
            .arg(&state)
            .arg("--json")
            .arg(&json),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("locate on isotropic"), "{text}");
    let loc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(loc["on_component"], true, "{loc}");
    let best = &loc["candidates"][0];
    assert!(best["distance"].as_f64().unwrap() <= loc["tolerance"].as_f64().unwrap());
    // A file without A or S is bad input: exit 2, one line.
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\"X\": 1}").unwrap();
    let out = bin()
        .args(["locate", "--instance", "isotropic", "--point"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `reproduce real --final-state` then `locate`: m = 64 has no exact strata,
/// so the point is assessed numerically from the moments stored in the
/// file; the SG flow's limit must satisfy the generalized S-equation
/// S·[(Mxx S + λI)(S Mxx + λI) − Mxy S Myx] = 0, checked here independently.
/// A matrix stored in JSON as rows.
fn mat(v: &serde_json::Value) -> DMatrix<f64> {
    let rows: Vec<Vec<f64>> = serde_json::from_value(v.clone()).unwrap();
    DMatrix::from_fn(rows.len(), rows[0].len(), |i, j| rows[i][j])
}

/// `‖S·[(Mxx S + λI)(S Mxx + λI) − Mxy S Myx]‖`, the generalized
/// S-equation's residual.
fn s_equation_residual(
    mxx: &DMatrix<f64>,
    myx: &DMatrix<f64>,
    lambda: f64,
    s: &DMatrix<f64>,
) -> f64 {
    let id = DMatrix::<f64>::identity(s.nrows(), s.nrows()) * lambda;
    let g = (mxx * s + &id) * (s * mxx + &id) - myx.transpose() * s * myx;
    (s * g).norm()
}

/// A final-state file whose stored moments are not valid is bad input:
/// `locate` exits with code 2.
fn broken_moments_are_bad_input(dir: &std::path::Path, file: &serde_json::Value) {
    let mut broken = file.clone();
    broken["moments"]["lambda"] = serde_json::json!(-1.0);
    let bad = dir.join("broken.json");
    std::fs::write(&bad, broken.to_string()).unwrap();
    let out = bin()
        .args(["locate", "--point"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_final_state_of_reproduce_real_is_assessed_numerically() {
    let dir = std::env::temp_dir().join(format!("ssl-eq-locate-real-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("real.json");
    run_ok(
        bin()
            .args([
                "reproduce",
                "real",
                "--steps",
                "300",
                "--n",
                "4",
                "--every",
                "100",
            ])
            .arg("--final-state")
            .arg(&state),
    );
    let json = dir.join("assess.json");
    let out = run_ok(
        bin()
            .args(["locate", "--state", "SG", "--point"])
            .arg(&state)
            .arg("--json")
            .arg(&json),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("numeric only"), "{text}");
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    let res: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let mo = &file["moments"];
    let (mxx, myx) = (mat(&mo["mxx"]), mat(&mo["myx"]));
    let lambda = mo["lambda"].as_f64().unwrap();
    let m = mxx.nrows();
    assert_eq!(m, 64);
    let flow = &res["flow"];
    assert_eq!(flow["converged"], true, "{flow}");
    let s = mat(&flow["S"]);
    let residual = s_equation_residual(&mxx, &myx, lambda, &s);
    let scale = s.norm() * (mxx.norm() * s.norm() + lambda).powi(2);
    // The flow stops at an SG field of 1e-8; the S-equation is quadratic in
    // that field's size times the data's scale, so 1e-6 relative is loose
    // for a true equilibrium and far below a non-equilibrium's residual.
    assert!(
        residual <= 1e-6 * scale,
        "residual {residual:.3e}, scale {scale:.3e}"
    );
    // The start itself (trained by minibatches) is not such a point.
    let a = mat(&file["states"][1]["A"]);
    let s0 = a.transpose() * &a;
    assert!(
        s_equation_residual(&mxx, &myx, lambda, &s0) > 1e-6 * scale,
        "the trained point is already an equilibrium"
    );
    assert!(flow["sg_verdict"].is_string());
    broken_moments_are_bad_input(&dir, &file);
    let _ = std::fs::remove_dir_all(&dir);
}

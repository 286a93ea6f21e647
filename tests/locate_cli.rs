//! `simulate --final-state` then `locate --point`: the endpoint of a trained
//! model placed on its component. Only spawns the binary (never calls
//! Symbolica in-process, so the child can take the Symbolica lock).

mod common;

use common::bin;

#[test]
fn the_final_state_of_simulate_is_located() {
    let dir = std::env::temp_dir().join(format!("ssl-eq-locate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("final.json");
    let out = bin()
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
        .arg(&state)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = dir.join("loc.json");
    let out = bin()
        .args(["locate", "--instance", "isotropic", "--point"])
        .arg(&state)
        .arg("--json")
        .arg(&json)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
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

//! Detects the external systems that the cross-check tests compare with
//! (Singular, Macaulay2, SymPy, msolve) and the browser that loads the HTML
//! report (Chromium), and sets `has_singular`, `has_macaulay2`, `has_sympy`,
//! `has_msolve` and `has_chromium` for them, so that a test whose system is
//! absent is listed as ignored, with the reason, instead of passing without
//! checking anything.
//!
//! `SSL_REQUIRE_CROSSCHECKS` (comma-separated: `singular`, `macaulay2` or
//! `m2`, `sympy`, `msolve`, `chromium`) sets the cfg of the listed systems whether or not they are
//! found, so that their tests run and fail, naming the system, when it is
//! missing. CI sets it for the systems it installs. Detection reruns when
//! `PATH` or that variable changes, or a found program disappears; after
//! installing a system otherwise, `touch build.rs`.

use std::env;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The first executable file called `program` in a `PATH` directory.
fn on_path(program: &str) -> Option<PathBuf> {
    let path = env::var_os("PATH")?;
    env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|file| is_executable(file))
}

#[cfg(unix)]
fn is_executable(file: &std::path::Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    file.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

#[cfg(not(unix))]
fn is_executable(file: &std::path::Path) -> bool {
    file.is_file()
}

fn sympy_importable() -> bool {
    Command::new("python3")
        .args(["-c", "import sympy"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=PATH");
    println!("cargo::rerun-if-env-changed=SSL_REQUIRE_CROSSCHECKS");

    let required = env::var("SSL_REQUIRE_CROSSCHECKS").unwrap_or_default();
    let required: Vec<String> = required
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    for name in &required {
        if !["singular", "macaulay2", "m2", "sympy", "msolve", "chromium"].contains(&name.as_str())
        {
            println!(
                "cargo::warning=SSL_REQUIRE_CROSSCHECKS: unknown system `{name}` \
                 (known: singular, macaulay2, sympy, msolve, chromium)"
            );
        }
    }
    let is_required = |names: &[&str]| required.iter().any(|r| names.contains(&r.as_str()));

    let singular = on_path("Singular");
    let macaulay2 = on_path("M2");
    let msolve = on_path("msolve");
    let chromium = on_path("chromium").or_else(|| on_path("chromium-browser"));
    // Detect again if a found program is removed (a missing file reruns this).
    for found in [&singular, &macaulay2, &msolve, &chromium]
        .into_iter()
        .flatten()
    {
        println!("cargo::rerun-if-changed={}", found.display());
    }
    let systems = [
        (
            "has_singular",
            is_required(&["singular"]) || singular.is_some(),
        ),
        (
            "has_macaulay2",
            is_required(&["macaulay2", "m2"]) || macaulay2.is_some(),
        ),
        ("has_sympy", is_required(&["sympy"]) || sympy_importable()),
        ("has_msolve", is_required(&["msolve"]) || msolve.is_some()),
        (
            "has_chromium",
            is_required(&["chromium"]) || chromium.is_some(),
        ),
    ];
    for (cfg, present) in systems {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        if present {
            println!("cargo::rustc-cfg={cfg}");
        }
    }
}

//! Helpers shared by the integration tests: the built binary ([`bin`]) and a
//! run that must succeed ([`run_ok`], [`stdout_ok`]), a
//! per-process scratch directory ([`temp_dir`]), and the probes of the tests
//! that cross-check us against external systems.
//!
//! Each such test is marked `#[cfg_attr(not(has_singular), ignore = "...")]`
//! (or `has_macaulay2`, `has_sympy`): `build.rs` sets the cfg when it finds the
//! system or when `SSL_REQUIRE_CROSSCHECKS` lists it, so an absent system makes
//! the test show up as ignored, with the reason, never as passed. A test that
//! does run calls [`require`] first, so a required system that is missing fails
//! it with a message naming the system.

// Each test binary includes this module and uses only some of it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// The command-line binary built for these tests.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ssl-equilibria"))
}

/// The directory `<system temp>/<prefix>-<process id>`, created if absent:
/// scratch space private to one test binary's run.
pub fn temp_dir(prefix: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("{prefix}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A probe that succeeds when `program` is on `PATH`.
pub fn on_path(program: &str) -> Command {
    let mut probe = Command::new("sh");
    probe.arg("-c").arg(format!("command -v {program}"));
    probe
}

/// Panics, naming `system` and how to `install` it, unless `probe` succeeds.
pub fn require(system: &str, mut probe: Command, install: &str) {
    let present = probe
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        present,
        "{system} is required by this cross-check but is not available: \
         install it ({install}); the tests were built with \
         SSL_REQUIRE_CROSSCHECKS={:?}",
        option_env!("SSL_REQUIRE_CROSSCHECKS").unwrap_or(""),
    );
}

/// Runs `cmd` and returns its output, failing with the command and its
/// stderr unless it exited with code 0.
pub fn run_ok(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// [`run_ok`], with the standard output as text.
pub fn stdout_ok(cmd: &mut Command) -> String {
    String::from_utf8(run_ok(cmd).stdout).unwrap()
}

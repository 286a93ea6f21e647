//! Shared by the tests that cross-check us against external systems.
//!
//! Each such test is marked `#[cfg_attr(not(has_singular), ignore = "...")]`
//! (or `has_macaulay2`, `has_sympy`): `build.rs` sets the cfg when it finds the
//! system or when `SSL_REQUIRE_CROSSCHECKS` lists it, so an absent system makes
//! the test show up as ignored, with the reason, never as passed. A test that
//! does run calls [`require`] first, so a required system that is missing fails
//! it with a message naming the system.

use std::process::{Command, Stdio};

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

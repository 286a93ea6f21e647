//! The HTML reports in a real browser: `verify --html` and `characterize
//! --html` pages load in headless Chromium without console errors or network
//! requests, their script runs, and a screenshot of the verify page is
//! produced with the claim table on it.
//!
//! Ignored, with the reason, when Chromium is not installed, unless
//! `SSL_REQUIRE_CROSSCHECKS` lists `chromium` (see build.rs); then a missing
//! browser fails the test.
//!
//! Run with `cargo test --release --test html -- --test-threads=1`.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

fn run_ok(args: &[&str]) {
    common::run_ok(common::bin().args(args));
}

fn chromium() -> &'static str {
    for name in ["chromium", "chromium-browser"] {
        if common::on_path(name)
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
        {
            return name;
        }
    }
    common::require(
        "Chromium",
        common::on_path("chromium"),
        "apt-get install chromium",
    );
    unreachable!()
}

/// Loads `page` in headless Chromium with the network disabled; returns the
/// DOM after load and the browser's log (console messages included).
fn load(page: &Path, extra: &[String]) -> (String, String) {
    let profile = common::temp_dir("ssl-eq-html").join(format!(
        "profile-{}",
        page.file_stem().unwrap().to_string_lossy()
    ));
    let out = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            // Any request leaving the machine fails, and shows in the log.
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--window-size=1400,1000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "chromium failed on {}: {}",
        page.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Console messages and failed loads in Chromium's log.
fn console_errors(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| {
            l.contains("CONSOLE")
                || l.contains("Uncaught")
                || l.contains("Failed to load resource")
                || l.contains("ERR_NAME_NOT_RESOLVED")
        })
        .collect()
}

#[test]
#[cfg_attr(
    not(has_chromium),
    ignore = "Chromium is not installed (apt-get install chromium), or set SSL_REQUIRE_CROSSCHECKS=chromium"
)]
fn verify_page_loads_and_shows_the_claim_table() {
    let d = common::temp_dir("ssl-eq-html");
    let page = d.join("verify.html");
    run_ok(&[
        "verify",
        "--instance",
        "scalar-rational",
        "--starts",
        "2",
        "--proof-dimension",
        "1",
        "--html",
        page.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"));
    let (dom, log) = load(&page, &[]);
    assert!(
        console_errors(&log).is_empty(),
        "console errors: {:?}",
        console_errors(&log)
    );
    assert!(
        dom.contains("data-rendered=\"yes\""),
        "the page's script did not run"
    );
    assert!(dom.contains("<table id=\"claims\">"));
    for id in ["NOT-GRADIENT", "STABILITY", "SYNTHETIC-TABLE"] {
        assert!(dom.contains(id), "{id} not in the claim table");
    }
    assert!(dom.contains("<table id=\"synthetic\">") && dom.contains("EMA paper"));
    assert!(dom.contains("<svg"), "the basins figure is inline");

    // A screenshot of the top of the page, where the claim table is.
    let shot = d.join("verify.png");
    let (_, log) = load(&page, &[format!("--screenshot={}", shot.display())]);
    assert!(console_errors(&log).is_empty(), "{log}");
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    // Width and height from the IHDR chunk: the window size.
    let w = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((w, h), (1400, 1000));
    // A blank page compresses to a few kilobytes; text and a table do not.
    assert!(
        png.len() > 20_000,
        "screenshot of {} bytes looks blank",
        png.len()
    );
    if let Ok(keep) = std::env::var("SSL_HTML_SCREENSHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }
}

#[test]
#[cfg_attr(
    not(has_chromium),
    ignore = "Chromium is not installed (apt-get install chromium), or set SSL_REQUIRE_CROSSCHECKS=chromium"
)]
fn characterize_page_loads_with_components_and_spectra() {
    let d = common::temp_dir("ssl-eq-html");
    let page = d.join("characterize.html");
    run_ok(&[
        "characterize",
        "--instance",
        "scalar-rational",
        "--html",
        page.to_str().unwrap(),
    ]);
    let (dom, log) = load(&page, &[]);
    assert!(
        console_errors(&log).is_empty(),
        "console errors: {:?}",
        console_errors(&log)
    );
    assert!(dom.contains("data-rendered=\"yes\""));
    assert!(dom.contains("<table id=\"components\">"));
    // The two spheres of scalar-rational: the inner a saddle, the outer
    // stable (tests/characterize.rs checks the certificates).
    assert!(dom.contains("saddle") && dom.contains("stable"), "{dom}");
    assert!(
        dom.matches("<svg").count() >= 3,
        "one spectrum per component"
    );
}

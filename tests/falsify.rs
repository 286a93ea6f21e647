//! `falsify`: counterexamples are found, shrunk, valid, and reproducible as
//! instance files; properties that hold report how many instances were tried.

mod common;

use std::process::Command;

use ssl_equilibria::claims::analyze;
use ssl_equilibria::claims::properties::{FalsifyConfig, PropertyId, evaluate_property, falsify};
use ssl_equilibria::claims::{ClaimId, Verdict, VerifyConfig};
use ssl_equilibria::model::{Format, parse_instance_str};
use ssl_equilibria::testing::InstanceBounds;

fn config(cases: u32) -> FalsifyConfig {
    FalsifyConfig {
        cases,
        seed: 5,
        bounds: InstanceBounds::default(),
        analysis: VerifyConfig {
            starts: 4,
            ..VerifyConfig::default()
        },
        max_shrink_iters: 64,
        max_shrink_seconds: 60,
    }
}

#[test]
fn saddles_beyond_m_1_are_found_and_the_counterexample_reloads() {
    let out = falsify(PropertyId::SaddlesOnlyScalar, &config(32), |_| {});
    let cx = out
        .counterexample
        .expect("default instance has saddles at m = 2, so random ones should too");
    assert_eq!(cx.finding.verdict, Verdict::Fails);
    // The printed file is a valid instance on which the property still fails.
    let inst = parse_instance_str(&cx.instance_toml, Format::Toml, "cx").unwrap();
    assert!(inst.m() >= 2);
    let cfg = VerifyConfig {
        starts: 0,
        ..VerifyConfig::default()
    };
    let again = evaluate_property(PropertyId::SaddlesOnlyScalar, &analyze(&inst, &cfg), &cfg);
    assert_eq!(again.verdict, Verdict::Fails, "{}", again.summary);
    // Shrinking reaches the smallest shape where the statement applies.
    assert_eq!((inst.n(), inst.m()), (1, 2), "{}", cx.instance_toml);
}

#[test]
fn a_claim_that_holds_reports_the_instances_tried() {
    let out = falsify(PropertyId::Claim(ClaimId::Balance), &config(6), |_| {});
    assert!(out.counterexample.is_none(), "{:?}", out.counterexample);
    assert_eq!(out.cases_run, 6);
    assert_eq!(out.held, 6);
    assert!(out.ranges.contains("n ∈ [1, 4]"));
}

#[test]
fn every_identifier_parses() {
    for name in PropertyId::all_names() {
        assert_eq!(PropertyId::parse(name).map(PropertyId::as_str), Some(name));
    }
    assert_eq!(PropertyId::all_names().len(), 18);
}

#[test]
fn the_cli_prints_a_loadable_counterexample_and_rejects_bad_flags() {
    let bin = env!("CARGO_BIN_EXE_ssl-equilibria");
    let dir = std::env::temp_dir().join(format!("ssl-eq-falsify-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("cx.toml");
    let out = common::run_ok(
        Command::new(bin)
            .args([
                "falsify",
                "--claim",
                "existence-unconditional",
                "--cases",
                "32",
                "--shape",
                "1,1",
                "--out",
            ])
            .arg(&file),
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("COUNTEREXAMPLE"), "{text}");
    // The file is accepted by the other commands.
    let show = Command::new(bin)
        .args(["instances", "--show"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(show.status.success());
    for (args, needle) in [
        (vec!["falsify", "--claim", "NOPE"], "claim = NOPE"),
        (
            vec!["falsify", "--claim", "BALANCE", "--shape", "0,2"],
            "shape = 0,2",
        ),
        (
            vec!["falsify", "--claim", "BALANCE", "--lambda-range", "0.2,0.1"],
            "lambda-range",
        ),
        (
            vec!["falsify", "--claim", "BALANCE", "--cases", "0"],
            "cases = 0",
        ),
    ] {
        let out = Command::new(bin).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(needle), "{err}");
        assert!(out.stdout.is_empty());
    }
}

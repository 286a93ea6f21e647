//! Property-test a claim of your own against the library, with the public
//! proptest strategies: here, "at every SG equilibrium of positive rank, the
//! predictor B is symmetric when Myx is symmetric".
//!
//! `cargo run --release --example own_property`

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use ssl_equilibria::testing::{InstanceBounds, Structure, instance_and_equilibrium};

fn main() {
    let bounds = InstanceBounds {
        structure: Structure::SymmetricMyx,
        ..InstanceBounds::default()
    };
    let mut runner = TestRunner::new(Config {
        cases: 32,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&instance_and_equilibrium(bounds), |(inst, eq)| {
        let asym = (&eq.b - eq.b.transpose()).amax();
        prop_assert!(
            asym < 1e-8 * (1.0 + eq.b.amax()),
            "{}: B not symmetric at rank {} (max |B − Bᵀ| = {asym:e})",
            inst.name(),
            eq.rank
        );
        Ok(())
    });
    match result {
        Ok(()) => println!("held on 32 random instances with symmetric Myx"),
        Err(e) => println!("counterexample: {e}"),
    }
}

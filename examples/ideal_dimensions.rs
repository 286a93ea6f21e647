//! Dimensions of the complex equilibrium varieties of small built-in
//! instances, from Gröbner bases (run with
//! `cargo run --release --example ideal_dimensions`). Systems with more than
//! 8 unknowns are left out: their Gröbner bases take minutes or more here
//! (the EMA system of `square`, 12 unknowns, did not finish in 4 minutes).

use std::time::Instant;

use ssl_equilibria::model::builtin;
use ssl_equilibria::polynomial::ideal::ideal_facts;
use ssl_equilibria::polynomial::{Data, PolynomialSystem, SystemKind};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("| instance | n, m | system | unknowns | dimension | Gröbner basis size | seconds |");
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for name in ["heavy-decay", "square", "scalar", "default", "wide"] {
        let inst = builtin(name).ok_or("unknown built-in instance")?;
        for (_, kind) in SystemKind::EQUATIONS {
            let sys = PolynomialSystem::build(kind, &Data::Instance(inst.clone()))?;
            if sys.variables.len() > 8 {
                continue;
            }
            let started = Instant::now();
            let facts = ideal_facts(&sys)?;
            println!(
                "| {name} | {}, {} | {kind} | {} | {} | {} | {:.3} |",
                inst.n(),
                inst.m(),
                sys.variables.len(),
                facts.dimension,
                facts.basis_size,
                started.elapsed().as_secs_f64()
            );
        }
    }
    Ok(())
}

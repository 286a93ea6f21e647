//! Draws the spectrum of the SG Jacobian at the two nonzero equilibria of the
//! built-in `scalar` instance (the stable outer sphere and the saddle inner
//! sphere) and of the discrete EMA map at the outer one, with
//! `report::plot::spectrum`.
//!
//! `cargo run --release --example spectrum_plot -- OUT_DIR`

use std::path::PathBuf;

use ssl_equilibria::model::{Procedure, builtin};
use ssl_equilibria::numeric::equilibria::search_stratum;
use ssl_equilibria::numeric::spectra::eigenvalues;
use ssl_equilibria::numeric::{DiscreteMap, Model, SearchOptions, State};
use ssl_equilibria::report::plot::spectrum;

fn main() -> Result<(), ssl_equilibria::Error> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    let none = |what: &str| ssl_equilibria::Error::Computation(format!("no {what}"));
    let model = Model::from_instance(&builtin("scalar").ok_or_else(|| none("instance"))?);
    let eq = search_stratum(&model, 1, &SearchOptions::default());
    for (e, name) in eq.iter().zip(["inner", "outer"]) {
        let s = State::new(Procedure::StopGradient, e.a.clone(), e.b.clone());
        let eig = eigenvalues(&model.jacobian(Procedure::StopGradient, 0.0, &s))
            .ok_or_else(|| none("eigenvalues"))?;
        let path = dir.join(format!("spectrum_sg_{name}.svg"));
        spectrum(
            &path,
            &format!(
                "SG Jacobian, scalar instance, {name} sphere ‖a‖² = {:.3}",
                e.s[(0, 0)]
            ),
            &eig,
            false,
        )?;
        println!("{}", path.display());
    }
    let outer = eq.last().ok_or_else(|| none("outer equilibrium"))?;
    let map = DiscreteMap::new(Procedure::Ema, 0.5, 0.9)?;
    let s = State::new(Procedure::Ema, outer.a.clone(), outer.b.clone());
    let eig = eigenvalues(&model.discrete_jacobian(&map, &s)).ok_or_else(|| none("eigenvalues"))?;
    let path = dir.join("spectrum_ema_map_outer.svg");
    spectrum(
        &path,
        "discrete EMA map (η = 0.5, α = 0.9), outer sphere",
        &eig,
        true,
    )?;
    println!("{}", path.display());
    Ok(())
}

use ssl_equilibria::claims::{VerifyConfig, analyze};
use ssl_equilibria::model::builtin;
use ssl_equilibria::numeric::spectra::eigenvalues;
use ssl_equilibria::numeric::{Procedure, State};
fn main() {
    let an = analyze(
        &builtin("scalar").unwrap(),
        &VerifyConfig {
            starts: 1,
            ..Default::default()
        },
    );
    for c in &an.components {
        for (k, s) in &c.stability.ema {
            println!("rank {} kappa {k}: {:?}", c.equilibrium.rank, s);
        }
        let e = &c.equilibrium;
        let j = an.model.jacobian(
            Procedure::Ema,
            10.0,
            &State::new(Procedure::Ema, e.a.clone(), e.b.clone()),
        );
        println!(
            "try: {:?}",
            nalgebra::Schur::try_new(j.clone(), 1e-15, 20000).is_some()
        );
        println!(
            "try13: {:?}",
            nalgebra::Schur::try_new(j.clone(), 1e-13, 20000).is_some()
        );
        println!("eig: {:?}", eigenvalues(&j).is_some());
    }
}

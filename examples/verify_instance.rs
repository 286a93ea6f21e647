//! Verify every claim on an instance built in code, through the library API.
//!
//! `cargo run --release --example verify_instance`

use num_rational::BigRational;
use ssl_equilibria::claims::{VerifyConfig, verify};
use ssl_equilibria::model::{Generator, RationalMatrix};
use ssl_equilibria::report::render_text;

fn main() -> Result<(), ssl_equilibria::Error> {
    // x = z + e1, y = T z + e2 with Σ = [[1, 1/4], [1/4, 1/2]], T = [[1, 0], [1/2, 1]], σ² = 1/10.
    let generator = Generator {
        sigma: RationalMatrix::from_ints(&[&[4, 1], &[1, 2]], 4),
        t: RationalMatrix::from_ints(&[&[2, 0], &[1, 2]], 2),
        noise: BigRational::new(1.into(), 10.into()),
    };
    let instance = generator.instance("example", 3, BigRational::new(1.into(), 40.into()))?;
    let config = VerifyConfig {
        starts: 8,
        ..VerifyConfig::default()
    };
    let report = verify(&[instance], &config, None, |name| {
        eprintln!("analysing {name}")
    })?;
    print!("{}", render_text(&report, false));
    Ok(())
}

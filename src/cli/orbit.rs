//! `certify-orbit` and `check-orbit`: prove a periodic orbit of the SG flow
//! and write its certificate; re-check a certificate from scratch.

use std::path::PathBuf;
use std::time::Instant;

use crate::claims::not_gradient_like::describe;
use crate::error::{Error, Result};
use crate::model;
use crate::validated::orbit::{
    CheckOutcome, OrbitCertificate, OrbitSettings, certify, check_certificate,
};

/// Arguments of `certify-orbit`.
#[derive(Debug, clap::Args)]
pub struct CertifyOrbitArgs {
    /// Built-in name or path of an instance file (λ > 0).
    #[arg(long, value_name = "NAME|FILE", default_value = "square")]
    pub instance: String,
    /// Where to write the certificate (JSON).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Seed of the random starts of the search.
    #[arg(long, default_value_t = OrbitSettings::default().seed)]
    pub seed: u64,
    /// Number of random starts.
    #[arg(long, default_value_t = OrbitSettings::default().starts)]
    pub starts: usize,
}

/// Arguments of `check-orbit`.
#[derive(Debug, clap::Args)]
pub struct CheckOrbitArgs {
    /// A certificate written by `certify-orbit`.
    #[arg(value_name = "FILE")]
    pub certificate: PathBuf,
}

/// The search settings of `certify-orbit`'s arguments.
pub fn settings(a: &CertifyOrbitArgs) -> Result<OrbitSettings> {
    if a.starts == 0 || a.starts > 1000 {
        return Err(Error::param("starts", a.starts, "between 1 and 1000"));
    }
    Ok(OrbitSettings {
        seed: a.seed,
        starts: a.starts,
        ..OrbitSettings::default()
    })
}

/// `certify-orbit`.
pub fn certify_orbit(a: CertifyOrbitArgs) -> Result<()> {
    let inst = model::resolve_instance(&a.instance)?;
    if *inst.lambda() <= num_rational::BigRational::from_integer(0.into()) {
        return Err(Error::param(
            "lambda",
            inst.lambda(),
            "λ > 0 for certify-orbit",
        ));
    }
    let s = settings(&a)?;
    let t = Instant::now();
    let (cert, proof) = certify(&inst, &s)?;
    let text = serde_json::to_string_pretty(&cert)
        .map_err(|e| Error::Computation(format!("cannot serialize the certificate: {e}")))?;
    std::fs::write(&a.out, text + "\n").map_err(|source| Error::Io {
        action: "write",
        path: a.out.display().to_string(),
        source,
    })?;
    println!(
        "{}: {}",
        inst.name(),
        describe(&proof, t.elapsed().as_secs_f64())
    );
    println!(
        "certificate written to {} (box radius {:.0e})",
        a.out.display(),
        cert.radius
    );
    Ok(())
}

/// `check-orbit`: exit 0 when the proof passes, 1 when it does not.
pub fn check_orbit(a: CheckOrbitArgs) -> Result<()> {
    let path = a.certificate.display().to_string();
    let cert = OrbitCertificate::read(&a.certificate)?;
    let t = Instant::now();
    match check_certificate(&cert)? {
        CheckOutcome::Proved(p) => {
            println!(
                "certificate {path} checks: {}",
                describe(&p, t.elapsed().as_secs_f64())
            );
            Ok(())
        }
        CheckOutcome::Rejected(why) => Err(Error::Computation(format!(
            "certificate {path} does not check: {why}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: CertifyOrbitArgs,
    }

    fn parse(extra: &[&str]) -> CertifyOrbitArgs {
        let mut argv = vec!["certify-orbit", "--out", "c.json"];
        argv.extend_from_slice(extra);
        Cli::try_parse_from(argv).unwrap().args
    }

    #[test]
    fn settings_take_the_library_defaults_and_the_arguments() {
        let s = settings(&parse(&[])).unwrap();
        let d = OrbitSettings::default();
        assert_eq!(
            (s.seed, s.starts, s.segments),
            (d.seed, d.starts, d.segments)
        );
        let s = settings(&parse(&["--seed", "7", "--starts", "3"])).unwrap();
        assert_eq!((s.seed, s.starts), (7, 3));
        for bad in ["0", "1001"] {
            let e = settings(&parse(&["--starts", bad]))
                .unwrap_err()
                .to_string();
            assert!(e.contains(&format!("starts = {bad}")), "{e}");
        }
    }
}

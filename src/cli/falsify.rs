//! `falsify`: search random valid instances for a counterexample.

use std::path::PathBuf;

use clap::ValueEnum;

use crate::claims::VerifyConfig;
use crate::claims::properties::{FalsifyConfig, PropertyId, falsify};
use crate::error::{Error, Result};
use crate::numeric;

use super::common::{bar_with, pair, write_file, write_json};

/// Moment structures on the command line.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum StructureArg {
    /// No constraint.
    Any,
    /// Mxx = c I.
    IsotropicMxx,
    /// Mxx = c I and Myx symmetric.
    SymmetricMyx,
}

/// Arguments of `falsify`.
#[derive(Debug, clap::Args)]
pub struct FalsifyArgs {
    /// A claim identifier (e.g. STABILITY) or a named property
    /// (EXISTENCE-UNCONDITIONAL, SADDLES-ONLY-SCALAR, S-EQUATION-BEZOUT-COUNT,
    /// SG-ALWAYS-CONVERGES, EMA-SG-SAME-STABLE).
    #[arg(long, value_name = "ID")]
    pub claim: String,
    /// Random instances to try.
    #[arg(long, default_value_t = 64)]
    pub cases: u32,
    /// Seed of the search.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Fix the shape to n,m (default: n in 1..=4, m in 1..=3).
    #[arg(long, value_name = "N,M")]
    pub shape: Option<String>,
    /// Range of λ as a,b (multiples of 0.001; default 0.001,0.1).
    #[arg(long, value_name = "A,B", allow_negative_numbers = true)]
    pub lambda_range: Option<String>,
    /// Random starts per procedure in each instance's analysis.
    #[arg(long, default_value_t = 8)]
    pub starts: usize,
    /// Structure imposed on the moments of the random instances.
    #[arg(long, value_enum, default_value = "any")]
    pub structure: StructureArg,
    /// Write the outcome as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write the shrunk counterexample, if any, as a TOML instance file.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

impl FalsifyArgs {
    /// The property and the library's configuration, or the first bad value.
    pub fn config(&self) -> Result<(PropertyId, FalsifyConfig)> {
        let property = PropertyId::parse(&self.claim).ok_or_else(|| {
            Error::param(
                "claim",
                &self.claim,
                &format!("one of {}", PropertyId::all_names().join(", ")),
            )
        })?;
        if self.cases == 0 || self.cases > 100_000 {
            return Err(Error::param("cases", self.cases, "1 ≤ cases ≤ 100000"));
        }
        if self.starts == 0 {
            return Err(Error::param("starts", 0, "at least 1"));
        }
        let mut bounds = crate::testing::InstanceBounds {
            structure: match self.structure {
                StructureArg::Any => crate::testing::Structure::Any,
                StructureArg::IsotropicMxx => crate::testing::Structure::IsotropicMxx,
                StructureArg::SymmetricMyx => crate::testing::Structure::SymmetricMyx,
            },
            ..crate::testing::InstanceBounds::default()
        };
        if let Some(shape) = &self.shape {
            let (n, m): (usize, usize) = pair(
                "shape",
                shape,
                "n,m with 1 ≤ n, m and 2nm + n² ≤ 600, e.g. 3,2",
            )?;
            if n == 0 || m == 0 || 2 * n * m + n * n > crate::claims::MAX_VERIFY_STATE {
                return Err(Error::param(
                    "shape",
                    shape,
                    "n,m with 1 ≤ n, m and 2nm + n² ≤ 600, e.g. 3,2",
                ));
            }
            bounds.n = n..=n;
            bounds.m = m..=m;
        }
        if let Some(range) = &self.lambda_range {
            let expected = "a,b with 0 ≤ a ≤ b ≤ 10, e.g. 0.01,0.1";
            let (lo, hi): (f64, f64) = pair("lambda-range", range, expected)?;
            if !(lo.is_finite() && hi.is_finite() && 0.0 <= lo && lo <= hi && hi <= 10.0) {
                return Err(Error::param("lambda-range", range, expected));
            }
            bounds.lambda_thousandths = (lo * 1000.0).round() as u32..=(hi * 1000.0).round() as u32;
        }
        let cfg = FalsifyConfig {
            cases: self.cases,
            seed: self.seed,
            bounds,
            analysis: VerifyConfig {
                seed: self.seed,
                starts: self.starts,
                search: numeric::SearchOptions {
                    starts: 40,
                    ..numeric::SearchOptions::default()
                },
                sample_points: 3,
                ..VerifyConfig::default()
            },
            max_shrink_iters: 128,
            max_shrink_seconds: 60,
        };
        Ok((property, cfg))
    }
}

/// Runs `falsify`.
pub fn run(a: FalsifyArgs) -> Result<()> {
    let (property, cfg) = a.config()?;
    let bar = bar_with(
        indicatif::ProgressBar::new(u64::from(a.cases)),
        "{bar:30} {pos}/{len} instances {elapsed}",
    );
    let outcome = falsify(property, &cfg, |k| bar.set_position(u64::from(k)));
    bar.finish_and_clear();
    if let Some(path) = &a.json {
        write_json(path, &outcome)?;
    }
    let mut out = format!(
        "{}: {}\n{} instances tried ({}): held on {}, inconclusive on {}, not applicable on {}\n",
        outcome.property,
        outcome.statement,
        outcome.cases_run,
        outcome.ranges,
        outcome.held,
        outcome.inconclusive,
        outcome.not_applicable
    );
    match &outcome.counterexample {
        Some(c) => {
            out.push_str(&format!(
                "COUNTEREXAMPLE (shrunk): {}\n# accepted by `verify --instance FILE` and the other commands\n{}",
                c.finding.summary, c.instance_toml
            ));
            if let Some(path) = &a.out {
                write_file(path, &c.instance_toml)?;
            }
        }
        None => out.push_str("no counterexample found\n"),
    }
    print!("{out}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn parse(args: &[&str]) -> FalsifyArgs {
        #[derive(Parser)]
        struct Wrap {
            #[command(flatten)]
            a: FalsifyArgs,
        }
        Wrap::try_parse_from(std::iter::once("falsify").chain(args.iter().copied()))
            .unwrap()
            .a
    }

    #[test]
    fn shape_lambda_range_and_structure_become_bounds() {
        let (p, cfg) = parse(&[
            "--claim",
            "STABILITY",
            "--shape",
            "3,2",
            "--lambda-range",
            "0.01,0.1",
            "--structure",
            "symmetric-myx",
            "--cases",
            "5",
            "--seed",
            "9",
        ])
        .config()
        .unwrap();
        assert_eq!(Some(p), PropertyId::parse("STABILITY"));
        assert_eq!(cfg.bounds.n, 3..=3);
        assert_eq!(cfg.bounds.m, 2..=2);
        assert_eq!(cfg.bounds.lambda_thousandths, 10..=100);
        assert_eq!(
            cfg.bounds.structure,
            crate::testing::Structure::SymmetricMyx
        );
        assert_eq!((cfg.cases, cfg.seed, cfg.analysis.seed), (5, 9, 9));
    }

    #[test]
    fn bad_values_are_bad_input_naming_the_flag() {
        for (args, flag) in [
            (&["--claim", "NO-SUCH-CLAIM"][..], "claim"),
            (&["--claim", "STABILITY", "--cases", "0"][..], "cases"),
            (&["--claim", "STABILITY", "--starts", "0"][..], "starts"),
            (&["--claim", "STABILITY", "--shape", "30,30"][..], "shape"),
            (
                &["--claim", "STABILITY", "--lambda-range", "0.2,0.1"][..],
                "lambda-range",
            ),
        ] {
            let err = parse(args).config().unwrap_err();
            assert!(err.is_bad_input(), "{args:?}: {err}");
            assert!(err.to_string().contains(flag), "{args:?}: {err}");
        }
    }
}

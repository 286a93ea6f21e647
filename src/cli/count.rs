//! `count`: complex solutions of the S-system on random instances.

use std::path::PathBuf;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::report;
use crate::variety::counting::{MAX_COUNT_M, count_table};

use super::common::{positive, spinner, write_json};

/// Arguments of `count`.
#[derive(Debug, clap::Args)]
pub struct CountArgs {
    /// Data dimensions (comma separated, each 1 to 5; m = 5 takes about a
    /// minute per instance).
    #[arg(long, value_delimiter = ',', default_value = "1,2,3,4")]
    pub m: Vec<usize>,
    /// Random instances per m.
    #[arg(long, default_value_t = 3)]
    pub instances: usize,
    /// First generator seed.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Also count real and positive definite solutions exactly (m ≤ 4).
    #[arg(long)]
    pub real: bool,
    /// Time budget per instance in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 120.0)]
    pub timeout: f64,
    /// Write the table as JSON.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

impl CountArgs {
    /// Checks every flag; the first bad value is an error.
    pub fn validate(&self) -> Result<()> {
        if self.m.is_empty() || self.m.iter().any(|&m| m == 0 || m > MAX_COUNT_M) {
            return Err(Error::param(
                "m",
                format!("{:?}", self.m),
                &format!("data dimensions between 1 and {MAX_COUNT_M}"),
            ));
        }
        if self.instances == 0 || self.instances > 100 {
            return Err(Error::param(
                "instances",
                self.instances,
                "between 1 and 100",
            ));
        }
        positive("timeout", self.timeout)?;
        Ok(())
    }
}

/// Runs `count`.
pub fn run(a: CountArgs) -> Result<()> {
    a.validate()?;
    let bar = spinner(None);
    let rows = count_table(
        &a.m,
        a.instances,
        a.seed,
        a.real,
        Some(Duration::from_secs_f64(a.timeout)),
        |msg| bar.set_message(msg.to_owned()),
    )?;
    bar.finish_and_clear();
    if let Some(path) = &a.json {
        write_json(path, &rows)?;
    }
    print!("{}", report::characterize::render_counts(&rows));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn parse(args: &[&str]) -> CountArgs {
        #[derive(Parser)]
        struct Wrap {
            #[command(flatten)]
            a: CountArgs,
        }
        Wrap::try_parse_from(std::iter::once("count").chain(args.iter().copied()))
            .unwrap()
            .a
    }

    #[test]
    fn flags_are_checked() {
        let ok = parse(&["--m", "2,3", "--instances", "5"]);
        assert!(ok.validate().is_ok());
        assert_eq!(ok.m, vec![2, 3]);
        for (args, flag) in [
            (&["--m", "0"][..], "m"),
            (&["--m", "9"][..], "m"),
            (&["--instances", "0"][..], "instances"),
            (&["--timeout", "0"][..], "timeout"),
        ] {
            let err = parse(args).validate().unwrap_err();
            assert!(err.is_bad_input(), "{args:?}: {err}");
            assert!(err.to_string().contains(flag), "{args:?}: {err}");
        }
    }
}

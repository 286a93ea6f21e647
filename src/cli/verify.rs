//! `verify`: every claim on the chosen instances.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::claims::{self, VerifyConfig};
use crate::error::{Error, Result};
use crate::model::Instance;
use crate::polynomial::proofs::MAX_PROOF_DIMENSION;
use crate::report;

use super::common::{
    bar_with, count_proof_budget, instance_toml, positive, resolve_all, svg_of, write_file,
};

/// Arguments of `verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// Built-in name or path of a .toml/.json instance file; repeatable.
    /// Default: every built-in instance.
    #[arg(long = "instance", value_name = "NAME|FILE")]
    pub instances: Vec<String>,
    /// Master seed of every random choice.
    #[arg(long, default_value_t = VerifyConfig::default().seed)]
    pub seed: u64,
    /// Random starts per procedure and instance.
    #[arg(long, default_value_t = VerifyConfig::default().starts)]
    pub starts: usize,
    /// Write the report as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Also print each claim's full summary, condition, reason and
    /// counterexamples, and every per-instance finding.
    #[arg(long)]
    pub details: bool,
    /// Time budget in seconds: instances not started by then are skipped and
    /// listed, and symbolic shapes not started by then are reported as not
    /// attempted.
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub timeout: Option<f64>,
    /// Prove NOT-GRADIENT, BALANCE, SYMMETRY and GD-COLLAPSE with symbolic
    /// data for every shape n, m ≤ K (0 to 4; 0: only on the instances' data).
    #[arg(long, value_name = "K", default_value_t = VerifyConfig::default().proof_dimension)]
    pub proof_dimension: usize,
    /// Work allowed for proving each stratum's solution count over Q in the
    /// exact characterizations, in units of 10⁹ word products (as for
    /// `characterize`; the outcome is the same on every machine). Default:
    /// `characterize`'s, 3 for m ≤ 3. Where it does not suffice the count
    /// rests on two primes agreeing and the verdicts built on it are
    /// `modular`: `wide`'s rank-2 stratum needs about 340.
    #[arg(long, value_name = "GIGA_WORD_PRODUCTS", allow_negative_numbers = true)]
    pub count_proof_budget: Option<f64>,
    /// Also write the report as a LaTeX document to this file.
    #[arg(long, value_name = "FILE")]
    pub latex: Option<PathBuf>,
    /// Also write the report as one self-contained HTML page (claim table,
    /// instances, the synthetic table next to the paper's, figures inline).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Write every instance that refutes a claim (`fails`) to this directory
    /// as `CLAIM-INSTANCE.toml`, an instance file every command accepts.
    #[arg(long, value_name = "DIR")]
    pub counterexamples: Option<PathBuf>,
}

impl VerifyArgs {
    /// The instances, the library's configuration and the time budget, or
    /// the first bad value.
    pub fn config(&self) -> Result<(Vec<Instance>, VerifyConfig, Option<Duration>)> {
        let instances = resolve_all(&self.instances)?;
        if self.starts == 0 {
            return Err(Error::param("starts", 0, "at least 1"));
        }
        if let Some(t) = self.timeout {
            positive("timeout", t)?;
        }
        if self.proof_dimension > MAX_PROOF_DIMENSION {
            return Err(Error::param(
                "proof-dimension",
                self.proof_dimension,
                &format!(
                    "at most {MAX_PROOF_DIMENSION} (symbolic proofs grow quickly with n and m)"
                ),
            ));
        }
        count_proof_budget(self.count_proof_budget)?;
        let config = VerifyConfig {
            seed: self.seed,
            starts: self.starts,
            proof_dimension: self.proof_dimension,
            count_proof_budget: self.count_proof_budget,
            ..VerifyConfig::default()
        };
        Ok((instances, config, self.timeout.map(Duration::from_secs_f64)))
    }
}

/// Runs `verify`.
pub fn run(a: VerifyArgs) -> Result<()> {
    let (instances, config, budget) = a.config()?;
    let bar = bar_with(
        indicatif::ProgressBar::new(instances.len() as u64),
        "{spinner} analysing {msg} [{pos}/{len}] {elapsed}",
    );
    let report = claims::verify(&instances, &config, budget, |name| {
        bar.set_message(name.to_owned());
        bar.inc(1);
    })?;
    bar.finish_and_clear();
    if let Some(path) = &a.json {
        write_file(path, &report::render_json(&report))?;
    }
    if let Some(path) = &a.latex {
        write_file(path, &report::render_latex(&report))?;
    }
    if let Some(path) = &a.html {
        write_file(path, &html_page(&report)?)?;
    }
    if let Some(dir) = &a.counterexamples {
        write_counterexamples(dir, &report, &instances)?;
    }
    // Styled text; anstream drops the styles unless stdout is a terminal
    // (and NO_COLOR is unset).
    let mut stdout = anstream::stdout().lock();
    let _ = stdout.write_all(report::render_text_styled(&report, a.details).as_bytes());
    let _ = stdout.flush();
    Ok(())
}

/// The HTML page of `report`: the synthetic experiment behind
/// SYNTHETIC-TABLE is rerun with the report's settings (deterministic, a
/// second or two) for its table and basins.
fn html_page(report: &claims::Report) -> Result<String> {
    use crate::experiments::synthetic;
    let cfg = &report.config.synthetic;
    let trials = synthetic::run_trials(cfg, true, true, &|| {})?;
    let table = synthetic::report(cfg, &trials);
    let title = format!(
        "m = 1 basins: {} draws, n = {}, scale {}, η = {}, α = {}",
        cfg.trials, cfg.n, cfg.init_scale, cfg.eta, cfg.alpha
    );
    let svg = svg_of(|p| report::plot::basins(p, &title, &trials))?;
    let figure = report::html::Figure {
        caption: format!("SYNTHETIC-TABLE: {title}"),
        svg,
    };
    Ok(report::html::verify_page(report, Some(&table), &[figure]))
}

/// Writes each analysed instance that refutes a claim as an instance file.
/// A counterexample that is not an instance (a shape with symbolic data, a
/// sweep) is described in the report itself.
fn write_counterexamples(
    dir: &Path,
    report: &claims::Report,
    instances: &[Instance],
) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        action: "create",
        path: dir.display().to_string(),
        source,
    })?;
    for c in &report.claims {
        for name in &c.counterexamples {
            if let Some(inst) = instances.iter().find(|i| i.name() == name) {
                write_file(
                    &dir.join(format!("{}-{name}.toml", c.id.as_str())),
                    &instance_toml(inst)?,
                )?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn parse(args: &[&str]) -> VerifyArgs {
        #[derive(Parser)]
        struct Wrap {
            #[command(flatten)]
            a: VerifyArgs,
        }
        Wrap::try_parse_from(std::iter::once("verify").chain(args.iter().copied()))
            .unwrap()
            .a
    }

    #[test]
    fn defaults_are_the_library_defaults() {
        let (instances, cfg, budget) = parse(&[]).config().unwrap();
        let lib = VerifyConfig::default();
        assert_eq!(instances.len(), crate::model::builtin_instances().len());
        assert_eq!(
            (cfg.seed, cfg.starts, cfg.proof_dimension),
            (lib.seed, lib.starts, lib.proof_dimension)
        );
        assert_eq!(cfg.count_proof_budget, lib.count_proof_budget);
        assert_eq!(budget, None);
    }

    #[test]
    fn flags_reach_the_config() {
        let (instances, cfg, budget) = parse(&[
            "--instance",
            "scalar",
            "--instance",
            "square",
            "--seed",
            "7",
            "--starts",
            "3",
            "--proof-dimension",
            "0",
            "--timeout",
            "1.5",
            "--count-proof-budget",
            "400",
        ])
        .config()
        .unwrap();
        let names: Vec<&str> = instances.iter().map(|i| i.name()).collect();
        assert_eq!(names, ["scalar", "square"]);
        assert_eq!((cfg.seed, cfg.starts, cfg.proof_dimension), (7, 3, 0));
        assert_eq!(cfg.count_proof_budget, Some(400.0));
        assert_eq!(budget, Some(Duration::from_millis(1500)));
    }

    #[test]
    fn bad_values_are_bad_input_naming_the_flag() {
        for (args, flag) in [
            (&["--starts", "0"][..], "starts"),
            (&["--timeout", "-1"][..], "timeout"),
            (&["--proof-dimension", "5"][..], "proof-dimension"),
            (&["--count-proof-budget", "-1"][..], "count-proof-budget"),
            (&["--count-proof-budget", "NaN"][..], "count-proof-budget"),
            (&["--instance", "no-such-instance"][..], "no-such-instance"),
        ] {
            let err = parse(args).config().unwrap_err();
            assert!(err.is_bad_input(), "{args:?}: {err}");
            assert!(err.to_string().contains(flag), "{args:?}: {err}");
        }
    }
}

//! `characterize`: every equilibrium of an instance, exactly.

use std::path::PathBuf;

use crate::analysis::characterize::{CharacterizeConfig, Component, WholeVariety};
use crate::claims;
use crate::error::{Error, Result};
use crate::model::{self, Instance, Procedure};
use crate::numeric::DiscreteMap;
use crate::report;

use super::common::{
    PlotFormatArg, count_proof_budget, positive, spinner, svg_of, write_file, write_json,
};

/// Arguments of `characterize`.
#[derive(Debug, clap::Args)]
pub struct CharacterizeArgs {
    /// Built-in name or path of an instance file (m ≤ 4, λ > 0; for m = 4 the strata of rank 1 and 4 unless --rank asks for another).
    #[arg(long, value_name = "NAME|FILE", default_value = "default")]
    pub instance: String,
    /// Only this rank.
    #[arg(long, value_name = "R")]
    pub rank: Option<usize>,
    /// Time budget in seconds; what is not finished is reported as not computed.
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Work allowed for proving each stratum's solution count over Q (the
    /// first modular F4 run replayed in rational arithmetic), in units of
    /// 10⁹ word products: a count of the replay's own arithmetic, so the
    /// outcome is the same on every machine (one unit took 10 to 30 s on
    /// two cores here). 0 skips it, and the counts then rest on two primes
    /// agreeing. Default: 3 for m ≤ 3 and for the rank-1 stratum of m = 4,
    /// not tried for the other strata of m = 4.
    #[arg(long, value_name = "GIGA_WORD_PRODUCTS", allow_negative_numbers = true)]
    pub count_proof_budget: Option<f64>,
    /// Significant digits of the entries of S.
    #[arg(long, default_value_t = CharacterizeConfig::default().digits)]
    pub digits: usize,
    /// Always compute the dimension and degree of the whole varieties (by
    /// default only when they have at most 10 unknowns).
    #[arg(long, conflicts_with = "no_whole_variety")]
    pub whole_variety: bool,
    /// Never compute them.
    #[arg(long)]
    pub no_whole_variety: bool,
    /// Step size of the maps classified.
    #[arg(long, default_value_t = CharacterizeConfig::default().eta)]
    pub eta: f64,
    /// EMA coefficient α of the EMA map classified.
    #[arg(long, default_value_t = CharacterizeConfig::default().alpha)]
    pub alpha: f64,
    /// κ values of the EMA flow classified numerically (comma separated).
    #[arg(long, value_delimiter = ',', default_values_t = CharacterizeConfig::default().kappa_grid)]
    pub kappa: Vec<f64>,
    /// Every number: the minimal polynomials, numerators, representatives,
    /// the full evidence of each verdict.
    #[arg(long)]
    pub details: bool,
    /// Write the characterization as JSON.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write it as a LaTeX document.
    #[arg(long, value_name = "FILE")]
    pub latex: Option<PathBuf>,
    /// Also write the characterization as one self-contained HTML page (the
    /// components with their stability, the SG spectra inline).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Draw the SG spectrum at every equilibrium component into this directory
    /// (created if missing; one file per component).
    #[arg(long, value_name = "DIR")]
    pub plot: Option<PathBuf>,
    /// Format of the plots.
    #[arg(long, value_enum, default_value = "svg")]
    pub plot_format: PlotFormatArg,
}

impl CharacterizeArgs {
    /// The instance and the library's configuration, or the first bad value.
    pub fn config(&self) -> Result<(Instance, CharacterizeConfig)> {
        let inst = model::resolve_instance(&self.instance)?;
        if let Some(t) = self.timeout {
            positive("timeout", t)?;
        }
        count_proof_budget(self.count_proof_budget)?;
        positive("eta", self.eta)?;
        DiscreteMap::new(Procedure::Ema, self.eta, self.alpha)?;
        if self.kappa.is_empty() {
            return Err(Error::param("kappa", "(none)", "at least one κ > 0"));
        }
        for &k in &self.kappa {
            positive("kappa", k)?;
        }
        if !(3..=60).contains(&self.digits) {
            return Err(Error::param("digits", self.digits, "between 3 and 60"));
        }
        let cfg = CharacterizeConfig {
            rank: self.rank,
            timeout: self.timeout,
            digits: self.digits,
            whole_variety: if self.whole_variety {
                WholeVariety::Always
            } else if self.no_whole_variety {
                WholeVariety::Never
            } else {
                WholeVariety::Auto
            },
            kappa_grid: self.kappa.clone(),
            eta: self.eta,
            alpha: self.alpha,
            replay_work: self.count_proof_budget,
            ..CharacterizeConfig::default()
        };
        Ok((inst, cfg))
    }
}

/// Runs `characterize`.
pub fn run(a: CharacterizeArgs) -> Result<()> {
    let (inst, cfg) = a.config()?;
    if let Some(dir) = &a.plot {
        report::plot::prepare_plot_dir("plot", dir)?;
    }
    let bar = spinner(Some("{spinner} {msg} {elapsed}"));
    let c = claims::characterize::characterize(&inst, &cfg, |msg| bar.set_message(msg.to_owned()))?;
    bar.finish_and_clear();
    if let Some(path) = &a.json {
        write_json(path, &c)?;
    }
    if let Some(path) = &a.latex {
        write_file(path, &report::characterize::render_latex(&c))?;
    }
    if let Some(path) = &a.html {
        let mut figures = Vec::new();
        for s in &c.strata {
            for (k, comp) in s.components.iter().enumerate() {
                let caption = spectrum_title(&c.instance.name, k, comp);
                let svg =
                    svg_of(|p| report::plot::spectrum(p, &caption, &comp.sg_eigenvalues, false))?;
                figures.push(report::html::Figure { caption, svg });
            }
        }
        write_file(path, &report::html::characterize_page(&c, &figures))?;
    }
    if let Some(dir) = &a.plot {
        let ext = a.plot_format.extension();
        for s in &c.strata {
            for (k, comp) in s.components.iter().enumerate() {
                let path = dir.join(format!(
                    "{}-rank{}-{}-sg.{ext}",
                    c.instance.name,
                    comp.rank,
                    k + 1
                ));
                report::plot::spectrum(
                    &path,
                    &spectrum_title(&c.instance.name, k, comp),
                    &comp.sg_eigenvalues,
                    false,
                )?;
            }
        }
    }
    print!("{}", report::characterize::render_text(&c, a.details));
    Ok(())
}

/// The title of the SG spectrum of component `k` (from 0) of its rank.
fn spectrum_title(instance: &str, k: usize, comp: &Component) -> String {
    format!(
        "SG Jacobian, {} rank {} component {} (tr S = {:.4}): {}",
        instance,
        comp.rank,
        k + 1,
        comp.trace,
        comp.sg_verdict.as_str()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn parse(args: &[&str]) -> CharacterizeArgs {
        #[derive(Parser)]
        struct Wrap {
            #[command(flatten)]
            a: CharacterizeArgs,
        }
        Wrap::try_parse_from(std::iter::once("characterize").chain(args.iter().copied()))
            .unwrap()
            .a
    }

    #[test]
    fn defaults_are_the_library_defaults() {
        let (inst, cfg) = parse(&[]).config().unwrap();
        let lib = CharacterizeConfig::default();
        assert_eq!(inst.name(), "default");
        assert_eq!(cfg.digits, lib.digits);
        assert_eq!(cfg.kappa_grid, lib.kappa_grid);
        assert_eq!((cfg.eta, cfg.alpha), (lib.eta, lib.alpha));
        assert_eq!(cfg.whole_variety, WholeVariety::Auto);
        assert_eq!(cfg.replay_work, lib.replay_work);
    }

    #[test]
    fn flags_reach_the_config() {
        let (inst, cfg) = parse(&[
            "--instance",
            "square",
            "--rank",
            "1",
            "--digits",
            "30",
            "--kappa",
            "0.5,2",
            "--whole-variety",
            "--timeout",
            "9",
        ])
        .config()
        .unwrap();
        assert_eq!(inst.name(), "square");
        assert_eq!(cfg.rank, Some(1));
        assert_eq!(cfg.digits, 30);
        assert_eq!(cfg.kappa_grid, vec![0.5, 2.0]);
        assert_eq!(cfg.whole_variety, WholeVariety::Always);
        assert_eq!(cfg.timeout, Some(9.0));
        let (_, cfg) = parse(&["--no-whole-variety"]).config().unwrap();
        assert_eq!(cfg.whole_variety, WholeVariety::Never);
        let (_, cfg) = parse(&["--count-proof-budget", "0"]).config().unwrap();
        assert_eq!(cfg.replay_work, Some(0.0));
        let (_, cfg) = parse(&["--count-proof-budget", "7.5"]).config().unwrap();
        assert_eq!(cfg.replay_work, Some(7.5));
    }

    #[test]
    fn bad_values_are_bad_input_naming_the_flag() {
        for (args, flag) in [
            (&["--digits", "2"][..], "digits"),
            (&["--eta", "0"][..], "eta"),
            (&["--kappa", "1,-1"][..], "kappa"),
            (&["--timeout", "0"][..], "timeout"),
            (&["--count-proof-budget=-1"][..], "count-proof-budget"),
            (&["--count-proof-budget", "NaN"][..], "count-proof-budget"),
            (&["--instance", "no-such-instance"][..], "no-such-instance"),
        ] {
            let err = parse(args).config().unwrap_err();
            assert!(err.is_bad_input(), "{args:?}: {err}");
            assert!(err.to_string().contains(flag), "{args:?}: {err}");
        }
    }
}

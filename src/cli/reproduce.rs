//! `reproduce synthetic` and `reproduce real`: the paper's experiments.

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};

use crate::error::Result;
use crate::experiments::data;
use crate::experiments::real::{self, RealConfig};
use crate::experiments::synthetic::{self as synth, DeltaPolicy, SyntheticConfig};
use crate::report;

use super::common::{check_json_path, progress_bar, write_json};

/// Arguments of `reproduce`.
#[derive(Debug, clap::Args)]
pub struct ReproduceArgs {
    /// Which experiment.
    #[command(subcommand)]
    pub experiment: Experiment,
}

/// The experiments of `reproduce`.
#[derive(Debug, Subcommand)]
pub enum Experiment {
    /// The m = 1 synthetic experiment (SPEC SYNTHETIC-TABLE) for SG and EMA,
    /// next to the paper's table.
    Synthetic(SyntheticArgs),
    /// A linear encoder and predictor trained with GD, SG and EMA on the
    /// handwritten digits (shipped), with a linear probe.
    Real(RealArgs),
}

/// What to do with draws where Δ < 0.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum DeltaArg {
    /// Simulate every draw (fractions are reported over all and over Δ ≥ 0).
    Keep,
    /// Redraw until Δ ≥ 0.
    Resample,
}

/// Arguments of `reproduce synthetic`. Defaults are the toolkit's choices
/// where the paper is silent.
#[derive(Debug, clap::Args)]
pub struct SyntheticArgs {
    /// Number of draws of (ρ, τ, λ), each run with SG and with EMA.
    #[arg(long, default_value_t = SyntheticConfig::default().trials)]
    pub trials: usize,
    /// Master seed (trial i uses stream i of it).
    #[arg(long, default_value_t = SyntheticConfig::default().seed)]
    pub seed: u64,
    /// Embedding dimension n (A is n×1).
    #[arg(long, default_value_t = SyntheticConfig::default().n)]
    pub n: usize,
    /// Initialization scale s: A ~ N(0, s²), B ~ N(0, s²/n), C = A.
    #[arg(long, default_value_t = SyntheticConfig::default().init_scale, allow_negative_numbers = true)]
    pub init_scale: f64,
    /// Step size η of the discrete maps.
    #[arg(long, default_value_t = SyntheticConfig::default().eta, allow_negative_numbers = true)]
    pub eta: f64,
    /// EMA coefficient α (0 ≤ α < 1).
    #[arg(long, default_value_t = SyntheticConfig::default().alpha, allow_negative_numbers = true)]
    pub alpha: f64,
    /// Most steps per run.
    #[arg(long, default_value_t = SyntheticConfig::default().max_steps)]
    pub steps: usize,
    /// A run has converged when ‖θ⁺ − θ‖/η falls below this.
    #[arg(long, default_value_t = SyntheticConfig::default().step_tol, allow_negative_numbers = true)]
    pub step_tol: f64,
    /// Draws with Δ = τ² − 4ρλ < 0: keep them or redraw.
    #[arg(long, value_enum, default_value = "keep")]
    pub delta: DeltaArg,
    /// Also run a sweep over n, the initialization scale and α.
    #[arg(long)]
    pub sweep: bool,
    /// Values of n in the sweep.
    #[arg(long, value_delimiter = ',', default_value = "1,2,4")]
    pub sweep_n: Vec<usize>,
    /// Initialization scales in the sweep.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "0.1,0.3,1,3",
        allow_negative_numbers = true
    )]
    pub sweep_scales: Vec<f64>,
    /// EMA coefficients α in the sweep.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "0.9,0.99,0.996",
        allow_negative_numbers = true
    )]
    pub sweep_alphas: Vec<f64>,
    /// Draws per sweep setting (default: --trials).
    #[arg(long)]
    pub sweep_trials: Option<usize>,
    /// Write the table (and sweep) as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Draw the basins (final ‖a‖ against Δ, end points over (ρ, τ)) to this .svg or .png file.
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,
}

/// Arguments of `reproduce real`.
#[derive(Debug, clap::Args)]
pub struct RealArgs {
    /// Seed of the split, initialization, minibatches and views.
    #[arg(long, default_value_t = RealConfig::default().seed)]
    pub seed: u64,
    /// Embedding dimension n.
    #[arg(long, default_value_t = RealConfig::default().n)]
    pub n: usize,
    /// Weight decay λ.
    #[arg(long, default_value_t = RealConfig::default().lambda, allow_negative_numbers = true)]
    pub lambda: f64,
    /// Step size η.
    #[arg(long, default_value_t = RealConfig::default().eta, allow_negative_numbers = true)]
    pub eta: f64,
    /// EMA coefficient α (0 ≤ α < 1).
    #[arg(long, default_value_t = RealConfig::default().alpha, allow_negative_numbers = true)]
    pub alpha: f64,
    /// Training steps.
    #[arg(long, default_value_t = RealConfig::default().steps)]
    pub steps: usize,
    /// Minibatch size.
    #[arg(long, default_value_t = RealConfig::default().batch)]
    pub batch: usize,
    /// Probability that a pixel is kept in a view.
    #[arg(long, default_value_t = RealConfig::default().keep, allow_negative_numbers = true)]
    pub keep: f64,
    /// Standard deviation of the noise added to each view.
    #[arg(long, default_value_t = RealConfig::default().noise, allow_negative_numbers = true)]
    pub noise: f64,
    /// Initialization scale s: A ~ N(0, s²/d), B ~ N(0, s²/n).
    #[arg(long, default_value_t = RealConfig::default().init_scale, allow_negative_numbers = true)]
    pub init_scale: f64,
    /// Evaluate every k steps.
    #[arg(long, default_value_t = RealConfig::default().eval_every)]
    pub every: usize,
    /// Write the curves, summaries and findings as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write real_training.svg and real_training.png into this directory (created if missing).
    #[arg(long, value_name = "DIR")]
    pub plot: Option<PathBuf>,
    /// Write the final GD, SG and EMA states, with the evaluation moments
    /// they are judged on, to this JSON file (for `locate --point`).
    #[arg(long, value_name = "FILE")]
    pub final_state: Option<PathBuf>,
}

impl SyntheticArgs {
    /// The library's configuration of the table and of the sweep, each
    /// checked, or the first bad value.
    pub fn config(&self) -> Result<(SyntheticConfig, SyntheticConfig)> {
        let cfg = SyntheticConfig {
            trials: self.trials,
            seed: self.seed,
            n: self.n,
            init_scale: self.init_scale,
            eta: self.eta,
            alpha: self.alpha,
            max_steps: self.steps,
            step_tol: self.step_tol,
            delta: match self.delta {
                DeltaArg::Keep => DeltaPolicy::Keep,
                DeltaArg::Resample => DeltaPolicy::Resample,
            },
            ..SyntheticConfig::default()
        };
        cfg.validate()?;
        let sweep_base = SyntheticConfig {
            trials: self.sweep_trials.unwrap_or(self.trials),
            ..cfg.clone()
        };
        if self.sweep {
            sweep_base.validate()?;
            for &n in &self.sweep_n {
                SyntheticConfig {
                    n,
                    ..sweep_base.clone()
                }
                .validate()?;
            }
            for &s in &self.sweep_scales {
                SyntheticConfig {
                    init_scale: s,
                    ..sweep_base.clone()
                }
                .validate()?;
            }
            for &alpha in &self.sweep_alphas {
                SyntheticConfig {
                    alpha,
                    ..sweep_base.clone()
                }
                .validate()?;
            }
        }
        Ok((cfg, sweep_base))
    }
}

/// Runs `reproduce synthetic`.
pub fn synthetic(a: SyntheticArgs) -> Result<()> {
    let (cfg, sweep_base) = a.config()?;
    if let Some(p) = &a.plot {
        report::plot::check_plot_path(p)?;
    }
    if let Some(p) = &a.json {
        check_json_path(p)?;
    }
    let started = std::time::Instant::now();
    let bar = progress_bar(cfg.trials as u64, "draws (SG and EMA)");
    let trials = synth::run_trials(&cfg, true, true, &|| bar.inc(1))?;
    bar.finish_and_clear();
    let table = synth::report(&cfg, &trials);
    let main_seconds = started.elapsed().as_secs_f64();
    let sweep = if a.sweep {
        let runs = a.sweep_n.len() * a.sweep_scales.len() * (1 + a.sweep_alphas.len());
        let bar = progress_bar((runs * sweep_base.trials) as u64, "sweep runs");
        let points = synth::sweep(
            &sweep_base,
            &a.sweep_n,
            &a.sweep_scales,
            &a.sweep_alphas,
            &|| bar.inc(1),
        )?;
        bar.finish_and_clear();
        Some(points)
    } else {
        None
    };
    if let Some(path) = &a.json {
        #[derive(serde::Serialize)]
        struct Out<'a> {
            table: &'a synth::SyntheticReport,
            sweep: Option<&'a [synth::SweepPoint]>,
            closest: Option<&'a synth::SweepPoint>,
        }
        let out = Out {
            table: &table,
            sweep: sweep.as_deref(),
            closest: sweep.as_deref().and_then(synth::closest),
        };
        write_json(path, &out)?;
    }
    if let Some(path) = &a.plot {
        report::plot::basins(
            path,
            &format!(
                "m = 1 basins: {} draws, n = {}, scale {}, η = {}, α = {}",
                cfg.trials, cfg.n, cfg.init_scale, cfg.eta, cfg.alpha
            ),
            &trials,
        )?;
    }
    print!(
        "{}",
        report::experiments::render_synthetic(&table, sweep.as_deref())
    );
    eprintln!(
        "{} draws × (SG + EMA) in {:.2} s on {} threads{}",
        cfg.trials,
        main_seconds,
        rayon::current_num_threads(),
        if a.sweep {
            format!("; with the sweep {:.1} s", started.elapsed().as_secs_f64())
        } else {
            String::new()
        }
    );
    Ok(())
}

impl RealArgs {
    /// The library's configuration and the data set, checked against each
    /// other, or the first bad value.
    pub fn config(&self) -> Result<(RealConfig, data::Dataset)> {
        let cfg = real::RealConfig {
            seed: self.seed,
            n: self.n,
            lambda: self.lambda,
            eta: self.eta,
            alpha: self.alpha,
            steps: self.steps,
            batch: self.batch,
            keep: self.keep,
            noise: self.noise,
            init_scale: self.init_scale,
            eval_every: self.every,
            ..real::RealConfig::default()
        };
        let ds = data::digits();
        cfg.validate(ds.x.nrows(), ds.x.ncols())?;
        Ok((cfg, ds))
    }
}

/// Runs `reproduce real`.
pub fn real(a: RealArgs) -> Result<()> {
    let (cfg, ds) = a.config()?;
    if let Some(p) = &a.json {
        check_json_path(p)?;
    }
    if let Some(dir) = &a.plot {
        report::plot::prepare_plot_dir("plot", dir)?;
    }
    if let Some(p) = &a.final_state {
        check_json_path(p)?;
    }
    let started = std::time::Instant::now();
    let bar = progress_bar(cfg.steps as u64, "steps (GD, SG, EMA)");
    let rep = real::run(&ds, &cfg, &|k| bar.set_position(k as u64))?;
    bar.finish_and_clear();
    if let Some(path) = &a.json {
        write_json(path, &rep)?;
    }
    if let Some(path) = &a.final_state {
        write_real_final_states(path, &rep)?;
    }
    if let Some(dir) = &a.plot {
        for ext in ["svg", "png"] {
            report::plot::real_training(&dir.join(format!("real_training.{ext}")), &rep)?;
        }
    }
    print!("{}", report::experiments::render_real(&rep));
    eprintln!(
        "{} steps × 3 procedures in {:.1} s",
        cfg.steps,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The final states of `reproduce real`, each with its SG field on the
/// evaluation moments (training is by minibatches, so "converged" means
/// that field is below the integrators' stopping level, rarely the case).
fn write_real_final_states(path: &std::path::Path, rep: &real::RealReport) -> Result<()> {
    use crate::variety::strata::rows;
    let model = &rep.eval_model;
    let states: Vec<super::locate::FinalState> = rep
        .final_states
        .iter()
        .map(|(name, st)| {
            let field_norm = crate::analysis::locate::sg_field_norm(model, st);
            super::locate::FinalState {
                procedure: name.clone(),
                t: rep.config.steps as f64,
                converged: field_norm <= crate::analysis::locate::FLOW_FIELD_TOL,
                field_norm,
                a: rows(&st.a),
                b: rows(&st.b),
            }
        })
        .collect();
    let name = format!(
        "reproduce real (seed {}, n = {}, λ = {}): evaluation moments",
        rep.config.seed, rep.config.n, rep.config.lambda
    );
    super::locate::write_final_states(path, &name, Some(model), &states)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Wrap {
        #[command(subcommand)]
        e: Experiment,
    }

    fn parse(args: &[&str]) -> Experiment {
        Wrap::try_parse_from(std::iter::once("reproduce").chain(args.iter().copied()))
            .unwrap()
            .e
    }

    #[test]
    fn synthetic_defaults_are_the_library_defaults() {
        let Experiment::Synthetic(a) = parse(&["synthetic"]) else {
            panic!("not synthetic")
        };
        let (cfg, sweep) = a.config().unwrap();
        let lib = SyntheticConfig::default();
        assert_eq!(
            (cfg.trials, cfg.seed, cfg.n, cfg.max_steps),
            (lib.trials, lib.seed, lib.n, lib.max_steps)
        );
        assert_eq!(
            (cfg.init_scale, cfg.eta, cfg.alpha, cfg.step_tol),
            (lib.init_scale, lib.eta, lib.alpha, lib.step_tol)
        );
        assert_eq!(sweep.trials, cfg.trials);
    }

    #[test]
    fn synthetic_flags_and_bad_sweeps() {
        let Experiment::Synthetic(a) = parse(&[
            "synthetic",
            "--trials",
            "10",
            "--delta",
            "resample",
            "--sweep-trials",
            "4",
        ]) else {
            panic!("not synthetic")
        };
        let (cfg, sweep) = a.config().unwrap();
        assert_eq!((cfg.trials, sweep.trials), (10, 4));
        assert!(matches!(cfg.delta, DeltaPolicy::Resample));
        let Experiment::Synthetic(a) = parse(&["synthetic", "--sweep", "--sweep-alphas", "1.5"])
        else {
            panic!("not synthetic")
        };
        assert!(a.config().unwrap_err().is_bad_input());
    }

    #[test]
    fn real_defaults_are_the_library_defaults_and_bad_values_are_caught() {
        let Experiment::Real(a) = parse(&["real"]) else {
            panic!("not real")
        };
        let (cfg, _) = a.config().unwrap();
        let lib = RealConfig::default();
        assert_eq!(
            (cfg.seed, cfg.n, cfg.steps, cfg.batch, cfg.eval_every),
            (lib.seed, lib.n, lib.steps, lib.batch, lib.eval_every)
        );
        assert_eq!(
            (cfg.lambda, cfg.eta, cfg.keep),
            (lib.lambda, lib.eta, lib.keep)
        );
        let Experiment::Real(a) = parse(&["real", "--eta", "0"]) else {
            panic!("not real")
        };
        assert!(a.config().unwrap_err().is_bad_input());
    }
}

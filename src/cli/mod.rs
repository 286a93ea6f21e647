//! The command line (clap). It parses arguments and calls the library.

pub mod orbit;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

use crate::claims::{self, VerifyConfig};
use crate::error::{Error, Result};
use crate::model::{self, Instance};
use crate::numeric::{self, DiscreteMap, Model, OdeOptions, Procedure, State};
use crate::report;
use crate::report::plot::TrajectoryPoint;

pub mod locate;

/// Verify claims about stop-gradient and EMA training in linear
/// non-contrastive self-supervised learning.
#[derive(Debug, Parser)]
#[command(name = "ssl-equilibria", version, about, long_about = None)]
pub struct Cli {
    /// Fail at once (exit code 1) instead of waiting when another process is
    /// using Symbolica, which allows one process at a time per user.
    #[arg(long, global = true)]
    pub no_wait: bool,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check every claim of the specification on instances and print a report.
    Verify(VerifyArgs),
    /// Run one trajectory and print Ē, F, ‖∇Ē‖, ‖A‖ and the singular values of A over time.
    Simulate(SimulateArgs),
    /// List the built-in instances, or print one as an instance file.
    Instances(InstancesArgs),
    /// Search random valid instances for a counterexample to a claim or a named
    /// property, shrunk to a minimal instance file.
    Falsify(FalsifyArgs),
    /// Rerun the paper's experiments: the m = 1 synthetic table, or a
    /// real-data analogue of its training runs.
    Reproduce(ReproduceArgs),
    /// Write a polynomial system (equilibria, critical points, S-equation) for
    /// Singular, Macaulay2, SymPy, msolve or as JSON.
    Export(ExportArgs),
    /// Characterize the equilibria of an instance exactly: every rank stratum,
    /// its real solutions S, orbit dimensions, predictors, stability verdicts.
    Characterize(CharacterizeArgs),
    /// Count the complex solutions of the S-system on random instances, next
    /// to the Bézout bound.
    Count(CountArgs),
    /// Place a point (a trained encoder A, or S = AᵀA) on the equilibrium
    /// component it lies on, or the nearest one: distance and stability.
    Locate(locate::LocateArgs),
    /// Prove a periodic orbit of the SG flow (interval Krawczyk test on a
    /// multiple-shooting system) and write its certificate.
    CertifyOrbit(orbit::CertifyOrbitArgs),
    /// Re-check a periodic-orbit certificate from scratch.
    CheckOrbit(orbit::CheckOrbitArgs),
}

/// Arguments of `characterize`.
#[derive(Debug, clap::Args)]
pub struct CharacterizeArgs {
    /// Built-in name or path of an instance file (m ≤ 3, λ > 0).
    #[arg(long, value_name = "NAME|FILE", default_value = "default")]
    pub instance: String,
    /// Only this rank.
    #[arg(long, value_name = "R")]
    pub rank: Option<usize>,
    /// Time budget in seconds; what is not finished is reported as not computed.
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Significant digits of the entries of S.
    #[arg(long, default_value_t = 12)]
    pub digits: usize,
    /// Always compute the dimension and degree of the whole varieties (by
    /// default only when they have at most 10 unknowns).
    #[arg(long, conflicts_with = "no_whole_variety")]
    pub whole_variety: bool,
    /// Never compute them.
    #[arg(long)]
    pub no_whole_variety: bool,
    /// Step size of the maps classified.
    #[arg(long, default_value_t = 0.05)]
    pub eta: f64,
    /// EMA coefficient α of the EMA map classified.
    #[arg(long, default_value_t = 0.9)]
    pub alpha: f64,
    /// κ values of the EMA flow classified numerically (comma separated).
    #[arg(long, value_delimiter = ',', default_value = "0.1,1,10")]
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
    /// Draw the SG spectrum at every equilibrium component into this directory
    /// (created if missing; one file per component).
    #[arg(long, value_name = "DIR")]
    pub plot: Option<PathBuf>,
    /// Format of the plots.
    #[arg(long, value_enum, default_value = "svg")]
    pub plot_format: PlotFormatArg,
}

/// Image formats.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum PlotFormatArg {
    /// SVG.
    Svg,
    /// PNG.
    Png,
}

/// Arguments of `count`.
#[derive(Debug, clap::Args)]
pub struct CountArgs {
    /// Data dimensions (comma separated, each 1 to 4).
    #[arg(long, value_delimiter = ',', default_value = "1,2,3,4")]
    pub m: Vec<usize>,
    /// Random instances per m.
    #[arg(long, default_value_t = 3)]
    pub instances: usize,
    /// First generator seed.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Also count real and positive definite solutions exactly (m ≤ 3).
    #[arg(long)]
    pub real: bool,
    /// Time budget per instance in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 120.0)]
    pub timeout: f64,
    /// Write the table as JSON.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

/// Systems `export` writes.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum SystemArg {
    /// SG equilibria: P(A,B,A) = 0, Q(A,B,A) = 0.
    SgEquilibrium,
    /// EMA equilibria: P(A,B,C) = 0, Q(A,B,C) = 0, A = C.
    EmaEquilibrium,
    /// Critical points of Ē.
    GdCritical,
    /// The S-equation (Mxx S + λI)(S Mxx + λI) = Mxy S Myx, entries i ≤ j.
    SEquation,
}

/// Formats `export` writes.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FormatArg {
    /// A Singular script (ring and ideal I).
    Singular,
    /// A Macaulay2 script (ring R and ideal I).
    Macaulay2,
    /// A Python script for SymPy (lists `polynomials` and `labels`).
    Sympy,
    /// JSON: variables, parameters and labelled polynomials.
    Json,
    /// msolve's input (variables, characteristic 0, integer polynomials).
    Msolve,
}

/// Arguments of `export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Built-in name or path of an instance file.
    #[arg(
        long,
        value_name = "NAME|FILE",
        default_value = "default",
        conflicts_with = "shape"
    )]
    pub instance: String,
    /// Symbolic data of shape n,m instead of an instance: moments and λ become
    /// parameters of the coefficient field.
    #[arg(long, value_name = "N,M")]
    pub shape: Option<String>,
    /// The system.
    #[arg(long, value_enum)]
    pub system: SystemArg,
    /// The format.
    #[arg(long, value_enum)]
    pub format: FormatArg,
    /// The file to write (Symbolica's notice may appear on stdout, so the
    /// system goes to a file).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

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
    #[arg(long, default_value_t = 10_000)]
    pub trials: usize,
    /// Master seed (trial i uses stream i of it).
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// Embedding dimension n (A is n×1).
    #[arg(long, default_value_t = 2)]
    pub n: usize,
    /// Initialization scale s: A ~ N(0, s²), B ~ N(0, s²/n), C = A.
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    pub init_scale: f64,
    /// Step size η of the discrete maps.
    #[arg(long, default_value_t = 0.05, allow_negative_numbers = true)]
    pub eta: f64,
    /// EMA coefficient α (0 ≤ α < 1).
    #[arg(long, default_value_t = 0.99, allow_negative_numbers = true)]
    pub alpha: f64,
    /// Most steps per run.
    #[arg(long, default_value_t = 100_000)]
    pub steps: usize,
    /// A run has converged when ‖θ⁺ − θ‖/η falls below this.
    #[arg(long, default_value_t = 1e-8, allow_negative_numbers = true)]
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
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// Embedding dimension n.
    #[arg(long, default_value_t = 16)]
    pub n: usize,
    /// Weight decay λ.
    #[arg(long, default_value_t = 0.003, allow_negative_numbers = true)]
    pub lambda: f64,
    /// Step size η.
    #[arg(long, default_value_t = 0.1, allow_negative_numbers = true)]
    pub eta: f64,
    /// EMA coefficient α (0 ≤ α < 1).
    #[arg(long, default_value_t = 0.99, allow_negative_numbers = true)]
    pub alpha: f64,
    /// Training steps.
    #[arg(long, default_value_t = 5000)]
    pub steps: usize,
    /// Minibatch size.
    #[arg(long, default_value_t = 128)]
    pub batch: usize,
    /// Probability that a pixel is kept in a view.
    #[arg(long, default_value_t = 0.8, allow_negative_numbers = true)]
    pub keep: f64,
    /// Standard deviation of the noise added to each view.
    #[arg(long, default_value_t = 0.1, allow_negative_numbers = true)]
    pub noise: f64,
    /// Initialization scale s: A ~ N(0, s²/d), B ~ N(0, s²/n).
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    pub init_scale: f64,
    /// Evaluate every k steps.
    #[arg(long, default_value_t = 50)]
    pub every: usize,
    /// Write the curves, summaries and findings as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write real_training.svg and real_training.png into this directory (created if missing).
    #[arg(long, value_name = "DIR")]
    pub plot: Option<PathBuf>,
}

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

/// Arguments of `verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// Built-in name or path of a .toml/.json instance file; repeatable.
    /// Default: every built-in instance.
    #[arg(long = "instance", value_name = "NAME|FILE")]
    pub instances: Vec<String>,
    /// Master seed of every random choice.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// Random starts per procedure and instance.
    #[arg(long, default_value_t = 16)]
    pub starts: usize,
    /// Write the report as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Also print every per-instance finding.
    #[arg(long)]
    pub details: bool,
    /// Time budget in seconds: instances not started by then are skipped and
    /// listed, and symbolic shapes not started by then are reported as not
    /// attempted.
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub timeout: Option<f64>,
    /// Prove NOT-GRADIENT, BALANCE, SYMMETRY and GD-COLLAPSE with symbolic
    /// data for every shape n, m ≤ K (0 to 4; 0: only on the instances' data).
    #[arg(long, value_name = "K", default_value_t = 3)]
    pub proof_dimension: usize,
    /// Also write the report as a LaTeX document to this file.
    #[arg(long, value_name = "FILE")]
    pub latex: Option<PathBuf>,
    /// Write every instance that refutes a claim (`fails`) to this directory
    /// as `CLAIM-INSTANCE.toml`, an instance file every command accepts.
    #[arg(long, value_name = "DIR")]
    pub counterexamples: Option<PathBuf>,
}

/// Output format of `simulate`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum SimFormat {
    /// Aligned columns.
    Table,
    /// Comma-separated values with a header.
    Csv,
    /// A JSON array of records.
    Json,
}

/// Procedure names on the command line.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ProcedureArg {
    /// Gradient descent on Ē.
    Gd,
    /// Stop-gradient.
    Sg,
    /// EMA teacher.
    Ema,
}

impl From<ProcedureArg> for Procedure {
    fn from(p: ProcedureArg) -> Self {
        match p {
            ProcedureArg::Gd => Procedure::GradientDescent,
            ProcedureArg::Sg => Procedure::StopGradient,
            ProcedureArg::Ema => Procedure::Ema,
        }
    }
}

/// Arguments of `simulate`.
#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// Built-in name or path of an instance file.
    #[arg(long, value_name = "NAME|FILE", default_value = "default")]
    pub instance: String,
    /// The procedure.
    #[arg(long, value_enum)]
    pub procedure: ProcedureArg,
    /// Run the discrete map with step η instead of the continuous flow.
    #[arg(long)]
    pub discrete: bool,
    /// Step size η of the discrete map.
    #[arg(long, default_value_t = 0.05, allow_negative_numbers = true)]
    pub eta: f64,
    /// EMA coefficient α of the discrete map (0 ≤ α < 1).
    #[arg(long, default_value_t = 0.9, allow_negative_numbers = true)]
    pub alpha: f64,
    /// EMA rate κ > 0 of the continuous flow.
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    pub kappa: f64,
    /// Final time (continuous) or number of steps (discrete).
    #[arg(long, default_value_t = 2000.0, allow_negative_numbers = true)]
    pub time: f64,
    /// Fixed RK4 step for the continuous flow (default: adaptive Dormand–Prince).
    #[arg(long, allow_negative_numbers = true)]
    pub dt: Option<f64>,
    /// Record every k-th accepted step.
    #[arg(long, default_value_t = 20)]
    pub every: usize,
    /// Scale of the random initialization (A ~ N(0, scale²/m), B ~ N(0, scale²/n)).
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    pub init_scale: f64,
    /// Seed of the initialization.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Stop early once the field norm (continuous) or the step ‖θ⁺ − θ‖/η
    /// (discrete) falls below this; 0 runs to --time. The default suits the
    /// adaptive integrator, whose 1e-9 local tolerance leaves the field near
    /// 1e-9·‖J‖ at an attractor.
    #[arg(long, default_value_t = 1e-8, allow_negative_numbers = true)]
    pub field_tol: f64,
    /// Output format on stdout (or in --out).
    #[arg(long, value_enum, default_value = "table")]
    pub format: SimFormat,
    /// Write the records to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write the final state (A, B, time, field norm) to this JSON file,
    /// which `locate --point FILE` reads.
    #[arg(long, value_name = "FILE")]
    pub final_state: Option<PathBuf>,
    /// Also draw Ē, F, ‖∇Ē‖, ‖A‖ and the singular values of A over time for
    /// GD, SG and EMA, all from this run's initialization and settings, to
    /// this .svg or .png file.
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,
}

/// Arguments of `instances`.
#[derive(Debug, clap::Args)]
pub struct InstancesArgs {
    /// Print this instance (built-in or file) as a TOML instance file.
    #[arg(long, value_name = "NAME|FILE")]
    pub show: Option<String>,
}

/// Runs a parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    if cli.no_wait {
        crate::polynomial::set_lock_policy(crate::polynomial::LockPolicy::Fail);
    }
    let result = match cli.command {
        Command::Verify(a) => verify(a),
        Command::Simulate(a) => simulate(a),
        Command::Instances(a) => instances(a),
        Command::Falsify(a) => falsify(a),
        Command::Export(a) => export(a),
        Command::Characterize(a) => characterize(a),
        Command::Count(a) => count(a),
        Command::Locate(a) => locate::run(a),
        Command::CertifyOrbit(a) => orbit::certify_orbit(a),
        Command::CheckOrbit(a) => orbit::check_orbit(a),
        Command::Reproduce(a) => match a.experiment {
            Experiment::Synthetic(a) => reproduce_synthetic(a),
            Experiment::Real(a) => reproduce_real(a),
        },
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            if e.is_bad_input() { 2 } else { 1 }
        }
    }
}

fn characterize(a: CharacterizeArgs) -> Result<()> {
    use crate::analysis::characterize::{CharacterizeConfig, WholeVariety};
    let inst = model::resolve_instance(&a.instance)?;
    if let Some(t) = a.timeout {
        positive("timeout", t)?;
    }
    positive("eta", a.eta)?;
    DiscreteMap::new(Procedure::Ema, a.eta, a.alpha)?;
    if a.kappa.is_empty() {
        return Err(Error::param("kappa", "(none)", "at least one κ > 0"));
    }
    for &k in &a.kappa {
        positive("kappa", k)?;
    }
    if !(3..=60).contains(&a.digits) {
        return Err(Error::param("digits", a.digits, "between 3 and 60"));
    }
    if let Some(dir) = &a.plot {
        report::plot::prepare_plot_dir("plot", dir)?;
    }
    let cfg = CharacterizeConfig {
        rank: a.rank,
        timeout: a.timeout,
        digits: a.digits,
        whole_variety: if a.whole_variety {
            WholeVariety::Always
        } else if a.no_whole_variety {
            WholeVariety::Never
        } else {
            WholeVariety::Auto
        },
        kappa_grid: a.kappa.clone(),
        eta: a.eta,
        alpha: a.alpha,
        ..CharacterizeConfig::default()
    };
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    let c = claims::characterize::characterize(&inst, &cfg, |msg| bar.set_message(msg.to_owned()))?;
    bar.finish_and_clear();
    if let Some(path) = &a.json {
        let text =
            serde_json::to_string_pretty(&c).map_err(|e| Error::Computation(e.to_string()))?;
        write_file(path, &text)?;
    }
    if let Some(path) = &a.latex {
        write_file(path, &report::characterize::render_latex(&c))?;
    }
    if let Some(dir) = &a.plot {
        let ext = match a.plot_format {
            PlotFormatArg::Svg => "svg",
            PlotFormatArg::Png => "png",
        };
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
                    &format!(
                        "SG Jacobian, {} rank {} component {} (tr S = {:.4}): {}",
                        c.instance.name,
                        comp.rank,
                        k + 1,
                        comp.trace,
                        comp.sg_verdict.as_str()
                    ),
                    &comp.sg_eigenvalues,
                    false,
                )?;
            }
        }
    }
    print!("{}", report::characterize::render_text(&c, a.details));
    Ok(())
}

fn count(a: CountArgs) -> Result<()> {
    use crate::variety::counting::{MAX_COUNT_M, count_table};
    if a.m.is_empty() || a.m.iter().any(|&m| m == 0 || m > MAX_COUNT_M) {
        return Err(Error::param(
            "m",
            format!("{:?}", a.m),
            &format!("data dimensions between 1 and {MAX_COUNT_M}"),
        ));
    }
    if a.instances == 0 || a.instances > 100 {
        return Err(Error::param("instances", a.instances, "between 1 and 100"));
    }
    positive("timeout", a.timeout)?;
    let bar = indicatif::ProgressBar::new_spinner();
    bar.enable_steady_tick(Duration::from_millis(200));
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
        let text =
            serde_json::to_string_pretty(&rows).map_err(|e| Error::Computation(e.to_string()))?;
        write_file(path, &text)?;
    }
    print!("{}", report::characterize::render_counts(&rows));
    Ok(())
}

fn resolve_all(names: &[String]) -> Result<Vec<Instance>> {
    if names.is_empty() {
        return Ok(model::builtin_instances());
    }
    names.iter().map(|n| model::resolve_instance(n)).collect()
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    // Write to a temporary file then rename, so nothing partial is left.
    let tmp = path.with_extension("partial");
    std::fs::write(&tmp, text)
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|source| {
            let _ = std::fs::remove_file(&tmp);
            Error::Io {
                action: "write",
                path: path.display().to_string(),
                source,
            }
        })
}

fn positive(name: &str, x: f64) -> Result<()> {
    if x.is_finite() && x > 0.0 {
        Ok(())
    } else {
        Err(Error::param(name, x, "a finite number > 0"))
    }
}

fn verify(a: VerifyArgs) -> Result<()> {
    let instances = resolve_all(&a.instances)?;
    if a.starts == 0 {
        return Err(Error::param("starts", 0, "at least 1"));
    }
    if let Some(t) = a.timeout {
        positive("timeout", t)?;
    }
    let max = crate::polynomial::proofs::MAX_PROOF_DIMENSION;
    if a.proof_dimension > max {
        return Err(Error::param(
            "proof-dimension",
            a.proof_dimension,
            &format!("at most {max} (symbolic proofs grow quickly with n and m)"),
        ));
    }
    let config = VerifyConfig {
        seed: a.seed,
        starts: a.starts,
        proof_dimension: a.proof_dimension,
        ..VerifyConfig::default()
    };
    let bar = indicatif::ProgressBar::new(instances.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} analysing {msg} [{pos}/{len}] {elapsed}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let report = claims::verify(
        &instances,
        &config,
        a.timeout.map(Duration::from_secs_f64),
        |name| {
            bar.set_message(name.to_owned());
            bar.inc(1);
        },
    )?;
    bar.finish_and_clear();
    if let Some(path) = &a.json {
        write_file(path, &report::render_json(&report))?;
    }
    if let Some(path) = &a.latex {
        write_file(path, &report::render_latex(&report))?;
    }
    if let Some(dir) = &a.counterexamples {
        write_counterexamples(dir, &report, &instances)?;
    }
    print!("{}", report::render_text(&report, a.details));
    Ok(())
}

/// Writes each analysed instance that refutes a claim as an instance file.
/// A counterexample that is not an instance (a shape with symbolic data, a
/// sweep) is described in the report itself.
fn write_counterexamples(
    dir: &std::path::Path,
    report: &claims::Report,
    instances: &[crate::model::Instance],
) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        action: "create",
        path: dir.display().to_string(),
        source,
    })?;
    for c in &report.claims {
        for name in &c.counterexamples {
            if let Some(inst) = instances.iter().find(|i| i.name() == name) {
                let text = toml::to_string(&inst.to_file())
                    .map_err(|e| Error::Computation(e.to_string()))?;
                write_file(&dir.join(format!("{}-{name}.toml", c.id.as_str())), &text)?;
            }
        }
    }
    Ok(())
}

/// Runs one trajectory of `procedure` from `start` with the settings of
/// `a`, recording every `a.every`-th step and the final state.
fn trajectory(
    a: &SimulateArgs,
    model: &Model,
    procedure: Procedure,
    start: &State,
) -> Result<(Vec<TrajectoryPoint>, numeric::Outcome)> {
    let mut records = Vec::new();
    let mut k = 0usize;
    let mut record = |t: f64, s: &State| {
        if k.is_multiple_of(a.every) {
            records.push(make_record(model, t, s));
        }
        k += 1;
    };
    let outcome = if a.discrete {
        let map = DiscreteMap::new(procedure, a.eta, a.alpha)?;
        numeric::iterate(
            model,
            &map,
            start,
            a.time as usize,
            a.field_tol,
            &mut record,
        )?
    } else {
        let opts = OdeOptions {
            t_max: a.time,
            fixed_step: a.dt,
            field_tol: a.field_tol,
            max_steps: 10_000_000,
            ..OdeOptions::default()
        };
        numeric::integrate(model, procedure, a.kappa, start, &opts, &mut record)?
    };
    records.push(make_record(model, outcome.t, &outcome.state));
    Ok((records, outcome))
}

fn simulate(a: SimulateArgs) -> Result<()> {
    let inst = model::resolve_instance(&a.instance)?;
    let procedure: Procedure = a.procedure.into();
    positive("time", a.time)?;
    positive("kappa", a.kappa)?;
    positive("init-scale", a.init_scale)?;
    if let Some(dt) = a.dt {
        positive("dt", dt)?;
    }
    if !(a.field_tol.is_finite() && a.field_tol >= 0.0) {
        return Err(Error::param(
            "field-tol",
            a.field_tol,
            "a finite number ≥ 0",
        ));
    }
    if a.every == 0 {
        return Err(Error::param("every", 0, "at least 1"));
    }
    if a.discrete {
        DiscreteMap::new(procedure, a.eta, a.alpha)?;
        if a.time > 1e8 {
            return Err(Error::param(
                "time",
                a.time,
                "at most 1e8 steps for the discrete map",
            ));
        }
    }
    if let Some(p) = &a.plot {
        report::plot::check_plot_path(p)?;
    }
    let model = Model::from_instance(&inst);
    let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(a.seed);
    // The same draws for every procedure (A, then B; EMA's C starts as A).
    let init =
        numeric::random::random_state(model.n, model.m, Procedure::Ema, a.init_scale, &mut rng);
    let start_of = |p: Procedure| State::new(p, init.a.clone(), init.b.clone());
    if let Some(p) = &a.final_state {
        check_json_path(p)?;
    }
    let (records, outcome) = trajectory(&a, &model, procedure, &start_of(procedure))?;
    if let Some(p) = &a.final_state {
        let name = match procedure {
            Procedure::GradientDescent => "GD",
            Procedure::StopGradient => "SG",
            Procedure::Ema => "EMA",
        };
        locate::write_final_states(p, inst.name(), &[locate::FinalState::of(name, &outcome)])?;
    }
    let text = match a.format {
        SimFormat::Json => {
            serde_json::to_string_pretty(&records).map_err(|e| Error::Computation(e.to_string()))?
        }
        SimFormat::Csv | SimFormat::Table => {
            let sep = if matches!(a.format, SimFormat::Csv) {
                ","
            } else {
                " "
            };
            let mut out = String::new();
            let sv_names: Vec<String> = (0..model.n.min(model.m))
                .map(|i| format!("sigma{}", i + 1))
                .collect();
            let header = ["t", "ebar", "f", "grad_ebar", "norm_a"]
                .iter()
                .map(|s| s.to_string())
                .chain(sv_names)
                .collect::<Vec<_>>();
            if matches!(a.format, SimFormat::Table) {
                out.push_str(
                    &header
                        .iter()
                        .map(|h| format!("{h:>12}"))
                        .collect::<Vec<_>>()
                        .join(sep),
                );
            } else {
                out.push_str(&header.join(sep));
            }
            out.push('\n');
            for r in &records {
                let vals: Vec<f64> = [r.t, r.ebar, r.f, r.grad_ebar, r.norm_a]
                    .into_iter()
                    .chain(r.singular_values.iter().copied())
                    .collect();
                let cells: Vec<String> = if matches!(a.format, SimFormat::Table) {
                    vals.iter().map(|v| format!("{v:>12.5e}")).collect()
                } else {
                    vals.iter().map(|v| format!("{v:e}")).collect()
                };
                out.push_str(&cells.join(sep));
                out.push('\n');
            }
            out
        }
    };
    // The figure runs the other two procedures too, before anything is written.
    let figure = match &a.plot {
        Some(_) => {
            let mut runs = Vec::new();
            for p in [
                Procedure::GradientDescent,
                Procedure::StopGradient,
                Procedure::Ema,
            ] {
                let recs = if p == procedure {
                    records.clone()
                } else {
                    trajectory(&a, &model, p, &start_of(p))?.0
                };
                runs.push((p.short().to_uppercase(), recs));
            }
            Some(runs)
        }
        None => None,
    };
    match &a.out {
        Some(path) => write_file(path, &text)?,
        None => {
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(text.as_bytes());
        }
    }
    if let (Some(path), Some(runs)) = (&a.plot, &figure) {
        let title = format!(
            "{} {} on {} (seed {}{})",
            if a.discrete { "discrete" } else { "continuous" },
            "GD, SG, EMA",
            inst.name(),
            a.seed,
            if a.discrete {
                format!(", η = {}, α = {}", a.eta, a.alpha)
            } else {
                format!(", κ = {}", a.kappa)
            }
        );
        report::plot::trajectories(path, &title, if a.discrete { "step" } else { "t" }, runs)?;
    }
    eprintln!(
        "{} {} on {}: {} after t = {:.4} ({} steps), field norm {:.2e}, end state: {}",
        if a.discrete { "discrete" } else { "continuous" },
        procedure.short(),
        inst.name(),
        if outcome.converged {
            "converged"
        } else {
            "stopped"
        },
        outcome.t,
        outcome.steps,
        outcome.field_norm,
        numeric::EndState::of(&outcome.state.a).describe()
    );
    Ok(())
}

fn make_record(model: &Model, t: f64, s: &State) -> TrajectoryPoint {
    let (ga, gb) = model.grad_ebar(&s.a, &s.b);
    TrajectoryPoint {
        t,
        ebar: model.objective_ebar(&s.a, &s.b),
        f: model.objective_f(&s.a, &s.b, s.teacher()),
        grad_ebar: (ga.norm_squared() + gb.norm_squared()).sqrt(),
        norm_a: s.a.norm(),
        singular_values: numeric::singular_values(&s.a),
    }
}

fn instances(a: InstancesArgs) -> Result<()> {
    match a.show {
        Some(name) => {
            let inst = model::resolve_instance(&name)?;
            let text =
                toml::to_string(&inst.to_file()).map_err(|e| Error::Computation(e.to_string()))?;
            print!("{text}");
        }
        None => {
            for inst in model::builtin_instances() {
                println!(
                    "{:<12} n={} m={} λ={}",
                    inst.name(),
                    inst.n(),
                    inst.m(),
                    inst.lambda()
                );
            }
        }
    }
    Ok(())
}

fn pair<T: std::str::FromStr>(flag: &str, text: &str, expected: &str) -> Result<(T, T)> {
    let bad = || Error::param(flag, text, expected);
    let (a, b) = text.split_once(',').ok_or_else(bad)?;
    Ok((
        a.trim().parse().map_err(|_| bad())?,
        b.trim().parse().map_err(|_| bad())?,
    ))
}

fn falsify(a: FalsifyArgs) -> Result<()> {
    use crate::claims::properties::{FalsifyConfig, PropertyId, falsify};
    let property = PropertyId::parse(&a.claim).ok_or_else(|| {
        Error::param(
            "claim",
            &a.claim,
            &format!("one of {}", PropertyId::all_names().join(", ")),
        )
    })?;
    if a.cases == 0 || a.cases > 100_000 {
        return Err(Error::param("cases", a.cases, "1 ≤ cases ≤ 100000"));
    }
    if a.starts == 0 {
        return Err(Error::param("starts", 0, "at least 1"));
    }
    let mut bounds = crate::testing::InstanceBounds {
        structure: match a.structure {
            StructureArg::Any => crate::testing::Structure::Any,
            StructureArg::IsotropicMxx => crate::testing::Structure::IsotropicMxx,
            StructureArg::SymmetricMyx => crate::testing::Structure::SymmetricMyx,
        },
        ..crate::testing::InstanceBounds::default()
    };
    if let Some(shape) = &a.shape {
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
    if let Some(range) = &a.lambda_range {
        let expected = "a,b with 0 ≤ a ≤ b ≤ 10, e.g. 0.01,0.1";
        let (lo, hi): (f64, f64) = pair("lambda-range", range, expected)?;
        if !(lo.is_finite() && hi.is_finite() && 0.0 <= lo && lo <= hi && hi <= 10.0) {
            return Err(Error::param("lambda-range", range, expected));
        }
        bounds.lambda_thousandths = (lo * 1000.0).round() as u32..=(hi * 1000.0).round() as u32;
    }
    let cfg = FalsifyConfig {
        cases: a.cases,
        seed: a.seed,
        bounds,
        analysis: VerifyConfig {
            seed: a.seed,
            starts: a.starts,
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
    let bar = indicatif::ProgressBar::new(u64::from(a.cases));
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} instances {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let outcome = falsify(property, &cfg, |k| bar.set_position(u64::from(k)));
    bar.finish_and_clear();
    if let Some(path) = &a.json {
        let text = serde_json::to_string_pretty(&outcome)
            .map_err(|e| Error::Computation(e.to_string()))?;
        write_file(path, &text)?;
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

fn export(a: ExportArgs) -> Result<()> {
    use crate::polynomial::export::{ExportFormat, export};
    use crate::polynomial::{Data, PolynomialSystem, SystemKind};
    let data = match &a.shape {
        Some(shape) => {
            let (n, m): (usize, usize) = pair("shape", shape, "n,m with 1 ≤ n, m ≤ 6, e.g. 2,2")?;
            Data::Symbolic { n, m }
        }
        None => Data::Instance(model::resolve_instance(&a.instance)?),
    };
    let kind = match a.system {
        SystemArg::SgEquilibrium => SystemKind::SgEquilibrium,
        SystemArg::EmaEquilibrium => SystemKind::EmaEquilibrium,
        SystemArg::GdCritical => SystemKind::GdCritical,
        SystemArg::SEquation => SystemKind::SEquation,
    };
    let format = match a.format {
        FormatArg::Singular => ExportFormat::Singular,
        FormatArg::Macaulay2 => ExportFormat::Macaulay2,
        FormatArg::Sympy => ExportFormat::Sympy,
        FormatArg::Json => ExportFormat::Json,
        FormatArg::Msolve => ExportFormat::Msolve,
    };
    let system = PolynomialSystem::build(kind, &data)?;
    write_file(&a.out, &export(&system, format)?)?;
    eprintln!(
        "wrote {} of {} ({} variables, {} polynomials, {} terms) to {}",
        system.kind,
        system.data,
        system.variables.len(),
        system.equations.len(),
        system.term_count(),
        a.out.display()
    );
    Ok(())
}

/// Checks that `--json FILE` can be written, before any work (bad input otherwise).
fn check_json_path(path: &Path) -> Result<()> {
    report::plot::check_writable_dir(
        "json",
        path.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new(".")),
        path,
    )
}

fn progress_bar(len: u64, what: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template(&format!(
            "{{bar:30}} {{pos}}/{{len}} {what} {{elapsed}} (eta {{eta}})"
        ))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

fn reproduce_synthetic(a: SyntheticArgs) -> Result<()> {
    use crate::experiments::synthetic::{self, DeltaPolicy, SyntheticConfig};
    let cfg = SyntheticConfig {
        trials: a.trials,
        seed: a.seed,
        n: a.n,
        init_scale: a.init_scale,
        eta: a.eta,
        alpha: a.alpha,
        max_steps: a.steps,
        step_tol: a.step_tol,
        delta: match a.delta {
            DeltaArg::Keep => DeltaPolicy::Keep,
            DeltaArg::Resample => DeltaPolicy::Resample,
        },
        ..SyntheticConfig::default()
    };
    cfg.validate()?;
    let sweep_base = SyntheticConfig {
        trials: a.sweep_trials.unwrap_or(a.trials),
        ..cfg.clone()
    };
    if a.sweep {
        sweep_base.validate()?;
        for &n in &a.sweep_n {
            SyntheticConfig {
                n,
                ..sweep_base.clone()
            }
            .validate()?;
        }
        for &s in &a.sweep_scales {
            SyntheticConfig {
                init_scale: s,
                ..sweep_base.clone()
            }
            .validate()?;
        }
        for &alpha in &a.sweep_alphas {
            SyntheticConfig {
                alpha,
                ..sweep_base.clone()
            }
            .validate()?;
        }
    }
    if let Some(p) = &a.plot {
        report::plot::check_plot_path(p)?;
    }
    if let Some(p) = &a.json {
        check_json_path(p)?;
    }
    let started = std::time::Instant::now();
    let bar = progress_bar(cfg.trials as u64, "draws (SG and EMA)");
    let trials = synthetic::run_trials(&cfg, true, true, &|| bar.inc(1))?;
    bar.finish_and_clear();
    let table = synthetic::report(&cfg, &trials);
    let main_seconds = started.elapsed().as_secs_f64();
    let sweep = if a.sweep {
        let runs = a.sweep_n.len() * a.sweep_scales.len() * (1 + a.sweep_alphas.len());
        let bar = progress_bar((runs * sweep_base.trials) as u64, "sweep runs");
        let points = synthetic::sweep(
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
            table: &'a synthetic::SyntheticReport,
            sweep: Option<&'a [synthetic::SweepPoint]>,
            closest: Option<&'a synthetic::SweepPoint>,
        }
        let out = Out {
            table: &table,
            sweep: sweep.as_deref(),
            closest: sweep.as_deref().and_then(synthetic::closest),
        };
        let text =
            serde_json::to_string_pretty(&out).map_err(|e| Error::Computation(e.to_string()))?;
        write_file(path, &text)?;
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

fn reproduce_real(a: RealArgs) -> Result<()> {
    use crate::experiments::{data, real};
    let cfg = real::RealConfig {
        seed: a.seed,
        n: a.n,
        lambda: a.lambda,
        eta: a.eta,
        alpha: a.alpha,
        steps: a.steps,
        batch: a.batch,
        keep: a.keep,
        noise: a.noise,
        init_scale: a.init_scale,
        eval_every: a.every,
        ..real::RealConfig::default()
    };
    let ds = data::digits();
    cfg.validate(ds.x.nrows(), ds.x.ncols())?;
    if let Some(p) = &a.json {
        check_json_path(p)?;
    }
    if let Some(dir) = &a.plot {
        report::plot::prepare_plot_dir("plot", dir)?;
    }
    let started = std::time::Instant::now();
    let bar = progress_bar(cfg.steps as u64, "steps (GD, SG, EMA)");
    let rep = real::run(&ds, &cfg, &|k| bar.set_position(k as u64))?;
    bar.finish_and_clear();
    if let Some(path) = &a.json {
        let text =
            serde_json::to_string_pretty(&rep).map_err(|e| Error::Computation(e.to_string()))?;
        write_file(path, &text)?;
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

//! `simulate`: one trajectory of GD, SG or EMA.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use crate::error::{Error, Result};
use crate::model::{self, Instance, Procedure};
use crate::numeric::{self, DiscreteMap, Model, OdeOptions, State};
use crate::report;
use crate::report::plot::{PhaseMarks, TrajectoryPoint};
use crate::validated::orbit::OrbitCertificate;

use super::common::{positive, write_file};

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
    /// Draw this run in the (‖A‖, Ē) plane (start and end marked; with
    /// --from-orbit also the certificate's shooting points) beside Ē and ‖A‖
    /// over time, to this .svg or .png file.
    #[arg(long, value_name = "FILE")]
    pub phase_plot: Option<PathBuf>,
    /// Start on the periodic orbit of a certificate written by
    /// `certify-orbit` (its first shooting point, lifted to A = e₁aᵀ,
    /// B = b·e₁e₁ᵀ) instead of a random initialization; --instance must have
    /// the certificate's data (any n ≥ 1). --seed and --init-scale are then
    /// unused.
    #[arg(long, value_name = "FILE")]
    pub from_orbit: Option<PathBuf>,
}

impl SimulateArgs {
    /// The instance and procedure, once every flag is checked, or the first
    /// bad value.
    pub fn config(&self) -> Result<(Instance, Procedure)> {
        let inst = model::resolve_instance(&self.instance)?;
        let procedure: Procedure = self.procedure.into();
        positive("time", self.time)?;
        positive("kappa", self.kappa)?;
        positive("init-scale", self.init_scale)?;
        if let Some(dt) = self.dt {
            positive("dt", dt)?;
        }
        if !(self.field_tol.is_finite() && self.field_tol >= 0.0) {
            return Err(Error::param(
                "field-tol",
                self.field_tol,
                "a finite number ≥ 0",
            ));
        }
        if self.every == 0 {
            return Err(Error::param("every", 0, "at least 1"));
        }
        if self.discrete {
            DiscreteMap::new(procedure, self.eta, self.alpha)?;
            if self.time > 1e8 {
                return Err(Error::param(
                    "time",
                    self.time,
                    "at most 1e8 steps for the discrete map",
                ));
            }
        }
        if let Some(p) = &self.plot {
            report::plot::check_plot_path(p)?;
        }
        if let Some(p) = &self.phase_plot {
            report::plot::check_plot_flag("phase-plot", p)?;
        }
        Ok((inst, procedure))
    }
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

/// Runs `simulate`.
pub fn run(a: SimulateArgs) -> Result<()> {
    let (inst, procedure) = a.config()?;
    let model = Model::from_instance(&inst);
    let orbit = match &a.from_orbit {
        Some(path) => Some(orbit_certificate(path, &inst)?),
        None => None,
    };
    let init = initial_state(&a, &model, orbit.as_ref())?;
    let start_of = |p: Procedure| State::new(p, init.a.clone(), init.b.clone());
    if let Some(p) = &a.final_state {
        super::common::check_json_path(p)?;
    }
    let (records, outcome) = trajectory(&a, &model, procedure, &start_of(procedure))?;
    if let Some(p) = &a.final_state {
        let name = match procedure {
            Procedure::GradientDescent => "GD",
            Procedure::StopGradient => "SG",
            Procedure::Ema => "EMA",
        };
        super::locate::write_final_states(
            p,
            inst.name(),
            None,
            &[super::locate::FinalState::of(name, &outcome)],
        )?;
    }
    let text = format_records(&a, &model, &records)?;
    // The figure runs the other two procedures too, before anything is written.
    let figure = match &a.plot {
        Some(_) => Some(all_procedures(&a, &model, procedure, &records, &start_of)?),
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
    if let Some(path) = &a.phase_plot {
        phase_plot(path, &a, &inst, &model, procedure, &records, orbit.as_ref())?;
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

/// The trajectories of GD, SG and EMA from the same start, labelled; the
/// one of `procedure` is `records`, already computed.
fn all_procedures(
    a: &SimulateArgs,
    model: &Model,
    procedure: Procedure,
    records: &[TrajectoryPoint],
    start_of: &impl Fn(Procedure) -> State,
) -> Result<Vec<(String, Vec<TrajectoryPoint>)>> {
    let mut runs = Vec::new();
    for p in [
        Procedure::GradientDescent,
        Procedure::StopGradient,
        Procedure::Ema,
    ] {
        let recs = if p == procedure {
            records.to_vec()
        } else {
            trajectory(a, model, p, &start_of(p))?.0
        };
        runs.push((p.short().to_uppercase(), recs));
    }
    Ok(runs)
}

/// The start shared by every procedure (EMA's C starts as A): the orbit
/// certificate's first point, or random draws (A, then B) from the seed.
fn initial_state(
    a: &SimulateArgs,
    model: &Model,
    orbit: Option<&OrbitCertificate>,
) -> Result<State> {
    Ok(match orbit {
        Some(cert) => {
            let (a0, b0) = cert.state(0, model.n)?;
            State::new(Procedure::StopGradient, a0, b0)
        }
        None => {
            let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(a.seed);
            numeric::random::random_state(model.n, model.m, Procedure::Ema, a.init_scale, &mut rng)
        }
    })
}

/// The trajectory as `--format` asks: JSON, CSV with a header, or aligned
/// columns; the singular values of A come last.
fn format_records(a: &SimulateArgs, model: &Model, records: &[TrajectoryPoint]) -> Result<String> {
    Ok(match a.format {
        SimFormat::Json => {
            serde_json::to_string_pretty(records).map_err(|e| Error::Computation(e.to_string()))?
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
            for r in records {
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
    })
}

/// Reads the certificate of `--from-orbit` and checks that it is about the
/// data of `inst` (any embedding dimension: the slice embeds in every n).
fn orbit_certificate(path: &Path, inst: &Instance) -> Result<OrbitCertificate> {
    let cert = OrbitCertificate::read(path)?;
    let data = cert.instance.clone().into_instance("certificate")?;
    let same =
        data.m() == inst.m() && data.moments() == inst.moments() && data.lambda() == inst.lambda();
    if !same {
        return Err(Error::param(
            "from-orbit",
            path.display(),
            &format!(
                "a certificate for the data of --instance {} (its Mxx, Myx, Myy and λ; the file's are those of {})",
                inst.name(),
                data.name()
            ),
        ));
    }
    Ok(cert)
}

/// Draws `--phase-plot`: this run in the (‖A‖, Ē) plane and over time, with
/// the certificate's shooting points when the run starts on its orbit.
fn phase_plot(
    path: &Path,
    a: &SimulateArgs,
    inst: &Instance,
    model: &Model,
    procedure: Procedure,
    records: &[TrajectoryPoint],
    orbit: Option<&OrbitCertificate>,
) -> Result<()> {
    let marks = match orbit {
        Some(cert) => {
            let mut points = Vec::with_capacity(cert.points.len());
            for k in 0..cert.points.len() {
                let (a0, b0) = cert.state(k, model.n)?;
                let r = make_record(model, 0.0, &State::new(Procedure::StopGradient, a0, b0));
                points.push((r.norm_a, r.ebar));
            }
            Some(PhaseMarks {
                name: format!("certified orbit ({} shooting points)", points.len()),
                points,
            })
        }
        None => None,
    };
    let start = match (&a.from_orbit, orbit) {
        (Some(file), Some(_)) => format!("from the orbit of {}", file.display()),
        _ => format!("seed {}", a.seed),
    };
    let end = records.last().map_or(0.0, |r| r.t);
    let title = format!(
        "{} {} on {} ({start}, {})",
        if a.discrete { "discrete" } else { "continuous" },
        procedure.short().to_uppercase(),
        inst.name(),
        if a.discrete {
            format!("{end:.0} steps")
        } else {
            format!("t = 0 to {end:.2}")
        },
    );
    report::plot::phase_portrait(
        path,
        &title,
        if a.discrete { "step" } else { "t" },
        &[(procedure.short().to_uppercase(), records.to_vec())],
        marks.as_ref(),
    )
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn parse(args: &[&str]) -> SimulateArgs {
        #[derive(Parser)]
        struct Wrap {
            #[command(flatten)]
            a: SimulateArgs,
        }
        Wrap::try_parse_from(std::iter::once("simulate").chain(args.iter().copied()))
            .unwrap()
            .a
    }

    #[test]
    fn procedures_and_instances_are_resolved() {
        let (inst, p) = parse(&["--procedure", "ema", "--instance", "scalar"])
            .config()
            .unwrap();
        assert_eq!((inst.name(), p), ("scalar", Procedure::Ema));
        let (inst, p) = parse(&["--procedure", "gd"]).config().unwrap();
        assert_eq!((inst.name(), p), ("default", Procedure::GradientDescent));
    }

    #[test]
    fn bad_values_are_bad_input_naming_the_flag() {
        for (args, flag) in [
            (&["--time", "0"][..], "time"),
            (&["--kappa", "-1"][..], "kappa"),
            (&["--dt", "0"][..], "dt"),
            (&["--field-tol", "-1"][..], "field-tol"),
            (&["--every", "0"][..], "every"),
            (&["--discrete", "--time", "1e9"][..], "time"),
            (&["--phase-plot", "orbit.pdf"][..], "phase-plot"),
            (
                &["--phase-plot", "/nonexistent-dir-ssl/o.svg"][..],
                "phase-plot",
            ),
        ] {
            let mut all = vec!["--procedure", "sg"];
            all.extend_from_slice(args);
            let err = parse(&all).config().unwrap_err();
            assert!(err.is_bad_input(), "{args:?}: {err}");
            assert!(err.to_string().contains(flag), "{args:?}: {err}");
        }
    }
}

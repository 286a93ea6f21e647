//! The command line (clap). It parses arguments and calls the library.
//!
//! One module per subcommand: its argument struct, the function that turns
//! it into the library's configuration (tested in-process) and the function
//! that runs it; [`common`] holds what they share. A subcommand is one file
//! here plus one variant of [`Command`] and one arm in [`run`].

pub mod characterize;
pub mod common;
pub mod completions;
pub mod count;
pub mod export;
pub mod falsify;
pub mod instances;
pub mod locate;
pub mod orbit;
pub mod reproduce;
pub mod simulate;
pub mod verify;

use clap::{Parser, Subcommand};

pub use characterize::CharacterizeArgs;
pub use common::PlotFormatArg;
pub use completions::CompletionsArgs;
pub use count::CountArgs;
pub use export::{ExportArgs, FormatArg, SystemArg};
pub use falsify::{FalsifyArgs, StructureArg};
pub use instances::InstancesArgs;
pub use reproduce::{DeltaArg, Experiment, RealArgs, ReproduceArgs, SyntheticArgs};
pub use simulate::{ProcedureArg, SimFormat, SimulateArgs};
pub use verify::VerifyArgs;

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
    /// Print a shell completion script (e.g. `ssl-equilibria completions bash
    /// > ~/.local/share/bash-completion/completions/ssl-equilibria`).
    Completions(CompletionsArgs),
    /// Place a point (a trained encoder A, or S = AᵀA) on the equilibrium
    /// component it lies on, or the nearest one: distance and stability.
    Locate(locate::LocateArgs),
    /// Prove a periodic orbit of the SG flow (interval Krawczyk test on a
    /// multiple-shooting system) and write its certificate.
    CertifyOrbit(orbit::CertifyOrbitArgs),
    /// Re-check a periodic-orbit certificate from scratch.
    CheckOrbit(orbit::CheckOrbitArgs),
}

/// Runs a parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    if cli.no_wait {
        crate::polynomial::set_lock_policy(crate::polynomial::LockPolicy::Fail);
    }
    let result = match cli.command {
        Command::Verify(a) => verify::run(a),
        Command::Simulate(a) => simulate::run(a),
        Command::Instances(a) => instances::run(a),
        Command::Falsify(a) => falsify::run(a),
        Command::Export(a) => export::run(a),
        Command::Characterize(a) => characterize::run(a),
        Command::Count(a) => count::run(a),
        Command::Reproduce(a) => match a.experiment {
            Experiment::Synthetic(a) => reproduce::synthetic(a),
            Experiment::Real(a) => reproduce::real(a),
        },
        Command::Completions(a) => completions::run(a),
        Command::Locate(a) => locate::run(a),
        Command::CertifyOrbit(a) => orbit::certify_orbit(a),
        Command::CheckOrbit(a) => orbit::check_orbit(a),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            if e.is_bad_input() { 2 } else { 1 }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn no_wait_is_global() {
        let cli = Cli::try_parse_from(["ssl-equilibria", "count", "--no-wait"]).unwrap();
        assert!(cli.no_wait);
        assert!(matches!(cli.command, Command::Count(_)));
    }
}

//! `export`: a polynomial system for Singular, Macaulay2, SymPy or as JSON.

use std::path::PathBuf;

use clap::ValueEnum;

use crate::error::Result;
use crate::model;
use crate::polynomial::export::{ExportFormat, export};
use crate::polynomial::{Data, PolynomialSystem, SystemKind};

use super::common::{pair, write_file};

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

impl ExportArgs {
    /// The data, system and format, or the first bad value.
    pub fn config(&self) -> Result<(Data, SystemKind, ExportFormat)> {
        let data = match &self.shape {
            Some(shape) => {
                let (n, m): (usize, usize) =
                    pair("shape", shape, "n,m with 1 ≤ n, m ≤ 6, e.g. 2,2")?;
                Data::Symbolic { n, m }
            }
            None => Data::Instance(model::resolve_instance(&self.instance)?),
        };
        let kind = match self.system {
            SystemArg::SgEquilibrium => SystemKind::SgEquilibrium,
            SystemArg::EmaEquilibrium => SystemKind::EmaEquilibrium,
            SystemArg::GdCritical => SystemKind::GdCritical,
            SystemArg::SEquation => SystemKind::SEquation,
        };
        let format = match self.format {
            FormatArg::Singular => ExportFormat::Singular,
            FormatArg::Macaulay2 => ExportFormat::Macaulay2,
            FormatArg::Sympy => ExportFormat::Sympy,
            FormatArg::Json => ExportFormat::Json,
            FormatArg::Msolve => ExportFormat::Msolve,
        };
        Ok((data, kind, format))
    }
}

/// Runs `export`.
pub fn run(a: ExportArgs) -> Result<()> {
    let (data, kind, format) = a.config()?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn parse(args: &[&str]) -> ExportArgs {
        #[derive(Parser)]
        struct Wrap {
            #[command(flatten)]
            a: ExportArgs,
        }
        let base = ["export", "--out", "x.sing"];
        Wrap::try_parse_from(base.iter().chain(args.iter()).copied())
            .unwrap()
            .a
    }

    #[test]
    fn shape_or_instance_system_and_format() {
        let (data, kind, format) = parse(&[
            "--shape",
            "2,3",
            "--system",
            "s-equation",
            "--format",
            "json",
        ])
        .config()
        .unwrap();
        assert!(matches!(data, Data::Symbolic { n: 2, m: 3 }));
        assert!(matches!(kind, SystemKind::SEquation));
        assert!(matches!(format, ExportFormat::Json));
        let (data, kind, format) = parse(&[
            "--instance",
            "square",
            "--system",
            "gd-critical",
            "--format",
            "macaulay2",
        ])
        .config()
        .unwrap();
        assert!(matches!(data, Data::Instance(ref i) if i.name() == "square"));
        assert!(matches!(kind, SystemKind::GdCritical));
        assert!(matches!(format, ExportFormat::Macaulay2));
    }

    #[test]
    fn a_bad_shape_is_bad_input() {
        let err = parse(&[
            "--shape",
            "2x2",
            "--system",
            "sg-equilibrium",
            "--format",
            "sympy",
        ])
        .config()
        .unwrap_err();
        assert!(
            err.is_bad_input() && err.to_string().contains("shape"),
            "{err}"
        );
    }
}

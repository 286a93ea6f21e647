//! The level of evidence of a finding (SPEC §5), shared by the pipelines
//! that produce evidence and the claims that judge it.

use serde::Serialize;

/// The level of evidence a verdict rests on (SPEC §5), weakest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Floating-point computation with stated tolerances: evidence.
    Numeric,
    /// Exact solutions, but the completeness of the solution set rests on
    /// counts modulo primes.
    Modular,
    /// Rigorous interval arithmetic: a proof, as strong as exact.
    Validated,
    /// Exact arithmetic on one instance, with the solution set proved
    /// complete: a proof for that instance.
    Exact,
    /// A polynomial identity over all data of the stated shapes.
    Symbolic,
}

impl Level {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Numeric => "numeric",
            Level::Modular => "modular",
            Level::Validated => "validated",
            Level::Exact => "exact",
            Level::Symbolic => "symbolic",
        }
    }
}

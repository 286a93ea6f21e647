//! The one error type of the library.
//!
//! Every message names the offending value and what was expected. The
//! command-line front end maps [`Error::is_bad_input`] errors to exit code 2 and
//! everything else to exit code 1.

use thiserror::Error;

/// Errors returned by the library.
#[derive(Debug, Error)]
pub enum Error {
    /// An instance (dimensions, moments, λ) violates the model's requirements.
    #[error("invalid instance{}: {message}", name_suffix(.name))]
    InvalidInstance {
        /// Name of the instance, when it has one.
        name: Option<String>,
        /// What is wrong and what was expected.
        message: String,
    },
    /// A number could not be read as an exact rational.
    #[error(
        "cannot read {what} = {value:?} as a number: expected an integer, a decimal such as 0.25 or 1e-3, or a fraction \"p/q\" with q ≠ 0"
    )]
    BadNumber {
        /// Which entry was being read, e.g. `mxx[0][1]`.
        what: String,
        /// The text that was given.
        value: String,
    },
    /// An instance file could not be parsed.
    #[error("cannot parse instance file {path}: {message}")]
    BadFile {
        /// Path of the file.
        path: String,
        /// The parser's explanation.
        message: String,
    },
    /// A name that is neither a built-in instance nor an existing file.
    #[error(
        "unknown instance {name:?}: no built-in instance has that name and no file exists at that path; expected one of the built-in names ({known}) or the path of an existing .toml or .json file"
    )]
    UnknownInstance {
        /// The name given.
        name: String,
        /// The built-in names, comma separated.
        known: String,
    },
    /// A parameter outside its admissible range (step size, α, κ, counts, ...).
    #[error("invalid parameter {name} = {value}: expected {expected}")]
    InvalidParameter {
        /// Parameter name as the user sees it.
        name: String,
        /// The value given.
        value: String,
        /// The admissible range.
        expected: String,
    },
    /// Another process holds the Symbolica lock and waiting was not allowed.
    #[error(
        "another process is using Symbolica (lock {0}), which allows one process at a time; rerun without --no-wait to wait for it"
    )]
    Busy(String),
    /// Shapes of matrices passed to a library function do not agree.
    #[error("shape mismatch for {what}: got {got}, expected {expected}")]
    Shape {
        /// Which argument.
        what: String,
        /// Its shape.
        got: String,
        /// The expected shape.
        expected: String,
    },
    /// Reading or writing a file failed.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// "read" or "write".
        action: &'static str,
        /// The path.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A computation failed (did not converge, non-finite values, ...).
    #[error("computation failed: {0}")]
    Computation(String),
}

fn name_suffix(name: &Option<String>) -> String {
    match name {
        Some(n) => format!(" {n:?}"),
        None => String::new(),
    }
}

impl Error {
    /// Whether the error is caused by user input (exit code 2) rather than a
    /// failure of the computation (exit code 1).
    pub fn is_bad_input(&self) -> bool {
        !matches!(
            self,
            Error::Computation(_)
                | Error::Busy(_)
                | Error::Io {
                    action: "write",
                    ..
                }
        )
    }

    pub(crate) fn invalid(name: Option<&str>, message: impl Into<String>) -> Self {
        Error::InvalidInstance {
            name: name.map(str::to_owned),
            message: message.into(),
        }
    }

    pub(crate) fn param(name: &str, value: impl ToString, expected: &str) -> Self {
        Error::InvalidParameter {
            name: name.to_owned(),
            value: value.to_string(),
            expected: expected.to_owned(),
        }
    }
}

/// Result alias of the library.
pub type Result<T> = std::result::Result<T, Error>;

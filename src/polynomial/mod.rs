//! The single entry point to Symbolica.
//!
//! Symbolica without a license key allows one thread of one process per user
//! to use it (a second one aborts the process). So every Symbolica call in this
//! crate runs inside [`with_symbolica`], which executes it on one long-lived
//! worker thread, started on first use; callers on any thread wait for their
//! result. Nothing outside this module may name the `symbolica` crate.
//!
//! On first use Symbolica prints a notice on stdout; commands that emit
//! machine-readable output therefore write it to files.
//!
//! On top of the gateway: the polynomial systems of the dynamics
//! ([`PolynomialSystem`]), the symbolic proofs of the claims that are
//! identities ([`proofs`]), and their export to other algebra systems
//! ([`export`]).

pub mod export;
mod expr;
pub mod groebner;
pub mod ideal;
pub mod proofs;
pub mod sparse;
mod system;

pub use system::{Data, Equation, MAX_SYSTEM_DIMENSION, PolynomialSystem, SystemKind};

use std::sync::mpsc::{Sender, channel};
use std::sync::{Mutex, OnceLock};

use symbolica::atom::AtomCore;

use crate::error::{Error, Result};

type Job = Box<dyn FnOnce() + Send + 'static>;

fn worker() -> &'static Mutex<Sender<Job>> {
    static WORKER: OnceLock<Mutex<Sender<Job>>> = OnceLock::new();
    WORKER.get_or_init(|| {
        let (tx, rx) = channel::<Job>();
        std::thread::Builder::new()
            .name("symbolica".into())
            .spawn(move || {
                for job in rx {
                    job();
                }
            })
            .map(|_| ())
            .unwrap_or_else(|e| eprintln!("error: cannot start the Symbolica worker thread: {e}"));
        Mutex::new(tx)
    })
}

/// Runs `f` on the Symbolica worker thread and returns its result. Safe to call
/// from any number of threads at once: jobs run one after another.
pub fn with_symbolica<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> Result<R> {
    let (tx, rx) = channel();
    let job: Job = Box::new(move || {
        let _ = tx.send(f());
    });
    {
        let sender = worker()
            .lock()
            .map_err(|_| Error::Computation("the Symbolica worker lock is poisoned".into()))?;
        sender
            .send(job)
            .map_err(|_| Error::Computation("the Symbolica worker thread is not running".into()))?;
    }
    rx.recv().map_err(|_| {
        Error::Computation("the Symbolica job failed before returning a result".into())
    })
}

/// Like [`with_symbolica`], but stops waiting when `budget` runs out and then
/// returns `Ok(None)`. The job itself cannot be interrupted: it finishes on
/// the worker thread and later jobs wait for it.
pub fn with_symbolica_budget<R: Send + 'static>(
    budget: Option<std::time::Duration>,
    f: impl FnOnce() -> R + Send + 'static,
) -> Result<Option<R>> {
    let Some(budget) = budget else {
        return with_symbolica(f).map(Some);
    };
    let (tx, rx) = channel();
    let job: Job = Box::new(move || {
        let _ = tx.send(f());
    });
    {
        let sender = worker()
            .lock()
            .map_err(|_| Error::Computation("the Symbolica worker lock is poisoned".into()))?;
        sender
            .send(job)
            .map_err(|_| Error::Computation("the Symbolica worker thread is not running".into()))?;
    }
    match rx.recv_timeout(budget) {
        Ok(r) => Ok(Some(r)),
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Ok(None),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(Error::Computation(
            "the Symbolica job failed before returning a result".into(),
        )),
    }
}

/// Whether `lhs − rhs` expands to the zero polynomial (an exact identity over
/// Q). Expressions use Symbolica's input syntax (`*`, `^`, rationals `p/q`).
pub fn is_identity(lhs: &str, rhs: &str) -> Result<bool> {
    let text = format!("({lhs}) - ({rhs})");
    with_symbolica(move || expand_is_zero(&text))?
}

/// The expanded form of an expression, printed by Symbolica.
pub fn expand(expr: &str) -> Result<String> {
    let text = expr.to_owned();
    with_symbolica(move || parse_atom(&text).map(|a| a.expand().to_string()))?
}

use expr::parse as parse_atom;

fn expand_is_zero(text: &str) -> Result<bool> {
    Ok(parse_atom(text)?.expand().is_zero())
}

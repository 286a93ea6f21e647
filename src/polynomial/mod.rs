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
//! Across processes the same limit holds, so before its first Symbolica job a
//! process takes an advisory lock on a per-user file ([`lock_path`]) and keeps
//! it until it exits: a second process waits for the first (saying so on
//! stderr) instead of aborting, or, under [`LockPolicy::Fail`], fails at once.
//! This respects the limit (one process uses Symbolica at a time); it does not
//! get around it.
//!
//! On top of the gateway: the polynomial systems of the dynamics
//! ([`PolynomialSystem`]), the symbolic proofs of the claims that are
//! identities ([`proofs`]), and their export to other algebra systems
//! ([`export`]).

pub mod export;
mod expr;
pub mod free;
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

/// What a process does when another process holds the Symbolica lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockPolicy {
    /// Wait for the other process to finish (the default), saying so on stderr.
    Wait,
    /// Fail at once with [`Error::Busy`].
    Fail,
}

static POLICY: Mutex<LockPolicy> = Mutex::new(LockPolicy::Wait);

/// Sets what happens when another process holds the Symbolica lock. Takes
/// effect only before this process's first Symbolica job.
pub fn set_lock_policy(policy: LockPolicy) {
    if let Ok(mut p) = POLICY.lock() {
        *p = policy;
    }
}

/// The per-user lock file that serializes Symbolica across processes:
/// `$SSL_EQUILIBRIA_LOCK` if set, else `$XDG_CACHE_HOME/ssl-equilibria/
/// symbolica.lock`, else `$HOME/.cache/ssl-equilibria/symbolica.lock`, else
/// the same name with the user's name in the temporary directory.
pub fn lock_path() -> std::path::PathBuf {
    use std::path::PathBuf;
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    if let Some(p) = var("SSL_EQUILIBRIA_LOCK") {
        return PathBuf::from(p);
    }
    let cache = var("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".cache")));
    match cache {
        Some(dir) => dir.join("ssl-equilibria").join("symbolica.lock"),
        None => {
            let user = var("USER").map(|u| u.to_string_lossy().into_owned());
            std::env::temp_dir().join(format!(
                "ssl-equilibria-symbolica-{}.lock",
                user.unwrap_or_else(|| "user".into())
            ))
        }
    }
}

/// Takes the cross-process lock once per process (kept until exit).
fn process_lock() -> Result<()> {
    static HELD: OnceLock<std::fs::File> = OnceLock::new();
    static TAKING: Mutex<()> = Mutex::new(());
    if HELD.get().is_some() {
        return Ok(());
    }
    let _guard = TAKING
        .lock()
        .map_err(|_| Error::Computation("the Symbolica lock guard is poisoned".into()))?;
    if HELD.get().is_some() {
        return Ok(());
    }
    let path = lock_path();
    let io = |e: std::io::Error| {
        Error::Computation(format!(
            "cannot open the Symbolica lock file {}: {e}",
            path.display()
        ))
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let policy = POLICY.lock().map(|p| *p).unwrap_or(LockPolicy::Wait);
            if policy == LockPolicy::Fail {
                return Err(Error::Busy(path.display().to_string()));
            }
            eprintln!(
                "waiting: another process is using Symbolica, which allows one process at a time (lock {}) ...",
                path.display()
            );
            file.lock().map_err(io)?;
            eprintln!("the other process finished; continuing");
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
    }
    let _ = HELD.set(file);
    Ok(())
}

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
    with_symbolica_budget(None, f)?.ok_or_else(job_failed)
}

/// Like [`with_symbolica`], but stops waiting when `budget` runs out and then
/// returns `Ok(None)` (with no budget it waits for the result). The job itself
/// cannot be interrupted: it finishes on the worker thread and later jobs wait
/// for it. This is the one function that hands work to the worker thread.
pub fn with_symbolica_budget<R: Send + 'static>(
    budget: Option<std::time::Duration>,
    f: impl FnOnce() -> R + Send + 'static,
) -> Result<Option<R>> {
    process_lock()?;
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
    let Some(budget) = budget else {
        return rx.recv().map(Some).map_err(|_| job_failed());
    };
    match rx.recv_timeout(budget) {
        Ok(r) => Ok(Some(r)),
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Ok(None),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(job_failed()),
    }
}

fn job_failed() -> Error {
    Error::Computation("the Symbolica job failed before returning a result".into())
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

//! Two Symbolica-using commands at once: Symbolica allows one process at a
//! time per user, so the second waits for the first's lock instead of
//! aborting, and `--no-wait` fails at once with exit code 1.
//!
//! This test binary never calls Symbolica itself: a process that has used it
//! keeps the lock until it exits, so a child it spawned would wait forever.
//! The children of each test point `SSL_EQUILIBRIA_LOCK` into the test's own
//! temporary directory, so that the test controls their lock; the test
//! itself holds the user's real lock ([`lock_path`]) meanwhile, so that the
//! children never meet another process of the user inside Symbolica (which
//! allows one per user) and other commands of the user wait for the test.

use std::fs::File;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use ssl_equilibria::polynomial::lock_path;

const BIN: &str = env!("CARGO_BIN_EXE_ssl-equilibria");

/// A fresh directory for one test, removed at the end.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "ssl-eq-concurrent-{tag}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn lock(&self) -> PathBuf {
        self.0.join("symbolica.lock")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `ssl-equilibria ARGS` with its Symbolica lock at `lock`; stderr goes to
/// `stderr` so that the test can watch it while the command runs.
fn spawn(lock: &Path, args: &[&str], stderr: &Path) -> Child {
    Command::new(BIN)
        .args(args)
        .env("SSL_EQUILIBRIA_LOCK", lock)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(File::create(stderr).unwrap())
        .spawn()
        .unwrap()
}

fn finish(child: Child, stderr: &Path) -> (Output, String) {
    let out = child.wait_with_output().unwrap();
    let mut err = String::new();
    File::open(stderr)
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (out, err)
}

/// Waits until `file` contains `needle` (at most `limit`).
fn wait_for(file: &Path, needle: &str, limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if std::fs::read_to_string(file).is_ok_and(|t| t.contains(needle)) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// Takes the lock file the way another user of Symbolica would.
fn hold(lock: &Path) -> File {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(lock)
        .unwrap();
    file.lock().unwrap();
    file
}

/// Holds the user's Symbolica lock for the whole test (see the module
/// docs); tests of this binary take turns through it.
fn exclusive() -> File {
    let path = lock_path();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    hold(&path)
}

fn characterize_ok(name: &str, out: &Output, err: &str) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "characterize --instance {name} did not succeed ({:?}); stderr:\n{err}",
        out.status
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        text.contains(&format!("instance {name}")) || text.contains(name),
        "characterize --instance {name} printed no characterization:\n{text}"
    );
    assert!(
        text.contains("rank"),
        "no rank strata in the output of characterize --instance {name}:\n{text}"
    );
    text
}

#[test]
fn two_characterize_runs_started_together_both_succeed() {
    let _user = exclusive();
    let dir = TempDir::new("together");
    let lock = dir.lock();
    let (e1, e2) = (dir.0.join("default.err"), dir.0.join("square.err"));
    let first = spawn(&lock, &["characterize", "--instance", "default"], &e1);
    let second = spawn(&lock, &["characterize", "--instance", "square"], &e2);
    let (o1, s1) = finish(first, &e1);
    let (o2, s2) = finish(second, &e2);
    characterize_ok("default", &o1, &s1);
    characterize_ok("square", &o2, &s2);
}

#[test]
fn commands_queue_behind_the_lock_and_all_succeed() {
    let _user = exclusive();
    // The lock is held while both commands start, so both must wait, and
    // after it is released they must take turns: without the lock one of
    // them would abort (Symbolica's one-process limit).
    let dir = TempDir::new("queue");
    let lock = dir.lock();
    let held = hold(&lock);
    let (e1, e2) = (dir.0.join("default.err"), dir.0.join("square.err"));
    let first = spawn(&lock, &["characterize", "--instance", "default"], &e1);
    let second = spawn(&lock, &["characterize", "--instance", "square"], &e2);
    let limit = Duration::from_secs(120);
    let waited = wait_for(&e1, "waiting: another process is using Symbolica", limit)
        && wait_for(&e2, "waiting: another process is using Symbolica", limit);
    drop(held);
    let (o1, s1) = finish(first, &e1);
    let (o2, s2) = finish(second, &e2);
    assert!(
        waited,
        "both commands should say they wait for the lock; stderr:\n{s1}\n---\n{s2}"
    );
    characterize_ok("default", &o1, &s1);
    characterize_ok("square", &o2, &s2);
}

#[test]
fn no_wait_fails_with_exit_code_1_while_another_process_holds_the_lock() {
    let _user = exclusive();
    let dir = TempDir::new("nowait");
    let lock = dir.lock();
    let held = hold(&lock);
    let err = dir.0.join("nowait.err");
    let child = spawn(
        &lock,
        &["--no-wait", "characterize", "--instance", "default"],
        &err,
    );
    let (out, stderr) = finish(child, &err);
    drop(held);
    assert_eq!(
        out.status.code(),
        Some(1),
        "--no-wait should fail with exit code 1 while the lock is held; stderr:\n{stderr}"
    );
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one error line expected:\n{stderr}");
    assert!(
        lines[0].starts_with("error: another process is using Symbolica")
            && lines[0].contains(&lock.display().to_string())
            && lines[0].contains("--no-wait"),
        "the message should name the lock and the flag: {}",
        lines[0]
    );
    assert!(
        !stderr.contains("waiting:"),
        "--no-wait must not wait:\n{stderr}"
    );

    // With the lock free, the same command succeeds.
    let err = dir.0.join("free.err");
    let child = spawn(
        &lock,
        &["--no-wait", "characterize", "--instance", "default"],
        &err,
    );
    let (out, stderr) = finish(child, &err);
    characterize_ok("default", &out, &stderr);
}

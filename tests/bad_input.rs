//! Runs the built `ssl-equilibria` binary on a corpus of invalid inputs
//! (instance files and command-line parameters) and checks that every one is
//! rejected cleanly: exit code 2, nothing on stdout, exactly one line
//! `error: ...` on stderr naming the offending value or field, no panic, and no
//! output file left behind. Two positive controls check that valid TOML and
//! JSON files are accepted and that `instances --show` output re-parses to
//! itself.
//!
//! Run with `cargo test --release --test bad_input -- --test-threads=1`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const BIN: &str = env!("CARGO_BIN_EXE_ssl-equilibria");

/// Longest a single invocation may take before it is killed and reported.
const TIMEOUT: Duration = Duration::from_secs(120);

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A fresh directory under the system temp dir, removed when dropped (kept,
/// and its path printed, when the test is failing).
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "ssl-equilibria-bad-input-{tag}-{}-{nanos}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn write(&self, name: &str, contents: &[u8]) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, contents).expect("write corpus file");
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("keeping {} for inspection", self.0.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// What one run of the binary produced.
struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs the binary with `args`, stdin closed, killing it after [`TIMEOUT`].
fn run<S: AsRef<str>>(args: &[S]) -> Outcome {
    let mut child = Command::new(BIN)
        .args(args.iter().map(AsRef::as_ref))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ssl-equilibria");
    let mut out_pipe = child.stdout.take().expect("stdout pipe");
    let mut err_pipe = child.stderr.take().expect("stderr pipe");
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out_pipe.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err_pipe.read_to_end(&mut buf);
        buf
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait().expect("wait for ssl-equilibria") {
            Some(status) => break Some(status),
            None if start.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            None => std::thread::sleep(Duration::from_millis(5)),
        }
    };
    let stdout = String::from_utf8_lossy(&out_reader.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
    match status {
        Some(status) => Outcome {
            code: status.code(),
            stdout,
            stderr,
        },
        None => Outcome {
            code: None,
            stdout,
            stderr: format!("(killed after {TIMEOUT:?}) {stderr}"),
        },
    }
}

fn show(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            if a.contains(' ') || a.is_empty() {
                format!("{a:?}")
            } else {
                a.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Checks a bad-input rejection by the program itself (not by clap): exit
/// code 2, empty stdout, exactly one non-empty line `error: ...` on stderr,
/// no panic, and every substring of `expect` present.
fn check_rejected(o: &Outcome, expect: &[String]) -> Result<(), String> {
    let mut problems = Vec::new();
    if o.code != Some(2) {
        problems.push(format!("exit code {:?}, expected Some(2)", o.code));
    }
    if !o.stdout.is_empty() {
        problems.push(format!(
            "stdout not empty ({} bytes): {:?}",
            o.stdout.len(),
            o.stdout.chars().take(200).collect::<String>()
        ));
    }
    if o.stderr.contains("panicked") {
        problems.push("stderr reports a panic".to_owned());
    }
    let lines: Vec<&str> = o.stderr.lines().collect();
    if lines.len() != 1 || lines[0].trim().is_empty() {
        problems.push(format!(
            "stderr has {} lines, expected exactly one non-empty line",
            lines.len()
        ));
    } else if !lines[0].starts_with("error: ") {
        problems.push("stderr line does not start with `error: `".to_owned());
    }
    for e in expect {
        if !o.stderr.contains(e.as_str()) {
            problems.push(format!("stderr does not mention {e:?}"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}; stderr = {:?}", problems.join("; "), o.stderr))
    }
}

/// Checks a rejection by the argument parser (clap): exit code 2, empty
/// stdout, no panic (its message may span several lines).
fn check_clap_rejected(o: &Outcome) -> Result<(), String> {
    let mut problems = Vec::new();
    if o.code != Some(2) {
        problems.push(format!("exit code {:?}, expected Some(2)", o.code));
    }
    if !o.stdout.is_empty() {
        problems.push(format!("stdout not empty ({} bytes)", o.stdout.len()));
    }
    if o.stderr.contains("panicked") {
        problems.push("stderr reports a panic".to_owned());
    }
    if !o.stderr.starts_with("error: ") {
        problems.push("stderr does not start with `error: `".to_owned());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}; stderr = {:?}", problems.join("; "), o.stderr))
    }
}

/// Checks that neither `out` nor the temporary `out.partial` exists.
fn check_no_output(out: &Path) -> Result<(), String> {
    let partial = out.with_extension("partial");
    let mut problems = Vec::new();
    for p in [out, partial.as_path()] {
        if p.exists() {
            problems.push(format!("output file {} was created", p.display()));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

fn finish(what: &str, total: usize, failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} of {total} {what} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("{total} {what} passed");
}

// ---------------------------------------------------------------------------
// The corpus of invalid instance files
// ---------------------------------------------------------------------------

/// What is at the instance path.
enum Content {
    /// A file with these bytes.
    Bytes(&'static [u8]),
    /// Nothing: the path does not exist.
    Missing,
    /// A directory.
    Directory,
}

/// One invalid instance file. `file` is its name (the extension selects the
/// syntax); each string of `expect` must occur in the error message, with
/// `{path}` replaced by the file's path.
struct FileCase {
    id: &'static str,
    file: &'static str,
    content: Content,
    expect: &'static [&'static str],
}

const fn toml(id: &'static str, text: &'static str, expect: &'static [&'static str]) -> FileCase {
    FileCase {
        id,
        file: "instance.toml",
        content: Content::Bytes(text.as_bytes()),
        expect,
    }
}

const fn json(id: &'static str, text: &'static str, expect: &'static [&'static str]) -> FileCase {
    FileCase {
        id,
        file: "instance.json",
        content: Content::Bytes(text.as_bytes()),
        expect,
    }
}

/// Every invalid instance file, by kind.
fn file_cases() -> Vec<FileCase> {
    [
        shape_cases(),
        moment_cases(),
        lambda_cases(),
        malformed_entry_cases(),
        field_cases(),
        dimension_cases(),
        syntax_cases(),
        generator_cases(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Matrices whose shapes disagree or are not matrices.
fn shape_cases() -> Vec<FileCase> {
    vec![
        toml(
            "shape: mxx 2x2 with myx 3x3",
            "n = 2\nlambda = 0.1\nmxx = [[1, 0], [0, 1]]\nmyx = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]\nmyy = [[1, 0], [0, 1]]\n",
            &["myx is 3×3", "expected 2×2"],
        ),
        json(
            "shape: myy 1x1 with mxx 2x2 (json)",
            r#"{"n": 2, "lambda": 0.1, "mxx": [[1, 0], [0, 1]], "myx": [[0, 0], [0, 0]], "myy": [[1]]}"#,
            &["myy is 1×1", "expected 2×2"],
        ),
        toml(
            "shape: ragged rows in mxx",
            "n = 2\nlambda = 0.1\nmxx = [[1, 0], [0]]\nmyx = [[1, 0], [0, 1]]\nmyy = [[1, 0], [0, 1]]\n",
            &["mxx row 1", "1 entries", "2 entries"],
        ),
        json(
            "shape: ragged rows in myx (json)",
            r#"{"n": 2, "lambda": 0.1, "mxx": [[1, 0], [0, 1]], "myx": [[1, 0], [0, 1, 2]], "myy": [[1, 0], [0, 1]]}"#,
            &["myx row 1", "3 entries"],
        ),
        toml(
            "shape: empty matrices (m = 0)",
            "n = 2\nlambda = 0.1\nmxx = []\nmyx = []\nmyy = []\n",
            &["m = 0", "rows of mxx"],
        ),
        toml(
            "shape: mxx not a matrix",
            "n = 2\nlambda = 0.1\nmxx = 1\nmyx = [[0]]\nmyy = [[1]]\n",
            &["cannot parse instance file", "mxx", "expected a sequence"],
        ),
    ]
}

/// Invalid moments: not symmetric, Mxx not positive definite, the joint
/// moment matrix not positive semidefinite.
fn moment_cases() -> Vec<FileCase> {
    vec![
        toml(
            "mxx not symmetric",
            "n = 2\nlambda = 0.1\nmxx = [[2, 1], [0, 2]]\nmyx = [[1, 0], [0, 1]]\nmyy = [[1, 0], [0, 1]]\n",
            &["mxx is not symmetric", "mxx[1][0] = 0", "mxx[0][1] = 1"],
        ),
        toml(
            "mxx not positive definite [[1,2],[2,1]]",
            "n = 2\nlambda = 0.1\nmxx = [[1, 2], [2, 1]]\nmyx = [[1, 0], [0, 1]]\nmyy = [[2, 0], [0, 2]]\n",
            &["mxx = [[1, 2], [2, 1]]", "not positive definite"],
        ),
        json(
            "mxx singular PSD [[1,1],[1,1]] (json)",
            r#"{"n": 2, "lambda": 0.1, "mxx": [[1, 1], [1, 1]], "myx": [[0, 0], [0, 0]], "myy": [[1, 0], [0, 1]]}"#,
            &["mxx = [[1, 1], [1, 1]]", "not positive definite"],
        ),
        toml(
            "mxx negative 1x1",
            "n = 2\nlambda = 0.1\nmxx = [[\"-1/2\"]]\nmyx = [[0]]\nmyy = [[1]]\n",
            &["mxx = [[-1/2]]", "not positive definite"],
        ),
        toml(
            "joint moment matrix not PSD (Mxx=I, Myx=2I, Myy=I)",
            "n = 2\nlambda = 0.1\nmxx = [[1, 0], [0, 1]]\nmyx = [[2, 0], [0, 2]]\nmyy = [[1, 0], [0, 1]]\n",
            &[
                "joint moment matrix",
                "not positive semidefinite",
                "myx = [[2, 0], [0, 2]]",
            ],
        ),
        toml(
            "joint moment matrix not PSD by 1/10^12",
            "n = 2\nlambda = 0\nmxx = [[1]]\nmyx = [[1]]\nmyy = [[\"999999999999/1000000000000\"]]\n",
            &["joint moment matrix", "not positive semidefinite"],
        ),
        toml(
            "myy not symmetric",
            "n = 2\nlambda = 0.1\nmxx = [[1, 0], [0, 1]]\nmyx = [[0, 0], [0, 0]]\nmyy = [[1, 1], [0, 1]]\n",
            &["myy is not symmetric", "myy[1][0] = 0"],
        ),
    ]
}

/// Bad weight decays.
fn lambda_cases() -> Vec<FileCase> {
    vec![
        toml(
            "lambda negative",
            "n = 2\nlambda = -0.1\nmxx = [[1]]\nmyx = [[0]]\nmyy = [[1]]\n",
            &["lambda = -1/10", "λ ≥ 0"],
        ),
        json(
            "lambda negative fraction string (json)",
            r#"{"n": 2, "lambda": "-1/3", "mxx": [[1]], "myx": [[0]], "myy": [[1]]}"#,
            &["lambda = -1/3", "λ ≥ 0"],
        ),
        toml(
            "lambda nan (TOML nan)",
            "n = 2\nlambda = nan\nmxx = [[1]]\nmyx = [[0]]\nmyy = [[1]]\n",
            &["lambda", "NaN"],
        ),
        toml(
            "lambda inf (TOML inf)",
            "n = 2\nlambda = inf\nmxx = [[1]]\nmyx = [[0]]\nmyy = [[1]]\n",
            &["lambda", "inf"],
        ),
        toml(
            "lambda -inf (TOML -inf)",
            "n = 2\nlambda = -inf\nmxx = [[1]]\nmyx = [[0]]\nmyy = [[1]]\n",
            &["lambda", "-inf"],
        ),
        json(
            "lambda \"NaN\" string (json)",
            r#"{"n": 2, "lambda": "NaN", "mxx": [[1]], "myx": [[0]], "myy": [[1]]}"#,
            &["lambda = \"NaN\""],
        ),
        json(
            "lambda 1e400 overflows (json)",
            r#"{"n": 2, "lambda": 1e400, "mxx": [[1]], "myx": [[0]], "myy": [[1]]}"#,
            &["cannot parse instance file", "number out of range"],
        ),
        toml(
            "lambda \"1e99999\" exponent too large",
            "n = 2\nlambda = \"1e99999\"\nmxx = [[1]]\nmyx = [[0]]\nmyy = [[1]]\n",
            &["lambda = \"1e99999\""],
        ),
        toml(
            "lambda boolean",
            "n = 2\nlambda = true\nmxx = [[1]]\nmyx = [[0]]\nmyy = [[1]]\n",
            &["cannot parse instance file", "lambda"],
        ),
    ]
}

/// Entries that are not numbers.
fn malformed_entry_cases() -> Vec<FileCase> {
    vec![
        toml(
            "entry \"abc\"",
            "n = 2\nlambda = 0.1\nmxx = [[\"abc\"]]\nmyx = [[0]]\nmyy = [[1]]\n",
            &["mxx[0][0] = \"abc\""],
        ),
        json(
            "entry \"1/0\" (json)",
            r#"{"n": 2, "lambda": 0.1, "mxx": [[1]], "myx": [["1/0"]], "myy": [[1]]}"#,
            &["myx[0][0] = \"1/0\"", "q ≠ 0"],
        ),
        toml(
            "entry \"1.5/2\" (non-integer numerator)",
            "n = 2\nlambda = 0.1\nmxx = [[1, 0], [0, 1]]\nmyx = [[0, 0], [0, 0]]\nmyy = [[1, 0], [0, \"1.5/2\"]]\n",
            &["myy[1][1] = \"1.5/2\""],
        ),
        toml(
            "entry empty string",
            "n = 2\nlambda = \"\"\nmxx = [[1]]\nmyx = [[0]]\nmyy = [[1]]\n",
            &["lambda = \"\""],
        ),
        json(
            "entry null (json)",
            r#"{"n": 2, "lambda": 0.1, "mxx": [[null]], "myx": [[0]], "myy": [[1]]}"#,
            &["cannot parse instance file", "line 1 column"],
        ),
    ]
}

/// Missing, unknown or mistyped fields.
fn field_cases() -> Vec<FileCase> {
    vec![
        toml(
            "missing myy",
            "n = 2\nlambda = 0.1\nmxx = [[1]]\nmyx = [[0]]\n",
            &["missing myy"],
        ),
        json(
            "missing mxx and myx (json)",
            r#"{"n": 2, "lambda": 0.1, "myy": [[1]]}"#,
            &["missing mxx, myx"],
        ),
        toml(
            "missing lambda",
            "n = 2\nmxx = [[1]]\nmyx = [[0]]\nmyy = [[1]]\n",
            &["missing field `lambda`"],
        ),
        toml(
            "unknown field",
            "n = 2\nlambda = 0.1\nmxx = [[1]]\nmyx = [[0]]\nmyy = [[1]]\nfoo = 1\n",
            &["unknown field `foo`"],
        ),
        json(
            "unknown field (json)",
            r#"{"n": 2, "lambda": 0.1, "mxx": [[1]], "myx": [[0]], "myy": [[1]], "Lambda": 1}"#,
            &["unknown field `Lambda`"],
        ),
        toml(
            "duplicate key",
            "n = 2\nn = 3\nlambda = 0.1\nmxx = [[1]]\nmyx = [[0]]\nmyy = [[1]]\n",
            &["duplicate key `n`"],
        ),
    ]
}

/// Dimensions out of range.
fn dimension_cases() -> Vec<FileCase> {
    vec![
        toml(
            "n = 0",
            "n = 0\nlambda = 0.1\nmxx = [[1]]\nmyx = [[0]]\nmyy = [[1]]\n",
            &["n = 0", "n ≤"],
        ),
        toml(
            "n negative",
            "n = -3\nlambda = 0.1\nmxx = [[1]]\nmyx = [[0]]\nmyy = [[1]]\n",
            &["n = -3", "n ≥ 1"],
        ),
        toml(
            "n too large",
            "n = 100000\nlambda = 0.1\nmxx = [[1]]\nmyx = [[0]]\nmyy = [[1]]\n",
            &["n = 100000"],
        ),
        toml(
            "n not an integer",
            "n = 2.5\nlambda = 0.1\nmxx = [[1]]\nmyx = [[0]]\nmyy = [[1]]\n",
            &["cannot parse instance file", "2.5"],
        ),
        json(
            "n as a string (json)",
            r#"{"n": "2", "lambda": 0.1, "mxx": [[1]], "myx": [[0]], "myy": [[1]]}"#,
            &["cannot parse instance file", "\"2\""],
        ),
        toml(
            "m mismatching mxx",
            "n = 2\nm = 3\nlambda = 0.1\nmxx = [[1]]\nmyx = [[0]]\nmyy = [[1]]\n",
            &["m = 3", "mxx is 1×1"],
        ),
        toml(
            "m negative",
            "n = 2\nm = -1\nlambda = 0.1\nmxx = [[1]]\nmyx = [[0]]\nmyy = [[1]]\n",
            &["m = -1"],
        ),
    ]
}

/// Files that do not parse, are empty, are not UTF-8, are missing, or are
/// directories.
fn syntax_cases() -> Vec<FileCase> {
    vec![
        toml(
            "malformed TOML",
            "n = 2\nlambda = = 0.1\nmxx = [[1]\n",
            &["cannot parse instance file", "{path}", "line 2"],
        ),
        json(
            "malformed JSON",
            r#"{"n": 2, "lambda": 0.1, "mxx": [[1]], "myx": [[0]] "myy": [[1]]}"#,
            &["cannot parse instance file", "{path}", "line 1 column"],
        ),
        json(
            "JSON NaN literal",
            r#"{"n": 2, "lambda": NaN, "mxx": [[1]], "myx": [[0]], "myy": [[1]]}"#,
            &["cannot parse instance file", "line 1 column"],
        ),
        json(
            "JSON top level is an array",
            "[1, 2]",
            &["cannot parse instance file"],
        ),
        toml(
            "empty TOML file",
            "",
            &["cannot parse instance file", "missing field `n`"],
        ),
        json(
            "empty JSON file",
            "",
            &["cannot parse instance file", "EOF"],
        ),
        FileCase {
            id: "not UTF-8",
            file: "binary.toml",
            content: Content::Bytes(b"\xff\xfe\x00n = 2\n"),
            expect: &["{path}", "UTF-8"],
        },
        FileCase {
            id: "file does not exist",
            file: "does-not-exist.toml",
            content: Content::Missing,
            expect: &["unknown instance", "{path}"],
        },
        FileCase {
            id: "path is a directory",
            file: "a-directory.toml",
            content: Content::Directory,
            expect: &["cannot read", "{path}"],
        },
    ]
}

/// Bad generator specifications.
fn generator_cases() -> Vec<FileCase> {
    vec![
        toml(
            "generator: sigma not PSD",
            "n = 2\nlambda = 0.1\n[generator]\nsigma = [[1, 2], [2, 1]]\nt = [[1, 0], [0, 1]]\nnoise = 0.1\n",
            &[
                "generator.sigma = [[1, 2], [2, 1]]",
                "positive semidefinite",
            ],
        ),
        json(
            "generator: sigma not symmetric (json)",
            r#"{"n": 2, "lambda": 0.1, "generator": {"sigma": [[1, 1], [0, 1]], "t": [[1, 0], [0, 1]], "noise": 0.1}}"#,
            &["generator.sigma = [[1, 1], [0, 1]]", "symmetric"],
        ),
        toml(
            "generator: negative noise",
            "n = 2\nlambda = 0.1\n[generator]\nsigma = [[1, 0], [0, 1]]\nt = [[1, 0], [0, 1]]\nnoise = -0.5\n",
            &["generator.noise = -1/2", "σ² ≥ 0"],
        ),
        toml(
            "generator: singular sigma and zero noise (Mxx = 0)",
            "n = 2\nlambda = 0.1\n[generator]\nsigma = [[0]]\nt = [[1]]\nnoise = 0\n",
            &["mxx = [[0]]", "not positive definite"],
        ),
        toml(
            "generator: sigma and t of different sizes",
            "n = 2\nlambda = 0.1\n[generator]\nsigma = [[1, 0], [0, 1]]\nt = [[1]]\nnoise = 0.1\n",
            &["generator.sigma is 2×2", "generator.t is 1×1"],
        ),
        toml(
            "generator: bad entry in t",
            "n = 2\nlambda = 0.1\n[generator]\nsigma = [[1]]\nt = [[\"x\"]]\nnoise = 0.1\n",
            &["generator.t[0][0] = \"x\""],
        ),
        toml(
            "generator: noise nan",
            "n = 2\nlambda = 0.1\n[generator]\nsigma = [[1]]\nt = [[1]]\nnoise = nan\n",
            &["generator.noise", "NaN"],
        ),
        toml(
            "generator: sigma without t and noise",
            "n = 2\nlambda = 0.1\n[generator]\nsigma = [[1]]\n",
            &["[generator]", "`seed` alone"],
        ),
        toml(
            "generator: seed without m",
            "n = 2\nlambda = 0.1\n[generator]\nseed = 3\n",
            &["generator seed needs m"],
        ),
        toml(
            "generator: seed with m = 0",
            "n = 2\nm = 0\nlambda = 0.1\n[generator]\nseed = 3\n",
            &["m = 0"],
        ),
        toml(
            "generator: seed negative",
            "n = 2\nm = 2\nlambda = 0.1\n[generator]\nseed = -3\n",
            &["cannot parse instance file", "seed"],
        ),
        toml(
            "generator: unknown field",
            "n = 2\nm = 2\nlambda = 0.1\n[generator]\nseed = 3\nfoo = 1\n",
            &["unknown field `foo`"],
        ),
        toml(
            "generator together with moments",
            "n = 2\nlambda = 0.1\nmxx = [[1]]\n[generator]\nseed = 3\n",
            &["both [generator] and moments"],
        ),
    ]
}

/// Every invalid instance file is rejected by `instances --show FILE` and by
/// `simulate --instance FILE --out OUT`, and the latter creates no output.
#[test]
fn invalid_instance_files_are_rejected() {
    let dir = TempDir::new("files");
    let cases = file_cases();
    let mut failures = Vec::new();
    let mut runs = 0;
    for (k, case) in cases.iter().enumerate() {
        // One subfolder per case so every file keeps a readable name.
        let sub = dir.path(&format!("case{k:02}"));
        std::fs::create_dir_all(&sub).expect("create case dir");
        let path = sub.join(case.file);
        match case.content {
            Content::Bytes(b) => std::fs::write(&path, b).expect("write corpus file"),
            Content::Missing => {}
            Content::Directory => std::fs::create_dir_all(&path).expect("create dir"),
        }
        let shown = path.display().to_string();
        let expect: Vec<String> = case
            .expect
            .iter()
            .map(|e| e.replace("{path}", &shown))
            .collect();
        let out = sub.join("records.csv");
        let commands: [Vec<String>; 2] = [
            vec!["instances".into(), "--show".into(), shown.clone()],
            vec![
                "simulate".into(),
                "--instance".into(),
                shown.clone(),
                "--procedure".into(),
                "sg".into(),
                "--time".into(),
                "1".into(),
                "--format".into(),
                "csv".into(),
                "--out".into(),
                out.display().to_string(),
            ],
        ];
        for args in commands {
            runs += 1;
            let o = run(&args);
            let result = check_rejected(&o, &expect).and_then(|()| check_no_output(&out));
            if let Err(e) = result {
                failures.push(format!("[{}] `{}`: {e}", case.id, show(&args)));
            }
        }
    }
    finish("invalid-file runs", runs, failures);
}

// ---------------------------------------------------------------------------
// Bad names and command-line parameters
// ---------------------------------------------------------------------------

/// `simulate` arguments (after `simulate`) that the program itself rejects.
fn parameter_cases() -> Vec<(&'static str, Vec<&'static str>, Vec<&'static str>)> {
    [name_cases(), map_parameter_cases(), flow_parameter_cases()].concat()
}

/// `simulate` of the `scalar` instance for 10 time units, with `extra`.
fn sim(extra: &[&'static str]) -> Vec<&'static str> {
    let mut v = vec!["--instance", "scalar", "--time", "10"];
    v.extend_from_slice(extra);
    v
}

/// Unknown or empty instance names.
fn name_cases() -> Vec<(&'static str, Vec<&'static str>, Vec<&'static str>)> {
    vec![
        (
            "unknown built-in name",
            vec!["--instance", "no-such-instance", "--procedure", "sg"],
            vec!["unknown instance \"no-such-instance\"", "default, scalar"],
        ),
        (
            "empty instance name",
            vec!["--instance", "", "--procedure", "sg"],
            vec!["unknown instance \"\""],
        ),
    ]
}

/// Step size and EMA rate of the discrete map out of range.
fn map_parameter_cases() -> Vec<(&'static str, Vec<&'static str>, Vec<&'static str>)> {
    vec![
        (
            "--eta 0 with --discrete",
            sim(&["--procedure", "sg", "--discrete", "--eta", "0"]),
            vec!["eta = 0", "η > 0"],
        ),
        (
            "--eta nan with --discrete",
            sim(&["--procedure", "gd", "--discrete", "--eta", "nan"]),
            vec!["eta = NaN"],
        ),
        (
            "--eta inf with --discrete",
            sim(&["--procedure", "sg", "--discrete", "--eta", "inf"]),
            vec!["eta = inf"],
        ),
        (
            "--eta=-0.1 with --discrete",
            sim(&["--procedure", "sg", "--discrete", "--eta=-0.1"]),
            vec!["eta = -0.1"],
        ),
        (
            "--alpha 1 with --discrete",
            sim(&["--procedure", "ema", "--discrete", "--alpha", "1"]),
            vec!["alpha = 1", "α < 1"],
        ),
        (
            "--alpha=-0.5 with --discrete",
            sim(&["--procedure", "ema", "--discrete", "--alpha=-0.5"]),
            vec!["alpha = -0.5"],
        ),
        (
            "--alpha nan with --discrete",
            sim(&["--procedure", "ema", "--discrete", "--alpha", "nan"]),
            vec!["alpha = NaN"],
        ),
    ]
}

/// κ, the time span, the step, the recording interval and the initial scale out of range.
fn flow_parameter_cases() -> Vec<(&'static str, Vec<&'static str>, Vec<&'static str>)> {
    vec![
        (
            "--kappa=-1",
            sim(&["--procedure", "ema", "--kappa=-1"]),
            vec!["kappa = -1", "> 0"],
        ),
        (
            "--kappa 0",
            sim(&["--procedure", "ema", "--kappa", "0"]),
            vec!["kappa = 0"],
        ),
        (
            "--time nan",
            vec!["--instance", "scalar", "--procedure", "sg", "--time", "nan"],
            vec!["time = NaN"],
        ),
        (
            "--time inf",
            vec!["--instance", "scalar", "--procedure", "sg", "--time", "inf"],
            vec!["time = inf"],
        ),
        (
            "--time 0",
            vec!["--instance", "scalar", "--procedure", "sg", "--time", "0"],
            vec!["time = 0"],
        ),
        (
            "--time 1e9 with --discrete",
            vec![
                "--instance",
                "scalar",
                "--procedure",
                "sg",
                "--discrete",
                "--time",
                "1e9",
            ],
            vec!["time = 1000000000", "1e8"],
        ),
        (
            "--dt 0",
            sim(&["--procedure", "sg", "--dt", "0"]),
            vec!["dt = 0"],
        ),
        (
            "--dt nan",
            sim(&["--procedure", "sg", "--dt", "nan"]),
            vec!["dt = NaN"],
        ),
        (
            "--every 0",
            sim(&["--procedure", "sg", "--every", "0"]),
            vec!["every = 0"],
        ),
        (
            "--init-scale 0",
            sim(&["--procedure", "sg", "--init-scale", "0"]),
            vec!["init-scale = 0"],
        ),
    ]
}

/// `simulate` arguments (after `simulate`) that clap rejects.
fn clap_cases() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        (
            "--kappa -1 (space-separated negative)",
            vec![
                "--instance",
                "scalar",
                "--procedure",
                "ema",
                "--kappa",
                "-1",
            ],
        ),
        (
            "--eta abc",
            vec!["--instance", "scalar", "--procedure", "sg", "--eta", "abc"],
        ),
        (
            "--procedure xx",
            vec!["--instance", "scalar", "--procedure", "xx"],
        ),
        ("missing --procedure", vec!["--instance", "scalar"]),
        (
            "--format xml",
            vec![
                "--instance",
                "scalar",
                "--procedure",
                "sg",
                "--format",
                "xml",
            ],
        ),
        (
            "--every=-1",
            vec!["--instance", "scalar", "--procedure", "sg", "--every=-1"],
        ),
        (
            "unknown flag",
            vec!["--instance", "scalar", "--procedure", "sg", "--bogus"],
        ),
    ]
}

#[test]
fn bad_simulate_parameters_are_rejected() {
    let dir = TempDir::new("params");
    let mut failures = Vec::new();
    let mut runs = 0;
    for (k, (id, args, expect)) in parameter_cases().into_iter().enumerate() {
        let out = dir.path(&format!("param{k:02}.json"));
        let mut full: Vec<String> = vec!["simulate".into()];
        full.extend(args.iter().map(|s| s.to_string()));
        full.extend([
            "--format".into(),
            "json".into(),
            "--out".into(),
            out.display().to_string(),
        ]);
        let expect: Vec<String> = expect.iter().map(|s| s.to_string()).collect();
        runs += 1;
        let o = run(&full);
        if let Err(e) = check_rejected(&o, &expect).and_then(|()| check_no_output(&out)) {
            failures.push(format!("[{id}] `{}`: {e}", show(&full)));
        }
    }
    for (k, (id, args)) in clap_cases().into_iter().enumerate() {
        let out = dir.path(&format!("clap{k:02}.csv"));
        let mut full: Vec<String> = vec!["simulate".into()];
        full.extend(args.iter().map(|s| s.to_string()));
        full.extend(["--out".into(), out.display().to_string()]);
        runs += 1;
        let o = run(&full);
        if let Err(e) = check_clap_rejected(&o).and_then(|()| check_no_output(&out)) {
            failures.push(format!("[clap: {id}] `{}`: {e}", show(&full)));
        }
    }
    finish("bad-parameter runs", runs, failures);
}

/// `verify` rejects a bad instance before doing any work and writes no
/// `--json` report (only two cases: `verify` is the slow command).
#[test]
fn verify_rejects_bad_instances_without_writing_a_report() {
    let dir = TempDir::new("verify");
    let bad = dir.write(
        "joint.toml",
        b"n = 2\nlambda = 0.1\nmxx = [[1, 0], [0, 1]]\nmyx = [[2, 0], [0, 2]]\nmyy = [[1, 0], [0, 1]]\n",
    );
    let cases: Vec<(&str, String, Vec<String>)> = vec![
        (
            "joint moment matrix not PSD",
            bad.display().to_string(),
            vec![
                "not positive semidefinite".into(),
                "joint moment matrix".into(),
            ],
        ),
        (
            "unknown built-in name",
            "no-such-instance".into(),
            vec!["unknown instance \"no-such-instance\"".into()],
        ),
    ];
    let mut failures = Vec::new();
    let total = cases.len();
    for (k, (id, instance, expect)) in cases.into_iter().enumerate() {
        let report = dir.path(&format!("report{k}.json"));
        // A valid built-in listed first: the bad one must still stop the run.
        let args: Vec<String> = vec![
            "verify".into(),
            "--instance".into(),
            "scalar".into(),
            "--instance".into(),
            instance,
            "--json".into(),
            report.display().to_string(),
        ];
        let o = run(&args);
        if let Err(e) = check_rejected(&o, &expect).and_then(|()| check_no_output(&report)) {
            failures.push(format!("[verify: {id}] `{}`: {e}", show(&args)));
        }
    }
    finish("verify runs", total, failures);
}

/// `export` with `extra`, writing to `out`.
fn export(out: &str, extra: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = vec!["export".into()];
    v.extend(extra.iter().map(|s| s.to_string()));
    v.extend(["--out".into(), out.to_string()]);
    v
}

/// `export` and `verify` arguments the program itself rejects (`bad` is an
/// invalid instance file, `out` the output path), with what the error says.
fn export_program_cases<'a>(bad: &str, out: &str) -> Vec<(&'a str, Vec<String>, Vec<&'a str>)> {
    vec![
        (
            "shape beyond the system limit",
            export(
                out,
                &[
                    "--shape",
                    "7,1",
                    "--system",
                    "sg-equilibrium",
                    "--format",
                    "json",
                ],
            ),
            vec!["n = 7, m = 1", "≤ 6"],
        ),
        (
            "malformed shape",
            export(
                out,
                &[
                    "--shape",
                    "2x2",
                    "--system",
                    "sg-equilibrium",
                    "--format",
                    "json",
                ],
            ),
            vec!["shape = 2x2"],
        ),
        (
            "invalid instance file",
            export(
                out,
                &[
                    "--instance",
                    bad,
                    "--system",
                    "s-equation",
                    "--format",
                    "singular",
                ],
            ),
            vec!["not positive semidefinite"],
        ),
        (
            "unknown instance",
            export(
                out,
                &[
                    "--instance",
                    "nope",
                    "--system",
                    "gd-critical",
                    "--format",
                    "sympy",
                ],
            ),
            vec!["unknown instance \"nope\""],
        ),
        (
            "verify --proof-dimension 5",
            vec![
                "verify".into(),
                "--instance".into(),
                "scalar".into(),
                "--proof-dimension".into(),
                "5".into(),
                "--json".into(),
                out.to_string(),
            ],
            vec!["proof-dimension = 5", "at most 4"],
        ),
        (
            "verify --count-proof-budget -1",
            vec![
                "verify".into(),
                "--instance".into(),
                "scalar".into(),
                "--count-proof-budget".into(),
                "-1".into(),
                "--json".into(),
                out.to_string(),
            ],
            vec!["count-proof-budget = -1", "≥ 0"],
        ),
    ]
}

/// `export` arguments that clap rejects.
fn export_clap_cases(out: &str) -> Vec<Vec<String>> {
    vec![
        export(out, &["--system", "sg", "--format", "json"]),
        export(out, &["--system", "sg-equilibrium", "--format", "maple"]),
        export(
            out,
            &[
                "--shape",
                "2,2",
                "--instance",
                "default",
                "--system",
                "sg-equilibrium",
                "--format",
                "json",
            ],
        ),
        vec![
            "export".into(),
            "--system".into(),
            "sg-equilibrium".into(),
            "--format".into(),
            "json".into(),
        ],
    ]
}

/// `export` and `verify --proof-dimension` refuse what the symbolic layer
/// cannot do, with one line naming the limit, before touching Symbolica (so
/// stdout stays empty) and without writing the output file.
#[test]
fn symbolic_limits_and_bad_export_arguments_are_rejected() {
    let dir = TempDir::new("export");
    let bad = dir.write(
        "nonpsd.toml",
        b"n = 1\nlambda = 0.1\nmxx = [[1]]\nmyx = [[2]]\nmyy = [[1]]\n",
    );
    let out = dir.path("system.txt");
    let o_s = out.display().to_string();
    let program_cases = export_program_cases(&bad.display().to_string(), &o_s);
    let clap_cases = export_clap_cases(&o_s);
    let mut failures = Vec::new();
    let total = program_cases.len() + clap_cases.len();
    for (id, args, expect) in program_cases {
        let expect: Vec<String> = expect.iter().map(|s| s.to_string()).collect();
        let o = run(&args);
        if let Err(e) = check_rejected(&o, &expect).and_then(|()| check_no_output(&out)) {
            failures.push(format!("[{id}] `{}`: {e}", show(&args)));
        }
    }
    for args in clap_cases {
        let o = run(&args);
        if let Err(e) = check_clap_rejected(&o).and_then(|()| check_no_output(&out)) {
            failures.push(format!("[clap] `{}`: {e}", show(&args)));
        }
    }
    finish("export and proof-limit runs", total, failures);
}

#[test]
fn bad_characterize_and_count_arguments_are_rejected() {
    let dir = TempDir::new("characterize");
    let m5 = dir.write(
        "m5.toml",
        b"n = 2\nm = 5\nlambda = \"1/10\"\n[generator]\nseed = 3\n",
    );
    let no_decay = dir.write(
        "nodecay.toml",
        b"n = 2\nlambda = 0\nmxx = [[1]]\nmyx = [[1]]\nmyy = [[2]]\n",
    );
    let out = dir.path("out.json");
    let o_s = out.display().to_string();
    let with_json = |args: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        v.extend(["--json".into(), o_s.clone()]);
        v
    };
    let m5_s = m5.display().to_string();
    let nd_s = no_decay.display().to_string();
    let cases: Vec<(&str, Vec<String>, Vec<&str>)> = vec![
        (
            "characterize m = 5",
            with_json(&["characterize", "--instance", &m5_s]),
            vec!["m = 5", "m ≤ 4"],
        ),
        (
            "characterize λ = 0",
            with_json(&["characterize", "--instance", &nd_s]),
            vec!["lambda = 0", "λ > 0"],
        ),
        (
            "characterize rank beyond min(n, m)",
            with_json(&["characterize", "--instance", "default", "--rank", "3"]),
            vec!["rank = 3", "min(n, m) = 2"],
        ),
        (
            "characterize digits 0",
            with_json(&["characterize", "--instance", "default", "--digits", "0"]),
            vec!["digits = 0", "between 3 and 60"],
        ),
        (
            "characterize negative timeout",
            with_json(&["characterize", "--instance", "default", "--timeout=-1"]),
            vec!["timeout = -1"],
        ),
        (
            "characterize NaN eta",
            with_json(&["characterize", "--instance", "default", "--eta", "nan"]),
            vec!["eta = NaN"],
        ),
        (
            "count m = 6",
            with_json(&["count", "--m", "6"]),
            vec!["m = [6]", "between 1 and 5"],
        ),
        (
            "count no instances",
            with_json(&["count", "--m", "2", "--instances", "0"]),
            vec!["instances = 0"],
        ),
    ];
    let mut failures = Vec::new();
    let total = cases.len();
    for (id, args, expect) in cases {
        let expect: Vec<String> = expect.iter().map(|s| s.to_string()).collect();
        let o = run(&args);
        if let Err(e) = check_rejected(&o, &expect).and_then(|()| check_no_output(&out)) {
            failures.push(format!("[{id}] `{}`: {e}", show(&args)));
        }
    }
    finish("characterize and count runs", total, failures);
}

// ---------------------------------------------------------------------------
// Positive controls
// ---------------------------------------------------------------------------

/// `instances --show FILE` accepts the file (exit 0, nothing on stderr), and
/// its output, written back to a file, shows identically. Returns the output.
fn show_round_trips(dir: &TempDir, path: &Path, tag: &str) -> String {
    let first = run(&["instances", "--show", &path.display().to_string()]);
    assert_eq!(
        first.code,
        Some(0),
        "{} rejected: {}",
        path.display(),
        first.stderr
    );
    assert!(
        first.stderr.is_empty(),
        "unexpected stderr: {}",
        first.stderr
    );
    assert!(
        !first.stdout.is_empty(),
        "empty output for {}",
        path.display()
    );
    let back = dir.write(&format!("{tag}-back.toml"), first.stdout.as_bytes());
    let second = run(&["instances", "--show", &back.display().to_string()]);
    assert_eq!(
        second.code,
        Some(0),
        "re-reading the output failed: {}",
        second.stderr
    );
    assert_eq!(
        first.stdout, second.stdout,
        "the output of `instances --show` does not re-parse to itself"
    );
    first.stdout
}

#[test]
fn valid_toml_file_is_accepted_and_round_trips() {
    let dir = TempDir::new("valid-toml");
    let path = dir.write(
        "control.toml",
        br#"# Explicit moments, every number form.
name = "control"
n = 3
m = 2
lambda = 0.02
mxx = [[2, "1/3"], ["1/3", 1.5]]
myx = [[1, 0], ["5e-1", 1]]
myy = [[2, 0], [0, 2]]
"#,
    );
    let text = show_round_trips(&dir, &path, "toml");
    for needle in [
        "name = \"control\"",
        "n = 3",
        "m = 2",
        "lambda = \"1/50\"",
        "mxx = [[\"2\", \"1/3\"], [\"1/3\", \"3/2\"]]",
        "myx = [[\"1\", \"0\"], [\"1/2\", \"1\"]]",
    ] {
        assert!(text.contains(needle), "{needle:?} not in output:\n{text}");
    }
    // The same file also runs (and --out is then written, atomically).
    let out = dir.path("records.csv");
    let o = run(&[
        "simulate",
        "--instance",
        &path.display().to_string(),
        "--procedure",
        "sg",
        "--time",
        "1",
        "--format",
        "csv",
        "--out",
        &out.display().to_string(),
    ]);
    assert_eq!(o.code, Some(0), "simulate failed: {}", o.stderr);
    assert!(o.stdout.is_empty(), "simulate --out printed to stdout");
    let records = std::fs::read_to_string(&out).expect("records written");
    assert!(
        records.starts_with("t,ebar,f,grad_ebar,norm_a"),
        "{records}"
    );
    assert!(!out.with_extension("partial").exists());
}

#[test]
fn valid_json_file_is_accepted_and_round_trips() {
    let dir = TempDir::new("valid-json");
    let path = dir.write(
        "control.json",
        br#"{
  "n": 2,
  "lambda": "1/20",
  "generator": {"sigma": [[1, 0.5], [0.5, 1]], "t": [[1, 0], [0, "-1/2"]], "noise": 0.25}
}"#,
    );
    let text = show_round_trips(&dir, &path, "json");
    // Mxx = Σ + σ²I, Myx = TΣ, Myy = TΣTᵀ + σ²I.
    for needle in [
        "name = \"control\"",
        "n = 2",
        "m = 2",
        "lambda = \"1/20\"",
        "mxx = [[\"5/4\", \"1/2\"], [\"1/2\", \"5/4\"]]",
        "myx = [[\"1\", \"1/2\"], [\"-1/4\", \"-1/2\"]]",
        "myy = [[\"5/4\", \"-1/4\"], [\"-1/4\", \"1/2\"]]",
    ] {
        assert!(text.contains(needle), "{needle:?} not in output:\n{text}");
    }
}

/// Every built-in instance prints as a file that loads back to the same text.
#[test]
fn builtin_instances_round_trip() {
    let dir = TempDir::new("builtins");
    let list = run(&["instances"]);
    assert_eq!(list.code, Some(0), "{}", list.stderr);
    let names: Vec<String> = list
        .stdout
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect();
    assert!(names.len() >= 5, "too few built-ins: {names:?}");
    for name in names {
        let shown = run(&["instances", "--show", &name]);
        assert_eq!(shown.code, Some(0), "{name}: {}", shown.stderr);
        let file = dir.write(&format!("{name}.toml"), shown.stdout.as_bytes());
        let again = show_round_trips(&dir, &file, &name);
        assert_eq!(again, shown.stdout, "{name} does not round-trip");
    }
}

//! `locate`: the component a point (a trained encoder A, or S = AᵀA) lies
//! on, or the nearest one, with its distance and stability.

use std::path::{Path, PathBuf};

use nalgebra::DMatrix;
use serde_json::Value;

use crate::analysis::characterize::{CharacterizeConfig, WholeVariety, characterize};
use crate::analysis::locate::{Location, PointAssessment, assess, locate};
use crate::error::{Error, Result};
use crate::model;
use crate::numeric::Model;
use crate::numeric::equilibria::predictor_of;

/// Arguments of `locate`.
#[derive(Debug, clap::Args)]
pub struct LocateArgs {
    /// Built-in name or path of the instance the point was trained on.
    /// Default: the moments stored in the point's file (as `reproduce real
    /// --final-state` writes them), else `default`. With m ≤ 3 and exact
    /// moments the point is located among the exact components; otherwise
    /// it is assessed numerically (its SG flow's limit and that limit's
    /// stability).
    #[arg(long, value_name = "NAME|FILE")]
    pub instance: Option<String>,
    /// A JSON or TOML file with the point: a key `A` (n×m rows) or `S`
    /// (m×m rows); the final-state files of `simulate --final-state` and
    /// `reproduce real --final-state` are accepted as they are.
    #[arg(long, value_name = "FILE")]
    pub point: PathBuf,
    /// Which state of a final-state file with several (e.g. `SG`, `EMA`);
    /// default: the only one, or the first.
    #[arg(long, value_name = "NAME")]
    pub state: Option<String>,
    /// Also write the result as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

/// Runs `locate`.
pub fn run(a: LocateArgs) -> Result<()> {
    let file = read_point(&a.point, a.state.as_deref())?;
    if let Some(p) = &a.json {
        super::common::check_json_path(p)?;
    }
    let inst = match (&a.instance, &file.moments) {
        (Some(name), _) => Some(model::resolve_instance(name)?),
        (None, Some(_)) => None,
        (None, None) => Some(model::resolve_instance("default")?),
    };
    match inst {
        Some(inst) if inst.m() <= EXACT_MAX_M => {
            let s = file.s(&a.point, inst.n(), inst.m())?;
            let cfg = CharacterizeConfig {
                whole_variety: WholeVariety::Never,
                ..CharacterizeConfig::default()
            };
            let bar = super::common::spinner(None);
            let c = characterize(&inst, &cfg, |msg| bar.set_message(msg.to_owned()))?;
            bar.finish_and_clear();
            let loc = locate(&inst, &c, &s)?;
            write_result(a.json.as_deref(), &loc)?;
            print!("{}", render(inst.name(), &loc));
        }
        Some(inst) => {
            let model = Model::from_instance(&inst);
            let reason = format!(
                "m = {} > {EXACT_MAX_M}: the exact strata are computed for m ≤ {EXACT_MAX_M}",
                inst.m()
            );
            assess_file(&a, &file, &model, inst.name(), reason)?;
        }
        None => {
            let (name, model) = file.moments.clone().expect("moments checked above");
            let reason = format!(
                "the moments of {name} (m = {}) are known in floating point only; exact components need rational moments and m ≤ {EXACT_MAX_M}",
                model.m
            );
            assess_file(&a, &file, &model, &name, reason)?;
        }
    }
    Ok(())
}

/// The largest data dimension with exact strata.
const EXACT_MAX_M: usize = 3;

fn write_result<T: serde::Serialize>(path: Option<&Path>, value: &T) -> Result<()> {
    match path {
        Some(path) => super::common::write_json(path, value),
        None => Ok(()),
    }
}

/// The numeric assessment of the point of `file` under `model`.
fn assess_file(
    a: &LocateArgs,
    file: &PointFile,
    model: &Model,
    name: &str,
    reason: String,
) -> Result<()> {
    let enc = file.a(&a.point, model.n, model.m)?;
    let pred = match &file.b {
        Some(b) if b.shape() == (model.n, model.n) => b.clone(),
        Some(b) => {
            return Err(Error::Shape {
                what: "B of the point".into(),
                got: format!("{}×{}", b.nrows(), b.ncols()),
                expected: format!("{0}×{0} (n×n of the instance)", model.n),
            });
        }
        None => predictor_of(model, &enc).ok_or_else(|| {
            Error::Computation("the optimal predictor B*(A) is undefined at the point".into())
        })?,
    };
    let bar = super::common::spinner(None);
    bar.set_message("following the SG flow from the point");
    let result = assess(model, &enc, &pred, reason)?;
    bar.finish_and_clear();
    write_result(a.json.as_deref(), &result)?;
    print!("{}", render_assessment(name, &result));
    Ok(())
}

fn render_assessment(name: &str, p: &PointAssessment) -> String {
    use std::fmt::Write as _;
    let top = |e: &[f64]| -> String {
        let shown: Vec<String> = e.iter().take(6).map(|x| format!("{x:.6}")).collect();
        let more = if e.len() > 6 {
            format!(", … ({} in all)", e.len())
        } else {
            String::new()
        };
        format!("[{}{more}]", shown.join(", "))
    };
    let rank = |r: Option<usize>| {
        r.map_or("undecided (no gap in the singular values)".into(), |r| {
            r.to_string()
        })
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "ssl-equilibria locate on {name}: numeric only ({})",
        p.reason
    );
    let _ = writeln!(
        out,
        "the point: S = AᵀA has eigenvalues {}; rank {}; SG field {:.3e}",
        top(&p.eigenvalues),
        rank(p.rank),
        p.field_norm
    );
    let f = &p.flow;
    if f.converged {
        let _ = writeln!(
            out,
            "the SG flow from it converges (field {:.1e} at t = {:.1}) to an equilibrium at distance {:.3e} in S-space: rank {}, eigenvalues {}",
            f.field_norm,
            f.t,
            f.distance,
            rank(f.rank),
            top(&f.eigenvalues)
        );
    } else {
        let _ = writeln!(
            out,
            "the SG flow from it does not converge by t = {:.0} (field {:.1e})",
            f.t, f.field_norm
        );
    }
    let _ = writeln!(
        out,
        "SG flow at that limit: {} (numeric): {}",
        f.sg_verdict.as_str(),
        f.detail
    );
    out
}

fn render(name: &str, loc: &Location) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let eig: Vec<String> = loc.eigenvalues.iter().map(|x| format!("{x:.6}")).collect();
    let _ = writeln!(
        out,
        "ssl-equilibria locate on {name}: S = AᵀA has eigenvalues [{}]",
        eig.join(", ")
    );
    match loc.candidates.first() {
        None => {
            let _ = writeln!(out, "no component is known");
        }
        Some(c) => {
            let _ = writeln!(
                out,
                "{} rank-{} component [{}] ({}), distance {:.3e} (tolerance {:.1e}); SG flow: {} ({})",
                if loc.on_component {
                    "on the"
                } else {
                    "nearest:"
                },
                c.rank,
                c.index,
                family_text(c.family_dimension),
                c.distance,
                loc.tolerance,
                c.sg_verdict.as_str(),
                c.sg_level.as_str()
            );
        }
    }
    for c in loc.candidates.iter().skip(1).take(4) {
        let _ = writeln!(
            out,
            "  then rank-{} [{}] ({}) at {:.3e}: SG {} ({})",
            c.rank,
            c.index,
            family_text(c.family_dimension),
            c.distance,
            c.sg_verdict.as_str(),
            c.sg_level.as_str()
        );
    }
    if !loc.unresolved_ranks.is_empty() {
        let _ = writeln!(
            out,
            "not resolved: rank(s) {:?}; their components may be missing above",
            loc.unresolved_ranks
        );
    }
    out
}

fn family_text(d: Option<usize>) -> String {
    match d {
        Some(0) => "isolated".into(),
        Some(d) => format!("family of dimension {d}"),
        None => "family of undecided dimension".into(),
    }
}

/// What a point file holds: the matrices of the chosen state, and the
/// moments the point was trained on when the file carries them.
struct PointFile {
    a: Option<DMatrix<f64>>,
    b: Option<DMatrix<f64>>,
    s: Option<DMatrix<f64>>,
    moments: Option<(String, Model)>,
}

impl PointFile {
    /// S = AᵀA (or S itself), checked against the instance's n and m.
    fn s(&self, path: &Path, n: usize, m: usize) -> Result<DMatrix<f64>> {
        if self.a.is_some() {
            let a = self.a(path, n, m)?;
            return Ok(a.transpose() * a);
        }
        match &self.s {
            Some(s) if s.shape() == (m, m) => Ok(s.clone()),
            Some(s) => Err(Error::Shape {
                what: "S of the point".into(),
                got: format!("{}×{}", s.nrows(), s.ncols()),
                expected: format!("{m}×{m}"),
            }),
            None => Err(bad_file(path, "expected a key A (n×m) or S (m×m)".into())),
        }
    }

    /// A, checked against n and m.
    fn a(&self, path: &Path, n: usize, m: usize) -> Result<DMatrix<f64>> {
        match &self.a {
            Some(a) if a.shape() == (n, m) => Ok(a.clone()),
            Some(a) => Err(Error::Shape {
                what: "A of the point".into(),
                got: format!("{}×{}", a.nrows(), a.ncols()),
                expected: format!("{n}×{m} (n×m of the instance)"),
            }),
            None => Err(bad_file(
                path,
                "this assessment needs the encoder: a key A (n×m)".into(),
            )),
        }
    }
}

fn bad_file(path: &Path, message: String) -> Error {
    Error::BadFile {
        path: path.display().to_string(),
        message,
    }
}

/// Reads the point (A, B or S) and any stored moments from a JSON or TOML
/// file.
fn read_point(path: &Path, state: Option<&str>) -> Result<PointFile> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        action: "read",
        path: path.display().to_string(),
        source,
    })?;
    let bad = |message: String| bad_file(path, message);
    let top: Value = if path.extension().is_some_and(|e| e == "toml") {
        let t: toml::Value = toml::from_str(&text).map_err(|e| bad(e.to_string()))?;
        serde_json::to_value(t).map_err(|e| bad(e.to_string()))?
    } else {
        serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?
    };
    // A final-state file: {"states": [{"procedure": "SG", "A": ...}, ...]}.
    let value = match top.get("states").and_then(Value::as_array) {
        Some(states) => {
            let pick = match state {
                Some(name) => states.iter().find(|s| {
                    s.get("procedure")
                        .and_then(Value::as_str)
                        .is_some_and(|p| p.eq_ignore_ascii_case(name))
                }),
                None => states.first(),
            };
            pick.cloned().ok_or_else(|| {
                bad(format!(
                    "no state {:?} among {} state(s)",
                    state.unwrap_or("(first)"),
                    states.len()
                ))
            })?
        }
        None => top.clone(),
    };
    let moments = match top.get("moments") {
        None => None,
        Some(mo) => Some(read_moments(path, &top, mo)?),
    };
    Ok(PointFile {
        a: matrix(path, &value, "A")?,
        b: matrix(path, &value, "B")?,
        s: matrix(path, &value, "S")?,
        moments,
    })
}

/// The rows of `value[key]` as a matrix, if present.
fn matrix(path: &Path, value: &Value, key: &str) -> Result<Option<DMatrix<f64>>> {
    let bad = |message: String| bad_file(path, message);
    let Some(rows) = value.get(key) else {
        return Ok(None);
    };
    let rows = rows
        .as_array()
        .ok_or_else(|| bad(format!("{key} must be a list of rows")))?;
    let mut out: Vec<Vec<f64>> = Vec::new();
    for row in rows {
        let row = row
            .as_array()
            .ok_or_else(|| bad(format!("{key} must be a list of rows of numbers")))?;
        let nums: Option<Vec<f64>> = row.iter().map(Value::as_f64).collect();
        let nums = nums.ok_or_else(|| bad(format!("{key} must hold numbers")))?;
        if let Some(x) = nums.iter().find(|x| !x.is_finite()) {
            return Err(Error::param(key, x, "finite numbers"));
        }
        out.push(nums);
    }
    let cols = out.first().map_or(0, Vec::len);
    if out.iter().any(|r| r.len() != cols) {
        return Err(bad(format!("the rows of {key} have different lengths")));
    }
    Ok(Some(DMatrix::from_fn(out.len(), cols, |i, j| out[i][j])))
}

/// The floating-point moments `{"n", "lambda", "mxx", "myx", "myy"}` stored
/// with a point, checked like an instance's (shapes, symmetric positive
/// definite Mxx, λ > 0).
fn read_moments(path: &Path, top: &Value, mo: &Value) -> Result<(String, Model)> {
    let bad = |message: String| bad_file(path, message);
    let get =
        |key: &str| matrix(path, mo, key)?.ok_or_else(|| bad(format!("moments: missing {key}")));
    let (mxx, myx, myy) = (get("mxx")?, get("myx")?, get("myy")?);
    let m = mxx.nrows();
    for (key, x) in [("mxx", &mxx), ("myx", &myx), ("myy", &myy)] {
        if x.shape() != (m, m) {
            return Err(Error::Shape {
                what: format!("moments.{key}"),
                got: format!("{}×{}", x.nrows(), x.ncols()),
                expected: format!("{m}×{m}"),
            });
        }
    }
    let n = mo
        .get("n")
        .and_then(Value::as_u64)
        .filter(|&n| n >= 1)
        .ok_or_else(|| bad("moments: n must be an integer ≥ 1".into()))? as usize;
    let lambda = mo
        .get("lambda")
        .and_then(Value::as_f64)
        .ok_or_else(|| bad("moments: lambda must be a number".into()))?;
    if !(lambda.is_finite() && lambda > 0.0) {
        return Err(Error::param(
            "moments.lambda",
            lambda,
            "a finite weight decay λ > 0",
        ));
    }
    let asym = (&mxx - mxx.transpose()).amax();
    let min_eig = mxx.clone().symmetric_eigen().eigenvalues.min();
    if asym > 1e-12 * mxx.amax().max(1.0) || min_eig <= 0.0 {
        return Err(Error::param(
            "moments.mxx",
            format!("asymmetry {asym:.1e}, smallest eigenvalue {min_eig:.3e}"),
            "a symmetric positive definite matrix",
        ));
    }
    let name = top
        .get("instance")
        .and_then(Value::as_str)
        .unwrap_or("the stored moments")
        .to_owned();
    let model = Model {
        n,
        m,
        mxy: myx.transpose(),
        mxx,
        myx,
        myy,
        lambda,
    };
    Ok((name, model))
}

/// One final state, as written by `--final-state` and read by `locate`.
#[derive(Debug, serde::Serialize)]
pub struct FinalState {
    /// `GD`, `SG` or `EMA`.
    pub procedure: String,
    /// Final time (continuous) or iterations (discrete).
    pub t: f64,
    /// Whether the field norm fell below the tolerance.
    pub converged: bool,
    /// The final field norm.
    pub field_norm: f64,
    /// The encoder (rows).
    #[serde(rename = "A")]
    pub a: Vec<Vec<f64>>,
    /// The predictor (rows).
    #[serde(rename = "B")]
    pub b: Vec<Vec<f64>>,
}

impl FinalState {
    /// The final state of a run.
    pub fn of(procedure: &str, outcome: &crate::numeric::Outcome) -> Self {
        use crate::variety::strata::rows;
        Self {
            procedure: procedure.to_owned(),
            t: outcome.t,
            converged: outcome.converged,
            field_norm: outcome.field_norm,
            a: rows(&outcome.state.a),
            b: rows(&outcome.state.b),
        }
    }
}

/// Writes final states as `{"instance": …, "states": […]}`, with the
/// floating-point moments they were trained on when the instance has no
/// name to resolve (`"moments": {"n", "m", "lambda", "mxx", "myx", "myy"}`).
pub fn write_final_states(
    path: &Path,
    instance: &str,
    moments: Option<&Model>,
    states: &[FinalState],
) -> Result<()> {
    use crate::variety::strata::rows;
    let mut value = serde_json::json!({ "instance": instance, "states": states });
    if let Some(mo) = moments {
        value["moments"] = serde_json::json!({
            "n": mo.n,
            "m": mo.m,
            "lambda": mo.lambda,
            "mxx": rows(&mo.mxx),
            "myx": rows(&mo.myx),
            "myy": rows(&mo.myy),
        });
    }
    let text =
        serde_json::to_string_pretty(&value).map_err(|e| Error::Computation(e.to_string()))?;
    super::common::write_file(path, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `text` to a fresh file named `name` and reads it back.
    fn read(name: &str, text: &str, state: Option<&str>) -> Result<PointFile> {
        let dir = std::env::temp_dir().join(format!("ssl-eq-cli-locate-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        read_point(&path, state)
    }

    #[test]
    fn points_are_read_from_json_toml_and_final_state_files() {
        let p = read("a.json", r#"{"A": [[1, 2], [3, 4], [5, 6]]}"#, None).unwrap();
        let s = p.s(Path::new("a.json"), 3, 2).unwrap();
        assert_eq!(s, DMatrix::from_row_slice(2, 2, &[35.0, 44.0, 44.0, 56.0]));
        assert!(p.moments.is_none());
        let p = read("s.toml", "S = [[2.0, 0.5], [0.5, 1.0]]\n", None).unwrap();
        assert_eq!(p.s(Path::new("s.toml"), 1, 2).unwrap()[(0, 1)], 0.5);
        let states =
            r#"{"states": [{"procedure": "SG", "A": [[1]]}, {"procedure": "EMA", "A": [[2]]}]}"#;
        let first = read("f.json", states, None).unwrap();
        assert_eq!(first.a.unwrap()[(0, 0)], 1.0);
        let ema = read("f.json", states, Some("ema")).unwrap();
        assert_eq!(ema.a.unwrap()[(0, 0)], 2.0);
    }

    #[test]
    fn bad_points_name_what_is_wrong() {
        let err = |name: &str, text: &str, state: Option<&str>| {
            read(name, text, state).err().expect("rejected").to_string()
        };
        assert!(err("r.json", r#"{"A": [[1, 2], [3]]}"#, None).contains("different lengths"));
        assert!(err("n.json", r#"{"A": [["x"]]}"#, None).contains("A must hold numbers"));
        assert!(err("l.json", r#"{"A": 3}"#, None).contains("A must be a list of rows"));
        let states = r#"{"states": [{"procedure": "SG", "A": [[1]]}]}"#;
        assert!(err("st.json", states, Some("GD")).contains("no state \"GD\""));
        assert!(err("bad.json", "{", None).contains("bad.json"));
        // Shapes against the instance, and a file with neither A nor S.
        let p = read("a.json", r#"{"A": [[1, 2]]}"#, None).unwrap();
        let e = p.s(Path::new("a.json"), 2, 2).unwrap_err().to_string();
        assert!(e.contains("1×2") && e.contains("2×2"), "{e}");
        let p = read("e.json", r#"{"B": [[1]]}"#, None).unwrap();
        let e = p.s(Path::new("e.json"), 1, 1).unwrap_err().to_string();
        assert!(e.contains("expected a key A (n×m) or S (m×m)"), "{e}");
    }
}

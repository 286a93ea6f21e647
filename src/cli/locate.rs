//! `locate`: the component a point (a trained encoder A, or S = AᵀA) lies
//! on, or the nearest one, with its distance and stability.

use std::path::{Path, PathBuf};
use std::time::Duration;

use nalgebra::DMatrix;
use serde_json::Value;

use crate::analysis::characterize::{CharacterizeConfig, WholeVariety, characterize};
use crate::analysis::locate::{Location, locate};
use crate::error::{Error, Result};
use crate::model;

/// Arguments of `locate`.
#[derive(Debug, clap::Args)]
pub struct LocateArgs {
    /// Built-in name or path of the instance the point was trained on
    /// (m ≤ 3, λ > 0).
    #[arg(long, value_name = "NAME|FILE", default_value = "default")]
    pub instance: String,
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
    let inst = model::resolve_instance(&a.instance)?;
    let s = read_point(&a.point, a.state.as_deref(), inst.n(), inst.m())?;
    if let Some(p) = &a.json {
        super::common::check_json_path(p)?;
    }
    let cfg = CharacterizeConfig {
        whole_variety: WholeVariety::Never,
        ..CharacterizeConfig::default()
    };
    let bar = indicatif::ProgressBar::new_spinner();
    bar.enable_steady_tick(Duration::from_millis(200));
    let c = characterize(&inst, &cfg, |msg| bar.set_message(msg.to_owned()))?;
    bar.finish_and_clear();
    let loc = locate(&inst, &c, &s)?;
    if let Some(path) = &a.json {
        let text =
            serde_json::to_string_pretty(&loc).map_err(|e| Error::Computation(e.to_string()))?;
        super::common::write_file(path, &text)?;
    }
    print!("{}", render(inst.name(), &loc));
    Ok(())
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

/// Reads S (or A, reduced to AᵀA) from a JSON or TOML file.
fn read_point(path: &Path, state: Option<&str>, n: usize, m: usize) -> Result<DMatrix<f64>> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        action: "read",
        path: path.display().to_string(),
        source,
    })?;
    let bad = |message: String| Error::BadFile {
        path: path.display().to_string(),
        message,
    };
    let value: Value = if path.extension().is_some_and(|e| e == "toml") {
        let t: toml::Value = toml::from_str(&text).map_err(|e| bad(e.to_string()))?;
        serde_json::to_value(t).map_err(|e| bad(e.to_string()))?
    } else {
        serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?
    };
    // A final-state file: {"states": [{"procedure": "SG", "A": ...}, ...]}.
    let value = match value.get("states").and_then(Value::as_array) {
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
        None => value,
    };
    let matrix = |key: &str| -> Result<Option<DMatrix<f64>>> {
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
    };
    if let Some(a) = matrix("A")? {
        if a.shape() != (n, m) {
            return Err(Error::Shape {
                what: "A of the point".into(),
                got: format!("{}×{}", a.nrows(), a.ncols()),
                expected: format!("{n}×{m} (n×m of the instance)"),
            });
        }
        return Ok(a.transpose() * a);
    }
    if let Some(s) = matrix("S")? {
        if s.shape() != (m, m) {
            return Err(Error::Shape {
                what: "S of the point".into(),
                got: format!("{}×{}", s.nrows(), s.ncols()),
                expected: format!("{m}×{m}"),
            });
        }
        return Ok(s);
    }
    Err(bad("expected a key A (n×m) or S (m×m)".into()))
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

/// Writes final states as `{"instance": …, "states": […]}`.
pub fn write_final_states(path: &Path, instance: &str, states: &[FinalState]) -> Result<()> {
    let value = serde_json::json!({ "instance": instance, "states": states });
    let text =
        serde_json::to_string_pretty(&value).map_err(|e| Error::Computation(e.to_string()))?;
    super::common::write_file(path, &text)
}

//! What several subcommands share: output files written whole or not at all,
//! JSON, progress bars and the checks of numeric flags.

use std::path::Path;
use std::time::Duration;

use clap::ValueEnum;

use crate::error::{Error, Result};
use crate::model::{self, Instance};
use crate::report;

/// Image formats.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum PlotFormatArg {
    /// SVG.
    Svg,
    /// PNG.
    Png,
}

impl PlotFormatArg {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            PlotFormatArg::Svg => "svg",
            PlotFormatArg::Png => "png",
        }
    }
}

/// Writes `text` to `path` through a temporary file renamed at the end, so
/// that nothing partial is left behind.
pub fn write_file(path: &Path, text: &str) -> Result<()> {
    let tmp = path.with_extension("partial");
    std::fs::write(&tmp, text)
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|source| {
            let _ = std::fs::remove_file(&tmp);
            Error::Io {
                action: "write",
                path: path.display().to_string(),
                source,
            }
        })
}

/// Writes `value` as pretty JSON to `path`.
pub fn write_json<T: serde::Serialize + ?Sized>(path: &Path, value: &T) -> Result<()> {
    let text =
        serde_json::to_string_pretty(value).map_err(|e| Error::Computation(e.to_string()))?;
    write_file(path, &text)
}

/// An instance file (TOML) of `inst`.
pub fn instance_toml(inst: &Instance) -> Result<String> {
    toml::to_string(&inst.to_file()).map_err(|e| Error::Computation(e.to_string()))
}

/// Checks that `--json FILE` can be written, before any work (bad input otherwise).
pub fn check_json_path(path: &Path) -> Result<()> {
    report::plot::check_writable_dir(
        "json",
        path.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new(".")),
        path,
    )
}

/// The SVG text of a figure that `draw` writes to the path it is given (a
/// temporary file, removed afterwards), for pages that inline their figures.
pub fn svg_of(draw: impl FnOnce(&Path) -> Result<()>) -> Result<String> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "ssl-equilibria-figure-{}-{}.svg",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let result = draw(&path).and_then(|()| {
        std::fs::read_to_string(&path).map_err(|source| Error::Io {
            action: "read",
            path: path.display().to_string(),
            source,
        })
    });
    let _ = std::fs::remove_file(&path);
    result
}

/// A progress bar of `len` steps of `what`, on stderr.
pub fn progress_bar(len: u64, what: &str) -> indicatif::ProgressBar {
    bar_with(
        indicatif::ProgressBar::new(len),
        &format!("{{bar:30}} {{pos}}/{{len}} {what} {{elapsed}} (eta {{eta}})"),
    )
}

/// A progress bar with the given indicatif template (the default bar if
/// the template does not parse).
pub fn bar_with(bar: indicatif::ProgressBar, template: &str) -> indicatif::ProgressBar {
    bar.set_style(
        indicatif::ProgressStyle::with_template(template)
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// A spinner that ticks on its own, for work of unknown length; `template`
/// as for indicatif, or the default spinner.
pub fn spinner(template: Option<&str>) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new_spinner();
    if let Some(t) = template {
        bar.set_style(
            indicatif::ProgressStyle::with_template(t)
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// `x` must be finite and positive (flag `name`).
pub fn positive(name: &str, x: f64) -> Result<()> {
    if x.is_finite() && x > 0.0 {
        Ok(())
    } else {
        Err(Error::param(name, x, "a finite number > 0"))
    }
}

/// The work budget of `--count-proof-budget` must be finite and `≥ 0`.
pub fn count_proof_budget(budget: Option<f64>) -> Result<()> {
    match budget {
        Some(b) if !(b.is_finite() && b >= 0.0) => Err(Error::param(
            "count-proof-budget",
            b,
            "a finite number ≥ 0 (units of 10⁹ word products)",
        )),
        _ => Ok(()),
    }
}

/// Parses `a,b` (flag `flag`; `expected` says what is accepted).
pub fn pair<T: std::str::FromStr>(flag: &str, text: &str, expected: &str) -> Result<(T, T)> {
    let bad = || Error::param(flag, text, expected);
    let (a, b) = text.split_once(',').ok_or_else(bad)?;
    Ok((
        a.trim().parse().map_err(|_| bad())?,
        b.trim().parse().map_err(|_| bad())?,
    ))
}

/// The named instances (built-in names or files), or every built-in one.
pub fn resolve_all(names: &[String]) -> Result<Vec<Instance>> {
    if names.is_empty() {
        return Ok(model::builtin_instances());
    }
    names.iter().map(|n| model::resolve_instance(n)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_parse_or_name_the_flag() {
        let ok: (usize, usize) = pair("shape", " 3, 2", "n,m").unwrap();
        assert_eq!(ok, (3, 2));
        let err = pair::<usize>("shape", "3x2", "n,m").unwrap_err();
        assert!(err.is_bad_input());
        assert!(err.to_string().contains("shape"), "{err}");
        assert!(pair::<f64>("lambda-range", "0.1,", "a,b").is_err());
    }

    #[test]
    fn positive_rejects_zero_nan_and_infinity() {
        assert!(positive("eta", 0.5).is_ok());
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(positive("eta", bad).unwrap_err().is_bad_input());
        }
    }

    #[test]
    fn files_are_written_whole() {
        let dir = std::env::temp_dir().join(format!("ssl-eq-cli-common-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("out.json");
        write_json(&path, &[1, 2]).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "[\n  1,\n  2\n]");
        assert!(!dir.join("out.partial").exists());
        let missing = dir.join("no-such-dir").join("x.json");
        assert!(write_file(&missing, "x").is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn no_names_means_every_builtin_instance() {
        assert_eq!(
            resolve_all(&[]).unwrap().len(),
            model::builtin_instances().len()
        );
        let one = resolve_all(&["square".to_owned()]).unwrap();
        assert_eq!(one[0].name(), "square");
        assert!(resolve_all(&["no-such-instance".to_owned()]).is_err());
    }
}

//! Plots (plotters): SVG or PNG, chosen by the file's extension.
//!
//! Text is drawn with DejaVu Sans compiled into the binary (see
//! `assets/fonts/README.md`), so no system font is needed. Files are written
//! whole: SVG is rendered in memory, PNG to a temporary file that is renamed
//! on success, so a failed plot leaves nothing behind.
//!
//! The figures render what the library computed: trajectories
//! ([`trajectories`]), the m = 1 basins ([`basins`]), the real-data curves
//! ([`real_training`]), a spectrum in the complex plane ([`spectrum`]) and
//! the phase portrait of a trajectory ([`phase_portrait`]).

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::{Error, Result};
use crate::experiments::real::RealReport;
use crate::experiments::synthetic::{Endpoint, Trial};

mod phase;
pub use phase::{PhaseMarks, phase_portrait};

static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static REGISTER: Once = Once::new();

fn register_font() {
    REGISTER.call_once(|| {
        // The shipped font is valid TrueType; a failure would show as missing text.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

/// Output format of a plot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Scalable vector graphics.
    Svg,
    /// Portable network graphics.
    Png,
}

/// The format of `path` by its extension (`.svg` or `.png`, any case).
pub fn format_of(path: &Path) -> Result<Format> {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("svg") => Ok(Format::Svg),
        Some("png") => Ok(Format::Png),
        _ => Err(Error::param(
            "plot",
            path.display(),
            "a file name ending in .svg or .png",
        )),
    }
}

/// Checks, before any work, that a plot can be written at `path`: a known
/// extension and an existing, writable directory. Errors are bad input.
pub fn check_plot_path(path: &Path) -> Result<Format> {
    check_plot_flag("plot", path)
}

/// [`check_plot_path`] for a plot given with `flag` (named in the error).
pub fn check_plot_flag(flag: &str, path: &Path) -> Result<Format> {
    let format = format_of(path)
        .map_err(|_| Error::param(flag, path.display(), "a file name ending in .svg or .png"))?;
    check_writable_dir(
        flag,
        path.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new(".")),
        path,
    )?;
    Ok(format)
}

/// A plot directory given with `flag`: created if missing, then checked
/// writable ([`check_writable_dir`]).
pub fn prepare_plot_dir(flag: &str, dir: &Path) -> Result<()> {
    if !dir.exists() {
        std::fs::create_dir_all(dir).map_err(|e| {
            Error::param(
                flag,
                dir.display(),
                &format!("a directory that can be created ({e})"),
            )
        })?;
    }
    check_writable_dir(flag, dir, dir)
}

/// Checks that `dir` is an existing directory where files can be created
/// (by creating and removing a probe file); `shown` is the path named in the error.
pub fn check_writable_dir(flag: &str, dir: &Path, shown: &Path) -> Result<()> {
    if !dir.is_dir() {
        return Err(Error::param(
            flag,
            shown.display(),
            "a path in an existing directory",
        ));
    }
    let probe = dir.join(format!(".ssl-equilibria-write-test-{}", std::process::id()));
    match std::fs::write(&probe, b"") {
        Ok(()) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(Error::param(
            flag,
            shown.display(),
            &format!("a writable location ({e})"),
        )),
    }
}

type Area<'a, DB> = DrawingArea<DB, Shift>;

fn draw_err<E: std::fmt::Debug>(e: E) -> Error {
    Error::Computation(format!("drawing the plot failed: {e:?}"))
}

/// A figure: a function drawing on any backend.
trait Figure {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<()>;
}

fn write_figure(path: &Path, size: (u32, u32), fig: &impl Figure) -> Result<()> {
    register_font();
    let io = |source: std::io::Error| Error::Io {
        action: "write",
        path: path.display().to_string(),
        source,
    };
    match format_of(path)? {
        Format::Svg => {
            let mut text = String::new();
            {
                let root = SVGBackend::with_string(&mut text, size).into_drawing_area();
                fig.draw(&root)?;
                root.present().map_err(draw_err)?;
            }
            let tmp = partial(path);
            std::fs::write(&tmp, text)
                .and_then(|_| std::fs::rename(&tmp, path))
                .map_err(|e| {
                    let _ = std::fs::remove_file(&tmp);
                    io(e)
                })
        }
        Format::Png => {
            let tmp = partial(path);
            let result = (|| {
                let root = BitMapBackend::new(&tmp, size).into_drawing_area();
                fig.draw(&root)?;
                root.present().map_err(draw_err)
            })();
            match result.and_then(|_| std::fs::rename(&tmp, path).map_err(io)) {
                Ok(()) => Ok(()),
                Err(e) => {
                    let _ = std::fs::remove_file(&tmp);
                    Err(e)
                }
            }
        }
    }
}

/// `dir/.name.partial.ext`: same directory and extension, so PNG encoding
/// picks the right format and the rename is atomic.
fn partial(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.partial.{ext}"))
}

/// Colour of series `i` (a colour-blind-safe palette).
pub fn colour(i: usize) -> RGBColor {
    const P: [RGBColor; 8] = [
        RGBColor(0, 114, 178),   // blue
        RGBColor(213, 94, 0),    // vermillion
        RGBColor(0, 158, 115),   // green
        RGBColor(204, 121, 167), // purple
        RGBColor(230, 159, 0),   // orange
        RGBColor(86, 180, 233),  // sky
        RGBColor(120, 120, 120), // grey
        RGBColor(0, 0, 0),       // black
    ];
    P[i % P.len()]
}

/// One curve of a line panel.
#[derive(Clone, Debug)]
pub struct Series {
    /// Legend label.
    pub name: String,
    /// Colour index (see [`colour`]).
    pub colour: usize,
    /// Points `(x, y)`; non-finite ones (and non-positive ones on a log axis) are skipped.
    pub points: Vec<(f64, f64)>,
}

/// One panel of line plots.
#[derive(Clone, Debug)]
pub struct LinePanel {
    /// Caption.
    pub title: String,
    /// x-axis label.
    pub x_label: String,
    /// y-axis label.
    pub y_label: String,
    /// Logarithmic y axis.
    pub log_y: bool,
    /// The curves.
    pub series: Vec<Series>,
}

/// One panel of points coloured by class.
#[derive(Clone, Debug)]
pub struct ScatterPanel {
    /// Caption.
    pub title: String,
    /// x-axis label.
    pub x_label: String,
    /// y-axis label.
    pub y_label: String,
    /// Logarithmic y axis.
    pub log_y: bool,
    /// Class names (legend) with their colour index.
    pub classes: Vec<(String, usize)>,
    /// Points `(x, y, class)`.
    pub points: Vec<(f64, f64, usize)>,
}

fn range_of(values: impl Iterator<Item = f64>, log: bool) -> Range<f64> {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite() && (!log || *v > 0.0)) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return if log { 0.1..10.0 } else { 0.0..1.0 };
    }
    if log {
        let (l, h) = (lo.log10(), hi.log10());
        let pad = ((h - l) * 0.05).max(0.1);
        10f64.powf(l - pad)..10f64.powf(h + pad)
    } else {
        let pad = ((hi - lo) * 0.05)
            .max(1e-12 * lo.abs().max(hi.abs()))
            .max(1e-300);
        let pad = if hi == lo {
            lo.abs().max(1.0) * 0.1
        } else {
            pad
        };
        lo - pad..hi + pad
    }
}

/// A short tick label: at most three decimals, no trailing zeros,
/// scientific notation for very large or small magnitudes.
pub fn tick(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return if v == 0.0 { "0".into() } else { format!("{v}") };
    }
    let a = v.abs();
    if !(1e-3..1e5).contains(&a) {
        return format!("{v:.0e}");
    }
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_owned() }
}

/// Where the legend goes: the right-hand corner or middle farthest (in
/// height) from where the curves end.
fn legend_position(ends: &[f64], range: &Range<f64>, log: bool) -> SeriesLabelPosition {
    let f = |v: f64| if log { v.log10() } else { v };
    let (lo, hi) = (f(range.start), f(range.end));
    let ys: Vec<f64> = ends
        .iter()
        .copied()
        .filter(|v| v.is_finite() && (!log || *v > 0.0))
        .map(|v| (f(v) - lo) / (hi - lo))
        .collect();
    let clearance = |centre: f64| ys.iter().map(|y| (y - centre).abs()).fold(1.0, f64::min);
    [
        (0.87, SeriesLabelPosition::UpperRight),
        (0.5, SeriesLabelPosition::MiddleRight),
        (0.13, SeriesLabelPosition::LowerRight),
    ]
    .into_iter()
    .fold((-1.0, SeriesLabelPosition::UpperRight), |best, (c, p)| {
        let d = clearance(c);
        if d > best.0 { (d, p) } else { best }
    })
    .1
}

/// [`tick`] on an axis spanning `span`: values within 1e-9·span of 0 (rounding
/// of the tick positions) print as 0.
fn tick_in(v: f64, span: f64) -> String {
    if v.abs() <= 1e-9 * span {
        "0".into()
    } else {
        tick(v)
    }
}

fn keep(log: bool) -> impl Fn(&(f64, f64)) -> bool {
    move |&(x, y)| x.is_finite() && y.is_finite() && (!log || y > 0.0)
}

/// Draws the legend of `chart`'s labelled series at `position`, in the
/// style every figure shares.
fn draw_legend<'a, DB: DrawingBackend + 'a, CT: plotters::coord::CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> Result<()> {
    chart
        .configure_series_labels()
        .label_font(("sans-serif", 12))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .position(position)
        .draw()
        .map_err(draw_err)
}

/// Builds the chart of panel `$p` (titled, with its axis labels) on `$area`
/// over `$xr` × `$yr`, the y axis logarithmic when `$p.log_y`, draws its
/// mesh, then runs `$draw` with the chart bound to `$chart`. A macro because
/// the two y axes give the chart two types.
macro_rules! panel_chart {
    ($area:expr, $p:expr, $xr:expr, $yr:expr, |$chart:ident| $draw:block) => {{
        let (xs, ys) = ($xr.end - $xr.start, $yr.end - $yr.start);
        let mut b = ChartBuilder::on($area);
        b.caption(&$p.title, ("sans-serif", 17))
            .margin(8)
            .x_label_area_size(34)
            .y_label_area_size(62);
        macro_rules! mesh {
            ($c:expr) => {
                $c.configure_mesh()
                    .x_desc($p.x_label.as_str())
                    .y_desc($p.y_label.as_str())
                    .x_labels(6)
                    .x_label_formatter(&|v| tick_in(*v, xs))
                    .y_label_formatter(&|v| if $p.log_y { tick(*v) } else { tick_in(*v, ys) })
                    .label_style(("sans-serif", 12))
                    .light_line_style(WHITE.mix(0.0))
                    .draw()
                    .map_err(draw_err)?
            };
        }
        if $p.log_y {
            let mut $chart = b
                .build_cartesian_2d($xr, $yr.log_scale())
                .map_err(draw_err)?;
            mesh!($chart);
            $draw
        } else {
            let mut $chart = b.build_cartesian_2d($xr, $yr).map_err(draw_err)?;
            mesh!($chart);
            $draw
        }
    }};
}

fn draw_lines<DB: DrawingBackend>(area: &Area<DB>, p: &LinePanel) -> Result<()> {
    let xr = range_of(
        p.series.iter().flat_map(|s| s.points.iter().map(|q| q.0)),
        false,
    );
    let yr = range_of(
        p.series
            .iter()
            .flat_map(|s| s.points.iter().filter(|q| keep(p.log_y)(q)).map(|q| q.1)),
        p.log_y,
    );
    let ends: Vec<f64> = p
        .series
        .iter()
        .filter_map(|s| {
            s.points
                .iter()
                .rev()
                .find(|q| keep(p.log_y)(q))
                .map(|q| q.1)
        })
        .collect();
    let position = legend_position(&ends, &yr, p.log_y);
    panel_chart!(area, p, xr, yr, |chart| {
        for s in &p.series {
            let c = colour(s.colour);
            chart
                .draw_series(LineSeries::new(
                    s.points.iter().copied().filter(keep(p.log_y)),
                    c.stroke_width(2),
                ))
                .map_err(draw_err)?
                .label(s.name.as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(2))
                });
        }
        if p.series.iter().any(|s| !s.name.is_empty()) {
            draw_legend(&mut chart, position.clone())?;
        }
    });
    Ok(())
}

fn draw_scatter<DB: DrawingBackend>(area: &Area<DB>, p: &ScatterPanel) -> Result<()> {
    let pts: Vec<(f64, f64, usize)> = p
        .points
        .iter()
        .copied()
        .filter(|&(x, y, _)| keep(p.log_y)(&(x, y)))
        .collect();
    let xr = range_of(pts.iter().map(|q| q.0), false);
    let yr = range_of(pts.iter().map(|q| q.1), p.log_y);
    panel_chart!(area, p, xr, yr, |chart| {
        for (k, (name, ci)) in p.classes.iter().enumerate() {
            let c = colour(*ci);
            let count = pts.iter().filter(|q| q.2 == k).count();
            chart
                .draw_series(
                    pts.iter()
                        .filter(|q| q.2 == k)
                        .map(|&(x, y, _)| Circle::new((x, y), 2, c.mix(0.6).filled())),
                )
                .map_err(draw_err)?
                .label(format!("{name} ({count})"))
                .legend(move |(x, y)| Circle::new((x + 6, y), 4, c.filled()));
        }
        draw_legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
    });
    Ok(())
}

enum Panel<'a> {
    Lines(&'a LinePanel),
    Scatter(&'a ScatterPanel),
}

struct Grid<'a> {
    title: &'a str,
    cols: usize,
    panels: Vec<Panel<'a>>,
}

impl Figure for Grid<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<()> {
        root.fill(&WHITE).map_err(draw_err)?;
        let root = root
            .titled(self.title, ("sans-serif", 21))
            .map_err(draw_err)?;
        let rows = self.panels.len().div_ceil(self.cols.max(1));
        let areas = root.split_evenly((rows.max(1), self.cols.max(1)));
        for (p, area) in self.panels.iter().zip(areas.iter()) {
            match p {
                Panel::Lines(l) => draw_lines(area, l)?,
                Panel::Scatter(s) => draw_scatter(area, s)?,
            }
        }
        Ok(())
    }
}

fn grid_size(panels: usize, cols: usize) -> (u32, u32) {
    let rows = panels.div_ceil(cols.max(1)).max(1) as u32;
    (460 * cols.max(1) as u32, 340 * rows + 40)
}

/// Writes a grid of line panels (`cols` per row) to `path` (.svg or .png).
pub fn line_panels(path: &Path, title: &str, panels: &[LinePanel], cols: usize) -> Result<()> {
    let grid = Grid {
        title,
        cols,
        panels: panels.iter().map(Panel::Lines).collect(),
    };
    write_figure(path, grid_size(panels.len(), cols), &grid)
}

/// Writes a grid of scatter panels (`cols` per row) to `path` (.svg or .png).
pub fn scatter_panels(
    path: &Path,
    title: &str,
    panels: &[ScatterPanel],
    cols: usize,
) -> Result<()> {
    let grid = Grid {
        title,
        cols,
        panels: panels.iter().map(Panel::Scatter).collect(),
    };
    write_figure(path, grid_size(panels.len(), cols), &grid)
}

/// One recorded point of a trajectory (as `simulate` records it).
#[derive(Clone, Debug, serde::Serialize)]
pub struct TrajectoryPoint {
    /// Time (continuous) or step (discrete).
    pub t: f64,
    /// Ē.
    pub ebar: f64,
    /// F.
    pub f: f64,
    /// ‖∇Ē‖.
    pub grad_ebar: f64,
    /// ‖A‖.
    pub norm_a: f64,
    /// Singular values of A, decreasing.
    pub singular_values: Vec<f64>,
}

/// Ē, F, ‖∇Ē‖, ‖A‖ and the singular values of A over time for several
/// procedures (`(name, points)`, e.g. GD, SG, EMA), one panel each.
pub fn trajectories(
    path: &Path,
    title: &str,
    x_label: &str,
    runs: &[(String, Vec<TrajectoryPoint>)],
) -> Result<()> {
    let series = |f: &dyn Fn(&TrajectoryPoint) -> f64| -> Vec<Series> {
        runs.iter()
            .enumerate()
            .map(|(i, (name, pts))| Series {
                name: name.clone(),
                colour: i,
                points: pts.iter().map(|p| (p.t, f(p))).collect(),
            })
            .collect()
    };
    let panel = |title: &str, y: &str, log_y: bool, s: Vec<Series>| LinePanel {
        title: title.into(),
        x_label: x_label.into(),
        y_label: y.into(),
        log_y,
        series: s,
    };
    let mut sv = Vec::new();
    for (i, (name, pts)) in runs.iter().enumerate() {
        let k = pts
            .iter()
            .map(|p| p.singular_values.len())
            .max()
            .unwrap_or(0);
        for j in 0..k {
            sv.push(Series {
                name: format!("{name} σ{}", j + 1),
                colour: i,
                points: pts
                    .iter()
                    .filter_map(|p| p.singular_values.get(j).map(|&s| (p.t, s)))
                    .collect(),
            });
        }
    }
    let panels = [
        panel("original objective Ē", "Ē", false, series(&|p| p.ebar)),
        panel("teacher objective F", "F", false, series(&|p| p.f)),
        panel("gradient norm ‖∇Ē‖", "‖∇Ē‖", true, series(&|p| p.grad_ebar)),
        panel("encoder norm ‖A‖", "‖A‖", false, series(&|p| p.norm_a)),
        panel("singular values of A", "σᵢ(A)", true, sv),
    ];
    line_panels(path, title, &panels, 3)
}

/// The m = 1 basin picture: for SG and EMA, the final ‖a‖ against Δ and the
/// end point over the (ρ, τ) plane, coloured by outer / origin / inner / not
/// converged.
pub fn basins(path: &Path, title: &str, trials: &[Trial]) -> Result<()> {
    let classes = vec![
        ("outer sphere".to_owned(), 0),
        ("origin".to_owned(), 1),
        ("inner sphere".to_owned(), 2),
        ("not converged".to_owned(), 6),
    ];
    let class = |e: Endpoint| match e {
        Endpoint::Outer => 0,
        Endpoint::Origin => 1,
        Endpoint::Inner => 2,
        _ => 3,
    };
    let mut panels = Vec::new();
    for (name, pick) in [
        ("SG", (|t: &Trial| t.sg) as fn(&Trial) -> _),
        ("EMA", |t: &Trial| t.ema),
    ] {
        // ‖a‖ = 0 cannot be drawn on a log axis, and diverged runs would
        // stretch it: plot ‖a‖ clamped to [1e-8, 1e4].
        panels.push(ScatterPanel {
            title: format!("{name}: final ‖a‖ against Δ"),
            x_label: "Δ = τ² − 4ρλ".into(),
            y_label: "final ‖a‖ (clamped to [1e-8, 1e4])".into(),
            log_y: true,
            classes: classes.clone(),
            points: trials
                .iter()
                .filter_map(|t| {
                    pick(t).map(|e| (t.delta, e.norm_a.clamp(1e-8, 1e4), class(e.endpoint)))
                })
                .collect(),
        });
        panels.push(ScatterPanel {
            title: format!("{name}: end point over (ρ, τ)"),
            x_label: "ρ = Mxx".into(),
            y_label: "τ = Myx".into(),
            log_y: false,
            classes: classes.clone(),
            points: trials
                .iter()
                .filter_map(|t| pick(t).map(|e| (t.rho, t.tau, class(e.endpoint))))
                .collect(),
        });
    }
    scatter_panels(path, title, &panels, 2)
}

/// The real-data curves: Ē, F, ‖∇Ē‖, the parameter steps, ‖A‖ and the probe
/// accuracy over training, one line per procedure.
pub fn real_training(path: &Path, report: &RealReport) -> Result<()> {
    let series = |f: &dyn Fn(&crate::experiments::real::RealRecord) -> f64| -> Vec<Series> {
        report
            .records
            .iter()
            .enumerate()
            .map(|(i, (name, r))| Series {
                name: name.to_uppercase(),
                colour: i,
                points: r.iter().map(|x| (x.step as f64, f(x))).collect(),
            })
            .collect()
    };
    let panel = |title: &str, y: &str, log_y: bool, s: Vec<Series>| LinePanel {
        title: title.into(),
        x_label: "step".into(),
        y_label: y.into(),
        log_y,
        series: s,
    };
    let panels = [
        panel("original objective Ē", "Ē", true, series(&|x| x.ebar)),
        panel("teacher objective F", "F", true, series(&|x| x.f)),
        panel("gradient norm ‖∇Ē‖", "‖∇Ē‖", true, series(&|x| x.grad_ebar)),
        panel(
            "parameter step ‖θ⁺ − θ‖/η (mean)",
            "step / η",
            true,
            series(&|x| x.step_norm),
        ),
        panel("encoder norm ‖A‖", "‖A‖", true, series(&|x| x.norm_a)),
        panel(
            "linear probe accuracy (held out)",
            "accuracy",
            false,
            series(&|x| x.probe),
        ),
    ];
    line_panels(
        path,
        &format!(
            "Linear SSL on handwritten digits (n = {}, λ = {}, η = {}, α = {})",
            report.config.n, report.config.lambda, report.config.eta, report.config.alpha
        ),
        &panels,
        3,
    )
}

struct SpectrumFigure<'a> {
    title: &'a str,
    eigenvalues: &'a [(f64, f64)],
    discrete: bool,
}

impl Figure for SpectrumFigure<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<()> {
        root.fill(&WHITE).map_err(draw_err)?;
        let pts: Vec<(f64, f64)> = self
            .eigenvalues
            .iter()
            .copied()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .collect();
        // Square window containing the points and the stability boundary.
        let mut r: f64 = pts
            .iter()
            .fold(0.0, |m, &(x, y)| m.max(x.abs()).max(y.abs()));
        if self.discrete {
            r = r.max(1.0);
        }
        let r = if r > 0.0 { r * 1.1 } else { 1.0 };
        let mut chart = ChartBuilder::on(root)
            .caption(self.title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(56)
            .build_cartesian_2d(-r..r, -r..r)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .x_desc("Re μ")
            .y_desc("Im μ")
            .x_labels(7)
            .x_label_formatter(&|v| tick_in(*v, 2.0 * r))
            .y_label_formatter(&|v| tick_in(*v, 2.0 * r))
            .label_style(("sans-serif", 12))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(draw_err)?;
        let boundary = colour(6);
        if self.discrete {
            chart
                .draw_series(LineSeries::new(
                    (0..=200).map(|k| {
                        let t = k as f64 / 200.0 * std::f64::consts::TAU;
                        (t.cos(), t.sin())
                    }),
                    boundary.stroke_width(1),
                ))
                .map_err(draw_err)?
                .label("unit circle")
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], boundary));
        } else {
            chart
                .draw_series(LineSeries::new(
                    [(0.0, -r), (0.0, r)],
                    boundary.stroke_width(1),
                ))
                .map_err(draw_err)?
                .label("imaginary axis")
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], boundary));
        }
        let c = colour(1);
        chart
            .draw_series(
                pts.iter()
                    .map(|&(x, y)| Cross::new((x, y), 5, c.stroke_width(2))),
            )
            .map_err(draw_err)?
            .label(format!("eigenvalues ({})", pts.len()))
            .legend(move |(x, y)| Cross::new((x + 6, y), 4, c.stroke_width(2)));
        draw_legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        Ok(())
    }
}

/// The eigenvalues `(re, im)` of a Jacobian in the complex plane, with the
/// stability boundary: the imaginary axis for a flow (`discrete = false`),
/// the unit circle for a map. Written as SVG or PNG by `path`'s extension.
pub fn spectrum(
    path: &Path,
    title: &str,
    eigenvalues: &[(f64, f64)],
    discrete: bool,
) -> Result<()> {
    write_figure(
        path,
        (560, 560),
        &SpectrumFigure {
            title,
            eigenvalues,
            discrete,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ssl-eq-plot-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join(name)
    }

    #[test]
    fn a_spectrum_is_written_as_svg_and_png() {
        let eig = [(-1.0, 0.5), (-1.0, -0.5), (0.0, 0.0), (-0.2, 0.0)];
        let svg = tmp("spec.svg");
        spectrum(&svg, "test spectrum", &eig, false).unwrap();
        let text = std::fs::read_to_string(&svg).unwrap();
        assert!(text.starts_with("<svg") && text.contains("imaginary axis"));
        // One marker per eigenvalue: each cross is two lines.
        assert!(text.contains("eigenvalues (4)"));
        let png = tmp("spec.png");
        spectrum(&png, "test spectrum", &eig, true).unwrap();
        let bytes = std::fs::read(&png).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        assert!(bytes.len() > 1000);
        // No temporary files are left.
        let dir = svg.parent().unwrap();
        assert!(
            std::fs::read_dir(dir).unwrap().all(|e| !e
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("partial"))
        );
    }

    #[test]
    fn ticks_are_short() {
        assert_eq!(tick(500.0), "500");
        assert_eq!(tick(0.25), "0.25");
        assert_eq!(tick(1.0 / 3.0), "0.333");
        assert_eq!(tick(1e-5), "1e-5");
        assert_eq!(tick(-0.0001), "-1e-4");
        assert_eq!(tick(0.0), "0");
    }

    #[test]
    fn unknown_extensions_and_missing_directories_are_bad_input() {
        let e = check_plot_path(Path::new("figure.pdf")).unwrap_err();
        assert!(
            e.is_bad_input() && e.to_string().contains(".svg or .png"),
            "{e}"
        );
        let e = check_plot_path(Path::new("/nonexistent-dir-ssl/x.svg")).unwrap_err();
        assert!(e.is_bad_input(), "{e}");
        assert_eq!(check_plot_path(&tmp("ok.SVG")).unwrap(), Format::Svg);
    }

    #[test]
    fn empty_and_degenerate_series_still_draw() {
        let p = LinePanel {
            title: "flat".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            log_y: true,
            series: vec![
                Series {
                    name: "const".into(),
                    colour: 0,
                    points: vec![(0.0, 1.0), (1.0, 1.0), (2.0, 0.0), (3.0, f64::NAN)],
                },
                Series {
                    name: String::new(),
                    colour: 1,
                    points: vec![],
                },
            ],
        };
        let path = tmp("flat.svg");
        line_panels(&path, "degenerate", &[p], 1).unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() > 500);
    }
}

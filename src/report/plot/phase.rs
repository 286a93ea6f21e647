//! The phase portrait of trajectories: the path in the (‖A‖, Ē) plane, with
//! its start and end marked and optional reference points (such as the
//! shooting points of a certified periodic orbit), beside Ē and ‖A‖ over
//! time.

use std::path::Path;

use plotters::prelude::*;

use super::{
    Area, Figure, LinePanel, Series, TrajectoryPoint, colour, draw_err, draw_legend, draw_lines,
    keep, range_of, tick_in, write_figure,
};
use crate::error::Result;

/// Points drawn as crosses over the (‖A‖, Ē) plane, with their legend label.
#[derive(Clone, Debug)]
pub struct PhaseMarks {
    /// Legend label.
    pub name: String,
    /// Points `(‖A‖, Ē)`.
    pub points: Vec<(f64, f64)>,
}

/// Points `(‖A‖, Ē)` of the phase plane.
type PlanePoints = Vec<(f64, f64)>;

struct PhaseFigure<'a> {
    title: &'a str,
    x_label: &'a str,
    runs: &'a [(String, Vec<TrajectoryPoint>)],
    marks: Option<&'a PhaseMarks>,
}

/// The upper-left pixel of a `box_w`×`box_h` legend inside a plotting area
/// of `area_w`×`area_h` pixels where it covers the fewest of `points`
/// (axis fractions, y upwards): a 9×9 grid of positions, the four corners
/// first, so a tie keeps the legend in a corner.
fn free_spot(points: &[(f64, f64)], area: (u32, u32), legend: (u32, u32)) -> (i32, i32) {
    let (aw, ah) = (area.0 as f64, area.1 as f64);
    let (w, h) = (legend.0 as f64, legend.1 as f64);
    let margin = 8.0;
    let span_x = (aw - w - 2.0 * margin).max(0.0);
    let span_y = (ah - h - 2.0 * margin).max(0.0);
    let pixels: Vec<(f64, f64)> = points
        .iter()
        .map(|&(x, y)| (x * aw, (1.0 - y) * ah))
        .collect();
    let covered = |x0: f64, y0: f64| {
        let pad = 4.0;
        pixels
            .iter()
            .filter(|&&(x, y)| {
                (x0 - pad..=x0 + w + pad).contains(&x) && (y0 - pad..=y0 + h + pad).contains(&y)
            })
            .count()
    };
    let corners = [(0, 0), (8, 0), (0, 8), (8, 8)];
    let grid = (0..9).flat_map(|i| (0..9).map(move |j| (i, j)));
    corners
        .into_iter()
        .chain(grid)
        .map(|(i, j)| {
            (
                margin + span_x * i as f64 / 8.0,
                margin + span_y * j as f64 / 8.0,
            )
        })
        .fold((usize::MAX, (8, 8)), |best, (x0, y0)| {
            let n = covered(x0, y0);
            if n < best.0 {
                (n, (x0.round() as i32, y0.round() as i32))
            } else {
                best
            }
        })
        .1
}

impl PhaseFigure<'_> {
    /// The drawable `(‖A‖, Ē)` points: one path per run, and the marks.
    fn plane_points(&self) -> (Vec<PlanePoints>, PlanePoints) {
        let paths: Vec<PlanePoints> = self
            .runs
            .iter()
            .map(|(_, pts)| {
                pts.iter()
                    .map(|p| (p.norm_a, p.ebar))
                    .filter(keep(false))
                    .collect()
            })
            .collect();
        let marks: PlanePoints = self
            .marks
            .map(|m| m.points.iter().copied().filter(keep(false)).collect())
            .unwrap_or_default();
        (paths, marks)
    }

    /// The legend's size in pixels, estimated from its labels and the
    /// 12-pixel font.
    fn legend_size(&self) -> (u32, u32) {
        let several = self.runs.len() > 1;
        let mut labels: Vec<String> = Vec::new();
        for (name, _) in self.runs {
            let suffix = if several {
                format!(" ({name})")
            } else {
                String::new()
            };
            labels.extend([
                format!("{name} trajectory"),
                format!("start{suffix}"),
                format!("end{suffix}"),
            ]);
        }
        labels.extend(self.marks.map(|m| m.name.clone()));
        let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
        (longest as u32 * 6 + 34, labels.len() as u32 * 18 + 6)
    }

    /// The (‖A‖, Ē) panel: each run's path with its start and end, the
    /// marks, and the legend where it covers the fewest points.
    fn draw_plane<DB: DrawingBackend>(&self, area: &Area<DB>) -> Result<()> {
        let (paths, marks) = self.plane_points();
        let all: Vec<(f64, f64)> = paths.iter().flatten().chain(&marks).copied().collect();
        let xr = range_of(all.iter().map(|p| p.0), false);
        let yr = range_of(all.iter().map(|p| p.1), false);
        let (xs, ys) = (xr.end - xr.start, yr.end - yr.start);
        let (xr0, yr0) = (xr.start, yr.start);
        let mut chart = ChartBuilder::on(area)
            .caption("phase plane (‖A‖, Ē)", ("sans-serif", 17))
            .margin(8)
            .x_label_area_size(34)
            .y_label_area_size(62)
            .build_cartesian_2d(xr, yr)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .x_desc("‖A‖ (Frobenius)")
            .y_desc("Ē")
            .x_labels(6)
            .x_label_formatter(&|v| tick_in(*v, xs))
            .y_label_formatter(&|v| tick_in(*v, ys))
            .label_style(("sans-serif", 12))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(draw_err)?;
        let several = self.runs.len() > 1;
        for (i, ((name, _), path)) in self.runs.iter().zip(&paths).enumerate() {
            let c = colour(i);
            chart
                .draw_series(LineSeries::new(path.iter().copied(), c.stroke_width(2)))
                .map_err(draw_err)?
                .label(format!("{name} trajectory"))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(2))
                });
            let suffix = if several {
                format!(" ({name})")
            } else {
                String::new()
            };
            if let (Some(&first), Some(&last)) = (path.first(), path.last()) {
                let start = colour(2);
                chart
                    .draw_series([Circle::new(first, 7, start.stroke_width(3))])
                    .map_err(draw_err)?
                    .label(format!("start{suffix}"))
                    .legend(move |(x, y)| Circle::new((x + 9, y), 5, start.stroke_width(2)));
                let end = colour(7);
                chart
                    .draw_series([TriangleMarker::new(last, 8, end.filled())])
                    .map_err(draw_err)?
                    .label(format!("end{suffix}"))
                    .legend(move |(x, y)| TriangleMarker::new((x + 9, y), 6, end.filled()));
            }
        }
        if let Some(m) = self.marks {
            let c = colour(1);
            chart
                .draw_series(marks.iter().map(|&p| Cross::new(p, 5, c.stroke_width(2))))
                .map_err(draw_err)?
                .label(m.name.as_str())
                .legend(move |(x, y)| Cross::new((x + 9, y), 5, c.stroke_width(2)));
        }
        // The legend where it covers the fewest points.
        let legend = self.legend_size();
        let scaled: Vec<(f64, f64)> = all
            .iter()
            .map(|&(x, y)| ((x - xr0) / xs, (y - yr0) / ys))
            .collect();
        let (x0, y0) = free_spot(&scaled, chart.plotting_area().dim_in_pixel(), legend);
        draw_legend(&mut chart, SeriesLabelPosition::Coordinate(x0, y0))
    }

    fn time_panel(&self) -> LinePanel {
        let several = self.runs.len() > 1;
        let mut series = Vec::new();
        for (i, (name, pts)) in self.runs.iter().enumerate() {
            let label = |what: &str| {
                if several {
                    format!("{what} ({name})")
                } else {
                    what.to_owned()
                }
            };
            series.push(Series {
                name: label("Ē"),
                colour: 2 * i,
                points: pts.iter().map(|p| (p.t, p.ebar)).collect(),
            });
            series.push(Series {
                name: label("‖A‖"),
                colour: 2 * i + 1,
                points: pts.iter().map(|p| (p.t, p.norm_a)).collect(),
            });
        }
        LinePanel {
            title: "Ē and ‖A‖ over time".into(),
            x_label: self.x_label.into(),
            y_label: "Ē, ‖A‖".into(),
            log_y: false,
            series,
        }
    }
}

impl Figure for PhaseFigure<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<()> {
        root.fill(&WHITE).map_err(draw_err)?;
        let root = root
            .titled(self.title, ("sans-serif", 21))
            .map_err(draw_err)?;
        let (left, right) = root.split_horizontally(root.dim_in_pixel().0 / 2);
        self.draw_plane(&left)?;
        draw_lines(&right, &self.time_panel())
    }
}

/// Writes the phase portrait of `runs` (`(name, points)`) to `path` (.svg or
/// .png): each trajectory in the (‖A‖, Ē) plane with its start (circle) and
/// end (triangle), `marks` as crosses, and beside it Ē and ‖A‖ against
/// time (`x_label`: `t` or `step`).
pub fn phase_portrait(
    path: &Path,
    title: &str,
    x_label: &str,
    runs: &[(String, Vec<TrajectoryPoint>)],
    marks: Option<&PhaseMarks>,
) -> Result<()> {
    write_figure(
        path,
        (1100, 520),
        &PhaseFigure {
            title,
            x_label,
            runs,
            marks,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(t: f64) -> TrajectoryPoint {
        TrajectoryPoint {
            t,
            ebar: 0.1 + 0.05 * t.sin(),
            f: 0.0,
            grad_ebar: 0.0,
            norm_a: 0.6 + 0.2 * t.cos(),
            singular_values: vec![0.6 + 0.2 * t.cos(), 0.0],
        }
    }

    #[test]
    fn a_phase_portrait_marks_start_end_and_reference_points() {
        let dir = std::env::temp_dir().join(format!("ssl-eq-phase-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let runs = vec![(
            "SG".to_owned(),
            (0..200).map(|k| point(k as f64 * 0.1)).collect::<Vec<_>>(),
        )];
        let marks = PhaseMarks {
            name: "reference (3 points)".into(),
            points: vec![(0.8, 0.1), (0.6, 0.15), (0.4, 0.1)],
        };
        let svg = dir.join("phase.svg");
        phase_portrait(&svg, "test phase", "t", &runs, Some(&marks)).unwrap();
        let text = std::fs::read_to_string(&svg).unwrap();
        for label in [
            "SG trajectory",
            "start",
            "end",
            "reference (3 points)",
            "‖A‖ (Frobenius)",
            "Ē and ‖A‖ over time",
        ] {
            assert!(text.contains(label), "missing {label}");
        }
        let png = dir.join("phase.png");
        phase_portrait(&png, "test phase", "t", &runs, None).unwrap();
        let bytes = std::fs::read(&png).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_legend_goes_where_it_covers_the_fewest_points() {
        // Points fill the upper half: the legend goes below, in the
        // lower-left corner (corners first on a tie).
        let upper: Vec<(f64, f64)> = (0..100)
            .map(|k| ((k % 10) as f64 / 9.0, 0.5 + (k / 10) as f64 / 18.0))
            .collect();
        assert_eq!(free_spot(&upper, (400, 400), (100, 60)), (8, 332));
        // Around a loop along the border, the legend covers none of it.
        let ring: Vec<(f64, f64)> = (0..400)
            .map(|k| {
                let t = k as f64 / 400.0 * std::f64::consts::TAU;
                (0.5 + 0.5 * t.cos(), 0.5 + 0.5 * t.sin())
            })
            .collect();
        let (x, y) = free_spot(&ring, (400, 400), (100, 60));
        let (x, y) = (x as f64, y as f64);
        assert!(x >= 0.0 && y >= 0.0 && x + 100.0 <= 400.0 && y + 60.0 <= 400.0);
        assert!(ring.iter().all(|&(px, py)| {
            let (px, py) = (px * 400.0, (1.0 - py) * 400.0);
            !((x..=x + 100.0).contains(&px) && (y..=y + 60.0).contains(&py))
        }));
    }
}

//! A computer-assisted proof of a periodic orbit of the SG flow, and its
//! certificate.
//!
//! **Where the orbit lives.** For any data, the set of states
//! `A = e₁aᵀ`, `B = b·e₁e₁ᵀ` (`a ∈ Rᵐ`, `b ∈ R`; A of rank ≤ 1 with its range
//! on the first axis, B zero outside its corner) is invariant under the SG
//! flow, which acts on it as the SG flow of the same data with embedding
//! dimension `n = 1`: with `R = BAMxx − AMyx = e₁rᵀ`, `P = BᵀR + λA` and
//! `Q = RAᵀ + λB` keep the same shape. Every rank-1 balanced state
//! (`AAᵀ = BᵀB`, which every periodic orbit satisfies, by BALANCE) is
//! carried into this set by an element of O(n), so this set is a slice of
//! the O(n) symmetry on the rank-1 stratum; no continuous symmetry is left on
//! it (only `a ↦ −a`), so periodic orbits on it are isolated. The proof is
//! about the `(m + 1)`-dimensional flow on this slice, and a periodic orbit
//! there is a periodic orbit of the SG flow for every `n ≥ 1`.
//!
//! **The proof.** Multiple shooting: unknowns `x₀, …, x_{N−1}` (points on the
//! orbit) and the period `T`, equations `φ(T/N, xᵢ) − x_{i+1 mod N} = 0` and
//! one phase condition `(x₀)_j = c` (a section transverse to the flow). The
//! Krawczyk operator `K(Z) = ẑ − C G(ẑ) + (I − C DG(Z))(Z − ẑ)` with
//! `C ≈ DG(ẑ)⁻¹`, evaluated in interval arithmetic with validated Taylor
//! enclosures of `φ` and `Dφ` ([`super::taylor`]), lying in the interior of
//! the box `Z` proves that `G` has exactly one zero in `Z`: a periodic
//! solution of period `T ∈ Z_T`. It is not an equilibrium when the boxes of
//! `x₀` and `x_{N/2}` are disjoint.
//!
//! **Floquet multipliers.** The monodromy matrix `Dφ(T, x₀)` is enclosed by
//! the product of the segments' derivative enclosures. Its eigenvalues are
//! `1` (the flow direction), `e^{−2λT}` (the balance `|a|² − b²` decays at the
//! rate `2λ` by BALANCE, so its gradient is a left eigenvector) and the
//! remaining ones; for `m = 2` the last one is `μ = det M / e^{−2λT}`, also
//! `tr M − 1 − e^{−2λT}` (both enclosed, intersected). `|μ| < 1` proves the
//! orbit attracts within the slice.

use std::path::Path;

use nalgebra::{DMatrix, DVector};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::interval::Interval;
use super::taylor::{
    Number, SgField, StepFailure, System, float_flow, interval_flow, with_identity,
};
use crate::error::{Error, Result};
use crate::model::{Instance, InstanceFile};

/// The format tag of certificate files.
pub const CERTIFICATE_FORMAT: &str = "ssl-equilibria periodic-orbit certificate, version 1";

/// Settings of the search and of the proof.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrbitSettings {
    /// Number of shooting segments `N`.
    pub segments: usize,
    /// Taylor steps per segment.
    pub steps_per_segment: usize,
    /// Order of the Taylor method.
    pub order: usize,
    /// Number of random starts of the search.
    pub starts: usize,
    /// Seed of the starts.
    pub seed: u64,
    /// Time each start is followed before looking for a cycle.
    pub transient: f64,
}

impl Default for OrbitSettings {
    fn default() -> Self {
        Self {
            segments: 48,
            steps_per_segment: 6,
            order: 12,
            starts: 12,
            seed: 1,
            transient: 1500.0,
        }
    }
}

/// A periodic-orbit certificate: everything needed to re-run the proof.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrbitCertificate {
    /// [`CERTIFICATE_FORMAT`].
    pub format: String,
    /// The instance, with exact rational data.
    pub instance: InstanceFile,
    /// What the state coordinates are.
    pub slice: String,
    /// Number of shooting segments `N`.
    pub segments: usize,
    /// Taylor steps per segment.
    pub steps_per_segment: usize,
    /// Order of the Taylor method.
    pub order: usize,
    /// The coordinate `j` fixed by the phase condition.
    pub phase_coordinate: usize,
    /// The value `c` of that coordinate.
    pub phase_value: f64,
    /// The centre: the points `x₀, …, x_{N−1}` (each `(a₁, …, a_m, b)`).
    pub points: Vec<Vec<f64>>,
    /// Whether the last segment ends at `σ x₀` (`σ: a ↦ −a`, i.e. `A ↦ −A`)
    /// rather than at `x₀`; then `period` is the time to `σ x₀` and the
    /// orbit's period is twice it.
    pub reflected: bool,
    /// The centre's closing time (period, or half period when `reflected`).
    pub period: f64,
    /// The half-width of the box `Z` in every coordinate.
    pub radius: f64,
}

impl OrbitCertificate {
    /// Reads a certificate file. An unreadable or malformed file is bad
    /// input; the proof itself is not re-run (see [`check_certificate`]).
    pub fn read(path: &Path) -> Result<Self> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            action: "read",
            path: shown.clone(),
            source,
        })?;
        serde_json::from_str(&text).map_err(|e| Error::BadFile {
            path: shown,
            message: e.to_string(),
        })
    }

    /// The shooting point `k` as a state of the SG flow with embedding
    /// dimension `n ≥ 1`: `A = e₁aᵀ` (n×m) and `B = b·e₁e₁ᵀ` (n×n), where
    /// `(a₁, …, a_m, b)` is the point. The slice is invariant for every `n`,
    /// so the SG flow from this state stays on the certified orbit's slice.
    pub fn state(&self, k: usize, n: usize) -> Result<(DMatrix<f64>, DMatrix<f64>)> {
        let p = self.points.get(k).ok_or_else(|| {
            Error::param(
                "point",
                k,
                &format!("an index below {} (the shooting points)", self.points.len()),
            )
        })?;
        if n == 0 || p.len() < 2 || p.iter().any(|v| !v.is_finite()) {
            return Err(Error::param(
                "points",
                format!("{p:?}"),
                "finite coordinates (a_1, …, a_m, b) with m ≥ 1, and n ≥ 1",
            ));
        }
        let m = p.len() - 1;
        let a = DMatrix::from_fn(n, m, |i, j| if i == 0 { p[j] } else { 0.0 });
        let b = DMatrix::from_fn(n, n, |i, j| if i == 0 && j == 0 { p[m] } else { 0.0 });
        Ok((a, b))
    }
}

/// What a successful proof establishes.
#[derive(Clone, Debug, Serialize)]
pub struct OrbitProof {
    /// Enclosure of the closing time: the period, or the half period when
    /// the orbit closes up to the reflection `A ↦ −A` (then it is the period
    /// of the orbit modulo O(n), and of `Ē`, `‖A‖`).
    pub closing_time: Interval,
    /// Whether the orbit closes up to `A ↦ −A` after `closing_time`.
    pub reflected: bool,
    /// Enclosure of the period of the orbit in state space.
    pub period: Interval,
    /// Enclosure of the balance multiplier `e^{−2λT}`.
    pub balance_multiplier: Interval,
    /// Enclosure of the remaining Floquet multiplier(s), when `m = 2`.
    pub floquet: Option<Interval>,
    /// Whether `|μ| < 1` is proved (the orbit attracts within the slice).
    pub attracting: Option<bool>,
    /// The largest width of the Krawczyk image.
    pub krawczyk_width: f64,
    /// The ratio `max |K − ẑ| / r` (< 1 proves the orbit).
    pub contraction: f64,
    /// Range of `‖A‖ = |a|` over the boxes of the points.
    pub norm_a: Interval,
    /// Range of `Ē` over the boxes of the points.
    pub ebar: Interval,
}

/// The result of checking a certificate.
#[derive(Clone, Debug, Serialize)]
pub enum CheckOutcome {
    /// The Krawczyk test passed: a unique periodic orbit in the box.
    Proved(OrbitProof),
    /// The test did not pass (why, with the numbers).
    Rejected(String),
}

/// Float state of the search: a point on a cycle and its period.
#[derive(Clone, Debug)]
pub struct CycleGuess {
    /// A point on the cycle.
    pub point: Vec<f64>,
    /// Approximate time to close: the period, or the half period when
    /// `symmetric`.
    pub period: f64,
    /// Whether the cycle closes up to the reflection `σ` (`x(T) = σ x(0)`).
    pub symmetric: bool,
}

fn slice_text(m: usize) -> String {
    format!(
        "rank-1 slice of the O(n) symmetry: state (a_1..a_{m}, b) means A = e1 aᵀ, B = b e1 e1ᵀ (the SG flow with embedding dimension 1)"
    )
}

/// Searches a cycle of the SG flow on the rank-1 slice: random starts are
/// followed for `transient` time units; a start that is still moving,
/// bounded and away from 0 is followed until it returns to a section.
pub fn search_cycle(inst: &Instance, s: &OrbitSettings) -> Option<CycleGuess> {
    let field = SgField::<f64>::new(inst, 1);
    let d = field.dim();
    let mut rng = ChaCha8Rng::seed_from_u64(s.seed);
    let h = 0.05;
    for _ in 0..s.starts {
        let mut x: Vec<f64> = (0..d).map(|_| rng.gen_range(-1.0..1.0)).collect();
        let steps = (s.transient / h) as usize;
        x = float_flow(&field, System::Flow, &x, s.transient, steps, 8);
        let f = field.eval(&x);
        let speed = f.iter().map(|v| v * v).sum::<f64>().sqrt();
        let size = x.iter().map(|v| v * v).sum::<f64>().sqrt();
        if !size.is_finite() || !(1e-3..=1e3).contains(&size) || speed < 1e-4 {
            continue;
        }
        if let Some(g) = first_return(&field, &x, h) {
            return Some(g);
        }
    }
    None
}

/// The reflection `σ: (a, b) ↦ (−a, b)` (`A ↦ −A`, an element of O(n)).
fn reflect<C: Number>(x: &[C], m: usize) -> Vec<C> {
    x.iter()
        .enumerate()
        .map(|(k, v)| if k < m { -*v } else { *v })
        .collect()
}

/// The first time the trajectory through `x` comes back to `x` or to `σx`
/// (crossing the hyperplane normal to the coordinate of largest speed, or
/// its reflection, in the direction of the flow), if within 2000 time units
/// and closely.
fn first_return(field: &SgField<f64>, x0: &[f64], h: f64) -> Option<CycleGuess> {
    let m = field.m;
    let f0 = field.eval(x0);
    let j = argmax_abs(&f0);
    let targets = [(x0.to_vec(), false), (reflect(x0, m), true)];
    let mut x = x0.to_vec();
    let mut t = 0.0;
    let mut prev = [0.0f64; 2];
    while t < 2000.0 {
        let next = float_flow(field, System::Flow, &x, h, 1, 10);
        t += h;
        for (k, (target, symmetric)) in targets.iter().enumerate() {
            let ft = field.eval(target);
            let g = ft[j].signum() * (next[j] - target[j]);
            if t > 1.0 && prev[k] < 0.0 && g >= 0.0 {
                let mut dt = h * (-prev[k]) / (g - prev[k]) - h;
                for _ in 0..3 {
                    let y = float_flow(field, System::Flow, &next, dt, 1, 12);
                    dt -= (y[j] - target[j]) / field.eval(&y)[j];
                }
                let y = float_flow(field, System::Flow, &next, dt, 1, 12);
                let gap = y
                    .iter()
                    .zip(target)
                    .map(|(a, b)| (a - b).powi(2))
                    .sum::<f64>()
                    .sqrt();
                if gap < 1e-3 {
                    return Some(CycleGuess {
                        point: x0.to_vec(),
                        period: t + dt,
                        symmetric: *symmetric,
                    });
                }
            }
            prev[k] = g;
        }
        x = next;
    }
    None
}

fn argmax_abs(v: &[f64]) -> usize {
    (0..v.len())
        .max_by(|&a, &b| v[a].abs().total_cmp(&v[b].abs()))
        .unwrap_or(0)
}

/// The shooting system's layout.
struct Shooting {
    reflected: bool,
    n_seg: usize,
    d: usize,
    j: usize,
    c: f64,
}

impl Shooting {
    fn size(&self) -> usize {
        self.n_seg * self.d + 1
    }

    /// The sign of coordinate `r` of the target of segment `i`: −1 on the
    /// `a` coordinates of the last segment's target when it is `σ x₀`.
    fn sign(&self, i: usize, r: usize, m: usize) -> f64 {
        if self.reflected && i + 1 == self.n_seg && r < m {
            -1.0
        } else {
            1.0
        }
    }
}

/// Refines a guess by Newton's method on the shooting system (floating
/// point) and returns the centre of a certificate.
pub fn refine(inst: &Instance, guess: &CycleGuess, s: &OrbitSettings) -> Result<OrbitCertificate> {
    let field = SgField::<f64>::new(inst, 1);
    let d = field.dim();
    let n = s.segments;
    let steps = s.steps_per_segment;
    let mut pts = vec![guess.point.clone()];
    for _ in 1..n {
        let last = pts[pts.len() - 1].clone();
        pts.push(float_flow(
            &field,
            System::Flow,
            &last,
            guess.period / n as f64,
            steps * 4,
            s.order,
        ));
    }
    let f0 = field.eval(&pts[0]);
    let sh = Shooting {
        reflected: guess.symmetric,
        n_seg: n,
        d,
        j: argmax_abs(&f0),
        c: pts[0][argmax_abs(&f0)],
    };
    let mut z: Vec<f64> = pts.concat();
    z.push(guess.period);
    let mut residual = f64::INFINITY;
    for _ in 0..12 {
        let (g, dg) = float_system(&field, &sh, &z, s);
        residual = g.amax();
        if residual < 1e-13 {
            break;
        }
        let step = dg
            .lu()
            .solve(&g)
            .ok_or_else(|| Error::Computation("the shooting system is singular".into()))?;
        for (zi, si) in z.iter_mut().zip(step.iter()) {
            *zi -= si;
        }
    }
    if residual.is_nan() || residual >= 1e-10 {
        return Err(Error::Computation(format!(
            "Newton's method on the shooting system did not converge (residual {residual:.1e})"
        )));
    }
    Ok(OrbitCertificate {
        format: CERTIFICATE_FORMAT.into(),
        instance: InstanceFile::from_instance(inst),
        slice: slice_text(inst.m()),
        segments: n,
        steps_per_segment: steps,
        order: s.order,
        phase_coordinate: sh.j,
        phase_value: sh.c,
        reflected: sh.reflected,
        points: (0..n).map(|i| z[i * d..(i + 1) * d].to_vec()).collect(),
        period: z[n * d],
        radius: 0.0,
    })
}

fn float_system(
    field: &SgField<f64>,
    sh: &Shooting,
    z: &[f64],
    s: &OrbitSettings,
) -> (DVector<f64>, DMatrix<f64>) {
    let (n, d) = (sh.n_seg, sh.d);
    let size = sh.size();
    let tau = z[n * d] / n as f64;
    let mut g = DVector::zeros(size);
    let mut dg = DMatrix::zeros(size, size);
    for i in 0..n {
        let x = &z[i * d..(i + 1) * d];
        let y = float_flow(
            field,
            System::Variational,
            &with_identity(x),
            tau,
            s.steps_per_segment,
            s.order,
        );
        let next = (i + 1) % n;
        let fy = field.eval(&y[..d]);
        for r in 0..d {
            let sign = sh.sign(i, r, field.m);
            g[i * d + r] = y[r] - sign * z[next * d + r];
            for c in 0..d {
                dg[(i * d + r, i * d + c)] += y[d + r * d + c];
            }
            dg[(i * d + r, next * d + r)] -= sign;
            dg[(i * d + r, n * d)] = fy[r] / n as f64;
        }
    }
    g[n * d] = z[sh.j] - sh.c;
    dg[(n * d, sh.j)] = 1.0;
    (g, dg)
}

/// Searches, refines and proves; tries radii from small to large and
/// returns the first certificate that checks, with its proof.
pub fn certify(inst: &Instance, s: &OrbitSettings) -> Result<(OrbitCertificate, OrbitProof)> {
    let guess = search_cycle(inst, s).ok_or_else(|| {
        Error::Computation(format!(
            "no cycle found on the rank-1 slice of {} from {} starts",
            inst.name(),
            s.starts
        ))
    })?;
    let mut cert = refine(inst, &guess, s)?;
    let mut last = String::new();
    for radius in [1e-9, 1e-8, 1e-7, 1e-6] {
        cert.radius = radius;
        match check_certificate(&cert)? {
            CheckOutcome::Proved(p) => return Ok((cert, p)),
            CheckOutcome::Rejected(why) => last = why,
        }
    }
    Err(Error::Computation(format!(
        "the Krawczyk test failed at every radius: {last}"
    )))
}

fn ebar_at(
    field: &SgField<Interval>,
    x: &[Interval],
    myy: &crate::model::formula::Mat<Interval>,
) -> Interval {
    use crate::model::formula::{Mat, ModelData};
    let m = field.m;
    let a = Mat::from_fn(1, m, |_, j| x[j]);
    let b = Mat::from_fn(1, 1, |_, _| x[m]);
    let data = ModelData {
        mxx: field.data.mxx.clone(),
        myx: field.data.myx.clone(),
        myy: myy.clone(),
        lambda: field.data.lambda,
    };
    data.objective_f(&a, &b, &a)
}

/// Re-runs the proof of a certificate from scratch.
pub fn check_certificate(cert: &OrbitCertificate) -> Result<CheckOutcome> {
    if cert.format != CERTIFICATE_FORMAT {
        return Err(Error::param("format", &cert.format, CERTIFICATE_FORMAT));
    }
    let inst = cert.instance.clone().into_instance("certificate")?;
    let field = SgField::<Interval>::new(&inst, 1);
    let d = field.dim();
    check_shape(cert, d)?;
    let sh = Shooting {
        reflected: cert.reflected,
        n_seg: cert.segments,
        d,
        j: cert.phase_coordinate,
        c: cert.phase_value,
    };
    let centre: Vec<f64> = cert
        .points
        .concat()
        .into_iter()
        .chain([cert.period])
        .collect();
    let zbox: Vec<Interval> = centre
        .iter()
        .map(|&c| Interval::ball(c, cert.radius))
        .collect();
    let proved = linearize(cert, &field, &sh, &zbox).and_then(|lin| {
        let image = krawczyk_image(&lin, &centre, &zbox, cert.radius)?;
        not_an_equilibrium(&zbox, &sh)?;
        Ok(floquet_and_ranges(
            &inst,
            &field,
            &zbox,
            &lin.derivs,
            &image,
            &sh,
        ))
    });
    Ok(match proved {
        Ok(proof) => CheckOutcome::Proved(proof),
        Err(why) => CheckOutcome::Rejected(why),
    })
}

/// Rejects (as bad input, not as a failed proof) a certificate whose points,
/// step counts or radius cannot describe a shooting system in dimension `d`.
fn check_shape(cert: &OrbitCertificate, d: usize) -> Result<()> {
    let n = cert.segments;
    if n < 2 || cert.points.len() != n || cert.points.iter().any(|p| p.len() != d) {
        return Err(Error::param(
            "points",
            format!("{} points", cert.points.len()),
            &format!("segments = {n} ≥ 2 points of {d} coordinates each"),
        ));
    }
    if cert.steps_per_segment == 0 || cert.order == 0 || cert.phase_coordinate >= d {
        return Err(Error::param(
            "steps_per_segment/order/phase_coordinate",
            format!(
                "{}/{}/{}",
                cert.steps_per_segment, cert.order, cert.phase_coordinate
            ),
            &format!("positive step count and order, coordinate < {d}"),
        ));
    }
    let all_finite = cert
        .points
        .iter()
        .flatten()
        .chain([&cert.period, &cert.radius, &cert.phase_value])
        .all(|v| v.is_finite());
    if !all_finite || cert.radius <= 0.0 || cert.period <= 0.0 {
        return Err(Error::param(
            "radius/period",
            format!("{}/{}", cert.radius, cert.period),
            "finite positive numbers",
        ));
    }
    Ok(())
}

/// The shooting system around a certificate: `G` at the centre, `DG` over
/// the box, and each segment's flow derivative (for the monodromy).
struct Linearization {
    /// `G(ẑ)`, one entry per unknown.
    g: Vec<Interval>,
    /// `DG(Z)` as (row, column, value) triples.
    dg: Vec<(usize, usize, Interval)>,
    /// Per segment, the enclosure of its flow's derivative (d×d, row-major).
    derivs: Vec<Vec<Interval>>,
    /// The number of unknowns, `N·d + 1`.
    size: usize,
}

/// Encloses `G` at the centre and `DG` over the box by integrating each
/// segment's flow and variational equation; `Err` says why the enclosure
/// could not be made.
fn linearize(
    cert: &OrbitCertificate,
    field: &SgField<Interval>,
    sh: &Shooting,
    zbox: &[Interval],
) -> std::result::Result<Linearization, String> {
    let (n, d) = (sh.n_seg, sh.d);
    if zbox[n * d].lo <= 0.0 {
        return Err("the period's box contains non-positive times".into());
    }
    let size = sh.size();
    let tau_c = Interval::point(cert.period).div_int(n);
    let tau_z = zbox[n * d].div_int(n);
    let mut g = vec![Interval::point(0.0); size];
    let mut dg: Vec<(usize, usize, Interval)> = Vec::new();
    let mut derivs = Vec::with_capacity(n);
    let fail = |i: usize, e: StepFailure| format!("segment {i}: {}", e.0);
    for i in 0..n {
        let next = (i + 1) % n;
        let xc: Vec<Interval> = cert.points[i].iter().map(|&v| Interval::point(v)).collect();
        let y = interval_flow(
            field,
            System::Flow,
            &xc,
            tau_c,
            cert.steps_per_segment,
            cert.order,
        )
        .map_err(|e| fail(i, e))?;
        for r in 0..d {
            let sign = sh.sign(i, r, field.m);
            g[i * d + r] = y[r] - Interval::point(sign * cert.points[next][r]);
        }
        let xb = &zbox[i * d..(i + 1) * d];
        let yv = interval_flow(
            field,
            System::Variational,
            &with_identity(xb),
            tau_z,
            cert.steps_per_segment,
            cert.order,
        )
        .map_err(|e| fail(i, e))?;
        let fy = field.eval(&yv[..d]);
        for r in 0..d {
            for c in 0..d {
                dg.push((i * d + r, i * d + c, yv[d + r * d + c]));
            }
            dg.push((
                i * d + r,
                next * d + r,
                Interval::point(-sh.sign(i, r, field.m)),
            ));
            dg.push((i * d + r, n * d, fy[r].div_int(n)));
        }
        derivs.push(yv[d..].to_vec());
    }
    g[n * d] = Interval::point(cert.points[0][sh.j]) - Interval::point(sh.c);
    dg.push((n * d, sh.j, Interval::point(1.0)));
    Ok(Linearization {
        g,
        dg,
        derivs,
        size,
    })
}

/// How the Krawczyk image sits in the box.
struct KrawczykImage {
    /// `max |K − ẑ| / r` over the coordinates.
    contraction: f64,
    /// The largest width of the image.
    width: f64,
}

/// The Krawczyk test `K = ẑ − C G(ẑ) + (I − C DG(Z))(Z − ẑ) ⊂ int Z`, with
/// `C ≈ (mid DG)⁻¹`; `Err` says why it failed, with the numbers.
fn krawczyk_image(
    lin: &Linearization,
    centre: &[f64],
    zbox: &[Interval],
    radius: f64,
) -> std::result::Result<KrawczykImage, String> {
    let size = lin.size;
    let mut mid = DMatrix::<f64>::zeros(size, size);
    for &(r, c, v) in &lin.dg {
        mid[(r, c)] += v.mid();
    }
    let Some(cinv) = mid.try_inverse() else {
        return Err("the midpoint of DG is singular".into());
    };
    let mut by_row: Vec<Vec<(usize, Interval)>> = vec![Vec::new(); size];
    for &(r, c, v) in &lin.dg {
        by_row[r].push((c, v));
    }
    let delta: Vec<Interval> = zbox
        .iter()
        .zip(centre)
        .map(|(zb, &c)| *zb - Interval::point(c))
        .collect();
    let mut worst: f64 = 0.0;
    let mut kwidth: f64 = 0.0;
    let mut inside = true;
    for r in 0..size {
        let mut row = vec![Interval::point(0.0); size];
        row[r] = Interval::point(1.0);
        let mut cg = Interval::point(0.0);
        for k in 0..size {
            let ck = Interval::point(cinv[(r, k)]);
            if cinv[(r, k)] == 0.0 {
                continue;
            }
            cg = cg + ck * lin.g[k];
            for &(col, v) in &by_row[k] {
                row[col] = row[col] - ck * v;
            }
        }
        let linear = row
            .iter()
            .zip(&delta)
            .fold(Interval::point(0.0), |acc, (a, b)| acc + *a * *b);
        let k = Interval::point(centre[r]) - cg + linear;
        kwidth = kwidth.max(k.width());
        inside &= k.interior_of(&zbox[r]);
        worst = worst.max((k.lo - centre[r]).abs().max((k.hi - centre[r]).abs()) / radius);
        if !k.is_finite() {
            return Err(format!("unbounded Krawczyk image in coordinate {r}"));
        }
    }
    if !inside {
        return Err(format!(
            "the Krawczyk image is not inside the box: max |K − ẑ| / r = {worst:.3} (needs < 1; r = {radius:.1e}, image width {kwidth:.1e})"
        ));
    }
    Ok(KrawczykImage {
        contraction: worst,
        width: kwidth,
    })
}

/// Not an equilibrium: the boxes of `x₀` and `x_{N/2}` are disjoint.
fn not_an_equilibrium(zbox: &[Interval], sh: &Shooting) -> std::result::Result<(), String> {
    let (half, d) = (sh.n_seg / 2, sh.d);
    if (0..d).any(|k| zbox[k].disjoint(&zbox[half * d + k])) {
        Ok(())
    } else {
        Err("the boxes of x₀ and x_{N/2} overlap: a constant solution is not excluded".into())
    }
}

/// What the proved box gives: the period, the balance and Floquet
/// multipliers, and the ranges of `‖A‖` and `Ē` along the orbit.
fn floquet_and_ranges(
    inst: &Instance,
    field: &SgField<Interval>,
    zbox: &[Interval],
    derivs: &[Vec<Interval>],
    image: &KrawczykImage,
    sh: &Shooting,
) -> OrbitProof {
    let (n, d, reflected) = (sh.n_seg, sh.d, sh.reflected);
    let period = zbox[n * d];
    let two = Interval::point(2.0);
    let balance_multiplier = (-(two * field.data.lambda * period)).exp();
    let mono = monodromy(derivs, d, reflected);
    let floquet = (d == 3).then(|| remaining_multiplier(&mono, reflected, balance_multiplier));
    let attracting = floquet.and_then(|mu| {
        if mu.mag() < 1.0 {
            Some(true)
        } else if mu.lo > 1.0 || mu.hi < -1.0 {
            Some(false)
        } else {
            None
        }
    });
    let (norm_a, ebar) = ranges_along(inst, field, zbox, sh);
    OrbitProof {
        closing_time: period,
        reflected,
        period: if reflected {
            Interval::point(2.0) * period
        } else {
            period
        },
        balance_multiplier,
        floquet,
        attracting,
        krawczyk_width: image.width,
        contraction: image.contraction,
        norm_a: norm_a.unwrap_or(Interval::ENTIRE),
        ebar: ebar.unwrap_or(Interval::ENTIRE),
    }
}

/// The monodromy `Φ_{N−1} ⋯ Φ_0` (d×d, row-major), composed with `σ` when
/// the orbit closes up to the reflection.
fn monodromy(derivs: &[Vec<Interval>], d: usize, reflected: bool) -> Vec<Interval> {
    let mut mono: Vec<Interval> = with_identity(&vec![Interval::point(0.0); d])[d..].to_vec();
    for phi in derivs {
        let mut next = vec![Interval::point(0.0); d * d];
        for i in 0..d {
            for j in 0..d {
                next[i * d + j] = (0..d).fold(Interval::point(0.0), |acc, k| {
                    acc + phi[i * d + k] * mono[k * d + j]
                });
            }
        }
        mono = next;
    }
    if reflected {
        // σ Φ: the return map to x₀ composes the flow with σ.
        for r in 0..d - 1 {
            for c in 0..d {
                mono[r * d + c] = -mono[r * d + c];
            }
        }
    }
    mono
}

/// For a 3×3 monodromy (`m = 2`): the Floquet multiplier left once the
/// trivial one (1) and the balance multiplier are removed, enclosed both by
/// the determinant and by the trace and intersected.
fn remaining_multiplier(mono: &[Interval], reflected: bool, balance: Interval) -> Interval {
    let d = 3;
    let e = |i: usize, j: usize| mono[i * d + j];
    let det = e(0, 0) * (e(1, 1) * e(2, 2) - e(1, 2) * e(2, 1))
        - e(0, 1) * (e(1, 0) * e(2, 2) - e(1, 2) * e(2, 0))
        + e(0, 2) * (e(1, 0) * e(2, 1) - e(1, 1) * e(2, 0));
    // det σ = (−1)^m.
    let det = if reflected && (d - 1) % 2 == 1 {
        -det
    } else {
        det
    };
    let by_det = det.divide(balance);
    let by_trace = e(0, 0) + e(1, 1) + e(2, 2) - Interval::point(1.0) - balance;
    by_det.intersect(&by_trace).unwrap_or(by_det)
}

/// The hulls of `‖A‖` and of `Ē` over the boxes of the points (`None` when
/// there are no points).
fn ranges_along(
    inst: &Instance,
    field: &SgField<Interval>,
    zbox: &[Interval],
    sh: &Shooting,
) -> (Option<Interval>, Option<Interval>) {
    let (n, d) = (sh.n_seg, sh.d);
    let myy = crate::model::formula::ModelData::<Interval>::from_instance(inst).myy;
    let mut norm_a: Option<Interval> = None;
    let mut ebar: Option<Interval> = None;
    for i in 0..n {
        let x = &zbox[i * d..(i + 1) * d];
        let sq = x[..d - 1]
            .iter()
            .fold(Interval::point(0.0), |acc, v| acc + v.square());
        let na = Interval::new(
            sq.lo.max(0.0).sqrt().next_down().max(0.0),
            sq.hi.sqrt().next_up(),
        );
        let eb = ebar_at(field, x, &myy);
        norm_a = Some(norm_a.map_or(na, |v| v.hull(&na)));
        ebar = Some(ebar.map_or(eb, |v| v.hull(&eb)));
    }
    (norm_a, ebar)
}

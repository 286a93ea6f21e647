//! The paper's synthetic experiment (SPEC SYNTHETIC-TABLE): m = 1, random
//! `ρ ~ U[0,3]`, `τ ~ U[−1,1]`, `λ ~ U[0.01,0.1]`, one SG and one EMA run per
//! draw, and the fraction of runs ending on the outer sphere, at the origin,
//! on the inner sphere, or not converged.
//!
//! The paper does not state n, the initialization, η, α, the number of steps
//! or whether draws with `Δ = τ² − 4ρλ < 0` (where only the origin is an
//! equilibrium) were kept. [`SyntheticConfig::default`] fixes each, and the
//! report states them.
//!
//! # The runs
//!
//! Each trial `i` draws `(ρ, τ, λ)` and one initial state (`A ~ N(0, s²)`
//! entries, `B ~ N(0, s²/n)`, `C = A`, by [`random_state`]) from a ChaCha8
//! generator seeded with the master seed and stream `i`, so the result does
//! not depend on the number of threads. SG and EMA start from the same state.
//! Both run the discrete maps of SPEC §2 (`A⁺ = A − ηP`, `B⁺ = B − ηQ`, and for
//! EMA `C⁺ = αC + (1−α)A⁺`) until the step `‖θ⁺ − θ‖/η` falls below
//! `step_tol` (the stopping rule of [`crate::numeric::iterate`]) or
//! `max_steps` is reached. The m = 1 map is evaluated by [`ScalarDataMap`], a
//! loop over plain arrays that a unit test checks against
//! [`Model::discrete_step`] (the one formula of the fields): the generic
//! matrix code allocates on every step and is about 30 times slower here
//! (`cargo bench --bench synthetic`).
//!
//! # Classifying an end point (tolerances)
//!
//! With `ρ > 0` the equilibria are the origin and, when `Δ ≥ 0`, the spheres
//! `‖a‖ = r₁ ≤ r₂`, `r₁,₂ = (|τ| ∓ √Δ)/(2ρ)` (SPEC SCALAR). A converged run
//! (step below `step_tol` = 1e-8) ends
//! - at the **origin** if `‖a‖ ≤ ORIGIN_TOL` = 1e-3,
//! - on the **outer** sphere if `|‖a‖ − r₂| ≤ RADIUS_TOL · r₂` (1e-3 relative),
//! - on the **inner** sphere if `|‖a‖ − r₁| ≤ RADIUS_TOL · r₂`,
//!
//! and is otherwise counted as **not converged** ("unmatched"), as are runs
//! that hit `max_steps` ("budget") or overflow ("diverged"); the three reasons
//! are counted separately.
//!
//! Why these fit: at a converged point the distance to the equilibrium set is
//! about `step_tol / μ`, with `μ` the slowest normal rate of the linearized
//! map per unit time. At the origin `μ = λ ≥ 0.01` (the field is `−λθ` to first
//! order), so the run stops within about 1e-6 of it; the balance direction
//! `AAᵀ − BᵀB` decays at `2λ` everywhere (SPEC BALANCE), so near the spheres the
//! same 1e-6 holds unless `Δ` is so small that the two spheres nearly merge
//! (a saddle-node, where `μ → 0`). The inner radius is never small:
//! `r₁ = 2λ/(|τ| + √Δ) ≥ λ ≥ 0.01`, ten times `ORIGIN_TOL`; and `r₂ ≥ 0.05` on
//! the paper's ranges, so 1e-3·r₂ is at least 50 times the expected error.
//! When `|r₂ − r₁| ≤ 2·RADIUS_TOL·r₂` both spheres match and the run counts as
//! unmatched rather than being assigned to either.

use nalgebra::DMatrix;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use super::stats::Share;
use crate::error::{Error, Result};
use crate::model::Procedure;
use crate::numeric::Model;
use crate::numeric::random::random_state;

/// Norm of `a` below which a converged run counts as ending at the origin.
pub const ORIGIN_TOL: f64 = 1e-3;
/// Relative distance `|‖a‖ − r|/r₂` below which a converged run counts as
/// ending on the sphere of radius `r`.
pub const RADIUS_TOL: f64 = 1e-3;
/// A state norm above which a run counts as diverged (overflow would follow).
pub const DIVERGED_NORM: f64 = 1e12;

/// The paper's table: percentages of runs ending on the outer sphere, at the
/// origin and on the inner sphere.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PaperFractions {
    /// Outer sphere, %.
    pub outer: f64,
    /// Origin, %.
    pub origin: f64,
    /// Inner sphere, %.
    pub inner: f64,
}

/// The paper's EMA row: 92.8 / 7.2 / 0 %.
pub const PAPER_EMA: PaperFractions = PaperFractions {
    outer: 92.8,
    origin: 7.2,
    inner: 0.0,
};

/// The paper's SG row: 82.0 / 18.0 / 0 %.
pub const PAPER_SG: PaperFractions = PaperFractions {
    outer: 82.0,
    origin: 18.0,
    inner: 0.0,
};

/// What to do with draws where `Δ = τ² − 4ρλ < 0` (only the origin exists).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeltaPolicy {
    /// Simulate every draw; fractions are reported over all draws and over
    /// those with `Δ ≥ 0`.
    Keep,
    /// Redraw `(ρ, τ, λ)` until `Δ ≥ 0`, so every trial has nonzero equilibria.
    Resample,
}

impl DeltaPolicy {
    /// `keep` or `resample`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeltaPolicy::Keep => "keep",
            DeltaPolicy::Resample => "resample",
        }
    }
}

/// Settings of the synthetic experiment. The defaults are this toolkit's
/// choices where the paper is silent (see `docs/reproduce.md`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SyntheticConfig {
    /// Number of draws of `(ρ, τ, λ)` (each run with SG and with EMA).
    pub trials: usize,
    /// Master seed; trial `i` uses stream `i` of a ChaCha8 generator with it.
    pub seed: u64,
    /// Embedding dimension n (A is n×1, B is n×n).
    pub n: usize,
    /// Initialization scale s: A entries `N(0, s²)`, B entries `N(0, s²/n)`, C = A.
    pub init_scale: f64,
    /// Step size η of the discrete maps.
    pub eta: f64,
    /// EMA coefficient α ∈ [0, 1) of the teacher update.
    pub alpha: f64,
    /// Most steps per run.
    pub max_steps: usize,
    /// A run has converged when `‖θ⁺ − θ‖/η` is below this.
    pub step_tol: f64,
    /// What to do with draws with `Δ < 0`.
    pub delta: DeltaPolicy,
    /// Range of `ρ = Mxx` (the paper: [0, 3]; 0 itself is excluded).
    pub rho: (f64, f64),
    /// Range of `τ = Myx` (the paper: [−1, 1]).
    pub tau: (f64, f64),
    /// Range of λ (the paper: [0.01, 0.1]).
    pub lambda: (f64, f64),
}

impl Default for SyntheticConfig {
    fn default() -> Self {
        Self {
            trials: 10_000,
            seed: 2026,
            n: 2,
            init_scale: 1.0,
            eta: 0.05,
            alpha: 0.99,
            max_steps: 100_000,
            step_tol: 1e-8,
            delta: DeltaPolicy::Keep,
            rho: (0.0, 3.0),
            tau: (-1.0, 1.0),
            lambda: (0.01, 0.1),
        }
    }
}

impl SyntheticConfig {
    /// Checks every setting; the error names the value and what was expected.
    pub fn validate(&self) -> Result<()> {
        if self.trials == 0 || self.trials > 10_000_000 {
            return Err(Error::param("trials", self.trials, "1 ≤ trials ≤ 10000000"));
        }
        if self.n == 0 || self.n > 64 {
            return Err(Error::param(
                "n",
                self.n,
                "an embedding dimension 1 ≤ n ≤ 64",
            ));
        }
        if !(self.init_scale.is_finite() && self.init_scale > 0.0) {
            return Err(Error::param(
                "init-scale",
                self.init_scale,
                "a finite initialization scale > 0",
            ));
        }
        if !(self.eta.is_finite() && self.eta > 0.0) {
            return Err(Error::param("eta", self.eta, "a finite step size η > 0"));
        }
        if !(self.alpha.is_finite() && (0.0..1.0).contains(&self.alpha)) {
            return Err(Error::param(
                "alpha",
                self.alpha,
                "an EMA coefficient 0 ≤ α < 1",
            ));
        }
        if self.max_steps == 0 {
            return Err(Error::param("steps", 0, "at least 1 step"));
        }
        if !(self.step_tol.is_finite() && self.step_tol > 0.0) {
            return Err(Error::param(
                "step-tol",
                self.step_tol,
                "a finite tolerance > 0",
            ));
        }
        let range = |name: &str, (lo, hi): (f64, f64), min: f64| {
            if lo.is_finite() && hi.is_finite() && min <= lo && lo < hi {
                Ok(())
            } else {
                Err(Error::param(
                    name,
                    format!("[{lo}, {hi}]"),
                    &format!("a range lo < hi with lo ≥ {min}"),
                ))
            }
        };
        range("rho range", self.rho, 0.0)?;
        range("tau range", self.tau, f64::NEG_INFINITY)?;
        range("lambda range", self.lambda, 0.0)?;
        if self.lambda.0 <= 0.0 {
            return Err(Error::param(
                "lambda range",
                format!("[{}, {}]", self.lambda.0, self.lambda.1),
                "λ > 0 throughout (the origin is an attractor only for λ > 0)",
            ));
        }
        if self.delta == DeltaPolicy::Resample {
            let best =
                self.tau.0.abs().max(self.tau.1.abs()).powi(2) - 4.0 * self.rho.0 * self.lambda.0;
            if best < 0.0 {
                return Err(Error::param(
                    "delta",
                    "resample",
                    "ranges of ρ, τ, λ that allow Δ = τ² − 4ρλ ≥ 0",
                ));
            }
        }
        Ok(())
    }
}

/// Where a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Endpoint {
    /// On the outer sphere `‖a‖ = r₂` (stable).
    Outer,
    /// At the origin (collapse).
    Origin,
    /// On the inner sphere `‖a‖ = r₁` (a saddle).
    Inner,
    /// The step budget ran out first.
    Budget,
    /// The state overflowed.
    Diverged,
    /// Converged, but not within tolerance of exactly one equilibrium.
    Unmatched,
}

impl Endpoint {
    /// Whether the run counts as "not converged" in the table.
    pub fn not_converged(self) -> bool {
        matches!(
            self,
            Endpoint::Budget | Endpoint::Diverged | Endpoint::Unmatched
        )
    }
}

/// The end of one run.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct RunEnd {
    /// Where it ended.
    pub endpoint: Endpoint,
    /// Final `‖a‖`.
    pub norm_a: f64,
    /// Steps taken.
    pub steps: usize,
}

/// One draw and its SG and EMA runs.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Trial {
    /// `ρ = Mxx`.
    pub rho: f64,
    /// `τ = Myx`.
    pub tau: f64,
    /// Weight decay λ.
    pub lambda: f64,
    /// `Δ = τ² − 4ρλ`.
    pub delta: f64,
    /// Inner and outer radii `(r₁, r₂)` when `Δ ≥ 0`.
    pub radii: Option<(f64, f64)>,
    /// The SG run (absent when not run).
    pub sg: Option<RunEnd>,
    /// The EMA run (absent when not run).
    pub ema: Option<RunEnd>,
}

/// The m = 1 discrete map on plain arrays: state `a` (n), `B` (n×n,
/// row-major) and, for EMA, `c` (n); `ρ`, `τ`, λ scalars.
#[derive(Clone, Debug)]
pub struct ScalarDataMap {
    /// `ρ = Mxx`.
    pub rho: f64,
    /// `τ = Myx`.
    pub tau: f64,
    /// λ.
    pub lambda: f64,
    /// η.
    pub eta: f64,
    /// α (EMA only).
    pub alpha: f64,
}

/// State of [`ScalarDataMap`].
#[derive(Clone, Debug, PartialEq)]
pub struct ScalarState {
    /// `a` (the n×1 encoder).
    pub a: Vec<f64>,
    /// `B`, row-major n×n.
    pub b: Vec<f64>,
    /// The EMA teacher `c`; `None` for SG (`c = a`).
    pub c: Option<Vec<f64>>,
}

impl ScalarDataMap {
    /// One step in place: `R = ρBa − τc`, `P = BᵀR + λa`, `Q = Raᵀ + λB`,
    /// `a⁺ = a − ηP`, `B⁺ = B − ηQ`, `c⁺ = αc + (1−α)a⁺`. `scratch` is
    /// working memory (resized to 2n). Returns `‖θ⁺ − θ‖/η` over the
    /// procedure's state.
    pub fn step(&self, s: &mut ScalarState, scratch: &mut Vec<f64>) -> f64 {
        let n = s.a.len();
        scratch.resize(2 * n, 0.0);
        let (r, p_new) = scratch.split_at_mut(n);
        let (rho, tau, lam, eta) = (self.rho, self.tau, self.lambda, self.eta);
        let a = &mut s.a;
        let b = &mut s.b;
        for i in 0..n {
            let row = &b[i * n..(i + 1) * n];
            let mut ba = 0.0;
            for (x, y) in row.iter().zip(a.iter()) {
                ba += x * y;
            }
            let ci = s.c.as_ref().map_or(a[i], |c| c[i]);
            r[i] = rho * ba - tau * ci;
        }
        let mut inc2 = 0.0;
        // P_j = Σ_i B_ij r_i + λ a_j, with the old B; then Q and the B update.
        for (j, pj) in p_new.iter_mut().enumerate().take(n) {
            let mut acc = lam * a[j];
            for i in 0..n {
                acc += b[i * n + j] * r[i];
            }
            *pj = acc;
            inc2 += acc * acc;
        }
        for i in 0..n {
            for j in 0..n {
                let q = r[i] * a[j] + lam * b[i * n + j];
                inc2 += q * q;
                b[i * n + j] -= eta * q;
            }
        }
        for j in 0..n {
            a[j] -= eta * p_new[j];
        }
        if let Some(c) = s.c.as_mut() {
            let al = self.alpha;
            for j in 0..n {
                let cn = al * c[j] + (1.0 - al) * a[j];
                let d = (cn - c[j]) / eta;
                inc2 += d * d;
                c[j] = cn;
            }
        }
        inc2.sqrt()
    }
}

/// Radii `(r₁, r₂)` of the inner and outer spheres when `Δ ≥ 0` and `ρ > 0`.
pub fn radii(rho: f64, tau: f64, lambda: f64) -> Option<(f64, f64)> {
    let delta = tau * tau - 4.0 * rho * lambda;
    (delta >= 0.0 && rho > 0.0).then(|| {
        let sd = delta.sqrt();
        (
            (tau.abs() - sd) / (2.0 * rho),
            (tau.abs() + sd) / (2.0 * rho),
        )
    })
}

/// Classifies a converged end point with the tolerances of the module docs.
pub fn classify(norm_a: f64, radii: Option<(f64, f64)>) -> Endpoint {
    if norm_a <= ORIGIN_TOL {
        return Endpoint::Origin;
    }
    let Some((r1, r2)) = radii else {
        return Endpoint::Unmatched;
    };
    let outer = (norm_a - r2).abs() <= RADIUS_TOL * r2;
    let inner = (norm_a - r1).abs() <= RADIUS_TOL * r2;
    match (outer, inner) {
        (true, false) => Endpoint::Outer,
        (false, true) => Endpoint::Inner,
        _ => Endpoint::Unmatched,
    }
}

/// Runs the map from `start` to convergence (step below `step_tol`), to
/// divergence (non-finite, or a step above [`DIVERGED_NORM`]) or to the
/// budget. Returns the final state, the steps taken, whether it converged and
/// whether it diverged. For n ≤ 4 the loop runs on fixed-size arrays (the
/// same operations in the same order as [`ScalarDataMap::step`]; a unit test
/// checks that both agree), which is several times faster.
pub fn run_map(
    map: &ScalarDataMap,
    start: &ScalarState,
    max_steps: usize,
    step_tol: f64,
) -> (ScalarState, usize, bool, bool) {
    let ema = start.c.is_some();
    match (start.a.len(), ema) {
        (1, false) => run_fixed::<1, false>(map, start, max_steps, step_tol),
        (1, true) => run_fixed::<1, true>(map, start, max_steps, step_tol),
        (2, false) => run_fixed::<2, false>(map, start, max_steps, step_tol),
        (2, true) => run_fixed::<2, true>(map, start, max_steps, step_tol),
        (3, false) => run_fixed::<3, false>(map, start, max_steps, step_tol),
        (3, true) => run_fixed::<3, true>(map, start, max_steps, step_tol),
        (4, false) => run_fixed::<4, false>(map, start, max_steps, step_tol),
        (4, true) => run_fixed::<4, true>(map, start, max_steps, step_tol),
        _ => run_generic(map, start, max_steps, step_tol),
    }
}

fn run_generic(
    map: &ScalarDataMap,
    start: &ScalarState,
    max_steps: usize,
    step_tol: f64,
) -> (ScalarState, usize, bool, bool) {
    let mut s = start.clone();
    let mut r = Vec::with_capacity(2 * s.a.len());
    for k in 1..=max_steps {
        let inc = map.step(&mut s, &mut r);
        if !inc.is_finite() || inc * map.eta > DIVERGED_NORM {
            return (s, k, false, true);
        }
        if inc < step_tol {
            return (s, k, true, false);
        }
    }
    (s, max_steps, false, false)
}

/// [`ScalarDataMap::step`] on arrays, with n = N known at compile time.
fn run_fixed<const N: usize, const EMA: bool>(
    map: &ScalarDataMap,
    start: &ScalarState,
    max_steps: usize,
    step_tol: f64,
) -> (ScalarState, usize, bool, bool) {
    let (rho, tau, lam, eta, al) = (map.rho, map.tau, map.lambda, map.eta, map.alpha);
    let mut a = [0.0; N];
    a.copy_from_slice(&start.a);
    let mut b = [[0.0; N]; N];
    for (i, row) in b.iter_mut().enumerate() {
        row.copy_from_slice(&start.b[i * N..(i + 1) * N]);
    }
    let mut c = [0.0; N];
    if let Some(sc) = &start.c {
        c.copy_from_slice(sc);
    }
    let mut outcome = (max_steps, false, false);
    for k in 1..=max_steps {
        let mut r = [0.0; N];
        for i in 0..N {
            let mut ba = 0.0;
            for j in 0..N {
                ba += b[i][j] * a[j];
            }
            r[i] = rho * ba - tau * if EMA { c[i] } else { a[i] };
        }
        let mut inc2 = 0.0;
        let mut p = [0.0; N];
        for j in 0..N {
            let mut acc = lam * a[j];
            for i in 0..N {
                acc += b[i][j] * r[i];
            }
            p[j] = acc;
            inc2 += acc * acc;
        }
        for i in 0..N {
            for j in 0..N {
                let q = r[i] * a[j] + lam * b[i][j];
                inc2 += q * q;
                b[i][j] -= eta * q;
            }
        }
        for j in 0..N {
            a[j] -= eta * p[j];
        }
        if EMA {
            for j in 0..N {
                let cn = al * c[j] + (1.0 - al) * a[j];
                let d = (cn - c[j]) / eta;
                inc2 += d * d;
                c[j] = cn;
            }
        }
        let inc = inc2.sqrt();
        if !inc.is_finite() || inc * eta > DIVERGED_NORM {
            outcome = (k, false, true);
            break;
        }
        if inc < step_tol {
            outcome = (k, true, false);
            break;
        }
    }
    let state = ScalarState {
        a: a.to_vec(),
        b: b.iter().flatten().copied().collect(),
        c: EMA.then(|| c.to_vec()),
    };
    (state, outcome.0, outcome.1, outcome.2)
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// The generator of trial `index`: the master seed, stream `index`.
pub fn trial_rng(seed: u64, index: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index as u64);
    rng
}

/// Draws `(ρ, τ, λ)` and the initial `(A, B)` of trial `index`.
pub fn draw(cfg: &SyntheticConfig, index: usize) -> (f64, f64, f64, DMatrix<f64>, DMatrix<f64>) {
    let mut rng = trial_rng(cfg.seed, index);
    loop {
        // ρ in (lo, hi]: 1 − u with u ∈ [0, 1) never gives ρ = lo = 0.
        let rho = cfg.rho.0 + (cfg.rho.1 - cfg.rho.0) * (1.0 - rng.r#gen::<f64>());
        let tau = rng.gen_range(cfg.tau.0..cfg.tau.1);
        let lambda = rng.gen_range(cfg.lambda.0..cfg.lambda.1);
        if cfg.delta == DeltaPolicy::Resample && tau * tau - 4.0 * rho * lambda < 0.0 {
            continue;
        }
        let s = random_state(cfg.n, 1, Procedure::Ema, cfg.init_scale, &mut rng);
        return (rho, tau, lambda, s.a, s.b);
    }
}

/// Runs trial `index` with the procedures asked for.
pub fn run_trial(cfg: &SyntheticConfig, index: usize, sg: bool, ema: bool) -> Trial {
    let (rho, tau, lambda, a, b) = draw(cfg, index);
    let radii = radii(rho, tau, lambda);
    let a: Vec<f64> = a.as_slice().to_vec();
    // nalgebra is column-major; the map wants B row-major.
    let b: Vec<f64> = b.transpose().as_slice().to_vec();
    let run = |alpha: f64, teacher: bool| {
        let map = ScalarDataMap {
            rho,
            tau,
            lambda,
            eta: cfg.eta,
            alpha,
        };
        let start = ScalarState {
            c: teacher.then(|| a.clone()),
            a: a.clone(),
            b: b.clone(),
        };
        let (end, steps, converged, diverged) = run_map(&map, &start, cfg.max_steps, cfg.step_tol);
        let norm_a = norm(&end.a);
        let endpoint = if diverged {
            Endpoint::Diverged
        } else if !converged {
            Endpoint::Budget
        } else {
            classify(norm_a, radii)
        };
        RunEnd {
            endpoint,
            norm_a,
            steps,
        }
    };
    Trial {
        rho,
        tau,
        lambda,
        delta: tau * tau - 4.0 * rho * lambda,
        radii,
        sg: sg.then(|| run(0.0, false)),
        ema: ema.then(|| run(cfg.alpha, true)),
    }
}

/// Runs every trial in parallel (rayon); `progress` is called once per
/// finished trial. The result is in trial order and independent of the
/// number of threads.
pub fn run_trials(
    cfg: &SyntheticConfig,
    sg: bool,
    ema: bool,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<Trial>> {
    cfg.validate()?;
    Ok((0..cfg.trials)
        .into_par_iter()
        .map(|i| {
            let t = run_trial(cfg, i, sg, ema);
            progress();
            t
        })
        .collect())
}

/// Fractions of runs per end point, over some set of trials.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fractions {
    /// Number of runs.
    pub runs: usize,
    /// Outer sphere.
    pub outer: Share,
    /// Origin.
    pub origin: Share,
    /// Inner sphere.
    pub inner: Share,
    /// Not converged (budget + diverged + unmatched).
    pub not_converged: Share,
    /// Of which: step budget exhausted.
    pub budget: usize,
    /// Of which: diverged.
    pub diverged: usize,
    /// Of which: converged but not matched to one equilibrium.
    pub unmatched: usize,
}

impl Fractions {
    /// Counts the end points of `ends`.
    pub fn of<'a>(ends: impl Iterator<Item = &'a RunEnd>) -> Self {
        let mut c = [0usize; 6];
        for e in ends {
            c[e.endpoint as usize] += 1;
        }
        let runs = c.iter().sum();
        Self {
            runs,
            outer: Share::new(c[Endpoint::Outer as usize], runs),
            origin: Share::new(c[Endpoint::Origin as usize], runs),
            inner: Share::new(c[Endpoint::Inner as usize], runs),
            not_converged: Share::new(
                c[Endpoint::Budget as usize]
                    + c[Endpoint::Diverged as usize]
                    + c[Endpoint::Unmatched as usize],
                runs,
            ),
            budget: c[Endpoint::Budget as usize],
            diverged: c[Endpoint::Diverged as usize],
            unmatched: c[Endpoint::Unmatched as usize],
        }
    }

    /// Whether the paper's row is reproduced: for outer, origin and inner,
    /// Newcombe's 95% interval for the difference between our share (over
    /// the runs that converged) and the paper's (over its
    /// [`PAPER_TRIALS`] trials) contains 0.
    pub fn covers(&self, paper: &PaperFractions) -> bool {
        self.differences(paper)
            .iter()
            .all(|(_, lo, hi)| *lo <= 0.0 && 0.0 <= *hi)
    }

    /// Per end point (outer, origin, inner): our percentage over the runs
    /// that converged, and Newcombe's 95% interval (in points) for our share
    /// minus the paper's, which includes the paper's own sampling error.
    pub fn differences(&self, paper: &PaperFractions) -> [(f64, f64, f64); 3] {
        let converged = self.runs - self.not_converged.count;
        let one = |ours: usize, pct: f64| {
            let k = (pct / 100.0 * PAPER_TRIALS as f64).round() as usize;
            let (lo, hi) = crate::experiments::stats::newcombe_difference(
                ours,
                converged,
                k,
                PAPER_TRIALS,
                crate::experiments::stats::Z95,
            );
            let p = if converged == 0 {
                0.0
            } else {
                100.0 * ours as f64 / converged as f64
            };
            (p, 100.0 * lo, 100.0 * hi)
        };
        [
            one(self.outer.count, paper.outer),
            one(self.origin.count, paper.origin),
            one(self.inner.count, paper.inner),
        ]
    }

    /// Total variation distance (in percentage points) between our
    /// (outer, origin, inner, not converged) and the paper's (outer, origin,
    /// inner, 0): half the sum of absolute differences.
    pub fn distance(&self, paper: &PaperFractions) -> f64 {
        0.5 * ((self.outer.percent - paper.outer).abs()
            + (self.origin.percent - paper.origin).abs()
            + (self.inner.percent - paper.inner).abs()
            + self.not_converged.percent)
    }
}

/// The table for one procedure.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProcedureTable {
    /// Over every trial.
    pub all: Fractions,
    /// Over the trials with `Δ ≥ 0`.
    pub delta_nonnegative: Fractions,
    /// The paper's row.
    pub paper: PaperFractions,
    /// Whether the paper's row lies in the 95% intervals over `Δ ≥ 0`.
    pub paper_within_ci: bool,
    /// Total variation distance to the paper's row over `Δ ≥ 0`, in points.
    pub distance_to_paper: f64,
    /// Median number of steps per run.
    pub median_steps: usize,
}

impl ProcedureTable {
    fn of(trials: &[Trial], pick: fn(&Trial) -> Option<RunEnd>, paper: PaperFractions) -> Self {
        let ends: Vec<RunEnd> = trials.iter().filter_map(pick).collect();
        let nonneg: Vec<RunEnd> = trials
            .iter()
            .filter(|t| t.delta >= 0.0)
            .filter_map(pick)
            .collect();
        let all = Fractions::of(ends.iter());
        let delta_nonnegative = Fractions::of(nonneg.iter());
        let mut steps: Vec<usize> = ends.iter().map(|e| e.steps).collect();
        steps.sort_unstable();
        Self {
            paper_within_ci: delta_nonnegative.covers(&paper),
            distance_to_paper: delta_nonnegative.distance(&paper),
            all,
            delta_nonnegative,
            paper,
            median_steps: steps.get(steps.len() / 2).copied().unwrap_or(0),
        }
    }
}

/// The whole synthetic table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SyntheticReport {
    /// The settings.
    pub config: SyntheticConfig,
    /// Classification tolerances: origin `‖a‖ ≤`, sphere relative.
    pub tolerances: Tolerances,
    /// Trials with `Δ ≥ 0`.
    pub trials_delta_nonnegative: usize,
    /// SG.
    pub sg: ProcedureTable,
    /// EMA.
    pub ema: ProcedureTable,
    /// The verdict rule of SYNTHETIC-TABLE and its outcome at these settings.
    pub verdict: SyntheticVerdict,
}

/// The classification tolerances, for the record.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Tolerances {
    /// [`ORIGIN_TOL`].
    pub origin: f64,
    /// [`RADIUS_TOL`].
    pub radius_relative: f64,
    /// The convergence threshold on `‖θ⁺ − θ‖/η`.
    pub step: f64,
}

/// The rule deciding SYNTHETIC-TABLE, fixed before any run: the claim
/// **holds** iff, for both SG and EMA, each of the paper's three percentages
/// (outer, origin, inner) lies in our 95% Wilson interval over the draws with
/// `Δ ≥ 0` at the default settings, and **fails** otherwise. `Δ ≥ 0` is the
/// comparison set because the paper's collapse rates (7.2 %, 18 %) are far
/// below the share of draws with `Δ < 0` (about half), where collapse is the
/// only equilibrium: the paper cannot have kept those draws.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SyntheticVerdict {
    /// The rule in words.
    pub rule: String,
    /// Whether it holds.
    pub holds: bool,
}

/// Runs the experiment and builds the table.
pub fn run(cfg: &SyntheticConfig, progress: &(dyn Fn() + Sync)) -> Result<SyntheticReport> {
    let trials = run_trials(cfg, true, true, progress)?;
    Ok(report(cfg, &trials))
}

/// The verdict rule of [`SyntheticVerdict`] in words.
pub const VERDICT_RULE: &str = "reproduced iff, for SG and for EMA, Newcombe's 95% interval for the difference between our outer/origin/inner share (draws with Δ ≥ 0, converged runs only) and the paper's (10 000 trials) contains 0; otherwise not reproduced under these settings, which the paper does not state (never a failure of the claim)";

/// The number of trials behind the paper's percentages.
pub const PAPER_TRIALS: usize = 10_000;

/// Builds the table from finished trials.
pub fn report(cfg: &SyntheticConfig, trials: &[Trial]) -> SyntheticReport {
    let sg = ProcedureTable::of(trials, |t| t.sg, PAPER_SG);
    let ema = ProcedureTable::of(trials, |t| t.ema, PAPER_EMA);
    SyntheticReport {
        config: cfg.clone(),
        tolerances: Tolerances {
            origin: ORIGIN_TOL,
            radius_relative: RADIUS_TOL,
            step: cfg.step_tol,
        },
        trials_delta_nonnegative: trials.iter().filter(|t| t.delta >= 0.0).count(),
        verdict: SyntheticVerdict {
            rule: VERDICT_RULE.into(),
            holds: sg.paper_within_ci && ema.paper_within_ci,
        },
        sg,
        ema,
    }
}

/// One setting of the sweep and what it gave over `Δ ≥ 0`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SweepPoint {
    /// Embedding dimension n.
    pub n: usize,
    /// Initialization scale.
    pub init_scale: f64,
    /// EMA α.
    pub alpha: f64,
    /// SG over `Δ ≥ 0` (independent of α).
    pub sg: Fractions,
    /// EMA over `Δ ≥ 0`.
    pub ema: Fractions,
    /// Distance of SG to the paper's row (points).
    pub distance_sg: f64,
    /// Distance of EMA to the paper's row (points).
    pub distance_ema: f64,
    /// Whether both rows of the paper lie in the 95% intervals.
    pub paper_within_ci: bool,
}

impl SweepPoint {
    /// `distance_sg + distance_ema`: the ranking of "closest".
    pub fn score(&self) -> f64 {
        self.distance_sg + self.distance_ema
    }
}

/// Runs `base` (with its own trial count) for every n × scale × α; SG is run
/// once per (n, scale). Points come in the order n, scale, α.
pub fn sweep(
    base: &SyntheticConfig,
    ns: &[usize],
    scales: &[f64],
    alphas: &[f64],
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<SweepPoint>> {
    if ns.is_empty() || scales.is_empty() || alphas.is_empty() {
        return Err(Error::param(
            "sweep",
            "an empty list",
            "at least one value of n, of the scale and of α",
        ));
    }
    let mut points = Vec::new();
    for &n in ns {
        for &init_scale in scales {
            let cfg = SyntheticConfig {
                n,
                init_scale,
                ..base.clone()
            };
            cfg.validate()?;
            let sg_trials = run_trials(&cfg, true, false, progress)?;
            let sg = Fractions::of(
                sg_trials
                    .iter()
                    .filter(|t| t.delta >= 0.0)
                    .filter_map(|t| t.sg.as_ref()),
            );
            for &alpha in alphas {
                let cfg = SyntheticConfig {
                    alpha,
                    ..cfg.clone()
                };
                let ema_trials = run_trials(&cfg, false, true, progress)?;
                let ema = Fractions::of(
                    ema_trials
                        .iter()
                        .filter(|t| t.delta >= 0.0)
                        .filter_map(|t| t.ema.as_ref()),
                );
                points.push(SweepPoint {
                    n,
                    init_scale,
                    alpha,
                    distance_sg: sg.distance(&PAPER_SG),
                    distance_ema: ema.distance(&PAPER_EMA),
                    paper_within_ci: sg.covers(&PAPER_SG) && ema.covers(&PAPER_EMA),
                    sg: sg.clone(),
                    ema,
                });
            }
        }
    }
    Ok(points)
}

/// The sweep point with the smallest [`SweepPoint::score`] (first on ties).
pub fn closest(points: &[SweepPoint]) -> Option<&SweepPoint> {
    points.iter().min_by(|x, y| x.score().total_cmp(&y.score()))
}

/// The m = 1 model `Mxx = ρ`, `Myx = τ` (and `Myy = τ²/ρ + 1`, which SG and
/// EMA never see) with embedding dimension n, for cross-checks with the
/// generic code.
pub fn scalar_model(n: usize, rho: f64, tau: f64, lambda: f64) -> Model {
    let one = |x: f64| DMatrix::from_element(1, 1, x);
    Model {
        n,
        m: 1,
        mxx: one(rho),
        myx: one(tau),
        mxy: one(tau),
        myy: one(tau * tau / rho + 1.0),
        lambda,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numeric::{DiscreteMap, State, iterate};

    fn state_of(s: &State) -> ScalarState {
        ScalarState {
            a: s.a.as_slice().to_vec(),
            b: s.b.transpose().as_slice().to_vec(),
            c: s.c.as_ref().map(|c| c.as_slice().to_vec()),
        }
    }

    #[test]
    fn the_array_map_is_the_generic_discrete_map() {
        for (k, &(n, procedure)) in [
            (1, Procedure::StopGradient),
            (2, Procedure::Ema),
            (3, Procedure::StopGradient),
            (4, Procedure::Ema),
        ]
        .iter()
        .enumerate()
        {
            let model = scalar_model(n, 0.7 + k as f64, -0.6, 0.03);
            let dm = DiscreteMap::new(procedure, 0.05, 0.9).unwrap();
            let mut rng = ChaCha8Rng::seed_from_u64(k as u64);
            let mut s = random_state(n, 1, procedure, 1.0, &mut rng);
            if let Some(c) = s.c.as_mut() {
                // An independent teacher, so C ≠ A is exercised.
                *c = crate::numeric::random::gaussian(n, 1, 1.0, &mut rng);
            }
            let map = ScalarDataMap {
                rho: model.mxx[(0, 0)],
                tau: model.myx[(0, 0)],
                lambda: model.lambda,
                eta: dm.eta,
                alpha: if procedure == Procedure::Ema {
                    0.9
                } else {
                    0.0
                },
            };
            let mut fast = state_of(&s);
            let mut r = Vec::new();
            for _ in 0..50 {
                let before = s.to_vector();
                s = model.discrete_step(&dm, &s);
                let inc = map.step(&mut fast, &mut r);
                let expect_inc = (s.to_vector() - before).norm() / dm.eta;
                assert!((inc - expect_inc).abs() <= 1e-12 * (1.0 + expect_inc));
                let generic = state_of(&s);
                for (x, y) in generic.a.iter().zip(&fast.a) {
                    assert!((x - y).abs() < 1e-12, "{x} vs {y}");
                }
                for (x, y) in generic.b.iter().zip(&fast.b) {
                    assert!((x - y).abs() < 1e-12, "{x} vs {y}");
                }
                if let (Some(gc), Some(fc)) = (&generic.c, &fast.c) {
                    for (x, y) in gc.iter().zip(fc) {
                        assert!((x - y).abs() < 1e-12, "{x} vs {y}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_fixed_size_loop_is_the_array_map() {
        for n in 1..=5 {
            for ema in [false, true] {
                let map = ScalarDataMap {
                    rho: 0.8,
                    tau: 0.7,
                    lambda: 0.02,
                    eta: 0.05,
                    alpha: if ema { 0.9 } else { 0.0 },
                };
                let mut rng = ChaCha8Rng::seed_from_u64(n as u64);
                let s = random_state(n, 1, Procedure::Ema, 1.0, &mut rng);
                let mut start = state_of(&s);
                if !ema {
                    start.c = None;
                }
                for budget in [1, 7, 300, 100_000] {
                    let fast = run_map(&map, &start, budget, 1e-8);
                    let slow = run_generic(&map, &start, budget, 1e-8);
                    assert_eq!(fast, slow, "n = {n}, ema = {ema}, budget {budget}");
                }
            }
        }
    }

    #[test]
    fn a_run_stops_where_the_generic_iteration_stops() {
        let model = scalar_model(2, 1.2, 0.9, 0.02);
        let dm = DiscreteMap::new(Procedure::StopGradient, 0.05, 0.0).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let s = random_state(2, 1, Procedure::StopGradient, 1.0, &mut rng);
        let generic = iterate(&model, &dm, &s, 100_000, 1e-8, |_, _| {}).unwrap();
        let map = ScalarDataMap {
            rho: 1.2,
            tau: 0.9,
            lambda: 0.02,
            eta: 0.05,
            alpha: 0.0,
        };
        let (end, steps, converged, diverged) = run_map(&map, &state_of(&s), 100_000, 1e-8);
        assert!(converged && !diverged && generic.converged);
        assert_eq!(steps, generic.steps);
        assert!((norm(&end.a) - generic.state.a.norm()).abs() < 1e-9);
    }

    #[test]
    fn classification_follows_the_closed_form_radii() {
        // ρ = 1, τ = 0.5, λ = 0.04: Δ = 0.09, r = (0.5 ∓ 0.3)/2 = 0.1, 0.4.
        let r = radii(1.0, 0.5, 0.04).unwrap();
        assert!((r.0 - 0.1).abs() < 1e-15 && (r.1 - 0.4).abs() < 1e-15);
        assert_eq!(classify(0.4 * (1.0 + 5e-4), Some(r)), Endpoint::Outer);
        assert_eq!(classify(0.1 + 1e-4, Some(r)), Endpoint::Inner);
        assert_eq!(classify(5e-4, Some(r)), Endpoint::Origin);
        assert_eq!(classify(0.25, Some(r)), Endpoint::Unmatched);
        assert_eq!(classify(0.3, None), Endpoint::Unmatched);
        // Nearly merged spheres match both: unmatched, not guessed.
        let close = (0.4, 0.4 * (1.0 + 1e-3));
        assert_eq!(classify(0.4002, Some(close)), Endpoint::Unmatched);
        assert!(radii(1.0, 0.1, 0.04).is_none());
    }

    #[test]
    fn runs_reach_the_equilibria_the_theory_predicts() {
        // Δ < 0: only the origin. Large start on Δ > 0: the outer sphere.
        let cfg = SyntheticConfig::default();
        let map = ScalarDataMap {
            rho: 1.0,
            tau: 0.3,
            lambda: 0.05,
            eta: 0.05,
            alpha: 0.0,
        };
        let start = ScalarState {
            a: vec![1.0, 0.5],
            b: vec![0.5, 0.0, 0.0, 0.5],
            c: None,
        };
        let (end, _, converged, _) = run_map(&map, &start, cfg.max_steps, cfg.step_tol);
        assert!(converged);
        assert_eq!(
            classify(norm(&end.a), radii(1.0, 0.3, 0.05)),
            Endpoint::Origin
        );
        let map = ScalarDataMap {
            rho: 1.0,
            tau: 0.8,
            lambda: 0.02,
            eta: 0.05,
            alpha: 0.9,
        };
        let start = ScalarState {
            c: Some(vec![1.0, 0.5]),
            ..start
        };
        let (end, _, converged, _) = run_map(&map, &start, cfg.max_steps, cfg.step_tol);
        assert!(converged);
        let r = radii(1.0, 0.8, 0.02);
        assert_eq!(classify(norm(&end.a), r), Endpoint::Outer);
        assert!((norm(&end.a) - r.unwrap().1).abs() < 1e-6);
    }

    #[test]
    fn trials_do_not_depend_on_the_thread_count_and_resampling_keeps_delta_nonnegative() {
        let cfg = SyntheticConfig {
            trials: 40,
            max_steps: 20_000,
            ..SyntheticConfig::default()
        };
        let seq: Vec<Trial> = (0..cfg.trials)
            .map(|i| run_trial(&cfg, i, true, true))
            .collect();
        let par = run_trials(&cfg, true, true, &|| {}).unwrap();
        assert_eq!(seq, par);
        let cfg = SyntheticConfig {
            delta: DeltaPolicy::Resample,
            ..cfg
        };
        for i in 0..cfg.trials {
            let (rho, tau, lambda, _, _) = draw(&cfg, i);
            assert!(tau * tau - 4.0 * rho * lambda >= 0.0);
            assert!(rho > 0.0 && rho <= 3.0 && (0.01..0.1).contains(&lambda));
        }
    }

    #[test]
    fn bad_settings_are_rejected_with_their_value() {
        let bad = [
            SyntheticConfig {
                trials: 0,
                ..SyntheticConfig::default()
            },
            SyntheticConfig {
                alpha: 1.0,
                ..SyntheticConfig::default()
            },
            SyntheticConfig {
                eta: f64::NAN,
                ..SyntheticConfig::default()
            },
            SyntheticConfig {
                init_scale: -1.0,
                ..SyntheticConfig::default()
            },
            SyntheticConfig {
                n: 0,
                ..SyntheticConfig::default()
            },
        ];
        for cfg in bad {
            let e = cfg.validate().unwrap_err();
            assert!(e.is_bad_input(), "{e}");
        }
    }
}

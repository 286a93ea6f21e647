//! A real-data analogue of the paper's training runs: a linear encoder `A`
//! (n×d) and predictor `B` (n×n) trained by minibatch GD on Ē, SG and EMA on
//! two augmented views of each sample (random pixel masking plus Gaussian
//! noise), tracking Ē, F, ‖∇Ē‖, the parameter steps and the accuracy of a
//! linear probe on the embedding `A x`.
//!
//! Each step draws one minibatch and one pair of views, forms its moments
//! `Mxx = XXᵀ/b`, `Myx = YXᵀ/b`, `Myy = YYᵀ/b`, and applies the discrete map
//! of SPEC §2 through [`Model::discrete_step`] (the same field code as every
//! other command). The three procedures start from the same state and see the
//! same minibatches and views, so their curves differ only by the procedure.
//!
//! Ē, F and ‖∇Ē‖ are evaluated on fixed moments: `eval_copies` augmented view
//! pairs of every training sample, drawn once. Ē ≥ 0 everywhere and Ē(0, 0) =
//! 0, so its infimum is 0, reached by collapse.
//!
//! The probe is ridge regression of one-hot labels on `[A x, 1]` (penalty
//! `probe_ridge · N_train · ‖W‖²` on the embedding weights, not the bias),
//! fitted on the clean training images and scored by accuracy on the clean
//! held-out images. It is not rescaled, so a collapsing encoder (A → 0) loses
//! its accuracy, as a collapsed representation would in practice.

use nalgebra::{DMatrix, DVector};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use serde::Serialize;

use super::data::Dataset;
use crate::error::{Error, Result};
use crate::model::Procedure;
use crate::numeric::random::random_state;
use crate::numeric::{DiscreteMap, Model, State};

/// Settings of the real-data run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RealConfig {
    /// Seed of the split, the initialization, the minibatches and the views.
    pub seed: u64,
    /// Embedding dimension n.
    pub n: usize,
    /// Weight decay λ.
    pub lambda: f64,
    /// Step size η.
    pub eta: f64,
    /// EMA coefficient α.
    pub alpha: f64,
    /// Training steps.
    pub steps: usize,
    /// Minibatch size b.
    pub batch: usize,
    /// Probability that a pixel is kept by the mask (the rest are set to the mean).
    pub keep: f64,
    /// Standard deviation of the Gaussian noise added to each view.
    pub noise: f64,
    /// Initialization scale s: `A ~ N(0, s²/d)`, `B ~ N(0, s²/n)`, C = A.
    pub init_scale: f64,
    /// Evaluate every this many steps.
    pub eval_every: usize,
    /// Fraction of the samples held out for the probe's accuracy.
    pub test_fraction: f64,
    /// Ridge penalty of the probe, per training sample.
    pub probe_ridge: f64,
    /// Augmented pairs per training sample in the evaluation moments.
    pub eval_copies: usize,
}

impl Default for RealConfig {
    fn default() -> Self {
        Self {
            seed: 2026,
            n: 16,
            lambda: 0.003,
            eta: 0.1,
            alpha: 0.99,
            steps: 5000,
            batch: 128,
            keep: 0.8,
            noise: 0.1,
            init_scale: 1.0,
            eval_every: 50,
            test_fraction: 1.0 / 3.0,
            probe_ridge: 1e-2,
            eval_copies: 4,
        }
    }
}

impl RealConfig {
    /// Checks every setting against a data set of dimension `d` with `samples` samples.
    pub fn validate(&self, d: usize, samples: usize) -> Result<()> {
        let pos = |name: &str, x: f64| {
            if x.is_finite() && x > 0.0 {
                Ok(())
            } else {
                Err(Error::param(name, x, "a finite number > 0"))
            }
        };
        if self.n == 0 || self.n > d {
            return Err(Error::param(
                "n",
                self.n,
                &format!("an embedding dimension 1 ≤ n ≤ d = {d}"),
            ));
        }
        if !(self.lambda.is_finite() && self.lambda >= 0.0) {
            return Err(Error::param("lambda", self.lambda, "a finite λ ≥ 0"));
        }
        pos("eta", self.eta)?;
        pos("init-scale", self.init_scale)?;
        if !(self.alpha.is_finite() && (0.0..1.0).contains(&self.alpha)) {
            return Err(Error::param(
                "alpha",
                self.alpha,
                "an EMA coefficient 0 ≤ α < 1",
            ));
        }
        if self.steps == 0 || self.steps > 10_000_000 {
            return Err(Error::param("steps", self.steps, "1 ≤ steps ≤ 10000000"));
        }
        if self.batch == 0 {
            return Err(Error::param("batch", 0, "a minibatch size ≥ 1"));
        }
        if !(self.keep.is_finite() && self.keep > 0.0 && self.keep <= 1.0) {
            return Err(Error::param(
                "keep",
                self.keep,
                "a probability 0 < keep ≤ 1",
            ));
        }
        if !(self.noise.is_finite() && self.noise >= 0.0) {
            return Err(Error::param("noise", self.noise, "a finite σ ≥ 0"));
        }
        if self.eval_every == 0 {
            return Err(Error::param("every", 0, "at least 1"));
        }
        if !(self.test_fraction.is_finite() && self.test_fraction > 0.0 && self.test_fraction < 1.0)
        {
            return Err(Error::param(
                "test-fraction",
                self.test_fraction,
                "a fraction strictly between 0 and 1",
            ));
        }
        let test = (samples as f64 * self.test_fraction).round() as usize;
        if test == 0 || test >= samples {
            return Err(Error::param(
                "test-fraction",
                self.test_fraction,
                &format!("a fraction leaving samples in both parts of {samples}"),
            ));
        }
        if !(self.probe_ridge.is_finite() && self.probe_ridge > 0.0) {
            return Err(Error::param(
                "probe-ridge",
                self.probe_ridge,
                "a finite penalty > 0",
            ));
        }
        if self.eval_copies == 0 {
            return Err(Error::param("eval-copies", 0, "at least 1"));
        }
        Ok(())
    }
}

/// One evaluation of one procedure.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RealRecord {
    /// Step.
    pub step: usize,
    /// Ē(A, B) on the evaluation moments.
    pub ebar: f64,
    /// F(A, B, C) on the evaluation moments (C = A for GD and SG).
    pub f: f64,
    /// ‖∇Ē(A, B)‖ on the evaluation moments.
    pub grad_ebar: f64,
    /// Mean of `‖θ⁺ − θ‖/η` over the steps since the previous record (0 at step 0).
    pub step_norm: f64,
    /// ‖A‖.
    pub norm_a: f64,
    /// Probe accuracy on the held-out samples.
    pub probe: f64,
}

/// What one procedure's curve shows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RealSummary {
    /// `gd`, `sg` or `ema`.
    pub procedure: String,
    /// Ē at the start.
    pub ebar_initial: f64,
    /// Ē at the end.
    pub ebar_final: f64,
    /// Smallest Ē recorded.
    pub ebar_min: f64,
    /// ‖∇Ē‖ at the end.
    pub grad_final: f64,
    /// ‖A‖ at the end.
    pub norm_a_final: f64,
    /// Probe accuracy at the start.
    pub probe_initial: f64,
    /// Largest probe accuracy recorded, and its step.
    pub probe_best: (f64, usize),
    /// Probe accuracy at the end.
    pub probe_final: f64,
    /// Probe accuracy at the first record at or after 10 % of the steps.
    pub probe_at_tenth: f64,
    /// Ē at the same record.
    pub ebar_at_tenth: f64,
    /// First step at which the probe reached half of its best gain over the
    /// start (None if it never gained).
    pub half_gain_step: Option<usize>,
}

/// The whole run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RealReport {
    /// Settings.
    pub config: RealConfig,
    /// Data set description.
    pub dataset: String,
    /// Training and held-out sample counts.
    pub split: (usize, usize),
    /// Probe accuracy on the raw (centered) pixels, for reference.
    pub probe_raw_pixels: f64,
    /// Probe accuracy on the top-n principal components of the training set.
    pub probe_pca: f64,
    /// Records per procedure, in the order GD, SG, EMA.
    pub records: Vec<(String, Vec<RealRecord>)>,
    /// Summaries, same order.
    pub summaries: Vec<RealSummary>,
    /// The findings in words, with the numbers.
    pub findings: Vec<String>,
    /// The final state of each procedure, as in `records`.
    #[serde(skip)]
    pub final_states: Vec<(String, State)>,
    /// The evaluation moments (the population the final states are judged
    /// on).
    #[serde(skip)]
    pub eval_model: Model,
}

/// Fixed parts of an evaluation: clean data, split, evaluation model.
struct Eval<'a> {
    x: &'a DMatrix<f64>,
    labels: &'a [usize],
    classes: usize,
    train: Vec<usize>,
    test: Vec<usize>,
    model: Model,
    ridge: f64,
}

impl Eval<'_> {
    fn record(&self, step: usize, s: &State, step_norm: f64) -> RealRecord {
        let (ga, gb) = self.model.grad_ebar(&s.a, &s.b);
        RealRecord {
            step,
            ebar: self.model.objective_ebar(&s.a, &s.b),
            f: self.model.objective_f(&s.a, &s.b, s.teacher()),
            grad_ebar: (ga.norm_squared() + gb.norm_squared()).sqrt(),
            step_norm,
            norm_a: s.a.norm(),
            probe: self.probe(&s.a),
        }
    }

    /// Ridge probe on `[E x, 1]`, accuracy on the held-out samples.
    fn probe(&self, e: &DMatrix<f64>) -> f64 {
        probe_accuracy(
            e,
            self.x,
            self.labels,
            self.classes,
            &self.train,
            &self.test,
            self.ridge,
        )
    }
}

/// Accuracy on `test` of ridge regression of one-hot labels on `[E x, 1]`
/// fitted on `train` with penalty `ridge · |train| · ‖W‖²` (bias unpenalized).
pub fn probe_accuracy(
    e: &DMatrix<f64>,
    x: &DMatrix<f64>,
    labels: &[usize],
    classes: usize,
    train: &[usize],
    test: &[usize],
    ridge: f64,
) -> f64 {
    let k = e.nrows();
    let feats = |idx: &[usize]| {
        let mut z = DMatrix::from_element(k + 1, idx.len(), 1.0);
        for (col, &i) in idx.iter().enumerate() {
            let v = e * x.column(i);
            z.view_mut((0, col), (k, 1)).copy_from(&v);
        }
        z
    };
    let ztr = feats(train);
    let mut y = DMatrix::zeros(classes, train.len());
    for (col, &i) in train.iter().enumerate() {
        y[(labels[i], col)] = 1.0;
    }
    let mut g = &ztr * ztr.transpose();
    for i in 0..k {
        g[(i, i)] += ridge * train.len() as f64;
    }
    let rhs = &ztr * y.transpose();
    let w = match g.clone().cholesky() {
        Some(c) => c.solve(&rhs),
        None => match g.lu().solve(&rhs) {
            Some(w) => w,
            None => return 0.0,
        },
    };
    let zte = feats(test);
    let scores = w.transpose() * zte;
    let correct = test
        .iter()
        .enumerate()
        .filter(|&(col, &i)| scores.column(col).argmax().0 == labels[i])
        .count();
    correct as f64 / test.len() as f64
}

/// One augmented view of the columns `idx` of `x`: each entry kept with
/// probability `keep` (else 0, the mean of the centered data) plus `N(0, σ²)`.
fn view(
    x: &DMatrix<f64>,
    idx: &[usize],
    keep: f64,
    noise: f64,
    rng: &mut ChaCha8Rng,
) -> DMatrix<f64> {
    let d = x.nrows();
    let mut v = DMatrix::zeros(d, idx.len());
    for (col, &i) in idx.iter().enumerate() {
        for r in 0..d {
            let kept = if rng.r#gen::<f64>() < keep {
                x[(r, i)]
            } else {
                0.0
            };
            v[(r, col)] = kept + noise * rng.sample::<f64, _>(StandardNormal);
        }
    }
    v
}

/// The moments of the view pairs `(X, Y)` as a model with embedding dimension n.
fn moments_model(xv: &DMatrix<f64>, yv: &DMatrix<f64>, n: usize, lambda: f64) -> Model {
    let b = xv.ncols() as f64;
    let mxx = xv * xv.transpose() / b;
    let myx = yv * xv.transpose() / b;
    let myy = yv * yv.transpose() / b;
    Model {
        n,
        m: xv.nrows(),
        mxy: myx.transpose(),
        mxx,
        myx,
        myy,
        lambda,
    }
}

/// The three procedures, in the order of the report.
const PROCEDURES: [Procedure; 3] = [
    Procedure::GradientDescent,
    Procedure::StopGradient,
    Procedure::Ema,
];

/// Trains GD, SG and EMA on `ds` and reports the curves and findings.
/// `progress(k)` is called with the number of steps done (all procedures).
pub fn run(ds: &Dataset, cfg: &RealConfig, progress: &dyn Fn(usize)) -> Result<RealReport> {
    let (d, samples) = ds.x.shape();
    cfg.validate(d, samples)?;
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    let (x, train, test) = split_and_center(&ds.x, cfg.test_fraction, &mut rng);
    // Evaluation moments.
    let mut eval_rng = ChaCha8Rng::seed_from_u64(cfg.seed ^ 0x5EED_E7A1);
    let reps: Vec<usize> = (0..cfg.eval_copies)
        .flat_map(|_| train.iter().copied())
        .collect();
    let xe = view(&x, &reps, cfg.keep, cfg.noise, &mut eval_rng);
    let ye = view(&x, &reps, cfg.keep, cfg.noise, &mut eval_rng);
    let eval = Eval {
        x: &x,
        labels: &ds.labels,
        classes: ds.classes,
        model: moments_model(&xe, &ye, cfg.n, cfg.lambda),
        train,
        test,
        ridge: cfg.probe_ridge,
    };
    // References: raw pixels and the top-n principal directions.
    let probe_raw_pixels = eval.probe(&DMatrix::identity(d, d));
    let probe_pca = eval.probe(&principal_directions(&x, &eval.train, cfg.n));
    let (states, records) = train_all(&eval, cfg, &mut rng, progress)?;
    let summaries: Vec<RealSummary> = PROCEDURES
        .iter()
        .zip(&records)
        .map(|(p, r)| summarize(p.short(), r, cfg.steps))
        .collect();
    let findings = findings(&summaries, probe_pca, cfg);
    Ok(RealReport {
        config: cfg.clone(),
        dataset: format!(
            "UCI handwritten digits: {samples} images of {d} pixels, {} classes",
            ds.classes
        ),
        split: (eval.train.len(), eval.test.len()),
        probe_raw_pixels,
        probe_pca,
        records: PROCEDURES
            .iter()
            .map(|p| p.short().to_owned())
            .zip(records)
            .collect(),
        summaries,
        findings,
        final_states: PROCEDURES
            .iter()
            .map(|p| p.short().to_owned())
            .zip(states)
            .collect(),
        eval_model: eval.model.clone(),
    })
}

/// Shuffles the samples (columns of `x`) into a test and a training set and
/// centers the data with the training mean. Returns the centered data, the
/// training and the test indices.
fn split_and_center(
    x: &DMatrix<f64>,
    test_fraction: f64,
    rng: &mut ChaCha8Rng,
) -> (DMatrix<f64>, Vec<usize>, Vec<usize>) {
    let (d, samples) = x.shape();
    let mut order: Vec<usize> = (0..samples).collect();
    for i in (1..samples).rev() {
        let j = rng.gen_range(0..=i);
        order.swap(i, j);
    }
    let n_test = (samples as f64 * test_fraction).round() as usize;
    let test: Vec<usize> = order[..n_test].to_vec();
    let train: Vec<usize> = order[n_test..].to_vec();
    let mut mean = DVector::zeros(d);
    for &i in &train {
        mean += x.column(i);
    }
    mean /= train.len() as f64;
    let mut x = x.clone();
    for mut c in x.column_iter_mut() {
        c -= &mean;
    }
    (x, train, test)
}

/// The top-`n` principal directions of the training columns of `x` (which is
/// centered), as the rows of an n×d matrix.
fn principal_directions(x: &DMatrix<f64>, train: &[usize], n: usize) -> DMatrix<f64> {
    let d = x.nrows();
    let mut cov = DMatrix::zeros(d, d);
    for &i in train {
        let c = x.column(i);
        cov += c * c.transpose();
    }
    let eig = cov.symmetric_eigen();
    let mut idx: Vec<usize> = (0..d).collect();
    idx.sort_by(|&i, &j| eig.eigenvalues[j].total_cmp(&eig.eigenvalues[i]));
    let mut pca = DMatrix::zeros(n, d);
    for (r, &i) in idx.iter().take(n).enumerate() {
        pca.row_mut(r)
            .copy_from(&eig.eigenvectors.column(i).transpose());
    }
    pca
}

/// Trains the three procedures from one random start on the same minibatches
/// and views, recording every `eval_every` steps. Returns the final states
/// and the records, or an error naming the first procedure that diverged.
fn train_all(
    eval: &Eval,
    cfg: &RealConfig,
    rng: &mut ChaCha8Rng,
    progress: &dyn Fn(usize),
) -> Result<(Vec<State>, Vec<Vec<RealRecord>>)> {
    let d = eval.x.nrows();
    let start = random_state(cfg.n, d, Procedure::Ema, cfg.init_scale, rng);
    let maps: Vec<DiscreteMap> = PROCEDURES
        .iter()
        .map(|&p| DiscreteMap::new(p, cfg.eta, cfg.alpha))
        .collect::<Result<_>>()?;
    let mut states: Vec<State> = PROCEDURES
        .iter()
        .map(|&p| State::new(p, start.a.clone(), start.b.clone()))
        .collect();
    let mut records: Vec<Vec<RealRecord>> = states
        .iter()
        .map(|s| vec![eval.record(0, s, 0.0)])
        .collect();
    let mut step_sums = [0.0f64; 3];
    let mut diverged: Vec<Option<usize>> = vec![None; 3];
    let mut batch = vec![0usize; cfg.batch];
    for k in 1..=cfg.steps {
        for b in batch.iter_mut() {
            *b = eval.train[rng.gen_range(0..eval.train.len())];
        }
        let xv = view(eval.x, &batch, cfg.keep, cfg.noise, rng);
        let yv = view(eval.x, &batch, cfg.keep, cfg.noise, rng);
        let model = moments_model(&xv, &yv, cfg.n, cfg.lambda);
        for p in 0..3 {
            if diverged[p].is_some() {
                continue;
            }
            let next = model.discrete_step(&maps[p], &states[p]);
            if !next.is_finite() || next.a.norm() > 1e12 {
                diverged[p] = Some(k);
                continue;
            }
            step_sums[p] += (next.to_vector() - states[p].to_vector()).norm() / cfg.eta;
            states[p] = next;
        }
        if k % cfg.eval_every == 0 || k == cfg.steps {
            let since = k - records[0].last().map_or(0, |r| r.step);
            for p in 0..3 {
                if diverged[p].is_none() {
                    let r = eval.record(k, &states[p], step_sums[p] / since as f64);
                    records[p].push(r);
                }
                step_sums[p] = 0.0;
            }
            progress(k);
        }
    }
    if let Some((p, k)) = diverged
        .iter()
        .enumerate()
        .find_map(|(p, d)| d.map(|k| (p, k)))
    {
        return Err(Error::Computation(format!(
            "{} diverged at step {k} (η = {} too large?)",
            PROCEDURES[p].short(),
            cfg.eta
        )));
    }
    Ok((states, records))
}

fn summarize(name: &str, r: &[RealRecord], steps: usize) -> RealSummary {
    let first = &r[0];
    let last = &r[r.len() - 1];
    let best = r.iter().fold((first.probe, first.step), |acc, x| {
        if x.probe > acc.0 {
            (x.probe, x.step)
        } else {
            acc
        }
    });
    let tenth = r.iter().find(|x| x.step * 10 >= steps).unwrap_or(last);
    let gain = best.0 - first.probe;
    let half_gain_step = (gain > 0.0)
        .then(|| {
            r.iter()
                .find(|x| x.probe - first.probe >= 0.5 * gain)
                .map(|x| x.step)
        })
        .flatten();
    RealSummary {
        procedure: name.to_owned(),
        ebar_initial: first.ebar,
        ebar_final: last.ebar,
        ebar_min: r.iter().map(|x| x.ebar).fold(f64::INFINITY, f64::min),
        grad_final: last.grad_ebar,
        norm_a_final: last.norm_a,
        probe_initial: first.probe,
        probe_best: best,
        probe_final: last.probe,
        probe_at_tenth: tenth.probe,
        ebar_at_tenth: tenth.ebar,
        half_gain_step,
    }
}

fn findings(s: &[RealSummary], probe_pca: f64, cfg: &RealConfig) -> Vec<String> {
    let (gd, sg, ema) = (&s[0], &s[1], &s[2]);
    let mut out = Vec::new();
    out.push(format!(
        "GD on Ē drives Ē from {:.4} to {:.2e} (its infimum is 0, at collapse) with ‖A‖ → {:.2e}: the encoder collapses and the probe ends at {:.1} %",
        gd.ebar_initial,
        gd.ebar_final,
        gd.norm_a_final,
        100.0 * gd.probe_final
    ));
    for x in [sg, ema] {
        out.push(format!(
            "{}: Ē goes from {:.4} to {:.4} (minimum {:.4}), {}× GD's final Ē, with ‖∇Ē‖ = {:.3} at the end: Ē is {}minimized",
            x.procedure.to_uppercase(),
            x.ebar_initial,
            x.ebar_final,
            x.ebar_min,
            {
                let ratio = x.ebar_final / gd.ebar_final.max(1e-300);
                if ratio < 1e4 {
                    format!("{ratio:.0}")
                } else {
                    format!("{ratio:.1e}")
                }
            },
            x.grad_final,
            if x.ebar_final > 10.0 * gd.ebar_final.max(1e-12) && x.grad_final > 1e-3 {
                "not "
            } else {
                ""
            }
        ));
        let gain = x.probe_best.0 - x.probe_initial;
        let early = x.probe_at_tenth - x.probe_initial;
        out.push(format!(
            "{}: the probe {} in the first 10 % of the steps ({:+.1} points), while Ē fell from {:.4} to within {:.0} % of its final value by then",
            x.procedure.to_uppercase(),
            if early > 0.0 { "improves" } else { "does not improve" },
            100.0 * early,
            x.ebar_initial,
            100.0 * (x.ebar_at_tenth - x.ebar_final).abs() / x.ebar_final.abs().max(1e-300),
        ));
        out.push(format!(
            "{}: probe accuracy {:.1} % at the start, {:.1} % after 10 % of the steps, best {:.1} % (step {}), {:.1} % at the end; {}",
            x.procedure.to_uppercase(),
            100.0 * x.probe_initial,
            100.0 * x.probe_at_tenth,
            100.0 * x.probe_best.0,
            x.probe_best.1,
            100.0 * x.probe_final,
            match x.half_gain_step {
                Some(h) if gain > 0.0 => format!(
                    "half of the gain of {:.1} points was reached by step {h} of {} ({:.0} % of training)",
                    100.0 * gain,
                    cfg.steps,
                    100.0 * h as f64 / cfg.steps as f64
                ),
                _ => "the probe never improved on its start".into(),
            }
        ));
    }
    out.push(format!(
        "reference: probe on the top-{} principal components {:.1} %",
        cfg.n,
        100.0 * probe_pca
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two well-separated classes in 6 dimensions.
    fn toy() -> Dataset {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let n = 120;
        let mut x = DMatrix::zeros(6, n);
        let mut labels = Vec::new();
        for i in 0..n {
            let l = i % 2;
            for r in 0..6 {
                let centre = if r < 3 { 1.0 } else { -1.0 } * if l == 0 { 1.0 } else { -1.0 };
                x[(r, i)] = centre + 0.3 * rng.sample::<f64, _>(StandardNormal);
            }
            labels.push(l);
        }
        Dataset {
            x,
            labels,
            classes: 2,
        }
    }

    #[test]
    fn the_probe_separates_separable_classes_and_fails_on_a_collapsed_encoder() {
        let ds = toy();
        let train: Vec<usize> = (0..80).collect();
        let test: Vec<usize> = (80..120).collect();
        let id = DMatrix::identity(6, 6);
        let acc = probe_accuracy(&id, &ds.x, &ds.labels, 2, &train, &test, 1e-2);
        assert!(acc > 0.95, "{acc}");
        let zero = DMatrix::zeros(2, 6);
        let acc0 = probe_accuracy(&zero, &ds.x, &ds.labels, 2, &train, &test, 1e-2);
        assert!(acc0 <= 0.6, "{acc0}");
    }

    #[test]
    fn gd_collapses_while_sg_keeps_a_nonzero_encoder_on_toy_data() {
        let ds = toy();
        let cfg = RealConfig {
            n: 2,
            steps: 3000,
            eval_every: 500,
            lambda: 0.01,
            ..RealConfig::default()
        };
        let rep = run(&ds, &cfg, &|_| {}).unwrap();
        let gd = &rep.summaries[0];
        let sg = &rep.summaries[1];
        assert!(gd.norm_a_final < 1e-2 * sg.norm_a_final, "{gd:?} {sg:?}");
        assert!(sg.ebar_final > 10.0 * gd.ebar_final);
        assert_eq!(rep.records.len(), 3);
        assert_eq!(rep.records[1].1.len(), 7);
        // Same seed, same numbers.
        let again = run(&ds, &cfg, &|_| {}).unwrap();
        assert_eq!(rep, again);
    }

    #[test]
    fn bad_settings_name_their_value() {
        let ds = toy();
        for cfg in [
            RealConfig {
                n: 7,
                ..RealConfig::default()
            },
            RealConfig {
                alpha: 1.5,
                ..RealConfig::default()
            },
            RealConfig {
                keep: 0.0,
                ..RealConfig::default()
            },
            RealConfig {
                eta: f64::NAN,
                ..RealConfig::default()
            },
        ] {
            let e = run(&ds, &cfg, &|_| {}).unwrap_err();
            assert!(e.is_bad_input(), "{e}");
        }
    }
}

//! Seeded random points: states, orthogonal matrices, Stiefel frames.

use nalgebra::DMatrix;
use rand::Rng;
use rand_distr::StandardNormal;

use super::fields::State;

use crate::model::Procedure;

/// An n×m matrix with independent standard normal entries times `scale`.
pub fn gaussian<R: Rng>(rows: usize, cols: usize, scale: f64, rng: &mut R) -> DMatrix<f64> {
    DMatrix::from_fn(rows, cols, |_, _| {
        scale * rng.sample::<f64, _>(StandardNormal)
    })
}

/// A random initial state: `A` entries `N(0, scale²/m)`, `B` entries
/// `N(0, scale²/n)`, and for EMA `C = A` (the teacher starts as a copy).
pub fn random_state<R: Rng>(
    n: usize,
    m: usize,
    procedure: Procedure,
    scale: f64,
    rng: &mut R,
) -> State {
    let a = gaussian(n, m, scale / (m as f64).sqrt(), rng);
    let b = gaussian(n, n, scale / (n as f64).sqrt(), rng);
    State::new(procedure, a, b)
}

/// A Haar-random orthogonal n×n matrix (QR of a Gaussian matrix with the
/// signs of R's diagonal fixed).
pub fn orthogonal<R: Rng>(n: usize, rng: &mut R) -> DMatrix<f64> {
    let g = gaussian(n, n, 1.0, rng);
    let qr = g.qr();
    let mut q = qr.q();
    let r = qr.r();
    for j in 0..n {
        if r[(j, j)] < 0.0 {
            q.column_mut(j).neg_mut();
        }
    }
    q
}

/// A random n×r matrix with orthonormal columns (a point of the Stiefel manifold).
pub fn stiefel<R: Rng>(n: usize, r: usize, rng: &mut R) -> DMatrix<f64> {
    orthogonal(n, rng).columns(0, r).clone_owned()
}

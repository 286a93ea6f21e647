//! Spectra of Jacobians and the stability verdicts they support.
//!
//! At a point of a manifold of equilibria of dimension `d`, the Jacobian has at
//! least `d` zero eigenvalues (tangent directions). The equilibrium is
//! *asymptotically stable modulo its orbit* (normally hyperbolic and
//! attracting) when exactly `d` eigenvalues are zero and all others have
//! negative real part (continuous time) or modulus below one (discrete time).

use nalgebra::DMatrix;
use serde::Serialize;

use crate::model::StabilityVerdict;

/// Tolerances of the spectral verdicts, relative to `max(1, max|J_ij|)`.
///
/// An eigenvalue counts as zero (or as one, for maps) when it lies within
/// `zero` of it. The equilibria we classify are polished until the field norm
/// is below about 1e-13, which moves the tangent eigenvalues by about that much
/// (they are semisimple at a normally hyperbolic point), while the non-zero
/// eigenvalues of the built-in instances are above 1e-3 in modulus: 1e-7 sits
/// between the two with four orders of margin on each side. The report prints
/// both the largest "zero" and the smallest "non-zero" modulus so the gap can
/// be seen. `sign` is the margin below which a real part is called neither
/// negative nor positive (a degenerate verdict).
#[derive(Clone, Copy, Debug, Serialize)]
pub struct SpectralTolerances {
    /// Radius around 0 (or 1) of the eigenvalues counted as tangent.
    pub zero: f64,
    /// Margin for the sign of the real part (or of `|μ| − 1`).
    pub sign: f64,
}

impl Default for SpectralTolerances {
    fn default() -> Self {
        Self {
            zero: 1e-7,
            sign: 1e-9,
        }
    }
}

/// A classified spectrum.
#[derive(Clone, Debug, Serialize)]
pub struct SpectrumSummary {
    /// Size of the matrix.
    pub dimension: usize,
    /// Eigenvalues within the tolerance of 0 (or 1 for maps).
    pub tangent_count: usize,
    /// The count expected from the orbit dimension.
    pub expected_tangent: usize,
    /// Largest distance of a tangent eigenvalue to 0 (or 1).
    pub tangent_max: f64,
    /// Smallest distance of a non-tangent eigenvalue to 0 (or 1).
    pub rest_min: f64,
    /// Largest real part (continuous) or modulus (discrete) of the others.
    pub rest_abscissa: f64,
    /// Number of non-tangent eigenvalues on the unstable side.
    pub unstable_count: usize,
    /// The verdict.
    pub verdict: StabilityVerdict,
}

/// Eigenvalues `(re, im)` of a square real matrix, from a real Schur form
/// computed with an iteration cap. nalgebra's unbounded QR iteration can cycle
/// when its deflation threshold is at machine precision; the capped iteration
/// is tried with deflation thresholds 1e-14, 1e-13, 1e-12 (relative), which
/// move eigenvalues by at most about that times `‖J‖`, far below the
/// tolerances of [`SpectralTolerances`]. If all fail, the same spectrum is
/// sought for `QᵀJQ` with seeded random orthogonal `Q`.
/// Returns `None` if every attempt fails (callers then report "degenerate").
pub fn eigenvalues(j: &DMatrix<f64>) -> Option<Vec<(f64, f64)>> {
    use rand::SeedableRng;
    let n = j.nrows();
    let try_one = |m: DMatrix<f64>| {
        [1e-14, 1e-13, 1e-12].into_iter().find_map(|eps| {
            nalgebra::Schur::try_new(m.clone(), eps, 20_000 + 200 * n).map(|s| {
                s.complex_eigenvalues()
                    .iter()
                    .map(|z| (z.re, z.im))
                    .collect::<Vec<_>>()
            })
        })
    };
    if let Some(e) = try_one(j.clone_owned()) {
        return Some(e);
    }
    // Many eigenvalues at 0 (an orbit's tangent directions) can stall the
    // deflation test, which is relative to the neighbouring diagonal
    // entries; shifted by c = max(1, ‖J‖_max)·n they are all away from 0, and
    // the shift costs about eps·c of absolute accuracy, the scale the
    // tolerances are relative to.
    let c = j.amax().max(1.0) * n as f64;
    let shifted = j + DMatrix::<f64>::identity(n, n) * c;
    if let Some(e) = try_one(shifted) {
        return Some(e.into_iter().map(|(re, im)| (re - c, im)).collect());
    }
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(n as u64);
    for _ in 0..4 {
        let q = super::random::orthogonal(n, &mut rng);
        if let Some(e) = try_one(q.transpose() * j * &q) {
            return Some(e);
        }
    }
    None
}

fn failed(dimension: usize, expected_tangent: usize) -> SpectrumSummary {
    SpectrumSummary {
        dimension,
        tangent_count: 0,
        expected_tangent,
        tangent_max: f64::NAN,
        rest_min: f64::NAN,
        rest_abscissa: f64::NAN,
        unstable_count: 0,
        verdict: StabilityVerdict::Degenerate,
    }
}

/// Classifies a continuous-time Jacobian at an equilibrium whose orbit has
/// dimension `expected_tangent`.
pub fn classify_continuous(
    j: &DMatrix<f64>,
    expected_tangent: usize,
    tol: &SpectralTolerances,
) -> SpectrumSummary {
    classify_dense(j, expected_tangent, tol, false)
}

/// Classifies the Jacobian of a discrete map (tangent eigenvalues at 1,
/// stability inside the unit disc).
pub fn classify_discrete(
    j: &DMatrix<f64>,
    expected_tangent: usize,
    tol: &SpectralTolerances,
) -> SpectrumSummary {
    classify_dense(j, expected_tangent, tol, true)
}

fn classify_dense(
    j: &DMatrix<f64>,
    expected_tangent: usize,
    tol: &SpectralTolerances,
    discrete: bool,
) -> SpectrumSummary {
    let scale = j.amax().max(1.0);
    let Some(eig) = eigenvalues(j) else {
        return failed(j.nrows(), expected_tangent);
    };
    summarize(
        eig.into_iter().map(|z| (spectral_item(z, discrete), 1)),
        j.nrows(),
        expected_tangent,
        tol,
        scale,
        discrete,
    )
}

/// What the classification compares of an eigenvalue `re + i im`: its
/// distance to the tangent value (0 for flows, 1 for maps) and the quantity
/// compared with the stability threshold (the real part for flows, the
/// modulus for maps).
pub(crate) fn spectral_item((re, im): (f64, f64), discrete: bool) -> (f64, f64) {
    if discrete {
        (
            ((re - 1.0).powi(2) + im * im).sqrt(),
            (re * re + im * im).sqrt(),
        )
    } else {
        ((re * re + im * im).sqrt(), re)
    }
}

/// The classification of a spectrum given as [`spectral_item`]s, each
/// counted `multiplicity` times (1 for a dense spectrum, more for the closed
/// forms of a structured one): items within `tol.zero · scale` of the
/// tangent value are the tangent ones; the others are compared with the
/// threshold (1 for maps, 0 for flows).
pub(crate) fn summarize(
    items: impl Iterator<Item = ((f64, f64), usize)>,
    dimension: usize,
    expected_tangent: usize,
    tol: &SpectralTolerances,
    scale: f64,
    discrete: bool,
) -> SpectrumSummary {
    let threshold = if discrete { 1.0 } else { 0.0 };
    let zero = tol.zero * scale;
    let mut tangent_count = 0usize;
    let mut rest_count = 0usize;
    let mut tangent_max = 0.0f64;
    let mut rest_min = f64::INFINITY;
    let mut rest_abscissa = f64::NEG_INFINITY;
    let mut unstable_count = 0usize;
    let mut boundary = false;
    for ((d, q), mult) in items.filter(|&(_, mult)| mult > 0) {
        if d <= zero {
            tangent_count += mult;
            tangent_max = tangent_max.max(d);
        } else {
            rest_count += mult;
            rest_min = rest_min.min(d);
            rest_abscissa = rest_abscissa.max(q);
            if q > threshold + tol.sign {
                unstable_count += mult;
            }
            boundary |= (q - threshold).abs() <= tol.sign;
        }
    }
    let verdict = if tangent_count != expected_tangent || boundary {
        StabilityVerdict::Degenerate
    } else if unstable_count == 0 {
        StabilityVerdict::Stable
    } else if unstable_count == rest_count {
        StabilityVerdict::Unstable
    } else {
        StabilityVerdict::Saddle
    };
    SpectrumSummary {
        dimension,
        tangent_count,
        expected_tangent,
        tangent_max,
        rest_min,
        rest_abscissa,
        unstable_count,
        verdict,
    }
}

/// Largest step size η for which the discrete SG (or GD) map `θ + η v(θ)` is
/// stable modulo the tangent directions, from the continuous spectrum μ:
/// `|1 + ημ| < 1` iff `η < −2 Re μ / |μ|²`. Returns 0 when some non-tangent μ
/// has `Re μ ≥ 0`.
pub fn max_stable_step(j: &DMatrix<f64>, tol: &SpectralTolerances) -> f64 {
    let zero = tol.zero * j.amax().max(1.0);
    let Some(eig) = eigenvalues(j) else {
        return f64::NAN;
    };
    eig.into_iter()
        .filter(|&(re, im)| (re * re + im * im).sqrt() > zero)
        .map(|(re, im)| {
            if re < 0.0 {
                -2.0 * re / (re * re + im * im)
            } else {
                0.0
            }
        })
        .fold(f64::INFINITY, f64::min)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_diagonal_examples() {
        let tol = SpectralTolerances::default();
        let d = |v: &[f64]| DMatrix::from_diagonal(&nalgebra::DVector::from_row_slice(v));
        assert_eq!(
            classify_continuous(&d(&[0.0, -1.0, -2.0]), 1, &tol).verdict,
            StabilityVerdict::Stable
        );
        assert_eq!(
            classify_continuous(&d(&[0.0, -1.0, 2.0]), 1, &tol).verdict,
            StabilityVerdict::Saddle
        );
        assert_eq!(
            classify_continuous(&d(&[0.0, 1.0, 2.0]), 1, &tol).verdict,
            StabilityVerdict::Unstable
        );
        assert_eq!(
            classify_continuous(&d(&[0.0, 0.0, -2.0]), 1, &tol).verdict,
            StabilityVerdict::Degenerate
        );
        assert_eq!(
            classify_discrete(&d(&[1.0, 0.5, -0.9]), 1, &tol).verdict,
            StabilityVerdict::Stable
        );
        assert_eq!(
            classify_discrete(&d(&[1.0, 0.5, -1.1]), 1, &tol).verdict,
            StabilityVerdict::Saddle
        );
        // μ = −1 and −4: |1 + ημ| < 1 iff η < 2/4.
        assert!((max_stable_step(&d(&[0.0, -1.0, -4.0]), &tol) - 0.5).abs() < 1e-12);
        // A rotation-dominated pair −0.1 ± 1i: η < 0.2 / 1.01.
        let rot = DMatrix::from_row_slice(2, 2, &[-0.1, 1.0, -1.0, -0.1]);
        assert!((max_stable_step(&rot, &tol) - 0.2 / 1.01).abs() < 1e-12);
    }
}

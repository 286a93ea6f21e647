//! Test references: roots as eigenvalues of a companion matrix (nalgebra),
//! and the JSON text of serialized forms.

use nalgebra::{Complex, DMatrix, Schur};
use num_rational::BigRational;

use super::upoly::UPoly;
use crate::model::to_f64;

/// All complex roots of a non-constant `p` (with multiplicity), from the
/// eigenvalues of the companion matrix of `p(t + s)` for a small shift `s`.
/// The shift breaks symmetric spectra (±λ), on which nalgebra's unshifted
/// Francis iteration can stagnate; the iteration count is capped and the
/// next shift is tried on failure.
pub(crate) fn float_roots(p: &UPoly) -> Vec<Complex<f64>> {
    let n = p.degree().expect("non-zero polynomial");
    assert!(n >= 1, "non-constant polynomial");
    for (num, den) in [(1i64, 7i64), (-2, 13), (3, 11), (5, 17), (-7, 19)] {
        let s = BigRational::new(num.into(), den.into());
        let shifted = p
            .compose(&UPoly::new(vec![
                s.clone(),
                BigRational::from_integer(1.into()),
            ]))
            .monic();
        let c: Vec<f64> = shifted.coeffs().iter().map(to_f64).collect();
        let m = DMatrix::from_fn(n, n, |i, j| {
            if i == 0 {
                -c[n - 1 - j]
            } else if i == j + 1 {
                1.0
            } else {
                0.0
            }
        });
        if let Some(schur) = Schur::try_new(m, f64::EPSILON, 100_000) {
            let sf = to_f64(&s);
            return schur
                .complex_eigenvalues()
                .iter()
                .map(|z| Complex::new(z.re + sf, z.im))
                .collect();
        }
    }
    panic!("no convergence of the companion eigenvalues of {p}");
}

/// The real roots among [`float_roots`] (|Im| small), increasing.
pub(crate) fn float_real_roots(p: &UPoly) -> Vec<f64> {
    let mut v: Vec<f64> = float_roots(p)
        .iter()
        .filter(|z| z.im.abs() < 1e-7 * (1.0 + z.re.abs()))
        .map(|z| z.re)
        .collect();
    v.sort_by(f64::total_cmp);
    v
}

/// The compact JSON text of `v` (serde_json), for checking serialized forms
/// in tests.
pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("serializable as JSON")
}

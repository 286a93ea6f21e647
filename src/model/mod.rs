//! Validated instances of the linear model (SPEC §1).
//!
//! An [`Instance`] holds the embedding dimension `n`, the data dimension `m`,
//! the second moments `Mxx`, `Myx`, `Myy` and the weight decay `λ`, all as exact
//! rationals. It can only be built through constructors that validate it:
//! `Mxx` symmetric positive definite, `Myy` symmetric, the joint moment matrix
//! `[[Mxx, Mxy], [Myx, Myy]]` positive semidefinite, `λ ≥ 0`, shapes agreeing.
//!
//! It also holds what every layer shares, so that no layer borrows it from
//! another: the procedures and dynamics of SPEC §2 ([`Procedure`],
//! [`Dynamics`]), the orbit dimension, the stability class
//! ([`StabilityVerdict`]), the k-subsets that index minors ([`subsets`]),
//! the exact record of an instance in results ([`InstanceRecord`]) and the
//! integer arithmetic of the exact and polynomial layers (a fast gcd and the
//! clearing of denominators).

mod builtin;
mod dynamics;
mod file;
pub mod formula;
mod generator;
mod index_sets;
mod integer;
mod rational;
mod record;

pub use builtin::{BUILTIN_NAMES, builtin, builtin_witness};
pub use dynamics::{Dynamics, DynamicsParameter, Procedure, StabilityVerdict, orbit_dimension};
pub use file::{Format, GeneratorSpec, InstanceFile, Number, load_instance, parse_instance_str};
pub use generator::Generator;
pub use index_sets::subsets;
pub(crate) use integer::{clear_denominators, int_from_words, int_gcd};
pub use rational::{RationalMatrix, parse_rational, rational_from_f64, to_f64};
pub(crate) use rational::{cmp_rational, ratio};
pub use record::InstanceRecord;

use nalgebra::DMatrix;
use num_rational::BigRational;
use num_traits::Signed;

use crate::error::{Error, Result};

/// Largest `n` or `m` accepted by the model at all; individual methods refuse
/// smaller sizes they cannot handle, with their own limits.
pub const MAX_DIMENSION: usize = 4096;

/// The data moments `Mxx = E[x xᵀ]`, `Myx = E[y xᵀ]`, `Myy = E[y yᵀ]` (each m×m).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moments {
    /// `Mxx = E[x xᵀ]`, symmetric positive definite.
    pub mxx: RationalMatrix,
    /// `Myx = E[y xᵀ]`, any m×m matrix.
    pub myx: RationalMatrix,
    /// `Myy = E[y yᵀ]`, symmetric; enters only the gradient of `Ē`.
    pub myy: RationalMatrix,
}

/// A validated instance: dimensions, moments and weight decay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instance {
    name: String,
    n: usize,
    moments: Moments,
    lambda: BigRational,
}

impl Instance {
    /// Validates and builds an instance with embedding dimension `n`.
    ///
    /// ```
    /// use ssl_equilibria::model::{Instance, Moments, RationalMatrix, parse_rational};
    /// let mxx = RationalMatrix::from_ints(&[&[2]], 1);
    /// let myx = RationalMatrix::from_ints(&[&[1]], 1);
    /// let myy = RationalMatrix::from_ints(&[&[1]], 1);
    /// let lambda = parse_rational("0.05", "lambda").unwrap();
    /// let inst = Instance::new("tiny", 2, Moments { mxx, myx, myy }, lambda).unwrap();
    /// assert_eq!((inst.n(), inst.m()), (2, 1));
    /// ```
    pub fn new(name: &str, n: usize, moments: Moments, lambda: BigRational) -> Result<Self> {
        validate(name, n, &moments, &lambda)?;
        Ok(Self {
            name: name.to_owned(),
            n,
            moments,
            lambda,
        })
    }

    /// The instance's name (built-in name, file stem or the `name` field).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Returns the same instance under another name.
    pub fn renamed(mut self, name: &str) -> Self {
        self.name = name.to_owned();
        self
    }

    /// Embedding dimension `n` (rows of `A`).
    pub fn n(&self) -> usize {
        self.n
    }

    /// Data dimension `m` (columns of `A`).
    pub fn m(&self) -> usize {
        self.moments.mxx.nrows()
    }

    /// The moments.
    pub fn moments(&self) -> &Moments {
        &self.moments
    }

    /// Weight decay `λ ≥ 0`.
    pub fn lambda(&self) -> &BigRational {
        &self.lambda
    }

    /// `λ` as `f64`.
    pub fn lambda_f64(&self) -> f64 {
        to_f64(&self.lambda)
    }

    /// `Mxx`, `Myx`, `Myy` as floating-point matrices.
    pub fn moments_f64(&self) -> (DMatrix<f64>, DMatrix<f64>, DMatrix<f64>) {
        (
            self.moments.mxx.to_f64(),
            self.moments.myx.to_f64(),
            self.moments.myy.to_f64(),
        )
    }

    /// The joint moment matrix `[[Mxx, Mxy], [Myx, Myy]]` (2m×2m).
    pub fn joint_moments(&self) -> RationalMatrix {
        joint(&self.moments)
    }

    /// The file form of this instance (exact strings), for writing it back.
    pub fn to_file(&self) -> InstanceFile {
        InstanceFile::from_instance(self)
    }
}

fn joint(mo: &Moments) -> RationalMatrix {
    RationalMatrix::block2(&mo.mxx, &mo.myx.transpose(), &mo.myx, &mo.myy)
}

fn validate(name: &str, n: usize, mo: &Moments, lambda: &BigRational) -> Result<()> {
    let err = |msg: String| Err(Error::invalid(Some(name), msg));
    let m = mo.mxx.nrows();
    if n == 0 || n > MAX_DIMENSION {
        return err(format!(
            "n = {n}: expected an embedding dimension 1 ≤ n ≤ {MAX_DIMENSION}"
        ));
    }
    if m == 0 || m > MAX_DIMENSION {
        return err(format!(
            "m = {m} (rows of mxx): expected a data dimension 1 ≤ m ≤ {MAX_DIMENSION}"
        ));
    }
    for (label, mat) in [("mxx", &mo.mxx), ("myx", &mo.myx), ("myy", &mo.myy)] {
        if (mat.nrows(), mat.ncols()) != (m, m) {
            return err(format!(
                "{label} is {}×{}: expected {m}×{m} (m = {m}, the size of mxx)",
                mat.nrows(),
                mat.ncols()
            ));
        }
    }
    if lambda.is_negative() {
        return err(format!("lambda = {lambda}: expected a weight decay λ ≥ 0"));
    }
    if let Some((i, j)) = first_asymmetry(&mo.mxx) {
        return err(format!(
            "mxx is not symmetric: mxx[{i}][{j}] = {} but mxx[{j}][{i}] = {}; expected Mxx = E[x xᵀ] symmetric positive definite",
            mo.mxx.get(i, j),
            mo.mxx.get(j, i)
        ));
    }
    if let Some(k) = mo.mxx.positive_definite_failure() {
        return err(format!(
            "mxx = {} is not positive definite (leading principal minor of order {} is ≤ 0); expected Mxx = E[x xᵀ] ≻ 0",
            mo.mxx,
            k + 1
        ));
    }
    if let Some((i, j)) = first_asymmetry(&mo.myy) {
        return err(format!(
            "myy is not symmetric: myy[{i}][{j}] = {} but myy[{j}][{i}] = {}; expected Myy = E[y yᵀ] symmetric",
            mo.myy.get(i, j),
            mo.myy.get(j, i)
        ));
    }
    if !joint(mo).is_positive_semidefinite() {
        return err(format!(
            "the joint moment matrix [[Mxx, Mxy], [Myx, Myy]] with myx = {} and myy = {} is not positive semidefinite; expected the second moments of some joint distribution of (x, y), i.e. Myy − Myx Mxx⁻¹ Mxy ⪰ 0",
            mo.myx, mo.myy
        ));
    }
    Ok(())
}

fn first_asymmetry(a: &RationalMatrix) -> Option<(usize, usize)> {
    (0..a.nrows())
        .flat_map(|i| (0..i).map(move |j| (i, j)))
        .find(|&(i, j)| a.get(i, j) != a.get(j, i))
}

/// Resolves a name or a path: a built-in name first, then a `.toml`/`.json` file.
pub fn resolve_instance(name_or_path: &str) -> Result<Instance> {
    if let Some(inst) = builtin(name_or_path) {
        return Ok(inst);
    }
    let path = std::path::Path::new(name_or_path);
    if path.exists() {
        return load_instance(path);
    }
    Err(Error::UnknownInstance {
        name: name_or_path.to_owned(),
        known: BUILTIN_NAMES.join(", "),
    })
}

/// All built-in instances, in the order of [`BUILTIN_NAMES`].
pub fn builtin_instances() -> Vec<Instance> {
    BUILTIN_NAMES.iter().filter_map(|n| builtin(n)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> BigRational {
        parse_rational(s, "x").unwrap()
    }

    fn moments(mxx: &[&[i64]], myx: &[&[i64]], myy: &[&[i64]]) -> Moments {
        Moments {
            mxx: RationalMatrix::from_ints(mxx, 1),
            myx: RationalMatrix::from_ints(myx, 1),
            myy: RationalMatrix::from_ints(myy, 1),
        }
    }

    #[test]
    fn accepts_a_valid_instance() {
        let mo = moments(
            &[&[2, 0], &[0, 1]],
            &[&[1, 0], &[0, 1]],
            &[&[1, 0], &[0, 1]],
        );
        assert!(Instance::new("ok", 3, mo, q("1/50")).is_ok());
    }

    #[test]
    fn rejects_each_violation_with_a_named_value() {
        let good = || {
            moments(
                &[&[2, 0], &[0, 1]],
                &[&[1, 0], &[0, 1]],
                &[&[1, 0], &[0, 1]],
            )
        };
        let cases: Vec<(Moments, BigRational, usize, &str)> = vec![
            (good(), q("-1/10"), 2, "lambda = -1/10"),
            (good(), q("0"), 0, "n = 0"),
            (
                moments(
                    &[&[1, 2], &[2, 1]],
                    &[&[1, 0], &[0, 1]],
                    &[&[2, 0], &[0, 2]],
                ),
                q("0"),
                2,
                "not positive definite",
            ),
            (
                moments(
                    &[&[1, 2], &[0, 1]],
                    &[&[1, 0], &[0, 1]],
                    &[&[1, 0], &[0, 1]],
                ),
                q("0"),
                2,
                "mxx is not symmetric",
            ),
            (
                moments(
                    &[&[1, 0], &[0, 1]],
                    &[&[2, 0], &[0, 1]],
                    &[&[1, 0], &[0, 1]],
                ),
                q("0"),
                2,
                "not positive semidefinite",
            ),
            (
                moments(
                    &[&[1, 0], &[0, 1]],
                    &[&[1, 0], &[0, 1]],
                    &[&[1, 1], &[0, 1]],
                ),
                q("0"),
                2,
                "myy is not symmetric",
            ),
            (
                Moments {
                    mxx: RationalMatrix::identity(2),
                    myx: RationalMatrix::identity(3),
                    myy: RationalMatrix::identity(2),
                },
                q("0"),
                2,
                "myx is 3×3",
            ),
        ];
        for (mo, lambda, n, expect) in cases {
            let e = Instance::new("bad", n, mo, lambda).unwrap_err().to_string();
            assert!(e.contains(expect), "{e:?} should mention {expect:?}");
            assert!(e.contains("expected"), "{e:?} should say what was expected");
        }
    }

    #[test]
    fn every_builtin_is_valid_and_named() {
        let all = builtin_instances();
        assert_eq!(all.len(), BUILTIN_NAMES.len());
        for (inst, name) in all.iter().zip(BUILTIN_NAMES) {
            assert_eq!(inst.name(), *name);
        }
        let d = builtin("default").unwrap();
        assert_eq!((d.n(), d.m()), (3, 2));
        assert!(all.iter().any(|i| i.n() < i.m()));
        assert!(all.iter().any(|i| i.m() == 1));
        assert!(all.iter().any(|i| i.n() == 2 && i.m() == 2));
    }
}

//! The data generator of SPEC §1: `x = z + e1`, `y = T z + e2`, with
//! `E[z zᵀ] = Σ` and independent noises of covariance `σ² I`, so that
//! `Mxx = Σ + σ²I`, `Myx = T Σ`, `Myy = T Σ Tᵀ + σ²I`.
//!
//! The joint moment matrix is `[I; T] Σ [I, Tᵀ] + σ² I ⪰ 0`, so every generated
//! instance is valid as soon as `Σ ⪰ 0`, `σ² ≥ 0` and `Σ + σ²I ≻ 0`.

use num_bigint::BigInt;
use num_rational::BigRational;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{Instance, Moments, RationalMatrix};
use crate::error::Result;

/// Parameters `(Σ, T, σ²)` of the generator `x = z + e1`, `y = T z + e2`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generator {
    /// Covariance `Σ = E[z zᵀ]` of the latent signal (m×m, symmetric PSD).
    pub sigma: RationalMatrix,
    /// The map `T` relating the two views' signals (m×m).
    pub t: RationalMatrix,
    /// The noise variance `σ² ≥ 0`.
    pub noise: BigRational,
}

impl Generator {
    /// The moments this generator produces.
    pub fn moments(&self) -> Moments {
        let m = self.sigma.nrows();
        let s2 = RationalMatrix::identity(m).scale(&self.noise);
        let ts = self.t.mul(&self.sigma);
        Moments {
            mxx: self.sigma.add(&s2),
            myy: ts.mul(&self.t.transpose()).add(&s2),
            myx: ts,
        }
    }

    /// A validated instance with embedding dimension `n` and weight decay `λ`.
    pub fn instance(&self, name: &str, n: usize, lambda: BigRational) -> Result<Instance> {
        Instance::new(name, n, self.moments(), lambda)
    }

    /// A random generator with small rational entries, reproducible from `seed`:
    /// `Σ = L Lᵀ` with `L` lower triangular, diagonal in {1/2, 1, 3/2, 2} and
    /// off-diagonal entries in {−1, −3/4, …, 1}; `T` with entries in
    /// {−1, −3/4, …, 1} plus `I` (views that mostly agree); `σ² ∈ {1/10, …, 1/2}`.
    pub fn random(m: usize, seed: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let q = |num: i64, den: i64| BigRational::new(BigInt::from(num), BigInt::from(den));
        let mut l = RationalMatrix::zeros(m, m);
        let mut t = RationalMatrix::identity(m);
        for i in 0..m {
            for j in 0..m {
                if j < i {
                    l.set(i, j, q(rng.gen_range(-4..=4), 4));
                } else if j == i {
                    l.set(i, i, q(rng.gen_range(1..=4), 2));
                }
                let tij = t.get(i, j) + q(rng.gen_range(-4..=4), 8);
                t.set(i, j, tij);
            }
        }
        Self {
            sigma: l.mul(&l.transpose()),
            t,
            noise: q(rng.gen_range(1..=5), 10),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_generators_give_valid_instances_deterministically() {
        for seed in 0..50 {
            for m in 1..=4 {
                let g = Generator::random(m, seed);
                assert_eq!(g, Generator::random(m, seed));
                let lambda = BigRational::new(1.into(), 20.into());
                g.instance("g", 3, lambda)
                    .expect("generated instances are valid");
            }
        }
    }

    #[test]
    fn moments_follow_the_formulas() {
        let g = Generator {
            sigma: RationalMatrix::from_ints(&[&[2]], 1),
            t: RationalMatrix::from_ints(&[&[3]], 1),
            noise: BigRational::new(1.into(), 2.into()),
        };
        let mo = g.moments();
        assert_eq!(mo.mxx.get(0, 0).to_string(), "5/2");
        assert_eq!(mo.myx.get(0, 0).to_string(), "6");
        assert_eq!(mo.myy.get(0, 0).to_string(), "37/2");
    }
}

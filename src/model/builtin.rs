//! Built-in named instances. Each is made by the generator of SPEC §1 from
//! explicit small rationals, so it is exact and valid by construction; their
//! numbers are listed in `docs/instances.md`.

use num_bigint::BigInt;
use num_rational::BigRational;

use super::{Generator, Instance, RationalMatrix};

/// Names of the built-in instances, in report order.
pub const BUILTIN_NAMES: &[&str] = &["default", "scalar", "square", "wide", "heavy-decay"];

fn q(num: i64, den: i64) -> BigRational {
    BigRational::new(BigInt::from(num), BigInt::from(den))
}

/// The built-in instance of that name, if any.
///
/// - `default`: n = 3, m = 2, λ = 1/50.
/// - `scalar`: n = 3, m = 1, ρ = 6/5, τ = 4/5, λ = 1/20 (Δ = 2/5 > 0).
/// - `square`: n = m = 2, λ = 1/20.
/// - `wide`: n = 2 < m = 3, λ = 1/50.
/// - `heavy-decay`: n = 2, m = 1, ρ = 6/5, τ = 4/5, λ = 1/5 (Δ = −8/25 < 0:
///   only the collapsed equilibrium exists).
pub fn builtin(name: &str) -> Option<Instance> {
    let scalar_gen = || Generator {
        sigma: RationalMatrix::from_ints(&[&[1]], 1),
        t: RationalMatrix::from_ints(&[&[4]], 5),
        noise: q(1, 5),
    };
    let (generator, n, lambda) = match name {
        "default" => (
            Generator {
                sigma: RationalMatrix::from_ints(&[&[4, 1], &[1, 2]], 4),
                t: RationalMatrix::from_ints(&[&[4, 1], &[0, 3]], 4),
                noise: q(1, 10),
            },
            3,
            q(1, 50),
        ),
        "scalar" => (scalar_gen(), 3, q(1, 20)),
        "square" => (
            Generator {
                sigma: RationalMatrix::from_ints(&[&[3, -1], &[-1, 2]], 2),
                t: RationalMatrix::from_ints(&[&[1, 0], &[1, 1]], 1),
                noise: q(1, 5),
            },
            2,
            q(1, 20),
        ),
        "wide" => (
            Generator {
                sigma: RationalMatrix::from_ints(&[&[2, 0, 1], &[0, 2, 0], &[1, 0, 2]], 2),
                t: RationalMatrix::from_ints(&[&[4, 1, 0], &[0, 4, 1], &[0, 0, 2]], 4),
                noise: q(1, 10),
            },
            2,
            q(1, 50),
        ),
        "heavy-decay" => (scalar_gen(), 2, q(1, 5)),
        _ => return None,
    };
    // Built-ins are valid by construction; a failure here is a bug caught by
    // the unit tests, so it is reported as "no such instance" rather than a panic.
    generator.instance(name, n, lambda).ok()
}

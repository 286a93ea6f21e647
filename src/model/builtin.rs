//! Built-in named instances. Most are made by the generator of SPEC §1 from
//! explicit small rationals, so they are exact and valid by construction; two
//! are chosen to have equilibria at rational points, where stability can be
//! certified exactly: `rational` (the moments that the construction of
//! [`crate::exact::rational_equilibrium`] solves for, n = 3, m = 2, seed 1;
//! a unit test there rebuilds them) and `scalar-rational` (m = 1 with
//! Δ = τ² − 4ρλ = 1/4 a square, so both spheres have rational radii 1/4 and
//! 3/4). Their numbers are listed in `docs/instances.md`.

use super::{Generator, Instance, Moments, RationalMatrix};

/// Names of the built-in instances, in report order.
pub const BUILTIN_NAMES: &[&str] = &[
    "default",
    "scalar",
    "square",
    "wide",
    "heavy-decay",
    "rational",
    "scalar-rational",
    "isotropic",
    "commuting",
];

use super::ratio as q;

/// The built-in instance of that name, if any.
///
/// - `default`: n = 3, m = 2, λ = 1/50.
/// - `scalar`: n = 3, m = 1, ρ = 6/5, τ = 4/5, λ = 1/20 (Δ = 2/5 > 0).
/// - `square`: n = m = 2, λ = 1/20.
/// - `wide`: n = 2 < m = 3, λ = 1/50.
/// - `heavy-decay`: n = 2, m = 1, ρ = 6/5, τ = 4/5, λ = 1/5 (Δ = −8/25 < 0:
///   only the collapsed equilibrium exists).
/// - `rational`: n = 3, m = 2, λ = 1/10, with a rational equilibrium
///   ([`builtin_witness`]).
/// - `scalar-rational`: n = 2, m = 1, ρ = 1, τ = 1, λ = 3/16, Myy = 2
///   (Δ = 1/4: spheres of radii 1/4 and 3/4).
/// - `isotropic`: n = m = 2, `Mxx = Myx = Myy = I`, λ = 1/50: the standard
///   degenerate case, whose strata are positive-dimensional (families).
/// - `commuting`: n = m = 3, `Mxx = Q diag(1, 1, 2) Qᵀ`,
///   `Myx = Q diag(1, 1, 3/2) Qᵀ`, `Myy = 2I`, λ = 1/20, with the rational
///   rotation `Q = [[1, 2, 2], [2, 1, −2], [2, −2, 1]]/3`: commuting moments
///   with one repeated joint eigen-pair.
pub fn builtin(name: &str) -> Option<Instance> {
    match name {
        "rational" => {
            let mo = Moments {
                mxx: RationalMatrix::from_ints(&[&[6, 4], &[4, 7]], 4),
                myx: RationalMatrix::from_ints(&[&[108, -79], &[156, 172]], 150),
                myy: RationalMatrix::from_ints(&[&[3, 0], &[0, 3]], 1),
            };
            return Instance::new(name, 3, mo, q(1, 10)).ok();
        }
        "scalar-rational" => {
            let mo = Moments {
                mxx: RationalMatrix::from_ints(&[&[1]], 1),
                myx: RationalMatrix::from_ints(&[&[1]], 1),
                myy: RationalMatrix::from_ints(&[&[2]], 1),
            };
            return Instance::new(name, 2, mo, q(3, 16)).ok();
        }
        "isotropic" => {
            let id = RationalMatrix::from_ints(&[&[1, 0], &[0, 1]], 1);
            let mo = Moments {
                mxx: id.clone(),
                myx: id.clone(),
                myy: id,
            };
            return Instance::new(name, 2, mo, q(1, 50)).ok();
        }
        "commuting" => {
            // I + c·q₃q₃ᵀ with q₃ = (2, −2, 1)/3, the third column of Q.
            let mo = Moments {
                mxx: RationalMatrix::from_ints(&[&[13, -4, 2], &[-4, 13, -2], &[2, -2, 10]], 9),
                myx: RationalMatrix::from_ints(&[&[22, -4, 2], &[-4, 22, -2], &[2, -2, 19]], 18),
                myy: RationalMatrix::from_ints(&[&[2, 0, 0], &[0, 2, 0], &[0, 0, 2]], 1),
            };
            return Instance::new(name, 3, mo, q(1, 20)).ok();
        }
        _ => {}
    }
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

/// A known exact equilibrium `(A, B)` of a built-in instance, where one is
/// built in: for `rational`, the point the construction started from.
pub fn builtin_witness(name: &str) -> Option<(RationalMatrix, RationalMatrix)> {
    match name {
        "rational" => Some((
            RationalMatrix::from_ints(&[&[-28, 654], &[-339, 252], &[540, -120]], 795),
            RationalMatrix::from_rows(
                [
                    [(22508, 42135), (-1157, 14045), (1044, 2809)],
                    [(5998, 14045), (3624, 14045), (-648, 2809)],
                    [(-1288, 2809), (-1284, 2809), (1520, 2809)],
                ]
                .iter()
                .map(|row| row.iter().map(|&(p, d)| q(p, d)).collect())
                .collect(),
            )
            .ok()?,
        )),
        _ => None,
    }
}

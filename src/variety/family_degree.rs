//! The degree of a positive-dimensional family, modulo a prime.
//!
//! A family F of dimension d through the exact solution `p = h(t₀)/χ'(t₀)`
//! lies in the stratum and in the level set of the orbit invariants of p
//! (the coefficients of the characteristic polynomials of S, S + Mxx and
//! S + (Myx + Myxᵀ)/2, constant on every orbit of the data's symmetry
//! group, `strata::invariant_polys`). Those equations, with
//! coefficients in `ℚ(t₀)`, together with the stratum's, are the **defining
//! equations** reported for F: they vanish on F, and over the reals they
//! cut out exactly the orbit H·p when the invariants separate H-orbits (they
//! do for isotropic data, H = O(m), where conjugate symmetric matrices are
//! those with the same characteristic polynomial).
//!
//! The **degree** is read from a generic linear section: the defining
//! equations plus d random affine linear equations in S, reduced modulo a
//! 31-bit prime P at the image `t₀ ↦ r` of a root r of t₀'s irreducible
//! factor φ modulo P (`exact_dimension::image_point`). When that
//! section is zero-dimensional its number of points with multiplicity N
//! (standard monomials of a Gröbner basis modulo P, our own F4) bounds the
//! degree of F from above: F contributes deg F points, every other
//! d-dimensional component of the level set some more, lower-dimensional
//! ones none, and multiplicities only add. Level **modular**: the section is
//! generic and the count right only for a prime and hyperplanes without
//! accidents, which a second prime and other hyperplanes agreeing make
//! unlikely but do not prove.

use std::time::Duration;

use num_bigint::BigInt;
use num_rational::BigRational;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::exact::upoly::UPoly;
use crate::model::Instance;
use crate::polynomial::groebner::{Field, groebner_basis};
use crate::polynomial::sparse::{MonomialOrder, SparsePoly};

use super::exact_dimension::{eval_sparse_mod, image_point};
use super::modular::primes;
use super::strata::invariant_polys;
use super::zerodim::{Rur, krull_dimension, standard_monomials};

/// Sections (prime and hyperplanes) that must agree on the count.
const SECTIONS: usize = 2;
/// 31-bit primes tried for a root of φ.
const PRIME_ATTEMPTS: usize = 300;

/// What a generic linear section of a family's defining equations gave.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum FamilyDegree {
    /// The section has `bound` points with multiplicity on both sections
    /// (distinct primes and hyperplanes): `deg F ≤ bound` (modular).
    AtMost {
        /// The count N.
        bound: usize,
        /// The primes used.
        primes: Vec<u32>,
    },
    /// The degree exactly, from the family's block form when the data
    /// commute (see [`super::family_orbit`]): level exact.
    Exact {
        /// deg F.
        degree: usize,
        /// The modular section count N, a check (`deg F ≤ N` held), when
        /// it was obtained.
        section_bound: Option<usize>,
    },
    /// Not obtained, and why (the section was not zero-dimensional, the two
    /// sections disagreed, no prime had a root, the budget ran out).
    NotComputed {
        /// Why.
        why: String,
    },
}

/// The degree bound of the family of dimension `d` through the solution of
/// the root of `phi` (irreducible factor of `rur.chi`) of the rank-stratum
/// system `polys` in `names` (S variables, then z).
pub fn family_degree(
    inst: &Instance,
    polys: &[SparsePoly],
    names: &[String],
    rur: &Rur,
    phi: &UPoly,
    d: usize,
    budget: Option<Duration>,
) -> Result<FamilyDegree> {
    let nv = names.len();
    let invariants = invariant_polys(inst, nv);
    let mut rng = ChaCha8Rng::seed_from_u64(0xd0e6 ^ d as u64);
    let mut counts: Vec<(usize, u32)> = Vec::new();
    for p in primes(PRIME_ATTEMPTS) {
        if counts.len() == SECTIONS {
            break;
        }
        let Some(point) = image_point(rur, phi, u64::from(p), &mut rng) else {
            continue;
        };
        let Some(mut sys) = level_set(polys, &invariants, &point, p) else {
            continue;
        };
        sys.extend(random_hyperplanes(d, nv, &mut rng));
        match section_count(&sys, names, p, d, budget)? {
            Section::Count(n) => counts.push((n, p)),
            Section::Unusable => continue,
            Section::Stop(why) => return Ok(why),
        }
    }
    Ok(agreed_degree(&counts))
}

/// The stratum's equations `polys` and the level set of the orbit
/// `invariants` at `point`, modulo `p`; `None` when an invariant cannot be
/// evaluated there (a denominator divisible by p).
fn level_set(
    polys: &[SparsePoly],
    invariants: &[SparsePoly],
    point: &[u64],
    p: u32,
) -> Option<Vec<SparsePoly>> {
    let mut sys = polys.to_vec();
    for f in invariants {
        let v = eval_sparse_mod(f, point, u64::from(p))?;
        sys.push(f.sub(&SparsePoly::constant(f.nvars(), int(v))));
    }
    Some(sys)
}

/// `d` random affine linear equations in the S variables (all variables of
/// `nv` but the last), coefficients in 1..1000.
fn random_hyperplanes(d: usize, nv: usize, rng: &mut ChaCha8Rng) -> Vec<SparsePoly> {
    (0..d)
        .map(|_| {
            let mut terms = vec![(vec![0u16; nv], int(rng.gen_range(1..1000)))];
            for v in 0..nv - 1 {
                let mut e = vec![0u16; nv];
                e[v] = 1;
                terms.push((e, int(rng.gen_range(1..1000))));
            }
            SparsePoly::from_terms(nv, terms)
        })
        .collect()
}

/// What one linear section modulo a prime gave.
enum Section {
    /// Its number of points with multiplicity.
    Count(usize),
    /// The prime is unusable (the Gröbner basis failed modulo it).
    Unusable,
    /// No degree: the answer, with why.
    Stop(FamilyDegree),
}

/// The number of points of the section `sys` modulo `p`, from a Gröbner
/// basis (our F4).
fn section_count(
    sys: &[SparsePoly],
    names: &[String],
    p: u32,
    d: usize,
    budget: Option<Duration>,
) -> Result<Section> {
    let nv = names.len();
    let gb = match groebner_basis(sys, names, MonomialOrder::GrevLex, Field::Prime(p), budget) {
        Ok(Some(gb)) => gb,
        Ok(None) => {
            return Ok(Section::Stop(FamilyDegree::NotComputed {
                why: "the time budget ran out on the linear section".into(),
            }));
        }
        Err(Error::Computation(_)) => return Ok(Section::Unusable),
        Err(e) => return Err(e),
    };
    let leads = gb.leading_monomials();
    if leads.iter().any(|l| l.iter().all(|&x| x == 0)) {
        return Ok(Section::Stop(FamilyDegree::NotComputed {
            why: format!(
                "the linear section modulo {p} is empty, which a family of dimension {d} through the point excludes: an unlucky prime or section"
            ),
        }));
    }
    Ok(match standard_monomials(&leads, nv, 100_000) {
        Some(b) => Section::Count(b.len()),
        None => Section::Stop(FamilyDegree::NotComputed {
            why: format!(
                "the level set of the orbit invariants has dimension above {d} (the section modulo {p} has dimension {})",
                krull_dimension(&leads, nv)
            ),
        }),
    })
}

/// The bound when both sections agree on the count; otherwise why not.
fn agreed_degree(counts: &[(usize, u32)]) -> FamilyDegree {
    match counts {
        [] | [_] => FamilyDegree::NotComputed {
            why: "no prime with a root of the point's minimal polynomial".into(),
        },
        [(a, p), (b, q)] if a == b => FamilyDegree::AtMost {
            bound: *a,
            primes: vec![*p, *q],
        },
        _ => FamilyDegree::NotComputed {
            why: format!(
                "two linear sections disagree ({}): not generic",
                counts
                    .iter()
                    .map(|(c, p)| format!("{c} modulo {p}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
    }
}

fn int(v: u64) -> BigRational {
    BigRational::from_integer(BigInt::from(v))
}

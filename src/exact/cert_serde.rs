//! Serialization helpers for exact values in certificates: every rational
//! is written as a string `"p/q"` (or `"k"` for integers), matrices as rows
//! of such strings, polynomials as their coefficient lists (lowest degree
//! first), for `#[serde(serialize_with)]`.

use num_rational::BigRational;
use serde::Serializer;
use serde::ser::SerializeSeq;

use super::upoly::UPoly;
use crate::model::RationalMatrix;

/// A rational as a string.
pub(crate) fn rational<S: Serializer>(x: &BigRational, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&x.to_string())
}

/// A matrix as rows of strings.
pub(crate) fn matrix<S: Serializer>(m: &RationalMatrix, s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(m.to_string_rows())
}

/// A polynomial as its coefficient strings, lowest degree first.
pub(crate) fn poly<S: Serializer>(p: &UPoly, s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(p.coeffs().iter().map(ToString::to_string))
}

/// A list of polynomials, each as its coefficient strings.
pub(crate) fn polys<S: Serializer>(ps: &[UPoly], s: S) -> Result<S::Ok, S::Error> {
    let mut seq = s.serialize_seq(Some(ps.len()))?;
    for p in ps {
        let coeffs: Vec<String> = p.coeffs().iter().map(ToString::to_string).collect();
        seq.serialize_element(&coeffs)?;
    }
    seq.end()
}

/// A list of vectors of rationals, each as strings.
pub(crate) fn vectors<S: Serializer>(vs: &[Vec<BigRational>], s: S) -> Result<S::Ok, S::Error> {
    let mut seq = s.serialize_seq(Some(vs.len()))?;
    for v in vs {
        let strings: Vec<String> = v.iter().map(ToString::to_string).collect();
        seq.serialize_element(&strings)?;
    }
    seq.end()
}

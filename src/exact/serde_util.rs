//! Serialization of exact rationals as strings `"p/q"` (or `"k"` for
//! integers), the exact form used in files, for `#[serde(serialize_with)]`.

use num_rational::BigRational;
use serde::Serializer;

/// Serializes a sequence of rationals as strings.
pub(crate) fn rationals<S: Serializer>(v: &[BigRational], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(ToString::to_string))
}

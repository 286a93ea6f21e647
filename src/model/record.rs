//! [`InstanceRecord`]: an instance written out exactly, for the JSON of
//! certificates and characterizations.

use num_rational::BigRational;
use serde::{Serialize, Serializer};

use super::{Instance, RationalMatrix};

/// The instance a certificate or a characterization is about, in exact form
/// (so a result can be re-checked against the instance it names). λ is
/// written as an exact string (`"1/20"`), each moment matrix as rows of
/// exact strings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InstanceRecord {
    /// The instance's name.
    pub name: String,
    /// Embedding dimension.
    pub n: usize,
    /// Data dimension.
    pub m: usize,
    /// Weight decay λ.
    #[serde(serialize_with = "rational")]
    pub lambda: BigRational,
    /// `Mxx`.
    #[serde(serialize_with = "matrix")]
    pub mxx: RationalMatrix,
    /// `Myx`.
    #[serde(serialize_with = "matrix")]
    pub myx: RationalMatrix,
    /// `Myy`.
    #[serde(serialize_with = "matrix")]
    pub myy: RationalMatrix,
}

impl InstanceRecord {
    /// The exact record of `inst`.
    pub fn of(inst: &Instance) -> Self {
        let mo = inst.moments();
        Self {
            name: inst.name().to_owned(),
            n: inst.n(),
            m: inst.m(),
            lambda: inst.lambda().clone(),
            mxx: mo.mxx.clone(),
            myx: mo.myx.clone(),
            myy: mo.myy.clone(),
        }
    }
}

fn rational<S: Serializer>(x: &BigRational, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&x.to_string())
}

fn matrix<S: Serializer>(m: &RationalMatrix, s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(m.to_string_rows())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::builtin;

    #[test]
    fn the_record_is_written_in_exact_strings() {
        let inst = builtin("scalar-rational").unwrap();
        let rec = InstanceRecord::of(&inst);
        let v = serde_json::to_value(&rec).unwrap();
        assert_eq!(v["name"], inst.name());
        assert_eq!(v["n"], inst.n());
        assert_eq!(v["lambda"], inst.lambda().to_string());
        let mo = inst.moments();
        for (key, mat) in [("mxx", &mo.mxx), ("myx", &mo.myx), ("myy", &mo.myy)] {
            let rows: Vec<Vec<String>> = serde_json::from_value(v[key].clone()).unwrap();
            assert_eq!(rows, mat.to_string_rows(), "{key}");
        }
        let mut keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(keys, ["lambda", "m", "mxx", "myx", "myy", "n", "name"]);
    }
}

//! Floating-point references for the tests: roots as eigenvalues of a
//! companion matrix (nalgebra).

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

/// A minimal JSON serializer for checking serialized forms in tests (no
/// JSON crate is a dependency): supports what the result structs use.
pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> String {
    let mut s = Json(String::new());
    v.serialize(&mut s)
        .expect("serializable in the test subset");
    s.0
}

pub(crate) struct Json(String);

#[derive(Debug)]
pub(crate) struct JsonError(String);

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for JsonError {}

impl serde::ser::Error for JsonError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        JsonError(msg.to_string())
    }
}

pub(crate) struct Compound<'a> {
    ser: &'a mut Json,
    first: bool,
    close: char,
}

impl Compound<'_> {
    fn comma(&mut self) {
        if !self.first {
            self.ser.0.push(',');
        }
        self.first = false;
    }
}

fn unsupported<T>(what: &str) -> Result<T, JsonError> {
    Err(JsonError(format!(
        "{what} is not supported by the test serializer"
    )))
}

impl<'a> serde::Serializer for &'a mut Json {
    type Ok = ();
    type Error = JsonError;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), JsonError> {
        self.0.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), JsonError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), JsonError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), JsonError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), JsonError> {
        self.0.push_str(&v.to_string());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), JsonError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), JsonError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), JsonError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), JsonError> {
        self.0.push_str(&v.to_string());
        Ok(())
    }
    fn serialize_f32(self, _: f32) -> Result<(), JsonError> {
        unsupported("f32")
    }
    fn serialize_f64(self, _: f64) -> Result<(), JsonError> {
        unsupported("f64")
    }
    fn serialize_char(self, v: char) -> Result<(), JsonError> {
        self.serialize_str(&v.to_string())
    }
    fn serialize_str(self, v: &str) -> Result<(), JsonError> {
        // The strings in the test subset need no escaping.
        assert!(!v.contains(['"', '\\']), "unescaped string {v:?}");
        self.0.push('"');
        self.0.push_str(v);
        self.0.push('"');
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), JsonError> {
        unsupported("bytes")
    }
    fn serialize_none(self) -> Result<(), JsonError> {
        self.0.push_str("null");
        Ok(())
    }
    fn serialize_some<T: ?Sized + serde::Serialize>(self, v: &T) -> Result<(), JsonError> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), JsonError> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), JsonError> {
        self.serialize_none()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), JsonError> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: ?Sized + serde::Serialize>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), JsonError> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + serde::Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), JsonError> {
        unsupported("newtype variant")
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a>, JsonError> {
        self.0.push('[');
        Ok(Compound {
            ser: self,
            first: true,
            close: ']',
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'a>, JsonError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        len: usize,
    ) -> Result<Compound<'a>, JsonError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Compound<'a>, JsonError> {
        unsupported("tuple variant")
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a>, JsonError> {
        self.0.push('{');
        Ok(Compound {
            ser: self,
            first: true,
            close: '}',
        })
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Compound<'a>, JsonError> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Compound<'a>, JsonError> {
        unsupported("struct variant")
    }
}

impl serde::ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_element<T: ?Sized + serde::Serialize>(&mut self, v: &T) -> Result<(), JsonError> {
        self.comma();
        v.serialize(&mut *self.ser)
    }
    fn end(self) -> Result<(), JsonError> {
        self.ser.0.push(self.close);
        Ok(())
    }
}

impl serde::ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_element<T: ?Sized + serde::Serialize>(&mut self, v: &T) -> Result<(), JsonError> {
        serde::ser::SerializeSeq::serialize_element(self, v)
    }
    fn end(self) -> Result<(), JsonError> {
        serde::ser::SerializeSeq::end(self)
    }
}

impl serde::ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_field<T: ?Sized + serde::Serialize>(&mut self, v: &T) -> Result<(), JsonError> {
        serde::ser::SerializeSeq::serialize_element(self, v)
    }
    fn end(self) -> Result<(), JsonError> {
        serde::ser::SerializeSeq::end(self)
    }
}

impl serde::ser::SerializeTupleVariant for Compound<'_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_field<T: ?Sized + serde::Serialize>(&mut self, _: &T) -> Result<(), JsonError> {
        unsupported("tuple variant")
    }
    fn end(self) -> Result<(), JsonError> {
        unsupported("tuple variant")
    }
}

impl serde::ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_key<T: ?Sized + serde::Serialize>(&mut self, k: &T) -> Result<(), JsonError> {
        self.comma();
        k.serialize(&mut *self.ser)?;
        self.ser.0.push(':');
        Ok(())
    }
    fn serialize_value<T: ?Sized + serde::Serialize>(&mut self, v: &T) -> Result<(), JsonError> {
        v.serialize(&mut *self.ser)
    }
    fn end(self) -> Result<(), JsonError> {
        serde::ser::SerializeSeq::end(self)
    }
}

impl serde::ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_field<T: ?Sized + serde::Serialize>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), JsonError> {
        serde::ser::SerializeMap::serialize_key(self, key)?;
        serde::ser::SerializeMap::serialize_value(self, v)
    }
    fn end(self) -> Result<(), JsonError> {
        serde::ser::SerializeSeq::end(self)
    }
}

impl serde::ser::SerializeStructVariant for Compound<'_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_field<T: ?Sized + serde::Serialize>(
        &mut self,
        _: &'static str,
        _: &T,
    ) -> Result<(), JsonError> {
        unsupported("struct variant")
    }
    fn end(self) -> Result<(), JsonError> {
        unsupported("struct variant")
    }
}

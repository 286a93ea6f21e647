//! Exact rational numbers and small dense rational matrices.
//!
//! Only what the model needs to *validate* an instance exactly lives here
//! (parsing, products, symmetric definiteness tests). The `exact` layer builds
//! on these types.

use nalgebra::DMatrix;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};
use std::fmt;

use super::formula::Mat;
use crate::error::{Error, Result};

/// `a` compared with `b` by one cross-multiplication (denominators are
/// positive in `num-rational`).
///
/// `num-rational`'s `Ord` compares by continued fractions and recurses once
/// per partial quotient the two numbers share. Two rationals that agree to
/// N bits, such as the ends of a finely refined isolating interval, share
/// about N/2 partial quotients, so the recursion depth grows with the
/// precision: at a few tens of thousands of bits it overflowed a 2 MiB
/// thread stack. A cross-multiplication has no recursion and costs one
/// product of the sizes.
pub(crate) fn cmp_rational(a: &BigRational, b: &BigRational) -> std::cmp::Ordering {
    let (sa, sb) = (a.numer().sign(), b.numer().sign());
    if sa != sb {
        return sa.cmp(&sb);
    }
    if a.denom() == b.denom() {
        return a.numer().cmp(b.numer());
    }
    (a.numer() * b.denom()).cmp(&(b.numer() * a.denom()))
}

/// Parses an exact rational from text: an integer (`-3`), a decimal with an
/// optional exponent (`0.25`, `1e-3`, `-1.5E+2`) or a fraction `p/q`.
///
/// ```
/// use ssl_equilibria::model::parse_rational;
/// let x = parse_rational("0.02", "lambda").unwrap();
/// assert_eq!(x.to_string(), "1/50");
/// assert!(parse_rational("1/0", "lambda").is_err());
/// assert!(parse_rational("NaN", "lambda").is_err());
/// ```
pub fn parse_rational(text: &str, what: &str) -> Result<BigRational> {
    let bad = || Error::BadNumber {
        what: what.to_owned(),
        value: text.to_owned(),
    };
    let t = text.trim();
    if t.is_empty() {
        return Err(bad());
    }
    if let Some((p, q)) = t.split_once('/') {
        let p: BigInt = parse_decimal(p.trim()).ok_or_else(bad).and_then(|r| {
            if r.is_integer() {
                Ok(r.to_integer())
            } else {
                Err(bad())
            }
        })?;
        let q: BigInt = parse_decimal(q.trim()).ok_or_else(bad).and_then(|r| {
            if r.is_integer() {
                Ok(r.to_integer())
            } else {
                Err(bad())
            }
        })?;
        if q.is_zero() {
            return Err(bad());
        }
        return Ok(BigRational::new(p, q));
    }
    parse_decimal(t).ok_or_else(bad)
}

/// Decimal (with optional sign, fraction and exponent) to an exact rational.
fn parse_decimal(t: &str) -> Option<BigRational> {
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], t[i + 1..].parse::<i32>().ok()?),
        None => (t, 0),
    };
    if exponent.unsigned_abs() > 4000 {
        return None;
    }
    let (neg, digits) = match mantissa.as_bytes().first()? {
        b'-' => (true, &mantissa[1..]),
        b'+' => (false, &mantissa[1..]),
        _ => (false, mantissa),
    };
    let (int_part, frac_part) = match digits.split_once('.') {
        Some((a, b)) => (a, b),
        None => (digits, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    if !int_part
        .bytes()
        .chain(frac_part.bytes())
        .all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let all = format!("{int_part}{frac_part}");
    let num: BigInt = if all.is_empty() {
        BigInt::zero()
    } else {
        all.parse().ok()?
    };
    let scale = exponent - i32::try_from(frac_part.len()).ok()?;
    let ten = BigInt::from(10u32);
    let mut r = BigRational::from_integer(num);
    if scale >= 0 {
        r *= BigRational::from_integer(num_traits::pow(ten, scale as usize));
    } else {
        r /= BigRational::from_integer(num_traits::pow(ten, (-scale) as usize));
    }
    Some(if neg { -r } else { r })
}

/// Converts a finite `f64` to the rational its shortest decimal representation
/// denotes (so `0.02` becomes `1/50`, not the binary fraction nearest to it).
pub fn rational_from_f64(x: f64, what: &str) -> Result<BigRational> {
    if !x.is_finite() {
        return Err(Error::BadNumber {
            what: what.to_owned(),
            value: x.to_string(),
        });
    }
    parse_rational(&format!("{x:e}"), what)
}

/// The rational `num/den` (`den ≠ 0`), for fixed constants written in code.
pub(crate) fn ratio(num: i64, den: i64) -> BigRational {
    BigRational::new(num.into(), den.into())
}

/// Nearest `f64` to a rational (saturating for huge values).
pub fn to_f64(x: &BigRational) -> f64 {
    x.to_f64().unwrap_or_else(|| {
        // Fall back to a quotient of the two (possibly huge) integers.
        let n = x.numer().to_f64().unwrap_or(f64::NAN);
        let d = x.denom().to_f64().unwrap_or(f64::NAN);
        n / d
    })
}

/// A dense matrix of exact rationals, stored row-major: the generic
/// [`Mat`] of [`super::formula`] over `BigRational`, with the exact tests the
/// validation of instances needs.
pub type RationalMatrix = Mat<BigRational>;

impl Mat<BigRational> {
    /// Builds a matrix from rows; all rows must have the same length.
    pub fn from_rows(rows: Vec<Vec<BigRational>>) -> Result<Self> {
        let r = rows.len();
        let c = rows.first().map_or(0, Vec::len);
        if let Some((i, row)) = rows.iter().enumerate().find(|(_, row)| row.len() != c) {
            return Err(Error::Shape {
                what: format!("row {i}"),
                got: format!("{} entries", row.len()),
                expected: format!("{c} entries like row 0"),
            });
        }
        let mut data = rows.into_iter().flatten();
        Ok(Self::from_fn(r, c, |_, _| {
            data.next().unwrap_or_else(BigRational::zero)
        }))
    }

    /// Builds a matrix from integer numerators over a common denominator.
    pub fn from_ints(rows: &[&[i64]], denominator: i64) -> Self {
        let d = BigInt::from(denominator);
        let rows = rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|&x| BigRational::new(BigInt::from(x), d.clone()))
                    .collect()
            })
            .collect();
        Self::from_rows(rows).expect("from_ints is called with rectangular literals")
    }

    /// The exact inverse (Gauss–Jordan elimination), or `None` when the
    /// matrix is singular or not square.
    pub fn inverse(&self) -> Option<Self> {
        let n = self.rows;
        if self.cols != n {
            return None;
        }
        let mut a = self.clone();
        let mut inv = Self::identity(n);
        for col in 0..n {
            let pivot = (col..n).find(|&r| !a.get(r, col).is_zero())?;
            a.swap_rows(col, pivot);
            inv.swap_rows(col, pivot);
            let p = a.get(col, col).clone();
            a.scale_row(col, &p);
            inv.scale_row(col, &p);
            for r in 0..n {
                let f = a.get(r, col).clone();
                if r != col && !f.is_zero() {
                    a.eliminate(r, col, &f);
                    inv.eliminate(r, col, &f);
                }
            }
        }
        Some(inv)
    }

    fn swap_rows(&mut self, i: usize, j: usize) {
        for k in 0..self.cols {
            self.data.swap(i * self.cols + k, j * self.cols + k);
        }
    }

    fn scale_row(&mut self, i: usize, divisor: &BigRational) {
        for k in 0..self.cols {
            let x = &mut self.data[i * self.cols + k];
            *x = &*x / divisor;
        }
    }

    /// Row `r` −= f · row `pivot`.
    fn eliminate(&mut self, r: usize, pivot: usize, f: &BigRational) {
        for k in 0..self.cols {
            let sub = f * self.get(pivot, k);
            let x = &mut self.data[r * self.cols + k];
            *x = &*x - sub;
        }
    }

    /// A rational orthogonal matrix by the Cayley transform
    /// `U = (I − K)(I + K)⁻¹` of the skew-symmetric `K` with entries
    /// `K_ij = (i + 2j + 1)/(i + j + 3)` above the diagonal, times `scale`.
    /// (`I + K` is invertible for every real skew `K`.)
    pub fn cayley(n: usize, scale: &BigRational) -> Self {
        let k = Self::from_fn(n, n, |i, j| {
            let entry = |i: usize, j: usize| {
                BigRational::new(((i + 2 * j + 1) as i64).into(), ((i + j + 3) as i64).into())
                    * scale
            };
            match i.cmp(&j) {
                std::cmp::Ordering::Less => entry(i, j),
                std::cmp::Ordering::Greater => -entry(j, i),
                std::cmp::Ordering::Equal => <BigRational as Zero>::zero(),
            }
        });
        let id = Self::identity(n);
        let inv = id.add(&k).inverse().unwrap_or_else(|| id.clone());
        id.sub(&k).mul(&inv)
    }

    /// Whether the matrix is square and equal to its transpose.
    pub fn is_symmetric(&self) -> bool {
        self.rows == self.cols
            && (0..self.rows).all(|i| (0..i).all(|j| self.get(i, j) == self.get(j, i)))
    }

    /// Block matrix `[[A, B], [C, D]]`.
    pub fn block2(a: &Self, b: &Self, c: &Self, d: &Self) -> Self {
        let (r1, c1) = (a.rows, a.cols);
        let mut m = Self::zeros(r1 + c.rows, c1 + b.cols);
        for (blk, (oi, oj)) in [(a, (0, 0)), (b, (0, c1)), (c, (r1, 0)), (d, (r1, c1))] {
            for i in 0..blk.rows {
                for j in 0..blk.cols {
                    m.set(oi + i, oj + j, blk.get(i, j).clone());
                }
            }
        }
        m
    }

    /// Exact test of positive definiteness of a symmetric matrix: Gaussian
    /// elimination without pivoting has all pivots positive (Sylvester's
    /// criterion). Returns the index of the first non-positive pivot on failure.
    pub fn positive_definite_failure(&self) -> Option<usize> {
        let n = self.rows;
        let mut w = self.clone();
        for k in 0..n {
            let piv = w.get(k, k).clone();
            if !piv.is_positive() {
                return Some(k);
            }
            for i in k + 1..n {
                let f = w.get(i, k) / &piv;
                if f.is_zero() {
                    continue;
                }
                for j in k..n {
                    let v = w.get(i, j) - &f * w.get(k, j);
                    w.set(i, j, v);
                }
            }
        }
        None
    }

    /// Exact test of positive semidefiniteness of a symmetric matrix by
    /// symmetric elimination with diagonal pivoting: a negative diagonal entry,
    /// or a zero diagonal entry with a non-zero entry in its row, disproves it;
    /// eliminating a positive pivot (taking a Schur complement) preserves it.
    pub fn is_positive_semidefinite(&self) -> bool {
        let mut w = self.clone();
        let mut active: Vec<usize> = (0..self.rows).collect();
        while !active.is_empty() {
            if active.iter().any(|&i| w.get(i, i).is_negative()) {
                return false;
            }
            // Zero diagonal: its row must vanish, then drop the index.
            if let Some(pos) = active.iter().position(|&i| w.get(i, i).is_zero()) {
                let i = active[pos];
                if active.iter().any(|&j| !w.get(i, j).is_zero()) {
                    return false;
                }
                active.remove(pos);
                continue;
            }
            let k = active.remove(0);
            let piv = w.get(k, k).clone();
            for &i in &active {
                let f = w.get(i, k) / &piv;
                if f.is_zero() {
                    continue;
                }
                for &j in &active {
                    let v = w.get(i, j) - &f * w.get(k, j);
                    w.set(i, j, v);
                }
            }
        }
        true
    }

    /// The nearest floating-point matrix.
    pub fn to_f64(&self) -> DMatrix<f64> {
        DMatrix::from_fn(self.rows, self.cols, |i, j| to_f64(self.get(i, j)))
    }

    /// Rows as strings (`"p/q"` or integers), the exact form used in files.
    pub fn to_string_rows(&self) -> Vec<Vec<String>> {
        (0..self.rows)
            .map(|i| (0..self.cols).map(|j| self.get(i, j).to_string()).collect())
            .collect()
    }
}

impl fmt::Display for Mat<BigRational> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rows: Vec<String> = self
            .to_string_rows()
            .into_iter()
            .map(|r| format!("[{}]", r.join(", ")))
            .collect();
        write!(f, "[{}]", rows.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmp_rational_agrees_with_the_sign_of_the_difference() {
        let r = |a: i64, b: i64| BigRational::new(a.into(), b.into());
        let xs = [
            r(-3, 2),
            r(-1, 3),
            r(0, 1),
            r(1, 3),
            r(2, 6),
            r(5, 7),
            r(7, 5),
        ];
        for x in &xs {
            for y in &xs {
                let d = x - y;
                let expected = if d.is_zero() {
                    std::cmp::Ordering::Equal
                } else if d.is_positive() {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Less
                };
                assert_eq!(cmp_rational(x, y), expected, "{x} vs {y}");
            }
        }
    }

    #[test]
    fn cmp_rational_of_close_ratios_fits_a_small_stack() {
        // Consecutive ratios of Fibonacci numbers F(k+1)/F(k) share all but
        // their last continued-fraction partial quotient (all ones): a
        // recursive comparison needs one frame per quotient, here 20 000.
        let run = || {
            let (mut a, mut b) = (BigInt::from(1), BigInt::from(1));
            for _ in 0..20_000 {
                let c = &a + &b;
                a = std::mem::replace(&mut b, c);
            }
            let c = &a + &b;
            let x = BigRational::new(b.clone(), a.clone());
            let y = BigRational::new(c, b);
            let expected = if (&x - &y).is_positive() {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Less
            };
            assert_eq!(cmp_rational(&x, &y), expected);
            assert_eq!(cmp_rational(&y, &x), expected.reverse());
        };
        std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(run)
            .unwrap()
            .join()
            .unwrap();
    }

    fn q(s: &str) -> BigRational {
        parse_rational(s, "x").unwrap()
    }

    #[test]
    fn parses_the_documented_forms() {
        assert_eq!(q("3"), BigRational::from_integer(3.into()));
        assert_eq!(q("-0.25"), BigRational::new((-1).into(), 4.into()));
        assert_eq!(q("1e-3"), BigRational::new(1.into(), 1000.into()));
        assert_eq!(q("-1.5E+2"), BigRational::from_integer((-150).into()));
        assert_eq!(q(" 6/-4 "), BigRational::new((-3).into(), 2.into()));
        assert_eq!(q(".5"), BigRational::new(1.into(), 2.into()));
        for bad in [
            "", "nan", "inf", "1/0", "1.5/2", "1e", "--1", "0x10", "1e99999", ".",
        ] {
            assert!(parse_rational(bad, "x").is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn f64_conversion_uses_the_shortest_decimal() {
        assert_eq!(rational_from_f64(0.02, "x").unwrap(), q("1/50"));
        assert_eq!(rational_from_f64(-1e-7, "x").unwrap(), q("-1/10000000"));
        assert!(rational_from_f64(f64::NAN, "x").is_err());
        assert!(rational_from_f64(f64::INFINITY, "x").is_err());
    }

    #[test]
    fn definiteness_tests_are_exact() {
        let spd = RationalMatrix::from_ints(&[&[2, 1], &[1, 2]], 1);
        assert_eq!(spd.positive_definite_failure(), None);
        assert!(spd.is_positive_semidefinite());
        // Singular PSD: [[1,1],[1,1]].
        let psd = RationalMatrix::from_ints(&[&[1, 1], &[1, 1]], 1);
        assert_eq!(psd.positive_definite_failure(), Some(1));
        assert!(psd.is_positive_semidefinite());
        // Indefinite with a zero diagonal entry.
        let ind = RationalMatrix::from_ints(&[&[0, 1], &[1, 1]], 1);
        assert!(!ind.is_positive_semidefinite());
        // Indefinite with positive diagonal: det < 0.
        let ind2 = RationalMatrix::from_ints(&[&[1, 2], &[2, 1]], 1);
        assert!(!ind2.is_positive_semidefinite());
        // A rank-one PSD 3x3 built as v vᵀ.
        let v = RationalMatrix::from_ints(&[&[1], &[-2], &[3]], 7);
        assert!(v.mul(&v.transpose()).is_positive_semidefinite());
        // Perturbing one entry of it by 1/10^9 makes it indefinite.
        let mut w = v.mul(&v.transpose());
        let e = w.get(0, 1) + q("1/1000000000");
        w.set(0, 1, e.clone());
        w.set(1, 0, e);
        assert!(!w.is_positive_semidefinite());
    }
}

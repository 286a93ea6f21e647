//! Integer arithmetic shared by the exact and polynomial layers: a fast gcd
//! and the clearing of denominators (kept here, below both, so that each
//! uses the one implementation without depending on the other).

use malachite_base::num::arithmetic::traits::Gcd;
use malachite_nz::natural::Natural;
use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

/// Non-negative gcd of two integers (0 when both are 0): by machine
/// arithmetic when both fit in a word, otherwise by `malachite` (the
/// 64-bit words handed over and back), whose gcd works on machine words
/// and is subquadratic (half-gcd) for large operands. The binary gcd of
/// `num-integer`, used by `num-rational`, costs one pass over the numbers
/// per bit, which dominates everything for numbers of 10⁵ bits; a Lehmer loop over `num-bigint` values, which this replaced,
/// was 3 to 4 times slower than `malachite` at every size from 20 to 2 048
/// bits (measured on random operands with a common factor; see
/// `docs/performance.md`).
pub(crate) fn int_gcd(a: &BigInt, b: &BigInt) -> BigInt {
    if a.is_zero() {
        return b.abs();
    }
    if b.is_zero() {
        return a.abs();
    }
    if let (Some(x), Some(y)) = (a.magnitude().to_u64(), b.magnitude().to_u64()) {
        return BigInt::from(Integer::gcd(&x, &y));
    }
    natural_to_int(natural(a).gcd(natural(b)))
}

/// `|x|` as a `malachite` natural number (its 64-bit words handed over).
fn natural(x: &BigInt) -> Natural {
    Natural::from_limbs_asc(&x.magnitude().to_u64_digits())
}

/// A `malachite` natural number as a `num-bigint` integer.
fn natural_to_int(x: Natural) -> BigInt {
    int_from_words(&x.into_limbs_asc(), false)
}

/// The integer whose magnitude has the 64-bit words `words` (least
/// significant first), negated when `negative`.
pub(crate) fn int_from_words(words: &[u64], negative: bool) -> BigInt {
    let digits: Vec<u32> = words
        .iter()
        .flat_map(|&w| [w as u32, (w >> 32) as u32])
        .collect();
    let sign = if negative { Sign::Minus } else { Sign::Plus };
    BigInt::from_biguint(sign, BigUint::new(digits))
}

/// Clears the denominators of rational coefficients: `(L·c, L)` with `L > 0`
/// the lcm of the denominators of `c` (1 for an empty or integer `c`), so
/// `L·cᵢ` is an integer for every `i`. The lcm is built with the crate's gcd
/// ([`int_gcd`]) and integer denominators are skipped. This is the one
/// implementation; polynomials, matrix rows and ring elements all use it.
pub(crate) fn clear_denominators(c: &[BigRational]) -> (Vec<BigInt>, BigInt) {
    let l = c.iter().fold(BigInt::one(), |l, x| {
        let d = x.denom();
        if d.is_one() {
            l
        } else {
            &l / int_gcd(&l, d) * d
        }
    });
    let ints = c.iter().map(|x| x.numer() * (&l / x.denom())).collect();
    (ints, l)
}

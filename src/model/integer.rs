//! Integer arithmetic shared by the exact and polynomial layers: a fast gcd
//! and the clearing of denominators (kept here, below both, so that each
//! uses the one implementation without depending on the other).

use malachite_base::num::arithmetic::traits::Gcd;
use malachite_nz::natural::Natural;
use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

/// Non-negative gcd of two integers by Lehmer's algorithm (Knuth, TAOCP
/// vol. 2, §4.5.2, Algorithm L): the Euclidean quotients are computed from
/// the leading 62 bits in machine arithmetic and applied to the full
/// numbers as one 2×2 linear combination per ~30 bits, with a full division
/// step when the leading bits do not determine a quotient (in particular
/// when the sizes differ). The binary gcd of `num-integer`, used by
/// `num-rational`, costs one pass over the numbers per bit instead, which
/// dominates everything for numbers of 10⁵ bits. When both numbers have
/// more than [`HALF_GCD_BITS`] bits, the gcd is `malachite`'s instead
/// (half-gcd, subquadratic), which is several times faster there.
pub(crate) fn int_gcd(a: &BigInt, b: &BigInt) -> BigInt {
    if a.bits().min(b.bits()) > HALF_GCD_BITS {
        return half_gcd(a, b);
    }
    let (mut u, mut v) = (a.abs(), b.abs());
    if u < v {
        std::mem::swap(&mut u, &mut v);
    }
    while v.bits() > 64 {
        // Invariant: u ≥ v > 0.
        let shift = u.bits() - 62;
        let mut x = i128::from((&u >> shift).to_u64().unwrap_or(0));
        let mut y = i128::from((&v >> shift).to_u64().unwrap_or(0));
        let (mut aa, mut bb, mut cc, mut dd) = (1i128, 0i128, 0i128, 1i128);
        loop {
            if y + cc == 0 || y + dd == 0 {
                break;
            }
            let q = (x + aa) / (y + cc);
            if q != (x + bb) / (y + dd) {
                break;
            }
            (aa, cc) = (cc, aa - q * cc);
            (bb, dd) = (dd, bb - q * dd);
            (x, y) = (y, x - q * y);
        }
        // The matrix [[aa, bb], [cc, dd]] is a product of [[0, 1], [1, −q]],
        // so it is unimodular and preserves the gcd whatever the quotients;
        // the progress check below guarantees termination.
        let mut stepped = false;
        if bb != 0 {
            let big = |k: i128| BigInt::from(k);
            let mut nu = (big(aa) * &u + big(bb) * &v).abs();
            let mut nv = (big(cc) * &u + big(dd) * &v).abs();
            if nu < nv {
                std::mem::swap(&mut nu, &mut nv);
            }
            if nu < u {
                u = nu;
                v = nv;
                stepped = true;
            }
        }
        if !stepped {
            let r = &u % &v;
            u = std::mem::replace(&mut v, r);
        }
    }
    if !v.is_zero() && u.bits() > 64 {
        u = &u % &v; // the binary gcd is slow on a large and a small number
    }
    u.gcd(&v)
}

/// Above this size of the smaller number, [`int_gcd`] hands over to the
/// subquadratic gcd of `malachite`: Lehmer's algorithm costs a product of the
/// two sizes, and at 10⁵ bits it was a fifth of a `characterize` run.
const HALF_GCD_BITS: u64 = 2048;

/// `gcd(|a|, |b|)` by `malachite` (both nonzero): the 64-bit words are
/// handed over and back.
fn half_gcd(a: &BigInt, b: &BigInt) -> BigInt {
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
/// `L·cᵢ` is an integer for every `i`. The lcm is built with the Lehmer gcd
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

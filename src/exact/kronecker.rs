//! Products of integer polynomials by Kronecker substitution: a polynomial
//! with coefficients below `2^(S−1)` in absolute value is the integer
//! `Σ cₖ·2^(S·k)` read in balanced base `2^S`, so one product of two large
//! integers (`num-bigint`'s Toom–Cook) replaces the `len(a)·len(b)` products
//! of the schoolbook method. The field width S comes from a proved bound on
//! the product's coefficients, so the result is exact whatever the sizes.
//!
//! Measured (one run, this crate's release build, random signed
//! coefficients): 124 × 124 coefficients of 20 000 bits, 0.19 s against
//! 0.93 s for the schoolbook product; 30 × 30 of 2 000 bits, 1.1 ms against
//! 1.7 ms. `malachite`'s FFT product was slower at both sizes in this build
//! (0.25 s and 4.7 ms: its floating-point kernels call software `fma` and
//! `rint` without a target CPU that has them), and an exact division of the
//! substituted integers by it (1.5 s at the first size) was slower than the
//! schoolbook division of the polynomials, which is therefore kept.

use crate::model::int_from_words;
use num_bigint::{BigInt, BigUint};
use num_traits::Signed;

/// Below this length of the shorter factor the schoolbook product is used.
pub(crate) const MIN_LEN: usize = 8;

/// Below this sum of the factors' coefficient sizes (bits) the schoolbook
/// product is used.
pub(crate) const MIN_BITS: u64 = 256;

/// The largest coefficient size in bits.
fn max_bits(p: &[BigInt]) -> u64 {
    p.iter().map(BigInt::bits).max().unwrap_or(0)
}

/// Whether the product of `a` and `b` is worth a Kronecker substitution.
pub(crate) fn worth_it(a: &[BigInt], b: &[BigInt]) -> bool {
    a.len().min(b.len()) >= MIN_LEN && max_bits(a) + max_bits(b) >= MIN_BITS
}

/// `p(2^(64·words))` as a sign (`true` for negative) and a magnitude; each
/// coefficient must have at most `64·words` bits.
fn pack(p: &[BigInt], words: usize) -> (bool, BigUint) {
    let mut pos = vec![0u32; 2 * words * p.len()];
    let mut neg = vec![0u32; 2 * words * p.len()];
    for (i, x) in p.iter().enumerate() {
        let digits = x.magnitude().to_u32_digits();
        debug_assert!(digits.len() <= 2 * words);
        let dst = if x.is_negative() { &mut neg } else { &mut pos };
        dst[2 * i * words..2 * i * words + digits.len()].copy_from_slice(&digits);
    }
    let (p, n) = (BigUint::new(pos), BigUint::new(neg));
    if p >= n {
        (false, p - n)
    } else {
        (true, n - p)
    }
}

/// The coefficients `c₀, …, c_{len−1}` of `x = Σ cₖ·2^(S·k)` with
/// `S = 64·words` and `|cₖ| < 2^(S−1)` (the balanced digits of x), negated
/// when `negative`; `None` when x has more than `len` such digits.
fn unpack(x: &BigUint, negative: bool, words: usize, len: usize) -> Option<Vec<BigInt>> {
    let limbs = x.to_u64_digits();
    let mut out = Vec::with_capacity(len);
    // carry: 1 when the digits read so far sum to 2^(S·k) more than the
    // part of x below 2^(S·k) (a negative digit borrowed from this field).
    let mut carry = 0u64;
    let mut field = vec![0u64; words];
    for k in 0..len {
        field.fill(0);
        let lo = (k * words).min(limbs.len());
        let hi = ((k + 1) * words).min(limbs.len());
        field[..hi - lo].copy_from_slice(&limbs[lo..hi]);
        // field + carry, modulo 2^S; `over` when it wrapped to 0.
        let mut over = carry == 1;
        for w in field.iter_mut() {
            if !over {
                break;
            }
            let (v, o) = w.overflowing_add(1);
            *w = v;
            over = o;
        }
        let top = field[words - 1] >> 63 == 1;
        if top {
            // The digit is field − 2^S < 0: its magnitude is 2^S − field.
            let mut borrow = true;
            for w in field.iter_mut() {
                let v = !*w;
                let (v, o) = if borrow {
                    v.overflowing_add(1)
                } else {
                    (v, false)
                };
                *w = v;
                borrow = o;
            }
            out.push(int_from_words(&field, !negative));
            carry = 1;
        } else {
            out.push(int_from_words(&field, negative));
            carry = u64::from(over);
        }
    }
    // Nothing may remain above the last digit.
    let rest_zero = limbs.iter().skip(len * words).all(|&w| w == 0);
    (rest_zero && carry == 0).then_some(out)
}

/// The product of two integer polynomials (lowest degree first; the result
/// has `len(a) + len(b) − 1` coefficients, empty if either is empty).
///
/// Each coefficient of the product is a sum of at most `min(len)` products,
/// so it is below `2^(bits(a) + bits(b) + ⌈log₂ min(len)⌉)` in absolute
/// value; the field width exceeds that by at least one bit, so the balanced
/// digits of `a(2^S)·b(2^S)` are exactly the product's coefficients.
pub(crate) fn mul(a: &[BigInt], b: &[BigInt]) -> Vec<BigInt> {
    if a.is_empty() || b.is_empty() {
        return Vec::new();
    }
    let n = a.len().min(b.len()) as u64;
    let need = max_bits(a) + max_bits(b) + u64::from(64 - n.leading_zeros()) + 2;
    let words = usize::try_from(need.div_ceil(64)).unwrap_or(usize::MAX);
    let (sa, ma) = pack(a, words);
    let (sb, mb) = pack(b, words);
    let len = a.len() + b.len() - 1;
    let out = unpack(&(ma * mb), sa != sb, words, len);
    // The bound above makes this unreachable; the schoolbook product is the
    // answer if it ever were.
    out.unwrap_or_else(|| super::intpoly::mul_schoolbook(a, b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::intpoly::mul_schoolbook;
    use num_bigint::Sign;
    use num_traits::Zero;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn random_poly(rng: &mut ChaCha8Rng, len: usize, bits: u64) -> Vec<BigInt> {
        (0..len)
            .map(|_| {
                let words = bits.div_ceil(32) as usize;
                let digits: Vec<u32> = (0..words).map(|_| rng.r#gen()).collect();
                let mut x = BigInt::from_biguint(Sign::Plus, BigUint::new(digits));
                x >>= (words as u64 * 32).saturating_sub(bits) + rng.gen_range(0..=bits.min(40));
                match rng.gen_range(0..5) {
                    0 => BigInt::zero(),
                    1 | 2 => -x,
                    _ => x,
                }
            })
            .collect()
    }

    #[test]
    fn kronecker_products_equal_schoolbook_products() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for case in 0..200 {
            let (la, lb) = (rng.gen_range(1..40), rng.gen_range(1..40));
            let (ba, bb) = (rng.gen_range(1..300), rng.gen_range(1..300));
            let a = random_poly(&mut rng, la, ba);
            let b = random_poly(&mut rng, lb, bb);
            assert_eq!(mul(&a, &b), mul_schoolbook(&a, &b), "case {case}");
        }
        for case in 0..10 {
            let (la, lb) = (rng.gen_range(40..130), rng.gen_range(40..130));
            let a = random_poly(&mut rng, la, 3_000);
            let b = random_poly(&mut rng, lb, 5_000);
            assert_eq!(mul(&a, &b), mul_schoolbook(&a, &b), "large case {case}");
        }
        // Extremes: every coefficient at its largest magnitude, of one sign
        // and alternating, where the carries between fields are longest.
        let big = (BigInt::from(1) << 200u32) - 1;
        for signs in [[1, 1], [1, -1], [-1, -1]] {
            let a: Vec<BigInt> = (0..30).map(|i| &big * signs[i % 2]).collect();
            let b: Vec<BigInt> = (0..17).map(|i| &big * signs[(i + 1) % 2]).collect();
            assert_eq!(mul(&a, &b), mul_schoolbook(&a, &b));
        }
    }
}

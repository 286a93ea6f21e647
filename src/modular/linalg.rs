//! Sparse row echelon forms modulo a prime p < 2³¹: the linear algebra of F4.
//!
//! Rows are sparse (increasing column indices, column 0 the largest monomial).
//! A row is reduced in a dense accumulator of `u64`s that holds values below
//! p²: adding a multiple `c·v` with `c, v < p` stays below 2p² < 2⁶³, and one
//! conditional subtraction of p² brings it back, so reductions modulo p happen
//! only once per column visited.

use rayon::prelude::*;

/// A sparse row: coefficients in `0..p` at increasing columns.
#[derive(Clone, Debug, Default)]
pub(crate) struct Row {
    pub(crate) cols: Vec<u32>,
    pub(crate) vals: Vec<u32>,
}

impl Row {
    /// The first column (the row must be non-zero).
    pub(crate) fn lead(&self) -> usize {
        self.cols[0] as usize
    }
}

/// `a⁻¹ mod p` (`a ≠ 0`).
pub(crate) fn inverse(a: u64, p: u64) -> u64 {
    let (mut r, mut base, mut e) = (1u64, a % p, p - 2);
    while e > 0 {
        if e & 1 == 1 {
            r = r * base % p;
        }
        base = base * base % p;
        e >>= 1;
    }
    r
}

/// Scales a non-zero row so that its first coefficient is 1.
pub(crate) fn make_monic(row: &mut Row, p: u64) {
    let lc = u64::from(row.vals[0]);
    if lc == 1 {
        return;
    }
    let inv = inverse(lc, p);
    for v in &mut row.vals {
        *v = (u64::from(*v) * inv % p) as u32;
    }
}

/// Remainders modulo p < 2³¹ of values below 2⁶³ by Barrett's method: one
/// 64×64-bit product instead of a division (the accumulator's values are
/// reduced once per column visited, and a division was a large part of it).
/// [`crate::exact::intpoly::Modulus`] is the same method for 62-bit primes
/// and 128-bit values; here the values fit one word, so one product does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Barrett {
    p: u64,
    /// `⌊(2⁶⁴ − 1)/p⌋`.
    m: u64,
}

impl Barrett {
    pub(crate) fn new(p: u64) -> Self {
        Self { p, m: u64::MAX / p }
    }

    /// The modulus p.
    #[inline]
    pub(crate) fn modulus(self) -> u64 {
        self.p
    }

    /// `x mod p`. With `m = ⌊(2⁶⁴ − 1)/p⌋`, `q = ⌊x·m/2⁶⁴⌋` is at most
    /// `⌊x/p⌋` and at least `⌊x/p⌋ − 2` (`x/p − x·m/2⁶⁴ < x/2⁶⁴ + 1 < 2`),
    /// so at most two subtractions remain.
    #[inline]
    pub(crate) fn reduce(self, x: u64) -> u64 {
        let q = ((u128::from(x) * u128::from(self.m)) >> 64) as u64;
        let mut r = x - q * self.p;
        while r >= self.p {
            r -= self.p;
        }
        r
    }
}

/// Reduces `row` by the monic `pivots` (indexed by their first column) from
/// column `from` on, in the zeroed accumulator `acc`, which is left zeroed.
/// Returns the non-zero remainder (not normalized), or `None`.
fn reduce_into(
    acc: &mut [u64],
    row: &Row,
    from: usize,
    pivots: &[Option<Row>],
    p: u64,
    keep_lead: bool,
) -> Option<Row> {
    let p2 = p * p;
    let barrett = Barrett::new(p);
    for (&c, &v) in row.cols.iter().zip(&row.vals) {
        acc[c as usize] = u64::from(v);
    }
    let mut out = Row::default();
    let start = row.lead();
    if keep_lead {
        out.cols.push(row.cols[0]);
        out.vals.push(row.vals[0]);
        acc[start] = 0;
    }
    for c in start..acc.len() {
        let raw = acc[c];
        if raw == 0 {
            continue;
        }
        acc[c] = 0;
        let v = barrett.reduce(raw);
        if v == 0 {
            continue;
        }
        match pivots[c].as_ref().filter(|_| c >= from) {
            Some(piv) => {
                let m = p - v;
                for (&cc, &pv) in piv.cols[1..].iter().zip(&piv.vals[1..]) {
                    let slot = &mut acc[cc as usize];
                    let a = *slot + m * u64::from(pv);
                    *slot = if a >= p2 { a - p2 } else { a };
                }
            }
            None => {
                out.cols.push(c as u32);
                out.vals.push(v as u32);
            }
        }
    }
    (!out.cols.is_empty()).then_some(out)
}

/// Reduces every row of `todo` by the `pivots` (in parallel), then brings the
/// remainders to echelon form among themselves. Returns the new monic rows,
/// with distinct first columns none of which has a pivot, each with the
/// position in `todo` of the row it is the remainder of (increasing): the
/// other rows of `todo` added nothing (their remainders were zero, or
/// reduced to zero by the new rows before them).
pub(crate) fn echelon_new_rows(
    ncols: usize,
    pivots: &[Option<Row>],
    todo: Vec<Row>,
    p: u64,
) -> Vec<(usize, Row)> {
    let reduced: Vec<(usize, Row)> = todo
        .par_iter()
        .enumerate()
        .map_init(
            || vec![0u64; ncols],
            |acc, (k, row)| reduce_into(acc, row, 0, pivots, p, false).map(|r| (k, r)),
        )
        .flatten()
        .collect();
    // The remainders have no entry in a pivot column; echelon them.
    let mut fresh: Vec<Option<Row>> = vec![None; ncols];
    let mut acc = vec![0u64; ncols];
    let mut order: Vec<(usize, usize)> = Vec::new();
    for (k, row) in reduced {
        let mut row = row;
        make_monic(&mut row, p);
        if let Some(mut r) = reduce_into(&mut acc, &row, 0, &fresh, p, false) {
            make_monic(&mut r, p);
            let lead = r.lead();
            order.push((k, lead));
            fresh[lead] = Some(r);
        }
    }
    order
        .into_iter()
        .filter_map(|(k, c)| fresh[c].take().map(|r| (k, r)))
        .collect()
}

/// Brings monic pivot rows (one per first column) to reduced echelon form:
/// every pivot's entries at the other pivots' columns become zero.
pub(crate) fn back_substitute(ncols: usize, pivots: &mut [Option<Row>], p: u64) {
    let mut acc = vec![0u64; ncols];
    for c in (0..ncols).rev() {
        let Some(row) = pivots[c].take() else {
            continue;
        };
        let reduced = reduce_into(&mut acc, &row, c + 1, pivots, p, true).unwrap_or(row);
        pivots[c] = Some(reduced);
    }
}

#[cfg(test)]
mod tests {
    use super::Barrett;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn barrett_remainders_equal_divisions() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for p in [2u64, 3, 65_521, 2_147_483_629, 2_147_483_647] {
            let b = Barrett::new(p);
            let top = 2 * p * p; // the accumulator's values stay below 2p²
            for x in [
                0,
                1,
                p - 1,
                p,
                p + 1,
                p * p - 1,
                p * p,
                top - 1,
                (1 << 63) - 1,
            ] {
                assert_eq!(b.reduce(x), x % p, "p = {p}, x = {x}");
            }
            for _ in 0..10_000 {
                let x = rng.gen_range(0..top);
                assert_eq!(b.reduce(x), x % p, "p = {p}, x = {x}");
            }
        }
    }
}

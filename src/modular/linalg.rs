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
        let v = raw % p;
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
/// with distinct first columns none of which has a pivot.
pub(crate) fn echelon_new_rows(
    ncols: usize,
    pivots: &[Option<Row>],
    todo: Vec<Row>,
    p: u64,
) -> Vec<Row> {
    let reduced: Vec<Row> = todo
        .par_iter()
        .map_init(
            || vec![0u64; ncols],
            |acc, row| reduce_into(acc, row, 0, pivots, p, false),
        )
        .flatten()
        .collect();
    // The remainders have no entry in a pivot column; echelon them.
    let mut fresh: Vec<Option<Row>> = vec![None; ncols];
    let mut acc = vec![0u64; ncols];
    let mut order: Vec<usize> = Vec::new();
    for row in reduced {
        let mut row = row;
        make_monic(&mut row, p);
        if let Some(mut r) = reduce_into(&mut acc, &row, 0, &fresh, p, false) {
            make_monic(&mut r, p);
            let lead = r.lead();
            order.push(lead);
            fresh[lead] = Some(r);
        }
    }
    order.into_iter().filter_map(|c| fresh[c].take()).collect()
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

//! Exact linear algebra over Q on [`RationalMatrix`]: row reduction, rank,
//! kernels, linear systems, determinants and characteristic polynomials.
//!
//! All results are exact. Shapes are checked and reported as
//! [`Error::Shape`]; nothing here panics on a matrix a caller passes.

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Zero};

use super::intpoly::{self, inv_mod, mul_mod};
use super::upoly::UPoly;
use crate::error::{Error, Result};
use crate::model::RationalMatrix;

/// The rows of `m` as vectors.
fn rows_of(m: &RationalMatrix) -> Vec<Vec<BigRational>> {
    (0..m.nrows())
        .map(|i| (0..m.ncols()).map(|j| m.get(i, j).clone()).collect())
        .collect()
}

/// The matrix with these rows (`cols` given for the case of no rows).
fn from_rows(rows: &[Vec<BigRational>], cols: usize) -> RationalMatrix {
    RationalMatrix::from_fn(rows.len(), cols, |i, j| rows[i][j].clone())
}

/// A size measure of a rational (bits of numerator and denominator), used to
/// pick small pivots.
fn size(x: &BigRational) -> u64 {
    x.numer().bits() + x.denom().bits()
}

fn require_square(m: &RationalMatrix, what: &str) -> Result<usize> {
    if m.nrows() == m.ncols() {
        Ok(m.nrows())
    } else {
        Err(Error::Shape {
            what: what.to_owned(),
            got: format!("{}×{}", m.nrows(), m.ncols()),
            expected: "a square matrix".to_owned(),
        })
    }
}

/// Gauss–Jordan elimination on rows in place; returns the pivot columns.
/// Only the first `ncols_pivot` columns are searched for pivots (so that an
/// augmented matrix can be reduced on its coefficient part).
fn gauss_jordan(a: &mut [Vec<BigRational>], ncols_pivot: usize) -> Vec<usize> {
    let nrows = a.len();
    let mut pivots = Vec::new();
    let mut r = 0;
    for c in 0..ncols_pivot {
        if r == nrows {
            break;
        }
        // The smallest non-zero entry of the column (ties: the first row).
        let Some(p) = (r..nrows)
            .filter(|&i| !a[i][c].is_zero())
            .min_by_key(|&i| size(&a[i][c]))
        else {
            continue;
        };
        a.swap(r, p);
        let inv = a[r][c].recip();
        for x in a[r].iter_mut().skip(c) {
            *x = &*x * &inv;
        }
        let (before, rest) = a.split_at_mut(r);
        let (pivot_row, after) = rest.split_first_mut().expect("row r exists");
        for row in before.iter_mut().chain(after.iter_mut()) {
            let f = row[c].clone();
            if f.is_zero() {
                continue;
            }
            for (x, y) in row.iter_mut().zip(pivot_row.iter()).skip(c) {
                if !y.is_zero() {
                    *x -= &f * y;
                }
            }
        }
        pivots.push(c);
        r += 1;
    }
    pivots
}

/// Fraction-free Gauss–Jordan elimination on integer rows (Bareiss's
/// one-step method extended to the rows above the pivot): at the `k`-th
/// pivot `pₖ` (row `r`, column `c`) every other row becomes
/// `(pₖ·rowᵢ − a_{ic}·row_r)/pₖ₋₁`, an exact division by Sylvester's
/// identity, so that all entries stay minors of the input. At the end every
/// pivot entry equals the last pivot `d` and `rows/d` is the reduced row
/// echelon form. Returns the rows, the pivot columns and `d`, or `None`
/// should a division not be exact (which the identity excludes).
fn fraction_free_gauss_jordan(
    mut a: Vec<Vec<BigInt>>,
    ncols_pivot: usize,
) -> Option<(Vec<Vec<BigInt>>, Vec<usize>, BigInt)> {
    let nrows = a.len();
    let mut pivots = Vec::new();
    let mut prev = BigInt::one();
    let mut r = 0;
    for c in 0..ncols_pivot {
        if r == nrows {
            break;
        }
        // The smallest non-zero entry of the column (ties: the first row).
        let Some(p) = (r..nrows)
            .filter(|&i| !a[i][c].is_zero())
            .min_by_key(|&i| a[i][c].bits())
        else {
            continue;
        };
        a.swap(r, p);
        let (before, rest) = a.split_at_mut(r);
        let (pivot_row, after) = rest.split_first_mut().expect("row r exists");
        let pk = pivot_row[c].clone();
        for row in before.iter_mut().chain(after.iter_mut()) {
            let f = row[c].clone();
            for (x, y) in row.iter_mut().zip(pivot_row.iter()) {
                let v = if f.is_zero() {
                    &*x * &pk
                } else {
                    &*x * &pk - &f * y
                };
                let (quo, rem) = v.div_rem(&prev);
                if !rem.is_zero() {
                    return None;
                }
                *x = quo;
            }
        }
        prev = pk;
        pivots.push(c);
        r += 1;
    }
    Some((a, pivots, prev))
}

/// Rows reduced to reduced row echelon form on their first `ncols_pivot`
/// columns (the remaining columns transformed alongside), and the pivot
/// columns. Each row is first scaled to integers by the lcm of its
/// denominators (a positive factor, which changes neither the reduced form
/// nor which rows end up zero); the fraction-free elimination then avoids
/// the gcds of fraction arithmetic, and the result is divided by the last
/// pivot at the end. (Rows below the pivots are thus known up to positive
/// factors only, which is all [`solve`] needs of them.)
fn reduce_rows(
    rows: Vec<Vec<BigRational>>,
    ncols_pivot: usize,
) -> (Vec<Vec<BigRational>>, Vec<usize>) {
    let int_rows: Vec<Vec<BigInt>> = rows
        .iter()
        .map(|row| intpoly::clear_denominators(row).0)
        .collect();
    match fraction_free_gauss_jordan(int_rows, ncols_pivot) {
        Some((a, pivots, d)) => {
            let reduced = a
                .into_iter()
                .map(|row| {
                    row.into_iter()
                        .map(|x| {
                            if x.is_zero() {
                                BigRational::zero()
                            } else {
                                intpoly::ratio(x, d.clone())
                            }
                        })
                        .collect()
                })
                .collect();
            (reduced, pivots)
        }
        None => {
            let mut a = rows;
            let pivots = gauss_jordan(&mut a, ncols_pivot);
            (a, pivots)
        }
    }
}

/// The reduced row echelon form of `m` and its pivot columns (increasing).
pub fn rref(m: &RationalMatrix) -> (RationalMatrix, Vec<usize>) {
    let (a, pivots) = reduce_rows(rows_of(m), m.ncols());
    (from_rows(&a, m.ncols()), pivots)
}

/// The rank of `m`.
pub fn rank(m: &RationalMatrix) -> usize {
    rref(m).1.len()
}

/// A basis of the right kernel `{x : m·x = 0}`: one vector per free column
/// `f` of the reduced row echelon form, with `x_f = 1`, the other free
/// entries 0 and the pivot entries solved for. Empty when the kernel is 0.
pub fn nullspace(m: &RationalMatrix) -> Vec<Vec<BigRational>> {
    let (r, pivots) = rref(m);
    let n = m.ncols();
    let free: Vec<usize> = (0..n).filter(|c| !pivots.contains(c)).collect();
    free.iter()
        .map(|&f| {
            let mut x = vec![BigRational::zero(); n];
            x[f] = BigRational::one();
            for (i, &p) in pivots.iter().enumerate() {
                x[p] = -r.get(i, f).clone();
            }
            x
        })
        .collect()
}

/// One solution `X` of `m·X = rhs` (free variables set to 0), `Ok(None)`
/// when the system is inconsistent. `rhs` must have as many rows as `m`.
pub fn solve(m: &RationalMatrix, rhs: &RationalMatrix) -> Result<Option<RationalMatrix>> {
    if rhs.nrows() != m.nrows() {
        return Err(Error::Shape {
            what: "right-hand side of solve".to_owned(),
            got: format!("{}×{}", rhs.nrows(), rhs.ncols()),
            expected: format!("{} rows like the matrix", m.nrows()),
        });
    }
    let (n, k) = (m.ncols(), rhs.ncols());
    let a: Vec<Vec<BigRational>> = (0..m.nrows())
        .map(|i| {
            (0..n)
                .map(|j| m.get(i, j).clone())
                .chain((0..k).map(|j| rhs.get(i, j).clone()))
                .collect()
        })
        .collect();
    let (a, pivots) = reduce_rows(a, n);
    // Rows below the pivots have zero coefficients: their right-hand sides
    // must vanish.
    if a[pivots.len()..]
        .iter()
        .any(|row| row[n..].iter().any(|x| !x.is_zero()))
    {
        return Ok(None);
    }
    let mut x = RationalMatrix::zeros(n, k);
    for (i, &p) in pivots.iter().enumerate() {
        for j in 0..k {
            x.set(p, j, a[i][n + j].clone());
        }
    }
    Ok(Some(x))
}

/// The determinant of a square matrix (1 for the 0×0 matrix).
///
/// Multi-modular, like [`charpoly`]: Gaussian elimination over `F_p` for
/// 62-bit primes `p`, combined by the Chinese remainder theorem up to the
/// Hadamard bound `|D·det M| = |det(diag(dᵢ)·M)| ≤ Π ρᵢ` (notation of
/// [`charpoly`]). The tests check it against fraction-free Bareiss
/// elimination over Z, `M·M⁻¹ = I` and multiplicativity.
pub fn determinant(m: &RationalMatrix) -> Result<BigRational> {
    let n = require_square(m, "matrix of determinant")?;
    if n == 0 {
        return Ok(BigRational::one());
    }
    let scaling = RowScaling::new(m);
    let bound_bits = scaling.rho_bits.iter().sum::<u64>() + 1;
    let values = scaling.multimodular(m, bound_bits, |rows, p| vec![det_mod_p(rows, p)]);
    let v = values.into_iter().next().unwrap_or_default();
    Ok(reduce_fraction(v, &scaling.row_dens))
}

/// The leading principal minors `det M[..k, ..k]`, `k = 1..=n`, of a square
/// matrix (empty for 0×0).
///
/// Multi-modular like [`determinant`]: modulo each prime, elimination
/// without pivoting gives the minors as running products of pivots up to the
/// first zero pivot, and the remaining ones come from separate eliminations
/// with pivoting. With `D = Π dᵢ`, `D·det M[..k, ..k]` is an integer of
/// absolute value at most `Πᵢ max(ρᵢ, dᵢ)` (notation of [`charpoly`]).
pub fn leading_principal_minors(m: &RationalMatrix) -> Result<Vec<BigRational>> {
    let n = require_square(m, "matrix of leading_principal_minors")?;
    if n == 0 {
        return Ok(Vec::new());
    }
    let scaling = RowScaling::new(m);
    let bound_bits: u64 = scaling
        .rho_bits
        .iter()
        .zip(&scaling.row_dens)
        .map(|(&r, d)| r.max(d.bits()))
        .sum::<u64>()
        + 1;
    let values = scaling.multimodular(m, bound_bits, leading_minors_mod_p);
    Ok(values
        .into_iter()
        .map(|v| reduce_fraction(v, &scaling.row_dens))
        .collect())
}

/// The leading principal minors over `F_p`.
fn leading_minors_mod_p(rows: Vec<Vec<u64>>, p: u64) -> Vec<u64> {
    let n = rows.len();
    let mut a = rows.clone();
    let mut out = Vec::with_capacity(n);
    let mut prod = 1u64;
    for k in 0..n {
        if a[k][k] == 0 {
            break;
        }
        prod = mul_mod(prod, a[k][k], p);
        out.push(prod);
        eliminate_below(&mut a, k, p);
    }
    for k in out.len()..n {
        let minor: Vec<Vec<u64>> = rows[..=k].iter().map(|r| r[..=k].to_vec()).collect();
        out.push(det_mod_p(minor, p));
    }
    out
}

/// One step of Gaussian elimination over `F_p`: clears column k below the
/// non-zero pivot `a[k][k]`.
fn eliminate_below(a: &mut [Vec<u64>], k: usize, p: u64) {
    let inv = inv_mod(a[k][k], p);
    let (upper, lower) = a.split_at_mut(k + 1);
    let pivot_row = &upper[k];
    for row in lower.iter_mut() {
        if row[k] == 0 {
            continue;
        }
        let f = mul_mod(row[k], inv, p);
        for (x, &y) in row.iter_mut().zip(pivot_row.iter()).skip(k) {
            let s = mul_mod(f, y, p);
            *x = if *x >= s { *x - s } else { *x + p - s };
        }
    }
}

/// The determinant over `F_p` by Gaussian elimination.
fn det_mod_p(mut a: Vec<Vec<u64>>, p: u64) -> u64 {
    let n = a.len();
    let mut det = 1u64;
    for k in 0..n {
        let Some(piv) = (k..n).find(|&i| a[i][k] != 0) else {
            return 0;
        };
        if piv != k {
            a.swap(piv, k);
            det = p - det; // det ≠ 0 here
        }
        det = mul_mod(det, a[k][k], p);
        eliminate_below(&mut a, k, p);
    }
    det
}

/// Row scaling data of a square rational matrix for the multi-modular
/// algorithms: `dᵢ` = lcm of the denominators of row `i`, and
/// `⌈bits(ρᵢ²)/2⌉` with `ρᵢ = ‖dᵢ·rowᵢ‖₂` (so `ρᵢ < 2^that`).
struct RowScaling {
    row_dens: Vec<BigInt>,
    rho_bits: Vec<u64>,
    big_d: BigInt,
}

impl RowScaling {
    fn new(m: &RationalMatrix) -> Self {
        let n = m.ncols();
        let mut row_dens = Vec::with_capacity(m.nrows());
        let mut rho_bits = Vec::with_capacity(m.nrows());
        for i in 0..m.nrows() {
            let row: Vec<BigRational> = (0..n).map(|j| m.get(i, j).clone()).collect();
            let (ints, d) = intpoly::clear_denominators(&row);
            let rho2 = ints.iter().fold(BigInt::zero(), |acc, a| acc + a * a);
            rho_bits.push(rho2.bits().div_ceil(2));
            row_dens.push(d);
        }
        let big_d = row_dens.iter().fold(BigInt::one(), |acc, d| acc * d);
        Self {
            row_dens,
            rho_bits,
            big_d,
        }
    }

    /// Symmetric residues of the integer vector `D·f(M)` modulo a product of
    /// primes exceeding `2^(bound_bits + 1)`, where `f(M mod p, p)` computes
    /// `f(M) mod p`; `D·f(M)` must be an integer vector bounded by
    /// `2^bound_bits` in absolute value. Primes dividing a denominator are
    /// skipped.
    fn multimodular(
        &self,
        m: &RationalMatrix,
        bound_bits: u64,
        f: impl Fn(Vec<Vec<u64>>, u64) -> Vec<u64>,
    ) -> Vec<BigInt> {
        let n = m.ncols();
        let (nums, dens): (Vec<&BigInt>, Vec<&BigInt>) =
            m.entries().iter().map(|x| (x.numer(), x.denom())).unzip();
        let mut values: Vec<BigInt> = Vec::new();
        let mut modulus = BigInt::one();
        for p in intpoly::primes() {
            if modulus.bits() > bound_bits + 1 {
                break;
            }
            let Some(inv_dens) = batch_inverse(dens.iter().map(|d| intpoly::reduce(d, p)), p)
            else {
                continue; // p divides a denominator
            };
            let mut rows = vec![vec![0u64; n]; m.nrows()];
            for (idx, (num, inv)) in nums.iter().zip(inv_dens).enumerate() {
                rows[idx / n][idx % n] = mul_mod(intpoly::reduce(num, p), inv, p);
            }
            let dp = intpoly::reduce(&self.big_d, p);
            let image: Vec<u64> = f(rows, p).into_iter().map(|c| mul_mod(c, dp, p)).collect();
            if modulus.is_one() {
                modulus = BigInt::from(p);
                values = image
                    .iter()
                    .map(|&c| intpoly::symmetric(BigInt::from(c), &modulus))
                    .collect();
            } else {
                intpoly::crt_step(&mut values, &mut modulus, &image, p);
            }
        }
        values
    }
}

/// Reduces a square matrix (rows, entries in `[0, p)`) to upper Hessenberg
/// form by similarity transformations over `F_p`, then returns the
/// coefficients of its characteristic polynomial (lowest degree first) by
/// the Hessenberg recurrence. The same algorithm as over Q (see
/// [`charpoly`]); over a field it never fails.
fn charpoly_mod_p(mut h: Vec<Vec<u64>>, p: u64) -> Vec<u64> {
    let n = h.len();
    let sub = |a: u64, b: u64| if a >= b { a - b } else { a + p - b };
    let add = |a: u64, b: u64| {
        let s = a + b; // < 2⁶³, no overflow
        if s >= p { s - p } else { s }
    };
    for j in 0..n.saturating_sub(2) {
        let Some(piv) = (j + 1..n).find(|&i| h[i][j] != 0) else {
            continue;
        };
        if piv != j + 1 {
            h.swap(piv, j + 1);
            for row in h.iter_mut() {
                row.swap(piv, j + 1);
            }
        }
        let inv = inv_mod(h[j + 1][j], p);
        for i in j + 2..n {
            if h[i][j] == 0 {
                continue;
            }
            let f = mul_mod(h[i][j], inv, p);
            let (upper, lower) = h.split_at_mut(i);
            for (x, &y) in lower[0].iter_mut().zip(upper[j + 1].iter()).skip(j) {
                *x = sub(*x, mul_mod(f, y, p));
            }
            for row in h.iter_mut() {
                row[j + 1] = add(row[j + 1], mul_mod(f, row[i], p));
            }
        }
    }
    let mut polys: Vec<Vec<u64>> = vec![vec![1]];
    for k in 1..=n {
        let hkk = h[k - 1][k - 1];
        let mut next = vec![0u64; k + 1];
        for (d, &c) in polys[k - 1].iter().enumerate() {
            next[d + 1] = add(next[d + 1], c);
            next[d] = sub(next[d], mul_mod(hkk, c, p));
        }
        let mut prod = 1u64;
        for i in 1..k {
            prod = mul_mod(prod, h[k - i][k - i - 1], p);
            if prod == 0 {
                break;
            }
            let f = mul_mod(h[k - i - 1][k - 1], prod, p);
            if f == 0 {
                continue;
            }
            for (d, &c) in polys[k - i - 1].iter().enumerate() {
                next[d] = sub(next[d], mul_mod(f, c, p));
            }
        }
        polys.push(next);
    }
    polys.pop().unwrap_or_default()
}

/// The characteristic polynomial `det(t·I − M)` (monic, degree `n`).
///
/// The algorithm is the Hessenberg one: reduction of `M` to an upper
/// Hessenberg matrix `H` by similarity transformations, then
/// `pₖ = det(t·I − H[..k, ..k])` by the recurrence
/// `pₖ = (t − hₖₖ) pₖ₋₁ − Σᵢ₌₁^{k−1} h_{k−i,k} (Πⱼ₌ₖ₋ᵢ₊₁^{k} h_{j,j−1}) p_{k−i−1}`
/// (1-based indices, `p₀ = 1`), O(n³) field operations in all.
///
/// Run directly over Q, the entries of `H` grow far beyond the size of the
/// result (for a 14×14 matrix with 6-digit entries they reach 120 000 bits
/// while the coefficients have 6 000), so it is run over `F_p` for 62-bit
/// primes `p` and the result is reconstructed by the Chinese remainder
/// theorem, with a proven bound instead of a heuristic stopping rule:
/// with `dᵢ` the lcm of the denominators of row `i`, `D = Π dᵢ` and
/// `ρᵢ = ‖dᵢ·rowᵢ‖₂`, every coefficient `cₖ = (−1)ᵏ Σ_{|S|=k} det M[S,S]`
/// satisfies `D·cₖ ∈ Z` and (Hadamard) `|D·cₖ| ≤ Π (ρᵢ + dᵢ)`; primes are
/// added until their product exceeds twice that bound, and `cₖ` is read
/// off the symmetric residue of `D·cₖ`. Primes dividing a denominator are
/// skipped. The tests check the result against the same recurrence run
/// over Q, Cayley–Hamilton, `p(s) = det(sI − M)` and floating point.
pub fn charpoly(m: &RationalMatrix) -> Result<UPoly> {
    let n = require_square(m, "matrix of charpoly")?;
    if n == 0 {
        return Ok(UPoly::one());
    }
    let scaling = RowScaling::new(m);
    // ρ + d ≤ 2·max(ρ, d) ≤ 2^(max(⌈bits(ρ²)/2⌉, bits(d)) + 1).
    let bound_bits: u64 = scaling
        .rho_bits
        .iter()
        .zip(&scaling.row_dens)
        .map(|(&r, d)| r.max(d.bits()) + 1)
        .sum();
    let values = scaling.multimodular(m, bound_bits, charpoly_mod_p);
    Ok(UPoly::new(
        values
            .into_iter()
            .map(|v| reduce_fraction(v, &scaling.row_dens))
            .collect(),
    ))
}

/// Inverses modulo `p` of all the residues (Montgomery's trick: one modular
/// inversion and three multiplications each); `None` if one of them is 0.
fn batch_inverse(xs: impl Iterator<Item = u64>, p: u64) -> Option<Vec<u64>> {
    let xs: Vec<u64> = xs.collect();
    let mut prefix = Vec::with_capacity(xs.len());
    let mut acc = 1u64;
    for &x in &xs {
        if x == 0 {
            return None;
        }
        prefix.push(acc);
        acc = mul_mod(acc, x, p);
    }
    let mut inv = inv_mod(acc, p); // (x₀⋯x_{k})⁻¹
    let mut out = vec![0u64; xs.len()];
    for k in (0..xs.len()).rev() {
        out[k] = mul_mod(inv, prefix[k], p);
        inv = mul_mod(inv, xs[k], p);
    }
    Some(out)
}

/// `num / Π dens` in lowest terms, cancelling against each (small) factor in
/// turn rather than taking one gcd of two huge integers: for every prime `q`
/// this removes `min(v_q(num), Σ v_q(dᵢ))` factors, so the result is reduced.
fn reduce_fraction(mut num: BigInt, dens: &[BigInt]) -> BigRational {
    if num.is_zero() {
        return BigRational::zero();
    }
    let mut den = BigInt::one();
    for d in dens {
        let g = intpoly::int_gcd(&num, d);
        if g.is_one() {
            den *= d;
        } else {
            num /= &g;
            den *= d / &g;
        }
    }
    // den > 0 and gcd(num, den) = 1 by construction.
    BigRational::new_raw(num, den)
}

/// `p(M) = Σ cₖ Mᵏ` by Horner's rule (square `M`).
pub fn poly_at_matrix(p: &UPoly, m: &RationalMatrix) -> Result<RationalMatrix> {
    let n = require_square(m, "matrix of poly_at_matrix")?;
    let mut acc = RationalMatrix::zeros(n, n);
    for c in p.coeffs().iter().rev() {
        acc = acc.mul(m);
        for i in 0..n {
            let v = acc.get(i, i) + c;
            acc.set(i, i, v);
        }
    }
    Ok(acc)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::exact::upoly::tests::q;
    use proptest::prelude::*;
    use rand::{Rng, SeedableRng};

    fn arb_matrix(
        rows: std::ops::RangeInclusive<usize>,
        cols: std::ops::RangeInclusive<usize>,
    ) -> impl Strategy<Value = RationalMatrix> {
        (rows, cols).prop_flat_map(|(r, c)| {
            prop::collection::vec((-5i64..=5, 1i64..=3), r * c).prop_map(move |v| {
                RationalMatrix::from_fn(r, c, |i, j| {
                    let (a, b) = v[i * c + j];
                    q(a, b)
                })
            })
        })
    }

    /// A matrix of low rank: a product of two random factors.
    fn arb_low_rank() -> impl Strategy<Value = RationalMatrix> {
        (1usize..=5, 1usize..=5, 0usize..=3).prop_flat_map(|(r, c, k)| {
            (arb_matrix(r..=r, k..=k), arb_matrix(k..=k, c..=c)).prop_map(|(a, b)| {
                if a.ncols() == 0 {
                    RationalMatrix::zeros(a.nrows(), b.ncols())
                } else {
                    a.mul(&b)
                }
            })
        })
    }

    /// A random n×n matrix with entries ±p/q, p and q of `digits` digits.
    pub(crate) fn random_matrix(n: usize, digits: u32, seed: u64) -> RationalMatrix {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let lo = 10i64.pow(digits - 1);
        let hi = 10i64.pow(digits);
        RationalMatrix::from_fn(n, n, |_, _| {
            let a: i64 = rng.gen_range(lo..hi);
            let b: i64 = rng.gen_range(lo..hi);
            let s = if rng.gen_bool(0.5) { -1 } else { 1 };
            q(s * a, b)
        })
    }

    fn is_rref(r: &RationalMatrix, pivots: &[usize]) -> bool {
        // Pivot entries 1, zero elsewhere in pivot columns, zero rows below,
        // zeros left of each pivot.
        for (i, &p) in pivots.iter().enumerate() {
            if !r.get(i, p).is_one() {
                return false;
            }
            if (0..r.nrows()).any(|k| k != i && !r.get(k, p).is_zero()) {
                return false;
            }
            if (0..p).any(|c| !r.get(i, c).is_zero()) {
                return false;
            }
        }
        (pivots.len()..r.nrows()).all(|i| (0..r.ncols()).all(|j| r.get(i, j).is_zero()))
            && pivots.windows(2).all(|w| w[0] < w[1])
    }

    /// The Hessenberg algorithm run directly over Q: the reference the
    /// modular [`charpoly`] is checked against (slow for n ≳ 10).
    fn charpoly_over_q(m: &RationalMatrix) -> UPoly {
        let n = m.nrows();
        let mut h: Vec<Vec<BigRational>> = (0..n)
            .map(|i| (0..n).map(|j| m.get(i, j).clone()).collect())
            .collect();
        for j in 0..n.saturating_sub(2) {
            let Some(p) = (j + 1..n).find(|&i| !h[i][j].is_zero()) else {
                continue;
            };
            h.swap(p, j + 1);
            for row in h.iter_mut() {
                row.swap(p, j + 1);
            }
            for i in j + 2..n {
                let f = &h[i][j] / &h[j + 1][j];
                let pivot_row = h[j + 1].clone();
                for (x, y) in h[i].iter_mut().zip(&pivot_row) {
                    *x -= &f * y;
                }
                for row in h.iter_mut() {
                    let v = &row[j + 1] + &f * &row[i];
                    row[j + 1] = v;
                }
            }
        }
        let mut p = vec![UPoly::one()];
        for k in 1..=n {
            let mut next = UPoly::new(vec![-h[k - 1][k - 1].clone(), q(1, 1)]).mul(&p[k - 1]);
            let mut prod = q(1, 1);
            for i in 1..k {
                prod *= &h[k - i][k - i - 1];
                let f = &h[k - i - 1][k - 1] * &prod;
                next = next.sub(&p[k - i - 1].scale(&f));
            }
            p.push(next);
        }
        p.pop().unwrap()
    }

    /// Reference determinant: /// Each row is scaled to integers by the lcm of its denominators, then the
    /// fraction-free Bareiss elimination (with row exchanges) runs over Z, so no
    /// fractions are reduced on the way.
    fn determinant_bareiss(m: &RationalMatrix) -> BigRational {
        let n = m.nrows();
        let mut scale = BigInt::one();
        let mut a: Vec<Vec<BigInt>> = (0..n)
            .map(|i| {
                let l = (0..n).fold(BigInt::one(), |l, j| l.lcm(m.get(i, j).denom()));
                scale *= &l;
                (0..n)
                    .map(|j| {
                        let x = m.get(i, j);
                        x.numer() * (&l / x.denom())
                    })
                    .collect()
            })
            .collect();
        let mut negate = false;
        let mut prev = BigInt::one();
        for k in 0..n {
            let Some(p) = (k..n).find(|&i| !a[i][k].is_zero()) else {
                return BigRational::zero();
            };
            if p != k {
                a.swap(p, k);
                negate = !negate;
            }
            for i in k + 1..n {
                for j in k + 1..n {
                    let v = &a[i][j] * &a[k][k] - &a[i][k] * &a[k][j];
                    a[i][j] = v / &prev; // exact (Sylvester's identity)
                }
                a[i][k] = BigInt::zero();
            }
            prev = a[k][k].clone();
        }
        let det = if n == 0 { BigInt::one() } else { prev };
        let det = BigRational::new(det, scale);
        if negate { -det } else { det }
    }

    #[test]
    fn by_hand() {
        let m = RationalMatrix::from_ints(&[&[1, 2, 3], &[2, 4, 6], &[1, 0, 1]], 1);
        let (r, piv) = rref(&m);
        assert_eq!(piv, vec![0, 1]);
        assert_eq!(
            r,
            RationalMatrix::from_ints(&[&[2, 0, 2], &[0, 2, 2], &[0, 0, 0]], 2)
        );
        assert_eq!(rank(&m), 2);
        assert_eq!(nullspace(&m), vec![vec![q(-1, 1), q(-1, 1), q(1, 1)]]);
        assert_eq!(determinant(&m).unwrap(), q(0, 1));
        let rhs = RationalMatrix::from_ints(&[&[1], &[2], &[0]], 1);
        let x = solve(&m, &rhs).unwrap().unwrap();
        assert_eq!(m.mul(&x), rhs);
        let bad = RationalMatrix::from_ints(&[&[1], &[3], &[0]], 1);
        assert!(solve(&m, &bad).unwrap().is_none());
        assert!(solve(&m, &RationalMatrix::zeros(2, 1)).is_err());
        // det of [[2,1],[1/2,3]] = 11/2; charpoly t² − 5t + 11/2.
        let a = RationalMatrix::from_ints(&[&[4, 2], &[1, 6]], 2);
        assert_eq!(determinant(&a).unwrap(), q(11, 2));
        assert_eq!(
            charpoly(&a).unwrap(),
            UPoly::new(vec![q(11, 2), q(-5, 1), q(1, 1)])
        );
        // Companion matrix of t³ − 2t + 5: its charpoly.
        let c = RationalMatrix::from_ints(&[&[0, 0, -5], &[1, 0, 2], &[0, 1, 0]], 1);
        assert_eq!(charpoly(&c).unwrap(), UPoly::from_ints(&[5, -2, 0, 1]));
        // A matrix that needs a pivot swap in the Hessenberg reduction.
        let s = RationalMatrix::from_ints(
            &[&[1, 2, 3, 4], &[0, 0, 1, 0], &[5, 1, 0, 2], &[0, 3, 1, 1]],
            1,
        );
        let cp = charpoly(&s).unwrap();
        assert!(
            poly_at_matrix(&cp, &s)
                .unwrap()
                .entries()
                .iter()
                .all(Zero::is_zero)
        );
        assert_eq!(cp.coeffs()[0], determinant(&s).unwrap());
        // Shapes.
        assert_eq!(determinant(&RationalMatrix::zeros(0, 0)).unwrap(), q(1, 1));
        assert_eq!(
            charpoly(&RationalMatrix::zeros(0, 0)).unwrap(),
            UPoly::one()
        );
        assert!(determinant(&RationalMatrix::zeros(2, 3)).is_err());
        assert!(charpoly(&RationalMatrix::zeros(3, 2)).is_err());
        assert!(poly_at_matrix(&cp, &RationalMatrix::zeros(3, 2)).is_err());
        assert!(leading_principal_minors(&RationalMatrix::zeros(3, 2)).is_err());
        assert!(
            leading_principal_minors(&RationalMatrix::zeros(0, 0))
                .unwrap()
                .is_empty()
        );
        // [[0, 1], [1, 0]]: the first minor vanishes, the second is −1.
        let swap = RationalMatrix::from_ints(&[&[0, 1], &[1, 0]], 1);
        assert_eq!(
            leading_principal_minors(&swap).unwrap(),
            vec![q(0, 1), q(-1, 1)]
        );
        assert_eq!(nullspace(&RationalMatrix::zeros(0, 2)).len(), 2);
    }

    #[test]
    fn hilbert_matrix() {
        // det H₄ = 1/6048000; the inverse from model agrees with solve.
        let h = RationalMatrix::from_fn(4, 4, |i, j| q(1, (i + j + 1) as i64));
        assert_eq!(determinant(&h).unwrap(), q(1, 6_048_000));
        let x = solve(&h, &RationalMatrix::identity(4)).unwrap().unwrap();
        assert_eq!(Some(x), h.inverse());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn rank_nullity_and_rref(m in prop_oneof![arb_matrix(0..=5, 0..=5), arb_low_rank()]) {
            let (r, piv) = rref(&m);
            // The fraction-free route succeeds and agrees with fractions.
            let ints: Vec<Vec<BigInt>> = (0..m.nrows())
                .map(|i| (0..m.ncols()).map(|j| (m.get(i, j) * q(6, 1)).to_integer()).collect())
                .collect();
            prop_assert!(fraction_free_gauss_jordan(ints, m.ncols()).is_some());
            let mut rows = rows_of(&m);
            let piv2 = gauss_jordan(&mut rows, m.ncols());
            prop_assert_eq!(&piv, &piv2);
            prop_assert_eq!(&r, &from_rows(&rows, m.ncols()));
            prop_assert!(is_rref(&r, &piv));
            let ns = nullspace(&m);
            prop_assert_eq!(rank(&m) + ns.len(), m.ncols());
            for v in &ns {
                let x = RationalMatrix::from_fn(m.ncols(), 1, |i, _| v[i].clone());
                prop_assert!(m.mul(&x).entries().iter().all(Zero::is_zero));
            }
            // The kernel vectors are independent.
            if !ns.is_empty() {
                let k = RationalMatrix::from_fn(m.ncols(), ns.len(), |i, j| ns[j][i].clone());
                prop_assert_eq!(rank(&k), ns.len());
            }
            // rank(M) = rank(Mᵀ); rref is idempotent.
            prop_assert_eq!(rank(&m), rank(&m.transpose()));
            prop_assert_eq!(rref(&r).0, r);
        }

        #[test]
        fn solve_solves(m in arb_low_rank(), x0 in arb_matrix(5..=5, 1..=2)) {
            // A consistent right-hand side m·x0 (x0 cut to size).
            let x0 = RationalMatrix::from_fn(m.ncols(), x0.ncols(), |i, j| x0.get(i, j).clone());
            let rhs = m.mul(&x0);
            let x = solve(&m, &rhs).unwrap();
            prop_assert!(x.is_some());
            let x = x.unwrap();
            prop_assert_eq!(m.mul(&x), rhs.clone());
            // Perturbing the rhs outside the column space makes it
            // inconsistent exactly when rank < rows.
            let mut bad = rhs.clone();
            for i in 0..bad.nrows() {
                let v = bad.get(i, 0) + q((i * i + 1) as i64, 7);
                bad.set(i, 0, v);
            }
            let sol = solve(&m, &bad).unwrap();
            match sol {
                Some(y) => prop_assert_eq!(m.mul(&y), bad),
                None => prop_assert!(rank(&m) < m.nrows()),
            }
        }

        #[test]
        fn determinant_and_charpoly(m in arb_matrix(1..=6, 1..=6), k in arb_matrix(1..=1, 1..=1)) {
            let n = m.nrows().min(m.ncols());
            let a = RationalMatrix::from_fn(n, n, |i, j| m.get(i, j).clone());
            let det = determinant(&a).unwrap();
            prop_assert_eq!(&det, &determinant_bareiss(&a));
            let minors = leading_principal_minors(&a).unwrap();
            prop_assert_eq!(minors.len(), n);
            for (k, minor) in minors.iter().enumerate() {
                let lead = RationalMatrix::from_fn(k + 1, k + 1, |i, j| a.get(i, j).clone());
                prop_assert_eq!(minor, &determinant_bareiss(&lead));
            }
            let cp = charpoly(&a).unwrap();
            // Coefficients are in lowest terms.
            for c in cp.coeffs().iter().chain([&det]) {
                prop_assert!(num_integer::Integer::gcd(c.numer(), c.denom()).is_one());
            }
            prop_assert_eq!(cp.degree(), Some(n));
            prop_assert_eq!(&cp, &charpoly_over_q(&a));
            prop_assert!(cp.leading().unwrap().is_one());
            // Sub-leading coefficient −tr, constant (−1)ⁿ det.
            prop_assert_eq!(&cp.coeffs()[n - 1], &(-a.trace()));
            let sign = if n.is_multiple_of(2) { q(1, 1) } else { q(-1, 1) };
            prop_assert_eq!(&cp.coeffs()[0], &(sign * &det));
            // Cayley–Hamilton.
            let z = poly_at_matrix(&cp, &a).unwrap();
            prop_assert!(z.entries().iter().all(Zero::is_zero));
            // det is multiplicative and detects singularity; det(A) ≠ 0 iff
            // A·A⁻¹ = I.
            prop_assert_eq!(det.is_zero(), a.inverse().is_none());
            if let Some(inv) = a.inverse() {
                prop_assert_eq!(a.mul(&inv), RationalMatrix::identity(n));
                prop_assert_eq!(determinant(&inv).unwrap() * &det, q(1, 1));
            }
            prop_assert_eq!(det.is_zero(), rank(&a) < n);
            let b = a.transpose().add(&RationalMatrix::identity(n).scale(k.get(0, 0)));
            prop_assert_eq!(
                determinant(&a.mul(&b)).unwrap(),
                &det * determinant(&b).unwrap()
            );
            // charpoly(A) evaluated at s equals det(s·I − A).
            let s = k.get(0, 0).clone();
            let si = RationalMatrix::identity(n).scale(&s).sub(&a);
            prop_assert_eq!(cp.eval(&s), determinant(&si).unwrap());
            // Similarity invariance: P A P⁻¹ for the unimodular-ish P = I + E.
            let p = RationalMatrix::from_fn(n, n, |i, j| {
                if i == j { q(1, 1) } else if j == i + 1 { s.clone() } else { q(0, 1) }
            });
            let pinv = p.inverse().unwrap();
            prop_assert_eq!(charpoly(&p.mul(&a).mul(&pinv)).unwrap(), cp);
        }
    }

    #[test]
    fn charpoly_against_float_eigenvalues() {
        // Σ eigenvalues = trace, and each float eigenvalue is a root of the
        // exact charpoly up to rounding (via its companion).
        for seed in 0..5 {
            let m = random_matrix(8, 3, seed);
            let cp = charpoly(&m).unwrap();
            let ev = crate::numeric::spectra::eigenvalues(&m.to_f64()).expect("converged");
            let mut from_matrix: Vec<f64> = ev.iter().map(|z| z.0).collect();
            let mut from_poly: Vec<f64> = crate::exact::testutil::float_roots(&cp)
                .iter()
                .map(|z| z.re)
                .collect();
            from_matrix.sort_by(f64::total_cmp);
            from_poly.sort_by(f64::total_cmp);
            for (a, b) in from_matrix.iter().zip(&from_poly) {
                assert!((a - b).abs() < 1e-6 * (1.0 + a.abs()), "{a} vs {b}");
            }
        }
    }

    /// Charpoly and determinant of a random 21×21 matrix with 6-digit
    /// numerators and denominators: consistent with each other and with the
    /// trace (a few hundredths of a second in release mode).
    #[test]
    fn charpoly_of_a_21_by_21_matrix() {
        timed_charpoly(21);
    }

    fn timed_charpoly(n: usize) {
        let m = random_matrix(n, 6, 42 + n as u64);
        let start = std::time::Instant::now();
        let cp = charpoly(&m).unwrap();
        let t_cp = start.elapsed();
        let start = std::time::Instant::now();
        let det = determinant(&m).unwrap();
        let t_det = start.elapsed();
        eprintln!(
            "{n}×{n}: charpoly {t_cp:?}, determinant {t_det:?}; det has a {}-digit denominator",
            det.denom().to_string().len()
        );
        assert_eq!(&cp.coeffs()[n - 1], &(-m.trace()));
        let sign = if n.is_multiple_of(2) {
            q(1, 1)
        } else {
            q(-1, 1)
        };
        assert_eq!(cp.coeffs()[0], sign * det);
    }

    /// Timings for the report: `cargo test --release --lib timing_report
    /// -- --ignored --nocapture --test-threads=1`.
    #[test]
    #[ignore = "timing table; run in release with --nocapture"]
    fn timing_report() {
        for n in [10, 20, 21, 40, 60] {
            timed_charpoly(n);
        }
        for n in [10, 21, 40] {
            let m = random_matrix(n, 6, 3);
            let rhs = RationalMatrix::from_fn(n, 1, |i, _| q(i as i64 + 1, 1));
            let start = std::time::Instant::now();
            let x = solve(&m, &rhs).unwrap().unwrap();
            let t = start.elapsed();
            assert_eq!(m.mul(&x), rhs);
            eprintln!("{n}×{n}: solve {t:?}");
        }
    }
}

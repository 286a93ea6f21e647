//! A recorded F4 run replayed over Q: a proof that the solution count
//! found modulo a prime is not exceeded over Q.
//!
//! The replay builds the recorded matrices from the system's rational
//! polynomials and does their linear algebra in exact rational arithmetic,
//! with the same pivot rows and the same order of reduction as modulo p
//! (linear algebra module [`super::super::linalg`]), reducing only the rows
//! whose remainders became polynomials modulo p (the others, most of an F4
//! matrix, reduced to zero there). Every row of a matrix is a monomial
//! multiple of an input or of a polynomial an earlier matrix produced, and
//! every polynomial a matrix produces is a rational combination of its
//! rows: all of them lie in the ideal I over Q, with no assumption on the
//! prime, whichever rows are reduced. Leaving rows out can only leave out
//! elements of I, which the proof does not need; on `commuting`'s rank-2
//! stratum it divides the replay's work by 10.8. When every support over Q
//! is the recorded one, the last matrix's elements have the leading
//! monomials L of the basis modulo p, so `LM(I) ⊇ ⟨L⟩` and the standard
//! monomials of I are among those of `⟨L⟩`: `dim_Q Q[x]/I ≤ D`, the number
//! of standard monomials of L.
//! With D distinct solutions verified exactly, that is a proof that there
//! are no others (see `variety::zerodim`).
//!
//! Nothing here needs the run to be a Gröbner basis computation over Q, nor
//! the prime to be lucky in any sense: a prime at which the supports over Q
//! differ from the recorded ones ends the replay with a mismatch, and no
//! conclusion is drawn. (A bound from the modular count alone would not be
//! sound: `x·(p·x − 1)` has two solutions over Q and one modulo p, whose
//! basis `{x}` is the reduction of a Gröbner basis over Q of a larger ideal.)
//!
//! Every rational is kept in lowest terms by the crate's gcd (`malachite`'s)
//! ([`crate::exact::intpoly::ratio`], and Henrici's forms in `sub_mul`):
//! `num-rational`'s own normalization uses the binary gcd, which took nine
//! tenths of a replay's time.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Zero};
use rayon::prelude::*;

use super::{F4Trace, Last, Matrix, ReplayStop, split_kept, sum_terms_by};
use crate::exact::intpoly::ratio;
use crate::model::int_gcd;
use crate::modular::monomial::Monomials;

/// A polynomial over Q with integer input coefficients: (exponent vector,
/// coefficient).
pub type IntTerms = Vec<(Vec<u16>, BigInt)>;

/// The outcome of [`F4Trace::replay_over_q`].
#[derive(Debug)]
pub enum RationalReplay {
    /// Leading monomials (exponent vectors) of polynomials of the ideal over
    /// Q: those of the recorded run's final basis (`[0, …, 0]` alone when
    /// the run found the unit ideal).
    Leads(Vec<Vec<u16>>),
    /// A support over Q differs from the recorded one (named): no
    /// conclusion.
    Mismatch(String),
    /// The deadline passed.
    OutOfTime,
    /// The work allowed ([`ReplayMeter`]) was used up.
    OutOfWork,
}

/// What a replay over Q may spend: its own arithmetic work, counted in
/// word products, and a wall-clock deadline.
///
/// The work of one update `acc − v·w` is charged as `k²`, k the number of
/// 64-bit words of the largest numerator or denominator among `acc`, `v`
/// and `w` (the order of a schoolbook product and of the gcds that keep the
/// result in lowest terms); making a row monic is charged likewise per
/// entry. Every row's charge depends only on the recorded run and the
/// input, so the total work W of a complete replay is a property of the
/// system and the trace, not of the machine, its load or the threads: the
/// meter stops the replay exactly when W exceeds the limit, whatever the
/// order in which the rows were reduced. A limit in work therefore gives the
/// same outcome, hence the same verdict level, on every machine; the
/// deadline serves only an overall time budget the user set.
#[derive(Debug, Default)]
pub struct ReplayMeter {
    used: AtomicU64,
    limit: Option<u64>,
    deadline: Option<Instant>,
}

impl ReplayMeter {
    /// A meter allowing `limit` word products (`None`: no limit) until
    /// `deadline` (`None`: none).
    pub fn new(limit: Option<u64>, deadline: Option<Instant>) -> Self {
        Self {
            used: AtomicU64::new(0),
            limit,
            deadline,
        }
    }

    /// The work charged so far, in word products.
    pub fn used(&self) -> u64 {
        self.used.load(Ordering::Relaxed)
    }

    /// Charges `work`; the reason to stop, if the limit is now exceeded or
    /// the deadline past.
    fn charge(&self, work: u64) -> Result<(), ReplayStop> {
        let now = self
            .used
            .fetch_add(work, Ordering::Relaxed)
            .saturating_add(work);
        if self.limit.is_some_and(|l| now > l) {
            return Err(ReplayStop::OutOfWork);
        }
        if self.deadline.is_some_and(|d| Instant::now() > d) {
            return Err(ReplayStop::OutOfTime);
        }
        Ok(())
    }
}

/// The size in 64-bit words of a rational's larger part.
fn words(q: &BigRational) -> u64 {
    q.numer().bits().max(q.denom().bits()) / 64 + 1
}

/// A monic polynomial over Q: monomial ids by decreasing order.
#[derive(Clone)]
struct QPoly {
    mons: Vec<u32>,
    coefs: Vec<BigRational>,
}

/// A sparse row over Q (increasing columns).
#[derive(Clone)]
struct QRow {
    cols: Vec<u32>,
    vals: Vec<BigRational>,
}

impl QRow {
    fn lead(&self) -> usize {
        self.cols[0] as usize
    }

    /// Divides by the leading coefficient; its work, charged as
    /// [`ReplayMeter`] says.
    fn make_monic(&mut self) -> u64 {
        let lc = self.vals[0].clone();
        if lc.is_one() {
            return 0;
        }
        let (ln, ld) = (lc.numer(), lc.denom());
        let wl = words(&lc);
        let mut work = 0;
        for v in &mut self.vals {
            let k = wl.max(words(v));
            work += k * k;
            *v = ratio(v.numer() * ld, v.denom() * ln);
        }
        work
    }
}

impl F4Trace {
    /// Replays the recorded run over Q on `polys` (the system the run was
    /// recorded on, each polynomial with integer coefficients: the rational
    /// one times a non-zero constant): see the module docs.
    /// The replay spends at most what `meter` allows.
    pub fn replay_over_q(&self, polys: &[IntTerms], meter: &ReplayMeter) -> RationalReplay {
        let all = self.replay_steps(
            polys.len(),
            |k| import(&self.table, &polys[k]),
            |step, all| {
                reduce_matrix(
                    &step.matrix,
                    all,
                    step.inputs_at.is_some(),
                    &step.useful,
                    meter,
                )
            },
            |q: &QPoly| &q.mons,
            || meter.charge(0),
        );
        let all = match all {
            Ok(all) => all,
            Err(ReplayStop::OutOfTime) => return RationalReplay::OutOfTime,
            Err(ReplayStop::OutOfWork) => return RationalReplay::OutOfWork,
            Err(ReplayStop::Inputs(n)) => {
                return RationalReplay::Mismatch(format!(
                    "{n} input polynomials, {} recorded",
                    self.inputs.len()
                ));
            }
            Err(ReplayStop::Input(k)) => {
                return RationalReplay::Mismatch(format!(
                    "input {k}: its support over Q is not the one recorded modulo the first prime"
                ));
            }
            Err(ReplayStop::Matrix(s, added)) => {
                return RationalReplay::Mismatch(format!(
                    "matrix {} of {}: the polynomials it adds over Q ({added}) differ in support from the recorded ones ({})",
                    s + 1,
                    self.steps.len(),
                    self.steps[s].added.len()
                ));
            }
        };
        let nvars = self.table.nvars();
        match &self.last {
            Last::Unit => RationalReplay::Leads(vec![vec![0; nvars]]),
            Last::Reduce { active, .. } => RationalReplay::Leads(
                active
                    .iter()
                    .map(|&i| self.table.exps(all[i].mons[0]).to_vec())
                    .collect(),
            ),
        }
    }
}

/// `acc − v·w` in lowest terms (all three in lowest terms), with gcds of
/// the operands rather than of the result (Henrici's forms): the product's
/// cross gcds `gcd(vₙ, w_d)`, `gcd(wₙ, v_d)`, then for the difference
/// `g = gcd(b, d)` of the two denominators and, only when `g ≠ 1`, the gcd
/// of the numerator with g. Equal to the normalized result of the plain
/// formula (tested), at a fraction of the cost for large numbers.
fn sub_mul(acc: &BigRational, v: &BigRational, w: &BigRational) -> BigRational {
    let prod = mul(v, w);
    if acc.is_zero() {
        return -prod;
    }
    if prod.is_zero() {
        return acc.clone();
    }
    let (a, b) = (acc.numer(), acc.denom());
    let (c, d) = (prod.numer(), prod.denom());
    let g = int_gcd(b, d);
    if g.is_one() {
        return BigRational::new_raw(a * d - c * b, b * d);
    }
    let (bg, dg) = (b / &g, d / &g);
    let t = a * &dg - c * &bg;
    if t.is_zero() {
        return BigRational::zero();
    }
    let g2 = int_gcd(&t, &g);
    if g2.is_one() {
        BigRational::new_raw(t, bg * d)
    } else {
        BigRational::new_raw(t / &g2, bg * (d / g2))
    }
}

/// `v·w` in lowest terms (both in lowest terms) by the cross gcds.
fn mul(v: &BigRational, w: &BigRational) -> BigRational {
    if v.is_zero() || w.is_zero() {
        return BigRational::zero();
    }
    let g1 = int_gcd(v.numer(), w.denom());
    let g2 = int_gcd(w.numer(), v.denom());
    let div = |x: &BigInt, g: &BigInt| if g.is_one() { x.clone() } else { x / g };
    BigRational::new_raw(
        div(v.numer(), &g1) * div(w.numer(), &g2),
        div(v.denom(), &g2) * div(w.denom(), &g1),
    )
}

/// The monic polynomial of integer terms on the recorded monomials (`None`
/// for zero; an error for a monomial the run never met).
fn import(table: &Monomials, terms: &IntTerms) -> Result<Option<QPoly>, ()> {
    let nonzero = terms
        .iter()
        .filter(|(_, c)| !c.is_zero())
        .map(|(e, c)| (e.as_slice(), c.clone()));
    let mut sum = sum_terms_by(
        nonzero,
        table.nvars(),
        |e| table.find(e),
        |s, c| *s += c,
        BigInt::is_zero,
    )?;
    if sum.is_empty() {
        return Ok(None);
    }
    sum.sort_by(|a, b| table.cmp(b.0, a.0));
    let lc = sum[0].1.clone();
    Ok(Some(QPoly {
        mons: sum.iter().map(|t| t.0).collect(),
        coefs: sum.into_iter().map(|(_, c)| ratio(c, lc.clone())).collect(),
    }))
}

/// The rows of `m` over Q, split as modulo p: one pivot per leading column
/// (the sparsest row, ties in row order), the rows to reduce at the
/// positions `keep`.
fn split(m: &Matrix, polys: &[QPoly], keep: &[u32]) -> (Vec<Option<QRow>>, Vec<QRow>) {
    split_kept(m, Some(keep), |cols, g| QRow {
        cols: cols.to_vec(),
        vals: polys[g].coefs.clone(),
    })
}

/// Reduces `row` by the monic `pivots` (indexed by their first column) in
/// the zeroed accumulator `acc`, which is left zeroed: the remainder, which
/// has no entry in a pivot column (unique, whatever the order), or `None`;
/// its work charged to `meter` pivot by pivot (an error to stop with when
/// the meter says so, `acc` then left dirty).
fn reduce_into(
    acc: &mut [BigRational],
    row: &QRow,
    pivots: &[Option<QRow>],
    meter: &ReplayMeter,
) -> Result<Option<QRow>, ReplayStop> {
    for (&c, v) in row.cols.iter().zip(&row.vals) {
        acc[c as usize] = v.clone();
    }
    let mut out = QRow {
        cols: Vec::new(),
        vals: Vec::new(),
    };
    for c in row.lead()..acc.len() {
        if acc[c].is_zero() {
            continue;
        }
        let v = std::mem::take(&mut acc[c]);
        match pivots[c].as_ref() {
            Some(piv) => {
                let wv = words(&v);
                let mut work = 0;
                for (&cc, pv) in piv.cols[1..].iter().zip(&piv.vals[1..]) {
                    let slot = &mut acc[cc as usize];
                    let k = wv.max(words(pv)).max(words(slot));
                    work += k * k;
                    *slot = sub_mul(slot, &v, pv);
                }
                meter.charge(work)?;
            }
            None => {
                out.cols.push(c as u32);
                out.vals.push(v);
            }
        }
    }
    Ok((!out.cols.is_empty()).then_some(out))
}

/// The polynomials the matrix adds over Q, as [`super::reduce_matrix`]
/// modulo p: the remainders of the rows to reduce at the positions `keep`
/// (those whose remainders were new polynomials modulo p) by the pivots,
/// each reduced by the remainders kept before it and made monic, preceded
/// for the inputs' matrix by the pivots; an error when `meter` stops the
/// replay. The rows left out reduced to zero modulo p; over Q they could
/// only add more elements of the ideal, which the proof does not need.
fn reduce_matrix(
    m: &Matrix,
    polys: &[QPoly],
    with_pivots: bool,
    keep: &[u32],
    meter: &ReplayMeter,
) -> Result<Vec<QPoly>, ReplayStop> {
    let ncols = m.columns.len();
    let (pivots, todo) = split(m, polys, keep);
    let reduced: Vec<Option<QRow>> = todo
        .par_iter()
        .map_init(
            || vec![BigRational::zero(); ncols],
            |acc, row| {
                meter.charge(0)?;
                reduce_into(acc, row, &pivots, meter)
            },
        )
        .collect::<Result<_, ReplayStop>>()?;
    let mut fresh: Vec<Option<QRow>> = vec![None; ncols];
    let mut acc = vec![BigRational::zero(); ncols];
    let mut order: Vec<usize> = Vec::new();
    for mut row in reduced.into_iter().flatten() {
        meter.charge(row.make_monic())?;
        if let Some(mut r) = reduce_into(&mut acc, &row, &fresh, meter)? {
            meter.charge(r.make_monic())?;
            let lead = r.lead();
            order.push(lead);
            fresh[lead] = Some(r);
        }
    }
    let fresh = order.into_iter().filter_map(|c| fresh[c].take());
    let rows: Vec<QRow> = if with_pivots {
        pivots.into_iter().flatten().chain(fresh).collect()
    } else {
        fresh.collect()
    };
    Ok(rows
        .into_iter()
        .map(|r| QPoly {
            mons: r.cols.iter().map(|&c| m.columns[c as usize]).collect(),
            coefs: r.vals,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use num_bigint::BigInt;
    use num_rational::BigRational;
    use num_traits::Zero;

    #[test]
    fn henricis_forms_equal_the_plain_formulas() {
        let q = |n: i64, d: i64| BigRational::new(BigInt::from(n), BigInt::from(d));
        // Large factors shared in every way between the denominators and
        // numerators, and zero results.
        let big = BigInt::from(3u8).pow(200u32) * BigInt::from(7u8).pow(90u32);
        let r = |n: BigInt, d: BigInt| BigRational::new(n, d);
        let values = vec![
            q(0, 1),
            q(1, 1),
            q(-5, 6),
            q(35, 4),
            q(6, 35),
            r(big.clone() + 1u8, big.clone() * 2u8),
            r(big.clone() * 5u8, big.clone() + 3u8),
            r(-(big.clone() * 9u8), BigInt::from(49u8)),
            r(BigInt::from(21u8), big.clone()),
        ];
        for a in &values {
            for v in &values {
                for w in &values {
                    let got = super::sub_mul(a, v, w);
                    let want = a - v * w;
                    assert_eq!(got, want, "{a} − {v}·{w}");
                    // Lowest terms and a positive denominator, as `new` gives.
                    assert_eq!((got.numer(), got.denom()), (want.numer(), want.denom()));
                    if want.is_zero() {
                        assert!(got.is_zero());
                    }
                }
            }
        }
    }
}

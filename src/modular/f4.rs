//! Faugère's F4 algorithm over Z/p: S-pairs of lowest degree are reduced
//! together as the rows of one Macaulay matrix.
//!
//! One round: (1) select the pairs whose lcm has the lowest total degree (the
//! normal strategy); (2) symbolic preprocessing: the two multiples
//! `lcm/LM(gᵢ)·gᵢ` of every pair, and for every monomial that occurs and is
//! divisible by a leading monomial of the basis, one reducer `m/LM(g)·g`;
//! (3) sort the monomials (columns) in decreasing order, take one row per
//! leading column as pivot, reduce the other rows by the pivots and bring the
//! remainders to echelon form (module `linalg`); (4) the remainders are new
//! basis elements, added one by one with the Gebauer–Möller criteria (Buchberger's
//! product and chain criteria, with redundant pairs and elements removed).
//! When no pair is left the basis is a Gröbner basis; a last matrix brings it
//! to reduced form (monic, no term divisible by another leading monomial).
//!
//! **Tracer.** A run can record what it did ([`F4Trace`]): every matrix (its
//! columns and, for each row, the monomial multiplier's columns and the
//! polynomial it comes from), the supports of the polynomials each matrix
//! added, and the last reduction. Everything but the linear algebra depends
//! only on supports and leading monomials, so on another prime the trace
//! replays the run with no pair selection, no symbolic preprocessing and no
//! monomial arithmetic: the same matrices with the new coefficients. A
//! replay checks at every step that the inputs and every polynomial added
//! have exactly the recorded supports; then F4 modulo the new prime would
//! have made the same choices, so the replay *is* that run and its result the
//! reduced basis modulo that prime. Otherwise it reports a mismatch (the
//! prime is unlucky for the trace, or the first one was) and the caller runs
//! F4 in full.
//!
//! The trace also records which rows of each matrix gave new polynomials.
//! Most rows of an F4 matrix reduce to zero; a replay may reduce only the
//! others ([`ReplayRows::Useful`]), as msolve's tracer does. Such a replay
//! no longer sees a row whose remainder is zero at the first prime but not
//! at this one, so it serves the images of a multimodular lift (whose
//! result is verified over Q) and not a second prime's agreement on the
//! count, which replays every row. Over Q the rows left out are never
//! needed: the proof uses only the polynomials the others give
//! ([`F4Trace::replay_over_q`]).

use std::time::Instant;

mod rational;
pub use rational::{IntTerms, RationalReplay, ReplayMeter};

use super::linalg::{Row, back_substitute, echelon_new_rows, make_monic};
use super::monomial::{Monomials, WordMap};
use crate::polynomial::sparse::MonomialOrder;

/// A polynomial over Z/p as terms (exponent vector, coefficient in `0..p`).
pub type ModTerms = Vec<(Vec<u16>, u32)>;

/// Sizes of an F4 run (for benchmarks and progress reports).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct F4Stats {
    /// Rounds (matrices reduced, the final reduction included).
    pub rounds: usize,
    /// Pairs reduced.
    pub pairs: usize,
    /// The largest matrix: rows × columns.
    pub largest: (usize, usize),
}

/// A monic polynomial: monomial ids by decreasing order, coefficients.
#[derive(Clone)]
struct Poly {
    mons: Vec<u32>,
    coefs: Vec<u32>,
}

#[derive(Clone, Copy)]
struct Pair {
    i: u32,
    j: u32,
    lcm: u32,
    deg: u32,
}

struct Engine {
    p: u64,
    table: Monomials,
    polys: Vec<Poly>,
    active: Vec<bool>,
    pairs: Vec<Pair>,
    stats: F4Stats,
    /// The steps so far, when recording a trace.
    log: Option<Vec<Step>>,
}

/// One recorded matrix of an F4 run.
struct Step {
    /// For the first matrix (the inputs'), the index of the first input in
    /// the polynomial list; the inputs are removed again afterwards.
    inputs_at: Option<usize>,
    matrix: Matrix,
    /// The supports of the polynomials it added, in insertion order.
    added: Vec<Vec<u32>>,
    /// The rows to reduce (positions in the order of [`pivot_rows`]) whose
    /// remainders became those polynomials: the others reduced to zero.
    useful: Vec<u32>,
}

/// The last step: the unit ideal, or the reduction of the active elements.
enum Last {
    Unit,
    Reduce {
        matrix: Matrix,
        /// The active elements (indices in the polynomial list).
        active: Vec<usize>,
    },
}

/// What an F4 run learned on one prime, to replay it on others (see the
/// module docs).
pub struct F4Trace {
    table: Monomials,
    /// Which inputs were non-zero, and their supports (decreasing order).
    inputs: Vec<Option<Vec<u32>>>,
    steps: Vec<Step>,
    last: Last,
}

/// Which rows of each recorded matrix [`F4Trace::replay`] reduces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplayRows {
    /// Every row. A row whose remainder was zero at the first prime but is
    /// not at this one changes what the matrix adds, and the replay reports
    /// a mismatch: the prime's basis is checked to be the one F4 computes.
    All,
    /// Only the rows whose remainders became new polynomials at the first
    /// prime (most rows of an F4 matrix reduce to zero). The result is the
    /// image modulo this prime of the same computation over Q restricted to
    /// those rows, not checked against F4's own run at this prime: fit for
    /// the images of a multimodular lift whose result is verified over Q
    /// afterwards, not as a second prime's independent evidence.
    Useful,
}

/// The outcome of [`F4Trace::replay`].
pub enum Replay {
    /// The reduced basis modulo the new prime (as [`groebner_basis_mod_p`]
    /// returns it).
    Basis(Vec<ModTerms>),
    /// Some support differs from the recorded one: run F4 in full.
    Mismatch,
    /// The deadline passed.
    OutOfTime,
}

/// Why [`F4Trace::replay_steps`] stopped.
enum ReplayStop {
    /// This many inputs, not the recorded number.
    Inputs(usize),
    /// Input k's support differs from the recorded one.
    Input(usize),
    /// Matrix s added polynomials (this many) whose supports differ.
    Matrix(usize, usize),
    /// The deadline passed.
    OutOfTime,
    /// The work allowed was used up (the replay over Q).
    OutOfWork,
}

/// The rows of one Macaulay matrix before linear algebra.
#[derive(Clone)]
struct Matrix {
    /// Column index → monomial id (decreasing order).
    columns: Vec<u32>,
    /// Rows as (column indices, source polynomial).
    rows: Vec<(Vec<u32>, usize)>,
}

/// Computes the reduced Gröbner basis modulo the prime `p` (< 2³¹, not
/// checked here) of the ideal generated by `polys` in `nvars` variables (at
/// most 64; exponent vectors shorter than `nvars` are padded), in `order`.
/// Coefficients must lie in `0..p`. The basis comes monic, sorted by
/// increasing leading monomial; `[1]` for the whole ring, empty for the zero
/// ideal. `None` if `deadline` passed first.
pub fn groebner_basis_mod_p(
    polys: &[ModTerms],
    nvars: usize,
    order: MonomialOrder,
    p: u32,
    deadline: Option<Instant>,
) -> Option<(Vec<ModTerms>, F4Stats)> {
    run(polys, nvars, order, p, deadline, false).map(|(b, s, _)| (b, s))
}

/// [`groebner_basis_mod_p`], with the trace of the run for
/// [`F4Trace::replay`] on other primes (`None` in the trace for an input
/// list with no non-zero polynomial).
pub fn groebner_basis_mod_p_traced(
    polys: &[ModTerms],
    nvars: usize,
    order: MonomialOrder,
    p: u32,
    deadline: Option<Instant>,
) -> Option<(Vec<ModTerms>, F4Stats, Option<F4Trace>)> {
    run(polys, nvars, order, p, deadline, true)
}

fn run(
    polys: &[ModTerms],
    nvars: usize,
    order: MonomialOrder,
    p: u32,
    deadline: Option<Instant>,
    record: bool,
) -> Option<(Vec<ModTerms>, F4Stats, Option<F4Trace>)> {
    let mut e = Engine {
        p: u64::from(p),
        table: Monomials::new(nvars, order),
        polys: Vec::new(),
        active: Vec::new(),
        pairs: Vec::new(),
        stats: F4Stats::default(),
        log: record.then(Vec::new),
    };
    let mut rows = Vec::new();
    let mut inputs = Vec::with_capacity(polys.len());
    for t in polys {
        let poly = e.import(t, nvars);
        inputs.push(poly.as_ref().map(|q| q.mons.clone()));
        if let Some(poly) = poly {
            rows.push(poly);
        }
    }
    if rows.is_empty() {
        return Some((Vec::new(), e.stats, None));
    }
    e.start(rows);
    while !e.pairs.is_empty() {
        if deadline.is_some_and(|d| Instant::now() > d) {
            return None;
        }
        if e.has_unit() {
            break;
        }
        e.round();
    }
    let (out, last) = e.reduced();
    let trace = e.log.take().zip(last).map(|(steps, last)| F4Trace {
        table: e.table,
        inputs,
        steps,
        last,
    });
    Some((out, e.stats, trace))
}

impl Engine {
    fn lm(&self, i: usize) -> u32 {
        self.polys[i].mons[0]
    }

    fn has_unit(&self) -> bool {
        (0..self.polys.len()).any(|i| self.active[i] && self.table.deg(self.lm(i)) == 0)
    }

    /// A monic polynomial from terms (`None` for zero).
    fn import(&mut self, terms: &ModTerms, nvars: usize) -> Option<Poly> {
        let p = self.p;
        let table = &mut self.table;
        let v = sum_terms(terms, nvars, p, |e| Some(table.intern(e))).ok()?;
        monic_poly(v, &self.table, p)
    }

    /// Echelons the input (same span, distinct leading monomials) and makes
    /// it the first basis.
    fn start(&mut self, inputs: Vec<Poly>) {
        let base = self.polys.len();
        let n = inputs.len();
        for q in inputs {
            self.polys.push(q);
            self.active.push(false);
        }
        let specs: Vec<(u32, usize)> = (base..base + n).map(|i| (self.lm(i), i)).collect();
        let m = self.preprocess(specs, false);
        self.note_size(&m);
        let (mut new_polys, useful) = reduce_matrix(&m, &self.polys, self.p, true, None);
        self.polys.truncate(base);
        self.active.truncate(base);
        self.stats.rounds += 1;
        self.record(Some(base), m, &mut new_polys, useful);
        self.insert_all(new_polys);
    }

    /// Sorts new polynomials into insertion order and records the step
    /// (with the rows that gave them) when tracing.
    fn record(
        &mut self,
        inputs_at: Option<usize>,
        matrix: Matrix,
        new_polys: &mut [Poly],
        useful: Vec<u32>,
    ) {
        sort_new(&self.table, new_polys);
        if let Some(log) = self.log.as_mut() {
            log.push(Step {
                inputs_at,
                matrix,
                added: new_polys.iter().map(|q| q.mons.clone()).collect(),
                useful,
            });
        }
    }

    fn note_size(&mut self, m: &Matrix) {
        let (nrows, ncols) = (m.rows.len(), m.columns.len());
        if nrows * ncols > self.stats.largest.0 * self.stats.largest.1 {
            self.stats.largest = (nrows, ncols);
        }
    }

    /// One F4 round on the lowest-degree pairs.
    fn round(&mut self) {
        let dmin = self.pairs.iter().map(|q| q.deg).min().unwrap_or(0);
        let (sel, rest): (Vec<Pair>, Vec<Pair>) = self.pairs.iter().partition(|q| q.deg == dmin);
        self.pairs = rest;
        self.stats.pairs += sel.len();
        let mut specs = Vec::with_capacity(2 * sel.len());
        for q in &sel {
            specs.push((q.lcm, q.i as usize));
            specs.push((q.lcm, q.j as usize));
        }
        let m = self.preprocess(specs, true);
        self.note_size(&m);
        let (mut new_polys, useful) = reduce_matrix(&m, &self.polys, self.p, false, None);
        self.stats.rounds += 1;
        self.record(None, m, &mut new_polys, useful);
        self.insert_all(new_polys);
    }

    /// Adds new polynomials (distinct leading monomials, in the order of
    /// [`sort_new`]: the largest first, so that an element made redundant by
    /// a later, smaller one is retired).
    fn insert_all(&mut self, new_polys: Vec<Poly>) {
        for q in new_polys {
            self.polys.push(q);
            self.active.push(false);
            self.update(self.polys.len() - 1);
        }
    }

    /// Symbolic preprocessing: rows `target/LM(g)·g` for the given (target
    /// monomial, g), then one reducer for every other monomial divisible by
    /// a leading monomial of an active element. With `pairs`, the targets
    /// are already covered by their own rows.
    fn preprocess(&mut self, specs: Vec<(u32, usize)>, pairs: bool) -> Matrix {
        let reducers: Vec<usize> = (0..self.polys.len()).filter(|&i| self.active[i]).collect();
        let mut seen: Vec<bool> = vec![false; self.table.len()];
        let mut done: Vec<bool> = vec![false; self.table.len()];
        let mut made: WordMap<(u32, usize), ()> = WordMap::default();
        let mut rows: Vec<(Vec<u32>, usize)> = Vec::new();
        let mut queue: Vec<u32> = Vec::new();
        let mut columns: Vec<u32> = Vec::new();
        let mut add_row = |e: &mut Engine,
                           mult: u32,
                           g: usize,
                           seen: &mut Vec<bool>,
                           queue: &mut Vec<u32>,
                           columns: &mut Vec<u32>| {
            if made.insert((mult, g), ()).is_some() {
                return;
            }
            let mut mons = Vec::with_capacity(e.polys[g].mons.len());
            for k in 0..e.polys[g].mons.len() {
                let t = e.polys[g].mons[k];
                let id = e.table.mul(mult, t);
                if id as usize >= seen.len() {
                    seen.resize(id as usize + 1, false);
                }
                if !seen[id as usize] {
                    seen[id as usize] = true;
                    queue.push(id);
                    columns.push(id);
                }
                mons.push(id);
            }
            rows.push((mons, g));
        };
        for (target, g) in specs {
            let mult = self.table.div(target, self.lm(g));
            if pairs {
                if target as usize >= done.len() {
                    done.resize(target as usize + 1, false);
                }
                done[target as usize] = true;
            }
            add_row(self, mult, g, &mut seen, &mut queue, &mut columns);
        }
        if !pairs {
            // Inputs: no reducers (the basis is empty).
            queue.clear();
        }
        while let Some(mon) = queue.pop() {
            if mon as usize >= done.len() {
                done.resize(mon as usize + 1, false);
            }
            if done[mon as usize] {
                continue;
            }
            done[mon as usize] = true;
            let found = reducers
                .iter()
                .copied()
                .filter(|&g| self.table.divides(self.lm(g), mon))
                .min_by_key(|&g| self.polys[g].mons.len());
            if let Some(g) = found {
                let mult = self.table.div(mon, self.lm(g));
                add_row(self, mult, g, &mut seen, &mut queue, &mut columns);
            }
        }
        let table = &self.table;
        columns.sort_unstable_by(|&a, &b| table.cmp(b, a));
        let mut col_of = vec![u32::MAX; table.len()];
        for (c, &mon) in columns.iter().enumerate() {
            col_of[mon as usize] = c as u32;
        }
        let rows = rows
            .into_iter()
            .map(|(mons, g)| (mons.iter().map(|&x| col_of[x as usize]).collect(), g))
            .collect();
        Matrix { columns, rows }
    }

    /// The Gebauer–Möller update with the new element `h`.
    fn update(&mut self, h: usize) {
        let lh = self.lm(h);
        let mut cands: Vec<(usize, u32, bool)> = Vec::new();
        for g in 0..h {
            if self.active[g] {
                let lg = self.lm(g);
                let l = self.table.lcm(lh, lg);
                cands.push((g, l, self.table.coprime(lh, lg)));
            }
        }
        // Chain criterion among the new pairs (a pair whose lcm is a
        // multiple of another's is dropped; of equal ones, the last kept).
        let mut keep = vec![false; cands.len()];
        for a in 0..cands.len() {
            if cands[a].2 {
                keep[a] = true;
                continue;
            }
            let la = cands[a].1;
            let dominated = (0..cands.len())
                .any(|b| b != a && (b > a || keep[b]) && self.table.divides(cands[b].1, la));
            keep[a] = !dominated;
        }
        // Old pairs whose lcm is a proper multiple of LM(h) in the chain sense.
        let table = &self.table;
        let polys = &self.polys;
        self.pairs.retain(|q| {
            let (li, lj) = (polys[q.i as usize].mons[0], polys[q.j as usize].mons[0]);
            !(table.divides(lh, q.lcm)
                && !table.lcm_is(li, lh, q.lcm)
                && !table.lcm_is(lj, lh, q.lcm))
        });
        // Product criterion: coprime leading monomials need no pair.
        for (a, &(g, l, coprime)) in cands.iter().enumerate() {
            if keep[a] && !coprime {
                self.pairs.push(Pair {
                    i: g as u32,
                    j: h as u32,
                    lcm: l,
                    deg: self.table.deg(l),
                });
            }
        }
        for g in 0..h {
            if self.active[g] && self.table.divides(lh, self.lm(g)) {
                self.active[g] = false;
            }
        }
        self.active[h] = true;
    }

    /// The reduced basis from the active elements, and the last step when
    /// recording a trace.
    fn reduced(&mut self) -> (Vec<ModTerms>, Option<Last>) {
        let act: Vec<usize> = (0..self.polys.len()).filter(|&i| self.active[i]).collect();
        if act.iter().any(|&i| self.table.deg(self.lm(i)) == 0) {
            return (unit(self.table.nvars()), Some(Last::Unit));
        }
        let specs: Vec<(u32, usize)> = act.iter().map(|&i| (self.lm(i), i)).collect();
        let m = self.preprocess(specs, true);
        self.note_size(&m);
        self.stats.rounds += 1;
        let out = final_reduction(&self.table, &m, &self.polys, &act, self.p);
        let last = self.log.is_some().then_some(Last::Reduce {
            matrix: m,
            active: act,
        });
        (out, last)
    }
}

/// The basis `{1}` of the unit ideal.
fn unit(nvars: usize) -> Vec<ModTerms> {
    vec![vec![(vec![0u16; nvars], 1)]]
}

/// Sorts new polynomials (distinct leading monomials) by decreasing
/// leading monomial: the order [`Engine::insert_all`] adds them in.
fn sort_new(table: &Monomials, v: &mut [Poly]) {
    v.sort_by(|a, b| table.cmp(b.mons[0], a.mons[0]));
}

/// One pivot per leading column (the sparsest row), the other rows to
/// reduce at the positions `keep` (all if `None`).
fn split(m: &Matrix, polys: &[Poly], keep: Option<&[u32]>) -> (Vec<Option<Row>>, Vec<Row>) {
    split_kept(m, keep, |cols, g| Row {
        cols: cols.to_vec(),
        vals: polys[g].coefs.clone(),
    })
}

/// The rows of `m` as [`pivot_rows`] splits them, each made by
/// `row(columns, polynomial index)`, the rows to reduce restricted to the
/// positions `keep` (increasing; all if `None`): for the linear algebra
/// modulo p and over Q alike.
fn split_kept<R>(
    m: &Matrix,
    keep: Option<&[u32]>,
    row: impl Fn(&[u32], usize) -> R,
) -> (Vec<Option<R>>, Vec<R>) {
    let make = |r: usize| {
        let (cols, g) = &m.rows[r];
        row(cols, *g)
    };
    let (pivots, todo) = pivot_rows(m);
    let todo: Vec<R> = match keep {
        None => todo.into_iter().map(make).collect(),
        Some(kept) => kept.iter().map(|&k| make(todo[k as usize])).collect(),
    };
    (pivots.into_iter().map(|r| r.map(make)).collect(), todo)
}

/// Which rows of `m` are pivots, one per leading column (the sparsest row,
/// ties in row order), by column, and the others in the order they are
/// reduced: row indices, shared by the linear algebra modulo p and over Q
/// ([`F4Trace::replay_over_q`]), which must make the same choices.
fn pivot_rows(m: &Matrix) -> (Vec<Option<usize>>, Vec<usize>) {
    let mut pivots: Vec<Option<usize>> = vec![None; m.columns.len()];
    let mut todo = Vec::new();
    let mut order: Vec<usize> = (0..m.rows.len()).collect();
    order.sort_by_key(|&r| m.rows[r].0.len());
    for r in order {
        let lead = m.rows[r].0[0] as usize;
        if pivots[lead].is_none() {
            pivots[lead] = Some(r);
        } else {
            todo.push(r);
        }
    }
    (pivots, todo)
}

/// The polynomials a matrix adds: the remainders of its rows by its pivots,
/// in echelon form, preceded for the inputs' matrix (`with_pivots`) by the
/// pivot rows themselves (then nothing was reduced before them); and the
/// rows to reduce whose remainders they are (positions in the order of
/// [`pivot_rows`]). `keep`: only these rows are reduced (all if `None`).
fn reduce_matrix(
    m: &Matrix,
    polys: &[Poly],
    p: u64,
    with_pivots: bool,
    keep: Option<&[u32]>,
) -> (Vec<Poly>, Vec<u32>) {
    let (pivots, todo) = split(m, polys, keep);
    let (useful, fresh): (Vec<u32>, Vec<Row>) = echelon_new_rows(m.columns.len(), &pivots, todo, p)
        .into_iter()
        .map(|(k, r)| (keep.map_or(k as u32, |kept| kept[k]), r))
        .unzip();
    let rows: Vec<Row> = if with_pivots {
        pivots.into_iter().flatten().chain(fresh).collect()
    } else {
        fresh
    };
    let polys = rows
        .into_iter()
        .map(|r| Poly {
            mons: r.cols.iter().map(|&c| m.columns[c as usize]).collect(),
            coefs: r.vals,
        })
        .collect();
    (polys, useful)
}

/// The last matrix: the active elements `act` brought to reduced echelon
/// form, returned by increasing leading monomial.
fn final_reduction(
    table: &Monomials,
    m: &Matrix,
    polys: &[Poly],
    act: &[usize],
    p: u64,
) -> Vec<ModTerms> {
    let ncols = m.columns.len();
    let (mut pivots, _) = split(m, polys, None);
    back_substitute(ncols, &mut pivots, p);
    let mut out: Vec<(u32, ModTerms)> = act
        .iter()
        .filter_map(|&i| {
            let lm = polys[i].mons[0];
            let lead = m.columns.iter().position(|&c| c == lm)?;
            let row = pivots[lead].as_ref()?;
            Some((
                lm,
                row.cols
                    .iter()
                    .zip(&row.vals)
                    .map(|(&c, &v)| (table.exps(m.columns[c as usize]).to_vec(), v))
                    .collect(),
            ))
        })
        .collect();
    out.sort_by(|a, b| table.cmp(a.0, b.0));
    out.into_iter().map(|(_, t)| t).collect()
}

impl F4Trace {
    /// Replays the recorded run on `polys` (the same system, coefficients
    /// modulo the prime `p` < 2³¹), reducing the rows `rows` says: see the
    /// module docs.
    pub fn replay(
        &self,
        polys: &[ModTerms],
        p: u32,
        deadline: Option<Instant>,
        rows: ReplayRows,
    ) -> Replay {
        let p = u64::from(p);
        let all = self.replay_steps(
            polys.len(),
            |k| self.import(&polys[k], p),
            |step, all| {
                let keep = (rows == ReplayRows::Useful).then_some(step.useful.as_slice());
                Ok(reduce_matrix(&step.matrix, all, p, step.inputs_at.is_some(), keep).0)
            },
            |q: &Poly| &q.mons,
            || match deadline {
                Some(d) if Instant::now() > d => Err(ReplayStop::OutOfTime),
                _ => Ok(()),
            },
        );
        match (all, &self.last) {
            (Err(ReplayStop::OutOfTime | ReplayStop::OutOfWork), _) => Replay::OutOfTime,
            (Err(_), _) => Replay::Mismatch,
            (Ok(_), Last::Unit) => Replay::Basis(unit(self.table.nvars())),
            (Ok(all), Last::Reduce { matrix, active }) => {
                Replay::Basis(final_reduction(&self.table, matrix, &all, active, p))
            }
        }
    }

    /// The recorded matrices on other coefficients, for the replays modulo
    /// p and over Q: `import(k)` makes input k (`None` for zero),
    /// `reduce(step, polys)` the polynomials a step's matrix adds (or why
    /// to stop), `mons` names a polynomial's support, `go` says
    /// before each matrix whether to go on. Every
    /// input and every polynomial added must have the recorded support. The
    /// polynomials at the end, indexed as `Last::Reduce`'s `active`.
    fn replay_steps<P>(
        &self,
        count: usize,
        mut import: impl FnMut(usize) -> Result<Option<P>, ()>,
        mut reduce: impl FnMut(&Step, &[P]) -> Result<Vec<P>, ReplayStop>,
        mons: impl Fn(&P) -> &[u32],
        go: impl Fn() -> Result<(), ReplayStop>,
    ) -> Result<Vec<P>, ReplayStop> {
        if count != self.inputs.len() {
            return Err(ReplayStop::Inputs(count));
        }
        let mut inputs = Vec::new();
        for (k, want) in self.inputs.iter().enumerate() {
            match (import(k), want) {
                (Ok(None), None) => {}
                (Ok(Some(q)), Some(w)) if mons(&q) == w.as_slice() => inputs.push(q),
                _ => return Err(ReplayStop::Input(k)),
            }
        }
        let mut all: Vec<P> = Vec::new();
        for (s, step) in self.steps.iter().enumerate() {
            go()?;
            let base = step.inputs_at.unwrap_or(all.len());
            if step.inputs_at.is_some() {
                all.truncate(base);
                all.append(&mut inputs);
            }
            let mut new_polys = reduce(step, &all)?;
            all.truncate(base);
            new_polys.sort_by(|a, b| self.table.cmp(mons(b)[0], mons(a)[0]));
            if new_polys.len() != step.added.len()
                || new_polys
                    .iter()
                    .zip(&step.added)
                    .any(|(q, w)| mons(q) != w.as_slice())
            {
                return Err(ReplayStop::Matrix(s, new_polys.len()));
            }
            all.extend(new_polys);
        }
        Ok(all)
    }

    /// A monic polynomial on the recorded monomials (`None` for zero; an
    /// error for a monomial never met).
    fn import(&self, terms: &ModTerms, p: u64) -> Result<Option<Poly>, ()> {
        let v = sum_terms(terms, self.table.nvars(), p, |e| self.table.find(e))?;
        Ok(monic_poly(v, &self.table, p))
    }
}

/// The terms modulo p with their monomials named by `id` (exponent vectors
/// padded or cut to `nvars`) and equal monomials added up; zero terms
/// dropped. An error when `id` names no monomial of a non-zero term.
fn sum_terms(
    terms: &ModTerms,
    nvars: usize,
    p: u64,
    id: impl FnMut(&[u16]) -> Option<u32>,
) -> Result<Vec<(u32, u32)>, ()> {
    let nonzero = terms
        .iter()
        .map(|(e, c)| (e.as_slice(), u64::from(*c) % p))
        .filter(|t| t.1 != 0);
    let v = sum_terms_by(nonzero, nvars, id, |s, c| *s = (*s + c) % p, |&c| c == 0)?;
    Ok(v.into_iter().map(|(m, c)| (m, c as u32)).collect())
}

/// The terms (non-zero coefficients) with their monomials named by `id`
/// (exponent vectors padded or cut to `nvars`) and the coefficients of
/// equal monomials added by `add`; sums that are zero dropped; in no
/// particular order. An error when `id` names no monomial of a term. The
/// imports modulo p ([`sum_terms`]) and over Q (`rational::import`).
fn sum_terms_by<'a, C>(
    terms: impl IntoIterator<Item = (&'a [u16], C)>,
    nvars: usize,
    mut id: impl FnMut(&[u16]) -> Option<u32>,
    mut add: impl FnMut(&mut C, C),
    is_zero: impl Fn(&C) -> bool,
) -> Result<Vec<(u32, C)>, ()> {
    use std::collections::hash_map::Entry;
    let mut tm: WordMap<u32, C> = WordMap::default();
    let mut e = vec![0u16; nvars];
    for (exps, c) in terms {
        e.iter_mut().for_each(|x| *x = 0);
        for (k, &x) in exps.iter().take(nvars).enumerate() {
            e[k] = x;
        }
        match tm.entry(id(&e).ok_or(())?) {
            Entry::Occupied(mut o) => add(o.get_mut(), c),
            Entry::Vacant(v) => {
                v.insert(c);
            }
        }
    }
    Ok(tm.into_iter().filter(|(_, c)| !is_zero(c)).collect())
}

/// The monic polynomial of the terms `v` (`None` for no term).
fn monic_poly(mut v: Vec<(u32, u32)>, table: &Monomials, p: u64) -> Option<Poly> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| table.cmp(b.0, a.0));
    let mut row = Row {
        cols: Vec::new(),
        vals: v.iter().map(|t| t.1).collect(),
    };
    make_monic(&mut row, p);
    Some(Poly {
        mons: v.iter().map(|t| t.0).collect(),
        coefs: row.vals,
    })
}

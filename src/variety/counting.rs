//! How many complex solutions the S-system `G(S) = 0` has (SPEC S-EQUATION:
//! m(m+1)/2 quadrics in m(m+1)/2 unknowns, so at most `2^{m(m+1)/2}`
//! isolated solutions by Bézout), on random rational instances.
//!
//! The count is the number of standard monomials of a Gröbner basis: over Q
//! when it finishes within its budget (exact, `count_exact`), otherwise over
//! two primes that must agree (modular; the evidence says so). Whether the
//! solutions are distinct comes from an exactly verified rational univariate
//! representation with D distinct roots and a separating form (see
//! [`super::zerodim`]): D distinct solutions exist, exactly; that they are
//! all (so the ideal is radical) rests on the count, exact or modular. With
//! `exact_real`, the full-rank stratum is solved exactly (m ≤ 3) to count the
//! real and the positive definite solutions; `real_completeness` says whether
//! that count is proved complete or rests on two primes.

use std::time::{Duration, Instant};

use num_rational::BigRational;
use serde::Serialize;

use super::strata::{MAX_STRATA_M, StrataOptions, s_variables, stratum};
use super::zerodim::{
    Completeness, LARGE_MAX_PRIMES, SolveOptions, Solved, solve, standard_monomials,
};
use crate::error::{Error, Result};
use crate::model::formula::{Mat, ModelData, s_equation};
use crate::model::{Generator, Instance};
use crate::polynomial::groebner::{Field, PRIME_A, PRIME_B, groebner_basis};
use crate::polynomial::sparse::{MonomialOrder, SparsePoly};

/// Largest m for which counts are attempted. m = 5 has 15 unknowns and a
/// Bézout bound of 32768; its 824 solutions take about a minute modulo each
/// of the two primes (in parallel) and 0.6 GB; m = 6 (21 unknowns) was not
/// measured.
pub const MAX_COUNT_M: usize = 5;

/// One row of the table.
#[derive(Clone, Debug, Serialize)]
pub struct CountRow {
    /// Data dimension.
    pub m: usize,
    /// The generator seed of the instance (`Generator::random(m, seed)`,
    /// λ = 1/20, n = m).
    pub seed: u64,
    /// Unknowns `m(m+1)/2`.
    pub unknowns: usize,
    /// The Bézout bound `2^{m(m+1)/2}`.
    pub bezout: u64,
    /// Complex solutions with multiplicity (`None`: not determined).
    pub count: Option<usize>,
    /// Whether they are pairwise distinct (the ideal is radical).
    pub distinct: Option<bool>,
    /// How the count was obtained.
    pub evidence: String,
    /// Whether `count` is exact (a Gröbner basis over Q); otherwise it rests
    /// on two primes agreeing.
    pub count_exact: bool,
    /// Real solutions of the full-rank stratum (exact), when asked for.
    pub real: Option<usize>,
    /// Whether the real and positive definite counts are proved complete
    /// (`certified`) or rest on a count modulo two primes (`modular`).
    pub real_completeness: Option<Completeness>,
    /// Positive definite ones among them (full-rank equilibria).
    pub positive_definite: Option<usize>,
    /// Seconds.
    pub seconds: f64,
}

/// The S-system of an instance: the entries `i ≤ j` of `G(S)` in `s_i_j`.
pub fn s_system(inst: &Instance) -> (Vec<String>, Vec<SparsePoly>) {
    let m = inst.m();
    let (names, idx) = s_variables(m);
    let nv = names.len();
    let md: ModelData<SparsePoly> = ModelData::from_instance(inst);
    let s = Mat::from_fn(m, m, |i, j| SparsePoly::var(nv, idx[i][j]));
    let g = s_equation(&md, &s);
    let mut polys = Vec::new();
    for i in 0..m {
        for j in i..m {
            polys.push(g.get(i, j).clone());
        }
    }
    (names, polys)
}

/// The standard-monomial count modulo `p`, or `None` if not zero-dimensional.
fn modular_count(
    polys: &[SparsePoly],
    names: &[String],
    p: u32,
    budget: Option<Duration>,
) -> Result<Option<Option<usize>>> {
    let Some(gb) = groebner_basis(
        polys,
        names,
        MonomialOrder::GrevLex,
        Field::Prime(p),
        budget,
    )?
    else {
        return Ok(None);
    };
    let leads = gb.leading_monomials();
    Ok(Some(
        standard_monomials(&leads, names.len(), 1_000_000).map(|b| b.len()),
    ))
}

/// Work for the replay over Q that makes a count exact, in 10⁹ word
/// products ([`SolveOptions::replay_work`]); tried whenever a time for the
/// proof over Q is given. The m = 3 S-system of seed 0 needs 0.76 (7 s on
/// two cores).
pub const COUNT_REPLAY_WORK: f64 = 2.0;

/// Counts the solutions of the S-system of `inst`; `rational_budget`: the
/// time for a Gröbner basis over Q that makes the count exact, and whether
/// to replay the modular run over Q ([`COUNT_REPLAY_WORK`]) for it first
/// (`None`: neither).
pub fn count_instance(
    inst: &Instance,
    seed: u64,
    exact_real: bool,
    rational_budget: Option<f64>,
    budget: Option<Duration>,
) -> Result<CountRow> {
    let started = Instant::now();
    let m = inst.m();
    if m > MAX_COUNT_M {
        return Err(Error::param(
            "m",
            m,
            &format!("m ≤ {MAX_COUNT_M} for counts"),
        ));
    }
    let (names, polys) = s_system(inst);
    let nv = names.len();
    let (count, evidence) = modular_counts(&polys, &names, budget)?;
    let mut row = CountRow {
        m,
        seed,
        unknowns: nv,
        bezout: 1u64 << nv,
        count,
        distinct: None,
        evidence,
        count_exact: false,
        real: None,
        real_completeness: None,
        positive_definite: None,
        seconds: 0.0,
    };
    let opts = SolveOptions {
        replay_work: rational_budget.map(|_| COUNT_REPLAY_WORK),
        rational_basis_budget: rational_budget,
        budget: budget.map(|b| b.as_secs_f64()),
        max_primes: LARGE_MAX_PRIMES,
        ..SolveOptions::default()
    };
    // Distinctness and, for small systems, an exact count over Q: solve.
    if row.count.is_some() && (exact_real || m <= 2) {
        add_distinctness(&polys, &names, &opts, &mut row)?;
    }
    if exact_real && m <= MAX_STRATA_M {
        add_real_counts(inst, &opts, &mut row)?;
    }
    row.seconds = started.elapsed().as_secs_f64();
    Ok(row)
}

/// The count modulo two independent primes (in parallel: the modular engine
/// is ours), when they agree, with the evidence (or why there is no count).
fn modular_counts(
    polys: &[SparsePoly],
    names: &[String],
    budget: Option<Duration>,
) -> Result<(Option<usize>, String)> {
    let (a, b) = rayon::join(
        || modular_count(polys, names, PRIME_A, budget),
        || modular_count(polys, names, PRIME_B, budget),
    );
    let (a, b) = (a?, b?);
    Ok(match (a, b) {
        (Some(Some(x)), Some(Some(y))) if x == y => (
            Some(x),
            format!(
                "Gröbner bases over Z/{PRIME_A} and Z/{PRIME_B} agree (modular: exact unless both primes are unlucky)"
            ),
        ),
        (Some(None), _) | (_, Some(None)) => (None, "not zero-dimensional modulo p".into()),
        (None, _) | (_, None) => (None, "the time budget ran out".into()),
        (Some(Some(x)), Some(Some(y))) => (None, format!("the two primes disagree ({x} and {y})")),
    })
}

/// Whether the solutions are distinct (a separating representation found
/// by [`solve`]), and the count made exact when a Gröbner basis over Q
/// confirmed it.
fn add_distinctness(
    polys: &[SparsePoly],
    names: &[String],
    opts: &SolveOptions,
    row: &mut CountRow,
) -> Result<()> {
    match solve(polys, names, opts, None)? {
        Solved::Finite(f) => {
            row.distinct = Some(true);
            if f.count_evidence.is_exact() {
                row.evidence = f.count_evidence.describe();
                row.count_exact = true;
            }
        }
        Solved::NotRadical { .. } => row.distinct = Some(false),
        _ => {}
    }
    Ok(())
}

/// The real and positive definite counts, from the full-rank stratum of
/// `inst` computed exactly.
fn add_real_counts(inst: &Instance, opts: &SolveOptions, row: &mut CountRow) -> Result<()> {
    let m = inst.m();
    let full = Instance::new(
        inst.name(),
        m,
        inst.moments().clone(),
        inst.lambda().clone(),
    )?;
    let st = stratum(
        &full,
        m,
        &StrataOptions {
            solve: opts.clone(),
            digits: 6,
        },
    )?;
    if st.complex_solutions.is_some() {
        row.real = Some(st.real_solutions.len());
        row.positive_definite = Some(st.equilibria().count());
        row.real_completeness = Some(st.completeness);
        row.evidence.push_str(&format!(
            "; real and PD counts: {}",
            st.completeness.describe()
        ));
    }
    Ok(())
}

/// The table: `per_m` random instances for each m in `ms`.
pub fn count_table(
    ms: &[usize],
    per_m: usize,
    seed: u64,
    exact_real: bool,
    budget: Option<Duration>,
    mut progress: impl FnMut(&str),
) -> Result<Vec<CountRow>> {
    let mut out = Vec::new();
    for &m in ms {
        for k in 0..per_m as u64 {
            let s = seed.wrapping_add(k);
            progress(&format!("m = {m}, instance {}", k + 1));
            let inst = Generator::random(m, s).instance(
                &format!("random-m{m}-seed{s}"),
                m,
                BigRational::new(1.into(), 20.into()),
            )?;
            out.push(count_instance(
                &inst,
                s,
                exact_real && m <= MAX_STRATA_M,
                Some(10.0),
                budget,
            )?);
        }
    }
    Ok(out)
}

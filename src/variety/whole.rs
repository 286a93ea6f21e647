//! Facts about whole equilibrium varieties (all complex points, not only the
//! strata): Krull dimension and degree of the SG equilibrium ideal (λ of the
//! instance, and λ = 0) and of the critical ideal of Ē.
//!
//! Full Gröbner bases of these ideals are out of reach beyond the smallest
//! shapes (Singular's `std` does not finish the SG ideal of a (3, 2)
//! instance in 15 minutes here), so the dimension and degree are computed
//! from generic linear sections: for a variety V of dimension d and degree
//! D, V cut by d generic hyperplanes is D points (with multiplicity) and by
//! d + 1 it is empty. Each section is a Gröbner basis over Z/p (Symbolica);
//! the hyperplanes have seeded random integer coefficients, and the result
//! is confirmed with a second prime. This is generic, modular evidence (a
//! special choice of hyperplanes or an unlucky prime could mislead it), and
//! the output says so.

use std::time::{Duration, Instant};

use num_rational::BigRational;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::zerodim::{krull_dimension, standard_monomials};
use crate::error::{Error, Result};
use crate::model::Instance;
use crate::model::formula::{Mat, ModelData};
use crate::polynomial::groebner::{Field, PRIME_A, PRIME_B, groebner_basis};
use crate::polynomial::ideal::MAX_MASK_VARIABLES;
use crate::polynomial::sparse::{MonomialOrder, SparsePoly};

/// Which ideal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WholeSystem {
    /// SG (and EMA with C = A) equilibria `P(A,B,A) = Q(A,B,A) = 0` with the
    /// instance's λ.
    SgEquilibrium,
    /// The same with λ = 0.
    SgEquilibriumNoDecay,
    /// Critical points of Ē with the instance's λ.
    GdCritical,
}

impl WholeSystem {
    /// All three, in report order.
    pub const ALL: [WholeSystem; 3] = [
        WholeSystem::SgEquilibrium,
        WholeSystem::SgEquilibriumNoDecay,
        WholeSystem::GdCritical,
    ];

    /// A readable name.
    pub fn describe(self) -> &'static str {
        match self {
            WholeSystem::SgEquilibrium => "SG equilibria",
            WholeSystem::SgEquilibriumNoDecay => "SG equilibria with λ = 0",
            WholeSystem::GdCritical => "critical points of Ē",
        }
    }
}

/// The dimension and degree of one ideal.
#[derive(Clone, Debug, Serialize)]
pub struct VarietyFacts {
    /// Which ideal.
    pub system: WholeSystem,
    /// Number of unknowns (entries of A and B).
    pub unknowns: usize,
    /// Krull dimension of the quotient (dimension of the complex variety).
    pub dimension: Option<usize>,
    /// Degree (number of points of a generic section of complementary
    /// dimension, with multiplicity).
    pub degree: Option<usize>,
    /// How it was obtained, or why not.
    pub method: String,
    /// Wall time in seconds.
    pub seconds: f64,
}

/// The polynomials and variable names of a whole system.
pub fn whole_system(
    inst: &Instance,
    system: WholeSystem,
) -> Result<(Vec<String>, Vec<SparsePoly>)> {
    let (n, m) = (inst.n(), inst.m());
    let inst = match system {
        WholeSystem::SgEquilibriumNoDecay => Instance::new(
            inst.name(),
            n,
            inst.moments().clone(),
            BigRational::from_integer(0.into()),
        )?,
        _ => inst.clone(),
    };
    let mut names = Vec::new();
    for (prefix, rows, cols) in [("a", n, m), ("b", n, n)] {
        for i in 0..rows {
            for j in 0..cols {
                names.push(format!("{prefix}_{}_{}", i + 1, j + 1));
            }
        }
    }
    let nv = names.len();
    let a = Mat::from_fn(n, m, |i, j| SparsePoly::var(nv, i * m + j));
    let b = Mat::from_fn(n, n, |i, j| SparsePoly::var(nv, n * m + i * n + j));
    let md: ModelData<SparsePoly> = ModelData::from_instance(&inst);
    let (p, q) = match system {
        WholeSystem::GdCritical => md.grad_ebar(&a, &b),
        _ => md.student_field(&a, &b, &a),
    };
    let polys = p
        .entries()
        .iter()
        .chain(q.entries())
        .filter(|x| !x.is_zero())
        .cloned()
        .collect();
    Ok((names, polys))
}

/// The outcome of one section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    Empty,
    Points(usize),
    Positive(usize),
}

fn section(
    polys: &[SparsePoly],
    names: &[String],
    k: usize,
    prime: u32,
    seed: u64,
    budget: Option<Duration>,
) -> Result<Option<Section>> {
    let nv = names.len();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut sys = polys.to_vec();
    for _ in 0..k {
        let mut terms = vec![(
            vec![0u16; nv],
            BigRational::from_integer(rng.gen_range(-9i64..=9).into()),
        )];
        for v in 0..nv {
            let mut e = vec![0u16; nv];
            e[v] = 1;
            let c: i64 = rng.gen_range(-9..=9);
            terms.push((e, BigRational::from_integer(c.into())));
        }
        sys.push(SparsePoly::from_terms(nv, terms));
    }
    let Some(gb) = groebner_basis(
        &sys,
        names,
        MonomialOrder::GrevLex,
        Field::Prime(prime),
        budget,
    )?
    else {
        return Ok(None);
    };
    let leads = gb.leading_monomials();
    if leads.iter().any(|l| l.iter().all(|&x| x == 0)) {
        return Ok(Some(Section::Empty));
    }
    Ok(Some(match standard_monomials(&leads, nv, 1_000_000) {
        Some(b) => Section::Points(b.len()),
        None => Section::Positive(krull_dimension(&leads, nv)),
    }))
}

/// Dimension and degree of `system` for `inst`, starting the search at
/// `guess` hyperplanes (e.g. the largest orbit dimension among the strata).
pub fn whole_variety(
    inst: &Instance,
    system: WholeSystem,
    guess: usize,
    seed: u64,
    budget: Option<Duration>,
) -> Result<VarietyFacts> {
    let started = Instant::now();
    let (names, polys) = whole_system(inst, system)?;
    let nv = names.len();
    let mut facts = VarietyFacts {
        system,
        unknowns: nv,
        dimension: None,
        degree: None,
        method: String::new(),
        seconds: 0.0,
    };
    if nv > MAX_MASK_VARIABLES {
        facts.method =
            format!("not computed: {nv} unknowns, at most {MAX_MASK_VARIABLES} for the dimension");
        return Ok(facts);
    }
    let sections = Sections {
        polys: &polys,
        names: &names,
        seed,
        started,
        budget,
    };
    match sections.settle(system, guess)? {
        Settled::Finite { d, count } => sections.confirm(d, count, &mut facts)?,
        Settled::OutOfTime { k } => record_timeout(&mut facts, k),
        Settled::Empty => {
            facts.dimension = None;
            facts.degree = Some(0);
            facts.method = "empty: the ideal is the whole ring over Z/p".into();
        }
    }
    facts.seconds = started.elapsed().as_secs_f64();
    Ok(facts)
}

/// Records that a Gröbner basis with `k` hyperplane sections did not finish
/// within the time budget.
fn record_timeout(facts: &mut VarietyFacts, k: usize) {
    facts.method = format!(
        "not computed: a Gröbner basis with {k} hyperplane sections did not finish within the time budget"
    );
}

/// Where the search for the number of sections that leaves finitely many
/// points ended.
enum Settled {
    /// `d` sections leave `count` points (with multiplicity).
    Finite { d: usize, count: usize },
    /// The Gröbner basis with `k` sections did not finish in time.
    OutOfTime { k: usize },
    /// No section at all leaves a point: the ideal is the whole ring.
    Empty,
}

/// The seeded hyperplane sections of one system, within one time budget.
struct Sections<'a> {
    polys: &'a [SparsePoly],
    names: &'a [String],
    seed: u64,
    started: Instant,
    budget: Option<Duration>,
}

impl Sections<'_> {
    /// The section by `k` hyperplanes modulo `prime`, with the time left
    /// (`None`: it ran out).
    fn at(&self, k: usize, prime: u32) -> Result<Option<Section>> {
        let left = self.budget.map(|b| {
            b.saturating_sub(self.started.elapsed())
                .max(Duration::from_millis(10))
        });
        section(self.polys, self.names, k, prime, self.seed, left)
    }

    /// Finds d with V ∩ H₁..H_d finite and non-empty, starting at `guess`.
    fn settle(&self, system: WholeSystem, guess: usize) -> Result<Settled> {
        let nv = self.names.len();
        let mut k = guess.min(nv);
        let mut tried = Vec::new();
        loop {
            if tried.contains(&k) || tried.len() > nv + 2 {
                return Err(Error::Computation(format!(
                    "the hyperplane sections of {} do not settle on a dimension",
                    system.describe()
                )));
            }
            tried.push(k);
            let Some(s) = self.at(k, PRIME_A)? else {
                return Ok(Settled::OutOfTime { k });
            };
            match s {
                Section::Points(count) => return Ok(Settled::Finite { d: k, count }),
                Section::Positive(extra) => k += extra,
                Section::Empty if k == 0 => return Ok(Settled::Empty),
                Section::Empty => k -= 1,
            }
        }
    }

    /// Confirms that `d` is the dimension and `count` the degree: d + 1
    /// sections are empty, and a second prime agrees.
    fn confirm(&self, d: usize, count: usize, facts: &mut VarietyFacts) -> Result<()> {
        let beyond = self.at(d + 1, PRIME_A)?;
        let second = self.at(d, PRIME_B)?;
        match (beyond, second) {
            (Some(Section::Empty), Some(Section::Points(c2))) if c2 == count => {
                facts.dimension = Some(d);
                facts.degree = Some(count);
                facts.method = format!(
                    "generic linear sections over Z/{PRIME_A}: {d} seeded hyperplanes leave {count} points (with multiplicity), {} leave none; Z/{PRIME_B} agrees",
                    d + 1
                );
            }
            (None, _) | (_, None) => record_timeout(facts, d + 1),
            (b, s) => {
                facts.method = format!(
                    "inconsistent sections (with {} hyperplanes: {b:?}; second prime: {s:?}); not decided",
                    d + 1
                );
            }
        }
        Ok(())
    }
}

/// The dimension of the full ideal from its own Gröbner basis (no sections),
/// for cross-checks on the smallest shapes.
pub fn dimension_from_basis(
    inst: &Instance,
    system: WholeSystem,
    budget: Option<Duration>,
) -> Result<Option<(usize, Option<usize>)>> {
    let (names, polys) = whole_system(inst, system)?;
    if names.len() > MAX_MASK_VARIABLES {
        return Err(Error::param(
            "unknowns",
            names.len(),
            &format!("at most {MAX_MASK_VARIABLES} for the dimension"),
        ));
    }
    let Some(gb) = groebner_basis(
        &polys,
        &names,
        MonomialOrder::GrevLex,
        Field::Prime(PRIME_A),
        budget,
    )?
    else {
        return Ok(None);
    };
    let leads = gb.leading_monomials();
    let nv = names.len();
    Ok(Some(match standard_monomials(&leads, nv, 1_000_000) {
        Some(b) => (0, Some(b.len())),
        None => (krull_dimension(&leads, nv), None),
    }))
}

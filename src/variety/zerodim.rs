//! Exact solutions of zero-dimensional polynomial systems over Q.
//!
//! The method (our own, on our modular F4 engine, [`crate::modular`]):
//! 1. for a prime p, a reduced Gröbner basis of the system over Z/p in
//!    graded reverse lexicographic order; its leading monomials
//!    give the standard monomials, whose number D is the number of complex
//!    solutions counted with multiplicity;
//! 2. the multiplication matrices of the quotient algebra over Z/p (normal
//!    forms, ours), and for a linear form ℓ = Σ cᵢxᵢ its minimal polynomial
//!    χ and the polynomials gᵢ with xᵢ = gᵢ(ℓ) in the quotient; when χ has
//!    degree D and is squarefree, ℓ separates the solutions and the ideal is
//!    radical; we keep `hᵢ = gᵢ χ' mod χ` (a rational univariate
//!    representation, `xᵢ = hᵢ(t)/χ'(t)` at the roots t of χ);
//! 3. the same over more primes (in parallel, up to the next check; each
//!    replays the first prime's F4 run, redoing only its linear algebra,
//!    [`crate::modular::F4Trace`]), combined by the Chinese remainder theorem
//!    and rational reconstruction until the result is stable (the
//!    coefficients taken from the least tall, sharing a running common
//!    denominator, [`rationals_sharing_denominators`]: about half the primes
//!    Wang's bound would ask for);
//! 4. **exact verification over Q**: (b) χ is squarefree of degree D,
//!    (c) every equation, with `x = h/χ'` substituted and denominators
//!    cleared, is divisible by χ (exact division over Z: the quotient of an
//!    integer polynomial by the primitive χ is integral, so no number grows
//!    beyond it), so every root of χ gives a solution, exactly, and (d) the
//!    form gives
//!    back t on the representation, `Σ cᵢ hᵢ(t) ≡ t·χ'(t) (mod χ)`
//!    ([`form_separates`]), so `ℓ(x(t)) = t` and distinct roots of χ give
//!    distinct solutions: D distinct solutions were found. Without (d) the D
//!    roots could name fewer points, and nothing would show that none is
//!    missing; a representation that passes (b) and (c) but fails (d) is
//!    rejected.
//!
//! **Saturation variables.** A trailing variable z whose only equation is
//! `z·E(x) + c = 0` (c a non-zero constant, E free of z), such as the z of
//! `z·e_r(S)·det(S·Mxx + λI) = 1` in the rank strata, is a function of the
//! other variables on the solution set, `z = −c/E(x)`. It is left out of the
//! form and of the reconstruction ([`Saturation`]): its coordinate is
//! typically twice as tall as the others and would double the primes and
//! the cost of (c). In (c) its equation is replaced by `E(x(t))` vanishing
//! at no root of χ, i.e. `χ'^{deg E}·E(h/χ')` and χ coprime, which one prime
//! proves ([`vanishes_at_no_root`]); the D roots then give D solutions of
//! the whole system, z included.
//!
//! That no solution is missing then rests on (a), the count D itself. It is
//! exact ([`Completeness::Certified`]) when
//! - the first prime's F4 run, replayed over Q
//!   ([`crate::modular::F4Trace::replay_over_q`]: the same matrices, exact
//!   rational linear algebra), produced elements of the ideal over Q whose
//!   leading monomials leave D standard monomials: then
//!   `dim_Q Q[x]/I ≤ D`, and the D distinct solutions verified are all of
//!   them. Every such element is a rational combination of monomial
//!   multiples of the equations, so this needs nothing of the prime; a
//!   prime at which some support differs over Q gives no conclusion (the
//!   count modulo p alone bounds nothing: `x·(5x − 1)` has two solutions
//!   over Q, one modulo 5);
//! - or else a Gröbner basis over Q was computed (Symbolica, within its
//!   budget, for small systems) and gave the same D.
//!
//! Otherwise it rests on two primes agreeing on D (true for all but
//! finitely many primes: [`Completeness::Modular`]); the result says which.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Zero;
use rayon::prelude::*;
use serde::Serialize;

use super::modular::{Crt, Fp, primes, rationals_sharing_denominators};
use super::quotient::{IntPolys, QtModP, QuotientRing};
use crate::error::{Error, Result};
use crate::exact::UPoly;
use crate::exact::intpoly::{self, IPoly};
use crate::exact::qt::Qt;
use crate::modular::{F4Trace, ModTerms};
use crate::modular::{RationalReplay, ReplayMeter, ReplayRows};
use crate::polynomial::groebner::{
    Field, Trace, groebner_basis, leads_over_q, modular_terms_traced,
};
use crate::polynomial::ideal::{max_independent_set, support_mask};
use crate::polynomial::sparse::{MonomialOrder, SparsePoly, divides};

/// Options of [`solve`].
#[derive(Clone, Debug, Serialize)]
pub struct SolveOptions {
    /// Work allowed for the first prime's F4 run replayed over Q, which
    /// makes the solution count exact ([`CountEvidence::ReplayOverQ`];
    /// `None`: not tried), in units of 10⁹ word products as
    /// [`crate::modular::ReplayMeter`] counts them: the same limit gives
    /// the same outcome on every machine and under any load. Within the
    /// overall [`budget`](Self::budget) too, when there is one.
    pub replay_work: Option<f64>,
    /// Time allowed for a Gröbner basis over Q (Symbolica's, for small
    /// systems, when the replay did not conclude) that makes the solution
    /// count exact (`None`: not tried; with no replay either, the count
    /// rests on two primes).
    pub rational_basis_budget: Option<f64>,
    /// Most primes used for the reconstruction.
    pub max_primes: usize,
    /// Overall time budget in seconds.
    pub budget: Option<f64>,
    /// The variables a separating linear form may use (indices; empty: all).
    pub form_variables: Vec<usize>,
    /// Solve the system without its saturation equations first, when that
    /// is zero-dimensional and each factor E is invertible in its quotient
    /// modulo the first prime (see [`solve`]); otherwise the whole system.
    pub saturate_last: bool,
}

/// Default work for the replay over Q ([`SolveOptions::replay_work`]), in
/// units of 10⁹ word products. Measured on the built-ins: the replays that
/// conclude need at most 0.25 (`commuting`'s rank-2 critical points, 9 s
/// on two cores; 2.66 and 28 s when every row of the trace was replayed,
/// not only those that gave polynomials); every other one at most 0.05.
/// The rank-1 stratum of a random m = 4 instance needs 1.21 (24 s).
/// `wide`'s rank-2 stratum (intermediate coefficients of 10⁴ bits) had not
/// concluded after 40 units (250 s): with this limit it stops after about
/// 65 s there.
pub const DEFAULT_REPLAY_WORK: f64 = 3.0;

impl Default for SolveOptions {
    fn default() -> Self {
        Self {
            replay_work: Some(DEFAULT_REPLAY_WORK),
            rational_basis_budget: Some(10.0),
            max_primes: 512,
            budget: None,
            form_variables: Vec::new(),
            saturate_last: false,
        }
    }
}

/// What makes the number of complex solutions certain.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum CountEvidence {
    /// A Gröbner basis over Q has exactly D standard monomials: exact.
    RationalBasis {
        /// Its wall time in seconds.
        seconds: f64,
    },
    /// The first prime's F4 run replayed over Q
    /// ([`crate::modular::F4Trace::replay_over_q`]) gave elements of the
    /// ideal over Q with the modular basis's leading monomials, whose
    /// standard monomials number D: at most D solutions, so with D distinct
    /// solutions verified, exactly those (exact).
    ReplayOverQ {
        /// Elements of the ideal whose leading monomials were used.
        elements: usize,
        /// The replay's wall time in seconds.
        seconds: f64,
        /// Its work, in word products ([`crate::modular::ReplayMeter`]).
        work: u64,
    },
    /// Gröbner bases over two primes agree on D (exact unless both primes
    /// are among the finitely many unlucky ones).
    TwoPrimes {
        /// The primes.
        primes: [u32; 2],
        /// Whether the bases were those of the system without its saturation
        /// equations ([`SolveOptions::saturate_last`]).
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        without_saturation: bool,
        /// Why the count was not proved over Q (the replay's outcome).
        #[serde(skip_serializing_if = "Option::is_none")]
        unproved: Option<String>,
    },
}

impl CountEvidence {
    /// Whether the count is exact (not only modular).
    pub fn is_exact(&self) -> bool {
        matches!(
            self,
            CountEvidence::RationalBasis { .. } | CountEvidence::ReplayOverQ { .. }
        )
    }

    /// One phrase for reports.
    pub fn describe(&self) -> String {
        match self {
            CountEvidence::RationalBasis { seconds } => {
                format!("Gröbner basis over Q ({seconds:.2} s)")
            }
            CountEvidence::ReplayOverQ {
                elements,
                seconds,
                work,
            } => format!(
                "the F4 run replayed over Q: {elements} elements of the ideal with the modular leading monomials ({seconds:.2} s, work {})",
                word_products(*work)
            ),
            CountEvidence::TwoPrimes {
                primes,
                without_saturation,
                unproved,
            } => format!(
                "Gröbner bases over Z/{} and Z/{}{} agree{}",
                primes[0],
                primes[1],
                if *without_saturation {
                    " of the system without the saturation equations (whose factors vanish at no root: proved)"
                } else {
                    ""
                },
                match unproved {
                    Some(why) => format!(" (not proved over Q: {why})"),
                    None => String::new(),
                }
            ),
        }
    }
}

/// How completely a solution set is known (see the module docs for the
/// checks (a)–(d)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Completeness {
    /// Proved complete: the number D of complex solutions with multiplicity
    /// comes from a Gröbner basis over Q (a), χ is squarefree of degree D
    /// (b), every root of χ gives a solution (c, exact substitution) and the
    /// separating form gives back t (d), so the D roots are D distinct
    /// solutions, i.e. all of them. (An empty set: the basis over Q is {1}.)
    Certified,
    /// The solutions listed are verified exactly, but that none is missing
    /// rests on Gröbner bases modulo two primes agreeing on the count (or
    /// check (d) could not be made).
    Modular,
    /// Not characterized: positive-dimensional, not radical, inconclusive or
    /// out of budget.
    Unresolved,
}

impl Completeness {
    /// The completeness that a count's evidence and check (d) allow.
    pub fn of(evidence: &CountEvidence, separating: bool) -> Self {
        if evidence.is_exact() && separating {
            Completeness::Certified
        } else {
            Completeness::Modular
        }
    }

    /// One phrase for reports.
    pub fn describe(&self) -> &'static str {
        match self {
            Completeness::Certified => {
                "complete, proved (exact count over Q, separating form verified)"
            }
            Completeness::Modular => {
                "solutions exact; completeness rests on the count modulo two primes"
            }
            Completeness::Unresolved => "not resolved",
        }
    }
}

/// A rational univariate representation of the solutions: they are the
/// points `xᵢ = hᵢ(t)/χ'(t)` for the roots `t` of the squarefree `χ`, and
/// `t = Σ cᵢ xᵢ` there; trailing saturation variables are `z = −c/E(x)`.
#[derive(Clone, Debug)]
pub struct Rur {
    /// The separating linear form's integer coefficients `cᵢ`, one per
    /// variable (0 on the saturation variables).
    pub form: Vec<i64>,
    /// The minimal polynomial χ of the form (monic, squarefree, degree D).
    pub chi: UPoly,
    /// The numerators `hᵢ` (degree < D), one per variable before the
    /// saturation variables.
    pub numerators: Vec<UPoly>,
    /// The trailing saturation variables, not represented by numerators.
    pub saturation: Vec<Saturation>,
}

/// A variable z whose only equation is `z·E(x) + c = 0`, c a non-zero
/// rational and E free of z and of the other saturation variables: on the
/// solution set `E(x) ≠ 0` and `z = −c/E(x)`.
#[derive(Clone, Debug)]
pub struct Saturation {
    /// The variable's index (after every represented variable).
    pub variable: usize,
    /// The index of its equation in the system.
    pub equation: usize,
    /// E, a polynomial in the represented variables.
    pub factor: SparsePoly,
    /// c.
    pub constant: BigRational,
}

impl Rur {
    /// `χ'`.
    pub fn chi_derivative(&self) -> UPoly {
        self.chi.derivative()
    }

    /// The saturation variables' values modulo p at the point whose
    /// represented coordinates are `x` (residues): `z = −c/E(x)`. `None`
    /// when p divides a denominator of c or E, or `E(x) ≡ 0`.
    pub fn saturation_values_mod(&self, x: &[u64], p: u64) -> Option<Vec<u64>> {
        self.saturation
            .iter()
            .map(|s| {
                let e = super::exact_dimension::eval_sparse_mod(&s.factor, x, p)?;
                let c = intpoly::rational_mod(&s.constant, p)?;
                (e != 0).then(|| intpoly::mul_mod((p - c) % p, intpoly::inv_mod(e, p), p))
            })
            .collect()
    }
}

/// The trailing saturation variables of `polys` (in `nvars` variables),
/// in increasing order: see [`Saturation`]. At least one variable stays
/// represented.
pub fn saturation_variables(polys: &[SparsePoly], nvars: usize) -> Vec<Saturation> {
    let mut out: Vec<Saturation> = Vec::new();
    for v in (1..nvars).rev() {
        let mut with_v = polys
            .iter()
            .enumerate()
            .filter(|(_, f)| f.terms().iter().any(|(e, _)| e[v] > 0));
        let (Some((equation, f)), None) = (with_v.next(), with_v.next()) else {
            break;
        };
        let mut factor = Vec::new();
        let mut constant = None;
        let mut ok = true;
        for (e, c) in f.terms() {
            if e[v] == 1 {
                // E may not involve a saturation variable found before.
                ok &= out.iter().all(|s| e[s.variable] == 0);
                let mut rest = e.clone();
                rest[v] = 0;
                factor.push((rest, c.clone()));
            } else if e.iter().all(|&k| k == 0) {
                constant = Some(c.clone());
            } else {
                ok = false;
            }
        }
        match constant {
            Some(constant) if ok && !factor.is_empty() => out.push(Saturation {
                variable: v,
                equation,
                factor: SparsePoly::from_terms(nvars, factor),
                constant,
            }),
            _ => break,
        }
    }
    out.reverse();
    out
}

impl FiniteSolutions {
    /// How completely the solutions are known.
    pub fn completeness(&self) -> Completeness {
        Completeness::of(&self.count_evidence, self.separating)
    }
}

/// The solutions of a zero-dimensional system.
#[derive(Clone, Debug)]
pub struct FiniteSolutions {
    /// Number of complex solutions (all distinct: the ideal is radical).
    pub count: usize,
    /// Why the count is certain.
    pub count_evidence: CountEvidence,
    /// The solutions, verified exactly over Q.
    pub rur: Rur,
    /// Whether check (d) was made and held: `Σ cᵢ hᵢ ≡ t·χ' (mod χ)`, so the
    /// `count` roots of χ are `count` distinct solutions ([`solve`] returns
    /// no representation that fails it).
    pub separating: bool,
    /// Primes combined for the reconstruction.
    pub primes_used: usize,
    /// Largest number of decimal digits of a reconstructed coefficient.
    pub coefficient_digits: usize,
    /// Wall time in seconds.
    pub seconds: f64,
}

/// What [`solve`] found.
#[derive(Clone, Debug)]
pub enum Solved {
    /// No complex solution (the ideal is the whole ring), per the modular
    /// basis (and the rational one if computed).
    Empty {
        /// Why the emptiness is certain.
        evidence: CountEvidence,
    },
    /// Infinitely many complex solutions (dimension ≥ 1 over Z/p).
    PositiveDimensional {
        /// Krull dimension over Z/p.
        dimension: usize,
    },
    /// Finitely many solutions, exactly.
    Finite(FiniteSolutions),
    /// Finitely many, but with multiplicities (no separating form found with
    /// a squarefree minimal polynomial): counts only.
    NotRadical {
        /// Number of solutions with multiplicity.
        count: usize,
        /// Degree of the squarefree part of a form's minimal polynomial
        /// (a lower bound on the number of distinct solutions).
        distinct_at_least: usize,
    },
    /// The budget ran out, or reconstruction did not stabilize.
    Inconclusive(String),
}

/// A verifier: given the representation, whether every equation of interest
/// vanishes at every root of χ (exactly).
pub type Verifier<'a> = &'a dyn Fn(&Rur) -> Result<bool>;

/// Solves `polys = 0` in `variables` (see the module docs).
///
/// With [`SolveOptions::saturate_last`] and saturation variables present,
/// the quotients are first computed for the system without the saturation
/// equations, in the represented variables only. That is used when it is
/// zero-dimensional modulo the first prime and each factor E is invertible
/// in its quotient there (E's image at the modular representation is
/// coprime to χ). The representation is then verified on the whole system
/// as always, which includes that E vanishes at no root of χ (proved exactly,
/// [`vanishes_at_no_root`]); so every root extends, with `z = −c/E`, to a
/// solution of the whole system, and every solution of the whole system is
/// one of the smaller system with E ≠ 0, so the two counts are equal. The
/// count's evidence says which system it was taken on. Otherwise the whole
/// system is solved (the smaller one's first basis is then lost time).
pub fn solve(
    polys: &[SparsePoly],
    variables: &[String],
    opts: &SolveOptions,
    verifier: Option<Verifier<'_>>,
) -> Result<Solved> {
    let saturation = saturation_variables(polys, variables.len());
    let kept = variables.len() - saturation.len();
    let started = Instant::now();
    if opts.saturate_last && !saturation.is_empty() {
        let rest: Vec<SparsePoly> = polys
            .iter()
            .enumerate()
            .filter(|(j, _)| !saturation.iter().any(|s| s.equation == *j))
            .map(|(_, f)| {
                let terms = f
                    .terms()
                    .iter()
                    .map(|(e, c)| (e[..kept].to_vec(), c.clone()))
                    .collect();
                SparsePoly::from_terms(kept, terms)
            })
            .collect();
        let run = SolveRun {
            polys,
            variables,
            quotient_polys: &rest,
            quotient_vars: &variables[..kept],
            opts,
            saturation: saturation.clone(),
            kept,
            started,
        };
        if let Some(solved) = run.solve(verifier)? {
            return Ok(solved);
        }
    }
    let run = SolveRun {
        polys,
        variables,
        quotient_polys: polys,
        quotient_vars: variables,
        opts,
        saturation,
        kept,
        started,
    };
    run.solve(verifier)?
        .ok_or_else(|| Error::Computation("the whole system's run gave no answer".into()))
}

/// The first usable prime, its quotient and the trace of its F4 run.
type FirstPrime = (u32, ModQuotient, Option<F4Trace>);

/// What the steps of [`solve`] share: the system, the options and the
/// start of the time budget.
struct SolveRun<'a> {
    /// The whole system, on which the representation is verified.
    polys: &'a [SparsePoly],
    variables: &'a [String],
    /// The system whose quotients modulo primes give the representation:
    /// the whole one, or the one without its saturation equations in the
    /// represented variables ([`SolveOptions::saturate_last`]).
    quotient_polys: &'a [SparsePoly],
    quotient_vars: &'a [String],
    opts: &'a SolveOptions,
    /// The trailing saturation variables (not represented).
    saturation: Vec<Saturation>,
    /// The number of represented variables (before the saturation ones).
    kept: usize,
    started: Instant,
}

/// The state of the reconstruction over several primes: the separating
/// form, the images of χ and the hᵢ combined by Chinese remaindering, the
/// primes used, and when to try a rational reconstruction next.
struct Reconstruction {
    form: Vec<i64>,
    /// The number of solutions (the degree of χ).
    count: usize,
    crts: Vec<Crt>,
    first: u32,
    second_prime: Option<u32>,
    primes_used: usize,
    next_check: usize,
    /// The last candidate tried (refuted by verification).
    last: Option<Vec<BigRational>>,
}

impl Reconstruction {
    /// Starts from the image `r0` modulo the first prime.
    fn new(first: u32, count: usize, nvars: usize, form: Vec<i64>, r0: &ModRurData) -> Self {
        let mut rec = Self {
            form,
            count,
            crts: vec![Crt::default(); count + nvars * count],
            first,
            second_prime: None,
            primes_used: 1,
            next_check: 2,
            last: None,
        };
        rec.push(r0, first);
        rec
    }

    fn push(&mut self, r: &ModRurData, p: u32) {
        let values: Vec<u64> = r.flat().collect();
        self.crts
            .par_iter_mut()
            .zip(values)
            .for_each(|(crt, c)| crt.add(c, u64::from(p)));
    }

    /// The order in which the coefficients are reconstructed: χ's and then
    /// each hᵢ's, each from the highest degree down. The coefficients next
    /// to the leading ones have the least height (χ's next-to-leading one
    /// is minus the trace of the form), so the common denominator is found
    /// from them first and the taller ones need only their height over it
    /// (on `wide`'s rank-2 stratum the least-height coefficient of χ
    /// has 242/231 bits of numerator/denominator, the tallest 654/584,
    /// and all share denominators dividing one of 596 bits).
    fn order(&self) -> Vec<usize> {
        let d = self.count;
        (0..self.crts.len() / d)
            .flat_map(|block| (0..d).rev().map(move |j| block * d + j))
            .collect()
    }

    /// Adds the image modulo a further prime `p`.
    fn add_image(&mut self, r: &ModRurData, p: u32) {
        self.push(r, p);
        self.primes_used += 1;
        self.second_prime.get_or_insert(p);
    }
}

/// A separating form among the deterministic candidates whose minimal
/// polynomial modulo the first prime is squarefree, with the representation
/// it gives; otherwise the largest degree of a squarefree part seen (a
/// lower bound on the number of distinct solutions).
fn separating_form(
    q0: &ModQuotient,
    nvars: usize,
    kept: usize,
    opts: &SolveOptions,
) -> std::result::Result<(Vec<i64>, ModRurData), usize> {
    // Only represented variables: a saturation variable is a function of
    // them on the solution set, so a form separating them separates all.
    let allowed: Vec<usize> = if opts.form_variables.is_empty() {
        (0..kept).collect()
    } else {
        let mut a: Vec<usize> = opts
            .form_variables
            .iter()
            .copied()
            .filter(|&v| v < kept)
            .collect();
        if a.is_empty() {
            a = (0..kept).collect();
        }
        a
    };
    let candidates = form_candidates(nvars, &allowed);
    let mut best_distinct = 0;
    for form in candidates.iter().take(24) {
        match q0.rur(form, kept) {
            ModRur::Ok(r) => return Ok((form.clone(), r)),
            ModRur::NotSquarefree(k) => best_distinct = best_distinct.max(k),
            ModRur::NotCyclic => {}
        }
    }
    Err(best_distinct)
}

impl SolveRun<'_> {
    /// Whether the quotients are those of the system without its saturation
    /// equations.
    fn without_saturation(&self) -> bool {
        self.quotient_vars.len() < self.variables.len()
    }

    /// The steps of [`solve`] on this run's quotients. `None` (only without
    /// the saturation equations) when that smaller system is not
    /// zero-dimensional modulo the first prime, has no separating form
    /// there, or some factor E is not invertible in its quotient: the whole
    /// system is then to be solved.
    fn solve(&self, verifier: Option<Verifier<'_>>) -> Result<Option<Solved>> {
        let plist = primes(self.opts.max_primes.max(2) + 8);
        let mut pi = plist.iter().copied();
        // First prime: structure of the quotient, and the trace of its F4
        // run that the other primes replay.
        let (first, q0, trace) = match self.first_quotient(&mut pi)? {
            ControlFlow::Break(solved @ Solved::Inconclusive(_)) => return Ok(Some(solved)),
            ControlFlow::Break(_) if self.without_saturation() => return Ok(None),
            ControlFlow::Break(solved) => return Ok(Some(solved)),
            ControlFlow::Continue(found) => found,
        };
        let d = q0.basis.len();
        // A separating form with a squarefree minimal polynomial.
        let (form, r0) = match separating_form(&q0, self.variables.len(), self.kept, self.opts) {
            Ok(found) => found,
            Err(_) if self.without_saturation() => return Ok(None),
            Err(best_distinct) => {
                return Ok(Some(Solved::NotRadical {
                    count: d,
                    distinct_at_least: best_distinct,
                }));
            }
        };
        if self.without_saturation() && !self.factors_invertible_mod(&form, &r0, first) {
            return Ok(None);
        }
        // Reconstruction over more primes.
        let rec = Reconstruction::new(first, d, self.kept, form, &r0);
        self.reconstruct(&q0, trace.as_ref(), rec, &mut pi, verifier)
            .map(Some)
    }

    /// Whether every saturation factor E is coprime to χ at the modular
    /// representation `r0` modulo `p` (a choice of method, not a proof: the
    /// verification proves it over Q).
    fn factors_invertible_mod(&self, form: &[i64], r0: &ModRurData, p: u32) -> bool {
        let int = |c: u64| BigRational::from_integer(c.into());
        let mut chi: Vec<BigRational> = r0.chi_low.iter().map(|&c| int(c)).collect();
        chi.push(int(1));
        let rur = Rur {
            form: form.to_vec(),
            chi: UPoly::new(chi),
            numerators: r0
                .h
                .iter()
                .map(|h| UPoly::new(h.iter().map(|&c| int(c)).collect()))
                .collect(),
            saturation: Vec::new(),
        };
        self.saturation
            .iter()
            .all(|s| coprime_to_chi_mod(&rur, &s.factor, u64::from(p)))
    }

    fn out_of_time(&self) -> bool {
        self.opts
            .budget
            .is_some_and(|b| self.started.elapsed().as_secs_f64() > b)
    }

    fn remaining(&self) -> Option<Duration> {
        self.opts
            .budget
            .map(|b| Duration::from_secs_f64((b - self.started.elapsed().as_secs_f64()).max(0.01)))
    }

    /// The quotient modulo the first usable prime of `primes`, or the answer
    /// when that prime already settles it (empty, positive-dimensional, out
    /// of time, no usable prime).
    fn first_quotient(
        &self,
        primes: &mut impl Iterator<Item = u32>,
    ) -> Result<ControlFlow<Solved, FirstPrime>> {
        loop {
            let Some(p) = primes.next() else {
                return Ok(ControlFlow::Break(Solved::Inconclusive(
                    "no usable prime".into(),
                )));
            };
            let computed = ModQuotient::compute(
                self.quotient_polys,
                self.quotient_vars,
                p,
                self.remaining(),
                Trace::Record,
            )?;
            let (quot, trace) = match computed {
                Some((q, t)) => (Some(q), t),
                None => (None, None),
            };
            let solved = match quot {
                None => Solved::Inconclusive(budget_msg(self.started)),
                Some(Quot::Unusable) => continue,
                Some(Quot::Empty) => confirm_empty(
                    self.polys,
                    self.variables,
                    (p, trace.as_ref().filter(|_| !self.without_saturation())),
                    primes,
                    self.remaining(),
                    self.opts,
                )?,
                Some(Quot::Positive(d)) => Solved::PositiveDimensional { dimension: d },
                Some(Quot::Finite(q)) => return Ok(ControlFlow::Continue((p, q, trace))),
            };
            return Ok(ControlFlow::Break(solved));
        }
    }

    /// Adds primes until a rational reconstruction of the representation
    /// verifies exactly (or the budget or the primes run out).
    fn reconstruct(
        &self,
        q0: &ModQuotient,
        trace: Option<&F4Trace>,
        mut rec: Reconstruction,
        primes: &mut impl Iterator<Item = u32>,
        verifier: Option<Verifier<'_>>,
    ) -> Result<Solved> {
        let max_primes = self.opts.max_primes;
        loop {
            if self.out_of_time() {
                return Ok(Solved::Inconclusive(budget_msg(self.started)));
            }
            if rec.primes_used >= max_primes {
                return Ok(Solved::Inconclusive(format!(
                    "the reconstruction did not stabilize with {} primes",
                    rec.primes_used
                )));
            }
            // The primes up to the next check are independent: computed in
            // parallel, combined in their order (the same result as one by one).
            let want = (rec.next_check - rec.primes_used).clamp(1, max_primes - rec.primes_used);
            let batch: Vec<u32> = primes.by_ref().take(want).collect();
            if batch.is_empty() {
                return Ok(Solved::Inconclusive("ran out of primes".into()));
            }
            // Every row is replayed until a second prime has agreed with the
            // first (that agreement is the count's modular evidence), only
            // the rows that gave polynomials at the first prime afterwards.
            let rows = if rec.second_prime.is_some() {
                ReplayRows::Useful
            } else {
                ReplayRows::All
            };
            let use_trace = trace.map_or(Trace::Off, |t| Trace::Replay(t, rows));
            let images = self.images(&batch, q0, use_trace, &rec.form);
            for (&p, image) in batch.iter().zip(images) {
                match image? {
                    None => return Ok(Solved::Inconclusive(budget_msg(self.started))),
                    Some(None) => {}
                    Some(Some(r)) => rec.add_image(&r, p),
                }
            }
            if rec.primes_used < rec.next_check {
                continue;
            }
            // Checks every eighth more primes (at least two): a check that
            // fails costs products up to the first value without a
            // reconstruction, while the primes added past the number needed
            // cost a modular run each, so a fine schedule overshoots by at
            // most an eighth (it was a half).
            rec.next_check = (rec.next_check * 9 / 8).max(rec.next_check + 2);
            let Some(values) = rationals_sharing_denominators(&rec.crts, &rec.order()) else {
                continue;
            };
            // A reconstruction already refuted by verification needs more primes.
            if rec.last.as_ref() == Some(&values) {
                continue;
            }
            rec.last = Some(values.clone());
            if let Some(solved) = self.accept(&rec, values, trace, verifier)? {
                return Ok(solved);
            }
        }
    }

    /// The representation's images modulo each prime of `batch`, in
    /// parallel (the first prime's F4 run replayed as `use_trace` says):
    /// `None` when the budget ran out, `Some(None)` for a prime that is
    /// unusable or unlucky.
    fn images(
        &self,
        batch: &[u32],
        q0: &ModQuotient,
        use_trace: Trace<'_>,
        form: &[i64],
    ) -> Vec<Result<Option<Option<ModRurData>>>> {
        batch
            .par_iter()
            .map(|&p| {
                let computed = ModQuotient::compute(
                    self.quotient_polys,
                    self.quotient_vars,
                    p,
                    self.remaining(),
                    use_trace,
                )?
                .map(|(q, _)| q);
                Ok(match computed {
                    None => None,
                    Some(Quot::Finite(q)) if q.basis == q0.basis => match q.rur(form, self.kept) {
                        ModRur::Ok(r) => Some(Some(r)),
                        _ => Some(None),
                    },
                    // A prime whose basis differs from the first one's is
                    // unlucky (or the first was): skip it.
                    Some(_) => Some(None),
                })
            })
            .collect()
    }

    /// The solutions, if the reconstructed coefficients `values` give a
    /// representation that verifies exactly; `None` when it fails (more
    /// primes are then added); inconclusive when it solves the system but
    /// the form does not separate.
    fn accept(
        &self,
        rec: &Reconstruction,
        values: Vec<BigRational>,
        trace: Option<&F4Trace>,
        verifier: Option<Verifier<'_>>,
    ) -> Result<Option<Solved>> {
        let (d, nvars) = (rec.count, self.kept);
        // Verify the candidate exactly (a wrong candidate fails and more
        // primes are added).
        let chi = {
            let mut c: Vec<BigRational> = values[..d].to_vec();
            c.push(BigRational::from_integer(1.into()));
            UPoly::new(c)
        };
        let numerators: Vec<UPoly> = (0..nvars)
            .map(|i| UPoly::new(values[d + i * d..d + (i + 1) * d].to_vec()))
            .collect();
        let rur = Rur {
            form: rec.form.clone(),
            chi,
            numerators,
            saturation: self.saturation.clone(),
        };
        let squarefree = rur.chi.gcd(&rur.chi_derivative()).degree() == Some(0);
        let ok = squarefree
            && rur.chi.degree() == Some(d)
            && match verifier {
                Some(v) => v(&rur)?,
                None => verify_by_substitution(self.polys, &rur)?,
            };
        if !ok {
            return Ok(None);
        }
        // (d): the form gives back t. A representation that solves the
        // system but fails this lists its points ambiguously; it cannot
        // prove completeness, so it is not returned as a solution set.
        if !form_separates(&rur)? {
            return Ok(Some(Solved::Inconclusive(format!(
                "the representation reconstructed from {} primes solves the system exactly, but the form {:?} does not give back t on it (Σ cᵢhᵢ ≢ t·χ' mod χ): the solutions are not shown distinct, so completeness is not proved",
                rec.primes_used, rur.form
            ))));
        }
        let digits = values
            .iter()
            .map(|c| c.numer().to_string().len() + c.denom().to_string().len())
            .max()
            .unwrap_or(0);
        let over_q = match trace {
            Some(t) => count_over_q(
                self.quotient_polys,
                self.quotient_vars,
                t,
                d,
                self.opts.replay_work,
                self.remaining(),
            )?,
            None => Err("the modular run left no trace to replay".into()),
        };
        let count_evidence = match over_q {
            Ok(e) => e,
            Err(why) => rational_count(self.quotient_polys, self.quotient_vars, d, self.opts)?
                .unwrap_or(CountEvidence::TwoPrimes {
                    primes: [rec.first, rec.second_prime.unwrap_or(rec.first)],
                    without_saturation: self.without_saturation(),
                    unproved: Some(why),
                }),
        };
        Ok(Some(Solved::Finite(FiniteSolutions {
            count: d,
            count_evidence,
            rur,
            separating: true,
            primes_used: rec.primes_used,
            coefficient_digits: digits,
            seconds: self.started.elapsed().as_secs_f64(),
        })))
    }
}

fn budget_msg(started: Instant) -> String {
    format!(
        "the time budget ran out after {:.1} s",
        started.elapsed().as_secs_f64()
    )
}

/// Confirms an empty variety with a second prime, and over Q when the
/// options allow it (then the emptiness is exact): by the first prime's F4
/// run (`first`: the prime and the trace of its run on `polys`) replayed
/// over Q, which then finds 1 in the ideal, or else by a Gröbner basis
/// over Q.
fn confirm_empty(
    polys: &[SparsePoly],
    variables: &[String],
    (first, trace): (u32, Option<&F4Trace>),
    pi: &mut impl Iterator<Item = u32>,
    budget: Option<Duration>,
    opts: &SolveOptions,
) -> Result<Solved> {
    for p in pi.by_ref().take(4) {
        match ModQuotient::compute(polys, variables, p, budget, Trace::Off)?.map(|(q, _)| q) {
            None => return Ok(Solved::Inconclusive("the time budget ran out".into())),
            Some(Quot::Empty) => {
                let over_q = match (trace, opts.replay_work) {
                    (Some(t), Some(w)) => unit_over_q(polys, t, w, budget),
                    (None, _) => Err("the modular run left no trace to replay".into()),
                    (_, None) => Err(NOT_TRIED.into()),
                };
                let evidence = match over_q {
                    Ok(e) => e,
                    Err(why) => rational_empty(polys, variables, opts)?.unwrap_or(
                        CountEvidence::TwoPrimes {
                            primes: [first, p],
                            without_saturation: false,
                            unproved: Some(why),
                        },
                    ),
                };
                return Ok(Solved::Empty { evidence });
            }
            Some(Quot::Unusable) => continue,
            Some(_) => {
                return Ok(Solved::Inconclusive(format!(
                    "the primes {first} and {p} disagree on whether there are solutions"
                )));
            }
        }
    }
    Ok(Solved::Inconclusive("no second usable prime".into()))
}

/// Most primes lifted by the callers that may meet the full-rank stratum of
/// m = 4 (124 solutions, about 700 primes): `characterize`, `count
/// --exact-real` and the benchmark systems.
pub const LARGE_MAX_PRIMES: usize = 4096;

/// Largest solution count for which a Gröbner basis over Q is attempted to
/// make the count exact. Symbolica's computation cannot be interrupted (a
/// budget only stops waiting, while the worker thread stays busy), so the
/// attempt is restricted to sizes that finish quickly here: every stratum of
/// an m ≤ 2 instance (at most 6 solutions, well under a second) and the rank-1
/// strata of m = 3 (6); the m = 3 S-system (24 solutions) takes about 8 s and
/// the rank-2 stratum (30) does not finish in 15 minutes.
pub const MAX_RATIONAL_BASIS_SOLUTIONS: usize = 12;

/// Largest number of unknowns for which a Gröbner basis over Q is attempted
/// at all (to make a count exact or an empty system exactly empty): the
/// strata of m ≤ 3 have at most 7 (six entries of S and z). With m = 4 (ten
/// entries and z) the basis of the rank-1 stratum, 8 solutions, did not
/// finish in 10 minutes, and since the computation cannot be interrupted it
/// held up every later call to Symbolica.
pub const MAX_RATIONAL_BASIS_UNKNOWNS: usize = 7;

/// Why a replay over Q was not tried.
const NOT_TRIED: &str = "the replay over Q was not tried (no work allowed for it)";

/// The first prime's F4 run `trace` replayed over Q within `work` (10⁹
/// word products; `None`: not tried) and the overall time left
/// (`remaining`; [`leads_over_q`]): exact evidence that the system has at
/// most `d` solutions with multiplicity when the leading monomials found
/// over Q leave `d` standard monomials; otherwise why nothing is concluded
/// (not tried, out of work or time, a support that differs over Q). Fewer
/// than `d` would contradict the `d` distinct solutions verified: an error.
fn count_over_q(
    polys: &[SparsePoly],
    variables: &[String],
    trace: &F4Trace,
    d: usize,
    work: Option<f64>,
    remaining: Option<Duration>,
) -> Result<std::result::Result<CountEvidence, String>> {
    let Some((work, meter)) = work.and_then(|w| meter(w, remaining).map(|m| (w, m))) else {
        return Ok(Err(NOT_TRIED.into()));
    };
    let started = Instant::now();
    let leads = match leads_over_q(polys, trace, &meter) {
        RationalReplay::Leads(leads) => leads,
        other => return Ok(Err(replay_failure(&other, work))),
    };
    match standard_monomials(&leads, variables.len(), d) {
        Some(basis) if basis.len() == d => Ok(Ok(CountEvidence::ReplayOverQ {
            elements: leads.len(),
            seconds: started.elapsed().as_secs_f64(),
            work: meter.used(),
        })),
        Some(basis) if basis.len() < d => Err(Error::Computation(format!(
            "the F4 run replayed over Q leaves {} standard monomials, fewer than the {d} distinct solutions verified: report this instance",
            basis.len()
        ))),
        _ => Ok(Err(format!(
            "the replay over Q left more than {d} standard monomials"
        ))),
    }
}

/// The unit of [`SolveOptions::replay_work`], in word products.
const GIGA: f64 = 1e9;

/// A work in word products for reports: `2.66·10⁹ word products`.
fn word_products(work: u64) -> String {
    if work < 1000 {
        return format!("{work} word products");
    }
    let e = work.ilog10();
    let mantissa = work as f64 / 10f64.powi(e as i32);
    const SUPERSCRIPT: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let exponent: String = e
        .to_string()
        .bytes()
        .map(|b| SUPERSCRIPT[usize::from(b - b'0')])
        .collect();
    format!("{mantissa:.2}·10{exponent} word products")
}

/// A meter for `work` · 10⁹ word products, stopped also when the overall
/// time left (`remaining`) runs out; `None` (not tried) for no work.
fn meter(work: f64, remaining: Option<Duration>) -> Option<ReplayMeter> {
    // `as` saturates: an enormous limit is no limit.
    let limit = (work * GIGA) as u64;
    (work > 0.0).then(|| ReplayMeter::new(Some(limit), remaining.map(|r| Instant::now() + r)))
}

/// Why a replay over Q that ended in `outcome` within `work` (10⁹ word
/// products) proves nothing.
fn replay_failure(outcome: &RationalReplay, work: f64) -> String {
    match outcome {
        RationalReplay::OutOfWork => format!(
            "the replay over Q did not finish within its work limit of {work}·10⁹ word products"
        ),
        RationalReplay::OutOfTime => {
            "the replay over Q was stopped by the overall time budget".into()
        }
        RationalReplay::Mismatch(why) => {
            format!("the replay over Q left the modular run's path: {why}")
        }
        RationalReplay::Leads(_) => "the replay over Q found no constant in the ideal".into(),
    }
}

/// Exact evidence that `polys` have no complex solution: the F4 run
/// `trace` replayed over Q within `work` (10⁹ word products) and the
/// overall time left finds a non-zero constant in the ideal.
fn unit_over_q(
    polys: &[SparsePoly],
    trace: &F4Trace,
    work: f64,
    remaining: Option<Duration>,
) -> std::result::Result<CountEvidence, String> {
    let meter = meter(work, remaining).ok_or(NOT_TRIED)?;
    let started = Instant::now();
    match leads_over_q(polys, trace, &meter) {
        RationalReplay::Leads(leads) if leads.iter().any(|l| l.iter().all(|&x| x == 0)) => {
            Ok(CountEvidence::ReplayOverQ {
                elements: 1,
                seconds: started.elapsed().as_secs_f64(),
                work: meter.used(),
            })
        }
        other => Err(replay_failure(&other, work)),
    }
}

/// A Gröbner basis over Q within the budget: its number of standard
/// monomials, if it equals `d`.
fn rational_count(
    polys: &[SparsePoly],
    variables: &[String],
    d: usize,
    opts: &SolveOptions,
) -> Result<Option<CountEvidence>> {
    let Some(b) = opts.rational_basis_budget else {
        return Ok(None);
    };
    if d > MAX_RATIONAL_BASIS_SOLUTIONS || variables.len() > MAX_RATIONAL_BASIS_UNKNOWNS {
        return Ok(None);
    }
    let Some(gb) = groebner_basis(
        polys,
        variables,
        MonomialOrder::GrevLex,
        Field::Rational,
        Some(Duration::from_secs_f64(b)),
    )?
    else {
        return Ok(None);
    };
    let leads = gb.leading_monomials();
    match standard_monomials(&leads, variables.len(), 1_000_000) {
        Some(basis) if basis.len() == d => Ok(Some(CountEvidence::RationalBasis {
            seconds: gb.seconds,
        })),
        Some(basis) => Err(Error::Computation(format!(
            "the Gröbner basis over Q has {} standard monomials but the modular ones {d}: report this instance",
            basis.len()
        ))),
        None => Err(Error::Computation(
            "the Gröbner basis over Q is not zero-dimensional but the modular ones are: report this instance"
                .into(),
        )),
    }
}

/// Check (d) of the module docs, exactly: whether the form
/// `ℓ = Σ cᵢ xᵢ` evaluated on the representation gives back t,
/// `Σ cᵢ hᵢ(t) ≡ t·χ'(t) (mod χ)`. Then at every root t₀ of the squarefree
/// χ (where χ'(t₀) ≠ 0) `ℓ(x(t₀)) = t₀`, so distinct roots give distinct
/// points. With χ of degree D, `t·χ' − D·χ = Σⱼ (j − D)·χⱼ tʲ` has degree
/// below D and is `t·χ'` modulo χ, and so is `Σ cᵢ hᵢ` (each `hᵢ` has
/// degree below D): the congruence is the equality of their coefficients,
/// checked without any reduction modulo χ (numerators of degree D or more
/// are reduced in `Q[t]/χ` instead). Errors on a constant χ or a form of
/// the wrong length.
pub fn form_separates(rur: &Rur) -> Result<bool> {
    let nvars = rur.numerators.len() + rur.saturation.len();
    if rur.form.len() != nvars || rur.form[rur.numerators.len()..].iter().any(|&c| c != 0) {
        return Err(Error::Computation(format!(
            "a separating form with {} coefficients for {} variables, {} of them represented",
            rur.form.len(),
            nvars,
            rur.numerators.len()
        )));
    }
    let d = rur
        .chi
        .degree()
        .filter(|&d| d > 0)
        .ok_or_else(|| Error::Computation("a constant minimal polynomial".into()))?;
    if rur
        .numerators
        .iter()
        .any(|h| h.degree().is_some_and(|e| e >= d))
    {
        // Not reduced modulo χ (no representation built here is): in Q[t]/χ.
        let ring = Qt::new(&rur.chi)
            .ok_or_else(|| Error::Computation("a constant minimal polynomial".into()))?;
        let mut acc = ring.zero();
        for (&c, h) in rur.form.iter().zip(&rur.numerators) {
            let t = ring.scale(&ring.elem(h), &BigRational::from_integer(c.into()));
            acc = ring.add(&acc, &t);
        }
        let t_dchi = ring.elem(&UPoly::x().mul(&rur.chi_derivative()));
        return Ok(ring.sub(&acc, &t_dchi).is_zero());
    }
    let coeff = |p: &UPoly, k: usize| p.coeffs().get(k).cloned().unwrap_or_else(BigRational::zero);
    Ok((0..d).into_par_iter().all(|k| {
        let shift = BigInt::from(k) - BigInt::from(d);
        let mut terms: Vec<(BigInt, BigInt)> = vec![{
            let c = coeff(&rur.chi, k);
            (-(c.numer() * &shift), c.denom().clone())
        }];
        for (&c, h) in rur.form.iter().zip(&rur.numerators) {
            let x = coeff(h, k);
            if c != 0 && !x.is_zero() {
                terms.push((x.numer() * c, x.denom().clone()));
            }
        }
        sum_is_zero(terms)
    }))
}

/// Whether `Σ nᵢ/dᵢ = 0` (every `dᵢ > 0`): the numerators over each
/// distinct denominator are added, and the groups compared by
/// cross-multiplication, so that no gcd of tall numbers is taken (the
/// coefficients of a representation share a few denominators).
fn sum_is_zero(terms: Vec<(BigInt, BigInt)>) -> bool {
    let mut groups: Vec<(BigInt, BigInt)> = Vec::new();
    for (n, den) in terms {
        match groups.iter_mut().find(|(g, _)| *g == den) {
            Some((_, sum)) => *sum += n,
            None => groups.push((den, n)),
        }
    }
    // Σ sumᵢ·Π_{j≠i} denⱼ, built one group at a time as a fraction.
    let mut acc = (BigInt::zero(), BigInt::from(1));
    for (den, sum) in groups {
        acc = (&acc.0 * &den + sum * &acc.1, acc.1 * den);
    }
    acc.0.is_zero()
}

/// A Gröbner basis over Q within the budget, when it is `{1}`: the system
/// has no complex solution, exactly.
fn rational_empty(
    polys: &[SparsePoly],
    variables: &[String],
    opts: &SolveOptions,
) -> Result<Option<CountEvidence>> {
    let Some(b) = opts.rational_basis_budget else {
        return Ok(None);
    };
    if variables.len() > MAX_RATIONAL_BASIS_UNKNOWNS {
        return Ok(None);
    }
    let Some(gb) = groebner_basis(
        polys,
        variables,
        MonomialOrder::GrevLex,
        Field::Rational,
        Some(Duration::from_secs_f64(b)),
    )?
    else {
        return Ok(None);
    };
    if gb
        .leading_monomials()
        .iter()
        .any(|l| l.iter().all(|&x| x == 0))
    {
        Ok(Some(CountEvidence::RationalBasis {
            seconds: gb.seconds,
        }))
    } else {
        Err(Error::Computation(
            "the Gröbner basis over Q has solutions but two modular ones have none: report this instance"
                .into(),
        ))
    }
}

/// Verifies a representation on the system itself: every polynomial but
/// the saturation variables' equations, with `xᵢ = hᵢ/χ'` substituted and
/// denominators cleared, is divisible by χ, exactly (computed over Z and
/// divided exactly by χ's primitive integer form, see the module docs);
/// and every saturation equation `z·E + c` can be solved at every root,
/// `E(x(t))` vanishing at none ([`vanishes_at_no_root`]). Errors when an
/// equation other than its own involves a saturation variable.
pub fn verify_by_substitution(polys: &[SparsePoly], rur: &Rur) -> Result<bool> {
    let sub = IntSubstitution::new(rur)?;
    let equations: Vec<SparsePoly> = polys
        .iter()
        .enumerate()
        .filter(|(j, _)| !rur.saturation.iter().any(|s| s.equation == *j))
        .map(|(_, f)| f.primitive())
        .collect();
    let substituted = sub.substitute_all(&equations)?;
    // The exact divisions in parallel.
    let vanish: Vec<bool> = substituted.par_iter().map(|f| sub.divides(f)).collect();
    Ok(vanish.iter().all(|&v| v)
        && rur
            .saturation
            .iter()
            .all(|s| vanishes_at_no_root(rur, &s.factor)))
}

/// The substitution `xᵢ = hᵢ/χ'` over Z, without reduction modulo χ: with
/// μ the least common multiple of the denominators of χ' and the hᵢ,
/// `Y₀ = μχ'` and `Yᵢ = μhᵢ` are integer polynomials, and for a polynomial
/// f of degree D with integer coefficients `F = Σ c_e Y^e Y₀^{D−|e|}` is
/// `μ^D χ'^D f(h/χ')`. f vanishes at the point of every root of χ iff the
/// primitive integer form of χ divides F: then the quotient is an integer
/// polynomial (Gauss's lemma), so exact division over Z decides it and its
/// numbers never grow beyond the quotient's. (Reducing modulo χ instead
/// multiplies by χ's leading coefficient at every step, which for a
/// representation with a tall χ costs far more than the products.)
struct IntSubstitution {
    chi: IPoly,
    sub: Substitution<IntPolys>,
}

impl IntSubstitution {
    fn new(rur: &Rur) -> Result<Self> {
        let ring = Qt::new(&rur.chi)
            .ok_or_else(|| Error::Computation("a constant minimal polynomial".into()))?;
        let chi = ring.chi_integer().clone();
        let dchi = rur.chi_derivative();
        let all: Vec<BigRational> = std::iter::once(&dchi)
            .chain(&rur.numerators)
            .flat_map(|p| p.coeffs().to_vec())
            .collect();
        let (_, mu) = intpoly::clear_denominators(&all);
        // μ·c for each coefficient c = n/d is the integer n·(μ/d).
        let scaled = |p: &UPoly| -> IPoly {
            let mut out: IPoly = p
                .coeffs()
                .iter()
                .map(|c| c.numer() * (&mu / c.denom()))
                .collect();
            intpoly::trim(&mut out);
            out
        };
        let sub = Substitution {
            h: rur.numerators.iter().map(scaled).collect(),
            dchi: scaled(&dchi),
            ring: IntPolys,
        };
        Ok(Self { chi, sub })
    }

    /// Whether χ divides `F` (exactly, over Z).
    fn divides(&self, big_f: &IPoly) -> bool {
        big_f.is_empty() || intpoly::exact_div(big_f, &self.chi).is_some()
    }

    /// `F = Σ c_e Y^e Y₀^{D−|e|}` for each of the polynomials `fs`, which
    /// must have integer coefficients; an error when one involves an
    /// unrepresented variable.
    ///
    /// The products `Y^e` are shared: every monomial needed (in any of the
    /// `fs`) is its first variable times a monomial of one degree less,
    /// computed once and kept, so each distinct monomial of degree ≥ 2 costs
    /// one product (45 products for the ten quadrics of the m = 4
    /// S-system, where a Horner scheme per equation takes 110), and each F
    /// is then a combination of them with the small coefficients `c_e`.
    fn substitute_all(&self, fs: &[SparsePoly]) -> Result<Vec<IPoly>> {
        let nvars = self.sub.h.len();
        let forms = fs
            .iter()
            .map(|f| homogeneous_terms(f, nvars))
            .collect::<Result<Vec<_>>>()?;
        // Every monomial needed, and the ones it is built from.
        let mut needed: HashSet<Vec<u16>> = HashSet::new();
        let mut pending: Vec<Vec<u16>> = forms
            .iter()
            .flat_map(|(_, terms)| terms.iter().map(|(e, _)| e.clone()))
            .collect();
        while let Some(e) = pending.pop() {
            if needed.contains(&e) {
                continue;
            }
            if let Some((_, parent)) = split_first_variable(&e) {
                pending.push(parent);
            }
            needed.insert(e);
        }
        let mut by_degree: BTreeMap<usize, Vec<Vec<u16>>> = BTreeMap::new();
        for e in needed {
            let deg = e.iter().map(|&k| usize::from(k)).sum();
            by_degree.entry(deg).or_default().push(e);
        }
        // Degree by degree, the products of one degree in parallel.
        let mut products: HashMap<Vec<u16>, IPoly> = HashMap::new();
        for (deg, monomials) in by_degree {
            let made: Vec<(Vec<u16>, IPoly)> = monomials
                .into_par_iter()
                .map(|e| {
                    let value = match split_first_variable(&e) {
                        None => IntPolys.one(),
                        Some((k, _)) if deg == 1 => self.sub.y(k).clone(),
                        Some((k, parent)) => intpoly::mul(self.sub.y(k), &products[&parent]),
                    };
                    (e, value)
                })
                .collect();
            products.extend(made);
        }
        Ok(forms
            .par_iter()
            .map(|(_, terms)| {
                let mut out: IPoly = Vec::new();
                for (e, c) in terms {
                    debug_assert!(c.is_integer());
                    let y = &products[e];
                    if out.len() < y.len() {
                        out.resize(y.len(), BigInt::zero());
                    }
                    for (o, x) in out.iter_mut().zip(y) {
                        *o += x * c.numer();
                    }
                }
                intpoly::trim(&mut out);
                out
            })
            .collect())
    }
}

/// The first variable of a monomial and the monomial divided by it; `None`
/// for the monomial 1.
fn split_first_variable(e: &[u16]) -> Option<(usize, Vec<u16>)> {
    let k = e.iter().position(|&x| x > 0)?;
    let mut parent = e.to_vec();
    parent[k] -= 1;
    Some((k, parent))
}

/// Whether the polynomial `e` in the represented variables vanishes at no
/// root of χ: whether `χ'^{deg e}·e(h/χ')` and χ are coprime modulo one of
/// the first few 62-bit primes at which χ, the hᵢ and e are p-integral.
/// That is a proof (χ' does not vanish at a root of the squarefree χ): a
/// common factor over Q, taken primitive in `Z[t]`, divides χ's primitive
/// integer form, so its leading coefficient is a p-unit and it stays a
/// common factor of the same positive degree modulo p. `false` when no such
/// prime shows it (then some root may be a zero of e).
pub fn vanishes_at_no_root(rur: &Rur, e: &SparsePoly) -> bool {
    const PRIMES: usize = 4;
    intpoly::primes()
        .take(PRIMES)
        .any(|p| coprime_to_chi_mod(rur, e, p))
}

/// Whether `χ'^{deg e}·e(h/χ')` and χ are coprime modulo `p`; `false` when
/// χ, the hᵢ or e are not p-integral there or χ's leading coefficient is
/// not a p-unit.
fn coprime_to_chi_mod(rur: &Rur, e: &SparsePoly, p: u64) -> bool {
    let Some(ring) = QtModP::new(&rur.chi, p) else {
        return false;
    };
    let integral = rur.numerators.iter().all(|h| ring.admits_poly(h))
        && e.terms().iter().all(|(_, c)| ring.admits(c));
    if !integral {
        return false;
    }
    let chi = ring.chi_residues();
    let sub = Substitution::new(ring, rur);
    match sub.eval(e) {
        Ok(w) => intpoly::gcd_mod(chi, w, p).len() == 1,
        Err(_) => false,
    }
}

/// Polynomials in the represented variables evaluated at `xᵢ = hᵢ/χ'` with
/// denominators cleared, `χ'^{deg f}·f(h/χ')`, in `Q[t]/χ`, its image
/// modulo a prime, or `Z[t]` ([`IntSubstitution`]).
struct Substitution<R: QuotientRing> {
    ring: R,
    h: Vec<R::E>,
    dchi: R::E,
}

/// A term of a homogeneous polynomial in `y₀ = χ'`, `yᵢ₊₁ = hᵢ`.
type HomTerm<'a> = (Vec<u16>, &'a BigRational);

/// f's degree D and its terms made homogeneous of degree D in
/// `(y₀, y₁, …, y_nvars)`, `y₀` taking the missing degree; an error when f
/// involves a variable after the first `nvars` (one the representation
/// leaves out).
fn homogeneous_terms(f: &SparsePoly, nvars: usize) -> Result<(usize, Vec<HomTerm<'_>>)> {
    let deg = usize::try_from(f.total_degree().max(0)).unwrap_or(0);
    let mut terms: Vec<HomTerm<'_>> = Vec::with_capacity(f.terms().len());
    for (e, c) in f.terms() {
        if e.iter().skip(nvars).any(|&k| k > 0) {
            return Err(Error::Computation(
                "an equation involves a variable the representation leaves out".into(),
            ));
        }
        let used: usize = e.iter().map(|&k| usize::from(k)).sum();
        let mut y = Vec::with_capacity(nvars + 1);
        y.push(u16::try_from(deg - used).unwrap_or(u16::MAX));
        y.extend_from_slice(&e[..nvars.min(e.len())]);
        y.resize(nvars + 1, 0);
        terms.push((y, c));
    }
    Ok((deg, terms))
}

impl<R: QuotientRing> Substitution<R> {
    fn new(ring: R, rur: &Rur) -> Self {
        let h: Vec<R::E> = rur.numerators.iter().map(|p| ring.elem(p)).collect();
        let dchi = ring.elem(&rur.chi_derivative());
        Self { ring, h, dchi }
    }

    /// `χ'^{deg f}·f(h/χ')`; an error when f involves an unrepresented
    /// variable.
    fn eval(&self, f: &SparsePoly) -> Result<R::E> {
        let (deg, terms) = homogeneous_terms(f, self.h.len())?;
        Ok(self.horner(terms, deg))
    }

    fn y(&self, k: usize) -> &R::E {
        if k == 0 { &self.dchi } else { &self.h[k - 1] }
    }

    /// A homogeneous polynomial of degree `deg` in the `y`, by Horner's
    /// scheme: `F = Σₖ yₖ·Fₖ`, each monomial in the `Fₖ` of its first
    /// variable, so that each level costs one reduction modulo χ (a
    /// [`QuotientRing::dot`]) instead of one per product; the degree-1
    /// parts are linear combinations.
    fn horner(&self, terms: Vec<HomTerm<'_>>, deg: usize) -> R::E {
        let ring = &self.ring;
        let first = |e: &[u16]| e.iter().position(|&k| k > 0).unwrap_or(0);
        match deg {
            0 => {
                let c: BigRational = terms.iter().map(|(_, c)| (*c).clone()).sum();
                ring.scale(&ring.one(), &c)
            }
            1 => terms.iter().fold(ring.zero(), |acc, (e, c)| {
                ring.add(&acc, &ring.scale(self.y(first(e)), c))
            }),
            _ => {
                let mut groups: std::collections::BTreeMap<usize, Vec<HomTerm<'_>>> =
                    std::collections::BTreeMap::new();
                for (mut e, c) in terms {
                    let k = first(&e);
                    e[k] -= 1;
                    groups.entry(k).or_default().push((e, c));
                }
                let parts: Vec<(usize, R::E)> = groups
                    .into_iter()
                    .map(|(k, t)| (k, self.horner(t, deg - 1)))
                    .collect();
                let pairs: Vec<(&R::E, &R::E)> =
                    parts.iter().map(|(k, v)| (self.y(*k), v)).collect();
                ring.dot(&pairs)
            }
        }
    }
}

/// Deterministic candidate forms: 1, 2, …, then sign and size variations.
fn form_candidates(nvars: usize, allowed: &[usize]) -> Vec<Vec<i64>> {
    let active: Vec<usize> = if allowed.is_empty() {
        (0..nvars).collect()
    } else {
        allowed.to_vec()
    };
    let mut out = Vec::new();
    let patterns: [&dyn Fn(usize) -> i64; 6] = [
        &|k| k as i64 + 1,
        &|k| {
            if k % 2 == 0 {
                k as i64 + 1
            } else {
                -(k as i64) - 1
            }
        },
        &|k| (k as i64 * 3) % 7 + 1,
        &|k| 2 * k as i64 + 1,
        &|k| ((k as i64 * 5 + 2) % 11) - 5,
        &|k| ((k as i64 * 7 + 3) % 13) - 6,
    ];
    for (j, pat) in patterns.iter().enumerate() {
        for shift in 0..4 {
            let mut f = vec![0i64; nvars];
            for (pos, &k) in active.iter().enumerate() {
                f[k] = pat(pos + shift) + j as i64 * shift as i64;
            }
            if f.iter().any(|&c| c != 0) && !out.contains(&f) {
                out.push(f);
            }
        }
    }
    out
}

/// The standard monomials of a monomial ideal given by `leads`, if finitely
/// many (at most `limit`).
pub fn standard_monomials(leads: &[Vec<u16>], nvars: usize, limit: usize) -> Option<Vec<Vec<u16>>> {
    // Zero-dimensional iff every variable has a pure power among the leads.
    for v in 0..nvars {
        let pure = leads
            .iter()
            .any(|l| l[v] > 0 && l.iter().enumerate().all(|(k, &x)| k == v || x == 0));
        if !pure {
            return None;
        }
    }
    let mut out = Vec::new();
    let mut stack = vec![vec![0u16; nvars]];
    let mut seen = std::collections::HashSet::new();
    while let Some(m) = stack.pop() {
        if !seen.insert(m.clone()) || leads.iter().any(|l| divides(l, &m)) {
            continue;
        }
        out.push(m.clone());
        if out.len() > limit {
            return None;
        }
        for v in 0..nvars {
            let mut x = m.clone();
            x[v] += 1;
            stack.push(x);
        }
    }
    out.sort_by(|a, b| MonomialOrder::GrevLex.cmp(a, b));
    Some(out)
}

/// A monic basis element modulo p: its leading monomial and the other terms.
type ModElement = (Vec<u16>, Vec<(Vec<u16>, u64)>);

enum Quot {
    Empty,
    Positive(usize),
    Finite(ModQuotient),
    Unusable,
}

/// The quotient algebra over Z/p of a zero-dimensional system.
struct ModQuotient {
    f: Fp,
    /// Monic basis elements: (lead, tail terms).
    gb: Vec<ModElement>,
    basis: Vec<Vec<u16>>,
    index: HashMap<Vec<u16>, usize>,
    mult: Vec<Vec<Vec<u64>>>,
}

enum ModRur {
    Ok(ModRurData),
    NotCyclic,
    NotSquarefree(usize),
}

struct ModRurData {
    /// χ without its leading 1 (coefficients of t⁰..t^{D−1}).
    chi_low: Vec<u64>,
    /// hᵢ coefficients, per variable.
    h: Vec<Vec<u64>>,
}

impl ModRurData {
    fn flat(&self) -> impl Iterator<Item = u64> + '_ {
        self.chi_low
            .iter()
            .copied()
            .chain(self.h.iter().flat_map(|v| v.iter().copied()))
    }
}

impl ModQuotient {
    /// The quotient modulo p, with F4's tracer used as `trace` says (the
    /// trace recorded when it asks for one). `Ok(None)` when the budget ran
    /// out.
    fn compute(
        polys: &[SparsePoly],
        variables: &[String],
        p: u32,
        budget: Option<Duration>,
        trace: Trace<'_>,
    ) -> Result<Option<(Quot, Option<F4Trace>)>> {
        let f = Fp::new(p);
        if divides_some_content(polys, f) {
            return Ok(Some((Quot::Unusable, None)));
        }
        let order = MonomialOrder::GrevLex;
        let (gb, learned) = match modular_terms_traced(polys, variables, order, p, budget, trace) {
            Ok(Some(found)) => found,
            Ok(None) => return Ok(None),
            Err(Error::Computation(_)) => return Ok(Some((Quot::Unusable, None))),
            Err(e) => return Err(e),
        };
        Ok(Some((
            Self::from_basis(monic_elements(gb), variables.len(), f),
            learned,
        )))
    }

    /// The quotient algebra of a reduced grevlex basis modulo the prime of
    /// `f`, given as its monic elements.
    fn from_basis(elems: Vec<ModElement>, nvars: usize, f: Fp) -> Quot {
        if elems.iter().any(|(l, _)| l.iter().all(|&x| x == 0)) {
            return Quot::Empty;
        }
        let leads: Vec<Vec<u16>> = elems.iter().map(|(l, _)| l.clone()).collect();
        let Some(basis) = standard_monomials(&leads, nvars, 20_000) else {
            return Quot::Positive(krull_dimension(&leads, nvars));
        };
        let index: HashMap<Vec<u16>, usize> = basis
            .iter()
            .enumerate()
            .map(|(i, m)| (m.clone(), i))
            .collect();
        let mut q = ModQuotient {
            f,
            gb: elems,
            basis,
            index,
            mult: Vec::new(),
        };
        q.mult = q.multiplication_matrices(nvars);
        Quot::Finite(q)
    }

    /// The matrices of multiplication by each variable on the standard
    /// monomials (`m[row][col]`: column j is the normal form of the variable
    /// times the j-th standard monomial).
    fn multiplication_matrices(&self, nvars: usize) -> Vec<Vec<Vec<u64>>> {
        let mut memo: HashMap<Vec<u16>, Vec<u64>> = HashMap::new();
        let d = self.basis.len();
        let mut mult = Vec::with_capacity(nvars);
        for v in 0..nvars {
            let mut m = vec![vec![0u64; d]; d]; // m[row][col]
            for (j, b) in self.basis.iter().enumerate() {
                let mut x = b.clone();
                x[v] += 1;
                let col = self.nf(&x, &mut memo);
                for (i, &c) in col.iter().enumerate() {
                    m[i][j] = c;
                }
            }
            mult.push(m);
        }
        mult
    }
}

/// Whether the prime of `f` is unusable for `polys`: it divides the content
/// of one of them (so the system changes modulo p).
fn divides_some_content(polys: &[SparsePoly], f: Fp) -> bool {
    polys.iter().any(|poly| {
        let prim = poly.primitive();
        !prim.terms().is_empty() && prim.terms().iter().all(|(_, c)| f.from_int(c.numer()) == 0)
    })
}

/// The elements of a monic basis over Z/p (as F4 gives it): each one's
/// leading monomial in grevlex and its other terms.
fn monic_elements(gb: Vec<ModTerms>) -> Vec<ModElement> {
    gb.into_iter()
        .filter_map(|terms| {
            let lead = terms
                .iter()
                .map(|(e, _)| e)
                .max_by(|a, b| MonomialOrder::GrevLex.cmp(a, b))?
                .clone();
            debug_assert!(terms.iter().any(|(e, c)| *e == lead && *c == 1));
            let tail: Vec<(Vec<u16>, u64)> = terms
                .into_iter()
                .filter(|(e, c)| *e != lead && *c != 0)
                .map(|(e, c)| (e, u64::from(c)))
                .collect();
            Some((lead, tail))
        })
        .collect()
}

impl ModQuotient {
    /// Normal form of a monomial as coordinates on the standard monomials.
    ///
    /// Each reducible monomial is `lead·shift`, replaced by the tail times
    /// `shift`; the tail's monomials are smaller, so the reductions form a
    /// finite DAG. It is walked with an explicit stack (children first,
    /// every result memoized): the chains get long enough on larger
    /// quotients to overflow a thread's stack when walked by recursion.
    fn nf(&self, mono: &[u16], memo: &mut HashMap<Vec<u16>, Vec<u64>>) -> Vec<u64> {
        let d = self.basis.len();
        let unit = |i: usize| {
            let mut v = vec![0; d];
            v[i] = 1;
            v
        };
        if let Some(&i) = self.index.get(mono) {
            return unit(i);
        }
        let known = |m: &[u16], memo: &HashMap<Vec<u16>, Vec<u64>>| {
            self.index.contains_key(m) || memo.contains_key(m)
        };
        // (monomial, its children were pushed)
        let mut stack: Vec<(Vec<u16>, bool)> = vec![(mono.to_vec(), false)];
        while let Some((m, expanded)) = stack.pop() {
            if !expanded && known(&m, memo) {
                continue;
            }
            let Some((lead, tail)) = self.gb.iter().find(|(l, _)| divides(l, &m)) else {
                memo.insert(m, vec![0u64; d]);
                continue;
            };
            let shift: Vec<u16> = m.iter().zip(lead).map(|(a, b)| a - b).collect();
            let children = tail.iter().map(|(e, _)| {
                e.iter()
                    .zip(&shift)
                    .map(|(a, b)| a + b)
                    .collect::<Vec<u16>>()
            });
            if !expanded {
                let pending: Vec<Vec<u16>> = children.filter(|c| !known(c, memo)).collect();
                stack.push((m, true));
                stack.extend(pending.into_iter().map(|c| (c, false)));
                continue;
            }
            let mut out = vec![0u64; d];
            for ((_, c), child) in tail.iter().zip(children) {
                match self.index.get(&child) {
                    Some(&i) => out[i] = self.f.sub(out[i], *c),
                    None => {
                        for (o, &s) in out.iter_mut().zip(&memo[&child]) {
                            *o = self.f.sub_mul(*o, *c, s);
                        }
                    }
                }
            }
            memo.insert(m, out);
        }
        memo[mono].clone()
    }

    /// The representation for `form`, with numerators for the first `kept`
    /// variables.
    fn rur(&self, form: &[i64], kept: usize) -> ModRur {
        let f = self.f;
        let d = self.basis.len();
        let p = f.modulus();
        // M_ℓ = Σ cᵢ Mᵢ.
        let mut ml = vec![vec![0u64; d]; d];
        for (v, &c) in form.iter().enumerate() {
            if c == 0 {
                continue;
            }
            let cm = if c >= 0 {
                c as u64 % p
            } else {
                f.neg((-c) as u64 % p)
            };
            for (row, src) in ml.iter_mut().zip(&self.mult[v]) {
                for (x, &y) in row.iter_mut().zip(src) {
                    *x = f.reduce(*x + cm * y);
                }
            }
        }
        let apply = |m: &Vec<Vec<u64>>, x: &[u64]| -> Vec<u64> {
            m.iter()
                .map(|row| f.dot(row.iter().copied(), x.iter().copied()))
                .collect()
        };
        let one = match self.index.get(&vec![0u16; self.basis[0].len()]) {
            Some(&i) => i,
            None => return ModRur::NotCyclic,
        };
        let mut krylov: Vec<Vec<u64>> = Vec::with_capacity(d + 1);
        let mut v = vec![0u64; d];
        v[one] = 1;
        for _ in 0..=d {
            let next = apply(&ml, &v);
            krylov.push(v);
            v = next;
        }
        // Columns v_0..v_{D−1}: solve K·a = v_D and K·gᵢ = xᵢ·1.
        let mut rhs: Vec<Vec<u64>> = vec![krylov[d].clone()];
        for m in &self.mult[..kept] {
            let mut e = vec![0u64; d];
            e[one] = 1;
            rhs.push(apply(m, &e));
        }
        let cols: Vec<Vec<u64>> = krylov[..d].to_vec();
        let Some(sol) = solve_mod(f, &cols, &rhs) else {
            return ModRur::NotCyclic;
        };
        // χ(t) = t^D − Σ a_k t^k.
        let mut chi: Vec<u64> = sol[0].iter().map(|&a| f.neg(a)).collect();
        chi.push(1);
        let dchi = poly_derivative(f, &chi);
        let g = poly_gcd(f, &chi, &dchi);
        if g.len() > 1 {
            let sqf = d + 1 - g.len(); // degree of χ / gcd
            return ModRur::NotSquarefree(sqf);
        }
        let h: Vec<Vec<u64>> = sol[1..]
            .iter()
            .map(|gi| {
                let mut r = poly_rem(f, &poly_mul(f, gi, &dchi), &chi);
                r.resize(d, 0);
                r
            })
            .collect();
        ModRur::Ok(ModRurData {
            chi_low: chi[..d].to_vec(),
            h,
        })
    }
}

/// Krull dimension of the monomial ideal (largest set of variables containing
/// no leading monomial's support); at most
/// [`MAX_MASK_VARIABLES`](crate::polynomial::ideal::MAX_MASK_VARIABLES)
/// variables.
pub fn krull_dimension(leads: &[Vec<u16>], nvars: usize) -> usize {
    let supports: Vec<u64> = leads.iter().map(|l| support_mask(l)).collect();
    max_independent_set(nvars, &supports).count_ones() as usize
}

/// Solves `[c_0 … c_{D−1}] x = b` for each right-hand side (columns given),
/// or `None` if the columns are dependent.
fn solve_mod(f: Fp, cols: &[Vec<u64>], rhs: &[Vec<u64>]) -> Option<Vec<Vec<u64>>> {
    let d = cols.len();
    let r = rhs.len();
    // Augmented row-major matrix [K | B].
    let mut a: Vec<Vec<u64>> = (0..d)
        .map(|i| {
            let mut row: Vec<u64> = cols.iter().map(|c| c[i]).collect();
            row.extend(rhs.iter().map(|b| b[i]));
            row
        })
        .collect();
    for col in 0..d {
        let piv = (col..d).find(|&i| a[i][col] != 0)?;
        a.swap(col, piv);
        let inv = f.inv(a[col][col])?;
        for x in a[col].iter_mut() {
            *x = f.mul(*x, inv);
        }
        let pivot_row = a[col].clone();
        for (i, row) in a.iter_mut().enumerate() {
            if i != col && row[col] != 0 {
                let factor = row[col];
                for (x, p) in row.iter_mut().zip(&pivot_row) {
                    *x = f.sub_mul(*x, factor, *p);
                }
            }
        }
    }
    Some(
        (0..r)
            .map(|k| (0..d).map(|i| a[i][d + k]).collect())
            .collect(),
    )
}

fn trim(mut p: Vec<u64>) -> Vec<u64> {
    while p.last() == Some(&0) {
        p.pop();
    }
    p
}

fn poly_derivative(f: Fp, p: &[u64]) -> Vec<u64> {
    trim(
        p.iter()
            .enumerate()
            .skip(1)
            .map(|(k, &c)| f.mul(c, k as u64 % f.modulus()))
            .collect(),
    )
}

fn poly_mul(f: Fp, a: &[u64], b: &[u64]) -> Vec<u64> {
    if a.is_empty() || b.is_empty() {
        return Vec::new();
    }
    let mut out = vec![0u64; a.len() + b.len() - 1];
    for (i, &x) in a.iter().enumerate() {
        if x == 0 {
            continue;
        }
        for (j, &y) in b.iter().enumerate() {
            out[i + j] = f.reduce(out[i + j] + x * y);
        }
    }
    trim(out)
}

fn poly_rem(f: Fp, a: &[u64], b: &[u64]) -> Vec<u64> {
    let b = trim(b.to_vec());
    let mut r = trim(a.to_vec());
    let Some(&lb) = b.last() else {
        return r;
    };
    let inv = f.inv(lb).unwrap_or(0);
    while r.len() >= b.len() && !r.is_empty() {
        let shift = r.len() - b.len();
        let c = f.mul(*r.last().unwrap_or(&0), inv);
        for (k, &y) in b.iter().enumerate() {
            r[shift + k] = f.sub_mul(r[shift + k], c, y);
        }
        r = trim(r);
    }
    r
}

fn poly_gcd(f: Fp, a: &[u64], b: &[u64]) -> Vec<u64> {
    let (mut x, mut y) = (trim(a.to_vec()), trim(b.to_vec()));
    while !y.is_empty() {
        let r = poly_rem(f, &x, &y);
        x = y;
        y = r;
    }
    if let Some(&l) = x.last() {
        let inv = f.inv(l).unwrap_or(0);
        x.iter_mut().for_each(|c| *c = f.mul(*c, inv));
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_is_reported_with_a_power_of_ten() {
        assert_eq!(word_products(0), "0 word products");
        assert_eq!(word_products(999), "999 word products");
        assert_eq!(word_products(1000), "1.00·10³ word products");
        assert_eq!(word_products(2_662_544_716), "2.66·10⁹ word products");
        assert_eq!(word_products(u64::MAX), "1.84·10¹⁹ word products");
    }

    fn q(p: i64, d: i64) -> BigRational {
        BigRational::new(p.into(), d.into())
    }

    /// `x² − 2 = 0, y − x = 0, z·(x + y) − 1 = 0` in (x, y, z): z is a
    /// saturation variable, `z = 1/(2x)`.
    fn saturated_system() -> (Vec<String>, Vec<SparsePoly>) {
        let (x, y, z) = (
            SparsePoly::var(3, 0),
            SparsePoly::var(3, 1),
            SparsePoly::var(3, 2),
        );
        let c = |k: i64| SparsePoly::constant(3, q(k, 1));
        (
            vec!["x".into(), "y".into(), "z".into()],
            vec![
                x.mul(&x).sub(&c(2)),
                y.sub(&x),
                z.mul(&x.add(&y)).sub(&c(1)),
            ],
        )
    }

    #[test]
    fn saturation_variables_are_found_only_where_they_are_functions() {
        let (_, polys) = saturated_system();
        let sat = saturation_variables(&polys, 3);
        assert_eq!(sat.len(), 1);
        assert_eq!((sat[0].variable, sat[0].equation), (2, 2));
        assert_eq!(sat[0].constant, q(-1, 1));
        let (x, y) = (SparsePoly::var(3, 0), SparsePoly::var(3, 1));
        assert_eq!(sat[0].factor, x.add(&y));
        let z = SparsePoly::var(3, 2);
        let c = |k: i64| SparsePoly::constant(3, q(k, 1));
        // z in two equations, z², no constant, or a constant that is 0:
        // not a function of the others in that form.
        let mut twice = polys.clone();
        twice[1] = twice[1].add(&z);
        let squared = vec![
            polys[0].clone(),
            polys[1].clone(),
            z.mul(&z).mul(&x).sub(&c(1)),
        ];
        let no_constant = vec![polys[0].clone(), polys[1].clone(), z.mul(&x).sub(&y)];
        let homogeneous = vec![polys[0].clone(), polys[1].clone(), z.mul(&x)];
        for sys in [twice, squared, no_constant, homogeneous] {
            assert!(saturation_variables(&sys, 3).is_empty());
        }
        // Two trailing saturation variables, and one whose factor involves
        // the other (then only the last is one).
        let w = SparsePoly::var(4, 3);
        let lift = |f: &SparsePoly| {
            SparsePoly::from_terms(
                4,
                f.terms()
                    .iter()
                    .map(|(e, c)| {
                        let mut e = e.clone();
                        e.push(0);
                        (e, c.clone())
                    })
                    .collect(),
            )
        };
        let x4 = SparsePoly::var(4, 0);
        let one4 = SparsePoly::constant(4, q(1, 1));
        let mut two: Vec<SparsePoly> = polys.iter().map(lift).collect();
        two.push(w.mul(&x4).sub(&one4));
        let found = saturation_variables(&two, 4);
        assert_eq!(
            found.iter().map(|s| s.variable).collect::<Vec<_>>(),
            vec![2, 3]
        );
        let z4 = SparsePoly::var(4, 2);
        two[3] = w.mul(&z4).sub(&one4);
        let found = saturation_variables(&two, 4);
        assert_eq!(
            found.iter().map(|s| s.variable).collect::<Vec<_>>(),
            vec![3]
        );
    }

    #[test]
    fn a_saturated_system_is_solved_without_its_saturation_variable() {
        let (names, polys) = saturated_system();
        let Solved::Finite(f) = solve(&polys, &names, &SolveOptions::default(), None).unwrap()
        else {
            panic!("two solutions expected");
        };
        assert_eq!(f.count, 2);
        assert_eq!(f.rur.numerators.len(), 2);
        assert_eq!(f.rur.saturation.len(), 1);
        assert_eq!(f.rur.form[2], 0);
        assert!(verify_by_substitution(&polys, &f.rur).unwrap());
        assert!(form_separates(&f.rur).unwrap());
        // z = 1/(x + y) modulo 17 at x = y = 6 (6² ≡ 2): 1/12 ≡ 10.
        let p = 17u64;
        assert_eq!(f.rur.saturation_values_mod(&[6, 6], p), Some(vec![10]));
        assert_eq!(f.rur.saturation_values_mod(&[0, 0], p), None);
    }

    #[test]
    fn saturating_last_gives_the_whole_systems_solutions_or_falls_back() {
        let saturate_last = SolveOptions {
            saturate_last: true,
            ..modular_only()
        };
        let finite_with = |polys: &[SparsePoly], names: &[String], opts: &SolveOptions| match solve(
            polys, names, opts, None,
        )
        .unwrap()
        {
            Solved::Finite(f) => f,
            other => panic!("a finite solution set expected, got {other:?}"),
        };
        let without = |f: &FiniteSolutions| match f.count_evidence {
            CountEvidence::TwoPrimes {
                without_saturation, ..
            } => without_saturation,
            _ => panic!("no count over Q was asked for"),
        };
        // x² = 2, y = x, z(x + y) = 1: x + y vanishes at no root, so the
        // system without z's equation is solved, and its two points verify on
        // the whole system.
        let (names, polys) = saturated_system();
        let f = finite_with(&polys, &names, &saturate_last);
        assert!(without(&f));
        assert_eq!(f.count, 2);
        assert!(verify_by_substitution(&polys, &f.rur).unwrap());
        let whole = finite(&polys, &names);
        assert!(!without(&whole));
        assert_eq!(
            (whole.rur.chi.clone(), whole.rur.numerators.clone()),
            (f.rur.chi, f.rur.numerators)
        );
        // x² = x, y = 1, z·x = 1: the factor x vanishes at the root x = 0 of
        // the smaller system, so the whole system (one point) is solved.
        let (x, y, z) = (
            SparsePoly::var(3, 0),
            SparsePoly::var(3, 1),
            SparsePoly::var(3, 2),
        );
        let one = SparsePoly::constant(3, q(1, 1));
        let polys = vec![x.mul(&x).sub(&x), y.sub(&one), z.mul(&x).sub(&one)];
        let f = finite_with(&polys, &names, &saturate_last);
        assert!(!without(&f));
        assert_eq!(f.count, 1);
        assert!(verify_by_substitution(&polys, &f.rur).unwrap());
        // y·(y − 1) = 0 alone, z·x = 1: positive-dimensional without z's
        // equation (x is free), one-dimensional as a whole too; the answer
        // is the whole system's.
        let polys = vec![y.mul(&y).sub(&y), z.mul(&x).sub(&one)];
        assert!(matches!(
            solve(&polys, &names, &saturate_last, None).unwrap(),
            Solved::PositiveDimensional { dimension: 1 }
        ));
        // x² = 1, y = x, z·(x + y)² = 1: the smaller system has the
        // same two points.
        let e = x.add(&y);
        let polys = vec![x.mul(&x).sub(&one), y.sub(&x), z.mul(&e.mul(&e)).sub(&one)];
        let f = finite_with(&polys, &names, &saturate_last);
        assert!(without(&f));
        assert_eq!(f.count, 2);
    }

    #[test]
    fn a_factor_that_vanishes_at_some_root_is_caught() {
        // χ = (t − 1)(t − 2), form x: h = χ'·t = 2t² − 3t ≡ 3t − 4.
        let rur = Rur {
            form: vec![1, 0],
            chi: UPoly::from_ints(&[2, -3, 1]),
            numerators: vec![UPoly::from_ints(&[-4, 3])],
            saturation: Vec::new(),
        };
        let x = SparsePoly::var(2, 0);
        let c = |k: i64| SparsePoly::constant(2, q(k, 1));
        assert!(vanishes_at_no_root(&rur, &x.add(&c(1))));
        assert!(vanishes_at_no_root(&rur, &x));
        assert!(!vanishes_at_no_root(&rur, &x.sub(&c(1))));
        assert!(!vanishes_at_no_root(&rur, &x.sub(&c(2)).mul(&x.add(&c(5)))));
        assert!(!vanishes_at_no_root(
            &rur,
            &x.mul(&x).sub(&x.mul(&c(3))).add(&c(2))
        ));
        // The same through verify_by_substitution: x² − 3x + 2 = 0 and
        // z·(x − 1) = 1 has one solution, not two.
        let z = SparsePoly::var(2, 1);
        let polys = vec![
            x.mul(&x).sub(&x.mul(&c(3))).add(&c(2)),
            z.mul(&x.sub(&c(1))).sub(&c(1)),
        ];
        let sat = saturation_variables(&polys, 2);
        assert_eq!(sat.len(), 1);
        let rur = Rur {
            form: vec![1, 0],
            saturation: sat,
            ..rur
        };
        assert!(!verify_by_substitution(&polys, &rur).unwrap());
        // Solved properly, the one solution x = 2, z = 1.
        let names = vec!["x".to_string(), "z".to_string()];
        let Solved::Finite(f) = solve(&polys, &names, &SolveOptions::default(), None).unwrap()
        else {
            panic!("one solution expected");
        };
        assert_eq!(f.count, 1);
        assert!(verify_by_substitution(&polys, &f.rur).unwrap());
    }

    #[test]
    fn substitution_over_z_decides_divisibility_by_a_non_monic_chi() {
        // 3x² − 2 = 0, 5y − x = 0: χ = t² − 2/3 for t = x (primitive
        // integer form 3t² − 2), χ' = 2t, h_x = 2t² ≡ 4/3, h_y = 4/15.
        let (x, y) = (SparsePoly::var(2, 0), SparsePoly::var(2, 1));
        let c = |k: i64| SparsePoly::constant(2, q(k, 1));
        let polys = vec![c(3).mul(&x).mul(&x).sub(&c(2)), c(5).mul(&y).sub(&x)];
        let rur = |hy: BigRational| Rur {
            form: vec![1, 0],
            chi: UPoly::new(vec![q(-2, 3), q(0, 1), q(1, 1)]),
            numerators: vec![UPoly::new(vec![q(4, 3)]), UPoly::new(vec![hy])],
            saturation: Vec::new(),
        };
        assert!(verify_by_substitution(&polys, &rur(q(4, 15))).unwrap());
        assert!(!verify_by_substitution(&polys, &rur(q(4, 16))).unwrap());
        // A cubic in both: (x − 5y)·x² + x·y − 2/15 vanishes at the points.
        let cubic = x
            .sub(&c(5).mul(&y))
            .mul(&x)
            .mul(&x)
            .add(&x.mul(&y))
            .sub(&SparsePoly::constant(2, q(2, 15)));
        assert!(verify_by_substitution(std::slice::from_ref(&cubic), &rur(q(4, 15))).unwrap());
        let off = cubic.add(&SparsePoly::constant(2, q(1, 1000)));
        assert!(!verify_by_substitution(&[off], &rur(q(4, 15))).unwrap());
    }

    /// `x² − 1 = 0, y − 2x = 0` in (x, y): the points (±1, ±2).
    fn system() -> (Vec<String>, Vec<SparsePoly>) {
        let (x, y) = (SparsePoly::var(2, 0), SparsePoly::var(2, 1));
        let one = SparsePoly::constant(2, q(1, 1));
        let two = SparsePoly::constant(2, q(2, 1));
        (
            vec!["x".into(), "y".into()],
            vec![x.mul(&x).sub(&one), y.sub(&two.mul(&x))],
        )
    }

    /// Its representation for ℓ = x + y = 3x: χ = t² − 9, χ' = 2t,
    /// `x = t/3 = (2t²/3)/χ' ≡ 6/χ'`, `y = 12/χ'` modulo χ.
    fn known_rur() -> Rur {
        Rur {
            form: vec![1, 1],
            chi: UPoly::from_ints(&[-9, 0, 1]),
            numerators: vec![UPoly::from_ints(&[6]), UPoly::from_ints(&[12])],
            saturation: Vec::new(),
        }
    }

    #[test]
    fn the_form_gives_back_t_on_a_known_representation() {
        let (_, polys) = system();
        let rur = known_rur();
        assert!(verify_by_substitution(&polys, &rur).unwrap());
        assert!(form_separates(&rur).unwrap());
    }

    #[test]
    fn shared_products_give_what_horner_gives() {
        // Equations of degrees 0 to 3 in three variables, with terms that
        // share sub-monomials across equations, substituted both ways.
        let rur = Rur {
            form: vec![1, 2, 3],
            chi: UPoly::from_ints(&[5, -7, 0, 3, 1]),
            numerators: vec![
                UPoly::from_ints(&[1, -4, 9, 2]),
                UPoly::from_ints(&[-3, 0, 5, -6]),
                UPoly::from_ints(&[8, 1, -1, 7]),
            ],
            saturation: Vec::new(),
        };
        let v = |i| SparsePoly::var(3, i);
        let c = |k: i64| SparsePoly::constant(3, q(k, 1));
        let fs = vec![
            c(7),
            v(0).mul(&v(1)).sub(&c(3)),
            v(0).mul(&v(1)).mul(&v(2)).add(&v(2).mul(&v(2)).mul(&c(-5))),
            v(0).mul(&v(0)).mul(&v(0)).add(&v(0).mul(&v(1))).add(&v(1)),
        ];
        let sub = IntSubstitution::new(&rur).unwrap();
        let shared = sub.substitute_all(&fs).unwrap();
        for (f, got) in fs.iter().zip(&shared) {
            assert_eq!(*got, sub.sub.eval(f).unwrap(), "{f:?}");
        }
        // An equation in a variable the representation leaves out.
        assert!(sub.substitute_all(&[SparsePoly::var(4, 3)]).is_err());
    }

    #[test]
    fn sums_over_distinct_denominators_are_decided_exactly() {
        let b = |k: i64| BigInt::from(k);
        // 1/6 + 1/3 − 1/2 = 0; 1/6 + 1/3 − 1/3 ≠ 0; 2/4 − 1/2 = 0 (not
        // in lowest terms).
        assert!(sum_is_zero(vec![(b(1), b(6)), (b(1), b(3)), (b(-1), b(2))]));
        assert!(!sum_is_zero(vec![
            (b(1), b(6)),
            (b(1), b(3)),
            (b(-1), b(3))
        ]));
        assert!(sum_is_zero(vec![(b(2), b(4)), (b(-1), b(2))]));
        assert!(sum_is_zero(Vec::new()));
    }

    #[test]
    fn a_representation_whose_roots_name_one_point_is_refuted() {
        // x = 1, y = 2 at both roots t = ±3 (h = χ'·point): every equation
        // vanishes, so substitution alone accepts it, but the two roots give
        // the same point and (−1, −2) is missing.
        let (_, polys) = system();
        let bogus = Rur {
            form: vec![1, 1],
            chi: UPoly::from_ints(&[-9, 0, 1]),
            numerators: vec![UPoly::from_ints(&[0, 2]), UPoly::from_ints(&[0, 4])],
            saturation: Vec::new(),
        };
        assert!(verify_by_substitution(&polys, &bogus).unwrap());
        assert!(!form_separates(&bogus).unwrap());
        // The known representation with numerators not reduced modulo χ
        // (6 + χ and 12 − 2tχ) is decided in Q[t]/χ, both ways.
        let unreduced = Rur {
            numerators: vec![
                UPoly::from_ints(&[-3, 0, 1]),
                UPoly::from_ints(&[12, 18, 0, -2]),
            ],
            ..known_rur()
        };
        assert!(form_separates(&unreduced).unwrap());
        let wrong = Rur {
            numerators: vec![
                UPoly::from_ints(&[-3, 0, 1]),
                UPoly::from_ints(&[13, 18, 0, -2]),
            ],
            ..known_rur()
        };
        assert!(!form_separates(&wrong).unwrap());
        // A form of the wrong length is an error, not a verdict.
        let short = Rur {
            form: vec![1],
            ..known_rur()
        };
        assert!(form_separates(&short).is_err());
    }

    #[test]
    fn completeness_needs_an_exact_count_and_a_separating_form() {
        let exact = CountEvidence::RationalBasis { seconds: 0.0 };
        let modular = CountEvidence::TwoPrimes {
            primes: [3, 5],
            without_saturation: false,
            unproved: None,
        };
        assert_eq!(Completeness::of(&exact, true), Completeness::Certified);
        assert_eq!(Completeness::of(&exact, false), Completeness::Modular);
        assert_eq!(Completeness::of(&modular, true), Completeness::Modular);
        assert_eq!(
            serde_json::to_value(Completeness::Certified).unwrap(),
            serde_json::json!("certified")
        );
    }

    #[test]
    fn solve_checks_separation_and_says_how_complete() {
        let (names, polys) = system();
        let Solved::Finite(f) = solve(&polys, &names, &SolveOptions::default(), None).unwrap()
        else {
            panic!("a finite solution set expected");
        };
        assert_eq!(f.count, 2);
        assert!(f.separating);
        assert!(form_separates(&f.rur).unwrap());
        assert_eq!(f.completeness(), Completeness::Certified);
        let opts = modular_only();
        let Solved::Finite(f) = solve(&polys, &names, &opts, None).unwrap() else {
            panic!("a finite solution set expected");
        };
        assert_eq!(f.completeness(), Completeness::Modular);
    }

    #[test]
    fn counts_above_the_rational_basis_limit_are_made_exact_by_the_replay_over_q() {
        // x⁴ = 2, y⁴ = 3: 16 solutions, above MAX_RATIONAL_BASIS_SOLUTIONS,
        // where only the count modulo two primes was available before.
        let names = vars(&["x", "y"]);
        let polys = vec![
            SparsePoly::parse("x^4-2", &names).unwrap(),
            SparsePoly::parse("y^4-3", &names).unwrap(),
        ];
        let Solved::Finite(f) = solve(&polys, &names, &SolveOptions::default(), None).unwrap()
        else {
            panic!("a finite solution set expected");
        };
        assert_eq!(f.count, 16);
        assert!(
            matches!(f.count_evidence, CountEvidence::ReplayOverQ { .. }),
            "{:?}",
            f.count_evidence
        );
        assert_eq!(f.completeness(), Completeness::Certified);
        let Solved::Finite(f) = solve(&polys, &names, &modular_only(), None).unwrap() else {
            panic!("a finite solution set expected");
        };
        assert_eq!(f.completeness(), Completeness::Modular);
    }

    #[test]
    fn a_count_is_proved_exactly_when_the_replays_work_fits_the_limit() {
        // The replay's work W is a property of the system: the same in
        // every run, and a limit just above it proves the count, one just
        // below leaves it modular and says why, on any machine.
        let inst = crate::model::builtin("wide").unwrap();
        let (names, polys) = crate::variety::strata::stratum_system(&inst, 1);
        let opts = |work: f64| SolveOptions {
            replay_work: Some(work),
            rational_basis_budget: None,
            ..SolveOptions::default()
        };
        let evidence = |work: f64| match solve(&polys, &names, &opts(work), None).unwrap() {
            Solved::Finite(f) => f.count_evidence,
            other => panic!("a finite solution set expected: {other:?}"),
        };
        let CountEvidence::ReplayOverQ { work, .. } = evidence(DEFAULT_REPLAY_WORK) else {
            panic!("wide's rank 1 is proved by the replay");
        };
        assert!(work > 1_000_000, "{work}");
        let w = work as f64 / 1e9;
        for _ in 0..2 {
            assert!(matches!(
                evidence(w * 1.000_001),
                CountEvidence::ReplayOverQ { work: again, .. } if again == work
            ));
            match evidence(w * 0.999_999) {
                CountEvidence::TwoPrimes {
                    unproved: Some(why),
                    ..
                } => assert!(
                    why.contains("did not finish within its work limit"),
                    "{why}"
                ),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn emptiness_is_exact_with_a_basis_over_q() {
        let x = SparsePoly::var(1, 0);
        let one = SparsePoly::constant(1, q(1, 1));
        let polys = vec![x.clone(), x.sub(&one)];
        let names = vec!["x".to_string()];
        let Solved::Empty { evidence } =
            solve(&polys, &names, &SolveOptions::default(), None).unwrap()
        else {
            panic!("no solution expected");
        };
        assert!(evidence.is_exact());
        let opts = modular_only();
        let Solved::Empty { evidence } = solve(&polys, &names, &opts, None).unwrap() else {
            panic!("no solution expected");
        };
        assert!(!evidence.is_exact());
    }

    /// Options that keep the count modular (no basis over Q).
    fn modular_only() -> SolveOptions {
        SolveOptions {
            replay_work: None,
            rational_basis_budget: None,
            ..SolveOptions::default()
        }
    }

    fn vars(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    fn finite(polys: &[SparsePoly], names: &[String]) -> FiniteSolutions {
        match solve(polys, names, &modular_only(), None).unwrap() {
            Solved::Finite(f) => f,
            other => panic!("a finite solution set expected, got {other:?}"),
        }
    }

    /// `x² − 3x + 2 = 0, y² − 1 = 0, z − xy = 0`: exactly the four rational
    /// points `(x, y, xy)`, `x ∈ {1, 2}`, `y = ±1`. Each is found at its value
    /// `t = ℓ(point)` of the separating form: `χ(t) = 0` and
    /// `hᵢ(t)/χ′(t) = xᵢ`; χ has degree 4, so these are all the roots.
    #[test]
    fn rational_solutions_are_recovered_exactly() {
        let c = |k: i64| SparsePoly::constant(3, q(k, 1));
        let (x, y, z) = (
            SparsePoly::var(3, 0),
            SparsePoly::var(3, 1),
            SparsePoly::var(3, 2),
        );
        let polys = vec![
            x.mul(&x).sub(&c(3).mul(&x)).add(&c(2)),
            y.mul(&y).sub(&c(1)),
            z.sub(&x.mul(&y)),
        ];
        let f = finite(&polys, &vars(&["x", "y", "z"]));
        assert_eq!(f.count, 4);
        assert!(f.separating);
        assert_eq!(f.rur.chi.degree(), Some(4));
        let dchi = f.rur.chi_derivative();
        let mut ts = Vec::new();
        for (px, py) in [(1, 1), (1, -1), (2, 1), (2, -1)] {
            let point = [q(px, 1), q(py, 1), q(px * py, 1)];
            let t = point
                .iter()
                .zip(&f.rur.form)
                .fold(q(0, 1), |acc, (v, &c)| acc + v * q(c, 1));
            assert!(
                f.rur.chi.eval(&t) == q(0, 1),
                "ℓ{point:?} = {t} is no root of χ"
            );
            for (h, v) in f.rur.numerators.iter().zip(&point) {
                assert_eq!(h.eval(&t) / dchi.eval(&t), *v);
            }
            ts.push(t);
        }
        ts.sort();
        ts.dedup();
        assert_eq!(ts.len(), 4);
    }

    /// `x² − 2 = 0, y² − xy − 1 = 0`: four irrational points. The
    /// representation is checked by substitution over Q (every equation
    /// vanishes modulo χ), it does not satisfy a different system, and its
    /// real roots give the points in floating point.
    #[test]
    fn irrational_solutions_are_checked_by_substitution() {
        let c = |k: i64| SparsePoly::constant(2, q(k, 1));
        let (x, y) = (SparsePoly::var(2, 0), SparsePoly::var(2, 1));
        let polys = vec![x.mul(&x).sub(&c(2)), y.mul(&y).sub(&x.mul(&y)).sub(&c(1))];
        let f = finite(&polys, &vars(&["x", "y"]));
        assert_eq!(f.count, 4);
        assert!(verify_by_substitution(&polys, &f.rur).unwrap());
        assert!(form_separates(&f.rur).unwrap());
        // The same representation does not solve x² − 3 = 0.
        let other = vec![x.mul(&x).sub(&c(3)), polys[1].clone()];
        assert!(!verify_by_substitution(&other, &f.rur).unwrap());
        // No rational root: the solutions are irrational.
        let roots = crate::exact::real_roots(&f.rur.chi);
        assert_eq!(roots.len(), 4);
        let dchi = f.rur.chi_derivative();
        let mut xs = Vec::new();
        for r in &roots {
            assert!(r.exact().is_none());
            let t = r.to_f64();
            let at = |p: &UPoly| p.eval_f64(t) / dchi.eval_f64(t);
            let (px, py) = (at(&f.rur.numerators[0]), at(&f.rur.numerators[1]));
            assert!((px * px - 2.0).abs() < 1e-9, "x = {px}");
            assert!((py * py - px * py - 1.0).abs() < 1e-9, "y = {py}");
            xs.push(px);
        }
        // Both signs of √2 occur, each twice.
        assert_eq!(xs.iter().filter(|&&v| v > 0.0).count(), 2);
    }

    /// A circle and a union of a plane and a line are refused as
    /// positive-dimensional, with their dimension.
    #[test]
    fn positive_dimensional_systems_are_refused() {
        let (x, y) = (SparsePoly::var(2, 0), SparsePoly::var(2, 1));
        let circle = vec![
            x.mul(&x)
                .add(&y.mul(&y))
                .sub(&SparsePoly::constant(2, q(1, 1))),
        ];
        match solve(&circle, &vars(&["x", "y"]), &modular_only(), None).unwrap() {
            Solved::PositiveDimensional { dimension } => assert_eq!(dimension, 1),
            other => panic!("the circle is a curve, got {other:?}"),
        }
        // xy = xz = 0: the plane x = 0 and the line y = z = 0.
        let (x, y, z) = (
            SparsePoly::var(3, 0),
            SparsePoly::var(3, 1),
            SparsePoly::var(3, 2),
        );
        let planes = vec![x.mul(&y), x.mul(&z)];
        match solve(&planes, &vars(&["x", "y", "z"]), &modular_only(), None).unwrap() {
            Solved::PositiveDimensional { dimension } => assert_eq!(dimension, 2),
            other => panic!("a plane and a line, got {other:?}"),
        }
    }
}

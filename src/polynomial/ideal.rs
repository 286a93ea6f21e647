//! Facts about the ideal of an equation system from a Gröbner basis
//! (Symbolica's), and what we derive from its leading monomials: the Krull
//! dimension of the quotient ring, i.e. the dimension of the complex variety.

use std::sync::Arc;

use serde::Serialize;
use symbolica::atom::AtomCore;
use symbolica::domains::rational::Q;

use symbolica::poly::groebner::GroebnerBasis;
use symbolica::poly::polynomial::MultivariatePolynomial;
use symbolica::poly::{GrevLexOrder, PolyVariable};

use super::expr::parse;
use super::system::PolynomialSystem;
use super::with_symbolica;
use crate::error::{Error, Result};

/// Largest number of unknowns for which the dimension is computed (the
/// search over sets of variables is exponential in it).
pub const MAX_DIMENSION_VARIABLES: usize = 24;

/// What a Gröbner basis says about an ideal.
#[derive(Clone, Debug, Serialize)]
pub struct IdealFacts {
    /// Number of polynomials in the Gröbner basis.
    pub basis_size: usize,
    /// Whether the ideal is the whole ring (no complex solutions).
    pub is_whole_ring: bool,
    /// Krull dimension of the quotient (−1 for the whole ring), i.e. the
    /// dimension of the complex solution set.
    pub dimension: i64,
    /// A maximal independent set of variables realizing the dimension.
    pub independent_variables: Vec<String>,
}

/// Computes a Gröbner basis of an equation system with rational
/// coefficients (no symbolic parameters) and the dimension of its variety.
pub fn ideal_facts(system: &PolynomialSystem) -> Result<IdealFacts> {
    if !system.kind.is_equations() {
        return Err(Error::param(
            "system",
            system.kind.to_string(),
            "an equation system (the components of a field or map generate no ideal of interest)",
        ));
    }
    if !system.parameters.is_empty() {
        return Err(Error::param(
            "system",
            &system.data,
            "rational coefficients (an instance), not symbolic data",
        ));
    }
    if system.variables.len() > MAX_DIMENSION_VARIABLES {
        return Err(Error::param(
            "system",
            format!("{} unknowns", system.variables.len()),
            &format!("at most {MAX_DIMENSION_VARIABLES} unknowns for the dimension"),
        ));
    }
    let system = system.clone();
    with_symbolica(move || facts_on_worker(&system))?
}

fn facts_on_worker(system: &PolynomialSystem) -> Result<IdealFacts> {
    let vars: Arc<Vec<PolyVariable>> = Arc::new(
        system
            .variables
            .iter()
            .map(|v| PolyVariable::Symbol(symbolica::symbol!(v.as_str())))
            .collect(),
    );
    let mut polys: Vec<MultivariatePolynomial<_, u16>> = Vec::new();
    for e in &system.equations {
        let p = parse(&e.polynomial)?.to_polynomial(&Q, Some(vars.clone()));
        if p.get_vars_ref().len() != vars.len() {
            return Err(Error::Computation(format!(
                "the polynomial {} has symbols other than the unknowns",
                e.label
            )));
        }
        if !p.is_zero() {
            polys.push(p);
        }
    }
    let nvars = vars.len();
    if polys.is_empty() {
        return Ok(IdealFacts {
            basis_size: 0,
            is_whole_ring: false,
            dimension: nvars as i64,
            independent_variables: system.variables.clone(),
        });
    }
    // Graded reverse lexicographic order: usually far cheaper than lex.
    let polys: Vec<_> = polys.iter().map(|p| p.reorder::<GrevLexOrder>()).collect();
    let gb = GroebnerBasis::new(&polys, false);
    // Leading monomials: the largest exponent vector of each basis element
    // in the basis' monomial order (graded reverse lexicographic).
    let mut supports: Vec<u64> = Vec::new();
    let mut whole = false;
    for p in &gb.system {
        let lead = (0..p.nterms())
            .map(|t| p.exponents(t).to_vec())
            .max_by(|a, b| grevlex(a, b))
            .unwrap_or_default();
        let mask = support_mask(&lead);
        if mask == 0 {
            whole = true;
        }
        supports.push(mask);
    }
    if whole {
        return Ok(IdealFacts {
            basis_size: gb.system.len(),
            is_whole_ring: true,
            dimension: -1,
            independent_variables: Vec::new(),
        });
    }
    let best = max_independent_set(nvars, &supports);
    Ok(IdealFacts {
        basis_size: gb.system.len(),
        is_whole_ring: false,
        dimension: best.count_ones() as i64,
        independent_variables: (0..nvars)
            .filter(|k| best & (1 << k) != 0)
            .map(|k| system.variables[k].clone())
            .collect(),
    })
}

/// Graded reverse lexicographic comparison (x₁ > x₂ > …): higher total
/// degree wins; at equal degree, the monomial with the smaller exponent in
/// the last variable where they differ is the larger.
fn grevlex(a: &[u16], b: &[u16]) -> std::cmp::Ordering {
    let deg = |e: &[u16]| e.iter().map(|&x| u32::from(x)).sum::<u32>();
    deg(a).cmp(&deg(b)).then_with(|| {
        a.iter()
            .zip(b)
            .rev()
            .find(|(x, y)| x != y)
            .map_or(std::cmp::Ordering::Equal, |(x, y)| y.cmp(x))
    })
}

/// Most variables a bit-mask support can hold ([`support_mask`],
/// [`max_independent_set`]).
pub const MAX_MASK_VARIABLES: usize = 64;

/// The variables of an exponent vector as a bit mask (variable k ↦ bit k);
/// at most [`MAX_MASK_VARIABLES`] variables.
pub fn support_mask(exponents: &[u16]) -> u64 {
    debug_assert!(exponents.len() <= MAX_MASK_VARIABLES);
    exponents
        .iter()
        .enumerate()
        .filter(|(_, e)| **e > 0)
        .fold(0u64, |m, (k, _)| m | (1 << k))
}

/// The largest set `S` of variables (as a bit mask) containing the support
/// of no leading monomial: `dim R/I = dim R/in(I) = max |S|`. At most
/// [`MAX_MASK_VARIABLES`] variables.
pub fn max_independent_set(nvars: usize, supports: &[u64]) -> u64 {
    debug_assert!(nvars <= MAX_MASK_VARIABLES);
    let mut best = 0u64;
    // Depth-first over variables, bounded by the best size found so far.
    fn go(k: usize, nvars: usize, set: u64, supports: &[u64], best: &mut u64) {
        if set.count_ones() + (nvars - k) as u32 <= best.count_ones() {
            return;
        }
        if k == nvars {
            *best = set;
            return;
        }
        let with = set | (1 << k);
        if supports.iter().all(|s| s & with != *s) {
            go(k + 1, nvars, with, supports, best);
        }
        go(k + 1, nvars, set, supports, best);
    }
    go(0, nvars, 0, supports, &mut best);
    best
}

#[cfg(test)]
mod tests {
    use super::max_independent_set;

    #[test]
    fn grevlex_orders_by_degree_then_reverse_lex() {
        use super::grevlex;
        use std::cmp::Ordering::*;
        // x² > xy > y² > xz > yz > z² in grevlex with x > y > z.
        let mons = [
            [2, 0, 0],
            [1, 1, 0],
            [0, 2, 0],
            [1, 0, 1],
            [0, 1, 1],
            [0, 0, 2],
        ];
        for w in mons.windows(2) {
            assert_eq!(grevlex(&w[0], &w[1]), Greater, "{:?} > {:?}", w[0], w[1]);
        }
        assert_eq!(grevlex(&[0, 0, 1], &[1, 1, 0]), Less);
    }

    #[test]
    fn independent_sets_of_monomial_ideals() {
        // in(I) = (x0·x1, x2): {x0, x3} or {x1, x3} → dimension 2 of 4 vars.
        let best = max_independent_set(4, &[0b0011, 0b0100]);
        assert_eq!(best.count_ones(), 2);
        // in(I) = (x0, x1, x2): dimension 0.
        assert_eq!(max_independent_set(3, &[1, 2, 4]).count_ones(), 0);
        // No leading monomials: the whole space.
        assert_eq!(max_independent_set(3, &[]).count_ones(), 3);
    }
}

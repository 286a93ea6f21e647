//! Our own modular solver: Gröbner bases over Z/p for word-size primes
//! (p < 2³¹), by Faugère's F4 algorithm, in plain Rust with no Symbolica, so
//! that it runs on any thread and several primes can be computed in parallel.
//!
//! - `monomial`: interned exponent vectors (products, divisibility and the
//!   monomial order on `u32` ids);
//! - `linalg`: sparse row echelon forms of Macaulay matrices modulo p
//!   (delayed reduction in `u64` accumulators, rows reduced in parallel);
//! - [`f4`]: the F4 algorithm (normal selection strategy, symbolic
//!   preprocessing, Gebauer–Möller criteria) and the final reduction to the
//!   unique reduced Gröbner basis; a run can be recorded ([`F4Trace`]) and
//!   replayed on other primes with only the linear algebra redone.
//!
//! [`crate::polynomial::groebner::groebner_basis`] uses this engine for
//! `Field::Prime(p)`; Symbolica keeps the bases over Q and factorization.
//! Results are checked by mathematical identities (every input reduces to 0,
//! every S-polynomial reduces to 0, the basis is reduced, solution counts
//! equal known degrees and agree across primes) and against Singular and
//! msolve, never against another engine of ours or Symbolica.
//!
//! ```
//! use ssl_equilibria::modular::groebner_basis_mod_p;
//! use ssl_equilibria::polynomial::sparse::MonomialOrder;
//! // x² − 2 and y − x over Z/7: basis {y² − 2, x − y} in grevlex (x > y).
//! let p = 7;
//! let f = vec![(vec![2, 0], 1), (vec![0, 0], p - 2)];
//! let g = vec![(vec![0, 1], 1), (vec![1, 0], p - 1)];
//! let (basis, _) = groebner_basis_mod_p(&[f, g], 2, MonomialOrder::GrevLex, p, None).unwrap();
//! assert_eq!(basis.len(), 2);
//! assert_eq!(basis[0], vec![(vec![1, 0], 1), (vec![0, 1], p - 1)]);
//! assert_eq!(basis[1], vec![(vec![0, 2], 1), (vec![0, 0], p - 2)]);
//! ```

pub mod f4;
pub(crate) mod linalg;
pub(crate) mod monomial;

pub use f4::{
    F4Stats, F4Trace, IntTerms, ModTerms, RationalReplay, Replay, ReplayMeter, ReplayRows,
    groebner_basis_mod_p, groebner_basis_mod_p_traced,
};

#[cfg(test)]
mod tests;

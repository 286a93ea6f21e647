//! Chinese remaindering over a fixed list of word-size primes, for the
//! multimodular results of [`super::multimodular`].
//!
//! The value wanted is the integer x in `(−M/2, M/2]` (M the product of all
//! the primes) with the given residues. Two ways are combined:
//!
//! - **Garner's incremental form**: x is kept in `(−M_i/2, M_i/2]` after
//!   each prime (`M_i = p₀⋯p_{i−1}`) and corrected only where its residue
//!   differs. A value much smaller than M costs one reduction of a few words
//!   per prime; a value of w words costs about `w²/2 + w·N` word products.
//!   Its table `2^{64k} mod pᵢ` must cover every word x can have at prime i:
//!   `N²/2` words in all (29 MB at the 2 700 primes of a rank-3 EMA
//!   certificate), read from memory at every prime.
//! - **A product tree**: `x ≡ Σ aᵢ·(M/pᵢ)` with `aᵢ = rᵢ·(M/pᵢ)⁻¹ mod pᵢ`,
//!   summed pairwise up the tree of the primes' products
//!   (`X_v = X_left·P_right + X_right·P_left`), then reduced modulo M once.
//!   Its cost does not depend on the value (about 3 ms at N = 2 700 with
//!   `num-bigint`'s products, as much as Garner's form on a value of that
//!   size), and it needs no table.
//!
//! A value starts in Garner's form; if it still needs a correction after
//! [`garner_limit`] primes, it is large, and the tree takes over from the
//! residues. So small values stay cheap and the table stays small (N times
//! the words of `M_limit`). Both give the unique symmetric representative,
//! so the result does not depend on which one ran.

use num_bigint::{BigInt, BigUint, Sign};
use num_traits::{One, ToPrimitive, Zero};

use crate::exact::intpoly::{Modulus, inv_mod};

/// The number of primes after which a value that still changes goes to the
/// product tree: Garner's form then costs at most about `N²/32` word
/// products and its table `N²/32` words, while values of up to about
/// `N/32` words never reach the tree.
fn garner_limit(n: usize) -> usize {
    (n / 32).max(16).min(n)
}

/// The primes, the data of Garner's form for its first [`garner_limit`]
/// primes, and the product tree with the weights `(M/pᵢ)⁻¹ mod pᵢ`.
pub(super) struct Crt {
    moduli: Vec<Modulus>,
    /// `M_i = p₀⋯p_{i−1}` for `i ≤ limit`.
    prefix: Vec<BigInt>,
    /// `⌊M_i/2⌋`: for the odd `M_i`, `2x > M_i` iff `x > ⌊M_i/2⌋`.
    half: Vec<BigInt>,
    /// `M_i⁻¹ mod p_i` for `i < limit`.
    inverses: Vec<u64>,
    /// `2^{64k} mod p_i` for as many words as x can have at prime i in
    /// Garner's form (at most those of `M_limit` after the limit).
    powers: Vec<Vec<u64>>,
    limit: usize,
    /// `levels[0]` the primes, each next level the products of pairs (an
    /// odd last node carried up unchanged), the last `[M]`.
    levels: Vec<Vec<BigUint>>,
    /// `(M/pᵢ)⁻¹ mod pᵢ`.
    weights: Vec<u64>,
    /// M and `⌊M/2⌋`.
    m: BigUint,
    half_m: BigUint,
}

impl Crt {
    /// The data for `primes` (distinct odd primes below 2⁶³).
    pub(super) fn new(primes: &[u64]) -> Self {
        debug_assert!(primes.iter().all(|p| p % 2 == 1));
        let n = primes.len();
        let limit = garner_limit(n);
        let moduli: Vec<Modulus> = primes.iter().map(|&p| Modulus::new(p)).collect();
        let mut prefix = Vec::with_capacity(limit + 1);
        let mut inverses = Vec::with_capacity(limit);
        let mut m = BigInt::one();
        for (&p, modulus) in primes.iter().zip(&moduli).take(limit) {
            inverses.push(inv_mod(modulus.reduce(&m), p));
            prefix.push(m.clone());
            m *= BigInt::from(p);
        }
        prefix.push(m);
        let half = prefix.iter().map(|m| m >> 1u32).collect();
        let words = |x: &BigInt| x.magnitude().iter_u64_digits().len();
        let cap = words(&prefix[limit]) + 1;
        let powers = moduli
            .iter()
            .enumerate()
            .map(|(i, md)| md.word_powers(prefix.get(i).map_or(cap, |mi| words(mi) + 1)))
            .collect();
        let levels = product_tree(primes);
        let weights = tree_weights(&levels, primes);
        let m = levels
            .last()
            .and_then(|l| l.first())
            .cloned()
            .unwrap_or_else(BigUint::one);
        let half_m = &m >> 1u32;
        Self {
            moduli,
            prefix,
            half,
            inverses,
            powers,
            limit,
            levels,
            weights,
            m,
            half_m,
        }
    }

    /// The integer in `(−M/2, M/2]` with the given residues (one per
    /// prime, in `[0, p)`).
    pub(super) fn symmetric(&self, residues: &[u64]) -> BigInt {
        debug_assert_eq!(residues.len(), self.moduli.len());
        let mut x = BigInt::zero();
        for (i, (&r, m)) in residues.iter().zip(&self.moduli).enumerate() {
            let xm = m.reduce_by(&x, &self.powers[i]);
            if xm == r {
                continue;
            }
            if i >= self.limit {
                return self.by_tree(residues);
            }
            let p = m.p();
            let diff = (r + p - xm) % p;
            let t = m.mul(diff, self.inverses[i]);
            x += &self.prefix[i] * BigInt::from(t);
            if x > self.half[i + 1] {
                x -= &self.prefix[i + 1];
            }
        }
        x
    }

    /// [`Self::symmetric`] by the product tree.
    fn by_tree(&self, residues: &[u64]) -> BigInt {
        let mut cur: Vec<BigUint> = residues
            .iter()
            .zip(&self.moduli)
            .zip(&self.weights)
            .map(|((&r, m), &w)| BigUint::from(m.mul(r, w)))
            .collect();
        for products in &self.levels[..self.levels.len() - 1] {
            cur = cur
                .chunks(2)
                .enumerate()
                .map(|(j, pair)| match pair {
                    [a, b] => a * &products[2 * j + 1] + b * &products[2 * j],
                    [a] => a.clone(),
                    _ => unreachable!("chunks(2) gives one or two"),
                })
                .collect();
        }
        let x = self.reduce(cur.pop().unwrap_or_default());
        if x > self.half_m {
            BigInt::from_biguint(Sign::Minus, &self.m - x)
        } else {
            BigInt::from(x)
        }
    }

    /// `x mod M` for `x = Σ aᵢ·M/pᵢ < N·M`: the quotient is below N, so it
    /// is estimated from the leading 64 bits of M and corrected by
    /// subtractions, instead of a long division.
    fn reduce(&self, mut x: BigUint) -> BigUint {
        let shift = self.m.bits().saturating_sub(64);
        let top = (&self.m >> shift).to_u128().unwrap_or(u128::MAX) + 1;
        let q = (&x >> shift).to_u128().map_or(0, |xs| xs / top);
        if q > 0 {
            x -= &self.m * BigUint::from(q);
        }
        while x >= self.m {
            x -= &self.m;
        }
        x
    }
}

/// The tree of products of `primes`: level 0 the primes, each next level
/// the products of consecutive pairs (an odd last node carried up), until
/// one node, M, remains.
fn product_tree(primes: &[u64]) -> Vec<Vec<BigUint>> {
    let mut levels = vec![primes.iter().map(|&p| BigUint::from(p)).collect::<Vec<_>>()];
    while levels.last().is_some_and(|l| l.len() > 1) {
        let next = levels
            .last()
            .map(|l| {
                l.chunks(2)
                    .map(|pair| match pair {
                        [a, b] => a * b,
                        [a] => a.clone(),
                        _ => unreachable!("chunks(2) gives one or two"),
                    })
                    .collect()
            })
            .unwrap_or_default();
        levels.push(next);
    }
    levels
}

/// `(M/pᵢ)⁻¹ mod pᵢ` for every prime, by a remainder tree: with
/// `R_v = (M/P_v) mod P_v` at a node of product `P_v` (`R = 1` at the
/// root), a child c with sibling s has `M/P_c = (M/P_v)·P_s`, so
/// `R_c = (R_v·P_s) mod P_c`; a carried node keeps `R_v`.
fn tree_weights(levels: &[Vec<BigUint>], primes: &[u64]) -> Vec<u64> {
    let mut rem: Vec<BigUint> = vec![BigUint::one()];
    for l in (0..levels.len() - 1).rev() {
        let nodes = &levels[l];
        rem = (0..nodes.len())
            .map(|c| {
                let parent = &rem[c / 2];
                match nodes.get(c ^ 1) {
                    Some(sibling) => (parent * sibling) % &nodes[c],
                    None => parent.clone(),
                }
            })
            .collect();
    }
    rem.iter()
        .zip(primes)
        .map(|(r, &p)| {
            let r = r.to_u64().unwrap_or(0);
            inv_mod(r % p, p)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::intpoly::{primes, reduce};
    use num_bigint::BigUint;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn random_int(rng: &mut ChaCha8Rng, words: usize) -> BigInt {
        let digits: Vec<u32> = (0..2 * words).map(|_| rng.r#gen()).collect();
        let x = BigInt::from_biguint(Sign::Plus, BigUint::new(digits));
        if rng.r#gen::<bool>() { -x } else { x }
    }

    /// Every value, of every size up to the bound, small or large, negative,
    /// zero and the two ends of `(−M/2, M/2]`, comes back from its residues,
    /// whether Garner's form or the tree ends the run.
    #[test]
    fn every_value_comes_back_from_its_residues() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        for n in [1, 2, 3, 17, 40, 129, 700] {
            let ps: Vec<u64> = primes().take(n).collect();
            let crt = Crt::new(&ps);
            let m: BigInt = ps.iter().map(|&p| BigInt::from(p)).product();
            let half = &m >> 1u32;
            let mut values = vec![BigInt::zero(), BigInt::one(), -BigInt::one()];
            values.push(half.clone());
            values.push(-(&half));
            for words in [1, 2, 5, n / 2, n.saturating_sub(1)] {
                for _ in 0..3 {
                    let v = random_int(&mut rng, words.max(1)) % &half;
                    values.push(v);
                }
            }
            for v in values {
                let residues: Vec<u64> = ps.iter().map(|&p| reduce(&v, p)).collect();
                assert_eq!(crt.symmetric(&residues), v, "n = {n}");
                if n > 1 {
                    assert_eq!(crt.by_tree(&residues), v, "tree, n = {n}");
                }
            }
        }
    }

    /// The weights are the inverses of `M/pᵢ` modulo `pᵢ`.
    #[test]
    fn the_tree_weights_invert_the_cofactors() {
        let ps: Vec<u64> = primes().take(37).collect();
        let levels = product_tree(&ps);
        let m = levels.last().unwrap()[0].clone();
        assert_eq!(m, ps.iter().map(|&p| BigUint::from(p)).product::<BigUint>());
        for (&p, &w) in ps.iter().zip(&tree_weights(&levels, &ps)) {
            let cof = (&m / p) % p;
            let cof = cof.iter_u64_digits().next().unwrap_or(0);
            assert_eq!(Modulus::new(p).mul(cof, w), 1);
        }
    }
}

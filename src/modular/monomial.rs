//! Interned monomials: every exponent vector met during a computation is
//! stored once and named by a `u32`, so that products, divisibility tests and
//! comparisons in the monomial order work on small integers and a flat array.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::polynomial::sparse::MonomialOrder;

/// A fast, non-cryptographic hasher for exponent vectors (a multiply-rotate
/// scheme; the keys are never chosen by an adversary).
#[derive(Default, Clone, Copy)]
pub(crate) struct WordHasher {
    hash: u64,
}

const MULTIPLIER: u64 = 0x517c_c1b7_2722_0a95;

impl WordHasher {
    fn add(&mut self, x: u64) {
        self.hash = (self.hash.rotate_left(5) ^ x).wrapping_mul(MULTIPLIER);
    }
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }
    fn write_u16(&mut self, i: u16) {
        self.add(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// A hash map keyed with [`WordHasher`].
pub(crate) type WordMap<K, V> = HashMap<K, V, BuildHasherDefault<WordHasher>>;

/// The table of monomials of one computation (at most 64 variables).
pub(crate) struct Monomials {
    n: usize,
    order: MonomialOrder,
    exps: Vec<u16>,
    degs: Vec<u32>,
    masks: Vec<u64>,
    map: WordMap<Box<[u16]>, u32>,
    buf: Vec<u16>,
}

impl Monomials {
    pub(crate) fn new(n: usize, order: MonomialOrder) -> Self {
        Self {
            n,
            order,
            exps: Vec::new(),
            degs: Vec::new(),
            masks: Vec::new(),
            map: WordMap::default(),
            buf: vec![0; n],
        }
    }

    /// Number of variables.
    pub(crate) fn nvars(&self) -> usize {
        self.n
    }

    /// Number of monomials stored.
    pub(crate) fn len(&self) -> usize {
        self.degs.len()
    }

    /// The exponent vector of `a`.
    pub(crate) fn exps(&self, a: u32) -> &[u16] {
        let s = a as usize * self.n;
        &self.exps[s..s + self.n]
    }

    /// Total degree of `a`.
    pub(crate) fn deg(&self, a: u32) -> u32 {
        self.degs[a as usize]
    }

    /// The id of an exponent vector already stored.
    pub(crate) fn find(&self, e: &[u16]) -> Option<u32> {
        self.map.get(e).copied()
    }

    /// The id of an exponent vector, stored if new.
    pub(crate) fn intern(&mut self, e: &[u16]) -> u32 {
        if let Some(&id) = self.map.get(e) {
            return id;
        }
        let id = u32::try_from(self.degs.len()).unwrap_or(u32::MAX);
        self.exps.extend_from_slice(e);
        self.degs.push(e.iter().map(|&x| u32::from(x)).sum());
        let mut mask = 0u64;
        for (i, &x) in e.iter().enumerate() {
            if x > 0 {
                mask |= 1 << (i % 64);
            }
        }
        self.masks.push(mask);
        self.map.insert(e.into(), id);
        id
    }

    fn intern_buf(&mut self) -> u32 {
        let buf = std::mem::take(&mut self.buf);
        let id = self.intern(&buf);
        self.buf = buf;
        id
    }

    /// `a · b`.
    pub(crate) fn mul(&mut self, a: u32, b: u32) -> u32 {
        let (sa, sb) = (a as usize * self.n, b as usize * self.n);
        for k in 0..self.n {
            self.buf[k] = self.exps[sa + k] + self.exps[sb + k];
        }
        self.intern_buf()
    }

    /// `a / b` (`b` must divide `a`).
    pub(crate) fn div(&mut self, a: u32, b: u32) -> u32 {
        let (sa, sb) = (a as usize * self.n, b as usize * self.n);
        for k in 0..self.n {
            self.buf[k] = self.exps[sa + k] - self.exps[sb + k];
        }
        self.intern_buf()
    }

    /// `lcm(a, b)`.
    pub(crate) fn lcm(&mut self, a: u32, b: u32) -> u32 {
        let (sa, sb) = (a as usize * self.n, b as usize * self.n);
        for k in 0..self.n {
            self.buf[k] = self.exps[sa + k].max(self.exps[sb + k]);
        }
        self.intern_buf()
    }

    /// Whether `a` divides `b`.
    pub(crate) fn divides(&self, a: u32, b: u32) -> bool {
        if self.masks[a as usize] & !self.masks[b as usize] != 0 {
            return false;
        }
        self.exps(a).iter().zip(self.exps(b)).all(|(x, y)| x <= y)
    }

    /// Whether `a` and `b` share no variable.
    pub(crate) fn coprime(&self, a: u32, b: u32) -> bool {
        if self.n <= 64 && self.masks[a as usize] & self.masks[b as usize] == 0 {
            return true;
        }
        self.exps(a)
            .iter()
            .zip(self.exps(b))
            .all(|(&x, &y)| x == 0 || y == 0)
    }

    /// Whether `lcm(a, b) = l`.
    pub(crate) fn lcm_is(&self, a: u32, b: u32, l: u32) -> bool {
        self.exps(a)
            .iter()
            .zip(self.exps(b))
            .zip(self.exps(l))
            .all(|((&x, &y), &z)| x.max(y) == z)
    }

    /// Compares `a` and `b` in the monomial order.
    pub(crate) fn cmp(&self, a: u32, b: u32) -> Ordering {
        if a == b {
            return Ordering::Equal;
        }
        match self.order {
            MonomialOrder::Lex => self.exps(a).cmp(self.exps(b)),
            MonomialOrder::GrevLex => self.deg(a).cmp(&self.deg(b)).then_with(|| {
                self.exps(a)
                    .iter()
                    .zip(self.exps(b))
                    .rev()
                    .find(|(x, y)| x != y)
                    .map_or(Ordering::Equal, |(x, y)| y.cmp(x))
            }),
        }
    }
}

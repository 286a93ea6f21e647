//! The F4 engine checked by identities: inputs and S-polynomials reduce to 0,
//! the basis is reduced, and solution counts equal known degrees (Bézout for
//! generic dense systems, Katsura, cyclic 5), the same for several primes.

use std::collections::BTreeMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{ModTerms, ReplayMeter, ReplayRows, groebner_basis_mod_p};
use crate::polynomial::groebner::{PRIME_A, PRIME_B};
use crate::polynomial::sparse::{MonomialOrder, divides};
use crate::variety::zerodim::standard_monomials;

type P = BTreeMap<Vec<u16>, u64>;

fn to_map(t: &ModTerms) -> P {
    t.iter().map(|(e, c)| (e.clone(), u64::from(*c))).collect()
}

fn lead(f: &P, order: MonomialOrder) -> Option<(Vec<u16>, u64)> {
    f.iter()
        .max_by(|a, b| order.cmp(a.0, b.0))
        .map(|(e, c)| (e.clone(), *c))
}

fn inv(a: u64, p: u64) -> u64 {
    let (mut r, mut b, mut e) = (1u64, a % p, p - 2);
    while e > 0 {
        if e & 1 == 1 {
            r = r * b % p;
        }
        b = b * b % p;
        e >>= 1;
    }
    r
}

/// `f − c·x^m·g`.
fn sub_mul(f: &mut P, g: &P, m: &[u16], c: u64, p: u64) {
    for (e, v) in g {
        let k: Vec<u16> = e.iter().zip(m).map(|(a, b)| a + b).collect();
        let slot = f.entry(k.clone()).or_insert(0);
        *slot = (*slot + p - c * v % p) % p;
        if *slot == 0 {
            f.remove(&k);
        }
    }
}

/// Full normal form by naive division (independent of the engine).
fn normal_form(f: &P, basis: &[P], order: MonomialOrder, p: u64) -> P {
    let mut f = f.clone();
    let mut rem = P::new();
    while let Some((e, c)) = lead(&f, order) {
        let red = basis.iter().find(|g| {
            let (l, _) = lead(g, order).unwrap();
            divides(&l, &e)
        });
        match red {
            Some(g) => {
                let (l, lc) = lead(g, order).unwrap();
                let m: Vec<u16> = e.iter().zip(&l).map(|(a, b)| a - b).collect();
                sub_mul(&mut f, g, &m, c * inv(lc, p) % p, p);
            }
            None => {
                f.remove(&e);
                rem.insert(e, c);
            }
        }
    }
    rem
}

fn check_groebner(input: &[ModTerms], basis: &[ModTerms], order: MonomialOrder, p: u64) {
    let b: Vec<P> = basis.iter().map(to_map).collect();
    for f in input {
        assert!(
            normal_form(&to_map(f), &b, order, p).is_empty(),
            "an input does not reduce to 0"
        );
    }
    let leads: Vec<Vec<u16>> = b.iter().map(|g| lead(g, order).unwrap().0).collect();
    for (i, g) in b.iter().enumerate() {
        assert_eq!(lead(g, order).unwrap().1, 1, "not monic");
        for e in g.keys() {
            for (j, l) in leads.iter().enumerate() {
                if j != i {
                    assert!(
                        !divides(l, e),
                        "not reduced: a term is divisible by a leading monomial"
                    );
                }
            }
        }
    }
    for i in 0..b.len() {
        for j in i + 1..b.len() {
            let l: Vec<u16> = leads[i]
                .iter()
                .zip(&leads[j])
                .map(|(a, c)| *a.max(c))
                .collect();
            let mi: Vec<u16> = l.iter().zip(&leads[i]).map(|(a, c)| a - c).collect();
            let mj: Vec<u16> = l.iter().zip(&leads[j]).map(|(a, c)| a - c).collect();
            let mut s = P::new();
            sub_mul(&mut s, &b[i], &mi, p - 1, p);
            sub_mul(&mut s, &b[j], &mj, 1, p);
            assert!(
                normal_form(&s, &b, order, p).is_empty(),
                "an S-polynomial does not reduce to 0"
            );
        }
    }
}

fn count(basis: &[ModTerms], n: usize, order: MonomialOrder) -> Option<usize> {
    let leads: Vec<Vec<u16>> = basis
        .iter()
        .map(|g| lead(&to_map(g), order).unwrap().0)
        .collect();
    standard_monomials(&leads, n, 1_000_000).map(|s| s.len())
}

/// A dense polynomial of total degree `d` with seeded coefficients modulo p.
fn dense(n: usize, d: u16, p: u32, rng: &mut ChaCha8Rng) -> ModTerms {
    let mut out = Vec::new();
    let mut e = vec![0u16; n];
    loop {
        if e.iter().sum::<u16>() <= d {
            out.push((e.clone(), rng.gen_range(0..p)));
        }
        let mut k = 0;
        loop {
            if k == n {
                return out;
            }
            e[k] += 1;
            if e[k] <= d {
                break;
            }
            e[k] = 0;
            k += 1;
        }
    }
}

/// Integer polynomial from (coefficient, exponents) pairs, reduced mod p.
fn from_int(terms: &[(i64, &[u16])], p: u32) -> ModTerms {
    terms
        .iter()
        .map(|(c, e)| (e.to_vec(), c.rem_euclid(i64::from(p)) as u32))
        .collect()
}

#[test]
fn generic_dense_systems_have_the_bezout_number_of_solutions() {
    for (n, degs, seed) in [
        (3, vec![2, 2, 2], 1u64),
        (4, vec![2, 2, 2, 2], 2),
        (3, vec![3, 2, 2], 3),
    ] {
        let bezout: usize = degs.iter().map(|&d| d as usize).product();
        for p in [PRIME_A, PRIME_B, 32_003] {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let input: Vec<ModTerms> = degs.iter().map(|&d| dense(n, d, p, &mut rng)).collect();
            let (basis, _) =
                groebner_basis_mod_p(&input, n, MonomialOrder::GrevLex, p, None).unwrap();
            check_groebner(&input, &basis, MonomialOrder::GrevLex, u64::from(p));
            assert_eq!(
                count(&basis, n, MonomialOrder::GrevLex),
                Some(bezout),
                "n = {n}, p = {p}"
            );
        }
    }
}

#[test]
fn lex_bases_of_generic_systems_are_in_shape_position() {
    let p = PRIME_A;
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let input: Vec<ModTerms> = (0..3).map(|_| dense(3, 2, p, &mut rng)).collect();
    let (basis, _) = groebner_basis_mod_p(&input, 3, MonomialOrder::Lex, p, None).unwrap();
    check_groebner(&input, &basis, MonomialOrder::Lex, u64::from(p));
    // Shape lemma: x − g(z), y − h(z), a univariate of degree 8 in z.
    assert_eq!(basis.len(), 3);
    let last = lead(&to_map(&basis[0]), MonomialOrder::Lex).unwrap().0;
    assert_eq!(last, vec![0, 0, 8]);
    assert_eq!(count(&basis, 3, MonomialOrder::Lex), Some(8));
}

/// Katsura-n (n + 1 unknowns) has 2ⁿ solutions.
fn katsura(n: usize, p: u32) -> Vec<ModTerms> {
    let nv = n + 1;
    let unit = |k: usize| {
        let mut e = vec![0u16; nv];
        e[k] = 1;
        e
    };
    let mut sys = Vec::new();
    // Σ_{l=-n}^{n} u_l u_{m-l} = u_m with u_{-l} = u_l, for m = 0..n−1.
    for m in 0..n as i64 {
        let mut f: BTreeMap<Vec<u16>, i64> = BTreeMap::new();
        for l in -(n as i64)..=(n as i64) {
            let (a, b) = (l.unsigned_abs() as usize, (m - l).unsigned_abs() as usize);
            if a > n || b > n {
                continue;
            }
            let mut e = unit(a);
            e[b] += 1;
            *f.entry(e).or_insert(0) += 1;
        }
        *f.entry(unit(m as usize)).or_insert(0) -= 1;
        let terms: Vec<(i64, Vec<u16>)> = f.into_iter().map(|(e, c)| (c, e)).collect();
        let refs: Vec<(i64, &[u16])> = terms.iter().map(|(c, e)| (*c, e.as_slice())).collect();
        sys.push(from_int(&refs, p));
    }
    // u_0 + 2 Σ u_l = 1.
    let mut lin: Vec<(i64, Vec<u16>)> = vec![(1, unit(0)), (-1, vec![0; nv])];
    for l in 1..=n {
        lin.push((2, unit(l)));
    }
    let refs: Vec<(i64, &[u16])> = lin.iter().map(|(c, e)| (*c, e.as_slice())).collect();
    sys.push(from_int(&refs, p));
    sys
}

#[test]
fn katsura_systems_have_two_to_the_n_solutions_for_every_prime() {
    for n in [3usize, 4, 5] {
        for p in [PRIME_A, PRIME_B, 65_521] {
            let input = katsura(n, p);
            let (basis, stats) =
                groebner_basis_mod_p(&input, n + 1, MonomialOrder::GrevLex, p, None).unwrap();
            if n < 5 {
                check_groebner(&input, &basis, MonomialOrder::GrevLex, u64::from(p));
            }
            assert!(stats.rounds > 1);
            assert_eq!(count(&basis, n + 1, MonomialOrder::GrevLex), Some(1 << n));
        }
    }
}

#[test]
fn cyclic_five_has_seventy_solutions() {
    let p = PRIME_A;
    let n = 5;
    let mut sys = Vec::new();
    for k in 1..n {
        let mut terms = Vec::new();
        for i in 0..n {
            let mut e = vec![0u16; n];
            for j in 0..k {
                e[(i + j) % n] += 1;
            }
            terms.push((e, 1));
        }
        sys.push(terms);
    }
    sys.push(vec![(vec![1; n], 1), (vec![0; n], p - 1)]);
    let (basis, _) = groebner_basis_mod_p(&sys, n, MonomialOrder::GrevLex, p, None).unwrap();
    check_groebner(&sys, &basis, MonomialOrder::GrevLex, u64::from(p));
    assert_eq!(count(&basis, n, MonomialOrder::GrevLex), Some(70));
}

#[test]
fn unit_ideals_zero_ideals_and_monomial_ideals() {
    let p = 101;
    let x = vec![(vec![1, 0], 1)];
    let x1 = vec![(vec![1, 0], 1), (vec![0, 0], p - 1)];
    let (b, _) =
        groebner_basis_mod_p(&[x.clone(), x1], 2, MonomialOrder::GrevLex, p, None).unwrap();
    assert_eq!(b, vec![vec![(vec![0, 0], 1)]]);
    let (b, _) =
        groebner_basis_mod_p(&[vec![(vec![1, 1], p)]], 2, MonomialOrder::GrevLex, p, None).unwrap();
    assert!(b.is_empty(), "p·xy is zero modulo p");
    let xy = vec![(vec![1, 1], 3)];
    let (b, _) = groebner_basis_mod_p(&[xy, x], 2, MonomialOrder::GrevLex, p, None).unwrap();
    assert_eq!(b, vec![vec![(vec![1, 0], 1)]]);
}

#[test]
fn positive_dimensional_ideals_are_handled() {
    // Two generic quadrics in four unknowns: a surface, no finite count.
    let p = PRIME_B;
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let a = dense(4, 2, p, &mut rng);
    let b = dense(4, 2, p, &mut rng);
    let input = vec![a, b];
    let (basis, _) = groebner_basis_mod_p(&input, 4, MonomialOrder::GrevLex, p, None).unwrap();
    check_groebner(&input, &basis, MonomialOrder::GrevLex, u64::from(p));
    assert_eq!(count(&basis, 4, MonomialOrder::GrevLex), None);
}

#[test]
fn an_expired_deadline_stops_the_computation() {
    let p = PRIME_A;
    let input = katsura(6, p);
    let past = std::time::Instant::now() - std::time::Duration::from_secs(1);
    assert!(groebner_basis_mod_p(&input, 7, MonomialOrder::GrevLex, p, Some(past)).is_none());
}

/// A polynomial with integer coefficients (coefficient, exponents).
type IntPoly = Vec<(i64, Vec<u16>)>;

/// An integer system: coefficients in −50..50, reduced modulo each prime.
fn integer_system(n: usize, degs: &[u16], seed: u64) -> Vec<IntPoly> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    degs.iter()
        .map(|&d| {
            let mut terms = Vec::new();
            let mut e = vec![0u16; n];
            loop {
                if e.iter().sum::<u16>() <= d {
                    terms.push((rng.gen_range(-50i64..50), e.clone()));
                }
                // Next exponent vector with entries ≤ d.
                let mut k = 0;
                while k < n && e[k] == d {
                    e[k] = 0;
                    k += 1;
                }
                if k == n {
                    break;
                }
                e[k] += 1;
            }
            terms
        })
        .collect()
}

fn reduce_system(sys: &[IntPoly], p: u32) -> Vec<ModTerms> {
    sys.iter()
        .map(|f| {
            let refs: Vec<(i64, &[u16])> = f.iter().map(|(c, e)| (*c, e.as_slice())).collect();
            from_int(&refs, p)
        })
        .collect()
}

#[test]
fn a_trace_replays_to_the_full_run_on_other_primes() {
    use super::{Replay, groebner_basis_mod_p_traced};
    let mut systems: Vec<(usize, Vec<IntPoly>)> = vec![
        (3, integer_system(3, &[2, 2, 2], 1)),
        (3, integer_system(3, &[3, 2, 2], 2)),
        (4, integer_system(4, &[2, 2, 2, 2], 3)),
    ];
    // Katsura-4 and cyclic-5 as integer systems (their coefficients are
    // small, so reducing the PRIME_A images symmetrically recovers them).
    let lift = |sys: Vec<ModTerms>| -> Vec<IntPoly> {
        sys.into_iter()
            .map(|f| {
                f.into_iter()
                    .map(|(e, c)| {
                        let c = i64::from(c);
                        let p = i64::from(PRIME_A);
                        (if c > p / 2 { c - p } else { c }, e)
                    })
                    .collect()
            })
            .collect()
    };
    systems.push((5, lift(katsura(4, PRIME_A))));
    let mut cyclic = Vec::new();
    for k in 1..5 {
        let mut terms = Vec::new();
        for i in 0..5 {
            let mut e = vec![0u16; 5];
            for j in 0..k {
                e[(i + j) % 5] += 1;
            }
            terms.push((1i64, e));
        }
        cyclic.push(terms);
    }
    cyclic.push(vec![(1, vec![1; 5]), (-1, vec![0; 5])]);
    systems.push((5, cyclic));
    for (n, sys) in &systems {
        let first = reduce_system(sys, PRIME_A);
        let (basis, _, trace) =
            groebner_basis_mod_p_traced(&first, *n, MonomialOrder::GrevLex, PRIME_A, None).unwrap();
        let (plain, _) =
            groebner_basis_mod_p(&first, *n, MonomialOrder::GrevLex, PRIME_A, None).unwrap();
        assert_eq!(basis, plain, "recording changes nothing");
        let trace = trace.expect("a trace");
        for p in [PRIME_B, 65_521, 32_003, 1_000_003] {
            let input = reduce_system(sys, p);
            let (full, _) =
                groebner_basis_mod_p(&input, *n, MonomialOrder::GrevLex, p, None).unwrap();
            // Every row, and only those that gave polynomials modulo
            // PRIME_A: at these primes both are F4's own run.
            for rows in [ReplayRows::All, ReplayRows::Useful] {
                match trace.replay(&input, p, None, rows) {
                    Replay::Basis(b) => {
                        assert_eq!(b, full, "n = {n}, p = {p}, {rows:?}");
                        check_groebner(&input, &b, MonomialOrder::GrevLex, u64::from(p));
                    }
                    Replay::Mismatch => panic!("an unexpected mismatch, n = {n}, p = {p}"),
                    Replay::OutOfTime => panic!("no deadline was given"),
                }
            }
        }
        let past = std::time::Instant::now() - std::time::Duration::from_secs(1);
        assert!(matches!(
            trace.replay(
                &reduce_system(sys, PRIME_B),
                PRIME_B,
                Some(past),
                ReplayRows::All
            ),
            Replay::OutOfTime
        ));
    }
}

#[test]
fn a_replay_refuses_a_prime_where_a_support_changes() {
    use super::{Replay, groebner_basis_mod_p_traced};
    let all = ReplayRows::All;
    // x·y + 5x − 1, y² − 2: modulo 5 the input loses its term 5x.
    let sys = vec![
        vec![(1i64, vec![1u16, 1]), (5, vec![1, 0]), (-1, vec![0, 0])],
        vec![(1, vec![0, 2]), (-2, vec![0, 0])],
    ];
    let (_, _, trace) =
        groebner_basis_mod_p_traced(&reduce_system(&sys, 7), 2, MonomialOrder::GrevLex, 7, None)
            .unwrap();
    let trace = trace.unwrap();
    assert!(matches!(
        trace.replay(&reduce_system(&sys, 5), 5, None, all),
        Replay::Mismatch
    ));
    assert!(matches!(
        trace.replay(&reduce_system(&sys, 11), 11, None, all),
        Replay::Basis(_)
    ));
    // x − 1, x − 6: the unit ideal modulo 7, but one line modulo 5, where
    // the difference 5 reduces to zero inside the first matrix.
    let sys = vec![
        vec![(1i64, vec![1u16]), (-1, vec![0])],
        vec![(1, vec![1]), (-6, vec![0])],
    ];
    let (b, _, trace) =
        groebner_basis_mod_p_traced(&reduce_system(&sys, 7), 1, MonomialOrder::GrevLex, 7, None)
            .unwrap();
    assert_eq!(b, vec![vec![(vec![0u16], 1)]]);
    let trace = trace.unwrap();
    // A row that gave a polynomial modulo 7 and vanishes modulo 5 is seen
    // by both kinds of replay.
    for rows in [all, ReplayRows::Useful] {
        assert!(matches!(
            trace.replay(&reduce_system(&sys, 5), 5, None, rows),
            Replay::Mismatch
        ));
    }
    match trace.replay(&reduce_system(&sys, 13), 13, None, all) {
        Replay::Basis(b) => assert_eq!(b, vec![vec![(vec![0u16], 1)]]),
        _ => panic!("modulo 13 the ideal is the unit ideal too"),
    }
}

#[test]
fn only_a_replay_of_every_row_sees_a_row_that_vanished_at_the_first_prime_and_not_here() {
    use super::{Replay, groebner_basis_mod_p, groebner_basis_mod_p_traced};
    // x − 1 and x − 8 are one line modulo 7 (the second row reduces to
    // zero) and the unit ideal modulo 11. Replaying every row sees it; the
    // replay of the useful rows alone computes the image of {x − 1}, which
    // is not F4's basis modulo 11: why the count's second prime replays
    // every row (module docs of `f4`).
    let sys = vec![
        vec![(1i64, vec![1u16]), (-1, vec![0])],
        vec![(1, vec![1]), (-8, vec![0])],
    ];
    let (b, _, trace) =
        groebner_basis_mod_p_traced(&reduce_system(&sys, 7), 1, MonomialOrder::GrevLex, 7, None)
            .unwrap();
    assert_eq!(b, vec![vec![(vec![1u16], 1), (vec![0], 6)]]);
    let trace = trace.unwrap();
    let input = reduce_system(&sys, 11);
    let (own, _) = groebner_basis_mod_p(&input, 1, MonomialOrder::GrevLex, 11, None).unwrap();
    assert_eq!(own, vec![vec![(vec![0u16], 1)]]);
    assert!(matches!(
        trace.replay(&input, 11, None, ReplayRows::All),
        Replay::Mismatch
    ));
    match trace.replay(&input, 11, None, ReplayRows::Useful) {
        Replay::Basis(b) => {
            assert_eq!(b, vec![vec![(vec![1u16], 1), (vec![0], 10)]]);
            assert_ne!(b, own);
        }
        _ => panic!("the useful row alone replays without a mismatch"),
    }
}

/// An integer system as the replay over Q takes it.
fn int_terms(sys: &[IntPoly]) -> Vec<super::IntTerms> {
    sys.iter()
        .map(|f| {
            f.iter()
                .map(|(c, e)| (e.clone(), num_bigint::BigInt::from(*c)))
                .collect()
        })
        .collect()
}

#[test]
fn a_replay_over_q_finds_elements_with_the_known_counts_leading_monomials() {
    use super::{RationalReplay, groebner_basis_mod_p_traced};
    // Generic dense integer systems have their Bézout number of solutions
    // over Q (8, 12, 16): elements of the ideal over Q whose leading
    // monomials leave exactly that many standard monomials prove the upper
    // bound, the genericity the lower one.
    let systems: Vec<(usize, Vec<IntPoly>, usize)> = vec![
        (3, integer_system(3, &[2, 2, 2], 1), 8),
        (3, integer_system(3, &[3, 2, 2], 2), 12),
        (4, integer_system(4, &[2, 2, 2, 2], 3), 16),
    ];
    for (n, sys, bezout) in &systems {
        let (basis, _, trace) = groebner_basis_mod_p_traced(
            &reduce_system(sys, PRIME_A),
            *n,
            MonomialOrder::GrevLex,
            PRIME_A,
            None,
        )
        .unwrap();
        assert_eq!(count(&basis, *n, MonomialOrder::GrevLex), Some(*bezout));
        let trace = trace.unwrap();
        match trace.replay_over_q(&int_terms(sys), &ReplayMeter::default()) {
            RationalReplay::Leads(leads) => {
                let std = standard_monomials(&leads, *n, 1000).expect("zero-dimensional");
                assert_eq!(std.len(), *bezout, "n = {n}");
            }
            other => panic!("n = {n}: {other:?}"),
        }
        let past = std::time::Instant::now() - std::time::Duration::from_secs(1);
        assert!(matches!(
            trace.replay_over_q(&int_terms(sys), &ReplayMeter::new(None, Some(past))),
            RationalReplay::OutOfTime
        ));
    }
}

#[test]
fn a_replay_over_q_stops_exactly_when_its_total_work_exceeds_the_limit() {
    use super::{RationalReplay, groebner_basis_mod_p_traced};
    // The work of a complete replay is a property of the system and the
    // trace: the same in every run, whatever the threads do, and a limit
    // decides the outcome by it alone (W allowed: done; W − 1: stopped).
    let sys = integer_system(4, &[2, 2, 2, 2], 3);
    let (_, _, trace) = groebner_basis_mod_p_traced(
        &reduce_system(&sys, PRIME_A),
        4,
        MonomialOrder::GrevLex,
        PRIME_A,
        None,
    )
    .unwrap();
    let trace = trace.unwrap();
    let input = int_terms(&sys);
    let full = ReplayMeter::default();
    assert!(matches!(
        trace.replay_over_q(&input, &full),
        RationalReplay::Leads(_)
    ));
    let work = full.used();
    assert!(
        work > 1000,
        "a replay of 16 solutions does some work: {work}"
    );
    for _ in 0..4 {
        let again = ReplayMeter::new(Some(work), None);
        assert!(matches!(
            trace.replay_over_q(&input, &again),
            RationalReplay::Leads(_)
        ));
        assert_eq!(again.used(), work);
        assert!(matches!(
            trace.replay_over_q(&input, &ReplayMeter::new(Some(work - 1), None)),
            RationalReplay::OutOfWork
        ));
    }
    assert!(matches!(
        trace.replay_over_q(&input, &ReplayMeter::new(Some(work / 2), None)),
        RationalReplay::OutOfWork
    ));
}

#[test]
fn a_replay_over_q_refuses_a_prime_that_loses_solutions() {
    use super::{RationalReplay, groebner_basis_mod_p_traced};
    let record = |sys: &[IntPoly], n: usize, p: u32| {
        groebner_basis_mod_p_traced(&reduce_system(sys, p), n, MonomialOrder::GrevLex, p, None)
            .unwrap()
    };
    // x·y + x, x·y + 6x − 1: over Q one solution (1/5, −1); modulo 5 the
    // inputs keep their supports but their difference 5x − 1 becomes −1, the
    // unit ideal. The count 0 modulo 5 is not a bound over Q, and the
    // replay over Q of the run modulo 5 must say so.
    let sys = vec![
        vec![(1i64, vec![1u16, 1]), (1, vec![1, 0])],
        vec![(1, vec![1, 1]), (6, vec![1, 0]), (-1, vec![0, 0])],
    ];
    let (b5, _, trace5) = record(&sys, 2, 5);
    assert_eq!(b5, vec![vec![(vec![0u16, 0], 1)]], "unit modulo 5");
    assert!(matches!(
        trace5
            .unwrap()
            .replay_over_q(&int_terms(&sys), &ReplayMeter::default()),
        RationalReplay::Mismatch(_)
    ));
    // Modulo 7 the run is the one over Q: one standard monomial, exactly.
    let (_, _, trace7) = record(&sys, 2, 7);
    match trace7
        .unwrap()
        .replay_over_q(&int_terms(&sys), &ReplayMeter::default())
    {
        RationalReplay::Leads(leads) => {
            assert_eq!(standard_monomials(&leads, 2, 10).unwrap().len(), 1);
        }
        other => panic!("{other:?}"),
    }
    // x·(5x − 1): two solutions over Q, one modulo 5 (the input's support
    // changes there).
    let sys = vec![vec![(5i64, vec![2u16]), (-1, vec![1])]];
    let (b5, _, trace5) = record(&sys, 1, 5);
    assert_eq!(count(&b5, 1, MonomialOrder::GrevLex), Some(1));
    assert!(matches!(
        trace5
            .unwrap()
            .replay_over_q(&int_terms(&sys), &ReplayMeter::default()),
        RationalReplay::Mismatch(_)
    ));
    // x − 1, x − 6 modulo 7: the unit ideal over Q too.
    let sys = vec![
        vec![(1i64, vec![1u16]), (-1, vec![0])],
        vec![(1, vec![1]), (-6, vec![0])],
    ];
    let (_, _, trace7) = record(&sys, 1, 7);
    match trace7
        .unwrap()
        .replay_over_q(&int_terms(&sys), &ReplayMeter::default())
    {
        RationalReplay::Leads(leads) => assert_eq!(leads, vec![vec![0u16]]),
        other => panic!("{other:?}"),
    }
}

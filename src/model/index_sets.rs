//! Index sets: the k-subsets of `0..n` that choose minors and coordinates in
//! the exact and variety layers.

/// All k-subsets of `0..n`, each increasing, in lexicographic order
/// (`C(n, k)` of them; one empty set for k = 0, none for k > n).
///
/// ```
/// use ssl_equilibria::model::subsets;
/// assert_eq!(subsets(3, 2), vec![vec![0, 1], vec![0, 2], vec![1, 2]]);
/// ```
pub fn subsets(n: usize, k: usize) -> Vec<Vec<usize>> {
    fn go(start: usize, n: usize, k: usize, cur: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if cur.len() == k {
            out.push(cur.clone());
            return;
        }
        for i in start..n {
            cur.push(i);
            go(i + 1, n, k, cur, out);
            cur.pop();
        }
    }
    let mut out = Vec::new();
    go(0, n, k, &mut Vec::new(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::subsets;

    fn binomial(n: usize, k: usize) -> usize {
        (0..k).fold(1, |acc, i| acc * (n - i) / (i + 1))
    }

    #[test]
    fn subsets_are_all_increasing_distinct_and_sorted() {
        for n in 0..7 {
            for k in 0..=n {
                let s = subsets(n, k);
                assert_eq!(s.len(), binomial(n, k), "C({n}, {k})");
                assert!(
                    s.iter()
                        .all(|x| x.len() == k && x.windows(2).all(|w| w[0] < w[1]))
                );
                assert!(s.iter().all(|x| x.iter().all(|&i| i < n)));
                assert!(s.windows(2).all(|w| w[0] < w[1]), "lexicographic, distinct");
            }
        }
        assert_eq!(subsets(2, 3), Vec::<Vec<usize>>::new());
        assert_eq!(subsets(0, 0), vec![Vec::<usize>::new()]);
    }
}

//! Proportions with confidence intervals.

use serde::Serialize;

/// The 0.975 quantile of the standard normal distribution (two-sided 95%).
pub const Z95: f64 = 1.959_963_984_540_054;

/// Wilson score interval `[lo, hi]` (as fractions in [0, 1]) for `k`
/// successes in `n` trials at the two-sided level given by the normal
/// quantile `z`. Unlike the normal approximation it stays inside [0, 1] and
/// has a positive width at `k = 0` or `k = n`, where the paper's 0 % falls.
/// Returns `(0, 1)` when `n = 0`.
///
/// ```
/// use ssl_equilibria::experiments::stats::{wilson, Z95};
/// let (lo, hi) = wilson(0, 100, Z95);
/// assert_eq!(lo, 0.0);
/// assert!((hi - 0.037).abs() < 1e-3);
/// ```
pub fn wilson(k: usize, n: usize, z: f64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let nf = n as f64;
    let p = k as f64 / nf;
    let z2 = z * z;
    let denom = 1.0 + z2 / nf;
    let centre = (p + z2 / (2.0 * nf)) / denom;
    let half = z * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt() / denom;
    // At k = 0 (k = n) the lower (upper) end is exactly 0 (1); computing it
    // as centre ∓ half leaves a rounding residue of about 1e-18, which would
    // exclude an exact 0 % (such as the paper's inner-sphere rate).
    (
        if k == 0 {
            0.0
        } else {
            (centre - half).max(0.0)
        },
        if k == n {
            1.0
        } else {
            (centre + half).min(1.0)
        },
    )
}

/// Newcombe's hybrid score interval (his method 10) for the difference of
/// two independent proportions `k1/n1 − k2/n2`, built from the two Wilson
/// intervals at `z`. It stays inside [−1, 1] and behaves at counts of 0.
pub fn newcombe_difference(k1: usize, n1: usize, k2: usize, n2: usize, z: f64) -> (f64, f64) {
    let p = |k: usize, n: usize| if n == 0 { 0.0 } else { k as f64 / n as f64 };
    let (p1, p2) = (p(k1, n1), p(k2, n2));
    let (l1, u1) = wilson(k1, n1, z);
    let (l2, u2) = wilson(k2, n2, z);
    let d = p1 - p2;
    (
        d - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt(),
        d + ((u1 - p1).powi(2) + (p2 - l2).powi(2)).sqrt(),
    )
}

/// A count out of a total, with its percentage and 95% Wilson interval (in
/// percent).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Share {
    /// How many.
    pub count: usize,
    /// Out of how many.
    pub total: usize,
    /// `100 · count / total` (0 when the total is 0).
    pub percent: f64,
    /// 95% Wilson score interval, in percent.
    pub ci95: (f64, f64),
}

impl Share {
    /// `count` out of `total`.
    pub fn new(count: usize, total: usize) -> Self {
        let (lo, hi) = wilson(count, total, Z95);
        Self {
            count,
            total,
            percent: if total == 0 {
                0.0
            } else {
                100.0 * count as f64 / total as f64
            },
            ci95: (100.0 * lo, 100.0 * hi),
        }
    }

    /// Whether `percent` lies in the 95% interval (ends included).
    pub fn covers(&self, percent: f64) -> bool {
        self.ci95.0 <= percent && percent <= self.ci95.1
    }

    /// `"82.0 % [80.9, 83.1]"`.
    pub fn describe(&self) -> String {
        format!(
            "{:.1} % [{:.1}, {:.1}]",
            self.percent, self.ci95.0, self.ci95.1
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_a_hand_computed_interval() {
        // k = 82, n = 100: p = 0.82, z² = 3.8415; centre = (0.82 + 0.019207)/1.038415
        // = 0.808177; half = 1.96·sqrt(0.001476 + 0.000096)/1.038415 = 0.074834.
        let (lo, hi) = wilson(82, 100, Z95);
        assert!((lo - 0.73334).abs() < 1e-4, "{lo}");
        assert!((hi - 0.88301).abs() < 1e-4, "{hi}");
    }

    #[test]
    fn newcombe_matches_his_worked_example() {
        // Newcombe (1998), example (a): 56/70 − 48/80 = 0.2, method 10
        // gives 0.0524 to 0.3339.
        let (lo, hi) = newcombe_difference(56, 70, 48, 80, Z95);
        assert!((lo - 0.0524).abs() < 1e-3, "{lo}");
        assert!((hi - 0.3339).abs() < 1e-3, "{hi}");
        // Equal proportions contain 0; far ones do not.
        let (lo, hi) = newcombe_difference(0, 5000, 0, 10_000, Z95);
        assert!(lo <= 0.0 && 0.0 <= hi);
        let (lo, _) = newcombe_difference(900, 1000, 720, 10_000, Z95);
        assert!(lo > 0.0);
    }

    #[test]
    fn wilson_is_inside_the_unit_interval_and_shrinks_with_n() {
        for &(k, n) in &[(0, 10), (10, 10), (3, 7), (5000, 10000)] {
            let (lo, hi) = wilson(k, n, Z95);
            let p = k as f64 / n as f64;
            assert!(0.0 <= lo && lo <= p && p <= hi && hi <= 1.0);
        }
        let w = |n: usize| {
            let (lo, hi) = wilson(n / 2, n, Z95);
            hi - lo
        };
        assert!(w(10_000) < w(1000) && w(1000) < w(100));
    }

    #[test]
    fn share_covers_its_own_percentage_and_not_far_values() {
        let s = Share::new(928, 1000);
        assert!(s.covers(92.8));
        assert!(!s.covers(82.0));
        // An observed 0 covers an exact 0 %.
        assert!(Share::new(0, 4763).covers(0.0));
        assert!(Share::new(10, 10).covers(100.0));
        assert_eq!(Share::new(0, 0).percent, 0.0);
    }
}

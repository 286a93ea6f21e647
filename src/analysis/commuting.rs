//! The closed forms of commuting data next to the general machinery: every
//! family of solutions commuting with the data must appear among the
//! components `characterize` finds, with the same rank, eigenvalues and
//! dimension, and every component commuting with the data must be one of
//! them (see [`crate::variety::families::commuting_form`]).

use nalgebra::DMatrix;
use serde::Serialize;

use super::characterize::StratumReport;
use crate::model::Instance;
use crate::variety::families::{AlignedFamily, CommutingForm, commuting_form, same_invariants};

/// The closed form and how the general machinery compares with it.
#[derive(Clone, Debug, Serialize)]
pub struct ClosedFormCheck {
    /// The closed form.
    pub form: CommutingForm,
    /// Closed-form families found among the components.
    pub matched: usize,
    /// Closed-form families (rank ≤ n, in a resolved stratum) not found.
    pub missing: Vec<String>,
    /// Components commuting with the data that no closed-form family
    /// explains.
    pub unexpected: Vec<String>,
    /// Components that do not commute with the data (outside the closed
    /// form's scope).
    pub non_aligned: usize,
    /// Whether nothing is missing or unexpected.
    pub agrees: bool,
}

fn describe(f: &AlignedFamily) -> String {
    let e: Vec<String> = f.eigenvalues.iter().map(|x| format!("{x:.6}")).collect();
    format!(
        "rank {}, eigenvalues [{}], dimension {}",
        f.rank,
        e.join(", "),
        f.dimension
    )
}

/// Compares the components of `strata` with the closed form of `inst`
/// (`None` when the data do not commute or have irrational joint
/// eigenvalues).
pub fn check(inst: &Instance, strata: &[StratumReport]) -> Option<ClosedFormCheck> {
    let form = commuting_form(inst)?;
    let mo = inst.moments();
    let (mxx, myx) = (mo.mxx.to_f64(), mo.myx.to_f64());
    let m = inst.m();
    let mut used = vec![false; form.families.len()];
    let mut unexpected = Vec::new();
    let mut non_aligned = 0;
    for st in strata {
        for c in &st.components {
            let s = DMatrix::from_fn(m, m, |i, j| c.s[i][j]);
            let comm = (&s * &mxx - &mxx * &s).norm() + (&s * &myx - &myx * &s).norm();
            if comm > 1e-8 * (1.0 + s.norm()) {
                non_aligned += 1;
                continue;
            }
            let hit = form.families.iter().position(|f| {
                f.rank == c.rank
                    && Some(f.dimension) == c.family_dimension
                    && same_invariants(&f.eigenvalues, &c.eigenvalues)
            });
            match hit {
                Some(k) => used[k] = true,
                None => {
                    let e: Vec<String> = c.eigenvalues.iter().map(|x| format!("{x:.6}")).collect();
                    unexpected.push(format!(
                        "rank {}, eigenvalues [{}], family dimension {:?}",
                        c.rank,
                        e.join(", "),
                        c.family_dimension
                    ));
                }
            }
        }
    }
    let n = inst.n();
    let missing: Vec<String> = form
        .families
        .iter()
        .zip(&used)
        .filter(|(f, u)| {
            !**u && f.rank <= n
                && strata
                    .iter()
                    .any(|s| s.stratum.rank == f.rank && s.stratum.is_resolved())
        })
        .map(|(f, _)| describe(f))
        .collect();
    let matched = used.iter().filter(|u| **u).count();
    let agrees = missing.is_empty() && unexpected.is_empty();
    Some(ClosedFormCheck {
        form,
        matched,
        missing,
        unexpected,
        non_aligned,
        agrees,
    })
}

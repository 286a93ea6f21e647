//! The dynamics vocabulary of SPEC §2, shared by every layer: the three
//! training procedures ([`Procedure`]), the five dynamics that are linearized
//! at an equilibrium ([`Dynamics`], generic over the scalar of its parameters:
//! `f64` in the numeric layer, exact rationals in the exact one) and the
//! orbit dimension of a rank-r equilibrium ([`orbit_dimension`]) and the
//! stability class of an equilibrium ([`StabilityVerdict`]).
//!
//! Whether a dynamics carries a teacher `C`, whether it is a map or a flow
//! and how long its state vector is are answered here, once; the layers add
//! only what depends on their number type (validation messages, formulas).

use num_rational::BigRational;
use serde::{Serialize, Serializer};

/// The three training procedures of SPEC §2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Procedure {
    /// Gradient descent on the original objective `Ē(A,B) = F(A,B,A)`.
    GradientDescent,
    /// Stop-gradient: the teacher is the current encoder, `C = A`, held fixed
    /// in the gradient.
    StopGradient,
    /// Exponential moving average teacher `C`.
    Ema,
}

impl Procedure {
    /// Short lowercase name: `gd`, `sg`, `ema`.
    pub fn short(self) -> &'static str {
        match self {
            Procedure::GradientDescent => "gd",
            Procedure::StopGradient => "sg",
            Procedure::Ema => "ema",
        }
    }

    /// Whether the state carries a teacher `C` (EMA only).
    pub fn has_teacher(self) -> bool {
        self == Procedure::Ema
    }

    /// Dimension `nm + n² (+ nm with a teacher)` of the state vector
    /// `(vec A, vec B[, vec C])` for shape (n, m).
    pub fn state_dimension(self, n: usize, m: usize) -> usize {
        n * m + n * n + if self.has_teacher() { n * m } else { 0 }
    }

    /// As [`Procedure::state_dimension`], `None` on overflow.
    pub fn checked_state_dimension(self, n: usize, m: usize) -> Option<usize> {
        let nm = n.checked_mul(m)?;
        let base = nm.checked_add(n.checked_mul(n)?)?;
        if self.has_teacher() {
            base.checked_add(nm)
        } else {
            Some(base)
        }
    }
}

/// A parameter of a [`Dynamics`] (κ, η, α): how it is written in JSON.
/// Floating-point parameters are numbers, exact ones strings such as `"1/10"`.
pub trait DynamicsParameter {
    /// Serializes the parameter.
    fn serialize_parameter<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error>;
}

impl DynamicsParameter for f64 {
    fn serialize_parameter<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(*self)
    }
}

impl DynamicsParameter for BigRational {
    fn serialize_parameter<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

/// A dynamics of SPEC §2 with its parameters of scalar type `T`: the flows
/// of the three procedures and the SG and EMA maps.
///
/// Serialized with a `kind` tag and the parameters, e.g.
/// `{"kind":"ema-map","eta":"1/10","alpha":"1/2"}` over the rationals or
/// `{"kind":"ema","kappa":0.5}` in floating point. Which dynamics a layer
/// supports, and the checks of the parameters, are the layer's (the
/// structured spectra of [`crate::numeric::structured`] refuse the GD flow).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(
    tag = "kind",
    rename_all = "kebab-case",
    bound(serialize = "T: DynamicsParameter")
)]
pub enum Dynamics<T> {
    /// SG flow `Ȧ = −P(A,B,A)`, `Ḃ = −Q(A,B,A)`; state `(A, B)`.
    StopGradient,
    /// GD flow `(Ȧ, Ḃ) = −∇Ē(A, B)`; state `(A, B)`.
    GradientDescent,
    /// EMA flow `Ȧ = −P(A,B,C)`, `Ḃ = −Q(A,B,C)`, `Ċ = κ(A − C)`; state
    /// `(A, B, C)`.
    Ema {
        /// Teacher rate κ > 0.
        #[serde(serialize_with = "DynamicsParameter::serialize_parameter")]
        kappa: T,
    },
    /// SG map `θ⁺ = θ + η·v_SG(θ)`; state `(A, B)`.
    SgMap {
        /// Step size η > 0.
        #[serde(serialize_with = "DynamicsParameter::serialize_parameter")]
        eta: T,
    },
    /// EMA map `A⁺ = A − ηP(A,B,C)`, `B⁺ = B − ηQ(A,B,C)`,
    /// `C⁺ = αC + (1−α)A⁺`; state `(A, B, C)`.
    EmaMap {
        /// Step size η > 0.
        #[serde(serialize_with = "DynamicsParameter::serialize_parameter")]
        eta: T,
        /// Averaging coefficient α ∈ [0, 1).
        #[serde(serialize_with = "DynamicsParameter::serialize_parameter")]
        alpha: T,
    },
}

impl<T> Dynamics<T> {
    /// The training procedure this dynamics runs (in continuous or discrete
    /// time).
    pub fn procedure(&self) -> Procedure {
        match self {
            Dynamics::StopGradient | Dynamics::SgMap { .. } => Procedure::StopGradient,
            Dynamics::GradientDescent => Procedure::GradientDescent,
            Dynamics::Ema { .. } | Dynamics::EmaMap { .. } => Procedure::Ema,
        }
    }

    /// Whether the state carries a teacher `C` (EMA flow and map).
    pub fn has_teacher(&self) -> bool {
        self.procedure().has_teacher()
    }

    /// Whether this is a discrete map (stability: eigenvalues in the open
    /// unit disc, tangent eigenvalue 1) rather than a flow (open left
    /// half-plane, tangent eigenvalue 0).
    pub fn is_map(&self) -> bool {
        matches!(self, Dynamics::SgMap { .. } | Dynamics::EmaMap { .. })
    }

    /// Dimension `nm + n² (+ nm)` of the state vector for shape (n, m).
    pub fn state_dimension(&self, n: usize, m: usize) -> usize {
        self.procedure().state_dimension(n, m)
    }

    /// As [`Dynamics::state_dimension`], `None` on overflow.
    pub fn checked_state_dimension(&self, n: usize, m: usize) -> Option<usize> {
        self.procedure().checked_state_dimension(n, m)
    }
}

impl<T: std::fmt::Display> Dynamics<T> {
    /// A short readable name with the parameters, e.g. `ema(kappa=1/2)`.
    pub fn describe(&self) -> String {
        match self {
            Dynamics::StopGradient => "sg".to_owned(),
            Dynamics::GradientDescent => "gd".to_owned(),
            Dynamics::Ema { kappa } => format!("ema(kappa={kappa})"),
            Dynamics::SgMap { eta } => format!("sg-map(eta={eta})"),
            Dynamics::EmaMap { eta, alpha } => format!("ema-map(eta={eta}, alpha={alpha})"),
        }
    }
}

/// The stability class of an equilibrium under one dynamics, modulo its
/// orbit: what a spectrum says, whether floating point
/// ([`crate::numeric::spectra`]) or exact
/// ([`crate::exact::certificate::Verdict::class`]).
///
/// The layers' own verdicts keep their own types where they say more: the
/// exact [`crate::exact::certificate::Verdict`] carries the counts and the
/// reason it proved, and can find that the point is no equilibrium at all;
/// the characterization's [`crate::analysis::characterize::ComponentVerdict`]
/// adds the EMA classes over all κ > 0 and "not certified". Both map onto
/// this class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StabilityVerdict {
    /// Exactly the expected number of tangent eigenvalues, all others strictly
    /// stable: asymptotically stable modulo the orbit.
    Stable,
    /// Some eigenvalues strictly stable, some strictly unstable.
    Saddle,
    /// All non-tangent eigenvalues strictly unstable.
    Unstable,
    /// More or fewer tangent eigenvalues than the orbit dimension, or an
    /// eigenvalue on the stability boundary: the spectrum cannot decide.
    Degenerate,
}

impl StabilityVerdict {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            StabilityVerdict::Stable => "stable",
            StabilityVerdict::Saddle => "saddle",
            StabilityVerdict::Unstable => "unstable",
            StabilityVerdict::Degenerate => "degenerate",
        }
    }
}

/// Orbit dimension `n r − r(r+1)/2` of a rank-r equilibrium (SPEC
/// RANK-STRATA): the dimension of the O(n)-orbit of `(A, B)` with `rank A = r`.
pub fn orbit_dimension(n: usize, r: usize) -> usize {
    n * r - r * (r + 1) / 2
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::ratio as q;

    #[test]
    fn teacher_and_map_follow_the_procedure() {
        let all: [Dynamics<f64>; 5] = [
            Dynamics::StopGradient,
            Dynamics::GradientDescent,
            Dynamics::Ema { kappa: 1.0 },
            Dynamics::SgMap { eta: 0.1 },
            Dynamics::EmaMap {
                eta: 0.1,
                alpha: 0.5,
            },
        ];
        let teacher: Vec<bool> = all.iter().map(Dynamics::has_teacher).collect();
        assert_eq!(teacher, [false, false, true, false, true]);
        let map: Vec<bool> = all.iter().map(Dynamics::is_map).collect();
        assert_eq!(map, [false, false, false, true, true]);
        // (n, m) = (3, 2): nm + n² = 15, plus nm = 21 with a teacher.
        let dims: Vec<usize> = all.iter().map(|d| d.state_dimension(3, 2)).collect();
        assert_eq!(dims, [15, 15, 21, 15, 21]);
        for d in &all {
            assert_eq!(
                d.checked_state_dimension(3, 2),
                Some(d.state_dimension(3, 2))
            );
        }
        assert_eq!(Procedure::Ema.checked_state_dimension(usize::MAX, 2), None);
    }

    #[test]
    fn serialization_keeps_the_parameters_type() {
        let exact: Dynamics<BigRational> = Dynamics::EmaMap {
            eta: q(1, 10),
            alpha: q(1, 2),
        };
        assert_eq!(
            serde_json::to_string(&exact).unwrap(),
            r#"{"kind":"ema-map","eta":"1/10","alpha":"1/2"}"#
        );
        let float: Dynamics<f64> = Dynamics::Ema { kappa: 0.5 };
        assert_eq!(
            serde_json::to_string(&float).unwrap(),
            r#"{"kind":"ema","kappa":0.5}"#
        );
        let sg: Dynamics<f64> = Dynamics::StopGradient;
        assert_eq!(
            serde_json::to_string(&sg).unwrap(),
            r#"{"kind":"stop-gradient"}"#
        );
        assert_eq!(exact.describe(), "ema-map(eta=1/10, alpha=1/2)");
    }

    #[test]
    fn orbit_dimension_counts_the_stiefel_directions() {
        // r = 0: a point; r = n: dim O(n) = n(n−1)/2.
        assert_eq!(orbit_dimension(4, 0), 0);
        assert_eq!(orbit_dimension(4, 4), 6);
        assert_eq!(orbit_dimension(3, 1), 2);
        assert_eq!(orbit_dimension(5, 2), 7);
    }
}

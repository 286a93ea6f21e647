//! Exact stability verdicts at equilibria whose coordinates are real
//! **algebraic** numbers.
//!
//! [`certify`](super::certify) decides stability at rational points from the
//! full Jacobian. Equilibria of generic rational instances are not rational:
//! the S-equation `S·G(S) = 0` has algebraic solutions. Here a solution is
//! given exactly as `S = H(t₀)/χ′(t₀)` ([`AlgebraicPoint`]): `χ ∈ Q[t]`
//! squarefree, `H` a symmetric m×m matrix of polynomials of degree
//! `< deg χ`, and `t₀` a real root of `χ` given by an isolating interval
//! ([`RealRoot`]). Every computation runs in the ring `Q[t]/(χ)`
//! ([`Qt`]), **without divisions** (χ need not be irreducible, so the ring
//! may have zero divisors), and every sign used is the exact sign at `t₀`
//! of a polynomial representing a ring element ([`RealRoot::sign_of`]).
//! Evaluation at `t₀` is a ring homomorphism `Q[t]/(χ) → R` (because
//! `χ(t₀) = 0`), so the value at `t₀` of any division-free expression is
//! the same expression of the values: a zero test of an element is a zero
//! test of its value, never of the element itself (χ may have other roots
//! where the element does not vanish; this is how a root is *selected*).
//!
//! [`certify_algebraic`] returns an [`AlgebraicCertificate`] with a
//! [`Verdict`] of the same meaning as the rational certificate's, for the
//! SG flow, the EMA flow, the SG map and the EMA map (λ > 0).
//!
//! # The equilibrium and its checks
//!
//! With `Ŝ = H` and `d = χ′` (elements of the ring), `S = Ŝ/d`, and
//! `G(S) = (MxxS + λI)(SMxx + λI) − MxySMyx`:
//!
//! `d³·S·G(S) = Ŝ·N̂ᵀ·N̂ − d·Ŝ·Mxy·Ŝ·Myx`, `N̂ = ŜMxx + λdI` (so that
//! `N = SMxx + λI = N̂/d`).
//!
//! Every entry must vanish at `t₀` (`d(t₀) ≠ 0`). `S` must be positive
//! semidefinite: every principal minor `det S_II = det Ŝ_II / d^|I|` is
//! `≥ 0` at `t₀` (a symmetric matrix is PSD iff all its principal minors are
//! non-negative). Its rank is then the largest size of a non-zero principal
//! minor (for a Gram matrix `S = KᵀK` the principal minor of `I` is the Gram
//! determinant of the columns `I` of `K`, zero iff they are dependent, so if
//! all principal (r+1)-minors vanish every r+1 columns are dependent and
//! `rank S ≤ r`); it must equal the declared rank r. The first index set `J`
//! (sizes r, lexicographic) with `det Ŝ_JJ ≠ 0` at `t₀` is kept.
//!
//! # The range block in coordinates over `Q(t₀)`
//!
//! The equilibria of rank r are `A = U₁K`, `B = U₁B̃U₁ᵀ` (`U₁` n×r
//! orthonormal, `K` r×m with `KᵀK = S`, `B̃ = KWKᵀ`, `W = Myx N⁻¹`), and the
//! Jacobian's spectrum is that of the *range block* — the Jacobian of the
//! reduced model (embedding dimension r) at `(K, B̃[, K])` — plus closed
//! forms ([`crate::numeric::structured`]). `K` involves square roots, but
//! the range block is similar to a matrix over `Q(t₀)`:
//!
//! *Equilibrium identities.* With `R = B̃KMxx − KMyx` (SG; the EMA residual
//! uses the teacher `C = K`), `B̃ = KWKᵀ` gives `R = K(WSMxx − Myx) =
//! K·W·(SMxx − N) = −λKW`, so `Q = RKᵀ + λB̃ = 0`, and
//! `P = B̃ᵀR + λK = λK(I − WᵀSW)`, which vanishes iff `S = SWᵀSW`; using
//! `SN⁻ᵀ = N⁻¹S` this is `NSN = SMxySMyx`, i.e. `S·NᵀN = S·Mxy·S·Myx`,
//! which is exactly `S·G(S) = 0` (since `NSN = S·NᵀN`).
//!
//! *Coordinates.* Write `δK = KX′`, `δB̃ = KY′Kᵀ`, `δC = KV′` (EMA) with
//! m×m matrices `X′, Y′, V′`. Then `δR = Kρ` with
//! `ρ = Y′SMxx + WSX′Mxx − V′Myx` (`V′ = X′` for SG), and
//!
//! * `δP = δB̃ᵀR + B̃ᵀδR + λδK = K(−λY′ᵀSW + WᵀSρ + λX′)`,
//! * `δQ = δR·Kᵀ + R·δKᵀ + λδB̃ = K(ρ − λWX′ᵀ + λY′)Kᵀ`,
//! * `δĊ = κ(δK − δC) = Kκ(X′ − V′)` (EMA flow).
//!
//! So the linear map `L(X′, Y′[, V′]) = −(−λY′ᵀSW + WᵀSρ + λX′,
//! ρ − λWX′ᵀ + λY′[, κ(X′ − V′)])` satisfies `Φ∘L = J∘Φ` for the linear
//! surjection `Φ(X′, Y′, V′) = (KX′, KY′Kᵀ, KV′)` and the range block `J`,
//! and it has entries in `Q(S) ⊆ Q(t₀)`. For `r = m`, `K` is invertible, `Φ`
//! is an isomorphism and `L ≅ J`. For `r < m`, `Φ` has a kernel (columns in
//! `ker K = ker S`); restrict to the complement `V = {X′, V′ supported on the
//! rows J, Y′ supported on J×J}`, which `Φ` maps bijectively onto the
//! reduced state space because `K_{:,J}` is invertible
//! (`det S_JJ = det(K_{:,J})² ≠ 0`), and project along `ker Φ` with
//! `Π = [[I, S_JJ⁻¹S_{J,Jᶜ}], [0, 0]]` (rows/columns ordered `J, Jᶜ`),
//! `Πf = [f_J + S_JJ⁻¹S_{J,Jᶜ}f_{Jᶜ}; 0]`. Since
//! `S_JJ⁻¹S_{J,Jᶜ} = K_{:,J}⁻¹K_{:,Jᶜ}`, `KΠ = K`, so `Φ(ΠX′, ΠY′Πᵀ, ΠV′) =
//! Φ(X′, Y′, V′)` and for `v ∈ V`: `Φ(Π L v) = Φ(L v) = J Φ(v)`. Hence
//! `Π∘L|_V` is similar to `J` through `Φ|_V`.
//!
//! *What is proved* ([`reduction`], recorded per certificate in
//! [`AlgebraicCertificate::reduction`]): for m ≤ [`MAX_PROVED_M`] the
//! identity `J(Φ(v)) = Φ(L(v))` is expanded as a polynomial identity in
//! symbolic `K`, `W`, `Mxx`, `λ` (`κ`; `η`, `α` for the EMA map's
//! generator), with `Myx := W(SMxx + λI)` and `J` the exact directional
//! derivative of the generic field formulas, for every basis vector `v`;
//! and `K_{:,J}Π̂_J = det(S_JJ)·K` for every J. `L` is the single function
//! [`coordinate_map`]. At each certified point the matrix `M̂` below (built
//! with cleared denominators) is compared exactly at `t₀` with `c·Π_J·L(v)`
//! computed by that function without division (over polynomials in `1/d`,
//! `1/e`, multiplied through by factors non-zero at `t₀`), so the certified
//! block is the one the identity is about; a mismatch is an error. For
//! m > 2 the identity rests on this derivation (and numerical tests against
//! [`structured_spectrum`](crate::numeric::structured::structured_spectrum)),
//! and the certificate says so.
//!
//! *Maps.* The SG map's range block is `I + ηJ`. For the EMA map
//! `A⁺ = A − ηP`, `B⁺ = B − ηQ`, `C⁺ = αC + (1 − α)A⁺`, in the same
//! coordinates `V′⁺ − V′ = (1 − α)(X′ − V′ + η·L_X)`, so its range block is
//! `I + ηG` with the generator `G = (L_X, L_Y, (1 − α)((X′ − V′)/η + L_X))`.
//! Both maps are therefore `I + ηG` for a flow-like generator `G` (`G = J`
//! of the SG flow for the SG map): the eigenvalue 1 of the map is the
//! eigenvalue 0 of `G`, with the same algebraic multiplicity.
//!
//! *Clearing denominators.* With `N̂ = ŜMxx + λdI`, `e = det N̂`,
//! `Ŵ = d·Myx·adj(N̂)` (so `W = Ŵ/e`), `f = det Ŝ_JJ` and
//! `Π̂_J = f·Π_J = [fI | adj(Ŝ_JJ)Ŝ_{J,Jᶜ}]` (rows J of Π; `Π̂_J = I`,
//! `f = 1` when r = m):
//!
//! * `ρ = ρ̂/(de)`, `ρ̂ = eY′ŜMxx + ŴŜX′Mxx − deV′Myx`,
//! * `L_X = L̂_X/(d²e²)`, `L̂_X = −(−λdeY′ᵀŜŴ + ŴᵀŜρ̂ + λd²e²X′)`,
//! * `L_Y = L̂_Y/(d²e²)`, `L̂_Y = −(deρ̂ − λd²eŴX′ᵀ + λd²e²Y′)`,
//!
//! and with `c = f²d²e²` the matrix `M̂ = c·G` has the blocks `fΠ̂_J L̂_X`,
//! `Π̂_J L̂_Y Π̂_Jᵀ` and (EMA flow) `κc(X′ − V′)_J` or (EMA map)
//! `((1 − α)/η)c(X′ − V′)_J + (1 − α)fΠ̂_J L̂_X` (`Π_J` is the identity on
//! vectors supported on J). `c` is a square of a real number that is
//! non-zero at `t₀` (`d(t₀) ≠ 0`; `e(t₀) = d(t₀)^m det N(t₀) ≠ 0` because
//! `SMxx` has eigenvalues ≥ 0 and λ > 0; `f(t₀) ≠ 0` by the choice of J),
//! and the code checks `c(t₀) > 0` exactly.
//!
//! # Characteristic polynomial, tangent multiplicity, root location
//!
//! `p̂(y) = det(yI − M̂) = Σ p̂ᵢyⁱ` is computed over the ring by Berkowitz's
//! division-free algorithm; the eigenvalues of `G` are `y/c`. The O(r)-orbit
//! gives `r(r − 1)/2` zero eigenvalues of `G` (its tangent vectors lie in the
//! kernel), so `p̂₀ = … = p̂_{r(r−1)/2 − 1} = 0` at `t₀` (checked; a failure
//! is an internal error), and the multiplicity is exactly `r(r − 1)/2` iff
//! `p̂_{r(r−1)/2}(t₀) ≠ 0`. Together with the `(n − r)r` closed-form zeros
//! this makes the algebraic multiplicity of the tangent eigenvalue equal to
//! the orbit dimension `nr − r(r+1)/2`; as the orbit tangent space lies in
//! the kernel, the kernel then *is* the tangent space and the eigenvalue is
//! semisimple — conditions 1–2 of [`super::certificate`]. Otherwise the
//! verdict is [`Verdict::Degenerate`].
//!
//! The quotient `q(y) = p̂(y)/y^{r(r−1)/2}` (degree k, monic) is tested:
//!
//! * **flows**: `c > 0`, so the roots of `q` are `c` times the non-tangent
//!   eigenvalues with the same half-plane; the Hurwitz determinants
//!   `Δ₁, …, Δ_k` of `q` are computed over the ring (as the leading principal
//!   minors of the Hurwitz matrix, all from one Berkowitz run,
//!   `Δ_k = q(0)·Δ_{k−1}`), their signs taken at `t₀`. In the regular case
//!   (all `Δᵢ(t₀) ≠ 0`) the number of roots with positive real part is the
//!   number of sign changes in the Routh column `1, Δ₁, Δ₂/Δ₁, …,
//!   Δ_k/Δ_{k−1}` and none lies on the imaginary axis; a zero determinant is
//!   [`Verdict::Degenerate`] (no count is guessed).
//! * **maps**: a non-tangent eigenvalue of the map is `z = 1 + ηg`, `g = y/c`
//!   a root of `q(cg)/c^k`. The scaling by `c` is **not** harmless here
//!   (`1 + ηy` and `1 + ηy/c` lie on different sides of the unit circle in
//!   general), so it is undone exactly inside a bilinear transform:
//!   `z = (1 + w)/(1 − w)` maps `|z| < 1` onto `Re w < 0`, and
//!   `g = 2w/(η(1 − w))`, `y = cg`; the polynomial
//!   `Q(w) = Σᵢ qᵢcⁱ(2w)ⁱ(η(1 − w))^{k−i}` (`= η^k(1 − w)^k q(c·g(w))`) has
//!   the roots `w = (z − 1)/(z + 1)` for the eigenvalues `z ≠ −1`; its
//!   leading coefficient is `(−η)^k q(−2c/η)`, zero iff `z = −1` is an
//!   eigenvalue (then [`Verdict::Degenerate`]). `Q` is normalized to a
//!   positive leading coefficient (negating every coefficient if needed) and
//!   tested with the Hurwitz determinants as for flows: roots with
//!   `Re w > 0` are the eigenvalues outside the closed unit disc.
//!
//! # The closed forms (n > r)
//!
//! What is checked: at the point, exactly, `R̃R̃ᵀ = λ²I` (as
//! `ŜŴŴᵀŜ = de²Ŝ`), which gives the (X₂, Z) eigenvalues 0, −2λ, −λ from the
//! block `−[[λI, R̃ᵀ], [R̃, λI]]`; the zero root of `det(xI − SMxx)` with
//! multiplicity m − r.
//!
//! What is proved for m ≤ [`MAX_OFF_RANGE_M`] (every m accepted here;
//! [`reduction::prove_off_range`]):
//! the block-triangular structure outside the range block and the block
//! maps of [`crate::numeric::structured`]. With symbolic `K` (r×m), `B̃`
//! (r×r), symmetric `Mxx`, `Myx` (m×m), `λ` (`κ`; `η`, `α`), at
//! `A = [K; 0]`, `B = [[B̃, 0], [0, 0]]`, `C = A` and for `n = r + 1` and
//! `n = r + 2`, the exact directional derivative of the generic field
//! formulas along every basis direction equals the reduced model's Jacobian
//! at `(K, B̃[, K])` on `(X₁, Y₁₁[, V₁])` plus, on the off-range
//! coordinates, the maps `X₂ ↦ −(ZR̃ + λX₂)`, `Z ↦ −(X₂R̃ᵀ + λZ)`,
//! `Y₂₁ ↦ −(Y₂₁(KMxxKᵀ + λI) − V₂MyxKᵀ)` (`V₂ = X₂` for SG),
//! `Y₂₂ ↦ −λY₂₂`, `V₂ ↦ κ(X₂ − V₂)` (for the EMA map `η·G = DMap − I`, with
//! `V₂ ↦ (1 − α)(X₂ − V₂ + ηX₂′)`), `R̃ = B̃KMxx − KMyx`, and nothing
//! else. No equilibrium relation is used. Read off these formulas, the
//! order range ⊕ (X₂, Z) → V₂ → Y₂₁, Y₂₂ is block triangular (the range
//! block is even a direct summand), so the spectrum is the union of the
//! diagonal blocks': per extra row `−[[λI, R̃ᵀ], [R̃, λI]]`, `−κ` on `V₂`
//! (`α` for the EMA map), `−(KMxxKᵀ + λI)` on each row of `Y₂₁`, `−λ` on
//! `Y₂₂`. Expanded alongside: `R̃ = −λKW` when `B̃ = KWKᵀ`,
//! `Myx = W(SMxx + λI)`; Sylvester's `det(xI_m − SMxx) =
//! x^{m−r}det(xI_r − KMxxKᵀ)`, so the eigenvalues μⱼ of `KMxxKᵀ` are the
//! non-zero roots located below; and `det(uI + [[0, R̃ᵀ], [R̃, 0]]) =
//! u^{m−r}det(u²I − R̃R̃ᵀ)` (`u = y + λ`), which with `R̃R̃ᵀ = λ²I` gives
//! `y^r(y + 2λ)^r(y + λ)^{m−r}`.
//!
//! *Any n from n = r + 1, r + 2.* By O(n) equivariance (the Jacobian at
//! `(UA, UBUᵀ, UC)` is conjugate to the one at `(A, B, C)` by the same
//! orthogonal action, which carries the coordinates `X₂ = U₂ᵀδA`, … to
//! rows of the standard ones) take `U₁` = the first r axes. The field is
//! made of matrix products, so states supported on an index set I (rows of
//! A and C, rows and columns of B) are mapped to states supported on I, by
//! the field of the model with embedding dimension |I|. With
//! `I = {1..r} ∪ T`, T a set of extra indices, the subspace `E_T` of such
//! directions is invariant and the Jacobian on it is that of the model with
//! `n = r + |T|`; the claimed block maps act row by row (entry by entry on
//! `Y₂₂`) and restrict to the same maps. Every off-range basis direction
//! lies in some `E_T` with `|T| = 1`, except the cross entries
//! `Y₂₂[i, j]`, `i ≠ j`, which need `|T| = 2`: both are expanded. (For
//! m > [`MAX_OFF_RANGE_M`], not reachable here, the certificate would say
//! that the off-range part rests on the derivation.) Note that for
//! m > [`MAX_PROVED_M`] the *range* identity still rests on the derivation.
//!
//! Outside the range block the eigenvalues are known in closed form
//! ([`crate::numeric::structured`]): for flows `0` ((n−r)r, the orbit
//! directions leaving range(A)), `−2λ` ((n−r)r), `−λ` ((n−r)(m−r) + (n−r)²),
//! `−(μⱼ + λ)` ((n−r) for each of the r positive eigenvalues μⱼ of
//! `K Mxx Kᵀ`, the non-zero eigenvalues of `S·Mxx`), and `−κ` ((n−r)m, EMA):
//! all `< 0` except the orbit zeros, since λ, κ > 0. For maps they become
//! `1 + η·c` (and `α` on `V₂` for the EMA map, inside the disc as
//! `0 ≤ α < 1`): `|1 − 2ηλ| < 1 ⇔ ηλ < 1`, `|1 − ηλ| < 1 ⇔ ηλ < 2`
//! (rational comparisons), and `|1 − η(μⱼ + λ)| < 1 ⇔ μⱼ < x₀ := 2/η − λ`.
//! The μⱼ are decided exactly: `P(x) = Σ p̂ᵢ(ŜMxx)·dⁱxⁱ` has the roots of
//! `det(xI − S·Mxx)` (`p̂(ŜMxx)(y)` has roots `y = dμ`), all real and `≥ 0`
//! (`SMxx` is similar to `Mxx^{1/2}SMxx^{1/2} ⪰ 0`), the zero root with
//! multiplicity exactly `m − r` (checked). For `x₀ ≤ 0` every μⱼ exceeds
//! `x₀`; otherwise the coefficients of `P(x + x₀)` are computed over the
//! ring, the multiplicity of the root `x₀` is the number of vanishing
//! low-order coefficients (a μⱼ equal to `x₀` is an eigenvalue `−1`:
//! [`Verdict::Degenerate`]), and the number of μⱼ above `x₀` is the number of
//! sign changes of the coefficients (Descartes' rule of signs is exact for
//! polynomials with only real roots).
//!
//! # Verdict
//!
//! Unstable/stable counts add the range block's (regular Hurwitz test) and
//! the closed forms'; the rules are those of [`super::certify`]:
//! [`Verdict::Stable`] when none is unstable, [`Verdict::Unstable`] when all
//! non-tangent eigenvalues are, [`Verdict::Saddle`] otherwise, and
//! [`Verdict::Degenerate`] for an extra neutral direction, a singular
//! Hurwitz test or a closed form on the stability boundary. A point that is
//! not an exact PSD solution of rank r is refused with an error (never a
//! verdict). Because the tests are run block by block, a case where the
//! full-Jacobian Routh or Schur–Cohn test of [`super::certify`] is singular
//! only because of symmetric roots in *different* blocks is regular here (and
//! vice versa is impossible: a singular block test means a root pair of one
//! block on or symmetric about the boundary).

use std::cmp::Ordering;

use nalgebra::DMatrix;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
use serde::ser::SerializeSeq;
use serde::{Serialize, Serializer};

use super::certificate::Verdict;
use super::jacobian::Dynamics;
use super::qt::{Qt, QtElem};
use super::roots::RealRoot;
use super::upoly::UPoly;
use crate::error::{Error, Result};
use crate::model::{Instance, InstanceRecord, RationalMatrix, orbit_dimension, subsets, to_f64};

/// Largest data dimension m accepted by [`certify_algebraic`]: the range
/// block has size `rm + r²` (`2rm + r²` for EMA), at most 48 for m = 4, and
/// its characteristic polynomial over `Q[t]/(χ)` costs `O(size⁴)` ring
/// multiplications.
pub const MAX_ALGEBRAIC_DIMENSION: usize = 4;

fn rat(k: i64) -> BigRational {
    BigRational::from_integer(BigInt::from(k))
}

fn sign_i8(o: Ordering) -> i8 {
    match o {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    }
}

mod certify;
mod closed_forms;
mod crt;
pub(crate) mod multimodular;
mod point;
mod qmat;
mod range_block;
pub mod reduction;
mod root_location;
mod validated;

pub use certify::*;
use closed_forms::*;
pub use point::*;
use qmat::*;
pub use range_block::*;
pub use reduction::{
    CoordinateMap, Established, GeneratorKind, GeneratorParams, MAX_OFF_RANGE_M, MAX_PROVED_M,
    OffRange, OffRangeMap, OffRangeProof, ReductionPart, ReductionProof, coordinate_map,
    off_range_map, prove_off_range, prove_off_range_with, prove_reduction, prove_reduction_with,
};
use root_location::*;
pub use validated::{VALIDATED_PRECISIONS, ValidatedCertificate, ValidatedPoint};

#[cfg(test)]
mod tests;

//! The range-block reduction as checked identities (see the module docs of
//! [`super`], "The range block in coordinates over Q(t₀)").
//!
//! The map `L` of the coordinates is written once, generically
//! ([`coordinate_map`]), and used twice:
//!
//! 1. **symbolically**, for all data of a shape `(r, m)`
//!    ([`prove_reduction`]): with symbolic `K` (r×m), `W` (m×m), symmetric
//!    `Mxx`, `λ` (and `κ`, `η`, `α`), `S = KᵀK`, `B̃ = KWKᵀ` and the
//!    equilibrium relation written as the *definition*
//!    `Myx := W(SMxx + λI)` (so `W = Myx N⁻¹` whenever `N` is invertible,
//!    which covers every instance), the identity `J(Φ(v)) = Φ(L(v))` is
//!    expanded in our own sparse polynomials and checked to vanish, for every
//!    basis vector `v` of `(X′, Y′[, V′])`. `J(Φ(v))` is the exact
//!    directional derivative of the generic field formulas of
//!    [`crate::model::formula`] (dual numbers over polynomials), so it does
//!    not use the hand derivation. The same is done for the EMA map's
//!    generator (`η·Φ(Gv) = DMap(Φv) − Φv`), and for the projection:
//!    `K_{:,J}·Π̂_J = f·K` with `Π̂_J = [fI | adj(S_JJ)S_{J,Jᶜ}]`,
//!    `f = det S_JJ` (so `Φ∘Π = Φ`). The identities hold at every such
//!    `(K, B̃[, K])`, equilibrium or not.
//! 2. **at the certified point** (`block_matches_map`): the matrix `M̂`
//!    that [`super::certify_algebraic`] analyses (built with cleared
//!    denominators by its own code) is compared, column by column and
//!    exactly at `t₀`, with `c·Π_J L(v)` computed by [`coordinate_map`]
//!    with `S = Ŝ/d`, `W = Ŵ/e`. So the block whose spectrum is certified
//!    is the one the identity is about. Nothing is divided: `L` is
//!    evaluated over polynomials in two symbols `D = 1/d`, `E = 1/e` with
//!    coefficients in `ℤ[u]/(χ̂)` (`u = lc·t`, χ̂ monic; one integer
//!    denominator per element, no content gcds), `Π_J = Π̂/f̂` with
//!    `f̂ = det Ŝ_JJ` (the powers of d cancel in `adj(S_JJ)S_{J,Jᶜ}/det S_JJ`),
//!    and each compared entry is multiplied through by `f̂ᵏ·dᵃ·eᵇ` (k = 1,
//!    or 2 on the Y rows, `(a, b)` its top degrees in `(D, E)`). d, e and f̂
//!    are checked non-zero at `t₀` first, so the product vanishes at `t₀`
//!    exactly when the entry matches. (Over fractions of `Q[t]/(χ)`, which
//!    has zero divisors, no denominator could be cancelled and the content
//!    gcds of every operation took over half of a certificate.)
//!
//! 3. **outside the range block** ([`prove_off_range`]): at
//!    `A = [K; 0]`, `B = [[B̃, 0], [0, 0]]`, `C = A` with one and two extra
//!    rows, symbolic `K`, `B̃`, `Mxx`, `Myx`, `λ` (`κ`; `η`, `α`), the full
//!    Jacobian (dual numbers over the generic field formulas) is the reduced
//!    Jacobian on the range coordinates plus [`off_range_map`] on the
//!    off-range ones, for every basis direction; with the identities behind
//!    the closed forms' spectra (`R̃ = −λKW`, Sylvester's determinant
//!    identity, the (X₂, Z) determinant). Why two extra rows cover every n
//!    is in the module docs of [`super`], "The closed forms".
//!
//! Together: for the shapes proved, the range block's spectrum is that of
//! `J` exactly (Φ restricted to V is bijective because `det K_{:,J}² =
//! det S_JJ ≠ 0`, checked exactly at `t₀`). For larger shapes the identity
//! rests on the derivation (which is shape-independent matrix algebra) and
//! the certificate says so.

use std::collections::HashMap;
use std::ops::{Add, Mul, Neg, Sub};
use std::rc::Rc;
use std::sync::{Mutex, OnceLock};

use num_rational::BigRational;
use num_traits::{One, Zero};
use serde::Serialize;

use super::multimodular::{IntElem, IntRing};
use crate::error::{Error, Result};
use crate::exact::qt::{Qt, QtElem};
use crate::model::formula::{Mat, ModelData, Scalar, adjugate, determinant};
use crate::model::subsets;
use crate::polynomial::sparse::SparsePoly;

/// Largest data dimension m for which [`prove_reduction`] is run when a
/// certificate is made: every m that `characterize` solves exactly. The
/// expansion grows quickly with m; measured on a loaded 2-core machine, per
/// (r, generator) and once per process (cached): m = 2 well under a second,
/// m = 3 at most 1.9 s (r = 3, EMA map), m = 4 up to 33 s (r = 4, EMA map).
pub const MAX_PROVED_M: usize = 3;

/// Largest data dimension m for which [`prove_off_range`] is run when a
/// certificate is made: every m that [`super::certify_algebraic`] accepts
/// (the expansion takes a few seconds for r = m = 4, with n = 6).
pub const MAX_OFF_RANGE_M: usize = 4;

/// Which generator's coordinate map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GeneratorKind {
    /// SG flow (the SG map is `I + ηJ`).
    Sg,
    /// EMA flow with rate κ.
    EmaFlow,
    /// EMA map's generator `G` (the map is `I + ηG`).
    EmaMap,
}

/// The parameters of the generator (κ for the EMA flow, η and α for the
/// EMA map), as scalars.
#[derive(Clone, Debug)]
pub struct GeneratorParams<T> {
    /// κ (EMA flow).
    pub kappa: T,
    /// η (EMA map).
    pub eta: T,
    /// α (EMA map).
    pub alpha: T,
}

/// `L(X′, Y′[, V′])` of the module docs of [`super`]: with
/// `ρ = Y′SMxx + WSX′Mxx − V′Myx` (`V′ = X′` for SG),
/// `L_X = −(−λY′ᵀSW + WᵀSρ + λX′)`, `L_Y = −(ρ − λWX′ᵀ + λY′)` and, with a
/// teacher, `L_V = κ(X′ − V′)` (EMA flow) or, for the EMA map's generator
/// multiplied by η, `η·G_V = (1 − α)(X′ − V′ + ηL_X)`; for the EMA map the
/// first two blocks are also multiplied by η (so that no division by η is
/// needed: the returned triple is `η·G`). Returns `(L_X, L_Y, L_V)`
/// (`L_V` zero for SG).
#[allow(clippy::too_many_arguments)]
pub fn coordinate_map<T: Scalar>(
    kind: GeneratorKind,
    s: &Mat<T>,
    w: &Mat<T>,
    mxx: &Mat<T>,
    myx: &Mat<T>,
    lambda: &T,
    params: &GeneratorParams<T>,
    x: &Mat<T>,
    y: &Mat<T>,
    v: &Mat<T>,
) -> (Mat<T>, Mat<T>, Mat<T>) {
    let v_eff = if kind == GeneratorKind::Sg { x } else { v };
    let rho = y
        .mul(s)
        .mul(mxx)
        .add(&w.mul(s).mul(x).mul(mxx))
        .sub(&v_eff.mul(myx));
    let lx = y
        .transpose()
        .mul(s)
        .mul(w)
        .scale(lambda)
        .sub(&w.transpose().mul(s).mul(&rho))
        .sub(&x.scale(lambda));
    let ly = w
        .mul(&x.transpose())
        .scale(lambda)
        .sub(&rho)
        .sub(&y.scale(lambda));
    let m = x.nrows();
    match kind {
        GeneratorKind::Sg => (lx, ly, Mat::zeros(m, x.ncols())),
        GeneratorKind::EmaFlow => (lx, ly, x.sub(v).scale(&params.kappa)),
        GeneratorKind::EmaMap => {
            let one_minus = T::from_int(1) - params.alpha.clone();
            let lv = x.sub(v).add(&lx.scale(&params.eta)).scale(&one_minus);
            (lx.scale(&params.eta), ly.scale(&params.eta), lv)
        }
    }
}

// ---------------------------------------------------------------------------
// Dual numbers over any scalar: exact directional derivatives of the
// generic field formulas.

#[derive(Clone, Debug)]
struct Dual<T> {
    re: T,
    eps: T,
}

impl<T: Scalar> Add for Dual<T> {
    type Output = Self;
    fn add(self, o: Self) -> Self {
        Self {
            re: self.re + o.re,
            eps: self.eps + o.eps,
        }
    }
}

impl<T: Scalar> Sub for Dual<T> {
    type Output = Self;
    fn sub(self, o: Self) -> Self {
        Self {
            re: self.re - o.re,
            eps: self.eps - o.eps,
        }
    }
}

impl<T: Scalar> Mul for Dual<T> {
    type Output = Self;
    fn mul(self, o: Self) -> Self {
        Self {
            eps: self.re.clone() * o.eps + self.eps * o.re.clone(),
            re: self.re * o.re,
        }
    }
}

impl<T: Scalar> Neg for Dual<T> {
    type Output = Self;
    fn neg(self) -> Self {
        Self {
            re: -self.re,
            eps: -self.eps,
        }
    }
}

impl<T: Scalar> Scalar for Dual<T> {
    fn from_rational(q: &BigRational) -> Self {
        Self {
            re: T::from_rational(q),
            eps: T::from_int(0),
        }
    }
}

fn dual<T: Scalar>(re: &Mat<T>, eps: &Mat<T>) -> Mat<Dual<T>> {
    Mat::from_fn(re.nrows(), re.ncols(), |i, j| Dual {
        re: re.get(i, j).clone(),
        eps: eps.get(i, j).clone(),
    })
}

fn lift<T: Scalar>(a: &Mat<T>) -> Mat<Dual<T>> {
    a.map(|x| Dual {
        re: x.clone(),
        eps: T::from_int(0),
    })
}

fn eps_part<T: Scalar>(a: &Mat<Dual<T>>) -> Mat<T> {
    a.map(|x| x.eps.clone())
}

fn unit<T: Scalar>(rows: usize, cols: usize, i: usize, j: usize) -> Mat<T> {
    let mut u = Mat::zeros(rows, cols);
    u.set(i, j, T::from_int(1));
    u
}

fn all_zero(m: &Mat<SparsePoly>) -> bool {
    m.entries().iter().all(SparsePoly::is_zero)
}

// ---------------------------------------------------------------------------
// The symbolic proof.

/// What [`prove_reduction`] showed for one shape and generator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReductionProof {
    /// Rank r (rows of K).
    pub r: usize,
    /// Data dimension m.
    pub m: usize,
    /// The generator.
    pub generator: GeneratorKind,
    /// Basis vectors v for which `J(Φ(v)) = Φ(L(v))` was expanded.
    pub directions: usize,
    /// Whether every one vanished identically.
    pub range_identity: bool,
    /// Index sets J (|J| = r < m) for which `K_{:,J}Π̂_J = f·K` vanished
    /// identically (all of them when `projection_identity`).
    pub index_sets: usize,
    /// Whether the projection identity holds for every J.
    pub projection_identity: bool,
}

/// The symbolic variables of a shape: K, W, Mxx (symmetric), λ, κ, η, α.
struct Symbols {
    k: Mat<SparsePoly>,
    w: Mat<SparsePoly>,
    mxx: Mat<SparsePoly>,
    lambda: SparsePoly,
    params: GeneratorParams<SparsePoly>,
}

fn symbols(r: usize, m: usize) -> Symbols {
    let nv = r * m + m * m + m * (m + 1) / 2 + 4;
    let var = |k: usize| SparsePoly::var(nv, k);
    let k = Mat::from_fn(r, m, |i, j| var(i * m + j));
    let off = r * m;
    let w = Mat::from_fn(m, m, |i, j| var(off + i * m + j));
    let off = off + m * m;
    let sym = |i: usize, j: usize| {
        let (a, b) = if i <= j { (i, j) } else { (j, i) };
        a * m - a * a.saturating_sub(1) / 2 + (b - a)
    };
    let mxx = Mat::from_fn(m, m, |i, j| var(off + sym(i, j)));
    let off = off + m * (m + 1) / 2;
    Symbols {
        k,
        w,
        mxx,
        lambda: var(off),
        params: GeneratorParams {
            kappa: var(off + 1),
            eta: var(off + 2),
            alpha: var(off + 3),
        },
    }
}

/// The map L used by the proof; replaceable in tests to show that a wrong
/// map is refuted.
pub type CoordinateMap = fn(
    GeneratorKind,
    &Mat<SparsePoly>,
    &Mat<SparsePoly>,
    &Mat<SparsePoly>,
    &Mat<SparsePoly>,
    &SparsePoly,
    &GeneratorParams<SparsePoly>,
    &Mat<SparsePoly>,
    &Mat<SparsePoly>,
    &Mat<SparsePoly>,
) -> (Mat<SparsePoly>, Mat<SparsePoly>, Mat<SparsePoly>);

/// Proves `J∘Φ = Φ∘L` for shape `(r, m)` and `kind` as a polynomial identity
/// (module docs), with the map `map` (the production [`coordinate_map`]
/// unless a test substitutes another), and the projection identity.
pub fn prove_reduction_with(
    r: usize,
    m: usize,
    kind: GeneratorKind,
    map: CoordinateMap,
) -> Result<ReductionProof> {
    if r == 0 || r > m {
        return Err(Error::param("r", r, "1 ≤ r ≤ m"));
    }
    let point = ReducedPoint::new(r, m);
    let (directions, range_identity) = point.range_identity(kind, map);
    let (index_sets, projection_identity) = projection_identity(&point.sy.k, &point.s);
    Ok(ReductionProof {
        r,
        m,
        generator: kind,
        directions,
        range_identity,
        index_sets,
        projection_identity,
    })
}

/// The reduced model at a symbolic point: K (r×m), `S = KᵀK`, W, and the
/// equilibrium relation taken as the definition `Myx = W·(S·Mxx + λI)`;
/// the data over dual numbers for directional derivatives, and `B̃ = KWKᵀ`.
struct ReducedPoint {
    r: usize,
    m: usize,
    sy: Symbols,
    s: Mat<SparsePoly>,
    myx: Mat<SparsePoly>,
    ddata: ModelData<Dual<SparsePoly>>,
    bt: Mat<SparsePoly>,
}

impl ReducedPoint {
    fn new(r: usize, m: usize) -> Self {
        let sy = symbols(r, m);
        let s = sy.k.transpose().mul(&sy.k);
        let mut n = s.mul(&sy.mxx);
        for i in 0..m {
            let v = n.get(i, i).clone() + sy.lambda.clone();
            n.set(i, i, v);
        }
        // The equilibrium relation as a definition: Myx = W·(S·Mxx + λI).
        let myx = sy.w.mul(&n);
        let data = ModelData {
            mxx: sy.mxx.clone(),
            myx: myx.clone(),
            myy: Mat::zeros(m, m),
            lambda: sy.lambda.clone(),
        };
        let ddata = ModelData {
            mxx: lift(&data.mxx),
            myx: lift(&data.myx),
            myy: lift(&data.myy),
            lambda: Dual {
                re: data.lambda.clone(),
                eps: SparsePoly::from_int(0),
            },
        };
        let bt = sy.k.mul(&sy.w).mul(&sy.k.transpose());
        Self {
            r,
            m,
            sy,
            s,
            myx,
            ddata,
            bt,
        }
    }

    /// Expands `J(Φ(v)) = Φ(map(v))` for every basis vector v of the range
    /// coordinates (X′, Y′[, V′]) of `kind`: the number of directions and
    /// whether every one vanished identically.
    fn range_identity(&self, kind: GeneratorKind, map: CoordinateMap) -> (usize, bool) {
        let (r, m) = (self.r, self.m);
        let sy = &self.sy;
        let teacher = kind != GeneratorKind::Sg;
        let blocks = if teacher { 3 } else { 2 };
        let mut range_identity = true;
        let mut directions = 0;
        for block in 0..blocks {
            for idx in 0..m * m {
                let e = unit::<SparsePoly>(m, m, idx / m, idx % m);
                let z = Mat::zeros(m, m);
                let (x, y, v) = match block {
                    0 => (e, z.clone(), if teacher { z } else { Mat::zeros(m, m) }),
                    1 => (z.clone(), e, z),
                    _ => (z.clone(), z, e),
                };
                // Φ(v) = (KX′, KY′Kᵀ, KV′) (V′ = X′ for SG).
                let da = sy.k.mul(&x);
                let db = sy.k.mul(&y).mul(&sy.k.transpose());
                let dc = if teacher { sy.k.mul(&v) } else { da.clone() };
                let a = dual(&sy.k, &da);
                let b = dual(&self.bt, &db);
                let c = dual(&sy.k, &dc);
                let (p, q) = self.ddata.student_field(&a, &b, &c);
                let (dp, dq) = (eps_part(&p), eps_part(&q));
                let (lx, ly, lv) = map(
                    kind, &self.s, &sy.w, &sy.mxx, &self.myx, &sy.lambda, &sy.params, &x, &y, &v,
                );
                // J(Φ(v)) for the flows is (−dP, −dQ[, κ(δA − δC)]); for the EMA
                // map, DMap(Φv) − Φv = (−η dP, −η dQ, (α − 1)δC + (1 − α)(δA − η dP)).
                let (ja, jb, jc) = match kind {
                    GeneratorKind::Sg => (dp.neg(), dq.neg(), Mat::zeros(r, m)),
                    GeneratorKind::EmaFlow => {
                        (dp.neg(), dq.neg(), da.sub(&dc).scale(&sy.params.kappa))
                    }
                    GeneratorKind::EmaMap => {
                        let eta = &sy.params.eta;
                        let one_minus = SparsePoly::from_int(1) - sy.params.alpha.clone();
                        let a_next = da.sub(&dp.scale(eta));
                        (
                            dp.scale(eta).neg(),
                            dq.scale(eta).neg(),
                            a_next.sub(&dc).scale(&one_minus),
                        )
                    }
                };
                let ok = all_zero(&ja.sub(&sy.k.mul(&lx)))
                    && all_zero(&jb.sub(&sy.k.mul(&ly).mul(&sy.k.transpose())))
                    && (!teacher || all_zero(&jc.sub(&sy.k.mul(&lv))));
                range_identity &= ok;
                directions += 1;
            }
        }
        (directions, range_identity)
    }
}

/// Expands the projection identity `K_{:,J}·Π̂_J = f·K` for every index set
/// J of size `r < m` (`S = KᵀK`, `f = det S_JJ`): the number of index sets
/// and whether every one vanished identically.
fn projection_identity(k: &Mat<SparsePoly>, s: &Mat<SparsePoly>) -> (usize, bool) {
    let (r, m) = (k.nrows(), k.ncols());
    let mut index_sets = 0;
    let mut projection_identity = true;
    if r < m {
        for set in subsets(m, r) {
            let comp: Vec<usize> = (0..m).filter(|i| !set.contains(i)).collect();
            let s_jj = Mat::from_fn(r, r, |a, b| s.get(set[a], set[b]).clone());
            let s_jc = Mat::from_fn(r, comp.len(), |a, b| s.get(set[a], comp[b]).clone());
            let f = determinant(&s_jj);
            let tail = adjugate(&s_jj).mul(&s_jc);
            let pi = scaled_projection(m, &set, &comp, &f, &tail);
            let k_j = Mat::from_fn(r, r, |a, b| k.get(a, set[b]).clone());
            let ok = all_zero(&k_j.mul(&pi).sub(&k.scale(&f)));
            projection_identity &= ok;
            index_sets += 1;
        }
    }
    (index_sets, projection_identity)
}

/// `Π̂_J = [f·I on J | tail on Jᶜ]` (r×m, `r = |J|`) for the index set
/// `set`, its complement `comp`, `f = det S_JJ` and
/// `tail = adj(S_JJ)·S_{J,Jᶜ}`: `Π̂_J/f` is the projection onto the
/// coordinates J.
fn scaled_projection<T: Scalar>(
    m: usize,
    set: &[usize],
    comp: &[usize],
    f: &T,
    tail: &Mat<T>,
) -> Mat<T> {
    let r = set.len();
    let mut pi = Mat::zeros(r, m);
    for (a, &ja) in set.iter().enumerate() {
        pi.set(a, ja, f.clone());
    }
    for (b, &cb) in comp.iter().enumerate() {
        for a in 0..r {
            pi.set(a, cb, tail.get(a, b).clone());
        }
    }
    pi
}

/// [`prove_reduction_with`] for the production [`coordinate_map`], cached
/// per shape and generator (the expansion is the same for every instance).
pub fn prove_reduction(r: usize, m: usize, kind: GeneratorKind) -> Result<ReductionProof> {
    type Cache = Mutex<HashMap<(usize, usize, GeneratorKind), ReductionProof>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(p) = cache
        .lock()
        .ok()
        .and_then(|c| c.get(&(r, m, kind)).cloned())
    {
        return Ok(p);
    }
    let p = prove_reduction_with(r, m, kind, coordinate_map::<SparsePoly>)?;
    if let Ok(mut c) = cache.lock() {
        c.insert((r, m, kind), p.clone());
    }
    Ok(p)
}

// ---------------------------------------------------------------------------
// Outside the range block: the block maps as identities.

/// The off-range coordinates of a direction at `A = [K; 0]`,
/// `B = [[B̃, 0], [0, 0]]`, `C = A` with `k = n − r` extra rows (see
/// [`crate::numeric::structured`]): `X₂` (k×m, rows r.. of `δA`),
/// `Z = Y₁₂ᵀ` (k×r), `Y₂₁` (k×r), `Y₂₂` (k×k) and `V₂` (k×m, rows r.. of
/// `δC`; zero for SG, where `δC = δA`).
#[derive(Clone, Debug)]
pub struct OffRange<T> {
    /// `X₂`.
    pub x2: Mat<T>,
    /// `Z = Y₁₂ᵀ`.
    pub z: Mat<T>,
    /// `Y₂₁`.
    pub y21: Mat<T>,
    /// `Y₂₂`.
    pub y22: Mat<T>,
    /// `V₂`.
    pub v2: Mat<T>,
}

/// The block maps outside the range block claimed by the derivation of
/// [`crate::numeric::structured`], with `R̃ = B̃KMxx − KMyx` (the teacher is
/// `C = K`) and `V₂ = X₂` for SG:
///
/// * `X₂ ↦ −(ZR̃ + λX₂)`, `Z ↦ −(X₂R̃ᵀ + λZ)` (per row the symmetric matrix
///   `−[[λI_m, R̃ᵀ], [R̃, λI_r]]` acting on `[X₂ Z]` from the right),
/// * `Y₂₁ ↦ −(Y₂₁(KMxxKᵀ + λI) − V₂MyxKᵀ)`,
/// * `Y₂₂ ↦ −λY₂₂`,
/// * `V₂ ↦ κ(X₂ − V₂)` (EMA flow).
///
/// For the EMA map the returned value is `η·G = DMap − I`: the first four
/// blocks times η and `V₂ ↦ (1 − α)(X₂ − V₂ + η·X₂′)` with `X₂′` the flow's
/// image of `X₂` above (so the map itself has `α` on `V₂`).
#[allow(clippy::too_many_arguments)]
pub fn off_range_map<T: Scalar>(
    kind: GeneratorKind,
    k: &Mat<T>,
    bt: &Mat<T>,
    mxx: &Mat<T>,
    myx: &Mat<T>,
    lambda: &T,
    params: &GeneratorParams<T>,
    d: &OffRange<T>,
) -> OffRange<T> {
    let rt = bt.mul(k).mul(mxx).sub(&k.mul(myx));
    let r = k.nrows();
    let x2 = d.z.mul(&rt).add(&d.x2.scale(lambda)).neg();
    let z = d.x2.mul(&rt.transpose()).add(&d.z.scale(lambda)).neg();
    let kmk = k
        .mul(mxx)
        .mul(&k.transpose())
        .add(&Mat::identity(r).scale(lambda));
    let v_eff = if kind == GeneratorKind::Sg {
        &d.x2
    } else {
        &d.v2
    };
    let y21 = d
        .y21
        .mul(&kmk)
        .sub(&v_eff.mul(myx).mul(&k.transpose()))
        .neg();
    let y22 = d.y22.scale(lambda).neg();
    match kind {
        GeneratorKind::Sg => OffRange {
            v2: Mat::zeros(d.v2.nrows(), d.v2.ncols()),
            x2,
            z,
            y21,
            y22,
        },
        GeneratorKind::EmaFlow => OffRange {
            v2: d.x2.sub(&d.v2).scale(&params.kappa),
            x2,
            z,
            y21,
            y22,
        },
        GeneratorKind::EmaMap => {
            let eta = &params.eta;
            let one_minus = T::from_int(1) - params.alpha.clone();
            OffRange {
                v2: d.x2.sub(&d.v2).add(&x2.scale(eta)).scale(&one_minus),
                x2: x2.scale(eta),
                z: z.scale(eta),
                y21: y21.scale(eta),
                y22: y22.scale(eta),
            }
        }
    }
}

/// The off-range map used by [`prove_off_range_with`]; replaceable in tests
/// to show that a wrong block map is refuted.
pub type OffRangeMap = fn(
    GeneratorKind,
    &Mat<SparsePoly>,
    &Mat<SparsePoly>,
    &Mat<SparsePoly>,
    &Mat<SparsePoly>,
    &SparsePoly,
    &GeneratorParams<SparsePoly>,
    &OffRange<SparsePoly>,
) -> OffRange<SparsePoly>;

/// What [`prove_off_range`] showed for one shape and generator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OffRangeProof {
    /// Rank r (rows of K).
    pub r: usize,
    /// Data dimension m.
    pub m: usize,
    /// The numbers of extra rows `k = n − r` expanded (1 and 2).
    pub extra_rows: Vec<usize>,
    /// The generator.
    pub generator: GeneratorKind,
    /// Basis directions of the full state expanded (over all `k`).
    pub directions: usize,
    /// `J = J_r ⊕ M_off` on every basis direction: range directions go to
    /// the reduced model's Jacobian and nothing else, off-range directions
    /// to [`off_range_map`] and nothing else.
    pub block_identity: bool,
    /// `R̃ = −λKW` when `B̃ = KWKᵀ` and `Myx = W(SMxx + λI)`.
    pub residual_identity: bool,
    /// `det(xI_m − S·Mxx) = x^{m−r}·det(xI_r − K·Mxx·Kᵀ)` (`S = KᵀK`).
    pub sylvester_identity: bool,
    /// `det(uI + [[0, R̃ᵀ], [R̃, 0]]) = u^{m−r}·det(u²I − R̃R̃ᵀ)` for a
    /// symbolic r×m `R̃` (the (X₂, Z) block's characteristic polynomial with
    /// `u = y + λ`).
    pub xz_determinant_identity: bool,
}

impl OffRangeProof {
    /// Whether every identity held.
    pub fn holds(&self) -> bool {
        self.block_identity
            && self.residual_identity
            && self.sylvester_identity
            && self.xz_determinant_identity
    }
}

/// `J(δ)` of `kind` at `(a, b, c)` by exact dual-number differentiation of
/// the generic field formulas: `(−dP, −dQ[, κ(δA − δC)])` for the flows,
/// `DMap(δ) − δ = (−η dP, −η dQ, (1 − α)(δA − η dP − δC))` for the EMA map.
/// For SG the teacher is the student (`c = a`, `δC = δA`) and the third
/// block is zero.
#[allow(clippy::too_many_arguments)]
fn generator_image(
    kind: GeneratorKind,
    data: &ModelData<Dual<SparsePoly>>,
    params: &GeneratorParams<SparsePoly>,
    a: &Mat<SparsePoly>,
    b: &Mat<SparsePoly>,
    da: &Mat<SparsePoly>,
    db: &Mat<SparsePoly>,
    dc: &Mat<SparsePoly>,
) -> (Mat<SparsePoly>, Mat<SparsePoly>, Mat<SparsePoly>) {
    let dc = if kind == GeneratorKind::Sg { da } else { dc };
    let (p, q) = data.student_field(&dual(a, da), &dual(b, db), &dual(a, dc));
    let (dp, dq) = (eps_part(&p), eps_part(&q));
    match kind {
        GeneratorKind::Sg => (dp.neg(), dq.neg(), Mat::zeros(a.nrows(), a.ncols())),
        GeneratorKind::EmaFlow => (dp.neg(), dq.neg(), da.sub(dc).scale(&params.kappa)),
        GeneratorKind::EmaMap => {
            let eta = &params.eta;
            let one_minus = SparsePoly::from_int(1) - params.alpha.clone();
            (
                dp.scale(eta).neg(),
                dq.scale(eta).neg(),
                da.sub(&dp.scale(eta)).sub(dc).scale(&one_minus),
            )
        }
    }
}

fn sub_block<T: Scalar>(a: &Mat<T>, r0: usize, c0: usize, rows: usize, cols: usize) -> Mat<T> {
    Mat::from_fn(rows, cols, |i, j| a.get(r0 + i, c0 + j).clone())
}

fn place<T: Scalar>(into: &mut Mat<T>, r0: usize, c0: usize, a: &Mat<T>) {
    for i in 0..a.nrows() {
        for j in 0..a.ncols() {
            into.set(r0 + i, c0 + j, a.get(i, j).clone());
        }
    }
}

/// Proves, for shape `(r, m)` and `kind`, that outside the range block the
/// Jacobian is `map` (the production [`off_range_map`] unless a test
/// substitutes another), as polynomial identities in symbolic `K` (r×m),
/// `B̃` (r×r), symmetric `Mxx`, `Myx` (m×m), `λ` (`κ`; `η`, `α`): for
/// `n = r + k`, `k ∈ {1, 2}`, at `A = [K; 0]`, `B = [[B̃, 0], [0, 0]]`,
/// `C = A`, for every basis direction `δ` of the full state, the exact
/// directional derivative `J(δ)` of the generic field formulas equals
/// `J_r(δ₁₁) ⊕ map(δ_off)` — the reduced model's Jacobian at `(K, B̃[, K])`
/// on the range coordinates `(X₁, Y₁₁[, V₁])` and the block map on
/// `(X₂, Z, Y₂₁, Y₂₂[, V₂])`, with every other component zero. No
/// equilibrium relation is used, so this holds at every point of that
/// form. Also expanded: `R̃ = −λKW` under `B̃ = KWKᵀ`, `Myx = W(SMxx + λI)`,
/// Sylvester's `det(xI − SMxx) = x^{m−r}det(xI − KMxxKᵀ)`, and the (X₂, Z)
/// block's determinant.
pub fn prove_off_range_with(
    r: usize,
    m: usize,
    kind: GeneratorKind,
    map: OffRangeMap,
) -> Result<OffRangeProof> {
    if r == 0 || r > m {
        return Err(Error::param("r", r, "1 ≤ r ≤ m"));
    }
    let point = OffRangePoint::new(r, m);
    let mut block_identity = true;
    let mut directions = 0;
    let extra_rows = vec![1, 2];
    for &k in &extra_rows {
        let (checked, ok) = point.block_identity(kind, map, k);
        block_identity &= ok;
        directions += checked;
    }
    Ok(OffRangeProof {
        r,
        m,
        extra_rows,
        generator: kind,
        directions,
        block_identity,
        residual_identity: residual_identity(r, m),
        sylvester_identity: sylvester_identity(r, m),
        xz_determinant_identity: xz_determinant_identity(r, m),
    })
}

/// The symbolic point of [`prove_off_range_with`]: `K` (r×m), `B̃` (r×r),
/// symmetric `Mxx`, `Myx` (m×m), `λ` and the generator parameters, all
/// independent variables, with the model data over dual numbers.
struct OffRangePoint {
    r: usize,
    m: usize,
    k_mat: Mat<SparsePoly>,
    bt: Mat<SparsePoly>,
    mxx: Mat<SparsePoly>,
    myx: Mat<SparsePoly>,
    lambda: SparsePoly,
    params: GeneratorParams<SparsePoly>,
    data: ModelData<Dual<SparsePoly>>,
}

impl OffRangePoint {
    fn new(r: usize, m: usize) -> Self {
        // Variables: K (rm), B̃ (r²), Mxx (m(m+1)/2), Myx (m²), λ, κ, η, α.
        let nv = r * m + r * r + m * (m + 1) / 2 + m * m + 4;
        let var = |k: usize| SparsePoly::var(nv, k);
        let k_mat = Mat::from_fn(r, m, |i, j| var(i * m + j));
        let off = r * m;
        let bt = Mat::from_fn(r, r, |i, j| var(off + i * r + j));
        let off = off + r * r;
        let mxx = symmetric(m, |k| var(off + k));
        let off = off + m * (m + 1) / 2;
        let myx = Mat::from_fn(m, m, |i, j| var(off + i * m + j));
        let off = off + m * m;
        let lambda = var(off);
        let params = GeneratorParams {
            kappa: var(off + 1),
            eta: var(off + 2),
            alpha: var(off + 3),
        };
        let data = ModelData {
            mxx: lift(&mxx),
            myx: lift(&myx),
            myy: Mat::zeros(m, m),
            lambda: Dual {
                re: lambda.clone(),
                eps: SparsePoly::from_int(0),
            },
        };
        Self {
            r,
            m,
            k_mat,
            bt,
            mxx,
            myx,
            lambda,
            params,
            data,
        }
    }

    /// Expands, for `n = r + k` rows at `A = [K; 0]`, `B = [[B̃, 0], [0, 0]]`,
    /// `C = A`, `J(δ) = J_r(δ₁₁) ⊕ map(δ_off)` for every basis direction δ
    /// of the full state: the number of directions and whether every one
    /// vanished identically.
    fn block_identity(&self, kind: GeneratorKind, map: OffRangeMap, k: usize) -> (usize, bool) {
        let (r, m) = (self.r, self.m);
        let teacher = kind != GeneratorKind::Sg;
        let mut block_identity = true;
        let mut directions = 0;
        let n = r + k;
        let mut a = Mat::zeros(n, m);
        place(&mut a, 0, 0, &self.k_mat);
        let mut b = Mat::zeros(n, n);
        place(&mut b, 0, 0, &self.bt);
        let (sa, sb) = (n * m, n * n);
        let total = sa + sb + if teacher { sa } else { 0 };
        for idx in 0..total {
            let mut da = Mat::zeros(n, m);
            let mut db = Mat::zeros(n, n);
            let mut dc = Mat::zeros(n, m);
            let one = SparsePoly::from_int(1);
            if idx < sa {
                da.set(idx / m, idx % m, one);
            } else if idx < sa + sb {
                let i = idx - sa;
                db.set(i / n, i % n, one);
            } else {
                let i = idx - sa - sb;
                dc.set(i / m, i % m, one);
            }
            let (ja, jb, jc) =
                generator_image(kind, &self.data, &self.params, &a, &b, &da, &db, &dc);
            let (ea, eb, ec) = self.expected_image(kind, map, (&da, &db, &dc));
            let ok = all_zero(&ja.sub(&ea)) && all_zero(&jb.sub(&eb)) && all_zero(&jc.sub(&ec));
            block_identity &= ok;
            directions += 1;
        }
        (directions, block_identity)
    }

    /// The expected image of the direction `(δA, δB, δC)` (`n = r + k` rows):
    /// the reduced model's `J_r` on the range part `(X₁, Y₁₁[, V₁])`, the
    /// block map `map` on `(X₂, Z, Y₂₁, Y₂₂[, V₂])`, zero elsewhere.
    fn expected_image(
        &self,
        kind: GeneratorKind,
        map: OffRangeMap,
        (da, db, dc): (&Mat<SparsePoly>, &Mat<SparsePoly>, &Mat<SparsePoly>),
    ) -> (Mat<SparsePoly>, Mat<SparsePoly>, Mat<SparsePoly>) {
        let (r, m) = (self.r, self.m);
        let teacher = kind != GeneratorKind::Sg;
        let n = da.nrows();
        let k = n - r;
        let (ra, rb, rc) = generator_image(
            kind,
            &self.data,
            &self.params,
            &self.k_mat,
            &self.bt,
            &sub_block(da, 0, 0, r, m),
            &sub_block(db, 0, 0, r, r),
            &sub_block(dc, 0, 0, r, m),
        );
        let parts = OffRange {
            x2: sub_block(da, r, 0, k, m),
            z: sub_block(db, 0, r, r, k).transpose(),
            y21: sub_block(db, r, 0, k, r),
            y22: sub_block(db, r, r, k, k),
            v2: if teacher {
                sub_block(dc, r, 0, k, m)
            } else {
                Mat::zeros(k, m)
            },
        };
        let img = map(
            kind,
            &self.k_mat,
            &self.bt,
            &self.mxx,
            &self.myx,
            &self.lambda,
            &self.params,
            &parts,
        );
        let mut ea = Mat::zeros(n, m);
        place(&mut ea, 0, 0, &ra);
        place(&mut ea, r, 0, &img.x2);
        let mut eb = Mat::zeros(n, n);
        place(&mut eb, 0, 0, &rb);
        place(&mut eb, 0, r, &img.z.transpose());
        place(&mut eb, r, 0, &img.y21);
        place(&mut eb, r, r, &img.y22);
        let mut ec = Mat::zeros(n, m);
        if teacher {
            place(&mut ec, 0, 0, &rc);
            place(&mut ec, r, 0, &img.v2);
        }
        (ea, eb, ec)
    }
}

/// The symmetric m×m matrix whose upper triangle is `var(0), var(1), …`
/// row by row.
fn symmetric(m: usize, var: impl Fn(usize) -> SparsePoly) -> Mat<SparsePoly> {
    let idx = |i: usize, j: usize| {
        let (a, b) = if i <= j { (i, j) } else { (j, i) };
        a * m - a * a.saturating_sub(1) / 2 + (b - a)
    };
    Mat::from_fn(m, m, |i, j| var(idx(i, j)))
}

/// `B̃KMxx − KMyx + λKW = 0` for `B̃ = KWKᵀ`, `Myx = W(SMxx + λI)`.
fn residual_identity(r: usize, m: usize) -> bool {
    let sy = symbols(r, m);
    let s = sy.k.transpose().mul(&sy.k);
    let n = s.mul(&sy.mxx).add(&Mat::identity(m).scale(&sy.lambda));
    let myx = sy.w.mul(&n);
    let bt = sy.k.mul(&sy.w).mul(&sy.k.transpose());
    let rt = bt.mul(&sy.k).mul(&sy.mxx).sub(&sy.k.mul(&myx));
    all_zero(&rt.add(&sy.k.mul(&sy.w).scale(&sy.lambda)))
}

/// Why a PSD solution of `S·G(S) = 0` of rank r gives an equilibrium
/// `(K, B̃ = KWKᵀ[, C = K])` of the reduced model (what the kernel argument
/// of a validated certificate needs), as two polynomial identities for
/// symbolic K (r×m), W (m×m), symmetric Mxx, λ, with `Myx := W·N`,
/// `N = SMxx + λI`, `S = KᵀK`, expanded by the generic formulas of
/// [`crate::model::formula`] (`Myy` does not enter either):
///
/// * `S·G(S) = N·S·(I − WᵀSW)·N` ([`crate::model::formula::s_equation`]);
/// * the student field at `(K, B̃, K)` is `(λK(I − WᵀSW), 0)`
///   ([`ModelData::student_field`]).
///
/// At the point, `S·G(S) = 0` with N invertible gives `S(I − WᵀSW) = 0`,
/// hence `K(I − WᵀSW) = 0` (Kᵀ is injective), so the field vanishes; with
/// `C = K` the EMA teacher's `κ(K − C)` vanishes too. Cached per shape.
pub fn prove_equilibrium_identity(r: usize, m: usize) -> bool {
    static CACHE: OnceLock<Mutex<HashMap<(usize, usize), bool>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(b) = cache.lock().ok().and_then(|c| c.get(&(r, m)).copied()) {
        return b;
    }
    let sy = symbols(r, m);
    let s = sy.k.transpose().mul(&sy.k);
    let id = Mat::<SparsePoly>::identity(m);
    let n = s.mul(&sy.mxx).add(&id.scale(&sy.lambda));
    let data = ModelData {
        mxx: sy.mxx.clone(),
        myx: sy.w.mul(&n),
        myy: Mat::zeros(m, m),
        lambda: sy.lambda.clone(),
    };
    let defect = id.sub(&sy.w.transpose().mul(&s).mul(&sy.w));
    let s_equation = s
        .mul(&crate::model::formula::s_equation(&data, &s))
        .sub(&n.mul(&s).mul(&defect).mul(&n));
    let bt = sy.k.mul(&sy.w).mul(&sy.k.transpose());
    let (p, q) = data.student_field(&sy.k, &bt, &sy.k);
    let holds = all_zero(&s_equation)
        && all_zero(&p.sub(&sy.k.mul(&defect).scale(&sy.lambda)))
        && all_zero(&q);
    if let Ok(mut c) = cache.lock() {
        c.insert((r, m), holds);
    }
    holds
}

/// `det(xI_m − KᵀK·Mxx) = x^{m−r}·det(xI_r − K·Mxx·Kᵀ)` (symbolic K, Mxx, x).
fn sylvester_identity(r: usize, m: usize) -> bool {
    let nv = r * m + m * (m + 1) / 2 + 1;
    let var = |k: usize| SparsePoly::var(nv, k);
    let k = Mat::from_fn(r, m, |i, j| var(i * m + j));
    let mxx = symmetric(m, |i| var(r * m + i));
    let x = var(nv - 1);
    let left = determinant(
        &Mat::identity(m)
            .scale(&x)
            .sub(&k.transpose().mul(&k).mul(&mxx)),
    );
    let small = determinant(
        &Mat::identity(r)
            .scale(&x)
            .sub(&k.mul(&mxx).mul(&k.transpose())),
    );
    let right = (0..m - r).fold(small, |acc, _| acc * x.clone());
    (left - right).is_zero()
}

/// `det(uI_{m+r} + [[0, R̃ᵀ], [R̃, 0]]) = u^{m−r}·det(u²I_r − R̃R̃ᵀ)` for a
/// symbolic r×m `R̃`.
fn xz_determinant_identity(r: usize, m: usize) -> bool {
    let nv = r * m + 1;
    let var = |k: usize| SparsePoly::var(nv, k);
    let rt = Mat::from_fn(r, m, |i, j| var(i * m + j));
    let u = var(nv - 1);
    let mut big = Mat::identity(m + r).scale(&u);
    place(&mut big, 0, m, &rt.transpose());
    place(&mut big, m, 0, &rt);
    let small = determinant(
        &Mat::identity(r)
            .scale(&(u.clone() * u.clone()))
            .sub(&rt.mul(&rt.transpose())),
    );
    let right = (0..m - r).fold(small, |acc, _| acc * u.clone());
    (determinant(&big) - right).is_zero()
}

/// [`prove_off_range_with`] for the production [`off_range_map`], cached
/// per shape and generator.
pub fn prove_off_range(r: usize, m: usize, kind: GeneratorKind) -> Result<OffRangeProof> {
    type Cache = Mutex<HashMap<(usize, usize, GeneratorKind), OffRangeProof>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(p) = cache
        .lock()
        .ok()
        .and_then(|c| c.get(&(r, m, kind)).cloned())
    {
        return Ok(p);
    }
    let p = prove_off_range_with(r, m, kind, off_range_map::<SparsePoly>)?;
    if let Ok(mut c) = cache.lock() {
        c.insert((r, m, kind), p.clone());
    }
    Ok(p)
}

// ---------------------------------------------------------------------------
// The check at the point: polynomials in D = 1/d, E = 1/e over ℤ[u]/(χ̂).

/// A polynomial in two formal symbols `D`, `E` (standing for `1/d` and
/// `1/e`) with coefficients in [`IntRing`], or a rational constant.
/// Terms are `((i, j), c)` for `c·Dⁱ·Eʲ`, sorted, with non-zero `c`.
#[derive(Clone, Debug)]
enum DePoly {
    Rat(BigRational),
    Poly(Rc<IntRing>, Vec<((u32, u32), IntElem)>),
}

impl DePoly {
    fn is_zero(&self) -> bool {
        matches!(self, DePoly::Rat(q) if q.is_zero())
    }

    fn from_terms(ring: Rc<IntRing>, mut terms: Vec<((u32, u32), IntElem)>) -> Self {
        terms.retain(|(_, c)| !c.is_zero());
        if terms.is_empty() {
            DePoly::Rat(BigRational::zero())
        } else {
            DePoly::Poly(ring, terms)
        }
    }

    /// `c·Dⁱ·Eʲ`.
    fn monomial(ring: &Rc<IntRing>, c: IntElem, deg: (u32, u32)) -> Self {
        Self::from_terms(ring.clone(), vec![(deg, c)])
    }

    /// The terms over `ring` (a constant as a degree-0 term).
    fn terms(&self, ring: &IntRing) -> Vec<((u32, u32), IntElem)> {
        match self {
            DePoly::Rat(q) if q.is_zero() => Vec::new(),
            DePoly::Rat(q) => vec![((0, 0), ring.constant(q))],
            DePoly::Poly(_, t) => t.clone(),
        }
    }

    fn add_sub(self, o: DePoly, minus: bool) -> DePoly {
        let ring = match (&self, &o) {
            (DePoly::Rat(x), DePoly::Rat(y)) => {
                return DePoly::Rat(if minus { x - y } else { x + y });
            }
            (DePoly::Poly(r, _), _) | (_, DePoly::Poly(r, _)) => r.clone(),
        };
        if o.is_zero() {
            return self;
        }
        if self.is_zero() {
            return if minus { -o } else { o };
        }
        let mut out = self.terms(&ring);
        for (deg, c) in o.terms(&ring) {
            match out.binary_search_by(|(k, _)| k.cmp(&deg)) {
                Ok(i) => out[i].1 = ring.add(&out[i].1, &c, minus),
                Err(i) => out.insert(i, (deg, if minus { ring.neg(&c) } else { c })),
            }
        }
        Self::from_terms(ring, out)
    }
}

impl Add for DePoly {
    type Output = DePoly;
    fn add(self, o: DePoly) -> DePoly {
        self.add_sub(o, false)
    }
}

impl Sub for DePoly {
    type Output = DePoly;
    fn sub(self, o: DePoly) -> DePoly {
        self.add_sub(o, true)
    }
}

impl Mul for DePoly {
    type Output = DePoly;
    fn mul(self, o: DePoly) -> DePoly {
        match (self, o) {
            (DePoly::Rat(x), DePoly::Rat(y)) => DePoly::Rat(x * y),
            (DePoly::Rat(q), p) | (p, DePoly::Rat(q)) => {
                if q.is_zero() {
                    return DePoly::Rat(q);
                }
                if q.is_one() {
                    return p;
                }
                let DePoly::Poly(ring, t) = p else {
                    unreachable!("two constants are handled above")
                };
                let t = t
                    .into_iter()
                    .map(|(deg, c)| (deg, ring.scale(&c, &q)))
                    .collect();
                DePoly::Poly(ring, t)
            }
            (DePoly::Poly(ring, a), DePoly::Poly(_, b)) => {
                let mut out: Vec<((u32, u32), IntElem)> = Vec::new();
                for (da, ca) in &a {
                    for (db, cb) in &b {
                        let deg = (da.0 + db.0, da.1 + db.1);
                        let c = ring.mul(ca, cb);
                        match out.binary_search_by(|(k, _)| k.cmp(&deg)) {
                            Ok(i) => out[i].1 = ring.add(&out[i].1, &c, false),
                            Err(i) => out.insert(i, (deg, c)),
                        }
                    }
                }
                Self::from_terms(ring, out)
            }
        }
    }
}

impl Neg for DePoly {
    type Output = DePoly;
    fn neg(self) -> DePoly {
        match self {
            DePoly::Rat(q) => DePoly::Rat(-q),
            DePoly::Poly(ring, t) => {
                let t = t.into_iter().map(|(deg, c)| (deg, ring.neg(&c))).collect();
                DePoly::Poly(ring, t)
            }
        }
    }
}

impl Scalar for DePoly {
    fn from_rational(q: &BigRational) -> Self {
        DePoly::Rat(q.clone())
    }
}

/// Powers `x⁰, x¹, …` of a ring element, computed on demand.
struct Powers {
    base: IntElem,
    pows: Vec<IntElem>,
}

impl Powers {
    fn new(ring: &IntRing, base: IntElem) -> Self {
        Self {
            pows: vec![ring.constant(&BigRational::one())],
            base,
        }
    }

    fn get(&mut self, ring: &IntRing, k: usize) -> IntElem {
        while self.pows.len() <= k {
            let next = ring.mul(&self.pows[self.pows.len() - 1], &self.base);
            self.pows.push(next);
        }
        self.pows[k].clone()
    }
}

/// The data of the point for [`block_matches_map`], in the ring.
pub(super) struct PointData<'a> {
    pub qt: &'a Qt,
    pub m: usize,
    pub r: usize,
    pub s_hat: Vec<Vec<QtElem>>,
    pub d: QtElem,
    pub w_hat: Vec<Vec<QtElem>>,
    pub e: QtElem,
    pub index_set: &'a [usize],
    pub mxx: &'a crate::model::RationalMatrix,
    pub myx: &'a crate::model::RationalMatrix,
    pub lambda: &'a BigRational,
    pub kind: GeneratorKind,
    pub kappa: BigRational,
    pub eta: BigRational,
    pub alpha: BigRational,
}

/// Why [`block_matches_map`] refused the block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum PointMismatch {
    /// Entry `(row, column)` of `M̂` differs from `c·Π_J G(v)` at `t₀`.
    Entry(usize, usize),
    /// A factor the comparison is multiplied by (`d`, `e` or
    /// `f̂ = det Ŝ_JJ`) vanishes at `t₀`.
    Vanishes(&'static str),
}

/// Compares the block `M̂` (access through `entry(i, j)`) with
/// `c·Π_J G(v)` for every basis vector v of V, exactly at `t₀`, without
/// dividing. With `S = Ŝ/d`, `W = Ŵ/e`, [`coordinate_map`] is evaluated
/// over polynomials in `D = 1/d`, `E = 1/e` with coefficients in
/// `ℤ[u]/(χ̂)` (entries of S are `Ŝ_ij·D`, of W `Ŵ_ij·E`), giving
/// `L = Σ L_ij DⁱEʲ`; `Π_J = Π̂/f̂` with `f̂ = det Ŝ_JJ` and
/// `Π̂ = [f̂I on J | adj(Ŝ_JJ)Ŝ_{J,Jᶜ} on Jᶜ]` (the powers of d cancel in
/// `adj(S_JJ)S_{J,Jᶜ}/det S_JJ`). Each compared entry, with
/// `k = 1` for X and V rows and `k = 2` for Y rows (`Π_J·L_Y·Π_Jᵀ`) and
/// `(a, b)` the top degrees of its `(D, E)` polynomial `P`, is
/// `f̂ᵏ·dᵃ·eᵇ·M̂(row, col) − Σ P_ij·d^{a−i}·e^{b−j}`, an element of
/// `Q[t]/(χ)` that vanishes at `t₀` exactly when the entry matches (d, e,
/// f̂ are checked non-zero at `t₀` first). Returns the number of entries
/// compared, `None` once the products in `ℤ[u]/(χ̂)` have used more than
/// `work_limit` word products ([`IntRing::work`], checked before each
/// column), or why the block is refused.
pub(super) fn block_matches_map(
    p: &PointData<'_>,
    size: usize,
    entry: &dyn Fn(usize, usize) -> QtElem,
    c: &QtElem,
    is_zero_at: &mut dyn FnMut(&QtElem) -> bool,
    work_limit: u64,
) -> std::result::Result<Option<usize>, PointMismatch> {
    let ring = Rc::new(IntRing::new(p.qt));
    let m = p.m;
    for (name, x) in [("d", &p.d), ("e", &p.e)] {
        if x.is_zero() || is_zero_at(x) {
            return Err(PointMismatch::Vanishes(name));
        }
    }
    let lift = |x: &QtElem, deg: (u32, u32)| DePoly::monomial(&ring, ring.lift_elem(x), deg);
    let s = Mat::from_fn(m, m, |i, j| lift(&p.s_hat[i][j], (1, 0)));
    let w = Mat::from_fn(m, m, |i, j| lift(&p.w_hat[i][j], (0, 1)));
    let rat = |a: &crate::model::RationalMatrix| {
        Mat::from_fn(a.nrows(), a.ncols(), |i, j| {
            DePoly::Rat(a.get(i, j).clone())
        })
    };
    let (mxx, myx) = (rat(p.mxx), rat(p.myx));
    let lambda = DePoly::Rat(p.lambda.clone());
    let params = GeneratorParams {
        kappa: DePoly::Rat(p.kappa.clone()),
        eta: DePoly::Rat(p.eta.clone()),
        alpha: DePoly::Rat(p.alpha.clone()),
    };
    let j_set = p.index_set;
    let (pi, f_hat) = lifted_projection(p, &ring, is_zero_at)?;
    let teacher = p.kind != GeneratorKind::Sg;
    let cf = lift(c, (0, 0));
    // The map's η·G for the EMA map: undo the factor η.
    let scale = if p.kind == GeneratorKind::EmaMap {
        cf * DePoly::Rat(BigRational::one() / p.eta.clone())
    } else {
        cf
    };
    let mut cleared = ClearedEntries {
        d_pow: Powers::new(&ring, ring.lift_elem(&p.d)),
        e_pow: Powers::new(&ring, ring.lift_elem(&p.e)),
        f_pow: [f_hat.clone(), ring.mul(&f_hat, &f_hat)],
        ring: &ring,
        qt: p.qt,
    };
    let mut compared = 0;
    for col in 0..size {
        // A work limit, never a pass: past it the part is reported as not
        // checked. Counted in the ring's products, not in seconds, so the
        // outcome (and the level it gives) is the same on every machine.
        if ring.work() > work_limit {
            return Ok(None);
        }
        let (x, y, v) = range_direction::<DePoly>(m, j_set, teacher, col);
        let (lx, ly, lv) = coordinate_map(p.kind, &s, &w, &mxx, &myx, &lambda, &params, &x, &y, &v);
        let gx = pi.mul(&lx).scale(&scale);
        let gy = pi.mul(&ly).mul(&pi.transpose()).scale(&scale);
        let gv = pi.mul(&lv).scale(&scale);
        for (row, want, k) in compared_rows(&gx, &gy, &gv, teacher) {
            let diff = cleared.difference(want, k, || entry(row, col));
            if !diff.is_zero() && !is_zero_at(&diff) {
                return Err(PointMismatch::Entry(row, col));
            }
            compared += 1;
        }
    }
    Ok(Some(compared))
}

/// The entries of one column of `c·Π_J G(v)` in the order they are
/// compared: `(row of M̂, Π̂-weighted value, power of f̂ it carries)` for
/// the X rows `gx` (r×m), the V rows `gv` (with a teacher) and the Y rows
/// `gy` (r×r).
fn compared_rows<'a>(
    gx: &'a Mat<DePoly>,
    gy: &'a Mat<DePoly>,
    gv: &'a Mat<DePoly>,
    teacher: bool,
) -> Vec<(usize, &'a DePoly, usize)> {
    let (r, m) = (gx.nrows(), gx.ncols());
    let (nx, ny) = (r * m, r * r);
    let mut rows = Vec::new();
    for i in 0..r {
        for j in 0..m {
            rows.push((i * m + j, gx.get(i, j), 1));
            if teacher {
                rows.push((nx + ny + i * m + j, gv.get(i, j), 1));
            }
        }
        for j in 0..r {
            rows.push((nx + i * r + j, gy.get(i, j), 2));
        }
    }
    rows
}

/// `Π̂ = [f̂·I on J | adj(Ŝ_JJ)·Ŝ_{J,Jᶜ} on Jᶜ]` (r×m, all of degree 0 in
/// D, E) and `f̂ = det Ŝ_JJ`, refused when f̂ vanishes at `t₀`.
fn lifted_projection(
    p: &PointData<'_>,
    ring: &Rc<IntRing>,
    is_zero_at: &mut dyn FnMut(&QtElem) -> bool,
) -> std::result::Result<(Mat<DePoly>, IntElem), PointMismatch> {
    let (m, r) = (p.m, p.r);
    let lift = |x: &QtElem| DePoly::monomial(ring, ring.lift_elem(x), (0, 0));
    let j_set = p.index_set;
    let comp: Vec<usize> = (0..m).filter(|i| !j_set.contains(i)).collect();
    let s_jj = Mat::from_fn(r, r, |a, b| lift(&p.s_hat[j_set[a]][j_set[b]]));
    let s_jc = Mat::from_fn(r, comp.len(), |a, b| lift(&p.s_hat[j_set[a]][comp[b]]));
    let f = determinant(&s_jj);
    let f_hat = match f.terms(ring).as_slice() {
        [((0, 0), x)] => x.clone(),
        _ => return Err(PointMismatch::Vanishes("det Ŝ_JJ")),
    };
    if is_zero_at(&ring.to_qt(p.qt, &f_hat)) {
        return Err(PointMismatch::Vanishes("det Ŝ_JJ"));
    }
    let tail = adjugate(&s_jj).mul(&s_jc);
    Ok((scaled_projection(m, j_set, &comp, &f, &tail), f_hat))
}

/// The basis direction `(X′, Y′, V′)` (m×m each) of column `col` of the
/// range block for the index set `j_set` (size r): a unit X′ on the rows J
/// (with `V′ = X′` without a teacher), a unit Y′ on J×J, or a unit V′ on
/// the rows J.
fn range_direction<T: Scalar>(
    m: usize,
    j_set: &[usize],
    teacher: bool,
    col: usize,
) -> (Mat<T>, Mat<T>, Mat<T>) {
    let r = j_set.len();
    let (nx, ny) = (r * m, r * r);
    let zero = Mat::<T>::zeros(m, m);
    if col < nx {
        let u = unit(m, m, j_set[col / m], col % m);
        let v = if teacher { zero.clone() } else { u.clone() };
        (u, zero, v)
    } else if col < nx + ny {
        let k = col - nx;
        (zero.clone(), unit(m, m, j_set[k / r], j_set[k % r]), zero)
    } else {
        let k = col - nx - ny;
        (zero.clone(), zero, unit(m, m, j_set[k / m], k % m))
    }
}

/// Compares entries of `M̂` with the `(D, E)` polynomials of `c·Π_J G(v)`
/// after clearing the denominators `d`, `e`, `f̂` (see
/// [`block_matches_map`]), with cached powers of d and e.
struct ClearedEntries<'a> {
    ring: &'a IntRing,
    qt: &'a Qt,
    d_pow: Powers,
    e_pow: Powers,
    /// `f̂`, `f̂²`.
    f_pow: [IntElem; 2],
}

impl ClearedEntries<'_> {
    /// `f̂ᵏ·dᵃ·eᵇ·M̂(row, col) − Σ P_ij·d^{a−i}·e^{b−j}` for the expected
    /// entry `want = P` of top degrees `(a, b)` and the block's entry
    /// `here()`: it vanishes at `t₀` exactly when the entry matches.
    fn difference(&mut self, want: &DePoly, k: usize, here: impl FnOnce() -> QtElem) -> QtElem {
        let ring = self.ring;
        let (d_pow, e_pow) = (&mut self.d_pow, &mut self.e_pow);
        let terms = want.terms(ring);
        let a = terms.iter().map(|((i, _), _)| *i).max().unwrap_or(0) as usize;
        let b = terms.iter().map(|((_, j), _)| *j).max().unwrap_or(0) as usize;
        let mut rhs = ring.constant(&BigRational::zero());
        for ((i, j), coef) in &terms {
            let de = ring.mul(
                &d_pow.get(ring, a - *i as usize),
                &e_pow.get(ring, b - *j as usize),
            );
            rhs = ring.add(&rhs, &ring.mul(coef, &de), false);
        }
        let here = here();
        let lhs = if here.is_zero() {
            ring.constant(&BigRational::zero())
        } else {
            let factor = ring.mul(
                &self.f_pow[k - 1],
                &ring.mul(&d_pow.get(ring, a), &e_pow.get(ring, b)),
            );
            ring.mul(&factor, &ring.lift_elem(&here))
        };
        ring.to_qt(self.qt, &ring.add(&lhs, &rhs, true))
    }
}

/// How one part of the reduction is established.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Established {
    /// A polynomial identity over all data of the shape, expanded exactly.
    ProvedSymbolically,
    /// Checked exactly at this point (in `Q[t]/(χ)`, signs at `t₀`).
    CheckedAtPoint,
    /// Established at this point by rigorous interval arithmetic (an
    /// enclosure that excludes 0) or by construction of the interval
    /// block: a proof, as for [`Established::CheckedAtPoint`].
    Validated,
    /// Rests on the hand derivation in the module docs (tested only
    /// numerically against dense Jacobians).
    Derivation,
}

/// One part of the reduction and how it is established.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReductionPart {
    /// What the part states.
    pub statement: String,
    /// How it is established here.
    pub established: Established,
    /// Details (shapes, counts, or why it is not proved).
    pub detail: String,
}

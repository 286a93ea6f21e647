//! The transformed range block: the Jacobian restricted to `range(A)` in
//! coordinates over `Q[t]/(χ)`, with cleared denominators.

use super::*;

/// The transformed range block `M̂ = c·G` over `Q[t]/(χ)` (see the module
/// documentation), with what is needed to interpret it.
#[derive(Clone, Debug)]
pub struct RangeBlock {
    pub(super) size: usize,
    pub(super) entries: Vec<QtElem>,
    pub(super) scale: QtElem,
    pub(super) index_set: Vec<usize>,
    pub(super) map_eta: Option<BigRational>,
}

impl RangeBlock {
    /// Its size `rm + r²` (`2rm + r²` with a teacher).
    pub fn size(&self) -> usize {
        self.size
    }

    /// The index set J of the coordinates.
    pub fn index_set(&self) -> &[usize] {
        &self.index_set
    }

    /// Entry `(i, j)` of `M̂` as a polynomial in t modulo χ.
    pub fn entry(&self, i: usize, j: usize) -> UPoly {
        self.entries[i * self.size + j].to_upoly()
    }

    /// The scale `c` (modulo χ, positive at `t₀`).
    pub fn scale(&self) -> UPoly {
        self.scale.to_upoly()
    }

    /// The matrix similar to the range block of the dynamics, in floating
    /// point at `t₀`: `M̂/c` for flows, `I + η·M̂/c` for maps. Entries are
    /// evaluated as in [`AlgebraicPoint::s_f64`].
    pub fn to_f64(&self, root: &RealRoot) -> DMatrix<f64> {
        let mut root = root.clone();
        let c = self.scale.to_upoly();
        let mut g = DMatrix::from_fn(self.size, self.size, |i, j| {
            value_f64(&mut root, &self.entry(i, j), &c)
        });
        if let Some(eta) = &self.map_eta {
            g *= to_f64(eta);
            for i in 0..self.size {
                g[(i, i)] += 1.0;
            }
        }
        g
    }
}

/// The checked equilibrium data in the ring.
pub(super) struct Prepared {
    pub(super) qt: Qt,
    pub(super) root: RealRoot,
    pub(super) m: usize,
    pub(super) r: usize,
    pub(super) s_hat: QMat,
    pub(super) d: QtElem,
    pub(super) minors: Vec<PrincipalMinor>,
    pub(super) index_set: Vec<usize>,
}

pub(super) fn check_instance(inst: &Instance, point: &AlgebraicPoint) -> Result<()> {
    let m = inst.m();
    if point.m() != m {
        return Err(Error::Shape {
            what: "H of the algebraic point".to_owned(),
            got: format!("{0}×{0}", point.m()),
            expected: format!("{m}×{m} for instance {:?} (m = {m})", inst.name()),
        });
    }
    if m > MAX_ALGEBRAIC_DIMENSION {
        return Err(Error::param(
            "m",
            m,
            &format!("a data dimension m ≤ {MAX_ALGEBRAIC_DIMENSION} for algebraic certificates"),
        ));
    }
    if !inst.lambda().is_positive() {
        return Err(Error::param(
            "lambda",
            inst.lambda(),
            "a weight decay λ > 0 (the orbit structure used by algebraic certificates needs λ > 0)",
        ));
    }
    if point.rank() > inst.n() {
        return Err(Error::param(
            "rank",
            point.rank(),
            &format!("a rank r ≤ n = {} (A = U₁K is n×m of rank r)", inst.n()),
        ));
    }
    Ok(())
}

/// Checks `S·G(S) = 0`, PSD and the rank exactly at `t₀` and picks J.
pub(super) fn prepare(inst: &Instance, point: &AlgebraicPoint) -> Result<Prepared> {
    check_instance(inst, point)?;
    let (m, r) = (point.m(), point.rank());
    let qt = Qt::new(point.chi())
        .ok_or_else(|| Error::param("chi", point.chi(), "a polynomial χ of degree ≥ 1"))?;
    let mut root = point.root().clone();
    let s_hat = QMat::from_fn(m, m, |i, j| qt.elem(&point.h()[i][j]));
    let d = qt.elem(&point.chi().derivative());
    let d_sign = sign_at(&mut root, &d);
    if d_sign == Ordering::Equal {
        return Err(Error::param(
            "chi",
            point.chi(),
            "a polynomial with χ′(t₀) ≠ 0 (a simple root t₀)",
        ));
    }
    check_s_equation(inst, &qt, &mut root, &s_hat, &d)?;
    let (minors, index_set) = principal_minors(&qt, &mut root, &s_hat, d_sign, r)?;
    Ok(Prepared {
        qt,
        root,
        m,
        r,
        s_hat,
        d,
        minors,
        index_set,
    })
}

/// Checks `S·G(S) = 0` exactly at `t₀` for `S = Ŝ/d`, through
/// `d³·S·G(S)` (no division); refuses the point with the first non-zero
/// entry.
fn check_s_equation(
    inst: &Instance,
    qt: &Qt,
    root: &mut RealRoot,
    s_hat: &QMat,
    d: &QtElem,
) -> Result<()> {
    let m = s_hat.rows;
    let mo = inst.moments();
    let mxx = QMat::from_rational(qt, &mo.mxx);
    let myx = QMat::from_rational(qt, &mo.myx);
    let mxy = myx.transpose();
    let lambda = inst.lambda();
    // d³·S·G(S) = Ŝ N̂ᵀ N̂ − d Ŝ Mxy Ŝ Myx with N̂ = Ŝ Mxx + λ d I.
    let lam_d = QMat::identity(qt, m).scale(qt, &qt.scale(d, lambda));
    let n_hat = s_hat.mul(qt, &mxx).add(qt, &lam_d);
    let left = s_hat.mul(qt, &n_hat.transpose()).mul(qt, &n_hat);
    let right = s_hat
        .mul(qt, &mxy)
        .mul(qt, s_hat)
        .mul(qt, &myx)
        .scale(qt, d);
    let residual = left.sub(qt, &right);
    for i in 0..m {
        for j in 0..m {
            let e = residual.get(i, j);
            if sign_at(root, e) != Ordering::Equal {
                return Err(Error::param(
                    "S",
                    format!(
                        "H/χ′ with (χ′³·S·G(S))[{i}][{j}] = {} (mod χ), non-zero at t₀ ≈ {}",
                        e.to_upoly(),
                        root.decimal(12)
                    ),
                    "a solution of the S-equation S·G(S) = 0, G(S) = (MxxS + λI)(SMxx + λI) − MxySMyx, exactly at t₀",
                ));
            }
        }
    }
    Ok(())
}

/// The signs at `t₀` of all principal minors of `S = Ŝ/d` (`d_sign` the
/// sign of d at t₀), refusing a negative one (S not PSD) and a rank other
/// than `r`, and the first index set J of size r with `det S_JJ ≠ 0`.
fn principal_minors(
    qt: &Qt,
    root: &mut RealRoot,
    s_hat: &QMat,
    d_sign: Ordering,
    r: usize,
) -> Result<(Vec<PrincipalMinor>, Vec<usize>)> {
    let m = s_hat.rows;
    // Principal minors: sign(det S_II) = sign(det Ŝ_II)·sign(d)^|I|.
    let mut minors = Vec::new();
    let mut largest = 0;
    let mut index_set = None;
    for k in 1..=m {
        for set in subsets(m, k) {
            let sub = s_hat.select(&set, &set);
            let mut s = sign_i8(sign_at(root, &det(qt, &sub)));
            if d_sign == Ordering::Less && k % 2 == 1 {
                s = -s;
            }
            if s < 0 {
                return Err(Error::param(
                    "S",
                    format!("H/χ′ with the principal minor det S_II < 0 at t₀ for I = {set:?}"),
                    "a positive semidefinite S (all principal minors ≥ 0)",
                ));
            }
            if s > 0 {
                largest = k;
                if k == r && index_set.is_none() {
                    index_set = Some(set.clone());
                }
            }
            minors.push(PrincipalMinor {
                indices: set,
                sign: s,
            });
        }
    }
    if largest != r {
        return Err(Error::param(
            "rank",
            r,
            &format!(
                "the exact rank of S at t₀, which is {largest} (largest non-zero principal minor of the PSD matrix S)"
            ),
        ));
    }
    let index_set = index_set.ok_or_else(|| {
        Error::Computation(format!(
            "no non-zero principal {r}-minor of S although its rank is {r}"
        ))
    })?;
    Ok((minors, index_set))
}

/// Builds `M̂ = c·G` (module documentation) for the generator `generator`:
/// the SG flow (also the SG map's, `G = (DMap − I)/η`), the EMA flow, or the
/// EMA map (see [`generator_of`]).
pub(super) fn build_block(
    inst: &Instance,
    p: &mut Prepared,
    generator: &Dynamics,
) -> Result<(QMat, QtElem)> {
    let qt = &p.qt;
    let (m, r) = (p.m, p.r);
    let j_set = &p.index_set;
    let full = r == m;
    let mo = inst.moments();
    let lambda = inst.lambda();
    let mxx = QMat::from_rational(qt, &mo.mxx);
    let myx = QMat::from_rational(qt, &mo.myx);
    let s = &p.s_hat;
    let d = &p.d;
    let lam_d = QMat::identity(qt, m).scale(qt, &qt.scale(d, lambda));
    let n_hat = s.mul(qt, &mxx).add(qt, &lam_d);
    let (e, adj_n) = det_adj(qt, &n_hat);
    if sign_at(&mut p.root, &e) == Ordering::Equal {
        return Err(Error::Computation(
            "det(S·Mxx + λI) vanishes at t₀, impossible for S ⪰ 0 and λ > 0".to_owned(),
        ));
    }
    let w_hat = myx.mul(qt, &adj_n).scale(qt, d);
    let (pi_hat, f) = if full {
        (QMat::identity(qt, m), qt.one())
    } else {
        scaled_projection(qt, s, j_set)
    };
    let de = qt.mul(d, &e);
    let d2e2 = qt.mul(&de, &de);
    let fde = qt.mul(&f, &de);
    let c = qt.mul(&fde, &fde);
    if sign_at(&mut p.root, &c) != Ordering::Greater {
        return Err(Error::Computation(
            "the scale c = (f·d·e)² is not positive at t₀".to_owned(),
        ));
    }
    let terms = BlockTerms {
        qt,
        j_set,
        c,
        lam_de: qt.scale(&de, lambda),
        lam_d2e: qt.scale(&qt.mul(&de, d), lambda),
        lam_d2e2: qt.scale(&d2e2, lambda),
        sm: s.mul(qt, &mxx),
        ws: w_hat.mul(qt, s),
        wts: w_hat.transpose().mul(qt, s),
        sw: s.mul(qt, &w_hat),
        pi_t: pi_hat.transpose(),
        pi_hat,
        w_hat,
        mxx,
        myx,
        e,
        de,
        f,
    };
    let out = terms.assemble(generator);
    Ok((out, terms.c))
}

/// `Π̂_J = [f·I on J | adj(Ŝ_JJ)·Ŝ_{J,Jᶜ} on Jᶜ]` (r×m) and
/// `f = det Ŝ_JJ`, for the index set `j_set` of size `r < m`: `Π̂_J/f`
/// is the projection onto the range coordinates.
fn scaled_projection(qt: &Qt, s: &QMat, j_set: &[usize]) -> (QMat, QtElem) {
    let (m, r) = (s.rows, j_set.len());
    let s_jj = s.select(j_set, j_set);
    let (f, adj_j) = det_adj(qt, &s_jj);
    let comp: Vec<usize> = (0..m).filter(|i| !j_set.contains(i)).collect();
    let s_jc = s.select(j_set, &comp);
    let tail = adj_j.mul(qt, &s_jc);
    let mut pi = QMat::zeros(qt, r, m);
    for (a, &ja) in j_set.iter().enumerate() {
        pi.set(a, ja, f.clone());
    }
    for (b, &cb) in comp.iter().enumerate() {
        for a in 0..r {
            pi.set(a, cb, tail.get(a, b).clone());
        }
    }
    (pi, f)
}

/// Which unit matrix basis direction `col` of the range block is, for the
/// index set `j_set` (size r): `(block, row, column)` with block 0 a unit
/// X′ on the rows J, 1 a unit Y′ on J×J, 2 a unit V′ on the rows J.
pub(super) fn direction_unit(m: usize, j_set: &[usize], col: usize) -> (usize, usize, usize) {
    let r = j_set.len();
    let (nx, ny) = (r * m, r * r);
    if col < nx {
        (0, j_set[col / m], col % m)
    } else if col < nx + ny {
        let k = col - nx;
        (1, j_set[k / r], j_set[k % r])
    } else {
        let k = col - nx - ny;
        (2, j_set[k / m], k % m)
    }
}

/// The basis direction `(X′, Y′, V′)` (m×m each) of column `col` of the
/// range block ([`direction_unit`]; `V′ = X′` without a teacher).
fn range_direction(
    qt: &Qt,
    m: usize,
    j_set: &[usize],
    teacher: bool,
    col: usize,
) -> (QMat, QMat, QMat) {
    let (block, row, c) = direction_unit(m, j_set, col);
    let mut mats = [
        QMat::zeros(qt, m, m),
        QMat::zeros(qt, m, m),
        QMat::zeros(qt, m, m),
    ];
    mats[block].set(row, c, qt.one());
    let [x, y, mut v] = mats;
    if !teacher {
        v = x.clone();
    }
    (x, y, v)
}

/// The column-independent factors of `M̂` (module documentation), with
/// `Ŝ`, `Ŵ`, `d`, `e`, `f` and `λ` folded in.
struct BlockTerms<'a> {
    qt: &'a Qt,
    /// The index set J.
    j_set: &'a [usize],
    /// The scale `c = (f·d·e)²`.
    c: QtElem,
    mxx: QMat,
    myx: QMat,
    w_hat: QMat,
    pi_hat: QMat,
    pi_t: QMat,
    /// `ŜMxx`, `ŴŜ`, `ŴᵀŜ`, `ŜŴ`.
    sm: QMat,
    ws: QMat,
    wts: QMat,
    sw: QMat,
    e: QtElem,
    de: QtElem,
    f: QtElem,
    lam_de: QtElem,
    lam_d2e: QtElem,
    lam_d2e2: QtElem,
}

impl BlockTerms<'_> {
    /// The X rows `f·Π̂L̂_X` (r×m) and Y rows `Π̂L̂_YΠ̂ᵀ` (r×r) of `M̂` in the
    /// direction `(X′, Y′, V′)`.
    fn student_rows(&self, xp: &QMat, yp: &QMat, vp: &QMat) -> (QMat, QMat) {
        let qt = self.qt;
        // ρ̂ = e Y′ŜMxx + ŴŜX′Mxx − de V′Myx.
        let rho = yp
            .mul(qt, &self.sm)
            .scale(qt, &self.e)
            .add(qt, &self.ws.mul(qt, xp).mul(qt, &self.mxx))
            .sub(qt, &vp.mul(qt, &self.myx).scale(qt, &self.de));
        // L̂_X = −(−λde Y′ᵀŜŴ + ŴᵀŜρ̂ + λd²e² X′).
        let lx = yp
            .transpose()
            .mul(qt, &self.sw)
            .scale(qt, &self.lam_de)
            .sub(qt, &self.wts.mul(qt, &rho))
            .sub(qt, &xp.scale(qt, &self.lam_d2e2));
        // L̂_Y = −(de ρ̂ − λd²e ŴX′ᵀ + λd²e² Y′).
        let ly = self
            .w_hat
            .mul(qt, &xp.transpose())
            .scale(qt, &self.lam_d2e)
            .sub(qt, &rho.scale(qt, &self.de))
            .sub(qt, &yp.scale(qt, &self.lam_d2e2));
        let gx = self.pi_hat.mul(qt, &lx).scale(qt, &self.f);
        let gy = self.pi_hat.mul(qt, &ly).mul(qt, &self.pi_t);
        (gx, gy)
    }

    /// The block `M̂` for `generator`, column by column over the basis
    /// directions of the range coordinates.
    fn assemble(&self, generator: &Dynamics) -> QMat {
        let qt = self.qt;
        let (m, r) = (self.mxx.rows, self.j_set.len());
        let j_set = self.j_set;
        let teacher = generator.has_teacher();
        let (nx, ny) = (r * m, r * r);
        let size = 2 * nx + ny - if teacher { 0 } else { nx };
        let mut out = QMat::zeros(qt, size, size);
        for col in 0..size {
            let (xp, yp, vp) = range_direction(qt, m, j_set, teacher, col);
            let (gx, gy) = self.student_rows(&xp, &yp, &vp);
            for i in 0..r {
                for j in 0..m {
                    out.set(i * m + j, col, gx.get(i, j).clone());
                }
                for j in 0..r {
                    out.set(nx + i * r + j, col, gy.get(i, j).clone());
                }
            }
            if teacher {
                let gv = self.teacher_rows(generator, &xp, &vp, &gx);
                for i in 0..r {
                    for j in 0..m {
                        out.set(nx + ny + i * m + j, col, gv.get(i, j).clone());
                    }
                }
            }
        }
        out
    }

    /// The V rows of `M̂` (r×m) for `generator` (EMA flow or map) in the
    /// direction `(X′, ·, V′)`, given its X rows `gx`.
    fn teacher_rows(&self, generator: &Dynamics, xp: &QMat, vp: &QMat, gx: &QMat) -> QMat {
        let qt = self.qt;
        let c = &self.c;
        // (X′ − V′)_J.
        let diff = xp
            .sub(qt, vp)
            .select(self.j_set, &(0..xp.cols).collect::<Vec<_>>());
        match generator {
            Dynamics::Ema { kappa } => diff.scale(qt, &qt.scale(c, kappa)),
            Dynamics::EmaMap { eta, alpha } => {
                let one_minus = BigRational::one() - alpha;
                diff.scale(qt, &qt.scale(c, &(&one_minus / eta)))
                    .add(qt, &gx.scale_rat(qt, &one_minus))
            }
            // No teacher: not reached.
            Dynamics::StopGradient | Dynamics::GradientDescent | Dynamics::SgMap { .. } => diff,
        }
    }
}

/// The generator whose range block is built for `dynamics`, and the step η
/// of a map: the SG map's generator is the SG flow (`DMap = I + ηG`); the EMA
/// map is its own generator (its `C⁺` row is not `I + η·(flow)`), the flows
/// their own.
pub(super) fn generator_of(dynamics: &Dynamics) -> Result<(Dynamics, Option<BigRational>)> {
    dynamics.validate()?;
    match dynamics {
        Dynamics::StopGradient | Dynamics::Ema { .. } => Ok((dynamics.clone(), None)),
        Dynamics::SgMap { eta } => Ok((Dynamics::StopGradient, Some(eta.clone()))),
        Dynamics::EmaMap { eta, .. } => Ok((dynamics.clone(), Some(eta.clone()))),
        Dynamics::GradientDescent => Err(Error::param(
            "dynamics",
            dynamics.describe(),
            "one of sg, ema, sg-map, ema-map: the GD flow is not supported by algebraic certificates (its equilibria are not described by the S-equation)",
        )),
    }
}

/// `Ŵ = d·Myx·adj(N̂)` and `e = det N̂`, `N̂ = ŜMxx + λdI` (as in
/// [`build_block`]).
pub(super) fn w_hat_e(inst: &Instance, p: &Prepared) -> (QMat, QtElem) {
    let qt = &p.qt;
    let mxx = QMat::from_rational(qt, &inst.moments().mxx);
    let myx = QMat::from_rational(qt, &inst.moments().myx);
    let lam_d = QMat::identity(qt, p.m).scale(qt, &qt.scale(&p.d, inst.lambda()));
    let n_hat = p.s_hat.mul(qt, &mxx).add(qt, &lam_d);
    let (e, adj_n) = det_adj(qt, &n_hat);
    (myx.mul(qt, &adj_n).scale(qt, &p.d), e)
}

pub(super) fn rows_of(a: &QMat) -> Vec<Vec<QtElem>> {
    (0..a.rows)
        .map(|i| (0..a.cols).map(|j| a.get(i, j).clone()).collect())
        .collect()
}

/// Work allowed for comparing the analysed block with `c·Π·L` at a point,
/// in word products of the ring `ℤ[u]/(χ̂)` ([`IntRing::work`]); past it
/// the comparison is given up and the part reported as not checked.
/// Measured on the built-ins: at most 4.2·10⁸ (`commuting`, χ of degree 8,
/// 0.26–0.39 s here), at most 6·10⁷ elsewhere; about 10⁹ per second on two
/// cores of a 2026 server. A count of work rather than a time, so that the
/// level a component gets is the same on every machine.
///
/// [`IntRing::work`]: super::multimodular::IntRing::work
pub(super) const POINT_CHECK_WORK: u64 = 3_000_000_000;

/// The checks behind the reduction (see [`reduction`]): the symbolic
/// identities for small shapes, the analysed block against the coordinate
/// map at this point, and the equilibrium identity `R̃R̃ᵀ = λ²I` behind the
/// closed forms. A failed check is an error, never a verdict. The
/// comparison at the point may spend `point_work` word products
/// ([`POINT_CHECK_WORK`] in the certificates).
pub(super) fn reduction_parts(
    inst: &Instance,
    p: &mut Prepared,
    generator: &Dynamics,
    block: &QMat,
    c: &QtElem,
    dynamics: &Dynamics,
    point_work: u64,
) -> Result<Vec<ReductionPart>> {
    let (m, r, n) = (p.m, p.r, inst.n());
    let (kind, kappa, eta, alpha) = generator_parameters(generator);
    // 1. The identities for all data of the shape.
    let mut parts = shape_parts(r, m, kind)?;
    // 2. The analysed block is c·Π_J·G on V, at this point.
    let (w_hat, e) = w_hat_e(inst, p);
    parts.push(point_part(
        inst,
        p,
        block,
        c,
        (&w_hat, &e),
        (kind, kappa, eta, alpha),
        point_work,
    )?);
    if matches!(dynamics, Dynamics::SgMap { .. }) {
        parts.push(ReductionPart {
            statement: "the SG map's range block is I + ηJ".to_owned(),
            established: Established::ProvedSymbolically,
            detail: "the map is θ − η·(P, Q)(θ), so its Jacobian is I + η times the flow's by definition".to_owned(),
        });
    }
    // 3. The closed forms (n > r).
    if n > r {
        parts.extend(off_range_parts(p, &w_hat, &e, kind)?);
    }
    Ok(parts)
}

/// The coordinate map's kind and `(κ, η, α)` for `generator` (unused ones
/// at 0 or 1): the SG flow is also the SG map's generator
/// ([`generator_of`]).
pub(super) fn generator_parameters(
    generator: &Dynamics,
) -> (GeneratorKind, BigRational, BigRational, BigRational) {
    match generator {
        Dynamics::Ema { kappa } => (GeneratorKind::EmaFlow, kappa.clone(), rat(1), rat(0)),
        Dynamics::EmaMap { eta, alpha } => {
            (GeneratorKind::EmaMap, rat(0), eta.clone(), alpha.clone())
        }
        Dynamics::StopGradient | Dynamics::GradientDescent | Dynamics::SgMap { .. } => {
            (GeneratorKind::Sg, rat(0), rat(1), rat(0))
        }
    }
}

/// Part 1 of [`reduction_parts`]: the range and projection identities for
/// all data of the shape `(r, m)`, proved symbolically up to
/// [`MAX_PROVED_M`] and resting on the derivation beyond.
pub(super) fn shape_parts(r: usize, m: usize, kind: GeneratorKind) -> Result<Vec<ReductionPart>> {
    let mut parts = Vec::new();
    let statement_range = format!(
        "Φ∘L = J∘Φ: the coordinate map L (module docs) and the Jacobian J of the reduced {} at (K, B̃ = KWKᵀ{}) with Myx = W(SMxx + λI)",
        match kind {
            GeneratorKind::Sg => "SG field",
            GeneratorKind::EmaFlow => "EMA field",
            GeneratorKind::EmaMap => "EMA map (η·G = DMap − I)",
        },
        if kind == GeneratorKind::Sg {
            ""
        } else {
            ", C = K"
        }
    );
    let statement_proj =
        "Φ∘Π = Φ: K_{:,J}·Π̂_J = det(S_JJ)·K, so Π∘L restricted to V is similar to J".to_owned();
    if m <= MAX_PROVED_M {
        let proof = prove_reduction(r, m, kind)?;
        if !proof.range_identity || !proof.projection_identity {
            return Err(Error::Computation(format!(
                "the reduction identity does not hold symbolically for r = {r}, m = {m} ({kind:?}): {proof:?}"
            )));
        }
        parts.push(ReductionPart {
            statement: statement_range,
            established: Established::ProvedSymbolically,
            detail: format!(
                "expanded in exact sparse polynomials for all K ({r}×{m}), W, symmetric Mxx, λ{}, on all {} basis directions; J from the generic field formulas by exact dual-number differentiation",
                match kind {
                    GeneratorKind::Sg => "",
                    GeneratorKind::EmaFlow => ", κ",
                    GeneratorKind::EmaMap => ", η, α",
                },
                proof.directions
            ),
        });
        parts.push(ReductionPart {
            statement: statement_proj,
            established: Established::ProvedSymbolically,
            detail: if r < m {
                format!(
                    "polynomial identity for all K ({r}×{m}) and all {} index sets J",
                    proof.index_sets
                )
            } else {
                "r = m: Φ is invertible, Π = I".to_owned()
            },
        });
    } else {
        let why = format!(
            "not proved for m = {m}: the symbolic identity is expanded only for m ≤ {MAX_PROVED_M} (the derivation is the same matrix algebra for every shape, tested numerically)"
        );
        parts.push(ReductionPart {
            statement: statement_range,
            established: Established::Derivation,
            detail: why.clone(),
        });
        parts.push(ReductionPart {
            statement: statement_proj,
            established: Established::Derivation,
            detail: why,
        });
    }
    Ok(parts)
}

/// Part 2 of [`reduction_parts`]: the analysed block `M̂` against `c·Π_J·L`
/// at this point, exactly at `t₀` (skipped above [`MAX_PROVED_M`] or past
/// `work_limit` word products).
fn point_part(
    inst: &Instance,
    p: &mut Prepared,
    block: &QMat,
    c: &QtElem,
    (w_hat, e): (&QMat, &QtElem),
    (kind, kappa, eta, alpha): (GeneratorKind, BigRational, BigRational, BigRational),
    work_limit: u64,
) -> Result<ReductionPart> {
    let (m, r) = (p.m, p.r);
    let mo = inst.moments();
    let data = reduction::PointData {
        qt: &p.qt,
        m,
        r,
        s_hat: rows_of(&p.s_hat),
        d: p.d.clone(),
        w_hat: rows_of(w_hat),
        e: e.clone(),
        index_set: &p.index_set,
        mxx: &mo.mxx,
        myx: &mo.myx,
        lambda: inst.lambda(),
        kind,
        kappa,
        eta,
        alpha,
    };
    let root = &mut p.root;
    // For m above MAX_PROVED_M the identity itself rests on the derivation,
    // so comparing the block with L at the point would not raise the level
    // (and it is the costliest check there): skipped.
    let compared = if m > MAX_PROVED_M {
        Ok(None)
    } else {
        reduction::block_matches_map(
            &data,
            block.rows,
            &|i, j| block.get(i, j).clone(),
            c,
            &mut |x| sign_at(root, x) == Ordering::Equal,
            work_limit,
        )
    }
    .map_err(|why| match why {
        reduction::PointMismatch::Entry(i, j) => Error::Computation(format!(
            "the range block built with cleared denominators differs from c·Π·L at entry ({i}, {j}) at t₀"
        )),
        reduction::PointMismatch::Vanishes(what) => Error::Computation(format!(
            "{what} vanishes at t₀, so the range block cannot be compared with c·Π·L there"
        )),
    })?;
    let statement = "the analysed matrix M̂ equals c·Π_J·L on V (the block whose spectrum is certified is the one the identity is about), and Φ is bijective on V (det S_JJ ≠ 0)".to_owned();
    Ok(match compared {
        Some(compared) => ReductionPart {
            statement,
            established: Established::CheckedAtPoint,
            detail: format!(
                "{compared} entries compared exactly at t₀ with L computed by the same coordinate map, without division (polynomials in 1/d, 1/e over ℤ[u]/(χ̂), multiplied through by det Ŝ_JJ and powers of d, e, all non-zero at t₀); det S_JJ ≠ 0 for J = {:?}",
                p.index_set
            ),
        },
        None => ReductionPart {
            statement,
            established: Established::Derivation,
            detail: format!(
                "not checked at this point: the exact comparison exceeded its work limit of {:.0e} word products; the block rests on its construction, which follows the derivation",
                work_limit as f64
            ),
        },
    })
}

/// Part 3 of [`reduction_parts`] (n > r): the equilibrium identity
/// `R̃R̃ᵀ = λ²I` at `t₀` and the block-triangular form outside the range
/// block.
fn off_range_parts(
    p: &mut Prepared,
    w_hat: &QMat,
    e: &QtElem,
    kind: GeneratorKind,
) -> Result<Vec<ReductionPart>> {
    Ok(vec![
        residual_identity_part(p, w_hat, e)?,
        off_range_block_part(p.m, p.r, kind)?,
    ])
}

/// The equilibrium identity `R̃R̃ᵀ = λ²I` checked exactly at `t₀` (n > r).
fn residual_identity_part(p: &mut Prepared, w_hat: &QMat, e: &QtElem) -> Result<ReductionPart> {
    let qt = &p.qt;
    // R̃R̃ᵀ = λ²I ⇔ K W Wᵀ Kᵀ = I ⇔ S W Wᵀ S = S (K of full row rank)
    // ⇔ Ŝ Ŵ Ŵᵀ Ŝ = d e² Ŝ.
    let lhs = p
        .s_hat
        .mul(qt, w_hat)
        .mul(qt, &w_hat.transpose())
        .mul(qt, &p.s_hat);
    let de2 = qt.mul(&p.d, &qt.mul(e, e));
    let rhs = p.s_hat.scale(qt, &de2);
    let diff = lhs.sub(qt, &rhs);
    for x in &diff.data {
        if sign_at(&mut p.root, x) != Ordering::Equal {
            return Err(Error::Computation(
                "R̃R̃ᵀ ≠ λ²I at t₀ although S solves the S-equation".to_owned(),
            ));
        }
    }
    Ok(ReductionPart {
        statement: "R̃R̃ᵀ = λ²I (R̃ = −λKW), so each row of (X₂, Z) has the eigenvalues 0, −2λ (r each) and −λ (m − r)".to_owned(),
        established: Established::CheckedAtPoint,
        detail: "checked as S·W·Wᵀ·S = S, i.e. Ŝ·Ŵ·Ŵᵀ·Ŝ = d·e²·Ŝ entrywise at t₀; the eigenvalues of −[[λI, R̃ᵀ], [R̃, λI]] then follow from det(y I + …) = (y + λ)^{m−r}·det((y + λ)²I − R̃R̃ᵀ)".to_owned(),
    })
}

/// The block-triangular form outside the range block (n > r), proved for
/// the shape `(r, m)` up to [`MAX_OFF_RANGE_M`].
pub(super) fn off_range_block_part(
    m: usize,
    r: usize,
    kind: GeneratorKind,
) -> Result<ReductionPart> {
    let statement = "outside the range block the Jacobian is block triangular (range ⊕ (X₂, Z) → V₂ → Y₂₁, Y₂₂) with the block maps of crate::numeric::structured: per extra row [X₂ Z] ↦ −[X₂ Z]·[[λI, R̃ᵀ], [R̃, λI]], V₂ ↦ κ(X₂ − V₂) (EMA map: α·V₂ + terms in X₂, Z), Y₂₁ ↦ −Y₂₁(K·Mxx·Kᵀ + λI) + V₂·Myx·Kᵀ (V₂ = X₂ for SG), Y₂₂ ↦ −λY₂₂; so V₂: −κ, Y₂₁: −(μⱼ + λ), Y₂₂: −λ".to_owned();
    let mu = "The μⱼ (non-zero eigenvalues of S·Mxx, equal to those of K·Mxx·Kᵀ) are located exactly from det(x I − S·Mxx), whose zero root has multiplicity exactly m − r (checked)";
    if m <= MAX_OFF_RANGE_M {
        let proof = reduction::prove_off_range(r, m, kind)?;
        if !proof.holds() {
            return Err(Error::Computation(format!(
                "the off-range block identities do not hold symbolically for r = {r}, m = {m} ({kind:?}): {proof:?}"
            )));
        }
        Ok(ReductionPart {
            statement,
            established: Established::ProvedSymbolically,
            detail: format!(
                "expanded in exact sparse polynomials for all K ({r}×{m}), B̃ ({r}×{r}), symmetric Mxx, Myx, λ{} at A = [K; 0], B = [[B̃, 0], [0, 0]], C = A with n = r + 1 and n = r + 2: on all {} basis directions the exact directional derivative of the generic field formulas is the reduced Jacobian on (X₁, Y₁₁, V₁) ⊕ the block maps on (X₂, Z, Y₂₁, Y₂₂, V₂), nothing else (no equilibrium relation used). Any n: by O(n) equivariance range(A) is spanned by the first r coordinates, the states supported on the first r and a set T of extra indices form an invariant subspace on which the Jacobian is that of the model with n = r + |T|, and every off-range basis direction lies in one with |T| ≤ 2. Also expanded: R̃ = −λKW (B̃ = KWKᵀ, Myx = W(SMxx + λI)), det(xI − S·Mxx) = x^(m−r)·det(xI − K·Mxx·Kᵀ) and det(uI + [[0, R̃ᵀ], [R̃, 0]]) = u^(m−r)·det(u²I − R̃R̃ᵀ). {mu}",
                match kind {
                    GeneratorKind::Sg => "",
                    GeneratorKind::EmaFlow => ", κ",
                    GeneratorKind::EmaMap => ", η, α",
                },
                proof.directions
            ),
        })
    } else {
        Ok(ReductionPart {
            statement,
            established: Established::Derivation,
            detail: format!(
                "not proved for m = {m}: the off-range identities are expanded only for m ≤ {MAX_OFF_RANGE_M}; the block formulas are derived by hand and tested numerically against dense Jacobians. {mu}"
            ),
        })
    }
}

/// The transformed range block `M̂ = c·G` of `dynamics` at the algebraic
/// equilibrium `point` (after the exact checks of [`certify_algebraic`]),
/// e.g. to compare its spectrum with a numerical one.
pub fn range_block(
    inst: &Instance,
    point: &AlgebraicPoint,
    dynamics: &Dynamics,
) -> Result<RangeBlock> {
    let (generator, map_eta) = generator_of(dynamics)?;
    let mut p = prepare(inst, point)?;
    let (mat, scale) = build_block(inst, &mut p, &generator)?;
    Ok(RangeBlock {
        size: mat.rows,
        entries: mat.data,
        scale,
        index_set: p.index_set,
        map_eta,
    })
}

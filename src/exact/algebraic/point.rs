//! The algebraic point `S = H(t₀)/χ′(t₀)` and its checks.

use super::*;

/// A real symmetric matrix `S = H(t₀)/χ′(t₀)` with algebraic entries, with
/// its declared rank (see the module documentation).
///
/// Invariants (checked by [`AlgebraicPoint::new`]): `χ` is squarefree of
/// degree ≥ 1, `t₀` is a root of `χ` (so `χ′(t₀) ≠ 0`), `H` is square,
/// symmetric, with entries of degree `< deg χ`, and `1 ≤ rank ≤ m`. Whether
/// `S` is an equilibrium, PSD and of that rank is checked by
/// [`certify_algebraic`], which refuses it otherwise.
#[derive(Clone, Debug)]
pub struct AlgebraicPoint {
    pub(super) chi: UPoly,
    pub(super) h: Vec<Vec<UPoly>>,
    pub(super) root: RealRoot,
    pub(super) rank: usize,
}

impl AlgebraicPoint {
    /// Validates and builds the point `S = H(t₀)/χ′(t₀)` of declared rank
    /// `rank`, `t₀` the real root of `χ` isolated by `root`.
    ///
    /// Errors: `χ` constant or not squarefree, `t₀` not a root of `χ`, `H`
    /// empty, not square, not symmetric, or with an entry of degree
    /// `≥ deg χ`, `rank` outside `1..=m`.
    pub fn new(chi: UPoly, h: Vec<Vec<UPoly>>, root: RealRoot, rank: usize) -> Result<Self> {
        let deg = match chi.degree() {
            Some(d) if d >= 1 => d,
            _ => {
                return Err(Error::param(
                    "chi",
                    &chi,
                    "a polynomial χ of degree ≥ 1 (the defining polynomial of t₀)",
                ));
            }
        };
        let dchi = chi.derivative();
        if chi.gcd(&dchi).degree() != Some(0) {
            return Err(Error::param(
                "chi",
                &chi,
                "a squarefree polynomial χ (gcd(χ, χ′) = 1)",
            ));
        }
        if root.sign_of(&chi) != Ordering::Equal {
            return Err(Error::param(
                "root",
                format!(
                    "the root of {} in ({}, {}]",
                    root.poly(),
                    root.lo(),
                    root.hi()
                ),
                &format!("a real root t₀ of χ = {chi}"),
            ));
        }
        if root.sign_of(&dchi) == Ordering::Equal {
            return Err(Error::param(
                "chi",
                &chi,
                "a polynomial with χ′(t₀) ≠ 0 (a simple root t₀)",
            ));
        }
        let m = h.len();
        if m == 0 {
            return Err(Error::Shape {
                what: "H".to_owned(),
                got: "0×0".to_owned(),
                expected: "m×m with m ≥ 1".to_owned(),
            });
        }
        if let Some((i, row)) = h.iter().enumerate().find(|(_, row)| row.len() != m) {
            return Err(Error::Shape {
                what: format!("row {i} of H"),
                got: format!("{} entries", row.len()),
                expected: format!("{m} entries (H must be square, m×m)"),
            });
        }
        for (i, row) in h.iter().enumerate() {
            for (j, hij) in row.iter().enumerate() {
                if hij.degree().is_some_and(|dg| dg >= deg) {
                    return Err(Error::param(
                        &format!("H[{i}][{j}]"),
                        hij,
                        &format!("a polynomial of degree < deg χ = {deg}"),
                    ));
                }
                if j > i && *hij != h[j][i] {
                    return Err(Error::param(
                        &format!("H[{i}][{j}]"),
                        hij,
                        &format!("H symmetric: equal to H[{j}][{i}] = {}", h[j][i]),
                    ));
                }
            }
        }
        if rank == 0 || rank > m {
            return Err(Error::param(
                "rank",
                rank,
                &format!("a rank 1 ≤ r ≤ m = {m} (S ≠ 0)"),
            ));
        }
        Ok(Self { chi, h, root, rank })
    }

    /// The point in the form of a rational univariate representation
    /// (`variety::zerodim::Rur`): `s_ij = numerators[k](t₀)/χ′(t₀)` for the
    /// upper-triangular entries `i ≤ j` in row-major order (`k` runs over
    /// `(0,0), (0,1), …, (0,m−1), (1,1), …, (m−1,m−1)`), so
    /// `numerators.len() = m(m+1)/2`. Numerators are reduced modulo `χ`
    /// (which does not change their values at `t₀`), then validated as in
    /// [`AlgebraicPoint::new`].
    ///
    /// Errors: a length that is not a triangular number `m(m+1)/2`, `χ`
    /// constant, and the errors of [`AlgebraicPoint::new`].
    pub fn from_rur_numerators(
        chi: UPoly,
        numerators: Vec<UPoly>,
        root: RealRoot,
        rank: usize,
    ) -> Result<Self> {
        let len = numerators.len();
        let m = (0..=len).find(|&m| m * (m + 1) / 2 >= len).unwrap_or(0);
        if m == 0 || m * (m + 1) / 2 != len {
            return Err(Error::Shape {
                what: "RUR numerators".to_owned(),
                got: format!("{len} polynomials"),
                expected: "m(m+1)/2 polynomials (the entries s_ij, i ≤ j, row-major), m ≥ 1"
                    .to_owned(),
            });
        }
        if chi.degree().is_none_or(|d| d == 0) {
            return Err(Error::param(
                "chi",
                &chi,
                "a polynomial χ of degree ≥ 1 (the defining polynomial of t₀)",
            ));
        }
        let mut upper = Vec::with_capacity(len);
        for p in &numerators {
            let (_, rem) = p
                .div_rem(&chi)
                .ok_or_else(|| Error::param("chi", &chi, "a non-zero polynomial χ"))?;
            upper.push(rem);
        }
        // Row i starts at index i·m − i(i−1)/2 of the row-major upper triangle.
        let index = |i: usize, j: usize| {
            let (a, b) = if i <= j { (i, j) } else { (j, i) };
            a * m - a * a.saturating_sub(1) / 2 + (b - a)
        };
        let h: Vec<Vec<UPoly>> = (0..m)
            .map(|i| (0..m).map(|j| upper[index(i, j)].clone()).collect())
            .collect();
        Self::new(chi, h, root, rank)
    }

    /// The same point over `φ`, a factor of χ that vanishes at `t₀` (e.g.
    /// its irreducible factor there): `S = H(t₀)/χ′(t₀) = H₁(t₀)/φ′(t₀)`
    /// with `H₁ = H·φ′·(χ′)⁻¹ mod φ`. `χ′` is invertible modulo φ because
    /// χ is squarefree, so every root of φ is a simple root of χ. The
    /// certificates' cost grows with deg χ: a point whose χ splits is
    /// cheaper over its own factor.
    ///
    /// Errors: φ constant, not dividing χ or not vanishing at `t₀`, and
    /// those of [`AlgebraicPoint::new`].
    pub fn on_factor(&self, phi: &UPoly) -> Result<Self> {
        let not_a_factor =
            || Error::param("phi", phi, "a non-constant factor of χ vanishing at t₀");
        let (_, rem) = self.chi.div_rem(phi).ok_or_else(not_a_factor)?;
        if !rem.is_zero() {
            return Err(not_a_factor());
        }
        let root = self.root.of_factor(phi).ok_or_else(not_a_factor)?;
        let inv = self
            .chi
            .derivative()
            .inverse_mod(phi)
            .ok_or_else(not_a_factor)?;
        let factor = phi.derivative().mul(&inv);
        let h = self
            .h
            .iter()
            .map(|row| {
                row.iter()
                    .map(|e| e.mul(&factor).div_rem(phi).map(|(_, r)| r))
                    .collect::<Option<Vec<UPoly>>>()
            })
            .collect::<Option<Vec<Vec<UPoly>>>>()
            .ok_or_else(not_a_factor)?;
        Self::new(phi.clone(), h, root, self.rank)
    }

    /// A rational symmetric `S` as an algebraic point: `χ = t`, `t₀ = 0`,
    /// `H = S` (`χ′ = 1`).
    pub fn from_rational(s: &RationalMatrix, rank: usize) -> Result<Self> {
        if s.nrows() != s.ncols() {
            return Err(Error::Shape {
                what: "S".to_owned(),
                got: format!("{}×{}", s.nrows(), s.ncols()),
                expected: "a square matrix".to_owned(),
            });
        }
        let h = (0..s.nrows())
            .map(|i| {
                (0..s.ncols())
                    .map(|j| UPoly::constant(s.get(i, j).clone()))
                    .collect()
            })
            .collect();
        Self::new(
            UPoly::x(),
            h,
            RealRoot::from_rational(BigRational::zero()),
            rank,
        )
    }

    /// `χ`.
    pub fn chi(&self) -> &UPoly {
        &self.chi
    }

    /// The numerators `H` (`S = H(t₀)/χ′(t₀)`).
    pub fn h(&self) -> &[Vec<UPoly>] {
        &self.h
    }

    /// The root `t₀`.
    pub fn root(&self) -> &RealRoot {
        &self.root
    }

    /// The declared rank r.
    pub fn rank(&self) -> usize {
        self.rank
    }

    /// The data dimension m (size of `S`).
    pub fn m(&self) -> usize {
        self.h.len()
    }

    /// `S` in floating point: each entry `H_ij(t₀)/χ′(t₀)` exactly 0 when it
    /// vanishes at `t₀`, otherwise evaluated in exact rationals at a point of
    /// an isolating interval refined to relative width `2⁻¹²⁰` (accurate
    /// unless the entry is extremely close to 0).
    pub fn s_f64(&self) -> DMatrix<f64> {
        let m = self.m();
        let d = self.chi.derivative();
        let mut root = self.root.clone();
        DMatrix::from_fn(m, m, |i, j| value_f64(&mut root, &self.h[i][j], &d))
    }
}

/// `p(t₀)/q(t₀)` in floating point (`q(t₀) ≠ 0`), see
/// [`AlgebraicPoint::s_f64`].
pub(super) fn value_f64(root: &mut RealRoot, p: &UPoly, q: &UPoly) -> f64 {
    if root.sign_of_refining(p) == Ordering::Equal {
        return 0.0;
    }
    // Compared without recursion (the ends may agree to many bits).
    let scale = [root.lo().abs(), root.hi().abs(), BigRational::one()]
        .into_iter()
        .max_by(crate::model::cmp_rational)
        .unwrap_or_else(BigRational::one);
    let width = scale * BigRational::new(BigInt::one(), BigInt::one() << 120usize);
    root.refine(&width);
    let x = root.hi().clone();
    let den = q.eval(&x);
    if den.is_zero() {
        return f64::NAN;
    }
    to_f64(&(p.eval(&x) / den))
}

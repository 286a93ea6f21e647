//! Per-instance numerical analysis shared by the claims: trajectories of SG,
//! EMA and GD from seeded random starts, the equilibrium catalogue stratum by
//! stratum, and spectra at each equilibrium.

use nalgebra::DMatrix;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::model::{Instance, Procedure, StabilityVerdict, orbit_dimension};
use crate::numeric::equilibria::{
    NumericEquilibrium, SearchOptions, generalized_s_equation, numerical_rank, polish,
    predictor_of, search_stratum, solve_s_equation,
};
use crate::numeric::spectra::{
    SpectralTolerances, SpectrumSummary, classify_continuous, classify_discrete, max_stable_step,
};
use crate::numeric::{DiscreteMap, Model, OdeOptions, State, integrate, random};

/// Settings of `verify`. Every random choice derives from `seed`.
#[derive(Clone, Debug, Serialize)]
pub struct VerifyConfig {
    /// Master seed.
    pub seed: u64,
    /// Random starts per procedure (SG, EMA, GD) and instance.
    pub starts: usize,
    /// Initial scales cycled over the starts (A entries ~ N(0, scale²/m)).
    pub init_scales: Vec<f64>,
    /// EMA rate κ of the continuous EMA trajectories.
    pub kappa: f64,
    /// κ values at which the continuous EMA Jacobian is classified.
    pub kappa_grid: Vec<f64>,
    /// Step size of the discrete maps classified.
    pub eta: f64,
    /// EMA coefficient α of the discrete EMA map classified.
    pub alpha: f64,
    /// ODE options of the trajectories.
    pub ode: OdeOptions,
    /// Equilibrium search options.
    pub search: SearchOptions,
    /// Spectral tolerances.
    pub spectral: SpectralTolerances,
    /// Random points for pointwise identities.
    pub sample_points: usize,
    /// The identities are proved with symbolic data for every shape with
    /// n, m ≤ this (0: only on the instances' own data).
    pub proof_dimension: usize,
    /// Work allowed for proving each stratum's solution count over Q in the
    /// exact characterizations, in units of 10⁹ word products
    /// ([`CharacterizeConfig::replay_work`](crate::analysis::characterize::CharacterizeConfig::replay_work);
    /// `None`: its default).
    pub count_proof_budget: Option<f64>,
    /// Settings of the synthetic experiment behind SYNTHETIC-TABLE (its seed
    /// is replaced by `seed`).
    pub synthetic: crate::experiments::synthetic::SyntheticConfig,
}

impl Default for VerifyConfig {
    fn default() -> Self {
        Self {
            seed: 2026,
            starts: 16,
            init_scales: vec![0.1, 0.5, 1.0, 2.0],
            kappa: 1.0,
            kappa_grid: vec![0.1, 1.0, 10.0],
            eta: 0.05,
            alpha: 0.9,
            ode: OdeOptions::default(),
            search: SearchOptions::default(),
            spectral: SpectralTolerances::default(),
            sample_points: 6,
            proof_dimension: crate::polynomial::proofs::DEFAULT_PROOF_DIMENSION,
            count_proof_budget: None,
            synthetic: crate::experiments::synthetic::SyntheticConfig::default(),
        }
    }
}

/// Where one trajectory ended.
#[derive(Clone, Debug, Serialize)]
pub struct Endpoint {
    /// Procedure run.
    pub procedure: Procedure,
    /// Initial scale used.
    pub init_scale: f64,
    /// Whether the field norm fell below the tolerance before `t_max`.
    pub converged: bool,
    /// Time reached.
    pub t: f64,
    /// Rank of `A` at the end.
    pub rank: usize,
    /// Singular values of `A` at the end.
    pub singular_values: Vec<f64>,
    /// `S = AᵀA` after polishing (m×m), when converged.
    #[serde(skip)]
    pub s: Option<DMatrix<f64>>,
    /// The polished end state (SG coordinates), when converged.
    #[serde(skip)]
    pub state: Option<State>,
    /// Field norm after polishing.
    pub field_norm: f64,
    /// `‖∇Ē‖` at the end.
    pub grad_ebar: f64,
    /// `‖B‖` at the end.
    pub b_norm: f64,
    /// Index into the catalogue of the matching equilibrium, if any.
    pub component: Option<usize>,
}

/// Spectral verdicts of one equilibrium component.
#[derive(Clone, Debug, Serialize)]
pub struct ComponentStability {
    /// Continuous SG.
    pub sg: SpectrumSummary,
    /// Continuous EMA at each κ of the grid.
    pub ema: Vec<(f64, SpectrumSummary)>,
    /// Discrete SG at η.
    pub sg_discrete: SpectrumSummary,
    /// Discrete EMA at (η, α).
    pub ema_discrete: SpectrumSummary,
    /// Largest η for which discrete SG is stable (from the continuous spectrum).
    pub sg_eta_max: f64,
    /// Number of zero singular values of the SG Jacobian (kernel dimension).
    pub kernel_dimension: usize,
}

impl ComponentStability {
    /// One verdict if SG and every EMA variant agree, else `None`.
    pub fn common_verdict(&self) -> Option<StabilityVerdict> {
        let v = self.sg.verdict;
        let all = std::iter::once(&self.sg)
            .chain(self.ema.iter().map(|(_, s)| s))
            .all(|s| s.verdict == v);
        all.then_some(v)
    }
}

/// An equilibrium component with its numbers.
#[derive(Clone, Debug, Serialize)]
pub struct Component {
    /// The equilibrium (rank, S, a representative, orbit dimension).
    pub equilibrium: NumericEquilibrium,
    /// `‖∇Ē‖` at the representative.
    pub grad_ebar: f64,
    /// Relative residual of the generalized S-equation `S·G(S)`.
    pub s_residual: f64,
    /// Relative distance of `B` to `B(A) = A Myx Aᵀ(A Mxx Aᵀ + λI)⁻¹`.
    pub b_residual: f64,
    /// EMA field norm at `(A, B, C = A)`.
    pub ema_field_norm: f64,
    /// Spectral verdicts.
    pub stability: ComponentStability,
    /// How many SG and EMA trajectories ended on it.
    pub hits: usize,
    /// Whether the stratum search found it (`false`: only a trajectory did).
    pub found_by_search: bool,
}

/// Everything computed for one instance.
#[derive(Clone, Debug)]
pub struct InstanceAnalysis {
    /// The instance.
    pub instance: Instance,
    /// Its floating-point model.
    pub model: Model,
    /// Trajectory endpoints (SG, EMA, GD).
    pub endpoints: Vec<Endpoint>,
    /// Equilibrium components found, rank 0 (the origin) first.
    pub components: Vec<Component>,
    /// Positive definite solutions of the S-equation (Newton, independent of the fields).
    pub s_solutions: Vec<DMatrix<f64>>,
}

/// Relative size of `x` against `scale` (0 when both vanish).
pub fn rel(x: f64, scale: f64) -> f64 {
    if x == 0.0 {
        0.0
    } else {
        x / scale.max(f64::MIN_POSITIVE)
    }
}

fn norm2(a: &DMatrix<f64>, b: &DMatrix<f64>) -> f64 {
    (a.norm_squared() + b.norm_squared()).sqrt()
}

/// `‖S G(S)‖` relative to the sizes of its two terms.
pub fn s_residual(model: &Model, s: &DMatrix<f64>) -> f64 {
    let m = model.m;
    let id = DMatrix::identity(m, m) * model.lambda;
    let lhs = s * (&model.mxx * s + &id) * (s * &model.mxx + &id);
    let rhs = s * &model.mxy * s * &model.myx;
    rel(
        generalized_s_equation(model, s).norm(),
        lhs.norm() + rhs.norm() + 1e-300,
    )
}

/// Relative distance of `b` to the predictor formula at `a`.
pub fn b_residual(model: &Model, a: &DMatrix<f64>, b: &DMatrix<f64>) -> f64 {
    match predictor_of(model, a) {
        Some(bf) => rel((b - &bf).norm(), b.norm().max(bf.norm()).max(1e-300)),
        None => f64::INFINITY,
    }
}

/// Classifies a component at its representative (SG coordinates).
pub fn stability_at(
    model: &Model,
    eq: &NumericEquilibrium,
    cfg: &VerifyConfig,
) -> ComponentStability {
    let sg_state = State::new(Procedure::StopGradient, eq.a.clone(), eq.b.clone());
    let ema_state = State::new(Procedure::Ema, eq.a.clone(), eq.b.clone());
    let d = eq.orbit_dimension;
    let tol = &cfg.spectral;
    let j = model.jacobian(Procedure::StopGradient, 0.0, &sg_state);
    let zero = tol.zero * j.amax().max(1.0);
    let kernel_dimension = j
        .clone_owned()
        .singular_values()
        .iter()
        .filter(|&&s| s <= zero)
        .count();
    let sg = classify_continuous(&j, d, tol);
    let sg_eta_max = max_stable_step(&j, tol);
    let ema = cfg
        .kappa_grid
        .iter()
        .map(|&k| {
            (
                k,
                classify_continuous(&model.jacobian(Procedure::Ema, k, &ema_state), d, tol),
            )
        })
        .collect();
    let sg_map = DiscreteMap {
        procedure: Procedure::StopGradient,
        eta: cfg.eta,
        alpha: 0.0,
    };
    let ema_map = DiscreteMap {
        procedure: Procedure::Ema,
        eta: cfg.eta,
        alpha: cfg.alpha,
    };
    ComponentStability {
        sg,
        ema,
        sg_discrete: classify_discrete(&model.discrete_jacobian(&sg_map, &sg_state), d, tol),
        ema_discrete: classify_discrete(&model.discrete_jacobian(&ema_map, &ema_state), d, tol),
        sg_eta_max,
        kernel_dimension,
    }
}

fn component(model: &Model, eq: NumericEquilibrium, cfg: &VerifyConfig) -> Component {
    let (ga, gb) = model.grad_ebar(&eq.a, &eq.b);
    let ema = model.velocity(
        Procedure::Ema,
        1.0,
        &State::new(Procedure::Ema, eq.a.clone(), eq.b.clone()),
    );
    let stability = stability_at(model, &eq, cfg);
    Component {
        grad_ebar: norm2(&ga, &gb),
        s_residual: if eq.rank == 0 {
            0.0
        } else {
            s_residual(model, &eq.s)
        },
        b_residual: if eq.rank == 0 {
            0.0
        } else {
            b_residual(model, &eq.a, &eq.b)
        },
        ema_field_norm: (ema.a.norm_squared()
            + ema.b.norm_squared()
            + ema.c.map_or(0.0, |c| c.norm_squared()))
        .sqrt(),
        stability,
        hits: 0,
        found_by_search: true,
        equilibrium: eq,
    }
}

/// Runs all trajectories and the equilibrium search for one instance.
pub fn analyze(instance: &Instance, cfg: &VerifyConfig) -> InstanceAnalysis {
    let model = Model::from_instance(instance);
    let (n, m) = (model.n, model.m);
    let mut search = cfg.search;
    search.seed = cfg.seed;
    // Catalogue: the origin, then each stratum r = 1..min(n, m).
    let origin = NumericEquilibrium {
        rank: 0,
        s: DMatrix::zeros(m, m),
        a: DMatrix::zeros(n, m),
        b: DMatrix::zeros(n, n),
        field_norm: 0.0,
        orbit_dimension: 0,
    };
    let mut components = vec![component(&model, origin, cfg)];
    for r in 1..=n.min(m) {
        for eq in search_stratum(&model, r, &search) {
            components.push(component(&model, eq, cfg));
        }
    }
    let s_solutions = if model.lambda > 0.0 {
        solve_s_equation(&model, &search)
    } else {
        Vec::new()
    };

    // Starts are drawn sequentially (deterministic), integrated in parallel
    // (pure numeric work, no Symbolica), then matched to components in order.
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed.wrapping_mul(31).wrapping_add(7));
    let mut starts = Vec::new();
    for procedure in [
        Procedure::StopGradient,
        Procedure::Ema,
        Procedure::GradientDescent,
    ] {
        for k in 0..cfg.starts {
            let scale = cfg.init_scales[k % cfg.init_scales.len()];
            starts.push((
                procedure,
                scale,
                random::random_state(n, m, procedure, scale, &mut rng),
            ));
        }
    }
    let outcomes: Vec<_> = {
        use rayon::prelude::*;
        starts
            .par_iter()
            .map(|(p, _, start)| integrate(&model, *p, cfg.kappa, start, &cfg.ode, |_, _| {}))
            .collect()
    };
    let mut catalogue = Catalogue {
        model: &model,
        cfg,
        components: &mut components,
    };
    let mut endpoints = Vec::new();
    for ((procedure, scale, _), out) in starts.into_iter().zip(outcomes) {
        endpoints.push(catalogue.run_one(procedure, scale, out));
    }
    InstanceAnalysis {
        instance: instance.clone(),
        model,
        endpoints,
        components,
        s_solutions,
    }
}

/// The component catalogue of one instance as the runs are matched to it:
/// a converged endpoint counts as a hit of the component with its S, or
/// adds the equilibrium the stratum search missed.
struct Catalogue<'a> {
    model: &'a Model,
    cfg: &'a VerifyConfig,
    components: &'a mut Vec<Component>,
}

impl Catalogue<'_> {
    /// The endpoint of one run from a start of `procedure` at `scale`,
    /// polished and matched to the catalogue when it converged.
    fn run_one(
        &mut self,
        procedure: Procedure,
        scale: f64,
        out: crate::Result<crate::numeric::Outcome>,
    ) -> Endpoint {
        let model = self.model;
        let Ok(out) = out else {
            return Endpoint {
                procedure,
                init_scale: scale,
                converged: false,
                t: f64::NAN,
                rank: 0,
                singular_values: vec![],
                s: None,
                state: None,
                field_norm: f64::INFINITY,
                grad_ebar: f64::NAN,
                b_norm: f64::NAN,
                component: None,
            };
        };
        let end = &out.state;
        let mut ep = Endpoint {
            procedure,
            init_scale: scale,
            converged: out.converged,
            t: out.t,
            rank: numerical_rank(&end.a),
            singular_values: crate::numeric::singular_values(&end.a),
            s: None,
            state: None,
            field_norm: out.field_norm,
            grad_ebar: {
                let (ga, gb) = model.grad_ebar(&end.a, &end.b);
                norm2(&ga, &gb)
            },
            b_norm: end.b.norm(),
            component: None,
        };
        if out.converged && procedure == Procedure::GradientDescent {
            // Polish on the GD field: near the origin its Jacobian is invertible,
            // so Newton lands on the critical point the run was approaching.
            let st = polish_end(model, Procedure::GradientDescent, end, &mut ep);
            ep.b_norm = st.b.norm();
            ep.state = Some(st);
        }
        if out.converged && procedure != Procedure::GradientDescent {
            // Polish in SG coordinates: an EMA equilibrium has C = A and the same (A, B).
            let st = polish_end(model, Procedure::StopGradient, end, &mut ep);
            let s = st.a.transpose() * &st.a;
            let (ga, gb) = model.grad_ebar(&st.a, &st.b);
            ep.grad_ebar = norm2(&ga, &gb);
            ep.component = self.attribute(&ep, &st, &s);
            ep.s = Some(s);
            ep.state = Some(st);
        }
        ep
    }

    /// The component of the polished SG state `st` (S = `s`), counting the
    /// hit: the catalogued one with the same rank and S, or, when none
    /// matches and `st` is an equilibrium, a new component marked as missed
    /// by the search.
    fn attribute(&mut self, ep: &Endpoint, st: &State, s: &DMatrix<f64>) -> Option<usize> {
        let components = &mut *self.components;
        let tol = 1e-5 * (1.0 + s.amax());
        let mut found = components
            .iter()
            .position(|c| c.equilibrium.rank == ep.rank && (&c.equilibrium.s - s).amax() < tol);
        if found.is_none() && ep.field_norm < self.cfg.search.field_tol {
            // An equilibrium the stratum search missed: add it, marked as such.
            let eq = NumericEquilibrium {
                rank: ep.rank,
                s: s.clone(),
                a: st.a.clone(),
                b: st.b.clone(),
                field_norm: ep.field_norm,
                orbit_dimension: orbit_dimension(self.model.n, ep.rank),
            };
            let mut c = component(self.model, eq, self.cfg);
            c.found_by_search = false;
            components.push(c);
            found = Some(components.len() - 1);
        }
        if let Some(i) = found {
            components[i].hits += 1;
        }
        found
    }
}

/// Newton on `procedure`'s field from the end state `end`: the polished
/// state, with its field norm, rank and singular values recorded in `ep`.
fn polish_end(model: &Model, procedure: Procedure, end: &State, ep: &mut Endpoint) -> State {
    let mut st = State::new(procedure, end.a.clone(), end.b.clone());
    ep.field_norm = polish(model, procedure, 0.0, &mut st, 20);
    ep.rank = numerical_rank(&st.a);
    ep.singular_values = crate::numeric::singular_values(&st.a);
    st
}

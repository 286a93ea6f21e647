#!/usr/bin/env python3
"""The synthetic m = 1 experiment of `ssl-equilibria reproduce synthetic`,
vectorized over trials with numpy: the same distributions, initialization,
discrete SG/EMA maps, stopping rule and end-point classification (defaults
n = 2, scale 1, eta = 0.05, alpha = 0.99, at most 100000 steps, step
tolerance 1e-8). The random numbers differ (numpy's generator), so the
fractions agree with the Rust run only up to sampling error.

Prints one JSON object: settings, seconds, and the fractions over all draws
and over draws with Delta >= 0.

    python3 scripts/bench_synthetic_numpy.py --trials 10000 --seed 1
"""
import argparse
import json
import time

import numpy as np

ORIGIN_TOL = 1e-3
RADIUS_TOL = 1e-3


def run(proc, rho, tau, lam, a0, b0, eta, alpha, max_steps, tol):
    """Runs every trial to convergence or the budget; returns (norm_a, status)
    with status 0 converged, 1 budget, 2 diverged."""
    t = len(rho)
    a = a0.copy()
    b = b0.copy()
    c = a0.copy()
    ema = proc == "ema"
    status = np.ones(t, dtype=np.int8)  # budget unless decided
    final_a = np.zeros_like(a)
    idx = np.arange(t)
    rho_, tau_, lam_ = rho.copy(), tau.copy(), lam.copy()
    done = np.zeros(t, dtype=bool)
    for k in range(max_steps):
        if k % 256 == 0 and done.any():
            keep = ~done
            idx, a, b, c = idx[keep], a[keep], b[keep], c[keep]
            rho_, tau_, lam_ = rho_[keep], tau_[keep], lam_[keep]
            done = done[keep]
        if len(idx) == 0:
            break
        teacher = c if ema else a
        r = rho_[:, None] * np.einsum("tij,tj->ti", b, a) - tau_[:, None] * teacher
        p = np.einsum("tij,ti->tj", b, r) + lam_[:, None] * a
        q = r[:, :, None] * a[:, None, :] + lam_[:, None, None] * b
        inc2 = (p * p).sum(1) + (q * q).sum((1, 2))
        live = ~done
        an = np.where(live[:, None], a - eta * p, a)
        bn = np.where(live[:, None, None], b - eta * q, b)
        if ema:
            cn = np.where(live[:, None], alpha * c + (1 - alpha) * an, c)
            d = (cn - c) / eta
            inc2 = inc2 + (d * d).sum(1)
            c = cn
        a, b = an, bn
        inc = np.sqrt(inc2)
        with np.errstate(invalid="ignore"):
            diverged = live & (~np.isfinite(inc) | (inc * eta > 1e12))
            converged = live & ~diverged & (inc < tol)
        status[idx[diverged]] = 2
        status[idx[converged]] = 0
        newly = diverged | converged
        final_a[idx[newly]] = a[newly]
        done |= newly
    left = ~done
    final_a[idx[left]] = a[left]
    return np.sqrt((final_a**2).sum(1)), status


def classify(norm_a, status, rho, tau, lam):
    delta = tau**2 - 4 * rho * lam
    ok = delta >= 0
    sd = np.sqrt(np.where(ok, delta, 0.0))
    r1 = np.where(ok, (abs(tau) - sd) / (2 * rho), np.nan)
    r2 = np.where(ok, (abs(tau) + sd) / (2 * rho), np.nan)
    out = np.full(len(rho), "not converged", dtype=object)
    conv = status == 0
    origin = conv & (norm_a <= ORIGIN_TOL)
    with np.errstate(invalid="ignore"):
        outer = conv & ~origin & ok & (abs(norm_a - r2) <= RADIUS_TOL * r2)
        inner = conv & ~origin & ok & (abs(norm_a - r1) <= RADIUS_TOL * r2)
    out[origin] = "origin"
    out[outer & ~inner] = "outer"
    out[inner & ~outer] = "inner"
    return out, ok


def fractions(labels, mask):
    n = int(mask.sum())
    return {
        k: (100.0 * float((labels[mask] == k).sum()) / n if n else 0.0)
        for k in ["outer", "origin", "inner", "not converged"]
    } | {"runs": n}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trials", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--n", type=int, default=2)
    ap.add_argument("--init-scale", type=float, default=1.0)
    ap.add_argument("--eta", type=float, default=0.05)
    ap.add_argument("--alpha", type=float, default=0.99)
    ap.add_argument("--steps", type=int, default=100000)
    ap.add_argument("--step-tol", type=float, default=1e-8)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    t, n, s = args.trials, args.n, args.init_scale
    rho = 3.0 * (1.0 - rng.random(t))  # (0, 3]
    tau = rng.uniform(-1, 1, t)
    lam = rng.uniform(0.01, 0.1, t)
    a0 = s * rng.standard_normal((t, n))
    b0 = s / np.sqrt(n) * rng.standard_normal((t, n, n))
    start = time.perf_counter()
    result = {}
    for proc in ["sg", "ema"]:
        norm_a, status = run(
            proc, rho, tau, lam, a0, b0, args.eta,
            args.alpha if proc == "ema" else 0.0, args.steps, args.step_tol,
        )
        labels, ok = classify(norm_a, status, rho, tau, lam)
        result[proc] = {
            "all": fractions(labels, np.ones(t, dtype=bool)),
            "delta_nonnegative": fractions(labels, ok),
        }
    seconds = time.perf_counter() - start
    print(json.dumps({"settings": vars(args), "seconds": seconds,
                      "numpy": np.__version__} | result, indent=1))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Times numpy.linalg.eigvals on the dense SG Jacobians written by
`cargo run --release --example write_jacobians [DIR]` and compares with our
`eigenvalues` (nalgebra Schur form with an iteration cap).

Usage: python3 scripts/bench_spectrum.py [DIR] [--threads K]

DIR defaults to $TMPDIR/ssl_structured_jacobians. Our medians come from
DIR/timings.csv (measured by the example) and, when present, from criterion's
target/criterion/dense_spectrum/<n>/new/estimates.json (`cargo bench --bench
structured`). numpy runs with K BLAS/LAPACK threads (default 1: our code is
single-threaded). The script also checks that numpy's eigenvalues match ours
(greedy nearest matching), so both timed the same problem.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("dir", nargs="?", default=str(Path(tempfile.gettempdir()) / "ssl_structured_jacobians"))
    p.add_argument("--threads", type=int, default=1, help="BLAS/LAPACK threads for numpy (default 1)")
    p.add_argument("--criterion", default=str(Path(__file__).resolve().parent.parent / "target" / "criterion"),
                   help="criterion output directory")
    return p.parse_args()


ARGS = parse_args()
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(ARGS.threads)
import numpy as np  # noqa: E402  (after the thread settings)


def median_time(f, reps):
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def max_match_distance(ours, theirs):
    """Largest distance in a greedy nearest matching of two multisets."""
    left = list(theirs)
    worst = 0.0
    for z in ours:
        d = np.abs(np.array(left) - z)
        i = int(np.argmin(d))
        worst = max(worst, float(d[i]))
        left.pop(i)
    return worst


def criterion_median(n):
    path = Path(ARGS.criterion) / "dense_spectrum" / str(n) / "new" / "estimates.json"
    if not path.exists():
        return None
    with open(path) as f:
        return json.load(f)["median"]["point_estimate"] * 1e-9


def main():
    d = Path(ARGS.dir)
    timings = d / "timings.csv"
    if not timings.exists():
        sys.exit(f"{timings} not found: run `cargo run --release --example write_jacobians {d}` first")
    rows = [line.split(",") for line in timings.read_text().split("\n")[1:] if line]
    print(f"numpy {np.__version__}, {ARGS.threads} thread(s); times are medians in seconds")
    header = f"{'n':>3} {'dim':>4} {'ours(example)':>14} {'ours(criterion)':>16} {'numpy':>11} {'ratio ours/numpy':>17} {'max |Δλ|':>9}"
    print(header)
    for n, dim, ours, reps in rows:
        n, dim, ours, reps = int(n), int(dim), float(ours), int(reps)
        j = np.loadtxt(d / f"jacobian_n{n}.csv", delimiter=",", ndmin=2)
        assert j.shape == (dim, dim), (j.shape, dim)
        theirs = np.linalg.eigvals(j)
        e = np.loadtxt(d / f"eigenvalues_n{n}.csv", delimiter=",", ndmin=2)
        mismatch = max_match_distance(e[:, 0] + 1j * e[:, 1], theirs)
        reps_np = max(reps, 21)
        t_np = median_time(lambda: np.linalg.eigvals(j), reps_np)
        crit = criterion_median(n)
        ref = crit if crit is not None else ours
        crit_s = f"{crit:16.3e}" if crit is not None else f"{'-':>16}"
        print(f"{n:>3} {dim:>4} {ours:14.3e} {crit_s} {t_np:11.3e} {ref / t_np:17.1f} {mismatch:9.1e}")
    print("ratio uses the criterion median when available, else the example's.")


if __name__ == "__main__":
    main()

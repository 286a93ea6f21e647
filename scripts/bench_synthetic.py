#!/usr/bin/env python3
"""Times the 10 000-draw synthetic experiment (SG and EMA, default settings)
with our binary and with the numpy implementation
(scripts/bench_synthetic_numpy.py), and prints the medians and their ratio.

    cargo build --release
    python3 scripts/bench_synthetic.py [--runs 5] [--numpy-runs 3] [--trials 10000]

numpy comes from pip (`pip install numpy`); without it only our binary is timed.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "ssl-equilibria")


def timed(cmd):
    start = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return time.perf_counter() - start, out.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--numpy-runs", type=int, default=3)
    ap.add_argument("--trials", type=int, default=10000)
    args = ap.parse_args()
    if not os.path.exists(BIN):
        sys.exit(f"{BIN} not found: run `cargo build --release` first")
    ours = []
    for _ in range(args.runs):
        s, _ = timed([BIN, "reproduce", "synthetic", "--trials", str(args.trials)])
        ours.append(s)
    print(f"ssl-equilibria reproduce synthetic --trials {args.trials}: "
          f"median {statistics.median(ours):.2f} s over {len(ours)} runs "
          f"(min {min(ours):.2f}, max {max(ours):.2f}); {os.cpu_count()} cores")
    try:
        import numpy  # noqa: F401
    except ImportError:
        print("numpy not installed: `pip install numpy` to compare")
        return
    theirs = []
    for _ in range(args.numpy_runs):
        s, out = timed([sys.executable, os.path.join(ROOT, "scripts", "bench_synthetic_numpy.py"),
                        "--trials", str(args.trials)])
        theirs.append(s)
    res = json.loads(out)
    print(f"numpy {res['numpy']} (vectorized over draws, one thread): "
          f"median {statistics.median(theirs):.2f} s over {len(theirs)} runs "
          f"(min {min(theirs):.2f}, max {max(theirs):.2f})")
    print(f"ratio numpy / ours: {statistics.median(theirs) / statistics.median(ours):.1f}")
    for proc in ["ema", "sg"]:
        d = res[proc]["delta_nonnegative"]
        print(f"numpy {proc} over Δ ≥ 0 ({d['runs']} draws): outer {d['outer']:.1f} % "
              f"origin {d['origin']:.1f} % inner {d['inner']:.1f} % "
              f"not converged {d['not converged']:.1f} %")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Times the same polynomial problems in ssl-equilibria and in Singular.

Problems (random rational instances from the generator, lambda = 1/20):
  * the full SG equilibrium ideal of (n, m) = (3, 2): Singular's std (and
    modStd) on the exported ideal; ours `characterize` (every stratum, exact)
    and `characterize --whole-variety` (dimension and degree of the whole
    ideal from generic linear sections modulo primes);
  * the S-system G(S) = 0 (m(m+1)/2 quadrics in m(m+1)/2 unknowns) for
    m = 2, 3, 4: Singular's std + vdim on the exported system; ours `count`
    (modular Groebner bases, two primes) and, for m <= 3, `characterize
    --rank m` (the exact full-rank stratum: RUR over Q, real roots).

Singular runs once per problem under a time limit (--singular-timeout); ours
runs --runs times and the median is reported. Our binary must be built
(cargo build --release). Only one Symbolica process may run at a time, so
nothing else using the binary should run meanwhile.

Usage: python3 scripts/bench_singular.py [--runs 3] [--singular-timeout 600]
"""

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "ssl-equilibria")


def instance_file(d, n, m, seed):
    path = os.path.join(d, f"random-n{n}-m{m}-seed{seed}.toml")
    with open(path, "w") as f:
        f.write(f'n = {n}\nm = {m}\nlambda = "1/20"\n[generator]\nseed = {seed}\n')
    return path


def ours(args, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        p = subprocess.run([BIN] + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        times.append(time.perf_counter() - t)
        if p.returncode != 0:
            return None, p.stderr.strip().splitlines()[-1]
    return statistics.median(times), None


def singular(d, inst, system, command, timeout):
    script = os.path.join(d, f"{os.path.basename(inst)}-{system}-{command}.sing")
    subprocess.run(
        [BIN, "export", "--instance", inst, "--system", system, "--format", "singular", "--out", script],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    with open(script, "a") as f:
        if command == "modStd":
            f.write('LIB "modstd.lib";\noption(redSB);\nideal J = modStd(I);\n')
        else:
            f.write("option(redSB);\nideal J = std(I);\n")
        f.write("print(dim(J));\nprint(vdim(J));\nprint(mult(J));\nquit;\n")
    t = time.perf_counter()
    # Own session, so that a timeout kills modStd's worker processes too.
    p = subprocess.Popen(["Singular", "-q", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, start_new_session=True)
    try:
        stdout, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        return None, f"did not finish in {timeout:.0f} s"
    dt = time.perf_counter() - t
    out = stdout.split()
    return dt, f"dim {out[0]}, vdim {out[1]}, mult {out[2]}" if len(out) >= 3 else stdout.strip()


def fmt(t):
    return "–" if t is None else f"{t:.2f} s"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--singular-timeout", type=float, default=600)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--skip-full", action="store_true", help="skip the full (3,2) ideal")
    a = ap.parse_args()
    if not os.path.exists(BIN):
        sys.exit("build first: cargo build --release")
    have_singular = shutil.which("Singular") is not None
    if not have_singular:
        print("Singular is not installed (apt-get install singular): timing ours only")
    rows = []
    with tempfile.TemporaryDirectory() as d:
        # Ours first, then Singular: our binary is done before Singular starts
        # (so other Symbolica users can run while Singular is timed).
        jobs = []
        if not a.skip_full:
            inst = instance_file(d, 3, 2, a.seed)
            t1, e1 = ours(["characterize", "--instance", inst, "--no-whole-variety"], a.runs)
            t2, e2 = ours(["characterize", "--instance", inst, "--whole-variety"], 1)
            jobs.append(("full SG ideal (3,2), every stratum exactly", t1, e1, (inst, "sg-equilibrium", "std")))
            jobs.append(("full SG ideal (3,2), + whole-variety dim/degree", t2, e2, None))
            jobs.append(("full SG ideal (3,2), Singular modStd", None, None, (inst, "sg-equilibrium", "modStd")))
        for m in (2, 3, 4):
            inst = instance_file(d, m, m, a.seed)
            t, e = ours(["count", "--m", str(m), "--instances", "1", "--seed", str(a.seed)], a.runs)
            jobs.append((f"S-system m={m}: count (mod p)", t, e, (inst, "s-equation", "std")))
            if m <= 3:
                t, e = ours(["characterize", "--instance", inst, "--rank", str(m), "--no-whole-variety"], a.runs)
                jobs.append((f"S-system m={m}: exact full-rank stratum", t, e, None))
        print("ours done", file=sys.stderr, flush=True)
        for name, t, e, sing in jobs:
            if sing is None:
                s, sn = None, "(same Singular run)"
            elif have_singular:
                s, sn = singular(d, sing[0], sing[1], sing[2], a.singular_timeout)
            else:
                s, sn = None, "not installed"
            rows.append((name, t, e or "", s, sn))
    print(f"| problem | ours (median of {a.runs}) | Singular std | Singular result | ratio Singular/ours |")
    print("| --- | --- | --- | --- | --- |")
    for name, t, e, s, sn in rows:
        ratio = f"{s / t:.1f}" if (s is not None and t) else ("> " + f"{a.singular_timeout / t:.0f}" if (t and "did not finish" in sn) else "–")
        print(f"| {name} | {fmt(t)}{(' ' + e) if e else ''} | {fmt(s)} | {sn} | {ratio} |")


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Times our exact solver and msolve on the same stratum systems, in one run,
# and prints medians, ratios and peak memory (see docs/performance.md).
#
# Systems (examples/msolve_systems.rs): strata r = 1, 2 of `default` and
# `wide`, the rank-2 stratum of a random n = 2, m = 3 instance, the S-system
# of a random m = 4 instance.
# Two tasks per system:
#   solve — ours: `msolve_systems solve` (F4 modulo primes, rational univariate
#           representation by multimodular lifting, exact verification over Q);
#           msolve: `msolve -P 1` (rational parametrization, real roots);
#   gb    — the reduced grevlex Gröbner basis modulo 2147483629: ours
#           `msolve_systems gb`, msolve `-g 2` on the same file in that
#           characteristic.
# usage: scripts/bench-msolve.sh [RUNS] [THREADS] [LIMIT]   (defaults 5, 2, 120)
# LIMIT: seconds allowed per run; a run that exceeds it is reported as >LIMIT.
# On a loaded machine msolve's OpenMP threads spin: compare THREADS=1 too.
# Needs msolve on PATH (bash ../shared/anchors/build-msolve.sh) and GNU time.
set -euo pipefail
runs="${1:-5}"
threads="${2:-2}"
limit="${3:-120}"
here="$(cd "$(dirname "$0")/.." && pwd)"
command -v msolve >/dev/null || { echo "msolve is not on PATH" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time (/usr/bin/time) is missing" >&2; exit 2; }
cd "$here"
cargo build --release --quiet --example msolve_systems
ours="$here/target/release/examples/msolve_systems"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$ours" write "$work" >/dev/null

# Runs a command RUNS times; prints the median wall seconds and the largest
# peak resident memory in MB.
measure() {
  local times=() mem=0
  for _ in $(seq "$runs"); do
    local rc=0
    /usr/bin/time -f "%e %M" -o "$work/time" timeout "$limit" "$@" >/dev/null 2>"$work/err" || rc=$?
    # timeout's status 124: over the limit; any other failure (ours exits
    # with 1 when the system is not solved): no time to report.
    if [ "$rc" -eq 124 ]; then echo ">$limit 0"; return; fi
    if [ "$rc" -ne 0 ]; then echo "unsolved 0"; return; fi
    read -r t m <"$work/time"
    times+=("$t")
    [ "$m" -gt "$mem" ] && mem="$m"
  done
  python3 -c 'import statistics,sys; print(f"{statistics.median(map(float,sys.argv[2:])):.3f} {int(sys.argv[1])/1024:.0f}")' "$mem" "${times[@]}"
}

ratio() {
  python3 -c 'import sys
try:
    a, b = map(float, sys.argv[1:]); print(f"{a/b:.1f}")
except (ValueError, ZeroDivisionError):
    # A time that is not a number, or msolve below the timer resolution.
    print("-")' "$1" "$2"
}

printf "%-18s %-5s %10s %10s %8s %9s %9s\n" system task ours_s msolve_s ratio ours_MB msolve_MB
for f in "$work"/*.ms; do
  name="$(basename "$f" .ms)"
  sed '2s/.*/2147483629/' "$f" >"$work/$name.p.ms"
  read -r o om < <(measure env RAYON_NUM_THREADS="$threads" "$ours" solve "$f")
  read -r t tm < <(measure msolve -P 1 -t "$threads" -f "$f" -o "$work/out")
  printf "%-18s %-5s %10s %10s %8s %9s %9s\n" "$name" solve "$o" "$t" \
    "$(ratio "$o" "$t")" "$om" "$tm"
  read -r o om < <(measure env RAYON_NUM_THREADS="$threads" "$ours" gb "$work/$name.p.ms")
  read -r t tm < <(measure msolve -g 2 -t "$threads" -f "$work/$name.p.ms" -o "$work/out")
  printf "%-18s %-5s %10s %10s %8s %9s %9s\n" "$name" gb "$o" "$t" \
    "$(ratio "$o" "$t")" "$om" "$tm"
done
echo "median of $runs runs each, wall seconds (start-up included); ratio = ours / msolve; peak RSS over the runs"

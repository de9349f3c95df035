#!/usr/bin/env bash
# What a scan pays before and around its first objects: the CPU time of `bulkhead scan DIR -f
# json -o REPORT --exit-zero` on an empty directory, on one manifest and on the synthetic
# 1,000-object corpus, for one or more builds, alternated run by run so that a change in the
# machine's load touches every build alike.
#
#   bench/small-scans.sh BIN [BIN...]
#
# Printed per build and corpus: the minimum and median CPU time (user + system of the child,
# from wait4, to the microsecond: `/usr/bin/time` rounds to 10 ms, the size of what is
# measured), the median wall time and the largest peak RSS over RUNS runs (default 15), and
# the load average. The 1,000-object corpus is generated under BENCH_WORK as by
# bench/targets.sh (SYNTH_SEED, default 1); the one-manifest corpus is its first file.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/.." && pwd)"
[[ $# -ge 1 ]] || { echo "usage: $0 BIN [BIN...]" >&2; exit 2; }
RUNS="${RUNS:-15}"
BENCH_WORK="${BENCH_WORK:-${TMPDIR:-/tmp}/bulkhead-bench}"
SYNTH_SEED="${SYNTH_SEED:-1}"

# shellcheck source=bench/synthetic-corpus.sh
source "$script_dir/synthetic-corpus.sh"
synth="$(synthetic_corpus 1000)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/empty" "$work/one"
cp "$(find "$synth" -name '*.yaml' | sort | head -n 1)" "$work/one/"

python3 - "$RUNS" "$work" "$synth" "$@" <<'PY'
import os, statistics, subprocess, sys, time

runs, work, synth, bins = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
corpora = [("empty", f"{work}/empty"), ("one-manifest", f"{work}/one"), ("synthetic-1000", synth)]
load_before = os.getloadavg()[0]
samples = {}
for _ in range(runs):
    for b in bins:
        for name, d in corpora:
            start = time.perf_counter()
            child = subprocess.Popen([b, "scan", d, "-f", "json", "-o", f"{work}/report.json",
                                      "--exit-zero"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
            # wait4: the child's own CPU time in microseconds (/usr/bin/time rounds to 10 ms).
            _, status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - start
            samples.setdefault((b, name), []).append(
                (usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss))
load_after = os.getloadavg()[0]
print("| build | corpus | CPU min (ms) | CPU median (ms) | wall median (ms) | peak RSS (MiB) |")
print("|---|---|---:|---:|---:|---:|")
for b in bins:
    for name, _ in corpora:
        rows = samples[(b, name)]
        cpu = [r[0] * 1000 for r in rows]
        wall = [r[1] * 1000 for r in rows]
        print(f"| {b} | {name} | {min(cpu):.1f} | {statistics.median(cpu):.1f} | "
              f"{statistics.median(wall):.1f} | {max(r[2] for r in rows) / 1024:.0f} |")
print(f"\nload average {load_before:.1f} before, {load_after:.1f} after; {runs} runs each, "
      "builds and corpora alternated")
PY

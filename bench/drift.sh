#!/usr/bin/env bash
# Benchmark for `bulkhead drift`: the real-world corpus (about 7,400 objects) against a live
# snapshot of itself, once with only server-written fields (no drift expected) and once with
# seeded drift (images, privileged containers, RBAC rules, deleted and unmanaged objects).
#
# Usage:
#   bench/drift.sh [REAL_WORLD_CORPUS_DIR]
#
# Environment knobs: RUNS=3 timed runs per case (median reported), BENCH_WORK=DIR for the
# generated snapshots (reused when present), SKIP_BUILD=1 to use the existing release binary.
# Needs python3 with PyYAML (Debian: python3-yaml) to write the snapshots, and GNU time.
#
# Wall time, CPU time (user+sys) and peak RSS come from `/usr/bin/time -f '%e %U %S %M'`
# around the whole process; the counts come from the JSON report's summary.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/.." && pwd)"
cd "$repo_root"

corpus="${1:-$repo_root/../shared/corpus/real-world}"
RUNS="${RUNS:-3}"
BENCH_WORK="${BENCH_WORK:-${TMPDIR:-/tmp}/bulkhead-bench}"
mkdir -p "$BENCH_WORK"

[[ -d "$corpus" ]] || { echo "error: corpus not found: $corpus" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "error: GNU time (/usr/bin/time) is required" >&2; exit 2; }
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    cargo build --release -p bulkhead >&2
fi
bin="$repo_root/target/release/bulkhead"

snapshot() { # name, extra generator args
    local out="$BENCH_WORK/drift-$1.yaml"
    if [[ ! -s "$out" ]]; then
        echo "writing $out ..." >&2
        python3 "$script_dir/drift_live.py" "$corpus" "$out" "${@:2}" >&2
    fi
    echo "$out"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "| case | live objects | compared | differences | unmanaged | not applied | wall (median of $RUNS) | CPU user+sys | peak RSS |"
echo "|---|---|---|---|---|---|---|---|---|"
for case in defaults-only drifted; do
    if [[ $case == defaults-only ]]; then live="$(snapshot defaults-only --defaults-only)"; else live="$(snapshot drifted)"; fi
    walls=() cpus=() rss=0
    for _ in $(seq "$RUNS"); do
        read -r wall user sys mem < <(/usr/bin/time -f '%e %U %S %M' -o /dev/stdout \
            "$bin" drift "$corpus" --against "$live" -f json -o "$BENCH_WORK/drift-$case.json" \
            2>/dev/null | tail -1)
        walls+=("$wall"); cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')"); (( mem > rss )) && rss=$mem
    done
    summary="$(python3 -c "
import json,sys; s=json.load(open(sys.argv[1]))['summary']
print(s['compared'], s['differences'], s['unmanaged'], s['notApplied'])" "$BENCH_WORK/drift-$case.json")"
    read -r compared diffs unmanaged notapplied <<<"$summary"
    printf '| %s | %s | %s | %s | %s | %s | %s s | %s s | %s MiB |\n' "$case" \
        "$(grep -c '^---' "$live" | awk '{print $1+1}')" "$compared" "$diffs" "$unmanaged" "$notapplied" \
        "$(printf '%s\n' "${walls[@]}" | median)" "$(printf '%s\n' "${cpus[@]}" | median)" "$((rss / 1024))"
done

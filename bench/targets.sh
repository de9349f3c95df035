#!/usr/bin/env bash
# Every speed target of `docs/benchmarks.md` ("Targets"), measured in one command:
#
#   bench/targets.sh [REAL_WORLD_CORPUS_DIR]        (default: ../shared/corpus/real-world)
#
# 1. `bulkhead scan DIR -f json -o REPORT --exit-zero` (all checks, the JSON report to a
#    file) on the synthetic 100,000-object corpus and on the real-world corpus, and the 100k
#    scan once more with `--ignore BHT001` (the attack-path check has its own benchmark);
# 2. loading alone (discovery, reading, parsing with spans, objects, inventory; the
#    `load_throughput` example, timed in process) with RAYON_NUM_THREADS=1, on both corpora,
#    with the fast YAML reader and with the general parser only;
# 3. Checkov and Bulkhead side by side on the synthetic 1,000-object corpus
#    (`checkov -d DIR --framework kubernetes -o json --quiet`).
#
# Each command runs once untimed (page cache), then RUNS times under
# `/usr/bin/time -f '%e %M %U %S'`. Printed: median and minimum wall time, median CPU time
# (user + system, the figure least disturbed by other load), the largest peak RSS, and the
# load average around the runs. Markdown on standard output, progress on standard error.
#
# Environment: RUNS (default 5), WARMUP=0 (no untimed first run), CHECKOV_RUNS (default 1: Checkov takes seconds per run),
# CHECKOV (the checkov command; default `checkov` on PATH; `pip install checkov`; the row is
# skipped when it is missing), BENCH_WORK (default ${TMPDIR:-/tmp}/bulkhead-bench, shared
# with bench/run.sh: the generated corpora are reused), SYNTH_SEED (default 1), SKIP_BUILD=1.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/.." && pwd)"
cd "$repo_root"

real_world="$(cd "${1:-$repo_root/../shared/corpus/real-world}" && pwd)"
RUNS="${RUNS:-5}"
CHECKOV_RUNS="${CHECKOV_RUNS:-1}"
CHECKOV="${CHECKOV:-checkov}"
BENCH_WORK="${BENCH_WORK:-${TMPDIR:-/tmp}/bulkhead-bench}"
SYNTH_SEED="${SYNTH_SEED:-1}"

log() { printf '%s\n' "$*" >&2; }

[[ -x /usr/bin/time ]] || { log "error: /usr/bin/time is missing (apt-get install -y time)"; exit 2; }

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    log "building release binaries ..."
    cargo build --release -p bulkhead >&2
    cargo build --release -p bulkhead-model --example load_throughput >&2
fi
mkdir -p "$BENCH_WORK/reports"
# Private copies: a concurrent build cannot swap them between runs.
bin="$BENCH_WORK/bulkhead"
loader="$BENCH_WORK/load_throughput"
cp target/release/bulkhead "$bin.tmp" && mv "$bin.tmp" "$bin"
cp target/release/examples/load_throughput "$loader.tmp" && mv "$loader.tmp" "$loader"

# shellcheck source=bench/synthetic-corpus.sh
source "$script_dir/synthetic-corpus.sh"
synth_1k="$(synthetic_corpus 1000)"
synth_100k="$(synthetic_corpus 100000)"

# measure RUNS CMD... -> prints "median_wall min_wall median_cpu max_rss_kib"; the command's
# standard output of the last run is left in $BENCH_WORK/last.out.
measure() {
    local runs="$1"
    shift
    local samples="$BENCH_WORK/samples" t="$BENCH_WORK/time" i
    : >"$samples"
    if [[ "${WARMUP:-1}" == 1 ]]; then
        "$@" >"$BENCH_WORK/last.out" 2>/dev/null || true
    fi
    for ((i = 1; i <= runs; i++)); do
        /usr/bin/time -o "$t" -f '%e %M %U %S' "$@" >"$BENCH_WORK/last.out" 2>/dev/null || true
        tail -n1 "$t" >>"$samples"
        log "  run $i: $(tail -n1 "$t") (wall s, peak KiB, user s, sys s)"
    done
    python3 - "$samples" <<'PY'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
walls = [r[0] for r in rows]
cpus = [r[2] + r[3] for r in rows]
print(f"{statistics.median(walls):.3f} {min(walls):.3f} {statistics.median(cpus):.3f} {max(r[1] for r in rows):.0f}")
PY
}

summary() { python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; print(s["objects"], s["bytes"], s["findings"])' "$1" 2>/dev/null || echo "0 0 0"; }

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
rows=()

for corpus in "synthetic-100000:$synth_100k" "real-world:$real_world"; do
    name="${corpus%%:*}" dir="${corpus#*:}"
    report="$BENCH_WORK/reports/targets-$name.json"
    log "scan $name ..."
    read -r wall min cpu rss < <(measure "$RUNS" "$bin" scan "$dir" -f json -o "$report" --exit-zero)
    read -r objects bytes findings < <(summary "$report")
    rows+=("scan|$name|$objects|$findings|$wall|$min|$cpu|$rss")
done

# The same 100k scan without the attack-path check (BHT001, measured on its own by
# bench/attack-paths.sh): what every other part of the scan costs.
log "scan synthetic-100000 without BHT001 ..."
report="$BENCH_WORK/reports/targets-synthetic-100000-no-bht001.json"
read -r wall min cpu rss < <(measure "$RUNS" "$bin" scan "$synth_100k" -f json -o "$report" --exit-zero --ignore BHT001)
read -r objects bytes findings < <(summary "$report")
rows+=("scan|synthetic-100000 (--ignore BHT001)|$objects|$findings|$wall|$min|$cpu|$rss")

for corpus in "synthetic-100000:$synth_100k" "real-world:$real_world"; do
    name="${corpus%%:*}" dir="${corpus#*:}"
    for reader in fast general; do
        log "load $name, 1 thread, $reader reader ..."
        if [[ $reader == general ]]; then
            read -r wall min cpu rss < <(measure "$RUNS" env RAYON_NUM_THREADS=1 BULKHEAD_YAML_READER=general "$loader" "$dir")
        else
            read -r wall min cpu rss < <(measure "$RUNS" env RAYON_NUM_THREADS=1 "$loader" "$dir")
        fi
        # bytes B files F objects N errors E ms T
        read -r _ bytes _ _ _ objects _ _ _ ms <"$BENCH_WORK/last.out"
        rows+=("load|$name ($reader reader, 1 thread)|$objects|$bytes|$wall|$min|$cpu|$rss|$ms")
    done
done

log "scan synthetic-1000 ..."
report="$BENCH_WORK/reports/targets-synthetic-1000.json"
read -r b_wall b_min b_cpu b_rss < <(measure "$RUNS" "$bin" scan "$synth_1k" -f json -o "$report" --exit-zero)
read -r objects _ findings < <(summary "$report")
checkov_row=""
if command -v "$CHECKOV" >/dev/null 2>&1; then
    log "checkov synthetic-1000 ($CHECKOV_RUNS runs) ..."
    read -r c_wall c_min c_cpu c_rss < <(measure "$CHECKOV_RUNS" "$CHECKOV" -d "$synth_1k" --framework kubernetes -o json --quiet)
    checkov_row="$c_wall|$c_min|$c_cpu|$c_rss"
else
    log "checkov not found ('$CHECKOV'): pip install checkov, or set CHECKOV; its row is skipped"
fi
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

echo "Bulkhead speed targets — commit \`$(git rev-parse --short HEAD 2>/dev/null || echo unknown)\`, nproc $(nproc), $RUNS runs per row (+1 untimed), $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "Load average before / after: $load_before / $load_after (above about 1, other work shared the CPUs: compare CPU s)"
echo
python3 - "$checkov_row" "$b_wall|$b_min|$b_cpu|$b_rss|$objects|$findings" "${rows[@]}" <<'PY'
import sys
checkov, bulkhead_1k, rows = sys.argv[1], sys.argv[2], sys.argv[3:]
print("| measurement | corpus | objects | wall s (median / min) | CPU s | peak RSS MiB | figure | target |")
print("|---|---|---:|---:|---:|---:|---:|---|")
for row in rows:
    f = row.split("|")
    kind, name = f[0], f[1]
    wall, mn, cpu, rss = float(f[4]), float(f[5]), float(f[6]), float(f[7]) / 1024
    objects = int(f[2])
    if kind == "scan":
        findings = int(f[3])
        per = rss * 1024 / objects if objects else 0
        if "BHT001" in name:
            target = "(every check but BHT001, for comparison)"
        elif name.startswith("synthetic"):
            target = "≤ 2.0 s, ≤ 1,024 MiB, ≤ 4.5 KiB/object"
        else:
            target = "≤ 0.5 s, ≤ 286 MiB (300 MB)"
        figure = f"{findings:,} findings, {per:.1f} KiB/object"
    else:
        bytes_, ms = int(f[3]), float(f[8])
        figure = f"{bytes_ / 1e6 / (ms / 1000):.0f} MB/s in process, {bytes_ / 1e6 / cpu:.0f} MB/CPU-s"
        target = "≥ 100 MB/s per core" if "fast" in name else "(the general parser, for comparison)"
    print(f"| {kind} | {name} | {objects:,} | {wall:.2f} / {mn:.2f} | {cpu:.2f} | {rss:,.0f} | {figure} | {target} |")
b = bulkhead_1k.split("|")
print(f"| scan | synthetic-1000 | {int(b[4]):,} | {float(b[0]):.3f} / {float(b[1]):.3f} | {float(b[2]):.3f} | {float(b[3]) / 1024:,.0f} | {int(b[5]):,} findings | |")
if checkov:
    c = checkov.split("|")
    print(f"| checkov | synthetic-1000 | | {float(c[0]):.2f} / {float(c[1]):.2f} | {float(c[2]):.2f} | {float(c[3]) / 1024:,.0f} | "
          f"{float(c[0]) / float(b[0]):,.0f}× Bulkhead's wall, {float(c[2]) / float(b[2]):,.0f}× its CPU | ≥ 1,000× |")
PY

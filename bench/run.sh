#!/usr/bin/env bash
# Throughput / memory benchmark for `bulkhead scan`.
#
# Usage:
#   bench/run.sh [REAL_WORLD_CORPUS_DIR]
#
# Environment knobs (all optional):
#   RUNS=5                  timed runs per corpus (median and min are reported)
#   BENCH_WORK=DIR          where generated corpora and reports live
#                           (default: ${TMPDIR:-/tmp}/bulkhead-bench); generated
#                           corpora are reused when their marker file exists
#   SYNTH_SIZES="10000 100000"   object counts of the synthetic corpora
#   SYNTH_SEED=1            seed passed to make-synthetic.py
#   SKIP_BUILD=1            do not run `cargo build --release -p bulkhead`
#   SINGLE_THREAD=0         skip the extra RAYON_NUM_THREADS=1 row
#   HYPERFINE=1             also print a hyperfine table (needs `hyperfine`,
#                           e.g. `apt-get install -y hyperfine`; it repeats every
#                           run, so it doubles the time; /usr/bin/time is always
#                           what peak memory comes from)
#   SCAN_ARGS="..."         extra arguments for every `bulkhead scan`, e.g.
#                           SCAN_ARGS="--ignore BHK001" to isolate one check's cost
#
# Wall time, CPU time and peak RSS come from `/usr/bin/time -f '%e %M %U %S'`
# around the whole process (startup, directory walk, parse, checks, report
# writing). Object, byte and finding counts and the in-process `durationMs`
# come from the JSON report's `summary`. Results go to standard output as
# Markdown; progress goes to standard error.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(git -C "$script_dir" rev-parse --show-toplevel 2>/dev/null || (cd "$script_dir/.." && pwd))"
cd "$repo_root"

real_world="${1:-$repo_root/../shared/corpus/real-world}"
generator="$repo_root/../shared/corpus/make-synthetic.py"
RUNS="${RUNS:-5}"
BENCH_WORK="${BENCH_WORK:-${TMPDIR:-/tmp}/bulkhead-bench}"
SYNTH_SIZES="${SYNTH_SIZES:-10000 100000}"
SYNTH_SEED="${SYNTH_SEED:-1}"
SINGLE_THREAD="${SINGLE_THREAD:-1}"
HYPERFINE="${HYPERFINE:-0}"
read -r -a scan_args <<<"${SCAN_ARGS:-}"

log() { printf '%s\n' "$*" >&2; }

if [[ ! -d "$real_world" ]]; then
    log "error: real-world corpus not found: $real_world"
    exit 2
fi
real_world="$(cd "$real_world" && pwd)"
if [[ ! -f "$generator" ]]; then
    log "error: synthetic generator not found: $generator"
    exit 2
fi
command -v python3 >/dev/null || { log "error: python3 is required"; exit 2; }

# /usr/bin/time (GNU time) for wall time and peak RSS.
if [[ ! -x /usr/bin/time ]]; then
    log "installing GNU time (/usr/bin/time) ..."
    if [[ $(id -u) -eq 0 ]]; then
        apt-get install -y time >&2 || { apt-get update >&2 && apt-get install -y time >&2; }
    else
        sudo apt-get install -y time >&2
    fi
fi

# 1. Build.
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    log "building release binary ..."
    cargo build --release -p bulkhead >&2
fi
built="$repo_root/target/release/bulkhead"
[[ -x "$built" ]] || { log "error: $built missing"; exit 2; }

mkdir -p "$BENCH_WORK/reports"
# Benchmark a private copy: a concurrent `cargo build` in this tree would otherwise
# replace the binary half-way through the runs. Record the commit it was built from.
bin="$BENCH_WORK/bulkhead"
cp "$built" "$bin.tmp" && mv "$bin.tmp" "$bin"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
dirty=""
if ! git diff --quiet HEAD 2>/dev/null; then dirty=" (working tree has uncommitted changes)"; fi

# 2. Synthetic corpora (deterministic; generated once, reused via a marker file).
synth_dir() { printf '%s/synthetic-%s-seed%s' "$BENCH_WORK" "$1" "$SYNTH_SEED"; }
for n in $SYNTH_SIZES; do
    dir="$(synth_dir "$n")"
    if [[ -f "$dir/.bench-complete" ]]; then
        log "reusing synthetic corpus $dir"
        continue
    fi
    log "generating synthetic corpus: $n objects, seed $SYNTH_SEED -> $dir ..."
    rm -rf "$dir" "$dir.partial"
    python3 "$generator" --objects "$n" --seed "$SYNTH_SEED" --out "$dir.partial" --quiet >&2
    mv "$dir.partial" "$dir"
    # The marker lives in the corpus dir; it is a dotfile, and it is not YAML or
    # JSON, so the scanner does not count it as a manifest.
    printf 'objects=%s seed=%s generator=%s\n' "$n" "$SYNTH_SEED" "$generator" >"$dir/.bench-complete"
done

# 3. Timed runs. Each run appends "wall_s rss_kib user_s sys_s duration_ms" to a
#    samples file.
#    bench_one LABEL CORPUS_DIR [ENV=VALUE ...]
results="$BENCH_WORK/results.tsv"
: >"$results"
bench_one() {
    local label="$1" corpus="$2"
    shift 2
    local slug="${label//[^A-Za-z0-9_-]/_}"
    local report="$BENCH_WORK/reports/$slug.json"
    local samples="$BENCH_WORK/reports/$slug.samples"
    : >"$samples"
    log "benchmarking $label ($corpus), $RUNS runs + 1 warm-up ..."
    # Warm-up (page cache), not recorded.
    env "$@" "$bin" scan "$corpus" --format json -o "$report" --exit-zero "${scan_args[@]}" >/dev/null
    local i
    for ((i = 1; i <= RUNS; i++)); do
        local tfile="$BENCH_WORK/reports/$slug.time"
        env "$@" /usr/bin/time -o "$tfile" -f '%e %M %U %S' \
            "$bin" scan "$corpus" --format json -o "$report" --exit-zero "${scan_args[@]}" >/dev/null
        local ms
        ms="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["durationMs"])' "$report")"
        printf '%s %s\n' "$(tail -n1 "$tfile")" "$ms" >>"$samples"
        log "  run $i: $(tail -n1 "$tfile") (wall s, peak KiB, user s, sys s), in-process ${ms} ms"
    done
    printf '%s\t%s\t%s\n' "$label" "$report" "$samples" >>"$results"
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
bench_one "real-world" "$real_world"
if [[ "$SINGLE_THREAD" == 1 ]]; then
    bench_one "real-world (1 thread)" "$real_world" RAYON_NUM_THREADS=1
fi
for n in $SYNTH_SIZES; do
    bench_one "synthetic-$n" "$(synth_dir "$n")"
done

# 4. Markdown table.
echo
echo "Bulkhead scan benchmark — $("$bin" --version), commit \`$commit\`$dirty, nproc $(nproc), $RUNS runs per row (+1 warm-up), $(date -u +%Y-%m-%dT%H:%MZ)"
if ((${#scan_args[@]})); then
    echo
    echo "Extra scan arguments: \`${scan_args[*]}\`"
fi
echo
echo "Load average before / after the timed runs: $load_before / $(cut -d' ' -f1-3 /proc/loadavg) (anything well above 0 means other work shared the CPUs)"
echo
python3 - "$results" <<'PY'
import json, statistics, sys

rows = []
for line in open(sys.argv[1]):
    label, report, samples = line.rstrip("\n").split("\t")
    s = json.load(open(report))["summary"]
    walls, rss, cpu, ms = [], [], [], []
    for l in open(samples):
        w, r, u, sy, d = l.split()
        walls.append(float(w)); rss.append(int(r)); cpu.append(float(u) + float(sy)); ms.append(int(d))
    med = statistics.median(walls)
    mb = s["bytes"] / 1e6
    rows.append([
        label,
        f'{s["files"]:,}',
        f"{mb:.1f}",
        f'{s["objects"]:,}',
        f'{s["findings"]:,}',
        f"{med:.2f}",
        f"{min(walls):.2f}",
        f"{statistics.median(ms):,.0f}",
        f"{statistics.median(cpu):.2f}",
        f'{s["objects"] / med:,.0f}' if med > 0 else "n/a",
        f"{mb / med:.1f}" if med > 0 else "n/a",
        f"{max(rss) / 1024:.0f}",
    ])

hdr = ["corpus", "files", "MB", "objects", "findings", "median wall s", "min wall s",
       "median in-process ms", "median CPU s", "objects/s", "MB/s", "peak RSS MiB"]
print("| " + " | ".join(hdr) + " |")
print("|" + "|".join(["---"] + ["---:"] * (len(hdr) - 1)) + "|")
for r in rows:
    print("| " + " | ".join(r) + " |")
print()
print("MB = 10^6 bytes of manifest input (summary.bytes); objects/s and MB/s use the median wall time;")
print("peak RSS is the maximum over the timed runs; in-process ms is summary.durationMs (discovery,")
print("parse and checks; it excludes process start-up and writing the report); CPU s is user+sys.")
PY

# 5. Optional: hyperfine's statistics for the same runs (wall time only).
if [[ "$HYPERFINE" == 1 ]] && ! command -v hyperfine >/dev/null; then
    log "HYPERFINE=1 but hyperfine is not installed (apt-get install -y hyperfine); skipped"
elif [[ "$HYPERFINE" == 1 ]]; then
    hf_md="$BENCH_WORK/hyperfine.md"
    hf_scan() {
        printf '%q scan %q --format json -o %q --exit-zero' "$bin" "$1" "$BENCH_WORK/reports/hf.json"
        if ((${#scan_args[@]})); then printf ' %q' "${scan_args[@]}"; fi
    }
    hf_cmds=(-n real-world "$(hf_scan "$real_world")")
    for n in $SYNTH_SIZES; do
        hf_cmds+=(-n "synthetic-$n" "$(hf_scan "$(synth_dir "$n")")")
    done
    log "hyperfine ..."
    hyperfine --warmup 1 --runs "$RUNS" --style basic --export-markdown "$hf_md" "${hf_cmds[@]}" >&2
    echo
    echo "hyperfine $(hyperfine --version | cut -d' ' -f2), $RUNS runs + 1 warm-up (wall time):"
    echo
    cat "$hf_md"
fi

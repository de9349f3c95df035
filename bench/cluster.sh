#!/usr/bin/env bash
# Live-cluster benchmark: `bulkhead scan --cluster` against the test API server on loopback
# serving a synthetic cluster of N objects (default 50,000).
#
# Usage:
#   bench/cluster.sh [OBJECTS]
#
# Environment knobs (all optional):
#   RUNS=3              timed runs (each one reads the whole cluster again)
#   BENCH_WORK=DIR      where the corpus, kubeconfig and reports live
#                       (default: ${TMPDIR:-/tmp}/bulkhead-bench-cluster)
#   SKIP_BUILD=1        do not run `cargo build --release`
#   BIN_DIR=DIR         where the two binaries are (default: target/release)
#
# The server runs in its own process (same machine, 2 cores shared with the scanner); its
# CPU time is not counted in the scan's. Wall time, CPU time (user+sys) and peak RSS of the
# scan come from `/usr/bin/time -f '%e %M %U %S'` around the whole process: connection,
# discovery, every paginated list (500 objects a page, 8 lists at a time), each node's
# configz, the snapshot, loading it, every check, and the JSON report. A `snapshot` run
# (read only, no checks) is timed the same way. Results go to standard output as Markdown.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/.." && pwd)"
cd "$repo_root"

objects="${1:-50000}"
RUNS="${RUNS:-3}"
BENCH_WORK="${BENCH_WORK:-${TMPDIR:-/tmp}/bulkhead-bench-cluster}"
generator="$repo_root/../shared/corpus/make-synthetic.py"
mkdir -p "$BENCH_WORK"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  cargo build --release -q -p bulkhead -p bulkhead-test-apiserver >&2
fi
bin_dir="${BIN_DIR:-$repo_root/target/release}"
bulkhead="$bin_dir/bulkhead"
server_bin="$bin_dir/bulkhead-test-apiserver"

corpus="$BENCH_WORK/synthetic-$objects"
if [ ! -e "$corpus/.done" ]; then
  rm -rf "$corpus"
  python3 "$generator" --objects "$objects" --out "$corpus" --seed 1 >&2
  touch "$corpus/.done"
fi

kubeconfig="$BENCH_WORK/kubeconfig"
rm -f "$kubeconfig"
"$server_bin" --kubeconfig "$kubeconfig" "$corpus" >"$BENCH_WORK/server.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  [ -s "$kubeconfig" ] && grep -q '^ready' "$BENCH_WORK/server.log" && break
  sleep 0.5
done
grep '^ready' "$BENCH_WORK/server.log" >&2

nproc_now="$(nproc)"
load_now="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "| run | command | objects scanned | findings | wall s | user+sys s | peak RSS MiB |"
echo "|---|---|---|---|---|---|---|"
for run in $(seq 1 "$RUNS"); do
  report="$BENCH_WORK/report.json"
  /usr/bin/time -f '%e %M %U %S' -o "$BENCH_WORK/time" \
    "$bulkhead" scan --kubeconfig "$kubeconfig" --no-config --exit-zero -q -f json -o "$report"
  read -r wall rss user sys <"$BENCH_WORK/time"
  scanned="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["objects"])' "$report")"
  findings="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["findings"])' "$report")"
  cpu="$(python3 -c "print(round($user + $sys, 2))")"
  echo "| $run | scan --cluster | $scanned | $findings | $wall | $cpu | $((rss / 1024)) |"
done
/usr/bin/time -f '%e %M %U %S' -o "$BENCH_WORK/time" \
  "$bulkhead" snapshot --kubeconfig "$kubeconfig" -q -o "$BENCH_WORK/cluster.yaml"
read -r wall rss user sys <"$BENCH_WORK/time"
cpu="$(python3 -c "print(round($user + $sys, 2))")"
echo "| - | snapshot --cluster ($(du -m "$BENCH_WORK/cluster.yaml" | cut -f1) MB) | - | - | $wall | $cpu | $((rss / 1024)) |"
/usr/bin/time -f '%e %M %U %S' -o "$BENCH_WORK/time" \
  "$bulkhead" scan "$BENCH_WORK/cluster.yaml" --no-config --exit-zero -f json -o "$BENCH_WORK/file.json"
read -r wall rss user sys <"$BENCH_WORK/time"
cpu="$(python3 -c "print(round($user + $sys, 2))")"
echo "| - | scan cluster.yaml (the snapshot file) | - | - | $wall | $cpu | $((rss / 1024)) |"
echo
echo "Machine: $nproc_now cores; load average at the end: $load_now (other builds running)."

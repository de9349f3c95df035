#!/usr/bin/env bash
# Memory of `bulkhead serve`: idle, during a scan of a synthetic cluster of N objects
# (default 50,000) served by the test API server on loopback, holding the result, during
# later scans (the previous result is still held until the next replaces it: the peak), idle
# after each of them (a plateau, not a climb, is what a long-running process needs), and
# while the dashboard is rendered.
#
# Usage:
#   bench/serve.sh [OBJECTS]
#
# Environment knobs (all optional):
#   BENCH_WORK=DIR      corpus, kubeconfig, logs (default: ${TMPDIR:-/tmp}/bulkhead-bench-cluster,
#                       shared with bench/cluster.sh so the corpus is generated once)
#   SKIP_BUILD=1        do not run `cargo build --release`
#   BIN_DIR=DIR         where the two binaries are (default: target/release)
#   SCANS=N             scans in all, the first included (default 4)
#   STORE=none          run without a history store (default: a new SQLite file in BENCH_WORK)
#   KEEP_FREED=1        serve --keep-freed-memory: do not ask the allocator to release what a
#                       replaced result freed (the comparison of docs/benchmarks.md)
#
# RSS is read from /proc/PID/status: VmRSS (now) and VmHWM (the peak so far). CPU time is
# user+sys of the serve process from /proc/PID/stat, so the API server's own work is not
# counted. Results go to standard output as Markdown.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/.." && pwd)"
cd "$repo_root"

objects="${1:-50000}"
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

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

kubeconfig="$BENCH_WORK/kubeconfig"
rm -f "$kubeconfig"
"$server_bin" --kubeconfig "$kubeconfig" "$corpus" >"$BENCH_WORK/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 600); do
  [ -s "$kubeconfig" ] && grep -q '^ready' "$BENCH_WORK/server.log" && break
  sleep 0.5
done
grep '^ready' "$BENCH_WORK/server.log" >&2

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss() { awk '/^VmRSS/ {print int($2/1024)}' "/proc/$1/status"; }
hwm() { awk '/^VmHWM/ {print int($2/1024)}' "/proc/$1/status"; }
# user+sys seconds of a process
cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14+$15)/hz}' "/proc/$1/stat"; }
wait_ready() {
  for _ in $(seq 1 1200); do
    curl -sf "http://127.0.0.1:$1/readyz" >/dev/null && return 0
    sleep 0.25
  done
  echo "serve did not become ready" >&2
  return 1
}

echo "| state | RSS MiB | peak RSS so far MiB | serve CPU s (user+sys) | wall s |"
echo "|---|---|---|---|---|"

# Idle with nothing held: a serve whose scans fail at once (nothing listens on port 9).
bad="$BENCH_WORK/kubeconfig-unreachable"
sed 's#server: https://127.0.0.1:[0-9]*#server: https://127.0.0.1:9#' "$kubeconfig" >"$bad"
port="$(free_port)"
"$bulkhead" serve --kubeconfig "$bad" --no-config --no-store --listen "127.0.0.1:$port" --interval 24h \
  2>"$BENCH_WORK/serve-idle.log" &
idle_pid=$!
pids+=("$idle_pid")
sleep 3
echo "| idle, no result yet (first scan failed: API unreachable) | $(rss "$idle_pid") | $(hwm "$idle_pid") | $(cpu "$idle_pid") | - |"
kill "$idle_pid"

scans="${SCANS:-4}"
store_args=(--no-store)
extra_args=()
[ "${KEEP_FREED:-0}" = 1 ] && extra_args=(--keep-freed-memory)
if [ "${STORE:-sqlite}" != none ]; then
  rm -f "$BENCH_WORK/serve-bench.db" "$BENCH_WORK/serve-bench.db-wal" "$BENCH_WORK/serve-bench.db-shm"
  store_args=(--store "$BENCH_WORK/serve-bench.db")
fi
port="$(free_port)"
start="$(date +%s.%N)"
"$bulkhead" serve --kubeconfig "$kubeconfig" --no-config --listen "127.0.0.1:$port" --interval 24h \
  "${store_args[@]}" "${extra_args[@]}" 2>"$BENCH_WORK/serve.log" &
pid=$!
pids+=("$pid")
wait_ready "$port"
end="$(date +%s.%N)"
echo "| first scan done ($objects objects; peak = during the scan) | $(rss "$pid") | $(hwm "$pid") | $(cpu "$pid") | $(python3 -c "print(round($end - $start, 2))") |"
sleep 5
echo "| idle, holding the result (5 s later) | $(rss "$pid") | $(hwm "$pid") | $(cpu "$pid") | - |"
for n in $(seq 2 "$scans"); do
  before="$(cpu "$pid")"
  answer="$(curl -sf -X POST "http://127.0.0.1:$port/scan")"
  wall="$(python3 -c 'import json,sys; print(round(json.loads(sys.argv[1])["durationSeconds"], 2))' "$answer")"
  after="$(cpu "$pid")"
  echo "| scan $n (POST /scan) done; peak = two results held at once | $(rss "$pid") | $(hwm "$pid") | $(python3 -c "print(round($after - $before, 2))") (this scan) | $wall |"
  sleep 5
  echo "| idle after scan $n (5 s later) | $(rss "$pid") | $(hwm "$pid") | $(cpu "$pid") | - |"
done
start="$(date +%s.%N)"
size="$(curl -sf "http://127.0.0.1:$port/" | wc -c)"
end="$(date +%s.%N)"
echo "| after GET / (dashboard, $((size / 1024 / 1024)) MiB of HTML) | $(rss "$pid") | $(hwm "$pid") | $(cpu "$pid") | $(python3 -c "print(round($end - $start, 2))") |"
curl -sf "http://127.0.0.1:$port/metrics" >"$BENCH_WORK/metrics.txt"
echo
grep -E '^bulkhead_(objects_read|findings\{severity="(critical|high)"\})' "$BENCH_WORK/metrics.txt" | sed 's/^/    /'
echo
echo "Store: ${store_args[*]}; ${extra_args[*]:-memory released after each replaced result}; MIMALLOC_PURGE_DELAY=${MIMALLOC_PURGE_DELAY:-default}."
echo "Machine: $(nproc) cores; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (other builds running)."

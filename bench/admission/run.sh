#!/usr/bin/env bash
# Admission webhook throughput and latency: `bulkhead admission` on loopback, `oha` sending
# the AdmissionReview of a typical Deployment (crates/bulkhead-server/tests/fixtures/admission/
# deployment-create.json: one container, default mode warn, 16 findings as warnings) over
# HTTPS with keep-alive, for DURATION seconds from CONNECTIONS connections.
#
# Usage: bench/admission/run.sh           (DURATION=20 CONNECTIONS=16 MODE=warn by default)
#
# Builds the release binary, installs oha once into OHA_ROOT (outside the repository; default
# ~/.cache/bulkhead-bench/oha), starts the webhook, sends one warm-up second, then measures.
# Prints requests per second, p50/p99/p99.9 latency, the share of non-200 answers, and the
# webhook's CPU time (user + system, from /proc) per review. The target is >= 2,000 reviews
# per second with p99 under 10 ms on 2 cores; oha runs on the same 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION="${DURATION:-20}"
CONNECTIONS="${CONNECTIONS:-16}"
MODE="${MODE:-warn}"
PORT="${PORT:-18443}"
OHA_ROOT="${OHA_ROOT:-$HOME/.cache/bulkhead-bench/oha}"

cargo build --release -q -p bulkhead
if [ ! -x "$OHA_ROOT/bin/oha" ]; then
  cargo install -q --locked oha --root "$OHA_ROOT"
fi
oha="$OHA_ROOT/bin/oha"
tls=crates/bulkhead-server/tests/fixtures/tls
review=crates/bulkhead-server/tests/fixtures/admission/deployment-create.json
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

target/release/bulkhead admission --listen "127.0.0.1:$PORT" --tls-cert "$tls/server.crt" \
  --tls-key "$tls/server.key" --default-mode "$MODE" >/dev/null 2>"$work/webhook.err" &
pid=$!
for _ in $(seq 50); do
  curl -sf --cacert "$tls/ca.crt" "https://localhost:$PORT/healthz" >/dev/null && break
  sleep 0.1
done
url="https://localhost:$PORT/validate"
send() {
  "$oha" --no-tui --insecure -z "$1" -c "$CONNECTIONS" -m POST -T application/json \
    -D "$review" --output-format json "$url"
}
send 1s >/dev/null
load=$(cut -d' ' -f1-3 /proc/loadavg)
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
before=$(ticks)
send "${DURATION}s" >"$work/oha.json"
after=$(ticks)
hz=$(getconf CLK_TCK)
python3 - "$work/oha.json" "$before" "$after" "$hz" "$(nproc)" "$load" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
before, after, hz = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
summary = report["summary"]
pct = report["latencyPercentiles"]
codes = report.get("statusCodeDistribution", {})
total = sum(int(n) for n in codes.values())
ok = int(codes.get("200", 0))
cpu = (after - before) / hz
print(f"reviews/s {summary['requestsPerSec']:.0f}  "
      f"p50 {pct['p50'] * 1000:.2f} ms  p99 {pct['p99'] * 1000:.2f} ms  p99.9 {pct['p99.9'] * 1000:.2f} ms  "
      f"non-200 {total - ok}/{total}")
if total:
    print(f"webhook CPU {cpu:.2f} s (user+sys) for {total} reviews: {cpu / total * 1e6:.0f} us per review")
print(f"cores {sys.argv[5]}  load average before the run {sys.argv[6]}")
PY

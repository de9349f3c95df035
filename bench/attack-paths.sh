#!/usr/bin/env bash
# The attack-path search at scale (docs/benchmarks.md, "Attack paths at scale"): generates the
# corpus once (bench/netpol.py + bench/rbac.py + bench/attack_paths.py: 5,511 workloads, 1,100
# NetworkPolicies, 20,000 roles), builds the release binary, and times
# `bulkhead attack-paths CORPUS -f json` (every path from the internet to cluster-admin, the
# nodes and the cloud metadata endpoint, with their cuts) 3 times, then the cost of loading
# alone (`scan --select BHW001`). Prints a Markdown table; CPU time (user+sys) is the figure
# to compare on a shared machine. Last, the check BHT001 alone (`scan --select BHT001`: the
# same graph and search toward cluster-admin, without the cuts).
#
#     bench/attack-paths.sh [CORPUS_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
corpus=${1:-${TMPDIR:-/tmp}/bulkhead-bench/attack-paths}
if [ ! -f "$corpus/.bench-complete" ]; then
    rm -rf "$corpus"
    mkdir -p "$corpus"
    python3 "$here/netpol.py" "$corpus/network" >&2
    python3 "$here/rbac.py" "$corpus/rbac" >&2
    python3 "$here/attack_paths.py" "$corpus/exposure" >&2
    touch "$corpus/.bench-complete"
fi
(cd "$root" && cargo build --release -p bulkhead >&2)
bin=$(mktemp -d)/bulkhead
cp "$root/target/release/bulkhead" "$bin"
report=$(mktemp)
times=$(mktemp)
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
run() {
    # prints: wall user sys maxrss_kb
    /usr/bin/time -f '%e %U %S %M' -o "$times" "$@" >"$report" 2>/dev/null || true
    tail -n 1 "$times"   # `time` first says so when the command exits 1 (a path exists)
}
echo "| command | run | wall s | CPU (user+sys) s | peak RSS | load avg |"
echo "|---|---:|---:|---:|---:|---:|"
for i in 1 2 3; do
    read -r wall user sys rss < <(run "$bin" attack-paths "$corpus" -f json)
    echo "| \`attack-paths -f json\` | $i | $wall | $(echo "$user + $sys" | bc) | $((rss / 1024)) MiB | $(cut -d' ' -f1 /proc/loadavg) |"
done
python3 - "$report" >&2 <<'PY'
import json, sys
found = json.load(open(sys.argv[1]))
paths = found["paths"]
by = {}
for p in paths:
    by[p["target"]] = by.get(p["target"], 0) + 1
print(f"{len(paths)} paths {by}, {len(found['fixes'])} fixes; longest {max((p['length'] for p in paths), default=0)} steps")
PY
read -r wall user sys rss < <(run "$bin" scan "$corpus" --select BHW001 -f json -o /dev/null --exit-zero)
echo "| \`scan --select BHW001\` (loading alone) | 1 | $wall | $(echo "$user + $sys" | bc) | $((rss / 1024)) MiB | $(cut -d' ' -f1 /proc/loadavg) |"
read -r wall user sys rss < <(run "$bin" scan "$corpus" --select BHT001 -f json -o /dev/null --exit-zero)
echo "| \`scan --select BHT001\` (loading + the check: no cuts) | 1 | $wall | $(echo "$user + $sys" | bc) | $((rss / 1024)) MiB | $(cut -d' ' -f1 /proc/loadavg) |"

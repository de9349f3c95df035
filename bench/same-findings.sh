#!/usr/bin/env bash
# Are two builds' findings identical? Runs `bulkhead scan DIR -f json` with a BEFORE and an
# AFTER binary on each corpus and compares the JSON reports' `findings` and `errors` (and the
# summary without its duration). A speed change must leave them exactly alike.
#
#   bench/same-findings.sh BEFORE_BIN AFTER_BIN [DIR...]
#
# DIRs default to the synthetic 1,000-object corpus (generated under BENCH_WORK as by
# bench/targets.sh) and ../shared/corpus/real-world. Extra scan flags: SCAN_FLAGS.
# Exit status 0 when every corpus matches, 1 otherwise (the first differences are printed).
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/.." && pwd)"
[[ $# -ge 2 ]] || { echo "usage: $0 BEFORE_BIN AFTER_BIN [DIR...]" >&2; exit 2; }
before="$1" after="$2"
shift 2
BENCH_WORK="${BENCH_WORK:-${TMPDIR:-/tmp}/bulkhead-bench}"
SYNTH_SEED="${SYNTH_SEED:-1}"

if [[ $# -eq 0 ]]; then
    # shellcheck source=bench/synthetic-corpus.sh
    source "$script_dir/synthetic-corpus.sh"
    synth="$(synthetic_corpus 1000)"
    set -- "$synth" "$repo_root/../shared/corpus/real-world"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
status=0
for dir in "$@"; do
    dir="$(cd "$dir" && pwd)"
    # shellcheck disable=SC2086
    "$before" scan "$dir" -f json -o "$work/before.json" --exit-zero ${SCAN_FLAGS:-} 2>/dev/null
    # shellcheck disable=SC2086
    "$after" scan "$dir" -f json -o "$work/after.json" --exit-zero ${SCAN_FLAGS:-} 2>/dev/null
    if python3 - "$work/before.json" "$work/after.json" "$dir" <<'PY'; then :; else status=1; fi
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for d in (a, b):
    d["summary"].pop("durationMs", None)
same = True
for key in ("summary", "errors", "findings"):
    x, y = a.get(key), b.get(key)
    if x == y:
        continue
    same = False
    if isinstance(x, list) and isinstance(y, list):
        print(f"{sys.argv[3]}: {key} differ ({len(x)} before, {len(y)} after)")
        for i, (p, q) in enumerate(zip(x, y)):
            if p != q:
                print(f"  first difference at #{i}:\n  before {json.dumps(p)}\n  after  {json.dumps(q)}")
                break
    else:
        print(f"{sys.argv[3]}: {key} differ:\n  before {json.dumps(x)}\n  after  {json.dumps(y)}")
n = len(a.get("findings", []))
print(f"{sys.argv[3]}: {'same' if same else 'DIFFERENT'} ({n} findings, {len(a.get('errors', []))} errors)")
sys.exit(0 if same else 1)
PY
done
exit "$status"

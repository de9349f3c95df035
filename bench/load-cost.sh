#!/usr/bin/env bash
# What validating against the Kubernetes API schema adds to loading.
#
# Usage: bench/load-cost.sh [CORPUS_DIR]     (default: the real-world corpus)
#
# Builds crates/bulkhead-model/examples/load_cost.rs in release mode, then times, RUNS times
# each (default 5, after one warm-up), loading the corpus alone and loading it with
# `schema::validate`, under `/usr/bin/time -f '%e %U %S'`. Prints the median wall time and the
# median CPU time (user + system) of each, and the in-process milliseconds of the last run.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-../shared/corpus/real-world}"
RUNS="${RUNS:-5}"
cargo build --release -q -p bulkhead-model --example load_cost
bin=target/release/examples/load_cost
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for mode in load validate; do
  flag=""
  [ "$mode" = validate ] && flag=--validate
  "$bin" "$corpus" $flag >/dev/null
  walls=() cpus=()
  for _ in $(seq "$RUNS"); do
    out=$( { /usr/bin/time -f '%e %U %S' "$bin" "$corpus" $flag >/tmp/load-cost.out; } 2>&1 )
    read -r wall user sys <<<"$out"
    walls+=("$wall")
    cpus+=("$(echo "$user + $sys" | bc)")
  done
  printf '%-9s wall %ss  cpu %ss  | %s\n' "$mode" \
    "$(printf '%s\n' "${walls[@]}" | median)" "$(printf '%s\n' "${cpus[@]}" | median)" \
    "$(cat /tmp/load-cost.out)"
done

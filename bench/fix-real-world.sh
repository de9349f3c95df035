#!/usr/bin/env bash
# `bulkhead fix` over the whole real-world corpus (../shared/corpus/real-world), every fix
# allowed, then checked: the fixed findings are gone on a re-scan (what is left is what
# `fix` said it could not fix), the files load with the same errors as before, no line the
# fixes did not write changed (a changed line keeps its key and indentation; only list
# items are deleted), and a second run changes nothing.
#
# Usage:
#   bench/fix-real-world.sh
#
# Environment knobs (all optional):
#   BENCH_WORK=DIR   where the copy of the corpus and the reports live
#                    (default: ${TMPDIR:-/tmp}/bulkhead-bench-fix)
#   SKIP_BUILD=1     do not run `cargo build --release`
#   BIN=PATH         the bulkhead binary (default: target/release/bulkhead)
#
# Wall time, peak RSS and CPU time (user+sys) of the `fix` run come from
# `/usr/bin/time -f '%e %M %U %S'`. Results go to standard output as Markdown; the script
# exits non-zero when a check fails.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/.." && pwd)"
cd "$repo_root"

corpus="$repo_root/../shared/corpus/real-world"
BENCH_WORK="${BENCH_WORK:-${TMPDIR:-/tmp}/bulkhead-bench-fix}"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  cargo build --release -q -p bulkhead >&2
fi
bulkhead="${BIN:-$repo_root/target/release/bulkhead}"

rm -rf "$BENCH_WORK"
mkdir -p "$BENCH_WORK"
cp -r "$corpus" "$BENCH_WORK/original"
cp -r "$corpus" "$BENCH_WORK/fixed"
cd "$BENCH_WORK"

defaults=(--default-request cpu=100m --default-request memory=128Mi
  --default-limit cpu=1 --default-limit memory=512Mi --default-limit ephemeral-storage=1Gi)

"$bulkhead" scan --no-config --exit-zero -f json -o before.json fixed
/usr/bin/time -o fix.time -f '%e %M %U %S' \
  "$bulkhead" fix --no-config --unsafe "${defaults[@]}" fixed >fix.log 2>&1 || true
"$bulkhead" scan --no-config --exit-zero -f json -o after.json fixed
"$bulkhead" fix --no-config --unsafe "${defaults[@]}" fixed >again.log 2>&1 || true

python3 - <<'PY'
import collections, difflib, json, os, re, sys

def load(name):
    with open(name) as f:
        report = json.load(f)
    errors = sum(1 for e in report.get("errors", []) if e.get("severity") == "error")
    return report["findings"], errors

before, errors_before = load("before.json")
after, errors_after = load("after.json")
log = open("fix.log").read().splitlines()
fixed = collections.Counter(m.group(1) for l in log if (m := re.search(r": fixed (BH\w+) ", l)))
not_fixed = collections.Counter(m.group(1) for l in log if (m := re.search(r": (BH\w+) not fixed: ", l)))
fixable = set(fixed) | set(not_fixed)
count = lambda findings: collections.Counter(
    f["check"] for f in findings if f["check"] in fixable and not f.get("suppressed"))
b, a = count(before), count(after)
failures = []
for check in sorted(fixable):
    if a[check] > not_fixed[check]:
        failures.append(f"{check}: {a[check]} left after the fix, {not_fixed[check]} named as not fixed")
if errors_after != errors_before:
    failures.append(f"load errors {errors_before} -> {errors_after}")

def key(l):
    return l.split(":", 1)[0].strip().strip('"')

def value(l):
    return l.split(":", 1)[1].rstrip("\n") if ":" in l else None

def indent(l):
    return len(l) - len(l.lstrip())

def same_field(o, n):
    """`n` is `o` with only its value changed, its key renamed, a flow item appended, or a
    line break added (a last line without one)."""
    o, n = o.rstrip("\n"), n.rstrip("\n")
    if o == n:
        return True
    if indent(o) != indent(n):
        return False
    return (key(o) == key(n) and ":" in o and ":" in n) or (
        value(o) is not None and value(o) == value(n)) or n.startswith(o.rstrip("}]"))

files = changed = 0
for root, _, names in os.walk("original"):
    for name in names:
        old_path = os.path.join(root, name)
        new_path = os.path.join("fixed", os.path.relpath(old_path, "original"))
        try:
            old = open(old_path, encoding="utf-8").read().splitlines(keepends=True)
            new = open(new_path, encoding="utf-8").read().splitlines(keepends=True)
        except UnicodeDecodeError:
            continue
        files += 1
        if old == new:
            continue
        changed += 1
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
            if tag == "equal":
                continue
            for o in old[i1:i2]:
                if not any(same_field(o, n) for n in new[j1:j2]) and not o.lstrip().startswith("- "):
                    failures.append(f"{new_path}:{i1+1}: line changed or deleted: {o!r}")
again = open("again.log").read().strip().splitlines()[-1]
if not again.startswith("Fixed 0 findings"):
    failures.append(f"second run: {again}")

wall, rss, user, sys_ = open("fix.time").read().split()
print("| files | files changed | fixes applied | not fixed | fixable findings before → after | load errors before/after | fix wall | fix CPU (user+sys) | peak RSS |")
print("|---|---|---|---|---|---|---|---|---|")
print(f"| {files} | {changed} | {sum(fixed.values())} | {sum(not_fixed.values())} | {sum(b.values())} → {sum(a.values())} | {errors_before}/{errors_after} | {float(wall):.1f} s | {float(user)+float(sys_):.1f} s | {int(rss)//1024} MiB |")
print()
print("| check | fixed | not fixed | before | after |")
print("|---|---|---|---|---|")
for check in sorted(fixable):
    print(f"| {check} | {fixed[check]} | {not_fixed[check]} | {b[check]} | {a[check]} |")
if failures:
    print("\nFAILED:", *failures[:50], sep="\n", file=sys.stderr)
    sys.exit(1)
PY

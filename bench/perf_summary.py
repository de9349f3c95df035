#!/usr/bin/env python3
"""Summarises a `perf record --call-graph dwarf` profile of a Bulkhead binary.

    perf record -F 499 --call-graph dwarf,16384 -o perf.data BINARY scan DIR -f json -o r.json
    bench/perf_summary.py BINARY perf.data [--callers SUBSTRING[,SUBSTRING...]]

Prints the share of samples in each function itself (self) and under it (children), or,
with --callers, which of our functions called the matching ones. Names come from the
binary's symbol table (`nm`), not from `perf report`, which does not always resolve a
position-independent Rust binary's symbols.
"""
import argparse
import bisect
import collections
import re
import subprocess


def symbol_table(binary):
    """(addresses, names) of the binary's functions, and the text segment's offset shift."""
    syms = []
    out = subprocess.run(["nm", "-C", "-n", "--defined-only", binary],
                         capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        parts = line.split(" ", 2)
        if len(parts) == 3 and parts[1] in "tTwW":
            syms.append((int(parts[0], 16), parts[2]))
    # perf reports file offsets; symbols are virtual addresses: the executable segment's
    # difference between the two maps one onto the other.
    shift = 0
    headers = subprocess.run(["readelf", "-lW", binary], capture_output=True, text=True).stdout
    for line in headers.splitlines():
        fields = line.split()
        if fields and fields[0] == "LOAD" and "E" in fields[6:-1]:
            shift = int(fields[2], 16) - int(fields[1], 16)
            break
    return [a for a, _ in syms], [n for _, n in syms], shift


def stacks(binary, data):
    """Each sample's call stack, innermost first, as function names."""
    addrs, names, shift = symbol_table(binary)
    base = binary.rsplit("/", 1)[-1]
    out = subprocess.run(["perf", "script", "-i", data, "-F", "ip,dso,sym", "--no-inline"],
                         capture_output=True, text=True).stdout
    stack = []
    for line in out.splitlines() + [""]:
        if not line.strip():
            if stack:
                yield stack
            stack = []
            continue
        m = re.match(r"\s*([0-9a-f]+)\s+(.*)\((.*)\)\s*$", line)
        if not m:
            continue
        name = m.group(2).strip()
        if base in m.group(3):
            i = bisect.bisect_right(addrs, int(m.group(1), 16) + shift) - 1
            name = names[i] if i >= 0 else "?"
        stack.append(re.sub(r"::h[0-9a-f]{16}$", "", name)[:140])


LIBRARY = re.compile(r"^(core::|alloc::|std::|<core|<alloc|<std|__mem|hashbrown|<hashbrown|_mi|mi_|<&|<\[)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("data")
    parser.add_argument("--callers")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    own, under, callers = collections.Counter(), collections.Counter(), collections.Counter()
    total = 0
    targets = args.callers.split(",") if args.callers else []
    for stack in stacks(args.binary, args.data):
        total += 1
        own[stack[0]] += 1
        for name in set(stack):
            under[name] += 1
        if targets and any(t in stack[0] for t in targets):
            caller = next((f for f in stack[1:] if not LIBRARY.match(f)), "?")
            callers[caller] += 1
    print(f"{total} samples")
    if targets:
        for name, n in callers.most_common(args.top):
            print(f"{n * 100 / total:5.1f}%  {name}")
        return
    print("== self")
    for name, n in own.most_common(args.top):
        print(f"{n * 100 / total:5.1f}%  {name}")
    print("== children (our crates)")
    for name, n in under.most_common():
        if name.startswith("bulkhead"):
            print(f"{n * 100 / total:5.1f}%  {name}")


if __name__ == "__main__":
    main()

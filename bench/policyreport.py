#!/usr/bin/env python3
"""PolicyReport output of a corpus: how many objects, the largest, the total.

Usage:
    bench/policyreport.py [--binary PATH] [--corpus DIR]

Runs `bulkhead scan --no-config --exit-zero -f policyreport` on the corpus under
/usr/bin/time and prints one Markdown row: documents, parts beyond the first of a
report, the largest document in bytes (the API server refuses objects over about
1.5 MiB; Bulkhead keeps each under 1 MiB = 1,048,576 bytes), the total, and the
CPU (user + sys) and wall time with the machine's load average.
"""

import argparse
import os
import subprocess
import tempfile


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default="target/release/bulkhead")
    parser.add_argument("--corpus", default="../shared/corpus/real-world")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "reports.yaml")
        timing = os.path.join(tmp, "time")
        subprocess.run(
            ["/usr/bin/time", "-f", "%e %U %S %M", "-o", timing, args.binary, "scan",
             "--no-config", "--exit-zero", "-f", "policyreport", "-o", out, args.corpus],
            check=True,
        )
        wall, user, system, rss = open(timing).read().split()[-4:]
        text = open(out, encoding="utf-8").read()
    docs = text.split("\n---\n")
    docs[0] = docs[0].removeprefix("---\n")
    sizes = [len(d.encode()) for d in docs]
    extra = sum(1 for d in docs if 'bulkhead.dev/part: "1"' not in d)
    load = os.getloadavg()[0]
    print("| documents | extra parts | largest (bytes) | total (MB) | CPU s | wall s | load |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {len(docs)} | {extra} | {max(sizes):,} | {sum(sizes) / 1e6:.1f} | "
          f"{float(user) + float(system):.1f} | {float(wall):.1f} | {load:.0f} |")
    assert max(sizes) <= 1 << 20, "a report over 1 MiB"


if __name__ == "__main__":
    main()

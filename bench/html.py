#!/usr/bin/env python3
"""Size and time to interactive of the HTML report in headless Chromium.

Usage:
    bench/html.py [--binary PATH] [--findings N] [--corpus DIR] [--runs R]

For a generated manifest of about N findings (Pods of 31 findings each, as the
`html_report_of_100k_findings_is_small_and_renders` test writes them) and, with
--corpus, for a directory of manifests, it writes `bulkhead scan -f html`, then
loads the page R times in headless Chromium (`--dump-dom`, a fresh profile each
time) and reports:

- the report's size and bytes per finding;
- ready: `data-ready-ms`, which the page's script sets when the table is drawn
  and its controls work, as `performance.now()` (milliseconds since navigation
  start: reading and parsing the page, parsing the findings data, drawing the
  rows in view); median and min over the runs;
- the wall time of the whole Chromium process (start-up and shut-down included).

The generated page is also opened on a view (in its URL fragment) that searches
the text of every finding, sorts by message and groups by object, which the
script applies before it reports ready.

The machine's load average is printed: on a shared machine wall times are mostly
waiting for a core, so compare the CPU times. Results go to standard output as
Markdown rows; progress to standard error.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

POD = """apiVersion: v1
kind: Pod
metadata:
  name: app-{i}
  namespace: team-{ns}
spec:
  hostPID: true
  hostNetwork: true
  containers:
    - name: c{i}
      image: registry.example/app:latest
      env:
        - name: DB_PASSWORD
          value: hunter{i}
      securityContext:
        privileged: true
        runAsUser: 0
        allowPrivilegeEscalation: true
        capabilities:
          add: ["SYS_ADMIN", "NET_ADMIN"]
    - name: d{i}
      image: registry.example/side:1.0
"""


# Search every finding's text, sort by message, group by object.
VIEW = "q=team-3%2F&sort=message&dir=asc&group=object"


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def scan(binary, inputs, report):
    started = time.monotonic()
    subprocess.run(
        [binary, "scan", "--exit-zero", "-f", "html", "-o", report, *inputs],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.monotonic() - started


def load(chromium, page, scratch, n, fragment=""):
    """One headless load; returns (ready ms, wall s, findings counted by the page)."""
    profile = os.path.join(scratch, f"profile-{n}")
    started = time.monotonic()
    done = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            f"--user-data-dir={profile}",
            "--window-size=1280,1000",
            "--dump-dom",
            "file://" + os.path.abspath(page) + fragment,
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    wall = time.monotonic() - started
    shutil.rmtree(profile, ignore_errors=True)
    body = re.search(r"<body([^>]*)>", done.stdout)
    attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', body.group(1) if body else ""))
    if attrs.get("data-ok") != "1" or "data-error" in attrs:
        sys.exit(f"the page did not become ready: {attrs}")
    return int(attrs["data-ready-ms"]), wall, int(attrs["data-rows"])


def measure(name, chromium, binary, inputs, work, runs, fragment=""):
    report = os.path.join(work, "report.html")
    log(f"{name}: scanning")
    scan_wall = scan(binary, inputs, report)
    size = os.path.getsize(report)
    results = []
    for n in range(runs):
        results.append(load(chromium, report, work, n, fragment))
        log(f"{name}: run {n + 1}: ready {results[-1][0]} ms, wall {results[-1][1]:.2f} s")
    ready = [r[0] for r in results]
    wall = [r[1] for r in results]
    findings = results[0][2]
    print(
        f"| {name} | {findings:,} | {size / 1e6:.1f} MB | {size / max(findings, 1):.0f} B "
        f"| {statistics.median(ready):.0f} ms (min {min(ready)}) "
        f"| {statistics.median(wall):.2f} s "
        f"| {scan_wall:.1f} s |",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=os.path.join(REPO, "target/release/bulkhead"))
    parser.add_argument("--findings", type=int, default=100_000)
    parser.add_argument("--corpus", help="also measure a scan of this directory")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    args = parser.parse_args()
    if not os.path.exists(args.binary):
        sys.exit(f"{args.binary} not found: cargo build --release -p bulkhead, or --binary")
    with tempfile.TemporaryDirectory(prefix="bulkhead-html-bench-") as work:
        manifest = os.path.join(work, "pods.yaml")
        pods = -(-args.findings // 31)
        with open(manifest, "w") as out:
            out.write("---\n".join(POD.format(i=i, ns=i % 20) for i in range(pods)))
        log(f"load average: {os.getloadavg()}")
        print(
            "| input | findings | report | per finding | ready (median) "
            "| Chromium wall | scan wall |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|")
        name = f"generated ({pods:,} Pods)"
        measure(name, args.chromium, args.binary, [manifest], work, args.runs)
        # The same page opened on a view that searches, sorts and groups all of it.
        measure(
            f"{name}, {VIEW}",
            args.chromium,
            args.binary,
            [manifest],
            work,
            args.runs,
            "#" + VIEW,
        )
        if args.corpus:
            measure("real-world corpus", args.chromium, args.binary, [args.corpus], work, args.runs)
        log(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Benchmark for `bulkhead node`: builds a kubeadm control-plane node tree and times the audit.

Usage: bench/node.py [--runs 10] [--processes 400] [--certificates 40] [--work DIR]

The tree holds the four hardened static Pods of the test suite, a kubelet systemd unit with
kubeadm's drop-in and flags file, a kubelet config, kubeconfigs, a PKI directory with
`--certificates` certificates (copies of the collector's test certificates), CNI files, the
node's own passwd/group, and a fake /proc with `--processes` processes (one of them the
kubelet). Wall time and peak RSS come from /usr/bin/time around the whole process; results are
printed as Markdown.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MANIFESTS = os.path.join(REPO, "crates/bulkhead-checks/tests/control-plane/hardened")
CERTS = os.path.join(REPO, "crates/bulkhead-node/tests/fixtures/pki")

UNIT = "[Unit]\nDescription=kubelet\n[Service]\nExecStart=/usr/bin/kubelet\nRestart=always\n"
DROP_IN = (
    "[Service]\n"
    'Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf '
    '--kubeconfig=/etc/kubernetes/kubelet.conf"\n'
    'Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"\n'
    "EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env\n"
    "EnvironmentFile=-/etc/default/kubelet\n"
    "ExecStart=\n"
    "ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS\n"
)
FLAGS = 'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock"\n'
CONFIG = """apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: /etc/kubernetes/pki/ca.crt}
authorization: {mode: Webhook}
readOnlyPort: 0
rotateCertificates: true
serverTLSBootstrap: true
staticPodPath: /etc/kubernetes/manifests
"""


def write(root, path, text, mode=0o600):
    full = os.path.join(root, path.lstrip("/"))
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(text if isinstance(text, bytes) else text.encode())
    os.chmod(full, mode)


def build(root, processes, certificates):
    uid, gid = os.getuid(), os.getgid()
    write(root, "/etc/passwd", f"root:x:{uid}:{gid}:root:/root:/bin/sh\n", 0o644)
    write(root, "/etc/group", f"root:x:{gid}:\n", 0o644)
    for name in sorted(os.listdir(MANIFESTS)):
        with open(os.path.join(MANIFESTS, name)) as f:
            write(root, f"/etc/kubernetes/manifests/{name}", f.read())
    write(root, "/lib/systemd/system/kubelet.service", UNIT, 0o644)
    write(root, "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf", DROP_IN, 0o644)
    write(root, "/var/lib/kubelet/kubeadm-flags.env", FLAGS)
    write(root, "/var/lib/kubelet/config.yaml", CONFIG)
    for conf in ["admin.conf", "super-admin.conf", "scheduler.conf", "controller-manager.conf", "kubelet.conf"]:
        write(root, f"/etc/kubernetes/{conf}", "apiVersion: v1\nkind: Config\n")
    write(root, "/etc/cni/net.d/10-bridge.conflist", "{}\n")
    os.makedirs(os.path.join(root, "var/lib/etcd"), exist_ok=True)
    os.chmod(os.path.join(root, "var/lib/etcd"), 0o700)
    pems = sorted(f for f in os.listdir(CERTS) if f.endswith(".crt"))
    for i in range(certificates):
        with open(os.path.join(CERTS, pems[i % len(pems)]), "rb") as f:
            name = "ca.crt" if i == 0 else f"cert-{i}.crt"
            write(root, f"/etc/kubernetes/pki/{name}", f.read(), 0o644)
        write(root, f"/etc/kubernetes/pki/cert-{i}.key", "not a key\n")
    kubelet = "\0".join(["/usr/bin/kubelet", "--config=/var/lib/kubelet/config.yaml",
                         "--kubeconfig=/etc/kubernetes/kubelet.conf"]) + "\0"
    write(root, "/proc/1000/cmdline", kubelet, 0o444)
    for pid in range(2000, 2000 + processes - 1):
        write(root, f"/proc/{pid}/cmdline", f"/usr/sbin/daemon-{pid}\0--flag=value\0", 0o444)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--processes", type=int, default=400)
    parser.add_argument("--certificates", type=int, default=40)
    parser.add_argument("--work")
    parser.add_argument("--binary", default=os.path.join(REPO, "target/release/bulkhead"))
    parser.add_argument("--build-only", metavar="DIR",
                        help="only write the node tree to DIR (CI uses it for the SARIF check)")
    args = parser.parse_args()
    if args.build_only:
        shutil.rmtree(args.build_only, ignore_errors=True)
        build(args.build_only, args.processes, args.certificates)
        return
    work = args.work or tempfile.mkdtemp(prefix="bulkhead-node-bench-")
    root = os.path.join(work, "node")
    shutil.rmtree(root, ignore_errors=True)
    build(root, args.processes, args.certificates)
    command = [args.binary, "node", "--root", root, "--framework", "cis-1.12", "-f", "json",
               "-o", os.devnull, "--exit-zero"]
    walls, rss = [], []
    for _ in range(args.runs):
        out = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + command,
                             capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(f"bulkhead node failed: {out.stderr}")
        wall, kib = out.stderr.strip().splitlines()[-1].split()
        walls.append(float(wall))
        rss.append(int(kib) / 1024)
    report = subprocess.run(command[:-3] + ["--exit-zero"], capture_output=True, text=True).stdout
    import json
    data = json.loads(report)
    print("| processes | certificates | objects | findings | median wall s | min wall s | peak RSS MiB |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {args.processes} | {args.certificates} | {data['summary'].get('objects', '?')} | "
          f"{len(data['findings'])} | {statistics.median(walls):.3f} | {min(walls):.3f} | {max(rss):.1f} |")


if __name__ == "__main__":
    main()

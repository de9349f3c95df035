#!/usr/bin/env python3
"""Generates a realistic Kubernetes audit log (the log backend's JSON lines) of a given size,
and times `bulkhead audit-log` on it.

The mix follows what a busy cluster's log holds: kubelets and controllers reading and
watching (Metadata level), lease renewals, service accounts reading configmaps and secrets,
users listing and describing, a few percent of writes with bodies (Pods, Deployments,
Services, RBAC objects at RequestResponse level), exec sessions, and 401/403 answers.
Events average about 1 KB. A pool of 20,000 distinct events is repeated with fresh audit IDs
and timestamps, so generating 1 GB takes seconds, not hours.

    bench/audit_log.py generate --size-mb 1024 --out audit.log [--seed 1]
    bench/audit_log.py run --log audit.log [--bulkhead target/release/bulkhead] [--runs 3]

`run` reports wall time, user+system CPU time and peak RSS from /usr/bin/time, with
RAYON_NUM_THREADS=1 (one core) and with the default thread count, and events per second of
CPU time; output is Markdown for docs/benchmarks.md.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import uuid

NAMESPACES = [f"team-{i}" for i in range(40)] + ["default", "kube-system", "monitoring", "ingress-nginx"]
NODES = [f"ip-10-0-{i // 250}-{i % 250}.ec2.internal" for i in range(60)]
USERS = ["alice@example.com", "bob@example.com", "carol@example.com", "deploy-bot@example.com"]
AGENT_KUBECTL = "kubectl/v1.30.1 (linux/amd64) kubernetes/7c48c2b"
AGENT_KUBELET = "kubelet/v1.30.1 (linux/amd64) kubernetes/7c48c2b"
AGENT_CM = "kube-controller-manager/v1.30.1 (linux/amd64) kubernetes/7c48c2b/system:serviceaccount:kube-system:replicaset-controller"


def pod(name, ns, privileged=False):
    c = {"name": "app", "image": f"registry.example.com/{ns}/app:1.{random.randint(0, 40)}.0",
         "ports": [{"containerPort": 8080, "protocol": "TCP"}],
         "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
         "securityContext": {"runAsNonRoot": True, "allowPrivilegeEscalation": False,
                             "readOnlyRootFilesystem": True, "capabilities": {"drop": ["ALL"]}}}
    if privileged:
        c["securityContext"] = {"privileged": True}
    return {"kind": "Pod", "apiVersion": "v1",
            "metadata": {"name": name, "namespace": ns, "labels": {"app": "web", "pod-template-hash": "7c9f8d"},
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7c9f8d", "uid": str(uuid.UUID(int=random.getrandbits(128))), "controller": True}]},
            "spec": {"serviceAccountName": "web", "automountServiceAccountToken": False,
                     "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
                     "containers": [c]}}


def event(ts, verb, user, groups, agent, resource, ns=None, name=None, sub=None, code=200, group="", level="Metadata", req=None, resp=None, ip=None):
    base = f"/apis/{group}/v1" if group else "/api/v1"
    uri = base + (f"/namespaces/{ns}" if ns else "") + f"/{resource}" + (f"/{name}" if name else "") + (f"/{sub}" if sub else "")
    if verb == "watch":
        uri += "?allowWatchBookmarks=true&resourceVersion=123456789&timeout=7m39s&timeoutSeconds=459&watch=true"
    elif verb == "list":
        uri += "?limit=500&resourceVersion=0"
    obj = {"resource": resource, "apiGroup": group, "apiVersion": "v1"}
    if ns: obj["namespace"] = ns
    if name: obj["name"] = name
    if sub: obj["subresource"] = sub
    e = {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": level,
         "auditID": str(uuid.UUID(int=random.getrandbits(128))), "stage": "ResponseComplete",
         "requestURI": uri, "verb": verb,
         "user": {"username": user, "uid": str(uuid.UUID(int=random.getrandbits(128))), "groups": groups},
         "sourceIPs": [ip or f"10.0.{random.randint(0, 3)}.{random.randint(1, 250)}"], "userAgent": agent,
         "objectRef": obj, "responseStatus": {"metadata": {}, "code": code}}
    if code >= 400:
        e["responseStatus"].update({"status": "Failure", "message": f"{resource} is forbidden: User \"{user}\" cannot {verb} resource \"{resource}\"", "reason": "Forbidden", "details": {"kind": resource}})
    if req is not None: e["requestObject"] = req
    if resp is not None: e["responseObject"] = resp
    e["requestReceivedTimestamp"] = ts
    e["stageTimestamp"] = ts[:-2] + "9Z"
    e["annotations"] = {"authorization.k8s.io/decision": "forbid" if code == 403 else "allow",
                        "authorization.k8s.io/reason": "" if code == 403 else f"RBAC: allowed by ClusterRoleBinding \"system:{resource}\" of ClusterRole \"system:{resource}\" to Group \"system:nodes\""}
    return e


def one(i, t):
    ts = f"2024-05-01T{(t // 3600) % 24:02d}:{(t // 60) % 60:02d}:{t % 60:02d}.{i % 1000000:06d}Z"
    r = random.random()
    node = random.choice(NODES)
    ns = random.choice(NAMESPACES)
    kubelet = (f"system:node:{node}", ["system:nodes", "system:authenticated"], AGENT_KUBELET)
    if r < 0.30:
        return event(ts, "update", *kubelet, "leases", ns="kube-node-lease", name=node, group="coordination.k8s.io")
    if r < 0.50:
        return event(ts, random.choice(["get", "watch"]), *kubelet, random.choice(["pods", "configmaps", "secrets", "nodes"]), ns=ns, name=f"web-{i % 97}")
    if r < 0.65:
        sa = f"system:serviceaccount:{ns}:web"
        return event(ts, random.choice(["get", "list"]), sa, [f"system:serviceaccounts:{ns}", "system:serviceaccounts", "system:authenticated"], "web/2.3.1", random.choice(["configmaps", "secrets", "endpoints"]), ns=ns)
    if r < 0.80:
        return event(ts, random.choice(["list", "watch"]), "system:serviceaccount:kube-system:replicaset-controller", ["system:serviceaccounts", "system:authenticated"], AGENT_CM, random.choice(["replicasets", "pods", "deployments"]), group=random.choice(["", "apps"]))
    if r < 0.93:
        return event(ts, random.choice(["get", "list"]), random.choice(USERS), ["developers", "system:authenticated"], AGENT_KUBECTL, random.choice(["pods", "services", "deployments", "events"]), ns=ns, ip=f"10.8.{random.randint(0, 3)}.{random.randint(1, 250)}")
    if r < 0.96:
        return event(ts, random.choice(["get", "list", "create"]), random.choice(USERS + ["system:anonymous"]), ["system:authenticated"], AGENT_KUBECTL, "secrets", ns=ns, code=random.choice([401, 403]))
    if r < 0.985:
        name = f"web-7c9f8d-{i % 100000:05x}"
        body = pod(name, ns, privileged=(i % 997 == 0))
        return event(ts, "create", "system:serviceaccount:kube-system:replicaset-controller", ["system:serviceaccounts", "system:authenticated"], AGENT_CM, "pods", ns=ns, code=201, level="RequestResponse", req=body)
    if r < 0.995:
        return event(ts, "create", random.choice(USERS), ["developers", "system:authenticated"], AGENT_KUBECTL, "pods", ns=ns, name=f"web-{i % 97}", sub="exec", code=101)
    return event(ts, "patch", random.choice(USERS), ["developers", "system:authenticated"], AGENT_KUBECTL, "deployments", ns=ns, name="web", group="apps", level="Request", req={"spec": {"replicas": random.randint(1, 9)}})


def generate(size_mb, out, seed, pool_size=20000):
    """A pool of distinct events is built once (Python's json is slow); the log is the pool
    repeated with a fresh auditID and an increasing timestamp in every line."""
    random.seed(seed)
    pool = []
    for i in range(pool_size):
        e = one(i, 0)
        e["auditID"] = "@ID@"
        e["requestReceivedTimestamp"] = "@TS@"
        e["stageTimestamp"] = "@TS@"
        pool.append(json.dumps(e, separators=(",", ":")))
    target = size_mb * 1_000_000
    written = 0
    i = 0
    with open(out, "w") as f:
        while written < target:
            lines = []
            for template in pool:
                # about 1,000 events per second of log time
                t = 43200 + i // 1000
                ts = f"2024-05-01T{(t // 3600) % 24:02d}:{(t // 60) % 60:02d}:{t % 60:02d}.{i % 1000 * 1000:06d}Z"
                lines.append(template.replace("@ID@", f"{seed:08x}-{i // 65536 % 65536:04x}-4{i % 4096:03x}-8000-{i:012x}").replace("@TS@", ts))
                i += 1
            chunk = "\n".join(lines) + "\n"
            f.write(chunk)
            written += len(chunk)
    print(f"{out}: {i} events, {written / 1e6:.0f} MB", file=sys.stderr)
    return i


def timed(cmd, env):
    r = subprocess.run(["/usr/bin/time", "-f", "%e %M %U %S"] + cmd, env=env, capture_output=True, text=True)
    last = r.stderr.strip().splitlines()[-1].split()
    wall, rss, user, sys_ = float(last[0]), int(last[1]), float(last[2]), float(last[3])
    summary = [l for l in r.stderr.splitlines() if " events, " in l]
    return wall, rss, user + sys_, summary[0] if summary else ""


def run(log, bulkhead, runs):
    size = os.path.getsize(log)
    events = sum(1 for _ in open(log, "rb"))
    cmd = [bulkhead, "audit-log", "--format", "json", "-o", "/dev/null", "--exit-zero", log]
    print(f"Log: {size / 1e6:.0f} MB, {events} events. Command: `{' '.join(cmd)}`\n")
    print("| threads | wall s (median) | CPU s user+sys (median) | events/s per CPU-second | MB/s per CPU-second | peak RSS MB |")
    print("|---|---|---|---|---|---|")
    for threads in ["1", None]:
        env = dict(os.environ)
        if threads:
            env["RAYON_NUM_THREADS"] = threads
        else:
            env.pop("RAYON_NUM_THREADS", None)
        timed(cmd, env)  # warm-up: page cache
        results = sorted((timed(cmd, env) for _ in range(runs)), key=lambda r: r[2])
        wall = sorted(r[0] for r in results)[len(results) // 2]
        cpu = results[len(results) // 2][2]
        rss = max(r[1] for r in results)
        print(f"| {threads or 'default (' + str(os.cpu_count()) + ' cores)'} | {wall:.2f} | {cpu:.2f} | {events / cpu:,.0f} | {size / 1e6 / cpu:.0f} | {rss / 1024:.0f} |")
    print(f"\nSummary line of the last run: `{results[-1][3]}`")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--size-mb", type=int, default=1024)
    g.add_argument("--out", required=True)
    g.add_argument("--seed", type=int, default=1)
    r = sub.add_parser("run")
    r.add_argument("--log", required=True)
    r.add_argument("--bulkhead", default="target/release/bulkhead")
    r.add_argument("--runs", type=int, default=3)
    a = p.parse_args()
    if a.command == "generate":
        generate(a.size_mb, a.out, a.seed)
    else:
        run(a.log, a.bulkhead, a.runs)


if __name__ == "__main__":
    main()

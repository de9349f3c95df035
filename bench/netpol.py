#!/usr/bin/env python3
"""Generates the NetworkPolicy scale corpus: 5,000 workloads in 200 namespaces with 1,000
policies (docs/benchmarks.md, "NetworkPolicy reachability at scale").

Each namespace (label team=t<n%10>) holds 25 Deployments in three tiers (web, api, db) and
5 policies: a default deny (ingress everywhere, egress in every other namespace), web open
to its team's namespaces on 8080, api from web on a named port, db from api on 5432, and an
egress allow for DNS and the api tier.

With --pod-dump, each Deployment is written as a live cluster's `kubectl get pods -o yaml`
shows it instead: its 3 Pods, owned by a ReplicaSet `<name>-<hash>` that is not in the
files (the pods are then grouped back under the Deployment's name), and no Namespace
objects (so the namespace selectors depend on unknown labels).
"""

import argparse
import os

TIERS = ["web"] * 8 + ["api"] * 9 + ["db"] * 8


def deployment(ns, i, tier):
    port = {"web": 8080, "api": 9000, "db": 5432}[tier]
    return f"""---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: w{i}, namespace: {ns}}}
spec:
  replicas: 3
  selector: {{matchLabels: {{app: w{i}}}}}
  template:
    metadata: {{labels: {{app: w{i}, tier: {tier}}}}}
    spec:
      containers:
        - name: main
          image: registry.example/{tier}:1.0
          ports: [{{name: {tier}-port, containerPort: {port}}}]
"""


def pods(ns, i, tier):
    port = {"web": 8080, "api": 9000, "db": 5432}[tier]
    out = []
    for r in range(3):
        out.append(f"""---
apiVersion: v1
kind: Pod
metadata:
  name: w{i}-5d8f7-{r:05}
  namespace: {ns}
  labels: {{app: w{i}, tier: {tier}, pod-template-hash: 5d8f7}}
  ownerReferences:
    - {{apiVersion: apps/v1, kind: ReplicaSet, name: w{i}-5d8f7, uid: u{i}, controller: true}}
spec:
  containers:
    - name: main
      image: registry.example/{tier}:1.0
      ports: [{{name: {tier}-port, containerPort: {port}}}]
status: {{podIP: 10.{i // 250}.{i % 250}.{r + 1}}}
""")
    return "".join(out)


def policies(ns, n):
    types = "[Ingress, Egress]" if n % 2 else "[Ingress]"
    team = f"t{n % 10}"
    return f"""---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: default-deny, namespace: {ns}}}
spec:
  podSelector: {{}}
  policyTypes: {types}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: web, namespace: {ns}}}
spec:
  podSelector: {{matchLabels: {{tier: web}}}}
  ingress:
    - from: [{{namespaceSelector: {{matchLabels: {{team: {team}}}}}}}]
      ports: [{{port: 8080}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: api, namespace: {ns}}}
spec:
  podSelector: {{matchLabels: {{tier: api}}}}
  ingress:
    - from: [{{podSelector: {{matchLabels: {{tier: web}}}}}}]
      ports: [{{port: api-port}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: db, namespace: {ns}}}
spec:
  podSelector: {{matchLabels: {{tier: db}}}}
  ingress:
    - from: [{{podSelector: {{matchExpressions: [{{key: tier, operator: In, values: [api]}}]}}}}]
      ports: [{{port: 5432, endPort: 5433}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: egress, namespace: {ns}}}
spec:
  podSelector: {{}}
  policyTypes: [Egress]
  egress:
    - ports: [{{protocol: UDP, port: 53}}, {{protocol: TCP, port: 53}}]
    - to: [{{namespaceSelector: {{matchLabels: {{team: {team}}}}}}}]
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--namespaces", type=int, default=200)
    parser.add_argument("--pod-dump", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for n in range(args.namespaces):
        ns = f"ns{n:03}"
        if args.pod_dump:
            parts = [pods(ns, n * 25 + i, tier) for i, tier in enumerate(TIERS)]
        else:
            parts = [
                f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n  labels: {{team: t{n % 10}}}\n"
            ]
            parts += [deployment(ns, n * 25 + i, tier) for i, tier in enumerate(TIERS)]
        parts.append(policies(ns, n))
        with open(os.path.join(args.out, f"{ns}.yaml"), "w") as f:
            f.write("".join(parts))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Generates the ways in and out that the attack-path benchmark adds to the NetworkPolicy
corpus (bench/netpol.py: 200 namespaces, 5,000 workloads, 1,000 policies) and the RBAC corpus
(bench/rbac.py: 20,000 roles, 50,000 bindings, 500 namespaces with a Deployment each):

- a LoadBalancer Service for the web tier of every NetworkPolicy namespace (1,600 exposed
  workloads behind their namespaces' ingress policies), and in every other namespace a
  policy letting the internet in on 8080 (100 more policies: 800 entry points get through);
- 10 monitoring namespaces (one per team label) with a privileged exporter DaemonSet serving
  9100 and no NetworkPolicy, so that web pods whose egress reaches their team get to a node;
- an exposed, token-mounting Deployment in each of 20 RBAC namespaces (their service
  accounts' rights decide whether the token leads further).

    bench/attack_paths.py OUT_DIR
"""

import os
import sys


def service(ns, name, selector, port, target):
    return f"""---
apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: {ns}}}
spec:
  type: LoadBalancer
  selector: {selector}
  ports: [{{port: {port}, targetPort: {target}}}]
"""


def internet_to_web(ns):
    return f"""---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: web-from-internet, namespace: {ns}}}
spec:
  podSelector: {{matchLabels: {{tier: web}}}}
  ingress:
    - from: [{{ipBlock: {{cidr: 0.0.0.0/0}}}}]
      ports: [{{port: 8080}}]
"""


def exporter(ns):
    return f"""---
apiVersion: apps/v1
kind: DaemonSet
metadata: {{name: exporter, namespace: {ns}}}
spec:
  selector: {{matchLabels: {{app: exporter}}}}
  template:
    metadata: {{labels: {{app: exporter}}}}
    spec:
      automountServiceAccountToken: false
      containers:
        - name: exporter
          image: registry.example/exporter:1.0
          ports: [{{containerPort: 9100}}]
          securityContext: {{privileged: true}}
"""


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    parts = []
    for n in range(200):
        parts.append(service(f"ns{n:03}", "web", "{tier: web}", 80, 8080))
        if n % 2 == 0:
            parts.append(internet_to_web(f"ns{n:03}"))
    for k in range(10):
        ns = f"mon{k}"
        parts.append(f"---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n  labels: {{team: t{k}}}\n")
        parts.append(exporter(ns))
    for i in range(0, 500, 25):
        parts.append(service(f"ns-{i}", "app", "{app: app}", 80, 8080))
    with open(os.path.join(out, "exposure.yaml"), "w") as f:
        f.write("".join(parts))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Generates a large RBAC corpus for `bulkhead rbac` benchmarks.

    bench/rbac.py OUT_DIR [--roles 20000] [--bindings 50000] [--namespaces 500] [--seed 1]

Writes OUT_DIR/rbac-NNN.yaml files (1,000 documents each) holding:
- `--roles` roles: three quarters namespaced Roles, one quarter ClusterRoles, 1% of the
  ClusterRoles aggregating others by label;
- `--bindings` bindings: four fifths RoleBindings (to a Role of their namespace or a
  ClusterRole), one fifth ClusterRoleBindings, subjects mixing users, groups and service
  accounts, 1% of them referring to a role that does not exist;
- 10 service accounts per namespace, a token Secret for 1 in 5 of them, and one Deployment
  per namespace running as one of them;
- a few risky rules (secrets list, pod creation, exec, token requests) and one
  cluster-admin binding, so that escalation paths exist.
Then time, for example:
    bulkhead rbac who-can get secrets -n ns-7 OUT_DIR
    bulkhead rbac paths --format json OUT_DIR
"""

import argparse
import os
import random

VERBS = ["get", "list", "watch", "create", "update", "patch", "delete"]
CORE = ["pods", "services", "configmaps", "endpoints", "persistentvolumeclaims", "events"]
APPS = ["deployments", "statefulsets", "daemonsets", "replicasets"]


def rule(rng):
    if rng.random() < 0.5:
        groups, resources = [""], rng.sample(CORE, rng.randint(1, 3))
    else:
        groups, resources = ["apps"], rng.sample(APPS, rng.randint(1, 2))
    verbs = rng.sample(VERBS[:3], rng.randint(1, 3))
    return groups, resources, verbs


def risky(rng):
    return rng.choice([
        ([""], ["secrets"], ["get", "list"]),
        ([""], ["pods"], ["create"]),
        ([""], ["pods/exec"], ["create"]),
        ([""], ["serviceaccounts/token"], ["create"]),
    ])


def yaml_list(items):
    return "[" + ", ".join(f'"{i}"' for i in items) + "]"


def role_doc(kind, name, ns, rules, labels=None, aggregate=None):
    out = [f"apiVersion: rbac.authorization.k8s.io/v1\nkind: {kind}\nmetadata:\n  name: {name}"]
    if ns:
        out.append(f"  namespace: {ns}")
    if labels:
        out.append("  labels:")
        out.extend(f"    {k}: \"{v}\"" for k, v in labels.items())
    if aggregate:
        out.append("aggregationRule:\n  clusterRoleSelectors:")
        out.append(f"    - matchLabels: {{{aggregate}: \"true\"}}")
    out.append("rules:" if rules else "rules: []")
    for groups, resources, verbs in rules:
        out.append(f"  - apiGroups: {yaml_list(groups)}\n    resources: {yaml_list(resources)}\n    verbs: {yaml_list(verbs)}")
    return "\n".join(out)


def binding_doc(kind, name, ns, role_kind, role, subjects):
    out = [f"apiVersion: rbac.authorization.k8s.io/v1\nkind: {kind}\nmetadata:\n  name: {name}"]
    if ns:
        out.append(f"  namespace: {ns}")
    out.append("subjects:")
    for skind, sname, sns in subjects:
        if skind == "ServiceAccount":
            out.append(f"  - kind: ServiceAccount\n    name: {sname}\n    namespace: {sns}")
        else:
            out.append(f"  - kind: {skind}\n    name: {sname}\n    apiGroup: rbac.authorization.k8s.io")
    out.append(f"roleRef:\n  kind: {role_kind}\n  name: {role}\n  apiGroup: rbac.authorization.k8s.io")
    return "\n".join(out)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--roles", type=int, default=20000)
    p.add_argument("--bindings", type=int, default=50000)
    p.add_argument("--namespaces", type=int, default=500)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    rng = random.Random(a.seed)
    namespaces = [f"ns-{i}" for i in range(a.namespaces)]
    docs = []
    n_cluster = a.roles // 4
    n_ns_roles = a.roles - n_cluster
    cluster_roles = []
    for i in range(n_cluster):
        name = f"cr-{i}"
        if i % 100 == 0:
            docs.append(role_doc("ClusterRole", name, None, [], aggregate=f"agg-{i}"))
        else:
            labels = {f"agg-{(i // 100) * 100}": "true"} if i % 7 == 0 else None
            rules = [rule(rng) for _ in range(rng.randint(1, 4))]
            if i % 250 == 1:
                rules.append(risky(rng))
            docs.append(role_doc("ClusterRole", name, None, rules, labels=labels))
        cluster_roles.append(name)
    ns_roles = {ns: [] for ns in namespaces}
    for i in range(n_ns_roles):
        ns = namespaces[i % len(namespaces)]
        name = f"role-{i}"
        rules = [rule(rng) for _ in range(rng.randint(1, 4))]
        if i % 500 == 3:
            rules.append(risky(rng))
        docs.append(role_doc("Role", name, ns, rules))
        ns_roles[ns].append(name)

    def subjects(ns):
        out = []
        for _ in range(rng.randint(1, 3)):
            r = rng.random()
            if r < 0.4:
                out.append(("User", f"user-{rng.randrange(5000)}", None))
            elif r < 0.55:
                out.append(("Group", f"team-{rng.randrange(300)}", None))
            else:
                sns = ns or rng.choice(namespaces)
                out.append(("ServiceAccount", f"sa-{rng.randrange(10)}", sns))
        return out

    n_crb = a.bindings // 5
    for i in range(a.bindings):
        if i == 0:
            docs.append(binding_doc("ClusterRoleBinding", "ops-admin", None, "ClusterRole", "cluster-admin",
                                    [("ServiceAccount", "sa-0", namespaces[-1])]))
            continue
        missing = i % 100 == 50
        if i < n_crb:
            role = "missing-role" if missing else rng.choice(cluster_roles)
            docs.append(binding_doc("ClusterRoleBinding", f"crb-{i}", None, "ClusterRole", role, subjects(None)))
        else:
            ns = namespaces[i % len(namespaces)]
            if rng.random() < 0.6 and ns_roles[ns]:
                kind, role = "Role", rng.choice(ns_roles[ns])
            else:
                kind, role = "ClusterRole", rng.choice(cluster_roles)
            if missing:
                role = "missing-role"
            docs.append(binding_doc("RoleBinding", f"rb-{i}", ns, kind, role, subjects(ns)))
    for ns in namespaces:
        docs.append(f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}")
        for s in range(10):
            docs.append(f"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa-{s}\n  namespace: {ns}")
            if s % 5 == 0:
                docs.append(
                    f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: sa-{s}-token\n  namespace: {ns}\n"
                    f"  annotations:\n    kubernetes.io/service-account.name: sa-{s}\n"
                    "type: kubernetes.io/service-account-token")
        docs.append(
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n  namespace: {ns}\nspec:\n"
            "  selector:\n    matchLabels: {app: app}\n  template:\n    metadata:\n      labels: {app: app}\n"
            f"    spec:\n      serviceAccountName: sa-{rng.randrange(10)}\n      containers:\n"
            "        - name: app\n          image: registry.example/app:1.0")
    os.makedirs(a.out, exist_ok=True)
    for start in range(0, len(docs), 1000):
        with open(os.path.join(a.out, f"rbac-{start // 1000:03}.yaml"), "w") as f:
            f.write("\n---\n".join(docs[start:start + 1000]) + "\n")
    print(f"{len(docs)} documents: {a.roles} roles, {a.bindings} bindings, {len(namespaces)} namespaces")


if __name__ == "__main__":
    main()

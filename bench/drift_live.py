#!/usr/bin/env python3
"""Turns a directory of manifests into a live snapshot for the drift benchmark.

Every object becomes one document of a single YAML file, as `kubectl get -o yaml` prints it
(sorted keys, server-written metadata, status, the fields the API server defaults), and a
seeded share of them drifts: images changed, containers made privileged, RBAC rules added,
objects deleted (manifests never applied), and unmanaged ClusterRoleBindings added. The
counts go to standard error, so a run can be checked against them.

Usage: drift_live.py MANIFEST_DIR OUT.yaml [--seed N] [--defaults-only]

With --defaults-only nothing drifts: the snapshot differs from the manifests only by what the
server writes, so `bulkhead drift` must report no difference at all.
"""

import argparse
import os
import random
import sys

import yaml

CLUSTER_SCOPED = {
    "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding",
    "StorageClass", "CustomResourceDefinition", "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration", "PriorityClass", "RuntimeClass", "APIService",
    "PodSecurityPolicy", "IngressClass", "CSIDriver", "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding", "GatewayClass", "ClusterIssuer",
}


def documents(root):
    for base, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.endswith((".yaml", ".yml", ".json")):
                continue
            try:
                with open(os.path.join(base, name), encoding="utf-8") as f:
                    for doc in yaml.safe_load_all(f):
                        yield doc
            except Exception:  # templates, invalid YAML: the loader reports them; skip here
                continue


def objects(root):
    for doc in documents(root):
        if not isinstance(doc, dict) or "apiVersion" not in doc or "kind" not in doc:
            continue
        if doc["kind"].endswith("List") and isinstance(doc.get("items"), list):
            yield from (i for i in doc["items"] if isinstance(i, dict) and "kind" in i)
        else:
            yield doc


def pod_spec(obj):
    spec = obj.get("spec") or {}
    if not isinstance(spec, dict):
        return None
    kind = obj["kind"]
    if kind == "Pod":
        return spec
    if kind == "CronJob":
        spec = ((spec.get("jobTemplate") or {}).get("spec") or {})
    template = spec.get("template") if isinstance(spec, dict) else None
    if isinstance(template, dict) and isinstance(template.get("spec"), dict):
        return template["spec"]
    return None


def default_pod(spec):
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("securityContext", {})
    spec.setdefault("terminationGracePeriodSeconds", 30)
    for key in ("containers", "initContainers"):
        for c in spec.get(key) or []:
            if not isinstance(c, dict):
                continue
            c.setdefault("terminationMessagePath", "/dev/termination-log")
            c.setdefault("terminationMessagePolicy", "File")
            c.setdefault("resources", {})
            image = str(c.get("image", ""))
            tag = image.rsplit("/", 1)[-1]
            latest = "@" not in image and (":" not in tag or tag.endswith(":latest"))
            c.setdefault("imagePullPolicy", "Always" if latest else "IfNotPresent")
            for p in c.get("ports") or []:
                if isinstance(p, dict):
                    p.setdefault("protocol", "TCP")
    for v in spec.get("volumes") or []:
        if isinstance(v, dict):
            for source in ("secret", "configMap"):
                if isinstance(v.get(source), dict):
                    v[source].setdefault("defaultMode", 420)


def liven(obj, n):
    meta = obj.setdefault("metadata", {})
    if not isinstance(meta, dict):
        return
    if obj["kind"] not in CLUSTER_SCOPED:
        meta.setdefault("namespace", "default")
    meta["uid"] = f"00000000-0000-4000-8000-{n:012d}"
    meta["resourceVersion"] = str(1000 + n)
    meta["creationTimestamp"] = "2026-11-02T09:14:03Z"
    meta.pop("managedFields", None)
    spec = pod_spec(obj)
    if spec is not None:
        default_pod(spec)
    if obj["kind"] == "Service" and isinstance(obj.get("spec"), dict):
        s = obj["spec"]
        s.setdefault("type", "ClusterIP")
        s.setdefault("sessionAffinity", "None")
        s["clusterIP"] = f"10.96.{n // 250 % 250}.{n % 250 + 1}"
        s["clusterIPs"] = [s["clusterIP"]]
        s["ipFamilies"] = ["IPv4"]
        for p in s.get("ports") or []:
            if isinstance(p, dict):
                p.setdefault("protocol", "TCP")
                p.setdefault("targetPort", p.get("port"))
    if obj["kind"] in ("Deployment", "StatefulSet", "DaemonSet"):
        obj.setdefault("status", {"observedGeneration": 1})
        if isinstance(obj.get("spec"), dict):
            obj["spec"].setdefault("revisionHistoryLimit", 10)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("manifests")
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--defaults-only", action="store_true")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    rate = 0.0 if args.defaults_only else 1.0
    counts = dict(objects=0, deleted=0, images=0, privileged=0, rules=0, unmanaged=0)
    with open(args.out, "w", encoding="utf-8") as out:
        live = []
        for n, obj in enumerate(objects(args.manifests)):
            counts["objects"] += 1
            if rng.random() < 0.02 * rate:
                counts["deleted"] += 1
                continue
            liven(obj, n)
            spec = pod_spec(obj)
            containers = [c for c in (spec or {}).get("containers") or [] if isinstance(c, dict)]
            if containers and rng.random() < 0.05 * rate:
                containers[0]["image"] = str(containers[0].get("image", "")) + "-drift"
                counts["images"] += 1
            if containers and rng.random() < 0.02 * rate:
                sc = containers[0].get("securityContext")
                if not isinstance(sc, dict):
                    sc = containers[0]["securityContext"] = {}
                sc["privileged"] = True
                counts["privileged"] += 1
            if obj["kind"] in ("Role", "ClusterRole") and isinstance(obj.get("rules"), list) \
                    and rng.random() < 0.1 * rate:
                obj["rules"].append({"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]})
                counts["rules"] += 1
            live.append(obj)
        for i in range(0 if args.defaults_only else 100):
            counts["unmanaged"] += 1
            live.append({
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                "metadata": {"name": f"unmanaged-{i}", "uid": f"u-{i}"},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                            "name": "cluster-admin"},
                "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User",
                              "name": f"user-{i}"}],
            })
        yaml.safe_dump_all(live, out, sort_keys=True, default_flow_style=False)
    print(" ".join(f"{k}={v}" for k, v in counts.items()), file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Generates `kubernetes.json`, the trimmed OpenAPI schemas Bulkhead validates built-in kinds with.

Source: the JSON schemas bundled in the `kubernetes-validate` Python package (PyPI; Apache-2.0,
https://github.com/willthames/kubernetes-validate), which are generated from the Kubernetes
OpenAPI specification (`api/openapi-spec/swagger.json` of https://github.com/kubernetes/kubernetes,
Apache-2.0) by openapi2jsonschema, in their `-local-strict` form (objects refuse unknown fields).

Usage (from this directory):

    pip download kubernetes-validate==1.37.0 --no-deps -d /tmp/kv
    python3 generate.py /tmp/kv/kubernetes_validate-1.37.0-py3-none-any.whl 1.30 1.37

What is kept, per version: for each built-in apiVersion/kind, its definition; for each
definition, its properties' types, its required properties and whether unknown fields are
refused. Descriptions, enums, formats other than base64, and patch/list-map annotations are
dropped. Definitions that are the same in several versions are stored once.

Type codes: "s" string, "y" base64 string, "i" integer, "n" number, "b" boolean, "si"
int-or-string, "sn" quantity (string or number), "*" anything, "o" any object; a definition
name; {"a": T} an array of T; {"m": T} a map with values T.
"""

import json
import sys
import zipfile

ROOT = "kubernetes_validate/kubernetes-json-schema/v{}.0-local-strict/"


def primitive(types):
    types = [t for t in (types if isinstance(types, list) else [types]) if t != "null"]
    return types


PREFIXES = [
    ("io.k8s.apimachinery.pkg.apis.meta.", "meta."),
    ("io.k8s.apiextensions-apiserver.pkg.apis.", ""),
    ("io.k8s.kube-aggregator.pkg.apis.", ""),
    ("io.k8s.apimachinery.pkg.", ""),
    ("io.k8s.api.", ""),
]


def short(name):
    """A definition's name without the Go package path most share (`core.v1.Container`)."""
    for prefix, replacement in PREFIXES:
        if name.startswith(prefix):
            return replacement + name[len(prefix):]
    return name


def code(schema, defs):
    """The type code of a property schema."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        target = defs[name]
        if "properties" in target:
            return short(name)
        return code(target, defs)
    if "oneOf" in schema:
        kinds = sorted({t for s in schema["oneOf"] for t in primitive(s.get("type", []))})
        if kinds == ["integer", "string"]:
            return "si"
        if kinds == ["number", "string"]:
            return "sn"
        return "*"
    types = primitive(schema.get("type", []))
    if len(types) != 1:
        return "*"
    t = types[0]
    if t == "string":
        return "y" if schema.get("format") == "byte" else "s"
    if t == "integer":
        return "i"
    if t == "number":
        return "n"
    if t == "boolean":
        return "b"
    if t == "array":
        return {"a": code(schema["items"], defs) if "items" in schema else "*"}
    if t == "object":
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            return {"m": code(extra, defs)}
        return "o"
    return "*"


def version(wheel, minor):
    root = ROOT.format(minor)
    defs = json.loads(wheel.read(root + "_definitions.json"))["$defs"]
    types = {}
    kinds = {}
    for name, schema in defs.items():
        if "properties" not in schema:
            continue
        body = {
            "p": {key: code(prop, defs) for key, prop in sorted(schema["properties"].items())},
        }
        if schema.get("required"):
            body["r"] = sorted(schema["required"])
        if schema.get("additionalProperties") is False:
            body["x"] = 1
        types[short(name)] = body
        for gvk in schema.get("x-kubernetes-group-version-kind", []):
            group, ver, kind = gvk["group"], gvk["version"], gvk["kind"]
            api_version = f"{group}/{ver}" if group else ver
            # An object's own definition names its kind in its `kind` property's enum.
            kind_prop = schema["properties"].get("kind", {})
            # Lists are flattened by the loader, and option kinds are not manifests.
            if kind.endswith("List") or kind in ("DeleteOptions", "WatchEvent", "Status"):
                continue
            if kind in kind_prop.get("enum", [kind]) and "apiVersion" in schema["properties"]:
                kinds.setdefault(f"{api_version}/{kind}", short(name))
    # Only what a kind reaches.
    reached = set()
    stack = list(kinds.values())
    while stack:
        name = stack.pop()
        if name in reached:
            continue
        reached.add(name)
        stack.extend(refs(types[name]["p"].values()))
    return kinds, {name: body for name, body in types.items() if name in reached}


def refs(codes):
    for c in codes:
        while isinstance(c, dict):
            c = next(iter(c.values()))
        if c not in ("s", "y", "i", "n", "b", "si", "sn", "*", "o"):
            yield c


def main():
    wheel_path, first, last = sys.argv[1], sys.argv[2], sys.argv[3]
    major, lo = first.split(".")
    hi = int(last.split(".")[1])
    wheel = zipfile.ZipFile(wheel_path)
    bodies = []  # unique (name, body) pairs
    index = {}
    versions = {}
    for minor in range(int(lo), hi + 1):
        label = f"{major}.{minor}"
        kinds, types = version(wheel, label)
        table = []
        for name in sorted(types):
            key = json.dumps([name, types[name]], sort_keys=True)
            if key not in index:
                index[key] = len(bodies)
                bodies.append(dict(n=name, **types[name]))
            table.append(index[key])
        versions[label] = {"kinds": dict(sorted(kinds.items())), "types": table}
    out = {
        "source": "kubernetes-validate "
        + wheel_path.rsplit("kubernetes_validate-", 1)[-1].split("-")[0]
        + " (JSON schemas generated from the Kubernetes OpenAPI specification), -local-strict",
        "versions": versions,
        "types": bodies,
    }
    with open("kubernetes.json", "w") as f:
        json.dump(out, f, separators=(",", ":"), sort_keys=False)
        f.write("\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# What custom CEL rules and ValidatingAdmissionPolicies add to a scan.
#
# Usage: bench/cel.sh [OBJECTS]        (default 10000 synthetic objects, seed 1)
#   BULKHEAD=target/release/bulkhead (default) or another build; RUNS=3 (default).
#
# Generates the synthetic corpus, five custom rules of the usual kinds (labels, images,
# replicas, resources, host namespaces) and the deny-privileged ValidatingAdmissionPolicy of
# the Kubernetes documentation with its binding, then times three scans, RUNS times each
# after a warm-up, under `/usr/bin/time -f '%e %U %S %M'`:
#   base    --select BHW001                       (one built-in check: the floor)
#   rules   --select BHW001,policy --rules DIR    (plus the five rules, each over its kinds)
#   vap     --select BHW001,policy + the policy   (plus BHY001/BHY002 over every object)
# Prints the median wall time, CPU time (user + system) and peak RSS of each.
set -euo pipefail
cd "$(dirname "$0")/.."
objects="${1:-10000}"
RUNS="${RUNS:-3}"
bin="${BULKHEAD:-target/release/bulkhead}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 ../shared/corpus/make-synthetic.py --objects "$objects" --out "$work/corpus" --seed 1 --quiet
mkdir -p "$work/rules" "$work/admission"
cat >"$work/rules/rules.yaml" <<'RULES'
rules:
  - id: BENCH001
    title: Workloads name their team
    match: {kinds: [Deployment, StatefulSet, DaemonSet]}
    expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
    path: metadata.labels
  - id: BENCH002
    title: Images come from the company registry
    match: {kinds: [Deployment, StatefulSet, DaemonSet]}
    expression: "object.spec.template.spec.containers.all(c, c.image.startsWith('registry.example.com/'))"
    message: "'images of ' + object.metadata.name + ' come from elsewhere'"
    path: spec.template.spec.containers
  - id: BENCH003
    title: At least two replicas
    match: {kinds: [Deployment]}
    expression: "!has(object.spec.replicas) || object.spec.replicas >= 2"
    path: spec.replicas
  - id: BENCH004
    title: Memory limits below 4Gi
    match: {kinds: [Deployment]}
    expression: >-
      object.spec.template.spec.containers.all(c, !has(c.resources) || !has(c.resources.limits)
      || !has(c.resources.limits.memory) || quantity(c.resources.limits.memory).isLessThan(quantity('4Gi')))
    path: spec.template.spec.containers
  - id: BENCH005
    title: No host namespaces
    match: {kinds: [Pod]}
    expression: "!(has(object.spec.hostNetwork) && object.spec.hostNetwork) && !(has(object.spec.hostPID) && object.spec.hostPID)"
    path: spec
RULES
cat >"$work/admission/deny-privileged.yaml" <<'VAP'
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: deny-privileged}
spec:
  matchConstraints:
    resourceRules:
      - {apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods]}
      - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}
  variables:
    - name: spec
      expression: "object.kind == 'Pod' ? object.spec : object.spec.template.spec"
    - name: allContainers
      expression: >-
        variables.spec.containers +
        (has(variables.spec.initContainers) ? variables.spec.initContainers : [])
  validations:
    - expression: >-
        !variables.allContainers.exists(c, has(c.securityContext) &&
        has(c.securityContext.privileged) && c.securityContext.privileged == true)
      message: Privileged containers are not allowed
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: deny-privileged}
spec:
  policyName: deny-privileged
  validationActions: [Deny]
VAP
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
run() {
  local name="$1"; shift
  "$bin" scan --no-config -f statistics --exit-zero "$@" >/dev/null
  local walls=() cpus=() rss=()
  for _ in $(seq "$RUNS"); do
    out=$( { /usr/bin/time -f '%e %U %S %M' "$bin" scan --no-config -f statistics --exit-zero "$@" >"$work/out.txt"; } 2>&1 | tail -1)
    read -r wall user sys maxrss <<<"$out"
    walls+=("$wall"); cpus+=("$(echo "$user + $sys" | bc)"); rss+=("$maxrss")
  done
  printf '| %-5s | %ss | %ss | %s MiB | %s |\n' "$name" \
    "$(printf '%s\n' "${walls[@]}" | median)" "$(printf '%s\n' "${cpus[@]}" | median)" \
    "$(( $(printf '%s\n' "${rss[@]}" | median) / 1024 ))" \
    "$(grep -Eo '^[0-9,]+ findings' "$work/out.txt" | head -1 || true)"
}
echo "| scan | wall | cpu (user+sys) | peak RSS | findings |"
echo "|---|---|---|---|---|"
run base --select BHW001 "$work/corpus"
run rules --select BHW001,policy --rules "$work/rules" "$work/corpus"
run vap --select BHW001,policy "$work/corpus" "$work/admission"

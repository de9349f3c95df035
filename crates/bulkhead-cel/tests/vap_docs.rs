//! The ValidatingAdmissionPolicy examples of the Kubernetes documentation (the policies and
//! bindings of the "Validating Admission Policy" page and its example files), each with
//! objects it admits and objects it refuses, and the verdict the page gives.

use bulkhead_cel::vap::{evaluate, Outcome};
use bulkhead_model::{load_text, Inventory, Limits};

/// `(kind/name, message)` for each denial; `NOT EVALUATED kind/name: message` otherwise.
fn verdicts(yaml: &str) -> Vec<String> {
    let loaded = load_text("docs.yaml", yaml, &Limits::default());
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let inventory = Inventory::new(loaded.objects);
    let name = |i: usize| {
        let o = &inventory.objects()[i];
        format!("{}/{}", o.kind, o.name)
    };
    let mut out: Vec<String> = evaluate(&inventory)
        .into_iter()
        .map(|o| match o {
            Outcome::Denied {
                object,
                policy,
                binding,
                actions,
                message,
            } => format!(
                "{} denied by {policy} via {binding} {actions:?}: {message}",
                name(object)
            ),
            Outcome::NotEvaluated {
                object,
                pointer,
                message,
            } => format!("NOT EVALUATED {} at {pointer:?}: {message}", name(object)),
        })
        .collect();
    out.sort();
    out
}

const BASIC_POLICY: &str = r#"
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: "demo-policy.example.com"
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups:   ["apps"]
      apiVersions: ["v1"]
      operations:  ["CREATE", "UPDATE"]
      resources:   ["deployments"]
  validations:
    - expression: "object.spec.replicas <= 5"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: "demo-binding-test.example.com"
spec:
  policyName: "demo-policy.example.com"
  validationActions: [Deny]
  matchResources:
    namespaceSelector:
      matchLabels:
        environment: test
---
apiVersion: v1
kind: Namespace
metadata: {name: test, labels: {environment: test}}
---
apiVersion: v1
kind: Namespace
metadata: {name: prod, labels: {environment: prod}}
"#;

fn deployment(name: &str, namespace: &str, replicas: u32) -> String {
    format!(
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: {namespace}}}\nspec:\n  replicas: {replicas}\n"
    )
}

#[test]
fn basic_policy_denies_more_than_five_replicas_in_test_namespaces() {
    let yaml = format!(
        "{BASIC_POLICY}{}{}{}",
        deployment("big", "test", 10),
        deployment("small", "test", 3),
        // Outside the binding's namespaceSelector: admitted whatever its size.
        deployment("big-prod", "prod", 10),
    );
    assert_eq!(
        verdicts(&yaml),
        [
            r#"Deployment/big denied by demo-policy.example.com via demo-binding-test.example.com ["Deny"]: failed expression: object.spec.replicas <= 5"#
        ]
    );
}

#[test]
fn a_namespace_selector_over_a_namespace_not_scanned_is_not_evaluated() {
    let yaml = format!("{BASIC_POLICY}{}", deployment("elsewhere", "staging", 10));
    let got = verdicts(&yaml);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].starts_with("NOT EVALUATED Deployment/elsewhere")
            && got[0].contains("Namespace \"staging\", which is not in the inputs"),
        "{got:?}"
    );
}

const PARAM_POLICY: &str = r#"
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: "replicalimit-policy.example.com"
spec:
  failurePolicy: Fail
  paramKind:
    apiVersion: rules.example.com/v1
    kind: ReplicaLimit
  matchConstraints:
    resourceRules:
    - apiGroups:   ["apps"]
      apiVersions: ["v1"]
      operations:  ["CREATE", "UPDATE"]
      resources:   ["deployments"]
  validations:
    - expression: "object.spec.replicas <= params.maxReplicas"
      messageExpression: "'object.spec.replicas must be no greater than ' + string(params.maxReplicas)"
      reason: Invalid
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: "replicalimit-binding-test.example.com"
spec:
  policyName: "replicalimit-policy.example.com"
  validationActions: [Deny]
  paramRef:
    name: "replica-limit-test.example.com"
    namespace: "default"
  matchResources:
    namespaceSelector:
      matchLabels:
        environment: test
---
apiVersion: v1
kind: Namespace
metadata: {name: test, labels: {environment: test}}
"#;

const REPLICA_LIMIT: &str = r#"
---
apiVersion: rules.example.com/v1
kind: ReplicaLimit
metadata:
  name: "replica-limit-test.example.com"
  namespace: "default"
maxReplicas: 3
"#;

#[test]
fn param_by_name_sets_the_limit_and_message_expression_reads_it() {
    let yaml = format!(
        "{PARAM_POLICY}{REPLICA_LIMIT}{}{}",
        deployment("four", "test", 4),
        deployment("three", "test", 3)
    );
    assert_eq!(
        verdicts(&yaml),
        [
            r#"Deployment/four denied by replicalimit-policy.example.com via replicalimit-binding-test.example.com ["Deny"]: object.spec.replicas must be no greater than 3"#
        ]
    );
}

#[test]
fn a_param_that_is_not_in_the_inputs_makes_the_binding_not_evaluated() {
    let yaml = format!("{PARAM_POLICY}{}", deployment("four", "test", 4));
    let got = verdicts(&yaml);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].starts_with(
            "NOT EVALUATED ValidatingAdmissionPolicyBinding/replicalimit-binding-test.example.com at \"/spec/paramRef\""
        ),
        "{got:?}"
    );
}

#[test]
fn param_by_selector_judges_against_every_matching_param() {
    let yaml = PARAM_POLICY.replace(
        "    name: \"replica-limit-test.example.com\"\n    namespace: \"default\"",
        "    namespace: \"default\"\n    selector: {matchLabels: {tier: limits}}",
    ) + r#"
---
apiVersion: rules.example.com/v1
kind: ReplicaLimit
metadata: {name: loose, namespace: default, labels: {tier: limits}}
maxReplicas: 10
---
apiVersion: rules.example.com/v1
kind: ReplicaLimit
metadata: {name: strict, namespace: default, labels: {tier: limits}}
maxReplicas: 2
---
apiVersion: rules.example.com/v1
kind: ReplicaLimit
metadata: {name: unselected, namespace: default}
maxReplicas: 1
"# + &deployment("five", "test", 5);
    assert_eq!(
        verdicts(&yaml),
        [
            r#"Deployment/five denied by replicalimit-policy.example.com via replicalimit-binding-test.example.com ["Deny"]: object.spec.replicas must be no greater than 2"#
        ]
    );
}

#[test]
fn match_conditions_skip_leases_and_rbac() {
    let yaml = r#"
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: "demo-policy.example.com"
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
      - apiGroups:   ["*"]
        apiVersions: ["*"]
        operations:  ["CREATE", "UPDATE"]
        resources:   ["*"]
  matchConditions:
    - name: 'exclude-leases'
      expression: '!(request.resource.group == "coordination.k8s.io" && request.resource.resource == "leases")'
    - name: 'exclude-kubelet-requests'
      expression: '!("system:nodes" in request.userInfo.groups)'
    - name: 'rbac'
      expression: 'request.resource.group != "rbac.authorization.k8s.io"'
  validations:
    - expression: "!object.metadata.name.contains('demo') || object.metadata.namespace == 'demo'"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: demo-binding}
spec:
  policyName: "demo-policy.example.com"
  validationActions: [Warn, Audit]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: demo-config, namespace: default}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: demo-config, namespace: demo}
---
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: demo-lease, namespace: default}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: demo-role, namespace: default}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: other, namespace: default}
"#;
    assert_eq!(
        verdicts(yaml),
        [
            r#"ConfigMap/demo-config denied by demo-policy.example.com via demo-binding ["Warn", "Audit"]: failed expression: !object.metadata.name.contains('demo') || object.metadata.namespace == 'demo'"#
        ]
    );
}

#[test]
fn variables_and_namespace_object_select_the_image_registry() {
    let yaml = r#"
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: "image-matches-namespace-environment.policy.example.com"
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups:   ["apps"]
      apiVersions: ["v1"]
      operations:  ["CREATE", "UPDATE"]
      resources:   ["deployments"]
  variables:
  - name: environment
    expression: "'environment' in namespaceObject.metadata.labels ? namespaceObject.metadata.labels['environment'] : 'prod'"
  - name: exempt
    expression: "'exempt' in object.metadata.labels && object.metadata.labels['exempt'] == 'true'"
  - name: containers
    expression: "object.spec.template.spec.containers"
  - name: containersToCheck
    expression: "variables.containers.filter(c, c.image.contains('example.com/'))"
  validations:
  - expression: "variables.exempt || variables.containersToCheck.all(c, c.image.startsWith(variables.environment + '.'))"
    messageExpression: "'only ' + variables.environment + ' images are allowed in namespace ' + namespaceObject.metadata.name"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: image-binding}
spec:
  policyName: "image-matches-namespace-environment.policy.example.com"
  validationActions: [Deny]
---
apiVersion: v1
kind: Namespace
metadata: {name: staging, labels: {environment: staging}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: wrong-registry, namespace: staging, labels: {app: a}}
spec:
  template:
    spec:
      containers:
        - {name: app, image: prod.example.com/app:1}
        - {name: sidecar, image: envoyproxy/envoy:v1}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: right-registry, namespace: staging, labels: {app: b}}
spec:
  template:
    spec:
      containers:
        - {name: app, image: staging.example.com/app:1}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: exempted, namespace: staging, labels: {exempt: "true"}}
spec:
  template:
    spec:
      containers:
        - {name: app, image: prod.example.com/app:1}
"#;
    assert_eq!(
        verdicts(yaml),
        [
            r#"Deployment/wrong-registry denied by image-matches-namespace-environment.policy.example.com via image-binding ["Deny"]: only staging images are allowed in namespace staging"#
        ]
    );
}

#[test]
fn deny_privileged_outside_kube_system() {
    let yaml = r#"
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: "example-deny-privileged.static.k8s.io"
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups:   [""]
      apiVersions: ["v1"]
      operations:  ["CREATE", "UPDATE"]
      resources:   ["pods"]
  variables:
  - name: allContainers
    expression: >-
      object.spec.containers +
      (has(object.spec.initContainers) ? object.spec.initContainers : []) +
      (has(object.spec.ephemeralContainers) ? object.spec.ephemeralContainers : [])
  validations:
  - expression: >-
      !variables.allContainers.exists(c, has(c.securityContext) &&
      has(c.securityContext.privileged) && c.securityContext.privileged == true)
    message: "Privileged containers are not allowed"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: "example-deny-privileged-binding.static.k8s.io"
spec:
  policyName: "example-deny-privileged.static.k8s.io"
  validationActions:
  - Deny
  matchResources:
    namespaceSelector:
      matchExpressions:
      - key: "kubernetes.io/metadata.name"
        operator: NotIn
        values: ["kube-system"]
---
apiVersion: v1
kind: Namespace
metadata: {name: kube-system, labels: {kubernetes.io/metadata.name: kube-system}}
---
apiVersion: v1
kind: Namespace
metadata: {name: apps, labels: {kubernetes.io/metadata.name: apps}}
---
apiVersion: v1
kind: Pod
metadata: {name: privileged-init, namespace: apps}
spec:
  initContainers: [{name: init, image: busybox, securityContext: {privileged: true}}]
  containers: [{name: app, image: app}]
---
apiVersion: v1
kind: Pod
metadata: {name: plain, namespace: apps}
spec:
  containers: [{name: app, image: app, securityContext: {privileged: false}}]
---
apiVersion: v1
kind: Pod
metadata: {name: system-privileged, namespace: kube-system}
spec:
  containers: [{name: app, image: app, securityContext: {privileged: true}}]
"#;
    assert_eq!(
        verdicts(yaml),
        [
            r#"Pod/privileged-init denied by example-deny-privileged.static.k8s.io via example-deny-privileged-binding.static.k8s.io ["Deny"]: Privileged containers are not allowed"#
        ]
    );
}

#[test]
fn the_typechecking_example_field_typo_is_not_evaluated_never_passed() {
    // The documentation's type-checking example: `object.replicas` should have been
    // `object.spec.replicas`. The API server warns at policy creation; here every
    // Deployment it judges says it could not be evaluated.
    let yaml = BASIC_POLICY.replace("object.spec.replicas <= 5", "object.replicas > 1")
        + &deployment("web", "test", 3);
    let got = verdicts(&yaml);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].starts_with("NOT EVALUATED Deployment/web at \"/metadata/name\"")
            && got[0].contains("replicas"),
        "{got:?}"
    );
}

#[test]
fn an_expression_that_does_not_compile_is_reported_at_the_policy() {
    let yaml = BASIC_POLICY.replace("object.spec.replicas <= 5", "object.spec.replicas <=")
        + &deployment("web", "test", 10);
    let got = verdicts(&yaml);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].starts_with(
            "NOT EVALUATED ValidatingAdmissionPolicy/demo-policy.example.com at \"/spec/validations/0/expression\""
        ),
        "{got:?}"
    );
}

#[test]
fn a_binding_whose_policy_is_not_in_the_inputs_says_so() {
    let yaml = r#"
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: orphan}
spec:
  policyName: somewhere-else
  validationActions: [Deny]
"#;
    let got = verdicts(yaml);
    assert_eq!(
        got,
        [
            r#"NOT EVALUATED ValidatingAdmissionPolicyBinding/orphan at "/spec/policyName": ValidatingAdmissionPolicyBinding "orphan" cannot be evaluated: the policy "somewhere-else" it binds is not in the inputs"#
        ]
    );
}

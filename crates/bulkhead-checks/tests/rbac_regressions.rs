//! RBAC checks on inputs that once gave wrong answers: each case names what it guards against.

use bulkhead_checks::{find_check, run_checks, Finding, Options};
use bulkhead_model::{load_text, Inventory, Limits};

fn run(id: &str, text: &str) -> Vec<Finding> {
    let check = find_check(id).unwrap_or_else(|| panic!("{id} is not registered"));
    let loaded = load_text("case.yaml", text, &Limits::default());
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let inventory = Inventory::new(loaded.objects);
    run_checks(&inventory, &[check], &Options::default())
}

fn messages(findings: &[Finding]) -> Vec<String> {
    findings.iter().map(|f| f.message.clone()).collect()
}

/// Attackers choose names: `system:` in a binding's name does not make it a default.
#[test]
fn a_binding_named_like_a_default_is_still_reported() {
    let findings = run(
        "BHR002",
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "system:monitoring-extra"}
subjects: [{kind: Group, name: "system:authenticated", apiGroup: rbac.authorization.k8s.io}]
roleRef: {kind: ClusterRole, name: cluster-admin, apiGroup: rbac.authorization.k8s.io}
"#,
    );
    assert_eq!(findings.len(), 1, "{:?}", messages(&findings));
    // The real default of that shape stays quiet.
    let quiet = run(
        "BHR002",
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: "system:basic-user"
  labels: {kubernetes.io/bootstrapping: rbac-defaults}
subjects: [{kind: Group, name: "system:authenticated", apiGroup: rbac.authorization.k8s.io}]
roleRef: {kind: ClusterRole, name: "system:basic-user", apiGroup: rbac.authorization.k8s.io}
"#,
    );
    assert!(quiet.is_empty(), "{:?}", messages(&quiet));
}

const CSR_HALVES: &str = r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: csr-approval}
rules:
  - apiGroups: ["certificates.k8s.io"]
    resources: ["certificatesigningrequests/approval"]
    verbs: ["update"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: client-signer}
rules:
  - apiGroups: ["certificates.k8s.io"]
    resources: ["signers"]
    resourceNames: ["kubernetes.io/kube-apiserver-client"]
    verbs: ["approve"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: approvers}
subjects: [{kind: Group, name: approvers, apiGroup: rbac.authorization.k8s.io}]
roleRef: {kind: ClusterRole, name: csr-approval, apiGroup: rbac.authorization.k8s.io}
"#;

/// One half of CSR approval is not the capability; both halves across two roles are.
#[test]
fn csr_approval_is_judged_across_the_subjects_rules() {
    let half = run("BHR009", CSR_HALVES);
    assert!(half.is_empty(), "{:?}", messages(&half));
    let both = format!(
        "{CSR_HALVES}---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {{name: approvers-sign}}\nsubjects: [{{kind: Group, name: approvers, apiGroup: rbac.authorization.k8s.io}}]\nroleRef: {{kind: ClusterRole, name: client-signer, apiGroup: rbac.authorization.k8s.io}}\n"
    );
    let findings = run("BHR009", &both);
    assert_eq!(findings.len(), 1, "{:?}", messages(&findings));
    assert!(findings[0].message.contains("group:approvers"));
}

/// A workload without a token does not hand over its service account.
#[test]
fn a_workload_without_a_token_does_not_reach_cluster_admin() {
    let findings = run(
        "BHR014",
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: app-admin}
subjects: [{kind: ServiceAccount, name: app, namespace: shop}]
roleRef: {kind: ClusterRole, name: cluster-admin, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: v1
kind: Pod
metadata: {name: no-token, namespace: shop}
spec:
  serviceAccountName: app
  automountServiceAccountToken: false
  containers: [{name: c, image: a:1}]
---
apiVersion: v1
kind: Pod
metadata: {name: with-token, namespace: shop}
spec:
  serviceAccountName: app
  containers: [{name: c, image: a:1}]
"#,
    );
    let objects: Vec<String> = findings.iter().map(|f| f.object.to_string()).collect();
    assert_eq!(
        objects,
        ["Pod/shop/with-token"],
        "{:?}",
        messages(&findings)
    );
}

/// `*` on `*` in the core group is every core resource, not every resource.
#[test]
fn a_core_group_wildcard_is_not_every_resource() {
    let findings = run(
        "BHR003",
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: core-all}
rules:
  - apiGroups: [""]
    resources: ["*"]
    verbs: ["*"]
"#,
    );
    assert_eq!(findings.len(), 1);
    let message = &findings[0].message;
    assert!(
        !message.contains("every verb on every resource:"),
        "{message}"
    );
    assert!(message.contains("core"), "{message}");
}

/// A ClusterRoleBinding may only refer to a ClusterRole.
#[test]
fn a_cluster_role_binding_to_a_role_is_invalid_not_missing() {
    let findings = run(
        "BHR013",
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: shop}
rules: [{apiGroups: [""], resources: ["pods"], verbs: ["get"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: readers}
subjects: [{kind: Group, name: readers, apiGroup: rbac.authorization.k8s.io}]
roleRef: {kind: Role, name: reader, apiGroup: rbac.authorization.k8s.io}
"#,
    );
    assert_eq!(findings.len(), 1);
    let message = &findings[0].message;
    assert!(message.contains("invalid"), "{message}");
    assert!(!message.contains("not defined"), "{message}");
    assert_eq!(findings[0].location.pointer, "/roleRef/kind");
}

/// `pods/*` grants no subresource; unknown verbs and impossible groups grant nothing.
#[test]
fn rules_that_match_nothing_are_reported_with_what_was_meant() {
    let findings = run(
        "BHR020",
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: debug}
rules:
  - apiGroups: [""]
    resources: ["pods/*", "nodes/*"]
    verbs: ["get", "create"]
  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["read"]
  - apiGroups: ["apps"]
    resources: ["pods", "deployments"]
    verbs: ["get"]
"#,
    );
    let all = messages(&findings);
    assert_eq!(findings.len(), 4, "{all:?}");
    assert!(all[0].contains("pods/exec"), "{all:?}");
    assert!(all[1].contains("nodes/proxy"), "{all:?}");
    assert!(all[2].contains("get, list, watch"), "{all:?}");
    assert!(all[3].contains("core group"), "{all:?}");
    assert!(findings
        .iter()
        .all(|f| f.severity == bulkhead_checks::Severity::Info));
}

/// kube-system's built-in Roles exist in every cluster, by exact name and namespace only.
#[test]
fn bindings_to_built_in_namespaced_roles_are_not_missing() {
    let findings = run(
        "BHR013",
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: adapter-auth-reader, namespace: kube-system}
subjects: [{kind: ServiceAccount, name: adapter, namespace: monitoring}]
roleRef: {kind: Role, name: extension-apiserver-authentication-reader, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: adapter-auth-reader, namespace: monitoring}
subjects: [{kind: ServiceAccount, name: adapter, namespace: monitoring}]
roleRef: {kind: Role, name: extension-apiserver-authentication-reader, apiGroup: rbac.authorization.k8s.io}
"#,
    );
    let objects: Vec<String> = findings.iter().map(|f| f.object.to_string()).collect();
    assert_eq!(objects, ["RoleBinding/monitoring/adapter-auth-reader"]);
}

/// Cluster-wide pod creation reaches cluster-admin through the kube-system controllers every
/// cluster has, even when the inputs hold none of them.
#[test]
fn cluster_wide_pod_creation_reaches_cluster_admin_in_every_cluster() {
    let findings = run(
        "BHR014",
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pod-maker}
rules: [{apiGroups: [""], resources: ["pods"], verbs: ["create"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: runner-makes-pods}
subjects: [{kind: ServiceAccount, name: runner, namespace: ci}]
roleRef: {kind: ClusterRole, name: pod-maker, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: v1
kind: Pod
metadata: {name: runner, namespace: ci}
spec:
  serviceAccountName: runner
  containers: [{name: c, image: a:1}]
"#,
    );
    assert_eq!(findings.len(), 1);
    assert!(
        findings[0].message.contains(
            "ns:kube-system → sa:kube-system:clusterrole-aggregation-controller → cluster-admin"
        ),
        "{}",
        findings[0].message
    );
}

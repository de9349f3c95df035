//! The network checks on inputs shaped like a live cluster's: pod dumps whose controllers are
//! absent, namespaces known only by name, and the severity of what they find.

use bulkhead_checks::{find_check, run_checks, Finding, Options, Severity};
use bulkhead_model::{load_text, Inventory, Limits};

fn scan(check: &str, files: &[(&str, &str)]) -> Vec<Finding> {
    let mut objects = Vec::new();
    for (path, text) in files {
        let loaded = load_text(path, text, &Limits::default());
        assert!(loaded.errors.is_empty(), "{path}: {:?}", loaded.errors);
        objects.extend(loaded.objects);
    }
    let inventory = Inventory::new(objects);
    let check = find_check(check).unwrap();
    run_checks(&inventory, &[check], &Options::default())
}

const POD_DUMP: &str = r#"
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata:
    name: web-7c9d5-abcde
    namespace: shop
    labels: {app: web, pod-template-hash: 7c9d5}
    ownerReferences:
    - {apiVersion: apps/v1, kind: ReplicaSet, name: web-7c9d5, uid: u1, controller: true}
  spec:
    containers: [{name: web, image: web:1}]
- apiVersion: v1
  kind: Pod
  metadata:
    name: db-0
    namespace: shop
    labels: {app: db}
    ownerReferences:
    - {apiVersion: apps/v1, kind: StatefulSet, name: db, uid: u2, controller: true}
  spec:
    containers: [{name: db, image: db:1}]
"#;

const DB_POLICY: &str = r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]
"#;

#[test]
fn pods_of_absent_owners_are_judged_by_the_network_checks() {
    let findings = scan(
        "BHN012",
        &[
            ("cluster/pods.yaml", POD_DUMP),
            ("cluster/policy.yaml", DB_POLICY),
        ],
    );
    let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        ["Deployment \"web\" is selected by none of the NetworkPolicies of namespace \"shop\": all traffic to and from it is allowed"]
    );
    // At the pod's own labels.
    assert_eq!(findings[0].location.pointer, "/items/0/metadata");
    assert_eq!(findings[0].object.name, "web-7c9d5-abcde");
}

const TWO_DEPLOYMENTS: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: i:1}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: db, namespace: shop}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: c, image: i:1}]}
"#;

#[test]
fn a_missing_default_deny_that_leaves_no_workload_open_is_info() {
    // Every workload of the namespace is isolated by its own policy for both directions.
    let each = r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress, Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress, Egress]
"#;
    for check in ["BHN001", "BHN002"] {
        let findings = scan(
            check,
            &[("a/apps.yaml", TWO_DEPLOYMENTS), ("a/np.yaml", each)],
        );
        assert_eq!(findings.len(), 1, "{check}");
        assert_eq!(findings[0].severity, Severity::Info, "{check}");
        assert!(findings[0].message.contains("0 workload(s)"), "{check}");
    }
    // One workload left open: the check's own severity.
    let findings = scan(
        "BHN001",
        &[("a/apps.yaml", TWO_DEPLOYMENTS), ("a/np.yaml", DB_POLICY)],
    );
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].severity, Severity::Medium);
}

#[test]
fn a_workload_selected_only_by_a_cilium_policy_is_selected() {
    let cilium = r#"
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingress: [{fromEndpoints: [{matchLabels: {app: db}}]}]
"#;
    let db_policy = r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress]
"#;
    let findings = scan(
        "BHN012",
        &[
            ("a/apps.yaml", TWO_DEPLOYMENTS),
            ("a/np.yaml", db_policy),
            ("a/cnp.yaml", cilium),
        ],
    );
    assert!(
        findings.is_empty(),
        "{:?}",
        findings.iter().map(|f| &f.message).collect::<Vec<_>>()
    );
    // Without the Cilium policy, web is reported.
    let findings = scan(
        "BHN012",
        &[("a/apps.yaml", TWO_DEPLOYMENTS), ("a/np.yaml", db_policy)],
    );
    assert_eq!(findings.len(), 1);
}

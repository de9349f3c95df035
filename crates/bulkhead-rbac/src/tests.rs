//! Cases from the Kubernetes RBAC documentation ("Using RBAC Authorization").

use bulkhead_model::{load_text, Inventory, Limits};

use crate::graph::NodeKind;
use crate::{QueryOptions, Rbac, Request, Subject};

fn inventory(text: &str) -> Inventory {
    let loaded = load_text("rbac.yaml", text, &Limits::default());
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    Inventory::new(loaded.objects)
}

fn who(
    inv: &Inventory,
    verb: &str,
    resource: &str,
    ns: Option<&str>,
    name: Option<&str>,
) -> Vec<String> {
    let rbac = Rbac::load(inv);
    let request = Request::parse(verb, resource, ns, name).unwrap();
    rbac.who_can(&request, QueryOptions::default())
        .into_iter()
        .filter(|g| g.partial.is_none())
        .map(|g| g.subject.to_string())
        .collect()
}

const DOCS: &str = r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {namespace: default, name: pod-reader}
rules:
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "watch", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: read-pods, namespace: default}
subjects:
- kind: User
  name: jane
  apiGroup: rbac.authorization.k8s.io
roleRef: {kind: Role, name: pod-reader, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-reader}
rules:
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "watch", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: read-secrets, namespace: development}
subjects:
- kind: User
  name: dave
roleRef: {kind: ClusterRole, name: secret-reader, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: read-secrets-global}
subjects:
- kind: Group
  name: manager
roleRef: {kind: ClusterRole, name: secret-reader, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {namespace: default, name: pod-and-pod-logs-reader}
rules:
- apiGroups: [""]
  resources: ["pods", "pods/log"]
  verbs: ["get", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {namespace: default, name: configmap-updater}
rules:
- apiGroups: [""]
  resources: ["configmaps"]
  resourceNames: ["my-configmap"]
  verbs: ["update", "get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: logs-and-cm, namespace: default}
subjects:
- {kind: User, name: logan}
- {kind: ServiceAccount, name: cm-bot}
roleRef: {kind: Role, name: pod-and-pod-logs-reader}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: cm, namespace: default}
subjects:
- {kind: ServiceAccount, name: cm-bot}
roleRef: {kind: Role, name: configmap-updater}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: healthz}
rules:
- nonResourceURLs: ["/healthz", "/healthz/*"]
  verbs: ["get", "post"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: healthz}
subjects:
- {kind: Group, name: "system:serviceaccounts:qa"}
roleRef: {kind: ClusterRole, name: healthz}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: healthz-in-ns, namespace: default}
subjects:
- {kind: User, name: nonres}
roleRef: {kind: ClusterRole, name: healthz}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: subresources}
rules:
- apiGroups: [""]
  resources: ["*/status"]
  verbs: ["update"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: status}
subjects:
- {kind: User, name: statusbot}
roleRef: {kind: ClusterRole, name: subresources}
"#;

#[test]
fn role_binding_grants_only_in_its_namespace() {
    let inv = inventory(DOCS);
    assert_eq!(
        who(&inv, "get", "pods", Some("default"), None),
        ["user:jane", "user:logan", "sa:default:cm-bot"]
    );
    assert!(who(&inv, "get", "pods", Some("other"), None).is_empty());
    assert!(who(&inv, "delete", "pods", Some("default"), None).is_empty());
    // A cluster-wide list of pods is not granted by any RoleBinding.
    assert!(who(&inv, "list", "pods", None, None).is_empty());
}

#[test]
fn role_binding_to_cluster_role_is_limited_to_the_binding_namespace() {
    let inv = inventory(DOCS);
    assert_eq!(
        who(&inv, "get", "secrets", Some("development"), None),
        ["user:dave", "group:manager"]
    );
    assert_eq!(
        who(&inv, "get", "secrets", Some("default"), None),
        ["group:manager"]
    );
    assert_eq!(who(&inv, "list", "secrets", None, None), ["group:manager"]);
}

#[test]
fn subresources_must_be_named_or_wildcarded() {
    let inv = inventory(DOCS);
    assert_eq!(
        who(&inv, "get", "pods/log", Some("default"), None),
        ["user:logan", "sa:default:cm-bot"]
    );
    assert!(who(&inv, "get", "pods/exec", Some("default"), None).is_empty());
    assert_eq!(
        who(&inv, "update", "pods/status", Some("x"), None),
        ["user:statusbot"]
    );
    assert_eq!(
        who(&inv, "update", "deployments/status", Some("x"), None),
        Vec::<String>::new(),
        "apps group not granted"
    );
    assert!(who(&inv, "update", "pods", Some("x"), None).is_empty());
}

#[test]
fn resource_names_restrict_named_requests_only() {
    let inv = inventory(DOCS);
    assert_eq!(
        who(
            &inv,
            "update",
            "configmaps",
            Some("default"),
            Some("my-configmap")
        ),
        ["sa:default:cm-bot"]
    );
    assert!(who(&inv, "update", "configmaps", Some("default"), Some("other")).is_empty());
    // Without a name (list, create), a rule with resourceNames grants nothing.
    assert!(who(&inv, "get", "configmaps", Some("default"), None).is_empty());
}

#[test]
fn non_resource_urls_only_through_cluster_role_bindings() {
    let inv = inventory(DOCS);
    assert_eq!(
        who(&inv, "get", "/healthz", None, None),
        ["group:system:serviceaccounts:qa"]
    );
    assert_eq!(
        who(&inv, "get", "/healthz/ready", None, None),
        ["group:system:serviceaccounts:qa"]
    );
    assert!(who(&inv, "get", "/healthzz", None, None).is_empty());
    assert!(who(&inv, "get", "/metrics", None, None).is_empty());
}

#[test]
fn what_can_counts_group_membership() {
    let inv = inventory(DOCS);
    let rbac = Rbac::load(&inv);
    let qa = rbac.what_can(
        &Subject::service_account("qa", "tester"),
        QueryOptions::default(),
    );
    let star = &qa.scopes["*"];
    assert_eq!(star.len(), 1);
    assert!(star[0].notes[0].contains("system:serviceaccounts:qa"));
    let other = rbac.what_can(
        &Subject::service_account("prod", "tester"),
        QueryOptions::default(),
    );
    assert!(other.scopes.is_empty());
    let dave = rbac.what_can(&Subject::user("dave"), QueryOptions::default());
    assert_eq!(dave.scopes.keys().collect::<Vec<_>>(), ["development"]);
}

#[test]
fn aggregation_resolves_to_a_fixed_point_in_any_order() {
    // `monitoring` aggregates `monitoring-endpoints`, which itself aggregates a third role:
    // the first role is listed before the roles it gathers.
    let inv = inventory(
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: monitoring}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {rbac.example.com/aggregate-to-monitoring: "true"}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: monitoring-endpoints
  labels: {rbac.example.com/aggregate-to-monitoring: "true"}
aggregationRule:
  clusterRoleSelectors:
  - matchExpressions: [{key: level2, operator: Exists}]
rules:
- apiGroups: [""]
  resources: ["services", "endpointslices", "pods"]
  verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: deep
  labels: {level2: "yes"}
rules:
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: mon}
subjects: [{kind: ServiceAccount, name: prom, namespace: monitoring}]
roleRef: {kind: ClusterRole, name: monitoring}
"#,
    );
    assert_eq!(
        who(&inv, "list", "pods", None, None),
        ["sa:monitoring:prom"]
    );
    assert_eq!(
        who(&inv, "get", "secrets", Some("x"), None),
        ["sa:monitoring:prom"]
    );
    let rbac = Rbac::load(&inv);
    let grants = rbac.who_can(
        &Request::parse("get", "secrets", Some("x"), None).unwrap(),
        QueryOptions::default(),
    );
    assert_eq!(grants[0].evidence.role, "ClusterRole/monitoring");
    assert_eq!(
        grants[0].evidence.rule_role.as_deref(),
        Some("ClusterRole/deep")
    );
    assert_eq!(
        grants[0]
            .evidence
            .rule_location
            .as_ref()
            .unwrap()
            .position
            .line,
        29
    );
}

#[test]
fn missing_roles_and_subjects_are_partial_answers() {
    let inv = inventory(
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ghost, namespace: apps}
subjects: [{kind: ServiceAccount, name: deployer}]
roleRef: {kind: Role, name: does-not-exist}
"#,
    );
    let rbac = Rbac::load(&inv);
    let grants = rbac.who_can(
        &Request::parse("delete", "pods", Some("apps"), None).unwrap(),
        QueryOptions::default(),
    );
    assert_eq!(grants.len(), 1);
    assert!(grants[0]
        .partial
        .as_deref()
        .unwrap()
        .contains("Role/apps/does-not-exist"));
    assert!(grants[0].subject_missing);
    assert_eq!(grants[0].evidence.binding_location.position.line, 5);
}

#[test]
fn defaults_are_hidden_unless_asked_and_builtin_roles_are_known() {
    let inv = inventory(
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: cluster-admin
  labels: {kubernetes.io/bootstrapping: rbac-defaults}
subjects: [{kind: Group, name: "system:masters"}]
roleRef: {kind: ClusterRole, name: cluster-admin}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ops-admin}
subjects: [{kind: User, name: alice}]
roleRef: {kind: ClusterRole, name: cluster-admin}
"#,
    );
    assert_eq!(
        who(&inv, "delete", "nodes", Some("ignored"), None),
        ["user:alice"]
    );
    assert_eq!(who(&inv, "get", "/metrics", None, None), ["user:alice"]);
    let rbac = Rbac::load(&inv);
    let all = rbac.who_can(
        &Request::parse("delete", "nodes", None, None).unwrap(),
        QueryOptions {
            include_defaults: true,
        },
    );
    assert_eq!(all.len(), 2);
    assert!(all
        .iter()
        .any(|g| g.notes.iter().any(|n| n.contains("superuser"))));
    let paths = rbac
        .graph(QueryOptions::default())
        .paths_to_admin(QueryOptions::default());
    assert_eq!(paths.len(), 1);
    assert_eq!(paths[0].from, "user:alice");
}

#[test]
fn subject_parsing() {
    assert_eq!(
        Subject::parse("sa:ops:backup").unwrap(),
        Subject::service_account("ops", "backup")
    );
    assert_eq!(
        Subject::parse("system:serviceaccount:ops:backup").unwrap(),
        Subject::service_account("ops", "backup")
    );
    assert_eq!(
        Subject::parse("group:system:masters").unwrap(),
        Subject::group("system:masters")
    );
    assert!(Subject::parse("alice").is_err());
    assert!(Subject::parse("sa:ops").is_err());
}

#[test]
fn escalation_chain_through_pod_creation_and_secret_reads() {
    let inv = inventory(
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: deployer, namespace: ops}
rules: [{apiGroups: ["apps"], resources: ["deployments"], verbs: ["create"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice-deploys, namespace: ops}
subjects: [{kind: User, name: alice}]
roleRef: {kind: Role, name: deployer}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: backup, namespace: ops}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-lister}
rules: [{apiGroups: [""], resources: ["secrets"], verbs: ["list"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: backup-reads}
subjects: [{kind: ServiceAccount, name: backup, namespace: ops}]
roleRef: {kind: ClusterRole, name: secret-lister}
---
apiVersion: v1
kind: Secret
metadata:
  name: robot-token
  namespace: kube-system
  annotations: {kubernetes.io/service-account.name: robot}
type: kubernetes.io/service-account-token
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: robot-admin}
subjects: [{kind: ServiceAccount, name: robot, namespace: kube-system}]
roleRef: {kind: ClusterRole, name: cluster-admin}
"#,
    );
    let rbac = Rbac::load(&inv);
    let graph = rbac.graph(QueryOptions::default());
    let alice = graph
        .find(&NodeKind::Identity {
            subject: Subject::user("alice"),
        })
        .unwrap();
    let path = graph.path_from(alice).unwrap();
    let hops: Vec<&str> = path.steps.iter().map(|s| s.to.as_str()).collect();
    assert_eq!(
        hops,
        [
            "ns:ops",
            "sa:ops:backup",
            "sa:kube-system:robot",
            "cluster-admin"
        ]
    );
    assert!(path.steps[0]
        .evidence
        .as_ref()
        .unwrap()
        .binding
        .contains("alice-deploys"));
    let all = graph.paths_to_admin(QueryOptions::default());
    let from: Vec<&str> = all.iter().map(|p| p.from.as_str()).collect();
    // The kube-system robot is a built-in-namespace identity: hidden by default.
    assert_eq!(from, ["sa:ops:backup", "user:alice"]);
}

#[test]
fn graph_edges_follow_scope_names_and_sinks() {
    let inv = inventory(
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: masters-impersonator}
rules: [{apiGroups: [""], resources: ["groups"], verbs: ["impersonate"], resourceNames: ["system:masters"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: imp}
subjects: [{kind: User, name: mallory}]
roleRef: {kind: ClusterRole, name: masters-impersonator}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: kubelet-proxy}
rules: [{apiGroups: [""], resources: ["nodes/proxy"], verbs: ["get"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: proxy-in-ns, namespace: dev}
subjects: [{kind: User, name: nsproxy}]
roleRef: {kind: ClusterRole, name: kubelet-proxy}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: token-for-ci, namespace: dev}
rules: [{apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"], resourceNames: ["ci"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: token-for-ci, namespace: dev}
subjects: [{kind: User, name: tokener}]
roleRef: {kind: Role, name: token-for-ci}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pods, namespace: dev}
rules: [{apiGroups: [""], resources: ["pods"], verbs: ["create"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: pods, namespace: dev}
subjects: [{kind: User, name: dev-user}]
roleRef: {kind: Role, name: pods}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: prod-admin}
subjects: [{kind: ServiceAccount, name: deployer, namespace: prod}]
roleRef: {kind: ClusterRole, name: cluster-admin}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ci-admin}
subjects: [{kind: ServiceAccount, name: ci, namespace: dev}]
roleRef: {kind: ClusterRole, name: cluster-admin}
"#,
    );
    let rbac = Rbac::load(&inv);
    let graph = rbac.graph(QueryOptions::default());
    let path = |id: &str| {
        graph
            .path_from(graph.find_id(id).unwrap())
            .map(|p| p.steps.iter().map(|s| s.to.clone()).collect::<Vec<_>>())
    };
    // Impersonating system:masters is cluster-admin.
    assert_eq!(path("user:mallory").unwrap(), ["cluster-admin"]);
    // nodes/proxy is a cluster-scoped resource: a RoleBinding does not grant it.
    assert_eq!(path("user:nsproxy"), None);
    // A token for the one named service account, which is bound to cluster-admin.
    assert_eq!(
        path("user:tokener").unwrap(),
        ["sa:dev:ci", "cluster-admin"]
    );
    // Pod creation in dev reaches dev's service accounts, never prod's.
    assert_eq!(
        path("user:dev-user").unwrap(),
        ["ns:dev", "sa:dev:ci", "cluster-admin"]
    );
    let from: Vec<String> = graph
        .paths_to_admin(QueryOptions::default())
        .into_iter()
        .map(|p| p.from)
        .collect();
    assert_eq!(
        from,
        [
            "sa:dev:ci",
            "sa:prod:deployer",
            "user:mallory",
            "user:tokener",
            "user:dev-user"
        ]
    );
}

fn hops_from(graph: &crate::Graph, id: &str) -> Option<Vec<String>> {
    let start = graph.find_id(id)?;
    graph
        .path_from(start)
        .map(|p| p.steps.iter().map(|s| s.to.clone()).collect())
}

#[test]
fn only_labelled_or_exactly_named_objects_are_defaults() {
    let inv = inventory(
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "system:totally-legit"}
subjects: [{kind: Group, name: "system:authenticated"}]
roleRef: {kind: ClusterRole, name: cluster-admin}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "system:basic-user"}
subjects: [{kind: Group, name: "system:authenticated"}]
roleRef: {kind: ClusterRole, name: "system:basic-user"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: renamed-default
  labels: {kubernetes.io/bootstrapping: rbac-defaults}
subjects: [{kind: Group, name: "system:nodes"}]
roleRef: {kind: ClusterRole, name: "system:node"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "system:controller:made-up"}
rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]
"#,
    );
    let rbac = Rbac::load(&inv);
    let default_of = |name: &str| {
        rbac.bindings
            .iter()
            .find(|b| b.name == name)
            .map(|b| b.default)
    };
    assert_eq!(default_of("system:totally-legit"), Some(false));
    assert_eq!(default_of("system:basic-user"), Some(true));
    assert_eq!(default_of("renamed-default"), Some(true));
    let made_up = rbac
        .role(
            crate::RoleKind::ClusterRole,
            None,
            "system:controller:made-up",
        )
        .unwrap();
    assert!(!made_up.default, "a prefix alone does not make a default");
    // The imposter's grant to every authenticated identity is visible by default.
    assert_eq!(
        who(&inv, "delete", "nodes", None, None),
        ["group:system:authenticated"]
    );
}

#[test]
fn cluster_wide_pod_creation_reaches_cluster_admin_through_built_in_controllers() {
    let inv = inventory(
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pod-maker}
rules: [{apiGroups: [""], resources: ["pods"], verbs: ["create"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ci-makes-pods}
subjects: [{kind: ServiceAccount, name: ci, namespace: build}]
roleRef: {kind: ClusterRole, name: pod-maker}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ops-in-kube-system, namespace: kube-system}
subjects: [{kind: User, name: ops}]
roleRef: {kind: ClusterRole, name: pod-maker}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: dev-in-dev, namespace: dev}
subjects: [{kind: User, name: dev}]
roleRef: {kind: ClusterRole, name: pod-maker}
"#,
    );
    let rbac = Rbac::load(&inv);
    let graph = rbac.graph(QueryOptions::default());
    let expected = [
        "ns:kube-system",
        "sa:kube-system:clusterrole-aggregation-controller",
        "cluster-admin",
    ];
    assert_eq!(hops_from(&graph, "sa:build:ci").unwrap(), expected);
    assert_eq!(hops_from(&graph, "user:ops").unwrap(), expected);
    // Pod creation in an ordinary namespace reaches only that namespace.
    assert_eq!(hops_from(&graph, "user:dev"), None);
    let path = graph.path_from(graph.find_id("user:ops").unwrap()).unwrap();
    let last = path.steps.last().unwrap();
    assert!(
        last.action.contains("built in"),
        "the step must say the identity is built in: {}",
        last.action
    );
    assert!(last.builtin);
}

#[test]
fn csr_approval_needs_both_the_approval_subresource_and_the_signer() {
    let inv = inventory(
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: csr-approval}
rules: [{apiGroups: ["certificates.k8s.io"], resources: ["certificatesigningrequests/approval"], verbs: ["update"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: client-signer}
rules: [{apiGroups: ["certificates.k8s.io"], resources: ["signers"], resourceNames: ["kubernetes.io/kube-apiserver-client"], verbs: ["approve"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: half}
subjects: [{kind: User, name: half}]
roleRef: {kind: ClusterRole, name: csr-approval}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: whole-a}
subjects: [{kind: User, name: whole}]
roleRef: {kind: ClusterRole, name: csr-approval}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: whole-b}
subjects: [{kind: User, name: whole}]
roleRef: {kind: ClusterRole, name: client-signer}
"#,
    );
    let rbac = Rbac::load(&inv);
    let graph = rbac.graph(QueryOptions::default());
    assert_eq!(hops_from(&graph, "user:half"), None);
    assert_eq!(hops_from(&graph, "user:whole").unwrap(), ["cluster-admin"]);
}

#[test]
fn a_workload_without_a_mounted_token_does_not_hand_over_its_service_account() {
    let inv = inventory(
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: app-admin}
subjects:
- {kind: ServiceAccount, name: app, namespace: shop}
- {kind: ServiceAccount, name: quiet, namespace: shop}
roleRef: {kind: ClusterRole, name: cluster-admin}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: quiet, namespace: shop}
automountServiceAccountToken: false
---
apiVersion: v1
kind: Pod
metadata: {name: pod-off, namespace: shop}
spec:
  serviceAccountName: app
  automountServiceAccountToken: false
  containers: [{name: c, image: a:1}]
---
apiVersion: v1
kind: Pod
metadata: {name: sa-off, namespace: shop}
spec:
  serviceAccountName: quiet
  containers: [{name: c, image: a:1}]
---
apiVersion: v1
kind: Pod
metadata: {name: sa-off-pod-on, namespace: shop}
spec:
  serviceAccountName: quiet
  automountServiceAccountToken: true
  containers: [{name: c, image: a:1}]
---
apiVersion: v1
kind: Pod
metadata: {name: projected, namespace: shop}
spec:
  serviceAccountName: app
  automountServiceAccountToken: false
  containers: [{name: c, image: a:1}]
  volumes:
  - name: token
    projected:
      sources: [{serviceAccountToken: {path: token}}]
---
apiVersion: v1
kind: Pod
metadata: {name: plain, namespace: shop}
spec:
  serviceAccountName: app
  containers: [{name: c, image: a:1}]
"#,
    );
    let rbac = Rbac::load(&inv);
    let graph = rbac.graph(QueryOptions::default());
    assert_eq!(hops_from(&graph, "pod:shop/pod-off"), None);
    assert_eq!(hops_from(&graph, "pod:shop/sa-off"), None);
    assert_eq!(
        hops_from(&graph, "pod:shop/sa-off-pod-on").unwrap(),
        ["sa:shop:quiet", "cluster-admin"]
    );
    assert_eq!(
        hops_from(&graph, "pod:shop/projected").unwrap(),
        ["sa:shop:app", "cluster-admin"]
    );
    assert_eq!(
        hops_from(&graph, "pod:shop/plain").unwrap(),
        ["sa:shop:app", "cluster-admin"]
    );
    // The service account stays a path of its own.
    assert_eq!(
        hops_from(&graph, "sa:shop:quiet").unwrap(),
        ["cluster-admin"]
    );
    let off = rbac
        .workloads
        .iter()
        .find(|w| w.object.name == "pod-off")
        .unwrap();
    assert!(!off.token.mounted());
    let node = graph.find_id("pod:shop/pod-off").unwrap();
    assert!(graph.note(node).unwrap().contains("token is not mounted"));
}

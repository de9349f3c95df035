//! The roles and bindings Kubernetes and common distributions create themselves, told apart
//! from user-created ones so that reports are not drowned in noise; and the built-in
//! ClusterRoles that manifests bind to without defining.

use bulkhead_model::Object;

use crate::model::{Role, RoleKind, Rule};

/// The ClusterRoles every cluster has: the API server's bootstrap policy (user-facing roles,
/// `system:` roles and the `system:controller:` roles of kube-controller-manager) and the ones
/// kubeadm creates. Exact names only: attackers choose names, so a prefix proves nothing.
const CLUSTER_ROLES: &[&str] = &[
    "cluster-admin",
    "admin",
    "edit",
    "view",
    "system:aggregate-to-admin",
    "system:aggregate-to-edit",
    "system:aggregate-to-view",
    "system:auth-delegator",
    "system:basic-user",
    "system:certificates.k8s.io:certificatesigningrequests:nodeclient",
    "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient",
    "system:certificates.k8s.io:kube-apiserver-client-approver",
    "system:certificates.k8s.io:kube-apiserver-client-kubelet-approver",
    "system:certificates.k8s.io:kubelet-serving-approver",
    "system:certificates.k8s.io:legacy-unknown-approver",
    "system:discovery",
    "system:heapster",
    "system:kube-aggregator",
    "system:kube-controller-manager",
    "system:kube-dns",
    "system:kube-scheduler",
    "system:kubelet-api-admin",
    "system:monitoring",
    "system:node",
    "system:node-bootstrapper",
    "system:node-problem-detector",
    "system:node-proxier",
    "system:persistent-volume-provisioner",
    "system:public-info-viewer",
    "system:service-account-issuer-discovery",
    "system:volume-scheduler",
    "system:controller:attachdetach-controller",
    "system:controller:certificate-controller",
    "system:controller:clusterrole-aggregation-controller",
    "system:controller:cronjob-controller",
    "system:controller:daemon-set-controller",
    "system:controller:deployment-controller",
    "system:controller:disruption-controller",
    "system:controller:endpoint-controller",
    "system:controller:endpointslice-controller",
    "system:controller:endpointslicemirroring-controller",
    "system:controller:ephemeral-volume-controller",
    "system:controller:expand-controller",
    "system:controller:generic-garbage-collector",
    "system:controller:horizontal-pod-autoscaler",
    "system:controller:job-controller",
    "system:controller:legacy-service-account-token-cleaner",
    "system:controller:namespace-controller",
    "system:controller:node-controller",
    "system:controller:persistent-volume-binder",
    "system:controller:pod-garbage-collector",
    "system:controller:pv-protection-controller",
    "system:controller:pvc-protection-controller",
    "system:controller:replicaset-controller",
    "system:controller:replication-controller",
    "system:controller:resourcequota-controller",
    "system:controller:root-ca-cert-publisher",
    "system:controller:route-controller",
    "system:controller:service-account-controller",
    "system:controller:service-controller",
    "system:controller:statefulset-controller",
    "system:controller:ttl-after-finished-controller",
    "system:controller:ttl-controller",
    "system:controller:validatingadmissionpolicy-status-controller",
    "kubeadm:get-nodes",
];

/// The ClusterRoleBindings every cluster has, each with the ClusterRole it binds: a binding of
/// a built-in name that binds something else is not the default.
const CLUSTER_ROLE_BINDINGS: &[(&str, &str)] = &[
    ("cluster-admin", "cluster-admin"),
    ("system:basic-user", "system:basic-user"),
    ("system:discovery", "system:discovery"),
    (
        "system:kube-controller-manager",
        "system:kube-controller-manager",
    ),
    ("system:kube-dns", "system:kube-dns"),
    ("system:kube-scheduler", "system:kube-scheduler"),
    ("system:monitoring", "system:monitoring"),
    ("system:node", "system:node"),
    ("system:node-proxier", "system:node-proxier"),
    ("system:public-info-viewer", "system:public-info-viewer"),
    (
        "system:service-account-issuer-discovery",
        "system:service-account-issuer-discovery",
    ),
    ("system:volume-scheduler", "system:volume-scheduler"),
    ("kubeadm:get-nodes", "kubeadm:get-nodes"),
    ("kubeadm:kubelet-bootstrap", "system:node-bootstrapper"),
    (
        "kubeadm:node-autoapprove-bootstrap",
        "system:certificates.k8s.io:certificatesigningrequests:nodeclient",
    ),
    (
        "kubeadm:node-autoapprove-certificate-rotation",
        "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient",
    ),
    ("kubeadm:node-proxier", "system:node-proxier"),
    ("kubeadm:cluster-admins", "cluster-admin"),
];

/// The Roles and RoleBindings (namespace, name) the bootstrap policy and kubeadm create.
const NAMESPACED: &[(&str, &str)] = &[
    ("kube-system", "extension-apiserver-authentication-reader"),
    (
        "kube-system",
        "system::extension-apiserver-authentication-reader",
    ),
    (
        "kube-system",
        "system::leader-locking-kube-controller-manager",
    ),
    ("kube-system", "system::leader-locking-kube-scheduler"),
    ("kube-system", "system:controller:bootstrap-signer"),
    ("kube-system", "system:controller:cloud-provider"),
    ("kube-system", "system:controller:token-cleaner"),
    ("kube-public", "system:controller:bootstrap-signer"),
    ("kube-system", "kube-proxy"),
    ("kube-system", "kubeadm:kubelet-config"),
    ("kube-system", "kubeadm:nodes-kubeadm-config"),
    ("kube-public", "kubeadm:bootstrap-signer-clusterinfo"),
];

/// Whether a Role, ClusterRole or binding is one of the built-in defaults: the
/// `kubernetes.io/bootstrapping: rbac-defaults` label the API server puts on what it creates,
/// or the exact name (and, for a ClusterRoleBinding, the role) of a known default.
pub fn is_default_object(object: &Object) -> bool {
    if object.label("kubernetes.io/bootstrapping") == Some("rbac-defaults") {
        return true;
    }
    let name = object.name.as_str();
    match object.kind.as_str() {
        "ClusterRole" => is_builtin_cluster_role(name),
        "ClusterRoleBinding" => {
            let role = object
                .root
                .path(&["roleRef", "name"])
                .and_then(bulkhead_model::Node::as_str);
            CLUSTER_ROLE_BINDINGS
                .iter()
                .any(|(binding, bound)| *binding == name && role == Some(*bound))
                || (name.starts_with("system:controller:")
                    && is_builtin_cluster_role(name)
                    && role == Some(name))
        }
        "Role" | "RoleBinding" => object
            .namespace
            .as_deref()
            .is_some_and(|ns| NAMESPACED.contains(&(ns, name))),
        _ => false,
    }
}

/// Whether a Role of this exact name exists in this namespace of every cluster (kubeadm's
/// included), so a RoleBinding to it is not a binding to a missing role.
pub fn is_builtin_role(namespace: &str, name: &str) -> bool {
    NAMESPACED.contains(&(namespace, name))
}

/// Whether a ClusterRole of this exact name exists in every cluster (so a binding to it is
/// not a binding to a missing role).
pub fn is_builtin_cluster_role(name: &str) -> bool {
    CLUSTER_ROLES.contains(&name)
}

/// Groups that hold many identities at once: granting to them is granting to everyone of a
/// kind.
pub fn is_broad_group(name: &str) -> bool {
    matches!(
        name,
        "system:authenticated" | "system:unauthenticated" | "system:serviceaccounts"
    ) || name.starts_with("system:serviceaccounts:")
}

/// The namespace of the control plane's own identities.
pub const KUBE_SYSTEM: &str = "kube-system";

/// A service account every cluster has in kube-system, bound by the bootstrap policy to a
/// ClusterRole that is cluster-admin in all but name.
pub struct BuiltinIdentity {
    pub name: &'static str,
    /// What its built-in binding grants, in words, with the binding's name.
    pub power: &'static str,
}

/// The kube-controller-manager service accounts whose built-in rights already amount to
/// cluster-admin (from the API server's bootstrap policy, `system:controller:` roles). Anyone
/// who can run a pod in kube-system, or request one of these tokens, has them.
pub const BUILTIN_IDENTITIES: &[BuiltinIdentity] = &[
    BuiltinIdentity {
        name: "clusterrole-aggregation-controller",
        power: "ClusterRoleBinding system:controller:clusterrole-aggregation-controller grants escalate, update and patch on every ClusterRole (its own included), so it can give itself any permission",
    },
    BuiltinIdentity {
        name: "generic-garbage-collector",
        power: "ClusterRoleBinding system:controller:generic-garbage-collector grants get, patch and update on every resource, webhook configurations and secrets included",
    },
];

/// The group that RBAC never needs to grant: its members are superusers.
pub const MASTERS: &str = "system:masters";

/// A built-in ClusterRole, for bindings whose inputs refer to it without defining it. The
/// rules are the parts of the upstream definitions that matter for escalation.
pub fn builtin_role(name: &str) -> Option<Role<'static>> {
    let pods_write = &["create", "delete", "deletecollection", "patch", "update"];
    let read = &["get", "list", "watch"];
    let rules = match name {
        "cluster-admin" => vec![
            Rule::builtin(name, 0, &["*"], &["*"], &["*"], &[]),
            Rule::builtin(name, 1, &["*"], &[], &[], &["*"]),
        ],
        "admin" | "edit" => {
            let mut rules = vec![
                Rule::builtin(
                    name,
                    0,
                    pods_write,
                    &[""],
                    &[
                        "pods",
                        "pods/attach",
                        "pods/exec",
                        "pods/portforward",
                        "pods/proxy",
                        "secrets",
                        "services",
                        "configmaps",
                        "persistentvolumeclaims",
                        "serviceaccounts",
                        "replicationcontrollers",
                    ],
                    &[],
                ),
                Rule::builtin(
                    name,
                    1,
                    pods_write,
                    &["apps", "batch"],
                    &[
                        "deployments",
                        "daemonsets",
                        "statefulsets",
                        "replicasets",
                        "jobs",
                        "cronjobs",
                    ],
                    &[],
                ),
                Rule::builtin(
                    name,
                    2,
                    read,
                    &[""],
                    &["secrets", "pods", "serviceaccounts"],
                    &[],
                ),
                Rule::builtin(name, 3, &["impersonate"], &[""], &["serviceaccounts"], &[]),
                Rule::builtin(name, 4, &["create"], &[""], &["serviceaccounts/token"], &[]),
            ];
            if name == "admin" {
                rules.push(Rule::builtin(
                    name,
                    5,
                    &[
                        "create",
                        "delete",
                        "deletecollection",
                        "get",
                        "list",
                        "patch",
                        "update",
                        "watch",
                    ],
                    &["rbac.authorization.k8s.io"],
                    &["rolebindings", "roles"],
                    &[],
                ));
            }
            rules
        }
        "view" => vec![Rule::builtin(
            name,
            0,
            read,
            &["", "apps", "batch"],
            &[
                "pods",
                "services",
                "configmaps",
                "deployments",
                "daemonsets",
                "statefulsets",
                "replicasets",
                "jobs",
                "cronjobs",
                "serviceaccounts",
            ],
            &[],
        )],
        _ => return None,
    };
    Some(Role {
        kind: RoleKind::ClusterRole,
        namespace: None,
        name: name.to_string(),
        rules,
        object: None,
        default: true,
        aggregation: Vec::new(),
    })
}

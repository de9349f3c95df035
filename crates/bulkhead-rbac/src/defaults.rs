//! The roles and bindings Kubernetes and common distributions create themselves, told apart
//! from user-created ones so that reports are not drowned in noise; and the built-in
//! ClusterRoles that manifests bind to without defining.

use bulkhead_model::Object;

use crate::model::{Role, RoleKind, Rule};

/// Name prefixes of the roles and bindings control planes and distributions create.
const DEFAULT_PREFIXES: &[&str] = &[
    "system:",
    "kubeadm:",
    "eks:",
    "gce:",
    "gke:",
    "aks-",
    "k3s-",
    "openshift:",
];

/// The user-facing ClusterRoles every cluster has (they carry the bootstrapping label when
/// exported, but are often written without it).
const DEFAULT_NAMES: &[&str] = &["cluster-admin", "admin", "edit", "view"];

/// Whether a Role, ClusterRole or binding is one of the built-in defaults: the
/// `kubernetes.io/bootstrapping: rbac-defaults` label, or a reserved name.
pub fn is_default_object(object: &Object) -> bool {
    object.label("kubernetes.io/bootstrapping") == Some("rbac-defaults")
        || is_default_name(&object.name)
        || (object.kind.starts_with("Cluster")
            && object.kind.ends_with("Role")
            && DEFAULT_NAMES.contains(&object.name.as_str()))
}

pub fn is_default_name(name: &str) -> bool {
    DEFAULT_PREFIXES.iter().any(|p| name.starts_with(p))
}

/// Groups that hold many identities at once: granting to them is granting to everyone of a
/// kind.
pub fn is_broad_group(name: &str) -> bool {
    matches!(
        name,
        "system:authenticated" | "system:unauthenticated" | "system:serviceaccounts"
    ) || name.starts_with("system:serviceaccounts:")
}

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

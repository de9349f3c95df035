//! What the webhook judges: the object checks (and the RBAC checks, which read one Role or
//! binding at a time), over the kinds those checks read.
//!
//! A review carries one object, not the cluster. Checks that judge an object by what else
//! exists — "this namespace has no ResourceQuota", "no NetworkPolicy selects this workload",
//! "the ServiceAccount does not exist" — would report every object of a healthy cluster from
//! inside a review, so they are left to scans of the whole cluster (`bulkhead scan --cluster`,
//! `serve`).

use bulkhead_checks::{Check, Family, Run};

/// Inventory-wide RBAC checks whose answer depends on objects other than the one reviewed.
const NEEDS_OTHER_OBJECTS: &[&str] = &[
    "BHR013", // binding-to-missing-role: the role is elsewhere
    "BHR014", // workload-reaches-cluster-admin: joins workloads, accounts and bindings
    "BHR020", // rule-matches-nothing: needs the cluster's resources
];

/// Whether `check` can judge an object alone.
pub fn judges_alone(check: &Check) -> bool {
    match check.run {
        Run::Object(_) => true,
        Run::Inventory(_) => {
            check.family == Family::Rbac && !NEEDS_OTHER_OBJECTS.contains(&check.id)
        }
    }
}

/// Kinds at least one check reads. Any other kind is allowed at once, before it is parsed.
/// The `every_fixture_kind_with_a_finding_is_judged` test runs every check's insecure fixture
/// and fails when a kind some check reports on is missing here.
pub const JUDGED_KINDS: &[&str] = &[
    // Workloads, judged at their pod template.
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
    "PodTemplate",
    "Rollout",
    // RBAC.
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ServiceAccount",
    // Exposure and traffic.
    "Service",
    "Endpoints",
    "EndpointSlice",
    "Ingress",
    "Gateway",
    "HTTPRoute",
    "GRPCRoute",
    "TLSRoute",
    "TCPRoute",
    "NetworkPolicy",
    "PeerAuthentication",
    "AuthorizationPolicy",
    // Namespaces, configuration and secrets.
    "Namespace",
    "ConfigMap",
    "Secret",
    // Resources and scheduling.
    "PodDisruptionBudget",
    "HorizontalPodAutoscaler",
    "DeviceClass",
    "ResourceClaim",
    "ResourceClaimTemplate",
    // Deprecated and removed APIs.
    "PodSecurityPolicy",
    "FlowSchema",
    "PriorityLevelConfiguration",
];

/// Whether objects of `kind` are judged.
pub fn is_judged(kind: &str) -> bool {
    JUDGED_KINDS.contains(&kind)
}

//! What a cluster snapshot could not read, and the checks that therefore cannot vouch for a
//! clean result.
//!
//! A live read records, in the snapshot's `ClusterSnapshot` document, every resource the
//! credentials may not read (403), the server does not serve (404) or that failed mid-way,
//! and that Secrets were read without their values. A scan of the snapshot — live or
//! later, from the file — reports each once, at its line in the snapshot, and takes the
//! checks that read those kinds out of the framework's evaluation: their controls become
//! NOT EVALUATED instead of passing on missing data. (A finding they did raise still fails
//! its control: partial data can prove a problem, never its absence.)

use std::collections::BTreeSet;

use bulkhead_checks::{all_checks, Family};
use bulkhead_model::{ErrorSeverity, Inventory, LoadError, Node, Object};

/// The snapshot record's API version and kind (written by `bulkhead-cluster`).
pub const SNAPSHOT_API_VERSION: &str = "snapshot.bulkhead.dev/v1";
pub const SNAPSHOT_KIND: &str = "ClusterSnapshot";

/// Kinds whose objects workload checks read (and pod selectors resolve against).
const WORKLOADS: &[&str] = &[
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
    "ReplicationController",
    "PodTemplate",
];

/// Which check families read objects of which kinds.
const READERS: &[(&[&str], &[Family])] = &[
    (
        WORKLOADS,
        &[
            Family::Workload,
            Family::Resources,
            Family::Images,
            Family::Secrets,
            Family::KnownRisks,
            Family::References,
            Family::Network,
            Family::Multitenancy,
        ],
    ),
    (
        &[
            "NetworkPolicy",
            "AdminNetworkPolicy",
            "BaselineAdminNetworkPolicy",
            "ClusterNetworkPolicy",
            "PeerAuthentication",
            "AuthorizationPolicy",
            "Server",
            "ServerAuthorization",
            "MeshTLSAuthentication",
            "NetworkAuthentication",
        ],
        &[Family::Network],
    ),
    (
        &["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"],
        &[Family::Rbac],
    ),
    (&["ServiceAccount"], &[Family::Rbac, Family::Workload]),
    (
        &["Namespace"],
        &[Family::Multitenancy, Family::Network, Family::Workload],
    ),
    (
        &[
            "Service",
            "Ingress",
            "IngressClass",
            "Gateway",
            "HTTPRoute",
            "GRPCRoute",
            "TLSRoute",
            "TCPRoute",
        ],
        &[Family::Network, Family::References, Family::KnownRisks],
    ),
    (&["ConfigMap"], &[Family::Secrets, Family::Kubelet]),
    (&["Secret"], &[Family::Secrets, Family::References]),
    (&["Node"], &[Family::Versions]),
    (
        &[
            "LimitRange",
            "ResourceQuota",
            "PodDisruptionBudget",
            "HorizontalPodAutoscaler",
        ],
        &[Family::Resources],
    ),
    (&["KubeletConfiguration"], &[Family::Kubelet]),
];

/// Checks that judge a Secret's values (`data`, `stringData`), which a live read never
/// receives.
const SECRET_VALUE_CHECKS: &[&str] = &["BHS004"];

/// What the snapshots among the inputs could not read.
#[derive(Debug, Default)]
pub struct Gaps {
    /// One per unread resource (and one for Secret values), at its line in the snapshot.
    pub errors: Vec<LoadError>,
    /// Checks whose clean result proves nothing on this input.
    pub blind: BTreeSet<&'static str>,
}

/// The gaps recorded by every `ClusterSnapshot` of `inventory`.
pub fn of(inventory: &Inventory) -> Gaps {
    let mut gaps = Gaps::default();
    for snapshot in inventory
        .objects()
        .iter()
        .filter(|o| o.api_version == SNAPSHOT_API_VERSION && o.kind == SNAPSHOT_KIND)
    {
        let spec = snapshot.root.get("spec");
        let unread = spec.and_then(|s| s.get("unread")).map(Node::as_seq);
        for (i, entry) in unread.unwrap_or(&[]).iter().enumerate() {
            let kind = text(entry, "kind");
            let resource = text(entry, "resource");
            let group = text(entry, "group");
            let reason = text(entry, "reason");
            let blind = blind_checks(kind);
            gaps.blind.extend(blind.iter().copied());
            let named = if group.is_empty() {
                resource.to_string()
            } else {
                format!("{resource}.{group}")
            };
            let consequence = if blind.is_empty() {
                String::new()
            } else {
                format!(
                    "; checks that read {kind} objects are not evaluated ({})",
                    blind.join(", ")
                )
            };
            let code = entry.get("code").and_then(Node::as_i64).unwrap_or(0);
            let severity = if matches!(code, 403 | 404) {
                ErrorSeverity::Warning
            } else {
                ErrorSeverity::Error
            };
            gaps.errors.push(error_at(
                snapshot,
                &format!("/spec/unread/{i}"),
                format!("could not read {named} from the cluster ({reason}){consequence}"),
                severity,
            ));
        }
        let read = spec.and_then(|s| s.get("read")).map(Node::as_seq);
        let secrets = read.unwrap_or(&[]).iter().position(|r| {
            text(r, "kind") == "Secret"
                && r.get("metadataOnly").and_then(Node::as_bool) == Some(true)
        });
        if let Some(i) = secrets {
            gaps.blind.extend(SECRET_VALUE_CHECKS.iter().copied());
            gaps.errors.push(error_at(
                snapshot,
                &format!("/spec/read/{i}"),
                format!(
                    "Secrets were read without their values (metadata only); checks of Secret values could not judge them ({})",
                    SECRET_VALUE_CHECKS.join(", ")
                ),
                ErrorSeverity::Warning,
            ));
        }
    }
    gaps
}

/// The checks of every family that reads `kind`.
fn blind_checks(kind: &str) -> Vec<&'static str> {
    let families: BTreeSet<Family> = READERS
        .iter()
        .filter(|(kinds, _)| kinds.contains(&kind))
        .flat_map(|(_, families)| families.iter().copied())
        .collect();
    all_checks()
        .iter()
        .filter(|c| families.contains(&c.family))
        .map(|c| c.id)
        .collect()
}

fn text<'a>(node: &'a Node, key: &str) -> &'a str {
    node.get(key).and_then(Node::as_str).unwrap_or_default()
}

fn error_at(object: &Object, pointer: &str, message: String, severity: ErrorSeverity) -> LoadError {
    let location = object.locate(pointer);
    LoadError {
        path: location.path,
        line: Some(location.position.line),
        column: Some(location.position.column),
        message,
        severity,
    }
}

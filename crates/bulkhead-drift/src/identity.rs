//! Which desired object and which live object are the same object.
//!
//! The API server names an object by its group, kind, namespace and name; the version is
//! only the form it is served in, so `apps/v1` and `apps/v1beta2` Deployments are one
//! object. A manifest without a namespace lands in the namespace `kubectl apply` would put
//! it in (`default`, or the one given), unless its kind is cluster-scoped.

use std::collections::HashSet;

use bulkhead_model::Object;
use serde::Serialize;

/// The identity of an object across the desired and the live set.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Identity {
    pub group: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

/// Kinds served cluster-wide by Kubernetes and the common add-ons. Other kinds are taken as
/// namespaced when the object names a namespace, or when the live set holds namespaced
/// objects of that kind.
const CLUSTER_SCOPED: &[&str] = &[
    "APIService",
    "AdminNetworkPolicy",
    "BaselineAdminNetworkPolicy",
    "CSIDriver",
    "CSINode",
    "CertificateSigningRequest",
    "ClusterIssuer",
    "ClusterNetworkPolicy",
    "ClusterRole",
    "ClusterRoleBinding",
    "ClusterTrustBundle",
    "ComponentStatus",
    "CustomResourceDefinition",
    "FlowSchema",
    "GatewayClass",
    "IngressClass",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PodSecurityPolicy",
    "PriorityClass",
    "PriorityLevelConfiguration",
    "RuntimeClass",
    "StorageClass",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
];

/// Kinds that moved between API groups: the old group's objects are the new group's.
const MOVED_GROUPS: &[(&str, &str, &str)] = &[
    ("extensions", "Deployment", "apps"),
    ("extensions", "DaemonSet", "apps"),
    ("extensions", "ReplicaSet", "apps"),
    ("extensions", "Ingress", "networking.k8s.io"),
    ("extensions", "NetworkPolicy", "networking.k8s.io"),
    ("extensions", "PodSecurityPolicy", "policy"),
];

/// The API group of an object, with moved kinds mapped to their current group.
pub fn group_of(object: &Object) -> String {
    let group = object.group();
    MOVED_GROUPS
        .iter()
        .find(|(old, kind, _)| *old == group && *kind == object.kind)
        .map_or(group, |(_, _, new)| new)
        .to_string()
}

/// Resolves identities: the namespace a manifest without one lands in, and which kinds are
/// namespaced.
pub struct Resolver {
    default_namespace: String,
    /// `(group, kind)` of which the live set holds namespaced objects.
    namespaced_live: HashSet<(String, String)>,
}

impl Resolver {
    pub fn new(default_namespace: &str, live: &[Object]) -> Self {
        let namespaced_live = live
            .iter()
            .filter(|o| o.namespace.is_some())
            .map(|o| (group_of(o), o.kind.clone()))
            .collect();
        Resolver {
            default_namespace: default_namespace.to_string(),
            namespaced_live,
        }
    }

    /// The identity of an object, or `None` when it has no name to be found by.
    pub fn identity(&self, object: &Object) -> Option<Identity> {
        let name = object
            .metadata()
            .and_then(|m| m.get("name"))
            .and_then(|n| n.as_str())
            .filter(|n| !n.is_empty())?;
        let group = group_of(object);
        let namespace = match &object.namespace {
            Some(ns) if !ns.is_empty() => Some(ns.clone()),
            _ if self.is_namespaced(&group, &object.kind) => Some(self.default_namespace.clone()),
            _ => None,
        };
        Some(Identity {
            group,
            kind: object.kind.clone(),
            namespace,
            name: name.to_string(),
        })
    }

    fn is_namespaced(&self, group: &str, kind: &str) -> bool {
        if CLUSTER_SCOPED.contains(&kind) {
            return false;
        }
        if crate::kinds::is_builtin_namespaced(kind) {
            return true;
        }
        self.namespaced_live
            .contains(&(group.to_string(), kind.to_string()))
    }
}

//! What drift knows about kinds: which are security-relevant, which are namespaced, and which
//! live objects no manifest is expected to hold (made by controllers or by the cluster
//! itself).

use bulkhead_model::Object;

/// Kinds whose presence or absence changes what can run, who may do what, or what is
/// reachable. An unmanaged object or an unapplied manifest of these kinds is security drift.
const SECURITY_KINDS: &[&str] = &[
    // Workloads.
    "Pod",
    "Deployment",
    "ReplicaSet",
    "ReplicationController",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "PodTemplate",
    // Identity and RBAC.
    "ServiceAccount",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "Secret",
    // Network and exposure.
    "NetworkPolicy",
    "AdminNetworkPolicy",
    "BaselineAdminNetworkPolicy",
    "ClusterNetworkPolicy",
    "Service",
    "Ingress",
    "Gateway",
    "HTTPRoute",
    "TLSRoute",
    "TCPRoute",
    "GRPCRoute",
    "AuthorizationPolicy",
    "PeerAuthentication",
    "Server",
    "ServerAuthorization",
    // Admission and namespaces (Pod Security labels).
    "Namespace",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
    "PodSecurityPolicy",
];

/// Namespaced kinds of the Kubernetes API itself.
const BUILTIN_NAMESPACED: &[&str] = &[
    "Pod",
    "Deployment",
    "ReplicaSet",
    "ReplicationController",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "PodTemplate",
    "ServiceAccount",
    "Role",
    "RoleBinding",
    "Secret",
    "ConfigMap",
    "NetworkPolicy",
    "Service",
    "Endpoints",
    "EndpointSlice",
    "Ingress",
    "PersistentVolumeClaim",
    "LimitRange",
    "ResourceQuota",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "ControllerRevision",
    "Event",
    "Lease",
];

/// Kinds the control plane writes for itself; no manifest holds them.
const CONTROLLER_KINDS: &[&str] = &[
    "Endpoints",
    "EndpointSlice",
    "Event",
    "Lease",
    "ControllerRevision",
];

pub fn is_security_relevant(kind: &str) -> bool {
    SECURITY_KINDS.contains(&kind)
}

pub fn is_builtin_namespaced(kind: &str) -> bool {
    BUILTIN_NAMESPACED.contains(&kind)
}

/// Why a live object without a manifest is not reported as unmanaged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotExpected {
    /// Owned by a controller (a ReplicaSet's Pods, a Deployment's ReplicaSets): it is compared
    /// through its owner's manifest.
    Owned,
    /// Created by the cluster itself: default ServiceAccounts, `kube-root-ca.crt`, the
    /// `kubernetes` Service, the system namespaces, bootstrap RBAC, mirror Pods, Helm's
    /// release records, and kinds only controllers write.
    BuiltIn,
}

/// Whether a live object is one no manifest is expected to hold.
pub fn not_expected(object: &Object) -> Option<NotExpected> {
    if object.controller_reference().is_some() {
        return Some(NotExpected::Owned);
    }
    let name = object.name.as_str();
    let ns = object.namespace.as_deref().unwrap_or("");
    let builtin = CONTROLLER_KINDS.contains(&object.kind.as_str())
        || match object.kind.as_str() {
            "ServiceAccount" => name == "default",
            "ConfigMap" => name == "kube-root-ca.crt",
            "Service" => ns == "default" && name == "kubernetes",
            "Namespace" => {
                matches!(
                    name,
                    "default" | "kube-system" | "kube-public" | "kube-node-lease"
                )
            }
            "Pod" => object.annotation("kubernetes.io/config.mirror").is_some(),
            // Helm's release records (`sh.helm.release.v1.NAME.vN`), written by Helm itself.
            "Secret" => {
                object.label("owner") == Some("helm") && name.starts_with("sh.helm.release.")
            }
            _ => false,
        }
        || object.label("kubernetes.io/bootstrapping") == Some("rbac-defaults");
    builtin.then_some(NotExpected::BuiltIn)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(text: &str) -> Object {
        let loaded = bulkhead_model::load_text("o.yaml", text, &bulkhead_model::Limits::default());
        loaded.objects.into_iter().next().expect("one object")
    }

    #[test]
    fn owned_and_built_in_objects_are_not_expected_in_manifests() {
        let owned = object("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  ownerReferences:\n  - {kind: ReplicaSet, name: r, controller: true}\n");
        assert_eq!(not_expected(&owned), Some(NotExpected::Owned));
        let helm = object("apiVersion: v1\nkind: Secret\nmetadata:\n  name: sh.helm.release.v1.web.v3\n  labels: {owner: helm}\n");
        assert_eq!(not_expected(&helm), Some(NotExpected::BuiltIn));
        let referenced = object("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  ownerReferences:\n  - {kind: Node, name: n}\n");
        assert_eq!(
            not_expected(&referenced),
            None,
            "an owner that is not a controller"
        );
        let secret =
            object("apiVersion: v1\nkind: Secret\nmetadata:\n  name: sh.helm.release.v1.web.v3\n");
        assert_eq!(
            not_expected(&secret),
            None,
            "without Helm's label it could be anyone's"
        );
    }
}

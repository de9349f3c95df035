//! What a scan reads: every resource a check, `rbac` or `netpol` looks at, by API group and
//! plural. The read-only ClusterRoles in `deploy/` are derived from this table (a test
//! compares them), so the scanner never asks for more than they grant.

/// How a resource is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Read {
    /// Whole objects.
    Objects,
    /// Metadata only (`PartialObjectMetadataList`): Secrets, whose values never leave the
    /// API server.
    Metadata,
}

/// (API group, plural, how). Resources a cluster does not serve are skipped after discovery.
pub const READ: &[(&str, &str, Read)] = &[
    ("", "configmaps", Read::Objects),
    ("", "limitranges", Read::Objects),
    ("", "namespaces", Read::Objects),
    ("", "nodes", Read::Objects),
    ("", "persistentvolumes", Read::Objects),
    ("", "persistentvolumeclaims", Read::Objects),
    ("", "pods", Read::Objects),
    ("", "podtemplates", Read::Objects),
    ("", "replicationcontrollers", Read::Objects),
    ("", "resourcequotas", Read::Objects),
    ("", "secrets", Read::Metadata),
    ("", "serviceaccounts", Read::Objects),
    ("", "services", Read::Objects),
    ("apps", "daemonsets", Read::Objects),
    ("apps", "deployments", Read::Objects),
    ("apps", "replicasets", Read::Objects),
    ("apps", "statefulsets", Read::Objects),
    ("autoscaling", "horizontalpodautoscalers", Read::Objects),
    ("batch", "cronjobs", Read::Objects),
    ("batch", "jobs", Read::Objects),
    ("networking.k8s.io", "ingresses", Read::Objects),
    ("networking.k8s.io", "ingressclasses", Read::Objects),
    ("networking.k8s.io", "networkpolicies", Read::Objects),
    ("policy", "poddisruptionbudgets", Read::Objects),
    (
        "rbac.authorization.k8s.io",
        "clusterrolebindings",
        Read::Objects,
    ),
    ("rbac.authorization.k8s.io", "clusterroles", Read::Objects),
    ("rbac.authorization.k8s.io", "rolebindings", Read::Objects),
    ("rbac.authorization.k8s.io", "roles", Read::Objects),
    (
        "admissionregistration.k8s.io",
        "mutatingwebhookconfigurations",
        Read::Objects,
    ),
    (
        "admissionregistration.k8s.io",
        "validatingadmissionpolicies",
        Read::Objects,
    ),
    (
        "admissionregistration.k8s.io",
        "validatingadmissionpolicybindings",
        Read::Objects,
    ),
    (
        "admissionregistration.k8s.io",
        "validatingwebhookconfigurations",
        Read::Objects,
    ),
    (
        "policy.networking.k8s.io",
        "adminnetworkpolicies",
        Read::Objects,
    ),
    (
        "policy.networking.k8s.io",
        "baselineadminnetworkpolicies",
        Read::Objects,
    ),
    (
        "policy.networking.k8s.io",
        "clusternetworkpolicies",
        Read::Objects,
    ),
    ("gateway.networking.k8s.io", "gateways", Read::Objects),
    ("gateway.networking.k8s.io", "httproutes", Read::Objects),
    ("gateway.networking.k8s.io", "grpcroutes", Read::Objects),
    ("gateway.networking.k8s.io", "tlsroutes", Read::Objects),
    ("gateway.networking.k8s.io", "tcproutes", Read::Objects),
    ("security.istio.io", "peerauthentications", Read::Objects),
    ("security.istio.io", "authorizationpolicies", Read::Objects),
    ("policy.linkerd.io", "servers", Read::Objects),
    ("policy.linkerd.io", "serverauthorizations", Read::Objects),
    ("policy.linkerd.io", "authorizationpolicies", Read::Objects),
    ("policy.linkerd.io", "meshtlsauthentications", Read::Objects),
    ("policy.linkerd.io", "networkauthentications", Read::Objects),
];

/// The node proxy subresource the kubelet's live configuration (`configz`) is read through.
pub const KUBELET_CONFIG: (&str, &str) = ("", "nodes/proxy");

/// How `(group, plural)` is read, if at all.
pub fn read_of(group: &str, plural: &str) -> Option<Read> {
    READ.iter()
        .find(|(g, p, _)| *g == group && *p == plural)
        .map(|(_, _, r)| *r)
}

//! The resources the server serves: built-in Kubernetes resources (with their real plural
//! names, short names, scope and verbs) plus any other kind found among the objects, served
//! as a custom resource would be.

use std::collections::BTreeMap;

/// One served resource of one group version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    pub group: String,
    pub version: String,
    /// The plural name in URLs (`networkpolicies`).
    pub plural: String,
    pub kind: String,
    pub namespaced: bool,
    pub short_names: Vec<String>,
}

impl Resource {
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
}

/// (group, version, plural, kind, namespaced, short names), in the order the real API
/// server lists them; the first version of a group is its preferred one.
type BuiltIn = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    &'static [&'static str],
);

const BUILT_IN: &[BuiltIn] = &[
    ("", "v1", "configmaps", "ConfigMap", true, &["cm"]),
    ("", "v1", "endpoints", "Endpoints", true, &["ep"]),
    ("", "v1", "events", "Event", true, &["ev"]),
    ("", "v1", "limitranges", "LimitRange", true, &["limits"]),
    ("", "v1", "namespaces", "Namespace", false, &["ns"]),
    ("", "v1", "nodes", "Node", false, &["no"]),
    (
        "",
        "v1",
        "persistentvolumeclaims",
        "PersistentVolumeClaim",
        true,
        &["pvc"],
    ),
    (
        "",
        "v1",
        "persistentvolumes",
        "PersistentVolume",
        false,
        &["pv"],
    ),
    ("", "v1", "pods", "Pod", true, &["po"]),
    ("", "v1", "podtemplates", "PodTemplate", true, &[]),
    (
        "",
        "v1",
        "replicationcontrollers",
        "ReplicationController",
        true,
        &["rc"],
    ),
    (
        "",
        "v1",
        "resourcequotas",
        "ResourceQuota",
        true,
        &["quota"],
    ),
    ("", "v1", "secrets", "Secret", true, &[]),
    ("", "v1", "serviceaccounts", "ServiceAccount", true, &["sa"]),
    ("", "v1", "services", "Service", true, &["svc"]),
    (
        "apps",
        "v1",
        "controllerrevisions",
        "ControllerRevision",
        true,
        &[],
    ),
    ("apps", "v1", "daemonsets", "DaemonSet", true, &["ds"]),
    ("apps", "v1", "deployments", "Deployment", true, &["deploy"]),
    ("apps", "v1", "replicasets", "ReplicaSet", true, &["rs"]),
    ("apps", "v1", "statefulsets", "StatefulSet", true, &["sts"]),
    (
        "autoscaling",
        "v2",
        "horizontalpodautoscalers",
        "HorizontalPodAutoscaler",
        true,
        &["hpa"],
    ),
    ("batch", "v1", "cronjobs", "CronJob", true, &["cj"]),
    ("batch", "v1", "jobs", "Job", true, &[]),
    (
        "networking.k8s.io",
        "v1",
        "ingressclasses",
        "IngressClass",
        false,
        &[],
    ),
    (
        "networking.k8s.io",
        "v1",
        "ingresses",
        "Ingress",
        true,
        &["ing"],
    ),
    (
        "networking.k8s.io",
        "v1",
        "networkpolicies",
        "NetworkPolicy",
        true,
        &["netpol"],
    ),
    (
        "policy",
        "v1",
        "poddisruptionbudgets",
        "PodDisruptionBudget",
        true,
        &["pdb"],
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "clusterrolebindings",
        "ClusterRoleBinding",
        false,
        &[],
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "clusterroles",
        "ClusterRole",
        false,
        &[],
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "rolebindings",
        "RoleBinding",
        true,
        &[],
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "roles",
        "Role",
        true,
        &[],
    ),
    (
        "storage.k8s.io",
        "v1",
        "storageclasses",
        "StorageClass",
        false,
        &["sc"],
    ),
    (
        "admissionregistration.k8s.io",
        "v1",
        "mutatingwebhookconfigurations",
        "MutatingWebhookConfiguration",
        false,
        &[],
    ),
    (
        "admissionregistration.k8s.io",
        "v1",
        "validatingadmissionpolicies",
        "ValidatingAdmissionPolicy",
        false,
        &[],
    ),
    (
        "admissionregistration.k8s.io",
        "v1",
        "validatingadmissionpolicybindings",
        "ValidatingAdmissionPolicyBinding",
        false,
        &[],
    ),
    (
        "admissionregistration.k8s.io",
        "v1",
        "validatingwebhookconfigurations",
        "ValidatingWebhookConfiguration",
        false,
        &[],
    ),
    (
        "apiextensions.k8s.io",
        "v1",
        "customresourcedefinitions",
        "CustomResourceDefinition",
        false,
        &["crd", "crds"],
    ),
    (
        "scheduling.k8s.io",
        "v1",
        "priorityclasses",
        "PriorityClass",
        false,
        &["pc"],
    ),
];

/// The resource table: the built-ins, then a resource for every other (apiVersion, kind)
/// among `kinds` (namespaced when any of its objects has a namespace).
pub fn table(kinds: &BTreeMap<(String, String), bool>) -> Vec<Resource> {
    let mut out: Vec<Resource> = BUILT_IN
        .iter()
        .map(|(g, v, p, k, n, s)| Resource {
            group: g.to_string(),
            version: v.to_string(),
            plural: p.to_string(),
            kind: k.to_string(),
            namespaced: *n,
            short_names: s.iter().map(|s| s.to_string()).collect(),
        })
        .collect();
    for ((api_version, kind), namespaced) in kinds {
        let (group, version) = match api_version.split_once('/') {
            Some((g, v)) => (g.to_string(), v.to_string()),
            None => (String::new(), api_version.clone()),
        };
        // A built-in kind written with an older version is served at the current one, as the
        // API server converts it.
        if out.iter().any(|r| r.group == group && r.kind == *kind) {
            continue;
        }
        out.push(Resource {
            group,
            version,
            plural: plural(kind),
            kind: kind.clone(),
            namespaced: *namespaced,
            short_names: Vec::new(),
        });
    }
    out
}

/// The plural a CustomResourceDefinition would most likely declare.
fn plural(kind: &str) -> String {
    let lower = kind.to_ascii_lowercase();
    if let Some(stem) = lower.strip_suffix('y') {
        if !stem.ends_with(['a', 'e', 'o', 'u']) {
            return format!("{stem}ies");
        }
    }
    if lower.ends_with('s') || lower.ends_with("ch") || lower.ends_with('x') {
        return format!("{lower}es");
    }
    format!("{lower}s")
}

/// Whether the kind is one of Kubernetes' own (its list items carry no apiVersion or kind).
pub fn is_built_in(group: &str, kind: &str) -> bool {
    BUILT_IN
        .iter()
        .any(|(g, _, _, k, _, _)| *g == group && *k == kind)
}

#[cfg(test)]
mod tests {
    #[test]
    fn plurals_follow_english_as_crds_do() {
        assert_eq!(super::plural("AdminNetworkPolicy"), "adminnetworkpolicies");
        assert_eq!(super::plural("Gateway"), "gateways");
        assert_eq!(super::plural("HTTPRoute"), "httproutes");
        assert_eq!(
            super::plural("MeshTLSAuthentication"),
            "meshtlsauthentications"
        );
        assert_eq!(super::plural("Ingress"), "ingresses");
    }
}

//! What the API server serves, as far as an RBAC rule can name it: the verbs the authorizer is
//! asked about, the built-in resources with the API groups that hold them, and their
//! subresources. A rule that names something else matches nothing (custom resources and
//! aggregated APIs aside, which is why only built-in groups are judged).

/// Verbs of resource requests, the special verbs some resources are checked with, and the
/// verbs of non-resource URLs.
const VERBS: &[&str] = &[
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
    // Special verbs, checked by the API server on specific resources.
    "bind",
    "escalate",
    "impersonate",
    "approve",
    "sign",
    "attest",
    "use",
    // Requests through the legacy `/api/v1/proxy/...` paths are authorized as `proxy`.
    "proxy",
    // Non-resource URLs.
    "post",
    "put",
    "head",
    "options",
];

/// Built-in resources and the API groups that serve them today.
const RESOURCES: &[(&str, &[&str])] = &[
    ("pods", &["", "metrics.k8s.io"]),
    ("services", &[""]),
    ("endpoints", &[""]),
    ("configmaps", &[""]),
    ("secrets", &[""]),
    ("serviceaccounts", &[""]),
    ("namespaces", &[""]),
    ("nodes", &["", "metrics.k8s.io"]),
    ("persistentvolumes", &[""]),
    ("persistentvolumeclaims", &[""]),
    ("events", &["", "events.k8s.io"]),
    ("replicationcontrollers", &[""]),
    ("resourcequotas", &[""]),
    ("limitranges", &[""]),
    ("podtemplates", &[""]),
    ("componentstatuses", &[""]),
    ("bindings", &[""]),
    ("deployments", &["apps"]),
    ("daemonsets", &["apps"]),
    ("statefulsets", &["apps"]),
    ("replicasets", &["apps"]),
    ("controllerrevisions", &["apps"]),
    ("jobs", &["batch"]),
    ("cronjobs", &["batch"]),
    ("roles", &["rbac.authorization.k8s.io"]),
    ("rolebindings", &["rbac.authorization.k8s.io"]),
    ("clusterroles", &["rbac.authorization.k8s.io"]),
    ("clusterrolebindings", &["rbac.authorization.k8s.io"]),
    ("networkpolicies", &["networking.k8s.io"]),
    ("ingresses", &["networking.k8s.io"]),
    ("ingressclasses", &["networking.k8s.io"]),
    ("ipaddresses", &["networking.k8s.io"]),
    ("servicecidrs", &["networking.k8s.io"]),
    ("poddisruptionbudgets", &["policy"]),
    ("horizontalpodautoscalers", &["autoscaling"]),
    ("storageclasses", &["storage.k8s.io"]),
    ("csidrivers", &["storage.k8s.io"]),
    ("csinodes", &["storage.k8s.io"]),
    ("csistoragecapacities", &["storage.k8s.io"]),
    ("volumeattachments", &["storage.k8s.io"]),
    ("volumeattributesclasses", &["storage.k8s.io"]),
    (
        "mutatingwebhookconfigurations",
        &["admissionregistration.k8s.io"],
    ),
    (
        "validatingwebhookconfigurations",
        &["admissionregistration.k8s.io"],
    ),
    (
        "validatingadmissionpolicies",
        &["admissionregistration.k8s.io"],
    ),
    (
        "validatingadmissionpolicybindings",
        &["admissionregistration.k8s.io"],
    ),
    (
        "mutatingadmissionpolicies",
        &["admissionregistration.k8s.io"],
    ),
    (
        "mutatingadmissionpolicybindings",
        &["admissionregistration.k8s.io"],
    ),
    ("customresourcedefinitions", &["apiextensions.k8s.io"]),
    ("apiservices", &["apiregistration.k8s.io"]),
    ("certificatesigningrequests", &["certificates.k8s.io"]),
    ("signers", &["certificates.k8s.io"]),
    ("clustertrustbundles", &["certificates.k8s.io"]),
    ("leases", &["coordination.k8s.io"]),
    ("endpointslices", &["discovery.k8s.io"]),
    ("priorityclasses", &["scheduling.k8s.io"]),
    ("runtimeclasses", &["node.k8s.io"]),
    ("tokenreviews", &["authentication.k8s.io"]),
    ("selfsubjectreviews", &["authentication.k8s.io"]),
    ("subjectaccessreviews", &["authorization.k8s.io"]),
    ("selfsubjectaccessreviews", &["authorization.k8s.io"]),
    ("selfsubjectrulesreviews", &["authorization.k8s.io"]),
    ("localsubjectaccessreviews", &["authorization.k8s.io"]),
    ("flowschemas", &["flowcontrol.apiserver.k8s.io"]),
    (
        "prioritylevelconfigurations",
        &["flowcontrol.apiserver.k8s.io"],
    ),
    ("resourceclaims", &["resource.k8s.io"]),
    ("resourceclaimtemplates", &["resource.k8s.io"]),
    ("resourceslices", &["resource.k8s.io"]),
    ("deviceclasses", &["resource.k8s.io"]),
];

/// The subresources of the resources whose subresources authors most often mean.
const SUBRESOURCES: &[(&str, &[&str])] = &[
    (
        "pods",
        &[
            "exec",
            "attach",
            "portforward",
            "log",
            "proxy",
            "ephemeralcontainers",
            "eviction",
            "status",
            "binding",
            "resize",
        ],
    ),
    ("nodes", &["proxy", "status"]),
    ("services", &["proxy", "status"]),
    ("deployments", &["scale", "status"]),
    ("statefulsets", &["scale", "status"]),
    ("replicasets", &["scale", "status"]),
    ("replicationcontrollers", &["scale", "status"]),
    ("daemonsets", &["status"]),
    ("jobs", &["status"]),
    ("cronjobs", &["status"]),
    ("serviceaccounts", &["token"]),
    ("certificatesigningrequests", &["approval", "status"]),
    ("namespaces", &["finalize", "status"]),
    ("persistentvolumes", &["status"]),
    ("persistentvolumeclaims", &["status"]),
];

/// Whether the API server ever asks the authorizer about this verb (`*` included).
pub fn is_known_verb(verb: &str) -> bool {
    verb == "*" || VERBS.contains(&verb)
}

/// What an author probably meant by an unknown verb: the lower-case spelling, or the verbs a
/// common English word stands for.
pub fn verb_meant(verb: &str) -> Option<&'static str> {
    let lower = verb.to_ascii_lowercase();
    if let Some(known) = VERBS.iter().find(|v| **v == lower) {
        return Some(known);
    }
    Some(match lower.as_str() {
        "read" | "view" | "readonly" | "read-only" => "get, list, watch",
        "write" | "edit" | "modify" | "change" => "create, update, patch",
        "remove" | "destroy" | "purge" => "delete",
        "all" | "any" => "*",
        "exec" | "execute" | "run" | "attach" | "portforward" => {
            "create on pods/exec (or pods/attach, pods/portforward)"
        }
        "add" | "new" | "post" => "create",
        "put" | "replace" => "update",
        "read-write" | "readwrite" | "rw" => "get, list, watch, create, update, patch",
        _ => return None,
    })
}

/// Whether a group is one this table knows completely (a custom group may serve anything).
pub fn is_builtin_group(group: &str) -> bool {
    RESOURCES.iter().any(|(_, groups)| groups.contains(&group))
}

/// The groups that serve a built-in resource, or `None` for a resource this table does not
/// know.
pub fn groups_of(resource: &str) -> Option<&'static [&'static str]> {
    RESOURCES
        .iter()
        .find(|(name, _)| *name == resource)
        .map(|(_, groups)| *groups)
}

/// The built-in resource an unknown name was probably meant as (`deployment` → `deployments`,
/// `Pods` → `pods`).
pub fn resource_meant(resource: &str) -> Option<&'static str> {
    let lower = resource.to_ascii_lowercase();
    let candidates = [lower.clone(), format!("{lower}s"), format!("{lower}es")];
    RESOURCES
        .iter()
        .map(|(name, _)| *name)
        .find(|name| candidates.iter().any(|c| c == name) && *name != resource)
}

/// The known subresources of a resource (empty when none are listed here).
pub fn subresources_of(resource: &str) -> &'static [&'static str] {
    SUBRESOURCES
        .iter()
        .find(|(name, _)| *name == resource)
        .map_or(&[], |(_, subs)| *subs)
}

/// `the core group ""` or `API group apps`.
pub fn group_name(group: &str) -> String {
    if group.is_empty() {
        "the core group \"\"".to_string()
    } else {
        format!("API group {group}")
    }
}

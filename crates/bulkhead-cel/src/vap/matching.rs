//! Which objects a policy and a binding select: `resourceRules` (and their exclusions),
//! `namespaceSelector` and `objectSelector`, as the API server matches them for a CREATE.

use bulkhead_model::{Inventory, LabelSelector, Node, Object};

/// Kinds that are not namespaced. Other kinds are namespaced (custom resources without a
/// namespace are taken as namespaced, in the namespace they would be applied to).
const CLUSTER_SCOPED: &[&str] = &[
    "Namespace",
    "Node",
    "PersistentVolume",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "StorageClass",
    "PriorityClass",
    "RuntimeClass",
    "IngressClass",
    "CSIDriver",
    "CSINode",
    "VolumeAttachment",
    "APIService",
    "CertificateSigningRequest",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "PodSecurityPolicy",
];

pub fn is_cluster_scoped(object: &Object) -> bool {
    CLUSTER_SCOPED.contains(&object.kind.as_str())
}

/// The namespace a namespaced object lands in (`default` when the manifest names none).
pub fn namespace_of(object: &Object) -> Option<&str> {
    if is_cluster_scoped(object) {
        None
    } else {
        Some(object.namespace.as_deref().unwrap_or("default"))
    }
}

/// `group`, `version` of an apiVersion (`apps/v1` → (`apps`, `v1`); `v1` → (``, `v1`)).
pub fn group_version(api_version: &str) -> (&str, &str) {
    api_version.split_once('/').unwrap_or(("", api_version))
}

/// The resource name of a kind: lowercase plural (`NetworkPolicy` → `networkpolicies`).
pub fn resource_of(kind: &str) -> String {
    let lower = kind.to_ascii_lowercase();
    if lower == "endpoints" {
        return lower;
    }
    if lower.ends_with('s')
        || lower.ends_with('x')
        || lower.ends_with("ch")
        || lower.ends_with("sh")
    {
        format!("{lower}es")
    } else if let Some(stem) = lower
        .strip_suffix('y')
        .filter(|s| !s.ends_with(['a', 'e', 'i', 'o', 'u']))
    {
        format!("{stem}ies")
    } else {
        format!("{lower}s")
    }
}

/// Whether a selection matched, did not, or cannot be told from the inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    Yes,
    No,
    /// Why the inputs cannot decide (a namespace selector over a namespace not scanned).
    Unknown(String),
}

/// Matches `object` against a `matchConstraints` / `matchResources` node. `required_rules`:
/// a policy's constraints must name resources; a binding's empty `matchResources` matches
/// whatever the policy does.
pub fn matches(
    resources: Option<&Node>,
    object: &Object,
    inventory: &Inventory,
    required_rules: bool,
) -> Match {
    let Some(resources) = resources else {
        return if required_rules {
            Match::No
        } else {
            Match::Yes
        };
    };
    let rules = resources.get("resourceRules").map(Node::as_seq);
    let included = match rules {
        Some(rules) => rules.iter().any(|r| rule_matches(r, object)),
        None => !required_rules,
    };
    let excluded = resources
        .get("excludeResourceRules")
        .map(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .any(|r| rule_matches(r, object));
    if !included || excluded {
        return Match::No;
    }
    if let Some(selector) = resources.get("objectSelector") {
        match LabelSelector::from_node(selector) {
            Ok(s) if !s.matches(|k| object.label(k)) => return Match::No,
            Ok(_) => {}
            Err(e) => return Match::Unknown(format!("objectSelector: {e}")),
        }
    }
    if let Some(selector) = resources.get("namespaceSelector") {
        let selector = match LabelSelector::from_node(selector) {
            Ok(s) => s,
            Err(e) => return Match::Unknown(format!("namespaceSelector: {e}")),
        };
        if selector.is_empty() {
            return Match::Yes;
        }
        if object.kind == "Namespace" {
            return bool_match(selector.matches(|k| object.label(k)));
        }
        let Some(namespace) = namespace_of(object) else {
            // Cluster-scoped objects other than Namespaces are never skipped by it.
            return Match::Yes;
        };
        return match inventory.get("Namespace", None, namespace) {
            Some(ns) => bool_match(selector.matches(|k| ns.label(k))),
            None => Match::Unknown(format!(
                "its namespaceSelector reads the labels of Namespace {namespace:?}, which is not in the inputs"
            )),
        };
    }
    Match::Yes
}

fn bool_match(b: bool) -> Match {
    if b {
        Match::Yes
    } else {
        Match::No
    }
}

/// One `NamedRuleWithOperations` against an object being created.
fn rule_matches(rule: &Node, object: &Object) -> bool {
    let list = |key: &str| -> Vec<&str> {
        rule.get(key)
            .map(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(Node::as_str)
            .collect()
    };
    let has = |values: &[&str], want: &str| values.iter().any(|v| *v == "*" || *v == want);
    let (group, version) = group_version(&object.api_version);
    let resource = resource_of(&object.kind);
    let operations = list("operations");
    let resources = list("resources");
    let names = list("resourceNames");
    let scope = rule.get("scope").and_then(Node::as_str).unwrap_or("*");
    let scope_ok = match scope {
        "Cluster" => is_cluster_scoped(object),
        "Namespaced" => !is_cluster_scoped(object),
        _ => true,
    };
    has(&list("apiGroups"), group)
        && has(&list("apiVersions"), version)
        && (has(&resources, &resource) || resources.contains(&"*/*"))
        && (has(&operations, "CREATE") || has(&operations, "UPDATE"))
        && (names.is_empty() || names.contains(&object.name.as_str()))
        && scope_ok
}

#[cfg(test)]
mod tests {
    use super::resource_of;

    #[test]
    fn kinds_become_their_resource_names() {
        for (kind, resource) in [
            ("Deployment", "deployments"),
            ("NetworkPolicy", "networkpolicies"),
            ("Ingress", "ingresses"),
            ("Endpoints", "endpoints"),
            ("Gateway", "gateways"),
            ("Pod", "pods"),
        ] {
            assert_eq!(resource_of(kind), resource);
        }
    }
}

//! Which fields of an object drift compares: the security-relevant ones, as data.
//!
//! An object is compared section by section (its pod spec, a Service's spec, a Role's
//! rules, ...). Each section lists field patterns relative to its root; `*` stands for any
//! list element. Everything under a listed pattern is compared; everything else (resources,
//! probes, labels, replicas, strategy, status, server-written metadata) is not, so the
//! noise a live object carries (see [`crate::defaults`]) stays out of the answer.

use bulkhead_model::{Object, PodSpec};

/// A field pattern: keys from the section root, `*` for any list element.
pub type Pattern = &'static [&'static str];

/// The kinds of section, each with its own field list and defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SectionKind {
    Pod,
    Service,
    Ingress,
    NetworkPolicy,
    Rbac,
    ServiceAccount,
    NamespaceLabels,
    Webhooks,
    /// A policy kind whose whole spec is security (AdminNetworkPolicy, ...).
    WholeSpec,
}

/// One part of an object to compare.
#[derive(Clone, Debug)]
pub struct Section {
    pub kind: SectionKind,
    /// JSON pointer from the object root to the section root.
    pub pointer: String,
    pub fields: &'static [Pattern],
}

/// Container fields, repeated for each kind of container.
macro_rules! container_fields {
    ($list:literal) => {
        [
            &[$list, "*", "image"] as Pattern,
            &[$list, "*", "imagePullPolicy"],
            &[$list, "*", "securityContext"],
            &[$list, "*", "ports", "*", "hostPort"],
            &[$list, "*", "ports", "*", "hostIP"],
            &[$list, "*", "volumeMounts"],
        ]
    };
}

const POD_FIELDS: &[Pattern] = &{
    let c = container_fields!("containers");
    let i = container_fields!("initContainers");
    let e = container_fields!("ephemeralContainers");
    [
        &["securityContext"] as Pattern,
        &["hostNetwork"],
        &["hostPID"],
        &["hostIPC"],
        &["hostUsers"],
        &["shareProcessNamespace"],
        &["volumes"],
        &["serviceAccountName"],
        &["serviceAccount"],
        &["automountServiceAccountToken"],
        &["runtimeClassName"],
        c[0],
        c[1],
        c[2],
        c[3],
        c[4],
        c[5],
        i[0],
        i[1],
        i[2],
        i[3],
        i[4],
        i[5],
        e[0],
        e[1],
        e[2],
        e[3],
        e[4],
        e[5],
    ]
};

const SERVICE_FIELDS: &[Pattern] = &[
    &["type"],
    &["ports"],
    &["selector"],
    &["externalIPs"],
    &["externalName"],
    &["loadBalancerIP"],
    &["loadBalancerSourceRanges"],
    &["externalTrafficPolicy"],
];

const INGRESS_FIELDS: &[Pattern] = &[
    &["ingressClassName"],
    &["defaultBackend"],
    &["backend"],
    &["rules"],
    &["tls"],
];

const WHOLE: &[Pattern] = &[&[]];

const ROLE_FIELDS: &[Pattern] = &[&["rules"], &["aggregationRule"]];
/// An aggregated ClusterRole's rules are written by the aggregation controller.
const AGGREGATED_ROLE_FIELDS: &[Pattern] = &[&["aggregationRule"]];
const BINDING_FIELDS: &[Pattern] = &[&["subjects"], &["roleRef"]];
const SERVICE_ACCOUNT_FIELDS: &[Pattern] = &[&["automountServiceAccountToken"]];
const NAMESPACE_LABELS: &[Pattern] = &[
    &["pod-security.kubernetes.io/enforce"],
    &["pod-security.kubernetes.io/enforce-version"],
    &["pod-security.kubernetes.io/audit"],
    &["pod-security.kubernetes.io/audit-version"],
    &["pod-security.kubernetes.io/warn"],
    &["pod-security.kubernetes.io/warn-version"],
];
const WEBHOOK_FIELDS: &[Pattern] = &[&["webhooks"]];

fn section(kind: SectionKind, pointer: &str, fields: &'static [Pattern]) -> Section {
    Section {
        kind,
        pointer: pointer.to_string(),
        fields,
    }
}

/// The sections of an object pair (same identity, so same kind).
pub fn sections(desired: &Object, live: &Object) -> Vec<Section> {
    let group = crate::identity::group_of(desired);
    let mut out = Vec::new();
    if let Some(pod) = PodSpec::of(desired).or_else(|| PodSpec::of(live)) {
        out.push(section(SectionKind::Pod, pod.pointer, POD_FIELDS));
    }
    match (group.as_str(), desired.kind.as_str()) {
        ("", "Service") => out.push(section(SectionKind::Service, "/spec", SERVICE_FIELDS)),
        ("networking.k8s.io", "Ingress") => {
            out.push(section(SectionKind::Ingress, "/spec", INGRESS_FIELDS))
        }
        ("networking.k8s.io", "NetworkPolicy") => {
            out.push(section(SectionKind::NetworkPolicy, "/spec", WHOLE))
        }
        ("rbac.authorization.k8s.io", "Role") => {
            out.push(section(SectionKind::Rbac, "", ROLE_FIELDS))
        }
        ("rbac.authorization.k8s.io", "ClusterRole") => {
            let aggregated = desired.root.get("aggregationRule").is_some()
                || live.root.get("aggregationRule").is_some();
            let fields = if aggregated {
                AGGREGATED_ROLE_FIELDS
            } else {
                ROLE_FIELDS
            };
            out.push(section(SectionKind::Rbac, "", fields))
        }
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => {
            out.push(section(SectionKind::Rbac, "", BINDING_FIELDS))
        }
        ("", "ServiceAccount") => out.push(section(
            SectionKind::ServiceAccount,
            "",
            SERVICE_ACCOUNT_FIELDS,
        )),
        ("", "Namespace") => out.push(section(
            SectionKind::NamespaceLabels,
            "/metadata/labels",
            NAMESPACE_LABELS,
        )),
        (
            "admissionregistration.k8s.io",
            "ValidatingWebhookConfiguration" | "MutatingWebhookConfiguration",
        ) => out.push(section(SectionKind::Webhooks, "", WEBHOOK_FIELDS)),
        (
            _,
            "AdminNetworkPolicy"
            | "BaselineAdminNetworkPolicy"
            | "ClusterNetworkPolicy"
            | "ValidatingAdmissionPolicy"
            | "ValidatingAdmissionPolicyBinding"
            | "AuthorizationPolicy"
            | "PeerAuthentication",
        ) => out.push(section(SectionKind::WholeSpec, "/spec", WHOLE)),
        _ => {}
    }
    out
}

/// A list whose elements are matched by a key rather than by value.
struct KeyedList {
    section: SectionKind,
    /// The pattern of the list itself.
    list: Pattern,
    /// The key fields, each with the default it takes when unset.
    key: &'static [(&'static str, &'static str)],
}

const fn keyed(
    section: SectionKind,
    list: Pattern,
    key: &'static [(&'static str, &'static str)],
) -> KeyedList {
    KeyedList { section, list, key }
}

/// Keyed lists. Other lists are matched by value, in any order (RBAC rules, subjects,
/// NetworkPolicy peers, capabilities).
const KEYED_LISTS: &[KeyedList] = &[
    keyed(SectionKind::Pod, &["containers"], &[("name", "")]),
    keyed(SectionKind::Pod, &["volumes"], &[("name", "")]),
    keyed(
        SectionKind::Pod,
        &["containers", "*", "volumeMounts"],
        &[("mountPath", "")],
    ),
    keyed(
        SectionKind::Pod,
        &["containers", "*", "ports"],
        &[("containerPort", ""), ("protocol", "TCP")],
    ),
    keyed(
        SectionKind::Service,
        &["ports"],
        &[("port", ""), ("protocol", "TCP")],
    ),
    keyed(SectionKind::Webhooks, &["webhooks"], &[("name", "")]),
];

fn keyed_list(kind: SectionKind, schema: &[String]) -> Option<&'static KeyedList> {
    KEYED_LISTS
        .iter()
        .find(|k| k.section == kind && crate::defaults::matches(k.list, schema))
}

/// The key of a list element, when the list at `schema` is keyed: `api`, `8080/TCP`.
pub fn element_key(
    kind: SectionKind,
    schema: &[String],
    element: &bulkhead_model::Node,
) -> Option<String> {
    let parts: Vec<String> = keyed_list(kind, schema)?
        .key
        .iter()
        .map(|(field, default)| {
            element
                .get(field)
                .and_then(|n| n.scalar_text())
                .unwrap_or_else(|| default.to_string())
        })
        .collect();
    Some(parts.join("/"))
}

/// Whether the list at `schema` is keyed.
pub fn is_keyed(kind: SectionKind, schema: &[String]) -> bool {
    keyed_list(kind, schema).is_some()
}

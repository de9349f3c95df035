//! What the API server and its admission plugins write into an object that its manifest did
//! not: defaults, allocated values and injected elements, as data.
//!
//! A field the manifest leaves out and the live object holds at its default is not drift
//! (`protocol: TCP`, a Secret volume's `defaultMode: 420`). Nor is a manifest that spells out
//! the default that the server then omits (`hostNetwork: false`). The facts come from the
//! Kubernetes defaulting functions (`pkg/apis/core/v1/defaults.go`,
//! `pkg/apis/networking/v1/defaults.go`, `pkg/apis/rbac/v1/defaults.go`,
//! `pkg/apis/admissionregistration/v1/defaults.go`) and the ServiceAccount admission plugin.
//! Defaulted fields outside the compared fields ([`crate::fields`]) — `dnsPolicy`,
//! `restartPolicy`, `terminationMessagePath`, `schedulerName`, `revisionHistoryLimit`,
//! `progressDeadlineSeconds`, `strategy`, `clusterIP`, `ipFamilies`, `sessionAffinity`,
//! `status`, server-written metadata — need no entry: they are never compared.

use bulkhead_model::Node;
use serde_json::{json, Value as Json};

use crate::fields::{Pattern, SectionKind};

/// How the server fills a field the manifest left out.
#[derive(Clone, Copy)]
pub enum Default {
    /// A fixed value.
    Value(fn() -> Json),
    /// A value allocated by the server (a Service's `nodePort`): any live value matches an
    /// unset field, but a value written in the manifest must match.
    Assigned,
    /// A value derived from the rest of the object, given the field's parent mapping as the
    /// manifest wrote it and as the live object holds it. A JSON array returned for a string
    /// field lists every accepted default.
    Computed(fn(Option<&Node>, Option<&Node>) -> Option<Json>),
}

/// One defaulted field: the section, the pattern from the section root (`containers` also
/// stands for `initContainers` and `ephemeralContainers`), and its default.
pub struct Defaulted {
    pub section: SectionKind,
    pub pattern: Pattern,
    pub default: Default,
}

const fn fixed(section: SectionKind, pattern: Pattern, value: fn() -> Json) -> Defaulted {
    Defaulted {
        section,
        pattern,
        default: Default::Value(value),
    }
}

const fn computed(
    section: SectionKind,
    pattern: Pattern,
    f: fn(Option<&Node>, Option<&Node>) -> Option<Json>,
) -> Defaulted {
    Defaulted {
        section,
        pattern,
        default: Default::Computed(f),
    }
}

use SectionKind::*;

/// The defaults table.
pub const DEFAULTS: &[Defaulted] = &[
    // core/v1 PodSpec: booleans the server omits when false.
    fixed(Pod, &["hostNetwork"], || json!(false)),
    fixed(Pod, &["hostPID"], || json!(false)),
    fixed(Pod, &["hostIPC"], || json!(false)),
    fixed(Pod, &["shareProcessNamespace"], || json!(false)),
    // The ServiceAccount admission plugin names `default` and mirrors the name into the
    // deprecated `serviceAccount`.
    fixed(Pod, &["serviceAccountName"], || json!("default")),
    computed(Pod, &["serviceAccount"], |desired, _| {
        let name = desired
            .and_then(|p| p.get("serviceAccountName"))
            .and_then(Node::as_str)
            .unwrap_or("default");
        Some(json!(name))
    }),
    // core/v1 SetDefaults_Container: `Always` for `:latest` or no tag, else `IfNotPresent`.
    computed(
        Pod,
        &["containers", "*", "imagePullPolicy"],
        // Defaulted from the image the container had when the field was first set: the
        // manifest's, or after `kubectl set image` the live one's. Either is accepted.
        |desired, live| {
            let image = |c: Option<&Node>| {
                c.and_then(|c| c.get("image"))
                    .and_then(Node::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            let from_desired = image_pull_policy(&image(desired));
            let from_live = image_pull_policy(&image(live));
            Some(if from_desired == from_live {
                json!(from_desired)
            } else {
                json!([from_desired, from_live])
            })
        },
    ),
    fixed(
        Pod,
        &["containers", "*", "volumeMounts", "*", "readOnly"],
        || json!(false),
    ),
    // core/v1 SetDefaults_*VolumeSource: file modes 0644, HostPathUnset, fieldRef v1.
    fixed(Pod, &["volumes", "*", "secret", "defaultMode"], || {
        json!(420)
    }),
    fixed(Pod, &["volumes", "*", "configMap", "defaultMode"], || {
        json!(420)
    }),
    fixed(Pod, &["volumes", "*", "projected", "defaultMode"], || {
        json!(420)
    }),
    fixed(Pod, &["volumes", "*", "downwardAPI", "defaultMode"], || {
        json!(420)
    }),
    fixed(Pod, &["volumes", "*", "hostPath", "type"], || json!("")),
    fixed(
        Pod,
        &[
            "volumes",
            "*",
            "downwardAPI",
            "items",
            "*",
            "fieldRef",
            "apiVersion",
        ],
        || json!("v1"),
    ),
    fixed(Pod, &["volumes", "*", "iscsi", "iscsiInterface"], || {
        json!("default")
    }),
    // core/v1 SetDefaults_Service and SetDefaults_ServicePort.
    fixed(Service, &["type"], || json!("ClusterIP")),
    fixed(Service, &["ports", "*", "protocol"], || json!("TCP")),
    computed(Service, &["ports", "*", "targetPort"], |desired, live| {
        desired.or(live)?.get("port").map(crate::json::to_json)
    }),
    Defaulted {
        section: Service,
        pattern: &["ports", "*", "nodePort"],
        default: Default::Assigned,
    },
    fixed(Service, &["externalTrafficPolicy"], || json!("Cluster")),
    // networking/v1 SetDefaults_NetworkPolicy and SetDefaults_NetworkPolicyPort.
    computed(NetworkPolicy, &["policyTypes"], |desired, _| {
        let egress = desired
            .and_then(|spec| spec.get("egress"))
            .is_some_and(|e| !e.as_seq().is_empty());
        Some(if egress {
            json!(["Ingress", "Egress"])
        } else {
            json!(["Ingress"])
        })
    }),
    fixed(
        NetworkPolicy,
        &["ingress", "*", "ports", "*", "protocol"],
        || json!("TCP"),
    ),
    fixed(
        NetworkPolicy,
        &["egress", "*", "ports", "*", "protocol"],
        || json!("TCP"),
    ),
    // networking/v1beta1 and extensions: pathType ImplementationSpecific.
    fixed(
        Ingress,
        &["rules", "*", "http", "paths", "*", "pathType"],
        || json!("ImplementationSpecific"),
    ),
    // rbac/v1 SetDefaults_Subject.
    computed(Rbac, &["subjects", "*", "apiGroup"], |desired, live| {
        let kind = desired.or(live)?.get("kind")?.as_str()?;
        Some(match kind {
            "ServiceAccount" => json!(""),
            _ => json!("rbac.authorization.k8s.io"),
        })
    }),
    // admissionregistration/v1 SetDefaults_*Webhook and SetDefaults_Rule.
    fixed(Webhooks, &["webhooks", "*", "failurePolicy"], || {
        json!("Fail")
    }),
    fixed(Webhooks, &["webhooks", "*", "matchPolicy"], || {
        json!("Equivalent")
    }),
    fixed(Webhooks, &["webhooks", "*", "timeoutSeconds"], || json!(10)),
    fixed(Webhooks, &["webhooks", "*", "reinvocationPolicy"], || {
        json!("Never")
    }),
    fixed(Webhooks, &["webhooks", "*", "rules", "*", "scope"], || {
        json!("*")
    }),
    fixed(
        Webhooks,
        &["webhooks", "*", "clientConfig", "service", "port"],
        || json!(443),
    ),
];

/// `imagePullPolicy` as the server defaults it for an image reference.
fn image_pull_policy(image: &str) -> &'static str {
    let name = image.split('@').next().unwrap_or(image);
    let has_digest = image.contains('@');
    let last = name.rsplit('/').next().unwrap_or(name);
    let tag = last.split_once(':').map(|(_, t)| t);
    match tag {
        Some("latest") => "Always",
        // No tag (or no image at all) means `latest`.
        None if !has_digest => "Always",
        _ => "IfNotPresent",
    }
}

/// The defaulting entry for a field, by its schema path from the section root.
pub fn lookup(section: SectionKind, schema: &[String]) -> Option<&'static Default> {
    DEFAULTS
        .iter()
        .find(|d| d.section == section && matches(d.pattern, schema))
        .map(|d| &d.default)
}

/// Whether a schema path matches a pattern, `containers` standing for every container list.
pub fn matches(pattern: Pattern, schema: &[String]) -> bool {
    pattern.len() == schema.len()
        && pattern
            .iter()
            .zip(schema)
            .enumerate()
            .all(|(i, (p, s))| *p == s || (i == 0 && *p == "containers" && is_container_list(s)))
}

fn is_container_list(key: &str) -> bool {
    matches!(key, "initContainers" | "ephemeralContainers")
}

/// List elements admission adds to every Pod: the projected service-account token volume
/// (`kube-api-access-*`) and its mount.
pub fn injected(section: SectionKind, schema: &[String], element: &Node) -> bool {
    if section != Pod {
        return false;
    }
    let name = element.get("name").and_then(Node::as_str).unwrap_or("");
    if !name.starts_with("kube-api-access-") {
        return false;
    }
    if matches(&["volumes", "*"], schema) {
        return element.get("projected").is_some();
    }
    matches(&["containers", "*", "volumeMounts", "*"], schema)
        && element.get("mountPath").and_then(Node::as_str)
            == Some("/var/run/secrets/kubernetes.io/serviceaccount")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_policy_follows_the_tag() {
        assert_eq!(image_pull_policy("nginx"), "Always");
        assert_eq!(image_pull_policy("nginx:latest"), "Always");
        assert_eq!(image_pull_policy("nginx:1.27"), "IfNotPresent");
        assert_eq!(image_pull_policy("reg:5000/app"), "Always");
        assert_eq!(image_pull_policy("reg:5000/app:v1"), "IfNotPresent");
        assert_eq!(image_pull_policy("app@sha256:abc"), "IfNotPresent");
        assert_eq!(image_pull_policy(""), "Always");
    }
}

//! Resource governance: requests and limits.

pub mod missing_ephemeral_storage_limit;
pub mod missing_liveness_probe;
pub mod missing_readiness_probe;
pub mod missing_resource_limits;
pub mod missing_resource_requests;
pub mod namespace_without_limit_range;
pub mod namespace_without_resource_quota;

use crate::Check;

/// This family's checks, in id order.
pub static CHECKS: &[&Check] = &[
    &missing_resource_limits::MISSING_RESOURCE_LIMITS,
    &missing_resource_requests::MISSING_RESOURCE_REQUESTS,
    &missing_liveness_probe::MISSING_LIVENESS_PROBE,
    &missing_readiness_probe::MISSING_READINESS_PROBE,
    &missing_ephemeral_storage_limit::MISSING_EPHEMERAL_STORAGE_LIMIT,
    &namespace_without_resource_quota::NAMESPACE_WITHOUT_RESOURCE_QUOTA,
    &namespace_without_limit_range::NAMESPACE_WITHOUT_LIMIT_RANGE,
];

use bulkhead_model::{Container, Node};

/// The resource names of `wanted` that `resources.<section>` does not set.
pub(crate) fn missing<'a>(
    container: &Container<'_>,
    section: &str,
    wanted: &[&'a str],
) -> Vec<&'a str> {
    let set = container.get("resources").and_then(|r| r.get(section));
    wanted
        .iter()
        .copied()
        .filter(|name| set.and_then(|s| s.get(name)).is_none_or(Node::is_null))
        .collect()
}

/// Whether the workload runs to completion rather than serving: a Job, a CronJob, a Pod a Job
/// owns, or a bare Pod with `restartPolicy` `Never` or `OnFailure`.
pub(crate) fn runs_to_completion(
    object: &bulkhead_model::Object,
    pod: &bulkhead_model::PodSpec<'_>,
) -> bool {
    let owned_by_job = object
        .metadata()
        .and_then(|m| m.get("ownerReferences"))
        .map(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .any(|owner| owner.get("kind").and_then(Node::as_str) == Some("Job"));
    let restart = pod.get("restartPolicy").and_then(Node::as_str);
    matches!(object.kind.as_str(), "Job" | "CronJob")
        || owned_by_job
        || (object.kind == "Pod" && matches!(restart, Some("Never" | "OnFailure")))
}

/// Whether a LimitRange among the scanned objects of the object's namespace gives containers
/// a default limit of `resource` (its `default`, or its `max`, which Kubernetes uses as the
/// default when `default` is unset).
pub(crate) fn limit_range_sets_default(
    cx: &crate::Context<'_>,
    object: &bulkhead_model::Object,
    resource: &str,
) -> bool {
    cx.inventory
        .of_kind_in("LimitRange", object.namespace.as_deref())
        .filter(|lr| crate::rules::common::same_namespace(lr, object))
        .flat_map(|lr| {
            lr.root
                .path(&["spec", "limits"])
                .map(Node::as_seq)
                .unwrap_or(&[])
        })
        .filter(|item| item.get("type").and_then(Node::as_str) == Some("Container"))
        .any(|item| {
            ["default", "max"].iter().any(|section| {
                item.path(&[section, resource])
                    .is_some_and(|v| !v.is_null())
            })
        })
}

/// Reports, once per namespace that holds workloads among the scanned objects, namespaces
/// without an object of `kind` (`ResourceQuota`, `LimitRange`) there. The finding is placed
/// at the Namespace object when it was scanned, else at the namespace of the first workload
/// in load order. `kube-system` is left out: its components are sized by the distribution,
/// and a quota there can keep the control plane's own pods from starting.
pub(crate) fn report_namespaces_without(
    cx: &crate::Context<'_>,
    sink: &mut crate::Sink<'_>,
    kind: &str,
    consequence: &str,
) {
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for workload in cx.inventory.objects() {
        let Some(namespace) = workload.namespace.as_deref() else {
            continue;
        };
        if namespace == "kube-system" || seen.contains(namespace) || cx.pod_spec(workload).is_none()
        {
            continue;
        }
        seen.insert(namespace);
        if cx
            .inventory
            .of_kind_in(kind, Some(namespace))
            .next()
            .is_some()
        {
            continue;
        }
        let message =
            format!("namespace \"{namespace}\" has workloads but no {kind}: {consequence}");
        match cx.inventory.get("Namespace", None, namespace) {
            Some(ns) => sink.report(ns, "/metadata/name", message),
            None => sink.report(workload, "/metadata/namespace", message),
        }
    }
}

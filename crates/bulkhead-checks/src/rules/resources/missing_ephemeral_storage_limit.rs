use bulkhead_model::Object;

use crate::rules::common::{describe, is_long_lived};
use crate::rules::resources::{limit_range_sets_default, missing};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Init and regular containers without `resources.limits.ephemeral-storage`. Not reported when
    /// a LimitRange among the scanned objects of the same namespace (for objects without a
    /// namespace: from the same directory) gives containers a default ephemeral-storage limit
    /// (`default`, or `max`, which Kubernetes uses as the default).
    ///
    /// ## Why it matters
    /// A container's writable layer, its logs and its `emptyDir` volumes live on the node's
    /// disk. Without a limit, one container (a log flood, a runaway cache, an attacker
    /// filling `/tmp`) can fill that disk: the kubelet then evicts pods under disk pressure,
    /// its neighbours' among them, and the node may stop taking new ones. With a limit, the
    /// kubelet evicts only the offender.
    ///
    /// Severity: low; the damage is availability on one node, and eviction eventually
    /// contains it.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   limits:
    ///     cpu: 500m
    ///     memory: 256Mi
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// resources:
    ///   limits:
    ///     cpu: 500m
    ///     memory: 256Mi
    ///     ephemeral-storage: 1Gi
    /// ```
    ///
    /// ## References
    /// - NSA-CISA Kubernetes Hardening Guidance, "Resource policies"
    /// - MITRE ATT&CK T1499 (Endpoint Denial of Service)
    pub static MISSING_EPHEMERAL_STORAGE_LIMIT = Check {
        id: "BHQ005",
        slug: "missing-ephemeral-storage-limit",
        severity: Severity::Low,
        family: Family::Resources,
        remediation: "set resources.limits.ephemeral-storage on every container (or a default in the namespace's LimitRange)",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Network separation and hardening: resource policies"],
            mitre: &["T1499"],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(pod) = cx.pod_spec(object) else {
        return;
    };
    let mut defaulted = None;
    for container in pod.containers().filter(is_long_lived) {
        if missing(&container, "limits", &["ephemeral-storage"]).is_empty()
            || *defaulted
                .get_or_insert_with(|| limit_range_sets_default(cx, object, "ephemeral-storage"))
        {
            continue;
        }
        sink.report(
            object,
            &container.pointer_to("resources/limits/ephemeral-storage"),
            format!("{} has no ephemeral-storage limit", describe(&container)),
        );
    }
}

use bulkhead_model::Object;

use crate::rules::common::{describe, is_long_lived};
use crate::rules::resources::missing;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Containers without a memory request or a CPU request (`resources.requests`).
    ///
    /// ## Why it matters
    /// The scheduler places pods by their requests. Without them, pods land on nodes that
    /// cannot hold them, are the first evicted under pressure (the BestEffort class), and
    /// ResourceQuotas cannot account for them.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example/app:1.4.2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///     resources:
    ///       requests:
    ///         cpu: 100m
    ///         memory: 256Mi
    /// ```
    ///
    /// ## References
    /// - NSA-CISA Kubernetes Hardening Guidance, "Resource policies"
    pub static MISSING_RESOURCE_REQUESTS = Check {
        id: "BHQ002",
        slug: "missing-resource-requests",
        severity: Severity::Low,
        family: Family::Resources,
        remediation: "set resources.requests.cpu and resources.requests.memory on every container",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Network separation and hardening: resource policies"],
            mitre: &[],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(pod) = cx.pod_spec(object) else {
        return;
    };
    for container in pod.containers().filter(is_long_lived) {
        // A limit without a request makes the request equal to the limit.
        let limits = missing(&container, "limits", &["memory", "cpu"]);
        let missing: Vec<&str> = missing(&container, "requests", &["memory", "cpu"])
            .into_iter()
            .filter(|r| limits.contains(r))
            .collect();
        if let Some(first) = missing.first() {
            sink.report(
                object,
                &container.pointer_to(&format!("resources/requests/{first}")),
                format!(
                    "{} has no {} request",
                    describe(&container),
                    missing.join(" or ")
                ),
            );
        }
    }
}

use bulkhead_model::Object;

use crate::rules::common::{describe, is_long_lived};
use crate::rules::resources::missing;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Containers without a memory limit or a CPU limit (`resources.limits`).
    ///
    /// ## Why it matters
    /// A container without a memory limit can take all of its node's memory, and the kernel's
    /// out-of-memory killer then picks victims among its neighbours. Without a CPU limit, one
    /// busy or compromised workload (a cryptominer, say) starves the others. Limits bound the
    /// damage of a bug or an attack to the container that has it.
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
    ///       limits:
    ///         cpu: "1"
    ///         memory: 512Mi
    /// ```
    ///
    /// ## References
    /// - NSA-CISA Kubernetes Hardening Guidance, "Resource policies"
    /// - MITRE ATT&CK T1496 (Resource Hijacking)
    pub static MISSING_RESOURCE_LIMITS = Check {
        id: "BHQ001",
        slug: "missing-resource-limits",
        severity: Severity::Medium,
        family: Family::Resources,
        remediation: "set resources.limits.cpu and resources.limits.memory on every container",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Network separation and hardening: resource policies"],
            mitre: &["T1496"],
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
        let missing = missing(&container, "limits", &["memory", "cpu"]);
        if let Some(first) = missing.first() {
            sink.report(
                object,
                &container.pointer_to(&format!("resources/limits/{first}")),
                format!(
                    "{} has no {} limit",
                    describe(&container),
                    missing.join(" or ")
                ),
            );
        }
    }
}

use bulkhead_model::{ContainerKind, Object};

use crate::rules::common::describe;
use crate::rules::resources::runs_to_completion;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Regular containers without a `livenessProbe`. Init and ephemeral containers are not
    /// checked, nor are workloads that run to completion (Jobs, CronJobs, Pods owned by a
    /// Job, and bare Pods with `restartPolicy` `Never` or `OnFailure`), whose containers are
    /// meant to exit rather than be watched.
    ///
    /// ## Why it matters
    /// Without a liveness probe the kubelet restarts a container only when its process exits.
    /// A deadlocked or wedged process (an exhausted thread pool, a lost connection it never
    /// re-establishes, a resource-exhaustion attack that leaves it hanging) keeps its place,
    /// and its share of the service's capacity, until someone notices.
    ///
    /// Severity: info. Availability rather than exposure; and a liveness probe that checks
    /// too much (a database, a downstream service) or times out too fast restarts healthy
    /// containers under load, so add one that checks only the process itself.
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
    ///     livenessProbe:
    ///       httpGet:
    ///         path: /healthz
    ///         port: 8080
    ///       periodSeconds: 10
    ///       failureThreshold: 3
    /// ```
    ///
    /// ## References
    /// - Kubernetes documentation, "Configure Liveness, Readiness and Startup Probes"
    pub static MISSING_LIVENESS_PROBE = Check {
        id: "BHQ003",
        slug: "missing-liveness-probe",
        severity: Severity::Info,
        family: Family::Resources,
        remediation: "add a livenessProbe that checks the process itself (an HTTP /healthz, a TCP port or a command)",
        compliance: Compliance::NONE,
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(pod) = cx.pod_spec(object) else {
        return;
    };
    if runs_to_completion(object, &pod) {
        return;
    }
    for container in pod.containers() {
        if container.kind != ContainerKind::Regular
            || container.get("livenessProbe").is_some_and(|p| !p.is_null())
        {
            continue;
        }
        sink.report(
            object,
            &container.pointer_to("livenessProbe"),
            format!("{} has no liveness probe", describe(&container)),
        );
    }
}

use bulkhead_model::{Object, PodSpec};

use crate::rules::common::{describe, effective_security_field, is_windows};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Containers that may run as root: `runAsUser: 0`, `runAsNonRoot: false`, or neither
    /// `runAsNonRoot: true` nor a non-zero `runAsUser` on the container or its pod.
    ///
    /// ## Why it matters
    /// Most images default to root. Root in a container is root on the node's kernel: one
    /// kernel or runtime bug, one writable host mount or one added capability away from the
    /// node. `runAsNonRoot: true` makes the kubelet refuse to start a container whose image
    /// would run as UID 0.
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
    /// securityContext:
    ///   runAsNonRoot: true
    ///   runAsUser: 10001
    /// ```
    ///
    /// ## References
    /// - Pod Security Standards, restricted, "Running as Non-root" and "Running as Non-root user"
    /// - CIS Kubernetes Benchmark v1.12, 5.2.7
    /// - NSA-CISA Kubernetes Hardening Guidance, "Non-root containers"
    pub static RUN_AS_ROOT = Check {
        id: "BHW005",
        slug: "run-as-root",
        severity: Severity::Medium,
        family: Family::Workload,
        remediation: "set securityContext.runAsNonRoot to true (and runAsUser to a non-zero UID) on the pod or container",
        compliance: Compliance {
            cis: &["5.2.7"],
            pss: &["restricted:runAsNonRoot", "restricted:runAsUser"],
            nsa: &["Pod security: non-root containers and privileges"],
            mitre: &["T1611"],
        },
        run: Run::Object(check),
    };
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(pod) = PodSpec::of(object) else {
        return;
    };
    if is_windows(&pod) {
        return;
    }
    for container in pod.containers() {
        let user = effective_security_field(&pod, &container, "runAsUser");
        let non_root = effective_security_field(&pod, &container, "runAsNonRoot");
        let who = describe(&container);
        if let Some((_, pointer)) = user.as_ref().filter(|(n, _)| n.as_i64() == Some(0)) {
            sink.report(object, pointer, format!("{who} runs as UID 0 (root)"));
            continue;
        }
        match non_root.as_ref().map(|(n, p)| (n.as_bool(), p)) {
            Some((Some(true), _)) => {}
            Some((Some(false), pointer)) => sink.report(
                object,
                pointer,
                format!("{who} may run as root (runAsNonRoot: false)"),
            ),
            _ if user.as_ref().and_then(|(n, _)| n.as_i64()).is_some_and(|u| u > 0) => {}
            _ => sink.report(
                object,
                &container.pointer_to("securityContext/runAsNonRoot"),
                format!("{who} may run as root: neither runAsNonRoot: true nor a non-zero runAsUser is set"),
            ),
        }
    }
}

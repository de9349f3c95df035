use bulkhead_model::{Node, Object};

use crate::rules::common::{describe, in_user_namespace};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Containers not required to run as a non-root user: neither the pod nor the container
    /// sets `securityContext.runAsNonRoot: true`, or one sets it to false. This is the Pod
    /// Security Standards' restricted `runAsNonRoot` control, exactly: a non-zero `runAsUser`
    /// alone does not satisfy it, and from v1.35 pods in a user namespace (`hostUsers: false`)
    /// are exempt. `runAsUser: 0` is reported by BHW019.
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
    /// - Pod Security Standards, restricted, "Running as Non-root" (`runAsNonRoot`)
    /// - CIS Kubernetes Benchmark v1.12, 5.2.7
    /// - NSA-CISA Kubernetes Hardening Guidance, "Non-root containers"
    pub static RUN_AS_ROOT = Check {
        id: "BHW005",
        slug: "run-as-root",
        severity: Severity::Medium,
        family: Family::Workload,
        remediation: "set securityContext.runAsNonRoot to true on the pod (or on every container)",
        compliance: Compliance {
            cis: &["5.2.7"],
            pss: &["restricted:runAsNonRoot"],
            nsa: &["Pod security: non-root containers and privileges"],
            mitre: &["T1611"],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let (Some(pod), Some(pss)) = (cx.pod_spec(object), cx.pss_entries("runAsNonRoot")) else {
        return;
    };
    if in_user_namespace(&pod) && cx.options.pss_version.at_least(35) {
        return;
    }
    let pod_value = pod
        .get("securityContext")
        .and_then(|sc| sc.get("runAsNonRoot"))
        .filter(|n| !n.is_null());
    if pod_value.and_then(Node::as_bool) == Some(false) {
        sink.report_pss(
            object,
            &pod.pointer_to("securityContext/runAsNonRoot"),
            "pod sets runAsNonRoot: false",
            pss.clone(),
        );
    }
    let pod_requires = pod_value.and_then(Node::as_bool) == Some(true);
    for container in pod.containers() {
        let pointer = container.pointer_to("securityContext/runAsNonRoot");
        let own = container
            .security_context()
            .and_then(|sc| sc.get("runAsNonRoot"))
            .filter(|n| !n.is_null());
        let message = match own.map(|n| n.as_bool()) {
            Some(Some(true)) => continue,
            Some(_) => format!("{} sets runAsNonRoot: false", describe(&container)),
            None if pod_requires => continue,
            None => format!(
                "{} may run as root: neither it nor the pod sets runAsNonRoot: true",
                describe(&container)
            ),
        };
        sink.report_pss(object, &pointer, message, pss.clone());
    }
}

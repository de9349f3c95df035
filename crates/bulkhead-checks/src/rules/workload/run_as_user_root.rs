use bulkhead_model::{Node, Object};

use crate::rules::common::{describe, in_user_namespace};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// `runAsUser: 0` on the pod or a container: the process runs as root whatever the image
    /// says. From v1.35, pods in their own user namespace (`hostUsers: false`) are exempt.
    ///
    /// ## Why it matters
    /// UID 0 in the container is UID 0 on the node's kernel unless user namespaces map it
    /// away. Every container escape starts easier as root.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   runAsUser: 0
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// securityContext:
    ///   runAsUser: 10001
    ///   runAsNonRoot: true
    /// ```
    ///
    /// ## References
    /// - Pod Security Standards, restricted, "Running as Non-root user" (`runAsUser`)
    /// - CIS Kubernetes Benchmark v1.12, 5.2.7
    pub static RUN_AS_USER_ROOT = Check {
        id: "BHW019",
        slug: "run-as-user-root",
        severity: Severity::High,
        family: Family::Workload,
        remediation: "set runAsUser to a non-zero UID (and runAsNonRoot: true)",
        compliance: Compliance {
            cis: &["5.2.7"],
            pss: &["restricted:runAsUser"],
            nsa: &["Pod security: non-root containers and privileges"],
            mitre: &["T1611"],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

fn is_root(security_context: Option<&Node>) -> bool {
    security_context
        .and_then(|sc| sc.get("runAsUser"))
        .and_then(Node::as_i64)
        == Some(0)
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let (Some(pod), Some(pss)) = (cx.pod_spec(object), cx.pss_entries("runAsUser")) else {
        return;
    };
    if in_user_namespace(&pod) && cx.options.pss_version.at_least(35) {
        return;
    }
    if is_root(pod.get("securityContext")) {
        sink.report_pss(
            object,
            &pod.pointer_to("securityContext/runAsUser"),
            "pod runs as UID 0 (root)",
            pss.clone(),
        );
    }
    for container in pod.containers() {
        if is_root(container.security_context()) {
            sink.report_pss(
                object,
                &container.pointer_to("securityContext/runAsUser"),
                format!("{} runs as UID 0 (root)", describe(&container)),
                pss.clone(),
            );
        }
    }
}

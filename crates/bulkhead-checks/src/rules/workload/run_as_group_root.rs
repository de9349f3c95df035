use bulkhead_model::{Node, Object};

use crate::rules::common::{describe, effective_security_field, is_windows};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Containers whose effective `runAsGroup` (the container's, else the pod's) is 0, the
    /// root group; and, at info level, pods that add GID 0 through `supplementalGroups` or
    /// `fsGroup`. An unset `runAsGroup` is not reported: the image decides it, which a
    /// manifest scan cannot see. Windows pods, and pods in their own user namespace
    /// (`hostUsers: false`, where GID 0 maps to an unprivileged group of the node), are
    /// skipped.
    ///
    /// ## Why it matters
    /// Files owned by group `root` with group permissions (on the node through a hostPath
    /// volume or after an escape, and in shared volumes) are open to any process in that
    /// group; running as a non-root user in the root group gives back part of what
    /// `runAsNonRoot` took away. `fsGroup: 0` makes every volume the pod mounts group-owned
    /// by root.
    ///
    /// Severity: low for the primary group, info for the supplementary ones: root group
    /// membership is much less than root, and some platforms (OpenShift's arbitrary UIDs) run
    /// containers in group 0 on purpose.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   runAsUser: 10001
    ///   runAsGroup: 0
    ///   fsGroup: 0
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// securityContext:
    ///   runAsUser: 10001
    ///   runAsGroup: 10001
    ///   fsGroup: 10001
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 5.6.3
    /// - NSA-CISA Kubernetes Hardening Guidance, "Non-root containers"
    /// - MITRE ATT&CK T1611 (Escape to Host)
    pub static RUN_AS_GROUP_ROOT = Check {
        id: "BHW032",
        slug: "run-as-group-root",
        severity: Severity::Low,
        family: Family::Workload,
        remediation: "set runAsGroup (and fsGroup) to a non-zero GID and leave 0 out of supplementalGroups",
        compliance: Compliance {
            cis: &["5.6.3"],
            pss: &[],
            nsa: &["Pod security: non-root containers and privileges"],
            mitre: &["T1611"],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(pod) = cx.pod_spec(object) else {
        return;
    };
    if is_windows(&pod) || crate::rules::common::in_user_namespace(&pod) {
        return;
    }
    for container in pod.containers() {
        if let Some((_, pointer)) = effective_security_field(&pod, &container, "runAsGroup")
            .filter(|(n, _)| n.as_i64() == Some(0))
        {
            sink.report(
                object,
                &pointer,
                format!("{} runs with GID 0 (the root group)", describe(&container)),
            );
        }
    }
    let Some(security) = pod.get("securityContext") else {
        return;
    };
    for (i, group) in security
        .get("supplementalGroups")
        .map(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        if group.as_i64() == Some(0) {
            sink.report_with(
                object,
                &pod.pointer_to(&format!("securityContext/supplementalGroups/{i}")),
                Severity::Info,
                "pod adds GID 0 (the root group) to its containers' supplementary groups",
            );
        }
    }
    if security.get("fsGroup").and_then(Node::as_i64) == Some(0) {
        sink.report_with(
            object,
            &pod.pointer_to("securityContext/fsGroup"),
            Severity::Info,
            "pod sets fsGroup 0: its volumes are group-owned by root and every container joins the root group",
        );
    }
}

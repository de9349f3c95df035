use bulkhead_model::{Node, Object};

use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Pods that share a host namespace: `hostNetwork`, `hostPID` or `hostIPC` set to true.
    ///
    /// ## Why it matters
    /// `hostPID` shows every process of the node (and with enough privilege, lets you enter
    /// them); `hostIPC` shares the node's shared memory; `hostNetwork` bypasses NetworkPolicy,
    /// binds the node's interfaces and reaches services listening on localhost, such as the
    /// kubelet's read-only port or cloud metadata.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   hostNetwork: true
    ///   hostPID: true
    /// ```
    ///
    /// Use instead: remove the fields (they default to false).
    ///
    /// ## References
    /// - Pod Security Standards, baseline, "Host Namespaces"
    /// - CIS Kubernetes Benchmark v1.12, 5.2.3, 5.2.4, 5.2.5
    /// - MITRE ATT&CK T1611 (Escape to Host)
    pub static HOST_NAMESPACES = Check {
        id: "BHW003",
        slug: "host-namespaces",
        severity: Severity::High,
        family: Family::Workload,
        remediation: "remove hostNetwork, hostPID and hostIPC (or set them to false)",
        compliance: Compliance {
            cis: &["5.2.3", "5.2.4", "5.2.5"],
            pss: &["baseline:hostNamespaces", "restricted:hostNamespaces"],
            nsa: &["Pod security: pod security enforcement"],
            mitre: &["T1611"],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

const FIELDS: [(&str, &str); 3] = [
    ("hostPID", "the node's process namespace"),
    ("hostIPC", "the node's IPC namespace"),
    ("hostNetwork", "the node's network namespace"),
];

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let (Some(pod), Some(pss)) = (cx.pod_spec(object), cx.pss_entries("hostNamespaces")) else {
        return;
    };
    for (field, what) in FIELDS {
        if pod.get(field).and_then(Node::as_bool) == Some(true) {
            sink.report_pss(
                object,
                &pod.pointer_to(field),
                format!("pod shares {what} ({field}: true)"),
                pss.clone(),
            );
        }
    }
}

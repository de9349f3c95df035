use bulkhead_model::{Node, Object};

use crate::rules::common::describe;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Windows HostProcess containers: `securityContext.windowsOptions.hostProcess: true` on
    /// the pod or a container.
    ///
    /// ## Why it matters
    /// A HostProcess container runs directly on the Windows node, with the node's network and
    /// file system, as a node account: it is the Windows equivalent of a privileged pod.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   windowsOptions:
    ///     hostProcess: true
    /// ```
    ///
    /// Use instead: remove `hostProcess`.
    ///
    /// ## References
    /// - Pod Security Standards, baseline, "HostProcess" (`windowsHostProcess`)
    /// - CIS Kubernetes Benchmark v1.12, 5.2.10
    pub static WINDOWS_HOST_PROCESS = Check {
        id: "BHW016",
        slug: "windows-host-process",
        severity: Severity::High,
        family: Family::Workload,
        remediation: "remove securityContext.windowsOptions.hostProcess",
        compliance: Compliance {
            cis: &["5.2.10"],
            pss: &["baseline:windowsHostProcess", "restricted:windowsHostProcess"],
            nsa: &["Pod security: pod security enforcement"],
            mitre: &["T1611"],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

fn host_process(security_context: Option<&Node>) -> bool {
    security_context
        .and_then(|sc| sc.path(&["windowsOptions", "hostProcess"]))
        .and_then(Node::as_bool)
        == Some(true)
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let (Some(pod), Some(pss)) = (cx.pod_spec(object), cx.pss_entries("windowsHostProcess")) else {
        return;
    };
    if host_process(pod.get("securityContext")) {
        sink.report_pss(
            object,
            &pod.pointer_to("securityContext/windowsOptions/hostProcess"),
            "pod runs as a Windows HostProcess",
            pss.clone(),
        );
    }
    for container in pod.containers() {
        if host_process(container.security_context()) {
            sink.report_pss(
                object,
                &container.pointer_to("securityContext/windowsOptions/hostProcess"),
                format!("{} runs as a Windows HostProcess", describe(&container)),
                pss.clone(),
            );
        }
    }
}

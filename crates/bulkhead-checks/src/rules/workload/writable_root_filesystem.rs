use bulkhead_model::{Node, Object};

use crate::rules::common::{describe, is_windows};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Containers whose root filesystem is writable (`readOnlyRootFilesystem` is not true).
    ///
    /// ## Why it matters
    /// An attacker who gets code execution in a container with a writable root filesystem can
    /// download tools, replace binaries and persist across process restarts. A read-only root
    /// filesystem, with `emptyDir` volumes for the paths that must be written, takes that away.
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
    ///     securityContext:
    ///       readOnlyRootFilesystem: true
    ///     volumeMounts:
    ///       - name: tmp
    ///         mountPath: /tmp
    /// ```
    ///
    /// ## References
    /// - NSA-CISA Kubernetes Hardening Guidance, "Immutable container file systems"
    /// - CIS Kubernetes Benchmark v1.12, 5.6.3
    pub static WRITABLE_ROOT_FILESYSTEM = Check {
        id: "BHW006",
        slug: "writable-root-filesystem",
        severity: Severity::Low,
        family: Family::Workload,
        remediation: "set securityContext.readOnlyRootFilesystem to true and mount emptyDir volumes where the container writes",
        compliance: Compliance {
            cis: &["5.6.3"],
            pss: &[],
            nsa: &["Pod security: immutable container file systems"],
            mitre: &["T1105"],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(pod) = cx.pod_spec(object) else {
        return;
    };
    if is_windows(&pod) {
        return;
    }
    // Every kind: an ephemeral container (`kubectl debug`) may set its own securityContext,
    // and a debugging shell with a writable root is where tools get dropped.
    for container in pod.containers() {
        let value = container
            .security_context()
            .and_then(|sc| sc.get("readOnlyRootFilesystem"))
            .and_then(Node::as_bool);
        if value != Some(true) {
            sink.report(
                object,
                &container.pointer_to("securityContext/readOnlyRootFilesystem"),
                format!("{} has a writable root filesystem", describe(&container)),
            );
        }
    }
}

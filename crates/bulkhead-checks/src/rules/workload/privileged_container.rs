use bulkhead_model::{Node, Object};

use crate::rules::common::describe;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Containers that run privileged (`securityContext.privileged: true`), in every workload
    /// kind and in init and ephemeral containers too.
    ///
    /// ## Why it matters
    /// A privileged container gets every Linux capability, all host devices and no seccomp or
    /// AppArmor confinement: root in it is root on the node. Escaping takes one `mount`.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example/app:1.4.2
    ///     securityContext:
    ///       privileged: true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///     securityContext:
    ///       privileged: false
    /// ```
    /// Grant the one capability the workload needs instead, if any.
    ///
    /// ## References
    /// - Pod Security Standards, baseline, "Privileged Containers"
    /// - CIS Kubernetes Benchmark v1.12, 5.2.2
    /// - MITRE ATT&CK T1611 (Escape to Host)
    pub static PRIVILEGED_CONTAINER = Check {
        id: "BHW001",
        slug: "privileged-container",
        severity: Severity::High,
        family: Family::Workload,
        remediation: "set securityContext.privileged to false and add only the capabilities the container needs",
        compliance: Compliance {
            cis: &["5.2.2"],
            pss: &["baseline:privileged", "restricted:privileged"],
            nsa: &["Pod security: non-root containers and privileges"],
            mitre: &["T1611"],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let (Some(pod), Some(pss)) = (cx.pod_spec(object), cx.pss_entries("privileged")) else {
        return;
    };
    for container in pod.containers() {
        let privileged = container
            .security_context()
            .and_then(|sc| sc.get("privileged"))
            .and_then(Node::as_bool);
        if privileged == Some(true) {
            sink.report_pss(
                object,
                &container.pointer_to("securityContext/privileged"),
                format!("{} runs privileged", describe(&container)),
                pss.clone(),
            );
        }
    }
}

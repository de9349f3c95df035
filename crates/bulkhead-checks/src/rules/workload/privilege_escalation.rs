use bulkhead_model::{Node, Object};

use crate::rules::common::{describe, is_windows};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Containers that do not set `securityContext.allowPrivilegeEscalation: false`, as the
    /// Pod Security Standards' restricted level requires (from v1.8; Windows pods are exempt
    /// from v1.25).
    ///
    /// ## Why it matters
    /// Unless it is set to false, the kernel's `no_new_privs` flag is off and a process can gain
    /// more privileges than its parent, through setuid binaries or file capabilities. The
    /// default is to allow it.
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
    ///       allowPrivilegeEscalation: false
    /// ```
    ///
    /// ## References
    /// - Pod Security Standards, restricted, "Privilege Escalation" (`allowPrivilegeEscalation`)
    /// - CIS Kubernetes Benchmark v1.12, 5.2.6
    /// - MITRE ATT&CK T1068 (Exploitation for Privilege Escalation)
    pub static PRIVILEGE_ESCALATION = Check {
        id: "BHW002",
        slug: "privilege-escalation-allowed",
        severity: Severity::Medium,
        family: Family::Workload,
        remediation: "set securityContext.allowPrivilegeEscalation to false",
        compliance: Compliance {
            cis: &["5.2.6"],
            pss: &["restricted:allowPrivilegeEscalation"],
            nsa: &["Pod security: non-root containers and privileges"],
            mitre: &["T1068"],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let (Some(pod), Some(pss)) = (
        cx.pod_spec(object),
        cx.pss_entries("allowPrivilegeEscalation"),
    ) else {
        return;
    };
    if is_windows(&pod) && cx.options.pss_version.at_least(25) {
        return;
    }
    for container in pod.containers() {
        let pointer = container.pointer_to("securityContext/allowPrivilegeEscalation");
        let value = container
            .security_context()
            .and_then(|sc| sc.get("allowPrivilegeEscalation"));
        let message = match value.and_then(Node::as_bool) {
            Some(false) => continue,
            Some(true) => format!("{} allows privilege escalation", describe(&container)),
            None => format!(
                "{} does not set allowPrivilegeEscalation: false (the default allows escalation)",
                describe(&container)
            ),
        };
        sink.report_pss(object, &pointer, message, pss.clone());
    }
}

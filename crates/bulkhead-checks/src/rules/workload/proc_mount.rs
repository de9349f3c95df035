use bulkhead_model::Object;

use crate::pss;
use crate::rules::common::{describe, in_user_namespace};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Containers that set `securityContext.procMount` to anything but `Default` (that is,
    /// `Unmasked`). From v1.35 the baseline level allows it in pods with their own user
    /// namespace (`hostUsers: false`); the restricted level never does.
    ///
    /// ## Why it matters
    /// The runtime masks and makes read-only parts of `/proc` (`/proc/kcore`, `/proc/sys`,
    /// `/proc/sysrq-trigger`...) that expose the host kernel. An unmasked `/proc` hands them
    /// back.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   procMount: Unmasked
    /// ```
    ///
    /// Use instead: remove `procMount` (it defaults to `Default`).
    ///
    /// ## References
    /// - Pod Security Standards, baseline, "/proc Mount Type" (`procMount`); restricted
    ///   (`procMount_restricted`)
    pub static PROC_MOUNT = Check {
        id: "BHW013",
        slug: "unmasked-proc-mount",
        severity: Severity::High,
        family: Family::Workload,
        remediation: "remove securityContext.procMount or set it to Default",
        compliance: Compliance {
            cis: &[],
            pss: &["baseline:procMount", "restricted:procMount_restricted"],
            nsa: &["Pod security: pod security enforcement"],
            mitre: &["T1611"],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let (Some(pod), Some(mut entries)) = (cx.pod_spec(object), cx.pss_entries("procMount")) else {
        return;
    };
    let version = cx.options.pss_version;
    if in_user_namespace(&pod) && version.at_least(35) {
        entries = pss::restricted_entry("procMount_restricted", version);
    }
    for container in pod.containers() {
        let Some(mount) = container
            .security_context()
            .and_then(|sc| sc.get("procMount"))
            .filter(|n| !n.is_null())
        else {
            continue;
        };
        let value = mount.scalar_text().unwrap_or_default();
        if value != "Default" {
            sink.report_pss(
                object,
                &container.pointer_to("securityContext/procMount"),
                format!("{} sets procMount {value:?}", describe(&container)),
                entries.clone(),
            );
        }
    }
}

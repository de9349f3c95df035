use bulkhead_model::{Node, Object};

use crate::rules::common::describe;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// SELinux options that change the container's confinement: a `seLinuxOptions.type` other
    /// than `container_t`, `container_init_t`, `container_kvm_t` (and `container_engine_t`
    /// from v1.31), or any `user` or `role`, on the pod or a container.
    ///
    /// ## Why it matters
    /// The SELinux type decides what a container process may touch on the host. A type such
    /// as `spc_t` (super-privileged container) or `unconfined_t` removes the confinement that
    /// stops a compromised container from reading host files.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   seLinuxOptions:
    ///     type: spc_t
    /// ```
    ///
    /// Use instead: leave `seLinuxOptions` unset, or set only `level`.
    ///
    /// ## References
    /// - Pod Security Standards, baseline, "SELinux" (`seLinuxOptions`)
    pub static SELINUX_OPTIONS = Check {
        id: "BHW012",
        slug: "selinux-options",
        severity: Severity::Medium,
        family: Family::Workload,
        remediation: "remove seLinuxOptions.type, user and role (setting level is fine)",
        compliance: Compliance {
            cis: &[],
            pss: &["baseline:seLinuxOptions", "restricted:seLinuxOptions"],
            nsa: &["Pod security: pod security enforcement"],
            mitre: &["T1611"],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

fn allowed_types(cx: &Context<'_>) -> &'static [&'static str] {
    if cx.options.pss_version.at_least(31) {
        &[
            "",
            "container_t",
            "container_init_t",
            "container_kvm_t",
            "container_engine_t",
        ]
    } else {
        &["", "container_t", "container_init_t", "container_kvm_t"]
    }
}

/// The offending fields of one `seLinuxOptions`, as (field, value).
fn offences(options: &Node, allowed: &[&str]) -> Vec<(&'static str, String)> {
    let text = |k: &str| {
        options
            .get(k)
            .and_then(Node::scalar_text)
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    let kind = text("type");
    if !allowed.contains(&kind.as_str()) {
        out.push(("type", kind));
    }
    for field in ["user", "role"] {
        let value = text(field);
        if !value.is_empty() && value != "null" {
            out.push((field, value));
        }
    }
    out
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let (Some(pod), Some(pss)) = (cx.pod_spec(object), cx.pss_entries("seLinuxOptions")) else {
        return;
    };
    let allowed = allowed_types(cx);
    if let Some(options) = pod
        .get("securityContext")
        .and_then(|sc| sc.get("seLinuxOptions"))
    {
        for (field, value) in offences(options, allowed) {
            sink.report_pss(
                object,
                &pod.pointer_to(&format!("securityContext/seLinuxOptions/{field}")),
                format!("pod sets SELinux {field} {value:?}"),
                pss.clone(),
            );
        }
    }
    for container in pod.containers() {
        let Some(options) = container
            .security_context()
            .and_then(|sc| sc.get("seLinuxOptions"))
        else {
            continue;
        };
        for (field, value) in offences(options, allowed) {
            sink.report_pss(
                object,
                &container.pointer_to(&format!("securityContext/seLinuxOptions/{field}")),
                format!("{} sets SELinux {field} {value:?}", describe(&container)),
                pss.clone(),
            );
        }
    }
}

use bulkhead_model::{Node, Object};

use crate::pss::BASELINE_CAPABILITIES;
use crate::rules::common::{describe, is_windows};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Containers that add Linux capabilities beyond the container runtime's default set,
    /// which is what the Pod Security Standards' baseline level allows. Names are compared
    /// exactly, as Pod Security admission does (`CAP_CHOWN` is not in the set).
    ///
    /// ## Why it matters
    /// Capabilities split root's power into pieces; some pieces are all of it. `SYS_ADMIN`
    /// allows mounts and most escapes, `SYS_PTRACE` reads other processes' memory, `NET_ADMIN`
    /// rewrites the node's network, `SYS_MODULE` loads kernel code, `NET_RAW` forges packets
    /// (ARP and DNS spoofing inside the cluster network).
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   capabilities:
    ///     add: ["SYS_ADMIN", "NET_RAW"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// securityContext:
    ///   capabilities:
    ///     drop: ["ALL"]
    ///     add: ["NET_BIND_SERVICE"]
    /// ```
    ///
    /// ## References
    /// - Pod Security Standards, baseline, "Capabilities"; restricted, "Capabilities"
    /// - CIS Kubernetes Benchmark v1.12, 5.2.8, 5.2.9
    /// - MITRE ATT&CK T1611 (Escape to Host)
    pub static DANGEROUS_CAPABILITIES = Check {
        id: "BHW007",
        slug: "dangerous-capabilities",
        severity: Severity::High,
        family: Family::Workload,
        remediation: "remove the capability from securityContext.capabilities.add",
        compliance: Compliance {
            cis: &["5.2.8", "5.2.9"],
            pss: &["baseline:capabilities_baseline", "restricted:capabilities_restricted"],
            nsa: &["Pod security: non-root containers and privileges"],
            mitre: &["T1611"],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

/// Capabilities that amount to host access on their own.
const ESCAPE_CAPABILITIES: &[&str] = &[
    "ALL",
    "SYS_ADMIN",
    "SYS_MODULE",
    "SYS_PTRACE",
    "SYS_RAWIO",
    "DAC_READ_SEARCH",
    "NET_ADMIN",
    "BPF",
    "PERFMON",
    "SYS_BOOT",
];

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let (Some(pod), Some(mut pss)) = (cx.pod_spec(object), cx.pss_entries("capabilities_baseline"))
    else {
        return;
    };
    // At the restricted level this control is replaced by capabilities_restricted, which
    // exempts Windows pods from v1.25: there, only the baseline level fails.
    if is_windows(&pod) && cx.options.pss_version.at_least(25) {
        pss.retain(|e| !e.starts_with("restricted:capabilities_restricted"));
    }
    for container in pod.containers() {
        let added = container
            .security_context()
            .and_then(|sc| sc.path(&["capabilities", "add"]))
            .map(Node::as_seq)
            .unwrap_or(&[]);
        for (i, cap) in added.iter().enumerate() {
            let Some(name) = cap.scalar_text() else {
                continue;
            };
            // Pod Security compares names exactly: `CAP_CHOWN` or `chown` is not `CHOWN`.
            if BASELINE_CAPABILITIES.contains(&name.as_str()) {
                continue;
            }
            let bare = name.trim_start_matches("CAP_").to_ascii_uppercase();
            let severity = if ESCAPE_CAPABILITIES.contains(&bare.as_str()) {
                Severity::Critical
            } else {
                Severity::High
            };
            sink.report_full(
                object,
                &container.pointer_to(&format!("securityContext/capabilities/add/{i}")),
                severity,
                format!(
                    "{} adds the {name} capability, which is not in the default set",
                    describe(&container)
                ),
                pss.clone(),
            );
        }
    }
}

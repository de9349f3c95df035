use bulkhead_model::Object;

use crate::rules::node_host::facts::judge_sysctls;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// `kernel.unprivileged_bpf_disabled` at 0: any user may load BPF programs.
    ///
    /// ## Why it matters
    /// The BPF verifier has been the door of many local privilege escalations (CVE-2021-3490,
    /// CVE-2021-31440, CVE-2022-23222); unprivileged BPF lets a process in a container reach it.
    /// Kubernetes networking that uses BPF (Cilium, Calico eBPF) loads its programs as root and is
    /// not affected.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Kernel
    /// spec:
    ///   sysctls:
    ///     kernel.unprivileged_bpf_disabled: "0"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///     kernel.unprivileged_bpf_disabled: "1"
    /// ```
    ///
    /// ## References
    /// - Linux kernel documentation, admin-guide/sysctl/kernel ("unprivileged_bpf_disabled")
    /// - MITRE ATT&CK T1068 (Exploitation for Privilege Escalation)
    pub static UNPRIVILEGED_BPF = Check {
        id: "BHN041",
        slug: "unprivileged-bpf-allowed",
        severity: Severity::Medium,
        family: Family::NodeHost,
        remediation: "set kernel.unprivileged_bpf_disabled to 1 (or 2) in /etc/sysctl.d/",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &[],
            mitre: &["T1068"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["Kernel"]),
    };
}

fn check(_cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    judge_sysctls(
        object,
        sink,
        &["kernel.unprivileged_bpf_disabled"],
        |n| n >= 1,
        "1 or 2 expected",
        "unprivileged processes can load BPF programs into the kernel",
    );
}

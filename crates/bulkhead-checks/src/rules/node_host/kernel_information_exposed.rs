use bulkhead_model::Object;

use crate::rules::node_host::facts::judge_sysctls;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Kernel addresses and the kernel log readable by unprivileged users: `kernel.kptr_restrict`
    /// below 1 or `kernel.dmesg_restrict` below 1, as the node's `/proc/sys` reports them.
    ///
    /// ## Why it matters
    /// A container escape usually chains a kernel bug with the kernel's own addresses; `/proc/kallsyms`
    /// and `dmesg` hand them to any process, including one in a container that shares nothing else.
    /// Hiding them turns a reliable exploit into a guess.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Kernel
    /// spec:
    ///   sysctls:
    ///     kernel.kptr_restrict: "0"
    ///     kernel.dmesg_restrict: "0"
    /// ```
    ///
    /// Use instead (`/etc/sysctl.d/60-hardening.conf`):
    /// ```yaml
    /// kernel.kptr_restrict: "1"
    /// kernel.dmesg_restrict: "1"
    /// ```
    ///
    /// ## References
    /// - Linux kernel documentation, admin-guide/sysctl/kernel ("kptr_restrict", "dmesg_restrict")
    /// - Kubernetes documentation, "Securing a Cluster": restrict access to the kernel
    /// - MITRE ATT&CK T1611 (Escape to Host)
    pub static KERNEL_INFORMATION_EXPOSED = Check {
        id: "BHN040",
        slug: "kernel-information-exposed",
        severity: Severity::Medium,
        family: Family::NodeHost,
        remediation: "set kernel.kptr_restrict to 1 (or 2) and kernel.dmesg_restrict to 1 in /etc/sysctl.d/",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &[],
            mitre: &["T1611"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["Kernel"]),
    };
}

fn check(_cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    judge_sysctls(
        object,
        sink,
        &["kernel.kptr_restrict", "kernel.dmesg_restrict"],
        |n| n >= 1,
        "1 or more expected",
        "unprivileged processes read kernel addresses or the kernel log",
    );
}

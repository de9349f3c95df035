use bulkhead_model::Object;

use crate::rules::node_host::facts::judge_sysctls;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// `kernel.yama.ptrace_scope` at 0 (any process may trace every process of the same user), or a
    /// kernel without the Yama module, where nothing narrows `ptrace` at all.
    ///
    /// ## Why it matters
    /// With classic `ptrace` rules, a compromised process reads the memory and credentials of every
    /// other process of its user, and on a node many agents run as the same user. Yama's scope 1
    /// limits tracing to descendants.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Kernel
    /// spec:
    ///   sysctls:
    ///     kernel.yama.ptrace_scope: "0"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///     kernel.yama.ptrace_scope: "1"
    /// ```
    ///
    /// ## References
    /// - Linux kernel documentation, admin-guide/LSM/Yama
    /// - MITRE ATT&CK T1068 (Exploitation for Privilege Escalation)
    pub static PTRACE_UNRESTRICTED = Check {
        id: "BHN042",
        slug: "ptrace-unrestricted",
        severity: Severity::Low,
        family: Family::NodeHost,
        remediation: "set kernel.yama.ptrace_scope to 1 or more in /etc/sysctl.d/ (a kernel with Yama is needed)",
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
    let absent = judge_sysctls(
        object,
        sink,
        &["kernel.yama.ptrace_scope"],
        |n| n >= 1,
        "1 or more expected",
        "any process may trace the other processes of its user",
    );
    // `judge_sysctls` returns nothing for other objects: `absent` is this Kernel's.
    if !absent.is_empty() {
        sink.report(
            object,
            "/spec/absent",
            "kernel.yama.ptrace_scope does not exist: this kernel has no Yama module, so ptrace is not restricted",
        );
    }
}

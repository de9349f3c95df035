use bulkhead_model::Object;

use crate::rules::node_host::facts::judge_sysctls;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// `kernel.randomize_va_space` below 2: address space layout randomisation off (0) or partial
    /// (1, without the heap).
    ///
    /// ## Why it matters
    /// Randomised addresses are what makes a memory-corruption bug hard to exploit. Turned off,
    /// every process of every container is laid out the same way, on every run.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Kernel
    /// spec:
    ///   sysctls:
    ///     kernel.randomize_va_space: "0"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///     kernel.randomize_va_space: "2"
    /// ```
    ///
    /// ## References
    /// - CIS Distribution Independent Linux Benchmark v2.0.0, 1.5.3 "Ensure address space layout
    ///   randomization (ASLR) is enabled"
    /// - Linux kernel documentation, admin-guide/sysctl/kernel ("randomize_va_space")
    pub static ASLR_NOT_FULL = Check {
        id: "BHN044",
        slug: "aslr-not-full",
        severity: Severity::High,
        family: Family::NodeHost,
        remediation: "set kernel.randomize_va_space to 2 in /etc/sysctl.d/",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &[],
            mitre: &[],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["Kernel"]),
    };
}

fn check(_cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    judge_sysctls(
        object,
        sink,
        &["kernel.randomize_va_space"],
        |n| n == 2,
        "2 expected",
        "memory layouts are predictable",
    );
}

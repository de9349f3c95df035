use bulkhead_model::Object;

use crate::rules::node_host::facts::judge_sysctls;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// `fs.protected_hardlinks` or `fs.protected_symlinks` at 0.
    ///
    /// ## Why it matters
    /// Without them, a user who can write to a shared directory (`/tmp`, a hostPath) can plant links
    /// that a root process follows: the classic time-of-check races that turn a writable directory
    /// into writes anywhere.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Kernel
    /// spec:
    ///   sysctls:
    ///     fs.protected_symlinks: "0"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///     fs.protected_hardlinks: "1"
    ///     fs.protected_symlinks: "1"
    /// ```
    ///
    /// ## References
    /// - Linux kernel documentation, admin-guide/sysctl/fs ("protected_hardlinks", "protected_symlinks")
    pub static LINK_PROTECTION_DISABLED = Check {
        id: "BHN043",
        slug: "link-protection-disabled",
        severity: Severity::Medium,
        family: Family::NodeHost,
        remediation: "set fs.protected_hardlinks and fs.protected_symlinks to 1 in /etc/sysctl.d/",
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
        &["fs.protected_hardlinks", "fs.protected_symlinks"],
        |n| n >= 1,
        "1 expected",
        "root processes follow links that other users planted",
    );
}

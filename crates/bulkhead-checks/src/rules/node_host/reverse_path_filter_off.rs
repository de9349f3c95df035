use bulkhead_model::Object;

use crate::rules::node_host::facts::judge_sysctls;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// `net.ipv4.conf.all.rp_filter` or `net.ipv4.conf.default.rp_filter` at 0: packets are
    /// accepted on an interface whatever their source address. Loose mode (2), which some CNI plugins
    /// need, is accepted.
    ///
    /// ## Why it matters
    /// Without reverse-path filtering, a pod or a neighbour can send packets with forged source
    /// addresses that the node accepts as coming from elsewhere, which defeats source-based rules.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Kernel
    /// spec:
    ///   sysctls:
    ///     net.ipv4.conf.all.rp_filter: "0"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///     net.ipv4.conf.all.rp_filter: "1"
    ///     net.ipv4.conf.default.rp_filter: "1"
    /// ```
    ///
    /// ## References
    /// - CIS Distribution Independent Linux Benchmark v2.0.0, 3.2.7 "Ensure Reverse Path Filtering is enabled"
    /// - Linux kernel documentation, networking/ip-sysctl ("rp_filter")
    pub static REVERSE_PATH_FILTER_OFF = Check {
        id: "BHN045",
        slug: "reverse-path-filter-off",
        severity: Severity::Low,
        family: Family::NodeHost,
        remediation: "set net.ipv4.conf.all.rp_filter and net.ipv4.conf.default.rp_filter to 1 (strict) or 2 (loose)",
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
        &[
            "net.ipv4.conf.all.rp_filter",
            "net.ipv4.conf.default.rp_filter",
        ],
        |n| n == 1 || n == 2,
        "1 or 2 expected",
        "packets with forged source addresses are accepted",
    );
}

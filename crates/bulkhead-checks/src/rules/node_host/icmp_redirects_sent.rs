use bulkhead_model::Object;

use crate::rules::node_host::facts::judge_sysctls;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// `net.ipv4.conf.all.send_redirects` or `net.ipv4.conf.default.send_redirects` not 0: the node
    /// tells other hosts to route through someone else.
    ///
    /// ## Why it matters
    /// A node routes pod traffic, but it is not the network's router: redirects it sends teach its
    /// neighbours routes that an attacker on the node can abuse, and no CNI plugin needs them.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Kernel
    /// spec:
    ///   sysctls:
    ///     net.ipv4.conf.all.send_redirects: "1"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///     net.ipv4.conf.all.send_redirects: "0"
    ///     net.ipv4.conf.default.send_redirects: "0"
    /// ```
    ///
    /// ## References
    /// - CIS Distribution Independent Linux Benchmark v2.0.0, 3.1.2 "Ensure packet redirect sending is disabled"
    pub static ICMP_REDIRECTS_SENT = Check {
        id: "BHN047",
        slug: "icmp-redirects-sent",
        severity: Severity::Low,
        family: Family::NodeHost,
        remediation: "set net.ipv4.conf.all.send_redirects and net.ipv4.conf.default.send_redirects to 0",
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
            "net.ipv4.conf.all.send_redirects",
            "net.ipv4.conf.default.send_redirects",
        ],
        |n| n == 0,
        "0 expected",
        "the node sends ICMP redirects",
    );
}

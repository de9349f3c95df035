use bulkhead_model::Object;

use crate::rules::node_host::facts::judge_sysctls;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// ICMP redirects accepted: `accept_redirects` not 0 for `all` or `default`, IPv4 or IPv6.
    ///
    /// ## Why it matters
    /// A redirect rewrites the node's routing table on the word of a packet. Anyone on the node's
    /// network, a compromised pod with host networking included, can then steer the node's traffic
    /// through itself.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Kernel
    /// spec:
    ///   sysctls:
    ///     net.ipv4.conf.all.accept_redirects: "1"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///     net.ipv4.conf.all.accept_redirects: "0"
    ///     net.ipv4.conf.default.accept_redirects: "0"
    ///     net.ipv6.conf.all.accept_redirects: "0"
    ///     net.ipv6.conf.default.accept_redirects: "0"
    /// ```
    ///
    /// ## References
    /// - CIS Distribution Independent Linux Benchmark v2.0.0, 3.2.2 "Ensure ICMP redirects are not accepted"
    pub static ICMP_REDIRECTS_ACCEPTED = Check {
        id: "BHN046",
        slug: "icmp-redirects-accepted",
        severity: Severity::Low,
        family: Family::NodeHost,
        remediation: "set net.ipv4.conf.{all,default}.accept_redirects and net.ipv6.conf.{all,default}.accept_redirects to 0",
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
            "net.ipv4.conf.all.accept_redirects",
            "net.ipv4.conf.default.accept_redirects",
            "net.ipv6.conf.all.accept_redirects",
            "net.ipv6.conf.default.accept_redirects",
        ],
        |n| n == 0,
        "0 expected",
        "the node lets ICMP redirects rewrite its routes",
    );
}

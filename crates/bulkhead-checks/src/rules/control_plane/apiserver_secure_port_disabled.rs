use bulkhead_node::Component;

use super::expect::{setting, Setting};
use super::flags::report_flag;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// A kube-apiserver started with `--secure-port=0`.
    ///
    /// ## Why it matters
    /// Port 0 turns the API server's HTTPS port off. Since the insecure port was removed
    /// (Kubernetes 1.24) nothing is then served at all; on older versions the cluster was
    /// left to the unauthenticated, unencrypted insecure port. Either way clients cannot
    /// reach an authenticated, encrypted API.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --secure-port=0
    /// ```
    ///
    /// Use instead: leave the flag out (6443) or set the port the clients use.
    /// ```yaml
    ///   - --secure-port=6443
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    /// - CIS Kubernetes Benchmark v1.6.0, 1.2.20; v1.7.0, 1.2.16 (as kube-bench numbers them); not
    ///   in v1.8.0 and later
    /// - MITRE ATT&CK T1557 (Adversary-in-the-Middle; outside ATT&CK for Containers, so not mapped)
    pub static APISERVER_SECURE_PORT_DISABLED = Check {
        id: "BHC091",
        slug: "apiserver-secure-port-disabled",
        severity: Severity::High,
        family: Family::ControlPlane,
        remediation: "remove --secure-port=0 from the API server (the default is 6443)",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Network separation and hardening: control plane hardening"],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    for line in cx.command_lines(Component::ApiServer) {
        if let Setting::Written(arg) = setting(line, "secure-port") {
            if arg.text().trim().parse::<u32>() == Ok(0) {
                report_flag(
                    sink,
                    line,
                    &arg,
                    "port 0 turns off the API server's HTTPS port: no authenticated, encrypted API is served",
                );
            }
        }
    }
}

use bulkhead_node::Component;

use super::admission::{plugin, Plugin};
use super::flags::report_flag;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// API servers that enable the AlwaysAdmit admission plugin, in
    /// `--enable-admission-plugins` or the deprecated `--admission-control`. It is off by
    /// default.
    ///
    /// ## Why it matters
    /// AlwaysAdmit admits every request by itself. It is deprecated, does nothing useful, and
    /// its presence signals an admission chain that was loosened to make something work.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --enable-admission-plugins=NodeRestriction,AlwaysAdmit
    /// ```
    ///
    /// Use instead: remove it from the list.
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --enable-admission-plugins=NodeRestriction
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.10
    /// - Kubernetes documentation, kube-apiserver command-line reference: `--enable-admission-plugins` (default the plugins enabled by default, which exclude AlwaysAdmit): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    /// - https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#alwaysadmit
    pub static APISERVER_ALWAYS_ADMIT = Check {
        id: "BHC010",
        slug: "apiserver-always-admit",
        severity: Severity::High,
        family: Family::ControlPlane,
        remediation: "remove AlwaysAdmit from the API server's admission plugins",
        compliance: Compliance {
            cis: &["1.2.10"],
            pss: &[],
            nsa: &["Network separation and hardening: control plane hardening"],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    for line in cx.command_lines(Component::ApiServer) {
        if let Plugin::Enabled(arg) = plugin(line, "AlwaysAdmit") {
            report_flag(
                sink,
                line,
                arg,
                "enables AlwaysAdmit, a deprecated plugin that admits every request",
            );
        }
    }
}

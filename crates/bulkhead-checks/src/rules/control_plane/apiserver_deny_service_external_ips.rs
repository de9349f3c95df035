use super::admission;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// API servers that do not run the DenyServiceExternalIPs admission plugin. It is off by
    /// default, so it must be listed in `--enable-admission-plugins`. CIS marks this
    /// recommendation manual.
    ///
    /// ## Why it matters
    /// Anyone who may create a Service may set `spec.externalIPs` and have every node route
    /// traffic for those addresses to their pods: a way to intercept traffic meant for another
    /// address (CVE-2020-8554). The plugin refuses new external IPs.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --enable-admission-plugins=NodeRestriction
    /// ```
    ///
    /// Use instead: enable the plugin.
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --enable-admission-plugins=NodeRestriction,DenyServiceExternalIPs
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.3
    /// - Kubernetes documentation, kube-apiserver command-line reference: `--enable-admission-plugins` (default the plugins enabled by default, which exclude DenyServiceExternalIPs): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    /// - https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#denyserviceexternalips
    pub static APISERVER_DENY_SERVICE_EXTERNAL_IPS = Check {
        id: "BHC003",
        slug: "apiserver-deny-service-external-ips",
        severity: Severity::Low,
        family: Family::ControlPlane,
        remediation: "add DenyServiceExternalIPs to --enable-admission-plugins unless Services need externalIPs",
        compliance: Compliance {
            cis: &["1.2.3"],
            pss: &[],
            nsa: &["Network separation and hardening: control plane hardening"],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    admission::require(
        cx,
        sink,
        "DenyServiceExternalIPs",
        "Services may claim any external IP and intercept its traffic (CVE-2020-8554)",
    );
}

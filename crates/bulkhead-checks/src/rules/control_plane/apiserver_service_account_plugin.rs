use super::admission;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// API servers that turn the ServiceAccount admission plugin off. It is on by default, so
    /// only `--disable-admission-plugins` (or a deprecated `--admission-control` list without
    /// it) turns it off.
    ///
    /// ## Why it matters
    /// The plugin gives every pod a service account that exists and stops pods from mounting
    /// another account's token secrets; without it pods may reference any account's
    /// credentials.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --disable-admission-plugins=ServiceAccount
    /// ```
    ///
    /// Use instead: leave the plugin on (it is on by default).
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --enable-admission-plugins=NodeRestriction
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.12
    /// - Kubernetes documentation, kube-apiserver command-line reference: `--disable-admission-plugins` (default none: ServiceAccount is enabled by default): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    /// - https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#serviceaccount
    pub static APISERVER_SERVICE_ACCOUNT_PLUGIN = Check {
        id: "BHC012",
        slug: "apiserver-service-account-plugin",
        severity: Severity::Medium,
        family: Family::ControlPlane,
        remediation: "remove ServiceAccount from --disable-admission-plugins",
        compliance: Compliance {
            cis: &["1.2.12"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    admission::require(
        cx,
        sink,
        "ServiceAccount",
        "pods are not held to service accounts that exist and to their own tokens",
    );
}

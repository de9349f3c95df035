use bulkhead_node::Component;

use super::expect;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// API servers with `--service-account-lookup` false. The default is true, so an unset flag
    /// passes.
    ///
    /// ## Why it matters
    /// With lookup on, the API server checks that a service account token's account (and its
    /// secret or bound object) still exists. With it off, a token keeps working after its
    /// service account is deleted, so deleting an account does not revoke a stolen token.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --service-account-lookup=false
    /// ```
    ///
    /// Use instead: keep the lookup (true is the default).
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --service-account-lookup=true
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.21
    /// - Kubernetes documentation, kube-apiserver command-line reference: `--service-account-lookup` (default true): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    pub static APISERVER_SERVICE_ACCOUNT_LOOKUP = Check {
        id: "BHC020",
        slug: "apiserver-service-account-lookup",
        severity: Severity::High,
        family: Family::ControlPlane,
        remediation: "leave --service-account-lookup at true (remove --service-account-lookup=false)",
        compliance: Compliance {
            cis: &["1.2.21"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1528"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    expect::boolean(
        cx,
        sink,
        Component::ApiServer,
        "service-account-lookup",
        true,
        true,
        "tokens of deleted service accounts stay valid",
    );
}

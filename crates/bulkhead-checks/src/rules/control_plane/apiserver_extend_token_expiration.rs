use bulkhead_node::Component;

use super::expect;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// API servers that extend the lifetime of projected service account tokens:
    /// `--service-account-extend-token-expiration` true, bare, or not set (the default is
    /// true).
    ///
    /// ## Why it matters
    /// The extension, meant for the migration to bound tokens, makes the tokens mounted into
    /// pods valid for up to a year whatever `--service-account-max-token-expiration` says, so a
    /// token stolen from a pod stays useful long after it should have expired.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --service-account-extend-token-expiration=true
    /// ```
    ///
    /// Use instead: turn the extension off once no workload depends on long-lived tokens.
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --service-account-extend-token-expiration=false
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.30
    /// - Kubernetes documentation, kube-apiserver command-line reference: `--service-account-extend-token-expiration` (default true): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    /// - https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#bound-service-account-token-volume
    pub static APISERVER_EXTEND_TOKEN_EXPIRATION = Check {
        id: "BHC027",
        slug: "apiserver-extend-token-expiration",
        severity: Severity::Medium,
        family: Family::ControlPlane,
        remediation: "start the API server with --service-account-extend-token-expiration=false",
        compliance: Compliance {
            cis: &["1.2.30"],
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
        "service-account-extend-token-expiration",
        true,
        false,
        "tokens mounted into pods stay valid for up to a year",
    );
}

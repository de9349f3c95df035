use bulkhead_node::Component;

use super::expect;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// API servers started with `--token-auth-file`: static bearer tokens read from a CSV file.
    /// An empty value is the same as not set.
    ///
    /// ## Why it matters
    /// Static tokens never expire, cannot be revoked without restarting the API server, and sit
    /// in plain text on the control-plane disk; whoever reads the file holds those identities
    /// for good.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --token-auth-file=/etc/kubernetes/known_tokens.csv
    /// ```
    ///
    /// Use instead: drop the flag; use certificates, an OIDC issuer or bound service account
    /// tokens.
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --authorization-mode=Node,RBAC
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.2
    /// - Kubernetes documentation, kube-apiserver command-line reference: `--token-auth-file` (default none): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    /// - https://kubernetes.io/docs/reference/access-authn-authz/authentication/#static-token-file
    pub static APISERVER_TOKEN_AUTH_FILE = Check {
        id: "BHC002",
        slug: "apiserver-token-auth-file",
        severity: Severity::High,
        family: Family::ControlPlane,
        remediation: "remove --token-auth-file and authenticate with client certificates, OIDC or service account tokens",
        compliance: Compliance {
            cis: &["1.2.2"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1078", "T1552.001"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    expect::forbidden(
        cx,
        sink,
        Component::ApiServer,
        "token-auth-file",
        "static tokens never expire and cannot be revoked without a restart",
    );
}

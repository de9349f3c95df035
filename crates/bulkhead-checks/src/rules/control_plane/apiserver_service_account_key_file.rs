use bulkhead_node::Component;

use super::expect;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// API servers without `--service-account-key-file`, the keys that verify service account
    /// tokens.
    ///
    /// ## Why it matters
    /// When the flag is not set the API server verifies tokens with the key of
    /// `--tls-private-key-file`, its own serving key, which ties token signing to the TLS
    /// identity and makes rotating either one break the other. A dedicated key pair can be
    /// rotated on its own.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --tls-private-key-file=/etc/kubernetes/pki/apiserver.key
    /// ```
    ///
    /// Use instead: verify tokens with a dedicated key pair.
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --service-account-key-file=/etc/kubernetes/pki/sa.pub
    ///   - --service-account-signing-key-file=/etc/kubernetes/pki/sa.key
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.22
    /// - Kubernetes documentation, kube-apiserver command-line reference: `--service-account-key-file` (default the key of --tls-private-key-file): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    /// - https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/
    pub static APISERVER_SERVICE_ACCOUNT_KEY_FILE = Check {
        id: "BHC021",
        slug: "apiserver-service-account-key-file",
        severity: Severity::High,
        family: Family::ControlPlane,
        remediation: "set --service-account-key-file to the public key of the controller manager's --service-account-private-key-file",
        compliance: Compliance {
            cis: &["1.2.22"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    expect::required(
        cx,
        sink,
        Component::ApiServer,
        "service-account-key-file",
        "the API server falls back to its TLS serving key to verify service account tokens",
    );
}

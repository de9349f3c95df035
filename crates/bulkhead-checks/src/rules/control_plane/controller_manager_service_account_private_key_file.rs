use bulkhead_node::Component;

use super::expect;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Controller managers without `--service-account-private-key-file`, the key that signs the
    /// tokens of service account token secrets.
    ///
    /// ## Why it matters
    /// Without it the token controller does not sign tokens, and the key pair the API server
    /// verifies with cannot be managed (and rotated) on its own.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-controller-manager
    ///   - --root-ca-file=/etc/kubernetes/pki/ca.crt
    /// ```
    ///
    /// Use instead: sign tokens with a dedicated key, whose public half is the API server's
    /// --service-account-key-file.
    /// ```yaml
    /// command:
    ///   - kube-controller-manager
    ///   - --service-account-private-key-file=/etc/kubernetes/pki/sa.key
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.3.4
    /// - Kubernetes documentation, kube-controller-manager command-line reference: `--service-account-private-key-file` (default none): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/
    pub static CONTROLLER_MANAGER_SERVICE_ACCOUNT_PRIVATE_KEY_FILE = Check {
        id: "BHC031",
        slug: "controller-manager-service-account-private-key-file",
        severity: Severity::High,
        family: Family::ControlPlane,
        remediation: "set --service-account-private-key-file to the key that signs service account tokens",
        compliance: Compliance {
            cis: &["1.3.4"],
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
        Component::ControllerManager,
        "service-account-private-key-file",
        "the token controller has no key to sign service account tokens with",
    );
}

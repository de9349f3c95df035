use bulkhead_node::Component;

use super::expect;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// API servers without `--client-ca-file`, the CA that verifies client certificates.
    ///
    /// ## Why it matters
    /// Without it the API server accepts no client certificates at all: kubelets, controllers
    /// and administrators fall back to tokens, and the Node authorizer, which identifies
    /// kubelets by certificate, cannot work.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --authorization-mode=Node,RBAC
    /// ```
    ///
    /// Use instead: verify client certificates against the cluster CA.
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --client-ca-file=/etc/kubernetes/pki/ca.crt
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.25
    /// - Kubernetes documentation, kube-apiserver command-line reference: `--client-ca-file` (default none: client certificate authentication is off): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    /// - https://kubernetes.io/docs/reference/access-authn-authz/authentication/#x509-client-certificates
    pub static APISERVER_CLIENT_CA_FILE = Check {
        id: "BHC024",
        slug: "apiserver-client-ca-file",
        severity: Severity::High,
        family: Family::ControlPlane,
        remediation: "set --client-ca-file to the cluster CA",
        compliance: Compliance {
            cis: &["1.2.25"],
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
        "client-ca-file",
        "the API server does not authenticate client certificates",
    );
}

use bulkhead_node::Component;

use super::expect;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// API servers without `--tls-cert-file` or `--tls-private-key-file`. Each missing flag is
    /// reported.
    ///
    /// ## Why it matters
    /// Without them the API server generates a self-signed certificate that no client can
    /// verify, so clients either fail or are configured to skip verification, and then anyone
    /// in the middle can read their credentials.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --secure-port=6443
    /// ```
    ///
    /// Use instead: serve a certificate the clients can verify.
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --tls-cert-file=/etc/kubernetes/pki/apiserver.crt
    ///   - --tls-private-key-file=/etc/kubernetes/pki/apiserver.key
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.24
    /// - Kubernetes documentation, kube-apiserver command-line reference: `--tls-cert-file` (default none: a self-signed certificate is generated in --cert-dir): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    pub static APISERVER_TLS_CERTIFICATE = Check {
        id: "BHC023",
        slug: "apiserver-tls-certificate",
        severity: Severity::High,
        family: Family::ControlPlane,
        remediation: "set --tls-cert-file and --tls-private-key-file to a certificate signed by the cluster CA",
        compliance: Compliance {
            cis: &["1.2.24"],
            pss: &[],
            nsa: &["Network separation and hardening: encryption"],
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
        "tls-cert-file",
        "the API server serves a self-signed certificate that clients cannot verify",
    );
    expect::required(
        cx,
        sink,
        Component::ApiServer,
        "tls-private-key-file",
        "the API server serves a self-signed certificate that clients cannot verify",
    );
}

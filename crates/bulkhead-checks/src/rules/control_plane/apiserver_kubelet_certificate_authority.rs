use bulkhead_node::Component;

use super::expect;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// API servers without `--kubelet-certificate-authority`, the CA that verifies kubelets'
    /// serving certificates.
    ///
    /// ## Why it matters
    /// Without it the API server does not verify the kubelet it connects to, so anyone on the
    /// path between them can impersonate a kubelet and read the logs, exec sessions and
    /// credentials that flow through.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt
    /// ```
    ///
    /// Use instead: verify kubelets against their CA (kubelets need serving certificates signed
    /// by it, for example with serverTLSBootstrap).
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.5
    /// - Kubernetes documentation, kube-apiserver command-line reference: `--kubelet-certificate-authority` (default none: the kubelet's certificate is not verified): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    /// - https://kubernetes.io/docs/concepts/architecture/control-plane-node-communication/#apiserver-to-kubelet
    pub static APISERVER_KUBELET_CERTIFICATE_AUTHORITY = Check {
        id: "BHC005",
        slug: "apiserver-kubelet-certificate-authority",
        severity: Severity::High,
        family: Family::ControlPlane,
        remediation: "set --kubelet-certificate-authority to the CA that signs the kubelets' serving certificates",
        compliance: Compliance {
            cis: &["1.2.5"],
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
        "kubelet-certificate-authority",
        "the API server does not verify the kubelets' serving certificates, so a man in the middle can impersonate a kubelet",
    );
}

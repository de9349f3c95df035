use bulkhead_node::Component;

use super::expect;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// API servers without `--kubelet-client-certificate` or `--kubelet-client-key`: the client
    /// certificate the API server presents to kubelets. Each missing flag is reported.
    ///
    /// ## Why it matters
    /// The API server calls the kubelet for logs, exec, attach and port-forward. Without a
    /// client certificate it cannot authenticate, so kubelets must either refuse those calls or
    /// accept anonymous ones, and a kubelet that accepts anonymous requests runs commands for
    /// anyone who reaches it.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --authorization-mode=Node,RBAC
    /// ```
    ///
    /// Use instead: give the API server its kubelet client certificate and key.
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt
    ///   - --kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.4
    /// - Kubernetes documentation, kube-apiserver command-line reference: `--kubelet-client-certificate` (default none): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    /// - https://kubernetes.io/docs/concepts/security/controlling-access/#api-server-to-kubelet
    pub static APISERVER_KUBELET_CLIENT_CERTIFICATE = Check {
        id: "BHC004",
        slug: "apiserver-kubelet-client-certificate",
        severity: Severity::High,
        family: Family::ControlPlane,
        remediation: "set --kubelet-client-certificate and --kubelet-client-key to a client certificate the kubelets accept",
        compliance: Compliance {
            cis: &["1.2.4"],
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
        "kubelet-client-certificate",
        "the API server presents no client certificate to kubelets, so they must accept unauthenticated calls for logs and exec to work",
    );
    expect::required(
        cx,
        sink,
        Component::ApiServer,
        "kubelet-client-key",
        "without the key the API server presents no client certificate to kubelets",
    );
}

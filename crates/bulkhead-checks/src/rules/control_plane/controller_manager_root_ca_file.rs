use bulkhead_node::Component;

use super::expect;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Controller managers without `--root-ca-file`, the CA published to pods (the
    /// kube-root-ca.crt ConfigMap and the ca.crt of service account token volumes). Without
    /// the flag, the controller manager publishes the CA data embedded in its own kubeconfig
    /// (`certificate-authority-data`) instead.
    ///
    /// ## Why it matters
    /// Pods verify the API server with the published CA. Left to the default, what they get
    /// is whatever the controller manager's kubeconfig happens to embed, which need not be
    /// the CA that signs the API server's serving certificate (or a full bundle of the CAs
    /// in use): pods that cannot verify the server they send their token to fail, or skip
    /// verification and hand their token to whoever answers.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-controller-manager
    ///   - --service-account-private-key-file=/etc/kubernetes/pki/sa.key
    /// ```
    ///
    /// Use instead: publish the cluster CA to pods.
    /// ```yaml
    /// command:
    ///   - kube-controller-manager
    ///   - --root-ca-file=/etc/kubernetes/pki/ca.crt
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.3.5
    /// - Kubernetes documentation, kube-controller-manager command-line reference: `--root-ca-file` (no default file; the CA data of `--kubeconfig` is published instead): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/
    pub static CONTROLLER_MANAGER_ROOT_CA_FILE = Check {
        id: "BHC032",
        slug: "controller-manager-root-ca-file",
        severity: Severity::High,
        family: Family::ControlPlane,
        remediation: "set --root-ca-file to the cluster CA",
        compliance: Compliance {
            cis: &["1.3.5"],
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
        "root-ca-file",
        "the default is the CA data embedded in the controller manager's own kubeconfig, so \
         pods are given whatever CA that file carries to verify the API server with, not a CA \
         bundle chosen for them",
    );
}

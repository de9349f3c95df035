use bulkhead_node::Component;

use super::flags::report_flag;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Controller managers that turn the RotateKubeletServerCertificate feature gate off in
    /// `--feature-gates` (every occurrence is read; the last setting wins). The gate is on by
    /// default, so an unset gate passes.
    ///
    /// ## Why it matters
    /// The gate lets kubelets request serving certificates from the cluster CA and renew them
    /// before they expire. Without it kubelets fall back to self-signed serving certificates
    /// that the API server cannot verify.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-controller-manager
    ///   - --feature-gates=RotateKubeletServerCertificate=false
    /// ```
    ///
    /// Use instead: leave the gate on (true is the default).
    /// ```yaml
    /// command:
    ///   - kube-controller-manager
    ///   - --feature-gates=RotateKubeletServerCertificate=true
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.3.6
    /// - Kubernetes documentation, feature gates: `RotateKubeletServerCertificate` (beta, default true): https://kubernetes.io/docs/reference/command-line-tools-reference/feature-gates/
    /// - https://kubernetes.io/docs/reference/access-authn-authz/kubelet-tls-bootstrapping/#certificate-rotation
    pub static CONTROLLER_MANAGER_ROTATE_KUBELET_SERVER_CERTIFICATE = Check {
        id: "BHC033",
        slug: "controller-manager-rotate-kubelet-server-certificate",
        severity: Severity::Medium,
        family: Family::ControlPlane,
        remediation: "remove RotateKubeletServerCertificate=false from --feature-gates",
        compliance: Compliance {
            cis: &["1.3.6"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    for line in cx.command_lines(Component::ControllerManager) {
        if let Some((false, arg)) = line.feature_gate("RotateKubeletServerCertificate") {
            report_flag(
                sink,
                line,
                arg,
                "turns RotateKubeletServerCertificate off, so kubelet serving certificates are \
                 neither issued by the cluster CA nor renewed",
            );
        }
    }
}

use bulkhead_node::kubelet::fields::ROTATE_CERTIFICATES;

use crate::rules::kubelet::judge::{bool_problem, judge_setting};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Kubelets that do not rotate their client certificate: `rotateCertificates` (or
    /// `--rotate-certificates`) is false. The kubelet's default is `false` in both modes (the
    /// field is not defaulted), so an unset value is reported too, although CIS's audit
    /// passes it; kubeadm writes `rotateCertificates: true` into the config it generates.
    ///
    /// ## Why it matters
    /// The kubelet's client certificate authenticates it to the API server as
    /// `system:node:<name>`. Without rotation it must be renewed by hand before it expires
    /// (the node then drops out of the cluster), and a stolen certificate stays valid for its
    /// whole lifetime.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// rotateCertificates: false
    /// ```
    ///
    /// Use instead: rotate the client certificate through the certificates API.
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// rotateCertificates: true
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 4.2.10
    /// - https://kubernetes.io/docs/tasks/tls/certificate-rotation/
    pub static CLIENT_CERTIFICATE_NOT_ROTATED = Check {
        id: "BHL010",
        slug: "kubelet-rotate-certificates",
        severity: Severity::Medium,
        family: Family::Kubelet,
        remediation: "set rotateCertificates: true in the kubelet config file (or --rotate-certificates)",
        compliance: Compliance {
            cis: &["4.2.10"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    judge_setting(cx, sink, &ROTATE_CERTIFICATES, |value| {
        bool_problem(
            value,
            true,
            "the kubelet does not rotate its client certificate",
        )
    });
}

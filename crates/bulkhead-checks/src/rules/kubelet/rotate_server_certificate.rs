use bulkhead_node::kubelet::fields::SERVER_TLS_BOOTSTRAP;
use bulkhead_node::kubelet::Kubelet;

use crate::rules::kubelet::judge::{for_each_kubelet, report_setting, unscanned_config, Place};
use crate::rules::kubelet::serving_certificate::{
    ServingCertificate, ROTATE_SERVER_CERTIFICATE_GATE,
};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Kubelets that do not rotate their serving certificate. Rotation needs both
    /// `serverTLSBootstrap: true` (or `--rotate-server-certificates`) and the
    /// `RotateKubeletServerCertificate` feature gate, which is on by default. Reported: the
    /// gate turned off (in `--feature-gates` or `featureGates`), and `serverTLSBootstrap`
    /// off — the gate alone rotates nothing, so CIS's audit, which only looks at the gate,
    /// passes kubelets that never rotate. A kubelet given its certificate and key as files
    /// without bootstrap gets them from an outside tool, which must rotate them; it is not
    /// reported.
    ///
    /// ## Why it matters
    /// A serving certificate that is never rotated stays valid, and usable by whoever copies
    /// its key, for its whole lifetime; a self-signed one cannot be verified at all.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// serverTLSBootstrap: true
    /// featureGates:
    ///   RotateKubeletServerCertificate: false
    /// ```
    ///
    /// Use instead: keep the gate on and bootstrap the serving certificate.
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// serverTLSBootstrap: true
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 4.2.11
    /// - https://kubernetes.io/docs/reference/access-authn-authz/kubelet-tls-bootstrapping/#certificate-rotation
    pub static SERVING_CERTIFICATE_NOT_ROTATED = Check {
        id: "BHL011",
        slug: "kubelet-rotate-server-certificate",
        severity: Severity::Medium,
        family: Family::Kubelet,
        remediation: "set serverTLSBootstrap: true and leave the RotateKubeletServerCertificate feature gate on",
        compliance: Compliance {
            cis: &["4.2.11"],
            pss: &[],
            nsa: &["Network separation and hardening: encryption"],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    for_each_kubelet(cx, sink, judge);
}

fn judge(sink: &mut Sink<'_>, kubelet: &Kubelet<'_>, place: &Place<'_>) {
    let serving = ServingCertificate::of(kubelet);
    if let Some(gate) = serving.gate.as_ref().filter(|_| serving.gate_disabled()) {
        if serving.from_files() && !serving.bootstrap_requested() {
            return;
        }
        let problem = if serving.bootstrap_requested() {
            "the RotateKubeletServerCertificate feature gate is off although serverTLSBootstrap is on: the kubelet rejects this configuration"
        } else {
            "the RotateKubeletServerCertificate feature gate is off: the kubelet never rotates its serving certificate"
        };
        report_setting(
            sink,
            kubelet,
            place,
            &ROTATE_SERVER_CERTIFICATE_GATE,
            gate,
            problem,
        );
        return;
    }
    if serving.bootstrap_requested() {
        return;
    }
    if let Some(default) = serving.first_default() {
        if unscanned_config(kubelet, default) {
            return;
        }
    }
    if serving.from_files() {
        return;
    }
    report_setting(
        sink,
        kubelet,
        place,
        &SERVER_TLS_BOOTSTRAP,
        &serving.bootstrap,
        "the kubelet does not rotate its serving certificate: serverTLSBootstrap is off",
    );
}

use bulkhead_node::kubelet::fields::{SERVER_TLS_BOOTSTRAP, TLS_CERT_FILE, TLS_PRIVATE_KEY_FILE};
use bulkhead_node::kubelet::Kubelet;

use crate::rules::kubelet::judge::{for_each_kubelet, report_setting, unscanned_config, Place};
use crate::rules::kubelet::serving_certificate::{
    is_set, ServingCertificate, ROTATE_SERVER_CERTIFICATE_GATE,
};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Kubelets that serve their API with a self-signed certificate: neither a certificate
    /// and key pair (`tlsCertFile` and `tlsPrivateKeyFile`, or `--tls-cert-file` and
    /// `--tls-private-key-file`) nor a certificate requested from the cluster
    /// (`serverTLSBootstrap: true` or `--rotate-server-certificates`, with the
    /// `RotateKubeletServerCertificate` feature gate not turned off). Only one file of the
    /// pair is reported too, and so is bootstrap with the gate turned off, which the
    /// kubelet's validation rejects. CIS's audit only looks for the two files; a kubelet
    /// that bootstraps its certificate from the cluster is not reported here.
    ///
    /// ## Why it matters
    /// Without either, the kubelet generates a self-signed certificate at start. Clients,
    /// the API server included, then cannot verify that they talk to the real kubelet, and
    /// exec, logs and port-forward traffic can be intercepted by whoever answers on the
    /// node's address.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// authentication:
    ///   x509:
    ///     clientCAFile: /etc/kubernetes/pki/ca.crt
    /// ```
    ///
    /// Use instead: request the serving certificate from the cluster (and approve the CSRs), or give a certificate and key.
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// serverTLSBootstrap: true
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 4.2.9
    /// - https://kubernetes.io/docs/reference/access-authn-authz/kubelet-tls-bootstrapping/
    /// - https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/
    pub static SELF_SIGNED_SERVING_CERTIFICATE = Check {
        id: "BHL009",
        slug: "kubelet-tls-serving-certificate",
        severity: Severity::Medium,
        family: Family::Kubelet,
        remediation: "set serverTLSBootstrap: true (and approve the kubelet serving CSRs), or tlsCertFile and tlsPrivateKeyFile, in the kubelet config file",
        compliance: Compliance {
            cis: &["4.2.9"],
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
    if serving.bootstrapped() || serving.from_files() {
        return;
    }
    if let Some(default) = serving.first_default() {
        if unscanned_config(kubelet, default) {
            return;
        }
    }
    if serving.bootstrap_requested() {
        if let Some(gate) = &serving.gate {
            report_setting(
                sink,
                kubelet,
                place,
                &ROTATE_SERVER_CERTIFICATE_GATE,
                gate,
                "serverTLSBootstrap is on but the RotateKubeletServerCertificate feature gate it needs is off: the kubelet rejects this configuration",
            );
            return;
        }
    }
    match (is_set(&serving.cert), is_set(&serving.key)) {
        (true, false) => report_setting(
            sink,
            kubelet,
            place,
            &TLS_PRIVATE_KEY_FILE,
            &serving.key,
            "tlsCertFile is set but tlsPrivateKeyFile is not",
        ),
        (false, true) => report_setting(
            sink,
            kubelet,
            place,
            &TLS_CERT_FILE,
            &serving.cert,
            "tlsPrivateKeyFile is set but tlsCertFile is not",
        ),
        _ => report_setting(
            sink,
            kubelet,
            place,
            &SERVER_TLS_BOOTSTRAP,
            &serving.bootstrap,
            "the kubelet serves a self-signed certificate: neither tlsCertFile and tlsPrivateKeyFile nor serverTLSBootstrap is set",
        ),
    }
}

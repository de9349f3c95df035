use bulkhead_node::kubelet::fields::{TLS_CIPHER_SUITES, TLS_MIN_VERSION};
use bulkhead_node::kubelet::Kubelet;

use crate::rules::kubelet::judge::{for_each_kubelet, report_setting, unscanned_config, Place};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

/// Suites with forward secrecy and an AEAD cipher: the CIS list (both spellings Go accepts
/// for ChaCha20) and the TLS 1.3 suites, which the kubelet also accepts in the list.
const STRONG: &[&str] = &[
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
];

declare_check! {
    /// ## What it checks
    /// Kubelets that may negotiate weak TLS cipher suites: `tlsCipherSuites` (or
    /// `--tls-cipher-suites`) lists a suite outside the strong set (ECDHE key exchange with
    /// AES-GCM or ChaCha20-Poly1305), or is not set, in which case Go's default list applies,
    /// and it includes CBC-mode suites with SHA-1. A kubelet whose `tlsMinVersion` is
    /// `VersionTLS13` is not reported: TLS 1.3 only has strong suites and ignores the list.
    ///
    /// ## Why it matters
    /// CBC-mode and static-RSA suites lack forward secrecy or have a history of padding-oracle
    /// attacks; a client or a man in the middle that can force them weakens every connection
    /// to the kubelet API, which carries exec sessions and logs.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// tlsCipherSuites:
    ///   - TLS_RSA_WITH_AES_128_CBC_SHA
    /// ```
    ///
    /// Use instead: list only strong suites.
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// tlsCipherSuites:
    ///   - TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
    ///   - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    ///   - TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
    ///   - TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
    ///   - TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305
    ///   - TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 4.2.12
    /// - https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/
    /// - https://pkg.go.dev/crypto/tls#CipherSuites
    pub static WEAK_CIPHER_SUITES = Check {
        id: "BHL012",
        slug: "kubelet-tls-cipher-suites",
        severity: Severity::Medium,
        family: Family::Kubelet,
        remediation: "set tlsCipherSuites in the kubelet config file to strong ECDHE suites with AES-GCM or ChaCha20-Poly1305 only",
        compliance: Compliance {
            cis: &["4.2.12"],
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
    let min_version = kubelet.setting(&TLS_MIN_VERSION);
    if min_version.value.as_text() == Some("VersionTLS13") {
        return;
    }
    let suites = kubelet.setting(&TLS_CIPHER_SUITES);
    if unscanned_config(kubelet, &suites) {
        return;
    }
    let items = suites.value.items();
    if items.is_empty() {
        report_setting(
            sink,
            kubelet,
            place,
            &TLS_CIPHER_SUITES,
            &suites,
            "no cipher suites are set, so Go's defaults apply, and they include CBC-mode suites with SHA-1",
        );
        return;
    }
    let weak: Vec<&str> = items
        .iter()
        .map(String::as_str)
        .filter(|s| !STRONG.contains(s))
        .collect();
    if !weak.is_empty() {
        report_setting(
            sink,
            kubelet,
            place,
            &TLS_CIPHER_SUITES,
            &suites,
            &format!("weak cipher suites are allowed: {}", weak.join(", ")),
        );
    }
}

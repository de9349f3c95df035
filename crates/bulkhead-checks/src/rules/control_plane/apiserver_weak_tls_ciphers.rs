use bulkhead_node::{Arg, Component};

use super::expect::{setting, Setting};
use super::flags::{report_flag, report_unset};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// API servers that may negotiate weak TLS: `--tls-min-version` below VersionTLS12, or
    /// `--tls-cipher-suites` listing a suite other than the ECDHE AES-GCM and ChaCha20 ones, or
    /// not set (Go's default list still includes CBC-mode suites). With
    /// `--tls-min-version=VersionTLS13` the cipher list does not matter (TLS 1.3 suites are not
    /// configurable). The default minimum version is TLS 1.2. CIS marks this recommendation
    /// manual.
    ///
    /// ## Why it matters
    /// CBC-mode suites have a history of padding-oracle attacks, and suites without ECDHE have
    /// no forward secrecy: recorded traffic can be decrypted once the key leaks. Old protocol
    /// versions are weaker still.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --tls-min-version=VersionTLS10
    ///   - --tls-cipher-suites=TLS_RSA_WITH_AES_128_CBC_SHA,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    /// ```
    ///
    /// Use instead: list only forward-secret AEAD suites.
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --tls-min-version=VersionTLS12
    ///   - --tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.29
    /// - Kubernetes documentation, kube-apiserver command-line reference: `--tls-cipher-suites` (default Go's default suites): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    /// - Kubernetes documentation, kube-apiserver command-line reference: `--tls-min-version` (default VersionTLS12): https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    pub static APISERVER_WEAK_TLS_CIPHERS = Check {
        id: "BHC026",
        slug: "apiserver-weak-tls-ciphers",
        severity: Severity::Low,
        family: Family::ControlPlane,
        remediation: "set --tls-cipher-suites to ECDHE suites with AES-GCM or ChaCha20 and keep --tls-min-version at VersionTLS12 or above",
        compliance: Compliance {
            cis: &["1.2.29"],
            pss: &[],
            nsa: &["Network separation and hardening: encryption"],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

/// The suites CIS calls strong: ECDHE key exchange with an AEAD cipher, and the TLS 1.3
/// suites (accepted by the flag, though Go does not let them be configured).
const STRONG: &[&str] = &[
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
];

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    for line in cx.command_lines(Component::ApiServer) {
        match setting(line, "tls-min-version") {
            Setting::Written(arg) if arg.text() == "VersionTLS13" => continue,
            Setting::Written(arg) if matches!(arg.text(), "VersionTLS10" | "VersionTLS11") => {
                report_flag(
                    sink,
                    line,
                    &arg,
                    "allows TLS versions older than 1.2, with their weaker suites",
                );
            }
            _ => {}
        }
        let suites = line.list("tls-cipher-suites");
        if suites.is_empty() {
            report_unset(
                sink,
                line,
                "tls-cipher-suites",
                "the default is Go's list, which includes CBC-mode suites \
                 (TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA and others)",
            );
            continue;
        }
        // One finding per occurrence of the flag, naming its weak suites.
        let mut weak: Vec<(&Arg, Vec<&str>)> = Vec::new();
        for (suite, arg) in &suites {
            if STRONG.contains(&suite.as_str()) {
                continue;
            }
            match weak.iter_mut().find(|(a, _)| std::ptr::eq(*a, *arg)) {
                Some((_, names)) => names.push(suite),
                None => weak.push((arg, vec![suite])),
            }
        }
        for (arg, names) in weak {
            report_flag(
                sink,
                line,
                arg,
                &format!(
                    "lists suites without forward secrecy or AEAD encryption: {}",
                    names.join(", ")
                ),
            );
        }
    }
}

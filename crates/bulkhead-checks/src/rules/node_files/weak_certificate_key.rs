use bulkhead_model::Object;

use crate::rules::node_files::certificate::Certificate;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Certificates whose public key is too short: RSA (or DSA) keys under 2048 bits, elliptic
    /// curve keys under 256 bits. Keys of other algorithms (Ed25519) and keys whose size the
    /// collector could not read are not judged.
    ///
    /// ## Why it matters
    /// The key of a cluster certificate protects every connection made with it for as long as
    /// the certificate lives, and a CA key protects everything it ever signs. RSA keys of 1024
    /// bits have been considered breakable by well-funded attackers for over a decade and are
    /// disallowed by NIST since 2013; whoever factors the key of the API server or of the
    /// cluster CA can impersonate it or mint client certificates for any user.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: node.bulkhead.dev/v1
    /// kind: Certificate
    /// spec:
    ///   path: /etc/kubernetes/pki/apiserver.crt
    ///   publicKeyAlgorithm: RSA
    ///   publicKeyBits: 1024
    /// ```
    ///
    /// Use instead: reissue the certificate with an RSA key of at least 2048 bits or an ECDSA
    /// P-256 key (kubeadm: `encryptionAlgorithm` in the ClusterConfiguration).
    /// ```yaml
    /// spec:
    ///   publicKeyAlgorithm: EC
    ///   publicKeyBits: 256
    /// ```
    ///
    /// ## References
    /// - NSA-CISA Kubernetes Hardening Guidance v1.2, "Encryption"
    /// - NIST SP 800-131A Rev. 2, "Transitioning the Use of Cryptographic Algorithms and Key
    ///   Lengths"
    /// - Kubernetes documentation, "PKI certificates and requirements"
    ///   (https://kubernetes.io/docs/setup/best-practices/certificates/)
    pub static WEAK_CERTIFICATE_KEY = Check {
        id: "BHP041",
        slug: "weak-certificate-key",
        severity: Severity::High,
        family: Family::NodeFiles,
        remediation: "reissue the certificate with an RSA key of at least 2048 bits or an ECDSA P-256 key",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Network separation and hardening: encryption"],
            mitre: &[],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["Certificate"]),
    };
}

fn check(_cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(cert) = Certificate::of(object) else {
        return;
    };
    let Some(bits) = cert.public_key_bits else {
        return;
    };
    let algorithm = cert.public_key_algorithm;
    let minimum = match algorithm.to_ascii_uppercase().as_str() {
        "RSA" | "DSA" => 2048,
        "EC" | "ECDSA" => 256,
        _ => return,
    };
    if bits < minimum {
        sink.report(
            object,
            "/spec/publicKeyBits",
            format!(
                "{} has a {bits}-bit {algorithm} key; {algorithm} keys need at least {minimum} bits",
                cert.describe()
            ),
        );
    }
}

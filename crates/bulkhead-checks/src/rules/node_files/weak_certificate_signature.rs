use bulkhead_model::Object;

use crate::rules::node_files::certificate::Certificate;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Certificates signed with SHA-1 or MD5 (`sha1WithRSAEncryption`, `ecdsa-with-SHA1`,
    /// `md5WithRSAEncryption`, ...). Self-signed certificates (a root CA) are skipped: their
    /// own signature is never what makes them trusted, they are trusted because they were
    /// installed as a trust anchor, so its hash does not matter.
    ///
    /// ## Why it matters
    /// A signature is only as strong as its hash. MD5 collisions were used to forge a CA
    /// certificate in 2008, and chosen-prefix SHA-1 collisions have been practical since
    /// 2020: an attacker who gets one certificate signed can make a colliding one with other
    /// names or CA rights that carries the same valid signature. Go, which every Kubernetes
    /// component is built with, no longer accepts SHA-1 signatures at all, so such a
    /// certificate is also a failure waiting for the next upgrade.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: node.bulkhead.dev/v1
    /// kind: Certificate
    /// spec:
    ///   path: /etc/kubernetes/pki/apiserver.crt
    ///   subject: CN=kube-apiserver
    ///   issuer: CN=kubernetes
    ///   signatureAlgorithm: sha1WithRSAEncryption
    /// ```
    ///
    /// Use instead: reissue the certificate with a SHA-256 (or stronger) signature.
    /// ```yaml
    /// spec:
    ///   signatureAlgorithm: sha256WithRSAEncryption
    /// ```
    ///
    /// ## References
    /// - NSA-CISA Kubernetes Hardening Guidance v1.2, "Encryption"
    /// - NIST SP 800-131A Rev. 2 (SHA-1 disallowed for digital signature generation)
    /// - Go crypto/x509: SHA-1 signatures rejected since Go 1.18
    ///   (https://go.dev/doc/go1.18#sha1)
    pub static WEAK_CERTIFICATE_SIGNATURE = Check {
        id: "BHP042",
        slug: "weak-certificate-signature",
        severity: Severity::High,
        family: Family::NodeFiles,
        remediation: "reissue the certificate with a SHA-256 or stronger signature",
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

/// Hashes whose collisions are practical, as they appear in OpenSSL and Go algorithm names.
const BROKEN_HASHES: &[(&str, &str)] = &[("sha1", "SHA-1"), ("md5", "MD5"), ("md2", "MD2")];

fn check(_cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(cert) = Certificate::of(object) else {
        return;
    };
    if cert.is_self_signed() {
        return;
    }
    let name = cert
        .signature_algorithm
        .to_ascii_lowercase()
        .replace('-', "");
    let Some((_, hash)) = BROKEN_HASHES.iter().find(|(h, _)| name.contains(h)) else {
        return;
    };
    sink.report(
        object,
        "/spec/signatureAlgorithm",
        format!(
            "{} is signed by {} with {} ({hash}, whose collisions are practical)",
            cert.describe(),
            cert.issuer,
            cert.signature_algorithm
        ),
    );
}

use bulkhead_model::{Node, Object};

use crate::rules::control_plane::encryption_config::{
    decode_key, entries, is_documentation_key, is_encryption_configuration,
};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Encryption keys that are missing, malformed, of the wrong size, or published in the
    /// Kubernetes documentation.
    ///
    /// Every `aescbc`, `aesgcm` and `secretbox` provider of an EncryptionConfiguration needs
    /// at least one key, and every key a `secret`: standard base64 (with padding) of 16, 24
    /// or 32 random bytes for AES, exactly 32 for secretbox. A key that decodes to one of the
    /// example keys printed in the Kubernetes documentation is reported as high; the other
    /// defects (which make the API server refuse the configuration) as medium. Messages never
    /// include key material.
    ///
    /// ## Why it matters
    /// A key copied from the documentation is known to everyone: data encrypted with it is
    /// as readable as plain text to whoever reads etcd or its backups. A malformed key keeps
    /// the API server from starting (or from reloading the configuration), which tends to be
    /// "fixed" in a hurry by removing encryption.
    ///
    /// ## Example
    /// ```yaml
    /// providers:
    ///   - aescbc:
    ///       keys:
    ///         - name: key1
    ///           secret: c2VjcmV0IGlzIHNlY3VyZQ==   # the documentation's example key
    /// ```
    ///
    /// Use instead: a key of 32 random bytes, generated for this cluster.
    /// ```yaml
    /// providers:
    ///   - aesgcm:
    ///       keys:
    ///         - name: key1
    ///           secret: <output of: head -c 32 /dev/urandom | base64>
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.28
    /// - Kubernetes documentation, "Encrypting Confidential Data at Rest"
    /// - NSA-CISA Kubernetes Hardening Guidance, "Network separation and hardening: encryption"
    /// - MITRE ATT&CK T1552 (Unsecured Credentials)
    pub static INVALID_ENCRYPTION_KEY = Check {
        id: "BHC063",
        slug: "invalid-encryption-key",
        severity: Severity::High,
        family: Family::ControlPlane,
        remediation: "generate a random key for each provider (head -c 32 /dev/urandom | base64) and never reuse an example key",
        compliance: Compliance {
            cis: &["1.2.28"],
            pss: &[],
            nsa: &["Network separation and hardening: encryption"],
            mitre: &["T1552"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["EncryptionConfiguration"]),
    };
}

/// The key sizes (in bytes) each key-based provider accepts.
fn key_sizes(provider: &str) -> Option<&'static [usize]> {
    match provider {
        "aescbc" | "aesgcm" => Some(&[16, 24, 32]),
        "secretbox" => Some(&[32]),
        _ => None,
    }
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    if !is_encryption_configuration(object) {
        return;
    }
    for entry in entries(object) {
        for provider in &entry.providers {
            let Some(sizes) = key_sizes(provider.kind) else {
                continue;
            };
            let keys = provider.node.get("keys").map(Node::as_seq).unwrap_or(&[]);
            if keys.is_empty() {
                sink.report_with(
                    object,
                    &format!("{}/keys", provider.pointer),
                    Severity::Medium,
                    format!(
                        "`{}` has no keys: the API server rejects the configuration",
                        provider.kind
                    ),
                );
            }
            for (k, key) in keys.iter().enumerate() {
                let name = key.get("name").and_then(Node::as_str).unwrap_or("");
                let label = if name.is_empty() {
                    format!("`{}` key {k} (no name)", provider.kind)
                } else {
                    format!("`{}` key `{name}`", provider.kind)
                };
                let pointer = format!("{}/keys/{k}/secret", provider.pointer);
                let secret = key.get("secret").and_then(Node::as_str).unwrap_or("");
                let problem = if secret.is_empty() {
                    Some("has no secret".to_string())
                } else {
                    match decode_key(secret) {
                        None => Some(
                            "is not valid base64 (the standard alphabet, with padding)".to_string(),
                        ),
                        Some(bytes) if !sizes.contains(&bytes.len()) => Some(format!(
                            "decodes to {} bytes; `{}` takes {}",
                            bytes.len(),
                            provider.kind,
                            describe_sizes(sizes)
                        )),
                        Some(bytes) if is_documentation_key(&bytes) => {
                            sink.report(
                                object,
                                &pointer,
                                format!(
                                    "{label} is an example key printed in the Kubernetes documentation: anyone can decrypt what it encrypts"
                                ),
                            );
                            None
                        }
                        Some(_) => None,
                    }
                };
                if let Some(problem) = problem {
                    sink.report_with(
                        object,
                        &pointer,
                        Severity::Medium,
                        format!("{label} {problem}: the API server rejects the configuration"),
                    );
                }
            }
        }
    }
}

/// `16, 24 or 32 bytes`, `32 bytes`.
fn describe_sizes(sizes: &[usize]) -> String {
    let texts: Vec<String> = sizes.iter().map(usize::to_string).collect();
    match texts.split_last() {
        Some((last, [])) => format!("{last} bytes"),
        Some((last, rest)) => format!("{} or {last} bytes", rest.join(", ")),
        None => String::new(),
    }
}

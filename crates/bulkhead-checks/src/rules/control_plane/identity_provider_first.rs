use bulkhead_model::Object;

use crate::rules::control_plane::encryption_config::{entries, is_encryption_configuration};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// An EncryptionConfiguration entry whose first provider is `identity`.
    ///
    /// The first provider of an entry encrypts every new write; the others only decrypt data
    /// written before. `identity` first means the entry's resources are stored in plain text,
    /// whatever providers follow. High when the entry is the one that decides Secrets, medium
    /// otherwise. An entry that lists only `events` is not reported: leaving Events
    /// unencrypted is the documented way to spare the cost of encrypting them.
    ///
    /// ## Why it matters
    /// `identity` is meant to come last, to read data written before encryption was turned
    /// on. Placed first (often copied from a documentation example, or left over from a
    /// decryption step) it silently turns encryption off: the configuration lists keys, so it
    /// looks encrypted, while Secrets reach etcd and its backups in plain text.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   - resources: [secrets]
    ///     providers:
    ///       - identity: {}
    ///       - aesgcm: {keys: [{name: key1, secret: <32 random bytes, base64>}]}
    /// ```
    ///
    /// Use instead: put an encrypting provider first and keep `identity` last, for reading.
    /// ```yaml
    /// resources:
    ///   - resources: [secrets]
    ///     providers:
    ///       - aesgcm: {keys: [{name: key1, secret: <32 random bytes, base64>}]}
    ///       - identity: {}
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.28
    /// - Kubernetes documentation, "Encrypting Confidential Data at Rest"
    /// - NSA-CISA Kubernetes Hardening Guidance, "Network separation and hardening: encryption"
    /// - MITRE ATT&CK T1552 (Unsecured Credentials)
    pub static IDENTITY_PROVIDER_FIRST = Check {
        id: "BHC062",
        slug: "identity-provider-first",
        severity: Severity::High,
        family: Family::ControlPlane,
        remediation: "move identity to the end of the providers and put aesgcm, secretbox or kms v2 first",
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

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    if !is_encryption_configuration(object) {
        return;
    }
    let entries = entries(object);
    let secrets_entry = entries
        .iter()
        .find(|e| e.covers("", "secrets"))
        .map(|e| e.index);
    for entry in &entries {
        let Some(first) = entry.providers.first() else {
            continue;
        };
        if first.kind != "identity" || entry.resources.iter().all(|r| *r == "events") {
            continue;
        }
        let (severity, stakes) = if secrets_entry == Some(entry.index) {
            (Severity::High, "Secrets are written to etcd in plain text")
        } else {
            (Severity::Medium, "they are written to etcd in plain text")
        };
        let others = if entry.providers.len() > 1 {
            "; the providers after it only decrypt older data"
        } else {
            ""
        };
        sink.report_with(
            object,
            &first.pointer,
            severity,
            format!(
                "the first provider for {} is `identity`, which stores new writes unencrypted{others}: {stakes}",
                entry.describe_resources()
            ),
        );
    }
}

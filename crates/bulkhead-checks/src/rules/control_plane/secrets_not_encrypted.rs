use bulkhead_model::Object;

use crate::rules::control_plane::encryption_config::{
    deciding_entry, entries, is_encryption_configuration, KNOWN_PROVIDERS,
};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// An EncryptionConfiguration that does not cover Secrets.
    ///
    /// Secrets are covered by an entry of `resources` that lists `secrets` (or `secrets.`),
    /// `*.` (every core resource) or `*.*` (every resource); the first such entry decides.
    /// Also reported: an entry for Secrets with no providers or whose first provider is not
    /// one the API server knows (a misspelt `aes-gcm`, an empty element), and a
    /// configuration with no entries at all (the API server refuses all of these). Whether
    /// the deciding entry's first provider encrypts is BHC062.
    ///
    /// ## Why it matters
    /// Resources no entry covers are stored in etcd as they are. A configuration that
    /// encrypts ConfigMaps or custom resources but forgets Secrets gives the impression of
    /// encryption at rest while every credential of the cluster stays readable in the etcd
    /// data directory, snapshots and backups.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiserver.config.k8s.io/v1
    /// kind: EncryptionConfiguration
    /// resources:
    ///   - resources: [configmaps]
    ///     providers:
    ///       - secretbox: {keys: [{name: key1, secret: <32 random bytes, base64>}]}
    /// ```
    ///
    /// Use instead: list `secrets` in an entry whose first provider encrypts.
    /// ```yaml
    /// resources:
    ///   - resources: [secrets, configmaps]
    ///     providers:
    ///       - secretbox: {keys: [{name: key1, secret: <32 random bytes, base64>}]}
    ///       - identity: {}
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.28
    /// - Kubernetes documentation, "Encrypting Confidential Data at Rest"
    /// - Kubernetes API reference, "kube-apiserver Encryption Configuration (v1)"
    /// - NSA-CISA Kubernetes Hardening Guidance, "Network separation and hardening: encryption"
    /// - MITRE ATT&CK T1552 (Unsecured Credentials)
    pub static SECRETS_NOT_ENCRYPTED = Check {
        id: "BHC061",
        slug: "secrets-not-encrypted",
        severity: Severity::High,
        family: Family::ControlPlane,
        remediation: "list secrets in an entry of the EncryptionConfiguration whose first provider is aesgcm, secretbox or kms v2",
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
    if entries.is_empty() {
        sink.report(
            object,
            "/resources",
            "`resources` lists no entry: nothing is encrypted (and the API server rejects the configuration)",
        );
        return;
    }
    match deciding_entry(&entries, "", "secrets") {
        None => sink.report(
            object,
            "/resources",
            "no entry lists `secrets`, `*.` or `*.*`: Secrets are written to etcd in plain text",
        ),
        Some(entry) if entry.providers.is_empty() => sink.report(
            object,
            &format!("{}/providers", entry.pointer()),
            format!(
                "the entry for Secrets ({}) has no providers: Secrets are not encrypted (and the API server rejects the configuration)",
                entry.describe_resources()
            ),
        ),
        Some(entry) => {
            let first = &entry.providers[0];
            if !KNOWN_PROVIDERS.contains(&first.kind) {
                let what = if first.kind.is_empty() {
                    "an empty element".to_string()
                } else {
                    format!("`{}`", first.kind)
                };
                sink.report(
                    object,
                    &first.pointer,
                    format!(
                        "the first provider for Secrets ({}) is {what}, which is not a provider (aescbc, aesgcm, secretbox, kms, identity): the API server rejects the configuration, and nothing encrypts Secrets",
                        entry.describe_resources()
                    ),
                );
            }
        }
    }
}

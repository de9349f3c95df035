use bulkhead_model::Object;

use crate::rules::control_plane::encryption_config::{entries, is_encryption_configuration};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// An EncryptionConfiguration entry that encrypts new writes with `aescbc`.
    ///
    /// Only the first provider of an entry encrypts; `aescbc` later in the list (to read data
    /// written before a migration) is not reported.
    ///
    /// ## Why it matters
    /// AES-CBC is encryption without authentication. The Kubernetes documentation no longer
    /// recommends the `aescbc` provider because of its exposure to padding-oracle attacks,
    /// and lists it as weaker than `secretbox`, `aesgcm` with key rotation, and KMS v2. It
    /// still encrypts, so this is low severity: a migration to plan, not an open door.
    ///
    /// ## Example
    /// ```yaml
    /// providers:
    ///   - aescbc: {keys: [{name: key1, secret: <32 random bytes, base64>}]}
    ///   - identity: {}
    /// ```
    ///
    /// Use instead: a KMS v2 provider, or secretbox, first; keep aescbc after it until every
    /// object has been rewritten.
    /// ```yaml
    /// providers:
    ///   - secretbox: {keys: [{name: key2, secret: <32 random bytes, base64>}]}
    ///   - aescbc: {keys: [{name: key1, secret: <32 random bytes, base64>}]}
    ///   - identity: {}
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.28
    /// - Kubernetes documentation, "Encrypting Confidential Data at Rest" (providers table)
    /// - NSA-CISA Kubernetes Hardening Guidance, "Network separation and hardening: encryption"
    pub static AESCBC_PROVIDER_FIRST = Check {
        id: "BHC064",
        slug: "aescbc-provider-first",
        severity: Severity::Low,
        family: Family::ControlPlane,
        remediation: "put a kms (apiVersion v2), secretbox or aesgcm provider first and rewrite the stored objects (kubectl get secrets -A -o json | kubectl replace -f -)",
        compliance: Compliance {
            cis: &["1.2.28"],
            pss: &[],
            nsa: &["Network separation and hardening: encryption"],
            mitre: &[],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["EncryptionConfiguration"]),
    };
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    if !is_encryption_configuration(object) {
        return;
    }
    for entry in entries(object) {
        let Some(first) = entry.providers.first() else {
            continue;
        };
        if first.kind == "aescbc" {
            sink.report(
                object,
                &first.pointer,
                format!(
                    "new writes of {} are encrypted with `aescbc` (AES-CBC, no longer recommended upstream because of padding-oracle attacks); prefer kms v2, secretbox or aesgcm",
                    entry.describe_resources()
                ),
            );
        }
    }
}

use bulkhead_model::{pointer, Node, Object};

use crate::rules::secrets::patterns::{decode_base64, is_template_value};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Secret objects written with their values in the manifest: a non-empty `stringData`
    /// or `data`. The finding points at the first key that holds a value and counts the
    /// rest; values are never printed.
    ///
    /// Not reported: values that are clearly not the secret (empty, `${VAR}`, `$(VAR)`,
    /// `{{ template }}`, `<placeholder>`, SOPS `ENC[...]` values, and the words people write
    /// instead of a value: `changeme`, `REPLACE_ME`, `xxxx`, `****`, `TODO`, `redacted`,
    /// `password`, `secret`), checked after base64-decoding `data`; Secrets encrypted as a
    /// whole by SOPS (a top-level `sops` key); and Secrets with no values at all, such as a
    /// `kubernetes.io/service-account-token` Secret that asks the control plane to fill in
    /// the token. A placeholder that is deployed as is would be a weak password rather than
    /// a committed one, which is a different problem.
    ///
    /// ## Why it matters
    /// A manifest with secret values ends up in Git history, CI logs, Helm release records
    /// and every clone of the repository; base64 in `data` is an encoding, not encryption.
    /// Rotating a credential that was committed means rewriting history or accepting that
    /// every past reader kept a copy. The finding is medium rather than high because the
    /// value is at least in a Secret, where RBAC and encryption at rest can protect it in
    /// the cluster.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Secret
    /// metadata:
    ///   name: db
    /// stringData:
    ///   password: hunter2
    /// ```
    ///
    /// Use instead: keep the value out of the repository and let a controller create the
    /// Secret, for example with External Secrets Operator, a Sealed Secret (encrypted for the
    /// cluster), or a SOPS-encrypted file decrypted at deploy time:
    /// ```yaml
    /// apiVersion: external-secrets.io/v1
    /// kind: ExternalSecret
    /// metadata:
    ///   name: db
    /// spec:
    ///   secretStoreRef: {name: vault, kind: ClusterSecretStore}
    ///   target: {name: db}
    ///   data:
    ///     - secretKey: password
    ///       remoteRef: {key: prod/db, property: password}
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 5.4.2 (Consider external secret storage)
    /// - Kubernetes documentation, "Good practices for Kubernetes Secrets"
    /// - NSA-CISA Kubernetes Hardening Guidance, "Secrets"
    /// - MITRE ATT&CK T1552 (Unsecured Credentials)
    pub static SECRET_STRING_DATA_COMMITTED = Check {
        id: "BHS004",
        slug: "secret-string-data-committed",
        severity: Severity::Medium,
        family: Family::Secrets,
        remediation: "remove the values from the manifest and create the Secret from an external store (External Secrets, Sealed Secrets, SOPS)",
        compliance: Compliance {
            cis: &["5.4.2"],
            pss: &[],
            nsa: &["Network separation and hardening: secrets"],
            mitre: &["T1552"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["Secret"]),
    };
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    if object.kind != "Secret" || !object.group().is_empty() || object.root.get("sops").is_some() {
        return;
    }
    let mut values: Vec<(String, &str)> = Vec::new();
    for (field, encoded) in [("stringData", false), ("data", true)] {
        for entry in object.root.get(field).map(Node::as_map).unwrap_or(&[]) {
            if holds_value(&entry.value, encoded) {
                values.push((pointer([field, &*entry.key]), &entry.key));
            }
        }
    }
    let Some((first, key)) = values.first() else {
        return;
    };
    let kind = object
        .root
        .get("type")
        .and_then(Node::as_str)
        .map(|t| format!(" of type {t}"))
        .unwrap_or_default();
    let others = match values.len() {
        1 => String::new(),
        2 => " and 1 more value".to_string(),
        n => format!(" and {} more values", n - 1),
    };
    sink.report(
        object,
        first,
        format!(
            "Secret \"{}\"{kind} is committed with its value for key \"{key}\"{others} (values redacted)",
            object.name
        ),
    );
}

/// Whether a `data` (base64) or `stringData` entry holds something other than a placeholder.
fn holds_value(node: &Node, encoded: bool) -> bool {
    let Some(text) = node.scalar_text().filter(|_| !node.is_null()) else {
        return false;
    };
    if is_template_value(&text) {
        return false;
    }
    if !encoded {
        return true;
    }
    match decode_base64(&text) {
        Some(bytes) => !is_template_value(&String::from_utf8_lossy(&bytes)),
        None => true,
    }
}

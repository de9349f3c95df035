use bulkhead_model::{Node, Object};

use crate::rules::control_plane::encryption_config::{entries, is_encryption_configuration};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// A `kms` provider of API version v1 in an EncryptionConfiguration.
    ///
    /// A `kms` provider without `apiVersion` is v1 (the default). Every position is reported:
    /// a v1 provider kept only to read old data still needs the deprecated plugin.
    ///
    /// ## Why it matters
    /// KMS v1 is deprecated since Kubernetes 1.28 and disabled by default since 1.29: the
    /// API server refuses the configuration unless the `KMSv1` feature gate is turned back
    /// on. It also calls the KMS plugin for every object read or written, so an outage of
    /// the plugin stops the cluster, where KMS v2 caches data keys and supports key
    /// rotation without rewriting every object at once.
    ///
    /// ## Example
    /// ```yaml
    /// providers:
    ///   - kms:
    ///       name: vault
    ///       endpoint: unix:///var/run/kms/kms.sock
    ///       cachesize: 1000
    /// ```
    ///
    /// Use instead: a KMS v2 plugin.
    /// ```yaml
    /// providers:
    ///   - kms:
    ///       apiVersion: v2
    ///       name: vault
    ///       endpoint: unix:///var/run/kms/kms.sock
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 1.2.28
    /// - Kubernetes documentation, "Using a KMS provider for data encryption"
    /// - NSA-CISA Kubernetes Hardening Guidance, "Network separation and hardening: encryption"
    pub static KMS_V1_PROVIDER = Check {
        id: "BHC065",
        slug: "kms-v1-provider",
        severity: Severity::Medium,
        family: Family::ControlPlane,
        remediation: "move to a KMS v2 plugin (apiVersion: v2) and rewrite the stored objects",
        compliance: Compliance {
            cis: &["1.2.28"],
            pss: &[],
            nsa: &["Network separation and hardening: encryption"],
            mitre: &[],
        },
        run: Run::Object(check),
    };
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    if !is_encryption_configuration(object) {
        return;
    }
    for entry in entries(object) {
        for provider in entry.providers.iter().filter(|p| p.kind == "kms") {
            let version = provider.node.get("apiVersion").and_then(Node::as_str);
            let (pointer, decided) = match version {
                Some("v1") => (
                    format!("{}/apiVersion", provider.pointer),
                    "`apiVersion: v1`".to_string(),
                ),
                None => (
                    provider.pointer.clone(),
                    "`apiVersion` not set; the default is v1".to_string(),
                ),
                Some(_) => continue,
            };
            let name = provider
                .node
                .get("name")
                .and_then(Node::as_str)
                .unwrap_or("");
            sink.report(
                object,
                &pointer,
                format!(
                    "kms provider `{name}` for {} uses KMS v1 ({decided}): deprecated since Kubernetes 1.28 and refused since 1.29 unless the KMSv1 feature gate is enabled",
                    entry.describe_resources()
                ),
            );
        }
    }
}

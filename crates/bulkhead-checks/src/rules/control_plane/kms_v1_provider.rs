use bulkhead_model::{Node, Object};

use crate::rules::control_plane::encryption_config::{entries, is_encryption_configuration};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// A `kms` provider of API version v1 in an EncryptionConfiguration.
    ///
    /// A `kms` provider without `apiVersion` is v1 (the default). Every position is reported:
    /// a v1 provider kept only to read old data still needs the deprecated plugin. Nothing is
    /// reported when `--kubernetes-version` names a release before 1.28.
    ///
    /// ## Why it matters
    /// KMS v1 is deprecated since Kubernetes 1.28 and disabled by default since 1.29: the
    /// API server refuses the configuration unless the `KMSv1` feature gate is turned back
    /// on, so an upgrade can leave the cluster without a working API server. KMS v1 also
    /// asks the plugin for a new data key on every write, tying the API server's latency
    /// and availability to the plugin's; KMS v2 was redesigned to avoid that.
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
        reads: crate::Reads::Kinds(&["EncryptionConfiguration"]),
    };
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    // Before 1.28 KMS v1 was the supported version (v2 went stable in 1.29).
    if !is_encryption_configuration(object)
        || cx.options.kubernetes_version.is_some_and(|v| v < (1, 28))
    {
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

#[cfg(test)]
mod tests {
    use bulkhead_model::{load_text, Inventory, Limits};

    use crate::{run_checks, Options};

    use super::KMS_V1_PROVIDER;

    fn count_at(target: Option<(u32, u32)>) -> usize {
        let text = "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers:\n  - kms: {name: k, endpoint: 'unix:///k.sock'}\n";
        let loaded = load_text("e.yaml", text, &Limits::default());
        let inventory = Inventory::new(loaded.objects);
        let options = Options {
            kubernetes_version: target,
            ..Options::default()
        };
        run_checks(&inventory, &[&KMS_V1_PROVIDER], &options).len()
    }

    #[test]
    fn kms_v1_is_reported_from_its_deprecation_on() {
        assert_eq!(count_at(Some((1, 27))), 0);
        assert_eq!(count_at(Some((1, 28))), 1);
        assert_eq!(count_at(None), 1);
    }
}

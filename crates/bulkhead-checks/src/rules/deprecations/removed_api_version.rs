use bulkhead_model::Object;

use crate::rules::deprecations::api_versions::{is_api_version, lookup, show, target};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Objects written with an `apiVersion` that the target Kubernetes version no longer
    /// serves. The target is `--kubernetes-version`, or the newest release Bulkhead knows
    /// (1.36) when none is given. The message names the version to use instead.
    ///
    /// ## Why it matters
    /// The API server rejects these objects (`no matches for kind "Ingress" in version
    /// "extensions/v1beta1"`), so whatever the manifest was meant to set up does not exist:
    /// a NetworkPolicy or PodDisruptionBudget that silently never applied, RBAC that was
    /// never granted or narrowed, or a deploy pipeline that breaks during an upgrade. Old
    /// versions also carry old, less safe defaults (an `extensions/v1beta1` Deployment has no
    /// required selector and keeps every old ReplicaSet). The finding is high because the
    /// object cannot be what runs: either the file is dead, or the cluster is older than the
    /// target and overdue for an upgrade.
    ///
    /// The data lives in `rules/deprecations/api_versions.rs`, taken from the Kubernetes
    /// Deprecated API Migration Guide and from the API server's own lifecycle data, and
    /// dated in that file.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: policy/v1beta1   # removed in 1.25
    /// kind: PodDisruptionBudget
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: policy/v1
    /// kind: PodDisruptionBudget
    /// ```
    ///
    /// Convert existing files with `kubectl convert -f <file> --output-version <group>/<version>`
    /// (the `kubectl-convert` plugin) and review the fields and defaults the guide lists as
    /// changed.
    ///
    /// ## References
    /// - Kubernetes Deprecated API Migration Guide: <https://kubernetes.io/docs/reference/using-api/deprecation-guide/>
    /// - Kubernetes Deprecation Policy: <https://kubernetes.io/docs/reference/using-api/deprecation-policy/>
    /// - NSA-CISA Kubernetes Hardening Guidance, "Upgrading and application security practices"
    pub static REMOVED_API_VERSION = Check {
        id: "BHD002",
        slug: "removed-api-version",
        severity: Severity::High,
        family: Family::Deprecations,
        remediation: "change apiVersion to the replacement version named in the message (kubectl convert helps)",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Upgrading and application security practices"],
            mitre: &[],
        },
        run: Run::Object(check),
    };
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(change) = lookup(&object.api_version, &object.kind) else {
        return;
    };
    let target = target(cx.options.kubernetes_version);
    let Some(removed) = change.removed.filter(|r| *r <= target) else {
        return;
    };
    let instead = if is_api_version(change.replacement) {
        format!("use apiVersion {}", change.replacement)
    } else {
        change.replacement.to_string()
    };
    sink.report(
        object,
        "/apiVersion",
        format!(
            "{} {} is no longer served since Kubernetes {} (target {}); {instead}",
            object.kind,
            object.api_version,
            show(removed),
            show(target)
        ),
    );
}

#[cfg(test)]
mod tests {
    use bulkhead_model::{load_text, Inventory, Limits};

    use crate::rules::deprecations::deprecated_api_version::DEPRECATED_API_VERSION;
    use crate::{run_checks, Options};

    use super::REMOVED_API_VERSION;

    /// The ids of the findings for a `batch/v1beta1` CronJob at a target version.
    fn findings_at(target: Option<(u32, u32)>) -> Vec<&'static str> {
        let text = "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: c, namespace: ns}\n";
        let loaded = load_text("c.yaml", text, &Limits::default());
        let inventory = Inventory::new(loaded.objects);
        let options = Options {
            kubernetes_version: target,
            ..Options::default()
        };
        run_checks(
            &inventory,
            &[&DEPRECATED_API_VERSION, &REMOVED_API_VERSION],
            &options,
        )
        .iter()
        .map(|f| f.check.id)
        .collect()
    }

    #[test]
    fn the_target_version_decides() {
        assert_eq!(findings_at(Some((1, 20))), Vec::<&str>::new());
        assert_eq!(findings_at(Some((1, 21))), vec!["BHD001"]);
        assert_eq!(findings_at(Some((1, 24))), vec!["BHD001"]);
        assert_eq!(findings_at(Some((1, 25))), vec!["BHD002"]);
        assert_eq!(findings_at(None), vec!["BHD002"]);
    }
}

use bulkhead_model::Object;

use crate::rules::deprecations::api_versions::{is_api_version, lookup, show, target};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Objects written with an `apiVersion` that the target Kubernetes version still serves
    /// but has deprecated (it answers with a warning and names the release that will stop
    /// serving it). The target is `--kubernetes-version`, or the newest release Bulkhead knows
    /// (1.36) when none is given. Versions already removed at the target are reported by
    /// BHD002 instead.
    ///
    /// ## Why it matters
    /// A deprecated version works today and stops working at a known upgrade: the manifests
    /// that use it are the ones that will fail to apply in the middle of a cluster upgrade,
    /// often a security upgrade that cannot wait. Converting them ahead of time keeps upgrades
    /// (and the security fixes they carry) routine. The finding is low: nothing is exposed
    /// yet.
    ///
    /// The data lives in `rules/deprecations/api_versions.rs`, taken from the Kubernetes
    /// Deprecated API Migration Guide and from the API server's own lifecycle data, and
    /// dated in that file.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: resource.k8s.io/v1beta1   # deprecated in 1.35, unavailable in 1.38
    /// kind: DeviceClass
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: resource.k8s.io/v1
    /// kind: DeviceClass
    /// ```
    ///
    /// Convert existing files with `kubectl convert -f <file> --output-version <group>/<version>`
    /// (the `kubectl-convert` plugin) and review the defaults that changed.
    ///
    /// ## References
    /// - Kubernetes Deprecated API Migration Guide: <https://kubernetes.io/docs/reference/using-api/deprecation-guide/>
    /// - Kubernetes Deprecation Policy: <https://kubernetes.io/docs/reference/using-api/deprecation-policy/>
    /// - NSA-CISA Kubernetes Hardening Guidance, "Upgrading and application security practices"
    pub static DEPRECATED_API_VERSION = Check {
        id: "BHD001",
        slug: "deprecated-api-version",
        severity: Severity::Low,
        family: Family::Deprecations,
        remediation: "change apiVersion to the replacement version (kubectl convert helps) before upgrading",
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
    let Some(deprecated) = change.deprecated.filter(|d| *d <= target) else {
        return;
    };
    if change.removed.is_some_and(|r| r <= target) {
        return;
    }
    let removal = match change.removed {
        Some(r) => format!("no longer served from Kubernetes {}", show(r)),
        None => "kept for compatibility, with no removal planned".to_string(),
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
            "{} {} is deprecated since Kubernetes {} ({removal}; target {}); {instead}",
            object.kind,
            object.api_version,
            show(deprecated),
            show(target)
        ),
    );
}

//! Kubernetes API versions that are deprecated or no longer served, per kind: the data behind
//! `BHD001` and `BHD002`.
//!
//! Data as of July 2026 (Kubernetes 1.36 was the newest release). Sources:
//! - the Deprecated API Migration Guide,
//!   <https://kubernetes.io/docs/reference/using-api/deprecation-guide/> (removals up to 1.32);
//! - the API server's own lifecycle data, `zz_generated.prerelease-lifecycle.go` in each group
//!   of `k8s.io/api` (commit `10b39a39`, 2026-07-24, and the release tags `v0.21.0` to
//!   `v0.36.0` for types since deleted), `k8s.io/kube-aggregator` and
//!   `k8s.io/apiextensions-apiserver`. These are the versions in the API server's deprecation
//!   warnings ("... is deprecated in v1.19+, unavailable in v1.22+"), and the API server stops
//!   serving a version at its removal release;
//! - for alpha versions that were deleted before their planned removal, the first `k8s.io/api`
//!   release without the type;
//! - the Kubernetes blog, "Kubernetes v1.33: Continuing the transition from Endpoints to
//!   EndpointSlices" (2025-04-24), for core `v1` Endpoints.
//!
//! Only versions with a confirmed date are listed: alpha versions dropped without an announced
//! release (`rbac.authorization.k8s.io/v1alpha1`, `batch/v2alpha1`, ...) are left out, as are
//! kinds that are never written in manifests (`Scale`, `DeploymentRollback`, `*List`).

/// A Kubernetes release, `(major, minor)`.
pub type Release = (u32, u32);

/// The newest Kubernetes release this table knows about: the target when none is given.
pub const NEWEST_RELEASE: Release = (1, 36);

/// One API version of one kind and what happens to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ApiChange {
    /// `group/version` as written in `apiVersion` (`v1` for the core group).
    pub api_version: &'static str,
    pub kind: &'static str,
    /// The release whose API server first warns about it; `None` for alpha versions that were
    /// dropped without a deprecation period.
    pub deprecated: Option<Release>,
    /// The first release that no longer serves it; `None` when no removal is planned.
    pub removed: Option<Release>,
    /// What to write instead: an `apiVersion` of the same kind, or a sentence (starting with
    /// "use" or "there is no replacement") when that is not enough.
    pub replacement: &'static str,
}

const fn change(
    api_version: &'static str,
    kind: &'static str,
    deprecated: Option<Release>,
    removed: Option<Release>,
    replacement: &'static str,
) -> ApiChange {
    ApiChange {
        api_version,
        kind,
        deprecated,
        removed,
        replacement,
    }
}

const fn v(minor: u32) -> Option<Release> {
    Some((1, minor))
}

const NO_PSP: &str = "there is no replacement: enforce the Pod Security Standards with Pod Security admission (namespace labels) or a policy engine";
const DRA_V1: &str =
    "use resource.k8s.io/v1 (the API was redesigned in 1.31: ResourceClass became DeviceClass)";

/// Every known deprecated or removed API version, grouped by the release that removes it.
#[rustfmt::skip]
pub static API_CHANGES: &[ApiChange] = &[
    // Removed in 1.16.
    change("extensions/v1beta1", "Deployment", v(8), v(16), "apps/v1"),
    change("extensions/v1beta1", "DaemonSet", v(8), v(16), "apps/v1"),
    change("extensions/v1beta1", "ReplicaSet", v(8), v(16), "apps/v1"),
    change("extensions/v1beta1", "NetworkPolicy", v(9), v(16), "networking.k8s.io/v1"),
    change("extensions/v1beta1", "PodSecurityPolicy", v(11), v(16), NO_PSP),
    change("apps/v1beta1", "Deployment", v(8), v(16), "apps/v1"),
    change("apps/v1beta1", "StatefulSet", v(8), v(16), "apps/v1"),
    change("apps/v1beta1", "ControllerRevision", v(8), v(16), "apps/v1"),
    change("apps/v1beta2", "Deployment", v(9), v(16), "apps/v1"),
    change("apps/v1beta2", "DaemonSet", v(9), v(16), "apps/v1"),
    change("apps/v1beta2", "ReplicaSet", v(9), v(16), "apps/v1"),
    change("apps/v1beta2", "StatefulSet", v(9), v(16), "apps/v1"),
    change("apps/v1beta2", "ControllerRevision", v(9), v(16), "apps/v1"),
    // Removed in 1.21.
    change("flowcontrol.apiserver.k8s.io/v1alpha1", "FlowSchema", v(20), v(21), "flowcontrol.apiserver.k8s.io/v1"),
    change("flowcontrol.apiserver.k8s.io/v1alpha1", "PriorityLevelConfiguration", v(20), v(21), "flowcontrol.apiserver.k8s.io/v1"),
    // Removed in 1.22.
    change("admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration", v(16), v(22), "admissionregistration.k8s.io/v1"),
    change("admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration", v(16), v(22), "admissionregistration.k8s.io/v1"),
    change("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition", v(16), v(22), "apiextensions.k8s.io/v1"),
    change("apiregistration.k8s.io/v1beta1", "APIService", v(19), v(22), "apiregistration.k8s.io/v1"),
    change("authentication.k8s.io/v1beta1", "TokenReview", v(19), v(22), "authentication.k8s.io/v1"),
    change("authorization.k8s.io/v1beta1", "LocalSubjectAccessReview", v(19), v(22), "authorization.k8s.io/v1"),
    change("authorization.k8s.io/v1beta1", "SelfSubjectAccessReview", v(19), v(22), "authorization.k8s.io/v1"),
    change("authorization.k8s.io/v1beta1", "SelfSubjectRulesReview", v(19), v(22), "authorization.k8s.io/v1"),
    change("authorization.k8s.io/v1beta1", "SubjectAccessReview", v(19), v(22), "authorization.k8s.io/v1"),
    change("certificates.k8s.io/v1beta1", "CertificateSigningRequest", v(19), v(22), "certificates.k8s.io/v1"),
    change("coordination.k8s.io/v1beta1", "Lease", v(19), v(22), "coordination.k8s.io/v1"),
    change("extensions/v1beta1", "Ingress", v(14), v(22), "networking.k8s.io/v1"),
    change("networking.k8s.io/v1beta1", "Ingress", v(19), v(22), "networking.k8s.io/v1"),
    change("networking.k8s.io/v1beta1", "IngressClass", v(19), v(22), "networking.k8s.io/v1"),
    change("rbac.authorization.k8s.io/v1beta1", "ClusterRole", v(17), v(22), "rbac.authorization.k8s.io/v1"),
    change("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding", v(17), v(22), "rbac.authorization.k8s.io/v1"),
    change("rbac.authorization.k8s.io/v1beta1", "Role", v(17), v(22), "rbac.authorization.k8s.io/v1"),
    change("rbac.authorization.k8s.io/v1beta1", "RoleBinding", v(17), v(22), "rbac.authorization.k8s.io/v1"),
    change("scheduling.k8s.io/v1beta1", "PriorityClass", v(14), v(22), "scheduling.k8s.io/v1"),
    change("storage.k8s.io/v1beta1", "CSIDriver", v(19), v(22), "storage.k8s.io/v1"),
    change("storage.k8s.io/v1beta1", "CSINode", v(17), v(22), "storage.k8s.io/v1"),
    change("storage.k8s.io/v1beta1", "StorageClass", v(19), v(22), "storage.k8s.io/v1"),
    change("storage.k8s.io/v1beta1", "VolumeAttachment", v(19), v(22), "storage.k8s.io/v1"),
    // Removed in 1.24.
    change("storage.k8s.io/v1alpha1", "CSIStorageCapacity", v(21), v(24), "storage.k8s.io/v1"),
    change("storage.k8s.io/v1alpha1", "VolumeAttachment", v(21), v(24), "storage.k8s.io/v1"),
    // Removed in 1.25.
    change("batch/v1beta1", "CronJob", v(21), v(25), "batch/v1"),
    change("discovery.k8s.io/v1beta1", "EndpointSlice", v(21), v(25), "discovery.k8s.io/v1"),
    change("events.k8s.io/v1beta1", "Event", v(22), v(25), "events.k8s.io/v1"),
    change("autoscaling/v2beta1", "HorizontalPodAutoscaler", v(22), v(25), "autoscaling/v2"),
    change("policy/v1beta1", "PodDisruptionBudget", v(21), v(25), "policy/v1"),
    change("policy/v1beta1", "PodSecurityPolicy", v(21), v(25), NO_PSP),
    change("node.k8s.io/v1beta1", "RuntimeClass", v(22), v(25), "node.k8s.io/v1"),
    // Removed in 1.26.
    change("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", v(23), v(26), "flowcontrol.apiserver.k8s.io/v1"),
    change("flowcontrol.apiserver.k8s.io/v1beta1", "PriorityLevelConfiguration", v(23), v(26), "flowcontrol.apiserver.k8s.io/v1"),
    change("autoscaling/v2beta2", "HorizontalPodAutoscaler", v(23), v(26), "autoscaling/v2"),
    // Removed in 1.27.
    change("storage.k8s.io/v1beta1", "CSIStorageCapacity", v(24), v(27), "storage.k8s.io/v1"),
    // Removed in 1.29.
    change("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema", v(26), v(29), "flowcontrol.apiserver.k8s.io/v1"),
    change("flowcontrol.apiserver.k8s.io/v1beta2", "PriorityLevelConfiguration", v(26), v(29), "flowcontrol.apiserver.k8s.io/v1"),
    // Removed in 1.31.
    change("networking.k8s.io/v1alpha1", "ClusterCIDR", v(28), v(31), "there is no replacement: the ClusterCIDR API was dropped"),
    change("resource.k8s.io/v1alpha2", "ResourceClass", None, v(31), DRA_V1),
    change("resource.k8s.io/v1alpha2", "ResourceClaim", None, v(31), DRA_V1),
    change("resource.k8s.io/v1alpha2", "ResourceClaimTemplate", None, v(31), DRA_V1),
    change("resource.k8s.io/v1alpha2", "PodSchedulingContext", None, v(31), DRA_V1),
    // Removed in 1.32.
    change("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", v(29), v(32), "flowcontrol.apiserver.k8s.io/v1"),
    change("flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration", v(29), v(32), "flowcontrol.apiserver.k8s.io/v1"),
    change("admissionregistration.k8s.io/v1alpha1", "ValidatingAdmissionPolicy", v(29), v(32), "admissionregistration.k8s.io/v1"),
    change("admissionregistration.k8s.io/v1alpha1", "ValidatingAdmissionPolicyBinding", v(29), v(32), "admissionregistration.k8s.io/v1"),
    change("resource.k8s.io/v1alpha3", "PodSchedulingContext", None, v(32), "there is no replacement: PodSchedulingContext was dropped from dynamic resource allocation"),
    // Removed in 1.33.
    change("authentication.k8s.io/v1beta1", "SelfSubjectReview", v(30), v(33), "authentication.k8s.io/v1"),
    change("networking.k8s.io/v1alpha1", "IPAddress", v(30), v(33), "networking.k8s.io/v1"),
    change("networking.k8s.io/v1alpha1", "ServiceCIDR", v(30), v(33), "networking.k8s.io/v1"),
    // Removed in 1.34.
    change("admissionregistration.k8s.io/v1beta1", "ValidatingAdmissionPolicy", v(31), v(34), "admissionregistration.k8s.io/v1"),
    change("admissionregistration.k8s.io/v1beta1", "ValidatingAdmissionPolicyBinding", v(31), v(34), "admissionregistration.k8s.io/v1"),
    change("resource.k8s.io/v1alpha3", "DeviceClass", None, v(34), "resource.k8s.io/v1"),
    change("resource.k8s.io/v1alpha3", "ResourceClaim", None, v(34), "resource.k8s.io/v1"),
    change("resource.k8s.io/v1alpha3", "ResourceClaimTemplate", None, v(34), "resource.k8s.io/v1"),
    change("resource.k8s.io/v1alpha3", "ResourceSlice", None, v(34), "resource.k8s.io/v1"),
    // Removed in 1.35.
    change("storage.k8s.io/v1alpha1", "VolumeAttributesClass", v(32), v(35), "storage.k8s.io/v1"),
    change("storagemigration.k8s.io/v1alpha1", "StorageVersionMigration", v(33), v(35), "storagemigration.k8s.io/v1beta1"),
    // Removed in 1.37.
    change("certificates.k8s.io/v1alpha1", "ClusterTrustBundle", v(34), v(37), "certificates.k8s.io/v1beta1"),
    change("networking.k8s.io/v1beta1", "IPAddress", v(34), v(37), "networking.k8s.io/v1"),
    change("networking.k8s.io/v1beta1", "ServiceCIDR", v(34), v(37), "networking.k8s.io/v1"),
    change("storage.k8s.io/v1beta1", "VolumeAttributesClass", v(34), v(37), "storage.k8s.io/v1"),
    // Removed in 1.38.
    change("admissionregistration.k8s.io/v1alpha1", "MutatingAdmissionPolicy", v(35), v(38), "admissionregistration.k8s.io/v1beta1"),
    change("admissionregistration.k8s.io/v1alpha1", "MutatingAdmissionPolicyBinding", v(35), v(38), "admissionregistration.k8s.io/v1beta1"),
    change("resource.k8s.io/v1beta1", "DeviceClass", v(35), v(38), "resource.k8s.io/v1"),
    change("resource.k8s.io/v1beta1", "ResourceClaim", v(35), v(38), "resource.k8s.io/v1"),
    change("resource.k8s.io/v1beta1", "ResourceClaimTemplate", v(35), v(38), "resource.k8s.io/v1"),
    change("resource.k8s.io/v1beta1", "ResourceSlice", v(35), v(38), "resource.k8s.io/v1"),
    // Removed in 1.39.
    change("resource.k8s.io/v1beta2", "DeviceClass", v(36), v(39), "resource.k8s.io/v1"),
    change("resource.k8s.io/v1beta2", "ResourceClaim", v(36), v(39), "resource.k8s.io/v1"),
    change("resource.k8s.io/v1beta2", "ResourceClaimTemplate", v(36), v(39), "resource.k8s.io/v1"),
    change("resource.k8s.io/v1beta2", "ResourceSlice", v(36), v(39), "resource.k8s.io/v1"),
    // Removed in 1.40.
    change("admissionregistration.k8s.io/v1beta1", "MutatingAdmissionPolicy", v(37), v(40), "admissionregistration.k8s.io/v1"),
    change("admissionregistration.k8s.io/v1beta1", "MutatingAdmissionPolicyBinding", v(37), v(40), "admissionregistration.k8s.io/v1"),
    change("certificates.k8s.io/v1beta1", "ClusterTrustBundle", v(37), v(40), "certificates.k8s.io/v1"),
    // Deprecated, no removal planned (a GA API is never removed within a major version).
    change("v1", "Endpoints", v(33), None, "use discovery.k8s.io/v1 EndpointSlice (a different kind; Services with selectors get them automatically)"),
];

/// What the table says about `apiVersion` + `kind`, if anything.
pub fn lookup(api_version: &str, kind: &str) -> Option<&'static ApiChange> {
    API_CHANGES
        .iter()
        .find(|c| c.api_version == api_version && c.kind == kind)
}

/// The release the manifests are meant for: the option, else the newest known.
pub fn target(option: Option<Release>) -> Release {
    option.unwrap_or(NEWEST_RELEASE)
}

/// `1.22`.
pub fn show(release: Release) -> String {
    format!("{}.{}", release.0, release.1)
}

/// Whether a replacement is an `apiVersion` of the same kind (`apps/v1`), as opposed to an
/// instruction.
pub fn is_api_version(replacement: &str) -> bool {
    !replacement.contains(' ')
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_table_is_consistent() {
        let mut seen = HashSet::new();
        for c in API_CHANGES {
            assert!(seen.insert((c.api_version, c.kind)), "duplicate {c:?}");
            assert!(c.deprecated.is_some() || c.removed.is_some(), "{c:?}");
            if let (Some(d), Some(r)) = (c.deprecated, c.removed) {
                assert!(d <= r, "{c:?}");
            }
            assert!(!c.replacement.is_empty(), "{c:?}");
            if !is_api_version(c.replacement) {
                assert!(
                    c.replacement.starts_with("use ")
                        || c.replacement.starts_with("there is no replacement"),
                    "{c:?}"
                );
            } else {
                assert_ne!(c.replacement, c.api_version, "{c:?}");
                assert!(
                    lookup(c.replacement, c.kind)
                        .is_none_or(|r| r.removed.is_none() || r.removed > c.removed),
                    "{c:?} points at a version removed first"
                );
            }
        }
    }

    #[test]
    fn well_known_facts() {
        let ing = lookup("extensions/v1beta1", "Ingress").unwrap();
        assert_eq!(ing.removed, Some((1, 22)));
        assert_eq!(
            lookup("batch/v1beta1", "CronJob").unwrap().removed,
            Some((1, 25))
        );
        assert_eq!(
            lookup("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema")
                .unwrap()
                .removed,
            Some((1, 32))
        );
        assert!(lookup("apps/v1", "Deployment").is_none());
        // The checks' documentation names the default target.
        for check in crate::rules::deprecations::CHECKS {
            let newest = format!("({})", show(NEWEST_RELEASE));
            assert!(check.documentation().contains(&newest), "{}", check.id);
        }
        assert_eq!(target(None), NEWEST_RELEASE);
        assert_eq!(target(Some((1, 20))), (1, 20));
    }
}

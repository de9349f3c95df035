use crate::rules::rbac::{allowed_verb, report_rules};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Rules that allow creating PersistentVolumes.
    ///
    /// ## Why it matters
    /// A PersistentVolume can be a hostPath volume: whoever creates one, and a claim bound to it,
    /// mounts any directory of the node into a pod, which Pod Security admission does not see
    /// because the pod only names a claim.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["persistentvolumes"]
    ///     verbs: ["create"]
    /// ```
    ///
    /// Use instead: grant create on persistentvolumeclaims and let a StorageClass provision the
    /// volume.
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["persistentvolumeclaims"]
    ///     verbs: ["create"]
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 5.1.9
    /// - MITRE ATT&CK T1611 (Escape to Host)
    pub static PERSISTENT_VOLUME_CREATE = Check {
        id: "BHR012",
        slug: "persistent-volume-create",
        severity: Severity::Medium,
        family: Family::Rbac,
        remediation: "let users claim storage through PersistentVolumeClaims and StorageClasses; keep persistentvolumes to administrators",
        compliance: Compliance {
            cis: &["5.1.9"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1611"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    report_rules(cx, sink, |rule| {
        allowed_verb(rule, &["create"], "", "persistentvolumes", None)
            .map(|_| "allows creating persistentvolumes, hostPath volumes included".to_string())
    });
}

use bulkhead_model::Object;

use crate::rules::control_plane::audit_policy::{
    is_audit_policy, probes, report_unlogged, Policy, Probe,
};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// An audit policy that does not log changes to RBAC roles and bindings.
    ///
    /// The policy is evaluated like the API server does (first matching rule decides) for an
    /// ordinary authenticated user's create, update, patch, delete and deletecollection of
    /// roles, clusterroles, rolebindings and clusterrolebindings (`rbac.authorization.k8s.io`),
    /// the namespaced ones in a namespace no rule names (`default`, else `example`) and in
    /// every namespace a rule names. The finding
    /// points at the rule that decides `None`, or at `rules` when no rule matches.
    ///
    /// ## Why it matters
    /// Granting oneself a role is how a foothold becomes control of the cluster, and how an
    /// intruder keeps access. An audit log without RBAC changes cannot say who gained which
    /// permission, or when.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - level: None
    ///     resources:
    ///       - group: rbac.authorization.k8s.io
    ///   - level: Metadata
    /// ```
    ///
    /// Use instead: log RBAC changes, with their bodies to see what was granted.
    /// ```yaml
    /// rules:
    ///   - level: RequestResponse
    ///     verbs: ["create", "update", "patch", "delete", "deletecollection"]
    ///     resources:
    ///       - group: rbac.authorization.k8s.io
    ///   - level: Metadata
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 3.2.2
    /// - Kubernetes documentation, "Auditing" (audit policy)
    /// - NSA-CISA Kubernetes Hardening Guidance, "Audit logging and threat detection: logging"
    /// - MITRE ATT&CK T1098 (Account Manipulation)
    pub static AUDIT_RBAC_CHANGES_NOT_LOGGED = Check {
        id: "BHC073",
        slug: "audit-rbac-changes-not-logged",
        severity: Severity::Medium,
        family: Family::ControlPlane,
        remediation: "log create, update, patch and delete of roles, clusterroles, rolebindings and clusterrolebindings, before any rule that drops them",
        compliance: Compliance {
            cis: &["3.2.2"],
            pss: &[],
            nsa: &["Audit logging and threat detection: logging"],
            mitre: &["T1098"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["Policy"]),
    };
}

/// The requests this check needs logged.
pub fn rbac_probes() -> Vec<Probe> {
    probes(
        &["create", "update", "patch", "delete", "deletecollection"],
        "rbac.authorization.k8s.io",
        &[
            ("roles", "", true),
            ("rolebindings", "", true),
            ("clusterroles", "", false),
            ("clusterrolebindings", "", false),
        ],
    )
}

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    if !is_audit_policy(object) {
        return;
    }
    report_unlogged(
        sink,
        &Policy::read(object),
        &rbac_probes(),
        "RBAC changes",
        Severity::Medium,
    );
}

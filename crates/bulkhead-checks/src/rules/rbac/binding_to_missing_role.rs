use bulkhead_rbac::defaults::{is_builtin_cluster_role, is_builtin_role};
use bulkhead_rbac::{BindingKind, RoleKind};

use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// RoleBindings and ClusterRoleBindings whose `roleRef` names a Role or ClusterRole that
    /// the inputs do not define (the ClusterRoles every cluster has, such as `view`, `edit`,
    /// `admin`, `cluster-admin`, the bootstrap policy's `system:` roles and kube-system's
    /// `extension-apiserver-authentication-reader`, are known by their exact names and not
    /// reported), and ClusterRoleBindings whose `roleRef` is a Role, which
    /// the API server rejects.
    ///
    /// ## Why it matters
    /// The binding is waiting: whoever later creates a role of that name decides what its
    /// subjects may do, without touching the binding that reviewers approved. It is also a
    /// sign of a renamed or deleted role whose binding was left behind.
    ///
    /// ## Example
    /// ```yaml
    /// kind: RoleBinding
    /// metadata: {name: deployer, namespace: apps}
    /// subjects: [{kind: ServiceAccount, name: deployer}]
    /// roleRef: {kind: Role, name: deployer-v1, apiGroup: rbac.authorization.k8s.io}
    /// ```
    ///
    /// Use instead: bind a role that is defined next to the binding, or delete the binding.
    /// ```yaml
    /// roleRef: {kind: Role, name: deployer, apiGroup: rbac.authorization.k8s.io}
    /// ```
    ///
    /// ## References
    /// - Kubernetes documentation, "Using RBAC Authorization", RoleBinding and ClusterRoleBinding
    /// - MITRE ATT&CK T1098 (Account Manipulation)
    pub static BINDING_TO_MISSING_ROLE = Check {
        id: "BHR013",
        slug: "binding-to-missing-role",
        severity: Severity::Medium,
        family: Family::Rbac,
        remediation: "define the role the binding refers to, or delete the binding",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1098"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    let rbac = cx.rbac();
    for binding in &rbac.bindings {
        if binding.kind == BindingKind::ClusterRoleBinding && binding.role_kind == RoleKind::Role {
            sink.report(
                binding.object,
                "/roleRef/kind",
                format!(
                    "{} refers to Role {}: invalid, a ClusterRoleBinding can only refer to a ClusterRole (the API server rejects it, and the binding grants nothing)",
                    binding.display(),
                    binding.role_name
                ),
            );
            continue;
        }
        if binding.default
            || binding.role_name.is_empty()
            || (binding.role_kind == RoleKind::ClusterRole
                && is_builtin_cluster_role(&binding.role_name))
            || (binding.role_kind == RoleKind::Role
                && binding
                    .namespace
                    .as_deref()
                    .is_some_and(|ns| is_builtin_role(ns, &binding.role_name)))
            || rbac.role_of(binding).is_some()
        {
            continue;
        }
        sink.report(
            binding.object,
            "/roleRef/name",
            format!(
                "{} refers to {}, which is not defined: whoever creates it decides what the binding grants",
                binding.display(),
                binding.role_display()
            ),
        );
    }
}

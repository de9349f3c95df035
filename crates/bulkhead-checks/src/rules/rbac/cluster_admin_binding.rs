use bulkhead_rbac::BindingKind;

use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Bindings of the `cluster-admin` ClusterRole to subjects other than the built-in ones
    /// (`system:masters` and the control plane's own identities).
    ///
    /// ## Why it matters
    /// cluster-admin is every verb on every resource: secrets of every namespace, RBAC itself,
    /// nodes, admission. A leaked token or a compromised pod of such a subject is the whole
    /// cluster. Through a RoleBinding it is full control of one namespace, RoleBindings and
    /// secrets included.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRoleBinding
    /// metadata: {name: ci-admin}
    /// subjects: [{kind: ServiceAccount, name: deployer, namespace: ci}]
    /// roleRef: {kind: ClusterRole, name: cluster-admin, apiGroup: rbac.authorization.k8s.io}
    /// ```
    ///
    /// Use instead: a ClusterRole with the verbs and resources the subject needs, bound with
    /// RoleBindings in the namespaces it works in.
    /// ```yaml
    /// kind: RoleBinding
    /// metadata: {name: ci-deploy, namespace: apps}
    /// subjects: [{kind: ServiceAccount, name: deployer, namespace: ci}]
    /// roleRef: {kind: ClusterRole, name: app-deployer, apiGroup: rbac.authorization.k8s.io}
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 5.1.1
    /// - MITRE ATT&CK T1078 (Valid Accounts), T1098.006 (Additional Container Cluster Roles)
    pub static CLUSTER_ADMIN_BINDING = Check {
        id: "BHR001",
        slug: "cluster-admin-binding",
        severity: Severity::High,
        family: Family::Rbac,
        remediation: "bind a role with only the permissions needed, in the namespaces needed",
        compliance: Compliance {
            cis: &["5.1.1"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1078", "T1098.006"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    let rbac = cx.rbac();
    for binding in &rbac.bindings {
        if binding.role_name != "cluster-admin"
            || binding.role_kind != bulkhead_rbac::RoleKind::ClusterRole
        {
            continue;
        }
        let scope = match (&binding.kind, &binding.namespace) {
            (BindingKind::ClusterRoleBinding, _) => "the whole cluster".to_string(),
            (BindingKind::RoleBinding, Some(ns)) => format!("namespace {ns}"),
            (BindingKind::RoleBinding, None) => "the namespace it is applied to".to_string(),
        };
        for (subject, index) in &binding.subjects {
            if subject.is_default() {
                continue;
            }
            sink.report(
                binding.object,
                &format!("/subjects/{index}"),
                format!(
                    "{} gives {subject} cluster-admin over {scope}",
                    binding.display()
                ),
            );
        }
    }
}

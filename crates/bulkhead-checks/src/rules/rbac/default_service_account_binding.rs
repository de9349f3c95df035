use bulkhead_rbac::{BindingKind, Subject};

use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// RoleBindings and ClusterRoleBindings, other than the built-in defaults, that grant a
    /// role to the `default` ServiceAccount of a namespace.
    ///
    /// ## Why it matters
    /// Every pod that names no service account runs as `default`, and Kubernetes creates it in
    /// every namespace. A grant to it is a grant to whatever anyone deploys there later, without
    /// a line in the workload that says so, and its token is mounted unless someone turned that
    /// off. Rights belong to a service account made for the workload that needs them.
    ///
    /// ## Example
    /// ```yaml
    /// kind: RoleBinding
    /// metadata: {name: app-reads-config, namespace: shop}
    /// subjects: [{kind: ServiceAccount, name: default, namespace: shop}]
    /// roleRef: {kind: Role, name: config-reader, apiGroup: rbac.authorization.k8s.io}
    /// ```
    ///
    /// Use instead: a dedicated service account, named by the workload.
    /// ```yaml
    /// subjects: [{kind: ServiceAccount, name: shop-api, namespace: shop}]
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 5.1.5
    /// - Kubernetes documentation, "Configure Service Accounts for Pods"
    /// - MITRE ATT&CK T1078.001 (Valid Accounts: Default Accounts)
    pub static DEFAULT_SERVICE_ACCOUNT_BINDING = Check {
        id: "BHR021",
        slug: "default-service-account-binding",
        severity: Severity::Medium,
        family: Family::Rbac,
        remediation: "bind a service account created for the workload instead of the namespace's default one",
        compliance: Compliance {
            cis: &["5.1.5"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1078.001"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    let rbac = cx.rbac();
    for binding in rbac.bindings.iter().filter(|b| !b.default) {
        for (subject, index) in &binding.subjects {
            let Subject::ServiceAccount { namespace, name } = subject else {
                continue;
            };
            if name != "default" {
                continue;
            }
            let namespace = namespace
                .as_deref()
                .map_or("the namespace it is applied to".to_string(), |ns| {
                    format!("namespace {ns}")
                });
            let scope = match binding.kind {
                BindingKind::ClusterRoleBinding => " cluster-wide",
                BindingKind::RoleBinding => "",
            };
            sink.report(
                binding.object,
                &format!("/subjects/{index}"),
                format!(
                    "{} grants {}{scope} to {subject}, the default service account: every pod of {namespace} that names no service account gets it",
                    binding.display(),
                    binding.role_display()
                ),
            );
        }
    }
}

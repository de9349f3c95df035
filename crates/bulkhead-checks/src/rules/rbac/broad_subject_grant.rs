use bulkhead_rbac::Subject;

use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Bindings, other than the built-in defaults, whose subject is a group that holds many
    /// identities at once: `system:unauthenticated` or the user `system:anonymous` (anyone
    /// who can reach the API server), `system:authenticated` (every user and service account),
    /// `system:serviceaccounts` or `system:serviceaccounts:<namespace>` (every service account).
    ///
    /// ## Why it matters
    /// A grant to these groups is a grant to every pod's token and, for the unauthenticated
    /// ones, to the internet if the API server is exposed. Least privilege is lost at once,
    /// and no log names who used it.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRoleBinding
    /// metadata: {name: everyone-reads}
    /// subjects: [{kind: Group, name: "system:authenticated", apiGroup: rbac.authorization.k8s.io}]
    /// roleRef: {kind: ClusterRole, name: view, apiGroup: rbac.authorization.k8s.io}
    /// ```
    ///
    /// Use instead: bind the named users, groups or service accounts that need the role.
    /// ```yaml
    /// subjects: [{kind: Group, name: "platform-team", apiGroup: rbac.authorization.k8s.io}]
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 5.1.1 (related)
    /// - Kubernetes documentation, "Using RBAC Authorization", Default roles and role bindings
    /// - MITRE ATT&CK T1078.001 (Valid Accounts: Default Accounts)
    pub static BROAD_SUBJECT_GRANT = Check {
        id: "BHR002",
        slug: "broad-subject-grant",
        severity: Severity::High,
        family: Family::Rbac,
        remediation: "bind the named users, groups or service accounts instead of a catch-all group",
        compliance: Compliance {
            cis: &[],
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
            let (who, severity) = match subject {
                Subject::User { name } if name == "system:anonymous" => {
                    ("anonymous requests", Severity::Critical)
                }
                Subject::Group { name } => match name.as_str() {
                    "system:unauthenticated" => ("anonymous requests", Severity::Critical),
                    "system:authenticated" => (
                        "every authenticated user and service account",
                        Severity::High,
                    ),
                    "system:serviceaccounts" => ("every service account", Severity::High),
                    n if n.starts_with("system:serviceaccounts:") => {
                        ("every service account of a namespace", Severity::Medium)
                    }
                    _ => continue,
                },
                _ => continue,
            };
            sink.report_with(
                binding.object,
                &format!("/subjects/{index}"),
                severity,
                format!(
                    "{} grants {} to {subject} ({who})",
                    binding.display(),
                    binding.role_display()
                ),
            );
        }
    }
}

use crate::rules::rbac::{allowed_verb, report_rules};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Rules that allow escalate or bind on roles and ClusterRoles, or impersonate on users,
    /// groups, service accounts or user extras.
    ///
    /// ## Why it matters
    /// RBAC stops a user from granting permissions they do not hold, unless they have escalate
    /// (change a role beyond their own rights) or bind (bind a role with rights they lack).
    /// impersonate lets a request act as another identity, system:masters included. Each is a
    /// direct step to more privilege.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["rbac.authorization.k8s.io"]
    ///     resources: ["clusterroles"]
    ///     verbs: ["bind", "escalate"]
    /// ```
    ///
    /// Use instead: manage roles and bindings through the cluster administrators, and drop
    /// impersonation.
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["rbac.authorization.k8s.io"]
    ///     resources: ["clusterroles"]
    ///     verbs: ["get", "list", "watch"]
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 5.1.8
    /// - MITRE ATT&CK T1098.006 (Additional Container Cluster Roles), T1078 (Valid Accounts)
    /// - Kubernetes documentation, "Privilege escalation prevention and bootstrapping"
    pub static RBAC_ESCALATION_VERBS = Check {
        id: "BHR004",
        slug: "rbac-escalation-verbs",
        severity: Severity::High,
        family: Family::Rbac,
        remediation: "remove escalate, bind and impersonate; grant roles through the administrators pipeline",
        compliance: Compliance {
            cis: &["5.1.8"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1098.006", "T1078"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    report_rules(cx, sink, |rule| {
        for resource in ["clusterroles", "roles"] {
            if let Some(verb) = allowed_verb(
                rule,
                &["escalate", "bind"],
                "rbac.authorization.k8s.io",
                resource,
                None,
            ) {
                return Some(format!(
                    "allows {verb} on {resource}: granting permissions beyond its own"
                ));
            }
        }
        for (group, resource) in [
            ("", "users"),
            ("", "groups"),
            ("", "serviceaccounts"),
            ("authentication.k8s.io", "userextras"),
            ("authentication.k8s.io", "uids"),
        ] {
            let allowed = allowed_verb(rule, &["impersonate"], group, resource, None).is_some()
                || (!rule.resource_names.is_empty()
                    && rule.verbs.iter().any(|v| v == "impersonate" || v == "*")
                    && rule.resources.iter().any(|r| r == resource || r == "*"));
            if allowed {
                let whom = if rule.resource_names.is_empty() {
                    format!("any of {resource}")
                } else {
                    format!("{resource} {}", rule.resource_names.join(", "))
                };
                return Some(format!("allows impersonating {whom}"));
            }
        }
        None
    });
}

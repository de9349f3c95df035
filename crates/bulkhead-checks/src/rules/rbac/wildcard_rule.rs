use bulkhead_rbac::vocabulary::group_name;

use crate::rules::rbac::{is_full_wildcard, reportable_roles};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Rules of Roles and ClusterRoles with `*` in `verbs`, `resources` or `apiGroups`.
    /// Rules of the built-in roles are skipped unless bound to a subject that is not built in.
    ///
    /// ## Why it matters
    /// A wildcard grants everything that exists now and everything added later: a new CRD, a
    /// new subresource, a new verb. `*` verbs on `*` resources is administrator of the scope
    /// (the cluster, for a ClusterRoleBinding).
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["*"]
    ///     resources: ["*"]
    ///     verbs: ["*"]
    /// ```
    ///
    /// Use instead: list the groups, resources and verbs needed.
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["apps"]
    ///     resources: ["deployments"]
    ///     verbs: ["get", "list", "watch", "update"]
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 5.1.3
    /// - MITRE ATT&CK T1078 (Valid Accounts)
    pub static WILDCARD_RULE = Check {
        id: "BHR003",
        slug: "wildcard-rule",
        severity: Severity::Medium,
        family: Family::Rbac,
        remediation: "replace the wildcard with the explicit verbs, resources and API groups needed",
        compliance: Compliance {
            cis: &["5.1.3"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1078"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    let rbac = cx.rbac();
    for role in reportable_roles(rbac) {
        let Some(object) = role.object else { continue };
        for rule in role
            .rules
            .iter()
            .filter(|r| r.object.is_some_and(|o| std::ptr::eq(o, object)))
        {
            let fields: Vec<&str> = [
                ("verbs", &rule.verbs),
                ("resources", &rule.resources),
                ("apiGroups", &rule.api_groups),
            ]
            .into_iter()
            .filter(|(_, values)| values.iter().any(|v| v == "*"))
            .map(|(field, _)| field)
            .collect();
            let Some(first) = fields.first() else {
                continue;
            };
            let (severity, what) = if is_full_wildcard(rule) {
                let what = if rule.api_groups.iter().any(|g| g == "*") {
                    "grants every verb on every resource: administrator of its scope".to_string()
                } else {
                    let groups: Vec<String> =
                        rule.api_groups.iter().map(|g| group_name(g)).collect();
                    format!(
                        "grants every verb on every resource of {}, and on what is added there later",
                        groups.join(", ")
                    )
                };
                (Severity::High, what)
            } else {
                (
                    Severity::Medium,
                    format!(
                        "uses * in {}, which also grants what is added later",
                        fields.join(", ")
                    ),
                )
            };
            sink.report_with(
                object,
                &format!("/rules/{}/{first}", rule.index),
                severity,
                format!("{} rule {} {what}", role.display(), rule.index),
            );
        }
    }
}

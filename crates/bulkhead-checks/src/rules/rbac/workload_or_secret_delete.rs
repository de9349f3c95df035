use crate::rules::rbac::{allowed_verb_named, names_suffix, report_rules};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

/// The workloads and the secrets whose deletion is an outage or lost data.
const TARGETS: &[(&str, &str)] = &[
    ("", "pods"),
    ("apps", "deployments"),
    ("apps", "daemonsets"),
    ("apps", "statefulsets"),
    ("apps", "replicasets"),
    ("batch", "jobs"),
    ("batch", "cronjobs"),
    ("", "secrets"),
];

declare_check! {
    /// ## What it checks
    /// Rules that allow `delete` or `deletecollection` on workloads (pods, deployments,
    /// daemonsets, statefulsets, replicasets, jobs, cronjobs) or on secrets.
    ///
    /// ## Why it matters
    /// Deleting is the quickest way to turn a stolen token into an outage: one
    /// `deletecollection` removes every workload of a namespace, and deleted secrets (TLS keys,
    /// database passwords) may not exist anywhere else. Deleting a pod is also how an attacker
    /// moves a workload onto a node they control. Few identities need it outside of
    /// controllers and deployment pipelines.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["", "apps"]
    ///     resources: ["pods", "deployments", "secrets"]
    ///     verbs: ["get", "list", "delete", "deletecollection"]
    /// ```
    ///
    /// Use instead: read access, and deletion left to the pipeline that owns the workloads.
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["", "apps"]
    ///     resources: ["pods", "deployments"]
    ///     verbs: ["get", "list", "watch"]
    /// ```
    ///
    /// ## References
    /// - MITRE ATT&CK T1485 (Data Destruction)
    /// - Microsoft Threat Matrix for Kubernetes, Data destruction
    /// - Kubernetes documentation, "RBAC good practices"
    pub static WORKLOAD_OR_SECRET_DELETE = Check {
        id: "BHR022",
        slug: "workload-or-secret-delete",
        severity: Severity::Medium,
        family: Family::Rbac,
        remediation: "remove delete and deletecollection on workloads and secrets from roles that do not own them",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1485"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    report_rules(cx, sink, |rule| {
        let mut verbs: Vec<&str> = Vec::new();
        let mut resources: Vec<&str> = Vec::new();
        let mut names: &[String] = &[];
        for (group, resource) in TARGETS {
            for verb in ["delete", "deletecollection"] {
                if let Some((verb, limited)) =
                    allowed_verb_named(rule, &[verb], group, resource, None)
                {
                    if !verbs.contains(&verb) {
                        verbs.push(verb);
                    }
                    if !resources.contains(resource) {
                        resources.push(resource);
                    }
                    names = limited;
                }
            }
        }
        (!resources.is_empty()).then(|| {
            format!(
                "allows {} on {}{}: can destroy workloads or secrets",
                verbs.join(" and "),
                resources.join(", "),
                names_suffix(names)
            )
        })
    });
}

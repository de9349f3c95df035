use crate::rules::rbac::{allowed_verb, report_rules};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Rules that allow creating Pods or any kind that creates pods (Deployments, DaemonSets,
    /// StatefulSets, ReplicaSets, ReplicationControllers, Jobs, CronJobs).
    ///
    /// ## Why it matters
    /// Whoever creates a pod in a namespace chooses its service account, so they gain the rights of
    /// every service account of that namespace, and can mount its secrets and config maps. Unless
    /// Pod Security admission stops it, they can also run privileged pods and take the node.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["apps"]
    ///     resources: ["deployments"]
    ///     verbs: ["create", "update"]
    /// ```
    ///
    /// Use instead: grant read access, and leave workload creation to a deployment tool whose
    /// service account is the only one allowed to create pods there.
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["apps"]
    ///     resources: ["deployments"]
    ///     verbs: ["get", "list", "watch"]
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 5.1.4
    /// - MITRE ATT&CK T1610 (Deploy Container)
    /// - Kubernetes documentation, "RBAC good practices", Workload creation
    pub static POD_CREATION = Check {
        id: "BHR006",
        slug: "pod-creation",
        severity: Severity::Medium,
        family: Family::Rbac,
        remediation: "let a deployment pipeline with its own service account create workloads; grant people read access",
        compliance: Compliance {
            cis: &["5.1.4"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1610"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    report_rules(cx, sink, |rule| {
        const CREATORS: &[(&str, &str)] = &[
            ("", "pods"),
            ("", "replicationcontrollers"),
            ("apps", "deployments"),
            ("apps", "daemonsets"),
            ("apps", "statefulsets"),
            ("apps", "replicasets"),
            ("batch", "jobs"),
            ("batch", "cronjobs"),
        ];
        let (group, resource) = CREATORS
            .iter()
            .find(|(g, r)| allowed_verb(rule, &["create"], g, r, None).is_some())?;
        let what = if group.is_empty() {
            resource.to_string()
        } else {
            format!("{resource}.{group}")
        };
        Some(format!(
            "allows creating {what}: a new pod can run as any service account of the namespace"
        ))
    });
}

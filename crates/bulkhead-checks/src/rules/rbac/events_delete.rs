use crate::rules::rbac::{allowed_verb, report_rules};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Rules that allow `delete` or `deletecollection` on events, in the core group or in
    /// `events.k8s.io`.
    ///
    /// ## Why it matters
    /// Events record what happened in the cluster: pods created and killed, images pulled,
    /// scheduling and failures. An attacker who can delete them removes the traces of their
    /// own activity (`kubectl delete events --all`) before anyone looks. Events expire on
    /// their own; nobody needs to delete them by hand.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["", "events.k8s.io"]
    ///     resources: ["events"]
    ///     verbs: ["create", "patch", "delete"]
    /// ```
    ///
    /// Use instead: create and patch events, never delete them.
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["", "events.k8s.io"]
    ///     resources: ["events"]
    ///     verbs: ["create", "patch"]
    /// ```
    ///
    /// ## References
    /// - MITRE ATT&CK T1070 (Indicator Removal)
    /// - Microsoft Threat Matrix for Kubernetes, Delete Kubernetes events
    pub static EVENTS_DELETE = Check {
        id: "BHR023",
        slug: "events-delete",
        severity: Severity::Medium,
        family: Family::Rbac,
        remediation: "remove delete and deletecollection on events; keep events in remote storage",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Audit logging and threat detection: logging"],
            mitre: &["T1070"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    report_rules(cx, sink, |rule| {
        ["", "events.k8s.io"].into_iter().find_map(|group| {
            let verb = allowed_verb(rule, &["delete", "deletecollection"], group, "events", None)?;
            Some(format!(
                "allows {verb} on events: can erase the record of what happened in the cluster"
            ))
        })
    });
}

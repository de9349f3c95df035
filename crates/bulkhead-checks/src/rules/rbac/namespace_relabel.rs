use crate::rules::rbac::{allowed_verb_named, names_suffix, report_rules};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Rules that allow update or patch on Namespaces.
    ///
    /// ## Why it matters
    /// A namespace's labels decide its Pod Security admission level
    /// (`pod-security.kubernetes.io/enforce`) and which NetworkPolicies and admission webhooks
    /// select it through namespace selectors. Whoever can relabel a namespace can set it to
    /// `privileged`, take it out of a webhook's reach, or move it into the peers a policy allows.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["namespaces"]
    ///     verbs: ["get", "list", "patch"]
    /// ```
    ///
    /// Use instead: read namespaces, and leave their labels to the cluster administrators.
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["namespaces"]
    ///     verbs: ["get", "list"]
    /// ```
    ///
    /// ## References
    /// - MITRE ATT&CK T1562.001 (Impair Defenses: Disable or Modify Tools)
    /// - Kubernetes documentation, "Pod Security Admission"
    /// - Kubernetes documentation, "RBAC good practices", Escalation risks
    pub static NAMESPACE_RELABEL = Check {
        id: "BHR016",
        slug: "namespace-relabel",
        severity: Severity::Medium,
        family: Family::Rbac,
        remediation: "remove update and patch on namespaces; let the cluster administrators set namespace labels",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1562.001"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    report_rules(cx, sink, |rule| {
        let (verb, names) = allowed_verb_named(rule, &["patch", "update"], "", "namespaces", None)?;
        Some(format!(
            "allows {verb} on namespaces{}: relabeling defeats Pod Security admission and namespace selectors",
            names_suffix(names)
        ))
    });
}

use crate::rules::rbac::{allowed_verb, report_rules};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Rules that allow creating, changing or deleting mutating or validating admission webhook
    /// configurations.
    ///
    /// ## Why it matters
    /// A mutating webhook sees and may rewrite every object it selects: it can inject a container
    /// into every new pod, read every secret written, or turn off the checks of a validating
    /// webhook by deleting it. It is control of the cluster's admission.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["admissionregistration.k8s.io"]
    ///     resources: ["mutatingwebhookconfigurations"]
    ///     verbs: ["create", "update", "patch"]
    /// ```
    ///
    /// Use instead: grant read access, and manage webhooks through the cluster administrators'
    /// pipeline.
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["admissionregistration.k8s.io"]
    ///     resources: ["mutatingwebhookconfigurations"]
    ///     verbs: ["get", "list", "watch"]
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 5.1.12
    /// - MITRE ATT&CK T1562.001 (Impair Defenses: Disable or Modify Tools)
    pub static WEBHOOK_CONFIG_WRITE = Check {
        id: "BHR010",
        slug: "webhook-config-write",
        severity: Severity::High,
        family: Family::Rbac,
        remediation: "leave webhook configurations to the cluster administrators; grant read access only",
        compliance: Compliance {
            cis: &["5.1.12"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1562.001"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    report_rules(cx, sink, |rule| {
        [
            "mutatingwebhookconfigurations",
            "validatingwebhookconfigurations",
        ]
        .into_iter()
        .find_map(|resource| {
            let verb = allowed_verb(
                rule,
                &["create", "update", "patch", "delete", "deletecollection"],
                "admissionregistration.k8s.io",
                resource,
                None,
            )?;
            Some(format!(
                "allows {verb} on {resource}: control of admission for the whole cluster"
            ))
        })
    });
}

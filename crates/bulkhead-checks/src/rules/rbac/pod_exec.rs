use crate::rules::rbac::{allowed_verb, report_rules};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Rules that allow exec or attach into running pods, port-forwarding to them, or adding
    /// ephemeral (debug) containers.
    ///
    /// ## Why it matters
    /// A shell in a running pod is the pod's identity: its service-account token, its mounted
    /// secrets, its network position. Ephemeral containers run arbitrary images in an existing pod.
    /// Port-forwarding reaches services that network policy was meant to hide.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["pods/exec", "pods/attach"]
    ///     verbs: ["create", "get"]
    /// ```
    ///
    /// Use instead: give debugging rights only for a limited time (just-in-time access), and read-
    /// only access to logs otherwise.
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["pods/log"]
    ///     verbs: ["get"]
    /// ```
    ///
    /// ## References
    /// - MITRE ATT&CK T1609 (Container Administration Command)
    /// - Kubernetes documentation, "RBAC good practices", Escalation risks
    /// - CIS Kubernetes Benchmark v1.12, 5.1.8 (related)
    pub static POD_EXEC = Check {
        id: "BHR007",
        slug: "pod-exec",
        severity: Severity::Medium,
        family: Family::Rbac,
        remediation: "remove pods/exec, pods/attach, pods/portforward and pods/ephemeralcontainers; use logs and metrics to debug",
        compliance: Compliance {
            cis: &["5.1.8"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1609"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    report_rules(cx, sink, |rule| {
        const SUBRESOURCES: &[(&str, &[&str])] = &[
            ("exec", &["create", "get"]),
            ("attach", &["create", "get"]),
            ("portforward", &["create", "get"]),
            ("ephemeralcontainers", &["update", "patch"]),
        ];
        SUBRESOURCES.iter().find_map(|(sub, verbs)| {
            let verb = allowed_verb(rule, verbs, "", "pods", Some(sub))?;
            Some(format!(
                "allows {verb} on pods/{sub}: code runs with the pod's identity"
            ))
        })
    });
}

use crate::rules::rbac::{allowed_verb, report_rules};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Rules that allow get, list or watch on Secrets.
    ///
    /// ## Why it matters
    /// Secrets hold credentials: service-account tokens, registry passwords, TLS keys. list and
    /// watch return every secret's contents, not only names, and a service-account token read this
    /// way lets the reader act as that account, often with more rights than its own.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["secrets"]
    ///     verbs: ["get", "list", "watch"]
    /// ```
    ///
    /// Use instead: read only the secrets needed, by name (list and watch cannot be limited by
    /// name).
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["secrets"]
    ///     resourceNames: ["app-config"]
    ///     verbs: ["get"]
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 5.1.2
    /// - MITRE ATT&CK T1552.007 (Container API)
    /// - Kubernetes documentation, "RBAC good practices", Listing secrets
    pub static SECRETS_READ = Check {
        id: "BHR005",
        slug: "secrets-read",
        severity: Severity::Medium,
        family: Family::Rbac,
        remediation: "grant get on the named secrets the workload needs (resourceNames) instead of reading every secret",
        compliance: Compliance {
            cis: &["5.1.2"],
            pss: &[],
            nsa: &["Authentication and authorization"],
            mitre: &["T1552.007"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    report_rules(cx, sink, |rule| {
        let verb = allowed_verb(rule, &["list", "watch", "get"], "", "secrets", None)?;
        Some(if verb == "get" {
            "allows get on every secret".to_string()
        } else {
            format!("allows {verb} on secrets, which returns their contents")
        })
    });
}
